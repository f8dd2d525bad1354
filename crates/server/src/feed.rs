//! The change feed, `GET /api/changes`: every article change and every photo-metadata change
//! committed after a cursor, oldest first, paged, and long-polled on request.
//!
//! The database is the truth. Every change takes the next value of one counter (`change_seq`)
//! inside the transaction that writes it ([`take_cursor`]); SQLite runs one write transaction at
//! a time, so cursor order is commit order, and a reader whose snapshot holds cursor n holds
//! every change below n. The in-process watch in [`AppState`] only wakes long-polls after a
//! commit ([`announce`]): a waiter always reads the database again, so a missed or spurious
//! wake-up costs a wait or a query, never a change.

use std::time::Duration;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use byline_protocol::sync::{Change, ChangeFeed};
use rusqlite::{Connection, params};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Auth;
use crate::error::{Result, ServerError};

/// Longest a request may wait for a change: under the 30 s idle timeouts common in proxies and
/// load balancers, so a quiet feed answers before anything in between cuts it.
pub const MAX_WAIT: Duration = Duration::from_secs(25);
/// Changes per page unless the reader asks for another `limit`.
pub const DEFAULT_LIMIT: u32 = 100;
/// The largest page: bounds one read transaction and one response body.
pub const MAX_LIMIT: u32 = 500;

/// Takes the next cursor for a change, inside the caller's write transaction (which must commit
/// for the cursor to count; a rollback returns it).
pub(crate) fn take_cursor(tx: &Connection) -> Result<u64> {
    Ok(tx.query_row(
        "UPDATE change_seq SET last = last + 1 WHERE id = 1 RETURNING last",
        [],
        |r| r.get(0),
    )?)
}

/// Moves an article to the head of the feed without a new revision, for a change of what the
/// public sees (a correction published on unchanged text): followers read its new `live`.
pub(crate) fn touch_article(tx: &Connection, id: &str) -> Result<()> {
    let cursor = take_cursor(tx)?;
    tx.execute(
        "UPDATE articles SET cursor = ?2 WHERE id = ?1",
        params![id, cursor],
    )?;
    Ok(())
}

/// The cursor of the newest committed change (0 before the first).
pub(crate) fn last_cursor(c: &Connection) -> Result<u64> {
    Ok(c.query_row("SELECT last FROM change_seq WHERE id = 1", [], |r| r.get(0))?)
}

/// Wakes the long-polls once a write has committed: call it on the writing connection right
/// after `commit`, in the same blocking task, so a client that hung up mid-request still
/// announces the change it made. Never fails the request whose change is already committed:
/// if the counter cannot be read, waiters find the change when their wait ends and they ask
/// again.
pub(crate) fn announce(state: &AppState, c: &Connection) {
    match last_cursor(c) {
        Ok(last) => {
            state.inner.changes.send_if_modified(|seen| {
                let newer = last > *seen;
                if newer {
                    *seen = last;
                }
                newer
            });
        }
        Err(e) => tracing::warn!(error = %e, "could not read the change counter after a commit"),
    }
}

#[derive(Deserialize)]
pub struct FeedQuery {
    #[serde(default)]
    cursor: u64,
    /// Seconds to wait for a change when there is none yet (capped at [`MAX_WAIT`]).
    #[serde(default)]
    wait: u64,
    limit: Option<u32>,
}

/// `GET /api/changes?cursor=<n>&wait=<seconds>&limit=<n>`: the changes after `cursor`. With
/// nothing newer and `wait` > 0 it answers as soon as a change commits, or with an empty page
/// when the wait runs out (or the server shuts down).
pub async fn changes(
    State(state): State<AppState>,
    _auth: Auth,
    query: std::result::Result<Query<FeedQuery>, QueryRejection>,
) -> Result<Json<ChangeFeed>> {
    let Query(q) = query.map_err(|e| {
        ServerError::bad(format!(
            "{}; send cursor=<n from next_cursor>&wait=<seconds, 0-{}>&limit=<1-{MAX_LIMIT}>",
            e.body_text(),
            MAX_WAIT.as_secs()
        ))
    })?;
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(q.wait).min(MAX_WAIT);
    let mut announced = state.inner.changes.subscribe();
    let mut stopping = state.inner.stopping.subscribe();
    loop {
        // What was announced before this read is in its snapshot; anything announced later
        // ends the wait below, so no commit falls between the read and the wait.
        let seen = *announced.borrow_and_update();
        let feed = page(&state, q.cursor, limit).await?;
        if !feed.changes.is_empty() || tokio::time::Instant::now() >= deadline {
            return Ok(Json(feed));
        }
        let floor = seen.max(q.cursor);
        tokio::select! {
            woke = announced.wait_for(|&last| last > floor) => {
                if woke.is_err() {
                    return Ok(Json(feed));
                }
            }
            _ = stopping.wait_for(|&stop| stop) => return Ok(Json(feed)),
            () = tokio::time::sleep_until(deadline) => return Ok(Json(feed)),
        }
    }
}

/// One page of changes after `cursor`, read in one snapshot.
async fn page(state: &AppState, cursor: u64, limit: u32) -> Result<ChangeFeed> {
    let mut changes = state
        .read(move |c| {
            let mut st = c.prepare(
                "SELECT cursor, 'article', id FROM articles WHERE cursor > ?1
                 UNION ALL
                 SELECT cursor, 'photo_meta', sha256 FROM photo_meta WHERE cursor > ?1
                 ORDER BY 1 LIMIT ?2",
            )?;
            let rows = st
                .query_map(params![cursor, limit + 1], |r| {
                    Ok((r.get::<_, u64>(0)?, r.get::<_, String>(1)?, r.get(2)?))
                })?
                .collect::<rusqlite::Result<Vec<(u64, String, String)>>>()?;
            rows.into_iter()
                .map(|(cursor, kind, key)| load_change(c, cursor, &kind, &key))
                .collect::<Result<Vec<_>>>()
        })
        .await?;
    let more = changes.len() > limit as usize;
    changes.truncate(limit as usize);
    let next_cursor = changes.last().map_or(cursor, Change::cursor);
    Ok(ChangeFeed {
        changes,
        next_cursor,
        more,
    })
}

fn load_change(c: &Connection, cursor: u64, kind: &str, key: &str) -> Result<Change> {
    Ok(match kind {
        "article" => Change::Article {
            cursor,
            article: crate::articles::envelope(c, key)?,
        },
        _ => Change::PhotoMeta {
            cursor,
            photo: crate::blobs::photo_row(c, key)?,
        },
    })
}
