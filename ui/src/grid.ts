// Window maths of the virtualised photo grid: which rows are in the DOM for a scroll position.
export interface GridWindow {
  columns: number;
  rows: number;
  firstRow: number;
  lastRow: number; // exclusive
  first: number; // first item index rendered
  last: number; // exclusive
  totalHeight: number;
  offsetY: number;
}

export function gridWindow(
  count: number,
  width: number,
  viewport: number,
  scrollTop: number,
  cell: number,
  gap: number,
  overscan = 2,
): GridWindow {
  const columns = Math.max(1, Math.floor((width + gap) / (cell + gap)));
  const rows = Math.ceil(count / columns);
  const rowH = cell + gap;
  const firstRow = Math.max(0, Math.floor(scrollTop / rowH) - overscan);
  const lastRow = Math.min(rows, Math.ceil((scrollTop + viewport) / rowH) + overscan);
  return {
    columns,
    rows,
    firstRow,
    lastRow,
    first: firstRow * columns,
    last: Math.min(count, lastRow * columns),
    totalHeight: Math.max(0, rows * rowH - gap),
    offsetY: firstRow * rowH,
  };
}

/** Where cell `index` sits inside the grid's sizer (absolute positioning, no grid relayout). */
export function cellOrigin(index: number, columns: number, cell: number, gap: number): { x: number; y: number } {
  const col = index % columns;
  const row = Math.floor(index / columns);
  return { x: col * (cell + gap), y: row * (cell + gap) };
}

/**
 * What a scroll step changes in the DOM: the indices to remove (rendered, now outside the window)
 * and to add (in the window, not yet rendered). Cells in both stay as they are, so a scroll by one
 * row touches one row's cells instead of rebuilding all of them (each rebuild re-decodes and
 * repaints every thumbnail, which is what dropped frames under software painting).
 */
export function windowDiff(rendered: Iterable<number>, first: number, last: number): { remove: number[]; add: number[] } {
  const have = new Set(rendered);
  const remove = [...have].filter((i) => i < first || i >= last);
  const add: number[] = [];
  for (let i = first; i < last; i++) if (!have.has(i)) add.push(i);
  return { remove, add };
}

/**
 * Scroll speed from the last few scroll positions, in px/s. The grid loads thumbnails only when the
 * user is looking, not while flinging through thousands of photos: decoding and scaling a dozen
 * new thumbnails per frame is what dropped frames, and a flung-past thumbnail is never seen.
 */
export class ScrollSpeed {
  private samples: { top: number; t: number }[] = [];

  constructor(private readonly windowMs = 100) {}

  /** Records a scroll position at time `t` (ms) and returns the speed over the last window. */
  sample(top: number, t: number): number {
    this.samples.push({ top, t });
    while (this.samples.length > 2 && t - this.samples[0].t > this.windowMs) this.samples.shift();
    const first = this.samples[0];
    const dt = t - first.t;
    return dt > 0 ? (Math.abs(top - first.top) * 1000) / dt : 0;
  }

  reset(): void {
    this.samples = [];
  }
}

/** Fast enough that thumbnails wait: more than `viewports` screenfuls a second. */
export function isFling(speedPxPerS: number, viewport: number, viewports = 3): boolean {
  return speedPxPerS > viewports * Math.max(1, viewport);
}
