/* The object browser over HTTP: the tree's children, a collection's grid,
 * an object's DDL, properties, statistics and dependencies, search; the
 * Create, Alter and Drop dialogs; a table's row count, maintenance and
 * script templates. Each handler reads its parameters, makes one call into
 * catalog/ and writes the answer. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "catalog/catalog.h"

/* ---- the tree and collections ---- */

/* The members of one collection without repeating what they share: each is
 * its path segment under parent, or [segment, label] when the label differs. */
static void write_members(json_writer *w, const char *parent, const catalog_list *list)
{
	size_t skip = strlen(parent) + 1;
	jw_fields(w, "sssb", "parent", parent, "kind", list->n ? list->nodes[0].kind : "object", "icon",
		  list->n ? list->nodes[0].icon : "object", "has_children", list->n && list->nodes[0].has_children);
	jw_key(w, "members");
	jw_arr_begin(w);
	for (size_t i = 0; i < list->n; i++) {
		const catalog_node *n = &list->nodes[i];
		const char *segment = n->path + skip;
		if (strcmp(segment, n->label) == 0) {
			jw_str(w, segment);
			continue;
		}
		jw_arr_begin(w);
		jw_str(w, segment);
		jw_str(w, n->label);
		jw_arr_end(w);
	}
	jw_arr_end(w);
}

static void write_node(json_writer *w, const void *item, void *ctx)
{
	(void)ctx;
	const catalog_node *n = item;
	jw_obj_begin(w);
	jw_fields(w, "ssss", "path", n->path, "label", n->label, "kind", n->kind, "icon", n->icon);
	if (n->count >= 0)
		jw_kv_int(w, "count", n->count);
	jw_kv_bool(w, "has_children", n->has_children);
	jw_obj_end(w);
}

void api_objects_children(http_req *r)
{
	bool system, compact;
	api_server s;
	store_server sv;
	if (!api_query_flag(r, "system", &system) || !api_query_flag(r, "compact", &compact) ||
	    !api_server_load(r, &s, &sv))
		return;
	catalog_list list;
	pg_error pe;
	tusk_err err = {0};
	const char *path = http_req_query(r, "path");
	bool ok = catalog_children(&s.pg, path ? path : "/", sv.db_restriction, system, &list, &pe, &err);
	store_server_clear(&sv);
	if (!ok) {
		api_respond_err(r, &err);
		return;
	}
	if (compact && list.members) {
		api_json j;
		write_members(api_json_begin(&j), path, &list);
		api_json_send(r, 200, &j);
	} else {
		api_respond_list(r, "nodes", list.nodes, list.n, sizeof(*list.nodes), write_node, NULL, NULL);
	}
	catalog_list_free(&list);
}

#define GRID_MAX_ROWS 1000

