//! End to end over real TCP: the model story and its three photos go up through `byline-sync`,
//! an editor publishes, and the public page shows the captions and the byline.

use byline_protocol::sync::{BlobRef, PhotoMeta};
use byline_sync::{Client, hash_file};

use crate::{Fixture, fixture_photo, model_article};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_model_story_with_three_photos_is_published_through_the_sync_client() {
    let f = Fixture::new();
    let base = f.serve().await;
    let reporter = Client::new(&base, &f.reporter).expect("client");
    let editor = Client::new(&base, &f.editor).expect("client");
    reporter.health().await.expect("server is up");

    let names = ["toan-canh.jpg", "lanh-dao.jpg", "dai-dien.jpg"];
    let mut shas = Vec::new();
    for n in names {
        let path = fixture_photo(n);
        let (sha, size) = hash_file(&path).expect("hash");
        let mut last = 0;
        let rep = reporter
            .upload_blob(&path, &sha, size, |done, _| last = done)
            .await
            .expect("upload");
        assert_eq!(rep.bytes_sent, size, "{n}: sent exactly once");
        assert_eq!(last, size, "progress reached the end");
        let again = reporter
            .upload_blob(&path, &sha, size, |_, _| {})
            .await
            .expect("re-upload");
        assert!(
            again.already_present && again.bytes_sent == 0,
            "a blob the server has costs 0 bytes"
        );
        shas.push((sha, size));
    }
    let refs: Vec<BlobRef> = shas
        .iter()
        .map(|(s, z)| BlobRef {
            sha256: s.clone(),
            size: *z,
        })
        .collect();
    assert!(
        reporter.missing_blobs(&refs).await.unwrap().is_empty(),
        "the server has all three"
    );
    let photographer = Client::new(&base, &f.photographer).unwrap();
    let info = photographer
        .put_photo_meta(
            &shas[0].0,
            &PhotoMeta {
                caption: "Toàn cảnh hội nghị.".into(),
                credit: "Cảnh Toàn".into(),
                ..Default::default()
            },
        )
        .await
        .expect("meta");
    assert_eq!(info.meta.credit, "Cảnh Toàn");

    let article = model_article([
        Some(shas[0].0.clone()),
        Some(shas[1].0.clone()),
        Some(shas[2].0.clone()),
    ]);
    let put = reporter
        .put_article(&article, None, "file-1")
        .await
        .expect("put");
    assert_eq!(put.server_revision, 1);
    assert!(put.merged.is_none() && put.conflicts.is_empty());
    let denied = reporter
        .publish(&article.id, "pub-r")
        .await
        .expect_err("reporters cannot publish");
    assert!(!denied.is_retryable(), "a role refusal is permanent");
    let published = editor.publish(&article.id, "pub-1").await.expect("publish");
    assert_eq!(published.server_revision, 2);
    let replay = editor
        .publish(&article.id, "pub-1")
        .await
        .expect("replayed publish");
    assert_eq!(
        replay.server_revision, 2,
        "a retried publish is replayed, not re-applied"
    );
    let changes = reporter.changes_since(0).await.expect("changes");
    assert_eq!(changes.articles.len(), 1);
    assert_eq!(
        reporter
            .get_article(&article.id)
            .await
            .unwrap()
            .server_revision,
        2
    );

    let html = reqwest::get(format!("{base}/articles/{}", article.id))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for caption in [
        "Toàn cảnh hội nghị.",
        "Lãnh đạo LĐLĐ tỉnh phát biểu tại hội nghị.",
        "Đại diện đoàn công tác của Tổng Liên đoàn Việt Nam phát biểu tại hội nghị.",
    ] {
        assert!(html.contains(caption), "the page shows caption {caption:?}");
    }
    assert!(
        html.contains("Thanh Hà - Cảnh Toàn"),
        "the page shows the byline"
    );
    assert!(html.contains("Trong tỉnh"), "the page shows the section");
    for (i, (sha, size)) in shas.iter().enumerate() {
        assert!(
            html.contains(&format!("<img src=\"/photos/{sha}\"")),
            "the page links photo {sha}"
        );
        let resp = reqwest::get(format!("{base}/photos/{sha}")).await.unwrap();
        if i != 0 {
            // Never vetted for the public (no metadata, so no public copy and no GPS check):
            // the original stays private, whatever links to it.
            assert_eq!(
                resp.status(),
                404,
                "a photo whose metadata was never set is not public"
            );
            continue;
        }
        assert_eq!(resp.headers()["content-type"], "image/jpeg");
        let etag = resp.headers()["etag"].to_str().unwrap().to_owned();
        let public = resp.bytes().await.unwrap();
        let caption_in_file = public
            .windows("Toàn cảnh hội nghị.".len())
            .any(|w| w == "Toàn cảnh hội nghị.".as_bytes());
        assert!(
            caption_in_file && public.len() as u64 > *size,
            "the captioned photo is served with its caption embedded"
        );
        assert_ne!(
            etag,
            format!("\"{sha}\""),
            "the public copy has its own tag"
        );
        let again = reqwest::Client::new()
            .get(format!("{base}/photos/{sha}"))
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "a cache revalidates by ETag");
        let original = reqwest::Client::new()
            .get(format!("{base}/api/blobs/{sha}"))
            .bearer_auth(&f.editor)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(
            &crate::sha_hex(&original),
            sha,
            "the original is kept byte for byte"
        );
        let anonymous = reqwest::get(format!("{base}/api/blobs/{sha}"))
            .await
            .unwrap();
        assert_eq!(anonymous.status(), 401, "originals need a token");
    }
}
