//! The Atom feed (RFC 4287) of published stories: feed and entry ids, titles, links, authors,
//! update times and summaries. XML text goes through the same escaper as the pages (its
//! entities are XML's too); every link passes the one link check.

use byline_protocol::check_link;
use byline_text::escape_html as escape;
use chrono::{DateTime, FixedOffset};

/// The feed's own facts.
#[derive(Debug, Clone)]
pub struct Feed {
    /// A permanent IRI for the feed (the server's front page address).
    pub id: String,
    pub title: String,
    /// The front page (`rel="alternate"`) and the feed itself (`rel="self"`), absolute.
    pub home: String,
    pub this: String,
    /// The author of entries that name nobody (the newsroom).
    pub author: String,
    /// Newest entry's time; the feed's `updated`.
    pub updated: DateTime<FixedOffset>,
    pub entries: Vec<Entry>,
}

/// One published story.
#[derive(Debug, Clone)]
pub struct Entry {
    /// A permanent IRI: the same for every version of the story.
    pub id: String,
    pub title: String,
    /// The story's page, absolute.
    pub link: String,
    /// When the last version was published.
    pub updated: DateTime<FixedOffset>,
    /// The story's own publication time, when it has one.
    pub published: Option<DateTime<FixedOffset>>,
    pub authors: Vec<String>,
    pub summary: String,
}

/// The feed as an Atom XML document.
pub fn atom_feed(f: &Feed) -> String {
    let mut x = String::with_capacity(1024 + f.entries.len() * 512);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"vi\">\n");
    x.push_str(&format!("<id>{}</id>\n", escape(&f.id)));
    x.push_str(&format!("<title>{}</title>\n", escape(&f.title)));
    x.push_str(&format!("<updated>{}</updated>\n", f.updated.to_rfc3339()));
    link(&mut x, "alternate", "text/html", &f.home);
    link(&mut x, "self", "application/atom+xml", &f.this);
    author(&mut x, &f.author);
    for e in &f.entries {
        entry(&mut x, e, &f.author);
    }
    x.push_str("</feed>\n");
    x
}

fn entry(x: &mut String, e: &Entry, fallback_author: &str) {
    x.push_str("<entry>\n");
    x.push_str(&format!("<id>{}</id>\n", escape(&e.id)));
    x.push_str(&format!("<title>{}</title>\n", escape(&e.title)));
    link(x, "alternate", "text/html", &e.link);
    x.push_str(&format!("<updated>{}</updated>\n", e.updated.to_rfc3339()));
    if let Some(p) = e.published {
        x.push_str(&format!("<published>{}</published>\n", p.to_rfc3339()));
    }
    if e.authors.is_empty() {
        author(x, fallback_author);
    }
    for a in &e.authors {
        author(x, a);
    }
    x.push_str(&format!("<summary>{}</summary>\n", escape(&e.summary)));
    x.push_str("</entry>\n");
}

fn link(x: &mut String, rel: &str, kind: &str, href: &str) {
    if check_link(href).is_ok() {
        x.push_str(&format!(
            "<link rel=\"{rel}\" type=\"{kind}\" href=\"{}\"/>\n",
            escape(href)
        ));
    }
}

fn author(x: &mut String, name: &str) {
    x.push_str(&format!("<author><name>{}</name></author>\n", escape(name)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use quick_xml::Reader;
    use quick_xml::events::Event;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    /// Every element's text, as (path, text), read by a real XML parser (quick-xml reports
    /// entity references apart from the text around them; they are joined back here).
    fn texts(xml: &str) -> Vec<(String, String)> {
        let mut r = Reader::from_str(xml);
        let (mut path, mut out, mut text) = (Vec::<String>::new(), Vec::new(), String::new());
        loop {
            match r.read_event().expect("well-formed XML") {
                Event::Start(e) => {
                    text.clear();
                    path.push(String::from_utf8(e.local_name().as_ref().to_vec()).unwrap());
                }
                Event::End(_) => {
                    if !text.trim().is_empty() {
                        out.push((path.join("/"), std::mem::take(&mut text)));
                    }
                    text.clear();
                    path.pop();
                }
                Event::Text(t) => text.push_str(&t.decode().unwrap()),
                Event::GeneralRef(g) => {
                    if let Some(c) = g.resolve_char_ref().unwrap() {
                        text.push(c);
                    } else {
                        let name = g.decode().unwrap();
                        let c = quick_xml::escape::resolve_predefined_entity(&name)
                            .expect("only XML's predefined entities");
                        text.push_str(c);
                    }
                }
                Event::Eof => return out,
                _ => {}
            }
        }
    }

    #[test]
    fn markup_in_titles_survives_as_text_in_well_formed_xml() {
        let f = Feed {
            id: "http://127.0.0.1/".into(),
            title: "Báo <Nghệ An> & 'bạn đọc'".into(),
            home: "http://127.0.0.1/".into(),
            this: "http://127.0.0.1/feed.atom".into(),
            author: "Báo Nghệ An".into(),
            updated: at("2024-06-18T12:17:00+07:00"),
            entries: vec![Entry {
                id: "urn:byline:article:a".into(),
                title: "</title><script>x</script>".into(),
                link: "javascript:alert(1)".into(),
                updated: at("2024-06-18T12:17:00+07:00"),
                published: None,
                authors: vec![],
                summary: "a < b & \"c\"".into(),
            }],
        };
        let xml = atom_feed(&f);
        let t = texts(&xml);
        assert!(t.contains(&("feed/title".into(), "Báo <Nghệ An> & 'bạn đọc'".into())));
        assert!(t.contains(&(
            "feed/entry/title".into(),
            "</title><script>x</script>".into()
        )));
        assert!(t.contains(&("feed/entry/summary".into(), "a < b & \"c\"".into())));
        assert!(
            t.contains(&("feed/entry/author/name".into(), "Báo Nghệ An".into())),
            "an entry naming nobody is the newsroom's"
        );
        assert!(!xml.contains("javascript:"), "a script link is left out");
    }
}
