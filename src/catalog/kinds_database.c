/* Object kinds, one row each: the objects of a database outside its schemas. Each kind's listing, its
 * queries and its DDL come first; the rows at the end tie them together. */
#include "catalog/kinds.h"

static const char *const schema_children[] = {"tables",
					      "views",
					      "materialized_views",
					      "foreign_tables",
					      "sequences",
					      "functions",
					      "procedures",
					      "trigger_functions",
					      "aggregates",
					      "types",
					      "domains",
					      "collations",
					      "operators",
					      "operator_classes",
					      "operator_families",
					      "fts_configurations",
					      "fts_dictionaries",
					      "fts_parsers",
					      "fts_templates",
					      "schema_default_privileges",
					      NULL};

static const char *const fdw_children[] = {"foreign_servers", NULL};

static const char *const foreign_server_children[] = {"user_mappings", NULL};

/* ---- schema ---- */

static const catalog_listing schema_list =
    LISTING("schemas", "Schemas", CATALOG_AT_DATABASE,
	    "SELECT nspname, nspname, nspname IN ('pg_catalog', 'information_schema') OR nspname LIKE 'pg\\_toast%' "
	    "OR nspname LIKE 'pg\\_temp\\_%', oid FROM pg_catalog.pg_namespace",
	    NULL, "pg_namespace", OWNED("pg_namespace", "nspowner"), NULL, false);

static const char schema_props[] =
    "SELECT s.nspname AS name, pg_catalog.pg_get_userbyid(s.nspowner) AS owner, s.oid::text AS oid, "
    "s.nspacl::text AS privileges, pg_catalog.obj_description(s.oid, 'pg_namespace') AS comment, "
    "(SELECT count(*) FROM pg_catalog.pg_class c WHERE c.relnamespace = s.oid AND c.relkind IN ('r', 'p')) AS tables "
    "FROM pg_catalog.pg_namespace s WHERE s.nspname = $1";

/* A schema initdb made (public: pg_init_privs has its first privileges) is
 * in every new database: like pg_dump, only its owner, comment and
 * privileges are written. */
#define SCHEMA_FROM "pg_catalog.pg_namespace o WHERE o.nspname = $1"

#define INITDB_SCHEMA                                                                                                  \
	"EXISTS (SELECT FROM pg_catalog.pg_init_privs i WHERE i.objoid = o.oid AND i.classoid = "                      \
	"'pg_catalog.pg_namespace'::pg_catalog.regclass)"

static const char *const schema_sql[] = {
    "SELECT CASE WHEN " INITDB_SCHEMA " THEN '' ELSE format(E'CREATE SCHEMA %I;\\n', o.nspname) END || "
    "format('ALTER SCHEMA %I OWNER TO %I;', o.nspname, pg_catalog.pg_get_userbyid(o.nspowner)) FROM " SCHEMA_FROM,
    "SELECT format('COMMENT ON SCHEMA %I IS %L;', $1, d) FROM pg_catalog.obj_description((SELECT oid FROM "
    "pg_catalog.pg_namespace WHERE nspname = $1), 'pg_namespace') d WHERE d IS NOT NULL",
    GRANTS("'SCHEMA'", "'n'", "format('%I', $1)", SCHEMA_FROM, "nspacl", "nspowner", "pg_namespace"),
    NULL,
};

static const char *const schema_privileges[] = {"USAGE", "CREATE", NULL};

/* ---- extension ---- */

static const catalog_listing extension_list = LISTING(
    "extensions", "Extensions", CATALOG_AT_DATABASE,
    "SELECT extname, extname || ' ' || extversion, false, oid FROM pg_catalog.pg_extension", NULL, "pg_extension",
    COLUMNS(OWNER("extowner"), {"version", "o.extversion"},
	    {"schema", "(SELECT s.nspname FROM pg_catalog.pg_namespace s WHERE s.oid = o.extnamespace)"},
	    COMMENT("pg_extension")),
    NULL, false);

static const char extension_props[] =
    "SELECT e.extname AS name, e.extversion AS version, n.nspname AS schema, pg_catalog.pg_get_userbyid(e.extowner) "
    "AS owner, e.extrelocatable AS relocatable, a.default_version, a.comment FROM pg_catalog.pg_extension e JOIN "
    "pg_catalog.pg_namespace n ON n.oid = e.extnamespace LEFT JOIN pg_catalog.pg_available_extensions a "
    "ON a.name = e.extname WHERE e.extname = $1";

static const char *const extension_sql[] = {
    "SELECT format('CREATE EXTENSION IF NOT EXISTS %I WITH SCHEMA %I VERSION %L;', e.extname, n.nspname, "
    "e.extversion) FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace "
    "WHERE e.extname = $1",
    NULL,
};

/* ---- cast ---- */

