// The only module that talks to the Rust side: one typed function per Tauri command.
// Components import from here; nothing else calls `invoke`.
import { Channel, invoke as tauriInvoke } from "@tauri-apps/api/core";
import { listen as tauriListen } from "@tauri-apps/api/event";
import type { AddedWord } from "./bindings/AddedWord";
import type { ApiError } from "./bindings/ApiError";
import type { Article } from "./bindings/Article";
import type { ArticleSummary } from "./bindings/ArticleSummary";
import type { CaptionEdit } from "./bindings/CaptionEdit";
import type { Finding } from "./bindings/Finding";
import type { FixReport } from "./bindings/FixReport";
import type { ImportReport } from "./bindings/ImportReport";
import type { PhotoView } from "./bindings/PhotoView";
import type { Progress } from "./bindings/Progress";
import type { RevisionInfo } from "./bindings/RevisionInfo";
import type { SearchHit } from "./bindings/SearchHit";
import type { Settings } from "./bindings/Settings";
import type { Status } from "./bindings/Status";
import type { Choice } from "./bindings/Choice";
import type { ConflictView } from "./bindings/ConflictView";
import type { LibrarySettings } from "./bindings/LibrarySettings";
import type { OutboxEntry } from "./bindings/OutboxEntry";
import type { PublishProgress } from "./bindings/PublishProgress";
import type { PublishState } from "./bindings/PublishState";
import type { StoryState } from "./bindings/StoryState";
import type { Store } from "./bindings/Store";
import type { Event as SyncEvent } from "./bindings/Event";
import type { MergedEdit } from "./bindings/MergedEdit";
import type { Conflict } from "./bindings/Conflict";
import type { Connectivity } from "./bindings/Connectivity";
import type { Credentials } from "./bindings/Credentials";
import type { Destination } from "./bindings/Destination";
import type { DestinationState } from "./bindings/DestinationState";
import type { ArticleDiff } from "./bindings/ArticleDiff";
import type { BlockChange } from "./bindings/BlockChange";
import type { Op } from "./bindings/Op";
import type { VersionList } from "./bindings/VersionList";
import type { VersionInfo } from "./bindings/VersionInfo";
import type { Me } from "./bindings/Me";
import type { Person } from "./bindings/Person";
import type { UnpublishReport } from "./bindings/UnpublishReport";
import type { PhotoQuery } from "./bindings/PhotoQuery";
import type { MarkEdit } from "./bindings/MarkEdit";
import type { IngestRequest } from "./bindings/IngestRequest";
import type { IngestReport } from "./bindings/IngestReport";
import type { Label } from "./bindings/Label";

export type { Article, ArticleSummary, CaptionEdit, Finding, FixReport, ImportReport, PhotoView };
export type { Progress, RevisionInfo, SearchHit, Settings, Status, ApiError, AddedWord };
export type { Choice, ConflictView, LibrarySettings, OutboxEntry, PublishProgress, PublishState };
export type { StoryState, Store, SyncEvent, MergedEdit, Conflict, Connectivity, Credentials };
export type { Destination, DestinationState };
export type { ArticleDiff, BlockChange, Op, VersionList, VersionInfo, Me, Person, UnpublishReport };
export type { PhotoQuery, MarkEdit, IngestRequest, IngestReport, Label };

type Invoke = <T>(cmd: string, args?: Record<string, unknown>) => Promise<T>;
let invokeImpl: Invoke = tauriInvoke;

/** Tests swap the transport for a mock. */
export function setInvoke(fn: Invoke): void {
  invokeImpl = fn;
}

type Listen = <T>(event: string, handler: (payload: T) => void) => Promise<() => void>;
let listenImpl: Listen = (event, handler) => tauriListen(event, (e) => handler(e.payload as never));

/** Tests swap the event source for a mock. */
export function setListen(fn: Listen): void {
  listenImpl = fn;
}