static void write_grid(json_writer *w, const catalog_grid *g, int64_t offset)
{
	jw_fields(w, "iissb", "total", g->total, "offset", offset, "kind", g->kind, "icon", g->icon, "has_children",
		  g->has_children);
	jw_key(w, "columns");
	jw_arr_begin(w);
	for (size_t c = 0; c < g->ncolumns; c++)
		jw_str(w, g->columns[c]);
	jw_arr_end(w);
	jw_key(w, "rows");
	jw_arr_begin(w);
	for (size_t i = 0; i < g->nrows; i++) {
		jw_obj_begin(w);
		jw_kv_str(w, "path", g->paths[i]);
		jw_key(w, "values");
		jw_arr_begin(w);
		for (size_t c = 0; c < g->ncolumns; c++) {
			const char *v = g->values[i * g->ncolumns + c];
			if (v)
				jw_str(w, v);
			else
				jw_null(w);
		}
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

void api_objects_collection(http_req *r)
{
	catalog_grid_query q = {.path = http_req_query(r, "path"), .order = http_req_query(r, "order")};
	if (!api_query_flag(r, "system", &q.show_system) || !api_query_flag(r, "desc", &q.descending) ||
	    !api_query_int(r, "offset", 0, 0, INT32_MAX, ERR_INVALID_OFFSET, &q.offset) ||
	    !api_query_int(r, "limit", 100, 1, GRID_MAX_ROWS, ERR_INVALID_LIMIT, &q.limit))
		return;
	if (!q.path || !*q.path) {
		http_respond_error(r, ERR_MISSING_FIELD, "Give the path of a collection.");
		return;
	}
	api_server s;
	store_server sv;
	if (!api_server_load(r, &s, &sv))
		return;
	q.db_restriction = sv.db_restriction;
	catalog_grid g;
	pg_error pe;
	tusk_err err = {0};
	bool ok = catalog_collection(&s.pg, &q, &g, &pe, &err);
	store_server_clear(&sv);
	if (!ok) {
		api_respond_err(r, &err);
		return;
	}
	api_json j;
	write_grid(api_json_begin(&j), &g, q.offset);
	api_json_send(r, 200, &j);
	catalog_grid_free(&g);
}

void api_objects_ddl(http_req *r)
{
	api_server s;
	if (!api_server_checked(r, &s))
		return;
	str out = STR_INIT;
	pg_error pe;
	tusk_err err = {0};
	if (catalog_ddl(&s.pg, http_req_query(r, "path"), &out, &pe, &err))
		http_respond(r, 200, "text/plain; charset=utf-8", out.buf, out.len);
	else
		api_respond_err(r, &err);
	str_free(&out);
}

/* (name, value) pairs as [{name_key: ..., value_key: ...}] under key. */
static void write_pairs(json_writer *w, const char *key, const catalog_pairs *p, const char *name_key,
			const char *value_key)
{
	jw_key(w, key);
	jw_arr_begin(w);
	for (size_t i = 0; i < p->n; i++) {
		jw_obj_begin(w);
		jw_kv_str(w, name_key, p->names[i]);
		jw_kv_str(w, value_key, p->values[i]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void respond_facet(http_req *r, enum catalog_facet facet, const char *key)
{
	api_server s;
	if (!api_server_checked(r, &s))
		return;
	catalog_pairs p;
	pg_error pe;
	tusk_err err = {0};
	if (!catalog_facet(&s.pg, http_req_query(r, "path"), facet, &p, &pe, &err)) {
		api_respond_err(r, &err);
		return;
	}
	api_json j;
	write_pairs(api_json_begin(&j), key, &p, "name", "value");
	api_json_send(r, 200, &j);
	catalog_pairs_free(&p);
}

void api_objects_properties(http_req *r)
{
	respond_facet(r, CATALOG_PROPERTIES, "properties");
}

void api_objects_statistics(http_req *r)
{
	respond_facet(r, CATALOG_STATISTICS, "statistics");
}

void api_objects_dependencies(http_req *r)
{
	api_server s;
	if (!api_server_checked(r, &s))
		return;
	catalog_pairs deps = {0}, dependents = {0};
	pg_error pe;
	tusk_err err = {0};
	const char *path = http_req_query(r, "path");
	if (catalog_dependencies(&s.pg, path, false, &deps, &pe, &err) &&
	    catalog_dependencies(&s.pg, path, true, &dependents, &pe, &err)) {
		api_json j;
		json_writer *w = api_json_begin(&j);
		write_pairs(w, "dependencies", &deps, "object", "type");
		write_pairs(w, "dependents", &dependents, "object", "type");
		api_json_send(r, 200, &j);
	} else {
		api_respond_err(r, &err);
	}
	catalog_pairs_free(&deps);
	catalog_pairs_free(&dependents);
}

static void write_found(json_writer *w, const void *item, void *ctx)
{
	(void)ctx;
	const catalog_node *n = item;
	jw_obj_begin(w);
	jw_kv_str(w, "path", n->path);
	jw_kv_str(w, "label", n->label);
	jw_kv_str(w, "kind", n->kind);
	jw_obj_end(w);
}

#define SEARCH_MAX 200

void api_objects_search(http_req *r)
{
	api_server s;
	if (!api_server_ref(r, &s))
		return;
	const char *db = http_req_query(r, "database"), *q = http_req_query(r, "q"), *kind = http_req_query(r, "kind");
	if (!db || !*db || !q || strlen(q) < 1 || strlen(q) > 200) {
		http_respond_error(r, ERR_MISSING_FIELD, "Give the database and 1 to 200 characters to search for.");
		return;
	}
	catalog_list list;
	pg_error pe;
	tusk_err err = {0};
	if (!catalog_search(&s.pg, db, q, kind, SEARCH_MAX, &list, &pe, &err)) {
		api_respond_err(r, &err);
		return;
	}
	api_json j;
	json_writer *w = api_json_begin(&j);
	jw_key(w, "results");
	jw_arr_begin(w);
	for (size_t i = 0; i < list.n; i++)
		write_found(w, &list.nodes[i], NULL);
	jw_arr_end(w);
	jw_kv_bool(w, "truncated", list.n >= SEARCH_MAX);
	api_json_send(r, 200, &j);
	catalog_list_free(&list);
}

/* ---- create, alter, drop ---- */

struct create_in {
	const char *database, *kind;
	bool preview;
	json_t *spec;
};
static const api_field create_fields[] = {
    API_FIELD("database", API_TEXT, struct create_in, database, 0),
    API_FIELD("kind", API_TEXT, struct create_in, kind, API_REQUIRED),
    API_FIELD("preview", API_BOOL, struct create_in, preview, 0),
    API_FIELD("spec", API_OBJECT, struct create_in, spec, API_REQUIRED),
};
static const api_form create_form = API_FORM(create_fields, "Give the kind, the spec (an object) and the database.");

void api_objects_create(http_req *r)
{
	struct create_in in;
	api_change ch;
	if (!api_change_begin(r, &create_form, &in, &ch))
		return;
	if (!in.database && strcmp(in.kind, "database") != 0)
		http_respond_error(r, ERR_MISSING_FIELD, "%s", create_form.missing);
	else
		api_change_end(r, &ch, catalog_create(&ch.s.pg, in.database, in.kind, in.spec, &ch.c, &ch.err));
}

struct alter_in {
	const char *path;
	bool preview, cascade, force;
	json_t *changes;
};
static const api_field alter_fields[] = {
    API_FIELD("path", API_TEXT, struct alter_in, path, API_REQUIRED),
    API_FIELD("preview", API_BOOL, struct alter_in, preview, 0),
    API_FIELD("changes", API_OBJECT, struct alter_in, changes, API_REQUIRED),
};
static const api_form alter_form = API_FORM(alter_fields, "Give the path and the changes (an object).");
static const api_field drop_fields[] = {
    API_FIELD("path", API_TEXT, struct alter_in, path, 0),
    API_FIELD("cascade", API_BOOL, struct alter_in, cascade, 0),
    API_FIELD("force", API_BOOL, struct alter_in, force, 0),
    API_FIELD("preview", API_BOOL, struct alter_in, preview, 0),
};
static const api_form drop_form = API_FORM(drop_fields, "");

void api_objects_alter(http_req *r)
{
	struct alter_in in;
	api_change ch;
	if (api_change_begin(r, &alter_form, &in, &ch))
		api_change_end(r, &ch, catalog_alter(&ch.s.pg, in.path, in.changes, &ch.c, &ch.err));
}

void api_objects_drop(http_req *r)
{
	struct alter_in in;
	api_change ch;
	if (!api_change_begin(r, &drop_form, &in, &ch) || !api_server_known(r, &ch.s, ch.s.server_id))
		return;
	ch.failed = ERR_DROP_FAILED;
	api_change_end(r, &ch, catalog_drop(&ch.s.pg, in.path, in.cascade, in.force, &ch.c, &ch.err));
}

/* Disconnect Database: the user's idle pooled connections to it close
 * (the tree's, not the query tabs'). */
struct release_in {
	const char *database;
};
static const api_field release_fields[] = {
    API_FIELD("database", API_TEXT, struct release_in, database, API_REQUIRED),
};
static const api_form release_form = API_FORM(release_fields, "Give the database.");

void api_objects_release(http_req *r)
{
	struct release_in in;
	api_server s;
	if (!api_body(r, &release_form, &in, NULL) || !api_server_checked(r, &s))
		return;
	int closed = pgpool_release_database(s.app->pool, s.user_id, s.server_id, in.database);
	api_json j;
	json_writer *w = api_json_begin(&j);
	jw_kv_int(w, "closed", closed);
	api_json_send(r, 200, &j);
}

/* ---- a table's row count, maintenance and scripts ---- */

void api_objects_count(http_req *r)
{
	api_change ch = {.failed = ERR_ACTION_FAILED};
	char count[32] = "";
	if (!api_server_ref(r, &ch.s))
		return;
	bool ok = catalog_count(&ch.s.pg, http_req_query(r, "path"), &ch.c, count, sizeof(count), &ch.err);
	if (!api_change_failed(r, ok, &ch)) {
		api_json j;
		jw_fields(api_json_begin(&j), "ss", "sql", str_cstr(&ch.c.sql), "rows", count);
		api_json_send(r, 200, &j);
	}
	catalog_change_free(&ch.c);
}

struct maintenance_in {
	const char *path, *action;
	bool preview;
};
static const api_field maintenance_fields[] = {
    API_FIELD("path", API_TEXT, struct maintenance_in, path, 0),
    API_FIELD("action", API_TEXT, struct maintenance_in, action, 0),
    API_FIELD("preview", API_BOOL, struct maintenance_in, preview, 0),
};
static const api_form maintenance_form = API_FORM(maintenance_fields, "");

/* {sql, done}: a maintenance command names no transaction (catalog_maintenance sets steps) */
void api_objects_maintenance(http_req *r)
{
	struct maintenance_in in;
	api_change ch;
	if (!api_change_begin(r, &maintenance_form, &in, &ch))
		return;
	ch.failed = ERR_ACTION_FAILED;
	api_change_end(r, &ch, catalog_maintenance(&ch.s.pg, in.path, in.action, &ch.c, &ch.err));
}

void api_objects_script(http_req *r)
{
	api_server s;
	if (!api_server_ref(r, &s))
		return;
	str out = STR_INIT;
	tusk_err err = {0};
	if (catalog_script(&s.pg, http_req_query(r, "path"), http_req_query(r, "kind"), &out, &err))
		http_respond(r, 200, "text/plain; charset=utf-8", out.buf, out.len);
	else
		api_respond_err(r, &err);
	str_free(&out);
}

/* ---- the query editor's completion ---- */

void api_objects_completion(http_req *r)
{
	api_server s;
	if (!api_server_ref(r, &s))
		return;
	char *json = NULL;
	pg_error pe = {0};
	tusk_err err = {0};
	const char *db = http_req_query(r, "database");
	if (!catalog_completion(&s.pg, db && *db ? db : NULL, &json, &pe, &err)) {
		api_respond_failure(r, &err, &pe);
		return;
	}
	str out = STR_INIT;
	str_append_cstr(&out, json);
	free(json);
	http_respond_json(r, 200, &out);
}
