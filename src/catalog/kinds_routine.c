/* Object kinds, one row each: functions, procedures, aggregates and operators. Each kind's listing, its
 * queries and its DDL come first; the rows at the end tie them together. */
#include "catalog/kinds.h"

/* ---- function ---- */

static const catalog_listing function_list = LISTING("functions", "Functions", CATALOG_AT_SCHEMA, PROC_LIST("p.prokind IN ('f', 'w') AND p.prorettype <> 'pg_catalog.trigger'::regtype "
		   "AND p.prorettype <> 'pg_catalog.event_trigger'::regtype"), NULL, "pg_proc", COLUMNS(OWNER("proowner"), {"returns", "pg_catalog.pg_get_function_result(x.oid)"}, LANGUAGE,
		 COMMENT("pg_proc")), NULL, false);

static const char function_props[] =
	"SELECT p.proname AS name, n.nspname AS schema, pg_catalog.pg_get_userbyid(p.proowner) AS owner, p.oid::text "
	 "AS oid, pg_catalog.pg_get_function_arguments(p.oid) AS arguments, pg_catalog.pg_get_function_result(p.oid) AS "
	 "returns, l.lanname AS language, CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE "
	 "'volatile' END AS volatility, p.prosecdef AS security_definer, p.proisstrict AS strict, CASE p.proparallel WHEN "
	 "'s' THEN 'safe' WHEN 'r' THEN 'restricted' ELSE 'unsafe' END AS parallel, p.procost AS cost, p.prorows AS rows, "
	 "p.proleakproof AS leakproof, array_to_string(p.proconfig, ', ') AS settings, p.proacl::text AS privileges, "
	 "pg_catalog.obj_description(p.oid, 'pg_proc') AS comment FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace "
	 "n ON n.oid = p.pronamespace JOIN pg_catalog.pg_language l ON l.oid = p.prolang WHERE p.oid = " PROC;

static const char function_stats[] =
	"SELECT calls, total_time AS total_ms, self_time AS self_ms FROM pg_catalog.pg_stat_user_functions WHERE funcid = "
	 PROC;

static const char function_search[] =
	"SELECT n.nspname, p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', NULL, "
	 "p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')' FROM pg_catalog.pg_proc p "
	 "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind IN ('f', 'w') AND p.prorettype NOT IN "
	 "('pg_catalog.trigger'::regtype, 'pg_catalog.event_trigger'::regtype) AND p.proname ILIKE $1";

static const char *const function_sql[] = {
	"SELECT rtrim(pg_catalog.pg_get_functiondef(" PROC "), E'\\n') || ';'",
	"SELECT format('ALTER %s %I.%s OWNER TO %I;', CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, $1, "
	"format('%I', p.proname) || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', "
	"pg_catalog.pg_get_userbyid(p.proowner)) FROM pg_catalog.pg_proc p WHERE p.oid = " PROC,
	"SELECT format('COMMENT ON %s %I.%s IS %L;', CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, $1, "
	"format('%I', p.proname) || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', d) FROM "
	"pg_catalog.pg_proc p, pg_catalog.obj_description(p.oid, 'pg_proc') d WHERE p.oid = " PROC " AND d IS NOT NULL",
	GRANTS("CASE o.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END", "'f'", "format('%I.%I(%s)', $1, "
	       "o.proname, pg_catalog.pg_get_function_identity_arguments(o.oid))",
	       "pg_catalog.pg_proc o WHERE o.oid = " PROC, "proacl", "proowner", "pg_proc"),
	NULL,
};

static const char *const function_privileges[] = {"EXECUTE", NULL};

/* ---- procedure ---- */

static const catalog_listing procedure_list = LISTING("procedures", "Procedures", CATALOG_AT_SCHEMA, PROC_LIST("p.prokind = 'p'"), NULL, "pg_proc", COLUMNS(OWNER("proowner"), LANGUAGE, COMMENT("pg_proc")), NULL, false);

static const char *const procedure_privileges[] = {"EXECUTE", NULL};

/* ---- trigger_function ---- */

static const catalog_listing trigger_function_list = LISTING("trigger_functions", "Trigger Functions", CATALOG_AT_SCHEMA, PROC_LIST("p.prokind = 'f' AND p.prorettype IN ('pg_catalog.trigger'::regtype, "
		   "'pg_catalog.event_trigger'::regtype)"), NULL, "pg_proc", COLUMNS(OWNER("proowner"), LANGUAGE, COMMENT("pg_proc")), NULL, false);

/* ---- aggregate ---- */

