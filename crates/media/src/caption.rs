//! Caption write-back into JPEG: IPTC IIM in APP13 and XMP in APP1, rebuilt header segments,
//! scan data copied byte for byte (no re-encode, no quality loss).

use serde::{Deserialize, Serialize};

use crate::error::MediaError;
use crate::iptc::{self, DataSet, Resource, ds};
use crate::jpeg::{self, APP1, APP13, PHOTOSHOP_SIG, XMP_SIG};
use crate::sniff::{Format, sniff};
use crate::xmp::{self, Kind, SetProp};

/// Fields to write. `None` leaves a field as it is; `Some` of an empty value removes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptionFields {
    pub caption: Option<String>,
    pub headline: Option<String>,
    pub creators: Option<Vec<String>>,
    pub credit: Option<String>,
    pub copyright: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub country: Option<String>,
    pub keywords: Option<Vec<String>>,
    /// Sublocation (district, venue): Iptc4xmpCore:Location and IIM 2:92.
    #[serde(default)]
    pub location: Option<String>,
    /// ISO 3166 two- or three-letter code ("VN"): Iptc4xmpCore:CountryCode and IIM 2:100.
    #[serde(default)]
    pub country_code: Option<String>,
    /// Alternative text for screen readers: Iptc4xmpCore:AltTextAccessibility (XMP only; IIM
    /// has no such field).
    #[serde(default)]
    pub alt_text: Option<String>,
    /// Culling marks (XMP only: `xmp:Rating`, `xmp:Label`, `photomechanic:Tagged`); `None`
    /// leaves the file's own marks as they are.
    #[serde(default)]
    pub marks: Option<byline_protocol::Marks>,
}

impl From<&byline_protocol::sync::PhotoMeta> for CaptionFields {
    /// The photo desk's fields (as they travel to the server) are the whole truth about the
    /// caption: an empty field was cleared on purpose. One mapping serves `byline photo export`
    /// and the server's public copy, so the two files cannot differ.
    fn from(meta: &byline_protocol::sync::PhotoMeta) -> CaptionFields {
        let some = |s: &str| Some(s.to_owned());
        CaptionFields {
            caption: some(&meta.caption),
            headline: some(&meta.headline),
            creators: Some(
                meta.creator
                    .split(", ")
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned)
                    .collect(),
            ),
            credit: some(&meta.credit),
            copyright: some(&meta.copyright),
            city: some(&meta.city),
            state: some(&meta.state),
            country: some(&meta.country),
            keywords: Some(meta.keywords.clone()),
            marks: Some(meta.marks),
            ..CaptionFields::default()
        }
    }
}

/// A JPEG segment holds at most 65533 payload bytes after the length field.
const MAX_SEGMENT: usize = 65533;

/// IIM maximum lengths (IPTC IIM 4.2); longer values are cut at a character boundary in IIM
/// only, XMP keeps the full text and readers prefer XMP.
fn iim_limit(dataset: u8) -> usize {
    match dataset {
        ds::CAPTION => 2000,
        ds::HEADLINE => 256,
        ds::COPYRIGHT => 128,
        ds::KEYWORDS | ds::COUNTRY => 64,
        ds::COUNTRY_CODE => 3,
        _ => 32,
    }
}

const WHAT: &str = "photo";

/// Returns a copy of `original` with the caption fields written; the image data is untouched.
pub fn write_caption(original: &[u8], fields: &CaptionFields) -> Result<Vec<u8>, MediaError> {
    match sniff(original) {
        Some(Format::Jpeg) => {}
        Some(f) => {
            return Err(MediaError::Unsupported {
                what: WHAT.into(),
                format: f.name(),
                hint: "captions can only be embedded in JPEG files for now",
            });
        }
        None => return Err(MediaError::UnknownFormat { what: WHAT.into() }),
    }
    let l = jpeg::layout(original).map_err(|e| MediaError::corrupt(WHAT, "JPEG", e))?;
    if l.scan_and_rest.is_empty() {
        return Err(MediaError::corrupt(
            WHAT,
            "JPEG",
            "no image data after the headers",
        ));
    }
    let set = normalised(fields);
    check_country_code(set.country_code.as_deref())?;
    let irb = photoshop_block(&l.segments, &set)?;
    let packet = xmp::rewrite(jpeg::xmp_payload(&l.segments), &xmp_props(&set)).map_err(|e| {
        MediaError::corrupt(WHAT, "JPEG", format!("{e}; not rewriting damaged XMP"))
    })?;
    if packet.len() + XMP_SIG.len() > MAX_SEGMENT {
        return Err(MediaError::field(
            "caption",
            "the XMP metadata would exceed 64 KB; shorten the caption or keywords",
        ));
    }
    Ok(splice(&l, &irb, &packet, original.len()))
}

