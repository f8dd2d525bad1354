//! `byline-sync`: the HTTP client of the newsroom server. Pure: no database, no queue. The
//! desktop outbox calls it and decides what to keep queued using [`SyncError::is_retryable`].
//!
//! Photos go up over tus 1.0: the client asks which blobs the server lacks, creates an upload,
//! and sends chunks with `Upload-Checksum`; after a failure it asks the server for the offset
//! (`HEAD`) and continues from there, so a cut connection costs only what was in flight.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use byline_protocol::sync::{
    ArticleEnvelope, BlobBatchResponse, BlobRef, ChangesResponse, Live, Me, PhotoInfo, PhotoMeta,
    PublishRequest, PutArticleRequest, PutArticleResponse, UnpublishRequest, VersionList,
};
pub use byline_protocol::sync::{Change, ChangeFeed};
use byline_protocol::{ApiError, Article, Conflict, ErrorCode};
use reqwest::{Method, RequestBuilder};
use sha2::{Digest, Sha256};

/// Everything that can go wrong talking to the server.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// Could not connect, the connection broke, or timed out.
    #[error("network: {0}")]
    Network(String),
    /// The server answered with an error.
    #[error("server said {status}: {code}: {message}")]
    Http {
        status: u16,
        code: ErrorCode,
        message: String,
        retry_after: Option<Duration>,
    },
    /// A local file problem (reading a photo).
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// The server's answer could not be understood.
    #[error("unexpected response: {0}")]
    Protocol(String),
}

pub type Result<T, E = SyncError> = std::result::Result<T, E>;

impl SyncError {
    /// True when the same request may succeed later (network, 5xx, 429, 409 races, a chunk
    /// corrupted in transit); false for validation, auth and role errors, which need a person.
    pub fn is_retryable(&self) -> bool {
        match self {
            SyncError::Network(_) => true,
            SyncError::Http { status, code, .. } => {
                *status >= 500 || *status == 460 || code.is_retryable()
            }
            SyncError::Io(_) | SyncError::Protocol(_) => false,
        }
    }

    /// True when the server refused the token (401) or the user's role (403). The sync engine
    /// treats that as the connection's state (the user must sign in again or ask for a role),
    /// not as a failure of the item it was sending: every other item would be refused too.
    /// [`SyncError::to_api_error`] tells the two apart (`unauthorized` / `forbidden`).
    pub fn is_auth(&self) -> bool {
        matches!(
            self,
            SyncError::Http {
                status: 401 | 403,
                ..
            }
        )
    }

    /// The server's `Retry-After`, if it sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            SyncError::Http { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The error as the `{code, message}` every Byline boundary speaks.
    pub fn to_api_error(&self) -> ApiError {
        match self {
            SyncError::Http { code, message, .. } => ApiError::new(*code, message.clone()),
            SyncError::Network(m) => ApiError::new(ErrorCode::Unavailable, m.clone()),
            SyncError::Io(e) => ApiError::new(ErrorCode::Io, e.to_string()),
            SyncError::Protocol(m) => ApiError::new(ErrorCode::Internal, m.clone()),
        }
    }
}

impl From<reqwest::Error> for SyncError {
    fn from(e: reqwest::Error) -> Self {
        if e.is_decode() {
            SyncError::Protocol(e.to_string())
        } else {
            SyncError::Network(e.to_string())
        }
    }
}

/// Exponential backoff with full jitter: the n-th delay is uniform in `[0, min(max, base·2ⁿ)]`,
/// which spreads a newsroom's worth of laptops reconnecting at once.
#[derive(Debug, Clone)]
pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
    attempt: u32,
}

impl Backoff {
    pub const fn new(base: Duration, max: Duration) -> Backoff {
        Backoff {
            base,
            max,
            attempt: 0,
        }
    }

    /// The ceiling of the next delay, before jitter.
    pub fn ceiling(&self) -> Duration {
        let factor = 2u32.saturating_pow(self.attempt.min(20));
        self.base.saturating_mul(factor).min(self.max)
    }

