//! The 1600 px previews an ingest leaves for later, as Lightroom's "minimal previews on import"
//! and Photo Mechanic do: a card lands with its thumbnails (a decode at 2/8 scale, most of whose
//! cost is reading the compressed data once), and each preview is made when something first
//! needs it (the loupe, an upload, an export, `photo show`) or by the background pass that
//! follows an ingest in the app. This module owns which photos still lack a preview, making
//! one, and making all of them. A preview is derived data, written like every rendition (temp
//! file, rename, flushed), so two makers racing for the same photo both leave a whole file.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use byline_media::{BatchJob, BatchOptions};
use serde::Serialize;

use crate::error::{CoreError, Result};
use crate::photodesk::{Failed, PREVIEW_EDGE, Served, rendition_for_url, rendition_path};
use crate::{Library, photos};

/// When an import makes the 1600 px previews (Lightroom asks the same at import: "Minimal" or
/// "Standard" previews).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Previews {
    /// With the thumbnail, from the same decode (`photo import`: a few photos for a story; an
    /// ingest with `--previews now`: a slower ingest, less work in all, no wait in the loupe).
    WithImport,
    /// After the import (an ingest's default: the card copies at about reading speed).
    #[default]
    Later,
}

/// What a pass over the missing previews did (`byline photo previews --json`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct PreviewReport {
    /// Ids of the photos whose preview was made.
    pub made: Vec<String>,
    pub failed: Vec<Failed>,
}

/// Where a photo's preview lives.
pub fn path(root: &Path, id: &str) -> PathBuf {
    root.join(rendition_path(id, PREVIEW_EDGE))
}

/// The photo's preview, made now from its original when it has none yet, on the calling thread
/// and at its priority (someone is waiting for this one).
pub fn ensure(lib: &Library, id: &str) -> Result<PathBuf> {
    let out = path(lib.root(), id);
    if present(&out) {
        return Ok(out);
    }
    let rec = lib.photo(id)?;
    let job = job(lib.root(), &rec.id, &rec.format);
    make_folders(std::slice::from_ref(&job))?;
    let bytes = std::fs::read(&job.source).map_err(|e| CoreError::io(&job.source, e))?;
    byline_media::render_bytes(&bytes, &job, &BatchOptions::default())
        .map_err(|e| failed(&rec, &e))?;
    Ok(out)
}

/// The photos without a preview, as the jobs that make them.
pub fn missing(lib: &Library) -> Result<Vec<MissingPreview>> {
    let root = lib.root();
    Ok(lib
        .photos()?
        .iter()
        .filter(|p| !present(&path(root, &p.id)))
        .map(|p| MissingPreview {
            id: p.id.clone(),
            job: job(root, &p.id, &p.format),
        })
        .collect())
}

/// A photo without its preview, and the batch job that makes it.
#[derive(Debug, Clone)]
pub struct MissingPreview {
    pub id: String,
    pub job: BatchJob,
}

