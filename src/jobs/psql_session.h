/* The PSQL tool's sessions: a real psql in a pseudo-terminal, run inside a
 * bubblewrap sandbox (bwrap from Debian) so that what the user types reaches
 * no file, process, environment, network or right of Tusk's:
 * - a new root of its own: /usr (and the /lib, /bin links) and a handful of
 *   /etc files read-only, the psql program and its own lib/ (never a folder
 *   holding the data directory or TMPDIR), the session's passfile written
 *   from a descriptor, an empty tmpfs as HOME and /tmp, its own /dev, no
 *   /proc; never Tusk's data directory, other users' files or Tusk's binary,
 *   nor a key of the operator's (TUSK_FILE_DIRS: only certificates and CRLs
 *   are bound, at fixed paths under /run/tusk); a session is refused while
 *   Tusk's data directory, TMPDIR or a file of its own (psql_guard) lies
 *   under a bound folder;
 * - its options (what it binds) reach bwrap through a descriptor (--args),
 *   not its command line, which other users of the host could read;
 * - its own user namespaces (uid 65534 inside, no capability outside), PID,
 *   IPC, UTS and cgroup namespaces: no process of Tusk's is visible;
 * - a network namespace of its own with a loopback interface only: psql
 *   reaches the entry's server through Tusk's relay (psql_relay.h) and
 *   nothing else, not other servers, not Tusk's ports, not the cloud's
 *   metadata address, not the host's Unix or abstract sockets;
 * - resource limits (below): memory, CPU time, processes, file size, open
 *   files; and psql's output is read at most PSQL_RATE bytes a second, so a
 *   flood stalls psql (the terminal's flow control) rather than Tusk;
 * - an environment built here: PATH, HOME, TERM, LANG, PGCLIENTENCODING's
 *   absence... nothing of Tusk's (TUSK_*, PGADMIN_*, PG*, secrets);
 * - the sandbox dies with the session's thread (--die-with-parent) and the
 *   whole process group is killed when the session ends.
 * Where bwrap is missing or the kernel (or a container's seccomp profile)
 * refuses it a user namespace, the tool refuses to start
 * (psql_sandbox_check says why and what the operator can do); it never runs
 * unconfined.
 *
 * Output goes to a ring of the last PSQL_RING bytes with an ever-growing
 * offset, so a tab that re-attaches after a network blip is replayed what it
 * missed (or the ring's oldest bytes when it missed more). A session with no
 * reader for the grace period ends. */
#ifndef TUSK_JOBS_PSQL_SESSION_H
#define TUSK_JOBS_PSQL_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "util/str.h"

enum { PSQL_ID_CHARS = 33, PSQL_RING = 256 * 1024 };

/* Each session's limits (setrlimit in the sandbox's first process, inherited
 * by psql and whatever \! starts; docs/security.md lists them). */
#define PSQL_LIMIT_MEMORY (1024L * 1024 * 1024) /* address space of each process */
#define PSQL_LIMIT_CPU_S 3600L			/* CPU seconds of each process */
#define PSQL_LIMIT_FILE (64L * 1024 * 1024)	/* the largest file it may write */
#define PSQL_LIMIT_FILES 256L			/* open files of each process */
#define PSQL_LIMIT_PROCS 64L			/* processes in the sandbox (kernel 5.14 and later) */
#define PSQL_RATE (2L * 1024 * 1024)		/* output bytes a second, on average */
#define PSQL_BURST (4L * 1024 * 1024)		/* ...after a burst of this much */
/* Where psql finds its passfile inside the sandbox (the conninfo names this
 * path): bubblewrap writes it there, in the sandbox's own memory, from a
 * descriptor; no file of it is ever on the host's disk. */
#define PSQL_SANDBOX_PASSFILE "/run/tusk/pgpass"

typedef struct psql_hub psql_hub;
typedef struct psql_sess psql_sess;

