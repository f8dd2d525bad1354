//! Blocking work (SQLite, part files) stays off the async workers: a write stuck inside the
//! database must not stall requests that do not wait for it.

use std::sync::{Mutex, mpsc};
use std::time::Duration;

use byline_protocol::sync::PutArticleRequest;
use byline_server::sql::{Conn, PgConn, PgRuntime, WRITER_LOCK};
use byline_server::{DatabaseUrl, app, args};
use rusqlite::functions::FunctionFlags;

use crate::{Fixture, model_article, on_postgres};

/// Long enough that only a stalled server misses it; short enough to fail instead of hanging.
const PATIENCE: Duration = Duration::from_secs(10);

/// A runtime that may be dropped inside the test's own runtime, even while a failed assert
/// unwinds (a plain drop there would panic again and abort the test binary).
struct ServerRuntime(Option<tokio::runtime::Runtime>);

impl Drop for ServerRuntime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

/// A write transaction held inside the database until released: on SQLite a temporary trigger
/// on the server's writing connection calls a function that reports it was entered and waits;
/// on PostgreSQL the test holds the writers' advisory lock itself, and the write is "entered"
/// once the server's transaction waits for that lock. No test-only path in the server; the
/// handler just finds the database slow, as with a busy disk or a long fsync.
enum Hold {
    Sqlite {
        entered: mpsc::Receiver<()>,
        release: mpsc::Sender<()>,
    },
    Postgres {
        conn: Conn,
        _rt: PgRuntime,
    },
}

impl Hold {
    fn install(f: &Fixture) -> Hold {
        if on_postgres() {
            let rt = PgRuntime::new().expect("runtime");
            let DatabaseUrl::Postgres(url) = f.state.config().database.clone() else {
                unreachable!("the fixture is on PostgreSQL")
            };
            let target = byline_server::pg_tls::Target::parse(&url).expect("the fixture's URL");
            let conn = Conn::Postgres(PgConn::connect(&target, &rt.handle()).expect("connect"));
            conn.execute("SELECT pg_advisory_lock(?1)", args![WRITER_LOCK])
                .expect("the test takes the writers' lock");
            return Hold::Postgres { conn, _rt: rt };
        }
        let (entered_tx, entered_rx) = mpsc::channel::<()>();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let (entered_tx, release_rx) = (Mutex::new(entered_tx), Mutex::new(release_rx));
        f.state
            .with_db(move |c| {
                let Conn::Sqlite(c) = c else {
                    unreachable!("the fixture is on SQLite")
                };
                c.create_scalar_function("hold_write", 0, FunctionFlags::SQLITE_UTF8, move |_| {
                    let _ = entered_tx.lock().map(|t| t.send(()));
                    let _ = release_rx
                        .lock()
                        .map(|r| r.recv_timeout(Duration::from_secs(60)));
                    Ok(0)
                })?;
                c.execute_batch(
                    "CREATE TEMP TRIGGER hold AFTER INSERT ON articles BEGIN SELECT hold_write(); END",
                )?;
                Ok(())
            })
            .expect("the hook installs on the writing connection");
        Hold::Sqlite {
            entered: entered_rx,
            release: release_tx,
        }
    }

    /// Waits (on this thread) until a write is held; false after [`PATIENCE`].
    fn wait_entered(&self) -> bool {
        match self {
            Hold::Sqlite { entered, .. } => entered.recv_timeout(PATIENCE).is_ok(),
            Hold::Postgres { conn, .. } => {
                let deadline = std::time::Instant::now() + PATIENCE;
                while std::time::Instant::now() < deadline {
                    let waiting: i64 = conn
                        .query_one(
                            "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
                            args![],
                        )
                        .and_then(|r| r.get(0))
                        .expect("pg_locks");
                    if waiting > 0 {
                        return true;
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                false
            }
        }
    }

    fn release(&self) {
        match self {
            Hold::Sqlite { release, .. } => release.send(()).expect("the trigger is still waiting"),
            Hold::Postgres { conn, .. } => {
                conn.execute("SELECT pg_advisory_unlock(?1)", args![WRITER_LOCK])
                    .expect("the test releases the writers' lock");
            }
        }
    }
}

#[tokio::test]
async fn a_write_held_inside_the_database_leaves_the_only_worker_free_for_other_requests() {
    let f = Fixture::new();
    let hold = std::sync::Arc::new(Mutex::new(Hold::install(&f)));

    // The server gets one worker: if a handler blocks it, nothing else on the server moves.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("server runtime");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let router = app(f.state.clone());
    rt.spawn(async move {
        let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
        let _ = axum::serve(listener, router).await;
    });
    let _server = ServerRuntime(Some(rt));

    byline_sync::ensure_crypto_provider();
    let client = reqwest::Client::new();
    let article = model_article([None, None, None]);
    let id = article.id.clone();
    let put = tokio::spawn({
        let request = client
            .put(format!("{base}/api/articles/{id}"))
            .bearer_auth(&f.reporter)
            .json(&PutArticleRequest {
                article,
                base_revision: None,
            });
        async move { request.send().await }
    });
    let waiter = hold.clone();
    let entered = tokio::task::spawn_blocking(move || waiter.lock().expect("hold").wait_entered())
        .await
        .expect("waiter");
    assert!(
        entered,
        "the article write must reach the database and be held there"
    );

    let others = async {
        let openapi = client.get(format!("{base}/openapi.json")).send().await?;
        let health = client.get(format!("{base}/health")).send().await?;
        let read = client
            .get(format!("{base}/api/articles/{id}"))
            .bearer_auth(&f.editor)
            .send()
            .await?;
        Ok::<_, reqwest::Error>((openapi.status(), health.status(), read.status()))
    };
    let answered = tokio::time::timeout(PATIENCE, others).await;
    let write_was_still_held = !put.is_finished();
    hold.lock().expect("hold").release();

    let (openapi, health, read) = answered
        .expect("other requests must answer while a write is stuck in the database, not after it")
        .expect("other requests reach the server");
    assert!(
        write_was_still_held,
        "the other requests must have answered before the write was released"
    );
    assert_eq!(openapi, 200, "a request without the database answers");
    assert_eq!(health, 200, "health reads through its own connection");
    assert_eq!(
        read, 404,
        "a signed-in read answers from the last committed state, without the pending article"
    );
    let put = tokio::time::timeout(PATIENCE, put)
        .await
        .expect("the write finishes once released")
        .expect("task")
        .expect("response");
    assert_eq!(put.status(), 201, "the held write then commits as usual");
}
