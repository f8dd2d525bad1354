//! Photoshop image resources (8BIM) and IPTC IIM datasets: parsing, rebuilding, and text
//! decoding per the 1:90 coded character set.

/// One Photoshop image resource block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resource {
    pub id: u16,
    /// Pascal string bytes without the length byte (usually empty).
    pub name: Vec<u8>,
    pub data: Vec<u8>,
}

pub(crate) const IIM_RESOURCE: u16 = 0x0404;
pub(crate) const IIM_DIGEST: u16 = 0x0425;

/// Parses the resource blocks of an APP13 payload (after "Photoshop 3.0\0").
pub(crate) fn parse_resources(b: &[u8]) -> Result<Vec<Resource>, String> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos < b.len() {
        // Some writers pad the end with zeros; anything else that is not "8BIM" is damage.
        if b[pos..].iter().all(|&x| x == 0) {
            break;
        }
        let sig = b
            .get(pos..pos + 4)
            .ok_or("Photoshop resource header cut off")?;
        if !matches!(sig, b"8BIM" | b"PHUT" | b"AgHg" | b"DCSR") {
            return Err(format!(
                "Photoshop resource at byte {pos} has no 8BIM signature"
            ));
        }
        let id = u16::from_be_bytes(
            b.get(pos + 4..pos + 6)
                .ok_or("resource id cut off")?
                .try_into()
                .unwrap_or_default(),
        );
        let name_len = *b.get(pos + 6).ok_or("resource name cut off")? as usize;
        // Length byte + name, padded to an even count.
        let name_total = (1 + name_len + 1) & !1;
        let name = b
            .get(pos + 7..pos + 7 + name_len)
            .ok_or("resource name runs past the segment")?
            .to_vec();
        let size_at = pos + 6 + name_total;
        let size = u32::from_be_bytes(
            b.get(size_at..size_at + 4)
                .ok_or("resource size cut off")?
                .try_into()
                .unwrap_or_default(),
        ) as usize;
        let data_at = size_at + 4;
        let data = b
            .get(data_at..data_at.checked_add(size).ok_or("resource size overflows")?)
            .ok_or_else(|| {
                format!("resource 0x{id:04X} claims {size} bytes, more than the segment holds")
            })?
            .to_vec();
        out.push(Resource { id, name, data });
        pos = data_at + size + (size & 1);
    }
    Ok(out)
}

pub(crate) fn build_resources(resources: &[Resource]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in resources {
        out.extend_from_slice(b"8BIM");
        out.extend_from_slice(&r.id.to_be_bytes());
        let name = &r.name[..r.name.len().min(255)];
        out.push(name.len() as u8);
        out.extend_from_slice(name);
        if (1 + name.len()) % 2 == 1 {
            out.push(0);
        }
        out.extend_from_slice(&(r.data.len() as u32).to_be_bytes());
        out.extend_from_slice(&r.data);
        if r.data.len() % 2 == 1 {
            out.push(0);
        }
    }
    out
}

/// One IIM dataset (record:dataset = raw value bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DataSet {
    pub record: u8,
    pub dataset: u8,
    pub value: Vec<u8>,
}

pub(crate) fn parse_iim(b: &[u8]) -> Result<Vec<DataSet>, String> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos < b.len() {
        if b[pos] != 0x1C {
            // Trailing padding is common; stray bytes after valid data are tolerated.
            if b[pos..].iter().all(|&x| x == 0) || !out.is_empty() {
                break;
            }
            return Err(format!(
                "IPTC data does not start with a tag marker (0x1C) at byte {pos}"
            ));
        }
        let head = b
            .get(pos + 1..pos + 5)
            .ok_or("IPTC dataset header cut off")?;
        let (record, dataset) = (head[0], head[1]);
        let len16 = u16::from_be_bytes([head[2], head[3]]) as usize;
        let mut at = pos + 5;
        let len = if len16 & 0x8000 != 0 {
            // Extended dataset: the low bits give the byte count of the real length.
            let n = len16 & 0x7FFF;
            if n == 0 || n > 4 {
                return Err(format!(
                    "IPTC {record}:{dataset} has an unsupported extended length of {n} bytes"
                ));
            }
            let lb = b.get(at..at + n).ok_or("IPTC extended length cut off")?;
            at += n;
            lb.iter().fold(0usize, |acc, &x| (acc << 8) | x as usize)
        } else {
            len16
        };
        let value = b
            .get(at..at.checked_add(len).ok_or("IPTC length overflows")?)
            .ok_or_else(|| {
                format!("IPTC {record}:{dataset} claims {len} bytes, more than the block holds")
            })?;
        out.push(DataSet {
            record,
            dataset,
            value: value.to_vec(),
        });
        pos = at + len;
    }
    Ok(out)
}

