//! HTML escaping: the one function every renderer (the server's page, the desktop's export, the
//! WordPress post body) uses for text placed in element content or quoted attribute values.

/// Escapes `&`, `<`, `>`, `"` and `'`, so the result is safe in element content and in single-
/// or double-quoted attributes.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape_html;

    #[test]
    fn markup_and_quotes_are_escaped_and_vietnamese_is_kept() {
        assert_eq!(
            escape_html("<a href=\"x\">Tin 'nóng' & mới</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tin &#39;nóng&#39; &amp; mới&lt;/a&gt;",
            "every special character is replaced, the rest is kept as is"
        );
    }
}
