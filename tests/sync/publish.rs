//! Publishing to a real server: the model story, idempotent retries through a hostile network,
//! zero-byte re-publish, and two offline editors.

use std::time::Duration;

use byline_core::Library;
use byline_core::photodesk::FieldEdit;
use byline_core::sync::{Patience, Remote};
use byline_protocol::{Block, BlockKind, ErrorCode};
use byline_server::args;
use byline_sync::Backoff;

use byline_testkit::in_process as server;
use byline_testkit::proxy::{self, Fault};
use byline_testkit::{library, seed_article};

fn fast() -> Patience {
    Patience {
        attempts: 30,
        backoff: Backoff::new(Duration::from_millis(5), Duration::from_millis(50)),
    }
}

/// The model story, cleaned and with credited photos, ready to publish.
fn ready_story(lib: &mut Library) -> String {
    let id = lib.import_article(&seed_article()).unwrap().article.id;
    lib.fix_article(&id).unwrap();
    let ids: Vec<String> = lib.photos().unwrap().into_iter().map(|p| p.id).collect();
    lib.caption_photos(
        &ids,
        &FieldEdit {
            credit: Some("Cảnh Toàn".into()),
            ..Default::default()
        },
    )
    .unwrap();
    id
}

fn get(url: &str) -> String {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    byline_sync::ensure_crypto_provider();
    rt.block_on(async { reqwest::get(url).await.unwrap().text().await.unwrap() })
}

#[test]
fn publishing_the_model_story_shows_captions_and_byline_on_the_server() {
    let sdir = tempfile::tempdir().unwrap();
    let srv = server::start(sdir.path());
    let (_d, mut lib) = library();
    let id = ready_story(&mut lib);
    let remote = srv.remote(&srv.editor);
    let report = lib.publish(&id, &remote, &fast()).unwrap();
    assert!(report.server_revision >= 1);
    assert!(
        report.uploaded_bytes > 900_000,
        "three photos went up: {}",
        report.uploaded_bytes
    );
    assert_eq!(report.skipped_photos, 0);
    let html = get(&format!("{}/articles/{id}", srv.url));
    for needle in [
        "Toàn cảnh hội nghị.",
        "Lãnh đạo LĐLĐ tỉnh phát biểu tại hội nghị.",
        "Đại diện đoàn công tác của Tổng Liên đoàn Việt Nam phát biểu tại hội nghị.",
        "Thanh Hà - Cảnh Toàn",
        "Trong tỉnh",
    ] {
        assert!(
            html.contains(needle),
            "the published page should show {needle:?}"
        );
    }
    assert!(
        lib.outbox(false).unwrap().is_empty(),
        "nothing left waiting"
    );
    assert_eq!(
        lib.article(&id).unwrap().status.as_str(),
        "published",
        "local copy adopts the status"
    );

    let again = lib.publish(&id, &remote, &fast()).unwrap();
    assert_eq!(
        again.uploaded_bytes, 0,
        "re-publishing unchanged photos uploads 0 photo bytes"
    );
    assert_eq!(again.skipped_photos, 3);
}

#[test]
fn a_story_blocked_by_the_copy_desk_is_not_sent() {
    let sdir = tempfile::tempdir().unwrap();
    let srv = server::start(sdir.path());
    let (_d, lib) = library();
    let id = lib.import_article(&seed_article()).unwrap().article.id;
    // The filed story's photos inherit the photographer's credit: without one in the byline,
    // they have none.
    let mut a = lib.article(&id).unwrap();
    a.byline.retain(|p| p.role != "photographer");
    lib.save_article(&mut a).unwrap();
    let err = lib
        .publish(&id, &srv.remote(&srv.editor), &fast())
        .unwrap_err();
    assert_eq!(
        err.code(),
        ErrorCode::Blocked,
        "photos with neither a credit nor a photographer to inherit from block publishing: {err}"
    );
    assert!(
        err.to_string().contains("missing-credit"),
        "the list names the rule: {err}"
    );
    assert!(
        lib.outbox(false).unwrap().is_empty(),
        "a blocked publish queues nothing"
    );
}

