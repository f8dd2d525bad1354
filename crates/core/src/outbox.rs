//! The outbox table: durable, per-item state of everything waiting for the newsroom server.
//!
//! Items move `queued → uploading → done` ([`ItemState`]); a retryable failure keeps them `queued` with a later
//! `next_attempt_at`; a permanent one parks them in `needs_attention` (never dropped) until the
//! user retries. Every item carries an idempotency key fixed at enqueue time, so however often
//! it is retried it has exactly one effect on the server.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::error::Result;

/// What an outbox item sends.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The photo's bytes (resumable upload; skipped when the server has them).
    Photo,
    /// The photo's caption and credits.
    PhotoMeta,
    /// The photo's 1600 px preview, sent before the original so the desk sees the page early.
    Preview,
    /// The story's current content.
    Article,
    /// The request to publish the story.
    Publish,
    /// The story sent to a WordPress destination (its photos, then the post), as one item.
    Wordpress,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Photo => "photo",
            Kind::PhotoMeta => "photo_meta",
            Kind::Preview => "preview",
            Kind::Article => "article",
            Kind::Publish => "publish",
            Kind::Wordpress => "wordpress",
        }
    }

    fn parse(s: &str) -> Kind {
        match s {
            "photo" => Kind::Photo,
            "photo_meta" => Kind::PhotoMeta,
            "preview" => Kind::Preview,
            "publish" => Kind::Publish,
            "wordpress" => Kind::Wordpress,
            _ => Kind::Article,
        }
    }
}

/// Where an item stands.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    Queued,
    Uploading,
    Done,
    /// Refused permanently (a role, invalid content): waits for the user's retry.
    NeedsAttention,
}

impl ItemState {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Queued => "queued",
            ItemState::Uploading => "uploading",
            ItemState::Done => "done",
            ItemState::NeedsAttention => "needs_attention",
        }
    }

    fn parse(s: &str) -> ItemState {
        match s {
            "uploading" => ItemState::Uploading,
            "done" => ItemState::Done,
            "needs_attention" => ItemState::NeedsAttention,
            _ => ItemState::Queued,
        }
    }
}

/// One row of `byline outbox --json`.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: i64,
    pub kind: Kind,
    pub target: String,
    /// The destination (a WordPress site's name); `None` for the newsroom server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    pub state: ItemState,
    /// Percentage for uploads (0–100), else 0 or 100.
    pub progress: u8,
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub attempts: u32,
    pub next_attempt_at: Option<String>,
    pub last_error: Option<String>,
    pub idempotency_key: String,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip)]
    pub upload_location: Option<String>,
    /// What the item carries besides its target (a publish's correction notice).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
    /// The error code of `last_error` when the server gave one (`editor_required`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_code: Option<String>,
}

fn now() -> String {
    chrono::Local::now().fixed_offset().to_rfc3339()
}

/// Queues an item unless one for the same (kind, target) is already pending. Returns whether a
/// new row was written.
pub fn enqueue(conn: &Connection, kind: Kind, target: &str) -> Result<bool> {
    insert(conn, kind, target, "queued")
}

/// A new item in `state` with a fresh idempotency key; false when one is already pending.
fn insert(conn: &Connection, kind: Kind, target: &str, state: &str) -> Result<bool> {
    let n = conn.execute(
        "INSERT OR IGNORE INTO outbox(kind, target, state, idempotency_key, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![
            kind.as_str(),
            target,
            state,
            uuid::Uuid::now_v7().to_string(),
            now()
        ],
    )?;
    Ok(n == 1)
}

/// Queues a story for a destination unless it is already waiting to go there. Returns whether
/// a new row was written.
pub fn enqueue_to(conn: &Connection, kind: Kind, target: &str, destination: &str) -> Result<bool> {
    let n = conn.execute(
        "INSERT OR IGNORE INTO outbox(kind, target, destination, idempotency_key, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![
            kind.as_str(),
            target,
            destination,
            uuid::Uuid::now_v7().to_string(),
            now()
        ],
    )?;
    Ok(n == 1)
}

