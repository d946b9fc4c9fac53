/* User management and the audit log, for administrators. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

static void respond_user(http_req *r, int status, const store_user *u)
{
	str out = STR_INIT;
	json_writer w;
	jw_init(&w, &out);
	jw_obj_begin(&w);
	jw_key(&w, "user");
	api_json_user(&w, u);
	jw_obj_end(&w);
	http_respond_json(r, status, &out);
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
	str out = STR_INIT;
	json_writer w;
	jw_init(&w, &out);
	jw_obj_begin(&w);
	jw_key(&w, "users");
	jw_arr_begin(&w);
	for (size_t i = 0; i < n; i++)
		if (strcmp(users[i].email, AUTH_DESKTOP_EMAIL) != 0 || app->cfg->desktop)
			api_json_user(&w, &users[i]);
	jw_arr_end(&w);
	jw_obj_end(&w);
	free(users);
	http_respond_json(r, 200, &out);
}

void api_users_create(http_req *r)
{
	tusk_app *app = http_req_app(r);
	json_t *body = http_req_json(r);
	if (!body)
		return;
	bool bad = false;
	const char *email = api_json_str(r, body, "email", &bad);
	const char *password = api_json_str(r, body, "password", &bad);
	const char *role = api_json_str(r, body, "role", &bad);
	bool active = api_json_bool(r, body, "active", true, &bad);
	if (bad)
		return;
	if (!email || !password) {
		http_respond_error(r, ERR_MISSING_FIELD, "A new user needs an e-mail address and a password.");
		return;
	}
	store_user u;
	tusk_err err = {0};
	if (!auth_user_create(app->auth, email, password, role ? role : "user", active, &u, &err)) {
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
	tusk_app *app = http_req_app(r);
	int64_t id;
	tusk_err err;
	return api_path_id(r, "user", &id) && api_found(r, store_user_by_id(app->store, id, u, &err), &err, "user", id);
}

/* Refuses a change that would leave no active administrator. */
static bool keeps_an_admin(http_req *r, const store_user *before, bool still_admin)
{
	tusk_app *app = http_req_app(r);
	if (strcmp(before->role, "admin") != 0 || !before->active || still_admin)
		return true;
	tusk_err err;
	int64_t admins = store_admin_count(app->store, &err);
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

void api_users_update(http_req *r)
{
	tusk_app *app = http_req_app(r);
	json_t *body = http_req_json(r);
	store_user u;
	if (!body || !load_target(r, &u))
		return;
	store_user before = u;
	bool bad = false;
	const char *email = api_json_str(r, body, "email", &bad);
	const char *role = api_json_str(r, body, "role", &bad);
	const char *password = api_json_str(r, body, "password", &bad);
	bool active = api_json_bool(r, body, "active", u.active, &bad);
	bool locked = api_json_bool(r, body, "locked", u.locked, &bad);
	if (bad)
		return;
	tusk_err err = {0};
	if (locked && !u.locked) {
		http_respond_error(r, ERR_INVALID_FIELD, "Accounts lock themselves; 'locked' can only be set to false.");
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
	/* what the account has open ends with its access */
	if (!u.active)
		api_access_revoke(app, u.id, 0, NULL, "Your Tusk account was disabled.");
	else if (password)
		api_access_revoke(app, u.id, 0, NULL, "An administrator reset your Tusk password.");
	else if (strcmp(before.role, u.role) != 0)
		api_access_sweep(app);
	const store_user *actor = &api_session(r)->user;
	const char *ip = http_req_client_ip(r);
	char detail[700];
	if (before.locked && !u.locked) {
		snprintf(detail, sizeof(detail), "unlocked %s", u.email);
		auth_audit(app->auth, actor, NULL, "user_unlocked", ip, detail);
	}
	if (password) {
		snprintf(detail, sizeof(detail), "reset the password of %s; their saved server passwords were discarded",
			 u.email);
		auth_audit(app->auth, actor, NULL, "password_reset", ip, detail);
	}
	if (strcmp(before.email, u.email) != 0 || strcmp(before.role, u.role) != 0 || before.active != u.active) {
		snprintf(detail, sizeof(detail), "updated %s: role %s, %s%s%s", u.email, u.role,
			 u.active ? "active" : "disabled", strcmp(before.email, u.email) ? ", was " : "",
			 strcmp(before.email, u.email) ? before.email : "");
		auth_audit(app->auth, actor, NULL, "user_updated", ip, detail);
	}
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
	char detail[300];
	snprintf(detail, sizeof(detail), "deleted %s", u.email);
	auth_audit(app->auth, &api_session(r)->user, NULL, "user_deleted", http_req_client_ip(r), detail);
	http_respond_empty(r, 204);
}

static int64_t query_int(http_req *r, const char *name, int64_t def, int64_t min, int64_t max)
{
	const char *v = http_req_query(r, name);
	if (!v || !*v)
		return def;
	char *end;
	long long n = strtoll(v, &end, 10);
	if (*end || n < min || n > max)
		return -1;
	return n;
}

void api_audit_list(http_req *r)
{
	tusk_app *app = http_req_app(r);
	store_audit_filter f = {
		.event = http_req_query(r, "event"),
		.text = http_req_query(r, "q"),
		.user_id = query_int(r, "user_id", 0, 0, INT64_MAX),
		.limit = query_int(r, "limit", 100, 1, 1000),
		.offset = query_int(r, "offset", 0, 0, INT64_MAX),
	};
	if (f.limit < 0 || f.offset < 0 || f.user_id < 0) {
		http_respond_error(r, ERR_INVALID_QUERY, "limit must be 1 to 1000; offset and user_id whole numbers.");
		return;
	}
	size_t n;
	int64_t total;
	tusk_err err;
	store_audit *list = store_audit_list(app->store, &f, &n, &total, &err);
	if (!list) {
		api_internal_error(r, &err);
		return;
	}
	str out = STR_INIT;
	json_writer w;
	jw_init(&w, &out);
	jw_obj_begin(&w);
	jw_kv_int(&w, "total", total);
	jw_key(&w, "entries");
	jw_arr_begin(&w);
	for (size_t i = 0; i < n; i++) {
		jw_obj_begin(&w);
		jw_kv_int(&w, "id", list[i].id);
		api_json_time(&w, "time", list[i].time);
		jw_kv_int_or_null(&w, "user_id", list[i].user_id);
		jw_kv_str(&w, "user_email", list[i].user_email[0] ? list[i].user_email : NULL);
		jw_kv_str(&w, "event", list[i].event);
		jw_kv_str(&w, "client_addr", list[i].client_addr[0] ? list[i].client_addr : NULL);
		jw_kv_str(&w, "detail", list[i].detail[0] ? list[i].detail : NULL);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	free(list);
	http_respond_json(r, 200, &out);
}
