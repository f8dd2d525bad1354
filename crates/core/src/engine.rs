//! The sync engine: one per open library, on a thread of its own, from app start to quit (or for
//! the life of `byline sync --watch`). It owns all network work, so no front end ever waits on
//! the network:
//!
//! - the **push loop** sends the outbox whenever something is queued (woken by the library's
//!   event bus), backs off with jitter (capped at a minute) while the server is unreachable,
//!   probes `/health` cheaply meanwhile and sends at once when it answers; a refused token stops
//!   sending (nothing is parked) until a new token is saved;
//! - the **feed loop** follows the server's changes and pulls what others filed or changed.
//!
//! Stopping cancels at an await point: every database write is a finished transaction, an
//! interrupted upload resumes from the server's offset next time.

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use byline_desk::PublishPolicy;
use byline_sync::{Backoff, Client, SyncError};
use tokio::sync::{Notify, watch};

use crate::Library;
use crate::events::{Connectivity, Credentials, Event};
use crate::outbox;
use crate::sync::send::{self, Pass};
use crate::sync::{self, DrainReport, Remote, pull};

/// Where the engine syncs to.
#[derive(Debug, Clone)]
pub enum Target {
    /// The server and token stored in Settings, re-read whenever the engine is woken.
    Settings,
    /// A fixed server and token (`byline sync --watch --server URL --token T`).
    Fixed(Remote),
}

/// A running engine. Dropping it stops it.
pub struct Engine {
    stop: Arc<Notify>,
    thread: Option<JoinHandle<()>>,
}

/// How long one long-poll of the change feed waits for news (the server caps it at 25 s).
const FEED_WAIT: Duration = Duration::from_secs(20);
/// How long the feed loop waits between polls when the server offers no long-poll.
const FEED_POLL: Duration = Duration::from_millis(750);
/// The feed loop retries on its own schedule, so each pull tries once.
const ONE_TRY: sync::Patience = sync::Patience {
    attempts: 1,
    backoff: Backoff::new(Duration::ZERO, Duration::ZERO),
};
/// How long the indexer waits after a save for more saves to come (autosave fires per pause).
const INDEX_DEBOUNCE: Duration = Duration::from_millis(300);
/// Stories indexed per writer transaction.
const INDEX_BATCH: usize = 50;
/// How long an idle push loop sleeps before looking again (a safety net: wake-ups come first).
const IDLE: Duration = Duration::from_secs(30);

impl Engine {
    /// Starts the engine for `lib` on its own thread.
    pub fn start(lib: Library, target: Target) -> std::io::Result<Engine> {
        let stop = Arc::new(Notify::new());
        let stopped = stop.clone();
        let thread = std::thread::Builder::new()
            .name("byline-sync".into())
            .spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(async move {
                    let (tx, rx) = watch::channel(None);
                    tokio::select! {
                        () = push_loop(&lib, &target, tx) => {}
                        () = feed_loop(&lib, rx) => {}
                        () = index_loop(&lib) => {}
                        () = destinations_loop(&lib) => {}
                        () = stopped.notified() => {}
                    }
                });
            })?;
        Ok(Engine {
            stop,
            thread: Some(thread),
        })
    }

    /// Stops the engine and waits for its thread (it stops at the next await point).
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.notify_one();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The connection state last announced, so listeners hear each change once.
struct Announcer<'a> {
    lib: &'a Library,
    last: Option<(Connectivity, Credentials, Option<String>)>,
}

impl Announcer<'_> {
    /// Whether the last state announced was "online".
    fn online(&self) -> bool {
        self.last
            .as_ref()
            .is_some_and(|(c, _, _)| *c == Connectivity::Online)
    }

    fn set(
        &mut self,
        connectivity: Connectivity,
        credentials: Credentials,
        message: Option<String>,
    ) {
        let now = (connectivity, credentials, message);
        if self.last.as_ref() != Some(&now) {
            self.lib.events().emit(Event::Connection {
                connectivity: now.0,
                credentials: now.1,
                message: now.2.clone(),
            });
            self.last = Some(now);
        }
    }
}

