//! Kill -9 during saves: every revision whose save returned must survive, intact.

use std::io::Write;
// The kill test and its helpers are Unix-only (SIGKILL); Windows checks compile the rest.
#[cfg(unix)]
use std::io::{BufRead, BufReader};
#[cfg(unix)]
use std::path::Path;
#[cfg(unix)]
use std::process::{Command, Stdio};
#[cfg(unix)]
use std::time::{Duration, Instant};

#[cfg(unix)]
use byline_core::store;
use byline_core::{Library, drafts};
use byline_protocol::{Article, Block};

const CHILD_ENV: &str = "BYLINE_CRASH_CHILD_DIR";

/// Entry point of the child process the crash test starts and kills; not a test of its own.
#[test]
#[ignore = "child process of the crash test; runs only when started by it"]
fn crash_child_saves_revisions_until_killed() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return;
    };
    let lib = Library::open(&dir).unwrap();
    let mut a = match lib.articles(byline_core::Scope::Live).unwrap().first() {
        Some(s) => lib.article(&s.id).unwrap(),
        None => {
            let mut a = Article::new("Bài viết dưới tải");
            a.blocks.push(Block::paragraph("Đoạn đầu."));
            lib.create_article(a).unwrap()
        }
    };
    let stdout = std::io::stdout();
    for i in 0.. {
        // Grow the story as a reporter types, so pages split and the WAL wraps.
        let n = a.blocks.len();
        a.blocks[n - 1]
            .text_mut()
            .push_str(&format!(" Câu số {i} về Nghị quyết số 20."));
        if i % 7 == 0 {
            a.blocks.push(Block::paragraph(format!("Đoạn {i}.")));
        }
        let out = lib.save_article(&mut a).unwrap();
        let mut lock = stdout.lock();
        writeln!(
            lock,
            "SAVED {} {} {}",
            a.id,
            out.revision,
            drafts::content_hash(&a)
        )
        .unwrap();
        lock.flush().unwrap();
    }
}

#[cfg(unix)]
fn pseudo_random(seed: u64) -> u64 {
    // xorshift on the clock: no dependency, different kill points every run.
    let mut x = seed ^ Instant::now().elapsed().as_nanos() as u64 ^ 0x9E37_79B9_7F4A_7C15;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}

#[cfg(unix)]
fn run_and_kill(dir: &Path, round: u64, saved: &mut Vec<(String, u64, String)>) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "crash::crash_child_saves_revisions_until_killed",
            "--nocapture",
        ])
        .env(CHILD_ENV, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let want = 3 + pseudo_random(round) % 40;
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut lines = BufReader::new(stdout).lines();
    let mut got = 0;
    while got < want && Instant::now() < deadline {
        match lines.next() {
            Some(Ok(line)) => {
                if let Some(rest) = line.strip_prefix("SAVED ") {
                    let mut p = rest.split(' ');
                    let id = p.next().unwrap().to_owned();
                    let rev: u64 = p.next().unwrap().parse().unwrap();
                    let hash = p.next().unwrap().to_owned();
                    saved.push((id, rev, hash));
                    got += 1;
                }
            }
            _ => break,
        }
    }
    // Let it run on a little so the kill lands inside a save at a random point.
    std::thread::sleep(Duration::from_micros(pseudo_random(round + 1) % 3000));
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
}

#[test]
#[cfg(unix)]
fn every_save_that_returned_survives_repeated_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let mut saved = Vec::new();
    for round in 0..25 {
        run_and_kill(dir.path(), round, &mut saved);
    }
    assert!(
        saved.len() >= 25 * 3,
        "the child really saved revisions ({} seen)",
        saved.len()
    );
    let lib = Library::open(dir.path()).expect("the library opens after 25 kills");
    lib.db()
        .read(store::integrity_check)
        .expect("PRAGMA integrity_check passes");
    let last = saved.last().unwrap();
    let current = lib.article(&last.0).unwrap();
    assert!(
        current.revision >= last.1,
        "the current revision is at least the last acknowledged"
    );
    for (id, rev, hash) in &saved {
        let a = lib
            .article_revision(id, *rev)
            .unwrap_or_else(|e| panic!("revision {rev} lost: {e}"));
        assert_eq!(
            &drafts::content_hash(&a),
            hash,
            "revision {rev} must be intact byte for byte"
        );
    }
    let revs: Vec<u64> = lib
        .revisions(&last.0)
        .unwrap()
        .iter()
        .map(|r| r.revision)
        .collect();
    assert!(
        revs.windows(2).all(|w| w[1] == w[0] + 1),
        "history has no holes: {revs:?}"
    );
}
