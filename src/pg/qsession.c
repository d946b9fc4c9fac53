#include "pg/qsession.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "pg/spool.h"
#include "util/holders.h"
#include "util/log.h"
#include "util/str.h"
#include "util/thread.h"
#include "util/time.h"

#define MAX_NOTICES 1000
#define MAX_RESULTS 256

struct column {
	char *name;
	unsigned type_oid;
	char *type;
};

struct result {
	char *command;
	int ncols;
	struct column *cols;
	spool *rows;	  /* NULL for commands without rows */
	uint64_t dropped; /* rows read past the script's row limit, not kept */
	bool complete;
};

struct message {
	char *severity; /* NOTICE, WARNING, ... or NOTIFY */
	char *text;
};

struct qerror {
	bool set;
	char sqlstate[6];
	char *message, *detail, *hint, *where;
	int position;
};

struct qsession {
	char id[QSESSION_ID_CHARS];
	char owner[80];
	int64_t user_id, server_id;
	char *dbname;
	char *role;	   /* the tab's SET ROLE, or NULL; only the worker reads it after the open */
	char *server_role; /* the server entry's Role, set when the tab chose none (a reconnect loses it) */
	qmanager *mgr;
	PGconn *conn;
	PGcancel *cancel;
	int wake_fd;

	pthread_mutex_t lock;
	pthread_cond_t changed;
	/* readers of spools hold it shared; clearing results takes it exclusively */
	pthread_rwlock_t results_rw;
	uint64_t version;
	int refs; /* atomic */
	bool closing;

	/* the next script (worker takes it) */
	char *pending;
	qexec_opts opts;
	uint64_t execution_id;

	/* what the last script produced */
	enum qsession_state state;
	struct result results[MAX_RESULTS];
	int nresults;
	struct message *notices;
	int nnotices, notices_dropped;
	struct qerror error;
	PGTransactionStatusType txn;
	struct timespec started;
	double elapsed_ms;
	time_t last_used;
	struct qsession *next;
};

