//! Articles through the router: create, conditional update, merge, idempotency, publish, feed.

use axum::http::StatusCode;
use byline_protocol::sync::{
    ArticleEnvelope, ChangesResponse, PutArticleRequest, PutArticleResponse,
};
use byline_protocol::{Block, Status};

use crate::{Fixture, error_code, json_body, model_article, req};

async fn put(
    f: &Fixture,
    token: &str,
    a: &byline_protocol::Article,
    base: Option<u64>,
    key: &str,
) -> (StatusCode, serde_json::Value) {
    let body = PutArticleRequest {
        article: a.clone(),
        base_revision: base,
    };
    let r = req("PUT", &format!("/api/articles/{}", a.id), Some(token))
        .header("content-type", "application/json")
        .header("idempotency-key", key)
        .body(json_body(&body))
        .expect("request");
    let (s, _, b) = f.call(r).await;
    (s, serde_json::from_slice(&b).unwrap_or_default())
}

#[tokio::test]
async fn health_answers_200_when_the_database_is_ready() {
    let f = Fixture::new();
    let (s, _, b) = f
        .call(
            req("GET", "/health", None)
                .body(Default::default())
                .unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "health must be up");
    assert_eq!(&b[..], b"ok");
}

#[tokio::test]
async fn a_new_article_is_created_at_revision_1_and_read_back_with_its_etag() {
    let f = Fixture::new();
    let a = model_article([None, None, None]);
    let (s, v) = put(&f, &f.reporter, &a, None, "k1").await;
    assert_eq!(s, StatusCode::CREATED, "first write creates: {v}");
    assert_eq!(v["server_revision"], 1);
    let (s, h, b) = f
        .call(
            req("GET", &format!("/api/articles/{}", a.id), Some(&f.editor))
                .body(Default::default())
                .unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h["etag"], "\"1\"", "the ETag is the quoted server revision");
    let env: ArticleEnvelope = serde_json::from_slice(&b).expect("envelope");
    assert_eq!(env.article.title, a.title);
    assert_eq!(env.article.blocks.len(), 6, "all blocks stored");
}

#[tokio::test]
async fn a_stale_write_to_another_paragraph_is_merged_not_overwritten() {
    let f = Fixture::new();
    let a = model_article([None, None, None]);
    put(&f, &f.reporter, &a, None, "c").await;
    // The editor edits paragraph 1 at revision 1 → 2.
    let mut ed = a.clone();
    *ed.blocks[1].text_mut() = "Biên tập sửa đoạn một.".into();
    let (s, _) = put(&f, &f.editor, &ed, Some(1), "e").await;
    assert_eq!(s, StatusCode::OK);
    // The reporter, offline, edited paragraph 3 also from revision 1.
    let mut rep = a.clone();
    *rep.blocks[5].text_mut() = "Phóng viên sửa đoạn cuối.".into();
    let (s, v) = put(&f, &f.reporter, &rep, Some(1), "r").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let out: PutArticleResponse = serde_json::from_value(v).expect("response");
    assert!(out.merged, "a stale write must be reported as merged");
    assert!(
        out.conflicts.is_empty(),
        "different paragraphs do not conflict"
    );
    assert_eq!(out.server_revision, 3);
    assert_eq!(
        out.article.blocks[1].text(),
        "Biên tập sửa đoạn một.",
        "the editor's edit survives"
    );
    assert_eq!(
        out.article.blocks[5].text(),
        "Phóng viên sửa đoạn cuối.",
        "the reporter's edit lands"
    );
}

#[tokio::test]
async fn a_stale_write_to_the_same_paragraph_keeps_the_server_text_and_stores_a_conflict() {
    let f = Fixture::new();
    let a = model_article([None, None, None]);
    put(&f, &f.reporter, &a, None, "c").await;
    let mut ed = a.clone();
    *ed.blocks[1].text_mut() = "Bản của biên tập.".into();
    put(&f, &f.editor, &ed, Some(1), "e").await;
    let mut rep = a.clone();
    *rep.blocks[1].text_mut() = "Bản của phóng viên.".into();
    let (_, v) = put(&f, &f.reporter, &rep, Some(1), "r").await;
    let out: PutArticleResponse = serde_json::from_value(v).expect("response");
    assert_eq!(
        out.article.blocks[1].text(),
        "Bản của biên tập.",
        "the server version stays current"
    );
    assert_eq!(out.conflicts.len(), 1);
    assert_eq!(
        out.conflicts[0].theirs["text"], "Bản của phóng viên.",
        "the reporter's text is kept"
    );
    let (_, _, b) = f
        .call(
            req("GET", &format!("/api/articles/{}", a.id), Some(&f.editor))
                .body(Default::default())
                .unwrap(),
        )
        .await;
    let env: ArticleEnvelope = serde_json::from_slice(&b).expect("envelope");
    assert_eq!(
        env.conflicts.len(),
        1,
        "the conflict is stored with the article"
    );
}

