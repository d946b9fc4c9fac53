/* PostgreSQL backend of the store's SQL interface, for several Tusk
 * replicas sharing one metadata store. One libpq connection (the store
 * serializes its use, like SQLite's); parameters go with their types
 * (bigint, text, bytea in binary) and results come back as text. A
 * connection found broken is re-established and its locks taken again; a
 * statement that met the break outside a transaction is tried once more. */
#include <ctype.h>
#include <errno.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/db_backend.h"
#include "util/log.h"
#include "util/str.h"
#include "util/thread.h"
#include "util/time.h"

/* pg_type OIDs (catalog/pg_type_d.h is in the server headers only) */
enum { BOOL_OID = 16, BYTEA_OID = 17, INT8_OID = 20, TEXT_OID = 25 };

struct held_lock {
	char *name;
	struct held_lock *next;
};

/* A second connection that LISTENs for other replicas' db_announce, so
 * caches of login sessions learn at once of a logout elsewhere. A caller
 * of changes_seen waits for a round trip on it that began after the call:
 * PostgreSQL sends the notifications a transaction committed before then
 * ahead of that round trip's answer. Callers arriving together share one
 * round trip. */
struct listener {
	pthread_t thread;
	bool running;
	pthread_mutex_t lock;
	pthread_cond_t wake, done_cv;
	char *conninfo;
	PGconn *conn; /* the thread's own */
	uint64_t gen; /* moves with each notification and each reconnect */
	uint64_t started, done;
	int waiters;
	bool up, stop;
};

typedef struct {
	struct db base;
	PGconn *conn;
	struct held_lock *locks; /* taken again after a reconnect */
	struct listener ls;
} pgdb;

#define ANNOUNCE_CHANNEL "tusk_auth"

typedef struct {
	struct db_stmt base;
	pgdb *d;
	char *sql;
	int nparams;
	char **vals;
	int *lens, *fmts;
	Oid *types;
	bool bind_failed, executed;
	PGresult *res;
	int row, nrows, nfields;
	int64_t changes;
	unsigned char **blobs; /* bytea of the current row, decoded on demand */
	size_t *blob_lens;
} pg_stmt;

static const struct db_ops ops;

/* The primary message of a failed result, or the connection's. */
static void set_err(pgdb *d, const PGresult *r, tusk_err *err, const char *what)
{
	db_count_error();
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (!msg)
		msg = PQerrorMessage(d->conn);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	bool unique = state && strcmp(state, "23505") == 0;
	err_set(err, unique ? ERR_STORE_UNIQUE : ERR_STORE_ERROR, "metadata store: %s: %.*s", what, (int)n,
		n ? msg : "the connection to PostgreSQL failed");
}

static bool result_ok(const PGresult *r)
{
	ExecStatusType st = PQresultStatus(r);
	return r && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK);
}

/* libpq prints notices on stderr by default ("already exists, skipping") */
static void on_notice(void *arg, const PGresult *r)
{
	(void)arg;
	if (log_enabled(LOG_DEBUG))
		log_msg(LOG_DEBUG, "metadata store notice", "detail", PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY),
			NULL);
}

/* Settings of the store's session: a replica that vanished without closing
 * its connection (its node died) lets its locks go within about two
 * minutes rather than the kernel's two hours. */
static void session_setup(pgdb *d)
{
	PQsetNoticeReceiver(d->conn, on_notice, NULL);
	PGresult *r = PQexec(d->conn, "SET tcp_keepalives_idle = 60; SET tcp_keepalives_interval = 10; "
				      "SET tcp_keepalives_count = 6");
	if (!result_ok(r))
		log_msg(LOG_WARN, "metadata store: keepalive settings refused", "detail", PQerrorMessage(d->conn),
			NULL);
	PQclear(r);
}

static PGresult *lock_statement(pgdb *d, const char *fn, const char *name)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT %s(%d, hashtext($1))", fn, DB_LOCK_CLASS);
	const char *vals[] = {name};
	return PQexecParams(d->conn, sql, 1, NULL, vals, NULL, NULL, 0);
}