static const catalog_listing aggregate_list = LISTING("aggregates", "Aggregates", CATALOG_AT_SCHEMA, PROC_LIST("p.prokind = 'a'"), NULL, "pg_proc", OWNED("pg_proc", "proowner"), NULL, false);

static const char *const aggregate_sql[] = {
	"SELECT format(E'CREATE AGGREGATE %I.%I(%s) (\\n    SFUNC = %s,\\n    STYPE = %s', $1, p.proname, " AGG_ARGS
	", a.aggtransfn::pg_catalog.regproc, pg_catalog.format_type(a.aggtranstype, NULL)) "
	"|| COALESCE(E',\\n    SSPACE = ' || NULLIF(a.aggtransspace, 0), '') "
	"|| COALESCE(E',\\n    FINALFUNC = ' || " FN("a.aggfinalfn") ", '') "
	"|| CASE WHEN a.aggfinalextra THEN E',\\n    FINALFUNC_EXTRA' ELSE '' END "
	"|| CASE WHEN a.aggfinalmodify <> CASE a.aggkind WHEN 'n' THEN 'r' ELSE 'w' END THEN "
	"E',\\n    FINALFUNC_MODIFY = ' || CASE a.aggfinalmodify WHEN 'r' THEN 'READ_ONLY' WHEN 's' THEN 'SHAREABLE' "
	"ELSE 'READ_WRITE' END ELSE '' END "
	"|| COALESCE(E',\\n    COMBINEFUNC = ' || " FN("a.aggcombinefn") ", '') "
	"|| COALESCE(E',\\n    SERIALFUNC = ' || " FN("a.aggserialfn") ", '') "
	"|| COALESCE(E',\\n    DESERIALFUNC = ' || " FN("a.aggdeserialfn") ", '') "
	"|| COALESCE(E',\\n    INITCOND = ' || quote_literal(a.agginitval), '') "
	"|| COALESCE(E',\\n    MSFUNC = ' || " FN("a.aggmtransfn") " || E',\\n    MINVFUNC = ' || " FN("a.aggminvtransfn")
	" || E',\\n    MSTYPE = ' || pg_catalog.format_type(NULLIF(a.aggmtranstype, 0), NULL), '') "
	"|| COALESCE(E',\\n    MSSPACE = ' || NULLIF(a.aggmtransspace, 0), '') "
	"|| COALESCE(E',\\n    MFINALFUNC = ' || " FN("a.aggmfinalfn") ", '') "
	"|| CASE WHEN a.aggmfinalextra THEN E',\\n    MFINALFUNC_EXTRA' ELSE '' END "
	"|| CASE WHEN a.aggmtransfn <> 0 AND a.aggmfinalmodify <> CASE a.aggkind WHEN 'n' THEN 'r' ELSE 'w' END THEN "
	"E',\\n    MFINALFUNC_MODIFY = ' || CASE a.aggmfinalmodify WHEN 'r' THEN 'READ_ONLY' WHEN 's' THEN 'SHAREABLE' "
	"ELSE 'READ_WRITE' END ELSE '' END "
	"|| COALESCE(E',\\n    MINITCOND = ' || quote_literal(a.aggminitval), '') "
	"|| COALESCE(E',\\n    SORTOP = ' || " OPREF("NULLIF(a.aggsortop, 0)") ", '') "
	"|| CASE p.proparallel WHEN 's' THEN E',\\n    PARALLEL = SAFE' WHEN 'r' THEN E',\\n    PARALLEL = RESTRICTED' "
	"ELSE '' END "
	"|| CASE WHEN a.aggkind = 'h' THEN E',\\n    HYPOTHETICAL' ELSE '' END || E'\\n);' "
	"FROM pg_catalog.pg_aggregate a JOIN pg_catalog.pg_proc p ON p.oid = a.aggfnoid WHERE p.oid = " PROC,
	OBJ_OWNER("AGGREGATE", AGG_WHAT, AGG_FROM, "proowner"),
	OBJ_COMMENT("AGGREGATE", AGG_WHAT, AGG_FROM, "pg_proc"),
	GRANTS("'FUNCTION'", "'f'", AGG_WHAT, AGG_FROM, "proacl", "proowner", "pg_proc"),
	NULL,
};

/* ---- operator ---- */

static const catalog_listing operator_list = LISTING("operators", "Operators", CATALOG_AT_SCHEMA, "SELECT " OPER_NAME("") ", " OPER_NAME(" ") ", false, o.oid FROM pg_catalog.pg_operator o "
	 "JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace WHERE n.nspname = $1", NULL, "pg_operator", OWNED("pg_operator", "oprowner"), NULL, false);

