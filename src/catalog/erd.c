/* Schema diagrams: the tables of one or more schemas (or a chosen set of
 * them) with their columns, keys and the foreign keys between them, for the
 * ERD tab to lay out. Three catalog queries on one pooled connection: what
 * was asked for but is missing, the columns, the key constraints. The lists
 * the client sends reach SQL as one JSON parameter each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/build.h"

enum { ERD_MAX_RELATIONS = 5000 /* relations in one answer */ };

/* The relations shown: tables, partitioned tables, views, materialized views
 * and foreign tables of the schemas in $1; only those named in $2 when it is
 * not null (then partitions too, when named), else no partitions. */
#define ERD_REL_CTE                                                                                                    \
	"WITH rel AS (SELECT c.oid, n.nspname, c.relname, c.relkind, c.reltuples "                                     \
	"FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "                         \
	"WHERE n.nspname IN (SELECT pg_catalog.json_array_elements_text($1::pg_catalog.json)) "                        \
	"AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "                                                                  \
	"AND CASE WHEN $2::pg_catalog.json IS NULL THEN NOT c.relispartition "                                         \
	"ELSE c.relname IN (SELECT pg_catalog.json_array_elements_text($2::pg_catalog.json)) END) "

/* Asked for but missing, and how many relations there are. */
static const char missing_sql[] = ERD_REL_CTE
    "SELECT 'schema', s.name FROM pg_catalog.json_array_elements_text($1::pg_catalog.json) AS s(name) "
    "WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = s.name) "
    "UNION ALL SELECT 'table', t.name FROM pg_catalog.json_array_elements_text($2::pg_catalog.json) AS t(name) "
    "WHERE NOT EXISTS (SELECT FROM rel WHERE relname = t.name) "
    "UNION ALL SELECT 'count', pg_catalog.count(*)::text FROM rel";

/* One row per column (one with null columns for a relation without any),
 * in the relations' order. The unique flag: a one-column unique index other
 * than the primary key, without a predicate. */
static const char columns_sql[] = ERD_REL_CTE
    "SELECT r.nspname, r.relname, r.relkind, td.description, "
    "CASE WHEN r.relkind IN ('r', 'p', 'm') AND r.reltuples >= 0 THEN r.reltuples::bigint END, "
    "a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, "
    "pg_catalog.pg_get_expr(d.adbin, d.adrelid), pg_catalog.array_position(pk.conkey, a.attnum), "
    "EXISTS (SELECT FROM pg_catalog.pg_index i WHERE i.indrelid = r.oid AND i.indisunique AND NOT i.indisprimary "
    "AND i.indnatts = 1 AND i.indkey[0] = a.attnum AND i.indpred IS NULL), "
    "a.attidentity, a.attgenerated, cd.description "
    "FROM rel r LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped "
    "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
    "LEFT JOIN pg_catalog.pg_constraint pk ON pk.conrelid = r.oid AND pk.contype = 'p' "
    /* comments joined, not through obj_description(): a function call per row costs more than the rest */
    "LEFT JOIN pg_catalog.pg_description td ON td.objoid = r.oid "
    "AND td.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND td.objsubid = 0 "
    "LEFT JOIN pg_catalog.pg_description cd ON cd.objoid = r.oid "
    "AND cd.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND cd.objsubid = a.attnum "
    "ORDER BY r.nspname COLLATE \"C\", r.relname COLLATE \"C\", a.attnum";
enum {
	C_SCHEMA,
	C_TABLE,
	C_KIND,
	C_COMMENT,
	C_ROWS,
	C_NAME,
	C_TYPE,
	C_NOTNULL,
	C_DEFAULT,
	C_PK,
	C_UNIQUE,
	C_IDENTITY,
	C_GENERATED,
	C_COLCOMMENT
};

/* Primary keys and unique constraints of the relations, and the foreign
 * keys that start or end at one of them: one row per column pair, by
 * constraining table, kind, name. Constraints a partition inherited
 * (conparentid) are its parent's. */
