-- Previews travel before originals (the desk sees the page at once over a slow link): the
-- outbox learns the `preview` kind. SQLite cannot alter a CHECK, so the table is rebuilt with
-- its rows, ids and idempotency keys unchanged.
CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    kind             TEXT NOT NULL
                     CHECK (kind IN ('photo', 'photo_meta', 'preview', 'article', 'publish')),
    target           TEXT NOT NULL,
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
INSERT INTO outbox_new SELECT id, kind, target, idempotency_key, state, bytes_done, bytes_total,
    attempts, next_attempt_at, last_error, upload_location, created_at, updated_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE UNIQUE INDEX outbox_one_pending ON outbox(kind, target)
    WHERE state IN ('queued', 'uploading', 'needs_attention');
-- A token refused by the server parks nothing: items that older versions parked for a 401
-- go back to the queue.
UPDATE outbox SET state = 'queued', next_attempt_at = NULL
    WHERE state = 'needs_attention' AND last_error LIKE '%401%';
