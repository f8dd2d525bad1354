import { describe, expect, it } from "vitest";
import { edgeScroll, gapAt, gapLine, isDrag } from "../src/prose/dropgap";

// Three blocks as a browser lays them out: a paragraph, a tall figure, a paragraph, with margins.
const blocks = [
  { top: 100, bottom: 140 },
  { top: 154, bottom: 454 },
  { top: 468, bottom: 508 },
];

describe("which gap between blocks a pointer points at", () => {
  it("takes the upper half of a block for the gap above it and the lower half for the gap below", () => {
    expect(gapAt(blocks, 101), "the top of the first paragraph").toBe(0);
    expect(gapAt(blocks, 119), "just above the first paragraph's middle").toBe(0);
    expect(gapAt(blocks, 121), "just below it").toBe(1);
    expect(gapAt(blocks, 350), "the lower half of the figure").toBe(2);
    expect(gapAt(blocks, 305), "just below the figure's middle").toBe(2);
    expect(gapAt(blocks, 303), "just above it").toBe(1);
    expect(gapAt(blocks, 250), "the upper half of the figure").toBe(1);
  });

  it("uses the margin between two blocks for the gap between them", () => {
    expect(gapAt(blocks, 147)).toBe(1);
    expect(gapAt(blocks, 461)).toBe(2);
  });

  it("puts anything above the body first and anything below it last", () => {
    expect(gapAt(blocks, -500)).toBe(0);
    expect(gapAt(blocks, 90)).toBe(0);
    expect(gapAt(blocks, 509)).toBe(3);
    expect(gapAt(blocks, 5000)).toBe(3);
  });

  it("has one gap in an empty body", () => {
    expect(gapAt([], 120)).toBe(0);
  });
});

describe("where the drop line is drawn", () => {
  it("is midway through the margin between two blocks, and just outside the ends", () => {
    expect(gapLine(blocks, 1)).toBe(147);
    expect(gapLine(blocks, 2)).toBe(461);
    expect(gapLine(blocks, 0, 6)).toBe(94);
    expect(gapLine(blocks, 3, 6)).toBe(514);
  });
});

describe("a press that moves", () => {
  it("stays a click below the threshold and becomes a drag at it, in any direction", () => {
    expect(isDrag(0, 0)).toBe(false);
    expect(isDrag(3, 3), "a 4.2 px wobble is still a click").toBe(false);
    expect(isDrag(-5, 0)).toBe(true);
    expect(isDrag(3, -4), "5 px diagonally").toBe(true);
  });
});

describe("scrolling the paper while dragging near its edge", () => {
  it("scrolls up near the top, down near the bottom, faster closer to the edge, not in the middle", () => {
    expect(edgeScroll(400, 100, 700)).toBe(0);
    expect(edgeScroll(110, 100, 700)).toBeLessThan(0);
    expect(edgeScroll(101, 100, 700), "closer to the edge is faster").toBeLessThan(edgeScroll(140, 100, 700));
    expect(edgeScroll(690, 100, 700)).toBeGreaterThan(0);
    expect(edgeScroll(50, 100, 700), "beyond the edge, no faster than the maximum").toBe(-18);
  });
});
