/* Schema Diff: every object of a source and a target (a database, or one
 * schema of each) paired by kind, schema and name, compared by the DDL Tusk
 * writes for it (catalog_ddl), and the script that makes the target like
 * the source: tables altered in place (schema_diff_table.c), functions
 * replaced where the signature allows, enum values added, views replaced
 * when their columns are only appended, everything else dropped and
 * created; creates in the source's dependency order, drops in the reverse
 * of the target's. Each statement carries its lock annotation (locks.c). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/build.h"
#include "catalog/schema_diff.h"
#include "catalog/schema_diff_sql.h"

struct sd_item {
	struct sd_obj *s, *t;
	const char *state;
	char *id;
	bool selected, recreate, done;
};

struct sd_run {
	struct sd_side src, tgt;
	struct sd_item *it;
	size_t nit;
	const catalog_diff_options *opt;
	struct sd_script sc;
	pg_error *pe;
	tusk_err *err;
};

static const struct {
	const char *kind, *collection, *keyword;
} KINDS[] = {
    {"schema", NULL, "SCHEMA"},
    {"type", "types", "TYPE"},
    {"domain", "domains", "DOMAIN"},
    {"sequence", "sequences", "SEQUENCE"},
    {"function", "functions", "FUNCTION"},
    {"trigger_function", "trigger_functions", "FUNCTION"},
    {"procedure", "procedures", "PROCEDURE"},
    {"table", "tables", "TABLE"},
    {"view", "views", "TABLE"},
    {"materialized_view", "materialized_views", "TABLE"},
};

static size_t kind_index(const char *kind)
{
	for (size_t i = 0; i < sizeof(KINDS) / sizeof(KINDS[0]); i++)
		if (strcmp(KINDS[i].kind, kind) == 0)
			return i;
	return 0;
}

/* /databases/db/schemas/s[/collection/name] */
static char *object_path(const char *db, const struct sd_obj *o)
{
	str p = STR_INIT;
	str_append_cstr(&p, "/databases/");
	catalog_append_segment(&p, db);
	str_append_cstr(&p, "/schemas/");
	catalog_append_segment(&p, o->schema);
	const char *coll = KINDS[kind_index(o->kind)].collection;
	if (coll) {
		str_appendf(&p, "/%s/", coll);
		catalog_append_segment(&p, o->name);
	}
	return str_take(&p);
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sd_obj *)a)->key, ((const struct sd_obj *)b)->key);
}

static long find_key(const struct sd_side *sd, const struct sd_obj *sorted, const char *key)
{
	struct sd_obj probe = {.key = (char *)key};
	const struct sd_obj *f = bsearch(&probe, sorted, sd->n, sizeof(*sorted), key_cmp);
	return f ? f - sorted : -1;
}

/* A side's catalog as read: its inventory and its dependencies. */
struct sd_catalog {
	struct sd_side *sd;
	PGresult *inv, *dep;
};

/* PostgreSQL's refusal of r (or a lost connection) in sd->pe and err; false. */
static bool inventory_failed(PGconn *conn, struct sd_side *sd, PGresult *r, tusk_err *err)
{
	pg_error_fill(&sd->pe, r, conn);
	err_set(err, PQstatus(conn) == CONNECTION_OK ? ERR_QUERY_FAILED : ERR_CONNECTION_LOST, "%s", sd->pe.message);
	return false;
}

/* sql's rows, or NULL when it failed */
static PGresult *inventory_rows(PGconn *conn, struct sd_side *sd, const char *sql, int nparams,
				const char *const *params, tusk_err *err)
{
	PGresult *r = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK)
		return r;
	inventory_failed(conn, sd, r, err);
	PQclear(r);
	return NULL;
}

/* Both queries on one connection, in one snapshot, without JIT: compiling the inventory's
 * expressions took longer than running them (0.5 to 1.5 s more on 5,000 tables). */
static bool read_catalog(void *ctx, PGconn *conn, tusk_err *err)
{
	struct sd_catalog *c = ctx;
	const catalog_diff_options *opt = c->sd->opt;
	const char *params[] = {c->sd->in->schema, opt->ignore_owner ? "t" : "f", opt->ignore_privileges ? "t" : "f",
				opt->ignore_tablespace ? "t" : "f", opt->ignore_whitespace ? "t" : "f"};
	PGresult *r = PQexec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL jit = off");
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || inventory_failed(conn, c->sd, r, err);
	PQclear(r);
	ok = ok &&
	     (c->inv = inventory_rows(conn, c->sd, PQserverVersion(conn) >= 140000 ? SD_INVENTORY : SD_INVENTORY_13, 5,
				      params, err)) &&
	     (c->dep = inventory_rows(conn, c->sd, SD_DEPENDS, 0, NULL, err));
	PQclear(PQexec(conn, ok ? "COMMIT" : "ROLLBACK"));
	return ok;
}

/* The text of info with acl's added (the inventory reads them apart: objects are compared without
 * the privileges in the catalog's order). */
static char *with_acl(const char *info, const char *acl)
{
	size_t n = strlen(info);
	while (n && info[n - 1] != '}')
		n--;
	if (!n || !*acl)
		return xstrdup(info);
	str s = STR_INIT;
	str_append(&s, info, n - 1);
	str_appendf(&s, ", \"acl\": %s}", acl);
	return str_take(&s);
}

