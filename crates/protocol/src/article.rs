//! The article model: what a story *is*, on the laptop, on the wire and on the server.
//!
//! Shaped after the model story (`fixtures/seed-article`): section, title, publish time with its
//! zone, lead, body blocks interleaved with captioned photos, byline with roles, related items.
//! Every block has a stable id so a later sync can merge block by block.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// Editorial state of a story: draft → submitted (the reporter hands it in) → edited (a
/// sub-editor) → approved → published (an editor); withdrawn after a takedown. `ready` is the
/// older "ready for the desk" and counts as submitted. Who may move a story where is the
/// server's call (`byline_server::workflow`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Draft,
    Ready,
    Submitted,
    Edited,
    Approved,
    Published,
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Draft,
        Status::Ready,
        Status::Submitted,
        Status::Edited,
        Status::Approved,
        Status::Published,
        Status::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Ready => "ready",
            Status::Submitted => "submitted",
            Status::Edited => "edited",
            Status::Approved => "approved",
            Status::Published => "published",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        let s = s.trim().to_ascii_lowercase();
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// A person credited on the story, e.g. `{name: "Thanh Hà", role: "writer"}`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    /// Free text, conventionally `writer`, `photographer`, `editor`, `translator`.
    pub role: String,
}

/// A "related items" entry: another story or an outside link.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article_id: Option<String>,
}

/// One unit of body copy, identified by an id that survives edits and reordering.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub id: String,
    #[serde(flatten)]
    pub kind: BlockKind,
}

/// The kinds of body blocks. Serialized with a `type` tag: `{"type": "paragraph", "text": …}`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BlockKind {
    Paragraph {
        text: String,
    },
    Heading {
        text: String,
        #[serde(default = "default_level")]
        level: u8,
    },
    Quote {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attribution: Option<String>,
    },
    Figure {
        /// SHA-256 (lowercase hex) of the photo's original bytes; `None` when the image could
        /// not be found at import and only `src` is known.
        photo_id: Option<String>,
        caption: String,
        #[serde(default)]
        credit: String,
        /// Where the image came from at import (relative path in the filed Markdown).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        src: Option<String>,
    },
}

fn default_level() -> u8 {
    2
}

impl Block {
    pub fn new(kind: BlockKind) -> Block {
        Block { id: new_id(), kind }
    }

    pub fn paragraph(text: impl Into<String>) -> Block {
        Block::new(BlockKind::Paragraph { text: text.into() })
    }

    /// The block's editable text: paragraph/heading/quote text, or a figure's caption.
    pub fn text(&self) -> &str {
        match &self.kind {
            BlockKind::Paragraph { text }
            | BlockKind::Heading { text, .. }
            | BlockKind::Quote { text, .. } => text,
            BlockKind::Figure { caption, .. } => caption,
        }
    }

    /// Mutable access to the same text as [`Block::text`].
    pub fn text_mut(&mut self) -> &mut String {
        match &mut self.kind {
            BlockKind::Paragraph { text }
            | BlockKind::Heading { text, .. }
            | BlockKind::Quote { text, .. } => text,
            BlockKind::Figure { caption, .. } => caption,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self.kind {
            BlockKind::Paragraph { .. } => "paragraph",
            BlockKind::Heading { .. } => "heading",
            BlockKind::Quote { .. } => "quote",
            BlockKind::Figure { .. } => "figure",
        }
    }
}

/// A story. `revision` is the local revision number of this content (0 before the first save).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    pub id: String,
    #[serde(default)]
    pub section: String,
    pub title: String,
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub lead: String,
    #[serde(default)]
    pub blocks: Vec<Block>,
    #[serde(default)]
    pub byline: Vec<Person>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub related: Vec<Related>,
    #[serde(default)]
    pub status: Status,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    #[serde(default)]
    pub published_at: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub revision: u64,
    /// Who the desk gave the story to (`{name, role}`, role `reporter` or `photographer`): set
    /// by an editor, it travels with the story so it reaches the assignee's app through sync.
    #[serde(default)]
    pub assigned: Vec<Person>,
}

/// A fresh time-ordered id (UUID v7, so ids sort by creation time).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

impl Article {
    /// An empty draft created now.
    pub fn new(title: impl Into<String>) -> Article {
        let now = chrono::Local::now().fixed_offset();
        let title = title.into();
        Article {
            id: new_id(),
            section: String::new(),
            slug: byline_text::slug(&title),
            title,
            lead: String::new(),
            blocks: Vec::new(),
            byline: Vec::new(),
            tags: Vec::new(),
            related: Vec::new(),
            status: Status::Draft,
            created_at: now,
            updated_at: now,
            published_at: None,
            revision: 0,
            assigned: Vec::new(),
        }
    }

