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

#include "util/err.h"

typedef struct pgpool pgpool;

/* libpq keyword/value pairs for one server, as the caller built them. */
typedef struct {
	const char *const *keywords; /* NULL-terminated, without dbname and password */
	const char *const *values;
	const char *dbname;   /* maintenance database */
	const char *password; /* NULL: libpq's own sources (passfile, service) */
	const char *role;     /* SET ROLE after connecting, or NULL */
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

typedef struct {
	int per_user_cap;         /* browsing connections of one user, all servers */
	int per_server_cap;       /* one user's connections to one server: browsing and query tabs */
	int idle_seconds;         /* an unused pooled connection closes */
	int statement_timeout_ms; /* browsing statements; 0 = none. The client gives up 2 s later. */
	int connect_timeout_s;
	int pool_wait_s;          /* a borrower waits this long for a connection at a cap */
} pgpool_limits;

pgpool *pgpool_new(const pgpool_limits *lim);
/* Closes every connection. */
void pgpool_free(pgpool *p);

/* Connects to the maintenance database and remembers the target. err codes:
 * password_required, authentication_failed, database_missing, too_many_connections,
 * ssl_failed, connection_failed (message: libpq's text). */
bool pgpool_connect(pgpool *p, int64_t user_id, int64_t server_id, const pg_target *t, pg_connect_info *info,
		    tusk_err *err) __attribute__((warn_unused_result));
void pgpool_disconnect(pgpool *p, int64_t user_id, int64_t server_id);
bool pgpool_is_connected(pgpool *p, int64_t user_id, int64_t server_id);
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
PGresult *pgpool_query(pgpool *p, int64_t user_id, int64_t server_id, const char *dbname, const char *sql,
		       int nparams, const char *const *params, pg_error *pgerr, tusk_err *err);
int pgpool_server_version(pgpool *p, int64_t user_id, int64_t server_id);
/* Browsing connections open (idle and borrowed), over all users and servers. */
int pgpool_open_count(pgpool *p);

/* How a client program (pg_dump, psql...) reaches dbname (NULL: the
 * maintenance database) as the user connected: a conninfo string without the
 * password, the password Tusk holds (or NULL) and the role to use (or NULL).
 * free() all three; the password should be wiped. */
bool pgpool_client_conninfo(pgpool *p, int64_t user_id, int64_t server_id, const char *dbname, char **conninfo,
			    char **password, char **role, tusk_err *err) __attribute__((warn_unused_result));

/* Runs fn with a borrowed connection to dbname (fn may run several
 * statements, e.g. a transaction); the connection goes back to the pool,
 * or is closed when fn left it broken or inside a transaction. */
typedef bool (*pgpool_conn_fn)(void *ctx, PGconn *conn, tusk_err *err);
bool pgpool_with_conn(pgpool *p, int64_t user_id, int64_t server_id, const char *dbname, pgpool_conn_fn fn, void *ctx,
		      tusk_err *err) __attribute__((warn_unused_result));
/* A new connection outside the pool (a query-tool tab owns it), with the
 * credentials the user connected with and no statement timeout; it counts
 * toward per_server_cap until pgpool_dedicated_closed (err code
 * too_many_server_connections at the cap). */
PGconn *pgpool_open_dedicated(pgpool *p, int64_t user_id, int64_t server_id, const char *dbname, tusk_err *err);
void pgpool_dedicated_closed(pgpool *p, int64_t user_id, int64_t server_id);

#endif
