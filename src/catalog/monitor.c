/* Live monitoring: each panel is one catalog query on the server's
 * maintenance database (or the database asked for), whose rows come back
 * as named text columns; and the actions operators take from them
 * (cancel or terminate a backend, finish a prepared transaction). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/build.h"

#define UTC(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

static const char *const panels[] = {
    [CATALOG_ACTIVITY] =
	"SELECT a.pid, a.usename AS user, a.datname AS database, a.application_name AS application, "
	"host(a.client_addr) AS client, a.state, a.wait_event_type, a.wait_event, a.backend_type, " UTC("a.backend_start") " AS backend_start, " UTC(
	    "a.xact_start") " AS transaction_start, " UTC("a.query_start") " AS query_start, "
									   "round(extract(epoch FROM now() - a.query_start)::numeric, 3) AS query_seconds, "
									   "round(extract(epoch FROM now() - a.xact_start)::numeric, 3) AS transaction_seconds, a.query, "
									   "array_to_string(pg_catalog.pg_blocking_pids(a.pid), ',') AS blocked_by, "
									   "a.pid = pg_catalog.pg_backend_pid() AS is_tusk "
									   "FROM pg_catalog.pg_stat_activity a ORDER BY a.backend_type <> 'client backend', a.pid",
    [CATALOG_LOCKS] =
	"SELECT l.pid, l.locktype, l.mode, l.granted, d.datname AS database, "
	"CASE WHEN l.relation IS NOT NULL THEN l.relation::regclass::text END AS relation, l.page, l.tuple, "
	"l.virtualxid, l.transactionid::text AS transaction_id, a.usename AS user, a.application_name AS "
	"application, a.state, a.query, " UTC(
	    "(to_jsonb(l) ->> 'waitstart')::timestamptz") " AS waiting_since FROM pg_catalog.pg_locks l LEFT JOIN "
							  "pg_catalog.pg_database d ON d.oid = l.database LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
							  "WHERE l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid() ORDER BY l.granted, l.pid",
    [CATALOG_PREPARED] = "SELECT gid, transaction::text AS transaction, owner, database, " UTC(
	"prepared") " AS prepared FROM pg_catalog.pg_prepared_xacts ORDER BY prepared",
    [CATALOG_SETTINGS] =
	"SELECT name, setting, unit, category, short_desc AS description, context, vartype AS type, source, "
	"boot_val AS default_value, reset_val, pending_restart, setting IS DISTINCT FROM boot_val AS changed, "
	"sourcefile, sourceline::text, enumvals::text AS allowed_values, min_val, max_val "
	"FROM pg_catalog.pg_settings WHERE $1::text IS NULL OR name ILIKE '%' || $1 || '%' OR "
	"short_desc ILIKE '%' || $1 || '%' OR category ILIKE '%' || $1 || '%' ORDER BY category, name",
    /* one row per running command, with a percentage where PostgreSQL gives totals */
    [CATALOG_PROGRESS] =
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
    [CATALOG_TABLE_HEALTH] =
	"SELECT s.schemaname AS schema, s.relname AS table, pg_catalog.pg_total_relation_size(s.relid) AS "
	"total_bytes, pg_catalog.pg_relation_size(s.relid) AS table_bytes, pg_catalog.pg_indexes_size(s.relid) "
	"AS index_bytes, s.seq_scan, s.idx_scan, s.n_live_tup AS live_tuples, s.n_dead_tup AS dead_tuples, "
	"round(100.0 * s.n_dead_tup / NULLIF(s.n_live_tup + s.n_dead_tup, 0), 1) AS dead_percent, " UTC("greatest(s.last_vacuum, s.last_autovacuum)") " AS last_vacuum, " UTC(
	    "greatest(s.last_analyze, s.last_autoanalyze)") " AS last_analyze, round(100.0 * io.heap_blks_hit / "
							    "NULLIF(io.heap_blks_hit + io.heap_blks_read, 0), 1) AS cache_hit_percent, (SELECT "
							    "string_agg(ui.indexrelname, ', ') FROM pg_catalog.pg_stat_user_indexes ui JOIN pg_catalog.pg_index i ON "
							    "i.indexrelid = ui.indexrelid WHERE ui.relid = s.relid AND ui.idx_scan = 0 AND NOT i.indisunique) AS "
							    "unused_indexes FROM pg_catalog.pg_stat_user_tables s JOIN pg_catalog.pg_statio_user_tables io ON "
							    "io.relid = s.relid ORDER BY total_bytes DESC",
    [CATALOG_STANDBYS] =
	"SELECT pid, usename AS user, application_name AS application, host(client_addr) AS client, state, "
	"sync_state, sent_lsn::text, write_lsn::text, flush_lsn::text, replay_lsn::text, "
	"extract(epoch FROM write_lag)::text AS write_lag_seconds, extract(epoch FROM flush_lag)::text AS "
	"flush_lag_seconds, extract(epoch FROM replay_lag)::text AS replay_lag_seconds, "
	"pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), replay_lsn)::bigint::text AS "
	"replay_lag_bytes FROM pg_catalog.pg_stat_replication ORDER BY application_name",
    [CATALOG_SLOTS] =
	"SELECT slot_name, plugin, slot_type, database, active, active_pid::text, restart_lsn::text, "
	"confirmed_flush_lsn::text, wal_status, CASE WHEN restart_lsn IS NOT NULL AND NOT "
	"pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), "
	"restart_lsn)::bigint::text END AS retained_bytes FROM pg_catalog.pg_replication_slots ORDER BY 1",
    [CATALOG_SUBSCRIPTION_WORKERS] =
	"SELECT subname AS name, pid::text, relid::regclass::text AS relation, received_lsn::text, " UTC(
	    "last_msg_receipt_time") " AS last_message, "
				     "latest_end_lsn::text FROM pg_catalog.pg_stat_subscription ORDER BY 1",
    /* what a server node shows when selected, as pgAdmin's server properties do */
    [CATALOG_SERVER_INFO] =
	"SELECT pg_catalog.version() AS version, pg_catalog.current_setting('server_version') AS "
	"server_version, " UTC(
	    "pg_catalog.pg_postmaster_start_time()") " AS started, "
						     "date_trunc('second', now() - pg_catalog.pg_postmaster_start_time())::text AS uptime, "
						     "pg_catalog.pg_is_in_recovery() AS in_recovery, current_user AS connected_as, r.rolsuper AS superuser, "
						     "pg_catalog.current_setting('server_encoding') AS encoding, pg_catalog.current_setting('TimeZone') AS "
						     "timezone, pg_catalog.current_setting('max_connections') AS max_connections, (SELECT count(*) FROM "
						     "pg_catalog.pg_stat_activity WHERE backend_type = 'client backend') AS connections, (SELECT count(*) FROM "
						     "pg_catalog.pg_database WHERE NOT datistemplate) AS databases FROM pg_catalog.pg_roles r WHERE r.rolname = "
						     "current_user",
};

