//! The `byline` binary, driven as outside checks drive it: real processes, real data dirs, the
//! JSON contract of `shared/spec/cli.md`.

mod article;
mod credentials;
mod culling;
mod desk;
mod disk_full;
mod photo;

use std::path::Path;
use std::process::{Command, Output};

pub use byline_testkit::seed_article;

/// Runs `byline --data-dir DIR args…`.
pub fn byline(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_byline"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("BYLINE_DATA_DIR")
        .output()
        .expect("byline runs")
}

/// Runs and insists on success; returns stdout.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = byline(dir, args);
    assert!(
        out.status.success(),
        "byline {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}

pub fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let s = ok(dir, args);
    serde_json::from_str(&s)
        .unwrap_or_else(|e| panic!("byline {args:?} printed non-JSON ({e}): {s}"))
}
