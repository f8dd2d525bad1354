// Publish panel: the selected story's state, its conflicts side by side, and the whole outbox,
// with Publish, Sync now and Retry. Publish only queues: the sync engine sends in the background
// and the panel redraws from `publish_panel` when its events say something changed, and moves
// the upload bars as `upload` events arrive. Nothing here waits on the network or polls.
import * as api from "../api";
import { fill, h } from "../dom";
import { errorDetail, errorText } from "../errors";
import { t, type Key } from "../i18n";
import { debounce, indicator, lastConnection, subscribe, touchesPublishing, watchConnection } from "../live";
import { toast, type View } from "../router";
import { formatTime, statusBadge } from "./stories";

/** The label of a state, with the upload percentage filled in. */
export function stateLabel(state: api.PublishState, progress: number): string {
  return t(`state_${state}` as Key, { n: progress });
}

function stateBadge(state: api.PublishState, progress: number, id?: string): HTMLElement {
  return h(
    "span",
    { class: `badge pub-${state}`, "data-state": state, id },
    stateLabel(state, progress),
  );
}

function progressBar(pct: number, label: string): HTMLElement {
  return h("progress", { max: "100", value: String(pct), "aria-label": label });
}

/** An upload's percentage, 0–100 (an empty file counts as done). */
export function uploadPercent(done: number, total: number): number {
  if (total <= 0) return 100;
  return Math.max(0, Math.min(100, Math.floor((done * 100) / total)));
}

/**
 * What to say about an item's last failure. While it is only waiting (queued) and the engine has
 * said why (a refused or missing token, no server, offline), that localised reason with what to
 * do is shown; the core's own words stay in the tooltip. A parked item keeps its own reason:
 * that is about the item (a refused role, invalid content), not the connection.
 */
export function waitingNote(state: api.PublishState, error: string): string {
  const ind = indicator(lastConnection());
  if (state === "queued" && ind.state !== "online" && ind.state !== "unknown") return t(ind.key);
  return error;
}

