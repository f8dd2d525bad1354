//! Photo previews: stored without GPS, served publicly, shown on the page until the original
//! and its metadata arrive.

use axum::body::Body;
use axum::http::StatusCode;
use byline_protocol::sync::PhotoMeta;
use byline_sync::{Client, hash_file};

use crate::{Fixture, error_code, fixture_photo, model_article, png_header, req};

/// A JPEG that carries a GPS position (an Olympus camera file from the media tests), standing
/// in for a preview rendered from a phone photo with its location still in it.
fn jpeg_with_gps() -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../media/tests/data/olympus_fe230_iptc_gps.jpg");
    std::fs::read(path).expect("the media tests' GPS photo is in the repository")
}

async fn put_preview(
    f: &Fixture,
    token: Option<&str>,
    sha: &str,
    bytes: Vec<u8>,
) -> (StatusCode, String) {
    let r = req("PUT", &format!("/api/photos/{sha}/preview"), token)
        .header("content-type", "image/jpeg")
        .body(Body::from(bytes))
        .unwrap();
    let (s, _, b) = f.call(r).await;
    (s, error_code(&b))
}

async fn get(f: &Fixture, uri: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let (s, h, b) = f
        .call(req("GET", uri, None).body(Body::empty()).unwrap())
        .await;
    (s, h, b.to_vec())
}

async fn page(f: &Fixture, uri: &str) -> String {
    String::from_utf8(get(f, uri).await.2).expect("UTF-8 page")
}

/// Every preview in the blob store (files, or objects in the fixture's bucket).
async fn preview_files(f: &Fixture) -> Vec<String> {
    f.stored("blobs/previews").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_preview_stands_in_on_the_page_until_the_original_and_its_metadata_arrive() {
    let f = Fixture::new();
    let base = f.serve().await;
    let original = fixture_photo("toan-canh.jpg");
    let (sha, size) = hash_file(&original).unwrap();
    let preview = jpeg_with_gps();
    assert!(
        byline_media::read_metadata(&preview, "preview")
            .unwrap()
            .gps
            .is_some(),
        "the test preview must carry a position to begin with"
    );

    let (s, _) = put_preview(&f, Some(&f.photographer), &sha, preview.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "a first preview is stored");
    let (s, _) = put_preview(&f, Some(&f.reporter), &sha, preview.clone()).await;
    assert_eq!(
        s,
        StatusCode::NO_CONTENT,
        "the same preview again is not a second one"
    );
    assert_eq!(
        preview_files(&f).await.len(),
        1,
        "stored once: {:?}",
        preview_files(&f).await
    );

    let (s, h, served) = get(&f, &format!("/photos/{sha}/preview")).await;
    assert_eq!(s, StatusCode::OK, "previews are public, like the pages");
    assert_eq!(h["content-type"], "image/jpeg");
    assert!(served.starts_with(&[0xFF, 0xD8]), "a JPEG comes back");
    let meta = byline_media::read_metadata(&served, "served preview").expect("readable");
    assert_eq!(meta.gps, None, "the public preview carries no position");
    let (s, _, _) = f
        .call(
            req("GET", &format!("/photos/{sha}/preview"), None)
                .header("if-none-match", h["etag"].clone())
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_MODIFIED, "revalidation by ETag");

    let editor = Client::new(&base, &f.editor).unwrap();
    let article = model_article([Some(sha.clone()), None, None]);
    editor.put_article(&article, None, "file").await.unwrap();
    editor.publish(&article.id, "pub").await.unwrap();
    let page_uri = format!("/articles/{}", article.id);
    let html = page(&f, &page_uri).await;
    assert!(
        html.contains(&format!("src=\"/photos/{sha}/preview\"")),
        "without the original the figure shows the preview: {html}"
    );

    editor
        .upload_blob(&original, &sha, size, |_, _| {})
        .await
        .unwrap();
    let html = page(&f, &page_uri).await;
    assert!(
        html.contains(&format!("src=\"/photos/{sha}/preview\"")),
        "the original alone is not public yet (its metadata makes the public copy)"
    );
    editor
        .put_photo_meta(
            &sha,
            &PhotoMeta {
                caption: "Toàn cảnh hội nghị.".into(),
                strip_gps: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let html = page(&f, &page_uri).await;
    assert!(
        html.contains(&format!("src=\"/photos/{sha}\"")) && !html.contains("/preview"),
        "once the original and its metadata arrived, the page shows the public copy: {html}"
    );
}

#[tokio::test]
async fn previews_must_be_jpegs_within_the_limit_from_signed_in_users() {
    let f = Fixture::with_config(byline_server::Config {
        preview_limit: 64 * 1024,
        ..Default::default()
    });
    let sha = "ab".repeat(32);
    let (s, code) = put_preview(&f, None, &sha, jpeg_with_gps()).await;
    assert_eq!(
        (s, code.as_str()),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    let (s, code) = put_preview(&f, Some(&f.reporter), &sha, png_header(1600, 900)).await;
    assert_eq!(
        (s, code.as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported"),
        "a preview is the desktop's JPEG rendition"
    );
    let (s, code) = put_preview(&f, Some(&f.reporter), &sha, jpeg_with_gps()).await;
    assert_eq!(
        (s, code.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
        "over the preview limit"
    );
    let (s, code) = put_preview(&f, Some(&f.reporter), "..%2F..%2Fetc", jpeg_with_gps()).await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "only a hash names a photo ({code})"
    );
    let (s, _, _) = get(&f, &format!("/photos/{sha}/preview")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "nothing was stored");
    assert!(preview_files(&f).await.is_empty());
}
