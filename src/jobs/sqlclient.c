/* `tusk sql-client`: the jobs' own libpq client (see sqlclient.h). */
#include "jobs/sqlclient.h"

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "pg/sqlscan.h"
#include "util/str.h"

enum { EXIT_OK = 0, EXIT_BAD = 1, EXIT_CONNECT = 2, EXIT_STATEMENT = 3, EXIT_CANCELLED = 130 };

/* The longest statement or line a script may hold (the server's own limit is 1 GB). */
#define MAX_STATEMENT ((size_t)1 << 30)

struct args {
	const char *dbname, *role;
	const char *script, *maintenance, *copy_from, *copy_to;
	bool single_transaction, exit_on_error, concurrently, header;
	const char *options[8];
	int noptions;
	const char *index_cleanup, *parallel;
	const char *schema, *table, *index;
	const char **columns;
	int ncolumns;
	const char *format, *delimiter, *null_text, *quote, *escape, *encoding;
};

/* ---- cancel on SIGTERM/SIGINT ---- */

static PGcancel *volatile cancel_handle;
static volatile sig_atomic_t cancelled;

static void on_stop_signal(int sig)
{
	(void)sig;
	cancelled = 1;
	PGcancel *c = cancel_handle;
	if (c) {
		char buf[256];
		PQcancel(c, buf, sizeof(buf)); /* async-signal-safe, as libpq documents */
	}
}

/* The connection that SIGTERM cancels; swapped with the signals blocked. */
static void set_cancel_target(PGconn *conn)
{
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	PGcancel *prev = cancel_handle;
	cancel_handle = conn ? PQgetCancel(conn) : NULL;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (prev)
		PQfreeCancel(prev);
}

/* ---- connections ---- */

static void print_conn_error(PGconn *c)
{
	fprintf(stderr, "tusk sql-client: %s", c ? PQerrorMessage(c) : "out of memory\n");
}

/* Connects with the job's conninfo, dbname replaced when given, then SET ROLE. */
static PGconn *connect_to(const struct args *a, const char *dbname)
{
	char *why = NULL;
	PQconninfoOption *opts = PQconninfoParse(a->dbname, &why);
	if (!opts) {
		fprintf(stderr, "tusk sql-client: the connection string is not valid: %s\n",
			why ? why : "out of memory");
		PQfreemem(why);
		return NULL;
	}
	size_t n = 0;
	for (PQconninfoOption *o = opts; o->keyword; o++)
		n++;
	const char **kw = xcalloc(n + 2, sizeof(char *)), **val = xcalloc(n + 2, sizeof(char *));
	size_t k = 0;
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (!o->val || (dbname && strcmp(o->keyword, "dbname") == 0))
			continue;
		kw[k] = o->keyword;
		val[k++] = o->val;
	}
	if (dbname) {
		kw[k] = "dbname";
		val[k++] = dbname;
	}
	PGconn *c = PQconnectdbParams(kw, val, 0);
	free(kw);
	free(val);
	PQconninfoFree(opts);
	if (!c || PQstatus(c) != CONNECTION_OK) {
		print_conn_error(c);
		PQfinish(c);
		return NULL;
	}
	if (a->role) {
		char *ident = PQescapeIdentifier(c, a->role, strlen(a->role));
		str q = STR_INIT;
		str_appendf(&q, "SET ROLE %s", ident ? ident : "\"\"");
		PQfreemem(ident);
		PGresult *r = PQexec(c, str_cstr(&q));
		str_free(&q);
		bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		if (!ok)
			fprintf(stderr, "%s", PQresultErrorMessage(r));
		PQclear(r);
		if (!ok) {
			PQfinish(c);
			return NULL;
		}
	}
	set_cancel_target(c);
	return c;
}

static bool std_strings_of(PGconn *c)
{
	const char *v = PQparameterStatus(c, "standard_conforming_strings");
	return !v || strcmp(v, "off") != 0;
}

/* Runs one statement built here; prints it first (as psql --echo-queries). */
static bool run(PGconn *c, const char *sql)
{
	printf("%s\n", sql);
	fflush(stdout);
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
	if (!ok)
		fprintf(stderr, "%s", PQresultErrorMessage(r));
	PQclear(r);
	return ok;
}

