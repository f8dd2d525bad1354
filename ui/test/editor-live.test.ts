import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { dispatch, resetLive } from "../src/live";
import { editorView } from "../src/views/editor";

afterEach(() => {
  clearMocks();
  resetLive();
  document.body.replaceChildren();
});

const para = (id: string, text: string) => ({ id, type: "paragraph", text });
const stored = (revision: number, lead: string, second: string) => ({
  id: "a1",
  section: "Thời sự",
  title: "Bão số 3",
  slug: "bao-so-3",
  lead,
  blocks: [para("b1", "Đoạn một."), para("b2", second)],
  byline: [{ name: "Thanh Hà", role: "writer" }],
  tags: [],
  related: [],
  status: "draft",
  created_at: "2024-06-18T12:00:00+07:00",
  updated_at: "2024-06-18T12:00:00+07:00",
  published_at: null,
  revision,
});

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/** The Rust side as the editor meets it: a stored story that moves on underneath. */
function backend(calls: [string, unknown][]) {
  let current = stored(3, "Sa-pô cũ", "Đoạn hai.");
  mockIPC((cmd, args) => {
    calls.push([cmd, args]);
    switch (cmd) {
      case "get_story":
        return current;
      case "check_story":
      case "list_photos":
        return [];
      case "save_story": {
        const a = (args as { article: { revision: number } }).article;
        if (a.revision !== current.revision) throw { code: "conflict", message: "changed since" };
        return { ...a, revision: a.revision + 1 };
      }
      case "merge_story": {
        const mine = (args as { article: ReturnType<typeof stored> }).article;
        // Block by block: the lead from the editor, the pulled second paragraph kept.
        current = { ...current, lead: mine.lead, revision: current.revision + 1 };
        return { article: current, conflicts: [] };
      }
      default:
        return null;
    }
  });
  return {
    pull: (revision: number, second: string) => {
      current = { ...current, blocks: [para("b1", "Đoạn một."), para("b2", second)], revision };
    },
  };
}

describe("the editor while the engine changes its story", () => {
  it("shows a pulled change in place when nothing is unsaved", async () => {
    const calls: [string, unknown][] = [];
    const server = backend(calls);
    const v = await editorView("a1");
    document.body.append(v.el);
    server.pull(4, "Đoạn hai, sửa từ toà soạn.");
    dispatch({ type: "story_changed", id: "a1", revision: 4 });
    await tick(10);
    expect(v.el.querySelector("#story-body")?.textContent).toContain("Đoạn hai, sửa từ toà soạn.");
    expect(v.el.querySelector<HTMLElement>("#save-state")?.dataset.state).toBe("saved");
    expect(calls.some(([c]) => c === "merge_story" || c === "save_story")).toBe(false);
    await v.leave!();
  });

  it("merges a lead being typed with the pulled change, losing neither", async () => {
    const calls: [string, unknown][] = [];
    const server = backend(calls);
    const v = await editorView("a1");
    document.body.append(v.el);
    const lead = v.el.querySelector<HTMLTextAreaElement>("#f-lead")!;
    lead.value = "Sa-pô mới đang gõ";
    lead.dispatchEvent(new Event("input"));
    server.pull(4, "Đoạn hai, sửa từ toà soạn.");
    dispatch({ type: "story_changed", id: "a1", revision: 4 });
    await tick(20);
    const merge = calls.find(([c]) => c === "merge_story");
    expect(merge?.[1]).toMatchObject({ article: { lead: "Sa-pô mới đang gõ", revision: 3 } });
    expect(calls.some(([c]) => c === "save_story")).toBe(false);
    expect(lead.value).toBe("Sa-pô mới đang gõ");
    expect(v.el.querySelector("#story-body")?.textContent).toContain("Đoạn hai, sửa từ toà soạn.");
    expect(v.el.querySelector<HTMLElement>("#save-state")?.dataset.state).toBe("saved");
    await v.leave!();
  });

  it("merges instead of failing when autosave meets a conflict", async () => {
    const calls: [string, unknown][] = [];
    const server = backend(calls);
    const v = await editorView("a1");
    document.body.append(v.el);
    server.pull(5, "Bản do người khác lưu.");
    const lead = v.el.querySelector<HTMLTextAreaElement>("#f-lead")!;
    lead.value = "Chữ không được mất";
    lead.dispatchEvent(new Event("input"));
    await tick(700); // the autosave's pause
    await tick(20);
    expect(calls.some(([c]) => c === "save_story")).toBe(true);
    expect(calls.find(([c]) => c === "merge_story")?.[1]).toMatchObject({ article: { lead: "Chữ không được mất" } });
    expect(v.el.querySelector<HTMLElement>("#save-state")?.dataset.state).toBe("saved");
    expect(v.el.querySelector("#story-body")?.textContent).toContain("Bản do người khác lưu.");
    expect(lead.value).toBe("Chữ không được mất");
    await v.leave!();
  });
});
