//! Propagation benchmark (`bench/propagation.sh`): how long after one editor's `publish` returns
//! does the story show in a second editor's library?
//!
//! - **engine**: library B runs the sync engine (`Library::start_engine`, feed loop); the time
//!   is from A's publish returning to the story appearing in `B.articles()` (polled every 2 ms).
//! - **peer, manual**: library C runs no engine; right after A's publish returns, an explicit
//!   `byline sync` (the CLI binary, as a person would type it) is run on C; the time is from A's
//!   publish returning to that command exiting with the story in C's list.
//!
//! Each try publishes a fresh copy of the model story from A (its photos are already on the
//! server after the warm-up, so no photo bytes travel): one publish timed for B, then C catches
//! up untimed, then one publish timed for C. A real `byline-server` process on 127.0.0.1.
//!   cargo run --release -p byline-tests --example propagation -- [TRIES]

use std::process::Command;
use std::time::{Duration, Instant};

use byline_core::engine::Target;
use byline_core::sync::{Patience, Remote};
use byline_core::{Library, Scope};
use byline_testkit::process::ServerProcess;
use byline_testkit::{bin, ready_story};

fn listed(lib: &Library, id: &str) -> bool {
    lib.articles(Scope::Live)
        .expect("list")
        .iter()
        .any(|a| a.id == id)
}

fn publish_new(a: &Library, remote: &Remote) -> (String, Instant) {
    let id = ready_story(a);
    a.publish(&id, remote, &Patience::default())
        .expect("A publishes");
    (id, Instant::now())
}

fn manual_sync(c_dir: &std::path::Path, remote: &Remote) {
    let out = Command::new(bin("BYLINE_CLI_BIN", "byline"))
        .arg("--data-dir")
        .arg(c_dir)
        .args(["sync", "--server", &remote.url, "--token", &remote.token])
        .env_remove("BYLINE_TOKEN")
        .env_remove("BYLINE_SERVER")
        .output()
        .expect("byline sync runs");
    assert!(
        out.status.success(),
        "byline sync failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn pct(v: &[Duration], p: f64) -> Duration {
    let mut s = v.to_vec();
    s.sort();
    s[((s.len() as f64 * p).ceil() as usize).clamp(1, s.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let tries: usize = std::env::args()
        .nth(1)
        .map_or(20, |s| s.parse().expect("TRIES"));
    let dir = tempfile::tempdir().expect("temp dir");
    let srv = ServerProcess::start(&dir.path().join("server"));
    let token = srv.add_user("Biên tập", "editor");
    let remote = Remote {
        url: srv.url.clone(),
        token,
    };
    let a = Library::open(dir.path().join("a")).expect("library A");
    let b = Library::open(dir.path().join("b")).expect("library B");
    let c_dir = dir.path().join("c");
    Library::open(&c_dir).expect("library C");
    let engine = b
        .start_engine(Target::Fixed(remote.clone()))
        .expect("B's engine starts");

    // Warm-up: photos up, B and C have them, dictionaries loaded.
    let (id, _) = publish_new(&a, &remote);
    while !listed(&b, &id) {
        std::thread::sleep(Duration::from_millis(20));
    }
    manual_sync(&c_dir, &remote);

    let (mut eng, mut man) = (Vec::new(), Vec::new());
    for i in 0..tries {
        let (id, t0) = publish_new(&a, &remote);
        let limit = t0 + Duration::from_secs(60);
        while !listed(&b, &id) {
            assert!(Instant::now() < limit, "B never saw {id}");
            std::thread::sleep(Duration::from_millis(2));
        }
        eng.push(t0.elapsed());
        manual_sync(&c_dir, &remote); // catch up on this story, untimed

        let (id, t0) = publish_new(&a, &remote);
        manual_sync(&c_dir, &remote);
        man.push(t0.elapsed());
        let c = Library::open(&c_dir).expect("library C");
        assert!(listed(&c, &id), "byline sync brought {id} to C");
        eprintln!(
            "try {:>2}: engine {:>7.1} ms   manual byline sync {:>7.1} ms",
            i + 1,
            ms(eng[i]),
            ms(man[i])
        );
    }
    engine.stop();
    let (e50, e95, m50, m95) = (
        pct(&eng, 0.50),
        pct(&eng, 0.95),
        pct(&man, 0.50),
        pct(&man, 0.95),
    );
    println!(
        "propagation over {tries} tries: engine p50 {:.1} ms p95 {:.1} ms | peer manual `byline sync` p50 {:.1} ms p95 {:.1} ms | ratio engine/peer p50 {:.2}x p95 {:.2}x",
        ms(e50),
        ms(e95),
        ms(m50),
        ms(m95),
        ms(e50) / ms(m50),
        ms(e95) / ms(m95)
    );
}