    /// Brings every string to NFC: the one form stored anywhere.
    pub fn normalize(&mut self) {
        let n = |s: &mut String| {
            if !byline_text::is_nfc(s) {
                *s = byline_text::nfc(s);
            }
        };
        n(&mut self.section);
        n(&mut self.title);
        n(&mut self.slug);
        n(&mut self.lead);
        for b in &mut self.blocks {
            n(b.text_mut());
            match &mut b.kind {
                BlockKind::Figure { credit, .. } => n(credit),
                BlockKind::Quote {
                    attribution: Some(a),
                    ..
                } => n(a),
                _ => {}
            }
        }
        for p in self.byline.iter_mut().chain(self.assigned.iter_mut()) {
            n(&mut p.name);
            n(&mut p.role);
        }
        self.tags.iter_mut().for_each(n);
        for r in &mut self.related {
            n(&mut r.title);
            // An address pasted from a decomposing source (macOS, some CMSes) would otherwise
            // be a different string from the same link typed here, and dodge duplicate checks.
            if let Some(url) = &mut r.url {
                n(url);
            }
        }
    }

    /// The editable content without bookkeeping (id, times, revision): what a content hash
    /// and a "did anything change?" check look at.
    pub fn content(&self) -> ArticleContent<'_> {
        ArticleContent {
            section: &self.section,
            title: &self.title,
            slug: &self.slug,
            lead: &self.lead,
            blocks: &self.blocks,
            byline: &self.byline,
            tags: &self.tags,
            related: &self.related,
            status: self.status,
            published_at: self.published_at,
            assigned: &self.assigned,
        }
    }

    /// All searchable body text (paragraphs, headings, quotes, captions), one block per line.
    pub fn body_text(&self) -> String {
        let mut s = String::new();
        for b in &self.blocks {
            if !s.is_empty() {
                s.push('\n');
            }
            s.push_str(b.text());
        }
        s
    }

    /// The people with a given role, in byline order.
    pub fn people(&self, role: &str) -> impl Iterator<Item = &Person> {
        self.byline
            .iter()
            .filter(move |p| p.role.eq_ignore_ascii_case(role))
    }

    /// The credit a figure without one of its own inherits: the byline's photographer(s),
    /// joined with ", " (empty when the byline names none).
    pub fn photo_credit(&self) -> String {
        self.people("photographer")
            .map(|p| p.name.trim())
            .filter(|n| !n.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The credit printed for a figure: its own, else `library` (the photo library's credit or
    /// creator), else the byline's photographer(s).
    pub fn figure_credit(&self, own: &str, library: Option<&str>) -> String {
        if !own.trim().is_empty() {
            return own.trim().to_owned();
        }
        match library.map(str::trim).filter(|s| !s.is_empty()) {
            Some(l) => l.to_owned(),
            None => self.photo_credit(),
        }
    }
}

/// The photo library's credit for a photo, from its caption fields: the credit, else the
/// creator (trimmed; `None` when both are empty). The desktop's library and the server's photo
/// metadata both resolve through this, so a page and an export print the same credit.
pub fn library_credit<'a>(credit: &'a str, creator: &'a str) -> Option<&'a str> {
    [credit, creator]
        .into_iter()
        .map(str::trim)
        .find(|s| !s.is_empty())
}

/// Borrowed view of an article's content, serialised for hashing and comparison.
#[derive(Debug, Serialize, PartialEq)]
pub struct ArticleContent<'a> {
    pub section: &'a str,
    pub title: &'a str,
    pub slug: &'a str,
    pub lead: &'a str,
    pub blocks: &'a [Block],
    pub byline: &'a [Person],
    pub tags: &'a [String],
    pub related: &'a [Related],
    pub status: Status,
    pub published_at: Option<DateTime<FixedOffset>>,
    #[serde(skip_serializing_if = "<[Person]>::is_empty")]
    pub assigned: &'a [Person],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_serialize_with_a_type_tag_and_flat_fields() {
        let b = Block {
            id: "b1".into(),
            kind: BlockKind::Paragraph { text: "x".into() },
        };
        let v = serde_json::to_value(&b).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"id": "b1", "type": "paragraph", "text": "x"})
        );
        let back: Block = serde_json::from_value(v).unwrap();
        assert_eq!(back, b, "a block must round-trip through JSON");
    }

    #[test]
    fn normalize_composes_every_field() {
        use std::iter::FromIterator;
        let nfd = String::from_iter(unicode_nfd("Đảng"));
        let mut a = Article::new(nfd.clone());
        a.blocks.push(Block::paragraph(nfd.clone()));
        a.byline.push(Person {
            name: nfd,
            role: "writer".into(),
        });
        a.normalize();
        assert_eq!(a.title, "Đảng");
        assert_eq!(a.blocks[0].text(), "Đảng");
        assert_eq!(a.byline[0].name, "Đảng");
    }

    fn unicode_nfd(s: &str) -> Vec<char> {
        // "ả" = a + combining hook above; build NFD by hand to avoid a dev-dependency.
        s.chars()
            .flat_map(|c| match c {
                'ả' => vec!['a', '\u{309}'],
                c => vec![c],
            })
            .collect()
    }

    #[test]
    fn status_parses_case_insensitively() {
        assert_eq!(Status::parse("Ready"), Some(Status::Ready));
        assert_eq!(Status::parse("gone"), None, "unknown statuses are refused");
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s), "{s:?} must read back");
        }
    }
}
