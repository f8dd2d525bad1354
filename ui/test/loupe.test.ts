import { describe, expect, it } from "vitest";
import type { PhotoView } from "../src/bindings/PhotoView";
import { openLoupe } from "../src/views/loupe";

const photos = Array.from({ length: 10 }, (_, i) =>
  ({ id: String(i).repeat(64), width: 3000, height: 2000, caption: "", original_name: `IMG_${i}.JPG`, rating: 0, label: null, tagged: false, rejected: false }) as unknown as PhotoView,
);
/** Which photo each decode() asked for, in order (jsdom decodes nothing). */
const decoded: number[] = [];
HTMLImageElement.prototype.decode = function (this: HTMLImageElement) {
  decoded.push(Number(this.src.slice(-1)));
  return Promise.resolve();
};
const key = (k: string) => document.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
const shown = () => Number(document.querySelector<HTMLElement>("#loupe")!.dataset.index);

describe("the loupe's read-ahead", () => {
  it("decodes the next three photos in the direction of travel and keeps the one just left", () => {
    let closedAt = -1;
    openLoupe(5, { photos: () => photos, updated: () => undefined, closed: (i) => (closedAt = i) });
    expect(decoded, "the photo shown, three ahead, one behind").toEqual([5, 6, 7, 8, 4]);
    expect(document.querySelector<HTMLImageElement>("#loupe .loupe-img")!.decoding, "decoded ahead, painted at once").toBe("sync");
    decoded.length = 0;
    key("ArrowRight");
    expect(shown()).toBe(6);
    expect(decoded, "only the newly needed photo: 7 and 8 were ready, 5 is kept behind").toEqual([9]);
    decoded.length = 0;
    key("ArrowLeft");
    key("ArrowLeft");
    expect(shown()).toBe(4);
    expect(decoded, "going back, the read-ahead turns round: 4, 3, 2 (5 kept), then 1").toEqual([4, 3, 2, 1]);
    key("Escape");
    expect(closedAt, "the grid gets the cursor back where the loupe was").toBe(4);
  });
});
