//! Ingest from a card, cancelled half way: nothing partial is left in the library or the
//! backup, and the next ingest finishes the job.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use byline_core::ingest::IngestOptions;
use byline_core::photodesk::Stage;
use byline_core::previews;

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

#[test]
fn a_photo_whose_backup_copy_fails_is_not_recorded_and_the_next_ingest_copies_it() {
    let (dir, lib) = crate::library();
    let backup = dir.path().join("backup");
    // A folder where one copy's name should go: that backup copy cannot be made.
    std::fs::create_dir_all(backup.join("lanh-dao.jpg")).unwrap();
    let opts = IngestOptions {
        backup: Some(backup.clone()),
        ..IngestOptions::default()
    };
    let r = lib
        .ingest_photos(&[card()], &opts, &AtomicBool::new(false), &|_| {})
        .unwrap();
    assert_eq!(r.import.imported.len(), 2, "the other two land: {r:?}");
    assert_eq!(
        r.backed_up.len(),
        2,
        "each recorded photo has its backup: {r:?}"
    );
    assert!(
        r.import.failed.len() == 1 && r.import.failed[0].path.ends_with("lanh-dao.jpg"),
        "the photo without a backup copy is reported failed: {r:?}"
    );
    assert_eq!(
        lib.photos().unwrap().len(),
        2,
        "a photo is recorded only once its verified backup exists"
    );
    let originals = files(&lib.root().join("photos"));
    assert_eq!(
        originals.len(),
        2,
        "the failed photo's library copy is gone too: {originals:?}"
    );

    std::fs::remove_dir(backup.join("lanh-dao.jpg")).unwrap();
    let again = lib
        .ingest_photos(&[card()], &opts, &AtomicBool::new(false), &|_| {})
        .unwrap();
    assert_eq!(
        (again.import.imported.len(), again.import.duplicates.len()),
        (1, 2),
        "the next ingest copies what the first could not back up, and nothing else: {again:?}"
    );
    assert_eq!(
        std::fs::read(backup.join("lanh-dao.jpg")).unwrap(),
        std::fs::read(card().join("lanh-dao.jpg")).unwrap(),
        "its backup copy is byte-identical now"
    );
    assert_eq!(lib.photos().unwrap().len(), 3);
}

#[test]
fn seq_numbers_the_whole_card_so_a_copy_keeps_its_name_whichever_ingest_makes_it() {
    let (dir, lib) = crate::library();
    let opts = |to: &Path| IngestOptions {
        backup: Some(to.to_owned()),
        rename: Some("{seq}_{original}".into()),
        ..IngestOptions::default()
    };
    let names = |d: &Path| {
        let mut n: Vec<String> = files(d)
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    };
    // The whole card into one backup folder.
    let whole = dir.path().join("whole");
    lib.ingest_photos(&[card()], &opts(&whole), &AtomicBool::new(false), &|_| {})
        .unwrap();
    let whole_names = names(&whole);
    assert_eq!(whole_names.len(), 3, "{whole_names:?}");
    // Another library holds the card's first photo already, then ingests the card: the other
    // two keep their numbers 0002 and 0003 (numbered among new files only, they would be
    // 0001 and 0002).
    let first = whole_names[0]
        .strip_prefix("0001_")
        .expect("numbered from 0001");
    let (dir2, lib2) = crate::library();
    let part = dir2.path().join("part");
    lib2.import_photos(&[card().join(first)], &AtomicBool::new(false), &|_| {})
        .unwrap();
    let r = lib2
        .ingest_photos(&[card()], &opts(&part), &AtomicBool::new(false), &|_| {})
        .unwrap();
    assert_eq!(r.import.duplicates.len(), 1, "{r:?}");
    assert_eq!(names(&part).len(), 2, "the two new photos are backed up");
    for n in names(&part) {
        assert!(
            whole_names.contains(&n),
            "{n} has the name the whole-card ingest gave it: {whole_names:?}"
        );
    }
}

