import { describe, expect, it } from "vitest";
import { addLink, addStory, checkUrl, cleanTitle, findDuplicate, move, remove, urlKey, type Related } from "../src/related";

const story = (id: string, title: string): Related => ({ title, article_id: id });
const link = (title: string, url: string): Related => ({ title, url });

describe("related items: outside links", () => {
  it("accepts http and https links, trimmed and in NFC", () => {
    const decomposed = "https://vnexpress.net/mu\u0301a-lo\u031bn".normalize("NFD");
    const r = checkUrl(`  ${decomposed}\n`);
    expect(r, "whitespace around a pasted link is dropped").toEqual({ ok: true, url: "https://vnexpress.net/múa-lơn".normalize("NFC") });
    expect(r.ok && r.url === r.url.normalize("NFC"), "stored strings are NFC").toBe(true);
    expect(checkUrl("http://baochinhphu.vn/a").ok).toBe(true);
  });

  it("refuses other schemes, missing schemes, garbage and empty input with distinct reasons", () => {
    expect(checkUrl("javascript:alert(1)"), "a script link must never reach a story page").toEqual({ ok: false, reason: "urlScheme" });
    expect(checkUrl("ftp://files.example.vn/a.pdf")).toEqual({ ok: false, reason: "urlScheme" });
    expect(checkUrl("file:///home/pv/bai.doc")).toEqual({ ok: false, reason: "urlScheme" });
    expect(checkUrl("vnexpress.net/thoi-su"), "a bare host is told to add the scheme").toEqual({ ok: false, reason: "urlScheme" });
    expect(checkUrl("không phải liên kết")).toEqual({ ok: false, reason: "urlInvalid" });
    expect(checkUrl("https://a.vn/có khoảng trắng"), "a link broken by a space is not silently encoded").toEqual({ ok: false, reason: "urlInvalid" });
    expect(checkUrl("   ")).toEqual({ ok: false, reason: "urlEmpty" });
  });

  it("needs a title, cleaned of stray whitespace and stored as NFC", () => {
    expect(addLink([], "  ", "https://a.vn/x")).toEqual({ ok: false, reason: "titleEmpty" });
    expect(cleanTitle("  Mưa   lớn\tở Hà Nội ")).toBe("Mưa lớn ở Hà Nội");
    const r = addLink([], "Ha\u0300 Nội".normalize("NFD"), "https://a.vn/x");
    expect(r).toEqual({ ok: true, list: [link("Hà Nội", "https://a.vn/x")] });
  });
});

describe("related items: duplicates", () => {
  const list = [story("s1", "Hội nghị"), link("Bão số 3", "https://vnexpress.net/bao-so-3#binh-luan")];

  it("treats the same page as the same link whatever the host case, port or fragment", () => {
    expect(urlKey("HTTPS://VnExpress.net:443/bao-so-3#top")).toBe(urlKey("https://vnexpress.net/bao-so-3"));
    expect(urlKey("https://vnexpress.net/bao-so-3"), "another path is another page").not.toBe(urlKey("https://vnexpress.net/bao-so-4"));
    expect(addLink(list, "Bão", " https://VNEXPRESS.net/bao-so-3 ")).toEqual({ ok: false, reason: "duplicate", index: 1 });
  });

  it("refuses a library story already listed, and the story itself", () => {
    expect(addStory(list, { id: "s1", title: "Hội nghị (bản khác)" }, "me")).toEqual({ ok: false, reason: "duplicate", index: 0 });
    expect(addStory(list, { id: "me", title: "Chính bài này" }, "me")).toEqual({ ok: false, reason: "self" });
    expect(addStory(list, { id: "s2", title: " Đại hội " }, "me")).toEqual({ ok: true, list: [...list, story("s2", "Đại hội")] });
  });

  it("does not take two items without a story id or a link for the same one", () => {
    expect(findDuplicate([link("A", "https://a.vn/1")], story("s9", "B")), "an absent id matches nothing").toBe(-1);
    expect(findDuplicate([story("s9", "B")], link("A", "https://a.vn/1")), "an absent url matches nothing").toBe(-1);
  });
});

describe("related items: order", () => {
  const abc = [story("a", "A"), story("b", "B"), story("c", "C")];
  const ids = (l: Related[]) => l.map((r) => r.article_id).join("");

  it("moves an item up or down one place and reports where it went", () => {
    expect(move(abc, 2, -1)).toMatchObject({ index: 1 });
    expect(ids(move(abc, 2, -1).list)).toBe("acb");
    expect(ids(move(abc, 0, 1).list)).toBe("bac");
  });

  it("keeps the order at the ends instead of wrapping around", () => {
    expect(ids(move(abc, 0, -1).list)).toBe("abc");
    expect(move(abc, 2, 1)).toMatchObject({ index: 2 });
    expect(ids(move(abc, 2, 1).list)).toBe("abc");
    expect(ids(abc), "the input list is left as it was").toBe("abc");
  });

  it("removes exactly the chosen item", () => {
    expect(ids(remove(abc, 1))).toBe("ac");
  });
});
