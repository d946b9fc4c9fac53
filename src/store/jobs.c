/* Background jobs as the store keeps them: what ran, for whom, how it ended. */
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/str.h"

void store_job_clear(store_job *j)
{
	free(j->kind);
	free(j->description);
	free(j->state);
	free(j->command);
	free(j->reason);
	free(j->log_path);
	free(j->output_path);
	free(j->input_path);
	free(j->instance);
	memset(j, 0, sizeof(*j));
}

void store_job_list_free(store_job *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		store_job_clear(&list[i]);
	free(list);
}

#define JOB_COLUMNS                                                                                                    \
	"id, user_id, COALESCE(server_id, 0), kind, description, state, command, COALESCE(pid, 0), exit_code, reason, " \
	"log_path, output_path, created_at, COALESCE(started_at, 0), COALESCE(ended_at, 0), acknowledged, instance, " \
	"input_path"

static void read_job(db_stmt *st, void *elem)
{
	store_job *j = elem;
	j->id = db_col_int(st, 0);
	j->user_id = db_col_int(st, 1);
	j->server_id = db_col_int(st, 2);
	j->kind = store_col_dup(st, 3);
	j->description = store_col_dup(st, 4);
	j->state = store_col_dup(st, 5);
	j->command = store_col_dup(st, 6);
	j->pid = db_col_int(st, 7);
	j->has_exit_code = !db_col_null(st, 8);
	j->exit_code = db_col_int(st, 8);
	j->reason = store_col_dup(st, 9);
	j->log_path = store_col_dup(st, 10);
	j->output_path = store_col_dup(st, 11);
	j->created_at = db_col_int(st, 12);
	j->started_at = db_col_int(st, 13);
	j->ended_at = db_col_int(st, 14);
	j->acknowledged = db_col_int(st, 15) != 0;
	j->instance = store_col_dup(st, 16);
	j->input_path = store_col_dup(st, 17);
}

static void free_jobs(void *list, size_t n)
{
	store_job_list_free(list, n);
}

bool store_job_create(store *s, store_job *j, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d,
				 "INSERT INTO jobs (user_id, server_id, kind, description, state, command, log_path, "
				 "output_path, created_at, instance, input_path) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
				 "$10, $11) RETURNING id",
				 err);
	bool ok = false;
	if (st) {
		db_bind_int(st, 1, j->user_id);
		if (j->server_id)
			db_bind_int(st, 2, j->server_id);
		else
			db_bind_null(st, 2);
		db_bind_text(st, 3, j->kind);
		db_bind_text(st, 4, j->description);
		db_bind_text(st, 5, j->state);
		db_bind_text(st, 6, j->command);
		db_bind_text(st, 7, j->log_path);
		db_bind_text(st, 8, j->output_path);
		db_bind_int(st, 9, j->created_at);
		db_bind_text(st, 10, j->instance);
		db_bind_text(st, 11, j->input_path);
		ok = db_step(st, err) == DB_ROW;
		if (ok)
			j->id = db_col_int(st, 0);
	}
	db_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

bool store_job_set_log(store *s, int64_t id, const char *log_path, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d, "UPDATE jobs SET log_path = $2 WHERE id = $1", err);
	if (st) {
		db_bind_int(st, 1, id);
		db_bind_text(st, 2, log_path);
	}
	bool ok = st && db_run(st, err);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

bool store_job_started(store *s, int64_t id, int64_t pid, int64_t at, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d, "UPDATE jobs SET state = 'running', pid = $2, started_at = $3 WHERE id = $1", err);
	if (st) {
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, pid);
		db_bind_int(st, 3, at);
	}
	bool ok = st && db_run(st, err);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

