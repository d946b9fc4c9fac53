#include "catalog/catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/kinds.h"
#include "pg/quote.h"
#include "util/str.h"

/* ---- the server level: databases, roles, tablespaces ---- */

struct server_collection {
	const char *name, *label, *icon;
	const char *list_sql; /* (name, label, kind, oid), in no order */
	bool restricted;      /* takes the database restriction as $1 */
	const char *member_kind, *member_icon; /* for the grid */
	const char *catalog;                   /* joined as o on x.oid for the grid */
	const catalog_column *columns;
};

#define GRID_COLUMNS(...) ((const catalog_column[]){__VA_ARGS__, {NULL, NULL}})

static const struct server_collection server_collections[] = {
	{"databases", "Databases", "databases",
	 "SELECT datname, datname, 'database', oid FROM pg_catalog.pg_database "
	 "WHERE NOT datistemplate AND ($1::text[] IS NULL OR datname = ANY ($1::text[]))",
	 true, "database", "database", "pg_database",
	 GRID_COLUMNS({"owner", "pg_catalog.pg_get_userbyid(o.datdba)"},
		      {"encoding", "pg_catalog.pg_encoding_to_char(o.encoding)"},
		      {"comment", "pg_catalog.shobj_description(x.oid, 'pg_database')"})},
	{"roles", "Login/Group Roles", "roles",
	 "SELECT rolname, rolname, CASE WHEN rolcanlogin THEN 'login_role' ELSE 'group_role' END, oid "
	 "FROM pg_catalog.pg_roles WHERE rolname !~ '^pg_'",
	 false, "role", "role", "pg_roles",
	 GRID_COLUMNS({"can_login", "o.rolcanlogin"}, {"superuser", "o.rolsuper"},
		      {"comment", "pg_catalog.shobj_description(x.oid, 'pg_authid')"})},
	{"tablespaces", "Tablespaces", "tablespaces", "SELECT spcname, spcname, 'tablespace', oid FROM pg_catalog.pg_tablespace",
	 false, "tablespace", "tablespace", "pg_tablespace",
	 GRID_COLUMNS({"owner", "pg_catalog.pg_get_userbyid(o.spcowner)"},
		      {"location", "pg_catalog.pg_tablespace_location(x.oid)"},
		      {"comment", "pg_catalog.shobj_description(x.oid, 'pg_tablespace')"})},
};
#define NSERVER (sizeof(server_collections) / sizeof(server_collections[0]))

static void add(catalog_list *l, const char *path, const char *label, const char *kind, const char *icon,
		int64_t count, bool has_children)
{
	l->nodes = xrealloc(l->nodes, (l->n + 1) * sizeof(*l->nodes));
	l->nodes[l->n++] = (catalog_node){xstrdup(path), xstrdup(label), kind, icon, count, has_children};
}

void catalog_list_free(catalog_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->nodes[i].path);
		free(l->nodes[i].label);
	}
	free(l->nodes);
	*l = (catalog_list){0};
}

void catalog_append_segment(str *s, const char *name)
{
	for (const char *c = name; *c; c++) {
		if (*c == '/' || *c == '%')
			str_appendf(s, "%%%02X", (unsigned char)*c);
		else
			str_append_char(s, *c);
	}
}

static char *decode_segment(const char *seg, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (seg[i] == '%' && i + 2 < n) {
			char hex[3] = {seg[i + 1], seg[i + 2], 0};
			char *end;
			long v = strtol(hex, &end, 16);
			if (*end == '\0' && end == hex + 2) {
				out[k++] = (char)v;
				i += 2;
				continue;
			}
		}
		out[k++] = seg[i];
	}
	out[k] = '\0';
	return out;
}

/* Kinds are static strings; the list keeps pointers to them. */
static const char *static_kind(const char *kind)
{
	static const char *const known[] = {"database", "login_role", "group_role", "tablespace"};
	for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++)
		if (strcmp(kind, known[i]) == 0)
			return known[i];
	return "object";
}

static bool server_members(const pgpool_ref *pg, const struct server_collection *c,
			   const char *restriction, catalog_list *out, pg_error *pgerr, tusk_err *err)
{
	const char *params[1] = {restriction};
	str sql = STR_INIT;
	str_appendf(&sql, "SELECT * FROM (%s) x (name, label, kind, oid) ORDER BY x.name", c->list_sql);
	PGresult *r = pgpool_query(pg, NULL, str_cstr(&sql), c->restricted ? 1 : 0, params,
				   pgerr, err);
	str_free(&sql);
	if (!r)
		return false;
	for (int i = 0; i < PQntuples(r); i++) {
		str path = STR_INIT;
		str_appendf(&path, "/%s/", c->name);
		catalog_append_segment(&path, PQgetvalue(r, i, 0));
		const char *kind = static_kind(PQgetvalue(r, i, 2));
		bool is_db = strcmp(kind, "database") == 0;
		add(out, str_cstr(&path), PQgetvalue(r, i, 1), kind, is_db ? "database" : strcmp(kind, "tablespace") == 0 ? "tablespace" : "role", -1, is_db);
		str_free(&path);
	}
	PQclear(r);
	return true;
}

