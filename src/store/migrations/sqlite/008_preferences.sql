-- Each user's preferences (the Preferences dialog: editor, results, confirmations, keyboard
-- shortcuts, theme): one JSON object of the keys the API knows, checked by it before it is kept.
CREATE TABLE preferences (
	user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	settings TEXT NOT NULL,
	updated_at BIGINT NOT NULL
);