static const char keys_sql[] = ERD_REL_CTE
    "SELECT con.oid, con.contype, con.conname, sn.nspname, sc.relname, rn.nspname, rc.relname, con.confupdtype, "
    "con.confdeltype, con.confmatchtype, con.condeferrable, con.condeferred, con.convalidated, "
    "con.conrelid IN (SELECT oid FROM rel) AND (con.contype <> 'f' OR con.confrelid IN (SELECT oid FROM rel)), "
    "sa.attname, ra.attname "
    "FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class sc ON sc.oid = con.conrelid "
    "JOIN pg_catalog.pg_namespace sn ON sn.oid = sc.relnamespace "
    "LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid "
    "LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace "
    "CROSS JOIN LATERAL ROWS FROM (pg_catalog.unnest(con.conkey), pg_catalog.unnest(con.confkey)) "
    "WITH ORDINALITY AS k(src, dst, i) "
    "JOIN pg_catalog.pg_attribute sa ON sa.attrelid = con.conrelid AND sa.attnum = k.src "
    "LEFT JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.dst "
    "WHERE con.conparentid = 0 AND con.contype IN ('p', 'u', 'f') AND (con.conrelid IN (SELECT oid FROM rel) "
    "OR (con.contype = 'f' AND con.confrelid IN (SELECT oid FROM rel))) "
    "ORDER BY sn.nspname COLLATE \"C\", sc.relname COLLATE \"C\", con.contype, con.conname COLLATE \"C\", con.oid, k.i";
enum {
	K_OID,
	K_TYPE,
	K_NAME,
	K_SCHEMA,
	K_TABLE,
	K_REF_SCHEMA,
	K_REF_TABLE,
	K_ON_UPDATE,
	K_ON_DELETE,
	K_MATCH,
	K_DEFERRABLE,
	K_DEFERRED,
	K_VALIDATED,
	K_INTERNAL,
	K_COLUMN,
	K_REF_COLUMN
};

struct erd_query {
	const char *params[2]; /* JSON arrays: schemas, tables (or NULL) */
	PGresult *missing, *columns, *keys;
	pg_error pe;
	bool pg_failed;
};

static PGresult *run(PGconn *conn, struct erd_query *q, const char *sql, tusk_err *err)
{
	const Oid types[2] = {25, 25};
	PGresult *res = PQexecParams(conn, sql, 2, types, q->params, NULL, NULL, 0);
	if (PQresultStatus(res) == PGRES_TUPLES_OK)
		return res;
	pg_error_fill(&q->pe, res, conn);
	q->pg_failed = true;
	err_set(err, ERR_QUERY_FAILED, "%s", q->pe.message);
	PQclear(res);
	return NULL;
}

static bool is_count_row(const PGresult *missing, int row)
{
	return strcmp(PQgetvalue(missing, row, 0), "count") == 0;
}

static bool nothing_missing(const PGresult *missing)
{
	for (int i = 0; i < PQntuples(missing); i++)
		if (!is_count_row(missing, i))
			return false;
	return true;
}

static long relation_count(const PGresult *missing)
{
	for (int i = 0; i < PQntuples(missing); i++)
		if (is_count_row(missing, i))
			return atol(PQgetvalue(missing, i, 1));
	return 0;
}

static bool query_erd(void *ctx, PGconn *conn, tusk_err *err)
{
	struct erd_query *q = ctx;
	q->missing = run(conn, q, missing_sql, err);
	if (!q->missing)
		return false;
	if (!nothing_missing(q->missing) || relation_count(q->missing) > ERD_MAX_RELATIONS)
		return true;
	return (q->columns = run(conn, q, columns_sql, err)) && (q->keys = run(conn, q, keys_sql, err));
}

/* err not_found naming what is missing; false when nothing is. */
static bool missing_error(const PGresult *missing, const char *db, tusk_err *err)
{
	if (nothing_missing(missing))
		return false;
	str names = STR_INIT;
	int first = 0;
	while (is_count_row(missing, first))
		first++;
	const char *what = PQgetvalue(missing, first, 0);
	int n = 0;
	for (int i = 0; i < PQntuples(missing) && n < 10; i++) {
		if (strcmp(PQgetvalue(missing, i, 0), what) != 0)
			continue;
		str_appendf(&names, "%s\"%s\"", n++ ? ", " : "", PQgetvalue(missing, i, 1));
	}
	if (strcmp(what, "schema") == 0)
		err_set(err, ERR_NOT_FOUND, "The database \"%s\" has no schema %s.", db, str_cstr(&names));
	else
		err_set(err, ERR_NOT_FOUND, "There is no table or view %s in the schemas asked for.", str_cstr(&names));
	str_free(&names);
	return true;
}

/* The name of a catalog letter: names[i] for letters[i], else the last name. */
static const char *letter_name(char c, const char *letters, const char *const *names)
{
	const char *at = c ? strchr(letters, c) : NULL;
	return names[at ? at - letters : (ptrdiff_t)strlen(letters)];
}

