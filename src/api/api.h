/* HTTP handlers. The route table lives in routes.c; each feature has its own
 * file. Handlers call store/, auth/, pg/ ... never the other way round. */
#ifndef TUSK_API_API_H
#define TUSK_API_API_H

#include <stddef.h>
#include <time.h>

#include "auth/auth.h"
#include "catalog/catalog.h"
#include "config.h"
#include "http/http.h"
#include "jobs/jobs.h"
#include "jobs/psql_session.h"
#include "pg/pool.h"
#include "pg/qsession.h"
#include "pg/sampler.h"
#include "store/store.h"
#include "util/json.h"

typedef struct {
	const config *cfg;
	store *store;
	auth *auth;
	pgpool *pool;
	qmanager *queries;
	samplers *samplers;
	jobs *jobs;
	http_server *http; /* set once listening, for /metrics */
	time_t started;
} tusk_app;

const http_route *api_routes(size_t *n);
/* The metadata store of the request's app. */
static inline store *api_store(http_req *r)
{
	return ((tusk_app *)http_req_app(r))->store;
}

/* access.c: revoking what is open when access ends. owner: one login
 * session's query tabs only (logout), else NULL. */
void api_access_revoke(tusk_app *app, int64_t user_id, int64_t server_id, const char *owner, const char *reason);
/* Checks everything open against the store (users, servers, login sessions) and revokes what lost access. */
void api_access_sweep(tusk_app *app);
/* The reason a recent revocation gave for (user, server or 0, owner or NULL). */
bool api_access_revoked(int64_t user_id, int64_t server_id, const char *owner, char *reason, size_t n);
/* The last event of a stream: "event: closed" with {reason, message} (a
 * revoked access says why), {"reason": "shutdown"} for a stopping Tusk,
 * or {} (reason NULL). */
void api_event_closed(str *out, const char *reason, const char *message);
/* An event stream's producer: next appends the next events ("event: NAME\n
 * data: JSON\n\n", or a keep-alive comment), blocking until there are some,
 * and returns false after the last; free releases cls. A topic of the
 * window's stream (stream.c) runs the same producer as its own stream. */
typedef struct {
	http_next_chunk next;
	void *cls;
	void (*free)(void *cls);
} api_topic;
/* Answers with the topic's own event stream (GET .../events), counted with
 * the user's window streams (at most 16 in all: 429 too_many_streams, the
 * topic freed); stream.c. */
void api_topic_respond(http_req *r, api_topic *t);
/* A comment line that keeps a quiet stream open; true (the stream goes on). */
bool api_event_keepalive(str *out);
/* An event producer waits at most API_IDLE_CHECK_MS for news; finding none it
 * calls this: false when the client has gone (the stream ends at once), else
 * true, with a keep-alive comment once every API_KEEPALIVE_MS. */
enum { API_IDLE_CHECK_MS = 1000, API_KEEPALIVE_MS = 15000 };
bool api_event_idle(str *out, int64_t *keepalive_at);
/* A sweep every few seconds, for changes made on other replicas. */
void api_access_start(tusk_app *app);
void api_access_stop(void);
bool api_before(http_req *r, const http_route *route);

/* helpers.c */
struct json_t;
/* The logged-in session of a request that passed api_before. */
auth_session *api_session(http_req *r);
void api_json_user(json_writer *w, const store_user *u);
/* A whole-number path parameter in [min, max]; responds 404 naming `what` otherwise. */
bool api_path_int(http_req *r, const char *param, int64_t min, int64_t max, const char *what, int64_t *out);
/* The {id} path parameter as a positive number. */
bool api_path_id(http_req *r, const char *what, int64_t *id);
/* Answers a store lookup's result (1 found, 0 not, -1 error): true when found,
 * else responds 404 naming what and id, or 500. */
bool api_found(http_req *r, int found, const tusk_err *err, const char *what, int64_t id);
/* Answers PostgreSQL's refusal: {"error":{code, message, sqlstate, detail?, hint?, position?, sql?}}. */
void api_respond_pg_error(http_req *r, err_code code, const pg_error *pe, const char *sql);
/* Answers an error from a domain module with its code's status (util/err.h);
 * Tusk's own failures as api_internal_error. The _status form is for a step
 * whose every failure means one thing to this request (a busy tab: 409). */
