//! What the publish panel shows: the outbox rows and each story's publishing state, read from
//! the durable outbox and `remote_articles` (never from memory, so a restarted app shows the
//! same as the one that was sending).

use byline_protocol::{Article, BlockKind};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::error::Result;
use crate::outbox::{self, Item, ItemState, Kind};
use crate::{drafts, photos, sync};

/// Where a story or an outbox item stands on its way to the newsroom server.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PublishState {
    /// Only on this computer: never sent, nothing queued.
    Local,
    /// Waiting in the outbox (maybe retrying after a network failure).
    Queued,
    /// A photo upload is under way (see `progress`).
    Uploading,
    /// The server holds this version (photos verified by SHA-256 on arrival).
    OnServer,
    /// The server has published it.
    Published,
    /// The server refused it permanently (a token, a role…): see `error`, then Retry.
    NeedsAttention,
}

/// One outbox row for the panel.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub kind: Kind,
    /// The photo's SHA-256 or the story's id.
    pub target: String,
    /// The story's title or the photo's file name.
    pub label: String,
    pub state: PublishState,
    /// Upload percentage (0–100).
    pub progress: u8,
    pub error: Option<String>,
    pub attempts: u32,
    pub updated_at: String,
}

/// What the publish panel shows: the outbox and, with a story selected, its state.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "PublishProgress"))]
#[derive(Debug, Clone, Serialize)]
pub struct Panel {
    pub outbox: Vec<OutboxEntry>,
    /// The state of the selected story (none when no story is selected).
    pub story: Option<StoryState>,
}

/// A story's publishing state, summarised from its items and the server's last answer.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct StoryState {
    pub article_id: String,
    pub state: PublishState,
    /// Upload percentage of the story's photos while `uploading`.
    pub progress: u8,
    /// The reason of `needs_attention`, or the last retryable failure while `queued`.
    pub error: Option<String>,
    pub server_revision: Option<u64>,
    /// Items of this story (and its photos) still waiting.
    pub pending: usize,
    /// Conflicts the server's merge left for the user to resolve.
    pub conflicts: usize,
    /// Where the story stands on each WordPress destination it was sent to.
    pub destinations: Vec<DestinationState>,
    /// The story's workflow status (draft, submitted, edited, approved, published, withdrawn).
    pub status: byline_protocol::Status,
    /// Who the desk gave the story to.
    pub assigned: Vec<byline_protocol::Person>,
    /// What the public page serves, as last heard from the server.
    pub live: Option<byline_protocol::sync::Live>,
}

/// A story on one destination (a WordPress site).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct DestinationState {
    pub destination: String,
    /// `queued`, `uploading`, `needs_attention`, or `published` once the site holds this version.
    pub state: PublishState,
    /// The post's address on the site, once it exists.
    pub url: Option<String>,
    pub error: Option<String>,
}

