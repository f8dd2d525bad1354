//! The photographer's desk through the CLI: marks read from and written to XMP (checked with
//! exiftool, standing in for Lightroom and Photo Mechanic), the list's filters, and ingest from
//! a read-only card to the library plus a verified backup.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{byline, json, ok};

fn media_data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../media/tests/data")
}

/// Runs exiftool (the other tool); fails the test, never skips it, when it is missing.
fn exiftool(args: &[&str], file: &Path) -> String {
    let out = Command::new("exiftool")
        .args(args)
        .arg(file)
        .output()
        .expect("exiftool must be installed for this test: run `bash scripts/deps.sh`");
    assert!(
        out.status.success(),
        "exiftool {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn exif_json(file: &Path, tags: &[&str]) -> serde_json::Value {
    let mut args = vec!["-j", "-G1", "-charset", "iptc=UTF8"];
    args.extend_from_slice(tags);
    let v: serde_json::Value = serde_json::from_str(&exiftool(&args, file)).unwrap();
    v[0].clone()
}

/// A copy of a test JPEG with what another tool (or a camera) wrote into it.
fn tooled_copy(dir: &Path, fixture: &str, name: &str, writes: &[&str]) -> PathBuf {
    let dest = dir.join(name);
    std::fs::copy(media_data().join(fixture), &dest).unwrap();
    let mut args = vec!["-overwrite_original", "-q"];
    args.extend_from_slice(writes);
    exiftool(&args, &dest);
    dest
}

fn import_one(lib: &Path, file: &Path) -> String {
    let r = json(lib, &["photo", "import", file.to_str().unwrap(), "--json"]);
    r["imported"][0]["id"].as_str().unwrap().to_owned()
}

fn ids(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_file_marked_in_xmp_by_another_tool_imports_with_those_marks() {
    let d = tempfile::tempdir().unwrap();
    let marked = tooled_copy(
        d.path(),
        "landscape_1.jpg",
        "marked.jpg",
        &[
            "-XMP-xmp:Rating=4",
            "-XMP-xmp:Label=Red",
            "-XMP-photomech:Tagged=Yes",
        ],
    );
    let plain = tooled_copy(d.path(), "landscape_6.jpg", "plain.jpg", &[]);
    let lib = d.path().join("lib");
    let id = import_one(&lib, &marked);
    let p = json(&lib, &["photo", "show", &id, "--json"]);
    assert_eq!(p["rating"], 4, "xmp:Rating read at import: {p}");
    assert_eq!(
        p["label"], "red",
        "xmp:Label Red as the lowercase name: {p}"
    );
    assert_eq!(p["tagged"], true, "Photo Mechanic's tag: {p}");
    assert_eq!(p["rejected"], false);
    let plain_id = import_one(&lib, &plain);
    let q = json(&lib, &["photo", "show", &plain_id, "--json"]);
    assert_eq!(
        (q["rating"].clone(), q["label"].clone(), q["tagged"].clone()),
        (0.into(), serde_json::Value::Null, false.into()),
        "a file without marks is unmarked: {q}"
    );
}

#[test]
fn marks_set_in_byline_are_read_by_exiftool_from_an_export_with_the_caption_intact() {
    let d = tempfile::tempdir().unwrap();
    // Another tool's older marks must not survive the photographer's choice.
    let src = tooled_copy(
        d.path(),
        "landscape_1.jpg",
        "src.jpg",
        &["-XMP-xmp:Rating=1", "-XMP-xmp:Label=Blue"],
    );
    let lib = d.path().join("lib");
    let id = import_one(&lib, &src);
    ok(
        &lib,
        &[
            "photo",
            "caption",
            &id,
            "--caption",
            "Toàn cảnh hội nghị.",
            "--credit",
            "Ảnh: Cảnh Toàn",
        ],
    );
    let marked = json(
        &lib,
        &[
            "photo", "mark", &id, "--rating", "5", "--label", "green", "--tag", "--json",
        ],
    );
    assert_eq!(
        marked[0]["rating"], 5,
        "mark prints the new views: {marked}"
    );
    let out = d.path().join("export.jpg");
    ok(
        &lib,
        &["photo", "export", &id, "--out", out.to_str().unwrap()],
    );
    let v = exif_json(
        &out,
        &[
            "-XMP:Rating",
            "-XMP:Label",
            "-XMP:Tagged",
            "-XMP-dc:Description",
            "-IPTC:Caption-Abstract",
            "-IPTC:Credit",
        ],
    );
    assert_eq!(v["XMP-xmp:Rating"], 5, "exiftool reads the rating: {v}");
    assert_eq!(v["XMP-xmp:Label"], "Green", "Lightroom's label name: {v}");
    assert_eq!(
        v["XMP-photomech:Tagged"], "Yes",
        "Photo Mechanic's tag (True): {v}"
    );
    assert_eq!(
        v["XMP-dc:Description"], "Toàn cảnh hội nghị.",
        "caption intact: {v}"
    );
    assert_eq!(
        v["IPTC:Caption-Abstract"], "Toàn cảnh hội nghị.",
        "IIM caption intact: {v}"
    );
    assert_eq!(v["IPTC:Credit"], "Ảnh: Cảnh Toàn");

    // Pixels untouched: the scan data after the headers is the original's, byte for byte.
    let scan = |b: &[u8]| {
        let sos = b.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
        b[sos..].to_vec()
    };
    assert!(
        scan(&std::fs::read(&out).unwrap()) == scan(&std::fs::read(&src).unwrap()),
        "the image data is not re-encoded"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_ne!(mode, 0o600, "an export is not private to its writer");
        assert_eq!(mode & 0o044, 0o044, "the desk can read it (mode {mode:o})");
    }

    ok(
        &lib,
        &[
            "photo", "mark", &id, "--reject", "--label", "none", "--untag",
        ],
    );
    ok(
        &lib,
        &["photo", "export", &id, "--out", out.to_str().unwrap()],
    );
    let v = exif_json(&out, &["-XMP:Rating", "-XMP:Label", "-XMP:Tagged"]);
    assert_eq!(
        v["XMP-xmp:Rating"], -1,
        "a reject as Lightroom writes it: {v}"
    );
    assert!(
        v.get("XMP-xmp:Label").is_none(),
        "a cleared label is gone: {v}"
    );
    assert!(v.get("XMP-photomech:Tagged").is_none(), "untagged: {v}");
}

#[test]
fn marking_refuses_a_bad_rating_or_label_and_names_the_way_out() {
    let d = tempfile::tempdir().unwrap();
    let lib = d.path().join("lib");
    let id = import_one(&lib, &media_data().join("landscape_1.jpg"));
    let out = byline(&lib, &["photo", "mark", &id, "--label", "orange"]);
    assert!(!out.status.success(), "orange is not a label");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("red, yellow, green, blue, purple or none"),
        "{err}"
    );
    let out = byline(&lib, &["photo", "mark", &id, "--rating", "6"]);
    assert!(!out.status.success(), "six stars do not exist");
    let out = byline(&lib, &["photo", "mark", &id]);
    assert!(!out.status.success(), "a mark without a change is refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--rating"));
}

