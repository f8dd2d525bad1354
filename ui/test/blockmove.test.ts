import { describe, expect, it } from "vitest";
import { EditorState } from "prosemirror-state";
import { undo, history } from "prosemirror-history";
import type { Block } from "../src/bindings/Block";
import { blockAt, moveTarget } from "../src/prose/blockmove";
import { moveBlockTo } from "../src/prose/commands";
import { blocksToDoc, docToBlocks } from "../src/prose/convert";

describe("where a block dragged by its handle lands", () => {
  it("counts gaps below the block one lower, as the block leaves its place first", () => {
    expect(moveTarget(4, 0, 4), "the first block to the end").toBe(3);
    expect(moveTarget(4, 0, 2), "the first block between the second and the third").toBe(1);
    expect(moveTarget(4, 1, 3), "one place down").toBe(2);
  });

  it("keeps gaps above the block as they are", () => {
    expect(moveTarget(4, 3, 0), "the last block to the top").toBe(0);
    expect(moveTarget(4, 2, 1), "one place up").toBe(1);
  });

  it("does nothing when dropped right above or right below itself", () => {
    for (const from of [0, 1, 3]) {
      expect(moveTarget(4, from, from), `block ${from}, the gap above it`).toBeNull();
      expect(moveTarget(4, from, from + 1), `block ${from}, the gap below it`).toBeNull();
    }
    expect(moveTarget(1, 0, 0), "a lone block has nowhere to go").toBeNull();
    expect(moveTarget(1, 0, 1)).toBeNull();
  });

  it("refuses a block or a gap that does not exist", () => {
    expect(moveTarget(3, -1, 2), "no block (not found)").toBeNull();
    expect(moveTarget(3, 3, 0), "past the last block").toBeNull();
    expect(moveTarget(3, 0, 4), "past the last gap").toBeNull();
    expect(moveTarget(3, 0, -1), "before the first gap").toBeNull();
  });
});

describe("which block the handle is shown beside", () => {
  const spans = [
    { top: 100, bottom: 140 },
    { top: 154, bottom: 454 },
    { top: 468, bottom: 508 },
  ];
  it("is the block at the pointer's height, a margin belonging to the block below", () => {
    expect(blockAt(spans, 120)).toBe(0);
    expect(blockAt(spans, 147), "the margin under the first block").toBe(1);
    expect(blockAt(spans, 300)).toBe(1);
    expect(blockAt(spans, 500)).toBe(2);
  });
  it("is the first block above the body, the last below it, none without blocks", () => {
    expect(blockAt(spans, 0)).toBe(0);
    expect(blockAt(spans, 900)).toBe(2);
    expect(blockAt([], 100)).toBe(-1);
  });
});

describe("moving a block with the handle", () => {
  const story: Block[] = [
    { id: "p1", type: "paragraph", text: "Sáng 18/6, đoàn công tác làm việc với LĐLĐ Nghệ An." },
    { id: "f1", type: "figure", photo_id: "ab".repeat(32), caption: "Toàn cảnh hội nghị.", credit: "Ảnh: Cảnh Toàn" },
    { id: "p2", type: "paragraph", text: "Tại hội nghị, LĐLĐ tỉnh báo cáo kết quả." },
    { id: "h1", type: "heading", text: "Kết quả 15 năm", level: 2 },
  ];
  const start = () => EditorState.create({ doc: blocksToDoc(story), plugins: [history()] });
  const apply = (s: EditorState, from: number, gap: number) => {
    let next = s;
    const ok = moveBlockTo(from, gap)(s, (tr) => (next = s.apply(tr)));
    return { ok, next };
  };

  it("moves the figure to the end as the same block, id and caption unchanged, selected", () => {
    const { ok, next } = apply(start(), 1, 4);
    expect(ok).toBe(true);
    const blocks = docToBlocks(next.doc);
    expect(blocks.map((b) => b.id), "the figure last, nothing duplicated").toEqual(["p1", "p2", "h1", "f1"]);
    expect(blocks[3], "the figure's content travels with it").toEqual(story[1]);
    expect(next.selection.from, "the moved figure is selected").toBe(next.doc.content.size - next.doc.lastChild!.nodeSize);
  });

  it("moves a paragraph up with its text and puts the cursor in it", () => {
    const { next } = apply(start(), 2, 0);
    expect(docToBlocks(next.doc).map((b) => b.id)).toEqual(["p2", "p1", "f1", "h1"]);
    expect(next.selection.$from.parent.attrs.id, "the cursor is in the moved paragraph").toBe("p2");
  });

  it("is one undo step back to the original order", () => {
    const { next } = apply(start(), 0, 3);
    expect(docToBlocks(next.doc).map((b) => b.id)).toEqual(["f1", "p2", "p1", "h1"]);
    let back = next;
    expect(undo(next, (tr) => (back = next.apply(tr)))).toBe(true);
    expect(docToBlocks(back.doc), "one undo restores the story exactly").toEqual(story);
  });

  it("does not apply (and adds no undo step) when dropped at its own place", () => {
    const s = start();
    const { ok, next } = apply(s, 1, 2);
    expect(ok, "the gap right below the figure is its own place").toBe(false);
    expect(next, "the state is untouched").toBe(s);
  });
});
