#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "pg/quote.h"
#include "pg/target.h"

static bool check(const char *k, const char *v, char *why)
{
	return pgtarget_param_check(k, v, why, 256);
}

Test(server_params, known_parameters_with_valid_values_pass)
{
	char why[256];
	cr_assert(check("sslmode", "verify-full", why));
	cr_assert(check("connect_timeout", "10", why));
	cr_assert(check("target_session_attrs", "read-write", why));
	cr_assert(check("sslrootcert", "/etc/ssl/ca.crt", why));
	cr_assert(check("application_name", "anything at all", why));
}

Test(server_params, unknown_keys_and_bad_values_are_named)
{
	char why[256];
	cr_assert_not(check("sslmod", "require", why));
	cr_assert(strstr(why, "'sslmod'") != NULL, "%s", why);
	cr_assert_not(check("sslmode", "always", why));
	cr_assert(strstr(why, "'always' is not one of") != NULL, "%s", why);
	cr_assert_not(check("connect_timeout", "10s", why));
	cr_assert_not(check("connect_timeout", "", why));
	cr_assert_not(check("password", "x", why), "passwords have their own field");
	cr_assert_not(check("host", "x", why), "host has its own field");
}

Test(server_params, restriction_becomes_a_quoted_array_literal)
{
	char *lit = pg_array_literal("[\"app\",\"we\\\"ird,db\",\"back\\\\slash\"]");
	cr_assert_str_eq(lit, "{\"app\",\"we\\\"ird,db\",\"back\\\\slash\"}");
	free(lit);
	cr_assert_null(pg_array_literal("[]"));
	cr_assert_null(pg_array_literal(NULL));
}

Test(server_params, scalar_values_become_text)
{
	json_t *v = json_integer(10);
	char *t = pg_json_text(v);
	cr_assert_str_eq(t, "10");
	free(t);
	json_decref(v);
	v = json_true();
	t = pg_json_text(v);
	cr_assert_str_eq(t, "1");
	free(t);
	v = json_object();
	cr_assert_null(pg_json_text(v));
	json_decref(v);
}
