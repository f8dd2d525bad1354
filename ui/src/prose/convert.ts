// Article blocks ⇄ ProseMirror document. Pure functions (no DOM, no IPC), so they are tested
// alone: a round trip keeps every block's id, kind and text, and all text comes out NFC.
import { Fragment, type Node as PMNode } from "prosemirror-model";
import type { Block } from "../bindings/Block";
import { schema } from "./schema";

/** A fresh block id (the Rust side uses UUIDs too; any unique string is accepted). */
export function newId(): string {
  return crypto.randomUUID();
}

const nfc = (s: string) => s.normalize("NFC");

/** Inline content of a textblock: text runs with a hard break for every "\n". */
export function inlineContent(text: string): PMNode[] {
  const out: PMNode[] = [];
  nfc(text)
    .split("\n")
    .forEach((part, i) => {
      if (i > 0) out.push(schema.nodes.hard_break.create());
      if (part) out.push(schema.text(part));
    });
  return out;
}

export function blockToNode(b: Block): PMNode {
  const id = b.id || newId();
  switch (b.type) {
    case "paragraph":
      return schema.nodes.paragraph.create({ id }, inlineContent(b.text));
    case "heading":
      return schema.nodes.heading.create({ id, level: b.level || 2 }, inlineContent(b.text));
    case "quote":
      return schema.nodes.quote.create({ id, attribution: b.attribution ?? null }, inlineContent(b.text));
    case "figure":
      return schema.nodes.figure.create({
        id,
        photo_id: b.photo_id,
        caption: nfc(b.caption),
        credit: nfc(b.credit),
        src: b.src ?? null,
      });
  }
}

/** The editor's document for an Article's blocks (an empty story gets one empty paragraph). */
export function blocksToDoc(blocks: Block[]): PMNode {
  const nodes = blocks.map(blockToNode);
  if (!nodes.length) nodes.push(schema.nodes.paragraph.create({ id: newId() }));
  return schema.nodes.doc.create(null, Fragment.fromArray(nodes));
}

/** A textblock's text as the Article stores it: hard breaks become "\n", NFC. */
export function nodeText(n: PMNode): string {
  return nfc(n.textBetween(0, n.content.size, "", "\n"));
}

/**
 * The Article's blocks for a document. A node without an id (which the id plugin normally
 * prevents) gets a fresh one. A document that is only one empty paragraph is an empty body.
 */
export function docToBlocks(doc: PMNode): Block[] {
  if (doc.childCount === 1 && doc.firstChild!.type === schema.nodes.paragraph && doc.firstChild!.content.size === 0)
    return [];
  const out: Block[] = [];
  doc.forEach((n) => {
    const id = (n.attrs.id as string | null) || newId();
    switch (n.type.name) {
      case "paragraph":
        out.push({ id, type: "paragraph", text: nodeText(n) });
        break;
      case "heading":
        out.push({ id, type: "heading", text: nodeText(n), level: n.attrs.level as number });
        break;
      case "quote": {
        const b: Block = { id, type: "quote", text: nodeText(n) };
        if (n.attrs.attribution) b.attribution = nfc(n.attrs.attribution as string);
        out.push(b);
        break;
      }
      case "figure": {
        const b: Block = {
          id,
          type: "figure",
          photo_id: (n.attrs.photo_id as string | null) || null,
          caption: nfc(n.attrs.caption as string),
          credit: nfc(n.attrs.credit as string),
        };
        if (n.attrs.src) b.src = n.attrs.src as string;
        out.push(b);
        break;
      }
    }
  });
  return out;
}

/** A figure node for a library photo (dropped or inserted from the photo strip). */
export function figureNode(photo: { id: string; caption: string; credit: string }): PMNode {
  return schema.nodes.figure.create({
    id: newId(),
    photo_id: photo.id,
    caption: nfc(photo.caption),
    credit: nfc(photo.credit),
  });
}

/**
 * Ids made unique: the first node (in document order) keeps an id, a later duplicate (a split
 * block, a pasted copy) or a missing one gets a fresh id. Returns [position, new id] pairs.
 */
export function idRepairs(doc: PMNode, fresh: () => string = newId): [number, string][] {
  const seen = new Set<string>();
  const fixes: [number, string][] = [];
  doc.forEach((n, pos) => {
    const id = n.attrs.id as string | null;
    if (!id || seen.has(id)) {
      const f = fresh();
      fixes.push([pos, f]);
      seen.add(f);
    } else seen.add(id);
  });
  return fixes;
}

/** Character offset (Unicode scalar values, as the copy desk counts) → position in a textblock. */
export function posInBlock(doc: PMNode, index: number, chars: number): number | null {
  if (index < 0 || index >= doc.childCount) return null;
  let start = 0;
  for (let i = 0; i < index; i++) start += doc.child(i).nodeSize;
  const n = doc.child(index);
  if (!n.isTextblock) return null;
  // Text positions count UTF-16 units; a hard break is one position and one "\n" char.
  const text = nodeText(n);
  const units = Array.from(text).slice(0, chars).join("").length;
  return start + 1 + Math.min(units, n.content.size);
}
