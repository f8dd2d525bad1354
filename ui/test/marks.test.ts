import { describe, expect, it } from "vitest";
import { editForKey, stars } from "../src/marks";

const plain = { label: null, tagged: false, rejected: false } as const;

describe("culling keys (Lightroom's)", () => {
  it("0–5 set the stars", () => {
    expect(editForKey("0", plain)).toEqual({ rating: 0 });
    expect(editForKey("5", plain)).toEqual({ rating: 5 });
  });

  it("6–9 set red, yellow, green, blue and the same key again clears the label", () => {
    expect(editForKey("6", plain)).toEqual({ label: "red" });
    expect(editForKey("9", plain)).toEqual({ label: "blue" });
    expect(editForKey("7", { ...plain, label: "yellow" })).toEqual({ label: null });
    expect(editForKey("8", { ...plain, label: "yellow" })).toEqual({ label: "green" });
  });

  it("T and X toggle the tag and the reject, in either case", () => {
    expect(editForKey("t", plain)).toEqual({ tagged: true });
    expect(editForKey("T", { ...plain, tagged: true })).toEqual({ tagged: false });
    expect(editForKey("x", plain)).toEqual({ rejected: true });
  });

  it("other keys are not marks", () => {
    for (const k of ["a", "ArrowRight", " ", "Escape", "l"]) expect(editForKey(k, plain)).toBeNull();
  });

  it("stars show filled and empty places", () => {
    expect(stars(3)).toBe("★★★☆☆");
    expect(stars(0)).toBe("☆☆☆☆☆");
  });
});
