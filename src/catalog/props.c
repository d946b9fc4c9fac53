/* Properties, statistics and dependencies of an object, as data: per kind,
 * a query naming the object's catalog and oid, a query whose one row's
 * columns are its properties, and optionally its statistics. Parameters
 * follow the DDL convention: ancestors' names, then the member's. */
#include "catalog/catalog.h"

#include <string.h>

#include "catalog/lookup.h"

#define REL_PROPS(kinds)                                                                                               \
	"SELECT c.relname AS name, n.nspname AS schema, pg_catalog.pg_get_userbyid(c.relowner) AS owner, "              \
	"c.oid::text AS oid, c.relacl::text AS privileges, pg_catalog.obj_description(c.oid, 'pg_class') AS comment, "  \
	"array_to_string(c.reloptions, ', ') AS options, COALESCE((SELECT spcname FROM pg_catalog.pg_tablespace "       \
	"WHERE oid = c.reltablespace), 'pg_default') AS tablespace, CASE c.relpersistence WHEN 'u' THEN 'unlogged' "    \
	"WHEN 't' THEN 'temporary' ELSE 'permanent' END AS persistence, c.reltuples::bigint AS estimated_rows, "      \
	"pg_catalog.pg_size_pretty(pg_catalog.pg_total_relation_size(c.oid)) AS total_size, "                          \
	"pg_catalog.pg_size_pretty(pg_catalog.pg_relation_size(c.oid)) AS data_size, "                                 \
	"pg_catalog.pg_size_pretty(pg_catalog.pg_indexes_size(c.oid)) AS indexes_size"

