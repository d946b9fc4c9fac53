/* Object kinds, one row each: types, domains, collations and text search objects. Each kind's listing, its
 * queries and its DDL come first; the rows at the end tie them together. */
#include "catalog/kinds.h"

static const char *const domain_children[] = {"domain_constraints", NULL};

/* ---- type ---- */

/* GRANT ... ON TYPE, for types and domains alike (as pg_dump writes them) */
#define TYPE_GRANTS                                                                                                    \
	GRANTS("'TYPE'", "'T'", QNAME, "pg_catalog.pg_type o WHERE o.oid = " TYPE, "typacl", "typowner", "pg_type")

static const catalog_listing type_list = LISTING(
    "types", "Types", CATALOG_AT_SCHEMA, /* multirange types PostgreSQL makes with each range type are system objects;
					    shell types are listed */
    "SELECT t.typname, t.typname || CASE WHEN NOT t.typisdefined THEN ' (shell)' ELSE CASE t.typtype WHEN 'c' THEN "
    "' (composite)' WHEN 'e' THEN ' (enum)' WHEN 'r' THEN ' (range)' WHEN 'm' THEN ' (multirange)' WHEN 'b' THEN "
    "' (base)' ELSE '' END END, " EXTENSION_MEMBER(
	"t.oid",
	"pg_type") " OR t.typtype = 'm', t.oid FROM "
		   "pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1 "
		   "AND (t.typtype IN ('b', 'c', 'e', 'r', 'm') OR NOT t.typisdefined) AND (t.typtype <> 'c' OR t.typrelid IN "
		   "(SELECT c.oid FROM pg_catalog.pg_class c WHERE c.relkind = 'c')) "
		   "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type el WHERE el.oid = t.typelem AND el.typarray = t.oid)",
    NULL, "pg_type",
    COLUMNS(OWNER("typowner"),
	    {"type", "CASE o.typtype WHEN 'c' THEN 'composite' WHEN 'e' THEN 'enum' WHEN 'r' THEN 'range' "
		     "WHEN 'm' THEN 'multirange' WHEN 'b' THEN 'base' END"},
	    COMMENT("pg_type")),
    NULL, false);

static const char type_props[] =
    "SELECT t.typname AS name, n.nspname AS schema, pg_catalog.pg_get_userbyid(t.typowner) AS owner, t.oid::text AS "
    "oid, CASE t.typtype WHEN 'e' THEN 'enum' WHEN 'c' THEN 'composite' WHEN 'r' THEN 'range' WHEN 'm' THEN "
    "'multirange' WHEN 'd' THEN 'domain' ELSE 'base' END AS type_kind, (SELECT string_agg(e.enumlabel, ', ' ORDER BY "
    "e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid) AS labels, CASE WHEN t.typtype = 'd' THEN "
    "pg_catalog.format_type(t.typbasetype, t.typtypmod) END AS base_type, t.typdefault AS default_value, CASE WHEN "
    "t.typtype = 'd' THEN t.typnotnull END AS not_null, t.typacl::text AS privileges, "
    "pg_catalog.obj_description(t.oid, 'pg_type') AS comment FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n "
    "ON n.oid = t.typnamespace WHERE t.oid = " TYPE;

static const char type_search[] =
    "SELECT n.nspname, t.typname, NULL, t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON "
    "n.oid = t.typnamespace WHERE t.typtype IN ('c', 'e', 'r', 'm', 'b') AND (t.typrelid = 0 OR (SELECT c.relkind "
    "FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid) = 'c') AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type "
    "el WHERE el.oid = t.typelem AND el.typarray = t.oid) AND t.typname ILIKE $1";

