use byline_core::{Library, store};
use byline_protocol::{Article, Block};

/// A library written by the first release (articles and revisions, no search, no photos)
/// upgrades in place when a newer Byline opens it, and its stories become searchable.
#[test]
fn an_old_library_upgrades_and_its_stories_become_searchable() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    std::fs::create_dir_all(&root).unwrap();
    {
        let mut conn = store::open_unmigrated(&root.join(byline_core::DB_FILE)).unwrap();
        let applied = store::migrate::migrate_to(&mut conn, 1).unwrap();
        assert_eq!(
            applied,
            ["20261124_0001_articles"],
            "only the first migration"
        );
        let mut a = Article::new("Liên đoàn Lao động tỉnh tổng kết năm");
        a.blocks
            .push(Block::paragraph("Đoàn viên công đoàn nhận thưởng."));
        a.revision = 1;
        conn.execute(
            "INSERT INTO articles(id, current_revision, title, status, section, created_at, updated_at)
             VALUES (?1, 1, ?2, 'draft', '', ?3, ?3)",
            rusqlite::params![a.id, a.title, a.created_at.to_rfc3339()],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO revisions(article_id, revision, parent, author, saved_at, content_hash, content)
             VALUES (?1, 1, NULL, 'old', ?2, ?3, ?4)",
            rusqlite::params![
                a.id,
                a.created_at.to_rfc3339(),
                byline_core::drafts::content_hash(&a),
                serde_json::to_string(&a).unwrap()
            ],
        )
        .unwrap();
    }
    let lib = Library::open(&root).expect("a newer Byline opens an old library");
    let names = lib.db().read(store::migrate::applied).unwrap();
    assert_eq!(
        names.len(),
        store::migrate::MIGRATIONS.len(),
        "every migration is now recorded"
    );
    let hits = lib.search("lien doan", 10).unwrap();
    assert_eq!(
        hits.len(),
        1,
        "the upgrade indexes stories written before search existed"
    );
    let hits = lib.search("doan vien", 10).unwrap();
    assert_eq!(hits.len(), 1, "bodies are indexed too");
    lib.db().read(store::integrity_check).unwrap();
}

#[test]
fn opening_a_current_library_applies_nothing() {
    let dir = tempfile::tempdir().unwrap();
    drop(Library::open(dir.path()).unwrap());
    let mut conn = store::open_unmigrated(&dir.path().join(byline_core::DB_FILE)).unwrap();
    assert!(
        store::migrate::migrate(&mut conn).unwrap().is_empty(),
        "second open is a no-op"
    );
}

#[test]
fn migration_names_are_unique_dated_and_in_order() {
    assert_eq!(
        byline_migrate::check(store::migrate::MIGRATIONS),
        Ok(()),
        "the shared runner applies migrations in the order listed"
    );
}

/// Photos recorded before culling existed read as unmarked, and the grid's filters work on them
/// at once (the marks columns are computed from what the library already stored).
#[test]
fn photos_from_before_marks_upgrade_unmarked_and_can_be_culled() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    std::fs::create_dir_all(&root).unwrap();
    let before = store::migrate::MIGRATIONS
        .iter()
        .position(|m| m.0 == "20261207_0130_photo_marks")
        .expect("the marks migration is listed");
    let id = "ab".repeat(32);
    {
        let mut conn = store::open_unmigrated(&root.join(byline_core::DB_FILE)).unwrap();
        store::migrate::migrate_to(&mut conn, before).unwrap();
        conn.execute(
            "INSERT INTO photos(id, original_name, format, size, imported_at, meta)
             VALUES (?1, 'old.jpg', 'jpeg', 10, '2026-11-24T08:00:00+07:00',
                     '{\"caption\":\"Ảnh cũ\",\"taken_at\":\"2026-11-24T07:00:00\"}')",
            [&id],
        )
        .unwrap();
    }
    let lib = Library::open(&root).expect("the upgrade applies");
    let old = lib.photo_view(&id).unwrap();
    assert_eq!(old.marks, byline_protocol::Marks::default(), "unmarked");
    assert_eq!(old.caption, "Ảnh cũ", "the caption survives the upgrade");
    lib.mark_photos(
        std::slice::from_ref(&id),
        &byline_core::marks::MarkEdit {
            rating: Some(3),
            ..Default::default()
        },
    )
    .unwrap();
    let q = byline_core::photo_query::PhotoQuery {
        min_rating: Some(3),
        search: "anh cu".into(),
        ..Default::default()
    };
    let found = lib.find_photos(&q).unwrap();
    assert_eq!(
        found.len(),
        1,
        "found by its new rating and its folded caption"
    );
    assert_eq!(found[0].marks.rating, 3);
}

/// Revisions written into the old WITHOUT ROWID table survive the move to an ordinary table
/// (whose seeks no longer read whole 30-40 KB rows), and saving goes on from where it was.
#[test]
fn revisions_move_to_an_ordinary_table_with_their_history_intact() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    std::fs::create_dir_all(&root).unwrap();
    let before = store::migrate::MIGRATIONS
        .iter()
        .position(|(name, _)| *name == "20261214_0001_revisions_rowid")
        .expect("the migration is listed");
    let mut a = Article::new("Liên đoàn Lao động tỉnh tổng kết năm");
    {
        let mut conn = store::open_unmigrated(&root.join(byline_core::DB_FILE)).unwrap();
        store::migrate::migrate_to(&mut conn, before).unwrap();
        byline_core::drafts::create(&mut conn, &mut a, "old").unwrap();
        a.blocks.push(Block::paragraph("Đoàn viên nhận thưởng."));
        byline_core::drafts::save(&mut conn, &mut a, "old").unwrap();
        let old: String = conn
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE name = 'revisions'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            old.contains("WITHOUT ROWID"),
            "the test starts from the old table: {old}"
        );
    }
    let lib = Library::open(&root).expect("the library upgrades in place");
    let new: String = lib
        .db()
        .read(|c| {
            Ok(c.query_row(
                "SELECT sql FROM sqlite_schema WHERE name = 'revisions'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert!(
        !new.contains("WITHOUT ROWID"),
        "revisions is an ordinary table now: {new}"
    );
    let history = lib.revisions(&a.id).unwrap();
    assert_eq!(
        history.iter().map(|r| r.revision).collect::<Vec<_>>(),
        [1, 2],
        "both revisions were carried over"
    );
    assert_eq!(
        lib.article_revision(&a.id, 1).unwrap().blocks.len(),
        0,
        "revision 1 as saved"
    );
    let mut current = lib.article(&a.id).unwrap();
    assert_eq!(current, a, "the current revision reads back whole");
    current.lead = "Sau nâng cấp.".into();
    let out = lib.save_article(&mut current).unwrap();
    assert_eq!(out.revision, 3, "saving continues the history");
    let err = lib
        .db()
        .transaction(|c| {
            Ok(c.execute(
                "INSERT INTO revisions(article_id, revision, author, saved_at, content_hash, content)
                 VALUES (?1, 3, 'x', '', '', '{}')",
                [&a.id],
            )?)
        })
        .expect_err("a second revision 3 must be refused");
    assert!(
        err.to_string().contains("UNIQUE"),
        "the key is still unique: {err}"
    );
    lib.db().read(store::integrity_check).unwrap();
}
