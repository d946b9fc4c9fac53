/* Small pieces every handler uses: the session, JSON members, times, users. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "util/log.h"

auth_session *api_session(http_req *r)
{
	return http_req_user(r);
}

void api_json_user(json_writer *w, const store_user *u)
{
	jw_object(w, "issbbbdttsbbe", "id", u->id, "email", u->email, "role", u->role, "active", u->active, "locked",
		  u->locked, "password_set",
		  strcmp(u->password_hash, AUTH_PASSWORD_UNSET_HASH) != 0 &&
		      strcmp(u->password_hash, AUTH_PASSWORD_EXTERNAL_HASH) != 0,
		  "failed_attempts", u->failed_attempts, "created_at", u->created_at, "last_login_at", u->last_login_at,
		  "auth_source", u->auth_source[0] ? u->auth_source : "internal", "two_factor_enabled", u->totp_enabled,
		  "two_factor_required", u->two_factor_required, "oauth2_provider",
		  u->oauth2_provider[0] ? u->oauth2_provider : NULL);
}

bool api_path_int(http_req *r, const char *param, int64_t min, int64_t max, const char *what, int64_t *out)
{
	const char *text = http_req_param(r, param);
	char *end = NULL;
	errno = 0;
	long long n = text[0] >= '0' && text[0] <= '9' ? strtoll(text, &end, 10) : -1;
	if (!end || *end || errno || n < min || n > max) {
		http_respond_error(r, ERR_NOT_FOUND, "There is no %s %s.", what, text);
		return false;
	}
	*out = n;
	return true;
}

bool api_path_id(http_req *r, const char *what, int64_t *id)
{
	return api_path_int(r, "id", 1, INT64_MAX, what, id);
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
	http_error_body b;
	json_writer *w = http_error_begin(&b, code, pe->message);
	jw_kv_str(w, "sqlstate", pe->sqlstate);
	if (pe->detail[0])
		jw_kv_str(w, "detail", pe->detail);
	if (pe->hint[0])
		jw_kv_str(w, "hint", pe->hint);
	if (pe->position)
		jw_kv_int(w, "position", pe->position);
	if (sql)
		jw_kv_str(w, "sql", sql);
	http_error_send(r, err_status(code, false), &b);
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

/* ---- typed query parameters ---- */

bool api_query_flag(http_req *r, const char *name, bool *out)
{
	const char *v = http_req_query(r, name);
	*out = v && strcmp(v, "true") == 0;
	if (!v || *out || strcmp(v, "false") == 0)
		return true;
	http_respond_error(r, ERR_INVALID_PARAMETER, "'%s' is true or false.", name);
	return false;
}

bool api_query_int(http_req *r, const char *name, int64_t def, int64_t min, int64_t max, err_code code, int64_t *out)
{
	const char *v = http_req_query(r, name);
	*out = def;
	if (!v)
		return true;
	char *end = NULL;
	errno = 0;
	long long n = v[0] >= '0' && v[0] <= '9' ? strtoll(v, &end, 10) : -1;
	if (end && *end == '\0' && errno == 0 && n >= min && n <= max) {
		*out = n;
		return true;
	}
	http_respond_error(r, code, "'%s' is a whole number from %lld to %lld.", name, (long long)min, (long long)max);
	return false;
}

const char *api_query_need(http_req *r, const char *name, const char *why)
{
	size_t len = 0;
	const char *v = http_req_query_n(r, name, &len);
	if (v && *v && strlen(v) == len)
		return v;
	http_respond_error(r, ERR_MISSING_FIELD, "%s", why);
	return NULL;
}

/* ---- the body, by a table of its fields ---- */

bool api_is_names(json_t *v)
{
	size_t i;
	json_t *e;
	if (!json_is_array(v) || json_array_size(v) == 0)
		return false;
	json_array_foreach(v, i, e) if (!json_is_string(e) || !*json_string_value(e)) return false;
	return true;
}

/* Whether v has the field's shape; an absent or null value counts as absent. */
static bool field_shape(const api_field *f, json_t *v)
{
	switch (f->type) {
	case API_TEXT:
	case API_OWNED_TEXT:
		return json_is_string(v) && (!(f->flags & API_NONEMPTY) || *json_string_value(v));
	case API_BOOL:
		return json_is_boolean(v);
	case API_INT:
		return json_is_integer(v);
	case API_OBJECT:
		return json_is_object(v);
	case API_ARRAY:
		return json_is_array(v);
	case API_NAMES:
		return api_is_names(v);
	case API_ANY:
		return true;
	}
	return false;
}

