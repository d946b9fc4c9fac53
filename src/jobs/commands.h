/* The command lines of jobs, built from the spec the API received: which
 * client program (the newest not older than the server) and its arguments.
 * Nothing here runs anything but `<program> --version` (through
 * jobs_capture: an argument vector, never a shell). */
#ifndef TUSK_JOBS_COMMANDS_H
#define TUSK_JOBS_COMMANDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

typedef struct {
	const char *self_exe; /* the tusk binary: its sql-client runs scripts, maintenance and COPY */
	const char *bin_dirs; /* ':'-separated, or NULL: /usr/lib/postgresql/<v>/bin */
	int server_version;   /* server_version_num of the target */
	const char *conninfo; /* to the job's database (no password) */
	const char *role;     /* SET ROLE, or NULL */
	const char *output;   /* absolute path of what a backup or export writes */
	const char *input;    /* absolute path of what a restore or import reads */
} job_ctx;

typedef struct {
	char **v;
	size_t n, cap;
} strv;

void strv_push(strv *a, const char *s);
void strv_pushf(strv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strv_free(strv *a);

/* Whether a pg_restore log's errors are all pg_restore 17+'s first statement,
 * SET transaction_timeout = 0, which a server before 17 does not know: the
 * rest of the archive was restored. */
bool jobs_restore_noise_only(const char *log_path);

/* The client program NAME for a server of version server_version (10000s):
 * pg_restore the newest there is (it reads every older archive), the others
 * the server's own major or else the nearest newer.
 * err code program_missing names the version needed and where Tusk looked. */
bool jobs_find_program(const char *bin_dirs, const char *name, int server_version, char **path, tusk_err *err)
    __attribute__((warn_unused_result));

/* The argument vector of a job KIND (backup, backup_server, restore,
 * maintenance, import, export) for SPEC: pg_dump, pg_dumpall, pg_restore, or
 * `tusk sql-client` for plain scripts, maintenance and COPY. A bad spec sets
 * why (a 400), a missing program err. *description is a summary for
 * maintenance (else NULL). */
bool jobs_build(const char *kind, json_t *spec, const job_ctx *ctx, strv *argv, char **description, char *why,
		size_t why_len, tusk_err *err) __attribute__((warn_unused_result));

/* Whether a file is an archive pg_restore reads (custom or tar) or a
 * directory backup; false for a plain SQL script. */
bool jobs_is_archive(const char *path);

#endif
