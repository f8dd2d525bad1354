//! The always-on sync engine against a real `byline-server` process: a change queued while the
//! server is down goes by itself when it is back (`byline sync --watch` and `Library::start_engine`),
//! a wrong token is a state of the connection that a right token ends, a `sync --watch` killed
//! mid-upload resumes from the server's offset, and two watching libraries see each other's work.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use byline_core::Library;
use byline_core::engine::Target;
use byline_core::events::{Connectivity, Credentials, Event};
use byline_core::outbox::ItemState;
use byline_core::photodesk::FieldEdit;
use byline_core::sync::Remote;
use byline_core::{ArticleSummary, Scope};
use byline_protocol::{Block, BlockKind};
use byline_testkit::process::{Cli, ServerProcess, http, http_bytes};
use byline_testkit::proxy::{self, Fault};
use byline_testkit::{big_photo, in_process, library, ready_story, wait_event, wait_until};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The bound: once the server answers again, the queue drains within this.
const DRAIN: Duration = Duration::from_secs(90);

/// What publishing the model story queues: its text, a preview of each of its 3 photos, the
/// publish request, then each original and its caption.
const QUEUED: usize = 1 + 3 + 1 + 3 * 2;

/// Asserts the server holds exactly one story, `id`, published, with its page served, and
/// `photos` photo files, none twice.
fn assert_published_once(srv: &ServerProcess, token: &str, id: &str, photos: usize) {
    let stories = srv.articles(token);
    assert_eq!(
        stories.len(),
        1,
        "exactly one story on the server, nothing duplicated: {stories:?}"
    );
    assert_eq!(stories[0]["article"]["id"], id, "it is the queued story");
    assert_eq!(
        stories[0]["article"]["status"], "published",
        "the queued publish request went too"
    );
    let (status, page) = http("GET", &format!("{}/articles/{id}", srv.url), None, None);
    assert_eq!(status, 200, "the story's public page is served");
    assert!(
        page.contains("Thanh Hà - Cảnh Toàn"),
        "the page carries the credited photos"
    );
    assert_eq!(
        srv.blob_files(),
        photos,
        "{photos} photo files on the server, none stored twice"
    );
}

fn all_queued(items: &[Value]) -> bool {
    items.iter().all(|i| i["state"] == "queued")
}

#[test]
fn a_publish_queued_while_the_server_is_down_is_sent_by_sync_watch_once_it_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut srv = ServerProcess::start(&dir.path().join("server"));
    let token = srv.add_user("Biên tập", "editor");
    let cli = Cli::new(&dir.path().join("desk"));
    let id = cli.ready_story();

    srv.stop();
    let out = cli.run(&["publish", &id, "--server", &srv.url, "--token", &token]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "publishing to a stopped server cannot succeed"
    );
    assert!(
        err.contains("still queued"),
        "the failure says the story is still queued: {err}"
    );
    let queued = cli.outbox();
    assert_eq!(
        queued.len(),
        QUEUED,
        "story, 3 previews, publish, 3 photos and 3 captions queued: {queued:?}"
    );
    assert!(
        all_queued(&queued),
        "an unreachable server parks nothing: {queued:?}"
    );

    let mut watch = cli.watch(&["--server", &srv.url, "--token", &token]);
    let offline = watch.wait_for(Duration::from_secs(30), |e| {
        e["type"] == "connection" && e["connectivity"] == "offline"
    });
    assert!(
        offline.is_some(),
        "sync --watch says the server does not answer: {:?}\n{}",
        watch.seen,
        watch.stderr()
    );
    srv.restart();
    let drained = wait_until(DRAIN, || cli.outbox().is_empty().then_some(()));
    let Some(((), took)) = drained else {
        panic!(
            "the queue did not drain within {DRAIN:?} of the server's return: {:?}\nevents: {:?}\n{}",
            cli.outbox(),
            watch.seen,
            watch.stderr()
        );
    };
    eprintln!("sync --watch drained the queue {took:?} after the server came back");
    let online = watch.wait_for(Duration::from_secs(10), |e| {
        e["type"] == "connection" && e["connectivity"] == "online"
    });
    assert!(
        online.is_some(),
        "sync --watch says it is online again: {:?}",
        watch.seen
    );
    assert_published_once(&srv, &token, &id, 3);
    let status = watch.terminate();
    assert!(
        status.success(),
        "SIGTERM stops sync --watch cleanly ({status}): {}",
        watch.stderr()
    );
    assert!(
        watch.stderr().contains("sync stopped"),
        "it says it stopped: {}",
        watch.stderr()
    );
}