static void append_ident(str *out, PGconn *c, const char *name)
{
	char *q = PQescapeIdentifier(c, name, strlen(name));
	str_append_cstr(out, q ? q : "\"\"");
	PQfreemem(q);
}

static void append_literal(str *out, PGconn *c, const char *text)
{
	char *q = PQescapeLiteral(c, text, strlen(text));
	str_append_cstr(out, q ? q : "NULL");
	PQfreemem(q);
}

/* ---- scripts ---- */

/* A line of the script, with its newline; false at the end. */
static bool read_line(FILE *f, char **line, size_t *cap, size_t *len, bool *too_long)
{
	ssize_t n = getline(line, cap, f);
	if (n < 0)
		return false;
	*len = (size_t)n;
	*too_long = *len > MAX_STATEMENT;
	return true;
}

static bool is_copy_end(const char *line, size_t len)
{
	return (len == 2 && memcmp(line, "\\.", 2) == 0) || (len == 3 && memcmp(line, "\\.\n", 3) == 0) ||
	       (len == 4 && memcmp(line, "\\.\r\n", 4) == 0);
}

/* The database a \connect names: "name", a "quoted name", or, after
 * -reuse-previous=on, a conninfo holding dbname=... alone (pg_dump writes
 * these three forms). NULL with *why when it is anything else. */
static char *connect_target(const char *args, const char **why)
{
	const char *p = args;
	bool conninfo = false;
	if (strncmp(p, "-reuse-previous=on", 18) == 0 && (p[18] == ' ' || p[18] == '\t')) {
		conninfo = true;
		p += 18;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	str word = STR_INIT;
	if (*p == '"') {
		p++;
		while (*p && !(*p == '"' && p[1] != '"')) {
			if (*p == '"')
				p++;
			str_append_char(&word, *p++);
		}
		if (*p != '"') {
			*why = "an unterminated quoted name";
			str_free(&word);
			return NULL;
		}
		p++;
	} else {
		while (*p && *p != ' ' && *p != '\t')
			str_append_char(&word, *p++);
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p || word.len == 0 || strcmp(str_cstr(&word), "-") == 0) {
		*why = "\\connect here takes one database name (other servers, users or options are not followed)";
		str_free(&word);
		return NULL;
	}
	if (!conninfo)
		return str_take(&word);
	char *err = NULL;
	PQconninfoOption *opts = PQconninfoParse(str_cstr(&word), &err);
	str_free(&word);
	PQfreemem(err);
	char *db = NULL;
	bool other = false;
	for (PQconninfoOption *o = opts; o && o->keyword; o++) {
		if (!o->val)
			continue;
		if (strcmp(o->keyword, "dbname") == 0)
			db = xstrdup(o->val);
		else
			other = true;
	}
	PQconninfoFree(opts);
	if (!db || other) {
		free(db);
		*why = "\\connect here follows only dbname=... (other servers, users or options are not followed)";
		return NULL;
	}
	return db;
}

/* The psql meta-commands a script may hold: only what pg_dump and
 * pg_dumpall write. \restrict and \unrestrict need nothing here: no other
 * meta-command ever runs. */
static bool meta_allowed(const char *name, const char *args, bool single, const char **why)
{
	if (strcmp(name, "connect") == 0 || strcmp(name, "c") == 0) {
		if (single) {
			*why = "a script that connects to other databases cannot run in a single transaction";
			return false;
		}
		char *db = connect_target(args, why);
		free(db);
		return db != NULL;
	}
	if (strcmp(name, "restrict") == 0 || strcmp(name, "unrestrict") == 0) {
		for (const char *c = args; *c; c++)
			if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9'))) {
				*why = "its key is not alphanumeric";
				return false;
			}
		return true;
	}
	*why = "Tusk runs the SQL of a script and only the psql commands pg_dump writes (\\connect, \\restrict, "
	       "\\unrestrict); nothing else of psql's runs";
	return false;
}

/* "SET standard_conforming_strings = off;" and its spellings, for the check
 * pass (the run itself asks the server). -1 when the statement is another. */
