// The loupe: one photo over the whole window, culled from the keyboard (←/→, 0–5, 6–9, T, X,
// Space or Escape back to the grid). The previews of the neighbours are decoded ahead, so the
// next photo paints at once. And two-up compare: two photos side by side, zoom to 100 % and pan
// both together (a click toggles fit / 100 % at that point; dragging pans both); at 100 % the
// panes show the original files' own pixels.
import * as api from "../api";
import { h } from "../dom";
import { errorDetail, errorText } from "../errors";
import { t } from "../i18n";
import { editForKey, stars } from "../marks";
import { toast } from "../router";

/** How many photos are decoded ahead in the direction of travel, and kept behind. */
const AHEAD = 3;
const BEHIND = 1;

export interface LoupeHost {
  photos: () => api.PhotoView[];
  /** A photo's marks changed: the grid repaints that cell. */
  updated: (v: api.PhotoView) => void;
  /** The loupe closed on photo `index`: the grid puts its cursor there. */
  closed: (index: number) => void;
}

/** Decoded previews by photo id, kept for the current photo and its neighbours. */
const cache = new Map<string, HTMLImageElement>();

function preview(id: string): HTMLImageElement {
  let img = cache.get(id);
  if (!img) {
    img = new Image();
    // Decoded ahead by decode(): painting it must use those pixels in the key's own frame, not
    // schedule another asynchronous decode and paint the photo a frame or more later.
    img.decoding = "sync";
    img.src = api.renditionUrl("preview", id);
    img.className = "loupe-img";
    img.alt = "";
    void img.decode().catch(() => undefined);
    cache.set(id, img);
  }
  return img;
}

function marksLine(p: api.PhotoView): HTMLElement {
  return h(
    "div",
    { class: "loupe-marks", id: "loupe-marks", "data-rating": String(p.rating), "data-label": p.label ?? "", "data-tagged": String(p.tagged), "data-rejected": String(p.rejected) },
    h("span", { class: "stars" }, stars(p.rating)),
    p.label ? h("span", { class: `label-dot label-${p.label}` }, t(`label_${p.label}`)) : null,
    p.tagged ? h("span", { class: "tag-mark" }, `✓ ${t("tagged")}`) : null,
    p.rejected ? h("span", { class: "reject-mark" }, `✕ ${t("rejected")}`) : null,
  );
}

/** Opens the loupe on photo `start`. */
export function openLoupe(start: number, host: LoupeHost): void {
  let index = start;
  /** +1 after →, -1 after ←: where the photographer is heading. */
  let step = 1;
  const stage = h("div", { class: "loupe-stage" });
  const info = h("div", { class: "loupe-info" });
  const root = h(
    "div",
    { class: "loupe", id: "loupe", tabindex: "0", role: "dialog", "aria-label": t("loupe") },
    stage,
    info,
  );

  function show() {
    const all = host.photos();
    if (!all.length) return close();
    index = Math.max(0, Math.min(all.length - 1, index));
    const p = all[index];
    const img = preview(p.id);
    img.dataset.id = p.id;
    stage.replaceChildren(img);
    root.dataset.id = p.id;
    root.dataset.index = String(index);
    info.replaceChildren(
      h("span", { class: "loupe-name" }, `${index + 1}/${all.length} · ${p.original_name}`),
      marksLine(p),
      h("span", { class: "muted small" }, t("loupeHint")),
    );
    // Keep the next photos in the direction of travel decoded (the nearest first) and the one
    // just left; forget the rest.
    const keep = new Set<string>();
    for (let k = 1; k <= AHEAD; k++) if (all[index + step * k]) keep.add(all[index + step * k].id);
    if (all[index - step * BEHIND]) keep.add(all[index - step * BEHIND].id);
    keep.add(p.id);
    for (const id of keep) preview(id);
    for (const id of [...cache.keys()]) if (!keep.has(id)) cache.delete(id);
  }

  function close() {
    root.remove();
    document.removeEventListener("keydown", onKey, true);
    host.closed(index);
  }

  // Marks go one after another: two quick keys (2 then 8) are two calls whose answers could
  // otherwise arrive in either order, the later answer showing the photo without the other mark.
  let marking: Promise<void> = Promise.resolve();
  function mark(edit: api.MarkEdit): Promise<void> {
    const p = host.photos()[index];
    marking = marking.then(async () => {
      try {
        const [v] = await api.markPhotos([p.id], edit);
        host.updated(v);
        show();
      } catch (e) {
        toast(errorText(e), "error", { detail: errorDetail(e) });
      }
    });
    return marking;
  }

  function onKey(e: KeyboardEvent) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const p = host.photos()[index];
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      step = e.key === "ArrowRight" ? 1 : -1;
      index += step;
      show();
    } else if (e.key === " " || e.key === "Escape") {
      close();
    } else {
      const edit = p ? editForKey(e.key, p) : null;
      if (!edit) return;
      void mark(edit);
    }
    e.preventDefault();
    e.stopPropagation();
  }

  document.addEventListener("keydown", onKey, true);
  document.body.append(root);
  show();
  root.focus();
}

/** One compare pane's image: the preview to fit, the original file at 100 % (its real pixels, not
 * the 1600 px preview upscaled). Until the original is decoded the preview stands in, stretched to
 * the original's size so the layout and the pan do not jump when it arrives. */