#[test]
fn a_failed_publish_stays_queued_and_visible() {
    let (_d, mut lib) = library();
    let id = ready_story(&mut lib);
    // Nothing listens on this port: the network is "down".
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let patience = Patience {
        attempts: 2,
        backoff: Backoff::new(Duration::from_millis(1), Duration::from_millis(5)),
    };
    let err = lib
        .publish(
            &id,
            &Remote {
                url,
                token: "x".into(),
            },
            &patience,
        )
        .unwrap_err();
    assert_eq!(
        err.code(),
        ErrorCode::Unavailable,
        "an unreachable server is retryable: {err}"
    );
    let queued = lib.outbox(false).unwrap();
    assert_eq!(
        queued.len(),
        11,
        "story + 3 previews + publish + 3 photos + 3 captions stay queued"
    );
    assert!(
        queued[0]
            .last_error
            .as_deref()
            .is_some_and(|e| !e.is_empty()),
        "with the last error"
    );
    assert!(queued[0].attempts >= 1);

    let sdir = tempfile::tempdir().unwrap();
    let srv = server::start(sdir.path());
    let report = lib.sync(&srv.remote(&srv.editor), &fast()).unwrap();
    assert_eq!(
        report.push.sent, 11,
        "once the server is back, sync sends them all"
    );
    assert!(lib.outbox(false).unwrap().is_empty());
    assert!(get(&format!("{}/articles/{id}", srv.url)).contains("Thanh Hà - Cảnh Toàn"));
}

#[test]
fn a_role_the_server_refuses_leaves_the_item_queued_and_an_editors_token_sends_it() {
    let sdir = tempfile::tempdir().unwrap();
    let srv = server::start(sdir.path());
    let (_d, mut lib) = library();
    let id = ready_story(&mut lib);
    let err = lib
        .publish(&id, &srv.remote(&srv.reporter), &fast())
        .unwrap_err();
    assert!(
        err.to_string().contains("still queued") && err.to_string().contains("--token"),
        "a reporter may not publish, and the message says whose token does: {err}"
    );
    let waiting = lib.outbox(false).unwrap();
    use byline_core::outbox::{ItemState, Kind};
    assert!(
        waiting.iter().any(|i| i.kind == Kind::Publish),
        "the publish request waits: {waiting:?}"
    );
    for item in &waiting {
        assert!(
            matches!(item.kind, Kind::Publish | Kind::PhotoMeta),
            "only what the role may not do waits; the story and its photos went: {item:?}"
        );
        assert_eq!(
            item.state,
            ItemState::Queued,
            "a refused role parks nothing (the CLI contract)"
        );
        assert!(
            item.last_error.as_deref().unwrap_or("").contains("role"),
            "with the reason: {item:?}"
        );
    }
    lib.sync(&srv.remote(&srv.editor), &fast()).unwrap();
    assert!(
        lib.outbox(false).unwrap().is_empty(),
        "an editor's token sends it, with no retry"
    );
}

