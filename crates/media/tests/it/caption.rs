//! Caption write-back: exiftool reads it, image data is untouched, our reader agrees.

use byline_media::{CaptionFields, read_metadata, write_caption};

use crate::common::{self, exiftool_available, exiftool_json, scan_data, strings};

fn vietnamese() -> CaptionFields {
    CaptionFields {
        caption: Some("Toàn cảnh hội nghị.".into()),
        creators: Some(vec!["Cảnh Toàn".into()]),
        credit: Some("TTXVN".into()),
        city: Some("Hà Nội".into()),
        country: Some("Việt Nam".into()),
        keywords: Some(vec!["hội nghị".into(), "Quốc hội".into()]),
        ..Default::default()
    }
}

fn check(name: &str) {
    let original = common::read(name);
    let written = write_caption(&original, &vietnamese()).unwrap();
    assert_eq!(
        scan_data(&written),
        scan_data(&original),
        "{name}: scan data must be byte-identical"
    );

    let m = read_metadata(&written, name).unwrap();
    assert_eq!(
        m.caption.as_deref(),
        Some("Toàn cảnh hội nghị."),
        "{name}: caption reads back"
    );
    assert_eq!(m.creators, vec!["Cảnh Toàn"], "{name}: creator reads back");
    assert_eq!(m.city.as_deref(), Some("Hà Nội"));
    assert_eq!(m.keywords, vec!["hội nghị", "Quốc hội"]);
    assert!(
        m.warnings.is_empty(),
        "{name}: no damaged blocks: {:?}",
        m.warnings
    );

    if !exiftool_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(name);
    std::fs::write(&path, &written).unwrap();
    let j = exiftool_json(
        &path,
        &[
            "-G1",
            "-IPTC:Caption-Abstract",
            "-XMP-dc:Description",
            "-IPTC:By-line",
            "-XMP-dc:Creator",
            "-IPTC:Keywords",
            "-Warning",
        ],
    );
    assert_eq!(
        j["IPTC:Caption-Abstract"], "Toàn cảnh hội nghị.",
        "{name}: exiftool IIM caption: {j}"
    );
    assert_eq!(
        j["XMP-dc:Description"], "Toàn cảnh hội nghị.",
        "{name}: exiftool XMP description: {j}"
    );
    assert_eq!(
        strings(&j["IPTC:By-line"]),
        vec!["Cảnh Toàn"],
        "{name}: exiftool by-line: {j}"
    );
    assert_eq!(
        strings(&j["XMP-dc:Creator"]),
        vec!["Cảnh Toàn"],
        "{name}: exiftool XMP creator: {j}"
    );
    assert_eq!(
        strings(&j["IPTC:Keywords"]),
        vec!["hội nghị", "Quốc hội"],
        "{name}: exiftool keywords: {j}"
    );
    assert!(
        j.get("ExifTool:Warning").is_none(),
        "{name}: exiftool has no complaint (e.g. digest mismatch): {j}"
    );
}

#[test]
fn a_vietnamese_caption_is_read_back_by_exiftool_and_by_us_from_a_plain_camera_jpeg() {
    check("landscape_1.jpg");
}

#[test]
fn a_vietnamese_caption_replaces_an_existing_photoshop_caption_without_touching_the_image() {
    check("photoshop_iptc_caption.jpg");
}

#[test]
fn other_iptc_fields_and_exif_survive_a_caption_write() {
    let original = common::read("photoshop_iptc_caption.jpg");
    let before = read_metadata(&original, "ps").unwrap();
    let only_caption = CaptionFields {
        caption: Some("Mới".into()),
        ..Default::default()
    };
    let after = read_metadata(&write_caption(&original, &only_caption).unwrap(), "ps").unwrap();
    assert_eq!(after.caption.as_deref(), Some("Mới"));
    assert_eq!(
        after.creators, before.creators,
        "fields not given are left alone"
    );
    assert_eq!(after.keywords, before.keywords);
    assert_eq!(
        after.camera_model, before.camera_model,
        "EXIF is copied as is"
    );
}