static const char *const type_sql[] = {
    "SELECT format('CREATE TYPE %I.%I AS ENUM (%s);', $1, $2, string_agg(format('%L', e.enumlabel), ', ' ORDER BY "
    "e.enumsortorder)) FROM pg_catalog.pg_enum e WHERE e.enumtypid = " TYPE " HAVING count(*) > 0",
    "SELECT format(E'CREATE TYPE %I.%I AS (\\n%s\\n);', $1, $2, string_agg('    ' || format('%I', a.attname) || ' ' || "
    "pg_catalog.format_type(a.atttypid, a.atttypmod), E',\\n' ORDER BY a.attnum)) FROM pg_catalog.pg_type t JOIN "
    "pg_catalog.pg_attribute a ON a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped WHERE t.oid = " TYPE
    " AND t.typtype = 'c' HAVING count(*) > 0",
    /* a shell type, as CREATE TYPE name makes it (before its I/O functions) */
    "SELECT format('CREATE TYPE %I.%I;', $1, $2) FROM pg_catalog.pg_type t WHERE t.oid = " TYPE
    " AND NOT t.typisdefined",
    "SELECT format('CREATE TYPE %I.%I AS RANGE (SUBTYPE = %s%s%s%s%s);', $1, $2, "
    "pg_catalog.format_type(r.rngsubtype, NULL), CASE WHEN r.rngsubopc <> (SELECT o.oid FROM pg_catalog.pg_opclass o "
    "WHERE o.opcintype = r.rngsubtype AND o.opcdefault AND o.opcmethod = 403) THEN ', SUBTYPE_OPCLASS = ' || "
    "(SELECT format('%I.%I', on2.nspname, o.opcname) FROM pg_catalog.pg_opclass o JOIN pg_catalog.pg_namespace on2 "
    "ON on2.oid = o.opcnamespace WHERE o.oid = r.rngsubopc) ELSE '' END, CASE WHEN r.rngcollation <> 0 AND "
    "r.rngcollation <> (SELECT typcollation FROM pg_catalog.pg_type WHERE oid = r.rngsubtype) THEN ', COLLATION = ' "
    "|| (SELECT format('%I.%I', cn.nspname, co.collname) FROM pg_catalog.pg_collation co JOIN "
    "pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = r.rngcollation) ELSE '' END, "
    "CASE WHEN r.rngcanonical <> 0 THEN ', CANONICAL = ' || r.rngcanonical::regproc ELSE '' END, CASE WHEN "
    "r.rngsubdiff <> 0 THEN ', SUBTYPE_DIFF = ' || r.rngsubdiff::regproc ELSE '' END, COALESCE(', MULTIRANGE_TYPE_NAME "
    "= ' || (SELECT format('%I.%I', mn.nspname, mt.typname) FROM pg_catalog.pg_type mt JOIN pg_catalog.pg_namespace "
    "mn ON mn.oid = mt.typnamespace WHERE mt.oid = (to_jsonb(r) ->> 'rngmultitypid')::oid), '')) "
    /* multiranges exist from 14: read the column through to_jsonb so 13 has no missing column */
    "FROM pg_catalog.pg_range r WHERE r.rngtypid = " TYPE,
    /* a base type: its I/O functions are objects of their own (and need the shell type first) */
    "SELECT format(E'CREATE TYPE %I.%I (\n    INPUT = %s,\n    OUTPUT = %s%s%s%s%s%s%s,\n    INTERNALLENGTH = %s%s,"
    "\n    ALIGNMENT = %s,\n    STORAGE = %s%s%s%s%s%s%s\n);', $1, $2, t.typinput::pg_catalog.regproc, "
    "t.typoutput::pg_catalog.regproc, CASE WHEN t.typreceive <> 0 THEN E',\n    RECEIVE = ' || "
    "t.typreceive::pg_catalog.regproc ELSE '' END, CASE WHEN t.typsend <> 0 THEN E',\n    SEND = ' || "
    "t.typsend::pg_catalog.regproc ELSE '' END, CASE WHEN t.typmodin <> 0 THEN E',\n    TYPMOD_IN = ' || "
    "t.typmodin::pg_catalog.regproc ELSE '' END, CASE WHEN t.typmodout <> 0 THEN E',\n    TYPMOD_OUT = ' || "
    "t.typmodout::pg_catalog.regproc ELSE '' END, CASE WHEN t.typanalyze <> 0 THEN E',\n    ANALYZE = ' || "
    "t.typanalyze::pg_catalog.regproc ELSE '' END, CASE WHEN COALESCE(to_jsonb(t) ->> 'typsubscript', '-') NOT IN "
    "('-', 'raw_array_subscript_handler') THEN E',\n    SUBSCRIPT = ' || (to_jsonb(t) ->> 'typsubscript') ELSE '' "
    "END, CASE WHEN t.typlen = -1 THEN 'VARIABLE' ELSE t.typlen::text END, CASE WHEN t.typbyval THEN E',\n    "
    "PASSEDBYVALUE' ELSE '' END, CASE t.typalign WHEN 'c' THEN 'char' WHEN 's' THEN 'int2' WHEN 'i' THEN 'int4' "
    "ELSE 'double' END, CASE t.typstorage WHEN 'p' THEN 'plain' WHEN 'e' THEN 'external' WHEN 'x' THEN 'extended' "
    "ELSE 'main' END, CASE WHEN t.typcategory <> 'U' THEN E',\n    CATEGORY = ' || quote_literal(t.typcategory::text) "
    "ELSE '' END, CASE WHEN t.typispreferred THEN E',\n    PREFERRED = true' ELSE '' END, CASE WHEN t.typdefault "
    "IS NOT NULL THEN E',\n    DEFAULT = ' || quote_literal(t.typdefault) ELSE '' END, CASE WHEN t.typelem <> 0 "
    "THEN E',\n    ELEMENT = ' || pg_catalog.format_type(t.typelem, NULL) ELSE '' END, CASE WHEN t.typdelim <> "
    "',' THEN E',\n    DELIMITER = ' || quote_literal(t.typdelim::text) ELSE '' END, CASE WHEN t.typcollation <> 0 "
    "THEN E',\n    COLLATABLE = true' ELSE '' END) FROM pg_catalog.pg_type t WHERE t.oid = " TYPE
    " AND t.typtype = 'b'",
    "SELECT format('ALTER TYPE %I.%I OWNER TO %I;', $1, $2, pg_catalog.pg_get_userbyid(t.typowner)) FROM "
    "pg_catalog.pg_type t WHERE t.oid = " TYPE,
    "SELECT format('COMMENT ON TYPE %I.%I IS %L;', $1, $2, d) FROM pg_catalog.obj_description(" TYPE
    ", 'pg_type') d WHERE d IS NOT NULL",
    TYPE_GRANTS,
    NULL,
};