struct qmanager {
	pthread_mutex_t lock;
	pthread_cond_t workers_done;
	int workers;
	char *spool_dir;
	int idle_seconds;
	size_t mem_per_result;
	qsession_done_fn done;
	void *done_ctx;
	struct qsession *sessions;
	atomic_bool stopping; /* read without the lock */
	void (*conn_closed)(void *ctx, int64_t user_id, int64_t server_id);
	void *conn_closed_ctx;
	char tag[sodium_base64_ENCODED_LEN(8, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
};

const char *qsession_state_name(enum qsession_state state)
{
	static const char *const names[] = {
	    [QSESSION_IDLE] = "idle",	[QSESSION_RUNNING] = "running",	    [QSESSION_DONE] = "done",
	    [QSESSION_ERROR] = "error", [QSESSION_CANCELLED] = "cancelled", [QSESSION_CLOSED] = "closed",
	};
	return names[state];
}

qmanager *qmanager_new(const char *spool_dir, int idle_seconds, size_t mem_per_result, qsession_done_fn done,
		       void *done_ctx)
{
	qmanager *m = xcalloc(1, sizeof(*m));
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->workers_done, NULL);
	m->spool_dir = xstrdup(spool_dir);
	m->idle_seconds = idle_seconds;
	m->mem_per_result = mem_per_result;
	m->done = done;
	m->done_ctx = done_ctx;
	/* a random tag per process, not a name: replicas share no counter */
	unsigned char raw[8];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(m->tag, sizeof(m->tag), raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return m;
}

bool qmanager_issued(qmanager *m, const char *id)
{
	size_t n = strlen(m->tag);
	return strncmp(id, m->tag, n) == 0 && id[n] == '.';
}

int qmanager_count(qmanager *m)
{
	return (int)HOLDERS_COUNT(&m->lock, &m->sessions, struct qsession);
}

int qmanager_count_user(qmanager *m, int64_t user_id)
{
	pthread_mutex_lock(&m->lock);
	int n = 0;
	for (struct qsession *s = m->sessions; s; s = s->next)
		if (s->user_id == user_id && !s->closing)
			n++;
	pthread_mutex_unlock(&m->lock);
	return n;
}

void qmanager_on_conn_closed(qmanager *m, void (*fn)(void *ctx, int64_t user_id, int64_t server_id), void *ctx)
{
	m->conn_closed = fn;
	m->conn_closed_ctx = ctx;
}

/* ---- results (session lock held) ---- */

static void clear_results(qsession *s)
{
	for (int i = 0; i < s->nresults; i++) {
		struct result *r = &s->results[i];
		for (int c = 0; c < r->ncols; c++) {
			free(r->cols[c].name);
			free(r->cols[c].type);
		}
		free(r->cols);
		free(r->command);
		spool_free(r->rows);
		memset(r, 0, sizeof(*r));
	}
	s->nresults = 0;
	for (int i = 0; i < s->nnotices; i++) {
		free(s->notices[i].severity);
		free(s->notices[i].text);
	}
	s->nnotices = s->notices_dropped = 0;
	free(s->error.message);
	free(s->error.detail);
	free(s->error.hint);
	free(s->error.where);
	memset(&s->error, 0, sizeof(s->error));
}

static void bump(qsession *s)
{
	s->version++;
	pthread_cond_broadcast(&s->changed);
}

static void add_message(qsession *s, const char *severity, const char *text)
{
	if (s->nnotices >= MAX_NOTICES) {
		s->notices_dropped++;
		return;
	}
	if (!s->notices)
		s->notices = xcalloc(MAX_NOTICES, sizeof(*s->notices));
	s->notices[s->nnotices].severity = xstrdup(severity);
	size_t n = strlen(text);
	while (n && text[n - 1] == '\n')
		n--;
	s->notices[s->nnotices++].text = xstrndup(text, n);
	bump(s);
}

static void notice_receiver(void *arg, const PGresult *r)
{
	qsession *s = arg;
	const char *sev = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	pthread_mutex_lock(&s->lock);
	add_message(s, sev ? sev : "NOTICE", msg ? msg : PQresultErrorMessage(r));
	pthread_mutex_unlock(&s->lock);
}

/* Names of the built-in types, as format_type() spells them, so a result's
 * columns have their types while rows are still arriving; other types are
 * asked for once the connection is free (resolve_types). Built-in OIDs are
 * fixed across PostgreSQL versions. */
static const struct {
	unsigned oid;
	const char *name;
} builtin_types[] = {
    {16, "boolean"},
    {17, "bytea"},
    {18, "\"char\""},
    {19, "name"},
    {20, "bigint"},
    {21, "smallint"},
    {23, "integer"},
    {25, "text"},
    {26, "oid"},
    {114, "json"},
    {142, "xml"},
    {600, "point"},
    {650, "cidr"},
    {700, "real"},
    {701, "double precision"},
    {869, "inet"},
    {1000, "boolean[]"},
    {1001, "bytea[]"},
    {1005, "smallint[]"},
    {1007, "integer[]"},
    {1009, "text[]"},
    {1015, "character varying[]"},
    {1016, "bigint[]"},
    {1021, "real[]"},
    {1022, "double precision[]"},
    {1042, "character"},
    {1043, "character varying"},
    {1082, "date"},
    {1083, "time without time zone"},
    {1114, "timestamp without time zone"},
    {1184, "timestamp with time zone"},
    {1186, "interval"},
    {1231, "numeric[]"},
    {1266, "time with time zone"},
    {1700, "numeric"},
    {2950, "uuid"},
    {3802, "jsonb"},
    {3807, "jsonb[]"},
    {2951, "uuid[]"},
};

static const char *builtin_type_name(unsigned oid)
{
	for (size_t i = 0; i < sizeof builtin_types / sizeof builtin_types[0]; i++)
		if (builtin_types[i].oid == oid)
			return builtin_types[i].name;
	return NULL;
}

/* Column names and type names of a result that has rows. */
static struct result *new_result(qsession *s, const PGresult *r, bool with_rows)
{
	if (s->nresults >= MAX_RESULTS)
		return NULL;
	struct result *res = &s->results[s->nresults++];
	res->ncols = PQnfields(r);
	res->cols = xcalloc((size_t)res->ncols + 1, sizeof(*res->cols));
	for (int c = 0; c < res->ncols; c++) {
		res->cols[c].name = xstrdup(PQfname(r, c));
		res->cols[c].type_oid = PQftype(r, c);
		const char *known = builtin_type_name(res->cols[c].type_oid);
		res->cols[c].type = known ? xstrdup(known) : NULL;
	}
	if (with_rows)
		res->rows = spool_new(s->mgr->spool_dir, res->ncols, s->mgr->mem_per_result);
	bump(s);
	return res;
}

static void set_error(qsession *s, const PGresult *r)
{
	const char *v;
	s->error.set = true;
	snprintf(s->error.sqlstate, sizeof(s->error.sqlstate), "%s",
		 (v = PQresultErrorField(r, PG_DIAG_SQLSTATE)) ? v : "");
	v = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	s->error.message = xstrdup(v ? v : PQresultErrorMessage(r));
	s->error.detail = (v = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL)) ? xstrdup(v) : NULL;
	s->error.hint = (v = PQresultErrorField(r, PG_DIAG_MESSAGE_HINT)) ? xstrdup(v) : NULL;
	s->error.where = (v = PQresultErrorField(r, PG_DIAG_CONTEXT)) ? xstrdup(v) : NULL;
	v = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION);
	s->error.position = v ? atoi(v) : 0;
}

/* Type names for the result columns, asked once the connection is free. */
static void resolve_types(qsession *s)
{
	str oids = STR_INIT;
	pthread_mutex_lock(&s->lock);
	for (int i = 0; i < s->nresults; i++)
		for (int c = 0; c < s->results[i].ncols; c++)
			str_appendf(&oids, "%s%u", oids.len ? "," : "", s->results[i].cols[c].type_oid);
	pthread_mutex_unlock(&s->lock);
	if (!oids.len)
		return;
	str param = STR_INIT;
	str_appendf(&param, "{%s}", str_cstr(&oids));
	const char *params[1] = {str_cstr(&param)};
	PGresult *r = PQexecParams(s->conn,
				   "SELECT t.oid, pg_catalog.format_type(t.oid, NULL) FROM pg_catalog.pg_type t "
				   "WHERE t.oid = ANY ($1::oid[])",
				   1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK) {
		pthread_mutex_lock(&s->lock);
		for (int i = 0; i < s->nresults; i++)
			for (int c = 0; c < s->results[i].ncols; c++)
				for (int k = 0; k < PQntuples(r); k++)
					if ((unsigned)strtoul(PQgetvalue(r, k, 0), NULL, 10) ==
						s->results[i].cols[c].type_oid &&
					    !s->results[i].cols[c].type)
						s->results[i].cols[c].type = xstrdup(PQgetvalue(r, k, 1));
		bump(s);
		pthread_mutex_unlock(&s->lock);
	}
	PQclear(r);
	str_free(&param);
	str_free(&oids);
}

