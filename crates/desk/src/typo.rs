//! Typography and whitespace rules on one text field (title, lead, section or a block's text).
//!
//! Every rule here works on the field's chars (NFC) so offsets are Unicode scalar values; the
//! whitespace rules mirror `byline_text::clean` exactly, so what is reported fixable is what
//! `fix` changes.

use crate::finding::{Loc, Raw, Rule};
use byline_text::{is_space_like, is_zero_width};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

/// Sentence punctuation: what must not have a space before it.
pub(crate) fn is_sentence_punct(c: char) -> bool {
    matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '…')
}

/// What `clean` removes spaces before (sentence punctuation and closing brackets).
fn closes(c: char) -> bool {
    is_sentence_punct(c) || matches!(c, ')' | ']' | '}')
}

fn opens(c: char) -> bool {
    matches!(c, '(' | '[' | '{')
}

/// Characters `clean` strips: zero-width chars and controls other than newline and tab.
pub(crate) fn is_invisible(c: char) -> bool {
    is_zero_width(c) || (c.is_control() && c != '\n' && c != '\t')
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '–' | '—')
}

pub(crate) fn raw(
    rule: Rule,
    loc: Loc,
    chars: &[char],
    start: usize,
    end: usize,
    vi: String,
    en: String,
) -> Raw {
    Raw {
        rule,
        loc,
        start,
        end,
        text: chars[start..end].iter().collect(),
        vi,
        en,
        fixable: false,
        replacement: None,
    }
}

fn fixable(mut r: Raw, replacement: &str) -> Raw {
    r.fixable = true;
    r.replacement = Some(replacement.to_owned());
    r
}

fn suggest(mut r: Raw, replacement: String) -> Raw {
    r.replacement = Some(replacement);
    r
}

/// Reports a field whose raw text is not NFC. Offsets are in the NFC text, spanning the first
/// to the last char that normalisation changes.
pub(crate) fn check_nfc(raw_text: &str, loc: Loc, out: &mut Vec<Raw>) {
    if byline_text::is_nfc(raw_text) {
        return;
    }
    // Walk "starter + following combining marks" segments: NFC never composes across them for
    // Vietnamese, so each segment's NFC length adds up to the offsets in the whole NFC text.
    let mut offset = 0;
    let mut first: Option<usize> = None;
    let mut last_end = 0;
    let mut changed = 0;
    let mut seg = String::new();
    let mut flush = |seg: &mut String, offset: &mut usize| {
        if seg.is_empty() {
            return;
        }
        let n: String = seg.nfc().collect();
        let len = n.chars().count();
        if n != *seg {
            first.get_or_insert(*offset);
            last_end = *offset + len;
            changed += 1;
        }
        *offset += len;
        seg.clear();
    };
    for c in raw_text.chars() {
        if canonical_combining_class(c) == 0 {
            flush(&mut seg, &mut offset);
        }
        seg.push(c);
    }
    flush(&mut seg, &mut offset);
    let nfc: Vec<char> = byline_text::nfc(raw_text).chars().collect();
    let start = first.unwrap_or(0).min(nfc.len());
    let end = last_end.clamp(start, nfc.len());
    let mut r = raw(
        Rule::NotNfc,
        loc,
        &nfc,
        start,
        end,
        format!(
            "Văn bản chưa ở dạng Unicode NFC ({changed} chữ viết bằng dấu tổ hợp rời); sửa tự động sẽ chuẩn hóa."
        ),
        format!(
            "Text is not Unicode NFC ({changed} letters typed with separate combining marks); the fix normalises it."
        ),
    );
    r.fixable = true;
    r.replacement = Some(nfc[start..end].iter().collect());
    out.push(r);
}

/// Runs the per-field typography rules on NFC chars.
pub(crate) fn check_chars(chars: &[char], loc: Loc, out: &mut Vec<Raw>) {
    whitespace(chars, loc, out);
    invisible(chars, loc, out);
    punctuation(chars, loc, out);
    quotes_and_brackets(chars, loc, out);
}

fn whitespace(chars: &[char], loc: Loc, out: &mut Vec<Raw>) {
    let mut line_start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line_start = i + 1;
            i += 1;
            continue;
        }
        if !is_space_like(c) {
            i += 1;
            continue;
        }
        let s = i;
        while i < chars.len() && is_space_like(chars[i]) {
            i += 1;
        }
        if let Some((rule, vi, en, with)) = space_run(chars, s, i, s == line_start) {
            out.push(fixable(raw(rule, loc, chars, s, i, vi, en), with));
        }
    }
}