static int std_strings_set(const char *stmt)
{
	char w[4][40];
	int n = sscanf(stmt, " %39[A-Za-z_] %39[A-Za-z_] %39[=A-Za-z_'] %39[A-Za-z_';]", w[0], w[1], w[2], w[3]);
	if (n < 3 || strcasecmp(w[0], "set") != 0)
		return -1;
	int k = 1;
	if (strcasecmp(w[k], "session") == 0 || strcasecmp(w[k], "local") == 0)
		return -1; /* too unusual to guess at */
	if (strcasecmp(w[k], "standard_conforming_strings") != 0)
		return -1;
	const char *v = w[k + 1];
	if (strcmp(v, "=") == 0 || strcasecmp(v, "to") == 0)
		v = n > 3 ? w[3] : "";
	else if (v[0] == '=')
		v++;
	char val[40];
	size_t j = 0;
	for (const char *c = v; *c && j < sizeof(val) - 1; c++)
		if (*c != '\'' && *c != ';')
			val[j++] = *c;
	val[j] = '\0';
	if (strcasecmp(val, "on") == 0 || strcasecmp(val, "true") == 0)
		return 1;
	if (strcasecmp(val, "off") == 0 || strcasecmp(val, "false") == 0)
		return 0;
	return -1;
}

/* The first pass: every meta-command is one that may run, before anything runs. */
static bool check_script(FILE *f, bool single)
{
	sqlscan s;
	sqlscan_init(&s, true);
	str stmt = STR_INIT;
	char *line = NULL;
	size_t cap = 0, len = 0, lineno = 0;
	bool ok = true, too_long = false, in_copy = false;
	while (ok && read_line(f, &line, &cap, &len, &too_long)) {
		lineno++;
		if (too_long) {
			fprintf(stderr, "line %zu: the line is longer than 1 GB\n", lineno);
			ok = false;
			break;
		}
		if (in_copy) {
			in_copy = !is_copy_end(line, len);
			continue;
		}
		size_t pos = 0;
		while (ok && pos < len) {
			enum sqlscan_event ev = sqlscan_feed(&s, line, len, &pos);
			if (ev == SQLSCAN_META) {
				const char *why = NULL;
				if (!meta_allowed(s.meta_name, str_cstr(&s.meta_args), single, &why)) {
					fprintf(
					    stderr,
					    "line %zu: the script holds the psql command \\%s, which is refused: %s. "
					    "Nothing was run.\n",
					    lineno, s.meta_name, why);
					ok = false;
				}
			} else if (ev == SQLSCAN_STATEMENT) {
				bool copy = false;
				sqlscan_take(&s, &stmt, &copy);
				int set = std_strings_set(str_cstr(&stmt));
				if (set >= 0)
					s.std_strings = set == 1;
				if (copy) {
					in_copy = true; /* data lines follow this line */
					pos = len;
				}
			}
			if (s.stmt.len > MAX_STATEMENT) {
				fprintf(stderr, "line %zu: a statement is longer than 1 GB\n", lineno);
				ok = false;
			}
		}
	}
	free(line);
	str_free(&stmt);
	sqlscan_free(&s);
	return ok;
}

struct script_run {
	const struct args *a;
	PGconn *conn;
	FILE *f;
	size_t lineno, statements, failed;
	bool stop;	/* a failure ends the run */
	bool in_tx;	/* --single-transaction: inside its BEGIN */
	bool tx_failed; /* the single transaction failed: it is rolled back */
};

/* Sends the data lines after COPY ... FROM STDIN, up to "\.". */
static bool copy_in_lines(struct script_run *sr)
{
	char *line = NULL;
	size_t cap = 0, len = 0;
	bool too_long = false, ok = true;
	while (read_line(sr->f, &line, &cap, &len, &too_long)) {
		sr->lineno++;
		if (is_copy_end(line, len))
			break;
		if (too_long || PQputCopyData(sr->conn, line, (int)len) != 1) {
			ok = false;
			break;
		}
	}
	free(line);
	if (PQputCopyEnd(sr->conn, ok ? NULL : "the data could not be sent") != 1)
		ok = false;
	return ok;
}

/* Skips the data lines of a COPY that did not start. */
static void skip_copy_lines(struct script_run *sr)
{
	char *line = NULL;
	size_t cap = 0, len = 0;
	bool too_long;
	while (read_line(sr->f, &line, &cap, &len, &too_long)) {
		sr->lineno++;
		if (is_copy_end(line, len))
			break;
	}
	free(line);
}

