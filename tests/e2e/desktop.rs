//! End to end: the real Byline window under Xvfb, driven over WebDriver (tauri-driver +
//! WebKitWebDriver). Needs the built binaries (`cargo build --workspace --bins` at the repository
//! root) and a DISPLAY (`xvfb-run -a`, as in scripts/test.sh). Screenshots go to
//! tests/screenshots/ (printed at the end).
//!
//! BYLINE_APP / BYLINE_CLI / BYLINE_SERVER_BIN override the binaries (default: next to this test
//! in target/debug). The newsroom server is the real `byline-server` on a free loopback port with
//! its own data directory and an editor token (the test kit, `crates/testkit`).
//!
//! Real OS input: `os_input.rs` pastes from and copies to the X CLIPBOARD with Ctrl+V / Ctrl+C
//! pressed through XTEST (xdotool), drops a photo folder dragged over XDND from another X
//! client's window (GTK 3), and drags with the mouse through XTEST (a photo from the editor's
//! strip into the body, then the figure by its drag handle to the story's end), into apps of their
//! own. Still not OS input: WebDriver's typing, clicks and pointer Actions (WebKit automation),
//! and in the newsroom scenario below the paste (a page-made ClipboardEvent), the folder drop (the
//! app's `photos-dropped` event emitted from the page) and the photo strip's drag into the body
//! (WebDriver pointer Actions). Window tests hold `window::display_lock`: xdotool input goes to
//! whichever window has focus on the display.

mod culling;
mod editorial;
mod os_input;
mod window;
mod wordpress;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use byline_testkit::process::{ServerProcess, http};
use byline_testkit::{bin, repo};
use fantoccini::Client;
use serde_json::json;
use window::{Res, find, shot, wait_for, wait_js};