static bool server_top(const pgpool_ref *pg, const char *restriction, catalog_list *out,
		       pg_error *pgerr, tusk_err *err)
{
	const char *sql = "SELECT (SELECT count(*) FROM pg_catalog.pg_database WHERE NOT datistemplate "
			  "AND ($1::text[] IS NULL OR datname = ANY ($1::text[]))), "
			  "(SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname !~ '^pg_'), "
			  "(SELECT count(*) FROM pg_catalog.pg_tablespace)";
	const char *params[1] = {restriction};
	PGresult *r = pgpool_query(pg, NULL, sql, 1, params, pgerr, err);
	if (!r)
		return false;
	for (size_t i = 0; i < NSERVER; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/%s", server_collections[i].name);
		add(out, path, server_collections[i].label, "collection", server_collections[i].icon,
		    atoll(PQgetvalue(r, 0, (int)i)), true);
	}
	PQclear(r);
	return true;
}

/* ---- inside a database ---- */

/* Where a walk down a database path stands. */
struct walk {
	char *db;
	const char *params[2];
	int nparams;
	char *names[16];
	int nnames;
	const catalog_kind *collection; /* the last collection segment */
	bool at_member;                 /* the path ends at a member of it */
	const char *member_kind;        /* "database" at the database itself */
	bool global;                    /* a role or tablespace: no database */
};

static void walk_free(struct walk *w)
{
	free(w->db);
	for (int i = 0; i < w->nnames; i++)
		free(w->names[i]);
}

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

/* Parses "/databases/{db}/c0/n0/c1/n1..." into w; false for a path that names nothing. */
static bool walk_path(const char *path, struct walk *w)
{
	memset(w, 0, sizeof(*w));
	w->member_kind = "database";
	const char *p = path + strlen("/databases/");
	const char *slash = strchr(p, '/');
	size_t n = slash ? (size_t)(slash - p) : strlen(p);
	if (n == 0)
		return false;
	w->db = decode_segment(p, n);
	p = slash ? slash + 1 : p + n;
	const char *schema = NULL, *level2 = NULL, *fdw = NULL;
	while (*p) {
		slash = strchr(p, '/');
		n = slash ? (size_t)(slash - p) : strlen(p);
		char *seg = xstrndup(p, n);
		const catalog_kind *k = catalog_kind_find(seg);
		free(seg);
		if (!k || !in_list(catalog_children_of(w->member_kind), k->collection) || w->nnames >= 15)
			return false;
		w->collection = k;
		w->at_member = false;
		p = slash ? slash + 1 : p + n;
		if (!*p)
			break;
		slash = strchr(p, '/');
		n = slash ? (size_t)(slash - p) : strlen(p);
		char *name = decode_segment(p, n);
		w->names[w->nnames++] = name;
		w->at_member = true;
		w->member_kind = k->kind;
		if (strcmp(k->kind, "schema") == 0)
			schema = name;
		else if (strcmp(k->kind, "table") == 0 || strcmp(k->kind, "domain") == 0 ||
			 strcmp(k->kind, "foreign_server") == 0)
			level2 = name;
		else if (strcmp(k->kind, "foreign_data_wrapper") == 0)
			fdw = name;
		p = slash ? slash + 1 : p + n;
	}
	/* the ancestor names the next listing takes */
	const char *first = schema ? schema : fdw;
	if (first)
		w->params[w->nparams++] = first;
	if (level2 && first)
		w->params[w->nparams++] = level2;
	return true;
}

/* How many parameters a level's SQL takes. */
static int level_params(enum catalog_level level)
{
	switch (level) {
	case CATALOG_AT_DATABASE:
		return 0;
	case CATALOG_AT_SCHEMA:
	case CATALOG_AT_FDW:
		return 1;
	default:
		return 2;
	}
}

/* The collections under the member the walk stands on, with counts: one row
 * of scalar subqueries, one per collection (a UNION ALL would come back in
 * any order from a parallel plan, and sorting each list only to count it
 * would be wasted). */
static bool member_collections(const pgpool_ref *pg, const char *path,
			       const struct walk *w, bool show_system, catalog_list *out, pg_error *pgerr,
			       tusk_err *err)
{
	const char *const *children = catalog_children_of(w->member_kind);
	if (!*children)
		return true;
	str sql = STR_INIT;
	int nparams = 0;
	str_append_cstr(&sql, "SELECT ");
	for (int i = 0; children[i]; i++) {
		const catalog_kind *k = catalog_kind_find(children[i]);
		nparams = level_params(k->level);
		str_appendf(&sql, "%s(SELECT count(*) FILTER (WHERE %s) FROM (%s) x (name, label, system))", i ? ", " : "",
			    show_system ? "true" : "NOT x.system", k->list_sql);
	}
	if (nparams > w->nparams) {
		str_free(&sql);
		err_set(err, ERR_NOT_FOUND, "There is no object at '%s'.", path);
		return false;
	}
	PGresult *r = pgpool_query(pg, w->db, str_cstr(&sql), nparams, w->params, pgerr, err);
	str_free(&sql);
	if (!r)
		return false;
	for (int i = 0; children[i] && i < PQnfields(r) && PQntuples(r) == 1; i++) {
		const catalog_kind *k = catalog_kind_find(children[i]);
		str child = STR_INIT;
		str_appendf(&child, "%s/%s", path, k->collection);
		add(out, str_cstr(&child), k->label, "collection", k->icon, atoll(PQgetvalue(r, 0, i)), true);
		str_free(&child);
	}
	PQclear(r);
	return true;
}

/* The members of the collection the walk ends at, in the kind's order; the
 * list says they share a kind, an icon and a parent path. */