/* kind, schema, name order, as COLLATE "C" sorts them */
static int kind_schema_name(const void *pa, const void *pb)
{
	const struct sd_obj *a = pa, *b = pb;
	int d = strcmp(a->kind, b->kind);
	if (!d)
		d = strcmp(a->schema, b->schema);
	return d ? d : strcmp(a->name, b->name);
}

/* The side's objects (kept in kind, schema, name order), each with what it is compared by and,
 * for now, only its owner, comment and privileges as info (sd_full_info reads the rest). */
static bool inventory(struct sd_side *sd, PGresult *res)
{
	sd->n = (size_t)PQntuples(res);
	if (sd->n > CATALOG_DIFF_MAX_OBJECTS) {
		err_set(&sd->err, ERR_TOO_MANY_TABLES, "The database '%s' has more than %d objects to compare.",
			sd->in->database, CATALOG_DIFF_MAX_OBJECTS);
		return false;
	}
	sd->o = xcalloc(sd->n ? sd->n : 1, sizeof(*sd->o));
	for (size_t i = 0; i < sd->n; i++) {
		struct sd_obj *o = &sd->o[i];
		int r = (int)i;
		o->kind = xstrdup(PQgetvalue(res, r, 0));
		o->schema = xstrdup(PQgetvalue(res, r, 1));
		o->name = xstrdup(PQgetvalue(res, r, 2));
		o->key = xstrdup(PQgetvalue(res, r, 3));
		o->raw = with_acl(PQgetvalue(res, r, 4), PQgetvalue(res, r, 5));
		o->cmp = xstrdup(PQgetvalue(res, r, PQgetisnull(res, r, 6) ? 4 : 6));
		o->info = json_pack("{s:s,s:o,s:s}", "owner", PQgetvalue(res, r, 7), "comment",
				    PQgetisnull(res, r, 8) ? json_null() : json_string(PQgetvalue(res, r, 8)),
				    "acl_key", PQgetvalue(res, r, 9));
		o->names = PQgetisnull(res, r, 10) ? NULL : xstrdup(PQgetvalue(res, r, 10));
		o->path = object_path(sd->in->database, o);
	}
	qsort(sd->o, sd->n, sizeof(*sd->o), kind_schema_name);
	return true;
}

/* info's columns (listed by name, as they are compared) in the table's order, names */
static void in_table_order(json_t *info, const char *names)
{
	json_t *order = names ? json_loads(names, 0, NULL) : NULL, *cols = json_object_get(info, "columns"),
	       *out = json_array(), *name, *c;
	size_t i, j;
	json_array_foreach(order, i, name)
	    json_array_foreach(cols, j, c) if (json_equal(json_object_get(c, "name"), name))
	{
		json_array_append(out, c);
		break;
	}
	if (json_array_size(out) == json_array_size(cols))
		json_object_set(info, "columns", out);
	json_decref(out);
	json_decref(order);
}

void sd_full_info(struct sd_obj *o)
{
	if (!o->raw)
		return;
	json_t *info = json_loads(o->raw, 0, NULL);
	if (info) {
		in_table_order(info, o->names);
		json_decref(o->info);
		o->info = info;
	}
	free(o->raw);
	o->raw = NULL;
}

/* pg_depend between the side's own objects, as indexes into sd->o. */
static void dependencies(struct sd_side *sd, PGresult *res)
{
	struct sd_obj *sorted = xcalloc(sd->n ? sd->n : 1, sizeof(*sorted));
	size_t *pos = xcalloc(sd->n ? sd->n : 1, sizeof(*pos));
	for (size_t i = 0; i < sd->n; i++)
		sorted[i] = (struct sd_obj){.key = sd->o[i].key, .mark = false, .cmp = (char *)(uintptr_t)i};
	qsort(sorted, sd->n, sizeof(*sorted), key_cmp);
	for (size_t i = 0; i < sd->n; i++)
		pos[i] = (size_t)(uintptr_t)sorted[i].cmp;
	size_t rows = (size_t)PQntuples(res);
	sd->from = xcalloc(rows ? rows : 1, sizeof(size_t));
	sd->to = xcalloc(rows ? rows : 1, sizeof(size_t));
	for (size_t i = 0; i < rows; i++) {
		long a = find_key(sd, sorted, PQgetvalue(res, (int)i, 0)),
		     b = find_key(sd, sorted, PQgetvalue(res, (int)i, 1));
		if (a < 0 || b < 0)
			continue;
		sd->from[sd->ndep] = pos[a];
		sd->to[sd->ndep++] = pos[b];
	}
	free(sorted);
	free(pos);
}

/* The side's objects and their dependencies. */
static bool read_side(struct sd_side *sd)
{
	struct sd_catalog c = {sd, NULL, NULL};
	bool ok = pgpool_with_conn(sd->in->pg, sd->in->database, read_catalog, &c, &sd->err);
	ok = ok && inventory(sd, c.inv);
	if (ok)
		dependencies(sd, c.dep);
	PQclear(c.inv);
	PQclear(c.dep);
	return ok;
}

/* The full info and the DDL of the objects that are not the same on both sides (the same DDL of
 * the others is GET .../objects/ddl's), the DDL all read in one batch. */
