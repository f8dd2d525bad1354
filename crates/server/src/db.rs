//! SQLite: opening with durable settings, embedded timestamped migrations, users and tokens.

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::error::{Result, ServerError};

/// Migrations in order, embedded in the binary. Never edit one that shipped: add a new file.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "20261120090000_init",
        include_str!("../migrations/20261120090000_init.sql"),
    ),
    (
        "20261122150000_photos",
        include_str!("../migrations/20261122150000_photos.sql"),
    ),
    (
        "20261124070000_public_copies",
        include_str!("../migrations/20261124070000_public_copies.sql"),
    ),
    (
        "20261206010000_change_feed",
        include_str!("../migrations/20261206010000_change_feed.sql"),
    ),
    (
        "20261206010100_photo_previews",
        include_str!("../migrations/20261206010100_photo_previews.sql"),
    ),
    (
        "20261207150000_editorial",
        include_str!("../migrations/20261207150000_editorial.sql"),
    ),
    (
        "20261213090000_s3_uploads",
        include_str!("../migrations/20261213090000_s3_uploads.sql"),
    ),
];

/// Opens (creating if needed) the database and brings its schema up to date.
pub fn open(path: &std::path::Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    // WAL lets readers proceed during a write; FULL makes a committed publish survive power loss.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    migrate(&conn, MIGRATIONS)?;
    Ok(conn)
}

/// Opens a read-only connection to the database `open` created and migrated.
pub fn open_reader(path: &std::path::Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    // A guard, not a permission: a write through a reader would bypass the writer's mutex.
    conn.pragma_update(None, "query_only", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// Applies every migration of `list` not yet recorded in `schema_migrations`, each in its own
/// transaction together with its record, so a crash never leaves a half-applied step.
pub fn migrate(conn: &Connection, list: &[(&str, &str)]) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)",
    )?;
    for (version, sql) in list {
        let done: Option<String> = conn
            .query_row(
                "SELECT version FROM schema_migrations WHERE version = ?1",
                [version],
                |r| r.get(0),
            )
            .optional()?;
        if done.is_some() {
            continue;
        }
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let step = conn.execute_batch(sql).and_then(|()| {
            conn.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                params![version, now_rfc3339()],
            )
        });
        match step {
            Ok(_) => conn.execute_batch("COMMIT")?,
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e.into());
            }
        }
        tracing::info!(version, "applied migration");
    }
    Ok(())
}

pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339()
}

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Reporter,
    Photographer,
    /// Edits submitted copy and marks it edited; may not publish.
    Subeditor,
    Editor,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "reporter" => Some(Role::Reporter),
            "photographer" => Some(Role::Photographer),
            "subeditor" => Some(Role::Subeditor),
            "editor" => Some(Role::Editor),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reporter => "reporter",
            Role::Photographer => "photographer",
            Role::Subeditor => "subeditor",
            Role::Editor => "editor",
        }
    }
}

#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
    pub role: Role,
    /// Hash of the presented token: the rate limiter's key.
    pub token_hash: String,
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a user and returns its fresh bearer token (shown once; only its hash is stored).
pub fn add_user(conn: &Connection, name: &str, role: Role) -> Result<String> {
    if name.trim().is_empty() || name.len() > 100 {
        return Err(ServerError::bad("user name must be 1-100 characters"));
    }
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).map_err(|e| ServerError::Io(std::io::Error::other(e.to_string())))?;
    let token = format!("byl_{}", hex::encode(raw));
    conn.execute(
        "INSERT INTO users (name, role, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![name, role.as_str(), hash_token(&token), now_rfc3339()],
    )
    .map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            ServerError::new(
                byline_protocol::ErrorCode::Conflict,
                format!("user {name} exists"),
            )
        }
        e => e.into(),
    })?;
    Ok(token)
}

pub fn user_by_token(conn: &Connection, token: &str) -> Result<Option<User>> {
    let h = hash_token(token);
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT name, role FROM users WHERE token_hash = ?1",
            [&h],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(row.and_then(|(name, role)| {
        Some(User {
            name,
            role: Role::parse(&role)?,
            token_hash: h,
        })
    }))
}
