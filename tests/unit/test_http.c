/* What the HTTP layer decides without a connection: the forwarded prefix
 * it accepts (it ends up in Set-Cookie paths, <base href> and redirects,
 * so anything but a clean path is ignored). Routing: test_router.c. */
#include <criterion/criterion.h>

#include "http/http.h"

Test(http_prefix, clean_paths_only)
{
	static const char *const good[] = {"/pgadmin", "/pgadmin/", "/tools/pgadmin4", "/a-b_c~d.e", "/v1.2/x", "/"};
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		cr_assert(http_prefix_valid(good[i]), "'%s' refused", good[i]);
	static const char *const bad[] = {"",
					  "pgadmin",
					  "//evil.example",
					  "/a//b",
					  "/..",
					  "/a/../b",
					  "/./a",
					  "/a/.",
					  "/a b",
					  "/a;b",
					  "/a\"b",
					  "/a\r\nSet-Cookie: x=y",
					  "/a?b",
					  "/a#b",
					  "/a%2e%2e",
					  "/\xc3\xa9",
					  "https://evil.example/"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_assert_not(http_prefix_valid(bad[i]), "'%s' accepted", bad[i]);
	char longer[300];
	memset(longer, 'a', sizeof(longer));
	longer[0] = '/';
	longer[sizeof(longer) - 1] = '\0';
	cr_assert_not(http_prefix_valid(longer), "a prefix over 256 characters");
}
