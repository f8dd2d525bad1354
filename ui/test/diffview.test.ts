import { describe, expect, it } from "vitest";
import type { ArticleDiff } from "../src/api";
import { setLang } from "../src/i18n";
import { renderDiff } from "../src/views/diffview";

// What `byline article diff` gives for a copy-desk fix: a pasted NO-BREAK SPACE removed.
const fix: ArticleDiff = {
  changes: [
    {
      block: "b1",
      kind: "changed",
      type: "paragraph",
      ops: [
        { op: "equal", text: "Tại hội nghị," },
        { op: "delete", text: "\u00a0" },
        { op: "equal", text: " LĐLĐ tỉnh" },
        { op: "insert", text: " Nghệ An" },
      ],
    },
    { block: "f1", kind: "moved", type: "figure", ops: [{ op: "equal", text: "Toàn cảnh hội nghị." }] },
  ],
};

describe("the history panel's comparison", () => {
  it("marks a removed no-break space with a visible symbol inside the deletion", () => {
    setLang("vi");
    const el = renderDiff(fix, "inline", ["f1", "b1"]);
    const del = el.querySelector("del")!;
    expect(del, "the deletion is marked").not.toBeNull();
    expect(del.textContent, "an invisible character is drawn as a symbol, never as nothing").toBe("⍽");
    expect(del.querySelector(".ws")!.getAttribute("title")).toContain("NBSP");
    expect(el.querySelector("ins")!.textContent, "an inserted space shows as a dot").toBe("·Nghệ·An");
  });

  it("labels moved blocks as moved and names each block by its kind and place", () => {
    setLang("en");
    const el = renderDiff(fix, "inline", ["f1", "b1"]);
    const moved = el.querySelector<HTMLElement>('[data-kind="moved"]')!;
    expect(moved.querySelector(".badge")!.textContent).toBe("Moved");
    expect(moved.querySelector(".diff-where")!.textContent).toBe("Photo 1");
  });

  it("side by side keeps deletions on the old side and insertions on the new", () => {
    setLang("en");
    const el = renderDiff(fix, "side");
    const [old, neu] = [el.querySelector(".old")!, el.querySelector(".new")!];
    expect(old.querySelector("del")).not.toBeNull();
    expect(old.querySelector("ins"), "the old side has no insertion").toBeNull();
    expect(neu.querySelector("ins")).not.toBeNull();
    expect(neu.textContent).toBe("Tại hội nghị, LĐLĐ tỉnh·Nghệ·An");
  });

  it("says so when two versions are identical", () => {
    setLang("en");
    expect(renderDiff({ changes: [] }, "inline").textContent).toBe("The two versions are identical.");
  });
});
