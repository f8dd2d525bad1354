//! Photo import: cards and folders walked, each new file copied in by content (duplicates
//! recognised before anything is decoded), decoded once on all cores into a 320 px thumbnail
//! and a 1600 px preview (an ingest leaves the preview for later: `previews`), and recorded
//! once its renditions exist, in small groups (at most 100 ms after it was made; see
//! `group_commit`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError, mpsc};

use byline_media::{BatchJob, BatchOptions, DecodePath, Metadata};

use crate::error::{CoreError, Result};
use crate::landing::{self, BackupTo, Final, Landed};
use crate::photodesk::{
    EditableFields, Failed, Gps, IdPath, ImportReport, PREVIEW_EDGE, Progress, Stage,
    THUMBNAIL_EDGE, record_revision, rendition_path, template_vars,
};
use crate::photos::StoredMeta;
use crate::previews::Previews;
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
    run(lib, paths, cancel, progress, &adjust, None).map(|(r, _)| r)
}

/// How photos are adjusted as they are recorded: the newsroom's zone for cameras that record
/// none, an ingest's clock corrections per camera model and its caption template; and whether
/// their previews wait (an ingest's do, see `previews`).
pub(crate) struct Adjust {
    pub zone: chrono::FixedOffset,
    /// (EXIF Model, seconds to add), matched ignoring case.
    pub shifts: Vec<(String, i64)>,
    pub caption_template: Option<String>,
    pub previews: Previews,
}

