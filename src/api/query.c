/* The query tool's API: a session per tab, asynchronous execution, windows
 * of rows, change events over SSE, cancel, streamed exports. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "pg/qsession.h"
#include "pg/quote.h"
#include "util/time.h"

#define MAX_WINDOW 10000
/* Bytes of a value a window shows; the whole value is a request away. */
#define DEFAULT_CELL_LIMIT 8192

struct open_in {
	const char *db, *role;
};
static const api_field open_fields[] = {
    API_FIELD("database", API_TEXT, struct open_in, db, 0),
    API_FIELD("role", API_TEXT, struct open_in, role, API_NONEMPTY),
};
static const api_form open_form = {open_fields, 2, "", ERR_NONE, true};

/* The tab's role (SET ROLE) on its new connection; false after answering (the connection closed). */
static bool open_role(http_req *r, api_server *srv, PGconn *conn, const char *role)
{
	pg_error pe;
	tusk_err err = {0};
	if (!role || qsession_apply_role(conn, role, &pe, &err))
		return true;
	PQfinish(conn);
	pgpool_dedicated_closed(srv->app->pool, srv->user_id, srv->server_id);
	api_respond_failure(r, &err, &pe);
	return false;
}

void api_sessions_open(http_req *r)
{
	auth_session *as = api_session(r);
	struct open_in in = {0};
	api_server srv;
	store_server sv;
	tusk_err err = {0};
	if (!api_body(r, &open_form, &in, NULL) || !api_server_load(r, &srv, &sv))
		return;
	tusk_app *app = srv.app;
	const char *db = in.db && *in.db ? in.db : sv.maintenance_db;
	if (qmanager_count_user(app->queries, as->user.id) >= app->cfg->max_query_sessions_per_user) {
		http_respond_error(
		    r, ERR_TOO_MANY_SESSIONS,
		    "You have %d query tabs open, the most allowed (TUSK_MAX_QUERY_SESSIONS_PER_USER): close "
		    "one first.",
		    app->cfg->max_query_sessions_per_user);
	} else {
		/* a DBA watching pg_stat_activity sees what the connection is and whose */
		char app_name[300];
		snprintf(app_name, sizeof(app_name), "Tusk - Query Tool - %s", as->user.email);
		PGconn *conn = pgpool_open_dedicated(app->pool, as->user.id, srv.server_id, db, app_name, &err);
		if (!conn) {
			api_respond_err(r, &err);
		} else if (open_role(r, &srv, conn, in.role)) {
			char id[QSESSION_ID_CHARS];
			qsession *s = qsession_open(app->queries, conn, as->user.id, as->session.id_hash, srv.server_id,
						    db, in.role, sv.role, id);
			qsession_release(s);
			api_json j;
			jw_kv_str(api_json_begin(&j), "session_id", id);
			api_json_send(r, 201, &j);
		}
	}
	store_server_clear(&sv);
}

/* What a query tab may SET ROLE to: {login, current, roles}. */
void api_sessions_roles(http_req *r)
{
	api_server s;
	if (!api_server_ref(r, &s))
		return;
	char *json = NULL;
	pg_error pe = {0};
	tusk_err err = {0};
	if (!catalog_roles_settable(&s.pg, &json, &pe, &err))
		api_respond_failure(r, &err, &pe);
	else
		api_respond_raw(r, "roles", json);
}

/* A tab of this login session that a revocation closed: 403 with the reason. */
static bool revoked_tab(http_req *r, const char *sid)
{
	(void)sid;
	char why[200];
	auth_session *as = api_session(r);
	if (!api_access_revoked(as->user.id, 0, as->session.id_hash, why, sizeof(why)))
		return false;
	http_respond_error(r, ERR_ACCESS_REVOKED, "This query tab was closed: %s", why);
	return true;
}

