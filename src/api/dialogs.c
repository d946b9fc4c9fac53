/* The object dialogs' SQL: Create (schema, table, column, index, view,
 * materialized view, sequence, extension, database) and Alter (rename,
 * owner, schema, comment) built from a structured spec, previewed, and run
 * in a transaction (CREATE DATABASE outside one). Names and literals are
 * quoted by libpq on the connection that runs them; types, defaults and
 * expressions are the user's own SQL and go in as written. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "catalog/catalog.h"

struct build {
	json_t *spec;
	const char *kind;
	const char *identity_path; /* for alter */
	str sql;
	char why[512];     /* a bad spec: the field and the reason */
	bool preview, in_transaction, failed;
	pg_error pe;
};

static void ident(PGconn *c, str *out, const char *name)
{
	char *q = PQescapeIdentifier(c, name, strlen(name));
	str_append_cstr(out, q ? q : "\"\"");
	PQfreemem(q);
}

static void literal(PGconn *c, str *out, const char *v)
{
	char *q = PQescapeLiteral(c, v, strlen(v));
	str_append_cstr(out, q ? q : "''");
	PQfreemem(q);
}

static const char *text(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) && *json_string_value(v) ? json_string_value(v) : NULL;
}

static bool flag(json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

/* Requires a text field; records why not. */
static const char *need(struct build *b, json_t *o, const char *key)
{
	const char *v = text(o, key);
	if (!v && !b->why[0])
		snprintf(b->why, sizeof(b->why), "'%s' is required", key);
	return v;
}

static void qualified(PGconn *c, str *out, const char *schema, const char *name)
{
	if (schema) {
		ident(c, out, schema);
		str_append_char(out, '.');
	}
	ident(c, out, name);
}

static void column_list(struct build *b, PGconn *c, json_t *cols, const char *field)
{
	if (!json_is_array(cols) || json_array_size(cols) == 0) {
		if (!b->why[0])
			snprintf(b->why, sizeof(b->why), "'%s' must list at least one column", field);
		return;
	}
	str_append_char(&b->sql, '(');
	size_t i;
	json_t *v;
	json_array_foreach(cols, i, v)
	{
		if (i)
			str_append_cstr(&b->sql, ", ");
		if (!json_is_string(v)) {
			snprintf(b->why, sizeof(b->why), "'%s' must be column names", field);
			return;
		}
		ident(c, &b->sql, json_string_value(v));
	}
	str_append_char(&b->sql, ')');
}

static void column_def(struct build *b, PGconn *c, json_t *col)
{
	const char *name = need(b, col, "name"), *type = need(b, col, "type");
	if (!name || !type)
		return;
	ident(c, &b->sql, name);
	str_appendf(&b->sql, " %s", type);
	const char *def = text(col, "default"), *identity = text(col, "identity");
	if (identity && strcmp(identity, "always") && strcmp(identity, "by default")) {
		snprintf(b->why, sizeof(b->why), "'identity' is 'always' or 'by default'");
		return;
	}
	if (identity)
		str_appendf(&b->sql, " GENERATED %s AS IDENTITY", strcmp(identity, "always") == 0 ? "ALWAYS" : "BY DEFAULT");
	else if (text(col, "generated"))
		str_appendf(&b->sql, " GENERATED ALWAYS AS (%s) STORED", text(col, "generated"));
	else if (def)
		str_appendf(&b->sql, " DEFAULT %s", def);
	if (flag(col, "not_null"))
		str_append_cstr(&b->sql, " NOT NULL");
	if (flag(col, "primary_key"))
		str_append_cstr(&b->sql, " PRIMARY KEY");
	if (flag(col, "unique"))
		str_append_cstr(&b->sql, " UNIQUE");
}

static void comment_on(struct build *b, PGconn *c, const char *what, const char *schema, const char *name)
{
	const char *comment = text(b->spec, "comment");
	if (!comment)
		return;
	str_appendf(&b->sql, "\nCOMMENT ON %s ", what);
	qualified(c, &b->sql, schema, name);
	str_append_cstr(&b->sql, " IS ");
	literal(c, &b->sql, comment);
	str_append_char(&b->sql, ';');
}

static void owner_to(struct build *b, PGconn *c, const char *what, const char *schema, const char *name)
{
	const char *owner = text(b->spec, "owner");
	if (!owner)
		return;
	str_appendf(&b->sql, "\nALTER %s ", what);
	qualified(c, &b->sql, schema, name);
	str_append_cstr(&b->sql, " OWNER TO ");
	ident(c, &b->sql, owner);
	str_append_char(&b->sql, ';');
}

static void create_table(struct build *b, PGconn *c)
{
	json_t *s = b->spec;
	const char *schema = need(b, s, "schema"), *name = need(b, s, "name");
	json_t *cols = json_object_get(s, "columns");
	if (!schema || !name)
		return;
	str_appendf(&b->sql, "CREATE %sTABLE ", flag(s, "unlogged") ? "UNLOGGED " : "");
	qualified(c, &b->sql, schema, name);
	str_append_cstr(&b->sql, " (");
	size_t i;
	json_t *col;
	int items = 0;
	json_array_foreach(cols, i, col)
	{
		str_append_cstr(&b->sql, items++ ? ",\n    " : "\n    ");
		column_def(b, c, col);
	}
	json_t *cons = json_object_get(s, "constraints");
	json_array_foreach(cons, i, col)
	{
		const char *type = need(b, col, "type");
		if (!type)
			return;
		str_append_cstr(&b->sql, items++ ? ",\n    " : "\n    ");
		if (text(col, "name")) {
			str_append_cstr(&b->sql, "CONSTRAINT ");
			ident(c, &b->sql, text(col, "name"));
			str_append_char(&b->sql, ' ');
		}
		if (strcmp(type, "primary_key") == 0 || strcmp(type, "unique") == 0) {
			str_append_cstr(&b->sql, strcmp(type, "unique") == 0 ? "UNIQUE " : "PRIMARY KEY ");
			column_list(b, c, json_object_get(col, "columns"), "columns");
		} else if (strcmp(type, "check") == 0) {
			const char *expr = need(b, col, "expression");
			if (expr)
				str_appendf(&b->sql, "CHECK (%s)", expr);
		} else if (strcmp(type, "foreign_key") == 0) {
			json_t *ref = json_object_get(col, "references");
			str_append_cstr(&b->sql, "FOREIGN KEY ");
			column_list(b, c, json_object_get(col, "columns"), "columns");
			const char *rs = text(ref, "schema"), *rt = need(b, ref ? ref : col, "table");
			if (!rt)
				return;
			str_append_cstr(&b->sql, " REFERENCES ");
			qualified(c, &b->sql, rs, rt);
			str_append_char(&b->sql, ' ');
			column_list(b, c, json_object_get(ref, "columns"), "references.columns");
			static const char *const actions[] = {"NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"};
			const char *del = text(col, "on_delete");
			bool known = !del;
			for (size_t k = 0; del && k < 5; k++)
				known = known || strcasecmp(del, actions[k]) == 0;
			if (!known) {
				snprintf(b->why, sizeof(b->why), "'on_delete' must be one of NO ACTION, RESTRICT, CASCADE, "
								 "SET NULL, SET DEFAULT");
				return;
			}
			if (del)
				str_appendf(&b->sql, " ON DELETE %s", del);
			if (flag(col, "deferrable"))
				str_append_cstr(&b->sql, " DEFERRABLE");
		} else {
			snprintf(b->why, sizeof(b->why), "constraint type '%s' is not primary_key, unique, check or foreign_key",
				 type);
			return;
		}
	}
	str_append_cstr(&b->sql, "\n)");
	json_t *part = json_object_get(s, "partition_by");
	if (part) {
		const char *strategy = need(b, part, "strategy");
		if (strategy && strcasecmp(strategy, "range") && strcasecmp(strategy, "list") && strcasecmp(strategy, "hash")) {
			snprintf(b->why, sizeof(b->why), "'partition_by.strategy' is range, list or hash");
			return;
		}
		if (strategy) {
			str_appendf(&b->sql, " PARTITION BY %s ",
				    strcasecmp(strategy, "range") == 0 ? "RANGE" : strcasecmp(strategy, "list") == 0 ? "LIST" : "HASH");
			column_list(b, c, json_object_get(part, "columns"), "partition_by.columns");
		}
	}
	str_append_char(&b->sql, ';');
	comment_on(b, c, "TABLE", schema, name);
	owner_to(b, c, "TABLE", schema, name);
}

static void create_other(struct build *b, PGconn *c)
{
	json_t *s = b->spec;
	const char *k = b->kind;
	if (strcmp(k, "schema") == 0) {
		const char *name = need(b, s, "name");
		if (!name)
			return;
		str_append_cstr(&b->sql, "CREATE SCHEMA ");
		ident(c, &b->sql, name);
		str_append_char(&b->sql, ';');
		comment_on(b, c, "SCHEMA", NULL, name);
		owner_to(b, c, "SCHEMA", NULL, name);
	} else if (strcmp(k, "column") == 0) {
		const char *schema = need(b, s, "schema"), *table = need(b, s, "table");
		if (!schema || !table)
			return;
		str_append_cstr(&b->sql, "ALTER TABLE ");
		qualified(c, &b->sql, schema, table);
		str_append_cstr(&b->sql, " ADD COLUMN ");
		column_def(b, c, s);
		str_append_char(&b->sql, ';');
		if (text(s, "comment") && text(s, "name")) {
			str_append_cstr(&b->sql, "\nCOMMENT ON COLUMN ");
			qualified(c, &b->sql, schema, table);
			str_append_char(&b->sql, '.');
			ident(c, &b->sql, text(s, "name"));
			str_append_cstr(&b->sql, " IS ");
			literal(c, &b->sql, text(s, "comment"));
			str_append_char(&b->sql, ';');
		}
	} else if (strcmp(k, "index") == 0) {
		const char *schema = need(b, s, "schema"), *table = need(b, s, "table");
		if (!schema || !table)
			return;
		str_appendf(&b->sql, "CREATE %sINDEX ", flag(s, "unique") ? "UNIQUE " : "");
		if (text(s, "name"))
			ident(c, &b->sql, text(s, "name"));
		str_append_cstr(&b->sql, text(s, "name") ? " ON " : "ON ");
		qualified(c, &b->sql, schema, table);
		if (text(s, "method")) {
			str_append_cstr(&b->sql, " USING ");
			ident(c, &b->sql, text(s, "method"));
		}
		str_append_char(&b->sql, ' ');
		column_list(b, c, json_object_get(s, "columns"), "columns");
		if (text(s, "where"))
			str_appendf(&b->sql, " WHERE %s", text(s, "where"));
		str_append_char(&b->sql, ';');
	} else if (strcmp(k, "view") == 0 || strcmp(k, "materialized_view") == 0) {
		const char *schema = need(b, s, "schema"), *name = need(b, s, "name"), *def = need(b, s, "definition");
		if (!schema || !name || !def)
			return;
		bool mat = strcmp(k, "materialized_view") == 0;
		str_appendf(&b->sql, "CREATE %sVIEW ", mat ? "MATERIALIZED " : "");
		qualified(c, &b->sql, schema, name);
		str_appendf(&b->sql, " AS\n%s", def);
		while (b->sql.len && (b->sql.buf[b->sql.len - 1] == ';' || b->sql.buf[b->sql.len - 1] == '\n' ||
				      b->sql.buf[b->sql.len - 1] == ' '))
			b->sql.buf[--b->sql.len] = '\0';
		str_append_char(&b->sql, ';');
		comment_on(b, c, mat ? "MATERIALIZED VIEW" : "VIEW", schema, name);
		owner_to(b, c, mat ? "MATERIALIZED VIEW" : "VIEW", schema, name);
	} else if (strcmp(k, "sequence") == 0) {
		const char *schema = need(b, s, "schema"), *name = need(b, s, "name");
		if (!schema || !name)
			return;
		str_append_cstr(&b->sql, "CREATE SEQUENCE ");
		qualified(c, &b->sql, schema, name);
		static const char *const opts[][2] = {{"increment", "INCREMENT BY"}, {"start", "START WITH"},
						      {"minimum", "MINVALUE"},   {"maximum", "MAXVALUE"},
						      {"cache", "CACHE"}};
		for (size_t i = 0; i < 5; i++) {
			json_t *v = json_object_get(s, opts[i][0]);
			if (!v)
				continue;
			if (!json_is_integer(v)) {
				snprintf(b->why, sizeof(b->why), "'%s' must be a whole number", opts[i][0]);
				return;
			}
			str_appendf(&b->sql, " %s %lld", opts[i][1], (long long)json_integer_value(v));
		}
		if (flag(s, "cycle"))
			str_append_cstr(&b->sql, " CYCLE");
		str_append_char(&b->sql, ';');
		comment_on(b, c, "SEQUENCE", schema, name);
		owner_to(b, c, "SEQUENCE", schema, name);
	} else if (strcmp(k, "extension") == 0) {
		const char *name = need(b, s, "name");
		if (!name)
			return;
		str_append_cstr(&b->sql, "CREATE EXTENSION ");
		ident(c, &b->sql, name);
		if (text(s, "schema")) {
			str_append_cstr(&b->sql, " WITH SCHEMA ");
			ident(c, &b->sql, text(s, "schema"));
		}
		if (text(s, "version")) {
			str_append_cstr(&b->sql, " VERSION ");
			literal(c, &b->sql, text(s, "version"));
		}
		str_append_char(&b->sql, ';');
	} else if (strcmp(k, "database") == 0) {
		const char *name = need(b, s, "name");
		if (!name)
			return;
		b->in_transaction = false; /* CREATE DATABASE cannot run inside a transaction block */
		str_append_cstr(&b->sql, "CREATE DATABASE ");
		ident(c, &b->sql, name);
		static const char *const opts[][2] = {
			{"owner", "OWNER"}, {"template", "TEMPLATE"}, {"tablespace", "TABLESPACE"}};
		for (size_t i = 0; i < 3; i++)
			if (text(s, opts[i][0])) {
				str_appendf(&b->sql, " %s ", opts[i][1]);
				ident(c, &b->sql, text(s, opts[i][0]));
			}
		if (text(s, "encoding")) {
			str_append_cstr(&b->sql, " ENCODING ");
			literal(c, &b->sql, text(s, "encoding"));
		}
		str_append_char(&b->sql, ';');
	} else if (strcmp(k, "table") == 0) {
		create_table(b, c);
	} else {
		snprintf(b->why, sizeof(b->why), "Tusk cannot create a %s from a dialog yet", k);
	}
}

/* Builds with this connection's quoting, then runs unless previewing. */
static bool build_and_run(void *ctx, PGconn *c, tusk_err *err)
{
	struct build *b = ctx;
	(void)err;
	if (b->identity_path == NULL)
		create_other(b, c);
	if (b->why[0] || b->preview)
		return true;
	if (b->in_transaction)
		PQclear(PQexec(c, "BEGIN"));
	PGresult *r = PQexec(c, str_cstr(&b->sql));
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
		b->failed = true;
		pg_error_fill(&b->pe, r, c);
	}
	PQclear(r);
	if (b->in_transaction)
		PQclear(PQexec(c, b->failed ? "ROLLBACK" : "COMMIT"));
	return true;
}

