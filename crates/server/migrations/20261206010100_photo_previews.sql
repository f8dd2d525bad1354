-- A 1600 px JPEG preview per photo, uploaded before the original so a story can be laid out
-- while the originals are still on their way. Keyed by the ORIGINAL's SHA-256 (which may not
-- have arrived yet); the preview itself, GPS removed, lives in the blob store under
-- `previews/<p[0..2]>/<p>`, named by its own SHA-256 `p`, written before this row commits.
CREATE TABLE photo_previews (
    sha256          TEXT PRIMARY KEY,
    preview_sha256  TEXT NOT NULL,
    size            INTEGER NOT NULL,
    width           INTEGER NOT NULL,
    height          INTEGER NOT NULL,
    updated_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
