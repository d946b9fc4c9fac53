/* View/Edit Data: a table's columns and key, the SELECT that views it, and
 * edits saved in one transaction with a preview of their SQL. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/server_fields.h"
#include "pg/quote.h"

static void qualified(str *out, const char *schema, const char *table)
{
	pg_quote_ident(out, schema);
	str_append_char(out, '.');
	pg_quote_ident(out, table);
}

struct column {
	char *name, *type, *def;
	bool not_null, pk, identity, generated;
};

struct table {
	char kind;
	struct column *cols;
	int ncols;
	char **pk; /* in key order */
	int npk;
};

static void table_free(struct table *t)
{
	for (int i = 0; i < t->ncols; i++) {
		free(t->cols[i].name);
		free(t->cols[i].type);
		free(t->cols[i].def);
	}
	free(t->cols);
	free(t->pk);
	memset(t, 0, sizeof(*t));
}

static const char *const table_sql =
	"SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, "
	"pg_catalog.pg_get_expr(d.adbin, d.adrelid), "
	"(SELECT k.n FROM unnest(i.indkey) WITH ORDINALITY k (att, n) WHERE k.att = a.attnum), "
	"a.attidentity <> '', a.attgenerated <> '', c.relkind "
	"FROM pg_catalog.pg_class c "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
	"LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
	"LEFT JOIN pg_catalog.pg_index i ON i.indrelid = c.oid AND i.indisprimary "
	"WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
	"ORDER BY a.attnum";

/* Loads columns and primary key; responds 404/502 itself on failure. */
static bool load_table(http_req *r, int64_t server_id, const char *db, const char *schema, const char *name,
		       struct table *t)
{
	tusk_app *app = http_req_app(r);
	const char *params[2] = {schema, name};
	pg_error pe;
	tusk_err err = {0};
	PGresult *res =
		pgpool_query(app->pool, api_session(r)->user.id, server_id, db, table_sql, 2, params, &pe, &err);
	if (!res) {
		api_respond_err(r, &err);
		return false;
	}
	memset(t, 0, sizeof(*t));
	int n = PQntuples(res);
	if (n == 0) {
		PQclear(res);
		http_respond_error(r, ERR_NOT_FOUND, "There is no table or view %s.%s in %s.", schema, name, db);
		return false;
	}
	t->cols = xcalloc((size_t)n, sizeof(*t->cols));
	t->pk = xcalloc((size_t)n, sizeof(char *));
	t->ncols = n;
	t->kind = PQgetvalue(res, 0, 7)[0];
	for (int i = 0; i < n; i++) {
		struct column *c = &t->cols[i];
		c->name = xstrdup(PQgetvalue(res, i, 0));
		c->type = xstrdup(PQgetvalue(res, i, 1));
		c->not_null = PQgetvalue(res, i, 2)[0] == 't';
		c->def = PQgetisnull(res, i, 3) ? NULL : xstrdup(PQgetvalue(res, i, 3));
		c->pk = !PQgetisnull(res, i, 4);
		c->identity = PQgetvalue(res, i, 5)[0] == 't';
		c->generated = PQgetvalue(res, i, 6)[0] == 't';
		if (c->pk) {
			int pos = atoi(PQgetvalue(res, i, 4));
			if (pos >= 1 && pos <= n)
				t->pk[pos - 1] = c->name;
			t->npk++;
		}
	}
	PQclear(res);
	return true;
}

static const struct column *find_column(const struct table *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return &t->cols[i];
	return NULL;
}

/* database, schema, table from the query string or body. */
static bool target(http_req *r, json_t *body, const char **db, const char **schema, const char **table)
{
	bool bad = false;
	*db = body ? api_json_str(r, body, "database", &bad) : http_req_query(r, "database");
	*schema = body ? api_json_str(r, body, "schema", &bad) : http_req_query(r, "schema");
	*table = body ? api_json_str(r, body, "table", &bad) : http_req_query(r, "table");
	if (bad)
		return false;
	if (!*db || !*schema || !*table || !**db || !**schema || !**table) {
		http_respond_error(r, ERR_MISSING_FIELD, "Name the database, schema and table.");
		return false;
	}
	return true;
}