static void respond_build(http_req *r, struct build *b)
{
	if (b->why[0]) {
		http_respond_error(r, 400, "invalid_spec", "%s", b->why);
		return;
	}
	if (b->failed) {
		api_respond_pg_error(r, 409, "ddl_failed", &b->pe, str_cstr(&b->sql));
		return;
	}
	json_t *o = json_pack("{s:s, s:b}", "sql", str_cstr(&b->sql), "done", !b->preview);
	char *t = json_dumps(o, JSON_COMPACT);
	http_respond(r, 200, "application/json; charset=utf-8", t, strlen(t));
	free(t);
	json_decref(o);
}

void api_objects_create(http_req *r)
{
	tusk_app *app = http_req_app(r);
	json_t *body = http_req_json(r);
	int64_t server_id;
	if (!body || !api_path_id(r, "server", &server_id))
		return;
	bool bad = false;
	const char *db = api_json_str(r, body, "database", &bad), *kind = api_json_str(r, body, "kind", &bad);
	bool preview = api_json_bool(r, body, "preview", false, &bad);
	json_t *spec = json_object_get(body, "spec");
	if (bad)
		return;
	if (!kind || !json_is_object(spec) || (!db && strcmp(kind, "database") != 0)) {
		http_respond_error(r, 400, "missing_field", "Give the kind, the spec (an object) and the database.");
		return;
	}
	struct build b = {.spec = spec, .kind = kind, .preview = preview, .in_transaction = true};
	tusk_err err = {0};
	/* a database is created from the maintenance database */
	const char *on = strcmp(kind, "database") == 0 ? NULL : db;
	if (!pgpool_with_conn(app->pool, api_session(r)->user.id, server_id, on, build_and_run, &b, &err))
		http_respond_error(r, strcmp(err.code, "not_connected") == 0 ? 409 : 502, err.code, "%s", err.msg);
	else
		respond_build(r, &b);
	str_free(&b.sql);
}

