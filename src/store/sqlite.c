/* SQLite backend of the store's SQL interface: the store of one Tusk
 * process, in its data directory (WAL). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db_backend.h"
#include "util/str.h"

/* Statements once prepared are kept for the next use of the same SQL
 * (preparing costs more than running most of the store's queries). The
 * store's lock serializes every use, so the cache needs none of its own. */
#define STMT_CACHE 128
struct cached_stmt {
	uint64_t hash;
	sqlite3_stmt *st; /* idle; NULL = free slot */
};

typedef struct {
	struct db base;
	sqlite3 *conn;
	struct cached_stmt cache[STMT_CACHE];
} lite;

static uint64_t sql_hash(const char *sql)
{
	uint64_t h = 1469598103934665603ull;
	for (const unsigned char *c = (const unsigned char *)sql; *c; c++)
		h = (h ^ *c) * 1099511628211ull;
	return h;
}

typedef struct {
	struct db_stmt base;
	lite *d;
	sqlite3_stmt *st;
	int64_t changes;
	bool bind_failed;
} lite_stmt;

static const struct db_ops ops;

static void set_err(lite *d, tusk_err *err, const char *what)
{
	db_count_error();
	int rc = sqlite3_extended_errcode(d->conn);
	bool unique = rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY;
	err_set(err, unique ? ERR_STORE_UNIQUE : ERR_STORE_ERROR, "metadata store: %s: %s", what,
		sqlite3_errmsg(d->conn));
}