/// What is wrong with the run of spaces `chars[s..e]` (if anything), in `clean`'s precedence:
/// edges first, then punctuation, then collapsing; with the Vietnamese and English notes and
/// the replacement.
fn space_run(
    chars: &[char],
    s: usize,
    e: usize,
    at_line_start: bool,
) -> Option<(Rule, String, String, &'static str)> {
    let n = e - s;
    let next = chars.get(e).copied().filter(|&c| c != '\n');
    if at_line_start {
        return Some((
            Rule::LeadingSpace,
            "Khoảng trắng thừa ở đầu dòng.".into(),
            "Leading space at the start of the line.".into(),
            "",
        ));
    }
    let Some(next) = next else {
        return Some((
            Rule::TrailingSpace,
            "Khoảng trắng thừa ở cuối dòng (kể cả khoảng trắng không ngắt).".into(),
            "Trailing space at the end of the line (no-break spaces included).".into(),
            "",
        ));
    };
    let before = chars[s - 1];
    if closes(next) {
        Some((
            Rule::SpaceBeforePunctuation,
            format!("Không đặt khoảng trắng trước dấu “{next}”."),
            format!("No space before “{next}”."),
            "",
        ))
    } else if opens(before) {
        Some((
            Rule::SpaceInsideBrackets,
            format!("Không đặt khoảng trắng ngay sau dấu mở ngoặc “{before}”."),
            format!("No space right after the opening bracket “{before}”."),
            "",
        ))
    } else if n >= 2 {
        Some((
            Rule::DoubleSpace,
            format!("{n} khoảng trắng liền nhau (kể cả khoảng trắng không ngắt); chỉ cần một."),
            format!("{n} spaces in a row (no-break spaces included); one is enough."),
            " ",
        ))
    } else {
        None
    }
}

fn invisible(chars: &[char], loc: Loc, out: &mut Vec<Raw>) {
    let mut i = 0;
    while i < chars.len() {
        if !is_invisible(chars[i]) {
            i += 1;
            continue;
        }
        let s = i;
        while i < chars.len() && is_invisible(chars[i]) {
            i += 1;
        }
        let code = format!("U+{:04X}", chars[s] as u32);
        out.push(fixable(
            raw(
                Rule::InvisibleChar,
                loc,
                chars,
                s,
                i,
                format!("Ký tự vô hình hoặc ký tự điều khiển ({code}); sửa tự động sẽ xóa."),
                format!("Invisible or control character ({code}); the fix removes it."),
            ),
            "",
        ));
    }
}

/// Marks chars that belong to a URL, e-mail address or domain-like chunk: punctuation rules
/// do not apply inside them.
fn url_mask(chars: &[char]) -> Vec<bool> {
    let mut mask = vec![false; chars.len()];
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let s = i;
        while i < chars.len() && !chars[i].is_whitespace() {
            i += 1;
        }
        if is_url_chunk(&chars[s..i]) {
            mask[s..i].iter_mut().for_each(|m| *m = true);
        }
    }
    mask
}

/// A whitespace-delimited chunk that is a URL, an e-mail address or a bare domain
/// ("baonghean.vn"): lowercase ASCII letters on both sides of a dot never happen in prose.
pub(crate) fn is_url_chunk(chunk: &[char]) -> bool {
    let has = |pat: &str| {
        let p: Vec<char> = pat.chars().collect();
        chunk
            .windows(p.len())
            .any(|w| w.iter().zip(&p).all(|(a, b)| a.to_ascii_lowercase() == *b))
    };
    chunk.contains(&'@')
        || has("://")
        || has("www.")
        || chunk
            .windows(3)
            .any(|w| w[0].is_ascii_lowercase() && w[1] == '.' && w[2].is_ascii_lowercase())
}

/// A run of sentence punctuation that reads well as it is.
fn allowed_run(run: &str) -> bool {
    run.chars().count() == 1 || matches!(run, "..." | "?!" | "!?" | "…?" | "…!" | "...?" | "...!")
}