impl Adjust {
    pub(crate) fn for_library(lib: &Library) -> Result<Adjust> {
        Ok(Adjust {
            zone: lib.settings().unwrap_or_default().zone()?,
            shifts: Vec::new(),
            caption_template: None,
            previews: Previews::WithImport,
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

/// An ingest's backup: the folder, and the name of each selected file's copy (in the order of
/// the files given, which are the card's photos in card order).
#[derive(Clone, Copy)]
pub(crate) struct BackupNames<'a> {
    pub dir: &'a Path,
    pub names: &'a (dyn Fn(&[PathBuf]) -> Vec<String> + Sync),
}

/// The decode's headroom when the thumbnail is made alone. With the default 1.33 most frames
/// decode at 1/8 scale, which is each 8×8 block's average: measured (`bench/thumbs.sh`, PSNR
/// against a full-size Lanczos3 reference), the phones' thumbnails then lost 0.6-0.8 dB to
/// vipsthumbnail. At 2.0 they decode at 2/8 and every corpus camera is at or above vips, for
/// about 40 % more of the thumbnail's CPU (the Huffman pass, the bulk, is the same).
const THUMBNAIL_HEADROOM: f32 = 2.0;

/// How many landed files are flushed together at most (and how far the card reader may run
/// ahead of the flushes): bounds the bytes held in memory to a few dozen files.
const BATCH: usize = 8;

/// What became of one selected file.
enum Outcome {
    Imported { id: String, backup: Option<PathBuf> },
    Duplicate(String),
    Failed(String),
}

/// The import with adjustments and, for an ingest, backup copies. Four stages overlap: this
/// thread reads the card in order and lands each new file (library and backup temps from one
/// buffer); a flusher makes batches durable and verifies the backups; decoders on every core
/// make the renditions from the bytes in memory; the recorder commits photos in groups. A
/// photo is recorded only once its library copy, its verified backup and its renditions are
/// on disk, so a photo in the library always has its backup.
pub(crate) fn run(
    lib: &Library,
    paths: &[PathBuf],
    cancel: &AtomicBool,
    progress: &(dyn Fn(&Progress) + Sync),
    adjust: &Adjust,
    backup: Option<BackupNames<'_>>,
) -> Result<(ImportReport, Vec<IdPath>)> {
    if paths.is_empty() {
        return Err(CoreError::Invalid(
            "no files to import: choose photos or a folder (a card's DCIM folder works)".into(),
        ));
    }
    let mut report = ImportReport::default();
    let files = select_files(paths, &mut report)?;
    let names = backup.as_ref().map(|b| (b.names)(&files));
    if let Some(b) = &backup {
        std::fs::create_dir_all(b.dir).map_err(|e| CoreError::io(b.dir, e))?;
    }
    let pipe = Pipeline {
        lib,
        files: &files,
        cancel,
        progress,
        adjust,
        defaults: Defaults::from(&lib.settings().unwrap_or_default()),
        expected: AtomicUsize::new(files.len()),
        backed: AtomicUsize::new(0),
        rendered: AtomicUsize::new(0),
        outcomes: Mutex::default(),
    };
    let to = |i: usize| {
        Some(BackupTo {
            dir: backup.as_ref()?.dir.to_owned(),
            name: names.as_ref()?.get(i)?.clone(),
        })
    };
    pipe.run(&to)?;
    let mut outcomes = pipe
        .outcomes
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    outcomes.sort_by_key(|(i, _)| *i);
    let mut backed_up = Vec::new();
    for (i, outcome) in outcomes {
        let path = files[i].clone();
        match outcome {
            Outcome::Imported { id, backup } => {
                if let Some(b) = backup {
                    backed_up.push(IdPath {
                        id: id.clone(),
                        path: b,
                    });
                }
                report.imported.push(IdPath { id, path });
            }
            Outcome::Duplicate(id) => report.duplicates.push(IdPath { id, path }),
            Outcome::Failed(error) => report.failed.push(Failed { path, error }),
        }
    }
    Ok((report, backed_up))
}

/// A photo with its renditions written, ready to record.
struct Made {
    src: PathBuf,
    copied: photos::Copied,
    backup: Option<PathBuf>,
    renditions: Vec<PathBuf>,
    meta: StoredMeta,
}

/// One import's shared state across its stages.
struct Pipeline<'a> {
    lib: &'a Library,
    files: &'a [PathBuf],
    cancel: &'a AtomicBool,
    progress: &'a (dyn Fn(&Progress) + Sync),
    adjust: &'a Adjust,
    defaults: Defaults,
    /// Files that may still become photos (the total of the later stages' progress).
    expected: AtomicUsize,
    backed: AtomicUsize,
    rendered: AtomicUsize,
    outcomes: Mutex<Vec<(usize, Outcome)>>,
}

impl Pipeline<'_> {
    fn run(&self, backup_to: &(dyn Fn(usize) -> Option<BackupTo> + Sync)) -> Result<()> {
        let (landed_tx, landed_rx) = mpsc::sync_channel::<(usize, Landed)>(BATCH);
        let (final_tx, final_rx) = mpsc::sync_channel::<(usize, Final)>(BATCH / 2);
        let (made_tx, made_rx) = mpsc::channel::<(usize, Made)>();
        std::thread::scope(|s| {
            let flusher = s.spawn(move || self.flush(&landed_rx, &final_tx));
            let final_rx = Mutex::new(final_rx);
            let decoders = s.spawn(move || {
                byline_media::on_workers(0, &|| self.decode(&final_rx, &made_tx));
            });
            let recorder = s.spawn(move || {
                group_commit::in_groups(&made_rx, group_commit::EVERY, |group| {
                    self.record(group);
                });
            });
            self.copy_in(backup_to, &landed_tx);
            drop(landed_tx);
            [flusher.join(), decoders.join(), recorder.join()]
                .into_iter()
                .collect::<std::result::Result<Vec<()>, _>>()
        })
        .map(|_| ())
        .map_err(|_| CoreError::Invalid("the import's side task stopped unexpectedly".into()))
    }

    /// A file is final: the window hears of it.
    fn finish(&self, i: usize, outcome: Outcome) {
        let rendered = !matches!(outcome, Outcome::Duplicate(_));
        let less = matches!(outcome, Outcome::Duplicate(_) | Outcome::Failed(_));
        if less {
            self.expected.fetch_sub(1, Ordering::SeqCst);
        }
        self.outcomes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((i, outcome));
        if rendered {
            let done = self.rendered.fetch_add(1, Ordering::SeqCst) + 1;
            (self.progress)(&Progress {
                done,
                total: self.expected.load(Ordering::SeqCst).max(done),
                current: self.files[i].clone(),
                stage: Stage::Rendering,
            });
        }
    }

    /// Stage 1, on the caller's thread (one card, one reader): each file read once, duplicates
    /// recognised by content, new ones landed in temp files and handed to the flusher.
    fn copy_in(
        &self,
        backup_to: &(dyn Fn(usize) -> Option<BackupTo> + Sync),
        tx: &mpsc::SyncSender<(usize, Landed)>,
    ) {
        let mut seen = HashSet::new();
        for (i, src) in self.files.iter().enumerate() {
            if self.cancel.load(Ordering::Relaxed) {
                self.finish(i, Outcome::Failed("import cancelled".into()));
                continue;
            }
            match landing::land(self.lib, src, backup_to(i), &mut seen) {
                Ok(Ok(landed)) => {
                    if let Err(mpsc::SendError((i, _))) = tx.send((i, landed)) {
                        self.finish(i, Outcome::Failed(STOPPED.into()));
                    }
                }
                Ok(Err(dup)) => self.finish(i, Outcome::Duplicate(dup.id)),
                Err(e) => self.finish(i, Outcome::Failed(e.to_string())),
            }
            (self.progress)(&Progress {
                done: i + 1,
                total: self.files.len(),
                current: src.clone(),
                stage: Stage::Copying,
            });
        }
    }

    /// Stage 2, on its own thread: landed files made durable in batches (whatever arrived while
    /// the last batch flushed), backups verified, then on to the decoders. After a cancel the
    /// temps of files not yet durable are removed instead.
    fn flush(&self, rx: &mpsc::Receiver<(usize, Landed)>, tx: &mpsc::SyncSender<(usize, Final)>) {
        while let Ok(first) = rx.recv() {
            let mut batch = vec![first];
            while batch.len() < BATCH {
                match rx.try_recv() {
                    Ok(next) => batch.push(next),
                    Err(_) => break,
                }
            }
            if self.cancel.load(Ordering::Relaxed) {
                for (i, _) in batch {
                    self.finish(i, Outcome::Failed("import cancelled".into()));
                }
                continue;
            }
            let (index, landed): (Vec<usize>, Vec<Landed>) = batch.into_iter().unzip();
            for (i, (_, settled)) in index
                .into_iter()
                .zip(landing::make_durable(self.lib.root(), landed))
            {
                match settled {
                    Ok(f) => {
                        if f.backup.is_some() {
                            (self.progress)(&Progress {
                                done: self.backed.fetch_add(1, Ordering::SeqCst) + 1,
                                total: self.expected.load(Ordering::SeqCst),
                                current: f.src.clone(),
                                stage: Stage::BackingUp,
                            });
                        }
                        if let Err(mpsc::SendError((i, f))) = tx.send((i, f)) {
                            discard(self.lib.root(), &f.copied);
                            self.finish(i, Outcome::Failed(STOPPED.into()));
                        }
                    }
                    Err(e) => self.finish(i, Outcome::Failed(e)),
                }
            }
        }
    }

    /// Stage 3, on every core: one durable file decoded from its bytes into both renditions
    /// (written without a flush each; the recorder flushes a group's together).
    fn decode(&self, rx: &Mutex<mpsc::Receiver<(usize, Final)>>, tx: &mpsc::Sender<(usize, Made)>) {
        loop {
            let next = rx.lock().unwrap_or_else(PoisonError::into_inner).recv();
            let Ok((i, f)) = next else { return };
            let made = if self.cancel.load(Ordering::Relaxed) {
                Err("import cancelled".to_owned())
            } else {
                self.render(f.src.as_path(), &f.copied, &f.bytes)
                    .map(|(meta, renditions)| Made {
                        src: f.src.clone(),
                        copied: f.copied.clone(),
                        backup: f.backup.clone(),
                        renditions,
                        meta,
                    })
            };
            match made {
                Ok(m) => {
                    if let Err(mpsc::SendError((i, m))) = tx.send((i, m)) {
                        discard(self.lib.root(), &m.copied);
                        self.finish(i, Outcome::Failed(STOPPED.into()));
                    }
                }
                Err(e) => {
                    // The backup copy stays: a whole, verified copy of the card file, which the
                    // next ingest finds by its name.
                    discard(self.lib.root(), &f.copied);
                    self.finish(i, Outcome::Failed(e));
                }
            }
        }
    }

    fn render(
        &self,
        src: &Path,
        copied: &photos::Copied,
        bytes: &[u8],
    ) -> std::result::Result<(StoredMeta, Vec<PathBuf>), String> {
        let root = self.lib.root();
        let (edges, opts) = plan(self.adjust.previews);
        let job = BatchJob {
            source: root.join(photos::relative_path(&copied.id, copied.format)),
            outputs: edges
                .iter()
                .map(|&e| (e, root.join(rendition_path(&copied.id, e))))
                .collect(),
        };
        for (_, p) in &job.outputs {
            let dir = p.parent().expect("rendition has a folder");
            std::fs::create_dir_all(dir).map_err(|e| CoreError::io(dir, e).to_string())?;
        }
        let result = byline_media::render_bytes(bytes, &job, &opts);
        let meta = made(
            src,
            &job.source,
            bytes,
            &result,
            &self.defaults,
            self.adjust,
        )?;
        Ok((meta, job.outputs.into_iter().map(|(_, p)| p).collect()))
    }

    /// Stage 4, on the recorder thread: a group's renditions flushed together, then its rows
    /// committed.
    fn record(&self, group: Vec<(usize, Made)>) {
        let flushed = byline_durable::sync_files(
            group
                .iter()
                .flat_map(|(_, m)| m.renditions.iter().map(PathBuf::as_path)),
        );
        if let Err(e) = flushed {
            for (i, m) in group {
                discard(self.lib.root(), &m.copied);
                self.finish(
                    i,
                    Outcome::Failed(format!(
                        "{}: writing its thumbnail failed ({e}); check the disk and import again",
                        m.src.display()
                    )),
                );
            }
            return;
        }
        record_group(self.lib, &group, &|i, m: &Made, r| match r {
            Ok(()) => self.finish(
                i,
                Outcome::Imported {
                    id: m.copied.id.clone(),
                    backup: m.backup.clone(),
                },
            ),
            Err(e) => {
                discard(self.lib.root(), &m.copied);
                self.finish(i, Outcome::Failed(e));
            }
        });
    }
}

const STOPPED: &str = "the import's recorder stopped; import again";

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

/// On the worker that decoded the file: its metadata, read from the bytes in memory, with the
/// photographer's defaults and the import's adjustments, ready to record.
fn made(
    src: &Path,
    lib_path: &Path,
    bytes: &[u8],
    result: &std::result::Result<byline_media::BatchOutput, byline_media::MediaError>,
    defaults: &Defaults,
    adjust: &Adjust,
) -> std::result::Result<StoredMeta, String> {
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
    let what = src.display().to_string();
    let probe = byline_media::probe(bytes, &what).map_err(|e| named(e.to_string()))?;
    let md = byline_media::read_metadata(bytes, &what).map_err(|e| named(e.to_string()))?;
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

/// Hears of one recorded (or refused) photo of a group.
type RecordedFn<'a> = dyn Fn(usize, &Made, std::result::Result<(), String>) + 'a;

/// A group of made photos in one transaction, each row with its first caption revision. When
/// the group fails, each photo is tried alone, so one bad row fails only itself, as when every
/// photo had its own transaction. `done` hears of each photo's outcome.
fn record_group(lib: &Library, group: &[(usize, Made)], done: &RecordedFn<'_>) {
    let insert = |tx: &rusqlite::Connection, m: &Made| {
        photos::insert(tx, &m.copied, &m.src, &m.meta)?;
        record_revision(tx, &m.copied.id, lib.author(), &m.meta.fields).map(|_| ())
    };
    let together = lib
        .db()
        .transaction(|tx| group.iter().try_for_each(|(_, m)| insert(tx, m)));
    let outcomes: Vec<std::result::Result<(), String>> = match together {
        Ok(()) => group.iter().map(|_| Ok(())).collect(),
        Err(e) if group.len() == 1 => vec![Err(e.to_string())],
        Err(_) => group
            .iter()
            .map(|(_, m)| {
                lib.db()
                    .transaction(|tx| insert(tx, m))
                    .map_err(|e| e.to_string())
            })
            .collect(),
    };
    let landed: Vec<String> = group
        .iter()
        .zip(&outcomes)
        .filter(|(_, o)| o.is_ok())
        .map(|((_, m), _)| m.copied.id.clone())
        .collect();
    if !landed.is_empty() {
        lib.notify_photos(landed);
    }
    for ((i, m), outcome) in group.iter().zip(outcomes) {
        done(*i, m, outcome);
    }
}

/// Removes what a failed photo left in the library: its copy and renditions (the card still
/// has it).
fn discard(root: &Path, c: &photos::Copied) {
    for e in [THUMBNAIL_EDGE, PREVIEW_EDGE] {
        let _ = std::fs::remove_file(root.join(rendition_path(&c.id, e)));
    }
    let _ = std::fs::remove_file(root.join(photos::relative_path(&c.id, c.format)));
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

/// The renditions an import makes as it goes and how it decodes for them: both follow from
/// when the previews are made.
fn plan(previews: Previews) -> (&'static [u32], BatchOptions) {
    let (edges, headroom): (&'static [u32], f32) = match previews {
        Previews::WithImport => (
            &[THUMBNAIL_EDGE, PREVIEW_EDGE],
            BatchOptions::default().decode_headroom,
        ),
        Previews::Later => (&[THUMBNAIL_EDGE], THUMBNAIL_HEADROOM),
    };
    let opts = BatchOptions {
        durable: false,
        // A thumbnail alone could often come from the camera's embedded preview, and the
        // frame itself would then go unread until later: a card file damaged past its
        // preview must fail its ingest, while the card is still in the reader.
        embedded_previews: previews == Previews::WithImport,
        decode_headroom: headroom,
        ..BatchOptions::default()
    };
    (edges, opts)
}
