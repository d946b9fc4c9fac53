/* HTTP handlers. The route table lives in routes.c; each feature has its own
 * file. Handlers call store/, auth/, pg/ ... never the other way round. */
#ifndef TUSK_API_API_H
#define TUSK_API_API_H

#include <time.h>

#include "config.h"
#include "http/http.h"
#include "store/store.h"

typedef struct {
	const config *cfg;
	store *store;
	time_t started;
} tusk_app;

const http_route *api_routes(size_t *n);
bool api_before(http_req *r, const http_route *route);

/* misc.c */
void api_ping(http_req *r);
void api_healthz(http_req *r);
void api_readyz(http_req *r);
void api_version(http_req *r);

#endif