fn punctuation(chars: &[char], loc: Loc, out: &mut Vec<Raw>) {
    let mut mask: Option<Vec<bool>> = None;
    let mut i = 0;
    while i < chars.len() {
        if !is_sentence_punct(chars[i]) {
            i += 1;
            continue;
        }
        let s = i;
        while i < chars.len() && is_sentence_punct(chars[i]) {
            i += 1;
        }
        let e = i;
        let run: String = chars[s..e].iter().collect();
        if !allowed_run(&run) {
            let better = if run.contains('…') || run.matches('.').count() >= 3 {
                "…".to_owned()
            } else {
                chars[s].to_string()
            };
            out.push(suggest(
                raw(
                    Rule::RepeatedPunctuation,
                    loc,
                    chars,
                    s,
                    e,
                    format!("Dấu câu lặp “{run}”; nên viết “{better}”."),
                    format!("Repeated punctuation “{run}”; write “{better}”."),
                ),
                better,
            ));
        }
        let Some(&next) = chars.get(e) else { continue };
        if !next.is_alphabetic() || s == 0 || chars[s - 1].is_whitespace() {
            continue;
        }
        let mask = mask.get_or_insert_with(|| url_mask(chars));
        if mask[s] {
            continue;
        }
        if run == "." {
            // "TP.HCM", "v.v.", "vnexpress.net": only a lowercase word glued to a capital is a
            // missing space ("đất nước.Tại").
            let word_start = chars[..s]
                .iter()
                .rposition(|c| !c.is_alphabetic())
                .map_or(0, |p| p + 1);
            let word = &chars[word_start..s];
            let lowercase_word = word.len() >= 2 && word.iter().all(|c| c.is_lowercase());
            if !(next.is_uppercase() && lowercase_word) {
                continue;
            }
        }
        out.push(suggest(
            raw(
                Rule::MissingSpaceAfterPunctuation,
                loc,
                chars,
                s,
                e,
                format!("Thiếu khoảng trắng sau dấu “{run}”."),
                format!("Missing space after “{run}”."),
            ),
            format!("{run} "),
        ));
    }
}

fn quote_name(c: char) -> (&'static str, &'static str) {
    match c {
        '“' | '”' | '"' => ("ngoặc kép", "quotation mark"),
        '‘' | '’' | '\'' => ("ngoặc đơn (nháy)", "single quotation mark"),
        _ => ("ngoặc", "bracket"),
    }
}

fn unclosed(chars: &[char], loc: Loc, at: usize, out: &mut Vec<Raw>) {
    let c = chars[at];
    let rule = if matches!(c, '(' | '[') {
        Rule::UnbalancedBrackets
    } else {
        Rule::UnbalancedQuotes
    };
    let (vi, en) = quote_name(c);
    out.push(raw(
        rule,
        loc,
        chars,
        at,
        at + 1,
        format!("Dấu {vi} mở ({c}) không được đóng trong đoạn này."),
        format!("Opening {en} ({c}) is never closed in this paragraph."),
    ));
}

fn unopened(chars: &[char], loc: Loc, at: usize, out: &mut Vec<Raw>) {
    let c = chars[at];
    let rule = if matches!(c, ')' | ']') {
        Rule::UnbalancedBrackets
    } else {
        Rule::UnbalancedQuotes
    };
    let (vi, en) = quote_name(c);
    out.push(raw(
        rule,
        loc,
        chars,
        at,
        at + 1,
        format!("Dấu {vi} đóng ({c}) không có dấu mở tương ứng trong đoạn này."),
        format!("Closing {en} ({c}) has no matching opening one in this paragraph."),
    ));
}

fn quotes_and_brackets(chars: &[char], loc: Loc, out: &mut Vec<Raw>) {
    let mut curly: Vec<usize> = Vec::new();
    let mut single: Vec<usize> = Vec::new();
    let mut straight: Vec<usize> = Vec::new();
    let mut apos: Vec<usize> = Vec::new();
    let mut round: Vec<usize> = Vec::new();
    let mut square: Vec<usize> = Vec::new();
    let mut line_start = 0;
    let letter = |i: Option<usize>| {
        i.and_then(|i| chars.get(i))
            .is_some_and(|c| c.is_alphanumeric())
    };
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1);
        match c {
            '\n' => line_start = i + 1,
            '“' => curly.push(i),
            '”' => {
                let matched = curly.pop().is_some();
                if !matched {
                    unopened(chars, loc, i, out);
                }
            }
            '‘' => single.push(i),
            '’' => {
                // Without an open ‘ a ’ after a letter is an apostrophe ("students’").
                let matched = single.pop().is_some();
                if !matched && !letter(prev) {
                    unopened(chars, loc, i, out);
                }
            }
            '"' => {
                // Straight quotes toggle: the second closes the first.
                let closed = straight.pop().is_some();
                if !closed {
                    straight.push(i);
                }
            }
            '\'' => {
                let (before, after) = (letter(prev), letter(Some(i + 1)));
                if before && after {
                    // An apostrophe inside a word: "don't", "Kapa'a".
                } else if !before && after {
                    apos.push(i);
                } else if before && !after {
                    apos.pop();
                }
            }
            '(' => round.push(i),
            '[' => square.push(i),
            ')' | ']' => {
                let stack = if c == ')' { &mut round } else { &mut square };
                if stack.pop().is_none() {
                    // List markers "a)" and "1)" at the start of a line open nothing.
                    let marker = i - line_start <= 3
                        && chars[line_start..i].iter().all(|c| c.is_alphanumeric());
                    if !marker {
                        unopened(chars, loc, i, out);
                    }
                }
            }
            _ => {}
        }
    }
    let mut left: Vec<usize> = curly
        .into_iter()
        .chain(single)
        .chain(straight)
        .chain(apos)
        .chain(round)
        .chain(square)
        .collect();
    left.sort_unstable();
    for at in left {
        unclosed(chars, loc, at, out);
    }
}

