//! Editorial control from the laptop: a reporter handing a story in, an editor assigning or
//! taking one down, the server's published versions and working copy, and comparing any two
//! versions of a story word by word (`byline_protocol::diff`). The server decides who may do
//! what; this module only asks and records the answer.

use byline_protocol::diff::{ArticleDiff, diff_articles};
use byline_protocol::sync::{Me, VersionList};
use byline_protocol::{Article, Person, Status};
use serde::Serialize;

use crate::error::{CoreError, Result};
use crate::sync::{self, Remote};
use crate::{Library, drafts, stories};

/// One side of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rev {
    /// A local revision (`byline article revisions`).
    Local(u64),
    /// The server's working copy (what the desk sees).
    Server,
    /// A published version; `None` is the last one (what the page serves).
    Published(Option<u64>),
}

impl Rev {
    /// `3` (local revision), `current` (the local current revision), `server`, `published`
    /// (the last published version) or `v2` / `published:2` (published version 2).
    pub fn parse(s: &str, current: u64) -> Result<Rev> {
        let t = s.trim().to_ascii_lowercase();
        let version = t.strip_prefix("published:").or_else(|| t.strip_prefix('v'));
        match t.as_str() {
            "current" | "local" => Ok(Rev::Local(current)),
            "server" | "working" => Ok(Rev::Server),
            "published" | "live" => Ok(Rev::Published(None)),
            _ => {
                if let Some(n) = version.and_then(|v| v.parse().ok()) {
                    return Ok(Rev::Published(Some(n)));
                }
                t.parse().map(Rev::Local).map_err(|_| {
                    CoreError::Invalid(format!(
                        "`{s}` is not a version: give a local revision number (see `byline \
                         article revisions ID`), `current`, `server` (the server's working copy), \
                         `published` (what the page shows) or `v2` (published version 2)"
                    ))
                })
            }
        }
    }

    fn needs_server(self) -> bool {
        !matches!(self, Rev::Local(_))
    }
}

/// A reporter hands the story in: status `submitted`, saved as a new revision, and the story
/// with its photos queued for the server (whether or not it was ever sent), so the desk sees
/// it. Nothing is published.
pub fn submit(lib: &Library, id: &str) -> Result<Article> {
    save_and_send(lib, id, |a| a.status = Status::Submitted)
}

/// An editor gives the story to people (`{name, role}`): saved as a new revision that goes to
/// the server like any edit (a story never sent is queued too), and from there to their apps.
pub fn assign(lib: &Library, id: &str, people: Vec<Person>) -> Result<Article> {
    save_and_send(lib, id, |a| a.assigned = people)
}

/// Applies `change` to the current story, saves it as a new revision and queues it (and its
/// photos) for the server in the same transaction.
fn save_and_send(lib: &Library, id: &str, change: impl FnOnce(&mut Article)) -> Result<Article> {
    let id = stories::resolve_id(lib, id)?;
    let mut a = lib.article(&id)?;
    change(&mut a);
    lib.db().transaction(|tx| {
        drafts::save_in(tx, &mut a, lib.author(), false)?;
        sync::enqueue_submit(tx, &a)
    })?;
    lib.events().outbox_changed();
    Ok(a)
}

/// What `byline unpublish --json` prints.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct UnpublishReport {
    pub article_id: String,
    pub server_revision: u64,
    /// Published versions kept on the server.
    pub versions: u64,
    pub withdrawn: bool,
}

/// Takes a story down now (editors only; the server refuses others with `editor_required`):
/// the page answers 410 Gone, the versions stay. The server's withdrawn copy is adopted here.
pub fn unpublish(
    lib: &Library,
    id: &str,
    remote: &Remote,
    reason: Option<&str>,
) -> Result<UnpublishReport> {
    let id = stories::resolve_id(lib, id)?;
    let client = sync::client(remote)?;
    let env = sync::runtime()?
        .block_on(client.unpublish(&id, reason))
        .map_err(|e| sync::sync_err(&e))?;
    let live = env.live.clone();
    sync::pull::apply(lib, &env)?;
    lib.db()
        .write(|c| sync::record_live(c, &id, live.as_ref()))?;
    Ok(UnpublishReport {
        article_id: id,
        server_revision: env.server_revision,
        versions: live.as_ref().map_or(0, |l| l.version),
        withdrawn: live.is_some_and(|l| l.withdrawn),
    })
}

