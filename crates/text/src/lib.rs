//! Vietnamese-first text primitives shared by every Byline crate.
//!
//! - [`nfc`]: the one normal form stored anywhere (pasted Word/web text often arrives decomposed).
//! - [`fold`]: the search key: lowercase, tone and vowel marks removed, `đ` → `d`, one char per char
//!   so offsets found in the folded text are offsets in the original.
//! - [`slug`]: URL slugs built on [`fold`].
//! - [`clean`]: paste cleanup; the editor's paste and the copy desk's safe fixes share it.

mod clean;
mod fold;
mod html;

pub use clean::{CleanPolicy, QuotePolicy, clean, is_space_like, is_zero_width};
pub use fold::{fold, fold_char, slug, tokens};
pub use html::escape_html;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Returns `s` in Unicode Normalization Form C. Cheap when `s` already is (the common case).
pub fn nfc(s: &str) -> String {
    match is_nfc_quick(s.chars()) {
        IsNormalized::Yes => s.to_owned(),
        _ => s.nfc().collect(),
    }
}

/// True when `s` is already NFC (so nothing would change on store).
pub fn is_nfc(s: &str) -> bool {
    match is_nfc_quick(s.chars()) {
        IsNormalized::Yes => true,
        IsNormalized::No => false,
        IsNormalized::Maybe => s.nfc().eq(s.chars()),
    }
}

/// Number of Unicode scalar values: the unit every offset in Byline's APIs is counted in.
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Byte index of the `n`th char of `s` (or `s.len()` past the end).
pub fn byte_offset(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
}

/// Substring by char offsets `[start, end)`, clamped to the string.
pub fn char_slice(s: &str, start: usize, end: usize) -> &str {
    let a = byte_offset(s, start);
    let b = byte_offset(s, end.max(start));
    &s[a..b]
}

/// Counts words the way an editor's word counter does: runs of letters/digits.
pub fn word_count(s: &str) -> usize {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_vietnamese_becomes_composed() {
        let nfd: String = "Nghị quyết".nfd().collect();
        assert_ne!(nfd, "Nghị quyết", "the fixture must really be decomposed");
        assert_eq!(
            nfc(&nfd),
            "Nghị quyết",
            "NFD input should compose to the NFC spelling"
        );
        assert!(!is_nfc(&nfd), "decomposed text is not NFC");
        assert!(is_nfc("Nghị quyết"), "composed text is NFC");
    }

    #[test]
    fn char_slices_count_scalar_values_not_bytes() {
        let s = "Đảng ủy";
        assert_eq!(char_slice(s, 0, 4), "Đảng", "first four chars are one word");
        assert_eq!(char_slice(s, 5, 99), "ủy", "end past the string is clamped");
        assert_eq!(char_len(s), 7);
    }

    #[test]
    fn word_count_ignores_punctuation() {
        assert_eq!(
            word_count("Sáng 18/6, đoàn công tác…"),
            6,
            "18 and 6 count as two words"
        );
    }
}