static bool collection_members(const pgpool_ref *pg, const char *path,
			       const struct walk *w, bool show_system, catalog_list *out, pg_error *pgerr,
			       tusk_err *err)
{
	const catalog_kind *k = w->collection;
	int nparams = level_params(k->level);
	if (nparams > w->nparams) {
		err_set(err, ERR_NOT_FOUND, "There is no object at '%s'.", path);
		return false;
	}
	str sql = STR_INIT;
	str_appendf(&sql, "SELECT x.name, x.label FROM (%s) x (name, label, system, oid)%s ORDER BY %s", k->list_sql,
		    show_system ? "" : " WHERE NOT x.system", k->order ? k->order : "x.name");
	PGresult *r = pgpool_query(pg, w->db, str_cstr(&sql), nparams, w->params, pgerr, err);
	str_free(&sql);
	if (!r)
		return false;
	bool has_children = *catalog_children_of(k->kind) != NULL;
	int n = PQntuples(r);
	out->nodes = xrealloc(out->nodes, (out->n + (size_t)n) * sizeof(*out->nodes));
	str child = STR_INIT;
	for (int i = 0; i < n; i++) {
		str_reset(&child);
		str_appendf(&child, "%s/", path);
		catalog_append_segment(&child, PQgetvalue(r, i, 0));
		out->nodes[out->n++] = (catalog_node){xstrdup(str_cstr(&child)), xstrdup(PQgetvalue(r, i, 1)), k->kind,
						      k->icon, -1, has_children};
	}
	str_free(&child);
	out->members = true;
	PQclear(r);
	return true;
}

static bool children(const pgpool_ref *pg, const char *path, const char *db_restriction, bool show_system,
		     catalog_list *out, pg_error *pgerr, tusk_err *err)
{
	if (!path || !*path || strcmp(path, "/") == 0)
		return server_top(pg, db_restriction, out, pgerr, err);
	for (size_t i = 0; i < NSERVER; i++)
		if (path[0] == '/' && strcmp(path + 1, server_collections[i].name) == 0)
			return server_members(pg, &server_collections[i], db_restriction, out,
					      pgerr, err);
	struct walk w;
	bool ok = strncmp(path, "/databases/", 11) == 0 && walk_path(path, &w);
	if (!ok) {
		if (strncmp(path, "/databases/", 11) == 0)
			walk_free(&w);
		err_set(err, ERR_NOT_FOUND, "There is no object at '%s'.", path);
		return false;
	}
	if (!w.collection || w.at_member)
		ok = member_collections(pg, path, &w, show_system, out, pgerr, err);
	else
		ok = collection_members(pg, path, &w, show_system, out, pgerr, err);
	walk_free(&w);
	return ok;
}

bool catalog_children(const pgpool_ref *pg, const char *path, const char *db_restriction, bool show_system,
		      catalog_list *out, pg_error *pgerr, tusk_err *err)
{
	*out = (catalog_list){0};
	char *restriction = pg_array_literal(db_restriction);
	bool ok = children(pg, path, restriction, show_system, out, pgerr, err);
	free(restriction);
	return ok;
}

/* The ancestors' names, then the member's own name when the kind needs it. */
static bool member_params(const struct walk *w, int nparams, const char *params[3])
{
	int have = w->nparams;
	params[0] = w->params[0];
	params[1] = w->params[1];
	params[2] = NULL;
	if (nparams > have && w->nnames > 0)
		params[have++] = w->names[w->nnames - 1];
	return have == nparams;
}

/* Runs one DDL query and appends its rows, one statement each. */
static bool ddl_part(const pgpool_ref *pg, const struct walk *w, const char *sql,
		     int nparams, const char *const *params, str *out, pg_error *pgerr, tusk_err *err)
{
	PGresult *r = pgpool_query(pg, w->db, sql, nparams, params, pgerr, err);
	if (!r)
		return false;
	for (int i = 0; i < PQntuples(r); i++)
		if (!PQgetisnull(r, i, 0))
			str_appendf(out, "%s\n", PQgetvalue(r, i, 0));
	PQclear(r);
	return true;
}

/* A path to a role or a tablespace ("/roles/{name}"): objects of the whole
 * server, read from the maintenance database; the name is the only parameter. */
static bool walk_global(const char *path, struct walk *w)
{
	static const struct {
		const char *prefix, *kind;
	} globals[] = {{"/roles/", "role"}, {"/tablespaces/", "tablespace"}};
	memset(w, 0, sizeof(*w));
	for (size_t i = 0; path && i < sizeof(globals) / sizeof(*globals); i++) {
		size_t n = strlen(globals[i].prefix);
		if (strncmp(path, globals[i].prefix, n) != 0 || !path[n] || strchr(path + n, '/'))
			continue;
		w->names[w->nnames++] = decode_segment(path + n, strlen(path + n));
		w->params[w->nparams++] = w->names[0];
		w->member_kind = globals[i].kind;
		w->at_member = w->global = true;
		return true;
	}
	return false;
}

