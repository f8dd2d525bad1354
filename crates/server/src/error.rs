//! The server's one error type and its HTTP face: `{code, message}` JSON with the status from
//! [`ErrorCode::http_status`], plus the two statuses tus defines outside that table.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use byline_protocol::{ApiError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("{1}")]
    Api(ErrorCode, String),
    /// tus checksum extension: the chunk did not match `Upload-Checksum` (status 460).
    #[error("checksum mismatch: {0}")]
    ChecksumMismatch(String),
    #[error("too many requests; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    /// With its causes: tokio-postgres's own text is a bare "db error" or "error performing
    /// TLS handshake"; what PostgreSQL or the TLS layer said is in the source.
    #[error("database: {}", with_causes(.0))]
    Pg(#[from] tokio_postgres::Error),
    #[error("blob store: {0}")]
    Store(#[from] object_store::Error),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
}

pub type Result<T, E = ServerError> = std::result::Result<T, E>;

/// An error's text followed by each cause's, `: `-separated.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

impl ServerError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ServerError::Api(code, message.into())
    }
    pub fn bad(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    /// True when a unique or primary key constraint refused the write, on either backend.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            ServerError::Db(rusqlite::Error::SqliteFailure(f, _)) => {
                f.code == rusqlite::ErrorCode::ConstraintViolation
            }
            ServerError::Pg(e) => {
                e.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION)
            }
            _ => false,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            ServerError::Api(c, _) => *c,
            ServerError::ChecksumMismatch(_) => ErrorCode::InvalidInput,
            ServerError::RateLimited { .. } => ErrorCode::RateLimited,
            ServerError::Db(_) | ServerError::Pg(_) => ErrorCode::Storage,
            ServerError::Store(_) | ServerError::Io(_) => ErrorCode::Io,
            ServerError::Json(_) => ErrorCode::Internal,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ServerError::ChecksumMismatch(_) => {
                StatusCode::from_u16(460).unwrap_or(StatusCode::BAD_REQUEST)
            }
            _ => StatusCode::from_u16(self.code().http_status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        }
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        } else {
            tracing::debug!(error = %self, %status, "request refused");
        }
        // Internal details (SQL, paths) stay in the log; the client gets the code. A full blob
        // store is said in words (what the limit is and that the photos wait), with no path.
        let message = if status.is_server_error() && self.code() != ErrorCode::DiskFull {
            "internal server error".to_string()
        } else {
            self.to_string()
        };
        let body = ApiError::new(self.code(), message);
        let mut resp = (status, axum::Json(body)).into_response();
        if let ServerError::RateLimited { retry_after_secs } = self {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        resp.headers_mut()
            .insert("tus-resumable", HeaderValue::from_static("1.0.0"));
        resp
    }
}
