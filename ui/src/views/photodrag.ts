// Dragging a photo from the editor's strip into the story body: the pointer drag of
// prose/pointerdrag.ts on the strip's `[data-id]` items, with the thumbnail as the ghost. Below
// the threshold a press stays the click that picks the photo.
import { enablePointerDrag, type PointerDragDeps } from "../prose/pointerdrag";

export type { DropTarget } from "../prose/pointerdrag";
export type PhotoDragDeps = PointerDragDeps;

/**
 * Makes every `[data-id]` item inside `strip` draggable into the body. Listeners sit on the
 * strip itself, so items re-rendered by a filter or a pick need nothing new.
 */
export function enablePhotoDrag(strip: HTMLElement, deps: PhotoDragDeps): void {
  enablePointerDrag(strip, {
    ...deps,
    item: (el) => el.closest<HTMLElement>("[data-id]"),
    key: (item) => item.dataset.id ?? null,
    ghost: (item, ghost) => {
      const img = item.querySelector("img");
      if (!img) return;
      const copy = document.createElement("img");
      copy.src = img.src;
      copy.alt = "";
      ghost.append(copy);
    },
    bodyClass: "photo-dragging",
  });
}
