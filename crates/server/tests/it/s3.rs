//! tus uploads on an S3 bucket (a real Garage): the upload's state in the database and its bytes
//! in the bucket, so a PATCH continues on another replica; leftovers that become parts; the
//! compare-and-swap that lets one of two replicas commit an offset; the whole-file check before
//! anything is visible; expiry aborting the multipart upload. Skipped with a notice where Garage
//! is not installed (failing in CI).

use std::time::Duration;

use axum::body::Body;
use axum::http::StatusCode;
use byline_server::{AppState, Config, app};
use object_store::ObjectStoreExt;
use object_store::multipart::MultipartStore;
use tower::ServiceExt;

use crate::tus::create;
use crate::{Fixture, bucket_client, error_code, png_header, req, sha_hex};

const MIB: usize = 1 << 20;

/// A PNG header claiming 4000×3000 pixels followed by `len` bytes in all of a photo-sized file,
/// varied so that no two parts are alike.
fn big_image(len: usize) -> Vec<u8> {
    let mut v = png_header(4000, 3000);
    let mut x: u32 = 0x1234_5678;
    while v.len() < len {
        x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        v.push((x >> 24) as u8);
    }
    v
}

/// One tus request through `state`'s router: (status, offset, error code).
async fn send(
    state: &AppState,
    token: &str,
    method: &str,
    loc: &str,
    offset: usize,
    body: Body,
) -> (StatusCode, Option<u64>, String) {
    let r = req(method, loc, Some(token))
        .header("tus-resumable", "1.0.0")
        .header("upload-offset", offset.to_string())
        .header("content-type", "application/offset+octet-stream")
        .body(body)
        .unwrap();
    let resp = app(state.clone()).oneshot(r).await.unwrap();
    let status = resp.status();
    let off = resp
        .headers()
        .get("upload-offset")
        .and_then(|v| v.to_str().ok()?.parse().ok());
    let b = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, off, error_code(&b))
}

async fn patch_on(
    state: &AppState,
    f: &Fixture,
    loc: &str,
    at: usize,
    chunk: &[u8],
) -> (StatusCode, Option<u64>, String) {
    send(
        state,
        &f.photographer,
        "PATCH",
        loc,
        at,
        Body::from(chunk.to_vec()),
    )
    .await
}

async fn head_on(state: &AppState, f: &Fixture, loc: &str) -> (StatusCode, Option<u64>) {
    let (s, off, _) = send(state, &f.photographer, "HEAD", loc, 0, Body::empty()).await;
    (s, off)
}

