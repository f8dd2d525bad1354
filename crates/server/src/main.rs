//! `byline-server`: runs the newsroom server, or manages its users.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use byline_server::db::{self, Role};
use byline_server::{AppState, Config, app};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "byline-server", version, about = "Byline newsroom server")]
struct Cli {
    /// Directory holding byline.db, uploads/ and (unless --blobs names a bucket) blobs/.
    #[arg(
        long,
        env = "BYLINE_DATA_DIR",
        global = true,
        default_value = "byline-data"
    )]
    data_dir: PathBuf,
    /// The database: `sqlite` (DIR/byline.db, the default) or postgres://USER[:PASS]@HOST[:PORT]/DB
    /// (`?host=/socket/dir` for a Unix socket). Servers sharing one PostgreSQL database and one
    /// blob store act as one server.
    #[arg(long, env = "BYLINE_DATABASE_URL", global = true, default_value = "sqlite", value_parser = database_url)]
    database: db::DatabaseUrl,
    /// Address to listen on (port 0: any free port; the real address is printed on stdout).
    #[arg(long, env = "BYLINE_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Requests per token allowed in a burst.
    #[arg(long, default_value_t = 200.0)]
    rate_burst: f64,
    /// Sustained requests per second per token.
    #[arg(long, default_value_t = 50.0)]
    rate_per_sec: f64,
    /// The heading above correction notices on public pages.
    #[arg(long, env = "BYLINE_CORRECTION_HEADING", default_value = byline_server::DEFAULT_CORRECTION_HEADING)]
    correction_heading: String,
    /// The newsroom's name: the front page's heading, the Atom feed's title and author.
    #[arg(long, env = "BYLINE_NEWSROOM", default_value = byline_server::DEFAULT_NEWSROOM)]
    newsroom: String,
    /// The server's public address (http:// or https://), used in the Atom feed and in links to
    /// related stories; without it, each request's Host header (set it behind a proxy).
    #[arg(long, env = "BYLINE_PUBLIC_URL", value_parser = public_url)]
    public_url: Option<String>,
    /// Hours after which an upload that takes no bytes is removed (checked at start and every
    /// quarter of this, at most hourly).
    #[arg(long, env = "BYLINE_UPLOAD_EXPIRY_HOURS", default_value_t = 24.0)]
    upload_expiry_hours: f64,
    /// MiB one user's unfinished uploads may declare together; beyond it a new upload is
    /// refused with 429 (413 when it alone is larger).
    #[arg(long, env = "BYLINE_MAX_UPLOAD_IN_FLIGHT_MB", default_value_t = 2048)]
    max_upload_in_flight_mb: u64,
    /// Log lines on stderr: `text` for people, `json` (one object per line: timestamp, level,
    /// fields, target) for a log collector.
    #[arg(long, env = "BYLINE_LOG_FORMAT", global = true, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Uploads are refused with 507 while the blob store's filesystem has fewer free MiB (local
    /// files only; a bucket's space is its store's to manage).
    #[arg(long, env = "BYLINE_MIN_FREE_SPACE_MB", default_value_t = 256)]
    min_free_space_mb: u64,
    /// Where photos live: `files` (DIR/blobs, the default) or `s3://BUCKET[/prefix]`, an
    /// S3-compatible bucket configured by AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
    /// AWS_SECRET_ACCESS_KEY, AWS_REGION (and AWS_ALLOW_HTTP=true for an http:// endpoint).
    #[arg(long, env = "BYLINE_BLOBS", default_value = "files")]
    blobs: byline_server::storage::BlobsUrl,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Manage users.
    User {
        #[command(subcommand)]
        action: UserCmd,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    /// Adds a user and prints its API token (shown once; only a hash is stored).
    Add {
        name: String,
        #[arg(long, value_parser = ["reporter", "photographer", "subeditor", "editor"])]
        role: String,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Json => logs.json().init(),
        LogFormat::Text => logs
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
    }
    match cli.command {
        Some(Command::User {
            action: UserCmd::Add { name, role },
        }) => {
            std::fs::create_dir_all(&cli.data_dir)?;
            let data_dir = cli.data_dir.canonicalize()?;
            let pool = byline_server::pool::Pool::open(&cli.database, &data_dir)
                .context("opening the database")?;
            let role = Role::parse(&role).context("role")?;
            let token = pool.with_writer(|c| db::add_user(c, &name, role))?;
            println!("{token}");
            Ok(())
        }
        None => serve(cli),
    }
}

fn serve(cli: Cli) -> anyhow::Result<()> {
    let config = Config {
        rate_burst: cli.rate_burst,
        rate_per_sec: cli.rate_per_sec,
        correction_heading: cli.correction_heading.clone(),
        newsroom: cli.newsroom.clone(),
        public_url: cli.public_url.clone(),
        upload_expiry: std::time::Duration::try_from_secs_f64(cli.upload_expiry_hours * 3600.0)
            .ok()
            .filter(|d| !d.is_zero())
            .context("--upload-expiry-hours must be a positive number of hours")?,
        max_in_flight_per_user: cli.max_upload_in_flight_mb << 20,
        min_free_space: cli.min_free_space_mb << 20,
        database: cli.database.clone(),
        blobs: cli.blobs.clone(),
        ..Config::default()
    };
    let state = AppState::open(&cli.data_dir, config).context("opening the data directory")?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(cli.listen).await?;
        let addr = listener.local_addr()?;
        tracing::info!(%addr, data_dir = %cli.data_dir.display(), blobs = %cli.blobs, "listening");
        // One line on stdout, so scripts and tests that ask for port 0 learn the real one.
        println!("listening on http://{addr}");
        std::io::Write::flush(&mut std::io::stdout())?;
        byline_server::serve_until(listener, state.clone(), app(state), shutdown()).await?;
        tracing::info!("stopped");
        Ok(())
    })
}

/// `--public-url`: an http(s) address with a host, as every link on a page must be.
fn public_url(s: &str) -> Result<String, String> {
    byline_protocol::check_link(s)
        .map(|()| s.trim_end_matches('/').to_owned())
        .map_err(|why| {
            format!("the address {s:?} {why}; give e.g. --public-url https://tin.example.vn")
        })
}

/// `--database`: `sqlite` or a postgres:// URL, refused here with the form to use.
fn database_url(s: &str) -> Result<db::DatabaseUrl, String> {
    db::DatabaseUrl::parse(s).map_err(|e| e.to_string())
}

/// Resolves on ctrl-c or SIGTERM; in-flight requests then finish before the process exits.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}
