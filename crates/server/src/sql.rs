//! The one database interface of the server, over its two backends: embedded SQLite (the
//! default, through rusqlite) and PostgreSQL (`--database postgres://…`, through tokio-postgres).
//!
//! Every module writes its SQL once, in the dialect both understand (`?N` placeholders, which
//! PostgreSQL receives as `$N`; `INSERT … ON CONFLICT`; no SQLite-only functions), and reads rows
//! as [`Row`]s of plain [`Value`]s. Calls are synchronous, as rusqlite's are: handlers run them on
//! tokio's blocking pool (`AppState::read`/`write`). A PostgreSQL call hands its future to the
//! backend's own small runtime and waits on a channel, so it may be made from any thread, a
//! blocking-pool thread or a test's async context alike.
//!
//! Writers are serialised by the database: a SQLite write transaction is `BEGIN IMMEDIATE`; a
//! PostgreSQL one takes one transaction-scoped advisory lock ([`WRITER_LOCK`]) before anything
//! else. Any number of server processes on one PostgreSQL database thus commit one writer at a
//! time, so the change feed's cursors are taken in commit order on every backend.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use tokio_postgres::types::{IsNull, ToSql, Type, to_sql_checked};

use crate::error::{Result, ServerError};

/// The advisory lock every PostgreSQL write transaction holds until it ends ("BYLN").
pub const WRITER_LOCK: i64 = 0x4259_4c4e;

/// One SQL value, as both backends store it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
}

/// A value that can be bound to a placeholder.
pub trait ToValue {
    fn to_value(&self) -> Value;
}

macro_rules! int_to_value {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value {
                // Counts and sizes never reach i64::MAX; saturate rather than wrap if one did.
                Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
            }
        }
    )*};
}
int_to_value!(i64, i32, u32, u64, usize, u16);

impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
impl ToValue for f64 {
    fn to_value(&self) -> Value {
        Value::Real(*self)
    }
}
impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
}
impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}
impl ToValue for [u8] {
    fn to_value(&self) -> Value {
        Value::Bytes(self.to_vec())
    }
}
impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Bytes(self.clone())
    }
}
impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}
impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToValue::to_value)
    }
}

/// Placeholder values for one statement: `args![a, b]`.
#[macro_export]
macro_rules! args {
    () => { &[] as &[&dyn $crate::sql::ToValue] };
    ($($x:expr),+ $(,)?) => { &[$(&$x as &dyn $crate::sql::ToValue),+] as &[&dyn $crate::sql::ToValue] };
}

/// A value read back from a column.
pub trait FromValue: Sized {
    fn from_value(v: &Value) -> Option<Self>;
}

macro_rules! int_from_value {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(v: &Value) -> Option<Self> {
                match v { Value::Int(i) => <$t>::try_from(*i).ok(), _ => None }
            }
        }
    )*};
}
int_from_value!(i64, i32, u16, u32, u64, usize);

impl FromValue for bool {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Int(i) => Some(*i != 0),
            _ => None,
        }
    }
}
impl FromValue for f64 {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Real(f) => Some(*f),
            #[allow(clippy::cast_precision_loss)]
            Value::Int(i) => Some(*i as f64),
            _ => None,
        }
    }
}
impl FromValue for String {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
}
impl FromValue for Vec<u8> {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Bytes(b) => Some(b.clone()),
            Value::Text(s) => Some(s.clone().into_bytes()),
            _ => None,
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Null => Some(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// One result row, read whole.
#[derive(Debug, Clone)]
pub struct Row(Vec<Value>);

impl Row {
    /// Column `i` as `T`; a type mismatch is a storage error naming the column.
    pub fn get<T: FromValue>(&self, i: usize) -> Result<T> {
        let v = self
            .0
            .get(i)
            .ok_or_else(|| storage(format!("no column {i}")))?;
        T::from_value(v).ok_or_else(|| {
            storage(format!(
                "column {i} holds {v:?}, not a {}",
                std::any::type_name::<T>()
            ))
        })
    }
}

fn storage(message: String) -> ServerError {
    ServerError::new(byline_protocol::ErrorCode::Storage, message)
}

/// Which database a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// One open connection.
pub enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres(PgConn),
}

impl Conn {
    pub fn backend(&self) -> Backend {
        match self {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Postgres(_) => Backend::Postgres,
        }
    }