typedef struct {
	int64_t user_id, server_id;
	const char *owner;    /* the login session (its id hash) */
	const char *program;  /* psql's absolute path */
	const char *conninfo; /* the pool's (names the passfile, never the password); psql gets its sandbox form */
	const char *password; /* psql's PSQL_SANDBOX_PASSFILE (0600, in the sandbox); NULL: none */
	const char *data_dir; /* Tusk's: never bound (files under it are the user's own storage) */
	const char *database;
	int cols, rows;
} psql_spec;

/* Records a file or folder of Tusk's own (what: its setting, e.g. "TUSK_LDAP_KEY_FILE") that
 * no folder psql's sandbox shows of the system (/usr, /etc/ssl/certs...) may hold: while one
 * does, every session is refused saying why. False with why when it lies in one now. */
bool psql_guard(const char *what, const char *path, char *why, size_t n);

/* What a reader got: bytes [start, end) of the output appended to out. */
typedef struct {
	uint64_t start, end;
	bool exited; /* psql has ended: code is its exit status (or 128+signal) */
	int code;
	bool closed; /* the session was closed (by the user, logout, revocation, stop) */
} psql_read;

/* on_end(ctx, user, server, database, code): a session ended (audited). */
typedef void (*psql_end_fn)(void *ctx, int64_t user_id, int64_t server_id, const char *database, int code,
			    const char *why);
/* route(ctx, user, server, database, &conninfo, err): where the server is now
 * (the conninfo Tusk's own connections use, checked as theirs are), asked
 * for each connection psql makes; malloc'd. */
typedef bool (*psql_route_cb)(void *ctx, int64_t user_id, int64_t server_id, const char *database, char **conninfo,
			      tusk_err *err);
psql_hub *psql_hub_new(int grace_seconds, psql_end_fn on_end, psql_route_cb route, void *ctx);
/* Ends every session (their readers get "closed") and waits for their threads. */
void psql_hub_shutdown(psql_hub *h);
/* Frees the hub (shutting it down first), once no reader holds a session. */
void psql_hub_free(psql_hub *h);

/* Whether the sandbox works on this host (bwrap present, user and network
 * namespaces allowed, limits settable); checked once by running it. why:
 * the reason it does not and what the operator can do about it. */
bool psql_sandbox_check(char *why, size_t n);

/* Starts psql; id receives the session's random id. */
bool psql_start(psql_hub *h, const psql_spec *spec, char id[PSQL_ID_CHARS], tusk_err *err)
    __attribute__((warn_unused_result));
/* The session id of owner, with a reference (psql_release), or NULL. */
psql_sess *psql_get(psql_hub *h, const char *id, const char *owner);
void psql_release(psql_sess *s);
int64_t psql_server_id(const psql_sess *s);
/* Keystrokes and pastes: PSQL_INPUT_STALLED when psql did not read its
 * terminal for a while (*done bytes went in), PSQL_INPUT_BUSY while another
 * input of the session is being delivered; never waits long. */
typedef enum { PSQL_INPUT_OK, PSQL_INPUT_ENDED, PSQL_INPUT_BUSY, PSQL_INPUT_STALLED } psql_input_result;
psql_input_result psql_input(psql_sess *s, const char *data, size_t n, size_t *done);
bool psql_resize(psql_sess *s, int cols, int rows);
/* Appends to out the output from offset from (at most max bytes), waiting
 * up to wait_ms for some when there is none yet. A reader counts as
 * attached from the call until psql_detach. */
void psql_read_from(psql_sess *s, uint64_t from, size_t max, int wait_ms, str *out, psql_read *res);
void psql_attach(psql_sess *s);
void psql_detach(psql_sess *s);
/* Ends the session (psql killed); why is audited. */
void psql_close(psql_hub *h, psql_sess *s, const char *why);
/* Sessions of user_id open here. */
int psql_count_user(psql_hub *h, int64_t user_id);
/* Ends the sessions of user_id on server_id (0: all) of owner (NULL: all); how many. */
int psql_close_for(psql_hub *h, int64_t user_id, int64_t server_id, const char *owner, const char *why);
typedef struct {
	int64_t user_id, server_id;
	char owner[80];
} psql_holder;
/* Who holds each session (free() *out). */
size_t psql_holders(psql_hub *h, psql_holder **out);

#endif