static const char *const type_privileges[] = {"USAGE", NULL};

/* ---- domain ---- */

static const catalog_listing domain_list = LISTING(
    "domains", "Domains", CATALOG_AT_SCHEMA, SCHEMA_OBJ("pg_type", "typname", "typnamespace", " AND o.typtype = 'd'"),
    NULL, "pg_type",
    COLUMNS(OWNER("typowner"), {"data_type", "pg_catalog.format_type(o.typbasetype, o.typtypmod)"}, COMMENT("pg_type")),
    NULL, false);

/* Like pg_dump: the domain with its valid constraints (CHECK, and NOT NULL,
 * which is a named constraint from PostgreSQL 17), those not yet validated
 * added after with NOT VALID, then the constraints' comments. */
static const char *const domain_sql[] = {
    "SELECT format('CREATE DOMAIN %I.%I AS %s%s%s%s%s;', $1, $2, pg_catalog.format_type(t.typbasetype, t.typtypmod), "
    "CASE WHEN t.typcollation <> 0 AND t.typcollation <> (SELECT typcollation FROM pg_catalog.pg_type WHERE oid = "
    "t.typbasetype) THEN ' COLLATE ' || (SELECT format('%I.%I', cn.nspname, co.collname) FROM pg_catalog.pg_collation "
    "co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = t.typcollation) ELSE '' END, "
    "COALESCE(' DEFAULT ' || COALESCE(pg_catalog.pg_get_expr(t.typdefaultbin, 0), t.typdefault), ''), CASE WHEN "
    "t.typnotnull AND NOT EXISTS (SELECT FROM "
    "pg_catalog.pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'n') THEN ' NOT NULL' ELSE '' END, "
    "COALESCE((SELECT string_agg(format(E'\\n\\tCONSTRAINT %I %s', k.conname, pg_catalog.pg_get_constraintdef(k.oid)), "
    "'' ORDER BY k.conname) FROM pg_catalog.pg_constraint k WHERE k.contypid = t.oid AND k.convalidated), '')) FROM "
    "pg_catalog.pg_type t WHERE t.oid = " TYPE,
    "SELECT format('ALTER DOMAIN %I.%I ADD CONSTRAINT %I %s;', $1, $2, k.conname, "
    "pg_catalog.pg_get_constraintdef(k.oid)) FROM pg_catalog.pg_constraint k WHERE k.contypid = " TYPE
    " AND NOT k.convalidated ORDER BY k.conname",
    "SELECT format('ALTER DOMAIN %I.%I OWNER TO %I;', $1, $2, pg_catalog.pg_get_userbyid(t.typowner)) FROM "
    "pg_catalog.pg_type t WHERE t.oid = " TYPE,
    "SELECT format('COMMENT ON DOMAIN %I.%I IS %L;', $1, $2, d) FROM pg_catalog.obj_description(" TYPE
    ", 'pg_type') d WHERE d IS NOT NULL",
    "SELECT format('COMMENT ON CONSTRAINT %I ON DOMAIN %I.%I IS %L;', k.conname, $1, $2, d) FROM "
    "pg_catalog.pg_constraint k, pg_catalog.obj_description(k.oid, 'pg_constraint') d WHERE k.contypid = " TYPE
    " AND d IS NOT NULL ORDER BY k.conname",
    TYPE_GRANTS,
    NULL,
};

