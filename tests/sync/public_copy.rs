//! What readers and downstream tools get: the server's public copy of a published photo carries
//! the desk's caption and credits in the file, and no GPS coordinates when the newsroom policy
//! (`desk.toml`) says so — while the original stays byte for byte for syncing clients.

use std::path::Path;
use std::process::Command;

use byline_core::Library;
use byline_core::photodesk::FieldEdit;
use byline_core::sync::{Patience, Remote};
use byline_tests::in_process as server;
use byline_tests::process::http_bytes;
use byline_tests::{library, repo, seed_article};
use serde_json::Value;

/// `exiftool -json -G1 -a` of a file, as one object.
fn exiftool(path: &Path) -> Value {
    let out = Command::new("exiftool")
        .args(["-json", "-G1", "-a", "-charset", "iptc=UTF8"])
        .arg(path)
        .output()
        .expect("exiftool runs (scripts/deps.sh installs libimage-exiftool-perl)");
    assert!(
        out.status.success(),
        "exiftool failed on {}",
        path.display()
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("exiftool prints JSON");
    v[0].clone()
}

fn gps_tags(tags: &Value) -> Vec<String> {
    tags.as_object()
        .unwrap()
        .keys()
        .filter(|k| k.starts_with("GPS:") || k.contains(":GPS"))
        .cloned()
        .collect()
}

fn publish(lib: &mut Library, id: &str, remote: &Remote) {
    lib.publish(id, remote, &Patience::default())
        .unwrap_or_else(|e| panic!("publish failed: {e}"));
}

#[test]
fn the_public_copy_carries_the_caption_and_drops_gps_by_policy_while_the_original_stays() {
    let photo = repo().join("crates/media/tests/data/olympus_fe230_iptc_gps.jpg");
    let original = std::fs::read(&photo).expect("the GPS test photo is in the repository");
    assert!(
        !gps_tags(&exiftool(&photo)).is_empty(),
        "the test photo must carry GPS to begin with"
    );
    let sdir = tempfile::tempdir().unwrap();
    let srv = server::start(sdir.path());
    let remote = srv.remote(&srv.editor);
    let (dir, mut lib) = library();
    let id = lib.import_article(&seed_article()).unwrap().article.id;
    lib.fix_article(&id).unwrap();
    let r = lib
        .import_photos(
            std::slice::from_ref(&photo),
            &std::sync::atomic::AtomicBool::new(false),
            &|_| {},
        )
        .unwrap();
    let sha = r.imported[0].id.clone();
    let mut all: Vec<String> = lib.photos().unwrap().into_iter().map(|p| p.id).collect();
    all.sort();
    lib.caption_photos(
        &all,
        &FieldEdit {
            credit: Some("Báo Lao Động".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let caption = "Toàn cảnh hội nghị Công đoàn tại Đà Nẵng.";
    lib.caption_photos(
        std::slice::from_ref(&sha),
        &FieldEdit {
            caption: Some(caption.into()),
            creator: Some("Cảnh Toàn".into()),
            copyright: Some("© Báo Lao Động".into()),
            ..Default::default()
        },
    )
    .unwrap();
    lib.attach_photo(&id, &sha, None).unwrap();
    publish(&mut lib, &id, &remote);

    let fetch = |path: &str, token: Option<&str>| {
        let (status, bytes) = http_bytes(&format!("{}{path}", srv.url), token);
        assert_eq!(status, 200, "GET {path}");
        bytes
    };
    let public = fetch(&format!("/photos/{sha}"), None);
    let file = dir.path().join("public.jpg");
    std::fs::write(&file, &public).unwrap();
    let tags = exiftool(&file);
    assert_eq!(
        gps_tags(&tags),
        Vec::<String>::new(),
        "the default policy (strip) leaves no GPS tag in the public copy"
    );
    assert_eq!(
        tags["IPTC:Caption-Abstract"], caption,
        "IIM caption embedded"
    );
    assert_eq!(tags["XMP-dc:Description"], caption, "XMP caption embedded");
    assert_eq!(tags["IPTC:By-line"], "Cảnh Toàn", "creator kept");
    assert_eq!(tags["XMP-dc:Rights"], "© Báo Lao Động", "copyright kept");
    assert_eq!(tags["IPTC:Credit"], "Báo Lao Động", "credit embedded");
    let original_back = fetch(&format!("/api/blobs/{sha}"), Some(&srv.editor));
    assert!(
        original_back == original,
        "the original is kept byte for byte for syncing clients"
    );

    // A newsroom that keeps coordinates: the next publish re-makes the copy with them.
    let root = lib.root().to_path_buf();
    drop(lib);
    std::fs::write(root.join("desk.toml"), "[photos]\ngps = \"keep\"\n").unwrap();
    let mut lib = Library::open(&root).unwrap();
    publish(&mut lib, &id, &remote);
    std::fs::write(&file, fetch(&format!("/photos/{sha}"), None)).unwrap();
    let tags = exiftool(&file);
    assert!(
        !gps_tags(&tags).is_empty(),
        "with gps = \"keep\" the public copy keeps its coordinates"
    );
    assert_eq!(
        tags["IPTC:Caption-Abstract"], caption,
        "and still its caption"
    );
}
