/* libFuzzer: pgAdmin's servers.json (import, PGADMIN_SERVER_JSON_FILE) and the
 * server fields every server body goes through. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "api/api.h"
#include "api/server_fields.h"
#include "pg/quote.h"
#include "pg/target.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t je;
	json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
	if (!doc)
		return 0;
	json_t *details = json_array();
	store_server *list = NULL;
	size_t n = 0;
	/* the list is the caller's to free whatever the answer */
	(void)api_servers_parse_json(doc, size % 2 == 0, &list, &n, details);
	store_server_list_free(list, n);
	json_decref(details);
	/* every member as a server field: libpq parameter text, colours */
	const char *key;
	json_t *v;
	json_object_foreach(doc, key, v)
	{
		char *text = pg_json_text(v);
		if (text) {
			char why[256];
			(void)pgtarget_param_check(key, text, why, sizeof(why));
			(void)server_color_ok(text);
			free(text);
		}
	}
	json_decref(doc);
	return 0;
}
