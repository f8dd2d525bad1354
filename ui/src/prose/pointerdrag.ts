// Dragging something into a gap between the story body's blocks with pointer events: a photo from
// the editor's strip (views/photodrag.ts) or a block of the body by its drag handle (body.ts).
//
// HTML5 drag and drop is not usable here: the window takes OS file drops (`dragDropEnabled`, for
// photo folders), and WebView2 on Windows then turns page drag and drop off entirely. Pointer
// events work the same in WebKitGTK, WKWebView and WebView2: press on an item, move past a small
// threshold (below it, the press stays a click), a ghost follows the pointer, a line shows the
// gap between blocks the item will land in, release drops it there, Escape (or leaving the body)
// cancels.
import { edgeScroll, isDrag } from "./dropgap";

/** What the story body offers a drag (StoryBody implements it). */
export interface DropTarget {
  dropGap(x: number, y: number): number | null;
  showDropLine(gap: number | null): void;
}

export interface PointerDragDeps {
  /** The body the item can be dropped into (null while none is mounted). */
  target: () => DropTarget | null;
  /** The scrolling container around the body, scrolled while the pointer is near its edges. */
  scroller: () => HTMLElement | null;
  /** Drops the item with `key` into `gap` of the target. */
  drop: (key: string, gap: number) => void;
}

export interface PointerDragOptions extends PointerDragDeps {
  /** The draggable item a press on `el` picks up, or null when `el` is not on one. */
  item: (el: Element) => HTMLElement | null;
  /** What the drop receives for `item` (a photo id, a block id); null: nothing to drag. */
  key: (item: HTMLElement) => string | null;
  /** Fills the ghost that follows the pointer. */
  ghost: (item: HTMLElement, ghost: HTMLElement) => void;
  /** Whether dropping `key` into `gap` would change anything (no line where it would not). */
  accepts?: (key: string, gap: number) => boolean;
  /** Set on `<body>` while dragging (cursor, no text selection). */
  bodyClass: string;
}

interface Press {
  key: string;
  item: HTMLElement;
  pointerId: number;
  x: number;
  y: number;
  dragging: boolean;
  ghost: HTMLElement | null;
  gap: number | null;
  scroll: number;
  frame: number;
  cancelled: boolean;
}

/**
 * Makes the items inside `root` draggable into the body. Listeners sit on `root` itself, so
 * items re-rendered later need nothing new.
 */
export function enablePointerDrag(root: HTMLElement, opts: PointerDragOptions): void {
  let press: Press | null = null;
  // The click that ends a drag must not also act as a click on the item (a pick, a button).
  let swallowClick = false;

  const moveGhost = (p: Press, x: number, y: number) => {
    if (p.ghost) p.ghost.style.transform = `translate(${Math.round(x + 12)}px, ${Math.round(y + 12)}px)`;
  };

  const aim = (p: Press, x: number, y: number) => {
    const target = opts.target();
    const gap = target ? target.dropGap(x, y) : null;
    p.gap = gap !== null && (opts.accepts?.(p.key, gap) ?? true) ? gap : null;
    target?.showDropLine(p.gap);
    p.ghost?.classList.toggle("no-drop", p.gap === null);
    const box = opts.scroller()?.getBoundingClientRect();
    // Only over the paper: the side panel's edges are beside it at the same heights.
    p.scroll = box && x >= box.left && x <= box.right ? edgeScroll(y, box.top, box.bottom) : 0;
    if (p.scroll && !p.frame) p.frame = requestAnimationFrame(() => autoscroll(p, x, y));
  };

  // While the pointer rests near an edge no move events come: keep scrolling frame by frame.
  const autoscroll = (p: Press, x: number, y: number) => {
    p.frame = 0;
    const scroller = opts.scroller();
    if (press !== p || !p.dragging || !p.scroll || !scroller) return;
    scroller.scrollTop += p.scroll;
    aim(p, x, y);
  };

  const start = (p: Press) => {
    p.dragging = true;
    p.item.classList.add("dragging");
    document.body.classList.add(opts.bodyClass);
    const ghost = document.createElement("div");
    ghost.className = "drag-ghost";
    ghost.setAttribute("aria-hidden", "true");
    opts.ghost(p.item, ghost);
    document.body.append(ghost);
    p.ghost = ghost;
    window.addEventListener("keydown", onKey, true);
  };

  /** Ends the drag's visuals; drops the item when asked and the pointer is over a gap. */
  const stop = (p: Press, drop: boolean) => {
    if (!p.dragging) return;
    const gap = p.gap;
    p.dragging = false;
    opts.target()?.showDropLine(null);
    p.ghost?.remove();
    p.ghost = null;
    p.item.classList.remove("dragging");
    document.body.classList.remove(opts.bodyClass);
    window.removeEventListener("keydown", onKey, true);
    cancelAnimationFrame(p.frame);
    p.frame = 0;
    swallowClick = true;
    // A click follows pointerup only when both happened on the item; clear the flag anyway.
    setTimeout(() => (swallowClick = false), 0);
    if (drop && gap !== null) opts.drop(p.key, gap);
  };

  /** The press is over (button released, cancelled by the system, or capture lost). */
  const release = (p: Press, drop: boolean) => {
    stop(p, drop);
    if (p.item.hasPointerCapture(p.pointerId)) p.item.releasePointerCapture(p.pointerId);
    press = null;
  };

  function onKey(e: KeyboardEvent) {
    if (e.key !== "Escape" || !press?.dragging) return;
    e.preventDefault();
    e.stopPropagation();
    stop(press, false);
    // The button is still down and the item keeps the capture (so the release is seen), but
    // this press never becomes a drag again.
    press.cancelled = true;
  }

  root.addEventListener("pointerdown", (e) => {
    if (e.button !== 0 || !e.isPrimary) return;
    const item = opts.item(e.target as Element);
    if (!item || !root.contains(item)) return;
    const key = opts.key(item);
    if (key === null) return;
    if (press) release(press, false);
    press = {
      key,
      item,
      pointerId: e.pointerId,
      x: e.clientX,
      y: e.clientY,
      dragging: false,
      ghost: null,
      gap: null,
      scroll: 0,
      frame: 0,
      cancelled: false,
    };
    // Every move reaches the item, even outside the root or the window.
    item.setPointerCapture(e.pointerId);
  });
  root.addEventListener("pointermove", (e) => {
    const p = press;
    if (!p || e.pointerId !== p.pointerId) return;
    if (!p.dragging) {
      if (p.cancelled || !isDrag(e.clientX - p.x, e.clientY - p.y)) return;
      start(p);
    }
    e.preventDefault();
    moveGhost(p, e.clientX, e.clientY);
    aim(p, e.clientX, e.clientY);
  });
  root.addEventListener("pointerup", (e) => {
    if (!press || e.pointerId !== press.pointerId) return;
    // The item lands where the button comes up, even if no move was reported there.
    if (press.dragging) aim(press, e.clientX, e.clientY);
    release(press, true);
  });
  for (const type of ["pointercancel", "lostpointercapture"] as const)
    root.addEventListener(type, (e) => {
      if (press && e.pointerId === press.pointerId) release(press, false);
    });
  root.addEventListener(
    "click",
    (e) => {
      if (!swallowClick) return;
      swallowClick = false;
      e.stopPropagation();
      e.preventDefault();
    },
    true,
  );
}
