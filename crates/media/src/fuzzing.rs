//! Fuzz entry points, shared by the cargo-fuzz targets in `fuzz/` and the bounded mutation test
//! in `tests/it/fuzz.rs` (which runs on stable, without libFuzzer). Each one panics only when an
//! invariant breaks; malformed input must come back as `Err`, never as a panic. Also the small
//! file builders those and the cross-crate tests share (a JPEG segment, a PNG chunk).

use crate::{CaptionFields, probe, read_metadata, strip_gps, write_caption};

/// `png` with one more chunk (length, type, data, CRC) right after IHDR.
pub fn png_with_chunk(png: &[u8], kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let ihdr_end = 8
        + 12
        + png
            .get(8..12)
            .map_or(0, |l| u32::from_be_bytes([l[0], l[1], l[2], l[3]]) as usize);
    let ihdr_end = ihdr_end.min(png.len());
    let mut out = png[..ihdr_end].to_vec();
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crate::gps::crc32(&[kind, data]).to_be_bytes());
    out.extend_from_slice(&png[ihdr_end..]);
    out
}

/// A minimal JPEG shell around one extra header segment: enough for the segment walk and
/// write-back, not meant to decode.
pub fn jpeg_with_segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    for chunk in payload.chunks(65533).take(4) {
        out.extend_from_slice(&[0xFF, marker]);
        out.extend_from_slice(&((chunk.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x0B, 8, 0, 8, 0, 8, 1, 1, 0x11, 0]);
    out.extend_from_slice(&[
        0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 0x3F, 0, 0x12, 0x34, 0xFF, 0xD9,
    ]);
    out
}

/// The preview lookup follows maker-note and MPF offsets: each preview it returns must lie
/// inside the file and have a frame header.
fn embedded_previews(data: &[u8]) {
    if let Ok(l) = crate::jpeg::layout(data) {
        for p in crate::preview::all(data, &l) {
            assert!(
                p.width > 0 && p.height > 0,
                "a preview without a size was accepted"
            );
            assert!(!p.jpeg.is_empty(), "an empty preview was accepted");
        }
    }
}

fn scan(bytes: &[u8]) -> Option<&[u8]> {
    crate::jpeg::layout(bytes).ok().map(|l| l.scan_and_rest)
}

/// Arbitrary file bytes through probe, metadata read and caption write-back.
pub fn whole_file(data: &[u8]) {
    let _ = probe(data, "fuzz");
    embedded_previews(data);
    let _ = read_metadata(data, "fuzz");
    let fields = CaptionFields {
        caption: Some("Toàn cảnh hội nghị.".into()),
        creators: Some(vec!["Cảnh Toàn".into()]),
        keywords: Some(vec!["a".into(), "b".into()]),
        ..Default::default()
    };
    if let Ok(out) = write_caption(data, &fields) {
        assert_eq!(scan(&out), scan(data), "write-back changed the image data");
        let m = read_metadata(&out, "fuzz").expect("a file we wrote must read back");
        if m.warnings.is_empty() {
            assert_eq!(
                m.caption.as_deref(),
                Some("Toàn cảnh hội nghị."),
                "caption did not read back"
            );
            assert_eq!(m.creators, vec!["Cảnh Toàn"], "creator did not read back");
        }
        let again = write_caption(&out, &fields).expect("a file we wrote must be writable again");
        assert_eq!(
            scan(&again),
            scan(data),
            "second write-back changed the image data"
        );
    }
}

/// Arbitrary bytes as the Photoshop resource block (APP13) of a JPEG.
pub fn photoshop_block(data: &[u8]) {
    let mut payload = b"Photoshop 3.0\0".to_vec();
    payload.extend_from_slice(data);
    whole_file(&jpeg_with_segment(0xED, &payload));
}

/// Arbitrary bytes as the XMP packet (APP1) of a JPEG.
pub fn xmp_packet(data: &[u8]) {
    let mut payload = crate::jpeg::XMP_SIG.to_vec();
    payload.extend_from_slice(&data[..data.len().min(60000)]);
    whole_file(&jpeg_with_segment(0xE1, &payload));
}

/// Arbitrary bytes as the EXIF TIFF block (APP1) of a JPEG, through GPS stripping. A stripped file
/// must keep its scan, read back without a position, and need no second pass.
pub fn exif_gps(data: &[u8]) {
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&data[..data.len().min(65000)]);
    let file = jpeg_with_segment(0xE1, &payload);
    let _ = crate::gps::strip_exif(data);
    embedded_previews(&file);
    if let Ok(out) = strip_gps(&file) {
        assert_eq!(
            scan(&out),
            scan(&file),
            "stripping GPS changed the image data"
        );
        let m = read_metadata(&out, "fuzz").expect("a stripped file must read back");
        assert_eq!(m.gps, None, "a position survived stripping");
        let again = strip_gps(&out).expect("a stripped file must strip again");
        assert!(again == out, "a second strip found more GPS to remove");
    }
}

/// Arbitrary whole files (PNG, WebP, TIFF, …) through GPS stripping. What comes out must read
/// back without a position and need no second pass; what cannot be cleaned must be an `Err`.
pub fn container_gps(data: &[u8]) {
    if let Ok(out) = strip_gps(data) {
        if let Ok(m) = read_metadata(&out, "fuzz") {
            assert_eq!(m.gps, None, "a position survived stripping");
        }
        let again = strip_gps(&out).expect("a stripped file must strip again");
        assert!(again == out, "a second strip found more GPS to remove");
    }
}
