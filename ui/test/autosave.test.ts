import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Autosave, type SaveState } from "../src/autosave";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("autosave", () => {
  it("saves once after a pause in typing", async () => {
    const save = vi.fn(async () => {});
    const states: SaveState[] = [];
    const a = new Autosave(save, (s) => states.push(s), 600);
    a.touch();
    await vi.advanceTimersByTimeAsync(300);
    a.touch();
    await vi.advanceTimersByTimeAsync(599);
    expect(save).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(save).toHaveBeenCalledTimes(1);
    expect(states.at(-1)).toBe("saved");
    expect(states).toContain("saving");
  });

  it("flush saves now, and does nothing when clean", async () => {
    const save = vi.fn(async () => {});
    const a = new Autosave(save, () => {}, 600);
    await a.flush();
    expect(save).not.toHaveBeenCalled();
    a.touch();
    await a.flush();
    expect(save).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(save).toHaveBeenCalledTimes(1);
  });

  it("reports an error and stays dirty when saving fails", async () => {
    const save = vi.fn(async (): Promise<void> => {
      throw new Error("disk full");
    });
    const a = new Autosave(save, () => {}, 600);
    a.touch();
    await vi.advanceTimersByTimeAsync(600);
    expect(a.state).toBe("error");
    save.mockImplementation(async () => {});
    await a.flush();
    expect(a.state).toBe("saved");
  });

  it("edits during a save lead to another save", async () => {
    let release = () => {};
    const save = vi.fn(() => new Promise<void>((r) => (release = r)));
    const a = new Autosave(save, () => {}, 600);
    a.touch();
    await vi.advanceTimersByTimeAsync(600);
    a.touch();
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(a.state).toBe("unsaved");
    await vi.advanceTimersByTimeAsync(600);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(save).toHaveBeenCalledTimes(2);
    expect(a.state).toBe("saved");
  });
});
