-- Editorial control: the public page serves the last version an editor published, never the
-- working copy that reporters and autosaves keep changing. Every published version is kept as
-- it was published, with who published it, when, and the correction notice it carried.
CREATE TABLE published_versions (
    id            TEXT NOT NULL,
    version       INTEGER NOT NULL,      -- 1, 2, … per story
    revision      INTEGER NOT NULL,      -- the server revision (working copy) it was made from
    body          TEXT NOT NULL,         -- Article JSON exactly as published
    published_at  TEXT NOT NULL,
    published_by  TEXT NOT NULL,
    correction    TEXT,
    PRIMARY KEY (id, version)
);

-- A takedown: the page answers 410 Gone; the versions above stay. Publishing again lifts it.
CREATE TABLE takedowns (
    id      TEXT PRIMARY KEY,
    reason  TEXT,
    by      TEXT NOT NULL,
    at      TEXT NOT NULL
);

-- Stories published before this migration: what the page showed becomes version 1.
INSERT INTO published_versions (id, version, revision, body, published_at, published_by, correction)
    SELECT id, 1, revision, body, updated_at, updated_by, NULL FROM articles WHERE status = 'published';

-- The sub-editor joins the roles (moves submitted stories to edited; may not publish). SQLite
-- cannot alter a CHECK, so the table is rebuilt with its rows unchanged.
CREATE TABLE users_new (
    name        TEXT PRIMARY KEY,
    role        TEXT NOT NULL CHECK (role IN ('reporter', 'photographer', 'subeditor', 'editor')),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);
INSERT INTO users_new (name, role, token_hash, created_at)
    SELECT name, role, token_hash, created_at FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
