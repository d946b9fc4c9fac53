/* The object dialogs' SQL: Create (schema, table, column, index, view,
 * materialized view, sequence, extension, database; dialog_code.c has the
 * rest) and Alter (rename, owner, schema, comment, and what dialog_code.c
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

#include "catalog/build.h"

void catalog_ident(PGconn *c, str *out, const char *name)
{
	char *q = PQescapeIdentifier(c, name, strlen(name));
	str_append_cstr(out, q ? q : "\"\"");
	PQfreemem(q);
}

void catalog_literal(PGconn *c, str *out, const char *v)
{
	char *q = PQescapeLiteral(c, v, strlen(v));
	str_append_cstr(out, q ? q : "''");
	PQfreemem(q);
}

const char *catalog_text(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) && *json_string_value(v) ? json_string_value(v) : NULL;
}

char *catalog_query_text(const pgpool_ref *pg, const char *db, const char *sql, int nparams, const char *const *params,
			 pg_error *pe, tusk_err *err)
{
	pg_error local;
	PGresult *r = pgpool_query(pg, db, sql, nparams, params, pe ? pe : &local, err);
	char *v = r ? xstrdup(PQntuples(r) ? PQgetvalue(r, 0, 0) : "") : NULL;
	PQclear(r);
	return v;
}

void catalog_ident_list(PGconn *c, str *out, json_t *names)
{
	size_t i;
	json_t *e;
	json_array_foreach(names, i, e)
	{
		str_append_cstr(out, i ? ", " : "");
		catalog_ident(c, out, json_string_value(e));
	}
}

void catalog_opt_ident(struct build *b, PGconn *c, json_t *o, const char *key, const char *lead)
{
	const char *v = catalog_text(o, key);
	if (v) {
		str_append_cstr(&b->sql, lead);
		catalog_ident(c, &b->sql, v);
	}
}

void catalog_opt_sql(struct build *b, json_t *o, const char *key, const char *fmt)
{
	const char *v = catalog_text(o, key), *at = strstr(fmt, "%s");
	if (v) {
		str_append(&b->sql, fmt, (size_t)(at - fmt));
		str_append_cstr(&b->sql, v);
		str_append_cstr(&b->sql, at + 2);
	}
}

bool catalog_flag(json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

void catalog_why(struct build *b, const char *fmt, ...)
{
	if (b->why[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b->why, sizeof(b->why), fmt, ap);
	va_end(ap);
}

const char *catalog_need(struct build *b, json_t *o, const char *key)
{
	const char *v = catalog_text(o, key);
	if (!v)
		catalog_why(b, "'%s' is required", key);
	return v;
}

const char *catalog_choice(struct build *b, json_t *o, const char *key, const char *const *choices, const char *def)
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
	catalog_why(b, "'%s' must be %s", key, str_cstr(&list));
	str_free(&list);
	return NULL;
}

void catalog_qualified(PGconn *c, str *out, const char *schema, const char *name)
{
	if (schema) {
		catalog_ident(c, out, schema);
		str_append_char(out, '.');
	}
	catalog_ident(c, out, name);
}

json_t *catalog_names(struct build *b, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return NULL;
	size_t i;
	json_t *e;
	bool ok = json_is_array(v);
	json_array_foreach(v, i, e) ok = ok && json_is_string(e) && *json_string_value(e);
	if (!ok) {
		catalog_why(b, "'%s' must be a list of names", key);
		return NULL;
	}
	return v;
}

void catalog_comment_on_table(struct build *b, PGconn *c, const char *what, const char *name, const char *table)
{
	const char *comment = catalog_text(b->spec, "comment");
	size_t at = b->sql.len;
	if (comment) {
		str_appendf(&b->sql, "\nCOMMENT ON %s ", what);
		catalog_ident(c, &b->sql, name);
		str_appendf(&b->sql, " ON %s IS ", table);
		catalog_literal(c, &b->sql, comment);
		str_append_char(&b->sql, ';');
		catalog_mark(b, at, STMT_OTHER, NULL, NULL); /* the table is locked by the statement before */
	}
}

void catalog_comment_owner(struct build *b, PGconn *c, const char *what, const char *target)
{
	const char *comment = catalog_text(b->spec, "comment"), *owner = catalog_text(b->spec, "owner");
	size_t at = b->sql.len;
	if (comment) {
		str_appendf(&b->sql, "\nCOMMENT ON %s %s IS ", what, target);
		catalog_literal(c, &b->sql, comment);
		str_append_char(&b->sql, ';');
		catalog_mark(b, at, STMT_OTHER, NULL, NULL); /* of an object made just before */
	}
	at = b->sql.len;
	if (owner) {
		str_appendf(&b->sql, "\nALTER %s %s OWNER TO ", what, target);
		catalog_ident(c, &b->sql, owner);
		str_append_char(&b->sql, ';');
		catalog_mark(b, at, STMT_OTHER, NULL, NULL);
	}
}

void catalog_column_list(struct build *b, PGconn *c, json_t *cols, const char *field)
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
		catalog_ident(c, &b->sql, json_string_value(v));
	}
	str_append_char(&b->sql, ')');
}

