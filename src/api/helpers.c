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
			http_respond_error(r, 400, "invalid_field", "The field '%s' must be a string.", key);
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
			http_respond_error(r, 400, "invalid_field", "The field '%s' must be true or false.", key);
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
		http_respond_error(r, 404, "not_found", "There is no %s %s.", what, text);
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
		http_respond_error(r, 404, "not_found", "There is no %s %lld.", what, (long long)id);
	return found == 1;
}

void api_respond_pg_error(http_req *r, int status, const char *code, const pg_error *pe, const char *sql)
{
	str out = STR_INIT;
	json_writer w;
	jw_init(&w, &out);
	jw_obj_begin(&w);
	jw_key(&w, "error");
	jw_obj_begin(&w);
	jw_kv_str(&w, "code", code);
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
	http_respond_json(r, status, &out);
}

void api_internal_error(http_req *r, const tusk_err *err)
{
	log_msg(LOG_ERROR, "internal error", "path", http_req_path(r).ptr, "detail", err->msg, NULL);
	http_respond_error(r, 500, "internal", "Something went wrong inside Tusk; the log has the details.");
}

int api_err_status(const tusk_err *err)
{
	static const struct {
		const char *code;
		int status;
	} map[] = {
		{"not_connected", 409}, {"not_found", 404},	   {"invalid_spec", 400},	{"invalid_path", 400},
		{"missing_field", 400}, {"invalid_kind", 400},	   {"invalid_order", 400},	{"name_too_long", 400},
		 {"unavailable", 422},	   {"ddl_unavailable", 422},	{"no_cascade", 422},
		{"program_missing", 422}, {"quota_exceeded", 507}, {"stopping", 503},
		{"io_error", 500},	   {"storage_failed", 500}, {"job_failed", 500},
		{"pool_busy", 503},	   {"server_timeout", 504}, {"too_many_server_connections", 429},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (strcmp(err->code, map[i].code) == 0)
			return map[i].status;
	return 502;
}

void api_respond_err(http_req *r, const tusk_err *err)
{
	http_respond_error(r, api_err_status(err), err->code, "%s", err->msg);
}