static const catalog_listing cast_list = LISTING(
    "casts", "Casts", CATALOG_AT_DATABASE,
    "SELECT pg_catalog.format_type(castsource, NULL) || '->' || pg_catalog.format_type(casttarget, NULL), "
    "pg_catalog.format_type(castsource, NULL) || ' -> ' || pg_catalog.format_type(casttarget, NULL), "
    "oid < 16384 OR EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_cast'::regclass "
    "AND d.objid = pg_cast.oid AND d.deptype = 'i'), oid FROM pg_catalog.pg_cast",
    NULL, "pg_cast",
    COLUMNS({"context", "CASE o.castcontext WHEN 'e' THEN 'explicit' WHEN 'a' THEN 'assignment' "
			"ELSE 'implicit' END"},
	    COMMENT("pg_cast")),
    NULL, false);

static const char cast_props[] =
    "SELECT pg_catalog.format_type(o.castsource, NULL) AS source_type, pg_catalog.format_type(o.casttarget, NULL) AS "
    "target_type, o.oid::text AS oid, NULLIF(o.castfunc, 0)::regprocedure::text AS function, CASE o.castcontext "
    "WHEN 'e' THEN 'explicit' WHEN 'a' THEN 'assignment' ELSE 'implicit' END AS context, CASE o.castmethod WHEN 'f' "
    "THEN 'function' WHEN 'i' THEN 'input/output' ELSE 'binary' END AS method, o.oid < 16384 AS system, "
    "pg_catalog.obj_description(o.oid, 'pg_cast') AS comment FROM pg_catalog.pg_cast o WHERE o.oid = " CAST_OID;

static const char *const cast_sql[] = {
    "SELECT format('CREATE CAST %s %s%s;', " CAST_WHAT ", CASE o.castmethod WHEN 'f' THEN 'WITH FUNCTION ' || "
    "o.castfunc::pg_catalog.regprocedure WHEN 'i' THEN 'WITH INOUT' ELSE 'WITHOUT FUNCTION' END, CASE "
    "o.castcontext WHEN 'a' THEN ' AS ASSIGNMENT' WHEN 'i' THEN ' AS IMPLICIT' ELSE '' END) FROM " CAST_FROM,
    OBJ_COMMENT("CAST", CAST_WHAT, CAST_FROM, "pg_cast"),
    NULL,
};

/* ---- event_trigger ---- */

static const catalog_listing event_trigger_list =
    LISTING("event_triggers", "Event Triggers", CATALOG_AT_DATABASE,
	    "SELECT evtname, evtname, false, oid FROM pg_catalog.pg_event_trigger", NULL, "pg_event_trigger",
	    COLUMNS(OWNER("evtowner"), {"event", "o.evtevent"}, COMMENT("pg_event_trigger")), NULL, false);

static const char event_trigger_props[] =
    "SELECT o.evtname AS name, pg_catalog.pg_get_userbyid(o.evtowner) AS owner, o.oid::text AS oid, o.evtevent AS "
    "event, o.evtfoid::regproc::text AS function, array_to_string(o.evttags, ', ') AS tags, CASE o.evtenabled WHEN "
    "'D' THEN 'disabled' WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' ELSE 'enabled' END AS enabled, "
    "pg_catalog.obj_description(o.oid, 'pg_event_trigger') AS comment FROM pg_catalog.pg_event_trigger o WHERE "
    "o.evtname = $1";

static const char *const event_trigger_sql[] = {
    "SELECT format('CREATE EVENT TRIGGER %I ON %I%s EXECUTE FUNCTION %s();', o.evtname, o.evtevent, "
    "COALESCE(' WHEN TAG IN (' || (SELECT string_agg(quote_literal(t), ', ') FROM unnest(o.evttags) t) || ')', ''), "
    "o.evtfoid::pg_catalog.regproc) || CASE o.evtenabled WHEN 'D' THEN format(E'\\nALTER EVENT TRIGGER %I DISABLE;', "
    "o.evtname) WHEN 'R' THEN format(E'\\nALTER EVENT TRIGGER %I ENABLE REPLICA;', o.evtname) WHEN 'A' THEN "
    "format(E'\\nALTER EVENT TRIGGER %I ENABLE ALWAYS;', o.evtname) ELSE '' END FROM " EVT_FROM,
    OBJ_OWNER("EVENT TRIGGER", "format('%I', $1)", EVT_FROM, "evtowner"),
    OBJ_COMMENT("EVENT TRIGGER", "format('%I', $1)", EVT_FROM, "pg_event_trigger"),
    NULL,
};

/* ---- foreign_data_wrapper ---- */

static const catalog_listing foreign_data_wrapper_list =
    LISTING("foreign_data_wrappers", "Foreign Data Wrappers", CATALOG_AT_DATABASE,
	    "SELECT fdwname, fdwname, false, oid FROM pg_catalog.pg_foreign_data_wrapper", NULL,
	    "pg_foreign_data_wrapper", OWNED("pg_foreign_data_wrapper", "fdwowner"), NULL, false);

static const char foreign_data_wrapper_props[] =
    "SELECT o.fdwname AS name, pg_catalog.pg_get_userbyid(o.fdwowner) AS owner, o.oid::text AS oid, "
    "NULLIF(o.fdwhandler, 0)::regproc::text AS handler, NULLIF(o.fdwvalidator, 0)::regproc::text AS validator, "
    "array_to_string(o.fdwoptions, ', ') AS options, o.fdwacl::text AS privileges, pg_catalog.obj_description(o.oid, "
    "'pg_foreign_data_wrapper') AS comment FROM pg_catalog.pg_foreign_data_wrapper o WHERE o.fdwname = $1";

