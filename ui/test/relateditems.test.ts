import { describe, expect, it } from "vitest";
import type { Related } from "../src/related";
import { relatedEditor } from "../src/views/relateditems";

const library = [
  { id: "me", title: "Mưa lớn ở Hà Nội", section: "Thời sự" },
  { id: "s1", title: "Hội nghị Liên đoàn Lao động", section: "Công đoàn" },
  { id: "s2", title: "Đường phố ngập sâu", section: "Thời sự" },
];

function mount(start: Related[] = []) {
  let list = start;
  const saves: Related[][] = [];
  const queries: string[] = [];
  const r = relatedEditor({
    get: () => list,
    set: (l) => {
      list = l;
      saves.push(l);
    },
    selfId: () => "me",
    // Stands in for the story search: folds like the real one for these titles.
    search: async (q) => {
      queries.push(q);
      const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/gi, "d").toLowerCase();
      return library.filter((s) => fold(s.title).includes(fold(q)));
    },
  });
  document.body.replaceChildren(r.el);
  const $ = <T extends HTMLElement>(css: string) => r.el.querySelector<T>(css)!;
  return { r, $, saves, queries, list: () => list };
}

const key = (el: Element, k: string, alt = false) =>
  el.dispatchEvent(new KeyboardEvent("keydown", { key: k, altKey: alt, bubbles: true, cancelable: true }));
const settle = () => new Promise((res) => setTimeout(res, 200));

describe("the related items section", () => {
  it("adds a library story found without accents, never the story itself", async () => {
    const { $, list, queries } = mount();
    const search = $<HTMLInputElement>("#related-search");
    search.value = "duong";
    search.dispatchEvent(new Event("input"));
    await settle();
    expect(queries, "the story search got the typed words").toEqual(["duong"]);
    expect($("#related-results").hidden).toBe(false);
    key(search, "Enter");
    expect(list(), "Enter adds the highlighted match").toEqual([{ title: "Đường phố ngập sâu", article_id: "s2" }]);
    expect(search.value, "the box is ready for the next search").toBe("");

    search.value = "mua lon";
    search.dispatchEvent(new Event("input"));
    await settle();
    expect($("#related-results").textContent, "the open story is not offered").not.toContain("Mưa lớn");
  });

  it("says a repeated story or link is already there instead of adding it", async () => {
    const { $, list, saves } = mount([{ title: "Bão số 3", url: "https://vnexpress.net/bao" }]);
    $<HTMLInputElement>("#related-title").value = "Bão (lặp)";
    $<HTMLInputElement>("#related-url").value = " https://VnExpress.net/bao#top ";
    $<HTMLFormElement>(".related-link").requestSubmit();
    expect(saves, "nothing saved").toEqual([]);
    expect(list()).toHaveLength(1);
    expect($("#related-msg").textContent).toBe("“Bão số 3” đã có trong tin liên quan (mục 1).");
    expect($("#related-msg").dataset.kind).toBe("error");
  });

  it("refuses a non-web link with a message on the address field", () => {
    const { $, list } = mount();
    $<HTMLInputElement>("#related-title").value = "Tài liệu";
    $<HTMLInputElement>("#related-url").value = "ftp://kho.vn/a.pdf";
    $<HTMLFormElement>(".related-link").requestSubmit();
    expect(list()).toEqual([]);
    expect($("#related-url").getAttribute("aria-invalid")).toBe("true");
    expect($("#related-msg").textContent).toContain("http://");
    $<HTMLInputElement>("#related-url").value = "https://kho.vn/a.pdf";
    $<HTMLFormElement>(".related-link").requestSubmit();
    expect(list(), "the corrected link goes in").toEqual([{ title: "Tài liệu", url: "https://kho.vn/a.pdf" }]);
  });

  it("reorders with Alt+↑ on the focused item, keeps the focus on it, and removes with Delete", () => {
    const { $, r, list } = mount([
      { title: "A", article_id: "a" },
      { title: "B", article_id: "b" },
    ]);
    const second = r.el.querySelectorAll<HTMLElement>(".related-item")[1];
    second.focus();
    key(second, "ArrowUp", true);
    expect(list().map((x) => x.title)).toEqual(["B", "A"]);
    expect((document.activeElement as HTMLElement).textContent, "the moved item keeps the keyboard").toContain("B");
    expect($("#related-msg").textContent).toBe("“B”: vị trí 1/2");
    key(document.activeElement!, "Delete");
    expect(list().map((x) => x.title)).toEqual(["A"]);
    expect((document.activeElement as HTMLElement).textContent, "focus goes to the item left").toContain("A");
  });

  it("moves with the buttons, which are disabled where an item cannot go", () => {
    const { r, list } = mount([
      { title: "A", article_id: "a" },
      { title: "B", url: "https://b.vn/" },
    ]);
    const [first, second] = r.el.querySelectorAll<HTMLElement>(".related-item");
    expect(first.querySelector<HTMLButtonElement>("[data-act=up]")!.disabled).toBe(true);
    expect(second.querySelector<HTMLButtonElement>("[data-act=down]")!.disabled).toBe(true);
    first.querySelector<HTMLButtonElement>("[data-act=down]")!.click();
    expect(list().map((x) => x.title)).toEqual(["B", "A"]);
    expect(r.el.querySelector(".related-item [data-act=down]")!.getAttribute("aria-label")).toBe("Chuyển xuống: B");
  });
});
