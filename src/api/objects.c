/* Object actions of the browser beyond the tree: search, count rows,
 * truncate/vacuum/analyze, and generated SELECT/INSERT/UPDATE/DELETE scripts.
 * Names reach SQL through PQescapeIdentifier on the connection that runs it. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "catalog/catalog.h"

void api_objects_search(http_req *r)
{
	tusk_app *app = http_req_app(r);
	int64_t server_id;
	if (!api_path_id(r, "server", &server_id))
		return;
	const char *db = http_req_query(r, "database"), *q = http_req_query(r, "q"), *kind = http_req_query(r, "kind");
	if (!db || !*db || !q || strlen(q) < 1 || strlen(q) > 200) {
		http_respond_error(r, ERR_MISSING_FIELD, "Give the database and 1 to 200 characters to search for.");
		return;
	}
	catalog_list list;
	pg_error pe;
	tusk_err err = {0};
	if (!catalog_search(app->pool, api_session(r)->user.id, server_id, db, q, kind, 200, &list, &pe, &err)) {
		api_respond_err(r, &err);
		return;
	}
	str out = STR_INIT;
	json_writer w;
	jw_init(&w, &out);
	jw_obj_begin(&w);
	jw_key(&w, "results");
	jw_arr_begin(&w);
	for (size_t i = 0; i < list.n; i++) {
		jw_obj_begin(&w);
		jw_kv_str(&w, "path", list.nodes[i].path);
		jw_kv_str(&w, "label", list.nodes[i].label);
		jw_kv_str(&w, "kind", list.nodes[i].kind);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_kv_bool(&w, "truncated", list.n >= 200);
	jw_obj_end(&w);
	catalog_list_free(&list);
	http_respond_json(r, 200, &out);
}

/* A relation named by ?path= or the body's path, resolved to db/schema/name. */
struct relation {
	char *db, *schema, *name;
	const char *kind;
};

static void relation_free(struct relation *rel)
{
	free(rel->db);
	free(rel->schema);
	free(rel->name);
}

static bool resolve(http_req *r, const char *path, struct relation *rel)
{
	memset(rel, 0, sizeof(*rel));
	tusk_err err = {0};
	if (!catalog_path_relation(path, &rel->db, &rel->schema, &rel->name, &rel->kind, &err)) {
		api_respond_err_status(r, 404, &err);
		return false;
	}
	return true;
}

/* "schema"."name" quoted by libpq on conn. */
static bool qualified(PGconn *conn, const struct relation *rel, str *out)
{
	char *s = PQescapeIdentifier(conn, rel->schema, strlen(rel->schema));
	char *n = PQescapeIdentifier(conn, rel->name, strlen(rel->name));
	bool ok = s && n;
	if (ok)
		str_appendf(out, "%s.%s", s, n);
	PQfreemem(s);
	PQfreemem(n);
	return ok;
}

/* What an action runs, and what it got back. */
struct action {
	const struct relation *rel;
	const char *verb; /* e.g. "TRUNCATE TABLE %s CASCADE" with %s the name */
	bool preview, in_transaction, counting;
	str sql;
	pg_error pe;
	bool failed;
	char count[32];
};

static bool run_action(void *ctx, PGconn *conn, tusk_err *err)
{
	struct action *a = ctx;
	str name = STR_INIT;
	if (!qualified(conn, a->rel, &name)) {
		err_set(err, ERR_INTERNAL, "quoting the name failed");
		str_free(&name);
		return false;
	}
	/* the verb's "%s" is where the name goes */
	const char *hole = strstr(a->verb, "%s");
	str_append(&a->sql, a->verb, (size_t)(hole - a->verb));
	str_append(&a->sql, name.buf, name.len);
	str_append_cstr(&a->sql, hole + 2);
	str_append_char(&a->sql, ';');
	str_free(&name);
	if (a->preview)
		return true;
	/* VACUUM refuses to run inside a transaction block; the rest runs in one */
	if (a->in_transaction)
		PQclear(PQexec(conn, "BEGIN"));
	PGresult *res = PQexec(conn, str_cstr(&a->sql));
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		a->failed = true;
		pg_error_fill(&a->pe, res, conn);
	}
	else if (a->counting)
		snprintf(a->count, sizeof(a->count), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	if (a->in_transaction)
		PQclear(PQexec(conn, a->failed ? "ROLLBACK" : "COMMIT"));
	return true;
}

