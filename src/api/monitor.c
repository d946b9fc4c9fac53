/* Live monitoring panels: each is one catalog query on the server's
 * maintenance database (or the database asked for), answered as rows of
 * named text columns, plus the actions operators take from them. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

/* Rows of a result as [{column: text|null}], under key. */
static void write_rows(json_writer *w, const char *key, PGresult *res)
{
	jw_key(w, key);
	jw_arr_begin(w);
	for (int i = 0; i < PQntuples(res); i++) {
		jw_obj_begin(w);
		for (int c = 0; c < PQnfields(res); c++)
			jw_kv_str(w, PQfname(res, c), PQgetisnull(res, i, c) ? NULL : PQgetvalue(res, i, c));
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* A panel's failure; PostgreSQL's permission denied (42501) as such. */
static void respond_failure(http_req *r, tusk_err *err, const pg_error *pe)
{
	if (strcmp(pe->sqlstate, "42501") == 0)
		err->code = ERR_PERMISSION_DENIED;
	api_respond_err(r, err);
}

/* Runs one panel query and answers {key: rows}. */
static void panel(http_req *r, const char *key, const char *sql, int nparams, const char *const *params,
		  const char *database)
{
	tusk_app *app = http_req_app(r);
	int64_t server_id;
	if (!api_path_id(r, "server", &server_id))
		return;
	pg_error pe = {0};
	tusk_err err = {0};
	PGresult *res = pgpool_query(app->pool, api_session(r)->user.id, server_id, database, sql, nparams, params, &pe,
				     &err);
	if (!res) {
		respond_failure(r, &err, &pe);
		return;
	}
	str out = STR_INIT;
	json_writer w;
	jw_init(&w, &out);
	jw_obj_begin(&w);
	write_rows(&w, key, res);
	jw_obj_end(&w);
	PQclear(res);
	http_respond_json(r, 200, &out);
}

void api_monitor_activity(http_req *r)
{
	panel(r, "backends",
	      "SELECT a.pid, a.usename AS user, a.datname AS database, a.application_name AS application, "
	      "host(a.client_addr) AS client, a.state, a.wait_event_type, a.wait_event, a.backend_type, "
	      "to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS backend_start, "
	      "to_char(a.xact_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS transaction_start, "
	      "to_char(a.query_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS query_start, "
	      "round(extract(epoch FROM now() - a.query_start)::numeric, 3) AS query_seconds, "
	      "round(extract(epoch FROM now() - a.xact_start)::numeric, 3) AS transaction_seconds, a.query, "
	      "array_to_string(pg_catalog.pg_blocking_pids(a.pid), ',') AS blocked_by, "
	      "a.pid = pg_catalog.pg_backend_pid() AS is_tusk "
	      "FROM pg_catalog.pg_stat_activity a ORDER BY a.backend_type <> 'client backend', a.pid",
	      0, NULL, NULL);
}

/* cancel or terminate a backend; refused with PostgreSQL's reason when the role may not. */
static void signal_backend(http_req *r, const char *fn)
{
	tusk_app *app = http_req_app(r);
	int64_t server_id;
	if (!api_path_id(r, "server", &server_id))
		return;
	const char *pid = http_req_param(r, "pid");
	char *end;
	long n = strtol(pid, &end, 10);
	if (*end || n <= 0) {
		http_respond_error(r, ERR_NOT_FOUND, "There is no backend %s.", pid);
		return;
	}
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT pg_catalog.%s($1::int)", fn);
	const char *params[1] = {pid};
	pg_error pe = {0};
	tusk_err err = {0};
	PGresult *res = pgpool_query(app->pool, api_session(r)->user.id, server_id, NULL, sql, 1, params, &pe, &err);
	if (!res) {
		if (strcmp(pe.sqlstate, "42501") == 0)
			err.code = ERR_PERMISSION_DENIED;
		http_respond_error(r, err.code, "%s%s%s", err.msg, pe.detail[0] ? " " : "", pe.detail);
		return;
	}
	bool signalled = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (!signalled) {
		/* PostgreSQL answers false (with a warning) for a pid that is not a backend */
		http_respond_error(r, ERR_NOT_FOUND, "There is no backend with pid %s (it may have ended).", pid);
		return;
	}
	char out[64];
	snprintf(out, sizeof(out), "{\"pid\":%ld,\"signalled\":true}", n);
	http_respond(r, 200, "application/json; charset=utf-8", out, strlen(out));
}

void api_monitor_cancel(http_req *r)
{
	signal_backend(r, "pg_cancel_backend");
}

void api_monitor_terminate(http_req *r)
{
	signal_backend(r, "pg_terminate_backend");
}

void api_monitor_locks(http_req *r)
{
	panel(r, "locks",
	      "SELECT l.pid, l.locktype, l.mode, l.granted, d.datname AS database, "
	      "CASE WHEN l.relation IS NOT NULL THEN l.relation::regclass::text END AS relation, l.page, l.tuple, "
	      "l.virtualxid, l.transactionid::text AS transaction_id, a.usename AS user, a.application_name AS "
	      "application, a.state, a.query, to_char((to_jsonb(l) ->> 'waitstart')::timestamptz AT TIME ZONE 'UTC', "
	      "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS waiting_since FROM pg_catalog.pg_locks l LEFT JOIN "
	      "pg_catalog.pg_database d ON d.oid = l.database LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
	      "WHERE l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid() ORDER BY l.granted, l.pid",
	      0, NULL, NULL);
}

void api_monitor_prepared(http_req *r)
{
	panel(r, "prepared",
	      "SELECT gid, transaction::text AS transaction, owner, database, to_char(prepared AT TIME ZONE 'UTC', "
	      "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS prepared FROM pg_catalog.pg_prepared_xacts ORDER BY prepared",
	      0, NULL, NULL);
}

/* COMMIT PREPARED / ROLLBACK PREPARED must run in the transaction's database. */
struct prepared_action {
	const char *verb, *gid;
	pg_error pe;
	bool failed;
};

static bool run_prepared(void *ctx, PGconn *conn, tusk_err *err)
{
	struct prepared_action *p = ctx;
	(void)err;
	char *lit = PQescapeLiteral(conn, p->gid, strlen(p->gid));
	str sql = STR_INIT;
	str_appendf(&sql, "%s PREPARED %s", p->verb, lit ? lit : "''");
	PQfreemem(lit);
	PGresult *res = PQexec(conn, str_cstr(&sql));
	str_free(&sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		p->failed = true;
		pg_error_fill(&p->pe, res, conn);
	}
	PQclear(res);
	return true;
}

static void finish_prepared(http_req *r, const char *verb)
{
	tusk_app *app = http_req_app(r);
	json_t *body = http_req_json(r);
	int64_t server_id;
	if (!body || !api_path_id(r, "server", &server_id))
		return;
	bool bad = false;
	const char *gid = api_json_str(r, body, "gid", &bad), *db = api_json_str(r, body, "database", &bad);
	if (bad)
		return;
	if (!gid || !db) {
		http_respond_error(r, ERR_MISSING_FIELD, "Give the prepared transaction's gid and its database.");
		return;
	}
	struct prepared_action p = {.verb = verb, .gid = gid};
	tusk_err err = {0};
	if (!pgpool_with_conn(app->pool, api_session(r)->user.id, server_id, db, run_prepared, &p, &err))
		api_respond_err(r, &err);
	else if (p.failed)
		http_respond_error(r,
				   strcmp(p.pe.sqlstate, "42704") == 0	 ? ERR_NOT_FOUND
				   : strcmp(p.pe.sqlstate, "42501") == 0 ? ERR_PERMISSION_DENIED
									 : ERR_PREPARED_FAILED,
				   "%s", p.pe.message);
	else
		http_respond(r, 200, "application/json", "{}", 2);
}

void api_monitor_prepared_commit(http_req *r)
{
	finish_prepared(r, "COMMIT");
}

void api_monitor_prepared_rollback(http_req *r)
{
	finish_prepared(r, "ROLLBACK");
}

void api_monitor_settings(http_req *r)
{
	const char *q = http_req_query(r, "q");
	const char *params[1] = {q && *q ? q : NULL};
	panel(r, "settings",
	      "SELECT name, setting, unit, category, short_desc AS description, context, vartype AS type, source, "
	      "boot_val AS default_value, reset_val, pending_restart, setting IS DISTINCT FROM boot_val AS changed, "
	      "sourcefile, sourceline::text, enumvals::text AS allowed_values, min_val, max_val "
	      "FROM pg_catalog.pg_settings WHERE $1::text IS NULL OR name ILIKE '%' || $1 || '%' OR "
	      "short_desc ILIKE '%' || $1 || '%' OR category ILIKE '%' || $1 || '%' ORDER BY category, name",
	      1, params, NULL);
}

void api_monitor_replication(http_req *r)
{
	tusk_app *app = http_req_app(r);
	int64_t server_id;
	if (!api_path_id(r, "server", &server_id))
		return;
	static const struct {
		const char *key, *sql;
	} parts[] = {
		{"standbys",
		 "SELECT pid, usename AS user, application_name AS application, host(client_addr) AS client, state, "
		 "sync_state, sent_lsn::text, write_lsn::text, flush_lsn::text, replay_lsn::text, "
		 "extract(epoch FROM write_lag)::text AS write_lag_seconds, extract(epoch FROM flush_lag)::text AS "
		 "flush_lag_seconds, extract(epoch FROM replay_lag)::text AS replay_lag_seconds, "
		 "pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), replay_lsn)::bigint::text AS "
		 "replay_lag_bytes FROM pg_catalog.pg_stat_replication ORDER BY application_name"},
		{"slots",
		 "SELECT slot_name, plugin, slot_type, database, active, active_pid::text, restart_lsn::text, "
		 "confirmed_flush_lsn::text, wal_status, CASE WHEN restart_lsn IS NOT NULL AND NOT "
		 "pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), "
		 "restart_lsn)::bigint::text END AS retained_bytes FROM pg_catalog.pg_replication_slots ORDER BY 1"},
		{"subscriptions",
		 "SELECT subname AS name, pid::text, relid::regclass::text AS relation, received_lsn::text, "
		 "to_char(last_msg_receipt_time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS last_message, "
		 "latest_end_lsn::text FROM pg_catalog.pg_stat_subscription ORDER BY 1"},
	};
	str out = STR_INIT;
	json_writer w;
	jw_init(&w, &out);
	jw_obj_begin(&w);
	jw_kv_bool(&w, "in_recovery", false);
	for (size_t i = 0; i < sizeof(parts) / sizeof(*parts); i++) {
		pg_error pe = {0};
		tusk_err err = {0};
		PGresult *res = pgpool_query(app->pool, api_session(r)->user.id, server_id, NULL, parts[i].sql, 0, NULL,
					     &pe, &err);
		if (!res) {
			str_free(&out);
			respond_failure(r, &err, &pe);
			return;
		}
		write_rows(&w, parts[i].key, res);
		PQclear(res);
	}
	jw_obj_end(&w);
	http_respond_json(r, 200, &out);
}

void api_monitor_progress(http_req *r)
{
	/* one row per running command, with a percentage where PostgreSQL gives totals */
	panel(r, "progress",
	      "SELECT 'VACUUM' AS command, p.pid, p.datname AS database, p.relid::regclass::text AS relation, p.phase, "
	      "round(100.0 * p.heap_blks_scanned / NULLIF(p.heap_blks_total, 0), 1)::text AS percent "
	      "FROM pg_catalog.pg_stat_progress_vacuum p "
	      "UNION ALL SELECT 'ANALYZE', p.pid, p.datname, p.relid::regclass::text, p.phase, "
	      "round(100.0 * p.sample_blks_scanned / NULLIF(p.sample_blks_total, 0), 1)::text "
	      "FROM pg_catalog.pg_stat_progress_analyze p "
	      "UNION ALL SELECT p.command, p.pid, p.datname, p.relid::regclass::text, p.phase, "
	      "round(100.0 * p.blocks_done / NULLIF(p.blocks_total, 0), 1)::text "
	      "FROM pg_catalog.pg_stat_progress_create_index p "
	      "UNION ALL SELECT p.command, p.pid, p.datname, p.relid::regclass::text, p.phase, "
	      "round(100.0 * p.heap_blks_scanned / NULLIF(p.heap_blks_total, 0), 1)::text "
	      "FROM pg_catalog.pg_stat_progress_cluster p "
	      "UNION ALL SELECT 'BASE BACKUP', p.pid, NULL, NULL, p.phase, "
	      "round(100.0 * p.backup_streamed / NULLIF(p.backup_total, 0), 1)::text "
	      "FROM pg_catalog.pg_stat_progress_basebackup p ORDER BY 2",
	      0, NULL, NULL);
}

void api_monitor_statements(http_req *r)
{
	tusk_app *app = http_req_app(r);
	int64_t server_id;
	if (!api_path_id(r, "server", &server_id))
		return;
	const char *db = http_req_query(r, "database");
	pg_error pe = {0};
	tusk_err err = {0};
	int64_t uid = api_session(r)->user.id;
	PGresult *has = pgpool_query(app->pool, uid, server_id, db,
				     "SELECT quote_ident(n.nspname) FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON "
				     "n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'",
				     0, NULL, &pe, &err);
	if (!has) {
		respond_failure(r, &err, &pe);
		return;
	}
	if (PQntuples(has) == 0) {
		PQclear(has);
		http_respond_error(r, ERR_EXTENSION_MISSING,
				   "pg_stat_statements is not installed in this database: add it to "
				   "shared_preload_libraries, restart, then run CREATE EXTENSION pg_stat_statements.");
		return;
	}
	/* the columns are total_exec_time from 13 on; the schema comes quoted by quote_ident */
	str sql = STR_INIT;
	str_appendf(&sql,
		    "SELECT s.queryid::text, r.rolname AS user, d.datname AS database, s.calls, "
		    "round(s.total_exec_time::numeric, 3) AS total_ms, round(s.mean_exec_time::numeric, 3) AS mean_ms, "
		    "round(s.max_exec_time::numeric, 3) AS max_ms, s.rows, s.shared_blks_hit, s.shared_blks_read, "
		    "round(100.0 * s.shared_blks_hit / NULLIF(s.shared_blks_hit + s.shared_blks_read, 0), 1) AS "
		    "hit_percent, s.query FROM %s.pg_stat_statements s LEFT JOIN pg_catalog.pg_roles r ON r.oid = "
		    "s.userid LEFT JOIN pg_catalog.pg_database d ON d.oid = s.dbid %s"
		    "ORDER BY s.total_exec_time DESC LIMIT 100",
		    PQgetvalue(has, 0, 0),
		    /* a database dashboard shows that database's statements; the server's shows all */
		    db && *db ? "WHERE s.dbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = "
				"pg_catalog.current_database()) "
			      : "");
	PQclear(has);
	PGresult *res = pgpool_query(app->pool, uid, server_id, db, str_cstr(&sql), 0, NULL, &pe, &err);
	str_free(&sql);
	if (!res) {
		respond_failure(r, &err, &pe);
		return;
	}
	str out = STR_INIT;
	json_writer w;
	jw_init(&w, &out);
	jw_obj_begin(&w);
	write_rows(&w, "statements", res);
	jw_obj_end(&w);
	PQclear(res);
	http_respond_json(r, 200, &out);
}

void api_monitor_health(http_req *r)
{
	const char *db = http_req_query(r, "database");
	if (!db || !*db) {
		http_respond_error(r, ERR_MISSING_FIELD, "Name the database whose tables to look at.");
		return;
	}
	panel(r, "tables",
	      "SELECT s.schemaname AS schema, s.relname AS table, pg_catalog.pg_total_relation_size(s.relid) AS "
	      "total_bytes, pg_catalog.pg_relation_size(s.relid) AS table_bytes, pg_catalog.pg_indexes_size(s.relid) "
	      "AS index_bytes, s.seq_scan, s.idx_scan, s.n_live_tup AS live_tuples, s.n_dead_tup AS dead_tuples, "
	      "round(100.0 * s.n_dead_tup / NULLIF(s.n_live_tup + s.n_dead_tup, 0), 1) AS dead_percent, "
	      "to_char(greatest(s.last_vacuum, s.last_autovacuum) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
	      "AS last_vacuum, to_char(greatest(s.last_analyze, s.last_autoanalyze) AT TIME ZONE 'UTC', "
	      "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS last_analyze, round(100.0 * io.heap_blks_hit / "
	      "NULLIF(io.heap_blks_hit + io.heap_blks_read, 0), 1) AS cache_hit_percent, (SELECT "
	      "string_agg(ui.indexrelname, ', ') FROM pg_catalog.pg_stat_user_indexes ui JOIN pg_catalog.pg_index i ON "
	      "i.indexrelid = ui.indexrelid WHERE ui.relid = s.relid AND ui.idx_scan = 0 AND NOT i.indisunique) AS "
	      "unused_indexes FROM pg_catalog.pg_stat_user_tables s JOIN pg_catalog.pg_statio_user_tables io ON "
	      "io.relid = s.relid ORDER BY total_bytes DESC",
	      0, NULL, db);
}
