//! Hostile input: traversal, oversized bodies, wrong content, bad tokens, roles, bursts. Each gets
//! the right 4xx and nothing is written outside the data directory.

use axum::body::Body;
use axum::http::StatusCode;

use crate::{Fixture, error_code, model_article, req, tree_outside};

#[tokio::test]
async fn path_traversal_attempts_are_refused_and_touch_nothing_outside_the_data_dir() {
    let f = Fixture::new();
    std::fs::create_dir_all(f.tmp.path().join("etc")).unwrap();
    std::fs::write(f.tmp.path().join("etc/passwd"), "root:x:0:0").unwrap();
    let before = tree_outside(f.tmp.path(), &f.data_dir());
    let e = &f.editor;
    let attempts: Vec<(&str, String, Option<&str>)> = vec![
        ("GET", "/photos/..%2F..%2Fetc%2Fpasswd".into(), None),
        ("GET", "/photos/../../etc/passwd".into(), None),
        ("GET", "/articles/..%2F..%2Fetc%2Fpasswd".into(), None),
        ("GET", "/api/articles/..%2Fx".into(), Some(e)),
        ("PUT", "/api/articles/..%2F..%2Fevil".into(), Some(e)),
        (
            "HEAD",
            "/api/uploads/..%2F..%2Fetc%2Fpasswd".into(),
            Some(e),
        ),
        (
            "PATCH",
            "/api/uploads/..%2F..%2Fetc%2Fpasswd".into(),
            Some(e),
        ),
        (
            "PUT",
            "/api/photos/..%2F..%2Fetc%2Fpasswd/meta".into(),
            Some(e),
        ),
    ];
    for (m, uri, tok) in attempts {
        let r = req(m, &uri, tok)
            .header("tus-resumable", "1.0.0")
            .header("upload-offset", "0")
            .header("content-type", "application/offset+octet-stream")
            .body(Body::from("{}"))
            .unwrap();
        let (s, _, _) = f.call(r).await;
        assert!(s.is_client_error(), "{m} {uri} must be a 4xx, got {s}");
    }
    // A tus creation whose metadata tries to smuggle a path as the hash.
    use base64::Engine;
    let r = req("POST", "/api/uploads", Some(e))
        .header("tus-resumable", "1.0.0")
        .header("upload-length", "10")
        .header(
            "upload-metadata",
            format!(
                "sha256 {}",
                base64::engine::general_purpose::STANDARD.encode("../../etc/passwd")
            ),
        )
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        f.call(r).await.0,
        StatusCode::BAD_REQUEST,
        "a path is not a hash"
    );
    assert_eq!(
        before,
        tree_outside(f.tmp.path(), &f.data_dir()),
        "nothing changed outside the data dir"
    );
    assert_eq!(
        std::fs::read_to_string(f.tmp.path().join("etc/passwd")).unwrap(),
        "root:x:0:0"
    );
}

#[tokio::test]
async fn an_oversized_json_body_gets_413_too_large() {
    let f = Fixture::with_config(byline_server::Config {
        json_limit: 10_000,
        ..Default::default()
    });
    let mut a = model_article([None, None, None]);
    a.lead = "x".repeat(20_000);
    let body = byline_protocol::sync::PutArticleRequest {
        article: a.clone(),
        base_revision: None,
    };
    let r = req("PUT", &format!("/api/articles/{}", a.id), Some(&f.reporter))
        .body(crate::json_body(&body))
        .unwrap();
    let (s, _, b) = f.call(r).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(&b), "too_large");
}

#[tokio::test]
async fn an_oversized_upload_chunk_gets_413_and_is_not_kept() {
    let f = Fixture::with_config(byline_server::Config {
        chunk_limit: 1000,
        ..Default::default()
    });
    use base64::Engine;
    let r = req("POST", "/api/uploads", Some(&f.editor))
        .header("tus-resumable", "1.0.0")
        .header("upload-length", "5000")
        .header(
            "upload-metadata",
            format!(
                "sha256 {}",
                base64::engine::general_purpose::STANDARD.encode("d".repeat(64))
            ),
        )
        .body(Body::empty())
        .unwrap();
    let (_, h, _) = f.call(r).await;
    let loc = h["location"].to_str().unwrap().to_string();
    let r = req("PATCH", &loc, Some(&f.editor))
        .header("tus-resumable", "1.0.0")
        .header("upload-offset", "0")
        .header("content-type", "application/offset+octet-stream")
        .body(Body::from(vec![0u8; 5000]))
        .unwrap();
    assert_eq!(f.call(r).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    let (_, h, _) = f
        .call(
            req("HEAD", &loc, Some(&f.editor))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(
        h["upload-offset"], "0",
        "nothing of the oversized chunk was kept"
    );
}

#[tokio::test]
async fn malformed_json_and_the_wrong_content_type_are_refused_with_codes() {
    let f = Fixture::new();
    let r = req("PUT", "/api/articles/abc", Some(&f.reporter))
        .body(Body::from("{not json"))
        .unwrap();
    let (s, _, b) = f.call(r).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&b), "invalid_input");
    let r = req(
        "PATCH",
        "/api/uploads/0190b7a0-0000-7000-8000-000000000000",
        Some(&f.reporter),
    )
    .header("tus-resumable", "1.0.0")
    .header("upload-offset", "0")
    .header("content-type", "text/plain")
    .body(Body::from("x"))
    .unwrap();
    assert_eq!(
        f.call(r).await.0,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "tus chunks have their own type"
    );
}

#[tokio::test]
async fn missing_or_bad_tokens_get_401() {
    let f = Fixture::new();
    for auth in [
        None,
        Some("Bearer nope"),
        Some("Basic dXNlcjpwdw=="),
        Some("Bearer "),
    ] {
        let mut r = axum::http::Request::builder().uri("/api/articles");
        if let Some(a) = auth {
            r = r.header("authorization", a);
        }
        let (s, _, b) = f.call(r.body(Body::empty()).unwrap()).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "auth {auth:?} must be refused");
        assert_eq!(error_code(&b), "unauthorized");
    }
}

#[tokio::test]
async fn a_burst_beyond_the_bucket_gets_429_with_retry_after() {
    let f = Fixture::with_config(byline_server::Config {
        rate_burst: 3.0,
        rate_per_sec: 0.5,
        ..Default::default()
    });
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..5 {
        let (s, h, _) = f
            .call(
                req("GET", "/api/articles", Some(&f.reporter))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        statuses.push(s.as_u16());
        if s == StatusCode::TOO_MANY_REQUESTS {
            retry_after = h
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_string());
        }
    }
    assert_eq!(
        statuses,
        [200, 200, 200, 429, 429],
        "three in the burst, then refused"
    );
    assert_eq!(
        retry_after.as_deref(),
        Some("2"),
        "one token takes 2 s at 0.5/s"
    );
    let (s, _, _) = f
        .call(
            req("GET", "/api/articles", Some(&f.editor))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "buckets are per token");
}
