// Culling marks as the keyboard gives them (Lightroom's keys): 0–5 stars, 6–9 colour labels
// (6 red, 7 yellow, 8 green, 9 blue; the same key again clears it), T tag, X reject. Pure: the
// loupe and the grid turn a key into a `MarkEdit` here and send it through `api.markPhotos`.
import type { Label, MarkEdit, PhotoView } from "./api";

export const LABEL_KEYS: Record<string, Label> = { "6": "red", "7": "yellow", "8": "green", "9": "blue" };

/** The edit a key asks for on `p` (toggles read its current marks), or null for other keys. */
export function editForKey(key: string, p: Pick<PhotoView, "label" | "tagged" | "rejected">): MarkEdit | null {
  if (/^[0-5]$/.test(key)) return { rating: Number(key) };
  const label = LABEL_KEYS[key];
  if (label) return { label: p.label === label ? null : label };
  const k = key.toLowerCase();
  if (k === "t") return { tagged: !p.tagged };
  if (k === "x") return { rejected: !p.rejected };
  return null;
}

/** "★★★☆☆" for a rating. */
export function stars(rating: number): string {
  return "★".repeat(rating) + "☆".repeat(Math.max(0, 5 - rating));
}