static bool reconnect(pgdb *d)
{
	PQreset(d->conn);
	if (PQstatus(d->conn) != CONNECTION_OK) {
		log_msg(LOG_WARN, "metadata store: cannot reconnect to PostgreSQL", "detail", PQerrorMessage(d->conn),
			NULL);
		return false;
	}
	session_setup(d);
	for (struct held_lock *l = d->locks; l; l = l->next) {
		PGresult *r = lock_statement(d, "pg_advisory_lock", l->name);
		if (!result_ok(r))
			log_msg(LOG_WARN, "metadata store: a lock was not taken again", "lock", l->name, "detail",
				PQerrorMessage(d->conn), NULL);
		PQclear(r);
	}
	log_msg(LOG_INFO, "metadata store: reconnected to PostgreSQL", NULL);
	return true;
}

/* Runs sql (with n parameters; n < 0: several statements, none) and
 * recovers a broken connection. */
static PGresult *run(pgdb *d, const char *sql, int n, const Oid *types, const char *const *vals, const int *lens,
		     const int *fmts)
{
	if (PQstatus(d->conn) == CONNECTION_BAD && !reconnect(d))
		return NULL;
	for (int attempt = 0;; attempt++) {
		bool idle = PQtransactionStatus(d->conn) == PQTRANS_IDLE;
		PGresult *r = n < 0 ? PQexec(d->conn, sql) : PQexecParams(d->conn, sql, n, types, vals, lens, fmts, 0);
		if (PQstatus(d->conn) != CONNECTION_BAD)
			return r;
		/* inside a transaction its work is lost: the caller sees the error */
		if (!reconnect(d) || !idle || attempt > 0)
			return r;
		PQclear(r);
	}
}

/* keywords before dbname are defaults the address may override; after it, they win.
 * Keepalives and a TCP user timeout notice an unreachable server in about a minute,
 * not the kernel's hours, so requests waiting on the store get an error. */
static PGconn *store_connect(const char *conninfo)
{
	const char *keys[] = {"application_name",
			      "connect_timeout",
			      "keepalives_idle",
			      "keepalives_interval",
			      "keepalives_count",
			      "tcp_user_timeout",
			      "dbname",
			      "client_encoding",
			      NULL};
	const char *vals[] = {"tusk", "10", "30", "10", "3", "60000", conninfo, "UTF8", NULL};
	return PQconnectdbParams(keys, vals, 1);
}

static void listener_connect(struct listener *l)
{
	PGconn *c = store_connect(l->conninfo);
	PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, "LISTEN " ANNOUNCE_CHANNEL) : NULL;
	if (!result_ok(r)) {
		PQclear(r);
		PQfinish(c);
		return;
	}
	PQclear(r);
	PQsetNoticeReceiver(c, on_notice, NULL);
	pthread_mutex_lock(&l->lock);
	l->conn = c;
	l->up = true;
	l->gen++; /* what happened while it was down is unknown */
	pthread_mutex_unlock(&l->lock);
}

static void *listener_main(void *arg)
{
	struct listener *l = arg;
	pthread_mutex_lock(&l->lock);
	while (!l->stop) {
		if (!l->up) {
			pthread_mutex_unlock(&l->lock);
			listener_connect(l);
			pthread_mutex_lock(&l->lock);
			if (!l->up) {
				pthread_cond_broadcast(&l->done_cv);
				struct timespec t = time_after_ms(CLOCK_REALTIME, 1000);
				pthread_cond_timedwait(&l->wake, &l->lock, &t);
				continue;
			}
		}
		if (!l->waiters) {
			/* idle: a round trip a second still reads notifications and notices a break */
			struct timespec t = time_after_ms(CLOCK_REALTIME, 1000);
			pthread_cond_timedwait(&l->wake, &l->lock, &t);
			if (l->stop)
				break;
		}
		uint64_t seq = ++l->started;
		PGconn *c = l->conn;
		pthread_mutex_unlock(&l->lock);
		PGresult *r = PQexec(c, "SELECT 1");
		bool ok = result_ok(r);
		PQclear(r);
		int seen = 0;
		for (PGnotify *n; (n = PQnotifies(c)); PQfreemem(n))
			seen++;
		pthread_mutex_lock(&l->lock);
		if (seen)
			l->gen++;
		if (ok) {
			l->done = seq;
		} else {
			log_msg(LOG_WARN, "metadata store: the listening connection broke; reconnecting", NULL);
			l->up = false;
			l->conn = NULL;
			PQfinish(c);
		}
		pthread_cond_broadcast(&l->done_cv);
	}
	pthread_mutex_unlock(&l->lock);
	return NULL;
}

