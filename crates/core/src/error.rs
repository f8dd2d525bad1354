//! The core's one error type. Every variant knows its boundary [`ErrorCode`]; messages say what
//! went wrong with which file or field, and what to do about it.

use std::path::PathBuf;

use byline_protocol::{ApiError, ErrorCode};

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
    Db(#[from] rusqlite::Error),

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

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> CoreError {
        CoreError::Io {
            path: path.into(),
            source,
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

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> ApiError {
        e.to_api()
    }
}