/// The original as the first replica serves it.
async fn served(f: &Fixture, sha: &str) -> (StatusCode, Vec<u8>) {
    let (s, _, b) = f
        .call(
            req("GET", &format!("/api/blobs/{sha}"), Some(&f.photographer))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    (s, b.to_vec())
}

/// (committed parts, their total size, leftover size, offset) of the upload at `loc`.
fn upload_row(f: &Fixture, loc: &str) -> (u64, u64, u64, u64) {
    let id = loc.rsplit('/').next().unwrap().to_owned();
    f.state
        .with_db(move |c| {
            let r = c.query_one(
                "SELECT (SELECT COUNT(*) FROM upload_parts WHERE upload_id = u.id),
                        (SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM upload_parts WHERE upload_id = u.id),
                        leftover_size, received
                 FROM uploads u WHERE id = ?1",
                byline_server::args![id],
            )?;
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .expect("the upload's row")
}

/// A client for the fixture's bucket, and the multipart upload (path in the bucket, id) that the
/// upload at `loc` records.
fn multipart_of(
    f: &Fixture,
    loc: &str,
) -> (
    object_store::aws::AmazonS3,
    object_store::path::Path,
    String,
) {
    let id = loc.rsplit('/').next().unwrap().to_owned();
    let (key, mp): (String, String) = f
        .state
        .with_db(move |c| {
            let r = c.query_one(
                "SELECT multipart_key, multipart_id FROM uploads WHERE id = ?1",
                byline_server::args![id],
            )?;
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let t = f.s3.as_ref().expect("a fixture on Garage");
    let path = object_store::path::Path::from(format!("{}/{key}", t.prefix));
    (bucket_client(t), path, mp)
}

fn leftovers(objects: &[String]) -> Vec<&String> {
    objects
        .iter()
        .filter(|o| o.contains("/leftover-"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_s3_upload_begun_on_one_replica_continues_on_another_from_the_offset_in_the_database() {
    let Some(f) = Fixture::on_garage(Config::default(), "s3::resume on another replica") else {
        return;
    };
    let bytes = big_image(12 * MIB + 12_345);
    let sha = sha_hex(&bytes);
    let (s, loc) = create(&f, &sha, bytes.len()).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, off, code) = patch_on(&f.state, &f, &loc, 0, &bytes[..4 * MIB]).await;
    assert_eq!(
        (s, off),
        (StatusCode::NO_CONTENT, Some(4 * MIB as u64)),
        "{code}"
    );

    // Another process on the same database and bucket: nothing in memory is shared.
    let replica = f.reopen(Config::default());
    assert_eq!(
        head_on(&replica, &f, &loc).await,
        (StatusCode::OK, Some(4 * MIB as u64)),
        "the other replica reads the offset from the database"
    );
    let (s, off, code) = patch_on(&replica, &f, &loc, 4 * MIB, &bytes[4 * MIB..8 * MIB]).await;
    assert_eq!(
        (s, off),
        (StatusCode::NO_CONTENT, Some(8 * MIB as u64)),
        "{code}"
    );
    assert_eq!(
        head_on(&f.state, &f, &loc).await,
        (StatusCode::OK, Some(8 * MIB as u64)),
        "and the first replica sees what the other one wrote"
    );
    let (s, off, code) = patch_on(&replica, &f, &loc, 8 * MIB, &bytes[8 * MIB..]).await;
    assert_eq!(
        (s, off),
        (StatusCode::NO_CONTENT, Some(bytes.len() as u64)),
        "{code}"
    );

    let (s, got) = served(&f, &sha).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        got == bytes,
        "the photo is exactly the bytes sent to the two replicas"
    );
    assert_eq!(
        f.stored("uploads").await,
        Vec::<String>::new(),
        "no leftover or staging object stays behind"
    );
    assert_eq!(
        f.stored("blobs").await,
        vec![format!("{}/{sha}", &sha[..2])],
        "the bucket holds the photo at its content address"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tail_smaller_than_a_part_waits_in_a_leftover_object_until_enough_bytes_make_a_part() {
    let Some(f) = Fixture::on_garage(Config::default(), "s3::leftover becomes a part") else {
        return;
    };
    let bytes = big_image(7 * MIB + 100);
    let sha = sha_hex(&bytes);
    let (_, loc) = create(&f, &sha, bytes.len()).await;

    let (s, _, code) = patch_on(&f.state, &f, &loc, 0, &bytes[..3 * MIB]).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{code}");
    assert_eq!(
        upload_row(&f, &loc),
        (0, 0, 3 * MIB as u64, 3 * MIB as u64),
        "3 MiB is less than a part: no part yet, all of it a leftover"
    );
    let first = f.stored("uploads").await;
    assert_eq!(leftovers(&first).len(), 1, "one leftover object: {first:?}");

    let (s, _, code) = patch_on(&f.state, &f, &loc, 3 * MIB, &bytes[3 * MIB..6 * MIB]).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{code}");
    assert_eq!(
        upload_row(&f, &loc),
        (1, 5 * MIB as u64, MIB as u64, 6 * MIB as u64),
        "the leftover and the new bytes made one 5 MiB part; 1 MiB is the new leftover"
    );
    let second = f.stored("uploads").await;
    assert_eq!(
        leftovers(&second).len(),
        1,
        "the old leftover is gone: {second:?}"
    );
    assert_ne!(
        leftovers(&first),
        leftovers(&second),
        "the leftover is a new object"
    );

    let (s, _, code) = patch_on(&f.state, &f, &loc, 6 * MIB, &bytes[6 * MIB..]).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{code}");
    let (s, got) = served(&f, &sha).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        got == bytes,
        "the parts and the last piece assemble into the photo"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_writing_one_offset_commit_once_and_the_other_gets_409() {
    let Some(f) = Fixture::on_garage(Config::default(), "s3::two replicas race") else {
        return;
    };
    let bytes = big_image(6 * MIB);
    let sha = sha_hex(&bytes);
    let (_, loc) = create(&f, &sha, bytes.len()).await;
    let other = f.reopen(Config::default());

    // The first replica's client sends slowly; the second replica's client sends the same
    // offset meanwhile and finishes first. No lock in memory is shared: only the database's
    // compare-and-swap on the offset can turn one away.
    let halves = vec![bytes[..2 * MIB].to_vec(), bytes[2 * MIB..4 * MIB].to_vec()];
    let slow =
        futures_util::stream::iter(halves.into_iter().enumerate()).then(|(i, p)| async move {
            if i == 1 {
                tokio::time::sleep(Duration::from_millis(1500)).await;
            }
            Ok::<_, std::io::Error>(axum::body::Bytes::from(p))
        });
    use futures_util::StreamExt;
    let first = send(
        &f.state,
        &f.photographer,
        "PATCH",
        &loc,
        0,
        Body::from_stream(slow),
    );
    let second = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        patch_on(&other, &f, &loc, 0, &bytes[..4 * MIB]).await
    };
    let ((s1, _, c1), (s2, off2, c2)) = tokio::join!(first, second);
    assert_eq!(
        (s2, off2),
        (StatusCode::NO_CONTENT, Some(4 * MIB as u64)),
        "the faster writer commits: {c2}"
    );
    assert_eq!(
        (s1, c1.as_str()),
        (StatusCode::CONFLICT, "conflict"),
        "the slower one finds the offset moved"
    );
    assert_eq!(head_on(&f.state, &f, &loc).await.1, Some(4 * MIB as u64));
    let objects = f.stored("uploads").await;
    assert_eq!(
        leftovers(&objects).len(),
        1,
        "the loser removed its leftover: {objects:?}"
    );

    let (s, _, code) = patch_on(&f.state, &f, &loc, 4 * MIB, &bytes[4 * MIB..]).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{code}");
    let (s, got) = served(&f, &sha).await;
    assert_eq!(s, StatusCode::OK);
    assert!(got == bytes, "the photo is intact");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupted_s3_upload_fails_its_sha256_and_nothing_of_it_becomes_visible() {
    let Some(f) = Fixture::on_garage(Config::default(), "s3::corrupted upload") else {
        return;
    };
    let bytes = big_image(6 * MIB);
    let sha = sha_hex(&bytes);
    let mut bad = bytes.clone();
    bad[5 * MIB + 7] ^= 0x5a; // one bit pattern flipped in the second part
    let (_, loc) = create(&f, &sha, bytes.len()).await;
    let (s, _, code) = patch_on(&f.state, &f, &loc, 0, &bad[..4 * MIB]).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{code}");
    let (s, _, _) = patch_on(&f.state, &f, &loc, 4 * MIB, &bad[4 * MIB..]).await;
    assert_eq!(s.as_u16(), 460, "the whole-file SHA-256 does not match");

    assert_eq!(
        served(&f, &sha).await.0,
        StatusCode::NOT_FOUND,
        "no photo under the declared hash"
    );
    assert_eq!(
        f.stored("blobs").await,
        Vec::<String>::new(),
        "nothing was copied to a blob key"
    );
    assert_eq!(
        f.stored("uploads").await,
        Vec::<String>::new(),
        "the staging object and leftovers are gone"
    );
    assert_eq!(
        head_on(&f.state, &f, &loc).await.0,
        StatusCode::NOT_FOUND,
        "the upload is gone"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expiry_aborts_an_s3_uploads_multipart_upload_and_deletes_its_leftover() {
    let Some(f) = Fixture::on_garage(Config::default(), "s3::expiry") else {
        return;
    };
    let bytes = big_image(8 * MIB);
    let (_, loc) = create(&f, &sha_hex(&bytes), bytes.len()).await;
    let (s, _, code) = patch_on(&f.state, &f, &loc, 0, &bytes[..6 * MIB]).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{code}");
    assert_eq!(
        upload_row(&f, &loc).0,
        1,
        "one part is in the multipart upload"
    );
    let (s3, path, mp) = multipart_of(&f, &loc);
    s3.put_part(&path, &mp, 9000, "still open".into())
        .await
        .expect("before expiry the multipart upload takes parts");

    tokio::time::sleep(Duration::from_millis(400)).await;
    let short = f.reopen(Config {
        upload_expiry: Duration::from_millis(200),
        ..Config::default()
    });
    assert_eq!(byline_server::ops::expire_uploads(&short).await.unwrap(), 1);
    assert!(
        s3.put_part(&path, &mp, 9001, "gone".into()).await.is_err(),
        "the multipart upload was aborted"
    );
    assert!(
        s3.head(&path).await.is_err(),
        "and never completed into an object"
    );
    assert_eq!(
        f.stored("uploads").await,
        Vec::<String>::new(),
        "the leftover is gone"
    );
    assert_eq!(head_on(&short, &f, &loc).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tus_delete_aborts_the_multipart_upload_and_deletes_the_leftover() {
    let Some(f) = Fixture::on_garage(Config::default(), "s3::tus delete") else {
        return;
    };
    let bytes = big_image(8 * MIB);
    let (_, loc) = create(&f, &sha_hex(&bytes), bytes.len()).await;
    let (s, _, code) = patch_on(&f.state, &f, &loc, 0, &bytes[..6 * MIB]).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{code}");
    let (s3, path, mp) = multipart_of(&f, &loc);
    s3.put_part(&path, &mp, 9000, "still open".into())
        .await
        .expect("before the DELETE the multipart upload takes parts");
    assert_eq!(leftovers(&f.stored("uploads").await).len(), 1);

    let (s, _, code) = send(&f.state, &f.photographer, "DELETE", &loc, 0, Body::empty()).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{code}");
    assert!(
        s3.put_part(&path, &mp, 9001, "gone".into()).await.is_err(),
        "the multipart upload was aborted"
    );
    assert_eq!(
        f.stored("uploads").await,
        Vec::<String>::new(),
        "the leftover is gone"
    );
    assert_eq!(head_on(&f.state, &f, &loc).await.0, StatusCode::NOT_FOUND);
}
