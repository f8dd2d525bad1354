//! What readers see, through the router: the story page with the related items box and the
//! photo library's credits (the same renderer as the desktop's export), the front page by
//! section and the Atom feed, read back by a real XML parser; drafts and takedowns stay off both.

use axum::body::Body;
use axum::http::StatusCode;
use byline_protocol::sync::{PhotoMeta, PutArticleRequest};
use byline_protocol::{Article, Related};
use byline_server::Config;
use quick_xml::Reader;
use quick_xml::events::Event;

use crate::tus::{create, patch};
use crate::{Fixture, fixture_photo, json_body, model_article, req, sha_hex};

async fn file(f: &Fixture, a: &Article) {
    let body = PutArticleRequest {
        article: a.clone(),
        base_revision: None,
    };
    let r = req("PUT", &format!("/api/articles/{}", a.id), Some(&f.reporter))
        .header("content-type", "application/json")
        .body(json_body(&body))
        .unwrap();
    let (s, _, b) = f.call(r).await;
    assert_eq!(
        s,
        StatusCode::CREATED,
        "the reporter files the story: {}",
        String::from_utf8_lossy(&b)
    );
}

async fn editor_post(f: &Fixture, path: &str, body: serde_json::Value) {
    let r = req("POST", path, Some(&f.editor))
        .header("content-type", "application/json")
        .body(json_body(&body))
        .unwrap();
    let (s, _, b) = f.call(r).await;
    assert_eq!(s, StatusCode::OK, "{path}: {}", String::from_utf8_lossy(&b));
}

async fn publish(f: &Fixture, a: &Article) {
    file(f, a).await;
    editor_post(
        f,
        &format!("/api/articles/{}/publish", a.id),
        serde_json::json!({}),
    )
    .await;
}