static const char operator_props[] =
	"SELECT o.oprname AS name, $1 AS schema, pg_catalog.pg_get_userbyid(o.oprowner) AS owner, o.oid::text AS oid, "
	 "CASE o.oprkind WHEN 'b' THEN 'infix' WHEN 'l' THEN 'prefix' ELSE 'postfix' END AS kind, "
	 "pg_catalog.format_type(NULLIF(o.oprleft, 0), NULL) AS left_type, pg_catalog.format_type(NULLIF(o.oprright, 0), "
	 "NULL) AS right_type, pg_catalog.format_type(o.oprresult, NULL) AS result_type, o.oprcode::regproc::text AS "
	 "function, NULLIF(o.oprcom, 0)::regoperator::text AS commutator, NULLIF(o.oprnegate, 0)::regoperator::text AS "
	 "negator, NULLIF(o.oprrest, 0)::regproc::text AS restrict, NULLIF(o.oprjoin, 0)::regproc::text AS join, "
	 "o.oprcanhash AS hashes, o.oprcanmerge AS merges, pg_catalog.obj_description(o.oid, 'pg_operator') AS comment "
	 "FROM pg_catalog.pg_operator o WHERE o.oid = " OPER;

static const char *const operator_sql[] = {
	"SELECT format(E'CREATE OPERATOR %I.%s (\\n    FUNCTION = %s', $1, o.oprname, o.oprcode::pg_catalog.regproc) "
	"|| COALESCE(E',\\n    LEFTARG = ' || pg_catalog.format_type(NULLIF(o.oprleft, 0), NULL), '') "
	"|| E',\\n    RIGHTARG = ' || pg_catalog.format_type(o.oprright, NULL) "
	"|| COALESCE(E',\\n    COMMUTATOR = ' || " OPREF("NULLIF(o.oprcom, 0)") ", '') "
	"|| COALESCE(E',\\n    NEGATOR = ' || " OPREF("NULLIF(o.oprnegate, 0)") ", '') "
	"|| COALESCE(E',\\n    RESTRICT = ' || " FN("o.oprrest") ", '') "
	"|| COALESCE(E',\\n    JOIN = ' || " FN("o.oprjoin") ", '') "
	"|| CASE WHEN o.oprcanhash THEN E',\\n    HASHES' ELSE '' END "
	"|| CASE WHEN o.oprcanmerge THEN E',\\n    MERGES' ELSE '' END || E'\\n);' FROM " OPER_FROM,
	OBJ_OWNER("OPERATOR", OPER_WHAT, OPER_FROM, "oprowner"),
	OBJ_COMMENT("OPERATOR", OPER_WHAT, OPER_FROM, "pg_operator"),
	NULL,
};

/* kind, icon, listing, second listing, children, parameters, identity, properties, statistics,
 * DDL, DDL by version, search: order, query, parent; statements: address type, keyword, form,
 * what PostgreSQL has, article; GRANT keyword, privileges */
const catalog_kind catalog_routine_kinds[] = {
	KIND("function", "function", &function_list, NULL, NULL, 2, "SELECT 'pg_catalog.pg_proc'::regclass::oid, " PROC, function_props, function_stats, function_sql, NULL, 5, function_search, NULL, "function", "FUNCTION", ROUTINE, SCHEMA_OBJECT, "a", "FUNCTION", function_privileges),
	KIND("procedure", "procedure", &procedure_list, NULL, NULL, 2, "SELECT 'pg_catalog.pg_proc'::regclass::oid, " PROC, function_props, function_stats, function_sql, NULL, 0, NULL, NULL, "procedure", "PROCEDURE", ROUTINE, SCHEMA_OBJECT, "a", "PROCEDURE", procedure_privileges),
	KIND("trigger_function", "trigger_function", &trigger_function_list, NULL, NULL, 2, "SELECT 'pg_catalog.pg_proc'::regclass::oid, " PROC, function_props, function_stats, function_sql, NULL, 0, NULL, NULL, NULL, NULL, NAMED, 0, NULL, NULL, NULL),
	KIND("aggregate", "aggregate", &aggregate_list, NULL, NULL, 2, "SELECT 'pg_catalog.pg_proc'::regclass::oid, " PROC, function_props, function_stats, aggregate_sql, NULL, 0, NULL, NULL, "aggregate", "AGGREGATE", AGGREGATE, SCHEMA_OBJECT, "an", NULL, NULL),
	KIND("operator", "operator", &operator_list, NULL, NULL, 2, "SELECT 'pg_catalog.pg_operator'::regclass::oid, " OPER, operator_props, NULL, operator_sql, NULL, 0, NULL, NULL, "operator", "OPERATOR", OPERATOR, SCHEMA_OBJECT & ~CAN_RENAME, "an", NULL, NULL),
	{0},
};
