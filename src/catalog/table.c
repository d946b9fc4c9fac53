/* A table's or view's own work: count its rows, truncate, vacuum, analyze
 * or refresh it, write a SELECT/INSERT/UPDATE/DELETE template for it; and
 * View/Edit Data: its columns and key, the SELECT that views it, and edits
 * saved in one transaction with a preview of their SQL. Names reach SQL
 * through libpq on the connection that runs them (pg_quote where none is
 * at hand); values as parameters. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/build.h"
#include "pg/quote.h"

/* A relation named by its tree path, resolved to db/schema/name. */
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
	bool counting;
	catalog_change *out;
	char *count;
	size_t count_size;
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
	str *sql = &a->out->sql;
	const char *hole = strstr(a->verb, "%s");
	str_append(sql, a->verb, (size_t)(hole - a->verb));
	str_append(sql, name.buf, name.len);
	str_append_cstr(sql, hole + 2);
	str_append_char(sql, ';');
	str_free(&name);
	if (a->out->preview)
		return true;
	/* VACUUM refuses to run inside a transaction block; the rest runs in one */
	if (a->out->transaction)
		PQclear(PQexec(conn, "BEGIN"));
	PGresult *res = PQexec(conn, str_cstr(sql));
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		a->out->failed = true;
		pg_error_fill(&a->out->pe, res, conn);
	} else if (a->counting) {
		snprintf(a->count, a->count_size, "%s", PQgetvalue(res, 0, 0));
	}
	PQclear(res);
	if (a->out->transaction)
		PQclear(PQexec(conn, a->out->failed ? "ROLLBACK" : "COMMIT"));
	return true;
}

bool catalog_count(const pgpool_ref *pg, const char *path, catalog_change *out, char *count, size_t n, tusk_err *err)
{
	struct relation rel = {0};
	if (!catalog_path_relation(path, &rel.db, &rel.schema, &rel.name, &rel.kind, err))
		return false;
	out->preview = false;
	out->transaction = false;
	struct action a = {.rel = &rel,
			   .verb = "SELECT count(*) FROM %s",
			   .counting = true,
			   .out = out,
			   .count = count,
			   .count_size = n};
	bool ok = pgpool_with_conn(pg, rel.db, run_action, &a, err);
	relation_free(&rel);
	return ok;
}

bool catalog_maintenance(const pgpool_ref *pg, const char *path, const char *action, catalog_change *out, tusk_err *err)
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
	size_t k = 0;
	while (k < sizeof(actions) / sizeof(*actions) && (!action || strcmp(actions[k].action, action) != 0))
		k++;
	if (k == sizeof(actions) / sizeof(*actions)) {
		err_set(err, ERR_INVALID_FIELD,
			"action must be truncate, truncate_cascade, truncate_restart, vacuum, vacuum_full, "
			"vacuum_analyze, analyze or refresh.");
		return false;
	}
	struct relation rel = {0};
	if (!catalog_path_relation(path, &rel.db, &rel.schema, &rel.name, &rel.kind, err))
		return false;
	bool is_matview = strcmp(rel.kind, "materialized_view") == 0;
	bool ok = true;
	if ((actions[k].tables_only && strcmp(rel.kind, "table") != 0) ||
	    (strcmp(actions[k].action, "refresh") == 0 && !is_matview) || strcmp(rel.kind, "view") == 0) {
		err_set(err, ERR_INVALID_FIELD, "'%s' does not apply to a %s.", action, rel.kind);
		ok = false;
	}
	out->transaction = actions[k].in_transaction;
	out->steps = true; /* one command: the answer names no transaction */
	struct action a = {.rel = &rel, .verb = actions[k].verb, .out = out};
	ok = ok && pgpool_with_conn(pg, rel.db, run_action, &a, err);
	relation_free(&rel);
	return ok;
}

/* ---- scripts ---- */

struct script {
	const struct relation *rel;
	const char *kind;
	str *out;
	bool missing;
};

/* The statement of the script's kind over the relation's columns; key
 * marks the primary key's columns (the WHERE clause: the key, or every
 * column of a table without one). */
