/* Job command lines (jobs/commands.c): every kind's argument vector from a
 * spec, built without a shell. A hostile name (quotes, semicolons, a
 * leading dash, an option of its own, spaces) stays inside the one
 * argument its option makes; control characters are refused; exact names
 * are quoted as pg_dump patterns; options that need each other are
 * refused with a reason. The client programs are stand-ins in a
 * /postgresql/<major>/bin directory (their major read from the path). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jobs/commands.h"
#include "jobs/sqlclient.h"

static char bin[256], archive[300];

static void touch_program(const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", bin, name);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("#!/bin/sh\nexit 0\n", f);
	fclose(f);
	chmod(path, 0755);
}

static void setup(void)
{
	char root[] = "/tmp/tusk-jobs-XXXXXX";
	cr_assert_not_null(mkdtemp(root));
	snprintf(bin, sizeof(bin), "%s/postgresql", root);
	mkdir(bin, 0700);
	strcat(bin, "/16");
	mkdir(bin, 0700);
	strcat(bin, "/bin");
	mkdir(bin, 0700);
	touch_program("pg_dump");
	touch_program("pg_dumpall");
	touch_program("pg_restore");
	snprintf(archive, sizeof(archive), "%s/backup.dump", root);
	FILE *f = fopen(archive, "w");
	fputs("PGDMP custom archive", f);
	fclose(f);
}

TestSuite(jobs_build, .init = setup);

static const job_ctx ctx = {.self_exe = "/usr/bin/tusk",
			    .bin_dirs = bin,
			    .server_version = 160002,
			    .conninfo = "host=db port=5432 user=app dbname=app",
			    .output = "/data/users/1/out.dump",
			    .input = archive};

struct built {
	strv argv;
	char why[256];
	char *description;
};

static struct built build(const char *kind, const char *spec_json)
{
	struct built b = {0};
	json_error_t je;
	json_t *spec = json_loads(spec_json, 0, &je);
	cr_assert_not_null(spec, "%s: %s", spec_json, je.text);
	tusk_err err = {0};
	cr_assert(jobs_build(kind, spec, &ctx, &b.argv, &b.description, b.why, sizeof(b.why), &err), "%s: %s", kind,
		  err.msg);
	json_decref(spec);
	return b;
}

static void built_free(struct built *b)
{
	strv_free(&b->argv);
	free(b->description);
}

static bool has(const struct built *b, const char *arg)
{
	for (size_t i = 0; i < b->argv.n; i++)
		if (strcmp(b->argv.v[i], arg) == 0)
			return true;
	return false;
}

static void ok(const struct built *b)
{
	cr_assert_eq(b->why[0], '\0', "refused: %s", b->why);
}

static void refused(const char *kind, const char *spec, const char *why_part)
{
	struct built b = build(kind, spec);
	cr_assert(strstr(b.why, why_part), "%s %s: '%s' does not say '%s'", kind, spec, b.why, why_part);
	built_free(&b);
}

Test(jobs_build, backup)
{
	struct built b = build("backup", "{\"format\": \"directory\", \"jobs\": 4, \"compress\": 5, \"no_owner\": true,"
					 "\"sections\": [\"pre-data\", \"data\"], \"schemas\": [\"app*\"]}");
	ok(&b);
	char program[300];
	snprintf(program, sizeof(program), "%s/pg_dump", bin);
	cr_assert_str_eq(b.argv.v[0], program);
	cr_assert(has(&b, "--no-password"));
	cr_assert(has(&b, "--dbname=host=db port=5432 user=app dbname=app"));
	cr_assert(has(&b, "--file=/data/users/1/out.dump"));
	cr_assert(has(&b, "--format=d"));
	cr_assert(has(&b, "--jobs=4"));
	cr_assert(has(&b, "--compress=5"));
	cr_assert(has(&b, "--no-owner"));
	cr_assert(has(&b, "--section=pre-data"));
	cr_assert(has(&b, "--section=data"));
	cr_assert(has(&b, "--schema=app*"), "a string is a pattern as typed");
	built_free(&b);
}

Test(jobs_build, backup_server_and_restore)
{
	struct built b = build("backup_server", "{\"mode\": \"globals\", \"clean\": true, \"if_exists\": true}");
	ok(&b);
	cr_assert(strstr(b.argv.v[0], "/pg_dumpall"));
	cr_assert(has(&b, "--globals-only"));
	cr_assert(has(&b, "--clean"));
	cr_assert(has(&b, "--if-exists"));
	built_free(&b);

	b = build("restore", "{\"clean\": true, \"jobs\": 2, \"tables\": [\"orders\"]}");
	ok(&b);
	cr_assert(strstr(b.argv.v[0], "/pg_restore"));
	cr_assert(has(&b, "--table=orders"));
	cr_assert(has(&b, "--jobs=2"));
	cr_assert_str_eq(b.argv.v[b.argv.n - 1], archive, "the archive comes last");
	built_free(&b);
}

Test(jobs_build, maintenance_import_export_run_tusk_sql_client)
{
	struct built b = build("maintenance", "{\"operation\": \"vacuum\", \"full\": true, \"analyze\": true,"
					      "\"schema\": \"app\", \"table\": \"orders\"}");
	ok(&b);
	cr_assert_str_eq(b.argv.v[0], "/usr/bin/tusk");
	cr_assert_str_eq(b.argv.v[1], JOBS_SQLCLIENT_COMMAND);
	cr_assert(has(&b, "--maintenance=vacuum"));
	cr_assert(has(&b, "--option=FULL"));
	cr_assert(has(&b, "--option=ANALYZE"));
	cr_assert(has(&b, "--schema=app"));
	cr_assert(has(&b, "--table=orders"));
	cr_assert_str_eq(b.description, "VACUUM (FULL, ANALYZE) of \"app\".\"orders\"");
	built_free(&b);

	b = build("export", "{\"schema\": \"app\", \"table\": \"orders\", \"header\": true, \"columns\": [\"id\"]}");
	ok(&b);
	cr_assert(has(&b, "--copy-to=/data/users/1/out.dump"));
	cr_assert(has(&b, "--format=csv"));
	cr_assert(has(&b, "--header"));
	cr_assert(has(&b, "--column=id"));
	built_free(&b);

	b = build("import", "{\"schema\": \"app\", \"table\": \"orders\", \"format\": \"text\"}");
	ok(&b);
	char from[400];
	snprintf(from, sizeof(from), "--copy-from=%s", archive);
	cr_assert(has(&b, from));
	built_free(&b);
}

/* Hostile names stay inside their option's one argument. */
Test(jobs_build, hostile_names_stay_one_argument)
{
	static const char *const names[] = {
	    "\\\"; DROP TABLE x; --",  "--file=/etc/passwd", "-W", "a b c", "$(id)", "`id`", "O'Brien", "x|y&z",
	    "name with \\\\ backslash"};
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		char spec[512];
		snprintf(spec, sizeof(spec), "{\"schema\": \"%s\", \"table\": \"%s\", \"role\": \"%s\"}", names[i],
			 names[i], names[i]);
		static const char *const kinds[] = {"export", "import", "maintenance"};
		for (size_t k = 0; k < 3; k++) {
			char with_op[600];
			snprintf(with_op, sizeof(with_op), "{\"operation\": \"analyze\", %s", spec + 1);
			struct built b = build(kinds[k], k == 2 ? with_op : spec);
			ok(&b);
			for (size_t a = 1; a < b.argv.n; a++)
				cr_assert_eq(strncmp(b.argv.v[a], "--", 2) == 0 ||
						 strcmp(b.argv.v[a], JOBS_SQLCLIENT_COMMAND) == 0,
					     true, "%s: argument '%s' stands alone", kinds[k], b.argv.v[a]);
			cr_assert_not(has(&b, "--file=/etc/passwd"), "a name never becomes an option");
			cr_assert_not(has(&b, "-W"));
			built_free(&b);
		}
		struct built b =
		    build("backup", "{\"tables\": [{\"schema\": \"s\", \"name\": \"--file=/etc/passwd\"}]}");
		ok(&b);
		cr_assert(has(&b, "--table=\"s\".\"--file=/etc/passwd\""), "an exact name is quoted as a pattern");
		built_free(&b);
	}
	/* an exact name's quotes are doubled, so * and ? match only themselves */
	struct built b = build("backup", "{\"tables\": [{\"schema\": \"we\\\"ird\", \"name\": \"Ta*ble\"}]}");
	cr_assert(has(&b, "--table=\"we\"\"ird\".\"Ta*ble\""));
	built_free(&b);
}