qsession *api_query_session(http_req *r)
{
	tusk_app *app = http_req_app(r);
	const char *sid = http_req_param(r, "sid");
	qsession *s = qsession_get(app->queries, sid, api_session(r)->session.id_hash);
	if (s)
		return s;
	if (qmanager_stopping(app->queries))
		http_respond_error(r, ERR_SERVER_STOPPING,
				   "This Tusk server is stopping; the tab opens again on the next one that answers.");
	else if (qmanager_issued(app->queries, sid) && revoked_tab(r, sid))
		return NULL;
	else if (!qmanager_issued(app->queries, sid))
		http_respond_error(
		    r, ERR_SESSION_ELSEWHERE,
		    "This query tab's session lives in another Tusk process (another replica, or this one "
		    "before it restarted), so its results are not here: open the tab again. Its SQL is "
		    "kept; its results and any open transaction are lost.");
	else
		http_respond_error(r, ERR_SESSION_NOT_FOUND,
				   "This query tab's session is gone (closed or idle too long): open the tab again.");
	return NULL;
}

static qsession *load(http_req *r)
{
	return api_query_session(r);
}

static void respond_status(http_req *r, qsession *s, int status)
{
	str out = STR_INIT;
	json_writer w;
	jw_init(&w, &out);
	qsession_status_json(s, &w);
	http_respond_json(r, status, &out);
}

void api_sessions_status(http_req *r)
{
	qsession *s = load(r);
	if (!s)
		return;
	respond_status(r, s, 200);
	qsession_release(s);
}

struct execute_in {
	const char *sql;
	bool autocommit, autorollback;
	int64_t max_rows;
};
static const api_field execute_fields[] = {
    API_FIELD("sql", API_TEXT, struct execute_in, sql, API_REQUIRED | API_NONEMPTY),
    API_FIELD("autocommit", API_BOOL, struct execute_in, autocommit, API_DEFAULT_TRUE),
    API_FIELD("autorollback", API_BOOL, struct execute_in, autorollback, 0),
    API_FIELD("max_rows", API_INT, struct execute_in, max_rows, 0),
};
static const api_form execute_form = API_FORM(execute_fields, "Give the SQL to run in 'sql'.");

void api_sessions_execute(http_req *r)
{
	struct execute_in in;
	if (!api_body(r, &execute_form, &in, NULL))
		return;
	if (in.max_rows < 0) {
		http_respond_error(r, ERR_INVALID_FIELD, "max_rows is 0 (all rows) or the rows a result keeps.");
		return;
	}
	const char *sql = in.sql;
	qexec_opts o = {
	    .autocommit = in.autocommit, .autorollback = in.autorollback, .max_rows = (uint64_t)in.max_rows};
	qsession *s = load(r);
	if (!s)
		return;
	uint64_t id;
	tusk_err err;
	if (!qsession_execute(s, sql, &o, &id, &err)) {
		api_respond_err_status(r, 409, &err);
	} else {
		char out[64];
		snprintf(out, sizeof(out), "{\"execution_id\":%llu}", (unsigned long long)id);
		http_respond(r, 202, "application/json; charset=utf-8", out, strlen(out));
	}
	qsession_release(s);
}

/* Runs a fixed statement as the tab's next script (transaction buttons). */
static void run_fixed(http_req *r, const char *sql)
{
	qsession *s = load(r);
	if (!s)
		return;
	uint64_t id;
	tusk_err err;
	qexec_opts o = {.autocommit = true};
	if (!qsession_execute(s, sql, &o, &id, &err))
		api_respond_err_status(r, 409, &err);
	else
		respond_status(r, s, 202);
	qsession_release(s);
}

void api_sessions_commit(http_req *r)
{
	run_fixed(r, "COMMIT");
}

void api_sessions_rollback(http_req *r)
{
	run_fixed(r, "ROLLBACK");
}

void api_sessions_cancel(http_req *r)
{
	qsession *s = load(r);
	if (!s)
		return;
	qsession_cancel(s);
	qsession_release(s);
	http_respond(r, 202, "application/json", "{}", 2);
}

void api_sessions_close(http_req *r)
{
	tusk_app *app = http_req_app(r);
	qsession *s = load(r);
	if (!s)
		return;
	qsession_close(app->queries, s);
	qsession_release(s);
	http_respond_empty(r, 204);
}

static bool result_index(http_req *r, int *k)
{
	int64_t n;
	if (!api_path_int(r, "k", 0, 100000, "result", &n))
		return false;
	*k = (int)n;
	return true;
}

/* JSON a session call writes (qsession_rows_json, qsession_value_json). */
struct built {
	str out;
	json_writer w;
	tusk_err err;
};

static json_writer *built_begin(struct built *b)
{
	b->out = (str)STR_INIT;
	jw_init(&b->w, &b->out);
	return &b->w;
}