/// One compound written with a dash, e.g. "CNH-HĐH" or "CNH – HĐH".
#[derive(Debug, Clone)]
pub(crate) struct DashUse {
    /// The words on either side, as written.
    pub key: (String, String),
    /// The joint with spaces collapsed: "-", " – ", "– ".
    pub form: String,
    pub loc: Loc,
    pub start: usize,
    pub end: usize,
}

/// Collects every letter–dash–letter compound in a field, for the story-wide dash rule.
pub(crate) fn dash_uses(chars: &[char], loc: Loc, out: &mut Vec<DashUse>) {
    for (i, &c) in chars.iter().enumerate() {
        if !is_dash(c) {
            continue;
        }
        let mut l = i;
        while l > 0 && is_space_like(chars[l - 1]) {
            l -= 1;
        }
        let mut r = i + 1;
        while r < chars.len() && is_space_like(chars[r]) {
            r += 1;
        }
        let mut ls = l;
        while ls > 0 && chars[ls - 1].is_alphanumeric() {
            ls -= 1;
        }
        let mut re = r;
        while re < chars.len() && chars[re].is_alphanumeric() {
            re += 1;
        }
        let left = &chars[ls..l];
        let right = &chars[r..re];
        // Number ranges ("15-20", "2010 – 2024") are a different matter: need a letter both sides.
        if !left.iter().any(|c| c.is_alphabetic()) || !right.iter().any(|c| c.is_alphabetic()) {
            continue;
        }
        let mut form = String::new();
        if l < i {
            form.push(' ');
        }
        form.push(c);
        if r > i + 1 {
            form.push(' ');
        }
        out.push(DashUse {
            key: (left.iter().collect(), right.iter().collect()),
            form,
            loc,
            start: ls,
            end: re,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn urls_mails_and_bare_domains_are_url_chunks_but_abbreviations_are_not() {
        for url in [
            "https://baonghean.vn",
            "www.Example.com",
            "toasoan@baonghean.vn",
            "baonghean.vn/x",
        ] {
            assert!(is_url_chunk(&chars(url)), "{url} is a link");
        }
        for word in ["TP.HCM", "nước.Tại", "18/6", "1.000"] {
            assert!(!is_url_chunk(&chars(word)), "{word} is prose");
        }
    }

    #[test]
    fn ellipses_and_interrobangs_are_allowed_runs_but_doubled_marks_are_not() {
        for ok in [".", "...", "…", "?!", "…?"] {
            assert!(allowed_run(ok), "{ok} reads well");
        }
        for bad in ["..", "….", ",,", "!!", "....", ":."] {
            assert!(!allowed_run(bad), "{bad} is a repetition");
        }
    }

    #[test]
    fn whitespace_findings_follow_the_same_precedence_as_clean() {
        let loc = Loc::lead();
        let mut out = Vec::new();
        whitespace(&chars("  a  ,b  \nc  "), loc, &mut out);
        let got: Vec<(Rule, usize, usize)> = out.iter().map(|r| (r.rule, r.start, r.end)).collect();
        assert_eq!(
            got,
            [
                (Rule::LeadingSpace, 0, 2),
                (Rule::SpaceBeforePunctuation, 3, 5),
                (Rule::TrailingSpace, 7, 9),
                (Rule::TrailingSpace, 11, 13)
            ],
            "edges first, then punctuation; each line has its own edges"
        );
    }

    #[test]
    fn a_compound_is_keyed_by_its_words_and_its_joint_is_normalised() {
        let mut uses = Vec::new();
        dash_uses(
            &chars("CNH\u{a0}–  HĐH và 2010-2024"),
            Loc::lead(),
            &mut uses,
        );
        assert_eq!(uses.len(), 1, "the number range is not a compound");
        assert_eq!(
            (uses[0].key.0.as_str(), uses[0].form.as_str(), uses[0].end),
            ("CNH", " – ", 10)
        );
    }
}
