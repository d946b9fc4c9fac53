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

#include "catalog/build.h"
#include "catalog/kinds.h"

/* The kind of an object of catalog_object's type, when GRANT takes it. */
static const catalog_kind *kind_of(const char *type)
{
	const catalog_kind *k = catalog_kind_typed(type);
	return k && k->grant_keyword ? k : NULL;
}

static bool takes(const catalog_kind *k, const char *privilege, int version)
{
	if (strcmp(privilege, "ALL") == 0)
		return true;
	if (strcmp(privilege, "MAINTAIN") == 0 && version < 170000)
		return false;
	for (size_t i = 0; k->privileges[i]; i++)
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
			catalog_ident(c, out, json_string_value(e));
	}
}

struct object {
	const catalog_kind *kind;
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
		const catalog_kind *k = w->objects[i].kind;
		str privs = STR_INIT;
		size_t p;
		json_t *e;
		bool all = false;
		json_array_foreach(w->privileges, p, e) all = all || strcmp(json_string_value(e), "ALL") == 0;
		if (all) {
			str_append_cstr(&privs, "ALL PRIVILEGES");
		} else {
			/* in the order of the keyword's fullest kind; each one that some object of it takes */
			const catalog_kind *canon = k;
			for (const catalog_kind *x = catalog_kind_first(); x; x = catalog_kind_next(x))
				if (x->grant_keyword && strcmp(x->grant_keyword, k->grant_keyword) == 0) {
					canon = x;
					break;
				}
			for (size_t q = 0; canon->privileges[q]; q++) {
				bool wanted = false, any = false;
				json_array_foreach(w->privileges, p, e) wanted =
				    wanted || strcmp(json_string_value(e), canon->privileges[q]) == 0;
				for (size_t o = i; wanted && o < w->n; o++)
					if (strcmp(w->objects[o].kind->grant_keyword, k->grant_keyword) == 0)
						any =
						    any || takes(w->objects[o].kind, canon->privileges[q], w->version);
				if (any)
					str_appendf(&privs, "%s%s", privs.len ? ", " : "", canon->privileges[q]);
			}
		}
		if (!privs.len) {
			catalog_why(b, "none of the privileges applies to %s: choose from %s%s%s", k->identify,
				    k->privileges[0], k->privileges[1] ? ", " : "",
				    k->privileges[1] ? k->privileges[1] : "");
			str_free(&privs);
			break;
		}
		str_appendf(&b->sql, "%s%s %s%s ON %s ", b->sql.len ? "\n" : "", w->grant ? "GRANT" : "REVOKE",
			    !w->grant && w->grant_option ? "GRANT OPTION FOR " : "", str_cstr(&privs),
			    k->grant_keyword);
		str_free(&privs);
		int listed = 0;
		for (size_t o = i; o < w->n; o++)
			if (strcmp(w->objects[o].kind->grant_keyword, k->grant_keyword) == 0) {
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
	catalog_execute(b, c);
	return true;
}

static bool words_upper(json_t *list);

/* A copy of a privilege list, its members upper-cased; NULL (err saying
 * what they are: like) when one is not a word. */
static json_t *privilege_words(json_t *privileges, const char *like, tusk_err *err)
{
	json_t *list = json_deep_copy(privileges);
	if (!words_upper(list)) {
		json_decref(list);
		err_set(err, ERR_INVALID_FIELD, "'privileges' are words like %s.", like);
		return NULL;
	}
	return list;
}

/* A privilege list's members upper-cased in place; false when one is not a word. */
static bool words_upper(json_t *list)
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

/* Each path's object as GRANT names it, all in one database (a database
 * itself may come with the objects of another); false with err. */
static bool grant_objects(const pgpool_ref *pg, json_t *paths, struct wizard *w, char **database, tusk_err *err)
{
	w->objects = xcalloc(json_array_size(paths) + 1, sizeof(*w->objects));
	size_t i;
	json_t *e;
	json_array_foreach(paths, i, e)
	{
		const char *path = json_string_value(e);
		catalog_object o;
		pg_error pe;
		str ref = STR_INIT, on = STR_INIT;
		bool ok = catalog_object_at(pg, path, &o, &pe, err) && catalog_object_ref(&o, &ref, &on, err);
		const catalog_kind *k = ok ? kind_of(o.type) : NULL;
		if (ok && !k) {
			err_set(err, ERR_NOT_GRANTABLE, "Privileges are not granted on a %s (%s).", o.type, path);
			ok = false;
		}
		bool is_db = ok && strcmp(o.type, "database") == 0;
		if (ok && *database && o.db && strcmp(*database, o.db) != 0 && !is_db) {
			err_set(err, ERR_SEVERAL_DATABASES, "The objects must all be in one database.");
			ok = false;
		}
		if (ok) {
			if (!*database || !is_db) {
				free(*database);
				*database = o.db ? xstrdup(o.db) : NULL;
			}
			w->objects[w->n].kind = k;
			w->objects[w->n].ref = str_take(&ref);
			w->n++;
		}
		str_free(&ref);
		str_free(&on);
		catalog_object_free(&o);
		if (!ok)
			return false;
	}
	return true;
}

bool catalog_grant(const pgpool_ref *pg, const catalog_grant_spec *g, catalog_change *out, tusk_err *err)
{
	json_t *privileges = privilege_words(g->privileges, "SELECT, USAGE, EXECUTE or ALL", err);
	if (!privileges)
		return false;
	struct wizard w = {.b = {.kind = "grant", .preview = out->preview, .in_transaction = true},
			   .privileges = privileges,
			   .roles = g->roles,
			   .grant = g->grant,
			   .grant_option = g->grant_option,
			   .cascade = g->cascade,
			   .version = pgpool_server_version(pg)};
	char *database = NULL;
	bool ok =
	    grant_objects(pg, g->objects, &w, &database, err) && pgpool_with_conn(pg, database, build_wizard, &w, err);
	for (size_t k = 0; k < w.n; k++)
		free(w.objects[k].ref);
	free(w.objects);
	free(database);
	json_decref(privileges);
	return catalog_finish(&w.b, out, err) && ok;
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
		catalog_ident(c, &b->sql, d->for_role);
	}
	if (d->schema) {
		if (d->kind == 5) {
			catalog_why(b, "default privileges on schemas cannot be limited to a schema");
			return true;
		}
		str_append_cstr(&b->sql, " IN SCHEMA ");
		catalog_ident(c, &b->sql, d->schema);
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
			catalog_why(b, "%s does not apply to %s", p, DEFAULT_KINDS[d->kind].name);
			return true;
		}
		str_appendf(&b->sql, "%s%s", i ? ", " : "", strcmp(p, "ALL") == 0 ? "ALL PRIVILEGES" : p);
	}
	str_appendf(&b->sql, " ON %s %s ", DEFAULT_KINDS[d->kind].keyword, d->grant ? "TO" : "FROM");
	grantees(c, &b->sql, d->roles);
	if (d->grant && d->grant_option)
		str_append_cstr(&b->sql, " WITH GRANT OPTION");
	str_append_char(&b->sql, ';');
	catalog_execute(b, c);
	return true;
}

