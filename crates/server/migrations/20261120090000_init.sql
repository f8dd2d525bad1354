-- Users, versioned articles, idempotency records.
CREATE TABLE users (
    name        TEXT PRIMARY KEY,
    role        TEXT NOT NULL CHECK (role IN ('reporter', 'photographer', 'editor')),
    token_hash  TEXT NOT NULL UNIQUE,  -- hex SHA-256 of the bearer token; the token itself is never stored
    created_at  TEXT NOT NULL
);

CREATE TABLE articles (
    id          TEXT PRIMARY KEY,
    revision    INTEGER NOT NULL,
    cursor      INTEGER NOT NULL,       -- global change sequence, for GET /api/articles?since=
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
    revision    INTEGER NOT NULL,
    body        TEXT NOT NULL,
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (id, revision)
);

CREATE TABLE idempotency (
    user_name     TEXT NOT NULL,
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,        -- SHA-256 of method, path and body
    status        INTEGER NOT NULL,
    response      BLOB NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (user_name, key)
);
