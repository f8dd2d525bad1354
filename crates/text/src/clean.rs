//! Paste cleanup: the single place where Byline decides what "clean whitespace" means.
//!
//! The editor runs [`clean`] on paste and the copy desk runs it as its safe fix, so a story fixed
//! on the desk and a story pasted clean are byte-identical. Import never calls it: what the
//! reporter filed is kept so the desk can show what was wrong.

/// How straight and curly quotes are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QuotePolicy {
    /// Leave quotes as they are.
    #[default]
    Keep,
    /// Turn straight `"` and `'` into typographic “ ” and ’ (Vietnamese newspaper style).
    Curly,
    /// Turn typographic quotes into straight ones (for plain-text wires).
    Straight,
}

/// What [`clean`] changes. The default is what the copy desk calls "safe": nothing a human
/// would have to judge (quotes are kept unless a newsroom opts in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CleanPolicy {
    /// Runs of two or more spaces of any kind (NBSP included) become one ordinary space.
    pub collapse_spaces: bool,
    /// Leading and trailing spaces of every line are removed.
    pub trim: bool,
    /// Zero-width and control characters (but newline and tab) are removed.
    pub strip_invisible: bool,
    /// Spaces before `. , ; : ! ? …` and closing brackets, and after opening brackets, are removed.
    pub tighten_punctuation: bool,
    /// What to do with quotes.
    pub quotes: QuotePolicy,
}

impl Default for CleanPolicy {
    fn default() -> Self {
        Self {
            collapse_spaces: true,
            trim: true,
            strip_invisible: true,
            tighten_punctuation: true,
            quotes: QuotePolicy::Keep,
        }
    }
}

/// Horizontal whitespace as pasted from browsers and Word: ASCII space, tab, NBSP, narrow NBSP,
/// the typographic spaces U+2000–U+200A and the ideographic space.
pub fn is_space_like(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{00A0}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\u{2000}'..='\u{200A}'
    )
}

/// Characters that take no room and carry no meaning in Vietnamese copy. ZWJ is not here: emoji
/// sequences need it.
pub fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\u{200E}' | '\u{200F}'
    )
}

fn is_invisible(c: char) -> bool {
    is_zero_width(c) || (c.is_control() && c != '\n' && c != '\t')
}

fn closes(c: char) -> bool {
    matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '…' | ')' | ']' | '}')
}

fn opens(c: char) -> bool {
    matches!(c, '(' | '[' | '{')
}

/// Cleans `s` under `policy` and returns NFC text. Idempotent: `clean(clean(s)) == clean(s)`.
pub fn clean(s: &str, policy: &CleanPolicy) -> String {
    let s = crate::nfc(s);
    let mut lines: Vec<String> = Vec::new();
    for line in s.split('\n') {
        lines.push(clean_line(line, policy));
    }
    lines.join("\n")
}

fn clean_line(line: &str, p: &CleanPolicy) -> String {
    let chars: Vec<char> = line
        .chars()
        .filter(|&c| !(p.strip_invisible && is_invisible(c)))
        .collect();
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_space_like(c) {
            let start = i;
            while i < chars.len() && is_space_like(chars[i]) {
                i += 1;
            }
            let run = &chars[start..i];
            let at_edge = start == 0 || i == chars.len();
            if p.trim && at_edge {
                continue;
            }
            if p.tighten_punctuation {
                let next = chars.get(i).copied();
                let prev = out.last().copied();
                if next.is_some_and(closes) || prev.is_some_and(opens) {
                    continue;
                }
            }
            if p.collapse_spaces && run.len() > 1 {
                out.push(' ');
            } else {
                out.extend_from_slice(run);
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
    apply_quotes(&out, p.quotes)
}

fn apply_quotes(chars: &[char], policy: QuotePolicy) -> String {
    match policy {
        QuotePolicy::Keep => chars.iter().collect(),
        QuotePolicy::Straight => chars
            .iter()
            .map(|&c| match c {
                '“' | '”' | '„' => '"',
                '‘' | '’' => '\'',
                c => c,
            })
            .collect(),
        QuotePolicy::Curly => {
            let mut out = String::with_capacity(chars.len() * 2);
            for (i, &c) in chars.iter().enumerate() {
                let prev = if i == 0 { None } else { Some(chars[i - 1]) };
                // A quote opens at the start of a line or after a space or an opening bracket.
                let opening = prev.is_none_or(|p| p.is_whitespace() || opens(p) || p == '“');
                match c {
                    '"' => out.push(if opening { '“' } else { '”' }),
                    '\'' => out.push(if opening { '‘' } else { '’' }),
                    c => out.push(c),
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn safe(s: &str) -> String {
        clean(s, &CleanPolicy::default())
    }

    #[test]
    fn space_and_nbsp_runs_become_one_space() {
        assert_eq!(
            safe("để \u{a0}khảo sát"),
            "để khảo sát",
            "space+NBSP is one space"
        );
        assert_eq!(safe("a\u{a0}\u{a0}b"), "a b", "NBSP+NBSP is one space");
    }

    #[test]
    fn a_lone_nbsp_between_words_is_kept() {
        assert_eq!(
            safe("18\u{a0}km"),
            "18\u{a0}km",
            "a single NBSP may be deliberate"
        );
    }

    #[test]
    fn trailing_nbsp_and_space_before_full_stop_go() {
        assert_eq!(
            safe("sản xuất…. \u{a0}"),
            "sản xuất….",
            "trailing run removed"
        );
        assert_eq!(
            safe("có liên quan ."),
            "có liên quan.",
            "space before full stop removed"
        );
        assert_eq!(
            safe("( xem ảnh )"),
            "(xem ảnh)",
            "spaces inside brackets removed"
        );
    }

    #[test]
    fn zero_width_and_controls_are_stripped_but_newlines_kept() {
        assert_eq!(safe("Đảng\u{200b}\u{feff} ủy\n\u{7}x"), "Đảng ủy\nx");
    }

    #[test]
    fn cleaning_is_idempotent() {
        let dirty = " Tại  hội nghị ,\u{a0} LĐLĐ\u{200b} tỉnh .\u{a0}";
        let once = safe(dirty);
        assert_eq!(safe(&once), once, "a second pass must change nothing");
    }

    #[test]
    fn curly_quote_policy_pairs_quotes_by_context() {
        let p = CleanPolicy {
            quotes: QuotePolicy::Curly,
            ..CleanPolicy::default()
        };
        assert_eq!(clean("về \"Tiếp tục\" và 'x'", &p), "về “Tiếp tục” và ‘x’");
        let s = CleanPolicy {
            quotes: QuotePolicy::Straight,
            ..CleanPolicy::default()
        };
        assert_eq!(clean("“a” ‘b’", &s), "\"a\" 'b'");
    }
}
