//! The change feed `GET /api/changes`: article and photo-metadata changes in commit order,
//! resumable from any cursor, long-polled over real TCP.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::StatusCode;
use byline_protocol::sync::{Change, ChangeFeed, PhotoMeta};
use byline_protocol::{Article, Block};
use byline_sync::{Client, hash_file};

use crate::{Fixture, error_code, fixture_photo, req};

/// Reads one page of the feed in-process; the raw JSON too, to check the wire shape.
async fn feed(f: &Fixture, query: &str) -> (ChangeFeed, serde_json::Value) {
    let r = req("GET", &format!("/api/changes?{query}"), Some(&f.reporter))
        .body(Body::empty())
        .expect("request");
    let (s, _, b) = f.call(r).await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
    let raw: serde_json::Value = serde_json::from_slice(&b).expect("JSON");
    (serde_json::from_slice(&b).expect("a ChangeFeed"), raw)
}

fn story(title: &str) -> Article {
    let mut a = Article::new(title);
    a.blocks = vec![Block::paragraph("Một")];
    a
}

/// What a change is about, for comparing orders: `a:<id>` or `p:<sha>`.
fn key(c: &Change) -> String {
    match c {
        Change::Article { article, .. } => format!("a:{}", article.article.id),
        Change::PhotoMeta { photo, .. } => format!("p:{}", photo.sha256),
    }
}

/// Uploads a fixture photo over tus as the photographer; returns its SHA-256.
async fn upload(client: &Client, name: &str) -> String {
    let path = fixture_photo(name);
    let (sha, size) = hash_file(&path).expect("hash");
    client
        .upload_blob(&path, &sha, size, |_, _| {})
        .await
        .expect("upload");
    sha
}

