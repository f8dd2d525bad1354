//! `byline photo …`: the photo part of the CLI contract.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use clap::Subcommand;

use byline_core::ingest::IngestOptions;
use byline_core::marks::{MarkEdit, parse_label};
use byline_core::photo_query::{Missing, PhotoQuery, Sort};
use byline_core::photodesk::{FieldEdit, ImportReport, PhotoView, Progress};
use byline_core::previews::{self, PreviewReport, Previews};
use byline_core::{CoreError, Library, Result};

use crate::output::Out;

#[derive(Subcommand)]
pub enum PhotoCmd {
    /// Import files and folders (recursive); known photos are reported as duplicates.
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Ingest a card: import, plus a verified second copy of every new file in --backup, named
    /// by --rename ({date} {time} {seq} {camera} {original}); the card is only read.
    Ingest {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long)]
        backup: Option<PathBuf>,
        #[arg(long)]
        rename: Option<String>,
        /// "CAMERA MODEL=±HH:MM:SS": shift that camera's capture times (repeatable).
        #[arg(long = "time-offset")]
        time_offsets: Vec<String>,
        /// A caption template for every new photo ({city}, {date}, {creator}, {filename}…).
        #[arg(long)]
        caption_template: Option<String>,
        /// When the 1600 px previews are made: `later` (the card copies at about reading speed;
        /// the app, `photo show` and `photo previews` make them) or `now` (a slower ingest).
        #[arg(long, value_enum, default_value_t = PreviewsWhen::Later)]
        previews: PreviewsWhen,
    },
    /// Show one photo: size as displayed, capture facts, caption and credits, rendition paths.
    Show { id: String },
    /// List photos, newest import first; filters narrow the list (all must hold).
    List {
        #[command(flatten)]
        filter: ListFilter,
    },
    /// Set culling marks on one or many photos: stars, colour label, tag (pick), reject.
    Mark {
        #[arg(required = true)]
        ids: Vec<String>,
        /// Stars, 0 (none) to 5.
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=5))]
        rating: Option<u8>,
        /// red, yellow, green, blue, purple, or none to clear.
        #[arg(long)]
        label: Option<String>,
        #[arg(long, conflicts_with = "untag")]
        tag: bool,
        #[arg(long)]
        untag: bool,
        #[arg(long, conflicts_with = "unreject")]
        reject: bool,
        #[arg(long)]
        unreject: bool,
    },
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
    /// Make the 1600 px previews an ingest left for later (the app makes them by itself after
    /// an ingest; `photo show` and `photo list` make the ones they print).
    Previews,
    /// Caption history of a photo.
    History { id: String },
    /// Write the original with its caption and credits embedded (IPTC IIM + XMP), pixels untouched.
    Export {
        id: String,
        #[arg(long)]
        out: PathBuf,
    },
}

/// `photo ingest --previews`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum PreviewsWhen {
    Now,
    Later,
}

