//! Reading editorial metadata: EXIF camera facts, IPTC IIM and XMP captions, merged with XMP
//! winning over IIM as the IPTC/MWG guidelines ask. Every string comes out NFC.

use serde::Serialize;

use crate::error::MediaError;
use crate::iptc::{self, ds};
use crate::jpeg;
use crate::probe::{orientation_of, read_container_exif};
use crate::sniff::{Format, sniff};
use crate::xmp;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GpsPosition {
    /// Signed decimal degrees: negative is south / west.
    pub latitude: f64,
    pub longitude: f64,
}

/// What the photo desk shows and edits. Empty strings never appear: absent is `None` / empty vec.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Metadata {
    /// `YYYY-MM-DDTHH:MM:SS`, with `±HH:MM` when the camera recorded OffsetTimeOriginal.
    pub captured_at: Option<String>,
    pub camera_make: Option<String>,
    pub camera_model: Option<String>,
    pub lens: Option<String>,
    /// As photographers write it: "1/250" or "2" (seconds).
    pub exposure_time: Option<String>,
    pub f_number: Option<f64>,
    pub iso: Option<u32>,
    pub focal_length_mm: Option<f64>,
    pub gps: Option<GpsPosition>,
    /// EXIF orientation 1–8.
    pub orientation: u8,

    pub caption: Option<String>,
    pub headline: Option<String>,
    pub title: Option<String>,
    pub creators: Vec<String>,
    pub credit: Option<String>,
    pub copyright: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub country: Option<String>,
    pub country_code: Option<String>,
    pub location: Option<String>,
    pub keywords: Vec<String>,
    /// Iptc4xmpCore:AltTextAccessibility (XMP only).
    pub alt_text: Option<String>,
    /// Culling marks another tool left in XMP (`xmp:Rating`, `xmp:Label`, Photo Mechanic's
    /// `photomechanic:Tagged`); see [`crate::marks`].
    pub marks: byline_protocol::Marks,

    /// Damaged metadata blocks that were skipped (the rest of the file still reads).
    pub warnings: Vec<String>,
}

/// Reads metadata from a JPEG (EXIF, IPTC, XMP) or EXIF only from PNG/WebP/TIFF/HEIC.
pub fn read_metadata(bytes: &[u8], what: &str) -> Result<Metadata, MediaError> {
    let format = sniff(bytes).ok_or_else(|| MediaError::UnknownFormat {
        what: what.to_owned(),
    })?;
    let mut m = Metadata {
        orientation: 1,
        ..Metadata::default()
    };
    if format != Format::Jpeg {
        if let Some(exif) = read_container_exif(bytes) {
            apply_exif(&mut m, &exif);
        }
        let packet = match format {
            Format::Png => png_xmp(bytes),
            Format::Webp => webp_xmp(bytes),
            _ => None,
        };
        if let Some(packet) = packet {
            match xmp::read(packet) {
                Ok(props) => apply_xmp(&mut m, &props),
                Err(e) => m.warnings.push(format!("XMP block skipped: {e}")),
            }
        }
        return Ok(m);
    }
    let l = jpeg::layout(bytes).map_err(|e| MediaError::corrupt(what, "JPEG", e))?;
    if let Some(tiff) = jpeg::exif_payload(&l.segments) {
        match exif::Reader::new().read_raw(tiff.to_vec()) {
            Ok(exif) => apply_exif(&mut m, &exif),
            Err(e) => m.warnings.push(format!("EXIF block skipped: {e}")),
        }
    }
    if let Some(ps) = jpeg::photoshop_payload(&l.segments) {
        match read_iim(&ps) {
            Ok(Some(sets)) => apply_iim(&mut m, &sets),
            Ok(None) => {}
            Err(e) => m.warnings.push(format!("IPTC block skipped: {e}")),
        }
    }
    if let Some(packet) = jpeg::xmp_payload(&l.segments) {
        match xmp::read(packet) {
            Ok(props) => apply_xmp(&mut m, &props),
            Err(e) => m.warnings.push(format!("XMP block skipped: {e}")),
        }
    }
    Ok(m)
}

