import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import * as api from "../src/api";

afterEach(() => clearMocks());

describe("api wrappers", () => {
  it("call each command with its Rust argument names", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return cmd === "list_stories" ? [] : { id: "a1", revision: 2 };
    });
    await api.listStories();
    await api.listStories("ready");
    await api.attachPhoto("a1", "p1");
    await api.getRevision("a1", 3);
    await api.saveSettings(
      { server_url: "https://x", photo_creator: "", photo_credit: "", photo_city: "", time_zone: "" },
      null,
    );
    await api.addWord("Smithers");
    await api.resolveConflict("a1", 0, "keep_both");
    await api.retryOutbox();
    expect(calls).toEqual([
      ["list_stories", { status: null }],
      ["list_stories", { status: "ready" }],
      ["attach_photo", { articleId: "a1", photoId: "p1" }],
      ["get_revision", { id: "a1", revision: 3 }],
      [
        "save_settings",
        {
          settings: { server_url: "https://x", photo_creator: "", photo_credit: "", photo_city: "", time_zone: "" },
          token: null,
        },
      ],
      ["add_word", { word: "Smithers" }],
      ["resolve_conflict", { id: "a1", index: 0, choice: "keep_both" }],
      ["retry_outbox", {}],
    ]);
  });

  it("turn a {code, message} rejection into a BylineError", async () => {
    mockIPC(() => {
      throw { code: "not_found", message: "no article 42" };
    });
    const e = await api.getStory("42").catch((x) => x);
    expect(e).toBeInstanceOf(api.BylineError);
    expect(e.code).toBe("not_found");
    expect(e.message).toBe("no article 42");
  });

  it("stream import progress over a channel", async () => {
    mockIPC((cmd, args) => {
      expect(cmd).toBe("import_photos");
      const a = args as { paths: string[]; onProgress: { onmessage: (p: unknown) => void } };
      a.onProgress.onmessage({ done: 1, total: 2, current: "/a.jpg", stage: "rendering" });
      a.onProgress.onmessage({ done: 2, total: 2, current: "/b.jpg", stage: "rendering" });
      return { imported: [], duplicates: [], failed: [], skipped: [] };
    });
    const seen: number[] = [];
    const r = await api.importPhotos(["/dir"], (p) => seen.push(p.done));
    expect(seen).toEqual([1, 2]);
    expect(r.imported).toEqual([]);
  });

  it("queue a publish, read the panel, sync now and merge with the Rust argument names", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === "publish_story") return { article_id: "a1", state: "queued", progress: 0 };
      if (cmd === "sync_now") return 3;
      return { outbox: [], story: null };
    });
    const s = await api.publishStory("a1");
    expect(s.state).toBe("queued");
    await api.publishPanel("a1");
    await api.publishPanel();
    expect(await api.syncNow()).toBe(3);
    await api.mergeStory({ id: "a1", revision: 4 } as api.Article);
    expect(calls).toEqual([
      ["publish_story", { id: "a1", correction: null }],
      ["publish_panel", { id: "a1" }],
      ["publish_panel", { id: null }],
      ["sync_now", {}],
      ["merge_story", { article: { id: "a1", revision: 4 } }],
    ]);
  });

  it("hand every sync-event to the handler until it is unlistened", async () => {
    mockIPC(() => null, { shouldMockEvents: true });
    const seen: api.SyncEvent[] = [];
    const unlisten = await api.onSyncEvent((e) => seen.push(e));
    await emit("sync-event", { type: "story_changed", id: "a1", revision: 7 });
    await emit("sync-event", { type: "outbox_changed" });
    await emit("some-other-event", { type: "outbox_changed" });
    unlisten();
    await emit("sync-event", { type: "outbox_changed" });
    expect(seen).toEqual([{ type: "story_changed", id: "a1", revision: 7 }, { type: "outbox_changed" }]);
  });

  it("build rendition URLs for the byline scheme", () => {
    expect(api.renditionUrl("thumb", "ab")).toBe("byline://localhost/thumb/ab");
  });
});
