import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
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
      { server_url: "https://x", photo_creator: "", photo_credit: "", photo_city: "" },
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
          settings: { server_url: "https://x", photo_creator: "", photo_credit: "", photo_city: "" },
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

  it("stream publish progress over a channel and return the story's state", async () => {
    mockIPC((cmd, args) => {
      expect(cmd).toBe("publish_story");
      const a = args as { id: string; onProgress: { onmessage: (p: unknown) => void } };
      expect(a.id).toBe("a1");
      a.onProgress.onmessage({ outbox: [{ id: 1, state: "uploading", progress: 40 }], story: null });
      a.onProgress.onmessage({ outbox: [], story: null });
      return { article_id: "a1", state: "published", progress: 100 };
    });
    const seen: number[] = [];
    const s = await api.publishStory("a1", (p) => seen.push(p.outbox.length));
    expect(seen).toEqual([1, 0]);
    expect(s.state).toBe("published");
  });

  it("build rendition URLs for the byline scheme", () => {
    expect(api.renditionUrl("thumb", "ab")).toBe("byline://localhost/thumb/ab");
  });
});