void api_data_table(http_req *r)
{
	int64_t server_id;
	const char *db, *schema, *name;
	struct table t;
	if (!api_path_id(r, "server", &server_id) || !target(r, NULL, &db, &schema, &name) ||
	    !load_table(r, server_id, db, schema, name, &t))
		return;
	str out = STR_INIT;
	json_writer w;
	jw_init(&w, &out);
	jw_obj_begin(&w);
	jw_kv_str(&w, "schema", schema);
	jw_kv_str(&w, "table", name);
	char kind[2] = {t.kind, 0};
	jw_kv_str(&w, "kind", kind);
	jw_key(&w, "columns");
	jw_arr_begin(&w);
	for (int i = 0; i < t.ncols; i++) {
		const struct column *c = &t.cols[i];
		jw_obj_begin(&w);
		jw_kv_str(&w, "name", c->name);
		jw_kv_str(&w, "type", c->type);
		jw_kv_bool(&w, "not_null", c->not_null);
		jw_kv_str(&w, "default", c->def);
		jw_kv_bool(&w, "primary_key", c->pk);
		jw_kv_bool(&w, "identity", c->identity);
		jw_kv_bool(&w, "generated", c->generated);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "primary_key");
	jw_arr_begin(&w);
	for (int i = 0; i < t.npk; i++)
		jw_str(&w, t.pk[i]);
	jw_arr_end(&w);
	jw_kv_bool(&w, "editable", (t.kind == 'r' || t.kind == 'p') && t.npk > 0);
	jw_obj_end(&w);
	table_free(&t);
	http_respond_json(r, 200, &out);
}

/* ---- viewing ---- */

void api_data_view(http_req *r)
{
	json_t *body = http_req_json(r);
	if (!body)
		return;
	bool bad = false;
	const char *schema = api_json_str(r, body, "schema", &bad);
	const char *table = api_json_str(r, body, "table", &bad);
	const char *filter = api_json_str(r, body, "filter", &bad);
	json_t *order = json_object_get(body, "order_by");
	json_t *limit = json_object_get(body, "limit");
	if (bad)
		return;
	if (!schema || !table) {
		http_respond_error(r, ERR_MISSING_FIELD, "Name the schema and table to view.");
		return;
	}
	if ((limit && !json_is_null(limit) && (!json_is_integer(limit) || json_integer_value(limit) < 1)) ||
	    (order && !json_is_array(order))) {
		http_respond_error(r, ERR_INVALID_FIELD, "limit is a positive number; order_by a list of columns.");
		return;
	}
	str sql = STR_INIT;
	str_append_cstr(&sql, "SELECT * FROM ");
	qualified(&sql, schema, table);
	if (filter && *filter)
		/* the user's own WHERE clause: they could run any SQL in this tab anyway */
		str_appendf(&sql, "\nWHERE %s", filter);
	size_t i;
	json_t *o;
	json_array_foreach(order, i, o)
	{
		const char *col = json_string_value(json_object_get(o, "column"));
		if (!col) {
			str_free(&sql);
			http_respond_error(r, ERR_INVALID_FIELD, "Each order_by item needs a column.");
			return;
		}
		str_append_cstr(&sql, i ? ", " : "\nORDER BY ");
		pg_quote_ident(&sql, col);
		if (json_is_true(json_object_get(o, "desc")))
			str_append_cstr(&sql, " DESC");
	}
	if (limit && json_is_integer(limit))
		str_appendf(&sql, "\nLIMIT %lld", (long long)json_integer_value(limit));
	qsession *s = api_query_session(r);
	if (!s) {
		str_free(&sql);
		return;
	}
	uint64_t id;
	tusk_err err;
	qexec_opts opts = {.autocommit = true};
	if (!qsession_execute(s, str_cstr(&sql), &opts, &id, &err)) {
		api_respond_err_status(r, 409, &err);
	} else {
		str out = STR_INIT;
		json_writer w;
		jw_init(&w, &out);
		jw_obj_begin(&w);
		jw_kv_int(&w, "execution_id", (int64_t)id);
		jw_kv_str(&w, "sql", str_cstr(&sql));
		jw_obj_end(&w);
		http_respond_json(r, 202, &out);
	}
	qsession_release(s);
	str_free(&sql);
}

/* ---- editing ---- */

struct stmt {
	str sql;
	char **params;
	int nparams;
	bool must_hit_one; /* update/delete: exactly one row, else a conflict */
};

struct edits {
	struct table *t;
	const char *schema, *table;
	json_t *changes;
	struct stmt *stmts;
	int n;
	bool preview;
	/* outcome */
	json_t *details; /* per failed change */
	json_t *rows;    /* RETURNING rows per change */
	str preview_sql;
};

static void add_param(struct stmt *st, json_t *v)
{
	st->params = xrealloc(st->params, (size_t)(st->nparams + 1) * sizeof(char *));
	st->params[st->nparams++] = json_is_null(v) ? NULL : server_param_text(v);
	str_appendf(&st->sql, "$%d", st->nparams);
}