static const char ROLE_CHECK_SQL[] =
    "SELECT r.oid IS NOT NULL, r.oid IS NOT NULL AND pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER'), "
    "session_user FROM (SELECT 1) one LEFT JOIN pg_catalog.pg_roles r ON r.rolname = $1";

/* Runs the statement; PostgreSQL's refusal goes to pe and err (query_failed). */
static bool role_exec(PGconn *conn, const char *sql, pg_error *pe, tusk_err *err)
{
	PGresult *r = PQexec(conn, sql);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok) {
		pg_error_fill(pe, r, conn);
		err_set(err, ERR_QUERY_FAILED, "%s", pe->message);
	}
	PQclear(r);
	return ok;
}

bool qsession_apply_role(PGconn *conn, const char *role, pg_error *pe, tusk_err *err)
{
	memset(pe, 0, sizeof(*pe));
	const char *params[1] = {role};
	PGresult *r = PQexecParams(conn, ROLE_CHECK_SQL, 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		pg_error_fill(pe, r, conn);
		err_set(err, ERR_QUERY_FAILED, "%s", pe->message);
		PQclear(r);
		return false;
	}
	bool exists = strcmp(PQgetvalue(r, 0, 0), "t") == 0, member = strcmp(PQgetvalue(r, 0, 1), "t") == 0;
	if (!exists)
		err_set(err, ERR_ROLE_NOT_FOUND, "There is no role \"%s\" on this server.", role);
	else if (!member)
		err_set(err, ERR_PERMISSION_DENIED,
			"The login role \"%s\" is not a member of role \"%s\", so this tab cannot SET ROLE to it.",
			PQgetvalue(r, 0, 2), role);
	PQclear(r);
	if (!exists || !member)
		return false;
	char *ident = PQescapeIdentifier(conn, role, strlen(role));
	if (!ident) {
		err_set(err, ERR_INVALID_ROLE, "The role name is not valid text for this connection.");
		return false;
	}
	str q = STR_INIT;
	str_appendf(&q, "SET ROLE %s", ident);
	PQfreemem(ident);
	bool ok = role_exec(conn, str_cstr(&q), pe, err);
	str_free(&q);
	return ok;
}

static bool simple(qsession *s, const char *sql)
{
	PGresult *r = PQexec(s->conn, sql);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	return ok;
}

static void collect_notifications(qsession *s)
{
	PGnotify *n;
	while ((n = PQnotifies(s->conn)) != NULL) {
		char text[1200];
		snprintf(text, sizeof(text), "channel %s from pid %d: %s", n->relname, n->be_pid, n->extra);
		pthread_mutex_lock(&s->lock);
		add_message(s, "NOTIFY", text);
		pthread_mutex_unlock(&s->lock);
		PQfreemem(n);
	}
}

/* Spools the row r holds (s->lock held), or counts it dropped past the script's row limit. */
static void keep_row(qsession *s, struct result *cur, const PGresult *r, uint64_t max_rows)
{
	if (max_rows && spool_rows(cur->rows) >= max_rows) {
		cur->dropped++;
		return;
	}
	const char *vals[cur->ncols + 1];
	int lens[cur->ncols + 1];
	for (int c = 0; c < cur->ncols; c++) {
		vals[c] = PQgetisnull(r, 0, c) ? NULL : PQgetvalue(r, 0, c);
		lens[c] = PQgetlength(r, 0, c);
	}
	pthread_mutex_unlock(&s->lock);
	tusk_err err;
	bool ok = spool_append(cur->rows, vals, lens, &err);
	pthread_mutex_lock(&s->lock);
	if (!ok && !s->error.set) {
		s->error.set = true;
		s->error.message = xstrdup(err.msg);
		qsession_cancel(s);
	}
	/* progress: wake watchers now and then, not per row */
	if ((spool_rows(cur->rows) & 4095) == 1)
		bump(s);
}

/* Says which results kept only the first rows (the row limit): the rest were read and dropped. */
static void note_dropped(qsession *s)
{
	pthread_mutex_lock(&s->lock);
	for (int i = 0; i < s->nresults; i++) {
		struct result *res = &s->results[i];
		if (!res->dropped)
			continue;
		char text[300];
		uint64_t kept = spool_rows(res->rows);
		snprintf(text, sizeof(text),
			 "Result %d: the first %" PRIu64 " of %" PRIu64
			 " rows are kept (the row limit of your preferences); the others were read and dropped.",
			 i + 1, kept, kept + res->dropped);
		add_message(s, "NOTICE", text);
	}
	pthread_mutex_unlock(&s->lock);
}

