/* Login and group roles: list them with their attributes, memberships and
 * settings; create, alter and drop them (with REASSIGN/DROP OWNED in every
 * database the role has objects in). A password goes to PostgreSQL as a
 * verifier computed by libpq (PQencryptPasswordConn); the statement shown
 * and returned masks it. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/build.h"

/* The attributes a role has, as keyword pairs. */
static const struct {
	const char *key, *yes, *no;
} ATTRIBUTES[] = {
    {"superuser", "SUPERUSER", "NOSUPERUSER"},
    {"createdb", "CREATEDB", "NOCREATEDB"},
    {"createrole", "CREATEROLE", "NOCREATEROLE"},
    {"inherit", "INHERIT", "NOINHERIT"},
    {"login", "LOGIN", "NOLOGIN"},
    {"replication", "REPLICATION", "NOREPLICATION"},
    {"bypassrls", "BYPASSRLS", "NOBYPASSRLS"},
};

/* ---- list ---- */

static const char LIST_SQL[] =
    "SELECT COALESCE(json_agg(x ORDER BY x.name), '[]') FROM (SELECT r.rolname AS name, r.oid::bigint AS oid, "
    "r.rolcanlogin AS login, r.rolsuper AS superuser, r.rolcreatedb AS createdb, r.rolcreaterole AS createrole, "
    "r.rolinherit AS inherit, r.rolreplication AS replication, r.rolbypassrls AS bypassrls, r.rolconnlimit AS "
    "connection_limit, r.rolvaliduntil AS valid_until, r.rolname ~ '^pg_' AS system, "
    "pg_catalog.shobj_description(r.oid, 'pg_authid') AS comment, "
    "COALESCE((SELECT json_agg(json_build_object('role', g.rolname, 'admin', m.admin_option, 'inherit', "
    "to_jsonb(m) -> 'inherit_option', 'set', to_jsonb(m) -> 'set_option') ORDER BY g.rolname) FROM "
    "pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid), '[]') "
    "AS member_of, COALESCE((SELECT json_agg(json_build_object('role', u.rolname, 'admin', m.admin_option) ORDER "
    "BY u.rolname) FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles u ON u.oid = m.member WHERE m.roleid "
    "= r.oid), '[]') AS members, COALESCE((SELECT json_agg(json_build_object('database', d.datname, 'name', "
    "split_part(c, '=', 1), 'value', substr(c, strpos(c, '=') + 1)) ORDER BY d.datname NULLS FIRST, c) FROM "
    "pg_catalog.pg_db_role_setting s LEFT JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase, "
    "unnest(s.setconfig) c WHERE s.setrole = r.oid), '[]') AS config FROM pg_catalog.pg_roles r "
    "WHERE $1::boolean OR r.rolname !~ '^pg_') x";

bool catalog_roles_list(const pgpool_ref *pg, bool system, char **json, pg_error *pe, tusk_err *err)
{
	const char *params[1] = {system ? "true" : "false"};
	return (*json = catalog_query_text(pg, NULL, LIST_SQL, 1, params, pe, err)) != NULL;
}

/* What a query tab may SET ROLE to: the login and the roles it is a member of (pg_ ones left out). */
static const char SETTABLE_SQL[] =
    "SELECT json_build_object('login', session_user, 'current', current_user, 'roles', COALESCE((SELECT "
    "json_agg(r.rolname ORDER BY r.rolname) FROM pg_catalog.pg_roles r WHERE r.rolname <> session_user AND "
    "r.rolname !~ '^pg_' AND pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER')), '[]'))";

bool catalog_roles_settable(const pgpool_ref *pg, char **json, pg_error *pe, tusk_err *err)
{
	return (*json = catalog_query_text(pg, NULL, SETTABLE_SQL, 0, NULL, pe, err)) != NULL;
}

/* ---- building the statements ---- */

struct role_job {
	struct build b;
	int version;
	const char *role; /* alter/drop: the role's current name */
};

