//! The library's connections: one writer and a pool of read-only WAL readers, shared by every
//! clone of the [`crate::Library`] handle and every thread (the UI's commands, the photo import,
//! the sync engine).
//!
//! SQLite allows one writer at a time anyway; keeping a single writing connection makes that
//! explicit and lets callers hold it only for one short `IMMEDIATE` transaction, never across
//! network I/O, photo decoding or user think time. Readers see the last committed state (WAL
//! snapshots) and never wait for the writer, so listing stories stays fast while a publish, an
//! import and autosave all run.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags};

use super::checkpoint;
use crate::error::Result;

/// How many idle read connections are kept (more are opened on demand and closed after use).
const IDLE_READERS: usize = 4;

/// One writer, pooled readers. `Send + Sync`: share it behind an `Arc`.
pub struct Db {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    /// The disk was full at open: the "writer" is a read-only connection holding the file in
    /// exclusive mode (see `store::open`), so reads go through it too, and each write first
    /// tries to open the library normally again (space may have been freed).
    degraded: AtomicBool,
    /// Checkpoints run by the `byline-checkpoint` thread (see [`super::checkpoint`]).
    checkpoints: checkpoint::Count,
    /// That thread (one per writer opened), joined when the library closes.
    checkpointers: Mutex<Vec<JoinHandle<()>>>,
}

impl Db {
    /// Opens (creating and migrating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<Db> {
        let mut writer = super::open(path)?;
        let checkpoints = checkpoint::Count::default();
        let degraded = read_only(&writer);
        let mut checkpointers = Vec::new();
        if !degraded {
            checkpointers.extend(take_over_checkpoints(path, &mut writer, &checkpoints));
        }
        Ok(Db {
            path: path.to_path_buf(),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            degraded: AtomicBool::new(degraded),
            checkpoints,
            checkpointers: Mutex::new(checkpointers),
        })
    }

    /// How many WAL checkpoints the background thread has run since the library opened.
    pub fn background_checkpoints(&self) -> u64 {
        self.checkpoints.get()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on a read-only connection inside one read transaction, so every query in `f`
    /// sees the same snapshot.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        if self.degraded.load(Ordering::SeqCst) {
            return f(&self.writer());
        }
        let conn = self.checkout()?;
        let out = (|| {
            conn.execute_batch("BEGIN DEFERRED")?;
            let out = f(&conn);
            // A read transaction has nothing to keep; ending it lets the WAL be checkpointed.
            conn.execute_batch("COMMIT")?;
            out
        })();
        if conn.is_autocommit() {
            self.checkin(conn);
        }
        out
    }

    /// Runs `f` with the one writing connection. `f` opens its own (short) transaction; nothing
    /// else writes meanwhile.
    pub fn write<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.writer();
        if self.degraded.load(Ordering::SeqCst) {
            self.recover(&mut conn);
        }
        f(&mut conn)
    }

    /// After a full disk: closes the read-only connection (it holds the file exclusively) and
    /// opens the library normally if space is back; else read-only again.
    fn recover(&self, conn: &mut Connection) {
        let Ok(placeholder) = Connection::open_in_memory() else {
            return;
        };
        drop(std::mem::replace(conn, placeholder));
        // When it cannot even open read-only now, the next write tries again.
        if let Ok(fresh) = super::open(&self.path) {
            let still = read_only(&fresh);
            *conn = fresh;
            if !still {
                let thread = take_over_checkpoints(&self.path, conn, &self.checkpoints);
                self.checkpointers
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .extend(thread);
            }
            self.degraded.store(still, Ordering::SeqCst);
        }
    }

    /// Runs `f` inside one `IMMEDIATE` transaction on the writer: everything `f` writes commits
    /// together or not at all. A full disk comes back as [`crate::CoreError::DiskFull`].
    pub fn transaction<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        self.write(|conn| {
            let out = (|| {
                let tx =
                    conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let out = f(&tx)?;
                tx.commit()?;
                Ok(out)
            })();
            out.map_err(|e| super::disk::explain(conn, e))
        })
    }

    /// A watcher that tells when anything committed to the database since it last looked,
    /// from this process or another (the CLI queueing while `sync --watch` runs, the app and
    /// the CLI on one library).
    pub fn watcher(&self) -> Result<Watcher> {
        let conn = open_reader(&self.path)?;
        let last = data_version(&conn)?;
        Ok(Watcher { conn, last })
    }

    fn writer(&self) -> MutexGuard<'_, Connection> {
        // A panic while writing rolled its transaction back (rusqlite drops it), so the
        // connection itself is still sound.
        self.writer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn checkout(&self) -> Result<Connection> {
        let idle = self
            .readers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        match idle {
            Some(c) => Ok(c),
            None => open_reader(&self.path),
        }
    }

    fn checkin(&self, conn: Connection) {
        let mut idle = self.readers.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
    }
}

