/* Object kinds, one row each: functions, procedures, aggregates and operators. Each kind's listing, its
 * queries and its DDL come first; the rows at the end tie them together. */
#include "catalog/kinds.h"

/* ---- function ---- */

static const catalog_listing function_list = LISTING(
    "functions", "Functions", CATALOG_AT_SCHEMA,
    PROC_LIST("p.prokind IN ('f', 'w') AND p.prorettype <> 'pg_catalog.trigger'::regtype "
	      "AND p.prorettype <> 'pg_catalog.event_trigger'::regtype"),
    NULL, "pg_proc",
    COLUMNS(OWNER("proowner"), {"returns", "pg_catalog.pg_get_function_result(x.oid)"}, LANGUAGE, COMMENT("pg_proc")),
    NULL, false);

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
    "SELECT calls, total_time AS total_ms, self_time AS self_ms FROM pg_catalog.pg_stat_user_functions WHERE funcid = " PROC;

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
    GRANTS("CASE o.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END", "'f'",
	   "format('%I.%I(%s)', $1, "
	   "o.proname, pg_catalog.pg_get_function_identity_arguments(o.oid))",
	   "pg_catalog.pg_proc o WHERE o.oid = " PROC, "proacl", "proowner", "pg_proc"),
    NULL,
};

static const char *const function_privileges[] = {"EXECUTE", NULL};

/* ---- procedure ---- */

static const catalog_listing procedure_list =
    LISTING("procedures", "Procedures", CATALOG_AT_SCHEMA, PROC_LIST("p.prokind = 'p'"), NULL, "pg_proc",
	    COLUMNS(OWNER("proowner"), LANGUAGE, COMMENT("pg_proc")), NULL, false);

static const char *const procedure_privileges[] = {"EXECUTE", NULL};

/* ---- trigger_function ---- */

static const catalog_listing trigger_function_list =
    LISTING("trigger_functions", "Trigger Functions", CATALOG_AT_SCHEMA,
	    PROC_LIST("p.prokind = 'f' AND p.prorettype IN ('pg_catalog.trigger'::regtype, "
		      "'pg_catalog.event_trigger'::regtype)"),
	    NULL, "pg_proc", COLUMNS(OWNER("proowner"), LANGUAGE, COMMENT("pg_proc")), NULL, false);

/* ---- aggregate ---- */

static const catalog_listing aggregate_list =
    LISTING("aggregates", "Aggregates", CATALOG_AT_SCHEMA, PROC_LIST("p.prokind = 'a'"), NULL, "pg_proc",
	    OWNED("pg_proc", "proowner"), NULL, false);

