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
  const el = h("div", { class: `toast ${kind}`, role: "status" }, msg);
  document.body.append(el);
  setTimeout(() => el.remove(), 3500);
}
