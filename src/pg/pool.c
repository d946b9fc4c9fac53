#include "pg/pool.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pg/allow.h"
#include "util/log.h"
#include "util/str.h"

struct idle_conn {
	PGconn *conn;
	char *dbname;
	time_t since;
	struct idle_conn *next;
};

/* What a user's "connect" established for one server. */
struct entry {
	int64_t user_id, server_id;
	uint64_t gen; /* tells a reconnected entry from the one a borrower saw */
	char **keywords, **values; /* owned copies, NULL-terminated, with room for dbname + password */
	size_t nkw;
	char *dbname, *role;
	char *password; /* sodium_malloc'd, or NULL */
	int server_version_num;
	int open;       /* connections open (idle + borrowed) */
	struct idle_conn *idle;
	struct entry *next;
};

struct pgpool {
	pthread_mutex_t lock;
	pthread_cond_t stop_cond;
	pthread_t reaper;
	bool stopping;
	int per_user_cap, idle_seconds, statement_timeout_ms;
	pgpool_policy policy;
	char *none_path;
	bool knows[8]; /* which of FILE_KEYWORDS this libpq has */
	struct entry *entries;
	uint64_t next_gen;
};

static void close_idle_list(struct idle_conn *c)
{
	while (c) {
		struct idle_conn *next = c->next;
		PQfinish(c->conn);
		free(c->dbname);
		free(c);
		c = next;
	}
}

static void entry_free(struct entry *e)
{
	close_idle_list(e->idle);
	for (size_t i = 0; i < e->nkw; i++) {
		free(e->keywords[i]);
		free(e->values[i]);
	}
	free(e->keywords);
	free(e->values);
	free(e->dbname);
	free(e->role);
	if (e->password)
		sodium_free(e->password);
	free(e);
}

/* Closes connections idle longer than idle_seconds, every few seconds. */
static void *reaper_main(void *arg)
{
	pgpool *p = arg;
	pthread_mutex_lock(&p->lock);
	while (!p->stopping) {
		struct timespec wake;
		clock_gettime(CLOCK_REALTIME, &wake);
		wake.tv_sec += 5;
		pthread_cond_timedwait(&p->stop_cond, &p->lock, &wake);
		time_t now = time(NULL);
		for (struct entry *e = p->entries; e; e = e->next) {
			struct idle_conn **pp = &e->idle;
			while (*pp) {
				struct idle_conn *c = *pp;
				if (now - c->since < p->idle_seconds) {
					pp = &c->next;
					continue;
				}
				*pp = c->next;
				c->next = NULL;
				close_idle_list(c);
				e->open--;
			}
		}
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* libpq parameters that name a file: unless a user gives one, libpq looks in
 * the Tusk process's home (~/.pgpass, ~/.postgresql/...), so in server mode
 * each is pinned to a path that does not exist. */
static const char *const FILE_KEYWORDS[] = {"passfile", "sslcert", "sslkey", "sslrootcert", "sslcrl", "sslcrldir", NULL};

pgpool *pgpool_new(int per_user_cap, int idle_seconds, int statement_timeout_ms, const pgpool_policy *policy)
{
	pgpool *p = xcalloc(1, sizeof(*p));
	if (policy) {
		p->policy = *policy;
		p->none_path = policy->none_path ? xstrdup(policy->none_path) : NULL;
		p->policy.none_path = p->none_path;
	}
	PQconninfoOption *defaults = PQconndefaults();
	for (size_t k = 0; FILE_KEYWORDS[k]; k++)
		for (PQconninfoOption *o = defaults; o && o->keyword && !p->knows[k]; o++)
			p->knows[k] = strcmp(o->keyword, FILE_KEYWORDS[k]) == 0;
	PQconninfoFree(defaults);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->stop_cond, NULL);
	p->per_user_cap = per_user_cap;
	p->idle_seconds = idle_seconds;
	p->statement_timeout_ms = statement_timeout_ms;
	pthread_create(&p->reaper, NULL, reaper_main, p);
	return p;
}

void pgpool_free(pgpool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_signal(&p->stop_cond);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->reaper, NULL);
	while (p->entries) {
		struct entry *next = p->entries->next;
		entry_free(p->entries);
		p->entries = next;
	}
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->stop_cond);
	free(p->none_path);
	free(p);
}

