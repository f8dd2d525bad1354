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