static const char *relkind_name(char k)
{
	static const char *const names[] = {"partitioned_table", "view", "materialized_view", "foreign_table", "table"};
	return letter_name(k, "pvmf", names);
}

static const char *fk_action(char a)
{
	static const char *const names[] = {"restrict", "cascade", "set null", "set default", "no action"};
	return letter_name(a, "rcnd", names);
}

static const char *fk_match(char m)
{
	static const char *const names[] = {"full", "partial", "simple"};
	return letter_name(m, "fp", names);
}

static bool is_true(const PGresult *res, int row, int col)
{
	return strcmp(PQgetvalue(res, row, col), "t") == 0;
}

static const char *text_or_null(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

static bool same_text(const PGresult *a, int ra, int ca, const PGresult *b, int rb, int cb)
{
	return strcmp(PQgetvalue(a, ra, ca), PQgetvalue(b, rb, cb)) == 0;
}

/* The rows of one constraint start at row: returns the row after its last. */
static int constraint_end(const PGresult *keys, int row)
{
	int end = row + 1;
	while (end < PQntuples(keys) && same_text(keys, end, K_OID, keys, row, K_OID))
		end++;
	return end;
}

static void write_names(json_writer *w, const char *key, const PGresult *keys, int from, int to, int col)
{
	jw_key(w, key);
	jw_arr_begin(w);
	for (int i = from; i < to; i++)
		jw_str(w, PQgetisnull(keys, i, col) ? "" : PQgetvalue(keys, i, col));
	jw_arr_end(w);
}

/* Compares the constraining table of a keys row with a relation of the columns result (C collation = bytes). */
static int table_cmp(const PGresult *keys, int k, const PGresult *cols, int c)
{
	int d = strcmp(PQgetvalue(keys, k, K_SCHEMA), PQgetvalue(cols, c, C_SCHEMA));
	return d ? d : strcmp(PQgetvalue(keys, k, K_TABLE), PQgetvalue(cols, c, C_TABLE));
}

/* primary_key and unique of the relation at cols row c; *k walks the keys
 * result, both being in the same table order. */
static void write_keys(json_writer *w, const PGresult *keys, int *k, const PGresult *cols, int c)
{
	int n = PQntuples(keys);
	while (*k < n && table_cmp(keys, *k, cols, c) < 0)
		(*k)++;
	bool have_pk = false;
	jw_key(w, "unique");
	jw_arr_begin(w);
	int pk_from = 0, pk_to = 0;
	for (int i = *k; i < n && table_cmp(keys, i, cols, c) == 0;) {
		int end = constraint_end(keys, i);
		char type = PQgetvalue(keys, i, K_TYPE)[0];
		if (type == 'p') {
			have_pk = true;
			pk_from = i;
			pk_to = end;
		} else if (type == 'u') {
			jw_obj_begin(w);
			jw_kv_str(w, "name", PQgetvalue(keys, i, K_NAME));
			write_names(w, "columns", keys, i, end, K_COLUMN);
			jw_obj_end(w);
		}
		i = end;
	}
	jw_arr_end(w);
	jw_key(w, "primary_key");
	if (!have_pk) {
		jw_null(w);
		return;
	}
	jw_obj_begin(w);
	jw_kv_str(w, "name", PQgetvalue(keys, pk_from, K_NAME));
	write_names(w, "columns", keys, pk_from, pk_to, K_COLUMN);
	jw_obj_end(w);
}

static void write_column(json_writer *w, const PGresult *cols, int i)
{
	jw_obj_begin(w);
	jw_kv_str(w, "name", PQgetvalue(cols, i, C_NAME));
	jw_kv_str(w, "type", PQgetvalue(cols, i, C_TYPE));
	jw_kv_bool(w, "not_null", is_true(cols, i, C_NOTNULL));
	const char *generated = PQgetvalue(cols, i, C_GENERATED);
	jw_kv_str(w, "default", *generated ? NULL : text_or_null(cols, i, C_DEFAULT));
	jw_kv_str(w, "generated", *generated ? text_or_null(cols, i, C_DEFAULT) : NULL);
	const char *identity = PQgetvalue(cols, i, C_IDENTITY);
	jw_kv_str(w, "identity", *identity == 'a' ? "always" : *identity == 'd' ? "by default" : NULL);
	jw_key(w, "pk");
	if (PQgetisnull(cols, i, C_PK))
		jw_null(w);
	else
		jw_int(w, atoi(PQgetvalue(cols, i, C_PK)));
	jw_kv_bool(w, "unique", is_true(cols, i, C_UNIQUE));
	jw_kv_str(w, "comment", text_or_null(cols, i, C_COLCOMMENT));
	jw_obj_end(w);
}

static void write_tables(json_writer *w, const PGresult *cols, const PGresult *keys)
{
	jw_key(w, "tables");
	jw_arr_begin(w);
	int n = PQntuples(cols), k = 0;
	for (int i = 0; i < n;) {
		jw_obj_begin(w);
		jw_kv_str(w, "schema", PQgetvalue(cols, i, C_SCHEMA));
		jw_kv_str(w, "name", PQgetvalue(cols, i, C_TABLE));
		jw_kv_str(w, "kind", relkind_name(PQgetvalue(cols, i, C_KIND)[0]));
		jw_kv_str(w, "comment", text_or_null(cols, i, C_COMMENT));
		jw_key(w, "rows_estimate");
		if (PQgetisnull(cols, i, C_ROWS))
			jw_null(w);
		else
			jw_int(w, strtoll(PQgetvalue(cols, i, C_ROWS), NULL, 10));
		write_keys(w, keys, &k, cols, i);
		jw_key(w, "columns");
		jw_arr_begin(w);
		int first = i;
		for (; i < n && same_text(cols, i, C_SCHEMA, cols, first, C_SCHEMA) &&
		       same_text(cols, i, C_TABLE, cols, first, C_TABLE);
		     i++)
			if (!PQgetisnull(cols, i, C_NAME))
				write_column(w, cols, i);
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void write_foreign_keys(json_writer *w, const PGresult *keys)
{
	jw_key(w, "foreign_keys");
	jw_arr_begin(w);
	for (int i = 0; i < PQntuples(keys);) {
		int end = constraint_end(keys, i);
		if (PQgetvalue(keys, i, K_TYPE)[0] != 'f') {
			i = end;
			continue;
		}
		jw_obj_begin(w);
		jw_kv_str(w, "name", PQgetvalue(keys, i, K_NAME));
		jw_kv_str(w, "schema", PQgetvalue(keys, i, K_SCHEMA));
		jw_kv_str(w, "table", PQgetvalue(keys, i, K_TABLE));
		write_names(w, "columns", keys, i, end, K_COLUMN);
		jw_kv_str(w, "ref_schema", PQgetvalue(keys, i, K_REF_SCHEMA));
		jw_kv_str(w, "ref_table", PQgetvalue(keys, i, K_REF_TABLE));
		write_names(w, "ref_columns", keys, i, end, K_REF_COLUMN);
		jw_kv_str(w, "on_update", fk_action(PQgetvalue(keys, i, K_ON_UPDATE)[0]));
		jw_kv_str(w, "on_delete", fk_action(PQgetvalue(keys, i, K_ON_DELETE)[0]));
		jw_kv_str(w, "match", fk_match(PQgetvalue(keys, i, K_MATCH)[0]));
		jw_kv_bool(w, "deferrable", is_true(keys, i, K_DEFERRABLE));
		jw_kv_bool(w, "initially_deferred", is_true(keys, i, K_DEFERRED));
		jw_kv_bool(w, "validated", is_true(keys, i, K_VALIDATED));
		jw_kv_bool(w, "external", !is_true(keys, i, K_INTERNAL));
		jw_obj_end(w);
		i = end;
	}
	jw_arr_end(w);
}

bool catalog_erd(const pgpool_ref *pg, const char *db, const char *schemas, const char *tables, json_writer *w,
		 pg_error *pe, tusk_err *err)
{
	struct erd_query q = {.params = {schemas, tables}};
	bool ok = pgpool_with_conn(pg, db, query_erd, &q, err);
	if (!ok) {
		if (err->code == ERR_DATABASE_MISSING)
			err->code = ERR_NOT_FOUND;
		if (q.pg_failed)
			*pe = q.pe;
	} else if (missing_error(q.missing, db, err)) {
		ok = false;
	} else if (relation_count(q.missing) > ERD_MAX_RELATIONS) {
		err_set(
		    err, ERR_TOO_MANY_TABLES,
		    "These schemas hold %ld tables and views; a diagram shows at most %d: choose the tables to draw.",
		    relation_count(q.missing), ERD_MAX_RELATIONS);
		ok = false;
	} else {
		write_tables(w, q.columns, q.keys);
		write_foreign_keys(w, q.keys);
	}
	PQclear(q.missing);
	PQclear(q.columns);
	PQclear(q.keys);
	return ok;
}
