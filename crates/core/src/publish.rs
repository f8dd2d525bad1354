//! Publishing on request (`byline publish`, `byline sync`, the app's Publish button): check the
//! copy desk, queue everything in one transaction, then send for a bounded while. Whatever
//! cannot go now stays queued for the engine (or the next command); a refused token fails the
//! command with what to do, and parks nothing.

use byline_protocol::ErrorCode;

use crate::error::{CoreError, Result};
use crate::outbox::{self, ItemState};
use crate::stories::shows_photo;
use crate::sync::send::{self, Pass};
use crate::sync::{self, DrainReport, Patience, PublishReport, Remote, SyncReport};
use crate::{Library, stories};

/// Refuses while the copy desk reports a hard failure (wherever the story is going).
pub fn check_publishable(lib: &Library, id: &str) -> Result<()> {
    let findings = lib.check_article(id)?;
    let blocking = byline_desk::blocking(&findings);
    if !blocking.is_empty() {
        let list: Vec<String> = blocking
            .iter()
            .map(|f| format!("{} ({})", f.message, f.rule.id()))
            .collect();
        return Err(CoreError::Blocked(format!(
            "publishing is blocked by {} problem(s): {}. Fix them (see `byline check {id}`) and publish again",
            blocking.len(),
            list.join("; ")
        )));
    }
    Ok(())
}

/// Refuses while the copy desk reports a hard failure; else queues the story, its photos and
/// the publish request (with its correction notice, if any) in one transaction and wakes the
/// engine. Returns at once.
pub fn enqueue(lib: &Library, id: &str, correction: Option<&str>) -> Result<String> {
    let correction = correction_text(correction)?;
    let id = stories::resolve_id(lib, id)?;
    check_publishable(lib, &id)?;
    let article = lib.article(&id)?;
    lib.db()
        .transaction(|tx| sync::enqueue_publish(tx, &article, correction.as_deref()))?;
    lib.events().outbox_changed();
    Ok(id)
}

/// A correction notice as given: NFC and trimmed; an empty one is a mistake worth saying.
fn correction_text(c: Option<&str>) -> Result<Option<String>> {
    let Some(c) = c else { return Ok(None) };
    let c = byline_text::nfc(c.trim());
    if c.is_empty() {
        return Err(CoreError::Invalid(
            "--correction is empty: give the notice's text (e.g. --correction \"Bài viết đã sửa tên …\"), or leave it out".into(),
        ));
    }
    Ok(Some(c))
}

/// Publishes a story and waits (within `patience`) until the server has all of it.
pub fn publish(
    lib: &Library,
    id: &str,
    remote: &Remote,
    patience: &Patience,
    correction: Option<&str>,
) -> Result<PublishReport> {
    let id = enqueue(lib, id, correction)?;
    let article = lib.article(&id)?;
    let drained = drain(lib, remote, patience)?;
    let still: Vec<_> = lib
        .db()
        .read(outbox::pending)?
        .into_iter()
        .filter(|i| i.destination.is_none())
        .filter(|i| i.target == id || shows_photo(&article, &i.target))
        .collect();
    if let Some(stuck) = still.first() {
        let why = stuck
            .last_error
            .clone()
            .unwrap_or_else(|| "not sent yet".into());
        if let Some(waiting) = still.iter().find(|i| send::waits_for_editor(i)) {
            return Err(CoreError::Remote {
                code: ErrorCode::EditorRequired,
                message: format!(
                    "an editor must publish this story; it is still queued ({})",
                    waiting
                        .last_error
                        .as_deref()
                        .unwrap_or("the server refused your role")
                ),
            });
        }
        let code = if stuck.state == ItemState::NeedsAttention {
            ErrorCode::InvalidInput
        } else {
            ErrorCode::Unavailable
        };
        return Err(CoreError::Remote {
            code,
            message: format!(
                "{} item(s) of this story are still queued ({} {}: {why}); nothing is lost — \
                 `byline sync` (or `byline sync --watch`) sends them when the server answers, \
                 `byline outbox` shows them, `byline outbox retry` re-queues parked ones",
                still.len(),
                stuck.kind.as_str(),
                stuck.state.as_str()
            ),
        });
    }
    let (server_revision, conflicts, _) = lib.remote_state(&id)?.unwrap_or_default();
    let live = lib.db().read(|c| sync::live_state(c, &id))?;
    Ok(PublishReport {
        article_id: id,
        server_revision,
        uploaded_bytes: drained.uploaded_bytes,
        skipped_photos: drained.skipped_photos,
        conflicts,
        pending: drained.pending,
        live,
    })
}

/// Pushes everything queued, then pulls what changed on the server.
pub fn sync_now(lib: &Library, remote: &Remote, patience: &Patience) -> Result<SyncReport> {
    let push = drain(lib, remote, patience)?;
    let rt = sync::runtime()?;
    let client = sync::client(remote)?;
    let (pulled, deferred) = rt.block_on(sync::pull::pull(lib, &client, &remote.url, patience))?;
    Ok(SyncReport {
        push,
        pulled,
        deferred,
    })
}

/// Sends what is queued, retrying unreachable-server failures within `patience`.
pub fn drain(lib: &Library, remote: &Remote, patience: &Patience) -> Result<DrainReport> {
    let rt = sync::runtime()?;
    let client = sync::client(remote)?;
    let policy = lib.publish_policy()?;
    let mut report = DrainReport::default();
    let mut backoff = patience.backoff.clone();
    for attempt in 1..=patience.attempts.max(1) {
        match rt.block_on(send::send_ready(lib, &client, policy, true, &mut report))? {
            Pass::Drained | Pass::Waiting(_) => break,
            Pass::TokenRefused(_) => {
                return Err(CoreError::Remote {
                    code: ErrorCode::Unauthorized,
                    message: send::token_refused_message(),
                });
            }
            Pass::Unreachable(e) if attempt < patience.attempts => {
                std::thread::sleep(backoff.next_delay(e.retry_after()));
            }
            Pass::Unreachable(_) => break,
        }
    }
    let pending = lib.db().read(outbox::pending)?;
    report.pending = pending
        .iter()
        .filter(|i| i.state != ItemState::NeedsAttention && i.destination.is_none())
        .count();
    Ok(report)
}
