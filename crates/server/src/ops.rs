//! Running the server: liveness (`/health`, no I/O) and readiness (`/ready`: the database
//! answers and the blob store takes a write), serving until a shutdown signal while in-flight
//! requests finish, sweeping tus uploads (at start and periodically: orphaned bytes, then
//! uploads idle past the expiry), and admitting new upload bytes only while the user's
//! unfinished uploads stay under their cap and a local blob store's filesystem keeps its minimum
//! free space (a bucket's is not the server's to measure).

use std::time::{Duration, SystemTime};

use crate::args;
use crate::sql::Conn;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use byline_protocol::ErrorCode;

use crate::error::{Result, ServerError};
use crate::parts::Parts;
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
        .read(|c| c.query_one("SELECT 1", args![]).map(|_| ()))
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
        match expire_uploads(&state).await {
            Ok(0) => {}
            Ok(expired) => tracing::info!(expired, "stale uploads removed"),
            Err(e) => {
                tracing::warn!(error = %e, "sweeping stale uploads failed; trying again later")
            }
        }
        tokio::time::sleep(every).await;
    }
}

/// The sweep a server runs at its start and then periodically: removes the bytes of uploads
/// no row owns any more, then every upload (bytes and row) that has taken no bytes for the
/// expiry: its last activity is its part file's modification time (files) or its last committed
/// PATCH (S3), else its creation. On S3 this aborts its multipart upload and deletes its
/// leftover. Returns how many expired.
pub async fn expire_uploads(state: &AppState) -> Result<usize> {
    let parts = Parts::of(state);
    parts.sweep_orphans(state).await?;
    let rows = state
        .read(|c| {
            c.query("SELECT id, created_at, updated_at FROM uploads", args![])?
                .iter()
                .map(|r| {
                    Ok((
                        r.get::<String>(0)?,
                        r.get::<String>(1)?,
                        r.get::<Option<String>>(2)?,
                    ))
                })
                .collect::<Result<Vec<_>>>()
        })
        .await?;
    let time = |t: &str| {
        chrono::DateTime::parse_from_rfc3339(t)
            .map(SystemTime::from)
            .unwrap_or(SystemTime::UNIX_EPOCH)
    };
    let (now, expiry) = (SystemTime::now(), state.config().upload_expiry);
    let mut expired = 0;
    for (id, created_at, updated_at) in rows {
        let last = parts
            .last_activity(&id, time(&created_at), updated_at.as_deref().map(time))
            .await;
        let Ok(uid) = uuid::Uuid::parse_str(&id) else {
            continue;
        };
        if now.duration_since(last).unwrap_or_default() < expiry {
            continue;
        }
        crate::blobs::remove_upload(state, &uid).await?;
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
pub fn check_in_flight(c: &Conn, user: &str, length: u64, cap: u64) -> Result<()> {
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
    // Cast: PostgreSQL sums BIGINTs as NUMERIC.
    let open: u64 = c
        .query_one(
            "SELECT CAST(COALESCE(SUM(length), 0) AS BIGINT) FROM uploads WHERE created_by = ?1",
            args![user],
        )?
        .get(0)?;
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
