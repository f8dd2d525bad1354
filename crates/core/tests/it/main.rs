//! The core's one integration-test binary: real SQLite files in temp dirs, the real model story.

mod bad_input;
mod concurrency;
mod crash;
mod credentials;
mod disk_full;
mod ingest;
mod migration;
mod model_story;
mod ninjs;
mod revisions;
mod search;
mod words;

pub use byline_testkit::seed_article;

pub fn library() -> (tempfile::TempDir, byline_core::Library) {
    let dir = tempfile::tempdir().expect("temp dir");
    let lib = byline_core::Library::open(dir.path().join("lib")).expect("library opens");
    (dir, lib)
}