/* Sends what was built, or the error that stopped it (404 for a missing result or cell). */
static void respond_built(http_req *r, struct built *b, bool ok)
{
	if (ok) {
		http_respond_json(r, 200, &b->out);
		return;
	}
	str_free(&b->out);
	api_respond_err(r, &b->err);
}

void api_sessions_rows(http_req *r)
{
	int64_t offset, limit, cell_limit;
	int k;
	qsession *s;
	if (!result_index(r, &k) || !api_query_int(r, "offset", 0, 0, INT64_MAX / 2, ERR_INVALID_QUERY, &offset) ||
	    !api_query_int(r, "limit", 100, 0, MAX_WINDOW, ERR_INVALID_QUERY, &limit) ||
	    !api_query_int(r, "cell_limit", DEFAULT_CELL_LIMIT, 0, INT32_MAX, ERR_INVALID_QUERY, &cell_limit) ||
	    !(s = load(r)))
		return;
	struct built b;
	respond_built(
	    r, &b,
	    qsession_rows_json(s, k, (uint64_t)offset, (uint64_t)limit, (size_t)cell_limit, built_begin(&b), &b.err));
	qsession_release(s);
}

void api_sessions_value(http_req *r)
{
	int k;
	int64_t row, col;
	qsession *s;
	if (!result_index(r, &k) || !api_path_int(r, "row", 0, INT64_MAX, "row", &row) ||
	    !api_path_int(r, "col", 0, 1600, "column", &col) || !(s = load(r)))
		return;
	struct built b;
	respond_built(r, &b, qsession_value_json(s, k, (uint64_t)row, (int)col, built_begin(&b), &b.err));
	qsession_release(s);
}

/* ---- server-sent events ---- */

/* Status events are rate-limited by a token bucket: after a quiet spell a
 * few changes (a run starting, its first rows) go out at once; a long run
 * sends at most EVENTS_PER_S a second. */
#define EVENTS_PER_S 10
#define EVENTS_BURST 4

struct events {
	qsession *s;
	qmanager *m;
	int64_t user_id;
	char owner[80];
	uint64_t seen;
	bool closed;
	double tokens;
	struct timespec last; /* when tokens was last refilled */
	int64_t keepalive_at;
};

static void events_free(void *cls)
{
	struct events *e = cls;
	qsession_release(e->s);
	free(e);
}

static void events_refill(struct events *e)
{
	double since_s = time_ms_since(&e->last) / 1e3;
	clock_gettime(CLOCK_MONOTONIC, &e->last);
	e->tokens += since_s * EVENTS_PER_S;
	if (e->tokens > EVENTS_BURST)
		e->tokens = EVENTS_BURST;
}

/* The next status, waiting for a change. */
static bool next_event(void *cls, str *out)
{
	struct events *e = cls;
	if (e->closed) {
		/* a session ended by a stop lives on elsewhere: the web app waits for the next Tusk */
		char why[200];
		if (qmanager_stopping(e->m))
			api_event_closed(out, "shutdown", NULL);
		else if (api_access_revoked(e->user_id, qsession_server_id(e->s), e->owner, why, sizeof(why)))
			api_event_closed(out, "revoked", why);
		else
			api_event_closed(out, NULL, NULL);
		return false;
	}
	events_refill(e);
	if (e->tokens < 1) {
		long wait_ns = (long)((1 - e->tokens) / EVENTS_PER_S * 1e9);
		struct timespec nap = {wait_ns / 1000000000L, wait_ns % 1000000000L};
		nanosleep(&nap, NULL);
		events_refill(e);
	}
	uint64_t v = qsession_wait(e->s, e->seen, API_IDLE_CHECK_MS, &e->closed);
	if (e->closed) /* the closing session's last status (its worker may already say "closed") is not news */
		return next_event(cls, out);
	if (v == e->seen)
		return api_event_idle(out, &e->keepalive_at);
	e->seen = v;
	events_refill(e);
	e->tokens -= 1;
	str_append_cstr(out, "event: status\ndata: ");
	json_writer w;
	jw_init(&w, out);
	qsession_status_json(e->s, &w);
	str_append_cstr(out, "\n\n");
	return true;
}