    /// Runs one statement; returns the number of rows it changed.
    pub fn execute(&self, sql: &str, args: &[&dyn ToValue]) -> Result<u64> {
        match self {
            Conn::Sqlite(c) => {
                let mut st = c.prepare_cached(sql)?;
                Ok(st.execute(rusqlite::params_from_iter(values(args)))? as u64)
            }
            Conn::Postgres(c) => c.execute(sql, values(args)),
        }
    }

    /// Every row the query returns.
    pub fn query(&self, sql: &str, args: &[&dyn ToValue]) -> Result<Vec<Row>> {
        match self {
            Conn::Sqlite(c) => sqlite_query(c, sql, args),
            Conn::Postgres(c) => c.query(sql, values(args)),
        }
    }

    /// The first row, if any.
    pub fn query_opt(&self, sql: &str, args: &[&dyn ToValue]) -> Result<Option<Row>> {
        Ok(self.query(sql, args)?.into_iter().next())
    }

    /// The first row; none is a storage error (use it where the schema guarantees one).
    pub fn query_one(&self, sql: &str, args: &[&dyn ToValue]) -> Result<Row> {
        self.query_opt(sql, args)?
            .ok_or_else(|| storage(format!("no row for: {}", first_line(sql))))
    }

    /// Runs several `;`-separated statements without arguments (migrations, transaction control).
    pub fn batch(&self, sql: &str) -> Result<()> {
        match self {
            Conn::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Conn::Postgres(c) => c.batch(sql),
        }
    }

    /// A write transaction: writers are serialised across every process on the database.
    pub fn write_tx(&mut self) -> Result<Tx<'_>> {
        match self {
            Conn::Sqlite(_) => self.batch("BEGIN IMMEDIATE")?,
            Conn::Postgres(_) => {
                // One round trip: the lock is taken before the transaction does anything else.
                let locked = self.batch(&format!(
                    "BEGIN; SELECT pg_advisory_xact_lock({WRITER_LOCK})"
                ));
                if let Err(e) = locked {
                    let _ = self.batch("ROLLBACK");
                    return Err(e);
                }
            }
        }
        Ok(Tx {
            conn: self,
            open: true,
        })
    }

    /// A read transaction: every statement in it sees one snapshot.
    pub fn read_tx(&mut self) -> Result<Tx<'_>> {
        match self {
            Conn::Sqlite(_) => self.batch("BEGIN DEFERRED")?,
            Conn::Postgres(_) => self.batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?,
        }
        Ok(Tx {
            conn: self,
            open: true,
        })
    }
}

fn first_line(sql: &str) -> &str {
    sql.trim().lines().next().unwrap_or("")
}

fn values(args: &[&dyn ToValue]) -> Vec<Value> {
    args.iter().map(|a| a.to_value()).collect()
}

fn sqlite_query(c: &rusqlite::Connection, sql: &str, args: &[&dyn ToValue]) -> Result<Vec<Row>> {
    let mut st = c.prepare_cached(sql)?;
    let n = st.column_count();
    let mut rows = st.query(rusqlite::params_from_iter(values(args)))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut row = Vec::with_capacity(n);
        for i in 0..n {
            row.push(match r.get_ref(i)? {
                rusqlite::types::ValueRef::Null => Value::Null,
                rusqlite::types::ValueRef::Integer(i) => Value::Int(i),
                rusqlite::types::ValueRef::Real(f) => Value::Real(f),
                rusqlite::types::ValueRef::Text(t) => {
                    Value::Text(String::from_utf8_lossy(t).into_owned())
                }
                rusqlite::types::ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
            });
        }
        out.push(Row(row));
    }
    Ok(out)
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(*i),
            Value::Real(f) => ValueRef::Real(*f),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Bytes(b) => ValueRef::Blob(b),
        }))
    }
}

