-- Culling and finding photos: the marks (rating, label, tag, reject) live in `photos.meta` with
-- the rest of what the library knows about a photo; these columns are computed from it, so the
-- photo grid's filters and sorts are one indexed SQL query and there is one truth to keep.
ALTER TABLE photos ADD COLUMN rating INTEGER
    GENERATED ALWAYS AS (coalesce(json_extract(meta, '$.rating'), 0)) VIRTUAL;
ALTER TABLE photos ADD COLUMN label TEXT
    GENERATED ALWAYS AS (json_extract(meta, '$.label')) VIRTUAL;
ALTER TABLE photos ADD COLUMN tagged INTEGER
    GENERATED ALWAYS AS (coalesce(json_extract(meta, '$.tagged'), 0)) VIRTUAL;
ALTER TABLE photos ADD COLUMN rejected INTEGER
    GENERATED ALWAYS AS (coalesce(json_extract(meta, '$.rejected'), 0)) VIRTUAL;
-- Capture time as an instant (julianday reads the ±HH:MM offset), for sorting across zones.
ALTER TABLE photos ADD COLUMN taken_jd REAL
    GENERATED ALWAYS AS (julianday(json_extract(meta, '$.taken_at'))) VIRTUAL;
CREATE INDEX photos_rating ON photos(rating);
CREATE INDEX photos_taken ON photos(taken_jd);
