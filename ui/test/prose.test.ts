import { describe, expect, it } from "vitest";
import { EditorState, TextSelection } from "prosemirror-state";
import { splitBlock } from "prosemirror-commands";
import type { Block } from "../src/bindings/Block";
import { blocksToDoc, docToBlocks, figureNode, idRepairs, posInBlock } from "../src/prose/convert";
import { enterAtStart, insertFigureAt, insertFigureAtSelection, moveBlock, pastedSlice, setKind } from "../src/prose/commands";
import { schema } from "../src/prose/schema";

const story: Block[] = [
  { id: "b1", type: "paragraph", text: "Sáng 18/6, đoàn công tác của Tổng Liên đoàn làm việc với LĐLĐ Nghệ An." },
  { id: "b2", type: "heading", text: "Kết quả 15 năm", level: 2 },
  { id: "b3", type: "quote", text: "Công nhân là lực lượng nòng cốt.", attribution: "Ông Nguyễn Văn A" },
  { id: "b4", type: "figure", photo_id: "ab".repeat(32), caption: "Toàn cảnh hội nghị.", credit: "Ảnh: Cảnh Toàn" },
  { id: "b5", type: "quote", text: "Không có người nói." },
  { id: "b6", type: "figure", photo_id: null, caption: "Ảnh thiếu", credit: "", src: "photos/x.jpg" },
  { id: "b7", type: "paragraph", text: "Dòng một\nDòng hai" },
];

/** Applies `cmd` to a state and returns the new state (asserting it ran). */
function run(state: EditorState, cmd: (s: EditorState, d: (tr: import("prosemirror-state").Transaction) => void) => boolean) {
  let next = state;
  const ok = cmd(state, (tr) => (next = state.apply(tr)));
  expect(ok, "the command applies here").toBe(true);
  return next;
}

describe("Article blocks ⇄ ProseMirror document", () => {
  it("round-trips ids, kinds, text, captions and line breaks unchanged", () => {
    const back = docToBlocks(blocksToDoc(story));
    expect(back).toEqual(story);
  });

  it("gives NFC text whatever form the blocks or the typing came in", () => {
    const decomposed = "Ho\u0302\u0300ng Lie\u0302n đoa\u0300n"; // Hồng Liên đoàn, combining marks
    const back = docToBlocks(blocksToDoc([{ id: "x", type: "paragraph", text: decomposed }]));
    expect(back[0]).toEqual({ id: "x", type: "paragraph", text: "Hồng Liên đoàn" });
    expect(back[0].type === "paragraph" && back[0].text === back[0].text.normalize("NFC")).toBe(true);
  });

  it("maps an empty body to one empty paragraph and back to no blocks", () => {
    const doc = blocksToDoc([]);
    expect(doc.childCount).toBe(1);
    expect(doc.firstChild!.attrs.id, "the empty paragraph has an id").toBeTruthy();
    expect(docToBlocks(doc)).toEqual([]);
  });

  it("turns a library photo into a figure with its caption and a fresh id", () => {
    const n = figureNode({ id: "cd".repeat(32), caption: "Người dân đi lại khó khăn", credit: "Ảnh: Thanh Hà" });
    expect(n.attrs).toMatchObject({ photo_id: "cd".repeat(32), caption: "Người dân đi lại khó khăn", credit: "Ảnh: Thanh Hà" });
    expect(n.attrs.id).not.toBe(figureNode({ id: "x", caption: "", credit: "" }).attrs.id);
  });

  it("finds the position of a finding's char offsets, counting astral chars once", () => {
    const doc = blocksToDoc([
      { id: "a", type: "paragraph", text: "Một" },
      { id: "b", type: "paragraph", text: "😀 Hà  Nội" },
    ]);
    const from = posInBlock(doc, 1, 4)!;
    const to = posInBlock(doc, 1, 6)!;
    expect(doc.textBetween(from, to), "the double space after “Hà”").toBe("  ");
    expect(posInBlock(doc, 9, 0), "no such block").toBeNull();
  });
});

