// The editor following its story while the sync engine changes it underneath (a pull of another
// person's edit, the server's merge adopted after a push). Without unsaved edits the stored story
// is shown in place; with them, the editor's copy is merged with the stored one block by block
// (`merge_story`), so nothing typed is ever lost and nothing pulled is overwritten. A save
// refused as `conflict` (another front end saved first) takes the same merge path.
import { BylineError } from "./api";
import type { Article } from "./bindings/Article";
import type { Conflict } from "./bindings/Conflict";
import type { MergedEdit } from "./bindings/MergedEdit";

export interface FollowDeps {
  /** The editor's copy as it is now, unsaved edits included. */
  current: () => Article;
  /** How many edits the editor has seen: a change across an await means someone typed. */
  edits: () => number;
  /** No unsaved edits and no save under way. */
  clean: () => boolean;
  getStory: (id: string) => Promise<Article>;
  saveStory: (a: Article) => Promise<Article>;
  mergeStory: (a: Article) => Promise<MergedEdit>;
  /** A save went through: the copy is now this revision. */
  saved: (a: Article) => void;
  /** Shows a stored version in place of the editor's copy (caret and scroll kept). */
  show: (a: Article, why: "reloaded" | "merged") => void;
  /** The merge kept both texts of these blocks or fields (the stored one is current). */
  conflicts: (list: Conflict[]) => void;
  /** Saves the unsaved edits now (the editor's autosave flush, which calls `save` below). */
  flush: () => Promise<void>;
}

export class StoryFollower {
  /** The newest revision known to be stored (from events), beyond the editor's copy. */
  private stored = 0;

  constructor(private deps: FollowDeps) {}

  /** A `story_changed` event for the story in the editor. */
  async changed(revision: number): Promise<void> {
    const mine = this.deps.current();
    // The editor's own save or an older event: nothing new underneath.
    if (revision <= mine.revision) return;
    this.stored = Math.max(this.stored, revision);
    if (!this.deps.clean()) {
      // Unsaved edits: the save merges them (see `save`).
      await this.deps.flush();
      return;
    }
    const before = this.deps.edits();
    const fresh = await this.deps.getStory(mine.id);
    if (this.deps.edits() !== before || !this.deps.clean()) {
      // Typing began while the story loaded: merge that instead of replacing it.
      await this.deps.flush();
      return;
    }
    if (fresh.revision > this.deps.current().revision) this.deps.show(fresh, "reloaded");
  }

  /** The autosave's save: a plain save, or a merge once the stored story has moved on. */
  async save(): Promise<void> {
    const copy = structuredClone(this.deps.current());
    const before = this.deps.edits();
    if (this.stored > copy.revision) return this.merge(copy, before);
    try {
      this.deps.saved(await this.deps.saveStory(copy));
    } catch (e) {
      if (e instanceof BylineError && e.code === "conflict") return this.merge(copy, before);
      throw e;
    }
  }

  private async merge(copy: Article, before: number): Promise<void> {
    const m = await this.deps.mergeStory(copy);
    this.stored = Math.max(this.stored, m.article.revision);
    if (this.deps.edits() === before) {
      this.deps.show(m.article, "merged");
    }
    // Else someone typed during the merge: the stored story already holds `copy`, the newer
    // typing stays in the editor (still on the old revision) and its next save merges it too.
    if (m.conflicts.length) this.deps.conflicts(m.conflicts);
  }
}
