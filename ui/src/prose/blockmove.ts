// Moving a top-level block of the story body to another gap between blocks (the drag handle) and
// which block a pointer is beside (where the handle shows). Pure index arithmetic, tested alone.
import type { Span } from "./dropgap";

/**
 * The index the block at `from` has once dropped into `gap` (gaps numbered in the document as
 * it is before the move: 0 before the first block, `count` after the last), or null when the drop
 * changes nothing: the gaps right above and right below a block are its own place.
 */
export function moveTarget(count: number, from: number, gap: number): number | null {
  if (!Number.isInteger(from) || !Number.isInteger(gap)) return null;
  if (from < 0 || from >= count || gap < 0 || gap > count) return null;
  if (gap === from || gap === from + 1) return null;
  // Removing the block first shifts every gap below it up by one.
  return gap > from ? gap - 1 : gap;
}

/**
 * The block a pointer at height `y` is beside: the one whose extent holds it, a margin counting
 * for the block below it, above the first block the first, below the last the last; -1 without
 * blocks.
 */
export function blockAt(blocks: readonly Span[], y: number): number {
  for (let i = 0; i < blocks.length; i++) {
    if (y <= blocks[i].bottom) return i;
  }
  return blocks.length - 1;
}
