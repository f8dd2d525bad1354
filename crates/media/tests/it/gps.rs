//! Removing the location before publishing: exiftool finds no GPS, everything else is intact.

use byline_media::{CaptionFields, publish_copy, read_metadata, strip_gps};

use crate::common::{self, contains, exiftool_available, exiftool_json, scan_data, segments};

const GPS_JPEG: &str = "olympus_fe230_iptc_gps.jpg";

/// The raw bytes of the latitude and longitude rationals as stored, in the file's byte order:
/// what would give the position away if it stayed anywhere in the file. (Short values such as an
/// altitude of 0/1 also occur in unrelated tags, so searching for them would prove nothing.)
fn gps_value_bytes(jpeg: &[u8]) -> Vec<(String, Vec<u8>)> {
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(jpeg))
        .expect("the fixture has EXIF");
    let le = exif.little_endian();
    let word = |v: u32| {
        if le { v.to_le_bytes() } else { v.to_be_bytes() }
    };
    exif.fields()
        .filter(|f| matches!(f.tag, exif::Tag::GPSLatitude | exif::Tag::GPSLongitude))
        .filter_map(|f| match &f.value {
            exif::Value::Rational(rs) => {
                let bytes = rs
                    .iter()
                    .flat_map(|r| [word(r.num), word(r.denom)].concat())
                    .collect();
                Some((f.tag.to_string(), bytes))
            }
            _ => None,
        })
        .collect()
}

/// Every tag exiftool reports for the GPS groups, except the file name it always prints.
fn exiftool_gps_tags(path: &std::path::Path) -> Vec<String> {
    let j = exiftool_json(path, &["-a", "-G1", "-gps:all", "-xmp-exif:gps*"]);
    j.as_object()
        .expect("exiftool prints an object")
        .keys()
        .filter(|k| *k != "SourceFile")
        .cloned()
        .collect()
}

fn fields() -> CaptionFields {
    CaptionFields {
        caption: Some("Tuyết đầu mùa ở Revelstoke.".into()),
        creators: Some(vec!["Nguyễn Văn Ảnh".into()]),
        copyright: Some("© TTXVN".into()),
        ..Default::default()
    }
}