static void lite_close(db *dd)
{
	lite *d = (lite *)dd;
	for (size_t i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(d->cache[i].st);
	sqlite3_close(d->conn);
	free(d);
}

static bool lite_exec(db *dd, const char *sql, tusk_err *err)
{
	lite *d = (lite *)dd;
	char *msg = NULL;
	if (sqlite3_exec(d->conn, sql, NULL, NULL, &msg) != SQLITE_OK) {
		db_count_error();
		err_set(err, ERR_STORE_ERROR, "metadata store: %s", msg ? msg : sqlite3_errmsg(d->conn));
		sqlite3_free(msg);
		return false;
	}
	return true;
}

db *db_sqlite_open(const char *path, tusk_err *err)
{
	sqlite3 *conn = NULL;
	int rc = sqlite3_open_v2(path, &conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
	if (rc != SQLITE_OK) {
		err_set(err, ERR_STORE_ERROR, "cannot open the metadata store %s: %s", path,
			conn ? sqlite3_errmsg(conn) : sqlite3_errstr(rc));
		sqlite3_close(conn);
		return NULL;
	}
	sqlite3_busy_timeout(conn, 5000);
	lite *d = xcalloc(1, sizeof(*d));
	d->base.ops = &ops;
	d->conn = conn;
	if (!lite_exec(&d->base, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", err)) {
		lite_close(&d->base);
		return NULL;
	}
	return &d->base;
}

static void lite_describe(db *dd, char *out, size_t n)
{
	const char *f = sqlite3_db_filename(((lite *)dd)->conn, "main");
	snprintf(out, n, "sqlite:%s", f ? f : "");
}

static bool lite_begin(db *d, tusk_err *err)
{
	/* the write lock now, so two writers never deadlock upgrading a read */
	return lite_exec(d, "BEGIN IMMEDIATE", err);
}

/* One process owns the file: there is nobody to take turns with. */
static bool lite_lock(db *d, const char *name, tusk_err *err)
{
	(void)d, (void)name, (void)err;
	return true;
}

static void lite_unlock(db *d, const char *name)
{
	(void)d, (void)name;
}

static db_stmt *lite_prepare(db *dd, const char *sql, tusk_err *err)
{
	lite *d = (lite *)dd;
	uint64_t h = sql_hash(sql);
	struct cached_stmt *slot = &d->cache[h % STMT_CACHE];
	sqlite3_stmt *st = NULL;
	if (slot->st && slot->hash == h && strcmp(sqlite3_sql(slot->st), sql) == 0) {
		st = slot->st;
		slot->st = NULL;
	} else if (sqlite3_prepare_v2(d->conn, sql, -1, &st, NULL) != SQLITE_OK) {
		set_err(d, err, "prepare");
		return NULL;
	}
	lite_stmt *s = xcalloc(1, sizeof(*s));
	s->base.ops = &ops;
	s->d = d;
	s->st = st;
	return &s->base;
}

/* $n parameters are named in SQLite; look their index up by name. */
static int param_index(lite_stmt *s, int i)
{
	char name[16];
	snprintf(name, sizeof(name), "$%d", i);
	int idx = sqlite3_bind_parameter_index(s->st, name);
	if (idx == 0)
		s->bind_failed = true;
	return idx;
}

static void lite_bind_text(db_stmt *ss, int i, const char *v)
{
	lite_stmt *s = (lite_stmt *)ss;
	int idx = param_index(s, i);
	if (v)
		sqlite3_bind_text(s->st, idx, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s->st, idx);
}

static void lite_bind_null(db_stmt *ss, int i)
{
	lite_stmt *s = (lite_stmt *)ss;
	sqlite3_bind_null(s->st, param_index(s, i));
}

static void lite_bind_int(db_stmt *ss, int i, int64_t v)
{
	lite_stmt *s = (lite_stmt *)ss;
	sqlite3_bind_int64(s->st, param_index(s, i), v);
}

static void lite_bind_blob(db_stmt *ss, int i, const void *v, size_t n)
{
	lite_stmt *s = (lite_stmt *)ss;
	sqlite3_bind_blob64(s->st, param_index(s, i), v, n, SQLITE_TRANSIENT);
}

static enum db_step lite_step(db_stmt *ss, tusk_err *err)
{
	lite_stmt *s = (lite_stmt *)ss;
	if (s->bind_failed) {
		err_set(err, ERR_STORE_ERROR, "metadata store: a statement parameter does not exist");
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

static bool lite_col_null(db_stmt *ss, int i)
{
	return sqlite3_column_type(((lite_stmt *)ss)->st, i) == SQLITE_NULL;
}

static const char *lite_col_text(db_stmt *ss, int i)
{
	return (const char *)sqlite3_column_text(((lite_stmt *)ss)->st, i);
}

static int64_t lite_col_int(db_stmt *ss, int i)
{
	return sqlite3_column_int64(((lite_stmt *)ss)->st, i);
}

static const void *lite_col_blob(db_stmt *ss, int i, size_t *n)
{
	lite_stmt *s = (lite_stmt *)ss;
	const void *p = sqlite3_column_blob(s->st, i);
	*n = (size_t)sqlite3_column_bytes(s->st, i);
	return p;
}

static int64_t lite_changes(db_stmt *ss)
{
	return ((lite_stmt *)ss)->changes;
}

static void lite_finalize(db_stmt *ss)
{
	lite_stmt *s = (lite_stmt *)ss;
	if (!s)
		return;
	sqlite3_reset(s->st);
	sqlite3_clear_bindings(s->st);
	const char *sql = sqlite3_sql(s->st);
	uint64_t h = sql ? sql_hash(sql) : 0;
	struct cached_stmt *slot = &s->d->cache[h % STMT_CACHE];
	if (sql && !slot->st) {
		slot->st = s->st;
		slot->hash = h;
	} else {
		sqlite3_finalize(s->st);
	}
	free(s);
}

static bool lite_changes_seen(db *dd, uint64_t *gen)
{
	tusk_err err;
	db_stmt *ss = lite_prepare(dd, "PRAGMA data_version", &err);
	bool ok = ss && sqlite3_step(((lite_stmt *)ss)->st) == SQLITE_ROW;
	if (ok)
		*gen = (uint64_t)sqlite3_column_int64(((lite_stmt *)ss)->st, 0);
	lite_finalize(ss);
	return ok;
}

static void lite_announce(db *d)
{
	(void)d;
}

static const struct db_ops ops = DB_OPS(DB_SQLITE, lite);
