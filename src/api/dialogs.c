/* The object dialogs' SQL: Create (schema, table, column, index, view,
 * materialized view, sequence, extension, database; dialogs_code.c has the
 * rest) and Alter (rename, owner, schema, comment, and what dialogs_code.c
 * adds per kind) built from a structured spec, previewed, and run
 * in a transaction (CREATE DATABASE outside one). Names and literals are
 * quoted by libpq on the connection that runs them; types, defaults and
 * expressions are the user's own SQL and go in as written. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/dialogs.h"
#include "catalog/catalog.h"

void dlg_ident(PGconn *c, str *out, const char *name)
{
	char *q = PQescapeIdentifier(c, name, strlen(name));
	str_append_cstr(out, q ? q : "\"\"");
	PQfreemem(q);
}

void dlg_literal(PGconn *c, str *out, const char *v)
{
	char *q = PQescapeLiteral(c, v, strlen(v));
	str_append_cstr(out, q ? q : "''");
	PQfreemem(q);
}

const char *dlg_text(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) && *json_string_value(v) ? json_string_value(v) : NULL;
}

bool dlg_flag(json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

void dlg_why(struct build *b, const char *fmt, ...)
{
	if (b->why[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b->why, sizeof(b->why), fmt, ap);
	va_end(ap);
}

const char *dlg_need(struct build *b, json_t *o, const char *key)
{
	const char *v = dlg_text(o, key);
	if (!v)
		dlg_why(b, "'%s' is required", key);
	return v;
}

const char *dlg_choice(struct build *b, json_t *o, const char *key, const char *const *choices, const char *def)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
		return def;
	for (size_t i = 0; json_is_string(v) && choices[i]; i++)
		if (strcasecmp(json_string_value(v), choices[i]) == 0)
			return choices[i];
	str list = STR_INIT;
	for (size_t i = 0; choices[i]; i++)
		str_appendf(&list, "%s%s", i ? (choices[i + 1] ? ", " : " or ") : "", choices[i]);
	dlg_why(b, "'%s' must be %s", key, str_cstr(&list));
	str_free(&list);
	return NULL;
}

void dlg_qualified(PGconn *c, str *out, const char *schema, const char *name)
{
	if (schema) {
		dlg_ident(c, out, schema);
		str_append_char(out, '.');
	}
	dlg_ident(c, out, name);
}

void dlg_comment_owner(struct build *b, PGconn *c, const char *what, const char *target)
{
	const char *comment = dlg_text(b->spec, "comment"), *owner = dlg_text(b->spec, "owner");
	if (comment) {
		str_appendf(&b->sql, "\nCOMMENT ON %s %s IS ", what, target);
		dlg_literal(c, &b->sql, comment);
		str_append_char(&b->sql, ';');
	}
	if (owner) {
		str_appendf(&b->sql, "\nALTER %s %s OWNER TO ", what, target);
		dlg_ident(c, &b->sql, owner);
		str_append_char(&b->sql, ';');
	}
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
		dlg_ident(c, &b->sql, json_string_value(v));
	}
	str_append_char(&b->sql, ')');
}

static void column_def(struct build *b, PGconn *c, json_t *col)
{
	const char *name = dlg_need(b, col, "name"), *type = dlg_need(b, col, "type");
	if (!name || !type)
		return;
	dlg_ident(c, &b->sql, name);
	str_appendf(&b->sql, " %s", type);
	const char *def = dlg_text(col, "default"), *identity = dlg_text(col, "identity");
	if (identity && strcmp(identity, "always") && strcmp(identity, "by default")) {
		snprintf(b->why, sizeof(b->why), "'identity' is 'always' or 'by default'");
		return;
	}
	if (identity)
		str_appendf(&b->sql, " GENERATED %s AS IDENTITY", strcmp(identity, "always") == 0 ? "ALWAYS" : "BY DEFAULT");
	else if (dlg_text(col, "generated"))
		str_appendf(&b->sql, " GENERATED ALWAYS AS (%s) STORED", dlg_text(col, "generated"));
	else if (def)
		str_appendf(&b->sql, " DEFAULT %s", def);
	if (dlg_flag(col, "not_null"))
		str_append_cstr(&b->sql, " NOT NULL");
	if (dlg_flag(col, "primary_key"))
		str_append_cstr(&b->sql, " PRIMARY KEY");
	if (dlg_flag(col, "unique"))
		str_append_cstr(&b->sql, " UNIQUE");
}

/* COMMENT ON and OWNER TO for schema.name (schema may be NULL). */
static void comment_owner(struct build *b, PGconn *c, const char *what, const char *schema, const char *name)
{
	str target = STR_INIT;
	dlg_qualified(c, &target, schema, name);
	dlg_comment_owner(b, c, what, str_cstr(&target));
	str_free(&target);
}

