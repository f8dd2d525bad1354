import { beforeAll, describe, expect, it } from "vitest";
import { installPointerCapture, pointer } from "./pointer";
import { Slice } from "prosemirror-model";
import { NodeSelection, TextSelection } from "prosemirror-state";
import type { Block } from "../src/bindings/Block";
import { StoryBody } from "../src/prose/body";

const photo = { id: "ab".repeat(32), caption: "Toàn cảnh hội nghị", credit: "Ảnh: Cảnh Toàn" };

function mount(blocks: Block[], cleaned: string[] = []) {
  const changes: Block[][] = [];
  const el = document.createElement("div");
  document.body.append(el);
  const body = new StoryBody(el, blocks, {
    renditionUrl: (kind, id) => `byline://localhost/${kind}/${id}`,
    // Stands in for the Rust cleanup (`clean_paste`): records what it was given.
    cleanPaste: async (t) => {
      cleaned.push(t);
      return t.replace(/\u200b/g, "").replace(/\s+/g, " ").trim();
    },
    onChange: (b) => changes.push(b),
    photo: (id) => (id === photo.id ? photo : undefined),
    label: "Nội dung",
    placeholder: "Viết nội dung bài…",
    handleLabel: "Kéo để di chuyển",
  });
  return { body, changes, el };
}

/** A stand-in for the browser's DataTransfer with the few members ProseMirror reads. */
function transfer(data: Record<string, string>) {
  return { getData: (t: string) => data[t] ?? "", types: Object.keys(data) } as unknown as DataTransfer;
}

/** jsdom has no layout: gives the mount, the body and each top-level block a place on screen. */
function layout(body: StoryBody, mount: HTMLElement, blocks: [number, number][]) {
  const rect = (left: number, top: number, right: number, bottom: number) =>
    () => ({ left, top, right, bottom, x: left, y: top, width: right - left, height: bottom - top }) as DOMRect;
  mount.getBoundingClientRect = rect(200, 100, 800, 220);
  body.view.dom.getBoundingClientRect = rect(200, 100, 800, 200);
  blocks.forEach(([top, bottom], i) => {
    let pos = 0;
    for (let j = 0; j < i; j++) pos += body.view.state.doc.child(j).nodeSize;
    (body.view.nodeDOM(pos) as HTMLElement).getBoundingClientRect = rect(210, top, 790, bottom);
  });
}

beforeAll(installPointerCapture);

const frame = () => new Promise((r) => requestAnimationFrame(r));

