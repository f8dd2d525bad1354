//! Removing where a photo was taken before it is published: the EXIF GPS IFD and the XMP
//! `exif:GPS*` properties, edited in place so that the scan data and every other field stay as
//! they are. This module is the one place that decides whether a photo carries a location and
//! whether it can go out without it ([`publish_copy`] reports both); callers do not second-guess
//! it. JPEG, PNG (`eXIf`, XMP `iTXt`), WebP (`EXIF`, `XMP ` chunks) and TIFF (the file's own
//! IFDs, XMP tag) are cleaned; whatever may hold a position it cannot clean (HEIC, compressed or
//! legacy text chunks that name it, damaged blocks) is refused with [`MediaError::GpsNotRemovable`].
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
use crate::preview::mpf_images;
use crate::probe::read_container_exif;
use crate::sniff::{Format, sniff};
use crate::tiff::Tiff;
use crate::xmp;

const GPS_INFO: u16 = 0x8825;
/// TIFF tags that carry XMP and Photoshop resources (which may embed EXIF or XMP of their own).
const TIFF_XMP: u16 = 700;
const TIFF_PHOTOSHOP: u16 = 34377;
const EXIF_SIG: &[u8] = b"Exif\0\0";
const XMP_EXTENSION_SIG: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
const WHAT: &str = "photo";

/// What became of a photo's location on the way to its public copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GpsOutcome {
    /// No GPS data anywhere this format keeps metadata.
    NotFound,
    /// GPS data was there and is gone from the copy.
    Removed,
    /// GPS data is there and stays, as asked.
    Kept,
}

/// The copy of a photo that goes out with a story, and what making it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicCopy {
    pub bytes: Vec<u8>,
    /// Whether the caption fields are embedded: JPEG only for now; other formats go out with
    /// the metadata they came with (less any location).
    pub captioned: bool,
    pub gps: GpsOutcome,
}

/// Returns a copy of a JPEG, PNG, WebP or TIFF with no GPS position left in its EXIF or XMP;
/// the image data and all other metadata are untouched. A file without GPS comes back byte for
/// byte unchanged. What cannot be cleaned safely is refused ([`MediaError::GpsNotRemovable`]),
/// never passed on.
pub fn strip_gps(photo: &[u8]) -> Result<Vec<u8>, MediaError> {
    strip(photo, WHAT).map(|s| s.bytes)
}

/// The copy that goes out with a story: the caption fields written in (JPEG), and the location
/// removed when `strip_gps` is set (the default for anything published). `what` names the photo
/// in errors.
pub fn publish_copy(
    original: &[u8],
    fields: &CaptionFields,
    strip_gps: bool,
    what: &str,
) -> Result<PublicCopy, MediaError> {
    let captioned = match sniff(original) {
        Some(Format::Jpeg) => true,
        Some(_) => false,
        None => return Err(MediaError::UnknownFormat { what: what.into() }),
    };
    let base = if captioned {
        write_caption(original, fields)?
    } else {
        original.to_vec()
    };
    if strip_gps {
        let s = strip(&base, what)?;
        let gps = if s.found {
            GpsOutcome::Removed
        } else {
            GpsOutcome::NotFound
        };
        return Ok(PublicCopy {
            bytes: s.bytes,
            captioned,
            gps,
        });
    }
    // Whatever stripping would find (or refuse for fear of missing it) counts as kept.
    let found = strip(&base, what).map_or(true, |s| s.found);
    let gps = if found {
        GpsOutcome::Kept
    } else {
        GpsOutcome::NotFound
    };
    Ok(PublicCopy {
        bytes: base,
        captioned,
        gps,
    })
}

/// A photo after stripping, and whether there was anything to strip.
struct Stripped {
    bytes: Vec<u8>,
    found: bool,
}

impl Stripped {
    fn unchanged(bytes: &[u8]) -> Stripped {
        Stripped {
            bytes: bytes.to_vec(),
            found: false,
        }
    }
}

