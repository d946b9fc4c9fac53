/* The statements Tusk writes about one object of the tree (catalog/statement.c):
 * each kind's DROP, COMMENT, OWNER, RENAME and SET SCHEMA assembled from
 * the parts PostgreSQL addresses it by (written here as
 * pg_identify_object_as_address and quote_ident give them), so a part
 * holding " on ", "." or quotes stays one part; what PostgreSQL lacks is
 * refused, never guessed. The tests that quote a user's name or run
 * statements use a real connection to the cluster TEST_PG* names
 * (scripts/test.sh sets them) and are skipped, saying so, without it. */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"

/* An object from its type and parts: "raw|quoted" for each name, then NULL,
 * then each arg ("raw|quoted", or "raw" alone where the quoting is unused),
 * then NULL. */
static catalog_object object(const char *type, ...)
{
	catalog_object o = {.type = xstrdup(type), .identity = xstrdup("(shown only)")};
	va_list ap;
	va_start(ap, type);
	for (int list = 0; list < 2; list++) {
		catalog_part **parts = list ? &o.args : &o.names;
		size_t *n = list ? &o.nargs : &o.nnames;
		for (const char *p; (p = va_arg(ap, const char *));) {
			const char *bar = strchr(p, '|');
			*parts = xrealloc(*parts, (*n + 1) * sizeof(**parts));
			(*parts)[(*n)++] = (catalog_part){bar ? xstrndup(p, (size_t)(bar - p)) : xstrdup(p),
							  xstrdup(bar ? bar + 1 : p)};
		}
	}
	va_end(ap);
	return o;
}

/* DROP's statement, and whether it runs in a transaction block. */
static void expect_drop(catalog_object o, bool cascade, const char *want, bool in_transaction)
{
	str out = STR_INIT;
	bool transaction = !in_transaction;
	tusk_err err = {0};
	cr_assert(catalog_sql_drop(&o, cascade, &out, &transaction, &err), "%s: %s", o.type, err.msg);
	cr_expect_str_eq(str_cstr(&out), want);
	cr_expect_eq(transaction, in_transaction, "%s", want);
	str_free(&out);
	catalog_object_free(&o);
}

static void expect_drop_refused(catalog_object o, bool cascade, const char *code)
{
	str out = STR_INIT;
	bool transaction = true;
	tusk_err err = {0};
	cr_expect_not(catalog_sql_drop(&o, cascade, &out, &transaction, &err), "%s: %s", o.type, str_cstr(&out));
	cr_expect_str_eq(err_name(err.code), code, "%s: %s", o.type, err.msg);
	cr_expect_eq(out.len, 0u, "nothing is written for a refusal");
	str_free(&out);
	catalog_object_free(&o);
}

Test(statement, a_trigger_named_a_on_b_is_one_part)
{
	expect_drop(object("trigger", "s.x|\"s.x\"", "a on b|\"a on b\"", "a on b|\"a on b\"", NULL, NULL), false,
		    "DROP TRIGGER \"a on b\" ON \"s.x\".\"a on b\";", true);
	expect_drop(object("trigger", "public|public", "t|t", "a ON b|\"a ON b\"", NULL, NULL), true,
		    "DROP TRIGGER \"a ON b\" ON public.t CASCADE;", true);
	expect_drop(object("policy", "public|public", "t|t", "p on q|\"p on q\"", NULL, NULL), false,
		    "DROP POLICY \"p on q\" ON public.t;", true);
	expect_drop(object("rule", "public|public", "t|t", "r|r", NULL, NULL), false, "DROP RULE r ON public.t;", true);
	expect_drop(object("access method", "a m|\"a m\"", NULL, NULL), true, "DROP ACCESS METHOD \"a m\" CASCADE;",
		    true);
	expect_drop(object("operator class", "btree|btree", "S|\"S\"", "a.b on c|\"a.b on c\"", NULL, NULL), false,
		    "DROP OPERATOR CLASS \"S\".\"a.b on c\" USING btree;", true);
	expect_drop(object("operator family", "my am|\"my am\"", "s|s", "f|f", NULL, NULL), true,
		    "DROP OPERATOR FAMILY s.f USING \"my am\" CASCADE;", true);
	expect_drop(object("transform", "s.\"T\"|\"s.\"\"T\"\"\"", NULL, "plpgsql|plpgsql", NULL), false,
		    "DROP TRANSFORM FOR s.\"T\" LANGUAGE plpgsql;", true);
}

