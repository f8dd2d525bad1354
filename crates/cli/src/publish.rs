//! `byline publish`, `byline sync`, `byline outbox`: the server part of the CLI contract.

use byline_core::engine::Target;
use byline_core::events::Event;
use byline_core::sync::{Patience, Remote};
use byline_core::{CoreError, Library, Result};

use crate::output::Out;

/// The server and token: flags or the environment (`BYLINE_SERVER`, `BYLINE_TOKEN`) first, else
/// what the app stored for this library (server in its settings, token in the OS keychain or the
/// 0600 file; see `byline_core::credentials`).
pub fn remote(lib: &Library, server: Option<String>, token: Option<String>) -> Result<Remote> {
    let url = match server.filter(|s| !s.trim().is_empty()) {
        Some(s) => s,
        None => Some(lib.settings()?.server_url)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                CoreError::Invalid(
                    "no server given: pass --server URL (or set BYLINE_SERVER, or set it in the \
                     app's Settings)"
                        .into(),
                )
            })?,
    };
    let token = match token.filter(|t| !t.trim().is_empty()) {
        Some(t) => t,
        None => lib.token(&url)?.map(|(t, _)| t).ok_or_else(|| {
            CoreError::Invalid(
                "no token given: pass --token TOKEN or set BYLINE_TOKEN, or store it in the app's \
                 Settings (an editor gets one from `byline-server user add NAME --role editor`)"
                    .into(),
            )
        })?,
    };
    Ok(Remote { url, token })
}

pub fn publish(
    lib: &Library,
    id: &str,
    remote: &Remote,
    correction: Option<&str>,
    out: &Out,
) -> Result<()> {
    let report = lib.publish_with(id, remote, &Patience::default(), correction)?;
    out.print(&report, |r| {
        println!(
            "published {} (server revision {}): {} photo bytes sent, {} photos already on the server",
            r.article_id, r.server_revision, r.uploaded_bytes, r.skipped_photos
        );
        for c in &r.conflicts {
            println!("conflict in {}: both versions kept on the server", c.field);
        }
    });
    Ok(())
}

pub fn sync(lib: &Library, remote: &Remote, out: &Out) -> Result<()> {
    let report = lib.sync(remote, &Patience::default())?;
    out.print(&report, |r| {
        println!(
            "sent {} items ({} photo bytes); pulled {} stories; {} waiting, {} need attention",
            r.push.sent,
            r.push.uploaded_bytes,
            r.pulled.len(),
            r.push.pending,
            r.push.needs_attention
        );
        for id in &r.deferred {
            println!(
                "{id}: changed on the server and here; your edit is queued and will be merged"
            );
        }
    });
    Ok(())
}

/// `byline outbox retry [ITEM...]`.
#[derive(clap::Subcommand)]
pub enum OutboxCmd {
    /// Put items that need attention back in the queue (all of them without ITEM) and let
    /// waiting ones go at the next sync.
    Retry { items: Vec<i64> },
}

pub fn outbox(
    lib: &Library,
    all: bool,
    retry: bool,
    action: Option<OutboxCmd>,
    out: &Out,
) -> Result<()> {
    let ids = match action {
        Some(OutboxCmd::Retry { items }) => Some(items),
        None if retry => Some(Vec::new()),
        None => None,
    };
    if let Some(ids) = ids {
        let n = lib.retry_outbox(&ids)?;
        eprintln!("queued {n} items again; `byline sync` (or the app) sends them");
    }
    let items = lib.outbox(all)?;
    out.print(&items, |items| {
        if items.is_empty() {
            println!("nothing waiting: everything is on the server");
        }
        for i in items {
            let err = i.last_error.as_deref().unwrap_or("");
            println!(
                "{:>5}  {:<10} {:<15} {:>3}%  {}  {}",
                i.id,
                i.kind.as_str(),
                i.state.as_str(),
                i.progress,
                &i.target[..12.min(i.target.len())],
                err
            );
        }
    });
    Ok(())
}

/// `byline sync --watch`: the core's sync engine in the foreground, printing what happens, until
/// SIGINT or SIGTERM. Without `--server`/`--token` it follows the stored settings (a token
/// saved meanwhile is picked up).
pub fn watch(
    lib: &Library,
    server: Option<String>,
    token: Option<String>,
    out: &Out,
) -> Result<()> {
    let target = if server.is_some() || token.is_some() {
        Target::Fixed(remote(lib, server, token)?)
    } else {
        remote(lib, None, None)?;
        Target::Settings
    };
    let mut events = lib.events().subscribe();
    let engine = lib.start_engine(target)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| crate::invalid(format!("cannot start the event loop: {e}")))?;
    rt.block_on(async {
        let stop = stop_signal();
        tokio::pin!(stop);
        loop {
            tokio::select! {
                () = &mut stop => break,
                ev = events.recv() => match ev {
                    Ok(ev) => print_event(&ev, out),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(_) => break,
                },
            }
        }
    });
    engine.stop();
    eprintln!("sync stopped; what is still queued goes with the next `byline sync`");
    Ok(())
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

fn print_event(ev: &Event, out: &Out) {
    if out.json {
        println!("{}", serde_json::to_string(ev).unwrap_or_default());
        return;
    }
    match ev {
        Event::Connection {
            message: Some(m), ..
        } => eprintln!("{m}"),
        Event::Connection { connectivity, .. } => eprintln!("connection: {connectivity:?}"),
        Event::StoryChanged { id, revision } => println!("pulled {id} (revision {revision})"),
        Event::Upload {
            target,
            done,
            total,
            ..
        } => {
            eprintln!(
                "uploading {}: {done}/{total} bytes",
                &target[..12.min(target.len())]
            );
        }
        Event::OutboxChanged | Event::PhotosChanged { .. } => {}
    }
}