/** Every failure is an `ApiError` ({code, message}), whatever the Rust side threw. */
export class BylineError extends Error {
  constructor(
    public code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invokeImpl<T>(cmd, args);
  } catch (e) {
    if (e && typeof e === "object" && "code" in e && "message" in e) {
      const err = e as ApiError;
      throw new BylineError(err.code, err.message);
    }
    throw new BylineError("internal", String(e));
  }
}

export const listStories = (status?: Status) =>
  call<ArticleSummary[]>("list_stories", { status: status ?? null });
export const searchStories = (query: string) => call<SearchHit[]>("search_stories", { query });
export const createStory = (title: string) => call<Article>("create_story", { title });
export const getStory = (id: string) => call<Article>("get_story", { id });
export const saveStory = (article: Article) => call<Article>("save_story", { article });
export const trashStory = (id: string) => call<void>("trash_story", { id });
export const listRevisions = (id: string) => call<RevisionInfo[]>("list_revisions", { id });
export const getRevision = (id: string, revision: number) =>
  call<Article>("get_revision", { id, revision });
export const restoreRevision = (id: string, revision: number) =>
  call<Article>("restore_revision", { id, revision });
export const checkStory = (id: string) => call<Finding[]>("check_story", { id });
export const fixStory = (id: string) => call<FixReport>("fix_story", { id });
export const cleanPaste = (text: string) => call<string>("clean_paste", { text });
/** Adds a word to the newsroom word list (shared with `byline words add`). */
export const addWord = (word: string) => call<AddedWord>("add_word", { word });
export const listWords = () => call<string[]>("list_words");
export const listPhotos = () => call<PhotoView[]>("list_photos");
export const captionPhotos = (ids: string[], edit: CaptionEdit) =>
  call<PhotoView[]>("caption_photos", { ids, edit });
export const attachPhoto = (articleId: string, photoId: string) =>
  call<Article>("attach_photo", { articleId, photoId });
export const cancelImport = () => call<void>("cancel_import");
/** The photos a filter selects, in its order; the core remembers the filter for the library. */
export const findPhotos = (query: PhotoQuery) => call<PhotoView[]>("find_photos", { query });
/** The grid's remembered filter. */
export const photoFilter = () => call<PhotoQuery>("photo_filter");
/** Sets culling marks (rating, label, tag, reject) on photos; returns their new views. */
export const markPhotos = (ids: string[], edit: MarkEdit) =>
  call<PhotoView[]>("mark_photos", { ids, edit });
export const getSettings = () => call<Settings>("get_settings");
/** Stores the settings; `token` (when not null) goes to the OS keychain, else a 0600 file. */
export const saveSettings = (settings: LibrarySettings, token: string | null) =>
  call<Settings>("save_settings", { settings, token });
export const getOutbox = () => call<OutboxEntry[]>("outbox");
export const publishState = (id: string) => call<StoryState>("publish_state", { id });
export const retryOutbox = () => call<number>("retry_outbox");
export const listConflicts = (id: string) => call<ConflictView[]>("list_conflicts", { id });
/** Resolves one conflict; returns the story's conflicts left. */
export const resolveConflict = (id: string, index: number, choice: Choice) =>
  call<ConflictView[]>("resolve_conflict", { id, index, choice });

/** Queues a story for publishing and returns its state at once; the sync engine sends it and
 *  progress arrives as `sync-event`s (see `onSyncEvent`). A correction notice (editors) is shown,
 *  dated, on the public page. */
export const publishStory = (id: string, correction?: string) =>
  call<StoryState>("publish_story", { id, correction: correction?.trim() ? correction : null });
/** Takes a published story down (editors): the page answers 410 Gone; versions are kept. */
export const unpublishStory = (id: string, reason?: string) =>
  call<UnpublishReport>("unpublish_story", { id, reason: reason?.trim() ? reason : null });
/** A reporter hands the story in to the desk (status `submitted`, queued for the server). */
export const submitStory = (id: string) => call<Article>("submit_story", { id });
/** An editor gives the story to people (`{name, role}`: reporter, photographer). */
export const assignStory = (id: string, people: Person[]) =>
  call<Article>("assign_story", { id, people });