static const char *const fdw_sql[] = {
    EXT_LINE("pg_catalog.pg_foreign_data_wrapper") FDW_FROM ") q WHERE e IS NOT NULL",
    "SELECT format('CREATE FOREIGN DATA WRAPPER %I%s%s%s;', o.fdwname, COALESCE(' HANDLER ' || " FN(
	"o.fdwhandler") ", ''), COALESCE(' VALIDATOR ' || " FN("o.fdwvalidator") ", ''), COALESCE(" OPTS("o.fdwoptions") ", '')) FROM " FDW_FROM
	NOT_EXT("pg_catalog.pg_foreign_data_wrapper"),
    OBJ_OWNER("FOREIGN DATA WRAPPER", "format('%I', $1)", FDW_FROM NOT_EXT("pg_catalog.pg_foreign_data_wrapper"),
	      "fdwowner"),
    OBJ_COMMENT("FOREIGN DATA WRAPPER", "format('%I', $1)", FDW_FROM, "pg_foreign_data_wrapper"),
    GRANTS("'FOREIGN DATA WRAPPER'", "'F'", "format('%I', $1)", FDW_FROM NOT_EXT("pg_catalog.pg_foreign_data_wrapper"),
	   "fdwacl", "fdwowner", "pg_foreign_data_wrapper"),
    NULL,
};

static const char *const foreign_data_wrapper_privileges[] = {"USAGE", NULL};

/* ---- foreign_server ---- */

static const catalog_listing foreign_server_list =
    LISTING("foreign_servers", "Foreign Servers", CATALOG_AT_FDW,
	    "SELECT s.srvname, s.srvname, false, s.oid FROM pg_catalog.pg_foreign_server s JOIN "
	    "pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw WHERE w.fdwname = $1",
	    NULL, "pg_foreign_server", OWNED("pg_foreign_server", "srvowner"), NULL, false);

static const char foreign_server_props[] =
    "SELECT o.srvname AS name, $1 AS foreign_data_wrapper, pg_catalog.pg_get_userbyid(o.srvowner) AS owner, "
    "o.oid::text AS oid, o.srvtype AS type, o.srvversion AS version, array_to_string(o.srvoptions, ', ') AS options, "
    "o.srvacl::text AS privileges, pg_catalog.obj_description(o.oid, 'pg_foreign_server') AS comment FROM "
    "pg_catalog.pg_foreign_server o WHERE o.oid = " SRV;

static const char *const foreign_server_sql[] = {
    "SELECT format('CREATE SERVER %I%s%s FOREIGN DATA WRAPPER %I%s;', o.srvname, COALESCE(' TYPE ' || "
    "quote_literal(o.srvtype), ''), COALESCE(' VERSION ' || quote_literal(o.srvversion), ''), $1, "
    "COALESCE(" OPTS("o.srvoptions") ", '')) FROM " SRV_FROM,
    OBJ_OWNER("SERVER", "format('%I', $2)", SRV_FROM, "srvowner"),
    OBJ_COMMENT("SERVER", "format('%I', $2)", SRV_FROM, "pg_foreign_server"),
    GRANTS("'FOREIGN SERVER'", "'S'", "format('%I', $2)", SRV_FROM, "srvacl", "srvowner", "pg_foreign_server"),
    NULL,
};

static const char *const foreign_server_privileges[] = {"USAGE", NULL};

/* ---- user_mapping ---- */

static const catalog_listing user_mapping_list =
    LISTING("user_mappings", "User Mappings", CATALOG_AT_FOREIGN_SERVER,
	    "SELECT m.usename, m.usename, false, m.umid FROM pg_catalog.pg_user_mappings m WHERE m.srvname = $2", NULL,
	    NULL, NO_COLUMNS, NULL, false);

static const char user_mapping_props[] =
    "SELECT m.usename AS user, m.srvname AS server, m.umid::text AS oid, array_to_string(m.umoptions, ', ') AS "
    "options FROM pg_catalog.pg_user_mappings m WHERE m.srvid = " SRV " AND m.usename = $3";

static const char *const user_mapping_sql[] = {
    "SELECT format('CREATE USER MAPPING FOR %s SERVER %I%s;', CASE WHEN m.umuser = 0 THEN 'PUBLIC' ELSE "
    "quote_ident(m.usename) END, m.srvname, COALESCE(" OPTS(
	"m.umoptions") ", '')) FROM pg_catalog.pg_user_mappings "
		       "m JOIN pg_catalog.pg_foreign_server s ON s.oid = m.srvid JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = "
		       "s.srvfdw WHERE w.fdwname = $1 AND m.srvname = $2 AND m.usename = $3",
    NULL,
};

/* ---- language ---- */

static const catalog_listing language_list = LISTING(
    "languages", "Languages", CATALOG_AT_DATABASE,
    "SELECT lanname, lanname, lanname IN ('internal', 'c', 'sql'), oid FROM pg_catalog.pg_language", NULL,
    "pg_language", COLUMNS(OWNER("lanowner"), {"trusted", "o.lanpltrusted"}, COMMENT("pg_language")), NULL, false);

