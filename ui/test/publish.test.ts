import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { publishView, stateLabel, uploadPercent, waitingNote } from "../src/views/publish";
import { dispatch, resetLive } from "../src/live";
import { storeLabel } from "../src/views/settings";
import { setLang } from "../src/i18n";

afterEach(() => {
  clearMocks();
  resetLive();
  setLang("vi");
});

const conflict = {
  index: 0,
  block_id: "b5",
  field: "block",
  server: "Bản của B.",
  mine: "Bản của A.",
  server_deleted: false,
  mine_deleted: false,
  can_keep_both: true,
};

let panels = 0;
function backend(calls: [string, unknown][]) {
  panels = 0;
  let conflicts = [conflict];
  mockIPC((cmd, args) => {
    calls.push([cmd, args]);
    switch (cmd) {
      case "list_stories":
        return [{ id: "a1", title: "Mưa lớn ở Hà Nội", status: "draft" }];
      case "publish_panel":
        panels++;
        return {
          outbox: [
            { id: 1, kind: "photo", target: "ab", label: "mua.jpg", state: "uploading", progress: 40, error: null, attempts: 0, updated_at: "" },
            { id: 2, kind: "publish", target: "a1", label: "Mưa lớn ở Hà Nội", state: "needs_attention", progress: 0, error: "403 forbidden: editors only", attempts: 1, updated_at: "" },
          ],
          story: {
            article_id: "a1",
            state: "needs_attention",
            progress: 0,
            error: "403 forbidden: editors only",
            server_revision: 3,
            pending: 2,
            conflicts: conflicts.length,
            destinations: [{ destination: "web", state: "published", url: "http://wp.example/mua-lon/", error: null }],
          },
        };
      case "publish_story":
        return { article_id: "a1", state: "queued", progress: 0, error: null, server_revision: null, pending: 9, conflicts: 0, destinations: [] };
      case "list_destinations":
        return [
          { name: "web", kind: "wordpress", url: "http://wp.example", user: "bientap", password_store: "keychain" },
          { name: "doitac", kind: "wordpress", url: "http://partner.example", user: "byline", password_store: "file" },
        ];
      case "publish_to_destinations":
        return { article_id: "a1", state: "queued", progress: 0, error: null, server_revision: null, pending: 0, conflicts: 0, destinations: [{ destination: "doitac", state: "queued", url: null, error: null }] };
      case "list_conflicts":
        return conflicts;
      case "resolve_conflict":
        conflicts = [];
        return conflicts;
      default:
        return null;
    }
  });
}

