//! A photo upload cut at 50 % resumes from the server's offset instead of starting over.

use std::sync::atomic::Ordering;
use std::time::Duration;

use byline_sync::{Backoff, Client, hash_file};

use crate::start;
use byline_testkit::proxy::{self, Fault};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_cut_at_half_resumes_and_sends_at_most_5_percent_extra() {
    let server = start();
    let proxy = proxy::proxy(&server.url, |_| Fault::Pass);
    let path = byline_testkit::seed_photo("toan-canh.jpg");
    let (sha, size) = hash_file(&path).expect("hash");
    // Cut once the client has sent about half the photo (requests before the PATCH are small).
    proxy.cut_after.store(size / 2, Ordering::SeqCst);
    let mut client = Client::new(&proxy.url, &server.reporter).expect("client");
    client.backoff = Backoff::new(Duration::from_millis(50), Duration::from_millis(200));
    let report = tokio::time::timeout(
        Duration::from_secs(30),
        client.upload_blob(&path, &sha, size, |_, _| {}),
    )
    .await
    .expect("bounded in time")
    .expect("the upload completes after the cut");
    assert!(
        proxy.cut_done.load(Ordering::SeqCst),
        "the proxy did cut the connection"
    );
    assert!(report.retries >= 1, "the cut forced a retry");
    let on_wire = proxy.bytes_up.load(Ordering::SeqCst);
    let ratio = on_wire as f64 / size as f64;
    println!(
        "payload {size} B, client sent {on_wire} B through the proxy ({ratio:.4}×), retries {}",
        report.retries
    );
    assert!(
        ratio <= 1.05,
        "resuming must not resend the first half: {on_wire} bytes for {size} ({ratio:.3}×)"
    );
    let served = reqwest::Client::new()
        .get(format!("{}/api/blobs/{sha}", server.url))
        .bearer_auth(&server.reporter)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        served.as_ref(),
        std::fs::read(&path).unwrap().as_slice(),
        "the stored photo is intact"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn re_uploading_a_blob_the_server_has_sends_no_payload_bytes() {
    let server = start();
    let path = byline_testkit::seed_photo("lanh-dao.jpg");
    let (sha, size) = hash_file(&path).expect("hash");
    Client::new(&server.url, &server.reporter)
        .unwrap()
        .upload_blob(&path, &sha, size, |_, _| {})
        .await
        .expect("first upload");
    let proxy = proxy::proxy(&server.url, |_| Fault::Pass);
    let client = Client::new(&proxy.url, &server.reporter).unwrap();
    let report = client
        .upload_blob(&path, &sha, size, |_, _| {})
        .await
        .expect("second upload");
    assert!(report.already_present, "the server said it has the blob");
    assert_eq!(report.bytes_sent, 0, "no payload goes out again");
    let wire = proxy.bytes_up.load(Ordering::SeqCst);
    assert!(
        wire < 1024,
        "only the small batch query crossed the wire ({wire} bytes)"
    );
}