/// Queues an item carrying `payload`. A pending item of the same (kind, target) takes the new
/// payload under a fresh idempotency key (the server would refuse the old key with another
/// body): the newest correction notice is the one that goes.
pub fn enqueue_with(conn: &Connection, kind: Kind, target: &str, payload: &str) -> Result<()> {
    if enqueue(conn, kind, target)? {
        conn.execute(
            "UPDATE outbox SET payload = ?3 WHERE kind = ?1 AND target = ?2 AND state != 'done'",
            params![kind.as_str(), target, payload],
        )?;
        return Ok(());
    }
    conn.execute(
        "UPDATE outbox SET payload = ?3, idempotency_key = ?4, updated_at = ?5
         WHERE kind = ?1 AND target = ?2 AND state != 'done' AND payload IS NOT ?3",
        params![
            kind.as_str(),
            target,
            payload,
            uuid::Uuid::now_v7().to_string(),
            now()
        ],
    )?;
    Ok(())
}

/// Called inside a story's save transaction: a story the server already has gets a push queued,
/// followed by any of its photos never sent (a photographer attaching photos to a story): the
/// preview first, so the desk sees the figure at once, then the original and its caption.
pub fn enqueue_if_tracked(conn: &Connection, article: &byline_protocol::Article) -> Result<()> {
    let tracked: bool = conn
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM remote_articles WHERE article_id = ?1)")?
        .query_row([&article.id], |r| r.get(0))?;
    if !tracked {
        return Ok(());
    }
    enqueue(conn, Kind::Article, &article.id)?;
    for b in &article.blocks {
        if let byline_protocol::BlockKind::Figure {
            photo_id: Some(id), ..
        } = &b.kind
            && !was_sent(conn, Kind::Photo, id)?
        {
            enqueue(conn, Kind::Preview, id)?;
            enqueue(conn, Kind::Photo, id)?;
            enqueue(conn, Kind::PhotoMeta, id)?;
        }
    }
    Ok(())
}

/// Records that the server already has this item without sending it (a photo this library
/// downloaded from the server): later saves of a story showing it do not queue it again, which
/// for a role that may not write it (a reporter and photo metadata) would stay queued forever.
pub fn record_on_server(conn: &Connection, kind: Kind, target: &str) -> Result<()> {
    if !was_sent(conn, kind, target)? {
        insert(conn, kind, target, "done")?;
    }
    Ok(())
}

/// Whether an item of this kind for this target ever reached the server.
pub fn was_sent(conn: &Connection, kind: Kind, target: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM outbox WHERE kind = ?1 AND target = ?2 AND state = 'done')",
        )?
        .query_row(params![kind.as_str(), target], |r| r.get(0))?)
}

/// Whether an item of this kind for this target is still waiting to go.
pub fn is_pending(conn: &Connection, kind: Kind, target: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM outbox WHERE kind = ?1 AND target = ?2 AND state != 'done')",
        )?
        .query_row(params![kind.as_str(), target], |r| r.get(0))?)
}

const COLUMNS: &str = "id, kind, target, state, bytes_done, bytes_total, attempts, next_attempt_at,
    last_error, idempotency_key, created_at, updated_at, upload_location, destination, payload,
    last_code";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Item> {
    let kind: String = r.get(1)?;
    let state = ItemState::parse(&r.get::<_, String>(3)?);
    let done: u64 = r.get(4)?;
    let total: u64 = r.get(5)?;
    let progress = if state == ItemState::Done {
        100
    } else {
        done.saturating_mul(100)
            .checked_div(total)
            .map_or(0, |p| p.min(100) as u8)
    };
    Ok(Item {
        id: r.get(0)?,
        kind: Kind::parse(&kind),
        target: r.get(2)?,
        state,
        progress,
        bytes_done: done,
        bytes_total: total,
        attempts: r.get(6)?,
        next_attempt_at: r.get(7)?,
        last_error: r.get(8)?,
        idempotency_key: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
        upload_location: r.get(12)?,
        destination: r.get(13)?,
        payload: r.get(14)?,
        last_code: r.get(15)?,
    })
}

