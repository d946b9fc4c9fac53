-- Background jobs: client programs (pg_dump, pg_restore, psql...) run for a user.
CREATE TABLE jobs (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	server_id INTEGER REFERENCES servers (id) ON DELETE SET NULL,
	kind TEXT NOT NULL,
	description TEXT NOT NULL,
	state TEXT NOT NULL,
	command TEXT NOT NULL,
	pid BIGINT,
	exit_code BIGINT,
	reason TEXT,
	log_path TEXT NOT NULL,
	output_path TEXT,
	input_path TEXT,
	created_at BIGINT NOT NULL,
	started_at BIGINT,
	ended_at BIGINT,
	acknowledged BIGINT NOT NULL DEFAULT 0,
	instance TEXT NOT NULL
);
CREATE INDEX jobs_user ON jobs (user_id, id);
CREATE INDEX jobs_state ON jobs (state);
