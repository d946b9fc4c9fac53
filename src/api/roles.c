/* Login and group roles over HTTP: list, create, alter and drop
 * (catalog/roles.c builds and runs the statements). */
#include <jansson.h>
#include <string.h>

#include "api/api.h"

void api_roles_list(http_req *r)
{
	api_server s;
	bool system;
	if (!api_server_ref(r, &s) || !api_query_flag(r, "system", &system))
		return;
	char *json = NULL;
	pg_error pe = {0};
	tusk_err err = {0};
	if (!catalog_roles_list(&s.pg, system, &json, &pe, &err)) {
		api_respond_failure(r, &err, &pe);
		return;
	}
	api_respond_raw(r, "roles", json);
}

struct role_in {
	const char *role, *reassign;
	bool preview, drop_owned;
	json_t *spec, *changes;
};
static const api_field create_fields[] = {
    API_FIELD("preview", API_BOOL, struct role_in, preview, 0),
    API_FIELD("spec", API_OBJECT, struct role_in, spec, API_REQUIRED),
};
static const api_field alter_fields[] = {
    API_FIELD("preview", API_BOOL, struct role_in, preview, 0),
    API_FIELD("role", API_TEXT, struct role_in, role, API_REQUIRED | API_NONEMPTY),
    API_FIELD("changes", API_OBJECT, struct role_in, changes, API_REQUIRED),
};
static const api_field drop_fields[] = {
    API_FIELD("preview", API_BOOL, struct role_in, preview, 0),
    API_FIELD("role", API_TEXT, struct role_in, role, API_REQUIRED | API_NONEMPTY),
    API_FIELD("reassign_to", API_TEXT, struct role_in, reassign, API_NONEMPTY),
    API_FIELD("drop_owned", API_BOOL, struct role_in, drop_owned, 0),
};
static const api_form create_form = API_FORM(create_fields, "Give the role's spec (an object).");
static const api_form alter_form = API_FORM(alter_fields, "Give the role and the changes (an object).");
static const api_form drop_form = API_FORM(drop_fields, "Give the role to drop.");

void api_roles_create(http_req *r)
{
	struct role_in in;
	api_change ch;
	if (api_change_begin(r, &create_form, &in, &ch))
		api_change_end(r, &ch, catalog_role_create(&ch.s.pg, in.spec, &ch.c, &ch.err));
}

void api_roles_alter(http_req *r)
{
	struct role_in in;
	api_change ch;
	if (api_change_begin(r, &alter_form, &in, &ch))
		api_change_end(r, &ch, catalog_role_alter(&ch.s.pg, in.role, in.changes, &ch.c, &ch.err));
}

void api_roles_drop(http_req *r)
{
	struct role_in in;
	api_change ch;
	if (api_change_begin(r, &drop_form, &in, &ch))
		api_change_end(r, &ch,
			       catalog_role_drop(&ch.s.pg, in.role, in.reassign, in.drop_owned, &ch.c, &ch.err));
}
