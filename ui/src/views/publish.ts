// Publish panel: a placeholder until the core's outbox / `byline publish` lands.
import { h } from "../dom";
import { t } from "../i18n";
import type { View } from "../router";

export function publishView(): View {
  const el = h(
    "section",
    { class: "page publish" },
    h("header", { class: "toolbar" }, h("h1", {}, t("publishTitle"))),
    h(
      "div",
      { class: "placeholder", id: "publish-placeholder", role: "note" },
      h("div", { class: "placeholder-icon", "aria-hidden": "true" }, "⇪"),
      h("p", {}, t("publishPlaceholder")),
    ),
  );
  return { el };
}
