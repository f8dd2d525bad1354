//! `byline article submit|assign|diff|versions` and `byline unpublish`: the editorial-control
//! part of the CLI contract. The server checks every role; these only ask and print.

use byline_core::editorial::Rev;
use byline_core::sync::{Patience, Remote};
use byline_core::{Library, Result};
use byline_protocol::Person;
use byline_protocol::diff::{ArticleDiff, ChangeKind, OpKind};

use crate::output::Out;
use crate::publish::remote;

/// Server and token flags shared by the commands that may talk to the server.
#[derive(clap::Args, Clone, Default)]
pub struct ServerArgs {
    #[arg(long, env = "BYLINE_SERVER")]
    pub server: Option<String>,
    #[arg(long, env = "BYLINE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}

impl ServerArgs {
    fn remote(&self, lib: &Library) -> Result<Remote> {
        remote(lib, self.server.clone(), self.token.clone())
    }

    /// The server when one is configured (flags, environment or Settings), else `None`.
    fn remote_if_any(&self, lib: &Library) -> Option<Remote> {
        self.remote(lib).ok()
    }
}

/// `byline article submit ID`: status `submitted`, queued for the desk, sent at once when a
/// server is configured.
pub fn submit(lib: &Library, id: &str, srv: &ServerArgs, out: &Out) -> Result<()> {
    let a = lib.submit_article(id)?;
    let sent = match srv.remote_if_any(lib) {
        Some(r) => Some(lib.sync(&r, &Patience::default())?),
        None => None,
    };
    #[derive(serde::Serialize)]
    struct Submitted<'a> {
        id: &'a str,
        status: &'a str,
        revision: u64,
        /// Items still waiting for the server (all of them when no server is configured).
        pending: usize,
    }
    let pending = lib.outbox(false)?.len();
    let report = Submitted {
        id: &a.id,
        status: a.status.as_str(),
        revision: a.revision,
        pending,
    };
    out.print(&report, |r| {
        if sent.is_some() && r.pending == 0 {
            println!("{} handed in to the desk (revision {})", r.id, r.revision);
        } else {
            println!(
                "{} marked submitted (revision {}); {} item(s) queued: `byline sync` sends them",
                r.id, r.revision, r.pending
            );
        }
    });
    Ok(())
}

/// `byline article assign ID --reporter NAME --photographer NAME`.
pub fn assign(
    lib: &Library,
    id: &str,
    reporters: Vec<String>,
    photographers: Vec<String>,
    out: &Out,
) -> Result<()> {
    let people: Vec<Person> = reporters
        .into_iter()
        .map(|n| (n, "reporter"))
        .chain(photographers.into_iter().map(|n| (n, "photographer")))
        .map(|(name, role)| Person {
            name: byline_text::nfc(name.trim()),
            role: role.into(),
        })
        .filter(|p| !p.name.is_empty())
        .collect();
    let a = lib.assign_article(id, people)?;
    out.print(&a, |a| {
        let names: Vec<String> = a
            .assigned
            .iter()
            .map(|p| format!("{} ({})", p.name, p.role))
            .collect();
        println!("{} assigned to {}", a.id, names.join(", "));
    });
    Ok(())
}

/// `byline article diff ID A B`.
pub fn diff(lib: &Library, id: &str, a: &str, b: &str, srv: &ServerArgs, out: &Out) -> Result<()> {
    let current = lib.article(id)?.revision;
    let (ra, rb) = (Rev::parse(a, current)?, Rev::parse(b, current)?);
    let remote = match (ra, rb) {
        (Rev::Local(_), Rev::Local(_)) => None,
        _ => Some(srv.remote(lib)?),
    };
    let d = lib.diff_versions(id, ra, rb, remote.as_ref())?;
    out.print(&d, print_diff);
    Ok(())
}

/// Shows invisible characters so a whitespace-only change can be seen in a terminal.
fn visible(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{a0}' => "⍽".to_string(),
            '\t' => "→".to_string(),
            '\u{200b}' => "⸢ZWSP⸣".to_string(),
            c => c.to_string(),
        })
        .collect()
}

fn print_diff(d: &ArticleDiff) {
    if d.changes.is_empty() {
        println!("no differences");
    }
    for c in &d.changes {
        let kind = match c.kind {
            ChangeKind::Changed => "changed",
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Moved => "moved",
        };
        println!("{kind} {} ({})", c.block, c.block_type);
        let mut line = String::from("    ");
        for op in &c.ops {
            let t = visible(&op.text);
            match op.op {
                OpKind::Equal => line.push_str(&t),
                OpKind::Insert => line.push_str(&format!("{{+{t}+}}")),
                OpKind::Delete => line.push_str(&format!("[-{t}-]")),
            }
        }
        println!("{line}");
    }
}

/// `byline article versions ID`: the published versions on the server.
pub fn versions(lib: &Library, id: &str, srv: &ServerArgs, out: &Out) -> Result<()> {
    let list = lib.published_versions(id, &srv.remote(lib)?)?;
    out.print(&list, |l| {
        for v in &l.versions {
            println!(
                "v{}  {}  {}  {}",
                v.version,
                v.published_at,
                v.published_by,
                v.correction.as_deref().unwrap_or("")
            );
        }
        if let Some(t) = &l.takedown {
            println!(
                "taken down {} by {}{}",
                t.at,
                t.by,
                t.reason
                    .as_deref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            );
        }
    });
    Ok(())
}

/// `byline unpublish ID [--reason TEXT]`.
pub fn unpublish(
    lib: &Library,
    id: &str,
    srv: &ServerArgs,
    reason: Option<&str>,
    out: &Out,
) -> Result<()> {
    let r = lib.unpublish(id, &srv.remote(lib)?, reason)?;
    out.print(&r, |r| {
        println!(
            "{} taken down: the page answers 410 Gone; {} published version(s) kept",
            r.article_id, r.versions
        );
    });
    Ok(())
}
