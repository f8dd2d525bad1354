//! `byline`: the headless front end. Parses arguments, calls one `Library` method, prints the
//! result (human text by default, `--json` for scripts). No editorial logic lives here.

mod article;
mod desk;
mod destination;
mod editorial;
mod output;
mod photo;
mod publish;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use byline_core::{CoreError, Library};

#[derive(Parser)]
#[command(
    name = "byline",
    version,
    about = "Byline: the newsroom's editorial workstation, headless"
)]
struct Cli {
    /// Library folder (database, photos, thumbnails). Default: the OS's per-user data folder.
    #[arg(long, global = true, env = "BYLINE_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// Print machine-readable JSON (the scripting contract) instead of text.
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Draft, import, search, export and restore stories.
    #[command(subcommand)]
    Article(article::ArticleCmd),
    /// Import, caption and export photos.
    #[command(subcommand)]
    Photo(photo::PhotoCmd),
    /// Run the copy desk over a story: typography, Vietnamese style and spelling, checklist.
    Check { id: String },
    /// Apply the copy desk's safe fixes (whitespace, punctuation spacing) as a new revision.
    Fix { id: String },
    /// The newsroom word list the copy desk's spelling accepts: `words add WORD`, `words list`.
    #[command(subcommand)]
    Words(desk::WordsCmd),
    /// Publish a story and its photos to the newsroom server (editors only: the page then
    /// shows this version), or with `--to NAME` to a destination such as a WordPress site
    /// (queued first: nothing is lost).
    Publish {
        id: String,
        /// A destination (`byline destination list`) instead of the newsroom server.
        #[arg(long, value_name = "NAME")]
        to: Option<String>,
        #[arg(long, env = "BYLINE_SERVER")]
        server: Option<String>,
        #[arg(long, env = "BYLINE_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// A correction notice shown, dated, on the public page under the corrections heading.
        #[arg(long)]
        correction: Option<String>,
    },
    /// Take a published story down (editors): the page answers 410 Gone; versions are kept.
    Unpublish {
        id: String,
        #[command(flatten)]
        server: editorial::ServerArgs,
        /// Why (kept with the takedown on the server).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Send everything queued, then pull what changed on the server. With `--watch`, keep
    /// doing so in the foreground until Ctrl+C / SIGTERM (the sync engine).
    Sync {
        #[arg(long, env = "BYLINE_SERVER")]
        server: Option<String>,
        #[arg(long, env = "BYLINE_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// Run the sync engine until stopped: send as soon as the server answers, pull what
        /// others change.
        #[arg(long)]
        watch: bool,
    },
    /// WordPress sites stories can be published to: `add`, `list`, `remove`.
    #[command(subcommand)]
    Destination(destination::DestinationCmd),
    /// What is waiting to be sent, with each item's state and last error.
    Outbox {
        /// Include items already sent.
        #[arg(long)]
        all: bool,
        /// Queue items that need attention again (same as `outbox retry`).
        #[arg(long)]
        retry: bool,
        #[command(subcommand)]
        action: Option<publish::OutboxCmd>,
    },
}

/// Where the library lives when no `--data-dir` is given.
fn default_data_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("byline")
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = output::Out { json: cli.json };
    let dir = cli.data_dir.unwrap_or_else(default_data_dir);
    let result = Library::open(&dir).and_then(|lib| match cli.command {
        Command::Article(cmd) => article::run(&lib, cmd, &out),
        Command::Photo(cmd) => photo::run(&lib, cmd, &out),
        Command::Check { id } => desk::check(&lib, &id, &out),
        Command::Fix { id } => desk::fix(&lib, &id, &out),
        Command::Words(cmd) => desk::words(&lib, cmd, &out),
        Command::Publish {
            id, to: Some(to), ..
        } => destination::publish(&lib, &id, &to, &out),
        Command::Destination(cmd) => destination::run(&lib, cmd, &out),
        Command::Publish {
            id,
            server,
            token,
            correction,
            ..
        } => publish::remote(&lib, server, token)
            .and_then(|r| publish::publish(&lib, &id, &r, correction.as_deref(), &out)),
        Command::Unpublish { id, server, reason } => {
            editorial::unpublish(&lib, &id, &server, reason.as_deref(), &out)
        }
        Command::Sync {
            server,
            token,
            watch: true,
        } => publish::watch(&lib, server, token, &out),
        Command::Sync { server, token, .. } => {
            publish::remote(&lib, server, token).and_then(|r| publish::sync(&lib, &r, &out))
        }
        Command::Outbox { all, retry, action } => publish::outbox(&lib, all, retry, action, &out),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            output::error(&e, out.json);
            ExitCode::FAILURE
        }
    }
}

/// Shared by the subcommand modules for errors raised before the core is reached.
pub(crate) fn invalid(msg: impl Into<String>) -> CoreError {
    CoreError::Invalid(msg.into())
}
