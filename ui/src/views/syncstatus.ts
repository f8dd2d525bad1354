// The connection indicator in the nav: online, offline, or what to do about the token or the
// server address (with a link to Settings), always in the current language. It draws the
// engine's `connection` events; it never asks on a timer.
import { fill, h } from "../dom";
import { t } from "../i18n";
import { indicator, lastConnection, watchConnection } from "../live";

export function syncIndicator(openSettings: () => void): { el: HTMLElement; render: () => void; stop: () => void } {
  const el = h("div", { id: "sync-status", class: "sync-status", role: "status", "aria-live": "polite" });
  const render = () => {
    const ind = indicator(lastConnection());
    el.dataset.state = ind.state;
    el.title = t("connTitle");
    fill(
      el,
      h("span", { class: "sync-dot", "aria-hidden": "true" }),
      h("span", { class: "sync-text" }, t(ind.key)),
      ind.settings
        ? h("button", { class: "link sync-settings", id: "sync-status-settings", onclick: openSettings }, t("conn_settings"))
        : null,
    );
  };
  const stop = watchConnection(render);
  render();
  return { el, render, stop };
}