#[test]
fn gps_is_gone_but_creator_stays() {
    let original = common::read(GPS_JPEG);
    let published = publish_copy(&original, &fields(), true).unwrap();

    assert_eq!(
        scan_data(&published),
        scan_data(&original),
        "the image data must be byte-identical"
    );
    let before = read_metadata(&original, GPS_JPEG).unwrap();
    assert!(
        before.gps.is_some(),
        "the fixture must have a position to remove"
    );
    let after = read_metadata(&published, GPS_JPEG).unwrap();
    assert_eq!(after.gps, None, "no position reads back");
    assert_eq!(after.creators, vec!["Nguyễn Văn Ảnh"], "creator stays");
    assert_eq!(
        after.copyright.as_deref(),
        Some("© TTXVN"),
        "copyright stays"
    );
    assert_eq!(
        after.caption.as_deref(),
        Some("Tuyết đầu mùa ở Revelstoke."),
        "caption stays"
    );
    assert_eq!(after.captured_at, before.captured_at, "capture time stays");
    assert_eq!(
        after.camera_model, before.camera_model,
        "camera model stays"
    );
    assert_eq!(
        after.keywords, before.keywords,
        "untouched IPTC keywords stay"
    );
    assert!(
        after.warnings.is_empty(),
        "no damaged block: {:?}",
        after.warnings
    );

    let values = gps_value_bytes(&original);
    assert_eq!(
        values.len(),
        2,
        "the fixture stores latitude and longitude as rationals: {values:?}"
    );
    for (tag, bytes) in &values {
        assert!(
            contains(&original, bytes),
            "{tag}: the search must find the value in the original"
        );
        assert!(
            !contains(&published, bytes),
            "{tag}: its raw rational bytes are still in the published copy"
        );
    }

    if !exiftool_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (orig_path, pub_path) = (tmp.path().join("orig.jpg"), tmp.path().join("pub.jpg"));
    std::fs::write(&orig_path, &original).unwrap();
    std::fs::write(&pub_path, &published).unwrap();
    let tags = exiftool_gps_tags(&orig_path);
    assert!(
        tags.iter().any(|t| t.starts_with("GPS:"))
            && tags.iter().any(|t| t.starts_with("XMP-exif:GPS")),
        "exiftool must see EXIF and XMP GPS in the original: {tags:?}"
    );
    assert_eq!(
        exiftool_gps_tags(&pub_path),
        Vec::<String>::new(),
        "exiftool finds no GPS tag left"
    );
    let j = exiftool_json(
        &pub_path,
        &[
            "-G1",
            "-XMP-dc:Creator",
            "-IPTC:By-line",
            "-XMP-dc:Rights",
            "-IPTC:CopyrightNotice",
            "-XMP-dc:Description",
            "-IPTC:Caption-Abstract",
            "-ExifIFD:DateTimeOriginal",
            "-IFD0:Model",
            "-Warning",
        ],
    );
    for (tag, want) in [
        ("XMP-dc:Creator", "Nguyễn Văn Ảnh"),
        ("IPTC:By-line", "Nguyễn Văn Ảnh"),
        ("XMP-dc:Rights", "© TTXVN"),
        ("IPTC:CopyrightNotice", "© TTXVN"),
        ("XMP-dc:Description", "Tuyết đầu mùa ở Revelstoke."),
        ("IPTC:Caption-Abstract", "Tuyết đầu mùa ở Revelstoke."),
        ("ExifIFD:DateTimeOriginal", "2008:12:07 10:28:52"),
        ("IFD0:Model", "FE230/X790"),
    ] {
        assert_eq!(j[tag], want, "exiftool reads {tag} back: {j}");
    }
    assert!(
        j.get("ExifTool:Warning").is_none(),
        "exiftool has no complaint about the edited EXIF: {j}"
    );
}

#[test]
fn only_the_exif_and_xmp_segments_change_when_stripping() {
    let original = common::read(GPS_JPEG);
    let stripped = strip_gps(&original).unwrap();
    let (a, b) = (segments(&original), segments(&stripped));
    assert_eq!(a.len(), b.len(), "no segment is added or dropped");
    for ((ma, da), (mb, db)) in a.iter().zip(&b) {
        assert_eq!(ma, mb, "segment order is kept");
        let exif = da.starts_with(b"Exif\0\0");
        let xmp = da.starts_with(b"http://ns.adobe.com/xap/1.0/\0");
        if exif {
            assert_eq!(da.len(), db.len(), "the EXIF block is edited in place");
        } else if !xmp {
            assert_eq!(da, db, "segment 0x{ma:02X} (IIM, ICC, …) is byte-identical");
        }
    }
    assert_eq!(scan_data(&stripped), scan_data(&original));
}

#[test]
fn a_photo_without_gps_comes_back_byte_for_byte() {
    let original = common::read("landscape_1.jpg");
    assert!(
        read_metadata(&original, "l1").unwrap().gps.is_none(),
        "the fixture must have no GPS"
    );
    assert!(
        strip_gps(&original).unwrap() == original,
        "nothing to remove means nothing changes"
    );
    let once = strip_gps(&common::read(GPS_JPEG)).unwrap();
    assert!(
        strip_gps(&once).unwrap() == once,
        "stripping twice changes nothing the second time"
    );
}

#[test]
fn non_jpeg_files_pass_only_when_they_carry_no_exif() {
    let name = "nikon_d1x_exif.webp";
    let err = strip_gps(&common::read(name)).unwrap_err();
    assert_eq!(
        err.code(),
        byline_protocol::ErrorCode::Unsupported,
        "{name}: EXIF in a container is refused, not passed on: {err}"
    );
    assert!(
        err.to_string().contains("export the photo as JPEG"),
        "{name}: the message says what to do: {err}"
    );
    // Photoshop's PNG has XMP (no GPS property) and no EXIF.
    let png = common::read("png_photoshop_all_metadata.png");
    assert!(
        strip_gps(&png).unwrap() == png,
        "a PNG without EXIF or XMP location passes through unchanged"
    );
    assert!(
        strip_gps(b"not a photo").is_err(),
        "unknown bytes are an error"
    );
}