/* A reconnected session is the login again: the tab's role (else the server
 * entry's) is set once more. */
static void reapply_role(qsession *s)
{
	const char *role = s->role ? s->role : s->server_role;
	if (!role || PQstatus(s->conn) != CONNECTION_OK)
		return;
	pg_error pe;
	tusk_err err;
	bool ok = qsession_apply_role(s->conn, role, &pe, &err);
	char text[1200];
	if (ok)
		snprintf(text, sizeof(text), "The role \"%s\" was set again after reconnecting.", role);
	else
		snprintf(text, sizeof(text), "Setting the role \"%s\" again failed: %s", role, err.msg);
	pthread_mutex_lock(&s->lock);
	add_message(s, ok ? "NOTICE" : "WARNING", text);
	pthread_mutex_unlock(&s->lock);
}

/* Runs one script to the end; every result set goes to its own spool. */
/* Over 80 lines: a script's statements sent one by one, their results spooled, notices and
 * cancellation handled in one loop, so the session's state changes in one place. */
static void run_script(qsession *s, char *sql, qexec_opts opts)
{
	if (PQstatus(s->conn) != CONNECTION_OK) {
		PQreset(s->conn);
		PQfreeCancel(s->cancel);
		s->cancel = PQgetCancel(s->conn);
		reapply_role(s);
		pthread_mutex_lock(&s->lock);
		add_message(s, "NOTICE",
			    PQstatus(s->conn) == CONNECTION_OK ? "The connection was lost; Tusk reconnected."
							       : "The connection is lost and reconnecting failed.");
		pthread_mutex_unlock(&s->lock);
	}
	if (!opts.autocommit && PQtransactionStatus(s->conn) == PQTRANS_IDLE)
		simple(s, "BEGIN");
	bool sent = PQsendQuery(s->conn, sql) && PQsetSingleRowMode(s->conn);
	if (!sent) {
		pthread_mutex_lock(&s->lock);
		s->error.set = true;
		s->error.message = xstrdup(PQerrorMessage(s->conn));
		pthread_mutex_unlock(&s->lock);
	}
	struct result *cur = NULL;
	PGresult *r;
	bool failed = !sent;
	while (sent && (r = PQgetResult(s->conn)) != NULL) {
		ExecStatusType st = PQresultStatus(r);
		pthread_mutex_lock(&s->lock);
		if (st == PGRES_SINGLE_TUPLE) {
			if (!cur)
				cur = new_result(s, r, true);
			if (cur)
				keep_row(s, cur, r, opts.max_rows);
		} else if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
			if (!cur)
				cur = new_result(s, r, st == PGRES_TUPLES_OK);
			if (cur) {
				cur->command = xstrdup(PQcmdStatus(r));
				cur->complete = true;
				bump(s);
			}
			cur = NULL;
		} else if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT) {
			add_message(s, "WARNING",
				    "COPY FROM STDIN / TO STDOUT is not run by the query tool; use Import/Export.");
			pthread_mutex_unlock(&s->lock);
			if (st == PGRES_COPY_IN)
				PQputCopyEnd(s->conn, "COPY is not supported in the query tool");
			else {
				char *buf;
				while (PQgetCopyData(s->conn, &buf, 0) > 0)
					PQfreemem(buf);
			}
			pthread_mutex_lock(&s->lock);
		} else if (st != PGRES_EMPTY_QUERY) {
			/* an error: rows delivered before it make the result partial (complete stays false) */
			failed = true;
			if (!s->error.set)
				set_error(s, r);
			cur = NULL;
			bump(s);
		}
		pthread_mutex_unlock(&s->lock);
		PQclear(r);
	}
	bool cancelled = failed && strcmp(s->error.sqlstate, "57014") == 0;
	if (failed && opts.autorollback && PQtransactionStatus(s->conn) == PQTRANS_INERROR && simple(s, "ROLLBACK")) {
		pthread_mutex_lock(&s->lock);
		add_message(s, "NOTICE", "The transaction was rolled back after the error (auto-rollback).");
		pthread_mutex_unlock(&s->lock);
	}
	collect_notifications(s);
	note_dropped(s);
	resolve_types(s);
	/* history first, then the final state: whoever sees "done" finds the history entry */
	enum qsession_state final = cancelled ? QSESSION_CANCELLED : failed ? QSESSION_ERROR : QSESSION_DONE;
	pthread_mutex_lock(&s->lock);
	double elapsed = time_ms_since(&s->started);
	int64_t rows = 0;
	for (int i = 0; i < s->nresults; i++)
		rows += s->results[i].rows ? (int64_t)spool_rows(s->results[i].rows) : 0;
	qsession_record rec = {
	    .user_id = s->user_id,
	    .server_id = s->server_id,
	    .database = s->dbname,
	    .sql = sql,
	    .status = qsession_state_name(final),
	    .error = s->error.set ? xstrdup(s->error.message) : NULL,
	    .started_at = (int64_t)time(NULL) - (int64_t)(elapsed / 1000),
	    .duration_ms = (int64_t)elapsed,
	    .row_count = rows,
	};
	pthread_mutex_unlock(&s->lock);
	if (s->mgr->done)
		s->mgr->done(s->mgr->done_ctx, &rec);
	pthread_mutex_lock(&s->lock);
	s->txn = PQtransactionStatus(s->conn);
	s->elapsed_ms = elapsed;
	s->state = final;
	s->last_used = time(NULL);
	bump(s);
	pthread_mutex_unlock(&s->lock);
	free((char *)rec.error);
	free(sql);
}

