//! Photo import: cards and folders walked, each new file copied in by content (duplicates
//! recognised before anything is decoded), decoded once on all cores into a 320 px thumbnail
//! and a 1600 px preview, and recorded once its renditions exist, in small groups (at most
//! 100 ms after it was made; see `group_commit`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError, mpsc};

use byline_media::{BatchJob, BatchOptions, BatchProgress, DecodePath, Metadata};

use crate::error::{CoreError, Result};
use crate::photodesk::{
    EditableFields, Failed, Gps, IdPath, ImportReport, PREVIEW_EDGE, Progress, Stage,
    THUMBNAIL_EDGE, record_revision, rendition_path, template_vars,
};
use crate::photos::StoredMeta;
use crate::settings::LibrarySettings;
use crate::{Library, capture_time, group_commit, photos};

/// Extensions of photo files: a file with one of these always imports or fails, even when its
/// content is damaged beyond recognition.
const PHOTO_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "jpe", "png", "webp", "tif", "tiff", "heic", "heif", "avif",
];

fn looks_like_photo_name(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| PHOTO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Files under `paths` as (path, named explicitly), folders walked recursively, hidden entries
/// (`.DS_Store`, `.Trashes`) skipped, sorted so imports are reproducible.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| CoreError::io(p, e))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found)?;
            out.extend(found.into_iter().map(|f| (f, false)));
        } else {
            out.push((p.clone(), true));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| CoreError::io(dir, e))?
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => walk(&path, out)?,
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
    Ok(())
}

/// Imports files and folders: a bad file fails alone, known files are duplicates, the rest are
/// copied, decoded once into a thumbnail and a preview, and each is recorded (with the
/// photographer's defaults from Settings) once its renditions exist, in groups at most 100 ms
/// apart, so the grid fills while the import runs and the writer stays free for autosave.
pub fn import(
    lib: &Library,
    paths: &[PathBuf],
    cancel: &AtomicBool,
    progress: &(dyn Fn(&Progress) + Sync),
) -> Result<ImportReport> {
    let adjust = Adjust::for_library(lib)?;
    run(lib, paths, cancel, progress, &adjust, |_| ()).map(|(r, ())| r)
}

/// How photos are adjusted as they are recorded: the newsroom's zone for cameras that record
/// none, an ingest's clock corrections per camera model and its caption template.
pub(crate) struct Adjust {
    pub zone: chrono::FixedOffset,
    /// (EXIF Model, seconds to add), matched ignoring case.
    pub shifts: Vec<(String, i64)>,
    pub caption_template: Option<String>,
}

impl Adjust {
    pub(crate) fn for_library(lib: &Library) -> Result<Adjust> {
        Ok(Adjust {
            zone: lib.settings().unwrap_or_default().zone()?,
            shifts: Vec::new(),
            caption_template: None,
        })
    }

    /// The capture time with its zone, corrected for the camera's clock.
    pub(crate) fn taken_at(&self, md: &Metadata) -> Option<String> {
        let t = capture_time::with_zone(md.captured_at.as_deref()?, self.zone);
        let model = md.camera_model.as_deref().unwrap_or_default().trim();
        Some(
            match self
                .shifts
                .iter()
                .find(|(m, _)| !model.is_empty() && m.trim().eq_ignore_ascii_case(model))
            {
                Some((_, secs)) => capture_time::shifted(&t, *secs),
                None => t,
            },
        )
    }
}

/// The import with adjustments; `side` runs on its own thread over the newly copied files
/// while they are decoded (an ingest's backup copies), and its result is returned.
pub(crate) fn run<S: Send>(
    lib: &Library,
    paths: &[PathBuf],
    cancel: &AtomicBool,
    progress: &(dyn Fn(&Progress) + Sync),
    adjust: &Adjust,
    side: impl FnOnce(&[(PathBuf, photos::Copied)]) -> S + Send,
) -> Result<(ImportReport, S)> {
    if paths.is_empty() {
        return Err(CoreError::Invalid(
            "no files to import: choose photos or a folder (a card's DCIM folder works)".into(),
        ));
    }
    let mut report = ImportReport::default();
    let files = select_files(paths, &mut report)?;
    let fresh = copy_in(lib, &files, cancel, progress, &mut report);
    let jobs = rendition_jobs(lib.root(), &fresh)?;
    let defaults = Defaults::from(&lib.settings().unwrap_or_default());
    let outcomes: Mutex<Vec<(usize, std::result::Result<String, String>)>> = Mutex::default();
    let done = AtomicUsize::new(0);
    // A photo is final once it failed or its row committed: then the window hears of it.
    let finish = |i: usize, outcome: std::result::Result<String, String>| {
        outcomes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((i, outcome));
        progress(&Progress {
            done: done.fetch_add(1, Ordering::SeqCst) + 1,
            total: jobs.len(),
            current: fresh[i].0.clone(),
            stage: Stage::Rendering,
        });
    };
    let (made_tx, made_rx) = mpsc::channel::<(usize, StoredMeta)>();
    let side_out = std::thread::scope(|s| {
        let side = s.spawn(|| side(&fresh));
        let (fresh, finish) = (&fresh, &finish);
        let recorder = s.spawn(move || {
            group_commit::in_groups(&made_rx, group_commit::EVERY, |group| {
                record_group(lib, fresh, &group, finish);
            });
        });
        {
            let on_done = |p: &BatchProgress<'_>| {
                let Some(i) = jobs.iter().position(|j| j.source == p.source) else {
                    return;
                };
                let (src, copied) = &fresh[i];
                match made(lib, src, copied, p.result, &defaults, adjust) {
                    // Its renditions are durable: the recorder may commit its row.
                    Ok(meta) => {
                        if made_tx.send((i, meta)).is_err() {
                            finish(i, Err("the import's recorder stopped; import again".into()));
                        }
                    }
                    Err(e) => finish(i, Err(e)),
                }
            };
            byline_media::process_batch(&jobs, &BatchOptions::default(), cancel, &on_done);
        }
        drop(made_tx);
        let recorded = recorder.join();
        side.join().and_then(|out| recorded.map(|()| out))
    })
    .map_err(|_| CoreError::Invalid("the import's side task stopped unexpectedly".into()))?;
    let mut outcomes = outcomes
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    outcomes.sort_by_key(|(i, _)| *i);
    for (i, outcome) in outcomes {
        let src = fresh[i].0.clone();
        match outcome {
            Ok(id) => report.imported.push(IdPath { id, path: src }),
            Err(error) => {
                discard(&jobs[i]);
                report.failed.push(Failed { path: src, error });
            }
        }
    }
    Ok((report, side_out))
}