#[test]
fn every_corpus_photo_with_gps_comes_out_without_it() {
    let Some(dir) = common::corpus("fullsize") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for path in common::files(&dir) {
        let original = std::fs::read(&path).unwrap();
        if read_metadata(&original, "c").unwrap().gps.is_none() {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let stripped = strip_gps(&original).unwrap();
        assert_eq!(
            scan_data(&stripped),
            scan_data(&original),
            "{name}: scan data"
        );
        let values = gps_value_bytes(&original);
        assert_eq!(values.len(), 2, "{name}: latitude and longitude found");
        for (tag, bytes) in values {
            assert!(
                !contains(&stripped, &bytes),
                "{name}: {tag} raw bytes remain"
            );
        }
        let m = read_metadata(&stripped, &name).unwrap();
        assert_eq!(m.gps, None, "{name}: no position reads back");
        assert!(m.camera_model.is_some(), "{name}: the camera model stays");
        if exiftool_available() {
            let out = tmp.path().join(&name);
            std::fs::write(&out, &stripped).unwrap();
            assert_eq!(
                exiftool_gps_tags(&out),
                Vec::<String>::new(),
                "{name}: exiftool finds no GPS"
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 3,
        "the corpus has three phones with GPS, checked {checked}"
    );
}

/// The Olympus fixture without its XMP packet: EXIF GPS only.
fn olympus_without_xmp() -> Vec<u8> {
    let original = common::read(GPS_JPEG);
    let mut out = vec![0xFF, 0xD8];
    for (marker, data) in segments(&original) {
        if data.starts_with(b"http://ns.adobe.com/xap/1.0/\0") {
            continue;
        }
        out.extend_from_slice(&[0xFF, marker]);
        out.extend_from_slice(&((data.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(data);
    }
    out.extend_from_slice(scan_data(&original));
    out
}

#[test]
fn gps_in_an_image_appended_after_the_main_one_is_removed_in_place() {
    // A phone-style file: a main image without GPS, and an MPF image that has it.
    let embedded = olympus_without_xmp();
    let file = common::with_mpf_image(&common::read("landscape_1.jpg"), &embedded, 0x01_0001, 0);
    let values = gps_value_bytes(&embedded);
    assert_eq!(
        values.len(),
        2,
        "the embedded image has latitude and longitude"
    );
    let stripped = strip_gps(&file).unwrap();
    assert_eq!(
        stripped.len(),
        file.len(),
        "in place: every MPF offset stays valid"
    );
    for (tag, bytes) in &values {
        assert!(contains(&file, bytes), "{tag} is in the file before");
        assert!(
            !contains(&stripped, bytes),
            "{tag}: the embedded image's coordinates are gone"
        );
    }
    let tail = &stripped[stripped.len() - embedded.len()..];
    assert_eq!(
        scan_data(tail),
        scan_data(&embedded),
        "the embedded image's own scan is untouched"
    );
    assert_eq!(
        read_metadata(tail, "embedded")
            .unwrap()
            .camera_model
            .as_deref(),
        Some("FE230/X790"),
        "the embedded image's other EXIF still reads"
    );

    // With its XMP (which names GPS) the embedded image cannot be cleaned in place: refused.
    let with_xmp = common::with_mpf_image(
        &common::read("landscape_1.jpg"),
        &common::read(GPS_JPEG),
        0x01_0001,
        0,
    );
    let err = strip_gps(&with_xmp).unwrap_err();
    assert!(
        err.to_string().contains("embedded after the main one"),
        "the refusal says where the position is: {err}"
    );
}
