/* Query history, saved queries (snippets) and saved workspaces. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/internal.h"
#include "util/str.h"

void store_history_clear(store_history *h)
{
	free(h->database);
	free(h->sql);
	free(h->status);
	free(h->error);
	memset(h, 0, sizeof(*h));
}

void store_history_list_free(store_history *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		store_history_clear(&list[i]);
	free(list);
}

bool store_history_add(store *s, const store_history *h, int keep, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d,
				 "INSERT INTO query_history (user_id, server_id, database, sql, started_at, duration_ms, "
				 "row_count, status, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
				 err);
	if (st) {
		db_bind_int(st, 1, h->user_id);
		if (h->server_id)
			db_bind_int(st, 2, h->server_id);
		else
			db_bind_null(st, 2);
		db_bind_text(st, 3, h->database);
		db_bind_text(st, 4, h->sql);
		db_bind_int(st, 5, h->started_at);
		db_bind_int(st, 6, h->duration_ms);
		db_bind_int(st, 7, h->row_count);
		db_bind_text(st, 8, h->status);
		db_bind_text(st, 9, h->error);
	}
	bool ok = st && db_run(st, err);
	if (ok) {
		st = db_prepare(s->d,
				"DELETE FROM query_history WHERE user_id = $1 AND id <= (SELECT id FROM query_history "
				"WHERE user_id = $1 ORDER BY id DESC LIMIT 1 OFFSET $2)",
				err);
		if (st) {
			db_bind_int(st, 1, h->user_id);
			db_bind_int(st, 2, keep);
		}
		ok = st && db_run(st, err);
	}
	pthread_mutex_unlock(&s->lock);
	return ok;
}

#define HISTORY_WHERE                                                                                                  \
	" FROM query_history WHERE user_id = $1 AND ($2 = 0 OR server_id = $2) AND ($3 IS NULL OR "                    \
	"lower(sql) LIKE lower($3) ESCAPE '!')"

store_history *store_history_list(store *s, int64_t user_id, int64_t server_id, const char *text, int64_t limit,
				  int64_t offset, size_t *n, int64_t *total, tusk_err *err)
{
	*n = 0;
	*total = 0;
	char *pattern = store_like_pattern(text);
	store_history *list = xcalloc((size_t)(limit > 0 ? limit : 1), sizeof(*list));
	pthread_mutex_lock(&s->lock);
	bool ok = false;
	db_stmt *st = db_prepare(s->d, "SELECT COUNT(*)" HISTORY_WHERE, err);
	if (st) {
		db_bind_int(st, 1, user_id);
		db_bind_int(st, 2, server_id);
		db_bind_text(st, 3, pattern);
		ok = db_step(st, err) == DB_ROW;
		if (ok)
			*total = db_col_int(st, 0);
	}
	db_finalize(st);
	st = ok ? db_prepare(s->d,
			     "SELECT id, user_id, COALESCE(server_id, 0), database, sql, started_at, duration_ms, "
			     "row_count, status, error" HISTORY_WHERE " ORDER BY id DESC LIMIT $4 OFFSET $5",
			     err)
		: NULL;
	ok = false;
	if (st) {
		db_bind_int(st, 1, user_id);
		db_bind_int(st, 2, server_id);
		db_bind_text(st, 3, pattern);
		db_bind_int(st, 4, limit);
		db_bind_int(st, 5, offset);
		enum db_step r;
		while ((r = db_step(st, err)) == DB_ROW && *n < (size_t)limit) {
			store_history *h = &list[(*n)++];
			h->id = db_col_int(st, 0);
			h->user_id = db_col_int(st, 1);
			h->server_id = db_col_int(st, 2);
			h->database = store_col_dup(st, 3);
			h->sql = store_col_dup(st, 4);
			h->started_at = db_col_int(st, 5);
			h->duration_ms = db_col_int(st, 6);
			h->row_count = db_col_int(st, 7);
			h->status = store_col_dup(st, 8);
			h->error = store_col_dup(st, 9);
		}
		ok = r != DB_ERROR;
	}
	db_finalize(st);
	pthread_mutex_unlock(&s->lock);
	free(pattern);
	if (!ok) {
		store_history_list_free(list, *n);
		*n = 0;
		return NULL;
	}
	return list;
}

bool store_history_delete_user(store *s, int64_t user_id, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d, "DELETE FROM query_history WHERE user_id = $1", err);
	if (st)
		db_bind_int(st, 1, user_id);
	bool ok = st && db_run(st, err);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

/* ---- snippets ---- */