static bool read_ddl(struct sd_side *sd)
{
	const char **paths = xcalloc(sd->n + 1, sizeof(*paths));
	size_t *at = xcalloc(sd->n + 1, sizeof(*at)), m = 0;
	for (size_t i = 0; i < sd->n; i++) {
		const struct sd_item *x = sd->items[i];
		if (strcmp(x->state, "identical") != 0)
			sd_full_info(&sd->o[i]);
		if (strcmp(x->state, "identical") == 0 ||
		    (sd->opt->no_table_ddl && x->s && x->t && strcmp(sd->o[i].kind, "table") == 0))
			continue;
		at[m] = i;
		paths[m++] = sd->o[i].path;
	}
	str *outs = xcalloc(m + 1, sizeof(*outs));
	tusk_err *errs = xcalloc(m + 1, sizeof(*errs));
	bool ok = catalog_ddl_many(sd->in->pg, paths, m, outs, errs, &sd->pe, &sd->err);
	for (size_t j = 0; j < m; j++) {
		if (ok && errs[j].code && errs[j].code != ERR_DDL_UNAVAILABLE) {
			sd->err = errs[j];
			ok = false;
		}
		if (ok)
			sd->o[at[j]].ddl = errs[j].code ? xstrdup("") : str_take(&outs[j]);
		str_free(&outs[j]);
	}
	FREE_ALL(paths, at, outs, errs);
	return ok;
}

static int obj_cmp(const struct sd_obj *a, const struct sd_obj *b)
{
	int d = strcmp(a->kind, b->kind);
	if (!d)
		d = strcmp(a->schema, b->schema);
	return d ? d : strcmp(a->name, b->name);
}

/* When one schema of each is compared, objects pair by kind and name whatever the schemas are called. */
static int pair_cmp(const struct sd_run *r, const struct sd_obj *a, const struct sd_obj *b)
{
	if (!r->src.in->schema)
		return obj_cmp(a, b);
	int d = strcmp(a->kind, b->kind);
	return d ? d : strcmp(a->name, b->name);
}

/* Whether the owner, comment and privileges agree, as the options ask. */
static bool meta_same(const struct sd_run *r, const struct sd_obj *s, const struct sd_obj *t)
{
	json_t *a = s->info, *b = t->info;
	return (r->opt->ignore_owner || json_equal(json_object_get(a, "owner"), json_object_get(b, "owner"))) &&
	       json_equal(json_object_get(a, "comment"), json_object_get(b, "comment")) &&
	       (r->opt->ignore_privileges || json_equal(json_object_get(a, "acl_key"), json_object_get(b, "acl_key")));
}

static char *item_id(const struct sd_obj *o)
{
	str id = STR_INIT;
	str_appendf(&id, "%s/", o->kind);
	catalog_append_segment(&id, o->schema);
	str_append_char(&id, '/');
	catalog_append_segment(&id, o->name);
	return str_take(&id);
}

static bool selected(const struct sd_run *r, const char *id)
{
	if (!r->opt->select)
		return true;
	size_t i;
	json_t *v;
	json_array_foreach(r->opt->select, i,
			   v) if (json_is_string(v) && strcmp(json_string_value(v), id) == 0) return true;
	return false;
}

/* Both sides are in kind, schema, name order: one merge pairs them. */
static void pair(struct sd_run *r)
{
	r->it = xcalloc(r->src.n + r->tgt.n + 1, sizeof(*r->it));
	r->src.items = xcalloc(r->src.n + 1, sizeof(*r->src.items));
	r->tgt.items = xcalloc(r->tgt.n + 1, sizeof(*r->tgt.items));
	size_t i = 0, j = 0;
	while (i < r->src.n || j < r->tgt.n) {
		struct sd_item *x = &r->it[r->nit++];
		int d = i == r->src.n ? 1 : j == r->tgt.n ? -1 : pair_cmp(r, &r->src.o[i], &r->tgt.o[j]);
		if (d <= 0)
			r->src.items[i] = x;
		if (d >= 0)
			r->tgt.items[j] = x;
		x->s = d <= 0 ? &r->src.o[i++] : NULL;
		x->t = d >= 0 ? &r->tgt.o[j++] : NULL;
		x->state = !x->t							   ? "source_only"
			   : !x->s							   ? "target_only"
			   : strcmp(x->s->cmp, x->t->cmp) == 0 && meta_same(r, x->s, x->t) ? "identical"
											   : "different";
		x->id = item_id(x->s ? x->s : x->t);
		x->selected = strcmp(x->state, "identical") && selected(r, x->id);
	}
}

/* ---- the plan ---- */

void sd_add(struct sd_script *sc, char *sql, enum catalog_stmt stmt, const struct sd_obj *table)
{
	if (sc->n == sc->cap) {
		sc->cap = sc->cap ? sc->cap * 2 : 64;
		sc->s = xrealloc(sc->s, sc->cap * sizeof(*sc->s));
	}
	sc->s[sc->n++] = (struct sd_stmt){sql, xstrdup(sc->object), NULL, stmt, table};
}

void sd_comment(struct sd_script *sc, char *text)
{
	if (!sc->n) {
		free(text);
		return;
	}
	free(sc->s[sc->n - 1].comment);
	sc->s[sc->n - 1].comment = text;
}

