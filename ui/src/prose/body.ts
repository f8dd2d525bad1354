// The story body as a ProseMirror editor: schema and conversion (schema.ts, convert.ts), node
// views (views.ts), undo/redo, block-kind keymaps and input rules, Rust paste cleanup, unique
// block ids, figures from the photo strip (dropped into the gap between blocks a pointer drag
// points at, or inserted from the keyboard) and a drag handle that moves any block to another gap.
// Both drags are pointer drags (pointerdrag.ts): no HTML5 drag and drop, which WebView2 turns off
// while the window takes OS file drops, so ProseMirror's own drag of a selected node is refused.
import "prosemirror-view/style/prosemirror.css";
import "prosemirror-gapcursor/style/gapcursor.css";
import { baseKeymap, chainCommands, splitBlock } from "prosemirror-commands";
import { dropCursor } from "prosemirror-dropcursor";
import { gapCursor } from "prosemirror-gapcursor";
import { history, redo, undo, undoDepth, redoDepth } from "prosemirror-history";
import { inputRules, textblockTypeInputRule } from "prosemirror-inputrules";
import { keymap } from "prosemirror-keymap";
import { Fragment, Slice, type Node as PMNode } from "prosemirror-model";
import { EditorState, NodeSelection, Plugin, TextSelection, type Command, type Transaction } from "prosemirror-state";
import { Decoration, DecorationSet, EditorView } from "prosemirror-view";
import type { Block } from "../bindings/Block";
import { blocksToDoc, docToBlocks, figureNode, idRepairs, posInBlock } from "./convert";
import { blockAt, moveTarget } from "./blockmove";
import { gapAt, gapLine, type Span } from "./dropgap";
import { enablePointerDrag } from "./pointerdrag";
import {
  currentBlock,
  enterAtStart,
  insertFigureAt,
  insertFigureAtSelection,
  moveBlock,
  moveBlockTo,
  pastedSlice,
  setKind,
} from "./commands";
import { schema } from "./schema";
import { FigureView, QuoteView, type ViewDeps } from "./views";

export interface PhotoRef {
  id: string;
  caption: string;
  credit: string;
}

export interface BodyDeps extends ViewDeps {
  /** Called after every change of the document with the Article's blocks. */
  onChange: (blocks: Block[]) => void;
  /** Called when the selection or the undo stack changes (toolbar state). */
  onSelection?: () => void;
  /** Accessible name and empty-body placeholder of the editing area. */
  label: string;
  placeholder: string;
  /** Resolves a photo id (a figure's) to its library caption and credit. */
  photo: (id: string) => PhotoRef | undefined;
  /** Accessible name of the blocks' drag handle. */
  handleLabel: string;
  /** The scrolling container around the body (scrolled while a block is dragged to its edge). */
  scroller?: () => HTMLElement | null;
}

/** Marks a transaction that shows a stored version (not the user's edit). */
const SHOWN_STORED = "byline-shown-stored";

/** Every block id appears once: a split, paste or drop that duplicated one gets a fresh id. */
const uniqueIds = new Plugin({
  appendTransaction(trs, _old, state) {
    if (!trs.some((tr) => tr.docChanged)) return null;
    const fixes = idRepairs(state.doc);
    if (!fixes.length) return null;
    const tr = state.tr;
    for (const [pos, id] of fixes) tr.setNodeAttribute(pos, "id", id);
    return tr.setMeta("addToHistory", false);
  },
});

/** Marks the block holding the cursor (a bar in the margin shows where typing goes). */
const currentBlockMark = new Plugin({
  props: {
    decorations(state) {
      const cur = currentBlock(state);
      if (!cur) return null;
      return DecorationSet.create(state.doc, [
        Decoration.node(cur.pos, cur.pos + cur.node.nodeSize, { class: "is-current" }),
      ]);
    },
  },
});

export const kinds = {
  paragraph: setKind(schema.nodes.paragraph),
  heading: setKind(schema.nodes.heading, { level: 2 }),
  subheading: setKind(schema.nodes.heading, { level: 3 }),
  quote: setKind(schema.nodes.quote),
};

/** True for a body with nothing typed yet (one empty paragraph): shows the placeholder. */
function isEmptyDoc(doc: PMNode): boolean {
  return doc.childCount === 1 && doc.firstChild!.isTextblock && doc.firstChild!.content.size === 0;
}

export class StoryBody {
  view: EditorView;
  /** The drag handle beside the hovered block (else the cursor's block while editing). */
  private handle: HTMLButtonElement;
  /** The block index under the pointer, null while the pointer is elsewhere. */
  private hover: number | null = null;
  private handleFrame = 0;

