//! Pulling what others changed: each story the server sends is adopted (when untouched here),
//! created (when new), or deferred (edited here since the last sync: the queued push is merged
//! by the server, block by block). Photos a pulled story shows are fetched when missing.

use byline_protocol::Article;
use byline_protocol::sync::ArticleEnvelope;
use byline_sync::Client;
use rusqlite::{OptionalExtension, params};

use crate::error::Result;
use crate::photodesk::FieldEdit;
use crate::{Library, captions, drafts, photo_import};

use super::{photo_ids, record_remote, sync_err};

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

/// Pulls every story changed on the server since the stored cursor; returns (pulled, deferred).
pub async fn pull(lib: &Library, client: &Client, url: &str) -> Result<(Vec<String>, Vec<String>)> {
    let key = format!("pull_cursor {url}");
    let mut cursor = load_cursor(lib, &key)?;
    let (mut pulled, mut deferred) = (Vec::new(), Vec::new());
    loop {
        let page = client
            .changes_since(cursor)
            .await
            .map_err(|e| sync_err(&e))?;
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
    // A story pulled before its originals reached the server (the publish order sends text,
    // previews and the publish request first) is remembered until its photos are all here:
    // the photos' arrival does not change the story, so no later pull would bring it again.
    let wanted_key = format!("photos_wanted {url}");
    let mut wanted = load_ids(lib, &wanted_key)?;
    for id in &pulled {
        if !wanted.contains(id) {
            wanted.push(id.clone());
        }
    }
    let mut still = Vec::new();
    for id in wanted {
        if !fetch_missing_photos(lib, client, &id).await? {
            still.push(id);
        }
    }
    save_ids(lib, &wanted_key, &still)?;
    Ok((pulled, deferred))
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
/// metadata) and applies the server's caption and credits. Returns whether the library now has
/// all of them (a story gone from the library wants none).
pub async fn fetch_missing_photos(
    lib: &Library,
    client: &Client,
    article_id: &str,
) -> Result<bool> {
    let Ok(article) = lib.article(article_id) else {
        return Ok(true);
    };
    let mut complete = true;
    let dir = lib.root().join("photos").join("tmp");
    std::fs::create_dir_all(&dir).map_err(|e| crate::CoreError::io(&dir, e))?;
    for sha in photo_ids(&article) {
        if lib.photo(&sha).is_ok() {
            continue;
        }
        let dest = dir.join(format!("{sha}.download"));
        // A photo the server cannot give (yet) is not fatal: the figure keeps its caption and
        // the next sync tries again.
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
            lib.db()
                .transaction(|tx| captions::store_edit(tx, &sha, &edit, None, lib.author()))?;
        }
    }
    Ok(complete)
}
