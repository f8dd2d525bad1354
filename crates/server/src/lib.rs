//! Byline's newsroom server: versioned articles merged block by block, content-addressed photos
//! uploaded over tus, published articles as HTML. [`app`] builds the router; `main.rs` runs it.
//!
//! Blobs live in the data directory or in an S3 bucket (`storage`, `--blobs`); unfinished uploads
//! beside them (`parts`: part files, or S3 multipart uploads whose state is in the database, so
//! a PATCH continues on any replica).
//!
//! Blocking work stays off the async workers. Database calls (a transaction can wait on fsync,
//! on `busy_timeout` or on PostgreSQL's writers' lock) and part-file I/O run on tokio's blocking
//! pool ([`blocking`]); a handler only awaits them. The database is SQLite (the embedded
//! default) or PostgreSQL (`--database`), behind one interface (`sql`) and one pool (`pool`):
//! reads run in one read transaction each, so a slow write holds up neither the workers nor the
//! readers (sign-in, feeds, pages, photos). `spawn_blocking` rather than a dedicated DB thread:
//! the pool already exists, grows with demand, and a queue of writers then waits in pool
//! threads, never in a worker.

pub mod articles;
pub mod auth;
pub mod blobs;
pub mod db;
pub mod error;
pub mod feed;
pub mod front;
pub mod html;
pub mod openapi;
pub mod ops;
pub mod parts;
pub mod pg_tls;
pub mod pool;
pub mod previews;
pub mod published;
pub mod sql;
pub mod storage;
pub mod versions;
pub mod workflow;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub use auth::RateLimiter;
use axum::body::{Body, Bytes};
use axum::routing::{get, post, put};
use byline_protocol::ErrorCode;
pub use db::DatabaseUrl;
pub use error::{Result, ServerError};
use object_store::ObjectStore;
pub use sql::Conn;

/// Tunables; tests lower them to exercise the limits quickly.
#[derive(Debug, Clone)]
pub struct Config {
    /// Largest JSON request body.
    pub json_limit: usize,
    /// Largest single tus PATCH body.
    pub chunk_limit: usize,
    /// Largest blob (`Tus-Max-Size`).
    pub max_blob: u64,
    /// Largest width × height accepted, read from the image header without decoding.
    pub max_pixels: u64,
    /// Largest photo preview (`PUT /api/photos/{sha}/preview`): a 1600 px JPEG is well under.
    pub preview_limit: usize,
    /// Token bucket per API token: burst capacity and refill per second.
    pub rate_burst: f64,
    pub rate_per_sec: f64,
    /// The heading the public page shows above correction notices (the newsroom sets it).
    pub correction_heading: String,
    /// The newsroom's name: the front page's heading and the Atom feed's title and author.
    pub newsroom: String,
    /// An upload that takes no bytes for this long is removed (row and part file).
    pub upload_expiry: std::time::Duration,
    /// Most bytes one user's unfinished uploads may declare together.
    pub max_in_flight_per_user: u64,
    /// Uploads are refused (507) while the blob store's filesystem has less free space (files
    /// only: a bucket's free space is not the server's to measure).
    pub min_free_space: u64,
    /// Where blobs live (`--blobs`): the data directory's files, or an S3 bucket.
    pub blobs: storage::BlobsUrl,
    /// `AWS_*` settings (as the variables are named) applied over the environment's when the
    /// blobs live in a bucket: for tests and embedding, which cannot set a process's variables.
    pub s3_settings: Vec<(String, String)>,
    /// The server's public address (`https://tin.example.vn`), for the feed's links and related
    /// stories; `None`: taken from each request's `Host`.
    pub public_url: Option<String>,
    /// Where the database lives (`--database`): `DIR/byline.db` or a PostgreSQL server.
    pub database: DatabaseUrl,
}

/// The newsroom name of a server that was not given one.
pub const DEFAULT_NEWSROOM: &str = "Byline";

/// The corrections heading of a Vietnamese newsroom, unless it sets its own.
pub const DEFAULT_CORRECTION_HEADING: &str = "Thông tin cải chính";

