// Pointer input for jsdom, shared by the drag tests: jsdom has neither PointerEvent nor pointer
// capture, so mouse events carrying the pointer fields and a capture that only remembers itself
// stand in.

export function installPointerCapture(): void {
  const captured = new WeakMap<Element, Set<number>>();
  const set = (el: Element) => captured.get(el) ?? captured.set(el, new Set()).get(el)!;
  HTMLElement.prototype.setPointerCapture = function (id: number) {
    set(this).add(id);
  };
  HTMLElement.prototype.releasePointerCapture = function (id: number) {
    set(this).delete(id);
  };
  HTMLElement.prototype.hasPointerCapture = function (id: number) {
    return set(this).has(id);
  };
}

/** Dispatches a primary pointer event at (x, y); `buttons` is what is held, `button` what changed. */
export function pointer(el: Element, type: string, x: number, y: number, { button = 0, buttons = 0 } = {}): void {
  const e = new MouseEvent(type, { clientX: x, clientY: y, button, buttons, bubbles: true, cancelable: true });
  Object.assign(e, { pointerId: 1, isPrimary: true });
  el.dispatchEvent(e);
}
