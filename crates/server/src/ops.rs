//! Running the server: liveness (`/health`, no I/O) and readiness (`/ready`: the database
//! answers and the blob store takes a write), serving until a shutdown signal while in-flight
//! requests finish, expiring stale tus uploads (at start and periodically), and admitting new
//! upload bytes only while the user's unfinished uploads stay under their cap and the blob
//! store's filesystem keeps its minimum free space.

use std::path::Path;
use std::time::{Duration, SystemTime};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use byline_protocol::ErrorCode;
use rusqlite::{Connection, params};

use crate::error::{Result, ServerError};
use crate::{AppState, Router, blocking};

/// `GET /health`: the process is alive and answering. No I/O, so a load balancer's probe costs
/// nothing and never queues behind a busy database.
pub async fn health() -> &'static str {
    "ok"
}

/// `GET /ready`: 200 `{"ready":true}` when the database answers a query and the blob store's
/// folder takes a write; else 503 `{"ready":false,"reason":…}` naming what failed.
pub async fn ready(State(state): State<AppState>) -> Response {
    let db = state
        .read(|c| Ok(c.query_row("SELECT 1", [], |_| Ok(()))?))
        .await;
    let reason = match db {
        Err(e) => Some(format!("the database does not answer: {e}")),
        Ok(()) => crate::storage::probe(&state)
            .await
            .err()
            .map(|e| format!("the blob store does not take writes: {e}")),
    };
    match reason {
        None => Json(serde_json::json!({"ready": true})).into_response(),
        Some(reason) => {
            tracing::warn!(%reason, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"ready": false, "reason": reason})),
            )
                .into_response()
        }
    }
}

/// Serves `router` on `listener` until `signal` resolves, then stops accepting connections,
/// ends long-polls at once and lets every in-flight request finish before returning. Also runs
/// the periodic sweep of stale uploads meanwhile.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    state: AppState,
    router: Router,
    signal: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let sweeper = tokio::spawn(sweep_periodically(state.clone()));
    let stopper = state.clone();
    let out = axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            signal.await;
            // Long-polls would otherwise hold the shutdown for up to their whole wait.
            stopper.stop_waiting();
        })
        .await;
    sweeper.abort();
    out
}

/// How often stale uploads are looked for: a quarter of the expiry, between 100 ms and an hour.
fn sweep_interval(expiry: Duration) -> Duration {
    (expiry / 4).clamp(Duration::from_millis(100), Duration::from_secs(3600))
}

async fn sweep_periodically(state: AppState) {
    let every = sweep_interval(state.config().upload_expiry);
    loop {
        tokio::time::sleep(every).await;
        let st = state.clone();
        let swept = blocking(move || {
            let (dir, expiry) = (st.uploads_dir(), st.config().upload_expiry);
            st.with_db(|c| expire_uploads(c, &dir, expiry))
        })
        .await;
        if let Err(e) = swept {
            tracing::warn!(error = %e, "sweeping stale uploads failed; trying again later");
        }
    }
}

/// Removes every upload (row and part file) that has taken no bytes for `expiry`: its last
/// activity is its part file's modification time, or its creation when the file is gone.
/// Returns how many expired.
pub fn expire_uploads(c: &Connection, dir: &Path, expiry: Duration) -> Result<usize> {
    let now = SystemTime::now();
    let rows = c
        .prepare("SELECT id, created_at FROM uploads")?
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut expired = 0;
    for (id, created_at) in rows {
        let part = dir.join(format!("{id}.part"));
        let created = chrono::DateTime::parse_from_rfc3339(&created_at)
            .map(SystemTime::from)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        let last = std::fs::metadata(&part)
            .and_then(|m| m.modified())
            .map_or(created, |m| m.max(created));
        if now.duration_since(last).unwrap_or_default() < expiry {
            continue;
        }
        c.execute("DELETE FROM uploads WHERE id = ?1", params![id])?;
        match std::fs::remove_file(&part) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        tracing::info!(upload = %id, "stale upload expired");
        expired += 1;
    }
    Ok(expired)
}

/// Refuses an upload (507 `disk_full`) while the blob store's filesystem has less free space
/// than the newsroom's minimum (`--min-free-space-mb`). A bucket (`--blobs s3://…`) has no
/// free space the server could measure: its quota is the store's to enforce, so this passes.
pub async fn check_free_space(state: &AppState) -> Result<()> {
    if state.inner.bucket.is_some() {
        return Ok(());
    }
    let min = state.config().min_free_space;
    let dir = state.inner.data_dir.join("blobs");
    let free = blocking(move || Ok(byline_durable::free_space(&dir))).await?;
    match free {
        Some(free) if free < min => Err(ServerError::new(
            ErrorCode::DiskFull,
            format!(
                "the server's photo store has {} free, below its minimum of {} \
                 (--min-free-space-mb): uploads wait until the newsroom's administrator frees \
                 space on the server; your photos stay queued and go then",
                size(free),
                size(min)
            ),
        )),
        _ => Ok(()),
    }
}

/// Refuses a new upload of `length` bytes when it alone exceeds the per-user cap (413) or when
/// the user's unfinished uploads would then hold more than it (429). Runs inside the write
/// that records the upload, so two concurrent creations cannot both slip under the cap.
pub fn check_in_flight(c: &Connection, user: &str, length: u64, cap: u64) -> Result<()> {
    let limit = format!(
        "the server's limit of {} of unfinished uploads per user (--max-upload-in-flight-mb)",
        size(cap)
    );
    if length > cap {
        return Err(ServerError::new(
            ErrorCode::TooLarge,
            format!("a {} upload exceeds {limit}", size(length)),
        ));
    }
    let open: u64 = c.query_row(
        "SELECT COALESCE(SUM(length), 0) FROM uploads WHERE created_by = ?1",
        [user],
        |r| r.get(0),
    )?;
    if open.saturating_add(length) > cap {
        return Err(ServerError::new(
            ErrorCode::RateLimited,
            format!(
                "your unfinished uploads already hold {}; this one would exceed {limit}: \
                 finish or cancel earlier uploads (they also expire when idle), then send again",
                size(open)
            ),
        ));
    }
    Ok(())
}

/// A size as people read it: whole MiB with one decimal from 1 MiB on, else bytes.
fn size(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MiB", n as f64 / f64::from(1u32 << 20))
    } else {
        format!("{n} bytes")
    }
}
