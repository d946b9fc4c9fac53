/* SSH tunnels to managed servers (libssh): one per (user, server), shared by
 * every connection of that user to that server. A tunnel listens on a Unix
 * socket in a private 0700 folder of Tusk's (libpq: host=<dir>, port=<n>
 * reaches <dir>/.s.PGSQL.<n>) and forwards each connection it accepts over a
 * direct-tcpip channel to the server's host and port as the bastion sees
 * them. The SSH session is opened (host key checked, user authenticated)
 * when the tunnel opens, and again, the same way, for the next connection
 * after it dropped. */
#ifndef TUSK_PG_TUNNEL_H
#define TUSK_PG_TUNNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

typedef struct pgtunnels pgtunnels;

/* How to reach the bastion and, behind it, the server. */
typedef struct {
	const char *host;	   /* the bastion, as the entry names it (shown in messages) */
	const char *address;	   /* where to connect (an address TUSK_ALLOWED_HOSTS pinned), or NULL: host */
	int port;		   /* 0: 22 */
	const char *username;	   /* the SSH user */
	const char *identity_file; /* a private key file (resolved path), or NULL: password authentication */
	const char *secret;	   /* the password, or the key's passphrase; NULL: none */
	const char *known_key;	   /* the host key's "SHA256:..." fingerprint Tusk trusts, or NULL */
	int keepalive_s;	   /* an SSH message this often keeps an idle session up; 0: none */
	int timeout_s;		   /* connecting and authenticating */
	const char *dest_host;	   /* the PostgreSQL server as the bastion resolves it */
	int dest_port;
} pgtunnel_spec;

pgtunnels *pgtunnels_new(void);
/* Closes every tunnel and removes the socket folder. */
void pgtunnels_free(pgtunnels *t);

/* Opens the (user, server) tunnel, or keeps the one open with the same spec;
 * *dir and *port are what libpq's host and port name. err codes:
 * ssh_host_key_unknown (the message ends with the key's fingerprint),
 * ssh_host_key_changed, ssh_authentication_failed (libssh's reason),
 * ssh_failed (the bastion did not answer, or refused the channel). */
bool pgtunnels_open(pgtunnels *t, int64_t user_id, int64_t server_id, const pgtunnel_spec *spec, char *dir,
		    size_t dir_n, int *port, tusk_err *err) __attribute__((warn_unused_result));
/* Closes the tunnels of one user and server, of every server of the user
 * (server_id < 0) or of every user of the server (user_id < 0); the
 * connections through them end. */
void pgtunnels_close(pgtunnels *t, int64_t user_id, int64_t server_id);
/* Whether host and port name an open tunnel of (user, server). */
bool pgtunnels_owns(pgtunnels *t, int64_t user_id, int64_t server_id, const char *host, const char *port);
/* The fingerprint in a ssh_host_key_unknown message (a pointer into msg), or NULL. */
const char *pgtunnel_fingerprint_in(const char *msg);

#endif
