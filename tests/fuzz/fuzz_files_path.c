/* libFuzzer: paths users name in their storage area ("backups/app.dump"),
 * normalized and resolved inside it (never outside). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files/files.h"
#include "util/str.h"

static char data_dir[256];
static char *root;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	snprintf(data_dir, sizeof(data_dir), "%s/tusk-fuzz-storage-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(data_dir))
		abort();
	tusk_err err;
	if (!files_user_root(data_dir, 1, &root, &err))
		abort();
	/* something to find: a folder and a file */
	char p[512];
	snprintf(p, sizeof(p), "%s/backups", root);
	if (mkdir(p, 0700) != 0)
		abort();
	snprintf(p, sizeof(p), "%s/backups/app.dump", root);
	FILE *f = fopen(p, "w");
	if (!f)
		abort();
	fclose(f);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *rel = xstrndup((const char *)data, size);
	for (int must_exist = 0; must_exist < 2; must_exist++) {
		char *abs = NULL;
		tusk_err err;
		if (files_resolve(data_dir, 1, rel, must_exist, &abs, &err)) {
			size_t n = strlen(root);
			/* the answer is the area or inside it */
			if (strncmp(abs, root, n) != 0 || (abs[n] != '\0' && abs[n] != '/') ||
			    strstr(abs + n, "/../") || strstr(abs + n, "//"))
				abort();
			free(abs);
		}
	}
	free(rel);
	return 0;
}
