-- `revisions` was a WITHOUT ROWID table keyed by (article_id, revision). Such a table keeps
-- whole rows in its b-tree, interior cells included, so each seek (a save reads the current
-- revision's hash, then inserts the next revision) compared keys against 30-40 KB rows and
-- read their overflow pages: a sixth of an autosave of a 5,000-word story. As an ordinary
-- table the content sits in rowid order and the key lives in a small index of its own.
CREATE TABLE revisions_new (
    article_id   TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    revision     INTEGER NOT NULL,
    parent       INTEGER,
    author       TEXT NOT NULL,
    saved_at     TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    content      TEXT NOT NULL
);

INSERT INTO revisions_new(article_id, revision, parent, author, saved_at, content_hash, content)
SELECT article_id, revision, parent, author, saved_at, content_hash, content
FROM revisions ORDER BY article_id, revision;

DROP TABLE revisions;
ALTER TABLE revisions_new RENAME TO revisions;
CREATE UNIQUE INDEX revisions_key ON revisions(article_id, revision);
