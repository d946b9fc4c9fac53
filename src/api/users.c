/* User management and the audit log, for administrators. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "files/files.h"
#include "util/log.h"

static void write_user(json_writer *w, const void *item, void *ctx)
{
	(void)ctx;
	api_json_user(w, item);
}

static void respond_user(http_req *r, int status, const store_user *u)
{
	api_respond_item(r, status, "user", u, write_user, NULL);
}

void api_users_list(http_req *r)
{
	tusk_app *app = http_req_app(r);
	tusk_err err;
	size_t n;
	store_user *users = store_user_list(app->store, &n, &err);
	if (!users) {
		api_internal_error(r, &err);
		return;
	}
	/* the desktop mode's own account is not one to manage, but in desktop mode */
	size_t shown = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(users[i].email, AUTH_DESKTOP_EMAIL) != 0 || app->cfg->desktop)
			users[shown++] = users[i];
	api_respond_list(r, "users", users, shown, sizeof(*users), write_user, NULL, NULL);
	free(users);
}

struct user_in {
	const char *email, *password, *role, *auth_source, *oauth2_provider;
	bool active, locked;
};

void api_users_create(http_req *r)
{
	tusk_app *app = http_req_app(r);
	struct user_in in;
	static const api_field fields[] = {
	    API_FIELD("email", API_TEXT, struct user_in, email, API_REQUIRED),
	    API_FIELD("password", API_TEXT, struct user_in, password, 0),
	    API_FIELD("role", API_TEXT, struct user_in, role, 0),
	    API_FIELD("active", API_BOOL, struct user_in, active, API_DEFAULT_TRUE),
	    API_FIELD("auth_source", API_TEXT, struct user_in, auth_source, 0),
	    API_FIELD("oauth2_provider", API_TEXT, struct user_in, oauth2_provider, 0),
	};
	static const api_form form = API_FORM(fields, "A new user needs an e-mail address and a password.");
	if (!api_body(r, &form, &in, NULL))
		return;
	store_user u;
	tusk_err err = {0};
	const char *source = in.auth_source && *in.auth_source ? in.auth_source : "internal";
	const char *role = in.role ? in.role : "user";
	bool internal = strcmp(source, "internal") == 0;
	if (internal && !in.password) {
		http_respond_error(r, ERR_MISSING_FIELD, "A new user needs an e-mail address and a password.");
		return;
	}
	if (internal && in.oauth2_provider) {
		http_respond_error(r, ERR_INVALID_FIELD,
				   "Only users of the oauth2 source have a provider (oauth2_provider).");
		return;
	}
	if (!internal && in.password) {
		http_respond_error(r, ERR_INVALID_FIELD,
				   "A user of the %s source signs in there: Tusk keeps no password for it.", source);
		return;
	}
	if (internal ? !auth_user_create(app->auth, in.email, in.password, role, in.active, &u, &err)
		     : !auth_user_create_external(app->auth, source, in.email, role, in.oauth2_provider, in.active, &u,
						  &err)) {
		api_respond_err(r, &err);
		return;
	}
	char detail[300];
	snprintf(detail, sizeof(detail), "created %s (%s)", u.email, u.role);
	auth_audit(app->auth, &api_session(r)->user, NULL, "user_created", http_req_client_ip(r), detail);
	respond_user(r, 201, &u);
}

/* Loads the user named by the {id} path parameter, or responds 404. */
static bool load_target(http_req *r, store_user *u)
{
	int64_t id;
	tusk_err err;
	return api_path_id(r, "user", &id) &&
	       api_found(r, store_user_by_id(api_store(r), id, u, &err), &err, "user", id);
}

/* Refuses a change that would leave no active administrator. */
static bool keeps_an_admin(http_req *r, const store_user *before, bool still_admin)
{
	if (strcmp(before->role, "admin") != 0 || !before->active || still_admin)
		return true;
	tusk_err err;
	int64_t admins = store_admin_count(api_store(r), &err);
	if (admins < 0) {
		api_internal_error(r, &err);
		return false;
	}
	if (admins <= 1) {
		http_respond_error(r, ERR_LAST_ADMIN, "This is the last active administrator: make another one first.");
		return false;
	}
	return true;
}

/* After an account changed: what it has open ends with its access, and
 * the audit log says what changed. */