/// An open transaction; dropped without [`Tx::commit`], it rolls back.
pub struct Tx<'a> {
    conn: &'a mut Conn,
    open: bool,
}

impl Tx<'_> {
    pub fn commit(mut self) -> Result<()> {
        self.open = false;
        self.conn.batch("COMMIT")
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        self.conn
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.conn.batch("ROLLBACK");
        }
    }
}

/// A PostgreSQL connection. Its I/O runs on the backend's runtime ([`PgRuntime`]); calls wait for
/// it on a channel. Prepared statements are cached per connection, keyed by the SQL as written.
pub struct PgConn {
    client: Arc<tokio_postgres::Client>,
    rt: tokio::runtime::Handle,
    statements: RefCell<HashMap<String, tokio_postgres::Statement>>,
}

/// The runtime that drives every PostgreSQL connection of one server: a single worker thread is
/// plenty for socket I/O. Shut down in the background when the last owner drops, which is
/// allowed on any thread, async or not.
pub struct PgRuntime(Option<tokio::runtime::Runtime>);

impl PgRuntime {
    pub fn new() -> Result<PgRuntime> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("byline-pg")
            .enable_all()
            .build()?;
        Ok(PgRuntime(Some(rt)))
    }

    pub fn handle(&self) -> tokio::runtime::Handle {
        self.0
            .as_ref()
            .map(|r| r.handle().clone())
            .expect("runtime lives until drop")
    }
}

impl Drop for PgRuntime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

/// Runs `fut` on `rt` and waits for its result on this thread.
pub fn wait_on<T: Send + 'static>(
    rt: &tokio::runtime::Handle,
    fut: impl std::future::Future<Output = T> + Send + 'static,
) -> Result<T> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    rt.spawn(async move {
        let _ = tx.send(fut.await);
    });
    rx.recv()
        .map_err(|_| storage("the PostgreSQL runtime stopped".into()))
}

impl PgConn {
    /// Connects to the database `target` names (parsed from `postgres://user@host/db`, or
    /// `?host=/socket/dir`; TLS as `sslmode` and `sslrootcert` ask, see [`crate::pg_tls`]).
    pub fn connect(target: &crate::pg_tls::Target, rt: &tokio::runtime::Handle) -> Result<PgConn> {
        let target = target.clone();
        let (client, connection) = wait_on(rt, async move { target.connect().await })??;
        rt.spawn(async move {
            if let Err(e) = connection.await {
                tracing::warn!(error = %e, "PostgreSQL connection ended");
            }
        });
        Ok(PgConn {
            client: Arc::new(client),
            rt: rt.clone(),
            statements: RefCell::new(HashMap::new()),
        })
    }

    /// True once the server side of the connection is gone: the pool then opens a new one.
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    fn statement(&self, sql: &str) -> Result<tokio_postgres::Statement> {
        if let Some(st) = self.statements.borrow().get(sql) {
            return Ok(st.clone());
        }
        let client = self.client.clone();
        let text = dollar_placeholders(sql);
        let st = wait_on(&self.rt, async move { client.prepare(&text).await })??;
        self.statements
            .borrow_mut()
            .insert(sql.to_string(), st.clone());
        Ok(st)
    }

    fn execute(&self, sql: &str, args: Vec<Value>) -> Result<u64> {
        let st = self.statement(sql)?;
        let client = self.client.clone();
        let n = wait_on(&self.rt, async move {
            let refs: Vec<&(dyn ToSql + Sync)> =
                args.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
            client.execute(&st, &refs).await
        })??;
        Ok(n)
    }

    fn query(&self, sql: &str, args: Vec<Value>) -> Result<Vec<Row>> {
        let st = self.statement(sql)?;
        let client = self.client.clone();
        let rows = wait_on(&self.rt, async move {
            let refs: Vec<&(dyn ToSql + Sync)> =
                args.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
            client.query(&st, &refs).await
        })??;
        rows.iter().map(pg_row).collect()
    }

