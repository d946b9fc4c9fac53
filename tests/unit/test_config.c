#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static config load_ok(int argc, char **argv, char **envp)
{
	config c;
	tusk_err err;
	cr_assert(config_load(&c, argc, argv, envp, &err), "config_load: %s", err.msg);
	return c;
}

Test(config, defaults_apply_without_flags_or_env)
{
	char *argv[] = {"tusk", NULL};
	char *envp[] = {NULL};
	config c = load_ok(1, argv, envp);
	cr_assert_eq(c.max_login_attempts, 5);
	cr_assert_eq(c.shutdown_timeout, 10);
	cr_assert_str_eq(c.script_name, "");
	cr_assert_str_eq(c.log_format, "text");
	config_free(&c);
}

Test(config, environment_beats_defaults_and_flags_beat_environment)
{
	char *argv[] = {"tusk", "--port", "7000", NULL};
	char *envp[] = {"PGADMIN_LISTEN_PORT=6000", "PGADMIN_LISTEN_ADDRESS=0.0.0.0", NULL};
	config c = load_ok(3, argv, envp);
	cr_assert_eq(c.port, 7000);
	cr_assert_str_eq(c.listen_address, "0.0.0.0");
	config_free(&c);
}

Test(config, tusk_names_win_over_pgadmin_names)
{
	char *argv[] = {"tusk", NULL};
	char *envp[] = {"PGADMIN_LISTEN_PORT=6000", "TUSK_PORT=6001", NULL};
	config c = load_ok(1, argv, envp);
	cr_assert_eq(c.port, 6001);
	config_free(&c);
}

Test(config, flag_with_equals_and_boolean_flags)
{
	char *argv[] = {"tusk", "--data-dir=/tmp/x", "--desktop", NULL};
	char *envp[] = {NULL};
	config c = load_ok(3, argv, envp);
	cr_assert_str_eq(c.data_dir, "/tmp/x");
	cr_assert(c.desktop);
	config_free(&c);
}

Test(config, script_name_is_normalized)
{
	char *argv[] = {"tusk", NULL};
	char *envp[] = {"SCRIPT_NAME=/pgadmin4/", NULL};
	config c = load_ok(1, argv, envp);
	cr_assert_str_eq(c.script_name, "/pgadmin4");
	config_free(&c);
}

Test(config, secrets_come_from_files_with_the_newline_stripped)
{
	char path[] = "/tmp/tusk-secret-XXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, "s3cret pass\n", 12), 12);
	close(fd);
	char env[128];
	snprintf(env, sizeof(env), "PGADMIN_DEFAULT_PASSWORD_FILE=%s", path);
	char *argv[] = {"tusk", NULL};
	char *envp[] = {env, NULL};
	config c = load_ok(1, argv, envp);
	cr_assert_str_eq(c.default_password, "s3cret pass");
	config_free(&c);
	unlink(path);
}

Test(config, a_value_in_the_environment_beats_its_file)
{
	char *argv[] = {"tusk", NULL};
	char *envp[] = {"PGADMIN_DEFAULT_PASSWORD=direct", "PGADMIN_DEFAULT_PASSWORD_FILE=/nonexistent", NULL};
	config c = load_ok(1, argv, envp);
	cr_assert_str_eq(c.default_password, "direct");
	config_free(&c);
}