pub(crate) fn build_iim(sets: &[DataSet]) -> Vec<u8> {
    let mut out = Vec::new();
    for s in sets {
        out.extend_from_slice(&[0x1C, s.record, s.dataset]);
        if s.value.len() < 0x8000 {
            out.extend_from_slice(&(s.value.len() as u16).to_be_bytes());
        } else {
            out.extend_from_slice(&[0x80, 0x04]);
            out.extend_from_slice(&(s.value.len() as u32).to_be_bytes());
        }
        out.extend_from_slice(&s.value);
    }
    out
}

/// ESC % G: the ISO 2022 designation of UTF-8 in dataset 1:90.
pub(crate) const UTF8_MARK: &[u8] = b"\x1b%G";

pub(crate) fn is_utf8(sets: &[DataSet]) -> bool {
    sets.iter()
        .any(|s| s.record == 1 && s.dataset == 90 && s.value == UTF8_MARK)
}

/// Decodes a value: UTF-8 when 1:90 says so, otherwise Windows-1252 (a superset of Latin-1 that
/// is what legacy newsroom software actually wrote).
pub(crate) fn decode(value: &[u8], utf8: bool) -> String {
    let v = trim_nul(value);
    if utf8 {
        return String::from_utf8_lossy(v).into_owned();
    }
    v.iter().map(|&b| cp1252(b)).collect()
}

fn trim_nul(v: &[u8]) -> &[u8] {
    let end = v.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    &v[..end]
}

fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    if (0x80..0xA0).contains(&b) {
        HIGH[(b - 0x80) as usize]
    } else {
        char::from(b)
    }
}

/// The IIM fields Byline reads and writes (record 2).
pub(crate) mod ds {
    pub const OBJECT_NAME: u8 = 5;
    pub const KEYWORDS: u8 = 25;
    pub const BYLINE: u8 = 80;
    pub const CITY: u8 = 90;
    pub const SUBLOCATION: u8 = 92;
    pub const STATE: u8 = 95;
    pub const COUNTRY_CODE: u8 = 100;
    pub const COUNTRY: u8 = 101;
    pub const HEADLINE: u8 = 105;
    pub const CREDIT: u8 = 110;
    pub const COPYRIGHT: u8 = 116;
    pub const CAPTION: u8 = 120;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_survive_a_parse_build_roundtrip_including_odd_sizes_and_names() {
        let rs = vec![
            Resource {
                id: 0x0404,
                name: vec![],
                data: vec![0x1C, 2, 120, 0, 1, b'x'],
            },
            Resource {
                id: 0x03ED,
                name: b"ab".to_vec(),
                data: vec![1, 2, 3],
            },
        ];
        let built = build_resources(&rs);
        assert_eq!(
            parse_resources(&built).unwrap(),
            rs,
            "padding must be written and skipped symmetrically"
        );
    }

    #[test]
    fn a_resource_claiming_two_gigabytes_is_an_error_not_a_panic() {
        let mut b = b"8BIM\x04\x04\0\0".to_vec();
        b.extend_from_slice(&0x7FFF_FFFFu32.to_be_bytes());
        let err = parse_resources(&b).unwrap_err();
        assert!(
            err.contains("0x0404"),
            "the message names the resource: {err}"
        );
    }

    #[test]
    fn legacy_values_decode_as_windows_1252_and_marked_ones_as_utf8() {
        assert_eq!(decode(b"Caf\xe9 \x93x\x94", false), "Café “x”");
        assert_eq!(decode("Cảnh".as_bytes(), true), "Cảnh");
        let sets = parse_iim(&build_iim(&[DataSet {
            record: 1,
            dataset: 90,
            value: UTF8_MARK.to_vec(),
        }]))
        .unwrap();
        assert!(is_utf8(&sets), "1:90 ESC % G marks UTF-8");
    }
}
