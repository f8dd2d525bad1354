//! Two `byline-server` processes on one PostgreSQL database and one Garage bucket, behind a
//! loopback balancer that alternates between them and cuts connections: stories with photos
//! published by two clients (one killed -9 mid-publish), one replica killed -9 mid-upload and
//! restarted. Every publish completes once, and both replicas serve the same pages and photos.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use byline_core::Library;
use byline_core::outbox::ItemState;
use byline_core::photodesk::FieldEdit;
use byline_core::sync::{Patience, Remote};
use byline_server::{DatabaseUrl, args};
use byline_sync::Backoff;
use byline_testkit::process::{ServerProcess, Setup, http, http_bytes};
use byline_testkit::proxy::{self, Fault};
use byline_testkit::{camera_photo, library, ready_story};

/// Patient enough to outlast a replica's restart behind the balancer.
fn patient() -> Patience {
    Patience {
        attempts: 400,
        backoff: Backoff::new(Duration::from_millis(10), Duration::from_millis(200)),
    }
}

/// The model story plus one camera-sized photo of its own (seeded, so each client's differs),
/// captioned and attached. Returns (story id, the big photo's id and size).
fn story_with_big_photo(lib: &Library, dir: &std::path::Path, seed: u32) -> (String, String, u64) {
    let id = ready_story(lib);
    let path = dir.join(format!("lon-{seed}.jpg"));
    let size = camera_photo(&path, 3600, 2400, 40, seed);
    let r = lib
        .import_photos(&[path], &std::sync::atomic::AtomicBool::new(false), &|_| {})
        .expect("the big photo imports");
    let big = r.imported[0].id.clone();
    lib.caption_photos(
        std::slice::from_ref(&big),
        &FieldEdit {
            caption: Some(format!("Ảnh lớn số {seed}.")),
            credit: Some("Cảnh Toàn".into()),
            ..Default::default()
        },
    )
    .expect("caption");
    lib.attach_photo(&id, &big, None).expect("attach");
    (id, big, size)
}

