// The editor's "Tin liên quan / Related items" section: the ordered list (buttons and Alt+↑/↓,
// Delete), a library search that adds another story, and an outside link (title + URL). The
// rules live in ../related.ts; saving is the editor's autosave (`set` marks the story edited).
import { h } from "../dom";
import { t, type Key } from "../i18n";
import { addLink, addStory, move, remove, type Outcome, type Refusal, type Related } from "../related";

export interface RelatedDeps {
  get: () => Related[];
  /** Stores the new list on the story and marks it edited (autosave). */
  set: (list: Related[]) => void;
  /** The story being edited: never offered as its own related item. */
  selfId: () => string;
  /** The story list's search (diacritic-insensitive, đ matches d). */
  search: (query: string) => Promise<{ id: string; title: string; section: string }[]>;
}

/** How many library matches the search offers at once. */
const MAX_RESULTS = 8;

export function relatedEditor(deps: RelatedDeps): { el: HTMLElement; render: () => void } {
  const list = h("ol", {
    class: "related-list",
    id: "related-list",
    "aria-labelledby": "related-h",
    "aria-describedby": "related-hint",
  });
  const empty = h("p", { class: "muted small related-empty", id: "related-empty" }, t("relatedEmpty"));
  const msg = h("p", { class: "related-msg", id: "related-msg", role: "status", "aria-live": "polite" });

  const say = (text: string, kind: "ok" | "error") => {
    msg.textContent = text;
    msg.dataset.kind = kind;
  };
  const clearMsg = () => {
    msg.textContent = "";
    delete msg.dataset.kind;
  };
  const display = (r: Related) => r.title || t("untitled");
  const refusal = (reason: Refusal, index?: number) =>
    t(`related_${reason}` as Key, {
      title: index !== undefined ? display(deps.get()[index]) : "",
      n: (index ?? 0) + 1,
    });

  /** Re-renders the list; `focus` puts the keyboard back on an item (or one of its buttons). */
  function render(focus?: { index: number; button?: string }) {
    const items = deps.get();
    list.replaceChildren(...items.map((r, i) => item(r, i, items.length)));
    list.hidden = items.length === 0;
    empty.hidden = items.length > 0;
    if (focus && items.length) {
      const li = list.children[Math.min(focus.index, items.length - 1)] as HTMLElement;
      const btn = focus.button ? li.querySelector<HTMLButtonElement>(`[data-act=${focus.button}]`) : null;
      (btn && !btn.disabled ? btn : li).focus();
    }
  }

  function reorder(index: number, by: number, button?: string) {
    const items = deps.get();
    const moved = move(items, index, by);
    if (moved.index === index) return;
    deps.set(moved.list);
    render({ index: moved.index, button });
    say(t("relatedMoved", { title: display(items[index]), n: moved.index + 1, total: items.length }), "ok");
  }

  function drop(index: number) {
    const items = deps.get();
    const gone = items[index];
    deps.set(remove(items, index));
    if (items.length > 1) render({ index: Math.min(index, items.length - 2) });
    else {
      render();
      search.focus();
    }
    say(t("relatedRemoved", { title: display(gone) }), "ok");
  }

  function item(r: Related, i: number, n: number): HTMLElement {
    const title = display(r);
    const kind = r.article_id ? t("relatedFromLibrary") : t("relatedOutside");
    const btn = (act: string, label: Key, glyph: string, disabled: boolean, run: () => void) =>
      h(
        "button",
        {
          type: "button",
          class: act === "remove" ? "icon-btn danger" : "icon-btn",
          "data-act": act,
          "aria-label": t(label, { title }),
          title: t(label, { title }),
          disabled,
          onclick: run,
        },
        glyph,
      );
    const li = h(
      "li",
      {
        class: "related-item",
        tabindex: "0",
        "data-index": String(i),
        "data-article-id": r.article_id ?? undefined,
        "data-url": r.url ?? undefined,
        "aria-label": `${i + 1}/${n}. ${title} (${kind})`,
      },
      h("span", { class: r.article_id ? "related-kind story" : "related-kind link", "aria-hidden": "true" }, r.article_id ? "▤" : "↗"),
      h(
        "span",
        { class: "related-text" },
        h("span", { class: "related-title" }, title),
        // The address is shown, not linked: following it would navigate the app's own window.
        h("span", { class: "related-sub" }, r.url ?? kind),
      ),
      btn("up", "relatedMoveUp", "↑", i === 0, () => reorder(i, -1, "up")),
      btn("down", "relatedMoveDown", "↓", i === n - 1, () => reorder(i, 1, "down")),
      btn("remove", "relatedRemove", "×", false, () => drop(i)),
    );
    li.addEventListener("keydown", (e) => {
      if (e.target !== li) return;
      if (e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
        e.preventDefault();
        reorder(i, e.key === "ArrowUp" ? -1 : 1);
      } else if (!e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
        e.preventDefault();
        const next = li[e.key === "ArrowUp" ? "previousElementSibling" : "nextElementSibling"];
        (next as HTMLElement | null)?.focus();
      } else if (e.key === "Delete" || e.key === "Backspace") {
        e.preventDefault();
        drop(i);
      }
    });
    return li;
  }

  function added(out: Outcome): boolean {
    if (!out.ok) {
      say(refusal(out.reason, out.index), "error");
      if (out.index !== undefined) flash(out.index);
      return false;
    }
    deps.set(out.list);
    render();
    say(t("relatedAdded", { title: display(out.list[out.list.length - 1]) }), "ok");
    return true;
  }

  /** Points at the item a duplicate would have repeated. */
  function flash(index: number) {
    const li = list.children[index] as HTMLElement | undefined;
    if (!li) return;
    li.classList.remove("flash");
    void li.offsetWidth; // restart the animation
    li.classList.add("flash");
  }

  // ---- a story from the library: a combobox over the story search ----
  const search = h("input", {
    type: "search",
    id: "related-search",
    class: "related-search",
    placeholder: t("relatedSearch"),
    "aria-label": t("relatedSearchLabel"),
    role: "combobox",
    "aria-autocomplete": "list",
    "aria-expanded": "false",
    "aria-controls": "related-results",
    autocomplete: "off",
  });
  const results = h("ul", { class: "related-results", id: "related-results", role: "listbox", "aria-label": t("relatedResults"), hidden: true });
  let hits: { id: string; title: string; section: string }[] = [];
  let active = -1;
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function drawResults() {
    const listed = new Set(deps.get().map((r) => r.article_id).filter(Boolean));
    results.replaceChildren(
      ...hits.map((s, i) =>
        h(
          "li",
          {
            id: `related-hit-${i}`,
            class: i === active ? "related-hit active" : "related-hit",
            role: "option",
            "aria-selected": i === active ? "true" : "false",
            "data-id": s.id,
            // Keep the focus in the search box while the mouse picks.
            onmousedown: (e: MouseEvent) => e.preventDefault(),
            onclick: () => pick(i),
          },
          h("span", { class: "related-title" }, s.title || t("untitled")),
          s.section ? h("span", { class: "related-sub" }, s.section) : null,
          listed.has(s.id) ? h("span", { class: "related-listed" }, t("relatedListed")) : null,
        ),
      ),
    );
    if (!hits.length && search.value.trim()) results.append(h("li", { class: "muted small related-none" }, t("relatedNoMatch")));
    const open = search.value.trim() !== "";
    results.hidden = !open;
    search.setAttribute("aria-expanded", open ? "true" : "false");
    if (active >= 0) search.setAttribute("aria-activedescendant", `related-hit-${active}`);
    else search.removeAttribute("aria-activedescendant");
  }

  async function runSearch() {
    const my = ++seq;
    const q = search.value.trim();
    const found = q ? await deps.search(q) : [];
    if (my !== seq) return;
    hits = found.filter((s) => s.id !== deps.selfId()).slice(0, MAX_RESULTS);
    active = hits.length ? 0 : -1;
    drawResults();
  }

  function closeResults() {
    seq++;
    hits = [];
    active = -1;
    drawResults();
  }

  function pick(i: number) {
    const s = hits[i];
    if (!s) return;
    if (added(addStory(deps.get(), s, deps.selfId()))) {
      search.value = "";
      closeResults();
    } else drawResults();
    search.focus();
  }

  search.addEventListener("input", () => {
    clearMsg();
    clearTimeout(timer);
    timer = setTimeout(() => void runSearch(), 150);
  });
  search.addEventListener("keydown", (e) => {
    if ((e.key === "ArrowDown" || e.key === "ArrowUp") && hits.length) {
      e.preventDefault();
      active = (active + (e.key === "ArrowDown" ? 1 : -1) + hits.length) % hits.length;
      drawResults();
      results.children[active]?.scrollIntoView({ block: "nearest" });
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (active >= 0) pick(active);
    } else if (e.key === "Escape" && !results.hidden) {
      e.preventDefault();
      search.value = "";
      closeResults();
    }
  });
  search.addEventListener("blur", () => setTimeout(() => {
    if (document.activeElement !== search) {
      hits = [];
      active = -1;
      results.hidden = true;
      search.setAttribute("aria-expanded", "false");
    }
  }, 0));
  search.addEventListener("focus", () => {
    if (search.value.trim()) void runSearch();
  });

  // ---- an outside link ----
  const linkTitle = h("input", {
    id: "related-title",
    class: "related-input",
    placeholder: t("relatedLinkTitle"),
    "aria-label": t("relatedLinkTitle"),
  });
  const linkUrl = h("input", {
    id: "related-url",
    class: "related-input",
    type: "url",
    inputmode: "url",
    spellcheck: "false",
    placeholder: t("relatedLinkUrl"),
    "aria-label": t("relatedLinkUrl"),
    "aria-describedby": "related-msg",
  });
  const addLinkBtn = h("button", { type: "submit", class: "ghost", id: "related-add-link" }, t("relatedAddLink"));
  const linkForm = h("form", { class: "related-link", novalidate: true }, linkTitle, linkUrl, addLinkBtn);
  linkForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const out = addLink(deps.get(), linkTitle.value, linkUrl.value);
    const urlBad = !out.ok && out.reason.startsWith("url");
    linkUrl.setAttribute("aria-invalid", urlBad ? "true" : "false");
    linkTitle.setAttribute("aria-invalid", !out.ok && out.reason === "titleEmpty" ? "true" : "false");
    if (added(out)) {
      linkTitle.value = "";
      linkUrl.value = "";
      linkTitle.focus();
    } else if (urlBad) linkUrl.focus();
    else if (!out.ok && out.reason === "titleEmpty") linkTitle.focus();
  });
  for (const input of [linkTitle, linkUrl])
    input.addEventListener("input", () => {
      input.removeAttribute("aria-invalid");
      clearMsg();
    });

  const el = h(
    "section",
    { class: "related", "aria-labelledby": "related-h" },
    h("h2", { class: "sub", id: "related-h" }, t("related")),
    list,
    empty,
    h("p", { class: "muted small related-hint", id: "related-hint" }, t("relatedHint")),
    h("div", { class: "related-find" }, search, results),
    linkForm,
    msg,
  );
  render();
  return { el, render: () => render() };
}
