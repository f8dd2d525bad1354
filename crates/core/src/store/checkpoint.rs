//! WAL checkpoints, run on a thread of their own while the writer is quiet, instead of inside
//! a save.
//!
//! By default SQLite checkpoints inside whichever commit takes the WAL past 1,000 pages: that
//! commit copies about 4 MB into the database file and fsyncs it, about 2 ms here against
//! 0.15 ms for a plain autosave. A long story's autosave writes about ten pages, so about one
//! save in a hundred paid for a checkpoint: exactly the p99, and more often while an import
//! filled the WAL too.
//!
//! Here the writer's commits only count the WAL's pages and note the time (SQLite's WAL hook,
//! which replaces the automatic checkpoint). Past [`PAGES`] they wake the `byline-checkpoint`
//! thread, which waits until nothing has been committed for [`QUIET`] and then copies the WAL
//! with a `PASSIVE` checkpoint on its own connection (that blocks neither the writer nor a
//! reader, and its fsyncs do not compete with a save's). An editor's saves are seconds apart
//! and an import commits in groups 100 ms apart, so the quiet moment comes at once. The WAL
//! starts over at the first write after a checkpoint that left nothing uncopied; a commit that
//! lands during the copy is copied by another pass at the next quiet moment.
//!
//! Writes that never pause (a benchmark's loop) give the thread no quiet moment: the writer then
//! checkpoints inside its commit at [`WRITER_PAGES`], as SQLite would, only half as often. So
//! does a writer whose thread is gone, and the WAL stays bounded either way.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, sync_channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use crate::error::Result;

/// SQLite's own threshold (`wal_autocheckpoint`'s default): how big the WAL gets before it is
/// copied into the database file.
pub const PAGES: i32 = 1000;

/// How many more pages before the thread is woken again while the WAL has not started over.
pub const AGAIN: i32 = PAGES / 4;

/// Past this the writer checkpoints inside its commit. Not higher: until the WAL file has
/// grown to its size once, every commit appends to it, and an fsync that grows a file costs
/// more than one that overwrites (at 4,000 the autosave bench's median rose 15 %).
pub const WRITER_PAGES: i32 = 2 * PAGES;

/// How long nothing must have been committed before the thread copies.
pub const QUIET: Duration = Duration::from_millis(20);

/// At most this many checkpoints per wake-up, each at a quiet moment: a commit that lands
/// during one is copied by the next.
const PASSES: usize = 5;

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

/// When the writer last committed, in microseconds since `since`; shared by the hook and the
/// thread.
#[derive(Clone)]
struct LastCommit {
    since: Instant,
    at: Arc<AtomicU64>,
}

impl LastCommit {
    fn now(&self) {
        self.at
            .store(micros(self.since.elapsed()), Ordering::SeqCst);
    }

    /// How long ago the writer last committed.
    fn ago(&self) -> Duration {
        let at = Duration::from_micros(self.at.load(Ordering::SeqCst));
        self.since.elapsed().saturating_sub(at)
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// Moves checkpoints of the database at `path` off the commits of `writer`, the library's one
/// writing connection, starting the thread that runs them. The thread ends once `writer` is
/// closed (its WAL hook holds the only way to wake the thread): join it then.
pub fn take_over(path: &Path, writer: &mut Connection, count: &Count) -> Result<JoinHandle<()>> {
    let own = open(path)?;
    // One pending wake-up is enough: a checkpoint copies every frame committed before it.
    let (wake, woken) = sync_channel::<()>(1);
    let last_commit = LastCommit {
        since: Instant::now(),
        at: Arc::default(),
    };
    let (done, quiet) = (count.clone(), last_commit.clone());
    let thread = std::thread::Builder::new()
        .name("byline-checkpoint".into())
        .spawn(move || run(&own, &woken, &quiet, &done))
        .map_err(|e| crate::CoreError::io(path, e))?;
    let (mut last, mut next) = (0, PAGES);
    writer.wal_hook(Some(move |wal: &mut rusqlite::hooks::Wal, pages| {
        last_commit.now();
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

fn run(conn: &Connection, woken: &Receiver<()>, last_commit: &LastCommit, done: &Count) {
    while woken.recv().is_ok() {
        // Until a pass finds nothing committed since the one before: then every frame is
        // copied and the next write starts the WAL over.
        let mut before = None;
        for _ in 0..PASSES {
            if !wait_quiet(woken, last_commit) {
                return;
            }
            // A failure (a full disk, a reader holding the file in exclusive mode) leaves the
            // WAL as it is: the next wake-up tries again, and the writer's own limit holds.
            let Ok(frames) = copy(conn) else { break };
            done.0.fetch_add(1, Ordering::SeqCst);
            if before == Some(frames) {
                break;
            }
            before = Some(frames);
        }
    }
}

/// Waits until nothing has been committed for [`QUIET`]; false when the library closed
/// meanwhile (its hook and the sender gone), so closing never waits for a quiet moment.
fn wait_quiet(woken: &Receiver<()>, last_commit: &LastCommit) -> bool {
    loop {
        let ago = last_commit.ago();
        if ago >= QUIET {
            return true;
        }
        if let Err(RecvTimeoutError::Disconnected) = woken.recv_timeout(QUIET - ago) {
            return false;
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
