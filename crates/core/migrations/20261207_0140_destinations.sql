-- Destinations besides the newsroom server: WordPress sites a story can be sent to. The
-- application password is not here: it lives in the OS keychain (or the 0600 fallback file).
CREATE TABLE destinations (
    name        TEXT PRIMARY KEY NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('wordpress')),
    url         TEXT NOT NULL,
    user        TEXT NOT NULL,
    api_root    TEXT,                       -- discovered from the site's Link header, cached
    created_at  TEXT NOT NULL
);

-- What each destination holds of a story. `slug` is chosen (and stored) before the first
-- attempt to create the post, so a retry after a lost reply looks for the same one.
CREATE TABLE destination_posts (
    destination  TEXT NOT NULL REFERENCES destinations(name) ON DELETE CASCADE,
    article_id   TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    slug         TEXT NOT NULL,
    post_id      INTEGER,
    link         TEXT,
    published_at TEXT,
    PRIMARY KEY (destination, article_id)
);

-- Photos a destination holds, by content hash; `fields` is what their caption, credit, alt
-- text and title were last set to (so an unchanged photo costs no request at all).
CREATE TABLE destination_media (
    destination  TEXT NOT NULL REFERENCES destinations(name) ON DELETE CASCADE,
    photo_id     TEXT NOT NULL,
    media_id     INTEGER NOT NULL,
    source_url   TEXT NOT NULL,
    fields       TEXT NOT NULL,
    PRIMARY KEY (destination, photo_id)
);

-- The outbox learns the `wordpress` kind (a story sent to one destination) and which
-- destination an item goes to (NULL: the newsroom server). SQLite cannot alter a CHECK, so the
-- table is rebuilt with its rows, ids and idempotency keys unchanged.
CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    kind             TEXT NOT NULL
                     CHECK (kind IN ('photo', 'photo_meta', 'preview', 'article', 'publish', 'wordpress')),
    target           TEXT NOT NULL,
    destination      TEXT,
    idempotency_key  TEXT NOT NULL UNIQUE,
    state            TEXT NOT NULL DEFAULT 'queued'
                     CHECK (state IN ('queued', 'uploading', 'done', 'needs_attention')),
    bytes_done       INTEGER NOT NULL DEFAULT 0,
    bytes_total      INTEGER NOT NULL DEFAULT 0,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT,
    last_error       TEXT,
    upload_location  TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
INSERT INTO outbox_new (id, kind, target, idempotency_key, state, bytes_done, bytes_total,
    attempts, next_attempt_at, last_error, upload_location, created_at, updated_at)
    SELECT id, kind, target, idempotency_key, state, bytes_done, bytes_total, attempts,
    next_attempt_at, last_error, upload_location, created_at, updated_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE UNIQUE INDEX outbox_one_pending ON outbox(kind, target, COALESCE(destination, ''))
    WHERE state IN ('queued', 'uploading', 'needs_attention');
