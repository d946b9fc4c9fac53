#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "pg/sqlscan.h"

/* Splits text (lines fed one at a time) into events: "S:<statement>" and
 * "M:<name>|<args>", joined by '\n'; what is left without ';' ends as "E:". */
static char *split(const char *text, bool std_strings)
{
	sqlscan s;
	sqlscan_init(&s, std_strings);
	str out = STR_INIT, stmt = STR_INIT;
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
		size_t pos = 0;
		while (pos < len) {
			enum sqlscan_event ev = sqlscan_feed(&s, p, len, &pos);
			if (ev == SQLSCAN_STATEMENT) {
				sqlscan_take(&s, &stmt, NULL);
				str_appendf(&out, "S:%s\n", str_cstr(&stmt));
			} else if (ev == SQLSCAN_META) {
				str_appendf(&out, "M:%s|%s\n", s.meta_name, str_cstr(&s.meta_args));
			}
		}
		p += len;
	}
	if (sqlscan_pending(&s)) {
		sqlscan_take(&s, &stmt, NULL);
		str_appendf(&out, "E:%s\n", str_cstr(&stmt));
	}
	sqlscan_free(&s);
	str_free(&stmt);
	return str_take(&out);
}

static void expect(const char *text, bool std_strings, const char *want)
{
	char *got = split(text, std_strings);
	cr_assert_str_eq(got, want, "for %s", text);
	free(got);
}

Test(sqlscan, statements_end_at_top_level_semicolons)
{
	expect("SELECT 1; SELECT 2;\n", true, "S:SELECT 1;\nS:SELECT 2;\n");
	expect("-- a comment\n/* block */ SELECT 1\n;\n", true, "S:SELECT 1\n;\n");
	expect("SELECT ';', \"a;b\", $$x;y$$, $f$ $$ ; $f$;\n", true,
	       "S:SELECT ';', \"a;b\", $$x;y$$, $f$ $$ ; $f$;\n");
	expect("CREATE RULE r AS ON INSERT TO t DO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));\n", true,
	       "S:CREATE RULE r AS ON INSERT TO t DO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));\n");
	expect("SELECT /* a /* nested */ ; */ 1;", true, "S:SELECT /* a /* nested */ ; */ 1;\n");
	expect("SELECT 1", true, "E:SELECT 1\n");
	expect("   \n-- only a comment\n", true, "");
}

Test(sqlscan, sql_standard_function_bodies_hold_semicolons)
{
	expect(
	    "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END;\n"
	    "SELECT 3;\n",
	    true,
	    "S:CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; "
	    "END;\nS:SELECT 3;\n");
	expect("CREATE OR REPLACE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); END;", true,
	       "S:CREATE OR REPLACE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); END;\n");
	/* BEGIN elsewhere is a transaction */
	expect("BEGIN; SELECT 1; END;", true, "S:BEGIN;\nS:SELECT 1;\nS:END;\n");
}

Test(sqlscan, backslashes_in_strings_follow_the_setting)
{
	/* on: a backslash is a character, so the quote ends the string and \! is a command */
	expect("SELECT 'a\\'; \\! id\n", true, "S:SELECT 'a\\';\nM:!|id\n");
	/* off: \' is an escaped quote, all one string */
	expect("SELECT 'a\\'; \\! id';\n", false, "S:SELECT 'a\\'; \\! id';\n");
	/* E'' takes escapes either way */
	expect("SELECT E'a\\'; \\! id';\n", true, "S:SELECT E'a\\'; \\! id';\n");
	/* an identifier ending in e is not an E string */
	expect("SELECT somee'x';\n", true, "S:SELECT somee'x';\n");
}

Test(sqlscan, meta_commands_are_reported_never_interpreted)
{
	expect("\\connect mydb\nSELECT 1;\n", true, "M:connect|mydb\nS:SELECT 1;\n");
	expect("SELECT 1 \\g |cat\n", true, "M:g||cat\nE:SELECT 1 \n");
	expect("  \\!rm -rf /\n", true, "M:!rm|-rf /\n");
	expect("SELECT '\\!';\n", true, "S:SELECT '\\!';\n");
	expect("SELECT $$ \\! $$;\n", true, "S:SELECT $$ \\! $$;\n");
	expect("-- \\! in a comment\nSELECT 1;\n", true, "S:SELECT 1;\n");
}

Test(sqlscan, copy_from_stdin_is_recognised)
{
	sqlscan s;
	sqlscan_init(&s, true);
	str stmt = STR_INIT;
	const char *lines[] = {"COPY public.t (a, b) FROM stdin;\n", "COPY t TO STDOUT;\n", "SELECT 'from stdin';\n",
			       "copy t from /* x */ STDIN;\n"};
	bool want[] = {true, false, false, true};
	for (size_t i = 0; i < 4; i++) {
		size_t pos = 0;
		cr_assert_eq(sqlscan_feed(&s, lines[i], strlen(lines[i]), &pos), SQLSCAN_STATEMENT);
		bool copy = false;
		sqlscan_take(&s, &stmt, &copy);
		cr_assert_eq(copy, want[i], "%s", lines[i]);
	}
	sqlscan_free(&s);
	str_free(&stmt);
}

static void redacts(const char *in, const char *want, bool changed)
{
	bool redacted;
	char *out = sqlscan_redact(in, &redacted);
	cr_assert_str_eq(out, want);
	cr_assert_eq(redacted, changed, "%s", in);
	free(out);
}

Test(sqlscan, passwords_are_redacted)
{
	redacts("ALTER ROLE a PASSWORD 'secret'", "ALTER ROLE a PASSWORD <redacted>", true);
	redacts("CREATE USER a WITH ENCRYPTED PASSWORD E'it''s\\'s'",
		"CREATE USER a WITH ENCRYPTED PASSWORD <redacted>", true);
	redacts("ALTER ROLE a PASSWORD $x$s$x$ VALID UNTIL 'infinity'",
		"ALTER ROLE a PASSWORD <redacted> VALID UNTIL 'infinity'", true);
	redacts("CREATE USER MAPPING FOR a SERVER s OPTIONS (user 'u', password 'p')",
		"CREATE USER MAPPING FOR a SERVER s OPTIONS (user 'u', password <redacted>)", true);
	redacts("SELECT dblink_connect('host=h password=p1 dbname=d')",
		"SELECT dblink_connect('host=h password=<redacted> dbname=d')", true);
	redacts("SELECT 'password = ''a b'' x'", "SELECT 'password = <redacted> x'", true);
	redacts("CREATE SUBSCRIPTION s CONNECTION 'postgresql://u:pw@h/d' PUBLICATION p",
		"CREATE SUBSCRIPTION s CONNECTION 'postgresql://u:<redacted>@h/d' PUBLICATION p", true);
	/* nothing to hide */
	redacts("SELECT password_encryption FROM x WHERE y = 'password'",
		"SELECT password_encryption FROM x WHERE y = 'password'", false);
	redacts("ALTER ROLE a PASSWORD NULL", "ALTER ROLE a PASSWORD NULL", false);
	redacts("SELECT \"password\" FROM t -- password 'x'", "SELECT \"password\" FROM t -- password 'x'", false);
}