static const char language_props[] =
    "SELECT o.lanname AS name, pg_catalog.pg_get_userbyid(o.lanowner) AS owner, o.oid::text AS oid, o.lanpltrusted "
    "AS trusted, o.lanispl AS procedural, NULLIF(o.lanplcallfoid, 0)::regproc::text AS handler, NULLIF(o.laninline, "
    "0)::regproc::text AS inline_handler, NULLIF(o.lanvalidator, 0)::regproc::text AS validator, o.lanacl::text AS "
    "privileges, pg_catalog.obj_description(o.oid, 'pg_language') AS comment FROM pg_catalog.pg_language o WHERE "
    "o.lanname = $1";

static const char *const language_sql[] = {
    EXT_LINE("pg_catalog.pg_language") LAN_FROM ") q WHERE e IS NOT NULL",
    "SELECT format('-- %s is built into PostgreSQL', $1) FROM " LAN_FROM " AND o.lanplcallfoid = 0",
    "SELECT format('CREATE %sPROCEDURAL LANGUAGE %I HANDLER %s%s%s;', CASE WHEN o.lanpltrusted THEN 'TRUSTED ' "
    "ELSE '' END, o.lanname, o.lanplcallfoid::pg_catalog.regproc, COALESCE(' INLINE ' || " FN(
	"o.laninline") ", ''), COALESCE(' VALIDATOR ' || " FN("o.lanvalidator") ", '')) FROM " LAN_FROM
										" AND o.lanplcallfoid <> 0" NOT_EXT(
										    "pg_catalog.pg_language"),
    OBJ_OWNER("LANGUAGE", "format('%I', $1)", LAN_FROM " AND o.lanplcallfoid <> 0" NOT_EXT("pg_catalog.pg_language"),
	      "lanowner"),
    OBJ_COMMENT("LANGUAGE", "format('%I', $1)", LAN_FROM NOT_EXT("pg_catalog.pg_language"), "pg_language"),
    GRANTS("'LANGUAGE'", "'l'", "format('%I', $1)",
	   LAN_FROM " AND o.lanplcallfoid <> 0" NOT_EXT("pg_catalog.pg_language"), "lanacl", "lanowner", "pg_language"),
    NULL,
};

static const char *const language_privileges[] = {"USAGE", NULL};

/* ---- publication ---- */

static const catalog_listing publication_list =
    LISTING("publications", "Publications", CATALOG_AT_DATABASE,
	    "SELECT pubname, pubname, false, oid FROM pg_catalog.pg_publication", NULL, "pg_publication",
	    OWNED("pg_publication", "pubowner"), NULL, false);

static const char publication_props[] =
    "SELECT o.pubname AS name, pg_catalog.pg_get_userbyid(o.pubowner) AS owner, o.oid::text AS oid, o.puballtables "
    "AS all_tables, o.pubinsert AS insert, o.pubupdate AS update, o.pubdelete AS delete, o.pubtruncate AS truncate, "
    "o.pubviaroot AS via_partition_root, (SELECT count(*) FROM pg_catalog.pg_publication_tables t WHERE t.pubname = "
    "o.pubname) AS tables, pg_catalog.obj_description(o.oid, 'pg_publication') AS comment FROM "
    "pg_catalog.pg_publication o WHERE o.pubname = $1";

static const char *const publication_sql[] = {
    "SELECT format('CREATE PUBLICATION %I%s WITH (publish = %L%s%s);', o.pubname, CASE WHEN o.puballtables THEN "
    "' FOR ALL TABLES' ELSE '' END, array_to_string(ARRAY[CASE WHEN o.pubinsert THEN 'insert' END, CASE WHEN "
    "o.pubupdate THEN 'update' END, CASE WHEN o.pubdelete THEN 'delete' END, CASE WHEN o.pubtruncate THEN "
    "'truncate' END], ', '), CASE WHEN o.pubviaroot THEN ', publish_via_partition_root = true' ELSE '' END, "
    /* generated columns are published from 18 */
    "CASE WHEN pg_catalog.to_jsonb(o) ->> 'pubgencols' = 's' THEN ', publish_generated_columns = stored' ELSE '' "
    "END) FROM " PUB_FROM,
    OBJ_OWNER("PUBLICATION", "format('%I', $1)", PUB_FROM, "pubowner"),
    OBJ_COMMENT("PUBLICATION", "format('%I', $1)", PUB_FROM, "pg_publication"),
    NULL,
};

/* Its tables, each added after as pg_dump does ("ADD TABLE ONLY"). */
#define PUB_TABLES                                                                                                     \
	"SELECT format('ALTER PUBLICATION %I ADD TABLE ONLY %I.%I;', $1, n.nspname, c.relname) FROM "                  \
	"pg_catalog.pg_publication_rel pr JOIN pg_catalog.pg_publication o ON o.oid = pr.prpubid JOIN "                \
	"pg_catalog.pg_class c ON c.oid = pr.prrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE "  \
	"o.pubname = $1"