bool catalog_ddl(const pgpool_ref *pg, const char *path, str *out, pg_error *pgerr,
		 tusk_err *err)
{
	struct walk w;
	bool global = walk_global(path, &w);
	if (!global && (!path || strncmp(path, "/databases/", 11) != 0 || !walk_path(path, &w))) {
		if (path && strncmp(path, "/databases/", 11) == 0)
			walk_free(&w);
		err_set(err, ERR_NOT_FOUND, "There is no object at '%s'.", path ? path : "");
		return false;
	}
	bool ok = false;
	int nparams = 0;
	/* a path that ends at the database names the database itself */
	bool is_db = !w.collection && !w.global;
	const char *kind = is_db ? "database" : w.member_kind;
	const char *const *queries = is_db || w.at_member ? catalog_ddl_queries(kind, &nparams) : NULL;
	if (!is_db && !w.at_member && !w.global) {
		err_set(err, ERR_NOT_FOUND, "'%s' is a collection; DDL belongs to its members.", path);
	} else if (!queries) {
		err_set(err, ERR_DDL_UNAVAILABLE, "Tusk cannot write the DDL of a %s yet.", kind);
	} else {
		const char *params[3];
		ok = member_params(&w, nparams, params);
		if (!ok)
			err_set(err, ERR_NOT_FOUND, "There is no object at '%s'.", path);
		for (int i = 0; ok && queries[i]; i++)
			ok = ddl_part(pg, &w, queries[i], nparams, params, out, pgerr, err);
		const char *extra = ok ? catalog_ddl_extra(kind, pgpool_server_version(pg)) : NULL;
		if (extra)
			ok = ddl_part(pg, &w, extra, nparams, params, out, pgerr, err);
		if (ok && out->len == 0) {
			ok = false;
			err_set(err, ERR_NOT_FOUND, "There is no object at '%s'.", path);
		}
	}
	walk_free(&w);
	return ok;
}

/* ---- a collection's grid ---- */

/* Where a grid's rows come from: a server collection or a kind in a database. */
struct grid_source {
	const char *db; /* NULL: the maintenance database */
	const char *list_sql, *filter, *order, *catalog;
	const catalog_column *columns;
	const char *params[4];
	int nparams;
	const char *kind, *icon;
	bool has_children;
};

void catalog_grid_free(catalog_grid *g)
{
	for (size_t i = 0; i < g->nrows; i++)
		free(g->paths[i]);
	for (size_t i = 0; i < g->nrows * g->ncolumns; i++)
		free(g->values[i]);
	free(g->paths);
	free(g->values);
	free(g->columns);
	*g = (catalog_grid){0};
}

/* The page's SQL: the total, then one page of (name, columns...), or one row
 * of NULLs after the total when the page is past the end. The page is cut
 * before its columns are computed, so a deep page costs no more than the
 * first (only ordering by a column computes that column for every member);
 * _k and _t carry the order out to the top. */
static bool grid_sql(const struct grid_source *src, const catalog_grid_query *q, str *sql, tusk_err *err)
{
	const char *key = NULL; /* the ordering column's SQL; NULL: the tree's order */
	if (q->order && *q->order) {
		if (strcmp(q->order, "name") == 0)
			key = "x.name";
		for (const catalog_column *c = src->columns; !key && c->name; c++)
			if (strcmp(q->order, c->name) == 0)
				key = c->sql;
		if (!key) {
			err_set(err, ERR_INVALID_ORDER, "This collection has no column '%s' to order by.", q->order);
			return false;
		}
	}
	const char *dir = q->descending ? " DESC" : "";
	char order[64];
	snprintf(order, sizeof(order), "_k%s NULLS LAST, _t%s", key ? dir : "", key ? "" : dir);
	str join = STR_INIT;
	if (src->catalog)
		str_appendf(&join, " LEFT JOIN pg_catalog.%s o ON o.oid = x.oid", src->catalog);
	str_append_cstr(sql, "SELECT t.total, p.name");
	for (const catalog_column *c = src->columns; c->name; c++)
		str_appendf(sql, ", p.%s", c->name);
	str_appendf(sql, " FROM (SELECT count(*) FROM (%s) x (name, label, system, oid) WHERE %s) t (total) "
			 "LEFT JOIN (SELECT x.name",
		    src->list_sql, src->filter);
	for (const catalog_column *c = src->columns; c->name; c++)
		str_appendf(sql, ", %s AS %s", c->sql, c->name);
	str_appendf(sql,
		    ", x._k, x._t FROM (SELECT x.*, %s AS _k, %s AS _t FROM (%s) x (name, label, system, oid)%s "
		    "WHERE %s ORDER BY %s LIMIT $%d::int8 OFFSET $%d::int8) x%s) p ON true ORDER BY p.%s",
		    key ? key : "NULL", src->order, src->list_sql, key ? str_cstr(&join) : "", src->filter, order,
		    src->nparams + 1, src->nparams + 2, str_cstr(&join), order);
	str_free(&join);
	return true;
}

/* Finds what the collection at path lists; w is walked (and to be freed) when *walked. */
static bool grid_source_of(const catalog_grid_query *q, struct grid_source *src, struct walk *w, bool *walked,
			   tusk_err *err)
{
	const char *path = q->path ? q->path : "";
	memset(src, 0, sizeof(*src));
	*walked = false;
	for (size_t i = 0; i < NSERVER; i++) {
		const struct server_collection *c = &server_collections[i];
		if (path[0] != '/' || strcmp(path + 1, c->name) != 0)
			continue;
		*src = (struct grid_source){NULL, c->list_sql, "true", "x.name", c->catalog, c->columns, {NULL}, 0,
					    c->member_kind, c->member_icon, strcmp(c->name, "databases") == 0};
		if (c->restricted)
			src->params[src->nparams++] = q->db_restriction; /* the array literal catalog_collection made */
		return true;
	}
	*walked = strncmp(path, "/databases/", 11) == 0;
	if (!*walked || !walk_path(path, w) || !w->collection || w->at_member ||
	    level_params(w->collection->level) > w->nparams) {
		err_set(err, ERR_NOT_FOUND, "There is no collection at '%s'.", path);
		return false;
	}
	const catalog_kind *k = w->collection;
	*src = (struct grid_source){w->db,
				    k->list_sql,
				    q->show_system ? "true" : "NOT x.system",
				    k->order ? k->order : "x.name",
				    k->catalog,
				    k->columns,
				    {w->params[0], w->params[1]},
				    level_params(k->level),
				    k->kind,
				    k->icon,
				    *catalog_children_of(k->kind) != NULL};
	return true;
}