async fn push_loop(lib: &Library, target: &Target, online: watch::Sender<Option<Remote>>) {
    let mut pusher = Pusher {
        lib,
        say: Announcer { lib, last: None },
        refused: None,
        online,
    };
    loop {
        match pusher.ready(target) {
            Ok((remote, client, policy)) => pusher.send(remote, &client, policy).await,
            Err(pause) => wait(lib, pause).await,
        }
    }
}

/// The push loop's state between rounds.
struct Pusher<'a> {
    lib: &'a Library,
    say: Announcer<'a>,
    /// The token the server refused last; not tried again until another is given (or a while).
    refused: Option<String>,
    online: watch::Sender<Option<Remote>>,
}

impl Pusher<'_> {
    /// What a round needs, or how long to pause (and the state announced) when it cannot run.
    fn ready(&mut self, target: &Target) -> Result<(Remote, Client, PublishPolicy), Duration> {
        let remote = resolve(self.lib, target).map_err(|(state, message)| {
            self.offline(Connectivity::NotConfigured, state, message);
            IDLE
        })?;
        if self.refused.take().as_deref() == Some(remote.token.as_str()) {
            let why = send::token_refused_message();
            self.offline(Connectivity::Online, Credentials::Refused, why);
            return Err(IDLE * 10);
        }
        let client = sync::client(&remote).map_err(|_| {
            let why = bad_url(&remote);
            self.offline(Connectivity::NotConfigured, Credentials::Accepted, why);
            IDLE
        })?;
        // A broken desk.toml must not send photos under a guessed GPS policy.
        let policy = self.lib.publish_policy().map_err(|e| {
            self.offline(Connectivity::Online, Credentials::Accepted, e.to_string());
            IDLE
        })?;
        Ok((remote, client, policy))
    }

    /// One pass over the outbox, then whatever waiting its outcome calls for.
    async fn send(&mut self, remote: Remote, client: &Client, policy: PublishPolicy) {
        let lib = self.lib;
        let mut report = DrainReport::default();
        match send::send_ready(lib, client, policy, false, &mut report).await {
            Ok(Pass::Drained) => {
                // Nothing sent proves nothing: ask the server (cheaply) before saying online.
                if report.sent == 0
                    && let Err(e @ SyncError::Network(_)) = client.health().await
                {
                    return self.unreachable(client, &e).await;
                }
                self.say
                    .set(Connectivity::Online, Credentials::Accepted, None);
                let _ = self.online.send(Some(remote));
                wait(lib, IDLE).await;
            }
            Ok(Pass::Waiting(d)) => {
                // Items wait for a retry time set when a send failed, perhaps by an earlier
                // run or `byline publish` while the server was down. Ask the server (cheaply)
                // rather than sleep up to a minute: unreachable → probe until it answers;
                // answering where it had not yet → everything waiting goes now.
                match client.health().await {
                    Err(e @ SyncError::Network(_)) => self.unreachable(client, &e).await,
                    Ok(()) if !self.say.online() => {
                        let _ = lib.db().write(|c| outbox::release_waiting(c));
                        self.say
                            .set(Connectivity::Online, Credentials::Accepted, None);
                        let _ = self.online.send(Some(remote));
                    }
                    _ => {
                        let _ = self.online.send(Some(remote));
                        wait(lib, d).await;
                    }
                }
            }
            Ok(Pass::Unreachable(e @ SyncError::Network(_))) => self.unreachable(client, &e).await,
            Ok(Pass::Unreachable(_)) => {}
            Ok(Pass::TokenRefused(_)) => self.refused = Some(remote.token),
            Err(_) => wait(lib, Duration::from_secs(5)).await,
        }
    }

    async fn unreachable(&mut self, client: &Client, e: &SyncError) {
        self.offline(
            Connectivity::Offline,
            Credentials::Accepted,
            offline_message(e),
        );
        probe_until_back(self.lib, client).await;
    }

    /// Stops the feed and announces why.
    fn offline(&mut self, connectivity: Connectivity, credentials: Credentials, why: String) {
        let _ = self.online.send(None);
        self.say.set(connectivity, credentials, Some(why));
    }
}

