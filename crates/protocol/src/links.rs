//! Outside links a story carries (its related items): the one place that decides which
//! addresses may be stored, sent and rendered. Only absolute `http://` and `https://` URLs with a
//! host pass, so a `javascript:` or `data:` link can never reach a page or an export.

use crate::article::Article;

/// Why a link was refused, with the entry it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkError {
    /// 1-based position in the related items list, as a person counts them.
    pub position: usize,
    pub title: String,
    pub url: String,
    pub reason: &'static str,
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "related item {} (\u{201c}{}\u{201d}): the link \u{201c}{}\u{201d} {}; \
             give an http:// or https:// address, or remove the link in the story's \
             related items (Tin liên quan)",
            self.position, self.title, self.url, self.reason
        )
    }
}

impl std::error::Error for LinkError {}

/// Checks one address: `Err` carries a short reason ("is not a web address", …).
pub fn check_link(url: &str) -> Result<(), &'static str> {
    let lower = url.to_ascii_lowercase();
    let rest = if let Some(r) = lower.strip_prefix("https://") {
        r
    } else if let Some(r) = lower.strip_prefix("http://") {
        r
    } else if lower.contains(':') {
        return Err("is not a web address (only http and https links can be published)");
    } else {
        return Err("is not a full address (it needs http:// or https:// in front)");
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains spaces or control characters");
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        return Err("has no host name");
    }
    Ok(())
}

impl Article {
    /// Checks every related item's link; the first refusal names its entry.
    pub fn check_links(&self) -> Result<(), LinkError> {
        for (i, r) in self.related.iter().enumerate() {
            let Some(url) = r.url.as_deref() else {
                continue;
            };
            check_link(url).map_err(|reason| LinkError {
                position: i + 1,
                title: r.title.clone(),
                url: url.to_owned(),
                reason,
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Related;

    #[test]
    fn web_addresses_pass_and_script_data_and_bare_addresses_are_refused() {
        for ok in [
            "https://baohatinh.vn/tin-lien-quan.html",
            "http://127.0.0.1:8080/a?b=c#d",
            "HTTPS://Example.com",
            "https://user@example.com/x",
        ] {
            assert_eq!(check_link(ok), Ok(()), "{ok} is a web address");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox",
            "file:///etc/passwd",
            "baohatinh.vn/x",
            "https://",
            "https:///path",
            "https://exa mple.com",
            "https://example.com/\u{0}",
        ] {
            assert!(check_link(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn the_refusal_names_the_entry_and_what_to_do() {
        let mut a = Article::new("Tin");
        a.related.push(Related {
            title: "Bài cũ".into(),
            url: Some("https://baohatinh.vn/a".into()),
            article_id: None,
        });
        a.related.push(Related {
            title: "Bẫy".into(),
            url: Some("javascript:alert(1)".into()),
            article_id: None,
        });
        let err = a.check_links().expect_err("a script link is refused");
        assert_eq!(err.position, 2, "the second entry is the bad one");
        let msg = err.to_string();
        assert!(
            msg.contains("Bẫy") && msg.contains("javascript:alert(1)") && msg.contains("https://"),
            "the message names the entry, the link and the fix: {msg}"
        );
    }
}