static void respond_action(http_req *r, int64_t server_id, struct action *a)
{
	tusk_app *app = http_req_app(r);
	tusk_err err = {0};
	if (!pgpool_with_conn(app->pool, api_session(r)->user.id, server_id, a->rel->db, run_action, a, &err)) {
		api_respond_err(r, &err);
		return;
	}
	json_t *o;
	if (a->failed) {
		api_respond_pg_error(r, ERR_ACTION_FAILED, &a->pe, str_cstr(&a->sql));
		return;
	} else if (a->counting) {
		o = json_pack("{s:s, s:s}", "sql", str_cstr(&a->sql), "rows", a->count);
	} else {
		o = json_pack("{s:s, s:b}", "sql", str_cstr(&a->sql), "done", !a->preview);
	}
	char *text = json_dumps(o, JSON_COMPACT);
	http_respond(r, 200, "application/json; charset=utf-8", text, strlen(text));
	free(text);
	json_decref(o);
}

void api_objects_count(http_req *r)
{
	int64_t server_id;
	struct relation rel;
	if (!api_path_id(r, "server", &server_id) || !resolve(r, http_req_query(r, "path"), &rel))
		return;
	struct action a = {.rel = &rel, .verb = "SELECT count(*) FROM %s", .counting = true};
	respond_action(r, server_id, &a);
	str_free(&a.sql);
	relation_free(&rel);
}

void api_objects_maintenance(http_req *r)
{
	static const struct {
		const char *action, *verb;
		bool in_transaction, tables_only;
	} actions[] = {
		{"truncate", "TRUNCATE TABLE %s", true, true},
		{"truncate_cascade", "TRUNCATE TABLE %s CASCADE", true, true},
		{"truncate_restart", "TRUNCATE TABLE %s RESTART IDENTITY", true, true},
		{"vacuum", "VACUUM (VERBOSE) %s", false, false},
		{"vacuum_full", "VACUUM (FULL, VERBOSE) %s", false, false},
		{"vacuum_analyze", "VACUUM (ANALYZE, VERBOSE) %s", false, false},
		{"analyze", "ANALYZE (VERBOSE) %s", false, false},
		{"refresh", "REFRESH MATERIALIZED VIEW %s", true, false},
	};
	json_t *body = http_req_json(r);
	int64_t server_id;
	if (!body || !api_path_id(r, "server", &server_id))
		return;
	bool bad = false;
	const char *path = api_json_str(r, body, "path", &bad);
	const char *name = api_json_str(r, body, "action", &bad);
	bool preview = api_json_bool(r, body, "preview", false, &bad);
	if (bad)
		return;
	size_t k = 0;
	while (k < sizeof(actions) / sizeof(*actions) && (!name || strcmp(actions[k].action, name) != 0))
		k++;
	if (k == sizeof(actions) / sizeof(*actions)) {
		http_respond_error(r, ERR_INVALID_FIELD,
				   "action must be truncate, truncate_cascade, truncate_restart, vacuum, vacuum_full, "
				   "vacuum_analyze, analyze or refresh.");
		return;
	}
	struct relation rel;
	if (!resolve(r, path, &rel))
		return;
	bool is_matview = strcmp(rel.kind, "materialized_view") == 0;
	if ((actions[k].tables_only && strcmp(rel.kind, "table") != 0) ||
	    (strcmp(actions[k].action, "refresh") == 0 && !is_matview) || strcmp(rel.kind, "view") == 0) {
		http_respond_error(r, ERR_INVALID_FIELD, "'%s' does not apply to a %s.", name, rel.kind);
		relation_free(&rel);
		return;
	}
	struct action a = {.rel = &rel, .verb = actions[k].verb, .preview = preview,
			   .in_transaction = actions[k].in_transaction};
	respond_action(r, server_id, &a);
	str_free(&a.sql);
	relation_free(&rel);
}

/* ---- scripts ---- */

struct script {
	const struct relation *rel;
	const char *kind;
	str out;
	bool missing;
};