/// Photos among the files and folders given; what is plainly not a photo is skipped.
pub(crate) fn select_files(paths: &[PathBuf], report: &mut ImportReport) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for (path, explicit) in expand(paths)? {
        if !explicit && !looks_like_photo_name(&path) && !photos::is_image_file(&path) {
            report.skipped.push(path);
        } else {
            files.push(path);
        }
    }
    Ok(files)
}

/// Stage 1, sequential (one card, one reader): copy in by content.
fn copy_in(
    lib: &Library,
    files: &[PathBuf],
    cancel: &AtomicBool,
    progress: &(dyn Fn(&Progress) + Sync),
    report: &mut ImportReport,
) -> Vec<(PathBuf, photos::Copied)> {
    let mut fresh: Vec<(PathBuf, photos::Copied)> = Vec::new();
    for (i, src) in files.iter().enumerate() {
        if cancel.load(std::sync::atomic::Ordering::Relaxed) {
            report.failed.push(Failed {
                path: src.clone(),
                error: "import cancelled".into(),
            });
            continue;
        }
        match lib.db().read(|c| photos::copy_file(c, lib.root(), src)) {
            Ok(c) if c.duplicate || fresh.iter().any(|(_, f)| f.id == c.id) => {
                report.duplicates.push(IdPath {
                    id: c.id,
                    path: src.clone(),
                });
            }
            Ok(c) => fresh.push((src.clone(), c)),
            Err(e) => report.failed.push(Failed {
                path: src.clone(),
                error: e.to_string(),
            }),
        }
        progress(&Progress {
            done: i + 1,
            total: files.len(),
            current: src.clone(),
            stage: Stage::Copying,
        });
    }
    fresh
}

/// Stage 2's work list: decode each new file once, write both renditions.
fn rendition_jobs(root: &Path, fresh: &[(PathBuf, photos::Copied)]) -> Result<Vec<BatchJob>> {
    let jobs: Vec<BatchJob> = fresh
        .iter()
        .map(|(_, c)| BatchJob {
            source: root.join(photos::relative_path(&c.id, c.format)),
            outputs: [THUMBNAIL_EDGE, PREVIEW_EDGE]
                .iter()
                .map(|&e| (e, root.join(rendition_path(&c.id, e))))
                .collect(),
        })
        .collect();
    for j in &jobs {
        for (_, p) in &j.outputs {
            let dir = p.parent().expect("rendition has a folder");
            std::fs::create_dir_all(dir).map_err(|e| CoreError::io(dir, e))?;
        }
    }
    Ok(jobs)
}

/// Stage 3, on the worker that decoded the file: read its metadata, with the photographer's
/// defaults and the import's adjustments, ready to record.
fn made(
    lib: &Library,
    src: &Path,
    copied: &photos::Copied,
    result: &std::result::Result<byline_media::BatchOutput, byline_media::MediaError>,
    defaults: &Defaults,
    adjust: &Adjust,
) -> std::result::Result<StoredMeta, String> {
    let lib_path = lib
        .root()
        .join(photos::relative_path(&copied.id, copied.format));
    // Errors from the decoder name the library copy; the photographer knows the card file.
    let named = |e: String| e.replace(&lib_path.display().to_string(), &src.display().to_string());
    let out = result.as_ref().map_err(|e| named(e.to_string()))?;
    if matches!(out.decoded_with, DecodePath::ExifThumbnail) {
        return Err(format!(
            "{}: the image data is damaged; only the small embedded thumbnail is readable. \
             Copy the file off the card again, or ask for a new export",
            src.display()
        ));
    }
    let bytes = std::fs::read(&lib_path).map_err(|e| e.to_string())?;
    let what = src.display().to_string();
    let probe = byline_media::probe(&bytes, &what).map_err(|e| named(e.to_string()))?;
    let md = byline_media::read_metadata(&bytes, &what).map_err(|e| named(e.to_string()))?;
    let mut meta = initial_meta(&probe, &md, out.decoded_with);
    meta.taken_at = adjust.taken_at(&md);
    defaults.fill(&mut meta.fields);
    if let Some(t) = &adjust.caption_template {
        let name = src.file_name().map(|n| n.to_string_lossy().into_owned());
        let vars = template_vars(&meta.fields, meta.taken_at.as_deref(), name);
        meta.fields.caption = byline_media::expand_template(t, &vars).map_err(|e| e.to_string())?;
    }
    Ok(meta)
}