    fn batch(&self, sql: &str) -> Result<()> {
        let client = self.client.clone();
        let sql = sql.to_string();
        wait_on(&self.rt, async move { client.batch_execute(&sql).await })??;
        Ok(())
    }
}

/// `?N` → `$N` outside quoted strings and identifiers.
fn dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    for ch in sql.chars() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(ch),
            (None, '?') => {
                out.push('$');
                continue;
            }
            _ => {}
        }
        out.push(ch);
    }
    out
}

fn pg_row(r: &tokio_postgres::Row) -> Result<Row> {
    let mut row = Vec::with_capacity(r.len());
    for (i, col) in r.columns().iter().enumerate() {
        let ty = col.type_();
        let v = if *ty == Type::INT8 {
            r.try_get::<_, Option<i64>>(i)?.map(Value::Int)
        } else if *ty == Type::INT4 {
            r.try_get::<_, Option<i32>>(i)?
                .map(|v| Value::Int(v.into()))
        } else if *ty == Type::INT2 {
            r.try_get::<_, Option<i16>>(i)?
                .map(|v| Value::Int(v.into()))
        } else if *ty == Type::BOOL {
            r.try_get::<_, Option<bool>>(i)?
                .map(|v| Value::Int(v.into()))
        } else if *ty == Type::FLOAT8 {
            r.try_get::<_, Option<f64>>(i)?.map(Value::Real)
        } else if *ty == Type::BYTEA {
            r.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Bytes)
        } else if [Type::TEXT, Type::VARCHAR, Type::NAME, Type::BPCHAR].contains(ty) {
            r.try_get::<_, Option<String>>(i)?.map(Value::Text)
        } else if *ty == Type::VOID {
            None
        } else {
            return Err(storage(format!(
                "column {} has PostgreSQL type {ty}, which the server does not read",
                col.name()
            )));
        };
        row.push(v.unwrap_or(Value::Null));
    }
    Ok(Row(row))
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) if *ty == Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
            Value::Int(i) if *ty == Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
            Value::Int(i) if *ty == Type::BOOL => (*i != 0).to_sql(ty, out),
            Value::Int(i) if *ty == Type::FLOAT8 =>
            {
                #[allow(clippy::cast_precision_loss)]
                (*i as f64).to_sql(ty, out)
            }
            Value::Int(i) if *ty == Type::TEXT => i.to_string().to_sql(ty, out),
            Value::Int(i) => i.to_sql(ty, out),
            Value::Real(f) => f.to_sql(ty, out),
            Value::Text(s) => s.as_str().to_sql(ty, out),
            Value::Bytes(b) if *ty == Type::BYTEA => b.as_slice().to_sql(ty, out),
            Value::Bytes(b) => std::str::from_utf8(b)?.to_sql(ty, out),
        }
    }

    fn accepts(_ty: &Type) -> bool {
        // The statement's own parameter types decide the encoding in `to_sql`.
        true
    }

    to_sql_checked!();
}

/// A URL with its password replaced, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let cred = &url[s + 3..at];
            match cred.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &cred[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_placeholders_become_dollars_but_quoted_question_marks_stay() {
        assert_eq!(
            dollar_placeholders("SELECT '?1', x FROM t WHERE a = ?1 AND b = ?2"),
            "SELECT '?1', x FROM t WHERE a = $1 AND b = $2",
            "only placeholders outside quotes are rewritten"
        );
    }

    #[test]
    fn a_password_never_reaches_a_message() {
        assert_eq!(
            redact("postgres://byline:s3cret@db.example/byline"),
            "postgres://byline:***@db.example/byline",
            "the password is masked, the rest kept for the reader"
        );
        assert_eq!(
            redact("postgres://byline@localhost/b?host=/tmp"),
            "postgres://byline@localhost/b?host=/tmp"
        );
    }
}