/* up to 14: whole tables */
static const char publication_tables_sql[] = PUB_TABLES " ORDER BY n.nspname, c.relname";

/* from 15: a table's column list and row filter, and whole schemas */
static const char publication_parts_sql[] =
    "SELECT x.s FROM (SELECT format('ALTER PUBLICATION %I ADD TABLE ONLY %I.%I%s%s;', $1, n.nspname, c.relname, "
    "(SELECT ' (' || string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum) || ')' FROM "
    "pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum = ANY (pr.prattrs::pg_catalog.int2[])), "
    "' WHERE (' || pg_catalog.pg_get_expr(pr.prqual, pr.prrelid) || ')') AS s, 1 AS k, n.nspname AS sn, "
    "c.relname AS rn FROM pg_catalog.pg_publication_rel pr JOIN pg_catalog.pg_publication o ON o.oid = pr.prpubid "
    "JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE o.pubname = $1 UNION ALL SELECT format('ALTER PUBLICATION %I ADD TABLES IN SCHEMA %I;', $1, n.nspname), "
    "2, n.nspname, '' FROM pg_catalog.pg_publication_namespace pn JOIN pg_catalog.pg_publication o ON "
    "o.oid = pn.pnpubid JOIN pg_catalog.pg_namespace n ON n.oid = pn.pnnspid WHERE o.pubname = $1) x "
    "ORDER BY x.k, x.sn, x.rn";

static const char *publication_ddl_more(int server_version)
{
	return server_version >= 150000 ? publication_parts_sql : publication_tables_sql;
}

/* ---- subscription ---- */

static const catalog_listing subscription_list =
    LISTING("subscriptions", "Subscriptions", CATALOG_AT_DATABASE,
	    "SELECT s.subname, s.subname, false, s.oid FROM pg_catalog.pg_subscription s JOIN pg_catalog.pg_database d "
	    "ON d.oid = s.subdbid WHERE d.datname = pg_catalog.current_database()",
	    NULL, "pg_subscription",
	    COLUMNS(OWNER("subowner"), {"enabled", "o.subenabled"},
		    {"comment", "pg_catalog.shobj_description(x.oid, 'pg_subscription')"}),
	    NULL, false);

static const char subscription_props[] =
    "SELECT s.subname AS name, s.oid::text AS oid, s.subenabled AS enabled, array_to_string(s.subpublications, ', ') "
    "AS publications, s.subslotname AS slot_name, s.subsynccommit AS synchronous_commit, "
    "pg_catalog.pg_get_userbyid(s.subowner) AS owner, pg_catalog.obj_description(s.oid, 'pg_subscription') AS "
    "comment FROM pg_catalog.pg_subscription s WHERE s.subname = $1 AND s.subdbid = (SELECT oid FROM "
    "pg_catalog.pg_database WHERE datname = pg_catalog.current_database())";

static const char *const subscription_sql[] = {
    /* like pg_dump: created without connecting; options that came later are read through to_jsonb;
     * streaming always, as its default changed (off, then parallel in 18) */
    "SELECT format('CREATE SUBSCRIPTION %I CONNECTION %L PUBLICATION %s WITH (connect = false, slot_name = %s%s%s%s%s"
    "%s%s);', o.subname, o.subconninfo, (SELECT string_agg(quote_ident(p), ', ') FROM unnest(o.subpublications) p), "
    "COALESCE(quote_literal(o.subslotname), 'NONE'), CASE WHEN o.subsynccommit <> 'off' THEN ', synchronous_commit "
    "= ' || quote_literal(o.subsynccommit) ELSE '' END, CASE WHEN pg_catalog.to_jsonb(o) ->> 'subbinary' = 'true' THEN ', binary = true' "
    "ELSE '' END, CASE pg_catalog.to_jsonb(o) ->> 'substream' WHEN 'true' THEN ', streaming = on' WHEN 't' THEN ', streaming = on' WHEN "
    "'p' THEN ', streaming = parallel' WHEN 'false' THEN ', streaming = off' WHEN 'f' THEN ', streaming = off' "
    "ELSE '' END, CASE WHEN pg_catalog.to_jsonb(o) ->> 'subtwophasestate' IN ('p', 'e') THEN ', "
    "two_phase = on' ELSE '' END, CASE WHEN pg_catalog.to_jsonb(o) ->> 'subdisableonerr' = 'true' THEN ', disable_on_error = true' ELSE "
    "'' END, CASE WHEN pg_catalog.to_jsonb(o) ->> 'suborigin' = 'none' THEN ', origin = none' ELSE '' END) FROM " SUB_FROM,
    OBJ_OWNER("SUBSCRIPTION", "format('%I', $1)", SUB_FROM, "subowner"),
    OBJ_COMMENT("SUBSCRIPTION", "format('%I', $1)", SUB_FROM, "pg_subscription"),
    NULL,
};

/* ---- access_method ---- */