/// Every published version of a story on the server, oldest first (editors and sub-editors).
pub fn versions(lib: &Library, id: &str, remote: &Remote) -> Result<VersionList> {
    let id = stories::resolve_id(lib, id)?;
    let client = sync::client(remote)?;
    sync::runtime()?
        .block_on(client.versions(&id))
        .map_err(|e| sync::sync_err(&e))
}

/// Who the token is on the server (name and role), for "assigned to me".
pub fn me(remote: &Remote) -> Result<Me> {
    let client = sync::client(remote)?;
    sync::runtime()?
        .block_on(client.me())
        .map_err(|e| sync::sync_err(&e))
}

/// Who this library's stored token is on its server, for "assigned to me" and "waiting for me":
/// asked of the server and remembered, so the answer holds offline. `None` without a server.
pub fn me_from_settings(lib: &Library) -> Result<Option<Me>> {
    let Ok(remote) = lib.remote() else {
        return Ok(None);
    };
    let key = format!("me:{}", remote.url);
    match me(&remote) {
        Ok(who) => {
            let json = serde_json::to_string(&who).expect("me serialises");
            lib.db().write(|c| {
                c.execute(
                    "INSERT INTO sync_state(key, value) VALUES (?1, ?2)
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    rusqlite::params![key, json],
                )?;
                Ok(())
            })?;
            Ok(Some(who))
        }
        Err(e) => {
            let cached: Option<String> = lib.db().read(|c| {
                use rusqlite::OptionalExtension;
                Ok(
                    c.query_row("SELECT value FROM sync_state WHERE key = ?1", [&key], |r| {
                        r.get(0)
                    })
                    .optional()?,
                )
            })?;
            match cached.and_then(|j| serde_json::from_str(&j).ok()) {
                Some(who) => Ok(Some(who)),
                None => Err(e),
            }
        }
    }
}

/// One version of a story: local from the library, the others from the server.
pub fn load(lib: &Library, id: &str, rev: Rev, remote: Option<&Remote>) -> Result<Article> {
    let id = stories::resolve_id(lib, id)?;
    let Rev::Local(n) = rev else {
        let remote = remote.ok_or_else(|| {
            CoreError::Invalid(
                "comparing with the server's copy needs a server: pass --server URL and --token \
                 TOKEN (or set them in Settings)"
                    .into(),
            )
        })?;
        let client = sync::client(remote)?;
        let rt = sync::runtime()?;
        let got = match rev {
            Rev::Server => rt.block_on(client.get_article(&id)).map(|e| e.article),
            Rev::Published(Some(v)) => rt.block_on(client.version(&id, v)),
            _ => rt.block_on(async {
                let list = client.versions(&id).await?;
                let last = list.versions.last().map_or(0, |v| v.version);
                client.version(&id, last).await
            }),
        };
        return got.map_err(|e| sync::sync_err(&e));
    };
    lib.article_revision(&id, n)
}

/// The word-level differences from `a` to `b`.
pub fn diff(
    lib: &Library,
    id: &str,
    a: Rev,
    b: Rev,
    remote: Option<&Remote>,
) -> Result<ArticleDiff> {
    let remote = if a.needs_server() || b.needs_server() {
        remote
    } else {
        None
    };
    let old = load(lib, id, a, remote)?;
    let new = load(lib, id, b, remote)?;
    Ok(diff_articles(&old, &new))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_named_by_number_or_by_where_they_live() {
        assert_eq!(Rev::parse("3", 9).unwrap(), Rev::Local(3));
        assert_eq!(Rev::parse("current", 9).unwrap(), Rev::Local(9));
        assert_eq!(Rev::parse("server", 9).unwrap(), Rev::Server);
        assert_eq!(Rev::parse("published", 9).unwrap(), Rev::Published(None));
        assert_eq!(Rev::parse("v2", 9).unwrap(), Rev::Published(Some(2)));
        let e = Rev::parse("yesterday", 9).unwrap_err().to_string();
        assert!(
            e.contains("byline article revisions"),
            "the error says what to give: {e}"
        );
    }
}
