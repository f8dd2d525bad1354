//! The database: which one (`--database`), opening SQLite with durable settings, the embedded
//! timestamped migrations of each backend (applied by the shared runner, `byline-migrate`), users
//! and tokens.

use sha2::{Digest, Sha256};

use crate::args;
use crate::error::{Result, ServerError};
use crate::sql::{Backend, Conn};

/// Migrations in order, embedded in the binary. Never edit one that shipped: add a new file.
pub const MIGRATIONS: &[byline_migrate::Migration] = &[
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

/// The PostgreSQL schema, the same tables as [`MIGRATIONS`] builds on SQLite (a test compares
/// the two), in PostgreSQL's types. Never edit one that shipped: add a new file.
pub const PG_MIGRATIONS: &[byline_migrate::Migration] = &[
    (
        "20261213100000_init",
        include_str!("../migrations/postgres/20261213100000_init.sql"),
    ),
    (
        "20261213110000_s3_uploads",
        include_str!("../migrations/postgres/20261213110000_s3_uploads.sql"),
    ),
];

/// Where the server keeps its database (`--database`).
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `DIR/byline.db`, the embedded default.
    Sqlite,
    /// `postgres://…`: shared by any number of server processes.
    Postgres(String),
}

impl DatabaseUrl {
    /// Reads `--database`: omitted or `sqlite` is the embedded default.
    pub fn parse(s: &str) -> Result<DatabaseUrl> {
        let s = s.trim();
        if s.is_empty() || s == "sqlite" {
            Ok(DatabaseUrl::Sqlite)
        } else if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Ok(DatabaseUrl::Postgres(s.to_string()))
        } else {
            Err(ServerError::bad(format!(
                "--database {}: expected `sqlite` or postgres://USER[:PASS]@HOST[:PORT]/DB",
                crate::sql::redact(s)
            )))
        }
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseUrl::Sqlite => f.write_str("sqlite"),
            DatabaseUrl::Postgres(u) => f.write_str(&crate::sql::redact(u)),
        }
    }
}

/// Opens (creating if needed) the SQLite database and brings its schema up to date.
pub fn open(path: &std::path::Path) -> Result<Conn> {
    let conn = rusqlite::Connection::open(path)?;
    // WAL lets readers proceed during a write; FULL makes a committed publish survive power loss.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let mut conn = Conn::Sqlite(conn);
    migrate(&mut conn, MIGRATIONS)?;
    Ok(conn)
}

/// Opens a read-only connection to the database `open` created and migrated.
pub fn open_reader(path: &std::path::Path) -> Result<Conn> {
    let conn = rusqlite::Connection::open(path)?;
    // A guard, not a permission: a write through a reader would bypass the writer's mutex.
    conn.pragma_update(None, "query_only", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(Conn::Sqlite(conn))
}

/// The migrations of a connection's backend.
pub fn migrations_for(conn: &Conn) -> &'static [byline_migrate::Migration] {
    match conn.backend() {
        Backend::Sqlite => MIGRATIONS,
        Backend::Postgres => PG_MIGRATIONS,
    }
}

/// Applies every migration of `list` not yet recorded, through the shared runner
/// (`byline-migrate`): each in its own write transaction together with its record, inside the
/// writers' lock, so a crash never leaves a half-applied step and two servers starting at once
/// on one PostgreSQL database apply each step once (with IF NOT EXISTS alone they would still
/// race on the catalog).
pub fn migrate(conn: &mut Conn, list: &[byline_migrate::Migration]) -> Result<()> {
    for version in byline_migrate::migrate(conn, list)? {
        tracing::info!(version, "applied migration");
    }
    Ok(())
}

/// The server's database as the shared runner sees it: the record is
/// `schema_migrations(version)`.
impl byline_migrate::Database for Conn {
    type Error = ServerError;

    fn prepare(&mut self) -> Result<()> {
        let tx = self.write_tx()?;
        tx.batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)",
        )?;
        tx.commit()
    }

    fn in_write_tx<T>(
        &mut self,
        step: impl FnOnce(&mut dyn byline_migrate::Step<ServerError>) -> Result<T>,
    ) -> Result<T> {
        let mut tx = self.write_tx()?;
        let out = step(&mut tx)?;
        tx.commit()?;
        Ok(out)
    }
}

impl byline_migrate::Step<ServerError> for crate::sql::Tx<'_> {
    fn is_recorded(&mut self, version: &str) -> Result<bool> {
        Ok(self
            .query_opt(
                "SELECT version FROM schema_migrations WHERE version = ?1",
                args![version],
            )?
            .is_some())
    }

    fn run(&mut self, sql: &str) -> Result<()> {
        self.batch(sql)
    }

    fn record(&mut self, version: &str) -> Result<()> {
        self.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
            args![version, now_rfc3339()],
        )?;
        Ok(())
    }
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
pub fn add_user(conn: &Conn, name: &str, role: Role) -> Result<String> {
    if name.trim().is_empty() || name.len() > 100 {
        return Err(ServerError::bad("user name must be 1-100 characters"));
    }
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).map_err(|e| ServerError::Io(std::io::Error::other(e.to_string())))?;
    let token = format!("byl_{}", hex::encode(raw));
    conn.execute(
        "INSERT INTO users (name, role, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
        args![name, role.as_str(), hash_token(&token), now_rfc3339()],
    )
    .map_err(|e| {
        if e.is_unique_violation() {
            ServerError::new(
                byline_protocol::ErrorCode::Conflict,
                format!("user {name} exists"),
            )
        } else {
            e
        }
    })?;
    Ok(token)
}

pub fn user_by_token(conn: &Conn, token: &str) -> Result<Option<User>> {
    let h = hash_token(token);
    let row = conn.query_opt(
        "SELECT name, role FROM users WHERE token_hash = ?1",
        args![h],
    )?;
    let row: Option<(String, String)> = match row {
        Some(r) => Some((r.get(0)?, r.get(1)?)),
        None => None,
    };
    Ok(row.and_then(|(name, role)| {
        Some(User {
            name,
            role: Role::parse(&role)?,
            token_hash: h,
        })
    }))
}
