//! The pre-publish checklist: captions and credits on every photo, a byline with roles, title
//! and lead lengths, photo capture dates and the GPS policy.

use crate::finding::{Field, Loc, Raw, Rule};
use crate::settings::{GpsPolicy, Settings};
use byline_protocol::{Article, Block, BlockKind};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What the photo library knows about one photo; the caller passes these in, keyed by photo id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoFacts {
    pub taken_at: Option<DateTime<FixedOffset>>,
    pub has_gps: bool,
    pub creator: Option<String>,
    pub credit: Option<String>,
    pub caption: Option<String>,
}

/// Photo facts by photo id (SHA-256 hex).
pub type PhotoMap = HashMap<String, PhotoFacts>;

fn filled(s: Option<&String>) -> bool {
    s.is_some_and(|s| !s.trim().is_empty())
}

fn article_raw(rule: Rule, loc: Loc, end: usize, text: String, vi: String, en: String) -> Raw {
    Raw {
        rule,
        loc,
        start: 0,
        end,
        text,
        vi,
        en,
        fixable: false,
        replacement: None,
    }
}

pub(crate) fn checklist(
    article: &Article,
    photos: &PhotoMap,
    settings: &Settings,
    out: &mut Vec<Raw>,
) {
    headline(article, settings, out);
    bylines(article, out);
    for (i, b) in article.blocks.iter().enumerate() {
        figure(article, i, b, photos, settings, out);
    }
}

/// Title and lead: present, and of the lengths the newsroom allows.
fn headline(article: &Article, settings: &Settings, out: &mut Vec<Raw>) {
    // Lengths and offsets count the NFC text, like every other offset the desk reports.
    let title = byline_text::nfc(&article.title);
    let lead = byline_text::nfc(&article.lead);
    let title_len = title.trim().chars().count();
    let l = &settings.limits;
    if title_len == 0 {
        out.push(article_raw(
            Rule::MissingTitle,
            Loc::title(),
            0,
            String::new(),
            "Bài chưa có tít.".into(),
            "The story has no title.".into(),
        ));
    } else if title_len < l.title_min || title_len > l.title_max {
        out.push(article_raw(
            Rule::TitleLength,
            Loc::title(),
            title.chars().count(),
            title.clone(),
            format!(
                "Tít dài {title_len} ký tự; tòa soạn quy định {}–{}.",
                l.title_min, l.title_max
            ),
            format!(
                "The title is {title_len} characters; the newsroom allows {}–{}.",
                l.title_min, l.title_max
            ),
        ));
    }
    let lead_len = lead.trim().chars().count();
    if lead_len < l.lead_min || lead_len > l.lead_max {
        out.push(article_raw(
            Rule::LeadLength,
            Loc::lead(),
            lead.chars().count(),
            lead.clone(),
            format!(
                "Sapo dài {lead_len} ký tự; tòa soạn quy định {}–{}.",
                l.lead_min, l.lead_max
            ),
            format!(
                "The lead is {lead_len} characters; the newsroom allows {}–{}.",
                l.lead_min, l.lead_max
            ),
        ));
    }
}

/// A byline, and a role for every name in it.
fn bylines(article: &Article, out: &mut Vec<Raw>) {
    let byline_loc = |i: Option<usize>| Loc {
        field: Field::Byline,
        block: i,
    };
    if !article.byline.iter().any(|p| !p.name.trim().is_empty()) {
        out.push(article_raw(
            Rule::MissingByline,
            byline_loc(None),
            0,
            String::new(),
            "Bài chưa ghi tên tác giả.".into(),
            "The story has no byline.".into(),
        ));
    }
    for (i, p) in article.byline.iter().enumerate() {
        if !p.name.trim().is_empty() && p.role.trim().is_empty() {
            out.push(article_raw(
                Rule::BylineRole,
                byline_loc(Some(i)),
                p.name.chars().count(),
                p.name.clone(),
                format!("“{}” chưa có vai trò (viết bài, ảnh, biên tập…).", p.name),
                format!("“{}” has no role (writer, photographer, editor…).", p.name),
            ));
        }
    }
}

