//! `byline photo …`: the photo part of the CLI contract.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use clap::Subcommand;

use byline_core::photodesk::{FieldEdit, PhotoView, Progress};
use byline_core::{CoreError, Library, Result};

use crate::output::Out;

#[derive(Subcommand)]
pub enum PhotoCmd {
    /// Import files and folders (recursive); known photos are reported as duplicates.
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Show one photo: size as displayed, capture facts, caption and credits, rendition paths.
    Show { id: String },
    /// List every photo, newest import first.
    List,
    /// Set caption fields on one or many photos (a template may use {creator} {city} {country}
    /// {date} {filename} {caption} {credit}).
    Caption {
        #[arg(required = true)]
        ids: Vec<String>,
        #[arg(long)]
        caption: Option<String>,
        #[arg(long)]
        creator: Option<String>,
        #[arg(long)]
        credit: Option<String>,
        #[arg(long)]
        copyright: Option<String>,
        #[arg(long)]
        city: Option<String>,
        #[arg(long)]
        country: Option<String>,
        /// Comma-separated keywords (replaces the list).
        #[arg(long)]
        keywords: Option<String>,
        #[arg(long)]
        template: Option<String>,
    },
    /// Caption history of a photo.
    History { id: String },
    /// Write the original with its caption and credits embedded (IPTC IIM + XMP), pixels untouched.
    Export {
        id: String,
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn run(lib: &Library, cmd: PhotoCmd, out: &Out) -> Result<()> {
    match cmd {
        PhotoCmd::Import { paths } => {
            let cancel = AtomicBool::new(false);
            let progress = |p: &Progress| {
                let mut err = std::io::stderr().lock();
                let _ = writeln!(
                    err,
                    "{} {}/{} {}",
                    p.stage,
                    p.done,
                    p.total,
                    p.current.display()
                );
            };
            let report = lib.import_photos(&paths, &cancel, &progress)?;
            out.print(&report, |r| {
                for p in &r.imported {
                    println!("imported   {}  {}", &p.id[..12], p.path.display());
                }
                for p in &r.duplicates {
                    println!("duplicate  {}  {}", &p.id[..12], p.path.display());
                }
                for f in &r.failed {
                    println!("FAILED     {}: {}", f.path.display(), f.error);
                }
                println!(
                    "{} imported, {} duplicates, {} failed",
                    r.imported.len(),
                    r.duplicates.len(),
                    r.failed.len()
                );
            });
            if !report.failed.is_empty() {
                // The contract: non-zero when any file failed (the rest are imported).
                return Err(CoreError::Invalid(format!(
                    "{} of {} files could not be imported (listed above); the others were",
                    report.failed.len(),
                    report.failed.len() + report.imported.len() + report.duplicates.len()
                )));
            }
        }
        PhotoCmd::Show { id } => {
            let v = lib.photo_view(&id)?;
            out.print(&v, print_photo);
        }
        PhotoCmd::List => {
            let all = lib.photo_views()?;
            out.print(&all, |all| {
                for p in all {
                    println!(
                        "{}  {:>4}x{:<4}  {:<20}  {}",
                        &p.id[..12],
                        p.width,
                        p.height,
                        p.original_name,
                        p.caption
                    );
                }
            });
        }
        PhotoCmd::Caption {
            ids,
            caption,
            creator,
            credit,
            copyright,
            city,
            country,
            keywords,
            template,
        } => {
            let edit = FieldEdit {
                caption,
                creator,
                credit,
                copyright,
                city,
                country,
                keywords: keywords.map(|k| k.split(',').map(str::to_owned).collect()),
                template,
            };
            let views = lib.caption_photos(&ids, &edit)?;
            out.print(&views, |vs| {
                for v in vs {
                    println!("{}  {}", &v.id[..12], v.caption);
                }
            });
        }
        PhotoCmd::History { id } => {
            let h = lib.photo_history(&id)?;
            #[derive(serde::Serialize)]
            struct Row<'a> {
                revision: u64,
                saved_at: &'a str,
                author: &'a str,
                fields: &'a byline_core::photodesk::EditableFields,
            }
            let rows: Vec<Row<'_>> = h
                .iter()
                .map(|(revision, saved_at, author, fields)| Row {
                    revision: *revision,
                    saved_at,
                    author,
                    fields,
                })
                .collect();
            out.print(&rows, |rows| {
                for r in rows {
                    println!(
                        "{:>3}  {}  {}  {}",
                        r.revision, r.saved_at, r.author, r.fields.caption
                    );
                }
            });
        }
        PhotoCmd::Export { id, out: file } => {
            lib.export_photo(&id, &file)?;
            eprintln!("wrote {}", file.display());
        }
    }
    Ok(())
}

fn print_photo(p: &PhotoView) {
    println!("{}  ({})", p.id, p.original_name);
    println!(
        "{} {}x{} (orientation {}), {} bytes",
        p.format, p.width, p.height, p.orientation, p.size
    );
    if let Some(t) = &p.taken_at {
        println!("taken    {t}");
    }
    if let Some(c) = &p.camera {
        println!("camera   {c}");
    }
    if let Some(g) = &p.gps {
        println!("gps      {:.6}, {:.6}", g.lat, g.lon);
    }
    println!("caption  {}", p.caption);
    println!("creator  {}", p.creator);
    println!("credit   {}", p.credit);
    println!("rights   {}", p.copyright);
    println!("place    {} {}", p.city, p.country);
    println!("keywords {}", p.keywords.join(", "));
    println!("thumb    {}", p.thumbnail.display());
    println!("preview  {}", p.preview.display());
}
