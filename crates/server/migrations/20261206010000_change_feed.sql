-- One change sequence for everything the feed reports (GET /api/changes). Articles already carry
-- a cursor; photo metadata now gets one too, and both take theirs from this one counter inside
-- the transaction that writes the change. SQLite has one writer at a time, so the order of the
-- cursors is the order of the commits: a reader that has seen cursor n has seen everything below.
CREATE TABLE change_seq (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    last  INTEGER NOT NULL
);

ALTER TABLE photo_meta ADD COLUMN cursor INTEGER NOT NULL DEFAULT 0;

-- Metadata set before the feed existed goes after every existing article change, oldest first,
-- so a reader resuming from any old cursor still receives each photo once.
UPDATE photo_meta SET cursor = (SELECT COALESCE(MAX(cursor), 0) FROM articles)
    + (SELECT COUNT(*) FROM photo_meta p
       WHERE (p.updated_at, p.sha256) <= (photo_meta.updated_at, photo_meta.sha256));

CREATE UNIQUE INDEX photo_meta_cursor ON photo_meta(cursor);

INSERT INTO change_seq (id, last) VALUES (1, MAX(
    (SELECT COALESCE(MAX(cursor), 0) FROM articles),
    (SELECT COALESCE(MAX(cursor), 0) FROM photo_meta)));
