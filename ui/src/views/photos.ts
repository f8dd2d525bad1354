// Photo desk: a virtualised thumbnail grid (only visible rows in the DOM), import with progress
// and cancel, batch captioning of the selection, and attaching a photo to a story. The core
// commits each imported photo as it is made and says so (`photos_changed`): the grid fills while
// an import runs.
import { open } from "@tauri-apps/plugin-dialog";
import * as api from "../api";
import { fill, h } from "../dom";
import { cellOrigin, gridWindow, isFling, ScrollSpeed, windowDiff } from "../grid";
import { t, type Key } from "../i18n";
import { errorDetail, errorText } from "../errors";
import { debounce, subscribe } from "../live";
import { toast, type View } from "../router";
import { editForKey, stars } from "../marks";
import { openCompare, openLoupe } from "./loupe";
import { openIngest } from "./ingest";

const CELL = 168;
const GAP = 10;
/** How long a fling must have stopped before its thumbnails load. */
const SETTLE_MS = 120;

let photos: api.PhotoView[] = [];
/** The grid's filter; remembered by the core for the library. */
let filter: api.PhotoQuery | null = null;

/** The photos the current filter selects (every photo before the filter is known). */
async function load(): Promise<api.PhotoView[]> {
  filter ??= await api.photoFilter();
  return api.findPhotos(filter);
}
let refreshGrid: (() => void) | null = null;
let progressEl: HTMLElement | null = null;

/** Opens the native file dialog (files or a folder) and imports what was picked. */
export async function pickAndImport(): Promise<void> {
  const picked = await open({
    multiple: true,
    directory: false,
    filters: [{ name: "Photos", extensions: ["jpg", "jpeg", "png", "webp", "tif", "tiff", "heic"] }],
  });
  if (!picked) return;
  await importPaths(Array.isArray(picked) ? picked : [picked]);
}

/** Imports files and folders (from the dialog, a drop, or a test) with a progress bar. */
export async function importPaths(paths: string[]): Promise<void> {
  if (!paths.length) return;
  const bar = h("progress", { max: "1", value: "0", "aria-label": t("importPhotos") });
  const label = h("span", { class: "import-label" }, t("importing", { done: 0, total: "…" }));
  const box = h(
    "div",
    { class: "import-progress", id: "import-progress", role: "status" },
    label,
    bar,
    h("button", { class: "ghost", id: "cancel-import", onclick: () => void api.cancelImport() }, t("cancel")),
  );
  progressEl?.replaceChildren(box);
  try {
    const r = await api.importPhotos(paths, (p) => {
      bar.max = p.total;
      bar.value = p.done;
      label.textContent = t("importing", { done: p.done, total: p.total });
    });
    toast(t("importDone", { n: r.imported.length, d: r.duplicates.length, f: r.failed.length }));
  } catch (e) {
    toast(errorText(e), "error", { detail: errorDetail(e) });
  } finally {
    box.remove();
    photos = await load();
    refreshGrid?.();
  }
}

