/* Background jobs: a PostgreSQL client program (pg_dump, pg_dumpall,
 * pg_restore, psql) run as a child in its own process group, its output in
 * a log file, its state in the store. A thread per job waits for it; cancel
 * terminates the whole group. A password reaches the child only through a
 * temporary passfile (0600, removed when the child ends). */
#ifndef TUSK_JOBS_JOBS_H
#define TUSK_JOBS_JOBS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"
#include "util/err.h"

typedef struct jobs jobs;

typedef struct {
	int64_t user_id, server_id;
	const char *kind, *description;
	char *const *argv;       /* argv[0] is the program's absolute path */
	const char *password;    /* written to the passfile; NULL: none */
	const char *output_abs;  /* removed when the job fails or is cancelled; NULL: none */
	const char *output_rel;  /* as the user sees it (their storage) */
	const char *input_rel;   /* what a restore or import reads, as the user sees it */
	const char *stdin_text;  /* given to the program on stdin (a psql script); NULL: /dev/null */
} job_spec;

/* At most max_running children at once; later jobs wait queued. */
jobs *jobs_new(store *st, const char *data_dir, const char *instance, int max_running);
/* Settles the jobs that a Tusk which is gone (a previous run, a replica that
 * stopped) left queued or running: a child still alive on this host is
 * terminated; each is marked failed with the reason. */
void jobs_recover(jobs *j);
/* Creates the job and starts its child; *id is its id. */
bool jobs_start(jobs *j, const job_spec *spec, int64_t *id, tusk_err *err) __attribute__((warn_unused_result));
/* Terminates the job's process group (SIGTERM, then SIGKILL after 5 s).
 * err code not_running when it is not running here. */
bool jobs_cancel(jobs *j, int64_t id, tusk_err *err) __attribute__((warn_unused_result));
/* True once shutdown began (event streams end). */
bool jobs_stopping(jobs *j);
/* Cancels running jobs ("Tusk stopped") and waits for their threads. */
void jobs_shutdown(jobs *j, int timeout_ms);
void jobs_free(jobs *j);
/* Running jobs (for /metrics). */
int jobs_running(jobs *j);

/* The command line as shown to users: arguments quoted where needed. */
char *jobs_command_line(char *const *argv);

#endif
