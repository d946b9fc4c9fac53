/* Object kinds as data: where each collection hangs in the tree, how its
 * members are listed (pg_catalog-qualified, ancestor names as $1, $2),
 * which collections a member has, and the columns of the collection's grid.
 * Minimum server version 13. Every list query returns (name, label, system,
 * oid) in no particular order (the engine orders, filters or counts it);
 * `system` marks objects hidden unless asked (catalog schemas, extension
 * members...), `oid` is the member's row in the kind's catalog. System
 * checks are uncorrelated IN lists, which PostgreSQL hashes once per query
 * instead of probing pg_depend once per row. */
#include "catalog/kinds.h"

#include <stddef.h>
#include <string.h>

#include "catalog/lookup.h"

/* Collections under a database, a schema and a table. */
static const char *const database_children[] = {"schemas", "extensions", "casts", "event_triggers",
						 "foreign_data_wrappers", "languages", "publications", "subscriptions",
						 NULL};
static const char *const schema_children[] = {
	"tables",    "views",           "materialized_views", "foreign_tables",   "sequences",        "functions",
	"procedures", "trigger_functions", "aggregates",       "types",            "domains",          "collations",
	"operators", "fts_configurations", "fts_dictionaries", "fts_parsers",     "fts_templates",    NULL};
static const char *const table_children[] = {"columns",  "constraints", "indexes", "partitions", "policies",
					     "rules",    "triggers",    "statistics", NULL};
static const char *const fdw_children[] = {"foreign_servers", NULL};
static const char *const foreign_server_children[] = {"user_mappings", NULL};
static const char *const domain_children[] = {"domain_constraints", NULL};
static const char *const none[] = {NULL};

/* Objects of catalog CLASS that belong to an extension: their 'e' rows in
 * pg_depend reference it, which pg_depend_reference_index finds without
 * reading the whole of pg_depend. */
#define EXTENSION_MEMBER(col, class)                                                                                   \
	col " IN (SELECT d.objid FROM pg_catalog.pg_depend d WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass "\
	"AND d.classid = 'pg_catalog." class "'::regclass AND d.deptype = 'e')"

/* Relations of a schema by relkind; extension members count as system. */
#define REL_LIST(kinds, extra)                                                                                         \
	"SELECT c.relname, c.relname, " EXTENSION_MEMBER("c.oid", "pg_class") ", c.oid "                               \
	"FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "                         \
	"WHERE n.nspname = $1 AND c.relkind IN (" kinds ")" extra

#define PROC_LIST(cond)                                                                                                \
	"SELECT p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', "                     \
	"p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', "                            \
	"(" EXTENSION_MEMBER("p.oid", "pg_proc") " OR p.oid IN (SELECT d.objid FROM pg_catalog.pg_depend d "           \
	"WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.deptype = 'i')), p.oid "                               \
	"FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "                          \
	"WHERE n.nspname = $1 AND " cond

#define SCHEMA_OBJ(table, namecol, nscol, extra)                                                                       \
	"SELECT o." namecol ", o." namecol ", false, o.oid FROM pg_catalog." table " o JOIN pg_catalog.pg_namespace n "\
	"ON n.oid = o." nscol " WHERE n.nspname = $1" extra

#define TABLE_OID                                                                                                      \
	"(SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "           \
	"WHERE n.nspname = $1 AND c.relname = $2)"

/* Grid columns. */
#define COLUMNS(...) ((const catalog_column[]){__VA_ARGS__, {NULL, NULL}})
#define NO_COLUMNS ((const catalog_column[]){{NULL, NULL}})
#define OWNER(col) {"owner", "pg_catalog.pg_get_userbyid(o." col ")"}
#define COMMENT(catalog) {"comment", "pg_catalog.obj_description(x.oid, '" catalog "')"}
#define OWNED(catalog, col) COLUMNS(OWNER(col), COMMENT(catalog))
/* Never-analyzed tables have reltuples -1 (0 before PostgreSQL 14): unknown, not empty. */
#define ESTIMATED_ROWS {"estimated_rows", "CASE WHEN o.reltuples < 0 THEN NULL ELSE o.reltuples::int8 END"}
#define TOTAL_SIZE {"size", "pg_catalog.pg_total_relation_size(x.oid)"}
#define LANGUAGE {"language", "(SELECT l.lanname FROM pg_catalog.pg_language l WHERE l.oid = o.prolang)"}
#define REL_COLUMNS COLUMNS(OWNER("relowner"), ESTIMATED_ROWS, TOTAL_SIZE, COMMENT("pg_class"))

