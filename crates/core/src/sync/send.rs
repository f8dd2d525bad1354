//! One pass over the outbox: send each ready item in order, record each answer in its own short
//! transaction, and say why the pass stopped (all sent, waiting for a retry time, the server
//! unreachable, the token refused). The caller decides what to do next: `byline publish` retries
//! a few times, the engine waits for the network or a wake-up.

use std::time::Duration;

use byline_desk::PublishPolicy;
use byline_sync::{Backoff, Client, SyncError};

use crate::error::{CoreError, Result};
use crate::events::Event;
use crate::outbox::{self, Item, ItemState, Kind};
use crate::{Library, drafts, photodesk, photos, previews};

use super::{DrainReport, record_remote};

/// Why a pass stopped.
#[derive(Debug)]
pub enum Pass {
    /// Nothing ready is left (parked items aside).
    Drained,
    /// The next item may be retried after this long.
    Waiting(Duration),
    /// The server could not be reached (or answered "try later"); the item stays queued.
    Unreachable(SyncError),
    /// The server refused the token (401): nothing more is sent until a working one is given.
    TokenRefused(SyncError),
}

/// The delay before retry number `attempts + 1` of an item: jittered, capped at a minute.
pub fn retry_delay(attempts: u32, retry_after: Option<Duration>) -> Duration {
    let mut b = Backoff::new(Duration::from_millis(500), Duration::from_secs(60));
    for _ in 0..attempts.min(16) {
        b.next_delay(None);
    }
    b.next_delay(retry_after)
}

/// Sends every ready item in order, stopping at the first that cannot go yet. `eager` ignores
/// the items' retry times (a person just asked to send).
pub async fn send_ready(
    lib: &Library,
    client: &Client,
    policy: PublishPolicy,
    eager: bool,
    report: &mut DrainReport,
) -> Result<Pass> {
    let items = lib.db().read(outbox::pending)?;
    let now = chrono::Local::now().fixed_offset();
    for item in items {
        // Items for other destinations (WordPress) go by their own pass (`destinations/send.rs`).
        if item.state == ItemState::NeedsAttention || item.destination.is_some() {
            continue;
        }
        if let Some(wait) = not_before(&item, now).filter(|_| !eager) {
            return Ok(Pass::Waiting(wait));
        }
        match send(lib, client, &item, policy, report).await {
            Ok(()) => {
                lib.db().write(|c| {
                    outbox::mark_done(c, item.id)?;
                    requeue_if_saved_meanwhile(c, &item)
                })?;
                report.sent += 1;
            }
            Err(Failure::Local(e)) => park(lib, &item, &e.to_string(), report)?,
            Err(Failure::Remote(e)) if is_token_refused(&e) => {
                let why = token_refused_message();
                lib.db().write(|c| outbox::note_error(c, item.id, &why))?;
                lib.events().emit(Event::OutboxChanged);
                return Ok(Pass::TokenRefused(e));
            }
            Err(Failure::Remote(e)) if is_role_refused(&e) => {
                // Never parked (the CLI contract: a refused token parks nothing): it waits,
                // with the reason and its code, for a token whose role may do it; later items
                // still go.
                let why = role_refused_message(&e);
                let delay = retry_delay(item.attempts, None);
                let code = e.to_api_error().code;
                lib.db().write(|c| {
                    outbox::mark_retry(c, item.id, &why, delay)?;
                    outbox::set_code(c, item.id, code)
                })?;
                lib.events().emit(Event::OutboxChanged);
                continue;
            }
            Err(Failure::Remote(e)) if e.is_retryable() => {
                let delay = retry_delay(item.attempts, e.retry_after());
                lib.db()
                    .write(|c| outbox::mark_retry(c, item.id, &e.to_string(), delay))?;
                lib.events().emit(Event::OutboxChanged);
                return Ok(Pass::Unreachable(e));
            }
            Err(Failure::Remote(e)) => park(lib, &item, &e.to_string(), report)?,
        }
        lib.events().emit(Event::OutboxChanged);
    }
    Ok(Pass::Drained)
}

/// A save that committed while its story's push was on the wire found that push still pending
/// and queued nothing (one pending push per story); the push carried the older text. Queue the
/// story again so the newest save goes too (an autosave at the end of typing is never left
/// behind).
fn requeue_if_saved_meanwhile(c: &rusqlite::Connection, item: &Item) -> Result<()> {
    if item.kind != Kind::Article {
        return Ok(());
    }
    let behind: bool = c.query_row(
        "SELECT EXISTS(SELECT 1 FROM articles a JOIN remote_articles r ON r.article_id = a.id
         WHERE a.id = ?1 AND a.current_revision != r.synced_revision)",
        [&item.target],
        |r| r.get(0),
    )?;
    if behind {
        outbox::enqueue(c, Kind::Article, &item.target)?;
    }
    Ok(())
}

/// A 401: the token itself is wrong, revoked or missing. (A 403 is a role refusing one
/// action, e.g. a reporter's publish: that item waits for an allowed token, the rest still go.)
pub fn is_token_refused(e: &SyncError) -> bool {
    matches!(e, SyncError::Http { status: 401, .. })
}

/// A 403: the token is good but its role may not do this (a reporter's publish request).
pub fn is_role_refused(e: &SyncError) -> bool {
    matches!(e, SyncError::Http { status: 403, .. })
}

fn role_refused_message(e: &SyncError) -> String {
    format!(
        "the server refused this for your role ({e}): it stays queued and goes with the token of \
         someone allowed to do it (an editor publishes: `byline publish ID --token EDITOR_TOKEN`)"
    )
}

/// Whether an item waits because only an editor may do it (a reporter's publish).
pub fn waits_for_editor(item: &Item) -> bool {
    item.last_code.as_deref() == Some(byline_protocol::ErrorCode::EditorRequired.as_str())
}

