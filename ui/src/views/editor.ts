// The story editor: section, title, lead, byline and related items around a ProseMirror body
// (src/prose/), autosave on a pause in typing, paste cleanup in Rust, and a side panel with the
// copy desk (findings, fixes, "add to word list"), the photo strip (drag a photo into the story
// with the pointer, or insert it from the keyboard) and the revision history.
import { redo, undo } from "prosemirror-history";
import * as api from "../api";
import type { Article } from "../bindings/Article";
import { Autosave, type SaveState } from "../autosave";
import { autogrow, fill, h, utf16Offset } from "../dom";
import { getLang, t, type Key } from "../i18n";
import { kinds, StoryBody } from "../prose/body";
import { errorDetail, errorText } from "../errors";
import { StoryFollower } from "../follow";
import { subscribe } from "../live";
import { go, toast, type View } from "../router";
import { enablePhotoDrag } from "./photodrag";
import { relatedEditor } from "./relateditems";
import { canAddToWordList, filterPhotos } from "./strip";
import { formatTime, STATUSES } from "./stories";
import { renderDiff, type DiffMode } from "./diffview";

const ROLES = ["writer", "photographer", "editor", "translator"] as const;
/** The photo strip shows at most this many thumbnails; the filter finds the rest. */
const STRIP_MAX = 120;
type Panel = "desk" | "photos" | "history";

export function wordCount(a: Article): number {
  const all = [a.title, a.lead, ...a.blocks.map((b) => ("text" in b ? b.text : b.caption))];
  return all.join(" ").split(/\s+/).filter(Boolean).length;
}

