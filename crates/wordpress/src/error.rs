//! What can go wrong talking to a WordPress site, and which of it is worth retrying.

use std::time::Duration;

/// Everything a WordPress call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum WpError {
    /// Could not connect, the connection broke, or it timed out (the site may have acted).
    #[error("network: {0}")]
    Network(String),
    /// WordPress answered with an error (`code` is WordPress's own, e.g. `rest_cannot_create`).
    #[error("WordPress said {status} ({code}): {message}")]
    Http {
        status: u16,
        code: String,
        message: String,
        retry_after: Option<Duration>,
        /// WordPress's `data` object (e.g. `term_id` with `term_exists`).
        data: serde_json::Value,
    },
    /// The address does not lead to a WordPress REST API.
    #[error("{0}")]
    Discovery(String),
    /// An answer that is not what the REST API documents.
    #[error("unexpected answer from WordPress: {0}")]
    Protocol(String),
    /// Bad input on our side (a URL that is not http/https).
    #[error("{0}")]
    Invalid(String),
}

impl WpError {
    /// True when the same request may succeed later: the network, 5xx, 429, 408.
    pub fn is_retryable(&self) -> bool {
        match self {
            WpError::Network(_) => true,
            WpError::Http { status, .. } => *status >= 500 || matches!(status, 408 | 429),
            _ => false,
        }
    }

    /// True when WordPress refused the user or application password (401, or 403 on a
    /// request the user's role cannot make).
    pub fn is_auth(&self) -> bool {
        matches!(
            self,
            WpError::Http {
                status: 401 | 403,
                ..
            }
        )
    }

    /// The server's own wait hint (Retry-After), if it gave one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            WpError::Http { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// WordPress's error code, when it sent one.
    pub fn wp_code(&self) -> Option<&str> {
        match self {
            WpError::Http { code, .. } => Some(code),
            _ => None,
        }
    }
}

pub type Result<T, E = WpError> = std::result::Result<T, E>;
