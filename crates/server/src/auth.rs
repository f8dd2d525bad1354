//! Bearer-token authentication, role checks and a per-token token-bucket rate limiter.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use byline_protocol::ErrorCode;

use crate::AppState;
use crate::db::{self, Role, User};
use crate::error::ServerError;

/// The authenticated caller. Extracting it authenticates (401) and rate-limits (429).
pub struct Auth(pub User);

impl Auth {
    /// 403 unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role], what: &str) -> Result<(), ServerError> {
        if roles.contains(&self.0.role) {
            Ok(())
        } else {
            Err(ServerError::new(
                ErrorCode::Forbidden,
                format!("a {} may not {what}", self.0.role.as_str()),
            ))
        }
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ServerError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let unauthorized = |m: &str| ServerError::new(ErrorCode::Unauthorized, m.to_string());
        let value = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or_else(|| unauthorized("missing Authorization: Bearer <token>"))?;
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 200)
            .ok_or_else(|| unauthorized("malformed Authorization header"))?;
        let token = token.to_string();
        let user = state
            .read_statement(move |c| db::user_by_token(c, &token))
            .await?
            .ok_or_else(|| unauthorized("unknown token"))?;
        state.inner.limiter.check(&user.token_hash)?;
        Ok(Auth(user))
    }
}

/// Token bucket per key: `burst` requests at once, refilled at `per_sec`.
pub struct RateLimiter {
    burst: f64,
    per_sec: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    pub fn new(burst: f64, per_sec: f64) -> Self {
        RateLimiter {
            burst: burst.max(1.0),
            per_sec: per_sec.max(0.001),
            buckets: Mutex::default(),
        }
    }

    /// Takes one token for `key`, or says how long until one is available.
    pub fn check(&self, key: &str) -> Result<(), ServerError> {
        let now = Instant::now();
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let (tokens, last) = map.entry(key.to_string()).or_insert((self.burst, now));
        *tokens =
            (*tokens + now.duration_since(*last).as_secs_f64() * self.per_sec).min(self.burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            let wait = ((1.0 - *tokens) / self.per_sec).ceil().max(1.0);
            Err(ServerError::RateLimited {
                retry_after_secs: wait as u64,
            })
        }
    }
}
