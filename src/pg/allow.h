/* Which PostgreSQL servers users may make Tusk connect to, and what of the
 * Tusk process's own libpq configuration they may never use.
 *
 * The operator's list (TUSK_ALLOWED_HOSTS) names, separated by commas or
 * blanks: addresses and CIDR ranges (10.0.0.0/8, fd00::/8, [fd00::1]), host
 * names and name suffixes (db.example.com, *.svc.cluster.local, * for any),
 * and Unix-socket directories (/var/run/postgresql); each may end in :PORT or
 * :LOW-HIGH ([fd00::/8]:5432). No list: any TCP host and port, no socket.
 * A name the list does not name itself must resolve to an address in a
 * listed range, and the connection is pinned to that address (hostaddr), so
 * no later lookup can lead elsewhere. */
#ifndef TUSK_PG_ALLOW_H
#define TUSK_PG_ALLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"
#include "util/str.h"

typedef struct pgallow pgallow;

/* spec NULL or "" allows any TCP host (and no socket). err code invalid_setting. */
pgallow *pgallow_new(const char *spec, tusk_err *err);
void pgallow_free(pgallow *a);
/* True when the operator listed hosts (the check resolves and pins). */
bool pgallow_listed(const pgallow *a);

/* Checks libpq's host, hostaddr and port values (comma-separated lists as
 * libpq takes them; NULL when absent) against the list. On success *pinned
 * is the hostaddr value to connect with (malloc'd; NULL when nothing is
 * pinned). err code host_not_allowed with a message that says why. */
bool pgallow_check(const pgallow *a, const char *host, const char *hostaddr, const char *port, char **pinned,
		   tusk_err *err) __attribute__((warn_unused_result));

#endif