static const char *const domain_privileges[] = {"USAGE", NULL};

/* ---- domain_constraint ---- */

static const catalog_listing domain_constraint_list =
    LISTING("domain_constraints", "Constraints", CATALOG_AT_DOMAIN,
	    "SELECT c.conname, c.conname, false, c.oid FROM pg_catalog.pg_constraint c JOIN pg_catalog.pg_type t "
	    "ON t.oid = c.contypid JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
	    "WHERE n.nspname = $1 AND t.typname = $2",
	    NULL, "pg_constraint",
	    COLUMNS({"definition", "pg_catalog.pg_get_constraintdef(x.oid)"}, COMMENT("pg_constraint")), NULL, false);

static const char domain_constraint_props[] =
    "SELECT k.conname AS name, k.oid::text AS oid, pg_catalog.pg_get_constraintdef(k.oid) AS definition, "
    "k.convalidated AS validated, pg_catalog.obj_description(k.oid, 'pg_constraint') AS comment FROM "
    "pg_catalog.pg_constraint k WHERE k.contypid = " TYPE " AND k.conname = $3";

/* a constraint of its own, added to the domain (NOT VALID when it is not validated) */
static const char *const domain_constraint_sql[] = {
    "SELECT format('ALTER DOMAIN %I.%I ADD CONSTRAINT %I %s;', $1, $2, k.conname, "
    "pg_catalog.pg_get_constraintdef(k.oid)) FROM pg_catalog.pg_constraint k WHERE k.contypid = " TYPE
    " AND k.conname = $3",
    "SELECT format('COMMENT ON CONSTRAINT %I ON DOMAIN %I.%I IS %L;', k.conname, $1, $2, d) FROM "
    "pg_catalog.pg_constraint k, pg_catalog.obj_description(k.oid, 'pg_constraint') d WHERE k.contypid = " TYPE
    " AND k.conname = $3 AND d IS NOT NULL",
    NULL,
};

/* ---- collation ---- */

static const catalog_listing collation_list =
    LISTING("collations", "Collations", CATALOG_AT_SCHEMA, SCHEMA_OBJ("pg_collation", "collname", "collnamespace", ""),
	    NULL, "pg_collation", OWNED("pg_collation", "collowner"), NULL, false);

static const char collation_props[] =
    "SELECT o.collname AS name, $1 AS schema, pg_catalog.pg_get_userbyid(o.collowner) AS owner, o.oid::text AS oid, "
    "CASE o.collprovider WHEN 'i' THEN 'icu' WHEN 'b' THEN 'builtin' WHEN 'd' THEN 'default' ELSE 'libc' END AS "
    "provider, COALESCE(pg_catalog.to_jsonb(o) ->> 'colllocale', pg_catalog.to_jsonb(o) ->> 'colliculocale', "
    "o.collcollate) AS locale, o.collcollate AS lc_collate, o.collctype AS lc_ctype, o.collisdeterministic AS "
    "deterministic, o.collversion AS version, pg_catalog.obj_description(o.oid, 'pg_collation') AS comment FROM "
    "pg_catalog.pg_collation o WHERE o.oid = " COLL;