bool catalog_default_privileges_alter(const pgpool_ref *pg, const catalog_defaults_spec *d, catalog_change *out,
				      tusk_err *err)
{
	size_t kind = 0;
	while (d->object_type && kind < sizeof(DEFAULT_KINDS) / sizeof(*DEFAULT_KINDS) &&
	       strcmp(DEFAULT_KINDS[kind].name, d->object_type) != 0)
		kind++;
	if (!d->object_type || kind == sizeof(DEFAULT_KINDS) / sizeof(*DEFAULT_KINDS)) {
		err_set(err, ERR_MISSING_FIELD,
			"Give the database, action (grant or revoke), object_type (tables, sequences, functions, "
			"routines, types or schemas), privileges and roles.");
		return false;
	}
	json_t *privileges = privilege_words(d->privileges, "SELECT or USAGE", err);
	if (!privileges)
		return false;
	struct defaults x = {.b = {.kind = "defaults", .preview = out->preview, .in_transaction = true},
			     .for_role = d->for_role && *d->for_role ? d->for_role : NULL,
			     .schema = d->schema && *d->schema ? d->schema : NULL,
			     .kind = kind,
			     .privileges = privileges,
			     .roles = d->roles,
			     .grant = d->grant,
			     .grant_option = d->grant_option,
			     .version = pgpool_server_version(pg)};
	bool ok = pgpool_with_conn(pg, d->database, build_defaults, &x, err);
	json_decref(privileges);
	return catalog_finish(&x.b, out, err) && ok;
}

static const char DEFAULTS_SQL[] =
    "SELECT COALESCE(json_agg(x ORDER BY x.role, x.schema NULLS FIRST, x.object_type, x.grantee), '[]') FROM (SELECT "
    "pg_catalog.pg_get_userbyid(d.defaclrole) AS role, n.nspname AS schema, CASE d.defaclobjtype WHEN 'r' THEN "
    "'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions' WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' END "
    "AS object_type, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(a.grantee) END AS grantee, "
    "json_agg(a.privilege_type ORDER BY a.privilege_type) AS privileges, bool_or(a.is_grantable) AS grantable FROM "
    "pg_catalog.pg_default_acl d LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace, "
    "pg_catalog.aclexplode(d.defaclacl) a GROUP BY 1, 2, 3, 4) x";