static bool collection(const pgpool_ref *pg, const catalog_grid_query *q, catalog_grid *out, pg_error *pgerr,
		       tusk_err *err)
{
	struct grid_source src;
	struct walk w;
	bool walked;
	bool ok = grid_source_of(q, &src, &w, &walked, err);
	str sql = STR_INIT;
	ok = ok && grid_sql(&src, q, &sql, err);
	char limit[24], offset[24];
	snprintf(limit, sizeof(limit), "%lld", (long long)q->limit);
	snprintf(offset, sizeof(offset), "%lld", (long long)q->offset);
	src.params[src.nparams] = limit;
	src.params[src.nparams + 1] = offset;
	PGresult *r = ok ? pgpool_query(pg, src.db, str_cstr(&sql), src.nparams + 2, src.params,
					pgerr, err)
			 : NULL;
	str_free(&sql);
	ok = r != NULL;
	if (ok) {
		size_t ncols = 1;
		while (src.columns[ncols - 1].name)
			ncols++;
		out->columns = xmalloc(ncols * sizeof(*out->columns));
		out->columns[0] = "name";
		for (size_t c = 1; c < ncols; c++)
			out->columns[c] = src.columns[c - 1].name;
		out->ncolumns = ncols;
		out->kind = src.kind;
		out->icon = src.icon;
		out->has_children = src.has_children;
		out->total = PQntuples(r) > 0 ? atoll(PQgetvalue(r, 0, 0)) : 0;
		out->nrows = PQntuples(r) > 0 && !PQgetisnull(r, 0, 1) ? (size_t)PQntuples(r) : 0;
		size_t cells = out->nrows * ncols;
		out->paths = xcalloc(out->nrows + 1, sizeof(*out->paths));
		out->values = xcalloc(cells + 1, sizeof(*out->values));
		str child = STR_INIT;
		for (size_t i = 0; i < out->nrows; i++) {
			str_reset(&child);
			str_appendf(&child, "%s/", q->path);
			catalog_append_segment(&child, PQgetvalue(r, (int)i, 1));
			out->paths[i] = xstrdup(str_cstr(&child));
			for (size_t c = 0; c < ncols; c++)
				if (!PQgetisnull(r, (int)i, (int)c + 1))
					out->values[i * ncols + c] = xstrdup(PQgetvalue(r, (int)i, (int)c + 1));
		}
		str_free(&child);
	}
	PQclear(r);
	if (walked)
		walk_free(&w);
	return ok;
}

bool catalog_collection(const pgpool_ref *pg, const catalog_grid_query *q, catalog_grid *out, pg_error *pgerr,
			tusk_err *err)
{
	*out = (catalog_grid){0};
	catalog_grid_query literal = *q;
	char *restriction = pg_array_literal(q->db_restriction);
	literal.db_restriction = restriction;
	bool ok = collection(pg, &literal, out, pgerr, err);
	free(restriction);
	return ok;
}

void catalog_pairs_free(catalog_pairs *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->names[i]);
		free(p->values[i]);
	}
	free(p->names);
	free(p->values);
	*p = (catalog_pairs){0};
}

static void pair(catalog_pairs *p, const char *name, const char *value)
{
	p->names = xrealloc(p->names, (p->n + 1) * sizeof(char *));
	p->values = xrealloc(p->values, (p->n + 1) * sizeof(char *));
	p->names[p->n] = xstrdup(name);
	p->values[p->n++] = value ? xstrdup(value) : NULL;
}

/* Walks path to a member (or a database) and finds its kind's query. */
static const char *facet_query(const char *path, enum catalog_facet facet, struct walk *w, const char *params[3],
			       int *nparams, tusk_err *err)
{
	bool global = walk_global(path, w);
	if (!global && (!path || strncmp(path, "/databases/", 11) != 0 || !walk_path(path, w))) {
		if (path && strncmp(path, "/databases/", 11) == 0)
			walk_free(w);
		memset(w, 0, sizeof(*w));
		err_set(err, ERR_NOT_FOUND, "There is no object at '%s'.", path ? path : "");
		return NULL;
	}
	if (w->collection && !w->at_member) {
		err_set(err, ERR_NOT_FOUND, "'%s' is a collection, not an object.", path);
		return NULL;
	}
	const char *kind = w->collection || w->global ? w->member_kind : "database";
	const char *sql = catalog_props_query(kind, facet, nparams);
	if (!sql) {
		err_set(err, ERR_UNAVAILABLE, "Tusk has no %s for a %s yet.",
			facet == CATALOG_STATISTICS ? "statistics" : "details", kind);
		return NULL;
	}
	if (!member_params(w, *nparams, params)) {
		err_set(err, ERR_NOT_FOUND, "There is no object at '%s'.", path);
		return NULL;
	}
	return sql;
}

