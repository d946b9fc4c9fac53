/* Landlock fences for jobs' programs (see fence.h). */
#include "jobs/fence.h"

#include <fcntl.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* What every program may read and run: the system, never Tusk's data. */
static const char *const SYSTEM[] = {"/usr",  "/lib", "/lib32", "/lib64",	"/libx32",     "/bin",
				     "/sbin", "/etc", "/opt",	"/dev/urandom", "/dev/random", NULL};
/* A job reaches its server through an SSH tunnel's Unix socket (pg/tunnel.h) without a
 * rule here: connecting to a socket is no file right Landlock handles (ABI 1 to 7; its
 * socket scoping covers abstract sockets only, and is not asked for). The tunnel's folder
 * is 0700 and Tusk's, like the job. tests/api/ssh-tunnel.test.mjs backs up through one. */

/* Devices a program may also write. */
static const char *const DEVICES[] = {"/dev/null", "/dev/zero", NULL};

#define RIGHTS_V1                                                                                                      \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |                   \
	 LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |                \
	 LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |                    \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |                 \
	 LANDLOCK_ACCESS_FS_MAKE_SYM)
#define READ_RIGHTS (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define FILE_RIGHTS (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE)
#ifdef LANDLOCK_ACCESS_FS_TRUNCATE
#define TRUNCATE_RIGHT LANDLOCK_ACCESS_FS_TRUNCATE
#else
#define TRUNCATE_RIGHT (1ULL << 14)
#endif
#ifdef LANDLOCK_ACCESS_FS_REFER
#define REFER_RIGHT LANDLOCK_ACCESS_FS_REFER
#else
#define REFER_RIGHT (1ULL << 13)
#endif

static int abi = -1;

int jobs_fence_available(void)
{
	if (abi < 0) {
		long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
		abi = v > 0 ? (int)v : 0;
	}
	return abi;
}

void jobs_fence_read(jobs_fence *f, const char *path)
{
	if (path && *path && f->nread < JOBS_FENCE_MAX)
		f->read[f->nread++] = path;
}

void jobs_fence_write(jobs_fence *f, const char *path)
{
	if (path && *path && f->nwrite < JOBS_FENCE_MAX)
		f->write[f->nwrite++] = path;
}

/* Allows rights beneath path (a folder) or on it (a file); a path that does
 * not exist allows nothing. -1 when the kernel refuses the rule. */
static int allow(int ruleset, const char *path, uint64_t rights, uint64_t handled)
{
	int fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return 0;
	struct stat st;
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		rights &= FILE_RIGHTS | TRUNCATE_RIGHT;
	struct landlock_path_beneath_attr beneath = {.allowed_access = rights & handled, .parent_fd = fd};
	long rc = syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &beneath, 0);
	close(fd);
	return rc == 0 ? 0 : -1;
}

int jobs_fence_apply(const jobs_fence *f)
{
	int version = jobs_fence_available();
	if (version <= 0)
		return 1;
	uint64_t handled = RIGHTS_V1;
	if (version >= 2)
		handled |= REFER_RIGHT;
	if (version >= 3)
		handled |= TRUNCATE_RIGHT;
	struct landlock_ruleset_attr attr = {.handled_access_fs = handled};
	int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (ruleset < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; SYSTEM[i] && rc == 0; i++)
		rc = allow(ruleset, SYSTEM[i], READ_RIGHTS, handled);
	for (size_t i = 0; DEVICES[i] && rc == 0; i++)
		rc = allow(ruleset, DEVICES[i], LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE, handled);
	/* its own /proc/<pid> (sanitizers read their maps and threads there); not Tusk's, not others' */
	if (rc == 0)
		rc = allow(ruleset, "/proc/self", LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR, handled);
	for (size_t i = 0; i < f->nread && rc == 0; i++)
		rc = allow(ruleset, f->read[i], READ_RIGHTS, handled);
	for (size_t i = 0; i < f->nwrite && rc == 0; i++)
		rc = allow(ruleset, f->write[i], handled, handled);
	if (rc == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		rc = -1;
	if (rc == 0 && syscall(SYS_landlock_restrict_self, ruleset, 0) != 0)
		rc = -1;
	close(ruleset);
	return rc;
}