void catalog_column_def(struct build *b, PGconn *c, json_t *col)
{
	const char *name = catalog_need(b, col, "name"), *type = catalog_need(b, col, "type");
	if (!name || !type)
		return;
	catalog_ident(c, &b->sql, name);
	str_appendf(&b->sql, " %s", type);
	const char *def = catalog_text(col, "default"), *identity = catalog_text(col, "identity");
	if (identity && strcmp(identity, "always") && strcmp(identity, "by default")) {
		snprintf(b->why, sizeof(b->why), "'identity' is 'always' or 'by default'");
		return;
	}
	if (identity)
		str_appendf(&b->sql, " GENERATED %s AS IDENTITY",
			    strcmp(identity, "always") == 0 ? "ALWAYS" : "BY DEFAULT");
	else if (catalog_text(col, "generated"))
		str_appendf(&b->sql, " GENERATED ALWAYS AS (%s) STORED", catalog_text(col, "generated"));
	else if (def)
		str_appendf(&b->sql, " DEFAULT %s", def);
	if (catalog_flag(col, "not_null"))
		str_append_cstr(&b->sql, " NOT NULL");
	if (catalog_flag(col, "primary_key"))
		str_append_cstr(&b->sql, " PRIMARY KEY");
	if (catalog_flag(col, "unique"))
		str_append_cstr(&b->sql, " UNIQUE");
}

/* COMMENT ON and OWNER TO for schema.name (schema may be NULL). */
static void comment_owner(struct build *b, PGconn *c, const char *what, const char *schema, const char *name)
{
	str target = STR_INIT;
	catalog_qualified(c, &target, schema, name);
	catalog_comment_owner(b, c, what, str_cstr(&target));
	str_free(&target);
}

/* WITH (name = value, ...): names are checked, numbers and booleans go in
 * as they are, text as a literal. */
static void storage_params(struct build *b, PGconn *c, json_t *params)
{
	if (!params || json_is_null(params) || (json_is_object(params) && json_object_size(params) == 0))
		return;
	if (!json_is_object(params)) {
		catalog_why(b, "'storage' maps storage parameters to values");
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
			catalog_why(b, "'storage' has a name that is not a storage parameter: %s", key);
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
			catalog_literal(c, &b->sql, json_string_value(v));
		else {
			catalog_why(b, "'storage.%s' is a number, true/false or text", key);
			return;
		}
	}
	str_append_char(&b->sql, ')');
}

/* FOREIGN KEY (...) REFERENCES schema.table (...) [ON DELETE ...] [DEFERRABLE]. */
static void foreign_key(struct build *b, PGconn *c, json_t *col)
{
	json_t *ref = json_object_get(col, "references");
	str_append_cstr(&b->sql, "FOREIGN KEY ");
	catalog_column_list(b, c, json_object_get(col, "columns"), "columns");
	const char *rs = catalog_text(ref, "schema"), *rt = catalog_need(b, ref ? ref : col, "table");
	if (!rt)
		return;
	str_append_cstr(&b->sql, " REFERENCES ");
	catalog_qualified(c, &b->sql, rs, rt);
	str_append_char(&b->sql, ' ');
	catalog_column_list(b, c, json_object_get(ref, "columns"), "references.columns");
	static const char *const actions[] = {"NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT", NULL};
	const char *del = catalog_choice(b, col, "on_delete", actions, NULL);
	if (del)
		str_appendf(&b->sql, " ON DELETE %s", del);
	if (catalog_flag(col, "deferrable"))
		str_append_cstr(&b->sql, " DEFERRABLE");
}

void catalog_constraint_def(struct build *b, PGconn *c, json_t *con)
{
	const char *type = catalog_need(b, con, "type");
	if (!type)
		return;
	if (catalog_text(con, "name")) {
		str_append_cstr(&b->sql, "CONSTRAINT ");
		catalog_ident(c, &b->sql, catalog_text(con, "name"));
		str_append_char(&b->sql, ' ');
	}
	if (strcmp(type, "primary_key") == 0 || strcmp(type, "unique") == 0) {
		str_append_cstr(&b->sql, strcmp(type, "unique") == 0 ? "UNIQUE " : "PRIMARY KEY ");
		catalog_column_list(b, c, json_object_get(con, "columns"), "columns");
	} else if (strcmp(type, "check") == 0) {
		const char *expr = catalog_need(b, con, "expression");
		if (expr)
			str_appendf(&b->sql, "CHECK (%s)", expr);
	} else if (strcmp(type, "foreign_key") == 0) {
		foreign_key(b, c, con);
	} else {
		catalog_why(b, "constraint type '%s' is not primary_key, unique, check or foreign_key", type);
	}
}

static void table_tail(struct build *b, PGconn *c, const char *schema, const char *name, size_t at);

/* CREATE TABLE: a partition of a parent, or columns and constraints; then table_tail's clauses. */
static void create_table(struct build *b, PGconn *c)
{
	json_t *s = b->spec;
	const char *schema = catalog_need(b, s, "schema"), *name = catalog_need(b, s, "name");
	json_t *cols = json_object_get(s, "columns");
	if (!schema || !name)
		return;
	size_t at = b->sql.len;
	str_appendf(&b->sql, "CREATE %sTABLE ", catalog_flag(s, "unlogged") ? "UNLOGGED " : "");
	catalog_qualified(c, &b->sql, schema, name);
	json_t *parent = json_object_get(s, "partition_of");
	if (parent && !json_is_null(parent)) {
		/* a partition takes its columns from the parent */
		const char *ps = catalog_text(parent, "schema"), *pt = catalog_need(b, parent, "table");
		const char *bound = catalog_need(b, s, "bound");
		if (!pt || !bound)
			return;
		str_append_cstr(&b->sql, " PARTITION OF ");
		catalog_qualified(c, &b->sql, ps ? ps : schema, pt);
		str_appendf(&b->sql, "\n    %s", bound);
		table_tail(b, c, schema, name, at);
		return;
	}
	str_append_cstr(&b->sql, " (");
	size_t i;
	json_t *col;
	int items = 0;
	json_array_foreach(cols, i, col)
	{
		str_append_cstr(&b->sql, items++ ? ",\n    " : "\n    ");
		catalog_column_def(b, c, col);
	}
	json_t *cons = json_object_get(s, "constraints");
	json_array_foreach(cons, i, col)
	{
		str_append_cstr(&b->sql, items++ ? ",\n    " : "\n    ");
		catalog_constraint_def(b, c, col);
		if (b->why[0])
			return;
	}
	str_append_cstr(&b->sql, "\n)");
	table_tail(b, c, schema, name, at);
}

