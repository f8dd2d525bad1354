//! The SQLite store: one database file per library, opened with the settings that make every
//! acknowledged save survive a crash or power loss (WAL + `synchronous=FULL`).
//!
//! On a full disk a library still opens for reading: see [`open`].

pub mod checkpoint;
pub mod db;
pub mod disk;
pub mod migrate;

pub use db::Db;

use std::path::Path;
use std::time::Duration;

use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OpenFlags};

use crate::error::{CoreError, Result};

/// How long opening a library may spend indexing saves that no indexer picked up (a CLI process
/// that saved and exited). Search is right without it; this only brings ranking up to date.
const CATCH_UP: Duration = Duration::from_millis(250);

/// Opens (creating if needed) and migrates the database at `path`, then indexes pending saves
/// for at most [`CATCH_UP`].
///
/// When that fails because the disk is full, an existing, fully migrated library opens
/// read-only instead (reading, listing, searching and exporting keep working; writes fail as
/// [`CoreError::DiskFull`]); otherwise the error is [`CoreError::DiskFull`].
pub fn open(path: &Path) -> Result<Connection> {
    let err = match open_writable(path) {
        Ok(conn) => return Ok(conn),
        Err(e) => e.on_disk_of(path),
    };
    if !matches!(err, CoreError::DiskFull { .. }) || !path.exists() {
        return Err(err);
    }
    open_read_only(path).map_err(|_| err)
}

fn open_writable(path: &Path) -> Result<Connection> {
    let mut conn = open_unmigrated(path)?;
    migrate::migrate(&mut conn)?;
    // Deliberately not fatal (a full disk, a busy writer): search reads pending saves directly,
    // and the next indexer run or open tries again. Opening must not fail over an index.
    let _ = crate::search::catch_up(&mut conn, CATCH_UP);
    Ok(conn)
}

/// Opens an existing library for reading only, without writing a byte: a full disk cannot
/// grow the `-shm` wal-index a normal WAL connection needs (`SQLITE_IOERR_SHMSIZE`).
///
/// First a plain read-only connection, which works while another process keeps the `-shm`
/// file mapped; else a connection in exclusive locking mode, whose wal-index lives in heap
/// memory (it reads saves still in the `-wal` file, which `immutable=1` would ignore) and which
/// holds the file lock until it closes. Either way `query_only` refuses writes, and a library
/// that still needs a migration is refused: upgrading needs space.
fn open_read_only(path: &Path) -> Result<Connection> {
    let shared = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let exclusive = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn =
        read_only_with(path, shared, false).or_else(|_| read_only_with(path, exclusive, true))?;
    let applied = migrate::applied(&conn)?;
    let complete = migrate::MIGRATIONS
        .iter()
        .all(|(name, _)| applied.iter().any(|a| a == name));
    if !complete {
        return Err(CoreError::disk_full_at(path));
    }
    Ok(conn)
}

fn read_only_with(path: &Path, flags: OpenFlags, exclusive: bool) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    if exclusive {
        // Before the first read: only then does SQLite keep the wal-index in memory.
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
    }
    conn.execute_batch("PRAGMA query_only = ON; PRAGMA temp_store = MEMORY;")?;
    read_pragmas(&conn)?;
    register_functions(&conn)?;
    // The probe: the first read is what maps (or fails to map) the wal-index.
    conn.query_row("SELECT count(*) FROM schema_migrations", [], |r| {
        r.get::<_, i64>(0)
    })?;
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
    read_pragmas(&conn)?;
    register_functions(&conn)?;
    Ok(conn)
}

/// Reads straight from the OS page cache: with the default 2 MB page cache per connection, a
/// search over 10,000 stories re-read the same FTS pages through `pread` on every query (a
/// third of its time in the kernel copying pages). A map is shared by every connection of the
/// process and costs address space, not memory; SQLite maps at most the file's size.
fn read_pragmas(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "mmap_size", MMAP_SIZE)?;
    Ok(())
}

const MMAP_SIZE: i64 = 1 << 30;

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