static void field_store(const api_field *f, json_t *v, void *out)
{
	char *at = (char *)out + f->offset;
	bool given = v && !json_is_null(v);
	if (!v && (f->flags & API_KEEP))
		return;
	switch (f->type) {
	case API_TEXT:
		*(const char **)at = given ? json_string_value(v) : NULL;
		break;
	case API_BOOL:
		*(bool *)at = given ? json_is_true(v) : (f->flags & API_DEFAULT_TRUE) != 0;
		break;
	case API_INT:
		*(int64_t *)at = given ? (int64_t)json_integer_value(v) : 0;
		break;
	case API_OWNED_TEXT:
		if (!v)
			break;
		free(*(char **)at);
		*(char **)at = given && *json_string_value(v) ? xstrdup(json_string_value(v)) : NULL;
		break;
	default:
		*(json_t **)at = given ? v : NULL;
	}
}

/* Reads one field into out; false after answering 400 invalid_field, *missing set for a required or misshapen whole. */
static bool read_field(http_req *r, const api_field *f, json_t *body, void *out, bool *missing)
{
	json_t *v = json_object_get(body, f->key);
	bool scalar = f->type == API_TEXT || f->type == API_OWNED_TEXT || f->type == API_BOOL || f->type == API_INT;
	if (f->max && json_is_string(v) && strlen(json_string_value(v)) > f->max) {
		http_respond_error(r, ERR_INVALID_FIELD, "The field '%s' is longer than %zu characters.", f->key,
				   f->max);
		return false;
	}
	if (v && !json_is_null(v) && !field_shape(f, v)) {
		bool empty_text = (f->type == API_TEXT || f->type == API_OWNED_TEXT) && json_is_string(v);
		if (scalar && !empty_text) {
			http_respond_error(r, ERR_INVALID_FIELD,
					   f->type == API_BOOL	? "The field '%s' must be true or false."
					   : f->type == API_INT ? "The field '%s' must be a whole number."
								: "The field '%s' must be a string.",
					   f->key);
			return false;
		}
		/* an empty name is no name; a spec or a list of the wrong shape is not there */
		*missing = *missing || !empty_text || (f->flags & API_REQUIRED);
		v = NULL;
	}
	if ((!v || json_is_null(v)) && (f->flags & API_REQUIRED))
		*missing = true;
	field_store(f, v, out);
	return true;
}

bool api_body(http_req *r, const api_form *form, void *out, json_t **body_out)
{
	json_t *body = NULL;
	if (!form->empty_ok || http_req_body(r).len)
		if (!(body = http_req_json(r)))
			return false; /* http_req_json answered */
	if (body_out)
		*body_out = body;
	return api_fields(r, body, form, out);
}

bool api_fields(http_req *r, json_t *body, const api_form *form, void *out)
{
	bool missing = false;
	for (size_t i = 0; i < form->n; i++)
		if (!read_field(r, &form->fields[i], body, out, &missing))
			return false;
	if (missing) {
		http_respond_error(r, form->missing_code ? form->missing_code : ERR_MISSING_FIELD, "%s", form->missing);
		return false;
	}
	return true;
}

/* ---- answers ---- */

json_writer *api_json_begin(api_json *j)
{
	j->out = (str)STR_INIT;
	jw_init(&j->w, &j->out);
	jw_obj_begin(&j->w);
	return &j->w;
}

void api_json_send(http_req *r, int status, api_json *j)
{
	jw_obj_end(&j->w);
	http_respond_json(r, status, &j->out);
}

/* {[total,] key: [items]}, or a 500 for err when a store list failed (items NULL). */
static void respond_items(http_req *r, const int64_t *total, const char *key, const void *items, size_t n, size_t size,
			  api_item_writer write, void *ctx, const tusk_err *err)
{
	if (!items && err) {
		api_internal_error(r, err);
		return;
	}
	api_json j;
	json_writer *w = api_json_begin(&j);
	if (total)
		jw_kv_int(w, "total", *total);
	jw_key(w, key);
	jw_arr_begin(w);
	for (size_t i = 0; i < n; i++)
		write(w, (const char *)items + i * size, ctx);
	jw_arr_end(w);
	api_json_send(r, 200, &j);
}

void api_respond_list(http_req *r, const char *key, const void *items, size_t n, size_t size, api_item_writer write,
		      void *ctx, const tusk_err *err)
{
	respond_items(r, NULL, key, items, n, size, write, ctx, err);
}

