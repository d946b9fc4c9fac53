/* Connections to managed PostgreSQL servers, per (user, server): "connect"
 * proves the credentials and remembers them for this process; browsing
 * then borrows pooled connections per database (health-checked, closed when
 * idle, capped per user), with application_name=tusk and a statement timeout.
 * A PGconn is only ever used by the thread that borrowed it. */
#ifndef TUSK_PG_POOL_H
#define TUSK_PG_POOL_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "pg/tunnel.h"
#include "util/err.h"

typedef struct pgpool pgpool;

/* Whose connections to which server: what every pooled call names. */
typedef struct {
	pgpool *pool;
	int64_t user_id, server_id;
} pgpool_ref;

/* libpq keyword/value pairs for one server, as the caller built them. */
typedef struct {
	const char *const *keywords; /* NULL-terminated, without dbname and password */
	const char *const *values;
	const char *dbname;   /* maintenance database */
	const char *password; /* NULL: libpq's own sources (passfile, service) */
	const char *role;     /* SET ROLE after connecting, or NULL */
	/* NULL, or the SSH tunnel every connection of this (user, server) goes through: its
	 * destination is the target's host (or hostaddr) and port as the bastion sees them */
	const pgtunnel_spec *tunnel;
} pg_target;

typedef struct {
	int server_version_num;
	char server_version[32];
	bool used_password;
} pg_connect_info;

/* A PostgreSQL error with its fields (empty strings when absent). */
typedef struct {
	char sqlstate[6];
	char message[1024];
	char detail[1024];
	char hint[512];
	int position; /* 0 = none */
} pg_error;

/* Fills pe from a failed result (message falls back to the connection's). */
void pg_error_fill(pg_error *pe, const PGresult *r, PGconn *c);

/* What users' connections may use of the Tusk host (see pg/allow.h). */
typedef struct {
	bool server_mode;	     /* pin libpq's file defaults, check hosts and service= */
	const struct pgallow *allow; /* TUSK_ALLOWED_HOSTS; NULL: any TCP host */
	const char *none_path;	     /* a path that never exists: libpq's file defaults point there */
	bool allow_service;	     /* the operator named a pg_service.conf (TUSK_PG_SERVICE_FILE) */
} pgpool_policy;

typedef struct {
	int per_user_cap;	  /* browsing connections of one user, all servers */
	int per_server_cap;	  /* one user's connections to one server: browsing and query tabs */
	int idle_seconds;	  /* an unused pooled connection closes */
	int statement_timeout_ms; /* browsing statements; 0 = none. The client gives up 2 s later. */
	int connect_timeout_s;
	int pool_wait_s; /* a borrower waits this long for a connection at a cap */
} pgpool_limits;

/* policy NULL: libpq's defaults as they are (desktop mode, tests). */
pgpool *pgpool_new(const pgpool_limits *lim, const pgpool_policy *policy);
/* Closes every connection. */
void pgpool_free(pgpool *p);

/* Connects to the maintenance database and remembers the target. err codes:
 * password_required, authentication_failed, database_missing, too_many_connections,
 * ssl_failed, connection_failed (message: libpq's text); with a tunnel also
 * host_not_allowed (its host, in server mode) and pgtunnels_open's. */
bool pgpool_connect(pgpool *p, int64_t user_id, int64_t server_id, const pg_target *t, pg_connect_info *info,
		    tusk_err *err) __attribute__((warn_unused_result));
void pgpool_disconnect(pgpool *p, int64_t user_id, int64_t server_id);
/* Closes the idle pooled connections to database db of the server, the
 * user's (user_id >= 0) or every user's (before DROP DATABASE, so that
 * Tusk's own connections are not what stops it); how many it closed. */
int pgpool_release_database(pgpool *p, int64_t user_id, int64_t server_id, const char *db);
bool pgpool_is_connected(pgpool *p, int64_t user_id, int64_t server_id);
/* Forgets every server the user connected (their access ended). */
void pgpool_disconnect_user(pgpool *p, int64_t user_id);
/* (user, server) of each connected entry, 2 per entry (free() *pairs). */
size_t pgpool_holders(pgpool *p, int64_t **pairs);
/* Forgets every connection of a server (it was changed or deleted), for all users. */
void pgpool_forget_server(pgpool *p, int64_t server_id);

/* Runs one parameterized query on a pooled connection to dbname (NULL = the
 * maintenance database). A connection that broke (server restart) is
 * replaced and the query tried once more. err code not_connected when the
 * user has not connected the server, pool_busy when no connection came
 * free in time, server_timeout when the server did not answer within the
 * statement timeout and 2 s (the connection is closed, not reused);
 * pg_error set for PostgreSQL errors. pgpool_with_conn has the same
 * deadline and codes. */
PGresult *pgpool_query(const pgpool_ref *at, const char *dbname, const char *sql, int nparams,
		       const char *const *params, pg_error *pgerr, tusk_err *err);
int pgpool_server_version(const pgpool_ref *at);
/* Browsing connections open (idle and borrowed), over all users and servers. */
int pgpool_open_count(pgpool *p);

/* How a client program reaches dbname (NULL: the maintenance database) as
 * the user connected: a conninfo string without the password, the password
 * Tusk holds (or NULL) and the role to use (or NULL). With passfile (a
 * program on Tusk's host: pg_dump...) the conninfo names it for the password
 * and carries the server-mode pins; without (another server connects, as a
 * subscription does) it names no file of Tusk's host. Server-mode checks
 * (allowed hosts, service=) apply as to Tusk's own connections. free() all
 * three; the password should be wiped. */
bool pgpool_client_conninfo(pgpool *p, int64_t user_id, int64_t server_id, const char *dbname, const char *passfile,
			    char **conninfo, char **password, char **role, tusk_err *err)
    __attribute__((warn_unused_result));

/* Runs fn with a borrowed connection to dbname (fn may run several
 * statements, e.g. a transaction); the connection goes back to the pool,
 * or is closed when fn left it broken or inside a transaction. */
typedef bool (*pgpool_conn_fn)(void *ctx, PGconn *conn, tusk_err *err);
bool pgpool_with_conn(const pgpool_ref *at, const char *dbname, pgpool_conn_fn fn, void *ctx, tusk_err *err)
    __attribute__((warn_unused_result));
/* A new connection outside the pool (a query-tool tab owns it), with the
 * credentials the user connected with and no statement timeout; it counts
 * toward per_server_cap until pgpool_dedicated_closed (err code
 * too_many_server_connections at the cap). */
/* app_name replaces Tusk's own application_name (see pgtarget_server) on it. */
PGconn *pgpool_open_dedicated(pgpool *p, int64_t user_id, int64_t server_id, const char *dbname, const char *app_name,
			      tusk_err *err);
void pgpool_dedicated_closed(pgpool *p, int64_t user_id, int64_t server_id);

#endif