bool catalog_facet(const pgpool_ref *pg, const char *path, enum catalog_facet facet,
		   catalog_pairs *out, pg_error *pgerr, tusk_err *err)
{
	*out = (catalog_pairs){0};
	struct walk w;
	const char *params[3];
	int nparams = 0;
	const char *sql = facet_query(path, facet, &w, params, &nparams, err);
	bool ok = sql != NULL;
	PGresult *r = ok ? pgpool_query(pg, w.db, sql, nparams, params, pgerr, err) : NULL;
	ok = r != NULL;
	if (ok && PQntuples(r) == 0 && facet == CATALOG_PROPERTIES) {
		err_set(err, ERR_NOT_FOUND, "There is no object at '%s'.", path);
		ok = false;
	}
	for (int c = 0; ok && PQntuples(r) > 0 && c < PQnfields(r); c++)
		pair(out, PQfname(r, c), PQgetisnull(r, 0, c) ? NULL : PQgetvalue(r, 0, c));
	PQclear(r);
	walk_free(&w);
	return ok;
}

bool catalog_dependencies(const pgpool_ref *pg, const char *path, bool dependents,
			  catalog_pairs *out, pg_error *pgerr, tusk_err *err)
{
	*out = (catalog_pairs){0};
	struct walk w;
	const char *params[3];
	int nparams = 0;
	const char *sql = facet_query(path, CATALOG_IDENTITY, &w, params, &nparams, err);
	PGresult *r = sql ? pgpool_query(pg, w.db, sql, nparams, params, pgerr, err) : NULL;
	bool ok = r != NULL;
	if (ok && (PQntuples(r) == 0 || PQgetisnull(r, 0, 1))) {
		err_set(err, ERR_NOT_FOUND, "There is no object at '%s'.", path);
		ok = false;
	}
	if (ok) {
		const char *ids[2] = {PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1)};
		static const char *const deptype =
			"CASE d.deptype WHEN 'n' THEN 'normal' WHEN 'a' THEN 'automatic' WHEN 'i' THEN 'internal' "
			"WHEN 'e' THEN 'extension' WHEN 'x' THEN 'extension (automatic)' WHEN 'P' THEN 'partition' "
			"WHEN 'S' THEN 'partition (secondary)' ELSE d.deptype::text END";
		str q = STR_INIT;
		if (dependents)
			str_appendf(&q,
				    "SELECT DISTINCT pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), %s "
				    "FROM pg_catalog.pg_depend d WHERE d.refclassid = $1::oid AND d.refobjid = $2::oid "
				    "ORDER BY 1",
				    deptype);
		else
			str_appendf(&q,
				    "SELECT pg_catalog.pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid), %s "
				    "FROM pg_catalog.pg_depend d WHERE d.classid = $1::oid AND d.objid = $2::oid AND "
				    "d.deptype <> 'p' UNION SELECT pg_catalog.pg_describe_object(s.refclassid, "
				    "s.refobjid, 0), CASE s.deptype WHEN 'o' THEN 'owner' WHEN 'a' THEN 'privileges' WHEN "
				    "'r' THEN 'policy' ELSE s.deptype::text END FROM pg_catalog.pg_shdepend s WHERE "
				    "s.classid = $1::oid AND s.objid = $2::oid AND s.dbid = (SELECT oid FROM "
				    "pg_catalog.pg_database WHERE datname = pg_catalog.current_database()) ORDER BY 1",
				    deptype);
		PGresult *d = pgpool_query(pg, w.db, str_cstr(&q), 2, ids, pgerr, err);
		str_free(&q);
		ok = d != NULL;
		for (int i = 0; ok && i < PQntuples(d); i++)
			pair(out, PQgetvalue(d, i, 0), PQgetvalue(d, i, 1));
		PQclear(d);
	}
	PQclear(r);
	walk_free(&w);
	return ok;
}

/* The object's address as rows (part, i, value, quote_ident(value)), so
 * that no part is ever read back out of text: its type (with "domain" for a
 * domain), pg_identify_object's identity (to show), its names and args, and
 * an operator's kind. $1, $2 are the catalog and the object's oid; $3 a
 * column's name (NULL for anything else), whose number is the sub-object
 * id: a column that is not there names nothing (never its table). A type,
 * and the domain of a domain constraint, are named by (schema, name) from
 * pg_type: the address gives them as one formatted type name, which a
 * rename or a move could not build on. */
static const char *const ADDRESS_SQL =
	"WITH s AS (SELECT CASE WHEN $3::text IS NULL THEN 0 ELSE (SELECT c.attnum FROM pg_catalog.pg_attribute c "
	"WHERE c.attrelid = $2::oid AND c.attname = $3::text AND c.attnum > 0 AND NOT c.attisdropped) END::int4 AS sub), "
	"a AS (SELECT x.* FROM s, pg_catalog.pg_identify_object_as_address($1::oid, $2::oid, s.sub) x), "
	"t AS (SELECT n.nspname, y.typname, y.typtype FROM pg_catalog.pg_type y JOIN pg_catalog.pg_namespace n "
	"ON n.oid = y.typnamespace WHERE y.oid = CASE $1::oid WHEN 'pg_catalog.pg_type'::pg_catalog.regclass THEN "
	"$2::oid WHEN 'pg_catalog.pg_constraint'::pg_catalog.regclass THEN (SELECT k.contypid FROM "
	"pg_catalog.pg_constraint k WHERE k.oid = $2::oid) END) "
	"SELECT x.part, x.i, x.v, pg_catalog.quote_ident(x.v) FROM ("
	"SELECT 'type' AS part, 0::int8 AS i, CASE WHEN a.type = 'type' AND t.typtype = 'd' THEN 'domain' ELSE a.type "
	"END AS v FROM a LEFT JOIN t ON true "
	"UNION ALL SELECT 'identity', 0, o.identity FROM s, pg_catalog.pg_identify_object($1::oid, $2::oid, s.sub) o "
	"UNION ALL SELECT 'name', u.i, u.v FROM a, pg_catalog.unnest(CASE WHEN EXISTS (SELECT FROM t) THEN "
	"ARRAY[(SELECT t.nspname::text FROM t), (SELECT t.typname::text FROM t)] ELSE a.object_names END) "
	"WITH ORDINALITY u (v, i) "
	"UNION ALL SELECT 'arg', u.i, u.v FROM a, pg_catalog.unnest(a.object_args) WITH ORDINALITY u (v, i) "
	"UNION ALL SELECT 'oprkind', 0, o.oprkind::text FROM pg_catalog.pg_operator o WHERE "
	"$1::oid = 'pg_catalog.pg_operator'::pg_catalog.regclass AND o.oid = $2::oid"
	") x ORDER BY x.part, x.i";