Test(jobs_build, control_characters_are_refused)
{
	refused("export", "{\"schema\": \"app\\n--file=x\", \"table\": \"t\"}", "control characters");
	refused("maintenance", "{\"operation\": \"vacuum\", \"schema\": \"a\\u001bb\"}", "control characters");
	refused("backup", "{\"encoding\": \"UTF8\\r\"}", "control characters");
}

Test(jobs_build, options_that_need_each_other)
{
	refused("backup", "{\"format\": \"tar\", \"compress\": 3}", "tar backup cannot be compressed");
	refused("backup", "{\"jobs\": 2}", "need the directory format");
	refused("backup", "{\"schema_only\": true, \"data_only\": true}", "exclude each other");
	refused("backup", "{\"if_exists\": true}", "'if_exists' needs 'clean'");
	refused("backup", "{\"format\": \"zip\"}", "'format' is one of");
	refused("backup", "{\"jobs\": 100, \"format\": \"directory\"}", "whole number from 1 to 64");
	refused("restore", "{\"single_transaction\": true, \"jobs\": 2}", "single transaction");
	refused("maintenance", "{}", "'operation' is required");
	refused("maintenance", "{\"operation\": \"analyze\", \"full\": true}", "options of vacuum");
	refused("maintenance", "{\"operation\": \"vacuum\", \"table\": \"t\"}", "needs its 'schema'");
	refused("export", "{\"schema\": \"s\"}", "'schema' and 'table' are required");
	refused("export", "{\"schema\": \"s\", \"table\": \"t\", \"format\": \"binary\", \"header\": true}",
		"no header");
	refused("export", "{\"schema\": \"s\", \"table\": \"t\", \"columns\": \"id\"}", "list of column names");
	refused("drop_everything", "{}", "'kind' is one of");
}

Test(jobs_build, a_missing_program_names_the_version)
{
	job_ctx old = ctx;
	old.server_version = 170000; /* newer than the stand-ins */
	strv argv = {0};
	char *description = NULL, why[128];
	tusk_err err = {0};
	json_t *spec = json_object();
	cr_assert_not(jobs_build("backup", spec, &old, &argv, &description, why, sizeof(why), &err));
	cr_assert_eq(err.code, ERR_PROGRAM_MISSING);
	cr_assert(strstr(err.msg, "pg_dump for PostgreSQL 17"), "%s", err.msg);
	json_decref(spec);
	strv_free(&argv);
}