export async function photosView(): Promise<View> {
  photos = await load();
  const selected = new Set<string>();
  let cursor = 0;
  let anchor = 0;

  const count = h("span", { class: "muted", id: "photo-count" });
  const compareBtn = h("button", { class: "ghost", id: "compare-btn", title: t("compareHint"), disabled: true, onclick: () => {
    const two = photos.filter((p) => selected.has(p.id));
    if (two.length === 2) openCompare(two[0], two[1]);
    else toast(t("compareHint"), "error");
  } }, t("comparePhotos"));
  progressEl = h("div", { class: "progress-slot" });
  const scroller = h("div", {
    class: "grid-scroller",
    id: "photo-grid",
    tabindex: "0",
    role: "listbox",
    "aria-multiselectable": "true",
    "aria-label": t("navPhotos"),
  });
  const sizer = h("div", { class: "grid-sizer" });
  scroller.append(sizer);
  const sidePanel = h("aside", { class: "side photo-side", id: "photo-panel" });

  // Rendered cells by photo index. A scroll step only adds the rows that came into view and drops
  // those that left (see windowDiff); a change to the photos themselves (import, captions) or to
  // the column count rebuilds them.
  const cells = new Map<number, HTMLElement>();
  let columns = 0;
  let stale = true;
  // While flinging, new cells get their thumbnail only once the scroll slows down (SETTLE_MS).
  const speed = new ScrollSpeed();
  let flinging = false;
  let settle = 0;

  // Cells that scrolled out are given to the photos scrolling in (see `render`), so a fling
  // moves a few dozen elements around instead of creating and collecting thousands.
  function newCell(): HTMLElement {
    return h(
      "div",
      { class: "cell", role: "option" },
      h("img", { decoding: "async", draggable: "false" }),
      h("span", { class: "cell-marks" }),
      h("span", { class: "cell-caption" }),
    );
  }

  /** Stars, label, tag and reject on a cell (data-* for tests and styles). */
  function fillMarks(el: HTMLElement, p: api.PhotoView) {
    el.dataset.rating = String(p.rating);
    el.dataset.label = p.label ?? "";
    el.dataset.tagged = String(p.tagged);
    el.dataset.rejected = String(p.rejected);
    const marks = el.querySelector<HTMLElement>(".cell-marks")!;
    marks.replaceChildren(
      p.rating ? h("span", { class: "stars" }, stars(p.rating).replace(/☆/g, "")) : "",
      p.label ? h("span", { class: `label-dot label-${p.label}`, title: t(`label_${p.label}`) }) : "",
      p.tagged ? h("span", { class: "tag-mark", title: t("tagged") }, "✓") : "",
      p.rejected ? h("span", { class: "reject-mark", title: t("rejected") }, "✕") : "",
    );
  }

  function fillCell(el: HTMLElement, i: number, cols: number) {
    const p = photos[i];
    const { x, y } = cellOrigin(i, cols, CELL, GAP);
    const label = p.caption || p.original_name;
    const img = el.firstElementChild as HTMLImageElement;
    // The same photo again (a refill after an import added others): keep its loaded thumbnail.
    if (el.dataset.id !== p.id) img.removeAttribute("src");
    el.dataset.id = p.id;
    el.dataset.index = String(i);
    el.title = p.original_name;
    el.style.transform = `translate(${x}px, ${y}px)`;
    img.alt = label;
    (el.lastElementChild as HTMLElement).textContent = label;
    fillMarks(el, p);
    if (!flinging) showThumb(el, i);
  }

  function showThumb(el: HTMLElement, i: number) {
    const img = el.firstElementChild as HTMLImageElement;
    if (!img.getAttribute("src")) img.src = api.renditionUrl("thumb", photos[i].id);
  }

  function paintState(el: HTMLElement, i: number) {
    const sel = selected.has(photos[i].id);
    const cls = `cell${sel ? " selected" : ""}${i === cursor ? " cursor" : ""}${photos[i].rejected ? " rejected" : ""}`;
    if (el.className !== cls) el.className = cls;
    el.setAttribute("aria-selected", sel ? "true" : "false");
  }

  function render() {
    count.textContent = `${photos.length}`;
    compareBtn.disabled = selected.size !== 2;
    if (!photos.length) {
      cells.clear();
      sizer.style.height = "0px";
      sizer.replaceChildren(h("p", { class: "empty" }, t("noPhotos")));
      stale = true;
      return;
    }
    const w = gridWindow(photos.length, scroller.clientWidth - 2 * GAP, scroller.clientHeight, scroller.scrollTop, CELL, GAP);
    if (w.columns !== columns || cells.size === 0) {
      sizer.replaceChildren();
      cells.clear();
      columns = w.columns;
      scroller.dataset.columns = String(columns);
    } else if (stale) {
      // The photos changed (an import landing photo by photo, captions): refill the cells in
      // place rather than rebuild them, so the grid does not flash and a cell being pointed at
      // or clicked stays the same element.
      for (const [i, el] of cells) {
        if (i < photos.length) fillCell(el, i, columns);
        else {
          el.remove();
          cells.delete(i);
        }
      }
    }
    stale = false;
    sizer.style.height = `${w.totalHeight + 2 * GAP}px`;
    const { remove, add } = windowDiff(cells.keys(), w.first, w.last);
    const spare: HTMLElement[] = [];
    for (const i of remove) {
      spare.push(cells.get(i)!);
      cells.delete(i);
    }
    const frag = document.createDocumentFragment();
    for (const i of add) {
      let el = spare.pop();
      if (!el) {
        el = newCell();
        frag.append(el);
      }
      fillCell(el, i, columns);
      cells.set(i, el);
    }
    if (frag.childNodes.length) sizer.append(frag);
    for (const el of spare) el.remove();
    for (const [i, el] of cells) {
      paintState(el, i);
      if (!flinging) showThumb(el, i);
    }
  }

  // The photos changed (import, captions): rebuild the visible cells on the next render.
  function invalidate() {
    stale = true;
    render();
  }

  function click(i: number, e: { shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }) {
    const id = photos[i].id;
    if (e.shiftKey) {
      const [a, b] = [Math.min(anchor, i), Math.max(anchor, i)];
      if (!(e.ctrlKey || e.metaKey)) selected.clear();
      for (let k = a; k <= b; k++) selected.add(photos[k].id);
    } else if (e.ctrlKey || e.metaKey) {
      if (selected.has(id)) selected.delete(id);
      else selected.add(id);
      anchor = i;
    } else {
      selected.clear();
      selected.add(id);
      anchor = i;
    }
    cursor = i;
    render();
    void renderPanel();
  }

  sizer.addEventListener("click", (e) => {
    const cell = (e.target as HTMLElement).closest<HTMLElement>(".cell");
    if (cell?.dataset.index) click(Number(cell.dataset.index), e);
  });
  sizer.addEventListener("dblclick", (e) => {
    const cell = (e.target as HTMLElement).closest<HTMLElement>(".cell");
    if (cell?.dataset.index) loupe(Number(cell.dataset.index));
  });

  /** A photo's new view (marks set): swap it in; a filter it no longer fits drops it. */
  function updated(v: api.PhotoView) {
    const i = photos.findIndex((p) => p.id === v.id);
    if (i >= 0) photos[i] = v;
    invalidate();
    reload();
  }

  function loupe(i: number) {
    if (!photos.length) return;
    openLoupe(i, {
      photos: () => photos,
      updated: (v) => {
        const k = photos.findIndex((p) => p.id === v.id);
        if (k >= 0) photos[k] = v;
        invalidate();
      },
      closed: (index) => {
        cursor = Math.min(index, photos.length - 1);
        reload();
        scroller.focus();
      },
    });
  }

  /** Marks from the keyboard on the selection (or the photo under the cursor). */
  async function markKey(key: string): Promise<boolean> {
    const targets = selected.size ? photos.filter((p) => selected.has(p.id)) : photos[cursor] ? [photos[cursor]] : [];
    if (!targets.length) return false;
    const edit = editForKey(key, targets[0]);
    if (!edit) return false;
    try {
      for (const v of await api.markPhotos(targets.map((p) => p.id), edit)) updated(v);
    } catch (e) {
      toast(errorText(e), "error", { detail: errorDetail(e) });
    }
    return true;
  }

  // One render per frame however many scroll events arrive in it.
  let queued = false;
  scroller.addEventListener(
    "scroll",
    () => {
      const fast = isFling(speed.sample(scroller.scrollTop, performance.now()), scroller.clientHeight);
      if (fast) {
        flinging = true;
        clearTimeout(settle);
        settle = window.setTimeout(() => {
          flinging = false;
          speed.reset();
          render();
        }, SETTLE_MS);
      }
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        render();
      });
    },
    { passive: true },
  );
  new ResizeObserver(() => render()).observe(scroller);
  scroller.addEventListener("keydown", (e) => {
    if (!photos.length) return;
    const cols = gridWindow(photos.length, scroller.clientWidth - 2 * GAP, 1, 0, CELL, GAP).columns;
    const step: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols };
    if (e.key in step) {
      e.preventDefault();
      cursor = Math.max(0, Math.min(photos.length - 1, cursor + step[e.key]));
      const rowTop = Math.floor(cursor / cols) * (CELL + GAP);
      if (rowTop < scroller.scrollTop) scroller.scrollTop = rowTop;
      else if (rowTop + CELL + 2 * GAP > scroller.scrollTop + scroller.clientHeight)
        scroller.scrollTop = rowTop + CELL + 2 * GAP - scroller.clientHeight;
      if (e.shiftKey) click(cursor, { shiftKey: true, ctrlKey: false, metaKey: false });
      else render();
    } else if (e.key === " " || e.key === "Enter") {
      e.preventDefault();
      click(cursor, { shiftKey: false, ctrlKey: e.key === " ", metaKey: false });
    } else if (!e.ctrlKey && !e.metaKey && !e.altKey && (e.key === "l" || e.key === "L")) {
      e.preventDefault();
      loupe(cursor);
    } else if (!e.ctrlKey && !e.metaKey && !e.altKey && editForKey(e.key, photos[cursor] ?? photos[0])) {
      e.preventDefault();
      void markKey(e.key);
    } else if ((e.ctrlKey || e.metaKey) && e.key === "a") {
      e.preventDefault();
      photos.forEach((p) => selected.add(p.id));
      render();
      void renderPanel();
    }
  });

  let panelSeq = 0;
  type ShownField = [string, HTMLInputElement | HTMLTextAreaElement, (p: api.PhotoView) => string];
  /** The side panel's form: the selection it is for; what the photographer typed there and has
   * not applied yet, which a redraw (a selected photo changed, an import landed) puts back
   * instead of throwing away; and its fields while they are on screen. */
  let form: { selection: string; typed: Map<string, string>; fields: ShownField[] } = {
    selection: "",
    typed: new Map(),
    fields: [],
  };
  async function renderPanel() {
    const my = ++panelSeq;
    const sel = photos.filter((p) => selected.has(p.id));
    if (!sel.length) {
      sidePanel.replaceChildren(h("p", { class: "muted" }, t("selectHint")), h("p", { class: "muted" }, t("dropHint")));
      form.fields = [];
      return;
    }
    const selection = sel.map((p) => p.id).sort().join(" ");
    if (form.selection !== selection) form = { selection, typed: new Map(), fields: [] };
    const draft = form;
    const common = (f: (p: api.PhotoView) => string) => {
      const v = f(sel[0]);
      return sel.every((p) => f(p) === v) ? v : null;
    };
    // The same photos again (one of them changed): refresh the fields nobody typed into, in
    // place, so the field being typed in keeps its focus and its text.
    if (sidePanel.contains(draft.fields[0]?.[1] ?? null)) {
      for (const [name, el, get] of draft.fields) {
        if (draft.typed.has(name) || document.activeElement === el) continue;
        const v = common(get);
        el.value = v ?? "";
        if (name !== "template") el.placeholder = v === null ? t("mixed") : "";
      }
      return;
    }
    const fieldEls: ShownField[] = [];
    const input = (key: Key, name: string, get: (p: api.PhotoView) => string, area = false) => {
      const v = common(get);
      const el = area
        ? h("textarea", { id: `ph-${name}`, rows: "4", "aria-label": t(key) })
        : h("input", { id: `ph-${name}`, "aria-label": t(key) });
      el.value = draft.typed.get(name) ?? v ?? "";
      el.placeholder = v === null ? t("mixed") : key === "template" ? t("templateHint") : "";
      el.addEventListener("input", () => draft.typed.set(name, el.value));
      fieldEls.push([name, el, get]);
      return h("label", { class: "field" }, h("span", {}, t(key)), el);
    };
    const fields = [
      input("caption", "caption", (p) => p.caption, true),
      input("creator", "creator", (p) => p.creator),
      input("credit", "credit", (p) => p.credit),
      input("city", "city", (p) => p.city),
      input("country", "country", (p) => p.country),
      input("keywords", "keywords", (p) => p.keywords.join(", ")),
      input("template", "template", () => ""),
    ];
    const apply = h("button", { class: "primary", id: "apply-captions", onclick: async () => {
      const val = (n: string) => draft.typed.get(n) ?? null;
      const kw = val("keywords");
      const edit: api.CaptionEdit = {
        caption: val("caption"),
        creator: val("creator"),
        credit: val("credit"),
        city: val("city"),
        country: val("country"),
        keywords: kw === null ? null : kw.split(",").map((s) => s.trim()).filter(Boolean),
        template: val("template") || null,
      };
      try {
        const views = await api.captionPhotos([...selected], edit);
        // Applied: what was typed is now the photos' own text.
        draft.typed.clear();
        for (const v of views) {
          const i = photos.findIndex((p) => p.id === v.id);
          if (i >= 0) photos[i] = v;
        }
        invalidate();
        void renderPanel();
        toast(`${t("apply")} ✓ (${views.length})`);
      } catch (e) {
        toast(errorText(e), "error", { detail: errorDetail(e) });
      }
    } }, t("apply"));

    const stories = await api.listStories();
    if (my !== panelSeq) return; // a newer selection is being shown
    const pick = h("select", { id: "attach-story", "aria-label": t("attachTo") },
      h("option", { value: "" }, t("attachPick")),
      ...stories.map((s) => h("option", { value: s.id }, s.title || t("untitled"))));
    const attach = h("button", { class: "ghost", id: "attach-btn", disabled: sel.length !== 1, onclick: async () => {
      if (!pick.value) return;
      try {
        await api.attachPhoto(pick.value, sel[0].id);
        toast(t("attached"));
      } catch (e) {
        toast(errorText(e), "error", { detail: errorDetail(e) });
      }
    } }, t("attachTo"));

    const one = sel.length === 1 ? sel[0] : null;
    fill(sidePanel,
      h("h2", { class: "sub", id: "selected-count" }, t("selectedN", { n: sel.length })),
      one ? h("img", { class: "preview", src: api.renditionUrl("preview", one.id), alt: one.caption }) : null,
      one ? h("p", { class: "muted small" }, `${one.original_name} · ${one.width}×${one.height}${one.camera ? ` · ${one.camera}` : ""}`) : null,
      ...fields,
      h("div", { class: "panel-actions" }, apply),
      h("h2", { class: "sub" }, t("attachTo")),
      h("div", { class: "attach-row" }, pick, attach),
    );
    draft.fields = fieldEls;
  }

  refreshGrid = () => {
    invalidate();
    void renderPanel();
  };

  // Photos landed or changed (an import under way, a caption saved with a story): reload the
  // list once a burst pauses. The side panel is redrawn only when a selected photo changed, so
  // a caption being typed there is not thrown away by an import.
  const changed = new Set<string>();
  let anyChanged = false;
  const reload = debounce(async () => {
    const ids = [...changed];
    const all = anyChanged;
    changed.clear();
    anyChanged = false;
    photos = await load();
    cursor = Math.min(cursor, Math.max(0, photos.length - 1));
    invalidate();
    if (all || ids.some((id) => selected.has(id))) void renderPanel();
  }, 150);
  const stopLive = subscribe((e) => {
    if (e.type !== "photos_changed") return;
    // No ids: "something changed" (a caption edited through a story).
    if (e.ids.length === 0) anyChanged = true;
    for (const id of e.ids) changed.add(id);
    reload();
  });

  const el = h(
    "section",
    { class: "page photos" },
    h(
      "header",
      { class: "toolbar" },
      h("h1", {}, t("navPhotos")),
      count,
      progressEl,
      h("div", { class: "spacer" }),
      h("button", { class: "ghost", id: "loupe-btn", title: "L", onclick: () => loupe(cursor) }, t("loupe")),
      compareBtn,
      h("button", { class: "ghost", id: "ingest-btn", onclick: () => openIngest(progressEl, () => reload()) }, t("ingest")),
      h("button", { class: "primary", id: "import-btn", title: "Ctrl+I", onclick: () => void pickAndImport() }, t("importPhotos")),
    ),
    filterBar(filter!, async (q) => {
      filter = q;
      photos = await load();
      selected.clear();
      cursor = 0;
      scroller.scrollTop = 0;
      invalidate();
      void renderPanel();
    }),
    h("div", { class: "photo-body" }, scroller, sidePanel),
  );
  requestAnimationFrame(render);
  void renderPanel();
  return {
    el,
    leave: async () => {
      refreshGrid = null;
      stopLive();
      reload.cancel();
    },
  };
}