pub fn run(lib: &Library, cmd: PhotoCmd, out: &Out) -> Result<()> {
    match cmd {
        PhotoCmd::Import { paths } => {
            let cancel = AtomicBool::new(false);
            let report = lib.import_photos(&paths, &cancel, &progress)?;
            out.print(&report, print_import);
            failed_exit(&report)?;
        }
        PhotoCmd::Ingest {
            paths,
            backup,
            rename,
            time_offsets,
            caption_template,
            previews,
        } => {
            let opts = IngestOptions {
                backup,
                rename,
                time_offsets,
                caption_template,
                previews: match previews {
                    PreviewsWhen::Now => Previews::WithImport,
                    PreviewsWhen::Later => Previews::Later,
                },
            };
            ingest(lib, &paths, &opts, out)?;
        }
        PhotoCmd::Show { id } => {
            let v = lib.photo_view(&id)?;
            // The contract promises a preview file on disk; an ingest may have left it for later.
            if let Err(e) = lib.ensure_preview(&v.id) {
                eprintln!("warning: {e}");
            }
            out.print(&v, print_photo);
        }
        PhotoCmd::Mark {
            ids,
            rating,
            label,
            tag,
            untag,
            reject,
            unreject,
        } => {
            let flag = |on: bool, off: bool| (on || off).then_some(on);
            let edit = MarkEdit {
                rating,
                label: label.as_deref().map(parse_label).transpose()?,
                tagged: flag(tag, untag),
                rejected: flag(reject, unreject),
            };
            let views = lib.mark_photos(&ids, &edit)?;
            out.print(&views, |vs| {
                for v in vs {
                    println!("{}  {}", &v.id[..12], marks_text(v));
                }
            });
        }
        PhotoCmd::List { filter } => {
            let all = lib.find_photos(&filter.query()?)?;
            // The contract promises preview files on disk; an ingest may have left them for later.
            if all.iter().any(|p| !previews::present(&p.preview)) {
                for f in make_previews(lib)?.failed {
                    eprintln!("warning: {}: {}", f.path.display(), f.error);
                }
            }
            out.print(&all, |all| {
                for p in all {
                    println!(
                        "{}  {:>4}x{:<4}  {:<20}  {:<14}  {}",
                        &p.id[..12],
                        p.width,
                        p.height,
                        p.original_name,
                        marks_text(p),
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
        PhotoCmd::Previews => run_previews(lib, out)?,
        PhotoCmd::History { id } => history(lib, &id, out)?,
        PhotoCmd::Export { id, out: file } => {
            lib.export_photo(&id, &file)?;
            eprintln!("wrote {}", file.display());
        }
    }
    Ok(())
}

/// `photo ingest`: an import plus the verified backup copies.
fn ingest(lib: &Library, paths: &[PathBuf], opts: &IngestOptions, out: &Out) -> Result<()> {
    let cancel = AtomicBool::new(false);
    let report = lib.ingest_photos(paths, opts, &cancel, &progress)?;
    out.print(&report, |r| {
        print_import(&r.import);
        for b in &r.backed_up {
            println!("backup     {}  {}", &b.id[..12], b.path.display());
        }
    });
    if opts.previews == Previews::Later && !report.import.imported.is_empty() {
        eprintln!(
            "the {} new photos have their thumbnails; their 1600 px previews are made when Byline \
             next opens, or now with `byline photo previews`",
            report.import.imported.len()
        );
    }
    failed_exit(&report.import)
}

/// `photo previews`: the previews an ingest left for later, made on all cores.
fn run_previews(lib: &Library, out: &Out) -> Result<()> {
    let report = make_previews(lib)?;
    out.print(&report, |r| {
        for f in &r.failed {
            println!("FAILED     {}: {}", f.path.display(), f.error);
        }
        println!("{} previews made, {} failed", r.made.len(), r.failed.len());
    });
    if report.failed.is_empty() {
        return Ok(());
    }
    Err(CoreError::Invalid(format!(
        "{} previews could not be made (listed above); the photos and their thumbnails are fine",
        report.failed.len()
    )))
}

fn make_previews(lib: &Library) -> Result<PreviewReport> {
    let cancel = AtomicBool::new(false);
    lib.make_missing_previews(&cancel, &|done, total| {
        eprintln!("making previews {done}/{total}");
    })
}

/// `photo history`: each caption revision of a photo, oldest first.
fn history(lib: &Library, id: &str, out: &Out) -> Result<()> {
    #[derive(serde::Serialize)]
    struct Row<'a> {
        revision: u64,
        saved_at: &'a str,
        author: &'a str,
        fields: &'a byline_core::photodesk::EditableFields,
    }
    let h = lib.photo_history(id)?;
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
    Ok(())
}

/// The photo list's filters (`byline photo list --help`).
#[derive(clap::Args)]
pub struct ListFilter {
    /// At least this many stars.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=5))]
    min_rating: Option<u8>,
    /// Only this colour label (red, yellow, green, blue, purple).
    #[arg(long)]
    label: Option<String>,
    /// Only picks.
    #[arg(long)]
    tagged: bool,
    /// Only rejects.
    #[arg(long, conflicts_with = "hide_rejected")]
    rejected: bool,
    /// Leave rejects out.
    #[arg(long)]
    hide_rejected: bool,
    /// Photos without a caption or without a credit.
    #[arg(long, value_enum)]
    missing: Option<MissingArg>,
    /// Caption, headline, keywords or file name (case and diacritics ignored).
    #[arg(long)]
    search: Option<String>,
    /// Part of the camera's name.
    #[arg(long)]
    camera: Option<String>,
    /// Taken at or after (RFC 3339 or YYYY-MM-DD).
    #[arg(long)]
    taken_from: Option<String>,
    /// Taken at or before (RFC 3339, or YYYY-MM-DD for the whole day).
    #[arg(long)]
    taken_to: Option<String>,
    #[arg(long, value_enum, default_value = "imported_at")]
    sort: SortArg,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum MissingArg {
    Caption,
    Credit,
}

#[derive(Clone, Copy, clap::ValueEnum)]
#[value(rename_all = "snake_case")]
enum SortArg {
    TakenAt,
    Rating,
    ImportedAt,
}

impl ListFilter {
    fn query(self) -> Result<PhotoQuery> {
        Ok(PhotoQuery {
            min_rating: self.min_rating,
            label: match self.label.as_deref().map(parse_label).transpose()? {
                Some(None) | None => None,
                Some(l) => l,
            },
            tagged: self.tagged,
            rejected: if self.rejected {
                Some(true)
            } else if self.hide_rejected {
                Some(false)
            } else {
                None
            },
            missing: self.missing.map(|m| match m {
                MissingArg::Caption => Missing::Caption,
                MissingArg::Credit => Missing::Credit,
            }),
            search: self.search.unwrap_or_default(),
            camera: self.camera.unwrap_or_default(),
            taken_from: self.taken_from,
            taken_to: self.taken_to,
            sort: match self.sort {
                SortArg::TakenAt => Sort::TakenAt,
                SortArg::Rating => Sort::Rating,
                SortArg::ImportedAt => Sort::ImportedAt,
            },
        })
    }
}

/// "★★★☆☆ red tagged" for the human output.
fn marks_text(p: &PhotoView) -> String {
    let m = &p.marks;
    let mut s: String = (0..5)
        .map(|i| if i < m.rating { '★' } else { '☆' })
        .collect();
    if let Some(l) = m.label {
        s.push(' ');
        s.push_str(l.as_str());
    }
    if m.tagged {
        s.push_str(" tagged");
    }
    if m.rejected {
        s.push_str(" rejected");
    }
    s
}

fn progress(p: &Progress) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "{} {}/{} {}",
        p.stage,
        p.done,
        p.total,
        p.current.display()
    );
}

fn print_import(r: &ImportReport) {
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
}

/// The contract: non-zero when any file failed (the rest are imported).
fn failed_exit(report: &ImportReport) -> Result<()> {
    if report.failed.is_empty() {
        return Ok(());
    }
    Err(CoreError::Invalid(format!(
        "{} of {} files could not be imported (listed above); the others were",
        report.failed.len(),
        report.failed.len() + report.imported.len() + report.duplicates.len()
    )))
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
    println!("marks    {}", marks_text(p));
    println!("thumb    {}", p.thumbnail.display());
    println!("preview  {}", p.preview.display());
}
