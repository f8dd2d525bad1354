//! The server's connections to its database, per backend.
//!
//! SQLite: one writing connection behind a mutex (SQLite allows one writer anyway) and a few idle
//! read-only connections; under WAL a slow write holds up no reader. PostgreSQL: one pool of
//! connections for reads and writes alike (the database serialises writers, see `sql`), all
//! driven by one small runtime of their own. Callers are on tokio's blocking pool or outside any
//! runtime; neither backend blocks an async worker.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::db::{self, DatabaseUrl};
use crate::error::Result;
use crate::pg_tls::Target;
use crate::sql::{Backend, Conn, PgConn, PgRuntime};

/// Connections kept open between requests.
const MAX_IDLE: usize = 8;

pub enum Pool {
    Sqlite {
        writer: Mutex<Conn>,
        readers: Mutex<Vec<Conn>>,
        path: PathBuf,
    },
    Postgres {
        /// Parsed once: its TLS settings hold the CA file's certificates, read at start.
        target: Box<Target>,
        idle: Mutex<Vec<Conn>>,
        // Dropped last: the connections above hand their I/O to it.
        rt: PgRuntime,
    },
}

impl Pool {
    /// Opens the database `url` names (SQLite: `data_dir/byline.db`) and migrates it.
    pub fn open(url: &DatabaseUrl, data_dir: &Path) -> Result<Pool> {
        match url {
            DatabaseUrl::Sqlite => {
                let path = data_dir.join("byline.db");
                Ok(Pool::Sqlite {
                    writer: Mutex::new(db::open(&path)?),
                    readers: Mutex::new(Vec::new()),
                    path,
                })
            }
            DatabaseUrl::Postgres(url) => {
                let rt = PgRuntime::new()?;
                let target = Box::new(Target::parse(url)?);
                let mut conn = Conn::Postgres(PgConn::connect(&target, &rt.handle())?);
                db::migrate(&mut conn, db::PG_MIGRATIONS)?;
                Ok(Pool::Postgres {
                    target,
                    idle: Mutex::new(vec![conn]),
                    rt,
                })
            }
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Pool::Sqlite { .. } => Backend::Sqlite,
            Pool::Postgres { .. } => Backend::Postgres,
        }
    }

    /// Runs `f` with a connection that may write, on the calling thread. A poisoned lock (a
    /// panic mid-request) is recovered: the open transaction rolled back when its guard dropped.
    pub fn with_writer<T>(&self, f: impl FnOnce(&mut Conn) -> Result<T>) -> Result<T> {
        match self {
            Pool::Sqlite { writer, .. } => {
                let mut guard = writer.lock().unwrap_or_else(|p| p.into_inner());
                f(&mut guard)
            }
            Pool::Postgres { .. } => self.with_pg(f),
        }
    }

    /// Runs `f` on a connection inside one read transaction, so a query in several statements
    /// sees one snapshot.
    pub fn with_reader<T>(&self, f: impl FnOnce(&Conn) -> Result<T>) -> Result<T> {
        let in_tx = |conn: &mut Conn| {
            let tx = conn.read_tx()?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        };
        match self {
            Pool::Sqlite { readers, path, .. } => {
                let idle = readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
                let mut conn = match idle {
                    Some(c) => c,
                    None => db::open_reader(path)?,
                };
                let out = in_tx(&mut conn);
                let mut idle = readers.lock().unwrap_or_else(|p| p.into_inner());
                // Past a handful, a burst's extra connections are closed rather than hoarded.
                if idle.len() < MAX_IDLE {
                    idle.push(conn);
                }
                out
            }
            Pool::Postgres { .. } => self.with_pg(in_tx),
        }
    }

    /// Runs `f`, which reads with ONE statement, on a connection outside any explicit
    /// transaction: a single statement sees one snapshot anyway, and on PostgreSQL this saves
    /// the BEGIN and COMMIT round trips.
    pub fn with_statement<T>(&self, f: impl FnOnce(&Conn) -> Result<T>) -> Result<T> {
        match self {
            Pool::Sqlite { .. } => self.with_reader(f),
            Pool::Postgres { .. } => self.with_pg(|c| f(c)),
        }
    }

    fn with_pg<T>(&self, f: impl FnOnce(&mut Conn) -> Result<T>) -> Result<T> {
        let Pool::Postgres { target, idle, rt } = self else {
            unreachable!("with_pg on the PostgreSQL pool only")
        };
        let taken = loop {
            let next = idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
            match next {
                Some(Conn::Postgres(c)) if c.is_closed() => continue,
                other => break other,
            }
        };
        let mut conn = match taken {
            Some(c) => c,
            None => Conn::Postgres(PgConn::connect(target, &rt.handle())?),
        };
        let out = f(&mut conn);
        let mut idle = idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
        out
    }

    /// The runtime of the PostgreSQL connections (the change feed's listener runs there too).
    pub fn pg_runtime(&self) -> Option<(tokio::runtime::Handle, &Target)> {
        match self {
            Pool::Postgres { target, rt, .. } => Some((rt.handle(), target)),
            Pool::Sqlite { .. } => None,
        }
    }
}