#[test]
fn writing_twice_gives_the_same_file() {
    let once = write_caption(&common::read("landscape_1.jpg"), &vietnamese()).unwrap();
    let twice = write_caption(&once, &vietnamese()).unwrap();
    assert_eq!(
        read_metadata(&once, "a").unwrap(),
        read_metadata(&twice, "b").unwrap(),
        "idempotent in content"
    );
}

#[test]
fn damaged_or_non_jpeg_inputs_get_clear_errors() {
    let err = write_caption(
        &common::read("iptc_8bim_length_overflow.jpg"),
        &vietnamese(),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("IPTC"),
        "refuses to rewrite damaged IPTC rather than lose it: {err}"
    );
    let err = write_caption(&common::read("nikon_d1x_exif.webp"), &vietnamese()).unwrap_err();
    assert_eq!(err.code(), byline_protocol::ErrorCode::Unsupported, "{err}");
    assert!(
        write_caption(b"", &vietnamese()).is_err(),
        "an empty file is not a JPEG"
    );
}

fn iptc_core() -> CaptionFields {
    CaptionFields {
        headline: Some("Phố đi bộ Nguyễn Huệ đón Tết".into()),
        city: Some("Thành phố Hồ Chí Minh".into()),
        state: Some("Hồ Chí Minh".into()),
        country: Some("Việt Nam".into()),
        country_code: Some("VN".into()),
        location: Some("Quận 1".into()),
        keywords: Some(vec!["Tết".into(), "đường hoa".into(), "Sài Gòn".into()]),
        copyright: Some("© 2026 TTXVN".into()),
        alt_text: Some("Người dân dạo bước giữa những luống hoa trên phố đi bộ.".into()),
        ..Default::default()
    }
}

/// exiftool's `-a -G1 -s` text output for the given tags as "[group] Tag: value" lines,
/// duplicates included (JSON would merge them).
fn exiftool_lines(path: &std::path::Path, tags: &[&str]) -> Vec<String> {
    let out = std::process::Command::new("exiftool")
        .args(["-a", "-G1", "-s", "-charset", "iptc=cp1252"])
        .args(tags)
        .arg(path)
        .output()
        .expect("exiftool runs");
    String::from_utf8(out.stdout)
        .expect("exiftool prints UTF-8")
        .lines()
        .map(|l| {
            let (tag, value) = l.split_once(" : ").unwrap_or((l, ""));
            format!(
                "{}: {value}",
                tag.split_whitespace().collect::<Vec<_>>().join(" ")
            )
        })
        .collect()
}

#[test]
fn headline_location_keywords_copyright_and_alt_text_read_back_in_iim_and_xmp() {
    let written = write_caption(&common::read("landscape_1.jpg"), &iptc_core()).unwrap();
    let m = read_metadata(&written, "l1").unwrap();
    assert_eq!(
        m.city.as_deref(),
        Some("Thành phố Hồ Chí Minh"),
        "our reader: city"
    );
    assert_eq!(
        m.location.as_deref(),
        Some("Quận 1"),
        "our reader: sublocation"
    );
    assert_eq!(
        m.country_code.as_deref(),
        Some("VN"),
        "our reader: country code"
    );
    assert_eq!(
        m.alt_text.as_deref(),
        Some("Người dân dạo bước giữa những luống hoa trên phố đi bộ."),
        "our reader: alt text"
    );
    if !exiftool_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("core.jpg");
    std::fs::write(&path, &written).unwrap();
    let j = exiftool_json(
        &path,
        &[
            "-G1",
            "-IPTC:all",
            "-XMP-photoshop:all",
            "-XMP-dc:all",
            "-XMP-iptcCore:all",
        ],
    );
    let one = |v: &str| vec![v.to_owned()];
    let expect: [(&str, Vec<String>); 17] = [
        ("IPTC:Headline", one("Phố đi bộ Nguyễn Huệ đón Tết")),
        (
            "XMP-photoshop:Headline",
            one("Phố đi bộ Nguyễn Huệ đón Tết"),
        ),
        ("IPTC:City", one("Thành phố Hồ Chí Minh")),
        ("XMP-photoshop:City", one("Thành phố Hồ Chí Minh")),
        ("IPTC:Province-State", one("Hồ Chí Minh")),
        ("XMP-photoshop:State", one("Hồ Chí Minh")),
        ("IPTC:Country-PrimaryLocationName", one("Việt Nam")),
        ("XMP-photoshop:Country", one("Việt Nam")),
        ("IPTC:Sub-location", one("Quận 1")),
        ("XMP-iptcCore:Location", one("Quận 1")),
        ("IPTC:Country-PrimaryLocationCode", one("VN")),
        ("XMP-iptcCore:CountryCode", one("VN")),
        (
            "IPTC:Keywords",
            vec!["Tết".into(), "đường hoa".into(), "Sài Gòn".into()],
        ),
        (
            "XMP-dc:Subject",
            vec!["Tết".into(), "đường hoa".into(), "Sài Gòn".into()],
        ),
        ("IPTC:CopyrightNotice", one("© 2026 TTXVN")),
        ("XMP-dc:Rights", one("© 2026 TTXVN")),
        (
            "XMP-iptcCore:AltTextAccessibility",
            one("Người dân dạo bước giữa những luống hoa trên phố đi bộ."),
        ),
    ];
    for (tag, want) in expect {
        assert_eq!(strings(&j[tag]), want, "exiftool reads {tag} exactly: {j}");
    }
}

