-- Every caption edit of a photo is kept, as article revisions are: `fields` is the JSON of the
-- editable fields (caption, creator, credit, copyright, city, country, keywords…) after the edit.
CREATE TABLE photo_revisions (
    photo_id  TEXT NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    revision  INTEGER NOT NULL,
    author    TEXT NOT NULL,
    saved_at  TEXT NOT NULL,
    fields    TEXT NOT NULL,
    PRIMARY KEY (photo_id, revision)
) WITHOUT ROWID;