impl Drop for Db {
    /// Ends the checkpoint thread (removing the writer's hook drops the thread's only wake-up)
    /// and waits for it to close its connection: once a library is dropped, none of its files
    /// is open any more.
    fn drop(&mut self) {
        let writer = self
            .writer
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        if writer.wal_hook(None::<checkpoint::Hook>).is_err() {
            return; // the thread stays parked; it ends with the process
        }
        let threads = self
            .checkpointers
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        for thread in threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// See [`Db::watcher`]. SQLite's `data_version` changes on a connection whenever another
/// connection committed, which costs one pragma per look instead of a query over the outbox.
pub struct Watcher {
    conn: Connection,
    last: i64,
}

impl Watcher {
    /// Whether anything was committed since the last call.
    pub fn changed(&mut self) -> bool {
        match data_version(&self.conn) {
            Ok(v) if v != self.last => {
                self.last = v;
                true
            }
            _ => false,
        }
    }
}

fn data_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
}

fn read_only(conn: &Connection) -> bool {
    conn.query_row("PRAGMA query_only", [], |r| r.get::<_, bool>(0))
        .unwrap_or(false)
}

/// Deliberately not fatal: without the thread SQLite checkpoints inside commits, as it does by
/// default, which is slower for the one save that pays but loses nothing.
fn take_over_checkpoints(
    path: &Path,
    writer: &mut Connection,
    count: &checkpoint::Count,
) -> Option<JoinHandle<()>> {
    checkpoint::take_over(path, writer, count).ok()
}

/// A read-only connection with the library's SQL functions (search folds text with them).
fn open_reader(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.execute_batch("PRAGMA query_only = ON; PRAGMA temp_store = MEMORY;")?;
    super::register_functions(&conn)?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_sees_what_the_writer_committed_and_never_writes() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.db")).unwrap();
        db.transaction(|c| {
            c.execute("INSERT INTO sync_state(key, value) VALUES ('k', 'v')", [])?;
            Ok(())
        })
        .unwrap();
        let v: String = db
            .read(|c| {
                Ok(
                    c.query_row("SELECT value FROM sync_state WHERE key = 'k'", [], |r| {
                        r.get(0)
                    })?,
                )
            })
            .unwrap();
        assert_eq!(v, "v", "a committed write is visible to a new read");
        let refused = db.read(|c| Ok(c.execute("DELETE FROM sync_state", [])?));
        assert!(refused.is_err(), "read connections are read-only");
    }

    #[test]
    fn a_watcher_sees_commits_from_another_connection() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let db = Db::open(&path).unwrap();
        let mut w = db.watcher().unwrap();
        assert!(!w.changed(), "nothing committed yet");
        let other = Db::open(&path).unwrap();
        other
            .transaction(|c| Ok(c.execute("INSERT INTO sync_state VALUES ('x', '1')", [])?))
            .unwrap();
        assert!(w.changed(), "another process's commit is seen");
        assert!(!w.changed(), "and only once");
    }

    #[test]
    fn a_failed_transaction_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.db")).unwrap();
        let out: Result<()> = db.transaction(|c| {
            c.execute("INSERT INTO sync_state(key, value) VALUES ('a', '1')", [])?;
            Err(crate::CoreError::Invalid("stop".into()))
        });
        assert!(out.is_err());
        let n: i64 = db
            .read(|c| Ok(c.query_row("SELECT COUNT(*) FROM sync_state", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(n, 0, "the first insert rolled back with the failure");
    }
}
