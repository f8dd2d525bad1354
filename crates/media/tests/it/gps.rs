//! Removing the location before publishing: exiftool finds no GPS, everything else is intact.

use byline_media::{CaptionFields, GpsOutcome, publish_copy, read_metadata, strip_gps};

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
    let copy = publish_copy(&original, &fields(), true, GPS_JPEG).unwrap();
    assert_eq!(
        copy.gps,
        GpsOutcome::Removed,
        "the position is found and removed"
    );
    assert!(copy.captioned, "a JPEG gets the caption");
    let published = copy.bytes;

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
fn a_webp_whose_exif_has_a_gps_directory_comes_out_without_it() {
    // The Nikon WebP's EXIF has a GPS directory (version only): what other tools list as GPS.
    let name = "nikon_d1x_exif.webp";
    let original = common::read(name);
    let copy = publish_copy(&original, &fields(), true, name).unwrap();
    assert_eq!(
        copy.gps,
        GpsOutcome::Removed,
        "{name}: the GPS directory is found"
    );
    assert!(
        !copy.captioned,
        "{name}: captions go only into JPEGs for now"
    );
    assert_eq!(
        common::decode(&copy.bytes),
        common::decode(&original),
        "{name}: the pixels are the same"
    );
    let tmp = tempfile::tempdir().unwrap();
    let (orig_path, pub_path) = (tmp.path().join("orig.webp"), tmp.path().join("pub.webp"));
    std::fs::write(&orig_path, &original).unwrap();
    std::fs::write(&pub_path, &copy.bytes).unwrap();
    assert!(
        !exiftool_gps_tags(&orig_path).is_empty(),
        "{name}: exiftool must see GPS in the original for this test to mean anything"
    );
    assert_eq!(
        exiftool_gps_tags(&pub_path),
        Vec::<String>::new(),
        "{name}: exiftool finds no GPS in the copy"
    );
    assert_eq!(
        exiftool_json(&pub_path, &["-Model"])["Model"],
        exiftool_json(&orig_path, &["-Model"])["Model"],
        "{name}: the rest of the EXIF still reads"
    );
}

#[test]
fn png_webp_and_tiff_with_gps_in_exif_and_xmp_come_out_without_it() {
    let tmp = tempfile::tempdir().unwrap();
    for ext in ["png", "webp", "tif"] {
        let original = common::photo_with_gps(tmp.path(), ext, true);
        let orig_path = tmp.path().join(format!("orig.{ext}"));
        std::fs::write(&orig_path, &original).unwrap();
        let before = exiftool_gps_tags(&orig_path);
        assert!(
            before.iter().any(|t| t.starts_with("GPS:"))
                && before.iter().any(|t| t.starts_with("XMP")),
            "{ext}: the test file must carry GPS in EXIF and XMP: {before:?}"
        );

        let copy = publish_copy(&original, &fields(), true, &format!("test.{ext}")).unwrap();
        assert_eq!(
            copy.gps,
            GpsOutcome::Removed,
            "{ext}: the position is found and removed"
        );
        let pub_path = tmp.path().join(format!("pub.{ext}"));
        std::fs::write(&pub_path, &copy.bytes).unwrap();
        assert_eq!(
            exiftool_gps_tags(&pub_path),
            Vec::<String>::new(),
            "{ext}: exiftool finds no GPS in the public copy"
        );
        let j = exiftool_json(
            &pub_path,
            &["-a", "-G1", "-Artist", "-XMP-dc:Creator", "-Warning"],
        );
        assert_eq!(
            j["IFD0:Artist"], "Cảnh Toàn",
            "{ext}: the EXIF creator stays: {j}"
        );
        assert_eq!(
            j["XMP-dc:Creator"], "Cảnh Toàn",
            "{ext}: the XMP creator stays: {j}"
        );
        assert!(
            j.get("ExifTool:Warning").is_none(),
            "{ext}: exiftool has no complaint about the edited file: {j}"
        );
        assert_eq!(
            common::decode(&copy.bytes),
            common::decode(&original),
            "{ext}: the pixels are the same"
        );
        assert_eq!(
            read_metadata(&copy.bytes, ext).unwrap().gps,
            None,
            "{ext}: no position reads back"
        );
        assert!(
            strip_gps(&copy.bytes).unwrap() == copy.bytes,
            "{ext}: a second pass finds nothing more to remove"
        );

        let kept = publish_copy(&original, &fields(), false, ext).unwrap();
        assert_eq!(
            kept.gps,
            GpsOutcome::Kept,
            "{ext}: without the policy the position is kept"
        );
        assert!(
            kept.bytes == original,
            "{ext}: and the file goes out as it is"
        );
    }
}

