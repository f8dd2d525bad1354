//! IPTC ninjs 2.1 export (News in JSON, the format agencies and partner papers exchange): the
//! story as a `text` item with its headline, lead, HTML body, byline, section and tags as
//! subjects, times with their zone, and each photo as a `picture` association carrying its
//! caption, credit line and renditions. Pure: the caller resolves the photos.

use byline_protocol::{Article, Block, BlockKind};
use serde_json::{Value, json};

use super::html;

/// The schema this export is valid against (kept in the repo: `fixtures/ninjs/`).
pub const SCHEMA_URI: &str = "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json";

/// One file of a picture (the original, the 1600 px preview).
#[derive(Debug, Clone)]
pub struct Rendition {
    pub name: &'static str,
    /// An absolute URI (`file:///…` for a library file, `https://…` on a site).
    pub href: String,
    pub contenttype: String,
    pub width: u64,
    pub height: u64,
    pub size: Option<u64>,
}

/// What the library knows of a figure's photo.
#[derive(Debug, Clone)]
pub struct Picture {
    pub photo_id: String,
    pub credit: String,
    pub copyright: String,
    pub renditions: Vec<Rendition>,
}

/// Renders `article` (figure credits already resolved) as a ninjs 2.1 object. `picture` maps a
/// figure block to its photo, when the library has it.
pub fn render(article: &Article, picture: &dyn Fn(&Block) -> Option<Picture>) -> Value {
    let body = html::body(article, &|b| {
        picture(b).and_then(|p| p.renditions.first().map(|r| r.href.clone()))
    });
    let mut item = json!({
        "uri": format!("urn:byline:article:{}", article.id),
        "standard": {"name": "ninjs", "version": "2.1", "schema": SCHEMA_URI},
        "type": "text",
        "representationtype": "full",
        "version": article.revision.to_string(),
        "language": "vi",
        "pubstatus": "usable",
        "firstcreated": article.created_at.to_rfc3339(),
        "versioncreated": article.updated_at.to_rfc3339(),
        "headlines": [{"role": "main", "value": article.title}],
        "bodies": [{
            "role": "main",
            "contenttype": "text/html",
            "value": body,
            "charcount": body_chars(article),
            "wordcount": body_words(article),
        }],
    });
    let obj = item.as_object_mut().expect("an object");
    if let Some(t) = article.published_at {
        obj.insert("contentcreated".into(), json!(t.to_rfc3339()));
    }
    if !article.slug.is_empty() {
        obj.insert("slugline".into(), json!(article.slug));
    }
    if !article.lead.trim().is_empty() {
        obj.insert(
            "descriptions".into(),
            json!([{"role": "summary", "contenttype": "text/plain", "value": article.lead}]),
        );
    }
    let by = html::printed_byline(article);
    if !by.is_empty() {
        obj.insert("by".into(), json!(by));
        let people: Vec<Value> = article
            .byline
            .iter()
            .filter(|p| !p.name.trim().is_empty())
            .map(|p| json!({"name": p.name, "rel": p.role}))
            .collect();
        obj.insert("people".into(), Value::Array(people));
    }
    let subjects = subjects(article);
    if !subjects.is_empty() {
        obj.insert("subjects".into(), Value::Array(subjects));
    }
    let pictures = associations(article, picture);
    if !pictures.is_empty() {
        obj.insert("associations".into(), Value::Array(pictures));
    }
    item
}

fn subjects(article: &Article) -> Vec<Value> {
    let mut out = Vec::new();
    if !article.section.trim().is_empty() {
        out.push(json!({"name": article.section, "rel": "section"}));
    }
    for t in article.tags.iter().filter(|t| !t.trim().is_empty()) {
        out.push(json!({"name": t, "rel": "tag"}));
    }
    out
}

fn associations(article: &Article, picture: &dyn Fn(&Block) -> Option<Picture>) -> Vec<Value> {
    let mut out = Vec::new();
    for b in &article.blocks {
        let BlockKind::Figure { caption, .. } = &b.kind else {
            continue;
        };
        let Some(p) = picture(b) else { continue };
        let n = out.len() + 1;
        let mut a = json!({
            "name": format!("picture{n}"),
            "uri": format!("urn:byline:photo:{}", p.photo_id),
            "type": "picture",
            "representationtype": "full",
            "descriptions": [{"role": "caption", "contenttype": "text/plain", "value": caption}],
            "renditions": p.renditions.iter().map(rendition).collect::<Vec<_>>(),
        });
        let obj = a.as_object_mut().expect("an object");
        if !p.credit.is_empty() {
            // ninjs 2.1 has no creditline property: `by` is "the creator (author,
            // photographer…) of the content", which is what a credit line prints.
            obj.insert("by".into(), json!(p.credit));
        }
        if !p.copyright.is_empty() {
            obj.insert("copyrightnotice".into(), json!(p.copyright));
        }
        out.push(a);
    }
    out
}

fn rendition(r: &Rendition) -> Value {
    let mut v = json!({
        "name": r.name,
        "href": r.href,
        "contenttype": r.contenttype,
        "width": r.width,
        "height": r.height,
    });
    if let Some(s) = r.size {
        v["sizeinbytes"] = json!(s);
    }
    v
}

fn text_blocks(article: &Article) -> impl Iterator<Item = &str> {
    article.blocks.iter().filter_map(|b| match &b.kind {
        BlockKind::Figure { .. } => None,
        _ => Some(b.text()),
    })
}

/// ninjs counts characters and words of the body without figure captions.
fn body_chars(article: &Article) -> usize {
    text_blocks(article).map(|t| t.chars().count()).sum()
}

fn body_words(article: &Article) -> usize {
    text_blocks(article)
        .map(|t| t.split_whitespace().count())
        .sum()
}
