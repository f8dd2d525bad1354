import { describe, expect, it } from "vitest";
import { Slice } from "prosemirror-model";
import { NodeSelection, TextSelection } from "prosemirror-state";
import type { Block } from "../src/bindings/Block";
import { PHOTO_MIME, StoryBody } from "../src/prose/body";

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
  });
  return { body, changes, el };
}

/** A stand-in for the browser's DataTransfer with the few members ProseMirror reads. */
function transfer(data: Record<string, string>) {
  return { getData: (t: string) => data[t] ?? "", types: Object.keys(data) } as unknown as DataTransfer;
}

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

  it("turns a photo dropped from the strip into a figure with the library caption", () => {
    const { body, changes } = mount([
      { id: "p1", type: "paragraph", text: "Đoạn một" },
      { id: "p2", type: "paragraph", text: "Đoạn hai" },
    ]);
    const v = body.view;
    // jsdom has no layout: the drop point is the document's end.
    v.posAtCoords = () => null;
    const event = { dataTransfer: transfer({ [PHOTO_MIME]: photo.id }), clientX: 0, clientY: 0, preventDefault() {} } as unknown as DragEvent;
    const handled = v.someProp("handleDrop", (f) => f(v, event, Slice.empty, false));
    expect(handled).toBe(true);
    const blocks = changes.at(-1)!;
    expect(blocks.map((b) => b.type)).toEqual(["paragraph", "paragraph", "figure"]);
    expect(blocks[2]).toMatchObject({ type: "figure", photo_id: photo.id, caption: photo.caption, credit: photo.credit });
    expect(v.state.selection instanceof NodeSelection, "the new figure is selected").toBe(true);
    const img = v.dom.querySelector<HTMLImageElement>(".pm-figure img");
    expect(img?.getAttribute("src"), "the figure shows the photo's preview rendition").toBe(`byline://localhost/preview/${photo.id}`);
    body.destroy();
  });

  it("ignores drops that are not library photos (OS files are the window's job)", () => {
    const { body, changes } = mount([{ id: "p1", type: "paragraph", text: "Đoạn" }]);
    const v = body.view;
    const event = { dataTransfer: transfer({ "text/uri-list": "file:///tmp/a.jpg" }), preventDefault() {} } as unknown as DragEvent;
    expect(v.someProp("handleDrop", (f) => f(v, event, Slice.empty, false))).toBeFalsy();
    expect(changes).toEqual([]);
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
