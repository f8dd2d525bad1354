//! Free space on the filesystem holding the library, and telling a full disk apart from other
//! write failures, so that a full disk reads as "free some space and save again" instead of
//! SQLite's "disk I/O error".

use std::path::Path;

use rusqlite::Connection;

use crate::error::CoreError;

/// Below this many free bytes a failed write is blamed on the full disk even when SQLite reports
/// a generic I/O error: SQLite says `SQLITE_FULL` only for page writes, while growing the `-shm`
/// wal-index on a full disk, for one, fails as `SQLITE_IOERR_SHMSIZE`.
pub const NEARLY_FULL: u64 = 1 << 20;

/// Bytes an unprivileged process may still write on the filesystem holding `path` (or, when
/// `path` does not exist yet, its nearest existing ancestor). `None` where it cannot be measured.
pub fn free_bytes(path: &Path) -> Option<u64> {
    let mut probe = Some(path);
    while let Some(p) = probe {
        if p.as_os_str().is_empty() {
            return byline_durable::free_space(Path::new("."));
        }
        if p.exists() {
            return byline_durable::free_space(p);
        }
        probe = p.parent();
    }
    None
}

/// Whether the filesystem holding `path` has (next to) nothing left; unknown counts as not full
/// so that an unrelated I/O error is never disguised as a full disk.
pub fn is_nearly_full(path: &Path) -> bool {
    free_bytes(path).is_some_and(|free| free < NEARLY_FULL)
}

/// Whether an I/O error means "no space left on device": `ENOSPC` on Unix
/// (`ErrorKind::StorageFull`, raw os error 28), `ERROR_HANDLE_DISK_FULL` (39) and
/// `ERROR_DISK_FULL` (112) on Windows.
pub fn is_storage_full(e: &std::io::Error) -> bool {
    if e.kind() == std::io::ErrorKind::StorageFull {
        return true;
    }
    let code = e.raw_os_error();
    if cfg!(windows) {
        matches!(code, Some(39 | 112))
    } else {
        code == Some(28)
    }
}

/// [`CoreError::on_disk_of`] for the filesystem holding `conn`'s database file: how the write
/// functions that take a connection word a full disk.
pub fn explain(conn: &Connection, e: CoreError) -> CoreError {
    match conn.path() {
        Some(p) if !p.is_empty() => e.on_disk_of(Path::new(p)),
        _ => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enospc_is_storage_full_and_other_errors_are_not() {
        assert!(
            is_storage_full(&std::io::Error::from(std::io::ErrorKind::StorageFull)),
            "the portable kind is enough"
        );
        if cfg!(unix) {
            assert!(
                is_storage_full(&std::io::Error::from_raw_os_error(28)),
                "ENOSPC from a raw write is a full disk"
            );
        }
        assert!(
            !is_storage_full(&std::io::Error::from(std::io::ErrorKind::PermissionDenied)),
            "a refused write is not a full disk"
        );
    }

    #[cfg(unix)]
    #[test]
    fn free_space_of_a_missing_file_is_measured_on_its_nearest_existing_folder() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("not/yet/there.md");
        assert!(
            free_bytes(&missing).is_some(),
            "a path that does not exist yet is measured where it would be written"
        );
    }
}
