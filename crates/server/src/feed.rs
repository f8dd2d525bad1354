//! The change feed, `GET /api/changes`: every article change and every photo-metadata change
//! committed after a cursor, oldest first, paged, and long-polled on request.
//!
//! The database is the truth. Every change takes the next value of one counter (`change_seq`)
//! inside the transaction that writes it ([`take_cursor`]); one write transaction runs at a time
//! (SQLite's single writer; on PostgreSQL the writers' advisory lock, held until commit, across
//! every server process), so cursor order is commit order, and a reader whose snapshot holds
//! cursor n holds every change below n. The in-process watch in [`AppState`] only wakes
//! long-polls after a commit ([`announce`]); on PostgreSQL a NOTIFY carries the wake-up to the
//! other servers ([`listen`]). A waiter always reads the database again, so a missed or spurious
//! wake-up costs a wait or a query, never a change.

use std::time::Duration;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use byline_protocol::sync::{Change, ChangeFeed};
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::{Result, ServerError};
use crate::sql::{Backend, Conn};
use crate::{AppState, args};

/// Longest a request may wait for a change: under the 30 s idle timeouts common in proxies and
/// load balancers, so a quiet feed answers before anything in between cuts it.
pub const MAX_WAIT: Duration = Duration::from_secs(25);
/// Changes per page unless the reader asks for another `limit`.
pub const DEFAULT_LIMIT: u32 = 100;
/// The largest page: bounds one read transaction and one response body.
pub const MAX_LIMIT: u32 = 500;

/// Takes the next cursor for a change, inside the caller's write transaction (which must commit
/// for the cursor to count; a rollback returns it).
pub(crate) fn take_cursor(tx: &Conn) -> Result<u64> {
    tx.query_one(
        "UPDATE change_seq SET last = last + 1 WHERE id = 1 RETURNING last",
        args![],
    )?
    .get(0)
}

/// Moves an article to the head of the feed without a new revision, for a change of what the
/// public sees (a correction published on unchanged text): followers read its new `live`.
pub(crate) fn touch_article(tx: &Conn, id: &str) -> Result<()> {
    let cursor = take_cursor(tx)?;
    tx.execute(
        "UPDATE articles SET cursor = ?2 WHERE id = ?1",
        args![id, cursor],
    )?;
    Ok(())
}

/// The cursor of the newest committed change (0 before the first).
pub(crate) fn last_cursor(c: &Conn) -> Result<u64> {
    c.query_one("SELECT last FROM change_seq WHERE id = 1", args![])?
        .get(0)
}

/// Wakes the long-polls once a write has committed: call it on the writing connection right
/// after `commit`, in the same blocking task, so a client that hung up mid-request still
/// announces the change it made. Never fails the request whose change is already committed:
/// if the counter cannot be read, waiters find the change when their wait ends and they ask
/// again.
pub(crate) fn announce(state: &AppState, c: &Conn) {
    match last_cursor(c) {
        Ok(last) => {
            seen(state, last);
            if c.backend() == Backend::Postgres {
                // Delivered at commit, to every server listening (this one included: harmless).
                let notified = c.execute(
                    "SELECT pg_notify('byline_changes', ?1)",
                    args![last.to_string()],
                );
                if let Err(e) = notified {
                    tracing::warn!(error = %e, "could not notify the other servers of a change");
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not read the change counter after a commit"),
    }
}

/// Wakes this server's long-polls for a cursor it learnt of.
fn seen(state: &AppState, last: u64) {
    state.inner.changes.send_if_modified(|seen| {
        let newer = last > *seen;
        if newer {
            *seen = last;
        }
        newer
    });
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
            let rows = c.query(
                "SELECT cursor, 'article', id FROM articles WHERE cursor > ?1
                 UNION ALL
                 SELECT cursor, 'photo_meta', sha256 FROM photo_meta WHERE cursor > ?1
                 ORDER BY 1 LIMIT ?2",
                args![cursor, limit + 1],
            )?;
            rows.iter()
                .map(|r| load_change(c, r.get(0)?, &r.get::<String>(1)?, &r.get::<String>(2)?))
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

fn load_change(c: &Conn, cursor: u64, kind: &str, key: &str) -> Result<Change> {
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

/// On PostgreSQL, wakes this server's long-polls when another server commits a change: a task
/// on the database runtime LISTENs on its own connection, reconnecting after a loss, and reads
/// the counter again after each (re)connection so nothing announced meanwhile waits long.
pub(crate) fn listen(state: &AppState) {
    let Some((rt, target)) = state.inner.pool.pg_runtime() else {
        return;
    };
    let target = target.clone().named("byline-server change listener");
    let weak = std::sync::Arc::downgrade(&state.inner);
    rt.spawn(async move {
        loop {
            if let Err(e) = listen_once(&target, &weak).await {
                tracing::warn!(error = %e, "change listener lost its connection; reconnecting");
            }
            if weak.strong_count() == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}

async fn listen_once(
    target: &crate::pg_tls::Target,
    weak: &std::sync::Weak<crate::Inner>,
) -> std::result::Result<(), tokio_postgres::Error> {
    use futures_util::StreamExt;
    let (client, mut connection) = target.connect().await?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
    tokio::spawn(async move {
        while let Some(m) = messages.next().await {
            if tx.send(m).is_err() {
                break;
            }
        }
    });
    client.batch_execute("LISTEN byline_changes").await?;
    let row = client
        .query_one("SELECT last FROM change_seq WHERE id = 1", &[])
        .await?;
    let wake = |last: u64| match weak.upgrade() {
        Some(inner) => {
            seen(&AppState { inner }, last);
            true
        }
        None => false,
    };
    if !wake(u64::try_from(row.get::<_, i64>(0)).unwrap_or(0)) {
        return Ok(());
    }
    while let Some(m) = rx.recv().await {
        match m? {
            tokio_postgres::AsyncMessage::Notification(n) => {
                if !wake(n.payload().parse().unwrap_or(0)) {
                    return Ok(());
                }
            }
            _ => continue,
        }
    }
    Ok(())
}