#[test]
fn hundreds_of_publishes_through_a_faulty_network_lose_nothing_and_duplicate_nothing() {
    let sdir = tempfile::tempdir().unwrap();
    let srv = server::start(sdir.path());
    // Every third connection fails in one of four ways; the rest pass.
    let faults = [
        Fault::Drop,
        Fault::CutResponse,
        Fault::ResetMidRequest,
        Fault::Throttle,
    ];
    let px = proxy::proxy(&srv.url, move |n| {
        if n % 3 == 1 {
            faults[(n / 3) as usize % 4]
        } else {
            Fault::Pass
        }
    });
    let (_d, mut lib) = library();
    let id = ready_story(&mut lib);
    let remote = Remote {
        url: px.url.clone(),
        token: srv.editor.clone(),
    };
    lib.publish(&id, &remote, &fast()).unwrap();
    let mut expected = Vec::new();
    for i in 0..120 {
        let mut a = lib.article(&id).unwrap();
        let text = format!("Cập nhật lần {i}: đoàn công tác làm việc tại Nghệ An.");
        a.blocks.push(Block::paragraph(text.clone()));
        lib.save_article(&mut a).unwrap();
        expected.push(text);
        if i % 4 == 3 {
            lib.sync(&remote, &fast()).unwrap();
        }
    }
    lib.sync(&remote, &fast()).unwrap();
    assert!(
        lib.outbox(false).unwrap().is_empty(),
        "everything got through eventually"
    );
    assert!(
        px.connections.load(std::sync::atomic::Ordering::SeqCst) > 60,
        "the proxy was really in the path"
    );
    let (articles, blobs, body) = srv
        .state
        .with_db(|c| {
            let a: i64 = c
                .query_one("SELECT COUNT(*) FROM articles", args![])?
                .get(0)?;
            let b: i64 = c.query_one("SELECT COUNT(*) FROM blobs", args![])?.get(0)?;
            let body: String = c
                .query_one("SELECT body FROM articles WHERE id = ?1", args![id])?
                .get(0)?;
            Ok((a, b, body))
        })
        .unwrap();
    assert_eq!(articles, 1, "no duplicate article on the server");
    assert_eq!(blobs, 3, "no duplicate blob on the server");
    for t in &expected {
        assert!(
            body.contains(t.as_str()),
            "edit {t:?} must have reached the server"
        );
    }
    let server_article: byline_protocol::Article = serde_json::from_str(&body).unwrap();
    let n = server_article
        .blocks
        .iter()
        .filter(|b| b.text().starts_with("Cập nhật lần"))
        .count();
    assert_eq!(
        n,
        expected.len(),
        "each edit exactly once, none doubled by a retry"
    );
}

/// One editor's offline edit of block `index`, saved locally.
fn edit_offline(lib: &mut Library, id: &str, index: usize, text: &str) {
    let mut a = lib.article(id).unwrap();
    *a.blocks[index].text_mut() = text.into();
    lib.save_article(&mut a).unwrap();
}

#[test]
fn two_offline_editors_merge_different_paragraphs_and_keep_both_versions_of_the_same_one() {
    let sdir = tempfile::tempdir().unwrap();
    let srv = server::start(sdir.path());
    let remote = srv.remote(&srv.editor);
    let (_d1, mut one) = library();
    let id = ready_story(&mut one);
    one.publish(&id, &remote, &fast()).unwrap();
    let (_d2, mut two) = library();
    let pulled = two.sync(&remote, &fast()).unwrap();
    assert_eq!(
        pulled.pulled,
        vec![id.clone()],
        "the second editor receives the story"
    );

    // Offline: different paragraphs.
    edit_offline(&mut one, &id, 1, "Đoạn 1 do biên tập viên A sửa.");
    edit_offline(&mut two, &id, 3, "Đoạn 3 do biên tập viên B sửa.");
    one.sync(&remote, &fast()).unwrap();
    two.sync(&remote, &fast()).unwrap();
    one.sync(&remote, &fast()).unwrap();
    for lib in [&one, &two] {
        let x = lib.article(&id).unwrap();
        assert_eq!(
            x.blocks[1].text(),
            "Đoạn 1 do biên tập viên A sửa.",
            "A's edit kept"
        );
        assert_eq!(
            x.blocks[3].text(),
            "Đoạn 3 do biên tập viên B sửa.",
            "B's edit merged in"
        );
    }

    // Offline: the same paragraph, in the other order.
    edit_offline(&mut two, &id, 5, "Bản của B.");
    edit_offline(&mut one, &id, 5, "Bản của A.");
    two.sync(&remote, &fast()).unwrap();
    one.sync(&remote, &fast()).unwrap();
    let (_, conflicts, _) = one.remote_state(&id).unwrap().unwrap();
    assert_eq!(
        conflicts.len(),
        1,
        "the same paragraph edited twice is a visible conflict"
    );
    let c = &conflicts[0];
    let both = format!("{} {}", c.ours, c.theirs);
    assert!(
        both.contains("Bản của A.") && both.contains("Bản của B."),
        "both texts kept: {both}"
    );
    assert_eq!(
        one.article(&id).unwrap().blocks[5].text(),
        "Bản của B.",
        "the server's (first) version is current"
    );
    let _ = BlockKind::Paragraph {
        text: String::new(),
    };
}

