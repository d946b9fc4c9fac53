/* View/Edit Data over HTTP: a table's columns and key, the SELECT that
 * views it (run in the tab's own session), and edits saved in one
 * transaction with a preview of their SQL (catalog/table.c builds them). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

static void write_column(json_writer *w, const void *item, void *ctx)
{
	(void)ctx;
	const catalog_table_column *c = item;
	jw_object(w, "ssbsbbb", "name", c->name, "type", c->type, "not_null", c->not_null, "default", c->def,
		  "primary_key", c->pk, "identity", c->identity, "generated", c->generated);
}

static void write_table(json_writer *w, const char *schema, const char *name, const catalog_table *t)
{
	jw_kv_str(w, "schema", schema);
	jw_kv_str(w, "table", name);
	char kind[2] = {t->kind, 0};
	jw_kv_str(w, "kind", kind);
	jw_key(w, "columns");
	jw_arr_begin(w);
	for (int i = 0; i < t->ncols; i++)
		write_column(w, &t->cols[i], NULL);
	jw_arr_end(w);
	jw_key(w, "primary_key");
	jw_arr_begin(w);
	for (int i = 0; i < t->npk; i++)
		jw_str(w, t->pk[i]);
	jw_arr_end(w);
	jw_kv_bool(w, "editable", (t->kind == 'r' || t->kind == 'p') && t->npk > 0);
}

#define NAME_WHY "Name the database, schema and table."

void api_data_table(http_req *r)
{
	api_server s;
	const char *db, *schema, *name;
	if (!api_server_ref(r, &s) || !(db = api_query_need(r, "database", NAME_WHY)) ||
	    !(schema = api_query_need(r, "schema", NAME_WHY)) || !(name = api_query_need(r, "table", NAME_WHY)))
		return;
	catalog_table t;
	tusk_err err = {0};
	if (!catalog_table_load(&s.pg, db, schema, name, &t, &err)) {
		api_respond_err(r, &err);
		return;
	}
	api_json j;
	write_table(api_json_begin(&j), schema, name, &t);
	api_json_send(r, 200, &j);
	catalog_table_free(&t);
}

/* ---- viewing ---- */

struct view_in {
	const char *schema, *table, *filter;
	json_t *order, *limit;
};
static const api_field view_fields[] = {
    API_FIELD("schema", API_TEXT, struct view_in, schema, API_REQUIRED),
    API_FIELD("table", API_TEXT, struct view_in, table, API_REQUIRED),
    API_FIELD("filter", API_TEXT, struct view_in, filter, 0),
    API_FIELD("order_by", API_ANY, struct view_in, order, 0),
    API_FIELD("limit", API_ANY, struct view_in, limit, 0),
};
static const api_form view_form = API_FORM(view_fields, "Name the schema and table to view.");

void api_data_view(http_req *r)
{
	struct view_in in;
	if (!api_body(r, &view_form, &in, NULL))
		return;
	if ((in.limit && (!json_is_integer(in.limit) || json_integer_value(in.limit) < 1)) ||
	    (in.order && !json_is_array(in.order))) {
		http_respond_error(r, ERR_INVALID_FIELD, "limit is a positive number; order_by a list of columns.");
		return;
	}
	str sql = STR_INIT;
	tusk_err err = {0};
	if (!catalog_view_sql(in.schema, in.table, in.filter, in.order, in.limit ? json_integer_value(in.limit) : 0,
			      &sql, &err)) {
		api_respond_err(r, &err);
		str_free(&sql);
		return;
	}
	qsession *s = api_query_session(r);
	uint64_t id;
	qexec_opts opts = {.autocommit = true};
	if (!s) {
		/* answered */
	} else if (!qsession_execute(s, str_cstr(&sql), &opts, &id, &err)) {
		api_respond_err_status(r, 409, &err);
	} else {
		api_json j;
		json_writer *w = api_json_begin(&j);
		jw_kv_int(w, "execution_id", (int64_t)id);
		jw_kv_str(w, "sql", str_cstr(&sql));
		api_json_send(r, 202, &j);
	}
	if (s)
		qsession_release(s);
	str_free(&sql);
}

/* ---- editing ---- */

/* {"error": {code, message, details[, sql]}}: one entry per change that failed. */
static void respond_details(http_req *r, err_code code, const char *message, json_t *details, const char *sql)
{
	json_t *out =
	    json_pack("{s:{s:s, s:s, s:O}}", "error", "code", err_name(code), "message", message, "details", details);
	if (sql)
		json_object_set_new(json_object_get(out, "error"), "sql", json_string(sql));
	char *text = json_dumps(out, JSON_COMPACT);
	http_respond(r, err_status(code, false), "application/json; charset=utf-8", text, strlen(text));
	free(text);
	json_decref(out);
}

struct edit_in {
	const char *db, *schema, *table;
	json_t *changes;
};
static const api_field edit_fields[] = {
    API_FIELD("database", API_TEXT, struct edit_in, db, API_REQUIRED | API_NONEMPTY),
    API_FIELD("schema", API_TEXT, struct edit_in, schema, API_REQUIRED | API_NONEMPTY),
    API_FIELD("table", API_TEXT, struct edit_in, table, API_REQUIRED | API_NONEMPTY),
    API_FIELD("changes", API_ANY, struct edit_in, changes, 0),
};
static const api_form edit_form = API_FORM(edit_fields, NAME_WHY);

void api_data_edit(http_req *r)
{
	struct edit_in in;
	json_t *body;
	api_server s;
	if (!api_body(r, &edit_form, &in, &body) || !api_server_ref(r, &s))
		return;
	if (!json_is_array(in.changes) || json_array_size(in.changes) == 0 || json_array_size(in.changes) > 10000) {
		http_respond_error(r, ERR_INVALID_FIELD, "changes must be a list of 1 to 10000 changes.");
		return;
	}
	catalog_edits e = {.preview = json_is_true(json_object_get(body, "preview"))};
	tusk_err err = {0};
	if (!catalog_edit(&s.pg, in.db, in.schema, in.table, in.changes, &e, &err)) {
		api_respond_err(r, &err);
	} else if (e.invalid) {
		respond_details(r, ERR_INVALID_CHANGE, "Some changes are not valid; nothing was saved.", e.details,
				NULL);
	} else if (e.failed) {
		respond_details(r, ERR_EDIT_FAILED,
				"A change failed; the transaction was rolled back and nothing was saved.", e.details,
				str_cstr(&e.sql));
	} else {
		json_t *out =
		    json_pack("{s:s, s:i, s:O}", "sql", str_cstr(&e.sql), "applied", e.applied, "rows", e.rows);
		char *text = json_dumps(out, JSON_COMPACT);
		http_respond(r, 200, "application/json; charset=utf-8", text, strlen(text));
		free(text);
		json_decref(out);
	}
	catalog_edits_free(&e);
}
