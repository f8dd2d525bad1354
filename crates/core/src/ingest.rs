//! Safe ingest from a card: the photo import (copy in by content, decode on all cores, each
//! photo recorded as it lands) plus, while the photos decode, a second byte-identical copy of
//! every new file in a backup folder, named by a template and verified by reading it back.
//! Files the library already holds are copied nowhere. The card is only ever read; every file
//! written goes through a temp file and a rename, so a cancel leaves no partial file.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde::Serialize;

use crate::error::{CoreError, Result};
use crate::photo_import::{self, Adjust};
use crate::photodesk::{Failed, IdPath, ImportReport, Progress, Stage};
use crate::{Library, capture_time, photos};

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
    let template = Template::parse(opts.rename.as_deref().unwrap_or("{original}"))?;
    if let Some(dir) = &opts.backup {
        std::fs::create_dir_all(dir).map_err(|e| CoreError::io(dir, e))?;
    }
    let (mut import, backups) =
        photo_import::run(lib, paths, cancel, progress, &adjust, |fresh| {
            match &opts.backup {
                Some(dir) => back_up(lib.root(), fresh, dir, &template, &adjust, cancel, progress),
                None => Vec::new(),
            }
        })?;
    let mut backed_up = Vec::new();
    for (src, outcome) in backups {
        match outcome {
            Ok(b) => backed_up.push(b),
            Err(error) => {
                // The library copy stands; the photographer must know the backup is missing.
                import.failed.push(Failed {
                    path: src,
                    error: format!("backup copy failed: {error}"),
                });
            }
        }
    }
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

/// The backup pass, on its own thread: facts of every new file (capture order gives `{seq}`),
/// then a verified copy of each.
fn back_up(
    root: &Path,
    fresh: &[(PathBuf, photos::Copied)],
    dir: &Path,
    template: &Template,
    adjust: &Adjust,
    cancel: &AtomicBool,
    progress: &(dyn Fn(&Progress) + Sync),
) -> Vec<(PathBuf, std::result::Result<IdPath, String>)> {
    let mut order: Vec<(usize, Facts)> = fresh
        .iter()
        .enumerate()
        .map(|(i, (src, c))| {
            (
                i,
                facts(
                    src,
                    &root.join(photos::relative_path(&c.id, c.format)),
                    adjust,
                ),
            )
        })
        .collect();
    order.sort_by(|(ia, a), (ib, b)| {
        (a.taken.is_none(), a.taken, &fresh[*ia].0).cmp(&(
            b.taken.is_none(),
            b.taken,
            &fresh[*ib].0,
        ))
    });
    let mut out = Vec::new();
    for (seq, (i, f)) in order.into_iter().enumerate() {
        let (src, c) = &fresh[i];
        if cancel.load(Ordering::Relaxed) {
            out.push((
                src.clone(),
                Err("ingest cancelled before its backup copy".into()),
            ));
            continue;
        }
        let name = format!("{}{}", template.render(&f, seq + 1), f.ext);
        let copied = copy_verified(
            &root.join(photos::relative_path(&c.id, c.format)),
            dir,
            &name,
            &c.id,
        )
        .map(|path| IdPath {
            id: c.id.clone(),
            path,
        });
        out.push((src.clone(), copied.map_err(|e| e.to_string())));
        progress(&Progress {
            done: seq + 1,
            total: fresh.len(),
            current: src.clone(),
            stage: Stage::BackingUp,
        });
    }
    out
}

/// Capture time (adjusted like the library's record), camera and name of one new file, read
/// from the library's copy (the card is read once, by the copy in).
fn facts(src: &Path, copy: &Path, adjust: &Adjust) -> Facts {
    let md = std::fs::read(copy)
        .ok()
        .and_then(|b| byline_media::read_metadata(&b, &src.display().to_string()).ok());
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

/// Copies `from` to `dir/name` through a temp file in `dir` (fsync, rename), then reads the
/// copy back and checks its SHA-256. A file already there with these bytes is kept (a second
/// ingest after a cancel); another file of that name makes the copy `name-2`, `name-3`….
fn copy_verified(from: &Path, dir: &Path, name: &str, id: &str) -> Result<PathBuf> {
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => name.split_at(i),
        _ => (name, ""),
    };
    let mut dest = dir.join(name);
    for n in 2.. {
        if !dest.exists() {
            break;
        }
        if photos::hash_file(&dest)? == id {
            return Ok(dest);
        }
        dest = dir.join(format!("{stem}-{n}{ext}"));
    }
    let mut input = std::fs::File::open(from).map_err(|e| CoreError::io(from, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".byline-ingest-")
        .tempfile_in(dir)
        .map_err(|e| CoreError::io(dir, e))?;
    std::io::copy(&mut input, tmp.as_file_mut()).map_err(|e| CoreError::io(tmp.path(), e))?;
    byline_durable::persist(tmp, &dest).map_err(|e| CoreError::io(&dest, e))?;
    let back = photos::hash_file(&dest)?;
    if back != id {
        let _ = std::fs::remove_file(&dest);
        return Err(CoreError::bad_file(
            &dest,
            "the backup copy reads back different from the original (a failing drive?); \
             check the backup drive and ingest again",
        ));
    }
    Ok(dest)
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
