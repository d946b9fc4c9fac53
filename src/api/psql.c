/* The PSQL tool's API: psql in a sandboxed pseudo-terminal (jobs/psql_session.h).
 *
 * Transport: output goes out as events of the window's one event stream
 * (stream.c; or GET /api/v1/psql/{sid}/events alone), input and resizes
 * come as CSRF-checked POSTs. No WebSocket: Tusk's HTTP server gives each
 * connection a thread, and every other stream already rides the window's
 * SSE stream, which passes every proxy, re-connects by itself and is
 * authenticated and revoked like the rest of the API. A keystroke is one
 * small POST on a kept-alive connection; the web app batches what is typed
 * while one is in flight. Output carries its byte offset, so a window that
 * re-attaches (a reload, a network blip) is replayed what it missed. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "jobs/commands.h"
#include "jobs/psql_session.h"
#include "util/log.h"

enum {
	INPUT_MAX = 64 * 1024, /* one POST's keystrokes or paste */
	OUTPUT_CHUNK = 48 * 1024,
	GRACE_SECONDS = 120, /* a session without a window lives this long */
};

static psql_hub *hub;

static void audit_end(void *ctx, int64_t user_id, int64_t server_id, const char *database, int code, const char *why)
{
	tusk_app *app = ctx;
	tusk_err err;
	store_user u;
	bool known = store_user_by_id(app->store, user_id, &u, &err) == 1;
	char detail[512];
	snprintf(detail, sizeof(detail), "server %lld, database %s: ended (%s), exit code %d", (long long)server_id,
		 database, why, code);
	auth_audit(app->auth, known ? &u : NULL, NULL, "psql_end", NULL, detail);
}

/* Where a session's server is, for each connection its psql makes: the conninfo Tusk's own
 * connections use now (TUSK_ALLOWED_HOSTS checked and pinned, the SSH tunnel's socket). */
static bool route(void *ctx, int64_t user_id, int64_t server_id, const char *database, char **conninfo, tusk_err *err)
{
	tusk_app *app = ctx;
	char *password = NULL, *role = NULL;
	bool ok = pgpool_client_conninfo(app->pool, user_id, server_id, database, PSQL_SANDBOX_PASSFILE, conninfo,
					 &password, &role, err);
	if (password) {
		sodium_memzero(password, strlen(password));
		free(password);
	}
	free(role);
	return ok;
}

void api_psql_start(tusk_app *app)
{
	hub = psql_hub_new(GRACE_SECONDS, audit_end, route, app);
	/* the operator learns at start, not from a user, that the tool cannot run here */
	char why[1200];
	if ((!app->cfg->server_mode || app->cfg->enable_psql) && !psql_sandbox_check(why, sizeof(why)))
		log_msg(LOG_WARN, "the PSQL tool is unavailable: its sandbox (bubblewrap) does not work here", "reason",
			why, NULL);
}

void api_psql_shutdown(void)
{
	psql_hub_shutdown(hub);
}

void api_psql_stop(void)
{
	psql_hub_free(hub);
	hub = NULL;
}

int api_psql_close_for(int64_t user_id, int64_t server_id, const char *owner, const char *reason)
{
	return hub ? psql_close_for(hub, user_id, server_id, owner, reason) : 0;
}

size_t api_psql_holders(psql_holder **out)
{
	if (!hub) {
		*out = NULL;
		return 0;
	}
	return psql_holders(hub, out);
}

/* Whether the tool is offered here: false with the reason why not. */
static bool tool_available(const config *cfg, char *why, size_t n)
{
	if (cfg->server_mode && !cfg->enable_psql) {
		snprintf(why, n,
			 "The PSQL tool is off on this Tusk server: the operator turns it on with "
			 "TUSK_ENABLE_PSQL=true (or PGADMIN_CONFIG_ENABLE_PSQL=True).");
		return false;
	}
	char sandbox[1200];
	if (!psql_sandbox_check(sandbox, sizeof(sandbox))) {
		snprintf(why, n,
			 "The PSQL tool needs its sandbox (bubblewrap with user namespaces), which does not work "
			 "on this host: %s Tusk does not run psql unconfined.",
			 sandbox);
		return false;
	}
	return true;
}

void api_psql_info(http_req *r)
{
	tusk_app *app = http_req_app(r);
	char why[1600] = "";
	bool ok = tool_available(app->cfg, why, sizeof(why));
	api_json j;
	json_writer *w = api_json_begin(&j);
	jw_kv_bool(w, "available", ok);
	if (!ok)
		jw_kv_str(w, "reason", why);
	jw_kv_int(w, "max_sessions", app->cfg->max_psql_sessions_per_user);
	api_json_send(r, 200, &j);
}

struct open_in {
	const char *db;
	int64_t cols, rows;
};
static const api_field open_fields[] = {
    API_FIELD("database", API_TEXT, struct open_in, db, 0),
    API_FIELD("cols", API_INT, struct open_in, cols, 0),
    API_FIELD("rows", API_INT, struct open_in, rows, 0),
};
static const api_form open_form = {open_fields, 3, "", ERR_NONE, true};

