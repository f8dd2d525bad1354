//! `byline article …`: the article part of the CLI contract (`shared/spec/cli.md`).

use std::path::PathBuf;

use clap::Subcommand;
use serde::Serialize;

use byline_core::{ExportFormat, Field, Library, Result, Scope, SearchHit};
use byline_protocol::{Article, BlockKind, Status};

use crate::output::{Out, ellipsize};

#[derive(Subcommand)]
pub enum ArticleCmd {
    /// Import a story file (Markdown with front matter, plain text or JSON); prints its id.
    Import { file: PathBuf },
    /// Start an empty draft with a title; prints its id.
    New { title: String },
    /// Show a story (the current revision, or `--revision N`).
    Show {
        id: String,
        #[arg(long)]
        revision: Option<u64>,
    },
    /// List stories, most recently updated first; `--search` ignores case and diacritics.
    List {
        #[arg(long)]
        search: Option<String>,
        /// Only stories with this status (draft, submitted, edited, approved, published…).
        #[arg(long)]
        status: Option<String>,
        /// List the trash instead.
        #[arg(long)]
        trash: bool,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Export a story as md, json, html or ninjs (IPTC ninjs 2.1, pictures as associations).
    Export {
        id: String,
        #[arg(long, value_name = "md|json|html|ninjs")]
        format: String,
        /// Write to FILE (Markdown also writes its photos beside it); default stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Set title, section, lead, status, slug or published_at; saved as a new revision.
    Set {
        id: String,
        field: String,
        value: String,
    },
    /// List a story's revisions.
    Revisions { id: String },
    /// Make an old revision current again, as a new revision.
    Restore { id: String, revision: u64 },
    /// Append a figure for a library photo.
    Attach {
        article_id: String,
        photo_id: String,
        #[arg(long)]
        caption: Option<String>,
    },
    /// Move a story to the trash (all revisions kept).
    Delete { id: String },
    /// Take a story back out of the trash.
    Untrash { id: String },
    /// Permanently delete everything in the trash.
    EmptyTrash,
    /// Hand the story in to the desk (status `submitted`); sent at once when a server is set.
    Submit {
        id: String,
        #[command(flatten)]
        server: crate::editorial::ServerArgs,
    },
    /// Give the story to a reporter and/or a photographer (editors; reaches them by sync).
    Assign {
        id: String,
        #[arg(long)]
        reporter: Vec<String>,
        #[arg(long)]
        photographer: Vec<String>,
    },
    /// Word-level differences between two versions: a local revision number, `current`,
    /// `server` (the server's working copy), `published` (what the page shows) or `v2`.
    Diff {
        id: String,
        rev_a: String,
        rev_b: String,
        #[command(flatten)]
        server: crate::editorial::ServerArgs,
    },
    /// The story's published versions on the server (who, when, correction).
    Versions {
        id: String,
        #[command(flatten)]
        server: crate::editorial::ServerArgs,
    },
}

pub fn run(lib: &Library, cmd: ArticleCmd, out: &Out) -> Result<()> {
    match cmd {
        ArticleCmd::Import { file } => {
            let report = lib.import_article(&file)?;
            for w in &report.warnings {
                eprintln!("byline: warning: {w}");
            }
            // The contract: the new id, alone, on stdout (also with --json, for simple scripts).
            println!("{}", report.article.id);
        }
        ArticleCmd::New { title } => {
            let a = lib.create_article(Article::new(byline_text::nfc(&title)))?;
            println!("{}", a.id);
        }
        ArticleCmd::Show { id, revision } => {
            let a = match revision {
                Some(r) => lib.article_revision(&id, r)?,
                None => lib.article(&id)?,
            };
            out.print(&a, print_article);
        }
        ArticleCmd::List {
            search,
            status,
            trash,
            limit,
        } => list(lib, search, status.as_deref(), trash, limit, out)?,
        ArticleCmd::Export {
            id,
            format,
            out: file,
        } => {
            let format = ExportFormat::parse(&format)?;
            let text = lib.export_article(&id, format, file.as_deref())?;
            match file {
                Some(f) => eprintln!("wrote {}", f.display()),
                None => print!("{text}"),
            }
        }
        ArticleCmd::Set { id, field, value } => {
            let a = lib.set_field(&id, Field::parse(&field)?, &value)?;
            out.print(&a, |a| println!("{} now at revision {}", a.id, a.revision));
        }
        ArticleCmd::Revisions { id } => revisions(lib, &id, out)?,
        ArticleCmd::Restore { id, revision } => restore(lib, &id, revision, out)?,
        ArticleCmd::Attach {
            article_id,
            photo_id,
            caption,
        } => {
            let a = lib.attach_photo(&article_id, &photo_id, caption.as_deref())?;
            out.print(&a, |a| {
                println!(
                    "{} now has {} blocks (revision {})",
                    a.id,
                    a.blocks.len(),
                    a.revision
                )
            });
        }
        ArticleCmd::Delete { id } => {
            lib.trash(&id)?;
            eprintln!("moved {id} to the trash (`byline article untrash {id}` brings it back)");
        }
        ArticleCmd::Untrash { id } => {
            lib.untrash(&id)?;
            eprintln!("restored {id} from the trash");
        }
        ArticleCmd::EmptyTrash => {
            let n = lib.empty_trash()?;
            eprintln!("permanently deleted {n} stories");
        }
        ArticleCmd::Submit { id, server } => crate::editorial::submit(lib, &id, &server, out)?,
        ArticleCmd::Assign {
            id,
            reporter,
            photographer,
        } => crate::editorial::assign(lib, &id, reporter, photographer, out)?,
        ArticleCmd::Diff {
            id,
            rev_a,
            rev_b,
            server,
        } => crate::editorial::diff(lib, &id, &rev_a, &rev_b, &server, out)?,
        ArticleCmd::Versions { id, server } => crate::editorial::versions(lib, &id, &server, out)?,
    }
    Ok(())
}

/// `article list`: the story list, or search hits with `--search`, filtered by status.
fn list(
    lib: &Library,
    search: Option<String>,
    status: Option<&str>,
    trash: bool,
    limit: usize,
    out: &Out,
) -> Result<()> {
    let status = match status {
        Some(s) => Some(Status::parse(s).ok_or_else(|| {
            crate::invalid(format!(
                "status `{s}` is not one of draft, ready, submitted, edited, approved, published, withdrawn"
            ))
        })?),
        None => None,
    };
    let Some(q) = search else {
        let scope = if trash { Scope::Trash } else { Scope::Live };
        let rows: Vec<_> = lib
            .articles(scope)?
            .into_iter()
            .filter(|a| status.is_none_or(|s| a.status == s))
            .take(limit)
            .collect();
        out.print(&rows, |rows| {
            for a in rows {
                println!(
                    "{}  {:<9}  {}  {}",
                    a.id,
                    a.status.as_str(),
                    &a.updated_at[..16.min(a.updated_at.len())],
                    ellipsize(&a.title, 70)
                );
            }
        });
        return Ok(());
    };
    let hits: Vec<SearchHit> = lib
        .search(&q, limit)?
        .into_iter()
        .filter(|h| status.is_none_or(|s| h.article.status == s))
        .collect();
    out.print(&hits, |hits| {
        if hits.is_empty() {
            eprintln!("no stories match `{q}`");
        }
        for h in hits {
            println!(
                "{}  {:<9}  {}",
                h.article.id,
                h.article.status.as_str(),
                h.article.title
            );
            println!("    {}", marked(&h.snippet.text, &h.snippet.highlights));
        }
    });
    Ok(())
}

/// `article revisions`: the history, oldest first.
fn revisions(lib: &Library, id: &str, out: &Out) -> Result<()> {
    let revs = lib.revisions(id)?;
    out.print(&revs, |revs| {
        for r in revs {
            println!(
                "{:>4}  {}  {}  {}",
                r.revision,
                r.saved_at,
                r.author,
                &r.content_hash[..12]
            );
        }
    });
    Ok(())
}

/// `article restore`: an old revision saved again as the newest.
fn restore(lib: &Library, id: &str, revision: u64, out: &Out) -> Result<()> {
    #[derive(Serialize)]
    struct Restored {
        id: String,
        restored: u64,
        revision: u64,
    }
    let outcome = lib.restore(id, revision)?;
    let r = Restored {
        id: lib.resolve_article_id(id)?,
        restored: revision,
        revision: outcome.revision,
    };
    out.print(&r, |r| {
        println!(
            "restored revision {} of {} as revision {}",
            r.restored, r.id, r.revision
        )
    });
    Ok(())
}

/// Marks highlighted ranges with [brackets] for the terminal.
fn marked(text: &str, ranges: &[(usize, usize)]) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if ranges.iter().any(|r| r.0 == i) {
            out.push('[');
        }
        if ranges.iter().any(|r| r.1 == i) {
            out.push(']');
        }
        out.push(c);
    }
    if ranges.iter().any(|r| r.1 == text.chars().count()) {
        out.push(']');
    }
    out
}

