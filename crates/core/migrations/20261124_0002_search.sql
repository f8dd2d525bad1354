-- Full-text search over folded text (lowercase, no marks, đ → d; folded in Rust because
-- SQLite's remove_diacritics keeps đ). rowid = articles.rowid.
CREATE VIRTUAL TABLE article_search USING fts5(
    title, lead, body,
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '2 3 4'
);

-- Libraries created before search existed: index what they already hold.
-- byline_fold / byline_body are Rust functions registered on every connection.
INSERT INTO article_search(rowid, title, lead, body)
SELECT a.rowid,
       byline_fold(json_extract(r.content, '$.title')),
       byline_fold(json_extract(r.content, '$.lead')),
       byline_fold(byline_body(r.content))
FROM articles a
JOIN revisions r ON r.article_id = a.id AND r.revision = a.current_revision
WHERE a.deleted_at IS NULL;
