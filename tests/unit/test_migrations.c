/* The store's two sets of migrations, one file per backend, stay
 * equivalent: the same numbers and names, and after all of them the same
 * tables with the same columns (each backend spells the types its own
 * way). SQLite runs in memory; PostgreSQL in a schema of its own in the
 * database TEST_STORE_URL names (skipped, saying so, without it). */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/embed.h"
#include "util/str.h"

Test(migrations, the_same_numbers_and_names)
{
	cr_assert_eq(embed_migrations_sqlite_count, embed_migrations_postgres_count);
	cr_assert_gt(embed_migrations_sqlite_count, 0);
	for (size_t i = 0; i < embed_migrations_sqlite_count; i++) {
		char number[24];
		snprintf(number, sizeof(number), "%03zu_", i + 1);
		cr_expect_str_eq(embed_migrations_sqlite[i].name, embed_migrations_postgres[i].name);
		cr_expect(strncmp(embed_migrations_sqlite[i].name, number, 4) == 0, "%s is number %zu",
			  embed_migrations_sqlite[i].name, i + 1);
	}
}

static char *sql_of(const embedded_file *f)
{
	return xstrndup((const char *)f->start, (size_t)(f->end - f->start));
}

static int add_row(void *ctx, int n, char **values, char **names)
{
	(void)n, (void)names;
	str_appendf(ctx, "%s.%s\n", values[0], values[1]);
	return 0;
}

/* "table.column" lines, sorted, of a database every SQLite migration ran on. */
static void sqlite_columns(str *out)
{
	sqlite3 *db;
	cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	for (size_t i = 0; i < embed_migrations_sqlite_count; i++) {
		char *sql = sql_of(&embed_migrations_sqlite[i]), *why = NULL;
		cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &why), SQLITE_OK, "%s: %s",
			     embed_migrations_sqlite[i].name, why ? why : "");
		free(sql);
	}
	cr_assert_eq(sqlite3_exec(db,
				  "SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c WHERE "
				  "m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1, 2",
				  add_row, out, NULL),
		     SQLITE_OK);
	sqlite3_close(db);
}

static void pg_run(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	cr_assert(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK, "%.60s: %s", sql,
		  PQerrorMessage(c));
	PQclear(r);
}

static void quiet(void *arg, const char *msg)
{
	(void)arg, (void)msg;
}

/* The same of a schema every PostgreSQL migration ran in. */
static void postgres_columns(PGconn *c, const char *schema, str *out)
{
	char sql[256];
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s; SET search_path = %s", schema, schema);
	pg_run(c, sql);
	for (size_t i = 0; i < embed_migrations_postgres_count; i++) {
		char *m = sql_of(&embed_migrations_postgres[i]);
		pg_run(c, m);
		free(m);
	}
	const char *params[1] = {schema};
	PGresult *r =
	    PQexecParams(c,
			 "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1 "
			 "ORDER BY table_name::text COLLATE \"C\", column_name::text COLLATE \"C\"",
			 1, NULL, params, NULL, NULL, 0);
	cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
	for (int i = 0; i < PQntuples(r); i++)
		str_appendf(out, "%s.%s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
	PQclear(r);
}

Test(migrations, the_same_tables_and_columns)
{
	const char *url = getenv("TEST_STORE_URL");
	if (!url || !*url)
		cr_skip_test(
		    "TEST_STORE_URL is not set (scripts/test.sh sets it): PostgreSQL's migrations are not run");
	str lite = STR_INIT, pg = STR_INIT;
	sqlite_columns(&lite);
	PGconn *c = PQconnectdb(url);
	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	PQsetNoticeProcessor(c, quiet, NULL);
	char schema[64];
	snprintf(schema, sizeof(schema), "migrations_test_%ld", (long)getpid());
	postgres_columns(c, schema, &pg);
	char drop[128];
	snprintf(drop, sizeof(drop), "DROP SCHEMA %s CASCADE", schema);
	pg_run(c, drop);
	PQfinish(c);
	cr_assert_gt(lite.len, 0);
	cr_expect_str_eq(str_cstr(&pg), str_cstr(&lite), "PostgreSQL's tables and columns:\n%s\nSQLite's:\n%s",
			 str_cstr(&pg), str_cstr(&lite));
	str_free(&lite);
	str_free(&pg);
}