/* WITH (name = value, ...): names are checked, numbers and booleans go in
 * as they are, text as a literal. */
static void storage_params(struct build *b, PGconn *c, json_t *params)
{
	if (!params || json_is_null(params) || (json_is_object(params) && json_object_size(params) == 0))
		return;
	if (!json_is_object(params)) {
		dlg_why(b, "'storage' maps storage parameters to values");
		return;
	}
	str_append_cstr(&b->sql, "\n    WITH (");
	const char *key;
	json_t *v;
	int n = 0;
	json_object_foreach(params, key, v)
	{
		bool named = *key != '\0';
		for (const char *p = key; *p; p++)
			named = named && strchr("abcdefghijklmnopqrstuvwxyz_.0123456789", *p) != NULL;
		if (!named) {
			dlg_why(b, "'storage' has a name that is not a storage parameter: %s", key);
			return;
		}
		str_appendf(&b->sql, "%s%s = ", n++ ? ", " : "", key);
		if (json_is_integer(v))
			str_appendf(&b->sql, "%lld", (long long)json_integer_value(v));
		else if (json_is_real(v))
			str_appendf(&b->sql, "%g", json_real_value(v));
		else if (json_is_boolean(v))
			str_append_cstr(&b->sql, json_is_true(v) ? "true" : "false");
		else if (json_is_string(v))
			dlg_literal(c, &b->sql, json_string_value(v));
		else {
			dlg_why(b, "'storage.%s' is a number, true/false or text", key);
			return;
		}
	}
	str_append_char(&b->sql, ')');
}

static void table_tail(struct build *b, PGconn *c, const char *schema, const char *name);

static void create_table(struct build *b, PGconn *c)
{
	json_t *s = b->spec;
	const char *schema = dlg_need(b, s, "schema"), *name = dlg_need(b, s, "name");
	json_t *cols = json_object_get(s, "columns");
	if (!schema || !name)
		return;
	str_appendf(&b->sql, "CREATE %sTABLE ", dlg_flag(s, "unlogged") ? "UNLOGGED " : "");
	dlg_qualified(c, &b->sql, schema, name);
	json_t *parent = json_object_get(s, "partition_of");
	if (parent && !json_is_null(parent)) {
		/* a partition takes its columns from the parent */
		const char *ps = dlg_text(parent, "schema"), *pt = dlg_need(b, parent, "table");
		const char *bound = dlg_need(b, s, "bound");
		if (!pt || !bound)
			return;
		str_append_cstr(&b->sql, " PARTITION OF ");
		dlg_qualified(c, &b->sql, ps ? ps : schema, pt);
		str_appendf(&b->sql, "\n    %s", bound);
		table_tail(b, c, schema, name);
		return;
	}
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
		const char *type = dlg_need(b, col, "type");
		if (!type)
			return;
		str_append_cstr(&b->sql, items++ ? ",\n    " : "\n    ");
		if (dlg_text(col, "name")) {
			str_append_cstr(&b->sql, "CONSTRAINT ");
			dlg_ident(c, &b->sql, dlg_text(col, "name"));
			str_append_char(&b->sql, ' ');
		}
		if (strcmp(type, "primary_key") == 0 || strcmp(type, "unique") == 0) {
			str_append_cstr(&b->sql, strcmp(type, "unique") == 0 ? "UNIQUE " : "PRIMARY KEY ");
			column_list(b, c, json_object_get(col, "columns"), "columns");
		} else if (strcmp(type, "check") == 0) {
			const char *expr = dlg_need(b, col, "expression");
			if (expr)
				str_appendf(&b->sql, "CHECK (%s)", expr);
		} else if (strcmp(type, "foreign_key") == 0) {
			json_t *ref = json_object_get(col, "references");
			str_append_cstr(&b->sql, "FOREIGN KEY ");
			column_list(b, c, json_object_get(col, "columns"), "columns");
			const char *rs = dlg_text(ref, "schema"), *rt = dlg_need(b, ref ? ref : col, "table");
			if (!rt)
				return;
			str_append_cstr(&b->sql, " REFERENCES ");
			dlg_qualified(c, &b->sql, rs, rt);
			str_append_char(&b->sql, ' ');
			column_list(b, c, json_object_get(ref, "columns"), "references.columns");
			static const char *const actions[] = {"NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"};
			const char *del = dlg_text(col, "on_delete");
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
			if (dlg_flag(col, "deferrable"))
				str_append_cstr(&b->sql, " DEFERRABLE");
		} else {
			snprintf(b->why, sizeof(b->why), "constraint type '%s' is not primary_key, unique, check or foreign_key",
				 type);
			return;
		}
	}
	str_append_cstr(&b->sql, "\n)");
	table_tail(b, c, schema, name);
}

