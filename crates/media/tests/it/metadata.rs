//! Metadata read compared with exiftool, on the in-repo file and the whole metadata corpus.

use std::path::Path;

use byline_media::read_metadata;

use crate::common::{self, exiftool_available, exiftool_json, strings};

fn nfc_trim(v: Vec<String>) -> Vec<String> {
    v.into_iter()
        .map(|s| byline_text::nfc(s.trim()))
        .filter(|s| !s.is_empty())
        .collect()
}

/// XMP first, IIM as fallback — the same reconciliation rule as the code under test, applied
/// to what exiftool reads.
fn expected(j: &serde_json::Value, xmp: &str, iim: &str) -> Vec<String> {
    let x = nfc_trim(strings(&j[xmp]));
    if x.is_empty() {
        nfc_trim(strings(&j[iim]))
    } else {
        x
    }
}

fn compare_with_exiftool(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    let name = path.display().to_string();
    let m = read_metadata(&bytes, &name).unwrap();
    let j = exiftool_json(
        path,
        &["-G1", "-IPTC:all", "-XMP-dc:all", "-XMP-photoshop:all"],
    );
    let opt = |v: &Option<String>| v.iter().cloned().collect::<Vec<_>>();
    let checks: [(&str, Vec<String>, &str, &str); 7] = [
        (
            "caption",
            opt(&m.caption),
            "XMP-dc:Description",
            "IPTC:Caption-Abstract",
        ),
        (
            "creators",
            m.creators.clone(),
            "XMP-dc:Creator",
            "IPTC:By-line",
        ),
        (
            "credit",
            opt(&m.credit),
            "XMP-photoshop:Credit",
            "IPTC:Credit",
        ),
        (
            "copyright",
            opt(&m.copyright),
            "XMP-dc:Rights",
            "IPTC:CopyrightNotice",
        ),
        ("city", opt(&m.city), "XMP-photoshop:City", "IPTC:City"),
        (
            "country",
            opt(&m.country),
            "XMP-photoshop:Country",
            "IPTC:Country-PrimaryLocationName",
        ),
        (
            "keywords",
            m.keywords.clone(),
            "XMP-dc:Subject",
            "IPTC:Keywords",
        ),
    ];
    for (field, ours, xmp, iim) in checks {
        let mut want = expected(&j, xmp, iim);
        if matches!(
            field,
            "caption" | "credit" | "copyright" | "city" | "country"
        ) {
            want.truncate(1);
        }
        assert_eq!(
            ours, want,
            "{name}: {field} differs from exiftool ({xmp} / {iim})"
        );
    }
}

#[test]
fn the_in_repo_photoshop_file_reads_like_exiftool_reads_it() {
    let m = read_metadata(&common::read("photoshop_iptc_caption.jpg"), "ps").unwrap();
    assert!(m.caption.is_some(), "the Photoshop sample has a caption");
    if exiftool_available() {
        compare_with_exiftool(&common::data("photoshop_iptc_caption.jpg"));
    }
}

#[test]
fn every_metadata_corpus_file_reads_like_exiftool_reads_it() {
    let Some(dir) = common::corpus("metadata") else {
        return;
    };
    if !exiftool_available() {
        return;
    }
    for path in common::files(&dir) {
        compare_with_exiftool(&path);
    }
}

#[test]
fn the_iptc_reference_image_has_its_documented_fields() {
    let Some(dir) = common::corpus("metadata") else {
        return;
    };
    let m = read_metadata(
        &std::fs::read(dir.join("IPTC-PhotometadataRef-Std2021.1.jpg")).unwrap(),
        "ref",
    )
    .unwrap();
    assert!(
        m.caption.as_deref().is_some_and(|c| c.contains("caption")),
        "reference caption: {:?}",
        m.caption
    );
    assert!(
        !m.creators.is_empty() && !m.keywords.is_empty(),
        "creators and keywords are populated: {m:?}"
    );
    assert!(
        m.city.is_some() && m.country.is_some(),
        "location fields are populated"
    );
}