/** The grid's filters: every change gives the new query to `apply` (which reloads). */
function filterBar(q: api.PhotoQuery, apply: (q: api.PhotoQuery) => void): HTMLElement {
  const cur: api.PhotoQuery = { ...q };
  const go = () => apply({ ...cur });
  const select = (id: string, label: string, value: string, options: [string, string][], on: (v: string) => void) => {
    const el = h("select", { id, "aria-label": label }, ...options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)));
    el.addEventListener("change", () => {
      on(el.value);
      go();
    });
    return el;
  };
  const picks = h("button", { class: `ghost toggle${cur.tagged ? " on" : ""}`, id: "filter-picks", "aria-pressed": String(cur.tagged), onclick: () => {
    cur.tagged = !cur.tagged;
    picks.classList.toggle("on", cur.tagged);
    picks.setAttribute("aria-pressed", String(cur.tagged));
    go();
  } }, `✓ ${t("filterPicks")}`);
  const rating = select("filter-rating", t("filterMinRating"), String(cur.min_rating ?? 0),
    [["0", "☆"], ...[1, 2, 3, 4, 5].map((n): [string, string] => [String(n), `≥ ${"★".repeat(n)}`])],
    (v) => (cur.min_rating = Number(v) || null));
  const labels: api.Label[] = ["red", "yellow", "green", "blue", "purple"];
  const label = select("filter-label", t("filterLabel"), cur.label ?? "",
    [["", t("filterAnyLabel")], ...labels.map((l): [string, string] => [l, t(`label_${l}`)])],
    (v) => (cur.label = (v || null) as api.Label | null));
  const rejects = select("filter-rejects", t("filterRejects"), cur.rejected === null ? "" : String(cur.rejected),
    [["", t("filterShowRejects")], ["false", t("filterHideRejects")], ["true", t("filterOnlyRejects")]],
    (v) => (cur.rejected = v === "" ? null : v === "true"));
  const missing = select("filter-missing", t("filterMissing"), cur.missing ?? "",
    [["", t("filterMissingNone")], ["caption", t("filterMissingCaption")], ["credit", t("filterMissingCredit")]],
    (v) => (cur.missing = (v || null) as api.PhotoQuery["missing"]));
  const sort = select("filter-sort", t("sortBy"), cur.sort,
    (["imported_at", "taken_at", "rating"] as const).map((s): [string, string] => [s, t(`sort_${s}`)]),
    (v) => (cur.sort = v as api.PhotoQuery["sort"]));
  const text = (id: string, label: string, value: string, on: (v: string) => void) => {
    const el = h("input", { id, type: "search", value, placeholder: label, "aria-label": label });
    const later = debounce(() => {
      on(el.value);
      go();
    }, 200);
    el.addEventListener("input", () => later());
    return el;
  };
  const search = text("filter-search", t("filterSearch"), cur.search, (v) => (cur.search = v));
  const camera = text("filter-camera", t("filterCamera"), cur.camera, (v) => (cur.camera = v));
  camera.classList.add("narrow");
  return h("div", { class: "filter-bar", id: "photo-filters" }, picks, rating, label, rejects, missing, search, camera, sort);
}