/* Builds the statement for change i; returns a reason on a bad change. */
static const char *build(struct edits *e, int i, json_t *ch, struct stmt *st)
{
	const char *op = json_string_value(json_object_get(ch, "op"));
	json_t *values = json_object_get(ch, "values"), *key = json_object_get(ch, "key");
	bool is_insert = op && strcmp(op, "insert") == 0, is_update = op && strcmp(op, "update") == 0,
	     is_delete = op && strcmp(op, "delete") == 0;
	(void)i;
	if (!is_insert && !is_update && !is_delete)
		return "op must be insert, update or delete";
	if ((is_insert || is_update) && !json_is_object(values))
		return "values must be an object of column: value";
	if (is_update && json_object_size(values) == 0)
		return "an update needs at least one value";
	const char *col;
	json_t *v;
	json_object_foreach(values, col, v)
	{
		const struct column *c = find_column(e->t, col);
		if (!c)
			return "values name a column the table does not have";
		if (c->generated)
			return "a generated column cannot be set";
		if (!json_is_null(v) && !json_is_string(v) && !json_is_number(v) && !json_is_boolean(v))
			return "values must be text, numbers, booleans or null";
	}
	if (!is_insert) {
		if (!json_is_object(key) || (int)json_object_size(key) != e->t->npk)
			return "key must give every primary key column";
		for (int k = 0; k < e->t->npk; k++) {
			json_t *kv = json_object_get(key, e->t->pk[k]);
			if (!kv || json_is_null(kv) || (!json_is_string(kv) && !json_is_number(kv)))
				return "key must give every primary key column a value";
		}
	}
	str *s = &st->sql;
	if (is_insert) {
		str_append_cstr(s, "INSERT INTO ");
		qualified(s, e->schema, e->table);
		if (json_object_size(values) == 0) {
			str_append_cstr(s, " DEFAULT VALUES");
		} else {
			str_append_cstr(s, " (");
			int k = 0;
			json_object_foreach(values, col, v)
			{
				if (k++)
					str_append_cstr(s, ", ");
				pg_quote_ident(s, col);
			}
			str_append_cstr(s, ") VALUES (");
			k = 0;
			json_object_foreach(values, col, v)
			{
				if (k++)
					str_append_cstr(s, ", ");
				add_param(st, v);
			}
			str_append_char(s, ')');
		}
	} else {
		str_append_cstr(s, is_update ? "UPDATE " : "DELETE FROM ");
		qualified(s, e->schema, e->table);
		if (is_update) {
			str_append_cstr(s, " SET ");
			int k = 0;
			json_object_foreach(values, col, v)
			{
				if (k++)
					str_append_cstr(s, ", ");
				pg_quote_ident(s, col);
				str_append_cstr(s, " = ");
				add_param(st, v);
			}
		}
		str_append_cstr(s, " WHERE ");
		for (int k = 0; k < e->t->npk; k++) {
			if (k)
				str_append_cstr(s, " AND ");
			pg_quote_ident(s, e->t->pk[k]);
			str_append_cstr(s, " = ");
			add_param(st, json_object_get(key, e->t->pk[k]));
		}
		st->must_hit_one = true;
	}
	if (!is_delete)
		str_append_cstr(s, " RETURNING *");
	return NULL;
}

/* The statement with its parameters written in as literals, for the preview. */
static void render(PGconn *conn, const struct stmt *st, str *out)
{
	const char *p = str_cstr((str *)&st->sql);
	while (*p) {
		if (*p == '$' && p[1] >= '1' && p[1] <= '9') {
			char *end;
			long n = strtol(p + 1, &end, 10);
			const char *v = st->params[n - 1];
			if (!v) {
				str_append_cstr(out, "NULL");
			} else {
				char *lit = PQescapeLiteral(conn, v, strlen(v));
				str_append_cstr(out, lit ? lit : "NULL");
				PQfreemem(lit);
			}
			p = end;
		} else {
			str_append_char(out, *p++);
		}
	}
	str_append_cstr(out, ";\n");
}

static void change_failed(struct edits *e, int i, const char *sqlstate, const char *message, const char *detail,
			  const char *hint)
{
	json_array_append_new(e->details, json_pack("{s:i, s:s?, s:s, s:s?, s:s?}", "change", i, "sqlstate", sqlstate,
						    "message", message, "detail", detail, "hint", hint));
}

