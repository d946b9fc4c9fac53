/* libFuzzer: pgAdmin's OAUTH2_CONFIG, a Python literal list of dicts, through the literal reader
 * and the providers' checks, as the environment gives it. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *v = config_python_value((const char *)data, size);
	if (v) {
		/* what the reader accepts is JSON Tusk can write and read back */
		char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		json_t *back = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
		if (!text || !back || !json_equal(v, back))
			abort();
		free(text);
		json_decref(back);
		json_decref(v);
	}
	char *in = xstrndup((const char *)data, size);
	char *env_entry = xmalloc(strlen(in) + 40);
	memcpy(env_entry, "PGADMIN_CONFIG_OAUTH2_CONFIG=", 29);
	memcpy(env_entry + 29, in, strlen(in) + 1);
	char *envp[] = {env_entry, "TUSK_AUTHENTICATION_SOURCES=oauth2", NULL};
	char *argv[] = {"tusk", NULL};
	config c;
	tusk_err err;
	(void)!config_load(&c, 1, argv, envp, &err);
	config_free(&c);
	free(env_entry);
	free(in);
	return 0;
}
