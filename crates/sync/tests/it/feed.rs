//! The always-on sync engine's calls: the change feed (paged and long-polled), preview uploads,
//! and auth refusals it must tell apart from item failures.

use std::time::{Duration, Instant};

use byline_protocol::{Article, Block, ErrorCode};
use byline_sync::{Change, Client, SyncError};

use crate::start;

fn story(title: &str) -> Article {
    let mut a = Article::new(title);
    a.blocks = vec![Block::paragraph("Một")];
    a
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_returns_the_feed_and_long_polls_until_a_change_commits() {
    let server = start();
    let rep = Client::new(&server.url, &server.reporter).unwrap();
    let first = story("Một");
    rep.put_article(&first, None, "k1").await.unwrap();
    let page = rep.changes(0, Duration::ZERO).await.expect("feed");
    assert!(
        matches!(&page.changes[..], [Change::Article { article, .. }] if article.article.id == first.id),
        "the one story so far: {page:?}"
    );

    let began = Instant::now();
    let quiet = rep
        .changes(page.next_cursor, Duration::from_millis(300))
        .await
        .expect("quiet feed");
    assert!(quiet.changes.is_empty(), "nothing new");
    assert_eq!(
        quiet.next_cursor, page.next_cursor,
        "the cursor stays where it was"
    );
    assert!(
        began.elapsed() >= Duration::from_millis(900),
        "a sub-second wait rounds up to one second, not to a poll ({:?})",
        began.elapsed()
    );

    let poller = rep.clone();
    let cursor = page.next_cursor;
    let poll = tokio::spawn(async move { poller.changes(cursor, Duration::from_secs(20)).await });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let ed = Client::new(&server.url, &server.editor).unwrap();
    let second = story("Hai");
    ed.put_article(&second, None, "k2").await.unwrap();
    let woke = tokio::time::timeout(Duration::from_secs(10), poll)
        .await
        .expect("the long-poll answers when the change commits, well before its 20 s wait")
        .expect("task")
        .expect("feed");
    assert_eq!(woke.changes.len(), 1, "just the new story: {woke:?}");
    assert_eq!(woke.changes[0].cursor(), woke.next_cursor);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn put_preview_stores_the_preview_once_and_the_public_can_fetch_it() {
    let server = start();
    let rep = Client::new(&server.url, &server.reporter).unwrap();
    let bytes = std::fs::read(byline_testkit::seed_photo("lanh-dao.jpg")).unwrap();
    let sha = "0f".repeat(32);
    rep.put_preview(&sha, bytes.clone()).await.expect("stored");
    rep.put_preview(&sha, bytes)
        .await
        .expect("sending the same preview again is fine");
    let served = reqwest::get(format!("{}/photos/{sha}/preview", server.url))
        .await
        .unwrap();
    assert_eq!(served.status(), 200, "previews are public");
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    let e = rep
        .put_preview("LANH-DAO", vec![0xFF, 0xD8])
        .await
        .expect_err("not a hash");
    assert!(
        matches!(e, SyncError::Protocol(_)),
        "refused before anything is sent: {e:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_or_role_is_an_auth_error_and_a_missing_item_is_not() {
    let server = start();
    let stranger = Client::new(&server.url, "byl_not_a_token").unwrap();
    let e = stranger
        .changes(0, Duration::ZERO)
        .await
        .expect_err("unknown token");
    assert!(e.is_auth(), "401 is the connection's state: {e:?}");
    assert_eq!(e.to_api_error().code, ErrorCode::Unauthorized);

    let rep = Client::new(&server.url, &server.reporter).unwrap();
    let e = rep
        .put_photo_meta(&"0f".repeat(32), &Default::default())
        .await
        .expect_err("reporters do not caption photos");
    assert!(e.is_auth(), "403 too: {e:?}");
    assert_eq!(
        e.to_api_error().code,
        ErrorCode::Forbidden,
        "a refused role stays distinct from a refused token"
    );

    let e = rep.get_article("no-such-story").await.expect_err("404");
    assert!(
        !e.is_auth(),
        "a missing story is that item's problem: {e:?}"
    );
}
