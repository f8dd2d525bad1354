//! The library's schema migrations: timestamped SQL files embedded in the binary, applied by the
//! shared runner (`byline-migrate`) and recorded in `schema_migrations`, so an old library
//! upgrades in place.

use byline_migrate::Step;
use rusqlite::{Connection, Transaction, TransactionBehavior, params};

use crate::error::{CoreError, Result};

/// Every migration, oldest first. Names are `YYYYMMDD_NNNN_what`; never edit one that shipped.
pub const MIGRATIONS: &[byline_migrate::Migration] = &[
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
    byline_migrate::migrate(
        &mut Library(conn),
        &MIGRATIONS[..upto.min(MIGRATIONS.len())],
    )
}

/// A library's database as the shared runner sees it: the record is `schema_migrations(name)`.
struct Library<'c>(&'c mut Connection);

impl byline_migrate::Database for Library<'_> {
    type Error = CoreError;

    fn prepare(&mut self) -> Result<()> {
        self.0.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                name TEXT PRIMARY KEY NOT NULL,
                applied_at TEXT NOT NULL
            )",
        )?;
        Ok(())
    }

    fn in_write_tx<T>(
        &mut self,
        step: impl FnOnce(&mut dyn Step<CoreError>) -> Result<T>,
    ) -> Result<T> {
        let mut tx = self
            .0
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = step(&mut tx)?;
        tx.commit()?;
        Ok(out)
    }
}

impl Step<CoreError> for Transaction<'_> {
    fn is_recorded(&mut self, name: &str) -> Result<bool> {
        Ok(self.query_row(
            "SELECT EXISTS(SELECT 1 FROM schema_migrations WHERE name = ?1)",
            [name],
            |r| r.get(0),
        )?)
    }

    fn run(&mut self, sql: &str) -> Result<()> {
        Ok(self.execute_batch(sql)?)
    }

    fn record(&mut self, name: &str) -> Result<()> {
        self.execute(
            "INSERT INTO schema_migrations(name, applied_at) VALUES (?1, ?2)",
            params![name, chrono::Utc::now().to_rfc3339()],
        )?;
        Ok(())
    }
}

/// Names of the migrations a database has recorded.
pub fn applied(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM schema_migrations ORDER BY name")?;
    let names = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(names)
}