    /// The next delay; a server `Retry-After` is honoured as a floor.
    pub fn next_delay(&mut self, retry_after: Option<Duration>) -> Duration {
        let ceiling = self.ceiling();
        self.attempt = self.attempt.saturating_add(1);
        let mut r = [0u8; 8];
        let unit = if getrandom::fill(&mut r).is_ok() {
            (u64::from_le_bytes(r) >> 11) as f64 / (1u64 << 53) as f64
        } else {
            0.5
        };
        let jittered = ceiling.mul_f64(unit);
        retry_after.map_or(jittered, |ra| jittered.max(ra))
    }

    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    pub fn attempts(&self) -> u32 {
        self.attempt
    }
}

/// Result of an article write.
#[derive(Debug, Clone, PartialEq)]
pub struct PutOutcome {
    pub server_revision: u64,
    /// `Some` when the write was stale and merged with newer server edits: adopt it locally.
    pub merged: Option<Article>,
    /// Conflicts this write produced (the server kept its version current; ours is in here).
    pub conflicts: Vec<Conflict>,
    /// The server's current article.
    pub article: Article,
    /// What the public page serves (`None`: never published).
    pub live: Option<Live>,
}

impl From<PutArticleResponse> for PutOutcome {
    fn from(r: PutArticleResponse) -> Self {
        PutOutcome {
            server_revision: r.server_revision,
            merged: r.merged.then(|| r.article.clone()),
            conflicts: r.conflicts,
            article: r.article,
            live: r.live,
        }
    }
}

/// What an upload did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadReport {
    /// Payload bytes handed to PATCH requests (including any lost in a cut connection).
    pub bytes_sent: u64,
    /// The server already had the blob; nothing was sent.
    pub already_present: bool,
    /// The tus upload URL (persist it to resume after a restart with [`Client::upload_blob_at`]).
    pub location: Option<String>,
    /// Attempts that failed and were retried.
    pub retries: u32,
}

/// Client of one newsroom server for one user.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
    /// Bytes per PATCH.
    pub chunk_size: usize,
    /// Retries of one upload before giving up (the outbox will try again later).
    pub max_retries: u32,
    /// Backoff between upload retries.
    pub backoff: Backoff,
}

const TUS: &str = "1.0.0";
/// The longest a request may take, on top of any wait the request itself asks the server for.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// The longest the server holds a change-feed request open (`GET /api/changes?wait=`).
pub const MAX_FEED_WAIT: Duration = Duration::from_secs(25);

