//! Tone-mark placement style: "hoà, thuý, hoá" (old) versus "hòa, thúy, hóa" (new).
//!
//! Only open syllables whose vowel nucleus is `oa`, `oe` or `uy` differ between the styles.
//! `qu` and `gi` belong to the onset ("quý", "già" are unaffected) and a final consonant pins
//! the mark ("hoàng", "thuyết" are the same in both styles).

use crate::settings::ToneStyle;
use unicode_normalization::UnicodeNormalization;

/// The five Vietnamese tone marks as combining characters.
fn is_tone_mark(c: char) -> bool {
    matches!(c, '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}')
}

/// Splits a letter into its base (vowel quality marks kept, case kept) and its tone mark.
fn split(c: char) -> (char, Option<char>) {
    if c.is_ascii() {
        return (c, None);
    }
    let mut tone = None;
    let mut rest = String::new();
    for d in c.nfd() {
        if is_tone_mark(d) {
            tone = Some(d);
        } else {
            rest.push(d);
        }
    }
    if tone.is_none() {
        return (c, None);
    }
    let base = rest.nfc().next().unwrap_or(c);
    (base, tone)
}

fn join(base: char, tone: Option<char>) -> char {
    match tone {
        None => base,
        Some(t) => [base, t].into_iter().nfc().next().unwrap_or(base),
    }
}

fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'ă' | 'â' | 'e' | 'ê' | 'i' | 'o' | 'ô' | 'ơ' | 'u' | 'ư' | 'y'
    )
}

const ONSETS: [&str; 27] = [
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
    "nh", "p", "ph", "q", "r", "s", "t", "th", "tr", "v",
];

fn is_onset(s: &str) -> bool {
    ONSETS.contains(&s) || s == "x"
}

/// Cheap pre-filter: the syllable must contain `o` or `u` followed by `a`/`e`/`y` in some form.
fn may_differ(word: &str) -> bool {
    let n = word.chars().count();
    (2..=7).contains(&n) && !word.chars().any(|c| c.is_ascii_digit())
}

/// Returns `word` rewritten in `style` when it is a syllable written in the other style, `None`
/// when the word is unaffected or already in `style`.
pub fn convert_syllable(word: &str, style: ToneStyle) -> Option<String> {
    if style == ToneStyle::Off || !may_differ(word) {
        return None;
    }
    let parts: Vec<(char, Option<char>)> = word.chars().map(split).collect();
    let lower: Vec<char> = parts
        .iter()
        .map(|(b, _)| b.to_lowercase().next().unwrap_or(*b))
        .collect();
    let n = lower.len();
    let mut v = lower.iter().position(|&c| is_vowel(c))?;
    let onset: String = lower[..v].iter().collect();
    if !is_onset(&onset) {
        return None;
    }
    let qu = onset == "q" && lower[v] == 'u';
    let gi = onset == "g" && lower[v] == 'i' && lower.get(v + 1).is_some_and(|&c| is_vowel(c));
    if qu || gi {
        v += 1;
    }
    // Exactly two vowels and nothing after them: an open oa/oe/uy syllable.
    if n != v + 2 || !lower[v + 1..].iter().all(|&c| is_vowel(c)) {
        return None;
    }
    if !matches!(
        (lower[v], lower[v + 1]),
        ('o', 'a') | ('o', 'e') | ('u', 'y')
    ) {
        return None;
    }
    let (t0, t1) = (parts[v].1, parts[v + 1].1);
    let tone = t0.or(t1)?;
    let (from, to) = match style {
        ToneStyle::New if t1.is_some() && t0.is_none() => (v + 1, v),
        ToneStyle::Old if t0.is_some() && t1.is_none() => (v, v + 1),
        _ => return None,
    };
    let mut out: Vec<char> = parts.iter().map(|&(b, t)| join(b, t)).collect();
    out[from] = parts[from].0;
    out[to] = join(parts[to].0, Some(tone));
    Some(out.into_iter().collect())
}

/// `word` in `style` (itself when unaffected).
pub fn to_style(word: &str, style: ToneStyle) -> std::borrow::Cow<'_, str> {
    match convert_syllable(word, style) {
        Some(s) => std::borrow::Cow::Owned(s),
        None => std::borrow::Cow::Borrowed(word),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_style_syllables_move_their_mark_to_the_first_vowel_in_new_style() {
        for (old, new) in [
            ("hoà", "hòa"),
            ("thuý", "thúy"),
            ("hoá", "hóa"),
            ("khoẻ", "khỏe"),
            ("uỷ", "ủy"),
            ("Hoà", "Hòa"),
            ("HOÀ", "HÒA"),
            ("xoã", "xõa"),
            ("loạ", "lọa"),
        ] {
            assert_eq!(
                convert_syllable(old, ToneStyle::New).as_deref(),
                Some(new),
                "{old} in new style"
            );
            assert_eq!(
                convert_syllable(new, ToneStyle::Old).as_deref(),
                Some(old),
                "{new} in old style"
            );
        }
    }

    #[test]
    fn syllables_the_styles_agree_on_are_left_alone() {
        for w in [
            "hoàng", "thuyết", "quý", "quà", "già", "giá", "ngoài", "khuya", "khuỷu", "hoa",
            "thuy", "toán", "Chloé", "Zoé", "tuổi", "quyền",
        ] {
            assert_eq!(
                convert_syllable(w, ToneStyle::New),
                None,
                "{w} is the same in new style"
            );
            assert_eq!(
                convert_syllable(w, ToneStyle::Old),
                None,
                "{w} is the same in old style"
            );
        }
    }

    #[test]
    fn a_syllable_already_in_the_style_is_not_converted() {
        assert_eq!(convert_syllable("hòa", ToneStyle::New), None, "already new");
        assert_eq!(convert_syllable("hoà", ToneStyle::Old), None, "already old");
        assert_eq!(
            convert_syllable("hoà", ToneStyle::Off),
            None,
            "style check switched off"
        );
    }
}
