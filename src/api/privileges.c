/* Privileges: the Grant Wizard (GRANT or REVOKE on many objects of mixed
 * kinds at once, each kind getting the privileges that apply to it), default
 * privileges (ALTER DEFAULT PRIVILEGES, and what pg_default_acl holds), and
 * the effective privileges of a role on one object with where each comes
 * from (owner, superuser, directly, PUBLIC, or through a role it is a member
 * of). Objects are tree paths; statements name them from their structured
 * names (catalog_object_ref). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/dialogs.h"
#include "catalog/catalog.h"

/* A kind of object as GRANT names it, and the privileges it takes. */
struct grant_kind {
	const char *identify_type; /* catalog_object's type */
	const char *keyword;	   /* GRANT ... ON <keyword> */
	const char *const privileges[9];
};

static const struct grant_kind KINDS[] = {
	{"table", "TABLE", {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN"}},
	{"view", "TABLE", {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN"}},
	{"materialized view", "TABLE", {"SELECT", "REFERENCES", "MAINTAIN"}},
	{"foreign table", "TABLE", {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"}},
	{"sequence", "SEQUENCE", {"USAGE", "SELECT", "UPDATE"}},
	{"function", "FUNCTION", {"EXECUTE"}},
	{"procedure", "PROCEDURE", {"EXECUTE"}},
	{"schema", "SCHEMA", {"USAGE", "CREATE"}},
	{"type", "TYPE", {"USAGE"}},
	{"domain", "DOMAIN", {"USAGE"}},
	{"language", "LANGUAGE", {"USAGE"}},
	{"foreign-data wrapper", "FOREIGN DATA WRAPPER", {"USAGE"}},
	{"server", "FOREIGN SERVER", {"USAGE"}},
	{"database", "DATABASE", {"CONNECT", "CREATE", "TEMPORARY"}},
};

static const struct grant_kind *kind_of(const char *type)
{
	for (size_t i = 0; i < sizeof(KINDS) / sizeof(*KINDS); i++)
		if (strcmp(KINDS[i].identify_type, type) == 0)
			return &KINDS[i];
	return NULL;
}

static bool takes(const struct grant_kind *k, const char *privilege, int version)
{
	if (strcmp(privilege, "ALL") == 0)
		return true;
	if (strcmp(privilege, "MAINTAIN") == 0 && version < 170000)
		return false;
	for (size_t i = 0; i < 9 && k->privileges[i]; i++)
		if (strcmp(k->privileges[i], privilege) == 0)
			return true;
	return false;
}

/* TO/FROM role, ... with PUBLIC as the keyword. */
static void grantees(PGconn *c, str *out, json_t *roles)
{
	size_t i;
	json_t *e;
	json_array_foreach(roles, i, e)
	{
		str_append_cstr(out, i ? ", " : "");
		if (strcasecmp(json_string_value(e), "public") == 0)
			str_append_cstr(out, "PUBLIC");
		else
			dlg_ident(c, out, json_string_value(e));
	}
}

static bool names_list(json_t *v)
{
	size_t i;
	json_t *e;
	bool ok = json_is_array(v) && json_array_size(v) > 0;
	json_array_foreach(v, i, e) ok = ok && json_is_string(e) && *json_string_value(e);
	return ok;
}

struct object {
	const struct grant_kind *kind;
	char *ref; /* the object as statements name it (catalog_object_ref) */
};

struct wizard {
	struct build b;
	json_t *privileges, *roles;
	struct object *objects;
	size_t n;
	bool grant, grant_option, cascade;
	int version;
};

static bool build_wizard(void *ctx, PGconn *c, tusk_err *err)
{
	(void)err;
	struct wizard *w = ctx;
	struct build *b = &w->b;
	/* one statement per kind keyword, the objects of that keyword together */
	bool *done = xcalloc(w->n ? w->n : 1, sizeof(bool));
	for (size_t i = 0; i < w->n && !b->why[0]; i++) {
		if (done[i])
			continue;
		const struct grant_kind *k = w->objects[i].kind;
		str privs = STR_INIT;
		size_t p;
		json_t *e;
		bool all = false;
		json_array_foreach(w->privileges, p, e) all = all || strcmp(json_string_value(e), "ALL") == 0;
		if (all) {
			str_append_cstr(&privs, "ALL PRIVILEGES");
		} else {
			/* in the order of the keyword's fullest kind; each one that some object of it takes */
			const struct grant_kind *canon = k;
			for (size_t x = 0; x < sizeof(KINDS) / sizeof(*KINDS); x++)
				if (strcmp(KINDS[x].keyword, k->keyword) == 0) {
					canon = &KINDS[x];
					break;
				}
			for (size_t q = 0; q < 9 && canon->privileges[q]; q++) {
				bool wanted = false, any = false;
				json_array_foreach(w->privileges, p, e) wanted = wanted || strcmp(json_string_value(e), canon->privileges[q]) == 0;
				for (size_t o = i; wanted && o < w->n; o++)
					if (strcmp(w->objects[o].kind->keyword, k->keyword) == 0)
						any = any || takes(w->objects[o].kind, canon->privileges[q], w->version);
				if (any)
					str_appendf(&privs, "%s%s", privs.len ? ", " : "", canon->privileges[q]);
			}
		}
		if (!privs.len) {
			dlg_why(b, "none of the privileges applies to %s: choose from %s%s%s", k->identify_type,
				k->privileges[0], k->privileges[1] ? ", " : "", k->privileges[1] ? k->privileges[1] : "");
			str_free(&privs);
			break;
		}
		str_appendf(&b->sql, "%s%s %s%s ON %s ", b->sql.len ? "\n" : "", w->grant ? "GRANT" : "REVOKE",
			    !w->grant && w->grant_option ? "GRANT OPTION FOR " : "", str_cstr(&privs), k->keyword);
		str_free(&privs);
		int listed = 0;
		for (size_t o = i; o < w->n; o++)
			if (strcmp(w->objects[o].kind->keyword, k->keyword) == 0) {
				str_append_cstr(&b->sql, listed++ ? ", " : "");
				str_append_cstr(&b->sql, w->objects[o].ref);
				done[o] = true;
			}
		str_append_cstr(&b->sql, w->grant ? " TO " : " FROM ");
		grantees(c, &b->sql, w->roles);
		if (w->grant && w->grant_option)
			str_append_cstr(&b->sql, " WITH GRANT OPTION");
		if (!w->grant && w->cascade)
			str_append_cstr(&b->sql, " CASCADE");
		str_append_char(&b->sql, ';');
	}
	free(done);
	dlg_execute(b, c);
	return true;
}

/* A privilege list's members upper-cased in place; false when one is not a word. */
static bool privilege_words(json_t *list)
{
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
	{
		char word[32];
		const char *v = json_string_value(e);
		size_t k = 0;
		for (; v[k] && k < sizeof(word) - 1; k++) {
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_", v[k]))
				return false;
			word[k] = (char)(v[k] >= 'a' && v[k] <= 'z' ? v[k] - 32 : v[k]);
		}
		word[k] = '\0';
		if (v[k])
			return false;
		json_array_set_new(list, i, json_string(strcmp(word, "TEMP") == 0 ? "TEMPORARY" : word));
	}
	return true;
}

void api_privileges_grant(http_req *r)
{
	tusk_app *app = http_req_app(r);
	json_t *body = http_req_json(r);
	int64_t server_id;
	if (!body || !api_path_id(r, "server", &server_id))
		return;
	bool bad = false;
	const char *action = api_json_str(r, body, "action", &bad);
	bool preview = api_json_bool(r, body, "preview", false, &bad);
	bool grant_option = api_json_bool(r, body, "with_grant_option", false, &bad);
	bool cascade = api_json_bool(r, body, "cascade", false, &bad);
	json_t *paths = json_object_get(body, "objects"), *privileges = json_object_get(body, "privileges");
	json_t *roles = json_object_get(body, "roles");
	if (bad)
		return;
	if (!action || (strcmp(action, "grant") != 0 && strcmp(action, "revoke") != 0)) {
		http_respond_error(r, ERR_INVALID_FIELD, "'action' is grant or revoke.");
		return;
	}
	if (!names_list(paths) || !names_list(privileges) || !names_list(roles)) {
		http_respond_error(r, ERR_MISSING_FIELD,
				   "Give the objects (tree paths), the privileges and the roles, each a non-empty list.");
		return;
	}
	privileges = json_deep_copy(privileges);
	if (!privilege_words(privileges)) {
		json_decref(privileges);
		http_respond_error(r, ERR_INVALID_FIELD, "'privileges' are words like SELECT, USAGE, EXECUTE or ALL.");
		return;
	}
	int64_t uid = api_session(r)->user.id;
	struct wizard w = {.b = {.kind = "grant", .preview = preview, .in_transaction = true},
			   .privileges = privileges,
			   .roles = roles,
			   .grant = strcmp(action, "grant") == 0,
			   .grant_option = grant_option,
			   .cascade = cascade,
			   .version = pgpool_server_version(app->pool, uid, server_id)};
	w.objects = xcalloc(json_array_size(paths), sizeof(*w.objects));
	char *database = NULL;
	size_t i;
	json_t *e;
	bool ok = true;
	json_array_foreach(paths, i, e)
	{
		const char *path = json_string_value(e);
		catalog_object o;
		pg_error pe;
		tusk_err err = {0};
		str ref = STR_INIT, on = STR_INIT;
		ok = catalog_object_at(app->pool, uid, server_id, path, &o, &pe, &err) &&
		     catalog_object_ref(&o, &ref, &on, &err);
		if (!ok)
			api_respond_err(r, &err);
		const struct grant_kind *k = ok ? kind_of(o.type) : NULL;
		if (ok && !k) {
			http_respond_error(r, ERR_NOT_GRANTABLE, "Privileges are not granted on a %s (%s).", o.type, path);
			ok = false;
		}
		bool is_db = ok && strcmp(o.type, "database") == 0;
		if (ok && database && o.db && strcmp(database, o.db) != 0 && !is_db) {
			http_respond_error(r, ERR_SEVERAL_DATABASES, "The objects must all be in one database.");
			ok = false;
		}
		if (ok) {
			if (!database || !is_db) {
				free(database);
				database = o.db ? xstrdup(o.db) : NULL;
			}
			w.objects[w.n].kind = k;
			w.objects[w.n].ref = str_take(&ref);
			w.n++;
		}
		str_free(&ref);
		str_free(&on);
		catalog_object_free(&o);
		if (!ok)
			break;
	}
	if (ok) {
		tusk_err err = {0};
		if (!pgpool_with_conn(app->pool, uid, server_id, database, build_wizard, &w, &err))
			api_respond_err(r, &err);
		else
			dlg_respond(r, &w.b);
	}
	for (size_t k = 0; k < w.n; k++)
		free(w.objects[k].ref);
	free(w.objects);
	free(database);
	json_decref(privileges);
	str_free(&w.b.sql);
}

/* ---- default privileges ---- */

static const struct {
	const char *name, *keyword, *const privileges[9];
} DEFAULT_KINDS[] = {
	{"tables", "TABLES", {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN"}},
	{"sequences", "SEQUENCES", {"USAGE", "SELECT", "UPDATE"}},
	{"functions", "FUNCTIONS", {"EXECUTE"}},
	{"routines", "ROUTINES", {"EXECUTE"}},
	{"types", "TYPES", {"USAGE"}},
	{"schemas", "SCHEMAS", {"USAGE", "CREATE"}},
};

struct defaults {
	struct build b;
	const char *for_role, *schema;
	size_t kind;
	json_t *privileges, *roles;
	bool grant, grant_option;
	int version;
};

static bool build_defaults(void *ctx, PGconn *c, tusk_err *err)
{
	(void)err;
	struct defaults *d = ctx;
	struct build *b = &d->b;
	str_append_cstr(&b->sql, "ALTER DEFAULT PRIVILEGES");
	if (d->for_role) {
		str_append_cstr(&b->sql, " FOR ROLE ");
		dlg_ident(c, &b->sql, d->for_role);
	}
	if (d->schema) {
		if (d->kind == 5) {
			dlg_why(b, "default privileges on schemas cannot be limited to a schema");
			return true;
		}
		str_append_cstr(&b->sql, " IN SCHEMA ");
		dlg_ident(c, &b->sql, d->schema);
	}
	str_appendf(&b->sql, " %s ", d->grant ? "GRANT" : "REVOKE");
	size_t i;
	json_t *e;
	json_array_foreach(d->privileges, i, e)
	{
		const char *p = json_string_value(e);
		bool known = strcmp(p, "ALL") == 0;
		for (size_t k = 0; k < 9 && DEFAULT_KINDS[d->kind].privileges[k] && !known; k++)
			known = strcmp(DEFAULT_KINDS[d->kind].privileges[k], p) == 0 &&
				(strcmp(p, "MAINTAIN") != 0 || d->version >= 170000);
		if (!known) {
			dlg_why(b, "%s does not apply to %s", p, DEFAULT_KINDS[d->kind].name);
			return true;
		}
		str_appendf(&b->sql, "%s%s", i ? ", " : "", strcmp(p, "ALL") == 0 ? "ALL PRIVILEGES" : p);
	}
	str_appendf(&b->sql, " ON %s %s ", DEFAULT_KINDS[d->kind].keyword, d->grant ? "TO" : "FROM");
	grantees(c, &b->sql, d->roles);
	if (d->grant && d->grant_option)
		str_append_cstr(&b->sql, " WITH GRANT OPTION");
	str_append_char(&b->sql, ';');
	dlg_execute(b, c);
	return true;
}

void api_default_privileges_alter(http_req *r)
{
	tusk_app *app = http_req_app(r);
	json_t *body = http_req_json(r);
	int64_t server_id;
	if (!body || !api_path_id(r, "server", &server_id))
		return;
	bool bad = false;
	const char *db = api_json_str(r, body, "database", &bad), *action = api_json_str(r, body, "action", &bad);
	const char *for_role = api_json_str(r, body, "for_role", &bad), *schema = api_json_str(r, body, "schema", &bad);
	const char *type = api_json_str(r, body, "object_type", &bad);
	bool preview = api_json_bool(r, body, "preview", false, &bad);
	bool grant_option = api_json_bool(r, body, "with_grant_option", false, &bad);
	json_t *privileges = json_object_get(body, "privileges"), *roles = json_object_get(body, "roles");
	if (bad)
		return;
	size_t kind = 0;
	while (type && kind < sizeof(DEFAULT_KINDS) / sizeof(*DEFAULT_KINDS) && strcmp(DEFAULT_KINDS[kind].name, type) != 0)
		kind++;
	if (!db || !action || (strcmp(action, "grant") && strcmp(action, "revoke")) || !type ||
	    kind == sizeof(DEFAULT_KINDS) / sizeof(*DEFAULT_KINDS) || !names_list(privileges) || !names_list(roles)) {
		http_respond_error(r, ERR_MISSING_FIELD,
				   "Give the database, action (grant or revoke), object_type (tables, sequences, functions, "
				   "routines, types or schemas), privileges and roles.");
		return;
	}
	privileges = json_deep_copy(privileges);
	if (!privilege_words(privileges)) {
		json_decref(privileges);
		http_respond_error(r, ERR_INVALID_FIELD, "'privileges' are words like SELECT or USAGE.");
		return;
	}
	int64_t uid = api_session(r)->user.id;
	struct defaults d = {.b = {.kind = "defaults", .preview = preview, .in_transaction = true},
			     .for_role = for_role && *for_role ? for_role : NULL,
			     .schema = schema && *schema ? schema : NULL,
			     .kind = kind,
			     .privileges = privileges,
			     .roles = roles,
			     .grant = strcmp(action, "grant") == 0,
			     .grant_option = grant_option,
			     .version = pgpool_server_version(app->pool, uid, server_id)};
	tusk_err err = {0};
	if (!pgpool_with_conn(app->pool, uid, server_id, db, build_defaults, &d, &err))
		api_respond_err(r, &err);
	else
		dlg_respond(r, &d.b);
	json_decref(privileges);
	str_free(&d.b.sql);
}

static const char DEFAULTS_SQL[] =
	"SELECT COALESCE(json_agg(x ORDER BY x.role, x.schema NULLS FIRST, x.object_type, x.grantee), '[]') FROM (SELECT "
	"pg_catalog.pg_get_userbyid(d.defaclrole) AS role, n.nspname AS schema, CASE d.defaclobjtype WHEN 'r' THEN "
	"'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions' WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' END "
	"AS object_type, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(a.grantee) END AS grantee, "
	"json_agg(a.privilege_type ORDER BY a.privilege_type) AS privileges, bool_or(a.is_grantable) AS grantable FROM "
	"pg_catalog.pg_default_acl d LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace, "
	"pg_catalog.aclexplode(d.defaclacl) a GROUP BY 1, 2, 3, 4) x";

void api_default_privileges_list(http_req *r)
{
	tusk_app *app = http_req_app(r);
	int64_t server_id;
	if (!api_path_id(r, "server", &server_id))
		return;
	const char *db = http_req_query(r, "database");
	if (!db || !*db) {
		http_respond_error(r, ERR_MISSING_FIELD, "Give the database.");
		return;
	}
	pg_error pe;
	tusk_err err = {0};
	PGresult *res = pgpool_query(app->pool, api_session(r)->user.id, server_id, db, DEFAULTS_SQL, 0, NULL, &pe, &err);
	if (!res) {
		api_respond_err(r, &err);
		return;
	}
	str out = STR_INIT;
	str_appendf(&out, "{\"defaults\":%s}", PQgetvalue(res, 0, 0));
	PQclear(res);
	http_respond_json(r, 200, &out);
}

/* ---- effective privileges ---- */

/* Per catalog: its ACL and owner columns, acldefault's letter, and the
 * function that answers "has this privilege". */
static const struct {
	const char *catalog, *acl, *owner, *oid, *code, *has, *privileges;
} EFFECTIVE[] = {
	{"pg_class", "relacl", "relowner", "oid", "CASE WHEN relkind = 'S' THEN 's' ELSE 'r' END",
	 "CASE WHEN o.code = 's' THEN pg_catalog.has_sequence_privilege(r.oid, o.oid, p) ELSE "
	 "pg_catalog.has_table_privilege(r.oid, o.oid, p) END",
	 "CASE WHEN relkind = 'S' THEN ARRAY['USAGE', 'SELECT', 'UPDATE'] ELSE ARRAY['SELECT', 'INSERT', 'UPDATE', "
	 "'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'] END"},
	{"pg_proc", "proacl", "proowner", "oid", "'f'", "pg_catalog.has_function_privilege(r.oid, o.oid, p)",
	 "ARRAY['EXECUTE']"},
	{"pg_namespace", "nspacl", "nspowner", "oid", "'n'", "pg_catalog.has_schema_privilege(r.oid, o.oid, p)",
	 "ARRAY['USAGE', 'CREATE']"},
	{"pg_database", "datacl", "datdba", "oid", "'d'", "pg_catalog.has_database_privilege(r.oid, o.oid, p)",
	 "ARRAY['CONNECT', 'CREATE', 'TEMPORARY']"},
	{"pg_type", "typacl", "typowner", "oid", "'T'", "pg_catalog.has_type_privilege(r.oid, o.oid, p)",
	 "ARRAY['USAGE']"},
	{"pg_language", "lanacl", "lanowner", "oid", "'l'", "pg_catalog.has_language_privilege(r.oid, o.oid, p)",
	 "ARRAY['USAGE']"},
	{"pg_foreign_server", "srvacl", "srvowner", "oid", "'S'",
	 "pg_catalog.has_server_privilege(r.oid, o.oid, p)", "ARRAY['USAGE']"},
	{"pg_foreign_data_wrapper", "fdwacl", "fdwowner", "oid", "'F'",
	 "pg_catalog.has_foreign_data_wrapper_privilege(r.oid, o.oid, p)", "ARRAY['USAGE']"},
};

void api_privileges_effective(http_req *r)
{
	tusk_app *app = http_req_app(r);
	int64_t server_id;
	if (!api_path_id(r, "server", &server_id))
		return;
	const char *role = http_req_query(r, "role"), *path = http_req_query(r, "path");
	if (!role || !*role || !path || !*path) {
		http_respond_error(r, ERR_MISSING_FIELD, "Give the role and the object's path.");
		return;
	}
	int64_t uid = api_session(r)->user.id;
	catalog_pairs ids;
	pg_error pe;
	tusk_err err = {0};
	catalog_object o;
	if (!catalog_object_at(app->pool, uid, server_id, path, &o, &pe, &err)) {
		api_respond_err(r, &err);
		return;
	}
	if (!catalog_facet(app->pool, uid, server_id, path, CATALOG_IDENTITY, &ids, &pe, &err) || ids.n < 2) {
		if (err.code == ERR_NONE)
			err_set(&err, ERR_NOT_FOUND, "There is no object at '%s'.", path);
		api_respond_err(r, &err);
		catalog_pairs_free(&ids);
		catalog_object_free(&o);
		return;
	}
	const char *cparams[1] = {ids.values[0]};
	PGresult *cat = pgpool_query(app->pool, uid, server_id, o.db,
				     "SELECT $1::oid::regclass::text", 1, cparams, &pe, &err);
	size_t k = 0;
	const char *catalog = cat ? PQgetvalue(cat, 0, 0) : "";
	if (strncmp(catalog, "pg_catalog.", 11) == 0)
		catalog += 11;
	while (k < sizeof(EFFECTIVE) / sizeof(*EFFECTIVE) && strcmp(EFFECTIVE[k].catalog, catalog) != 0)
		k++;
	if (!cat || k == sizeof(EFFECTIVE) / sizeof(*EFFECTIVE)) {
		http_respond_error(r, ERR_NO_PRIVILEGES, "Objects of this kind (%s) have no privileges to show.",
				   cat ? catalog : "?");
	} else {
		str sql = STR_INIT;
		str_appendf(&sql,
			    "WITH o AS (SELECT %s AS oid, %s AS acl, %s AS owner, %s AS code, %s AS privs FROM "
			    "pg_catalog.%s WHERE oid = $1::oid), r AS (SELECT oid, rolsuper FROM pg_catalog.pg_roles WHERE "
			    "rolname = $2) SELECT json_build_object('role', $2::text, 'owner', "
			    "pg_catalog.pg_get_userbyid(o.owner), 'privileges', json_agg(json_build_object('privilege', p, "
			    "'granted', %s, 'via', CASE WHEN r.rolsuper THEN array_remove(ARRAY['superuser', CASE WHEN r.oid "
			    "= o.owner THEN 'owner' END], NULL) ELSE array_remove(ARRAY[CASE WHEN r.oid = o.owner THEN "
			    "'owner' WHEN pg_catalog.pg_has_role(r.oid, o.owner, 'USAGE') THEN 'member of the owner ' || "
			    "pg_catalog.pg_get_userbyid(o.owner) END] || ARRAY(SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' "
			    "WHEN a.grantee = r.oid THEN 'granted directly' ELSE 'member of ' || "
			    "pg_catalog.pg_get_userbyid(a.grantee) END FROM pg_catalog.aclexplode(COALESCE(o.acl, "
			    "pg_catalog.acldefault(o.code::\"char\", o.owner))) a WHERE a.privilege_type = p AND a.grantee "
			    "<> o.owner AND (a.grantee = 0 OR pg_catalog.pg_has_role(r.oid, a.grantee, 'USAGE')) ORDER BY "
			    "1), NULL) END) ORDER BY array_position(o.privs, p)))::text FROM o, r, unnest(o.privs) p GROUP "
			    "BY o.owner",
			    EFFECTIVE[k].oid, EFFECTIVE[k].acl, EFFECTIVE[k].owner, EFFECTIVE[k].code, EFFECTIVE[k].privileges,
			    EFFECTIVE[k].catalog, EFFECTIVE[k].has);
		const char *params[2] = {ids.values[1], role};
		PGresult *res = pgpool_query(app->pool, uid, server_id, o.db, str_cstr(&sql), 2, params,
					     &pe, &err);
		str_free(&sql);
		if (!res) {
			if (pe.sqlstate[0])
				api_respond_pg_error(r, ERR_QUERY_FAILED, &pe, NULL);
			else
				api_respond_err(r, &err);
		} else if (PQntuples(res) == 0) {
			http_respond_error(r, ERR_ROLE_NOT_FOUND, "There is no role '%s'.", role);
		} else {
			json_t *answer = json_pack("{s:s, s:s, s:o}", "object", o.identity, "type", o.type, "effective",
						   json_loads(PQgetvalue(res, 0, 0), 0, NULL));
			char *text = json_dumps(answer, JSON_COMPACT);
			http_respond(r, 200, "application/json; charset=utf-8", text, strlen(text));
			free(text);
			json_decref(answer);
		}
		PQclear(res);
	}
	PQclear(cat);
	catalog_pairs_free(&ids);
	catalog_object_free(&o);
}