/// Items not yet done, oldest first (the order they are sent in).
pub fn pending(conn: &Connection) -> Result<Vec<Item>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM outbox WHERE state != 'done' ORDER BY id"
    ))?;
    let rows = stmt
        .query_map([], from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Every item, including finished ones (most recent first), for the publish panel's history.
pub fn all(conn: &Connection, limit: usize) -> Result<Vec<Item>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM outbox ORDER BY id DESC LIMIT ?1"
    ))?;
    let rows = stmt
        .query_map([limit as i64], from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<Item>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1"),
            [id],
            from_row,
        )
        .optional()?)
}

pub fn mark_uploading(conn: &Connection, id: i64, done: u64, total: u64) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET state = 'uploading', bytes_done = ?2, bytes_total = ?3, updated_at = ?4
         WHERE id = ?1",
        params![id, done, total, now()],
    )?;
    Ok(())
}

pub fn set_location(conn: &Connection, id: i64, location: Option<&str>) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET upload_location = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, location, now()],
    )?;
    Ok(())
}

pub fn mark_done(conn: &Connection, id: i64) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET state = 'done', bytes_done = bytes_total, last_error = NULL,
         last_code = NULL, next_attempt_at = NULL, updated_at = ?2 WHERE id = ?1",
        params![id, now()],
    )?;
    Ok(())
}

/// A retryable failure: stays queued, tried again after `delay`.
pub fn mark_retry(
    conn: &Connection,
    id: i64,
    error: &str,
    delay: std::time::Duration,
) -> Result<()> {
    let at = chrono::Local::now().fixed_offset()
        + chrono::Duration::from_std(delay).unwrap_or_else(|_| chrono::Duration::seconds(60));
    conn.execute(
        "UPDATE outbox SET state = 'queued', attempts = attempts + 1, last_error = ?2,
         last_code = NULL, next_attempt_at = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, error, at.to_rfc3339(), now()],
    )?;
    Ok(())
}

/// Records the error code of the item's last failure (after [`mark_retry`], which clears it).
pub fn set_code(conn: &Connection, id: i64, code: byline_protocol::ErrorCode) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET last_code = ?2 WHERE id = ?1",
        params![id, code.as_str()],
    )?;
    Ok(())
}

/// A permanent failure: parked, visible, kept until the user retries.
pub fn mark_attention(conn: &Connection, id: i64, error: &str) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET state = 'needs_attention', attempts = attempts + 1, last_error = ?2,
         updated_at = ?3 WHERE id = ?1",
        params![id, error, now()],
    )?;
    Ok(())
}

/// Puts parked items back in the queue (the user fixed the cause, e.g. a role or the story),
/// and lets waiting items go now: all of them, or those with the given ids.
pub fn retry(conn: &Connection, ids: &[i64]) -> Result<usize> {
    let sql = "UPDATE outbox SET state = 'queued', next_attempt_at = NULL, updated_at = ?1
               WHERE state IN ('needs_attention', 'queued') AND (?2 = 0 OR id = ?3)";
    if ids.is_empty() {
        return Ok(conn.execute(sql, params![now(), 0, 0])?);
    }
    let mut n = 0;
    for id in ids {
        n += conn.execute(sql, params![now(), 1, id])?;
    }
    Ok(n)
}

/// The server answers again: queued items stop waiting for their retry time (parked ones stay
/// parked). Returns how many were waiting.
pub fn release_waiting(conn: &Connection) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE outbox SET next_attempt_at = NULL WHERE state IN ('queued', 'uploading')
         AND next_attempt_at IS NOT NULL",
        [],
    )?)
}

/// Records why an item is waiting without counting an attempt (e.g. the token was refused: the
/// item itself is fine and goes as soon as the connection is).
pub fn note_error(conn: &Connection, id: i64, error: &str) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET last_error = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, error, now()],
    )?;
    Ok(())
}