static const char *const aggregate_sql[] = {
    "SELECT format(E'CREATE AGGREGATE %I.%I(%s) (\\n    SFUNC = %s,\\n    STYPE = %s', $1, p.proname, " AGG_ARGS
    ", a.aggtransfn::pg_catalog.regproc, pg_catalog.format_type(a.aggtranstype, NULL)) "
    "|| COALESCE(E',\\n    SSPACE = ' || NULLIF(a.aggtransspace, 0), '') "
    "|| COALESCE(E',\\n    FINALFUNC = ' || " FN(
	"a.aggfinalfn") ", '') "
			"|| CASE WHEN a.aggfinalextra THEN E',\\n    FINALFUNC_EXTRA' ELSE '' END "
			"|| CASE WHEN a.aggfinalmodify <> CASE a.aggkind WHEN 'n' THEN 'r' ELSE 'w' END THEN "
			"E',\\n    FINALFUNC_MODIFY = ' || CASE a.aggfinalmodify WHEN 'r' THEN 'READ_ONLY' WHEN 's' THEN 'SHAREABLE' "
			"ELSE 'READ_WRITE' END ELSE '' END "
			"|| COALESCE(E',\\n    COMBINEFUNC = ' || " FN(
			    "a.aggcombinefn") ", '') "
					      "|| COALESCE(E',\\n    SERIALFUNC = ' || " FN(
						  "a.aggserialfn") ", '') "
								   "|| COALESCE(E',\\n    DESERIALFUNC = ' || " FN(
								       "a.aggdeserialfn") ", '') "
											  "|| COALESCE(E',\\n    INITCOND = ' || quote_literal(a.agginitval), '') "
											  "|| COALESCE(E',\\n    MSFUNC = ' || " FN("a.aggmtransfn") " || E',\\n    MINVFUNC = ' || " FN(
											      "a.aggminvtransfn") " || E',\\n    MSTYPE = ' || pg_catalog.format_type(NULLIF(a.aggmtranstype, 0), NULL), '') "
														  "|| COALESCE(E',\\n    MSSPACE = ' || NULLIF(a.aggmtransspace, 0), '') "
														  "|| COALESCE(E',\\n    MFINALFUNC = ' || " FN(
														      "a.aggmfinalfn") ", '') "
																       "|| CASE WHEN a.aggmfinalextra THEN E',\\n    MFINALFUNC_EXTRA' ELSE '' END "
																       "|| CASE WHEN a.aggmtransfn <> 0 AND a.aggmfinalmodify <> CASE a.aggkind WHEN 'n' THEN 'r' ELSE 'w' END THEN "
																       "E',\\n    MFINALFUNC_MODIFY = ' || CASE a.aggmfinalmodify WHEN 'r' THEN 'READ_ONLY' WHEN 's' THEN 'SHAREABLE' "
																       "ELSE 'READ_WRITE' END ELSE '' END "
																       "|| COALESCE(E',\\n    MINITCOND = ' || quote_literal(a.aggminitval), '') "
																       "|| COALESCE(E',\\n    SORTOP = ' || " OPREF(
																	   "NULLIF(a.aggsortop, 0)") ", '') "
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

static const catalog_listing operator_list =
    LISTING("operators", "Operators", CATALOG_AT_SCHEMA,
	    "SELECT " OPER_NAME("") ", " OPER_NAME(
		" ") ", o.oprcode = 0, o.oid FROM pg_catalog.pg_operator o "
		     "JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace WHERE n.nspname = $1",
	    NULL, "pg_operator", OWNED("pg_operator", "oprowner"), NULL, false);

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
    "|| COALESCE(E',\\n    COMMUTATOR = ' || " OPREF(
	"NULLIF(o.oprcom, 0)") ", '') "
			       "|| COALESCE(E',\\n    NEGATOR = ' || " OPREF(
				   "NULLIF(o.oprnegate, 0)") ", '') "
							     "|| COALESCE(E',\\n    RESTRICT = ' || " FN(
								 "o.oprrest") ", '') "
									      "|| COALESCE(E',\\n    JOIN = ' || " FN(
										  "o.oprjoin") ", '') "
											       "|| CASE WHEN o.oprcanhash THEN E',\\n    HASHES' ELSE '' END "
											       "|| CASE WHEN o.oprcanmerge THEN E',\\n    MERGES' ELSE '' END || E'\\n);' FROM " OPER_FROM,
    OBJ_OWNER("OPERATOR", OPER_WHAT, OPER_FROM, "oprowner"),
    OBJ_COMMENT("OPERATOR", OPER_WHAT, OPER_FROM, "pg_operator"),
    NULL,
};

/* ---- operator_class, operator_family ---- */

/* Named "name (method)": the same name may serve several index methods. */
#define OPC_NAME "o.opcname || ' (' || am.amname || ')'"
#define OPF_NAME "o.opfname || ' (' || am.amname || ')'"

#define OPC                                                                                                            \
	"(SELECT o.oid FROM pg_catalog.pg_opclass o JOIN pg_catalog.pg_namespace n ON n.oid = o.opcnamespace JOIN "    \
	"pg_catalog.pg_am am ON am.oid = o.opcmethod WHERE n.nspname = $1 AND " OPC_NAME " = $2)"

#define OPF                                                                                                            \
	"(SELECT o.oid FROM pg_catalog.pg_opfamily o JOIN pg_catalog.pg_namespace n ON n.oid = o.opfnamespace JOIN "   \
	"pg_catalog.pg_am am ON am.oid = o.opfmethod WHERE n.nspname = $1 AND " OPF_NAME " = $2)"

static const catalog_listing operator_class_list = LISTING(
    "operator_classes", "Operator Classes", CATALOG_AT_SCHEMA,
    "SELECT " OPC_NAME ", " OPC_NAME ", " EXTENSION_MEMBER(
	"o.oid",
	"pg_opclass") ", o.oid FROM "
		      "pg_catalog.pg_opclass o JOIN pg_catalog.pg_namespace n ON n.oid = o.opcnamespace JOIN pg_catalog.pg_am am ON "
		      "am.oid = o.opcmethod WHERE n.nspname = $1",
    NULL, "pg_opclass", OWNED("pg_opclass", "opcowner"), NULL, false);

static const char operator_class_props[] =
    "SELECT o.opcname AS name, $1 AS schema, pg_catalog.pg_get_userbyid(o.opcowner) AS owner, o.oid::text AS oid, "
    "am.amname AS method, pg_catalog.format_type(o.opcintype, NULL) AS type, o.opcdefault AS \"default\", "
    "(SELECT format('%I.%I', fn.nspname, f.opfname) FROM pg_catalog.pg_opfamily f JOIN pg_catalog.pg_namespace fn "
    "ON fn.oid = f.opfnamespace WHERE f.oid = o.opcfamily) AS family, pg_catalog.format_type(NULLIF(o.opckeytype, "
    "0), NULL) AS storage, pg_catalog.obj_description(o.oid, 'pg_opclass') AS comment FROM pg_catalog.pg_opclass o "
    "JOIN pg_catalog.pg_am am ON am.oid = o.opcmethod WHERE o.oid = " OPC;