/* PARTITION BY, WITH (storage parameters), TABLESPACE, the comment and the owner. */
static void table_tail(struct build *b, PGconn *c, const char *schema, const char *name, size_t at)
{
	json_t *s = b->spec;
	json_t *part = json_object_get(s, "partition_by");
	if (part) {
		const char *strategy = catalog_need(b, part, "strategy");
		if (strategy && strcasecmp(strategy, "range") && strcasecmp(strategy, "list") &&
		    strcasecmp(strategy, "hash")) {
			snprintf(b->why, sizeof(b->why), "'partition_by.strategy' is range, list or hash");
			return;
		}
		if (strategy) {
			str_appendf(&b->sql, " PARTITION BY %s ",
				    strcasecmp(strategy, "range") == 0	? "RANGE"
				    : strcasecmp(strategy, "list") == 0 ? "LIST"
									: "HASH");
			catalog_column_list(b, c, json_object_get(part, "columns"), "partition_by.columns");
		}
	}
	storage_params(b, c, json_object_get(s, "storage"));
	catalog_opt_ident(b, c, s, "tablespace", "\n    TABLESPACE ");
	str_append_char(&b->sql, ';');
	catalog_mark(b, at, STMT_CREATE, NULL, NULL);
	comment_owner(b, c, "TABLE", schema, name);
}

/* Over 80 lines: the simpler kinds' CREATE statements (schema, column, index, view, sequence,
 * extension, database), one short branch each, side by side. */
