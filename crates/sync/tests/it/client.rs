//! Article sync and error classification against a real server.

use byline_protocol::{Article, Block, ErrorCode};
use byline_sync::{Client, SyncError};

use crate::start;

fn story() -> Article {
    let mut a = Article::new("Tin nhanh");
    a.blocks = vec![Block::paragraph("Một"), Block::paragraph("Hai")];
    a
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_push_comes_back_merged_with_the_newer_server_edit() {
    let server = start();
    let rep = Client::new(&server.url, &server.reporter).unwrap();
    let ed = Client::new(&server.url, &server.editor).unwrap();
    let a = story();
    assert_eq!(
        rep.put_article(&a, None, "k1")
            .await
            .unwrap()
            .server_revision,
        1
    );
    let mut by_editor = a.clone();
    *by_editor.blocks[0].text_mut() = "Một (biên tập)".into();
    assert_eq!(
        ed.put_article(&by_editor, Some(1), "k2")
            .await
            .unwrap()
            .server_revision,
        2
    );
    let mut by_reporter = a.clone();
    *by_reporter.blocks[1].text_mut() = "Hai (phóng viên)".into();
    let out = rep
        .put_article(&by_reporter, Some(1), "k3")
        .await
        .expect("stale push");
    let merged = out.merged.expect("a stale push is merged");
    assert_eq!(merged.blocks[0].text(), "Một (biên tập)");
    assert_eq!(merged.blocks[1].text(), "Hai (phóng viên)");
    assert!(out.conflicts.is_empty());
    let feed = rep.changes_since(0).await.unwrap();
    assert_eq!(
        feed.articles[0].server_revision, 3,
        "the feed shows the merged revision"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_classified_for_the_outbox() {
    let server = byline_testkit::in_process::start_in_temp(&byline_server::Config {
        rate_burst: 1.0,
        rate_per_sec: 0.2,
        ..Default::default()
    });
    let bad = Client::new(&server.url, "nope").unwrap();
    let e = bad.changes_since(0).await.expect_err("bad token");
    assert!(
        matches!(
            e,
            SyncError::Http {
                status: 401,
                code: ErrorCode::Unauthorized,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(!e.is_retryable(), "a bad token is permanent");
    let rep = Client::new(&server.url, &server.reporter).unwrap();
    rep.changes_since(0)
        .await
        .expect("first request fits the bucket");
    let e = rep.changes_since(0).await.expect_err("burst");
    assert!(e.is_retryable(), "429 is retryable");
    assert!(e.retry_after().is_some(), "429 carries Retry-After");
    let down = Client::new("http://127.0.0.1:9", "t").unwrap();
    let e = down.health().await.expect_err("nothing listens on port 9");
    assert!(
        e.is_retryable(),
        "an unreachable server is retryable: {e:?}"
    );
}