static bool write_script(void *ctx, PGconn *conn, tusk_err *err)
{
	struct script *s = ctx;
	const char *params[2] = {s->rel->schema, s->rel->name};
	PGresult *res = PQexecParams(conn,
				     "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
				     "(SELECT k.n FROM pg_catalog.pg_index i, unnest(i.indkey) WITH ORDINALITY k (att, n) "
				     "WHERE i.indrelid = c.oid AND i.indisprimary AND k.att = a.attnum) "
				     "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
				     "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT "
				     "a.attisdropped WHERE n.nspname = $1 AND c.relname = $2 ORDER BY a.attnum",
				     2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		err_set(err, ERR_QUERY_FAILED, "%s", PQresultErrorMessage(res));
		PQclear(res);
		return false;
	}
	int n = PQntuples(res);
	str name = STR_INIT;
	qualified(conn, s->rel, &name);
	char **cols = calloc((size_t)n + 1, sizeof(char *));
	for (int i = 0; i < n; i++)
		cols[i] = PQescapeIdentifier(conn, PQgetvalue(res, i, 0), strlen(PQgetvalue(res, i, 0)));
	str *o = &s->out;
	bool has_pk = false;
	for (int i = 0; i < n; i++)
		has_pk = has_pk || !PQgetisnull(res, i, 2);
	/* the WHERE clause: the primary key, or every column for a table without one */
	str where = STR_INIT;
	for (int i = 0, k = 0; i < n; i++)
		if (!has_pk || !PQgetisnull(res, i, 2))
			str_appendf(&where, "%s%s = <%s>", k++ ? " AND " : "", cols[i], PQgetvalue(res, i, 1));
	if (strcmp(s->kind, "select") == 0) {
		str_append_cstr(o, "SELECT ");
		for (int i = 0; i < n; i++)
			str_appendf(o, "%s%s", i ? ", " : "", cols[i]);
		str_appendf(o, "\n\tFROM %s;\n", str_cstr(&name));
	} else if (strcmp(s->kind, "insert") == 0) {
		str_appendf(o, "INSERT INTO %s (", str_cstr(&name));
		for (int i = 0; i < n; i++)
			str_appendf(o, "%s%s", i ? ", " : "", cols[i]);
		str_append_cstr(o, ")\n\tVALUES (");
		for (int i = 0; i < n; i++)
			str_appendf(o, "%s<%s>", i ? ", " : "", PQgetvalue(res, i, 1));
		str_append_cstr(o, ");\n");
	} else if (strcmp(s->kind, "update") == 0) {
		str_appendf(o, "UPDATE %s\n\tSET ", str_cstr(&name));
		for (int i = 0, k = 0; i < n; i++)
			if (PQgetisnull(res, i, 2))
				str_appendf(o, "%s%s = <%s>", k++ ? ", " : "", cols[i], PQgetvalue(res, i, 1));
		str_appendf(o, "\n\tWHERE %s;\n", str_cstr(&where));
	} else {
		str_appendf(o, "DELETE FROM %s\n\tWHERE %s;\n", str_cstr(&name), str_cstr(&where));
	}
	for (int i = 0; i < n; i++)
		PQfreemem(cols[i]);
	free(cols);
	str_free(&where);
	str_free(&name);
	s->missing = n == 0;
	PQclear(res);
	return true;
}

void api_objects_script(http_req *r)
{
	tusk_app *app = http_req_app(r);
	int64_t server_id;
	struct relation rel;
	const char *kind = http_req_query(r, "kind");
	if (!kind || (strcmp(kind, "select") && strcmp(kind, "insert") && strcmp(kind, "update") && strcmp(kind, "delete"))) {
		http_respond_error(r, ERR_INVALID_QUERY, "kind must be select, insert, update or delete.");
		return;
	}
	if (!api_path_id(r, "server", &server_id) || !resolve(r, http_req_query(r, "path"), &rel))
		return;
	struct script s = {.rel = &rel, .kind = kind};
	tusk_err err = {0};
	if (!pgpool_with_conn(app->pool, api_session(r)->user.id, server_id, rel.db, write_script, &s, &err))
		api_respond_err(r, &err);
	else if (s.missing)
		http_respond_error(r, ERR_NOT_FOUND, "There is no table or view %s.%s.", rel.schema, rel.name);
	else
		http_respond(r, 200, "text/plain; charset=utf-8", s.out.buf, s.out.len);
	str_free(&s.out);
	relation_free(&rel);
}