/// Waits until the outbox of the library at `root` shows `photo` partly uploaded.
fn wait_mid_upload(root: &std::path::Path, photo: &str, size: u64) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        assert!(
            Instant::now() < deadline,
            "the upload of {photo} never started"
        );
        let done = Library::open(root)
            .ok()
            .and_then(|l| l.outbox(true).ok())
            .and_then(|items| {
                items
                    .into_iter()
                    .find(|i| i.target == photo && i.state == ItemState::Uploading)
            })
            .map_or(0, |i| i.bytes_done);
        if done > 0 && done < size {
            return done;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn two_replicas_behind_a_cutting_balancer_publish_every_story_once_and_serve_the_same_pages() {
    if !byline_testkit::pg::available() {
        return;
    }
    let Some(garage) = byline_testkit::garage::or_skip("replicas") else {
        return;
    };
    let database = byline_testkit::pg::database();
    let bucket = garage.prefix();
    let setup = Setup {
        args: vec![
            "--database".into(),
            database.clone(),
            "--blobs".into(),
            bucket.url(),
        ],
        env: bucket.settings.clone(),
    };
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut r1 = ServerProcess::start_with(d1.path(), setup.clone());
    let r2 = ServerProcess::start_with(d2.path(), setup);
    let editor = r1.add_user("Biên tập", "editor");
    // Round-robin over the replicas; one connection in five is cut after the server answered
    // or reset mid-request, and every connection crawls so uploads can be interrupted.
    let px = proxy::balancer(&[&r1.url, &r2.url], |n| match n % 10 {
        3 => Fault::CutResponse,
        7 => Fault::ResetMidRequest,
        _ => Fault::Throttle,
    });

    // Client A publishes from a child process, killed -9 mid-upload.
    let (da, lib_a) = library();
    let (story_a, big_a, size_a) = story_with_big_photo(&lib_a, da.path(), 1);
    let root_a = lib_a.root().to_path_buf();
    drop(lib_a);
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "publish::kill_child_publishes_until_killed",
        ])
        .env(
            "BYLINE_KILL_CHILD",
            format!("{}\n{}\n{editor}\n{story_a}", root_a.display(), px.url),
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_mid_upload(&root_a, &big_a, size_a);
    child.kill().unwrap();
    child.wait().unwrap();

    // Client B publishes in this process; replica 1 is killed -9 while B's photo uploads.
    let (db, lib_b) = library();
    let (story_b, big_b, size_b) = story_with_big_photo(&lib_b, db.path(), 2);
    let root_b = lib_b.root().to_path_buf();
    let remote = Remote {
        url: px.url.clone(),
        token: editor.clone(),
    };
    let publishing_b = {
        let (story_b, remote) = (story_b.clone(), remote.clone());
        std::thread::spawn(move || lib_b.publish(&story_b, &remote, &patient()))
    };
    wait_mid_upload(&root_b, &big_b, size_b);
    r1.stop();
    std::thread::sleep(Duration::from_millis(500));
    r1.restart();
    publishing_b
        .join()
        .unwrap()
        .expect("B's publish completes through the restart");
    Library::open(&root_a)
        .unwrap()
        .publish(&story_a, &remote, &patient())
        .expect("A's publish completes after the kill");

    // Once each: two stories, the model story's three photos stored once for both, two big ones.
    let pool = byline_server::pool::Pool::open(&DatabaseUrl::Postgres(database), da.path())
        .expect("the shared database");
    let (articles, blobs, versions) = pool
        .with_writer(|c| {
            let n = |sql: &str| -> byline_server::Result<i64> { c.query_one(sql, args![])?.get(0) };
            Ok((
                n("SELECT COUNT(*) FROM articles")?,
                n("SELECT COUNT(*) FROM blobs")?,
                n("SELECT COUNT(*) FROM published_versions")?,
            ))
        })
        .unwrap();
    let listed = pool
        .with_writer(|c| {
            c.query("SELECT id, version, revision, length(body) FROM published_versions ORDER BY id, version", args![])?
                .iter()
                .map(|r| Ok(format!("{}/{}/{}/{}", r.get::<String>(0)?, r.get::<i64>(1)?, r.get::<i64>(2)?, r.get::<i64>(3)?)))
                .collect::<byline_server::Result<Vec<_>>>()
        })
        .unwrap();
    eprintln!("versions: {listed:?}");

    assert_eq!(
        (articles, blobs, versions),
        (2, 5, 2),
        "two stories, five distinct photos and one published version each: nothing duplicated"
    );

    // Both replicas serve the same pages and every photo.
    for story in [&story_a, &story_b] {
        let (s1, p1) = http("GET", &format!("{}/articles/{story}", r1.url), None, None);
        let (s2, p2) = http("GET", &format!("{}/articles/{story}", r2.url), None, None);
        assert_eq!((s1, s2), (200, 200), "both replicas serve story {story}");
        assert_eq!(p1, p2, "the same page from both replicas");
    }
    let lib_a = Library::open(&root_a).unwrap();
    let mut shas: Vec<String> = lib_a.photos().unwrap().into_iter().map(|p| p.id).collect();
    shas.push(big_b.clone());
    let mut payload = 0;
    for sha in &shas {
        let (s1, b1) = http_bytes(&format!("{}/photos/{sha}", r1.url), None);
        let (s2, b2) = http_bytes(&format!("{}/photos/{sha}", r2.url), None);
        assert_eq!((s1, s2), (200, 200), "both replicas serve photo {sha}");
        assert!(b1 == b2, "photo {sha}: the same bytes from both replicas");
        let (o, original) = http_bytes(&format!("{}/api/blobs/{sha}", r2.url), Some(&editor));
        assert_eq!(o, 200, "the original of {sha} is stored");
        payload += original.len() as u64;
    }
    let sent = px.bytes_up.load(Ordering::Relaxed);
    eprintln!(
        "sent {sent} bytes for {payload} bytes of photos ({:.2}x)",
        sent as f64 / payload as f64
    );
    assert!(
        sent as f64 <= 1.5 * payload as f64,
        "bytes sent through the balancer ({sent}) stay within 1.5x the photos ({payload}) despite the kills and cuts"
    );
}