describe("block ids while editing", () => {
  const state = () =>
    EditorState.create({ doc: blocksToDoc([{ id: "p1", type: "paragraph", text: "Hà Nội mưa to" }]) });

  it("never lets a split paragraph keep the same id twice", () => {
    const s0 = state();
    const s1 = s0.apply(s0.tr.setSelection(TextSelection.create(s0.doc, 4)));
    const s2 = run(s1, splitBlock);
    const ids = [s2.doc.child(0).attrs.id, s2.doc.child(1).attrs.id];
    expect(ids[0], "the first half keeps the block's id").toBe("p1");
    const fixes = idRepairs(s2.doc, () => "fresh");
    expect(fixes, "the copy the split made gets a fresh id").toEqual([[s2.doc.child(0).nodeSize, "fresh"]]);
  });

  it("keeps the text's id when Enter is pressed at the start of a block", () => {
    const s0 = state();
    const s1 = s0.apply(s0.tr.setSelection(TextSelection.create(s0.doc, 1)));
    const s2 = run(s1, enterAtStart);
    expect(s2.doc.child(1).attrs.id).toBe("p1");
    expect(s2.doc.child(1).textContent).toBe("Hà Nội mưa to");
    expect(s2.doc.child(0).attrs.id, "the new empty paragraph has its own id").not.toBe("p1");
  });

  it("changes a block's kind and keeps its id", () => {
    const s0 = state();
    const s1 = run(s0, setKind(schema.nodes.heading, { level: 2 }));
    expect(docToBlocks(s1.doc)).toEqual([{ id: "p1", type: "heading", text: "Hà Nội mưa to", level: 2 }]);
    const s2 = run(s1, setKind(schema.nodes.quote));
    expect(docToBlocks(s2.doc)[0]).toMatchObject({ id: "p1", type: "quote" });
  });

  it("moves a block down and up with its id", () => {
    const s0 = EditorState.create({ doc: blocksToDoc(story.slice(0, 3)) });
    const s1 = run(s0, moveBlock(1));
    expect(docToBlocks(s1.doc).map((b) => b.id)).toEqual(["b2", "b1", "b3"]);
    const s2 = run(s1, moveBlock(-1));
    expect(docToBlocks(s2.doc).map((b) => b.id)).toEqual(["b1", "b2", "b3"]);
  });
});

describe("figures from the photo strip", () => {
  const photo = { id: "ef".repeat(32), caption: "Mưa lớn", credit: "Ảnh: TTXVN" };

  it("inserts after the paragraph holding the cursor", () => {
    const s0 = EditorState.create({ doc: blocksToDoc(story.slice(0, 2)) });
    const s1 = run(s0, insertFigureAtSelection(figureNode(photo)));
    expect(docToBlocks(s1.doc).map((b) => b.type)).toEqual(["paragraph", "figure", "heading"]);
  });

  it("drops at the block boundary nearest the drop point", () => {
    const s0 = EditorState.create({ doc: blocksToDoc(story.slice(0, 2)) });
    const inFirst = 3; // inside the first paragraph's text
    const s1 = run(s0, insertFigureAt(figureNode(photo), inFirst));
    const blocks = docToBlocks(s1.doc);
    expect(blocks.map((b) => b.type), "never splits a paragraph").toEqual(["figure", "paragraph", "heading"]);
    expect(blocks[0]).toMatchObject({ type: "figure", photo_id: photo.id, caption: "Mưa lớn", credit: "Ảnh: TTXVN" });
  });
});

describe("paste", () => {
  it("pastes one cleaned line as text and several as paragraphs without ids", () => {
    expect(pastedSlice("Hà Nội")).toBe("Hà Nội");
    const slice = pastedSlice("Đoạn một\n\nĐoạn hai\n");
    expect(typeof slice).not.toBe("string");
    if (typeof slice === "string") return;
    expect(slice.content.childCount).toBe(2);
    expect(slice.content.child(1).textContent).toBe("Đoạn hai");
    expect(slice.content.child(1).attrs.id, "the id plugin gives pasted blocks fresh ids").toBeNull();
  });
});