fn caption(text: &str) -> PhotoMeta {
    PhotoMeta {
        caption: text.into(),
        credit: "Cảnh Toàn".into(),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feed_lists_article_and_photo_changes_in_commit_order_with_increasing_cursors() {
    let f = Fixture::new();
    let base = f.serve().await;
    let reporter = Client::new(&base, &f.reporter).unwrap();
    let photographer = Client::new(&base, &f.photographer).unwrap();
    let a = story("Một");
    let b = story("Hai");
    reporter.put_article(&a, None, "a1").await.unwrap();
    let sha = upload(&photographer, "toan-canh.jpg").await;
    photographer
        .put_photo_meta(&sha, &caption("Toàn cảnh."))
        .await
        .unwrap();
    reporter.put_article(&b, None, "b1").await.unwrap();
    let mut a2 = a.clone();
    *a2.blocks[0].text_mut() = "Một (sửa)".into();
    reporter.put_article(&a2, Some(1), "a2").await.unwrap();

    let (page, raw) = feed(&f, "cursor=0").await;
    let order: Vec<String> = page.changes.iter().map(key).collect();
    assert_eq!(
        order,
        [
            format!("p:{sha}"),
            format!("a:{}", b.id),
            format!("a:{}", a.id)
        ],
        "commit order, each item once at its latest change (story a moved behind its edit)"
    );
    let cursors: Vec<u64> = page.changes.iter().map(Change::cursor).collect();
    assert!(
        cursors.windows(2).all(|w| w[0] < w[1]),
        "cursors strictly increase: {cursors:?}"
    );
    assert_eq!(page.next_cursor, *cursors.last().unwrap());
    assert!(!page.more, "three changes fit the default page");
    let Change::Article { article, .. } = &page.changes[2] else {
        panic!("the last change is story a");
    };
    assert_eq!(
        (article.server_revision, article.article.blocks[0].text()),
        (2, "Một (sửa)"),
        "the feed carries the article as GET /api/articles/{{id}} returns it now"
    );
    let Change::PhotoMeta { photo, .. } = &page.changes[0] else {
        panic!("the first change is the photo");
    };
    assert_eq!(
        photo.meta.caption, "Toàn cảnh.",
        "the photo as GET .../meta returns it"
    );
    assert_eq!(
        raw["changes"][0]["kind"], "photo_meta",
        "wire tag of a photo"
    );
    assert_eq!(
        raw["changes"][1]["kind"], "article",
        "wire tag of an article"
    );
    assert_eq!(
        raw["changes"][1]["cursor"], cursors[1],
        "cursor beside the kind"
    );

    photographer
        .put_photo_meta(&sha, &caption("Toàn cảnh."))
        .await
        .unwrap();
    let (after, _) = feed(&f, &format!("cursor={}", page.next_cursor)).await;
    assert!(
        after.changes.is_empty(),
        "re-sending identical metadata is not a change: {:?}",
        after.changes
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_resuming_from_a_cursor_midway_gets_exactly_the_rest_and_nothing_twice() {
    let f = Fixture::new();
    let base = f.serve().await;
    let reporter = Client::new(&base, &f.reporter).unwrap();
    let photographer = Client::new(&base, &f.photographer).unwrap();
    for n in 0..4 {
        reporter
            .put_article(&story(&format!("Tin {n}")), None, &format!("k{n}"))
            .await
            .unwrap();
    }
    for (n, name) in ["lanh-dao.jpg", "dai-dien.jpg"].into_iter().enumerate() {
        let sha = upload(&photographer, name).await;
        photographer
            .put_photo_meta(&sha, &caption(&format!("Ảnh {n}")))
            .await
            .unwrap();
    }
    let (all, _) = feed(&f, "cursor=0&limit=500").await;
    assert_eq!(all.changes.len(), 6, "four stories and two photos");

    // Pages of two, each resumed from the previous page's next_cursor.
    let (mut cursor, mut paged, mut pages) = (0, Vec::new(), 0);
    loop {
        let (page, _) = feed(&f, &format!("cursor={cursor}&limit=2")).await;
        pages += 1;
        paged.extend(page.changes);
        cursor = page.next_cursor;
        if !page.more {
            break;
        }
        assert!(pages < 10, "paging must end");
    }
    assert_eq!(
        paged, all.changes,
        "paging yields every change once, in order"
    );

    let midway = all.changes[2].cursor();
    let (rest, _) = feed(&f, &format!("cursor={midway}")).await;
    assert_eq!(
        rest.changes,
        all.changes[3..],
        "resuming after the third change gives exactly the last three"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_poll_answers_as_soon_as_another_request_commits_a_change() {
    let f = Fixture::new();
    let base = f.serve().await;
    let reporter = Client::new(&base, &f.reporter).unwrap();
    reporter
        .put_article(&story("Trước"), None, "before")
        .await
        .unwrap();
    let start = feed(&f, "cursor=0").await.0.next_cursor;

    let http = reqwest::Client::new();
    let url = format!("{base}/api/changes?cursor={start}&wait=20");
    let token = f.reporter.clone();
    let began = Instant::now();
    let poll = tokio::spawn(async move {
        let resp = http.get(url).bearer_auth(token).send().await.expect("poll");
        let feed: ChangeFeed = resp.json().await.expect("feed");
        (feed, began.elapsed())
    });
    // Let the poll reach its wait, then commit through another request.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let during = story("Trong lúc chờ");
    reporter.put_article(&during, None, "during").await.unwrap();

    let (page, took) = tokio::time::timeout(Duration::from_secs(10), poll)
        .await
        .expect("the long-poll must answer well before its 20 s wait ends")
        .expect("poll task");
    assert!(
        took < Duration::from_secs(10),
        "answered after {took:?}, not when the wait ran out"
    );
    assert_eq!(
        page.changes.iter().map(key).collect::<Vec<_>>(),
        [format!("a:{}", during.id)],
        "the change committed during the wait, and only it"
    );
    assert!(page.next_cursor > start);
}

#[tokio::test]
async fn a_long_poll_with_nothing_happening_returns_an_empty_page_when_its_wait_ends() {
    let f = Fixture::new();
    let began = Instant::now();
    let (page, _) = feed(&f, "cursor=0&wait=1").await;
    let took = began.elapsed();
    assert!(page.changes.is_empty(), "nothing was written");
    assert_eq!(
        page.next_cursor, 0,
        "an empty page hands back the same cursor"
    );
    assert!(!page.more);
    assert!(
        took >= Duration::from_millis(900),
        "it waited for the change that did not come ({took:?})"
    );
    assert!(
        took < Duration::from_secs(5),
        "and not past its wait ({took:?})"
    );
}

#[tokio::test]
async fn the_feed_needs_a_token_and_a_well_formed_query() {
    let f = Fixture::new();
    let (s, _, b) = f
        .call(
            req("GET", "/api/changes?cursor=0", None)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "signed-in readers only");
    assert_eq!(error_code(&b), "unauthorized");
    let (s, _, b) = f
        .call(
            req("GET", "/api/changes?cursor=soon", Some(&f.editor))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        error_code(&b),
        "invalid_input",
        "a bad query is a {{code, message}} too"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follower_long_polling_during_concurrent_writes_sees_every_change_once_in_order() {
    let f = Fixture::new();
    let base = f.serve().await;
    let writers: Vec<_> = [f.reporter.clone(), f.editor.clone()]
        .into_iter()
        .enumerate()
        .map(|(w, token)| {
            let base = base.clone();
            tokio::spawn(async move {
                let client = Client::new(&base, &token).unwrap();
                let mut ids = Vec::new();
                for n in 0..12 {
                    let a = story(&format!("Tin {w}-{n}"));
                    client.put_article(&a, None, &a.id).await.unwrap();
                    ids.push(a.id);
                }
                ids
            })
        })
        .collect();
    let follower = Client::new(&base, &f.photographer).unwrap();
    let (mut cursor, mut seen) = (0, Vec::new());
    let deadline = Instant::now() + Duration::from_secs(60);
    while seen.len() < 24 {
        assert!(
            Instant::now() < deadline,
            "the follower fell behind: {seen:?}"
        );
        let page = follower
            .changes(cursor, Duration::from_secs(5))
            .await
            .unwrap();
        for c in &page.changes {
            assert!(c.cursor() > cursor, "cursors only increase across pages");
            cursor = c.cursor();
            seen.push(key(c));
        }
        assert_eq!(
            page.next_cursor, cursor,
            "next_cursor is where this reader stands now"
        );
    }
    let mut written = Vec::new();
    for w in writers {
        written.extend(w.await.unwrap().into_iter().map(|id| format!("a:{id}")));
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no change delivered twice");
    written.sort();
    assert_eq!(unique, written, "every story written was delivered");
}
