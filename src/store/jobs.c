/* Background jobs as the store keeps them: what ran, for whom, how it ended. */
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/str.h"

void store_job_clear(store_job *j)
{
	FREE_ALL(j->kind, j->description, j->state, j->command, j->reason, j->log_path, j->output_path, j->input_path,
		 j->instance);
	memset(j, 0, sizeof(*j));
}

STORE_LIST_FREE(store_job_list_free, store_job, store_job_clear)

#define JOB_COLUMNS                                                                                                     \
	"id, user_id, COALESCE(server_id, 0), kind, description, state, command, COALESCE(pid, 0), exit_code, reason, " \
	"log_path, output_path, created_at, COALESCE(started_at, 0), COALESCE(ended_at, 0), acknowledged, instance, "   \
	"input_path"

static void read_job(db_stmt *st, void *elem)
{
	store_job *j = elem;
	store_cols(st, "iiittttinitttiiibtt", &j->id, &j->user_id, &j->server_id, &j->kind, &j->description, &j->state,
		   &j->command, &j->pid, &j->has_exit_code, &j->exit_code, &j->reason, &j->log_path, &j->output_path,
		   &j->created_at, &j->started_at, &j->ended_at, &j->acknowledged, &j->instance, &j->input_path);
}

bool store_job_create(store *s, store_job *j, tusk_err *err)
{
	return store_sql(
		   s, STORE_WRITE, store_row_int, &j->id, err,
		   "INSERT INTO jobs (user_id, server_id, kind, description, state, command, log_path, output_path, "
		   "created_at, instance, input_path) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
		   "inttttttitt", j->user_id, j->server_id, j->kind, j->description, j->state, j->command, j->log_path,
		   j->output_path, j->created_at, j->instance, j->input_path) == 1;
}

bool store_job_set_log(store *s, int64_t id, const char *log_path, tusk_err *err)
{
	return store_exec(s, err, "UPDATE jobs SET log_path = $2 WHERE id = $1", "it", id, log_path);
}

bool store_job_started(store *s, int64_t id, int64_t pid, int64_t at, tusk_err *err)
{
	return store_exec(s, err, "UPDATE jobs SET state = 'running', pid = $2, started_at = $3 WHERE id = $1", "iii",
			  id, pid, at);
}

bool store_job_finished(store *s, int64_t id, const char *state, const int64_t *exit_code, const char *reason,
			int64_t at, tusk_err *err)
{
	const char *sql = "UPDATE jobs SET state = $2, exit_code = $3, reason = $4, ended_at = $5 WHERE id = $1 AND "
			  "state IN ('queued', 'running')";
	if (exit_code)
		return store_exec(s, err, sql, "ititi", id, state, *exit_code, reason, at);
	/* no exit code: the same with $3 NULL */
	return store_exec(s, err, sql, "itnti", id, state, (int64_t)0, reason, at);
}

static void free_jobs(void *list, size_t n)
{
	store_job_list_free(list, n);
}

store_job *store_job_list(store *s, int64_t user_id, size_t *n, tusk_err *err)
{
	store_list l = {.size = sizeof(store_job), .read = read_job};
	bool ok = store_sql(s, STORE_READ, store_list_row, &l, err,
			    "SELECT " JOB_COLUMNS " FROM jobs WHERE user_id = $1 ORDER BY id DESC LIMIT 500", "i",
			    user_id) >= 0;
	return store_list_done(&l, ok, n, free_jobs);
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
	db *d = store_main(s);
	bool pg = db_dialect(d) == DB_POSTGRES;
	store_list l = {.size = sizeof(store_job), .read = read_job};
	bool ok = (!pg || db_exec(d, "BEGIN", err)) &&
		  store_sql_on(d, store_list_row, &l, err,
			       pg ? UNFINISHED DEAD_INSTANCE_PG " ORDER BY id" : UNFINISHED " ORDER BY id", "t",
			       instance) >= 0;
	store_job *list = store_list_done(&l, ok, n, free_jobs);
	tusk_err ignored;
	if (pg && !db_exec(d, list ? "COMMIT" : "ROLLBACK", list ? err : &ignored)) {
		store_job_list_free(list, *n);
		list = NULL;
		*n = 0;
	}
	store_main_end(s);
	return list;
}

int store_job_get(store *s, int64_t user_id, int64_t id, store_job *j, tusk_err *err)
{
	memset(j, 0, sizeof(*j));
	return (int)store_sql(s, STORE_READ, read_job, j, err,
			      "SELECT " JOB_COLUMNS " FROM jobs WHERE id = $1 AND ($2 = 0 OR user_id = $2)", "ii", id,
			      user_id);
}

bool store_job_acknowledge(store *s, int64_t user_id, int64_t id, tusk_err *err)
{
	return store_exec(s, err, "UPDATE jobs SET acknowledged = 1 WHERE id = $1 AND user_id = $2", "ii", id, user_id);
}

bool store_job_delete(store *s, int64_t user_id, int64_t id, tusk_err *err)
{
	return store_exec(s, err,
			  "DELETE FROM jobs WHERE id = $1 AND user_id = $2 AND state NOT IN ('queued', 'running')",
			  "ii", id, user_id);
}
