-- Registered PostgreSQL servers, their groups, and per-user saved passwords.
CREATE TABLE server_groups (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	UNIQUE (user_id, name)
);

CREATE TABLE servers (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	group_id INTEGER NOT NULL REFERENCES server_groups (id),
	name TEXT NOT NULL,
	host TEXT,
	port INTEGER,
	maintenance_db TEXT NOT NULL DEFAULT 'postgres',
	username TEXT,
	role TEXT,
	service TEXT,
	comment TEXT,
	bg_color TEXT,
	fg_color TEXT,
	db_restriction TEXT,           -- JSON array of database names
	shared INTEGER NOT NULL DEFAULT 0,
	shared_username TEXT,
	connection_params TEXT NOT NULL DEFAULT '{}', -- JSON object of libpq keywords
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX servers_user ON servers (user_id);

-- A saved password, encrypted with its user's data key (XChaCha20-Poly1305).
CREATE TABLE server_credentials (
	server_id INTEGER NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	password_enc BLOB NOT NULL,
	PRIMARY KEY (server_id, user_id)
);