static const catalog_listing access_method_list = LISTING(
    "access_methods", "Access Methods", CATALOG_AT_DATABASE,
    "SELECT amname, amname || CASE amtype WHEN 'i' THEN ' (index)' WHEN 't' THEN ' (table)' ELSE '' END, oid < 16384 "
    "OR " EXTENSION_MEMBER("oid", "pg_am") ", oid FROM pg_catalog.pg_am",
    NULL, "pg_am",
    COLUMNS({"type", "CASE o.amtype WHEN 'i' THEN 'index' WHEN 't' THEN 'table' END"},
	    {"handler", "o.amhandler::regproc::text"}, COMMENT("pg_am")),
    NULL, false);

static const char access_method_props[] =
    "SELECT o.amname AS name, o.oid::text AS oid, CASE o.amtype WHEN 'i' THEN 'index' WHEN 't' THEN 'table' END AS "
    "type, o.amhandler::regproc::text AS handler, o.oid < 16384 AS system, pg_catalog.obj_description(o.oid, "
    "'pg_am') AS comment FROM pg_catalog.pg_am o WHERE o.amname = $1";

#define AM_FROM "pg_catalog.pg_am o WHERE o.amname = $1"

static const char *const access_method_sql[] = {
    EXT_LINE("pg_catalog.pg_am") AM_FROM ") q WHERE e IS NOT NULL",
    "SELECT format('-- %s is built into PostgreSQL', $1) FROM " AM_FROM " AND o.oid < 16384",
    "SELECT format('CREATE ACCESS METHOD %I TYPE %s HANDLER %s;', o.amname, CASE o.amtype WHEN 'i' THEN 'INDEX' "
    "ELSE 'TABLE' END, o.amhandler::pg_catalog.regproc) FROM " AM_FROM
    " AND o.oid >= 16384" NOT_EXT("pg_catalog.pg_am"),
    OBJ_COMMENT("ACCESS METHOD", "format('%I', $1)", AM_FROM NOT_EXT("pg_catalog.pg_am"), "pg_am"),
    NULL,
};

/* ---- transform ---- */

/* named "type (language)" */
#define TRF_NAME "pg_catalog.format_type(o.trftype, NULL) || ' (' || l.lanname || ')'"

#define TRF_OID                                                                                                           \
	"(SELECT o.oid FROM pg_catalog.pg_transform o JOIN pg_catalog.pg_language l ON l.oid = o.trflang WHERE " TRF_NAME \
	" = $1)"

static const catalog_listing transform_list =
    LISTING("transforms", "Transforms", CATALOG_AT_DATABASE,
	    "SELECT " TRF_NAME ", " TRF_NAME ", " EXTENSION_MEMBER(
		"o.oid", "pg_transform") ", o.oid FROM "
					 "pg_catalog.pg_transform o JOIN pg_catalog.pg_language l ON l.oid = o.trflang",
	    NULL, "pg_transform", COLUMNS(COMMENT("pg_transform")), NULL, false);

static const char transform_props[] =
    "SELECT pg_catalog.format_type(o.trftype, NULL) AS type, (SELECT lanname FROM pg_catalog.pg_language WHERE oid = "
    "o.trflang) AS language, o.oid::text AS oid, NULLIF(o.trffromsql, 0)::regprocedure::text AS from_sql, "
    "NULLIF(o.trftosql, 0)::regprocedure::text AS to_sql, pg_catalog.obj_description(o.oid, 'pg_transform') AS "
    "comment FROM pg_catalog.pg_transform o WHERE o.oid = " TRF_OID;

#define TRF_FROM "pg_catalog.pg_transform o WHERE o.oid = " TRF_OID
#define TRF_WHAT                                                                                                       \
	"format('FOR %s LANGUAGE %I', pg_catalog.format_type(o.trftype, NULL), (SELECT lanname FROM "                  \
	"pg_catalog.pg_language WHERE oid = o.trflang))"

static const char *const transform_sql[] = {
    "SELECT format('CREATE TRANSFORM %s (%s);', " TRF_WHAT ", array_to_string(ARRAY[CASE WHEN o.trffromsql <> 0 "
    "THEN 'FROM SQL WITH FUNCTION ' || o.trffromsql::pg_catalog.regprocedure END, CASE WHEN o.trftosql <> 0 THEN "
    "'TO SQL WITH FUNCTION ' || o.trftosql::pg_catalog.regprocedure END], ', ')) FROM " TRF_FROM,
    OBJ_COMMENT("TRANSFORM", TRF_WHAT, TRF_FROM, "pg_transform"),
    NULL,
};

/* ---- default_privilege, schema_default_privilege ---- */

/* ALTER DEFAULT PRIVILEGES of one role for one kind of object, everywhere
 * (the database's) or in one schema, named "tables for role"; like pg_dump,
 * the changes from what PostgreSQL grants by itself (acldefault) everywhere,
 * from nothing in a schema. d is the pg_default_acl row. */
#define DEFACL_WORD                                                                                                      \
	"CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions' WHEN 'T' THEN " \
	"'types' WHEN 'n' THEN 'schemas' END"

#define DEFACL_NAME DEFACL_WORD " || ' for ' || pg_catalog.pg_get_userbyid(d.defaclrole)"

#define DEFACL_IN_SCHEMA " JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace WHERE n.nspname = $1"