static bool pg_changes_seen(db *dd, uint64_t *gen)
{
	struct listener *l = &((pgdb *)dd)->ls;
	pthread_mutex_lock(&l->lock);
	uint64_t want = l->started + 1;
	bool ok = l->up;
	if (ok) {
		l->waiters++;
		pthread_cond_signal(&l->wake);
		struct timespec t = time_after_ms(CLOCK_REALTIME, 2000);
		while (l->up && l->done < want && !l->stop)
			if (pthread_cond_timedwait(&l->done_cv, &l->lock, &t) == ETIMEDOUT)
				break;
		l->waiters--;
		ok = l->up && l->done >= want;
	}
	*gen = l->gen;
	pthread_mutex_unlock(&l->lock);
	return ok;
}

/* Caller holds the store's lock (the main connection is in use). */
static void pg_announce(db *dd)
{
	pgdb *d = (pgdb *)dd;
	PGresult *r = run(d, "NOTIFY " ANNOUNCE_CHANNEL, -1, NULL, NULL, NULL, NULL);
	if (!result_ok(r))
		log_msg(LOG_WARN, "metadata store: NOTIFY failed", "detail", PQerrorMessage(d->conn), NULL);
	PQclear(r);
}

db *db_pg_open(const char *conninfo, bool listen, tusk_err *err)
{
	/* libpq's parse errors may quote the string, password included */
	char *why = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &why);
	PQfreemem(why);
	if (!opts) {
		err_set(err, ERR_STORE_ERROR,
			"the metadata store's address is not a valid postgresql:// URI or key=value connection string");
		return NULL;
	}
	PQconninfoFree(opts);
	PGconn *conn = store_connect(conninfo);
	if (PQstatus(conn) != CONNECTION_OK) {
		const char *msg = PQerrorMessage(conn);
		size_t n = strlen(msg);
		while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			n--;
		db_count_error();
		err_set(err, ERR_STORE_ERROR, "cannot connect to the PostgreSQL metadata store: %.*s", (int)n, msg);
		PQfinish(conn);
		return NULL;
	}
	pgdb *d = xcalloc(1, sizeof(*d));
	d->base.ops = &ops;
	d->conn = conn;
	session_setup(d);
	struct listener *l = &d->ls;
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->wake, NULL);
	pthread_cond_init(&l->done_cv, NULL);
	l->conninfo = xstrdup(conninfo);
	if (listen) {
		listener_connect(l);
		l->running = pthread_create(&l->thread, NULL, listener_main, l) == 0;
	}
	return &d->base;
}

static void pg_close(db *dd)
{
	pgdb *d = (pgdb *)dd;
	struct listener *ls = &d->ls;
	if (ls->running)
		thread_stop(ls->thread, &ls->lock, &ls->wake, &ls->stop);
	PQfinish(ls->conn);
	if (ls->conninfo) {
		memset(ls->conninfo, 0, strlen(ls->conninfo));
		free(ls->conninfo);
	}
	pthread_mutex_destroy(&ls->lock);
	pthread_cond_destroy(&ls->wake);
	pthread_cond_destroy(&ls->done_cv);
	PQfinish(d->conn);
	while (d->locks) {
		struct held_lock *l = d->locks;
		d->locks = l->next;
		free(l->name);
		free(l);
	}
	free(d);
}

static void pg_describe(db *dd, char *out, size_t n)
{
	pgdb *d = (pgdb *)dd;
	const char *host = PQhost(d->conn);
	snprintf(out, n, "postgresql://%s@%s%s:%s/%s", PQuser(d->conn),
		 host && host[0] == '/' ? ""
		 : host			? host
					: "",
		 host && host[0] == '/' ? "(socket)" : "", PQport(d->conn), PQdb(d->conn));
}

static bool pg_exec(db *dd, const char *sql, tusk_err *err)
{
	pgdb *d = (pgdb *)dd;
	PGresult *r = run(d, sql, -1, NULL, NULL, NULL, NULL);
	bool ok = result_ok(r);
	if (!ok)
		set_err(d, r, err, "exec");
	PQclear(r);
	return ok;
}

