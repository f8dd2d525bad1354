// A tiny element builder: h("button", {class: "x", onclick}, "text", child).
type Attrs = Record<string, unknown>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") {
      el.addEventListener(k.slice(2), v as EventListener);
    } else if (k === "value" && "value" in el) {
      (el as HTMLInputElement).value = String(v);
    } else if (k === "checked" || k === "selected") {
      (el as unknown as Record<string, unknown>)[k] = Boolean(v);
    } else {
      el.setAttribute(k, v === true ? "" : String(v));
    }
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** Marks char ranges (Unicode scalar offsets) of `text` with <mark>. */
export function highlight(text: string, ranges: [number, number][]): DocumentFragment {
  const chars = Array.from(text);
  const frag = document.createDocumentFragment();
  let pos = 0;
  for (const [s, e] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (s < pos) continue;
    frag.append(chars.slice(pos, s).join(""));
    frag.append(h("mark", {}, chars.slice(s, e).join("")));
    pos = e;
  }
  frag.append(chars.slice(pos).join(""));
  return frag;
}

/** UTF-16 index (what textarea selections use) of a Unicode scalar offset into `text`. */
export function utf16Offset(text: string, chars: number): number {
  return Array.from(text).slice(0, chars).join("").length;
}

/** Grows a textarea to its content. */
export function autogrow(ta: HTMLTextAreaElement): void {
  ta.style.height = "auto";
  ta.style.height = `${ta.scrollHeight}px`;
}

/** Replaces `el`'s children, skipping null/false entries. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren(...(children.filter((c) => c !== null && c !== undefined && c !== false) as (Node | string)[]));
}
