// The story body's ProseMirror schema: the Article's block kinds and nothing else. Every block
// carries the Article block's stable `id` (the server merges stories block by block by id).
import { Schema, type DOMOutputSpec, type Node as PMNode } from "prosemirror-model";

const id = { default: null as string | null };

/** Reads the block id back from HTML the editor itself wrote (a copy within the document). */
const idFrom = (dom: HTMLElement | string) =>
  typeof dom === "string" ? {} : { id: dom.getAttribute("data-id") };

export const schema = new Schema({
  nodes: {
    doc: { content: "block+" },
    paragraph: {
      group: "block",
      content: "inline*",
      attrs: { id },
      parseDOM: [{ tag: "p", getAttrs: idFrom }],
      toDOM: (n): DOMOutputSpec => ["p", { "data-id": n.attrs.id, class: "pm-paragraph" }, 0],
    },
    heading: {
      group: "block",
      content: "inline*",
      defining: true,
      attrs: { id, level: { default: 2 } },
      parseDOM: [2, 3, 4].map((level) => ({
        tag: `h${level}`,
        getAttrs: (dom: HTMLElement | string) => ({ ...idFrom(dom), level }),
      })),
      toDOM: (n): DOMOutputSpec => [
        `h${Math.min(Math.max(n.attrs.level as number, 2), 4)}`,
        { "data-id": n.attrs.id, class: "pm-heading" },
        0,
      ],
    },
    // The Article's quote is one run of text with an optional speaker, so it is a textblock
    // (not ProseMirror's usual blockquote of paragraphs).
    quote: {
      group: "block",
      content: "inline*",
      defining: true,
      attrs: { id, attribution: { default: null as string | null } },
      parseDOM: [
        {
          tag: "blockquote",
          getAttrs: (dom: HTMLElement | string) => ({
            ...idFrom(dom),
            attribution: typeof dom === "string" ? null : dom.getAttribute("data-attribution"),
          }),
        },
      ],
      toDOM: (n): DOMOutputSpec => [
        "blockquote",
        { "data-id": n.attrs.id, "data-attribution": n.attrs.attribution, class: "pm-quote" },
        0,
      ],
    },
    // A photo with its caption and credit: one unit for the cursor (an atom), edited in place
    // through its node view (views.ts). Not `draggable`: ProseMirror's node drag is HTML5 drag
    // and drop, which WebView2 turns off here; the body's drag handle moves blocks instead.
    figure: {
      group: "block",
      atom: true,
      selectable: true,
      draggable: false,
      attrs: {
        id,
        photo_id: { default: null as string | null },
        caption: { default: "" },
        credit: { default: "" },
        src: { default: null as string | null },
      },
      parseDOM: [
        {
          tag: "figure[data-photo-id]",
          getAttrs: (dom: HTMLElement | string) => {
            if (typeof dom === "string") return false;
            return {
              ...idFrom(dom),
              photo_id: dom.getAttribute("data-photo-id") || null,
              caption: dom.getAttribute("data-caption") ?? "",
              credit: dom.getAttribute("data-credit") ?? "",
              src: dom.getAttribute("data-src"),
            };
          },
        },
      ],
      toDOM: (n: PMNode): DOMOutputSpec => [
        "figure",
        {
          "data-id": n.attrs.id,
          "data-photo-id": n.attrs.photo_id ?? "",
          "data-caption": n.attrs.caption,
          "data-credit": n.attrs.credit,
          "data-src": n.attrs.src,
        },
        ["figcaption", `${n.attrs.caption as string} ${n.attrs.credit as string}`.trim()],
      ],
    },
    text: { group: "inline" },
    // A line break inside a block (Shift+Enter); it is "\n" in the Article's text.
    hard_break: {
      group: "inline",
      inline: true,
      selectable: false,
      parseDOM: [{ tag: "br" }],
      toDOM: (): DOMOutputSpec => ["br"],
    },
  },
  marks: {},
});