/* Caller holds the lock. */
static struct entry **find(pgpool *p, int64_t user_id, int64_t server_id)
{
	struct entry **pp = &p->entries;
	while (*pp && !((*pp)->user_id == user_id && (*pp)->server_id == server_id))
		pp = &(*pp)->next;
	return pp;
}

static int user_open(pgpool *p, int64_t user_id)
{
	int n = 0;
	for (struct entry *e = p->entries; e; e = e->next)
		if (e->user_id == user_id)
			n += e->open;
	return n;
}

static struct entry *entry_new(int64_t user_id, int64_t server_id, const pg_target *t)
{
	struct entry *e = xcalloc(1, sizeof(*e));
	e->user_id = user_id;
	e->server_id = server_id;
	size_t n = 0;
	while (t->keywords[n])
		n++;
	e->nkw = n;
	e->keywords = xcalloc(n + 3, sizeof(char *));
	e->values = xcalloc(n + 3, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		e->keywords[i] = xstrdup(t->keywords[i]);
		e->values[i] = xstrdup(t->values[i] ? t->values[i] : "");
	}
	e->dbname = xstrdup(t->dbname ? t->dbname : "postgres");
	e->role = t->role && *t->role ? xstrdup(t->role) : NULL;
	if (t->password) {
		size_t len = strlen(t->password);
		e->password = sodium_malloc(len + 1);
		memcpy(e->password, t->password, len + 1);
	}
	return e;
}

/* Maps libpq's connection failure to a code the UI can act on. */
static void classify(PGconn *c, tusk_err *err)
{
	const char *msg = c ? PQerrorMessage(c) : "out of memory";
	char text[900];
	snprintf(text, sizeof(text), "%s", msg);
	size_t n = strlen(text);
	while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
		text[--n] = '\0';
	const char *code = "connection_failed";
	if (c && PQconnectionNeedsPassword(c))
		code = "password_required";
	else if (strstr(text, "password authentication failed") || strstr(text, "authentication failed"))
		code = "authentication_failed";
	else if (strstr(text, "database \"") && strstr(text, "does not exist"))
		code = "database_missing";
	else if (strstr(text, "too many clients") || strstr(text, "too many connections") ||
		 strstr(text, "remaining connection slots"))
		code = "too_many_connections";
	else if (strstr(text, "SSL") || strstr(text, "encryption"))
		code = "ssl_failed";
	err_set(err, code, "%s", text);
}

static bool run_setup(PGconn *c, const char *sql, tusk_err *err)
{
	PGresult *r = PQexec(c, sql);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		err_set(err, "connection_failed", "%s", PQresultErrorMessage(r));
	PQclear(r);
	return ok;
}

/* The libpq parameters of a connection for entry e: the entry's, in server
 * mode the policy's (file defaults pinned off, service= and hosts checked,
 * the address pinned), and dbname. The arrays have room for a password. */
struct params {
	const char **kw, **val;
	size_t n;
	char *pinned; /* hostaddr value owned here */
};

static void params_free(struct params *ps)
{
	free(ps->kw);
	free(ps->val);
	free(ps->pinned);
}

static const char *entry_value(const struct entry *e, const char *key)
{
	for (size_t i = 0; i < e->nkw; i++)
		if (strcmp(e->keywords[i], key) == 0)
			return e->values[i];
	return NULL;
}

