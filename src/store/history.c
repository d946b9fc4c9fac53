/* Query history, saved queries (snippets), saved workspaces and preferences. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/internal.h"
#include "util/str.h"

void store_history_clear(store_history *h)
{
	FREE_ALL(h->database, h->sql, h->status, h->error);
	memset(h, 0, sizeof(*h));
}

STORE_LIST_FREE(store_history_list_free, store_history, store_history_clear)

bool store_history_add(store *s, const store_history *h, int keep, tusk_err *err)
{
	return store_exec(
		   s, err,
		   "INSERT INTO query_history (user_id, server_id, database, sql, started_at, duration_ms, row_count, "
		   "status, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
		   "inttiiitt", h->user_id, h->server_id, h->database, h->sql, h->started_at, h->duration_ms,
		   h->row_count, h->status, h->error) &&
	       store_exec(s, err,
			  "DELETE FROM query_history WHERE user_id = $1 AND id <= (SELECT id FROM query_history WHERE "
			  "user_id = $1 ORDER BY id DESC LIMIT 1 OFFSET $2)",
			  "id", h->user_id, keep);
}

#define HISTORY_WHERE                                                                                                  \
	" FROM query_history WHERE user_id = $1 AND ($2 = 0 OR server_id = $2) AND ($3 IS NULL OR "                    \
	"lower(sql) LIKE lower($3) ESCAPE '!')"

static void read_history(db_stmt *st, void *elem)
{
	store_history *h = elem;
	store_cols(st, "iiittiiitt", &h->id, &h->user_id, &h->server_id, &h->database, &h->sql, &h->started_at,
		   &h->duration_ms, &h->row_count, &h->status, &h->error);
}

static void free_history(void *list, size_t n)
{
	store_history_list_free(list, n);
}

store_history *store_history_list(store *s, int64_t user_id, int64_t server_id, const char *text, int64_t limit,
				  int64_t offset, size_t *n, int64_t *total, tusk_err *err)
{
	*n = 0;
	*total = 0;
	char *pattern = store_like_pattern(text);
	store_list l = {.size = sizeof(store_history), .read = read_history};
	bool ok =
	    store_sql(s, STORE_READ, store_row_int, total, err, "SELECT COUNT(*)" HISTORY_WHERE, "iit", user_id,
		      server_id, pattern) == 1 &&
	    store_sql(s, STORE_READ, store_list_row, &l, err,
		      "SELECT id, user_id, COALESCE(server_id, 0), database, sql, started_at, duration_ms, row_count, "
		      "status, error" HISTORY_WHERE " ORDER BY id DESC LIMIT $4 OFFSET $5",
		      "iitii", user_id, server_id, pattern, limit, offset) >= 0;
	free(pattern);
	return store_list_done(&l, ok, n, free_history);
}

bool store_history_delete_user(store *s, int64_t user_id, tusk_err *err)
{
	return store_exec(s, err, "DELETE FROM query_history WHERE user_id = $1", "i", user_id);
}

/* ---- snippets ---- */

void store_snippet_clear(store_snippet *q)
{
	free(q->name);
	free(q->sql);
	memset(q, 0, sizeof(*q));
}

STORE_LIST_FREE(store_snippet_list_free, store_snippet, store_snippet_clear)

static void read_snippet(db_stmt *st, void *elem)
{
	store_snippet *q = elem;
	store_cols(st, "iittii", &q->id, &q->user_id, &q->name, &q->sql, &q->created_at, &q->updated_at);
}

static void free_snippets(void *list, size_t n)
{
	store_snippet_list_free(list, n);
}

#define SNIPPET_SELECT "SELECT id, user_id, name, sql, created_at, updated_at FROM saved_queries"

store_snippet *store_snippet_list(store *s, int64_t user_id, size_t *n, tusk_err *err)
{
	store_list l = {.size = sizeof(store_snippet), .read = read_snippet};
	bool ok = store_sql(s, STORE_READ, store_list_row, &l, err, SNIPPET_SELECT " WHERE user_id = $1 ORDER BY name",
			    "i", user_id) >= 0;
	return store_list_done(&l, ok, n, free_snippets);
}

int store_snippet_get(store *s, int64_t user_id, int64_t id, store_snippet *q, tusk_err *err)
{
	return (int)store_sql(s, STORE_READ, read_snippet, q, err, SNIPPET_SELECT " WHERE id = $1 AND user_id = $2",
			      "ii", id, user_id);
}

bool store_snippet_save(store *s, store_snippet *q, tusk_err *err)
{
	int64_t now = time(NULL), id = 0;
	int64_t rows =
	    q->id ? store_sql(s, STORE_WRITE, store_row_int, &id, err,
			      "UPDATE saved_queries SET name = $3, sql = $4, updated_at = $5 WHERE id = $1 AND "
			      "user_id = $2 RETURNING id",
			      "iitti", q->id, q->user_id, q->name, q->sql, now)
		  : store_sql(s, STORE_WRITE, store_row_int, &id, err,
			      "INSERT INTO saved_queries (user_id, name, sql, created_at, updated_at) VALUES ($1, "
			      "$2, $3, $4, $4) RETURNING id",
			      "itti", q->user_id, q->name, q->sql, now);
	if (rows == 1) {
		q->id = id;
		q->updated_at = now;
	} else if (rows == 0) {
		err_set(err, ERR_NOT_FOUND, "There is no saved query %lld.", (long long)q->id);
	} else if (store_is_unique_violation(err)) {
		err_set(err, ERR_NAME_TAKEN, "You have a saved query named '%s' already.", q->name);
	}
	return rows == 1;
}

bool store_snippet_delete(store *s, int64_t user_id, int64_t id, tusk_err *err)
{
	return store_exec(s, err, "DELETE FROM saved_queries WHERE id = $1 AND user_id = $2", "ii", id, user_id);
}

/* ---- workspaces ---- */

static void read_state(db_stmt *st, void *ctx)
{
	*(char **)ctx = store_col_dup(st, 0);
}

bool store_workspace_get(store *s, int64_t user_id, char **state, tusk_err *err)
{
	*state = NULL;
	return store_sql(s, STORE_READ, read_state, state, err, "SELECT state FROM workspaces WHERE user_id = $1", "i",
			 user_id) >= 0;
}

bool store_workspace_put(store *s, int64_t user_id, const char *state, tusk_err *err)
{
	return store_exec(
	    s, err,
	    "INSERT INTO workspaces (user_id, state, updated_at) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO "
	    "UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
	    "iti", user_id, state, (int64_t)time(NULL));
}

/* ---- preferences ---- */

bool store_preferences_get(store *s, int64_t user_id, char **settings, tusk_err *err)
{
	*settings = NULL;
	return store_sql(s, STORE_READ, read_state, settings, err,
			 "SELECT settings FROM preferences WHERE user_id = $1", "i", user_id) >= 0;
}

bool store_preferences_put(store *s, int64_t user_id, const char *settings, tusk_err *err)
{
	return store_exec(s, err,
			  "INSERT INTO preferences (user_id, settings, updated_at) VALUES ($1, $2, $3) ON CONFLICT "
			  "(user_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at",
			  "iti", user_id, settings, (int64_t)time(NULL));
}
