/* Command lines for jobs: pg_dump, pg_dumpall, pg_restore and Tusk's own
 * sql-client with the options of the backup, restore, maintenance and
 * import/export dialogs. Every value is an argument of its own: nothing a
 * user typed becomes part of a script or a shell line. */
#include "jobs/commands.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jobs/jobs.h"
#include "jobs/sqlclient.h"
#include "pg/quote.h"
#include "util/str.h"

void strv_push(strv *a, const char *s)
{
	if (a->n + 2 > a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->v = xrealloc(a->v, a->cap * sizeof(char *));
	}
	a->v[a->n++] = xstrdup(s);
	a->v[a->n] = NULL;
}

void strv_pushf(strv *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	strv_push(a, s ? s : "");
	free(s);
}

void strv_free(strv *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	*a = (strv){0};
}

/* ---- finding the program ---- */

/* The major version of a client program: from /usr/lib/postgresql/<v>/bin,
 * else from `<program> --version` ("pg_dump (PostgreSQL) 15.14"); 0 unknown. */
static int program_major(const char *dir, const char *program)
{
	const char *p = strstr(dir, "/postgresql/");
	if (p) {
		int v = atoi(p + strlen("/postgresql/"));
		if (v >= 10)
			return v;
	}
	char *argv[] = {(char *)program, "--version", NULL};
	str out = STR_INIT;
	int status = 0;
	tusk_err err;
	int v = 0;
	if (jobs_capture(argv, NULL, 4096, 5000, &out, &status, &err) && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0) {
		const char *p2 = strstr(str_cstr(&out), "(PostgreSQL) ");
		v = p2 ? atoi(p2 + strlen("(PostgreSQL) ")) : 0;
	}
	str_free(&out);
	return v;
}

bool jobs_find_program(const char *bin_dirs, const char *name, int server_version, char **path, tusk_err *err)
{
	*path = NULL;
	int need = server_version >= 100000 ? server_version / 10000 : server_version / 100;
	strv dirs = {0};
	if (bin_dirs && *bin_dirs) {
		char *copy = xstrdup(bin_dirs), *save = NULL;
		for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save))
			strv_push(&dirs, d);
		free(copy);
	} else {
		DIR *dir = opendir("/usr/lib/postgresql");
		struct dirent *e;
		while (dir && (e = readdir(dir)))
			if (e->d_name[0] != '.')
				strv_pushf(&dirs, "/usr/lib/postgresql/%s/bin", e->d_name);
		if (dir)
			closedir(dir);
	}
	/* pg_restore: the newest, which reads the archives of every older pg_dump; the others:
	 * the server's own major, else the nearest newer, whose output suits that server best */
	bool newest = strcmp(name, "pg_restore") == 0;
	int best = 0;
	str found = STR_INIT;
	for (size_t i = 0; i < dirs.n; i++) {
		char *program = NULL;
		if (asprintf(&program, "%s/%s", dirs.v[i], name) < 0)
			continue;
		if (access(program, X_OK) == 0) {
			int v = program_major(dirs.v[i], program);
			str_appendf(&found, "%s%d (%s)", found.len ? ", " : "", v, dirs.v[i]);
			if (v >= need && (best == 0 || (newest ? v > best : v < best))) {
				best = v;
				free(*path);
				*path = program;
				program = NULL;
			}
		}
		free(program);
	}
	if (!*path)
		err_set(err, ERR_PROGRAM_MISSING,
			"%s for PostgreSQL %d or newer is needed (the server runs %d); Tusk found %s. Install the "
			"PostgreSQL %d client programs or set TUSK_PG_BIN_DIR.",
			name, need, need, found.len ? str_cstr(&found) : "none", need);
	str_free(&found);
	strv_free(&dirs);
	return *path != NULL;
}

bool jobs_restore_noise_only(const char *log_path)
{
	FILE *f = fopen(log_path, "re");
	if (!f)
		return false;
	char line[1024];
	long ignored = -1, commands = 0, known = 0;
	while (fgets(line, sizeof(line), f)) {
		const char *w = strstr(line, "errors ignored on restore: ");
		if (w)
			ignored = strtol(w + strlen("errors ignored on restore: "), NULL, 10);
		if (strncmp(line, "Command was: ", 13) == 0) {
			commands++;
			known += strcmp(line + 13, "SET transaction_timeout = 0;\n") == 0;
		}
	}
	fclose(f);
	return ignored > 0 && ignored == commands && commands == known;
}

