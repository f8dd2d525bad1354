//! Safe ingest from a card: the photo import (copy in by content, decode on all cores, each
//! photo recorded as it lands) plus a second byte-identical copy of every new file in a backup
//! folder, written from the same read of the card, named by a template and verified by reading
//! it back before the photo is recorded (see `photo_import` and `landing`). Only thumbnails are
//! made on the way; the previews follow (see `previews`). This module owns
//! the options, the names and the clock corrections. Files the library already holds are
//! copied nowhere. The card is only ever read; every file written goes through a temp file and
//! a rename, so a cancel leaves no partial file.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde::Serialize;

use crate::error::{CoreError, Result};
use crate::photo_import::{self, Adjust, BackupNames};
use crate::photodesk::{IdPath, ImportReport, Progress};
use crate::previews::Previews;
use crate::{Library, capture_time};

/// What an ingest does besides importing.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// A second copy of every new file goes here (created when missing).
    pub backup: Option<PathBuf>,
    /// Name of the backup copies: `{date}` `{time}` `{seq}` `{camera}` `{original}`; the
    /// extension is kept. Default: the original name.
    pub rename: Option<String>,
    /// `CAMERA MODEL=±HH:MM:SS`: a camera whose clock was off.
    pub time_offsets: Vec<String>,
    /// A caption template expanded into every new photo (as `photo caption --template`).
    pub caption_template: Option<String>,
    /// Whether the 1600 px previews are made on the way or after (the default; see `previews`).
    pub previews: Previews,
}

/// The `--json` shape of `byline photo ingest`: the import's report plus the backup copies.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, Serialize)]
pub struct IngestReport {
    #[serde(flatten)]
    pub import: ImportReport,
    /// Each new photo's verified copy in the backup folder.
    pub backed_up: Vec<IdPath>,
}

/// Runs an ingest; see the module comment.
pub fn ingest(
    lib: &Library,
    paths: &[PathBuf],
    opts: &IngestOptions,
    cancel: &AtomicBool,
    progress: &(dyn Fn(&Progress) + Sync),
) -> Result<IngestReport> {
    let mut adjust = Adjust::for_library(lib)?;
    adjust.shifts = opts
        .time_offsets
        .iter()
        .map(|o| parse_offset(o))
        .collect::<Result<_>>()?;
    adjust.caption_template = opts.caption_template.clone();
    adjust.previews = opts.previews;
    let template = Template::parse(opts.rename.as_deref().unwrap_or("{original}"))?;
    let names = |files: &[PathBuf]| backup_names(files, &template, &adjust);
    let backup = opts
        .backup
        .as_deref()
        .map(|dir| BackupNames { dir, names: &names });
    let (import, backed_up) = photo_import::run(lib, paths, cancel, progress, &adjust, backup)?;
    Ok(IngestReport { import, backed_up })
}

/// `CAMERA MODEL=±HH:MM:SS` → (model, seconds).
fn parse_offset(s: &str) -> Result<(String, i64)> {
    let Some((model, shift)) = s.rsplit_once('=') else {
        return Err(CoreError::Invalid(format!(
            "--time-offset `{s}` needs the form \"CAMERA MODEL=±HH:MM:SS\" (the model as `byline photo show` prints it)"
        )));
    };
    if model.trim().is_empty() {
        return Err(CoreError::Invalid(format!(
            "--time-offset `{s}` names no camera model before `=`"
        )));
    }
    Ok((model.trim().to_owned(), capture_time::parse_shift(shift)?))
}

/// What a backup name needs to know about one new photo.
struct Facts {
    taken: Option<DateTime<FixedOffset>>,
    camera: String,
    stem: String,
    ext: String,
}

/// The backup name of each of a card's files, before any is copied: `{seq}` numbers the
/// whole card in capture order, so a file gets the same name whichever ingest copies it (a
/// second one after a cancel finds the copies the first one finished). The capture facts come
/// from the head of each file, a small read beside the copy's.
fn backup_names(files: &[PathBuf], template: &Template, adjust: &Adjust) -> Vec<String> {
    let facts: Vec<Facts> = files.iter().map(|f| facts(f, adjust)).collect();
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by(|&a, &b| {
        let key = |i: usize| (facts[i].taken.is_none(), facts[i].taken, &files[i]);
        key(a).cmp(&key(b))
    });
    let mut names = vec![String::new(); files.len()];
    for (seq, i) in order.into_iter().enumerate() {
        names[i] = format!("{}{}", template.render(&facts[i], seq + 1), facts[i].ext);
    }
    names
}

/// How much of a file is read for its capture facts: EXIF sits in the first 64 KB segment of a
/// JPEG; XMP and IPTC follow soon after.
const HEAD: u64 = 256 * 1024;

