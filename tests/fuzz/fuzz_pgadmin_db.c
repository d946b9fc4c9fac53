/* libFuzzer: a pgAdmin configuration database (pgadmin4.db) found on a volume
 * Tusk takes over: any bytes there are read safely (users and servers or a
 * clear refusal). */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pgadmin/import.h"
#include "util/log.h"

static char path[256];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	log_setup(LOG_ERROR, false);
	snprintf(path, sizeof(path), "%s/tusk-fuzz-pgadmin-%d.db", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
		 (int)getpid());
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	pgadmin_user *users = NULL;
	size_t n = 0;
	tusk_err err;
	if (pgadmin_read(path, &users, &n, &err))
		pgadmin_users_free(users, n);
	unlink(path);
	return 0;
}
