// Node views: a figure shows the photo (its `byline://` rendition) with its caption and credit
// editable in place; a quote shows its speaker field under the quoted text.
import type { Node as PMNode } from "prosemirror-model";
import type { EditorView, NodeView } from "prosemirror-view";
import { h, autogrow } from "../dom";
import { t } from "../i18n";

export interface ViewDeps {
  renditionUrl: (kind: "thumb" | "preview", id: string) => string;
  /** Paste cleanup for the small fields inside node views (same Rust cleanup as the body). */
  cleanPaste: (text: string) => Promise<string>;
}

/** True when `e` happened inside one of the view's own form fields (ProseMirror keeps out). */
const inField = (e: Event) =>
  e.target instanceof HTMLElement && !!e.target.closest("input, textarea, button, select");

function cleanOnPaste(el: HTMLInputElement | HTMLTextAreaElement, deps: ViewDeps) {
  el.addEventListener("paste", (e) => {
    const text = (e as ClipboardEvent).clipboardData?.getData("text/plain");
    if (!text) return;
    e.preventDefault();
    void deps.cleanPaste(text).then((clean) => {
      el.setRangeText(clean, el.selectionStart ?? 0, el.selectionEnd ?? 0, "end");
      el.dispatchEvent(new Event("input"));
    });
  });
}

/** Sets a node's attribute from a field inside its view (one undoable step per pause). */
function setAttr(view: EditorView, getPos: () => number | undefined, name: string, value: unknown) {
  const pos = getPos();
  if (pos === undefined) return;
  const node = view.state.doc.nodeAt(pos);
  if (!node) return;
  view.dispatch(view.state.tr.setNodeAttribute(pos, name, value));
}

export class FigureView implements NodeView {
  dom: HTMLElement;
  private caption: HTMLTextAreaElement;
  private credit: HTMLInputElement;
  private img: HTMLElement;

  constructor(
    private node: PMNode,
    view: EditorView,
    getPos: () => number | undefined,
    deps: ViewDeps,
  ) {
    const photo = node.attrs.photo_id as string | null;
    this.img = photo
      ? h("img", {
          class: "figure-img",
          src: deps.renditionUrl("preview", photo),
          alt: node.attrs.caption as string,
          draggable: "false",
        })
      : h("div", { class: "figure-missing" }, (node.attrs.src as string | null) ?? "?");
    this.caption = h("textarea", {
      class: "fig-caption",
      rows: "1",
      placeholder: t("caption"),
      "aria-label": t("caption"),
    });
    this.caption.value = node.attrs.caption as string;
    this.credit = h("input", {
      class: "fig-credit",
      value: node.attrs.credit as string,
      placeholder: t("credit"),
      "aria-label": t("credit"),
    });
    this.caption.addEventListener("input", () => {
      autogrow(this.caption);
      setAttr(view, getPos, "caption", this.caption.value);
    });
    this.credit.addEventListener("input", () => setAttr(view, getPos, "credit", this.credit.value));
    cleanOnPaste(this.caption, deps);
    cleanOnPaste(this.credit, deps);
    const remove = h(
      "button",
      {
        class: "icon-btn danger fig-remove",
        type: "button",
        title: t("remove"),
        "aria-label": `${t("remove")} ${t("block_figure")}`,
        onclick: () => {
          const pos = getPos();
          if (pos !== undefined) view.dispatch(view.state.tr.delete(pos, pos + this.node.nodeSize));
          view.focus();
        },
      },
      "×",
    );
    this.dom = h(
      "figure",
      {
        class: "pm-figure",
        "data-id": node.attrs.id,
        "data-photo-id": photo ?? "",
        contenteditable: "false",
        "aria-label": `${t("block_figure")}: ${node.attrs.caption as string}`,
      },
      h("div", { class: "fig-frame" }, this.img, remove),
      h("figcaption", {}, this.caption, this.credit),
    );
    requestAnimationFrame(() => autogrow(this.caption));
  }

  update(node: PMNode): boolean {
    if (node.type !== this.node.type || node.attrs.photo_id !== this.node.attrs.photo_id) return false;
    this.node = node;
    this.dom.dataset.id = node.attrs.id as string;
    // Undo/redo or a save from elsewhere changed the text: show it unless someone is typing.
    if (document.activeElement !== this.caption && this.caption.value !== node.attrs.caption) {
      this.caption.value = node.attrs.caption as string;
      autogrow(this.caption);
    }
    if (document.activeElement !== this.credit && this.credit.value !== node.attrs.credit)
      this.credit.value = node.attrs.credit as string;
    return true;
  }

  selectNode(): void {
    this.dom.classList.add("selected");
  }
  deselectNode(): void {
    this.dom.classList.remove("selected");
  }
  stopEvent(e: Event): boolean {
    return inField(e);
  }
  ignoreMutation(): boolean {
    return true;
  }
}

export class QuoteView implements NodeView {
  dom: HTMLElement;
  contentDOM: HTMLElement;
  private who: HTMLInputElement;

  constructor(
    private node: PMNode,
    view: EditorView,
    getPos: () => number | undefined,
    deps: ViewDeps,
  ) {
    this.contentDOM = h("blockquote", { class: "pm-quote-text" });
    this.who = h("input", {
      class: "attribution",
      value: (node.attrs.attribution as string | null) ?? "",
      placeholder: t("attribution"),
      "aria-label": t("attribution"),
    });
    this.who.addEventListener("input", () => setAttr(view, getPos, "attribution", this.who.value || null));
    cleanOnPaste(this.who, deps);
    this.dom = h(
      "div",
      { class: "pm-quote", "data-id": node.attrs.id },
      this.contentDOM,
      h("div", { class: "quote-who", contenteditable: "false" }, "— ", this.who),
    );
  }

  update(node: PMNode): boolean {
    if (node.type !== this.node.type) return false;
    this.node = node;
    this.dom.dataset.id = node.attrs.id as string;
    const v = (node.attrs.attribution as string | null) ?? "";
    if (document.activeElement !== this.who && this.who.value !== v) this.who.value = v;
    return true;
  }
  stopEvent(e: Event): boolean {
    return inField(e);
  }
  ignoreMutation(m: { target: Node; type: string }): boolean {
    // Only the quoted text is ProseMirror's; the speaker field is ours.
    return !this.contentDOM.contains(m.target);
  }
}