/// Capture time (adjusted like the library's record), camera and name of one card file, read
/// from its head (the whole file when the head is not enough to parse).
fn facts(src: &Path, adjust: &Adjust) -> Facts {
    let what = src.display().to_string();
    let read = |limit: u64| {
        let mut b = Vec::new();
        std::fs::File::open(src)
            .and_then(|f| f.take(limit).read_to_end(&mut b))
            .ok()?;
        Some(b)
    };
    let head = read(HEAD);
    let whole = head.as_ref().is_some_and(|h| (h.len() as u64) < HEAD);
    let md = head
        .and_then(|b| byline_media::read_metadata(&b, &what).ok())
        .filter(|m| whole || m.captured_at.is_some())
        .or_else(|| {
            let b = (!whole).then(|| read(u64::MAX)).flatten()?;
            byline_media::read_metadata(&b, &what).ok()
        });
    let taken = md
        .as_ref()
        .and_then(|m| adjust.taken_at(m))
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .or_else(|| {
            // No capture time: the file's own time, in the newsroom's zone.
            let mtime = std::fs::metadata(src).and_then(|m| m.modified()).ok()?;
            Some(DateTime::<chrono::Utc>::from(mtime).with_timezone(&adjust.zone))
        });
    Facts {
        taken,
        camera: md.and_then(|m| m.camera_model).unwrap_or_default(),
        stem: src
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        ext: src
            .extension()
            .map(|e| format!(".{}", e.to_string_lossy()))
            .unwrap_or_default(),
    }
}

/// A backup file name template.
#[derive(Debug, Clone)]
struct Template(Vec<Piece>);

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Date,
    Time,
    Seq,
    Camera,
    Original,
}

impl Template {
    fn parse(t: &str) -> Result<Template> {
        let bad = |why: String| {
            CoreError::Invalid(format!(
                "--rename `{t}`: {why}; variables are {{date}} {{time}} {{seq}} {{camera}} {{original}}"
            ))
        };
        if t.contains(['/', '\\']) || t.trim().is_empty() {
            return Err(bad(
                "a name template cannot be empty or hold a folder".into()
            ));
        }
        let mut pieces = Vec::new();
        let mut rest = t;
        while let Some(i) = rest.find('{') {
            if i > 0 {
                pieces.push(Piece::Text(rest[..i].to_owned()));
            }
            let Some(end) = rest[i..].find('}') else {
                return Err(bad("a `{` is never closed".into()));
            };
            pieces.push(match &rest[i + 1..i + end] {
                "date" => Piece::Date,
                "time" => Piece::Time,
                "seq" => Piece::Seq,
                "camera" => Piece::Camera,
                "original" => Piece::Original,
                other => return Err(bad(format!("unknown variable {{{other}}}"))),
            });
            rest = &rest[i + end + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_owned()));
        }
        Ok(Template(pieces))
    }

    fn render(&self, f: &Facts, seq: usize) -> String {
        let local = f.taken.map(|t| t.naive_local());
        let fmt = |n: Option<NaiveDateTime>, p: &str, none: &str| {
            n.map_or(none.to_owned(), |n| n.format(p).to_string())
        };
        let name: String = self
            .0
            .iter()
            .map(|p| match p {
                Piece::Text(s) => s.clone(),
                Piece::Date => fmt(local, "%Y%m%d", "00000000"),
                Piece::Time => fmt(local, "%H%M%S", "000000"),
                Piece::Seq => format!("{seq:04}"),
                Piece::Camera => f.camera.clone(),
                Piece::Original => f.stem.clone(),
            })
            .collect();
        safe_name(&name)
    }
}

/// A file name every OS accepts: no separators or reserved characters, spaces as `-`.
fn safe_name(s: &str) -> String {
    let s: String = s
        .trim()
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_whitespace() => '-',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let s = s.trim_start_matches('.').to_owned();
    if s.is_empty() { "photo".into() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(t: &str) -> Facts {
        Facts {
            taken: DateTime::parse_from_rfc3339(t).ok(),
            camera: "Canon EOS 5D".into(),
            stem: "IMG_0042".into(),
            ext: ".JPG".into(),
        }
    }

    #[test]
    fn a_rename_template_fills_every_variable_with_a_safe_name() {
        let t = Template::parse("{date}_{time}_{seq}_{camera}_{original}").unwrap();
        assert_eq!(
            t.render(&facts("2026-12-07T09:05:03+07:00"), 7),
            "20261207_090503_0007_Canon-EOS-5D_IMG_0042"
        );
    }

    #[test]
    fn bad_templates_and_offsets_are_refused_with_the_form_to_use() {
        let e = Template::parse("{day}").unwrap_err().to_string();
        assert!(
            e.contains("unknown variable {day}") && e.contains("{seq}"),
            "{e}"
        );
        assert!(Template::parse("a/{seq}").is_err(), "no folders in a name");
        assert!(
            parse_offset("NIKON D90")
                .unwrap_err()
                .to_string()
                .contains("CAMERA MODEL=")
        );
        assert_eq!(
            parse_offset("NIKON D90=+00:10:00").unwrap(),
            ("NIKON D90".to_owned(), 600)
        );
    }
}
