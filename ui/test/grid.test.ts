import { describe, expect, it } from "vitest";
import { gridWindow } from "../src/grid";

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