describe("publish panel", () => {
  it("labels every state in Vietnamese, uploads with their percentage", () => {
    expect(stateLabel("uploading", 40)).toBe("Đang tải lên 40%");
    expect(stateLabel("on_server", 100)).toBe("Đã lên máy chủ (đã kiểm tra)");
    setLang("en");
    expect(stateLabel("needs_attention", 0)).toBe("Needs attention");
  });

  it("shows the story's state with its error, the outbox and a conflict side by side", async () => {
    const calls: [string, unknown][] = [];
    backend(calls);
    const v = await publishView();
    document.body.replaceChildren(v.el);
    const state = v.el.querySelector<HTMLElement>("#story-state")!;
    expect(state.dataset.state).toBe("needs_attention");
    expect(v.el.querySelector("#story-error")?.textContent).toContain("403");
    const rows = v.el.querySelectorAll("#outbox .outbox-row");
    expect(rows.length).toBe(2);
    expect(rows[0].querySelector("progress")?.getAttribute("value")).toBe("40");
    const c = v.el.querySelector(".conflict")!;
    expect(c.querySelector(".server .conflict-text")?.textContent).toBe("Bản của B.");
    expect(c.querySelector(".mine .conflict-text")?.textContent).toBe("Bản của A.");
    const choices = [...c.querySelectorAll("button")].map((b) => b.dataset.choice);
    expect(choices).toEqual(["keep_server", "use_mine", "keep_both"]);

    c.querySelector<HTMLButtonElement>("[data-choice=keep_both]")!.click();
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toContainEqual(["resolve_conflict", { id: "a1", index: 0, choice: "keep_both" }]);
    expect(v.el.querySelector(".conflict")).toBeNull();
  });

  it("queues on Publish at once, moves an upload's bar from its events and redraws once per burst", async () => {
    const calls: [string, unknown][] = [];
    backend(calls);
    const v = await publishView();
    document.body.replaceChildren(v.el);
    expect(panels).toBe(1);
    v.el.querySelector<HTMLButtonElement>("#publish-btn")!.click();
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toContainEqual(["publish_story", { id: "a1", correction: null }]);
    await new Promise((r) => setTimeout(r, 0));
    const before = panels;

    // 3 MB of 4 MB up: the photo's row shows 75 % at once, before any refresh.
    dispatch({ type: "upload", item: 1, target: "ab", done: 3_000_000, total: 4_000_000 });
    const row = v.el.querySelector<HTMLElement>('#outbox .outbox-row[data-item="1"]')!;
    expect(row.querySelector("progress")?.getAttribute("value")).toBe("75");
    expect(row.querySelector(".badge")?.textContent).toBe("Đang tải lên 75%");
    dispatch({ type: "outbox_changed" });
    dispatch({ type: "story_changed", id: "a1", revision: 4 });
    expect(panels).toBe(before);
    await new Promise((r) => setTimeout(r, 250));
    expect(panels).toBe(before + 1);
    expect(calls.filter(([c]) => c === "publish_panel").at(-1)).toEqual(["publish_panel", { id: "a1" }]);

    await v.leave!();
    dispatch({ type: "outbox_changed" });
    await new Promise((r) => setTimeout(r, 250));
    expect(panels).toBe(before + 1);
  });

  it("sends the story to the WordPress sites ticked, and shows where it stands on each", async () => {
    const calls: [string, unknown][] = [];
    backend(calls);
    const v = await publishView();
    document.body.replaceChildren(v.el);
    const site = v.el.querySelector<HTMLElement>('#story-sites [data-site="web"]')!;
    expect(site.dataset.state).toBe("published");
    expect(site.querySelector("a")?.getAttribute("href")).toBe("http://wp.example/mua-lon/");
    const boxes = [...v.el.querySelectorAll<HTMLInputElement>("#send-to-sites input[type=checkbox]")];
    expect(boxes.map((b) => b.value)).toEqual(["web", "doitac"]);
    boxes[1].checked = true;
    v.el.querySelector<HTMLButtonElement>("#publish-to-sites")!.click();
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toContainEqual(["publish_to_destinations", { id: "a1", names: ["doitac"] }]);
    await new Promise((r) => setTimeout(r, 0));
    expect(calls.some(([c]) => c === "publish_story")).toBe(false);
  });

  it("counts an upload's percentage down to the floor, an empty file as done", () => {
    expect(uploadPercent(0, 100)).toBe(0);
    expect(uploadPercent(999, 1000)).toBe(99);
    expect(uploadPercent(5, 0)).toBe(100);
  });

  it("says where the token is stored", () => {
    const s = { server_url: "http://x", has_token: true, photo_creator: "", photo_credit: "", photo_city: "", time_zone: "" };
    expect(storeLabel({ ...s, token_store: "keychain" })).toBe("Nơi lưu: kho khoá của hệ điều hành");
    expect(storeLabel({ ...s, token_store: "file" })).toBe("Nơi lưu: tệp (không có kho khoá)");
    expect(storeLabel({ ...s, has_token: false, token_store: null })).toBe("");
  });
});

describe("notes of waiting items", () => {
  it("say a refused token in the user's language while an item waits, keeping a parked item's reason", () => {
    const english = "the server refused the access token: enter a working one in Settings";
    expect(waitingNote("queued", english)).toBe(english);
    dispatch({ type: "connection", connectivity: "online", credentials: "refused", message: english });
    expect(waitingNote("queued", english)).toBe("Máy chủ từ chối mã truy cập: cập nhật mã trong Cài đặt");
    expect(waitingNote("needs_attention", "403 forbidden: editors only")).toBe("403 forbidden: editors only");
    dispatch({ type: "connection", connectivity: "online", credentials: "accepted", message: null });
    expect(waitingNote("queued", "503 busy")).toBe("503 busy");
  });
});