static void write_script(struct script *s, const char *name, char **cols, PGresult *res, int n)
{
	str *o = s->out;
	bool has_pk = false;
	for (int i = 0; i < n; i++)
		has_pk = has_pk || !PQgetisnull(res, i, 2);
	str where = STR_INIT;
	for (int i = 0, k = 0; i < n; i++)
		if (!has_pk || !PQgetisnull(res, i, 2))
			str_appendf(&where, "%s%s = <%s>", k++ ? " AND " : "", cols[i], PQgetvalue(res, i, 1));
	if (strcmp(s->kind, "select") == 0) {
		str_append_cstr(o, "SELECT ");
		for (int i = 0; i < n; i++)
			str_appendf(o, "%s%s", i ? ", " : "", cols[i]);
		str_appendf(o, "\n\tFROM %s;\n", name);
	} else if (strcmp(s->kind, "insert") == 0) {
		str_appendf(o, "INSERT INTO %s (", name);
		for (int i = 0; i < n; i++)
			str_appendf(o, "%s%s", i ? ", " : "", cols[i]);
		str_append_cstr(o, ")\n\tVALUES (");
		for (int i = 0; i < n; i++)
			str_appendf(o, "%s<%s>", i ? ", " : "", PQgetvalue(res, i, 1));
		str_append_cstr(o, ");\n");
	} else if (strcmp(s->kind, "update") == 0) {
		str_appendf(o, "UPDATE %s\n\tSET ", name);
		for (int i = 0, k = 0; i < n; i++)
			if (PQgetisnull(res, i, 2))
				str_appendf(o, "%s%s = <%s>", k++ ? ", " : "", cols[i], PQgetvalue(res, i, 1));
		str_appendf(o, "\n\tWHERE %s;\n", str_cstr(&where));
	} else {
		str_appendf(o, "DELETE FROM %s\n\tWHERE %s;\n", name, str_cstr(&where));
	}
	str_free(&where);
}

