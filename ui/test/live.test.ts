import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import { connectionChanging, connectionMark, debounce, dispatch, indicator, lastConnection, resetLive, startLive, subscribe } from "../src/live";
import { setLang, t } from "../src/i18n";
import { syncIndicator } from "../src/views/syncstatus";
import { storiesView } from "../src/views/stories";

afterEach(() => {
  clearMocks();
  resetLive();
  setLang("vi");
  vi.useRealTimers();
});

const refused = {
  type: "connection",
  connectivity: "online",
  credentials: "refused",
  message: "the server refused the access token: enter a working one in Settings",
} as const;

describe("debounce", () => {
  beforeEach(() => vi.useFakeTimers());

  it("runs once a burst of calls pauses for 150 ms", async () => {
    const fn = vi.fn();
    const d = debounce(fn, 150);
    for (let i = 0; i < 5; i++) {
      d();
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(fn).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(100);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("still runs within its longest wait while calls never pause", async () => {
    const fn = vi.fn();
    const d = debounce(fn, 150, 1000);
    for (let i = 0; i < 30; i++) {
      d();
      await vi.advanceTimersByTimeAsync(100);
    }
    // 3 s of calls every 100 ms: a plain trailing debounce would not have run at all.
    expect(fn.mock.calls.length).toBeGreaterThanOrEqual(2);
  });

  it("runs nothing after it is cancelled", async () => {
    const fn = vi.fn();
    const d = debounce(fn, 150);
    d();
    d.cancel();
    await vi.advanceTimersByTimeAsync(1000);
    expect(fn).not.toHaveBeenCalled();
  });
});

describe("event routing", () => {
  it("hands each event to every subscriber until it unsubscribes, past a failing one", () => {
    const a: string[] = [];
    const b: string[] = [];
    const stopA = subscribe((e) => a.push(e.type));
    subscribe(() => {
      throw new Error("a broken view");
    });
    subscribe((e) => b.push(e.type));
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    dispatch({ type: "outbox_changed" });
    stopA();
    dispatch({ type: "photos_changed", ids: ["p1"] });
    quiet.mockRestore();
    expect(a).toEqual(["outbox_changed"]);
    expect(b).toEqual(["outbox_changed", "photos_changed"]);
  });

  it("listens to sync-event and takes the engine's last word only when no event came first", async () => {
    mockIPC((cmd) => (cmd === "sync_status" ? refused : null), { shouldMockEvents: true });
    const seen: string[] = [];
    subscribe((e) => seen.push(e.type));
    const unlisten = await startLive();
    expect(lastConnection()?.credentials).toBe("refused");
    await emit("sync-event", { type: "connection", connectivity: "online", credentials: "accepted", message: null });
    await emit("sync-event", { type: "story_changed", id: "a1", revision: 2 });
    expect(lastConnection()?.credentials).toBe("accepted");
    expect(seen).toEqual(["connection", "connection", "story_changed"]);
    unlisten();
  });
});

describe("connection indicator", () => {
  it("maps every engine state to what to show, the token first", () => {
    expect(indicator(null).state).toBe("unknown");
    expect(indicator(refused)).toEqual({ state: "refused", key: "conn_refused", settings: true });
    expect(indicator({ ...refused, credentials: "missing", connectivity: "not_configured" }).state).toBe("missing");
    expect(indicator({ ...refused, credentials: "accepted", connectivity: "not_configured" })).toEqual({
      state: "not_configured",
      key: "conn_not_configured",
      settings: true,
    });
    expect(indicator({ ...refused, credentials: "accepted", connectivity: "offline" })).toEqual({
      state: "offline",
      key: "conn_offline",
      settings: false,
    });
    expect(indicator({ ...refused, credentials: "accepted", connectivity: "online" }).settings).toBe(false);
  });

  it("says a refused token in the user's language, not the core's English, with a link to Settings", () => {
    const open = vi.fn();
    const s = syncIndicator(open);
    expect(s.el.dataset.state).toBe("unknown");
    dispatch(refused);
    expect(s.el.dataset.state).toBe("refused");
    expect(s.el.textContent).toContain("Máy chủ từ chối mã truy cập");
    expect(s.el.textContent).not.toContain("refused");
    s.el.querySelector<HTMLButtonElement>("#sync-status-settings")!.click();
    expect(open).toHaveBeenCalledTimes(1);
    setLang("en");
    s.render();
    expect(s.el.textContent).toContain(t("conn_refused"));
    expect(s.el.textContent).toContain("update it in Settings");
    dispatch({ ...refused, credentials: "accepted", message: null });
    expect(s.el.dataset.state).toBe("online");
    expect(s.el.querySelector("#sync-status-settings")).toBeNull();
    s.stop();
  });
});

describe("story list", () => {
  it("refreshes once per burst of story and outbox events, never for uploads, and stops when left", async () => {
    let lists = 0;
    let stories = [{ id: "a1", title: "Mưa lớn", status: "draft", section: "", updated_at: "" }];
    mockIPC((cmd) => {
      if (cmd !== "list_stories") return null;
      lists++;
      return stories;
    });
    const v = await storiesView();
    expect(lists).toBe(1);
    vi.useFakeTimers();
    stories = [...stories, { id: "b2", title: "Bão số 3", status: "draft", section: "", updated_at: "" }];
    dispatch({ type: "upload", item: 1, target: "ab", done: 10, total: 100 });
    await vi.advanceTimersByTimeAsync(300);
    expect(lists).toBe(1);
    dispatch({ type: "story_changed", id: "b2", revision: 1 });
    dispatch({ type: "outbox_changed" });
    dispatch({ type: "story_changed", id: "b2", revision: 1 });
    await vi.advanceTimersByTimeAsync(149);
    expect(lists).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    vi.useRealTimers();
    await new Promise((r) => setTimeout(r, 0));
    expect(lists).toBe(2);
    expect([...v.el.querySelectorAll<HTMLElement>(".story-row")].map((r) => r.dataset.id)).toEqual(["a1", "b2"]);
    await v.leave!();
    dispatch({ type: "outbox_changed" });
    await new Promise((r) => setTimeout(r, 200));
    expect(lists).toBe(2);
  });
});

describe("connection indicator between engine reports", () => {
  it("goes from refused to checking when a new token is saved, and to online once bytes go up", () => {
    const s = syncIndicator(() => {});
    dispatch(refused);
    expect(s.el.dataset.state).toBe("refused");
    connectionChanging();
    expect(s.el.dataset.state).toBe("unknown");
    expect(s.el.textContent).toContain("Đang kiểm tra");
    dispatch(refused);
    dispatch({ type: "upload", item: 3, target: "ab", done: 0, total: 2_500_000 });
    expect(s.el.dataset.state).toBe("online");
    expect(lastConnection()?.credentials).toBe("accepted");
    s.stop();
  });
});

describe("story list rows", () => {
  it("stay the same elements when an event leaves the list unchanged", async () => {
    const stories = [{ id: "a1", title: "Mưa lớn", status: "draft", section: "", updated_at: "" }];
    mockIPC((cmd) => (cmd === "list_stories" ? stories : null));
    const v = await storiesView();
    const before = v.el.querySelector(".story-row");
    dispatch({ type: "outbox_changed" });
    await new Promise((r) => setTimeout(r, 250));
    expect(v.el.querySelector(".story-row")).toBe(before);
    await v.leave!();
  });
});

describe("saving a new server or token", () => {
  it("keeps an engine report that came in while the save was under way", () => {
    dispatch({ ...refused, credentials: "accepted", connectivity: "not_configured", message: null });
    const mark = connectionMark();
    // The engine, woken inside the save, answers before the save returns.
    dispatch({ ...refused, credentials: "accepted", connectivity: "online", message: null });
    connectionChanging(mark);
    expect(indicator(lastConnection()).state).toBe("online");
    const again = connectionMark();
    connectionChanging(again);
    expect(indicator(lastConnection()).state).toBe("unknown");
  });
});