void store_snippet_clear(store_snippet *q)
{
	free(q->name);
	free(q->sql);
	memset(q, 0, sizeof(*q));
}

void store_snippet_list_free(store_snippet *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		store_snippet_clear(&list[i]);
	free(list);
}

static void read_snippet(db_stmt *st, void *elem)
{
	store_snippet *q = elem;
	q->id = db_col_int(st, 0);
	q->user_id = db_col_int(st, 1);
	q->name = store_col_dup(st, 2);
	q->sql = store_col_dup(st, 3);
	q->created_at = db_col_int(st, 4);
	q->updated_at = db_col_int(st, 5);
}

static void snippet_list_free(void *list, size_t n)
{
	store_snippet_list_free(list, n);
}

store_snippet *store_snippet_list(store *s, int64_t user_id, size_t *n, tusk_err *err)
{
	return store_list_by_user(s,
				  "SELECT id, user_id, name, sql, created_at, updated_at FROM saved_queries "
				  "WHERE user_id = $1 ORDER BY name",
				  user_id, sizeof(store_snippet), read_snippet, snippet_list_free, n, err);
}

int store_snippet_get(store *s, int64_t user_id, int64_t id, store_snippet *q, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d,
				 "SELECT id, user_id, name, sql, created_at, updated_at FROM saved_queries "
				 "WHERE id = $1 AND user_id = $2",
				 err);
	int found = -1;
	if (st) {
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, user_id);
		enum db_step r = db_step(st, err);
		if (r == DB_ROW)
			read_snippet(st, q);
		found = r == DB_ROW ? 1 : r == DB_DONE ? 0 : -1;
	}
	db_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return found;
}

bool store_snippet_save(store *s, store_snippet *q, tusk_err *err)
{
	int64_t now = time(NULL);
	pthread_mutex_lock(&s->lock);
	db_stmt *st = q->id ? db_prepare(s->d,
					 "UPDATE saved_queries SET name = $3, sql = $4, updated_at = $5 "
					 "WHERE id = $1 AND user_id = $2 RETURNING id",
					 err)
			    : db_prepare(s->d,
					 "INSERT INTO saved_queries (user_id, name, sql, created_at, updated_at) "
					 "VALUES ($2, $3, $4, $5, $5) RETURNING id",
					 err);
	bool ok = false;
	if (st) {
		if (q->id)
			db_bind_int(st, 1, q->id);
		db_bind_int(st, 2, q->user_id);
		db_bind_text(st, 3, q->name);
		db_bind_text(st, 4, q->sql);
		db_bind_int(st, 5, now);
		enum db_step r = db_step(st, err);
		if (r == DB_ROW) {
			q->id = db_col_int(st, 0);
			q->updated_at = now;
			ok = true;
		} else if (r == DB_DONE) {
			err_set(err, ERR_NOT_FOUND, "There is no saved query %lld.", (long long)q->id);
		} else if (store_is_unique_violation(err)) {
			err_set(err, ERR_NAME_TAKEN, "You have a saved query named '%s' already.", q->name);
		}
	}
	db_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

bool store_snippet_delete(store *s, int64_t user_id, int64_t id, tusk_err *err)
{
	return store_run2(s, "DELETE FROM saved_queries WHERE id = $1 AND user_id = $2", id, user_id, err);
}

/* ---- workspaces ---- */

bool store_workspace_get(store *s, int64_t user_id, char **state, tusk_err *err)
{
	*state = NULL;
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d, "SELECT state FROM workspaces WHERE user_id = $1", err);
	bool ok = false;
	if (st) {
		db_bind_int(st, 1, user_id);
		enum db_step r = db_step(st, err);
		if (r == DB_ROW)
			*state = store_col_dup(st, 0);
		ok = r != DB_ERROR;
	}
	db_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

bool store_workspace_put(store *s, int64_t user_id, const char *state, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d,
				 "INSERT INTO workspaces (user_id, state, updated_at) VALUES ($1, $2, $3) "
				 "ON CONFLICT (user_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
				 err);
	if (st) {
		db_bind_int(st, 1, user_id);
		db_bind_text(st, 2, state);
		db_bind_int(st, 3, time(NULL));
	}
	bool ok = st && db_run(st, err);
	pthread_mutex_unlock(&s->lock);
	return ok;
}
