-- Facts about this metadata store itself.
-- PostgreSQL twin of sqlite/001_init.sql: same tables, columns and meaning;
-- ids are bigint identities, blobs bytea, flags integer 0/1 like SQLite's.
CREATE TABLE meta (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
