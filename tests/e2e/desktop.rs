//! End to end: the real Byline window under Xvfb, driven over WebDriver (tauri-driver +
//! WebKitWebDriver). Needs a built app (`cargo build -p byline-desktop -p byline-cli -p byline-server`
//! at the repository root) and a DISPLAY (`xvfb-run -a cargo test`). Screenshots go to
//! tests/screenshots/ (printed at the end).
//!
//! BYLINE_APP / BYLINE_CLI / BYLINE_SERVER_BIN override the binaries (default:
//! ../target/debug/{byline-desktop,byline,byline-server}). The newsroom server is the real
//! `byline-server` on a free loopback port with its own data directory and an editor token.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

type Res<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

fn bin(env: &str, name: &str) -> PathBuf {
    std::env::var_os(env)
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target/debug").join(name))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// tauri-driver, stopped with SIGTERM (so it stops WebKitWebDriver too) when dropped.
struct Driver(Child);
impl Drop for Driver {
    fn drop(&mut self) {
        let pid = self.0.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A running `byline-server`, stopped with SIGTERM (graceful shutdown) when dropped.
struct NewsroomServer {
    child: Child,
    port: u16,
    editor_token: String,
    _data: tempfile::TempDir,
}
impl Drop for NewsroomServer {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `byline-server` on a free port with a fresh data dir and one editor.
fn start_server() -> Res<NewsroomServer> {
    let server = bin("BYLINE_SERVER_BIN", "byline-server");
    let data = tempfile::tempdir()?;
    let out = Command::new(&server)
        .args(["user", "add", "Biên tập", "--role", "editor", "--data-dir"])
        .arg(data.path())
        .output()
        .map_err(|e| format!("{} (cargo build -p byline-server): {e}", server.display()))?;
    assert!(
        out.status.success(),
        "byline-server user add: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let editor_token = String::from_utf8(out.stdout)?.trim().to_owned();
    let port = free_port();
    let child = Command::new(&server)
        .arg("--data-dir")
        .arg(data.path())
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let srv = NewsroomServer {
        child,
        port,
        editor_token,
        _data: data,
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while !http_get(port, "/health").is_ok_and(|(status, _)| status == 200) {
        assert!(
            Instant::now() < deadline,
            "byline-server did not answer /health"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(srv)
}

/// A plain HTTP/1.1 GET on loopback: (status, body).
fn http_get(port: u16, path: &str) -> Res<(u16, String)> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or("no HTTP status line")?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

async fn wait_for(c: &Client, css: &str) -> Res<Element> {
    Ok(c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .map_err(|e| format!("waiting for `{css}`: {e}"))?)
}

async fn find(c: &Client, css: &str) -> Res<Element> {
    Ok(c.find(Locator::Css(css))
        .await
        .map_err(|e| format!("finding `{css}`: {e}"))?)
}

/// Polls `cond` (a JS expression) until it is true.
async fn wait_js(c: &Client, what: &str, cond: &str) -> Res {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let v = c.execute(&format!("return !!({cond});"), vec![]).await?;
        if v == json!(true) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("timed out waiting for {what} ({cond})").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn shot(c: &Client, dir: &Path, name: &str) -> Res {
    // Let the last DOM change paint before capturing.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let png = c.screenshot().await?;
    std::fs::write(dir.join(name), png)?;
    Ok(())
}

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

    // The newsroom server the Publish panel sends to.
    let server = start_server()?;

    let port = free_port();
    let _driver = Driver(
        Command::new("tauri-driver")
            // A free native port too: WebKitWebDriver's default (4445) is shared by every
            // E2E run on the machine, and two at once would talk to each other's app.
            .args(["--port", &port.to_string()])
            .args(["--native-port", &free_port().to_string()])
            .env("BYLINE_DATA_DIR", data.path())
            .env("BYLINE_MULTI_INSTANCE", "1")
            // Deterministic: the token goes to the 0600 file, never a developer's keychain.
            .env("BYLINE_KEYCHAIN", "off")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("tauri-driver (cargo install tauri-driver --locked): {e}"))?,
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "tauri-driver did not listen");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let mut caps = serde_json::Map::new();
    caps.insert(
        "tauri:options".into(),
        json!({ "application": app.to_string_lossy() }),
    );
    let spawned = Instant::now();
    let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await?;
    let result = scenario(&c, &shots, &app, spawned, &drop_paths, &server).await;
    if result.is_err() {
        let _ = shot(&c, &shots, "failure.png").await;
    }
    let _ = c.close().await;
    result?;
    println!("screenshots: {}", shots.display());
    Ok(())
}

async fn scenario(
    c: &Client,
    shots: &Path,
    app: &Path,
    spawned: Instant,
    drop_paths: &[String],
    server: &NewsroomServer,
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
    find(c, "#back").await?.click().await?;

    // 3. A new story: title and a paragraph with a double space; autosave shows "Đã lưu".
    wait_for(c, "#new-story").await?.click().await?;
    let title = wait_for(c, "#f-title").await?;
    title.send_keys("Mưa lớn ở Hà Nội").await?;
    find(c, "[data-add=paragraph]").await?.click().await?;
    let para = wait_for(c, "[data-block='0'] .block-text").await?;
    para.send_keys("Chiều nay  Hà Nội mưa rất to.").await?;
    wait_js(c, "saved", "document.querySelector('#save-state').dataset.state === 'saved' && document.querySelector('#save-state').textContent.includes('Đã lưu')").await?;

    // 4. Copy desk: the double space is found; clicking selects it; Fix repairs it.
    wait_for(c, "#findings [data-rule=double-space]")
        .await?
        .click()
        .await?;
    let sel = c
        .execute("const a = document.activeElement; return [a.closest('[data-block]')?.dataset.block, a.value.slice(a.selectionStart, a.selectionEnd)];", vec![])
        .await?;
    assert_eq!(sel, json!(["0", "  "]), "the finding selects its range");
    shot(c, shots, "04-copy-desk.png").await?;
    find(c, "#fix-btn").await?.click().await?;
    wait_js(c, "the fix", "!document.querySelector('[data-rule=double-space]') && document.querySelector(\"[data-block='0'] .block-text\").value === 'Chiều nay Hà Nội mưa rất to.'").await?;

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

    // Attach the first photo to the new story.
    find(c, ".cell[data-index='0']").await?.click().await?;
    wait_js(c, "one selected", "document.querySelectorAll('.cell.selected').length === 1 && document.querySelector('#selected-count')?.textContent.includes('1') && document.querySelector('#attach-story')").await?;
    find(c, "#attach-story")
        .await?
        .select_by_label("Mưa lớn ở Hà Nội")
        .await?;
    find(c, "#attach-btn").await?.click().await?;
    tokio::time::sleep(Duration::from_millis(300)).await;

    // The story now ends with the figure and its caption.
    find(c, "[data-nav=stories]").await?.click().await?;
    wait_for(c, ".story-row").await?;
    c.execute("[...document.querySelectorAll('.story-row')].find(r => r.textContent.includes('Mưa lớn ở Hà Nội')).click()", vec![]).await?;
    wait_js(c, "the attached figure", "document.querySelector('.block.figure .block-text')?.value === 'Người dân đi lại khó khăn trong mưa lớn'").await?;
    shot(c, shots, "05-editor-with-photo.png").await?;
    // A byline: the copy desk blocks publishing a story nobody signed.
    find(c, ".byline-list .ghost").await?.click().await?;
    find(c, ".byline-list input")
        .await?
        .send_keys("Thanh Hà")
        .await?;
    wait_js(c, "the byline saved", "document.querySelector('#save-state').dataset.state === 'saved' && document.querySelector('.byline-list input').value === 'Thanh Hà'").await?;

    // 6. Settings: the local newsroom server and the editor's token (stored in the 0600 file:
    //    no keychain under this Xvfb), and the photographer's defaults.
    find(c, "[data-nav=settings]").await?.click().await?;
    let url = wait_for(c, "#server-url").await?;
    url.clear().await?;
    url.send_keys(&format!("http://127.0.0.1:{}", server.port))
        .await?;
    find(c, "#token")
        .await?
        .send_keys(&server.editor_token)
        .await?;
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
    shot(c, shots, "06-settings.png").await?;

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
    shot(c, shots, "07-publish-panel.png").await?;
    let id = c
        .execute(
            "return document.querySelector('#publish-story').value",
            vec![],
        )
        .await?;
    let id = id.as_str().ok_or("story id")?.to_owned();
    let (status, page) = http_get(server.port, &format!("/articles/{id}"))?;
    assert_eq!(status, 200, "the server serves the published story");
    assert!(
        page.contains("Mưa lớn ở Hà Nội")
            && page.contains("Người dân đi lại khó khăn trong mưa lớn"),
        "the published page shows the title and the photo's caption"
    );
    Ok(())
}
