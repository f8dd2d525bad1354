//! Integration tests of the copy desk: the model story, a table of Vietnamese sentences,
//! spelling against the system dictionary, the checklist, settings files and fix.

mod checklist;
mod seed;
mod spelling;
mod table;

use byline_desk::{Desk, Settings};
use byline_protocol::{Article, Block, BlockKind, Person};
use std::sync::OnceLock;

/// The model story as a reporter files it: front matter skipped, `# ` title, first paragraph is
/// the lead, then figures (alt text = caption, no credit) and paragraphs exactly as in the file.
pub fn seed_article() -> Article {
    let md = std::fs::read_to_string(byline_testkit::seed_article())
        .expect("fixtures/seed-article/article.md must exist");
    let body = md
        .splitn(3, "---\n")
        .nth(2)
        .expect("front matter between --- lines");
    let mut a = Article::new("");
    a.byline = vec![
        Person {
            name: "Thanh Hà".into(),
            role: "writer".into(),
        },
        Person {
            name: "Cảnh Toàn".into(),
            role: "photographer".into(),
        },
    ];
    a.published_at =
        Some(chrono::DateTime::parse_from_rfc3339("2024-06-18T12:17:00+07:00").unwrap());
    a.section = "Trong tỉnh".into();
    for para in body.split("\n\n") {
        // Only the newline that separates paragraphs goes; trailing spaces stay as filed.
        let para = para.trim_matches('\n');
        if para.is_empty() {
            continue;
        }
        if let Some(t) = para.strip_prefix("# ") {
            a.title = t.to_owned();
        } else if let Some(img) = para.strip_prefix("![") {
            let (alt, rest) = img.split_once("](").expect("image syntax");
            let src = rest.trim_end_matches(')');
            a.blocks.push(Block::new(BlockKind::Figure {
                photo_id: Some(format!("photo-{src}")),
                caption: alt.to_owned(),
                credit: String::new(),
                src: Some(src.to_owned()),
            }));
        } else if a.lead.is_empty() {
            a.lead = para.to_owned();
        } else {
            a.blocks.push(Block::paragraph(para));
        }
    }
    a
}

/// One desk with the default settings and the system dictionary, shared by all tests: the
/// whole point of `Desk` is that it is built once.
pub fn desk() -> &'static Desk {
    static DESK: OnceLock<Desk> = OnceLock::new();
    DESK.get_or_init(|| Desk::new(Settings::default()).expect("default settings build a desk"))
}

/// An article with just a lead, for sentence-level tests.
pub fn lead_only(text: &str) -> Article {
    let mut a = Article::new("Tít bài");
    a.lead = text.to_owned();
    a
}
