/* Server fields shared by the servers API and the pgAdmin servers.json
 * import: libpq parameter checks and conversions. */
#ifndef TUSK_API_SERVER_FIELDS_H
#define TUSK_API_SERVER_FIELDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

/* Checks one libpq connection parameter; false with a reason. */
bool server_param_check(const char *key, const char *value, char *why, size_t n);
/* A JSON scalar (string, integer, boolean) as libpq text, malloc'd; NULL for other types. */
char *server_param_text(json_t *v);
/* "#rrggbb" or empty */
bool server_color_ok(const char *c);
/* JSON array text of db names -> PostgreSQL text[] literal (malloc'd), NULL when empty. */
char *server_restriction_literal(const char *json_array);

#endif
