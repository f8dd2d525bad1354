//! A real WordPress on 127.0.0.1 for the tests, started by `scripts/wordpress-dev.sh` (Debian's
//! `wordpress` package, a private MariaDB, PHP's built-in server) and stopped when dropped; and
//! what the tests read back from it directly (never through a test's fault proxy).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::repo;

/// A running throwaway WordPress.
pub struct WordPress {
    /// The address WordPress calls itself (the proxy's, when started behind one).
    pub url: String,
    /// The PHP server itself.
    pub direct: String,
    pub user: String,
    pub app_password: String,
    dir: tempfile::TempDir,
}

/// A runtime for one read: the harness keeps none, so a `WordPress` may be dropped anywhere
/// (an async E2E test included).
fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(f)
}

impl Drop for WordPress {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(repo().join("scripts/wordpress-dev.sh"))
            .arg("stop")
            .arg(self.dir.path().join("wp"))
            .status();
    }
}

fn field(out: &str, key: &str) -> String {
    out.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}=")))
        .unwrap_or_else(|| panic!("wordpress-dev.sh printed no {key}=: {out}"))
        .to_owned()
}

impl WordPress {
    /// Starts WordPress on `port`, calling itself `home` (default: its own address). Fails (never
    /// skips) when WordPress, MariaDB or PHP are missing: the script names the packages.
    pub fn start(port: u16, home: Option<&str>) -> WordPress {
        WordPress::start_with(port, home, false)
    }

    /// [`WordPress::start`], optionally with plain permalinks (`/?p=1`, API at `/?rest_route=/`).
    pub fn start_with(port: u16, home: Option<&str>, plain_permalinks: bool) -> WordPress {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut cmd = Command::new("bash");
        cmd.arg(repo().join("scripts/wordpress-dev.sh"))
            .arg("start")
            .arg(dir.path().join("wp"))
            .args(["--port", &port.to_string()]);
        if let Some(h) = home {
            cmd.args(["--home", h]);
        }
        if plain_permalinks {
            cmd.arg("--plain-permalinks");
        }
        let out = cmd.output().expect("bash runs scripts/wordpress-dev.sh");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "WordPress did not start (install the packages with `bash scripts/deps.sh`): {}{}",
            stdout,
            String::from_utf8_lossy(&out.stderr)
        );
        byline_sync::ensure_crypto_provider();
        WordPress {
            url: field(&stdout, "url"),
            direct: field(&stdout, "direct"),
            user: field(&stdout, "user"),
            app_password: field(&stdout, "app_password"),
            dir,
        }
    }

    /// The folder WordPress runs from (its uploads are under `wp/site/wp-content/uploads`).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// GET a REST route on the PHP server directly (authenticated), whatever the permalinks.
    pub fn rest(&self, route: &str, query: &[(&str, &str)]) -> Value {
        let route = format!("/{}", route.trim_start_matches('/'));
        let url = format!("{}/", self.direct);
        let mut query = query.to_vec();
        query.push(("rest_route", route.as_str()));
        block_on(async {
            let resp = reqwest::Client::new()
                .get(&url)
                .basic_auth(&self.user, Some(&self.app_password))
                .query(&query)
                .send()
                .await
                .unwrap_or_else(|e| panic!("GET {url}: {e}"));
            let status = resp.status();
            let text = resp.text().await.expect("a body");
            assert!(status.is_success(), "GET {url}: {status}: {text}");
            serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("GET {url}: not JSON ({e}): {text}"))
        })
    }

    /// Every post in any status (published, scheduled, drafts…), as WordPress returns them.
    pub fn posts(&self) -> Vec<Value> {
        self.rest(
            "wp/v2/posts",
            &[
                ("status", "publish,future,draft,pending,private,trash"),
                ("context", "edit"),
                ("per_page", "100"),
            ],
        )
        .as_array()
        .expect("a list of posts")
        .clone()
    }

    /// Every media item.
    pub fn media(&self) -> Vec<Value> {
        self.rest("wp/v2/media", &[("context", "edit"), ("per_page", "100")])
            .as_array()
            .expect("a list of media")
            .clone()
    }

    /// A page as a reader's browser gets it (from the PHP server, by its path).
    pub fn page(&self, link: &str) -> String {
        let path = link
            .strip_prefix(&self.url)
            .unwrap_or_else(|| panic!("{link} is not on {}", self.url));
        let url = format!("{}{path}", self.direct);
        block_on(async {
            let resp = reqwest::Client::new()
                .get(&url)
                .header("Host", self.url.trim_start_matches("http://"))
                .send()
                .await
                .unwrap_or_else(|e| panic!("GET {url}: {e}"));
            assert!(resp.status().is_success(), "GET {url}: {}", resp.status());
            resp.text().await.expect("a page")
        })
    }
}