static bool params_build(const pgpool *p, const struct entry *e, const char *dbname, bool pin_files,
			 struct params *ps, tusk_err *err)
{
	memset(ps, 0, sizeof(*ps));
	const pgpool_policy *pol = &p->policy;
	if (pol->server_mode) {
		const char *service = entry_value(e, "service");
		if (service && *service && !pol->allow_service) {
			err_set(err, "service_not_allowed",
				"service=%s names a connection service of the Tusk host, which users may not use here "
				"(the operator enables it with TUSK_PG_SERVICE_FILE); give the host, port and user instead.",
				service);
			return false;
		}
		const char *host = entry_value(e, "host"), *hostaddr = entry_value(e, "hostaddr");
		/* an operator's service names its own host */
		bool by_service = service && *service && !(host && *host) && !(hostaddr && *hostaddr);
		if (!by_service && !pgallow_check(pol->allow, host, hostaddr, entry_value(e, "port"), &ps->pinned, err))
			return false;
	}
	ps->kw = xcalloc(e->nkw + 16, sizeof(char *));
	ps->val = xcalloc(e->nkw + 16, sizeof(char *));
	for (size_t i = 0; i < e->nkw; i++) {
		if (ps->pinned && strcmp(e->keywords[i], "hostaddr") == 0)
			continue;
		ps->kw[ps->n] = e->keywords[i];
		ps->val[ps->n++] = e->values[i];
	}
	if (ps->pinned) {
		ps->kw[ps->n] = "hostaddr";
		ps->val[ps->n++] = ps->pinned;
	}
	for (size_t k = 0; pin_files && pol->server_mode && p->none_path && FILE_KEYWORDS[k]; k++)
		if (p->knows[k] && !entry_value(e, FILE_KEYWORDS[k])) {
			ps->kw[ps->n] = FILE_KEYWORDS[k];
			ps->val[ps->n++] = p->none_path;
		}
	ps->kw[ps->n] = "dbname";
	ps->val[ps->n++] = dbname;
	return true;
}

/* Opens a connection for entry e to dbname; no lock held (libpq blocks). */
static PGconn *open_conn(const pgpool *p, const struct entry *e, const char *dbname, int statement_timeout_ms,
			 tusk_err *err)
{
	struct params ps;
	if (!params_build(p, e, dbname, true, &ps, err))
		return NULL;
	if (e->password) {
		ps.kw[ps.n] = "password";
		ps.val[ps.n++] = e->password;
	}
	const char **kw = ps.kw, **val = ps.val;
	PGconn *c = PQconnectdbParams(kw, val, 0);
	params_free(&ps);
	if (!c || PQstatus(c) != CONNECTION_OK) {
		classify(c, err);
		PQfinish(c);
		return NULL;
	}
	char sql[256];
	snprintf(sql, sizeof(sql), "SET statement_timeout = %d", statement_timeout_ms);
	bool ok = run_setup(c, sql, err);
	if (ok && e->role) {
		char *ident = PQescapeIdentifier(c, e->role, strlen(e->role));
		str q = STR_INIT;
		str_appendf(&q, "SET ROLE %s", ident ? ident : "\"\"");
		PQfreemem(ident);
		ok = run_setup(c, str_cstr(&q), err);
		str_free(&q);
	}
	if (!ok) {
		PQfinish(c);
		return NULL;
	}
	return c;
}

bool pgpool_connect(pgpool *p, int64_t user_id, int64_t server_id, const pg_target *t, pg_connect_info *info,
		    tusk_err *err)
{
	struct entry *e = entry_new(user_id, server_id, t);
	PGconn *c = open_conn(p, e, e->dbname, p->statement_timeout_ms, err);
	if (!c) {
		entry_free(e);
		return false;
	}
	e->server_version_num = PQserverVersion(c);
	if (info) {
		info->server_version_num = e->server_version_num;
		const char *v = PQparameterStatus(c, "server_version");
		snprintf(info->server_version, sizeof(info->server_version), "%s", v ? v : "");
		info->used_password = PQconnectionUsedPassword(c);
	}
	struct idle_conn *ic = xcalloc(1, sizeof(*ic));
	ic->conn = c;
	ic->dbname = xstrdup(e->dbname);
	ic->since = time(NULL);
	e->idle = ic;
	e->open = 1;
	pthread_mutex_lock(&p->lock);
	e->gen = ++p->next_gen;
	struct entry **pp = find(p, user_id, server_id);
	struct entry *old = *pp;
	if (old) {
		*pp = old->next;
		entry_free(old); /* borrowed connections of the old entry are closed on release */
	}
	e->next = p->entries;
	p->entries = e;
	pthread_mutex_unlock(&p->lock);
	return true;
}

void pgpool_disconnect(pgpool *p, int64_t user_id, int64_t server_id)
{
	pthread_mutex_lock(&p->lock);
	struct entry **pp = find(p, user_id, server_id);
	struct entry *e = *pp;
	if (e)
		*pp = e->next;
	pthread_mutex_unlock(&p->lock);
	if (e)
		entry_free(e);
}

