//! Ingest from a card, cancelled half way: nothing partial is left in the library or the
//! backup, and the next ingest finishes the job.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use byline_core::ingest::IngestOptions;
use byline_core::photodesk::Stage;

fn card() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/seed-article/photos")
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_cancelled_ingest_leaves_no_partial_file_and_the_next_one_completes() {
    let (dir, lib) = crate::library();
    let backup = dir.path().join("backup");
    let opts = IngestOptions {
        backup: Some(backup.clone()),
        rename: Some("{seq}_{original}".into()),
        ..IngestOptions::default()
    };
    let cancel = AtomicBool::new(false);
    // Cancel as soon as the first file is in: the rest of the copy, the decoding and the backup
    // all stop.
    let r = lib
        .ingest_photos(&[card()], &opts, &cancel, &|p| {
            if p.stage == Stage::Copying && p.done == 1 {
                cancel.store(true, Ordering::Relaxed);
            }
        })
        .unwrap();
    assert!(
        r.import.imported.len() < 3,
        "the cancel stopped the ingest: {r:?}"
    );
    let temp = |p: &Path| {
        let n = p.file_name().unwrap().to_string_lossy();
        n.starts_with('.') || n.starts_with("tmp")
    };
    for f in files(&backup)
        .iter()
        .chain(files(&lib.root().join("photos")).iter())
    {
        assert!(!temp(f), "a temp file was left behind: {}", f.display());
    }
    for b in files(&backup) {
        let bytes = std::fs::read(&b).unwrap();
        let id = byline_core::photos::hash_file(&b).unwrap();
        assert!(
            std::fs::read_dir(card())
                .unwrap()
                .any(|c| std::fs::read(c.unwrap().path()).unwrap() == bytes),
            "{} is a whole copy of a card file ({id})",
            b.display()
        );
    }

    let r = lib
        .ingest_photos(&[card()], &opts, &AtomicBool::new(false), &|_| {})
        .unwrap();
    assert!(r.import.failed.is_empty(), "{r:?}");
    assert_eq!(
        lib.photos().unwrap().len(),
        3,
        "every photo is in the library now"
    );
    let mut names: Vec<String> = files(&backup)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 3, "one backup copy per photo: {names:?}");
    for n in &names {
        assert!(n.ends_with(".jpg"), "the extension is kept: {n}");
    }
}