async fn get(f: &Fixture, path: &str, host: &str) -> (StatusCode, String, String) {
    let (s, h, b) = f
        .call(
            req("GET", path, None)
                .header("host", host)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let kind = h
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (s, kind, String::from_utf8(b.to_vec()).expect("UTF-8"))
}

/// Uploads a seed photo and gives it `meta`; returns its SHA-256.
async fn photo(f: &Fixture, name: &str, meta: PhotoMeta) -> String {
    let bytes = std::fs::read(fixture_photo(name)).unwrap();
    let sha = sha_hex(&bytes);
    let (_, loc) = create(f, &sha, bytes.len()).await;
    let (s, _, _) = patch(f, &loc, 0, &bytes, None).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{name} uploads");
    let r = req(
        "PUT",
        &format!("/api/photos/{sha}/meta"),
        Some(&f.photographer),
    )
    .body(json_body(&meta))
    .unwrap();
    assert_eq!(
        f.call(r).await.0,
        StatusCode::OK,
        "{name} takes its metadata"
    );
    sha
}

fn story(title: &str, section: &str) -> Article {
    let mut a = model_article([None, None, None]);
    a.id = byline_protocol::new_id();
    a.title = title.into();
    a.section = section.into();
    a
}

#[tokio::test]
async fn the_model_storys_page_shows_the_related_box_and_credits_from_the_photo_library() {
    let f = Fixture::new();
    let earlier = story("Công đoàn Nghệ An tổng kết năm", "Trong tỉnh");
    publish(&f, &earlier).await;
    let agency = photo(
        &f,
        "toan-canh.jpg",
        PhotoMeta {
            credit: "Ảnh: TTXVN".into(),
            creator: "Nguyễn Văn A".into(),
            ..Default::default()
        },
    )
    .await;
    let creator_only = photo(
        &f,
        "lanh-dao.jpg",
        PhotoMeta {
            creator: "Hồng Nhung".into(),
            ..Default::default()
        },
    )
    .await;
    let mut a = model_article([Some(agency), Some(creator_only), None]);
    a.related = vec![
        Related {
            title: "Bài trước trên Báo Hà Tĩnh".into(),
            url: Some("https://baohatinh.vn/bai-truoc.html".into()),
            article_id: None,
        },
        Related {
            title: "Công đoàn Nghệ An tổng kết năm".into(),
            url: None,
            article_id: Some(earlier.id.clone()),
        },
    ];
    publish(&f, &a).await;

    let (s, kind, html) = get(&f, &format!("/articles/{}", a.id), "tin.example.vn").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(kind, "text/html; charset=utf-8");
    assert!(
        html.contains("<h2>Tin liên quan</h2>"),
        "the related items box is on the page"
    );
    assert!(
        html.contains(
            "<li><a href=\"https://baohatinh.vn/bai-truoc.html\">Bài trước trên Báo Hà Tĩnh</a></li>"
        ),
        "an outside link is a link"
    );
    assert!(
        html.contains(&format!(
            "<li><a href=\"http://tin.example.vn/articles/{}\">Công đoàn Nghệ An tổng kết năm</a></li>",
            earlier.id
        )),
        "a related story of the newsroom links to its page here"
    );
    assert!(
        html.contains("Toàn cảnh hội nghị. <span class=\"credit\">(Ảnh: TTXVN)</span>"),
        "the photo library's credit is printed"
    );
    assert!(
        html.contains(
            "Lãnh đạo LĐLĐ tỉnh phát biểu tại hội nghị. <span class=\"credit\">(Hồng Nhung)</span>"
        ),
        "no credit in the library: its creator"
    );
    assert!(
        html.contains("phát biểu tại hội nghị. <span class=\"credit\">(Cảnh Toàn)</span>"),
        "a figure without a photo credit inherits the byline's photographer"
    );
    assert!(
        html.contains("12:17, 18/06/2024 (GMT+07:00)"),
        "the Vietnamese date line as the model page prints it"
    );
}

#[tokio::test]
async fn the_front_page_lists_published_stories_by_section_without_drafts_or_takedowns() {
    let f = Fixture::new();
    let first = story("Hội nghị Công đoàn tỉnh", "Trong tỉnh");
    let sport = story("Sông Lam Nghệ An thắng trận", "Thể thao");
    let second = story("Khánh thành cầu Cửa Hội", "Trong tỉnh");
    let gone = story("Bài đã gỡ", "Thể thao");
    let draft = story("Bản nháp chưa duyệt", "Trong tỉnh");
    for a in [&first, &sport, &second, &gone] {
        publish(&f, a).await;
    }
    file(&f, &draft).await;
    editor_post(
        &f,
        &format!("/api/articles/{}/unpublish", gone.id),
        serde_json::json!({"reason": "sai thông tin"}),
    )
    .await;

    let (s, kind, html) = get(&f, "/", "tin.example.vn").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(kind, "text/html; charset=utf-8");
    for a in [&first, &sport, &second] {
        assert!(
            html.contains(&format!("<a href=\"/articles/{}\">{}</a>", a.id, a.title)),
            "{} is listed with a link to its page",
            a.title
        );
    }
    assert!(
        !html.contains(&draft.title),
        "a draft is not on the front page"
    );
    assert!(
        !html.contains(&gone.title),
        "a story taken down is not on it"
    );
    let pos = |s: &str| {
        html.find(s)
            .unwrap_or_else(|| panic!("{s} on the front page"))
    };
    let (home, sports) = (pos(">Trong tỉnh</h2>"), pos(">Thể thao</h2>"));
    assert!(
        home < pos(&first.title) && pos(&first.title) < sports,
        "both stories of a section are listed under its heading"
    );
    assert!(
        home < pos(&second.title) && pos(&second.title) < sports,
        "the second home story too, before the next section"
    );
    assert!(sports < pos(&sport.title), "the sport story under Thể thao");
    assert!(
        html.contains("href=\"/feed.atom\""),
        "the page points feed readers at the Atom feed"
    );
}

/// One `<entry>` of the feed, as a parser reads it.
#[derive(Debug, Default)]
struct AtomEntry {
    id: String,
    title: String,
    link: String,
    updated: String,
    authors: Vec<String>,
    summary: String,
}

/// The feed's own (id, title, updated, link hrefs, author) and its entries, read with quick-xml.
fn read_atom(xml: &str) -> (Vec<(String, String)>, Vec<AtomEntry>) {
    let mut r = Reader::from_str(xml);
    let (mut path, mut text) = (Vec::<String>::new(), String::new());
    let (mut feed, mut entries) = (Vec::new(), Vec::<AtomEntry>::new());
    loop {
        match r.read_event().expect("the feed is well-formed XML") {
            Event::Start(e) => {
                let name = String::from_utf8(e.local_name().as_ref().to_vec()).unwrap();
                if path.is_empty() {
                    assert_eq!(name, "feed", "the root is an Atom feed");
                    let ns = e.try_get_attribute("xmlns").unwrap().expect("a namespace");
                    assert_eq!(ns.value.as_ref(), b"http://www.w3.org/2005/Atom");
                }
                if name == "entry" {
                    entries.push(AtomEntry::default());
                }
                path.push(name);
                text.clear();
            }
            Event::Empty(e) if e.local_name().as_ref() == b"link" => {
                let href = e.try_get_attribute("href").unwrap().expect("href");
                let href = href.unescape_value().unwrap().into_owned();
                match entries.last_mut().filter(|_| path.len() > 1) {
                    Some(en) => en.link = href,
                    None => feed.push(("link".into(), href)),
                }
            }
            Event::Text(t) => text.push_str(&t.decode().unwrap()),
            Event::GeneralRef(g) => match g.resolve_char_ref().unwrap() {
                Some(c) => text.push(c),
                None => text.push_str(
                    quick_xml::escape::resolve_predefined_entity(&g.decode().unwrap())
                        .expect("XML's own entities"),
                ),
            },
            Event::End(_) => {
                let t = std::mem::take(&mut text);
                let p = path.join("/");
                match (p.as_str(), entries.last_mut()) {
                    ("feed/entry/id", Some(e)) => e.id = t,
                    ("feed/entry/title", Some(e)) => e.title = t,
                    ("feed/entry/updated", Some(e)) => e.updated = t,
                    ("feed/entry/summary", Some(e)) => e.summary = t,
                    ("feed/entry/author/name", Some(e)) => e.authors.push(t),
                    ("feed/id" | "feed/title" | "feed/updated" | "feed/author/name", _) => {
                        feed.push((p.trim_start_matches("feed/").to_owned(), t));
                    }
                    _ => {}
                }
                path.pop();
            }
            Event::Eof => return (feed, entries),
            _ => {}
        }
    }
}

#[tokio::test]
async fn the_atom_feed_has_one_valid_entry_per_published_story_and_a_takedown_drops_out() {
    let f = Fixture::with_config(Config {
        public_url: Some("https://tin.example.vn".into()),
        newsroom: "Báo Nghệ An".into(),
        ..Config::default()
    });
    let home = story("Hội nghị Công đoàn tỉnh", "Trong tỉnh");
    let mut sport = story("Sông Lam <Nghệ An> & bạn", "Thể thao");
    sport.lead = "Trận thắng 2-1 \"đầu tiên\".".into();
    let gone = story("Bài đã gỡ", "Thể thao");
    let draft = story("Bản nháp", "Trong tỉnh");
    for a in [&home, &sport, &gone] {
        publish(&f, a).await;
    }
    file(&f, &draft).await;

    let (s, kind, xml) = get(&f, "/feed.atom", "ignored.example").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(kind, "application/atom+xml; charset=utf-8");
    let (_, entries) = read_atom(&xml);
    assert_eq!(entries.len(), 3, "one entry per published story, no draft");

    editor_post(
        &f,
        &format!("/api/articles/{}/unpublish", gone.id),
        serde_json::json!({"reason": "sai thông tin"}),
    )
    .await;
    let (_, _, xml) = get(&f, "/feed.atom", "ignored.example").await;
    let (feed, entries) = read_atom(&xml);
    let own = |k: &str| {
        feed.iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        own("id"),
        ["https://tin.example.vn/"],
        "the feed's id is its site"
    );
    assert_eq!(own("title"), ["Báo Nghệ An"]);
    assert_eq!(
        own("author/name"),
        ["Báo Nghệ An"],
        "the newsroom is the feed's author"
    );
    assert_eq!(
        own("link"),
        [
            "https://tin.example.vn/",
            "https://tin.example.vn/feed.atom"
        ],
        "the front page and the feed itself, at the public address, not the request's host"
    );
    let updated = own("updated");
    assert!(
        updated.len() == 1 && chrono::DateTime::parse_from_rfc3339(updated[0]).is_ok(),
        "the feed's updated is an RFC 3339 time: {updated:?}"
    );

    let mut titles: Vec<&str> = entries.iter().map(|e| e.title.as_str()).collect();
    titles.sort_unstable();
    assert_eq!(
        titles,
        ["Hội nghị Công đoàn tỉnh", "Sông Lam <Nghệ An> & bạn"],
        "the story taken down left the feed, the draft never came; markup reads back as text"
    );
    for e in &entries {
        let a = if e.title == home.title { &home } else { &sport };
        assert_eq!(
            e.id,
            format!("urn:uuid:{}", a.id),
            "a permanent id per story"
        );
        assert_eq!(e.link, format!("https://tin.example.vn/articles/{}", a.id));
        assert_eq!(e.authors, ["Thanh Hà"], "the writer is the entry's author");
        assert_eq!(e.summary, a.lead, "the lead is the summary");
        assert!(
            chrono::DateTime::parse_from_rfc3339(&e.updated).is_ok(),
            "updated is RFC 3339: {}",
            e.updated
        );
    }
}
