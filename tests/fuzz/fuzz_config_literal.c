/* libFuzzer: PGADMIN_CONFIG_* values, Python literals as pgAdmin's config takes them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = xstrndup((const char *)data, size);
	char *out = NULL;
	if (config_python_literal(in, &out)) {
		if (!out || strlen(out) > strlen(in))
			abort(); /* a literal's text is never longer than the literal */
	}
	free(out);
	/* and through config_load, as the environment gives it */
	char *env_entry = xmalloc(strlen(in) + 40);
	memcpy(env_entry, "PGADMIN_CONFIG_MAX_LOGIN_ATTEMPTS=", 34);
	memcpy(env_entry + 34, in, strlen(in) + 1);
	char *envp[] = {env_entry, NULL};
	char *argv[] = {"tusk", NULL};
	config c;
	tusk_err err;
	(void)!config_load(&c, 1, argv, envp, &err);
	config_free(&c);
	free(env_entry);
	free(in);
	return 0;
}
