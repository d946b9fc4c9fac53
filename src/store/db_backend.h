/* How a backend plugs into db.h: a table of its operations, and a header
 * its connection and statement structs start with. Private to store/. */
#ifndef TUSK_STORE_DB_BACKEND_H
#define TUSK_STORE_DB_BACKEND_H

#include "store/db.h"

struct db_ops {
	enum db_dialect dialect;
	void (*close)(db *d);
	void (*describe)(db *d, char *out, size_t n);
	bool (*exec)(db *d, const char *sql, tusk_err *err);
	bool (*begin)(db *d, tusk_err *err);
	bool (*lock)(db *d, const char *name, tusk_err *err);
	void (*unlock)(db *d, const char *name);
	db_stmt *(*prepare)(db *d, const char *sql, tusk_err *err);
	void (*bind_text)(db_stmt *s, int i, const char *v);
	void (*bind_null)(db_stmt *s, int i);
	void (*bind_int)(db_stmt *s, int i, int64_t v);
	void (*bind_blob)(db_stmt *s, int i, const void *v, size_t n);
	enum db_step (*step)(db_stmt *s, tusk_err *err);
	bool (*col_null)(db_stmt *s, int i);
	const char *(*col_text)(db_stmt *s, int i);
	int64_t (*col_int)(db_stmt *s, int i);
	const void *(*col_blob)(db_stmt *s, int i, size_t *n);
	int64_t (*changes)(db_stmt *s);
	void (*finalize)(db_stmt *s);
	bool (*changes_seen)(db *d, uint64_t *gen);
	void (*announce)(db *d);
};

/* A backend's table: each operation is its prefix_operation function. */
#define DB_OPS(d, p)                                                                                                   \
	{                                                                                                              \
		.dialect = d, .close = p##_close, .describe = p##_describe, .exec = p##_exec, .begin = p##_begin,      \
		.lock = p##_lock, .unlock = p##_unlock, .prepare = p##_prepare, .bind_text = p##_bind_text,            \
		.bind_null = p##_bind_null, .bind_int = p##_bind_int, .bind_blob = p##_bind_blob, .step = p##_step,    \
		.col_null = p##_col_null, .col_text = p##_col_text, .col_int = p##_col_int, .col_blob = p##_col_blob,  \
		.changes = p##_changes, .finalize = p##_finalize, .changes_seen = p##_changes_seen,                    \
		.announce = p##_announce                                                                               \
	}

/* The first member of each backend's connection and statement. */
struct db {
	const struct db_ops *ops;
};
struct db_stmt {
	const struct db_ops *ops;
};

#endif