/* Depth-first: each object after everything it depends on (first[i] .. first[i + 1]: i's in by_from). */
static void visit(const struct sd_side *sd, const size_t *first, const size_t *by_from, size_t i, bool *seen,
		  size_t *order, size_t *n)
{
	if (seen[i])
		return;
	seen[i] = true;
	for (size_t k = first[i]; k < first[i + 1]; k++)
		visit(sd, first, by_from, sd->to[by_from[k]], seen, order, n);
	order[(*n)++] = i;
}

static size_t *topo(const struct sd_side *sd)
{
	bool *seen = xcalloc(sd->n + 1, sizeof(bool));
	size_t *order = xcalloc(sd->n + 1, sizeof(size_t)), n = 0;
	size_t *first = xcalloc(sd->n + 2, sizeof(size_t)), *by_from = xcalloc(sd->ndep + 1, sizeof(size_t));
	for (size_t k = 0; k < sd->ndep; k++)
		first[sd->from[k] + 2]++;
	for (size_t i = 2; i < sd->n + 2; i++)
		first[i] += first[i - 1];
	for (size_t k = 0; k < sd->ndep; k++)
		by_from[first[sd->from[k] + 1]++] = k;
	for (size_t i = 0; i < sd->n; i++)
		visit(sd, first, by_from, i, seen, order, &n);
	free(seen);
	free(first);
	free(by_from);
	return order;
}

static struct sd_item *item_of(struct sd_run *r, const struct sd_obj *o, bool source)
{
	return source ? r->src.items[o - r->src.o] : r->tgt.items[o - r->tgt.o];
}

static bool is_kind(const struct sd_obj *o, const char *kind)
{
	return o && strcmp(o->kind, kind) == 0;
}

/* Everything in the target built over t (views, functions...) is dropped first and created again after. */
static void dependants(struct sd_run *r, const struct sd_obj *t)
{
	size_t at = (size_t)(t - r->tgt.o);
	for (size_t k = 0; k < r->tgt.ndep; k++) {
		if (r->tgt.to[k] != at)
			continue;
		struct sd_obj *d = &r->tgt.o[r->tgt.from[k]];
		struct sd_item *x = item_of(r, d, false);
		if (!x || x->recreate || is_kind(d, "table") || is_kind(d, "sequence"))
			continue;
		x->recreate = x->selected = true;
		dependants(r, d);
	}
}

static bool json_prefix(json_t *shorter, json_t *longer, const char *field)
{
	if (json_array_size(shorter) > json_array_size(longer))
		return false;
	for (size_t i = 0; i < json_array_size(shorter); i++) {
		json_t *a = json_array_get(shorter, i), *b = json_array_get(longer, i);
		if (field ? !json_equal(json_object_get(a, "name"), json_object_get(b, "name")) ||
				!json_equal(json_object_get(a, field), json_object_get(b, field))
			  : !json_equal(a, b))
			return false;
	}
	return true;
}

/* A target column the source lacks or types otherwise: views over the table must be rebuilt. */
static bool columns_break(const struct sd_obj *s, const struct sd_obj *t)
{
	json_t *sc = json_object_get(s->info, "columns"), *tc = json_object_get(t->info, "columns");
	for (size_t i = 0; i < json_array_size(tc); i++) {
		json_t *c = json_array_get(tc, i);
		bool kept = false;
		for (size_t j = 0; j < json_array_size(sc) && !kept; j++)
			kept = json_equal(json_object_get(c, "name"), json_object_get(json_array_get(sc, j), "name")) &&
			       json_equal(json_object_get(c, "type"), json_object_get(json_array_get(sc, j), "type"));
		if (!kept)
			return true;
	}
	return false;
}

/* Whether a different object must be dropped and created again, or can change in place. */
static void decide(struct sd_run *r, struct sd_item *x)
{
	const struct sd_obj *s = x->s, *t = x->t;
	json_t *sl = json_object_get(s->info, "labels"), *tl = json_object_get(t->info, "labels");
	if (is_kind(s, "table")) {
		if (columns_break(s, t))
			dependants(r, t);
		return;
	}
	if (is_kind(s, "schema") || is_kind(s, "sequence"))
		return;
	if (is_kind(s, "view") &&
	    json_prefix(json_object_get(t->info, "columns"), json_object_get(s->info, "columns"), "type"))
		return;
	if ((is_kind(s, "function") || is_kind(s, "trigger_function") || is_kind(s, "procedure")) &&
	    json_equal(json_object_get(s->info, "result"), json_object_get(t->info, "result")))
		return;
	if (is_kind(s, "type") && json_is_array(sl) && json_is_array(tl)) {
		/* enum values only added: each target value in the source, in the same order */
		size_t j = 0;
		for (size_t i = 0; i < json_array_size(sl) && j < json_array_size(tl); i++)
			j += json_equal(json_array_get(sl, i), json_array_get(tl, j));
		if (j == json_array_size(tl))
			return;
	}
	x->recreate = true;
	dependants(r, t);
}

static void add_drop(struct sd_run *r, const struct sd_obj *t)
{
	catalog_object o;
	pg_error pe = {0};
	tusk_err err = {0};
	str sql = STR_INIT;
	bool tx;
	if (!catalog_object_at(r->tgt.in->pg, t->path, &o, &pe, &err)) {
		json_array_append_new(r->sc.warnings,
				      json_sprintf("%s: %s", t->path, err.msg[0] ? err.msg : pe.message));
		return;
	}
	if (catalog_sql_drop(&o, false, &sql, &tx, &err)) {
		bool rel = is_kind(t, "table") || is_kind(t, "view") || is_kind(t, "materialized_view");
		sd_add(&r->sc, str_take(&sql), rel ? STMT_DROP_TABLE : STMT_DROP, rel ? t : NULL);
	} else {
		json_array_append_new(r->sc.warnings, json_sprintf("%s: %s", t->path, err.msg));
	}
	str_free(&sql);
	catalog_object_free(&o);
}