#define DEFACL_SQL(where, name)                                                                                         \
	"SELECT format('ALTER DEFAULT PRIVILEGES FOR ROLE %I%s ', pg_catalog.pg_get_userbyid(d.defaclrole), s.clause) " \
	"|| CASE WHEN x.revoke THEN format('REVOKE %s%s ON %s FROM %s;', CASE WHEN x.option_only THEN 'GRANT OPTION "   \
	"FOR ' ELSE '' END, x.privs, upper(" DEFACL_WORD "), x.who) ELSE format('GRANT %s ON %s TO %s%s;', x.privs, "   \
	"upper(" DEFACL_WORD "), x.who, CASE WHEN x.go THEN ' WITH GRANT OPTION' ELSE '' END) END FROM "                \
	"pg_catalog.pg_default_acl d CROSS JOIN LATERAL (SELECT CASE WHEN d.defaclnamespace = 0 THEN '' ELSE "          \
	"format(' IN SCHEMA %I', (SELECT nspname FROM pg_catalog.pg_namespace WHERE oid = d.defaclnamespace)) END AS "  \
	"clause, CASE WHEN d.defaclnamespace = 0 THEN pg_catalog.acldefault(CASE d.defaclobjtype WHEN 'S' THEN 's' "    \
	"ELSE d.defaclobjtype END, d.defaclrole) ELSE NULL::pg_catalog.aclitem[] END AS start) s CROSS JOIN LATERAL "   \
	"(" ACL_DIFF("s.start", "d.defaclacl", "''") ") x " where " AND " DEFACL_NAME " = " name                        \
						     " ORDER BY x.revoke DESC, x.n, x.go"

#define DEFACL_PROPS(where, name)                                                                                      \
	"SELECT pg_catalog.pg_get_userbyid(d.defaclrole) AS role, (SELECT nspname FROM pg_catalog.pg_namespace WHERE " \
	"oid = d.defaclnamespace) AS schema, " DEFACL_WORD " AS objects, d.oid::text AS oid, d.defaclacl::text AS "    \
	"privileges FROM pg_catalog.pg_default_acl d" where " AND " DEFACL_NAME " = " name

static const catalog_listing default_privilege_list =
    LISTING("default_privileges", "Default Privileges", CATALOG_AT_DATABASE,
	    "SELECT " DEFACL_NAME ", " DEFACL_NAME ", false, d.oid FROM pg_catalog.pg_default_acl d "
	    "WHERE d.defaclnamespace = 0",
	    NULL, NULL, NO_COLUMNS, NULL, false);

static const char *const default_privilege_sql[] = {
    DEFACL_SQL(" WHERE d.defaclnamespace = 0", "$1"),
    NULL,
};

static const catalog_listing schema_default_privilege_list =
    LISTING("schema_default_privileges", "Default Privileges", CATALOG_AT_SCHEMA,
	    "SELECT " DEFACL_NAME ", " DEFACL_NAME ", false, d.oid FROM "
	    "pg_catalog.pg_default_acl d" DEFACL_IN_SCHEMA,
	    NULL, NULL, NO_COLUMNS, NULL, false);

static const char *const schema_default_privilege_sql[] = {
    DEFACL_SQL(" WHERE d.defaclnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = $1)", "$2"),
    NULL,
};

/* kind, icon, listing, second listing, children, parameters, identity, properties, statistics,
 * DDL, DDL by version, search: order, query, parent; statements: address type, keyword, form,
 * what PostgreSQL has, article; GRANT keyword, privileges */