  constructor(
    mount: HTMLElement,
    blocks: Block[],
    private deps: BodyDeps,
  ) {
    const keys: Record<string, Command> = {
      "Mod-z": undo,
      "Mod-Shift-z": redo,
      "Mod-y": redo,
      "Mod-Alt-0": kinds.paragraph,
      "Mod-Alt-1": kinds.heading,
      "Mod-Alt-2": kinds.subheading,
      "Mod-Shift-.": kinds.quote,
      "Alt-ArrowUp": moveBlock(-1),
      "Alt-ArrowDown": moveBlock(1),
      "Shift-Enter": (state, dispatch) => {
        if (dispatch) dispatch(state.tr.replaceSelectionWith(schema.nodes.hard_break.create()).scrollIntoView());
        return true;
      },
      Enter: chainCommands(enterAtStart, splitBlock),
    };
    const state = EditorState.create({
      doc: blocksToDoc(blocks),
      plugins: [
        inputRules({
          rules: [
            textblockTypeInputRule(/^##\s$/, schema.nodes.heading, { level: 3 }),
            textblockTypeInputRule(/^#\s$/, schema.nodes.heading, { level: 2 }),
            textblockTypeInputRule(/^>\s$/, schema.nodes.quote),
          ],
        }),
        keymap(keys),
        keymap(baseKeymap),
        history(),
        dropCursor({ color: "var(--accent)", width: 3 }),
        gapCursor(),
        uniqueIds,
        currentBlockMark,
      ],
    });
    this.view = new EditorView(mount, {
      state,
      attributes: (st) => ({
        class: isEmptyDoc(st.doc) ? "story-body is-empty" : "story-body",
        id: "story-body",
        role: "textbox",
        "aria-multiline": "true",
        spellcheck: "false",
        lang: "vi",
        "aria-label": deps.label,
        "data-placeholder": deps.placeholder,
      }),
      // Keep the cursor clear of the sticky block-kind toolbar when scrolling to it.
      scrollMargin: { top: 64, bottom: 24, left: 5, right: 5 },
      nodeViews: {
        figure: (node, view, getPos) => new FigureView(node, view, getPos, deps),
        quote: (node, view, getPos) => new QuoteView(node, view, getPos, deps),
      },
      dispatchTransaction: (tr: Transaction) => {
        const next = this.view.state.apply(tr);
        this.view.updateState(next);
        // A stored version shown in place is not an edit: it must not mark the story unsaved.
        if (tr.docChanged && !tr.getMeta(SHOWN_STORED)) this.deps.onChange(docToBlocks(next.doc));
        this.deps.onSelection?.();
        this.refreshHandle();
      },
      handleDOMEvents: {
        // A pressed selected figure would start ProseMirror's HTML5 node drag, which WebView2
        // never delivers: blocks move with the handle only. Dragging selected text stays.
        dragstart: (view, event) => {
          if (!(view.state.selection instanceof NodeSelection)) return false;
          event.preventDefault();
          return true;
        },
        focus: () => {
          this.refreshHandle();
          return false;
        },
        blur: () => {
          this.refreshHandle();
          return false;
        },
      },
      handlePaste: (view, event) => {
        const html = event.clipboardData?.getData("text/html") ?? "";
        // A copy from this editor (figures included) keeps its structure; ids are renewed.
        if (html.includes("data-pm-slice")) return false;
        const text = event.clipboardData?.getData("text/plain");
        if (!text) return false;
        event.preventDefault();
        void this.pasteClean(view, text);
        return true;
      },
      transformPasted: (slice) => {
        // A pasted copy must not reuse the ids of the blocks it was copied from.
        const strip = (n: PMNode): PMNode =>
          n.isBlock && "id" in n.attrs ? n.type.create({ ...n.attrs, id: null }, n.content, n.marks) : n;
        const content: PMNode[] = [];
        slice.content.forEach((n) => content.push(strip(n)));
        return new Slice(Fragment.fromArray(content), slice.openStart, slice.openEnd);
      },
    });
    this.handle = this.makeHandle(mount);
  }

  private makeHandle(mount: HTMLElement): HTMLButtonElement {
    const handle = document.createElement("button");
    handle.type = "button";
    handle.className = "block-handle";
    handle.hidden = true;
    handle.setAttribute("aria-label", this.deps.handleLabel);
    handle.title = `${this.deps.handleLabel} (Alt+↑/↓)`;
    handle.textContent = "⠿";
    // Pressing the handle must leave the caret where it is.
    handle.addEventListener("mousedown", (e) => e.preventDefault());
    handle.addEventListener("keydown", (e) => {
      const dir = ({ ArrowUp: -1, ArrowDown: 1 } as Record<string, number>)[e.key];
      const from = this.indexOf(handle.dataset.id);
      if (!dir || from < 0) return;
      e.preventDefault();
      // The handle keeps the focus and follows its block (refreshHandle).
      moveBlockTo(from, dir < 0 ? from - 1 : from + 2)(this.view.state, this.view.dispatch);
    });
    handle.addEventListener("blur", () => this.refreshHandle());
    mount.append(handle);
    mount.addEventListener("pointermove", (e) => {
      // While a button is down (a press on the handle, a text selection) the handle stays put.
      if (e.buttons !== 0) return;
      const { spans } = this.blocksOnScreen();
      const i = blockAt(spans, e.clientY);
      this.hover = i < 0 ? null : i;
      this.refreshHandle();
    });
    mount.addEventListener("pointerleave", () => {
      this.hover = null;
      this.refreshHandle();
    });
    enablePointerDrag(handle, {
      target: () => this,
      scroller: () => this.deps.scroller?.() ?? null,
      item: () => handle,
      key: () => handle.dataset.id ?? null,
      ghost: (_item, ghost) => {
        const node = this.view.state.doc.maybeChild(this.indexOf(handle.dataset.id));
        if (!node) return;
        if (node.type === schema.nodes.figure && node.attrs.photo_id) {
          const img = document.createElement("img");
          img.src = this.deps.renditionUrl("thumb", node.attrs.photo_id as string);
          img.alt = "";
          ghost.append(img);
        } else {
          ghost.classList.add("block-ghost");
          ghost.textContent = node.textContent.slice(0, 120) || "¶";
        }
      },
      accepts: (id, gap) => moveTarget(this.view.state.doc.childCount, this.indexOf(id), gap) !== null,
      drop: (id, gap) => {
        this.run(moveBlockTo(this.indexOf(id), gap));
      },
      bodyClass: "block-dragging",
    });
    return handle;
  }

  /** The index of the top-level block with `id`, -1 if none. */
  private indexOf(id: string | undefined): number {
    let found = -1;
    if (id) this.view.state.doc.forEach((n, _pos, i) => {
      if (found < 0 && n.attrs.id === id) found = i;
    });
    return found;
  }

  /** Puts the handle beside the block that wants it, once per frame. */
  private refreshHandle(): void {
    cancelAnimationFrame(this.handleFrame);
    this.handleFrame = requestAnimationFrame(() => {
      if (!this.view.dom.isConnected) return;
      // A handle with the keyboard focus stays with its block (it follows an arrow-key move).
      if (document.activeElement === this.handle) return this.placeHandle(this.indexOf(this.handle.dataset.id));
      const cur = this.view.hasFocus() ? currentBlock(this.view.state) : null;
      this.placeHandle(this.hover ?? cur?.index ?? null);
    });
  }

  private placeHandle(index: number | null): void {
    const node = index === null || index < 0 ? null : this.view.state.doc.maybeChild(index);
    const mount = this.view.dom.parentElement;
    let pos = 0;
    for (let i = 0; node && i < index!; i++) pos += this.view.state.doc.child(i).nodeSize;
    const dom = node ? this.view.nodeDOM(pos) : null;
    if (!node || !mount || !(dom instanceof HTMLElement)) {
      this.handle.hidden = true;
      delete this.handle.dataset.id;
      return;
    }
    const m = mount.getBoundingClientRect();
    const v = this.view.dom.getBoundingClientRect();
    const r = dom.getBoundingClientRect();
    this.handle.hidden = false;
    this.handle.dataset.id = node.attrs.id as string;
    this.handle.style.top = `${Math.round(r.top - m.top)}px`;
    this.handle.style.left = `${Math.round(v.left - m.left - 30)}px`;
  }

  private async pasteClean(view: EditorView, text: string) {
    const clean = await this.deps.cleanPaste(text);
    const content = pastedSlice(clean);
    const tr = typeof content === "string" ? view.state.tr.insertText(content) : view.state.tr.replaceSelection(content);
    view.dispatch(tr.scrollIntoView());
  }

  /** Runs a command against the editor (toolbar buttons) and gives the focus back. */
  run(cmd: Command): boolean {
    const ok = cmd(this.view.state, this.view.dispatch, this.view);
    this.view.focus();
    return ok;
  }

  /** Inserts a library photo as a figure after the block holding the cursor. */
  insertPhoto(photo: PhotoRef): void {
    this.run(insertFigureAtSelection(figureNode(photo)));
  }

  /** The top-level blocks' vertical extents on screen and their document positions. */
  private blocksOnScreen(): { spans: Span[]; positions: number[] } {
    const spans: Span[] = [];
    const positions: number[] = [];
    this.view.state.doc.forEach((_node, offset) => {
      const dom = this.view.nodeDOM(offset);
      if (!(dom instanceof HTMLElement)) return;
      const r = dom.getBoundingClientRect();
      spans.push({ top: r.top, bottom: r.bottom });
      positions.push(offset);
    });
    return { spans, positions };
  }

  /**
   * The gap between blocks (0 = before the first) a photo dragged to client point (x, y) would
   * land in, or null when the point is not over the body (a little slack around it, so the
   * top and bottom gaps are easy to hit).
   */
  dropGap(x: number, y: number, slack = 32): number | null {
    const r = this.view.dom.getBoundingClientRect();
    if (x < r.left - slack || x > r.right + slack || y < r.top - slack || y > r.bottom + slack) return null;
    return gapAt(this.blocksOnScreen().spans, y);
  }

  private dropLine: HTMLElement | null = null;

  /** Draws the drop indicator line at `gap`; null removes it. */
  showDropLine(gap: number | null): void {
    if (gap === null) {
      this.dropLine?.remove();
      this.dropLine = null;
      return;
    }
    const mount = this.view.dom.parentElement;
    if (!mount) return;
    if (!this.dropLine) {
      this.dropLine = document.createElement("div");
      this.dropLine.className = "drop-line";
      this.dropLine.setAttribute("aria-hidden", "true");
      mount.append(this.dropLine);
    }
    const m = mount.getBoundingClientRect();
    const v = this.view.dom.getBoundingClientRect();
    const y = gapLine(this.blocksOnScreen().spans, gap, 6);
    this.dropLine.style.top = `${Math.round(y - m.top)}px`;
    this.dropLine.style.left = `${Math.round(v.left - m.left)}px`;
    this.dropLine.style.width = `${Math.round(v.width)}px`;
    this.dropLine.dataset.gap = String(gap);
  }

  /** Inserts a library photo as a selected figure into `gap` (where a pointer drag ended). */
  insertPhotoAt(photo: PhotoRef, gap: number): void {
    const { positions } = this.blocksOnScreen();
    const pos = gap < positions.length ? positions[Math.max(0, gap)] : this.view.state.doc.content.size;
    this.run(insertFigureAt(figureNode(photo), pos));
  }

  /** The kind of the block holding the cursor ("heading" etc.), for the toolbar's state. */
  currentKind(): string | null {
    const cur = currentBlock(this.view.state);
    if (!cur) return null;
    return cur.node.type === schema.nodes.heading && cur.node.attrs.level !== 2 ? "subheading" : cur.node.type.name;
  }

  canUndo(): boolean {
    return undoDepth(this.view.state) > 0;
  }
  canRedo(): boolean {
    return redoDepth(this.view.state) > 0;
  }

  /** Replaces the whole document (after the copy desk's fix or a restore); not undoable. */
  /**
   * Shows stored blocks in place of the current ones (another person's change pulled in, or a
   * merge): the caret and the selection stay at the same position where the text still reaches,
   * undo history is kept but this replacement is not an undo step, and no edit is reported.
   */
  replaceBlocks(blocks: Block[]): void {
    const state = this.view.state;
    const { from, to } = state.selection;
    const tr = state.tr
      .replaceWith(0, state.doc.content.size, blocksToDoc(blocks).content)
      .setMeta("addToHistory", false)
      .setMeta(SHOWN_STORED, true);
    const clamp = (n: number) => Math.max(0, Math.min(n, tr.doc.content.size));
    try {
      tr.setSelection(TextSelection.between(tr.doc.resolve(clamp(from)), tr.doc.resolve(clamp(to))));
    } catch {
      // A position that lands nowhere a caret can be: keep ProseMirror's mapped selection.
    }
    this.view.dispatch(tr);
  }

  setBlocks(blocks: Block[]): void {
    this.view.updateState(EditorState.create({ doc: blocksToDoc(blocks), plugins: this.view.state.plugins }));
  }

  /**
   * Selects a copy-desk finding's range (block index, char offsets); a figure's caption is its
   * block's text, so the caption field is selected instead.
   */
  select(block: number, start: number, end: number): void {
    const doc = this.view.state.doc;
    if (block < 0 || block >= doc.childCount) return;
    const node = doc.child(block);
    if (node.type === schema.nodes.figure) {
      const fig = this.view.dom.querySelectorAll<HTMLElement>(":scope > .pm-figure, :scope > *")[block];
      const cap = fig?.querySelector<HTMLTextAreaElement>(".fig-caption");
      if (cap) {
        cap.focus();
        const units = (n: number) => Array.from(cap.value).slice(0, n).join("").length;
        cap.setSelectionRange(units(start), units(end));
        cap.scrollIntoView({ block: "center" });
      }
      return;
    }
    const from = posInBlock(doc, block, start);
    const to = posInBlock(doc, block, end);
    if (from === null || to === null) return;
    this.view.dispatch(this.view.state.tr.setSelection(TextSelection.create(doc, from, to)).scrollIntoView());
    this.view.focus();
  }

  destroy(): void {
    cancelAnimationFrame(this.handleFrame);
    this.handle.remove();
    this.showDropLine(null);
    this.view.destroy();
  }
}
