//! The model story (`fixtures/seed-article`, the data model and its real paste damage) as tests
//! use it: its files, and a library holding it ready to publish.

use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository root exists")
}

/// The repository's copy of the model story (the tests must not need ../shared).
pub fn seed_article() -> PathBuf {
    repo().join("fixtures/seed-article/article.md")
}

/// One of the model story's photos (`toan-canh.jpg`, `lanh-dao.jpg`, …).
pub fn seed_photo(name: &str) -> PathBuf {
    repo().join("fixtures/seed-article/photos").join(name)
}

/// A library in a temp dir of its own.
pub fn library() -> (tempfile::TempDir, byline_core::Library) {
    let dir = tempfile::tempdir().expect("temp dir");
    let lib = byline_core::Library::open(dir.path().join("lib")).expect("library opens");
    (dir, lib)
}

/// The model story in `lib`, cleaned by the copy desk's safe fixes and with every photo
/// credited, ready to publish. Returns its id.
pub fn ready_story(lib: &byline_core::Library) -> String {
    let id = lib
        .import_article(&seed_article())
        .expect("the model story imports")
        .article
        .id;
    lib.fix_article(&id).expect("the safe fixes apply");
    let ids: Vec<String> = lib
        .photos()
        .expect("photos list")
        .into_iter()
        .map(|p| p.id)
        .collect();
    lib.caption_photos(
        &ids,
        &byline_core::photodesk::FieldEdit {
            credit: Some("Cảnh Toàn".into()),
            ..Default::default()
        },
    )
    .expect("the photos take a credit");
    id
}
