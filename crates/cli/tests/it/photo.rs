use std::path::PathBuf;
use std::process::Command;

use crate::{byline, json, ok, seed_article};

fn media_data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../media/tests/data")
}

/// A card-like folder: good photos, one damaged, one empty file, a sidecar note.
fn card(dir: &std::path::Path) -> PathBuf {
    let card = dir.join("DCIM/100CANON");
    std::fs::create_dir_all(&card).unwrap();
    for f in [
        "landscape_1.jpg",
        "landscape_6.jpg",
        "portrait_8.jpg",
        "truncated_in_app1.jpg",
    ] {
        std::fs::copy(media_data().join(f), card.join(f)).unwrap();
    }
    std::fs::write(card.join("EMPTY.JPG"), b"").unwrap();
    std::fs::write(card.join("notes.txt"), "ghi chú").unwrap();
    card
}

#[test]
fn importing_a_card_imports_good_photos_and_fails_bad_ones_alone() {
    let d = tempfile::tempdir().unwrap();
    let card = card(d.path());
    let lib = d.path().join("lib");
    let out = byline(&lib, &["photo", "import", card.to_str().unwrap(), "--json"]);
    assert!(
        !out.status.success(),
        "a failed file makes the exit status non-zero"
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        r["imported"].as_array().unwrap().len(),
        3,
        "the three good photos import: {r}"
    );
    let failed: Vec<String> = r["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(failed.len(), 2, "the damaged and the empty file fail: {r}");
    assert!(failed.iter().any(|p| p.ends_with("EMPTY.JPG")));
    for f in r["failed"].as_array().unwrap() {
        let e = f["error"].as_str().unwrap();
        assert!(
            e.contains("100CANON"),
            "the error names the card file, not the library copy: {e}"
        );
    }
    let id = r["imported"][0]["id"].as_str().unwrap();
    let sha = String::from_utf8(
        Command::new("sha256sum")
            .arg(card.join("landscape_1.jpg"))
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(id, &sha[..64], "the id is the SHA-256 of the file's bytes");
    assert!(
        !String::from_utf8_lossy(&out.stderr).is_empty(),
        "progress goes to stderr"
    );

    let again = byline(
        &lib,
        &[
            "photo",
            "import",
            card.join("landscape_1.jpg").to_str().unwrap(),
            "--json",
        ],
    );
    assert!(again.status.success());
    let r2: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(
        r2["duplicates"].as_array().unwrap().len(),
        1,
        "a known photo is a duplicate"
    );
    assert_eq!(r2["imported"].as_array().unwrap().len(), 0);
}

#[test]
fn photo_show_gives_displayed_size_and_rendition_files() {
    let d = tempfile::tempdir().unwrap();
    let lib = d.path().join("lib");
    let r = json(
        &lib,
        &[
            "photo",
            "import",
            media_data().join("landscape_6.jpg").to_str().unwrap(),
            "--json",
        ],
    );
    let id = r["imported"][0]["id"].as_str().unwrap().to_owned();
    let p = json(&lib, &["photo", "show", &id, "--json"]);
    for key in [
        "id",
        "width",
        "height",
        "orientation",
        "format",
        "taken_at",
        "camera",
        "gps",
        "caption",
        "creator",
        "credit",
        "copyright",
        "city",
        "country",
        "keywords",
        "thumbnail",
        "preview",
    ] {
        assert!(p.get(key).is_some(), "photo show --json has `{key}`");
    }
    assert_eq!(
        (p["width"].as_u64(), p["height"].as_u64()),
        (Some(1800), Some(1200)),
        "orientation 6 applied"
    );
    assert_eq!(p["orientation"], 6);
    assert_eq!(p["format"], "jpeg");
    for key in ["thumbnail", "preview"] {
        let path = PathBuf::from(p[key].as_str().unwrap());
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{key} file {path:?}: {e}"));
        assert_eq!(&bytes[..3], &[0xFF, 0xD8, 0xFF], "{key} is a JPEG");
    }
    let list = json(&lib, &["photo", "list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[test]
fn batch_captions_with_a_template_and_history() {
    let d = tempfile::tempdir().unwrap();
    let lib = d.path().join("lib");
    let card = card(d.path());
    let _ = byline(&lib, &["photo", "import", card.to_str().unwrap()]);
    let ids: Vec<String> = json(&lib, &["photo", "list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 3);
    let mut args = vec!["photo", "caption"];
    args.extend(ids[..2].iter().map(String::as_str));
    args.extend([
        "--creator",
        "Cảnh Toàn",
        "--city",
        "Vinh",
        "--template",
        "{city}: Hội nghị ({creator})",
        "--json",
    ]);
    let views = json(&lib, &args);
    for v in views.as_array().unwrap() {
        assert_eq!(
            v["caption"], "Vinh: Hội nghị (Cảnh Toàn)",
            "the template expands per photo"
        );
        assert_eq!(v["creator"], "Cảnh Toàn");
    }
    let untouched = json(&lib, &["photo", "show", &ids[2], "--json"]);
    assert_eq!(
        untouched["caption"], "",
        "a photo not selected is not captioned"
    );
    let bad = byline(
        &lib,
        &["photo", "caption", &ids[0], "--template", "{nguoi_chup}"],
    );
    assert!(
        !bad.status.success(),
        "an unknown template variable is an error"
    );
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("nguoi_chup"),
        "and names the variable"
    );
    let hist = json(&lib, &["photo", "history", &ids[0], "--json"]);
    assert_eq!(
        hist.as_array().unwrap().len(),
        2,
        "import + one edit are both kept"
    );
}

#[test]
fn a_figure_caption_and_its_photo_caption_are_one_caption() {
    let d = tempfile::tempdir().unwrap();
    let lib = d.path().join("lib");
    let id = ok(
        &lib,
        &["article", "import", seed_article().to_str().unwrap()],
    )
    .trim()
    .to_owned();
    let a = json(&lib, &["article", "show", &id, "--json"]);
    let photo = a["blocks"][0]["photo_id"].as_str().unwrap().to_owned();
    let p = json(&lib, &["photo", "show", &photo, "--json"]);
    assert_eq!(
        p["caption"], "Toàn cảnh hội nghị.",
        "the filed caption becomes the photo's"
    );
    ok(
        &lib,
        &[
            "photo",
            "caption",
            &photo,
            "--caption",
            "Toàn cảnh hội nghị sáng 18/6.",
            "--credit",
            "Cảnh Toàn",
        ],
    );
    let a = json(&lib, &["article", "show", &id, "--json"]);
    assert_eq!(
        a["blocks"][0]["caption"], "Toàn cảnh hội nghị sáng 18/6.",
        "the story shows the new caption"
    );
    assert_eq!(a["revision"], 2, "as a new revision of the story");
}

#[test]
fn exported_photos_carry_the_caption_for_other_tools() {
    if Command::new("exiftool").arg("-ver").output().is_err() {
        eprintln!("exiftool not installed (scripts/deps.sh installs it); skipping");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let lib = d.path().join("lib");
    let r = json(
        &lib,
        &[
            "photo",
            "import",
            media_data().join("landscape_1.jpg").to_str().unwrap(),
            "--json",
        ],
    );
    let id = r["imported"][0]["id"].as_str().unwrap().to_owned();
    ok(
        &lib,
        &[
            "photo",
            "caption",
            &id,
            "--caption",
            "Toàn cảnh hội nghị.",
            "--creator",
            "Cảnh Toàn",
        ],
    );
    let out = d.path().join("out.jpg");
    ok(
        &lib,
        &["photo", "export", &id, "--out", out.to_str().unwrap()],
    );
    let tags = Command::new("exiftool")
        .args([
            "-j",
            "-charset",
            "iptc=UTF8",
            "-IPTC:Caption-Abstract",
            "-XMP-dc:Description",
            "-IPTC:By-line",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&tags.stdout).unwrap();
    assert_eq!(v[0]["Caption-Abstract"], "Toàn cảnh hội nghị.");
    assert_eq!(v[0]["Description"], "Toàn cảnh hội nghị.");
    assert_eq!(v[0]["By-line"], "Cảnh Toàn");
    let lib_original = json(&lib, &["photo", "show", &id, "--json"]);
    let _ = lib_original;
    let again = byline(
        &lib,
        &[
            "photo",
            "import",
            media_data().join("landscape_1.jpg").to_str().unwrap(),
            "--json",
        ],
    );
    assert!(
        again.status.success(),
        "the library original was not modified: still a duplicate"
    );
}

/// Whole-corpus check (only where `../shared/corpus` exists, as in CI): every good file imports,
/// orientation samples display at their true size, bad files fail alone with a reason, and a
/// second import reports only duplicates.
#[test]
fn importing_the_whole_shared_corpus() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if !corpus.exists() {
        eprintln!(
            "{} not found; whole-corpus import not run",
            corpus.display()
        );
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let lib = d.path().join("lib");
    let out = byline(
        &lib,
        &["photo", "import", corpus.to_str().unwrap(), "--json"],
    );
    let r: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("JSON even when some files fail");
    let imported = r["imported"].as_array().unwrap();
    let failed = r["failed"].as_array().unwrap();
    for f in failed {
        let p = f["path"].as_str().unwrap();
        assert!(
            p.contains("/malformed/") || p.ends_with(".heic"),
            "only damaged files and HEIC (no decoder yet) may fail, not {p}: {}",
            f["error"]
        );
        assert!(
            f["error"].as_str().unwrap().len() > 20,
            "a clear reason for {p}"
        );
    }
    let good_dirs = ["fullsize", "orientation", "metadata"];
    for dir in good_dirs {
        for e in std::fs::read_dir(corpus.join(dir)).unwrap() {
            let p = e.unwrap().path();
            assert!(
                imported
                    .iter()
                    .any(|i| i["path"].as_str() == Some(p.to_str().unwrap())),
                "{} should import",
                p.display()
            );
        }
    }
    for i in imported {
        let p = i["path"].as_str().unwrap();
        let Some(name) = p.rsplit('/').next().filter(|_| p.contains("/orientation/")) else {
            continue;
        };
        let v = json(
            &lib,
            &["photo", "show", i["id"].as_str().unwrap(), "--json"],
        );
        let want = if name.starts_with("landscape") {
            (1800, 1200)
        } else {
            (1200, 1800)
        };
        assert_eq!(
            (v["width"].as_u64().unwrap(), v["height"].as_u64().unwrap()),
            want,
            "{name} must display at its oriented size"
        );
    }
    let again = byline(
        &lib,
        &["photo", "import", corpus.to_str().unwrap(), "--json"],
    );
    let r2: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(
        r2["imported"].as_array().unwrap().len(),
        0,
        "nothing new the second time"
    );
    assert_eq!(
        r2["duplicates"].as_array().unwrap().len(),
        imported.len(),
        "every photo is a duplicate"
    );
}
