//! Publishing to a real server: the model story, idempotent retries through a hostile network,
//! zero-byte re-publish, and two offline editors.

use std::time::Duration;

use byline_core::Library;
use byline_core::photodesk::FieldEdit;
use byline_core::sync::{Patience, Remote};
use byline_protocol::{Block, BlockKind, ErrorCode};
use byline_sync::Backoff;

use crate::server::{self, Fault};
use crate::{library, seed_article};

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
    let remote = Remote {
        url: srv.url.clone(),
        token: srv.editor.clone(),
    };
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
    let (_d, mut lib) = library();
    let id = lib.import_article(&seed_article()).unwrap().article.id;
    let err = lib
        .publish(
            &id,
            &Remote {
                url: srv.url.clone(),
                token: srv.editor.clone(),
            },
            &fast(),
        )
        .unwrap_err();
    assert_eq!(
        err.code(),
        ErrorCode::Blocked,
        "missing photo credits block publishing: {err}"
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
        8,
        "3 photos + 3 captions + story + publish stay queued"
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
    let report = lib
        .sync(
            &Remote {
                url: srv.url.clone(),
                token: srv.editor.clone(),
            },
            &fast(),
        )
        .unwrap();
    assert_eq!(
        report.push.sent, 8,
        "once the server is back, sync sends them all"
    );
    assert!(lib.outbox(false).unwrap().is_empty());
    assert!(get(&format!("{}/articles/{id}", srv.url)).contains("Thanh Hà - Cảnh Toàn"));
}

#[test]
fn a_wrong_role_parks_the_item_as_needs_attention_and_retry_sends_it() {
    let sdir = tempfile::tempdir().unwrap();
    let srv = server::start(sdir.path());
    let (_d, mut lib) = library();
    let id = ready_story(&mut lib);
    let err = lib
        .publish(
            &id,
            &Remote {
                url: srv.url.clone(),
                token: srv.reporter.clone(),
            },
            &fast(),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("still queued"),
        "a reporter may not publish: {err}"
    );
    let parked: Vec<_> = lib
        .outbox(false)
        .unwrap()
        .into_iter()
        .filter(|i| i.state == "needs_attention")
        .collect();
    assert!(
        !parked.is_empty(),
        "the refused item is parked, not dropped"
    );
    assert!(
        parked[0].last_error.as_deref().unwrap().contains("403")
            || parked[0]
                .last_error
                .as_deref()
                .unwrap()
                .to_lowercase()
                .contains("forbidden")
    );
    assert!(lib.retry_outbox().unwrap() >= 1);
    lib.sync(
        &Remote {
            url: srv.url.clone(),
            token: srv.editor.clone(),
        },
        &fast(),
    )
    .unwrap();
    assert!(
        lib.outbox(false).unwrap().is_empty(),
        "an editor's token sends what was parked"
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
    let px = server::proxy(&srv.url, move |n| {
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
            let a: i64 = c.query_row("SELECT COUNT(*) FROM articles", [], |r| r.get(0))?;
            let b: i64 = c.query_row("SELECT COUNT(*) FROM blobs", [], |r| r.get(0))?;
            let body: String =
                c.query_row("SELECT body FROM articles WHERE id = ?1", [&id], |r| {
                    r.get(0)
                })?;
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

#[test]
fn two_offline_editors_merge_different_paragraphs_and_keep_both_versions_of_the_same_one() {
    let sdir = tempfile::tempdir().unwrap();
    let srv = server::start(sdir.path());
    let remote = Remote {
        url: srv.url.clone(),
        token: srv.editor.clone(),
    };
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
    let mut a = one.article(&id).unwrap();
    *a.blocks[1].text_mut() = "Đoạn 1 do biên tập viên A sửa.".into();
    one.save_article(&mut a).unwrap();
    let mut b = two.article(&id).unwrap();
    *b.blocks[3].text_mut() = "Đoạn 3 do biên tập viên B sửa.".into();
    two.save_article(&mut b).unwrap();
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
    let mut b = two.article(&id).unwrap();
    *b.blocks[5].text_mut() = "Bản của B.".into();
    two.save_article(&mut b).unwrap();
    let mut a = one.article(&id).unwrap();
    *a.blocks[5].text_mut() = "Bản của A.".into();
    one.save_article(&mut a).unwrap();
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