impl Client {
    /// `base_url` like `http://127.0.0.1:8080`; `token` from `byline-server user add`.
    pub fn new(base_url: &str, token: &str) -> Result<Client> {
        ensure_crypto_provider();
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| SyncError::Protocol(format!("building the HTTP client: {e}")))?;
        Ok(Client {
            http,
            base: base_url.trim_end_matches('/').to_string(),
            token: token.to_string(),
            chunk_size: 4 * 1024 * 1024,
            max_retries: 8,
            backoff: Backoff::new(Duration::from_millis(200), Duration::from_secs(30)),
        })
    }

    fn req(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
    }

    /// Sends and turns any non-2xx answer into a [`SyncError::Http`].
    async fn send(rb: RequestBuilder) -> Result<reqwest::Response> {
        let resp = rb.send().await?;
        if resp.status().is_success() {
            return Ok(resp);
        }
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let text = resp.text().await.unwrap_or_default();
        Err(http_error(status, &text, retry_after))
    }

    async fn json<T: serde::de::DeserializeOwned>(rb: RequestBuilder) -> Result<T> {
        let resp = Self::send(rb).await?;
        let bytes = resp.bytes().await?;
        serde_json::from_slice(&bytes).map_err(|e| SyncError::Protocol(e.to_string()))
    }

    /// `GET /health`.
    pub async fn health(&self) -> Result<()> {
        Self::send(self.req(Method::GET, "/health")).await.map(drop)
    }

    /// Pushes a local article. `base_revision` is the server revision the local edit started
    /// from (`None` the first time); reuse `idempotency_key` when retrying the same push.
    pub async fn put_article(
        &self,
        article: &Article,
        base_revision: Option<u64>,
        idempotency_key: &str,
    ) -> Result<PutOutcome> {
        let body = PutArticleRequest {
            article: article.clone(),
            base_revision,
        };
        let mut rb = self
            .req(Method::PUT, &format!("/api/articles/{}", article.id))
            .header("idempotency-key", idempotency_key)
            .json(&body);
        if let Some(b) = base_revision {
            rb = rb.header(reqwest::header::IF_MATCH, format!("\"{b}\""));
        }
        Ok(Self::json::<PutArticleResponse>(rb).await?.into())
    }

    /// `GET /api/articles/{id}`.
    pub async fn get_article(&self, id: &str) -> Result<ArticleEnvelope> {
        Self::json(self.req(Method::GET, &format!("/api/articles/{id}"))).await
    }

    /// Articles changed after `cursor` (0 = everything); page with `next_cursor` while `more`.
    pub async fn changes_since(&self, cursor: u64) -> Result<ChangesResponse> {
        Self::json(
            self.req(Method::GET, "/api/articles")
                .query(&[("since", cursor)]),
        )
        .await
    }

    /// The change feed after `cursor` (0 = from the start): every article and photo-metadata
    /// change, oldest first, one page at a time (`more` says another page follows at once).
    /// With nothing newer, the server holds the request until a change commits or `wait` runs
    /// out (capped at [`MAX_FEED_WAIT`]; whole seconds, a fraction rounds up), then answers
    /// with an empty page. Pass `next_cursor` back on the next call.
    pub async fn changes(&self, cursor: u64, wait: Duration) -> Result<ChangeFeed> {
        let secs = wait.min(MAX_FEED_WAIT).as_millis().div_ceil(1000) as u64;
        Self::json(
            self.req(Method::GET, "/api/changes")
                .query(&[("cursor", cursor), ("wait", secs)])
                // The server may hold the request for the whole wait before the page even starts.
                .timeout(REQUEST_TIMEOUT + Duration::from_secs(secs)),
        )
        .await
    }

    /// Uploads the preview JPEG (the desktop's 1600 px rendition) of the photo whose ORIGINAL
    /// hashes to `sha256`, so pages show it before the original arrives. Sending the same
    /// preview again is harmless.
    pub async fn put_preview(&self, sha256: &str, bytes: Vec<u8>) -> Result<()> {
        if !byline_protocol::sync::is_sha256_hex(sha256) {
            return Err(SyncError::Protocol(format!(
                "`{sha256}` is not a SHA-256; pass the original's lowercase hex digest"
            )));
        }
        Self::send(
            self.req(Method::PUT, &format!("/api/photos/{sha256}/preview"))
                .header(reqwest::header::CONTENT_TYPE, "image/jpeg")
                .body(bytes),
        )
        .await
        .map(drop)
    }

    /// Publishes (editors only).
    pub async fn publish(&self, id: &str, idempotency_key: &str) -> Result<PutOutcome> {
        self.publish_with(id, idempotency_key, None).await
    }

    /// `POST /api/articles/{id}/publish` with an optional correction notice for the page.
    pub async fn publish_with(
        &self,
        id: &str,
        idempotency_key: &str,
        correction: Option<&str>,
    ) -> Result<PutOutcome> {
        let mut rb = self
            .req(Method::POST, &format!("/api/articles/{id}/publish"))
            .header("idempotency-key", idempotency_key);
        if let Some(c) = correction {
            rb = rb.json(&PublishRequest {
                correction: Some(c.to_string()),
            });
        }
        Ok(Self::json::<PutArticleResponse>(rb).await?.into())
    }

    /// `POST /api/articles/{id}/unpublish`: the page answers 410 Gone (editors only).
    pub async fn unpublish(&self, id: &str, reason: Option<&str>) -> Result<ArticleEnvelope> {
        let body = UnpublishRequest {
            reason: reason.map(str::to_string),
        };
        Self::json(
            self.req(Method::POST, &format!("/api/articles/{id}/unpublish"))
                .json(&body),
        )
        .await
    }

    /// `GET /api/articles/{id}/versions`: every published version (editors, sub-editors).
    pub async fn versions(&self, id: &str) -> Result<VersionList> {
        Self::json(self.req(Method::GET, &format!("/api/articles/{id}/versions"))).await
    }

    /// `GET /api/articles/{id}/versions/{n}`: the story exactly as published as version `n`.
    pub async fn version(&self, id: &str, n: u64) -> Result<Article> {
        Self::json(self.req(Method::GET, &format!("/api/articles/{id}/versions/{n}"))).await
    }

    /// `GET /api/me`: who this token is on the server.
    pub async fn me(&self) -> Result<Me> {
        Self::json(self.req(Method::GET, "/api/me")).await
    }

    /// Which of these blobs the server lacks.
    pub async fn missing_blobs(&self, blobs: &[BlobRef]) -> Result<Vec<BlobRef>> {
        let r: BlobBatchResponse =
            Self::json(self.req(Method::POST, "/api/blobs/batch").json(blobs)).await?;
        Ok(r.missing)
    }

    /// Sets a photo's metadata.
    pub async fn put_photo_meta(&self, sha256: &str, meta: &PhotoMeta) -> Result<PhotoInfo> {
        Self::json(
            self.req(Method::PUT, &format!("/api/photos/{sha256}/meta"))
                .json(meta),
        )
        .await
    }

    /// A photo's metadata as the server holds it.
    pub async fn get_photo_meta(&self, sha256: &str) -> Result<PhotoInfo> {
        Self::json(self.req(Method::GET, &format!("/api/photos/{sha256}/meta"))).await
    }

    /// Downloads a blob into `dest`, verifying its SHA-256 before anything is written, so a
    /// corrupted transfer never lands in the caller's library.
    pub async fn download_blob(&self, sha256: &str, dest: &Path) -> Result<u64> {
        if !byline_protocol::sync::is_sha256_hex(sha256) {
            return Err(SyncError::Protocol(format!("`{sha256}` is not a SHA-256")));
        }
        // The original bytes (the public /photos/ copy has the caption embedded, so it hashes
        // differently).
        let resp = Self::send(self.req(Method::GET, &format!("/api/blobs/{sha256}"))).await?;
        let bytes = resp.bytes().await?;
        let got = hex_lower(&Sha256::digest(&bytes));
        if got != sha256 {
            return Err(SyncError::Protocol(format!(
                "photo {sha256} arrived damaged (its bytes hash to {got}); it will be fetched again"
            )));
        }
        std::fs::write(dest, &bytes)?;
        Ok(bytes.len() as u64)
    }

    /// Uploads the file at `path` (whose SHA-256 and size the caller computed) unless the server
    /// has it. `progress(done, total)` is called after each acknowledged chunk.
    pub async fn upload_blob(
        &self,
        path: &Path,
        sha256: &str,
        size: u64,
        progress: impl FnMut(u64, u64),
    ) -> Result<UploadReport> {
        let mut progress = progress;
        self.upload_blob_at(None, path, sha256, size, |done, total, _| {
            progress(done, total)
        })
        .await
    }

    /// Like [`Client::upload_blob`], continuing the tus upload at `location` when given.
    /// `progress(done, total, location)` is also called right after the upload is created, so a
    /// caller can persist the location and resume after its own restart.
    pub async fn upload_blob_at(
        &self,
        location: Option<&str>,
        path: &Path,
        sha256: &str,
        size: u64,
        mut progress: impl FnMut(u64, u64, Option<&str>),
    ) -> Result<UploadReport> {
        let want = [BlobRef {
            sha256: sha256.to_string(),
            size,
        }];
        if self.missing_blobs(&want).await?.is_empty() {
            return Ok(UploadReport {
                bytes_sent: 0,
                already_present: true,
                location: None,
                retries: 0,
            });
        }
        let mut file = std::fs::File::open(path)?;
        let mut report = UploadReport {
            bytes_sent: 0,
            already_present: false,
            location: location.map(String::from),
            retries: 0,
        };
        let mut backoff = self.backoff.clone();
        backoff.reset();
        let mut offset: Option<u64> = None; // unknown until the server tells us
        loop {
            let step = self
                .upload_step(
                    &mut file,
                    sha256,
                    size,
                    &mut report,
                    &mut offset,
                    &mut progress,
                )
                .await;
            match step {
                Ok(true) => return Ok(report),
                Ok(false) => backoff.reset(),
                Err(e) if e.is_retryable() && report.retries < self.max_retries => {
                    report.retries += 1;
                    offset = None; // ask the server where to resume
                    tokio::time::sleep(backoff.next_delay(e.retry_after())).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// One request of the upload: create, learn the offset, or send one chunk. `Ok(true)` = done.
    async fn upload_step(
        &self,
        file: &mut std::fs::File,
        sha256: &str,
        size: u64,
        report: &mut UploadReport,
        offset: &mut Option<u64>,
        progress: &mut impl FnMut(u64, u64, Option<&str>),
    ) -> Result<bool> {
        let Some(loc) = report.location.clone() else {
            let resp = Self::send(
                self.req(Method::POST, "/api/uploads")
                    .header("tus-resumable", TUS)
                    .header("upload-length", size)
                    .header("upload-metadata", format!("sha256 {}", B64.encode(sha256))),
            )
            .await?;
            let loc = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| SyncError::Protocol("tus creation without Location".into()))?;
            report.location = Some(loc.to_string());
            *offset = Some(0);
            progress(0, size, Some(loc));
            return Ok(false);
        };
        let path = if loc.starts_with("http") {
            loc.clone()
        } else {
            format!("{}{loc}", self.base)
        };
        let Some(at) = *offset else {
            let resp = match Self::send(
                self.http
                    .head(&path)
                    .bearer_auth(&self.token)
                    .header("tus-resumable", TUS),
            )
            .await
            {
                Err(SyncError::Http { status: 404, .. }) => {
                    // The upload was discarded (failed verification) or expired: start over.
                    report.location = None;
                    return Ok(false);
                }
                r => r?,
            };
            *offset = Some(header_u64(&resp, "upload-offset")?);
            return Ok(false);
        };
        if at >= size {
            return Ok(true);
        }
        let n = (self.chunk_size as u64).min(size - at) as usize;
        let mut chunk = vec![0u8; n];
        file.seek(SeekFrom::Start(at))?;
        file.read_exact(&mut chunk)?;
        let digest = B64.encode(Sha256::digest(&chunk));
        report.bytes_sent += n as u64;
        let resp = Self::send(
            self.http
                .patch(&path)
                .bearer_auth(&self.token)
                .header("tus-resumable", TUS)
                .header("upload-offset", at)
                .header("upload-checksum", format!("sha256 {digest}"))
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/offset+octet-stream",
                )
                .body(chunk),
        )
        .await?;
        let now = header_u64(&resp, "upload-offset")?;
        *offset = Some(now);
        progress(now, size, report.location.as_deref());
        Ok(now >= size)
    }
}

/// Installs rustls' ring provider for the process if none is installed yet. reqwest is built
/// without a default provider (avoiding the aws-lc C build); [`Client::new`] calls this, and so
/// must anyone building their own `reqwest::Client` in the same process.
pub fn ensure_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn header_u64(resp: &reqwest::Response, name: &str) -> Result<u64> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| SyncError::Protocol(format!("missing {name} header")))
}