Test(statement, a_column_or_constraint_with_dots_and_on_is_one_part)
{
	expect_drop(object("table column", "public|public", "t|t", "x.y|\"x.y\"", NULL, NULL), false,
		    "ALTER TABLE public.t DROP COLUMN \"x.y\";", true);
	expect_drop(object("table constraint", "s|s", "a.b|\"a.b\"", "c on d|\"c on d\"", NULL, NULL), true,
		    "ALTER TABLE s.\"a.b\" DROP CONSTRAINT \"c on d\" CASCADE;", true);
	/* a domain constraint: the domain as schema and name, the constraint an arg */
	expect_drop(object("domain constraint", "s|s", "D on e|\"D on e\"", NULL, "k on v|\"k on v\"", NULL), false,
		    "ALTER DOMAIN s.\"D on e\" DROP CONSTRAINT \"k on v\";", true);
}

Test(statement, routines_aggregates_operators_and_casts_take_their_argument_types_as_postgresql_wrote_them)
{
	expect_drop(
	    object("function", "s.x|\"s.x\"", "f(x)|\"f(x)\"", NULL, "\"s.x\".\"My T\"", "pg_catalog.text", NULL),
	    false, "DROP FUNCTION \"s.x\".\"f(x)\"(\"s.x\".\"My T\", pg_catalog.text);", true);
	expect_drop(object("procedure", "s|s", "p|p", NULL, NULL), false, "DROP PROCEDURE s.p();", true);
	/* an aggregate of no arguments is written (*); () is a syntax error */
	expect_drop(object("aggregate", "s|s", "cnt|cnt", NULL, NULL), false, "DROP AGGREGATE s.cnt(*);", true);
	expect_drop(object("aggregate", "s|s", "mx|mx", NULL, "integer", NULL), false, "DROP AGGREGATE s.mx(integer);",
		    true);
	/* an operator's symbols go bare; a prefix operator's missing side is NONE */
	catalog_object prefix = object("operator", "s.x|\"s.x\"", "#/%|\"#/%\"", NULL, "integer", NULL);
	prefix.oprkind = 'l';
	expect_drop(prefix, false, "DROP OPERATOR \"s.x\".#/% (NONE, integer);", true);
	catalog_object postfix = object("operator", "s|s", "!|\"!\"", NULL, "bigint", NULL);
	postfix.oprkind = 'r';
	expect_drop(postfix, false, "DROP OPERATOR s.! (bigint, NONE);", true);
	catalog_object infix = object("operator", "s|s", "+|\"+\"", NULL, "integer", "s.\"a on b\"", NULL);
	infix.oprkind = 'b';
	expect_drop(infix, true, "DROP OPERATOR s.+ (integer, s.\"a on b\") CASCADE;", true);
	expect_drop(object("cast", "\"s.x\".\"My T\"", NULL, "integer", NULL), false,
		    "DROP CAST (\"s.x\".\"My T\" AS integer);", true);
}