static const char *const collation_sql[] = {
    /* the locale columns moved between versions: read them through to_jsonb */
    "SELECT format('CREATE COLLATION %I.%I (provider = %s, %s%s%s);', $1, $2, CASE o.collprovider WHEN 'i' THEN "
    "'icu' WHEN 'b' THEN 'builtin' ELSE 'libc' END, CASE WHEN o.collprovider IN ('i', 'b') THEN format('locale = "
    "%L', COALESCE(pg_catalog.to_jsonb(o) ->> 'colllocale', "
    "pg_catalog.to_jsonb(o) ->> 'colliculocale', o.collcollate)) WHEN o.collcollate = o.collctype THEN "
    "format('locale = %L', o.collcollate) ELSE format('lc_collate = %L, lc_ctype = %L', o.collcollate, o.collctype) "
    "END, CASE WHEN NOT o.collisdeterministic THEN ', deterministic = false' ELSE '' END, "
    "COALESCE(', rules = ' || quote_literal(pg_catalog.to_jsonb(o) ->> 'collicurules'), '')) FROM " COLL_FROM,
    OBJ_OWNER("COLLATION", "format('%I.%I', $1, $2)", COLL_FROM, "collowner"),
    OBJ_COMMENT("COLLATION", "format('%I.%I', $1, $2)", COLL_FROM, "pg_collation"),
    NULL,
};

/* ---- fts_configuration ---- */

static const catalog_listing fts_configuration_list =
    LISTING("fts_configurations", "FTS Configurations", CATALOG_AT_SCHEMA,
	    SCHEMA_OBJ("pg_ts_config", "cfgname", "cfgnamespace", ""), NULL, "pg_ts_config",
	    OWNED("pg_ts_config", "cfgowner"), NULL, false);

static const char fts_configuration_props[] =
    "SELECT o.cfgname AS name, $1 AS schema, pg_catalog.pg_get_userbyid(o.cfgowner) AS owner, o.oid::text AS oid, "
    "(SELECT prsname FROM pg_catalog.pg_ts_parser WHERE oid = "
    "o.cfgparser) AS parser, pg_catalog.obj_description(o.oid, 'pg_ts_config') AS comment FROM "
    "pg_catalog.pg_ts_config o WHERE o.oid = " FTS("pg_ts_config", "cfg");

static const char *const fts_configuration_sql[] = {
    "SELECT format('CREATE TEXT SEARCH CONFIGURATION %I.%I (PARSER = %s);', $1, $2, (SELECT format('%I.%I', "
    "pn.nspname, p.prsname) FROM pg_catalog.pg_ts_parser p JOIN pg_catalog.pg_namespace pn ON pn.oid = "
    "p.prsnamespace WHERE p.oid = o.cfgparser)) FROM " FTS_FROM("pg_ts_config", "cfg"),
    "SELECT format('ALTER TEXT SEARCH CONFIGURATION %I.%I ADD MAPPING FOR %s WITH %s;', $1, $2, t.alias, "
    "string_agg(format('%I.%I', dn.nspname, d.dictname), ', ' ORDER BY m.mapseqno)) FROM pg_catalog.pg_ts_config o "
    "JOIN pg_catalog.pg_namespace n ON n.oid = o.cfgnamespace JOIN pg_catalog.pg_ts_config_map m ON m.mapcfg = o.oid "
    "JOIN pg_catalog.pg_ts_dict d ON d.oid = m.mapdict JOIN pg_catalog.pg_namespace dn ON dn.oid = d.dictnamespace "
    "JOIN pg_catalog.ts_token_type(o.cfgparser) t ON t.tokid = m.maptokentype WHERE n.nspname = $1 AND "
    "o.cfgname = $2 GROUP BY m.maptokentype, t.alias ORDER BY m.maptokentype",
    OBJ_OWNER("TEXT SEARCH CONFIGURATION", QNAME, FTS_FROM("pg_ts_config", "cfg"), "cfgowner"),
    OBJ_COMMENT("TEXT SEARCH CONFIGURATION", QNAME, FTS_FROM("pg_ts_config", "cfg"), "pg_ts_config"),
    NULL,
};

/* ---- fts_dictionary ---- */

static const catalog_listing fts_dictionary_list =
    LISTING("fts_dictionaries", "FTS Dictionaries", CATALOG_AT_SCHEMA,
	    SCHEMA_OBJ("pg_ts_dict", "dictname", "dictnamespace", ""), NULL, "pg_ts_dict",
	    OWNED("pg_ts_dict", "dictowner"), NULL, false);

