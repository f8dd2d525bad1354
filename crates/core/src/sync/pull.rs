//! Pulling what others changed: each story the server sends is adopted (when untouched here),
//! created (when new), or deferred (edited here since the last sync: the queued push is merged
//! by the server, block by block). Photos a pulled story shows are fetched when missing.

use byline_protocol::Article;
use byline_protocol::sync::{ArticleEnvelope, Change, ChangesResponse};
use byline_sync::Client;
use rusqlite::{OptionalExtension, params};

use crate::error::Result;
use crate::outbox::{self, Kind};
use crate::photodesk::FieldEdit;
use crate::{Library, captions, drafts, photo_import};

use super::{Patience, photo_ids, record_remote, sync_err};

/// What pulling one story did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Created or updated locally.
    Pulled,
    /// Changed here since the last sync; kept local, merged on the next push.
    Deferred,
    /// Nothing new.
    Unchanged,
}

/// Makes the server's version of a story the local current revision (when it differs), without
/// queueing it back to the server. Returns the local revision that now matches the server.
pub fn adopt(lib: &Library, mut server: Article) -> Result<u64> {
    let out = lib.db().transaction(|tx| {
        let local = drafts::get(tx, &server.id)?;
        server.revision = local.revision;
        server.created_at = local.created_at;
        drafts::save_in(tx, &mut server, lib.author(), false)
    })?;
    if out.changed {
        lib.story_changed(&server.id, out.revision);
    }
    Ok(out.revision)
}