#[tokio::test]
async fn if_match_beyond_the_server_revision_is_a_precondition_failure() {
    let f = Fixture::new();
    let a = model_article([None, None, None]);
    put(&f, &f.reporter, &a, None, "c").await;
    let (s, v) = put(&f, &f.reporter, &a, Some(9), "x").await;
    assert_eq!(s, StatusCode::PRECONDITION_FAILED, "{v}");
}

#[tokio::test]
async fn a_retry_with_the_same_key_replays_and_a_different_payload_is_refused() {
    let f = Fixture::new();
    let a = model_article([None, None, None]);
    let (s1, v1) = put(&f, &f.reporter, &a, None, "same-key").await;
    let (s2, v2) = put(&f, &f.reporter, &a, None, "same-key").await;
    assert_eq!(
        (s1, &v1),
        (s2, &v2),
        "a replay returns the stored status and body"
    );
    let mut other = a.clone();
    other.title = "Khác".into();
    let (s3, v3) = put(&f, &f.reporter, &other, None, "same-key").await;
    assert_eq!(s3, StatusCode::UNPROCESSABLE_ENTITY, "{v3}");
    assert_eq!(v3["code"], "idempotency_mismatch");
    let (_, _, b) = f
        .call(
            req("GET", &format!("/api/articles/{}", a.id), Some(&f.editor))
                .body(Default::default())
                .unwrap(),
        )
        .await;
    let env: ArticleEnvelope = serde_json::from_slice(&b).expect("envelope");
    assert_eq!(
        env.server_revision, 1,
        "neither the replay nor the mismatch created a revision"
    );
}

#[tokio::test]
async fn a_concurrent_retry_of_an_in_flight_key_gets_409() {
    let f = Fixture::new();
    let a = model_article([None, None, None]);
    // Simulate the first request still running by holding its claim.
    let user = f
        .state
        .with_db(|c| byline_server::db::user_by_token(c, &f.reporter))
        .unwrap()
        .unwrap();
    f.state
        .inner
        .in_flight
        .lock()
        .unwrap()
        .insert((user.name.clone(), "busy".into()));
    let (s, v) = put(&f, &f.reporter, &a, None, "busy").await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
}

#[tokio::test]
async fn only_an_editor_may_publish_and_the_page_then_appears() {
    let f = Fixture::new();
    let a = model_article([None, None, None]);
    put(&f, &f.reporter, &a, None, "c").await;
    let publish = |t: &str| {
        req("POST", &format!("/api/articles/{}/publish", a.id), Some(t))
            .header("idempotency-key", "p")
            .body(Default::default())
            .unwrap()
    };
    let (s, _, b) = f.call(publish(&f.reporter)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a reporter may not publish");
    assert_eq!(
        error_code(&b),
        "editor_required",
        "the refusal's code says an editor must publish"
    );
    let (s, _, _) = f
        .call(
            req("GET", &format!("/articles/{}", a.id), None)
                .body(Default::default())
                .unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "a draft has no public page");
    let (s, _, b) = f.call(publish(&f.editor)).await;
    assert_eq!(s, StatusCode::OK);
    let out: PutArticleResponse = serde_json::from_slice(&b).expect("response");
    assert_eq!(out.article.status, Status::Published);
    assert_eq!(
        out.article.published_at.unwrap().to_rfc3339(),
        "2024-06-18T12:17:00+07:00",
        "the filed time is kept"
    );
    let (s, h, b) = f
        .call(
            req("GET", &format!("/articles/{}", a.id), None)
                .body(Default::default())
                .unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h["content-type"], "text/html; charset=utf-8");
    let html = String::from_utf8(b.to_vec()).expect("utf-8");
    assert!(html.contains("<html lang=\"vi\">"));
    assert!(
        html.contains("Thanh Hà - Cảnh Toàn"),
        "byline is writer - photographer"
    );
    assert!(
        html.contains("12:17, 18/06/2024 (GMT+07:00)"),
        "time shown as filed"
    );
    assert!(
        html.contains("&lt;b&gt;&amp;&lt;/b&gt;"),
        "markup in text is escaped"
    );
    assert!(!html.contains("<b>&</b>"));
}

#[tokio::test]
async fn a_reporter_cannot_publish_by_setting_the_status_field() {
    let f = Fixture::new();
    let mut a = model_article([None, None, None]);
    a.status = Status::Published;
    let (s, v) = put(&f, &f.reporter, &a, None, "c").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
}

#[tokio::test]
async fn a_photographer_may_edit_a_story_but_not_create_one() {
    let f = Fixture::new();
    let a = model_article([None, None, None]);
    let (s, v) = put(&f, &f.photographer, &a, None, "c").await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "creating a story is not a photographer's: {v}"
    );
    let (s, _) = put(&f, &f.reporter, &a, None, "r").await;
    assert!(s.is_success());
    let mut b = a.clone();
    b.blocks.push(Block::paragraph("Ảnh bổ sung."));
    let (s, v) = put(&f, &f.photographer, &b, Some(1), "p").await;
    assert!(
        s.is_success(),
        "a photographer adds to an existing story: {v}"
    );
}