/// The uncompressed `iTXt` chunk with keyword `XML:com.adobe.xmp` (how Photoshop and
/// Lightroom store XMP in PNG).
pub(crate) fn png_xmp(b: &[u8]) -> Option<&[u8]> {
    let mut pos = 8usize;
    while let Some(head) = b.get(pos..pos + 8) {
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let data = b.get(pos + 8..(pos + 8).checked_add(len)?)?;
        if &head[4..8] == b"iTXt" {
            if let Some(rest) = data.strip_prefix(b"XML:com.adobe.xmp\0") {
                // Compression flag, method, then language tag and translated keyword (NUL-ended).
                if rest.first() != Some(&0) {
                    return None;
                }
                let after_lang = rest.get(2..)?.iter().position(|&c| c == 0)? + 3;
                let after_kw =
                    rest.get(after_lang..)?.iter().position(|&c| c == 0)? + after_lang + 1;
                return rest.get(after_kw..);
            }
        } else if &head[4..8] == b"IEND" {
            return None;
        }
        pos += 12 + len;
    }
    None
}

/// The `XMP ` chunk of an extended (VP8X) WebP.
pub(crate) fn webp_xmp(b: &[u8]) -> Option<&[u8]> {
    let mut pos = 12usize;
    while let Some(head) = b.get(pos..pos + 8) {
        let len = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as usize;
        let data = b.get(pos + 8..(pos + 8).checked_add(len)?)?;
        if &head[0..4] == b"XMP " {
            return Some(data);
        }
        pos += 8 + len + (len & 1);
    }
    None
}

pub(crate) fn read_iim(photoshop: &[u8]) -> Result<Option<Vec<iptc::DataSet>>, String> {
    let resources = iptc::parse_resources(photoshop)?;
    match resources.iter().find(|r| r.id == iptc::IIM_RESOURCE) {
        Some(r) => iptc::parse_iim(&r.data).map(Some),
        None => Ok(None),
    }
}

fn clean(s: &str) -> Option<String> {
    let t = byline_text::nfc(s.trim());
    (!t.is_empty()).then_some(t)
}

fn ascii(exif: &exif::Exif, tag: exif::Tag) -> Option<String> {
    match &exif.get_field(tag, exif::In::PRIMARY)?.value {
        exif::Value::Ascii(v) => v.first().and_then(|b| clean(&String::from_utf8_lossy(b))),
        _ => None,
    }
}

fn rationals(exif: &exif::Exif, tag: exif::Tag) -> Option<Vec<f64>> {
    match &exif.get_field(tag, exif::In::PRIMARY)?.value {
        exif::Value::Rational(v) if v.iter().all(|r| r.denom != 0) => {
            Some(v.iter().map(|r| r.to_f64()).collect())
        }
        _ => None,
    }
}

fn apply_exif(m: &mut Metadata, exif: &exif::Exif) {
    use exif::Tag;
    m.orientation = orientation_of(exif).unwrap_or(1);
    m.camera_make = ascii(exif, Tag::Make);
    m.camera_model = ascii(exif, Tag::Model);
    m.lens = ascii(exif, Tag::LensModel);
    if let Some(dt) = ascii(exif, Tag::DateTimeOriginal).or_else(|| ascii(exif, Tag::DateTime)) {
        m.captured_at = exif_datetime(&dt, ascii(exif, Tag::OffsetTimeOriginal).as_deref());
    }
    if let Some(f) = exif.get_field(Tag::ExposureTime, exif::In::PRIMARY)
        && let exif::Value::Rational(v) = &f.value
        && let Some(r) = v.first().filter(|r| r.denom != 0 && r.num != 0)
    {
        let secs = r.to_f64();
        m.exposure_time = Some(if secs < 1.0 {
            format!("1/{}", (1.0 / secs).round())
        } else {
            format!("{secs}")
        });
    }
    m.f_number = rationals(exif, Tag::FNumber).and_then(|v| v.first().copied());
    m.focal_length_mm = rationals(exif, Tag::FocalLength).and_then(|v| v.first().copied());
    m.iso = exif
        .get_field(Tag::PhotographicSensitivity, exif::In::PRIMARY)
        .and_then(|f| f.value.get_uint(0));
    let coord = |v: Tag, r: Tag, neg: &str| -> Option<f64> {
        let dms = rationals(exif, v)?;
        let deg =
            dms.first()? + dms.get(1).unwrap_or(&0.0) / 60.0 + dms.get(2).unwrap_or(&0.0) / 3600.0;
        let sign = if ascii(exif, r).is_some_and(|s| s.eq_ignore_ascii_case(neg)) {
            -1.0
        } else {
            1.0
        };
        Some(sign * deg)
    };
    if let (Some(lat), Some(lon)) = (
        coord(Tag::GPSLatitude, Tag::GPSLatitudeRef, "S"),
        coord(Tag::GPSLongitude, Tag::GPSLongitudeRef, "W"),
    ) && (lat != 0.0 || lon != 0.0)
        && lat.abs() <= 90.0
        && lon.abs() <= 180.0
    {
        m.gps = Some(GpsPosition {
            latitude: lat,
            longitude: lon,
        });
    }
}

