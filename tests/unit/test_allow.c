#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "pg/allow.h"

static bool allowed(const char *spec, const char *host, const char *hostaddr, const char *port, char **pinned)
{
	tusk_err err = {0};
	pgallow *a = pgallow_new(spec, &err);
	cr_assert(a, "%s: %s", spec, err.msg);
	char *pin = NULL;
	bool ok = pgallow_check(a, host, hostaddr, port, &pin, &err);
	if (pinned)
		*pinned = pin;
	else
		free(pin);
	pgallow_free(a);
	return ok;
}

Test(allow, no_list_allows_tcp_but_no_socket)
{
	cr_assert(allowed("", "db.example.com", NULL, "5432", NULL));
	cr_assert(allowed(NULL, "10.1.2.3", NULL, NULL, NULL));
	cr_assert_not(allowed("", "/var/run/postgresql", NULL, NULL, NULL));
	cr_assert_not(allowed("", "@abstract", NULL, NULL, NULL));
	cr_assert_not(allowed("", NULL, NULL, NULL, NULL), "no host: libpq's default socket");
}

Test(allow, ranges_ports_and_names)
{
	cr_assert(allowed("10.0.0.0/8", NULL, "10.9.8.7", NULL, NULL));
	cr_assert_not(allowed("10.0.0.0/8", NULL, "11.0.0.1", NULL, NULL));
	cr_assert(allowed("10.0.0.0/8:5432", NULL, "10.0.0.1", "5432", NULL));
	cr_assert_not(allowed("10.0.0.0/8:5432", NULL, "10.0.0.1", "5433", NULL));
	cr_assert(allowed("10.0.0.0/8:5432-5439", NULL, "10.0.0.1", "5439", NULL));
	cr_assert(allowed("[fd00::/8]:5432", NULL, "fd12::1", "5432", NULL));
	cr_assert(allowed("fd00::/8", NULL, "fd12::1", "6000", NULL));
	cr_assert(allowed("db.example.com", "DB.example.com", NULL, NULL, NULL));
	cr_assert(allowed("*.svc.cluster.local:5432", "pg-rw.team.svc.cluster.local", NULL, "5432", NULL));
	cr_assert_not(allowed("*.svc.cluster.local", "svc.cluster.local", NULL, NULL, NULL));
	cr_assert_not(allowed("*.svc.cluster.local", "evil.svc.cluster.local.attacker.net", NULL, NULL, NULL));
	cr_assert(allowed("*:5432", "anything.example", NULL, "5432", NULL));
	cr_assert_not(allowed("*:5432", "anything.example", NULL, "22", NULL));
	cr_assert(allowed("/var/run/postgresql", "/var/run/postgresql/", NULL, NULL, NULL));
	/* a listed name with an address elsewhere: the address decides */
	cr_assert_not(allowed("db.example.com", "db.example.com", "192.0.2.1", NULL, NULL));
}

Test(allow, a_name_not_listed_is_resolved_and_pinned)
{
	char *pin = NULL;
	cr_assert(allowed("127.0.0.0/8", "localhost", NULL, "5432", &pin));
	cr_assert_str_eq(pin, "127.0.0.1");
	free(pin);
	cr_assert_not(allowed("10.0.0.0/8", "localhost", NULL, NULL, NULL));
	/* a list of hosts: each checked, pins where needed */
	cr_assert(allowed("127.0.0.0/8, db.example.com", "db.example.com,localhost", NULL, "5432,5433", &pin));
	cr_assert_str_eq(pin, ",127.0.0.1");
	free(pin);
	cr_assert_not(allowed("127.0.0.0/8", "localhost,localhost", NULL, "1,2,3", NULL), "ports and hosts must pair");
}

Test(allow, bad_lists_are_refused)
{
	tusk_err err = {0};
	cr_assert_null(pgallow_new("10.0.0.0/33", &err));
	cr_assert_null(pgallow_new("host!", &err));
	cr_assert(strstr(err.msg, "TUSK_ALLOWED_HOSTS"));
	cr_assert_null(pgallow_new("[fd00::1", &err));
}
