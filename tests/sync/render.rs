//! One renderer: the desktop's standalone HTML export and the server's public page of the model
//! story are the same `<article>` — related items box, the photo library's credits, date line —
//! but for where each image comes from (a data URI in the file, `/photos/{sha}` on the server).

use byline_core::ExportFormat;
use byline_core::photodesk::FieldEdit;
use byline_core::sync::Patience;
use byline_protocol::Related;
use byline_testkit::in_process as server;
use byline_testkit::process::http;
use byline_testkit::{library, ready_story};

/// The `<article>` element of a page, each image's `src` blanked (the only thing allowed to differ).
fn article_without_srcs(html: &str) -> String {
    let start = html.find("<article>").expect("the page has an <article>");
    let end = html.find("</article>").expect("the <article> ends") + "</article>".len();
    let mut out = String::new();
    let mut rest = &html[start..end];
    while let Some(i) = rest.find("src=\"") {
        out.push_str(&rest[..i + 5]);
        let after = &rest[i + 5..];
        rest = &after[after.find('"').expect("the src value ends")..];
    }
    out.push_str(rest);
    out
}

#[test]
fn the_export_and_the_public_page_of_the_model_story_are_the_same_article() {
    let sdir = tempfile::tempdir().unwrap();
    let srv = server::start(sdir.path());
    let (_dir, lib) = library();
    let id = ready_story(&lib);
    // One photo credited to an agency in the library: the figure itself names no credit, so
    // both sides must find it in their photo library (the desktop's, the server's metadata).
    let mut photos: Vec<String> = lib.photos().unwrap().into_iter().map(|p| p.id).collect();
    photos.sort();
    lib.caption_photos(
        &photos[..1],
        &FieldEdit {
            credit: Some("Ảnh: TTXVN".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let mut a = lib.article(&id).unwrap();
    a.related.push(Related {
        title: "Bài trước trên Báo Hà Tĩnh".into(),
        url: Some("https://baohatinh.vn/bai-truoc.html".into()),
        article_id: None,
    });
    lib.save_article(&mut a).unwrap();
    lib.publish(&id, &srv.remote(&srv.editor), &Patience::default())
        .unwrap_or_else(|e| panic!("publish failed: {e}"));

    let export = lib.export_article(&id, ExportFormat::Html, None).unwrap();
    let (status, page) = http("GET", &format!("{}/articles/{id}", srv.url), None, None);
    assert_eq!(status, 200, "the published page answers: {page}");

    let (from_file, from_server) = (article_without_srcs(&export), article_without_srcs(&page));
    assert_eq!(
        from_file, from_server,
        "the export and the page come from one renderer"
    );
    for needle in [
        "<h2>Tin liên quan</h2>",
        "<a href=\"https://baohatinh.vn/bai-truoc.html\">",
        "<span class=\"credit\">(Ảnh: TTXVN)</span>",
        "<span class=\"credit\">(Cảnh Toàn)</span>",
        "12:17, 18/06/2024 (GMT+07:00)",
        "Thanh Hà - Cảnh Toàn",
    ] {
        assert!(
            from_server.contains(needle),
            "both show {needle:?}: {from_server}"
        );
    }
    assert_eq!(
        from_server.matches("<img src=").count(),
        3,
        "the page shows the three photos"
    );
    assert!(
        export.contains("src=\"data:image/jpeg;base64,") && page.contains("src=\"/photos/"),
        "only where the images come from differs"
    );
}
