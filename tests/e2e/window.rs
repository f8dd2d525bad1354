//! What every window test shares: a WebDriver session on a freshly launched app (tauri-driver +
//! WebKitWebDriver), element and condition waits, screenshots, and the lock that keeps window
//! tests of this binary from overlapping on the shared X display.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use byline_testkit::free_port;
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

pub type Res<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Held for the whole of a window test. Real X input (xdotool) goes to whichever window has the
/// focus or lies under the pointer, so two apps on one display must not be driven at once; and
/// the machines running this have two cores, where two WebKit instances starve each other.
pub async fn display_lock() -> tokio::sync::MutexGuard<'static, ()> {
    static DISPLAY: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    DISPLAY.lock().await
}

/// tauri-driver, stopped with SIGTERM (so it stops WebKitWebDriver too) when dropped.
pub struct Driver(Child);
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

/// Starts tauri-driver with the app's environment (its own library in `data`) and opens a
/// session, which launches the app. Returns the driver, the client and when the launch began.
pub async fn launch(app: &Path, data: &Path) -> Res<(Driver, Client, Instant)> {
    let port = free_port();
    let driver = Driver(
        Command::new("tauri-driver")
            // A free native port too: WebKitWebDriver's default (4445) is shared by every
            // E2E run on the machine, and two at once would talk to each other's app.
            .args(["--port", &port.to_string()])
            .args(["--native-port", &free_port().to_string()])
            .env("BYLINE_DATA_DIR", data)
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
    // tauri-driver listens before its WebKitWebDriver is ready to take a session, and then
    // drops the first request unanswered now and then (seen once in a few dozen runs): retry
    // the session request itself, never the scenario.
    let mut attempt = 0;
    let (c, spawned) = loop {
        attempt += 1;
        let spawned = Instant::now();
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => break (c, spawned),
            Err(e) if attempt < 3 => {
                eprintln!("WebDriver session attempt {attempt} failed ({e}); retrying");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(e) => return Err(e.into()),
        }
    };
    Ok((driver, c, spawned))
}

pub async fn wait_for(c: &Client, css: &str) -> Res<Element> {
    Ok(c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .map_err(|e| format!("waiting for `{css}`: {e}"))?)
}

pub async fn find(c: &Client, css: &str) -> Res<Element> {
    Ok(c.find(Locator::Css(css))
        .await
        .map_err(|e| format!("finding `{css}`: {e}"))?)
}

/// Polls `cond` (a JS expression) until it is true.
pub async fn wait_js(c: &Client, what: &str, cond: &str) -> Res {
    wait_js_within(c, what, cond, Duration::from_secs(20)).await
}

/// `wait_js` for what waits on the network or a background engine (a loaded machine may take
/// longer than the usual 20 s).
pub async fn wait_js_within(c: &Client, what: &str, cond: &str, patience: Duration) -> Res {
    let deadline = Instant::now() + patience;
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

/// The screen as the user sees it, captured through X (x_screenshot.py says why not WebDriver).
pub async fn shot(c: &Client, dir: &Path, name: &str) -> Res {
    // Let the last DOM change paint: two animation frames in the page, then a moment for the
    // frame to reach the X server.
    c.execute_async(
        "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
        vec![],
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("e2e/x_screenshot.py");
    let out = Command::new("/usr/bin/python3")
        .arg(&script)
        .arg(dir.join(name))
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "screenshot {name} through X failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(())
}

/// What a window scenario starts from: the repository, the app and CLI binaries, and the
/// screenshots folder (created). Asserts the display is there (`xvfb-run -a`).
pub struct Setup {
    pub root: std::path::PathBuf,
    pub app: std::path::PathBuf,
    pub cli: std::path::PathBuf,
    pub shots: std::path::PathBuf,
}

pub fn setup() -> Res<Setup> {
    let root = byline_testkit::repo();
    let app = byline_testkit::bin("BYLINE_APP", "byline-desktop").canonicalize()?;
    let cli = byline_testkit::bin("BYLINE_CLI", "byline");
    assert!(std::env::var_os("DISPLAY").is_some(), "run under xvfb-run");
    let shots = root.join("tests/screenshots");
    std::fs::create_dir_all(&shots)?;
    Ok(Setup {
        root,
        app,
        cli,
        shots,
    })
}

/// Gives the open library a server and token in Settings, as a user does, and waits until the
/// indicator shows the server online.
pub async fn connect(c: &Client, url: &str, token: &str) -> Res {
    wait_for(c, "[data-nav=settings]").await?.click().await?;
    let field = wait_for(c, "#server-url").await?;
    field.clear().await?;
    field.send_keys(url).await?;
    let tok = find(c, "#token").await?;
    tok.clear().await?;
    tok.send_keys(token).await?;
    find(c, "#save-settings").await?.click().await?;
    wait_js(
        c,
        "the indicator online",
        "document.querySelector('#sync-status')?.dataset.state === 'online'",
    )
    .await
}

/// Types `text` at the end of a text field (the caret put there first, as a user clicking
/// after the last word would).
pub async fn type_at_end(c: &Client, css: &str, text: &str) -> Res {
    let field = find(c, css).await?;
    field.click().await?;
    c.execute(
        "const f = document.querySelector(arguments[0]); f.setSelectionRange(f.value.length, f.value.length);",
        vec![json!(css)],
    )
    .await?;
    field.send_keys(text).await?;
    Ok(())
}

/// Opens the Publish panel on the story `id`.
pub async fn publish_panel(c: &Client, id: &str) -> Res {
    find(c, "[data-nav=publish]").await?.click().await?;
    wait_for(c, "#publish-story")
        .await?
        .select_by_value(id)
        .await?;
    Ok(())
}

/// Waits for a notice whose text starts with `text`.
pub async fn wait_toast(c: &Client, what: &str, text: &str) -> Res {
    let cond = format!(
        "[...document.querySelectorAll('.toast')].some(t => t.textContent.startsWith({}))",
        json!(text)
    );
    wait_js(c, what, &cond).await
}

/// Scrolls the scrolling panel `panel` so that `target` is at its top (only that panel: the
/// page's own scrolling would move the whole window's layout).
pub async fn scroll_panel_to(c: &Client, panel: &str, target: &str) -> Res {
    c.execute(
        "const s = document.querySelector(arguments[0]); s.scrollTop += document.querySelector(arguments[1]).getBoundingClientRect().top - s.getBoundingClientRect().top;",
        vec![json!(panel), json!(target)],
    )
    .await?;
    Ok(())
}

/// `byline article import` of the model story into the library in `data`: its new id.
pub fn import_model_story(s: &Setup, data: &Path) -> Res<String> {
    let out = std::process::Command::new(&s.cli)
        .args(["article", "import"])
        .arg(s.root.join("fixtures/seed-article/article.md"))
        .env("BYLINE_DATA_DIR", data)
        .output()?;
    assert!(
        out.status.success(),
        "the model story imports: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8(out.stdout)?.trim().to_owned())
}
