import { describe, expect, it } from "vitest";
import { cellOrigin, gridWindow, isFling, ScrollSpeed, windowDiff } from "../src/grid";

describe("virtual grid window", () => {
  it("renders only the visible rows plus overscan", () => {
    // 5,000 photos, 1000 px wide → 5 columns of 168+10; 700 px tall viewport.
    const w = gridWindow(5000, 1000, 700, 0, 168, 10, 2);
    expect(w.columns).toBe(5);
    expect(w.rows).toBe(1000);
    expect(w.first).toBe(0);
    expect(w.lastRow).toBe(Math.ceil(700 / 178) + 2);
    expect(w.last - w.first).toBeLessThanOrEqual(5 * 8);
    expect(w.totalHeight).toBe(1000 * 178 - 10);
  });

  it("follows the scroll position", () => {
    const w = gridWindow(5000, 1000, 700, 178 * 500, 168, 10, 2);
    expect(w.firstRow).toBe(498);
    expect(w.first).toBe(498 * 5);
    expect(w.offsetY).toBe(498 * 178);
  });

  it("clamps at the end and handles tiny widths and empty lists", () => {
    const end = gridWindow(7, 1000, 700, 10_000, 168, 10);
    expect(end.last).toBe(7);
    expect(gridWindow(3, 50, 700, 0, 168, 10).columns).toBe(1);
    const none = gridWindow(0, 1000, 700, 0, 168, 10);
    expect(none.first).toBe(0);
    expect(none.last).toBe(0);
    expect(none.totalHeight).toBe(0);
  });
});

describe("grid recycling", () => {
  it("scrolling one row down removes the top row and adds one row at the bottom", () => {
    const rendered = Array.from({ length: 40 }, (_, i) => i); // rows 0..7 of 5 columns
    const d = windowDiff(rendered, 5, 45);
    expect(d.remove, "only the row that left the window goes").toEqual([0, 1, 2, 3, 4]);
    expect(d.add, "only the row that entered the window is built").toEqual([40, 41, 42, 43, 44]);
  });

  it("a jump far away replaces every cell and an unchanged window touches none", () => {
    const rendered = Array.from({ length: 10 }, (_, i) => i);
    const far = windowDiff(rendered, 1000, 1010);
    expect(far.remove.length).toBe(10);
    expect(far.add).toEqual(Array.from({ length: 10 }, (_, i) => 1000 + i));
    const same = windowDiff(rendered, 0, 10);
    expect(same.remove.length + same.add.length, "a scroll inside a row changes nothing").toBe(0);
  });

  it("places cells row by row from the top left", () => {
    expect(cellOrigin(0, 5, 168, 10)).toEqual({ x: 0, y: 0 });
    expect(cellOrigin(7, 5, 168, 10)).toEqual({ x: 2 * 178, y: 178 });
  });
});

describe("scroll speed", () => {
  it("measures pixels per second over the recent window only", () => {
    const s = new ScrollSpeed(100);
    expect(s.sample(0, 0), "one sample has no speed").toBe(0);
    expect(s.sample(100, 50)).toBe(2000);
    s.sample(200, 100);
    // 300 ms later with no scroll in between: the old fast samples leave the window.
    s.sample(200, 400);
    expect(s.sample(210, 450), "a slow step after a pause reads as slow").toBeLessThan(300);
  });

  it("a fling is several screenfuls a second, reading speed is not", () => {
    expect(isFling(44_000, 650), "the whole library in 5 s is a fling").toBe(true);
    expect(isFling(1_000, 650), "wheel scrolling at reading speed loads thumbnails").toBe(false);
  });
});