static bool size_ok(http_req *r, int64_t cols, int64_t rows)
{
	if (cols >= 0 && cols <= 1000 && rows >= 0 && rows <= 500)
		return true;
	http_respond_error(r, ERR_INVALID_FIELD, "A terminal is 1 to 1000 columns wide and 1 to 500 rows high.");
	return false;
}

/* Starts psql for the user on sv's database db; answers the request. */
static void start_session(http_req *r, api_server *srv, const store_server *sv, const char *db,
			  const struct open_in *in)
{
	tusk_app *app = srv->app;
	auth_session *as = api_session(r);
	tusk_err err = {0};
	char *conninfo = NULL, *password = NULL, *role = NULL, *program = NULL;
	int version = pgpool_server_version(&srv->pg);
	if (!pgpool_client_conninfo(app->pool, srv->user_id, srv->server_id, db, PSQL_SANDBOX_PASSFILE, &conninfo,
				    &password, &role, &err)) {
		api_respond_err_status(r, 409, &err);
	} else if (!jobs_find_program(app->cfg->pg_bin_dir, "psql", version > 0 ? version : 100000, &program, &err)) {
		api_respond_err(r, &err);
	} else {
		psql_spec spec = {.user_id = srv->user_id,
				  .server_id = srv->server_id,
				  .owner = as->session.id_hash,
				  .program = program,
				  .conninfo = conninfo,
				  .password = password,
				  .data_dir = app->cfg->data_dir,
				  .database = db,
				  .cols = (int)in->cols,
				  .rows = (int)in->rows};
		char id[PSQL_ID_CHARS];
		if (!psql_start(hub, &spec, id, &err)) {
			if (err.code == ERR_INVALID_SERVER)
				api_respond_err_status(r, 422, &err); /* the entry, not Tusk's upstream */
			else
				api_respond_err(r, &err);
		} else {
			char detail[512];
			snprintf(detail, sizeof(detail), "server %lld (%s), database %s, %s", (long long)srv->server_id,
				 sv->name, db, program);
			auth_audit(app->auth, &as->user, NULL, "psql_start", http_req_client_ip(r), detail);
			api_json j;
			json_writer *w = api_json_begin(&j);
			jw_kv_str(w, "session_id", id);
			jw_kv_str(w, "database", db);
			api_json_send(r, 201, &j);
		}
	}
	if (password) {
		sodium_memzero(password, strlen(password));
		free(password);
	}
	FREE_ALL(conninfo, role, program);
}

void api_psql_open(http_req *r)
{
	tusk_app *app = http_req_app(r);
	auth_session *as = api_session(r);
	struct open_in in = {0};
	char why[1600];
	if (!tool_available(app->cfg, why, sizeof(why))) {
		http_respond_error(r, ERR_FORBIDDEN, "%s", why);
		return;
	}
	api_server srv;
	store_server sv;
	if (!api_body(r, &open_form, &in, NULL) || !size_ok(r, in.cols, in.rows) || !api_server_load(r, &srv, &sv))
		return;
	if (psql_count_user(hub, as->user.id) >= app->cfg->max_psql_sessions_per_user)
		http_respond_error(r, ERR_TOO_MANY_SESSIONS,
				   "You have %d PSQL tabs open, the most allowed (TUSK_MAX_PSQL_SESSIONS_PER_USER): "
				   "close one first.",
				   app->cfg->max_psql_sessions_per_user);
	else
		start_session(r, &srv, &sv, in.db && *in.db ? in.db : sv.maintenance_db, &in);
	store_server_clear(&sv);
}

/* The {sid} session of this login session (a reference), or NULL after answering 404/403. */
static psql_sess *load(http_req *r)
{
	auth_session *as = api_session(r);
	psql_sess *s = hub ? psql_get(hub, http_req_param(r, "sid"), as->session.id_hash) : NULL;
	if (s)
		return s;
	char why[200];
	if (api_access_revoked(as->user.id, 0, as->session.id_hash, why, sizeof(why)))
		http_respond_error(r, ERR_ACCESS_REVOKED, "This PSQL tab was closed: %s", why);
	else
		http_respond_error(r, ERR_SESSION_NOT_FOUND,
				   "This PSQL session is gone (closed, ended by its grace period or a restart of "
				   "Tusk): restart it.");
	return NULL;
}

struct input_in {
	const char *data;
};
static const api_field input_fields[] = {API_FIELD("data", API_TEXT, struct input_in, data, API_REQUIRED)};
static const api_form input_form = API_FORM(input_fields, "Give the keystrokes in 'data'.");