static const struct props_kind {
	const char *kind;
	int nparams;
	const char *oid_sql;   /* (classid, objid) */
	const char *props_sql; /* one row */
	const char *stats_sql; /* one row, or NULL */
} kinds[] = {
	/* roles and tablespaces belong to the server: read from the maintenance database */
	{"role", 1, "SELECT 'pg_catalog.pg_authid'::regclass::oid, oid FROM pg_catalog.pg_roles WHERE rolname = $1",
	 "SELECT r.rolname AS name, r.oid::text AS oid, r.rolcanlogin AS can_login, r.rolsuper AS superuser, "
	 "r.rolcreatedb AS create_databases, r.rolcreaterole AS create_roles, r.rolinherit AS inherit, "
	 "r.rolreplication AS replication, r.rolbypassrls AS bypass_rls, r.rolconnlimit AS connection_limit, "
	 "r.rolvaliduntil AS valid_until, (SELECT string_agg(g.rolname, ', ' ORDER BY g.rolname) FROM "
	 "pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid) AS "
	 "member_of, (SELECT string_agg(u.rolname, ', ' ORDER BY u.rolname) FROM pg_catalog.pg_auth_members m JOIN "
	 "pg_catalog.pg_roles u ON u.oid = m.member WHERE m.roleid = r.oid) AS members, "
	 "array_to_string(r.rolconfig, ', ') AS settings, pg_catalog.shobj_description(r.oid, 'pg_authid') AS comment "
	 "FROM pg_catalog.pg_roles r WHERE r.rolname = $1",
	 "SELECT (SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE usename = $1) AS sessions, (SELECT count(*) "
	 "FROM pg_catalog.pg_database d WHERE d.datdba = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = $1)) AS "
	 "databases_owned"},
	{"tablespace", 1,
	 "SELECT 'pg_catalog.pg_tablespace'::regclass::oid, oid FROM pg_catalog.pg_tablespace WHERE spcname = $1",
	 "SELECT t.spcname AS name, pg_catalog.pg_get_userbyid(t.spcowner) AS owner, t.oid::text AS oid, "
	 "pg_catalog.pg_tablespace_location(t.oid) AS location, array_to_string(t.spcoptions, ', ') AS options, "
	 "CASE WHEN pg_catalog.has_tablespace_privilege(t.oid, 'CREATE') OR t.spcname = 'pg_default' OR "
	 "pg_catalog.pg_has_role('pg_read_all_stats', 'MEMBER') THEN pg_catalog.pg_size_pretty("
	 "pg_catalog.pg_tablespace_size(t.oid)) END AS size, t.spcacl::text AS privileges, "
	 "pg_catalog.shobj_description(t.oid, 'pg_tablespace') AS comment FROM pg_catalog.pg_tablespace t WHERE "
	 "t.spcname = $1",
	 NULL},
	{"database", 0,
	 "SELECT 'pg_catalog.pg_database'::regclass::oid, oid FROM pg_catalog.pg_database WHERE datname = "
	 "pg_catalog.current_database()",
	 "SELECT d.datname AS name, pg_catalog.pg_get_userbyid(d.datdba) AS owner, d.oid::text AS oid, "
	 "pg_catalog.pg_encoding_to_char(d.encoding) AS encoding, d.datcollate AS collate, d.datctype AS ctype, "
	 "t.spcname AS tablespace, d.datconnlimit AS connection_limit, d.datallowconn AS allow_connections, "
	 "d.datistemplate AS is_template, pg_catalog.pg_size_pretty(pg_catalog.pg_database_size(d.oid)) AS size, "
	 "d.datacl::text AS privileges, pg_catalog.shobj_description(d.oid, 'pg_database') AS comment FROM "
	 "pg_catalog.pg_database d JOIN pg_catalog.pg_tablespace t ON t.oid = d.dattablespace WHERE d.datname = "
	 "pg_catalog.current_database()",
	 "SELECT numbackends AS backends, xact_commit AS commits, xact_rollback AS rollbacks, blks_read, blks_hit, "
	 "tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted, conflicts, temp_files, "
	 "pg_catalog.pg_size_pretty(temp_bytes) AS temp_size, deadlocks, stats_reset FROM pg_catalog.pg_stat_database "
	 "WHERE datname = pg_catalog.current_database()"},
	{"schema", 1, "SELECT 'pg_catalog.pg_namespace'::regclass::oid, oid FROM pg_catalog.pg_namespace WHERE nspname = $1",
	 "SELECT s.nspname AS name, pg_catalog.pg_get_userbyid(s.nspowner) AS owner, s.oid::text AS oid, "
	 "s.nspacl::text AS privileges, pg_catalog.obj_description(s.oid, 'pg_namespace') AS comment, "
	 "(SELECT count(*) FROM pg_catalog.pg_class c WHERE c.relnamespace = s.oid AND c.relkind IN ('r', 'p')) AS tables "
	 "FROM pg_catalog.pg_namespace s WHERE s.nspname = $1",
	 NULL},
	{"extension", 1, "SELECT 'pg_catalog.pg_extension'::regclass::oid, oid FROM pg_catalog.pg_extension WHERE extname = $1",
	 "SELECT e.extname AS name, e.extversion AS version, n.nspname AS schema, pg_catalog.pg_get_userbyid(e.extowner) "
	 "AS owner, e.extrelocatable AS relocatable, a.default_version, a.comment FROM pg_catalog.pg_extension e JOIN "
	 "pg_catalog.pg_namespace n ON n.oid = e.extnamespace LEFT JOIN pg_catalog.pg_available_extensions a "
	 "ON a.name = e.extname WHERE e.extname = $1",
	 NULL},
	{"table", 2, "SELECT 'pg_catalog.pg_class'::regclass::oid, " TBL,
	 REL_PROPS("'r','p'") ", CASE c.relkind WHEN 'p' THEN 'partitioned' ELSE 'regular' END AS table_kind, "
	 "pg_catalog.pg_get_partkeydef(c.oid) AS partition_key, c.relispartition AS is_partition, "
	 "pg_catalog.pg_get_expr(c.relpartbound, c.oid) AS partition_bound, c.relrowsecurity AS row_level_security, "
	 "c.relforcerowsecurity AS force_row_level_security, (SELECT string_agg(p.oid::regclass::text, ', ') FROM "
	 "pg_catalog.pg_inherits i JOIN pg_catalog.pg_class p ON p.oid = i.inhparent WHERE i.inhrelid = c.oid AND NOT "
	 "c.relispartition) AS inherits, (SELECT count(*) FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND "
	 "a.attnum > 0 AND NOT a.attisdropped) AS columns FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
	 "n.oid = c.relnamespace WHERE c.oid = " TBL,
	 "SELECT s.seq_scan, s.seq_tup_read, s.idx_scan, s.idx_tup_fetch, s.n_tup_ins AS inserted, s.n_tup_upd AS updated, "
	 "s.n_tup_del AS deleted, s.n_tup_hot_upd AS hot_updated, s.n_live_tup AS live_tuples, s.n_dead_tup AS "
	 "dead_tuples, s.n_mod_since_analyze AS modified_since_analyze, s.last_vacuum, s.last_autovacuum, s.last_analyze, "
	 "s.last_autoanalyze, s.vacuum_count, s.autovacuum_count, s.analyze_count, s.autoanalyze_count, "
	 "io.heap_blks_read, io.heap_blks_hit, io.idx_blks_read, io.idx_blks_hit, "
	 "pg_catalog.pg_size_pretty(pg_catalog.pg_total_relation_size(s.relid)) AS total_size, "
	 "pg_catalog.pg_size_pretty(COALESCE(pg_catalog.pg_relation_size(c.reltoastrelid), 0)) AS toast_size "
	 "FROM pg_catalog.pg_stat_all_tables s JOIN pg_catalog.pg_statio_all_tables io ON io.relid = s.relid "
	 "JOIN pg_catalog.pg_class c ON c.oid = s.relid WHERE s.relid = " TBL},
	{"view", 2, "SELECT 'pg_catalog.pg_class'::regclass::oid, " REL("'v'"),
	 "SELECT c.relname AS name, n.nspname AS schema, pg_catalog.pg_get_userbyid(c.relowner) AS owner, c.oid::text AS "
	 "oid, c.relacl::text AS privileges, pg_catalog.obj_description(c.oid, 'pg_class') AS comment, "
	 "array_to_string(c.reloptions, ', ') AS options, pg_catalog.pg_get_viewdef(c.oid, true) AS definition "
	 "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = " REL("'v'"),
	 NULL},
	{"materialized_view", 2, "SELECT 'pg_catalog.pg_class'::regclass::oid, " REL("'m'"),
	 REL_PROPS("'m'") ", c.relispopulated AS populated, pg_catalog.pg_get_viewdef(c.oid, true) AS definition "
	 "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = " REL("'m'"),
	 NULL},
	{"sequence", 2, "SELECT 'pg_catalog.pg_class'::regclass::oid, " REL("'S'"),
	 "SELECT s.sequencename AS name, s.schemaname AS schema, s.sequenceowner AS owner, s.data_type::text AS "
	 "data_type, s.start_value, s.min_value, s.max_value, s.increment_by, s.cycle, s.cache_size, s.last_value, "
	 "pg_catalog.obj_description(" REL("'S'") ", 'pg_class') AS comment FROM pg_catalog.pg_sequences s "
	 "WHERE s.schemaname = $1 AND s.sequencename = $2",
	 NULL},
	{"function", 2, "SELECT 'pg_catalog.pg_proc'::regclass::oid, " PROC,
	 "SELECT p.proname AS name, n.nspname AS schema, pg_catalog.pg_get_userbyid(p.proowner) AS owner, p.oid::text "
	 "AS oid, pg_catalog.pg_get_function_arguments(p.oid) AS arguments, pg_catalog.pg_get_function_result(p.oid) AS "
	 "returns, l.lanname AS language, CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE "
	 "'volatile' END AS volatility, p.prosecdef AS security_definer, p.proisstrict AS strict, CASE p.proparallel WHEN "
	 "'s' THEN 'safe' WHEN 'r' THEN 'restricted' ELSE 'unsafe' END AS parallel, p.procost AS cost, p.prorows AS rows, "
	 "p.proleakproof AS leakproof, array_to_string(p.proconfig, ', ') AS settings, p.proacl::text AS privileges, "
	 "pg_catalog.obj_description(p.oid, 'pg_proc') AS comment FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace "
	 "n ON n.oid = p.pronamespace JOIN pg_catalog.pg_language l ON l.oid = p.prolang WHERE p.oid = " PROC,
	 "SELECT calls, total_time AS total_ms, self_time AS self_ms FROM pg_catalog.pg_stat_user_functions WHERE funcid = "
	 PROC},
	{"type", 2, "SELECT 'pg_catalog.pg_type'::regclass::oid, " TYPE,
	 "SELECT t.typname AS name, n.nspname AS schema, pg_catalog.pg_get_userbyid(t.typowner) AS owner, t.oid::text AS "
	 "oid, CASE t.typtype WHEN 'e' THEN 'enum' WHEN 'c' THEN 'composite' WHEN 'r' THEN 'range' WHEN 'm' THEN "
	 "'multirange' WHEN 'd' THEN 'domain' ELSE 'base' END AS type_kind, (SELECT string_agg(e.enumlabel, ', ' ORDER BY "
	 "e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid) AS labels, CASE WHEN t.typtype = 'd' THEN "
	 "pg_catalog.format_type(t.typbasetype, t.typtypmod) END AS base_type, t.typdefault AS default_value, CASE WHEN "
	 "t.typtype = 'd' THEN t.typnotnull END AS not_null, t.typacl::text AS privileges, "
	 "pg_catalog.obj_description(t.oid, 'pg_type') AS comment FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n "
	 "ON n.oid = t.typnamespace WHERE t.oid = " TYPE,
	 NULL},
	{"index", 3,
	 "SELECT 'pg_catalog.pg_class'::regclass::oid, i.indexrelid FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic "
	 "ON ic.oid = i.indexrelid WHERE i.indrelid = " TBL " AND ic.relname = $3",
	 "SELECT ic.relname AS name, am.amname AS method, i.indisunique AS unique, i.indisprimary AS primary, "
	 "i.indisvalid AS valid, i.indisclustered AS clustered, pg_catalog.pg_get_indexdef(i.indexrelid) AS definition, "
	 "pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS predicate, pg_catalog.pg_size_pretty("
	 "pg_catalog.pg_relation_size(i.indexrelid)) AS size, pg_catalog.obj_description(i.indexrelid, 'pg_class') AS "
	 "comment FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid JOIN pg_catalog.pg_am am "
	 "ON am.oid = ic.relam WHERE i.indrelid = " TBL " AND ic.relname = $3",
	 "SELECT s.idx_scan, s.idx_tup_read, s.idx_tup_fetch, io.idx_blks_read, io.idx_blks_hit FROM "
	 "pg_catalog.pg_stat_all_indexes s JOIN pg_catalog.pg_statio_all_indexes io ON io.indexrelid = s.indexrelid "
	 "WHERE s.relid = " TBL " AND s.indexrelname = $3"},
	{"column", 3, "SELECT 'pg_catalog.pg_class'::regclass::oid, " TBL,
	 "SELECT a.attname AS name, a.attnum AS position, pg_catalog.format_type(a.atttypid, a.atttypmod) AS data_type, "
	 "a.attnotnull AS not_null, pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS default_value, CASE a.attidentity WHEN "
	 "'a' THEN 'always' WHEN 'd' THEN 'by default' END AS identity, CASE a.attgenerated WHEN 's' THEN 'stored' END AS "
	 "generated, (SELECT collname FROM pg_catalog.pg_collation WHERE oid = a.attcollation AND a.attcollation <> 0) AS "
	 "collation, a.attstattarget AS statistics_target, a.attacl::text AS privileges, "
	 "pg_catalog.col_description(a.attrelid, a.attnum) AS comment FROM pg_catalog.pg_attribute a LEFT JOIN "
	 "pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = " TBL
	 " AND a.attname = $3",
	 "SELECT s.null_frac, s.avg_width, s.n_distinct, s.most_common_vals::text AS most_common_values, s.correlation "
	 "FROM pg_catalog.pg_stats s WHERE s.schemaname = $1 AND s.tablename = $2 AND s.attname = $3"},
	{"constraint", 3,
	 "SELECT 'pg_catalog.pg_constraint'::regclass::oid, k.oid FROM pg_catalog.pg_constraint k WHERE k.conrelid = " TBL
	 " AND k.conname = $3",
	 "SELECT k.conname AS name, CASE k.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique' WHEN 'f' THEN "
	 "'foreign key' WHEN 'c' THEN 'check' WHEN 'x' THEN 'exclusion' END AS constraint_type, "
	 "pg_catalog.pg_get_constraintdef(k.oid) AS definition, k.condeferrable AS deferrable, k.condeferred AS deferred, "
	 "k.convalidated AS validated, k.confrelid::regclass::text AS references, pg_catalog.obj_description(k.oid, "
	 "'pg_constraint') AS comment FROM pg_catalog.pg_constraint k WHERE k.conrelid = " TBL " AND k.conname = $3",
	 NULL},
	{"trigger", 3,
	 "SELECT 'pg_catalog.pg_trigger'::regclass::oid, t.oid FROM pg_catalog.pg_trigger t WHERE t.tgrelid = " TBL
	 " AND t.tgname = $3",
	 "SELECT t.tgname AS name, pg_catalog.pg_get_triggerdef(t.oid) AS definition, t.tgfoid::regproc::text AS "
	 "function, CASE t.tgenabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' ELSE "
	 "'enabled' END AS enabled, pg_catalog.obj_description(t.oid, 'pg_trigger') AS comment FROM pg_catalog.pg_trigger "
	 "t WHERE t.tgrelid = " TBL " AND t.tgname = $3",
	 NULL},
	{"foreign_table", 2, "SELECT 'pg_catalog.pg_class'::regclass::oid, " REL("'f'"),
	 REL_PROPS("'f'") ", (SELECT srvname FROM pg_catalog.pg_foreign_server WHERE oid = ft.ftserver) AS server, "
	 "array_to_string(ft.ftoptions, ', ') AS foreign_options FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace "
	 "n ON n.oid = c.relnamespace JOIN pg_catalog.pg_foreign_table ft ON ft.ftrelid = c.oid WHERE c.oid = " REL("'f'"),
	 NULL},
	{"collation", 2,
	 "SELECT 'pg_catalog.pg_collation'::regclass::oid, " COLL,
	 "SELECT o.collname AS name, $1 AS schema, pg_catalog.pg_get_userbyid(o.collowner) AS owner, o.oid::text AS oid, "
	 "CASE o.collprovider WHEN 'i' THEN 'icu' WHEN 'b' THEN 'builtin' WHEN 'd' THEN 'default' ELSE 'libc' END AS "
	 "provider, COALESCE(pg_catalog.to_jsonb(o) ->> 'colllocale', pg_catalog.to_jsonb(o) ->> 'colliculocale', "
	 "o.collcollate) AS locale, o.collcollate AS lc_collate, o.collctype AS lc_ctype, o.collisdeterministic AS "
	 "deterministic, o.collversion AS version, pg_catalog.obj_description(o.oid, 'pg_collation') AS comment FROM "
	 "pg_catalog.pg_collation o WHERE o.oid = " COLL,
	 NULL},
	{"operator", 2,
	 "SELECT 'pg_catalog.pg_operator'::regclass::oid, " OPER,
	 "SELECT o.oprname AS name, $1 AS schema, pg_catalog.pg_get_userbyid(o.oprowner) AS owner, o.oid::text AS oid, "
	 "CASE o.oprkind WHEN 'b' THEN 'infix' WHEN 'l' THEN 'prefix' ELSE 'postfix' END AS kind, "
	 "pg_catalog.format_type(NULLIF(o.oprleft, 0), NULL) AS left_type, pg_catalog.format_type(NULLIF(o.oprright, 0), "
	 "NULL) AS right_type, pg_catalog.format_type(o.oprresult, NULL) AS result_type, o.oprcode::regproc::text AS "
	 "function, NULLIF(o.oprcom, 0)::regoperator::text AS commutator, NULLIF(o.oprnegate, 0)::regoperator::text AS "
	 "negator, NULLIF(o.oprrest, 0)::regproc::text AS restrict, NULLIF(o.oprjoin, 0)::regproc::text AS join, "
	 "o.oprcanhash AS hashes, o.oprcanmerge AS merges, pg_catalog.obj_description(o.oid, 'pg_operator') AS comment "
	 "FROM pg_catalog.pg_operator o WHERE o.oid = " OPER,
	 NULL},
	{"fts_configuration", 2,
	 "SELECT 'pg_catalog.pg_ts_config'::regclass::oid, " FTS("pg_ts_config", "cfg"),
	 "SELECT o.cfgname AS name, $1 AS schema, pg_catalog.pg_get_userbyid(o.cfgowner) AS owner, o.oid::text AS oid, "
	 "(SELECT prsname FROM pg_catalog.pg_ts_parser WHERE oid = "
	 "o.cfgparser) AS parser, pg_catalog.obj_description(o.oid, 'pg_ts_config') AS comment FROM "
	 "pg_catalog.pg_ts_config o WHERE o.oid = " FTS("pg_ts_config", "cfg"),
	 NULL},
	{"fts_dictionary", 2,
	 "SELECT 'pg_catalog.pg_ts_dict'::regclass::oid, " FTS("pg_ts_dict", "dict"),
	 "SELECT o.dictname AS name, $1 AS schema, pg_catalog.pg_get_userbyid(o.dictowner) AS owner, o.oid::text AS oid, "
	 "(SELECT tmplname FROM pg_catalog.pg_ts_template WHERE oid = o.dicttemplate) AS template, o.dictinitoption AS "
	 "options, pg_catalog.obj_description(o.oid, 'pg_ts_dict') AS comment FROM pg_catalog.pg_ts_dict o WHERE o.oid = "
	 FTS("pg_ts_dict", "dict"),
	 NULL},
	{"fts_parser", 2,
	 "SELECT 'pg_catalog.pg_ts_parser'::regclass::oid, " FTS("pg_ts_parser", "prs"),
	 "SELECT o.prsname AS name, $1 AS schema, o.oid::text AS oid, o.prsstart::regproc::text AS start, "
	 "o.prstoken::regproc::text AS gettoken, o.prsend::regproc::text AS \"end\", o.prslextype::regproc::text AS "
	 "lextypes, NULLIF(o.prsheadline, 0)::regproc::text AS headline, pg_catalog.obj_description(o.oid, "
	 "'pg_ts_parser') AS comment FROM pg_catalog.pg_ts_parser o WHERE o.oid = " FTS("pg_ts_parser", "prs"),
	 NULL},
	{"fts_template", 2,
	 "SELECT 'pg_catalog.pg_ts_template'::regclass::oid, " FTS("pg_ts_template", "tmpl"),
	 "SELECT o.tmplname AS name, $1 AS schema, o.oid::text AS oid, NULLIF(o.tmplinit, 0)::regproc::text AS init, "
	 "o.tmpllexize::regproc::text AS lexize, pg_catalog.obj_description(o.oid, 'pg_ts_template') AS comment FROM "
	 "pg_catalog.pg_ts_template o WHERE o.oid = " FTS("pg_ts_template", "tmpl"),
	 NULL},
	{"cast", 1,
	 "SELECT 'pg_catalog.pg_cast'::regclass::oid, " CAST_OID,
	 "SELECT pg_catalog.format_type(o.castsource, NULL) AS source_type, pg_catalog.format_type(o.casttarget, NULL) AS "
	 "target_type, o.oid::text AS oid, NULLIF(o.castfunc, 0)::regprocedure::text AS function, CASE o.castcontext "
	 "WHEN 'e' THEN 'explicit' WHEN 'a' THEN 'assignment' ELSE 'implicit' END AS context, CASE o.castmethod WHEN 'f' "
	 "THEN 'function' WHEN 'i' THEN 'input/output' ELSE 'binary' END AS method, o.oid < 16384 AS system, "
	 "pg_catalog.obj_description(o.oid, 'pg_cast') AS comment FROM pg_catalog.pg_cast o WHERE o.oid = " CAST_OID,
	 NULL},
	{"event_trigger", 1,
	 "SELECT 'pg_catalog.pg_event_trigger'::regclass::oid, oid FROM pg_catalog.pg_event_trigger WHERE evtname = $1",
	 "SELECT o.evtname AS name, pg_catalog.pg_get_userbyid(o.evtowner) AS owner, o.oid::text AS oid, o.evtevent AS "
	 "event, o.evtfoid::regproc::text AS function, array_to_string(o.evttags, ', ') AS tags, CASE o.evtenabled WHEN "
	 "'D' THEN 'disabled' WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' ELSE 'enabled' END AS enabled, "
	 "pg_catalog.obj_description(o.oid, 'pg_event_trigger') AS comment FROM pg_catalog.pg_event_trigger o WHERE "
	 "o.evtname = $1",
	 NULL},
	{"language", 1,
	 "SELECT 'pg_catalog.pg_language'::regclass::oid, oid FROM pg_catalog.pg_language WHERE lanname = $1",
	 "SELECT o.lanname AS name, pg_catalog.pg_get_userbyid(o.lanowner) AS owner, o.oid::text AS oid, o.lanpltrusted "
	 "AS trusted, o.lanispl AS procedural, NULLIF(o.lanplcallfoid, 0)::regproc::text AS handler, NULLIF(o.laninline, "
	 "0)::regproc::text AS inline_handler, NULLIF(o.lanvalidator, 0)::regproc::text AS validator, o.lanacl::text AS "
	 "privileges, pg_catalog.obj_description(o.oid, 'pg_language') AS comment FROM pg_catalog.pg_language o WHERE "
	 "o.lanname = $1",
	 NULL},
	{"foreign_data_wrapper", 1,
	 "SELECT 'pg_catalog.pg_foreign_data_wrapper'::regclass::oid, oid FROM pg_catalog.pg_foreign_data_wrapper WHERE "
	 "fdwname = $1",
	 "SELECT o.fdwname AS name, pg_catalog.pg_get_userbyid(o.fdwowner) AS owner, o.oid::text AS oid, "
	 "NULLIF(o.fdwhandler, 0)::regproc::text AS handler, NULLIF(o.fdwvalidator, 0)::regproc::text AS validator, "
	 "array_to_string(o.fdwoptions, ', ') AS options, o.fdwacl::text AS privileges, pg_catalog.obj_description(o.oid, "
	 "'pg_foreign_data_wrapper') AS comment FROM pg_catalog.pg_foreign_data_wrapper o WHERE o.fdwname = $1",
	 NULL},
	{"foreign_server", 2,
	 "SELECT 'pg_catalog.pg_foreign_server'::regclass::oid, " SRV,
	 "SELECT o.srvname AS name, $1 AS foreign_data_wrapper, pg_catalog.pg_get_userbyid(o.srvowner) AS owner, "
	 "o.oid::text AS oid, o.srvtype AS type, o.srvversion AS version, array_to_string(o.srvoptions, ', ') AS options, "
	 "o.srvacl::text AS privileges, pg_catalog.obj_description(o.oid, 'pg_foreign_server') AS comment FROM "
	 "pg_catalog.pg_foreign_server o WHERE o.oid = " SRV,
	 NULL},
	{"user_mapping", 3,
	 "SELECT 'pg_catalog.pg_user_mapping'::regclass::oid, m.umid FROM pg_catalog.pg_user_mappings m WHERE m.srvid = "
	 SRV " AND m.usename = $3",
	 "SELECT m.usename AS user, m.srvname AS server, m.umid::text AS oid, array_to_string(m.umoptions, ', ') AS "
	 "options FROM pg_catalog.pg_user_mappings m WHERE m.srvid = " SRV " AND m.usename = $3",
	 NULL},
	{"publication", 1,
	 "SELECT 'pg_catalog.pg_publication'::regclass::oid, oid FROM pg_catalog.pg_publication WHERE pubname = $1",
	 "SELECT o.pubname AS name, pg_catalog.pg_get_userbyid(o.pubowner) AS owner, o.oid::text AS oid, o.puballtables "
	 "AS all_tables, o.pubinsert AS insert, o.pubupdate AS update, o.pubdelete AS delete, o.pubtruncate AS truncate, "
	 "o.pubviaroot AS via_partition_root, (SELECT count(*) FROM pg_catalog.pg_publication_tables t WHERE t.pubname = "
	 "o.pubname) AS tables, pg_catalog.obj_description(o.oid, 'pg_publication') AS comment FROM "
	 "pg_catalog.pg_publication o WHERE o.pubname = $1",
	 NULL},
	{"subscription", 1,
	 "SELECT 'pg_catalog.pg_subscription'::regclass::oid, oid FROM pg_catalog.pg_subscription WHERE subname = $1 AND "
	 "subdbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())",
	 /* pg_stat_subscription is readable by anyone; pg_subscription's connection string only by superusers */
	 "SELECT s.subname AS name, s.oid::text AS oid, s.subenabled AS enabled, array_to_string(s.subpublications, ', ') "
	 "AS publications, s.subslotname AS slot_name, s.subsynccommit AS synchronous_commit, "
	 "pg_catalog.pg_get_userbyid(s.subowner) AS owner, pg_catalog.obj_description(s.oid, 'pg_subscription') AS "
	 "comment FROM pg_catalog.pg_subscription s WHERE s.subname = $1 AND s.subdbid = (SELECT oid FROM "
	 "pg_catalog.pg_database WHERE datname = pg_catalog.current_database())",
	 NULL},
	{"rule", 3,
	 "SELECT 'pg_catalog.pg_rewrite'::regclass::oid, r.oid FROM pg_catalog.pg_rewrite r WHERE r.ev_class = " TBL
	 " AND r.rulename = $3",
	 "SELECT r.rulename AS name, r.oid::text AS oid, CASE r.ev_type WHEN '1' THEN 'SELECT' WHEN '2' THEN 'UPDATE' "
	 "WHEN '3' THEN 'INSERT' ELSE 'DELETE' END AS event, r.is_instead AS instead, CASE r.ev_enabled WHEN 'D' THEN "
	 "'disabled' WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' ELSE 'enabled' END AS enabled, "
	 "pg_catalog.pg_get_ruledef(r.oid) AS definition, pg_catalog.obj_description(r.oid, 'pg_rewrite') AS comment "
	 "FROM pg_catalog.pg_rewrite r WHERE r.ev_class = " TBL " AND r.rulename = $3",
	 NULL},
	{"statistics", 3,
	 "SELECT 'pg_catalog.pg_statistic_ext'::regclass::oid, s.oid FROM pg_catalog.pg_statistic_ext s WHERE s.stxrelid = "
	 TBL " AND s.stxname = $3",
	 "SELECT s.stxname AS name, (SELECT nspname FROM pg_catalog.pg_namespace WHERE oid = s.stxnamespace) AS schema, "
	 "pg_catalog.pg_get_userbyid(s.stxowner) AS owner, s.oid::text AS oid, array_to_string(ARRAY(SELECT CASE k WHEN "
	 "'d' THEN 'ndistinct' WHEN 'f' THEN 'dependencies' WHEN 'm' THEN 'mcv' WHEN 'e' THEN 'expressions' END FROM "
	 "unnest(s.stxkind) k), ', ') AS kinds, (SELECT string_agg(a.attname, ', ' ORDER BY a.attnum) FROM "
	 "pg_catalog.pg_attribute a WHERE a.attrelid = s.stxrelid AND a.attnum = ANY (s.stxkeys)) AS columns, "
	 "pg_catalog.obj_description(s.oid, 'pg_statistic_ext') AS comment FROM pg_catalog.pg_statistic_ext s WHERE "
	 "s.stxrelid = " TBL " AND s.stxname = $3",
	 NULL},
	{"domain_constraint", 3,
	 "SELECT 'pg_catalog.pg_constraint'::regclass::oid, k.oid FROM pg_catalog.pg_constraint k WHERE k.contypid = "
	 TYPE " AND k.conname = $3",
	 "SELECT k.conname AS name, k.oid::text AS oid, pg_catalog.pg_get_constraintdef(k.oid) AS definition, "
	 "k.convalidated AS validated, pg_catalog.obj_description(k.oid, 'pg_constraint') AS comment FROM "
	 "pg_catalog.pg_constraint k WHERE k.contypid = " TYPE " AND k.conname = $3",
	 NULL},
	{"policy", 3,
	 "SELECT 'pg_catalog.pg_policy'::regclass::oid, p.oid FROM pg_catalog.pg_policy p WHERE p.polrelid = " TBL
	 " AND p.polname = $3",
	 "SELECT p.policyname AS name, p.permissive, p.cmd AS command, array_to_string(p.roles, ', ') AS roles, p.qual AS "
	 "using_expression, p.with_check AS check_expression FROM pg_catalog.pg_policies p WHERE p.schemaname = $1 AND "
	 "p.tablename = $2 AND p.policyname = $3",
	 NULL},
};

static const struct props_kind *find(const char *kind)
{
	static const struct {
		const char *alias, *kind;
	} aliases[] = {{"procedure", "function"}, {"trigger_function", "function"}, {"aggregate", "function"},
		       {"domain", "type"}, {"login_role", "role"}, {"group_role", "role"}};
	for (size_t i = 0; i < sizeof(aliases) / sizeof(*aliases); i++)
		if (strcmp(kind, aliases[i].alias) == 0)
			kind = aliases[i].kind;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return &kinds[i];
	return NULL;
}

const char *catalog_props_query(const char *kind, enum catalog_facet facet, int *nparams)
{
	const struct props_kind *k = find(kind);
	if (!k)
		return NULL;
	*nparams = k->nparams;
	switch (facet) {
	case CATALOG_PROPERTIES:
		return k->props_sql;
	case CATALOG_STATISTICS:
		return k->stats_sql;
	case CATALOG_IDENTITY:
		return k->oid_sql;
	}
	return NULL;
}
