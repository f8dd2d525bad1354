//! Schema migrations: timestamped SQL files embedded in the binary, applied in name order, each
//! in its own transaction and recorded in `schema_migrations`, so an old library upgrades in place.

use rusqlite::{Connection, params};

use crate::error::Result;

/// Every migration, oldest first. Names are `YYYYMMDD_NNNN_what`; never edit one that shipped.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "20261124_0001_articles",
        include_str!("../../migrations/20261124_0001_articles.sql"),
    ),
    (
        "20261124_0002_search",
        include_str!("../../migrations/20261124_0002_search.sql"),
    ),
    (
        "20261124_0003_photos",
        include_str!("../../migrations/20261124_0003_photos.sql"),
    ),
    (
        "20261124_0004_photo_history",
        include_str!("../../migrations/20261124_0004_photo_history.sql"),
    ),
    (
        "20261124_0005_outbox",
        include_str!("../../migrations/20261124_0005_outbox.sql"),
    ),
    (
        "20261206_0006_fts_pending",
        include_str!("../../migrations/20261206_0006_fts_pending.sql"),
    ),
    (
        "20261206_0007_outbox_preview",
        include_str!("../../migrations/20261206_0007_outbox_preview.sql"),
    ),
    (
        "20261207_0130_photo_marks",
        include_str!("../../migrations/20261207_0130_photo_marks.sql"),
    ),
    (
        "20261207_0140_destinations",
        include_str!("../../migrations/20261207_0140_destinations.sql"),
    ),
    (
        "20261207_0150_editorial",
        include_str!("../../migrations/20261207_0150_editorial.sql"),
    ),
    (
        "20261214_0001_revisions_rowid",
        include_str!("../../migrations/20261214_0001_revisions_rowid.sql"),
    ),
];

/// Applies the migrations not yet recorded. Returns the names applied now.
pub fn migrate(conn: &mut Connection) -> Result<Vec<&'static str>> {
    migrate_to(conn, MIGRATIONS.len())
}

/// Applies migrations up to (not including) index `upto`; tests use it to build old libraries.
pub fn migrate_to(conn: &mut Connection, upto: usize) -> Result<Vec<&'static str>> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            name TEXT PRIMARY KEY NOT NULL,
            applied_at TEXT NOT NULL
        )",
    )?;
    let mut applied = Vec::new();
    for &(name, sql) in &MIGRATIONS[..upto.min(MIGRATIONS.len())] {
        let done: bool = conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM schema_migrations WHERE name = ?1)",
            [name],
            |r| r.get(0),
        )?;
        if done {
            continue;
        }
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations(name, applied_at) VALUES (?1, ?2)",
            params![name, chrono::Utc::now().to_rfc3339()],
        )?;
        tx.commit()?;
        applied.push(name);
    }
    Ok(applied)
}

/// Names of the migrations a database has recorded.
pub fn applied(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM schema_migrations ORDER BY name")?;
    let names = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(names)
}
