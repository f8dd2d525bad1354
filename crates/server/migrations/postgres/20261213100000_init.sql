-- The server's schema on PostgreSQL: the tables the SQLite migrations up to 20261207150000 build,
-- in PostgreSQL's types (integers as BIGINT, bytes as BYTEA, times as RFC 3339 TEXT, as on SQLite).
-- A test compares the tables and columns of both backends.

CREATE TABLE users (
    name        TEXT PRIMARY KEY,
    role        TEXT NOT NULL CHECK (role IN ('reporter', 'photographer', 'subeditor', 'editor')),
    token_hash  TEXT NOT NULL UNIQUE,   -- hex SHA-256 of the bearer token; the token itself is never stored
    created_at  TEXT NOT NULL
);

CREATE TABLE articles (
    id          TEXT PRIMARY KEY,
    revision    BIGINT NOT NULL,
    cursor      BIGINT NOT NULL,        -- the change feed's sequence, taken under the writers' lock
    status      TEXT NOT NULL,
    body        TEXT NOT NULL,          -- Article JSON
    conflicts   TEXT NOT NULL DEFAULT '[]',
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX articles_cursor ON articles(cursor);

-- Every revision is kept: it is the merge base of a later stale write.
CREATE TABLE article_revisions (
    id          TEXT NOT NULL,
    revision    BIGINT NOT NULL,
    body        TEXT NOT NULL,
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (id, revision)
);

CREATE TABLE idempotency (
    user_name     TEXT NOT NULL,
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,        -- SHA-256 of method, path and body
    status        BIGINT NOT NULL,
    response      BYTEA NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (user_name, key)
);

-- Content-addressed photos, their metadata and resumable (tus) uploads.
CREATE TABLE blobs (
    sha256        TEXT PRIMARY KEY,
    size          BIGINT NOT NULL,
    content_type  TEXT NOT NULL,
    width         BIGINT NOT NULL,
    height        BIGINT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE photo_meta (
    sha256         TEXT PRIMARY KEY REFERENCES blobs(sha256),
    meta           TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    public_sha256  TEXT,
    cursor         BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX photo_meta_cursor ON photo_meta(cursor);

CREATE TABLE uploads (
    id          TEXT PRIMARY KEY,
    sha256      TEXT NOT NULL,
    length      BIGINT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- One change sequence for everything the feed reports, taken inside the writing transaction
-- while it holds the writers' advisory lock: the order of the cursors is the order of commits.
CREATE TABLE change_seq (
    id    BIGINT PRIMARY KEY CHECK (id = 1),
    last  BIGINT NOT NULL
);
INSERT INTO change_seq (id, last) VALUES (1, 0);

CREATE TABLE photo_previews (
    sha256          TEXT PRIMARY KEY,
    preview_sha256  TEXT NOT NULL,
    size            BIGINT NOT NULL,
    width           BIGINT NOT NULL,
    height          BIGINT NOT NULL,
    updated_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE published_versions (
    id            TEXT NOT NULL,
    version       BIGINT NOT NULL,
    revision      BIGINT NOT NULL,
    body          TEXT NOT NULL,
    published_at  TEXT NOT NULL,
    published_by  TEXT NOT NULL,
    correction    TEXT,
    PRIMARY KEY (id, version)
);

CREATE TABLE takedowns (
    id      TEXT PRIMARY KEY,
    reason  TEXT,
    "by"    TEXT NOT NULL,      -- quoted: BY is reserved in PostgreSQL
    at      TEXT NOT NULL
);
