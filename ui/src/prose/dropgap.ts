// Where a photo dragged over the story body lands: the gap between two top-level blocks that a
// pointer's y-coordinate points at, and where the drop indicator line for that gap is drawn.
// Pure geometry on the blocks' vertical extents (client coordinates, top to bottom), so it is
// tested without a layout engine.

export interface Span {
  top: number;
  bottom: number;
}

/**
 * The gap `y` falls into: 0 is before the first block, `blocks.length` after the last, `i`
 * between blocks i-1 and i. Over a block, its upper half means the gap above it and its lower
 * half the gap below, so the line always appears at the block edge nearest the pointer.
 */
export function gapAt(blocks: readonly Span[], y: number): number {
  for (let i = 0; i < blocks.length; i++) {
    if (y < (blocks[i].top + blocks[i].bottom) / 2) return i;
  }
  return blocks.length;
}

/**
 * The y of the indicator line for `gap`: midway between the block above and the block below
 * (block margins make that the visual gap), just above the first block or just below the last.
 */
export function gapLine(blocks: readonly Span[], gap: number, edge = 4): number {
  if (!blocks.length) return 0;
  if (gap <= 0) return blocks[0].top - edge;
  if (gap >= blocks.length) return blocks[blocks.length - 1].bottom + edge;
  return (blocks[gap - 1].bottom + blocks[gap].top) / 2;
}

/** How far (px) a pressed pointer must move before it is a drag and not a click. */
export const DRAG_THRESHOLD = 5;

/** True once the pointer has moved at least `threshold` px from where it was pressed. */
export function isDrag(dx: number, dy: number, threshold = DRAG_THRESHOLD): boolean {
  return dx * dx + dy * dy >= threshold * threshold;
}

/**
 * Scroll speed (px per frame, negative = up) while a drag hovers near the top or bottom edge of
 * the scrolling paper, so a photo can be carried to a paragraph that is off screen: faster the
 * closer to the edge, zero outside the `zone`.
 */
export function edgeScroll(y: number, top: number, bottom: number, zone = 48, max = 18): number {
  if (bottom - top <= 2 * zone) return 0;
  if (y < top + zone) return -Math.ceil((max * Math.min(zone, top + zone - y)) / zone);
  if (y > bottom - zone) return Math.ceil((max * Math.min(zone, y - (bottom - zone))) / zone);
  return 0;
}
