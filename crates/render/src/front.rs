//! The front page: every published story, newest first, grouped under its section.

use byline_protocol::sync::is_valid_article_id;
use byline_text::escape_html as escape;
use chrono::{DateTime, FixedOffset};

/// One published story as the front page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Teaser {
    pub id: String,
    pub section: String,
    pub title: String,
    pub lead: String,
    pub published_at: Option<DateTime<FixedOffset>>,
}

/// The heading of stories filed without a section.
const NO_SECTION: &str = "Tin khác";

/// The front page of `teasers` (given newest first): sections in the order their newest story
/// comes, each story linking to its page `/articles/{id}`.
pub fn front_page(newsroom: &str, teasers: &[Teaser]) -> String {
    let mut sections: Vec<(&str, Vec<&Teaser>)> = Vec::new();
    for t in teasers {
        let name = if t.section.trim().is_empty() {
            NO_SECTION
        } else {
            t.section.as_str()
        };
        match sections.iter_mut().find(|(s, _)| *s == name) {
            Some((_, list)) => list.push(t),
            None => sections.push((name, vec![t])),
        }
    }
    let mut h = String::with_capacity(1024 + teasers.len() * 256);
    h.push_str(&format!(
        "<div class=\"front\">\n<h1>{}</h1>\n",
        escape(newsroom)
    ));
    if sections.is_empty() {
        h.push_str("<p>Chưa có bài nào được xuất bản.</p>\n");
    }
    for (name, list) in &sections {
        h.push_str(&format!(
            "<section>\n<h2 class=\"section\">{}</h2>\n<ul>\n",
            escape(name)
        ));
        for t in list {
            teaser(&mut h, t);
        }
        h.push_str("</ul>\n</section>\n");
    }
    h.push_str("</div>\n");
    let feed = "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/feed.atom\">\n";
    crate::document(newsroom, feed, &h)
}

fn teaser(h: &mut String, t: &Teaser) {
    h.push_str("<li>");
    // Ids come from the database, which only stores valid ones; a path is built from nothing else.
    if is_valid_article_id(&t.id) {
        h.push_str(&format!(
            "<a href=\"/articles/{}\">{}</a>",
            t.id,
            escape(&t.title)
        ));
    } else {
        h.push_str(&escape(&t.title));
    }
    if let Some(at) = &t.published_at {
        h.push_str(&format!(
            " <time datetime=\"{}\">{}</time>",
            escape(&at.to_rfc3339()),
            escape(&crate::dateline(at))
        ));
    }
    if !t.lead.is_empty() {
        h.push_str(&format!("<br>{}", escape(&t.lead)));
    }
    h.push_str("</li>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(id: &str, section: &str, title: &str) -> Teaser {
        Teaser {
            id: id.into(),
            section: section.into(),
            title: title.into(),
            lead: String::new(),
            published_at: None,
        }
    }

    #[test]
    fn stories_are_grouped_by_section_in_the_order_given() {
        let html = front_page(
            "Báo Nghệ An",
            &[
                t("c", "Trong tỉnh", "Ba"),
                t("b", "Thể thao", "Hai"),
                t("a", "Trong tỉnh", "Một"),
                t("d", "", "Bốn"),
            ],
        );
        let pos = |s: &str| html.find(s).unwrap_or_else(|| panic!("{s} on the page"));
        assert!(pos("Trong tỉnh") < pos("Thể thao"), "newest section first");
        assert!(
            pos("/articles/c") < pos("/articles/a") && pos("/articles/a") < pos("Thể thao"),
            "both stories of the first section come under it, in order"
        );
        assert!(
            pos(NO_SECTION) > pos("Thể thao"),
            "no section goes last here"
        );
    }

    #[test]
    fn an_invalid_id_never_becomes_a_path() {
        let html = front_page("B", &[t("\"><script>", "S", "X")]);
        assert!(
            !html.contains("<script>"),
            "the id is neither a link nor markup"
        );
        assert!(!html.contains("href=\"/articles/"), "no link for a bad id");
    }
}