fn strip(bytes: &[u8], what: &str) -> Result<Stripped, MediaError> {
    let format = sniff(bytes).ok_or_else(|| MediaError::UnknownFormat { what: what.into() })?;
    let out = match format {
        Format::Jpeg => strip_jpeg(bytes, what)?,
        Format::Png => strip_png(bytes, what)?,
        Format::Webp => strip_webp(bytes, what)?,
        Format::Tiff => strip_tiff(bytes, what)?,
        Format::Heif => {
            return Err(not_removable(
                what,
                format,
                "Byline cannot read or edit where HEIC keeps its metadata",
            ));
        }
    };
    // A second, independent reader over the whole result: no GPS tag may survive.
    if out.found
        && let Some(exif) = read_container_exif(&out.bytes)
        && exif.fields().any(|f| f.tag.context() == exif::Context::Gps)
    {
        return Err(not_removable(
            what,
            format,
            "a GPS tag is still readable after removal",
        ));
    }
    Ok(out)
}

fn not_removable(what: &str, format: Format, detail: impl Into<String>) -> MediaError {
    MediaError::GpsNotRemovable {
        what: what.into(),
        format: format.name(),
        detail: detail.into(),
    }
}

/// An XMP packet without GPS: `None` when it has none; a packet that cannot be parsed is refused
/// only if it mentions GPS at all (in UTF-8 or UTF-16), otherwise it is left as it is.
fn clean_xmp(packet: &[u8]) -> Result<Option<Vec<u8>>, String> {
    match xmp::remove_location(packet) {
        Ok(clean) => Ok(clean),
        Err(e) if mentions_gps(packet) => Err(format!("{e} (the XMP may hold a GPS position)")),
        Err(_) => Ok(None),
    }
}

/// PNG: `eXIf` is cleaned in place, the XMP `iTXt` chunk rewritten without GPS (chunks carry no
/// offsets, so only that chunk's length and CRC change).
fn strip_png(b: &[u8], what: &str) -> Result<Stripped, MediaError> {
    let refuse = |d: String| not_removable(what, Format::Png, d);
    let corrupt = |d: &str| MediaError::corrupt(what, "PNG", d);
    let mut out = b[..8].to_vec();
    let mut found = false;
    let mut pos = 8usize;
    while pos < b.len() {
        let head = b
            .get(pos..pos + 8)
            .ok_or_else(|| corrupt("a chunk header is cut off"))?;
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind: [u8; 4] = [head[4], head[5], head[6], head[7]];
        let end = (pos + 12)
            .checked_add(len)
            .filter(|&e| e <= b.len())
            .ok_or_else(|| corrupt("a chunk runs past the end of the file"))?;
        let data = &b[pos + 8..pos + 8 + len];
        let mut new: Option<Vec<u8>> = None;
        match &kind {
            // `exIf` is the name the chunk had before PNG 1.5 made it `eXIf`.
            b"eXIf" | b"exIf" => new = strip_exif(data).map_err(refuse)?,
            // ExifTool's older compressed EXIF chunk, which it still reads.
            b"zxIf" => {
                return Err(refuse(
                    "its EXIF is compressed (zxIf), so a GPS position in it cannot be removed"
                        .into(),
                ));
            }
            b"iTXt" | b"tEXt" | b"zTXt" => {
                let keyword = data.split(|&c| c == 0).next().unwrap_or_default();
                let is_xmp = keyword == b"XML:com.adobe.xmp";
                if is_xmp && &kind == b"tEXt" {
                    // Non-standard but read by other tools: the packet right after the keyword.
                    let at = keyword.len() + 1;
                    if let Some(clean) = clean_xmp(&data[at.min(data.len())..]).map_err(refuse)? {
                        new = Some([&data[..at], &clean].concat());
                    }
                } else if is_xmp && &kind == b"zTXt" {
                    return Err(refuse(
                        "its XMP is compressed, so a GPS position in it cannot be checked".into(),
                    ));
                } else if is_xmp {
                    let at = itxt_text_at(data)
                        .ok_or_else(|| refuse("its XMP chunk header is damaged".into()))?;
                    if data[keyword.len() + 1] != 0 {
                        return Err(refuse(
                            "its XMP is compressed, so a GPS position in it cannot be checked"
                                .into(),
                        ));
                    }
                    if let Some(clean) = clean_xmp(&data[at..]).map_err(refuse)? {
                        new = Some([&data[..at], &clean].concat());
                    }
                } else if is_raw_profile(keyword) {
                    // ImageMagick's hex-encoded EXIF/XMP: other tools read a position from it.
                    return Err(refuse(format!(
                        "its \"{}\" text chunk may hold a GPS position",
                        String::from_utf8_lossy(keyword)
                    )));
                }
            }
            _ => {}
        }
        match new {
            Some(data) => {
                found = true;
                let len = u32::try_from(data.len())
                    .map_err(|_| corrupt("a metadata chunk is over 4 GB"))?;
                out.extend_from_slice(&len.to_be_bytes());
                out.extend_from_slice(&kind);
                out.extend_from_slice(&data);
                out.extend_from_slice(&crc32(&[&kind, &data]).to_be_bytes());
            }
            None => out.extend_from_slice(&b[pos..end]),
        }
        pos = end;
        if &kind == b"IEND" {
            out.extend_from_slice(&b[pos..]);
            break;
        }
    }
    if !found {
        return Ok(Stripped::unchanged(b));
    }
    Ok(Stripped { bytes: out, found })
}