Test(config, bad_values_are_errors_that_name_their_source)
{
	struct {
		int argc;
		char *argv[4];
		char *env;
		const char *needle;
	} cases[] = {
	    {2, {"tusk", "--nope"}, NULL, "unknown flag '--nope'"},
	    {3, {"tusk", "--port", "99999"}, NULL, "--port: '99999'"},
	    {1, {"tusk"}, "PGADMIN_LISTEN_PORT=abc", "PGADMIN_LISTEN_PORT: 'abc'"},
	    {1, {"tusk"}, "TUSK_DESKTOP=maybe", "TUSK_DESKTOP: 'maybe' is not true or false"},
	    {1, {"tusk"}, "TUSK_LOG_FORMAT=xml", "log format must be text or json"},
	    {1, {"tusk"}, "SCRIPT_NAME=pgadmin", "SCRIPT_NAME must start with '/'"},
	    {1,
	     {"tusk"},
	     "PGADMIN_DEFAULT_PASSWORD_FILE=/nonexistent/file",
	     "cannot read secret file /nonexistent/file"},
	    {2, {"tusk", "--port"}, NULL, "flag --port needs a value"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *envp[] = {cases[i].env, NULL};
		config c;
		tusk_err err = {0};
		cr_assert_not(config_load(&c, cases[i].argc, cases[i].argv, envp, &err), "case %zu loaded", i);
		cr_assert(strstr(err.msg, cases[i].needle) != NULL, "case %zu: '%s' lacks '%s'", i, err.msg,
			  cases[i].needle);
		config_free(&c);
	}
}

Test(config, server_mode_false_means_desktop)
{
	char *argv[] = {"tusk", NULL};
	char *envp[] = {"TUSK_SERVER_MODE=False", NULL};
	config c = load_ok(1, argv, envp);
	cr_assert(c.desktop);
	config_free(&c);
}

Test(config, python_literals_as_pgadmin_writes_them)
{
	struct {
		const char *in, *out;
	} ok[] = {{"True", "true"},	{"False", "false"}, {" 10 ", "10"}, {"'x y'", "x y"}, {"\"a'b\"", "a'b"},
		  {"'it\\'s'", "it's"}, {"1_000", "1000"},  {"None", ""},   {"0.5", "0.5"}};
	for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
		char *v = NULL;
		cr_assert(config_python_literal(ok[i].in, &v), "%s", ok[i].in);
		cr_assert_str_eq(v, ok[i].out, "%s", ok[i].in);
		free(v);
	}
	const char *bad[] = {"[1, 2]", "true", "'a' + 'b'", "os.getenv('X')", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char *v = NULL;
		cr_assert_not(config_python_literal(bad[i], &v), "%s", bad[i]);
	}
}

Test(config, pgadmin_config_variables_map_and_tusk_names_win)
{
	char *argv[] = {"tusk", NULL};
	char *envp[] = {"PGADMIN_CONFIG_MAX_LOGIN_ATTEMPTS=3",
			"PGADMIN_CONFIG_SESSION_EXPIRATION_TIME=2",
			"PGADMIN_CONFIG_SERVER_MODE=False",
			"PGADMIN_CONFIG_ENHANCED_COOKIE_PROTECTION=True",
			"PGADMIN_CONFIG_SOMETHING_ELSE='x'",
			"PGADMIN_CONFIG_PASSWORD_LENGTH_MIN=12",
			"TUSK_PASSWORD_LENGTH_MIN=10",
			"TUSK_PASSWORD_MIN_LENGTH=9",
			NULL};
	config c = load_ok(1, argv, envp);
	cr_assert_eq(c.max_login_attempts, 3);
	cr_assert_eq(c.session_lifetime, 2 * 86400, "days become seconds");
	cr_assert(c.desktop, "SERVER_MODE=False is desktop mode");
	cr_assert_eq(c.password_min_length, 9, "TUSK_* beats PGADMIN_CONFIG_*");
	cr_assert(strstr(c.pgadmin_notes, "ENHANCED_COOKIE_PROTECTION: ignored:") != NULL);
	cr_assert(strstr(c.pgadmin_notes, "SOMETHING_ELSE: ignored (not a setting Tusk knows)") != NULL);
	cr_assert(strstr(c.pgadmin_notes, "MAX_LOGIN_ATTEMPTS: applied") != NULL);
	config_free(&c);
}

