//! What readers and downstream tools get: the server's public copy of a published photo carries
//! the desk's caption and credits in the file, and no GPS coordinates when the newsroom policy
//! (`desk.toml`) says so — while the original stays byte for byte for syncing clients.

use std::path::{Path, PathBuf};
use std::process::Command;

use byline_core::Library;
use byline_core::photodesk::FieldEdit;
use byline_core::sync::{Patience, Remote};
use byline_protocol::sync::PhotoMeta;
use byline_testkit::in_process as server;
use byline_testkit::process::http_bytes;
use byline_testkit::{library, repo, seed_article};
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

/// A small photo in the format of `ext` made by the `image` crate and given a creator by
/// exiftool; with `gps` also a position in EXIF and XMP, where cameras and editors leave one.
fn made_photo(dir: &Path, ext: &str, gps: bool) -> PathBuf {
    let img = image::RgbImage::from_fn(24, 16, |x, y| image::Rgb([x as u8 * 10, y as u8 * 15, 90]));
    let path = dir.join(format!("made-{gps}.{ext}"));
    image::DynamicImage::ImageRgb8(img)
        .save(&path)
        .expect("the image crate writes the test photo");
    let mut cmd = Command::new("exiftool");
    cmd.args(["-q", "-overwrite_original", "-Artist=Cảnh Toàn"]);
    if gps {
        cmd.args([
            "-GPSLatitude=16.0544",
            "-GPSLatitudeRef=N",
            "-GPSLongitude=108.2022",
            "-GPSLongitudeRef=E",
            "-XMP-exif:GPSLatitude=16.0544N",
            "-XMP-exif:GPSLongitude=108.2022E",
        ]);
    }
    let out = cmd.arg(&path).output().expect("exiftool runs");
    assert!(out.status.success(), "exiftool wrote the test metadata");
    path
}

/// Uploads `path` as the photographer and sets its caption under the given GPS policy.
fn upload_with_caption(
    srv: &server::Server,
    path: &Path,
    strip_gps: bool,
) -> (String, Result<(), byline_sync::SyncError>) {
    byline_sync::ensure_crypto_provider();
    let client = byline_sync::Client::new(&srv.url, &srv.photographer).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (sha, size) = byline_sync::hash_file(path).unwrap();
    rt.block_on(client.upload_blob(path, &sha, size, |_, _| {}))
        .expect("the photo uploads");
    let meta = PhotoMeta {
        caption: "Toàn cảnh hội nghị.".into(),
        strip_gps,
        ..Default::default()
    };
    let set = rt.block_on(client.put_photo_meta(&sha, &meta)).map(|_| ());
    (sha, set)
}

#[test]
fn png_webp_and_tiff_go_public_without_their_gps_and_unchanged_when_they_have_none() {
    let sdir = tempfile::tempdir().unwrap();
    let srv = server::start(sdir.path());
    let tmp = tempfile::tempdir().unwrap();
    for ext in ["png", "webp", "tif"] {
        for gps in [true, false] {
            let path = made_photo(tmp.path(), ext, gps);
            let original = std::fs::read(&path).unwrap();
            assert_eq!(
                gps_tags(&exiftool(&path)).is_empty(),
                !gps,
                "{ext}: the test photo carries GPS exactly when asked to"
            );
            let (sha, set) = upload_with_caption(&srv, &path, true);
            set.unwrap_or_else(|e| panic!("{ext}: the caption is accepted: {e}"));
            let (status, public) = http_bytes(&format!("{}/photos/{sha}", srv.url), None);
            assert_eq!(status, 200, "{ext}: the public copy is served");
            if !gps {
                assert!(
                    public == original,
                    "{ext}: without GPS the photo goes out as uploaded"
                );
                continue;
            }
            let file = tmp.path().join(format!("public.{ext}"));
            std::fs::write(&file, &public).unwrap();
            let tags = exiftool(&file);
            assert_eq!(
                gps_tags(&tags),
                Vec::<String>::new(),
                "{ext}: exiftool finds no GPS in the public copy"
            );
            assert_eq!(tags["IFD0:Artist"], "Cảnh Toàn", "{ext}: the creator stays");
            assert_eq!(
                image::load_from_memory(&public).unwrap().to_rgb8(),
                image::load_from_memory(&original).unwrap().to_rgb8(),
                "{ext}: the pixels are the same"
            );
        }
    }
}

#[test]
fn a_photo_whose_location_cannot_be_removed_is_refused_with_what_to_do() {
    let sdir = tempfile::tempdir().unwrap();
    let srv = server::start(sdir.path());
    let tmp = tempfile::tempdir().unwrap();
    // ImageMagick's hex-encoded EXIF in a PNG text chunk, which other tools read a position
    // from and Byline does not edit.
    let png = std::fs::read(made_photo(tmp.path(), "png", false)).unwrap();
    let with_profile =
        byline_media::fuzzing::png_with_chunk(&png, b"zTXt", b"Raw profile type exif\0\0x");
    let path = tmp.path().join("magick.png");
    std::fs::write(&path, &with_profile).unwrap();

    let (sha, set) = upload_with_caption(&srv, &path, true);
    let err = set
        .expect_err("the policy strips GPS and this one cannot be stripped")
        .to_api_error();
    assert_eq!(
        err.code,
        byline_protocol::ErrorCode::Unsupported,
        "refused as unsupported (415): {}",
        err.message
    );
    assert!(
        err.message.contains(&sha) && err.message.contains("exiftool -gps:all="),
        "the message names the photo and says what to do: {}",
        err.message
    );
    let (_, kept) = upload_with_caption(&srv, &path, false);
    kept.expect("a newsroom that keeps locations publishes it as it is");
}
