#include "pg/pool.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "pg/allow.h"
#include "util/holders.h"
#include "util/log.h"
#include "util/str.h"
#include "util/thread.h"
#include "util/time.h"

/* Statements a pooled connection has prepared: a browsing query is parsed
 * (and, once PostgreSQL settles on a generic plan, planned) once per
 * connection instead of on every request. */
#define PREPARED_MAX 64
struct prepared {
	char *sql[PREPARED_MAX]; /* statement "tusk_<i>" is sql[i] with nparams[i] */
	int nparams[PREPARED_MAX];
	int n;
};

static void prepared_free(struct prepared *pp)
{
	for (int i = 0; pp && i < pp->n; i++)
		free(pp->sql[i]);
	free(pp);
}

struct idle_conn {
	PGconn *conn;
	struct prepared *prep;
	char *dbname;
	time_t since;
	struct idle_conn *next;
};

/* What a user's "connect" established for one server. */
struct entry {
	int64_t user_id, server_id;
	uint64_t gen;		   /* tells a reconnected entry from the one a borrower saw */
	char **keywords, **values; /* owned copies, NULL-terminated, with room for dbname + password */
	size_t nkw;
	char *dbname, *role;
	char *password; /* sodium_malloc'd, or NULL */
	int server_version_num;
	bool tunneled; /* host and port name the (user, server) SSH tunnel */
	int open;      /* connections open (idle + borrowed) */
	struct idle_conn *idle;
	struct entry *next;
};

/* A borrowed connection's deadline: past it the watchdog shuts the socket
 * down, so whatever libpq call waits on a server that stopped answering
 * (SIGSTOP, a black-holed network) returns at once with an error. */
struct lease {
	int fd;
	struct timespec deadline; /* CLOCK_MONOTONIC */
	bool fired;
	struct lease *next;
};

/* A request waiting for a connection at a cap. A connection given back
 * goes straight to the first waiter for its server and database; a slot
 * freed (a connection closed) to the first waiter of that user who may
 * use it, whose entry already counts it when it wakes. One thread wakes
 * per connection, not every waiter. */
struct waiter {
	int64_t user_id, server_id;
	const char *db;
	pthread_cond_t cond;
	PGconn *conn; /* handed over, with prep and gen */
	struct prepared *prep;
	uint64_t gen;
	bool slot; /* may open a connection */
	bool gone; /* the server was disconnected */
	struct waiter *next;
};

/* Query-tool connections (pgpool_open_dedicated) open per user and server. */
struct dedicated {
	int64_t user_id, server_id;
	int n;
	struct dedicated *next;
};

struct pgpool {
	pthread_mutex_t lock;
	pthread_cond_t stop_cond;
	struct waiter *waiters; /* first come, first served */
	pthread_t reaper;
	bool stopping;
	pgpool_limits lim;
	pgpool_policy policy;
	char *none_path;
	bool knows[8]; /* which of FILE_KEYWORDS this libpq has */
	struct entry *entries;
	struct lease *leases;
	struct dedicated *dedicated;
	uint64_t next_gen;
	pgtunnels *tunnels;
};