void api_respond_err(http_req *r, const tusk_err *err);
void api_respond_err_status(http_req *r, int status, const tusk_err *err);
/* Responds 500 with a generic message and logs the detail. */
void api_internal_error(http_req *r, const tusk_err *err);

/* Typed query parameters; each answers 400 itself and returns false (or NULL).
 * A flag is true or false (absent: false; code invalid_parameter); a number
 * is whole and in [min, max] (absent: def); a needed text is there, not
 * empty, without a NUL (else missing_field saying why). */
bool api_query_flag(http_req *r, const char *name, bool *out);
bool api_query_int(http_req *r, const char *name, int64_t def, int64_t min, int64_t max, err_code code, int64_t *out);
const char *api_query_need(http_req *r, const char *name, const char *why);

/* The JSON body by a table of its fields, each read into a member of a
 * struct by offset: a text (const char *, NULL when absent or null), a flag
 * (bool, false or API_DEFAULT_TRUE when absent), a whole number, an object,
 * an array, a non-empty list of non-empty names (json_t *, NULL when
 * absent). A text or flag of another type answers 400 invalid_field; a
 * required field absent, an API_NONEMPTY text empty, or an object or list of
 * the wrong shape answers the form's one sentence (missing_field unless the
 * form says otherwise), as the handlers' forms always did. */
enum api_field_type { API_TEXT, API_BOOL, API_INT, API_OBJECT, API_ARRAY, API_NAMES, API_ANY, API_OWNED_TEXT };
/* API_KEEP: an absent field leaves the member as the caller set it */
enum { API_REQUIRED = 1 << 0, API_NONEMPTY = 1 << 1, API_DEFAULT_TRUE = 1 << 2, API_KEEP = 1 << 3 };
typedef struct {
	const char *key;
	enum api_field_type type;
	size_t offset;
	unsigned flags;
	size_t max; /* a text's most characters; 0: any */
} api_field;
#define API_FIELD(key, type, st, member, flags)                                                                        \
	{                                                                                                              \
		key, type, offsetof(st, member), flags, 0                                                              \
	}
/* A malloc'd text of a struct the caller owns (a store_server's), replaced
 * only when the body has the field; "" and null clear it. */
#define API_OWNED(key, st, member, max)                                                                                \
	{                                                                                                              \
		key, API_OWNED_TEXT, offsetof(st, member), 0, max                                                      \
	}
typedef struct {
	const api_field *fields;
	size_t n;
	const char *missing;   /* the sentence a missing field answers */
	err_code missing_code; /* ERR_NONE: missing_field */
	bool empty_ok;	       /* an empty body reads as {} */
} api_form;
#define API_FORM(fields, missing)                                                                                      \
	{                                                                                                              \
		fields, sizeof(fields) / sizeof(*(fields)), missing, ERR_NONE, false                                   \
	}
/* *body (may be NULL) is the parsed body, owned by the request. */
bool api_body(http_req *r, const api_form *form, void *out, struct json_t **body) __attribute__((warn_unused_result));
/* A non-empty list of non-empty names (API_NAMES's shape). */
bool api_is_names(struct json_t *v);
/* The same over a body already parsed (NULL reads as {}). */
bool api_fields(http_req *r, struct json_t *body, const api_form *form, void *out) __attribute__((warn_unused_result));

/* Answers: an object built with a writer, a list {key: [...]}, one item {key: {...}}. */
typedef struct {
	str out;
	json_writer w;
} api_json;
json_writer *api_json_begin(api_json *j);
void api_json_send(http_req *r, int status, api_json *j);
typedef void (*api_item_writer)(json_writer *w, const void *item, void *ctx);
/* items NULL with err: a store list that failed, answered 500. */
void api_respond_list(http_req *r, const char *key, const void *items, size_t n, size_t size, api_item_writer write,
		      void *ctx, const tusk_err *err);
void api_respond_item(http_req *r, int status, const char *key, const void *item, api_item_writer write, void *ctx);
/* 200 {total, entries: [...]}: one page of a longer list. */
void api_respond_page(http_req *r, int64_t total, const void *items, size_t n, size_t size, api_item_writer write,
		      void *ctx, const tusk_err *err);

