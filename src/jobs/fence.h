/* A fence around a job's program (Linux Landlock): it may read and run the
 * system's files (/usr, /lib*, /bin, /sbin, /etc, /opt) and the folders
 * given as readable, read and write only the folders given as writable (the
 * user's own storage, the job's temporary folder), and nothing else: not
 * Tusk's data directory, not other users' files, not /proc. A crafted
 * archive or connection string then reaches no file but the user's own.
 * Where the kernel has no Landlock (or a seccomp profile forbids it) the
 * program runs unfenced and jobs_fence_available says so. */
#ifndef TUSK_JOBS_FENCE_H
#define TUSK_JOBS_FENCE_H

#include <stdbool.h>
#include <stddef.h>

#define JOBS_FENCE_MAX 24

typedef struct {
	const char *read[JOBS_FENCE_MAX];  /* read and run beneath these (files or folders) */
	const char *write[JOBS_FENCE_MAX]; /* read, write, create and remove beneath these */
	size_t nread, nwrite;
} jobs_fence;

/* The Landlock ABI version the kernel offers, 0 when none (checked once). */
int jobs_fence_available(void);
void jobs_fence_read(jobs_fence *f, const char *path);
void jobs_fence_write(jobs_fence *f, const char *path);
/* In the child between fork and exec: only system calls, no allocation.
 * 0 fenced, 1 no Landlock here (ran unfenced), -1 failed (do not exec). */
int jobs_fence_apply(const jobs_fence *f);

#endif