static bool apply_edits(void *ctx, PGconn *conn, tusk_err *err)
{
	struct edits *e = ctx;
	str_append_cstr(&e->preview_sql, "BEGIN;\n");
	for (int i = 0; i < e->n; i++)
		render(conn, &e->stmts[i], &e->preview_sql);
	str_append_cstr(&e->preview_sql, "COMMIT;\n");
	if (e->preview)
		return true;
	PGresult *r = PQexec(conn, "BEGIN");
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	for (int i = 0; ok && i < e->n; i++) {
		const struct stmt *st = &e->stmts[i];
		r = PQexecParams(conn, str_cstr((str *)&st->sql), st->nparams, NULL, (const char *const *)st->params,
				 NULL, NULL, 0);
		ExecStatusType status = PQresultStatus(r);
		if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
			change_failed(e, i, PQresultErrorField(r, PG_DIAG_SQLSTATE),
				      PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
										 : PQerrorMessage(conn),
				      PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL), PQresultErrorField(r, PG_DIAG_MESSAGE_HINT));
			ok = false;
		} else if (st->must_hit_one && strcmp(PQcmdTuples(r), "1") != 0) {
			change_failed(e, i, NULL,
				      "The row was not found: someone changed its key or deleted it since it was loaded.",
				      NULL, "Reload the data and make the change again.");
			ok = false;
		} else {
			json_t *rows = json_array();
			for (int row = 0; row < PQntuples(r); row++) {
				json_t *vals = json_array();
				for (int c = 0; c < PQnfields(r); c++)
					json_array_append_new(vals, PQgetisnull(r, row, c) ? json_null()
											   : json_string(PQgetvalue(r, row, c)));
				json_array_append_new(rows, vals);
			}
			json_array_append_new(e->rows, rows);
		}
		PQclear(r);
	}
	r = PQexec(conn, ok ? "COMMIT" : "ROLLBACK");
	if (PQresultStatus(r) != PGRES_COMMAND_OK && ok) {
		change_failed(e, e->n, PQresultErrorField(r, PG_DIAG_SQLSTATE), PQresultErrorMessage(r), NULL, NULL);
		ok = false;
	}
	PQclear(r);
	(void)err;
	return true; /* failures are reported per change, not as a connection error */
}

void api_data_edit(http_req *r)
{
	tusk_app *app = http_req_app(r);
	json_t *body = http_req_json(r);
	int64_t server_id;
	const char *db, *schema, *name;
	struct table t;
	if (!body || !api_path_id(r, "server", &server_id) || !target(r, body, &db, &schema, &name))
		return;
	json_t *changes = json_object_get(body, "changes");
	if (!json_is_array(changes) || json_array_size(changes) == 0 || json_array_size(changes) > 10000) {
		http_respond_error(r, ERR_INVALID_FIELD, "changes must be a list of 1 to 10000 changes.");
		return;
	}
	if (!load_table(r, server_id, db, schema, name, &t))
		return;
	if (t.npk == 0 || (t.kind != 'r' && t.kind != 'p')) {
		http_respond_error(r, ERR_NO_PRIMARY_KEY,
				   "%s.%s has no primary key (or is not a table): Tusk edits rows only by their primary "
				   "key. View its data, or add a primary key.",
				   schema, name);
		table_free(&t);
		return;
	}
	struct edits e = {.t = &t, .schema = schema, .table = name, .changes = changes,
			  .preview = json_is_true(json_object_get(body, "preview")), .details = json_array(),
			  .rows = json_array()};
	e.n = (int)json_array_size(changes);
	e.stmts = xcalloc((size_t)e.n, sizeof(*e.stmts));
	for (int i = 0; i < e.n; i++) {
		const char *why = build(&e, i, json_array_get(changes, (size_t)i), &e.stmts[i]);
		if (why)
			change_failed(&e, i, NULL, why, NULL, NULL);
	}
	tusk_err err = {0};
	if (json_array_size(e.details)) {
		json_t *out = json_pack("{s:{s:s, s:s, s:O}}", "error", "code", "invalid_change", "message",
					"Some changes are not valid; nothing was saved.", "details", e.details);
		char *text = json_dumps(out, JSON_COMPACT);
		http_respond(r, 400, "application/json; charset=utf-8", text, strlen(text));
		free(text);
		json_decref(out);
	} else if (!pgpool_with_conn(app->pool, api_session(r)->user.id, server_id, db, apply_edits, &e, &err)) {
		api_respond_err(r, &err);
	} else if (json_array_size(e.details)) {
		json_t *out = json_pack("{s:{s:s, s:s, s:O, s:s}}", "error", "code", "edit_failed", "message",
					"A change failed; the transaction was rolled back and nothing was saved.", "details",
					e.details, "sql", str_cstr(&e.preview_sql));
		char *text = json_dumps(out, JSON_COMPACT);
		http_respond(r, 409, "application/json; charset=utf-8", text, strlen(text));
		free(text);
		json_decref(out);
	} else {
		json_t *out = json_pack("{s:s, s:i, s:O}", "sql", str_cstr(&e.preview_sql), "applied",
					e.preview ? 0 : e.n, "rows", e.rows);
		char *text = json_dumps(out, JSON_COMPACT);
		http_respond(r, 200, "application/json; charset=utf-8", text, strlen(text));
		free(text);
		json_decref(out);
	}
	for (int i = 0; i < e.n; i++) {
		str_free(&e.stmts[i].sql);
		for (int k = 0; k < e.stmts[i].nparams; k++)
			free(e.stmts[i].params[k]);
		free(e.stmts[i].params);
	}
	free(e.stmts);
	json_decref(e.details);
	json_decref(e.rows);
	str_free(&e.preview_sql);
	table_free(&t);
}
