/* Query history (and the audit of statements), saved queries, workspaces. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "pg/sqlscan.h"
#include "util/log.h"

#define MAX_HISTORY_SQL (64 * 1024)
#define MAX_WORKSPACE (1024 * 1024)

void api_history_record(void *ctx, const qsession_record *rec)
{
	tusk_app *app = ctx;
	tusk_err err;
	/* a password typed into a statement is kept nowhere: history and audit get <redacted> */
	bool redacted = false;
	char *clean = sqlscan_redact(rec->sql, &redacted);
	size_t n = strlen(clean);
	char *sql = xstrndup(clean, n > MAX_HISTORY_SQL ? MAX_HISTORY_SQL : n);
	free(clean);
	store_history h = {
	    .user_id = rec->user_id,
	    .server_id = rec->server_id,
	    .database = (char *)rec->database,
	    .sql = sql,
	    .status = (char *)rec->status,
	    .error = (char *)rec->error,
	    .started_at = rec->started_at,
	    .duration_ms = rec->duration_ms,
	    .row_count = rec->row_count,
	};
	if (app->cfg->history_max > 0 && !store_history_add(app->store, &h, app->cfg->history_max, &err))
		log_msg(LOG_ERROR, "query history write failed", "detail", err.msg, NULL);
	store_user u;
	bool known = store_user_by_id(app->store, rec->user_id, &u, &err) == 1;
	char detail[512];
	snprintf(detail, sizeof(detail), "server %lld, database %s: %s in %lld ms, %lld rows%s%.300s",
		 (long long)rec->server_id, rec->database, rec->status, (long long)rec->duration_ms,
		 (long long)rec->row_count, app->cfg->audit_sql ? ": " : "", app->cfg->audit_sql ? sql : "");
	auth_audit(app->auth, known ? &u : NULL, NULL, "query", NULL, detail);
	free(sql);
}

static void write_history(json_writer *w, const void *item, void *ctx)
{
	(void)ctx;
	const store_history *h = item;
	jw_object(w, "insstiiss", "id", h->id, "server_id", h->server_id, "database", h->database, "sql", h->sql,
		  "started_at", h->started_at, "duration_ms", h->duration_ms, "row_count", h->row_count, "status",
		  h->status, "error", h->error);
}

void api_history_list(http_req *r)
{
	int64_t server_id, limit, offset;
	if (!api_query_int(r, "server_id", 0, 0, INT64_MAX, ERR_INVALID_QUERY, &server_id) ||
	    !api_query_int(r, "limit", 100, 0, 1000, ERR_INVALID_QUERY, &limit) ||
	    !api_query_int(r, "offset", 0, 0, INT64_MAX, ERR_INVALID_QUERY, &offset))
		return;
	size_t n = 0;
	int64_t total = 0;
	tusk_err err;
	store_history *list = store_history_list(api_store(r), api_session(r)->user.id, server_id,
						 http_req_query(r, "q"), limit, offset, &n, &total, &err);
	api_respond_page(r, total, list, n, sizeof(*list), write_history, NULL, &err);
	store_history_list_free(list, n);
}

void api_history_clear(http_req *r)
{
	tusk_err err;
	api_respond_done(r, store_history_delete_user(api_store(r), api_session(r)->user.id, &err), &err);
}

/* ---- saved queries ---- */

static void write_snippet(json_writer *w, const void *item, void *ctx)
{
	(void)ctx;
	const store_snippet *q = item;
	jw_object(w, "isstt", "id", q->id, "name", q->name, "sql", q->sql, "created_at", q->created_at, "updated_at",
		  q->updated_at);
}

void api_snippets_list(http_req *r)
{
	size_t n = 0;
	tusk_err err;
	store_snippet *list = store_snippet_list(api_store(r), api_session(r)->user.id, &n, &err);
	api_respond_list(r, "queries", list, n, sizeof(*list), write_snippet, NULL, &err);
	store_snippet_list_free(list, n);
}

