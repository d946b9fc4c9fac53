/* Live monitoring panels over HTTP: each answers {key: [{column: text|null}]}
 * from one catalog/monitor.c panel; and the actions operators take from
 * them. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

/* Rows as [{column: text|null}], under key. */
static void write_rows(json_writer *w, const char *key, const catalog_rows *rows)
{
	jw_key(w, key);
	jw_arr_begin(w);
	for (size_t i = 0; i < rows->nrows; i++) {
		jw_obj_begin(w);
		for (size_t c = 0; c < rows->ncols; c++)
			jw_kv_str(w, rows->names[c], rows->cells[i * rows->ncols + c]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* Answers {key: rows} from a call that filled rows, or its error. */
static void respond_rows(http_req *r, const char *key, bool ok, catalog_rows *rows, const tusk_err *err)
{
	if (!ok) {
		api_respond_err(r, err);
		return;
	}
	api_json j;
	write_rows(api_json_begin(&j), key, rows);
	api_json_send(r, 200, &j);
	catalog_rows_free(rows);
}

static void panel(http_req *r, const char *key, enum catalog_panel which, const char *database, const char *filter)
{
	api_server s;
	if (!api_server_ref(r, &s))
		return;
	catalog_rows rows;
	tusk_err err = {0};
	bool ok = catalog_panel(&s.pg, which, database, filter, &rows, &err);
	respond_rows(r, key, ok, &rows, &err);
}

void api_monitor_activity(http_req *r)
{
	panel(r, "backends", CATALOG_ACTIVITY, NULL, NULL);
}

void api_monitor_locks(http_req *r)
{
	panel(r, "locks", CATALOG_LOCKS, NULL, NULL);
}

void api_monitor_prepared(http_req *r)
{
	panel(r, "prepared", CATALOG_PREPARED, NULL, NULL);
}

void api_monitor_settings(http_req *r)
{
	panel(r, "settings", CATALOG_SETTINGS, NULL, http_req_query(r, "q"));
}

void api_monitor_progress(http_req *r)
{
	panel(r, "progress", CATALOG_PROGRESS, NULL, NULL);
}

void api_monitor_about(http_req *r)
{
	panel(r, "server", CATALOG_SERVER_INFO, NULL, NULL);
}

void api_monitor_health(http_req *r)
{
	const char *db = api_query_need(r, "database", "Name the database whose tables to look at.");
	if (db)
		panel(r, "tables", CATALOG_TABLE_HEALTH, db, NULL);
}

void api_monitor_replication(http_req *r)
{
	static const struct {
		const char *key;
		enum catalog_panel panel;
	} parts[] = {
	    {"standbys", CATALOG_STANDBYS},
	    {"slots", CATALOG_SLOTS},
	    {"subscriptions", CATALOG_SUBSCRIPTION_WORKERS},
	};
	api_server s;
	if (!api_server_ref(r, &s))
		return;
	api_json j;
	json_writer *w = api_json_begin(&j);
	jw_kv_bool(w, "in_recovery", false);
	for (size_t i = 0; i < sizeof(parts) / sizeof(*parts); i++) {
		catalog_rows rows;
		tusk_err err = {0};
		if (!catalog_panel(&s.pg, parts[i].panel, NULL, NULL, &rows, &err)) {
			str_free(&j.out);
			api_respond_err(r, &err);
			return;
		}
		write_rows(w, parts[i].key, &rows);
		catalog_rows_free(&rows);
	}
	api_json_send(r, 200, &j);
}

void api_monitor_statements(http_req *r)
{
	api_server s;
	if (!api_server_ref(r, &s))
		return;
	catalog_rows rows;
	tusk_err err = {0};
	bool ok = catalog_statements(&s.pg, http_req_query(r, "database"), &rows, &err);
	respond_rows(r, "statements", ok, &rows, &err);
}

/* Cancels or terminates a backend; refused with PostgreSQL's reason when the role may not. */
static void signal_backend(http_req *r, bool terminate)
{
	api_server s;
	int64_t pid;
	if (!api_server_ref(r, &s) || !api_path_int(r, "pid", 1, INT32_MAX, "backend", &pid))
		return;
	tusk_err err = {0};
	if (!catalog_signal_backend(&s.pg, (int)pid, terminate, &err)) {
		api_respond_err(r, &err);
		return;
	}
	api_json j;
	json_writer *w = api_json_begin(&j);
	jw_kv_int(w, "pid", pid);
	jw_kv_bool(w, "signalled", true);
	api_json_send(r, 200, &j);
}

void api_monitor_cancel(http_req *r)
{
	signal_backend(r, false);
}

void api_monitor_terminate(http_req *r)
{
	signal_backend(r, true);
}

/* Reload configuration, a named restore point, pause or resume WAL replay. */
struct action_in {
	const char *action, *name;
};
static const api_field action_fields[] = {
    API_FIELD("action", API_TEXT, struct action_in, action, API_REQUIRED),
    API_FIELD("name", API_TEXT, struct action_in, name, 0),
};
static const api_form action_form = API_FORM(action_fields, "Give the action.");

void api_monitor_server_action(http_req *r)
{
	struct action_in in;
	api_server s;
	if (!api_body(r, &action_form, &in, NULL) || !api_server_checked(r, &s))
		return;
	tusk_err err = {0};
	pg_error pe;
	char *sql, *result;
	if (!catalog_server_action(&s.pg, in.action, in.name, &sql, &result, &pe, &err)) {
		if (pe.sqlstate[0])
			/* the role may not (42501), or a primary has no replay to pause (55000) */
			api_respond_pg_error(
			    r, strcmp(pe.sqlstate, "42501") == 0 ? ERR_PERMISSION_DENIED : ERR_ACTION_FAILED, &pe, sql);
		else
			api_respond_err(r, &err);
	} else {
		api_json j;
		json_writer *w = api_json_begin(&j);
		jw_kv_str(w, "sql", sql);
		jw_kv_str(w, "result", result);
		api_json_send(r, 200, &j);
	}
	free(sql);
	free(result);
}

struct prepared_in {
	const char *gid, *database;
};
static const api_field prepared_fields[] = {
    API_FIELD("gid", API_TEXT, struct prepared_in, gid, API_REQUIRED),
    API_FIELD("database", API_TEXT, struct prepared_in, database, API_REQUIRED),
};
static const api_form prepared_form =
    API_FORM(prepared_fields, "Give the prepared transaction's gid and its database.");

static void finish_prepared(http_req *r, bool commit)
{
	struct prepared_in in;
	api_server s;
	if (!api_body(r, &prepared_form, &in, NULL) || !api_server_ref(r, &s))
		return;
	tusk_err err = {0};
	if (!catalog_finish_prepared(&s.pg, in.database, in.gid, commit, &err))
		api_respond_err(r, &err);
	else
		http_respond(r, 200, "application/json", "{}", 2);
}

void api_monitor_prepared_commit(http_req *r)
{
	finish_prepared(r, true);
}

void api_monitor_prepared_rollback(http_req *r)
{
	finish_prepared(r, false);
}
