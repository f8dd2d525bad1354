-- The photo library: originals stored by SHA-256 under photos/, never modified in place.
CREATE TABLE photos (
    id            TEXT PRIMARY KEY NOT NULL,  -- SHA-256 of the original bytes, lowercase hex
    original_name TEXT NOT NULL,
    format        TEXT NOT NULL,
    size          INTEGER NOT NULL,
    imported_at   TEXT NOT NULL,
    meta          TEXT NOT NULL DEFAULT '{}'  -- JSON: dimensions, EXIF/IPTC/XMP, captions
) WITHOUT ROWID;