/* Appends to both the shown and the run statement. */
static void both(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void both(struct build *b, const char *fmt, ...)
{
	va_list ap, copy;
	va_start(ap, fmt);
	va_copy(copy, ap);
	char *text = NULL;
	if (vasprintf(&text, fmt, ap) >= 0) {
		str_append_cstr(&b->sql, text);
		str_append_cstr(&b->run_sql, text);
	}
	free(text);
	va_end(copy);
	va_end(ap);
}

static void both_ident(struct build *b, PGconn *c, const char *name)
{
	catalog_ident(c, &b->sql, name);
	catalog_ident(c, &b->run_sql, name);
}

static void both_literal(struct build *b, PGconn *c, const char *v)
{
	catalog_literal(c, &b->sql, v);
	catalog_literal(c, &b->run_sql, v);
}

/* WITH LOGIN NOSUPERUSER ... CONNECTION LIMIT n VALID UNTIL '...' PASSWORD '...' (only what the spec has). */
static void role_options(struct role_job *j, PGconn *c, json_t *s, const char *name)
{
	struct build *b = &j->b;
	for (size_t i = 0; i < sizeof(ATTRIBUTES) / sizeof(*ATTRIBUTES); i++) {
		json_t *v = json_object_get(s, ATTRIBUTES[i].key);
		if (!v || json_is_null(v))
			continue;
		if (!json_is_boolean(v)) {
			catalog_why(b, "'%s' is true or false", ATTRIBUTES[i].key);
			return;
		}
		both(b, " %s", json_is_true(v) ? ATTRIBUTES[i].yes : ATTRIBUTES[i].no);
	}
	json_t *limit = json_object_get(s, "connection_limit");
	if (limit && !json_is_null(limit)) {
		if (!json_is_integer(limit) || json_integer_value(limit) < -1) {
			catalog_why(b, "'connection_limit' is a whole number (-1: no limit)");
			return;
		}
		both(b, " CONNECTION LIMIT %lld", (long long)json_integer_value(limit));
	}
	json_t *until = json_object_get(s, "valid_until");
	if (until && !json_is_null(until) && !json_is_string(until)) {
		catalog_why(b, "'valid_until' is a timestamp, or null for no expiry");
		return;
	}
	if (until) {
		both(b, " VALID UNTIL ");
		both_literal(
		    b, c, json_is_string(until) && *json_string_value(until) ? json_string_value(until) : "infinity");
	}
	json_t *password = json_object_get(s, "password");
	if (password && json_is_null(password)) {
		both(b, " PASSWORD NULL");
	} else if (password) {
		if (!json_is_string(password) || !*json_string_value(password)) {
			catalog_why(b, "'password' is text, or null to remove it");
			return;
		}
		/* the verifier (SCRAM or md5, as the server's password_encryption says) is what runs */
		char *verifier = PQencryptPasswordConn(c, json_string_value(password), name, NULL);
		if (!verifier) {
			catalog_why(b, "the password could not be encrypted: %s", PQerrorMessage(c));
			return;
		}
		str_append_cstr(&b->sql, " PASSWORD '********'");
		str_append_cstr(&b->run_sql, " PASSWORD ");
		catalog_literal(c, &b->run_sql, verifier);
		PQfreemem(verifier);
	}
}

/* GRANT group TO member WITH ADMIN/INHERIT/SET options (16+ for inherit and set). */
static void grant_membership(struct role_job *j, PGconn *c, const char *group, const char *member, json_t *m)
{
	struct build *b = &j->b;
	json_t *admin = json_object_get(m, "admin"), *inherit = json_object_get(m, "inherit"),
	       *set = json_object_get(m, "set");
	bool has_inherit = inherit && !json_is_null(inherit), has_set = set && !json_is_null(set);
	if ((has_inherit || has_set) && j->version < 160000) {
		catalog_why(b, "membership 'inherit' and 'set' options need PostgreSQL 16 or newer");
		return;
	}
	both(b, "\nGRANT ");
	both_ident(b, c, group);
	both(b, " TO ");
	both_ident(b, c, member);
	if (j->version >= 160000 && (json_is_true(admin) || has_inherit || has_set)) {
		str opts = STR_INIT;
		if (json_is_true(admin))
			str_append_cstr(&opts, "ADMIN TRUE");
		if (has_inherit)
			str_appendf(&opts, "%sINHERIT %s", opts.len ? ", " : "",
				    json_is_true(inherit) ? "TRUE" : "FALSE");
		if (has_set)
			str_appendf(&opts, "%sSET %s", opts.len ? ", " : "", json_is_true(set) ? "TRUE" : "FALSE");
		both(b, " WITH %s", str_cstr(&opts));
		str_free(&opts);
	} else if (json_is_true(admin)) {
		both(b, " WITH ADMIN OPTION");
	}
	both(b, ";");
}

/* A list member that is an array of objects with a text 'role'. */
static bool role_list(struct build *b, json_t *list, const char *key)
{
	if (!list || json_is_null(list))
		return true;
	size_t i;
	json_t *e;
	bool ok = json_is_array(list);
	json_array_foreach(list, i, e) ok = ok && json_is_object(e) && json_is_string(json_object_get(e, "role")) &&
					    *json_string_value(json_object_get(e, "role"));
	if (!ok)
		catalog_why(b, "'%s' is a list of {role, admin, inherit, set}", key);
	return ok;
}

/* Whether a spec's list member has entries to read: false when absent
 * or null, and when it is not a list (why recorded: key is a list of shape). */
static bool entries(struct build *b, json_t *list, const char *key, const char *shape)
{
	if (!list || json_is_null(list))
		return false;
	if (!json_is_array(list)) {
		catalog_why(b, "'%s' is a list of %s", key, shape);
		return false;
	}
	return true;
}

/* ALTER ROLE name [IN DATABASE d] SET/RESET parameter for each entry. */
static void settings(struct role_job *j, PGconn *c, const char *name, json_t *list, bool reset)
{
	struct build *b = &j->b;
	size_t i;
	json_t *e;
	if (!entries(b, list, reset ? "config_reset" : "config", "{name, value, database}"))
		return;
	json_array_foreach(list, i, e)
	{
		const char *param = catalog_text(e, "name"), *value = catalog_text(e, "value"),
			   *db = catalog_text(e, "database");
		bool named = param != NULL;
		for (const char *p = param; p && *p; p++)
			named = named && strchr("abcdefghijklmnopqrstuvwxyz_.0123456789", *p) != NULL;
		if (!named || (!reset && !json_is_string(json_object_get(e, "value")))) {
			catalog_why(b, "each setting has a parameter 'name' (like work_mem) and a 'value'");
			return;
		}
		both(b, "\nALTER ROLE ");
		both_ident(b, c, name);
		if (db) {
			both(b, " IN DATABASE ");
			both_ident(b, c, db);
		}
		if (reset) {
			both(b, " RESET %s;", param);
		} else {
			both(b, " SET %s TO ", param);
			both_literal(b, c, value ? value : "");
			both(b, ";");
		}
	}
}

/* SECURITY LABEL FOR provider ON ROLE name IS 'label' (null: removed) for each entry. */
static void security_labels(struct role_job *j, PGconn *c, const char *name, json_t *list)
{
	struct build *b = &j->b;
	size_t i;
	json_t *e;
	if (!entries(b, list, "security_labels", "{provider, label}"))
		return;
	json_array_foreach(list, i, e)
	{
		const char *provider = catalog_text(e, "provider");
		json_t *label = json_object_get(e, "label");
		if (!provider || !(json_is_string(label) || json_is_null(label))) {
			catalog_why(b,
				    "each security label has a 'provider' and a 'label' (text, or null to remove it)");
			return;
		}
		both(b, "\nSECURITY LABEL FOR ");
		both_ident(b, c, provider);
		both(b, " ON ROLE ");
		both_ident(b, c, name);
		both(b, " IS ");
		if (json_is_string(label))
			both_literal(b, c, json_string_value(label));
		else
			both(b, "NULL");
		both(b, ";");
	}
}

static void comment(struct role_job *j, PGconn *c, const char *name, json_t *text)
{
	struct build *b = &j->b;
	if (!text)
		return;
	if (!json_is_string(text) && !json_is_null(text)) {
		catalog_why(b, "'comment' is text or null");
		return;
	}
	both(b, "\nCOMMENT ON ROLE ");
	both_ident(b, c, name);
	both(b, " IS ");
	if (json_is_string(text) && *json_string_value(text))
		both_literal(b, c, json_string_value(text));
	else
		both(b, "NULL");
	both(b, ";");
}

static bool build_create(void *ctx, PGconn *c, tusk_err *err)
{
	(void)err;
	struct role_job *j = ctx;
	struct build *b = &j->b;
	json_t *s = b->spec;
	const char *name = catalog_need(b, s, "name");
	json_t *member_of = json_object_get(s, "member_of"), *members = json_object_get(s, "members");
	tusk_err why = {0};
	if (name && !catalog_name_fits(c, name, &why)) /* PostgreSQL would cut it without an error */
		catalog_why_err(b, &why);
	if (!name || b->why[0] || !role_list(b, member_of, "member_of") || !role_list(b, members, "members"))
		return true;
	both(b, "CREATE ROLE ");
	both_ident(b, c, name);
	both(b, " WITH");
	role_options(j, c, s, name);
	if (!b->sql.len || b->sql.buf[b->sql.len - 1] == 'H') /* nothing after WITH */
		both(b, " NOLOGIN");
	both(b, ";");
	size_t i;
	json_t *e;
	json_array_foreach(member_of, i, e)
	    grant_membership(j, c, json_string_value(json_object_get(e, "role")), name, e);
	json_array_foreach(members, i, e)
	    grant_membership(j, c, name, json_string_value(json_object_get(e, "role")), e);
	settings(j, c, name, json_object_get(s, "config"), false);
	comment(j, c, name, json_object_get(s, "comment"));
	security_labels(j, c, name, json_object_get(s, "security_labels"));
	catalog_execute(b, c);
	return true;
}

static bool build_alter(void *ctx, PGconn *c, tusk_err *err)
{
	(void)err;
	struct role_job *j = ctx;
	struct build *b = &j->b;
	json_t *s = b->spec;
	const char *name = j->role;
	json_t *add = json_object_get(s, "add_member_of"), *remove = json_object_get(s, "remove_member_of");
	if (!role_list(b, add, "add_member_of"))
		return true;
	/* attributes, limit, expiry and password in one ALTER ROLE */
	size_t sql0 = b->sql.len, run0 = b->run_sql.len;
	both(b, "ALTER ROLE ");
	both_ident(b, c, name);
	both(b, " WITH");
	size_t sql1 = b->sql.len;
	role_options(j, c, s, name);
	if (b->sql.len == sql1) {
		/* nothing for WITH: take the statement back */
		b->sql.len = sql0;
		b->run_sql.len = run0;
		if (b->sql.buf)
			b->sql.buf[sql0] = '\0';
		if (b->run_sql.buf)
			b->run_sql.buf[run0] = '\0';
	} else {
		both(b, ";");
	}
	size_t i;
	json_t *e;
	if (remove && !json_is_null(remove) && !json_is_array(remove))
		catalog_why(b, "'remove_member_of' is a list of role names");
	json_array_foreach(remove, i, e)
	{
		if (!json_is_string(e) || !*json_string_value(e)) {
			catalog_why(b, "'remove_member_of' is a list of role names");
			break;
		}
		both(b, "\nREVOKE ");
		both_ident(b, c, json_string_value(e));
		both(b, " FROM ");
		both_ident(b, c, name);
		both(b, ";");
	}
	/* after the revokes: a changed membership is revoked, then granted with its new options */
	json_array_foreach(add, i, e) grant_membership(j, c, json_string_value(json_object_get(e, "role")), name, e);
	settings(j, c, name, json_object_get(s, "config"), false);
	settings(j, c, name, json_object_get(s, "config_reset"), true);
	comment(j, c, name, json_object_get(s, "comment"));
	security_labels(j, c, name, json_object_get(s, "security_labels"));
	const char *rename = catalog_text(s, "name");
	tusk_err why = {0};
	if (rename && strcmp(rename, name) != 0 && !catalog_name_fits(c, rename, &why))
		catalog_why_err(b, &why);
	else if (rename && strcmp(rename, name) != 0) {
		both(b, "\nALTER ROLE ");
		both_ident(b, c, name);
		both(b, " RENAME TO ");
		both_ident(b, c, rename);
		both(b, ";");
	}
	/* a leading newline when the first statement was not ALTER ... WITH */
	while (b->sql.len && b->sql.buf[0] == '\n') {
		memmove(b->sql.buf, b->sql.buf + 1, b->sql.len--);
	}
	while (b->run_sql.len && b->run_sql.buf[0] == '\n') {
		memmove(b->run_sql.buf, b->run_sql.buf + 1, b->run_sql.len--);
	}
	if (!b->sql.len && !b->why[0])
		catalog_why(b, "nothing to change");
	catalog_execute(b, c);
	return true;
}

bool catalog_role_create(const pgpool_ref *pg, json_t *spec, catalog_change *out, tusk_err *err)
{
	struct role_job j = {.b = {.spec = spec, .kind = "role", .preview = out->preview, .in_transaction = true},
			     .version = pgpool_server_version(pg)};
	bool ok = pgpool_with_conn(pg, NULL, build_create, &j, err);
	return catalog_finish(&j.b, out, err) && ok;
}

bool catalog_role_alter(const pgpool_ref *pg, const char *role, json_t *changes, catalog_change *out, tusk_err *err)
{
	struct role_job j = {.b = {.spec = changes, .kind = "role", .preview = out->preview, .in_transaction = true},
			     .version = pgpool_server_version(pg),
			     .role = role};
	bool ok = pgpool_with_conn(pg, NULL, build_alter, &j, err);
	return catalog_finish(&j.b, out, err) && ok;
}

/* ---- drop, with what the role owns in every database ---- */

struct drop_db {
	struct build *b;
	const char *role, *reassign_to;
	bool drop_owned;
};

/* Runs one step's statements on c and adds them (and a refusal) to b. */
static void run_step(struct build *b, struct build *one, PGconn *c)
{
	catalog_execute(one, c);
	str_append(&b->sql, one->sql.buf, one->sql.len);
	if (one->failed) {
		b->failed = true;
		b->pe = one->pe;
	}
	str_free(&one->sql);
}

/* REASSIGN OWNED / DROP OWNED in the database of this connection. */
static bool run_owned(void *ctx, PGconn *c, tusk_err *err)
{
	(void)err;
	struct drop_db *d = ctx;
	struct build one = {.preview = d->b->preview, .in_transaction = true};
	if (d->reassign_to) {
		str_append_cstr(&one.sql, "REASSIGN OWNED BY ");
		catalog_ident(c, &one.sql, d->role);
		str_append_cstr(&one.sql, " TO ");
		catalog_ident(c, &one.sql, d->reassign_to);
		str_append_cstr(&one.sql, ";\n");
	}
	if (d->drop_owned) {
		str_append_cstr(&one.sql, "DROP OWNED BY ");
		catalog_ident(c, &one.sql, d->role);
		str_append_cstr(&one.sql, ";\n");
	}
	run_step(d->b, &one, c);
	return true;
}

/* DROP ROLE, on the maintenance database, outside a transaction block. */
static bool drop_role(void *ctx, PGconn *c, tusk_err *err)
{
	(void)err;
	struct drop_db *d = ctx;
	struct build one = {.preview = d->b->preview};
	str_append_cstr(&one.sql, "DROP ROLE ");
	catalog_ident(c, &one.sql, d->role);
	str_append_char(&one.sql, ';');
	run_step(d->b, &one, c);
	return true;
}

bool catalog_role_drop(const pgpool_ref *pg, const char *role, const char *reassign_to, bool drop_owned,
		       catalog_change *out, tusk_err *err)
{
	pg_error pe;
	struct build b = {.preview = out->preview, .steps = true};
	/* the databases where the role owns objects or holds privileges */
	const char *params[1] = {role};
	PGresult *dbs = NULL;
	if (reassign_to || drop_owned) {
		dbs = pgpool_query(
		    pg, NULL,
		    "SELECT DISTINCT d.datname FROM pg_catalog.pg_shdepend s JOIN pg_catalog.pg_database d ON "
		    "d.oid = s.dbid WHERE s.refclassid = 'pg_catalog.pg_authid'::regclass AND s.refobjid = "
		    "(SELECT oid FROM pg_catalog.pg_roles WHERE rolname = $1) AND d.datallowconn ORDER BY 1",
		    1, params, &pe, err);
		if (!dbs)
			return false;
	}
	struct drop_db d = {.b = &b, .role = role, .reassign_to = reassign_to, .drop_owned = drop_owned};
	bool ok = true;
	for (int i = 0; ok && dbs && i < PQntuples(dbs) && !b.failed; i++) {
		const char *db = PQgetvalue(dbs, i, 0);
		str_appendf(&b.sql, "-- in database %s:\n", db);
		ok = pgpool_with_conn(pg, db, run_owned, &d, err);
	}
	PQclear(dbs);
	if (ok && !b.failed)
		ok = pgpool_with_conn(pg, NULL, drop_role, &d, err);
	return catalog_finish(&b, out, err) && ok;
}
