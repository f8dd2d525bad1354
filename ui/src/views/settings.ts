// Settings: language, theme, newsroom server URL and access token.
import * as api from "../api";
import { h } from "../dom";
import { getLang, t } from "../i18n";
import { toast, type View } from "../router";

export async function settingsView(onPrefs: () => void): Promise<View> {
  const s = await api.getSettings();
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
  const token = h("input", { id: "token", type: "password", autocomplete: "off", "aria-label": t("token"), placeholder: s.has_token ? t("tokenStored") : "" });
  const save = h("button", { class: "primary", onclick: async () => {
    try {
      await api.saveSettings(url.value, token.value || null);
      token.value = "";
      toast(t("settingsSaved"));
    } catch (e) {
      toast(`${t("error")}: ${(e as Error).message}`, "error");
    }
  } }, t("save"));
  const row = (label: string, el: HTMLElement) => h("label", { class: "field" }, h("span", {}, label), el);
  const el = h(
    "section",
    { class: "page settings" },
    h("header", { class: "toolbar" }, h("h1", {}, t("navSettings"))),
    h(
      "div",
      { class: "settings-form" },
      row(t("language"), lang),
      row(t("theme"), theme),
      row(t("serverUrl"), url),
      row(t("token"), token),
      h("div", { class: "panel-actions" }, save),
    ),
  );
  return { el };
}
