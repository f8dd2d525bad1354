// Settings: language, theme, newsroom server URL and access token (OS keychain, else a private
// file: the view says which), and the photographer's defaults that prefill new photos.
import * as api from "../api";
import { h } from "../dom";
import { getLang, t } from "../i18n";
import { errorDetail, errorText } from "../errors";
import { connectionChanging, connectionMark } from "../live";
import { toast, type View } from "../router";

/** "Stored in: OS keychain" / "Stored in: file (no keychain available)", or nothing. */
export function storeLabel(s: api.Settings): string {
  return s.token_store ? t("tokenStoredIn", { store: t(`store_${s.token_store}`) }) : "";
}

/** The WordPress sites block: the list (each with Remove) and a small form to add one. */
export async function destinationsBlock(): Promise<HTMLElement> {
  const list = h("ul", { id: "destinations", class: "destinations", "aria-label": t("destinationsSection") });
  const render = (ds: api.Destination[]) => {
    if (ds.length === 0) {
      list.replaceChildren(h("li", { class: "empty muted" }, t("noDestinations")));
      return;
    }
    list.replaceChildren(
      ...ds.map((d) =>
        h(
          "li",
          { class: "destination", "data-name": d.name },
          h("strong", {}, d.name),
          h("span", { class: "muted small" }, ` ${d.url} · ${d.user}`),
          d.password_store
            ? h("span", { class: "muted small" }, ` · ${t("tokenStoredIn", { store: t(`store_${d.password_store}`) })}`)
            : null,
          h(
            "button",
            {
              class: "ghost",
              type: "button",
              "data-remove": d.name,
              onclick: () =>
                void (async () => {
                  try {
                    await api.removeDestination(d.name);
                    toast(t("destinationRemoved", { name: d.name }));
                    render(await api.listDestinations());
                  } catch (e) {
                    toast(errorText(e), "error", { detail: errorDetail(e) });
                  }
                })(),
            },
            t("removeDestination"),
          ),
        ),
      ),
    );
  };
  render(await api.listDestinations());
  const field = (id: string, label: string, type = "text", placeholder = "") =>
    h("input", { id, type, "aria-label": label, placeholder, autocomplete: "off" });
  const name = field("dest-name", t("destName"), "text", "web");
  const url = field("dest-url", t("destUrl"), "url", "https://");
  const user = field("dest-user", t("destUser"));
  const password = field("dest-password", t("destAppPassword"), "password");
  const add = async () => {
    try {
      const d = await api.addDestination(name.value, url.value, user.value, password.value);
      password.value = "";
      for (const el of [name, url, user]) el.value = "";
      toast(t("destinationAdded", { name: d.name }));
      render(await api.listDestinations());
    } catch (e) {
      toast(errorText(e), "error", { detail: errorDetail(e) });
    }
  };
  const row = (label: string, el: HTMLElement) => h("label", { class: "field" }, h("span", {}, label), el);
  return h(
    "form",
    {
      class: "settings-form",
      id: "destinations-form",
      onsubmit: (e: Event) => {
        e.preventDefault();
        void add();
      },
    },
    h("h2", { class: "sub" }, t("destinationsSection")),
    h("p", { class: "muted small" }, t("destinationsHint")),
    list,
    row(t("destName"), name),
    row(t("destUrl"), url),
    row(t("destUser"), user),
    row(t("destAppPassword"), password),
    h("div", { class: "panel-actions" }, h("button", { class: "primary", id: "add-destination", type: "submit" }, t("addDestination"))),
  );
}

export async function settingsView(onPrefs: () => void): Promise<View> {
  let s = await api.getSettings();
  const sites = await destinationsBlock();
  const lang = h(
    "select",
    { id: "lang", "aria-label": t("language") },
    h("option", { value: "vi", selected: getLang() === "vi" }, "Tiếng Việt"),
    h("option", { value: "en", selected: getLang() === "en" }, "English"),
  );
  lang.addEventListener("change", () => {
    localStorage.setItem("lang", lang.value);
    onPrefs();
  });
  const theme = h(
    "select",
    { id: "theme", "aria-label": t("theme") },
    h("option", { value: "light" }, t("themeLight")),
    h("option", { value: "dark" }, t("themeDark")),
  );
  theme.value = document.documentElement.dataset.theme ?? "light";
  theme.addEventListener("change", () => {
    localStorage.setItem("theme", theme.value);
    onPrefs();
  });
  const url = h("input", { id: "server-url", type: "url", value: s.server_url, placeholder: "https://", "aria-label": t("serverUrl") });
  const token = h("input", {
    id: "token",
    type: "password",
    autocomplete: "off",
    "aria-label": t("token"),
    "aria-describedby": "token-store",
    placeholder: s.has_token ? t("tokenStored") : "",
  });
  const where = h("p", { id: "token-store", class: "muted small", "aria-live": "polite" }, storeLabel(s));
  const input = (id: string, value: string, label: string) =>
    h("input", { id, type: "text", value, "aria-label": label });
  const creator = input("def-creator", s.photo_creator, t("creator"));
  const credit = input("def-credit", s.photo_credit, t("credit"));
  const city = input("def-city", s.photo_city, t("city"));
  const zone = input("def-zone", s.time_zone, t("timeZone"));
  zone.placeholder = "+07:00";
  // Saved on the form's submit only (the button's click and Enter in a field both submit):
  // a click handler as well would save twice.
  const doSave = async () => {
    try {
      const reconnect = token.value !== "" || url.value.trim() !== s.server_url;
      const mark = connectionMark();
      s = await api.saveSettings(
        {
          server_url: url.value,
          photo_creator: creator.value,
          photo_credit: credit.value,
          photo_city: city.value,
          time_zone: zone.value,
        },
        token.value || null,
      );
      token.value = "";
      token.placeholder = s.has_token ? t("tokenStored") : "";
      url.value = s.server_url;
      where.textContent = storeLabel(s);
      // The engine was woken and tries the new server or token now; until it speaks, the
      // indicator says "checking" rather than repeat what held for the old one.
      if (reconnect) connectionChanging(mark);
      toast(t("settingsSaved"));
    } catch (e) {
      toast(errorText(e), "error", { detail: errorDetail(e) });
    }
  };
  const save = h("button", { class: "primary", id: "save-settings", type: "submit" }, t("save"));
  const row = (label: string, el: HTMLElement) => h("label", { class: "field" }, h("span", {}, label), el);
  const el = h(
    "section",
    { class: "page settings" },
    h("header", { class: "toolbar" }, h("h1", {}, t("navSettings"))),
    h(
      "form",
      { class: "settings-form", onsubmit: (e: Event) => { e.preventDefault(); void doSave(); } },
      h("h2", { class: "sub" }, t("appearance")),
      row(t("language"), lang),
      row(t("theme"), theme),
      h("h2", { class: "sub" }, t("serverSection")),
      row(t("serverUrl"), url),
      row(t("token"), token),
      where,
      h("h2", { class: "sub" }, t("photoDefaults")),
      h("p", { class: "muted small" }, t("photoDefaultsHint")),
      row(t("creator"), creator),
      row(t("credit"), credit),
      row(t("city"), city),
      row(t("timeZone"), zone),
      h("div", { class: "panel-actions" }, save),
    ),
    sites,
  );
  return { el };
}
