//! Editorial control through the router: the page serves the last published version, later
//! writes change only the working copy, versions are kept with their corrections, takedowns
//! answer 410, and the server checks who may move a story where.

use axum::http::StatusCode;
use byline_protocol::sync::{PutArticleRequest, VersionList};
use byline_protocol::{Article, Person, Status};
use byline_server::db::{self, Role};

use crate::{Fixture, error_code, json_body, model_article, req};

async fn put(
    f: &Fixture,
    token: &str,
    a: &Article,
    base: Option<u64>,
) -> (StatusCode, serde_json::Value) {
    let body = PutArticleRequest {
        article: a.clone(),
        base_revision: base,
    };
    let r = req("PUT", &format!("/api/articles/{}", a.id), Some(token))
        .header("content-type", "application/json")
        .body(json_body(&body))
        .expect("request");
    let (s, _, b) = f.call(r).await;
    (s, serde_json::from_slice(&b).unwrap_or_default())
}

async fn post(
    f: &Fixture,
    token: &str,
    path: &str,
    body: serde_json::Value,
) -> (StatusCode, serde_json::Value) {
    let r = req("POST", path, Some(token))
        .header("content-type", "application/json")
        .body(json_body(&body))
        .expect("request");
    let (s, _, b) = f.call(r).await;
    (s, serde_json::from_slice(&b).unwrap_or_default())
}

async fn get(f: &Fixture, token: Option<&str>, path: &str) -> (StatusCode, String) {
    let (s, _, b) = f
        .call(req("GET", path, token).body(Default::default()).unwrap())
        .await;
    (s, String::from_utf8_lossy(&b).into_owned())
}

/// The model story filed by the reporter and published by the editor: (article, revision).
async fn published_story(f: &Fixture) -> (Article, u64) {
    let a = model_article([None, None, None]);
    let (s, v) = put(f, &f.reporter, &a, None).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    publish_filed(f, &a).await
}

/// The editor publishes the already-filed `draft` as version 1: (article, server revision).
async fn publish_filed(f: &Fixture, draft: &Article) -> (Article, u64) {
    let path = format!("/api/articles/{}/publish", draft.id);
    let (s, v) = post(f, &f.editor, &path, serde_json::json!({})).await;
    assert_eq!(s, StatusCode::OK, "the editor publishes: {v}");
    assert_eq!(v["live"]["version"], 1, "publishing makes version 1: {v}");
    let article: Article = serde_json::from_value(v["article"].clone()).unwrap();
    (article, v["server_revision"].as_u64().unwrap())
}

#[tokio::test]
async fn a_reporters_edit_of_a_published_story_reaches_the_desk_but_not_the_page() {
    let f = Fixture::new();
    let (mut a, rev) = published_story(&f).await;
    a.title = "Tiêu đề do phóng viên sửa".into();
    let (s, v) = put(&f, &f.reporter, &a, Some(rev)).await;
    assert_eq!(
        s,
        StatusCode::OK,
        "a reporter may edit the working copy: {v}"
    );
    assert_eq!(
        v["live"]["version"], 1,
        "the page still serves version 1: {v}"
    );
    let (_, desk) = get(&f, Some(&f.editor), &format!("/api/articles/{}", a.id)).await;
    assert!(
        desk.contains("Tiêu đề do phóng viên sửa"),
        "the desk sees the edit: {desk}"
    );
    let (s, page) = get(&f, None, &format!("/articles/{}", a.id)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        !page.contains("phóng viên sửa"),
        "the page never shows an unpublished edit"
    );
    assert!(
        page.contains("Hội nghị khảo sát"),
        "the page shows the published title"
    );
}

#[tokio::test]
async fn a_reporter_may_not_publish_take_down_or_approve_and_is_told_an_editor_must() {
    let f = Fixture::new();
    let (mut a, rev) = published_story(&f).await;
    let (s, v) = post(
        &f,
        &f.reporter,
        &format!("/api/articles/{}/publish", a.id),
        serde_json::json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(
        v["code"], "editor_required",
        "a code the app localises: {v}"
    );
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("an editor must publish"),
        "{v}"
    );
    let (s, v) = post(
        &f,
        &f.reporter,
        &format!("/api/articles/{}/unpublish", a.id),
        serde_json::json!({}),
    )
    .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("editor_required")),
        "{v}"
    );
    a.status = Status::Approved;
    let (s, v) = put(&f, &f.reporter, &a, Some(rev)).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("editor_required")),
        "{v}"
    );
}

