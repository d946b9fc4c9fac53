/* The route table: every endpoint Tusk serves, in one place. */
#include "api/api.h"

static const http_route routes[] = {
	{"GET", "/misc/ping", api_ping, ROUTE_PUBLIC},
	{"GET", "/healthz", api_healthz, ROUTE_PUBLIC},
	{"GET", "/readyz", api_readyz, ROUTE_PUBLIC},
	{"GET", "/api/v1/version", api_version, ROUTE_PUBLIC},
};

const http_route *api_routes(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}

bool api_before(http_req *r, const http_route *route)
{
	(void)r;
	(void)route;
	return true;
}
