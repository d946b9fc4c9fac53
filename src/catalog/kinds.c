/* Object kinds as data: where each collection hangs in the tree, how its
 * members are listed (pg_catalog-qualified, ancestor names as $1, $2) and
 * which collections a member has. Minimum server version 13. Every list
 * query returns (name, label, system) ordered for display; `system` marks
 * objects hidden unless asked (catalog schemas, extension members...). */
#include "catalog/kinds.h"

#include <string.h>

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

/* Relations of a schema by relkind; extension members count as system. */
#define REL_LIST(kinds)                                                                                                \
	"SELECT c.relname, c.relname, EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = "                 \
	"'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') "                                     \
	"FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "                          \
	"WHERE n.nspname = $1 AND c.relkind IN (" kinds ") ORDER BY 1"

#define PROC_LIST(cond)                                                                                                \
	"SELECT p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', "                     \
	"p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', "                            \
	"EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::regclass "                \
	"AND d.objid = p.oid AND d.deptype IN ('e', 'i')) "                                                             \
	"FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "                          \
	"WHERE n.nspname = $1 AND " cond " ORDER BY 1"

#define SCHEMA_OBJ(table, namecol, nscol, extra)                                                                       \
	"SELECT o." namecol ", o." namecol ", false FROM pg_catalog." table " o JOIN pg_catalog.pg_namespace n "         \
	"ON n.oid = o." nscol " WHERE n.nspname = $1" extra " ORDER BY 1"

#define TABLE_OID                                                                                                      \
	"(SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "            \
	"WHERE n.nspname = $1 AND c.relname = $2)"

