/* The sign-in sources' pure parts: RFC 4515/4514 escaping of user names for LDAP, and the
 * sources' settings (Tusk's list, pgAdmin's Python list, the refusals at start). */
#include <criterion/criterion.h>
#include <string.h>

#include "auth/internal.h"
#include "config.h"

static char *filter(const char *in)
{
	str s = STR_INIT;
	auth_ldap_escape_filter(in, &s);
	return str_take(&s);
}

static char *dn(const char *in)
{
	str s = STR_INIT;
	auth_ldap_escape_dn(in, &s);
	return str_take(&s);
}

Test(signin, filter_values_escape_every_special_character)
{
	const char *cases[][2] = {
	    {"alice", "alice"},
	    {"*", "\\2a"},
	    {"al*", "al\\2a"},
	    {")(uid=*", "\\29\\28uid=\\2a"},
	    {"a\\b", "a\\5cb"},
	    {"caf\xc3\xa9", "caf\\c3\\a9"},
	    {"tab\there", "tab\\09here"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *got = filter(cases[i][0]);
		cr_assert_str_eq(got, cases[i][1], "%s", cases[i][0]);
		free(got);
	}
}

Test(signin, dn_values_escape_separators_and_edges)
{
	const char *cases[][2] = {
	    {"dora", "dora"},
	    {"alice,ou=people", "alice\\2cou\\3dpeople"},
	    {"a+b", "a\\2bb"},
	    {"#dora", "\\23dora"},
	    {" dora ", "\\20dora\\20"},
	    {"in side", "in side"},
	    {"q\"<>;\\", "q\\22\\3c\\3e\\3b\\5c"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *got = dn(cases[i][0]);
		cr_assert_str_eq(got, cases[i][1], "%s", cases[i][0]);
		free(got);
	}
}

static bool load(char **envp, config *c, tusk_err *err)
{
	char *argv[] = {"tusk", NULL};
	return config_load(c, 1, argv, envp, err);
}

Test(signin, sources_from_pgadmin_python_list_and_tusk_setting)
{
	config c;
	tusk_err err = {0};
	char *env1[] = {"PGADMIN_CONFIG_AUTHENTICATION_SOURCES=['ldap', \"internal\"]",
			"PGADMIN_CONFIG_LDAP_SERVER_URI='ldap://127.0.0.1:1'", NULL};
	cr_assert(load(env1, &c, &err), "%s", err.msg);
	cr_assert_str_eq(c.auth_sources, "ldap,internal");
	cr_assert_str_eq(c.ldap_server_uri, "ldap://127.0.0.1:1");
	config_free(&c);
	char *env2[] = {"PGADMIN_CONFIG_AUTHENTICATION_SOURCES=['internal']", "TUSK_AUTHENTICATION_SOURCES=webserver",
			NULL};
	cr_assert(load(env2, &c, &err), "%s", err.msg);
	cr_assert_str_eq(c.auth_sources, "webserver", "Tusk's own setting wins");
	config_free(&c);
	char *env3[] = {"PGADMIN_CONFIG_LDAP_BIND_PASSWORD='s3cret'", NULL};
	cr_assert(load(env3, &c, &err), "%s", err.msg);
	cr_assert_str_eq(c.ldap_bind_password, "s3cret");
	cr_assert(strstr(c.pgadmin_notes, "s3cret") == NULL, "the secret is not echoed");
	config_free(&c);
}

Test(signin, bad_sources_stop_the_start)
{
	config c;
	tusk_err err = {0};
	char *bad[][2] = {
	    {"TUSK_AUTHENTICATION_SOURCES=internal,kerberos", "not one of"},
	    {"TUSK_AUTHENTICATION_SOURCES=internal,INTERNAL", "named twice"},
	    {"TUSK_AUTHENTICATION_SOURCES= , ", "at least one"},
	    {"TUSK_AUTHENTICATION_SOURCES=oauth2", "needs its providers"},
	    {"TUSK_AUTHENTICATION_SOURCES=ldap", "URI"},
	    {"PGADMIN_CONFIG_AUTHENTICATION_SOURCES='internal'", "PGADMIN_CONFIG_AUTHENTICATION_SOURCES"},
	    {"TUSK_LDAP_SEARCH_SCOPE=everything", "subtree, level or base"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char *env[] = {bad[i][0], NULL};
		cr_assert_not(load(env, &c, &err), "%s was taken", bad[i][0]);
		cr_assert(strstr(err.msg, bad[i][1]) != NULL, "%s: %s", bad[i][0], err.msg);
		config_free(&c);
	}
}
