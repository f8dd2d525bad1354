// The history panel's comparison: an `ArticleDiff` (word-level, from Rust) shown inline
// (insertions and deletions marked in one text) or side by side (old | new). Characters a reader
// cannot see are drawn as marked symbols, so a whitespace-only change (the copy desk's fix of a
// pasted NO-BREAK SPACE) is never an empty-looking change.
import type { ArticleDiff, BlockChange, Op } from "../api";
import { h } from "../dom";
import { t, type Key } from "../i18n";

export type DiffMode = "inline" | "side";

/** Visible stand-ins for invisible characters, with what they are for a tooltip. */
const INVISIBLE: Record<string, { mark: string; name: Key | null }> = {
  "\u00a0": { mark: "⍽", name: "nbspMark" },
  "\u200b": { mark: "␣", name: null },
  "\t": { mark: "→", name: null },
  "\n": { mark: "↵", name: null },
};

/** Renders a run of text with invisible characters shown; a plain space that was inserted or
 *  deleted is shown as `·` so it can be seen at all. */
export function visibleText(text: string, changed: boolean): DocumentFragment {
  const frag = document.createDocumentFragment();
  let plain = "";
  const flush = () => {
    if (plain) frag.append(plain);
    plain = "";
  };
  for (const c of text) {
    const inv = INVISIBLE[c];
    if (inv) {
      flush();
      frag.append(h("span", { class: "ws", title: inv.name ? t(inv.name) : `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}` }, inv.mark));
    } else if (c === " " && changed) {
      flush();
      frag.append(h("span", { class: "ws space", title: "U+0020" }, "·"));
    } else {
      plain += c;
    }
  }
  flush();
  return frag;
}

function opEl(op: Op): Node {
  if (op.op === "equal") return visibleText(op.text, false);
  const tag = op.op === "insert" ? "ins" : "del";
  return h(tag, {}, visibleText(op.text, true));
}

/** What a change is called: title/lead/section by name, else its block kind and position. */
function label(c: BlockChange, index: Map<string, number>): string {
  if (c.type === "field") return t(`field_${c.block}` as Key);
  const n = index.get(c.block);
  return `${t(`block_${c.type}` as Key)}${n === undefined ? "" : ` ${n + 1}`}`;
}

function header(c: BlockChange, index: Map<string, number>): HTMLElement {
  return h(
    "div",
    { class: "diff-head" },
    h("span", { class: `badge change-${c.kind}` }, t(`change_${c.kind}` as Key)),
    h("span", { class: "diff-where" }, label(c, index)),
  );
}

/** The whole comparison. `order` gives each block id its position in the newer version. */
export function renderDiff(d: ArticleDiff, mode: DiffMode, order: string[] = []): HTMLElement {
  const index = new Map(order.map((id, i) => [id, i]));
  if (!d.changes.length) return h("p", { class: "muted", id: "diff-none" }, t("diffNone"));
  const items = d.changes.map((c) => {
    const attrs = { class: `diff-change kind-${c.kind}`, "data-block": c.block, "data-kind": c.kind };
    if (mode === "inline") {
      return h("li", attrs, header(c, index), h("p", { class: "diff-text" }, ...c.ops.map(opEl)));
    }
    const old = c.ops.filter((o) => o.op !== "insert").map(opEl);
    const neu = c.ops.filter((o) => o.op !== "delete").map(opEl);
    return h(
      "li",
      attrs,
      header(c, index),
      h(
        "div",
        { class: "diff-sides" },
        h("p", { class: "diff-text old", "aria-label": t("diffOld") }, ...old),
        h("p", { class: "diff-text new", "aria-label": t("diffNew") }, ...neu),
      ),
    );
  });
  return h("ol", { class: `diff diff-${mode}`, id: "diff-view" }, ...items);
}