impl Default for Config {
    fn default() -> Self {
        Config {
            json_limit: 2 * 1024 * 1024,
            chunk_limit: 16 * 1024 * 1024,
            max_blob: 200 * 1024 * 1024,
            max_pixels: 200_000_000,
            preview_limit: 4 * 1024 * 1024,
            rate_burst: 200.0,
            rate_per_sec: 50.0,
            correction_heading: DEFAULT_CORRECTION_HEADING.to_string(),
            newsroom: DEFAULT_NEWSROOM.to_string(),
            public_url: None,
            upload_expiry: std::time::Duration::from_secs(24 * 3600),
            max_in_flight_per_user: 2 << 30,
            min_free_space: 256 << 20,
            database: DatabaseUrl::Sqlite,
            blobs: storage::BlobsUrl::Files,
            s3_settings: Vec::new(),
        }
    }
}

/// Shared state behind every handler.
#[derive(Clone)]
pub struct AppState {
    pub inner: Arc<Inner>,
}

pub struct Inner {
    /// The database's connections. Used only on the blocking pool (through [`AppState::write`]
    /// and [`AppState::read`]) or outside a runtime (setup, tests).
    pub pool: pool::Pool,
    pub data_dir: PathBuf,
    /// Where finished, verified blobs live (`storage`: local files or an S3 bucket).
    pub store: Arc<dyn ObjectStore>,
    /// The public copies of photos (see `published`), also named by their SHA-256.
    pub public: Arc<dyn ObjectStore>,
    /// The S3 bucket at its prefix (`--blobs s3://…`), where unfinished uploads live too.
    pub bucket: Option<Arc<object_store::prefix::PrefixStore<object_store::aws::AmazonS3>>>,
    pub config: Config,
    pub limiter: RateLimiter,
    /// Idempotency keys whose first request is still running (a concurrent retry gets 409).
    pub in_flight: Mutex<HashSet<(String, String)>>,
    /// One lock per tus upload, so two clients racing on one upload cannot interleave bytes.
    pub upload_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// The newest committed change-feed cursor, announced after each commit to wake long-polls
    /// (see `feed`); the database stays the truth.
    pub changes: tokio::sync::watch::Sender<u64>,
    /// Set when the server shuts down, so long-polls answer at once instead of holding up the
    /// graceful shutdown for their whole wait.
    pub stopping: tokio::sync::watch::Sender<bool>,
}

impl AppState {
    /// Opens (or creates) the data directory (`byline.db` unless the database is PostgreSQL;
    /// `blobs/`, `public/`, `uploads/` unless the blobs live in a bucket), migrates the database
    /// and opens the blob store `config.blobs` names.
    pub fn open(data_dir: &Path, config: Config) -> Result<AppState> {
        std::fs::create_dir_all(data_dir)?;
        let data_dir = data_dir.canonicalize()?;
        let pool = pool::Pool::open(&config.database, &data_dir)?;
        let stores = storage::open(&config, &data_dir)?;
        let last = pool.with_writer(|conn| feed::last_cursor(conn))?;
        let (changes, _) = tokio::sync::watch::channel(last);
        let (stopping, _) = tokio::sync::watch::channel(false);
        let limiter = RateLimiter::new(config.rate_burst, config.rate_per_sec);
        let state = AppState {
            inner: Arc::new(Inner {
                pool,
                data_dir,
                store: stores.store,
                public: stores.public,
                bucket: stores.bucket,
                config,
                limiter,
                in_flight: Mutex::new(HashSet::new()),
                upload_locks: Mutex::new(HashMap::new()),
                changes,
                stopping,
            }),
        };
        feed::listen(&state);
        Ok(state)
    }

    /// Runs `f` with a writing connection on the calling thread, which it may block: for setup
    /// and tests. Handlers use [`AppState::write`].
    pub fn with_db<T>(&self, f: impl FnOnce(&mut Conn) -> Result<T>) -> Result<T> {
        self.inner.pool.with_writer(f)
    }