/// Where the text of an `iTXt` chunk starts: after keyword, compression flag and method,
/// language tag and translated keyword.
fn itxt_text_at(data: &[u8]) -> Option<usize> {
    let flag_at = data.iter().position(|&c| c == 0)? + 1;
    let lang_at = flag_at + 2;
    let kw_at = data.get(lang_at..)?.iter().position(|&c| c == 0)? + lang_at + 1;
    Some(data.get(kw_at..)?.iter().position(|&c| c == 0)? + kw_at + 1)
}

fn is_raw_profile(keyword: &[u8]) -> bool {
    let k = String::from_utf8_lossy(keyword).to_ascii_lowercase();
    ["exif", "app1", "xmp", "8bim"]
        .iter()
        .any(|t| k == format!("raw profile type {t}"))
}

/// The CRC-32 of PNG chunks (ISO 3309), over type and data.
pub(crate) fn crc32(parts: &[&[u8]]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    for p in parts {
        h.update(p);
    }
    h.finalize()
}

/// WebP: the `EXIF` chunk is cleaned in place, the `XMP ` chunk rewritten without GPS and the
/// RIFF size set again (chunks carry no offsets).
fn strip_webp(b: &[u8], what: &str) -> Result<Stripped, MediaError> {
    let refuse = |d: String| not_removable(what, Format::Webp, d);
    let corrupt = |d: &str| MediaError::corrupt(what, "WebP", d);
    let riff_len = b
        .get(4..8)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
        .ok_or_else(|| corrupt("the RIFF header is cut off"))?;
    let riff_end = riff_len.saturating_add(8).min(b.len());
    let mut out = b[..12].to_vec();
    let mut found = false;
    let mut pos = 12usize;
    while pos < riff_end {
        let head = b
            .get(pos..pos + 8)
            .ok_or_else(|| corrupt("a chunk header is cut off"))?;
        let len = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as usize;
        let data_end = (pos + 8)
            .checked_add(len)
            .filter(|&e| e <= b.len())
            .ok_or_else(|| corrupt("a chunk runs past the end of the file"))?;
        let data = &b[pos + 8..data_end];
        let mut new: Option<Vec<u8>> = None;
        match &head[..4] {
            b"EXIF" => {
                // Some writers keep the JPEG-style "Exif\0\0" in front of the TIFF header.
                let (sig, tiff) = match data.strip_prefix(EXIF_SIG) {
                    Some(t) => (EXIF_SIG, t),
                    None => (&[][..], data),
                };
                if let Some(clean) = strip_exif(tiff).map_err(refuse)? {
                    new = Some([sig, &clean].concat());
                }
            }
            b"XMP " => new = clean_xmp(data).map_err(refuse)?,
            _ => {}
        }
        let data = match &new {
            Some(d) => {
                found = true;
                d.as_slice()
            }
            None => data,
        };
        let new_len = u32::try_from(data.len()).map_err(|_| corrupt("a chunk is over 4 GB"))?;
        out.extend_from_slice(&head[..4]);
        out.extend_from_slice(&new_len.to_le_bytes());
        out.extend_from_slice(data);
        if data.len() % 2 == 1 {
            out.push(0);
        }
        // Odd chunks are padded to an even length.
        pos = data_end + len % 2;
    }
    if !found {
        return Ok(Stripped::unchanged(b));
    }
    let riff = u32::try_from(out.len() - 8).map_err(|_| corrupt("the file is over 4 GB"))?;
    out[4..8].copy_from_slice(&riff.to_le_bytes());
    // Bytes after the RIFF chunk are no part of the image; they stay as they were.
    out.extend_from_slice(b.get(pos.max(riff_end)..).unwrap_or_default());
    Ok(Stripped { bytes: out, found })
}