const KILL_CHILD: &str = "BYLINE_KILL_CHILD";

/// Child process of the kill test: publishes through the (throttled) proxy until killed.
#[test]
#[ignore = "child process of the kill -9 publish test; runs only when started by it"]
fn kill_child_publishes_until_killed() {
    let Ok(spec) = std::env::var(KILL_CHILD) else {
        return;
    };
    let mut parts = spec.split('\n');
    let (dir, url, token, id) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let lib = Library::open(dir).unwrap();
    let slow = Patience {
        attempts: 1000,
        backoff: Backoff::new(Duration::from_millis(5), Duration::from_millis(20)),
    };
    let _ = lib.publish(
        id,
        &Remote {
            url: url.into(),
            token: token.into(),
        },
        &slow,
    );
}

#[test]
#[cfg(unix)]
fn a_client_killed_mid_upload_resumes_and_publishes_once() {
    let sdir = tempfile::tempdir().unwrap();
    let srv = server::start(sdir.path());
    let px = proxy::proxy(&srv.url, |_| Fault::Throttle);
    let (d, mut lib) = library();
    let id = ready_story(&mut lib);
    let photo = d.path().join("lon.jpg");
    let size = byline_testkit::big_photo(&photo);
    assert!(
        size > 5_000_000,
        "the test photo must need several 4 MB chunks ({size} bytes)"
    );
    let r = lib
        .import_photos(
            &[photo],
            &std::sync::atomic::AtomicBool::new(false),
            &|_| {},
        )
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
    let root = lib.root().to_path_buf();
    drop(lib);

    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "publish::kill_child_publishes_until_killed",
            "--nocapture",
        ])
        .env(
            KILL_CHILD,
            format!("{}\n{}\n{}\n{id}", root.display(), px.url, srv.editor),
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the big photo is partly on the server, then kill -9.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let sent_before_kill = loop {
        assert!(
            std::time::Instant::now() < deadline,
            "the child never started uploading the big photo"
        );
        let partial = Library::open(&root)
            .ok()
            .and_then(|l| l.outbox(true).ok())
            .and_then(|items| {
                items.into_iter().find(|i| {
                    i.target == big && i.state == byline_core::outbox::ItemState::Uploading
                })
            })
            .map(|i| i.bytes_done)
            .unwrap_or(0);
        if partial > 0 && partial < size {
            break partial;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    child.kill().unwrap();
    child.wait().unwrap();

    let lib = Library::open(&root).unwrap();
    store_ok(&lib);
    let report = lib.publish(&id, &srv.remote(&srv.editor), &fast()).unwrap();
    assert!(
        report.uploaded_bytes <= size - sent_before_kill + 4 * 1024 * 1024,
        "the restart resumes the upload ({} bytes sent after the kill, {sent_before_kill} of {size} were on the server)",
        report.uploaded_bytes
    );
    let (articles, blobs) = srv
        .state
        .with_db(|c| {
            let a: i64 = c
                .query_one("SELECT COUNT(*) FROM articles", args![])?
                .get(0)?;
            let b: i64 = c.query_one("SELECT COUNT(*) FROM blobs", args![])?.get(0)?;
            Ok((a, b))
        })
        .unwrap();
    assert_eq!(
        (articles, blobs),
        (1, 4),
        "one story and four photos on the server, no duplicates"
    );
    assert!(
        lib.outbox(false).unwrap().is_empty(),
        "nothing lost, nothing left"
    );
    assert!(
        get(&format!("{}/articles/{id}", srv.url)).contains("Ảnh lớn."),
        "the new figure is published"
    );
}

#[cfg(unix)]
fn store_ok(lib: &Library) {
    lib.db()
        .read(byline_core::store::integrity_check)
        .expect("library intact after kill -9");
}

#[test]
fn a_photographer_adds_captioned_photos_to_an_editors_story_and_the_editor_sees_them() {
    let sdir = tempfile::tempdir().unwrap();
    let srv = server::start(sdir.path());
    let as_editor = srv.remote(&srv.editor);
    let as_photographer = srv.remote(&srv.photographer);
    let (_d1, mut editor) = library();
    let id = ready_story(&mut editor);
    editor.publish(&id, &as_editor, &fast()).unwrap();

    let (_d2, photographer) = library();
    photographer.sync(&as_photographer, &fast()).unwrap();
    let data = byline_testkit::repo().join("crates/media/tests/data/portrait_8.jpg");
    let r = photographer
        .import_photos(&[data], &std::sync::atomic::AtomicBool::new(false), &|_| {})
        .unwrap();
    let photo = r.imported[0].id.clone();
    let edit = FieldEdit {
        caption: Some("Đoàn viên công đoàn nhận quà.".into()),
        credit: Some("Cảnh Toàn".into()),
        creator: Some("Cảnh Toàn".into()),
        ..Default::default()
    };
    photographer
        .caption_photos(std::slice::from_ref(&photo), &edit)
        .unwrap();
    photographer.attach_photo(&id, &photo, None).unwrap();
    let pushed = photographer.sync(&as_photographer, &fast()).unwrap();
    assert_eq!(
        pushed.push.needs_attention, 0,
        "a photographer may add photos to a story"
    );
    assert!(
        photographer.outbox(false).unwrap().is_empty(),
        "photo, caption and story all sent"
    );

    let pulled = editor.sync(&as_editor, &fast()).unwrap();
    assert_eq!(
        pulled.pulled,
        vec![id.clone()],
        "the editor receives the changed story"
    );
    let story = editor.article(&id).unwrap();
    let last = story.blocks.last().unwrap();
    assert!(
        matches!(&last.kind, BlockKind::Figure { photo_id: Some(p), caption, .. } if *p == photo && caption == "Đoàn viên công đoàn nhận quà."),
        "the editor sees the new captioned figure: {last:?}"
    );
    let seen = editor
        .photo_view(&photo)
        .expect("the photo itself is now in the editor's library");
    assert_eq!(seen.credit, "Cảnh Toàn", "with the photographer's credit");
    assert!(seen.thumbnail.exists(), "and a thumbnail to show");
}

#[test]
fn the_desk_sees_the_page_with_previews_before_the_originals_arrive() {
    let sdir = tempfile::tempdir().unwrap();
    // The server takes no original at all here, as if they were still crawling up a 3G link.
    let srv = server::start_with(
        sdir.path(),
        &byline_server::Config {
            max_blob: 1,
            ..Default::default()
        },
    );
    let (_d, mut lib) = library();
    let id = ready_story(&mut lib);
    let err = lib
        .publish(&id, &srv.remote(&srv.editor), &fast())
        .unwrap_err();
    assert!(
        err.to_string().contains("still queued"),
        "the originals wait; the rest went: {err}"
    );
    let page = get(&format!("{}/articles/{id}", srv.url));
    let photos: Vec<String> = lib.photos().unwrap().into_iter().map(|p| p.id).collect();
    assert_eq!(photos.len(), 3);
    for sha in &photos {
        assert!(
            page.contains(&format!("/photos/{sha}/preview")),
            "the published page lays out the preview of {sha} at once:\n{page}"
        );
        let (status, bytes) =
            byline_testkit::process::http_bytes(&format!("{}/photos/{sha}/preview", srv.url), None);
        assert_eq!(status, 200, "the preview is served");
        assert_eq!(&bytes[..2], &[0xFF, 0xD8], "as a JPEG");
    }
    let left: Vec<_> = lib.outbox(false).unwrap();
    assert!(
        left.iter()
            .all(|i| i.kind == byline_core::outbox::Kind::Photo
                || i.kind == byline_core::outbox::Kind::PhotoMeta),
        "only originals and their captions still wait: {left:?}"
    );
}
