/* SQLite backend of the store's SQL interface. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "util/str.h"

struct db {
	sqlite3 *conn;
};

struct db_stmt {
	db *d;
	sqlite3_stmt *st;
	int64_t changes;
	bool bind_failed;
};

static unsigned long errors; /* atomic */

unsigned long db_error_count(void)
{
	return __atomic_load_n(&errors, __ATOMIC_RELAXED);
}

static void set_err(db *d, tusk_err *err, const char *what)
{
	__atomic_add_fetch(&errors, 1, __ATOMIC_RELAXED);
	err_set(err, "store_error", "metadata store: %s: %s", what, sqlite3_errmsg(d->conn));
}

db *db_sqlite_open(const char *path, tusk_err *err)
{
	sqlite3 *conn = NULL;
	int rc = sqlite3_open_v2(path, &conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
	if (rc != SQLITE_OK) {
		err_set(err, "store_error", "cannot open the metadata store %s: %s", path,
			conn ? sqlite3_errmsg(conn) : sqlite3_errstr(rc));
		sqlite3_close(conn);
		return NULL;
	}
	sqlite3_busy_timeout(conn, 5000);
	db *d = xcalloc(1, sizeof(*d));
	d->conn = conn;
	if (!db_exec(d, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", err)) {
		db_close(d);
		return NULL;
	}
	return d;
}

void db_close(db *d)
{
	if (!d)
		return;
	sqlite3_close(d->conn);
	free(d);
}

bool db_exec(db *d, const char *sql, tusk_err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(d->conn, sql, NULL, NULL, &msg) != SQLITE_OK) {
		__atomic_add_fetch(&errors, 1, __ATOMIC_RELAXED);
		err_set(err, "store_error", "metadata store: %s", msg ? msg : sqlite3_errmsg(d->conn));
		sqlite3_free(msg);
		return false;
	}
	return true;
}

db_stmt *db_prepare(db *d, const char *sql, tusk_err *err)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(d->conn, sql, -1, &st, NULL) != SQLITE_OK) {
		set_err(d, err, "prepare");
		return NULL;
	}
	db_stmt *s = xcalloc(1, sizeof(*s));
	s->d = d;
	s->st = st;
	return s;
}

/* $n parameters are named in SQLite; look their index up by name. */
static int param_index(db_stmt *s, int i)
{
	char name[16];
	snprintf(name, sizeof(name), "$%d", i);
	int idx = sqlite3_bind_parameter_index(s->st, name);
	if (idx == 0)
		s->bind_failed = true;
	return idx;
}

void db_bind_text(db_stmt *s, int i, const char *v)
{
	int idx = param_index(s, i);
	if (v)
		sqlite3_bind_text(s->st, idx, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s->st, idx);
}

void db_bind_int(db_stmt *s, int i, int64_t v)
{
	sqlite3_bind_int64(s->st, param_index(s, i), v);
}

void db_bind_blob(db_stmt *s, int i, const void *v, size_t n)
{
	sqlite3_bind_blob64(s->st, param_index(s, i), v, n, SQLITE_TRANSIENT);
}

enum db_step db_step(db_stmt *s, tusk_err *err)
{
	if (s->bind_failed) {
		err_set(err, "store_error", "metadata store: a statement parameter does not exist");
		return DB_ERROR;
	}
	int rc = sqlite3_step(s->st);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE) {
		s->changes = sqlite3_changes64(s->d->conn);
		return DB_DONE;
	}
	set_err(s->d, err, "step");
	return DB_ERROR;
}

bool db_col_null(db_stmt *s, int i)
{
	return sqlite3_column_type(s->st, i) == SQLITE_NULL;
}

const char *db_col_text(db_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s->st, i);
}

int64_t db_col_int(db_stmt *s, int i)
{
	return sqlite3_column_int64(s->st, i);
}

const void *db_col_blob(db_stmt *s, int i, size_t *n)
{
	const void *p = sqlite3_column_blob(s->st, i);
	*n = (size_t)sqlite3_column_bytes(s->st, i);
	return p;
}

int64_t db_changes(db_stmt *s)
{
	return s->changes;
}

void db_finalize(db_stmt *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->st);
	free(s);
}

bool db_run(db_stmt *s, tusk_err *err)
{
	bool ok = db_step(s, err) == DB_DONE;
	db_finalize(s);
	return ok;
}
