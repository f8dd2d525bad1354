// Navigation and notices shared by the views; the shell (main.ts) installs the navigator.
import { h } from "./dom";

export type Route =
  | { name: "stories" }
  | { name: "editor"; id: string }
  | { name: "photos" }
  | { name: "publish" }
  | { name: "settings" };

export interface View {
  el: HTMLElement;
  /** Called before leaving: flush autosave etc. */
  leave?: () => Promise<void>;
  onSave?: () => void;
  onFind?: () => void;
}

let navigate: (r: Route) => Promise<void> = async () => {};
export function setNavigator(fn: (r: Route) => Promise<void>): void {
  navigate = fn;
}
export const go = (r: Route): Promise<void> => navigate(r);

export interface ToastAction {
  label: string;
  run: () => void;
  id?: string;
}

/** A notice; `detail` (the core's own words) goes in its tooltip, `action` adds a button. */
export function toast(
  msg: string,
  kind: "ok" | "error" | "warn" = "ok",
  opts: { detail?: string; action?: ToastAction; ms?: number } = {},
): void {
  // One stack for all notices, so two at once sit one above the other instead of overlapping.
  let stack = document.getElementById("toasts");
  if (!stack) {
    stack = h("div", { id: "toasts", class: "toasts" });
    document.body.append(stack);
  }
  const a = opts.action;
  const el = h(
    "div",
    { class: `toast ${kind}${a ? " actionable" : ""}`, role: "status", title: opts.detail },
    msg,
    a
      ? h("button", { class: "toast-action", id: a.id, onclick: () => (el.remove(), a.run()) }, a.label)
      : null,
  );
  stack.append(el);
  setTimeout(() => el.remove(), opts.ms ?? (a ? 8000 : 3500));
}