/* A request about the {id} server: who asks, and their pool's address for
 * it. _ref reads the path (404 when it is no number); _load also finds
 * the server the user may see (404 otherwise). */
typedef struct {
	tusk_app *app;
	int64_t user_id, server_id;
	pgpool_ref pg;
} api_server;
bool api_server_ref(http_req *r, api_server *s) __attribute__((warn_unused_result));
bool api_server_load(http_req *r, api_server *s, store_server *sv) __attribute__((warn_unused_result));
/* api_server_ref, then api_server_known for the server itself. */
bool api_server_checked(http_req *r, api_server *s) __attribute__((warn_unused_result));
/* server_id is one of s's user's servers (404 after answering otherwise). */
bool api_server_known(http_req *r, const api_server *s, int64_t server_id) __attribute__((warn_unused_result));

/* 204 when a store call went through, else err (a 500 for the store's own failure). */
void api_respond_done(http_req *r, bool ok, const tusk_err *err);
/* 200 {key: json} where json is already JSON (PostgreSQL's json_agg); frees it. */
void api_respond_raw(http_req *r, const char *key, char *json);
/* A handler that changes a server's database: api_change_begin reads the
 * body by form into in and finds the server (false after answering); the
 * change's preview is the form's "preview" flag. The catalog call then
 * fills ch->c (ok false: ch->err) and api_change_end answers it: 200
 * {sql, done, transaction (unless it was several steps)}, or PostgreSQL's
 * refusal as ch->failed (ddl_failed unless set: drop_failed...) with the
 * SQL it refused; it frees ch->c. api_change_failed answers only a
 * failure (true then) and leaves the rest to the caller. */
typedef struct {
	api_server s;
	catalog_change c;
	tusk_err err;
	err_code failed;
} api_change;
bool api_change_begin(http_req *r, const api_form *form, void *in, api_change *ch) __attribute__((warn_unused_result));
void api_change_end(http_req *r, api_change *ch, bool ok);
bool api_change_failed(http_req *r, bool ok, api_change *ch);
/* A catalog query's failure: PostgreSQL's refusal with its fields (502
 * query_failed) when pe has one, else err. */
void api_respond_failure(http_req *r, const tusk_err *err, const pg_error *pe);

/* pgadmin.c: once, pgAdmin's users and servers from pgadmin4.db in the data dir */
bool api_pgadmin_import(tusk_app *app, tusk_err *err);

/* roles.c */
void api_roles_list(http_req *r);
void api_objects_completion(http_req *r);
void api_roles_create(http_req *r);
void api_roles_alter(http_req *r);
void api_roles_drop(http_req *r);

/* privileges.c */
void api_privileges_grant(http_req *r);
void api_privileges_effective(http_req *r);
void api_default_privileges_list(http_req *r);
void api_default_privileges_alter(http_req *r);

/* replication.c */
void api_logical_status(http_req *r);
void api_subscriptions_create(http_req *r);
void api_subscriptions_action(http_req *r);
void api_replication_setup(http_req *r);

/* jobs.c */
void api_jobs_list(http_req *r);
void api_jobs_get(http_req *r);
void api_jobs_log(http_req *r);
void api_jobs_events(http_req *r);
/* The {id} job's changes and its log from offset; false after answering. */
bool api_jobs_topic(http_req *r, int64_t offset, api_topic *t) __attribute__((warn_unused_result));
void api_jobs_cancel(http_req *r);
void api_jobs_acknowledge(http_req *r);
void api_jobs_delete(http_req *r);
void api_jobs_start(http_req *r);
void api_jobs_archive(http_req *r);

/* auth.c */
void api_auth_login(http_req *r);
void api_auth_logout(http_req *r);
void api_auth_me(http_req *r);
void api_auth_password(http_req *r);
void api_auth_desktop(http_req *r);
void api_auth_sources(http_req *r);
void api_auth_webserver(http_req *r);
void api_auth_second_step(http_req *r);
void api_two_factor_get(http_req *r);
void api_two_factor_setup(http_req *r);
void api_two_factor_confirm(http_req *r);
void api_two_factor_disable(http_req *r);
void api_users_two_factor_require(http_req *r);
void api_users_two_factor_reset(http_req *r);
/* The oauth2 source: the start (a redirect to the provider), pgAdmin's callback path
 * /oauth2/authorize, and the refusal kept for the login page. */