#[tokio::test]
async fn a_correction_makes_version_2_on_the_page_with_its_dated_notice_and_version_1_reads_back() {
    let f = Fixture::new();
    let (mut a, rev) = published_story(&f).await;
    let (_, v1_body) = get(
        &f,
        Some(&f.editor),
        &format!("/api/articles/{}/versions/1", a.id),
    )
    .await;
    let v1_before: Article = serde_json::from_str(&v1_body).unwrap();
    a.lead =
        "Sáng 18/6, đoàn công tác của Tổng Liên đoàn Lao động Việt Nam đã làm việc tại Nghệ An."
            .into();
    let (s, _) = put(&f, &f.editor, &a, Some(rev)).await;
    assert!(s.is_success());
    let notice = "Bài đã sửa tên đầy đủ của Tổng Liên đoàn Lao động Việt Nam.";
    let (s, v) = post(
        &f,
        &f.editor,
        &format!("/api/articles/{}/publish", a.id),
        serde_json::json!({"correction": notice}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["live"]["version"], 2);
    let (_, page) = get(&f, None, &format!("/articles/{}", a.id)).await;
    assert!(
        page.contains("Tổng Liên đoàn Lao động Việt Nam đã làm việc"),
        "the page shows the new text"
    );
    assert!(
        page.contains("Thông tin cải chính"),
        "under the newsroom's corrections heading"
    );
    assert!(page.contains(notice), "the notice is on the page");
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap())
        .format("%d/%m/%Y")
        .to_string();
    assert!(
        page.contains(&format!("{today}</time>: {notice}")),
        "the notice carries its date: {page}"
    );

    let (s, list) = get(
        &f,
        Some(&f.editor),
        &format!("/api/articles/{}/versions", a.id),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let list: VersionList = serde_json::from_str(&list).unwrap();
    let summary: Vec<(u64, &str, Option<&str>)> = list
        .versions
        .iter()
        .map(|v| (v.version, v.published_by.as_str(), v.correction.as_deref()))
        .collect();
    assert_eq!(
        summary,
        vec![(1, "Biên tập", None), (2, "Biên tập", Some(notice))]
    );
    let (_, v1_body) = get(
        &f,
        Some(&f.editor),
        &format!("/api/articles/{}/versions/1", a.id),
    )
    .await;
    let v1: Article = serde_json::from_str(&v1_body).unwrap();
    assert_eq!(
        v1, v1_before,
        "version 1 reads back exactly as it was published"
    );
    assert!(
        v1.lead.contains("Tổng Liên đoàn Việt Nam đã có"),
        "with the old lead"
    );
    let (s, _) = get(
        &f,
        Some(&f.reporter),
        &format!("/api/articles/{}/versions", a.id),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the archive is the desk's");
}

#[tokio::test]
async fn a_takedown_answers_410_with_no_content_keeps_the_versions_and_a_new_publish_lifts_it() {
    let f = Fixture::new();
    let (a, _) = published_story(&f).await;
    let (s, v) = post(
        &f,
        &f.editor,
        &format!("/api/articles/{}/unpublish", a.id),
        serde_json::json!({"reason": "pháp lý"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v["article"]["status"], "withdrawn",
        "the desk sees the story withdrawn"
    );
    assert_eq!(v["live"]["withdrawn"], true);
    let (s, page) = get(&f, None, &format!("/articles/{}", a.id)).await;
    assert_eq!(s, StatusCode::GONE, "a takedown is 410 Gone");
    assert!(page.is_empty(), "with no content: {page}");
    let (_, list) = get(
        &f,
        Some(&f.editor),
        &format!("/api/articles/{}/versions", a.id),
    )
    .await;
    let list: VersionList = serde_json::from_str(&list).unwrap();
    assert_eq!(list.versions.len(), 1, "the versions stay");
    assert_eq!(list.takedown.unwrap().reason.as_deref(), Some("pháp lý"));
    let (s, v) = post(
        &f,
        &f.editor,
        &format!("/api/articles/{}/publish", a.id),
        serde_json::json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _) = get(&f, None, &format!("/articles/{}", a.id)).await;
    assert_eq!(s, StatusCode::OK, "publishing again puts the story back");
}

#[tokio::test]
async fn publishing_twice_without_changes_keeps_one_version() {
    let f = Fixture::new();
    let (a, _) = published_story(&f).await;
    let (s, v) = post(
        &f,
        &f.editor,
        &format!("/api/articles/{}/publish", a.id),
        serde_json::json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v["live"]["version"], 1,
        "a repeated publish of the same text is no new version"
    );
}

#[tokio::test]
async fn the_workflow_goes_draft_submitted_edited_approved_and_only_an_editor_assigns() {
    let f = Fixture::new();
    let sub = f
        .state
        .with_db(|c| db::add_user(c, "Thư ký", Role::Subeditor))
        .unwrap();
    let mut a = model_article([None, None, None]);
    a.assigned = vec![Person {
        name: "Thanh Hà".into(),
        role: "reporter".into(),
    }];
    let (s, v) = put(&f, &f.reporter, &a, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a reporter may not assign: {v}");
    let (s, v) = put(&f, &f.editor, &a, None).await;
    assert_eq!(
        s,
        StatusCode::CREATED,
        "the editor creates an assigned stub: {v}"
    );
    let steps = [
        (&f.reporter, Status::Submitted, StatusCode::OK),
        (&f.reporter, Status::Edited, StatusCode::FORBIDDEN),
        (&sub, Status::Edited, StatusCode::OK),
        (&f.reporter, Status::Draft, StatusCode::FORBIDDEN),
        (&sub, Status::Approved, StatusCode::FORBIDDEN),
        (&f.editor, Status::Approved, StatusCode::OK),
    ];
    let mut rev = 1;
    for (who, to, want) in steps {
        a.status = to;
        let (s, v) = put(&f, who, &a, Some(rev)).await;
        assert_eq!(s, want, "moving to {to:?}: {v}");
        if s.is_success() {
            rev = v["server_revision"].as_u64().unwrap();
        } else {
            assert!(
                ["forbidden", "editor_required"]
                    .contains(&error_code(v.to_string().as_bytes()).as_str()),
                "{v}"
            );
        }
    }
    let (_, page) = get(&f, None, &format!("/articles/{}", a.id)).await;
    assert!(
        !page.contains("<h1>"),
        "approved is not published: nothing on the page yet"
    );
}

#[tokio::test]
async fn me_names_the_tokens_user_and_role() {
    let f = Fixture::new();
    let (s, me) = get(&f, Some(&f.reporter), "/api/me").await;
    assert_eq!(s, StatusCode::OK);
    let me: serde_json::Value = serde_json::from_str(&me).unwrap();
    assert_eq!(
        me,
        serde_json::json!({"name": "Thanh Hà", "role": "reporter"})
    );
}

#[tokio::test]
async fn a_correction_on_unchanged_text_reaches_the_change_feed_with_the_new_live_version() {
    let f = Fixture::new();
    let (a, _) = published_story(&f).await;
    let (_, feed) = get(&f, Some(&f.reporter), "/api/changes?cursor=0").await;
    let feed: byline_protocol::sync::ChangeFeed = serde_json::from_str(&feed).unwrap();
    let (s, v) = post(
        &f,
        &f.editor,
        &format!("/api/articles/{}/publish", a.id),
        serde_json::json!({"correction": "Bổ sung nguồn ảnh."}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["live"]["version"], 2, "the correction is version 2: {v}");
    let (_, after) = get(
        &f,
        Some(&f.reporter),
        &format!("/api/changes?cursor={}", feed.next_cursor),
    )
    .await;
    let after: byline_protocol::sync::ChangeFeed = serde_json::from_str(&after).unwrap();
    let live: Vec<u64> = after
        .changes
        .iter()
        .filter_map(|c| match c {
            byline_protocol::sync::Change::Article { article, .. }
                if article.article.id == a.id =>
            {
                article.live.as_ref().map(|l| l.version)
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        live,
        vec![2],
        "followers of the feed learn that version 2 is live, though the text did not change"
    );
}

/// What `GET /api/articles/{id}` and the pull feed (`?since=`) say of the story's public side.
async fn live_as_read(f: &Fixture, id: &str) -> (serde_json::Value, serde_json::Value) {
    let (s, one) = get(f, Some(&f.reporter), &format!("/api/articles/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{one}");
    let one: serde_json::Value = serde_json::from_str(&one).unwrap();
    let (s, page) = get(f, Some(&f.reporter), "/api/articles?since=0").await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let page: serde_json::Value = serde_json::from_str(&page).unwrap();
    let listed = page["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["article"]["id"] == id)
        .expect("the story is on the feed's first page")
        .clone();
    (one["live"].clone(), listed["live"].clone())
}

#[tokio::test]
async fn a_story_read_back_carries_its_latest_published_version_and_its_takedown() {
    let f = Fixture::new();
    let draft = model_article([None, None, None]);
    let (s, _) = put(&f, &f.reporter, &draft, None).await;
    assert_eq!(s, StatusCode::CREATED);
    let (one, listed) = live_as_read(&f, &draft.id).await;
    assert!(
        one.is_null() && listed.is_null(),
        "a story never published has no public side: {one} / {listed}"
    );

    let (a, rev) = publish_filed(&f, &draft).await;
    let path = format!("/api/articles/{}/publish", a.id);
    let (s, v) = post(
        &f,
        &f.editor,
        &path,
        serde_json::json!({"correction": "Sửa tên."}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (one, listed) = live_as_read(&f, &a.id).await;
    assert_eq!(
        one, v["live"],
        "the read agrees with the publish's own answer"
    );
    assert_eq!(listed, one, "the feed and the single read agree");
    assert_eq!(one["version"], 2, "the latest of two versions: {one}");
    assert_eq!(
        one["revision"], v["server_revision"],
        "made from the revision published"
    );
    assert!(one["revision"].as_u64().unwrap() >= rev);
    assert_eq!(one["withdrawn"], false, "not taken down: {one}");

    let path = format!("/api/articles/{}/unpublish", a.id);
    let (s, v) = post(
        &f,
        &f.editor,
        &path,
        serde_json::json!({"reason": "pháp lý"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (one, listed) = live_as_read(&f, &a.id).await;
    assert_eq!(
        one["withdrawn"], true,
        "the takedown shows on the read: {one}"
    );
    assert_eq!(listed["withdrawn"], true, "and on the feed: {listed}");
    assert_eq!(one["version"], 2, "the versions are kept");
}