Test(statement, kinds_take_their_own_keywords)
{
	expect_drop(object("statistics object", "s|s", "st on|\"st on\"", NULL, NULL), false,
		    "DROP STATISTICS s.\"st on\";", true);
	expect_drop(object("foreign-data wrapper", "w|w", NULL, NULL), false, "DROP FOREIGN DATA WRAPPER w;", true);
	expect_drop(object("server", "srv x|\"srv x\"", NULL, NULL), true, "DROP SERVER \"srv x\" CASCADE;", true);
	expect_drop(object("text search configuration", "s|s", "c|c", NULL, NULL), false,
		    "DROP TEXT SEARCH CONFIGURATION s.c;", true);
	expect_drop(object("materialized view", "s|s", "m|m", NULL, NULL), false, "DROP MATERIALIZED VIEW s.m;", true);
	expect_drop(object("domain", "s|s", "d|d", NULL, NULL), false, "DROP DOMAIN s.d;", true);
	expect_drop(object("type", "s|s", "My T|\"My T\"", NULL, NULL), false, "DROP TYPE s.\"My T\";", true);
	expect_drop(object("index", "s|s", "select|\"select\"", NULL, NULL), false, "DROP INDEX s.\"select\";", true);
	/* a user mapping names its user, or PUBLIC (addressed as "public", which no role may be called) */
	expect_drop(object("user mapping", "a on b|\"a on b\"", NULL, "s.v|\"s.v\"", NULL), false,
		    "DROP USER MAPPING FOR \"a on b\" SERVER \"s.v\";", true);
	expect_drop(object("user mapping", "public|public", NULL, "s|s", NULL), false,
		    "DROP USER MAPPING FOR PUBLIC SERVER s;", true);
}

Test(statement, what_cannot_run_in_a_transaction_block_says_so)
{
	expect_drop(object("tablespace", "ts 1|\"ts 1\"", NULL, NULL), false, "DROP TABLESPACE \"ts 1\";", false);
	expect_drop(object("subscription", "sub|sub", NULL, NULL), true, "DROP SUBSCRIPTION sub CASCADE;", false);
	expect_drop(object("role", "r|r", NULL, NULL), false, "DROP ROLE r;", true);
}

Test(statement, what_postgresql_lacks_is_refused)
{
	expect_drop_refused(object("role", "r|r", NULL, NULL), true, "no_cascade");
	expect_drop_refused(object("tablespace", "t|t", NULL, NULL), true, "no_cascade");
	expect_drop_refused(object("user mapping", "u|u", NULL, "s|s", NULL), true, "no_cascade");
	expect_drop_refused(object("database", "d|d", NULL, NULL), false, "unavailable");
	expect_drop_refused(object("default acl", "r|r", NULL, "r|r", NULL), false, "unavailable");
	/* parts in a shape Tusk does not know (a newer PostgreSQL): refused, not guessed */
	expect_drop_refused(object("table column", "t|t", "c|c", NULL, NULL), false, "unavailable");
	expect_drop_refused(object("cast", "integer", NULL, NULL), false, "unavailable");
	catalog_object unsided = object("operator", "s|s", "+|+", NULL, "integer", NULL);
	expect_drop_refused(unsided, false, "unavailable"); /* one side, but which is unknown */
	catalog_object missing = object("table", "s|s", "t|t", NULL, NULL);
	free(missing.names[1].raw);
	missing.names[1].raw = NULL;
	expect_drop_refused(missing, false, "unavailable");
}