static bool pg_begin(db *d, tusk_err *err)
{
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT pg_advisory_xact_lock(%d, hashtext('write'))", DB_LOCK_CLASS);
	if (!pg_exec(d, "BEGIN", err))
		return false;
	if (pg_exec(d, sql, err))
		return true;
	tusk_err ignored;
	if (!pg_exec(d, "ROLLBACK", &ignored))
		log_msg(LOG_WARN, "metadata store: rollback failed", "detail", ignored.msg, NULL);
	return false;
}

static bool pg_lock(db *dd, const char *name, tusk_err *err)
{
	pgdb *d = (pgdb *)dd;
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT pg_advisory_lock(%d, hashtext($1))", DB_LOCK_CLASS);
	const char *vals[] = {name};
	PGresult *r = run(d, sql, 1, NULL, vals, NULL, NULL);
	bool ok = result_ok(r);
	if (ok) {
		struct held_lock *l = xcalloc(1, sizeof(*l));
		l->name = xstrdup(name);
		l->next = d->locks;
		d->locks = l;
	} else {
		set_err(d, r, err, "lock");
	}
	PQclear(r);
	return ok;
}

static void pg_unlock(db *dd, const char *name)
{
	pgdb *d = (pgdb *)dd;
	for (struct held_lock **p = &d->locks; *p; p = &(*p)->next) {
		if (strcmp((*p)->name, name) != 0)
			continue;
		struct held_lock *l = *p;
		*p = l->next;
		free(l->name);
		free(l);
		break;
	}
	/* after a lost connection the lock went with it */
	if (PQstatus(d->conn) == CONNECTION_OK)
		PQclear(lock_statement(d, "pg_advisory_unlock", name));
}

/* Marks the $n that sql uses (outside quoted literals and identifiers) in
 * used[1..max]; returns the highest n. used may be NULL. */
static int scan_params(const char *sql, bool *used)
{
	int max = 0;
	char quote = 0;
	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '$' && isdigit((unsigned char)p[1])) {
			int n = atoi(p + 1);
			if (n > max)
				max = n;
			if (used)
				used[n] = true;
		}
	}
	return max;
}

static db_stmt *pg_prepare(db *d, const char *sql, tusk_err *err)
{
	(void)err; /* the server sees the statement when it first steps */
	pg_stmt *s = xcalloc(1, sizeof(*s));
	s->base.ops = &ops;
	s->d = (pgdb *)d;
	s->sql = xstrdup(sql);
	s->nparams = scan_params(sql, NULL);
	size_t n = s->nparams ? (size_t)s->nparams : 1;
	bool *used = xcalloc(n + 1, sizeof(*used));
	scan_params(sql, used);
	s->vals = xcalloc(n, sizeof(*s->vals));
	s->lens = xcalloc(n, sizeof(*s->lens));
	s->fmts = xcalloc(n, sizeof(*s->fmts));
	s->types = xcalloc(n, sizeof(*s->types));
	/* a parameter the statement skips still needs a type (SQLite does not mind) */
	for (int i = 0; i < s->nparams; i++)
		s->types[i] = used[i + 1] ? 0 : TEXT_OID;
	free(used);
	s->row = -1;
	return &s->base;
}

/* Slot of parameter i (1-based), emptied; NULL when there is no such parameter. */
static char **param(pg_stmt *s, int i)
{
	if (i < 1 || i > s->nparams) {
		s->bind_failed = true;
		return NULL;
	}
	free(s->vals[i - 1]);
	s->vals[i - 1] = NULL;
	s->lens[i - 1] = 0;
	s->fmts[i - 1] = 0;
	return &s->vals[i - 1];
}

static void pg_bind_text(db_stmt *ss, int i, const char *v)
{
	pg_stmt *s = (pg_stmt *)ss;
	char **p = param(s, i);
	if (!p)
		return;
	*p = v ? xstrdup(v) : NULL;
	s->types[i - 1] = TEXT_OID;
}

static void pg_bind_null(db_stmt *ss, int i)
{
	pg_stmt *s = (pg_stmt *)ss;
	if (param(s, i))
		s->types[i - 1] = 0; /* the server infers it from where it goes */
}

static void pg_bind_int(db_stmt *ss, int i, int64_t v)
{
	pg_stmt *s = (pg_stmt *)ss;
	char **p = param(s, i);
	if (!p)
		return;
	char buf[24];
	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	*p = xstrdup(buf);
	s->types[i - 1] = INT8_OID;
}

