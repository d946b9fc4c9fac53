/* The conninfo the PSQL tool gives psql in its sandbox: the entry's host names
 * kept (TLS checks them), 127.0.0.1 and the sandbox's listeners as the way,
 * sockets without TLS, what psql cannot use refused. */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/psql_relay.h"

/* The value of key in conninfo as libpq reads it (malloc'd), or NULL. */
static char *value(const char *conninfo, const char *key)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
	cr_assert(opts, "libpq parses %s", conninfo);
	char *v = NULL;
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (strcmp(o->keyword, key) == 0 && o->val)
			v = strdup(o->val);
	PQconninfoFree(opts);
	return v;
}

static void expect(const char *conninfo, const char *key, const char *want)
{
	char *got = value(conninfo, key);
	if (!want)
		cr_assert_null(got, "%s: %s is %s", conninfo, key, got);
	else
		cr_assert(got && strcmp(got, want) == 0, "%s: %s is %s, not %s", conninfo, key, got ? got : "(none)",
			  want);
	free(got);
}

Test(psql_relay, a_named_host_keeps_its_name_and_goes_through_the_sandbox_listener)
{
	char *out = NULL;
	int n = 0;
	tusk_err err = {0};
	cr_assert(psql_sandbox_conninfo("host=db.example.com port=6432 user=alice dbname=app sslmode=verify-full "
					"sslrootcert=/data/storage/1/ca.crt passfile=/run/tusk/pgpass",
					&out, &n, &err),
		  "%s", err.msg);
	cr_assert_eq(n, 1);
	expect(out, "host", "db.example.com");
	expect(out, "hostaddr", "127.0.0.1");
	expect(out, "port", "5432");
	expect(out, "sslmode", "verify-full");
	expect(out, "sslrootcert", "/data/storage/1/ca.crt");
	expect(out, "user", "alice");
	expect(out, "dbname", "app");
	expect(out, "passfile", "/run/tusk/pgpass");
	free(out);
}

Test(psql_relay, a_pinned_address_is_replaced_and_each_host_gets_its_own_listener)
{
	char *out = NULL;
	int n = 0;
	tusk_err err = {0};
	cr_assert(psql_sandbox_conninfo("host=a.example,b.example hostaddr=10.0.0.1,10.0.0.2 port=5432,5433 "
					"target_session_attrs=read-write",
					&out, &n, &err),
		  "%s", err.msg);
	cr_assert_eq(n, 2);
	expect(out, "host", "a.example,b.example");
	expect(out, "hostaddr", "127.0.0.1,127.0.0.1");
	expect(out, "port", "5432,5433");
	expect(out, "target_session_attrs", "read-write");
	cr_assert_null(strstr(out, "10.0.0."), "the real addresses stay Tusk's: %s", out);
	free(out);
}

Test(psql_relay, a_socket_directory_is_reached_without_tls_as_libpq_does_over_a_socket)
{
	char *out = NULL;
	int n = 0;
	tusk_err err = {0};
	cr_assert(psql_sandbox_conninfo("host=/tmp/tusk-ssh-x/abc port=5432 sslmode=require", &out, &n, &err), "%s",
		  err.msg);
	cr_assert_eq(n, 1);
	expect(out, "host", "localhost");
	expect(out, "hostaddr", "127.0.0.1");
	expect(out, "sslmode", "disable");
	expect(out, "gssencmode", "disable");
	cr_assert_null(strstr(out, "tusk-ssh"), "%s", out);
	free(out);
}

Test(psql_relay, values_with_quotes_and_blanks_survive)
{
	char *out = NULL;
	int n = 0;
	tusk_err err = {0};
	cr_assert(psql_sandbox_conninfo("host=h user='o\\'brien x' dbname='a\\\\b c'", &out, &n, &err), "%s", err.msg);
	expect(out, "user", "o'brien x");
	expect(out, "dbname", "a\\b c");
	free(out);
}

Test(psql_relay, what_psql_cannot_reach_from_its_sandbox_is_refused_clearly)
{
	char *out = NULL;
	int n = 0;
	tusk_err err = {0};
	cr_assert_not(psql_sandbox_conninfo("service=prod", &out, &n, &err));
	cr_assert_eq(err.code, ERR_INVALID_SERVER);
	cr_assert(strstr(err.msg, "service=prod") != NULL, "%s", err.msg);
	cr_assert_null(out);
	cr_assert_not(psql_sandbox_conninfo("host=a,b,c,d,e,f,g,h,i", &out, &n, &err));
	cr_assert(strstr(err.msg, "at most 8 hosts") != NULL, "%s", err.msg);
	cr_assert_not(psql_sandbox_conninfo("host=a,b,c port=1,2", &out, &n, &err));
	cr_assert_not(psql_sandbox_conninfo("host='unterminated", &out, &n, &err));
}
