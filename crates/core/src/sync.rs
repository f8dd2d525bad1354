//! Publishing and sync: fills the outbox (in one transaction), drains it through `byline-sync`
//! with jittered backoff, adopts what the server merged, and pulls what others changed.
//!
//! The drain sends items in order and stops at the first one that cannot go yet: a photo must be
//! on the server before the story that shows it is published. Retryable failures stay queued with
//! their idempotency keys; permanent ones wait in `needs_attention` for the user.

use std::path::Path;
use std::time::Duration;

use byline_protocol::sync::Conflict;
use byline_protocol::{Article, BlockKind, ErrorCode};
use byline_sync::{Backoff, Client, SyncError};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use byline_desk::PublishPolicy;

use crate::error::{CoreError, Result};
use crate::outbox::{self, Kind};
use crate::{drafts, photodesk, photos};

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

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CoreError::Invalid(format!("cannot start the network runtime: {e}")))
}

fn client(remote: &Remote) -> Result<Client> {
    Client::new(&remote.url, &remote.token).map_err(|e| sync_err(&e))
}

fn sync_err(e: &SyncError) -> CoreError {
    let api = e.to_api_error();
    CoreError::Remote {
        code: api.code,
        message: api.message,
    }
}

/// Queues everything a publish sends, in one transaction: each photo's bytes and caption, the
/// story, and the publish request itself.
pub fn enqueue_publish(conn: &mut Connection, article: &Article) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for id in photo_ids(article) {
        outbox::enqueue(&tx, Kind::Photo, &id)?;
        outbox::enqueue(&tx, Kind::PhotoMeta, &id)?;
    }
    outbox::enqueue(&tx, Kind::Article, &article.id)?;
    outbox::enqueue(&tx, Kind::Publish, &article.id)?;
    tx.commit()?;
    Ok(())
}

fn photo_ids(article: &Article) -> Vec<String> {
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

/// Sends every pending item, in order.
pub fn drain(
    conn: &mut Connection,
    root: &Path,
    author: &str,
    remote: &Remote,
    patience: &Patience,
    policy: PublishPolicy,
) -> Result<DrainReport> {
    let rt = runtime()?;
    let client = client(remote)?;
    let mut report = DrainReport::default();
    for item in outbox::pending(conn)? {
        if item.state == "needs_attention" {
            report.needs_attention += 1;
            continue;
        }
        let mut backoff = patience.backoff.clone();
        let mut attempt = 0;
        loop {
            attempt += 1;
            match rt.block_on(send(
                conn,
                root,
                author,
                &client,
                &item,
                policy,
                &mut report,
            )) {
                Ok(()) => {
                    outbox::mark_done(conn, item.id)?;
                    report.sent += 1;
                    break;
                }
                Err(Failure::Local(e)) => {
                    outbox::mark_attention(conn, item.id, &e.to_string())?;
                    report.needs_attention += 1;
                    break;
                }
                Err(Failure::Remote(e)) if e.is_retryable() => {
                    let delay = backoff.next_delay(e.retry_after());
                    outbox::mark_retry(conn, item.id, &e.to_string(), delay)?;
                    if attempt >= patience.attempts {
                        report.pending = outbox::pending(conn)?
                            .iter()
                            .filter(|i| i.state != "needs_attention")
                            .count();
                        return Ok(report);
                    }
                    std::thread::sleep(delay);
                }
                Err(Failure::Remote(e)) => {
                    outbox::mark_attention(conn, item.id, &e.to_string())?;
                    report.needs_attention += 1;
                    break;
                }
            }
        }
    }
    report.pending = outbox::pending(conn)?
        .iter()
        .filter(|i| i.state != "needs_attention")
        .count();
    Ok(report)
}

enum Failure {
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

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        Failure::Local(e.into())
    }
}

async fn send(
    conn: &mut Connection,
    root: &Path,
    author: &str,
    client: &Client,
    item: &outbox::Item,
    policy: PublishPolicy,
    report: &mut DrainReport,
) -> Result<(), Failure> {
    match item.kind {
        Kind::Photo => {
            let rec = photos::get(conn, &item.target)?;
            let path = root.join(photos::relative_path(&rec.id, &rec.format));
            let id = item.id;
            let conn_ref: &Connection = conn;
            let mut last_saved = 0u64;
            let up = client
                .upload_blob_at(
                    item.upload_location.as_deref(),
                    &path,
                    &rec.id,
                    rec.size,
                    |done, total, loc| {
                        // Persist the location the moment it exists, and progress now and then:
                        // a killed client resumes where the server says, not from zero.
                        if done == 0 {
                            let _ = outbox::set_location(conn_ref, id, loc);
                        }
                        if done == total || done >= last_saved + (1 << 20) || done == 0 {
                            last_saved = done;
                            let _ = outbox::mark_uploading(conn_ref, id, done, total);
                        }
                    },
                )
                .await?;
            if up.already_present {
                report.skipped_photos += 1;
            }
            report.uploaded_bytes += up.bytes_sent;
        }
        Kind::PhotoMeta => {
            let rec = photos::get(conn, &item.target)?;
            // Everything the photo desk writes back travels, so the server's public copy
            // carries the same IPTC/XMP as `byline photo export`; the policy decides about GPS.
            let meta = photodesk::photo_meta(&rec, policy.strip_gps);
            client.put_photo_meta(&rec.id, &meta).await?;
        }
        Kind::Article => {
            let article = drafts::get(conn, &item.target)?;
            let base: Option<u64> = conn
                .query_row(
                    "SELECT server_revision FROM remote_articles WHERE article_id = ?1",
                    [&item.target],
                    |r| r.get(0),
                )
                .optional()?;
            let out = client
                .put_article(&article, base, &item.idempotency_key)
                .await?;
            let local = match out.merged {
                Some(merged) => adopt(conn, author, merged)?,
                None => article.revision,
            };
            record_remote(
                conn,
                &item.target,
                out.server_revision,
                local,
                &out.conflicts,
                None,
            )?;
        }
        Kind::Publish => {
            let out = client.publish(&item.target, &item.idempotency_key).await?;
            let local = adopt(conn, author, out.article)?;
            record_remote(
                conn,
                &item.target,
                out.server_revision,
                local,
                &out.conflicts,
                Some(true),
            )?;
        }
    }
    Ok(())
}

