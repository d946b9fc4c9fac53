/* The store's SQL interface: each call goes to the backend that opened the
 * connection (sqlite.c, pg.c). */
#include "store/db_backend.h"

static unsigned long errors; /* atomic */

unsigned long db_error_count(void)
{
	return __atomic_load_n(&errors, __ATOMIC_RELAXED);
}

void db_count_error(void)
{
	__atomic_add_fetch(&errors, 1, __ATOMIC_RELAXED);
}

void db_close(db *d)
{
	if (d)
		d->ops->close(d);
}

enum db_dialect db_dialect(const db *d)
{
	return d->ops->dialect;
}

void db_describe(db *d, char *out, size_t n)
{
	d->ops->describe(d, out, n);
}

bool db_exec(db *d, const char *sql, tusk_err *err)
{
	return d->ops->exec(d, sql, err);
}

bool db_begin(db *d, tusk_err *err)
{
	return d->ops->begin(d, err);
}

bool db_lock(db *d, const char *name, tusk_err *err)
{
	return d->ops->lock(d, name, err);
}

void db_unlock(db *d, const char *name)
{
	d->ops->unlock(d, name);
}

db_stmt *db_prepare(db *d, const char *sql, tusk_err *err)
{
	return d->ops->prepare(d, sql, err);
}

void db_bind_text(db_stmt *s, int i, const char *v)
{
	s->ops->bind_text(s, i, v);
}

void db_bind_null(db_stmt *s, int i)
{
	s->ops->bind_null(s, i);
}

void db_bind_int(db_stmt *s, int i, int64_t v)
{
	s->ops->bind_int(s, i, v);
}

void db_bind_blob(db_stmt *s, int i, const void *v, size_t n)
{
	s->ops->bind_blob(s, i, v, n);
}

enum db_step db_step(db_stmt *s, tusk_err *err)
{
	return s->ops->step(s, err);
}

bool db_col_null(db_stmt *s, int i)
{
	return s->ops->col_null(s, i);
}

const char *db_col_text(db_stmt *s, int i)
{
	return s->ops->col_text(s, i);
}

int64_t db_col_int(db_stmt *s, int i)
{
	return s->ops->col_int(s, i);
}

const void *db_col_blob(db_stmt *s, int i, size_t *n)
{
	return s->ops->col_blob(s, i, n);
}

int64_t db_changes(db_stmt *s)
{
	return s->ops->changes(s);
}

void db_finalize(db_stmt *s)
{
	if (s)
		s->ops->finalize(s);
}

bool db_run(db_stmt *s, tusk_err *err)
{
	bool ok = db_step(s, err) == DB_DONE;
	db_finalize(s);
	return ok;
}

bool db_changes_seen(db *d, uint64_t *gen)
{
	return d->ops->changes_seen(d, gen);
}

void db_announce(db *d)
{
	d->ops->announce(d);
}
