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

describe("error messages", () => {
  it("give every error code a sentence in both languages, never the core's English", async () => {
    const { BylineError } = await import("../src/api");
    const { ERROR_CODES, errorText } = await import("../src/errors");
    const all: string[] = [
      "invalid_input", "not_found", "conflict", "precondition_failed", "too_large", "unsupported",
      "idempotency_mismatch", "unauthorized", "forbidden", "rate_limited", "blocked", "unavailable",
      "io", "storage", "disk_full", "internal", "editor_required",
    ];
    expect([...ERROR_CODES].sort()).toEqual(all.sort());
    for (const lang of ["vi", "en"] as const) {
      setLang(lang);
      for (const code of all) {
        const text = errorText(new BylineError(code, "ENGLISH CORE MESSAGE"));
        expect(text, `${lang}.${code}`).toBe(t(`err_${code}` as Parameters<typeof t>[0]));
        expect(text).not.toContain("ENGLISH");
      }
    }
    setLang("vi");
    expect(errorText(new BylineError("unauthorized", "401"))).toContain("Cài đặt");
    expect(errorText(new Error("boom"))).toBe(t("err_internal"));
    expect(errorText(new BylineError("some_new_code", "x"))).toBe(t("err_internal"));
  });
});