#[test]
fn the_list_filters_by_marks_camera_missing_fields_and_folded_caption_text() {
    let d = tempfile::tempdir().unwrap();
    let lib = d.path().join("lib");
    let a = import_one(
        &lib,
        &tooled_copy(
            d.path(),
            "landscape_1.jpg",
            "a.jpg",
            &[
                "-EXIF:Model=NIKON D90",
                "-EXIF:DateTimeOriginal=2026:12:07 09:00:00",
            ],
        ),
    );
    let b = import_one(
        &lib,
        &tooled_copy(
            d.path(),
            "landscape_6.jpg",
            "b.jpg",
            &[
                "-EXIF:Model=Canon EOS 5D",
                "-EXIF:DateTimeOriginal=2026:12:07 08:00:00",
            ],
        ),
    );
    let c = import_one(&lib, &media_data().join("portrait_8.jpg"));
    ok(
        &lib,
        &[
            "photo",
            "caption",
            &a,
            "--caption",
            "Liên đoàn Lao động tỉnh Nghệ An",
            "--credit",
            "TTXVN",
        ],
    );
    ok(
        &lib,
        &["photo", "caption", &b, "--caption", "Đại biểu dự hội nghị"],
    );
    ok(&lib, &["photo", "mark", &a, &b, "--rating", "3"]);
    ok(
        &lib,
        &[
            "photo", "mark", &b, "--rating", "5", "--tag", "--label", "yellow",
        ],
    );
    ok(&lib, &["photo", "mark", &c, "--reject"]);

    let list = |args: &[&str]| {
        let mut all = vec!["photo", "list", "--json"];
        all.extend_from_slice(args);
        ids(&json(&lib, &all))
    };
    assert_eq!(list(&["--tagged"]), std::slice::from_ref(&b), "the picks");
    assert_eq!(
        list(&["--min-rating", "3", "--sort", "rating"]),
        [b.clone(), a.clone()]
    );
    assert_eq!(list(&["--label", "yellow"]), std::slice::from_ref(&b));
    assert_eq!(
        list(&["--search", "LIEN DOAN"]),
        std::slice::from_ref(&a),
        "case and diacritics ignored"
    );
    assert_eq!(
        list(&["--search", "dai bieu"]),
        std::slice::from_ref(&b),
        "đ matches d"
    );
    assert_eq!(list(&["--camera", "nikon"]), std::slice::from_ref(&a));
    let mut no_credit = list(&["--missing", "credit"]);
    no_credit.sort();
    let mut want = vec![b.clone(), c.clone()];
    want.sort();
    assert_eq!(no_credit, want, "credit missing on b and c");
    assert_eq!(list(&["--rejected"]), std::slice::from_ref(&c));
    assert!(!list(&["--hide-rejected"]).contains(&c), "rejects hidden");
    assert_eq!(
        list(&["--sort", "taken_at", "--camera", "o"]),
        [b.clone(), a.clone()],
        "capture order: the Canon at 08:00 before the Nikon at 09:00"
    );
    let all = json(&lib, &["photo", "list", "--json"]);
    assert_eq!(all.as_array().unwrap().len(), 3, "no filter: every photo");
    assert!(
        all[0].get("rating").is_some() && all[0].get("label").is_some(),
        "{all}"
    );
}