static void session_free(qsession *s)
{
	clear_results(s);
	free(s->notices);
	PQfreeCancel(s->cancel);
	PQfinish(s->conn);
	close(s->wake_fd);
	free(s->dbname);
	free(s->role);
	free(s->server_role);
	free(s->pending);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->changed);
	pthread_rwlock_destroy(&s->results_rw);
	free(s);
}

void qsession_release(qsession *s)
{
	if (__atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) == 0)
		session_free(s);
}

static void retain(qsession *s)
{
	__atomic_add_fetch(&s->refs, 1, __ATOMIC_ACQ_REL);
}

/* Removes s from the manager's list; true when it was there. Its
 * connection stops counting toward the user's caps now: it is about to
 * close, and the last reference may go after the manager (and the pool). */
static bool unlink_session(qmanager *m, qsession *s)
{
	pthread_mutex_lock(&m->lock);
	bool found = false;
	for (struct qsession **pp = &m->sessions; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			found = true;
			break;
		}
	pthread_mutex_unlock(&m->lock);
	if (found && m->conn_closed)
		m->conn_closed(m->conn_closed_ctx, s->user_id, s->server_id);
	return found;
}

static void wake(qsession *s)
{
	uint64_t one = 1;
	ssize_t w = write(s->wake_fd, &one, sizeof(one));
	(void)w;
}

