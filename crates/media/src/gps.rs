//! Removing where a photo was taken before it is published: the EXIF GPS IFD and the XMP
//! `exif:GPS*` properties, edited in place so that the scan data and every other field stay as
//! they are.
//!
//! The EXIF block is edited without moving anything: the GPSInfo pointer is dropped from IFD0's
//! entry list (the table shrinks by one entry, the freed 12 bytes become zeros) and the GPS IFD
//! and its out-of-line values are overwritten with zeros. Every other offset in the block stays
//! valid, including the maker note's, which some cameras make relative to the file. Images
//! appended after the main one (MPF) get the same in-place treatment, so MPF offsets stay valid.

use std::ops::Range;

use crate::caption::{CaptionFields, write_caption};
use crate::error::MediaError;
use crate::jpeg::{self, APP1, XMP_SIG};
use crate::metadata::{png_xmp, webp_xmp};
use crate::preview::mpf_images;
use crate::probe::read_container_exif;
use crate::sniff::{Format, sniff};
use crate::tiff::Tiff;
use crate::xmp;

const GPS_INFO: u16 = 0x8825;
const EXIF_SIG: &[u8] = b"Exif\0\0";
const XMP_EXTENSION_SIG: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
const WHAT: &str = "photo";

/// Returns a copy of `jpeg` with no GPS position left in its EXIF or XMP; the image data and all
/// other metadata are untouched. A file without GPS comes back byte for byte unchanged.
///
/// PNG and WebP files without EXIF or XMP location pass through unchanged; any other format, or a
/// PNG/WebP that does carry EXIF, is `Unsupported` (re-encoding is not this function's job).
pub fn strip_gps(jpeg: &[u8]) -> Result<Vec<u8>, MediaError> {
    match sniff(jpeg) {
        Some(Format::Jpeg) => strip_jpeg(jpeg),
        Some(f @ (Format::Png | Format::Webp)) if !container_may_hold_location(jpeg, f) => {
            Ok(jpeg.to_vec())
        }
        Some(f) => Err(MediaError::Unsupported {
            what: WHAT.into(),
            format: f.name(),
            hint: "the location can only be removed from JPEG files; export the photo as JPEG first",
        }),
        None => Err(MediaError::UnknownFormat { what: WHAT.into() }),
    }
}

/// The copy that goes out with a story: the caption fields written in, and the location removed
/// when `strip_gps` is set (the default for anything published).
pub fn publish_copy(
    original: &[u8],
    fields: &CaptionFields,
    strip_gps: bool,
) -> Result<Vec<u8>, MediaError> {
    let captioned = write_caption(original, fields)?;
    if strip_gps {
        self::strip_gps(&captioned)
    } else {
        Ok(captioned)
    }
}

/// PNG/WebP: EXIF anywhere, or an XMP packet naming a GPS property, means there may be a position
/// we cannot remove without rewriting the container.
fn container_may_hold_location(bytes: &[u8], format: Format) -> bool {
    if read_container_exif(bytes).is_some() {
        return true;
    }
    let packet = match format {
        Format::Png => png_xmp(bytes),
        _ => webp_xmp(bytes),
    };
    packet.is_some_and(mentions_gps)
}

