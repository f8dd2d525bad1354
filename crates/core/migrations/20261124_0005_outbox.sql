-- The outbox: what is waiting to be sent to the newsroom server. Rows are written in the same
-- transaction as the change they send (a save of a tracked story, a publish request) and are
-- never dropped: a permanent failure parks them as `needs_attention`, visible in the app/CLI.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    kind             TEXT NOT NULL CHECK (kind IN ('photo', 'photo_meta', 'article', 'publish')),
    target           TEXT NOT NULL,          -- photo sha256 or article id
    idempotency_key  TEXT NOT NULL UNIQUE,   -- the same on every retry: one effect on the server
    state            TEXT NOT NULL DEFAULT 'queued'
                     CHECK (state IN ('queued', 'uploading', 'done', 'needs_attention')),
    bytes_done       INTEGER NOT NULL DEFAULT 0,
    bytes_total      INTEGER NOT NULL DEFAULT 0,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT,
    last_error       TEXT,
    upload_location  TEXT,                   -- tus upload URL, to resume after a restart
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
-- At most one pending item per (kind, target): saving a story ten times queues one push.
CREATE UNIQUE INDEX outbox_one_pending ON outbox(kind, target)
    WHERE state IN ('queued', 'uploading', 'needs_attention');

-- What the server knows of each story this library has sent or received.
CREATE TABLE remote_articles (
    article_id       TEXT PRIMARY KEY NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    server_revision  INTEGER NOT NULL,
    synced_revision  INTEGER NOT NULL,       -- the local revision that server_revision holds
    conflicts        TEXT NOT NULL DEFAULT '[]',
    published        INTEGER NOT NULL DEFAULT 0
);

-- Small sync bookkeeping, e.g. the pull cursor per server.
CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