static void report_failure(struct script_run *sr, size_t line, const PGresult *r, const char *sql)
{
	fprintf(stderr, "line %zu: %s", line, r ? PQresultErrorMessage(r) : PQerrorMessage(sr->conn));
	size_t n = strlen(sql);
	fprintf(stderr, "STATEMENT:  %.*s%s\n", (int)(n > 2000 ? 2000 : n), sql, n > 2000 ? " ..." : "");
}

/* Runs one statement of the script; false when the run must stop. */
static bool script_statement(struct script_run *sr, const char *sql, bool copy_predicted, size_t line)
{
	/* pg_dump 17+ writes this whatever server it dumped; a server before 17 does not know the
	 * setting (and inside a single transaction its error would abort the rest) */
	if (PQserverVersion(sr->conn) < 170000 && strcmp(sql, "SET transaction_timeout = 0;") == 0) {
		printf("line %zu: skipped SET transaction_timeout, which PostgreSQL %d does not know\n", line,
		       PQserverVersion(sr->conn) / 10000);
		return true;
	}
	sr->statements++;
	PGresult *r = PQexec(sr->conn, sql);
	bool ok = true;
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_COPY_IN) {
		PQclear(r);
		bool sent = copy_in_lines(sr);
		r = PQgetResult(sr->conn);
		st = PQresultStatus(r);
		ok = sent && st == PGRES_COMMAND_OK;
		/* drain: a COPY leaves one more NULL */
		PGresult *more;
		while ((more = PQgetResult(sr->conn)))
			PQclear(more);
	} else if (st == PGRES_COPY_OUT) {
		/* COPY ... TO STDOUT in a script: its rows are not kept */
		char *buf;
		int n;
		while ((n = PQgetCopyData(sr->conn, &buf, 0)) > 0)
			PQfreemem(buf);
		PQclear(r);
		r = PQgetResult(sr->conn);
		st = PQresultStatus(r);
		ok = st == PGRES_COMMAND_OK;
		PGresult *more;
		while ((more = PQgetResult(sr->conn)))
			PQclear(more);
	} else if (st == PGRES_COPY_BOTH) {
		ok = false;
	} else {
		ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
		if (!ok && copy_predicted)
			skip_copy_lines(sr);
	}
	if (!ok) {
		sr->failed++;
		report_failure(sr, line, r, sql);
		if (sr->in_tx)
			sr->tx_failed = true;
	}
	PQclear(r);
	if (PQstatus(sr->conn) != CONNECTION_OK) {
		fprintf(stderr, "line %zu: the connection was lost: %s", line, PQerrorMessage(sr->conn));
		return false;
	}
	return ok || (!sr->stop && !sr->tx_failed);
}

static bool script_meta(struct script_run *sr, const char *name, const char *args)
{
	if (strcmp(name, "connect") != 0 && strcmp(name, "c") != 0)
		return true; /* \restrict, \unrestrict: nothing to do */
	const char *why = NULL;
	char *db = connect_target(args, &why);
	if (!db)
		return false; /* the check pass refused it already */
	PGconn *next = connect_to(sr->a, db);
	if (!next) {
		fprintf(stderr, "line %zu: could not connect to the database \"%s\"\n", sr->lineno, db);
		free(db);
		return false;
	}
	printf("You are now connected to database \"%s\".\n", db);
	fflush(stdout);
	free(db);
	PQfinish(sr->conn);
	sr->conn = next;
	return true;
}

/* Over 80 lines: the whole life of a restore script in one reading order
 * (pre-check every meta-command, connect, then statement, COPY data,
 * \connect and cancellation in one loop) so the rule it enforces, nothing
 * but SQL and same-server reconnects, is checked in one place. */
