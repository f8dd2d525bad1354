import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { dispatch, resetLive } from "../src/live";
import { photosView } from "../src/views/photos";

afterEach(() => {
  clearMocks();
  resetLive();
  document.body.replaceChildren();
});

// jsdom lays nothing out: the grid's size observer has nothing to report.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
} as unknown as typeof ResizeObserver;

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
const photo = (i: number, caption = "") => ({
  id: String(i).repeat(64),
  width: 3000,
  height: 2000,
  caption,
  creator: "",
  credit: "",
  city: "",
  country: "",
  keywords: [],
  original_name: `IMG_${i}.JPG`,
  rating: 0,
  label: null,
  tagged: false,
  rejected: false,
});

describe("the photo desk's caption panel", () => {
  it("keeps a caption being typed when the selected photos change underneath, and applies it", async () => {
    let rows = [photo(1), photo(2)];
    const applied: unknown[] = [];
    mockIPC((cmd, args) => {
      switch (cmd) {
        case "photo_filter":
          return { sort: "imported_desc" };
        case "find_photos":
          return rows;
        case "list_stories":
          return [];
        case "caption_photos": {
          const a = args as { ids: string[]; edit: { caption: string | null } };
          applied.push(a.edit);
          rows = rows.map((p) => (a.ids.includes(p.id) ? { ...p, caption: a.edit.caption ?? p.caption } : p));
          return rows.filter((p) => a.ids.includes(p.id));
        }
        default:
          return null;
      }
    });
    const v = await photosView();
    document.body.append(v.el);
    const grid = v.el.querySelector<HTMLElement>("#photo-grid")!;
    grid.dispatchEvent(new KeyboardEvent("keydown", { key: "a", ctrlKey: true, bubbles: true }));
    await tick(10);
    const caption = () => v.el.querySelector<HTMLTextAreaElement>("#ph-caption")!;
    caption().value = "Người dân đi lại khó khăn trong mưa lớn";
    caption().dispatchEvent(new Event("input"));

    // Something else changed both selected photos meanwhile (a city set from a story).
    const before = caption();
    rows = rows.map((p) => ({ ...p, city: "Hà Nội" }));
    dispatch({ type: "photos_changed", ids: rows.map((p) => p.id) });
    await tick(300);
    expect(caption(), "the field being typed in is kept, not rebuilt (its focus stays)").toBe(before);
    expect(caption().value, "what was typed is still there").toBe("Người dân đi lại khó khăn trong mưa lớn");
    expect(v.el.querySelector<HTMLInputElement>("#ph-city")!.value, "the untouched fields show the change").toBe("Hà Nội");

    v.el.querySelector<HTMLButtonElement>("#apply-captions")!.click();
    await tick(10);
    expect(applied, "the typed caption is what gets applied").toEqual([
      expect.objectContaining({ caption: "Người dân đi lại khó khăn trong mưa lớn" }),
    ]);
    await v.leave!();
  });
});