void pgpool_forget_server(pgpool *p, int64_t server_id)
{
	pthread_mutex_lock(&p->lock);
	struct entry **pp = &p->entries, *gone = NULL;
	while (*pp) {
		struct entry *e = *pp;
		if (e->server_id == server_id) {
			*pp = e->next;
			e->next = gone;
			gone = e;
		} else {
			pp = &e->next;
		}
	}
	pthread_mutex_unlock(&p->lock);
	while (gone) {
		struct entry *next = gone->next;
		entry_free(gone);
		gone = next;
	}
}

void pgpool_disconnect_user(pgpool *p, int64_t user_id)
{
	pthread_mutex_lock(&p->lock);
	struct entry **pp = &p->entries, *gone = NULL;
	while (*pp) {
		struct entry *e = *pp;
		if (e->user_id == user_id) {
			*pp = e->next;
			e->next = gone;
			gone = e;
		} else {
			pp = &e->next;
		}
	}
	pthread_mutex_unlock(&p->lock);
	while (gone) {
		struct entry *next = gone->next;
		entry_free(gone);
		gone = next;
	}
}

size_t pgpool_holders(pgpool *p, int64_t **pairs)
{
	pthread_mutex_lock(&p->lock);
	size_t n = 0;
	for (struct entry *e = p->entries; e; e = e->next)
		n++;
	int64_t *v = xcalloc(n ? 2 * n : 1, sizeof(*v));
	size_t k = 0;
	for (struct entry *e = p->entries; e; e = e->next) {
		v[k++] = e->user_id;
		v[k++] = e->server_id;
	}
	pthread_mutex_unlock(&p->lock);
	*pairs = v;
	return n;
}

bool pgpool_is_connected(pgpool *p, int64_t user_id, int64_t server_id)
{
	pthread_mutex_lock(&p->lock);
	bool yes = *find(p, user_id, server_id) != NULL;
	pthread_mutex_unlock(&p->lock);
	return yes;
}

int pgpool_server_version(pgpool *p, int64_t user_id, int64_t server_id)
{
	pthread_mutex_lock(&p->lock);
	struct entry *e = *find(p, user_id, server_id);
	int v = e ? e->server_version_num : 0;
	pthread_mutex_unlock(&p->lock);
	return v;
}

/* Borrows an idle connection to dbname or opens one. *gen identifies the
 * entry, so a release after a reconnect does not return a stale conn. */
static PGconn *borrow(pgpool *p, int64_t user_id, int64_t server_id, const char *dbname, uint64_t *gen,
		      tusk_err *err)
{
	pthread_mutex_lock(&p->lock);
	struct entry *e = *find(p, user_id, server_id);
	if (!e) {
		pthread_mutex_unlock(&p->lock);
		err_set(err, "not_connected", "Connect to this server first.");
		return NULL;
	}
	const char *db = dbname ? dbname : e->dbname;
	for (struct idle_conn **pp = &e->idle; *pp; pp = &(*pp)->next) {
		if (strcmp((*pp)->dbname, db) != 0)
			continue;
		struct idle_conn *c = *pp;
		*pp = c->next;
		PGconn *conn = c->conn;
		free(c->dbname);
		free(c);
		*gen = e->gen;
		pthread_mutex_unlock(&p->lock);
		return conn;
	}
	if (user_open(p, user_id) >= p->per_user_cap) {
		pthread_mutex_unlock(&p->lock);
		err_set(err, "too_many_connections",
			"You have %d connections to PostgreSQL servers open in Tusk, the most allowed "
			"(TUSK_PG_MAX_CONNECTIONS_PER_USER); wait for some to close or disconnect a server.",
			p->per_user_cap);
		return NULL;
	}
	e->open++;
	uint64_t seen = e->gen;
	/* copy what open_conn needs: e may be replaced while we connect without the lock */
	struct entry *snapshot = entry_new(user_id, server_id,
					   &(pg_target){(const char *const *)e->keywords, (const char *const *)e->values,
							e->dbname, e->password, e->role});
	pthread_mutex_unlock(&p->lock);
	PGconn *conn = open_conn(p, snapshot, db, p->statement_timeout_ms, err);
	entry_free(snapshot);
	pthread_mutex_lock(&p->lock);
	struct entry *now = *find(p, user_id, server_id);
	if (now && now->gen == seen && !conn)
		now->open--;
	*gen = seen;
	pthread_mutex_unlock(&p->lock);
	return conn;
}