/// The error for a non-2xx answer with body `text`. 401 and 403 always carry `unauthorized`
/// and `forbidden`, whatever the body says (a proxy's login page, a gateway's own JSON), so a
/// refused token is recognisable as such.
fn http_error(status: u16, text: &str, retry_after: Option<Duration>) -> SyncError {
    let (code, message) = match serde_json::from_str::<ApiError>(text) {
        Ok(e) => (e.code, e.message),
        Err(_) => (fallback_code(status), text.trim().to_string()),
    };
    // A 403 stays a role refusal whatever the body says; `editor_required` is the one kind of
    // it a front end words differently ("an editor must publish").
    let code = match (status, code) {
        (401, _) => ErrorCode::Unauthorized,
        (403, ErrorCode::EditorRequired) => ErrorCode::EditorRequired,
        (403, _) => ErrorCode::Forbidden,
        _ => code,
    };
    let message = match (message.is_empty(), status) {
        (false, _) => message,
        (true, 401) => "the server refused the token; sign in again in Settings".into(),
        (true, 403) => "the server refused this for your role; ask an editor for access".into(),
        (true, _) => format!("HTTP {status} without details; retry, and report it if it persists"),
    };
    SyncError::Http {
        status,
        code,
        message,
        retry_after,
    }
}

/// The code for an error answer without a JSON body (a proxy's page, say).
fn fallback_code(status: u16) -> ErrorCode {
    match status {
        401 => ErrorCode::Unauthorized,
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        409 => ErrorCode::Conflict,
        412 => ErrorCode::PreconditionFailed,
        413 => ErrorCode::TooLarge,
        415 => ErrorCode::Unsupported,
        429 => ErrorCode::RateLimited,
        s if s >= 500 => ErrorCode::Unavailable,
        _ => ErrorCode::InvalidInput,
    }
}

