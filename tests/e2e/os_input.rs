//! Real OS input under Xvfb, where WebDriver has none: the X CLIPBOARD (a Ctrl+V and a Ctrl+C
//! pressed through XTEST with xdotool, read back with xclip), an XDND drop of a photo folder
//! dragged out of another X client's window (tests/e2e/drag_source.py, GTK 3), and mouse drags
//! inside the window through XTEST (a photo from the editor's strip into the body, then that
//! figure by its drag handle to the end of the story). Nothing here dispatches a page-made event:
//! the page is only read, and watched through listeners that record whether what arrived was
//! trusted (made by the browser from native input).
//!
//! Needs xdotool, xclip, and python3-gi + gir1.2-gtk-3.0 for /usr/bin/python3 (scripts/deps.sh).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use byline_testkit::{bin, repo};
use fantoccini::Client;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{ChildStdout, Command};
use unicode_normalization::UnicodeNormalization;

use crate::window::{self, Driver, Res, find, shot, wait_for, wait_js};

/// python3-gi installs into the system interpreter; a pyenv or venv `python3` earlier on PATH
/// would not find `gi`.
const PYTHON: &str = "/usr/bin/python3";

/// How long any one wait in these tests may take before it fails with what it waited for.
const WAIT: Duration = Duration::from_secs(20);

/// What a reporter copies out of Word: a tracked Vietnamese paragraph with the damage the model
/// story shows (space + no-break space runs, a space before the full stop, a trailing no-break
/// space), a zero-width space, Windows line ends, a blank line and a line holding only a no-break
/// space between the paragraphs, all in decomposed (NFD) Unicode as macOS and some Windows input
/// methods produce it.
const PASTED_LINES: [&str; 4] = [
    "Sáng 18/6,\u{a0} Liên đoàn Lao động tỉnh Nghệ An\u{200b} đã có buổi làm việc .\u{a0}",
    "",
    "\u{a0}",
    "Đoàn  khảo sát đánh giá kết quả 15 năm \u{a0}triển khai Nghị quyết số 20 .",
];

/// The same paragraphs as the editor must hold them: cleaned by the Rust paste path, NFC.
const CLEAN_PARAGRAPHS: [&str; 2] = [
    "Sáng 18/6, Liên đoàn Lao động tỉnh Nghệ An đã có buổi làm việc.",
    "Đoàn khảo sát đánh giá kết quả 15 năm triển khai Nghị quyết số 20.",
];