#[test]
fn an_ingest_makes_thumbnails_now_and_each_preview_later_the_very_file_an_import_makes() {
    let (_dir, lib) = crate::library();
    let r = lib
        .ingest_photos(
            &[card()],
            &IngestOptions::default(),
            &AtomicBool::new(false),
            &|_| {},
        )
        .unwrap();
    assert_eq!(r.import.imported.len(), 3, "{r:?}");
    let root = lib.root();
    for p in &r.import.imported {
        let view = lib.photo_view(&p.id).unwrap();
        assert!(
            view.thumbnail.is_file(),
            "the grid has its thumbnail at once"
        );
        assert!(
            !previews::path(root, &p.id).exists(),
            "the ingest leaves the 1600 px preview for later, so the card copies at reading speed"
        );
    }
    assert_eq!(previews::missing(&lib).unwrap().len(), 3, "all three wait");

    let done = AtomicUsize::new(0);
    let report = lib
        .make_missing_previews(&AtomicBool::new(false), &|_, _| {
            done.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap();
    assert!(report.failed.is_empty(), "{report:?}");
    assert_eq!(report.made.len(), 3, "{report:?}");
    assert_eq!(done.load(Ordering::SeqCst), 3, "progress per photo");

    // The same card imported the ordinary way, previews made with the thumbnails.
    let (_other, imported) = crate::library();
    imported
        .import_photos(&[card()], &AtomicBool::new(false), &|_| {})
        .unwrap();
    for p in &r.import.imported {
        assert_eq!(
            std::fs::read(previews::path(root, &p.id)).unwrap(),
            std::fs::read(previews::path(imported.root(), &p.id)).unwrap(),
            "a preview made later is byte for byte the one an import makes ({})",
            p.path.display()
        );
    }
    let again = lib
        .make_missing_previews(&AtomicBool::new(false), &|_, _| {})
        .unwrap();
    assert!(
        again.made.is_empty() && again.failed.is_empty(),
        "nothing is made twice: {again:?}"
    );
}

#[test]
fn a_preview_is_made_when_first_asked_for_and_the_background_pass_makes_the_rest() {
    let (_dir, lib) = crate::library();
    let photos: Vec<PathBuf> = files(&card());
    let opts = IngestOptions::default();
    let first = lib
        .ingest_photos(&photos[..1], &opts, &AtomicBool::new(false), &|_| {})
        .unwrap();
    let id = &first.import.imported[0].id;
    let made = lib.ensure_preview(id).unwrap();
    assert_eq!(made, previews::path(lib.root(), id));
    assert!(made.is_file(), "asked for, the preview exists");

    // A pass is asked for, and asked again while more photos land: none is skipped.
    let pass = Arc::new(previews::Background::default());
    let rest = lib
        .ingest_photos(&photos[1..], &opts, &AtomicBool::new(false), &|_| {})
        .unwrap();
    assert_eq!(rest.import.imported.len(), 2, "{rest:?}");
    previews::start_background(&lib, &pass);
    previews::start_background(&lib, &pass);
    let until = Instant::now() + Duration::from_secs(60);
    while !previews::missing(&lib).unwrap().is_empty() {
        assert!(
            Instant::now() < until,
            "the background pass made every preview within a minute"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let unknown = "ab".repeat(32);
    let err = lib.ensure_preview(&unknown).unwrap_err();
    assert!(
        err.to_string().contains(&unknown[..12]) || err.to_string().contains(&unknown),
        "an unknown photo is named in the error: {err}"
    );
}

#[test]
fn a_preview_left_empty_by_a_crash_counts_as_missing_and_is_made_again() {
    let (_dir, lib) = crate::library();
    let photos = files(&card());
    let r = lib
        .ingest_photos(
            &photos[..1],
            &IngestOptions::default(),
            &AtomicBool::new(false),
            &|_| {},
        )
        .unwrap();
    let id = &r.import.imported[0].id;
    let made = lib.ensure_preview(id).unwrap();
    // What a power cut leaves of a file renamed into place before its data reached the disk.
    std::fs::write(&made, b"").unwrap();
    assert_eq!(
        previews::missing(&lib).unwrap().len(),
        1,
        "an empty preview is not a preview"
    );
    lib.ensure_preview(id).unwrap();
    assert!(
        std::fs::metadata(&made).unwrap().len() > 1000,
        "asked for again, the preview is made again"
    );
}
