//! What the core tells its front ends without being asked: the outbox changed, a story changed
//! by a pull, photos landed, the connection or the token changed state. A broadcast channel
//! (`Send + Sync` by construction) carries them; the desktop shell forwards each to the window
//! as a Tauri event, `byline sync --watch` prints them.
//!
//! The same bus wakes the sync engine when something is queued, so a save or a publish never
//! waits for a poll.

use serde::Serialize;
use tokio::sync::{Notify, broadcast};

pub use tokio::sync::broadcast::error::{RecvError, TryRecvError};

/// Whether the newsroom server can be reached right now, as the engine last saw it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Connectivity {
    /// No server is set in Settings (nothing to sync with).
    NotConfigured,
    Online,
    /// The server did not answer; the engine probes it and sends as soon as it does.
    Offline,
}

/// Whether the server accepts the stored token.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Credentials {
    /// Not known yet, or accepted.
    Accepted,
    /// None stored for the server in Settings.
    Missing,
    /// The server answered 401/403: nothing is sent until a working token is given.
    Refused,
}

/// One notification from the core.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// Items were queued, sent, retried or parked: refresh the outbox and story states.
    OutboxChanged,
    /// An upload advanced (bytes of the item's file).
    Upload {
        item: i64,
        target: String,
        done: u64,
        total: u64,
    },
    /// A story's stored content changed from outside the editor (a pull from the server).
    StoryChanged { id: String, revision: u64 },
    /// Photos were added or their fields changed.
    PhotosChanged { ids: Vec<String> },
    /// The engine's view of the connection.
    Connection {
        connectivity: Connectivity,
        credentials: Credentials,
        /// What to do, in words (e.g. "the server refused the token: update it in Settings").
        message: Option<String>,
    },
}

/// The sender side, shared by every clone of the library.
pub struct Bus {
    tx: broadcast::Sender<Event>,
    wake: Notify,
    index: Notify,
    /// Wakes the engine's destinations loop (WordPress), which waits apart from the newsroom's.
    destinations: Notify,
}

impl Default for Bus {
    fn default() -> Self {
        // Events are hints to refresh; a listener that falls this far behind refreshes all.
        let (tx, _) = broadcast::channel(1024);
        Bus {
            tx,
            wake: Notify::new(),
            index: Notify::new(),
            destinations: Notify::new(),
        }
    }
}

impl Bus {
    pub fn emit(&self, event: Event) {
        // No listener is fine: a CLI command has none.
        let _ = self.tx.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }

    /// Something was queued: tell listeners and wake the engine.
    pub fn outbox_changed(&self) {
        self.emit(Event::OutboxChanged);
        self.wake.notify_one();
        // A retry may have put WordPress items back in the queue too.
        self.destinations.notify_one();
    }

    /// Wakes the engine (settings or token changed, the user asked to sync now).
    pub fn wake(&self) {
        self.wake.notify_one();
        self.destinations.notify_one();
    }

    /// Something was queued for a destination (or a destination changed): its loop looks now.
    pub fn destinations_changed(&self) {
        self.emit(Event::OutboxChanged);
        self.destinations.notify_one();
    }

    /// Resolves when [`Bus::destinations_changed`] or [`Bus::wake`] was called since the last wait.
    pub async fn destinations_woken(&self) {
        self.destinations.notified().await;
    }

    /// A save left the search index behind: the engine's indexer catches up.
    pub fn indexing_wanted(&self) {
        self.index.notify_one();
    }

    /// Resolves when [`Bus::indexing_wanted`] was called since the last wait.
    pub async fn index_wanted(&self) {
        self.index.notified().await;
    }

    /// Resolves when [`Bus::wake`] or [`Bus::outbox_changed`] was called since the last wait.
    pub async fn woken(&self) {
        self.wake.notified().await;
    }
}