/// Applies one story from the server in one transaction with its bookkeeping.
pub fn apply(lib: &Library, env: &ArticleEnvelope) -> Result<Applied> {
    let id = env.article.id.clone();
    let applied = lib.db().transaction(|tx| {
        let known: Option<(u64, u64)> = tx
            .query_row(
                "SELECT synced_revision, server_revision FROM remote_articles WHERE article_id = ?1",
                [&id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let local = drafts::get(tx, &id).ok();
        let mut a = env.article.clone();
        let rev = match (local, known) {
            (Some(_), Some((_, server_rev))) if server_rev >= env.server_revision => {
                return Ok(None);
            }
            (Some(l), Some((synced, _))) if l.revision != synced => return Ok(Some(None)),
            (Some(l), _) => {
                a.revision = l.revision;
                a.created_at = l.created_at;
                drafts::save_in(tx, &mut a, lib.author(), false)?.revision
            }
            (None, _) => {
                a.revision = 0;
                drafts::create_in(tx, &mut a, lib.author())?
            }
        };
        record_remote(tx, &id, env.server_revision, rev, &env.conflicts, None)?;
        super::record_live(tx, &id, env.live.as_ref())?;
        Ok(Some(Some(rev)))
    })?;
    Ok(match applied {
        None => Applied::Unchanged,
        Some(None) => Applied::Deferred,
        Some(Some(rev)) => {
            lib.story_changed(&id, rev);
            Applied::Pulled
        }
    })
}

/// Pulls every story changed on the server since the stored cursor, retrying a failed page
/// within `patience`; returns (pulled, deferred).
pub async fn pull(
    lib: &Library,
    client: &Client,
    url: &str,
    patience: &Patience,
) -> Result<(Vec<String>, Vec<String>)> {
    let key = format!("pull_cursor {url}");
    let mut cursor = load_cursor(lib, &key)?;
    let (mut pulled, mut deferred) = (Vec::new(), Vec::new());
    loop {
        let page = page(client, cursor, patience).await?;
        for env in page.articles {
            let id = env.article.id.clone();
            match apply(lib, &env)? {
                Applied::Pulled => pulled.push(id),
                Applied::Deferred => deferred.push(id),
                Applied::Unchanged => {}
            }
        }
        cursor = page.next_cursor;
        if !page.more {
            break;
        }
    }
    save_cursor(lib, &key, cursor)?;
    fetch_wanted(lib, client, url, &pulled).await?;
    Ok((pulled, deferred))
}

async fn page(client: &Client, cursor: u64, patience: &Patience) -> Result<ChangesResponse> {
    let mut backoff = patience.backoff.clone();
    let mut attempt = 0;
    loop {
        attempt += 1;
        match client.changes_since(cursor).await {
            Ok(p) => return Ok(p),
            Err(e) if e.is_retryable() && attempt < patience.attempts => {
                tokio::time::sleep(backoff.next_delay(e.retry_after())).await;
            }
            Err(e) => return Err(sync_err(&e)),
        }
    }
}

/// Follows the server's change feed for one page: waits up to `wait` for something new, then
/// applies each change in order (stories adopted, created or deferred; photo captions taken
/// unless edited here and not sent yet) and stores the cursor. Returns how many changes came.
pub async fn follow(
    lib: &Library,
    client: &Client,
    url: &str,
    wait: std::time::Duration,
) -> std::result::Result<usize, byline_sync::SyncError> {
    let key = format!("pull_cursor {url}");
    let cursor = load_cursor(lib, &key).unwrap_or(0);
    let feed = client.changes(cursor, wait).await?;
    let n = feed.changes.len();
    let mut pulled = Vec::new();
    for change in feed.changes {
        let applied = match change {
            Change::Article { article, .. } => {
                let id = article.article.id.clone();
                apply(lib, &article).map(|a| (a == Applied::Pulled).then_some(id))
            }
            Change::PhotoMeta { photo, .. } => apply_photo_meta(lib, &photo).map(|()| None),
        };
        // A change that cannot be applied locally (a damaged row) must not stop the feed:
        // the next full `byline sync` retries from the stored cursor of the last good page.
        if let Ok(Some(id)) = applied {
            pulled.push(id);
        }
    }
    let _ = save_cursor(lib, &key, feed.next_cursor);
    let _ = fetch_wanted(lib, client, url, &pulled).await;
    Ok(n)
}

/// A caption or marks changed on the server (a desk editor's fix, a colleague's picks) reach this
/// library's photo, unless the photo has an edit of its own still waiting to go up (that one wins
/// on the server).
fn apply_photo_meta(lib: &Library, photo: &byline_protocol::sync::PhotoInfo) -> Result<()> {
    let Ok(_) = lib.photo(&photo.sha256) else {
        return Ok(());
    };
    let m = &photo.meta;
    let edit = FieldEdit {
        caption: Some(m.caption.clone()),
        creator: Some(m.creator.clone()),
        credit: Some(m.credit.clone()),
        copyright: Some(m.copyright.clone()),
        city: Some(m.city.clone()),
        country: Some(m.country.clone()),
        keywords: Some(m.keywords.clone()),
        template: None,
    };
    let changed = lib.db().transaction(|tx| {
        if crate::outbox::is_pending(tx, crate::outbox::Kind::PhotoMeta, &photo.sha256)? {
            return Ok(None);
        }
        let marked = crate::marks::store(tx, &photo.sha256, m.marks, false)?;
        let Some(caption) = captions::store_edit(tx, &photo.sha256, &edit, None, lib.author())?
        else {
            return Ok(marked.then(Vec::new));
        };
        captions::photo_to_figures(tx, &photo.sha256, &caption, None, lib.author()).map(Some)
    })?;
    if let Some(stories) = changed {
        lib.notify_photos(vec![photo.sha256.clone()]);
        lib.notify_stories(&stories)?;
    }
    Ok(())
}

/// A story pulled before its originals reached the server (the publish order sends text,
/// previews and the publish request first) is remembered until its photos are all here: the
/// photos' arrival does not change the story, so no later pull would bring it again.
async fn fetch_wanted(lib: &Library, client: &Client, url: &str, pulled: &[String]) -> Result<()> {
    let wanted_key = format!("photos_wanted {url}");
    let mut wanted = load_ids(lib, &wanted_key)?;
    for id in pulled {
        if !wanted.contains(id) {
            wanted.push(id.clone());
        }
    }
    if wanted.is_empty() {
        return Ok(());
    }
    let mut still = Vec::new();
    for id in wanted {
        if !fetch_missing_photos(lib, client, &id).await? {
            still.push(id);
        }
    }
    save_ids(lib, &wanted_key, &still)
}

fn load_ids(lib: &Library, key: &str) -> Result<Vec<String>> {
    lib.db().read(|c| {
        Ok(
            c.query_row("SELECT value FROM sync_state WHERE key = ?1", [key], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
            .and_then(|v| serde_json::from_str(&v).ok())
            .unwrap_or_default(),
        )
    })
}

fn save_ids(lib: &Library, key: &str, ids: &[String]) -> Result<()> {
    let value = serde_json::to_string(ids).expect("ids serialise");
    lib.db().write(|c| {
        c.execute(
            "INSERT INTO sync_state(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = ?2",
            params![key, value],
        )?;
        Ok(())
    })
}

pub(crate) fn load_cursor(lib: &Library, key: &str) -> Result<u64> {
    lib.db().read(|c| {
        Ok(
            c.query_row("SELECT value FROM sync_state WHERE key = ?1", [key], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
        )
    })
}

pub(crate) fn save_cursor(lib: &Library, key: &str, cursor: u64) -> Result<()> {
    lib.db().write(|c| {
        c.execute(
            "INSERT INTO sync_state(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = ?2",
            params![key, cursor.to_string()],
        )?;
        Ok(())
    })
}

/// Downloads the photos of a pulled story that this library lacks, imports them (thumbnails,
/// metadata) and applies the server's caption and credits. Returns whether the story now has
/// all its photos (one the server cannot give yet is not an error: the next pull tries again).
pub async fn fetch_missing_photos(
    lib: &Library,
    client: &Client,
    article_id: &str,
) -> Result<bool> {
    let Ok(article) = lib.article(article_id) else {
        return Ok(true);
    };
    let dir = lib.root().join("photos").join("tmp");
    std::fs::create_dir_all(&dir).map_err(|e| crate::CoreError::io(&dir, e))?;
    let mut complete = true;
    for sha in photo_ids(&article) {
        if lib.photo(&sha).is_ok() {
            continue;
        }
        let dest = dir.join(format!("{sha}.download"));
        if client.download_blob(&sha, &dest).await.is_err() {
            complete = false;
            continue;
        }
        let never = std::sync::atomic::AtomicBool::new(false);
        let report = photo_import::import(lib, std::slice::from_ref(&dest), &never, &|_| {});
        let _ = std::fs::remove_file(&dest);
        report?;
        if let Ok(info) = client.get_photo_meta(&sha).await {
            let edit = FieldEdit {
                caption: Some(info.meta.caption),
                creator: Some(info.meta.creator),
                credit: Some(info.meta.credit),
                keywords: Some(info.meta.keywords),
                ..Default::default()
            };
            lib.db().transaction(|tx| {
                crate::marks::store(tx, &sha, info.meta.marks, false)?;
                captions::store_edit(tx, &sha, &edit, None, lib.author())
            })?;
        }
        // After the server's fields are stored (so storing them queues nothing): the server
        // has this photo, its preview and its metadata.
        lib.db().transaction(|tx| {
            for kind in [Kind::Photo, Kind::Preview, Kind::PhotoMeta] {
                outbox::record_on_server(tx, kind, &sha)?;
            }
            Ok(())
        })?;
    }
    Ok(complete)
}
