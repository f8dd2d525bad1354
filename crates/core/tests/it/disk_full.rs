//! A full disk, for real: a 4 MiB tmpfs holds the library, a filler file takes the rest, and the
//! library must refuse saves in words while reading, listing, searching and exporting go on.
//! Needs root to mount (tests run as root here and in CI); with `CI` set a failed mount fails
//! the test instead of skipping it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use byline_core::{CoreError, ExportFormat, Library, Scope};
use byline_protocol::{Article, Block, ErrorCode};

/// A small tmpfs mounted on a temp dir for one test, unmounted when dropped.
pub struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    /// Mounts one, or returns `None` (test skipped) where mounting is impossible outside CI.
    pub fn mount() -> Option<SmallDisk> {
        let dir = tempfile::tempdir().expect("mount point");
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=4m", "tmpfs"])
            .arg(dir.path())
            .output();
        let failure = match out {
            Ok(o) if o.status.success() => return Some(SmallDisk { dir }),
            Ok(o) => String::from_utf8_lossy(&o.stderr).into_owned(),
            Err(e) => e.to_string(),
        };
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the full-disk tests (as root), but mounting a tmpfs failed: {failure}"
        );
        eprintln!("skipped: cannot mount a tmpfs here ({failure})");
        None
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a filler file until the filesystem refuses with "no space left on device".
    pub fn fill(&self) -> PathBuf {
        let filler = self.path().join("filler");
        let mut f = std::fs::File::create(&filler).expect("filler file");
        for chunk in [64 * 1024, 4096, 1] {
            let buf = vec![0u8; chunk];
            loop {
                match f.write(&buf) {
                    Ok(n) if n == chunk => {}
                    Ok(_) => break,
                    Err(e) if e.raw_os_error() == Some(28) => break,
                    Err(e) => panic!("filling the disk failed otherwise: {e}"),
                }
            }
        }
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// A story big enough that no page already in the WAL can take it.
fn long_story(words: usize) -> Vec<Block> {
    let para = "Người lao động được hỗ trợ tiền thuê nhà trong ba tháng cuối năm. ";
    let n = words / 13 + 1;
    (0..n).map(|_| Block::paragraph(para.trim_end())).collect()
}

fn assert_disk_full(e: &CoreError) {
    assert_eq!(
        e.code(),
        ErrorCode::DiskFull,
        "a full disk has its own code: {e}"
    );
    let msg = e.to_string();
    assert!(
        msg.starts_with("the disk holding the library is full (")
            && msg.contains(" MB free); nothing was lost — free some space (delete files or empty the trash) and save again"),
        "the message says what happened and what to do, not 'disk I/O error': {msg}"
    );
}

/// Everything read-only the user does with a story, on whatever library `lib` is.
fn assert_reads_work(lib: &Library, id: &str, title: &str, out: &Path) {
    let a = lib.article(id).expect("show works on a full disk");
    assert_eq!(a.title, title, "the story read back is the one saved last");
    let list = lib
        .articles(Scope::Live)
        .expect("list works on a full disk");
    assert!(list.iter().any(|s| s.id == id), "the story is listed");
    let hits = lib
        .search("lao dong", 10)
        .expect("search works on a full disk");
    assert!(
        hits.iter().any(|h| h.article.id == id),
        "the story is found"
    );
    let json = lib
        .export_article(id, ExportFormat::Json, Some(out))
        .expect("export to another disk works");
    assert!(json.contains(title), "the export holds the story");
    assert!(out.exists(), "the export was written");
}

#[test]
fn a_save_on_a_full_disk_fails_in_words_and_the_open_library_keeps_working() {
    let Some(disk) = SmallDisk::mount() else {
        return;
    };
    let elsewhere = tempfile::tempdir().unwrap();
    let lib = Library::open(disk.path().join("lib")).unwrap();
    let mut a = Article::new("Công đoàn hỗ trợ người lao động");
    a.blocks.push(Block::paragraph("Bản tin ngắn."));
    let mut a = lib.create_article(a).unwrap();
    let filler = disk.fill();

    let saved = a.clone();
    a.title = "Công đoàn hỗ trợ người lao động thuê nhà".into();
    a.blocks = long_story(5000);
    let e = lib
        .save_article(&mut a)
        .expect_err("no room for a 5,000-word revision");
    assert_disk_full(&e);
    assert_eq!(
        a.revision, saved.revision,
        "the caller's copy still says which revision it edits"
    );
    let stored = lib.article(&a.id).unwrap();
    assert_eq!(
        stored.revision, saved.revision,
        "the earlier revision is still current"
    );
    assert_eq!(stored.blocks, saved.blocks, "and intact");
    assert_reads_work(&lib, &a.id, &saved.title, &elsewhere.path().join("a.json"));

    std::fs::remove_file(filler).unwrap();
    let out = lib
        .save_article(&mut a)
        .expect("with space again, the same save succeeds");
    assert_eq!(out.revision, saved.revision + 1, "as the next revision");
    assert_eq!(lib.article(&a.id).unwrap().blocks, a.blocks);
}

#[test]
fn a_library_opens_for_reading_on_a_disk_that_filled_up_while_it_was_closed() {
    let Some(disk) = SmallDisk::mount() else {
        return;
    };
    let elsewhere = tempfile::tempdir().unwrap();
    let root = disk.path().join("lib");
    let lib = Library::open(&root).unwrap();
    let imported = lib
        .import_article(&crate::seed_article())
        .expect("the model story and its photos fit in 4 MiB");
    let id = imported.article.id;
    let mut a = lib.article(&id).unwrap();
    a.title = "Người lao động được hỗ trợ".into();
    lib.save_article(&mut a).unwrap();
    // Closing checkpoints and removes the -wal and -shm files: the next open has to create
    // them, which on a full disk fails as "disk I/O error" unless the library opens read-only.
    drop(lib);
    let filler = disk.fill();

    let lib = Library::open(&root).expect("a full disk still opens the library");
    assert_reads_work(&lib, &id, &a.title, &elsewhere.path().join("a.json"));
    let md = elsewhere.path().join("md/story.md");
    lib.export_article(&id, ExportFormat::Markdown, Some(&md))
        .expect("a Markdown export with its photos reads the originals");
    assert!(md.exists(), "the Markdown export was written");
    let before = lib.article(&id).unwrap();
    let mut edit = before.clone();
    edit.blocks = long_story(2000);
    assert_disk_full(&lib.save_article(&mut edit).expect_err("no room to save"));
    assert_eq!(
        lib.article(&id).unwrap(),
        before,
        "the earlier revision is intact"
    );
    drop(lib);

    std::fs::remove_file(filler).unwrap();
    let lib = Library::open(&root).unwrap();
    let out = lib
        .save_article(&mut edit)
        .expect("with space again, the save succeeds");
    assert!(out.changed, "a new revision was written");
    assert_eq!(lib.article(&id).unwrap().blocks, edit.blocks);
}
