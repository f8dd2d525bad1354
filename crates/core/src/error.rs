//! The core's one error type. Every variant knows its boundary [`ErrorCode`]; messages say what
//! went wrong with which file or field, and what to do about it.

use std::path::{Path, PathBuf};

use byline_protocol::{ApiError, ErrorCode};
use rusqlite::ffi;

use crate::store::disk;

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// Input the user gave us (a file, a field value) is not acceptable.
    #[error("{0}")]
    Invalid(String),

    /// An input file is unreadable as what it claims to be.
    #[error("{path}: {reason}")]
    BadFile { path: PathBuf, reason: String },

    #[error("{what} {id} not found{hint}")]
    NotFound {
        what: &'static str,
        id: String,
        hint: &'static str,
    },

    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("library database: {0}")]
    Db(rusqlite::Error),

    /// The disk holding the library is full. The write was refused as a whole (its transaction
    /// rolled back, its temp file removed), so what was saved before is intact.
    #[error(
        "the disk holding the library is full ({}); nothing was lost — free some space (delete files or empty the trash) and save again",
        free_label(*free_mb)
    )]
    DiskFull {
        /// Megabytes (10^6 bytes) still free there; `None` where it cannot be measured.
        free_mb: Option<u64>,
    },

    #[error("stored data is damaged: {0}")]
    Corrupt(String),

    #[error("{0}")]
    Unsupported(String),

    #[error("{0}")]
    TooLarge(String),

    /// The newsroom server refused or could not be reached; `code` says which.
    #[error("server: {message}")]
    Remote { code: ErrorCode, message: String },

    /// Publishing is blocked by the copy desk's hard rules.
    #[error("{0}")]
    Blocked(String),

    /// The copy desk (settings, dictionary, word list), with its own code.
    #[error(transparent)]
    Desk(#[from] byline_desk::DeskError),

    /// A photo could not be read or written, with the media crate's code.
    #[error(transparent)]
    Media(#[from] byline_media::MediaError),

    /// Talking to the newsroom server failed, with the sync client's code.
    #[error("server: {0}")]
    Sync(#[from] byline_sync::SyncError),

    /// A save was based on a revision that is no longer current.
    #[error(
        "article {id} changed since revision {base} (now at {current}); reload it and apply your edit again"
    )]
    Stale { id: String, base: u64, current: u64 },
}

impl CoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            CoreError::Invalid(_) | CoreError::BadFile { .. } => ErrorCode::InvalidInput,
            CoreError::NotFound { .. } => ErrorCode::NotFound,
            CoreError::Io { .. } => ErrorCode::Io,
            CoreError::DiskFull { .. } => ErrorCode::DiskFull,
            CoreError::Db(_) | CoreError::Corrupt(_) => ErrorCode::Storage,
            CoreError::Unsupported(_) => ErrorCode::Unsupported,
            CoreError::TooLarge(_) => ErrorCode::TooLarge,
            CoreError::Stale { .. } => ErrorCode::Conflict,
            CoreError::Remote { code, .. } => *code,
            CoreError::Blocked(_) => ErrorCode::Blocked,
            CoreError::Desk(e) => e.code(),
            CoreError::Media(e) => e.code(),
            CoreError::Sync(e) => e.to_api_error().code,
        }
    }

    pub fn to_api(&self) -> ApiError {
        ApiError::new(self.code(), self.to_string())
    }

    /// A failed file operation on `path`; "no space left" becomes [`CoreError::DiskFull`] with
    /// the free space measured where `path` is.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> CoreError {
        let path = path.into();
        if disk::is_storage_full(&source) {
            return CoreError::disk_full_at(&path);
        }
        CoreError::Io { path, source }
    }

    /// [`CoreError::DiskFull`] with the free space of the filesystem holding `path`.
    pub fn disk_full_at(path: &Path) -> CoreError {
        CoreError::DiskFull {
            free_mb: disk::free_bytes(path).map(|b| b / 1_000_000),
        }
    }

    /// Reads this error in the light of the disk holding `path` (the library database or
    /// folder): `SQLITE_FULL` and `ENOSPC` are a full disk, and so is a generic SQLite I/O,
    /// open or read-only failure while that disk has next to nothing free (growing the `-shm`
    /// file, for one, fails as `SQLITE_IOERR_SHMSIZE`; a library opened read-only because the
    /// disk was full refuses writes as `SQLITE_READONLY`). Other errors pass through unchanged.
    pub fn on_disk_of(self, path: &Path) -> CoreError {
        let full = match &self {
            CoreError::DiskFull { .. } => true,
            CoreError::Io { source, .. } => disk::is_storage_full(source),
            CoreError::Db(rusqlite::Error::SqliteFailure(e, _)) => match e.code {
                ffi::ErrorCode::DiskFull => true,
                ffi::ErrorCode::SystemIoFailure
                | ffi::ErrorCode::CannotOpen
                | ffi::ErrorCode::ReadOnly => disk::is_nearly_full(path),
                _ => false,
            },
            _ => false,
        };
        if full {
            CoreError::disk_full_at(path)
        } else {
            self
        }
    }

    pub(crate) fn bad_file(path: impl Into<PathBuf>, reason: impl Into<String>) -> CoreError {
        CoreError::BadFile {
            path: path.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn article_not_found(id: &str) -> CoreError {
        CoreError::NotFound {
            what: "article",
            id: id.to_owned(),
            hint: " (run `byline article list` to see ids)",
        }
    }
}

/// `SQLITE_FULL` is a full disk wherever it surfaces; callers that know the library's path
/// ([`CoreError::on_disk_of`]) add the free space to the message.
impl From<rusqlite::Error> for CoreError {
    fn from(e: rusqlite::Error) -> CoreError {
        match &e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == ffi::ErrorCode::DiskFull => {
                CoreError::DiskFull { free_mb: None }
            }
            _ => CoreError::Db(e),
        }
    }
}

fn free_label(free_mb: Option<u64>) -> String {
    match free_mb {
        Some(mb) => format!("{mb} MB free"),
        None => "free space unknown".to_owned(),
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> ApiError {
        e.to_api()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite(code: i32) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(ffi::Error::new(code), None)
    }

    #[test]
    fn sqlite_full_is_a_full_disk_with_the_free_space_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let e = CoreError::from(sqlite(ffi::SQLITE_FULL)).on_disk_of(dir.path());
        assert_eq!(e.code(), ErrorCode::DiskFull, "{e}");
        let msg = e.to_string();
        assert!(
            msg.starts_with("the disk holding the library is full (")
                && msg.contains(" MB free); nothing was lost — free some space"),
            "the message says what happened and what to do: {msg}"
        );
    }

    #[test]
    fn a_generic_io_error_with_space_left_stays_a_storage_error() {
        let dir = tempfile::tempdir().unwrap();
        let e = CoreError::from(sqlite(ffi::SQLITE_IOERR_WRITE)).on_disk_of(dir.path());
        assert_eq!(
            e.code(),
            ErrorCode::Storage,
            "a temp dir with free space must not be reported as full: {e}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn enospc_from_a_file_write_is_a_full_disk() {
        let dir = tempfile::tempdir().unwrap();
        let e = CoreError::io(dir.path().join("x"), std::io::Error::from_raw_os_error(28));
        assert!(
            matches!(e, CoreError::DiskFull { free_mb: Some(_) }),
            "ENOSPC names the free space: {e:?}"
        );
    }
}
