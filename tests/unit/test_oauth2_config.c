/* The oauth2 source's providers: pgAdmin's Python literal list of dicts, Tusk's JSON form and its
 * file, the defaults, and the refusals at start. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static bool load(char **env, config *c, tusk_err *err)
{
	char *argv[] = {"tusk", "--data-dir", "/tmp/tusk-unit-oauth2", NULL};
	return config_load(c, 3, argv, env, err);
}

static char *as_json(const char *py)
{
	json_t *v = config_python_value(py, strlen(py));
	if (!v)
		return NULL;
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(v);
	return s;
}

Test(oauth2_config, python_literals_read_as_json)
{
	const char *cases[][2] = {
	    {"[{'a': 'x', \"b\": True, 'c': None,}, ]", "[{\"a\":\"x\",\"b\":true,\"c\":null}]"},
	    {" {'k': [1, -2, 1_000, 'it\\'s']} ", "{\"k\":[1,-2,1000,\"it's\"]}"},
	    {"'a\\\\b\\n'", "\"a\\\\b\\n\""},
	    {"[]", "[]"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *got = as_json(cases[i][0]);
		cr_assert(got, "%s refused", cases[i][0]);
		cr_assert_str_eq(got, cases[i][1]);
		free(got);
	}
	const char *bad[] = {
	    "[",    "[1 2]",	       "{'a'}", "{1: 2}", "'open", "[[[[[[[[[[1]]]]]]]]]]", "os.system('x')",
	    "[1],", "{'a': 1 'b': 2}", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_assert_null(config_python_value(bad[i], strlen(bad[i])), "%s taken", bad[i]);
}

Test(oauth2_config, pgadmin_list_with_defaults)
{
	config c;
	tusk_err err = {0};
	char *env[] = {
	    "TUSK_AUTHENTICATION_SOURCES=oauth2,internal",
	    "PGADMIN_CONFIG_OAUTH2_CONFIG=[{'OAUTH2_NAME': 'kc', 'OAUTH2_CLIENT_ID': 'tusk', "
	    "'OAUTH2_CLIENT_SECRET': 's3cret', 'OAUTH2_SERVER_METADATA_URL': "
	    "'https://idp/.well-known/openid-configuration', 'OAUTH2_ADDITIONAL_CLAIMS': {'groups': ['dba']}, "
	    "'OAUTH2_SSL_CERT_VERIFICATION': False}]",
	    NULL};
	cr_assert(load(env, &c, &err), "%s", err.msg);
	cr_assert_eq(c.noauth2, 1);
	const config_oauth2 *p = config_oauth2_find(&c, "kc");
	cr_assert(p);
	cr_assert_str_eq(p->display_name, "kc");
	cr_assert_str_eq(p->scope, "openid email profile");
	cr_assert_str_eq(p->username_claim, "email");
	cr_assert_str_eq(p->client_secret, "s3cret");
	cr_assert_str_eq(p->additional_claims, "{\"groups\":[\"dba\"]}");
	cr_assert(p->auto_create_user);
	cr_assert_not(p->ssl_cert_verification);
	cr_assert(strstr(c.pgadmin_notes, "s3cret") == NULL, "the secret is not echoed");
	config_free(&c);
}

Test(oauth2_config, tusk_json_wins_and_secret_file)
{
	char path[] = "/tmp/tusk-oauth2-secretXXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, "from-file\n", 10), 10);
	close(fd);
	char json[512];
	snprintf(
	    json, sizeof(json),
	    "TUSK_OAUTH2_CONFIG=[{\"OAUTH2_NAME\":\"gh\",\"OAUTH2_CLIENT_ID\":\"x\",\"OAUTH2_CLIENT_SECRET_FILE\":\"%s\","
	    "\"OAUTH2_AUTHORIZATION_URL\":\"https://gh/authorize\",\"OAUTH2_TOKEN_URL\":\"https://gh/token\","
	    "\"OAUTH2_API_BASE_URL\":\"https://api.gh/\",\"OAUTH2_USERINFO_ENDPOINT\":\"user\",\"OAUTH2_SCOPE\":\"user:email\"}]",
	    path);
	char *env[] = {"TUSK_AUTHENTICATION_SOURCES=oauth2",
		       "PGADMIN_CONFIG_OAUTH2_CONFIG=[{'OAUTH2_NAME': 'other', 'OAUTH2_CLIENT_ID': 'y', "
		       "'OAUTH2_SERVER_METADATA_URL': 'https://idp/x'}]",
		       json, NULL};
	config c;
	tusk_err err = {0};
	cr_assert(load(env, &c, &err), "%s", err.msg);
	unlink(path);
	cr_assert_eq(c.noauth2, 1);
	cr_assert_str_eq(c.oauth2[0].name, "gh");
	cr_assert_str_eq(c.oauth2[0].client_secret, "from-file");
	config_free(&c);
}

Test(oauth2_config, bad_providers_stop_the_start)
{
	char *bad[][2] = {
	    {"PGADMIN_CONFIG_OAUTH2_CONFIG=[{'OAUTH2_NAME': 'a b', 'OAUTH2_CLIENT_ID': 'x', 'OAUTH2_SERVER_METADATA_URL': "
	     "'https://i/x'}]",
	     "OAUTH2_NAME must be"},
	    {"PGADMIN_CONFIG_OAUTH2_CONFIG=[{'OAUTH2_NAME': 'a', 'OAUTH2_SERVER_METADATA_URL': 'https://i/x'}]",
	     "OAUTH2_CLIENT_ID is missing"},
	    {"PGADMIN_CONFIG_OAUTH2_CONFIG=[{'OAUTH2_NAME': 'a', 'OAUTH2_CLIENT_ID': 'x'}]",
	     "OAUTH2_AUTHORIZATION_URL must be"},
	    {"PGADMIN_CONFIG_OAUTH2_CONFIG=[{'OAUTH2_NAME': 'a', 'OAUTH2_CLIENT_ID': 'x', 'OAUTH2_SERVER_METADATA_URL': "
	     "'ftp://i'}]",
	     "OAUTH2_SERVER_METADATA_URL must be"},
	    {"PGADMIN_CONFIG_OAUTH2_CONFIG=[{'OAUTH2_NAME': 'a', 'OAUTH2_CLIENT_ID': 'x', 'OAUTH2_SERVER_METADATA_URL': "
	     "'https://i/x', 'OAUTH2_CLIENTID': 'y'}]",
	     "'OAUTH2_CLIENTID' is not a key"},
	    {"PGADMIN_CONFIG_OAUTH2_CONFIG=[{'OAUTH2_NAME': 'a', 'OAUTH2_CLIENT_ID': 'x', 'OAUTH2_SERVER_METADATA_URL': "
	     "'https://i/x', 'OAUTH2_AUTO_CREATE_USER': 'yes'}]",
	     "must be True or False"},
	    {"PGADMIN_CONFIG_OAUTH2_CONFIG=[{'OAUTH2_NAME': 'a', 'OAUTH2_CLIENT_ID': 'x', 'OAUTH2_SERVER_METADATA_URL': "
	     "'https://i/x', 'OAUTH2_ADDITIONAL_CLAIMS': {'groups': [1]}}]",
	     "map claim names"},
	    {"PGADMIN_CONFIG_OAUTH2_CONFIG=[{'OAUTH2_NAME': 'a', 'OAUTH2_CLIENT_ID': 'x', 'OAUTH2_SERVER_METADATA_URL': "
	     "'https://i/x'}, {'OAUTH2_NAME': 'a', 'OAUTH2_CLIENT_ID': 'x', 'OAUTH2_SERVER_METADATA_URL': 'https://i/x'}]",
	     "used twice"},
	    {"PGADMIN_CONFIG_OAUTH2_CONFIG=[{'OAUTH2_NAME': 'a',", "not a Python literal"},
	    {"TUSK_OAUTH2_CONFIG=[{\"OAUTH2_NAME\": }]", "TUSK_OAUTH2_CONFIG is not JSON"},
	    {"TUSK_OAUTH2_CONFIG={}", "a list of at most"},
	    {"TUSK_OAUTH2_CONFIG=[]", "needs its providers"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char *env[] = {"TUSK_AUTHENTICATION_SOURCES=oauth2", bad[i][0], NULL};
		config c;
		tusk_err err = {0};
		cr_assert_not(load(env, &c, &err), "%s was taken", bad[i][0]);
		cr_assert(strstr(err.msg, bad[i][1]) != NULL, "%s: %s", bad[i][0], err.msg);
		config_free(&c);
	}
}