export async function publishView(): Promise<View> {
  let stories = await api.listStories();
  const last = sessionStorage.getItem("lastStory");
  const pick = h(
    "select",
    { id: "publish-story", "aria-label": t("publishPick") },
    ...stories.map((s) => h("option", { value: s.id }, s.title || t("untitled"))),
  );
  if (last && stories.some((s) => s.id === last)) pick.value = last;

  const storyBox = h("section", {
    class: "pub-card",
    id: "story-state-box",
    "aria-labelledby": "story-state-h",
    "aria-live": "polite",
  });
  const conflictBox = h("section", { class: "pub-conflicts", id: "conflicts" });
  const outboxList = h("ul", { class: "outbox", id: "outbox", "aria-label": t("outboxTitle") });

  let busy = false;
  const publishBtn = h("button", { class: "primary", id: "publish-btn" }, t("publishStory"));
  const syncBtn = h("button", { class: "ghost", id: "sync-btn" }, t("syncNow"));
  const retryBtn = h("button", { class: "ghost", id: "retry-btn" }, t("retry"));
  const correction = h("textarea", {
    id: "correction",
    class: "correction",
    rows: "2",
    placeholder: t("correctionPlaceholder"),
    "aria-label": t("correction"),
  });
  const takeDownBtn = h("button", { class: "ghost danger", id: "takedown-btn" }, t("takeDown"));
  const setBusy = (b: boolean) => {
    busy = b;
    for (const el of [publishBtn, syncBtn, retryBtn, pick, sitesBtn, takeDownBtn]) el.disabled = b || stories.length === 0;
    if (stories.length === 0) syncBtn.disabled = b;
  };

  function renderStory(s: api.StoryState | null) {
    if (!s) {
      storyBox.replaceChildren(h("p", { class: "muted" }, t("noStories")));
      return;
    }
    fill(
      storyBox,
      h("h2", { id: "story-state-h", class: "sub" }, t("selectedStory")),
      h(
        "div",
        { class: "pub-state-row" },
        stateBadge(s.state, s.progress, "story-state"),
        s.state === "uploading" ? progressBar(s.progress, stateLabel(s.state, s.progress)) : null,
        s.server_revision !== null
          ? h("span", { class: "muted small" }, t("serverRevision", { n: s.server_revision }))
          : null,
        s.pending > 0 ? h("span", { class: "muted small" }, t("pendingN", { n: s.pending })) : null,
      ),
      h(
        "div",
        { class: "pub-state-row", id: "story-workflow" },
        s.status ? statusBadge(s.status) : null,
        s.assigned?.length
          ? h("span", { class: "small", id: "story-assigned" }, `${t("whoHas")}: ${s.assigned.map((p) => p.name).join(", ")}`)
          : null,
        s.live
          ? h("span", { class: "small", id: "story-live" }, s.live.withdrawn ? t("liveWithdrawn") : t("liveVersion", { n: s.live.version }))
          : null,
        s.live && !s.live.withdrawn && s.server_revision !== null && s.server_revision > s.live.revision
          ? h("span", { class: "muted small" }, t("liveChanged"))
          : null,
      ),
      s.error
        ? h(
            "p",
            {
              class: s.state === "needs_attention" ? "pub-error" : "pub-note",
              role: "alert",
              id: "story-error",
              title: s.error,
            },
            waitingNote(s.state, s.error),
          )
        : null,
      s.destinations.length > 0
        ? h(
            "ul",
            { class: "pub-sites", id: "story-sites" },
            ...s.destinations.map((d) =>
              h(
                "li",
                { "data-site": d.destination, "data-state": d.state },
                h("strong", {}, d.destination),
                " ",
                stateBadge(d.state, 100),
                d.url && d.state === "published"
                  ? h("a", { href: d.url, target: "_blank", rel: "noopener", class: "small" }, ` ${t("onSite")}`)
                  : null,
                d.error ? h("span", { class: d.state === "needs_attention" ? "pub-error" : "pub-note", title: d.error }, ` ${d.error}`) : null,
              ),
            ),
          )
        : null,
    );
  }

  // "Send to site": one checkbox per WordPress site from Settings, then one button.
  const destinations = await api.listDestinations();
  const siteChecks = destinations.map((d) =>
    h("input", { type: "checkbox", value: d.name, "data-site": d.name, "aria-label": d.name }),
  );
  const sitesBtn = h("button", { class: "ghost", id: "publish-to-sites", type: "button" }, t("publishToSites"));
  const sitesBox =
    destinations.length === 0
      ? null
      : h(
          "section",
          { class: "pub-card", id: "send-to-sites", "aria-labelledby": "send-to-h" },
          h("h2", { class: "sub", id: "send-to-h" }, t("sendTo")),
          ...destinations.map((d, i) =>
            h("label", { class: "site-choice" }, siteChecks[i], ` ${d.name} `, h("span", { class: "muted small" }, d.url)),
          ),
          h("div", { class: "panel-actions" }, sitesBtn),
        );

  function renderOutbox(items: api.OutboxEntry[]) {
    if (items.length === 0) {
      outboxList.replaceChildren(h("li", { class: "empty" }, t("outboxEmpty")));
      return;
    }
    outboxList.replaceChildren(
      ...items.map((i) =>
        h(
          "li",
          {
            class: `outbox-row state-${i.state}`,
            "data-kind": i.kind,
            "data-state": i.state,
            "data-item": String(i.id),
          },
          h("span", { class: "outbox-kind" }, t(`kind_${i.kind}` as Key)),
          h("span", { class: "outbox-label", title: i.target }, i.label),
          h(
            "span",
            { class: "outbox-state" },
            stateBadge(i.state, i.progress),
            i.state === "uploading" ? progressBar(i.progress, i.label) : null,
          ),
          h("time", { class: "muted small", datetime: i.updated_at }, formatTime(i.updated_at)),
          i.error && i.state !== "on_server" && i.state !== "published"
            ? h(
                "span",
                { class: i.state === "needs_attention" ? "pub-error" : "pub-note", title: i.error },
                waitingNote(i.state, i.error),
              )
            : null,
        ),
      ),
    );
  }

  function side(title: string, text: string, deleted: boolean, cls: string): HTMLElement {
    return h(
      "div",
      { class: `conflict-side ${cls}` },
      h("div", { class: "conflict-side-h" }, title),
      h("div", { class: "conflict-text", lang: "vi" }, deleted ? t("deletedSide") : text),
    );
  }

  function renderConflicts(id: string, list: api.ConflictView[]) {
    if (list.length === 0) {
      conflictBox.replaceChildren();
      return;
    }
    const resolve = async (c: api.ConflictView, choice: api.Choice) => {
      try {
        const left = await api.resolveConflict(id, c.index, choice);
        toast(t("conflictResolved"));
        renderConflicts(id, left);
        await refresh();
      } catch (e) {
        toast(errorText(e), "error", { detail: errorDetail(e) });
      }
    };
    conflictBox.replaceChildren(
      h("h2", { class: "sub", id: "conflicts-h" }, t("conflictsTitle", { n: list.length })),
      ...list.map((c) =>
        h(
          "article",
          {
            class: "conflict",
            "data-index": String(c.index),
            "aria-label": c.block_id ? t("conflictBlock") : t("conflictField", { f: c.field }),
          },
          h("div", { class: "conflict-what small muted" }, c.block_id ? t("conflictBlock") : t("conflictField", { f: c.field })),
          h(
            "div",
            { class: "conflict-cols" },
            side(t("serverVersion"), c.server, c.server_deleted, "server"),
            side(t("myVersion"), c.mine, c.mine_deleted, "mine"),
          ),
          h(
            "div",
            { class: "panel-actions" },
            h("button", { class: "ghost", "data-choice": "keep_server", onclick: () => void resolve(c, "keep_server") }, t("keepServer")),
            h("button", { class: "ghost", "data-choice": "use_mine", onclick: () => void resolve(c, "use_mine") }, t("useMine")),
            c.can_keep_both
              ? h("button", { class: "ghost", "data-choice": "keep_both", onclick: () => void resolve(c, "keep_both") }, t("keepBoth"))
              : null,
          ),
        ),
      ),
    );
  }

  let seq = 0;
  async function refresh() {
    const my = ++seq;
    const id = pick.value;
    const [panelNow, conflicts] = await Promise.all([
      api.publishPanel(id || undefined),
      id ? api.listConflicts(id) : Promise.resolve([] as api.ConflictView[]),
    ]);
    if (my !== seq) return; // a newer refresh is on its way
    renderOutbox(panelNow.outbox);
    renderStory(panelNow.story);
    renderConflicts(id, conflicts);
  }

  /** Moves an upload's bar at once; the story's total follows with the next refresh. */
  function showUpload(e: Extract<api.SyncEvent, { type: "upload" }>) {
    const pct = uploadPercent(e.done, e.total);
    const row = outboxList.querySelector<HTMLElement>(`.outbox-row[data-item="${e.item}"]`);
    if (!row) return;
    row.dataset.state = "uploading";
    const state = row.querySelector<HTMLElement>(".outbox-state");
    if (state) state.replaceChildren(stateBadge("uploading", pct), progressBar(pct, stateLabel("uploading", pct)));
  }

  /** A story pulled from the server (or created elsewhere) joins the picker; the pick stays. */
  async function refreshPicker() {
    stories = await api.listStories();
    const keep = pick.value;
    pick.replaceChildren(...stories.map((s) => h("option", { value: s.id }, s.title || t("untitled"))));
    if (stories.some((s) => s.id === keep)) pick.value = keep;
    setBusy(busy);
  }

  const live = debounce(() => void refresh().catch(() => undefined), 150);
  const stop = subscribe((e) => {
    if (e.type === "upload") showUpload(e);
    if (e.type === "story_changed" && !stories.some((s) => s.id === e.id)) void refreshPicker().catch(() => undefined);
    if (touchesPublishing(e)) live();
  });
  // The notes of waiting items follow the connection (see `waitingNote`).
  const stopWatching = watchConnection(() => live());

  async function run(work: () => Promise<void>) {
    if (busy) return;
    setBusy(true);
    try {
      await work();
    } catch (e) {
      toast(errorText(e), "error", { detail: errorDetail(e) });
    } finally {
      setBusy(false);
      await refresh().catch(() => undefined);
    }
  }

  publishBtn.addEventListener("click", () =>
    void run(async () => {
      sessionStorage.setItem("lastStory", pick.value);
      // Queued at once; the engine's events move the state on from here.
      renderStory(await api.publishStory(pick.value, correction.value));
      correction.value = "";
    }),
  );
  // A takedown empties the public page: asked in the panel (with its reason for the archive),
  // never in a blocking browser prompt.
  const takeDownReason = h("textarea", { id: "takedown-reason", rows: "2", "aria-label": t("takeDownReason"), placeholder: t("takeDownReason") });
  const takeDownBox = h(
    "form",
    { class: "takedown-confirm", id: "takedown-form", hidden: true },
    h("p", { class: "small" }, t("takeDownAsk")),
    takeDownReason,
    h(
      "div",
      { class: "panel-actions" },
      h("button", { class: "danger", id: "takedown-confirm", type: "submit" }, t("takeDownConfirm")),
      h("button", { class: "ghost", id: "takedown-cancel", type: "button", onclick: () => (takeDownBox.hidden = true) }, t("cancel")),
    ),
  );
  takeDownBtn.addEventListener("click", () => {
    takeDownBox.hidden = false;
    takeDownReason.focus();
  });
  takeDownBox.addEventListener("submit", (e) => {
    e.preventDefault();
    void run(async () => {
      await api.unpublishStory(pick.value, takeDownReason.value.trim() || undefined);
      takeDownBox.hidden = true;
      takeDownReason.value = "";
      toast(t("takenDown"));
    });
  });
  sitesBtn.addEventListener("click", () =>
    void run(async () => {
      const names = siteChecks.filter((c) => c.checked).map((c) => c.value);
      sessionStorage.setItem("lastStory", pick.value);
      renderStory(await api.publishToDestinations(pick.value, names));
      toast(t("sentToSites", { n: names.length }));
    }),
  );
  syncBtn.addEventListener("click", () =>
    void run(async () => {
      const n = await api.syncNow();
      toast(t("syncDone", { n }));
    }),
  );
  retryBtn.addEventListener("click", () =>
    void run(async () => {
      const n = await api.retryOutbox();
      toast(t("retriedN", { n }));
    }),
  );
  pick.addEventListener("change", () => {
    sessionStorage.setItem("lastStory", pick.value);
    void refresh();
  });

  setBusy(false);
  await refresh();
  const el = h(
    "section",
    { class: "page publish", "aria-labelledby": "publish-h" },
    h(
      "header",
      { class: "toolbar" },
      h("h1", { id: "publish-h" }, t("publishTitle")),
      pick,
      publishBtn,
      syncBtn,
      retryBtn,
      takeDownBtn,
    ),
    h(
      "div",
      { class: "publish-body" },
      takeDownBox,
      h("label", { class: "correction-field" }, t("correction"), correction),
      storyBox,
      sitesBox,
      conflictBox,
      h("h2", { class: "sub" }, t("outboxTitle")),
      outboxList,
    ),
  );
  return {
    el,
    leave: async () => {
      stop();
      stopWatching();
      live.cancel();
    },
  };
}