Test(statement, the_reference_names_the_object_or_the_part_and_its_parent)
{
	struct {
		catalog_object o;
		const char *ref, *on;
	} cases[] = {
	    {object("table", "s.x|\"s.x\"", "a on b|\"a on b\"", NULL, NULL), "\"s.x\".\"a on b\"", ""},
	    {object("trigger", "s|s", "t|t", "a on b|\"a on b\"", NULL, NULL), "\"a on b\"", "s.t"},
	    {object("function", "s|s", "f|f", NULL, "integer", NULL), "s.f(integer)", ""},
	    {object("domain constraint", "s|s", "d|d", NULL, "c|c", NULL), "c", "s.d"},
	    {object("schema", "x.y|\"x.y\"", NULL, NULL), "\"x.y\"", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		str ref = STR_INIT, on = STR_INIT;
		tusk_err err = {0};
		cr_assert(catalog_object_ref(&cases[i].o, &ref, &on, &err), "%s", err.msg);
		cr_expect_str_eq(str_cstr(&ref), cases[i].ref);
		cr_expect_str_eq(str_cstr(&on), cases[i].on);
		str_free(&ref);
		str_free(&on);
		catalog_object_free(&cases[i].o);
	}
}

/* ---- with a connection: the user's names quoted by libpq, and runs ---- */

static PGconn *conn;

static void quiet(void *arg, const char *msg)
{
	(void)arg, (void)msg; /* DROP ... IF EXISTS says when there was nothing */
}

static void connect_cluster(void)
{
	const char *host = getenv("TEST_PGHOST");
	if (!host)
		cr_skip_test("TEST_PGHOST is not set (scripts/test.sh sets it): no PostgreSQL to quote and run with");
	char info[1024];
	snprintf(info, sizeof(info), "host=%s port=%s user=%s password=%s dbname=postgres", host,
		 getenv("TEST_PGPORT") ? getenv("TEST_PGPORT") : "5432",
		 getenv("TEST_PGUSER") ? getenv("TEST_PGUSER") : "postgres",
		 getenv("TEST_PGPASSWORD") ? getenv("TEST_PGPASSWORD") : "");
	conn = PQconnectdb(info);
	cr_assert_eq(PQstatus(conn), CONNECTION_OK, "%s", PQerrorMessage(conn));
	PQsetNoticeProcessor(conn, quiet, NULL);
	PQclear(PQexec(conn, "SET client_encoding TO 'UTF8'"));
}

static void disconnect_cluster(void)
{
	if (conn)
		PQfinish(conn);
	conn = NULL;
}

static const char *one(const char *sql)
{
	static char value[256];
	PGresult *r = PQexec(conn, sql);
	cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(conn));
	snprintf(value, sizeof(value), "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return value;
}

TestSuite(statement_conn, .init = connect_cluster, .fini = disconnect_cluster);

Test(statement_conn, comment_owner_rename_and_schema_quote_the_users_names)
{
	catalog_object o = object("table", "s.x|\"s.x\"", "a on b|\"a on b\"", NULL, NULL);
	str out = STR_INIT;
	tusk_err err = {0};
	cr_assert(catalog_sql_comment(conn, &o, "it's \\ here", &out, &err), "%s", err.msg);
	str_append_char(&out, '\n');
	cr_assert(catalog_sql_comment(conn, &o, NULL, &out, &err), "%s", err.msg);
	str_append_char(&out, '\n');
	cr_assert(catalog_sql_owner(conn, &o, "Ann \"the\" owner", &out, &err), "%s", err.msg);
	str_append_char(&out, '\n');
	/* after the rename the move names the renamed table, in its old schema */
	cr_assert(catalog_sql_rename(conn, &o, "x.y", &out, &err), "%s", err.msg);
	str_append_char(&out, '\n');
	cr_assert(catalog_sql_set_schema(conn, &o, "new s", &out, &err), "%s", err.msg);
	cr_expect_str_eq(str_cstr(&out), "COMMENT ON TABLE \"s.x\".\"a on b\" IS  E'it''s \\\\ here';\n"
					 "COMMENT ON TABLE \"s.x\".\"a on b\" IS NULL;\n"
					 "ALTER TABLE \"s.x\".\"a on b\" OWNER TO \"Ann \"\"the\"\" owner\";\n"
					 "ALTER TABLE \"s.x\".\"a on b\" RENAME TO \"x.y\";\n"
					 "ALTER TABLE \"s.x\".\"x.y\" SET SCHEMA \"new s\";");
	str_free(&out);
	catalog_object_free(&o);
}

Test(statement_conn, parts_rename_and_comment_in_their_own_forms)
{
	struct {
		catalog_object o;
		const char *want;
	} cases[] = {
	    {object("table column", "s|s", "t|t", "x.y|\"x.y\"", NULL, NULL),
	     "COMMENT ON COLUMN s.t.\"x.y\" IS 'c';\nALTER TABLE s.t RENAME COLUMN \"x.y\" TO \"n\";"},
	    {object("table constraint", "s|s", "t|t", "c on d|\"c on d\"", NULL, NULL),
	     "COMMENT ON CONSTRAINT \"c on d\" ON s.t IS 'c';\nALTER TABLE s.t RENAME CONSTRAINT \"c on d\" TO \"n\";"},
	    {object("domain constraint", "s|s", "d|d", NULL, "k|k", NULL),
	     "COMMENT ON CONSTRAINT k ON DOMAIN s.d IS 'c';\nALTER DOMAIN s.d RENAME CONSTRAINT k TO \"n\";"},
	    {object("trigger", "s|s", "t|t", "a on b|\"a on b\"", NULL, NULL),
	     "COMMENT ON TRIGGER \"a on b\" ON s.t IS 'c';\nALTER TRIGGER \"a on b\" ON s.t RENAME TO \"n\";"},
	    {object("function", "s|s", "f|f", NULL, "integer", NULL),
	     "COMMENT ON FUNCTION s.f(integer) IS 'c';\nALTER FUNCTION s.f(integer) RENAME TO \"n\";"},
	    {object("role", "r on x|\"r on x\"", NULL, NULL),
	     "COMMENT ON ROLE \"r on x\" IS 'c';\nALTER ROLE \"r on x\" RENAME TO \"n\";"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		str out = STR_INIT;
		tusk_err err = {0};
		cr_assert(catalog_sql_comment(conn, &cases[i].o, "c", &out, &err), "%s", err.msg);
		str_append_char(&out, '\n');
		cr_assert(catalog_sql_rename(conn, &cases[i].o, "n", &out, &err), "%s", err.msg);
		cr_expect_str_eq(str_cstr(&out), cases[i].want);
		str_free(&out);
		catalog_object_free(&cases[i].o);
	}
}

Test(statement_conn, what_a_kind_lacks_is_refused_with_why)
{
	struct {
		catalog_object o;
		const char *verb;
	} cases[] = {
	    {object("operator", "s|s", "+|+", NULL, "integer", "integer", NULL), "rename"},
	    {object("trigger", "s|s", "t|t", "g|g", NULL, NULL), "owner"},
	    {object("cast", "integer", NULL, "text", NULL), "owner"},
	    {object("index", "s|s", "i|i", NULL, NULL), "schema"},
	    {object("extension", "e|e", NULL, NULL), "rename"},
	    {object("user mapping", "u|u", NULL, "s|s", NULL), "comment"},
	    {object("text search parser", "s|s", "p|p", NULL, NULL), "owner"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		str out = STR_INIT;
		tusk_err err = {0};
		catalog_object *o = &cases[i].o;
		bool ok = strcmp(cases[i].verb, "rename") == 0	 ? catalog_sql_rename(conn, o, "n", &out, &err)
			  : strcmp(cases[i].verb, "owner") == 0	 ? catalog_sql_owner(conn, o, "r", &out, &err)
			  : strcmp(cases[i].verb, "schema") == 0 ? catalog_sql_set_schema(conn, o, "s2", &out, &err)
								 : catalog_sql_comment(conn, o, "c", &out, &err);
		cr_expect_not(ok, "%s %s: %s", cases[i].verb, o->type, str_cstr(&out));
		cr_expect_str_eq(err_name(err.code), "unavailable", "%s %s", cases[i].verb, o->type);
		cr_expect(strstr(err.msg, o->type) != NULL, "the refusal names the kind: %s", err.msg);
		str_free(&out);
		catalog_object_free(o);
	}
}

Test(statement_conn, a_name_postgresql_would_cut_is_refused_saying_what_it_would_become)
{
	char fits[64], cut[128];
	memset(fits, 'a', 63);
	fits[63] = '\0';
	tusk_err err = {0};
	cr_expect(catalog_name_fits(conn, fits, &err), "63 bytes are kept: %s", err.msg);
	/* 31 two-byte letters and "xy": 64 bytes, cut on a whole character */
	str long64 = STR_INIT;
	for (int i = 0; i < 31; i++)
		str_append_cstr(&long64, "\xc3\xbc");
	str_append_cstr(&long64, "xy");
	cr_assert_eq(long64.len, 64u);
	snprintf(cut, sizeof(cut), "'%.*s'", 63, str_cstr(&long64));
	cr_expect_not(catalog_name_fits(conn, str_cstr(&long64), &err));
	cr_expect_str_eq(err_name(err.code), "name_too_long");
	cr_expect(strstr(err.msg, cut) != NULL && strstr(err.msg, "63") != NULL, "%s", err.msg);
	/* a rename to it writes nothing */
	catalog_object o = object("table", "s|s", "t|t", NULL, NULL);
	str out = STR_INIT;
	cr_expect_not(catalog_sql_rename(conn, &o, str_cstr(&long64), &out, &err));
	cr_expect_eq(out.len, 0u);
	cr_expect_str_eq(o.names[1].raw, "t", "the object keeps its name");
	str_free(&out);
	str_free(&long64);
	catalog_object_free(&o);
}

Test(statement_conn, a_run_in_a_transaction_keeps_all_or_nothing)
{
	pg_error pe;
	PQclear(PQexec(conn, "DROP TABLE IF EXISTS tusk_unit_run"));
	cr_expect_not(catalog_run(conn, "CREATE TABLE tusk_unit_run (id int); SELECT 1/0", true, &pe));
	cr_expect_str_eq(pe.sqlstate, "22012");
	cr_expect_str_eq(one("SELECT count(*) FROM pg_class WHERE relname = 'tusk_unit_run'"), "0", "rolled back");
	cr_expect_eq(PQtransactionStatus(conn), PQTRANS_IDLE);
	/* VACUUM refuses a transaction block: the flag decides, not the text */
	cr_expect_not(catalog_run(conn, "VACUUM pg_catalog.pg_am", true, &pe));
	cr_expect_str_eq(pe.sqlstate, "25001");
	cr_expect(catalog_run(conn, "VACUUM pg_catalog.pg_am", false, &pe), "%s", pe.message);
	cr_expect_eq(PQtransactionStatus(conn), PQTRANS_IDLE);
}

Test(statement_conn, a_name_postgresql_cuts_while_running_fails_the_run_even_when_notices_are_off)
{
	pg_error pe;
	PQclear(PQexec(conn, "SET client_min_messages TO error"));
	str sql = STR_INIT;
	str_append_cstr(&sql, "CREATE TABLE tusk_unit_cut (");
	for (int i = 0; i < 70; i++)
		str_append_char(&sql, 'c');
	str_append_cstr(&sql, " int)");
	cr_expect_not(catalog_run(conn, str_cstr(&sql), true, &pe));
	cr_expect_str_eq(pe.sqlstate, "42622");
	cr_expect(strstr(pe.message, "will be truncated") != NULL, "%s", pe.message);
	cr_expect(strstr(pe.detail, "Nothing was changed") != NULL, "%s", pe.detail);
	cr_expect_str_eq(one("SELECT count(*) FROM pg_class WHERE relname = 'tusk_unit_cut'"), "0", "rolled back");
	/* outside a transaction block it has run, and says so; the session's setting is back */
	str drop = STR_INIT;
	str_append_cstr(&drop, "DROP TABLE IF EXISTS ");
	for (int i = 0; i < 70; i++)
		str_append_char(&drop, 'd');
	cr_expect_not(catalog_run(conn, str_cstr(&drop), false, &pe));
	cr_expect_str_eq(pe.sqlstate, "42622");
	cr_expect(strstr(pe.detail, "has run") != NULL, "%s", pe.detail);
	cr_expect_str_eq(one("SELECT current_setting('client_min_messages')"), "error");
	cr_expect(catalog_run(conn, "SELECT 1", true, &pe), "%s", pe.message);
	str_free(&sql);
	str_free(&drop);
}
