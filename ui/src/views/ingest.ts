// The Ingest dialog: a card (or folder) into the library plus a verified backup copy, renamed
// by a template, camera clocks corrected, a caption template for every new photo. It runs like
// an import (a worker in the shell, progress over a channel, Cancel); photos land in the grid
// as they are made.
import { open } from "@tauri-apps/plugin-dialog";
import * as api from "../api";
import { h } from "../dom";
import { errorDetail, errorText } from "../errors";
import { t, type Key } from "../i18n";
import { toast } from "../router";

/** Shows the dialog; the progress box goes into `slot`; `done` runs when the ingest ends. */
export function openIngest(slot: HTMLElement | null, done: () => void): void {
  const field = (id: string, key: Key, placeholder = "") =>
    h("input", { id, type: "text", "aria-label": t(key), placeholder });
  const source = field("ingest-source", "ingestSource");
  const backup = field("ingest-backup", "ingestBackup");
  const rename = field("ingest-rename", "ingestRename", t("ingestRenameHint"));
  const caption = field("ingest-caption", "ingestCaption", "{city}, {date}: ");
  const offsets = h("textarea", { id: "ingest-offsets", rows: "2", "aria-label": t("ingestOffsets"), placeholder: "NIKON D90=-00:10:00" });
  const choose = (input: HTMLInputElement) =>
    h("button", { class: "ghost", type: "button", onclick: async () => {
      const picked = await open({ directory: true, multiple: false });
      if (typeof picked === "string") input.value = picked;
    } }, t("ingestChoose"));
  // Lightroom's choice at import: minimal previews (the card copies at reading speed, previews
  // follow in the background) or standard ones made on the way.
  const previewsNow = h("input", { id: "ingest-previews-now", type: "checkbox" });
  const row = (key: Key, ...el: HTMLElement[]) => h("label", { class: "field" }, h("span", {}, t(key)), h("div", { class: "field-row" }, ...el));
  const dialog = h(
    "dialog",
    { id: "ingest-dialog", class: "ingest-dialog" },
    h(
      "form",
      { method: "dialog", class: "ingest-form" },
      h("h2", { class: "sub" }, t("ingest")),
      row("ingestSource", source, choose(source)),
      row("ingestBackup", backup, choose(backup)),
      row("ingestRename", rename),
      row("ingestOffsets", offsets),
      row("ingestCaption", caption),
      h("label", { class: "field check" }, previewsNow, h("span", {}, t("ingestPreviewsNow"))),
      h(
        "div",
        { class: "panel-actions" },
        h("button", { class: "ghost", type: "button", onclick: () => dialog.close() }, t("cancel")),
        h("button", { class: "primary", id: "ingest-start", type: "submit" }, t("ingestStart")),
      ),
    ),
  );
  dialog.addEventListener("close", () => dialog.remove());
  dialog.querySelector("form")!.addEventListener("submit", (e) => {
    if (!source.value.trim()) {
      e.preventDefault();
      toast(t("ingestNeedSource"), "error");
      return;
    }
    const request: api.IngestRequest = {
      backup: backup.value.trim() || null,
      rename: rename.value.trim() || null,
      time_offsets: offsets.value.split("\n").map((s) => s.trim()).filter(Boolean),
      caption_template: caption.value.trim() || null,
      previews_now: previewsNow.checked,
    };
    void run([source.value.trim()], request, slot, done);
  });
  document.body.append(dialog);
  dialog.showModal();
}

async function run(paths: string[], request: api.IngestRequest, slot: HTMLElement | null, done: () => void) {
  const bar = h("progress", { max: "1", value: "0", "aria-label": t("ingest") });
  const label = h("span", { class: "import-label", id: "ingest-stage" }, t("ingestStage_copying", { done: 0, total: "…" }));
  const box = h(
    "div",
    { class: "import-progress", id: "ingest-progress", role: "status" },
    label,
    bar,
    h("button", { class: "ghost", id: "cancel-ingest", onclick: () => void api.cancelImport() }, t("cancel")),
  );
  slot?.replaceChildren(box);
  try {
    const r = await api.ingestPhotos(paths, request, (p) => {
      bar.max = p.total;
      bar.value = p.done;
      box.dataset.stage = p.stage;
      label.textContent = t(`ingestStage_${p.stage}`, { done: p.done, total: p.total });
    });
    const summary = t("ingestDone", { n: r.imported.length, b: r.backed_up.length, d: r.duplicates.length, f: r.failed.length });
    toast(summary);
    // The finished box stays a moment with the totals, so what happened can be read.
    box.dataset.stage = "done";
    bar.max = 1;
    bar.value = 1;
    label.textContent = summary;
    box.querySelector("#cancel-ingest")?.remove();
    window.setTimeout(() => box.remove(), 8000);
  } catch (e) {
    toast(errorText(e), "error", { detail: errorDetail(e) });
    box.remove();
  } finally {
    done();
  }
}
