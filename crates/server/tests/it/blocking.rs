//! Blocking work (SQLite, part files) stays off the async workers: a write stuck inside the
//! database must not stall requests that do not wait for it.

use std::sync::{Mutex, mpsc};
use std::time::Duration;

use byline_protocol::sync::PutArticleRequest;
use byline_server::app;
use rusqlite::functions::FunctionFlags;

use crate::{Fixture, model_article};

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

#[tokio::test]
async fn a_write_held_inside_sqlite_leaves_the_only_worker_free_for_other_requests() {
    let f = Fixture::new();
    // The slow transaction: a temporary trigger on the server's writing connection calls a
    // function that reports it was entered and then waits to be released. No test-only path in
    // the server; the handler just finds SQLite slow, as with a busy disk or a long fsync.
    let (entered_tx, entered_rx) = mpsc::channel::<()>();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let (entered_tx, release_rx) = (Mutex::new(entered_tx), Mutex::new(release_rx));
    f.state
        .with_db(move |c| {
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
    let entered = tokio::task::spawn_blocking(move || entered_rx.recv_timeout(PATIENCE))
        .await
        .expect("waiter");
    assert!(
        entered.is_ok(),
        "the article write must reach the database and stop in the trigger"
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
    release_tx.send(()).expect("the trigger is still waiting");

    let (openapi, health, read) = answered
        .expect("other requests must answer while a write is stuck in SQLite, not after it")
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
