// Story list: search (diacritic-insensitive, highlighted snippets), status filter, newest first.
import * as api from "../api";
import { h, highlight } from "../dom";
import { t, getLang } from "../i18n";
import { debounce, subscribe, touchesStories } from "../live";
import { go, type View } from "../router";

export function formatTime(iso: string, lang = getLang()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang === "vi" ? "vi-VN" : "en-GB", {
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** Every status, in workflow order (the filter and the editor's status menu). */
export const STATUSES: api.Status[] = ["draft", "submitted", "edited", "approved", "published", "withdrawn", "ready"];

/** Whose turn a story is: the reporter or photographer it is assigned to while it is a draft;
 *  the desk (sub-editors and editors) once it is handed in; editors once it is edited. */
export function waitingFor(s: Pick<api.ArticleSummary, "status" | "assigned">, me: api.Me | null): boolean {
  if (!me) return false;
  const mine = (s.assigned ?? []).some((p) => p.name === me.name);
  switch (me.role) {
    case "reporter":
    case "photographer":
      return mine && s.status === "draft";
    case "subeditor":
      return s.status === "submitted" || s.status === "ready";
    case "editor":
      return s.status === "edited" || s.status === "approved" || s.status === "submitted" || s.status === "ready";
    default:
      return false;
  }
}

export function statusBadge(s: api.Status): HTMLElement {
  return h("span", { class: `badge status-${s}` }, t(`status_${s}`));
}

export async function storiesView(): Promise<View> {
  const search = h("input", {
    type: "search",
    id: "story-search",
    class: "search",
    placeholder: t("searchPlaceholder"),
    "aria-label": t("searchLabel"),
    value: sessionStorage.getItem("q") ?? "",
  });
  const filter = h(
    "select",
    { id: "status-filter", "aria-label": t("statusFilter") },
    h("option", { value: "" }, t("statusAll")),
    h("option", { value: "mine" }, t("filterMine")),
    h("option", { value: "waiting" }, t("filterWaiting")),
    ...STATUSES.map((s) => h("option", { value: s }, t(`status_${s}`))),
  );
  // Who the stored token is: asked once per visit (remembered by the core for offline use). The
  // list never waits for it (the server may be slow or away): "mine" and "waiting" refresh when
  // the answer comes.
  let me: api.Me | null = null;
  void api.whoami().then(
    (who) => {
      me = who;
      if (filter.value === "mine" || filter.value === "waiting") void refresh();
    },
    () => undefined,
  );
  filter.value = sessionStorage.getItem("status") ?? "";
  const list = h("ul", { class: "story-list", id: "story-list", "aria-label": t("navStories") });

  const open = (id: string) => void go({ name: "editor", id });
  const row = (s: api.ArticleSummary, snippet?: api.SearchHit["snippet"]) =>
    h(
      "li",
      {},
      h(
        "button",
        { class: "story-row", "data-id": s.id, onclick: () => open(s.id) },
        h(
          "div",
          { class: "story-main" },
          h("div", { class: "story-title" }, s.title || t("untitled")),
          snippet && snippet.text
            ? h("div", { class: "snippet" }, highlight(snippet.text, snippet.highlights))
            : null,
        ),
        h("span", { class: "story-section" }, s.section),
        s.assigned?.length
          ? h("span", { class: "story-assigned", title: t("assignedTo") }, s.assigned.map((p) => p.name).join(", "))
          : null,
        statusBadge(s.status),
        h("time", { class: "story-time", datetime: s.updated_at }, formatTime(s.updated_at)),
      ),
    );

  let seq = 0;
  let lastShown = "";
  async function refresh() {
    const my = ++seq;
    const q = search.value.trim();
    const special = filter.value === "mine" || filter.value === "waiting" ? filter.value : "";
    const status = (special ? undefined : filter.value || undefined) as api.Status | undefined;
    sessionStorage.setItem("q", search.value);
    sessionStorage.setItem("status", filter.value);
    let items: HTMLElement[];
    let shown: string;
    if (q) {
      const hits = (await api.searchStories(q)).filter((x) => !status || x.status === status);
      shown = JSON.stringify([q, hits]);
      items = hits.map((x) => row(x, x.snippet));
    } else {
      const who = me;
      const stories = (await api.listStories(status)).filter((s) =>
        special === "mine"
          ? !!who && (s.assigned ?? []).some((p) => p.name === who.name)
          : special === "waiting"
            ? waitingFor(s, who)
            : true,
      );
      shown = JSON.stringify(stories);
      items = stories.map((s) => row(s));
    }
    if (my !== seq) return;
    // Most events (an autosave, an upload step) leave the list as it was: keep the rows, so
    // nothing under the pointer or the keyboard is swapped out for nothing.
    if (shown === lastShown) return;
    lastShown = shown;
    // A live refresh must not take the keyboard focus away from the row it was on.
    const focused = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>(".story-row");
    const focusedId = focused && list.contains(focused) ? focused.dataset.id : undefined;
    list.replaceChildren(
      ...(items.length ? items : [h("li", { class: "empty" }, t(q ? "noResults" : "noStories"))]),
    );
    if (focusedId)
      [...list.querySelectorAll<HTMLElement>(".story-row")].find((r) => r.dataset.id === focusedId)?.focus();
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => void refresh(), 150);
  });
  filter.addEventListener("change", () => void refresh());
  await refresh();
  // A pull (another person's story), a save or a publish changes the list: refresh once a burst
  // of events pauses. `refresh` drops a stale answer, so overlapping ones are harmless.
  const live = debounce(() => void refresh().catch(() => undefined), 150);
  const stop = subscribe((e) => {
    if (touchesStories(e)) live();
  });

  const newBtn = h(
    "button",
    {
      class: "primary",
      id: "new-story",
      title: "Ctrl+N",
      onclick: async () => {
        const a = await api.createStory("");
        await go({ name: "editor", id: a.id });
      },
    },
    t("newStory"),
  );
  const el = h(
    "section",
    { class: "page stories", "aria-labelledby": "stories-h" },
    h(
      "header",
      { class: "toolbar" },
      h("h1", { id: "stories-h" }, t("navStories")),
      search,
      filter,
      newBtn,
    ),
    list,
  );
  return {
    el,
    onFind: () => search.focus(),
    leave: async () => {
      stop();
      live.cancel();
    },
  };
}