/// Word's HTML for the same copy: every run in a styled span, `&nbsp;` entities, `<o:p>` noise.
fn word_html(lines: &[String]) -> String {
    let paras: String = lines
        .iter()
        .map(|l| {
            let l = l.replace('\u{a0}', "&nbsp;");
            format!(
                "<p class=MsoNormal><span lang=VI style='font-size:13.0pt;font-family:\"Times New Roman\",serif;mso-ansi-language:VI'>{l}<o:p></o:p></span></p>\r\n"
            )
        })
        .collect();
    format!(
        "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><head><meta charset=utf-8></head><body lang=VI>\r\n<!--StartFragment-->{paras}<!--EndFragment-->\r\n</body></html>"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_real_ctrl_v_pastes_the_x_clipboard_cleaned_and_a_real_ctrl_c_copies_a_paragraph_out() {
    let _display = window::display_lock().await;
    tokio::time::timeout(Duration::from_secs(120), paste_and_copy())
        .await
        .expect("the clipboard test took longer than 2 minutes")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_photo_folder_dragged_from_another_x_client_and_dropped_on_the_window_is_imported() {
    let _display = window::display_lock().await;
    tokio::time::timeout(Duration::from_secs(120), drop_folder())
        .await
        .expect("the drop test took longer than 2 minutes")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_photo_dragged_with_the_real_mouse_lands_between_two_paragraphs_and_its_handle_drags_it_to_the_end()
 {
    let _display = window::display_lock().await;
    tokio::time::timeout(Duration::from_secs(120), drag_photo_and_figure())
        .await
        .expect("the mouse drag test took longer than 2 minutes")
        .unwrap();
}

/// The real app on a library of its own, with its X window.
struct App {
    c: Client,
    data: tempfile::TempDir,
    /// The app's top-level X window.
    xid: String,
    _driver: Driver,
}

impl App {
    async fn start() -> Res<App> {
        App::start_on(tempfile::tempdir()?).await
    }

    /// Launches the app on library `data` (prepared by the CLI, or empty).
    async fn start_on(data: tempfile::TempDir) -> Res<App> {
        assert!(std::env::var_os("DISPLAY").is_some(), "run under xvfb-run");
        let app = bin("BYLINE_APP", "byline-desktop").canonicalize()?;
        let (driver, c, _) = window::launch(&app, data.path()).await?;
        wait_for(&c, "#new-story").await?;
        let pid = app_pid(&app, data.path())?;
        let xid = poll("the app's X window (xdotool search --pid)", || async {
            let out = xdotool(&["search", "--onlyvisible", "--pid", &pid]).await;
            Ok(out.ok().and_then(|o| o.lines().next().map(str::to_owned)))
        })
        .await?;
        Ok(App {
            c,
            data,
            xid,
            _driver: driver,
        })
    }

    /// `byline ARGS --json` on the app's library.
    fn byline(&self, args: &[&str]) -> Res<Value> {
        Ok(serde_json::from_str(&byline(
            self.data.path(),
            args,
            true,
        )?)?)
    }

    /// The app window's place and size on the screen: x, y, width, height.
    async fn geometry(&self) -> Res<(i64, i64, i64, i64)> {
        let geometry = xdotool(&["getwindowgeometry", "--shell", &self.xid]).await?;
        let field = |k: &str| -> Res<i64> {
            Ok(geometry
                .lines()
                .find_map(|l| l.strip_prefix(k)?.strip_prefix('='))
                .ok_or_else(|| format!("{k} in `xdotool getwindowgeometry`: {geometry}"))?
                .parse()?)
        };
        Ok((field("X")?, field("Y")?, field("WIDTH")?, field("HEIGHT")?))
    }

    /// Gives the app the X input focus, as a click on its title bar would, and waits until the
    /// page knows it has it.
    async fn focus(&self) -> Res {
        xdotool(&["windowfocus", "--sync", &self.xid]).await?;
        wait_js(
            &self.c,
            "the page to have the keyboard focus after XSetInputFocus",
            "document.hasFocus()",
        )
        .await
    }

    /// Ends the session; on failure first keeps a screenshot named after the test.
    async fn finish(self, name: &str, result: Res) -> Res {
        if result.is_err() {
            let shots = repo().join("tests/screenshots");
            let _ = std::fs::create_dir_all(&shots);
            let _ = shot(&self.c, &shots, &format!("failure-{name}.png")).await;
        }
        let _ = self.c.clone().close().await;
        result
    }
}

async fn paste_and_copy() -> Res {
    let app = App::start().await?;
    let result = paste_and_copy_in(&app).await;
    app.finish("os-paste", result).await
}

async fn paste_and_copy_in(app: &App) -> Res {
    let c = &app.c;
    find(c, "#new-story").await?.click().await?;
    wait_for(c, "#f-title")
        .await?
        .send_keys("Dán từ Word")
        .await?;
    wait_for(c, "#story-body").await?.click().await?;

    // The clipboard: Word's HTML and its plain text, both decomposed.
    let lines: Vec<String> = PASTED_LINES.iter().map(|l| l.nfd().collect()).collect();
    let plain = lines.join("\r\n");
    assert!(
        !byline_text::is_nfc(&plain),
        "the pasted text really is decomposed, or the test proves nothing about NFC"
    );
    let files = tempfile::tempdir()?;
    let (html_file, text_file) = (
        files.path().join("copy.html"),
        files.path().join("copy.txt"),
    );
    std::fs::write(&html_file, word_html(&lines))?;
    std::fs::write(&text_file, &plain)?;
    let mut owner = Helper::spawn(
        "clipboard_owner.py",
        &[html_file.as_os_str(), text_file.as_os_str()],
    )?;
    owner
        .expect("owner", "the helper to own the X CLIPBOARD")
        .await?;
    let targets = xclip(&["-o", "-selection", "clipboard", "-t", "TARGETS"]).await?;
    assert!(
        targets.lines().any(|t| t == "text/html") && targets.lines().any(|t| t == "UTF8_STRING"),
        "the X CLIPBOARD offers HTML and text at once, as Word does: {targets}"
    );

    watch_trusted_input(c).await?;
    app.focus().await?;
    wait_js(
        c,
        "the story body to keep the caret after the focus change",
        "document.activeElement?.closest('#story-body')",
    )
    .await?;
    let pressed = Instant::now();
    xdotool(&["key", "--clearmodifiers", "ctrl+v"]).await?;
    let want = serde_json::to_string(&CLEAN_PARAGRAPHS)?;
    wait_js(
        c,
        "the pasted paragraphs, cleaned and NFC, in the body",
        &format!(
            "JSON.stringify([...document.querySelectorAll('#story-body > p')].map(p => p.textContent)) === JSON.stringify({want})"
        ),
    )
    .await?;
    println!(
        "real Ctrl+V to cleaned paragraphs in the body: {} ms",
        pressed.elapsed().as_millis()
    );
    let seen = c.execute("return window.__osInput", vec![]).await?;
    assert!(
        seen.as_array().is_some_and(
            |s| s.contains(&json!("paste trusted")) && s.contains(&json!("keydown trusted v"))
        ),
        "the paste came from a native Ctrl+V (trusted keydown and paste events): {seen}"
    );
    let styled = c
        .execute(
            "return document.querySelectorAll('#story-body span, #story-body [style], #story-body [class^=Mso]').length",
            vec![],
        )
        .await?;
    assert_eq!(
        styled,
        json!(0),
        "Word's spans and styles stay out of the story"
    );

    // Autosave, then the library itself, read by the CLI.
    wait_js(
        c,
        "the autosave after the paste",
        "document.querySelector('#save-state').dataset.state === 'saved'",
    )
    .await?;
    let list = app.byline(&["article", "list"])?;
    let id = list
        .as_array()
        .and_then(|l| l.iter().find(|a| a["title"] == "Dán từ Word"))
        .and_then(|a| a["id"].as_str())
        .ok_or_else(|| format!("the new story is in the library: {list}"))?
        .to_owned();
    let story = app.byline(&["article", "show", &id])?;
    let stored: Vec<&str> = story["blocks"]
        .as_array()
        .ok_or("the story has blocks")?
        .iter()
        .filter_map(|b| b["text"].as_str())
        .collect();
    assert_eq!(
        stored, CLEAN_PARAGRAPHS,
        "the library holds the cleaned NFC paragraphs, one block each, blank lines dropped"
    );

    // Copy out: the second paragraph selected, a native Ctrl+C, the X CLIPBOARD read by xclip.
    c.execute(
        "window.getSelection().selectAllChildren(document.querySelectorAll('#story-body > p')[1])",
        vec![],
    )
    .await?;
    wait_js(
        c,
        "the second paragraph selected",
        &format!(
            "window.getSelection().toString() === {}",
            serde_json::to_string(CLEAN_PARAGRAPHS[1])?
        ),
    )
    .await?;
    app.focus().await?;
    xdotool(&["key", "--clearmodifiers", "ctrl+c"]).await?;
    owner
        .expect("lost", "the app to take the X CLIPBOARD over on Ctrl+C")
        .await?;
    let copied = poll("the copied paragraph on the X CLIPBOARD", || async {
        let out = xclip(&["-o", "-selection", "clipboard"]).await?;
        Ok((out == CLEAN_PARAGRAPHS[1]).then_some(out))
    })
    .await?;
    assert_eq!(
        copied, CLEAN_PARAGRAPHS[1],
        "xclip reads back the paragraph's text"
    );
    let seen = c.execute("return window.__osInput", vec![]).await?;
    assert!(
        seen.as_array()
            .is_some_and(|s| s.contains(&json!("copy trusted"))),
        "the copy came from a native Ctrl+C: {seen}"
    );
    Ok(())
}

async fn drop_folder() -> Res {
    let app = App::start().await?;
    let result = drop_folder_in(&app).await;
    app.finish("os-drop", result).await
}

async fn drop_folder_in(app: &App) -> Res {
    let c = &app.c;
    let photos = tempfile::tempdir()?;
    let folder = photos.path().join("DCIM");
    std::fs::create_dir(&folder)?;
    for f in ["landscape_1.jpg", "landscape_6.jpg", "portrait_8.jpg"] {
        std::fs::copy(
            repo().join("crates/media/tests/data").join(f),
            folder.join(f),
        )?;
    }
    let folder = folder.canonicalize()?;

    // Record the window's drag events as the app's own Rust side emits them from
    // WindowEvent::DragDrop, to know when the pointer is over a window that has the paths.
    c.execute(
        r#"
        window.__drag = [];
        const I = window.__TAURI_INTERNALS__;
        Promise.all(['tauri://drag-enter', 'tauri://drag-drop'].map(event =>
            I.invoke('plugin:event|listen', {event, target: {kind: 'Any'},
                handler: I.transformCallback(e => window.__drag.push([event, e.payload.paths]))})))
          .then(() => { window.__dragWatched = true; });
        "#,
        vec![],
    )
    .await?;
    wait_js(c, "the drag listeners", "window.__dragWatched === true").await?;

    // The source window goes in the screen's bottom-left corner, the drop lands in the middle
    // of the app: with no window manager, the later-mapped source stacks on top, and where it
    // overlaps the app (a 1280x800 screen) it covers a corner, never the drop point.
    let screen = xdotool(&["getdisplaygeometry"]).await?;
    let (_, screen_h) = two_numbers(&screen).ok_or("display geometry")?;
    let (ax, ay, aw, ah) = app.geometry().await?;
    let target = (ax + aw / 2, ay + ah / 2);
    let mut source = Helper::spawn(
        "drag_source.py",
        &[
            "0".as_ref(),
            (screen_h - 100).to_string().as_ref(),
            folder.as_os_str(),
        ],
    )?;
    let ready = source
        .expect("ready", "the drag source window to be mapped")
        .await?;
    let nums: Vec<i64> = ready
        .split_whitespace()
        .skip(2)
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    let [sx, sy, sw, sh] = nums[..] else {
        return Err(format!("drag source said {ready:?}").into());
    };
    let start = (sx + sw / 2, sy + sh / 2);
    assert!(
        !(sx..sx + sw).contains(&target.0) || !(sy..sy + sh).contains(&target.1),
        "the drag source {sx},{sy} {sw}x{sh} must not cover the drop point {target:?}"
    );

    // Press in the source, move past GTK's drag threshold, and see the drag start.
    xdotool(&[
        "mousemove",
        "--sync",
        &start.0.to_string(),
        &start.1.to_string(),
    ])
    .await?;
    xdotool(&["mousedown", "1"]).await?;
    for step in 1..=3 {
        let (x, y) = (start.0 + 8 * step, start.1 - 8 * step);
        xdotool(&["mousemove", "--sync", &x.to_string(), &y.to_string()]).await?;
    }
    source
        .expect("begin", "GTK to start the drag from the source window")
        .await?;
    // Then onto the app in steps, as a hand would: every motion is an XdndPosition the app
    // answers, so the app sees the drag enter and follow the pointer.
    let from = (start.0 + 24, start.1 - 24);
    const STEPS: i64 = 10;
    for step in 1..=STEPS {
        let x = from.0 + (target.0 - from.0) * step / STEPS;
        let y = from.1 + (target.1 - from.1) * step / STEPS;
        xdotool(&["mousemove", "--sync", &x.to_string(), &y.to_string()]).await?;
    }
    let folder_js = serde_json::to_string(&folder)?;
    wait_js(
        c,
        "the app's window to see the drag enter with the folder (tauri://drag-enter)",
        &format!("window.__drag.some(([e, p]) => e === 'tauri://drag-enter' && p.length === 1 && p[0] === {folder_js})"),
    )
    .await?;
    let released = Instant::now();
    xdotool(&["mouseup", "1"]).await?;
    source
        .expect("end", "the drag to end after the button is released")
        .await?;
    assert!(
        !source.seen.iter().any(|l| l.starts_with("failed")),
        "the drop was accepted: the source saw {:?}",
        source.seen
    );
    wait_js(
        c,
        "the drop event with the folder (tauri://drag-drop)",
        &format!("window.__drag.some(([e, p]) => e === 'tauri://drag-drop' && p.length === 1 && p[0] === {folder_js})"),
    )
    .await?;

    // The drop imports: the app goes to the photo desk and the three photos fill the grid.
    wait_js(
        c,
        "the import of the dropped folder to finish with three photos in the grid",
        "!document.querySelector('#import-progress') && [...document.querySelectorAll('.toast')].some(t => t.textContent.startsWith('Đã nhập 3 ảnh')) && document.querySelectorAll('#photo-grid .cell').length === 3",
    )
    .await?;
    wait_js(
        c,
        "three thumbnails drawn",
        "[...document.querySelectorAll('#photo-grid .cell img')].filter(i => i.complete && i.naturalWidth > 0).length === 3",
    )
    .await?;
    println!(
        "XDND drop to three thumbnails in the grid: {} ms",
        released.elapsed().as_millis()
    );
    let shots = repo().join("tests/screenshots");
    std::fs::create_dir_all(&shots)?;
    shot(c, &shots, "10-photos-dropped-over-xdnd.png").await?;
    let stored = app.byline(&["photo", "list"])?;
    assert_eq!(
        stored.as_array().map(Vec::len),
        Some(3),
        "the library holds the three dropped photos: {stored}"
    );
    Ok(())
}

/// The story the mouse drags are made in: a lead and three short paragraphs, so the body, a
/// figure dropped into it and the story's end fit on one 800 px screen.
const DRAG_STORY: &str = "---
section: Thời sự
---

# Mưa lớn ở Hà Nội

Chiều nay Hà Nội mưa rất to.

Nước ngập nhiều tuyến phố ở Cầu Giấy.

Nhiều tài xế xe ôm công nghệ nghỉ chạy.

Đến tối trời mới tạnh.
";

const DRAG_CAPTION: &str = "Nước ngập trên phố Trần Thái Tông, Cầu Giấy";

async fn drag_photo_and_figure() -> Res {
    // The library before launch, through the CLI: the story, one photo with its caption.
    let data = tempfile::tempdir()?;
    let files = tempfile::tempdir()?;
    let story_file = files.path().join("mua-lon.md");
    std::fs::write(&story_file, DRAG_STORY)?;
    let story = byline(
        data.path(),
        &["article", "import", path_str(&story_file)?],
        false,
    )?
    .trim()
    .to_owned();
    let photo_file = files.path().join("cau-giay.jpg");
    std::fs::copy(
        repo().join("crates/media/tests/data/landscape_1.jpg"),
        &photo_file,
    )?;
    let imported: Value = serde_json::from_str(&byline(
        data.path(),
        &["photo", "import", path_str(&photo_file)?],
        true,
    )?)?;
    let photo = imported["imported"][0]["id"]
        .as_str()
        .ok_or_else(|| format!("the photo is imported: {imported}"))?
        .to_owned();
    byline(
        data.path(),
        &[
            "photo",
            "caption",
            &photo,
            "--caption",
            DRAG_CAPTION,
            "--credit",
            "Ảnh: Thanh Hà",
        ],
        false,
    )?;

    let app = App::start_on(data).await?;
    let result = drag_photo_and_figure_in(&app, &story, &photo).await;
    app.finish("os-mouse-drag", result).await
}

async fn drag_photo_and_figure_in(app: &App, story: &str, photo: &str) -> Res {
    let c = &app.c;
    let shots = repo().join("tests/screenshots");
    std::fs::create_dir_all(&shots)?;
    wait_for(c, ".story-row").await?.click().await?;
    wait_js(
        c,
        "the story's three paragraphs in the body",
        "document.querySelectorAll('#story-body > p').length === 3",
    )
    .await?;
    let paragraphs = c
        .execute(
            "return [...document.querySelectorAll('#story-body > p')].map(p => p.dataset.id)",
            vec![],
        )
        .await?;
    let paragraphs: Vec<String> = serde_json::from_value(paragraphs)?;
    find(c, "#tab-photos").await?.click().await?;
    wait_js(
        c,
        "the photo's thumbnail in the strip",
        &format!("document.querySelector('#photo-strip .strip-item[data-id=\"{photo}\"] img')?.naturalWidth > 0"),
    )
    .await?;
    watch_trusted_pointer(c).await?;
    let to_screen = screen_offset(app).await?;

    // 1. From the strip into the gap between the first and the second paragraph: press on the
    // thumbnail, move in steps as a hand would, release on the top half of the second paragraph.
    let at = js_points(
        c,
        r#"
        const item = document.querySelector(`#photo-strip .strip-item[data-id="${arguments[0]}"]`);
        const i = item.getBoundingClientRect();
        const p = document.querySelectorAll('#story-body > p')[1].getBoundingClientRect();
        return [i.left + i.width / 2, i.top + i.height / 2, p.left + 60, p.top + 4];
        "#,
        vec![json!(photo)],
    )
    .await?;
    let started = Instant::now();
    mouse_drag(
        to_screen(at[0], at[1]),
        to_screen(at[2], at[3]),
        c,
        "the ghost and the drop line between the first two paragraphs while the real mouse drags",
        "document.querySelector('.drag-ghost') && document.querySelector('.drop-line')?.dataset.gap === '1' && document.body.classList.contains('photo-dragging')",
        &shots.join("13-os-mouse-photo-drag.png"),
    )
    .await?;
    wait_js(
        c,
        "the figure between the first two paragraphs with the photo's caption",
        &format!(
            "(() => {{ const k = [...document.querySelectorAll('#story-body > *')]; return k.length === 4 && k[0].tagName === 'P' && k[1].matches('.pm-figure') && k[1].dataset.photoId === '{photo}' && k[1].querySelector('.fig-caption').value === {} && k[2].tagName === 'P' && k[3].tagName === 'P'; }})()",
            serde_json::to_string(DRAG_CAPTION)?
        ),
    )
    .await?;
    println!(
        "real mouse drag from the strip to the figure in the body: {} ms",
        started.elapsed().as_millis()
    );
    assert_trusted_drag(c, "the photo strip drag").await?;
    let figure = c
        .execute(
            "return document.querySelector('#story-body > .pm-figure').dataset.id",
            vec![],
        )
        .await?;
    let figure = figure
        .as_str()
        .filter(|id| !id.is_empty())
        .ok_or("the dropped figure has a block id")?
        .to_owned();

    // 2. The figure by its drag handle to the end of the story. The paper is scrolled (not
    // input) so the figure's top and the story's end are both on screen; the pointer then rests
    // on the figure, which shows the figure's handle beside it.
    c.execute(
        "const f = document.querySelector('#story-body > .pm-figure'); const paper = f.closest('.paper'); paper.scrollTop += f.getBoundingClientRect().top - paper.getBoundingClientRect().top - 40;",
        vec![],
    )
    .await?;
    let fig = js_points(
        c,
        "const r = document.querySelector('#story-body > .pm-figure .figure-img').getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];",
        vec![],
    )
    .await?;
    let (fx, fy) = to_screen(fig[0], fig[1]);
    xdotool(&[
        "mousemove",
        "--sync",
        &(fx - 5).to_string(),
        &fy.to_string(),
    ])
    .await?;
    xdotool(&["mousemove", "--sync", &fx.to_string(), &fy.to_string()]).await?;
    wait_js(
        c,
        "the drag handle beside the hovered figure",
        &format!("(h => h && !h.hidden && h.dataset.id === '{figure}' && h.getAttribute('aria-label') === 'Kéo để di chuyển')(document.querySelector('.block-handle'))"),
    )
    .await?;
    let at = js_points(
        c,
        r#"
        const h = document.querySelector('.block-handle').getBoundingClientRect();
        const last = document.querySelector('#story-body > :last-child').getBoundingClientRect();
        const paper = document.querySelector('.paper').getBoundingClientRect();
        if (h.top < paper.top || last.bottom + 12 > paper.bottom) throw new Error('the handle and the story end are not both on screen');
        return [h.left + h.width / 2, h.top + h.height / 2, last.left + 80, last.bottom + 12];
        "#,
        vec![],
    )
    .await?;
    watch_trusted_pointer(c).await?;
    mouse_drag(
        to_screen(at[0], at[1]),
        to_screen(at[2], at[3]),
        c,
        "the drop line under the last paragraph while the real mouse drags the figure's handle",
        "document.querySelector('.drag-ghost') && document.querySelector('.drop-line')?.dataset.gap === '4' && document.body.classList.contains('block-dragging')",
        &shots.join("14-os-mouse-figure-drag.png"),
    )
    .await?;
    let mut want: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
    want.push(&figure);
    let want_js = serde_json::to_string(&want)?;
    wait_js(
        c,
        "the paragraphs in their order and the same figure (same block id) last",
        &format!("JSON.stringify([...document.querySelectorAll('#story-body > *')].map(b => b.dataset.id)) === JSON.stringify({want_js}) && document.querySelector('#story-body > :last-child').dataset.photoId === '{photo}' && !document.querySelector('.drag-ghost, .drop-line')"),
    )
    .await?;
    assert_trusted_drag(c, "the figure's handle drag").await?;

    // 3. After the autosave, the library itself, read by the CLI.
    wait_js(
        c,
        "the autosave after the move",
        "document.querySelector('#save-state').dataset.state === 'saved'",
    )
    .await?;
    let stored = app.byline(&["article", "show", story])?;
    let blocks = stored["blocks"].as_array().ok_or("the story has blocks")?;
    let ids: Vec<&str> = blocks.iter().filter_map(|b| b["id"].as_str()).collect();
    assert_eq!(
        ids, want,
        "the library holds the paragraphs in their order and the moved figure last, with the id it got when dropped (no copy left behind)"
    );
    assert_eq!(
        (
            &blocks[3]["type"],
            &blocks[3]["photo_id"],
            &blocks[3]["caption"]
        ),
        (&json!("figure"), &json!(photo), &json!(DRAG_CAPTION)),
        "the stored last block is the photo's figure with its caption"
    );
    Ok(())
}

/// Presses the left button at `from` (screen), moves to `to` in steps with XTEST, waits for
/// `during` (a JS condition) and takes a screenshot while the button is still down, releases.
async fn mouse_drag(
    from: (i64, i64),
    to: (i64, i64),
    c: &Client,
    what: &str,
    during: &str,
    shot_file: &Path,
) -> Res {
    xdotool(&[
        "mousemove",
        "--sync",
        &from.0.to_string(),
        &from.1.to_string(),
    ])
    .await?;
    xdotool(&["mousedown", "1"]).await?;
    const STEPS: i64 = 12;
    for step in 1..=STEPS {
        let x = from.0 + (to.0 - from.0) * step / STEPS;
        let y = from.1 + (to.1 - from.1) * step / STEPS;
        xdotool(&["mousemove", "--sync", &x.to_string(), &y.to_string()]).await?;
        tokio::time::sleep(Duration::from_millis(16)).await;
    }
    let seen = wait_js(c, what, during).await;
    if seen.is_ok() {
        let name = shot_file
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or("shot name")?;
        shot(c, shot_file.parent().ok_or("shot folder")?, name).await?;
    }
    // Released whatever happened, so a failure does not leave the button down on the display.
    xdotool(&["mouseup", "1"]).await?;
    seen
}

/// How to turn the page's client coordinates into screen coordinates: the pointer is put at a
/// known screen point over the page, and the page says where it saw it.
async fn screen_offset(app: &App) -> Res<impl Fn(f64, f64) -> (i64, i64) + use<>> {
    let (x, y, w, h) = app.geometry().await?;
    let (sx, sy) = (x + w / 3, y + h / 2);
    xdotool(&[
        "mousemove",
        "--sync",
        &(sx - 9).to_string(),
        &sy.to_string(),
    ])
    .await?;
    app.c.execute("window.__lastPointer = null", vec![]).await?;
    xdotool(&["mousemove", "--sync", &sx.to_string(), &sy.to_string()]).await?;
    wait_js(
        &app.c,
        "the page to see the calibrating pointer move",
        "window.__lastPointer",
    )
    .await?;
    let seen = js_points(&app.c, "return window.__lastPointer", vec![]).await?;
    let (dx, dy) = (sx - seen[0].round() as i64, sy - seen[1].round() as i64);
    Ok(move |cx: f64, cy: f64| (cx.round() as i64 + dx, cy.round() as i64 + dy))
}

/// Runs a script returning an array of numbers.
async fn js_points(c: &Client, script: &str, args: Vec<Value>) -> Res<Vec<f64>> {
    Ok(serde_json::from_value(c.execute(script, args).await?)?)
}

/// Records, in `window.__osInput`, which pointer events the page saw (once each, with whether
/// they were trusted), and the last pointer position in `window.__lastPointer`.
async fn watch_trusted_pointer(c: &Client) -> Res {
    c.execute(
        r#"
        window.__osInput = [];
        if (!window.__pointerWatched) {
            window.__pointerWatched = true;
            for (const type of ['pointerdown', 'pointermove', 'pointerup']) {
                document.addEventListener(type, e => {
                    const seen = `${type} ${e.isTrusted ? 'trusted' : 'untrusted'}`;
                    if (!window.__osInput.includes(seen)) window.__osInput.push(seen);
                    window.__lastPointer = [e.clientX, e.clientY];
                }, true);
            }
        }
        "#,
        vec![],
    )
    .await?;
    Ok(())
}

/// The drag that just ended came from the X server: a trusted press, moves and release, and no
/// page-made pointer event at all.
async fn assert_trusted_drag(c: &Client, what: &str) -> Res {
    let seen = c.execute("return window.__osInput", vec![]).await?;
    let seen: Vec<String> = serde_json::from_value(seen)?;
    for want in [
        "pointerdown trusted",
        "pointermove trusted",
        "pointerup trusted",
    ] {
        assert!(
            seen.iter().any(|s| s == want),
            "{what} was made of native input ({want} missing): {seen:?}"
        );
    }
    assert!(
        !seen.iter().any(|s| s.ends_with("untrusted")),
        "{what} had no page-made pointer events: {seen:?}"
    );
    c.execute("window.__osInput = []", vec![]).await?;
    Ok(())
}

/// `byline ARGS` on library `data` (with `--json` when asked), its standard output.
fn byline(data: &Path, args: &[&str], json: bool) -> Res<String> {
    let out = std::process::Command::new(bin("BYLINE_CLI", "byline"))
        .args(args)
        .args(json.then_some("--json"))
        .env("BYLINE_DATA_DIR", data)
        .output()?;
    assert!(
        out.status.success(),
        "byline {args:?} fails: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8(out.stdout)?)
}

fn path_str(p: &Path) -> Res<&str> {
    Ok(p.to_str().ok_or("a UTF-8 temporary path")?)
}

/// Records, in `window.__osInput`, every keydown, paste and copy the page sees and whether the
/// browser made it from native input (`isTrusted`): a page-made event can never be trusted.
async fn watch_trusted_input(c: &Client) -> Res {
    c.execute(
        r#"
        window.__osInput = [];
        for (const type of ['keydown', 'paste', 'copy']) {
            document.addEventListener(type, e => window.__osInput.push(
                [type, e.isTrusted ? 'trusted' : 'untrusted', e.key].filter(Boolean).join(' ')), true);
        }
        "#,
        vec![],
    )
    .await?;
    Ok(())
}

/// Polls `f` every 100 ms until it gives a value, for up to [`WAIT`].
async fn poll<T, F, Fut>(what: &str, mut f: F) -> Res<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Res<Option<T>>>,
{
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(v) = f().await? {
            return Ok(v);
        }
        if Instant::now() > deadline {
            return Err(format!("timed out after {WAIT:?} waiting for {what}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs a command for its standard output, failing after [`WAIT`] or on a non-zero exit.
async fn run(program: &str, args: &[&str]) -> Res<String> {
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("{program} (scripts/deps.sh installs it): {e}"))?;
    let out = tokio::time::timeout(WAIT, child.wait_with_output())
        .await
        .map_err(|_| format!("`{program} {}` did not finish in {WAIT:?}", args.join(" ")))??;
    if !out.status.success() {
        return Err(format!(
            "`{program} {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// xdotool; without `--window`, its key and mouse commands go through XTEST, the same path as
/// a physical keyboard and mouse.
async fn xdotool(args: &[&str]) -> Res<String> {
    run("xdotool", args).await
}

async fn xclip(args: &[&str]) -> Res<String> {
    run("xclip", args).await
}

fn two_numbers(s: &str) -> Option<(i64, i64)> {
    let mut it = s.split_whitespace().map(str::parse::<i64>);
    Some((it.next()?.ok()?, it.next()?.ok()?))
}

/// The pid of the app launched with library `data` (WebKitWebDriver starts it; only its
/// environment tells it apart from another app instance on the machine).
fn app_pid(app: &Path, data: &Path) -> Res<String> {
    let marker = format!("BYLINE_DATA_DIR={}", data.display());
    for entry in std::fs::read_dir("/proc")? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let exe: Option<PathBuf> = std::fs::read_link(format!("/proc/{name}/exe")).ok();
        if exe.as_deref() != Some(app) {
            continue;
        }
        let env = std::fs::read(format!("/proc/{name}/environ")).unwrap_or_default();
        if env.split(|&b| b == 0).any(|v| v == marker.as_bytes()) {
            return Ok(name);
        }
    }
    Err(format!("no running {} with {marker}", app.display()).into())
}

/// One of the Python helpers in tests/e2e, its stdout read line by line. Killed when dropped;
/// the drag source also quits when its stdin closes.
struct Helper {
    _child: tokio::process::Child,
    lines: Lines<BufReader<ChildStdout>>,
    /// Every line read so far.
    seen: Vec<String>,
}

impl Helper {
    fn spawn(script: &str, args: &[&std::ffi::OsStr]) -> Res<Helper> {
        let mut child = Command::new(PYTHON)
            .arg(repo().join("tests/e2e").join(script))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("{PYTHON} {script}: {e}"))?;
        let stdout = child.stdout.take().ok_or("piped stdout")?;
        Ok(Helper {
            _child: child,
            lines: BufReader::new(stdout).lines(),
            seen: Vec::new(),
        })
    }

    /// Reads lines until one starts with `word`; returns it.
    async fn expect(&mut self, word: &str, what: &str) -> Res<String> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let line = tokio::time::timeout_at(deadline, self.lines.next_line())
                .await
                .map_err(|_| {
                    format!(
                        "timed out after {WAIT:?} waiting for {what} (`{word}`; helper said {:?})",
                        self.seen
                    )
                })??
                .ok_or_else(|| {
                    format!(
                        "the helper exited while waiting for {what} (`{word}`; it said {:?})",
                        self.seen
                    )
                })?;
            self.seen.push(line.clone());
            if line.split_whitespace().next() == Some(word) {
                return Ok(line);
            }
        }
    }
}