static void pg_bind_blob(db_stmt *ss, int i, const void *v, size_t n)
{
	pg_stmt *s = (pg_stmt *)ss;
	char **p = param(s, i);
	if (!p)
		return;
	*p = xmalloc(n ? n : 1);
	if (n)
		memcpy(*p, v, n);
	s->lens[i - 1] = (int)n;
	s->fmts[i - 1] = 1;
	s->types[i - 1] = BYTEA_OID;
}

static void clear_blobs(pg_stmt *s)
{
	for (int i = 0; s->blobs && i < s->nfields; i++) {
		PQfreemem(s->blobs[i]);
		s->blobs[i] = NULL;
	}
}

static enum db_step pg_step(db_stmt *ss, tusk_err *err)
{
	pg_stmt *s = (pg_stmt *)ss;
	if (s->bind_failed) {
		err_set(err, ERR_STORE_ERROR, "metadata store: a statement parameter does not exist");
		return DB_ERROR;
	}
	if (!s->executed) {
		s->executed = true;
		s->res = run(s->d, s->sql, s->nparams, s->types, (const char *const *)s->vals, s->lens, s->fmts);
		if (!result_ok(s->res)) {
			set_err(s->d, s->res, err, "step");
			PQclear(s->res);
			s->res = NULL;
			return DB_ERROR;
		}
		s->nrows = PQntuples(s->res);
		s->nfields = PQnfields(s->res);
		if (s->nfields) {
			s->blobs = xcalloc((size_t)s->nfields, sizeof(*s->blobs));
			s->blob_lens = xcalloc((size_t)s->nfields, sizeof(*s->blob_lens));
		}
	}
	if (!s->res) {
		err_set(err, ERR_STORE_ERROR, "metadata store: the statement failed already");
		return DB_ERROR;
	}
	clear_blobs(s);
	if (s->row < s->nrows)
		s->row++;
	if (s->row < s->nrows)
		return DB_ROW;
	const char *n = PQcmdTuples(s->res);
	s->changes = n && *n ? atoll(n) : 0;
	return DB_DONE;
}

static bool on_row(pg_stmt *s, int i)
{
	return s->res && s->row >= 0 && s->row < s->nrows && i >= 0 && i < s->nfields;
}

static bool pg_col_null(db_stmt *ss, int i)
{
	pg_stmt *s = (pg_stmt *)ss;
	return !on_row(s, i) || PQgetisnull(s->res, s->row, i);
}

static const char *pg_col_text(db_stmt *ss, int i)
{
	pg_stmt *s = (pg_stmt *)ss;
	return pg_col_null(ss, i) ? NULL : PQgetvalue(s->res, s->row, i);
}

static int64_t pg_col_int(db_stmt *ss, int i)
{
	pg_stmt *s = (pg_stmt *)ss;
	const char *v = pg_col_text(ss, i);
	if (!v)
		return 0;
	if (PQftype(s->res, i) == BOOL_OID)
		return v[0] == 't';
	return strtoll(v, NULL, 10);
}

static const void *pg_col_blob(db_stmt *ss, int i, size_t *n)
{
	pg_stmt *s = (pg_stmt *)ss;
	*n = 0;
	const char *v = pg_col_text(ss, i);
	if (!v)
		return NULL;
	if (PQftype(s->res, i) != BYTEA_OID) {
		*n = (size_t)PQgetlength(s->res, s->row, i);
		return v;
	}
	if (!s->blobs[i]) {
		s->blobs[i] = PQunescapeBytea((const unsigned char *)v, &s->blob_lens[i]);
		if (!s->blobs[i])
			abort(); /* out of memory, like xmalloc */
	}
	*n = s->blob_lens[i];
	return s->blobs[i];
}

static int64_t pg_changes(db_stmt *s)
{
	return ((pg_stmt *)s)->changes;
}

static void pg_finalize(db_stmt *ss)
{
	pg_stmt *s = (pg_stmt *)ss;
	clear_blobs(s);
	free(s->blobs);
	free(s->blob_lens);
	PQclear(s->res);
	for (int i = 0; i < s->nparams; i++)
		free(s->vals[i]);
	FREE_ALL(s->vals, s->lens, s->fmts, s->types, s->sql, s);
}

static const struct db_ops ops = DB_OPS(DB_POSTGRES, pg);
