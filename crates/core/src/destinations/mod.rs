//! Destinations besides the newsroom server: WordPress sites a story can be sent to. This file
//! owns the `destinations` table and each site's application password (OS keychain, else a
//! 0600 file, like the server token), and queues a story for a destination through the same
//! durable outbox as every publish; `send.rs` sends those items, `wordpress.rs` talks to a site
//! and remembers what it holds (`destination_posts`, `destination_media`).

pub mod send;
pub mod wordpress;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::credentials::{self, Slot, Store};
use crate::error::{CoreError, Result};
use crate::outbox::{self, Kind};
use crate::{Library, publish, stories};

/// What kind of site a destination is.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DestinationKind {
    Wordpress,
}

impl DestinationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DestinationKind::Wordpress => "wordpress",
        }
    }
}

/// One row of `byline destination list --json` (the contract's fields first).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Destination {
    pub name: String,
    pub kind: DestinationKind,
    pub url: String,
    pub user: String,
    /// Where the application password is kept (`None`: none stored, add the site again).
    pub password_store: Option<Store>,
}

/// A destination as the sender needs it.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub name: String,
    pub url: String,
    pub user: String,
    pub api_root: Option<String>,
}

/// The `--json` shape of `byline publish ID --to NAME` (the contract's fields first).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DestinationReport {
    pub destination: String,
    pub post_id: u64,
    pub url: String,
    /// Photos uploaded by this publish (0 when the site had every photo).
    pub uploaded_media: usize,
    /// Photos the site already had (remembered, or left there by an earlier call whose reply
    /// was lost).
    pub skipped_media: usize,
    /// Photo ids by outcome over every attempt of one call, so a retried attempt counts no
    /// photo twice.
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub(crate) photos: PhotoOutcomes,
}

/// Which photos one publish call uploaded (or tried to) and which the site already had.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PhotoOutcomes {
    tried: std::collections::BTreeSet<String>,
    uploaded: std::collections::BTreeSet<String>,
    present: std::collections::BTreeSet<String>,
}

impl DestinationReport {
    /// An upload of `photo` is about to go (its reply may be lost).
    pub(crate) fn trying(&mut self, photo: &str) {
        self.photos.tried.insert(photo.to_owned());
    }

    /// `photo` went up in this call.
    pub(crate) fn uploaded(&mut self, photo: &str) {
        self.photos.uploaded.insert(photo.to_owned());
        self.count();
    }

    /// The site has `photo`: from before this call, or from an attempt of this call whose reply
    /// was lost (then it counts as uploaded).
    pub(crate) fn present(&mut self, photo: &str) {
        if self.photos.tried.contains(photo) {
            self.photos.uploaded.insert(photo.to_owned());
        } else {
            self.photos.present.insert(photo.to_owned());
        }
        self.count();
    }

    fn count(&mut self) {
        let p = &self.photos;
        self.uploaded_media = p.uploaded.len();
        self.skipped_media = p.present.difference(&p.uploaded).count();
    }
}

/// A destination name: what the CLI and Settings call it. Letters, digits, `-`, `_`, `.`
/// (it also names the password's fallback file).
fn check_name(name: &str) -> Result<&str> {
    let name = name.trim();
    let ok = !name.is_empty()
        && name.chars().count() <= 64
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !ok {
        return Err(CoreError::Invalid(format!(
            "destination name `{name}`: use 1–64 letters, digits, `-`, `_` or `.` (e.g. `web` or `bao-nghe-an`)"
        )));
    }
    Ok(name)
}

fn slot<'a>(account: &'a str, file: &'a str) -> Slot<'a> {
    Slot { account, file }
}

fn account(name: &str) -> String {
    format!("wordpress:{name}")
}

fn secret_file(name: &str) -> String {
    format!("wordpress-{name}.secret")
}

/// Adds a WordPress site (or replaces the one of that name: new address, user or password).
/// Items parked for it go back to the queue, since what parked them may be what changed.
pub fn add(
    lib: &Library,
    name: &str,
    url: &str,
    user: &str,
    password: &str,
) -> Result<Destination> {
    let name = check_name(name)?;
    let url = byline_wordpress::check_url(url)
        .map_err(|e| CoreError::Invalid(format!("--wordpress: {e}")))?
        .as_str()
        .trim_end_matches('/')
        .to_owned();
    let user = user.trim();
    if user.is_empty() {
        return Err(CoreError::Invalid(
            "the WordPress user is empty: give the login name whose application password this is (--user)".into(),
        ));
    }
    if password.trim().is_empty() {
        return Err(CoreError::Invalid(
            "the application password is empty: create one in WordPress under Users → Profile → Application Passwords (--app-password)".into(),
        ));
    }
    let (acc, file) = (account(name), secret_file(name));
    let store = credentials::save_secret(lib.root(), slot(&acc, &file), password)?;
    let now = chrono::Local::now().fixed_offset().to_rfc3339();
    lib.db().write(|c| {
        c.execute(
            "INSERT INTO destinations(name, kind, url, user, api_root, created_at)
             VALUES (?1, 'wordpress', ?2, ?3, NULL, ?4)
             ON CONFLICT(name) DO UPDATE SET url = ?2, user = ?3, api_root = NULL",
            params![name, url, user, now],
        )?;
        c.execute(
            "UPDATE outbox SET state = 'queued', next_attempt_at = NULL
             WHERE destination = ?1 AND state = 'needs_attention'",
            [name],
        )?;
        Ok(())
    })?;
    lib.events().destinations_changed();
    Ok(Destination {
        name: name.to_owned(),
        kind: DestinationKind::Wordpress,
        url,
        user: user.to_owned(),
        password_store: Some(store),
    })
}