    /// Runs `f` with a writing connection on the blocking pool.
    pub async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Conn) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let state = self.clone();
        blocking(move || state.with_db(f)).await
    }

    /// Runs `f` on a connection inside one read transaction (so a query in several statements
    /// sees one snapshot), on the blocking pool. It neither waits for nor delays a writer.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Conn) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let state = self.clone();
        blocking(move || state.inner.pool.with_reader(f)).await
    }

    /// Runs `f`, which reads with a single statement, on the blocking pool (see
    /// [`pool::Pool::with_statement`]): sign-in on every request.
    pub async fn read_statement<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Conn) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let state = self.clone();
        blocking(move || state.inner.pool.with_statement(f)).await
    }

    /// Ends every long-poll now and any that starts later with what it has (an empty page):
    /// called when shutdown begins, so in-flight requests finish quickly.
    pub fn stop_waiting(&self) {
        self.inner.stopping.send_replace(true);
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn uploads_dir(&self) -> PathBuf {
        self.inner.data_dir.join("uploads")
    }
}

/// Runs blocking work (SQLite, file I/O) on tokio's blocking pool and awaits it. A panic inside
/// is re-raised in the handler, as if the work had run there.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(ServerError::new(
            ErrorCode::Internal,
            format!("blocking task did not finish: {e}"),
        )),
    }
}

/// Reads a request body up to `limit` bytes; beyond it answers 413 `too_large` (as JSON, unlike
/// axum's own limit rejection).
pub async fn read_body(body: Body, limit: usize) -> Result<Bytes> {
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let inner = e.into_inner();
        if inner
            .downcast_ref::<http_body_util::LengthLimitError>()
            .is_some()
        {
            ServerError::new(ErrorCode::TooLarge, format!("body exceeds {limit} bytes"))
        } else {
            ServerError::bad(format!("could not read body: {inner}"))
        }
    })
}

/// Parses a JSON body, answering 400 with serde's reason on malformed input.
pub fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| ServerError::bad(format!("invalid JSON: {e}")))
}

pub use axum::Router;

pub use ops::serve_until;

/// Serves `router` on `listener` (no graceful shutdown: for tests and embedding; `main` uses
/// [`serve_until`] with the signal handling).
pub async fn serve(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<()> {
    axum::serve(listener, router).await
}

/// The whole HTTP surface.
pub fn app(state: AppState) -> Router {
    use tower_http::trace::TraceLayer;
    Router::new()
        .route("/", get(front::front_page))
        .route("/feed.atom", get(front::atom))
        .route("/health", get(ops::health))
        .route("/ready", get(ops::ready))
        .route("/openapi.json", get(openapi::serve))
        .route("/api/articles", get(articles::list_changes))
        .route("/api/changes", get(feed::changes))
        .route(
            "/api/articles/{id}",
            put(articles::put_article).get(articles::get_article),
        )
        .route("/api/articles/{id}/publish", post(articles::publish))
        .route("/api/articles/{id}/unpublish", post(versions::unpublish))
        .route("/api/articles/{id}/versions", get(versions::list_versions))
        .route(
            "/api/articles/{id}/versions/{n}",
            get(versions::get_version),
        )
        .route("/api/me", get(versions::me))
        .route("/api/blobs/batch", post(blobs::batch))
        .route(
            "/api/uploads",
            post(blobs::tus_create).options(blobs::tus_options),
        )
        .route(
            "/api/uploads/{id}",
            axum::routing::head(blobs::tus_head)
                .patch(blobs::tus_patch)
                .delete(blobs::tus_delete),
        )
        .route(
            "/api/photos/{sha}/meta",
            put(blobs::put_meta).get(blobs::get_meta),
        )
        .route("/api/photos/{sha}/preview", put(previews::put_preview))
        .route("/api/blobs/{sha}", get(blobs::serve_original))
        .route("/photos/{sha}", get(blobs::serve_photo))
        .route("/photos/{sha}/preview", get(previews::serve_preview))
        .route("/articles/{id}", get(html::article_page))
        .fallback(|| async { ServerError::not_found("no such route") })
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
