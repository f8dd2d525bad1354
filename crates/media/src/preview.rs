//! Embedded JPEG previews: MPF "large thumbnail" images and the Nikon maker-note preview. A
//! thumbnail made from a 640–1920 px preview costs a fraction of decoding a 24 MP frame, so when
//! one is big enough and shows the same picture it is used instead.
//!
//! The EXIF IFD1 thumbnail is deliberately not a candidate: it is made for file-browser icons
//! and cameras compress it hard. Measured on the corpus, the Samsung S7's 512×384 IFD1
//! thumbnail (quality ≈50) is 26 dB from the full image at its own size, and a 320 px rendition
//! from it lost 8.4 dB against the full decode; the Oppo R7's 240×320 one lost 5.6 dB.
//!
//! Every offset and size comes from the file: each candidate is bounds-checked, must be a JPEG
//! whose own frame header gives its size, must end in an EOI marker, and must have the main
//! image's aspect ratio; anything else is ignored and the main image is decoded as usual.

use serde::Serialize;

use crate::jpeg::{self, APP2, JpegLayout};
use crate::tiff::Tiff;

/// Where an embedded preview was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PreviewSource {
    /// A CIPA DC-007 Multi-Picture Format "large thumbnail" image appended after the main image.
    Mpf,
    /// Nikon maker note PreviewIFD (PreviewImageStart/Length).
    NikonMakerNote,
}

/// A preview whose header checked out: its bytes and stored size.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Preview<'a> {
    pub source: PreviewSource,
    pub jpeg: &'a [u8],
    pub width: u32,
    pub height: u32,
}

/// The greatest relative difference in aspect ratio for a preview to count as the same picture;
/// some cameras crop the preview by a few pixels (Nikon D90: 570×375 for 4288×2848, 0.96 %).
const MAX_ASPECT_DIFF: f64 = 0.01;

const EXIF_IFD: u16 = 0x8769;
const MAKER_NOTE: u16 = 0x927C;
const PREVIEW_START: u16 = 0x0201;
const PREVIEW_LENGTH: u16 = 0x0202;
const NIKON_PREVIEW_IFD: u16 = 0x0011;
const MP_ENTRY: u16 = 0xB002;
/// MP type codes for "large thumbnail" (VGA and full HD class). Other MPF images (HDR gain maps,
/// stereo pairs, panorama frames) are not the same picture.
const MP_LARGE_THUMBNAILS: [u32; 2] = [0x01_0001, 0x01_0002];

/// The smallest embedded preview whose long edge is at least `long_edge` × `headroom` and whose
/// aspect ratio matches the stored `width`×`height` of the main image. The headroom is the one
/// the DCT-scaled decode uses, for the same reason: previews are compressed harder than the main
/// image (the D90's at quality ≈40), and a real downscale hides that; a preview resized 1:1 or
/// barely at all passes its artefacts straight on. Previews are stored in the sensor's
/// orientation like the main image, so the main image's EXIF orientation applies to them too; a
/// preview that only matches once transposed is someone else's rotation and is not used.
pub(crate) fn pick<'a>(
    bytes: &'a [u8],
    layout: &JpegLayout<'a>,
    width: u32,
    height: u32,
    long_edge: u32,
    headroom: f64,
) -> Option<Preview<'a>> {
    let main_aspect = f64::from(width) / f64::from(height.max(1));
    all(bytes, layout)
        .into_iter()
        .filter(|p| f64::from(p.width.max(p.height)) >= f64::from(long_edge) * headroom)
        // A preview larger than the image it previews is not a preview.
        .filter(|p| p.width <= width && p.height <= height)
        .filter(|p| {
            let a = f64::from(p.width) / f64::from(p.height);
            (a - main_aspect).abs() / main_aspect <= MAX_ASPECT_DIFF
        })
        .min_by_key(|p| u64::from(p.width) * u64::from(p.height))
}