/* PARTITION BY, WITH (storage parameters), TABLESPACE, the comment and the owner. */
static void table_tail(struct build *b, PGconn *c, const char *schema, const char *name)
{
	json_t *s = b->spec;
	json_t *part = json_object_get(s, "partition_by");
	if (part) {
		const char *strategy = dlg_need(b, part, "strategy");
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
	storage_params(b, c, json_object_get(s, "storage"));
	if (dlg_text(s, "tablespace")) {
		str_append_cstr(&b->sql, "\n    TABLESPACE ");
		dlg_ident(c, &b->sql, dlg_text(s, "tablespace"));
	}
	str_append_char(&b->sql, ';');
	comment_owner(b, c, "TABLE", schema, name);
}

static void create_other(struct build *b, PGconn *c)
{
	json_t *s = b->spec;
	const char *k = b->kind;
	if (strcmp(k, "schema") == 0) {
		const char *name = dlg_need(b, s, "name");
		if (!name)
			return;
		str_append_cstr(&b->sql, "CREATE SCHEMA ");
		dlg_ident(c, &b->sql, name);
		str_append_char(&b->sql, ';');
		comment_owner(b, c, "SCHEMA", NULL, name);
	} else if (strcmp(k, "column") == 0) {
		const char *schema = dlg_need(b, s, "schema"), *table = dlg_need(b, s, "table");
		if (!schema || !table)
			return;
		str_append_cstr(&b->sql, "ALTER TABLE ");
		dlg_qualified(c, &b->sql, schema, table);
		str_append_cstr(&b->sql, " ADD COLUMN ");
		column_def(b, c, s);
		str_append_char(&b->sql, ';');
		if (dlg_text(s, "comment") && dlg_text(s, "name")) {
			str_append_cstr(&b->sql, "\nCOMMENT ON COLUMN ");
			dlg_qualified(c, &b->sql, schema, table);
			str_append_char(&b->sql, '.');
			dlg_ident(c, &b->sql, dlg_text(s, "name"));
			str_append_cstr(&b->sql, " IS ");
			dlg_literal(c, &b->sql, dlg_text(s, "comment"));
			str_append_char(&b->sql, ';');
		}
	} else if (strcmp(k, "index") == 0) {
		const char *schema = dlg_need(b, s, "schema"), *table = dlg_need(b, s, "table");
		if (!schema || !table)
			return;
		str_appendf(&b->sql, "CREATE %sINDEX ", dlg_flag(s, "unique") ? "UNIQUE " : "");
		if (dlg_text(s, "name"))
			dlg_ident(c, &b->sql, dlg_text(s, "name"));
		str_append_cstr(&b->sql, dlg_text(s, "name") ? " ON " : "ON ");
		dlg_qualified(c, &b->sql, schema, table);
		if (dlg_text(s, "method")) {
			str_append_cstr(&b->sql, " USING ");
			dlg_ident(c, &b->sql, dlg_text(s, "method"));
		}
		str_append_char(&b->sql, ' ');
		column_list(b, c, json_object_get(s, "columns"), "columns");
		if (dlg_text(s, "where"))
			str_appendf(&b->sql, " WHERE %s", dlg_text(s, "where"));
		str_append_char(&b->sql, ';');
	} else if (strcmp(k, "view") == 0 || strcmp(k, "materialized_view") == 0) {
		const char *schema = dlg_need(b, s, "schema"), *name = dlg_need(b, s, "name"), *def = dlg_need(b, s, "definition");
		if (!schema || !name || !def)
			return;
		bool mat = strcmp(k, "materialized_view") == 0;
		str_appendf(&b->sql, "CREATE %sVIEW ", mat ? "MATERIALIZED " : "");
		dlg_qualified(c, &b->sql, schema, name);
		str_appendf(&b->sql, " AS\n%s", def);
		while (b->sql.len && (b->sql.buf[b->sql.len - 1] == ';' || b->sql.buf[b->sql.len - 1] == '\n' ||
				      b->sql.buf[b->sql.len - 1] == ' '))
			b->sql.buf[--b->sql.len] = '\0';
		str_append_char(&b->sql, ';');
		comment_owner(b, c, mat ? "MATERIALIZED VIEW" : "VIEW", schema, name);
	} else if (strcmp(k, "sequence") == 0) {
		const char *schema = dlg_need(b, s, "schema"), *name = dlg_need(b, s, "name");
		if (!schema || !name)
			return;
		str_append_cstr(&b->sql, "CREATE SEQUENCE ");
		dlg_qualified(c, &b->sql, schema, name);
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
		if (dlg_flag(s, "cycle"))
			str_append_cstr(&b->sql, " CYCLE");
		str_append_char(&b->sql, ';');
		comment_owner(b, c, "SEQUENCE", schema, name);
	} else if (strcmp(k, "extension") == 0) {
		const char *name = dlg_need(b, s, "name");
		if (!name)
			return;
		str_append_cstr(&b->sql, "CREATE EXTENSION ");
		dlg_ident(c, &b->sql, name);
		if (dlg_text(s, "schema")) {
			str_append_cstr(&b->sql, " WITH SCHEMA ");
			dlg_ident(c, &b->sql, dlg_text(s, "schema"));
		}
		if (dlg_text(s, "version")) {
			str_append_cstr(&b->sql, " VERSION ");
			dlg_literal(c, &b->sql, dlg_text(s, "version"));
		}
		str_append_char(&b->sql, ';');
	} else if (strcmp(k, "database") == 0) {
		const char *name = dlg_need(b, s, "name");
		if (!name)
			return;
		b->in_transaction = false; /* CREATE DATABASE cannot run inside a transaction block */
		str_append_cstr(&b->sql, "CREATE DATABASE ");
		dlg_ident(c, &b->sql, name);
		static const char *const opts[][2] = {
			{"owner", "OWNER"}, {"template", "TEMPLATE"}, {"tablespace", "TABLESPACE"}};
		for (size_t i = 0; i < 3; i++)
			if (dlg_text(s, opts[i][0])) {
				str_appendf(&b->sql, " %s ", opts[i][1]);
				dlg_ident(c, &b->sql, dlg_text(s, opts[i][0]));
			}
		if (dlg_text(s, "encoding")) {
			str_append_cstr(&b->sql, " ENCODING ");
			dlg_literal(c, &b->sql, dlg_text(s, "encoding"));
		}
		str_append_char(&b->sql, ';');
	} else if (strcmp(k, "table") == 0) {
		create_table(b, c);
	} else if (!dlg_create_code(b, c)) {
		dlg_why(b, "Tusk cannot create a %s from a dialog", k);
	}
}

void dlg_execute(struct build *b, PGconn *c)
{
	if (b->why[0] || b->preview)
		return;
	b->failed = !catalog_run(c, str_cstr(b->run_sql.len ? &b->run_sql : &b->sql), b->in_transaction, &b->pe);
}

void dlg_why_err(struct build *b, const tusk_err *err)
{
	if (b->why[0])
		return;
	snprintf(b->why, sizeof(b->why), "%.*s", (int)sizeof(b->why) - 1, err->msg);
	b->why_code = err->code;
}

/* Builds with this connection's quoting, then runs unless previewing. */
static bool build_and_run(void *ctx, PGconn *c, tusk_err *err)
{
	struct build *b = ctx;
	(void)err;
	if (b->identity_path == NULL) {
		/* PostgreSQL would cut a long name without an error: say so before anything is made */
		tusk_err why = {0};
		const char *name = dlg_text(b->spec, "name");
		if (name && !catalog_name_fits(c, name, &why))
			dlg_why_err(b, &why);
		else
			create_other(b, c);
	}
	dlg_execute(b, c);
	return true;
}

void dlg_respond(http_req *r, struct build *b)
{
	if (b->why[0]) {
		tusk_err err = {0};
		err_set(&err, b->why_code ? b->why_code : ERR_INVALID_SPEC, "%s", b->why);
		api_respond_err(r, &err);
		return;
	}
	if (b->failed) {
		api_respond_pg_error(r, ERR_DDL_FAILED, &b->pe, str_cstr(&b->sql));
		return;
	}
	json_t *o = json_pack("{s:s, s:b}", "sql", str_cstr(&b->sql), "done", !b->preview);
	if (!b->steps)
		json_object_set_new(o, "transaction", json_boolean(b->in_transaction));
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
		http_respond_error(r, ERR_MISSING_FIELD, "Give the kind, the spec (an object) and the database.");
		return;
	}
	struct build b = {.spec = spec,
			  .kind = kind,
			  .preview = preview,
			  .in_transaction = true,
			  .version = pgpool_server_version(app->pool, api_session(r)->user.id, server_id)};
	tusk_err err = {0};
	/* a database is created from the maintenance database */
	const char *on = strcmp(kind, "database") == 0 ? NULL : db;
	if (!pgpool_with_conn(app->pool, api_session(r)->user.id, server_id, on, build_and_run, &b, &err))
		api_respond_err(r, &err);
	else
		dlg_respond(r, &b);
	str_free(&b.sql);
}