static void user_changed(http_req *r, const store_user *before, const store_user *u, bool password)
{
	tusk_app *app = http_req_app(r);
	if (!u->active)
		api_access_revoke(app, u->id, 0, NULL, "Your Tusk account was disabled.");
	else if (password)
		api_access_revoke(app, u->id, 0, NULL, "An administrator reset your Tusk password.");
	else if (strcmp(before->role, u->role) != 0)
		api_access_sweep(app);
	const store_user *actor = &api_session(r)->user;
	const char *ip = http_req_client_ip(r);
	char detail[700];
	if (before->locked && !u->locked) {
		snprintf(detail, sizeof(detail), "unlocked %s", u->email);
		auth_audit(app->auth, actor, NULL, "user_unlocked", ip, detail);
	}
	if (password) {
		snprintf(detail, sizeof(detail),
			 "reset the password of %s; their saved server passwords were discarded", u->email);
		auth_audit(app->auth, actor, NULL, "password_reset", ip, detail);
	}
	if (strcmp(before->email, u->email) != 0 || strcmp(before->role, u->role) != 0 || before->active != u->active) {
		snprintf(detail, sizeof(detail), "updated %s: role %s, %s%s%s", u->email, u->role,
			 u->active ? "active" : "disabled", strcmp(before->email, u->email) ? ", was " : "",
			 strcmp(before->email, u->email) ? before->email : "");
		auth_audit(app->auth, actor, NULL, "user_updated", ip, detail);
	}
}

void api_users_update(http_req *r)
{
	tusk_app *app = http_req_app(r);
	json_t *body = http_req_json(r);
	store_user u;
	if (!body || !load_target(r, &u))
		return;
	store_user before = u;
	struct user_in in = {.active = u.active, .locked = u.locked};
	static const api_field fields[] = {
	    API_FIELD("email", API_TEXT, struct user_in, email, 0),
	    API_FIELD("role", API_TEXT, struct user_in, role, 0),
	    API_FIELD("password", API_TEXT, struct user_in, password, 0),
	    API_FIELD("active", API_BOOL, struct user_in, active, API_KEEP),
	    API_FIELD("locked", API_BOOL, struct user_in, locked, API_KEEP),
	};
	static const api_form form = API_FORM(fields, "");
	if (!api_fields(r, body, &form, &in))
		return;
	const char *email = in.email, *role = in.role, *password = in.password;
	bool active = in.active, locked = in.locked;
	tusk_err err = {0};
	if (locked && !u.locked) {
		http_respond_error(r, ERR_INVALID_FIELD,
				   "Accounts lock themselves; 'locked' can only be set to false.");
		return;
	}
	if (u.auth_source[0] && strcmp(u.auth_source, "internal") != 0 && (password || email)) {
		http_respond_error(
		    r, ERR_INVALID_FIELD,
		    "%s signs in through the %s source: its name and password are the directory's or the "
		    "proxy's, not Tusk's.",
		    u.email, u.auth_source);
		return;
	}
	if (email && !auth_email_normalize(email, u.email, &err)) {
		api_respond_err(r, &err);
		return;
	}
	if (role && strcmp(role, "admin") != 0 && strcmp(role, "user") != 0) {
		http_respond_error(r, ERR_INVALID_ROLE, "The role must be admin or user, not '%s'.", role);
		return;
	}
	if (role)
		snprintf(u.role, sizeof(u.role), "%s", role);
	u.active = active;
	if (!locked && u.locked && !store_login_clear(app->store, u.email, &err)) {
		api_respond_err(r, &err);
		return;
	}
	if (!locked) {
		u.locked = false;
		u.locked_until = 0;
		u.failed_attempts = 0;
	}
	if (!keeps_an_admin(r, &before, strcmp(u.role, "admin") == 0 && u.active))
		return;
	u.updated_at = time(NULL);
	bool ok = password ? auth_user_reset_password(app->auth, &u, password, &err)
			   : store_user_update(app->store, &u, &err);
	if (ok && !u.active)
		ok = store_session_delete_user(app->store, u.id, NULL, &err);
	if (!ok) {
		api_respond_err(r, &err);
		return;
	}
	user_changed(r, &before, &u, password != NULL);
	respond_user(r, 200, &u);
}