export async function editorView(id: string): Promise<View> {
  let article: Article = await api.getStory(id);
  let findings: api.Finding[] = [];
  let panel: Panel = "desk";
  let body: StoryBody | null = null;
  let photos: api.PhotoView[] = [];

  const saveState = h("span", { class: "save-state", id: "save-state", role: "status" });
  const words = h("span", { class: "words" });
  const showState = (s: SaveState) => {
    const key: Record<SaveState, Key> = {
      saved: "saved",
      saving: "saving",
      unsaved: "unsaved",
      error: "saveFailed",
    };
    saveState.textContent = t(key[s]);
    saveState.dataset.state = s;
  };

  let edits = 0;
  // Saves go through the follower: a plain save, or a merge once the story changed underneath
  // (a pull, or a save refused as `conflict`), so typed text is never lost.
  const follower = new StoryFollower({
    current: () => article,
    edits: () => edits,
    clean: () => autosave.state === "saved",
    getStory: api.getStory,
    saveStory: api.saveStory,
    mergeStory: api.mergeStory,
    saved: (saved) => {
      article.revision = saved.revision;
      article.updated_at = saved.updated_at;
      article.slug = saved.slug;
    },
    show: (a, why) => {
      showStored(a);
      if (why === "reloaded") toast(t("storyReloaded"));
    },
    conflicts: (list) =>
      toast(t("storyConflicts", { n: list.length }), "warn", {
        action: {
          label: t("openConflicts"),
          id: "open-conflicts",
          run: () => {
            sessionStorage.setItem("lastStory", article.id);
            void go({ name: "publish" }).then(() =>
              document.querySelector("#conflicts")?.scrollIntoView({ block: "start" }),
            );
          },
        },
      }),
    flush: () => autosave.flush(),
  });
  let saveError: unknown = null;
  const autosave = new Autosave(
    async () => {
      try {
        await follower.save();
        saveError = null;
      } catch (e) {
        saveError = e;
        throw e;
      }
      void runCheck();
    },
    showState,
    600,
  );
  showState("saved");
  const edited = () => {
    edits++;
    words.textContent = t("words", { n: wordCount(article) });
    autosave.touch();
  };
  const stopLive = subscribe((e) => {
    if (e.type === "story_changed" && e.id === article.id) void follower.changed(e.revision);
  });

  // ---- fields ----
  const field = (
    key: Key,
    tag: "input" | "textarea",
    get: () => string,
    set: (v: string) => void,
    cls: string,
  ) => {
    const idAttr = `f-${cls}`;
    const input =
      tag === "input"
        ? h("input", { id: idAttr, class: cls, value: get(), "aria-label": t(key) })
        : h("textarea", { id: idAttr, class: cls, rows: "1", "aria-label": t(key) });
    if (input instanceof HTMLTextAreaElement) input.value = get();
    input.placeholder = t(key);
    input.addEventListener("input", () => {
      set(input.value);
      if (input instanceof HTMLTextAreaElement) autogrow(input);
      edited();
    });
    input.addEventListener("paste", (e) => void onPaste(e as ClipboardEvent, input));
    return input;
  };

  async function onPaste(e: ClipboardEvent, el: HTMLInputElement | HTMLTextAreaElement) {
    const text = e.clipboardData?.getData("text/plain");
    if (!text) return;
    e.preventDefault();
    const clean = await api.cleanPaste(text);
    el.setRangeText(clean, el.selectionStart ?? 0, el.selectionEnd ?? 0, "end");
    el.dispatchEvent(new Event("input"));
  }

  const form = h("div", { class: "editor-form" });
  const bodyMount = h("div", { class: "body-mount" });
  const bylineEl = h("div", { class: "byline-list" });
  const related = relatedEditor({
    get: () => article.related,
    set: (list) => {
      article.related = list;
      edited();
    },
    selfId: () => article.id,
    search: api.searchStories,
  });
  const kindBar = h("div", { class: "kind-bar", role: "toolbar", "aria-label": t("body") });

  function renderKindBar() {
    if (!body) return;
    const b = body;
    const cur = b.currentKind();
    const btn = (kind: keyof typeof kinds, key: Key, keys: string) =>
      h(
        "button",
        {
          class: cur === kind ? "kind active" : "kind",
          type: "button",
          "data-kind": kind,
          "aria-pressed": cur === kind ? "true" : "false",
          title: `${t(key)} (${keys})`,
          // Keep the editor's selection: act on mousedown without taking the focus.
          onmousedown: (e: MouseEvent) => e.preventDefault(),
          onclick: () => b.run(kinds[kind]),
        },
        t(key),
      );
    const hist = (id: string, key: Key, keys: string, enabled: boolean, cmd: typeof undo) =>
      h(
        "button",
        {
          class: "icon-btn",
          type: "button",
          id,
          disabled: !enabled,
          title: `${t(key)} (${keys})`,
          "aria-label": t(key),
          onmousedown: (e: MouseEvent) => e.preventDefault(),
          onclick: () => b.run(cmd),
        },
        id === "undo-btn" ? "↶" : "↷",
      );
    kindBar.replaceChildren(
      btn("paragraph", "block_paragraph", "Ctrl+Alt+0"),
      btn("heading", "block_heading", "Ctrl+Alt+1"),
      btn("subheading", "block_subheading", "Ctrl+Alt+2"),
      btn("quote", "block_quote", "Ctrl+Shift+."),
      h("span", { class: "spacer" }),
      hist("undo-btn", "undo", "Ctrl+Z", b.canUndo(), undo),
      hist("redo-btn", "redo", "Ctrl+Shift+Z", b.canRedo(), redo),
    );
  }

  function mountBody() {
    body?.destroy();
    bodyMount.replaceChildren();
    let selTimer = 0;
    body = new StoryBody(bodyMount, article.blocks, {
      renditionUrl: api.renditionUrl,
      cleanPaste: api.cleanPaste,
      onChange: (blocks) => {
        article.blocks = blocks;
        edited();
      },
      onSelection: () => {
        // Toolbar state follows the cursor, at most once per frame.
        cancelAnimationFrame(selTimer);
        selTimer = requestAnimationFrame(renderKindBar);
      },
      photo: (id) => photos.find((p) => p.id === id),
      label: t("body"),
      placeholder: t("bodyPlaceholder"),
      handleLabel: t("dragBlock"),
      scroller: () => form.closest<HTMLElement>(".paper"),
    });
    renderKindBar();
  }

  /** The desk gives the story to a reporter and/or a photographer (the server lets only an
   *  editor do it; a refusal is shown like any other). */
  function assignRow(): HTMLElement {
    const named = (role: string) => (article.assigned ?? []).filter((p) => p.role === role).map((p) => p.name).join(", ");
    const rep = h("input", { id: "assign-reporter", value: named("reporter"), placeholder: t("assignReporter"), "aria-label": t("assignReporter") });
    const pho = h("input", { id: "assign-photographer", value: named("photographer"), placeholder: t("assignPhotographer"), "aria-label": t("assignPhotographer") });
    const go_ = h("button", {
      class: "ghost",
      id: "assign-btn",
      onclick: async () => {
        await autosave.flush();
        const people: api.Person[] = [
          ...rep.value.split(",").map((n) => ({ name: n.trim(), role: "reporter" })),
          ...pho.value.split(",").map((n) => ({ name: n.trim(), role: "photographer" })),
        ].filter((p) => p.name);
        try {
          const a = await api.assignStory(article.id, people);
          article.revision = a.revision;
          article.updated_at = a.updated_at;
          article.assigned = a.assigned;
          toast(t("assignedDone", { who: people.map((p) => p.name).join(", ") }));
        } catch (e) {
          toast(errorText(e), "error", { detail: errorDetail(e) });
        }
      },
    }, t("assign"));
    return h("div", { class: "assign-row", id: "assign-row" }, h("span", { class: "small" }, t("assignedTo")), rep, pho, go_);
  }

  async function submit() {
    await autosave.flush();
    try {
      const a = await api.submitStory(article.id);
      article.revision = a.revision;
      article.updated_at = a.updated_at;
      article.status = a.status;
      const status = form.querySelector<HTMLSelectElement>("#story-status");
      if (status) status.value = article.status;
      toast(t("submitted"));
    } catch (e) {
      toast(errorText(e), "error", { detail: errorDetail(e) });
    }
  }

  function renderForm() {
    const status = h(
      "select",
      { id: "story-status", "aria-label": t("statusFilter") },
      ...STATUSES.map((s) =>
        h("option", { value: s, selected: article.status === s }, t(`status_${s}`)),
      ),
    );
    status.addEventListener("change", () => {
      article.status = status.value as api.Status;
      edited();
    });
    form.replaceChildren(
      h(
        "div",
        { class: "meta-row" },
        field("section", "input", () => article.section, (v) => (article.section = v), "section"),
        status,
      ),
      field("title", "textarea", () => article.title, (v) => (article.title = v), "title"),
      field("lead", "textarea", () => article.lead, (v) => (article.lead = v), "lead"),
      kindBar,
      bodyMount,
      h("p", { class: "muted small body-hint" }, t("bodyHint")),
      h("h2", { class: "sub" }, t("byline")),
      bylineEl,
      assignRow(),
      related.el,
    );
    mountBody();
    renderByline();
    related.render();
    words.textContent = t("words", { n: wordCount(article) });
    requestAnimationFrame(() => form.querySelectorAll<HTMLTextAreaElement>(":scope > textarea").forEach(autogrow));
  }

  function renderByline() {
    bylineEl.replaceChildren(
      ...article.byline.map((p, i) => {
        const name = h("input", { value: p.name, placeholder: t("name"), "aria-label": `${t("name")} ${i + 1}` });
        name.addEventListener("input", () => {
          p.name = name.value;
          edited();
        });
        const role = h(
          "select",
          { "aria-label": `${t("role")} ${i + 1}` },
          ...ROLES.map((r) => h("option", { value: r, selected: p.role === r }, t(`role_${r}`))),
          ROLES.includes(p.role as (typeof ROLES)[number]) ? null : h("option", { value: p.role, selected: true }, p.role),
        );
        role.addEventListener("change", () => {
          p.role = role.value;
          edited();
        });
        return h(
          "div",
          { class: "person" },
          name,
          role,
          h("button", { class: "icon-btn danger", "aria-label": t("remove"), onclick: () => {
            article.byline.splice(i, 1);
            renderByline();
            edited();
          } }, "×"),
        );
      }),
      h("button", { class: "ghost", onclick: () => {
        article.byline.push({ name: "", role: "writer" });
        renderByline();
        edited();
        bylineEl.querySelectorAll("input")[article.byline.length - 1]?.focus();
      } }, t("addPerson")),
    );
  }

  // ---- side panel: copy desk and history ----
  const side = h("aside", { class: "side", id: "side-panel" });
  const tabs = h("div", { class: "tabs", role: "tablist" });

  function focusFinding(f: api.Finding) {
    if (f.field === "block" && f.block !== null) {
      body?.select(f.block, f.start, f.end);
      return;
    }
    let el: HTMLInputElement | HTMLTextAreaElement | null = null;
    if (f.field === "title") el = form.querySelector("#f-title");
    else if (f.field === "lead") el = form.querySelector("#f-lead");
    else if (f.field === "section") el = form.querySelector("#f-section");
    if (!el) return;
    el.focus();
    el.setSelectionRange(utf16Offset(el.value, f.start), utf16Offset(el.value, f.end));
    el.scrollIntoView({ block: "center" });
  }

  async function addToWordList(f: api.Finding) {
    try {
      const r = await api.addWord(f.text);
      toast(t(r.added ? "wordAdded" : "wordKnown", { word: r.word }));
      await runCheck();
    } catch (e) {
      toast(errorText(e), "error", { detail: errorDetail(e) });
    }
  }

  function renderDesk() {
    const fixable = findings.filter((f) => f.fixable).length;
    const list = h("ul", { class: "findings", id: "findings" });
    for (const f of findings) {
      list.append(
        h(
          "li",
          { class: "finding-row" },
          h(
            "button",
            { class: `finding sev-${f.severity}`, "data-rule": f.rule, onclick: () => focusFinding(f) },
            h("span", { class: "rule" }, f.rule),
            h("span", { class: "msg" }, getLang() === "vi" ? f.message_vi : f.message_en),
            f.text.trim() ? h("code", {}, f.text) : null,
          ),
          canAddToWordList(f)
            ? h(
                "button",
                {
                  class: "ghost small add-word",
                  "data-word": f.text,
                  "aria-label": `${t("addToWordList")}: ${f.text}`,
                  onclick: () => void addToWordList(f),
                },
                `+ ${t("addToWordList")}`,
              )
            : null,
        ),
      );
    }
    side.replaceChildren(
      tabs,
      h(
        "div",
        { class: "panel-actions" },
        h("button", { class: "ghost", onclick: () => void runCheck() }, t("check")),
        h("button", { class: "primary", id: "fix-btn", disabled: fixable === 0, onclick: () => void runFix() }, `${t("fix")}${fixable ? ` (${fixable})` : ""}`),
      ),
      findings.length ? list : h("p", { class: "muted", id: "no-findings" }, t("noFindings")),
    );
  }

  async function runCheck() {
    findings = await api.checkStory(article.id);
    if (panel === "desk") renderDesk();
  }

  async function runFix() {
    await autosave.flush();
    const r = await api.fixStory(article.id);
    article = await api.getStory(article.id);
    findings = r.remaining;
    body?.setBlocks(article.blocks);
    renderFields();
    related.render();
    renderDesk();
    toast(t("fixedN", { n: r.applied.length }));
  }

  let diffMode: DiffMode = "inline";

  /** Shows the word-level differences from version `a` to `b` (names as `diffStory` takes). */
  async function showDiff(target: HTMLElement, a: string, b: string, title: string) {
    try {
      const d = await api.diffStory(article.id, a, b);
      const order = article.blocks.map((x) => x.id);
      const draw = () => {
        const toggle = (mode: DiffMode, key: Key) =>
          h("button", {
            class: diffMode === mode ? "tab active" : "tab",
            id: `diff-${mode}`,
            "aria-pressed": diffMode === mode ? "true" : "false",
            onclick: () => {
              diffMode = mode;
              draw();
            },
          }, t(key));
        fill(target,
          h("h3", { class: "diff-title" }, title),
          h("div", { class: "tabs diff-modes" }, toggle("inline", "diffInline"), toggle("side", "diffSideBySide")),
          renderDiff(d, diffMode, order),
        );
      };
      draw();
      // Bring the comparison into the panel's view (the panel only: scrolling the page would
      // move the whole window's layout).
      side.scrollTop += target.getBoundingClientRect().top - side.getBoundingClientRect().top;
    } catch (e) {
      fill(target, h("p", { class: "error" }, errorText(e)));
    }
  }

  async function serverVersions(previewEl: HTMLElement): Promise<HTMLElement | null> {
    let list: api.VersionList;
    try {
      list = await api.storyVersions(article.id);
    } catch {
      // No server, never sent, or a role that may not read the archive: local history only.
      return null;
    }
    const rows = list.versions.map((v) =>
      h(
        "li",
        {},
        h(
          "button",
          {
            class: "rev version",
            "data-version": String(v.version),
            onclick: () => void showDiff(previewEl, `v${v.version}`, "current", `${t("versionN", { n: v.version })} → #${article.revision}`),
          },
          h("strong", {}, `v${v.version}`),
          h("span", {}, v.published_by),
          h("time", {}, formatTime(v.published_at)),
          v.correction ? h("span", { class: "correction-note" }, v.correction) : null,
        ),
      ),
    );
    return h(
      "section",
      { class: "server-versions", id: "server-versions" },
      h("h3", { class: "sub" }, t("serverVersions")),
      rows.length ? h("ul", { class: "revisions" }, ...rows) : h("p", { class: "muted small" }, t("serverVersionsNone")),
      list.versions.length
        ? h("button", { class: "ghost small", id: "diff-working-published", onclick: () => void showDiff(previewEl, "published", "server", t("workingVsPublished")) }, t("workingVsPublished"))
        : null,
      h("button", { class: "ghost small", id: "diff-local-server", onclick: () => void showDiff(previewEl, "server", "current", t("localVsServer")) }, t("localVsServer")),
    );
  }

  async function renderHistory() {
    await autosave.flush();
    const revs = await api.listRevisions(article.id);
    const previewEl = h("div", { class: "rev-preview", id: "rev-preview" });
    side.replaceChildren(
      tabs,
      h("h3", { class: "sub" }, t("localRevisions")),
      h(
        "ul",
        { class: "revisions" },
        ...revs.map((r) =>
          h(
            "li",
            { class: "rev-row" },
            h(
              "button",
              {
                class: r.revision === article.revision ? "rev current" : "rev",
                onclick: async () => {
                  const old = await api.getRevision(article.id, r.revision);
                  fill(previewEl,
                    h("h3", {}, old.title || t("untitled")),
                    old.lead ? h("p", { class: "lead-preview" }, old.lead) : null,
                    ...old.blocks.map((b) => h("p", {}, "text" in b ? b.text : `[${t("block_figure")}] ${b.caption}`)),
                    r.revision !== article.revision
                      ? h("button", { class: "primary", onclick: async () => {
                          article = await api.restoreRevision(article.id, r.revision);
                          renderForm();
                          void renderHistory();
                        } }, `${t("restore")} #${r.revision}`)
                      : null,
                  );
                },
              },
              h("strong", {}, `#${r.revision}`),
              h("span", {}, r.author),
              h("time", {}, formatTime(r.saved_at)),
            ),
            r.revision !== article.revision
              ? h("button", {
                  class: "ghost small rev-compare",
                  "data-revision": String(r.revision),
                  title: t("compareWithCurrent"),
                  onclick: () => void showDiff(previewEl, String(r.revision), "current", t("diffTitle", { a: `#${r.revision}`, b: `#${article.revision}` })),
                }, t("compare"))
              : null,
          ),
        ),
      ),
      previewEl,
    );
    const versions = await serverVersions(previewEl);
    if (versions && panel === "history") previewEl.before(versions);
  }

  /** After a fix or a pull: the fields show the stored text again (the body is reset
   *  separately); the field being typed in keeps its caret where its text still reaches. */
  function renderFields() {
    const set = (sel: string, v: string) => {
      const el = form.querySelector<HTMLInputElement | HTMLTextAreaElement>(sel);
      if (el && el.value !== v) {
        const focused = document.activeElement === el;
        const [start, end] = [el.selectionStart ?? 0, el.selectionEnd ?? 0];
        el.value = v;
        if (focused) el.setSelectionRange(Math.min(start, v.length), Math.min(end, v.length));
        if (el instanceof HTMLTextAreaElement) autogrow(el);
      }
    };
    set("#f-title", article.title);
    set("#f-lead", article.lead);
    set("#f-section", article.section);
    words.textContent = t("words", { n: wordCount(article) });
  }

  /** Shows a stored version (pulled, or merged with the edits) in place: fields, body, byline,
   *  related items; the caret and the page's scroll stay put. */
  function showStored(a: Article) {
    const paper = form.closest<HTMLElement>(".paper");
    const scroll = paper?.scrollTop ?? 0;
    article = a;
    renderFields();
    const status = form.querySelector<HTMLSelectElement>("#story-status");
    if (status) status.value = article.status;
    body?.replaceBlocks(article.blocks);
    if (!bylineEl.contains(document.activeElement)) renderByline();
    related.render();
    if (paper) paper.scrollTop = scroll;
    void runCheck();
  }

  // ---- photo strip: library photos to drag into the story or insert from the keyboard ----
  let stripQuery = "";
  let stripPick: string | null = null;

  async function renderStrip() {
    photos = await api.listPhotos();
    if (panel !== "photos") return;
    const search = h("input", {
      type: "search",
      id: "strip-search",
      class: "strip-search",
      value: stripQuery,
      placeholder: t("stripFilter"),
      "aria-label": t("stripFilter"),
    });
    const list = h("div", {
      class: "strip",
      id: "photo-strip",
      role: "listbox",
      tabindex: "0",
      "aria-label": t("navPhotos"),
    });
    const insert = h(
      "button",
      { class: "primary", id: "insert-photo", disabled: !stripPick, onclick: () => insertPicked() },
      t("insertPhoto"),
    );
    const count = h("p", { class: "muted small", id: "strip-count" });
    const draw = () => {
      const shown = filterPhotos(photos, stripQuery, STRIP_MAX);
      count.textContent = t("stripCount", { shown: shown.length, total: photos.length });
      list.replaceChildren(
        ...shown.map((p) => {
          const picked = p.id === stripPick;
          const item = h(
            "div",
            {
              class: picked ? "strip-item picked" : "strip-item",
              role: "option",
              "aria-selected": picked ? "true" : "false",
              "data-id": p.id,
              title: `${p.caption || p.original_name}${p.credit ? ` — ${p.credit}` : ""}`,
              onclick: () => {
                stripPick = p.id;
                draw();
                insert.disabled = false;
              },
              ondblclick: () => {
                stripPick = p.id;
                insertPicked();
              },
            },
            h("img", {
              src: api.renditionUrl("thumb", p.id),
              alt: p.caption || p.original_name,
              loading: "lazy",
              decoding: "async",
              draggable: "false",
            }),
            h("span", { class: "strip-caption" }, p.caption || p.original_name),
          );
          return item;
        }),
      );
      if (!shown.length) list.append(h("p", { class: "muted small" }, photos.length ? t("noResults") : t("noPhotos")));
    };
    enablePhotoDrag(list, {
      target: () => body,
      scroller: () => form.closest<HTMLElement>(".paper"),
      drop: (id, gap) => {
        const p = photos.find((x) => x.id === id);
        if (p && body) body.insertPhotoAt(p, gap);
      },
    });
    search.addEventListener("input", () => {
      stripQuery = search.value;
      draw();
    });
    list.addEventListener("keydown", (e) => {
      const shown = filterPhotos(photos, stripQuery, STRIP_MAX);
      if (!shown.length) return;
      const i = Math.max(0, shown.findIndex((p) => p.id === stripPick));
      const step: Record<string, number> = { ArrowRight: 1, ArrowDown: 2, ArrowLeft: -1, ArrowUp: -2 };
      if (e.key in step) {
        e.preventDefault();
        const next = stripPick ? Math.min(shown.length - 1, Math.max(0, i + step[e.key])) : 0;
        stripPick = shown[next].id;
        draw();
        insert.disabled = false;
        list.querySelector<HTMLElement>(`[data-id="${stripPick}"]`)?.scrollIntoView({ block: "nearest" });
      } else if (e.key === "Enter" && stripPick) {
        e.preventDefault();
        insertPicked();
      }
    });
    draw();
    side.replaceChildren(
      tabs,
      search,
      h("p", { class: "muted small" }, t("stripHint")),
      list,
      count,
      h("div", { class: "panel-actions sticky-actions" }, insert),
    );
  }

  function insertPicked() {
    const p = photos.find((x) => x.id === stripPick);
    if (p && body) body.insertPhoto(p);
  }

  function renderTabs() {
    const tab = (name: Panel, key: Key) =>
      h("button", {
        role: "tab",
        id: `tab-${name}`,
        "aria-selected": panel === name ? "true" : "false",
        class: panel === name ? "tab active" : "tab",
        onclick: () => {
          panel = name;
          renderTabs();
          if (name === "desk") void runCheck();
          else if (name === "photos") void renderStrip();
          else void renderHistory();
        },
      }, t(key));
    tabs.replaceChildren(tab("desk", "copyDesk"), tab("photos", "navPhotos"), tab("history", "history"));
  }

  renderTabs();
  renderForm();
  renderDesk();
  void runCheck();

  const el = h(
    "section",
    { class: "page editor", "aria-label": article.title || t("untitled") },
    h(
      "header",
      { class: "toolbar" },
      h("button", { class: "ghost", id: "back", onclick: () => void go({ name: "stories" }) }, t("back")),
      h("div", { class: "spacer" }),
      h("button", { class: "ghost", id: "submit-story", onclick: () => void submit() }, t("submitStory")),
      words,
      saveState,
    ),
    h("div", { class: "editor-body" }, h("div", { class: "paper" }, form), side),
  );
  if (!article.title) requestAnimationFrame(() => form.querySelector<HTMLElement>("#f-title")?.focus());
  return {
    el,
    leave: async () => {
      stopLive();
      await autosave.flush();
      autosave.cancel();
      body?.destroy();
      body = null;
    },
    onSave: () => void autosave.flush().then(() => {
      if (autosave.state === "error") toast(saveError ? errorText(saveError) : t("saveFailed"), "error", { detail: saveError ? errorDetail(saveError) : undefined });
    }),
  };
}