/* A conninfo value: bare when it holds only characters libpq takes as they
 * are, else in single quotes with \ and ' escaped. libpq ends a bare value
 * at any blank (\f, \v and \r too), so anything else is quoted: a value
 * can never end itself and add parameters of its own. */
static void conninfo_value(str *out, const char *v)
{
	bool bare = *v != '\0';
	for (const char *c = v; *c && bare; c++)
		bare = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		       strchr("._-/:@,+~%", *c) != NULL;
	if (bare) {
		str_append_cstr(out, v);
		return;
	}
	str_append_char(out, '\'');
	for (const char *c = v; *c; c++) {
		if (*c == '\'' || *c == '\\')
			str_append_char(out, '\\');
		str_append_char(out, *c);
	}
	str_append_char(out, '\'');
}

bool pgpool_client_conninfo(pgpool *p, int64_t user_id, int64_t server_id, const char *dbname, const char *passfile,
			    char **conninfo, char **password, char **role, tusk_err *err)
{
	*conninfo = *password = *role = NULL;
	pthread_mutex_lock(&p->lock);
	struct entry *e = *find(p, user_id, server_id);
	if (!e) {
		pthread_mutex_unlock(&p->lock);
		err_set(err, "not_connected", "Connect to this server first.");
		return false;
	}
	struct entry *snapshot = entry_new(user_id, server_id,
					   &(pg_target){(const char *const *)e->keywords, (const char *const *)e->values,
							e->dbname, e->password, e->role});
	pthread_mutex_unlock(&p->lock);
	/* a program on Tusk's host gets the same pins as Tusk's own connections; for another
	 * server (a subscription's CONNECTION) files of Tusk's host mean nothing */
	bool local = passfile != NULL;
	struct params ps;
	if (!params_build(p, snapshot, dbname ? dbname : snapshot->dbname, local, &ps, err)) {
		entry_free(snapshot);
		return false;
	}
	str s = STR_INIT;
	for (size_t i = 0; i < ps.n; i++) {
		const char *k = ps.kw[i];
		/* the job's own passfile replaces any when Tusk holds the password */
		if (strcmp(k, "password") == 0 || strcmp(k, "sslpassword") == 0 ||
		    (snapshot->password && strcmp(k, "passfile") == 0) ||
		    strcmp(k, "application_name") == 0 || /* pg_dump and the others name themselves */
		    (!local && strcmp(k, "hostaddr") == 0 && ps.pinned))
			continue;
		str_appendf(&s, "%s%s=", s.len ? " " : "", k);
		conninfo_value(&s, ps.val[i]);
	}
	if (snapshot->password && local) {
		str_append_cstr(&s, " passfile=");
		conninfo_value(&s, passfile);
	}
	params_free(&ps);
	*conninfo = str_take(&s);
	*password = snapshot->password ? xstrdup(snapshot->password) : NULL;
	*role = snapshot->role ? xstrdup(snapshot->role) : NULL;
	entry_free(snapshot);
	return true;
}

PGconn *pgpool_open_dedicated(pgpool *p, int64_t user_id, int64_t server_id, const char *dbname, tusk_err *err)
{
	pthread_mutex_lock(&p->lock);
	struct entry *e = *find(p, user_id, server_id);
	if (!e) {
		pthread_mutex_unlock(&p->lock);
		err_set(err, "not_connected", "Connect to this server first.");
		return NULL;
	}
	struct entry *snapshot = entry_new(user_id, server_id,
					   &(pg_target){(const char *const *)e->keywords, (const char *const *)e->values,
							e->dbname, e->password, e->role});
	pthread_mutex_unlock(&p->lock);
	PGconn *conn = open_conn(p, snapshot, dbname ? dbname : snapshot->dbname, 0, err);
	entry_free(snapshot);
	return conn;
}

