// Pure rules of a story's "related items" list (Tin liên quan): what an outside link must look
// like, what counts as a duplicate, how items move. The editor view renders; this decides.
import type { Related } from "./bindings/Related";

export type { Related };

/** Why an item was not added; the editor shows the matching message next to the fields. */
export type Refusal = "titleEmpty" | "urlEmpty" | "urlInvalid" | "urlScheme" | "self" | "duplicate";

export type Outcome = { ok: true; list: Related[] } | { ok: false; reason: Refusal; index?: number };

/** Trimmed, inner runs of whitespace made one space, NFC: how a typed or pasted title is stored. */
export function cleanTitle(raw: string): string {
  return raw.normalize("NFC").replace(/\s+/g, " ").trim();
}

/**
 * A pasted link checked for the related list: trimmed and NFC (the form every stored string
 * has), and only http(s) with a host, because a `javascript:`, `file:` or `mailto:` link
 * published on a story page is either dangerous or useless to a reader.
 */
export function checkUrl(raw: string): { ok: true; url: string } | { ok: false; reason: Refusal } {
  const url = raw.normalize("NFC").trim();
  if (!url) return { ok: false, reason: "urlEmpty" };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // "vnexpress.net/…" without a scheme is the common slip: say what is missing.
    return { ok: false, reason: /^[\w.-]+\.[a-z]{2,}(\/|$)/i.test(url) ? "urlScheme" : "urlInvalid" };
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return { ok: false, reason: "urlScheme" };
  if (!parsed.hostname || /\s/.test(url)) return { ok: false, reason: "urlInvalid" };
  return { ok: true, url };
}

/**
 * What two links must share to be the same page: the parsed form (host case, default port and
 * percent-encoding do not matter) without the fragment, which only scrolls within the page.
 */
export function urlKey(url: string): string {
  try {
    const u = new URL(url.normalize("NFC").trim());
    u.hash = "";
    return u.href;
  } catch {
    return url.trim();
  }
}

/** The index of an item already in `list` that points where `item` does, else -1. */
export function findDuplicate(list: readonly Related[], item: Related): number {
  return list.findIndex(
    (r) =>
      (!!item.article_id && r.article_id === item.article_id) ||
      (!!item.url && !!r.url && urlKey(r.url) === urlKey(item.url)),
  );
}

/** Appends another story of the library; refuses the story itself and duplicates. */
export function addStory(list: readonly Related[], story: { id: string; title: string }, selfId: string): Outcome {
  if (story.id === selfId) return { ok: false, reason: "self" };
  const item: Related = { title: cleanTitle(story.title), article_id: story.id };
  const dup = findDuplicate(list, item);
  if (dup >= 0) return { ok: false, reason: "duplicate", index: dup };
  return { ok: true, list: [...list, item] };
}

/** Appends an outside link from the title and URL fields; refuses bad input and duplicates. */
export function addLink(list: readonly Related[], title: string, url: string): Outcome {
  const checked = checkUrl(url);
  if (!checked.ok) return checked;
  const t = cleanTitle(title);
  if (!t) return { ok: false, reason: "titleEmpty" };
  const item: Related = { title: t, url: checked.url };
  const dup = findDuplicate(list, item);
  if (dup >= 0) return { ok: false, reason: "duplicate", index: dup };
  return { ok: true, list: [...list, item] };
}

/** The list with item `index` moved `by` places (clamped to the ends); the same order if it cannot move. */
export function move(list: readonly Related[], index: number, by: number): { list: Related[]; index: number } {
  const to = Math.min(list.length - 1, Math.max(0, index + by));
  const next = [...list];
  if (index < 0 || index >= list.length || to === index) return { list: next, index };
  const [item] = next.splice(index, 1);
  next.splice(to, 0, item);
  return { list: next, index: to };
}

/** The list without item `index`. */
export function remove(list: readonly Related[], index: number): Related[] {
  return list.filter((_, i) => i !== index);
}