/* The new enum values, each BEFORE the value after it in the source (added last to first, so that one
 * is there), or at the end. */
static void enum_values(struct sd_run *r, const struct sd_item *x, const char *ref)
{
	json_t *sl = json_object_get(x->s->info, "labels"), *tl = json_object_get(x->t->info, "labels");
	for (size_t i = json_array_size(sl); i-- > 0;) {
		json_t *v = json_array_get(sl, i);
		bool has = false;
		for (size_t j = 0; j < json_array_size(tl) && !has; j++)
			has = json_equal(v, json_array_get(tl, j));
		if (has)
			continue;
		str sql = STR_INIT;
		str_appendf(&sql, "ALTER TYPE %s ADD VALUE ", ref);
		catalog_literal(r->sc.c, &sql, json_string_value(v));
		if (i + 1 < json_array_size(sl)) {
			str_append_cstr(&sql, " BEFORE ");
			catalog_literal(r->sc.c, &sql, json_string_value(json_array_get(sl, i + 1)));
		}
		str_append_char(&sql, ';');
		sd_add(&r->sc, str_take(&sql), STMT_ENUM_ADD_VALUE, NULL);
	}
}

/* A different object changed in place: its kind's statements, then owner, comment and privileges. */
static void alter_in_place(struct sd_run *r, struct sd_item *x)
{
	catalog_object o;
	pg_error pe = {0};
	tusk_err err = {0};
	str ref = STR_INIT, on = STR_INIT;
	if (is_kind(x->s, "table")) {
		/* a table's statements name it themselves */
		if (!sd_table(&r->sc, x->s, x->t) && strcmp(x->s->cmp, x->t->cmp))
			json_array_append_new(
			    r->sc.warnings, json_sprintf("%s: its DDL differs in a way Tusk does not change in place; "
							 "compare the two DDLs and change it by hand",
							 x->id));
		return;
	}
	if (!catalog_object_at(r->tgt.in->pg, x->t->path, &o, &pe, &err) || !catalog_object_ref(&o, &ref, &on, &err)) {
		json_array_append_new(r->sc.warnings, json_sprintf("%s: %s", x->id, err.msg[0] ? err.msg : pe.message));
		str_free(&ref);
		str_free(&on);
		return;
	}
	const char *k = x->s->kind;
	size_t before = r->sc.n;
	if (is_kind(x->s, "view"))
		sd_view(&r->sc, x->s, x->t);
	else if (is_kind(x->s, "sequence"))
		sd_sequence(&r->sc, x->s, x->t, str_cstr(&ref));
	else if (strstr(k, "function") || is_kind(x->s, "procedure"))
		sd_add(&r->sc, xstrdup(x->s->ddl), STMT_REPLACE_FUNCTION, NULL);
	else if (is_kind(x->s, "type"))
		enum_values(r, x, str_cstr(&ref));
	sd_meta(&r->sc, x->s, x->t, str_cstr(&ref));
	if (r->sc.n == before && strcmp(x->s->cmp, x->t->cmp))
		json_array_append_new(
		    r->sc.warnings, json_sprintf("%s: its DDL differs in a way Tusk does not change in place; compare "
						 "the two DDLs and change it by hand",
						 x->id));
	catalog_object_free(&o);
	str_free(&ref);
	str_free(&on);
}

struct plan_ctx {
	struct sd_run *r;
};

/* The live size of each target table a statement changes, in its info (pg_total_relation_size). */
static void sizes(struct sd_run *r, PGconn *c)
{
	str oids = STR_INIT;
	str_append_char(&oids, '{');
	for (size_t i = 0; i < r->sc.n; i++)
		if (r->sc.s[i].table)
			str_appendf(&oids, "%s%s", oids.len > 1 ? "," : "", r->sc.s[i].table->key + 1);
	str_append_char(&oids, '}');
	const char *params[] = {str_cstr(&oids)};
	PGresult *res = PQexecParams(c, SD_SIZES, 1, NULL, params, NULL, NULL, 0);
	for (int i = 0; PQresultStatus(res) == PGRES_TUPLES_OK && i < PQntuples(res); i++) {
		char key[32];
		snprintf(key, sizeof(key), "c%s", PQgetvalue(res, i, 0));
		for (size_t k = 0; k < r->tgt.n; k++)
			if (r->tgt.o[k].key[0] == 'c' && strcmp(r->tgt.o[k].key, key) == 0)
				json_object_set_new(r->tgt.o[k].info, "size",
						    json_integer(strtoll(PQgetvalue(res, i, 1), NULL, 10)));
	}
	PQclear(res);
	str_free(&oids);
}