/// What to do about a refused token, in words every front end can show.
pub fn token_refused_message() -> String {
    "the server refused the access token: enter a working one in Settings (CLI: --token or \
     BYLINE_TOKEN); everything stays queued and goes as soon as it is accepted"
        .into()
}

fn park(lib: &Library, item: &Item, why: &str, report: &mut DrainReport) -> Result<()> {
    lib.db()
        .write(|c| outbox::mark_attention(c, item.id, why))?;
    report.needs_attention += 1;
    Ok(())
}

fn not_before(item: &Item, now: chrono::DateTime<chrono::FixedOffset>) -> Option<Duration> {
    let at = chrono::DateTime::parse_from_rfc3339(item.next_attempt_at.as_deref()?).ok()?;
    (at > now).then(|| (at - now).to_std().unwrap_or_default())
}

pub(crate) enum Failure {
    Remote(SyncError),
    Local(CoreError),
}

impl From<SyncError> for Failure {
    fn from(e: SyncError) -> Self {
        Failure::Remote(e)
    }
}

impl From<CoreError> for Failure {
    fn from(e: CoreError) -> Self {
        Failure::Local(e)
    }
}

async fn send(
    lib: &Library,
    client: &Client,
    item: &Item,
    policy: PublishPolicy,
    report: &mut DrainReport,
) -> Result<(), Failure> {
    match item.kind {
        Kind::Photo => send_photo(lib, client, item, report).await,
        Kind::Preview => send_preview(lib, client, item).await,
        Kind::PhotoMeta => {
            let rec = lib.photo(&item.target)?;
            // Everything the photo desk writes back travels, so the server's public copy
            // carries the same IPTC/XMP as `byline photo export`; the policy decides about GPS.
            let meta = photodesk::photo_meta(&rec, policy.strip_gps);
            client.put_photo_meta(&rec.id, &meta).await?;
            Ok(())
        }
        Kind::Article => send_article(lib, client, item).await,
        Kind::Wordpress => Err(Failure::Local(CoreError::Invalid(
            "a WordPress item reached the newsroom server's pass".into(),
        ))),
        Kind::Publish => {
            let out = client
                .publish_with(&item.target, &item.idempotency_key, item.payload.as_deref())
                .await?;
            let local = super::pull::adopt(lib, out.article)?;
            remember(
                lib,
                item,
                out.server_revision,
                local,
                &out.conflicts,
                Some(true),
            )?;
            let target = &item.target;
            lib.db()
                .write(|c| super::record_live(c, target, out.live.as_ref()))?;
            Ok(())
        }
    }
}

async fn send_article(lib: &Library, client: &Client, item: &Item) -> Result<(), Failure> {
    let (article, base) = lib.db().read(|c| {
        let a = drafts::get(c, &item.target)?;
        Ok((a, super::server_revision(c, &item.target)?))
    })?;
    let out = client
        .put_article(&article, base, &item.idempotency_key)
        .await?;
    let local = match out.merged {
        Some(merged) => super::pull::adopt(lib, merged)?,
        None => article.revision,
    };
    remember(lib, item, out.server_revision, local, &out.conflicts, None)?;
    let target = &item.target;
    lib.db()
        .write(|c| super::record_live(c, target, out.live.as_ref()))?;
    Ok(())
}

/// Records what the server now holds of the item's story.
fn remember(
    lib: &Library,
    item: &Item,
    server_revision: u64,
    local: u64,
    conflicts: &[byline_protocol::sync::Conflict],
    published: Option<bool>,
) -> Result<(), Failure> {
    let target = &item.target;
    lib.db()
        .write(|c| record_remote(c, target, server_revision, local, conflicts, published))?;
    Ok(())
}

async fn send_photo(
    lib: &Library,
    client: &Client,
    item: &Item,
    report: &mut DrainReport,
) -> Result<(), Failure> {
    let rec = lib.photo(&item.target)?;
    let path = lib.root().join(photos::relative_path(&rec.id, &rec.format));
    let mut last_saved = 0u64;
    let up = client
        .upload_blob_at(
            item.upload_location.as_deref(),
            &path,
            &rec.id,
            rec.size,
            |done, total, loc| {
                // Persist the location the moment it exists, and progress now and then: a
                // killed client resumes where the server says, not from zero.
                if done == 0 {
                    let _ = lib.db().write(|c| outbox::set_location(c, item.id, loc));
                }
                if done == total || done >= last_saved + (1 << 20) || done == 0 {
                    last_saved = done;
                    let _ = lib
                        .db()
                        .write(|c| outbox::mark_uploading(c, item.id, done, total));
                    lib.events().emit(Event::Upload {
                        item: item.id,
                        target: item.target.clone(),
                        done,
                        total,
                    });
                }
            },
        )
        .await?;
    if up.already_present {
        report.skipped_photos += 1;
    }
    report.uploaded_bytes += up.bytes_sent;
    Ok(())
}

/// The 1600 px preview, so the desk sees the page before the originals arrive; one an ingest
/// left for later is made now, off the network thread. A photo whose preview cannot be made, or
/// a server that takes none, simply waits for its original.
async fn send_preview(lib: &Library, client: &Client, item: &Item) -> Result<(), Failure> {
    let (owned, id) = (lib.clone(), item.target.clone());
    let made = tokio::task::spawn_blocking(move || previews::ensure(&owned, &id)).await;
    let Ok(Ok(path)) = made else {
        return Ok(());
    };
    let Ok(bytes) = std::fs::read(&path) else {
        return Ok(());
    };
    match client.put_preview(&item.target, bytes).await {
        Err(SyncError::Http {
            status: 404 | 405, ..
        }) => Ok(()),
        other => Ok(other?),
    }
}
