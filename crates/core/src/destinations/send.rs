//! Sending what is queued for destinations, with the outbox's states: a retryable failure (the
//! site unreachable, a lost reply, 5xx, 429) keeps the item queued with a jittered retry time
//! (capped at a minute); anything else (a refused password, a site that is not WordPress, a
//! story the site refuses) parks it as `needs_attention` with the reason. The engine runs
//! [`send_ready`] in the background; `byline publish ID --to NAME` sends its one item within a
//! bounded patience ([`publish`]).

use std::time::Duration;

use byline_protocol::ErrorCode;

use crate::Library;
use crate::error::{CoreError, Result};
use crate::outbox::{self, Item, ItemState, Kind};
use crate::sync::Patience;
use crate::sync::send::retry_delay;

use super::wordpress::{self, Failure};
use super::{DestinationReport, get};

/// Items queued for destinations, oldest first.
fn queued(lib: &Library) -> Result<Vec<Item>> {
    Ok(lib
        .db()
        .read(outbox::pending)?
        .into_iter()
        .filter(|i| i.kind == Kind::Wordpress && i.destination.is_some())
        .collect())
}

/// Sends one item and records the outcome. `Ok(true)`: done.
async fn send_one(lib: &Library, item: &Item, report: &mut DestinationReport) -> Result<bool> {
    let name = item.destination.as_deref().unwrap_or_default();
    lib.db()
        .write(|c| outbox::mark_uploading(c, item.id, 0, 0))?;
    lib.events().emit(crate::events::Event::OutboxChanged);
    let outcome = match lib.db().read(|c| get(c, name)) {
        Ok(dest) => wordpress::send(lib, &dest, &item.target, report).await,
        Err(e) => Err(Failure::Local(e)),
    };
    let done = match outcome {
        Ok(()) => {
            lib.db().write(|c| outbox::mark_done(c, item.id))?;
            true
        }
        Err(Failure::Remote(e)) if e.is_retryable() => {
            let delay = retry_delay(item.attempts, e.retry_after());
            let why = format!("{name}: {e}; it goes again by itself");
            lib.db()
                .write(|c| outbox::mark_retry(c, item.id, &why, delay))?;
            false
        }
        Err(Failure::Remote(e)) => {
            let why = parked_reason(name, &e);
            lib.db()
                .write(|c| outbox::mark_attention(c, item.id, &why))?;
            false
        }
        Err(Failure::Local(e)) => {
            let why = format!("{name}: {e}");
            lib.db()
                .write(|c| outbox::mark_attention(c, item.id, &why))?;
            false
        }
    };
    lib.events().emit(crate::events::Event::OutboxChanged);
    Ok(done)
}

fn parked_reason(name: &str, e: &byline_wordpress::WpError) -> String {
    if e.is_auth() {
        format!(
            "{name}: WordPress refused the user or application password ({e}); enter a working \
             one in Settings (CLI: `byline destination add {name} --wordpress URL --user USER \
             --app-password PASSWORD`), then retry"
        )
    } else {
        format!("{name}: {e}; fix it, then retry (`byline outbox retry`)")
    }
}

/// One pass over what is queued for destinations. Returns how long until the next item is
/// due (`None`: nothing waits). `eager` ignores retry times (a person just asked).
pub async fn send_ready(lib: &Library, eager: bool) -> Result<Option<Duration>> {
    let now = chrono::Local::now().fixed_offset();
    let mut next: Option<Duration> = None;
    for item in queued(lib)? {
        if item.state == ItemState::NeedsAttention {
            continue;
        }
        let due = item
            .next_attempt_at
            .as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .filter(|t| *t > now && !eager)
            .map(|t| (t - now).to_std().unwrap_or_default());
        if let Some(wait) = due {
            next = Some(next.map_or(wait, |n| n.min(wait)));
            continue;
        }
        let mut report = DestinationReport::default();
        if !send_one(lib, &item, &mut report).await? {
            let again = lib.db().read(|c| outbox::get(c, item.id))?;
            if let Some(wait) = again.as_ref().and_then(|i| {
                let at =
                    chrono::DateTime::parse_from_rfc3339(i.next_attempt_at.as_deref()?).ok()?;
                (i.state == ItemState::Queued).then(|| (at - now).to_std().unwrap_or_default())
            }) {
                next = Some(next.map_or(wait, |n| n.min(wait)));
            }
        }
    }
    Ok(next)
}