/// RSS in KiB of the app process and of its WebKit children.
fn rss_kib(app: &Path) -> Option<(u64, u64)> {
    let status = |pid: &str| std::fs::read_to_string(format!("/proc/{pid}/status")).ok();
    let field = |s: &str, k: &str| {
        s.lines()
            .find(|l| l.starts_with(k))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    let pids: Vec<String> = std::fs::read_dir("/proc")
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    let app_pid = pids
        .iter()
        .find(|p| std::fs::read_link(format!("/proc/{p}/exe")).is_ok_and(|e| e == app))?;
    let app_rss = field(&status(app_pid)?, "VmRSS:")?;
    let children: u64 = pids
        .iter()
        .filter_map(|p| status(p))
        .filter(|s| field(s, "PPid:").is_some_and(|pp| pp.to_string() == *app_pid))
        .filter_map(|s| field(&s, "VmRSS:"))
        .sum();
    Some((app_rss, children))
}

#[tokio::test(flavor = "multi_thread")]
async fn newsroom_day_in_the_real_window() {
    let _display = window::display_lock().await;
    tokio::time::timeout(Duration::from_secs(240), run())
        .await
        .expect("the E2E run took longer than 4 minutes")
        .unwrap();
}

async fn run() -> Res {
    let root = repo();
    let app = bin("BYLINE_APP", "byline-desktop").canonicalize()?;
    let cli = bin("BYLINE_CLI", "byline");
    assert!(std::env::var_os("DISPLAY").is_some(), "run under xvfb-run");
    let shots = root.join("tests/screenshots");
    std::fs::create_dir_all(&shots)?;

    // A fresh library with the model story, imported by the core (CLI) before launch.
    let data = tempfile::tempdir()?;
    let out = Command::new(&cli)
        .args(["article", "import"])
        .arg(root.join("fixtures/seed-article/article.md"))
        .env("BYLINE_DATA_DIR", data.path())
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A small folder of test photos (and the shared orientation corpus when present).
    let photos = tempfile::tempdir()?;
    for f in ["landscape_1.jpg", "landscape_6.jpg", "portrait_8.jpg"] {
        std::fs::copy(
            root.join("crates/media/tests/data").join(f),
            photos.path().join(f),
        )?;
    }
    let mut drop_paths = vec![photos.path().to_string_lossy().into_owned()];
    let corpus = root.join("../shared/corpus/orientation");
    if corpus.is_dir() {
        drop_paths.push(corpus.to_string_lossy().into_owned());
    }

    // The newsroom server the Publish panel sends to, with its own data directory.
    let server_data = tempfile::tempdir()?;
    let server = ServerProcess::start(server_data.path());
    let editor_token = server.add_user("Biên tập", "editor");

    let (_driver, c, spawned) = window::launch(&app, data.path()).await?;
    let result = scenario(
        &c,
        &shots,
        &app,
        spawned,
        &drop_paths,
        (&server, &editor_token),
    )
    .await;
    if result.is_err() {
        let _ = shot(&c, &shots, "failure.png").await;
    }
    let _ = c.close().await;
    result?;
    stored_as_typed(&cli, data.path())?;
    println!("screenshots: {}", shots.display());
    Ok(())
}

/// The title and the body are set in the bundled Noto Serif ("Byline Serif", ui/src/fonts.css),
/// and the Vietnamese text on screen really fetched its Vietnamese subset: a face whose unicode
/// range holds the precomposed Vietnamese letters is loaded. Without fonts.css there are no such
/// faces at all (WebKit's `fonts.check` alone is true for any family it has no face for).
async fn bundled_fonts_render_vietnamese(c: &Client) -> Res {
    let fonts = c
        .execute_async(
            r#"
            const done = arguments[arguments.length - 1];
            document.fonts.ready.then(() => {
                const bare = s => s.replace(/["']/g, '').trim();
                const first = sel => bare(getComputedStyle(document.querySelector(sel)).fontFamily.split(',')[0]);
                done({
                    title: first('#f-title'),
                    body: first('#story-body'),
                    check: document.fonts.check('16px "Byline Serif"', 'Nguyễn Thị Ánh ệ ữ đ'),
                    vietnamese: [...document.fonts]
                        .filter(f => f.unicodeRange.toUpperCase().includes('1EA0-1EF9'))
                        .map(f => [bare(f.family), f.style, f.status]),
                });
            });
            "#,
            vec![],
        )
        .await?;
    assert_eq!(
        (&fonts["title"], &fonts["body"]),
        (&json!("Byline Serif"), &json!("Byline Serif")),
        "the title and the body ask for the bundled serif first: {fonts}"
    );
    let faces = fonts["vietnamese"].as_array().ok_or("the font faces")?;
    for family in ["Byline Serif", "Byline Sans"] {
        assert!(
            faces.contains(&json!([family, "normal", "loaded"])),
            "the Vietnamese subset of {family} was fetched for the text on screen and is loaded (fonts.css imported): {fonts}"
        );
    }
    assert_eq!(
        fonts["check"],
        json!(true),
        "Vietnamese text in 16px Byline Serif needs nothing more to load: {fonts}"
    );
    Ok(())
}

/// What the window saved, read back by the CLI from the same library: the story's blocks in the
/// order they were edited, with distinct ids and NFC text, and the word added from the desk.
fn stored_as_typed(cli: &Path, data: &Path) -> Res {
    let byline = |args: &[&str]| -> Res<serde_json::Value> {
        let out = Command::new(cli)
            .args(args)
            .arg("--json")
            .env("BYLINE_DATA_DIR", data)
            .output()?;
        assert!(
            out.status.success(),
            "byline {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(serde_json::from_slice(&out.stdout)?)
    };
    let list = byline(&["article", "list"])?;
    let id = list
        .as_array()
        .and_then(|l| l.iter().find(|a| a["title"] == "Mưa lớn ở Hà Nội"))
        .and_then(|a| a["id"].as_str())
        .ok_or("the new story is in the library")?
        .to_owned();
    let a = byline(&["article", "show", &id])?;
    let blocks = a["blocks"].as_array().ok_or("blocks")?;
    let kinds: Vec<&str> = blocks.iter().filter_map(|b| b["type"].as_str()).collect();
    assert_eq!(
        kinds,
        ["figure", "paragraph", "heading", "figure", "figure"],
        "dropped figure, typed paragraph and heading, inserted and attached figures"
    );
    assert_eq!(
        blocks[1]["text"], "Chiều nay Hà Nội mưa rất to, nhiều tài xế Grab nghỉ chạy.",
        "the typed Vietnamese, fixed by the desk, stored as typed (NFC)"
    );
    assert_eq!(
        blocks[0]["caption"], "Người dân đi lại khó khăn trong mưa lớn ở Cầu Giấy",
        "the caption edited in the figure"
    );
    let mut ids: Vec<&str> = blocks.iter().filter_map(|b| b["id"].as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 5, "every block has its own id");
    let model = list
        .as_array()
        .and_then(|l| {
            l.iter().find(|a| {
                a["title"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("Hội nghị khảo sát"))
            })
        })
        .ok_or("the model story is in the library")?;
    assert_eq!(
        a["related"],
        json!([
            {"title": "Dự báo mưa lớn ở Hà Nội", "url": "https://nchmf.gov.vn/du-bao"},
            {"title": model["title"], "article_id": model["id"]},
        ]),
        "the related items as edited: the trimmed link moved first, the library story by id, no duplicate"
    );
    let words = byline(&["words", "list"])?;
    assert!(
        words
            .as_array()
            .is_some_and(|w| w.iter().any(|w| w == "Grab")),
        "the word added from the copy desk is in the shared word list: {words}"
    );
    Ok(())
}

async fn scenario(
    c: &Client,
    shots: &Path,
    app: &Path,
    spawned: Instant,
    drop_paths: &[String],
    (server, editor_token): (&ServerProcess, &str),
) -> Res {
    // 1. Story list with the model story.
    wait_for(c, "#story-list .story-row").await?;
    println!(
        "cold start to interactive story list: {} ms",
        spawned.elapsed().as_millis()
    );
    let title = find(c, ".story-title").await?.text().await?;
    assert!(title.starts_with("Hội nghị khảo sát"), "{title}");
    tokio::time::sleep(Duration::from_secs(2)).await;
    if let Some((a, w)) = rss_kib(app) {
        println!(
            "idle RSS: app {} MiB + WebKit processes {} MiB",
            a / 1024,
            w / 1024
        );
    }
    // Diacritic-insensitive search with highlighted snippets.
    find(c, "#story-search")
        .await?
        .send_keys("lien doan")
        .await?;
    wait_js(
        c,
        "a highlighted hit",
        "document.querySelector('#story-list mark')",
    )
    .await?;
    shot(c, shots, "01-story-list.png").await?;
    find(c, "#story-search").await?.clear().await?;
    c.execute(
        "document.querySelector('#story-search').dispatchEvent(new Event('input'))",
        vec![],
    )
    .await?;

    // 2. The model story in the editor: Vietnamese text, figures, byline.
    wait_for(c, ".story-row").await?.click().await?;
    let t = wait_for(c, "#f-title").await?;
    assert!(
        t.prop("value")
            .await?
            .unwrap_or_default()
            .contains("Nghị quyết")
    );
    wait_js(
        c,
        "figure images",
        "[...document.querySelectorAll('.figure-img')].some(i => i.complete && i.naturalWidth > 0)",
    )
    .await?;
    shot(c, shots, "02-editor-model-story.png").await?;
    bundled_fonts_render_vietnamese(c).await?;
    find(c, "#back").await?.click().await?;

    // 3. A new story in the ProseMirror body: Vietnamese typed into the title and the body,
    // Enter for a new paragraph, Ctrl+Alt+1 for a heading; autosave shows "Đã lưu".
    wait_for(c, "#new-story").await?.click().await?;
    let title = wait_for(c, "#f-title").await?;
    title.send_keys("Mưa lớn ở Hà Nội").await?;
    let body = wait_for(c, "#story-body").await?;
    body.click().await?;
    body.send_keys("Chiều nay  Hà Nội mưa rất to, ").await?;
    // Paste goes through the Rust cleanup: the zero-width space and the trailing no-break space
    // of the copied text are gone. (A page-made paste event: WebDriver has no clipboard.)
    c.execute(
        "const dt = new DataTransfer(); dt.setData('text/plain', arguments[0]); document.querySelector('#story-body').dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));",
        vec![json!("nhiều tài xế\u{200b} Grab nghỉ chạy.\u{a0}")],
    )
    .await?;
    wait_js(
        c,
        "the cleaned paste",
        "document.querySelector('#story-body > p')?.textContent === 'Chiều nay  Hà Nội mưa rất to, nhiều tài xế Grab nghỉ chạy.'",
    )
    .await?;
    body.send_keys("\u{e007}Giao thông ùn tắc").await?; // Enter, then the next block
    // A pause first, so undo history keeps the kind change apart from the typing.
    tokio::time::sleep(Duration::from_millis(700)).await;
    body.send_keys("\u{e009}\u{e00a}1\u{e000}").await?; // Ctrl+Alt+1, release
    wait_js(
        c,
        "a paragraph and a heading in the body",
        "document.querySelector('#story-body > p')?.textContent === 'Chiều nay  Hà Nội mưa rất to, nhiều tài xế Grab nghỉ chạy.' && document.querySelector('#story-body > h2')?.textContent === 'Giao thông ùn tắc' && document.querySelector('[data-kind=heading]').getAttribute('aria-pressed') === 'true'",
    )
    .await?;
    // Undo (Ctrl+Z) turns the heading back into a paragraph; redo (Ctrl+Shift+Z) restores it.
    body.send_keys("\u{e009}z\u{e000}").await?;
    wait_js(c, "undo", "!document.querySelector('#story-body > h2') && document.querySelectorAll('#story-body > p').length === 2").await?;
    body.send_keys("\u{e009}\u{e008}z\u{e000}").await?;
    wait_js(
        c,
        "redo",
        "document.querySelector('#story-body > h2')?.textContent === 'Giao thông ùn tắc'",
    )
    .await?;
    wait_js(c, "saved", "document.querySelector('#save-state').dataset.state === 'saved' && document.querySelector('#save-state').textContent.includes('Đã lưu')").await?;
    // What was saved is what was typed: NFC Vietnamese, two blocks with distinct ids.
    let stored = c
        .execute(
            "const ps = [...document.querySelectorAll('#story-body > *')]; return [ps.map(p => p.dataset.id).filter((v, i, a) => v && a.indexOf(v) === i).length, ps[0].textContent === ps[0].textContent.normalize('NFC')];",
            vec![],
        )
        .await?;
    assert_eq!(
        stored,
        json!([2, true]),
        "two blocks, distinct ids, NFC text"
    );

    // 4. Copy desk: the double space is found; clicking selects it in the body; Fix repairs it.
    wait_for(c, "#findings [data-rule=double-space]")
        .await?
        .click()
        .await?;
    let sel = c
        .execute("return [!!document.activeElement.closest('#story-body'), window.getSelection().toString()];", vec![])
        .await?;
    assert_eq!(
        sel,
        json!([true, "  "]),
        "the finding selects its range in the body"
    );
    // The unknown name offers "add to word list"; the spelling finding goes away once added.
    wait_for(c, "#findings .add-word[data-word='Grab']").await?;
    shot(c, shots, "04-copy-desk.png").await?;
    find(c, "#findings .add-word[data-word='Grab']")
        .await?
        .click()
        .await?;
    wait_js(c, "the word added", "[...document.querySelectorAll('.toast')].some(t => t.textContent.includes('Grab')) && !document.querySelector('#findings [data-word=\"Grab\"]') && document.querySelector('#findings [data-rule=double-space]')").await?;
    find(c, "#fix-btn").await?.click().await?;
    wait_js(c, "the fix", "!document.querySelector('[data-rule=double-space]') && document.querySelector('#story-body > p').textContent === 'Chiều nay Hà Nội mưa rất to, nhiều tài xế Grab nghỉ chạy.'").await?;

    // 5. Photo desk: import a folder by dropping it (the window's drop event path).
    find(c, "[data-nav=photos]").await?.click().await?;
    wait_for(c, "#photo-grid").await?;
    c.execute(
        "return window.__TAURI_INTERNALS__.invoke('plugin:event|emit', {event: 'photos-dropped', payload: arguments[0]});",
        vec![json!(drop_paths)],
    )
    .await?;
    wait_js(c, "the import to finish", "!document.querySelector('#import-progress') && [...document.querySelectorAll('.toast')].some(t => t.textContent.startsWith('Đã nhập')) && document.querySelectorAll('#photo-grid .cell').length >= 3").await?;
    wait_js(c, "three thumbnails", "[...document.querySelectorAll('#photo-grid .cell img')].filter(i => i.complete && i.naturalWidth > 0).length >= 3").await?;

    // Caption two photos in one batch: click the first, Space-select the second.
    find(c, ".cell[data-index='0']").await?.click().await?;
    find(c, "#photo-grid").await?.send_keys("\u{e014} ").await?; // ArrowRight, Space
    wait_js(c, "two selected", "document.querySelectorAll('.cell.selected').length === 2 && document.querySelector('#selected-count')?.textContent.includes('2') && document.querySelector('#ph-caption')").await?;
    find(c, "#ph-caption")
        .await?
        .send_keys("Người dân đi lại khó khăn trong mưa lớn")
        .await?;
    find(c, "#ph-credit")
        .await?
        .send_keys("Ảnh: Thanh Hà")
        .await?;
    find(c, "#apply-captions").await?.click().await?;
    wait_js(c, "two captions", "[...document.querySelectorAll('.cell-caption')].filter(e => e.textContent === 'Người dân đi lại khó khăn trong mưa lớn').length === 2").await?;
    shot(c, shots, "03-photo-desk.png").await?;
    let first_photo = c
        .execute(
            "return document.querySelector(\".cell[data-index='0']\").dataset.id",
            vec![],
        )
        .await?;
    let second_photo = c
        .execute(
            "return document.querySelector(\".cell[data-index='1']\").dataset.id",
            vec![],
        )
        .await?;

    // 6. Back in the story: drag the first photo from the editor's photo strip into the body,
    // above the first paragraph (a pointer drag), then insert the second from the keyboard
    // (pick it, Enter).
    find(c, "[data-nav=stories]").await?.click().await?;
    wait_for(c, ".story-row").await?;
    c.execute("[...document.querySelectorAll('.story-row')].find(r => r.textContent.includes('Mưa lớn ở Hà Nội')).click()", vec![]).await?;
    wait_js(
        c,
        "the story's body",
        "document.querySelector('#story-body > p')?.textContent.startsWith('Chiều nay')",
    )
    .await?;
    find(c, "#tab-photos").await?.click().await?;
    wait_js(c, "the photo strip", "[...document.querySelectorAll('#photo-strip .strip-item img')].filter(i => i.complete && i.naturalWidth > 0).length >= 3").await?;
    // A real pointer drag through WebDriver Actions (the strip drags with pointer events, as
    // WebView2 turns HTML5 drag and drop off): press on the thumbnail, move in steps past the
    // click threshold to the top of the first paragraph, see the ghost and the drop line above
    // it, release.
    use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
    let at = c
        .execute(
            r#"
            const item = document.querySelector(`#photo-strip .strip-item[data-id="${arguments[0]}"]`);
            item.scrollIntoView({block: 'center'});
            const i = item.getBoundingClientRect();
            const p = document.querySelector('#story-body > p').getBoundingClientRect();
            return [i.left + i.width / 2, i.top + i.height / 2, p.left + 40, p.top + 4].map(Math.round);
            "#,
            vec![first_photo.clone()],
        )
        .await?;
    let at: Vec<f64> = serde_json::from_value(at)?;
    let (from, to) = ((at[0], at[1]), (at[2], at[3]));
    let step = |i: f64| PointerAction::MoveTo {
        duration: Some(Duration::from_millis(60)),
        x: (from.0 + (to.0 - from.0) * i / 5.0).round(),
        y: (from.1 + (to.1 - from.1) * i / 5.0).round(),
    };
    let mut press = MouseActions::new("mouse".into())
        .then(PointerAction::MoveTo {
            duration: None,
            x: from.0,
            y: from.1,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        });
    for i in 1..=5 {
        press = press.then(step(f64::from(i)));
    }
    c.perform_actions(press).await?;
    wait_js(
        c,
        "the ghost and the drop line above the first paragraph while dragging",
        "document.querySelector('.drag-ghost') && document.querySelector('.drop-line')?.dataset.gap === '0' && document.body.classList.contains('photo-dragging')",
    )
    .await?;
    shot(c, shots, "10-photo-drag.png").await?;
    c.perform_actions(MouseActions::new("mouse".into()).then(PointerAction::Up {
        button: MOUSE_BUTTON_LEFT,
    }))
    .await?;
    c.release_actions().await?;
    wait_js(
        c,
        "the drag's ghost and line gone",
        "!document.querySelector('.drag-ghost') && !document.querySelector('.drop-line') && !document.body.classList.contains('photo-dragging')",
    )
    .await?;
    wait_js(c, "the dropped figure first", "document.querySelector('#story-body > :first-child.pm-figure')?.dataset.photoId === arguments[0] && document.querySelector('#story-body > .pm-figure .fig-caption').value === 'Người dân đi lại khó khăn trong mưa lớn'".replace("arguments[0]", &first_photo.to_string()).as_str()).await?;
    // Keyboard: cursor in the heading, pick the second photo in the strip, Enter inserts it after.
    find(c, "#story-body > h2").await?.click().await?;
    find(
        c,
        &format!("#photo-strip .strip-item[data-id={second_photo}]"),
    )
    .await?
    .click()
    .await?;
    find(c, "#insert-photo").await?.click().await?;
    wait_js(c, "the inserted figure after the heading", &format!("document.querySelector('#story-body > h2 + .pm-figure')?.dataset.photoId === {second_photo}")).await?;
    wait_js(
        c,
        "saved with the figures",
        "document.querySelector('#save-state').dataset.state === 'saved'",
    )
    .await?;
    wait_js(
        c,
        "figure images",
        "[...document.querySelectorAll('#story-body .figure-img')].filter(i => i.complete && i.naturalWidth > 0).length === 2",
    )
    .await?;
    wait_js(c, "notices gone", "!document.querySelector('.toast')").await?;
    shot(c, shots, "06-editor-photo-strip.png").await?;

    // 7. The figure's caption is the photo's caption: edit it in the story, see it in the desk.
    let cap = find(c, "#story-body > .pm-figure .fig-caption").await?;
    cap.send_keys(" ở Cầu Giấy").await?;
    wait_js(c, "saved caption", "document.querySelector('#save-state').dataset.state === 'saved' && document.querySelector('#save-state').textContent.includes('Đã lưu')").await?;
    find(c, "[data-nav=photos]").await?.click().await?;
    wait_js(c, "the shared caption in the photo desk", &format!("document.querySelector('.cell[data-id={first_photo}] .cell-caption')?.textContent === 'Người dân đi lại khó khăn trong mưa lớn ở Cầu Giấy'")).await?;

    // Attach a photo from the photo desk too (appends a figure to the story).
    find(c, &format!(".cell[data-id={second_photo}]"))
        .await?
        .click()
        .await?;
    wait_js(c, "one selected", "document.querySelectorAll('.cell.selected').length === 1 && document.querySelector('#selected-count')?.textContent.includes('1') && document.querySelector('#attach-story')").await?;
    find(c, "#attach-story")
        .await?
        .select_by_label("Mưa lớn ở Hà Nội")
        .await?;
    find(c, "#attach-btn").await?.click().await?;
    wait_js(
        c,
        "attached",
        "[...document.querySelectorAll('.toast')].some(t => t.textContent.includes('Đã gắn'))",
    )
    .await?;

    // The story now has three figures: dropped, inserted, attached.
    find(c, "[data-nav=stories]").await?.click().await?;
    wait_for(c, ".story-row").await?;
    c.execute("[...document.querySelectorAll('.story-row')].find(r => r.textContent.includes('Mưa lớn ở Hà Nội')).click()", vec![]).await?;
    wait_js(c, "three figures", "document.querySelectorAll('#story-body > .pm-figure').length === 3 && document.querySelector('#story-body > .pm-figure:last-child .fig-caption')?.value === 'Người dân đi lại khó khăn trong mưa lớn'").await?;
    wait_js(
        c,
        "figure images",
        "[...document.querySelectorAll('#story-body .figure-img')].filter(i => i.complete && i.naturalWidth > 0).length === 3",
    )
    .await?;
    // Show the edited caption, the paragraphs and the inserted figure together.
    c.execute(
        "document.querySelector('#story-body > .pm-figure figcaption').scrollIntoView({block: 'start'})",
        vec![],
    )
    .await?;
    shot(c, shots, "05-editor-with-photo.png").await?;

    // The same editor in the dark theme.
    c.execute("document.documentElement.dataset.theme = 'dark'", vec![])
        .await?;
    shot(c, shots, "07-editor-dark.png").await?;
    c.execute("document.documentElement.dataset.theme = 'light'", vec![])
        .await?;

    // A byline: the copy desk blocks publishing a story nobody signed.
    find(c, ".byline-list .ghost").await?.click().await?;
    find(c, ".byline-list input")
        .await?
        .send_keys("Thanh Hà")
        .await?;
    wait_js(c, "the byline saved", "document.querySelector('#save-state').dataset.state === 'saved' && document.querySelector('.byline-list input').value === 'Thanh Hà'").await?;

    // Related items (Tin liên quan): the model story from the library search (no accents
    // typed), a link refused for its scheme and then added, the story refused a second time as
    // a duplicate, and Alt+↑ putting the link first.
    let search = find(c, "#related-search").await?;
    c.execute(
        "document.querySelector('#related-search').scrollIntoView({block: 'center'})",
        vec![],
    )
    .await?;
    search.send_keys("hoi nghi khao sat").await?;
    wait_js(c, "the model story offered", "[...document.querySelectorAll('#related-results .related-hit')].some(h => h.textContent.startsWith('Hội nghị khảo sát'))").await?;
    search.send_keys("\u{e007}").await?; // Enter
    wait_js(c, "the story listed", "document.querySelectorAll('#related-list .related-item[data-article-id]').length === 1 && document.querySelector('#related-msg').dataset.kind === 'ok'").await?;
    find(c, "#related-title")
        .await?
        .send_keys("Dự báo mưa lớn ở Hà Nội")
        .await?;
    let link = find(c, "#related-url").await?;
    link.send_keys("ftp://nchmf.gov.vn/du-bao").await?;
    find(c, "#related-add-link").await?.click().await?;
    wait_js(c, "the scheme refused", "document.querySelector('#related-msg').dataset.kind === 'error' && document.querySelector('#related-msg').textContent.includes('https://') && document.querySelector('#related-url').getAttribute('aria-invalid') === 'true' && document.querySelectorAll('#related-list .related-item').length === 1").await?;
    link.clear().await?;
    link.send_keys("  https://nchmf.gov.vn/du-bao  ").await?;
    find(c, "#related-add-link").await?.click().await?;
    wait_js(
        c,
        "the link listed",
        "document.querySelector('#related-list .related-item[data-url]')?.dataset.url === 'https://nchmf.gov.vn/du-bao'",
    )
    .await?;
    search.send_keys("hoi nghi").await?;
    wait_js(
        c,
        "the listed story offered again",
        "document.querySelector('#related-results .related-hit .related-listed')",
    )
    .await?;
    search.send_keys("\u{e007}").await?;
    wait_js(c, "the duplicate refused", "document.querySelector('#related-msg').dataset.kind === 'error' && document.querySelector('#related-msg').textContent.includes('đã có') && document.querySelectorAll('#related-list .related-item').length === 2").await?;
    search.send_keys("\u{e00c}").await?; // Escape closes the results
    find(c, "#related-list .related-item[data-url]")
        .await?
        .send_keys("\u{e00a}\u{e013}\u{e000}") // Alt+↑, release
        .await?;
    wait_js(c, "the link moved first, still focused, and saved", "document.querySelector('#related-list .related-item:first-child')?.dataset.url === 'https://nchmf.gov.vn/du-bao' && document.activeElement === document.querySelector('#related-list .related-item:first-child') && document.querySelector('#save-state').dataset.state === 'saved'").await?;
    shot(c, shots, "11-related-items.png").await?;
    c.execute("document.documentElement.dataset.theme = 'dark'", vec![])
        .await?;
    shot(c, shots, "12-related-items-dark.png").await?;
    c.execute("document.documentElement.dataset.theme = 'light'", vec![])
        .await?;

    // 6. Settings: the local newsroom server and the editor's token (stored in the 0600 file:
    //    no keychain under this Xvfb), and the photographer's defaults.
    find(c, "[data-nav=settings]").await?.click().await?;
    let url = wait_for(c, "#server-url").await?;
    url.clear().await?;
    url.send_keys(&server.url).await?;
    find(c, "#token").await?.send_keys(editor_token).await?;
    find(c, "#def-credit")
        .await?
        .send_keys("Ảnh: Thanh Hà")
        .await?;
    find(c, "#save-settings").await?.click().await?;
    wait_js(
        c,
        "the token's store",
        "document.querySelector('#token-store').textContent.includes('tệp')",
    )
    .await?;
    shot(c, shots, "08-settings.png").await?;

    // 7. Publish panel: the story last edited is selected; Publish sends it with its photo to
    //    the real server and the panel ends at "published", the outbox empty of waiting items.
    find(c, "[data-nav=publish]").await?.click().await?;
    let pick = wait_for(c, "#publish-story").await?;
    pick.select_by_label("Mưa lớn ở Hà Nội").await?;
    wait_js(
        c,
        "the story's state",
        "document.querySelector('#story-state')?.dataset.state === 'local'",
    )
    .await?;
    let started = Instant::now();
    find(c, "#publish-btn").await?.click().await?;
    wait_js(c, "published", "document.querySelector('#story-state')?.dataset.state === 'published' && !document.querySelector('#publish-btn').disabled").await?;
    println!(
        "publish from the panel: {} ms",
        started.elapsed().as_millis()
    );
    wait_js(c, "the sent items listed", "document.querySelectorAll('#outbox .outbox-row[data-state=published]').length === 1 && document.querySelectorAll('#outbox .outbox-row[data-state=on_server]').length >= 3 && !document.querySelector('#outbox [data-state=queued], #outbox [data-state=needs_attention]')").await?;
    let label = find(c, "#story-state").await?.text().await?;
    assert_eq!(
        label, "Đã xuất bản",
        "the panel says published in Vietnamese"
    );
    shot(c, shots, "09-publish-panel.png").await?;
    let id = c
        .execute(
            "return document.querySelector('#publish-story').value",
            vec![],
        )
        .await?;
    let id = id.as_str().ok_or("story id")?.to_owned();
    let (status, page) = http("GET", &format!("{}/articles/{id}", server.url), None, None);
    assert_eq!(status, 200, "the server serves the published story");
    assert!(
        page.contains("Mưa lớn ở Hà Nội")
            && page.contains("Người dân đi lại khó khăn trong mưa lớn"),
        "the published page shows the title and the photo's caption"
    );
    Ok(())
}

/// The sync engine behind the real window. A story with four camera-sized photos goes to a
/// newsroom server behind a slow link (~150 KB/s, the loopback proxy): the first try meets a
/// wrong token, which the nav's indicator says in Vietnamese with a link to Settings; saving the
/// right token there sends everything with no retry click. While the photos creep up the desk
/// stays free: the story list shows at once, another story opens and what is typed into its
/// lead is stored (read back by the CLI from the same library). Then the link is let go and the
/// publish finishes by itself, as the server's public page shows.
#[tokio::test(flavor = "multi_thread")]
async fn a_slow_publish_never_holds_the_desk_up_and_a_corrected_token_sends_it_without_a_retry() {
    let _display = window::display_lock().await;
    tokio::time::timeout(Duration::from_secs(240), always_on_sync())
        .await
        .expect("the always-on sync E2E took longer than 4 minutes")
        .unwrap();
}

/// The slow link: what a newsroom on a weak connection sends at (bytes per second).
const SLOW_LINK: u64 = 150 * 1024;

async fn always_on_sync() -> Res {
    let started = Instant::now();
    let root = repo();
    let app = bin("BYLINE_APP", "byline-desktop").canonicalize()?;
    let cli = bin("BYLINE_CLI", "byline");
    assert!(std::env::var_os("DISPLAY").is_some(), "run under xvfb-run");
    let shots = root.join("tests/screenshots");
    std::fs::create_dir_all(&shots)?;
    let data = tempfile::tempdir()?;
    // `byline --json …` on the app's library; an import prints the new id, not JSON.
    let run = |args: &[&str]| -> Res<Vec<u8>> {
        let out = Command::new(&cli)
            .arg("--json")
            .args(args)
            .env("BYLINE_DATA_DIR", data.path())
            .output()?;
        if !out.status.success() {
            return Err(
                format!("byline {args:?}: {}", String::from_utf8_lossy(&out.stderr)).into(),
            );
        }
        Ok(out.stdout)
    };
    let byline =
        |args: &[&str]| -> Res<serde_json::Value> { Ok(serde_json::from_slice(&run(args)?)?) };

    // The library: the model story (the one to edit meanwhile) and a storm story with four
    // camera-sized photos, signed and credited so the copy desk lets it go.
    run(&["article", "import", &seed_path(&root)])?;
    let files = tempfile::tempdir()?;
    let mut md = String::from(
        "---\nsection: Thời sự\nbyline:\n  - name: Thanh Hà\n    role: writer\n  - name: Cảnh Toàn\n    role: photographer\n---\n\n# Bão số 3 đổ bộ vào Quảng Ninh\n\nChiều nay bão số 3 đổ bộ vào Quảng Ninh, gió giật mạnh, nhiều cây xanh bị quật đổ.\n\n",
    );
    // Two at a time: encoding a 6 MP JPEG in a test build takes seconds, and there are 2 cores.
    let dir = files.path();
    let sizes: Vec<u64> = std::thread::scope(|s| {
        let make = |n: u32| {
            s.spawn(move || {
                let path = dir.join(format!("bao-{n}.jpg"));
                byline_testkit::camera_photo(&path, 3000, 2000, PHOTO_GRAIN, n)
            })
        };
        let (a, b) = (make(1), make(2));
        let mut v = vec![a.join().unwrap(), b.join().unwrap()];
        let (c, d) = (make(3), make(4));
        v.extend([c.join().unwrap(), d.join().unwrap()]);
        v
    });
    for n in 1..=4 {
        md.push_str(&format!(
            "![Sóng lớn ở Bãi Cháy, ảnh {n}.](bao-{n}.jpg \"Ảnh: Cảnh Toàn\")\n\n"
        ));
    }
    let total: u64 = sizes.iter().sum();
    println!(
        "four camera photos: {:?} KiB, {} MiB in all",
        sizes.iter().map(|s| s / 1024).collect::<Vec<_>>(),
        total / (1 << 20)
    );
    for s in &sizes {
        assert!(
            (1_800_000..=3_600_000).contains(s),
            "each photo is camera-sized (2–3 MB): {sizes:?}"
        );
    }
    std::fs::write(files.path().join("bao.md"), md)?;
    run(&[
        "article",
        "import",
        &files.path().join("bao.md").to_string_lossy(),
    ])?;
    let list = byline(&["article", "list"])?;
    let id_of = |prefix: &str| -> Res<String> {
        Ok(list
            .as_array()
            .and_then(|l| {
                l.iter()
                    .find(|a| a["title"].as_str().is_some_and(|t| t.starts_with(prefix)))
            })
            .and_then(|a| a["id"].as_str())
            .ok_or_else(|| format!("`{prefix}…` is in the library: {list}"))?
            .to_owned())
    };
    let storm = id_of("Bão số 3")?;
    let model = id_of("Hội nghị khảo sát")?;

    // The newsroom server behind the slow link.
    let server_data = tempfile::tempdir()?;
    let server = ServerProcess::start(server_data.path());
    let editor_token = server.add_user("Biên tập", "editor");
    let link = byline_testkit::proxy::throttled(&server.url, SLOW_LINK);

    let (_driver, c, _spawned) = window::launch(&app, data.path()).await?;
    let result = slow_publish(
        &c,
        &shots,
        &byline,
        (&server, &link, &editor_token),
        (&storm, &model),
    )
    .await;
    if result.is_err() {
        let _ = shot(&c, &shots, "failure-sync.png").await;
    }
    let _ = c.close().await;
    result?;
    println!(
        "always-on sync scenario: {} s in all",
        started.elapsed().as_secs()
    );
    Ok(())
}

/// Grain that makes a 3000×2000 (6 MP) photo of the test scene about 2.4 MB (`camera_photo`).
const PHOTO_GRAIN: u8 = 20;

fn seed_path(root: &Path) -> String {
    root.join("fixtures/seed-article/article.md")
        .to_string_lossy()
        .into_owned()
}

/// How many of the story's photos the server's public page shows and serves.
fn served_photos(server: &ServerProcess, id: &str) -> usize {
    let (status, page) = http("GET", &format!("{}/articles/{id}", server.url), None, None);
    if status != 200 {
        return 0;
    }
    page.match_indices("src=\"/photos/")
        .filter(|(at, m)| {
            let sha: String = page[at + m.len()..]
                .chars()
                .take_while(char::is_ascii_hexdigit)
                .collect();
            http("GET", &format!("{}/photos/{sha}", server.url), None, None).0 == 200
        })
        .count()
}

async fn slow_publish(
    c: &Client,
    shots: &Path,
    byline: &dyn Fn(&[&str]) -> Res<serde_json::Value>,
    (server, link, editor_token): (&ServerProcess, &byline_testkit::proxy::Proxy, &str),
    (storm, model): (&str, &str),
) -> Res {
    // No server yet: the indicator says what to do and links to Settings.
    wait_for(c, "#story-list .story-row").await?;
    wait_js(c, "the indicator asking for a server", "document.querySelector('#sync-status')?.dataset.state === 'not_configured' && document.querySelector('#sync-status-settings')").await?;
    find(c, "#sync-status-settings").await?.click().await?;
    let url = wait_for(c, "#server-url").await?;
    url.clear().await?;
    url.send_keys(&link.url).await?;
    find(c, "#token").await?.send_keys("not-the-token").await?;
    find(c, "#save-settings").await?.click().await?;
    // The server answers its health check through the link: online, as far as anyone knows.
    wait_js(
        c,
        "the indicator online",
        "document.querySelector('#sync-status')?.dataset.state === 'online'",
    )
    .await?;
    let saved_notices = c
        .execute(
            "return [...document.querySelectorAll('.toast')].filter(t => t.textContent === 'Đã lưu cài đặt').length",
            vec![],
        )
        .await?;
    assert_eq!(saved_notices, json!(1), "one click on Save saves once");

    // Publish: queued at once; the engine meets the wrong token and the indicator says so, in
    // Vietnamese, with the way to Settings. Nothing is parked.
    find(c, "[data-nav=publish]").await?.click().await?;
    let pick = wait_for(c, "#publish-story").await?;
    pick.select_by_value(storm).await?;
    wait_js(
        c,
        "the storm story's state",
        "document.querySelector('#story-state')?.dataset.state === 'local'",
    )
    .await?;
    find(c, "#publish-btn").await?.click().await?;
    wait_js(c, "the refused token in the indicator", "document.querySelector('#sync-status')?.dataset.state === 'refused' && document.querySelector('#sync-status .sync-text').textContent === 'Máy chủ từ chối mã truy cập: cập nhật mã trong Cài đặt' && document.querySelector('#sync-status-settings')").await?;
    // The waiting story says the same, not the core's English (kept in the tooltip).
    wait_js(c, "the story's note localised", "document.querySelector('#story-error')?.textContent === 'Máy chủ từ chối mã truy cập: cập nhật mã trong Cài đặt' && document.querySelector('#story-error').title.includes('refused')").await?;
    wait_js(
        c,
        "the Publish button free again",
        "!document.querySelector('#publish-btn').disabled",
    )
    .await?;
    assert_eq!(
        served_photos(server, storm),
        0,
        "nothing published with the wrong token"
    );
    shot(c, shots, "13-token-refused.png").await?;

    // The right token in Settings, reached from the indicator. No retry click after this.
    find(c, "#sync-status-settings").await?.click().await?;
    wait_for(c, "#token").await?.send_keys(editor_token).await?;
    find(c, "#save-settings").await?.click().await?;
    let sending = Instant::now();
    // The engine takes the new token by itself: a photo starts creeping up the slow link.
    loop {
        let outbox = byline(&["outbox"])?;
        let uploading = outbox.as_array().is_some_and(|items| {
            items
                .iter()
                .any(|i| i["kind"] == "photo" && i["state"] == "uploading")
        });
        if uploading {
            break;
        }
        assert!(
            sending.elapsed() < Duration::from_secs(30),
            "a photo goes up within 30 s of saving the right token, with no retry click: {outbox}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    println!(
        "first photo uploading {} ms after the token was saved",
        sending.elapsed().as_millis()
    );

    // While the photos creep up: the story list shows at once…
    find(c, "[data-nav=stories]").await?.click().await?;
    let asked = Instant::now();
    wait_js(
        c,
        "the story list",
        "document.querySelectorAll('#story-list .story-row').length === 2",
    )
    .await?;
    let list_ms = asked.elapsed().as_millis();
    println!("story list during the upload: {list_ms} ms");
    assert!(
        list_ms <= 1500,
        "the story list shows within 1.5 s while the upload runs: {list_ms} ms"
    );
    // …another story opens, and what is typed into its lead is stored within 3 s.
    c.execute(
        "document.querySelector(`.story-row[data-id=\"${arguments[0]}\"]`).click()",
        vec![json!(model)],
    )
    .await?;
    let lead = wait_for(c, "#f-lead").await?;
    wait_js(
        c,
        "the model story in the editor",
        "document.querySelector('#f-title').value.startsWith('Hội nghị khảo sát')",
    )
    .await?;
    lead.click().await?;
    c.execute(
        "const l = document.querySelector('#f-lead'); l.setSelectionRange(l.value.length, l.value.length);",
        vec![],
    )
    .await?;
    let typed = " Cập nhật lúc 15 giờ.";
    lead.send_keys(typed).await?;
    let typed_at = Instant::now();
    loop {
        let a = byline(&["article", "show", model])?;
        if a["lead"].as_str().is_some_and(|l| l.ends_with(typed)) {
            break;
        }
        assert!(
            typed_at.elapsed() < Duration::from_secs(3),
            "the typed lead is stored within 3 s while the upload runs: {}",
            a["lead"]
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "lead typed during the upload stored after {} ms",
        typed_at.elapsed().as_millis()
    );
    wait_js(
        c,
        "saved",
        "document.querySelector('#save-state').dataset.state === 'saved'",
    )
    .await?;

    // The upload was still under way all that time: a photo is still going up.
    let outbox = byline(&["outbox"])?;
    assert!(
        outbox.as_array().is_some_and(|items| items
            .iter()
            .any(|i| i["kind"] == "photo" && i["state"] == "uploading"))
            && served_photos(server, storm) < 4,
        "the story's photos were still going up while the desk worked: {outbox}"
    );

    // The Publish panel follows the upload from the engine's events.
    find(c, "[data-nav=publish]").await?.click().await?;
    wait_for(c, "#publish-story").await?;
    find(c, "#publish-story")
        .await?
        .select_by_value(storm)
        .await?;
    wait_js(c, "a photo uploading with its bar", "document.querySelector('#outbox .outbox-row[data-kind=photo][data-state=uploading] progress') && document.querySelector('#sync-status').dataset.state === 'online'").await?;
    shot(c, shots, "14-publish-uploading.png").await?;

    // Let the link go: the rest goes up by itself and the server publishes the story with its
    // four photos, with no click in the window.
    println!(
        "slow link let go {} s after the token was saved",
        sending.elapsed().as_secs()
    );
    link.rate.store(0, std::sync::atomic::Ordering::SeqCst);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let served = served_photos(server, storm);
        if served == 4 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the story is published with its four photos within a minute of the link's release ({served} served)"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    println!(
        "published with four photos {} s after the token was saved",
        sending.elapsed().as_secs()
    );
    wait_js(c, "the panel at published, nothing waiting", "document.querySelector('#story-state')?.dataset.state === 'published' && !document.querySelector('#outbox [data-state=queued], #outbox [data-state=uploading], #outbox [data-state=needs_attention]')").await?;
    shot(c, shots, "15-publish-done.png").await?;

    // Another reporter files a story from a library of their own (the CLI, straight to the
    // server): the engine pulls it and the open story list shows it, with no click or reload.
    find(c, "[data-nav=stories]").await?.click().await?;
    wait_for(c, "#story-list .story-row").await?;
    let other = tempfile::tempdir()?;
    let filed = other.path().join("tin.md");
    std::fs::write(
        &filed,
        "---\nsection: Thời sự\nbyline:\n  - name: Minh Anh\n    role: writer\n---\n\n# Cầu Bãi Cháy tạm cấm xe\n\nCầu Bãi Cháy tạm cấm mọi phương tiện từ 18 giờ.\n",
    )?;
    let cli_other = |args: &[&str]| -> Res<String> {
        let out = Command::new(bin("BYLINE_CLI", "byline"))
            .args(args)
            .env("BYLINE_DATA_DIR", other.path())
            .output()?;
        if !out.status.success() {
            return Err(
                format!("byline {args:?}: {}", String::from_utf8_lossy(&out.stderr)).into(),
            );
        }
        Ok(String::from_utf8(out.stdout)?.trim().to_owned())
    };
    let filed_id = cli_other(&["article", "import", &filed.to_string_lossy()])?;
    cli_other(&[
        "publish",
        &filed_id,
        "--server",
        &server.url,
        "--token",
        editor_token,
    ])?;
    let on_server = Instant::now();
    wait_js(
        c,
        "the story another reporter filed, in the list",
        &format!(
            "document.querySelector('#story-list .story-row[data-id=\"{filed_id}\"]')?.textContent.includes('Cầu Bãi Cháy tạm cấm xe')"
        ),
    )
    .await?;
    let pulled_ms = on_server.elapsed().as_millis();
    println!("a story filed elsewhere in the list after {pulled_ms} ms");
    assert!(
        pulled_ms <= 4000,
        "a story filed elsewhere shows in the open list within 4 s (feed poll, pull, 150 ms debounce): {pulled_ms} ms"
    );
    shot(c, shots, "16-story-pulled.png").await?;
    Ok(())
}

/// A WordPress site added in Settings, the model story sent to it from the Publish panel, and
/// the post read back from the real WordPress (`e2e/wordpress.rs`).
#[tokio::test(flavor = "multi_thread")]
async fn a_wordpress_site_added_in_settings_gets_the_story_from_the_publish_panel() {
    let _display = window::display_lock().await;
    tokio::time::timeout(
        Duration::from_secs(240),
        wordpress::wordpress_destination_in_the_window(),
    )
    .await
    .expect("the WordPress E2E took longer than 4 minutes")
    .unwrap();
}

/// Editorial control with two people on one server: an editor assigns the model story, the
/// reporter fixes, adds to and submits it and reads the diff, the editor publishes, corrects
/// and takes it down (`e2e/editorial.rs`).
#[tokio::test(flavor = "multi_thread")]
async fn an_assigned_story_is_submitted_diffed_published_corrected_and_taken_down() {
    let _display = window::display_lock().await;
    tokio::time::timeout(
        Duration::from_secs(300),
        editorial::assigned_submitted_diffed_corrected(),
    )
    .await
    .expect("the editorial E2E took longer than 5 minutes")
    .unwrap();
}