fn strip_jpeg(bytes: &[u8]) -> Result<Vec<u8>, MediaError> {
    let corrupt = |e: String| MediaError::corrupt(WHAT, "JPEG", e);
    let l = jpeg::layout(bytes).map_err(corrupt)?;
    if l.scan_and_rest.is_empty() {
        return Err(corrupt("no image data after the headers".into()));
    }
    // Refusing is the safe failure: publishing a copy we could not clean would leak the location.
    let refuse = |e: String| corrupt(format!("{e}; refusing to publish a copy that may keep it"));
    let mut replaced: Vec<Option<Vec<u8>>> = vec![None; l.segments.len()];
    for (i, s) in l.segments.iter().enumerate() {
        if s.marker != APP1 {
            continue;
        }
        if let Some(tiff) = s.data.strip_prefix(EXIF_SIG) {
            if let Some(clean) = strip_exif(tiff).map_err(refuse)? {
                replaced[i] = Some([EXIF_SIG, &clean].concat());
            }
        } else if let Some(packet) = s.data.strip_prefix(XMP_SIG) {
            match xmp::remove_location(packet) {
                // Removing properties shortens the packet; the segment size is checked below.
                Ok(Some(clean)) => replaced[i] = Some([XMP_SIG, &clean].concat()),
                Ok(None) => {}
                // A packet we cannot parse is only a risk if it mentions GPS at all (in UTF-8
                // or UTF-16); otherwise it goes out as it came in, like any unknown block.
                Err(e) if mentions_gps(packet) => {
                    return Err(refuse(format!("{e} (the XMP may hold a GPS position)")));
                }
                Err(_) => {}
            }
        } else if s.data.starts_with(XMP_EXTENSION_SIG) && mentions_gps(s.data) {
            return Err(MediaError::Unsupported {
                what: WHAT.into(),
                format: "extended XMP",
                hint: "its extended XMP block may hold a GPS position Byline cannot remove; remove it with `exiftool -gps:all= -xmp-exif:gps*=` first",
            });
        }
    }
    // Phones append further JPEGs after the main image (MPF: previews, depth and gain maps), each
    // with its own EXIF. Their GPS is removed in place, which keeps every MPF offset valid.
    let scan_at = bytes.len() - l.scan_and_rest.len();
    let mut patches: Vec<(usize, Vec<u8>)> = Vec::new();
    for (_, start, img) in mpf_images(bytes, &l) {
        let (Some(rel), Ok(il)) = (start.checked_sub(scan_at), jpeg::layout(img)) else {
            continue;
        };
        for s in il.segments.iter().filter(|s| s.marker == APP1) {
            if let Some(tiff) = s.data.strip_prefix(EXIF_SIG) {
                let clean = strip_exif(tiff)
                    .map_err(|e| refuse(format!("in an image embedded after the main one: {e}")))?;
                if let Some(clean) = clean {
                    patches.push((rel + s.offset + EXIF_SIG.len(), clean));
                }
            } else if s.data.starts_with(XMP_SIG) && mentions_gps(s.data) {
                return Err(MediaError::Unsupported {
                    what: WHAT.into(),
                    format: "MPF",
                    hint: "an image embedded after the main one has XMP that may hold a GPS position Byline cannot remove; remove it with `exiftool -gps:all= -xmp-exif:gps*=` first",
                });
            }
        }
    }
    if replaced.iter().all(Option::is_none) && patches.is_empty() {
        return Ok(bytes.to_vec());
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    for (s, new) in l.segments.iter().zip(&replaced) {
        let data = new.as_deref().unwrap_or(s.data);
        if data.len() > 65533 {
            return Err(MediaError::Internal {
                what: WHAT.into(),
                stage: "strip_gps",
                detail: format!("segment 0x{:02X} grew past 64 KB", s.marker),
            });
        }
        jpeg::push_segment(&mut out, s.marker, &[data]);
    }
    let tail_at = out.len();
    out.extend_from_slice(l.scan_and_rest);
    for (at, clean) in patches {
        let target = tail_at
            .checked_add(at)
            .and_then(|a| out.get_mut(a..a.checked_add(clean.len())?));
        match target {
            Some(t) => t.copy_from_slice(&clean),
            None => {
                return Err(MediaError::Internal {
                    what: WHAT.into(),
                    stage: "strip_gps",
                    detail: "an embedded image's EXIF lies outside the file".into(),
                });
            }
        }
    }
    Ok(out)
}

fn mentions_gps(b: &[u8]) -> bool {
    [&b"GPS"[..], b"G\0P\0S", b"\0G\0P\0S"]
        .iter()
        .any(|n| b.windows(n.len()).any(|w| w == *n))
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// The EXIF TIFF block without GPS, or `None` when it has no GPSInfo pointer.
pub(crate) fn strip_exif(tiff: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let (t, ifd0_at) =
        Tiff::parse(tiff).ok_or("the EXIF block has no TIFF header, so its GPS cannot be found")?;
    let ifd0 = t
        .ifd(ifd0_at as usize)
        .ok_or("the EXIF IFD0 lies outside the block, so its GPS cannot be found")?;
    // IFD1 (the thumbnail's) should never point to GPS, but readers follow it if it does.
    let mut ifds = vec![ifd0];
    if ifds[0].next != 0
        && let Some(ifd1) = t.ifd(ifds[0].next as usize)
        && !overlaps(
            &(ifd1.at..ifd1.at + ifd1.table_len()),
            &(ifds[0].at..ifds[0].at + ifds[0].table_len()),
        )
    {
        ifds.push(ifd1);
    }
    if !ifds.iter().any(|ifd| ifd.find(GPS_INFO).is_some()) {
        return Ok(None);
    }
    // The header and the tables being rewritten must come through the zeroing intact, and a
    // table rewrite must not change the header's IFD0 offset (found by fuzzing).
    let tables: Vec<Range<usize>> = ifds
        .iter()
        .map(|ifd| ifd.at..ifd.at + ifd.table_len())
        .collect();
    let header = 0..8;
    if tables.iter().any(|t| overlaps(t, &header)) {
        return Err("an EXIF directory overlaps the TIFF header".into());
    }
    let mut keep = tables;
    keep.push(header);
    let mut zero: Vec<Range<usize>> = Vec::new();
    for e in ifds.iter().flat_map(|ifd| &ifd.entries) {
        if e.tag != GPS_INFO {
            continue;
        }
        let Some(at) = t.uint(e).map(|v| v as usize) else {
            continue; // Not an offset at all: dropping the pointer is enough.
        };
        if at >= tiff.len() {
            continue; // Points outside the block: there are no GPS bytes to clear.
        }
        let gps = t
            .ifd(at)
            .ok_or("the GPS IFD runs past the end of the EXIF block")?;
        zero.push(gps.at..gps.at + gps.table_len());
        for v in gps.entries.iter().filter(|v| !v.inline) {
            let Some(len) = v.value_len else { continue };
            let start = v.value_at.min(tiff.len());
            let end = v.value_at.saturating_add(len).min(tiff.len());
            zero.push(start..end);
        }
    }
    if zero.iter().any(|z| keep.iter().any(|k| overlaps(z, k))) {
        return Err("the GPS data overlaps the EXIF directory".into());
    }

    let mut out = tiff.to_vec();
    for ifd in ifds.iter().filter(|ifd| ifd.find(GPS_INFO).is_some()) {
        let table = ifd.at..ifd.at + ifd.table_len();
        let kept: Vec<&[u8]> = (0..ifd.entries.len())
            .filter(|&i| ifd.entries[i].tag != GPS_INFO)
            .map(|i| &tiff[ifd.at + 2 + 12 * i..ifd.at + 14 + 12 * i])
            .collect();
        let count = kept.len() as u16;
        let mut new = if t.little_endian {
            count.to_le_bytes().to_vec()
        } else {
            count.to_be_bytes().to_vec()
        };
        new.extend(kept.concat());
        new.extend_from_slice(&tiff[table.end - 4..table.end]);
        new.resize(table.len(), 0);
        out[table].copy_from_slice(&new);
    }
    for z in zero {
        out[z].fill(0);
    }

    // Cross-check with an independent reader: no GPS tag may survive.
    if let Ok(exif) = exif::Reader::new().read_raw(out.clone())
        && exif.fields().any(|f| f.tag.context() == exif::Context::Gps)
    {
        return Err("a GPS tag is still readable after removal".into());
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Little-endian EXIF: IFD0 with Make ("Cam\0", inline) and GPSInfo, then a GPS IFD with
    /// GPSLatitude (3 rationals, out of line).
    fn exif_with_gps() -> Vec<u8> {
        let mut b = b"II\x2a\0\x08\0\0\0".to_vec();
        b.extend_from_slice(&2u16.to_le_bytes());
        b.extend_from_slice(&[0x0F, 0x01, 2, 0, 4, 0, 0, 0, b'C', b'a', b'm', 0]);
        b.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0, 38, 0, 0, 0]);
        b.extend_from_slice(&0u32.to_le_bytes());
        assert_eq!(b.len(), 38, "GPS IFD offset above");
        b.extend_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&[0x02, 0, 5, 0, 3, 0, 0, 0, 56, 0, 0, 0]);
        b.extend_from_slice(&0u32.to_le_bytes());
        assert_eq!(b.len(), 56, "latitude offset above");
        for (n, d) in [(10u32, 1u32), (45, 1), (1234, 100)] {
            b.extend_from_slice(&n.to_le_bytes());
            b.extend_from_slice(&d.to_le_bytes());
        }
        b
    }

    #[test]
    fn the_gps_pointer_is_dropped_and_the_coordinates_zeroed_in_place() {
        let b = exif_with_gps();
        let out = strip_exif(&b).unwrap().expect("there was GPS to remove");
        assert_eq!(out.len(), b.len(), "nothing moves inside the block");
        assert_eq!(&out[8..10], &1u16.to_le_bytes(), "IFD0 has one entry left");
        assert_eq!(&out[10..22], &b[10..22], "the Make entry is kept as is");
        assert_eq!(
            &out[22..26],
            &[0; 4],
            "the next-IFD offset moved up, still 0"
        );
        assert!(
            out[38..].iter().all(|&x| x == 0),
            "the GPS IFD and its rationals are all zeros"
        );
        let exif = exif::Reader::new().read_raw(out).unwrap();
        assert!(
            exif.get_field(exif::Tag::Make, exif::In::PRIMARY).is_some(),
            "the block still parses and keeps Make"
        );
    }

    #[test]
    fn a_gps_ifd_pointing_into_ifd0_is_refused_rather_than_half_cleaned() {
        let mut b = exif_with_gps();
        b[30] = 8; // GPSInfo → IFD0 itself
        let err = strip_exif(&b).unwrap_err();
        assert!(
            err.contains("overlaps"),
            "the message says what is wrong: {err}"
        );
    }

    #[test]
    fn an_ifd0_overlapping_the_tiff_header_is_refused() {
        // Regression from fuzzing: IFD0 at offset 4, so removing its GPS entry rewrote the
        // header's own IFD0 offset and the result no longer parsed the same way.
        let d = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/fuzz_exif_ifd0_in_header.bin"
        ))
        .unwrap();
        let err = strip_exif(&d).unwrap_err();
        assert!(
            err.contains("header"),
            "the message says what is wrong: {err}"
        );
        crate::fuzzing::exif_gps(&d);
    }

    #[test]
    fn damaged_xmp_is_refused_only_when_it_mentions_gps() {
        let damaged = |body: &str| {
            let mut p = XMP_SIG.to_vec();
            p.extend_from_slice(body.as_bytes());
            crate::fuzzing::jpeg_with_segment(APP1, &p)
        };
        let harmless = damaged("<x:xmpmeta><rdf:RDF></x:xmpmeta>");
        assert!(
            strip_gps(&harmless).unwrap() == harmless,
            "an unreadable packet without GPS passes through unchanged"
        );
        let risky = damaged("<x:xmpmeta><exif:GPSLatitude>50,57N</rdf:RDF>");
        let err = strip_gps(&risky).unwrap_err();
        assert!(
            err.to_string().contains("GPS position"),
            "an unreadable packet naming GPS is refused: {err}"
        );
    }

    #[test]
    fn exif_without_gps_is_reported_as_nothing_to_do() {
        let mut b = exif_with_gps();
        b[8] = 1; // only the Make entry
        b[22..26].fill(0);
        assert!(
            strip_exif(&b).unwrap().is_none(),
            "no GPSInfo pointer means no change"
        );
    }
}