const catalog_kind catalog_kinds[] = {
	/* under a database */
	{"schemas", "Schemas", "schema", "schema", CATALOG_AT_DATABASE, schema_children,
	 "SELECT nspname, nspname, nspname IN ('pg_catalog', 'information_schema') OR nspname LIKE 'pg\\_toast%' "
	 "OR nspname LIKE 'pg\\_temp\\_%' FROM pg_catalog.pg_namespace ORDER BY 1"},
	{"extensions", "Extensions", "extension", "extension", CATALOG_AT_DATABASE, none,
	 "SELECT extname, extname || ' ' || extversion, false FROM pg_catalog.pg_extension ORDER BY 1"},
	{"casts", "Casts", "cast", "cast", CATALOG_AT_DATABASE, none,
	 "SELECT pg_catalog.format_type(castsource, NULL) || '->' || pg_catalog.format_type(casttarget, NULL), "
	 "pg_catalog.format_type(castsource, NULL) || ' -> ' || pg_catalog.format_type(casttarget, NULL), "
	 "oid < 16384 FROM pg_catalog.pg_cast ORDER BY 1"},
	{"event_triggers", "Event Triggers", "event_trigger", "event_trigger", CATALOG_AT_DATABASE, none,
	 "SELECT evtname, evtname, false FROM pg_catalog.pg_event_trigger ORDER BY 1"},
	{"foreign_data_wrappers", "Foreign Data Wrappers", "foreign_data_wrapper", "fdw", CATALOG_AT_DATABASE,
	 fdw_children, "SELECT fdwname, fdwname, false FROM pg_catalog.pg_foreign_data_wrapper ORDER BY 1"},
	{"languages", "Languages", "language", "language", CATALOG_AT_DATABASE, none,
	 "SELECT lanname, lanname, lanname IN ('internal', 'c', 'sql') FROM pg_catalog.pg_language ORDER BY 1"},
	{"publications", "Publications", "publication", "publication", CATALOG_AT_DATABASE, none,
	 "SELECT pubname, pubname, false FROM pg_catalog.pg_publication ORDER BY 1"},
	{"subscriptions", "Subscriptions", "subscription", "subscription", CATALOG_AT_DATABASE, none,
	 "SELECT s.subname, s.subname, false FROM pg_catalog.pg_subscription s JOIN pg_catalog.pg_database d "
	 "ON d.oid = s.subdbid WHERE d.datname = pg_catalog.current_database() ORDER BY 1"},

	/* under a foreign data wrapper / foreign server */
	{"foreign_servers", "Foreign Servers", "foreign_server", "foreign_server", CATALOG_AT_FDW,
	 foreign_server_children,
	 "SELECT s.srvname, s.srvname, false FROM pg_catalog.pg_foreign_server s JOIN "
	 "pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw WHERE w.fdwname = $1 ORDER BY 1"},
	{"user_mappings", "User Mappings", "user_mapping", "user_mapping", CATALOG_AT_FOREIGN_SERVER, none,
	 "SELECT m.usename, m.usename, false FROM pg_catalog.pg_user_mappings m WHERE m.srvname = $2 ORDER BY 1"},

	/* under a schema */
	{"tables", "Tables", "table", "table", CATALOG_AT_SCHEMA, table_children,
	 "SELECT c.relname, c.relname, EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = "
	 "'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') FROM pg_catalog.pg_class c "
	 "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') "
	 "AND NOT c.relispartition ORDER BY 1"},
	{"views", "Views", "view", "view", CATALOG_AT_SCHEMA, none, REL_LIST("'v'")},
	{"materialized_views", "Materialized Views", "materialized_view", "materialized_view", CATALOG_AT_SCHEMA, none,
	 REL_LIST("'m'")},
	{"foreign_tables", "Foreign Tables", "foreign_table", "foreign_table", CATALOG_AT_SCHEMA, none, REL_LIST("'f'")},
	{"sequences", "Sequences", "sequence", "sequence", CATALOG_AT_SCHEMA, none, REL_LIST("'S'")},
	{"functions", "Functions", "function", "function", CATALOG_AT_SCHEMA, none,
	 PROC_LIST("p.prokind = 'f' AND p.prorettype <> 'pg_catalog.trigger'::regtype "
		   "AND p.prorettype <> 'pg_catalog.event_trigger'::regtype")},
	{"procedures", "Procedures", "procedure", "procedure", CATALOG_AT_SCHEMA, none, PROC_LIST("p.prokind = 'p'")},
	{"trigger_functions", "Trigger Functions", "trigger_function", "trigger_function", CATALOG_AT_SCHEMA, none,
	 PROC_LIST("p.prokind = 'f' AND p.prorettype IN ('pg_catalog.trigger'::regtype, "
		   "'pg_catalog.event_trigger'::regtype)")},
	{"aggregates", "Aggregates", "aggregate", "aggregate", CATALOG_AT_SCHEMA, none, PROC_LIST("p.prokind = 'a'")},
	{"types", "Types", "type", "type", CATALOG_AT_SCHEMA, none,
	 "SELECT t.typname, t.typname || CASE t.typtype WHEN 'c' THEN ' (composite)' WHEN 'e' THEN ' (enum)' "
	 "WHEN 'r' THEN ' (range)' WHEN 'm' THEN ' (multirange)' WHEN 'b' THEN ' (base)' ELSE '' END, "
	 "EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_type'::regclass "
	 "AND d.objid = t.oid AND d.deptype = 'e') FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n "
	 "ON n.oid = t.typnamespace WHERE n.nspname = $1 AND t.typtype IN ('b', 'c', 'e', 'r', 'm') "
	 "AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid) = 'c') "
	 "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type el WHERE el.oid = t.typelem AND el.typarray = t.oid) "
	 "ORDER BY 1"},
	{"domains", "Domains", "domain", "domain", CATALOG_AT_SCHEMA, domain_children,
	 SCHEMA_OBJ("pg_type", "typname", "typnamespace", " AND o.typtype = 'd'")},
	{"collations", "Collations", "collation", "collation", CATALOG_AT_SCHEMA, none,
	 SCHEMA_OBJ("pg_collation", "collname", "collnamespace", "")},
	{"operators", "Operators", "operator", "operator", CATALOG_AT_SCHEMA, none,
	 "SELECT o.oprname || '(' || COALESCE(pg_catalog.format_type(o.oprleft, NULL), 'NONE') || ', ' || "
	 "COALESCE(pg_catalog.format_type(o.oprright, NULL), 'NONE') || ')', o.oprname || ' (' || "
	 "COALESCE(pg_catalog.format_type(o.oprleft, NULL), 'NONE') || ', ' || "
	 "COALESCE(pg_catalog.format_type(o.oprright, NULL), 'NONE') || ')', false FROM pg_catalog.pg_operator o "
	 "JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace WHERE n.nspname = $1 ORDER BY 1"},
	{"fts_configurations", "FTS Configurations", "fts_configuration", "fts", CATALOG_AT_SCHEMA, none,
	 SCHEMA_OBJ("pg_ts_config", "cfgname", "cfgnamespace", "")},
	{"fts_dictionaries", "FTS Dictionaries", "fts_dictionary", "fts", CATALOG_AT_SCHEMA, none,
	 SCHEMA_OBJ("pg_ts_dict", "dictname", "dictnamespace", "")},
	{"fts_parsers", "FTS Parsers", "fts_parser", "fts", CATALOG_AT_SCHEMA, none,
	 SCHEMA_OBJ("pg_ts_parser", "prsname", "prsnamespace", "")},
	{"fts_templates", "FTS Templates", "fts_template", "fts", CATALOG_AT_SCHEMA, none,
	 SCHEMA_OBJ("pg_ts_template", "tmplname", "tmplnamespace", "")},

	/* under a domain */
	{"domain_constraints", "Constraints", "domain_constraint", "constraint", CATALOG_AT_DOMAIN, none,
	 "SELECT c.conname, c.conname, false FROM pg_catalog.pg_constraint c JOIN pg_catalog.pg_type t "
	 "ON t.oid = c.contypid JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
	 "WHERE n.nspname = $1 AND t.typname = $2 ORDER BY 1"},

	/* under a table */
	{"columns", "Columns", "column", "column", CATALOG_AT_TABLE, none,
	 "SELECT a.attname, a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod) || "
	 "CASE WHEN a.attnotnull THEN ' not null' ELSE '' END, false FROM pg_catalog.pg_attribute a "
	 "WHERE a.attrelid = " TABLE_OID " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"},
	{"constraints", "Constraints", "constraint", "constraint", CATALOG_AT_TABLE, none,
	 "SELECT c.conname, c.conname || CASE c.contype WHEN 'p' THEN ' (primary key)' WHEN 'u' THEN ' (unique)' "
	 "WHEN 'f' THEN ' (foreign key)' WHEN 'c' THEN ' (check)' WHEN 'x' THEN ' (exclusion)' ELSE '' END, false "
	 "FROM pg_catalog.pg_constraint c WHERE c.conrelid = " TABLE_OID " AND c.contype IN ('p', 'u', 'f', 'c', 'x') "
	 "ORDER BY 1"},
	{"indexes", "Indexes", "index", "index", CATALOG_AT_TABLE, none,
	 "SELECT ic.relname, ic.relname, false FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic "
	 "ON ic.oid = i.indexrelid WHERE i.indrelid = " TABLE_OID " ORDER BY 1"},
	{"partitions", "Partitions", "table", "table", CATALOG_AT_TABLE, table_children,
	 "SELECT c.relname, c.relname || ' ' || pg_catalog.pg_get_expr(c.relpartbound, c.oid), false "
	 "FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class c ON c.oid = h.inhrelid "
	 "WHERE h.inhparent = " TABLE_OID " ORDER BY 1"},
	{"policies", "RLS Policies", "policy", "policy", CATALOG_AT_TABLE, none,
	 "SELECT p.polname, p.polname, false FROM pg_catalog.pg_policy p WHERE p.polrelid = " TABLE_OID " ORDER BY 1"},
	{"rules", "Rules", "rule", "rule", CATALOG_AT_TABLE, none,
	 "SELECT r.rulename, r.rulename, false FROM pg_catalog.pg_rewrite r WHERE r.ev_class = " TABLE_OID
	 " AND r.rulename <> '_RETURN' ORDER BY 1"},
	{"triggers", "Triggers", "trigger", "trigger", CATALOG_AT_TABLE, none,
	 "SELECT t.tgname, t.tgname, t.tgisinternal FROM pg_catalog.pg_trigger t WHERE t.tgrelid = " TABLE_OID
	 " ORDER BY 1"},
	{"statistics", "Extended Statistics", "statistics", "statistics", CATALOG_AT_TABLE, none,
	 "SELECT s.stxname, s.stxname, false FROM pg_catalog.pg_statistic_ext s WHERE s.stxrelid = " TABLE_OID
	 " ORDER BY 1"},
	{NULL, NULL, NULL, NULL, 0, NULL, NULL},
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
