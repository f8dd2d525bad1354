//! Cheap header probing: stored and displayed size, EXIF orientation, and the pixel-count guard
//! that refuses decompression bombs before any pixel buffer is allocated.

use serde::Serialize;

use crate::error::MediaError;
use crate::jpeg;
use crate::sniff::{Format, sniff};

/// Refuse images above this many pixels unless the caller says otherwise (200 MP covers every
/// camera a newsroom uses, and 200 MP of RGB is already 600 MB).
pub const DEFAULT_MAX_PIXELS: u64 = 200_000_000;

/// What the header says, without decoding pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Probe {
    pub format: Format,
    /// As stored in the file.
    pub width: u32,
    pub height: u32,
    /// EXIF orientation 1–8 (missing or out-of-range values read as 1).
    pub orientation: u8,
    /// After applying the orientation (swapped for 5–8).
    pub display_width: u32,
    pub display_height: u32,
}

/// Probes `bytes`; `what` (usually the path) names the file in errors.
pub fn probe(bytes: &[u8], what: &str) -> Result<Probe, MediaError> {
    probe_with_limit(bytes, what, DEFAULT_MAX_PIXELS)
}

/// Like [`probe`] with a caller-chosen pixel limit.
pub fn probe_with_limit(bytes: &[u8], what: &str, max_pixels: u64) -> Result<Probe, MediaError> {
    let format = sniff(bytes).ok_or_else(|| MediaError::UnknownFormat {
        what: what.to_owned(),
    })?;
    let (width, height, orientation) = match format {
        Format::Jpeg => {
            let l = jpeg::layout(bytes).map_err(|e| MediaError::corrupt(what, "JPEG", e))?;
            let (w, h, _) = jpeg::frame_info(&l.segments).ok_or_else(|| {
                MediaError::corrupt(what, "JPEG", "no frame header (SOF) before the image data")
            })?;
            let o = jpeg::exif_payload(&l.segments)
                .and_then(|p| orientation_from_tiff(p.to_vec()))
                .unwrap_or(1);
            (w, h, o)
        }
        Format::Png => {
            let ihdr = bytes.get(16..24).ok_or_else(|| {
                MediaError::corrupt(what, "PNG", "file ends inside the IHDR header")
            })?;
            let w = u32::from_be_bytes([ihdr[0], ihdr[1], ihdr[2], ihdr[3]]);
            let h = u32::from_be_bytes([ihdr[4], ihdr[5], ihdr[6], ihdr[7]]);
            (w, h, container_orientation(bytes))
        }
        Format::Webp => {
            let (w, h) = webp_size(bytes).ok_or_else(|| {
                MediaError::corrupt(what, "WebP", "no readable VP8/VP8L/VP8X header")
            })?;
            (w, h, container_orientation(bytes))
        }
        Format::Tiff => {
            let dims = image::ImageReader::with_format(
                std::io::Cursor::new(bytes),
                image::ImageFormat::Tiff,
            )
            .into_dimensions()
            .map_err(|e| MediaError::corrupt(what, "TIFF", e.to_string()))?;
            (dims.0, dims.1, container_orientation(bytes))
        }
        Format::Heif => {
            let (w, h) = heif_size(bytes).ok_or_else(|| {
                MediaError::corrupt(what, "HEIC", "no image size (ispe) property")
            })?;
            (w, h, container_orientation(bytes))
        }
    };
    if width == 0 || height == 0 {
        return Err(MediaError::corrupt(
            what,
            format.name(),
            format!("header says {width}x{height} pixels"),
        ));
    }
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(MediaError::TooLarge {
            what: what.to_owned(),
            width: width.into(),
            height: height.into(),
            limit_mp: max_pixels / 1_000_000,
        });
    }
    let (display_width, display_height) = if orientation >= 5 {
        (height, width)
    } else {
        (width, height)
    };
    Ok(Probe {
        format,
        width,
        height,
        orientation,
        display_width,
        display_height,
    })
}

/// Orientation from a raw TIFF/EXIF block; `None` when absent or unreadable.
pub(crate) fn orientation_from_tiff(tiff: Vec<u8>) -> Option<u8> {
    let exif = exif::Reader::new().read_raw(tiff).ok()?;
    orientation_of(&exif)
}