#[tokio::test]
async fn the_change_feed_returns_what_changed_after_a_cursor() {
    let f = Fixture::new();
    let a = model_article([None, None, None]);
    let mut b = model_article([None, None, None]);
    b.blocks.push(Block::paragraph("x"));
    put(&f, &f.reporter, &a, None, "a").await;
    put(&f, &f.reporter, &b, None, "b").await;
    let get = |since: u64| {
        req(
            "GET",
            &format!("/api/articles?since={since}"),
            Some(&f.editor),
        )
        .body(Default::default())
        .unwrap()
    };
    let (_, _, body) = f.call(get(0)).await;
    let all: ChangesResponse = serde_json::from_slice(&body).expect("changes");
    assert_eq!(all.articles.len(), 2);
    let (_, _, body) = f.call(get(all.articles[0].cursor)).await;
    let rest: ChangesResponse = serde_json::from_slice(&body).expect("changes");
    assert_eq!(
        rest.articles.len(),
        1,
        "only what changed after the first cursor"
    );
    assert_eq!(rest.articles[0].article.id, b.id);
    let (_, _, body) = f.call(get(rest.next_cursor)).await;
    let none: ChangesResponse = serde_json::from_slice(&body).expect("changes");
    assert!(none.articles.is_empty(), "nothing after the last cursor");
}

#[tokio::test]
async fn resending_the_same_stale_write_under_a_new_key_adds_no_revision_or_duplicate_conflict() {
    let f = Fixture::new();
    let a = model_article([None, None, None]);
    put(&f, &f.reporter, &a, None, "c").await;
    let mut ed = a.clone();
    *ed.blocks[1].text_mut() = "Bản của biên tập.".into();
    put(&f, &f.editor, &ed, Some(1), "e").await;
    let mut rep = a.clone();
    *rep.blocks[1].text_mut() = "Bản của phóng viên.".into();
    let (_, first) = put(&f, &f.reporter, &rep, Some(1), "r1").await;
    let (_, again) = put(&f, &f.reporter, &rep, Some(1), "r2").await;
    assert_eq!(
        first["server_revision"], again["server_revision"],
        "nothing new, no new revision"
    );
    let (_, _, b) = f
        .call(
            req("GET", &format!("/api/articles/{}", a.id), Some(&f.editor))
                .body(Default::default())
                .unwrap(),
        )
        .await;
    let env: ArticleEnvelope = serde_json::from_slice(&b).expect("envelope");
    assert_eq!(env.conflicts.len(), 1, "the conflict is stored once");
}

#[tokio::test]
async fn a_script_link_in_related_items_is_refused_and_nothing_is_stored() {
    let f = Fixture::new();
    let mut a = model_article([None, None, None]);
    a.related.push(byline_protocol::Related {
        title: "Xem thêm".into(),
        url: Some("javascript:alert(document.cookie)".into()),
        article_id: None,
    });
    let (s, b) = put(&f, &f.editor, &a, None, "k-script-link").await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "a script link is bad input: {b}"
    );
    assert_eq!(b["code"], "invalid_input", "{b}");
    let msg = b["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("Xem thêm") && msg.contains("https://"),
        "the message names the entry and what to do: {msg}"
    );
    let r = req("GET", &format!("/api/articles/{}", a.id), Some(&f.editor))
        .body(Default::default())
        .unwrap();
    assert_eq!(
        f.call(r).await.0,
        StatusCode::NOT_FOUND,
        "the refused story was not stored"
    );
}
