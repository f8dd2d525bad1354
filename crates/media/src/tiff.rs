//! Bounds-checked access to TIFF structures (EXIF, MPF index, maker-note sub-IFDs) by offset.
//!
//! kamadak-exif reads values but does not say where they live in the block; GPS stripping and
//! the embedded-preview lookup need the byte positions. Every offset here comes from the file, so
//! every read is checked and a bogus offset is `None`, never a panic or a huge allocation.

/// A TIFF block: the bytes from its `II*\0` / `MM\0*` header on, offsets being relative to it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tiff<'a> {
    pub data: &'a [u8],
    pub little_endian: bool,
}

/// One 12-byte IFD entry and where its value is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    pub tag: u16,
    pub kind: u16,
    /// Byte offset of the value: inside the entry when it fits in 4 bytes, else out of line.
    pub value_at: usize,
    /// Value size in bytes (`None` for an unknown type or an overflowing count).
    pub value_len: Option<usize>,
    pub inline: bool,
}

/// An IFD: its entries, where its table sits, and the offset of the next IFD (0 = none).
#[derive(Debug, Clone)]
pub(crate) struct Ifd {
    pub at: usize,
    pub entries: Vec<Entry>,
    pub next: u32,
}

impl Ifd {
    /// Bytes taken by the count, the entries and the next-IFD offset.
    pub fn table_len(&self) -> usize {
        2 + 12 * self.entries.len() + 4
    }

    pub fn find(&self, tag: u16) -> Option<&Entry> {
        self.entries.iter().find(|e| e.tag == tag)
    }
}

fn type_size(kind: u16) -> Option<usize> {
    match kind {
        1 | 2 | 6 | 7 => Some(1),
        3 | 8 => Some(2),
        4 | 9 | 11 | 13 => Some(4),
        5 | 10 | 12 => Some(8),
        _ => None,
    }
}

impl<'a> Tiff<'a> {
    /// The block and the offset of IFD0, or `None` when the header is not TIFF.
    pub fn parse(data: &'a [u8]) -> Option<(Tiff<'a>, u32)> {
        let little_endian = match data.get(..4)? {
            [b'I', b'I', 42, 0] => true,
            [b'M', b'M', 0, 42] => false,
            _ => return None,
        };
        let t = Tiff {
            data,
            little_endian,
        };
        Some((t, t.u32(4)?))
    }

    pub fn u16(&self, at: usize) -> Option<u16> {
        let b: [u8; 2] = self.data.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if self.little_endian {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    }

    pub fn u32(&self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.data.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.little_endian {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    /// The IFD at `at`, when its whole table lies inside the block.
    pub fn ifd(&self, at: usize) -> Option<Ifd> {
        let n = usize::from(self.u16(at)?);
        let end = at.checked_add(2 + 12 * n + 4)?;
        if end > self.data.len() {
            return None;
        }
        let entries = (0..n)
            .map(|i| {
                let e = at + 2 + 12 * i;
                let kind = self.u16(e + 2).unwrap_or(0);
                let count = self.u32(e + 4).unwrap_or(0);
                let value_len = type_size(kind).and_then(|s| s.checked_mul(count as usize));
                let inline = value_len.is_some_and(|l| l <= 4);
                let value_at = if inline {
                    e + 8
                } else {
                    self.u32(e + 8).unwrap_or(0) as usize
                };
                Entry {
                    tag: self.u16(e).unwrap_or(0),
                    kind,
                    value_at,
                    value_len,
                    inline,
                }
            })
            .collect();
        Some(Ifd {
            at,
            entries,
            next: self.u32(end - 4)?,
        })
    }

    /// The first value of a SHORT or LONG entry.
    pub fn uint(&self, e: &Entry) -> Option<u32> {
        match e.kind {
            3 => self.u16(e.value_at).map(u32::from),
            4 | 13 => self.u32(e.value_at),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ifd_whose_table_runs_past_the_block_is_refused() {
        // Big-endian header, IFD0 at 8 claiming 100 entries in a 20-byte block.
        let mut b = b"MM\0\x2a\0\0\0\x08".to_vec();
        b.extend_from_slice(&[0, 100]);
        b.resize(20, 0);
        let (t, ifd0) = Tiff::parse(&b).expect("the header is valid");
        assert!(
            t.ifd(ifd0 as usize).is_none(),
            "a table longer than the block must not be read"
        );
        assert!(
            t.ifd(usize::MAX - 1).is_none(),
            "an offset near usize::MAX must not overflow"
        );
    }
}
