import { beforeAll, describe, expect, it } from "vitest";
import { installPointerCapture, pointer } from "./pointer";
import { enablePhotoDrag } from "../src/views/photodrag";

beforeAll(installPointerCapture);

function setup() {
  const strip = document.createElement("div");
  strip.innerHTML = `<div class="strip-item" data-id="ph1"><img src="byline://localhost/thumb/ph1"></div>`;
  document.body.replaceChildren(strip);
  const item = strip.querySelector<HTMLElement>("[data-id]")!;
  const lines: (number | null)[] = [];
  const drops: [string, number][] = [];
  const clicks: string[] = [];
  item.addEventListener("click", () => clicks.push("pick"));
  enablePhotoDrag(strip, {
    // The body: right of x = 500, one gap per 100 px of height.
    target: () => ({
      dropGap: (x, y) => (x > 500 ? Math.floor(y / 100) : null),
      showDropLine: (gap) => lines.push(gap),
    }),
    scroller: () => null,
    drop: (id, gap) => drops.push([id, gap]),
  });
  const ghost = () => document.querySelector(".drag-ghost");
  return { item, lines, drops, clicks, ghost };
}

describe("dragging a photo from the strip with the pointer", () => {
  it("keeps a press that barely moves a click that picks the photo", () => {
    const { item, drops, clicks, ghost } = setup();
    pointer(item, "pointerdown", 10, 10);
    pointer(item, "pointermove", 13, 12);
    expect(ghost(), "no drag below the threshold").toBeNull();
    pointer(item, "pointerup", 13, 12);
    item.click();
    expect(drops).toEqual([]);
    expect(clicks, "the click still picks").toEqual(["pick"]);
  });

  it("shows a ghost and the drop line while moving, and drops into the gap under the pointer", () => {
    const { item, lines, drops, clicks, ghost } = setup();
    pointer(item, "pointerdown", 10, 10);
    pointer(item, "pointermove", 200, 40);
    expect(ghost()?.querySelector("img")?.getAttribute("src"), "the ghost shows the thumbnail").toBe("byline://localhost/thumb/ph1");
    expect(document.body.classList.contains("photo-dragging")).toBe(true);
    expect(lines.at(-1), "not over the body yet: no line").toBeNull();
    expect(ghost()?.classList.contains("no-drop")).toBe(true);
    pointer(item, "pointermove", 600, 150);
    pointer(item, "pointermove", 600, 250);
    expect(lines.at(-1), "the line follows the pointer").toBe(2);
    expect(ghost()?.classList.contains("no-drop")).toBe(false);
    pointer(item, "pointerup", 600, 250);
    item.click();
    expect(drops, "the photo lands in the gap shown").toEqual([["ph1", 2]]);
    expect(lines.at(-1), "the line is gone").toBeNull();
    expect(ghost(), "the ghost is gone").toBeNull();
    expect(document.body.classList.contains("photo-dragging")).toBe(false);
    expect(clicks, "the end of a drag is not a pick").toEqual([]);
    expect(item.hasPointerCapture(1), "the capture is released").toBe(false);
  });

  it("drops nothing when released beside the body", () => {
    const { item, drops } = setup();
    pointer(item, "pointerdown", 10, 10);
    pointer(item, "pointermove", 600, 250);
    pointer(item, "pointermove", 300, 250);
    pointer(item, "pointerup", 300, 250);
    expect(drops).toEqual([]);
  });

  it("cancels on Escape and does not start again before the button is released", () => {
    const { item, lines, drops, ghost } = setup();
    pointer(item, "pointerdown", 10, 10);
    pointer(item, "pointermove", 600, 250);
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true }));
    expect(ghost(), "Escape removes the ghost").toBeNull();
    expect(lines.at(-1), "and the line").toBeNull();
    pointer(item, "pointermove", 620, 350);
    expect(ghost(), "moving on does not restart the drag").toBeNull();
    pointer(item, "pointerup", 620, 350);
    expect(drops, "nothing dropped").toEqual([]);
    pointer(item, "pointerdown", 10, 10);
    pointer(item, "pointermove", 600, 150);
    pointer(item, "pointerup", 600, 150);
    expect(drops, "the next press drags again").toEqual([["ph1", 1]]);
  });

  it("ignores the right button", () => {
    const { item, ghost } = setup();
    pointer(item, "pointerdown", 10, 10, { button: 2 });
    pointer(item, "pointermove", 600, 250);
    expect(ghost()).toBeNull();
  });
});