static void *worker_main(void *arg)
{
	qsession *s = arg;
	qmanager *m = s->mgr;
	for (;;) {
		pthread_mutex_lock(&s->lock);
		bool closing = s->closing;
		char *sql = s->pending;
		qexec_opts opts = s->opts;
		s->pending = NULL;
		bool idle_too_long = !sql && m->idle_seconds > 0 && time(NULL) - s->last_used > m->idle_seconds;
		pthread_mutex_unlock(&s->lock);
		if (closing)
			break;
		if (idle_too_long) {
			log_msg(LOG_INFO, "query session closed after idling", "transaction_open",
				PQtransactionStatus(s->conn) == PQTRANS_IDLE ? "false" : "true (rolled back)", NULL);
			if (unlink_session(m, s))
				qsession_release(s); /* the manager's reference */
			break;
		}
		if (sql) {
			run_script(s, sql, opts);
			continue;
		}
		/* idle: wait for a command, a notification or the idle check */
		struct pollfd fds[2] = {{s->wake_fd, POLLIN, 0}, {PQsocket(s->conn), POLLIN, 0}};
		int n = poll(fds, fds[1].fd >= 0 ? 2 : 1, 2000);
		if (n > 0 && (fds[0].revents & POLLIN)) {
			uint64_t v;
			ssize_t rd = read(s->wake_fd, &v, sizeof(v));
			(void)rd;
		}
		if (n > 0 && fds[1].fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			PQconsumeInput(s->conn);
			collect_notifications(s);
			if (PQstatus(s->conn) != CONNECTION_OK) {
				pthread_mutex_lock(&s->lock);
				add_message(s, "WARNING",
					    "The connection to the server was lost; the next run reconnects.");
				pthread_mutex_unlock(&s->lock);
				/* stop polling a dead socket: wait for a command */
				struct pollfd only = {s->wake_fd, POLLIN, 0};
				if (poll(&only, 1, 2000) > 0) {
					uint64_t v;
					ssize_t rd = read(s->wake_fd, &v, sizeof(v));
					(void)rd;
				}
			}
		}
	}
	pthread_mutex_lock(&s->lock);
	s->state = QSESSION_CLOSED;
	bump(s);
	pthread_mutex_unlock(&s->lock);
	qsession_release(s); /* the worker's reference */
	pthread_mutex_lock(&m->lock);
	if (--m->workers == 0)
		pthread_cond_broadcast(&m->workers_done);
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

qsession *qsession_open(qmanager *m, PGconn *conn, int64_t user_id, const char *owner, int64_t server_id,
			const char *dbname, const char *role, const char *server_role, char id[QSESSION_ID_CHARS])
{
	qsession *s = xcalloc(1, sizeof(*s));
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	char secret[sodium_base64_ENCODED_LEN(sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	sodium_bin2base64(secret, sizeof(secret), raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	_Static_assert(sizeof(m->tag) + sizeof(secret) <= QSESSION_ID_CHARS, "QSESSION_ID_CHARS fits tag.secret");
	snprintf(s->id, sizeof(s->id), "%s.%s", m->tag, secret);
	snprintf(s->owner, sizeof(s->owner), "%s", owner);
	s->user_id = user_id;
	s->server_id = server_id;
	s->dbname = xstrdup(dbname);
	s->role = role ? xstrdup(role) : NULL;
	s->server_role = server_role && *server_role ? xstrdup(server_role) : NULL;
	s->mgr = m;
	s->conn = conn;
	s->cancel = PQgetCancel(conn);
	s->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	s->state = QSESSION_IDLE;
	s->txn = PQtransactionStatus(conn);
	s->last_used = time(NULL);
	s->refs = 3; /* manager list, worker, caller */
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->changed, NULL);
	pthread_rwlock_init(&s->results_rw, NULL);
	PQsetNoticeReceiver(conn, notice_receiver, s);
	memcpy(id, s->id, QSESSION_ID_CHARS);
	pthread_mutex_lock(&m->lock);
	s->next = m->sessions;
	m->sessions = s;
	m->workers++;
	pthread_mutex_unlock(&m->lock);
	thread_detached(worker_main, s);
	return s;
}

qsession *qsession_get(qmanager *m, const char *id, const char *owner)
{
	pthread_mutex_lock(&m->lock);
	qsession *found = NULL;
	for (qsession *s = m->sessions; s; s = s->next)
		if (strcmp(s->id, id) == 0 && strcmp(s->owner, owner) == 0) {
			retain(s);
			pthread_mutex_lock(&s->lock);
			s->last_used = time(NULL);
			pthread_mutex_unlock(&s->lock);
			found = s;
			break;
		}
	pthread_mutex_unlock(&m->lock);
	return found;
}

int64_t qsession_server_id(const qsession *s)
{
	return s->server_id;
}

void qsession_close(qmanager *m, qsession *s)
{
	if (!unlink_session(m, s))
		return;
	pthread_mutex_lock(&s->lock);
	s->closing = true;
	bool running = s->state == QSESSION_RUNNING;
	bump(s);
	pthread_mutex_unlock(&s->lock);
	if (running)
		qsession_cancel(s);
	wake(s);
	qsession_release(s); /* the manager's reference */
}

int qmanager_close_for(qmanager *m, int64_t user_id, int64_t server_id, const char *owner)
{
	int n = 0;
	for (;;) {
		pthread_mutex_lock(&m->lock);
		qsession *s = m->sessions;
		while (s && !(s->user_id == user_id && (!server_id || s->server_id == server_id) &&
			      (!owner || strcmp(s->owner, owner) == 0)))
			s = s->next;
		if (s)
			retain(s);
		pthread_mutex_unlock(&m->lock);
		if (!s)
			return n;
		qsession_close(m, s);
		qsession_release(s);
		n++;
	}
}

size_t qmanager_holders(qmanager *m, qholder **out)
{
	pthread_mutex_lock(&m->lock);
	size_t n = 0;
	for (qsession *s = m->sessions; s; s = s->next)
		n++;
	qholder *h = xcalloc(n ? n : 1, sizeof(*h));
	size_t k = 0;
	for (qsession *s = m->sessions; s; s = s->next, k++) {
		h[k].user_id = s->user_id;
		h[k].server_id = s->server_id;
		snprintf(h[k].owner, sizeof(h[k].owner), "%s", s->owner);
	}
	pthread_mutex_unlock(&m->lock);
	*out = h;
	return n;
}

bool qmanager_stopping(qmanager *m)
{
	return atomic_load(&m->stopping);
}

void qmanager_free(qmanager *m)
{
	if (!m)
		return;
	pthread_mutex_destroy(&m->lock);
	pthread_cond_destroy(&m->workers_done);
	free(m->spool_dir);
	free(m);
}

void qmanager_shutdown(qmanager *m, int timeout_ms)
{
	pthread_mutex_lock(&m->lock);
	m->stopping = true;
	pthread_mutex_unlock(&m->lock);
	for (;;) {
		pthread_mutex_lock(&m->lock);
		qsession *s = m->sessions;
		if (s)
			retain(s);
		pthread_mutex_unlock(&m->lock);
		if (!s)
			break;
		qsession_close(m, s);
		qsession_release(s);
	}
	struct timespec deadline = time_after_ms(CLOCK_REALTIME, (int64_t)timeout_ms + 1000);
	pthread_mutex_lock(&m->lock);
	thread_wait_zero(&m->workers_done, &m->lock, &m->workers, &deadline);
	pthread_mutex_unlock(&m->lock);
}

bool qsession_execute(qsession *s, const char *sql, const qexec_opts *o, uint64_t *execution_id, tusk_err *err)
{
	/* wait for window readers of the old results (each reads one window) */
	pthread_rwlock_wrlock(&s->results_rw);
	pthread_mutex_lock(&s->lock);
	if (s->pending || s->state == QSESSION_RUNNING || s->closing) {
		pthread_mutex_unlock(&s->lock);
		pthread_rwlock_unlock(&s->results_rw);
		err_set(err, ERR_BUSY, "A query is still running in this tab: wait for it or cancel it.");
		return false;
	}
	clear_results(s);
	s->pending = xstrdup(sql);
	s->opts = *o;
	s->state = QSESSION_RUNNING;
	clock_gettime(CLOCK_MONOTONIC, &s->started);
	s->elapsed_ms = 0;
	*execution_id = ++s->execution_id;
	bump(s);
	pthread_mutex_unlock(&s->lock);
	pthread_rwlock_unlock(&s->results_rw);
	wake(s);
	return true;
}

static void *cancel_main(void *arg)
{
	qsession *s = arg;
	char errbuf[256];
	/* libpq 15's PQcancel blocks on the network: never on a request thread */
	if (s->cancel && !PQcancel(s->cancel, errbuf, sizeof(errbuf)))
		log_msg(LOG_WARN, "cancel request failed", "detail", errbuf, NULL);
	qsession_release(s);
	return NULL;
}

void qsession_cancel(qsession *s)
{
	/* may be called with s->lock held: it only touches the atomic refs */
	retain(s);
	if (!thread_detached(cancel_main, s))
		qsession_release(s);
}

static const char *txn_name(PGTransactionStatusType t)
{
	switch (t) {
	case PQTRANS_IDLE:
		return "idle";
	case PQTRANS_ACTIVE:
		return "active";
	case PQTRANS_INTRANS:
		return "in_transaction";
	case PQTRANS_INERROR:
		return "in_error";
	default:
		return "unknown";
	}
}

void qsession_status_json(qsession *s, json_writer *w)
{
	pthread_mutex_lock(&s->lock);
	bool running = s->state == QSESSION_RUNNING;
	jw_obj_begin(w);
	jw_fields(w, "ssi", "state", qsession_state_name(s->state), "transaction",
		  running ? "active" : txn_name(s->txn), "execution_id", (int64_t)s->execution_id);
	jw_key(w, "elapsed_ms");
	jw_double(w, running ? time_ms_since(&s->started) : s->elapsed_ms);
	jw_kv_str(w, "database", s->dbname);
	jw_key(w, "role");
	if (s->role)
		jw_str(w, s->role);
	else
		jw_null(w);
	jw_key(w, "results");
	jw_arr_begin(w);
	for (int i = 0; i < s->nresults; i++) {
		struct result *r = &s->results[i];
		jw_obj_begin(w);
		jw_key(w, "columns");
		jw_arr_begin(w);
		for (int c = 0; c < r->ncols; c++) {
			jw_object(w, "sis", "name", r->cols[c].name, "type_oid", (int64_t)r->cols[c].type_oid, "type",
				  r->cols[c].type);
		}
		jw_arr_end(w);
		jw_fields(w, "ibsbi", "row_count", r->rows ? (int64_t)spool_rows(r->rows) : (int64_t)0, "has_rows",
			  r->rows != NULL, "command", r->command, "complete", r->complete, "rows_dropped",
			  (int64_t)r->dropped);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "notices");
	jw_arr_begin(w);
	for (int i = 0; i < s->nnotices; i++) {
		jw_object(w, "ss", "severity", s->notices[i].severity, "message", s->notices[i].text);
	}
	jw_arr_end(w);
	jw_kv_int(w, "notices_dropped", s->notices_dropped);
	jw_key(w, "error");
	if (s->error.set) {
		jw_object(w, "sssssn", "sqlstate", s->error.sqlstate, "message", s->error.message, "detail",
			  s->error.detail, "hint", s->error.hint, "where", s->error.where, "position",
			  (int64_t)s->error.position);
	} else {
		jw_null(w);
	}
	jw_obj_end(w);
	pthread_mutex_unlock(&s->lock);
}

/* The spool of result k, or NULL (err set). Session lock held. */
static spool *result_spool(qsession *s, int k, tusk_err *err)
{
	if (k < 0 || k >= s->nresults) {
		err_set(err, ERR_NOT_FOUND, "There is no result %d.", k);
		return NULL;
	}
	if (!s->results[k].rows) {
		err_set(err, ERR_NOT_FOUND, "Result %d is a command without rows.", k);
		return NULL;
	}
	return s->results[k].rows;
}

struct cut {
	uint64_t row; /* in the window */
	int col;
	int bytes; /* the whole value's */
};

struct window {
	json_writer *w;
	uint64_t offset;
	struct cut *cuts;
	size_t ncuts, cap;
};

/* The first n bytes of s, less a UTF-8 sequence they would split. */
static size_t utf8_whole(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t k = n;
	while (k > 0 && n - k < 4 && (u[k - 1] & 0xC0) == 0x80)
		k--;
	if (k == 0)
		return n;
	unsigned char lead = u[k - 1];
	size_t need = lead < 0xC0 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
	return k - 1 + need <= n ? n : k - 1;
}

static bool window_row(void *ctx, uint64_t row, int ncols, const char *const *vals, const int *lens, const int *full)
{
	struct window *win = ctx;
	jw_arr_begin(win->w);
	for (int c = 0; c < ncols; c++) {
		if (!vals[c]) {
			jw_null(win->w);
			continue;
		}
		size_t n = (size_t)lens[c];
		if (full[c] > lens[c]) {
			if (win->ncuts == win->cap) {
				win->cap = win->cap ? win->cap * 2 : 16;
				win->cuts = xrealloc(win->cuts, win->cap * sizeof(*win->cuts));
			}
			win->cuts[win->ncuts++] = (struct cut){row - win->offset, c, full[c]};
			n = utf8_whole(vals[c], n);
		}
		jw_strn(win->w, vals[c], n);
	}
	jw_arr_end(win->w);
	return true;
}

bool qsession_rows_json(qsession *s, int result, uint64_t offset, uint64_t limit, size_t cell_limit, json_writer *w,
			tusk_err *err)
{
	pthread_rwlock_rdlock(&s->results_rw);
	pthread_mutex_lock(&s->lock);
	spool *sp = result_spool(s, result, err);
	bool complete = sp && s->results[result].complete;
	pthread_mutex_unlock(&s->lock);
	if (!sp) {
		pthread_rwlock_unlock(&s->results_rw);
		return false;
	}
	jw_obj_begin(w);
	jw_kv_int(w, "offset", (int64_t)offset);
	jw_key(w, "rows");
	jw_arr_begin(w);
	struct window win = {.w = w, .offset = offset};
	bool ok = spool_read_cut(sp, offset, limit, cell_limit ? cell_limit : SIZE_MAX, window_row, &win, err);
	jw_arr_end(w);
	jw_key(w, "cut");
	jw_arr_begin(w);
	for (size_t i = 0; i < win.ncuts; i++) {
		jw_arr_begin(w);
		jw_int(w, (int64_t)win.cuts[i].row);
		jw_int(w, win.cuts[i].col);
		jw_int(w, win.cuts[i].bytes);
		jw_arr_end(w);
	}
	jw_arr_end(w);
	free(win.cuts);
	jw_kv_int(w, "row_count", (int64_t)spool_rows(sp));
	jw_kv_bool(w, "complete", complete);
	jw_obj_end(w);
	pthread_rwlock_unlock(&s->results_rw);
	return ok;
}

struct one_value {
	json_writer *w;
	int col;
	bool found;
};

static bool value_row(void *ctx, uint64_t row, int ncols, const char *const *vals, const int *lens)
{
	(void)row;
	struct one_value *v = ctx;
	if (v->col >= ncols)
		return false;
	v->found = true;
	jw_obj_begin(v->w);
	jw_key(v->w, "value");
	if (vals[v->col])
		jw_strn(v->w, vals[v->col], (size_t)lens[v->col]);
	else
		jw_null(v->w);
	jw_kv_int(v->w, "bytes", vals[v->col] ? lens[v->col] : 0);
	jw_obj_end(v->w);
	return false;
}

bool qsession_value_json(qsession *s, int result, uint64_t row, int col, json_writer *w, tusk_err *err)
{
	pthread_rwlock_rdlock(&s->results_rw);
	pthread_mutex_lock(&s->lock);
	spool *sp = result_spool(s, result, err);
	int ncols = sp ? s->results[result].ncols : 0;
	pthread_mutex_unlock(&s->lock);
	bool ok = sp != NULL;
	if (ok && (col < 0 || col >= ncols || row >= spool_rows(sp))) {
		err_set(err, ERR_NOT_FOUND, "Result %d has no row %" PRIu64 " with a column %d.", result, row, col);
		ok = false;
	}
	struct one_value v = {w, col, false};
	if (ok)
		ok = spool_read(sp, row, 1, value_row, &v, err);
	if (ok && !v.found) {
		err_set(err, ERR_NOT_FOUND, "Result %d has no row %" PRIu64 " with a column %d.", result, row, col);
		ok = false;
	}
	pthread_rwlock_unlock(&s->results_rw);
	return ok;
}

bool qsession_result_read(qsession *s, uint64_t execution_id, int result, uint64_t offset, uint64_t limit,
			  bool (*fn)(void *ctx, uint64_t row, int ncols, const char *const *vals, const int *lens),
			  void *ctx, uint64_t *rows_total, tusk_err *err)
{
	pthread_rwlock_rdlock(&s->results_rw);
	pthread_mutex_lock(&s->lock);
	spool *sp = s->execution_id == execution_id ? result_spool(s, result, err) : NULL;
	if (s->execution_id != execution_id)
		err_set(err, ERR_SUPERSEDED, "The tab ran another query; this result is gone.");
	pthread_mutex_unlock(&s->lock);
	bool ok = sp != NULL;
	if (ok && rows_total)
		*rows_total = spool_rows(sp);
	ok = ok && spool_read(sp, offset, limit, fn, ctx, err);
	pthread_rwlock_unlock(&s->results_rw);
	return ok;
}

bool qsession_result_columns(qsession *s, int result, uint64_t *execution_id, int *ncols, char ***names, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	bool ok = result_spool(s, result, err) != NULL;
	*execution_id = s->execution_id;
	if (ok) {
		struct result *r = &s->results[result];
		*ncols = r->ncols;
		*names = xcalloc((size_t)r->ncols + 1, sizeof(char *));
		for (int c = 0; c < r->ncols; c++)
			(*names)[c] = xstrdup(r->cols[c].name);
	}
	pthread_mutex_unlock(&s->lock);
	return ok;
}

uint64_t qsession_wait(qsession *s, uint64_t seen, int timeout_ms, bool *closed)
{
	struct timespec deadline = time_after_ms(CLOCK_REALTIME, timeout_ms);
	pthread_mutex_lock(&s->lock);
	while (s->version == seen && !s->closing)
		if (pthread_cond_timedwait(&s->changed, &s->lock, &deadline) == ETIMEDOUT)
			break;
	uint64_t v = s->version;
	*closed = s->closing;
	pthread_mutex_unlock(&s->lock);
	return v;
}
