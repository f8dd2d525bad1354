//! Schema migrations: an old database is upgraded in place and keeps its data.

use byline_server::db;

#[test]
fn a_database_at_the_first_migration_is_upgraded_and_keeps_its_users() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("byline.db");
    let token = {
        let conn = rusqlite::Connection::open(&path).unwrap();
        db::migrate(&conn, &db::MIGRATIONS[..1]).unwrap();
        db::add_user(&conn, "cũ", db::Role::Editor).unwrap()
    };
    let conn = db::open(&path).expect("upgrade");
    let applied: Vec<String> = conn
        .prepare("SELECT version FROM schema_migrations ORDER BY version")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        applied,
        db::MIGRATIONS
            .iter()
            .map(|m| m.0.to_string())
            .collect::<Vec<_>>(),
        "every migration recorded once"
    );
    let blobs: i64 = conn
        .query_row("SELECT COUNT(*) FROM blobs", [], |r| r.get(0))
        .expect("the later table exists");
    assert_eq!(blobs, 0);
    assert!(
        db::user_by_token(&conn, &token).unwrap().is_some(),
        "the old user survives the upgrade"
    );
    drop(conn);
    db::open(&path).expect("re-opening an up-to-date database is a no-op");
}

#[test]
fn photo_metadata_set_before_the_change_feed_gets_cursors_after_every_article_change() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("byline.db");
    let before_feed = db::MIGRATIONS
        .iter()
        .position(|m| m.0 == "20261206010000_change_feed")
        .expect("the change-feed migration is listed");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        db::migrate(&conn, &db::MIGRATIONS[..before_feed]).unwrap();
        conn.execute_batch(
            "INSERT INTO articles VALUES ('a', 1, 1, 'draft', '{}', '[]', 'x', '2026-12-01T00:00:00Z');
             INSERT INTO articles VALUES ('b', 3, 4, 'draft', '{}', '[]', 'x', '2026-12-02T00:00:00Z');
             INSERT INTO blobs VALUES ('p2', 1, 'image/jpeg', 1, 1, 'x', 'now');
             INSERT INTO blobs VALUES ('p1', 1, 'image/jpeg', 1, 1, 'x', 'now');
             INSERT INTO photo_meta VALUES ('p2', '{}', 'x', '2026-12-03T00:00:00Z', NULL);
             INSERT INTO photo_meta VALUES ('p1', '{}', 'x', '2026-12-01T00:00:00Z', NULL);",
        )
        .unwrap();
    }
    let conn = db::open(&path).expect("upgrade");
    let cursors: Vec<(String, u64)> = conn
        .prepare("SELECT sha256, cursor FROM photo_meta ORDER BY cursor")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        cursors,
        [("p1".to_string(), 5), ("p2".to_string(), 6)],
        "after the newest article cursor (4), oldest metadata first"
    );
    let last: u64 = conn
        .query_row("SELECT last FROM change_seq", [], |r| r.get(0))
        .unwrap();
    assert_eq!(last, 6, "the next change gets a cursor no reader has seen");
}

#[test]
fn stories_published_before_editorial_control_become_version_1_and_users_keep_their_roles() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("byline.db");
    let before = db::MIGRATIONS
        .iter()
        .position(|m| m.0 == "20261207150000_editorial")
        .expect("the editorial migration is listed");
    let token = {
        let conn = rusqlite::Connection::open(&path).unwrap();
        db::migrate(&conn, &db::MIGRATIONS[..before]).unwrap();
        conn.execute_batch(
            "INSERT INTO articles VALUES ('p', 4, 1, 'published', '{\"t\":1}', '[]', 'ed', '2026-12-01T00:00:00Z');",
        )
        .unwrap();
        conn.execute_batch(
            "INSERT INTO articles VALUES ('d', 2, 2, 'draft', '{}', '[]', 'r', '2026-12-02T00:00:00Z');",
        )
        .unwrap();
        db::add_user(&conn, "Biên tập", db::Role::Editor).unwrap()
    };
    let conn = db::open(&path).expect("upgrade");
    let versions: Vec<(String, u64, u64, String)> = conn
        .prepare("SELECT id, version, revision, body FROM published_versions ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        versions,
        vec![("p".to_string(), 1, 4, "{\"t\":1}".to_string())],
        "what the page showed becomes version 1; a draft has no version"
    );
    let user = db::user_by_token(&conn, &token)
        .unwrap()
        .expect("the user survives the rebuild");
    assert_eq!(user.role, db::Role::Editor);
    db::add_user(&conn, "Thư ký", db::Role::Subeditor).expect("the new role is accepted");
}
