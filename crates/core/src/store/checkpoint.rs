//! WAL checkpoints, run on a thread of their own instead of inside a save.
//!
//! By default SQLite checkpoints inside whichever commit takes the WAL past 1,000 pages: that
//! commit copies about 4 MB into the database file and fsyncs it, about 2 ms here against
//! 0.15 ms for a plain autosave. A long story's autosave writes about ten pages, so about one
//! save in a hundred paid for a checkpoint: exactly the p99, and more often while an import
//! filled the WAL too.
//!
//! Here the writer's commits only count the WAL's pages (SQLite's WAL hook, which replaces the
//! automatic checkpoint) and wake the `byline-checkpoint` thread, which copies the WAL with a
//! `PASSIVE` checkpoint on its own connection: that blocks neither the writer nor a reader.
//! The WAL starts over at the first write after a checkpoint that left nothing uncopied. A
//! commit that lands during the copy is left over, so the thread copies again a moment later
//! (saves are seconds apart, so the second pass usually finds the writer quiet). While writes
//! never pause it is woken again [`AGAIN`] pages later, and should the WAL reach
//! [`WRITER_PAGES`] (back-to-back writes, or no thread), the writer checkpoints inside its
//! commit as SQLite would, which then copies only what the thread has not.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, sync_channel};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

use crate::error::Result;

/// SQLite's own threshold (`wal_autocheckpoint`'s default): how big the WAL gets before it is
/// copied into the database file.
pub const PAGES: i32 = 1000;

/// How many more pages before the thread is woken again while the WAL has not started over.
pub const AGAIN: i32 = PAGES / 4;

/// At most this many checkpoints per wake-up, [`SETTLE`] apart: the commits that land during
/// one are copied by the next, while the writer pauses.
const PASSES: usize = 5;
const SETTLE: Duration = Duration::from_millis(100);

/// Past this the writer checkpoints inside its commit.
pub const WRITER_PAGES: i32 = 4 * PAGES;

/// The type of a WAL hook, to name "no hook".
pub type Hook = fn(&mut rusqlite::hooks::Wal, std::ffi::c_int) -> rusqlite::Result<()>;

/// How many checkpoints the thread has run, for tests and diagnostics. Clones share it.
#[derive(Clone, Default)]
pub struct Count(Arc<AtomicU64>);

impl Count {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Moves checkpoints of the database at `path` off the commits of `writer`, the library's one
/// writing connection, starting the thread that runs them. The thread ends once `writer` is
/// closed (its WAL hook holds the only way to wake the thread): join it then.
pub fn take_over(path: &Path, writer: &mut Connection, count: &Count) -> Result<JoinHandle<()>> {
    let own = open(path)?;
    // One pending wake-up is enough: a checkpoint copies every frame committed before it.
    let (wake, woken) = sync_channel::<()>(1);
    let done = count.clone();
    let thread = std::thread::Builder::new()
        .name("byline-checkpoint".into())
        .spawn(move || run(&own, &woken, &done))
        .map_err(|e| crate::CoreError::io(path, e))?;
    let (mut last, mut next) = (0, PAGES);
    writer.wal_hook(Some(move |wal: &mut rusqlite::hooks::Wal, pages| {
        if pages < last {
            next = PAGES; // the WAL started over
        }
        last = pages;
        if pages >= WRITER_PAGES {
            // The commit has happened: an error here (another checkpoint running) must not
            // turn it into a failed save.
            let _ = wal.checkpoint();
        } else if pages >= next {
            // Not at every commit: a checkpoint running back to back with the writes would
            // keep the WAL from ever starting over (each one holds a lock the restart needs).
            let _ = wake.try_send(());
            next = pages + AGAIN;
        }
        Ok(())
    }))?;
    Ok(thread)
}

fn open(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    // FULL, as the writer: the checkpoint fsyncs the WAL before copying and the database after,
    // so the WAL is never overwritten while the copy could still be lost.
    conn.execute_batch("PRAGMA synchronous = FULL;")?;
    Ok(conn)
}

fn run(conn: &Connection, woken: &Receiver<()>, done: &Count) {
    while woken.recv().is_ok() {
        // Until a pass finds nothing committed since the one before: then every frame is
        // copied and the next write starts the WAL over.
        let mut before = None;
        for _ in 0..PASSES {
            // A failure (a full disk, a reader holding the file in exclusive mode) leaves the
            // WAL as it is: the next wake-up tries again, and the writer's own limit holds.
            let Ok(frames) = copy(conn) else { break };
            done.0.fetch_add(1, Ordering::SeqCst);
            if before == Some(frames) {
                break;
            }
            before = Some(frames);
            // Not a sleep: a library closing meanwhile (its hook and sender gone) ends the
            // thread at once, so closing never waits out a pause.
            if let Err(RecvTimeoutError::Disconnected) = woken.recv_timeout(SETTLE) {
                return;
            }
        }
    }
}

/// One `PASSIVE` checkpoint; how many frames the WAL had when it began (it copies them all
/// unless a reader still needs them).
fn copy(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Db;
    use std::time::Instant;

    /// One commit of about `pages` WAL pages.
    fn write_pages(db: &Db, key: usize, pages: usize) {
        db.transaction(|c| {
            c.execute(
                "INSERT OR REPLACE INTO sync_state(key, value) VALUES (?1, hex(randomblob(?2)))",
                rusqlite::params![format!("k{key}"), pages * 2048],
            )?;
            Ok(())
        })
        .expect("the write commits");
    }

    /// The WAL header's checkpoint sequence number: it goes up each time the WAL starts over.
    fn wal_generation(path: &Path) -> u32 {
        let bytes = std::fs::read(path.with_extension("db-wal")).unwrap();
        u32::from_be_bytes(bytes[12..16].try_into().unwrap())
    }

    #[test]
    fn the_thread_copies_the_wal_so_the_next_save_starts_it_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let db = Db::open(&path).unwrap();
        for i in 0..(PAGES as usize / 10 + 5) {
            write_pages(&db, i % 20, 10);
        }
        let generation = wal_generation(&path);
        let start = Instant::now();
        // Saves seconds apart, as an editor's: the thread's copy lands between two of them.
        while wal_generation(&path) == generation && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(300));
            write_pages(&db, 0, 1);
        }
        assert!(
            db.background_checkpoints() > 0,
            "a WAL past {PAGES} pages wakes the checkpoint thread"
        );
        assert_ne!(
            wal_generation(&path),
            generation,
            "after the thread's checkpoint a save starts the WAL over"
        );
    }

    #[test]
    fn back_to_back_writes_keep_the_wal_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let db = Db::open(&path).unwrap();
        for i in 0..(3 * WRITER_PAGES as usize / 10) {
            write_pages(&db, i % 20, 10);
        }
        let wal = std::fs::metadata(path.with_extension("db-wal"))
            .unwrap()
            .len();
        let bound = (WRITER_PAGES as u64 + 100) * 4120;
        assert!(
            wal <= bound,
            "with no pause for the thread the writer checkpoints itself: WAL {wal} B > {bound} B"
        );
    }

    #[test]
    fn closing_the_library_ends_its_checkpoint_thread() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.db")).unwrap();
        write_pages(&db, 0, 10);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            drop(db); // joins the thread
            tx.send(()).unwrap();
        });
        assert!(
            rx.recv_timeout(Duration::from_secs(10)).is_ok(),
            "dropping the library stops and joins the checkpoint thread"
        );
    }
}
