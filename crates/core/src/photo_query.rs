//! Finding photos: the photo grid's filters and sorts (marks, camera, capture time, missing
//! caption or credit, caption text folded like story search) as ONE SQL query over the columns
//! the `photo_marks` migration computes from `photos.meta`.

use rusqlite::Connection;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};

use byline_protocol::Label;

use crate::error::Result;
use crate::photos::{self, PhotoRecord};

/// A field a photo may lack.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    Caption,
    Credit,
}

/// The grid's order.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Newest import first (the order photos arrive in).
    #[default]
    ImportedAt,
    /// Capture order, as instants (photos with zones compare correctly); undated last.
    TakenAt,
    /// Most stars first, then capture order.
    Rating,
}

/// What the grid shows. The default shows every photo, newest import first.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PhotoQuery {
    pub min_rating: Option<u8>,
    pub label: Option<Label>,
    /// Only picks.
    pub tagged: bool,
    /// `Some(true)`: only rejects; `Some(false)`: hide rejects.
    pub rejected: Option<bool>,
    pub missing: Option<Missing>,
    /// Caption, headline, keywords or file name; case and Vietnamese diacritics ignored.
    pub search: String,
    /// Part of the camera's name, folded the same way.
    pub camera: String,
    /// Capture time bounds, RFC 3339 or a date (`2026-12-07`), inclusive.
    pub taken_from: Option<String>,
    pub taken_to: Option<String>,
    pub sort: Sort,
}

/// The SQL condition and its parameters for `q`.
fn condition(q: &PhotoQuery) -> (String, Vec<Value>) {
    let mut clauses: Vec<&str> = vec!["1"];
    let mut params: Vec<Value> = Vec::new();
    if let Some(r) = q.min_rating.filter(|r| *r > 0) {
        clauses.push("rating >= ?");
        params.push(Value::Integer(r.into()));
    }
    if let Some(l) = q.label {
        clauses.push("label = ?");
        params.push(Value::Text(l.as_str().into()));
    }
    if q.tagged {
        clauses.push("tagged");
    }
    match q.rejected {
        Some(true) => clauses.push("rejected"),
        Some(false) => clauses.push("NOT rejected"),
        None => {}
    }
    match q.missing {
        Some(Missing::Caption) => {
            clauses.push("trim(coalesce(json_extract(meta, '$.caption'), '')) = ''")
        }
        Some(Missing::Credit) => {
            clauses.push("trim(coalesce(json_extract(meta, '$.credit'), '')) = ''")
        }
        None => {}
    }
    let folded = |s: &str| byline_text::fold(&byline_text::nfc(s.trim()));
    if !q.search.trim().is_empty() {
        clauses.push(
            "instr(byline_fold(concat_ws(' ', json_extract(meta, '$.caption'),
                json_extract(meta, '$.headline'), json_extract(meta, '$.keywords'),
                original_name)), ?) > 0",
        );
        params.push(Value::Text(folded(&q.search)));
    }
    if !q.camera.trim().is_empty() {
        clauses.push("instr(byline_fold(coalesce(json_extract(meta, '$.camera'), '')), ?) > 0");
        params.push(Value::Text(folded(&q.camera)));
    }
    if let Some(from) = &q.taken_from {
        clauses.push("taken_jd >= julianday(?)");
        params.push(Value::Text(from.trim().into()));
    }
    if let Some(to) = &q.taken_to {
        // A bare date means the whole day.
        clauses.push(
            "taken_jd < julianday(?, CASE WHEN length(?) = 10 THEN '+1 day' ELSE '+0 seconds' END)",
        );
        params.push(Value::Text(to.trim().into()));
        params.push(Value::Text(to.trim().into()));
    }
    (clauses.join(" AND "), params)
}

fn order(sort: Sort) -> &'static str {
    match sort {
        Sort::ImportedAt => "imported_at DESC, id",
        Sort::TakenAt => "taken_jd IS NULL, taken_jd, original_name, id",
        Sort::Rating => "rating DESC, taken_jd IS NULL, taken_jd, id",
    }
}

/// The photos `q` selects, in its order.
pub fn find(conn: &Connection, q: &PhotoQuery) -> Result<Vec<PhotoRecord>> {
    let (cond, params) = condition(q);
    let sql = format!(
        "SELECT id, original_name, format, size, imported_at, meta FROM photos WHERE {cond} ORDER BY {}",
        order(q.sort)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(params), photos::record_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}