void api_respond_page(http_req *r, int64_t total, const void *items, size_t n, size_t size, api_item_writer write,
		      void *ctx, const tusk_err *err)
{
	respond_items(r, &total, "entries", items, n, size, write, ctx, err);
}

void api_respond_item(http_req *r, int status, const char *key, const void *item, api_item_writer write, void *ctx)
{
	api_json j;
	json_writer *w = api_json_begin(&j);
	jw_key(w, key);
	write(w, item, ctx);
	api_json_send(r, status, &j);
}

/* ---- a request about one server ---- */

bool api_server_ref(http_req *r, api_server *s)
{
	s->app = http_req_app(r);
	s->user_id = api_session(r)->user.id;
	if (!api_path_id(r, "server", &s->server_id))
		return false;
	s->pg = (pgpool_ref){s->app->pool, s->user_id, s->server_id};
	return true;
}

bool api_server_load(http_req *r, api_server *s, store_server *sv)
{
	tusk_err err;
	return api_server_ref(r, s) && api_found(r, store_server_get(s->app->store, s->user_id, s->server_id, sv, &err),
						 &err, "server", s->server_id);
}

bool api_server_checked(http_req *r, api_server *s)
{
	return api_server_ref(r, s) && api_server_known(r, s, s->server_id);
}

bool api_server_known(http_req *r, const api_server *s, int64_t server_id)
{
	store_server sv;
	tusk_err err;
	if (!api_found(r, store_server_get(s->app->store, s->user_id, server_id, &sv, &err), &err, "server", server_id))
		return false;
	store_server_clear(&sv);
	return true;
}

void api_respond_done(http_req *r, bool ok, const tusk_err *err)
{
	if (ok)
		http_respond_empty(r, 204);
	else
		api_respond_err(r, err);
}

void api_respond_raw(http_req *r, const char *key, char *json)
{
	api_json j;
	jw_key(api_json_begin(&j), key);
	jw_raw(&j.w, json);
	api_json_send(r, 200, &j);
	free(json);
}

bool api_change_begin(http_req *r, const api_form *form, void *in, api_change *ch)
{
	*ch = (api_change){.failed = ERR_DDL_FAILED};
	if (!api_body(r, form, in, NULL) || !api_server_ref(r, &ch->s))
		return false;
	for (size_t i = 0; i < form->n; i++)
		if (form->fields[i].type == API_BOOL && strcmp(form->fields[i].key, "preview") == 0)
			ch->c.preview = *(const bool *)((const char *)in + form->fields[i].offset);
	return true;
}

bool api_change_failed(http_req *r, bool ok, api_change *ch)
{
	if (!ok)
		api_respond_err(r, &ch->err);
	else if (ch->c.failed)
		api_respond_pg_error(r, ch->failed, &ch->c.pe, str_cstr(&ch->c.sql));
	return !ok || ch->c.failed;
}

/* "statements": how each part of the SQL runs (the transaction, then each statement that must run alone). */
static void change_statements(json_writer *w, const catalog_change *c)
{
	jw_key(w, "statements");
	jw_arr_begin(w);
	for (int i = c->tx_len ? -1 : 0; i < c->nalone; i++) {
		jw_obj_begin(w);
		jw_key(w, "sql");
		if (i < 0)
			jw_strn(w, c->sql.buf, c->tx_len);
		else
			jw_strn(w, c->sql.buf + c->alone[i].at, c->alone[i].len);
		jw_kv_bool(w, "transaction", i < 0);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

void api_change_end(http_req *r, api_change *ch, bool ok)
{
	if (!api_change_failed(r, ok, ch)) {
		api_json j;
		json_writer *w = api_json_begin(&j);
		jw_kv_str(w, "sql", str_cstr(&ch->c.sql));
		jw_kv_bool(w, "done", !ch->c.preview);
		if (!ch->c.steps)
			jw_kv_bool(w, "transaction", ch->c.transaction);
		if (ch->c.nalone)
			change_statements(w, &ch->c);
		if (ch->c.nnotes)
			catalog_change_annotations(w, &ch->c);
		api_json_send(r, 200, &j);
	}
	catalog_change_free(&ch->c);
}

void api_respond_failure(http_req *r, const tusk_err *err, const pg_error *pe)
{
	if (pe->sqlstate[0])
		api_respond_pg_error(r, ERR_QUERY_FAILED, pe, NULL);
	else
		api_respond_err(r, err);
}