bool store_job_finished(store *s, int64_t id, const char *state, const int64_t *exit_code, const char *reason,
			int64_t at, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d,
				 "UPDATE jobs SET state = $2, exit_code = $3, reason = $4, ended_at = $5 WHERE id = $1 AND "
				 "state IN ('queued', 'running')",
				 err);
	if (st) {
		db_bind_int(st, 1, id);
		db_bind_text(st, 2, state);
		if (exit_code)
			db_bind_int(st, 3, *exit_code);
		else
			db_bind_null(st, 3);
		db_bind_text(st, 4, reason);
		db_bind_int(st, 5, at);
	}
	bool ok = st && db_run(st, err);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

store_job *store_job_list(store *s, int64_t user_id, size_t *n, tusk_err *err)
{
	return store_list_by_user(s, "SELECT " JOB_COLUMNS " FROM jobs WHERE user_id = $1 ORDER BY id DESC LIMIT 500",
				  user_id, sizeof(store_job), read_job, free_jobs, n, err);
}

/* Another process is gone when it no longer holds its instance lock (see
 * store_instance_register); trying the lock inside a transaction lets it
 * go again at COMMIT. With SQLite one process owns the store, so every
 * other instance is a previous run. */
#define UNFINISHED "SELECT " JOB_COLUMNS " FROM jobs WHERE state IN ('queued', 'running') AND instance <> $1"
#define DEAD_INSTANCE_PG " AND pg_try_advisory_xact_lock(1953854315, hashtext('instance:' || instance))"

store_job *store_job_unfinished(store *s, const char *instance, size_t *n, tusk_err *err)
{
	_Static_assert(DB_LOCK_CLASS == 1953854315, "DEAD_INSTANCE_PG names the lock class");
	*n = 0;
	size_t cap = 4;
	store_job *list = xcalloc(cap, sizeof(*list));
	pthread_mutex_lock(&s->lock);
	bool pg = db_dialect(s->d) == DB_POSTGRES;
	enum db_step r = DB_ERROR;
	db_stmt *st = NULL;
	if (!pg || db_exec(s->d, "BEGIN", err))
		st = db_prepare(s->d, pg ? UNFINISHED DEAD_INSTANCE_PG " ORDER BY id" : UNFINISHED " ORDER BY id", err);
	if (st) {
		db_bind_text(st, 1, instance);
		while ((r = db_step(st, err)) == DB_ROW) {
			if (*n == cap) {
				list = xrealloc(list, (cap *= 2) * sizeof(*list));
				memset(list + *n, 0, (cap - *n) * sizeof(*list));
			}
			read_job(st, &list[(*n)++]);
		}
	}
	db_finalize(st);
	tusk_err ignored;
	if (pg && !db_exec(s->d, r == DB_ERROR ? "ROLLBACK" : "COMMIT", r == DB_ERROR ? &ignored : err))
		r = DB_ERROR;
	pthread_mutex_unlock(&s->lock);
	if (r == DB_ERROR) {
		store_job_list_free(list, *n);
		*n = 0;
		return NULL;
	}
	return list;
}

int store_job_get(store *s, int64_t user_id, int64_t id, store_job *j, tusk_err *err)
{
	memset(j, 0, sizeof(*j));
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d, "SELECT " JOB_COLUMNS " FROM jobs WHERE id = $1 AND ($2 = 0 OR user_id = $2)", err);
	int found = -1;
	if (st) {
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, user_id);
		enum db_step r = db_step(st, err);
		found = r == DB_ROW ? 1 : r == DB_DONE ? 0 : -1;
		if (found == 1)
			read_job(st, j);
	}
	db_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return found;
}

bool store_job_acknowledge(store *s, int64_t user_id, int64_t id, tusk_err *err)
{
	return store_run2(s, "UPDATE jobs SET acknowledged = 1 WHERE id = $1 AND user_id = $2", id, user_id, err);
}

bool store_job_delete(store *s, int64_t user_id, int64_t id, tusk_err *err)
{
	return store_run2(s, "DELETE FROM jobs WHERE id = $1 AND user_id = $2 AND state NOT IN ('queued', 'running')", id,
			  user_id, err);
}