static bool read_script(void *ctx, PGconn *conn, tusk_err *err)
{
	struct script *s = ctx;
	const char *params[2] = {s->rel->schema, s->rel->name};
	PGresult *res =
	    PQexecParams(conn,
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
	char **cols = xcalloc((size_t)n + 1, sizeof(char *));
	for (int i = 0; i < n; i++)
		cols[i] = PQescapeIdentifier(conn, PQgetvalue(res, i, 0), strlen(PQgetvalue(res, i, 0)));
	write_script(s, str_cstr(&name), cols, res, n);
	for (int i = 0; i < n; i++)
		PQfreemem(cols[i]);
	free(cols);
	str_free(&name);
	s->missing = n == 0;
	PQclear(res);
	return true;
}

bool catalog_script(const pgpool_ref *pg, const char *path, const char *kind, str *out, tusk_err *err)
{
	if (!kind ||
	    (strcmp(kind, "select") && strcmp(kind, "insert") && strcmp(kind, "update") && strcmp(kind, "delete"))) {
		err_set(err, ERR_INVALID_QUERY, "kind must be select, insert, update or delete.");
		return false;
	}
	struct relation rel = {0};
	if (!catalog_path_relation(path, &rel.db, &rel.schema, &rel.name, &rel.kind, err))
		return false;
	struct script s = {.rel = &rel, .kind = kind, .out = out};
	bool ok = pgpool_with_conn(pg, rel.db, read_script, &s, err);
	if (ok && s.missing) {
		err_set(err, ERR_NOT_FOUND, "There is no table or view %s.%s.", rel.schema, rel.name);
		ok = false;
	}
	relation_free(&rel);
	return ok;
}

/* ---- View/Edit Data: the table ---- */

void catalog_table_free(catalog_table *t)
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

static void read_column(PGresult *res, int i, catalog_table *t)
{
	catalog_table_column *c = &t->cols[i];
	c->name = xstrdup(PQgetvalue(res, i, 0));
	c->type = xstrdup(PQgetvalue(res, i, 1));
	c->not_null = PQgetvalue(res, i, 2)[0] == 't';
	c->def = PQgetisnull(res, i, 3) ? NULL : xstrdup(PQgetvalue(res, i, 3));
	c->pk = !PQgetisnull(res, i, 4);
	c->identity = PQgetvalue(res, i, 5)[0] == 't';
	c->generated = PQgetvalue(res, i, 6)[0] == 't';
	if (c->pk) {
		int pos = atoi(PQgetvalue(res, i, 4));
		if (pos >= 1 && pos <= t->ncols)
			t->pk[pos - 1] = c->name;
		t->npk++;
	}
}

bool catalog_table_load(const pgpool_ref *pg, const char *db, const char *schema, const char *name, catalog_table *t,
			tusk_err *err)
{
	memset(t, 0, sizeof(*t));
	const char *params[2] = {schema, name};
	pg_error pe;
	PGresult *res = pgpool_query(pg, db, table_sql, 2, params, &pe, err);
	if (!res)
		return false;
	int n = PQntuples(res);
	if (n == 0) {
		PQclear(res);
		err_set(err, ERR_NOT_FOUND, "There is no table or view %s.%s in %s.", schema, name, db);
		return false;
	}
	t->cols = xcalloc((size_t)n, sizeof(*t->cols));
	t->pk = xcalloc((size_t)n, sizeof(char *));
	t->ncols = n;
	t->kind = PQgetvalue(res, 0, 7)[0];
	for (int i = 0; i < n; i++)
		read_column(res, i, t);
	PQclear(res);
	return true;
}

static const catalog_table_column *find_column(const catalog_table *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return &t->cols[i];
	return NULL;
}

static void qualified_name(str *out, const char *schema, const char *table)
{
	pg_quote_ident(out, schema);
	str_append_char(out, '.');
	pg_quote_ident(out, table);
}

bool catalog_view_sql(const char *schema, const char *table, const char *filter, json_t *order, int64_t limit, str *out,
		      tusk_err *err)
{
	str_append_cstr(out, "SELECT * FROM ");
	qualified_name(out, schema, table);
	if (filter && *filter)
		/* the user's own WHERE clause: they could run any SQL in this tab anyway */
		str_appendf(out, "\nWHERE %s", filter);
	size_t i;
	json_t *o;
	json_array_foreach(order, i, o)
	{
		const char *col = json_string_value(json_object_get(o, "column"));
		if (!col) {
			err_set(err, ERR_INVALID_FIELD, "Each order_by item needs a column.");
			return false;
		}
		str_append_cstr(out, i ? ", " : "\nORDER BY ");
		pg_quote_ident(out, col);
		if (json_is_true(json_object_get(o, "desc")))
			str_append_cstr(out, " DESC");
	}
	if (limit > 0)
		str_appendf(out, "\nLIMIT %lld", (long long)limit);
	return true;
}

/* ---- editing ---- */

struct stmt {
	str sql;
	char **params;
	int nparams;
	bool must_hit_one; /* update/delete: exactly one row, else a conflict */
};

struct edits {
	catalog_table *t;
	const char *schema, *table;
	struct stmt *stmts;
	int n;
	catalog_edits *out;
};

static void add_param(struct stmt *st, json_t *v)
{
	st->params = xrealloc(st->params, (size_t)(st->nparams + 1) * sizeof(char *));
	st->params[st->nparams++] = json_is_null(v) ? NULL : pg_json_text(v);
	str_appendf(&st->sql, "$%d", st->nparams);
}

/* Why a change cannot be made into a statement, or NULL. */
static const char *check_change(const catalog_table *t, json_t *ch, const char **op)
{
	*op = json_string_value(json_object_get(ch, "op"));
	json_t *values = json_object_get(ch, "values"), *key = json_object_get(ch, "key");
	bool is_insert = *op && strcmp(*op, "insert") == 0, is_update = *op && strcmp(*op, "update") == 0,
	     is_delete = *op && strcmp(*op, "delete") == 0;
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
		const catalog_table_column *c = find_column(t, col);
		if (!c)
			return "values name a column the table does not have";
		if (c->generated)
			return "a generated column cannot be set";
		if (!json_is_null(v) && !json_is_string(v) && !json_is_number(v) && !json_is_boolean(v))
			return "values must be text, numbers, booleans or null";
	}
	if (is_insert)
		return NULL;
	if (!json_is_object(key) || (int)json_object_size(key) != t->npk)
		return "key must give every primary key column";
	for (int k = 0; k < t->npk; k++) {
		json_t *kv = json_object_get(key, t->pk[k]);
		if (!kv || json_is_null(kv) || (!json_is_string(kv) && !json_is_number(kv)))
			return "key must give every primary key column a value";
	}
	return NULL;
}

