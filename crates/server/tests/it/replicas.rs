//! Two servers on one database act as one: the change feed stays complete and in commit order
//! while both take writes, and an idempotency key is executed once whichever server gets the
//! retry. Runs on the backend under test: on PostgreSQL the replicas are two pools; on SQLite
//! two servers share one database file (writers then wait on SQLite's file lock).

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use byline_protocol::{Article, Block};
use byline_server::{AppState, Config, app};
use byline_sync::Client;

// Rate limits are per server process (documented): lifted here, where writing fast is the point.
use byline_testkit::in_process::unlimited;

use crate::Fixture;

/// Serves `state` on 127.0.0.1:0 for the test's lifetime; returns its base URL.
async fn serve(state: AppState) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app(state)).await;
    });
    format!("http://{addr}")
}

fn story(writer: usize, n: usize) -> Article {
    let mut a = Article::new(format!("Tin {writer}-{n}"));
    a.blocks = vec![Block::paragraph(format!(
        "Đoạn {n} của người viết {writer}."
    ))];
    a
}

/// A small deterministic generator (xorshift), seeded from the clock and printed, so a failing
/// order of disconnects can be replayed by fixing the seed.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

const WRITERS: usize = 8;
const PER_WRITER: usize = 125;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_changes_from_concurrent_writers_on_two_replicas_reach_a_resuming_reader_once_each_in_order()
 {
    let f = Fixture::with_config(unlimited());
    let replicas = [
        serve(f.state.clone()).await,
        serve(f.reopen(unlimited())).await,
    ];
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let client = Client::new(&replicas[w % 2], &f.reporter).expect("client");
            tokio::spawn(async move {
                let mut ids = Vec::with_capacity(PER_WRITER);
                for n in 0..PER_WRITER {
                    let a = story(w, n);
                    client
                        .put_article(&a, None, &format!("w{w}-{n}"))
                        .await
                        .expect("every write commits");
                    ids.push(a.id);
                }
                ids
            })
        })
        .collect();

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(7, |d| d.as_nanos() as u64 | 1);
    eprintln!("disconnect seed {seed}");
    let mut dice = Dice(seed);
    let (mut cursor, mut delivered, mut reconnects) = (0u64, Vec::<(u64, String)>::new(), 0);
    let total = WRITERS * PER_WRITER;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(240);
    while delivered.len() < total {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the reader got {} of {total} changes in 240 s",
            delivered.len()
        );
        // A new connection to a replica chosen at random, reading a random number of pages
        // before it hangs up and the next one resumes from the cursor it kept.
        let reader = Client::new(&replicas[dice.roll(2) as usize], &f.editor).expect("client");
        reconnects += 1;
        for _ in 0..=dice.roll(4) {
            let page = reader
                .changes(cursor, Duration::from_secs(dice.roll(2)))
                .await
                .expect("a page of the feed");
            for c in &page.changes {
                let byline_protocol::sync::Change::Article { article, cursor } = c else {
                    panic!("only articles were written");
                };
                delivered.push((*cursor, article.article.id.clone()));
            }
            cursor = page.next_cursor;
        }
    }
    let mut written = Vec::new();
    for w in writers {
        written.push(w.await.expect("writer"));
    }

    assert!(
        delivered.windows(2).all(|p| p[0].0 < p[1].0),
        "cursors strictly increase across every reconnection (seed {seed})"
    );
    let ids: Vec<&String> = delivered.iter().map(|(_, id)| id).collect();
    let unique: HashSet<&String> = ids.iter().copied().collect();
    assert_eq!(
        (ids.len(), unique.len()),
        (total, total),
        "each of the {total} changes delivered exactly once over {reconnects} connections (seed {seed})"
    );
    let position: HashMap<&String, usize> =
        ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    for (w, ids) in written.iter().enumerate() {
        assert!(
            ids.windows(2).all(|p| position[&p[0]] < position[&p[1]]),
            "writer {w}'s changes arrive in the order it committed them (seed {seed})"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_idempotency_key_sent_to_both_replicas_at_once_is_executed_once() {
    let f = Fixture::with_config(unlimited());
    let replicas = [
        serve(f.state.clone()).await,
        serve(f.reopen(unlimited())).await,
    ];
    for round in 0..10 {
        let a = story(0, round);
        let key = format!("twice-{round}");
        let sends = replicas.iter().map(|base| {
            let client = Client::new(base, &f.reporter).expect("client");
            let (a, key) = (a.clone(), key.clone());
            tokio::spawn(async move { client.put_article(&a, None, &key).await })
        });
        let mut revisions = Vec::new();
        for s in sends {
            revisions.push(
                s.await
                    .expect("task")
                    .expect("both answer: one executes, the other replays its answer")
                    .server_revision,
            );
        }
        assert_eq!(
            revisions,
            [1, 1],
            "both answers name revision 1 (round {round})"
        );
        let stored = Client::new(&replicas[round % 2], &f.editor)
            .expect("client")
            .get_article(&a.id)
            .await
            .expect("the story exists");
        assert_eq!(
            stored.server_revision, 1,
            "the write ran once: no second revision (round {round})"
        );
    }
}

/// On PostgreSQL another replica's commit reaches a waiting reader through `NOTIFY`: the
/// long-poll answers as the write commits, not when its wait runs out. (SQLite is one server's
/// database; its waiters are woken in-process, which the feed tests cover.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reader_waiting_on_one_postgresql_replica_is_woken_by_a_commit_on_the_other() {
    if !byline_testkit::pg::available() {
        return;
    }
    let database = byline_server::db::DatabaseUrl::Postgres(byline_testkit::pg::database());
    let f = Fixture::with_config(Config {
        database,
        ..unlimited()
    });
    let (writer, waiter) = (
        serve(f.state.clone()).await,
        serve(f.reopen(unlimited())).await,
    );
    let reader = Client::new(&waiter, &f.editor).expect("client");
    let start = reader
        .changes(0, Duration::ZERO)
        .await
        .expect("feed")
        .next_cursor;
    let wait = Duration::from_secs(20);
    let listening = tokio::spawn(async move {
        let asked = tokio::time::Instant::now();
        let page = reader
            .changes(start, wait)
            .await
            .expect("a page of the feed");
        (page, asked.elapsed())
    });
    // Let the reader's request reach its wait before the other replica writes.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let a = story(0, 0);
    Client::new(&writer, &f.reporter)
        .expect("client")
        .put_article(&a, None, "wake-1")
        .await
        .expect("the write commits");
    let (page, took) = listening.await.expect("reader task");
    assert!(
        page.changes.iter().any(|c| matches!(
            c,
            byline_protocol::sync::Change::Article { article, .. } if article.article.id == a.id
        )),
        "the waiting reader receives the other replica's write: {:?}",
        page.changes.len()
    );
    assert!(
        took < wait / 2,
        "the reader was woken by the commit ({took:?}), not by its {wait:?} wait running out"
    );
}