pub(crate) fn orientation_of(exif: &exif::Exif) -> Option<u8> {
    let v = exif
        .get_field(exif::Tag::Orientation, exif::In::PRIMARY)?
        .value
        .get_uint(0)?;
    (1..=8).contains(&v).then_some(v as u8)
}

fn container_orientation(bytes: &[u8]) -> u8 {
    read_container_exif(bytes)
        .as_ref()
        .and_then(orientation_of)
        .unwrap_or(1)
}

/// EXIF from PNG eXIf, WebP EXIF, TIFF IFD0 or HEIF Exif item (kamadak-exif knows these).
pub(crate) fn read_container_exif(bytes: &[u8]) -> Option<exif::Exif> {
    exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(bytes))
        .ok()
}

fn webp_size(b: &[u8]) -> Option<(u32, u32)> {
    let chunk = b.get(12..16)?;
    let d = b.get(20..)?;
    match chunk {
        b"VP8X" => {
            let w = 1
                + (u32::from(*d.get(4)?)
                    | u32::from(*d.get(5)?) << 8
                    | u32::from(*d.get(6)?) << 16);
            let h = 1
                + (u32::from(*d.get(7)?)
                    | u32::from(*d.get(8)?) << 8
                    | u32::from(*d.get(9)?) << 16);
            Some((w, h))
        }
        b"VP8 " => {
            // Frame tag (3 bytes), start code 9D 01 2A, then 14-bit width and height.
            if d.get(3..6)? != [0x9D, 0x01, 0x2A] {
                return None;
            }
            let w = u16::from_le_bytes([*d.get(6)?, *d.get(7)?]) & 0x3FFF;
            let h = u16::from_le_bytes([*d.get(8)?, *d.get(9)?]) & 0x3FFF;
            Some((w.into(), h.into()))
        }
        b"VP8L" => {
            if *d.first()? != 0x2F {
                return None;
            }
            let bits = u32::from_le_bytes([*d.get(1)?, *d.get(2)?, *d.get(3)?, *d.get(4)?]);
            Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        _ => None,
    }
}

/// ISO BMFF boxes as (type, payload) within `b`.
fn boxes(b: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        let head = b.get(pos..pos + 8)?;
        let size32 = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let (hdr, size) = match size32 {
            0 => (8, b.len() - pos),
            1 => {
                let s = b.get(pos + 8..pos + 16)?;
                (
                    16,
                    usize::try_from(u64::from_be_bytes(s.try_into().ok()?)).ok()?,
                )
            }
            s => (8, s),
        };
        if size < hdr {
            return None;
        }
        let payload = b.get(pos + hdr..pos.checked_add(size)?)?;
        let kind = &head[4..8];
        pos += size;
        Some((kind, payload))
    })
}

/// The largest `ispe` (image spatial extent) in meta/iprp/ipco: the primary image, not a thumbnail.
/// Grid-tiled HEICs carry the full size on the grid item, which also has an ispe.
fn heif_size(b: &[u8]) -> Option<(u32, u32)> {
    let meta = boxes(b).find(|(k, _)| *k == b"meta")?.1.get(4..)?; // full box: skip version/flags
    let iprp = boxes(meta).find(|(k, _)| *k == b"iprp")?.1;
    let ipco = boxes(iprp).find(|(k, _)| *k == b"ipco")?.1;
    boxes(ipco)
        .filter(|(k, _)| *k == b"ispe")
        .filter_map(|(_, p)| {
            let w = u32::from_be_bytes(p.get(4..8)?.try_into().ok()?);
            let h = u32::from_be_bytes(p.get(8..12)?.try_into().ok()?);
            Some((w, h))
        })
        .max_by_key(|(w, h)| u64::from(*w) * u64::from(*h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_60000_square_jpeg_header_is_refused_before_decoding() {
        // SOI, SOF0 declaring 60000x60000x3, then EOI: no pixel data at all.
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 8];
        b.extend_from_slice(&60000u16.to_be_bytes());
        b.extend_from_slice(&60000u16.to_be_bytes());
        b.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9]);
        let err = probe(&b, "bomb.jpg").unwrap_err();
        assert!(
            matches!(err, MediaError::TooLarge { width: 60000, .. }),
            "expected TooLarge, got {err}"
        );
    }
}
