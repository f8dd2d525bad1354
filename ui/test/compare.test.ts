import { afterEach, describe, expect, it } from "vitest";
import type { PhotoView } from "../src/bindings/PhotoView";
import { openCompare } from "../src/views/loupe";

const photo = (id: string, width: number, height: number) =>
  ({ id: id.repeat(32), width, height, caption: "", original_name: `${id}.jpg`, rating: 0 }) as unknown as PhotoView;

/** jsdom decodes nothing: each image's decode() waits until the test lets it through. */
const pending: { src: string; resolve: () => void; reject: () => void }[] = [];
HTMLImageElement.prototype.decode = function (this: HTMLImageElement) {
  return new Promise<void>((resolve, reject) => pending.push({ src: this.src, resolve, reject }));
};
const tick = () => new Promise((r) => setTimeout(r, 20));
const imgs = () => [...document.querySelectorAll<HTMLImageElement>("#compare img")];

afterEach(() => {
  document.querySelector("#compare-close")?.dispatchEvent(new MouseEvent("click"));
  pending.length = 0;
});

describe("compare at 100 %", () => {
  it("shows each photo's original file once it is decoded, sized to the original's pixels", async () => {
    openCompare(photo("ab", 3000, 2000), photo("cd", 1200, 1800));
    expect(imgs().map((i) => i.getAttribute("src")), "fit shows the previews").toEqual([
      `byline://localhost/preview/${"ab".repeat(32)}`,
      `byline://localhost/preview/${"cd".repeat(32)}`,
    ]);
    document.querySelector<HTMLButtonElement>("#compare-zoom")!.click();
    expect(imgs().map((i) => i.style.width), "the stand-in previews take the originals' size at once").toEqual(["3000px", "1200px"]);
    expect(pending.map((p) => p.src), "the originals are asked for").toEqual([
      `byline://localhost/original/${"ab".repeat(32)}`,
      `byline://localhost/original/${"cd".repeat(32)}`,
    ]);
    pending[0].resolve();
    await tick();
    expect(imgs().map((i) => i.dataset.full), "the first original replaced its stand-in").toEqual(["original", "preview"]);
    expect(document.querySelector<HTMLElement>("#compare")!.dataset.full, "not both originals yet").toBe("preview");
    pending[1].resolve();
    await tick();
    expect(imgs().map((i) => i.dataset.full)).toEqual(["original", "original"]);
    expect(document.querySelector<HTMLElement>("#compare")!.dataset.full, "both panes show originals").toBe("original");
    document.querySelector<HTMLButtonElement>("#compare-zoom")!.click();
    expect(imgs().map((i) => [i.dataset.full, i.style.width]), "fit goes back to the previews, unsized").toEqual([
      ["preview", ""],
      ["preview", ""],
    ]);
  });

  it("keeps the stretched preview when the original cannot be shown (HEIC, TIFF)", async () => {
    openCompare(photo("ab", 3000, 2000), photo("cd", 4000, 3000));
    document.querySelector<HTMLButtonElement>("#compare-zoom")!.click();
    pending[0].reject();
    pending[1].resolve();
    await tick();
    expect(imgs().map((i) => [i.dataset.full, i.style.width])).toEqual([
      ["preview", "3000px"],
      ["original", "4000px"],
    ]);
  });
});
