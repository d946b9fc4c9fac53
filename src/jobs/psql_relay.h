/* The PSQL tool's one way to the network. psql runs in a network namespace
 * of its own that has nothing but a loopback interface; in it, before the
 * sandbox starts, Tusk's child opens one TCP listener per host of the
 * server entry (127.0.0.1:5432, 5433...) and hands them to Tusk. psql is
 * told to connect there (hostaddr=127.0.0.1, the entry's host names kept
 * in host= so that TLS checks the server's certificate against them), and
 * for each connection psql makes Tusk asks where the entry's host is now
 * (the pool's conninfo: TUSK_ALLOWED_HOSTS checked and pinned as for query
 * tabs, an SSH tunnel's socket), connects there itself and relays the bytes
 * unchanged both ways: TLS runs end to end between psql and the server.
 * Any other address psql (or a program \! starts) tries is unreachable:
 * no route leaves the namespace, and nothing else listens in it.
 *
 * When Tusk cannot reach the server for a connection (the user
 * disconnected it, the operator's list refuses where its name now leads,
 * the server does not answer), psql is answered with a PostgreSQL error
 * that says why (and, where psql asked for TLS and would not show it, the
 * terminal shows it). */
#ifndef TUSK_JOBS_PSQL_RELAY_H
#define TUSK_JOBS_PSQL_RELAY_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

/* PSQL_MAX_RELAYS: connections relayed at once for one session (psql's own, the next one of a
 * \connect, a cancel request): each holds a backend on the server. */
enum { PSQL_MAX_HOSTS = 8, PSQL_INNER_PORT = 5432, PSQL_MAX_RELAYS = 3 };

/* psql's conninfo for conninfo (the pool's, for the sandbox): host kept
 * (a socket directory becomes "localhost"), hostaddr 127.0.0.1 and port
 * PSQL_INNER_PORT + i for host i; SSL and GSS encryption off when every
 * host is a socket (as libpq never uses them over one). *nhosts: how many
 * listeners it needs. err code invalid_server when psql cannot reach the
 * server this way (a connection service, more than PSQL_MAX_HOSTS hosts). */
bool psql_sandbox_conninfo(const char *conninfo, char **out, int *nhosts, tusk_err *err)
    __attribute__((warn_unused_result));

/* The current conninfo of the session's server (malloc'd), or false with why. */
typedef bool (*psql_route_fn)(void *ctx, char **conninfo, tusk_err *err);
/* Shows text in the terminal: why a connection was refused where psql cannot
 * (libpq does not show an error sent in answer to its TLS request). */
typedef void (*psql_notice_fn)(void *ctx, const char *text);
/* Whether the session is ending: a connection being made gives up. */
typedef bool (*psql_ending_fn)(void *ctx);

typedef struct psql_relays psql_relays;
/* Takes the listeners (host i listens on listeners[i]). */
psql_relays *psql_relays_new(const int *listeners, int n, psql_route_fn route, psql_notice_fn notice,
			     psql_ending_fn ending, void *ctx);
/* Closes every listener and relayed connection. */
void psql_relays_free(psql_relays *r);
/* Adds the descriptors to poll to p (at most max); how many. */
size_t psql_relays_poll(psql_relays *r, struct pollfd *p, size_t max);
/* After poll: accepts, connects (blocking up to the connection's
 * connect_timeout, 10 s by default, or until the session ends) and moves bytes. p, n: what
 * psql_relays_poll added, with their revents. */
void psql_relays_run(psql_relays *r, const struct pollfd *p, size_t n);
/* Connections relayed so far (accepted, whether the server was reached or not). */
unsigned psql_relays_count(const psql_relays *r);

#endif