/// Queues story `id` for `destination`, then sends it within `patience`: retryable failures
/// are retried with backoff, and an attempt that got further than the one before (a photo or
/// the post now recorded) does not count against the patience. Whatever cannot go stays queued
/// for the engine or the next command.
pub fn publish(
    lib: &Library,
    id: &str,
    destination: &str,
    patience: &Patience,
) -> Result<DestinationReport> {
    let id = super::enqueue(lib, id, destination)?;
    let rt = crate::sync::runtime()?;
    let mut report = DestinationReport {
        destination: destination.to_owned(),
        ..Default::default()
    };
    let mut backoff = patience.backoff.clone();
    let mut fruitless = 0;
    let mut last_progress = progress(lib, destination, &id)?;
    loop {
        let Some(item) = pending_item(lib, &id, destination)? else {
            break;
        };
        if item.state == ItemState::NeedsAttention {
            return Err(stuck(&item, ErrorCode::InvalidInput));
        }
        if rt.block_on(send_one(lib, &item, &mut report))? {
            break;
        }
        let now = progress(lib, destination, &id)?;
        if now > last_progress {
            last_progress = now;
        } else {
            fruitless += 1;
        }
        let again = pending_item(lib, &id, destination)?;
        match again {
            Some(i) if i.state == ItemState::NeedsAttention => {
                return Err(stuck(&i, ErrorCode::InvalidInput));
            }
            Some(i) if fruitless >= patience.attempts.max(1) => {
                return Err(stuck(&i, ErrorCode::Unavailable));
            }
            _ => std::thread::sleep(backoff.next_delay(None)),
        }
    }
    let (post_id, link) = lib.db().read(|c| {
        Ok(c.query_row(
            "SELECT post_id, link FROM destination_posts WHERE destination = ?1 AND article_id = ?2",
            rusqlite::params![destination, id],
            |r| Ok((r.get::<_, Option<u64>>(0)?, r.get::<_, Option<String>>(1)?)),
        )?)
    })?;
    report.post_id = post_id.unwrap_or_default();
    report.url = link.unwrap_or_default();
    Ok(report)
}

/// How far a story's send to a destination has come: photos and post recorded.
fn progress(lib: &Library, destination: &str, id: &str) -> Result<usize> {
    let article = lib.article(id)?;
    let photos: Vec<String> = crate::sync::photo_ids(&article);
    lib.db().read(|c| {
        let mut n = 0usize;
        for p in &photos {
            let known: bool = c.query_row(
                "SELECT EXISTS(SELECT 1 FROM destination_media WHERE destination = ?1 AND photo_id = ?2)",
                rusqlite::params![destination, p],
                |r| r.get(0),
            )?;
            n += usize::from(known);
        }
        let post: bool = c.query_row(
            "SELECT post_id IS NOT NULL FROM destination_posts WHERE destination = ?1 AND article_id = ?2",
            rusqlite::params![destination, id],
            |r| r.get(0),
        )?;
        Ok(n + usize::from(post))
    })
}

fn pending_item(lib: &Library, id: &str, destination: &str) -> Result<Option<Item>> {
    Ok(queued(lib)?
        .into_iter()
        .find(|i| i.target == id && i.destination.as_deref() == Some(destination)))
}

fn stuck(item: &Item, code: ErrorCode) -> CoreError {
    let why = item
        .last_error
        .clone()
        .unwrap_or_else(|| "not sent yet".into());
    CoreError::Remote {
        code,
        message: format!(
            "the story is still queued for {} ({}: {why}); nothing is lost — the app (or \
             `byline sync --watch`) sends it when the site answers, `byline outbox` shows it, \
             `byline outbox retry` re-queues it once parked",
            item.destination.as_deref().unwrap_or_default(),
            item.state.as_str()
        ),
    }
}