void api_psql_input(http_req *r)
{
	struct input_in in;
	if (!api_body(r, &input_form, &in, NULL))
		return;
	size_t n = strlen(in.data);
	if (n > INPUT_MAX) {
		http_respond_error(r, ERR_BODY_TOO_LARGE, "One input is at most %d bytes: send a long paste in parts.",
				   INPUT_MAX);
		return;
	}
	psql_sess *s = load(r);
	if (!s)
		return;
	size_t done = 0;
	switch (psql_input(s, in.data, n, &done)) {
	case PSQL_INPUT_OK:
		http_respond_empty(r, 204);
		break;
	case PSQL_INPUT_ENDED:
		http_respond_error(r, ERR_NOT_RUNNING, "psql has ended: restart the session.");
		break;
	case PSQL_INPUT_BUSY:
		http_respond_error(r, ERR_BUSY,
				   "Another input to this PSQL tab is still being delivered: send one at a time.");
		break;
	case PSQL_INPUT_STALLED:
		http_respond_error(r, ERR_BUSY,
				   "psql is not reading what you type (it is stopped, or runs a command that does "
				   "not read its terminal): %zu of %zu bytes went in, the rest was dropped. "
				   "Interrupt the command or restart the session.",
				   done, n);
		break;
	}
	psql_release(s);
}

struct resize_in {
	int64_t cols, rows;
};
static const api_field resize_fields[] = {
    API_FIELD("cols", API_INT, struct resize_in, cols, API_REQUIRED),
    API_FIELD("rows", API_INT, struct resize_in, rows, API_REQUIRED),
};
static const api_form resize_form = API_FORM(resize_fields, "Give the terminal's 'cols' and 'rows'.");

void api_psql_resize(http_req *r)
{
	struct resize_in in;
	if (!api_body(r, &resize_form, &in, NULL) || !size_ok(r, in.cols, in.rows))
		return;
	if (in.cols < 1 || in.rows < 1) {
		size_ok(r, -1, -1);
		return;
	}
	psql_sess *s = load(r);
	if (!s)
		return;
	psql_resize(s, (int)in.cols, (int)in.rows);
	http_respond_empty(r, 204);
	psql_release(s);
}

void api_psql_close(http_req *r)
{
	psql_sess *s = load(r);
	if (!s)
		return;
	psql_close(hub, s, "closed by the user");
	psql_release(s);
	http_respond_empty(r, 204);
}

/* ---- output events ---- */

struct events {
	psql_sess *s;
	int64_t user_id;
	char owner[80];
	uint64_t offset;
	int64_t keepalive_at;
	bool exit_sent;
};

static void events_free(void *cls)
{
	struct events *e = cls;
	psql_detach(e->s);
	psql_release(e->s);
	free(e);
}

static void output_event(str *out, const psql_read *res, const str *raw)
{
	size_t b64 = sodium_base64_encoded_len(raw->len, sodium_base64_VARIANT_ORIGINAL);
	char *enc = xmalloc(b64);
	sodium_bin2base64(enc, b64, (const unsigned char *)raw->buf, raw->len, sodium_base64_VARIANT_ORIGINAL);
	str_appendf(out, "event: output\ndata: {\"offset\":%llu,\"end\":%llu,\"data\":\"%s\"}\n\n",
		    (unsigned long long)res->start, (unsigned long long)res->end, enc);
	free(enc);
}

/* The next output (base64, with its offsets), psql's exit, or the session's end. */
static bool next_event(void *cls, str *out)
{
	struct events *e = cls;
	str raw = STR_INIT;
	psql_read res;
	psql_read_from(e->s, e->offset, OUTPUT_CHUNK, API_IDLE_CHECK_MS, &raw, &res);
	bool more = true;
	if (raw.len > 0) {
		output_event(out, &res, &raw);
		e->offset = res.end;
	} else if (res.closed) {
		char why[200];
		if (api_access_revoked(e->user_id, psql_server_id(e->s), e->owner, why, sizeof(why)))
			api_event_closed(out, "revoked", why);
		else
			api_event_closed(out, NULL, NULL);
		more = false;
	} else if (res.exited && !e->exit_sent) {
		str_appendf(out, "event: exit\ndata: {\"code\":%d}\n\n", res.code);
		e->exit_sent = true;
	} else {
		more = api_event_idle(out, &e->keepalive_at);
	}
	str_free(&raw);
	return more;
}

bool api_psql_topic(http_req *r, int64_t offset, api_topic *t)
{
	psql_sess *s = load(r);
	if (!s)
		return false;
	struct events *e = xcalloc(1, sizeof(*e));
	e->s = s;
	e->user_id = api_session(r)->user.id;
	snprintf(e->owner, sizeof(e->owner), "%s", api_session(r)->session.id_hash);
	e->offset = offset > 0 ? (uint64_t)offset : 0;
	psql_attach(s);
	*t = (api_topic){next_event, e, events_free};
	return true;
}

void api_psql_events(http_req *r)
{
	int64_t offset;
	api_topic t;
	if (api_query_int(r, "offset", 0, 0, INT64_MAX, ERR_INVALID_OFFSET, &offset) && api_psql_topic(r, offset, &t))
		api_topic_respond(r, &t);
}
