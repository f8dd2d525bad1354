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