struct snippet_in {
	const char *name, *sql;
};
static const api_field snippet_fields[] = {
    API_FIELD("name", API_TEXT, struct snippet_in, name, 0),
    API_FIELD("sql", API_TEXT, struct snippet_in, sql, 0),
};
static const api_form snippet_form = API_FORM(snippet_fields, "");

/* Validates and saves {name, sql} into q; responds itself. */
static void save_snippet(http_req *r, store_snippet *q, int status)
{
	struct snippet_in in;
	if (!api_body(r, &snippet_form, &in, NULL))
		return;
	const char *name = in.name, *sql = in.sql;
	if ((!name && !q->name) || (name && (!*name || strlen(name) > 200))) {
		http_respond_error(r, ERR_INVALID_FIELD, "A saved query needs a name of 1 to 200 characters.");
		return;
	}
	if ((!sql && !q->sql) || (sql && strlen(sql) > MAX_HISTORY_SQL)) {
		http_respond_error(r, ERR_INVALID_FIELD, "A saved query needs its SQL (at most 64 KiB).");
		return;
	}
	if (name) {
		free(q->name);
		q->name = xstrdup(name);
	}
	if (sql) {
		free(q->sql);
		q->sql = xstrdup(sql);
	}
	tusk_err err;
	if (!store_snippet_save(api_store(r), q, &err)) {
		api_respond_err(r, &err);
		return;
	}
	api_respond_item(r, status, "query", q, write_snippet, NULL);
}

void api_snippets_create(http_req *r)
{
	store_snippet q = {.user_id = api_session(r)->user.id};
	save_snippet(r, &q, 201);
	store_snippet_clear(&q);
}

/* The saved query the path names, the user's; false after answering 404. */
static bool load_snippet(http_req *r, store_snippet *q)
{
	int64_t id;
	tusk_err err;
	return api_path_id(r, "saved query", &id) &&
	       api_found(r, store_snippet_get(api_store(r), api_session(r)->user.id, id, q, &err), &err, "saved query",
			 id);
}

void api_snippets_update(http_req *r)
{
	store_snippet q = {0};
	if (load_snippet(r, &q))
		save_snippet(r, &q, 200);
	store_snippet_clear(&q);
}

void api_snippets_delete(http_req *r)
{
	store_snippet q = {0};
	tusk_err err;
	if (load_snippet(r, &q))
		api_respond_done(r, store_snippet_delete(api_store(r), q.user_id, q.id, &err), &err);
	store_snippet_clear(&q);
}

/* ---- workspace: the open tabs and their unsaved SQL ---- */

void api_workspace_get(http_req *r)
{
	char *state;
	tusk_err err;
	if (!store_workspace_get(api_store(r), api_session(r)->user.id, &state, &err)) {
		api_internal_error(r, &err);
		return;
	}
	str out = STR_INIT;
	str_append_cstr(&out, "{\"workspace\":");
	str_append_cstr(&out, state ? state : "null");
	str_append_char(&out, '}');
	free(state);
	http_respond_json(r, 200, &out);
}

void api_workspace_put(http_req *r)
{
	if (http_req_body(r).len > MAX_WORKSPACE) {
		http_respond_error(r, ERR_BODY_TOO_LARGE, "A workspace may be at most 1 MiB.");
		return;
	}
	json_t *body = http_req_json(r);
	if (!body)
		return;
	json_t *ws = json_object_get(body, "workspace");
	if (!json_is_object(ws)) {
		http_respond_error(r, ERR_INVALID_FIELD, "Send {\"workspace\": {...}}.");
		return;
	}
	char *text = json_dumps(ws, JSON_COMPACT);
	tusk_err err;
	bool ok = store_workspace_put(api_store(r), api_session(r)->user.id, text, &err);
	free(text);
	api_respond_done(r, ok, &err);
}
