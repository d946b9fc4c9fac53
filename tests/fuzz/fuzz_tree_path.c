/* libFuzzer: the object browser's tree paths ("/databases/{db}/schemas/{s}/tables/{t}",
 * percent-encoded segments), as every catalog request parses them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = xstrndup((const char *)data, size);
	char *db = NULL, *schema = NULL, *name = NULL;
	const char *kind = NULL;
	tusk_err err;
	if (catalog_path_relation(path, &db, &schema, &name, &kind, &err)) {
		if (!db || !schema || !name || !kind)
			abort();
	}
	free(db);
	free(schema);
	free(name);
	/* segments built back from names must parse to the same names */
	str s = STR_INIT;
	str_append_cstr(&s, "/databases/");
	catalog_append_segment(&s, path);
	str_append_cstr(&s, "/schemas/");
	catalog_append_segment(&s, path);
	str_append_cstr(&s, "/tables/");
	catalog_append_segment(&s, path);
	if (*path && !memchr(data, 0, size) && str_ok(&s) &&
	    catalog_path_relation(str_cstr(&s), &db, &schema, &name, &kind, &err)) {
		if (strcmp(db, path) != 0 || strcmp(schema, path) != 0 || strcmp(name, path) != 0)
			abort();
		free(db);
		free(schema);
		free(name);
	}
	str_free(&s);
	free(path);
	return 0;
}
