/* Path patterns: "/api/v1/servers/{id}/connect". A {name} segment matches one
 * non-empty path segment; a final "*" matches the rest of the path. */
#ifndef TUSK_HTTP_ROUTER_H
#define TUSK_HTTP_ROUTER_H

#include <stdbool.h>

#include "util/str.h"

#define ROUTER_MAX_PARAMS 8

typedef struct {
	slice name;
	slice value;
} route_param;

/* Returns the number of parameters captured, or -1 when the path does not match. */
int router_match(const char *pattern, slice path, route_param *params, int max_params);

#endif