static int run_script(const struct args *a)
{
	int fd = open(a->script, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!f) {
		fprintf(stderr, "tusk sql-client: cannot read %s: %s\n", a->script, strerror(errno));
		if (fd >= 0)
			close(fd);
		return EXIT_BAD;
	}
	if (!check_script(f, a->single_transaction)) {
		fclose(f);
		return EXIT_BAD;
	}
	rewind(f);
	struct script_run sr = {.a = a, .f = f, .stop = a->exit_on_error};
	sr.conn = connect_to(a, NULL);
	if (!sr.conn) {
		fclose(f);
		return EXIT_CONNECT;
	}
	bool go = true;
	if (a->single_transaction) {
		go = run(sr.conn, "BEGIN");
		sr.in_tx = go;
	}
	sqlscan s;
	sqlscan_init(&s, std_strings_of(sr.conn));
	str stmt = STR_INIT;
	char *line = NULL;
	size_t cap = 0, len = 0, start_line = 0;
	bool too_long;
	while (go && !cancelled && read_line(f, &line, &cap, &len, &too_long)) {
		sr.lineno++;
		size_t pos = 0;
		while (go && pos < len) {
			bool was_pending = sqlscan_pending(&s);
			enum sqlscan_event ev = sqlscan_feed(&s, line, len, &pos);
			if (!was_pending && sqlscan_pending(&s))
				start_line = sr.lineno;
			if (ev == SQLSCAN_META) {
				go = script_meta(&sr, s.meta_name, str_cstr(&s.meta_args));
				if (go)
					s.std_strings = std_strings_of(sr.conn);
			} else if (ev == SQLSCAN_STATEMENT) {
				bool copy = false;
				sqlscan_take(&s, &stmt, &copy);
				size_t here = sr.lineno;
				go = script_statement(&sr, str_cstr(&stmt), copy, start_line ? start_line : here);
				s.std_strings = std_strings_of(sr.conn);
				if (copy || sr.lineno != here)
					pos = len; /* the data lines were read past this line */
			}
		}
	}
	/* psql sends what is left at the end without a ';' too */
	if (go && !cancelled && sqlscan_pending(&s)) {
		sqlscan_take(&s, &stmt, NULL);
		go = script_statement(&sr, str_cstr(&stmt), false, start_line);
	}
	free(line);
	str_free(&stmt);
	sqlscan_free(&s);
	fclose(f);
	int rc = EXIT_OK;
	if (sr.in_tx) {
		bool commit = go && !sr.tx_failed && !cancelled;
		if (!run(sr.conn, commit ? "COMMIT" : "ROLLBACK") || !commit) {
			fprintf(stderr, "the single transaction was rolled back: nothing of the script was kept\n");
			rc = cancelled ? EXIT_CANCELLED : EXIT_STATEMENT;
		}
	}
	if (rc == EXIT_OK && cancelled)
		rc = EXIT_CANCELLED;
	else if (rc == EXIT_OK && !go)
		rc = PQstatus(sr.conn) == CONNECTION_OK ? EXIT_STATEMENT : EXIT_CONNECT;
	printf("%zu statements run, %zu failed%s\n", sr.statements, sr.failed,
	       rc == EXIT_OK ? "" : "; the run stopped there");
	fflush(stdout);
	set_cancel_target(NULL);
	PQfinish(sr.conn);
	return rc;
}

/* ---- maintenance ---- */

static const char *const OPTION_WORDS[] = {"FULL", "FREEZE", "ANALYZE", "VERBOSE", "SKIP_LOCKED", NULL};

static bool known(const char *const *words, const char *w)
{
	for (size_t i = 0; words[i]; i++)
		if (strcmp(words[i], w) == 0)
			return true;
	return false;
}

