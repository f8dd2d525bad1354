// Autosave on a pause in typing: `touch()` on every edit; `save` runs once typing has
// paused for `delayMs`, never twice at once, and again if edits arrived while saving.
export type SaveState = "saved" | "unsaved" | "saving" | "error";

export class Autosave {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private dirty = false;
  state: SaveState = "saved";

  constructor(
    private save: () => Promise<void>,
    private onState: (s: SaveState) => void,
    private delayMs = 600,
  ) {}

  private set(s: SaveState) {
    this.state = s;
    this.onState(s);
  }

  touch(): void {
    this.dirty = true;
    this.set("unsaved");
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), this.delayMs);
  }

  /** Saves now if anything is pending (Ctrl+S, leaving the editor). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.running) await this.running;
    if (!this.dirty) return;
    this.dirty = false;
    this.set("saving");
    this.running = this.save().then(
      () => {
        if (!this.dirty) this.set("saved");
        else this.set("unsaved");
      },
      () => {
        this.dirty = true;
        this.set("error");
      },
    );
    await this.running;
    this.running = null;
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
