//! `byline publish`, `byline sync`, `byline outbox`: the server part of the CLI contract.

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

pub fn publish(lib: &mut Library, id: &str, remote: &Remote, out: &Out) -> Result<()> {
    let report = lib.publish(id, remote, &Patience::default())?;
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

pub fn sync(lib: &mut Library, remote: &Remote, out: &Out) -> Result<()> {
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

pub fn outbox(lib: &mut Library, all: bool, retry: bool, out: &Out) -> Result<()> {
    if retry {
        let n = lib.retry_outbox()?;
        eprintln!("queued {n} parked items again");
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
                i.state,
                i.progress,
                &i.target[..12.min(i.target.len())],
                err
            );
        }
    });
    Ok(())
}