#[test]
fn a_publish_queued_while_the_server_is_down_is_sent_by_the_engine_once_it_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut srv = ServerProcess::start(&dir.path().join("server"));
    let token = srv.add_user("Biên tập", "editor");
    let lib = Library::open(dir.path().join("desk")).unwrap();
    let id = ready_story(&lib);

    srv.stop();
    let mut events = lib.events().subscribe();
    let engine = lib
        .start_engine(Target::Fixed(Remote {
            url: srv.url.clone(),
            token: token.clone(),
        }))
        .unwrap();
    let started = Instant::now();
    lib.enqueue_publish(&id).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "queueing a publish does not wait for the network ({:?})",
        started.elapsed()
    );
    let (offline, seen) = wait_event(&mut events, Duration::from_secs(30), |e| {
        matches!(
            e,
            Event::Connection {
                connectivity: Connectivity::Offline,
                ..
            }
        )
    });
    assert!(
        offline.is_some(),
        "the engine announces that the server does not answer: {seen:?}"
    );
    let waiting = lib.outbox(false).unwrap();
    assert_eq!(
        waiting.len(),
        QUEUED,
        "everything stays queued: {waiting:?}"
    );
    assert!(
        waiting.iter().all(|i| i.state != ItemState::NeedsAttention),
        "an unreachable server parks nothing: {waiting:?}"
    );

    srv.restart();
    let drained = wait_until(DRAIN, || {
        lib.outbox(false).unwrap().is_empty().then_some(())
    });
    let Some(((), took)) = drained else {
        panic!(
            "the engine did not drain the queue within {DRAIN:?} of the server's return: {:?}",
            lib.outbox(false).unwrap()
        );
    };
    eprintln!("the engine drained the queue {took:?} after the server came back");
    assert_published_once(&srv, &token, &id, 3);
    assert_eq!(
        lib.remote_state(&id)
            .unwrap()
            .map(|(_, _, published)| published),
        Some(true),
        "the library records the story as published"
    );
    engine.stop();
}