/// Every embedded preview whose header checks out, whatever its size.
pub(crate) fn all<'a>(bytes: &'a [u8], layout: &JpegLayout<'a>) -> Vec<Preview<'a>> {
    let mut found: Vec<(PreviewSource, &'a [u8])> = Vec::new();
    if let Some(tiff) = jpeg::exif_payload(&layout.segments) {
        found.extend(nikon(tiff).map(|p| (PreviewSource::NikonMakerNote, p)));
    }
    found.extend(
        mpf_images(bytes, layout)
            .into_iter()
            .filter(|(kind, _, _)| MP_LARGE_THUMBNAILS.contains(kind))
            .map(|(_, _, p)| (PreviewSource::Mpf, p)),
    );
    found
        .into_iter()
        .filter_map(|(source, jpeg)| checked(source, jpeg))
        .collect()
}

/// A candidate counts when it is a JPEG with a frame header before its scan and ends in EOI
/// (trailing zero padding allowed): a bogus length cutting it short is caught here.
fn checked(source: PreviewSource, bytes: &[u8]) -> Option<Preview<'_>> {
    let l = jpeg::layout(bytes).ok()?;
    let (width, height, _) = jpeg::frame_info(&l.segments)?;
    if width == 0 || height == 0 || l.scan_and_rest.is_empty() {
        return None;
    }
    let end = bytes.iter().rposition(|&b| b != 0)? + 1;
    if !bytes[..end].ends_with(&[0xFF, 0xD9]) {
        return None;
    }
    Some(Preview {
        source,
        jpeg: &bytes[..end],
        width,
        height,
    })
}

/// Nikon type-3 maker notes: "Nikon\0", 2 version bytes, 2 zero bytes, then a TIFF block whose
/// offsets count from its own header. The preview usually lies inside the maker note but is
/// looked up in the rest of the EXIF block, which bounds it either way.
fn nikon(tiff: &[u8]) -> Option<&[u8]> {
    let (t, ifd0) = Tiff::parse(tiff)?;
    let ifd0 = t.ifd(ifd0 as usize)?;
    let exif = t.ifd(t.uint(ifd0.find(EXIF_IFD)?)? as usize)?;
    let note = exif.find(MAKER_NOTE)?;
    let body = tiff.get(note.value_at..)?;
    if !body.starts_with(b"Nikon\0") {
        return None;
    }
    let (nt, first) = Tiff::parse(body.get(10..)?)?;
    let main = nt.ifd(first as usize)?;
    let preview = nt.ifd(nt.uint(main.find(NIKON_PREVIEW_IFD)?)? as usize)?;
    let at = nt.uint(preview.find(PREVIEW_START)?)? as usize;
    let len = nt.uint(preview.find(PREVIEW_LENGTH)?)? as usize;
    nt.data.get(at..at.checked_add(len)?)
}

/// The images an MPF index lists besides the primary one, as (MP type code, where the image
/// starts in the file, its bytes); entries pointing outside the file are left out.
///
/// Each index entry is 16 bytes: attribute (type code in the low 24 bits), size, offset from
/// the MP header (just after "MPF\0"), two dependent-image entries.
pub(crate) fn mpf_images<'a>(
    file: &'a [u8],
    layout: &JpegLayout<'_>,
) -> Vec<(u32, usize, &'a [u8])> {
    let mut out = Vec::new();
    for s in &layout.segments {
        let Some(mp) = s.data.strip_prefix(b"MPF\0").filter(|_| s.marker == APP2) else {
            continue;
        };
        let base = s.offset + 4;
        let Some((t, first)) = Tiff::parse(mp) else {
            continue;
        };
        let Some(e) = t
            .ifd(first as usize)
            .and_then(|i| i.find(MP_ENTRY).copied())
        else {
            continue;
        };
        let Some(len) = e.value_len.filter(|_| e.kind == 7) else {
            continue;
        };
        // At most a few images per file; a huge count is damage, not a reason to loop.
        for i in 0..(len / 16).min(16) {
            let rec = e.value_at + 16 * i;
            let (Some(attr), Some(size), Some(offset)) =
                (t.u32(rec), t.u32(rec + 4), t.u32(rec + 8))
            else {
                break;
            };
            if offset == 0 {
                continue; // The primary image: the file itself.
            }
            let Some(start) = base.checked_add(offset as usize) else {
                continue;
            };
            if let Some(img) = start
                .checked_add(size as usize)
                .and_then(|end| file.get(start..end))
            {
                out.push((attr & 0x00FF_FFFF, start, img));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preview_cut_short_by_a_bogus_length_is_ignored() {
        let mut j = crate::fuzzing::jpeg_with_segment(0xE0, b"JFIF\0");
        assert!(
            checked(PreviewSource::Mpf, &j).is_some(),
            "the complete shell counts as a preview"
        );
        j.truncate(j.len() - 2);
        assert!(
            checked(PreviewSource::Mpf, &j).is_none(),
            "without its EOI the preview may be cut off and must not be used"
        );
        j.extend_from_slice(&[0xFF, 0xD9, 0, 0, 0]);
        assert!(
            checked(PreviewSource::Mpf, &j).is_some(),
            "zero padding after the EOI is common and fine"
        );
    }
}
