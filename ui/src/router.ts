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

export function toast(msg: string, kind: "ok" | "error" = "ok"): void {
  // One stack for all notices, so two at once sit one above the other instead of overlapping.
  let stack = document.getElementById("toasts");
  if (!stack) {
    stack = h("div", { id: "toasts", class: "toasts" });
    document.body.append(stack);
  }
  const el = h("div", { class: `toast ${kind}`, role: "status" }, msg);
  stack.append(el);
  setTimeout(() => el.remove(), 3500);
}
