/* Query sessions: each query-tool tab owns one PostgreSQL connection and one
 * worker thread. Executing returns at once; the worker streams rows in
 * single-row mode into a spool per result set; HTTP threads read status and
 * windows of rows, and wait for changes (SSE). Sessions belong to one login
 * session and end when closed, when idle too long, or at shutdown. */
#ifndef TUSK_PG_QSESSION_H
#define TUSK_PG_QSESSION_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "pg/pool.h"
#include "util/err.h"
#include "util/json.h"

/* Where a tab's session stands, as its status says. */
enum qsession_state {
	QSESSION_IDLE,
	QSESSION_RUNNING,
	QSESSION_DONE,
	QSESSION_ERROR,
	QSESSION_CANCELLED,
	QSESSION_CLOSED
};
const char *qsession_state_name(enum qsession_state state);

typedef struct qmanager qmanager;
typedef struct qsession qsession;

/* "<manager tag>.<random>": the tag names the process that opened it */
#define QSESSION_ID_CHARS 56

/* What a finished script leaves for history and audit. */
typedef struct {
	int64_t user_id, server_id;
	const char *database, *sql;
	const char *status; /* done, error, cancelled */
	const char *error;  /* message, or NULL */
	int64_t started_at; /* unix seconds */
	int64_t duration_ms, row_count;
} qsession_record;
typedef void (*qsession_done_fn)(void *ctx, const qsession_record *rec);

/* done (may be NULL) runs on the worker thread after every script. */
qmanager *qmanager_new(const char *spool_dir, int idle_seconds, size_t mem_per_result, qsession_done_fn done,
		       void *done_ctx);
/* Cancels running queries, ends every session and waits (bounded) for the workers. */
void qmanager_shutdown(qmanager *m, int timeout_ms);
/* True once shutdown began: sessions end because this process stops. */
bool qmanager_stopping(qmanager *m);
void qmanager_free(qmanager *m);
int qmanager_count(qmanager *m);
/* Open sessions of one user (closing ones not counted). */
int qmanager_count_user(qmanager *m, int64_t user_id);
/* Called when a session leaves the manager, its connection about to close
 * (the pool counts them); before qmanager_shutdown returns for every session. */
void qmanager_on_conn_closed(qmanager *m, void (*fn)(void *ctx, int64_t user_id, int64_t server_id), void *ctx);
/* True when id was issued by this manager (this process), open or not: a
 * session it does not hold but another Tusk process issued lives there. */
bool qmanager_issued(qmanager *m, const char *id);

/* Closes the sessions of user_id on server_id (0: on every server), of the
 * login session owner only when given: a running query is cancelled and
 * event streams end. Returns how many. */
int qmanager_close_for(qmanager *m, int64_t user_id, int64_t server_id, const char *owner);
/* Who holds the open sessions (for the access sweep); free() *out. */
typedef struct {
	int64_t user_id, server_id;
	char owner[80];
} qholder;
size_t qmanager_holders(qmanager *m, qholder **out);

/* SET ROLE role on a query tab's connection (the name quoted by libpq), after checking that the
 * login (session_user) is a member of it: err role_not_found (no such role), permission_denied
 * (not a member), or query_failed with PostgreSQL's refusal in pe. */
bool qsession_apply_role(PGconn *conn, const char *role, pg_error *pe, tusk_err *err)
    __attribute__((warn_unused_result));
/* Takes ownership of conn. role: what the tab set with qsession_apply_role (NULL: none); it is set
 * again when the session reconnects, or, when NULL, server_role (the server entry's Role, which the
 * connection was opened with; NULL or "": none). */
qsession *qsession_open(qmanager *m, PGconn *conn, int64_t user_id, const char *owner, int64_t server_id,
			const char *dbname, const char *role, const char *server_role, char id[QSESSION_ID_CHARS]);
/* A session of this owner (login session), with a reference; NULL if none. */
qsession *qsession_get(qmanager *m, const char *id, const char *owner);
void qsession_release(qsession *s);
int64_t qsession_server_id(const qsession *s);
void qsession_close(qmanager *m, qsession *s);

typedef struct {
	bool autocommit;   /* false: BEGIN before a script outside a transaction */
	bool autorollback; /* on an error inside a transaction, roll it back */
	uint64_t max_rows; /* rows a result keeps (the rest are read and dropped); 0: all */
} qexec_opts;

/* err code busy while a script runs. */
bool qsession_execute(qsession *s, const char *sql, const qexec_opts *o, uint64_t *execution_id, tusk_err *err)
    __attribute__((warn_unused_result));
/* Asks the server to cancel the running statement (off the calling thread). */
void qsession_cancel(qsession *s);

void qsession_status_json(qsession *s, json_writer *w);
/* A window of rows; values longer than cell_limit bytes (0: no limit) are cut
 * (on a UTF-8 boundary) and listed under "cut" as [row in window, column,
 * whole size in bytes]. err code not_found for a result that does not exist. */
bool qsession_rows_json(qsession *s, int result, uint64_t offset, uint64_t limit, size_t cell_limit, json_writer *w,
			tusk_err *err) __attribute__((warn_unused_result));
/* One whole value: {"value":text|null,"bytes":n}; err code not_found when there is no such cell. */
bool qsession_value_json(qsession *s, int result, uint64_t row, int col, json_writer *w, tusk_err *err)
    __attribute__((warn_unused_result));
/* Waits until the session changed after version seen (or timeout); returns the
 * new version, *closed when the session ended. */
uint64_t qsession_wait(qsession *s, uint64_t seen, int timeout_ms, bool *closed);

/* For exports: the column names (free each and the array) and the execution
 * the result belongs to; then read it in chunks. A chunk read after another
 * execute fails with err code superseded. */
bool qsession_result_columns(qsession *s, int result, uint64_t *execution_id, int *ncols, char ***names, tusk_err *err);
bool qsession_result_read(qsession *s, uint64_t execution_id, int result, uint64_t offset, uint64_t limit,
			  bool (*fn)(void *ctx, uint64_t row, int ncols, const char *const *vals, const int *lens),
			  void *ctx, uint64_t *rows_total, tusk_err *err) __attribute__((warn_unused_result));

#endif
