//! Search folding and slugs.
//!
//! SQLite's `remove_diacritics` leaves `đ` alone, so Byline folds in Rust before indexing and
//! before querying. Folding maps each char to exactly one char; offsets therefore carry over.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds one char: base letter without marks, lowercase, `đ`/`Đ` → `d`.
pub fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    match c {
        'đ' | 'Đ' | 'ð' | 'Ð' => return 'd',
        // A lone combining mark (only in non-NFC input) folds to nothing visible; keep
        // the char count by mapping it to a joiner that the tokenizer treats as a separator.
        c if is_combining_mark(c) => return '\u{2060}',
        _ => {}
    }
    let base = c.nfd().next().unwrap_or(c);
    base.to_lowercase().next().unwrap_or(base)
}

/// Folds a string char by char (see [`fold_char`]). `fold(s).chars().count() == s.chars().count()`.
pub fn fold(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// Splits text into folded search tokens (runs of alphanumerics), composing it first so that
/// decomposed input gives the same tokens as composed input.
pub fn tokens(s: &str) -> Vec<String> {
    fold(&crate::nfc(s))
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A Vietnamese-aware URL slug: `đ` → `d`, tone marks dropped, lowercase ASCII, words joined by
/// single hyphens. Non-Latin letters that have no ASCII base are dropped.
pub fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_hyphen = false;
    for c in crate::nfc(s).chars().map(fold_char) {
        if c.is_ascii_alphanumeric() {
            if pending_hyphen && !out.is_empty() {
                out.push('-');
            }
            pending_hyphen = false;
            out.push(c);
        } else {
            pending_hyphen = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_removes_stacked_marks_and_d_bar() {
        assert_eq!(
            fold("LIÊN ĐOÀN Nghị quyết ự ậ ổ"),
            "lien doan nghi quyet u a o"
        );
    }

    #[test]
    fn fold_keeps_char_count_for_nfd_input_too() {
        let nfd: String = "Đảng ủy".nfd().collect();
        assert_eq!(
            fold(&nfd).chars().count(),
            nfd.chars().count(),
            "one char in, one char out"
        );
        assert_eq!(
            tokens(&nfd),
            vec!["dang", "uy"],
            "NFD input folds to the same tokens"
        );
    }

    #[test]
    fn slug_of_the_model_story_title() {
        let title = "Hội nghị khảo sát, đánh giá kết quả 15 năm triển khai thực hiện Nghị quyết số 20 \
                     của Ban chấp hành TƯ Đảng";
        assert_eq!(
            slug(title),
            "hoi-nghi-khao-sat-danh-gia-ket-qua-15-nam-trien-khai-thuc-hien-nghi-quyet-so-20-cua-ban-chap-hanh-tu-dang"
        );
    }

    #[test]
    fn slug_collapses_punctuation_and_edges() {
        assert_eq!(
            slug("  “CNH – HĐH” …  "),
            "cnh-hdh",
            "quotes, dashes and ellipses are separators"
        );
        assert_eq!(slug(""), "", "empty title has an empty slug");
    }
}
