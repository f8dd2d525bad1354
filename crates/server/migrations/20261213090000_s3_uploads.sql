-- Uploads whose bytes live in an S3 bucket (`--blobs s3://…`), kept here so that any replica, or
-- the server after a restart, continues them. The bytes are an S3 multipart upload at
-- `multipart_key` (parts of exactly 5 MiB, the last one smaller, recorded in `upload_parts` as
-- they are committed) plus a leftover object smaller than a part. `received` = the parts' sizes +
-- `leftover_size`: the tus offset, and the value a PATCH compares and swaps when it commits, so
-- two writers on two replicas cannot both move it. `updated_at` is the last commit (expiry).
-- Uploads of the files backend keep their bytes in `DIR/uploads/<id>.part` and use none of this.
ALTER TABLE uploads ADD COLUMN received INTEGER NOT NULL DEFAULT 0;
ALTER TABLE uploads ADD COLUMN multipart_key TEXT;
ALTER TABLE uploads ADD COLUMN multipart_id TEXT;
ALTER TABLE uploads ADD COLUMN leftover_key TEXT;
ALTER TABLE uploads ADD COLUMN leftover_size INTEGER NOT NULL DEFAULT 0;
ALTER TABLE uploads ADD COLUMN updated_at TEXT;

CREATE TABLE upload_parts (
    upload_id    TEXT NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
    part_number  INTEGER NOT NULL,
    e_tag        TEXT NOT NULL,
    size         INTEGER NOT NULL,
    PRIMARY KEY (upload_id, part_number)
);
