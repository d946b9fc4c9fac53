/* Background jobs: a PostgreSQL client program (pg_dump, pg_dumpall,
 * pg_restore, or Tusk's own sql-client) run as a child in its own session
 * and process group, with an environment of its own (nothing of Tusk's: see
 * jobs_child_setup), no descriptor but 0-2, its output in a log file, its
 * state in the store. A thread per job waits for it; cancel terminates the
 * whole group. A password reaches the child only through a temporary
 * passfile (0600, removed when the child ends) that its conninfo names. */
#ifndef TUSK_JOBS_JOBS_H
#define TUSK_JOBS_JOBS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"
#include "util/err.h"
#include "util/str.h"

typedef struct jobs jobs;

typedef struct {
	int64_t user_id, server_id;
	const char *kind, *description;
	char *const *argv;	/* argv[0] is the program's absolute path */
	const char *password;	/* written to passfile before the child starts; NULL: none */
	const char *passfile;	/* from jobs_passfile_path: the conninfo in argv names it */
	const char *output_abs; /* removed when the job fails or is cancelled; NULL: none */
	const char *output_rel; /* as the user sees it (their storage) */
	const char *input_rel;	/* what a restore or import reads, as the user sees it */
	uint64_t output_limit;	/* bytes the output may reach (the quota left); 0: no limit */
	const char *user_area;	/* the user's storage folder: the only one of Tusk's the program may touch */
	bool system_tmp;	/* the program writes to /tmp whatever TMPDIR says (pg_dump's tar format) */
} job_spec;

/* Once at start: the empty folder children get as HOME, the operator's
 * pg_service.conf (TUSK_PG_SERVICE_FILE) or NULL, and TUSK_FILE_DIRS. Every
 * program is fenced in (jobs/fence.h) to the system's files, these, the
 * job's passfile and temporary folder, and the user's storage. */
void jobs_child_setup(const char *home, const char *service_file, const char *file_dirs);
/* A passfile's one line, matching any connection with password (':' and
 * '\' escaped), appended to out (sodium_memzero it after use). */
void jobs_passfile_text(str *out, const char *password);
/* A new path for a job's passfile in the jobs folder (malloc'd). */
char *jobs_passfile_path(jobs *j);
/* Runs argv (argv[0] absolute) as jobs run their programs, fenced in with
 * readable (a file or folder it may read, or NULL) besides the system's, and
 * keeps up to max_bytes of its output (stdout and stderr); *status as
 * waitpid gives it. Killed after timeout_ms (false, err). */
bool jobs_capture(char *const *argv, const char *readable, size_t max_bytes, int timeout_ms, str *out, int *status,
		  tusk_err *err) __attribute__((warn_unused_result));

/* At most max_running children at once; later jobs wait queued. */
jobs *jobs_new(store *st, const char *data_dir, const char *instance, int max_running);
/* Settles the jobs that a Tusk which is gone (a previous run, a replica that
 * stopped) left queued or running: a child still alive on this host is
 * terminated; each is marked failed with the reason. */
void jobs_recover(jobs *j);
/* The tusk binary itself (its `sql-client` subcommand is a job program). */
const char *jobs_self_exe(const jobs *j);
/* Creates the job and starts its child; *id is its id. */
bool jobs_start(jobs *j, const job_spec *spec, int64_t *id, tusk_err *err) __attribute__((warn_unused_result));
/* Terminates the job's process group (SIGTERM, then SIGKILL after 5 s).
 * err code not_running when it is not running here. */
bool jobs_cancel(jobs *j, int64_t id, tusk_err *err) __attribute__((warn_unused_result));
/* Cancels the running and queued jobs of user_id on server_id (0: every
 * server) with reason; returns how many. */
int jobs_cancel_for(jobs *j, int64_t user_id, int64_t server_id, const char *reason);
/* Whether a running or queued job writes abs, or something inside the folder abs
 * (the file manager leaves it alone: moved or deleted, it would escape the quota watch). */
bool jobs_writing(jobs *j, const char *abs);
/* (user, server) of each running or queued job, 2 per entry (free() *pairs). */
size_t jobs_holders(jobs *j, int64_t **pairs);
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