function comparePicture(p: api.PhotoView, onOriginal: () => void) {
  const alt = p.caption || p.original_name;
  const fit = h("img", { src: api.renditionUrl("preview", p.id), alt, draggable: "false", "data-full": "preview" }) as HTMLImageElement;
  let original: HTMLImageElement | null = null;
  let ready = false;
  let shown = fit;
  const swap = (next: HTMLImageElement) => {
    if (shown !== next) shown.replaceWith(next);
    shown = next;
  };
  const size = (img: HTMLImageElement, on: boolean) => {
    img.style.width = on ? `${p.width}px` : "";
    img.style.height = on ? `${p.height}px` : "";
  };
  return {
    element: fit,
    zoom(on: boolean) {
      size(fit, on);
      if (!on) return swap(fit);
      if (ready && original) return swap(original);
      if (original) return;
      const img = new Image();
      img.alt = alt;
      img.draggable = false;
      img.dataset.full = "original";
      img.src = api.renditionUrl("original", p.id);
      size(img, true);
      original = img;
      // A format the webview cannot show (HEIC, TIFF) has no original URL: the preview stays.
      img.decode().then(
        () => {
          ready = true;
          if (fit.style.width) swap(img);
          onOriginal();
        },
        () => undefined,
      );
    },
  };
}

/** Two photos side by side with zoom and pan kept in step; at 100 % both show their originals. */
export function openCompare(a: api.PhotoView, b: api.PhotoView): void {
  let zoomed = false;
  const pictures = [a, b].map((p) => comparePicture(p, () => zoomed && refit()));
  const panes = [a, b].map((p, i) => h("div", { class: "compare-pane", id: `compare-${i}`, "data-id": p.id }, pictures[i].element));
  // The name sits on the cell, outside the scrolling pane, so it stays in view while panning.
  const cells = [a, b].map((p, i) =>
    h("div", { class: "compare-cell" }, panes[i], h("div", { class: "compare-label" }, `${p.original_name} · ${stars(p.rating)}`)),
  );
  const zoomBtn = h("button", { class: "ghost", id: "compare-zoom" }, t("zoom100"));
  const root = h(
    "div",
    { class: "compare", id: "compare", role: "dialog", "aria-label": t("comparePhotos"), "data-zoom": "fit" },
    h("div", { class: "compare-bar" }, zoomBtn, h("button", { class: "ghost", id: "compare-close", onclick: () => close() }, t("backToGrid"))),
    h("div", { class: "compare-panes" }, ...cells),
  );

  // Both panes show the same point of their photo: pan positions are shared as fractions.
  function panTo(fx: number, fy: number) {
    for (const pane of panes) {
      pane.scrollLeft = fx * (pane.scrollWidth - pane.clientWidth);
      pane.scrollTop = fy * (pane.scrollHeight - pane.clientHeight);
    }
    root.dataset.panX = fx.toFixed(3);
    root.dataset.panY = fy.toFixed(3);
  }

  /** An original arrived in place of its stand-in: keep both panes on the same point. */
  function refit() {
    panTo(Number(root.dataset.panX ?? 0.5), Number(root.dataset.panY ?? 0.5));
    root.dataset.full = panes.every((pane) => pane.querySelector("img")?.dataset.full === "original") ? "original" : "preview";
  }

  function setZoom(on: boolean, fx = 0.5, fy = 0.5) {
    zoomed = on;
    root.dataset.zoom = on ? "100" : "fit";
    root.dataset.full = "preview";
    root.classList.toggle("zoomed", on);
    zoomBtn.textContent = on ? t("zoomFit") : t("zoom100");
    for (const pic of pictures) pic.zoom(on);
    if (on) {
      root.dataset.panX = fx.toFixed(3);
      root.dataset.panY = fy.toFixed(3);
      requestAnimationFrame(refit);
    }
  }

  zoomBtn.addEventListener("click", () => setZoom(!zoomed));
  for (const pane of panes) {
    let drag: { x: number; y: number; fx: number; fy: number; moved: boolean } | null = null;
    pane.addEventListener("pointerdown", (e) => {
      const fx = pane.scrollLeft / Math.max(1, pane.scrollWidth - pane.clientWidth);
      const fy = pane.scrollTop / Math.max(1, pane.scrollHeight - pane.clientHeight);
      drag = { x: e.clientX, y: e.clientY, fx, fy, moved: false };
      try {
        pane.setPointerCapture(e.pointerId);
      } catch {
        // A pointer the browser does not track (a synthetic one) pans without capture.
      }
    });
    pane.addEventListener("pointermove", (e) => {
      if (!drag || !zoomed) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      const fx = drag.fx - dx / Math.max(1, pane.scrollWidth - pane.clientWidth);
      const fy = drag.fy - dy / Math.max(1, pane.scrollHeight - pane.clientHeight);
      panTo(Math.min(1, Math.max(0, fx)), Math.min(1, Math.max(0, fy)));
    });
    pane.addEventListener("pointerup", (e) => {
      const was = drag;
      drag = null;
      if (was?.moved) return;
      const r = pane.getBoundingClientRect();
      setZoom(!zoomed, (e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height);
    });
  }

  function onKey(e: KeyboardEvent) {
    if (e.key === "Escape" || e.key === " ") {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  }
  function close() {
    root.remove();
    document.removeEventListener("keydown", onKey, true);
  }
  document.addEventListener("keydown", onKey, true);
  document.body.append(root);
}
