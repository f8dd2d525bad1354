//! Sync with the newsroom server: what a publish queues (in one transaction, in the order the
//! desk needs it), one pass of sending the outbox (`send.rs`), and pulling what others changed
//! (`pull.rs`). Nothing here holds a database connection across network I/O: each step reads
//! what it needs, talks to the server, then records the answer in its own short transaction.
//!
//! Retryable failures stay queued with their idempotency keys; permanent ones wait in
//! `needs_attention` for the user; a refused token is a state of the connection, not of an item.

pub mod pull;
pub mod send;

use std::time::Duration;

use byline_protocol::sync::Conflict;
use byline_protocol::{Article, BlockKind, ErrorCode};
use byline_sync::{Backoff, Client, SyncError};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::error::{CoreError, Result};
use crate::outbox::{self, Kind};

/// Where and as whom to sync.
#[derive(Debug, Clone)]
pub struct Remote {
    pub url: String,
    pub token: String,
}

/// How hard one `publish`/`sync` call tries before leaving the rest queued.
#[derive(Debug, Clone)]
pub struct Patience {
    /// Attempts per item within this call.
    pub attempts: u32,
    pub backoff: Backoff,
}

impl Default for Patience {
    fn default() -> Self {
        Patience {
            attempts: 6,
            backoff: Backoff::new(Duration::from_millis(200), Duration::from_secs(5)),
        }
    }
}

/// The `--json` shape of `byline publish` (the CLI contract's fields first).
#[derive(Debug, Clone, Serialize)]
pub struct PublishReport {
    pub article_id: String,
    pub server_revision: u64,
    /// Photo bytes sent in this call (0 when the server had every photo).
    pub uploaded_bytes: u64,
    /// Photos the server already had.
    pub skipped_photos: usize,
    /// Conflicts the server recorded (the other side's text is kept, nothing overwritten).
    pub conflicts: Vec<Conflict>,
    /// Items still waiting (non-empty only when the server could not be reached in time).
    pub pending: usize,
    /// The published version the page now serves.
    pub live: Option<byline_protocol::sync::Live>,
}

/// The outcome of draining the outbox.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DrainReport {
    pub sent: usize,
    pub uploaded_bytes: u64,
    pub skipped_photos: usize,
    pub pending: usize,
    pub needs_attention: usize,
}

/// The outcome of `byline sync`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncReport {
    #[serde(flatten)]
    pub push: DrainReport,
    /// Stories created or updated locally from the server.
    pub pulled: Vec<String>,
    /// Stories changed on the server while edited here: kept local, merged on the next push.
    pub deferred: Vec<String>,
}

/// The runtime of the core's blocking network calls (publish, sync, versions, who am I...).
pub(crate) fn runtime() -> Result<NetRuntime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map(|rt| NetRuntime(Some(rt)))
        .map_err(|e| CoreError::Invalid(format!("cannot start the network runtime: {e}")))
}

/// A current-thread runtime that any caller may block on: from plain threads (the CLI, the
/// engine's jobs) it runs the future in place; from inside another async runtime (a front end's
/// async command), where blocking in place panics, it runs it on a scoped thread of its own.
pub struct NetRuntime(Option<tokio::runtime::Runtime>);

impl NetRuntime {
    pub(crate) fn block_on<F>(&self, fut: F) -> F::Output
    where
        F: std::future::Future + Send,
        F::Output: Send,
    {
        let rt = self.0.as_ref().expect("the runtime lives until dropped");
        if tokio::runtime::Handle::try_current().is_err() {
            return rt.block_on(fut);
        }
        std::thread::scope(|s| match s.spawn(|| rt.block_on(fut)).join() {
            Ok(out) => out,
            Err(panic) => std::panic::resume_unwind(panic),
        })
    }
}

impl Drop for NetRuntime {
    /// Inside another runtime a blocking shutdown panics too: let its threads go instead.
    fn drop(&mut self) {
        if let Some(rt) = self.0.take()
            && tokio::runtime::Handle::try_current().is_ok()
        {
            rt.shutdown_background();
        }
    }
}

pub(crate) fn client(remote: &Remote) -> Result<Client> {
    Client::new(&remote.url, &remote.token).map_err(|e| sync_err(&e))
}

pub(crate) fn sync_err(e: &SyncError) -> CoreError {
    let api = e.to_api_error();
    CoreError::Remote {
        code: api.code,
        message: api.message,
    }
}