/* The values' columns, comma-separated: each name (is NULL: the names
 * alone), then "is" and a parameter (is "": the parameters alone). */
static void add_columns(struct stmt *st, json_t *values, const char *is)
{
	const char *col;
	json_t *v;
	int k = 0;
	json_object_foreach(values, col, v)
	{
		str_append_cstr(&st->sql, k++ ? ", " : "");
		if (!is || *is)
			pg_quote_ident(&st->sql, col);
		if (is) {
			str_append_cstr(&st->sql, is);
			add_param(st, v);
		}
	}
}

static void build_insert(struct edits *e, json_t *values, struct stmt *st)
{
	str *s = &st->sql;
	str_append_cstr(s, "INSERT INTO ");
	qualified_name(s, e->schema, e->table);
	if (json_object_size(values) == 0) {
		str_append_cstr(s, " DEFAULT VALUES");
		return;
	}
	str_append_cstr(s, " (");
	add_columns(st, values, NULL);
	str_append_cstr(s, ") VALUES (");
	add_columns(st, values, "");
	str_append_char(s, ')');
}

static void build_keyed(struct edits *e, bool update, json_t *values, json_t *key, struct stmt *st)
{
	str *s = &st->sql;
	str_append_cstr(s, update ? "UPDATE " : "DELETE FROM ");
	qualified_name(s, e->schema, e->table);
	if (update) {
		str_append_cstr(s, " SET ");
		add_columns(st, values, " = ");
	}
	str_append_cstr(s, " WHERE ");
	for (int k = 0; k < e->t->npk; k++) {
		str_append_cstr(s, k ? " AND " : "");
		pg_quote_ident(s, e->t->pk[k]);
		str_append_cstr(s, " = ");
		add_param(st, json_object_get(key, e->t->pk[k]));
	}
	st->must_hit_one = true;
}

/* Builds the statement for one change; returns a reason on a bad change. */
static const char *build_change(struct edits *e, json_t *ch, struct stmt *st)
{
	const char *op;
	const char *why = check_change(e->t, ch, &op);
	if (why)
		return why;
	json_t *values = json_object_get(ch, "values");
	if (strcmp(op, "insert") == 0)
		build_insert(e, values, st);
	else
		build_keyed(e, strcmp(op, "update") == 0, values, json_object_get(ch, "key"), st);
	if (strcmp(op, "delete") != 0)
		str_append_cstr(&st->sql, " RETURNING *");
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

static void change_failed(catalog_edits *out, int i, const char *sqlstate, const char *message, const char *detail,
			  const char *hint)
{
	json_array_append_new(out->details, json_pack("{s:i, s:s?, s:s, s:s?, s:s?}", "change", i, "sqlstate", sqlstate,
						      "message", message, "detail", detail, "hint", hint));
}

/* Runs one change; false (the reason in details) when it failed or hit no row. */
static bool apply_one(struct edits *e, PGconn *conn, int i)
{
	const struct stmt *st = &e->stmts[i];
	PGresult *r = PQexecParams(conn, str_cstr((str *)&st->sql), st->nparams, NULL, (const char *const *)st->params,
				   NULL, NULL, 0);
	ExecStatusType status = PQresultStatus(r);
	bool ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
	if (!ok) {
		const char *primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
		change_failed(e->out, i, PQresultErrorField(r, PG_DIAG_SQLSTATE),
			      primary ? primary : PQerrorMessage(conn), PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL),
			      PQresultErrorField(r, PG_DIAG_MESSAGE_HINT));
	} else if (st->must_hit_one && strcmp(PQcmdTuples(r), "1") != 0) {
		change_failed(e->out, i, NULL,
			      "The row was not found: someone changed its key or deleted it since it was loaded.", NULL,
			      "Reload the data and make the change again.");
		ok = false;
	} else {
		json_t *rows = json_array();
		for (int row = 0; row < PQntuples(r); row++) {
			json_t *vals = json_array();
			for (int c = 0; c < PQnfields(r); c++)
				json_array_append_new(
				    vals, PQgetisnull(r, row, c) ? json_null() : json_string(PQgetvalue(r, row, c)));
			json_array_append_new(rows, vals);
		}
		json_array_append_new(e->out->rows, rows);
	}
	PQclear(r);
	return ok;
}