#[cfg(unix)]
/// (bytes, mtime) of every file of a folder, to prove a card was never written to.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let m = std::fs::metadata(&p).unwrap().modified().unwrap();
            (p.clone(), std::fs::read(&p).unwrap(), m)
        })
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

#[cfg(unix)]
fn set_read_only(dir: &Path, ro: bool) {
    use std::os::unix::fs::PermissionsExt;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        std::fs::set_permissions(
            &p,
            std::fs::Permissions::from_mode(if ro { 0o444 } else { 0o644 }),
        )
        .unwrap();
    }
    std::fs::set_permissions(
        dir,
        std::fs::Permissions::from_mode(if ro { 0o555 } else { 0o755 }),
    )
    .unwrap();
}

#[cfg(unix)]
#[test]
fn ingesting_a_card_backs_up_verified_copies_by_the_template_and_a_second_ingest_copies_nothing() {
    let d = tempfile::tempdir().unwrap();
    let card = d.path().join("DCIM/100CARD");
    std::fs::create_dir_all(&card).unwrap();
    tooled_copy(
        &card,
        "landscape_1.jpg",
        "DSC_0001.JPG",
        &[
            "-EXIF:Model=NIKON D90",
            "-EXIF:DateTimeOriginal=2026:12:07 09:30:00",
        ],
    );
    tooled_copy(
        &card,
        "landscape_6.jpg",
        "IMG_0001.JPG",
        &[
            "-EXIF:Model=Canon EOS 5D",
            "-EXIF:DateTimeOriginal=2026:12:07 09:25:00",
        ],
    );
    tooled_copy(
        &card,
        "portrait_8.jpg",
        "IMG_0002.JPG",
        &[
            "-EXIF:Model=Canon EOS 5D",
            "-EXIF:DateTimeOriginal=2026:12:07 09:26:00",
            "-EXIF:OffsetTimeOriginal=+09:00",
        ],
    );
    let before = snapshot(&card);
    set_read_only(&card, true);
    let lib = d.path().join("lib");
    let backup = d.path().join("backup");
    let args = [
        "photo",
        "ingest",
        card.to_str().unwrap(),
        "--backup",
        backup.to_str().unwrap(),
        "--rename",
        "{date}_{time}_{seq}_{camera}_{original}",
        "--time-offset",
        "NIKON D90=-00:10:00",
        "--json",
    ];
    let r = json(&lib, &args);
    assert_eq!(r["imported"].as_array().unwrap().len(), 3, "{r}");
    assert_eq!(r["backed_up"].as_array().unwrap().len(), 3, "{r}");

    // Capture order after the Nikon's correction: Nikon 09:20, Canon 09:25; the Canon shot at
    // 09:26 in +09:00 is 07:26 in Việt Nam, so it comes first.
    let mut names: Vec<String> = std::fs::read_dir(&backup)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "20261207_092000_0002_NIKON-D90_DSC_0001.JPG",
            "20261207_092500_0003_Canon-EOS-5D_IMG_0001.JPG",
            "20261207_092600_0001_Canon-EOS-5D_IMG_0002.JPG",
        ],
        "named by the template, the extension kept, no temp files left"
    );
    for (card_name, backup_name) in [
        ("DSC_0001.JPG", &names[0]),
        ("IMG_0001.JPG", &names[1]),
        ("IMG_0002.JPG", &names[2]),
    ] {
        assert!(
            std::fs::read(card.join(card_name)).unwrap()
                == std::fs::read(backup.join(backup_name)).unwrap(),
            "{backup_name} is a byte-identical copy of {card_name}"
        );
    }
    let taken = |name: &str| {
        let entry = r["imported"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["path"].as_str().unwrap().ends_with(name))
            .unwrap();
        let p = json(
            &lib,
            &["photo", "show", entry["id"].as_str().unwrap(), "--json"],
        );
        p["taken_at"].as_str().unwrap().to_owned()
    };
    assert_eq!(
        taken("DSC_0001.JPG"),
        "2026-12-07T09:20:00+07:00",
        "the Nikon's clock corrected"
    );
    assert_eq!(
        taken("IMG_0001.JPG"),
        "2026-12-07T09:25:00+07:00",
        "the Canon untouched, newsroom zone"
    );
    assert_eq!(
        taken("IMG_0002.JPG"),
        "2026-12-07T09:26:00+09:00",
        "the camera's own zone kept"
    );

    let again = json(&lib, &args);
    assert_eq!(again["imported"].as_array().unwrap().len(), 0, "{again}");
    assert_eq!(again["duplicates"].as_array().unwrap().len(), 3, "{again}");
    assert_eq!(
        again["backed_up"].as_array().unwrap().len(),
        0,
        "copies nothing anywhere"
    );
    assert_eq!(
        std::fs::read_dir(&backup).unwrap().count(),
        3,
        "no new backup file"
    );

    set_read_only(&card, false);
    assert!(
        snapshot(&card) == before,
        "the card's bytes and times are unchanged"
    );
}

