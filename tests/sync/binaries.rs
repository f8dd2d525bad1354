//! The shipped binaries end to end: `byline-server` as a process with its own data directory,
//! `byline` as the client with its own library, talking over 127.0.0.1 — what a newsroom runs.

// The kill test below is Unix-only (SIGKILL); these serve only it.
#[cfg(unix)]
use std::time::{Duration, Instant};

#[cfg(unix)]
use byline_testkit::big_photo;
use byline_testkit::process::{Cli, ServerProcess, http};
#[cfg(unix)]
use byline_testkit::proxy::{self, Fault};
use serde_json::Value;

// Only the kill test (Unix) reads a command's output this way now.
#[cfg(unix)]
fn stdout(out: &std::process::Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "`{what}` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone())
        .expect("UTF-8 output")
        .trim()
        .to_owned()
}

#[test]
fn the_byline_binaries_publish_the_model_story_and_its_page_shows_captions_and_byline() {
    let dir = tempfile::tempdir().unwrap();
    let srv = ServerProcess::start(&dir.path().join("server"));
    let token = srv.add_user("Biên tập", "editor");
    let cli = Cli::new(&dir.path().join("desk"));
    let id = cli.ready_story();

    let report = cli.json(&["publish", &id, "--server", &srv.url, "--token", &token]);
    assert_eq!(report["article_id"], id, "the report names the story");
    assert!(
        report["server_revision"].as_u64() >= Some(1),
        "the server keeps a revision: {report}"
    );
    assert!(
        report["uploaded_bytes"].as_u64() > Some(0),
        "the three photos were uploaded: {report}"
    );

    let story = cli.json(&["article", "show", &id]);
    let captions: Vec<String> = story["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "figure")
        .map(|b| b["caption"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(captions.len(), 3, "the model story has three figures");
    let (status, page) = http("GET", &format!("{}/articles/{id}", srv.url), None, None);
    assert_eq!(status, 200, "the published story is served as a page");
    for c in &captions {
        assert!(
            page.contains(c.as_str()),
            "the page shows the caption {c:?}"
        );
    }
    for person in story["byline"].as_array().unwrap() {
        let name = person["name"].as_str().unwrap();
        assert!(page.contains(name), "the page shows {name} in the byline");
    }
    assert_eq!(srv.blob_files(), 3, "three photos stored once each");

    let again = cli.json(&["publish", &id, "--server", &srv.url, "--token", &token]);
    assert_eq!(
        again["uploaded_bytes"], 0,
        "re-publishing unchanged photos sends no photo bytes: {again}"
    );
    assert_eq!(again["skipped_photos"], 3, "all three are already there");
    assert_eq!(
        cli.json(&["outbox"]),
        Value::Array(vec![]),
        "nothing is left waiting"
    );
}

#[test]
#[cfg(unix)]
fn a_byline_publish_killed_mid_upload_is_finished_by_byline_sync_with_nothing_duplicated() {
    let dir = tempfile::tempdir().unwrap();
    let srv = ServerProcess::start(&dir.path().join("server"));
    let token = srv.add_user("Biên tập", "editor");
    // Slow enough to catch the big photo half way.
    let px = proxy::proxy(&srv.url, |_| Fault::Throttle);
    let cli = Cli::new(&dir.path().join("desk"));
    let id = cli.ready_story();
    let photo = dir.path().join("lon.jpg");
    let size = big_photo(&photo);
    let imported = cli.json(&["photo", "import", photo.to_str().unwrap()]);
    let big = imported["imported"][0]["id"].as_str().unwrap().to_owned();
    stdout(
        &cli.run(&[
            "photo",
            "caption",
            &big,
            "--caption",
            "Ảnh lớn.",
            "--credit",
            "Cảnh Toàn",
        ]),
        "photo caption",
    );
    stdout(
        &cli.run(&["article", "attach", &id, &big]),
        "article attach",
    );

    let mut child = cli
        .command(&["publish", &id, "--server", &px.url, "--token", &token])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("byline publish starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(
            Instant::now() < deadline,
            "byline publish never started uploading the big photo"
        );
        let items = cli.json(&["outbox", "--all"]);
        let done = items
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["target"] == big.as_str() && i["state"] == "uploading")
            .and_then(|i| i["bytes_done"].as_u64())
            .unwrap_or(0);
        if done > 0 && done < size {
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("byline publish ended ({status}) before it could be killed mid-upload");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("SIGKILL");
    child.wait().unwrap();

    let report = cli.json(&["sync", "--server", &srv.url, "--token", &token]);
    assert_eq!(report["needs_attention"], 0, "nothing parked: {report}");
    assert!(
        report["uploaded_bytes"].as_u64() < Some(size),
        "the restart resumes the big photo instead of sending it again: {report}"
    );
    assert_eq!(
        cli.json(&["outbox"]),
        Value::Array(vec![]),
        "the killed publish finished: nothing left waiting"
    );
    assert_eq!(srv.blob_files(), 4, "four photos on the server, none twice");
    let (_, list) = http(
        "GET",
        &format!("{}/api/articles?since=0", srv.url),
        Some(&token),
        None,
    );
    let list: Value = serde_json::from_str(&list).unwrap();
    assert_eq!(
        list["articles"].as_array().map(Vec::len),
        Some(1),
        "one story on the server: {list}"
    );
    let (status, page) = http("GET", &format!("{}/articles/{id}", srv.url), None, None);
    assert_eq!(status, 200, "the story is published");
    assert!(page.contains("Ảnh lớn."), "the new figure is on the page");
}