/// Makes the server's version of a story the local current revision (when it differs), without
/// queueing it back to the server. Returns the local revision that now matches the server.
fn adopt(conn: &mut Connection, author: &str, mut server: Article) -> Result<u64> {
    let local = drafts::get(conn, &server.id)?;
    server.revision = local.revision;
    server.created_at = local.created_at;
    Ok(drafts::save_with(conn, &mut server, author, false)?.revision)
}

fn record_remote(
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

/// Pulls stories changed on the server since the last pull. A story edited here since its last
/// sync is left alone (its queued push will be merged by the server); others are adopted.
pub fn pull(
    conn: &mut Connection,
    root: &Path,
    author: &str,
    remote: &Remote,
    patience: &Patience,
) -> Result<(Vec<String>, Vec<String>)> {
    let rt = runtime()?;
    let client = client(remote)?;
    let key = format!("pull_cursor {}", remote.url);
    let mut cursor: u64 = conn
        .query_row("SELECT value FROM sync_state WHERE key = ?1", [&key], |r| {
            r.get::<_, String>(0)
        })
        .optional()?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let (mut pulled, mut deferred) = (Vec::new(), Vec::new());
    loop {
        let mut backoff = patience.backoff.clone();
        let mut attempt = 0;
        let page = loop {
            attempt += 1;
            match rt.block_on(client.changes_since(cursor)) {
                Ok(p) => break p,
                Err(e) if e.is_retryable() && attempt < patience.attempts => {
                    std::thread::sleep(backoff.next_delay(e.retry_after()));
                }
                Err(e) => return Err(sync_err(&e)),
            }
        };
        for env in page.articles {
            let id = env.article.id.clone();
            let known: Option<(u64, u64)> = conn
                .query_row(
                    "SELECT synced_revision, server_revision FROM remote_articles WHERE article_id = ?1",
                    [&id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let local = drafts::get(conn, &id).ok();
            match (local, known) {
                (Some(_), Some((_, server_rev))) if server_rev >= env.server_revision => {}
                (Some(l), Some((synced, _))) if l.revision != synced => deferred.push(id.clone()),
                (Some(_), _) => {
                    let rev = adopt(conn, author, env.article)?;
                    record_remote(conn, &id, env.server_revision, rev, &env.conflicts, None)?;
                    pulled.push(id);
                }
                (None, _) => {
                    let mut a = env.article;
                    a.revision = 0;
                    drafts::create(conn, &mut a, author)?;
                    record_remote(
                        conn,
                        &id,
                        env.server_revision,
                        a.revision,
                        &env.conflicts,
                        None,
                    )?;
                    pulled.push(id);
                }
            }
        }
        cursor = page.next_cursor;
        if !page.more {
            break;
        }
    }
    conn.execute(
        "INSERT INTO sync_state(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
        params![key, cursor.to_string()],
    )?;
    for id in &pulled {
        fetch_missing_photos(conn, root, author, &rt, &client, id)?;
    }
    Ok((pulled, deferred))
}

/// Downloads the photos of a pulled story that this library lacks, imports them (thumbnails,
/// metadata) and applies the server's caption and credits.
fn fetch_missing_photos(
    conn: &Connection,
    root: &Path,
    author: &str,
    rt: &tokio::runtime::Runtime,
    client: &Client,
    article_id: &str,
) -> Result<()> {
    let article = drafts::get(conn, article_id)?;
    let dir = root.join("photos").join("tmp");
    std::fs::create_dir_all(&dir).map_err(|e| CoreError::Io {
        path: dir.clone(),
        source: e,
    })?;
    for sha in photo_ids(&article) {
        if photos::get(conn, &sha).is_ok() {
            continue;
        }
        let dest = dir.join(format!("{sha}.download"));
        // A photo the server cannot give (yet) is not fatal: the figure keeps its caption and
        // the next sync tries again.
        if rt.block_on(client.download_blob(&sha, &dest)).is_err() {
            continue;
        }
        let never = std::sync::atomic::AtomicBool::new(false);
        let report = photodesk::import(
            conn,
            root,
            author,
            std::slice::from_ref(&dest),
            &never,
            &|_| {},
        );
        let _ = std::fs::remove_file(&dest);
        report?;
        if let (Ok(info), Ok(rec)) = (
            rt.block_on(client.get_photo_meta(&sha)),
            photos::get(conn, &sha),
        ) {
            let edit = photodesk::FieldEdit {
                caption: Some(info.meta.caption),
                creator: Some(info.meta.creator),
                credit: Some(info.meta.credit),
                keywords: Some(info.meta.keywords),
                ..Default::default()
            };
            if let Some(fields) = photodesk::apply_edit(&rec, &edit, None)? {
                photodesk::store_fields(conn, &sha, author, &fields)?;
            }
        }
    }
    Ok(())
}

/// Whether an error code means "try again later" for the CLI's exit status and wording.
pub fn is_retryable(code: ErrorCode) -> bool {
    code.is_retryable()
}