static bool plan(void *ctx, PGconn *c, tusk_err *err)
{
	(void)err;
	struct sd_run *r = ((struct plan_ctx *)ctx)->r;
	r->sc.c = c;
	/* drops: the target's dependants before what they depend on */
	size_t *order = topo(&r->tgt);
	for (size_t k = r->tgt.n; k-- > 0;) {
		struct sd_item *x = item_of(r, &r->tgt.o[order[k]], false);
		if (x && x->selected && (!x->s || x->recreate)) {
			r->sc.object = x->id;
			add_drop(r, x->t);
		}
	}
	free(order);
	order = topo(&r->src);
	for (size_t k = 0; k < r->src.n; k++) {
		struct sd_item *x = item_of(r, &r->src.o[order[k]], true);
		if (!x || !x->selected)
			continue;
		r->sc.object = x->id;
		if (!x->t || x->recreate) {
			sd_add(&r->sc, xstrdup(x->s->ddl), STMT_CREATE, NULL);
			if (is_kind(x->s, "table"))
				sd_partitions(&r->sc, x->s);
		} else
			alter_in_place(r, x);
	}
	free(order);
	sizes(r, c);
	return true;
}

/* ---- the answer ---- */

static void write_objects(json_writer *w, const struct sd_run *r, int64_t counts[4])
{
	static const char *const states[] = {"identical", "different", "source_only", "target_only"};
	jw_key(w, "objects");
	jw_arr_begin(w);
	for (size_t i = 0; i < r->nit; i++) {
		const struct sd_item *x = &r->it[i];
		const struct sd_obj *o = x->s ? x->s : x->t;
		for (int k = 0; k < 4; k++)
			counts[k] += strcmp(x->state, states[k]) == 0;
		jw_obj_begin(w);
		jw_fields(w, "ssssb", "id", x->id, "kind", o->kind, "schema", o->schema, "name", o->name, "selected",
			  x->selected);
		jw_kv_str(w, "state", x->state);
		jw_kv_str(w, "source_ddl", x->s ? x->s->ddl : NULL);
		jw_kv_str(w, "target_ddl", x->t ? x->t->ddl : NULL);
		jw_kv_bool(w, "recreate", x->recreate);
		json_t *notes = json_array();
		/* an identical table's columns are read in full only when their order differs */
		if (x->s && x->t && is_kind(x->s, "table") &&
		    (strcmp(x->state, "identical") || !x->s->names || !x->t->names ||
		     strcmp(x->s->names, x->t->names))) {
			sd_full_info(x->s), sd_full_info(x->t);
			sd_column_order(x->s, x->t, notes);
		}
		jw_key(w, "notes");
		char *text = json_dumps(notes, JSON_COMPACT);
		jw_raw(w, text);
		free(text);
		json_decref(notes);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "summary");
	jw_obj_begin(w);
	for (int k = 0; k < 4; k++)
		jw_kv_int(w, states[k], counts[k]);
	jw_obj_end(w);
}

/* One statement's annotation, and its comment line in the script. */
static void write_statement(json_writer *w, const struct sd_stmt *st, str *script)
{
	const catalog_lock_info *l = catalog_lock_of(st->stmt);
	const struct sd_obj *t = st->table;
	json_int_t size = t ? json_integer_value(json_object_get(t->info, "size")) : -1;
	jw_obj_begin(w);
	jw_fields(w, "ss", "sql", st->sql, "object", st->object);
	jw_kv_str(w, "comment", st->comment);
	jw_kv_str(w, "lock", l->mode);
	jw_kv_str(w, "pg_lock", l->lock);
	jw_kv_str(w, "effect", catalog_effect_name(l->effect));
	jw_kv_str(w, "note", l->note);
	jw_kv_str(w, "safer", l->mode ? l->safer : NULL);
	if (t) {
		jw_key(w, "table");
		jw_object(w, "ssi", "schema", t->schema, "name", t->name, "size", (int64_t)size);
	}
	jw_obj_end(w);
	if (st->comment)
		str_appendf(script, "-- %s\n", st->comment);
	if (l->mode && t)
		str_appendf(script, "-- %s on %s.%s (%lld bytes)%s%s\n", l->mode, t->schema, t->name, (long long)size,
			    l->effect ? ", " : "", l->effect ? catalog_effect_name(l->effect) : "");
	str_appendf(script, "%s\n\n", st->sql);
}

static void write_script(json_writer *w, const struct sd_run *r)
{
	str script = STR_INIT;
	jw_key(w, "statements");
	jw_arr_begin(w);
	for (size_t i = 0; i < r->sc.n; i++)
		write_statement(w, &r->sc.s[i], &script);
	jw_arr_end(w);
	jw_kv_str(w, "script", str_cstr(&script));
	jw_key(w, "warnings");
	char *warn = json_dumps(r->sc.warnings, JSON_COMPACT);
	jw_raw(w, warn);
	free(warn);
	str_free(&script);
}

static void side_free(struct sd_side *sd)
{
	for (size_t i = 0; i < sd->n; i++) {
		struct sd_obj *o = &sd->o[i];
		free(o->kind), free(o->schema), free(o->name), free(o->key), free(o->path), free(o->ddl), free(o->cmp),
		    free(o->raw), free(o->names);
		json_decref(o->info);
	}
	free(sd->o), free(sd->from), free(sd->to);
}