static void create_other(struct build *b, PGconn *c)
{
	json_t *s = b->spec;
	const char *k = b->kind;
	if (strcmp(k, "schema") == 0) {
		const char *name = catalog_need(b, s, "name");
		if (!name)
			return;
		str_append_cstr(&b->sql, "CREATE SCHEMA ");
		catalog_ident(c, &b->sql, name);
		str_append_char(&b->sql, ';');
		catalog_mark(b, 0, STMT_CREATE, NULL, NULL);
		comment_owner(b, c, "SCHEMA", NULL, name);
	} else if (strcmp(k, "column") == 0) {
		const char *schema = catalog_need(b, s, "schema"), *table = catalog_need(b, s, "table");
		if (!schema || !table)
			return;
		str ref = STR_INIT;
		catalog_qualified(c, &ref, schema, table);
		str_appendf(&b->sql, "ALTER TABLE %s ADD COLUMN ", str_cstr(&ref));
		catalog_column_def(b, c, s);
		str_append_char(&b->sql, ';');
		catalog_mark(b, 0, STMT_ADD_COLUMN, str_cstr(&ref), NULL);
		size_t at = b->sql.len;
		if (catalog_text(s, "comment") && catalog_text(s, "name")) {
			str_appendf(&b->sql, "\nCOMMENT ON COLUMN %s.", str_cstr(&ref));
			catalog_ident(c, &b->sql, catalog_text(s, "name"));
			str_append_cstr(&b->sql, " IS ");
			catalog_literal(c, &b->sql, catalog_text(s, "comment"));
			str_append_char(&b->sql, ';');
			catalog_mark(b, at, STMT_COMMENT_TABLE, str_cstr(&ref), NULL);
		}
		str_free(&ref);
	} else if (strcmp(k, "index") == 0) {
		const char *schema = catalog_need(b, s, "schema"), *table = catalog_need(b, s, "table");
		if (!schema || !table)
			return;
		/* CONCURRENTLY: writes go on while it builds; it cannot run in a transaction block */
		bool concurrently = catalog_flag(s, "concurrently");
		b->in_transaction = !concurrently;
		str ref = STR_INIT;
		catalog_qualified(c, &ref, schema, table);
		str_appendf(&b->sql, "CREATE %sINDEX %s", catalog_flag(s, "unique") ? "UNIQUE " : "",
			    concurrently ? "CONCURRENTLY " : "");
		if (catalog_text(s, "name"))
			catalog_ident(c, &b->sql, catalog_text(s, "name"));
		str_appendf(&b->sql, "%sON %s", catalog_text(s, "name") ? " " : "", str_cstr(&ref));
		catalog_opt_ident(b, c, s, "method", " USING ");
		str_append_char(&b->sql, ' ');
		catalog_column_list(b, c, json_object_get(s, "columns"), "columns");
		catalog_opt_sql(b, s, "where", " WHERE %s");
		str_append_char(&b->sql, ';');
		catalog_mark(b, 0, concurrently ? STMT_CREATE_INDEX_CONCURRENTLY : STMT_CREATE_INDEX, str_cstr(&ref),
			     concurrently ? NULL : "concurrently");
		str_free(&ref);
	} else if (strcmp(k, "view") == 0 || strcmp(k, "materialized_view") == 0) {
		const char *schema = catalog_need(b, s, "schema"), *name = catalog_need(b, s, "name"),
			   *def = catalog_need(b, s, "definition");
		if (!schema || !name || !def)
			return;
		bool mat = strcmp(k, "materialized_view") == 0;
		str_appendf(&b->sql, "CREATE %sVIEW ", mat ? "MATERIALIZED " : "");
		catalog_qualified(c, &b->sql, schema, name);
		str_appendf(&b->sql, " AS\n%s", def);
		while (b->sql.len && (b->sql.buf[b->sql.len - 1] == ';' || b->sql.buf[b->sql.len - 1] == '\n' ||
				      b->sql.buf[b->sql.len - 1] == ' '))
			b->sql.buf[--b->sql.len] = '\0';
		str_append_char(&b->sql, ';');
		catalog_mark(b, 0, STMT_CREATE, NULL, NULL);
		comment_owner(b, c, mat ? "MATERIALIZED VIEW" : "VIEW", schema, name);
	} else if (strcmp(k, "sequence") == 0) {
		const char *schema = catalog_need(b, s, "schema"), *name = catalog_need(b, s, "name");
		if (!schema || !name)
			return;
		str_append_cstr(&b->sql, "CREATE SEQUENCE ");
		catalog_qualified(c, &b->sql, schema, name);
		static const char *const opts[][2] = {{"increment", "INCREMENT BY"},
						      {"start", "START WITH"},
						      {"minimum", "MINVALUE"},
						      {"maximum", "MAXVALUE"},
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
		if (catalog_flag(s, "cycle"))
			str_append_cstr(&b->sql, " CYCLE");
		str_append_char(&b->sql, ';');
		catalog_mark(b, 0, STMT_CREATE, NULL, NULL);
		comment_owner(b, c, "SEQUENCE", schema, name);
	} else if (strcmp(k, "extension") == 0) {
		const char *name = catalog_need(b, s, "name");
		if (!name)
			return;
		str_append_cstr(&b->sql, "CREATE EXTENSION ");
		catalog_ident(c, &b->sql, name);
		catalog_opt_ident(b, c, s, "schema", " WITH SCHEMA ");
		if (catalog_text(s, "version")) {
			str_append_cstr(&b->sql, " VERSION ");
			catalog_literal(c, &b->sql, catalog_text(s, "version"));
		}
		str_append_char(&b->sql, ';');
	} else if (strcmp(k, "database") == 0) {
		const char *name = catalog_need(b, s, "name");
		if (!name)
			return;
		b->in_transaction = false; /* CREATE DATABASE cannot run inside a transaction block */
		str_append_cstr(&b->sql, "CREATE DATABASE ");
		catalog_ident(c, &b->sql, name);
		static const char *const opts[][2] = {
		    {"owner", "OWNER"}, {"template", "TEMPLATE"}, {"tablespace", "TABLESPACE"}};
		for (size_t i = 0; i < 3; i++)
			if (catalog_text(s, opts[i][0])) {
				str_appendf(&b->sql, " %s ", opts[i][1]);
				catalog_ident(c, &b->sql, catalog_text(s, opts[i][0]));
			}
		if (catalog_text(s, "encoding")) {
			str_append_cstr(&b->sql, " ENCODING ");
			catalog_literal(c, &b->sql, catalog_text(s, "encoding"));
		}
		str_append_char(&b->sql, ';');
	} else if (strcmp(k, "table") == 0) {
		create_table(b, c);
	} else if (!catalog_create_code(b, c)) {
		catalog_why(b, "Tusk cannot create a %s from a dialog", k);
	}
}

void catalog_execute(struct build *b, PGconn *c)
{
	if (b->why[0] || b->preview)
		return;
	if (b->nalone) {
		catalog_execute_parts(b, c);
		return;
	}
	b->failed = !catalog_run(c, str_cstr(b->run_sql.len ? &b->run_sql : &b->sql), b->in_transaction, &b->pe);
}

void catalog_why_err(struct build *b, const tusk_err *err)
{
	if (b->why[0])
		return;
	snprintf(b->why, sizeof(b->why), "%.*s", (int)sizeof(b->why) - 1, err->msg);
	b->why_code = err->code;
}

/* ---- annotations: each statement with its kind, as it is written ---- */

static void mark_in(struct build *b, const str *buf, size_t at, enum catalog_stmt stmt, const char *table,
		    const char *safer_switch, bool later)
{
	size_t end = buf->len;
	while (at < end && strchr(" \t\n", buf->buf[at]))
		at++;
	while (end > at && strchr(" \t\n", buf->buf[end - 1]))
		end--;
	if (at == end)
		return;
	if (b->nnotes == b->capnotes) {
		b->capnotes = b->capnotes ? b->capnotes * 2 : 8;
		b->notes = xrealloc(b->notes, b->capnotes * sizeof(*b->notes));
	}
	b->notes[b->nnotes++] = (struct catalog_annotation){.at = at,
							    .len = end - at,
							    .stmt = stmt,
							    .table = table ? xstrdup(table) : NULL,
							    .edit = b->edit - 1,
							    .safer_switch = safer_switch,
							    .later = later,
							    .size = -1};
}

void catalog_mark(struct build *b, size_t at, enum catalog_stmt stmt, const char *table, const char *safer_switch)
{
	mark_in(b, &b->sql, at, stmt, table, safer_switch, false);
}

void catalog_mark_later(struct build *b, const str *later, size_t at, enum catalog_stmt stmt, const char *table,
			const char *safer_switch)
{
	mark_in(b, later, at, stmt, table, safer_switch, true);
}

void catalog_marks_join(struct build *b, size_t base)
{
	for (size_t i = 0; i < b->nnotes; i++)
		if (b->notes[i].later) {
			b->notes[i].at += base;
			b->notes[i].later = false;
			b->notes[i].alone = true;
		}
}

static void notes_free(struct catalog_annotation *notes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(notes[i].table), free(notes[i].schema), free(notes[i].name);
	free(notes);
}

static int by_place(const void *x, const void *y)
{
	const struct catalog_annotation *a = x, *b = y;
	return a->at < b->at ? -1 : a->at > b->at;
}

/* Whether sql[from, to) holds nothing but blanks and -- comments. */
static bool only_comments(const char *sql, size_t from, size_t to)
{
	bool comment = false;
	for (size_t i = from; i < to; i++) {
		if (sql[i] == '\n')
			comment = false;
		else if (!comment && sql[i] == '-' && i + 1 < to && sql[i + 1] == '-')
			comment = true;
		else if (!comment && !strchr(" \t", sql[i]))
			return false;
	}
	return true;
}

/* In the order shown, with what no builder recorded shown too (without a cost). */
static void notes_in_order(struct build *b)
{
	if (b->nnotes)
		qsort(b->notes, b->nnotes, sizeof(*b->notes), by_place);
	size_t n = b->nnotes, from = 0;
	for (size_t i = 0; i <= n; i++) {
		size_t to = i < n ? b->notes[i].at : b->sql.len;
		if (to > from && !only_comments(b->sql.buf, from, to)) {
			str gap = {.buf = b->sql.buf, .len = to};
			int edit = b->edit;
			b->edit = 0;
			mark_in(b, &gap, from, STMT_OTHER, NULL, NULL, false);
			b->edit = edit;
		}
		if (i < n)
			from = b->notes[i].at + b->notes[i].len;
	}
	if (b->nnotes)
		qsort(b->notes, b->nnotes, sizeof(*b->notes), by_place);
}

/* changes.lock_timeout (true: the safer way's 5s, or a duration): SET LOCAL lock_timeout before the rest. */
static void lock_timeout(struct build *b, PGconn *c)
{
	json_t *v = json_object_get(b->spec, "lock_timeout");
	if (!v || json_is_null(v) || json_is_false(v))
		return;
	if (!json_is_true(v) && !(json_is_string(v) && *json_string_value(v))) {
		catalog_why(b, "'lock_timeout' is true (%s) or a duration such as '2s'", CATALOG_LOCK_TIMEOUT);
		return;
	}
	if (!b->in_transaction || (b->nalone && !b->tx_len)) {
		catalog_why(b, "'lock_timeout' applies to statements in a transaction block: this runs on its own");
		return;
	}
	str pre = STR_INIT;
	str_append_cstr(&pre, "SET LOCAL lock_timeout = ");
	catalog_literal(c, &pre, json_is_true(v) ? CATALOG_LOCK_TIMEOUT : json_string_value(v));
	str_append_cstr(&pre, ";\n");
	size_t shift = pre.len;
	str_append(&pre, b->sql.buf, b->sql.len);
	str_free(&b->sql);
	b->sql = pre;
	for (size_t i = 0; i < b->nnotes; i++)
		b->notes[i].at += shift;
	for (int i = 0; i < b->nalone; i++)
		b->alone[i].at += shift;
	if (b->tx_len)
		b->tx_len += shift;
	int edit = b->edit;
	b->edit = 0;
	str head = {.buf = b->sql.buf, .len = shift};
	mark_in(b, &head, 0, STMT_LOCK_TIMEOUT, NULL, NULL, false);
	b->edit = edit;
	qsort(b->notes, b->nnotes, sizeof(*b->notes), by_place);
	for (size_t i = 0; i < b->nnotes; i++)
		b->notes[i].covered = !b->notes[i].alone;
}

/* The live size of each table a statement locks, as pg_class has it (a table not there yet has none). */
static void table_sizes(struct build *b, PGconn *c)
{
	for (size_t i = 0; i < b->nnotes; i++) {
		struct catalog_annotation *n = &b->notes[i];
		if (!n->table)
			continue;
		for (size_t k = 0; k < i && !n->schema; k++)
			if (b->notes[k].table && strcmp(b->notes[k].table, n->table) == 0 && b->notes[k].schema) {
				n->schema = xstrdup(b->notes[k].schema), n->name = xstrdup(b->notes[k].name);
				n->size = b->notes[k].size;
			}
		if (n->schema)
			continue;
		const char *params[1] = {n->table};
		PGresult *r = PQexecParams(c,
					   "SELECT n.nspname, c.relname, pg_catalog.pg_total_relation_size(c.oid) "
					   "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
					   "c.relnamespace WHERE c.oid = pg_catalog.to_regclass($1)",
					   1, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
			n->schema = xstrdup(PQgetvalue(r, 0, 0));
			n->name = xstrdup(PQgetvalue(r, 0, 1));
			n->size = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
		}
		PQclear(r);
	}
}

/* The statements in order, the lock_timeout preamble, which run alone, the switches the preview offers. */
static void annotate(struct build *b, PGconn *c)
{
	if (b->why[0])
		return;
	notes_in_order(b);
	for (size_t i = 0; i < b->nnotes; i++)
		b->notes[i].alone = b->notes[i].alone || !b->in_transaction;
	lock_timeout(b, c);
	for (size_t i = 0; i < b->nnotes; i++) {
		struct catalog_annotation *n = &b->notes[i];
		const catalog_lock_info *l = catalog_lock_of(n->stmt);
		if (!n->safer_switch && !n->alone && !n->covered && l->mode && catalog_lock_safer_is_timeout(l))
			n->safer_switch = "lock_timeout";
		if (n->alone && n->safer_switch && strcmp(n->safer_switch, "lock_timeout") == 0)
			n->safer_switch = NULL;
	}
	if (b->preview)
		table_sizes(b, c);
}

void catalog_change_annotations(json_writer *w, const catalog_change *c)
{
	jw_key(w, "annotations");
	jw_arr_begin(w);
	for (size_t i = 0; i < c->nnotes; i++) {
		const struct catalog_annotation *n = &c->notes[i];
		const catalog_lock_info *l = catalog_lock_of(n->stmt);
		bool covered = n->covered && catalog_lock_safer_is_timeout(l);
		jw_obj_begin(w);
		jw_key(w, "sql");
		jw_strn(w, c->sql.buf + n->at, n->len);
		jw_kv_str(w, "lock", l->mode);
		jw_kv_str(w, "pg_lock", l->lock);
		jw_kv_str(w, "effect", catalog_effect_name(l->effect));
		jw_kv_str(w, "note", l->note);
		jw_kv_str(w, "safer", l->mode && !covered ? l->safer : NULL);
		jw_kv_str(w, "switch", covered ? NULL : n->safer_switch);
		jw_kv_bool(w, "alone", n->alone);
		if (n->edit >= 0)
			jw_kv_int(w, "edit", n->edit);
		else {
			jw_key(w, "edit");
			jw_null(w);
		}
		jw_key(w, "table");
		if (n->schema)
			jw_object(w, "sso", "schema", n->schema, "name", n->name, "size", (int64_t)n->size);
		else
			jw_null(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* Builds with this connection's quoting, then runs unless previewing. */
static bool build_and_run(void *ctx, PGconn *c, tusk_err *err)
{
	struct build *b = ctx;
	(void)err;
	if (!b->alter) {
		/* PostgreSQL would cut a long name without an error: say so before anything is made */
		tusk_err why = {0};
		const char *name = catalog_text(b->spec, "name");
		if (name && !catalog_name_fits(c, name, &why))
			catalog_why_err(b, &why);
		else
			create_other(b, c);
	}
	annotate(b, c);
	catalog_execute(b, c);
	return true;
}

bool catalog_finish(struct build *b, catalog_change *out, tusk_err *err)
{
	bool ok = !b->why[0];
	if (!ok)
		err_set(err, b->why_code ? b->why_code : ERR_INVALID_SPEC, "%s", b->why);
	str_free(&out->sql);
	out->sql = b->sql;
	out->transaction = b->in_transaction;
	out->steps = b->steps;
	out->failed = b->failed;
	out->pe = b->pe;
	memcpy(out->alone, b->alone, sizeof(out->alone));
	out->nalone = b->nalone;
	out->tx_len = b->tx_len;
	notes_free(out->notes, out->nnotes);
	out->notes = ok ? b->notes : NULL;
	out->nnotes = ok ? b->nnotes : 0;
	if (!ok)
		notes_free(b->notes, b->nnotes);
	b->notes = NULL;
	b->nnotes = b->capnotes = 0;
	b->sql = (str)STR_INIT;
	if (b->run_sql.buf)
		memset(b->run_sql.buf, 0, b->run_sql.len); /* it may hold a secret */
	str_free(&b->run_sql);
	return ok;
}

void catalog_change_free(catalog_change *c)
{
	str_free(&c->sql);
	notes_free(c->notes, c->nnotes);
	c->notes = NULL;
	c->nnotes = 0;
}

bool catalog_create(const pgpool_ref *pg, const char *database, const char *kind, json_t *spec, catalog_change *out,
		    tusk_err *err)
{
	struct build b = {.spec = spec,
			  .kind = kind,
			  .preview = out->preview,
			  .in_transaction = true,
			  .version = pgpool_server_version(pg)};
	/* a database is created from the maintenance database */
	const char *on = strcmp(kind, "database") == 0 ? NULL : database;
	bool ok = pgpool_with_conn(pg, on, build_and_run, &b, err);
	return catalog_finish(&b, out, err) && ok;
}

/* ---- alter: rename, owner, schema, comment of any object in the tree ---- */

struct alter {
	struct build b;
	catalog_object o; /* as PostgreSQL addresses it */
};

/* What an alter's comment, owner, rename or move locks: the table (quoted, into t) and the kind of statement. */
enum alter_part { PART_COMMENT, PART_OWNER, PART_RENAME, PART_SCHEMA };

static enum catalog_stmt alter_kind(const struct alter *a, enum alter_part part, const char *ref, const char *on,
				    str *t)
{
	static const char *const relations[] = {"table",	 "view",     "materialized view",
						"foreign table", "sequence", NULL};
	const char *type = a->o.type;
	bool relation = false, index = strcmp(type, "index") == 0;
	for (size_t i = 0; relations[i]; i++)
		relation = relation || strcmp(type, relations[i]) == 0;
	bool part_of = (strcmp(type, "table column") == 0 || strcmp(type, "table constraint") == 0) &&
		       a->o.nnames == 3 && a->o.names[0].quoted && a->o.names[1].quoted;
	bool on_table = strcmp(type, "trigger") == 0 || strcmp(type, "policy") == 0;
	if (relation || index)
		str_append_cstr(t, ref);
	else if (part_of)
		str_appendf(t, "%s.%s", a->o.names[0].quoted, a->o.names[1].quoted);
	else if (on_table && on && *on)
		str_append_cstr(t, on);
	else
		return STMT_OTHER;
	switch (part) {
	case PART_COMMENT:
		return STMT_COMMENT_TABLE;
	case PART_OWNER:
		return relation ? STMT_OWNER_TABLE : STMT_OTHER;
	case PART_RENAME:
		return index ? STMT_RENAME_INDEX : STMT_RENAME;
	case PART_SCHEMA:
		return relation ? STMT_SET_SCHEMA : STMT_OTHER;
	}
	return STMT_OTHER;
}

/* One statement of the alter from catalog/, on a line of its own, annotated; false (why recorded) when it has none. */
static bool alter_step(struct alter *a, size_t at, enum alter_part part, const char *ref, const char *on, bool ok,
		       const tusk_err *why)
{
	struct build *b = &a->b;
	if (!ok) {
		catalog_why_err(b, why);
		return false;
	}
	str t = STR_INIT;
	enum catalog_stmt kind = alter_kind(a, part, ref, on, &t);
	catalog_mark(b, at, kind, kind == STMT_OTHER ? NULL : str_cstr(&t), NULL);
	str_free(&t);
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
	const char *name = catalog_text(s, "name"), *owner = catalog_text(s, "owner"),
		   *schema = catalog_text(s, "schema");
	json_t *comment = json_object_get(s, "comment");
	if (comment && !json_is_string(comment) && !json_is_null(comment)) {
		catalog_why(b, "'comment' is text or null");
		return true;
	}
	tusk_err why = {0};
	str ref = STR_INIT, on = STR_INIT;
	bool ok = catalog_object_ref(&a->o, &ref, &on, &why);
	if (!ok)
		catalog_why_err(b, &why);
	const char *r = str_cstr(&ref), *o = str_cstr(&on);
	if (ok && comment) {
		const char *text =
		    json_is_string(comment) && *json_string_value(comment) ? json_string_value(comment) : NULL;
		size_t at = b->sql.len;
		ok = alter_step(a, at, PART_COMMENT, r, o, catalog_sql_comment(c, &a->o, text, &b->sql, &why), &why);
	}
	size_t at = b->sql.len;
	if (ok && owner)
		ok = alter_step(a, at, PART_OWNER, r, o, catalog_sql_owner(c, &a->o, owner, &b->sql, &why), &why);
	if (ok)
		catalog_alter_code(b, c, a->o.type, r, o);
	if (ok && strcmp(a->o.type, "table") == 0 && a->o.nnames == 2)
		catalog_alter_table_edits(b, c, r, a->o.names[0].quoted);
	else if (ok && json_object_get(s, "edits"))
		catalog_why(b, "'edits' change a table's columns, constraints and indexes: this is a %s", a->o.type);
	at = b->sql.len;
	if (ok && !b->why[0] && name &&
	    !alter_step(a, at, PART_RENAME, r, o, catalog_sql_rename(c, &a->o, name, &b->sql, &why), &why))
		ok = false;
	at = b->sql.len;
	if (ok && !b->why[0] && schema &&
	    !alter_step(a, at, PART_SCHEMA, r, o, catalog_sql_set_schema(c, &a->o, schema, &b->sql, &why), &why))
		ok = false;
	str_free(&ref);
	str_free(&on);
	if (!ok || b->why[0])
		return true;
	if (!b->sql.len) {
		catalog_why(b, "nothing to change: give name, owner, schema, comment or a change this kind has");
		return true;
	}
	b->sql.buf[--b->sql.len] = '\0'; /* the last newline */
	return build_and_run(ctx, c, err);
}

bool catalog_alter(const pgpool_ref *pg, const char *path, json_t *changes, catalog_change *out, tusk_err *err)
{
	pg_error pe;
	struct alter a = {
	    .b = {.spec = changes, .kind = "alter", .alter = true, .preview = out->preview, .in_transaction = true}};
	if (!catalog_object_at(pg, path, &a.o, &pe, err))
		return false;
	bool ok = pgpool_with_conn(pg, a.o.db, build_alter, &a, err);
	catalog_object_free(&a.o);
	return catalog_finish(&a.b, out, err) && ok;
}

/* ---- drop ---- */

/* Runs a statement as it says it must run (in a transaction block or alone); PostgreSQL's error goes to pe. */
struct run {
	const char *sql;
	bool transaction;
	pg_error *pe;
	bool failed;
};

static bool run_statement(void *ctx, PGconn *conn, tusk_err *err)
{
	struct run *t = ctx;
	(void)err;
	t->failed = !catalog_run(conn, t->sql, t->transaction, t->pe);
	return true;
}

/* DROP DATABASE runs on the maintenance database, outside a transaction,
 * once Tusk's own idle connections to the database are closed (every
 * user's: they are Tusk's, not the users'); WITH (FORCE) ends the other
 * sessions too. The maintenance database itself cannot be dropped through
 * the connection that stands on it. */
struct drop_database {
	struct run run;
	const char *name;
	pgpool *pool;
	int64_t server_id;
	tusk_err *why;
};

static bool run_drop_database(void *ctx, PGconn *conn, tusk_err *err)
{
	struct drop_database *d = ctx;
	if (strcmp(PQdb(conn), d->name) == 0) {
		err_set(d->why, ERR_UNAVAILABLE,
			"'%s' is this server's maintenance database, which Tusk stands on to drop databases: change "
			"the server's maintenance database first, then drop it.",
			d->name);
		return true;
	}
	/* only a role that may drop it closes Tusk's connections: anyone else is refused by
	 * PostgreSQL anyway, and must not make other users' connections go first */
	const char *params[1] = {d->name};
	PGresult *may =
	    PQexecParams(conn,
			 "SELECT pg_catalog.pg_has_role(d.datdba, 'MEMBER') OR r.rolsuper FROM "
			 "pg_catalog.pg_database d, pg_catalog.pg_roles r WHERE d.datname = $1 AND r.rolname = "
			 "current_user",
			 1, NULL, params, NULL, NULL, 0);
	bool owner = PQresultStatus(may) == PGRES_TUPLES_OK && PQntuples(may) == 1 && PQgetvalue(may, 0, 0)[0] == 't';
	PQclear(may);
	if (owner)
		pgpool_release_database(d->pool, -1, d->server_id, d->name);
	return run_statement(&d->run, conn, err);
}

static bool drop_database(const pgpool_ref *pg, const catalog_object *o, bool force, catalog_change *out, tusk_err *err)
{
	const char *name = o->nnames == 1 ? o->names[0].raw : NULL;
	if (!name || !o->names[0].quoted) {
		err_set(err, ERR_UNAVAILABLE, "PostgreSQL named this database in a way Tusk does not know.");
		return false;
	}
	if (force && pgpool_server_version(pg) < 130000) {
		err_set(err, ERR_UNAVAILABLE, "DROP DATABASE … WITH (FORCE) needs PostgreSQL 13 or later.");
		return false;
	}
	str_appendf(&out->sql, "DROP DATABASE %s%s;", o->names[0].quoted, force ? " WITH (FORCE)" : "");
	out->transaction = false;
	if (out->preview)
		return true;
	tusk_err why = {0};
	struct drop_database d = {{str_cstr(&out->sql), false, &out->pe, false}, name, pg->pool, pg->server_id, &why};
	bool ok = pgpool_with_conn(pg, NULL, run_drop_database, &d, err);
	if (ok && why.code) {
		*err = why;
		return false;
	}
	out->failed = d.run.failed;
	return ok;
}

static bool sizes_on(void *ctx, PGconn *c, tusk_err *err)
{
	(void)err;
	table_sizes(ctx, c);
	return true;
}

/* A DROP's annotation: the lock on the table it drops, or on the table of the part it drops; its size on a preview. */
static void drop_annotate(const pgpool_ref *pg, const catalog_object *o, catalog_change *out)
{
	static const char *const relations[] = {"table", "view", "materialized view", "foreign table", NULL};
	struct build b = {.preview = out->preview};
	str ref = STR_INIT, on = STR_INIT, t = STR_INIT;
	tusk_err why = {0};
	enum catalog_stmt kind = STMT_DROP;
	if (catalog_object_ref(o, &ref, &on, &why)) {
		for (size_t i = 0; relations[i]; i++)
			if (strcmp(o->type, relations[i]) == 0)
				kind = STMT_DROP_TABLE, str_append_cstr(&t, str_cstr(&ref));
		if (strcmp(o->type, "index") == 0)
			kind = STMT_DROP_INDEX, str_append_cstr(&t, str_cstr(&ref));
		else if (strcmp(o->type, "trigger") == 0 && on.len)
			kind = STMT_DROP_TRIGGER, str_append_cstr(&t, str_cstr(&on));
		else if ((strcmp(o->type, "table column") == 0 || strcmp(o->type, "table constraint") == 0) &&
			 o->nnames == 3 && o->names[0].quoted && o->names[1].quoted) {
			kind = strcmp(o->type, "table column") == 0 ? STMT_DROP_COLUMN : STMT_DROP_CONSTRAINT;
			str_appendf(&t, "%s.%s", o->names[0].quoted, o->names[1].quoted);
		} else if (strcmp(o->type, "policy") == 0 && on.len)
			kind = STMT_POLICY, str_append_cstr(&t, str_cstr(&on));
	}
	mark_in(&b, &out->sql, 0, kind, t.len ? str_cstr(&t) : NULL, NULL, false);
	for (size_t i = 0; i < b.nnotes; i++)
		b.notes[i].alone = !out->transaction;
	tusk_err ignored = {0}; /* without a connection the size is unknown: the preview goes on */
	bool sized = out->preview && t.len && pgpool_with_conn(pg, o->db, sizes_on, &b, &ignored);
	(void)sized;
	notes_free(out->notes, out->nnotes);
	out->notes = b.notes;
	out->nnotes = b.nnotes;
	str_free(&ref), str_free(&on), str_free(&t);
}

bool catalog_drop(const pgpool_ref *pg, const char *path, bool cascade, bool force, catalog_change *out, tusk_err *err)
{
	catalog_object o;
	memset(&out->pe, 0, sizeof(out->pe));
	out->transaction = true;
	if (!catalog_object_at(pg, path, &o, &out->pe, err))
		return false;
	bool ok;
	if (strcmp(o.type, "database") == 0) {
		ok = drop_database(pg, &o, force, out, err);
	} else if (force) {
		err_set(err, ERR_INVALID_FIELD, "'force' applies to databases only.");
		ok = false;
	} else {
		ok = catalog_sql_drop(&o, cascade, &out->sql, &out->transaction, err);
		if (ok)
			drop_annotate(pg, &o, out);
		struct run t = {str_cstr(&out->sql), out->transaction, &out->pe, false};
		if (ok && !out->preview)
			ok = pgpool_with_conn(pg, o.db, run_statement, &t, err);
		out->failed = t.failed;
	}
	catalog_object_free(&o);
	return ok;
}