/* The operators and support functions bound to a class or family K (of
 * catalog CAT) by pg_depend: a class's own, or a family's loose ones. */
#define OPCLASS_ITEMS(k, cat)                                                                                          \
	"SELECT 1 AS g, ao.amopstrategy AS n, format('OPERATOR %s %s%s', ao.amopstrategy, "                            \
	"ao.amopopr::pg_catalog.regoperator, CASE WHEN ao.amoppurpose = 'o' THEN ' FOR ORDER BY ' || (SELECT "         \
	"format('%I.%I', sn.nspname, sf.opfname) FROM pg_catalog.pg_opfamily sf JOIN pg_catalog.pg_namespace sn ON "   \
	"sn.oid = sf.opfnamespace WHERE sf.oid = ao.amopsortfamily) ELSE '' END) AS item FROM pg_catalog.pg_amop ao "  \
	"JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_amop'::pg_catalog.regclass AND d.objid = ao.oid "   \
	"WHERE d.refclassid = 'pg_catalog." cat "'::pg_catalog.regclass AND d.refobjid = " k " UNION ALL "             \
	"SELECT 2, ap.amprocnum, format('FUNCTION %s (%s, %s) %s', ap.amprocnum, "                                     \
	"pg_catalog.format_type(ap.amproclefttype, NULL), pg_catalog.format_type(ap.amprocrighttype, NULL), "          \
	"ap.amproc::pg_catalog.regprocedure) FROM pg_catalog.pg_amproc ap JOIN pg_catalog.pg_depend d ON "             \
	"d.classid = 'pg_catalog.pg_amproc'::pg_catalog.regclass AND d.objid = ap.oid WHERE d.refclassid = "           \
	"'pg_catalog." cat "'::pg_catalog.regclass AND d.refobjid = " k

#define OPC_FROM "pg_catalog.pg_opclass o WHERE o.oid = " OPC
#define OPC_WHAT                                                                                                       \
	"format('%I.%I USING %I', $1, o.opcname, (SELECT amname FROM pg_catalog.pg_am WHERE oid = o.opcmethod))"

static const char *const operator_class_sql[] = {
    "SELECT format(E'CREATE OPERATOR CLASS %I.%I%s FOR TYPE %s USING %I%s AS\n    %s;', $1, o.opcname, CASE WHEN "
    "o.opcdefault THEN ' DEFAULT' ELSE '' END, pg_catalog.format_type(o.opcintype, NULL), am.amname, CASE WHEN "
    "f.opfname <> o.opcname OR f.opfnamespace <> o.opcnamespace THEN format(' FAMILY %I.%I', fn.nspname, f.opfname) "
    "ELSE '' END, array_to_string(array_remove(ARRAY[(SELECT string_agg(i.item, E',\n    ' ORDER BY i.g, i.n) FROM (" OPCLASS_ITEMS(
	"o.oid",
	"pg_opclass") ") i), CASE WHEN o.opckeytype <> 0 THEN 'STORAGE ' || "
		      "pg_catalog.format_type(o.opckeytype, NULL) END], NULL), E',\n    ')) FROM pg_catalog.pg_opclass o JOIN "
		      "pg_catalog.pg_am am ON am.oid = o.opcmethod JOIN pg_catalog.pg_opfamily f ON f.oid = o.opcfamily JOIN "
		      "pg_catalog.pg_namespace fn ON fn.oid = f.opfnamespace WHERE o.oid = " OPC,
    OBJ_OWNER("OPERATOR CLASS", OPC_WHAT, OPC_FROM, "opcowner"),
    OBJ_COMMENT("OPERATOR CLASS", OPC_WHAT, OPC_FROM, "pg_opclass"),
    NULL,
};

static const catalog_listing operator_family_list = LISTING(
    "operator_families", "Operator Families", CATALOG_AT_SCHEMA,
    "SELECT " OPF_NAME ", " OPF_NAME ", " EXTENSION_MEMBER(
	"o.oid",
	"pg_opfamily") ", o.oid FROM "
		       "pg_catalog.pg_opfamily o JOIN pg_catalog.pg_namespace n ON n.oid = o.opfnamespace JOIN pg_catalog.pg_am am ON "
		       "am.oid = o.opfmethod WHERE n.nspname = $1",
    NULL, "pg_opfamily", OWNED("pg_opfamily", "opfowner"), NULL, false);

