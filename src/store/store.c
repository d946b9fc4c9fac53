#include "store/store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/db.h"
#include "util/embed.h"
#include "util/log.h"
#include "util/str.h"

struct store {
	db *d;
	pthread_mutex_t lock; /* one statement sequence at a time on the connection */
	int version;
};

int store_latest_version(void)
{
	return (int)embed_migrations_sqlite_count;
}

static int current_version(db *d, tusk_err *err)
{
	if (!db_exec(d,
		     "CREATE TABLE IF NOT EXISTS tusk_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
		     "applied_at BIGINT NOT NULL)",
		     err))
		return -1;
	db_stmt *s = db_prepare(d, "SELECT COALESCE(MAX(version), 0) FROM tusk_migrations", err);
	if (!s)
		return -1;
	int v = db_step(s, err) == DB_ROW ? (int)db_col_int(s, 0) : -1;
	db_finalize(s);
	return v;
}

/* Applies migration number version (1-based) in one transaction. */
static bool apply(db *d, int version, tusk_err *err)
{
	const embedded_file *f = &embed_migrations_sqlite[version - 1];
	size_t n = (size_t)(f->end - f->start);
	char *sql = xstrndup((const char *)f->start, n);
	bool ok = db_exec(d, "BEGIN IMMEDIATE", err) && db_exec(d, sql, err);
	free(sql);
	if (ok) {
		db_stmt *s = db_prepare(d, "INSERT INTO tusk_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
					err);
		if (s) {
			db_bind_int(s, 1, version);
			db_bind_text(s, 2, f->name);
			db_bind_int(s, 3, (int64_t)time(NULL));
		}
		ok = s && db_run(s, err) && db_exec(d, "COMMIT", err);
	}
	if (!ok) {
		tusk_err ignored;
		if (!db_exec(d, "ROLLBACK", &ignored))
			log_msg(LOG_WARN, "store rollback failed", "detail", ignored.msg, NULL);
		char msg[sizeof(err->msg)];
		snprintf(msg, sizeof(msg), "%s", err->msg);
		err_set(err, "store_error", "migration %s failed: %s", f->name, msg);
	}
	return ok;
}

static bool migrate(store *st, const char *path, tusk_err *err)
{
	int v = current_version(st->d, err);
	if (v < 0)
		return false;
	int latest = store_latest_version();
	if (v > latest) {
		err_set(err, "store_too_new",
			"the metadata store %s was written by a newer Tusk (schema version %d; this Tusk knows up to %d): "
			"run that newer Tusk, or restore a backup of the data directory",
			path, v, latest);
		return false;
	}
	for (int k = v + 1; k <= latest; k++) {
		if (!apply(st->d, k, err))
			return false;
		log_msg(LOG_INFO, "store migrated", "migration", embed_migrations_sqlite[k - 1].name, NULL);
	}
	st->version = latest;
	return true;
}

store *store_open(const char *data_dir, tusk_err *err)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/tusk.db", data_dir);
	db *d = db_sqlite_open(path, err);
	if (!d)
		return NULL;
	store *st = xcalloc(1, sizeof(*st));
	st->d = d;
	pthread_mutex_init(&st->lock, NULL);
	if (!migrate(st, path, err)) {
		store_close(st);
		return NULL;
	}
	return st;
}

void store_close(store *s)
{
	if (!s)
		return;
	db_close(s->d);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

bool store_ping(store *s, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d, "SELECT 1", err);
	bool ok = st && db_step(st, err) == DB_ROW;
	db_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

int store_schema_version(store *s)
{
	return s->version;
}