Test(config, pgadmin_config_errors_name_the_variable)
{
	char *argv[] = {"tusk", NULL};
	char *envp1[] = {"PGADMIN_CONFIG_MAX_LOGIN_ATTEMPTS=[1]", NULL};
	config c;
	tusk_err err = {0};
	cr_assert_not(config_load(&c, 1, argv, envp1, &err));
	cr_assert(strstr(err.msg, "PGADMIN_CONFIG_MAX_LOGIN_ATTEMPTS") != NULL, "%s", err.msg);
	config_free(&c);
	char *envp2[] = {"PGADMIN_CONFIG_CONFIG_DATABASE_URI='mysql://u:hunter2@x/y'", NULL};
	cr_assert_not(config_load(&c, 1, argv, envp2, &err));
	cr_assert(strstr(err.msg, "PGADMIN_CONFIG_CONFIG_DATABASE_URI") != NULL, "%s", err.msg);
	cr_assert(strstr(err.msg, "hunter2") == NULL, "the password stays out: %s", err.msg);
	config_free(&c);
	char *envp3[] = {"PGADMIN_CONFIG_CONFIG_DATABASE_URI=postgresql://u:hunter2@x/y", NULL};
	cr_assert_not(config_load(&c, 1, argv, envp3, &err), "not a quoted literal");
	cr_assert(strstr(err.msg, "hunter2") == NULL, "the password stays out: %s", err.msg);
	config_free(&c);
}

Test(config, pgadmin_database_uri_puts_the_store_on_postgresql)
{
	char *argv[] = {"tusk", NULL};
	char *envp1[] = {"PGADMIN_CONFIG_CONFIG_DATABASE_URI='postgresql+psycopg2://u:hunter2@db:5432/pgadmin'", NULL};
	config c = load_ok(1, argv, envp1);
	cr_assert_str_eq(c.store_url, "postgresql://u:hunter2@db:5432/pgadmin", "SQLAlchemy's driver part goes");
	cr_assert(strstr(c.pgadmin_notes, "CONFIG_DATABASE_URI: applied") != NULL, "%s", c.pgadmin_notes);
	cr_assert(strstr(c.pgadmin_notes, "hunter2") == NULL, "the notes are logged: no password");
	config_free(&c);

	char *envp2[] = {"PGADMIN_CONFIG_CONFIG_DATABASE_URI='postgres://a@b/c'", "TUSK_STORE_URL=host=h dbname=d",
			 NULL};
	c = load_ok(1, argv, envp2);
	cr_assert_str_eq(c.store_url, "host=h dbname=d", "TUSK_STORE_URL wins");
	config_free(&c);

	char *envp3[] = {"PGADMIN_CONFIG_CONFIG_DATABASE_URI='sqlite:////var/lib/pgadmin/pgadmin4.db'", NULL};
	c = load_ok(1, argv, envp3);
	cr_assert(c.store_url == NULL || !*c.store_url, "a SQLite URI keeps Tusk's own SQLite store");
	cr_assert(strstr(c.pgadmin_notes, "CONFIG_DATABASE_URI: ignored") != NULL, "%s", c.pgadmin_notes);
	config_free(&c);
}

Test(config, store_url_from_flag_environment_or_file)
{
	char path[] = "/tmp/tusk-store-url-XXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	const char *url = "postgresql://tusk:s3cret@db.example:5432/tusk?sslmode=require\n";
	cr_assert_eq(write(fd, url, strlen(url)), (ssize_t)strlen(url));
	close(fd);
	char file_env[64];
	snprintf(file_env, sizeof(file_env), "TUSK_STORE_URL_FILE=%s", path);
	char *argv[] = {"tusk", NULL};
	char *envp[] = {file_env, NULL};
	config c = load_ok(1, argv, envp);
	cr_assert_str_eq(c.store_url, "postgresql://tusk:s3cret@db.example:5432/tusk?sslmode=require");
	config_free(&c);

	char *argv2[] = {"tusk", "--store-url", "host=db dbname=tusk", NULL};
	c = load_ok(3, argv2, envp);
	cr_assert_str_eq(c.store_url, "host=db dbname=tusk", "the flag wins over the file");
	config_free(&c);
	unlink(path);

	tusk_err err;
	char *envp3[] = {"TUSK_STORE_URL=sqlite:///x/tusk.db", NULL};
	cr_assert_not(config_load(&c, 1, argv, envp3, &err));
	cr_assert(strstr(err.msg, "postgresql://") != NULL, "%s", err.msg);
	config_free(&c);
	char *envp4[] = {"TUSK_STORE_URL=mysql://u:hunter2@x/y", NULL};
	cr_assert_not(config_load(&c, 1, argv, envp4, &err));
	cr_assert(strstr(err.msg, "hunter2") == NULL, "%s", err.msg);
	config_free(&c);
}
