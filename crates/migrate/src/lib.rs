//! The one migration runner, shared by the desktop library (SQLite through rusqlite) and the
//! newsroom server (SQLite or PostgreSQL through its own connection type).
//!
//! A migration is a named SQL script; names start with a timestamp, so name order is the order
//! they were written in. The runner owns the rules every database follows: steps run in name
//! order; each step runs at most once, checked and recorded inside the same write transaction
//! as its SQL, so a crash never leaves a half-applied step and two processes starting at once
//! apply it once; a step that fails is not recorded and stops the run. A database only says how
//! it opens a write transaction and where it keeps the record ([`Database`], [`Step`]).

/// One migration: its name (timestamp first, never renamed once shipped) and its SQL.
pub type Migration = (&'static str, &'static str);

/// A database the runner can migrate.
pub trait Database {
    type Error;

    /// Creates the table that records applied migrations, if it is missing.
    fn prepare(&mut self) -> Result<(), Self::Error>;

    /// Runs `step` inside one write transaction (taken so that no other writer of the same
    /// database runs at the same time), committing when it returns `Ok` and rolling back
    /// otherwise.
    fn in_write_tx<T>(
        &mut self,
        step: impl FnOnce(&mut dyn Step<Self::Error>) -> Result<T, Self::Error>,
    ) -> Result<T, Self::Error>;
}

/// What the runner does inside a step's transaction.
pub trait Step<E> {
    /// Whether `name` is recorded as applied.
    fn is_recorded(&mut self, name: &str) -> Result<bool, E>;
    /// Runs a migration's SQL (several statements).
    fn run(&mut self, sql: &str) -> Result<(), E>;
    /// Records `name` as applied now.
    fn record(&mut self, name: &str) -> Result<(), E>;
}

/// Applies every migration of `list` not yet recorded, in order. Returns the names applied now.
pub fn migrate<D: Database>(db: &mut D, list: &[Migration]) -> Result<Vec<&'static str>, D::Error> {
    debug_assert_eq!(check(list), Ok(()), "a migration list out of order");
    db.prepare()?;
    let mut applied = Vec::new();
    for &(name, sql) in list {
        let ran = db.in_write_tx(|tx| {
            // Checked inside the transaction: another process may have applied it meanwhile.
            if tx.is_recorded(name)? {
                return Ok(false);
            }
            tx.run(sql)?;
            tx.record(name)?;
            Ok(true)
        })?;
        if ran {
            applied.push(name);
        }
    }
    Ok(applied)
}

/// Checks a migration list: names unique, in strictly increasing order, each starting with an
/// eight-digit date. Each crate's migration test calls it on its lists.
pub fn check(list: &[Migration]) -> Result<(), String> {
    for pair in list.windows(2) {
        if pair[0].0 >= pair[1].0 {
            return Err(format!(
                "migration `{}` comes after `{}`: name a new migration with a later timestamp",
                pair[1].0, pair[0].0
            ));
        }
    }
    match list
        .iter()
        .find(|(name, _)| name.len() < 8 || !name[..8].bytes().all(|b| b.is_ascii_digit()))
    {
        Some((name, _)) => Err(format!(
            "migration `{name}` does not start with its date (YYYYMMDD…)"
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An in-memory database whose transactions apply on commit only, and which can be told to
    /// fail a given script.
    #[derive(Default)]
    struct Memory {
        recorded: Vec<String>,
        ran: Vec<String>,
        fail_on: Option<&'static str>,
        prepared: bool,
    }

    struct Tx {
        recorded: Vec<String>,
        ran: Vec<String>,
        fail_on: Option<&'static str>,
    }

    impl Step<String> for Tx {
        fn is_recorded(&mut self, name: &str) -> Result<bool, String> {
            Ok(self.recorded.iter().any(|r| r == name))
        }
        fn run(&mut self, sql: &str) -> Result<(), String> {
            if self.fail_on == Some(sql) {
                return Err(format!("syntax error in {sql}"));
            }
            self.ran.push(sql.to_owned());
            Ok(())
        }
        fn record(&mut self, name: &str) -> Result<(), String> {
            self.recorded.push(name.to_owned());
            Ok(())
        }
    }

    impl Database for Memory {
        type Error = String;
        fn prepare(&mut self) -> Result<(), String> {
            self.prepared = true;
            Ok(())
        }
        fn in_write_tx<T>(
            &mut self,
            step: impl FnOnce(&mut dyn Step<String>) -> Result<T, String>,
        ) -> Result<T, String> {
            assert!(self.prepared, "the record table exists before any step");
            let mut tx = Tx {
                recorded: self.recorded.clone(),
                ran: self.ran.clone(),
                fail_on: self.fail_on,
            };
            let out = step(&mut tx)?;
            (self.recorded, self.ran) = (tx.recorded, tx.ran);
            Ok(out)
        }
    }

    const LIST: &[Migration] = &[
        ("20261120_0001_a", "create a"),
        ("20261121_0001_b", "create b"),
        ("20261122_0001_c", "create c"),
    ];

    #[test]
    fn each_migration_runs_once_in_order_and_a_second_run_applies_nothing() {
        let mut db = Memory::default();
        assert_eq!(
            migrate(&mut db, &LIST[..2]).unwrap(),
            ["20261120_0001_a", "20261121_0001_b"]
        );
        assert_eq!(
            migrate(&mut db, LIST).unwrap(),
            ["20261122_0001_c"],
            "an older database gets only the steps it lacks"
        );
        assert!(migrate(&mut db, LIST).unwrap().is_empty(), "nothing twice");
        assert_eq!(db.ran, ["create a", "create b", "create c"]);
    }

    #[test]
    fn a_failing_step_is_not_recorded_and_stops_the_run() {
        let mut db = Memory {
            fail_on: Some("create b"),
            ..Memory::default()
        };
        let err = migrate(&mut db, LIST).unwrap_err();
        assert!(
            err.contains("create b"),
            "the database's error comes back: {err}"
        );
        assert_eq!(
            db.recorded,
            ["20261120_0001_a"],
            "b is not recorded, c never ran"
        );
        db.fail_on = None;
        assert_eq!(
            migrate(&mut db, LIST).unwrap(),
            ["20261121_0001_b", "20261122_0001_c"],
            "the next start resumes at the failed step"
        );
    }

    #[test]
    fn a_list_out_of_order_or_without_a_date_is_refused_with_what_to_do() {
        assert_eq!(check(LIST), Ok(()));
        let swapped = [LIST[1], LIST[0]];
        assert!(check(&swapped).unwrap_err().contains("later timestamp"));
        assert!(check(&[LIST[0], LIST[0]]).is_err(), "a name used twice");
        assert!(check(&[("init", "")]).unwrap_err().contains("YYYYMMDD"));
    }
}
