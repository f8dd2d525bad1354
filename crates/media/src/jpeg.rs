//! JPEG marker-segment walking: the headers before the first scan, and the untouched rest.
//!
//! Write-back rebuilds only the header segments and copies everything from the first SOS on
//! verbatim, which is what keeps the entropy-coded data byte-identical.

/// One marker segment before the first scan. `data` excludes the marker and length bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Segment<'a> {
    pub marker: u8,
    pub data: &'a [u8],
    /// Where `data` starts in the file (MPF offsets are relative to a point inside a segment).
    pub offset: usize,
}

/// A JPEG split into its header segments and the bytes from the first SOS marker to the end.
#[derive(Debug)]
pub(crate) struct JpegLayout<'a> {
    pub segments: Vec<Segment<'a>>,
    /// Starts at the `FF DA` of the first scan; empty when the file ends before any scan.
    pub scan_and_rest: &'a [u8],
}

pub(crate) const SOS: u8 = 0xDA;
pub(crate) const APP1: u8 = 0xE1;
pub(crate) const APP2: u8 = 0xE2;
pub(crate) const APP13: u8 = 0xED;

/// Walks the header segments. Errors are short descriptions for `MediaError::Corrupt`.
pub(crate) fn layout(bytes: &[u8]) -> Result<JpegLayout<'_>, String> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Err("no SOI marker at the start".into());
    }
    let mut pos = 2;
    let mut segments = Vec::new();
    loop {
        // Markers may be preceded by any number of 0xFF fill bytes.
        if pos >= bytes.len() {
            return Ok(JpegLayout {
                segments,
                scan_and_rest: &[],
            });
        }
        if bytes[pos] != 0xFF {
            return Err(format!(
                "expected a marker at byte {pos}, found 0x{:02X}",
                bytes[pos]
            ));
        }
        let mut m = pos + 1;
        while m < bytes.len() && bytes[m] == 0xFF {
            m += 1;
        }
        let Some(&marker) = bytes.get(m) else {
            return Ok(JpegLayout {
                segments,
                scan_and_rest: &[],
            });
        };
        match marker {
            SOS => {
                return Ok(JpegLayout {
                    segments,
                    scan_and_rest: &bytes[m - 1..],
                });
            }
            // Stand-alone markers carry no length.
            0x01 | 0xD0..=0xD7 => pos = m + 1,
            0xD8 => return Err(format!("second SOI marker at byte {m}")),
            0xD9 => {
                return Ok(JpegLayout {
                    segments,
                    scan_and_rest: &bytes[m - 1..],
                });
            }
            0x00 => {
                return Err(format!(
                    "stuffed zero where a marker was expected at byte {m}"
                ));
            }
            _ => {
                let len_bytes = bytes
                    .get(m + 1..m + 3)
                    .ok_or_else(|| format!("segment 0x{marker:02X} cut off at byte {m}"))?;
                let len = u16::from_be_bytes([len_bytes[0], len_bytes[1]]) as usize;
                if len < 2 {
                    return Err(format!(
                        "segment 0x{marker:02X} at byte {m} has impossible length {len}"
                    ));
                }
                let start = m + 3;
                let end = m + 1 + len;
                let data = bytes.get(start..end).ok_or_else(|| {
                    format!("segment 0x{marker:02X} at byte {m} runs past the end of the file")
                })?;
                segments.push(Segment {
                    marker,
                    data,
                    offset: start,
                });
                pos = end;
            }
        }
    }
}

/// Frame dimensions and component count from the first SOFn segment.
pub(crate) fn frame_info(segments: &[Segment<'_>]) -> Option<(u32, u32, u8)> {
    segments.iter().find(|s| is_sof(s.marker)).and_then(|s| {
        let d = s.data;
        if d.len() < 6 {
            return None;
        }
        let h = u16::from_be_bytes([d[1], d[2]]) as u32;
        let w = u16::from_be_bytes([d[3], d[4]]) as u32;
        Some((w, h, d[5]))
    })
}

fn is_sof(marker: u8) -> bool {
    matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC)
}

/// The TIFF payload of the first `Exif\0\0` APP1 segment.
pub(crate) fn exif_payload<'a>(segments: &[Segment<'a>]) -> Option<&'a [u8]> {
    segments.iter().find_map(|s| {
        (s.marker == APP1)
            .then(|| s.data.strip_prefix(b"Exif\0\0"))
            .flatten()
    })
}

pub(crate) const XMP_SIG: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
pub(crate) const PHOTOSHOP_SIG: &[u8] = b"Photoshop 3.0\0";

/// The standard XMP packet (extended XMP is not read).
pub(crate) fn xmp_payload<'a>(segments: &[Segment<'a>]) -> Option<&'a [u8]> {
    segments.iter().find_map(|s| {
        (s.marker == APP1)
            .then(|| s.data.strip_prefix(XMP_SIG))
            .flatten()
    })
}

/// Photoshop image resources, concatenated across APP13 segments (large IRB blocks are split).
pub(crate) fn photoshop_payload(segments: &[Segment<'_>]) -> Option<Vec<u8>> {
    let mut out: Option<Vec<u8>> = None;
    for s in segments.iter().filter(|s| s.marker == APP13) {
        if let Some(p) = s.data.strip_prefix(PHOTOSHOP_SIG) {
            out.get_or_insert_with(Vec::new).extend_from_slice(p);
        }
    }
    out
}

/// Appends one marker segment; the caller guarantees `data.len() <= 65533`.
pub(crate) fn push_segment(out: &mut Vec<u8>, marker: u8, parts: &[&[u8]]) {
    let len: usize = parts.iter().map(|p| p.len()).sum::<usize>() + 2;
    debug_assert!(len <= 0xFFFF);
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&(len as u16).to_be_bytes());
    for p in parts {
        out.extend_from_slice(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_running_past_the_end_is_an_error_not_a_panic() {
        let bytes = [0xFF, 0xD8, 0xFF, 0xE1, 0x10, 0x00, b'E', b'x'];
        let err = layout(&bytes).unwrap_err();
        assert!(
            err.contains("past the end"),
            "the message should say what is wrong: {err}"
        );
    }

    #[test]
    fn scan_data_starts_at_the_first_sos_marker() {
        let bytes = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 1, 2, 0xFF, 0xDA, 0x00, 0x02, 9, 9, 0xFF, 0xD9,
        ];
        let l = layout(&bytes).unwrap();
        assert_eq!(l.segments.len(), 1, "one APP0 before the scan");
        assert_eq!(l.segments[0].data, &[1, 2]);
        assert_eq!(
            l.scan_and_rest,
            &bytes[8..],
            "everything from FF DA on is kept as is"
        );
    }
}
