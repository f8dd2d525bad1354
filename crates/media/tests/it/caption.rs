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
