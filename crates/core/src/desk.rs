//! The copy desk inside the library: settings from `desk.toml` in the data directory (shared by
//! the app and the CLI), photo facts from the photo library, fixes saved as revisions.

use std::path::Path;

use byline_desk::{Desk, Finding, PhotoFacts, PhotoMap, Settings};
use byline_protocol::{Article, BlockKind};
use rusqlite::Connection;
use serde::Serialize;

use crate::error::{CoreError, Result};
use crate::photos;

/// The settings file a newsroom edits; absent means the defaults.
pub const SETTINGS_FILE: &str = "desk.toml";

/// Builds the desk for a library folder.
pub fn load(root: &Path) -> Result<Desk> {
    let path = root.join(SETTINGS_FILE);
    let settings = if path.exists() {
        Settings::load(&path).map_err(|e| CoreError::Invalid(e.to_string()))?
    } else {
        Settings::default()
    };
    Desk::new(settings).map_err(|e| CoreError::Invalid(e.to_string()))
}

/// What the checklist needs to know about each photo in a story.
pub fn photo_facts(conn: &Connection, article: &Article) -> PhotoMap {
    let mut map = PhotoMap::new();
    for b in &article.blocks {
        let BlockKind::Figure {
            photo_id: Some(id), ..
        } = &b.kind
        else {
            continue;
        };
        let Ok(p) = photos::get(conn, id) else {
            continue;
        };
        let s = |k: &str| {
            p.meta
                .get(k)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
                .filter(|s| !s.is_empty())
        };
        let facts = PhotoFacts {
            taken_at: s("taken_at").and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok()),
            has_gps: p.meta.get("gps").is_some_and(|g| !g.is_null()),
            creator: s("creator"),
            credit: s("credit"),
            caption: s("caption"),
        };
        map.insert(id.clone(), facts);
    }
    map
}

/// The outcome of `byline fix`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct FixReport {
    pub id: String,
    /// The revision now current (unchanged when nothing needed fixing).
    pub revision: u64,
    pub changed: bool,
    /// The findings that were repaired.
    pub applied: Vec<Finding>,
    /// What is left for a human.
    pub remaining: Vec<Finding>,
}
