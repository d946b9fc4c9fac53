-- The query tool's memory: statements run, named snippets, open tabs.
CREATE TABLE query_history (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	server_id INTEGER REFERENCES servers (id) ON DELETE SET NULL,
	database TEXT NOT NULL,
	sql TEXT NOT NULL,
	started_at BIGINT NOT NULL,
	duration_ms BIGINT NOT NULL,
	row_count BIGINT NOT NULL,
	status TEXT NOT NULL,
	error TEXT
);
CREATE INDEX query_history_user ON query_history (user_id, id);

CREATE TABLE saved_queries (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	sql TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (user_id, name)
);

-- The open query-tool tabs of a user, as the browser described them (JSON).
CREATE TABLE workspaces (
	user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	state TEXT NOT NULL,
	updated_at BIGINT NOT NULL
);
