/* Privileges over HTTP: the Grant Wizard, default privileges and a role's
 * effective privileges on one object (catalog/privileges.c). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

struct grant_in {
	const char *action, *database, *for_role, *schema, *object_type;
	bool preview, grant_option, cascade;
	json_t *objects, *privileges, *roles;
};

/* The action: grant or revoke; false after answering 400 with why. */
static bool grant_action(http_req *r, const struct grant_in *in, err_code code, const char *why, bool *grant)
{
	*grant = in->action && strcmp(in->action, "grant") == 0;
	if (*grant || (in->action && strcmp(in->action, "revoke") == 0))
		return true;
	http_respond_error(r, code, "%s", why);
	return false;
}

static const api_field grant_fields[] = {
    API_FIELD("action", API_TEXT, struct grant_in, action, 0),
    API_FIELD("preview", API_BOOL, struct grant_in, preview, 0),
    API_FIELD("with_grant_option", API_BOOL, struct grant_in, grant_option, 0),
    API_FIELD("cascade", API_BOOL, struct grant_in, cascade, 0),
    API_FIELD("objects", API_ANY, struct grant_in, objects, 0),
    API_FIELD("privileges", API_ANY, struct grant_in, privileges, 0),
    API_FIELD("roles", API_ANY, struct grant_in, roles, 0),
};
static const api_form grant_form = API_FORM(grant_fields, "");
static const api_field grant_lists[] = {
    API_FIELD("objects", API_NAMES, struct grant_in, objects, API_REQUIRED),
    API_FIELD("privileges", API_NAMES, struct grant_in, privileges, API_REQUIRED),
    API_FIELD("roles", API_NAMES, struct grant_in, roles, API_REQUIRED),
};
static const api_form grant_lists_form =
    API_FORM(grant_lists, "Give the objects (tree paths), the privileges and the roles, each a non-empty list.");

void api_privileges_grant(http_req *r)
{
	struct grant_in in;
	api_change ch;
	bool grant;
	/* a bad action is answered before the lists are looked at */
	if (!api_change_begin(r, &grant_form, &in, &ch) ||
	    !grant_action(r, &in, ERR_INVALID_FIELD, "'action' is grant or revoke.", &grant) ||
	    !api_fields(r, http_req_json(r), &grant_lists_form, &in))
		return;
	catalog_grant_spec g = {.grant = grant,
				.grant_option = in.grant_option,
				.cascade = in.cascade,
				.objects = in.objects,
				.privileges = in.privileges,
				.roles = in.roles};
	api_change_end(r, &ch, catalog_grant(&ch.s.pg, &g, &ch.c, &ch.err));
}

#define DEFAULTS_WHY                                                                                                   \
	"Give the database, action (grant or revoke), object_type (tables, sequences, functions, routines, types or "  \
	"schemas), privileges and roles."

static const api_field defaults_fields[] = {
    API_FIELD("database", API_TEXT, struct grant_in, database, API_REQUIRED),
    API_FIELD("action", API_TEXT, struct grant_in, action, API_REQUIRED),
    API_FIELD("for_role", API_TEXT, struct grant_in, for_role, 0),
    API_FIELD("schema", API_TEXT, struct grant_in, schema, 0),
    API_FIELD("object_type", API_TEXT, struct grant_in, object_type, API_REQUIRED),
    API_FIELD("preview", API_BOOL, struct grant_in, preview, 0),
    API_FIELD("with_grant_option", API_BOOL, struct grant_in, grant_option, 0),
    API_FIELD("privileges", API_NAMES, struct grant_in, privileges, API_REQUIRED),
    API_FIELD("roles", API_NAMES, struct grant_in, roles, API_REQUIRED),
};
static const api_form defaults_form = API_FORM(defaults_fields, DEFAULTS_WHY);

void api_default_privileges_alter(http_req *r)
{
	struct grant_in in;
	api_change ch;
	bool grant;
	if (!api_change_begin(r, &defaults_form, &in, &ch) ||
	    !grant_action(r, &in, ERR_MISSING_FIELD, DEFAULTS_WHY, &grant))
		return;
	catalog_defaults_spec d = {.database = in.database,
				   .for_role = in.for_role,
				   .schema = in.schema,
				   .object_type = in.object_type,
				   .grant = grant,
				   .grant_option = in.grant_option,
				   .privileges = in.privileges,
				   .roles = in.roles};
	api_change_end(r, &ch, catalog_default_privileges_alter(&ch.s.pg, &d, &ch.c, &ch.err));
}

void api_default_privileges_list(http_req *r)
{
	api_server s;
	const char *db;
	if (!api_server_ref(r, &s) || !(db = api_query_need(r, "database", "Give the database.")))
		return;
	char *json = NULL;
	tusk_err err = {0};
	if (!catalog_default_privileges(&s.pg, db, &json, &err)) {
		api_respond_err(r, &err);
		return;
	}
	api_respond_raw(r, "defaults", json);
}

void api_privileges_effective(http_req *r)
{
	api_server s;
	if (!api_server_ref(r, &s))
		return;
	const char *role = http_req_query(r, "role"), *path = http_req_query(r, "path");
	if (!role || !*role || !path || !*path) {
		http_respond_error(r, ERR_MISSING_FIELD, "Give the role and the object's path.");
		return;
	}
	catalog_effective e;
	pg_error pe = {0};
	tusk_err err = {0};
	if (!catalog_effective_privileges(&s.pg, path, role, &e, &pe, &err)) {
		api_respond_failure(r, &err, &pe);
		return;
	}
	api_json j;
	json_writer *w = api_json_begin(&j);
	jw_kv_str(w, "object", e.identity);
	jw_kv_str(w, "type", e.type);
	jw_key(w, "effective");
	jw_raw(w, e.json); /* PostgreSQL's json_build_object */
	api_json_send(r, 200, &j);
	catalog_effective_free(&e);
}