#[test]
fn camera_facts_and_gps_come_from_exif() {
    let Some(dir) = common::corpus("fullsize") else {
        return;
    };
    let m = read_metadata(
        &std::fs::read(dir.join("apple_iphone5.jpg")).unwrap(),
        "iphone",
    )
    .unwrap();
    assert_eq!(m.camera_make.as_deref(), Some("Apple"));
    assert_eq!(m.orientation, 3, "the manifest says Rotate 180");
    assert!(
        m.captured_at.is_some()
            && m.f_number.is_some()
            && m.iso.is_some()
            && m.focal_length_mm.is_some(),
        "{m:?}"
    );
    let gps = m.gps.expect("the iPhone sample has GPS");
    assert!(
        gps.latitude.abs() <= 90.0 && gps.longitude.abs() <= 180.0 && gps.latitude != 0.0,
        "{gps:?}"
    );
}

#[test]
fn a_damaged_iptc_block_is_skipped_with_a_warning_and_the_rest_still_reads() {
    let m = read_metadata(&common::read("iptc_8bim_length_overflow.jpg"), "bad").unwrap();
    assert!(
        m.warnings.iter().any(|w| w.contains("IPTC")),
        "warned about the IPTC block: {:?}",
        m.warnings
    );
}

#[test]
fn exif_is_read_from_webp_and_heic_containers_too() {
    let m = read_metadata(&common::read("nikon_d1x_exif.webp"), "webp").unwrap();
    assert_eq!(
        m.camera_make.as_deref(),
        Some("NIKON CORPORATION"),
        "WebP EXIF chunk"
    );
    assert_eq!(
        m.captured_at.as_deref(),
        Some("2003-08-06T18:04:34"),
        "no offset recorded, none invented"
    );
    let Some(dir) = common::corpus("formats") else {
        return;
    };
    for name in ["iphone_IMG_2927.heic", "exif_at_eof.heic"] {
        let m = read_metadata(&std::fs::read(dir.join(name)).unwrap(), name).unwrap();
        assert_eq!(
            m.camera_model.as_deref(),
            Some("iPhone 11 Pro"),
            "{name}: HEIC Exif item"
        );
        assert_eq!(
            m.captured_at.as_deref(),
            Some("2020-05-04T18:39:11-04:00"),
            "{name}: OffsetTimeOriginal is kept"
        );
    }
    let m = read_metadata(&std::fs::read(dir.join("exif_at_eof.heic")).unwrap(), "eof").unwrap();
    let gps = m.gps.expect("exif_at_eof.heic has GPS");
    assert!(
        (gps.latitude - 47.207124).abs() < 1e-5 && (gps.longitude - 106.243105).abs() < 1e-5,
        "as exiftool reads it: {gps:?}"
    );
}

#[test]
fn xmp_in_png_is_read() {
    let original = common::read("png_photoshop_all_metadata.png");
    // Signature + IHDR of a real PNG, then our iTXt XMP chunk with a caption (and a valid CRC,
    // so the file stays readable by other tools), then IEND.
    let mut shell = original[..33].to_vec();
    shell.extend_from_slice(&original[original.len() - 12..]);
    let xmp = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description><rdf:Alt><rdf:li xml:lang="x-default">Ảnh PNG</rdf:li></rdf:Alt></dc:description></rdf:Description></rdf:RDF></x:xmpmeta>"#;
    let mut data = b"XML:com.adobe.xmp\0\0\0\0\0".to_vec();
    data.extend_from_slice(xmp.as_bytes());
    let png = byline_media::fuzzing::png_with_chunk(&shell, b"iTXt", &data);
    let m = read_metadata(&png, "png").unwrap();
    assert_eq!(
        m.caption.as_deref(),
        Some("Ảnh PNG"),
        "the PNG iTXt XMP caption is read"
    );
}