bool catalog_default_privileges(const pgpool_ref *pg, const char *database, char **json, tusk_err *err)
{
	return (*json = catalog_query_text(pg, database, DEFAULTS_SQL, 0, NULL, NULL, err)) != NULL;
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
    {"pg_type", "typacl", "typowner", "oid", "'T'", "pg_catalog.has_type_privilege(r.oid, o.oid, p)", "ARRAY['USAGE']"},
    {"pg_language", "lanacl", "lanowner", "oid", "'l'", "pg_catalog.has_language_privilege(r.oid, o.oid, p)",
     "ARRAY['USAGE']"},
    {"pg_foreign_server", "srvacl", "srvowner", "oid", "'S'", "pg_catalog.has_server_privilege(r.oid, o.oid, p)",
     "ARRAY['USAGE']"},
    {"pg_foreign_data_wrapper", "fdwacl", "fdwowner", "oid", "'F'",
     "pg_catalog.has_foreign_data_wrapper_privilege(r.oid, o.oid, p)", "ARRAY['USAGE']"},
};

/* The query that answers "which privileges does the role have on this
 * object of catalog e, and from where" as one JSON object. */
static void effective_sql(str *sql, size_t e)
{
	str_appendf(sql,
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
		    EFFECTIVE[e].oid, EFFECTIVE[e].acl, EFFECTIVE[e].owner, EFFECTIVE[e].code, EFFECTIVE[e].privileges,
		    EFFECTIVE[e].catalog, EFFECTIVE[e].has);
}

/* Which row of EFFECTIVE the object's catalog (its classid) is; false with err no_privileges. */
static bool effective_kind(const pgpool_ref *pg, const char *db, const char *classid, size_t *e, pg_error *pe,
			   tusk_err *err)
{
	const char *params[1] = {classid};
	PGresult *cat = pgpool_query(pg, db, "SELECT $1::oid::regclass::text", 1, params, pe, err);
	const char *catalog = cat ? PQgetvalue(cat, 0, 0) : "";
	if (strncmp(catalog, "pg_catalog.", 11) == 0)
		catalog += 11;
	size_t k = 0;
	while (k < sizeof(EFFECTIVE) / sizeof(*EFFECTIVE) && strcmp(EFFECTIVE[k].catalog, catalog) != 0)
		k++;
	bool ok = cat && k < sizeof(EFFECTIVE) / sizeof(*EFFECTIVE);
	if (!ok)
		err_set(err, ERR_NO_PRIVILEGES, "Objects of this kind (%s) have no privileges to show.",
			cat ? catalog : "?");
	PQclear(cat);
	*e = k;
	return ok;
}

bool catalog_effective_privileges(const pgpool_ref *pg, const char *path, const char *role, catalog_effective *out,
				  pg_error *pe, tusk_err *err)
{
	*out = (catalog_effective){0};
	catalog_pairs ids = {0};
	catalog_object o;
	if (!catalog_object_at(pg, path, &o, pe, err))
		return false;
	bool ok = catalog_facet(pg, path, CATALOG_IDENTITY, &ids, pe, err);
	if (ok && ids.n < 2) {
		err_set(err, ERR_NOT_FOUND, "There is no object at '%s'.", path);
		ok = false;
	}
	size_t e = 0;
	ok = ok && effective_kind(pg, o.db, ids.values[0], &e, pe, err);
	PGresult *res = NULL;
	if (ok) {
		str sql = STR_INIT;
		effective_sql(&sql, e);
		const char *params[2] = {ids.values[1], role};
		res = pgpool_query(pg, o.db, str_cstr(&sql), 2, params, pe, err);
		str_free(&sql);
		ok = res != NULL;
	}
	if (ok && PQntuples(res) == 0) {
		err_set(err, ERR_ROLE_NOT_FOUND, "There is no role '%s'.", role);
		ok = false;
	}
	if (ok) {
		out->identity = xstrdup(o.identity);
		out->type = xstrdup(o.type);
		out->json = xstrdup(PQgetvalue(res, 0, 0));
	}
	PQclear(res);
	catalog_pairs_free(&ids);
	catalog_object_free(&o);
	return ok;
}

void catalog_effective_free(catalog_effective *e)
{
	free(e->identity);
	free(e->type);
	free(e->json);
	*e = (catalog_effective){0};
}
