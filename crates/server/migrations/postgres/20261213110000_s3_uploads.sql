-- Uploads whose bytes live in an S3 bucket (`--blobs s3://…`): the twin of the SQLite migration
-- 20261213090000_s3_uploads (see there). Any replica continues an upload from these rows.
ALTER TABLE uploads ADD COLUMN received BIGINT NOT NULL DEFAULT 0;
ALTER TABLE uploads ADD COLUMN multipart_key TEXT;
ALTER TABLE uploads ADD COLUMN multipart_id TEXT;
ALTER TABLE uploads ADD COLUMN leftover_key TEXT;
ALTER TABLE uploads ADD COLUMN leftover_size BIGINT NOT NULL DEFAULT 0;
ALTER TABLE uploads ADD COLUMN updated_at TEXT;

CREATE TABLE upload_parts (
    upload_id    TEXT NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
    part_number  BIGINT NOT NULL,
    e_tag        TEXT NOT NULL,
    size         BIGINT NOT NULL,
    PRIMARY KEY (upload_id, part_number)
);