/* "VACUUM (FULL, VERBOSE)": the operation and its options, all words of ours. */
static bool maintenance_head(const struct args *a, str *head)
{
	static const char *const ops[] = {"vacuum", "analyze", "reindex", "cluster", NULL};
	if (!known(ops, a->maintenance)) {
		fprintf(stderr, "tusk sql-client: unknown operation '%s'\n", a->maintenance);
		return false;
	}
	for (const char *c = a->maintenance; *c; c++)
		str_append_char(head, (char)(*c - 32));
	str opts = STR_INIT;
	for (int i = 0; i < a->noptions; i++) {
		if (!known(OPTION_WORDS, a->options[i])) {
			fprintf(stderr, "tusk sql-client: unknown option '%s'\n", a->options[i]);
			str_free(&opts);
			return false;
		}
		str_appendf(&opts, "%s%s", opts.len ? ", " : "", a->options[i]);
	}
	if (a->index_cleanup) {
		static const char *const cleanup[] = {"auto", "on", "off", NULL};
		if (!known(cleanup, a->index_cleanup)) {
			fprintf(stderr, "tusk sql-client: index cleanup is auto, on or off\n");
			str_free(&opts);
			return false;
		}
		str_appendf(&opts, "%sINDEX_CLEANUP %s", opts.len ? ", " : "", a->index_cleanup);
	}
	if (a->parallel) {
		char *end;
		long p = strtol(a->parallel, &end, 10);
		if (*end || end == a->parallel || p < 0 || p > 1024) {
			fprintf(stderr, "tusk sql-client: parallel is a whole number from 0 to 1024\n");
			str_free(&opts);
			return false;
		}
		str_appendf(&opts, "%sPARALLEL %ld", opts.len ? ", " : "", p);
	}
	if (opts.len)
		str_appendf(head, " (%s)", str_cstr(&opts));
	str_free(&opts);
	return true;
}

/* The statement for each table of the schema (relkinds), optionally only those clustered. */
static bool per_table(PGconn *c, const char *head, const char *schema, const char *relkinds, bool clustered)
{
	str q = STR_INIT;
	str_appendf(
	    &q,
	    "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
	    "c.relnamespace WHERE n.nspname = $1 AND c.relkind::text = ANY (string_to_array($2, ','))%s ORDER BY "
	    "c.relname",
	    clustered ? " AND EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND "
			"i.indisclustered)"
		      : "");
	const char *params[2] = {schema, relkinds};
	PGresult *r = PQexecParams(c, str_cstr(&q), 2, NULL, params, NULL, NULL, 0);
	str_free(&q);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "%s", PQresultErrorMessage(r));
		PQclear(r);
		return false;
	}
	bool ok = true;
	for (int i = 0; ok && !cancelled && i < PQntuples(r); i++) {
		str sql = STR_INIT;
		str_appendf(&sql, "%s ", head);
		append_ident(&sql, c, PQgetvalue(r, i, 0));
		str_append_char(&sql, '.');
		append_ident(&sql, c, PQgetvalue(r, i, 1));
		str_append_char(&sql, ';');
		ok = run(c, str_cstr(&sql));
		str_free(&sql);
	}
	PQclear(r);
	return ok && !cancelled;
}

static int run_maintenance(const struct args *a)
{
	str head = STR_INIT;
	if (!maintenance_head(a, &head)) {
		str_free(&head);
		return EXIT_BAD;
	}
	if ((a->table || a->index) && !a->schema) {
		fprintf(stderr, "tusk sql-client: a table or index needs its schema\n");
		str_free(&head);
		return EXIT_BAD;
	}
	PGconn *c = connect_to(a, NULL);
	if (!c) {
		str_free(&head);
		return EXIT_CONNECT;
	}
	const char *op = a->maintenance;
	if (strcmp(op, "cluster") == 0 && PQserverVersion(c) < 140000 && strstr(str_cstr(&head), "VERBOSE")) {
		/* before 14 CLUSTER takes VERBOSE bare, not in parentheses */
		str_reset(&head);
		str_append_cstr(&head, "CLUSTER VERBOSE");
	}
	str sql = STR_INIT;
	bool ok = true;
	if (strcmp(op, "reindex") == 0) {
		str_appendf(&sql, "%s %s%s ", str_cstr(&head),
			    a->index	? "INDEX"
			    : a->table	? "TABLE"
			    : a->schema ? "SCHEMA"
					: "DATABASE",
			    a->concurrently ? " CONCURRENTLY" : "");
		if (a->index || a->table) {
			append_ident(&sql, c, a->schema);
			str_append_char(&sql, '.');
			append_ident(&sql, c, a->index ? a->index : a->table);
		} else {
			append_ident(&sql, c, a->schema ? a->schema : PQdb(c));
		}
		str_append_char(&sql, ';');
		ok = run(c, str_cstr(&sql));
	} else if (strcmp(op, "cluster") == 0 && !a->table && a->schema) {
		ok = per_table(c, str_cstr(&head), a->schema, "r,m", true);
	} else if (a->table) {
		str_appendf(&sql, "%s ", str_cstr(&head));
		append_ident(&sql, c, a->schema);
		str_append_char(&sql, '.');
		append_ident(&sql, c, a->table);
		if (strcmp(op, "cluster") == 0 && a->index) {
			str_append_cstr(&sql, " USING ");
			append_ident(&sql, c, a->index);
		}
		str_append_char(&sql, ';');
		ok = run(c, str_cstr(&sql));
	} else if (a->schema) {
		ok = per_table(c, str_cstr(&head), a->schema, "r,m,p", false);
	} else {
		str_appendf(&sql, "%s;", str_cstr(&head));
		ok = run(c, str_cstr(&sql));
	}
	str_free(&sql);
	str_free(&head);
	set_cancel_target(NULL);
	PQfinish(c);
	return cancelled ? EXIT_CANCELLED : ok ? EXIT_OK : EXIT_STATEMENT;
}

