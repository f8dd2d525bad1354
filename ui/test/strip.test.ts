import { describe, expect, it } from "vitest";
import type { Finding } from "../src/bindings/Finding";
import type { PhotoView } from "../src/bindings/PhotoView";
import { canAddToWordList, filterPhotos, fold } from "../src/views/strip";

const photo = (id: string, caption: string, imported_at: string): PhotoView =>
  ({ id, caption, original_name: `${id}.jpg`, credit: "", creator: "", city: "Vinh", keywords: [], imported_at }) as unknown as PhotoView;

describe("photo strip", () => {
  const all = [
    photo("a", "Toàn cảnh hội nghị", "2024-06-18T10:00:00Z"),
    photo("b", "Lãnh đạo LĐLĐ tỉnh phát biểu", "2024-06-18T11:00:00Z"),
    photo("c", "Đại diện đoàn công tác", "2024-06-18T09:00:00Z"),
  ];

  it("filters ignoring case and accents (đ matches d), newest first", () => {
    expect(fold("Đoàn")).toBe("doan");
    expect(filterPhotos(all, "doan", 10).map((p) => p.id)).toEqual(["c"]);
    expect(filterPhotos(all, "", 10).map((p) => p.id)).toEqual(["b", "a", "c"]);
    expect(filterPhotos(all, "vinh hoi", 10).map((p) => p.id), "every word must match").toEqual(["a"]);
  });

  it("caps what it shows", () => {
    expect(filterPhotos(all, "", 2)).toHaveLength(2);
  });
});

describe("copy desk", () => {
  const f = (rule: string, text: string) => ({ rule, text }) as unknown as Finding;
  it("offers “add to word list” on spelling findings only", () => {
    expect(canAddToWordList(f("spelling", "xyzô"))).toBe(true);
    expect(canAddToWordList(f("unknown-name", "Smithers"))).toBe(true);
    expect(canAddToWordList(f("double-space", "  "))).toBe(false);
    expect(canAddToWordList(f("spelling", " "))).toBe(false);
  });
});
