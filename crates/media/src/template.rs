//! Caption templates (`{city}, {date} – {caption}`) and newsroom shortcode expansion
//! (`=lđlđ` → "Liên đoàn Lao động"). Pure text, NFC in and out.

use crate::error::MediaError;

/// Values for a caption template; `None` expands to an empty string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateVars {
    pub creator: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    /// The capture date as the desk wants it printed (e.g. "28/10/2021").
    pub date: Option<String>,
    pub filename: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

impl TemplateVars {
    fn get(&self, name: &str) -> Option<Option<&str>> {
        let v = match name {
            "creator" => &self.creator,
            "city" => &self.city,
            "country" => &self.country,
            "date" => &self.date,
            "filename" => &self.filename,
            "caption" => &self.caption,
            "credit" => &self.credit,
            _ => return None,
        };
        Some(v.as_deref())
    }
}

/// Expands `{name}` placeholders; `{{` and `}}` are literal braces. Unknown names are all
/// reported at once so the desk can fix the template in one go.
pub fn expand_template(template: &str, vars: &TemplateVars) -> Result<String, MediaError> {
    let template = byline_text::nfc(template);
    let mut out = String::with_capacity(template.len() + 64);
    let mut unknown: Vec<String> = Vec::new();
    let mut rest = template.as_str();
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        if tail.starts_with('}') {
            return Err(MediaError::field(
                "template",
                "a '}' has no matching '{' (write '}}' for a literal brace)",
            ));
        }
        let Some(end) = tail.find('}') else {
            return Err(MediaError::field(
                "template",
                "a '{' is never closed (write '{{' for a literal brace)",
            ));
        };
        let name = tail[1..end].trim();
        match vars.get(name) {
            Some(v) => out.push_str(&byline_text::nfc(v.unwrap_or(""))),
            None if !unknown.iter().any(|u| u == name) => unknown.push(name.to_owned()),
            None => {}
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    if !unknown.is_empty() {
        let list: Vec<String> = unknown.iter().map(|u| format!("{{{u}}}")).collect();
        return Err(MediaError::field(
            "template",
            format!(
                "unknown variable{} {}; use {{creator}}, {{city}}, {{country}}, {{date}}, {{filename}}, {{caption}} or {{credit}}",
                if unknown.len() > 1 { "s" } else { "" },
                list.join(", ")
            ),
        ));
    }
    Ok(out)
}

/// Shortcode → expansion, longest shortcode first so `=lđlđ` wins over `=lđ`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeTable {
    entries: Vec<(String, String)>,
}

impl CodeTable {
    /// Parses `shortcode<TAB>expansion` lines; `#` comments and blank lines are skipped. Every
    /// bad line is reported with its number.
    pub fn parse(text: &str) -> Result<CodeTable, MediaError> {
        let mut entries: Vec<(String, String)> = Vec::new();
        let mut bad: Vec<String> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let Some((code, expansion)) = line.split_once('\t') else {
                bad.push(format!("line {n}: no tab between shortcode and expansion"));
                continue;
            };
            let (code, expansion) = (
                byline_text::nfc(code.trim()),
                byline_text::nfc(expansion.trim()),
            );
            if code.is_empty() || code.chars().any(char::is_whitespace) {
                bad.push(format!("line {n}: the shortcode must be one word"));
            } else if expansion.is_empty() {
                bad.push(format!("line {n}: '{code}' has an empty expansion"));
            } else if entries.iter().any(|(c, _)| *c == code) {
                bad.push(format!("line {n}: '{code}' is defined twice"));
            } else {
                entries.push((code, expansion));
            }
        }
        if !bad.is_empty() {
            return Err(MediaError::field("code replacement file", bad.join("; ")));
        }
        entries.sort_by(|a, b| {
            b.0.chars()
                .count()
                .cmp(&a.0.chars().count())
                .then_with(|| a.0.cmp(&b.0))
        });
        Ok(CodeTable { entries })
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Replaces whole shortcodes: a code only matches where it is not glued to letters or
    /// digits on either side, so `=hn` does not fire inside `=hnx` or `a=hn`.
    pub fn replace(&self, text: &str) -> String {
        let text = byline_text::nfc(text);
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        let mut prev: Option<char> = None;
        while i < text.len() {
            let rest = &text[i..];
            let at_boundary = !prev.is_some_and(char::is_alphanumeric);
            let hit = at_boundary
                .then(|| {
                    self.entries.iter().find(|(code, _)| {
                        rest.starts_with(code.as_str())
                            && !rest[code.len()..]
                                .chars()
                                .next()
                                .is_some_and(char::is_alphanumeric)
                    })
                })
                .flatten();
            if let Some((code, expansion)) = hit {
                out.push_str(expansion);
                prev = code.chars().last();
                i += code.len();
            } else if let Some(c) = rest.chars().next() {
                out.push(c);
                prev = Some(c);
                i += c.len_utf8();
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_fills_known_variables_and_keeps_literal_braces() {
        let vars = TemplateVars {
            city: Some("Hà Nội".into()),
            date: Some("28/10/2021".into()),
            caption: Some("Toàn cảnh hội nghị.".into()),
            ..Default::default()
        };
        let out = expand_template("{city}, {date} – {caption} {{ảnh}} {credit}", &vars).unwrap();
        assert_eq!(
            out, "Hà Nội, 28/10/2021 – Toàn cảnh hội nghị. {ảnh} ",
            "missing credit expands to nothing"
        );
    }

    #[test]
    fn unknown_template_variables_are_all_named_in_the_error() {
        let err = expand_template("{place} {city} {when}", &TemplateVars::default()).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("{place}") && msg.contains("{when}"),
            "both unknown names listed: {msg}"
        );
        assert!(
            expand_template("{city", &TemplateVars::default()).is_err(),
            "an unclosed brace is an error"
        );
    }

    #[test]
    fn shortcodes_expand_longest_first_and_only_as_whole_words() {
        let t = CodeTable::parse("# mã\n=lđ\tLao động\n=lđlđ\tLiên đoàn Lao động\n\n=hn\tHà Nội\n")
            .unwrap();
        assert_eq!(t.len(), 3);
        assert_eq!(
            t.replace("Đại hội =lđlđ tại =hn."),
            "Đại hội Liên đoàn Lao động tại Hà Nội."
        );
        assert_eq!(
            t.replace("=lđ và =hnx, a=hn"),
            "Lao động và =hnx, a=hn",
            "no partial-word matches"
        );
    }

    #[test]
    fn shortcodes_match_whatever_unicode_normal_form_was_typed() {
        let decomposed = "=l\u{0111}"; // đ has no decomposition, so use a combining case below
        let t = CodeTable::parse("=ả\tảnh\n").unwrap();
        assert_eq!(
            t.replace("=a\u{0309}"),
            "ảnh",
            "NFD input still matches an NFC shortcode"
        );
        assert_eq!(t.replace(decomposed), decomposed);
    }

    #[test]
    fn bad_lines_are_reported_with_their_numbers() {
        let err = CodeTable::parse("=a\tA\nno tab here\n=b\t\n=a\tAgain\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 2") && err.contains("line 3") && err.contains("line 4"),
            "{err}"
        );
    }
}