#[test]
fn xmp_gps_in_a_png_text_chunk_is_removed_too() {
    // Some tools put the XMP packet in a plain tEXt chunk; other tools read it from there.
    let tmp = tempfile::tempdir().unwrap();
    let png = common::photo_with_gps(tmp.path(), "png", false);
    let packet = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/"><exif:GPSLatitude>16,3.264N</exif:GPSLatitude></rdf:Description></rdf:RDF></x:xmpmeta>"#;
    let mut data = b"XML:com.adobe.xmp\0".to_vec();
    data.extend_from_slice(packet.as_bytes());
    let file = common::with_png_chunk(&png, b"tEXt", &data);
    let (before, after) = (tmp.path().join("before.png"), tmp.path().join("after.png"));
    std::fs::write(&before, &file).unwrap();
    assert!(
        !exiftool_gps_tags(&before).is_empty(),
        "exiftool must read the position from the tEXt chunk for this test to mean anything"
    );
    let copy = publish_copy(&file, &fields(), true, "text.png").unwrap();
    assert_eq!(
        copy.gps,
        GpsOutcome::Removed,
        "the position is found and removed"
    );
    std::fs::write(&after, &copy.bytes).unwrap();
    assert_eq!(
        exiftool_gps_tags(&after),
        Vec::<String>::new(),
        "exiftool finds no GPS in the copy"
    );
}

#[test]
fn png_webp_and_tiff_without_gps_are_published_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    for ext in ["png", "webp", "tif"] {
        let original = common::photo_with_gps(tmp.path(), ext, false);
        let copy = publish_copy(&original, &fields(), true, ext).unwrap();
        assert_eq!(
            copy.gps,
            GpsOutcome::NotFound,
            "{ext}: there is no position"
        );
        assert!(
            copy.bytes == original,
            "{ext}: nothing to remove means nothing changes"
        );
    }
    // Photoshop's PNG has EXIF, IPTC and XMP, none of them with a position.
    let png = common::read("png_photoshop_all_metadata.png");
    let copy = publish_copy(&png, &fields(), true, "photoshop.png").unwrap();
    assert_eq!(
        copy.gps,
        GpsOutcome::NotFound,
        "Photoshop's PNG has no position"
    );
    assert!(copy.bytes == png, "so it passes through unchanged");
}

#[test]
fn what_may_hold_a_position_that_cannot_be_removed_is_refused_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    // ImageMagick's hex-encoded EXIF in a PNG text chunk: exiftool reads a position from it.
    let png = common::photo_with_gps(tmp.path(), "png", false);
    let mut raw_profile = b"Raw profile type exif\0\0".to_vec();
    raw_profile.extend_from_slice(b"\nexif\n      40\n457869660000");
    let with_profile = common::with_png_chunk(&png, b"zTXt", &raw_profile);
    // ExifTool's old compressed EXIF chunk, which it still reads a position from.
    let with_zxif = common::with_png_chunk(&png, b"zxIf", b"\0x\x9c");
    // HEIC: Byline cannot look inside its metadata boxes at all.
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
    for (name, bytes) in [
        ("magick.png", with_profile),
        ("old-exiftool.png", with_zxif),
        ("phone.heic", heic),
    ] {
        let err = publish_copy(&bytes, &fields(), true, name).unwrap_err();
        let msg = err.to_string();
        assert_eq!(
            err.code(),
            byline_protocol::ErrorCode::Unsupported,
            "{name}: refused, not passed on: {msg}"
        );
        assert!(
            msg.contains(name),
            "{name}: the message names the file: {msg}"
        );
        assert!(
            msg.contains("exiftool -gps:all=") && msg.contains("export the photo as JPEG"),
            "{name}: the message says what to do: {msg}"
        );
        assert!(
            strip_gps(&bytes).is_err(),
            "{name}: strip_gps refuses it the same way"
        );
    }
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