static const char fts_dictionary_props[] =
    "SELECT o.dictname AS name, $1 AS schema, pg_catalog.pg_get_userbyid(o.dictowner) AS owner, o.oid::text AS oid, "
    "(SELECT tmplname FROM pg_catalog.pg_ts_template WHERE oid = o.dicttemplate) AS template, o.dictinitoption AS "
    "options, pg_catalog.obj_description(o.oid, 'pg_ts_dict') AS comment FROM pg_catalog.pg_ts_dict o WHERE o.oid = " FTS(
	"pg_ts_dict", "dict");

static const char *const fts_dictionary_sql[] = {
    "SELECT format('CREATE TEXT SEARCH DICTIONARY %I.%I (TEMPLATE = %s%s);', $1, $2, (SELECT format('%I.%I', "
    "tn.nspname, t.tmplname) FROM pg_catalog.pg_ts_template t JOIN pg_catalog.pg_namespace tn ON tn.oid = "
    "t.tmplnamespace WHERE t.oid = o.dicttemplate), COALESCE(', ' || o.dictinitoption, '')) FROM " FTS_FROM(
	"pg_ts_dict", "dict"),
    OBJ_OWNER("TEXT SEARCH DICTIONARY", QNAME, FTS_FROM("pg_ts_dict", "dict"), "dictowner"),
    OBJ_COMMENT("TEXT SEARCH DICTIONARY", QNAME, FTS_FROM("pg_ts_dict", "dict"), "pg_ts_dict"),
    NULL,
};

/* ---- fts_parser ---- */

static const catalog_listing fts_parser_list =
    LISTING("fts_parsers", "FTS Parsers", CATALOG_AT_SCHEMA, SCHEMA_OBJ("pg_ts_parser", "prsname", "prsnamespace", ""),
	    NULL, "pg_ts_parser", COLUMNS(COMMENT("pg_ts_parser")), NULL, false);

static const char fts_parser_props[] =
    "SELECT o.prsname AS name, $1 AS schema, o.oid::text AS oid, o.prsstart::regproc::text AS start, "
    "o.prstoken::regproc::text AS gettoken, o.prsend::regproc::text AS \"end\", o.prslextype::regproc::text AS "
    "lextypes, NULLIF(o.prsheadline, 0)::regproc::text AS headline, pg_catalog.obj_description(o.oid, "
    "'pg_ts_parser') AS comment FROM pg_catalog.pg_ts_parser o WHERE o.oid = " FTS("pg_ts_parser", "prs");

static const char *const fts_parser_sql[] = {
    "SELECT format('CREATE TEXT SEARCH PARSER %I.%I (START = %s, GETTOKEN = %s, END = %s, LEXTYPES = %s%s);', $1, $2, "
    "o.prsstart::pg_catalog.regproc, o.prstoken::pg_catalog.regproc, o.prsend::pg_catalog.regproc, "
    "o.prslextype::pg_catalog.regproc, COALESCE(', HEADLINE = ' || " FN("o.prsheadline") ", '')) FROM " FTS_FROM(
	"pg_ts_parser", "prs"),
    OBJ_COMMENT("TEXT SEARCH PARSER", QNAME, FTS_FROM("pg_ts_parser", "prs"), "pg_ts_parser"),
    NULL,
};

/* ---- fts_template ---- */

static const catalog_listing fts_template_list = LISTING(
    "fts_templates", "FTS Templates", CATALOG_AT_SCHEMA, SCHEMA_OBJ("pg_ts_template", "tmplname", "tmplnamespace", ""),
    NULL, "pg_ts_template", COLUMNS(COMMENT("pg_ts_template")), NULL, false);

static const char fts_template_props[] =
    "SELECT o.tmplname AS name, $1 AS schema, o.oid::text AS oid, NULLIF(o.tmplinit, 0)::regproc::text AS init, "
    "o.tmpllexize::regproc::text AS lexize, pg_catalog.obj_description(o.oid, 'pg_ts_template') AS comment FROM "
    "pg_catalog.pg_ts_template o WHERE o.oid = " FTS("pg_ts_template", "tmpl");