const catalog_kind catalog_database_kinds[] = {
    KIND("schema", "schema", &schema_list, NULL, schema_children, 1,
	 "SELECT 'pg_catalog.pg_namespace'::regclass::oid, oid FROM pg_catalog.pg_namespace WHERE nspname = $1",
	 schema_props, NULL, schema_sql, NULL, 0, NULL, NULL, "schema", "SCHEMA", NAMED, GLOBAL_OBJECT, "a", "SCHEMA",
	 schema_privileges),
    KIND("extension", "extension", &extension_list, NULL, NULL, 1,
	 "SELECT 'pg_catalog.pg_extension'::regclass::oid, oid FROM pg_catalog.pg_extension WHERE extname = $1",
	 extension_props, NULL, extension_sql, NULL, 0, NULL, NULL, "extension", "EXTENSION", NAMED,
	 CAN_DROP | CAN_COMMENT | CAN_SCHEMA | CAN_CASCADE, "an", NULL, NULL),
    KIND("cast", "cast", &cast_list, NULL, NULL, 1, "SELECT 'pg_catalog.pg_cast'::regclass::oid, " CAST_OID, cast_props,
	 NULL, cast_sql, NULL, 0, NULL, NULL, "cast", "CAST", CAST, CAN_DROP | CAN_COMMENT | CAN_CASCADE, "a", NULL,
	 NULL),
    KIND("event_trigger", "event_trigger", &event_trigger_list, NULL, NULL, 1,
	 "SELECT 'pg_catalog.pg_event_trigger'::regclass::oid, oid FROM pg_catalog.pg_event_trigger WHERE evtname = $1",
	 event_trigger_props, NULL, event_trigger_sql, NULL, 0, NULL, NULL, "event trigger", "EVENT TRIGGER", NAMED,
	 GLOBAL_OBJECT, "an", NULL, NULL),
    KIND(
	"foreign_data_wrapper", "fdw", &foreign_data_wrapper_list, NULL, fdw_children, 1,
	"SELECT 'pg_catalog.pg_foreign_data_wrapper'::regclass::oid, oid FROM pg_catalog.pg_foreign_data_wrapper WHERE "
	"fdwname = $1",
	foreign_data_wrapper_props, NULL, fdw_sql, NULL, 0, NULL, NULL, "foreign-data wrapper", "FOREIGN DATA WRAPPER",
	NAMED, GLOBAL_OBJECT, "a", "FOREIGN DATA WRAPPER", foreign_data_wrapper_privileges),
    KIND("foreign_server", "foreign_server", &foreign_server_list, NULL, foreign_server_children, 2,
	 "SELECT 'pg_catalog.pg_foreign_server'::regclass::oid, " SRV, foreign_server_props, NULL, foreign_server_sql,
	 NULL, 0, NULL, NULL, "server", "SERVER", NAMED, GLOBAL_OBJECT, "a", "FOREIGN SERVER",
	 foreign_server_privileges),
    KIND(
	"user_mapping", "user_mapping", &user_mapping_list, NULL, NULL, 3,
	"SELECT 'pg_catalog.pg_user_mapping'::regclass::oid, m.umid FROM pg_catalog.pg_user_mappings m WHERE m.srvid = " SRV
	" AND m.usename = $3",
	user_mapping_props, NULL, user_mapping_sql, NULL, 0, NULL, NULL, "user mapping", "USER MAPPING", USER_MAPPING,
	CAN_DROP, "a", NULL, NULL),
    KIND("language", "language", &language_list, NULL, NULL, 1,
	 "SELECT 'pg_catalog.pg_language'::regclass::oid, oid FROM pg_catalog.pg_language WHERE lanname = $1",
	 language_props, NULL, language_sql, NULL, 0, NULL, NULL, "language", "LANGUAGE", NAMED, GLOBAL_OBJECT, "a",
	 "LANGUAGE", language_privileges),
    KIND("publication", "publication", &publication_list, NULL, NULL, 1,
	 "SELECT 'pg_catalog.pg_publication'::regclass::oid, oid FROM pg_catalog.pg_publication WHERE pubname = $1",
	 publication_props, NULL, publication_sql, publication_ddl_more, 0, NULL, NULL, "publication", "PUBLICATION",
	 NAMED, GLOBAL_OBJECT, "a", NULL, NULL),
    KIND(
	"subscription", "subscription", &subscription_list, NULL, NULL, 1,
	"SELECT 'pg_catalog.pg_subscription'::regclass::oid, oid FROM pg_catalog.pg_subscription WHERE subname = $1 AND "
	"subdbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())",
	subscription_props, NULL, subscription_sql, NULL, 0, NULL, NULL, "subscription", "SUBSCRIPTION", NAMED,
	GLOBAL_OBJECT | DROP_ALONE, "a", NULL, NULL),
    KIND("access_method", "index", &access_method_list, NULL, NULL, 1,
	 "SELECT 'pg_catalog.pg_am'::regclass::oid, oid FROM pg_catalog.pg_am WHERE amname = $1", access_method_props,
	 NULL, access_method_sql, NULL, 0, NULL, NULL, "access method", "ACCESS METHOD", NAMED,
	 CAN_DROP | CAN_COMMENT | CAN_CASCADE, "an", NULL, NULL),
    KIND("transform", "cast", &transform_list, NULL, NULL, 1,
	 "SELECT 'pg_catalog.pg_transform'::regclass::oid, " TRF_OID, transform_props, NULL, transform_sql, NULL, 0,
	 NULL, NULL, "transform", "TRANSFORM", TRANSFORM, CAN_DROP | CAN_COMMENT | CAN_CASCADE, "a", NULL, NULL),
    KIND(
	"default_privilege", "policy", &default_privilege_list, NULL, NULL, 1,
	"SELECT 'pg_catalog.pg_default_acl'::regclass::oid, d.oid FROM pg_catalog.pg_default_acl d WHERE d.defaclnamespace = 0 AND " DEFACL_NAME
	" = $1",
	DEFACL_PROPS(" WHERE d.defaclnamespace = 0", "$1"), NULL, default_privilege_sql, NULL, 0, NULL, NULL,
	"default acl", NULL, NAMED, 0, "a", NULL, NULL),
    KIND("schema_default_privilege", "policy", &schema_default_privilege_list, NULL, NULL, 2,
	 "SELECT 'pg_catalog.pg_default_acl'::regclass::oid, d.oid FROM pg_catalog.pg_default_acl d" DEFACL_IN_SCHEMA
	 " AND " DEFACL_NAME " = $2",
	 DEFACL_PROPS(DEFACL_IN_SCHEMA, "$2"), NULL, schema_default_privilege_sql, NULL, 0, NULL, NULL, NULL, NULL,
	 NAMED, 0, "a", NULL, NULL),
    {0},
};
