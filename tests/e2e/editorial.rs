//! Editorial control in the real window, with two people on one real `byline-server`: an editor
//! assigns the model story to a reporter; the reporter finds it under "assigned to me", runs the
//! copy desk's fix, adds a sentence and submits it, and reads the diff in the history panel
//! (inline and side by side, the fixed no-break spaces marked); the editor finds it under
//! "waiting for me", publishes it, publishes a correction (the public page shows the dated notice)
//! and takes it down (410, versions kept). Each person has a library and an app of their own,
//! opened one after the other on the display. Screenshots 40–48 in tests/screenshots/.

use std::path::Path;
use std::time::{Duration, Instant};

use byline_testkit::process::{ServerProcess, http};
use fantoccini::Client;
use serde_json::{Value, json};

use crate::window::{self, Res, find, shot, wait_for, wait_js};

const EDITOR: &str = "Biên tập";
const REPORTER: &str = "Thanh Hà";
/// What the reporter adds to the lead before handing the story in.
const ADDED: &str = " Đoàn công tác sẽ báo cáo kết quả vào cuối tháng.";
const NOTICE: &str = "Bài viết đã được bổ sung thời hạn báo cáo của đoàn công tác.";

pub async fn assigned_submitted_diffed_corrected() -> Res {
    let s = window::setup()?;
    let server_dir = tempfile::tempdir()?;
    let server = ServerProcess::start(server_dir.path());
    let editor_token = server.add_user(EDITOR, "editor");
    let reporter_token = server.add_user(REPORTER, "reporter");
    let desk = tempfile::tempdir()?;
    let field = tempfile::tempdir()?;
    let id = window::import_model_story(&s, desk.path())?;
    let working = |key: &str| -> Value {
        let (status, body) = http(
            "GET",
            &format!("{}/api/articles/{id}", server.url),
            Some(&editor_token),
            None,
        );
        if status != 200 {
            return Value::Null;
        }
        serde_json::from_str::<Value>(&body).unwrap_or_default()["article"][key].clone()
    };

    // The editor's app: the story goes to the reporter.
    in_window(&s.app, desk.path(), &s.shots, "editor-assign", async |c| {
        window::connect(c, &server.url, &editor_token).await?;
        assign(c, &s.shots, &id).await
    })
    .await?;
    wait_until("the assignment on the server", 30, || {
        working("assigned").to_string().contains(REPORTER)
    })?;

    // The reporter's app: it arrives by sync, marked as theirs; fixed, added to, handed in.
    in_window(&s.app, field.path(), &s.shots, "reporter", async |c| {
        window::connect(c, &server.url, &reporter_token).await?;
        reporter(c, &s.shots, &id).await
    })
    .await?;
    wait_until("the submitted story on the server", 30, || {
        working("status") == json!("submitted")
    })?;
    assert!(
        working("lead")
            .as_str()
            .unwrap_or_default()
            .ends_with(ADDED),
        "the desk has the reporter's sentence: {}",
        working("lead")
    );
    let page = || http("GET", &format!("{}/articles/{id}", server.url), None, None);
    assert_eq!(
        page().0,
        404,
        "nothing is public before an editor publishes"
    );

    // The editor's app again: waiting for the editor, published, corrected, taken down.
    in_window(&s.app, desk.path(), &s.shots, "editor-publish", async |c| {
        editor_publishes(c, &s.shots, &id, &page).await
    })
    .await?;
    let (status, body) = page();
    assert_eq!(status, 410, "the taken-down page answers 410 Gone");
    assert!(
        !body.contains("Đoàn công tác"),
        "with none of the story's text"
    );
    let (_, versions) = http(
        "GET",
        &format!("{}/api/articles/{id}/versions", server.url),
        Some(&editor_token),
        None,
    );
    let versions: Value = serde_json::from_str(&versions)?;
    let kept: Vec<(u64, Option<&str>)> = versions["versions"]
        .as_array()
        .ok_or("a versions list")?
        .iter()
        .map(|v| (v["version"].as_u64().unwrap_or(0), v["correction"].as_str()))
        .collect();
    assert_eq!(
        kept,
        vec![(1, None), (2, Some(NOTICE))],
        "both published versions are kept after the takedown"
    );
    Ok(())
}

/// Runs `steps` in a fresh app on `data`, with a screenshot named after `what` on failure.
async fn in_window(
    app: &Path,
    data: &Path,
    shots: &Path,
    what: &str,
    steps: impl AsyncFnOnce(&Client) -> Res,
) -> Res {
    let (_driver, c, _) = window::launch(app, data).await?;
    let result = steps(&c).await;
    if result.is_err() {
        let _ = shot(&c, shots, &format!("failure-editorial-{what}.png")).await;
        if let Ok(text) = c
            .execute("const side = document.querySelector('.editor-body > :last-child'); return (side ?? document.querySelector('main'))?.innerText.slice(0, 3000)", vec![])
            .await
        {
            eprintln!("the window showed, at the failure:\n{}", text.as_str().unwrap_or_default());
        }
    }
    let _ = c.close().await;
    result
}