static void add_part(catalog_part **parts, size_t *n, PGresult *r, int row)
{
	*parts = xrealloc(*parts, (*n + 1) * sizeof(**parts));
	(*parts)[(*n)++] = (catalog_part){PQgetisnull(r, row, 2) ? NULL : xstrdup(PQgetvalue(r, row, 2)),
					  PQgetisnull(r, row, 3) ? NULL : xstrdup(PQgetvalue(r, row, 3))};
}

/* Fills o from ADDRESS_SQL's rows; false when they lack a type or a name. */
static bool read_address(PGresult *r, catalog_object *o)
{
	for (int i = 0; i < PQntuples(r); i++) {
		const char *part = PQgetvalue(r, i, 0), *v = PQgetisnull(r, i, 2) ? NULL : PQgetvalue(r, i, 2);
		if (strcmp(part, "type") == 0 && v)
			o->type = xstrdup(v);
		else if (strcmp(part, "identity") == 0 && v)
			o->identity = xstrdup(v);
		else if (strcmp(part, "name") == 0)
			add_part(&o->names, &o->nnames, r, i);
		else if (strcmp(part, "arg") == 0)
			add_part(&o->args, &o->nargs, r, i);
		else if (strcmp(part, "oprkind") == 0 && v)
			o->oprkind = v[0];
	}
	return o->type && o->identity && o->nnames > 0;
}

bool catalog_object_at(const pgpool_ref *pg, const char *path, catalog_object *out,
		       pg_error *pgerr, tusk_err *err)
{
	*out = (catalog_object){0};
	struct walk w;
	const char *params[3];
	int nparams = 0;
	const char *sql = facet_query(path, CATALOG_IDENTITY, &w, params, &nparams, err);
	PGresult *r = sql ? pgpool_query(pg, w.db, sql, nparams, params, pgerr, err) : NULL;
	bool ok = r != NULL && PQntuples(r) == 1 && !PQgetisnull(r, 0, 1);
	if (r && !ok)
		err_set(err, ERR_NOT_FOUND, "There is no object at '%s'.", path);
	if (ok) {
		/* a column is its table's sub-object */
		bool column = w.collection && strcmp(w.member_kind, "column") == 0;
		const char *ids[3] = {PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), column ? w.names[w.nnames - 1] : NULL};
		PGresult *a = pgpool_query(pg, w.db, ADDRESS_SQL, 3, ids, pgerr, err);
		ok = a != NULL;
		if (ok && !read_address(a, out)) {
			err_set(err, ERR_NOT_FOUND, "There is no object at '%s'.", path);
			ok = false;
		}
		PQclear(a);
		if (ok)
			out->db = w.db ? xstrdup(w.db) : NULL; /* a role or tablespace: the maintenance database */
	}
	PQclear(r);
	walk_free(&w);
	if (!ok)
		catalog_object_free(out);
	return ok;
}

static void parts_free(catalog_part *parts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(parts[i].raw);
		free(parts[i].quoted);
	}
	free(parts);
}

void catalog_object_free(catalog_object *o)
{
	free(o->db);
	free(o->type);
	free(o->identity);
	parts_free(o->names, o->nnames);
	parts_free(o->args, o->nargs);
	*o = (catalog_object){0};
}

bool catalog_path_relation(const char *path, char **db, char **schema, char **name, const char **kind,
			   tusk_err *err)
{
	struct walk w;
	if (!path || strncmp(path, "/databases/", 11) != 0 || !walk_path(path, &w)) {
		if (path && strncmp(path, "/databases/", 11) == 0)
			walk_free(&w);
		err_set(err, ERR_NOT_FOUND, "There is no object at '%s'.", path ? path : "");
		return false;
	}
	bool ok = w.at_member && w.nparams >= 1 &&
		  (strcmp(w.member_kind, "table") == 0 || strcmp(w.member_kind, "view") == 0 ||
		   strcmp(w.member_kind, "materialized_view") == 0);
	if (!ok) {
		err_set(err, ERR_NOT_FOUND, "'%s' is not a table or view.", path);
	} else {
		*db = xstrdup(w.db);
		*schema = xstrdup(w.params[0]);
		*name = xstrdup(w.names[w.nnames - 1]);
		*kind = strcmp(w.member_kind, "table") == 0 ? "table"
			: strcmp(w.member_kind, "view") == 0 ? "view"
							     : "materialized_view";
	}
	walk_free(&w);
	return ok;
}