/// "2021:10:28 14:13:45" (+ "+07:00") → "2021-10-28T14:13:45+07:00"; `None` for blank dates.
fn exif_datetime(dt: &str, offset: Option<&str>) -> Option<String> {
    let b = dt.as_bytes();
    // Slicing below is by byte; a damaged (non-ASCII) date must not split a character.
    if b.len() < 19
        || !b[..19].is_ascii()
        || !b[..4].iter().all(u8::is_ascii_digit)
        || dt.starts_with("0000")
    {
        return None;
    }
    let mut s = format!("{}-{}-{}T{}", &dt[0..4], &dt[5..7], &dt[8..10], &dt[11..19]);
    if let Some(o) = offset.filter(|o| o.len() == 6 && (o.starts_with('+') || o.starts_with('-'))) {
        s.push_str(o);
    }
    Some(s)
}

fn apply_iim(m: &mut Metadata, sets: &[iptc::DataSet]) {
    let utf8 = iptc::is_utf8(sets);
    let all = |n: u8| -> Vec<String> {
        sets.iter()
            .filter(|s| s.record == 2 && s.dataset == n)
            .filter_map(|s| clean(&iptc::decode(&s.value, utf8)))
            .collect()
    };
    let one = |n: u8| all(n).into_iter().next();
    m.caption = one(ds::CAPTION);
    m.headline = one(ds::HEADLINE);
    m.title = one(ds::OBJECT_NAME);
    m.creators = all(ds::BYLINE);
    m.credit = one(ds::CREDIT);
    m.copyright = one(ds::COPYRIGHT);
    m.city = one(ds::CITY);
    m.state = one(ds::STATE);
    m.country = one(ds::COUNTRY);
    m.country_code = one(ds::COUNTRY_CODE);
    m.location = one(ds::SUBLOCATION);
    m.keywords = all(ds::KEYWORDS);
}

fn apply_xmp(m: &mut Metadata, p: &xmp::XmpProps) {
    let all = |k: &str| -> Vec<String> {
        p.get(k)
            .map(|v| v.iter().filter_map(|s| clean(s)).collect())
            .unwrap_or_default()
    };
    let one = |k: &str| all(k).into_iter().next();
    // XMP wins where it has a value; IIM fills the gaps (IPTC/MWG reconciliation).
    let pick = |slot: &mut Option<String>, k: &str| {
        if let Some(v) = one(k) {
            *slot = Some(v);
        }
    };
    pick(&mut m.caption, "dc:description");
    pick(&mut m.headline, "photoshop:Headline");
    pick(&mut m.title, "dc:title");
    pick(&mut m.credit, "photoshop:Credit");
    pick(&mut m.copyright, "dc:rights");
    pick(&mut m.city, "photoshop:City");
    pick(&mut m.state, "photoshop:State");
    pick(&mut m.country, "photoshop:Country");
    pick(&mut m.country_code, "Iptc4xmpCore:CountryCode");
    pick(&mut m.location, "Iptc4xmpCore:Location");
    pick(&mut m.alt_text, "Iptc4xmpCore:AltTextAccessibility");
    let creators = all("dc:creator");
    if !creators.is_empty() {
        m.creators = creators;
    }
    let keywords = all("dc:subject");
    if !keywords.is_empty() {
        m.keywords = keywords;
    }
    m.marks = crate::marks::from_xmp(p);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_time_carries_the_offset_only_when_recorded() {
        assert_eq!(
            exif_datetime("2021:10:28 14:13:45", Some("+07:00")).as_deref(),
            Some("2021-10-28T14:13:45+07:00")
        );
        assert_eq!(
            exif_datetime("2021:10:28 14:13:45", None).as_deref(),
            Some("2021-10-28T14:13:45")
        );
        assert_eq!(
            exif_datetime("0000:00:00 00:00:00", None),
            None,
            "cameras without a clock write zeros"
        );
    }
}
