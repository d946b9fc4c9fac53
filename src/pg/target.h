/* A managed server's libpq parameters as one user connects: built from the
 * server entry, with file parameters (sslcert, sslkey, passfile...)
 * resolved where that user may name files. */
#ifndef TUSK_PG_TARGET_H
#define TUSK_PG_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pg/tunnel.h"
#include "util/err.h"

/* The entry as this user reaches it (a shared server's user may differ). */
typedef struct {
	const char *host, *user, *service;
	int port;		 /* 0: libpq's default */
	const char *params_json; /* the entry's connection parameters: a JSON object of texts */
	const char *sslpassword; /* the client key's passphrase, or NULL */
	/* application_name unless the entry sets its own: what the connections are for
	 * ("Tusk - Object Explorer - alice@example.com"), seen in pg_stat_activity; NULL: "tusk" */
	const char *app_name;
	/* NULL, or the entry's SSH tunnel: its identity_file names a file the user may
	 * name (as sslcert does); dest_host, dest_port and timeout_s are the pool's */
	const pgtunnel_spec *tunnel;
} pgtarget_server;

/* Where file parameters may point. In desktop mode (the one user's own
 * machine) an absolute path is taken as given; otherwise a path names a file
 * in the user's area under data_dir ('/' is its root), or by its absolute
 * path one in a directory that file_dirs (TUSK_FILE_DIRS, ':'-separated)
 * lists. No resolved path may hold a ':' (libpq reads "engine:key"). */
typedef struct {
	bool desktop;
	const char *file_dirs;
	const char *data_dir;
} pgtarget_files;

/* kw/val: NULL-terminated, for PQconnectdbParams (pg_target) */
typedef struct pgtarget {
	const char *kw[48];
	const char *val[48];
	int n;
	struct json_t *params;
	char *paths[8]; /* file parameters resolved in the user's storage */
	int npaths;
	char port[8];
	pgtunnel_spec tunnel; /* with the identity file resolved, when has_tunnel */
	bool has_tunnel;
} pgtarget;

/* err codes: file_not_found (a file parameter names nothing the user may
 * name), invalid_server (too many file parameters). */
bool pgtarget_build(pgtarget *t, const pgtarget_server *sv, const pgtarget_files *files, int64_t user_id, tusk_err *err)
    __attribute__((warn_unused_result));
void pgtarget_clear(pgtarget *t);

/* Whether a server entry may carry this libpq connection parameter with
 * this value (host, port, dbname, user, password and service have fields
 * of their own); false with the reason in why. */
bool pgtarget_param_check(const char *key, const char *value, char *why, size_t n);
/* libpq parameters that name a file on Tusk's side (passfile, sslcert...). */
bool pgtarget_is_file_param(const char *key);

#endif