void catalog_rows_free(catalog_rows *r)
{
	free_each((void *const *)r->names, r->ncols);
	free_each((void *const *)r->cells, r->nrows * r->ncols);
	FREE_ALL(r->names, r->cells);
	*r = (catalog_rows){0};
}

/* PostgreSQL's permission check (42501) answers as such; a failed query otherwise. */
static void refused(const pg_error *pe, tusk_err *err)
{
	if (strcmp(pe->sqlstate, "42501") == 0)
		err->code = ERR_PERMISSION_DENIED;
}

/* A result's rows as named text cells; r is cleared. */
static void take_rows(PGresult *r, catalog_rows *out)
{
	out->ncols = (size_t)PQnfields(r);
	out->nrows = (size_t)PQntuples(r);
	out->names = xcalloc(out->ncols + 1, sizeof(char *));
	out->cells = xcalloc(out->ncols * out->nrows + 1, sizeof(char *));
	for (size_t c = 0; c < out->ncols; c++)
		out->names[c] = xstrdup(PQfname(r, (int)c));
	for (size_t i = 0; i < out->nrows; i++)
		for (size_t c = 0; c < out->ncols; c++)
			if (!PQgetisnull(r, (int)i, (int)c))
				out->cells[i * out->ncols + c] = xstrdup(PQgetvalue(r, (int)i, (int)c));
	PQclear(r);
}