fn print_article(a: &Article) {
    if !a.section.is_empty() {
        println!("{}", a.section.to_uppercase());
    }
    println!("{}", a.title);
    let when = a
        .published_at
        .map(|t| t.to_rfc3339())
        .unwrap_or_else(|| "not published".into());
    println!(
        "{} · {} · revision {} · {}",
        a.status.as_str(),
        when,
        a.revision,
        a.id
    );
    println!();
    if !a.lead.is_empty() {
        println!("{}\n", a.lead);
    }
    for (i, b) in a.blocks.iter().enumerate() {
        match &b.kind {
            BlockKind::Figure {
                photo_id,
                caption,
                credit,
                ..
            } => {
                let photo = photo_id
                    .as_deref()
                    .map_or("no photo".to_owned(), |p| p[..12.min(p.len())].to_owned());
                let credit = if credit.is_empty() {
                    String::new()
                } else {
                    format!(" ({credit})")
                };
                println!("[{i}] [ảnh {photo}] {caption}{credit}\n");
            }
            BlockKind::Heading { text, .. } => println!("[{i}] ## {text}\n"),
            BlockKind::Quote { text, .. } => println!("[{i}] > {text}\n"),
            BlockKind::Paragraph { text } => println!("[{i}] {text}\n"),
        }
    }
    let people: Vec<String> = a
        .byline
        .iter()
        .map(|p| format!("{} ({})", p.name, p.role))
        .collect();
    if !people.is_empty() {
        println!("{}", people.join(", "));
    }
}
