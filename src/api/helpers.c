/* Small pieces every handler uses: the session, JSON members, times, users. */
#include <jansson.h>
#include <stdlib.h>
#include <time.h>

#include <string.h>

#include "api/api.h"
#include "util/log.h"

auth_session *api_session(http_req *r)
{
	return http_req_user(r);
}

const char *api_json_str(http_req *r, json_t *obj, const char *key, bool *bad)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		if (!*bad)
			http_respond_error(r, ERR_INVALID_FIELD, "The field '%s' must be a string.", key);
		*bad = true;
		return NULL;
	}
	return json_string_value(v);
}

bool api_json_bool(http_req *r, json_t *obj, const char *key, bool def, bool *bad)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return def;
	if (!json_is_boolean(v)) {
		if (!*bad)
			http_respond_error(r, ERR_INVALID_FIELD, "The field '%s' must be true or false.", key);
		*bad = true;
		return def;
	}
	return json_is_true(v);
}

void api_json_time(json_writer *w, const char *key, int64_t t)
{
	jw_key(w, key);
	if (!t) {
		jw_null(w);
		return;
	}
	char buf[32];
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	jw_str(w, buf);
}

void api_json_user(json_writer *w, const store_user *u)
{
	jw_obj_begin(w);
	jw_kv_int(w, "id", u->id);
	jw_kv_str(w, "email", u->email);
	jw_kv_str(w, "role", u->role);
	jw_kv_bool(w, "active", u->active);
	jw_kv_bool(w, "locked", u->locked);
	jw_kv_bool(w, "password_set", strcmp(u->password_hash, AUTH_PASSWORD_UNSET_HASH) != 0);
	jw_kv_int(w, "failed_attempts", u->failed_attempts);
	api_json_time(w, "created_at", u->created_at);
	api_json_time(w, "last_login_at", u->last_login_at);
	jw_obj_end(w);
}

bool api_path_id(http_req *r, const char *what, int64_t *id)
{
	const char *text = http_req_param(r, "id");
	char *end;
	long long n = strtoll(text, &end, 10);
	if (*end || n <= 0) {
		http_respond_error(r, ERR_NOT_FOUND, "There is no %s %s.", what, text);
		return false;
	}
	*id = n;
	return true;
}

bool api_found(http_req *r, int found, const tusk_err *err, const char *what, int64_t id)
{
	if (found < 0)
		api_internal_error(r, err);
	else if (found == 0)
		http_respond_error(r, ERR_NOT_FOUND, "There is no %s %lld.", what, (long long)id);
	return found == 1;
}

void api_respond_pg_error(http_req *r, err_code code, const pg_error *pe, const char *sql)
{
	str out = STR_INIT;
	json_writer w;
	jw_init(&w, &out);
	jw_obj_begin(&w);
	jw_key(&w, "error");
	jw_obj_begin(&w);
	jw_kv_str(&w, "code", err_name(code));
	jw_kv_str(&w, "message", pe->message);
	jw_kv_str(&w, "sqlstate", pe->sqlstate);
	if (pe->detail[0])
		jw_kv_str(&w, "detail", pe->detail);
	if (pe->hint[0])
		jw_kv_str(&w, "hint", pe->hint);
	if (pe->position)
		jw_kv_int(&w, "position", pe->position);
	if (sql)
		jw_kv_str(&w, "sql", sql);
	jw_obj_end(&w);
	jw_obj_end(&w);
	http_respond_json(r, err_status(code, false), &out);
}

void api_internal_error(http_req *r, const tusk_err *err)
{
	log_msg(LOG_ERROR, "internal error", "path", http_req_path(r).ptr, "detail", err->msg, NULL);
	http_respond_error(r, ERR_INTERNAL, "Something went wrong inside Tusk; the log has the details.");
}

void api_respond_err(http_req *r, const tusk_err *err)
{
	if (err_internal(err->code))
		api_internal_error(r, err);
	else
		http_respond_error(r, err->code, "%s", err->msg);
}

void api_respond_err_status(http_req *r, int status, const tusk_err *err)
{
	if (err_internal(err->code))
		api_internal_error(r, err);
	else
		http_respond_error_status(r, status, err->code, "%s", err->msg);
}
