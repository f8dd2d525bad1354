//! XMP packets: reading the editorial properties, and rewriting a packet with new caption
//! fields while passing every other property through untouched.
//!
//! Properties are matched on their conventional prefixes (dc, photoshop, Iptc4xmpCore), which is
//! what every camera, Photoshop, Lightroom and Photo Mechanic write.

use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::Writer;
use quick_xml::escape::{escape, resolve_predefined_entity};
use quick_xml::events::{BytesStart, Event};

/// Property name (e.g. `dc:description`) → values (Alt: x-default first; Seq/Bag: in order).
pub(crate) type XmpProps = HashMap<String, Vec<String>>;

const DESCRIPTION: &str = "rdf:Description";

/// XMP may be UTF-8, UTF-16 or (rarely) UTF-32; JPEG writers in practice use UTF-8 and a few
/// old tools UTF-16. The byte order is visible from the leading `<?` or BOM.
fn packet_text(packet: &[u8]) -> Result<String, String> {
    let utf16 = |be: bool, b: &[u8]| {
        let units: Vec<u16> = b
            .chunks_exact(2)
            .map(|c| {
                if be {
                    u16::from_be_bytes([c[0], c[1]])
                } else {
                    u16::from_le_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16(&units).map_err(|_| "XMP packet is not valid UTF-16".to_string())
    };
    match packet {
        [0xFE, 0xFF, ..] | [0, b'<', ..] => utf16(true, packet),
        [0xFF, 0xFE, ..] | [b'<', 0, ..] => utf16(false, packet),
        _ => std::str::from_utf8(packet)
            .map(str::to_owned)
            .map_err(|_| "XMP packet is not UTF-8".to_string()),
    }
    .map(|s| s.trim_start_matches('\u{feff}').to_owned())
}

/// A strict pass before trusting a packet: quick-xml is lenient about some damage (found by
/// fuzzing: a mangled attribute list and unmatched end tags), and a rewrite must never turn a
/// lenient parse into a packet that no longer parses at all.
fn check_well_formed(text: &str) -> Result<(), String> {
    let mut r = Reader::from_str(text);
    let mut stack: Vec<Vec<u8>> = Vec::new();
    let attrs_ok = |e: &BytesStart<'_>| {
        e.attributes()
            .all(|a| a.is_ok_and(|a| a.unescape_value().is_ok()))
    };
    loop {
        match r
            .read_event()
            .map_err(|e| format!("XMP is not well-formed XML: {e}"))?
        {
            Event::Start(e) => {
                if !attrs_ok(&e) {
                    return Err("XMP has a damaged attribute list".into());
                }
                stack.push(e.name().as_ref().to_vec());
            }
            Event::Empty(e) if !attrs_ok(&e) => {
                return Err("XMP has a damaged attribute list".into());
            }
            Event::End(e) if stack.pop().as_deref() != Some(e.name().as_ref()) => {
                return Err("XMP has an end tag that does not match its start tag".into());
            }
            Event::Eof if stack.is_empty() => return Ok(()),
            Event::Eof => return Err("XMP ends before all its elements are closed".into()),
            _ => {}
        }
    }
}

type OpenProp = (String, usize, Vec<(bool, String)>);

/// Reading a packet's properties, event by event: where in the tree the reader is, and the
/// property being read.
#[derive(Default)]
struct PropReader {
    stack: Vec<String>,
    props: XmpProps,
    /// The property being read: name, depth, and its values flagged "is x-default".
    prop: Option<OpenProp>,
    in_li: bool,
}

impl PropReader {
    fn start(&mut self, e: &BytesStart<'_>) {
        let name = qname(e);
        if name == DESCRIPTION {
            attribute_props(e, &mut self.props);
        } else if self.stack.last().is_some_and(|p| p == DESCRIPTION) && self.prop.is_none() {
            self.prop = Some((name.clone(), self.stack.len(), Vec::new()));
        } else if name == "rdf:li"
            && let Some((_, _, vals)) = self.prop.as_mut()
        {
            let default = attr(e, "xml:lang").is_some_and(|l| l == "x-default");
            vals.push((default, String::new()));
            self.in_li = true;
        }
        self.stack.push(name);
    }

    fn text(&mut self, s: &str) {
        if let Some((_, _, vals)) = self.prop.as_mut() {
            push_text(vals, self.in_li, s);
        }
    }

    fn end(&mut self) {
        let name = self.stack.pop().unwrap_or_default();
        if name == "rdf:li" {
            self.in_li = false;
        }
        let depth = self.stack.len();
        if self.prop.as_ref().is_some_and(|(_, d, _)| *d == depth)
            && let Some((pname, _, vals)) = self.prop.take()
        {
            let mut vals: Vec<(bool, String)> = vals
                .into_iter()
                .filter(|(_, v)| !v.trim().is_empty())
                .collect();
            // Lang-alt: x-default first, so "the" value is vals[0].
            vals.sort_by_key(|(d, _)| !*d);
            self.props.insert(
                pname,
                vals.into_iter()
                    .map(|(_, v)| v.trim().to_string())
                    .collect(),
            );
        }
    }
}

pub(crate) fn read(packet: &[u8]) -> Result<XmpProps, String> {
    let text = packet_text(packet)?;
    check_well_formed(&text)?;
    let mut r = Reader::from_str(&text);
    let mut p = PropReader::default();
    loop {
        let ev = r
            .read_event()
            .map_err(|e| format!("XMP is not well-formed XML: {e}"))?;
        match ev {
            Event::Start(e) => p.start(&e),
            Event::Empty(e) if qname(&e) == DESCRIPTION => attribute_props(&e, &mut p.props),
            Event::Text(t) if p.prop.is_some() => p.text(&t.decode().map_err(|e| e.to_string())?),
            Event::CData(t) => p.text(&String::from_utf8_lossy(&t)),
            Event::GeneralRef(g) if p.prop.is_some() => {
                let s = match g.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => {
                        let name = g.decode().map_err(|e| e.to_string())?;
                        resolve_predefined_entity(&name).unwrap_or("").to_string()
                    }
                };
                p.text(&s);
            }
            Event::End(_) => p.end(),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(p.props)
}

fn push_text(vals: &mut Vec<(bool, String)>, in_li: bool, s: &str) {
    if in_li {
        if let Some(last) = vals.last_mut() {
            last.1.push_str(s);
        }
    } else if !s.trim().is_empty() {
        // A simple property: its text is the value.
        match vals.first_mut() {
            Some(v) => v.1.push_str(s),
            None => vals.push((true, s.to_string())),
        }
    }
}

fn qname(e: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(e.name().as_ref()).into_owned()
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name.as_bytes())
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

fn attribute_props(e: &BytesStart<'_>, props: &mut XmpProps) {
    for a in e.attributes().flatten() {
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        if key.starts_with("xmlns") || key.starts_with("rdf:") {
            continue;
        }
        if let Ok(v) = a.unescape_value() {
            props.insert(key, vec![v.into_owned()]);
        }
    }
}

/// How a property is structured in RDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Simple,
    LangAlt,
    Seq,
    Bag,
}

/// A property to set: `values` empty means "remove it".
#[derive(Debug, Clone)]
pub(crate) struct SetProp {
    pub name: &'static str,
    pub kind: Kind,
    pub values: Vec<String>,
}

const NAMESPACES: [(&str, &str); 5] = [
    ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
    ("xmlns:xmp", "http://ns.adobe.com/xap/1.0/"),
    (
        "xmlns:photomechanic",
        "http://ns.camerabits.com/photomechanic/1.0/",
    ),
    ("xmlns:photoshop", "http://ns.adobe.com/photoshop/1.0/"),
    (
        "xmlns:Iptc4xmpCore",
        "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
    ),
];

/// Rewrites `existing` (or a fresh packet) so each property in `set` has exactly the new value.
/// Everything else, including unknown namespaces and structures, is copied event by event.
pub(crate) fn rewrite(existing: Option<&[u8]>, set: &[SetProp]) -> Result<Vec<u8>, String> {
    let new_desc = description_xml(set);
    let Some(existing) = existing else {
        let mut out =
            String::from("<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n");
        out.push_str("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\" x:xmptk=\"Byline\">\n <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n");
        out.push_str(&new_desc);
        out.push_str(" </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>");
        return Ok(out.into_bytes());
    };
    // Rewritten as UTF-8 whatever it was: the standard JPEG XMP encoding.
    let text = packet_text(existing)?;
    check_well_formed(&text)?;
    let replaced = |n: &str| set.iter().any(|p| p.name == n);
    let mut inserted = false;
    let (out, _) = filter_events(
        &text,
        |name, parent| parent == Some(DESCRIPTION) && replaced(name),
        |e| qname(e) == DESCRIPTION,
        &replaced,
        |name, out| {
            if name == "rdf:RDF" && !inserted {
                out.extend_from_slice(new_desc.as_bytes());
                inserted = true;
            }
        },
    )?;
    if !inserted {
        return Err("the existing XMP has no rdf:RDF element".into());
    }
    check_well_formed(std::str::from_utf8(&out).map_err(|e| e.to_string())?)?;
    Ok(out)
}

/// Copies a packet event by event, dropping each element `drop(name, parent)` selects together
/// with everything inside it, and the attributes `drop_attr` names from each start tag `strip`
/// selects (that tag is rebuilt); `before_end(name, out)` may add raw XML before each end tag.
/// Returns the copy and whether anything was dropped or a tag rebuilt. The one walk behind both
/// the caption write-back and the location removal, so they skip and copy alike.
fn filter_events(
    text: &str,
    drop: impl Fn(&str, Option<&str>) -> bool,
    strip: impl Fn(&BytesStart<'_>) -> bool,
    drop_attr: &dyn Fn(&str) -> bool,
    mut before_end: impl FnMut(&str, &mut Vec<u8>),
) -> Result<(Vec<u8>, bool), String> {
    let mut r = Reader::from_str(text);
    let mut w = Writer::new(Vec::new());
    // Names of the open elements (blank inside a dropped one): their count is the depth.
    let mut stack: Vec<String> = Vec::new();
    let mut skip_until: Option<usize> = None;
    let mut changed = false;
    let io = |e: std::io::Error| e.to_string();
    let keep = |e: BytesStart<'_>, changed: &mut bool| {
        if strip(&e) {
            *changed = true;
            strip_attrs(&e, drop_attr)
        } else {
            e.into_owned()
        }
    };
    loop {
        let ev = r
            .read_event()
            .map_err(|e| format!("the existing XMP is not well-formed XML: {e}"))?;
        if let Some(depth) = skip_until {
            match &ev {
                Event::Start(_) => stack.push(String::new()),
                Event::End(_) => {
                    stack.pop();
                    if stack.len() == depth {
                        skip_until = None;
                    }
                }
                Event::Eof => return Err("the existing XMP ends inside a property".into()),
                _ => {}
            }
            continue;
        }
        match ev {
            Event::Start(e) => {
                let name = qname(&e);
                if drop(&name, stack.last().map(String::as_str)) {
                    changed = true;
                    skip_until = Some(stack.len());
                    stack.push(name);
                    continue;
                }
                let e = keep(e, &mut changed);
                stack.push(name);
                w.write_event(Event::Start(e)).map_err(io)?;
            }
            Event::Empty(e) => {
                if drop(&qname(&e), stack.last().map(String::as_str)) {
                    changed = true;
                    continue;
                }
                let e = keep(e, &mut changed);
                w.write_event(Event::Empty(e)).map_err(io)?;
            }
            Event::End(e) => {
                let name = stack.pop().unwrap_or_default();
                before_end(&name, w.get_mut());
                w.write_event(Event::End(e)).map_err(io)?;
            }
            Event::Eof => break,
            other => w.write_event(other).map_err(io)?,
        }
    }
    Ok((w.into_inner(), changed))
}

/// The EXIF schema, whose `GPS*` properties hold the coordinates, also inside the IPTC Extension
/// location structures.
const EXIF_NS: &str = "http://ns.adobe.com/exif/1.0/";

/// Removes every EXIF `GPS*` property at any depth, whether written as an element or as a
/// short-form attribute. `None` when the packet has none, so the caller can keep it byte for byte.
pub(crate) fn remove_location(existing: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let text = packet_text(existing)?;
    check_well_formed(&text)?;
    let malformed = |e: quick_xml::Error| format!("the existing XMP is not well-formed XML: {e}");
    // Matching by namespace, not only by the usual `exif` prefix: a packet may bind another one.
    let mut prefixes = vec!["exif".to_string()];
    let mut r = Reader::from_str(&text);
    loop {
        match r.read_event().map_err(malformed)? {
            Event::Start(e) | Event::Empty(e) => {
                for a in e.attributes().flatten() {
                    if let Some(p) = a.key.as_ref().strip_prefix(b"xmlns:")
                        && a.value.as_ref() == EXIF_NS.as_bytes()
                    {
                        prefixes.push(String::from_utf8_lossy(p).into_owned());
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let is_gps = |name: &str| {
        name.split_once(':')
            .is_some_and(|(p, local)| local.starts_with("GPS") && prefixes.iter().any(|x| x == p))
    };
    let has_gps_attr = |e: &BytesStart<'_>| {
        e.attributes()
            .flatten()
            .any(|a| is_gps(&String::from_utf8_lossy(a.key.as_ref())))
    };
    let (out, removed) = filter_events(
        &text,
        |name, _| is_gps(name),
        has_gps_attr,
        &is_gps,
        |_, _| {},
    )?;
    if !removed {
        return Ok(None);
    }
    check_well_formed(std::str::from_utf8(&out).map_err(|e| e.to_string())?)?;
    Ok(Some(out))
}

fn strip_attrs(e: &BytesStart<'_>, replaced: &dyn Fn(&str) -> bool) -> BytesStart<'static> {
    let name = qname(e);
    let mut out = BytesStart::new(name);
    for a in e.attributes().flatten() {
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        if !replaced(&key) {
            out.push_attribute(a);
        }
    }
    out.into_owned()
}

fn description_xml(set: &[SetProp]) -> String {
    let mut s = String::from("  <rdf:Description rdf:about=\"\"");
    for (k, v) in NAMESPACES {
        s.push_str(&format!(" {k}=\"{v}\""));
    }
    s.push_str(">\n");
    for p in set.iter().filter(|p| !p.values.is_empty()) {
        let n = p.name;
        match p.kind {
            Kind::Simple => {
                s.push_str(&format!("   <{n}>{}</{n}>\n", escape(p.values[0].as_str())))
            }
            Kind::LangAlt => s.push_str(&format!(
                "   <{n}><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></{n}>\n",
                escape(p.values[0].as_str())
            )),
            Kind::Seq | Kind::Bag => {
                let c = if p.kind == Kind::Seq {
                    "rdf:Seq"
                } else {
                    "rdf:Bag"
                };
                s.push_str(&format!("   <{n}><{c}>"));
                for v in &p.values {
                    s.push_str(&format!("<rdf:li>{}</rdf:li>", escape(v.as_str())));
                }
                s.push_str(&format!("</{c}></{n}>\n"));
            }
        }
    }
    s.push_str("  </rdf:Description>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alt_seq_bag_and_attribute_properties_are_all_read() {
        let x = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:City="Huế">
<dc:description><rdf:Alt><rdf:li xml:lang="en">En</rdf:li><rdf:li xml:lang="x-default">Mặc định &amp; x</rdf:li></rdf:Alt></dc:description>
<dc:creator><rdf:Seq><rdf:li>A</rdf:li><rdf:li>B</rdf:li></rdf:Seq></dc:creator>
<photoshop:Credit>TTXVN</photoshop:Credit>
</rdf:Description></rdf:RDF></x:xmpmeta>"#;
        let p = read(x.as_bytes()).unwrap();
        assert_eq!(
            p["dc:description"][0], "Mặc định & x",
            "x-default wins over other languages"
        );
        assert_eq!(p["dc:creator"], vec!["A", "B"], "Seq keeps order");
        assert_eq!(p["photoshop:Credit"], vec!["TTXVN"]);
        assert_eq!(
            p["photoshop:City"],
            vec!["Huế"],
            "short-form attribute properties count too"
        );
    }

    #[test]
    fn rewriting_replaces_only_the_given_properties() {
        let x = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="3">
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Old</rdf:li></rdf:Alt></dc:description>
</rdf:Description></rdf:RDF></x:xmpmeta>"#;
        let set = [SetProp {
            name: "dc:description",
            kind: Kind::LangAlt,
            values: vec!["Mới <b>".into()],
        }];
        let out = rewrite(Some(x.as_bytes()), &set).unwrap();
        let p = read(&out).unwrap();
        assert_eq!(
            p["dc:description"],
            vec!["Mới <b>"],
            "new value, escaped and read back"
        );
        assert_eq!(p["xmp:Rating"], vec!["3"], "unrelated properties survive");
    }

    #[test]
    fn a_packet_with_a_mangled_attribute_list_is_refused_not_rewritten() {
        // Regression from fuzzing (tests/data/fuzz_xmp_mismatched_end.bin): the lenient parse
        // accepted it and the rewrite produced XML that no longer parsed.
        let d = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/fuzz_xmp_mismatched_end.bin"
        ))
        .unwrap();
        let set = [SetProp {
            name: "dc:description",
            kind: Kind::LangAlt,
            values: vec!["x".into()],
        }];
        assert!(
            rewrite(Some(&d), &set).is_err(),
            "damaged XMP must be refused"
        );
        assert!(read(&d).is_err(), "and reported when reading");
    }
}
