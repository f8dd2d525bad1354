//! Operations: liveness and readiness, graceful shutdown finishing in-flight requests, stale
//! uploads expiring (at start and periodically), the per-user cap on unfinished upload bytes,
//! and 507 when the blob store's filesystem is below its minimum free space.

use std::time::Duration;

use axum::body::Body;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use byline_protocol::sync::PutArticleRequest;
use byline_server::{AppState, Config, app};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::tus::{create, patch};
use crate::{Fixture, error_code, fixture_photo, model_article, req, sha_hex};

/// The photographer's tus creation request for `len` bytes (a placeholder hash).
async fn create_upload(
    f: &Fixture,
    len: u64,
) -> (StatusCode, axum::http::HeaderMap, axum::body::Bytes) {
    let r = req("POST", "/api/uploads", Some(&f.photographer))
        .header("tus-resumable", "1.0.0")
        .header("upload-length", len.to_string())
        .header(
            "upload-metadata",
            format!("sha256 {}", B64.encode("a".repeat(64))),
        )
        .body(Body::empty())
        .unwrap();
    f.call(r).await
}

/// `POST /api/uploads` declaring `len` bytes: (status, error code, message, location).
async fn declare(f: &Fixture, len: u64) -> (StatusCode, String, String, String) {
    let (s, h, b) = create_upload(f, len).await;
    let v: serde_json::Value = serde_json::from_slice(&b).unwrap_or_default();
    let loc = h
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (
        s,
        error_code(&b),
        v["message"].as_str().unwrap_or_default().to_owned(),
        loc,
    )
}