/// Stage 4, on the recorder thread: a group of made photos in one transaction, each row with
/// its first caption revision. When the group fails, each photo is tried alone, so one bad row
/// fails only itself, as when every photo had its own transaction.
fn record_group(
    lib: &Library,
    fresh: &[(PathBuf, photos::Copied)],
    group: &[(usize, StoredMeta)],
    finish: &(dyn Fn(usize, std::result::Result<String, String>) + Sync),
) {
    let insert = |tx: &rusqlite::Connection, (i, meta): &(usize, StoredMeta)| {
        let (src, copied) = &fresh[*i];
        photos::insert(tx, copied, src, meta)?;
        record_revision(tx, &copied.id, lib.author(), &meta.fields).map(|_| ())
    };
    let together = lib
        .db()
        .transaction(|tx| group.iter().try_for_each(|m| insert(tx, m)));
    let outcomes: Vec<std::result::Result<String, String>> = match together {
        Ok(()) => group
            .iter()
            .map(|(i, _)| Ok(fresh[*i].1.id.clone()))
            .collect(),
        Err(e) if group.len() == 1 => vec![Err(e.to_string())],
        Err(_) => group
            .iter()
            .map(|m| {
                lib.db()
                    .transaction(|tx| insert(tx, m))
                    .map(|()| fresh[m.0].1.id.clone())
                    .map_err(|e| e.to_string())
            })
            .collect(),
    };
    let landed: Vec<String> = outcomes.iter().filter_map(|o| o.clone().ok()).collect();
    if !landed.is_empty() {
        lib.notify_photos(landed);
    }
    for ((i, _), outcome) in group.iter().zip(outcomes) {
        finish(*i, outcome);
    }
}

/// Removes what a failed file left in the library (the card still has it).
fn discard(job: &BatchJob) {
    for (_, p) in &job.outputs {
        let _ = std::fs::remove_file(p);
    }
    let _ = std::fs::remove_file(&job.source);
}

/// The photographer's defaults from Settings: filled into fields the camera left empty, by
/// every front end (the app, the CLI, a story import).
struct Defaults {
    creator: String,
    credit: String,
    city: String,
}

impl From<&LibrarySettings> for Defaults {
    fn from(s: &LibrarySettings) -> Self {
        Defaults {
            creator: s.photo_creator.clone(),
            credit: s.photo_credit.clone(),
            city: s.photo_city.clone(),
        }
    }
}

impl Defaults {
    fn fill(&self, f: &mut EditableFields) {
        for (field, default) in [
            (&mut f.creator, &self.creator),
            (&mut f.credit, &self.credit),
            (&mut f.city, &self.city),
        ] {
            if field.trim().is_empty() && !default.trim().is_empty() {
                field.clone_from(default);
            }
        }
    }
}

fn initial_meta(p: &byline_media::Probe, md: &Metadata, decoded_with: DecodePath) -> StoredMeta {
    let camera = match (&md.camera_make, &md.camera_model) {
        (Some(make), Some(model)) if model.starts_with(make.as_str()) => Some(model.clone()),
        (Some(make), Some(model)) => Some(format!("{make} {model}")),
        (a, b) => a.clone().or_else(|| b.clone()),
    };
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    StoredMeta {
        width: p.display_width.into(),
        height: p.display_height.into(),
        stored_width: p.width.into(),
        stored_height: p.height.into(),
        orientation: p.orientation.into(),
        taken_at: md.captured_at.clone(),
        camera,
        lens: md.lens.clone(),
        exposure_time: md.exposure_time.clone(),
        f_number: md.f_number,
        iso: md.iso,
        focal_length_mm: md.focal_length_mm,
        gps: md.gps.map(|g| Gps {
            lat: g.latitude,
            lon: g.longitude,
        }),
        decoded_with: Some(format!("{decoded_with:?}")),
        metadata_warnings: md.warnings.clone(),
        fields: EditableFields {
            caption: text(&md.caption),
            headline: text(&md.headline),
            creator: md.creators.join(", "),
            credit: text(&md.credit),
            copyright: text(&md.copyright),
            city: text(&md.city),
            state: text(&md.state),
            country: text(&md.country),
            keywords: md.keywords.clone(),
        },
        marks: md.marks,
    }
}
