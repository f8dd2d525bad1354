// Editing commands of the story body that ProseMirror does not ship: block kinds, moving a
// block (one place with Alt+↑/↓, or to a gap with the drag handle), Enter at the start of a block,
// inserting a figure. Pure state → transaction functions.
import { setBlockType } from "prosemirror-commands";
import { Fragment, Slice, type Node as PMNode, type NodeType } from "prosemirror-model";
import { NodeSelection, TextSelection, type Command, type EditorState } from "prosemirror-state";
import { dropPoint } from "prosemirror-transform";
import { moveTarget } from "./blockmove";
import { newId } from "./convert";
import { schema } from "./schema";

/** Turns the selected textblocks into `type` (keeping each block's id). */
export function setKind(type: NodeType, attrs: Record<string, unknown> = {}): Command {
  return (state, dispatch) => {
    const { $from } = state.selection;
    const keep = $from.depth >= 1 ? { id: $from.node(1).attrs.id } : {};
    return setBlockType(type, { ...keep, ...attrs })(state, dispatch);
  };
}

/** The index and node of the top-level block holding the selection. */
export function currentBlock(state: EditorState): { index: number; node: PMNode; pos: number } | null {
  const sel = state.selection;
  if (sel instanceof NodeSelection && sel.$from.depth === 0) {
    return { index: sel.$from.index(0), node: sel.node, pos: sel.from };
  }
  const $from = sel.$from;
  if ($from.depth < 1) return null;
  const index = $from.index(0);
  return { index, node: $from.node(1), pos: $from.before(1) };
}

/** Alt+↑ / Alt+↓: moves the current block one place, keeping the cursor in it. */
export function moveBlock(dir: -1 | 1): Command {
  return (state, dispatch) => {
    const cur = currentBlock(state);
    if (!cur) return false;
    const doc = state.doc;
    const target = cur.index + dir;
    if (target < 0 || target >= doc.childCount) return false;
    if (dispatch) {
      const other = doc.child(target);
      const tr = state.tr;
      const offset = state.selection.from - cur.pos;
      if (dir === -1) {
        const otherPos = cur.pos - other.nodeSize;
        tr.delete(cur.pos, cur.pos + cur.node.nodeSize).insert(otherPos, cur.node);
        setSel(tr.doc, otherPos, offset, cur.node, tr);
      } else {
        tr.delete(cur.pos, cur.pos + cur.node.nodeSize);
        const at = cur.pos + other.nodeSize;
        tr.insert(at, cur.node);
        setSel(tr.doc, at, offset, cur.node, tr);
      }
      dispatch(tr.scrollIntoView());
    }
    return true;
  };
}

function setSel(doc: PMNode, at: number, offset: number, node: PMNode, tr: ReturnType<EditorState["tr"]["delete"]>) {
  if (node.isAtom) tr.setSelection(NodeSelection.create(doc, at));
  else tr.setSelection(TextSelection.create(doc, Math.min(at + offset, at + node.nodeSize - 1)));
}

/**
 * Enter at the very start of a non-empty block opens an empty paragraph above it, so the text
 * keeps its block (and id) instead of moving to a new one.
 */
export const enterAtStart: Command = (state, dispatch) => {
  const { $from, empty } = state.selection;
  if (!empty || $from.depth !== 1 || $from.parentOffset !== 0 || $from.parent.content.size === 0) return false;
  if (dispatch) {
    const tr = state.tr.insert($from.before(1), schema.nodes.paragraph.create({ id: newId() }));
    dispatch(tr.scrollIntoView());
  }
  return true;
};

/** Inserts `figure` after the block holding the selection (or in place of an empty paragraph). */
export function insertFigureAtSelection(figure: PMNode): Command {
  return (state, dispatch) => {
    const cur = currentBlock(state);
    const tr = state.tr;
    let at: number;
    if (!cur) at = state.doc.content.size;
    else if (cur.node.type === schema.nodes.paragraph && cur.node.content.size === 0) {
      tr.delete(cur.pos, cur.pos + cur.node.nodeSize);
      at = cur.pos;
    } else at = cur.pos + cur.node.nodeSize;
    if (dispatch) {
      tr.insert(at, figure).setSelection(NodeSelection.create(tr.doc, at));
      dispatch(tr.scrollIntoView());
    }
    return true;
  };
}

/** Inserts `figure` at the block boundary nearest to document position `pos` (a drop). */
export function insertFigureAt(figure: PMNode, pos: number): Command {
  return (state, dispatch) => {
    const point = dropPoint(state.doc, pos, new Slice(Fragment.from(figure), 0, 0)) ?? pos;
    if (dispatch) {
      const tr = state.tr.insert(point, figure);
      tr.setSelection(NodeSelection.create(tr.doc, point));
      dispatch(tr.scrollIntoView());
    }
    return true;
  };
}

/** The pasted text's lines as body content: one line → text, several → paragraphs. */
export function pastedSlice(text: string): Slice | string {
  const lines = text.split(/\n/).map((l) => l.trim()).filter(Boolean);
  if (lines.length <= 1) return lines[0] ?? "";
  return new Slice(
    Fragment.fromArray(lines.map((l) => schema.nodes.paragraph.create({ id: null }, schema.text(l)))),
    1,
    1,
  );
}

/**
 * Moves the block at index `from` into `gap` (a drag handle's drop) as one step: the same node
 * (its id with it) deleted and inserted, then selected. A drop at its own place does nothing.
 */
export function moveBlockTo(from: number, gap: number): Command {
  return (state, dispatch) => {
    const doc = state.doc;
    const to = moveTarget(doc.childCount, from, gap);
    if (to === null) return false;
    if (dispatch) {
      const node = doc.child(from);
      let pos = 0;
      for (let i = 0; i < from; i++) pos += doc.child(i).nodeSize;
      const tr = state.tr.delete(pos, pos + node.nodeSize);
      let at = 0;
      for (let i = 0; i < to; i++) at += tr.doc.child(i).nodeSize;
      tr.insert(at, node);
      setSel(tr.doc, at, node.isAtom ? 0 : 1, node, tr);
      dispatch(tr.scrollIntoView());
    }
    return true;
  };
}
