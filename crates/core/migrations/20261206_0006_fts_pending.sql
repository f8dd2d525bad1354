-- Saves no longer index inline (folding and tokenising a 5,000-word story was most of an
-- autosave). A save records its article here, inside its own transaction, and
-- `search::index_pending` moves these rows into `article_search` later (the app's background
-- thread, and a catch-up when a library opens). Search reads the rows still listed here from
-- their current revision, so nothing saved is ever missing from results, only ranked roughly.
-- `article_rowid` is `articles.rowid`, the FTS rowid; there is no foreign key on purpose: a row
-- outlives its article when the trash is emptied, so the indexer still removes the FTS row.
CREATE TABLE fts_pending (
    article_rowid INTEGER PRIMARY KEY NOT NULL
);