/* Each searchable kind: (schema, name, part, label) rows of objects whose
 * name matches $1. name is the member of the schema's collection; a column
 * or an index is a part of it (part: its name, in the part collection),
 * each name in a column of its own so the path escapes each whole. */
static const struct {
	const char *kind, *collection, *part_collection, *sql;
} searchable[] = {
	{"table", "tables", NULL,
	 "SELECT n.nspname, c.relname, NULL, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
	 "n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname ILIKE $1"},
	{"view", "views", NULL,
	 "SELECT n.nspname, c.relname, NULL, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
	 "n.oid = c.relnamespace WHERE c.relkind = 'v' AND c.relname ILIKE $1"},
	{"materialized_view", "materialized_views", NULL,
	 "SELECT n.nspname, c.relname, NULL, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
	 "n.oid = c.relnamespace WHERE c.relkind = 'm' AND c.relname ILIKE $1"},
	{"sequence", "sequences", NULL,
	 "SELECT n.nspname, c.relname, NULL, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
	 "n.oid = c.relnamespace WHERE c.relkind = 'S' AND c.relname ILIKE $1"},
	{"function", "functions", NULL,
	 "SELECT n.nspname, p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', NULL, "
	 "p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')' FROM pg_catalog.pg_proc p "
	 "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind = 'f' AND p.prorettype NOT IN "
	 "('pg_catalog.trigger'::regtype, 'pg_catalog.event_trigger'::regtype) AND p.proname ILIKE $1"},
	{"type", "types", NULL,
	 "SELECT n.nspname, t.typname, NULL, t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON "
	 "n.oid = t.typnamespace WHERE t.typtype IN ('c', 'e', 'r', 'm', 'b') AND (t.typrelid = 0 OR (SELECT c.relkind "
	 "FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid) = 'c') AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type "
	 "el WHERE el.oid = t.typelem AND el.typarray = t.oid) AND t.typname ILIKE $1"},
	{"column", "tables", "columns",
	 "SELECT n.nspname, c.relname, a.attname, c.relname || '.' || a.attname FROM pg_catalog.pg_attribute a JOIN "
	 "pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE "
	 "c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND a.attname ILIKE $1"},
	{"index", "tables", "indexes",
	 "SELECT n.nspname, t.relname, ic.relname, ic.relname || ' on ' || t.relname FROM pg_catalog.pg_index i JOIN "
	 "pg_catalog.pg_class ic ON ic.oid = i.indexrelid JOIN pg_catalog.pg_class t ON t.oid = i.indrelid JOIN "
	 "pg_catalog.pg_namespace n ON n.oid = t.relnamespace WHERE t.relkind IN ('r', 'p') AND ic.relname ILIKE $1"},
};

bool catalog_search(const pgpool_ref *pg, const char *db, const char *text,
		    const char *kind, int limit, catalog_list *out, pg_error *pgerr, tusk_err *err)
{
	*out = (catalog_list){0};
	str pattern = STR_INIT;
	str_append_char(&pattern, '%');
	for (const char *c = text; *c; c++) {
		if (*c == '%' || *c == '_' || *c == '\\')
			str_append_char(&pattern, '\\');
		str_append_char(&pattern, *c);
	}
	str_append_char(&pattern, '%');
	bool any = false;
	for (size_t k = 0; k < sizeof(searchable) / sizeof(*searchable) && (int)out->n < limit; k++) {
		if (kind && *kind && strcmp(kind, searchable[k].kind) != 0)
			continue;
		any = true;
		str sql = STR_INIT;
		str_appendf(&sql, "SELECT * FROM (%s) x WHERE x.nspname NOT IN ('pg_catalog', 'information_schema') AND "
				  "x.nspname NOT LIKE 'pg\\_toast%%' ORDER BY 4 LIMIT %d",
			    searchable[k].sql, limit - (int)out->n);
		const char *params[1] = {str_cstr(&pattern)};
		PGresult *r = pgpool_query(pg, db, str_cstr(&sql), 1, params, pgerr, err);
		str_free(&sql);
		if (!r) {
			str_free(&pattern);
			catalog_list_free(out);
			return false;
		}
		for (int i = 0; i < PQntuples(r); i++) {
			str path = STR_INIT;
			str_append_cstr(&path, "/databases/");
			catalog_append_segment(&path, db);
			str_append_cstr(&path, "/schemas/");
			catalog_append_segment(&path, PQgetvalue(r, i, 0));
			str_appendf(&path, "/%s/", searchable[k].collection);
			catalog_append_segment(&path, PQgetvalue(r, i, 1));
			if (searchable[k].part_collection) {
				str_appendf(&path, "/%s/", searchable[k].part_collection);
				catalog_append_segment(&path, PQgetvalue(r, i, 2));
			}
			str label = STR_INIT;
			str_appendf(&label, "%s.%s", PQgetvalue(r, i, 0), PQgetvalue(r, i, 3));
			add(out, str_cstr(&path), str_cstr(&label), searchable[k].kind, searchable[k].kind, -1, false);
			str_free(&label);
			str_free(&path);
		}
		PQclear(r);
	}
	str_free(&pattern);
	if (!any) {
		err_set(err, ERR_INVALID_KIND, "Tusk searches tables, views, materialized views, sequences, functions, types, "
					     "columns and indexes; '%s' is none of them.",
			kind);
		return false;
	}
	return true;
}