void api_auth_oauth2_start(http_req *r);
void api_auth_oauth2_callback(http_req *r);
void api_auth_oauth2_error(http_req *r);
/* A session of the webserver source, on a request from the trusted proxy that names someone
 * else (the proxy signed another person in): the session ends, 401. True to go on. */
bool api_auth_proxy_same_user(http_req *r, auth_session *s);

/* users.c (administrators) */
void api_users_list(http_req *r);
void api_users_create(http_req *r);
void api_users_update(http_req *r);
void api_users_delete(http_req *r);
void api_audit_list(http_req *r);

/* servers.c */
void api_json_server(json_writer *w, const store_server *sv, int64_t user_id, bool connected);
void api_servers_list(http_req *r);
void api_servers_create(http_req *r);
void api_servers_get(http_req *r);
void api_servers_update(http_req *r);
void api_servers_delete(http_req *r);
void api_servers_connect(http_req *r);
void api_servers_disconnect(http_req *r);
void api_groups_list(http_req *r);
void api_groups_create(http_req *r);
void api_groups_update(http_req *r);
void api_groups_delete(http_req *r);

/* objects.c: the object browser (tree, grid, DDL, properties, statistics,
 * dependencies, search), the Create/Alter/Drop dialogs and a table's
 * count, maintenance and scripts */
void api_objects_children(http_req *r);
/* One page of a collection's grid: ?path=&offset=&limit=&order=&desc=&system= */
void api_objects_collection(http_req *r);
void api_objects_ddl(http_req *r);
void api_objects_properties(http_req *r);
void api_objects_statistics(http_req *r);
void api_objects_dependencies(http_req *r);
void api_objects_search(http_req *r);
void api_objects_create(http_req *r);
void api_objects_alter(http_req *r);
void api_objects_drop(http_req *r);
void api_objects_release(http_req *r);
void api_objects_count(http_req *r);
void api_objects_maintenance(http_req *r);
void api_objects_script(http_req *r);

/* monitor.c: live monitoring panels */
void api_monitor_activity(http_req *r);
void api_monitor_cancel(http_req *r);
void api_monitor_terminate(http_req *r);
void api_monitor_server_action(http_req *r);
void api_monitor_locks(http_req *r);
void api_monitor_prepared(http_req *r);
void api_monitor_prepared_commit(http_req *r);
void api_monitor_prepared_rollback(http_req *r);
void api_monitor_settings(http_req *r);
void api_monitor_replication(http_req *r);
void api_monitor_progress(http_req *r);
void api_monitor_statements(http_req *r);
void api_monitor_health(http_req *r);
void api_monitor_about(http_req *r);

/* erd.c: schema diagrams, ?database=&schema=&tables= */
void api_erd(http_req *r);
/* schema_diff.c: POST {source, target, options, select} */
void api_schema_diff(http_req *r);
void api_schema_diff_script(http_req *r);
void api_schema_diff_cancel(http_req *r);
/* The {token} comparison's progress: "progress" events, then "end". */
bool api_schema_diff_topic(http_req *r, api_topic *t) __attribute__((warn_unused_result));
void api_stream_schema_diff(http_req *r);
/* At exit: the comparisons kept are let go. */
void api_schema_diff_stop(void);

/* dashboard.c */
void api_dashboard_events(http_req *r);
/* The {id} server's samples for database (NULL: the server's); false after answering. */
bool api_dashboard_topic(http_req *r, const char *database, api_topic *t) __attribute__((warn_unused_result));

/* stream.c: one event stream per browser window carrying its tabs' topics */
void api_stream_open(http_req *r);
void api_stream_session(http_req *r);
void api_stream_dashboard(http_req *r);
void api_stream_job(http_req *r);
void api_stream_unsubscribe(http_req *r);
/* Ends the streams of a user (owner NULL) or of one login session with
 * {"event":"closed","reason":"revoked","message":reason}; how many. */