/* ---- alter: rename, owner, schema, comment of any object in the tree ---- */

struct alter {
	struct build b;
	const char *type, *identity, *part, *table; /* from pg_identify_object */
};

static bool build_alter(void *ctx, PGconn *c, tusk_err *err)
{
	struct alter *a = ctx;
	struct build *b = &a->b;
	json_t *s = b->spec;
	const char *name = text(s, "name"), *owner = text(s, "owner"), *schema = text(s, "schema");
	json_t *comment = json_object_get(s, "comment");
	bool column = strcmp(a->type, "table column") == 0, constraint = strcmp(a->type, "table constraint") == 0,
	     on_table = strcmp(a->type, "trigger") == 0 || strcmp(a->type, "policy") == 0 || strcmp(a->type, "rule") == 0;
	char kw[64];
	size_t k = 0;
	for (; a->type[k] && k < sizeof(kw) - 1; k++)
		kw[k] = (char)(a->type[k] >= 'a' && a->type[k] <= 'z' ? a->type[k] - 32 : a->type[k]);
	kw[k] = '\0';
	const char *dot = column ? strrchr(a->identity, '.') : NULL;
	if (comment && !json_is_string(comment) && !json_is_null(comment)) {
		snprintf(b->why, sizeof(b->why), "'comment' is text or null");
		return true;
	}
	if (comment) {
		if (column)
			str_appendf(&b->sql, "COMMENT ON COLUMN %s IS ", a->identity);
		else if (constraint || on_table)
			str_appendf(&b->sql, "COMMENT ON %s %s ON %s IS ", constraint ? "CONSTRAINT" : kw, a->part, a->table);
		else
			str_appendf(&b->sql, "COMMENT ON %s %s IS ", kw, a->identity);
		if (json_is_string(comment) && *json_string_value(comment))
			literal(c, &b->sql, json_string_value(comment));
		else
			str_append_cstr(&b->sql, "NULL");
		str_append_cstr(&b->sql, ";\n");
	}
	if (owner && !column && !constraint && !on_table) {
		str_appendf(&b->sql, "ALTER %s %s OWNER TO ", kw, a->identity);
		ident(c, &b->sql, owner);
		str_append_cstr(&b->sql, ";\n");
	}
	if (schema && !column && !constraint && !on_table) {
		str_appendf(&b->sql, "ALTER %s %s SET SCHEMA ", kw, a->identity);
		ident(c, &b->sql, schema);
		str_append_cstr(&b->sql, ";\n");
	}
	if (name) {
		if (column)
			str_appendf(&b->sql, "ALTER TABLE %.*s RENAME COLUMN %s TO ", (int)(dot - a->identity), a->identity,
				    dot + 1);
		else if (constraint)
			str_appendf(&b->sql, "ALTER TABLE %s RENAME CONSTRAINT %s TO ", a->table, a->part);
		else if (on_table)
			str_appendf(&b->sql, "ALTER %s %s ON %s RENAME TO ", kw, a->part, a->table);
		else
			str_appendf(&b->sql, "ALTER %s %s RENAME TO ", kw, a->identity);
		ident(c, &b->sql, name);
		str_append_cstr(&b->sql, ";\n");
	}
	if (!b->sql.len) {
		snprintf(b->why, sizeof(b->why), "nothing to change: give name, owner, schema or comment");
		return true;
	}
	b->sql.buf[--b->sql.len] = '\0'; /* the last newline */
	return build_and_run(ctx, c, err);
}