bool api_sessions_topic(http_req *r, api_topic *t)
{
	qsession *s = load(r);
	if (!s)
		return false;
	struct events *e = xcalloc(1, sizeof(*e));
	e->s = s;
	e->m = ((tusk_app *)http_req_app(r))->queries;
	e->user_id = api_session(r)->user.id;
	snprintf(e->owner, sizeof(e->owner), "%s", api_session(r)->session.id_hash);
	e->seen = (uint64_t)-1; /* the first event is the current status */
	e->tokens = EVENTS_BURST;
	clock_gettime(CLOCK_MONOTONIC, &e->last);
	*t = (api_topic){next_event, e, events_free};
	return true;
}

void api_sessions_events(http_req *r)
{
	api_topic t;
	if (api_sessions_topic(r, &t))
		api_topic_respond(r, &t);
}

/* ---- exports ---- */

struct export
{
	qsession *s;
	uint64_t execution_id;
	int result, ncols;
	char **names;
	bool csv, sql, header, first_row;
	str target; /* quoted "schema"."table" for SQL INSERTs */
	char delimiter, quote;
	uint64_t next_row;
	str *chunk; /* where export_row writes: the piece being produced */
	str head;   /* the header line or "[", sent first */
	bool done;
};

static void export_free(void *cls)
{
	struct export *x = cls;
	for (int i = 0; i < x->ncols; i++)
		free(x->names[i]);
	free(x->names);
	str_free(&x->head);
	str_free(&x->target);
	qsession_release(x->s);
	free(x);
}

static void csv_field(struct export *x, const char *v, size_t n, bool is_null)
{
	if (is_null)
		return;
	bool quote = n == 0; /* "" tells an empty string from NULL */
	for (size_t i = 0; i < n && !quote; i++)
		quote = v[i] == x->delimiter || v[i] == x->quote || v[i] == '\n' || v[i] == '\r';
	if (!quote) {
		str_append(x->chunk, v, n);
		return;
	}
	str_append_char(x->chunk, x->quote);
	for (size_t i = 0; i < n; i++) {
		if (v[i] == x->quote)
			str_append_char(x->chunk, x->quote);
		str_append_char(x->chunk, v[i]);
	}
	str_append_char(x->chunk, x->quote);
}

static bool export_row(void *ctx, uint64_t row, int ncols, const char *const *vals, const int *lens)
{
	(void)row;
	struct export *x = ctx;
	if (x->sql) {
		str_append_cstr(x->chunk, "INSERT INTO ");
		str_append(x->chunk, x->target.buf, x->target.len);
		str_append_cstr(x->chunk, " (");
		for (int c = 0; c < ncols; c++) {
			if (c)
				str_append_cstr(x->chunk, ", ");
			pg_quote_ident(x->chunk, x->names[c]);
		}
		str_append_cstr(x->chunk, ") VALUES (");
		for (int c = 0; c < ncols; c++) {
			if (c)
				str_append_cstr(x->chunk, ", ");
			if (vals[c])
				pg_quote_literal(x->chunk, vals[c], (size_t)lens[c]);
			else
				str_append_cstr(x->chunk, "NULL");
		}
		str_append_cstr(x->chunk, ");\n");
	} else if (x->csv) {
		for (int c = 0; c < ncols; c++) {
			if (c)
				str_append_char(x->chunk, x->delimiter);
			csv_field(x, vals[c], vals[c] ? (size_t)lens[c] : 0, vals[c] == NULL);
		}
		str_append(x->chunk, "\r\n", 2);
	} else {
		json_writer w;
		jw_init(&w, x->chunk);
		if (!x->first_row)
			str_append(x->chunk, ",\n", 2);
		x->first_row = false;
		jw_obj_begin(&w);
		for (int c = 0; c < ncols; c++) {
			jw_key(&w, x->names[c]);
			if (vals[c])
				jw_strn(&w, vals[c], (size_t)lens[c]);
			else
				jw_null(&w);
		}
		jw_obj_end(&w);
	}
	x->next_row++;
	return true;
}