#[test]
fn a_second_write_replaces_each_field_instead_of_adding_a_copy() {
    let once = write_caption(&common::read("photoshop_iptc_caption.jpg"), &iptc_core()).unwrap();
    let changed = CaptionFields {
        headline: Some("Hội hoa xuân".into()),
        city: Some("Hà Nội".into()),
        location: Some("Hoàn Kiếm".into()),
        keywords: Some(vec!["hoa".into()]),
        alt_text: Some("Hồ Gươm buổi sáng.".into()),
        ..iptc_core()
    };
    let twice = write_caption(&once, &changed).unwrap();
    if !exiftool_available() {
        let m = read_metadata(&twice, "twice").unwrap();
        assert_eq!(m.keywords, vec!["hoa"], "keywords replaced, not merged");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("twice.jpg");
    std::fs::write(&path, &twice).unwrap();
    let lines = exiftool_lines(
        &path,
        &[
            "-IPTC:Headline",
            "-XMP-photoshop:Headline",
            "-IPTC:City",
            "-XMP-photoshop:City",
            "-IPTC:Sub-location",
            "-XMP-iptcCore:Location",
            "-IPTC:Keywords",
            "-XMP-dc:Subject",
            "-XMP-iptcCore:AltTextAccessibility",
            "-IPTC:Country-PrimaryLocationCode",
            "-XMP-iptcCore:CountryCode",
        ],
    );
    let want = [
        "[IPTC] Headline: Hội hoa xuân",
        "[XMP-photoshop] Headline: Hội hoa xuân",
        "[IPTC] City: Hà Nội",
        "[XMP-photoshop] City: Hà Nội",
        "[IPTC] Sub-location: Hoàn Kiếm",
        "[XMP-iptcCore] Location: Hoàn Kiếm",
        "[IPTC] Keywords: hoa",
        "[XMP-dc] Subject: hoa",
        "[XMP-iptcCore] AltTextAccessibility: Hồ Gươm buổi sáng.",
        "[IPTC] Country-PrimaryLocationCode: VN",
        "[XMP-iptcCore] CountryCode: VN",
    ];
    let mut got = lines.clone();
    got.sort();
    let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(
        got, want,
        "each field appears once, with the new value, in IIM and XMP: {lines:#?}"
    );
}

#[test]
fn a_country_code_that_is_not_iso_letters_is_refused_naming_the_field() {
    let f = CaptionFields {
        country_code: Some("Việt Nam".into()),
        ..Default::default()
    };
    let err = write_caption(&common::read("landscape_1.jpg"), &f).unwrap_err();
    assert!(
        err.to_string().starts_with("country_code:"),
        "the field is named: {err}"
    );
    let lower = CaptionFields {
        country_code: Some(" vn ".into()),
        ..Default::default()
    };
    let out = write_caption(&common::read("landscape_1.jpg"), &lower).unwrap();
    assert_eq!(
        read_metadata(&out, "l1").unwrap().country_code.as_deref(),
        Some("VN"),
        "a lower-case code is trimmed and capitalised"
    );
}
