//! Schema migrations: an old database is upgraded in place and keeps its data; the PostgreSQL
//! schema has the same tables and columns as the SQLite one.

use byline_server::args;
use byline_server::db;
use byline_server::sql::Conn;

fn sqlite(path: &std::path::Path) -> Conn {
    Conn::Sqlite(rusqlite::Connection::open(path).unwrap())
}

fn strings(conn: &Conn, sql: &str) -> Vec<String> {
    conn.query(sql, args![])
        .unwrap()
        .iter()
        .map(|r| r.get(0).unwrap())
        .collect()
}

#[test]
fn both_backends_migration_lists_are_unique_dated_and_in_order() {
    for (backend, list) in [
        ("SQLite", db::MIGRATIONS),
        ("PostgreSQL", db::PG_MIGRATIONS),
    ] {
        assert_eq!(
            byline_migrate::check(list),
            Ok(()),
            "{backend}: the shared runner applies migrations in the order listed"
        );
    }
}

#[test]
fn a_database_at_the_first_migration_is_upgraded_and_keeps_its_users() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("byline.db");
    let token = {
        let mut conn = sqlite(&path);
        db::migrate(&mut conn, &db::MIGRATIONS[..1]).unwrap();
        db::add_user(&conn, "cũ", db::Role::Editor).unwrap()
    };
    let conn = db::open(&path).expect("upgrade");
    let applied = strings(
        &conn,
        "SELECT version FROM schema_migrations ORDER BY version",
    );
    assert_eq!(
        applied,
        db::MIGRATIONS
            .iter()
            .map(|m| m.0.to_string())
            .collect::<Vec<_>>(),
        "every migration recorded once"
    );
    let blobs: i64 = conn
        .query_one("SELECT COUNT(*) FROM blobs", args![])
        .and_then(|r| r.get(0))
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
        let mut conn = sqlite(&path);
        db::migrate(&mut conn, &db::MIGRATIONS[..before_feed]).unwrap();
        conn.batch(
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
        .query(
            "SELECT sha256, cursor FROM photo_meta ORDER BY cursor",
            args![],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0).unwrap(), r.get(1).unwrap()))
        .collect();
    assert_eq!(
        cursors,
        [("p1".to_string(), 5), ("p2".to_string(), 6)],
        "after the newest article cursor (4), oldest metadata first"
    );
    let last: u64 = conn
        .query_one("SELECT last FROM change_seq", args![])
        .and_then(|r| r.get(0))
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
        let mut conn = sqlite(&path);
        db::migrate(&mut conn, &db::MIGRATIONS[..before]).unwrap();
        conn.batch(
            "INSERT INTO articles VALUES ('p', 4, 1, 'published', '{\"t\":1}', '[]', 'ed', '2026-12-01T00:00:00Z');",
        )
        .unwrap();
        conn.batch(
            "INSERT INTO articles VALUES ('d', 2, 2, 'draft', '{}', '[]', 'r', '2026-12-02T00:00:00Z');",
        )
        .unwrap();
        db::add_user(&conn, "Biên tập", db::Role::Editor).unwrap()
    };
    let conn = db::open(&path).expect("upgrade");
    let versions: Vec<(String, u64, u64, String)> = conn
        .query(
            "SELECT id, version, revision, body FROM published_versions ORDER BY id",
            args![],
        )
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.get(0).unwrap(),
                r.get(1).unwrap(),
                r.get(2).unwrap(),
                r.get(3).unwrap(),
            )
        })
        .collect();
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

/// Every `table.column` of a database, sorted: SQLite through `pragma_table_info`, PostgreSQL
/// through `information_schema`.
fn columns(conn: &Conn) -> Vec<String> {
    let sql = match conn.backend() {
        byline_server::sql::Backend::Sqlite => {
            "SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1"
        }
        byline_server::sql::Backend::Postgres => {
            "SELECT table_name || '.' || column_name FROM information_schema.columns
             WHERE table_schema = 'public' ORDER BY 1"
        }
    };
    let mut out = strings(conn, sql);
    out.sort();
    out
}

#[test]
fn the_postgresql_schema_has_every_table_and_column_of_the_sqlite_one_and_migrating_twice_is_a_no_op()
 {
    if !byline_testkit::pg::available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let lite = db::open(&tmp.path().join("byline.db")).unwrap();
    let url = byline_testkit::pg::database();
    let pool = byline_server::pool::Pool::open(
        &byline_server::DatabaseUrl::Postgres(url.clone()),
        tmp.path(),
    )
    .expect("a fresh PostgreSQL database is migrated");
    let (pg_cols, versions) = pool
        .with_writer(|c| {
            db::migrate(c, db::PG_MIGRATIONS)?;
            Ok((
                columns(c),
                strings(c, "SELECT version FROM schema_migrations ORDER BY version"),
            ))
        })
        .unwrap();
    assert_eq!(
        pg_cols,
        columns(&lite),
        "both backends have the same tables and columns (a new SQLite migration needs its PostgreSQL twin)"
    );
    assert_eq!(
        versions,
        db::PG_MIGRATIONS
            .iter()
            .map(|m| m.0.to_string())
            .collect::<Vec<_>>(),
        "each PostgreSQL migration recorded once, even after a second run"
    );
}
