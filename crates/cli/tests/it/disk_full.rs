//! The `byline` binary on a full disk: a 4 MiB tmpfs holds the library and a filler file takes
//! the rest. Every command is a new process, so each one opens the library on the full disk.
//! Needs root to mount; with `CI` set a failed mount fails the test instead of skipping it.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use crate::{byline, json, ok, seed_article};

/// A small tmpfs on a temp dir, unmounted when dropped.
struct SmallDisk(tempfile::TempDir);

impl SmallDisk {
    fn mount() -> Option<SmallDisk> {
        let dir = tempfile::tempdir().expect("mount point");
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=4m", "tmpfs"])
            .arg(dir.path())
            .output();
        let failure = match out {
            Ok(o) if o.status.success() => return Some(SmallDisk(dir)),
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

    /// Writes `filler` until the filesystem says "no space left on device".
    fn fill(&self, filler: &Path) {
        let mut f = std::fs::File::create(filler).expect("filler file");
        for chunk in [64 * 1024, 4096, 1] {
            let buf = vec![0u8; chunk];
            while let Ok(n) = f.write(&buf) {
                if n < chunk {
                    break;
                }
            }
        }
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0.path()).status();
    }
}

#[test]
fn on_a_full_disk_byline_reads_lists_searches_and_exports_and_refuses_saves_in_words() {
    let Some(disk) = SmallDisk::mount() else {
        return;
    };
    let lib = disk.0.path().join("lib");
    let elsewhere = tempfile::tempdir().unwrap();
    let import = ok(
        &lib,
        &["article", "import", seed_article().to_str().unwrap()],
    );
    let id = import.trim();
    let filler = disk.0.path().join("filler");
    disk.fill(&filler);

    let shown = json(&lib, &["article", "show", id, "--json"]);
    assert_eq!(shown["revision"], 1, "show reads the story on a full disk");
    let listed = json(&lib, &["article", "list", "--json"]);
    assert_eq!(listed[0]["id"], id, "list works on a full disk");
    let found = json(
        &lib,
        &["article", "list", "--search", "lien doan", "--json"],
    );
    assert_eq!(found[0]["id"], id, "search works on a full disk");
    let out = elsewhere.path().join("story.md");
    ok(
        &lib,
        &[
            "article",
            "export",
            id,
            "--format",
            "md",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(md.contains("Liên đoàn"), "the export holds the story");

    let refused = byline(&lib, &["article", "set", id, "title", "Tin mới", "--json"]);
    assert!(!refused.status.success(), "a save on a full disk fails");
    let err: serde_json::Value = serde_json::from_slice(&refused.stderr)
        .unwrap_or_else(|e| panic!("--json errors are JSON ({e}): {:?}", refused.stderr));
    assert_eq!(
        err["code"], "disk_full",
        "the error has its own code: {err}"
    );
    let msg = err["message"].as_str().unwrap();
    assert!(
        msg.starts_with("the disk holding the library is full (")
            && msg.contains("MB free); nothing was lost"),
        "the message says what happened and what to do: {msg}"
    );
    let human = byline(&lib, &["article", "set", id, "title", "Tin mới"]);
    let stderr = String::from_utf8_lossy(&human.stderr);
    assert!(
        stderr.contains("free some space (delete files or empty the trash) and save again"),
        "people see the same words: {stderr}"
    );
    assert_eq!(
        json(&lib, &["article", "show", id, "--json"])["revision"],
        1,
        "the earlier revision is still current"
    );

    std::fs::remove_file(&filler).unwrap();
    ok(&lib, &["article", "set", id, "title", "Tin mới"]);
    let shown = json(&lib, &["article", "show", id, "--json"]);
    assert_eq!(
        shown["title"], "Tin mới",
        "with space again the save succeeds"
    );
    assert_eq!(shown["revision"], 2);
}