static bool apply_edits(void *ctx, PGconn *conn, tusk_err *err)
{
	(void)err; /* failures are reported per change, not as a connection error */
	struct edits *e = ctx;
	str *preview = &e->out->sql;
	str_append_cstr(preview, "BEGIN;\n");
	for (int i = 0; i < e->n; i++)
		render(conn, &e->stmts[i], preview);
	str_append_cstr(preview, "COMMIT;\n");
	if (e->out->preview)
		return true;
	PGresult *r = PQexec(conn, "BEGIN");
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	for (int i = 0; ok && i < e->n; i++)
		ok = apply_one(e, conn, i);
	r = PQexec(conn, ok ? "COMMIT" : "ROLLBACK");
	if (PQresultStatus(r) != PGRES_COMMAND_OK && ok)
		change_failed(e->out, e->n, PQresultErrorField(r, PG_DIAG_SQLSTATE), PQresultErrorMessage(r), NULL,
			      NULL);
	PQclear(r);
	return true;
}

static void edits_free(struct edits *e)
{
	for (int i = 0; i < e->n; i++) {
		str_free(&e->stmts[i].sql);
		for (int k = 0; k < e->stmts[i].nparams; k++)
			free(e->stmts[i].params[k]);
		free(e->stmts[i].params);
	}
	free(e->stmts);
}

bool catalog_edit(const pgpool_ref *pg, const char *db, const char *schema, const char *table, json_t *changes,
		  catalog_edits *out, tusk_err *err)
{
	out->details = json_array();
	out->rows = json_array();
	catalog_table t;
	if (!catalog_table_load(pg, db, schema, table, &t, err))
		return false;
	if (t.npk == 0 || (t.kind != 'r' && t.kind != 'p')) {
		err_set(
		    err, ERR_NO_PRIMARY_KEY,
		    "%s.%s has no primary key (or is not a table): Tusk edits rows only by their primary key. View its "
		    "data, or add a primary key.",
		    schema, table);
		catalog_table_free(&t);
		return false;
	}
	struct edits e = {.t = &t, .schema = schema, .table = table, .out = out};
	e.n = (int)json_array_size(changes);
	e.stmts = xcalloc((size_t)e.n, sizeof(*e.stmts));
	for (int i = 0; i < e.n; i++) {
		const char *why = build_change(&e, json_array_get(changes, (size_t)i), &e.stmts[i]);
		if (why)
			change_failed(out, i, NULL, why, NULL, NULL);
	}
	out->invalid = json_array_size(out->details) > 0;
	bool ok = out->invalid || pgpool_with_conn(pg, db, apply_edits, &e, err);
	out->failed = !out->invalid && json_array_size(out->details) > 0;
	out->applied = out->preview || out->invalid || out->failed ? 0 : e.n;
	edits_free(&e);
	catalog_table_free(&t);
	return ok;
}

void catalog_edits_free(catalog_edits *e)
{
	json_decref(e->details);
	json_decref(e->rows);
	str_free(&e->sql);
}
