-- Articles and their immutable revisions. `articles` is the index of what is current;
-- `revisions` holds every saved content, never updated or deleted (except by emptying trash).
CREATE TABLE articles (
    id               TEXT PRIMARY KEY NOT NULL,
    current_revision INTEGER NOT NULL,
    title            TEXT NOT NULL,
    status           TEXT NOT NULL,
    section          TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    deleted_at       TEXT
);

CREATE TABLE revisions (
    article_id   TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    revision     INTEGER NOT NULL,
    parent       INTEGER,
    author       TEXT NOT NULL,
    saved_at     TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    content      TEXT NOT NULL,
    PRIMARY KEY (article_id, revision)
) WITHOUT ROWID;

CREATE INDEX articles_updated ON articles(updated_at DESC);