/// Queues everything a publish sends, in one transaction and in the order a desk needs it: the
/// story's text, a 1600 px preview of each photo (the server lays the page out with them), the
/// publish request, then each original and its caption, which replace the previews.
/// A correction notice rides on the publish request.
pub fn enqueue_publish(tx: &Connection, article: &Article, correction: Option<&str>) -> Result<()> {
    let photos = photo_ids(article);
    outbox::enqueue(tx, Kind::Article, &article.id)?;
    for id in &photos {
        if !outbox::was_sent(tx, Kind::Photo, id)? {
            outbox::enqueue(tx, Kind::Preview, id)?;
        }
    }
    match correction {
        Some(c) => outbox::enqueue_with(tx, Kind::Publish, &article.id, c)?,
        None => {
            outbox::enqueue(tx, Kind::Publish, &article.id)?;
        }
    }
    for id in &photos {
        outbox::enqueue(tx, Kind::Photo, id)?;
        outbox::enqueue(tx, Kind::PhotoMeta, id)?;
    }
    Ok(())
}

/// Queues what a reporter hands in: the story's text and its photos (previews first), without
/// a publish request: the desk sees it, the page does not.
pub fn enqueue_submit(tx: &Connection, article: &Article) -> Result<()> {
    let photos = photo_ids(article);
    outbox::enqueue(tx, Kind::Article, &article.id)?;
    for id in &photos {
        if !outbox::was_sent(tx, Kind::Photo, id)? {
            outbox::enqueue(tx, Kind::Preview, id)?;
            outbox::enqueue(tx, Kind::Photo, id)?;
            outbox::enqueue(tx, Kind::PhotoMeta, id)?;
        }
    }
    Ok(())
}

/// Records what the server said the public page serves of a story (`None`: nothing yet).
pub(crate) fn record_live(
    conn: &Connection,
    id: &str,
    live: Option<&byline_protocol::sync::Live>,
) -> Result<()> {
    let json = live.map(|l| serde_json::to_string(l).expect("live serialises"));
    conn.execute(
        "UPDATE remote_articles SET live = ?2 WHERE article_id = ?1",
        params![id, json],
    )?;
    Ok(())
}

/// What the public page serves of a story, as last heard from the server.
pub fn live_state(conn: &Connection, id: &str) -> Result<Option<byline_protocol::sync::Live>> {
    let json: Option<String> = conn
        .query_row(
            "SELECT live FROM remote_articles WHERE article_id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
}

pub(crate) fn photo_ids(article: &Article) -> Vec<String> {
    let mut ids = Vec::new();
    for b in &article.blocks {
        if let BlockKind::Figure {
            photo_id: Some(id), ..
        } = &b.kind
            && !ids.contains(id)
        {
            ids.push(id.clone());
        }
    }
    ids
}

pub(crate) fn record_remote(
    conn: &Connection,
    id: &str,
    server_revision: u64,
    local_revision: u64,
    conflicts: &[Conflict],
    published: Option<bool>,
) -> Result<()> {
    let conflicts = serde_json::to_string(conflicts).expect("conflicts serialise");
    conn.execute(
        "INSERT INTO remote_articles(article_id, server_revision, synced_revision, conflicts, published)
         VALUES (?1, ?2, ?3, ?4, COALESCE(?5, 0))
         ON CONFLICT(article_id) DO UPDATE SET server_revision = ?2, synced_revision = ?3,
             conflicts = ?4, published = COALESCE(?5, published)",
        params![id, server_revision, local_revision, conflicts, published],
    )?;
    Ok(())
}

/// The server revision and conflicts recorded for a story, if it was ever synced.
pub fn remote_state(conn: &Connection, id: &str) -> Result<Option<(u64, Vec<Conflict>, bool)>> {
    Ok(conn
        .query_row(
            "SELECT server_revision, conflicts, published FROM remote_articles WHERE article_id = ?1",
            [id],
            |r| {
                let c: String = r.get(1)?;
                Ok((r.get(0)?, serde_json::from_str(&c).unwrap_or_default(), r.get(2)?))
            },
        )
        .optional()?)
}

/// Whether an error code means "try again later" for the CLI's exit status and wording.
pub fn is_retryable(code: ErrorCode) -> bool {
    code.is_retryable()
}

/// The server revision a local story's next push is based on (`None`: never sent).
pub(crate) fn server_revision(conn: &Connection, id: &str) -> Result<Option<u64>> {
    Ok(conn
        .query_row(
            "SELECT server_revision FROM remote_articles WHERE article_id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?)
}