static void run_free(struct sd_run *r)
{
	side_free(&r->src);
	side_free(&r->tgt);
	for (size_t i = 0; i < r->nit; i++)
		free(r->it[i].id);
	free(r->it);
	free(r->src.items);
	free(r->tgt.items);
	for (size_t i = 0; i < r->sc.n; i++)
		free(r->sc.s[i].sql), free(r->sc.s[i].object), free(r->sc.s[i].comment);
	free(r->sc.s);
	json_decref(r->sc.warnings);
}

/* A side's reading: its objects and their dependencies (first), or the DDL of those that differ. */
static void *side_read(void *arg)
{
	struct sd_side *sd = arg;
	sd->ok = sd->items ? read_ddl(sd) : read_side(sd);
	return NULL;
}

/* Both sides read at once, the target's on a thread of its own; the first failure goes to r. */
static bool both_read(struct sd_run *r)
{
	pthread_t t;
	bool threaded = pthread_create(&t, NULL, side_read, &r->tgt) == 0;
	side_read(&r->src);
	if (threaded)
		pthread_join(t, NULL);
	else
		side_read(&r->tgt);
	struct sd_side *bad = !r->src.ok ? &r->src : !r->tgt.ok ? &r->tgt : NULL;
	if (bad) {
		*r->pe = bad->pe;
		*r->err = bad->err;
	}
	return !bad;
}

/* ---- a comparison, kept ---- */

struct catalog_diff {
	struct sd_run r;
	catalog_diff_options opt; /* the run's own (select set for one plan at a time) */
	catalog_diff_side side[2];
	pgpool_ref pg[2];
	pg_error pe;
	tusk_err err;
	bool planned; /* the items' choice and the script are a plan's: reset before the next */
};

static void report(const catalog_diff_watch *watch, struct sd_run *r, const char *phase)
{
	if (!watch || !watch->report)
		return;
	catalog_diff_progress p = {phase, -1, -1, -1, -1, -1, -1, -1};
	if (r->src.o || r->tgt.o) {
		p.source = (int64_t)r->src.n, p.target = (int64_t)r->tgt.n;
		p.identical = p.different = p.source_only = p.target_only = 0;
	}
	for (size_t i = 0; i < r->nit; i++) {
		const char *st = r->it[i].state;
		int64_t *n = strcmp(st, "identical") == 0     ? &p.identical
			     : strcmp(st, "different") == 0   ? &p.different
			     : strcmp(st, "source_only") == 0 ? &p.source_only
							      : &p.target_only;
		++*n;
	}
	if (r->nit) {
		p.ddl = 0;
		for (size_t i = 0; i < r->nit; i++)
			p.ddl += strcmp(r->it[i].state, "identical") != 0;
	}
	watch->report(watch->cls, &p);
}

static bool cancelled(const catalog_diff_watch *watch, tusk_err *err)
{
	if (!watch || !watch->cancel || !atomic_load(watch->cancel))
		return false;
	err_set(err, ERR_CANCELLED, "The comparison was cancelled.");
	return true;
}

static void side_copy(catalog_diff *d, int k, const catalog_diff_side *in)
{
	d->pg[k] = *in->pg;
	d->side[k] = (catalog_diff_side){&d->pg[k], xstrdup(in->database), in->schema ? xstrdup(in->schema) : NULL};
}

void catalog_diff_free(catalog_diff *d)
{
	if (!d)
		return;
	run_free(&d->r);
	for (int k = 0; k < 2; k++)
		free((char *)d->side[k].database), free((char *)d->side[k].schema);
	free(d);
}

catalog_diff *catalog_diff_compare(const catalog_diff_side *source, const catalog_diff_side *target,
				   const catalog_diff_options *opt, const catalog_diff_watch *watch, pg_error *pe,
				   tusk_err *err)
{
	catalog_diff *d = xcalloc(1, sizeof(*d));
	d->opt = *opt;
	d->opt.select = NULL;
	side_copy(d, 0, source);
	side_copy(d, 1, target);
	struct sd_run *r = &d->r;
	*r = (struct sd_run){.src = {.in = &d->side[0], .opt = &d->opt},
			     .tgt = {.in = &d->side[1], .opt = &d->opt},
			     .opt = &d->opt,
			     .pe = pe,
			     .err = err};
	r->sc.opt = &d->opt;
	r->sc.warnings = json_array();
	report(watch, r, "reading");
	bool ok = both_read(r) && !cancelled(watch, err);
	if (ok) {
		pair(r); /* sets each side's items: the next reading is the DDL */
		report(watch, r, "ddl");
	}
	ok = ok && both_read(r) && !cancelled(watch, err);
	if (!ok) {
		catalog_diff_free(d);
		return NULL;
	}
	report(watch, r, "script");
	r->pe = &d->pe, r->err = &d->err; /* the caller's are gone after it returns */
	return d;
}

/* The choice of objects made anew for select, the last plan's statements let go. */
static void replan(catalog_diff *d, json_t *select)
{
	struct sd_run *r = &d->r;
	d->opt.select = select;
	if (d->planned) {
		for (size_t i = 0; i < r->sc.n; i++)
			free(r->sc.s[i].sql), free(r->sc.s[i].object), free(r->sc.s[i].comment);
		r->sc.n = 0;
		json_decref(r->sc.warnings);
		r->sc.warnings = json_array();
	}
	for (size_t i = 0; i < r->nit; i++) {
		struct sd_item *x = &r->it[i];
		x->recreate = x->done = false;
		x->selected = strcmp(x->state, "identical") && selected(r, x->id);
	}
	d->planned = true;
}