/// Polls `cond` (blocking HTTP reads, off the async worker) for up to `secs` seconds.
fn wait_until(what: &str, secs: u64, cond: impl Fn() -> bool) -> Res {
    let deadline = Instant::now() + Duration::from_secs(secs);
    tokio::task::block_in_place(|| {
        while !cond() {
            if Instant::now() > deadline {
                return Err(format!("timed out after {secs} s waiting for {what}").into());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Ok(())
    })
}

async fn open_story(c: &Client, id: &str) -> Res {
    find(c, "[data-nav=stories]").await?.click().await?;
    let row = format!(".story-row[data-id=\"{id}\"]");
    wait_for(c, &row).await?.click().await?;
    wait_js(
        c,
        "the model story in the editor",
        "document.querySelector('#f-title')?.value.startsWith('Hội nghị khảo sát')",
    )
    .await
}

async fn assign(c: &Client, shots: &Path, id: &str) -> Res {
    open_story(c, id).await?;
    let who = find(c, "#assign-reporter").await?;
    c.execute(
        "document.querySelector('#assign-row').scrollIntoView({block: 'center'})",
        vec![],
    )
    .await?;
    who.send_keys(REPORTER).await?;
    find(c, "#assign-btn").await?.click().await?;
    window::wait_toast(
        c,
        "the assignment confirmed",
        &format!("Đã giao bài cho {REPORTER}"),
    )
    .await?;
    shot(c, shots, "40-editor-assigns-story.png").await?;
    // The app sends it in the background: the Publish panel says who has it once it went.
    window::publish_panel(c, id).await?;
    wait_js(
        c,
        "the story sent with its assignment",
        &format!("document.querySelector('#story-assigned')?.textContent.includes('{REPORTER}') && document.querySelector('#story-state')?.dataset.state === 'on_server'"),
    )
    .await
}

async fn reporter(c: &Client, shots: &Path, id: &str) -> Res {
    find(c, "[data-nav=stories]").await?.click().await?;
    let row = format!(".story-row[data-id=\"{id}\"]");
    // Pulled by the engine as it follows the server's change feed.
    window::wait_js_within(
        c,
        "the assigned story pulled",
        &format!("document.querySelector('{row}')"),
        Duration::from_secs(90),
    )
    .await?;
    wait_for(c, "#status-filter")
        .await?
        .select_by_value("mine")
        .await?;
    wait_js(
        c,
        "only the story assigned to the reporter",
        &format!("document.querySelectorAll('#story-list .story-row').length === 1 && document.querySelector('{row} .story-assigned')?.textContent === '{REPORTER}'"),
    )
    .await?;
    shot(c, shots, "41-assigned-to-me.png").await?;
    find(c, "#status-filter")
        .await?
        .select_by_value("waiting")
        .await?;
    wait_js(
        c,
        "the story waiting for its reporter",
        &format!("document.querySelectorAll('#story-list .story-row').length === 1 && document.querySelector('{row}')"),
    )
    .await?;
    find(c, "#status-filter").await?.select_by_value("").await?;

    // The copy desk's fix, then a sentence at the end of the lead, then hand it in.
    open_story(c, id).await?;
    wait_for(c, "#fix-btn:not([disabled])")
        .await?
        .click()
        .await?;
    window::wait_toast(c, "the fixes applied", "Đã sửa").await?;
    window::type_at_end(c, "#f-lead", ADDED).await?;
    find(c, "#submit-story").await?.click().await?;
    wait_js(
        c,
        "the story handed in",
        "document.querySelector('#story-status')?.value === 'submitted' && [...document.querySelectorAll('.toast')].some(t => t.textContent === 'Đã nộp bài cho ban biên tập')",
    )
    .await?;
    shot(c, shots, "42-reporter-submits.png").await?;

    // History: the first revision (the import) against now, inline then side by side.
    find(c, "#tab-history").await?.click().await?;
    wait_for(c, "button.rev-compare[data-revision=\"1\"]")
        .await?
        .click()
        .await?;
    wait_js(
        c,
        "the inline diff with the no-break spaces marked and the sentence inserted",
        "document.querySelector('#diff-view.diff-inline') && [...document.querySelectorAll('#diff-view del .ws')].some(w => w.textContent === '⍽') && [...document.querySelectorAll('#diff-view ins')].some(i => i.textContent.includes('Đoàn·công·tác'))",
    )
    .await?;
    let marked = c
        .execute(
            "return [...document.querySelectorAll('#diff-view .diff-change')].map(li => li.dataset.block)",
            vec![],
        )
        .await?;
    assert!(
        marked.as_array().is_some_and(|b| b.len() >= 2),
        "the diff lists the fixed blocks and the lead: {marked}"
    );
    shot(c, shots, "43-history-diff-inline.png").await?;
    // Scrolled into view and clicked in the page: the notices may still cover the toggle.
    c.execute("document.querySelector('#diff-side').click()", vec![])
        .await?;
    wait_js(
        c,
        "the side-by-side diff",
        "document.querySelector('#diff-view.diff-side .diff-text.old del') && document.querySelector('#diff-view.diff-side .diff-text.new ins')",
    )
    .await?;
    shot(c, shots, "44-history-diff-side-by-side.png").await?;
    wait_sent(c, id).await
}

/// Waits until the Publish panel shows the story with nothing left to send.
async fn wait_sent(c: &Client, id: &str) -> Res {
    window::publish_panel(c, id).await?;
    wait_js(
        c,
        "the story sent",
        "['on_server', 'published'].includes(document.querySelector('#story-state')?.dataset.state)",
    )
    .await
}

async fn editor_publishes(
    c: &Client,
    shots: &Path,
    id: &str,
    page: &dyn Fn() -> (u16, String),
) -> Res {
    // The reporter's work arrives by itself and waits for the editor.
    wait_for(c, "#status-filter")
        .await?
        .select_by_value("waiting")
        .await?;
    let row = format!(".story-row[data-id=\"{id}\"]");
    window::wait_js_within(
        c,
        "the submitted story waiting for the editor",
        &format!("document.querySelector('{row} .status-submitted')"),
        Duration::from_secs(90),
    )
    .await?;
    shot(c, shots, "45-waiting-for-the-editor.png").await?;
    find(c, "#status-filter").await?.select_by_value("").await?;

    // Published: version 1 on the page, with the reporter's sentence.
    publish(c, id, None, 1).await?;
    let (status, first) = page();
    assert_eq!(status, 200, "the published page is up");
    assert!(
        first.contains(ADDED.trim()),
        "the page shows the approved lead"
    );

    // The editor changes the lead and publishes it again with a correction.
    open_story(c, id).await?;
    window::type_at_end(c, "#f-lead", " Hạn báo cáo là ngày 31/12.").await?;
    publish(c, id, Some(NOTICE), 2).await?;
    shot(c, shots, "46-editor-correction.png").await?;
    let (_, corrected) = page();
    assert!(
        corrected.contains("Hạn báo cáo là ngày 31/12.")
            && corrected.contains("Thông tin cải chính"),
        "the page shows the new text under a corrections heading"
    );
    assert!(
        corrected.contains(&format!("</time>: {NOTICE}")),
        "with the dated notice"
    );

    // The history panel lists both published versions, the correction with its notice.
    open_story(c, id).await?;
    find(c, "#tab-history").await?.click().await?;
    wait_js(
        c,
        "both published versions in the history",
        &format!("document.querySelectorAll('#server-versions .version').length === 2 && document.querySelector('#server-versions .version[data-version=\"2\"] .correction-note')?.textContent === '{NOTICE}'"),
    )
    .await?;
    find(c, "#server-versions .version[data-version=\"1\"]")
        .await?
        .click()
        .await?;
    wait_js(
        c,
        "version 1 against now",
        "[...document.querySelectorAll('#diff-view ins')].some(i => i.textContent.includes('31/12'))",
    )
    .await?;
    window::scroll_panel_to(c, "#side-panel", "#server-versions").await?;
    shot(c, shots, "47-published-versions.png").await?;

    // Taken down, after a confirmation in the panel.
    window::publish_panel(c, id).await?;
    wait_for(c, "#takedown-btn:not([disabled])")
        .await?
        .click()
        .await?;
    wait_for(c, "#takedown-form:not([hidden]) #takedown-reason")
        .await?
        .send_keys("Chờ xác minh lại số liệu")
        .await?;
    shot(c, shots, "48-takedown-confirm.png").await?;
    find(c, "#takedown-confirm").await?.click().await?;
    window::wait_toast(c, "the takedown done", "Đã gỡ bài").await
}

/// Publishes from the Publish panel (with a correction notice) and waits for version `n` live.
async fn publish(c: &Client, id: &str, correction: Option<&str>, n: u32) -> Res {
    window::publish_panel(c, id).await?;
    if let Some(text) = correction {
        find(c, "#correction").await?.send_keys(text).await?;
    }
    wait_for(c, "#publish-btn:not([disabled])")
        .await?
        .click()
        .await?;
    let live =
        format!("document.querySelector('#story-live')?.textContent === 'Đang đăng: bản {n}'");
    window::wait_js_within(
        c,
        &format!("version {n} live"),
        &live,
        Duration::from_secs(90),
    )
    .await
}
