// The app shell: navigation, theme and language, global shortcuts, menu and drop events.
import "./fonts.css";
import "./style.css";
import { createStory, onMenu, onPhotosDropped } from "./api";
import { h } from "./dom";
import { setLang, t, type Key, type Lang } from "./i18n";
import { storiesView } from "./views/stories";
import { editorView } from "./views/editor";
import { photosView, importPaths, pickAndImport } from "./views/photos";
import { publishView } from "./views/publish";
import { settingsView } from "./views/settings";
import { setNavigator, type Route, type View } from "./router";
import { startLive } from "./live";
import { syncIndicator } from "./views/syncstatus";

let route: Route = { name: "stories" };
let current: View | null = null;
const main = h("main", { id: "view", tabindex: "-1" });
const nav = h("nav", { class: "nav", "aria-label": "Byline" });
// The connection indicator lives across navigations (the nav is redrawn on each).
const sync = syncIndicator(() => void go({ name: "settings" }));

async function go(r: Route): Promise<void> {
  if (current?.leave) await current.leave();
  route = r;
  renderNav();
  main.replaceChildren();
  switch (r.name) {
    case "stories":
      current = await storiesView();
      break;
    case "editor":
      // The publish panel opens on the story last edited.
      sessionStorage.setItem("lastStory", r.id);
      current = await editorView(r.id);
      break;
    case "photos":
      current = await photosView();
      break;
    case "publish":
      current = await publishView();
      break;
    case "settings":
      current = await settingsView(() => rerender());
      break;
  }
  main.replaceChildren(current.el);
  document.title = `Byline — ${t(navKey(r.name))}`;
}

function navKey(n: Route["name"]): Key {
  return n === "photos"
    ? "navPhotos"
    : n === "publish"
      ? "navPublish"
      : n === "settings"
        ? "navSettings"
        : "navStories";
}

function renderNav() {
  const item = (name: Route["name"], key: Key, icon: string) => {
    const active = route.name === name || (name === "stories" && route.name === "editor");
    return h(
      "button",
      {
        class: active ? "nav-item active" : "nav-item",
        "aria-current": active ? "page" : undefined,
        "data-nav": name,
        onclick: () => void go({ name } as Route),
      },
      h("span", { class: "icon", "aria-hidden": "true" }, icon),
      h("span", {}, t(key)),
    );
  };
  nav.replaceChildren(
    h("div", { class: "brand" }, h("span", { class: "logo" }, "B"), "Byline"),
    item("stories", "navStories", "▤"),
    item("photos", "navPhotos", "▦"),
    item("publish", "navPublish", "⇪"),
    h("div", { class: "spacer" }),
    sync.el,
    item("settings", "navSettings", "⚙"),
  );
}

export function applyPrefs(): void {
  const lang = (localStorage.getItem("lang") as Lang | null) ?? "vi";
  setLang(lang);
  document.documentElement.lang = lang;
  const theme =
    localStorage.getItem("theme") ??
    (window.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light");
  document.documentElement.dataset.theme = theme;
}

function rerender() {
  applyPrefs();
  sync.render();
  void go(route);
}

// Global shortcuts. The native menu also sends them (as the `menu` event); ignore a repeat.
let lastAction = { id: "", at: 0 };
async function action(id: string): Promise<void> {
  const now = Date.now();
  if (lastAction.id === id && now - lastAction.at < 300) return;
  lastAction = { id, at: now };
  switch (id) {
    case "new-story": {
      const a = await createStory("");
      await go({ name: "editor", id: a.id });
      break;
    }
    case "import-photos":
      if (route.name !== "photos") await go({ name: "photos" });
      await pickAndImport();
      break;
    case "save":
      current?.onSave?.();
      break;
    case "find":
      if (current?.onFind) current.onFind();
      else {
        await go({ name: "stories" });
        current?.onFind?.();
      }
      break;
  }
}

document.addEventListener("keydown", (e) => {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
  const map: Record<string, string> = { n: "new-story", i: "import-photos", s: "save", f: "find" };
  const id = map[e.key.toLowerCase()];
  if (id) {
    e.preventDefault();
    void action(id);
  }
});

function start() {
  setNavigator(go);
  applyPrefs();
  sync.render();
  document.body.append(h("div", { class: "shell" }, nav, main));
  void go({ name: "stories" });
  if ("__TAURI_INTERNALS__" in window) {
    void startLive();
    void onMenu((id) => void action(id));
    void onPhotosDropped(async (paths) => {
      if (route.name !== "photos") await go({ name: "photos" });
      await importPaths(paths);
    });
  }
}

start();