/* ---- spec helpers ---- */

struct spec {
	json_t *o;
	char *why;
	size_t why_len;
};

static void bad(struct spec *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bad(struct spec *s, const char *fmt, ...)
{
	if (s->why[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->why, s->why_len, fmt, ap);
	va_end(ap);
}

static bool flag(struct spec *s, const char *key)
{
	json_t *v = json_object_get(s->o, key);
	if (v && !json_is_boolean(v) && !json_is_null(v))
		bad(s, "'%s' is true or false", key);
	return json_is_true(v);
}

static const char *text(struct spec *s, const char *key)
{
	json_t *v = json_object_get(s->o, key);
	if (v && !json_is_string(v) && !json_is_null(v))
		bad(s, "'%s' is text", key);
	const char *t = json_string_value(v);
	if (t)
		for (const char *c = t; *c; c++)
			if ((unsigned char)*c < 0x20) {
				bad(s, "'%s' cannot contain control characters", key);
				return NULL;
			}
	return t && *t ? t : NULL;
}

/* A whole number in [lo, hi], or def when absent. */
static long number(struct spec *s, const char *key, long lo, long hi, long def)
{
	json_t *v = json_object_get(s->o, key);
	if (!v || json_is_null(v))
		return def;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
		bad(s, "'%s' is a whole number from %ld to %ld", key, lo, hi);
		return def;
	}
	return (long)json_integer_value(v);
}

static const char *choice(struct spec *s, const char *key, const char *const *choices, const char *def)
{
	const char *v = text(s, key);
	if (!v)
		return def;
	for (size_t i = 0; choices[i]; i++)
		if (strcasecmp(v, choices[i]) == 0)
			return choices[i];
	str list = STR_INIT;
	for (size_t i = 0; choices[i]; i++)
		str_appendf(&list, "%s%s", i ? ", " : "", choices[i]);
	bad(s, "'%s' is one of %s", key, str_cstr(&list));
	str_free(&list);
	return NULL;
}

/* "name" -> "\"name\"": an exact name for a pg_dump/pg_restore pattern option. */
static char *exact(const char *schema, const char *name)
{
	str s = STR_INIT;
	if (schema) {
		pg_quote_ident(&s, schema);
		str_append_char(&s, '.');
	}
	pg_quote_ident(&s, name);
	return str_take(&s);
}

/* Each element of a list: a string (a pattern as typed) or {schema, name}
 * (an exact name) as one --option=value. */
static void names(struct spec *s, strv *argv, const char *key, const char *option)
{
	json_t *list = json_object_get(s->o, key);
	if (!list || json_is_null(list))
		return;
	if (!json_is_array(list)) {
		bad(s, "'%s' is a list", key);
		return;
	}
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
	{
		if (json_is_string(e) && *json_string_value(e)) {
			strv_pushf(argv, "--%s=%s", option, json_string_value(e));
		} else if (json_is_object(e) && json_is_string(json_object_get(e, "name"))) {
			json_t *schema = json_object_get(e, "schema");
			char *n = exact(json_is_string(schema) ? json_string_value(schema) : NULL,
					json_string_value(json_object_get(e, "name")));
			strv_pushf(argv, "--%s=%s", option, n);
			free(n);
		} else {
			bad(s, "'%s' lists names (text) or {schema, name}", key);
			return;
		}
	}
}

static void common_tail(struct spec *s, strv *argv, const job_ctx *ctx)
{
	const char *role = text(s, "role") ? text(s, "role") : ctx->role;
	if (role)
		strv_pushf(argv, "--role=%s", role);
	if (flag(s, "verbose"))
		strv_push(argv, "--verbose");
}

/* ---- pg_dump, pg_dumpall ---- */

static const char *const FORMATS[] = {"custom", "directory", "tar", "plain", NULL};
static const char *const SECTIONS[] = {"pre-data", "data", "post-data", NULL};

/* What every dump starts with: no prompt, the connection, the output file. */
static void dump_head(const job_ctx *ctx, strv *argv)
{
	strv_push(argv, "--no-password");
	strv_pushf(argv, "--dbname=%s", ctx->conninfo);
	strv_pushf(argv, "--file=%s", ctx->output);
}

/* The option of each {spec flag, option} row whose flag is true. */
static void push_flags(struct spec *s, strv *argv, const char *const (*table)[2], size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (flag(s, table[k][0]))
			strv_push(argv, table[k][1]);
}

static void backup(struct spec *s, const job_ctx *ctx, strv *argv)
{
	const char *format = choice(s, "format", FORMATS, "custom");
	if (!format)
		return;
	dump_head(ctx, argv);
	strv_pushf(argv, "--format=%c", format[0]);
	long compress = number(s, "compress", 0, 9, -1);
	if (compress >= 0) {
		if (strcmp(format, "tar") == 0)
			bad(s, "a tar backup cannot be compressed");
		strv_pushf(argv, "--compress=%ld", compress);
	}
	long njobs = number(s, "jobs", 1, 64, 1);
	if (njobs > 1) {
		if (strcmp(format, "directory") != 0)
			bad(s, "parallel 'jobs' need the directory format");
		strv_pushf(argv, "--jobs=%ld", njobs);
	}
	json_t *sections = json_object_get(s->o, "sections");
	size_t i;
	json_t *e;
	json_array_foreach(sections, i, e)
	{
		json_t *one = json_pack("{s:O}", "sections", e);
		struct spec sub = {one, s->why, s->why_len};
		const char *section = choice(&sub, "sections", SECTIONS, NULL);
		json_decref(one);
		if (section)
			strv_pushf(argv, "--section=%s", section);
	}
	bool schema_only = flag(s, "schema_only"), data_only = flag(s, "data_only");
	if (schema_only && data_only)
		bad(s, "'schema_only' and 'data_only' exclude each other");
	if (schema_only)
		strv_push(argv, "--schema-only");
	if (data_only)
		strv_push(argv, "--data-only");
	names(s, argv, "schemas", "schema");
	names(s, argv, "exclude_schemas", "exclude-schema");
	names(s, argv, "tables", "table");
	names(s, argv, "exclude_tables", "exclude-table");
	static const char *const flags[][2] = {
	    {"no_owner", "--no-owner"},
	    {"no_privileges", "--no-privileges"},
	    {"no_comments", "--no-comments"},
	    {"inserts", "--inserts"},
	    {"column_inserts", "--column-inserts"},
	    {"on_conflict_do_nothing", "--on-conflict-do-nothing"},
	    {"create", "--create"},
	    {"clean", "--clean"},
	    {"if_exists", "--if-exists"},
	    {"no_blobs", "--no-blobs"},
	    {"no_tablespaces", "--no-tablespaces"},
	};
	push_flags(s, argv, flags, sizeof(flags) / sizeof(*flags));
	if (flag(s, "on_conflict_do_nothing") && !flag(s, "inserts") && !flag(s, "column_inserts"))
		bad(s, "'on_conflict_do_nothing' needs 'inserts' or 'column_inserts'");
	if (flag(s, "if_exists") && !flag(s, "clean"))
		bad(s, "'if_exists' needs 'clean'");
	if (text(s, "encoding"))
		strv_pushf(argv, "--encoding=%s", text(s, "encoding"));
	common_tail(s, argv, ctx);
}

static const char *const SERVER_MODES[] = {"full", "globals", "roles", "tablespaces", NULL};

static void backup_server(struct spec *s, const job_ctx *ctx, strv *argv)
{
	const char *mode = choice(s, "mode", SERVER_MODES, "full");
	if (!mode)
		return;
	dump_head(ctx, argv);
	if (strcmp(mode, "full"))
		strv_pushf(argv, "--%s-only", mode);
	static const char *const flags[][2] = {{"clean", "--clean"},
					       {"if_exists", "--if-exists"},
					       {"no_owner", "--no-owner"},
					       {"no_privileges", "--no-privileges"},
					       {"no_comments", "--no-comments"},
					       {"no_tablespaces", "--no-tablespaces"}};
	push_flags(s, argv, flags, sizeof(flags) / sizeof(*flags));
	if (text(s, "encoding"))
		strv_pushf(argv, "--encoding=%s", text(s, "encoding"));
	common_tail(s, argv, ctx);
}

/* ---- pg_restore, and plain scripts ---- */

bool jobs_is_archive(const char *path)
{
	struct stat sb;
	if (stat(path, &sb) != 0)
		return false;
	if (S_ISDIR(sb.st_mode)) {
		char *toc = NULL;
		bool ok = asprintf(&toc, "%s/toc.dat", path) >= 0 && access(toc, R_OK) == 0;
		free(toc);
		return ok;
	}
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	char head[512];
	size_t n = fread(head, 1, sizeof(head), f);
	fclose(f);
	if (n >= 5 && memcmp(head, "PGDMP", 5) == 0)
		return true;
	/* a tar archive from pg_dump: "toc.dat" is its first member, "ustar" at 257 */
	return n >= 262 && strncmp(head, "toc.dat", 7) == 0 && memcmp(head + 257, "ustar", 5) == 0;
}

/* The start of a `tusk sql-client` command line: Tusk's own client runs what psql ran before. */
static void sql_client_head(strv *argv, const job_ctx *ctx, struct spec *s)
{
	strv_push(argv, JOBS_SQLCLIENT_COMMAND);
	strv_pushf(argv, "--dbname=%s", ctx->conninfo);
	const char *role = text(s, "role") ? text(s, "role") : ctx->role;
	if (role)
		strv_pushf(argv, "--role=%s", role);
}

static void restore(struct spec *s, const job_ctx *ctx, strv *argv, bool archive)
{
	bool single = flag(s, "single_transaction"), stop = flag(s, "exit_on_error");
	if (!archive) {
		/* a plain SQL script: statement by statement, no psql meta-command runs */
		sql_client_head(argv, ctx, s);
		strv_pushf(argv, "--script=%s", ctx->input);
		if (stop)
			strv_push(argv, "--exit-on-error");
		if (single)
			strv_push(argv, "--single-transaction");
		static const char *const archive_only[] = {
		    "clean",	 "create",  "jobs",	"data_only", "schema_only",   "schemas", "tables",
		    "functions", "indexes", "triggers", "no_owner",  "no_privileges", NULL};
		for (size_t k = 0; archive_only[k]; k++) {
			json_t *v = json_object_get(s->o, archive_only[k]);
			if (v && !json_is_false(v) && !json_is_null(v) &&
			    !(json_is_array(v) && json_array_size(v) == 0))
				bad(s,
				    "'%s' needs an archive (custom, directory or tar); this file is a plain SQL script",
				    archive_only[k]);
		}
		return;
	}
	strv_push(argv, "--no-password");
	strv_pushf(argv, "--dbname=%s", ctx->conninfo);
	static const char *const flags[][2] = {
	    {"clean", "--clean"},
	    {"create", "--create"},
	    {"if_exists", "--if-exists"},
	    {"single_transaction", "--single-transaction"},
	    {"exit_on_error", "--exit-on-error"},
	    {"data_only", "--data-only"},
	    {"schema_only", "--schema-only"},
	    {"no_owner", "--no-owner"},
	    {"no_privileges", "--no-privileges"},
	    {"no_comments", "--no-comments"},
	    {"no_tablespaces", "--no-tablespaces"},
	};
	push_flags(s, argv, flags, sizeof(flags) / sizeof(*flags));
	if (flag(s, "data_only") && flag(s, "schema_only"))
		bad(s, "'schema_only' and 'data_only' exclude each other");
	if (flag(s, "if_exists") && !flag(s, "clean"))
		bad(s, "'if_exists' needs 'clean'");
	long njobs = number(s, "jobs", 1, 64, 1);
	if (njobs > 1) {
		if (single)
			bad(s, "parallel 'jobs' cannot run in a single transaction");
		strv_pushf(argv, "--jobs=%ld", njobs);
	}
	names(s, argv, "schemas", "schema");
	/* pg_restore takes plain names (no patterns) for these */
	static const char *const lists[][2] = {
	    {"tables", "table"}, {"functions", "function"}, {"indexes", "index"}, {"triggers", "trigger"}};
	for (size_t k = 0; k < 4; k++) {
		json_t *list = json_object_get(s->o, lists[k][0]);
		size_t i;
		json_t *e;
		if (list && !json_is_array(list) && !json_is_null(list))
			bad(s, "'%s' is a list of names", lists[k][0]);
		json_array_foreach(list, i, e)
		{
			if (!json_is_string(e) || !*json_string_value(e)) {
				bad(s, "'%s' is a list of names", lists[k][0]);
				break;
			}
			strv_pushf(argv, "--%s=%s", lists[k][1], json_string_value(e));
		}
	}
	common_tail(s, argv, ctx);
	strv_push(argv, ctx->input);
}

/* ---- maintenance and COPY: tusk sql-client, every name a separate argument ---- */

static const char *const OPERATIONS[] = {"vacuum", "analyze", "reindex", "cluster", NULL};
static const char *const CLEANUP[] = {"auto", "on", "off", NULL};

static void maintenance(struct spec *s, const job_ctx *ctx, strv *argv, char **what)
{
	const char *op = choice(s, "operation", OPERATIONS, NULL);
	if (!op) {
		bad(s, "'operation' is required: vacuum, analyze, reindex or cluster");
		return;
	}
	const char *schema = text(s, "schema"), *table = text(s, "table"), *index = text(s, "index");
	const char *database = text(s, "database");
	if ((table || index) && !schema)
		bad(s, "a table or index needs its 'schema'");
	bool vacuum = strcmp(op, "vacuum") == 0;
	bool full = flag(s, "full"), freeze = flag(s, "freeze"), analyze = flag(s, "analyze");
	bool skip_locked = flag(s, "skip_locked"), concurrently = flag(s, "concurrently");
	const char *cleanup = choice(s, "index_cleanup", CLEANUP, NULL);
	long parallel = number(s, "parallel", 0, 1024, -1);
	if (!vacuum && (full || freeze || analyze || cleanup || parallel >= 0))
		bad(s, "'full', 'freeze', 'analyze', 'index_cleanup' and 'parallel' are options of vacuum");
	if (full && parallel >= 0)
		bad(s, "VACUUM FULL cannot run in parallel");
	if (concurrently && strcmp(op, "reindex") != 0)
		bad(s, "'concurrently' is an option of reindex");
	if (skip_locked && strcmp(op, "vacuum") != 0 && strcmp(op, "analyze") != 0)
		bad(s, "'skip_locked' is an option of vacuum and analyze");
	if (strcmp(op, "cluster") == 0 && index && !table)
		bad(s, "cluster on an index needs its 'table'");
	if ((vacuum || strcmp(op, "analyze") == 0) && index)
		bad(s, "%s works on tables, a schema or the database, not on an index", op);
	sql_client_head(argv, ctx, s);
	strv_pushf(argv, "--maintenance=%s", op);
	str head = STR_INIT; /* for the description: "VACUUM (FULL)" */
	for (const char *c = op; *c; c++)
		str_append_char(&head, (char)(*c - 32));
	str opts = STR_INIT;
	const struct {
		bool on;
		const char *word;
	} words[] = {{full, "FULL"},
		     {freeze, "FREEZE"},
		     {analyze, "ANALYZE"},
		     {flag(s, "verbose"), "VERBOSE"},
		     {skip_locked, "SKIP_LOCKED"}};
	for (size_t k = 0; k < sizeof(words) / sizeof(*words); k++)
		if (words[k].on) {
			strv_pushf(argv, "--option=%s", words[k].word);
			str_appendf(&opts, "%s%s", opts.len ? ", " : "", words[k].word);
		}
	if (cleanup) {
		strv_pushf(argv, "--index-cleanup=%s", cleanup);
		str_appendf(&opts, "%sINDEX_CLEANUP %s", opts.len ? ", " : "", cleanup);
	}
	if (parallel >= 0) {
		strv_pushf(argv, "--parallel=%ld", parallel);
		str_appendf(&opts, "%sPARALLEL %ld", opts.len ? ", " : "", parallel);
	}
	if (concurrently)
		strv_push(argv, "--concurrently");
	if (opts.len)
		str_appendf(&head, " (%s)", str_cstr(&opts));
	str_free(&opts);
	if (schema)
		strv_pushf(argv, "--schema=%s", schema);
	if (table)
		strv_pushf(argv, "--table=%s", table);
	if (index)
		strv_pushf(argv, "--index=%s", index);
	str d = STR_INIT;
	if (index || table) {
		/* a description, shown as SQL would name it; the statement itself is built by sql-client */
		str_appendf(&d, "%s of ", str_cstr(&head));
		pg_quote_ident(&d, schema ? schema : "");
		str_append_char(&d, '.');
		pg_quote_ident(&d, table ? table : index);
	} else
		str_appendf(&d, "%s of %s", str_cstr(&head), schema ? schema : database ? database : "the database");
	*what = str_take(&d);
	str_free(&head);
}

static const char *const COPY_FORMATS[] = {"csv", "text", "binary", NULL};

static void copy(struct spec *s, const job_ctx *ctx, strv *argv, bool import)
{
	const char *schema = text(s, "schema"), *table = text(s, "table");
	if (!schema || !table) {
		bad(s, "'schema' and 'table' are required");
		return;
	}
	const char *format = choice(s, "format", COPY_FORMATS, "csv");
	if (!format)
		return;
	sql_client_head(argv, ctx, s);
	strv_pushf(argv, "--%s=%s", import ? "copy-from" : "copy-to", import ? ctx->input : ctx->output);
	strv_pushf(argv, "--schema=%s", schema);
	strv_pushf(argv, "--table=%s", table);
	strv_pushf(argv, "--format=%s", format);
	json_t *cols = json_object_get(s->o, "columns");
	if (cols && !json_is_null(cols) && !json_is_array(cols))
		bad(s, "'columns' is a list of column names");
	size_t i;
	json_t *e;
	json_array_foreach(cols, i, e)
	{
		if (!json_is_string(e) || !*json_string_value(e)) {
			bad(s, "'columns' is a list of column names");
			break;
		}
		strv_pushf(argv, "--column=%s", json_string_value(e));
	}
	bool binary = strcmp(format, "binary") == 0, csv = strcmp(format, "csv") == 0;
	if (flag(s, "header")) {
		if (binary)
			bad(s, "a binary file has no header");
		strv_push(argv, "--header");
	}
	static const char *const options[] = {"delimiter", "null", "quote", "escape", "encoding"};
	for (size_t k = 0; k < 5; k++) {
		json_t *v = json_object_get(s->o, options[k]);
		const char *t = json_is_string(v) ? json_string_value(v) : NULL;
		if (v && !json_is_null(v) && !t)
			bad(s, "'%s' is text", options[k]);
		text(s, options[k]); /* control characters */
		/* NULL may be the empty string; the others are left out when empty */
		if (!t || (!*t && k != 1))
			continue;
		if (binary && k < 4)
			bad(s, "a binary file takes no '%s'", options[k]);
		if (!csv && k >= 2 && k <= 3)
			bad(s, "'%s' is an option of csv", options[k]);
		strv_pushf(argv, "--%s=%s", options[k], t);
	}
}

bool jobs_build(const char *kind, json_t *spec_obj, const job_ctx *ctx, strv *argv, char **description, char *why,
		size_t why_len, tusk_err *err)
{
	why[0] = '\0';
	*description = NULL;
	struct spec s = {spec_obj, why, why_len};
	bool archive = strcmp(kind, "restore") == 0 && ctx->input && jobs_is_archive(ctx->input);
	const char *program = strcmp(kind, "backup") == 0		? "pg_dump"
			      : strcmp(kind, "backup_server") == 0	? "pg_dumpall"
			      : strcmp(kind, "restore") == 0 && archive ? "pg_restore"
									: NULL; /* Tusk's own sql-client */
	static const char *const kinds[] = {"backup", "backup_server", "restore", "maintenance",
					    "import", "export",	       NULL};
	size_t k = 0;
	while (kinds[k] && strcmp(kinds[k], kind) != 0)
		k++;
	if (!kinds[k]) {
		snprintf(why, why_len, "'kind' is one of backup, backup_server, restore, maintenance, import, export");
		return true;
	}
	char *path = NULL;
	if (program && !jobs_find_program(ctx->bin_dirs, program, ctx->server_version, &path, err))
		return false;
	strv_push(argv, program ? path : ctx->self_exe);
	free(path);
	char *what = NULL;
	if (strcmp(kind, "backup") == 0)
		backup(&s, ctx, argv);
	else if (strcmp(kind, "backup_server") == 0)
		backup_server(&s, ctx, argv);
	else if (strcmp(kind, "restore") == 0)
		restore(&s, ctx, argv, archive);
	else if (strcmp(kind, "maintenance") == 0)
		maintenance(&s, ctx, argv, &what);
	else
		copy(&s, ctx, argv, strcmp(kind, "import") == 0);
	*description = what;
	return true;
}
