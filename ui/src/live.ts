// Live updates from the sync engine. The shell listens to `sync-event` once for the whole window
// and fans each event out to whichever views are showing; each view refreshes what the event
// names. Nothing polls: the engine tells us when something changed.
import * as api from "./api";
import type { Key } from "./i18n";

export type ConnectionEvent = Extract<api.SyncEvent, { type: "connection" }>;
type Handler = (e: api.SyncEvent) => void;

const handlers = new Set<Handler>();
const watchers = new Set<(c: ConnectionEvent | null) => void>();
let connection: ConnectionEvent | null = null;

/** How many connection reports the engine has made (see `connectionChanging`). */
let reports = 0;

/** A mark to pass to `connectionChanging` (taken before saving settings). */
export function connectionMark(): number {
  return reports;
}

function setConnection(c: ConnectionEvent | null): void {
  connection = c;
  for (const w of [...watchers]) w(c);
}

/** Hands one event to every subscriber (the shell's listener calls this; tests call it too). */
export function dispatch(e: api.SyncEvent): void {
  if (e.type === "connection") {
    reports++;
    setConnection(e);
  }
  // Bytes are going up: the server answers and takes the token, whatever was said before. (The
  // engine speaks again only once its queue is drained, which a long upload keeps it from.)
  else if (e.type === "upload" && indicator(connection).state !== "online")
    setConnection({ type: "connection", connectivity: "online", credentials: "accepted", message: null });
  for (const h of [...handlers]) {
    try {
      h(e);
    } catch (err) {
      // One view's failure must not starve the others of events.
      console.error("sync-event handler failed", err);
    }
  }
}

/** Calls `handler` with every event until the returned function is called (on leaving a view). */
export function subscribe(handler: Handler): () => void {
  handlers.add(handler);
  return () => handlers.delete(handler);
}

/** Calls `fn` whenever the known connection state changes (null: not known). */
export function watchConnection(fn: (c: ConnectionEvent | null) => void): () => void {
  watchers.add(fn);
  return () => watchers.delete(fn);
}

/** A new server or token was saved: what the engine said before no longer holds, and it is
 *  trying the new one (it was woken): show "checking" until it speaks. With `since` (a
 *  `connectionMark` taken before saving), an engine report that already came in since then
 *  stands: the engine is woken inside the save and may well answer before the save returns. */
export function connectionChanging(since?: number): void {
  if (since !== undefined && reports !== since) return;
  setConnection(null);
}

/** The connection as the engine last described it (null before it said anything). */
export function lastConnection(): ConnectionEvent | null {
  return connection;
}

/** Forgets everything (tests). */
export function resetLive(): void {
  handlers.clear();
  watchers.clear();
  connection = null;
  reports = 0;
}

/**
 * Starts listening for the window. The engine may have described the connection before the
 * window loaded, so its last word is asked for once, after listening (so no change falls in
 * between), and used only when no fresher event arrived meanwhile.
 */
export async function startLive(): Promise<() => void> {
  const unlisten = await api.onSyncEvent(dispatch);
  try {
    const last = await api.syncStatus();
    if (last && last.type === "connection" && connection === null) dispatch(last);
  } catch {
    // An older shell without `sync_status`: the next change fills the indicator in.
  }
  return unlisten;
}

/** A function that runs `fn` once calls have paused for `ms`, and at the latest `maxMs` after
 *  the first call of a burst (a steady stream of events must not hold a refresh back forever). */
export function debounce(fn: () => void, ms = 150, maxMs = 1000): (() => void) & { cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let first = 0;
  const run = () => {
    timer = null;
    first = 0;
    fn();
  };
  const call = () => {
    const now = Date.now();
    if (first === 0) first = now;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, Math.max(0, Math.min(ms, first + maxMs - now)));
  };
  call.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    first = 0;
  };
  return call;
}

/** Whether an event changes what a story list shows. */
export const touchesStories = (e: api.SyncEvent): boolean =>
  e.type === "story_changed" || e.type === "outbox_changed";

/** Whether an event changes what the Publish panel shows. */
export const touchesPublishing = (e: api.SyncEvent): boolean =>
  e.type === "outbox_changed" || e.type === "story_changed" || e.type === "upload";

export type IndicatorState = "unknown" | "online" | "offline" | "refused" | "missing" | "not_configured";

export interface Indicator {
  state: IndicatorState;
  /** The localised sentence (never the core's English message). */
  key: Key;
  /** Whether the fix is in Settings (a link goes there). */
  settings: boolean;
}

/** What the connection indicator shows for the engine's last connection event. The token's
 *  state comes first: a refused or missing token is what a person has to act on. */
export function indicator(e: ConnectionEvent | null): Indicator {
  if (!e) return { state: "unknown", key: "conn_unknown", settings: false };
  if (e.credentials === "refused") return { state: "refused", key: "conn_refused", settings: true };
  if (e.credentials === "missing") return { state: "missing", key: "conn_missing", settings: true };
  switch (e.connectivity) {
    case "not_configured":
      return { state: "not_configured", key: "conn_not_configured", settings: true };
    case "offline":
      return { state: "offline", key: "conn_offline", settings: false };
    case "online":
      return { state: "online", key: "conn_online", settings: false };
  }
}