/* Runs sql and takes its rows; a refusal of PostgreSQL's permission check as permission_denied. */
static bool query_rows(const pgpool_ref *pg, const char *database, const char *sql, int nparams,
		       const char *const *params, catalog_rows *out, tusk_err *err)
{
	*out = (catalog_rows){0};
	pg_error pe = {0};
	PGresult *r = pgpool_query(pg, database, sql, nparams, params, &pe, err);
	if (!r) {
		refused(&pe, err);
		return false;
	}
	take_rows(r, out);
	return true;
}

static ssize_t column_of(const catalog_rows *rows, const char *name)
{
	for (size_t c = 0; c < rows->ncols; c++)
		if (strcmp(rows->names[c], name) == 0)
			return (ssize_t)c;
	return -1;
}

static bool all_digits(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Databases whose relation OIDs a locks panel names, at the most. */
#define LOCK_DATABASES_NAMED 16

/* A lock on a relation of another database than the one read comes as an
 * OID (regclass resolves only its own database's): each such database is
 * asked for its names, on a pooled connection there. A database that
 * cannot be asked keeps its OIDs. */
static void name_lock_relations(const pgpool_ref *pg, catalog_rows *rows)
{
	ssize_t rel = column_of(rows, "relation"), dbcol = column_of(rows, "database");
	if (rel < 0 || dbcol < 0)
		return;
	const char *done[LOCK_DATABASES_NAMED];
	size_t ndone = 0;
	for (size_t i = 0; i < rows->nrows && ndone < LOCK_DATABASES_NAMED; i++) {
		const char *db = rows->cells[i * rows->ncols + (size_t)dbcol];
		if (!db || !all_digits(rows->cells[i * rows->ncols + (size_t)rel]))
			continue;
		bool seen = false;
		for (size_t k = 0; k < ndone && !seen; k++)
			seen = strcmp(done[k], db) == 0;
		if (seen)
			continue;
		done[ndone++] = db;
		/* every OID of this database in one array */
		str oids = STR_INIT;
		str_append_char(&oids, '{');
		for (size_t j = i; j < rows->nrows; j++) {
			const char *dbj = rows->cells[j * rows->ncols + (size_t)dbcol];
			const char *o = rows->cells[j * rows->ncols + (size_t)rel];
			if (dbj && strcmp(dbj, db) == 0 && all_digits(o))
				str_appendf(&oids, "%s%s", oids.len > 1 ? "," : "", o);
		}
		str_append_char(&oids, '}');
		const char *params[1] = {str_cstr(&oids)};
		catalog_rows names;
		tusk_err ignored = {0};
		if (query_rows(
			pg, db,
			"SELECT c.oid::text, c.oid::pg_catalog.regclass::text FROM pg_catalog.pg_class c WHERE c.oid = "
			"ANY ($1::pg_catalog.oid[])",
			1, params, &names, &ignored)) {
			for (size_t j = 0; j < rows->nrows; j++) {
				char **cell = &rows->cells[j * rows->ncols + (size_t)rel];
				const char *dbj = rows->cells[j * rows->ncols + (size_t)dbcol];
				if (!dbj || strcmp(dbj, db) != 0 || !all_digits(*cell))
					continue;
				for (size_t n = 0; n < names.nrows; n++)
					if (strcmp(names.cells[n * 2], *cell) == 0) {
						free(*cell);
						*cell = xstrdup(names.cells[n * 2 + 1]);
						break;
					}
			}
			catalog_rows_free(&names);
		}
		str_free(&oids);
	}
}

bool catalog_panel(const pgpool_ref *pg, enum catalog_panel panel, const char *database, const char *filter,
		   catalog_rows *out, tusk_err *err)
{
	const char *params[1] = {filter && *filter ? filter : NULL};
	if (!query_rows(pg, database, panels[panel], panel == CATALOG_SETTINGS ? 1 : 0, params, out, err))
		return false;
	if (panel == CATALOG_LOCKS)
		name_lock_relations(pg, out);
	return true;
}

bool catalog_statements(const pgpool_ref *pg, const char *database, catalog_rows *out, tusk_err *err)
{
	catalog_rows has;
	if (!query_rows(
		pg, database,
		"SELECT quote_ident(n.nspname) FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON "
		"n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'",
		0, NULL, &has, err))
		return false;
	if (has.nrows == 0) {
		catalog_rows_free(&has);
		err_set(err, ERR_EXTENSION_MISSING,
			"pg_stat_statements is not installed in this database: add it to shared_preload_libraries, "
			"restart, then run CREATE EXTENSION pg_stat_statements.");
		return false;
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
		    has.cells[0],
		    /* a database dashboard shows that database's statements; the server's shows all */
		    database && *database ? "WHERE s.dbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = "
					    "pg_catalog.current_database()) "
					  : "");
	catalog_rows_free(&has);
	bool ok = query_rows(pg, database, str_cstr(&sql), 0, NULL, out, err);
	str_free(&sql);
	return ok;
}

bool catalog_signal_backend(const pgpool_ref *pg, int pid, bool terminate, tusk_err *err)
{
	char text[16];
	snprintf(text, sizeof(text), "%d", pid);
	const char *params[1] = {text};
	pg_error pe = {0};
	PGresult *res = pgpool_query(pg, NULL,
				     terminate ? "SELECT pg_catalog.pg_terminate_backend($1::int)"
					       : "SELECT pg_catalog.pg_cancel_backend($1::int)",
				     1, params, &pe, err);
	if (!res) {
		refused(&pe, err);
		if (pe.detail[0]) {
			size_t n = strlen(err->msg);
			snprintf(err->msg + n, sizeof(err->msg) - n, " %s", pe.detail);
		}
		return false;
	}
	bool signalled = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	/* PostgreSQL answers false (with a warning) for a pid that is not a backend */
	if (!signalled)
		err_set(err, ERR_NOT_FOUND, "There is no backend with pid %d (it may have ended).", pid);
	return signalled;
}

bool catalog_server_action(const pgpool_ref *pg, const char *action, const char *name, char **sql, char **result,
			   pg_error *pe, tusk_err *err)
{
	static const struct {
		const char *action, *sql;
		bool named;
	} actions[] = {
	    {"reload_configuration", "SELECT pg_catalog.pg_reload_conf()::text", false},
	    {"restore_point", "SELECT pg_catalog.pg_create_restore_point($1)::text", true},
	    {"pause_replay", "SELECT pg_catalog.pg_wal_replay_pause()::text", false},
	    {"resume_replay", "SELECT pg_catalog.pg_wal_replay_resume()::text", false},
	};
	*sql = *result = NULL;
	memset(pe, 0, sizeof(*pe));
	for (size_t i = 0; i < sizeof(actions) / sizeof(*actions); i++) {
		if (strcmp(actions[i].action, action) != 0)
			continue;
		if (actions[i].named && (!name || !*name)) {
			err_set(err, ERR_INVALID_FIELD, "A restore point needs a name.");
			return false;
		}
		const char *params[1] = {name};
		*sql = xstrdup(actions[i].sql);
		PGresult *res = pgpool_query(pg, NULL, actions[i].sql, actions[i].named ? 1 : 0, params, pe, err);
		if (!res)
			return false;
		*result = xstrdup(PQgetisnull(res, 0, 0) ? "" : PQgetvalue(res, 0, 0));
		PQclear(res);
		return true;
	}
	err_set(err, ERR_INVALID_FIELD,
		"The action is reload_configuration, restore_point, pause_replay or resume_replay, not '%s'.", action);
	return false;
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
	str sql = STR_INIT;
	str_appendf(&sql, "%s PREPARED ", p->verb);
	catalog_literal(conn, &sql, p->gid);
	PGresult *res = PQexec(conn, str_cstr(&sql));
	str_free(&sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		p->failed = true;
		pg_error_fill(&p->pe, res, conn);
	}
	PQclear(res);
	return true;
}

bool catalog_finish_prepared(const pgpool_ref *pg, const char *database, const char *gid, bool commit, tusk_err *err)
{
	struct prepared_action p = {.verb = commit ? "COMMIT" : "ROLLBACK", .gid = gid};
	if (!pgpool_with_conn(pg, database, run_prepared, &p, err))
		return false;
	if (p.failed)
		/* 42704: no prepared transaction of that name */
		err_set(err,
			strcmp(p.pe.sqlstate, "42704") == 0   ? ERR_NOT_FOUND
			: strcmp(p.pe.sqlstate, "42501") == 0 ? ERR_PERMISSION_DENIED
							      : ERR_PREPARED_FAILED,
			"%s", p.pe.message);
	return !p.failed;
}
