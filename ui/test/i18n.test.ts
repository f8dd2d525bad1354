import { describe, expect, it } from "vitest";
import { en, setLang, t, tables, vi as viTable } from "../src/i18n";

describe("i18n", () => {
  it("has every key in both languages, none empty", () => {
    const keys = Object.keys(viTable).sort();
    expect(Object.keys(en).sort()).toEqual(keys);
    for (const [lang, table] of Object.entries(tables))
      for (const k of keys) expect((table as Record<string, string>)[k]?.trim(), `${lang}.${k}`).toBeTruthy();
  });

  it("keeps the same placeholders in both languages", () => {
    const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join();
    for (const k of Object.keys(viTable) as (keyof typeof viTable)[])
      if (k !== "templateHint") expect(ph(en[k]), k).toBe(ph(viTable[k]));
  });

  it("is Vietnamese first and fills placeholders", () => {
    expect(t("saved")).toBe("Đã lưu");
    expect(t("importing", { done: 1, total: 3 })).toBe("Đang nhập 1/3");
    setLang("en");
    expect(t("saved")).toBe("Saved");
    setLang("vi");
  });
});
