// The story editor: a block editor (one textarea per block with add/move/delete), byline with
// roles, autosave on a pause in typing, paste cleanup in Rust, copy desk and revision history.
import * as api from "../api";
import type { Article } from "../bindings/Article";
import type { Block } from "../bindings/Block";
import { Autosave, type SaveState } from "../autosave";
import { autogrow, fill, h, utf16Offset } from "../dom";
import { getLang, t, type Key } from "../i18n";
import { go, toast, type View } from "../router";
import { formatTime } from "./stories";

type Kind = Block["type"];
const ROLES = ["writer", "photographer", "editor", "translator"] as const;

function newBlock(type: Exclude<Kind, "figure">): Block {
  const id = crypto.randomUUID();
  if (type === "heading") return { id, type, text: "", level: 2 };
  if (type === "quote") return { id, type, text: "" };
  return { id, type: "paragraph", text: "" };
}

export function wordCount(a: Article): number {
  const all = [a.title, a.lead, ...a.blocks.map((b) => ("text" in b ? b.text : b.caption))];
  return all.join(" ").split(/\s+/).filter(Boolean).length;
}

export async function editorView(id: string): Promise<View> {
  let article: Article = await api.getStory(id);
  let findings: api.Finding[] = [];
  let panel: "desk" | "history" = "desk";

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

  const autosave = new Autosave(
    async () => {
      const saved = await api.saveStory(article);
      article.revision = saved.revision;
      article.updated_at = saved.updated_at;
      article.slug = saved.slug;
      void runCheck();
    },
    showState,
    600,
  );
  showState("saved");
  const edited = () => {
    words.textContent = t("words", { n: wordCount(article) });
    autosave.touch();
  };

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
  const blocksEl = h("div", { class: "blocks", id: "blocks" });
  const bylineEl = h("div", { class: "byline-list" });

  function renderForm() {
    const status = h(
      "select",
      { id: "story-status", "aria-label": t("statusFilter") },
      ...(["draft", "ready", "published"] as const).map((s) =>
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
      blocksEl,
      h(
        "div",
        { class: "add-row", role: "group", "aria-label": t("body") },
        ...(["paragraph", "heading", "quote"] as const).map((k) =>
          h(
            "button",
            {
              class: "ghost",
              "data-add": k,
              onclick: () => addBlock(k, article.blocks.length),
            },
            t(k === "paragraph" ? "addParagraph" : k === "heading" ? "addHeading" : "addQuote"),
          ),
        ),
      ),
      h("h2", { class: "sub" }, t("byline")),
      bylineEl,
    );
    renderBlocks();
    renderByline();
    words.textContent = t("words", { n: wordCount(article) });
    requestAnimationFrame(() => form.querySelectorAll("textarea").forEach(autogrow));
  }

  function addBlock(k: Exclude<Kind, "figure">, at: number) {
    article.blocks.splice(at, 0, newBlock(k));
    renderBlocks();
    edited();
    blocksEl.querySelectorAll<HTMLTextAreaElement>("textarea.block-text")[at]?.focus();
  }

  function move(i: number, d: number) {
    const j = i + d;
    if (j < 0 || j >= article.blocks.length) return;
    const [b] = article.blocks.splice(i, 1);
    article.blocks.splice(j, 0, b);
    renderBlocks();
    edited();
    blocksEl.querySelector<HTMLElement>(`[data-block="${j}"] .block-text`)?.focus();
  }

  function renderBlocks() {
    blocksEl.replaceChildren(
      ...article.blocks.map((b, i) => {
        const tools = h(
          "div",
          { class: "block-tools" },
          h("span", { class: "block-kind" }, t(`block_${b.type}`)),
          h("button", { class: "icon-btn", "aria-label": t("moveUp"), title: t("moveUp"), onclick: () => move(i, -1) }, "↑"),
          h("button", { class: "icon-btn", "aria-label": t("moveDown"), title: t("moveDown"), onclick: () => move(i, 1) }, "↓"),
          h(
            "button",
            {
              class: "icon-btn danger",
              "aria-label": t("remove"),
              title: t("remove"),
              onclick: () => {
                article.blocks.splice(i, 1);
                renderBlocks();
                edited();
              },
            },
            "×",
          ),
        );
        const text = h("textarea", {
          class: `block-text ${b.type}`,
          rows: "1",
          "aria-label": `${t(`block_${b.type}`)} ${i + 1}`,
        });
        text.value = "text" in b ? b.text : b.caption;
        text.addEventListener("input", () => {
          if ("text" in b) b.text = text.value;
          else b.caption = text.value;
          autogrow(text);
          edited();
        });
        text.addEventListener("paste", (e) => void onPaste(e as ClipboardEvent, text));
        text.addEventListener("keydown", (e) => {
          if (e.key === "Enter" && !e.shiftKey && b.type !== "figure" && text.selectionStart === text.value.length) {
            e.preventDefault();
            addBlock("paragraph", i + 1);
          } else if (e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
            e.preventDefault();
            move(i, e.key === "ArrowUp" ? -1 : 1);
          }
        });
        const el = h("div", { class: `block ${b.type}`, "data-block": String(i) }, tools);
        if (b.type === "figure") {
          text.placeholder = t("caption");
          const credit = h("input", { class: "credit", value: b.credit, placeholder: t("credit"), "aria-label": t("credit") });
          credit.addEventListener("input", () => {
            b.credit = credit.value;
            edited();
          });
          el.append(
            h(
              "figure",
              {},
              b.photo_id
                ? h("img", { src: api.renditionUrl("preview", b.photo_id), alt: b.caption, class: "figure-img" })
                : h("div", { class: "figure-missing" }, b.src ?? "?"),
              h("figcaption", {}, text, credit),
            ),
          );
        } else {
          text.placeholder = t(`block_${b.type}`);
          el.append(text);
          if (b.type === "quote") {
            const who = h("input", { class: "attribution", value: b.attribution ?? "", placeholder: t("attribution"), "aria-label": t("attribution") });
            who.addEventListener("input", () => {
              b.attribution = who.value || null;
              edited();
            });
            el.append(who);
          }
        }
        return el;
      }),
    );
    requestAnimationFrame(() => blocksEl.querySelectorAll("textarea").forEach(autogrow));
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
    let el: HTMLInputElement | HTMLTextAreaElement | null = null;
    if (f.field === "title") el = form.querySelector("#f-title");
    else if (f.field === "lead") el = form.querySelector("#f-lead");
    else if (f.field === "section") el = form.querySelector("#f-section");
    else if (f.field === "block" && f.block !== null)
      el = blocksEl.querySelector(`[data-block="${f.block}"] .block-text`);
    if (!el) return;
    el.focus();
    el.setSelectionRange(utf16Offset(el.value, f.start), utf16Offset(el.value, f.end));
    el.scrollIntoView({ block: "center" });
  }

  function renderDesk() {
    const fixable = findings.filter((f) => f.fixable).length;
    const list = h("ul", { class: "findings", id: "findings" });
    for (const f of findings) {
      list.append(
        h(
          "li",
          {},
          h(
            "button",
            { class: `finding sev-${f.severity}`, "data-rule": f.rule, onclick: () => focusFinding(f) },
            h("span", { class: "rule" }, f.rule),
            h("span", { class: "msg" }, getLang() === "vi" ? f.message_vi : f.message_en),
            f.text.trim() ? h("code", {}, f.text) : null,
          ),
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
    renderForm();
    renderDesk();
    toast(t("fixedN", { n: r.applied.length }));
  }

  async function renderHistory() {
    await autosave.flush();
    const revs = await api.listRevisions(article.id);
    const previewEl = h("div", { class: "rev-preview", id: "rev-preview" });
    side.replaceChildren(
      tabs,
      h(
        "ul",
        { class: "revisions" },
        ...revs.map((r) =>
          h(
            "li",
            {},
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
          ),
        ),
      ),
      previewEl,
    );
  }

  function renderTabs() {
    const tab = (name: "desk" | "history", key: Key) =>
      h("button", {
        role: "tab",
        id: `tab-${name}`,
        "aria-selected": panel === name ? "true" : "false",
        class: panel === name ? "tab active" : "tab",
        onclick: () => {
          panel = name;
          renderTabs();
          if (name === "desk") void runCheck();
          else void renderHistory();
        },
      }, t(key));
    tabs.replaceChildren(tab("desk", "copyDesk"), tab("history", "history"));
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
      words,
      saveState,
    ),
    h("div", { class: "editor-body" }, h("div", { class: "paper" }, form), side),
  );
  if (!article.title) requestAnimationFrame(() => form.querySelector<HTMLElement>("#f-title")?.focus());
  return {
    el,
    leave: async () => {
      await autosave.flush();
      autosave.cancel();
    },
    onSave: () => void autosave.flush().then(() => {
      if (autosave.state === "error") toast(t("saveFailed"), "error");
    }),
  };
}