void api_users_delete(http_req *r)
{
	tusk_app *app = http_req_app(r);
	store_user u;
	if (!load_target(r, &u))
		return;
	if (u.id == api_session(r)->user.id) {
		http_respond_error(r, ERR_CANNOT_DELETE_SELF, "You cannot delete your own account.");
		return;
	}
	if (!keeps_an_admin(r, &u, false))
		return;
	tusk_err err;
	if (!store_user_delete(app->store, u.id, &err)) {
		api_internal_error(r, &err);
		return;
	}
	api_access_revoke(app, u.id, 0, NULL, "Your Tusk account was deleted.");
	/* its files go with it: a later account must never find them */
	if (!files_remove_user_area(app->cfg->data_dir, u.id, &err))
		log_msg(LOG_ERROR, "a deleted user's storage area could not be removed", "detail", err.msg, NULL);
	char detail[300];
	snprintf(detail, sizeof(detail), "deleted %s", u.email);
	auth_audit(app->auth, &api_session(r)->user, NULL, "user_deleted", http_req_client_ip(r), detail);
	http_respond_empty(r, 204);
}

static void write_audit(json_writer *w, const void *item, void *ctx)
{
	(void)ctx;
	const store_audit *a = item;
	jw_object(w, "itnesee", "id", a->id, "time", a->time, "user_id", a->user_id, "user_email", a->user_email,
		  "event", a->event, "client_addr", a->client_addr, "detail", a->detail);
}

void api_audit_list(http_req *r)
{
	store_audit_filter f = {.event = http_req_query(r, "event"), .text = http_req_query(r, "q")};
	if (!api_query_int(r, "user_id", 0, 0, INT64_MAX, ERR_INVALID_QUERY, &f.user_id) ||
	    !api_query_int(r, "limit", 100, 1, 1000, ERR_INVALID_QUERY, &f.limit) ||
	    !api_query_int(r, "offset", 0, 0, INT64_MAX, ERR_INVALID_QUERY, &f.offset))
		return;
	size_t n = 0;
	int64_t total = 0;
	tusk_err err;
	store_audit *list = store_audit_list(api_store(r), &f, &n, &total, &err);
	api_respond_page(r, total, list, n, sizeof(*list), write_audit, NULL, &err);
	free(list);
}

/* An administrator asks a user to enrol two-factor (or no longer asks). */
void api_users_two_factor_require(http_req *r)
{
	tusk_app *app = http_req_app(r);
	store_user u;
	if (!load_target(r, &u))
		return;
	struct require_in {
		bool required;
	} in = {0};
	static const api_field fields[] = {
	    API_FIELD("required", API_BOOL, struct require_in, required, API_REQUIRED),
	};
	static const api_form form = API_FORM(fields, "Give required: true or false.");
	if (!api_body(r, &form, &in, NULL))
		return;
	if (in.required && !auth_two_factor_source_covered(&u)) {
		http_respond_error(r, ERR_TWO_FACTOR_NOT_COVERED,
				   "%s signs in through the %s source, which two-factor does not cover (the identity "
				   "provider or the proxy in front decides there): Tusk cannot require it.",
				   u.email, u.auth_source[0] ? u.auth_source : "internal");
		return;
	}
	tusk_err err;
	if (!store_two_factor_require(app->store, u.id, in.required, &err)) {
		api_internal_error(r, &err);
		return;
	}
	u.two_factor_required = in.required;
	char detail[400];
	snprintf(detail, sizeof(detail), "%s %s",
		 in.required ? "two-factor required of" : "two-factor no longer required of", u.email);
	auth_audit(app->auth, &api_session(r)->user, NULL, "two_factor_required", http_req_client_ip(r), detail);
	respond_user(r, 200, &u);
}

/* An administrator removes a user's authenticator and recovery codes (a lost phone): the user
 * signs in with the password alone, and enrols again when two-factor is required. */
void api_users_two_factor_reset(http_req *r)
{
	tusk_app *app = http_req_app(r);
	store_user u;
	if (!load_target(r, &u))
		return;
	tusk_err err;
	if (!auth_two_factor_reset(app->auth, &u, &err)) {
		api_internal_error(r, &err);
		return;
	}
	u.totp_enabled = false;
	char detail[400];
	snprintf(detail, sizeof(detail), "two-factor of %s reset: authenticator and recovery codes removed", u.email);
	auth_audit(app->auth, &api_session(r)->user, NULL, "two_factor_reset", http_req_client_ip(r), detail);
	respond_user(r, 200, &u);
}