const catalog_kind catalog_kinds[] = {
	/* under a database */
	{"schemas", "Schemas", "schema", "schema", CATALOG_AT_DATABASE, schema_children,
	 "SELECT nspname, nspname, nspname IN ('pg_catalog', 'information_schema') OR nspname LIKE 'pg\\_toast%' "
	 "OR nspname LIKE 'pg\\_temp\\_%', oid FROM pg_catalog.pg_namespace",
	 NULL, "pg_namespace", OWNED("pg_namespace", "nspowner")},
	{"extensions", "Extensions", "extension", "extension", CATALOG_AT_DATABASE, none,
	 "SELECT extname, extname || ' ' || extversion, false, oid FROM pg_catalog.pg_extension", NULL, "pg_extension",
	 COLUMNS(OWNER("extowner"), {"version", "o.extversion"},
		 {"schema", "(SELECT s.nspname FROM pg_catalog.pg_namespace s WHERE s.oid = o.extnamespace)"},
		 COMMENT("pg_extension"))},
	{"casts", "Casts", "cast", "cast", CATALOG_AT_DATABASE, none,
	 "SELECT pg_catalog.format_type(castsource, NULL) || '->' || pg_catalog.format_type(casttarget, NULL), "
	 "pg_catalog.format_type(castsource, NULL) || ' -> ' || pg_catalog.format_type(casttarget, NULL), "
	 "oid < 16384, oid FROM pg_catalog.pg_cast",
	 NULL, "pg_cast",
	 COLUMNS({"context", "CASE o.castcontext WHEN 'e' THEN 'explicit' WHEN 'a' THEN 'assignment' "
			     "ELSE 'implicit' END"},
		 COMMENT("pg_cast"))},
	{"event_triggers", "Event Triggers", "event_trigger", "event_trigger", CATALOG_AT_DATABASE, none,
	 "SELECT evtname, evtname, false, oid FROM pg_catalog.pg_event_trigger", NULL, "pg_event_trigger",
	 COLUMNS(OWNER("evtowner"), {"event", "o.evtevent"}, COMMENT("pg_event_trigger"))},
	{"foreign_data_wrappers", "Foreign Data Wrappers", "foreign_data_wrapper", "fdw", CATALOG_AT_DATABASE,
	 fdw_children, "SELECT fdwname, fdwname, false, oid FROM pg_catalog.pg_foreign_data_wrapper", NULL,
	 "pg_foreign_data_wrapper", OWNED("pg_foreign_data_wrapper", "fdwowner")},
	{"languages", "Languages", "language", "language", CATALOG_AT_DATABASE, none,
	 "SELECT lanname, lanname, lanname IN ('internal', 'c', 'sql'), oid FROM pg_catalog.pg_language", NULL,
	 "pg_language", COLUMNS(OWNER("lanowner"), {"trusted", "o.lanpltrusted"}, COMMENT("pg_language"))},
	{"publications", "Publications", "publication", "publication", CATALOG_AT_DATABASE, none,
	 "SELECT pubname, pubname, false, oid FROM pg_catalog.pg_publication", NULL, "pg_publication",
	 OWNED("pg_publication", "pubowner")},
	{"subscriptions", "Subscriptions", "subscription", "subscription", CATALOG_AT_DATABASE, none,
	 "SELECT s.subname, s.subname, false, s.oid FROM pg_catalog.pg_subscription s JOIN pg_catalog.pg_database d "
	 "ON d.oid = s.subdbid WHERE d.datname = pg_catalog.current_database()",
	 NULL, "pg_subscription",
	 COLUMNS(OWNER("subowner"), {"enabled", "o.subenabled"},
		 {"comment", "pg_catalog.shobj_description(x.oid, 'pg_subscription')"})},

	/* under a foreign data wrapper / foreign server */
	{"foreign_servers", "Foreign Servers", "foreign_server", "foreign_server", CATALOG_AT_FDW,
	 foreign_server_children,
	 "SELECT s.srvname, s.srvname, false, s.oid FROM pg_catalog.pg_foreign_server s JOIN "
	 "pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw WHERE w.fdwname = $1",
	 NULL, "pg_foreign_server", OWNED("pg_foreign_server", "srvowner")},
	/* pg_user_mapping itself is for superusers only */
	{"user_mappings", "User Mappings", "user_mapping", "user_mapping", CATALOG_AT_FOREIGN_SERVER, none,
	 "SELECT m.usename, m.usename, false, m.umid FROM pg_catalog.pg_user_mappings m WHERE m.srvname = $2", NULL,
	 NULL, NO_COLUMNS},

	/* under a schema */
	{"tables", "Tables", "table", "table", CATALOG_AT_SCHEMA, table_children,
	 REL_LIST("'r', 'p'", " AND NOT c.relispartition"), NULL, "pg_class", REL_COLUMNS},
	{"views", "Views", "view", "view", CATALOG_AT_SCHEMA, none, REL_LIST("'v'", ""), NULL, "pg_class",
	 OWNED("pg_class", "relowner")},
	{"materialized_views", "Materialized Views", "materialized_view", "materialized_view", CATALOG_AT_SCHEMA, none,
	 REL_LIST("'m'", ""), NULL, "pg_class", REL_COLUMNS},
	{"foreign_tables", "Foreign Tables", "foreign_table", "foreign_table", CATALOG_AT_SCHEMA, none,
	 REL_LIST("'f'", ""), NULL, "pg_class", OWNED("pg_class", "relowner")},
	{"sequences", "Sequences", "sequence", "sequence", CATALOG_AT_SCHEMA, none, REL_LIST("'S'", ""), NULL,
	 "pg_class", OWNED("pg_class", "relowner")},
	{"functions", "Functions", "function", "function", CATALOG_AT_SCHEMA, none,
	 PROC_LIST("p.prokind = 'f' AND p.prorettype <> 'pg_catalog.trigger'::regtype "
		   "AND p.prorettype <> 'pg_catalog.event_trigger'::regtype"),
	 NULL, "pg_proc",
	 COLUMNS(OWNER("proowner"), {"returns", "pg_catalog.pg_get_function_result(x.oid)"}, LANGUAGE,
		 COMMENT("pg_proc"))},
	{"procedures", "Procedures", "procedure", "procedure", CATALOG_AT_SCHEMA, none, PROC_LIST("p.prokind = 'p'"),
	 NULL, "pg_proc", COLUMNS(OWNER("proowner"), LANGUAGE, COMMENT("pg_proc"))},
	{"trigger_functions", "Trigger Functions", "trigger_function", "trigger_function", CATALOG_AT_SCHEMA, none,
	 PROC_LIST("p.prokind = 'f' AND p.prorettype IN ('pg_catalog.trigger'::regtype, "
		   "'pg_catalog.event_trigger'::regtype)"),
	 NULL, "pg_proc", COLUMNS(OWNER("proowner"), LANGUAGE, COMMENT("pg_proc"))},
	{"aggregates", "Aggregates", "aggregate", "aggregate", CATALOG_AT_SCHEMA, none, PROC_LIST("p.prokind = 'a'"),
	 NULL, "pg_proc", OWNED("pg_proc", "proowner")},
	/* composite types of relations and the array types PostgreSQL makes are not listed */
	{"types", "Types", "type", "type", CATALOG_AT_SCHEMA, none,
	 "SELECT t.typname, t.typname || CASE t.typtype WHEN 'c' THEN ' (composite)' WHEN 'e' THEN ' (enum)' "
	 "WHEN 'r' THEN ' (range)' WHEN 'm' THEN ' (multirange)' WHEN 'b' THEN ' (base)' ELSE '' END, "
	 EXTENSION_MEMBER("t.oid", "pg_type") ", t.oid FROM pg_catalog.pg_type t "
	 "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1 "
	 "AND t.typtype IN ('b', 'c', 'e', 'r', 'm') AND (t.typtype <> 'c' OR t.typrelid IN "
	 "(SELECT c.oid FROM pg_catalog.pg_class c WHERE c.relkind = 'c')) "
	 "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type el WHERE el.oid = t.typelem AND el.typarray = t.oid)",
	 NULL, "pg_type",
	 COLUMNS(OWNER("typowner"),
		 {"type", "CASE o.typtype WHEN 'c' THEN 'composite' WHEN 'e' THEN 'enum' WHEN 'r' THEN 'range' "
			  "WHEN 'm' THEN 'multirange' WHEN 'b' THEN 'base' END"},
		 COMMENT("pg_type"))},
	{"domains", "Domains", "domain", "domain", CATALOG_AT_SCHEMA, domain_children,
	 SCHEMA_OBJ("pg_type", "typname", "typnamespace", " AND o.typtype = 'd'"), NULL, "pg_type",
	 COLUMNS(OWNER("typowner"), {"data_type", "pg_catalog.format_type(o.typbasetype, o.typtypmod)"},
		 COMMENT("pg_type"))},
	{"collations", "Collations", "collation", "collation", CATALOG_AT_SCHEMA, none,
	 SCHEMA_OBJ("pg_collation", "collname", "collnamespace", ""), NULL, "pg_collation",
	 OWNED("pg_collation", "collowner")},
	{"operators", "Operators", "operator", "operator", CATALOG_AT_SCHEMA, none,
	 "SELECT " OPER_NAME("") ", " OPER_NAME(" ") ", false, o.oid FROM pg_catalog.pg_operator o "
	 "JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace WHERE n.nspname = $1",
	 NULL, "pg_operator", OWNED("pg_operator", "oprowner")},
	{"fts_configurations", "FTS Configurations", "fts_configuration", "fts", CATALOG_AT_SCHEMA, none,
	 SCHEMA_OBJ("pg_ts_config", "cfgname", "cfgnamespace", ""), NULL, "pg_ts_config",
	 OWNED("pg_ts_config", "cfgowner")},
	{"fts_dictionaries", "FTS Dictionaries", "fts_dictionary", "fts", CATALOG_AT_SCHEMA, none,
	 SCHEMA_OBJ("pg_ts_dict", "dictname", "dictnamespace", ""), NULL, "pg_ts_dict", OWNED("pg_ts_dict", "dictowner")},
	{"fts_parsers", "FTS Parsers", "fts_parser", "fts", CATALOG_AT_SCHEMA, none,
	 SCHEMA_OBJ("pg_ts_parser", "prsname", "prsnamespace", ""), NULL, "pg_ts_parser", COLUMNS(COMMENT("pg_ts_parser"))},
	{"fts_templates", "FTS Templates", "fts_template", "fts", CATALOG_AT_SCHEMA, none,
	 SCHEMA_OBJ("pg_ts_template", "tmplname", "tmplnamespace", ""), NULL, "pg_ts_template",
	 COLUMNS(COMMENT("pg_ts_template"))},

	/* under a domain */
	{"domain_constraints", "Constraints", "domain_constraint", "constraint", CATALOG_AT_DOMAIN, none,
	 "SELECT c.conname, c.conname, false, c.oid FROM pg_catalog.pg_constraint c JOIN pg_catalog.pg_type t "
	 "ON t.oid = c.contypid JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
	 "WHERE n.nspname = $1 AND t.typname = $2",
	 NULL, "pg_constraint",
	 COLUMNS({"definition", "pg_catalog.pg_get_constraintdef(x.oid)"}, COMMENT("pg_constraint"))},

	/* under a table; a column's oid is its table's, with its number and type alongside */
	{"columns", "Columns", "column", "column", CATALOG_AT_TABLE, none,
	 "SELECT a.attname, a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod) || "
	 "CASE WHEN a.attnotnull THEN ' not null' ELSE '' END, false, a.attrelid, a.attnum, "
	 "pg_catalog.format_type(a.atttypid, a.atttypmod) AS data_type, a.attnotnull AS not_null "
	 "FROM pg_catalog.pg_attribute a WHERE a.attrelid = " TABLE_OID " AND a.attnum > 0 AND NOT a.attisdropped",
	 "x.attnum", NULL,
	 COLUMNS({"data_type", "x.data_type"}, {"not_null", "x.not_null"},
		 {"default_value", "(SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attrdef d "
				   "WHERE d.adrelid = x.oid AND d.adnum = x.attnum)"},
		 {"comment", "pg_catalog.col_description(x.oid, x.attnum)"})},
	{"constraints", "Constraints", "constraint", "constraint", CATALOG_AT_TABLE, none,
	 "SELECT c.conname, c.conname || CASE c.contype WHEN 'p' THEN ' (primary key)' WHEN 'u' THEN ' (unique)' "
	 "WHEN 'f' THEN ' (foreign key)' WHEN 'c' THEN ' (check)' WHEN 'x' THEN ' (exclusion)' ELSE '' END, false, "
	 "c.oid FROM pg_catalog.pg_constraint c WHERE c.conrelid = " TABLE_OID
	 " AND c.contype IN ('p', 'u', 'f', 'c', 'x')",
	 NULL, "pg_constraint",
	 COLUMNS({"definition", "pg_catalog.pg_get_constraintdef(x.oid)"}, COMMENT("pg_constraint"))},
	{"indexes", "Indexes", "index", "index", CATALOG_AT_TABLE, none,
	 "SELECT ic.relname, ic.relname, false, ic.oid FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic "
	 "ON ic.oid = i.indexrelid WHERE i.indrelid = " TABLE_OID,
	 NULL, "pg_class",
	 COLUMNS({"definition", "pg_catalog.pg_get_indexdef(x.oid)"}, {"size", "pg_catalog.pg_relation_size(x.oid)"},
		 COMMENT("pg_class"))},
	{"partitions", "Partitions", "table", "table", CATALOG_AT_TABLE, table_children,
	 "SELECT c.relname, c.relname || ' ' || pg_catalog.pg_get_expr(c.relpartbound, c.oid), false, c.oid "
	 "FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class c ON c.oid = h.inhrelid "
	 "WHERE h.inhparent = " TABLE_OID,
	 NULL, "pg_class", REL_COLUMNS},
	{"policies", "RLS Policies", "policy", "policy", CATALOG_AT_TABLE, none,
	 "SELECT p.polname, p.polname, false, p.oid FROM pg_catalog.pg_policy p WHERE p.polrelid = " TABLE_OID, NULL,
	 "pg_policy",
	 COLUMNS({"command", "CASE o.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' "
			     "WHEN 'd' THEN 'DELETE' ELSE 'ALL' END"},
		 COMMENT("pg_policy"))},
	{"rules", "Rules", "rule", "rule", CATALOG_AT_TABLE, none,
	 "SELECT r.rulename, r.rulename, false, r.oid FROM pg_catalog.pg_rewrite r WHERE r.ev_class = " TABLE_OID
	 " AND r.rulename <> '_RETURN'",
	 NULL, "pg_rewrite", COLUMNS(COMMENT("pg_rewrite"))},
	{"triggers", "Triggers", "trigger", "trigger", CATALOG_AT_TABLE, none,
	 "SELECT t.tgname, t.tgname, t.tgisinternal, t.oid FROM pg_catalog.pg_trigger t WHERE t.tgrelid = " TABLE_OID,
	 NULL, "pg_trigger", COLUMNS({"enabled", "o.tgenabled <> 'D'"}, COMMENT("pg_trigger"))},
	{"statistics", "Extended Statistics", "statistics", "statistics", CATALOG_AT_TABLE, none,
	 "SELECT s.stxname, s.stxname, false, s.oid FROM pg_catalog.pg_statistic_ext s WHERE s.stxrelid = " TABLE_OID,
	 NULL, "pg_statistic_ext", OWNED("pg_statistic_ext", "stxowner")},
	{NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL},
};

const catalog_kind *catalog_kind_find(const char *collection)
{
	for (const catalog_kind *k = catalog_kinds; k->collection; k++)
		if (strcmp(k->collection, collection) == 0)
			return k;
	return NULL;
}
const char *const *catalog_children_of(const char *member_kind)
{
	static const struct {
		const char *kind;
		const char *const *children;
	} map[] = {
		{"database", database_children},
		{"schema", schema_children},
		{"table", table_children},
		{"foreign_data_wrapper", fdw_children},
		{"foreign_server", foreign_server_children},
		{"domain", domain_children},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (strcmp(map[i].kind, member_kind) == 0)
			return map[i].children;
	return none;
}