/// TIFF: the file is one TIFF block, so the EXIF edit works in place on it as on a JPEG's, and
/// the XMP tag is rewritten in place, padded with spaces to its old length.
fn strip_tiff(b: &[u8], what: &str) -> Result<Stripped, MediaError> {
    let refuse = |d: String| not_removable(what, Format::Tiff, d);
    let (t, ifd0_at) =
        Tiff::parse(b).ok_or_else(|| MediaError::corrupt(what, "TIFF", "no TIFF header"))?;
    let ifd0 = t
        .ifd(ifd0_at as usize)
        .ok_or_else(|| MediaError::corrupt(what, "TIFF", "IFD0 lies outside the file"))?;
    // Readers follow GPSInfo from any page; the in-place edit covers the first two.
    let mut seen = vec![ifd0.at];
    let mut next = ifd0.next as usize;
    while next != 0 && !seen.contains(&next) && seen.len() < 1024 {
        let Some(ifd) = t.ifd(next) else { break };
        if seen.len() >= 2 && ifd.find(GPS_INFO).is_some() {
            return Err(refuse("a page after the second one has GPS".into()));
        }
        seen.push(next);
        next = ifd.next as usize;
    }
    let mut out = strip_exif(b).map_err(refuse)?;
    let mut found = out.is_some();
    for e in &ifd0.entries {
        let Some(range) = e
            .value_len
            .and_then(|l| Some(e.value_at..e.value_at.checked_add(l)?))
            .filter(|r| r.end <= b.len())
        else {
            continue;
        };
        let value = &b[range.clone()];
        match e.tag {
            TIFF_XMP => {
                if let Some(clean) = clean_xmp(value).map_err(refuse)? {
                    if clean.len() > value.len() {
                        return Err(refuse(
                            "its XMP without GPS would not fit where the XMP was".into(),
                        ));
                    }
                    let o = out.get_or_insert_with(|| b.to_vec());
                    let slot = &mut o[range];
                    slot[..clean.len()].copy_from_slice(&clean);
                    slot[clean.len()..].fill(b' ');
                    found = true;
                }
            }
            TIFF_PHOTOSHOP if mentions_gps(value) => {
                return Err(refuse(
                    "its Photoshop resources may hold a GPS position".into(),
                ));
            }
            _ => {}
        }
    }
    Ok(match out {
        Some(bytes) => Stripped { bytes, found },
        None => Stripped::unchanged(b),
    })
}

fn strip_jpeg(bytes: &[u8], what: &str) -> Result<Stripped, MediaError> {
    let corrupt = |e: String| MediaError::corrupt(what, "JPEG", e);
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
                what: what.into(),
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
                    what: what.into(),
                    format: "MPF",
                    hint: "an image embedded after the main one has XMP that may hold a GPS position Byline cannot remove; remove it with `exiftool -gps:all= -xmp-exif:gps*=` first",
                });
            }
        }
    }
    if replaced.iter().all(Option::is_none) && patches.is_empty() {
        return Ok(Stripped::unchanged(bytes));
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    for (s, new) in l.segments.iter().zip(&replaced) {
        let data = new.as_deref().unwrap_or(s.data);
        if data.len() > 65533 {
            return Err(MediaError::Internal {
                what: what.into(),
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
                    what: what.into(),
                    stage: "strip_gps",
                    detail: "an embedded image's EXIF lies outside the file".into(),
                });
            }
        }
    }
    Ok(Stripped {
        bytes: out,
        found: true,
    })
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