void api_objects_alter(http_req *r)
{
	tusk_app *app = http_req_app(r);
	json_t *body = http_req_json(r);
	int64_t server_id;
	if (!body || !api_path_id(r, "server", &server_id))
		return;
	bool bad = false;
	const char *path = api_json_str(r, body, "path", &bad);
	bool preview = api_json_bool(r, body, "preview", false, &bad);
	json_t *spec = json_object_get(body, "changes");
	if (bad)
		return;
	if (!path || !json_is_object(spec)) {
		http_respond_error(r, 400, "missing_field", "Give the path and the changes (an object).");
		return;
	}
	char *db = NULL, *type = NULL, *identity = NULL;
	pg_error pe;
	tusk_err err = {0};
	int64_t uid = api_session(r)->user.id;
	if (!catalog_identify(app->pool, uid, server_id, path, &db, &type, &identity, &pe, &err)) {
		int status = strcmp(err.code, "not_connected") == 0 ? 409 : strcmp(err.code, "not_found") == 0 ? 404 : 422;
		http_respond_error(r, status, err.code, "%s", err.msg);
		return;
	}
	struct alter a = {.b = {.spec = spec, .kind = "alter", .identity_path = path, .preview = preview,
				.in_transaction = true},
			  .type = type,
			  .identity = identity};
	/* "name on table" parts for constraints, triggers, policies and rules */
	char *on = strstr(identity, " on ");
	char *part = on ? xstrndup(identity, (size_t)(on - identity)) : xstrdup(identity);
	a.part = part;
	a.table = on ? on + 4 : "";
	if (!pgpool_with_conn(app->pool, uid, server_id, db, build_alter, &a, &err))
		http_respond_error(r, strcmp(err.code, "not_connected") == 0 ? 409 : 502, err.code, "%s", err.msg);
	else
		respond_build(r, &a.b);
	str_free(&a.b.sql);
	free(part);
	free(db);
	free(type);
	free(identity);
}
