//! The importer's batch: progress, atomic outputs, per-file failures, cancellation.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use byline_media::{BatchJob, BatchOptions, MediaError, process_batch};

use crate::common;

fn jobs(dir: &std::path::Path, names: &[&str]) -> Vec<BatchJob> {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| BatchJob {
            source: common::data(n),
            outputs: vec![
                (320, dir.join(format!("{i}-320.jpg"))),
                (1600, dir.join(format!("{i}-1600.jpg"))),
            ],
        })
        .collect()
}

#[test]
fn a_batch_writes_every_rendition_and_reports_each_file_once() {
    let tmp = tempfile::tempdir().unwrap();
    let names = [
        "landscape_1.jpg",
        "landscape_6.jpg",
        "portrait_8.jpg",
        "truncated_in_app1.jpg",
        "nikon_d1x_exif.webp",
    ];
    let jobs = jobs(tmp.path(), &names);
    let seen = Mutex::new(Vec::new());
    let cancel = AtomicBool::new(false);
    let results = process_batch(
        &jobs,
        &BatchOptions {
            threads: 2,
            ..Default::default()
        },
        &cancel,
        &|p| {
            assert_eq!(p.total, 5);
            seen.lock()
                .unwrap()
                .push((p.done, p.source.to_path_buf(), p.result.is_ok()));
        },
    );
    let mut seen = seen.into_inner().unwrap();
    seen.sort();
    assert_eq!(
        seen.iter().map(|s| s.0).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5],
        "done counts up once per file"
    );
    assert!(results[3].is_err(), "the damaged file fails alone");
    for (i, r) in results.iter().enumerate() {
        if i == 3 {
            continue;
        }
        let out = r.as_ref().unwrap_or_else(|e| panic!("{}: {e}", names[i]));
        for (edge, path, w, h) in &out.written {
            let img = common::decode(&std::fs::read(path).unwrap());
            assert_eq!(
                (img.width(), img.height()),
                (*w, *h),
                "{} at {edge} px is on disk as reported",
                names[i]
            );
        }
    }
    let leftovers: Vec<_> = common::files(tmp.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temp files left behind: {leftovers:?}"
    );
}

#[test]
fn a_cancelled_batch_skips_the_files_it_has_not_started() {
    let tmp = tempfile::tempdir().unwrap();
    let jobs = jobs(tmp.path(), &["landscape_1.jpg", "landscape_6.jpg"]);
    let cancel = AtomicBool::new(true);
    let results = process_batch(
        &jobs,
        &BatchOptions {
            threads: 1,
            ..Default::default()
        },
        &cancel,
        &|_| {},
    );
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Err(MediaError::Cancelled { .. }))),
        "nothing runs after cancel"
    );
    assert!(
        common::files(tmp.path()).is_empty(),
        "no outputs were written"
    );

    // Cancelling from the progress callback stops the rest of a single-worker batch.
    let cancel = AtomicBool::new(false);
    let many = jobs_repeat(tmp.path(), 6);
    let results = process_batch(
        &many,
        &BatchOptions {
            threads: 1,
            durable: false,
            ..Default::default()
        },
        &cancel,
        &|_| cancel.store(true, Ordering::SeqCst),
    );
    let done = results.iter().filter(|r| r.is_ok()).count();
    assert!(
        done < 6,
        "cancel mid-way leaves later files unprocessed ({done} of 6 done)"
    );
}

fn jobs_repeat(dir: &std::path::Path, n: usize) -> Vec<BatchJob> {
    (0..n)
        .map(|i| BatchJob {
            source: common::data("landscape_1.jpg"),
            outputs: vec![(320, dir.join(format!("r{i}.jpg")))],
        })
        .collect()
}

/// The nice value of the calling thread, from `/proc/thread-self/stat` (field 19).
#[cfg(target_os = "linux")]
fn thread_nice() -> i32 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
    // The command name may hold spaces; the fields after it are plain numbers.
    let after_name = &stat[stat.rfind(')').unwrap() + 2..];
    after_name.split(' ').nth(16).unwrap().parse().unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn decoding_workers_give_way_to_the_threads_a_person_waits_on() {
    let tmp = tempfile::tempdir().unwrap();
    let jobs = jobs(tmp.path(), &["landscape_1.jpg", "portrait_8.jpg"]);
    let caller = thread_nice();
    let workers = Mutex::new(Vec::new());
    process_batch(
        &jobs,
        &BatchOptions {
            threads: 2,
            durable: false,
            ..Default::default()
        },
        &AtomicBool::new(false),
        &|_| workers.lock().unwrap().push(thread_nice()),
    );
    let workers = workers.into_inner().unwrap();
    assert_eq!(workers.len(), 2, "progress ran once per file on a worker");
    assert!(
        workers.iter().all(|n| *n > caller),
        "every decoding worker runs at a lower priority (nice {workers:?}) than the caller \
         (nice {caller}), so saves and lists are not queued behind decoding"
    );
}