/// Probes `/health` with jittered backoff (capped at a minute) until the server answers or the
/// engine is woken; then lets every waiting item go at once.
async fn probe_until_back(lib: &Library, client: &Client) {
    let mut backoff = Backoff::new(Duration::from_millis(500), Duration::from_secs(60));
    loop {
        let woken = tokio::select! {
            () = tokio::time::sleep(backoff.next_delay(None)) => false,
            () = lib.events().woken() => true,
        };
        if woken || client.health().await.is_ok() {
            let _ = lib.db().write(|c| outbox::release_waiting(c));
            return;
        }
    }
}

async fn feed_loop(lib: &Library, mut online: watch::Receiver<Option<Remote>>) {
    let mut backoff = Backoff::new(Duration::from_millis(500), Duration::from_secs(30));
    loop {
        let remote = online.borrow_and_update().clone();
        let Some(remote) = remote else {
            if online.changed().await.is_err() {
                return;
            }
            continue;
        };
        let Ok(client) = sync::client(&remote) else {
            let _ = online.changed().await;
            continue;
        };
        match pull::follow(lib, &client, &remote.url, FEED_WAIT).await {
            Ok(_) => backoff.reset(),
            // A server without the feed (older than this client): poll the article list.
            Err(SyncError::Http { status: 404, .. }) => {
                let _ = pull::pull(lib, &client, &remote.url, &ONE_TRY).await;
                tokio::time::sleep(FEED_POLL).await;
            }
            Err(_) => tokio::time::sleep(backoff.next_delay(None)).await,
        }
    }
}

/// Sends what is queued for WordPress destinations, apart from the newsroom server (a site
/// that is down never holds up the newsroom, nor the other way round): at once when woken,
/// else when the next retry time comes.
async fn destinations_loop(lib: &Library) {
    loop {
        let pause = match crate::destinations::send::send_ready(lib, false).await {
            Ok(Some(next)) => next.min(IDLE),
            Ok(None) => IDLE,
            Err(_) => Duration::from_secs(5),
        };
        tokio::select! {
            () = tokio::time::sleep(pause) => {}
            () = lib.events().destinations_woken() => {}
        }
    }
}

/// Keeps the full-text index up with saves, off the save path: a burst of autosaves is indexed
/// once, a few hundred milliseconds later (search reads unindexed saves directly meanwhile).
async fn index_loop(lib: &Library) {
    loop {
        lib.events().index_wanted().await;
        tokio::time::sleep(INDEX_DEBOUNCE).await;
        while let Ok(n) = lib
            .db()
            .write(|c| crate::search::index_pending(c, INDEX_BATCH))
        {
            if n < INDEX_BATCH {
                break;
            }
            // Let a save in between: the writer is shared.
            tokio::task::yield_now().await;
        }
    }
}

/// The server and token to use now, or the credentials state and what to do.
fn resolve(lib: &Library, target: &Target) -> Result<Remote, (Credentials, String)> {
    match target {
        Target::Fixed(r) => Ok(r.clone()),
        Target::Settings => {
            let url = lib.settings().map(|s| s.server_url).unwrap_or_default();
            if url.is_empty() {
                return Err((
                    Credentials::Accepted,
                    "no newsroom server set: enter its address in Settings".into(),
                ));
            }
            match lib.token(&url) {
                Ok(Some((token, _))) => Ok(Remote { url, token }),
                _ => Err((
                    Credentials::Missing,
                    format!("no access token stored for {url}: enter it in Settings"),
                )),
            }
        }
    }
}

fn offline_message(e: &SyncError) -> String {
    format!(
        "the newsroom server does not answer ({e}); everything stays queued and goes as soon as it does"
    )
}

fn bad_url(remote: &Remote) -> String {
    format!(
        "the server address {} is not usable: correct it in Settings",
        remote.url
    )
}

/// Sleeps up to `d`, or until the library's bus wakes the engine, or until another process
/// (the CLI beside `sync --watch`, or the app) commits to the library.
async fn wait(lib: &Library, d: Duration) {
    tokio::select! {
        () = tokio::time::sleep(d) => {}
        () = lib.events().woken() => {}
        () = committed_elsewhere(lib) => {}
    }
}

/// Resolves when the database changed, looking once a second (a pragma: no query, no lock).
async fn committed_elsewhere(lib: &Library) {
    let Ok(mut watcher) = lib.db().watcher() else {
        return std::future::pending().await;
    };
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if watcher.changed() {
            return;
        }
    }
}
