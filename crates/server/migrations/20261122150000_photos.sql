-- Content-addressed photos, their metadata and resumable (tus) uploads.
CREATE TABLE blobs (
    sha256        TEXT PRIMARY KEY,
    size          INTEGER NOT NULL,
    content_type  TEXT NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE photo_meta (
    sha256      TEXT PRIMARY KEY REFERENCES blobs(sha256),
    meta        TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- The offset of an upload is the length of its part file; only the declaration lives here.
CREATE TABLE uploads (
    id          TEXT PRIMARY KEY,
    sha256      TEXT NOT NULL,
    length      INTEGER NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
