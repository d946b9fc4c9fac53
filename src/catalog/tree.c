/* The engine that walks the kinds (kinds.h): a tree path parsed once,
 * the children of what it names (a collection's members, a member's
 * collections with their counts), a collection's grid, an object's DDL,
 * properties, statistics, dependencies and address, and search. Paths look
 * like "/", "/databases", "/roles/{role}", "/databases/{db}/schemas/{s}/tables/{t}",
 * each name a segment with '/' and '%' percent-escaped. */
#include "catalog/catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/kinds.h"
#include "catalog/walk.h"
#include "pg/quote.h"
#include "util/str.h"

static void add(catalog_list *l, const char *path, const char *label, const char *kind, const char *icon, int64_t count,
		bool has_children)
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

static bool has_children(const catalog_kind *k)
{
	return k->children && *k->children;
}

/* ---- a path, walked once ---- */

/* Where a path stands: a server collection ("/roles"), a member of one
 * ("/roles/{r}"), or inside a database: the database itself, one of its
 * collections, or a member of one. */

void catalog_walk_free(catalog_walk *w)
{
	free(w->db);
	for (int i = 0; i < w->nnames; i++)
		free(w->names[i]);
	memset(w, 0, sizeof(*w));
}

static bool in_list(const char *const *list, const char *s)
{
	for (; list && *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

/* The next segment of *p (decoded when a name), *p moved past it; NULL at the end. */
static char *next_segment(const char **p, bool name)
{
	if (!**p)
		return NULL;
	const char *slash = strchr(*p, '/');
	size_t n = slash ? (size_t)(slash - *p) : strlen(*p);
	char *seg = name ? decode_segment(*p, n) : xstrndup(*p, n);
	*p = slash ? slash + 1 : *p + n;
	return seg;
}

/* "/databases/{db}/c0/n0/c1/n1...": each collection must be one of the
 * member's before it; false for a path that names nothing. */
static bool walk_database(const char *p, catalog_walk *w)
{
	w->kind = catalog_kind_named("database");
	w->at_member = true;
	w->db = next_segment(&p, true);
	if (!w->db || !*w->db)
		return false;
	const char *schema = NULL, *level2 = NULL, *fdw = NULL;
	char *seg;
	while ((seg = next_segment(&p, false))) {
		const catalog_listing *list;
		const catalog_kind *k = catalog_kind_listing(seg, &list);
		free(seg);
		if (!k || !in_list(w->kind->children, list->collection) || w->nnames >= 15)
			return false;
		w->kind = k;
		w->list = list;
		w->at_member = false;
		char *name = next_segment(&p, true);
		if (!name)
			break;
		w->names[w->nnames++] = name;
		w->at_member = true;
		if (strcmp(k->kind, "schema") == 0)
			schema = name;
		else if (strcmp(k->kind, "table") == 0 || strcmp(k->kind, "view") == 0 ||
			 strcmp(k->kind, "materialized_view") == 0 || strcmp(k->kind, "domain") == 0 ||
			 strcmp(k->kind, "foreign_server") == 0)
			level2 = name;
		else if (strcmp(k->kind, "foreign_data_wrapper") == 0)
			fdw = name;
	}
	/* the ancestor names the next listing takes */
	const char *first = schema ? schema : fdw;
	if (first)
		w->params[w->nparams++] = first;
	if (level2 && first)
		w->params[w->nparams++] = level2;
	return true;
}

/* Walks path into w; false (w freed, err not_found) for a path that names nothing. */
bool catalog_walk_path(const char *path, catalog_walk *w, tusk_err *err)
{
	memset(w, 0, sizeof(*w));
	size_t n = path ? strlen(path) : 0;
	/* names are escaped: a path ending in '/' ends in an empty name */
	const char *p = n > 1 && path[0] == '/' && path[n - 1] != '/' ? path + 1 : "";
	char *first = next_segment(&p, false);
	const catalog_listing *list = NULL;
	const catalog_kind *k = first ? catalog_kind_listing(first, &list) : NULL;
	free(first);
	bool ok = k && list->level == CATALOG_AT_SERVER;
	if (ok && strcmp(k->kind, "database") == 0 && *p) {
		ok = walk_database(p, w);
	} else if (ok) {
		/* a server collection, or a role or tablespace: read from the maintenance database */
		w->kind = k;
		w->list = list;
		char *name = next_segment(&p, true);
		ok = !*p && (!name || *name);
		if (name) {
			w->names[w->nnames++] = name;
			w->params[w->nparams++] = name;
			w->at_member = true;
		}
	}
	if (!ok) {
		catalog_walk_free(w);
		err_set(err, ERR_NOT_FOUND, "There is no object at '%s'.", path ? path : "");
	}
	return ok;
}

/* A walk to one object: a member, or a database itself; not a collection. */
static bool walk_object(const char *path, catalog_walk *w, const char *what, tusk_err *err)
{
	if (!catalog_walk_path(path, w, err))
		return false;
	if (w->at_member)
		return true;
	err_set(err, ERR_NOT_FOUND, "'%s' is a collection%s.", path, what);
	catalog_walk_free(w);
	return false;
}

/* The ancestors' names, then the member's own name when the kind needs it. */
static bool member_params(const catalog_walk *w, int nparams, const char *params[3])
{
	int have = w->nparams;
	params[0] = w->params[0];
	params[1] = w->params[1];
	params[2] = NULL;
	if (nparams > have && w->nnames > 0)
		params[have++] = w->names[w->nnames - 1];
	return have == nparams;
}

/* ---- children ---- */

/* Kinds are static strings; the list keeps pointers to them. */
static const char *static_kind(const char *kind)
{
	static const char *const known[] = {"database", "login_role", "group_role", "tablespace"};
	for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++)
		if (strcmp(kind, known[i]) == 0)
			return known[i];
	return "object";
}

/* The members of a server collection: (name, label, kind, oid) rows. */
static bool server_members(const pgpool_ref *pg, const catalog_kind *k, const char *restriction, catalog_list *out,
			   pg_error *pgerr, tusk_err *err)
{
	const char *params[1] = {restriction};
	str sql = STR_INIT;
	str_appendf(&sql, "SELECT * FROM (%s) x (name, label, kind, oid) ORDER BY x.name", k->list->sql);
	PGresult *r = pgpool_query(pg, NULL, str_cstr(&sql), k->list->restricted ? 1 : 0, params, pgerr, err);
	str_free(&sql);
	if (!r)
		return false;
	for (int i = 0; i < PQntuples(r); i++) {
		str path = STR_INIT;
		str_appendf(&path, "/%s/", k->list->collection);
		catalog_append_segment(&path, PQgetvalue(r, i, 0));
		add(out, str_cstr(&path), PQgetvalue(r, i, 1), static_kind(PQgetvalue(r, i, 2)), k->icon, -1,
		    has_children(k));
		str_free(&path);
	}
	PQclear(r);
	return true;
}

/* The server's collections with their counts, in one row. */
static bool server_top(const pgpool_ref *pg, const char *restriction, catalog_list *out, pg_error *pgerr, tusk_err *err)
{
	str sql = STR_INIT;
	str_append_cstr(&sql, "SELECT ");
	int n = 0;
	for (const catalog_kind *k = catalog_server_kinds; k->kind; k++, n++)
		str_appendf(&sql, "%s(SELECT count(*) FROM (%s) x)", n ? ", " : "", k->list->sql);
	const char *params[1] = {restriction};
	PGresult *r = pgpool_query(pg, NULL, str_cstr(&sql), 1, params, pgerr, err);
	str_free(&sql);
	if (!r)
		return false;
	n = 0;
	for (const catalog_kind *k = catalog_server_kinds; k->kind; k++, n++) {
		char path[64];
		snprintf(path, sizeof(path), "/%s", k->list->collection);
		add(out, path, k->list->label, "collection", k->list->icon, atoll(PQgetvalue(r, 0, n)), true);
	}
	PQclear(r);
	return true;
}

/* The collections under the member the walk stands on, with counts: one row
 * of scalar subqueries, one per collection (a UNION ALL would come back in
 * any order from a parallel plan, and sorting each list only to count it
 * would be wasted). */
static bool member_collections(const pgpool_ref *pg, const char *path, const catalog_walk *w, bool show_system,
			       catalog_list *out, pg_error *pgerr, tusk_err *err)
{
	const char *const *children = w->kind->children;
	if (!children || !*children)
		return true;
	str sql = STR_INIT;
	int nparams = 0;
	str_append_cstr(&sql, "SELECT ");
	for (int i = 0; children[i]; i++) {
		const catalog_listing *list;
		catalog_kind_listing(children[i], &list);
		nparams = catalog_level_params(list->level);
		str_appendf(&sql, "%s(SELECT count(*) FILTER (WHERE %s) FROM (%s) x (name, label, system))",
			    i ? ", " : "", show_system ? "true" : "NOT x.system", list->sql);
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
		const catalog_listing *list;
		const catalog_kind *k = catalog_kind_listing(children[i], &list);
		str child = STR_INIT;
		str_appendf(&child, "%s/%s", path, list->collection);
		add(out, str_cstr(&child), list->label, "collection", k->icon, atoll(PQgetvalue(r, 0, i)), true);
		str_free(&child);
	}
	PQclear(r);
	return true;
}

/* The members of the collection the walk ends at, in the kind's order; the
 * list says they share a kind, an icon and a parent path. */
static bool collection_members(const pgpool_ref *pg, const char *path, const catalog_walk *w, bool show_system,
			       catalog_list *out, pg_error *pgerr, tusk_err *err)
{
	const catalog_kind *k = w->kind;
	int nparams = catalog_level_params(w->list->level);
	if (nparams > w->nparams) {
		err_set(err, ERR_NOT_FOUND, "There is no object at '%s'.", path);
		return false;
	}
	str sql = STR_INIT;
	str_appendf(&sql, "SELECT x.name, x.label FROM (%s) x (name, label, system, oid)%s ORDER BY %s", w->list->sql,
		    show_system ? "" : " WHERE NOT x.system", w->list->order ? w->list->order : "x.name");
	PGresult *r = pgpool_query(pg, w->db, str_cstr(&sql), nparams, w->params, pgerr, err);
	str_free(&sql);
	if (!r)
		return false;
	int n = PQntuples(r);
	out->nodes = xrealloc(out->nodes, (out->n + (size_t)n) * sizeof(*out->nodes));
	str child = STR_INIT;
	for (int i = 0; i < n; i++) {
		str_reset(&child);
		str_appendf(&child, "%s/", path);
		catalog_append_segment(&child, PQgetvalue(r, i, 0));
		out->nodes[out->n++] = (catalog_node){
		    xstrdup(str_cstr(&child)), xstrdup(PQgetvalue(r, i, 1)), k->kind, k->icon, -1, has_children(k)};
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
	catalog_walk w;
	if (!catalog_walk_path(path, &w, err))
		return false;
	bool ok;
	if (!w.db && w.at_member) {
		/* a role or a tablespace has nothing under it */
		err_set(err, ERR_NOT_FOUND, "There is no object at '%s'.", path);
		ok = false;
	} else if (!w.db) {
		ok = server_members(pg, w.kind, db_restriction, out, pgerr, err);
	} else if (w.at_member) {
		ok = member_collections(pg, path, &w, show_system, out, pgerr, err);
	} else {
		ok = collection_members(pg, path, &w, show_system, out, pgerr, err);
	}
	catalog_walk_free(&w);
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

/* ---- DDL ---- */

static const Oid TEXT_PARAMS[4] = {25, 25, 25, 25}; /* names are text, as on the pool's statements */

/* PostgreSQL's refusal (r NULL: a broken connection) in pgerr (when given) and err; false. */
static bool ddl_failed(PGconn *conn, pg_error *pgerr, PGresult *r, tusk_err *err)
{
	pg_error local;
	pg_error_fill(pgerr ? pgerr : &local, r, conn);
	err_set(err, PQstatus(conn) == CONNECTION_OK ? ERR_QUERY_FAILED : ERR_CONNECTION_LOST, "%s",
		(pgerr ? pgerr : &local)->message);
	return false;
}

/* One object's DDL is a batch of one (catalog_ddl_many): the same queries, the same way. */
bool catalog_ddl(const pgpool_ref *pg, const char *path, str *out, pg_error *pgerr, tusk_err *err)
{
	tusk_err one = {0};
	bool ok = catalog_ddl_many(pg, &path, 1, out, &one, pgerr, err);
	if (ok && one.code) {
		*err = one;
		ok = false;
	}
	return ok;
}

/* ---- many objects' DDL at once ---- */

/* One object of a batch: its walk (params point into it) and what is read for it. */
struct ddl_one {
	catalog_walk w;
	const char *params[3], *rparams[3];
	char *objid, *name, *rename_sql;
	bool walked, live, elsewhere; /* live: read by the batch; elsewhere: in another database */
	str *out;
	tusk_err *err;
};

/* One query of a pipeline, for object obj. */
struct ddl_q {
	const char *sql;
	const char *const *params;
	int nparams;
	size_t obj;
	bool prepared; /* run as the unnamed statement (parsed once for consecutive queries of one text) */
};

struct ddl_batch {
	struct ddl_one *o;
	size_t n;
	int server_version;
	struct ddl_q *q;
	size_t nq, capq;
	pg_error *pgerr;
};

static void batch_add(struct ddl_batch *b, const char *sql, const char *const *params, int nparams, size_t obj,
		      bool prepared)
{
	if (b->nq == b->capq) {
		b->capq = b->capq ? b->capq * 2 : 256;
		b->q = xrealloc(b->q, b->capq * sizeof(*b->q));
	}
	b->q[b->nq++] = (struct ddl_q){sql, params, nparams, obj, prepared};
}

/* Up to PIPE_CHUNK queries are sent before their results are read (one round trip a chunk), which
 * keeps what either side buffers small. */
enum { PIPE_CHUNK = 64 };

/* Objects read in one transaction on one borrowed connection (whose lease, the statement timeout
 * and 2 s, bounds its time: 50 tables take some 0.2 s on a local server). Each batch parses its
 * kinds' queries once: 50 a batch read 100 tables 35 % faster than 16. */
enum { BATCH_OBJECTS = 50 };

/* Reads a chunk's results into res (NULL where the pipeline was aborted); false on a broken connection. */
static bool pipe_read(PGconn *conn, size_t m, PGresult **res)
{
	for (size_t i = 0; i < m; i++) {
		res[i] = PQgetResult(conn);
		PGresult *extra;
		while ((extra = PQgetResult(conn)))
			PQclear(extra);
	}
	PGresult *sync = PQgetResult(conn);
	bool ok = PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
	PQclear(sync);
	return ok;
}

/* Runs the batch's queries in pipeline mode; each result goes to take(b, q, r). A query marked
 * prepared runs as the connection's unnamed statement, parsed once for the run of queries with
 * the same text that it starts. The first query that fails fails the batch (the transaction is
 * aborted then). */
static bool batch_run(PGconn *conn, struct ddl_batch *b,
		      void (*take)(struct ddl_batch *, const struct ddl_q *, PGresult *), tusk_err *err)
{
	bool ok = true;
	PGresult *res[2 * PIPE_CHUNK];
	long of[2 * PIPE_CHUNK]; /* the query a result answers; -1: a Parse */
	const char *parsed = NULL;
	for (size_t at = 0; ok && at < b->nq; at += PIPE_CHUNK) {
		size_t m = b->nq - at < PIPE_CHUNK ? b->nq - at : PIPE_CHUNK, sent = 0;
		ok = PQenterPipelineMode(conn);
		for (size_t i = 0; ok && i < m; i++) {
			const struct ddl_q *q = &b->q[at + i];
			if (q->prepared && q->sql != parsed) {
				ok = PQsendPrepare(conn, "", q->sql, q->nparams, TEXT_PARAMS);
				parsed = ok ? q->sql : NULL;
				of[sent] = -1;
				sent += ok;
			}
			if (ok && q->prepared)
				ok = PQsendQueryPrepared(conn, "", q->nparams, q->params, NULL, NULL, 0);
			else if (ok) {
				ok = PQsendQueryParams(conn, q->sql, q->nparams, TEXT_PARAMS, q->params, NULL, NULL, 0);
				parsed = NULL; /* it took the unnamed statement */
			}
			of[sent] = (long)(at + i);
			sent += ok;
		}
		bool synced = PQpipelineSync(conn) == 1;
		bool read = synced && pipe_read(conn, sent, res);
		for (size_t i = 0; i < (synced ? sent : 0); i++) {
			ExecStatusType st = PQresultStatus(res[i]);
			if (ok && of[i] >= 0 && st == PGRES_TUPLES_OK)
				take(b, &b->q[of[i]], res[i]);
			else if (ok && !(of[i] < 0 && st == PGRES_COMMAND_OK))
				ok = ddl_failed(conn, b->pgerr, res[i], err);
			PQclear(res[i]);
		}
		PQexitPipelineMode(conn);
		if (ok && (!synced || !read))
			ok = ddl_failed(conn, b->pgerr, NULL, err);
	}
	b->nq = 0;
	return ok;
}

static void take_objid(struct ddl_batch *b, const struct ddl_q *q, PGresult *r)
{
	struct ddl_one *o = &b->o[q->obj];
	if (PQntuples(r) == 1 && !PQgetisnull(r, 0, 1))
		o->objid = xstrdup(PQgetvalue(r, 0, 1));
}

static void take_name(struct ddl_batch *b, const struct ddl_q *q, PGresult *r)
{
	struct ddl_one *o = &b->o[q->obj];
	if (PQntuples(r) == 1 && !PQgetisnull(r, 0, 0)) {
		o->name = xstrdup(PQgetvalue(r, 0, 0));
		o->params[o->w.kind->nparams - 1] = o->name;
	}
}

static void take_part(struct ddl_batch *b, const struct ddl_q *q, PGresult *r)
{
	for (int i = 0; i < PQntuples(r); i++)
		if (!PQgetisnull(r, i, 0))
			str_appendf(b->o[q->obj].out, "%s\n", PQgetvalue(r, i, 0));
}

static bool batch_exec(PGconn *conn, struct ddl_batch *b, const char *sql, tusk_err *err)
{
	PGresult *r = PQexec(conn, sql);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || ddl_failed(conn, b->pgerr, r, err);
	PQclear(r);
	return ok;
}

/* The DDL of the batch's objects in one read-only transaction whose search_path is empty:
 * PostgreSQL then names every object outside pg_catalog with its schema (pg_get_viewdef,
 * pg_get_functiondef, pg_get_expr, format_type, regproc...), so the DDL applies with an empty
 * search_path, as pg_dump's does. A member's name can hold type names (a function's arguments, a
 * cast's types) that PostgreSQL writes by the search_path: the listing named it under the
 * connection's own, the DDL queries read under the empty one. So each member is found first (its
 * identity, under the own search_path), then named again by its listing under the empty one (the
 * new name kept when exactly one member has the object's oid). Then the kinds' DDL queries, each
 * parsed once and run for every object of its kind with a generic plan (no planning per object).
 * Each step is one pipeline. */
static const char DDL_SETTINGS[] =
    "SET LOCAL search_path = ''; SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL jit = off";

static bool read_batch(void *ctx, PGconn *conn, tusk_err *err)
{
	struct ddl_batch *b = ctx;
	bool ok = batch_exec(conn, b, "BEGIN READ ONLY", err);
	for (size_t i = 0; ok && i < b->n; i++) {
		const catalog_kind *k = b->o[i].w.kind;
		int anc = b->o[i].w.nparams;
		if (b->o[i].live && k->identity_sql && k->nparams > anc && anc <= 2)
			batch_add(b, k->identity_sql, b->o[i].params, k->nparams, i, false);
	}
	ok = ok && batch_run(conn, b, take_objid, err) && batch_exec(conn, b, DDL_SETTINGS, err);
	for (size_t i = 0; ok && i < b->n; i++) {
		struct ddl_one *o = &b->o[i];
		if (!o->objid)
			continue;
		int anc = o->w.nparams;
		str sql = STR_INIT;
		str_appendf(&sql,
			    "SELECT x.name FROM (%s) x (name, label, system, oid) WHERE x.oid = $%d::pg_catalog.oid",
			    o->w.list->sql, anc + 1);
		o->rename_sql = str_take(&sql);
		o->rparams[0] = o->params[0];
		o->rparams[1] = o->params[1];
		o->rparams[anc] = o->objid;
		batch_add(b, o->rename_sql, o->rparams, anc + 1, i, false);
	}
	ok = ok && batch_run(conn, b, take_name, err);
	/* query by query: each kind's query parsed once and run for every object of the kind, an
	 * object's results still in its kind's order */
	for (size_t i = 0; ok && i < b->n; i++) {
		const catalog_kind *k = b->o[i].w.kind;
		bool first = true;
		for (size_t j = 0; j < i && first; j++)
			first = !(b->o[j].live && b->o[j].w.kind == k);
		if (!b->o[i].live || !first)
			continue;
		const char *more = k->ddl_more ? k->ddl_more(b->server_version) : NULL;
		int nddl = 0;
		while (k->ddl[nddl])
			nddl++;
		for (int p = 0; p < nddl + (more != NULL); p++)
			for (size_t j = i; j < b->n; j++)
				if (b->o[j].live && b->o[j].w.kind == k)
					batch_add(b, p < nddl ? k->ddl[p] : more, b->o[j].params, k->nparams, j, true);
	}
	ok = ok && batch_run(conn, b, take_part, err);
	PQclear(PQexec(conn, ok ? "COMMIT" : "ROLLBACK"));
	return ok;
}

/* Walks the object at path; live when the batch reads it (its kind has DDL, in the batch's database). */
static void batch_walk(struct ddl_one *o, const char *path, const char **db)
{
	if (!(o->walked = walk_object(path, &o->w, "; DDL belongs to its members", o->err)))
		return;
	const catalog_kind *k = o->w.kind;
	if (!k->ddl)
		err_set(o->err, ERR_DDL_UNAVAILABLE, "Tusk cannot write the DDL of a %s yet.", k->kind);
	else if (!member_params(&o->w, k->nparams, o->params))
		err_set(o->err, ERR_NOT_FOUND, "There is no object at '%s'.", path);
	else if (*db && strcmp(*db, o->w.db ? o->w.db : ""))
		o->elsewhere = true; /* read on its own after */
	else
		o->live = true;
	if (o->live && !*db)
		*db = o->w.db ? o->w.db : "";
}

bool catalog_ddl_many(const pgpool_ref *pg, const char *const *paths, size_t n, str *outs, tusk_err *errs,
		      pg_error *pgerr, tusk_err *err)
{
	if (pgerr)
		memset(pgerr, 0, sizeof(*pgerr));
	struct ddl_batch b = {xcalloc(n ? n : 1, sizeof(*b.o)), n, pgpool_server_version(pg), NULL, 0, 0, pgerr};
	const char *db = NULL;
	for (size_t i = 0; i < n; i++) {
		b.o[i] = (struct ddl_one){.out = &outs[i], .err = &errs[i]};
		errs[i] = (tusk_err){0};
		batch_walk(&b.o[i], paths[i], &db);
	}
	/* a borrowed connection's lease bounds one transaction: BATCH_OBJECTS objects each */
	struct ddl_one *all = b.o;
	bool ok = true;
	for (size_t at = 0; ok && db && at < n; at += BATCH_OBJECTS) {
		b.o = all + at;
		b.n = n - at < BATCH_OBJECTS ? n - at : BATCH_OBJECTS;
		ok = pgpool_with_conn(pg, *db ? db : NULL, read_batch, &b, err);
	}
	b.o = all;
	for (size_t i = 0; i < n; i++) {
		struct ddl_one *o = &b.o[i];
		if (ok && o->live && outs[i].len == 0)
			err_set(o->err, ERR_NOT_FOUND, "There is no object at '%s'.", paths[i]);
		else if (ok && o->elsewhere && !catalog_ddl(pg, paths[i], &outs[i], NULL, o->err))
			str_free(&outs[i]); /* its error is in errs[i] */
		if (o->walked)
			catalog_walk_free(&o->w);
		FREE_ALL(o->objid, o->name, o->rename_sql);
	}
	free(b.o);
	free(b.q);
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
	free_each((void *const *)g->paths, g->nrows);
	free_each((void *const *)g->values, g->nrows * g->ncolumns);
	FREE_ALL(g->paths, g->values, g->columns);
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
	str_appendf(sql,
		    " FROM (SELECT count(*) FROM (%s) x (name, label, system, oid) WHERE %s) t (total) "
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

/* Finds what the collection at path lists; w is walked (free it). */
static bool grid_source_of(const catalog_grid_query *q, struct grid_source *src, catalog_walk *w, tusk_err *err)
{
	const char *path = q->path ? q->path : "";
	memset(src, 0, sizeof(*src));
	if (!catalog_walk_path(path, w, err))
		return false;
	const catalog_listing *l = w->list;
	if (w->at_member || !l || catalog_level_params(l->level) > w->nparams) {
		err_set(err, ERR_NOT_FOUND, "There is no collection at '%s'.", path);
		catalog_walk_free(w);
		return false;
	}
	bool server = l->level == CATALOG_AT_SERVER;
	*src = (struct grid_source){w->db,
				    l->sql,
				    q->show_system || server ? "true" : "NOT x.system",
				    l->order ? l->order : "x.name",
				    l->catalog,
				    l->columns,
				    {w->params[0], w->params[1]},
				    catalog_level_params(l->level),
				    w->kind->kind,
				    w->kind->icon,
				    has_children(w->kind)};
	if (l->restricted)
		src->params[src->nparams++] = q->db_restriction; /* the array literal catalog_collection made */
	return true;
}

bool catalog_grid_sql(const catalog_grid_query *q, str *sql, char **db, tusk_err *err)
{
	struct grid_source src;
	catalog_walk w;
	*db = NULL;
	if (!grid_source_of(q, &src, &w, err))
		return false;
	bool ok = grid_sql(&src, q, sql, err);
	if (ok && src.db)
		*db = xstrdup(src.db);
	catalog_walk_free(&w);
	return ok;
}

static void read_grid(PGresult *r, const struct grid_source *src, const catalog_grid_query *q, catalog_grid *out)
{
	size_t ncols = 1;
	while (src->columns[ncols - 1].name)
		ncols++;
	out->columns = xmalloc(ncols * sizeof(*out->columns));
	out->columns[0] = "name";
	for (size_t c = 1; c < ncols; c++)
		out->columns[c] = src->columns[c - 1].name;
	out->ncolumns = ncols;
	out->kind = src->kind;
	out->icon = src->icon;
	out->has_children = src->has_children;
	out->total = PQntuples(r) > 0 ? atoll(PQgetvalue(r, 0, 0)) : 0;
	out->nrows = PQntuples(r) > 0 && !PQgetisnull(r, 0, 1) ? (size_t)PQntuples(r) : 0;
	out->paths = xcalloc(out->nrows + 1, sizeof(*out->paths));
	out->values = xcalloc(out->nrows * ncols + 1, sizeof(*out->values));
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

static bool collection(const pgpool_ref *pg, const catalog_grid_query *q, catalog_grid *out, pg_error *pgerr,
		       tusk_err *err)
{
	struct grid_source src;
	catalog_walk w;
	if (!grid_source_of(q, &src, &w, err))
		return false;
	str sql = STR_INIT;
	bool ok = grid_sql(&src, q, &sql, err);
	char limit[24], offset[24];
	snprintf(limit, sizeof(limit), "%lld", (long long)q->limit);
	snprintf(offset, sizeof(offset), "%lld", (long long)q->offset);
	src.params[src.nparams] = limit;
	src.params[src.nparams + 1] = offset;
	PGresult *r = ok ? pgpool_query(pg, src.db, str_cstr(&sql), src.nparams + 2, src.params, pgerr, err) : NULL;
	str_free(&sql);
	ok = r != NULL;
	if (ok)
		read_grid(r, &src, q, out);
	PQclear(r);
	catalog_walk_free(&w);
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
static const char *facet_query(const char *path, enum catalog_facet facet, catalog_walk *w, const char *params[3],
			       int *nparams, tusk_err *err)
{
	if (!walk_object(path, w, ", not an object", err))
		return NULL;
	const catalog_kind *k = w->kind;
	const char *sql = facet == CATALOG_PROPERTIES	? k->props_sql
			  : facet == CATALOG_STATISTICS ? k->stats_sql
							: k->identity_sql;
	*nparams = k->nparams;
	if (!sql) {
		err_set(err, ERR_UNAVAILABLE, "Tusk has no %s for a %s yet.",
			facet == CATALOG_STATISTICS ? "statistics" : "details", k->kind);
		return NULL;
	}
	if (!member_params(w, *nparams, params)) {
		err_set(err, ERR_NOT_FOUND, "There is no object at '%s'.", path);
		return NULL;
	}
	return sql;
}

bool catalog_facet(const pgpool_ref *pg, const char *path, enum catalog_facet facet, catalog_pairs *out,
		   pg_error *pgerr, tusk_err *err)
{
	*out = (catalog_pairs){0};
	catalog_walk w;
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
	catalog_walk_free(&w);
	return ok;
}

bool catalog_dependencies(const pgpool_ref *pg, const char *path, bool dependents, catalog_pairs *out, pg_error *pgerr,
			  tusk_err *err)
{
	*out = (catalog_pairs){0};
	catalog_walk w;
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
			str_appendf(
			    &q,
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
	catalog_walk_free(&w);
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

bool catalog_object_at(const pgpool_ref *pg, const char *path, catalog_object *out, pg_error *pgerr, tusk_err *err)
{
	*out = (catalog_object){0};
	catalog_walk w;
	const char *params[3];
	int nparams = 0;
	const char *sql = facet_query(path, CATALOG_IDENTITY, &w, params, &nparams, err);
	PGresult *r = sql ? pgpool_query(pg, w.db, sql, nparams, params, pgerr, err) : NULL;
	bool ok = r != NULL && PQntuples(r) == 1 && !PQgetisnull(r, 0, 1);
	if (r && !ok)
		err_set(err, ERR_NOT_FOUND, "There is no object at '%s'.", path);
	if (ok) {
		/* a column is its table's sub-object */
		bool column = strcmp(w.kind->kind, "column") == 0;
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
	catalog_walk_free(&w);
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

bool catalog_path_relation(const char *path, char **db, char **schema, char **name, const char **kind, tusk_err *err)
{
	catalog_walk w;
	if (!catalog_walk_path(path, &w, err))
		return false;
	const char *k = w.kind->kind;
	bool ok = w.db && w.at_member && w.nparams >= 1 &&
		  (strcmp(k, "table") == 0 || strcmp(k, "view") == 0 || strcmp(k, "materialized_view") == 0);
	if (!ok) {
		err_set(err, ERR_NOT_FOUND, "'%s' is not a table or view.", path);
	} else {
		*db = xstrdup(w.db);
		*schema = xstrdup(w.params[0]);
		*name = xstrdup(w.names[w.nnames - 1]);
		*kind = w.kind->kind; /* a row's name: lives as long as the process */
	}
	catalog_walk_free(&w);
	return ok;
}

/* The tree path of a search row (schema, name, part, label) of kind k. */
static void found_path(str *path, const char *db, const catalog_kind *k, PGresult *r, int i)
{
	str_append_cstr(path, "/databases/");
	catalog_append_segment(path, db);
	str_append_cstr(path, "/schemas/");
	catalog_append_segment(path, PQgetvalue(r, i, 0));
	str_appendf(path, "/%s/", k->search_parent ? k->search_parent : k->list->collection);
	catalog_append_segment(path, PQgetvalue(r, i, 1));
	if (k->search_parent) {
		str_appendf(path, "/%s/", k->list->collection);
		catalog_append_segment(path, PQgetvalue(r, i, 2));
	}
}

/* One kind's matches, up to limit, into out. */
static bool search_kind(const pgpool_ref *pg, const char *db, const catalog_kind *k, const char *pattern, int limit,
			catalog_list *out, pg_error *pgerr, tusk_err *err)
{
	str sql = STR_INIT;
	str_appendf(&sql,
		    "SELECT * FROM (%s) x WHERE x.nspname NOT IN ('pg_catalog', 'information_schema') AND "
		    "x.nspname NOT LIKE 'pg\\_toast%%' ORDER BY 4 LIMIT %d",
		    k->search_sql, limit);
	const char *params[1] = {pattern};
	PGresult *r = pgpool_query(pg, db, str_cstr(&sql), 1, params, pgerr, err);
	str_free(&sql);
	if (!r)
		return false;
	for (int i = 0; i < PQntuples(r); i++) {
		str path = STR_INIT, label = STR_INIT;
		found_path(&path, db, k, r, i);
		str_appendf(&label, "%s.%s", PQgetvalue(r, i, 0), PQgetvalue(r, i, 3));
		add(out, str_cstr(&path), str_cstr(&label), k->kind, k->kind, -1, false);
		str_free(&label);
		str_free(&path);
	}
	PQclear(r);
	return true;
}

bool catalog_search(const pgpool_ref *pg, const char *db, const char *text, const char *kind, int limit,
		    catalog_list *out, pg_error *pgerr, tusk_err *err)
{
	*out = (catalog_list){0};
	char *pattern = str_like_contains(text, '\\');
	bool any = false, ok = true;
	/* kinds in their search order, while there is room */
	for (int rank = 1; ok; rank++) {
		const catalog_kind *k = catalog_kind_first();
		while (k && k->search_rank != rank)
			k = catalog_kind_next(k);
		if (!k || (int)out->n >= limit)
			break;
		if (kind && *kind && strcmp(kind, k->kind) != 0)
			continue;
		any = true;
		ok = search_kind(pg, db, k, pattern, limit - (int)out->n, out, pgerr, err);
	}
	free(pattern);
	if (!ok) {
		catalog_list_free(out);
		return false;
	}
	if (!any) {
		err_set(err, ERR_INVALID_KIND,
			"Tusk searches tables, views, materialized views, sequences, functions, types, columns and "
			"indexes; '%s' is none of them.",
			kind);
		return false;
	}
	return true;
}