async fn head_status(state: &AppState, loc: &str, token: &str) -> StatusCode {
    use tower::ServiceExt;
    app(state.clone())
        .oneshot(
            req("HEAD", loc, Some(token))
                .header("tus-resumable", "1.0.0")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn ready_answers_200_and_503_naming_the_blob_store_when_it_cannot_be_written() {
    let f = Fixture::new();
    let get = |p: &'static str| req("GET", p, None).body(Body::empty()).unwrap();
    let (s, _, b) = f.call(get("/ready")).await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
    let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(v, serde_json::json!({"ready": true}));

    let broken = if f.s3.is_some() {
        // The bucket refuses a wrong secret, as it would a revoked key.
        let mut config = f.state.config().clone();
        config
            .s3_settings
            .push(("AWS_SECRET_ACCESS_KEY".into(), "not-the-secret".into()));
        AppState::open(&f.data_dir(), config).unwrap()
    } else {
        // A file where the blob folder was: nothing can be written there, even as root.
        let blobs = f.data_dir().join("blobs");
        std::fs::remove_dir_all(&blobs).unwrap();
        std::fs::write(&blobs, b"not a folder").unwrap();
        f.state.clone()
    };
    let (s, b) = {
        use tower::ServiceExt;
        let resp = app(broken).oneshot(get("/ready")).await.unwrap();
        let s = resp.status();
        (
            s,
            axum::body::to_bytes(resp.into_body(), usize::MAX)
                .await
                .unwrap(),
        )
    };
    assert_eq!(
        s,
        StatusCode::SERVICE_UNAVAILABLE,
        "a broken blob store is not ready"
    );
    let v: serde_json::Value = serde_json::from_slice(&b).expect("the reason is JSON");
    assert_eq!(v["ready"], false);
    let reason = v["reason"].as_str().unwrap();
    assert!(
        reason.contains("blob store") && reason.contains("blobs"),
        "the reason names the blob store and its folder: {reason}"
    );
    let (s, _, b) = f.call(get("/health")).await;
    assert_eq!(
        (s, &b[..]),
        (StatusCode::OK, &b"ok"[..]),
        "liveness does no I/O: still alive"
    );
}

#[tokio::test]
async fn a_new_upload_says_when_it_expires_if_left_idle() {
    let f = Fixture::new();
    let (s, h, _) = create_upload(&f, 5000).await;
    assert_eq!(s, StatusCode::CREATED);
    let expires = h
        .get("upload-expires")
        .expect("tus expiration: Upload-Expires on creation")
        .to_str()
        .unwrap();
    let at = chrono::DateTime::parse_from_rfc2822(expires).expect("an HTTP date");
    let in_24h = chrono::Utc::now() + chrono::Duration::hours(24);
    assert!(
        (at.to_utc() - in_24h).num_seconds().abs() < 60,
        "the default expiry is 24 h from now: {expires}"
    );
    let r = req("OPTIONS", "/api/uploads", None)
        .body(Body::empty())
        .unwrap();
    let (_, h, _) = f.call(r).await;
    assert!(
        h["tus-extension"].to_str().unwrap().contains("expiration"),
        "the server announces the expiration extension"
    );
}

#[tokio::test]
async fn a_stale_upload_expires_in_the_sweep_at_start_while_a_recent_one_is_kept() {
    let f = Fixture::new();
    let bytes = std::fs::read(fixture_photo("dai-dien.jpg")).unwrap();
    let (s, loc) = create(&f, &sha_hex(&bytes), bytes.len()).await;
    assert_eq!(s, StatusCode::CREATED);
    patch(&f, &loc, 0, &bytes[..1000], None).await;
    let held = f.stored("uploads").await;
    assert!(
        !held.is_empty(),
        "the upload's bytes are held (a part file, or a leftover in the bucket)"
    );
    tokio::time::sleep(Duration::from_millis(400)).await;

    let kept = f.reopen(Config::default());
    byline_server::ops::expire_uploads(&kept).await.unwrap();
    assert_eq!(
        head_status(&kept, &loc, &f.photographer).await,
        StatusCode::OK,
        "400 ms idle is not stale under the default 24 h"
    );
    let short = Config {
        upload_expiry: Duration::from_millis(200),
        ..Config::default()
    };
    let swept = f.reopen(short);
    let expired = byline_server::ops::expire_uploads(&swept).await.unwrap();
    assert_eq!(expired, 1, "one upload was idle longer than the expiry");
    assert_eq!(
        head_status(&swept, &loc, &f.photographer).await,
        StatusCode::NOT_FOUND,
        "idle longer than the expiry: removed by the sweep a server runs at its start"
    );
    assert_eq!(
        f.stored("uploads").await,
        Vec::<String>::new(),
        "its bytes are gone too"
    );
}

#[tokio::test]
async fn bytes_no_upload_owns_any_more_are_swept_once_settled_and_fresh_ones_are_kept() {
    // The default grace (24 h) while the bytes are fresh: a 300 ms one let a loaded machine
    // (CI builds beside the tests) take longer than the grace between the write and the sweep.
    let f = Fixture::with_config(Config::default());
    let bytes = std::fs::read(fixture_photo("dai-dien.jpg")).unwrap();
    let (_, loc) = create(&f, &sha_hex(&bytes), bytes.len()).await;
    let (s, _, _) = patch(&f, &loc, 0, &bytes[..1000], None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    // A crash between removing the upload's row and its bytes.
    let id = loc.rsplit('/').next().unwrap().to_owned();
    f.state
        .with_db(move |c| {
            c.execute(
                "DELETE FROM upload_parts WHERE upload_id = ?1",
                byline_server::args![id],
            )?;
            c.execute(
                "DELETE FROM uploads WHERE id = ?1",
                byline_server::args![id],
            )
        })
        .unwrap();
    let orphaned = f.stored("uploads").await;
    assert!(!orphaned.is_empty(), "the bytes outlive their row");
    byline_server::ops::expire_uploads(&f.state).await.unwrap();
    assert_eq!(
        f.stored("uploads").await,
        orphaned,
        "bytes younger than the grace may belong to an upload whose row is being written"
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let short = f.reopen(Config {
        upload_expiry: Duration::from_millis(300),
        ..Config::default()
    });
    byline_server::ops::expire_uploads(&short).await.unwrap();
    assert_eq!(
        f.stored("uploads").await,
        Vec::<String>::new(),
        "settled bytes without a row are swept"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_server_expires_idle_uploads_periodically() {
    let f = Fixture::with_config(Config {
        upload_expiry: Duration::from_millis(300),
        ..Config::default()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(byline_server::serve_until(
        listener,
        f.state.clone(),
        app(f.state.clone()),
        async move {
            let _ = stopped.await;
        },
    ));
    let (s, loc) = create(&f, &"b".repeat(64), 5000).await;
    assert_eq!(s, StatusCode::CREATED);
    byline_sync::ensure_crypto_provider();
    let client = reqwest::Client::new();
    let head = || {
        client
            .head(format!("{base}{loc}"))
            .bearer_auth(&f.photographer)
            .header("tus-resumable", "1.0.0")
            .send()
    };
    assert_eq!(
        head().await.unwrap().status(),
        200,
        "the upload exists at first"
    );
    let mut gone = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if head().await.unwrap().status() == 404 {
            gone = true;
            break;
        }
    }
    assert!(
        gone,
        "the periodic sweep removed the idle upload within 5 s"
    );
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server stops")
        .unwrap()
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_a_request_in_flight_finish_and_then_stops() {
    let f = Fixture::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(byline_server::serve_until(
        listener,
        f.state.clone(),
        app(f.state.clone()),
        async move {
            let _ = stopped.await;
        },
    ));
    let a = model_article([None, None, None]);
    let body = serde_json::to_vec(&PutArticleRequest {
        article: a.clone(),
        base_revision: None,
    })
    .unwrap();
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "PUT /api/articles/{} HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {}\r\n\
         content-type: application/json\r\ncontent-length: {}\r\nidempotency-key: k\r\n\r\n",
        a.id,
        f.reporter,
        body.len()
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let half = body.len() / 2;
    tcp.write_all(&body[..half]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !server.is_finished(),
        "the server waits for the request still arriving"
    );
    tcp.write_all(&body[half..]).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), tcp.read_to_end(&mut answer))
        .await
        .expect("the answer comes and the connection closes")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 201"),
        "the in-flight write completed: {answer}"
    );
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server stops once the request is done")
        .unwrap()
        .unwrap();
    let stored = f
        .state
        .with_db(|c| {
            c.query_one(
                "SELECT COUNT(*) FROM articles WHERE id = ?1",
                byline_server::args![a.id],
            )?
            .get::<i64>(0)
        })
        .unwrap();
    assert_eq!(stored, 1, "the story is stored");
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "nothing listens after the shutdown"
    );
}

#[tokio::test]
async fn a_users_unfinished_upload_bytes_are_capped_with_an_error_naming_the_limit() {
    let f = Fixture::with_config(Config {
        max_in_flight_per_user: 1000,
        ..Config::default()
    });
    let (s, _, _, first) = declare(&f, 600).await;
    assert_eq!(s, StatusCode::CREATED, "600 of 1000 bytes is under the cap");
    let (s, code, msg, _) = declare(&f, 600).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{msg}");
    assert_eq!(code, "rate_limited", "a retry later may pass");
    assert!(
        msg.contains("1000 bytes")
            && msg.contains("600 bytes")
            && msg.contains("--max-upload-in-flight-mb"),
        "the message names the limit, what is held and the flag: {msg}"
    );
    let (s, code, msg, _) = declare(&f, 1200).await;
    assert_eq!(
        (s, code.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
        "larger than the cap by itself: never passes ({msg})"
    );
    let r = req("DELETE", &first, Some(&f.photographer))
        .header("tus-resumable", "1.0.0")
        .body(Body::empty())
        .unwrap();
    assert!(
        f.call(r).await.0.is_success(),
        "the first upload is cancelled"
    );
    let (s, _, msg, _) = declare(&f, 600).await;
    assert_eq!(s, StatusCode::CREATED, "room again once it is gone: {msg}");
}

#[tokio::test]
async fn uploads_are_refused_with_507_below_the_minimum_free_space() {
    let f = Fixture::with_config(Config {
        min_free_space: u64::MAX / 2,
        ..Config::default()
    });
    let (s, code, msg, _) = declare(&f, 600).await;
    if f.s3.is_some() {
        // A bucket's free space is not the server's to measure (its quota is the store's).
        assert_eq!(
            s,
            StatusCode::CREATED,
            "no minimum applies to a bucket: {msg}"
        );
        return;
    }
    assert_eq!(s, StatusCode::INSUFFICIENT_STORAGE, "{msg}");
    assert_eq!(code, "disk_full");
    assert!(
        msg.contains("--min-free-space-mb") && msg.contains("free"),
        "the message names the minimum's flag and the free space: {msg}"
    );
    assert_eq!(
        f.stored("uploads").await,
        Vec::<String>::new(),
        "nothing was reserved for the refused upload"
    );
}