/* The next 2000 rows (the header first); false after the closing piece. */
static bool export_next(void *cls, str *out)
{
	struct export *x = cls;
	if (x->head.len) {
		str_append(out, x->head.buf, x->head.len);
		str_reset(&x->head);
		return true;
	}
	if (x->done)
		return false;
	x->chunk = out;
	uint64_t before = x->next_row, total = 0;
	tusk_err err;
	if (!qsession_result_read(x->s, x->execution_id, x->result, x->next_row, 2000, export_row, x, &total, &err))
		return false; /* the client sees a cut-off file */
	if (x->next_row == before || x->next_row >= total) {
		if (!x->csv && !x->sql)
			str_append_cstr(out, "\n]\n");
		x->done = true;
	}
	return true;
}

static bool one_char_option(http_req *r, const char *name, char def, char *out)
{
	const char *v = http_req_query(r, name);
	if (!v || !*v) {
		*out = def;
		return true;
	}
	if (strcmp(v, "tab") == 0 || strcmp(v, "\\t") == 0) {
		*out = '\t';
		return true;
	}
	if (strlen(v) != 1 || v[0] == '\n' || v[0] == '\r') {
		http_respond_error(r, ERR_INVALID_QUERY, "'%s' must be one character (or 'tab').", name);
		return false;
	}
	*out = v[0];
	return true;
}

void api_sessions_export(http_req *r)
{
	int k;
	if (!result_index(r, &k))
		return;
	const char *format = http_req_query(r, "format");
	bool csv = !format || strcmp(format, "csv") == 0, sql = format && strcmp(format, "sql") == 0;
	if (!csv && !sql && strcmp(format, "json") != 0) {
		http_respond_error(r, ERR_INVALID_QUERY, "format must be csv, json or sql.");
		return;
	}
	const char *table = http_req_query(r, "table"), *schema_name = http_req_query(r, "schema");
	if (sql && table && (!*table || strlen(table) > 200)) {
		http_respond_error(r, ERR_INVALID_QUERY, "table names the INSERT target: 1 to 200 characters.");
		return;
	}
	char delimiter, quote;
	if (!one_char_option(r, "delimiter", ',', &delimiter) || !one_char_option(r, "quote", '"', &quote))
		return;
	if (delimiter == quote) {
		http_respond_error(r, ERR_INVALID_QUERY, "The delimiter and the quote must differ.");
		return;
	}
	const char *header = http_req_query(r, "header");
	qsession *s = load(r);
	if (!s)
		return;
	struct export *x = xcalloc(1, sizeof(*x));
	x->s = s;
	x->result = k;
	x->csv = csv;
	x->sql = sql;
	if (sql) {
		/* with schema, the table's name whole; else "schema.table" or "table"; each part quoted */
		const char *t = table ? table : "result";
		const char *dot = schema_name && *schema_name ? NULL : strchr(t, '.');
		if (schema_name && *schema_name) {
			pg_quote_ident(&x->target, schema_name);
			str_append_char(&x->target, '.');
		} else if (dot) {
			char *schema = xstrndup(t, (size_t)(dot - t));
			pg_quote_ident(&x->target, schema);
			free(schema);
			str_append_char(&x->target, '.');
			t = dot + 1;
		}
		pg_quote_ident(&x->target, t);
	}
	x->delimiter = delimiter;
	x->quote = quote;
	x->header = !header || strcmp(header, "false") != 0;
	x->first_row = true;
	tusk_err err;
	if (!qsession_result_columns(s, k, &x->execution_id, &x->ncols, &x->names, &err)) {
		api_respond_err_status(r, 404, &err);
		export_free(x);
		return;
	}
	x->chunk = &x->head;
	if (csv && x->header) {
		for (int c = 0; c < x->ncols; c++) {
			if (c)
				str_append_char(x->chunk, delimiter);
			csv_field(x, x->names[c], strlen(x->names[c]), false);
		}
		str_append(x->chunk, "\r\n", 2);
	} else if (!csv && !sql) {
		str_append_cstr(x->chunk, "[\n");
	}
	const char *ext = csv ? "csv" : sql ? "sql" : "json";
	char *disposition = arena_printf(http_req_arena(r), "attachment; filename=\"result-%d.%s\"", k + 1, ext);
	http_add_header(r, "Content-Disposition", disposition);
	http_respond_chunks(r, 200,
			    csv	  ? "text/csv; charset=utf-8"
			    : sql ? "application/sql; charset=utf-8"
				  : "application/json; charset=utf-8",
			    export_next, x, export_free);
}