/* ---- COPY to and from a file ---- */

/* Over 80 lines: COPY in both directions with its file, its quota and its
 * cancellation kept in one sequence, so every exit closes the file and the
 * connection the same way. */
static int run_copy(const struct args *a)
{
	bool import = a->copy_from != NULL;
	const char *path = import ? a->copy_from : a->copy_to;
	static const char *const formats[] = {"csv", "text", "binary", NULL};
	const char *format = a->format ? a->format : "csv";
	if (!a->schema || !a->table || !known(formats, format)) {
		fprintf(stderr, "tusk sql-client: a copy needs --schema, --table and a format (csv, text, binary)\n");
		return EXIT_BAD;
	}
	int fd = import ? open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
			: open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "tusk sql-client: cannot %s %s: %s\n", import ? "read" : "create", path,
			strerror(errno));
		return EXIT_BAD;
	}
	PGconn *c = connect_to(a, NULL);
	if (!c) {
		close(fd);
		return EXIT_CONNECT;
	}
	str sql = STR_INIT;
	str_append_cstr(&sql, "COPY ");
	append_ident(&sql, c, a->schema);
	str_append_char(&sql, '.');
	append_ident(&sql, c, a->table);
	for (int i = 0; i < a->ncolumns; i++) {
		str_append_cstr(&sql, i ? ", " : " (");
		append_ident(&sql, c, a->columns[i]);
	}
	if (a->ncolumns)
		str_append_char(&sql, ')');
	str_appendf(&sql, " %s WITH (FORMAT %s", import ? "FROM STDIN" : "TO STDOUT", format);
	if (a->header)
		str_append_cstr(&sql, ", HEADER true");
	const struct {
		const char *word, *value;
	} opts[] = {{"DELIMITER", a->delimiter},
		    {"NULL", a->null_text},
		    {"QUOTE", a->quote},
		    {"ESCAPE", a->escape},
		    {"ENCODING", a->encoding}};
	for (size_t i = 0; i < sizeof(opts) / sizeof(*opts); i++) {
		if (!opts[i].value)
			continue;
		str_appendf(&sql, ", %s ", opts[i].word);
		append_literal(&sql, c, opts[i].value);
	}
	str_append_char(&sql, ')');
	printf("%s\n", str_cstr(&sql));
	fflush(stdout);
	PGresult *r = PQexec(c, str_cstr(&sql));
	str_free(&sql);
	bool ok = PQresultStatus(r) == (import ? PGRES_COPY_IN : PGRES_COPY_OUT);
	if (!ok)
		fprintf(stderr, "%s", PQresultErrorMessage(r));
	PQclear(r);
	const char *failure = NULL;
	if (ok && import) {
		char buf[65536];
		ssize_t n = 0;
		while (!cancelled && (n = read(fd, buf, sizeof(buf))) > 0)
			if (PQputCopyData(c, buf, (int)n) != 1) {
				failure = "the data could not be sent";
				break;
			}
		if (n < 0)
			failure = strerror(errno);
		if (cancelled)
			failure = "cancelled";
		if (PQputCopyEnd(c, failure) != 1)
			ok = false;
	} else if (ok) {
		char *buf;
		int n;
		while ((n = PQgetCopyData(c, &buf, 0)) > 0) {
			bool written = write(fd, buf, (size_t)n) == n;
			PQfreemem(buf);
			if (!written) {
				fprintf(stderr, "tusk sql-client: writing %s failed: %s\n", path, strerror(errno));
				ok = false;
				break;
			}
		}
	}
	if (close(fd) != 0 && !import) {
		fprintf(stderr, "tusk sql-client: writing %s failed: %s\n", path, strerror(errno));
		ok = false;
	}
	while ((r = PQgetResult(c))) {
		if (PQresultStatus(r) == PGRES_COMMAND_OK)
			printf("COPY %s\n", PQcmdTuples(r));
		else {
			fprintf(stderr, "%s", PQresultErrorMessage(r));
			ok = false;
		}
		PQclear(r);
	}
	fflush(stdout);
	set_cancel_target(NULL);
	PQfinish(c);
	return cancelled ? EXIT_CANCELLED : ok && !failure ? EXIT_OK : EXIT_STATEMENT;
}