/// A figure: a caption, a credit (its own, the library's or the byline's photographer), a
/// capture time before the publish time, and what its GPS coordinates need.
fn figure(
    article: &Article,
    i: usize,
    b: &Block,
    photos: &PhotoMap,
    settings: &Settings,
    out: &mut Vec<Raw>,
) {
    let BlockKind::Figure {
        photo_id,
        caption,
        credit,
        src,
    } = &b.kind
    else {
        return;
    };
    let facts = photo_id.as_ref().and_then(|id| photos.get(id));
    let name = src
        .clone()
        .or_else(|| photo_id.clone())
        .unwrap_or_else(|| format!("#{i}"));
    let loc = Loc::block(i);
    // Figure findings point at the block as a whole, not at a span of its caption.
    let len = 0;
    if caption.trim().is_empty() {
        let mut r = article_raw(
            Rule::MissingCaption,
            loc,
            len,
            String::new(),
            format!("Ảnh {name} chưa có chú thích."),
            format!("Photo {name} has no caption."),
        );
        // The library's caption is a starting point, not a decision: suggest, never fill in.
        r.replacement = facts
            .and_then(|f| f.caption.clone())
            .filter(|c| !c.trim().is_empty());
        out.push(r);
    }
    let has_credit = !credit.trim().is_empty()
        || facts.is_some_and(|f| filled(f.credit.as_ref()) || filled(f.creator.as_ref()));
    let inherited = article.photo_credit();
    if !has_credit && !inherited.is_empty() {
        // As the newspaper prints it: the byline's photographer credits every photo that
        // names no one else. Shown so the desk can give a photo its own credit instead.
        let mut r = article_raw(
            Rule::InheritedCredit,
            loc,
            len,
            String::new(),
            format!(
                "Ảnh {name} ghi nguồn theo tác giả ảnh của bài: {inherited} (ghi nguồn riêng cho ảnh để thay)."
            ),
            format!(
                "Photo {name} is credited to the story's photographer: {inherited} (give the photo its own credit to override)."
            ),
        );
        r.replacement = Some(inherited);
        out.push(r);
    } else if !has_credit {
        out.push(article_raw(
            Rule::MissingCredit,
            loc,
            len,
            String::new(),
            format!(
                "Ảnh {name} chưa ghi nguồn/tác giả ảnh (trong bài, trong thư viện ảnh hoặc tác giả ảnh của bài)."
            ),
            format!(
                "Photo {name} has no credit (neither in the story, nor in the photo library, nor a photographer in the byline)."
            ),
        ));
    }
    if let Some(f) = facts {
        photo_facts(article, &name, loc, f, settings, out);
    }
}

/// What the library knows of a figure's photo: when it was taken, and whether it carries GPS.
fn photo_facts(
    article: &Article,
    name: &str,
    loc: Loc,
    f: &PhotoFacts,
    settings: &Settings,
    out: &mut Vec<Raw>,
) {
    let len = 0;
    if let (Some(taken), Some(published)) = (f.taken_at, article.published_at)
        && taken > published
    {
        out.push(article_raw(
            Rule::PhotoDateAfterPublish,
            loc,
            len,
            String::new(),
            format!("Ảnh {name} chụp lúc {taken}, sau giờ đăng {published}: kiểm tra ảnh hoặc giờ đăng."),
            format!("Photo {name} was taken at {taken}, after the publish time {published}: check the photo or the time."),
        ));
    }
    if f.has_gps && settings.photos.gps != GpsPolicy::Keep {
        let (vi, en) = if settings.photos.gps == GpsPolicy::Strip {
            (
                format!(
                    "Ảnh {name} có tọa độ GPS; sẽ được xóa khi đăng (giữ tác giả và bản quyền)."
                ),
                format!(
                    "Photo {name} carries GPS coordinates; they are removed at publish (creator and copyright kept)."
                ),
            )
        } else {
            (
                format!("Ảnh {name} có tọa độ GPS; xóa tọa độ trước khi đăng."),
                format!("Photo {name} carries GPS coordinates; remove them before publishing."),
            )
        };
        let mut r = article_raw(Rule::PhotoGps, loc, len, String::new(), vi, en);
        // With the strip policy the publisher repairs it; nobody has to act.
        r.fixable = settings.photos.gps == GpsPolicy::Strip;
        out.push(r);
    }
}