static void close_idle_list(struct idle_conn *c)
{
	while (c) {
		struct idle_conn *next = c->next;
		PQfinish(c->conn);
		prepared_free(c->prep);
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

/* Caller holds the lock. */
static void watchdog(pgpool *p)
{
	for (struct lease *l = p->leases; l; l = l->next)
		if (!l->fired && time_passed(&l->deadline)) {
			l->fired = true;
			shutdown(l->fd, SHUT_RDWR);
		}
}

/* Fires deadlines (four times a second) and closes connections idle
 * longer than idle_seconds. */
static void *reaper_main(void *arg)
{
	pgpool *p = arg;
	pthread_mutex_lock(&p->lock);
	while (thread_nap(&p->stop_cond, &p->lock, &p->stopping, 250)) {
		watchdog(p);
		time_t now = time(NULL);
		for (struct entry *e = p->entries; e; e = e->next) {
			struct idle_conn **pp = &e->idle;
			while (*pp) {
				struct idle_conn *c = *pp;
				if (now - c->since < p->lim.idle_seconds) {
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
static const char *const FILE_KEYWORDS[] = {"passfile", "sslcert",   "sslkey", "sslrootcert",
					    "sslcrl",	"sslcrldir", NULL};

pgpool *pgpool_new(const pgpool_limits *lim, const pgpool_policy *policy)
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
	p->lim = *lim;
	p->tunnels = pgtunnels_new();
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
	while (p->dedicated) {
		struct dedicated *next = p->dedicated->next;
		free(p->dedicated);
		p->dedicated = next;
	}
	pgtunnels_free(p->tunnels);
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

/* The user's entry for the server (lock held), or NULL with err not_connected. */
static struct entry *connected(pgpool *p, int64_t user_id, int64_t server_id, tusk_err *err)
{
	struct entry *e = *find(p, user_id, server_id);
	if (!e)
		err_set(err, ERR_NOT_CONNECTED, "Connect to this server first.");
	return e;
}

static int user_open(pgpool *p, int64_t user_id)
{
	int n = 0;
	for (struct entry *e = p->entries; e; e = e->next)
		if (e->user_id == user_id)
			n += e->open;
	return n;
}

/* Caller holds the lock. */
static struct dedicated **dedicated_find(pgpool *p, int64_t user_id, int64_t server_id)
{
	struct dedicated **pp = &p->dedicated;
	while (*pp && !((*pp)->user_id == user_id && (*pp)->server_id == server_id))
		pp = &(*pp)->next;
	return pp;
}

static int dedicated_open(pgpool *p, int64_t user_id, int64_t server_id)
{
	struct dedicated *d = *dedicated_find(p, user_id, server_id);
	return d ? d->n : 0;
}

/* Caller holds the lock. */
static void waiter_unlink(pgpool *p, struct waiter *w)
{
	for (struct waiter **pp = &p->waiters; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			return;
		}
}

/* Caller holds the lock: gives conn (healthy, of e, to db) to the first
 * waiter for e's server and that database. */
static bool hand_conn(pgpool *p, const struct entry *e, const char *db, PGconn *conn, struct prepared *prep)
{
	for (struct waiter *w = p->waiters; w; w = w->next)
		if (w->user_id == e->user_id && w->server_id == e->server_id && strcmp(w->db, db) == 0) {
			waiter_unlink(p, w);
			w->conn = conn;
			w->prep = prep;
			w->gen = e->gen;
			pthread_cond_signal(&w->cond);
			return true;
		}
	return false;
}

/* Caller holds the lock: the first waiter of user_id who could open a
 * connection if one of freed's (NULL: none of the pool's) were closed. */
static struct waiter *slot_waiter(pgpool *p, int64_t user_id, const struct entry *freed)
{
	int user = user_open(p, user_id) - (freed ? 1 : 0);
	if (user >= p->lim.per_user_cap)
		return NULL;
	for (struct waiter *w = p->waiters; w; w = w->next) {
		if (w->user_id != user_id)
			continue;
		struct entry *e = *find(p, user_id, w->server_id);
		if (!e)
			continue;
		int on_server = e->open + dedicated_open(p, user_id, w->server_id) - (e == freed ? 1 : 0);
		if (on_server < p->lim.per_server_cap)
			return w;
	}
	return NULL;
}

/* Caller holds the lock: w may open a connection, counted by its entry now. */
static void hand_slot(pgpool *p, struct waiter *w)
{
	struct entry *e = *find(p, w->user_id, w->server_id);
	e->open++;
	w->gen = e->gen;
	w->slot = true;
	waiter_unlink(p, w);
	pthread_cond_signal(&w->cond);
}

/* Caller holds the lock: a connection of user_id closed; its room goes to a waiter. */
static void room_freed(pgpool *p, int64_t user_id)
{
	struct waiter *w = slot_waiter(p, user_id, NULL);
	if (w)
		hand_slot(p, w);
}

/* Caller holds the lock: the server's entry (of one user, or of all when
 * user_id < 0) is gone; its waiters learn it. */
static void waiters_gone(pgpool *p, int64_t user_id, int64_t server_id)
{
	for (struct waiter *w = p->waiters, *next; w; w = next) {
		next = w->next;
		if (w->server_id == server_id && (user_id < 0 || w->user_id == user_id)) {
			waiter_unlink(p, w);
			w->gone = true;
			pthread_cond_signal(&w->cond);
		}
	}
}

/* Caller holds the lock: closes one idle connection of the user (of entry
 * only, when only is set) to make room; false when none is idle. */
static bool close_one_idle(pgpool *p, int64_t user_id, struct entry *only)
{
	for (struct entry *e = p->entries; e; e = e->next) {
		if (e->user_id != user_id || (only && e != only) || !e->idle)
			continue;
		struct idle_conn *c = e->idle;
		e->idle = c->next;
		c->next = NULL;
		close_idle_list(c); /* PQfinish of an idle connection does not wait */
		e->open--;
		return true;
	}
	return false;
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

/* A copy of e's target (lock held), for work outside the lock. */
static struct entry *entry_copy(const struct entry *e)
{
	struct entry *c = entry_new(e->user_id, e->server_id,
				    &(pg_target){(const char *const *)e->keywords, (const char *const *)e->values,
						 e->dbname, e->password, e->role, NULL});
	c->tunneled = e->tunneled;
	return c;
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
	err_code code = ERR_CONNECTION_FAILED;
	if (c && PQconnectionNeedsPassword(c))
		code = ERR_PASSWORD_REQUIRED;
	else if (strstr(text, "password authentication failed") || strstr(text, "authentication failed"))
		code = ERR_AUTHENTICATION_FAILED;
	else if (strstr(text, "database \"") && strstr(text, "does not exist"))
		code = ERR_DATABASE_MISSING;
	else if (strstr(text, "too many clients") || strstr(text, "too many connections") ||
		 strstr(text, "remaining connection slots"))
		code = ERR_TOO_MANY_CONNECTIONS;
	else if (strstr(text, "SSL") || strstr(text, "encryption"))
		code = ERR_SSL_FAILED;
	err_set(err, code, "%s", text);
}

static bool run_setup(PGconn *c, const char *sql, tusk_err *err)
{
	PGresult *r = PQexec(c, sql);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		err_set(err, ERR_CONNECTION_FAILED, "%s", PQresultErrorMessage(r));
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
	char connect_timeout[16];
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

/* Tusk's own application_name (not one the entry sets) starts so: a
 * query-tool connection says so in its place. */
#define TUSK_APP_PREFIX "Tusk - "

static bool params_build(const pgpool *p, const struct entry *e, const char *dbname, bool pin_files,
			 const char *app_name, struct params *ps, tusk_err *err)
{
	memset(ps, 0, sizeof(*ps));
	const pgpool_policy *pol = &p->policy;
	if (pol->server_mode) {
		const char *service = entry_value(e, "service");
		if (service && *service && !pol->allow_service) {
			err_set(
			    err, ERR_SERVICE_NOT_ALLOWED,
			    "service=%s names a connection service of the Tusk host, which users may not use here "
			    "(the operator enables it with TUSK_PG_SERVICE_FILE); give the host, port and user instead.",
			    service);
			return false;
		}
		const char *host = entry_value(e, "host"), *hostaddr = entry_value(e, "hostaddr");
		/* an operator's service names its own host; a tunnel's host was checked when it opened */
		bool by_service = service && *service && !(host && *host) && !(hostaddr && *hostaddr);
		if (!by_service && !e->tunneled &&
		    !pgallow_check(pol->allow, host, hostaddr, entry_value(e, "port"), &ps->pinned, err))
			return false;
	}
	if (e->tunneled &&
	    !pgtunnels_owns(p->tunnels, e->user_id, e->server_id, entry_value(e, "host"), entry_value(e, "port"))) {
		err_set(err, ERR_NOT_CONNECTED, "The SSH tunnel to this server closed: connect again.");
		return false;
	}
	ps->kw = xcalloc(e->nkw + 24, sizeof(char *));
	ps->val = xcalloc(e->nkw + 24, sizeof(char *));
	for (size_t i = 0; i < e->nkw; i++) {
		if (ps->pinned && strcmp(e->keywords[i], "hostaddr") == 0)
			continue;
		ps->kw[ps->n] = e->keywords[i];
		ps->val[ps->n++] = app_name && strcmp(e->keywords[i], "application_name") == 0 &&
					   strncmp(e->values[i], TUSK_APP_PREFIX, strlen(TUSK_APP_PREFIX)) == 0
				       ? app_name
				       : e->values[i];
	}
	if (ps->pinned) {
		ps->kw[ps->n] = "hostaddr";
		ps->val[ps->n++] = ps->pinned;
	}
	/* a server that stops answering is noticed: connect_timeout bounds the connection,
	 * keepalives and tcp_user_timeout a network gone silent (the server's own settings win) */
	static const char *const net_kw[] = {"connect_timeout",	    "keepalives",	"keepalives_idle",
					     "keepalives_interval", "keepalives_count", "tcp_user_timeout"};
	const char *net_val[] = {ps->connect_timeout, "1", "30", "10", "3", "30000"};
	snprintf(ps->connect_timeout, sizeof(ps->connect_timeout), "%d", p->lim.connect_timeout_s);
	for (size_t i = 0; i < sizeof(net_kw) / sizeof(*net_kw); i++)
		if (!entry_value(e, net_kw[i])) {
			ps->kw[ps->n] = net_kw[i];
			ps->val[ps->n++] = net_val[i];
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
			 const char *app_name, tusk_err *err)
{
	struct params ps;
	if (!params_build(p, e, dbname, true, app_name, &ps, err))
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

/* Replaces e's host, port and hostaddr by the (user, server) tunnel's socket,
 * opened (or kept) for the destination they named. */
static bool tunnel_route(pgpool *p, struct entry *e, const pgtunnel_spec *spec, tusk_err *err)
{
	const char *host = entry_value(e, "host"), *hostaddr = entry_value(e, "hostaddr");
	const char *dest = host && *host ? host : hostaddr;
	const char *port = entry_value(e, "port");
	if (!dest || !*dest || strchr(dest, ',') || (port && strchr(port, ','))) {
		err_set(err, ERR_INVALID_SERVER, "A server reached through an SSH tunnel names one host (and port).");
		return false;
	}
	pgtunnel_spec s = *spec;
	s.dest_host = dest;
	s.dest_port = port && *port ? atoi(port) : 5432;
	s.timeout_s = p->lim.connect_timeout_s;
	char *pinned = NULL, tport[16], dir[96];
	snprintf(tport, sizeof(tport), "%d", s.port ? s.port : 22);
	/* TUSK_ALLOWED_HOSTS names where Tusk connects: here the bastion */
	if (p->policy.server_mode && !pgallow_check(p->policy.allow, s.host, NULL, tport, &pinned, err))
		return false;
	s.address = pinned;
	int lport;
	bool ok = pgtunnels_open(p->tunnels, e->user_id, e->server_id, &s, dir, sizeof(dir), &lport, err);
	free(pinned);
	if (!ok)
		return false;
	char **kw = xcalloc(e->nkw + 5, sizeof(char *)), **val = xcalloc(e->nkw + 5, sizeof(char *));
	size_t n = 0;
	for (size_t i = 0; i < e->nkw; i++) {
		bool addr = strcmp(e->keywords[i], "host") == 0 || strcmp(e->keywords[i], "hostaddr") == 0 ||
			    strcmp(e->keywords[i], "port") == 0;
		if (addr) {
			free(e->keywords[i]);
			free(e->values[i]);
		} else {
			kw[n] = e->keywords[i];
			val[n++] = e->values[i];
		}
	}
	kw[n] = xstrdup("host");
	val[n++] = xstrdup(dir);
	snprintf(tport, sizeof(tport), "%d", lport);
	kw[n] = xstrdup("port");
	val[n++] = xstrdup(tport);
	free(e->keywords);
	free(e->values);
	e->keywords = kw;
	e->values = val;
	e->nkw = n;
	e->tunneled = true;
	return true;
}

bool pgpool_connect(pgpool *p, int64_t user_id, int64_t server_id, const pg_target *t, pg_connect_info *info,
		    tusk_err *err)
{
	struct entry *e = entry_new(user_id, server_id, t);
	PGconn *c = !t->tunnel || tunnel_route(p, e, t->tunnel, err)
			? open_conn(p, e, e->dbname, p->lim.statement_timeout_ms, NULL, err)
			: NULL;
	if (!c) {
		/* a tunnel opened for nothing closes, unless connections of a former connect use it */
		if (e->tunneled && !pgpool_is_connected(p, user_id, server_id))
			pgtunnels_close(p->tunnels, user_id, server_id);
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
		waiters_gone(p, user_id, server_id);
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
	if (e) {
		*pp = e->next;
		waiters_gone(p, user_id, server_id);
	}
	pthread_mutex_unlock(&p->lock);
	if (e)
		entry_free(e);
	pgtunnels_close(p->tunnels, user_id, server_id);
}

int pgpool_release_database(pgpool *p, int64_t user_id, int64_t server_id, const char *db)
{
	int closed = 0;
	struct idle_conn *gone = NULL;
	pthread_mutex_lock(&p->lock);
	for (struct entry *e = p->entries; e; e = e->next) {
		if (e->server_id != server_id || (user_id >= 0 && e->user_id != user_id))
			continue;
		struct idle_conn **pp = &e->idle;
		while (*pp) {
			struct idle_conn *c = *pp;
			if (strcmp(c->dbname, db) != 0) {
				pp = &c->next;
				continue;
			}
			*pp = c->next;
			c->next = gone;
			gone = c;
			e->open--;
			closed++;
			room_freed(p, e->user_id);
		}
	}
	pthread_mutex_unlock(&p->lock);
	close_idle_list(gone); /* PQfinish of an idle connection does not wait */
	return closed;
}

/* Drops every entry of the user (user_id >= 0) or of the server (else). */
static void forget(pgpool *p, int64_t user_id, int64_t server_id)
{
	pthread_mutex_lock(&p->lock);
	struct entry **pp = &p->entries, *gone = NULL;
	while (*pp) {
		struct entry *e = *pp;
		if (user_id >= 0 ? e->user_id == user_id : e->server_id == server_id) {
			*pp = e->next;
			e->next = gone;
			gone = e;
			if (user_id < 0)
				waiters_gone(p, -1, server_id);
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
	pgtunnels_close(p->tunnels, user_id, user_id >= 0 ? -1 : server_id);
}

void pgpool_forget_server(pgpool *p, int64_t server_id)
{
	forget(p, -1, server_id);
}

void pgpool_disconnect_user(pgpool *p, int64_t user_id)
{
	forget(p, user_id, 0);
}

size_t pgpool_holders(pgpool *p, int64_t **pairs)
{
	return HOLDERS(&p->lock, &p->entries, struct entry, pairs);
}

bool pgpool_is_connected(pgpool *p, int64_t user_id, int64_t server_id)
{
	pthread_mutex_lock(&p->lock);
	bool yes = *find(p, user_id, server_id) != NULL;
	pthread_mutex_unlock(&p->lock);
	return yes;
}

int pgpool_server_version(const pgpool_ref *at)
{
	pgpool *p = at->pool;
	int64_t user_id = at->user_id, server_id = at->server_id;
	pthread_mutex_lock(&p->lock);
	struct entry *e = *find(p, user_id, server_id);
	int v = e ? e->server_version_num : 0;
	pthread_mutex_unlock(&p->lock);
	return v;
}

/* Borrows an idle connection to dbname or opens one. *gen identifies the
 * entry, so a release after a reconnect does not return a stale conn.
 * When the user's connections (in all, or to this server) are at their cap
 * and none is idle, waits up to pool_wait_s for one to come back: requests
 * queue rather than fail; then err pool_busy. */
/* Over 80 lines: the pool's one way to a connection (an idle one, a new one under the caps,
 * or a wait) under one lock, so the caps are checked where the connection is taken. */
static PGconn *borrow(pgpool *p, int64_t user_id, int64_t server_id, const char *dbname, uint64_t *gen,
		      struct prepared **prep, tusk_err *err)
{
	struct timespec until = time_after_ms(CLOCK_REALTIME, (int64_t)p->lim.pool_wait_s * 1000);
	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct entry *e = connected(p, user_id, server_id, err);
		if (!e) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		const char *db = dbname ? dbname : e->dbname;
		for (struct idle_conn **pp = &e->idle; *pp; pp = &(*pp)->next) {
			if (strcmp((*pp)->dbname, db) != 0)
				continue;
			struct idle_conn *c = *pp;
			*pp = c->next;
			PGconn *conn = c->conn;
			*prep = c->prep;
			free(c->dbname);
			free(c);
			*gen = e->gen;
			pthread_mutex_unlock(&p->lock);
			return conn;
		}
		/* at a cap: an idle connection to another database makes room, else wait */
		bool server_full = e->open + dedicated_open(p, user_id, server_id) >= p->lim.per_server_cap;
		bool user_full = user_open(p, user_id) >= p->lim.per_user_cap;
		bool counted = false;
		if ((server_full && !close_one_idle(p, user_id, e)) ||
		    (!server_full && user_full && !close_one_idle(p, user_id, NULL))) {
			struct waiter w = {.user_id = user_id, .server_id = server_id, .db = db};
			pthread_cond_init(&w.cond, NULL);
			struct waiter **tail = &p->waiters;
			while (*tail)
				tail = &(*tail)->next;
			*tail = &w;
			while (!w.conn && !w.slot && !w.gone && !p->stopping)
				if (pthread_cond_timedwait(&w.cond, &p->lock, &until) == ETIMEDOUT)
					break;
			if (!w.conn && !w.slot && !w.gone)
				waiter_unlink(p, &w);
			pthread_cond_destroy(&w.cond);
			if (w.conn) {
				*prep = w.prep;
				*gen = w.gen;
				pthread_mutex_unlock(&p->lock);
				return w.conn;
			}
			if (w.gone)
				continue;
			if (!w.slot) {
				pthread_mutex_unlock(&p->lock);
				err_set(
				    err, ERR_POOL_BUSY,
				    "All your connections to PostgreSQL servers are busy (TUSK_PG_MAX_CONNECTIONS_PER_USER "
				    "%d, TUSK_PG_MAX_CONNECTIONS_PER_SERVER %d) and none came free in %d s; try again in a "
				    "moment or close query tabs.",
				    p->lim.per_user_cap, p->lim.per_server_cap, p->lim.pool_wait_s);
				return NULL;
			}
			counted = true; /* the slot is ours: e->open counts it */
		}
		*prep = NULL;
		if (!counted)
			e->open++;
		uint64_t seen = e->gen;
		/* copy what open_conn needs: e may be replaced while we connect without the lock */
		struct entry *snapshot = entry_copy(e);
		char *dbcopy = xstrdup(db);
		pthread_mutex_unlock(&p->lock);
		PGconn *conn = open_conn(p, snapshot, dbcopy, p->lim.statement_timeout_ms, NULL, err);
		free(dbcopy);
		entry_free(snapshot);
		pthread_mutex_lock(&p->lock);
		struct entry *now = *find(p, user_id, server_id);
		if (now && now->gen == seen && !conn) {
			now->open--;
			room_freed(p, user_id);
		}
		*gen = seen;
		pthread_mutex_unlock(&p->lock);
		return conn;
	}
}

/* A deadline for a borrowed connection (statement timeout and 2 s, so the
 * server's own timeout answers first when it can); NULL when none. */
static struct lease *lease_take(pgpool *p, PGconn *conn)
{
	if (p->lim.statement_timeout_ms <= 0 || PQsocket(conn) < 0)
		return NULL;
	struct lease *l = xcalloc(1, sizeof(*l));
	l->fd = PQsocket(conn);
	l->deadline = time_after_ms(CLOCK_MONOTONIC, (int64_t)p->lim.statement_timeout_ms + 2000);
	pthread_mutex_lock(&p->lock);
	l->next = p->leases;
	p->leases = l;
	pthread_mutex_unlock(&p->lock);
	return l;
}

/* Ends a lease; true when its deadline fired (the connection is broken). */
static bool lease_end(pgpool *p, struct lease *l)
{
	if (!l)
		return false;
	pthread_mutex_lock(&p->lock);
	struct lease **pp = &p->leases;
	while (*pp != l)
		pp = &(*pp)->next;
	*pp = l->next;
	bool fired = l->fired;
	pthread_mutex_unlock(&p->lock);
	free(l);
	return fired;
}

static void timed_out(const pgpool *p, tusk_err *err)
{
	err_set(err, ERR_SERVER_TIMEOUT,
		"The PostgreSQL server did not answer within %d s (TUSK_PG_STATEMENT_TIMEOUT and 2 s): it may be "
		"overloaded, stopped or unreachable. Try again; the connection was replaced.",
		(p->lim.statement_timeout_ms + 2000 + 999) / 1000);
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
	struct entry *e = connected(p, user_id, server_id, err);
	struct entry *snapshot = e ? entry_copy(e) : NULL;
	pthread_mutex_unlock(&p->lock);
	if (!snapshot)
		return false;
	/* a program on Tusk's host gets the same pins as Tusk's own connections; for another
	 * server (a subscription's CONNECTION) files of Tusk's host mean nothing */
	bool local = passfile != NULL;
	if (!local && snapshot->tunneled) {
		entry_free(snapshot);
		err_set(err, ERR_INVALID_SERVER,
			"This server is reached through an SSH tunnel of Tusk's, which another server cannot use.");
		return false;
	}
	struct params ps;
	if (!params_build(p, snapshot, dbname ? dbname : snapshot->dbname, local, NULL, &ps, err)) {
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

PGconn *pgpool_open_dedicated(pgpool *p, int64_t user_id, int64_t server_id, const char *dbname, const char *app_name,
			      tusk_err *err)
{
	pthread_mutex_lock(&p->lock);
	struct entry *e = connected(p, user_id, server_id, err);
	if (!e) {
		pthread_mutex_unlock(&p->lock);
		return NULL;
	}
	if (e->open + dedicated_open(p, user_id, server_id) >= p->lim.per_server_cap &&
	    !close_one_idle(p, user_id, e)) {
		pthread_mutex_unlock(&p->lock);
		err_set(
		    err, ERR_TOO_MANY_SERVER_CONNECTIONS,
		    "You have %d connections to this server open in Tusk (query tabs and browsing), the most allowed "
		    "(TUSK_PG_MAX_CONNECTIONS_PER_SERVER): close a query tab first.",
		    p->lim.per_server_cap);
		return NULL;
	}
	struct dedicated **dp = dedicated_find(p, user_id, server_id);
	if (!*dp) {
		*dp = xcalloc(1, sizeof(**dp));
		(*dp)->user_id = user_id;
		(*dp)->server_id = server_id;
	}
	(*dp)->n++;
	struct entry *snapshot = entry_copy(e);
	pthread_mutex_unlock(&p->lock);
	PGconn *conn = open_conn(p, snapshot, dbname ? dbname : snapshot->dbname, 0, app_name, err);
	entry_free(snapshot);
	if (!conn)
		pgpool_dedicated_closed(p, user_id, server_id);
	return conn;
}

void pgpool_dedicated_closed(pgpool *p, int64_t user_id, int64_t server_id)
{
	pthread_mutex_lock(&p->lock);
	struct dedicated **dp = dedicated_find(p, user_id, server_id);
	struct dedicated *d = *dp;
	if (d && --d->n == 0) {
		*dp = d->next;
		free(d);
	}
	room_freed(p, user_id);
	pthread_mutex_unlock(&p->lock);
}

/* Returns a connection; a broken one, or one whose entry is gone, is closed. */
static void give_back(pgpool *p, int64_t user_id, int64_t server_id, uint64_t gen, const char *dbname, PGconn *conn,
		      struct prepared *prep)
{
	bool healthy = PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) == PQTRANS_IDLE;
	pthread_mutex_lock(&p->lock);
	struct entry *e = *find(p, user_id, server_id);
	bool same = e && e->gen == gen;
	const char *db = e ? (dbname ? dbname : e->dbname) : NULL;
	struct waiter *w = NULL;
	if (same && healthy && hand_conn(p, e, db, conn, prep)) {
		conn = NULL;
		prep = NULL;
	} else if (same && healthy && (w = slot_waiter(p, user_id, e))) {
		/* someone waits for another database or server: this one closes to make room */
		e->open--;
		hand_slot(p, w);
	} else if (same && healthy) {
		struct idle_conn *c = xcalloc(1, sizeof(*c));
		c->conn = conn;
		c->prep = prep;
		prep = NULL;
		c->dbname = xstrdup(db);
		c->since = time(NULL);
		c->next = e->idle;
		e->idle = c;
		conn = NULL;
	} else if (same) {
		e->open--;
		room_freed(p, user_id);
	}
	pthread_mutex_unlock(&p->lock);
	prepared_free(prep);
	if (conn)
		PQfinish(conn);
}

/* Runs sql as a statement this connection prepared before (or prepares it
 * now); past PREPARED_MAX statements, unprepared. Every parameter is text:
 * format('%I', $1) cannot infer a type, and text casts to what a query needs. */
static PGresult *exec_prepared(PGconn *conn, struct prepared **prep, const char *sql, int nparams,
			       const char *const *params)
{
	static const Oid types[8] = {25, 25, 25, 25, 25, 25, 25, 25};
	const Oid *t = nparams <= 8 ? types : NULL;
	if (!*prep)
		*prep = xcalloc(1, sizeof(**prep));
	struct prepared *pp = *prep;
	int i = 0;
	/* the same text may come with more parameters than it uses: each count is its own statement */
	while (i < pp->n && (pp->nparams[i] != nparams || strcmp(pp->sql[i], sql) != 0))
		i++;
	if (i == PREPARED_MAX)
		return PQexecParams(conn, sql, nparams, t, params, NULL, NULL, 0);
	char name[32];
	snprintf(name, sizeof(name), "tusk_%d", i);
	if (i == pp->n) {
		PGresult *r = PQprepare(conn, name, sql, nparams, t);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			return r;
		PQclear(r);
		pp->nparams[pp->n] = nparams;
		pp->sql[pp->n++] = xstrdup(sql);
	}
	return PQexecPrepared(conn, name, nparams, params, NULL, NULL, 0);
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

/* A connection borrowed for one piece of work, under a lease (its deadline). */
struct borrowed {
	const pgpool_ref *at;
	const char *dbname;
	PGconn *conn;
	uint64_t gen;
	struct prepared *prep;
	struct lease *lease;
};

static bool take(const pgpool_ref *at, const char *dbname, struct borrowed *b, tusk_err *err)
{
	*b = (struct borrowed){.at = at, .dbname = dbname};
	b->conn = borrow(at->pool, at->user_id, at->server_id, dbname, &b->gen, &b->prep, err);
	if (!b->conn)
		return false;
	b->lease = lease_take(at->pool, b->conn);
	return true;
}

/* Ends the lease; true when its deadline fired (the connection is broken). */
static bool end_lease(struct borrowed *b)
{
	return lease_end(b->at->pool, b->lease);
}

static void give_back_borrowed(struct borrowed *b)
{
	give_back(b->at->pool, b->at->user_id, b->at->server_id, b->gen, b->dbname, b->conn, b->prep);
}

PGresult *pgpool_query(const pgpool_ref *at, const char *dbname, const char *sql, int nparams,
		       const char *const *params, pg_error *pgerr, tusk_err *err)
{
	if (pgerr)
		memset(pgerr, 0, sizeof(*pgerr));
	for (int attempt = 0; attempt < 2; attempt++) {
		struct borrowed b;
		if (!take(at, dbname, &b, err))
			return NULL;
		PGresult *r = exec_prepared(b.conn, &b.prep, sql, nparams, params);
		bool fired = end_lease(&b);
		ExecStatusType st = PQresultStatus(r);
		bool lost = PQstatus(b.conn) != CONNECTION_OK;
		if (!fired && (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)) {
			give_back_borrowed(&b);
			return r;
		}
		if (fired) {
			PQclear(r);
			give_back_borrowed(&b);
			timed_out(at->pool, err);
			return NULL;
		}
		if (lost && attempt == 0) {
			/* the server restarted or dropped us: reconnect once */
			log_msg(LOG_INFO, "PostgreSQL connection lost; reconnecting", NULL);
			PQclear(r);
			give_back_borrowed(&b);
			continue;
		}
		pg_error local;
		pg_error_fill(pgerr ? pgerr : &local, r, b.conn);
		err_set(err, lost ? ERR_CONNECTION_LOST : ERR_QUERY_FAILED, "%s", (pgerr ? pgerr : &local)->message);
		PQclear(r);
		give_back_borrowed(&b);
		return NULL;
	}
	return NULL;
}

bool pgpool_with_conn(const pgpool_ref *at, const char *dbname, pgpool_conn_fn fn, void *ctx, tusk_err *err)
{
	struct borrowed b;
	if (!take(at, dbname, &b, err))
		return false;
	bool ok = fn(ctx, b.conn, err);
	if (end_lease(&b)) {
		ok = false;
		timed_out(at->pool, err);
	}
	give_back_borrowed(&b);
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
