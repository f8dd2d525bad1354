//! Byline's test kit: what the tests of several crates share. Dev-only (`publish = false`).

pub mod garage;

/// Fails (in CI: env `CI` set) or skips (a developer's machine) a test whose tool is missing:
/// CI must never pass a test it did not run. Returns normally only when skipping.
pub fn missing_tool(tool: &str, test: &str) {
    let why = format!("{tool} is not installed: run `bash scripts/deps.sh`");
    assert!(std::env::var_os("CI").is_none(), "{test}: {why}");
    eprintln!("SKIPPED {test}: {why}");
}
