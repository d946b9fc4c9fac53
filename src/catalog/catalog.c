#include "catalog/catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

/* A collection under a server: how to count it and list its members. $1 is
 * the database restriction (text[] or NULL) where the kind honours it. */
struct collection {
	const char *name; /* path segment */
	const char *label;
	const char *icon;
	const char *member_kind_sql; /* SELECT name, kind, has_children ... ORDER BY 1 */
	bool restricted;            /* takes the database restriction as $1 */
};

/* Minimum server version: 13 (what Tusk supports); nothing here varies by version yet. */
static const struct collection server_collections[] = {
	{"databases", "Databases", "databases",
	 "SELECT datname, 'database', false FROM pg_catalog.pg_database "
	 "WHERE NOT datistemplate AND ($1::text[] IS NULL OR datname = ANY ($1::text[])) ORDER BY 1",
	 true},
	{"roles", "Login/Group Roles", "roles",
	 "SELECT rolname, CASE WHEN rolcanlogin THEN 'login_role' ELSE 'group_role' END, false "
	 "FROM pg_catalog.pg_roles WHERE rolname !~ '^pg_' ORDER BY 1",
	 false},
	{"tablespaces", "Tablespaces", "tablespaces",
	 "SELECT spcname, 'tablespace', false FROM pg_catalog.pg_tablespace ORDER BY 1", false},
};

#define NCOLLECTIONS (sizeof(server_collections) / sizeof(server_collections[0]))

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

/* Percent-escapes '/' and '%' so any object name fits in one path segment. */
static void append_segment(str *s, const char *name)
{
	for (const char *c = name; *c; c++) {
		if (*c == '/' || *c == '%')
			str_appendf(s, "%%%02X", (unsigned char)*c);
		else
			str_append_char(s, *c);
	}
}

static const char *kind_icon(const char *kind)
{
	return strcmp(kind, "database") == 0 ? "database" : strcmp(kind, "tablespace") == 0 ? "tablespace" : "role";
}

static bool list_members(pgpool *pool, int64_t user_id, int64_t server_id, const struct collection *c,
			 const char *restriction, catalog_list *out, pg_error *pgerr, tusk_err *err)
{
	const char *params[1] = {restriction};
	PGresult *r = pgpool_query(pool, user_id, server_id, NULL, c->member_kind_sql, c->restricted ? 1 : 0, params,
				   pgerr, err);
	if (!r)
		return false;
	for (int i = 0; i < PQntuples(r); i++) {
		str path = STR_INIT;
		str_appendf(&path, "/%s/", c->name);
		append_segment(&path, PQgetvalue(r, i, 0));
		const char *kind = PQgetvalue(r, i, 1);
		/* kinds are a fixed set: map to static strings the list can keep */
		const char *k = strcmp(kind, "database") == 0     ? "database"
				: strcmp(kind, "login_role") == 0 ? "login_role"
				: strcmp(kind, "group_role") == 0 ? "group_role"
								  : "tablespace";
		add(out, str_cstr(&path), PQgetvalue(r, i, 0), k, kind_icon(k), -1, PQgetvalue(r, i, 2)[0] == 't');
		str_free(&path);
	}
	PQclear(r);
	return true;
}

/* One query counts every collection. */
static bool list_collections(pgpool *pool, int64_t user_id, int64_t server_id, const char *restriction,
			     catalog_list *out, pg_error *pgerr, tusk_err *err)
{
	const char *sql = "SELECT (SELECT count(*) FROM pg_catalog.pg_database WHERE NOT datistemplate "
			  "AND ($1::text[] IS NULL OR datname = ANY ($1::text[]))), "
			  "(SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname !~ '^pg_'), "
			  "(SELECT count(*) FROM pg_catalog.pg_tablespace)";
	const char *params[1] = {restriction};
	PGresult *r = pgpool_query(pool, user_id, server_id, NULL, sql, 1, params, pgerr, err);
	if (!r)
		return false;
	for (size_t i = 0; i < NCOLLECTIONS; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/%s", server_collections[i].name);
		add(out, path, server_collections[i].label, "collection", server_collections[i].icon,
		    atoll(PQgetvalue(r, 0, (int)i)), true);
	}
	PQclear(r);
	return true;
}

bool catalog_children(pgpool *pool, int64_t user_id, int64_t server_id, const char *path, const char *db_restriction,
		      catalog_list *out, pg_error *pgerr, tusk_err *err)
{
	*out = (catalog_list){0};
	if (!path || strcmp(path, "/") == 0 || !*path)
		return list_collections(pool, user_id, server_id, db_restriction, out, pgerr, err);
	for (size_t i = 0; i < NCOLLECTIONS; i++) {
		const struct collection *c = &server_collections[i];
		if (path[0] == '/' && strcmp(path + 1, c->name) == 0)
			return list_members(pool, user_id, server_id, c, db_restriction, out, pgerr, err);
	}
	err_set(err, "not_found", "There is no object at '%s'.", path);
	return false;
}