/** The story's published versions on the server (editors and sub-editors). */
export const storyVersions = (id: string) => call<VersionList>("story_versions", { id });
/** Word-level differences between two versions: a local revision number, `current`,
 *  `server` (the server's working copy), `published` or `v2`. */
export const diffStory = (id: string, a: string, b: string) =>
  call<ArticleDiff>("diff_story", { id, a, b });
/** Who the stored token is on the server (null without a server). */
export const whoami = () => call<Me | null>("whoami");
/** The library's WordPress sites (never with their passwords). */
export const listDestinations = () => call<Destination[]>("list_destinations");
/** Adds (or replaces) a WordPress site; the application password goes to the OS keychain. */
export const addDestination = (name: string, url: string, user: string, appPassword: string) =>
  call<Destination>("add_destination", { name, url, user, appPassword });
export const removeDestination = (name: string) => call<void>("remove_destination", { name });
/** Queues the story for each named site and returns its state at once; the engine sends it. */
export const publishToDestinations = (id: string, names: string[]) =>
  call<StoryState>("publish_to_destinations", { id, names });
/** The Publish panel's whole picture in one read: the outbox and, with `id`, that story's state. */
export const publishPanel = (id?: string) =>
  call<PublishProgress>("publish_panel", { id: id ?? null });
/** Lets everything waiting go now (retry times and parked items included) and wakes the engine;
 *  returns how many items were waiting. */
export const syncNow = () => call<number>("sync_now");
/** Merges the editor's copy (based on `article.revision`) with the story as stored now, block by
 *  block, and stores the result; blocks both sides changed come back as conflicts. */
export const mergeStory = (article: Article) => call<MergedEdit>("merge_story", { article });
/** The engine's last word on the connection (null before it said anything). Read once at start;
 *  after that the `connection` events keep the indicator current. */
export const syncStatus = () => call<SyncEvent | null>("sync_status");

/** Calls `handler` with every core event (`sync-event`) until the returned function is called. */
export function onSyncEvent(handler: (e: SyncEvent) => void): Promise<() => void> {
  return listenImpl<SyncEvent>("sync-event", handler);
}
/** Native menu items (their ids), as the shell's `menu` event. */
export function onMenu(handler: (id: string) => void): Promise<() => void> {
  return listenImpl<string>("menu", handler);
}
/** Files and folders dropped on the window from the OS. */
export function onPhotosDropped(handler: (paths: string[]) => void): Promise<() => void> {
  return listenImpl<string[]>("photos-dropped", handler);
}

/** Imports files/folders; `onProgress` sees each finished file. Cancel with `cancelImport`. */
export function importPhotos(
  paths: string[],
  onProgress: (p: Progress) => void,
): Promise<ImportReport> {
  const ch = new Channel<Progress>();
  ch.onmessage = onProgress;
  return call<ImportReport>("import_photos", { paths, onProgress: ch });
}

/** Ingests a card (import + verified backup copies); progress like `importPhotos`, cancelled
 *  with `cancelImport`. */
export function ingestPhotos(
  paths: string[],
  request: IngestRequest,
  onProgress: (p: Progress) => void,
): Promise<IngestReport> {
  const ch = new Channel<Progress>();
  ch.onmessage = onProgress;
  return call<IngestReport>("ingest_photos", { paths, request, onProgress: ch });
}

/** URL of a photo served by the shell's `byline://` scheme: its thumbnail, its 1600 px preview, or
 * its original file (JPEG, PNG and WebP only; others answer 404). */
export function renditionUrl(kind: "thumb" | "preview" | "original", id: string): string {
  const windows = typeof navigator !== "undefined" && /Windows/.test(navigator.userAgent);
  return windows ? `http://byline.localhost/${kind}/${id}` : `byline://localhost/${kind}/${id}`;
}
