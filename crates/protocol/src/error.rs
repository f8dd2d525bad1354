//! The boundary error: a stable machine-readable `code` and a human `message`.
//!
//! Every crate keeps its own `thiserror` enum; at a boundary (CLI `--json`, Tauri command, HTTP
//! response) it becomes an [`ApiError`]. The server maps the same codes to HTTP statuses, so a
//! client sees one vocabulary whether the error happened locally or on the server.

use serde::{Deserialize, Serialize};

/// Stable error codes. Never rename one: the UI and outside scripts match on them.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The input (file, field, request) is malformed; the message says which and why.
    InvalidInput,
    /// No such article, photo, revision, user…
    NotFound,
    /// The write was based on a stale revision or races another one.
    Conflict,
    /// An `If-Match` / base revision did not match and no merge was possible.
    PreconditionFailed,
    /// A body or file exceeds a limit.
    TooLarge,
    /// A file's format is recognised but not supported (yet).
    Unsupported,
    /// The same idempotency key was reused with a different payload.
    IdempotencyMismatch,
    /// No or bad credentials.
    Unauthorized,
    /// Credentials are fine but the role may not do this.
    Forbidden,
    /// Only an editor may do this (publish, take down, change the live page): the story stays
    /// queued until an editor publishes it.
    EditorRequired,
    /// Too many requests; retry later.
    RateLimited,
    /// A publish is blocked by the copy desk's hard rules.
    Blocked,
    /// The network or server is unreachable; the operation stays queued.
    Unavailable,
    /// A local file or disk problem.
    Io,
    /// The local database failed.
    Storage,
    /// The disk holding the data is full; nothing was written and nothing was lost. Free space
    /// and try again.
    DiskFull,
    /// A bug: please report it.
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::PreconditionFailed => "precondition_failed",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::Unsupported => "unsupported",
            ErrorCode::IdempotencyMismatch => "idempotency_mismatch",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::EditorRequired => "editor_required",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Blocked => "blocked",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Io => "io",
            ErrorCode::Storage => "storage",
            ErrorCode::DiskFull => "disk_full",
            ErrorCode::Internal => "internal",
        }
    }

    /// The HTTP status the server answers with for this code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::InvalidInput => 400,
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden | ErrorCode::EditorRequired => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::Conflict => 409,
            ErrorCode::PreconditionFailed => 412,
            ErrorCode::TooLarge => 413,
            ErrorCode::Unsupported => 415,
            ErrorCode::IdempotencyMismatch | ErrorCode::Blocked => 422,
            ErrorCode::RateLimited => 429,
            ErrorCode::Unavailable => 503,
            // 507 Insufficient Storage (RFC 4918): the server could not store the representation.
            ErrorCode::DiskFull => 507,
            ErrorCode::Io | ErrorCode::Storage | ErrorCode::Internal => 500,
        }
    }

    /// Whether a client should retry the same request later (the outbox keeps it queued)
    /// rather than park it as "needs attention".
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            ErrorCode::RateLimited
                | ErrorCode::Unavailable
                | ErrorCode::Conflict
                | ErrorCode::DiskFull
        )
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `{code, message}` error every boundary speaks.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_stable_names() {
        for code in [
            ErrorCode::InvalidInput,
            ErrorCode::RateLimited,
            ErrorCode::PreconditionFailed,
            ErrorCode::DiskFull,
            ErrorCode::EditorRequired,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(
                json,
                format!("\"{}\"", code.as_str()),
                "serde and as_str must agree"
            );
        }
    }

    #[test]
    fn client_errors_map_to_4xx_and_faults_to_5xx() {
        assert_eq!(ErrorCode::RateLimited.http_status(), 429);
        assert_eq!(ErrorCode::NotFound.http_status(), 404);
        assert!(
            ErrorCode::Storage.http_status() >= 500,
            "a storage fault is the server's"
        );
    }

    #[test]
    fn a_full_disk_is_507_insufficient_storage_and_worth_retrying_later() {
        assert_eq!(ErrorCode::DiskFull.as_str(), "disk_full");
        assert_eq!(
            ErrorCode::DiskFull.http_status(),
            507,
            "RFC 4918's Insufficient Storage is the status for a full disk"
        );
        assert!(
            ErrorCode::DiskFull.is_retryable(),
            "freeing space fixes it, so queued work should wait rather than park"
        );
    }
}