/// Every destination, by name.
pub fn list(lib: &Library) -> Result<Vec<Destination>> {
    let rows = lib.db().read(all)?;
    rows.into_iter()
        .map(|r| {
            let (acc, file) = (account(&r.name), secret_file(&r.name));
            let store = credentials::load_secret(lib.root(), slot(&acc, &file))?.map(|(_, s)| s);
            Ok(Destination {
                name: r.name,
                kind: DestinationKind::Wordpress,
                url: r.url,
                user: r.user,
                password_store: store,
            })
        })
        .collect()
}

fn all(c: &Connection) -> Result<Vec<Row>> {
    let mut stmt = c.prepare("SELECT name, url, user, api_root FROM destinations ORDER BY name")?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Row {
                name: r.get(0)?,
                url: r.get(1)?,
                user: r.get(2)?,
                api_root: r.get(3)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub(crate) fn get(c: &Connection, name: &str) -> Result<Row> {
    c.query_row(
        "SELECT name, url, user, api_root FROM destinations WHERE name = ?1",
        [name],
        |r| {
            Ok(Row {
                name: r.get(0)?,
                url: r.get(1)?,
                user: r.get(2)?,
                api_root: r.get(3)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| not_found(name))
}

fn not_found(name: &str) -> CoreError {
    CoreError::NotFound {
        what: "destination",
        id: name.to_owned(),
        hint: " (run `byline destination list`, or add it with `byline destination add NAME --wordpress URL --user USER --app-password PASSWORD`)",
    }
}

/// The application password of a destination.
pub(crate) fn password(lib: &Library, name: &str) -> Result<String> {
    let (acc, file) = (account(name), secret_file(name));
    credentials::load_secret(lib.root(), slot(&acc, &file))?
        .map(|(p, _)| p)
        .ok_or_else(|| {
            CoreError::Invalid(format!(
                "no application password stored for destination {name}: add it again in Settings \
                 (CLI: `byline destination add {name} --wordpress URL --user USER --app-password PASSWORD`)"
            ))
        })
}

/// Removes a destination, its password and what is still queued for it. What the site holds
/// stays there.
pub fn remove(lib: &Library, name: &str) -> Result<()> {
    let name = name.trim();
    let n = lib.db().write(|c| {
        c.execute(
            "DELETE FROM outbox WHERE destination = ?1 AND state != 'done'",
            [name],
        )?;
        Ok(c.execute("DELETE FROM destinations WHERE name = ?1", [name])?)
    })?;
    if n == 0 {
        return Err(not_found(name));
    }
    let (acc, file) = (account(name), secret_file(name));
    credentials::delete_secret(lib.root(), slot(&acc, &file))?;
    lib.events().destinations_changed();
    Ok(())
}

/// The slug a story's post gets on a site: readable, and unique to the story (its id's last
/// twelve hex digits), fixed before the first attempt to create it.
fn post_slug(article: &byline_protocol::Article) -> String {
    let base = if article.slug.is_empty() {
        byline_text::slug(&article.title)
    } else {
        article.slug.clone()
    };
    let mut base: String = base.chars().take(80).collect();
    while base.ends_with('-') {
        base.pop();
    }
    let id: String = article
        .id
        .chars()
        .filter(char::is_ascii_hexdigit)
        .collect::<String>()
        .to_lowercase();
    let tail = &id[id.len().saturating_sub(12)..];
    if base.is_empty() {
        format!("byline-{tail}")
    } else {
        format!("{base}-{tail}")
    }
}

/// Checks the copy desk, then queues the story for `destination` (with the slug its post will
/// have, chosen once) and wakes the engine. Returns at once with the story's id.
pub fn enqueue(lib: &Library, id: &str, destination: &str) -> Result<String> {
    let id = stories::resolve_id(lib, id)?;
    publish::check_publishable(lib, &id)?;
    let article = lib.article(&id)?;
    let slug = post_slug(&article);
    lib.db().transaction(|tx| {
        get(tx, destination)?;
        tx.execute(
            "INSERT OR IGNORE INTO destination_posts(destination, article_id, slug)
             VALUES (?1, ?2, ?3)",
            params![destination, id, slug],
        )?;
        outbox::enqueue_to(tx, Kind::Wordpress, &id, destination)?;
        Ok(())
    })?;
    lib.events().destinations_changed();
    Ok(id)
}

/// Queues a story for several destinations (the Publish panel's choice); checks the desk once.
pub fn enqueue_all(lib: &Library, id: &str, names: &[String]) -> Result<String> {
    if names.is_empty() {
        return Err(CoreError::Invalid(
            "no destination chosen: tick at least one site (add sites in Settings)".into(),
        ));
    }
    let mut story = id.to_owned();
    for n in names {
        story = enqueue(lib, &story, n)?;
    }
    Ok(story)
}
