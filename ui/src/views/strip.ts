// Pure helpers of the editor's side panel, kept apart so they are unit-tested without a window.
import type { Finding } from "../bindings/Finding";
import type { PhotoView } from "../bindings/PhotoView";

/** Lowercase, no diacritics, đ → d: how the photo strip's filter compares (like story search). */
export function fold(s: string): string {
  return s
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase();
}

/**
 * The photos the strip shows: those whose caption, file name, credit, creator, city or keywords
 * contain every word of `query` (accents optional), newest import first, at most `max`.
 */
export function filterPhotos(photos: PhotoView[], query: string, max: number): PhotoView[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  const hay = (p: PhotoView) =>
    fold([p.caption, p.original_name, p.credit, p.creator, p.city, ...p.keywords].join(" "));
  return photos
    .filter((p) => words.every((w) => hay(p).includes(w)))
    .sort((a, b) => b.imported_at.localeCompare(a.imported_at))
    .slice(0, max);
}

/** Spelling findings a newsroom may accept as a word (a name, a term) offer "add to word list". */
export function canAddToWordList(f: Finding): boolean {
  return (f.rule === "spelling" || f.rule === "unknown-name") && f.text.trim() !== "";
}
