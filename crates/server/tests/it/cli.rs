//! The `byline-server` binary: help, `user add`, serving, graceful SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_byline-server");

#[test]
fn help_exits_0_and_names_the_options() {
    let out = Command::new(BIN).arg("--help").output().expect("run");
    assert!(out.status.success(), "--help must exit 0");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("--data-dir") && text.contains("--listen"),
        "{text}"
    );
}

#[test]
fn help_names_the_site_and_upload_flags_and_bad_values_are_refused_with_the_fix() {
    let out = Command::new(BIN).arg("--help").output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--newsroom",
        "--public-url",
        "--upload-expiry-hours",
        "--max-upload-in-flight-mb",
        "--min-free-space-mb",
        "--blobs",
    ] {
        assert!(text.contains(flag), "--help documents {flag}: {text}");
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--public-url",
            "javascript:alert(1)",
        ])
        .arg("--data-dir")
        .arg(tmp.path())
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "a script address is not a public URL"
    );
    assert!(
        err.contains("--public-url") && err.contains("https://"),
        "the refusal names the flag and shows a valid value: {err}"
    );
    let out = Command::new(BIN)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--blobs",
            "https://s3.example/photos",
        ])
        .arg("--data-dir")
        .arg(tmp.path())
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("--blobs") && err.contains("s3://BUCKET"),
        "a blob store that is neither files nor a bucket is refused with the forms to use: {err}"
    );
    let out = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--upload-expiry-hours", "0"])
        .arg("--data-dir")
        .arg(tmp.path())
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("--upload-expiry-hours"),
        "a zero expiry would remove every upload at once: {err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_add_prints_a_token_the_server_accepts_and_sigterm_stops_it_cleanly_even_mid_long_poll()
 {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let token = user_add("Thanh Hà", "reporter", &[], &data);
    assert!(
        token.starts_with("byl_") && token.len() > 40,
        "a long random token: {token}"
    );
    let db = std::fs::read(data.join("byline.db")).unwrap();
    assert!(
        !db.windows(token.len()).any(|w| w == token.as_bytes()),
        "the token itself is not stored"
    );

    let (blobs, env) = crate::process_blobs();
    let mut child = KillOnDrop(
        Command::new(BIN)
            .args(["--listen", "127.0.0.1:0", "--data-dir"])
            .arg(&data)
            .args(&blobs)
            .envs(env)
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve"),
    );
    let mut lines = BufReader::new(child.0.stderr.take().unwrap()).lines();
    let addr = listening_addr(&mut lines);
    byline_sync::ensure_crypto_provider();
    let client = reqwest::Client::new();
    let health = client
        .get(format!("http://{addr}/health"))
        .send()
        .await
        .expect("health");
    assert_eq!(health.status(), 200, "the server is alive");
    let ready = client
        .get(format!("http://{addr}/ready"))
        .send()
        .await
        .expect("ready");
    assert_eq!(
        ready.status(),
        200,
        "the database and the blob store (files, or the bucket --blobs names) answer"
    );
    let feed = client
        .get(format!("http://{addr}/api/articles"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(feed.status(), 200, "the printed token authenticates");

    // A desktop following the feed holds a 25 s long-poll open; shutdown must not wait for it.
    let poll = tokio::spawn(
        client
            .get(format!("http://{addr}/api/changes?cursor=0&wait=25"))
            .bearer_auth(&token)
            .send(),
    );
    tokio::time::sleep(Duration::from_millis(500)).await;

    let pid = child.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.0.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "SIGTERM must stop the server"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
    let answered = poll
        .await
        .unwrap()
        .expect("the long-poll is answered, not cut");
    assert_eq!(answered.status(), 200);
    let page: byline_protocol::sync::ChangeFeed = answered.json().await.expect("a feed page");
    assert!(
        page.changes.is_empty(),
        "shutdown ends the wait with an empty page"
    );
}

/// Kills the server this test started if the test fails half-way.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if self.0.try_wait().ok().flatten().is_none() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// `byline-server user add NAME --role ROLE [extra…] --data-dir DATA`: the token it prints.
fn user_add(name: &str, role: &str, extra: &[&str], data: &std::path::Path) -> String {
    let out = Command::new(BIN)
        .args(["user", "add", name, "--role", role])
        .args(extra)
        .arg("--data-dir")
        .arg(data)
        .output()
        .expect("user add");
    assert!(
        out.status.success(),
        "user add: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The address a server logs (`addr=…`), read from its stderr lines.
fn listening_addr(lines: &mut std::io::Lines<BufReader<std::process::ChildStderr>>) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        assert!(
            Instant::now() < deadline,
            "server did not report its address in time"
        );
        let line = lines.next().expect("stderr open").expect("line");
        if let Some(rest) = line.split("addr=").nth(1) {
            return rest.split_whitespace().next().unwrap().to_string();
        }
    }
}

/// Starts the server with `args` on port 0 and returns it with its stderr lines.
fn start(
    args: &[&str],
    data: &std::path::Path,
) -> (
    KillOnDrop,
    std::io::Lines<BufReader<std::process::ChildStderr>>,
) {
    let mut child = KillOnDrop(
        Command::new(BIN)
            .args(["--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data)
            .args(args)
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve"),
    );
    let lines = BufReader::new(child.0.stderr.take().unwrap()).lines();
    (child, lines)
}

#[test]
fn json_logs_are_one_object_per_line_with_level_message_and_fields() {
    let tmp = tempfile::tempdir().unwrap();
    let (_child, mut lines) = start(&["--log-format", "json"], &tmp.path().join("data"));
    let deadline = Instant::now() + Duration::from_secs(20);
    let listening = loop {
        assert!(Instant::now() < deadline, "no listening line in time");
        let line = lines.next().expect("stderr open").expect("line");
        let v: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("every log line is one JSON object ({e}): {line}"));
        if v["fields"]["message"] == "listening" {
            break v;
        }
    };
    assert_eq!(
        listening["level"], "INFO",
        "the level is a field: {listening}"
    );
    assert!(
        listening["fields"]["addr"]
            .as_str()
            .is_some_and(|a| a.starts_with("127.0.0.1:")),
        "structured fields stay fields, not text: {listening}"
    );
    assert!(
        listening["timestamp"].as_str().is_some(),
        "each line carries its time: {listening}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_added_on_postgresql_signs_in_to_a_server_started_on_that_database_and_a_bad_url_is_refused()
 {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--database",
            "mysql://x@y/z",
            "--data-dir",
        ])
        .arg(tmp.path())
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("--database") && err.contains("postgres://"),
        "an unknown database is refused with the form to use: {err}"
    );
    if !byline_testkit::pg::available() {
        return;
    }
    let url = byline_testkit::pg::database();
    let data = tmp.path().join("data");
    let token = user_add("Biên tập", "editor", &["--database", &url], &data);
    assert!(
        !data.join("byline.db").exists(),
        "on PostgreSQL no SQLite file is made in the data dir"
    );
    let (_child, mut lines) = start(&["--database", &url], &data);
    let addr = listening_addr(&mut lines);
    byline_sync::ensure_crypto_provider();
    let me = reqwest::Client::new()
        .get(format!("http://{addr}/api/me"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("me");
    assert_eq!(me.status(), 200, "the token added on PostgreSQL signs in");
    let me: serde_json::Value = me.json().await.unwrap();
    assert_eq!(me["role"], "editor", "{me}");
    let ready = reqwest::get(format!("http://{addr}/ready"))
        .await
        .expect("ready");
    assert_eq!(ready.status(), 200, "ready: PostgreSQL answers");
}
