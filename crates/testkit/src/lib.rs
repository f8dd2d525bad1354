//! Byline's test kit, for tests only: what the tests of several crates share. The model story
//! and photos made on the spot; a newsroom server in the test process ([`in_process`]) or as a
//! real process beside the `byline` CLI ([`process`]); the loopback fault proxy ([`proxy`]);
//! real servers the tests need (a throwaway PostgreSQL cluster, a single-node Garage, a local
//! WordPress) started once per test process and stopped when it ends; and [`require`], the rule
//! for a missing tool: CI fails, a developer's machine skips with a notice.

pub mod garage;
pub mod in_process;
pub mod pg;
pub mod photos;
pub mod process;
pub mod proxy;
pub mod story;
pub mod wait;
pub mod wordpress;

pub use photos::{big_photo, camera_photo};
pub use process::{bin, free_port};
pub use story::{library, ready_story, repo, seed_article, seed_photo};
pub use wait::{wait_event, wait_until};

use std::path::PathBuf;

/// Whether `tool` is usable. Missing: under CI (`CI` set) the test fails with `hint`, since a
/// required tool that is absent must never turn a run green; elsewhere it prints a skip notice
/// and returns `false`.
pub fn require(tool: &str, found: bool, hint: &str) -> bool {
    if found {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must run this test, but {tool} is missing: {hint}"
    );
    eprintln!("skipped: {tool} is missing ({hint})");
    false
}

/// A fresh directory under the system temp dir, named for this process, that outlives the
/// test's own temp dirs (the reaper removes it when the process ends).
pub fn process_dir(name: &str) -> std::io::Result<PathBuf> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let dir = std::env::temp_dir().join(format!("byline-{name}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Runs `stop` (a shell command) and removes `dir` once this process has ended, however it
/// ends (a panic, an abort, a kill): a detached `sh` polls for the process every half second.
/// Its standard streams are closed, so cargo's output capture never waits for it.
pub fn reap_after_exit(stop: &str, dir: &std::path::Path) -> std::io::Result<()> {
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {stop}; rm -rf '{dir}'",
        pid = std::process::id(),
        dir = dir.display()
    );
    std::process::Command::new("sh")
        .args(["-c", &script])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    Ok(())
}

/// Fails (in CI: env `CI` set) or skips (a developer's machine) a test whose tool is missing:
/// CI must never pass a test it did not run. Returns normally only when skipping.
pub fn missing_tool(tool: &str, test: &str) {
    require(
        tool,
        false,
        &format!("{test} needs it: run `bash scripts/deps.sh`"),
    );
}