/// Makes every missing preview on all cores (the workers give way to the foreground, as an
/// import's do); `progress` hears (done, total) after each photo. A cancel stops before the
/// next photo; what was made stays.
pub fn make_missing(
    lib: &Library,
    cancel: &AtomicBool,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<PreviewReport> {
    let (ids, jobs): (Vec<String>, Vec<BatchJob>) =
        missing(lib)?.into_iter().map(|m| (m.id, m.job)).unzip();
    make_folders(&jobs)?;
    let unsynced = BatchOptions {
        durable: false,
        ..BatchOptions::default()
    };
    let results = byline_media::process_batch(&jobs, &unsynced, cancel, &|p| {
        progress(p.done, p.total);
    });
    // Flushed together at the end, as an import's renditions are in groups: a flush per file
    // while decoding left a core idle for each. A crash before this leaves at worst an empty
    // file, which counts as missing (`present`).
    let written = jobs.iter().zip(&results).filter(|(_, r)| r.is_ok());
    byline_durable::sync_files(
        written.flat_map(|(j, _)| j.outputs.iter().map(|(_, p)| p.as_path())),
    )
    .map_err(|e| CoreError::io(lib.root().join("previews"), e))?;
    let mut report = PreviewReport::default();
    for ((id, job), result) in ids.into_iter().zip(&jobs).zip(results) {
        match result {
            Ok(_) => report.made.push(id),
            Err(byline_media::MediaError::Cancelled { .. }) => {}
            Err(e) => report.failed.push(Failed {
                path: job.source.clone(),
                error: format!("{e}; its thumbnail stays, and `byline photo previews` tries again"),
            }),
        }
    }
    Ok(report)
}

/// What the `byline://` scheme serves for `url_path` (see [`rendition_for_url`]), with a
/// preview an ingest left for later made first: the loupe asks for it, and its neighbours, by
/// URL. Takes a decode when it makes one, so callers keep it off the window's thread.
pub fn serve(lib: &Library, url_path: &str) -> Option<Served> {
    let served = rendition_for_url(lib.root(), url_path)?;
    let wanted = url_path.trim_start_matches('/');
    if !present(&served.path)
        && let Some(id) = wanted.strip_prefix("preview/")
    {
        ensure(lib, id).ok()?;
    }
    Some(served)
}

/// The app's background preview maker: at most one pass at a time, and no request lost.
#[derive(Debug, Default)]
pub struct Background {
    running: AtomicBool,
    /// Set by every request; a pass that sees it set makes another round.
    wanted: AtomicBool,
}

/// Asks for a background pass over the missing previews and returns at once: after each
/// ingest, and when the app opens (a CLI ingest leaves previews too). Each request gets a
/// round that starts after it was made, so photos an ingest recorded while a round ran are
/// not skipped; a photo whose preview cannot be made is tried once per request, not forever.
pub fn start_background(lib: &Library, bg: &Arc<Background>) {
    bg.wanted.store(true, Ordering::SeqCst);
    if bg.running.swap(true, Ordering::SeqCst) {
        return;
    }
    let (lib, pass) = (lib.clone(), Arc::clone(bg));
    let spawned = std::thread::Builder::new()
        .name("byline-previews".into())
        .spawn(move || {
            let never = AtomicBool::new(false);
            loop {
                while pass.wanted.swap(false, Ordering::SeqCst) {
                    let _ = make_missing(&lib, &never, &|_, _| {});
                }
                pass.running.store(false, Ordering::SeqCst);
                // A request between the last round and the line above found us still running.
                if !pass.wanted.load(Ordering::SeqCst) || pass.running.swap(true, Ordering::SeqCst)
                {
                    return;
                }
            }
        });
    if spawned.is_err() {
        bg.running.store(false, Ordering::SeqCst);
    }
}

/// A preview is there when its file has bytes: after a crash, a file renamed into place whose
/// data never reached the disk is empty, and is made again.
pub fn present(p: &Path) -> bool {
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() > 0)
}

/// A preview job; made with `BatchOptions::default()`'s decode and quality, the options an
/// import uses, so a preview made later is the very file an import would have made.
fn job(root: &Path, id: &str, format: &str) -> BatchJob {
    BatchJob {
        source: root.join(photos::relative_path(id, format)),
        outputs: vec![(PREVIEW_EDGE, path(root, id))],
    }
}

fn make_folders(jobs: &[BatchJob]) -> Result<()> {
    for (_, out) in jobs.iter().flat_map(|j| &j.outputs) {
        let dir = out.parent().expect("a preview has a folder");
        std::fs::create_dir_all(dir).map_err(|e| CoreError::io(dir, e))?;
    }
    Ok(())
}

/// Why one photo's preview could not be made, naming the photo and what still works.
fn failed(rec: &photos::PhotoRecord, e: &byline_media::MediaError) -> CoreError {
    CoreError::Invalid(format!(
        "photo {}: its preview cannot be made ({e}); the photo and its thumbnail stay. \
         `byline photo previews` tries again; if the original is damaged, the ingest's backup \
         copy or the card has it",
        rec.id
    ))
}