/* Returns a connection; a broken one, or one whose entry is gone, is closed. */
static void give_back(pgpool *p, int64_t user_id, int64_t server_id, uint64_t gen, const char *dbname,
		      PGconn *conn)
{
	bool healthy = PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) == PQTRANS_IDLE;
	pthread_mutex_lock(&p->lock);
	struct entry *e = *find(p, user_id, server_id);
	bool same = e && e->gen == gen;
	if (same && healthy) {
		struct idle_conn *c = xcalloc(1, sizeof(*c));
		c->conn = conn;
		c->dbname = xstrdup(dbname ? dbname : e->dbname);
		c->since = time(NULL);
		c->next = e->idle;
		e->idle = c;
		conn = NULL;
	} else if (same) {
		e->open--;
	}
	pthread_mutex_unlock(&p->lock);
	if (conn)
		PQfinish(conn);
}

void pg_error_fill(pg_error *pe, const PGresult *r, PGconn *c)
{
	memset(pe, 0, sizeof(*pe));
	const char *v;
	snprintf(pe->sqlstate, sizeof(pe->sqlstate), "%s", (v = PQresultErrorField(r, PG_DIAG_SQLSTATE)) ? v : "");
	v = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	snprintf(pe->message, sizeof(pe->message), "%s", v ? v : PQerrorMessage(c));
	snprintf(pe->detail, sizeof(pe->detail), "%s", (v = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL)) ? v : "");
	snprintf(pe->hint, sizeof(pe->hint), "%s", (v = PQresultErrorField(r, PG_DIAG_MESSAGE_HINT)) ? v : "");
	v = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION);
	pe->position = v ? atoi(v) : 0;
}

PGresult *pgpool_query(pgpool *p, int64_t user_id, int64_t server_id, const char *dbname, const char *sql,
		       int nparams, const char *const *params, pg_error *pgerr, tusk_err *err)
{
	if (pgerr)
		memset(pgerr, 0, sizeof(*pgerr));
	for (int attempt = 0; attempt < 2; attempt++) {
		uint64_t owner = 0;
		PGconn *conn = borrow(p, user_id, server_id, dbname, &owner, err);
		if (!conn)
			return NULL;
		/* every parameter is text: format('%I', $1) cannot infer a type, and text casts to what a query needs */
		Oid types[8] = {25, 25, 25, 25, 25, 25, 25, 25};
		PGresult *r = PQexecParams(conn, sql, nparams, nparams <= 8 ? types : NULL, params, NULL, NULL, 0);
		ExecStatusType st = PQresultStatus(r);
		bool lost = PQstatus(conn) != CONNECTION_OK;
		if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
			give_back(p, user_id, server_id, owner, dbname, conn);
			return r;
		}
		if (lost && attempt == 0) {
			/* the server restarted or dropped us: reconnect once */
			log_msg(LOG_INFO, "PostgreSQL connection lost; reconnecting", NULL);
			PQclear(r);
			give_back(p, user_id, server_id, owner, dbname, conn);
			continue;
		}
		pg_error local;
		pg_error_fill(pgerr ? pgerr : &local, r, conn);
		err_set(err, lost ? "connection_lost" : "query_failed", "%s",
			(pgerr ? pgerr : &local)->message);
		PQclear(r);
		give_back(p, user_id, server_id, owner, dbname, conn);
		return NULL;
	}
	return NULL;
}

bool pgpool_with_conn(pgpool *p, int64_t user_id, int64_t server_id, const char *dbname, pgpool_conn_fn fn, void *ctx,
		      tusk_err *err)
{
	uint64_t gen = 0;
	PGconn *conn = borrow(p, user_id, server_id, dbname, &gen, err);
	if (!conn)
		return false;
	bool ok = fn(ctx, conn, err);
	give_back(p, user_id, server_id, gen, dbname, conn);
	return ok;
}

int pgpool_open_count(pgpool *p)
{
	pthread_mutex_lock(&p->lock);
	int n = 0;
	for (struct entry *e = p->entries; e; e = e->next)
		n += e->open;
	pthread_mutex_unlock(&p->lock);
	return n;
}