#[test]
fn a_publish_with_a_wrong_token_stays_queued_and_a_publish_with_the_right_one_sends_it() {
    let dir = tempfile::tempdir().unwrap();
    let srv = ServerProcess::start(&dir.path().join("server"));
    let token = srv.add_user("Biên tập", "editor");
    let cli = Cli::new(&dir.path().join("desk"));
    let id = cli.ready_story();

    let out = cli.run(&[
        "publish",
        &id,
        "--server",
        &srv.url,
        "--token",
        "not-a-real-token",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a wrong token cannot publish");
    assert!(
        err.contains("--token") && err.contains("BYLINE_TOKEN"),
        "the message says how to give a working token: {err}"
    );
    let queued = cli.outbox();
    assert_eq!(queued.len(), QUEUED, "everything stays queued: {queued:?}");
    assert!(
        all_queued(&queued),
        "a refused token parks nothing (no `needs_attention`): {queued:?}"
    );
    assert!(
        srv.articles(&token).is_empty(),
        "nothing reached the server"
    );

    let report = cli.json(&["publish", &id, "--server", &srv.url, "--token", &token]);
    assert_eq!(
        report["article_id"], id,
        "the right token publishes with no `outbox retry`: {report}"
    );
    assert!(
        cli.outbox().is_empty(),
        "nothing left waiting after the right token"
    );
    assert_published_once(&srv, &token, &id, 3);
}

#[test]
fn the_engine_reports_a_refused_token_and_sends_everything_once_the_right_one_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let srv = ServerProcess::start(&dir.path().join("server"));
    let token = srv.add_user("Biên tập", "editor");
    let lib = Library::open(dir.path().join("desk")).unwrap();
    let settings = lib.settings().unwrap();
    lib.save_settings(byline_core::settings::LibrarySettings {
        server_url: srv.url.clone(),
        ..settings
    })
    .unwrap();
    lib.save_token(&srv.url, "not-a-real-token").unwrap();
    let id = ready_story(&lib);

    let mut events = lib.events().subscribe();
    let engine = lib.start_engine(Target::Settings).unwrap();
    lib.enqueue_publish(&id).unwrap();
    let (refused, seen) = wait_event(&mut events, Duration::from_secs(30), |e| {
        matches!(
            e,
            Event::Connection {
                credentials: Credentials::Refused,
                ..
            }
        )
    });
    let Some(Event::Connection { message, .. }) = refused else {
        panic!("the engine never said the token was refused: {seen:?}");
    };
    assert!(
        message.as_deref().is_some_and(|m| m.contains("Settings")),
        "the state says where to enter a working token: {message:?}"
    );
    let waiting = lib.outbox(false).unwrap();
    assert_eq!(
        waiting.len(),
        QUEUED,
        "everything stays queued: {waiting:?}"
    );
    assert!(
        waiting.iter().all(|i| i.state != ItemState::NeedsAttention),
        "a refused token parks nothing: {waiting:?}"
    );

    lib.save_token(&srv.url, &token).unwrap();
    let drained = wait_until(Duration::from_secs(60), || {
        lib.outbox(false).unwrap().is_empty().then_some(())
    });
    assert!(
        drained.is_some(),
        "saving the right token is all it takes: {:?}",
        lib.outbox(false).unwrap()
    );
    let (accepted, seen) = wait_event(&mut events, Duration::from_secs(10), |e| {
        matches!(
            e,
            Event::Connection {
                connectivity: Connectivity::Online,
                credentials: Credentials::Accepted,
                ..
            }
        )
    });
    assert!(
        accepted.is_some(),
        "the engine says the token works now: {seen:?}"
    );
    assert_published_once(&srv, &token, &id, 3);
    engine.stop();
}

/// The model story plus a big noisy photo (several tus chunks), queued for publishing in the
/// library at `root` (closed again). Returns the story id, the big photo's SHA-256 and its size.
fn queue_story_with_big_photo(
    root: &std::path::Path,
    photo: &std::path::Path,
) -> (String, String, u64) {
    let lib = Library::open(root).unwrap();
    let id = ready_story(&lib);
    let size = big_photo(photo);
    assert!(
        size > 5_000_000,
        "the photo needs more than one 4 MB chunk ({size} bytes)"
    );
    let r = lib
        .import_photos(&[photo.to_path_buf()], &AtomicBool::new(false), &|_| {})
        .unwrap();
    let big = r.imported[0].id.clone();
    lib.caption_photos(
        std::slice::from_ref(&big),
        &FieldEdit {
            caption: Some("Ảnh lớn.".into()),
            credit: Some("Cảnh Toàn".into()),
            ..Default::default()
        },
    )
    .unwrap();
    lib.attach_photo(&id, &big, None).unwrap();
    lib.enqueue_publish(&id).unwrap();
    (id, big, size)
}

#[test]
fn sync_watch_killed_mid_upload_resumes_from_the_servers_offset_and_stores_the_photo_once() {
    let dir = tempfile::tempdir().unwrap();
    let srv = ServerProcess::start(&dir.path().join("server"));
    let token = srv.add_user("Biên tập", "editor");
    let root = dir.path().join("desk");
    let (id, big, size) = queue_story_with_big_photo(&root, &dir.path().join("lon.jpg"));
    let cli = Cli::new(&root);

    // Slow enough that the kill lands while the big photo is on its way.
    let slow = proxy::proxy(&srv.url, |_| Fault::Throttle);
    let mut first = cli.watch(&["--server", &slow.url, "--token", &token]);
    let progress = first.wait_for(Duration::from_secs(120), |e| {
        e["type"] == "upload"
            && e["target"] == big.as_str()
            && e["done"].as_u64().is_some_and(|d| d > 0 && d < size)
    });
    let Some(progress) = progress else {
        panic!(
            "sync --watch never reported the big photo half way: {:?}\n{}",
            first.seen,
            first.stderr()
        );
    };
    first.kill9();
    let done_at_kill = progress["done"].as_u64().unwrap();

    let lib = Library::open(&root).unwrap();
    lib.db()
        .read(byline_core::store::integrity_check)
        .expect("the library is intact after kill -9");
    let item = lib
        .outbox(false)
        .unwrap()
        .into_iter()
        .find(|i| i.target == big && i.kind == byline_core::outbox::Kind::Photo)
        .expect("the big photo is still queued after the kill");
    assert!(
        item.upload_location.is_some(),
        "the upload's location was kept, so it can resume"
    );
    drop(lib);

    let counting = proxy::proxy(&srv.url, |_| Fault::Pass);
    let mut second = cli.watch(&["--server", &counting.url, "--token", &token]);
    let drained = wait_until(DRAIN, || cli.outbox().is_empty().then_some(()));
    assert!(
        drained.is_some(),
        "the restarted sync --watch finishes the queue: {:?}\n{}",
        cli.outbox(),
        second.stderr()
    );
    let status = second.terminate();
    assert!(status.success(), "sync --watch stops on SIGTERM ({status})");
    let sent = counting.bytes_up.load(Ordering::SeqCst);
    eprintln!("killed at {done_at_kill} of {size} bytes; the second run sent {sent} bytes in all");
    assert!(
        sent < size,
        "the second run resumed instead of sending the whole photo again ({sent} of {size} bytes)"
    );
    assert!(
        sent <= size - done_at_kill + 512 * 1024,
        "the second run sent about what the server lacked ({sent} bytes; {} were missing)",
        size - done_at_kill
    );

    let (status, bytes) = http_bytes(&format!("{}/api/blobs/{big}", srv.url), Some(&token));
    assert_eq!(status, 200, "the server serves the big photo's original");
    assert_eq!(bytes.len() as u64, size, "the whole photo is there");
    let digest: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(digest, big, "the stored bytes have the photo's SHA-256");
    let conn = byline_server::db::open_reader(&srv.data_dir.join("byline.db")).unwrap();
    let rows: i64 = conn
        .query_one(
            "SELECT COUNT(*) FROM blobs WHERE sha256 = ?1",
            byline_server::args![big],
        )
        .and_then(|r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1, "one blob row for the photo");
    let open: i64 = conn
        .query_one("SELECT COUNT(*) FROM uploads", byline_server::args![])
        .and_then(|r| r.get(0))
        .unwrap();
    assert_eq!(open, 0, "no upload left half done on the server");
    assert_published_once(&srv, &token, &id, 4);
    let (_, page) = http("GET", &format!("{}/articles/{id}", srv.url), None, None);
    assert!(page.contains("Ảnh lớn."), "the new figure is on the page");
}

fn listed(lib: &Library, id: &str) -> Option<ArticleSummary> {
    lib.articles(Scope::Live)
        .unwrap()
        .into_iter()
        .find(|a| a.id == id)
}

fn has_paragraph(lib: &Library, id: &str, text: &str) -> bool {
    lib.article(id)
        .is_ok_and(|a| a.blocks.iter().any(|b| b.text() == text))
}

#[test]
fn two_watching_libraries_see_each_others_stories_and_edits() {
    let sdir = tempfile::tempdir().unwrap();
    let srv = in_process::start(sdir.path());
    // A works over a slow line, so B hears of the story before its originals are up.
    let slow = proxy::proxy(&srv.url, |_| Fault::Crawl);
    let (_da, a) = library();
    let (_db, b) = library();
    let ea = a
        .start_engine(Target::Fixed(Remote {
            url: slow.url.clone(),
            token: srv.editor.clone(),
        }))
        .unwrap();
    let eb = b
        .start_engine(Target::Fixed(srv.remote(&srv.editor)))
        .unwrap();
    let bound = Duration::from_secs(60);

    let id = ready_story(&a);
    a.enqueue_publish(&id).unwrap();
    let seen = wait_until(bound, || listed(&b, &id));
    let Some((summary, took)) = seen else {
        panic!(
            "B's list never showed A's story; A's outbox: {:?}",
            a.outbox(false)
        );
    };
    eprintln!("A's publish reached B's list in {took:?}");
    assert_eq!(
        summary.title,
        a.article(&id).unwrap().title,
        "B lists the story under its title"
    );
    let published = wait_until(bound, || {
        (b.article(&id).unwrap().status.as_str() == "published").then_some(())
    });
    assert!(published.is_some(), "B sees the story as published");
    let sent = wait_until(bound, || a.outbox(false).unwrap().is_empty().then_some(()));
    assert!(sent.is_some(), "A's engine sent everything, originals last");
    // B pulled the story as soon as its text arrived, before the originals did (preview-first
    // order): the photos must still come once they are on the server, without another edit.
    let photos = wait_until(Duration::from_secs(30), || {
        (b.photos().unwrap().len() == 3).then_some(())
    });
    assert!(
        photos.is_some(),
        "B fetches the story's three photos once A has sent them: has {}",
        b.photos().unwrap().len()
    );

    let from_a = "Tin cập nhật: đoàn công tác làm việc tại Nghệ An.";
    let mut story = a.article(&id).unwrap();
    story.blocks.push(Block::paragraph(from_a.to_owned()));
    a.save_article(&mut story).unwrap();
    assert!(
        wait_until(bound, || has_paragraph(&b, &id, from_a).then_some(())).is_some(),
        "A's edit reaches B by itself"
    );

    let from_b = "Đoạn do biên tập viên B viết thêm.";
    let mut story = b.article(&id).unwrap();
    story.blocks.push(Block::paragraph(from_b.to_owned()));
    b.save_article(&mut story).unwrap();
    assert!(
        wait_until(bound, || has_paragraph(&a, &id, from_b).then_some(())).is_some(),
        "B's edit reaches A by itself"
    );
    assert!(
        has_paragraph(&a, &id, from_a),
        "A's own edit is kept beside B's"
    );

    let figures = b
        .article(&id)
        .unwrap()
        .blocks
        .iter()
        .filter(|bl| matches!(bl.kind, BlockKind::Figure { .. }))
        .count();
    assert_eq!(figures, 3, "B's copy keeps the three figures");
    ea.stop();
    eb.stop();
}

#[test]
fn items_waiting_for_a_retry_time_go_as_soon_as_the_engine_finds_the_server_answering() {
    let dir = tempfile::tempdir().unwrap();
    let srv = ServerProcess::start(&dir.path().join("server"));
    let token = srv.add_user("Biên tập", "editor");
    let lib = Library::open(dir.path().join("desk")).unwrap();
    let id = ready_story(&lib);
    lib.enqueue_publish(&id).unwrap();
    // As after a long outage (or a `byline publish` that gave up): every item waits a minute.
    lib.db()
        .write(|c| {
            for item in byline_core::outbox::pending(c)? {
                byline_core::outbox::mark_retry(
                    c,
                    item.id,
                    "network: connection refused",
                    Duration::from_secs(60),
                )?;
            }
            Ok(())
        })
        .unwrap();

    let engine = lib
        .start_engine(Target::Fixed(Remote {
            url: srv.url.clone(),
            token: token.clone(),
        }))
        .unwrap();
    let drained = wait_until(Duration::from_secs(15), || {
        lib.outbox(false).unwrap().is_empty().then_some(())
    });
    assert!(
        drained.is_some(),
        "a server that answers gets the queue at once, not after the items' retry times: {:?}",
        lib.outbox(false).unwrap()
    );
    assert_published_once(&srv, &token, &id, 3);
    engine.stop();
}