int api_stream_close_for(int64_t user_id, const char *owner, const char *reason);
typedef struct {
	int64_t user_id;
	char owner[80];
} api_stream_holder;
/* Who holds a stream open (for the sweep); the caller frees *out. */
size_t api_stream_holders(api_stream_holder **out);
/* At a stop, after sessions, samplers and jobs stopped: waits (up to
 * timeout_ms) for the topics to send their last events, then ends every
 * stream with {"event":"closed","reason":"shutdown"}. */
void api_stream_shutdown(int timeout_ms);
/* Before the app's parts are freed: no topic runs any more. */
void api_stream_wait(void);
typedef struct {
	unsigned long streams, topics, queued_bytes, dropped;
} api_stream_counts;
void api_stream_stats(api_stream_counts *out);

/* servers_json.c: pgAdmin's servers.json */
struct json_t;
bool api_servers_parse_json(struct json_t *doc, bool may_share, store_server **out, size_t *n, struct json_t *details);
void api_servers_import(http_req *r);
void api_servers_export(http_req *r);
/* At start: PGADMIN_SERVER_JSON_FILE for the first administrator (once, or every start with replace). */
bool api_servers_load_file(tusk_app *app, tusk_err *err) __attribute__((warn_unused_result));

/* query.c: the query tool */
/* The {sid} session of this login session, with a reference; or NULL after
 * answering 404 session_not_found (gone) or 409 session_elsewhere (another
 * Tusk process, a replica or an earlier run, opened it). */
qsession *api_query_session(http_req *r);
void api_sessions_open(http_req *r);
void api_sessions_roles(http_req *r);
void api_sessions_status(http_req *r);
void api_sessions_execute(http_req *r);
void api_sessions_commit(http_req *r);
void api_sessions_rollback(http_req *r);
void api_sessions_cancel(http_req *r);
void api_sessions_close(http_req *r);
void api_sessions_rows(http_req *r);
void api_sessions_value(http_req *r);
void api_sessions_events(http_req *r);
/* The {sid} session's status events; false after answering (as api_query_session). */
bool api_sessions_topic(http_req *r, api_topic *t) __attribute__((warn_unused_result));
void api_sessions_export(http_req *r);

/* history.c: query history, audit of statements, saved queries, workspaces */
void api_history_record(void *app, const qsession_record *rec);
void api_history_list(http_req *r);
void api_history_clear(http_req *r);
void api_snippets_list(http_req *r);
void api_snippets_create(http_req *r);
void api_snippets_update(http_req *r);
void api_snippets_delete(http_req *r);
void api_workspace_get(http_req *r);
void api_workspace_put(http_req *r);
void api_preferences_get(http_req *r);
void api_preferences_put(http_req *r);

/* data.c: View/Edit Data */
void api_data_table(http_req *r);
void api_data_view(http_req *r);
void api_data_edit(http_req *r);

/* files.c: the user's storage area (files/files.h) */
void api_files_list(http_req *r);
void api_files_mkdir(http_req *r);
void api_files_move(http_req *r);
void api_files_delete(http_req *r);
void api_files_download(http_req *r);
void api_files_upload(http_req *r);

/* misc.c */
void api_ping(http_req *r);
/* pgAdmin's entry points (entry.c) */
void api_entry_app(http_req *r);
void api_entry_form_login(http_req *r);
void api_healthz(http_req *r);
void api_readyz(http_req *r);
void api_version(http_req *r);
void api_metrics(http_req *r);

/* psql.c: the PSQL tool (psql in a sandboxed pseudo-terminal) */
void api_psql_start(tusk_app *app);
/* At a stop, before the streams end: every session closed (their topics end). */
void api_psql_shutdown(void);
/* After api_stream_wait (no topic holds a session any more). */
void api_psql_stop(void);
/* Ends the PSQL sessions of user_id on server_id (0: all) of owner (NULL: all). */
int api_psql_close_for(int64_t user_id, int64_t server_id, const char *owner, const char *reason);
size_t api_psql_holders(psql_holder **out);
void api_psql_info(http_req *r);
void api_psql_open(http_req *r);
void api_psql_input(http_req *r);
void api_psql_resize(http_req *r);
void api_psql_close(http_req *r);
void api_psql_events(http_req *r);
/* The {sid} session's output from offset; false after answering. */
bool api_psql_topic(http_req *r, int64_t offset, api_topic *t) __attribute__((warn_unused_result));
void api_stream_psql(http_req *r);

#endif
