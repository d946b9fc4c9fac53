#include <criterion/criterion.h>

#include "http/router.h"

static int match(const char *pattern, const char *path, route_param *p)
{
	return router_match(pattern, slice_cstr(path), p, ROUTER_MAX_PARAMS);
}

Test(router, literal_paths)
{
	route_param p[ROUTER_MAX_PARAMS];
	cr_assert_eq(match("/misc/ping", "/misc/ping", p), 0);
	cr_assert_eq(match("/misc/ping", "/misc/ping/", p), -1);
	cr_assert_eq(match("/misc/ping", "/misc/pin", p), -1);
	cr_assert_eq(match("/misc/ping", "/misc", p), -1);
	cr_assert_eq(match("/", "/", p), 0);
}

Test(router, parameters_capture_one_segment)
{
	route_param p[ROUTER_MAX_PARAMS];
	cr_assert_eq(match("/api/v1/servers/{id}/connect", "/api/v1/servers/42/connect", p), 1);
	cr_assert(slice_eq_cstr(p[0].name, "id"));
	cr_assert(slice_eq_cstr(p[0].value, "42"));
	cr_assert_eq(match("/api/v1/servers/{id}", "/api/v1/servers/", p), -1);
	cr_assert_eq(match("/api/v1/servers/{id}", "/api/v1/servers/1/2", p), -1);
	cr_assert_eq(match("/a/{x}/b/{y}", "/a/1/b/two", p), 2);
	cr_assert(slice_eq_cstr(p[1].name, "y"));
	cr_assert(slice_eq_cstr(p[1].value, "two"));
}

Test(router, star_matches_the_rest)
{
	route_param p[ROUTER_MAX_PARAMS];
	cr_assert_eq(match("/assets/*", "/assets/app.js", p), 0);
	cr_assert_eq(match("/assets/*", "/assets/a/b/c", p), 0);
	cr_assert_eq(match("/assets/*", "/other/app.js", p), -1);
}

Test(router, too_many_parameters_do_not_match)
{
	route_param p[1];
	cr_assert_eq(router_match("/{a}/{b}", slice_cstr("/1/2"), p, 1), -1);
}
