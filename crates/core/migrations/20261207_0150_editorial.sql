-- Editorial control. An outbox item may carry a payload (a publish's correction notice) and
-- remembers the error code of its last failure next to the message, so a front end can say
-- "an editor must publish" in its own language. `remote_articles.live` keeps what the server
-- said the public page serves (its published version, or the takedown), as JSON.
ALTER TABLE outbox ADD COLUMN payload TEXT;
ALTER TABLE outbox ADD COLUMN last_code TEXT;
ALTER TABLE remote_articles ADD COLUMN live TEXT;
-- Who the desk gave each story to (the current revision's `assigned`, as JSON), so the story
-- list can filter "assigned to me" without decoding every revision.
ALTER TABLE articles ADD COLUMN assigned TEXT NOT NULL DEFAULT '[]';