static void write_choice(json_writer *w, const struct sd_run *r)
{
	int64_t counts[4] = {0};
	static const char *const states[] = {"identical", "different", "source_only", "target_only"};
	jw_key(w, "objects");
	jw_arr_begin(w);
	for (size_t i = 0; i < r->nit; i++) {
		const struct sd_item *x = &r->it[i];
		for (int k = 0; k < 4; k++)
			counts[k] += strcmp(x->state, states[k]) == 0;
		jw_obj_begin(w);
		jw_kv_str(w, "id", x->id);
		jw_kv_str(w, "state", x->state);
		jw_kv_bool(w, "selected", x->selected);
		jw_kv_bool(w, "recreate", x->recreate);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "summary");
	jw_obj_begin(w);
	for (int k = 0; k < 4; k++)
		jw_kv_int(w, states[k], counts[k]);
	jw_obj_end(w);
}

/* What only the first answer needed: the inventory and compared text of the identical objects (a plan reads
 * neither of them; the paired objects that differ keep theirs). */
static void trim(catalog_diff *d)
{
	for (size_t i = 0; i < d->r.nit; i++) {
		struct sd_item *x = &d->r.it[i];
		if (strcmp(x->state, "identical"))
			continue;
		for (struct sd_obj *o = x->s; o; o = o == x->s ? x->t : NULL) {
			json_decref(o->info);
			free(o->cmp), free(o->raw), free(o->names);
			o->info = NULL, o->cmp = NULL, o->raw = NULL, o->names = NULL;
		}
	}
}

/* The source's DDL of the objects rebuilt only because one they stand on changes: identical, their DDL was
 * not read with the others'. */
static bool rebuilt_ddl(struct sd_run *r, pg_error *pe, tusk_err *err)
{
	const char **paths = xcalloc(r->nit + 1, sizeof(*paths));
	struct sd_obj **objs = xcalloc(r->nit + 1, sizeof(*objs));
	size_t m = 0;
	for (size_t i = 0; i < r->nit; i++)
		if (r->it[i].recreate && r->it[i].s && !r->it[i].s->ddl) {
			objs[m] = r->it[i].s;
			paths[m++] = r->it[i].s->path;
		}
	str *outs = xcalloc(m + 1, sizeof(*outs));
	tusk_err *errs = xcalloc(m + 1, sizeof(*errs));
	bool ok = !m || catalog_ddl_many(r->src.in->pg, paths, m, outs, errs, pe, err);
	for (size_t j = 0; j < m; j++) {
		if (ok && errs[j].code && errs[j].code != ERR_DDL_UNAVAILABLE) {
			*err = errs[j];
			ok = false;
		}
		if (ok)
			objs[j]->ddl = str_take(&outs[j]);
		str_free(&outs[j]);
	}
	FREE_ALL(paths, objs, outs, errs);
	return ok;
}

bool catalog_diff_write(catalog_diff *d, json_t *select, bool full, json_writer *w, pg_error *pe, tusk_err *err)
{
	struct sd_run *r = &d->r;
	replan(d, select);
	for (size_t i = 0; i < r->nit; i++)
		if (r->it[i].selected && r->it[i].s && r->it[i].t)
			decide(r, &r->it[i]);
	struct plan_ctx ctx = {r};
	bool ok = rebuilt_ddl(r, pe, err) && pgpool_with_conn(d->side[1].pg, d->side[1].database, plan, &ctx, err);
	d->opt.select = NULL;
	if (!ok)
		return false;
	if (full) {
		int64_t counts[4] = {0};
		write_objects(w, &d->r, counts);
		trim(d);
	} else {
		write_choice(w, &d->r);
	}
	write_script(w, &d->r);
	return true;
}

void catalog_diff_servers(const catalog_diff *d, int64_t *source, int64_t *target)
{
	*source = d->pg[0].server_id;
	*target = d->pg[1].server_id;
}

size_t catalog_diff_bytes(const catalog_diff *d)
{
	/* an object's parsed inventory (jansson's values, one allocation each) takes many times its text; an
	 * identical one's is text until sd_full_info */
	size_t n = sizeof(*d);
	for (int k = 0; k < 2; k++) {
		const struct sd_side *sd = k ? &d->r.tgt : &d->r.src;
		for (size_t i = 0; i < sd->n; i++) {
			const struct sd_obj *o = &sd->o[i];
			n += 320 + strlen(o->path) + strlen(o->name) +
			     (o->cmp ? (o->raw ? 1 : 13) * strlen(o->cmp) : 0) + (o->raw ? strlen(o->raw) : 0) +
			     (o->names ? strlen(o->names) : 0) + (o->ddl ? strlen(o->ddl) : 0);
		}
		n += sd->ndep * 2 * sizeof(size_t);
	}
	return n + d->r.nit * (sizeof(struct sd_item) + 64);
}

bool catalog_schema_diff(const catalog_diff_side *source, const catalog_diff_side *target,
			 const catalog_diff_options *opt, json_writer *w, pg_error *pe, tusk_err *err)
{
	catalog_diff *d = catalog_diff_compare(source, target, opt, NULL, pe, err);
	bool ok = d && catalog_diff_write(d, opt->select, true, w, pe, err);
	catalog_diff_free(d);
	return ok;
}