/// An ISO 3166 code (2 or 3 capital letters), or nothing.
fn check_country_code(code: Option<&str>) -> Result<(), MediaError> {
    let code = code.unwrap_or_default();
    let valid = (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase());
    if code.is_empty() || valid {
        return Ok(());
    }
    Err(MediaError::field(
        "country_code",
        format!("\"{code}\" is not a country code; use the ISO 3166 letters, e.g. VN"),
    ))
}

/// The Photoshop resource block with the IPTC datasets rewritten: other resources are kept,
/// the stale IPTC digest dropped.
fn photoshop_block(
    segments: &[jpeg::Segment<'_>],
    set: &CaptionFields,
) -> Result<Vec<u8>, MediaError> {
    let damaged = |e| MediaError::corrupt(WHAT, "JPEG", format!("{e}; not rewriting damaged IPTC"));
    let mut resources = match jpeg::photoshop_payload(segments) {
        Some(p) => iptc::parse_resources(&p).map_err(damaged)?,
        None => Vec::new(),
    };
    let old_sets = match resources.iter().find(|r| r.id == iptc::IIM_RESOURCE) {
        Some(r) => iptc::parse_iim(&r.data).map_err(damaged)?,
        None => Vec::new(),
    };
    let iim = iptc::build_iim(&new_datasets(&old_sets, set));
    // A stale digest makes Photoshop and exiftool believe another tool changed the IPTC behind
    // their back; without one they simply trust the data.
    resources.retain(|r| r.id != iptc::IIM_DIGEST);
    match resources.iter_mut().find(|r| r.id == iptc::IIM_RESOURCE) {
        Some(r) => r.data = iim,
        None => resources.push(Resource {
            id: iptc::IIM_RESOURCE,
            name: Vec::new(),
            data: iim,
        }),
    }
    Ok(iptc::build_resources(&resources))
}

/// The file again with the new XMP packet and Photoshop block where the old ones were, or after
/// the application segments (before tables and frame header) when there were none.
fn splice(l: &jpeg::JpegLayout<'_>, irb: &[u8], packet: &[u8], size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size + irb.len() + packet.len() + 64);
    out.extend_from_slice(&[0xFF, 0xD8]);
    let (mut wrote_irb, mut wrote_xmp) = (false, false);
    let mut emit_irb = |out: &mut Vec<u8>| {
        if !std::mem::replace(&mut wrote_irb, true) {
            for chunk in irb.chunks(MAX_SEGMENT - PHOTOSHOP_SIG.len()) {
                jpeg::push_segment(out, APP13, &[PHOTOSHOP_SIG, chunk]);
            }
        }
    };
    let mut emit_xmp = |out: &mut Vec<u8>| {
        if !std::mem::replace(&mut wrote_xmp, true) {
            jpeg::push_segment(out, APP1, &[XMP_SIG, packet]);
        }
    };
    for s in &l.segments {
        let is_irb = s.marker == APP13 && s.data.starts_with(PHOTOSHOP_SIG);
        let is_xmp = s.marker == APP1 && s.data.starts_with(XMP_SIG);
        if !(0xE0..=0xEF).contains(&s.marker) {
            emit_xmp(&mut out);
            emit_irb(&mut out);
        }
        if is_irb {
            emit_irb(&mut out);
        } else if is_xmp {
            emit_xmp(&mut out);
        } else {
            jpeg::push_segment(&mut out, s.marker, &[s.data]);
        }
    }
    emit_xmp(&mut out);
    emit_irb(&mut out);
    out.extend_from_slice(l.scan_and_rest);
    out
}

/// NFC, trimmed; empty list entries dropped.
fn normalised(f: &CaptionFields) -> CaptionFields {
    let one = |v: &Option<String>| v.as_ref().map(|s| byline_text::nfc(s.trim()));
    let many = |v: &Option<Vec<String>>| {
        v.as_ref().map(|l| {
            l.iter()
                .map(|s| byline_text::nfc(s.trim()))
                .filter(|s| !s.is_empty())
                .collect()
        })
    };
    CaptionFields {
        caption: one(&f.caption),
        headline: one(&f.headline),
        creators: many(&f.creators),
        credit: one(&f.credit),
        copyright: one(&f.copyright),
        city: one(&f.city),
        state: one(&f.state),
        country: one(&f.country),
        keywords: many(&f.keywords),
        location: one(&f.location),
        // Codes are compared and looked up in capitals ("vn" from a form is still Việt Nam).
        country_code: one(&f.country_code).map(|c| c.to_ascii_uppercase()),
        alt_text: one(&f.alt_text),
        marks: f.marks,
    }
}

fn as_list(v: &Option<String>) -> Option<Vec<String>> {
    v.as_ref().map(|s| {
        if s.is_empty() {
            Vec::new()
        } else {
            vec![s.clone()]
        }
    })
}

/// (IIM dataset, new values) for each field the caller set.
fn iim_updates(f: &CaptionFields) -> Vec<(u8, Vec<String>)> {
    let mut u = Vec::new();
    let mut add = |n: u8, v: Option<Vec<String>>| {
        if let Some(v) = v {
            u.push((n, v));
        }
    };
    add(ds::CAPTION, as_list(&f.caption));
    add(ds::HEADLINE, as_list(&f.headline));
    add(ds::BYLINE, f.creators.clone());
    add(ds::CREDIT, as_list(&f.credit));
    add(ds::COPYRIGHT, as_list(&f.copyright));
    add(ds::CITY, as_list(&f.city));
    add(ds::STATE, as_list(&f.state));
    add(ds::COUNTRY, as_list(&f.country));
    add(ds::KEYWORDS, f.keywords.clone());
    add(ds::SUBLOCATION, as_list(&f.location));
    add(ds::COUNTRY_CODE, as_list(&f.country_code));
    u
}

fn new_datasets(old: &[DataSet], f: &CaptionFields) -> Vec<DataSet> {
    let was_utf8 = iptc::is_utf8(old);
    let updates = iim_updates(f);
    let mut sets: Vec<DataSet> = Vec::new();
    for s in old {
        if s.record == 1 && s.dataset == 90 {
            continue;
        }
        if s.record == 2 && updates.iter().any(|(n, _)| *n == s.dataset) {
            continue;
        }
        let mut s = s.clone();
        // Everything is re-declared as UTF-8 below, so legacy text must be converted with it.
        // 2:00 (record version) and 2:200–202 (previews) are binary.
        if s.record == 2 && !was_utf8 && !matches!(s.dataset, 0 | 200..=202) {
            s.value = iptc::decode(&s.value, false).into_bytes();
        }
        sets.push(s);
    }
    sets.push(DataSet {
        record: 1,
        dataset: 90,
        value: iptc::UTF8_MARK.to_vec(),
    });
    if !sets.iter().any(|s| s.record == 2 && s.dataset == 0) {
        sets.push(DataSet {
            record: 2,
            dataset: 0,
            value: vec![0, 4],
        });
    }
    for (n, values) in updates {
        for v in values {
            sets.push(DataSet {
                record: 2,
                dataset: n,
                value: truncate(&v, iim_limit(n)).as_bytes().to_vec(),
            });
        }
    }
    // Readers expect records in order; the stable sort keeps repeated keywords/by-lines in order.
    sets.sort_by_key(|s| (s.record, s.dataset));
    sets
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn xmp_props(f: &CaptionFields) -> Vec<SetProp> {
    let mut p = Vec::new();
    let mut add = |name: &'static str, kind: Kind, v: Option<Vec<String>>| {
        if let Some(values) = v {
            p.push(SetProp { name, kind, values });
        }
    };
    add("dc:description", Kind::LangAlt, as_list(&f.caption));
    add("photoshop:Headline", Kind::Simple, as_list(&f.headline));
    add("dc:creator", Kind::Seq, f.creators.clone());
    add("photoshop:Credit", Kind::Simple, as_list(&f.credit));
    add("dc:rights", Kind::LangAlt, as_list(&f.copyright));
    add("photoshop:City", Kind::Simple, as_list(&f.city));
    add("photoshop:State", Kind::Simple, as_list(&f.state));
    add("photoshop:Country", Kind::Simple, as_list(&f.country));
    add("dc:subject", Kind::Bag, f.keywords.clone());
    add("Iptc4xmpCore:Location", Kind::Simple, as_list(&f.location));
    add(
        "Iptc4xmpCore:CountryCode",
        Kind::Simple,
        as_list(&f.country_code),
    );
    add(
        "Iptc4xmpCore:AltTextAccessibility",
        Kind::LangAlt,
        as_list(&f.alt_text),
    );
    if let Some(m) = &f.marks {
        p.extend(crate::marks::to_xmp(m));
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_latin1_iim_values_are_converted_when_the_block_becomes_utf8() {
        let old = vec![DataSet {
            record: 2,
            dataset: ds::OBJECT_NAME,
            value: b"Caf\xe9".to_vec(),
        }];
        let f = CaptionFields {
            caption: Some("Toàn cảnh".into()),
            ..Default::default()
        };
        let sets = new_datasets(&old, &f);
        assert!(iptc::is_utf8(&sets), "1:90 must declare UTF-8");
        let title = sets.iter().find(|s| s.dataset == ds::OBJECT_NAME).unwrap();
        assert_eq!(
            title.value,
            "Café".as_bytes(),
            "the untouched Latin-1 title is re-encoded as UTF-8"
        );
    }

    #[test]
    fn iim_truncation_never_splits_a_vietnamese_character() {
        let s = "ả".repeat(20); // 3 bytes each
        let t = truncate(&s, 32);
        assert_eq!(t.len(), 30, "cut back to the last whole character");
    }
}