static const char *const fts_template_sql[] = {
    "SELECT format('CREATE TEXT SEARCH TEMPLATE %I.%I (%sLEXIZE = %s);', $1, $2, COALESCE('INIT = ' || " FN(
	"o.tmplinit") " || ', ', ''), o.tmpllexize::pg_catalog.regproc) FROM " FTS_FROM("pg_ts_template", "tmpl"),
    OBJ_COMMENT("TEXT SEARCH TEMPLATE", QNAME, FTS_FROM("pg_ts_template", "tmpl"), "pg_ts_template"),
    NULL,
};

/* kind, icon, listing, second listing, children, parameters, identity, properties, statistics,
 * DDL, DDL by version, search: order, query, parent; statements: address type, keyword, form,
 * what PostgreSQL has, article; GRANT keyword, privileges */
const catalog_kind catalog_type_kinds[] = {
    KIND("type", "type", &type_list, NULL, NULL, 2, "SELECT 'pg_catalog.pg_type'::regclass::oid, " TYPE, type_props,
	 NULL, type_sql, NULL, 6, type_search, NULL, "type", "TYPE", NAMED, SCHEMA_OBJECT, "a", "TYPE",
	 type_privileges),
    KIND("domain", "domain", &domain_list, NULL, domain_children, 2,
	 "SELECT 'pg_catalog.pg_type'::regclass::oid, " TYPE, type_props, NULL, domain_sql, NULL, 0, NULL, NULL,
	 "domain", "DOMAIN", NAMED, SCHEMA_OBJECT, "a", "DOMAIN", domain_privileges),
    KIND(
	"domain_constraint", "constraint", &domain_constraint_list, NULL, NULL, 3,
	"SELECT 'pg_catalog.pg_constraint'::regclass::oid, k.oid FROM pg_catalog.pg_constraint k WHERE k.contypid = " TYPE
	" AND k.conname = $3",
	domain_constraint_props, NULL, domain_constraint_sql, NULL, 0, NULL, NULL, "domain constraint", "CONSTRAINT",
	DOMAIN_CONSTRAINT, PART, "a", NULL, NULL),
    KIND("collation", "collation", &collation_list, NULL, NULL, 2,
	 "SELECT 'pg_catalog.pg_collation'::regclass::oid, " COLL, collation_props, NULL, collation_sql, NULL, 0, NULL,
	 NULL, "collation", "COLLATION", NAMED, SCHEMA_OBJECT, "a", NULL, NULL),
    KIND("fts_configuration", "fts", &fts_configuration_list, NULL, NULL, 2,
	 "SELECT 'pg_catalog.pg_ts_config'::regclass::oid, " FTS("pg_ts_config", "cfg"), fts_configuration_props, NULL,
	 fts_configuration_sql, NULL, 0, NULL, NULL, "text search configuration", "TEXT SEARCH CONFIGURATION", NAMED,
	 SCHEMA_OBJECT, "a", NULL, NULL),
    KIND("fts_dictionary", "fts", &fts_dictionary_list, NULL, NULL, 2,
	 "SELECT 'pg_catalog.pg_ts_dict'::regclass::oid, " FTS("pg_ts_dict", "dict"), fts_dictionary_props, NULL,
	 fts_dictionary_sql, NULL, 0, NULL, NULL, "text search dictionary", "TEXT SEARCH DICTIONARY", NAMED,
	 SCHEMA_OBJECT, "a", NULL, NULL),
    KIND("fts_parser", "fts", &fts_parser_list, NULL, NULL, 2,
	 "SELECT 'pg_catalog.pg_ts_parser'::regclass::oid, " FTS("pg_ts_parser", "prs"), fts_parser_props, NULL,
	 fts_parser_sql, NULL, 0, NULL, NULL, "text search parser", "TEXT SEARCH PARSER", NAMED,
	 SCHEMA_OBJECT & ~CAN_OWNER, "a", NULL, NULL),
    KIND("fts_template", "fts", &fts_template_list, NULL, NULL, 2,
	 "SELECT 'pg_catalog.pg_ts_template'::regclass::oid, " FTS("pg_ts_template", "tmpl"), fts_template_props, NULL,
	 fts_template_sql, NULL, 0, NULL, NULL, "text search template", "TEXT SEARCH TEMPLATE", NAMED,
	 SCHEMA_OBJECT & ~CAN_OWNER, "a", NULL, NULL),
    {0},
};
