//! The importer's batch: many files on all cores, progress per file, cancellable, atomic writes.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::error::MediaError;
use crate::render::{DecodePath, RenditionOptions, make_renditions};

/// One source photo and where each rendition goes (long edge → path).
#[derive(Debug, Clone)]
pub struct BatchJob {
    pub source: PathBuf,
    pub outputs: Vec<(u32, PathBuf)>,
}

/// What was written for one job.
#[derive(Debug, Clone)]
pub struct BatchOutput {
    pub decoded_with: DecodePath,
    /// (long edge, path, width, height) per rendition written.
    pub written: Vec<(u32, PathBuf, u32, u32)>,
}

/// How a batch runs.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// JPEG quality 1–100.
    pub quality: u8,
    /// Worker threads; 0 = one per core.
    pub threads: usize,
    /// fsync each rendition (and its directory) before and after the rename. On by default; an
    /// importer regenerating a cache may turn it off, since on slow disks the flushes, not the
    /// decoding, dominate the wall time. Writes stay atomic (temp file + rename) either way.
    pub durable: bool,
    /// Make renditions from an embedded camera preview when it covers every size
    /// ([`RenditionOptions::embedded_previews`]). On by default.
    pub embedded_previews: bool,
    /// [`RenditionOptions::decode_headroom`].
    pub decode_headroom: f32,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            quality: 85,
            threads: 0,
            durable: true,
            embedded_previews: true,
            decode_headroom: RenditionOptions::default().decode_headroom,
        }
    }
}

/// Reported once per finished (or skipped) file, from whichever worker finished it.
#[derive(Debug)]
pub struct BatchProgress<'a> {
    pub done: usize,
    pub total: usize,
    pub source: &'a Path,
    pub result: &'a Result<BatchOutput, MediaError>,
}

/// Processes `jobs` on `opts.threads` workers. Each worker holds at most one decoded image, so
/// peak memory is bounded by the worker count, not the batch size. Once `cancel` is set, files
/// not yet started finish with [`MediaError::Cancelled`]. Results are in job order.
pub fn process_batch(
    jobs: &[BatchJob],
    opts: &BatchOptions,
    cancel: &AtomicBool,
    progress: &(dyn Fn(&BatchProgress<'_>) + Sync),
) -> Vec<Result<BatchOutput, MediaError>> {
    let done = AtomicUsize::new(0);
    let total = jobs.len();
    let run = || {
        jobs.par_iter()
            // One job per task: rayon must not batch many files onto a worker ahead of time,
            // or cancellation would lag behind.
            .with_max_len(1)
            .map(|job| {
                let result = if cancel.load(Ordering::Relaxed) {
                    Err(MediaError::Cancelled {
                        what: job.source.display().to_string(),
                    })
                } else {
                    process_one(job, opts)
                };
                let n = done.fetch_add(1, Ordering::SeqCst) + 1;
                progress(&BatchProgress {
                    done: n,
                    total,
                    source: &job.source,
                    result: &result,
                });
                result
            })
            .collect()
    };
    match rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .start_handler(|_| yield_to_foreground())
        .build()
    {
        Ok(pool) => pool.install(run),
        // Building a pool only fails when threads cannot be spawned; the global pool still works.
        Err(_) => run(),
    }
}

/// Runs `work` on `threads` threads at once (0 = one per core), each giving way to the
/// foreground as a batch's workers do, and returns when all have returned: for an importer that
/// feeds its own workers as files land instead of handing over a finished list.
pub fn on_workers(threads: usize, work: &(dyn Fn() + Sync)) {
    let n = match threads {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    std::thread::scope(|s| {
        for _ in 0..n {
            s.spawn(|| {
                yield_to_foreground();
                work();
            });
        }
    });
}

/// Decoding a card's worth of photos is bulk work on every core. Its workers give way to the
/// threads a person is waiting on (a save, the story list, the window), which otherwise queued
/// behind them for whole time slices: the import only slows when something else wants the CPU.
#[allow(unsafe_code)] // One FFI call per platform: std has no thread priority.
fn yield_to_foreground() {
    // Linux keeps a nice value per thread: `who = 0` is the calling thread.
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only reads its integer arguments.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
    #[cfg(target_vendor = "apple")]
    // SAFETY: sets the calling thread's own QoS class; no pointers are involved.
    unsafe {
        libc::pthread_set_qos_class_self_np(libc::qos_class_t::QOS_CLASS_UTILITY, 0);
    }
    #[cfg(windows)]
    // SAFETY: GetCurrentThread returns a pseudo-handle that needs no closing.
    unsafe {
        use windows_sys::Win32::System::Threading::{
            GetCurrentThread, SetThreadPriority, THREAD_PRIORITY_BELOW_NORMAL,
        };
        SetThreadPriority(GetCurrentThread(), THREAD_PRIORITY_BELOW_NORMAL);
    }
}

fn process_one(job: &BatchJob, batch: &BatchOptions) -> Result<BatchOutput, MediaError> {
    let bytes = std::fs::read(&job.source).map_err(|e| MediaError::io(&job.source, e))?;
    render_bytes(&bytes, job, batch)
}

/// One job of a batch from its source's bytes already in memory (an importer that has just
/// read them from the card): decoded once, each rendition written to its path.
pub fn render_bytes(
    bytes: &[u8],
    job: &BatchJob,
    batch: &BatchOptions,
) -> Result<BatchOutput, MediaError> {
    let what = job.source.display().to_string();
    let opts = RenditionOptions {
        long_edges: job.outputs.iter().map(|(e, _)| *e).collect(),
        quality: batch.quality,
        embedded_previews: batch.embedded_previews,
        decode_headroom: batch.decode_headroom,
        ..RenditionOptions::default()
    };
    let r = make_renditions(bytes, &what, &opts)?;
    let mut written = Vec::with_capacity(r.renditions.len());
    for (rendition, (edge, path)) in r.renditions.iter().zip(&job.outputs) {
        write_file(path, &rendition.jpeg, batch.durable)?;
        written.push((*edge, path.clone(), rendition.width, rendition.height));
    }
    Ok(BatchOutput {
        decoded_with: r.decoded_with,
        written,
    })
}

/// Temp file in the target directory, fsync, rename: a crash leaves either the old file or the
/// new one, never a half-written JPEG the library would then serve.
pub fn write_atomically(path: &Path, data: &[u8]) -> Result<(), MediaError> {
    write_file(path, data, true)
}

fn write_file(path: &Path, data: &[u8], durable: bool) -> Result<(), MediaError> {
    if durable {
        byline_durable::write(path, data)
    } else {
        byline_durable::write_unsynced(path, data)
    }
    .map_err(|e| MediaError::io(path, e))
}