/// Hex SHA-256 and size of a file, streaming (for building [`BlobRef`]s).
pub fn hash_file(path: &Path) -> Result<(String, u64)> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        total += n as u64;
    }
    Ok((hex::encode(h.finalize()), total))
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_delays_stay_under_a_doubling_ceiling_capped_at_max() {
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_secs(1));
        for n in 0..10 {
            let ceiling = b.ceiling();
            let d = b.next_delay(None);
            assert!(
                d <= ceiling,
                "attempt {n}: {d:?} must not exceed {ceiling:?}"
            );
            assert!(ceiling <= Duration::from_secs(1), "the ceiling is capped");
        }
        assert_eq!(b.ceiling(), Duration::from_secs(1));
    }

    #[test]
    fn retry_after_is_a_floor_for_the_delay() {
        let mut b = Backoff::new(Duration::from_millis(1), Duration::from_millis(2));
        assert!(b.next_delay(Some(Duration::from_secs(3))) >= Duration::from_secs(3));
    }

    #[test]
    fn auth_and_validation_errors_are_permanent_but_rate_limits_and_5xx_are_not() {
        let http = |status, code| SyncError::Http {
            status,
            code,
            message: String::new(),
            retry_after: None,
        };
        assert!(
            !http(401, ErrorCode::Unauthorized).is_retryable(),
            "a bad token needs a person"
        );
        assert!(!http(403, ErrorCode::Forbidden).is_retryable());
        assert!(!http(400, ErrorCode::InvalidInput).is_retryable());
        assert!(!http(422, ErrorCode::IdempotencyMismatch).is_retryable());
        assert!(http(429, ErrorCode::RateLimited).is_retryable());
        assert!(
            http(409, ErrorCode::Conflict).is_retryable(),
            "an offset race resolves with HEAD"
        );
        assert!(http(500, ErrorCode::Internal).is_retryable());
        assert!(SyncError::Network("reset".into()).is_retryable());
    }

    #[test]
    fn refused_tokens_and_roles_are_auth_errors_with_distinct_codes_whatever_the_body() {
        let proxy_page = http_error(401, "<html>Sign in</html>", None);
        assert!(
            proxy_page.is_auth(),
            "a 401 from anything is a refused token"
        );
        assert_eq!(proxy_page.to_api_error().code, ErrorCode::Unauthorized);
        let odd_json = http_error(403, r#"{"code":"invalid_input","message":"no"}"#, None);
        assert!(odd_json.is_auth());
        assert_eq!(
            odd_json.to_api_error().code,
            ErrorCode::Forbidden,
            "403 keeps its own code so the engine can tell a role from a token"
        );
        let empty = http_error(401, "", None);
        assert!(
            empty.to_string().contains("sign in again"),
            "an empty 401 still says what to do: {empty}"
        );
        assert!(
            !http_error(404, "", None).is_auth(),
            "a missing item is the item's"
        );
        assert!(!http_error(429, "", None).is_auth());
        assert!(!SyncError::Network("reset".into()).is_auth());
    }
}