/* ---- alter: rename, owner, schema, comment of any object in the tree ---- */

struct alter {
	struct build b;
	catalog_object o; /* as PostgreSQL addresses it */
};

/* One statement of the alter from catalog/, on a line of its own; false (why recorded) when it has none. */
static bool alter_step(struct build *b, bool ok, const tusk_err *why)
{
	if (!ok) {
		dlg_why_err(b, why);
		return false;
	}
	str_append_char(&b->sql, '\n');
	return true;
}

/* The comment, the owner and the kind's own changes name the object as it
 * is; then the rename, then the move to another schema, each naming the
 * object as the statement before left it. */
static bool build_alter(void *ctx, PGconn *c, tusk_err *err)
{
	struct alter *a = ctx;
	struct build *b = &a->b;
	json_t *s = b->spec;
	const char *name = dlg_text(s, "name"), *owner = dlg_text(s, "owner"), *schema = dlg_text(s, "schema");
	json_t *comment = json_object_get(s, "comment");
	if (comment && !json_is_string(comment) && !json_is_null(comment)) {
		dlg_why(b, "'comment' is text or null");
		return true;
	}
	tusk_err why = {0};
	str ref = STR_INIT, on = STR_INIT;
	bool ok = catalog_object_ref(&a->o, &ref, &on, &why);
	if (!ok)
		dlg_why_err(b, &why);
	if (ok && comment) {
		const char *text = json_is_string(comment) && *json_string_value(comment) ? json_string_value(comment) : NULL;
		ok = alter_step(b, catalog_sql_comment(c, &a->o, text, &b->sql, &why), &why);
	}
	if (ok && owner)
		ok = alter_step(b, catalog_sql_owner(c, &a->o, owner, &b->sql, &why), &why);
	if (ok)
		dlg_alter_code(b, c, a->o.type, str_cstr(&ref), str_cstr(&on));
	str_free(&ref);
	str_free(&on);
	if (!ok || b->why[0])
		return true;
	if (name && !alter_step(b, catalog_sql_rename(c, &a->o, name, &b->sql, &why), &why))
		return true;
	if (schema && !alter_step(b, catalog_sql_set_schema(c, &a->o, schema, &b->sql, &why), &why))
		return true;
	if (!b->sql.len) {
		dlg_why(b, "nothing to change: give name, owner, schema, comment or a change this kind has");
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
		http_respond_error(r, ERR_MISSING_FIELD, "Give the path and the changes (an object).");
		return;
	}
	pg_error pe;
	tusk_err err = {0};
	int64_t uid = api_session(r)->user.id;
	struct alter a = {.b = {.spec = spec, .kind = "alter", .identity_path = path, .preview = preview,
				.in_transaction = true}};
	if (!catalog_object_at(app->pool, uid, server_id, path, &a.o, &pe, &err)) {
		api_respond_err(r, &err);
		return;
	}
	if (!pgpool_with_conn(app->pool, uid, server_id, a.o.db, build_alter, &a, &err))
		api_respond_err(r, &err);
	else
		dlg_respond(r, &a.b);
	str_free(&a.b.sql);
	catalog_object_free(&a.o);
}
