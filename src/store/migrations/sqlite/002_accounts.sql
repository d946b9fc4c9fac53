-- Accounts: users, login sessions (shared by replicas), audit log.
CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	email TEXT NOT NULL UNIQUE,
	role TEXT NOT NULL CHECK (role IN ('admin', 'user')),
	password_hash TEXT NOT NULL,
	active INTEGER NOT NULL DEFAULT 1,
	locked INTEGER NOT NULL DEFAULT 0,
	failed_attempts INTEGER NOT NULL DEFAULT 0,
	-- the user's random data key, wrapped under a key derived from the login password
	data_key_wrapped BLOB NOT NULL,
	data_key_salt BLOB NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	last_login_at BIGINT
);

CREATE TABLE sessions (
	id_hash TEXT PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf_token TEXT NOT NULL,
	-- the data key wrapped under a key derived from the session id, which only the browser holds
	data_key_wrapped BLOB,
	created_at BIGINT NOT NULL,
	last_seen_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	client_addr TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	time BIGINT NOT NULL,
	user_id INTEGER,
	user_email TEXT,
	event TEXT NOT NULL,
	client_addr TEXT,
	detail TEXT
);
CREATE INDEX audit_log_time ON audit_log (time);