static const char operator_family_props[] =
    "SELECT o.opfname AS name, $1 AS schema, pg_catalog.pg_get_userbyid(o.opfowner) AS owner, o.oid::text AS oid, "
    "am.amname AS method, (SELECT string_agg(format('%I.%I', cn.nspname, c.opcname), ', ' ORDER BY c.opcname) FROM "
    "pg_catalog.pg_opclass c JOIN pg_catalog.pg_namespace cn ON cn.oid = c.opcnamespace WHERE c.opcfamily = o.oid) "
    "AS classes, pg_catalog.obj_description(o.oid, 'pg_opfamily') AS comment FROM pg_catalog.pg_opfamily o JOIN "
    "pg_catalog.pg_am am ON am.oid = o.opfmethod WHERE o.oid = " OPF;

#define OPF_FROM "pg_catalog.pg_opfamily o WHERE o.oid = " OPF
#define OPF_WHAT                                                                                                       \
	"format('%I.%I USING %I', $1, o.opfname, (SELECT amname FROM pg_catalog.pg_am WHERE oid = o.opfmethod))"

/* the family, then its loose members (those no class of it brought), as pg_dump writes them */
static const char *const operator_family_sql[] = {
    "SELECT format('CREATE OPERATOR FAMILY %s;', " OPF_WHAT ") FROM " OPF_FROM,
    "SELECT format(E'ALTER OPERATOR FAMILY %s ADD\n    %s;', " OPF_WHAT ", (SELECT string_agg(i.item, E',\n    ' "
    "ORDER BY i.g, i.n) FROM (" OPCLASS_ITEMS("o.oid", "pg_opfamily") ") i)) FROM " OPF_FROM " AND EXISTS (SELECT "
								      "FROM (" OPCLASS_ITEMS("o.oid",
											     "pg_opfamily") ") i)",
    OBJ_OWNER("OPERATOR FAMILY", OPF_WHAT, OPF_FROM, "opfowner"),
    OBJ_COMMENT("OPERATOR FAMILY", OPF_WHAT, OPF_FROM, "pg_opfamily"),
    NULL,
};

/* kind, icon, listing, second listing, children, parameters, identity, properties, statistics,
 * DDL, DDL by version, search: order, query, parent; statements: address type, keyword, form,
 * what PostgreSQL has, article; GRANT keyword, privileges */
const catalog_kind catalog_routine_kinds[] = {
    KIND("function", "function", &function_list, NULL, NULL, 2, "SELECT 'pg_catalog.pg_proc'::regclass::oid, " PROC,
	 function_props, function_stats, function_sql, NULL, 5, function_search, NULL, "function", "FUNCTION", ROUTINE,
	 SCHEMA_OBJECT, "a", "FUNCTION", function_privileges),
    KIND("procedure", "procedure", &procedure_list, NULL, NULL, 2, "SELECT 'pg_catalog.pg_proc'::regclass::oid, " PROC,
	 function_props, function_stats, function_sql, NULL, 0, NULL, NULL, "procedure", "PROCEDURE", ROUTINE,
	 SCHEMA_OBJECT, "a", "PROCEDURE", procedure_privileges),
    KIND("trigger_function", "trigger_function", &trigger_function_list, NULL, NULL, 2,
	 "SELECT 'pg_catalog.pg_proc'::regclass::oid, " PROC, function_props, function_stats, function_sql, NULL, 0,
	 NULL, NULL, NULL, NULL, NAMED, 0, NULL, NULL, NULL),
    KIND("aggregate", "aggregate", &aggregate_list, NULL, NULL, 2, "SELECT 'pg_catalog.pg_proc'::regclass::oid, " PROC,
	 function_props, function_stats, aggregate_sql, NULL, 0, NULL, NULL, "aggregate", "AGGREGATE", AGGREGATE,
	 SCHEMA_OBJECT, "an", NULL, NULL),
    KIND("operator", "operator", &operator_list, NULL, NULL, 2, "SELECT 'pg_catalog.pg_operator'::regclass::oid, " OPER,
	 operator_props, NULL, operator_sql, NULL, 0, NULL, NULL, "operator", "OPERATOR", OPERATOR,
	 SCHEMA_OBJECT & ~CAN_RENAME, "an", NULL, NULL),
    KIND("operator_class", "operator", &operator_class_list, NULL, NULL, 2,
	 "SELECT 'pg_catalog.pg_opclass'::regclass::oid, " OPC, operator_class_props, NULL, operator_class_sql, NULL, 0,
	 NULL, NULL, "operator class", "OPERATOR CLASS", USING_METHOD, SCHEMA_OBJECT, "an", NULL, NULL),
    KIND("operator_family", "operator", &operator_family_list, NULL, NULL, 2,
	 "SELECT 'pg_catalog.pg_opfamily'::regclass::oid, " OPF, operator_family_props, NULL, operator_family_sql, NULL,
	 0, NULL, NULL, "operator family", "OPERATOR FAMILY", USING_METHOD, SCHEMA_OBJECT, "an", NULL, NULL),
    {0},
};
