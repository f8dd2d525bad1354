import { describe, expect, it, vi } from "vitest";
import { BylineError } from "../src/api";
import type { Article } from "../src/bindings/Article";
import type { MergedEdit } from "../src/bindings/MergedEdit";
import { StoryFollower, type FollowDeps } from "../src/follow";

const story = (revision: number, lead: string): Article =>
  ({ id: "a1", revision, title: "Mưa lớn", lead, blocks: [], byline: [], related: [] }) as unknown as Article;

/** An editor stand-in: its copy, its edit counter and whether it has unsaved edits. */
function editor(start: Article, stored: Article) {
  const state = { copy: start, edits: 0, clean: true, shown: [] as [string, string][], conflicts: 0 };
  const deps: FollowDeps = {
    current: () => state.copy,
    edits: () => state.edits,
    clean: () => state.clean,
    getStory: vi.fn(async () => structuredClone(stored)),
    saveStory: vi.fn(async (a: Article) => ({ ...a, revision: a.revision + 1 })),
    mergeStory: vi.fn(
      async (a: Article): Promise<MergedEdit> => ({
        article: { ...stored, lead: a.lead, revision: stored.revision + 1 },
        conflicts: [],
      }),
    ),
    saved: (a) => (state.copy = { ...state.copy, revision: a.revision }),
    show: (a, why) => {
      state.copy = a;
      state.clean = true;
      state.shown.push([why, a.lead]);
    },
    conflicts: (list) => (state.conflicts += list.length),
    flush: async () => {
      state.clean = false;
      await f.save();
      state.clean = true;
    },
  };
  const f = new StoryFollower(deps);
  return { f, deps, state };
}

describe("the editor following its story", () => {
  it("reloads a story changed underneath in place when nothing is unsaved", async () => {
    const { f, deps, state } = editor(story(3, "Sa-pô cũ"), story(4, "Sa-pô từ máy chủ"));
    await f.changed(4);
    expect(state.shown).toEqual([["reloaded", "Sa-pô từ máy chủ"]]);
    expect(deps.mergeStory).not.toHaveBeenCalled();
    expect(deps.saveStory).not.toHaveBeenCalled();
  });

  it("ignores an event for the revision it already shows (its own save)", async () => {
    const { f, deps, state } = editor(story(4, "Sa-pô"), story(4, "Sa-pô"));
    await f.changed(4);
    await f.changed(2);
    expect(deps.getStory).not.toHaveBeenCalled();
    expect(state.shown).toEqual([]);
  });

  it("merges unsaved edits with the changed story instead of reloading over them", async () => {
    const { f, deps, state } = editor(story(3, "Sa-pô tôi đang gõ"), story(4, "Sa-pô từ máy chủ"));
    state.clean = false;
    state.edits = 5;
    await f.changed(4);
    expect(deps.saveStory).not.toHaveBeenCalled();
    expect(deps.mergeStory).toHaveBeenCalledWith(expect.objectContaining({ revision: 3, lead: "Sa-pô tôi đang gõ" }));
    expect(state.shown).toEqual([["merged", "Sa-pô tôi đang gõ"]]);
    expect(state.copy.revision).toBe(5);
  });

  it("turns a save refused as conflict into a merge that keeps the typed text and reports conflicts", async () => {
    const { f, deps, state } = editor(story(3, "Chữ vừa gõ"), story(6, "Bản khác"));
    deps.saveStory = vi.fn(async () => {
      throw new BylineError("conflict", "article a1 changed since revision 3");
    });
    deps.mergeStory = vi.fn(async (a: Article) => ({
      article: { ...a, revision: 7 },
      conflicts: [{ block_id: "b1", field: "block", theirs: "x", ours: "y" }],
    }));
    await f.save();
    expect(deps.mergeStory).toHaveBeenCalledWith(expect.objectContaining({ lead: "Chữ vừa gõ", revision: 3 }));
    expect(state.shown).toEqual([["merged", "Chữ vừa gõ"]]);
    expect(state.conflicts).toBe(1);
  });

  it("lets any other save failure through untouched", async () => {
    const { f, deps } = editor(story(3, "x"), story(3, "x"));
    deps.saveStory = vi.fn(async () => {
      throw new BylineError("io", "disk full");
    });
    await expect(f.save()).rejects.toMatchObject({ code: "io" });
    expect(deps.mergeStory).not.toHaveBeenCalled();
  });

  it("keeps text typed during the merge in the editor instead of replacing it", async () => {
    const { f, deps, state } = editor(story(3, "Chữ một"), story(4, "Máy chủ"));
    deps.mergeStory = vi.fn(async (a: Article) => {
      // A keystroke lands while the merge is stored.
      state.copy = { ...state.copy, lead: "Chữ một hai" };
      state.edits++;
      return { article: { ...a, revision: 5 }, conflicts: [] };
    });
    state.clean = false;
    await f.changed(4);
    expect(state.shown).toEqual([]);
    expect(state.copy.lead).toBe("Chữ một hai");
    // The next save merges again rather than overwriting the stored story.
    await f.save();
    expect(deps.mergeStory).toHaveBeenCalledTimes(2);
    expect(deps.saveStory).not.toHaveBeenCalled();
  });
});
