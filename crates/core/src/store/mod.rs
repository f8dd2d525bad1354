//! The SQLite store: one database file per library, opened with the settings that make every
//! acknowledged save survive a crash or power loss (WAL + `synchronous=FULL`).

pub mod db;
pub mod migrate;

pub use db::Db;

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;

use crate::error::{CoreError, Result};

/// Opens (creating if needed) and migrates the database at `path`.
pub fn open(path: &Path) -> Result<Connection> {
    let mut conn = open_unmigrated(path)?;
    migrate::migrate(&mut conn)?;
    Ok(conn)
}

/// Opens with pragmas and SQL functions but applies no migration (for migration tests).
pub fn open_unmigrated(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    // WAL lets the UI read while a save commits; FULL fsyncs the WAL on every commit, which is
    // what makes "the save returned" mean "the save survives power loss".
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(CoreError::Corrupt(format!(
            "{}: could not switch to WAL journal (got {mode}); is the folder on a network drive?",
            path.display()
        )));
    }
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;",
    )?;
    register_functions(&conn)?;
    Ok(conn)
}

/// SQL functions migrations and queries rely on: folding must be the Rust one (see byline-text).
pub(crate) fn register_functions(conn: &Connection) -> Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("byline_fold", 1, flags, |ctx| {
        let s: Option<String> = ctx.get(0)?;
        Ok(s.map(|s| byline_text::fold(&byline_text::nfc(&s))))
    })?;
    conn.create_scalar_function("byline_body", 1, flags, |ctx| {
        let json: String = ctx.get(0)?;
        let article: byline_protocol::Article = serde_json::from_str(&json)
            .map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e)))?;
        Ok(article.body_text())
    })?;
    Ok(())
}

/// `PRAGMA integrity_check`: `Ok(())` when SQLite finds nothing wrong.
pub fn integrity_check(conn: &Connection) -> Result<()> {
    let res: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if res == "ok" {
        Ok(())
    } else {
        Err(CoreError::Corrupt(res))
    }
}