describe("the story body editor", () => {
  it("sends pasted text through the paste cleanup before inserting it", async () => {
    const cleaned: string[] = [];
    const { body, changes } = mount([{ id: "p1", type: "paragraph", text: "Hà Nội " }], cleaned);
    const v = body.view;
    v.dispatch(v.state.tr.setSelection(TextSelection.atEnd(v.state.doc)));
    const event = { clipboardData: transfer({ "text/plain": "mưa\u200b  to " }), preventDefault() {} } as unknown as ClipboardEvent;
    const handled = v.someProp("handlePaste", (f) => f(v, event, Slice.empty));
    expect(handled, "the editor takes over the paste").toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(cleaned, "the raw clipboard text went to the cleanup").toEqual(["mưa\u200b  to "]);
    expect(changes.at(-1), "the cleaned text is what lands in the block").toEqual([
      { id: "p1", type: "paragraph", text: "Hà Nội mưa to" },
    ]);
    body.destroy();
  });

  it("drops a photo into the gap between blocks the pointer points at, as a figure with the library caption and credit", () => {
    const { body, changes, el } = mount([
      { id: "p1", type: "paragraph", text: "Đoạn một" },
      { id: "p2", type: "paragraph", text: "Đoạn hai" },
    ]);
    layout(body, el, [
      [100, 140],
      [152, 192],
    ]);
    expect(body.dropGap(300, 104), "the top of the first paragraph is the gap before it").toBe(0);
    expect(body.dropGap(300, 150), "between the paragraphs").toBe(1);
    expect(body.dropGap(300, 185), "the lower half of the last paragraph is the gap after it").toBe(2);
    expect(body.dropGap(900, 104), "beside the body is no drop").toBeNull();
    expect(body.dropGap(300, 400), "far below the body is no drop").toBeNull();

    body.insertPhotoAt(photo, 0);
    const blocks = changes.at(-1)!;
    expect(blocks.map((b) => b.type)).toEqual(["figure", "paragraph", "paragraph"]);
    expect(blocks[0]).toMatchObject({ type: "figure", photo_id: photo.id, caption: photo.caption, credit: photo.credit });
    expect(blocks.slice(1).map((b) => b.id), "the paragraphs keep their ids").toEqual(["p1", "p2"]);
    expect(body.view.state.selection instanceof NodeSelection, "the new figure is selected").toBe(true);
    const img = body.view.dom.querySelector<HTMLImageElement>(".pm-figure img");
    expect(img?.getAttribute("src"), "the figure shows the photo's preview rendition").toBe(`byline://localhost/preview/${photo.id}`);

    body.insertPhotoAt(photo, 3);
    expect(changes.at(-1)!.map((b) => b.type), "the last gap appends").toEqual(["figure", "paragraph", "paragraph", "figure"]);
    body.destroy();
  });

  it("moves a figure to the end by its drag handle as the same block, and not at all onto its own place", async () => {
    const figure: Block = { id: "f1", type: "figure", photo_id: photo.id, caption: photo.caption, credit: photo.credit };
    const { body, changes, el } = mount([
      { id: "p1", type: "paragraph", text: "Đoạn một" },
      figure,
      { id: "p2", type: "paragraph", text: "Đoạn hai" },
    ]);
    layout(body, el, [
      [100, 140],
      [152, 172],
      [180, 200],
    ]);
    const handle = el.querySelector<HTMLButtonElement>(".block-handle")!;
    expect(handle.getAttribute("aria-label"), "the handle has an accessible name").toBe("Kéo để di chuyển");
    expect(handle.hidden, "no handle before the pointer comes").toBe(true);
    pointer(el, "pointermove", 190, 160);
    await frame();
    expect(handle.hidden, "hovering the figure shows its handle").toBe(false);
    expect(handle.dataset.id).toBe("f1");
    expect(handle.style.top, "level with the figure's top, relative to the mount").toBe("52px");

    // Released right below itself: no change, no undo step.
    pointer(handle, "pointerdown", 175, 155, { buttons: 1 });
    pointer(handle, "pointermove", 300, 176, { buttons: 1 });
    expect(document.querySelector(".drop-line"), "its own place shows no drop line").toBeNull();
    expect(document.querySelector(".drag-ghost img")?.getAttribute("src"), "the ghost shows the photo").toBe(`byline://localhost/thumb/${photo.id}`);
    pointer(handle, "pointerup", 300, 176);
    expect(changes, "dropping a block at its own place changes nothing").toEqual([]);
    expect(body.canUndo()).toBe(false);

    pointer(handle, "pointerdown", 175, 155, { buttons: 1 });
    pointer(handle, "pointermove", 300, 190, { buttons: 1 });
    pointer(handle, "pointermove", 300, 199, { buttons: 1 });
    expect(el.querySelector<HTMLElement>(".drop-line")?.dataset.gap, "the line under the last paragraph").toBe("3");
    expect(document.body.classList.contains("block-dragging")).toBe(true);
    pointer(handle, "pointerup", 300, 199);
    expect(changes.length, "one change").toBe(1);
    expect(changes[0], "the figure last, the same block with the same id, nothing duplicated").toEqual([
      { id: "p1", type: "paragraph", text: "Đoạn một" },
      { id: "p2", type: "paragraph", text: "Đoạn hai" },
      figure,
    ]);
    expect(document.querySelector(".drag-ghost, .drop-line"), "the drag's visuals are gone").toBeNull();
    expect(document.body.classList.contains("block-dragging")).toBe(false);
    body.destroy();
  });

  it("moves the block with the focused handle on ↑ and ↓", async () => {
    const { body, changes, el } = mount([
      { id: "p1", type: "paragraph", text: "Đoạn một" },
      { id: "p2", type: "paragraph", text: "Đoạn hai" },
    ]);
    layout(body, el, [
      [100, 140],
      [152, 192],
    ]);
    pointer(el, "pointermove", 190, 110);
    await frame();
    const handle = el.querySelector<HTMLButtonElement>(".block-handle")!;
    expect(handle.dataset.id).toBe("p1");
    handle.focus();
    handle.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true, cancelable: true }));
    expect(changes.at(-1)!.map((b) => b.id), "the first paragraph moved down").toEqual(["p2", "p1"]);
    await frame();
    expect(handle.dataset.id, "the focused handle stays with its block").toBe("p1");
    handle.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true, cancelable: true }));
    expect(changes.length, "the last block goes no further down").toBe(1);
    body.destroy();
  });

  it("draws the drop line in the gap and takes it away", () => {
    const { body, el } = mount([
      { id: "p1", type: "paragraph", text: "Đoạn một" },
      { id: "p2", type: "paragraph", text: "Đoạn hai" },
    ]);
    layout(body, el, [
      [100, 140],
      [152, 192],
    ]);
    body.showDropLine(1);
    const line = el.querySelector<HTMLElement>(".drop-line");
    expect(line?.style.top, "midway between the blocks, relative to the body's mount").toBe("46px");
    expect(line?.dataset.gap).toBe("1");
    body.showDropLine(null);
    expect(el.querySelector(".drop-line")).toBeNull();
    body.destroy();
  });

  it("writes a caption typed in the figure into the block (the photo's shared caption)", () => {
    const { body, changes, el } = mount([
      { id: "f1", type: "figure", photo_id: photo.id, caption: "Cũ", credit: "" },
    ]);
    const cap = el.querySelector<HTMLTextAreaElement>(".fig-caption")!;
    cap.value = "Toàn cảnh hội nghị sáng 18/6";
    cap.dispatchEvent(new Event("input"));
    expect(changes.at(-1)).toEqual([
      { id: "f1", type: "figure", photo_id: photo.id, caption: "Toàn cảnh hội nghị sáng 18/6", credit: "" },
    ]);
    body.destroy();
  });
});