/* ---- arguments ---- */

static bool parse_args(int argc, char **argv, struct args *a)
{
	a->columns = xcalloc((size_t)argc, sizeof(char *));
	for (int i = 2; i < argc; i++) {
		const char *arg = argv[i];
		if (strncmp(arg, "--", 2) != 0) {
			fprintf(stderr, "tusk sql-client: unexpected argument '%s'\n", arg);
			return false;
		}
		const char *eq = strchr(arg, '=');
		size_t kl = eq ? (size_t)(eq - arg) : strlen(arg);
		const char *v = eq ? eq + 1 : NULL;
#define KEY(k) (kl == strlen(k) && strncmp(arg, k, kl) == 0)
		const char **slot = KEY("--dbname")	     ? &a->dbname
				    : KEY("--role")	     ? &a->role
				    : KEY("--script")	     ? &a->script
				    : KEY("--maintenance")   ? &a->maintenance
				    : KEY("--copy-from")     ? &a->copy_from
				    : KEY("--copy-to")	     ? &a->copy_to
				    : KEY("--index-cleanup") ? &a->index_cleanup
				    : KEY("--parallel")	     ? &a->parallel
				    : KEY("--schema")	     ? &a->schema
				    : KEY("--table")	     ? &a->table
				    : KEY("--index")	     ? &a->index
				    : KEY("--format")	     ? &a->format
				    : KEY("--delimiter")     ? &a->delimiter
				    : KEY("--null")	     ? &a->null_text
				    : KEY("--quote")	     ? &a->quote
				    : KEY("--escape")	     ? &a->escape
				    : KEY("--encoding")	     ? &a->encoding
							     : NULL;
		bool *flag = KEY("--single-transaction") ? &a->single_transaction
			     : KEY("--exit-on-error")	 ? &a->exit_on_error
			     : KEY("--concurrently")	 ? &a->concurrently
			     : KEY("--header")		 ? &a->header
							 : NULL;
		if (slot && v) {
			*slot = v;
		} else if (flag && !v) {
			*flag = true;
		} else if (KEY("--option") && v && a->noptions < (int)(sizeof(a->options) / sizeof(*a->options))) {
			a->options[a->noptions++] = v;
		} else if (KEY("--column") && v && *v) {
			a->columns[a->ncolumns++] = v;
		} else {
			fprintf(stderr, "tusk sql-client: unexpected argument '%.*s'\n", (int)kl, arg);
			return false;
		}
#undef KEY
	}
	int modes = !!a->script + !!a->maintenance + !!a->copy_from + !!a->copy_to;
	if (!a->dbname || modes != 1) {
		fprintf(stderr, "usage: tusk sql-client --dbname=CONNINFO [--role=ROLE] (--script=FILE "
				"[--single-transaction] [--exit-on-error] | --maintenance=OPERATION [options] | "
				"--copy-from=FILE | --copy-to=FILE ...)\n");
		return false;
	}
	return true;
}

int jobs_sqlclient_main(int argc, char **argv)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	struct args a = {0};
	int rc = EXIT_BAD;
	if (parse_args(argc, argv, &a))
		rc = a.script ? run_script(&a) : a.maintenance ? run_maintenance(&a) : run_copy(&a);
	free(a.columns);
	fflush(stdout);
	return rc;
}