#[test]
fn after_an_ingest_the_preview_files_the_contract_prints_exist_and_photo_previews_makes_the_rest() {
    let d = tempfile::tempdir().unwrap();
    let (card, lib) = (d.path().join("card"), d.path().join("lib"));
    std::fs::create_dir_all(&card).unwrap();
    for f in ["landscape_1.jpg", "portrait_8.jpg"] {
        std::fs::copy(media_data().join(f), card.join(f)).unwrap();
    }
    let ingest = |path: &Path| json(&lib, &["photo", "ingest", path.to_str().unwrap(), "--json"]);
    let r = ingest(&card.join("landscape_1.jpg"));
    let id = r["imported"][0]["id"].as_str().unwrap().to_owned();
    let preview_of = |p: &serde_json::Value| PathBuf::from(p["preview"].as_str().unwrap());
    let shown = json(&lib, &["photo", "show", &id, "--json"]);
    assert!(
        preview_of(&shown).is_file(),
        "`photo show` prints a preview file on disk, though the ingest left it for later: {shown}"
    );

    ingest(&card.join("portrait_8.jpg"));
    let list = json(&lib, &["photo", "list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    for p in list.as_array().unwrap() {
        assert!(
            preview_of(p).is_file(),
            "`photo list` prints made previews: {p}"
        );
    }
    let none_left = json(&lib, &["photo", "previews", "--json"]);
    assert_eq!(none_left["made"], serde_json::json!([]), "{none_left}");

    std::fs::copy(
        media_data().join("landscape_6.jpg"),
        card.join("landscape_6.jpg"),
    )
    .unwrap();
    let third = ingest(&card.join("landscape_6.jpg"));
    let made = json(&lib, &["photo", "previews", "--json"]);
    assert_eq!(
        made["made"],
        serde_json::json!([third["imported"][0]["id"]]),
        "`photo previews` makes exactly the one the last ingest left: {made}"
    );

    // Lightroom's other choice: previews made on the way; none is left for later.
    std::fs::copy(
        media_data().join("olympus_fe230_iptc_gps.jpg"),
        card.join("olympus_fe230_iptc_gps.jpg"),
    )
    .unwrap();
    let path = card.join("olympus_fe230_iptc_gps.jpg");
    let now = json(
        &lib,
        &[
            "photo",
            "ingest",
            path.to_str().unwrap(),
            "--previews",
            "now",
            "--json",
        ],
    );
    assert_eq!(now["imported"].as_array().unwrap().len(), 1, "{now}");
    let left = json(&lib, &["photo", "previews", "--json"]);
    assert_eq!(
        left["made"],
        serde_json::json!([]),
        "`--previews now` made the preview during the ingest: {left}"
    );
}