fn destination_states(
    conn: &Connection,
    id: &str,
    pending: &[Item],
) -> Result<Vec<DestinationState>> {
    let mut stmt = conn.prepare(
        "SELECT destination, link FROM destination_posts WHERE article_id = ?1 ORDER BY destination",
    )?;
    let rows = stmt
        .query_map([id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows
        .into_iter()
        .map(|(destination, url)| {
            let item = pending.iter().find(|i| {
                i.kind == Kind::Wordpress
                    && i.target == id
                    && i.destination.as_deref() == Some(destination.as_str())
            });
            let (state, error) = match item {
                Some(i) => (item_state(i), i.last_error.clone()),
                None if url.is_some() => (PublishState::Published, None),
                None => (PublishState::Local, None),
            };
            DestinationState {
                destination,
                state,
                url,
                error,
            }
        })
        .collect())
}

fn item_state(i: &Item) -> PublishState {
    match i.state {
        ItemState::Uploading => PublishState::Uploading,
        ItemState::NeedsAttention => PublishState::NeedsAttention,
        ItemState::Done if matches!(i.kind, Kind::Publish | Kind::Wordpress) => {
            PublishState::Published
        }
        ItemState::Done => PublishState::OnServer,
        ItemState::Queued => PublishState::Queued,
    }
}

fn label(conn: &Connection, i: &Item) -> String {
    match i.kind {
        Kind::Photo | Kind::PhotoMeta | Kind::Preview => photos::get(conn, &i.target)
            .map(|p| p.original_name)
            .unwrap_or_else(|_| i.target.chars().take(12).collect()),
        Kind::Wordpress => format!(
            "{} → {}",
            title(conn, &i.target),
            i.destination.as_deref().unwrap_or_default()
        ),
        Kind::Article | Kind::Publish => title(conn, &i.target),
    }
}

fn title(conn: &Connection, id: &str) -> String {
    conn.query_row("SELECT title FROM articles WHERE id = ?1", [id], |r| {
        r.get::<_, String>(0)
    })
    .optional()
    .ok()
    .flatten()
    .unwrap_or_else(|| id.to_owned())
}

fn entry(conn: &Connection, i: &Item) -> OutboxEntry {
    OutboxEntry {
        id: i.id,
        kind: i.kind,
        target: i.target.clone(),
        label: label(conn, i),
        state: item_state(i),
        progress: i.progress,
        error: i.last_error.clone(),
        attempts: i.attempts,
        updated_at: i.updated_at.clone(),
    }
}

/// The outbox for the panel: what waits (oldest first, the sending order), then the most recent
/// finished items, up to `limit` rows in all.
pub fn entries(conn: &Connection, limit: usize) -> Result<Vec<OutboxEntry>> {
    let mut rows: Vec<OutboxEntry> = outbox::pending(conn)?
        .iter()
        .map(|i| entry(conn, i))
        .collect();
    let room = limit.saturating_sub(rows.len());
    rows.extend(
        outbox::all(conn, room)?
            .iter()
            .filter(|i| i.state == ItemState::Done)
            .map(|i| entry(conn, i)),
    );
    rows.truncate(limit);
    Ok(rows)
}

fn photo_in(article: &Article, photo_id: &str) -> bool {
    article
        .blocks
        .iter()
        .any(|b| matches!(&b.kind, BlockKind::Figure { photo_id: Some(p), .. } if p == photo_id))
}

/// The publishing state of one story.
pub fn story_state(conn: &Connection, id: &str) -> Result<StoryState> {
    let article = drafts::get(conn, id)?;
    let pending = outbox::pending(conn)?;
    let destinations = destination_states(conn, id, &pending)?;
    let mine: Vec<Item> = pending
        .into_iter()
        .filter(|i| i.destination.is_none())
        .filter(|i| i.target == id || photo_in(&article, &i.target))
        .collect();
    let remote = sync::remote_state(conn, id)?;
    let (server_revision, conflicts, published) = match &remote {
        Some((rev, c, p)) => (Some(*rev), c.len(), *p),
        None => (None, 0, false),
    };
    let attention = mine.iter().find(|i| i.state == ItemState::NeedsAttention);
    let uploading: Vec<&Item> = mine
        .iter()
        .filter(|i| i.state == ItemState::Uploading)
        .collect();
    let (state, progress, error) = if let Some(i) = attention {
        (PublishState::NeedsAttention, 0, i.last_error.clone())
    } else if !uploading.is_empty() {
        let (done, total) = uploading.iter().fold((0u64, 0u64), |(d, t), i| {
            (d + i.bytes_done, t + i.bytes_total)
        });
        let pct = done
            .saturating_mul(100)
            .checked_div(total)
            .map_or(0, |p| p.min(100) as u8);
        (PublishState::Uploading, pct, None)
    } else if let Some(i) = mine.first() {
        (PublishState::Queued, 0, i.last_error.clone())
    } else if remote.is_none() {
        (PublishState::Local, 0, None)
    } else if published {
        (PublishState::Published, 100, None)
    } else {
        (PublishState::OnServer, 100, None)
    };
    Ok(StoryState {
        article_id: id.to_owned(),
        state,
        progress,
        error,
        server_revision,
        pending: mine.len(),
        conflicts,
        destinations,
        status: article.status,
        assigned: article.assigned.clone(),
        live: sync::live_state(conn, id)?,
    })
}
