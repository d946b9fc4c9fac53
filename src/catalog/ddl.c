/* Reverse-engineered DDL, as data: for each kind, queries that return the
 * statements (in order) that recreate the object like pg_dump would,
 * quoting every name and literal with format('%I') / format('%L') on the
 * server. $1, $2 are the ancestor names, the last parameter the member. */
#include "catalog/catalog.h"

#include <stdlib.h>
#include <string.h>

#include "util/str.h"

#define REL(kinds)                                                                                                     \
	"(SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "            \
	"WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN (" kinds "))"

#define TBL REL("'r', 'p'")

/* owner, comment and privileges of any pg_class relation; %s is the object word */
#define REL_OWNER(word)                                                                                                \
	"SELECT format('ALTER " word " %I.%I OWNER TO %I;', n.nspname, c.relname, "                                    \
	"pg_catalog.pg_get_userbyid(c.relowner)) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "            \
	"ON n.oid = c.relnamespace WHERE c.oid = " REL("'r', 'p', 'v', 'm', 'S', 'f'")
#define REL_COMMENT(word)                                                                                              \
	"SELECT format('COMMENT ON " word " %I.%I IS %L;', $1, $2, d) FROM "                                           \
	"pg_catalog.obj_description(" REL("'r', 'p', 'v', 'm', 'S', 'f'") ", 'pg_class') d WHERE d IS NOT NULL"
#define REL_GRANTS(word)                                                                                               \
	"SELECT format('GRANT %s ON " word " %I.%I TO %s%s;', a.privilege_type, $1, $2, "                               \
	"CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END, "           \
	"CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END) FROM pg_catalog.pg_class c, "                 \
	"pg_catalog.aclexplode(c.relacl) a WHERE c.oid = " REL("'r', 'p', 'v', 'm', 'S', 'f'")                           \
	" AND a.grantee <> c.relowner ORDER BY a.grantee, a.privilege_type"

static const char *const sequence_sql[] = {
	"SELECT format('CREATE SEQUENCE %I.%I AS %s START WITH %s INCREMENT BY %s MINVALUE %s MAXVALUE %s CACHE %s%s;', "
	"$1, $2, pg_catalog.format_type(q.seqtypid, NULL), q.seqstart, q.seqincrement, q.seqmin, q.seqmax, q.seqcache, "
	"CASE WHEN q.seqcycle THEN ' CYCLE' ELSE '' END) FROM pg_catalog.pg_sequence q WHERE q.seqrelid = " REL("'S'"),
	REL_OWNER("SEQUENCE"),
	REL_COMMENT("SEQUENCE"),
	REL_GRANTS("SEQUENCE"),
	NULL,
};

/* Sequences a table owns through a serial column (not identity columns). */
#define OWNED_SEQ                                                                                                      \
	" FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S' "               \
	"JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace JOIN pg_catalog.pg_sequence q ON q.seqrelid = s.oid " \
	"JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "                        \
	"WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass "         \
	"AND d.deptype = 'a' AND d.refobjid = " TBL

static const char *const table_sql[] = {
	/* sequences of serial columns come first */
	"SELECT format('CREATE SEQUENCE %I.%I AS %s START WITH %s INCREMENT BY %s MINVALUE %s MAXVALUE %s CACHE %s%s;', "
	"sn.nspname, s.relname, pg_catalog.format_type(q.seqtypid, NULL), q.seqstart, q.seqincrement, q.seqmin, "
	"q.seqmax, q.seqcache, CASE WHEN q.seqcycle THEN ' CYCLE' ELSE '' END)" OWNED_SEQ " ORDER BY 1",
	/* the table: columns and constraints other than foreign keys */
	"SELECT 'CREATE ' || CASE c.relpersistence WHEN 'u' THEN 'UNLOGGED ' ELSE '' END || 'TABLE ' || "
	"format('%I.%I', n.nspname, c.relname) || CASE WHEN c.relispartition THEN ' PARTITION OF ' || "
	"(SELECT format('%I.%I', pn.nspname, p.relname) FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class p "
	"ON p.oid = i.inhparent JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace WHERE i.inhrelid = c.oid) "
	"|| ' ' || pg_catalog.pg_get_expr(c.relpartbound, c.oid) ELSE ' (' || E'\\n' || COALESCE((SELECT "
	"string_agg(item, E',\\n' ORDER BY ord) FROM (SELECT a.attnum AS ord, '    ' || format('%I', a.attname) || ' ' || "
	"pg_catalog.format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attcollation <> 0 AND a.attcollation <> "
	"t.typcollation THEN ' COLLATE ' || (SELECT format('%I.%I', cn.nspname, co.collname) FROM "
	"pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = "
	"a.attcollation) ELSE '' END || CASE WHEN a.attgenerated = 's' THEN ' GENERATED ALWAYS AS (' || "
	"pg_catalog.pg_get_expr(d.adbin, d.adrelid) || ') STORED' WHEN d.adbin IS NOT NULL THEN ' DEFAULT ' || "
	"pg_catalog.pg_get_expr(d.adbin, d.adrelid) ELSE '' END || CASE a.attidentity WHEN 'a' THEN "
	"' GENERATED ALWAYS AS IDENTITY' WHEN 'd' THEN ' GENERATED BY DEFAULT AS IDENTITY' ELSE '' END || "
	"CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END AS item FROM pg_catalog.pg_attribute a "
	"JOIN pg_catalog.pg_type t ON t.oid = a.atttypid LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid "
	"AND d.adnum = a.attnum WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attislocal "
	"UNION ALL SELECT 100000 + row_number() OVER (ORDER BY k.conname), '    CONSTRAINT ' || format('%I', k.conname) "
	"|| ' ' || pg_catalog.pg_get_constraintdef(k.oid) FROM pg_catalog.pg_constraint k WHERE k.conrelid = c.oid "
	"AND k.contype IN ('p', 'u', 'c', 'x') AND k.conislocal) items), '') || E'\\n)' || COALESCE((SELECT "
	"' INHERITS (' || string_agg(format('%I.%I', pn.nspname, p.relname), ', ' ORDER BY i.inhseqno) || ')' FROM "
	"pg_catalog.pg_inherits i JOIN pg_catalog.pg_class p ON p.oid = i.inhparent JOIN pg_catalog.pg_namespace pn "
	"ON pn.oid = p.relnamespace WHERE i.inhrelid = c.oid), '') || CASE WHEN c.relkind = 'p' THEN "
	"' PARTITION BY ' || pg_catalog.pg_get_partkeydef(c.oid) ELSE '' END END || CASE WHEN c.reloptions IS NOT NULL "
	"THEN ' WITH (' || array_to_string(c.reloptions, ', ') || ')' ELSE '' END || COALESCE(' TABLESPACE ' || "
	"(SELECT format('%I', spcname) FROM pg_catalog.pg_tablespace WHERE oid = c.reltablespace), '') || ';' "
	"FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = " TBL,
	"SELECT format('ALTER SEQUENCE %I.%I OWNED BY %I.%I.%I;', sn.nspname, s.relname, $1, $2, a.attname)" OWNED_SEQ
	" ORDER BY 1",
	"SELECT format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s;', $1, $2, k.conname, "
	"pg_catalog.pg_get_constraintdef(k.oid)) FROM pg_catalog.pg_constraint k WHERE k.conrelid = " TBL
	" AND k.contype = 'f' AND k.conislocal ORDER BY k.conname",
	"SELECT format('ALTER TABLE %I.%I REPLICA IDENTITY %s;', $1, $2, CASE c.relreplident WHEN 'n' THEN 'NOTHING' "
	"WHEN 'f' THEN 'FULL' ELSE 'USING INDEX ' || (SELECT format('%I', ic.relname) FROM pg_catalog.pg_index i JOIN "
	"pg_catalog.pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid AND i.indisreplident) END) FROM "
	"pg_catalog.pg_class c WHERE c.oid = " TBL " AND c.relreplident IN ('n', 'f', 'i')",
	REL_OWNER("TABLE"),
	REL_COMMENT("TABLE"),
	"SELECT format('COMMENT ON COLUMN %I.%I.%I IS %L;', $1, $2, a.attname, d) FROM pg_catalog.pg_attribute a, "
	"pg_catalog.col_description(a.attrelid, a.attnum) d WHERE a.attrelid = " TBL " AND a.attnum > 0 AND "
	"NOT a.attisdropped AND d IS NOT NULL ORDER BY a.attnum",
	"SELECT format('COMMENT ON CONSTRAINT %I ON %I.%I IS %L;', k.conname, $1, $2, d) FROM pg_catalog.pg_constraint k, "
	"pg_catalog.obj_description(k.oid, 'pg_constraint') d WHERE k.conrelid = " TBL " AND d IS NOT NULL ORDER BY 1",
	REL_GRANTS("TABLE"),
	/* indexes that no constraint made and no parent index propagated */
	"SELECT pg_catalog.pg_get_indexdef(i.indexrelid) || ';' FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic "
	"ON ic.oid = i.indexrelid WHERE i.indrelid = " TBL " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k "
	"WHERE k.conrelid = i.indrelid AND k.conindid = i.indexrelid) AND NOT EXISTS (SELECT 1 FROM "
	"pg_catalog.pg_inherits h WHERE h.inhrelid = i.indexrelid) ORDER BY ic.relname",
	"SELECT format('COMMENT ON INDEX %I.%I IS %L;', $1, ic.relname, d) FROM pg_catalog.pg_index i JOIN "
	"pg_catalog.pg_class ic ON ic.oid = i.indexrelid, pg_catalog.obj_description(i.indexrelid, 'pg_class') d "
	"WHERE i.indrelid = " TBL " AND d IS NOT NULL ORDER BY 1",
	"SELECT pg_catalog.pg_get_triggerdef(t.oid) || ';' || CASE t.tgenabled WHEN 'D' THEN format(E'\\nALTER TABLE %I.%I "
	"DISABLE TRIGGER %I;', $1, $2, t.tgname) ELSE '' END FROM pg_catalog.pg_trigger t WHERE t.tgrelid = " TBL
	" AND NOT t.tgisinternal AND t.tgparentid = 0 ORDER BY t.tgname",
	"SELECT format('ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY;', $1, $2) FROM pg_catalog.pg_class c WHERE c.oid = "
	TBL " AND c.relrowsecurity UNION ALL SELECT format('ALTER TABLE %I.%I FORCE ROW LEVEL SECURITY;', $1, $2) FROM "
	"pg_catalog.pg_class c WHERE c.oid = " TBL " AND c.relforcerowsecurity",
	"SELECT format('CREATE POLICY %I ON %I.%I AS %s FOR %s TO %s%s%s;', p.policyname, $1, $2, p.permissive, p.cmd, "
	"(SELECT string_agg(CASE WHEN r = 'public' THEN 'PUBLIC' ELSE quote_ident(r) END, ', ') FROM unnest(p.roles) r), "
	"COALESCE(' USING (' || p.qual || ')', ''), COALESCE(' WITH CHECK (' || p.with_check || ')', '')) FROM "
	"pg_catalog.pg_policies p WHERE p.schemaname = $1 AND p.tablename = $2 ORDER BY p.policyname",
	"SELECT pg_catalog.pg_get_ruledef(r.oid) FROM pg_catalog.pg_rewrite r WHERE r.ev_class = " TBL
	" AND r.rulename <> '_RETURN' ORDER BY r.rulename",
	NULL,
};

/* Extended statistics: pg_get_statisticsobjdef exists from PostgreSQL 14 (and knows
 * expression statistics); 13 gets the statement built from pg_statistic_ext. */
static const char *const table_stats_sql =
	"SELECT pg_catalog.pg_get_statisticsobjdef(s.oid) || ';' FROM pg_catalog.pg_statistic_ext s WHERE s.stxrelid = "
	TBL " ORDER BY s.stxname";
static const char *const table_stats_sql_13 =
	"SELECT format('CREATE STATISTICS %I.%I%s ON %s FROM %I.%I;', sn.nspname, s.stxname, CASE WHEN s.stxkind @> "
	"'{d,f,m}'::\"char\"[] THEN '' ELSE ' (' || array_to_string(ARRAY(SELECT CASE k WHEN 'd' THEN 'ndistinct' WHEN "
	"'f' THEN 'dependencies' WHEN 'm' THEN 'mcv' END FROM unnest(s.stxkind) k), ', ') || ')' END, (SELECT "
	"string_agg(quote_ident(a.attname), ', ' ORDER BY k.n) FROM unnest(s.stxkeys) WITH ORDINALITY k (att, n) JOIN "
	"pg_catalog.pg_attribute a ON a.attrelid = s.stxrelid AND a.attnum = k.att), n.nspname, c.relname) FROM "
	"pg_catalog.pg_statistic_ext s JOIN pg_catalog.pg_namespace sn ON sn.oid = s.stxnamespace JOIN pg_catalog.pg_class "
	"c ON c.oid = s.stxrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE s.stxrelid = " TBL
	" ORDER BY s.stxname";

static const char *const view_sql[] = {
	"SELECT format(E'CREATE VIEW %I.%I%s AS\\n', $1, $2, COALESCE(' WITH (' || array_to_string(c.reloptions, ', ') "
	"|| ')', '')) || rtrim(pg_catalog.pg_get_viewdef(c.oid, true), ';') || ';' FROM pg_catalog.pg_class c WHERE "
	"c.oid = " REL("'v'"),
	REL_OWNER("VIEW"),
	REL_COMMENT("VIEW"),
	REL_GRANTS("TABLE"),
	NULL,
};

static const char *const matview_sql[] = {
	"SELECT format(E'CREATE MATERIALIZED VIEW %I.%I%s AS\\n', $1, $2, COALESCE(' WITH (' || "
	"array_to_string(c.reloptions, ', ') || ')', '')) || rtrim(pg_catalog.pg_get_viewdef(c.oid, true), ';') || "
	"E'\\nWITH ' || CASE WHEN c.relispopulated THEN 'DATA' ELSE 'NO DATA' END || ';' FROM pg_catalog.pg_class c "
	"WHERE c.oid = " REL("'m'"),
	"SELECT pg_catalog.pg_get_indexdef(i.indexrelid) || ';' FROM pg_catalog.pg_index i WHERE i.indrelid = "
	REL("'m'") " ORDER BY 1",
	REL_OWNER("MATERIALIZED VIEW"),
	REL_COMMENT("MATERIALIZED VIEW"),
	REL_GRANTS("TABLE"),
	NULL,
};

#define PROC                                                                                                           \
	"(SELECT p.oid FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "             \
	"WHERE n.nspname = $1 AND p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')' = $2)"

static const char *const function_sql[] = {
	"SELECT rtrim(pg_catalog.pg_get_functiondef(" PROC "), E'\\n') || ';'",
	"SELECT format('ALTER %s %I.%s OWNER TO %I;', CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, $1, "
	"format('%I', p.proname) || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', "
	"pg_catalog.pg_get_userbyid(p.proowner)) FROM pg_catalog.pg_proc p WHERE p.oid = " PROC,
	"SELECT format('COMMENT ON %s %I.%s IS %L;', CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, $1, "
	"format('%I', p.proname) || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', d) FROM "
	"pg_catalog.pg_proc p, pg_catalog.obj_description(p.oid, 'pg_proc') d WHERE p.oid = " PROC " AND d IS NOT NULL",
	NULL,
};

#define TYPE                                                                                                           \
	"(SELECT t.oid FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "             \
	"WHERE n.nspname = $1 AND t.typname = $2)"

static const char *const type_sql[] = {
	"SELECT format('CREATE TYPE %I.%I AS ENUM (%s);', $1, $2, string_agg(format('%L', e.enumlabel), ', ' ORDER BY "
	"e.enumsortorder)) FROM pg_catalog.pg_enum e WHERE e.enumtypid = " TYPE " HAVING count(*) > 0",
	"SELECT format(E'CREATE TYPE %I.%I AS (\\n%s\\n);', $1, $2, string_agg('    ' || format('%I', a.attname) || ' ' || "
	"pg_catalog.format_type(a.atttypid, a.atttypmod), E',\\n' ORDER BY a.attnum)) FROM pg_catalog.pg_type t JOIN "
	"pg_catalog.pg_attribute a ON a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped WHERE t.oid = "
	TYPE " AND t.typtype = 'c' HAVING count(*) > 0",
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
	"SELECT format('ALTER TYPE %I.%I OWNER TO %I;', $1, $2, pg_catalog.pg_get_userbyid(t.typowner)) FROM "
	"pg_catalog.pg_type t WHERE t.oid = " TYPE,
	"SELECT format('COMMENT ON TYPE %I.%I IS %L;', $1, $2, d) FROM pg_catalog.obj_description(" TYPE
	", 'pg_type') d WHERE d IS NOT NULL",
	NULL,
};

static const char *const domain_sql[] = {
	"SELECT format('CREATE DOMAIN %I.%I AS %s%s%s%s;', $1, $2, pg_catalog.format_type(t.typbasetype, t.typtypmod), "
	"CASE WHEN t.typcollation <> 0 AND t.typcollation <> (SELECT typcollation FROM pg_catalog.pg_type WHERE oid = "
	"t.typbasetype) THEN ' COLLATE ' || (SELECT format('%I.%I', cn.nspname, co.collname) FROM pg_catalog.pg_collation "
	"co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = t.typcollation) ELSE '' END, "
	"COALESCE(' DEFAULT ' || t.typdefault, ''), CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END) FROM "
	"pg_catalog.pg_type t WHERE t.oid = " TYPE,
	"SELECT format('ALTER DOMAIN %I.%I ADD CONSTRAINT %I %s;', $1, $2, k.conname, "
	"pg_catalog.pg_get_constraintdef(k.oid)) FROM pg_catalog.pg_constraint k WHERE k.contypid = " TYPE
	" ORDER BY k.conname",
	"SELECT format('ALTER DOMAIN %I.%I OWNER TO %I;', $1, $2, pg_catalog.pg_get_userbyid(t.typowner)) FROM "
	"pg_catalog.pg_type t WHERE t.oid = " TYPE,
	"SELECT format('COMMENT ON DOMAIN %I.%I IS %L;', $1, $2, d) FROM pg_catalog.obj_description(" TYPE
	", 'pg_type') d WHERE d IS NOT NULL",
	NULL,
};

static const char *const schema_sql[] = {
	"SELECT format('CREATE SCHEMA %I;', nspname) || format(E'\\nALTER SCHEMA %I OWNER TO %I;', nspname, "
	"pg_catalog.pg_get_userbyid(nspowner)) FROM pg_catalog.pg_namespace WHERE nspname = $1",
	"SELECT format('COMMENT ON SCHEMA %I IS %L;', $1, d) FROM pg_catalog.obj_description((SELECT oid FROM "
	"pg_catalog.pg_namespace WHERE nspname = $1), 'pg_namespace') d WHERE d IS NOT NULL",
	"SELECT format('GRANT %s ON SCHEMA %I TO %s%s;', a.privilege_type, $1, CASE WHEN a.grantee = 0 THEN 'PUBLIC' "
	"ELSE quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END, CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' "
	"ELSE '' END) FROM pg_catalog.pg_namespace s, pg_catalog.aclexplode(s.nspacl) a WHERE s.nspname = $1 AND "
	"a.grantee <> s.nspowner ORDER BY a.grantee, a.privilege_type",
	NULL,
};

static const char *const extension_sql[] = {
	"SELECT format('CREATE EXTENSION IF NOT EXISTS %I WITH SCHEMA %I VERSION %L;', e.extname, n.nspname, "
	"e.extversion) FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace "
	"WHERE e.extname = $1",
	NULL,
};

/* Parts of a table, the table's schema and name as $1, $2 and the part as $3. */
static const char *const index_sql[] = {
	"SELECT pg_catalog.pg_get_indexdef(i.indexrelid) || ';' FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic "
	"ON ic.oid = i.indexrelid WHERE i.indrelid = " TBL " AND ic.relname = $3",
	NULL,
};
static const char *const constraint_sql[] = {
	"SELECT format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s;', $1, $2, k.conname, "
	"pg_catalog.pg_get_constraintdef(k.oid)) FROM pg_catalog.pg_constraint k WHERE k.conrelid = " TBL
	" AND k.conname = $3",
	NULL,
};
static const char *const trigger_sql[] = {
	"SELECT pg_catalog.pg_get_triggerdef(t.oid) || ';' FROM pg_catalog.pg_trigger t WHERE t.tgrelid = " TBL
	" AND t.tgname = $3",
	NULL,
};
static const char *const rule_sql[] = {
	"SELECT pg_catalog.pg_get_ruledef(r.oid) FROM pg_catalog.pg_rewrite r WHERE r.ev_class = " TBL
	" AND r.rulename = $3",
	NULL,
};
static const char *const policy_sql[] = {
	"SELECT format('CREATE POLICY %I ON %I.%I AS %s FOR %s TO %s%s%s;', p.policyname, $1, $2, p.permissive, p.cmd, "
	"(SELECT string_agg(CASE WHEN r = 'public' THEN 'PUBLIC' ELSE quote_ident(r) END, ', ') FROM unnest(p.roles) r), "
	"COALESCE(' USING (' || p.qual || ')', ''), COALESCE(' WITH CHECK (' || p.with_check || ')', '')) FROM "
	"pg_catalog.pg_policies p WHERE p.schemaname = $1 AND p.tablename = $2 AND p.policyname = $3",
	NULL,
};
static const char *const column_sql[] = {
	"SELECT format('ALTER TABLE %I.%I ADD COLUMN %I %s%s%s;', $1, $2, a.attname, "
	"pg_catalog.format_type(a.atttypid, a.atttypmod), COALESCE(' DEFAULT ' || pg_catalog.pg_get_expr(d.adbin, "
	"d.adrelid), ''), CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END) FROM pg_catalog.pg_attribute a LEFT JOIN "
	"pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = " TBL
	" AND a.attname = $3",
	NULL,
};

/* The database the connection is on (the path's database). */
static const char *const database_sql[] = {
	"SELECT format('CREATE DATABASE %I WITH OWNER = %I ENCODING = %L LC_COLLATE = %L LC_CTYPE = %L TABLESPACE = %I "
	"CONNECTION LIMIT = %s;', d.datname, pg_catalog.pg_get_userbyid(d.datdba), "
	"pg_catalog.pg_encoding_to_char(d.encoding), d.datcollate, d.datctype, t.spcname, d.datconnlimit) FROM "
	"pg_catalog.pg_database d JOIN pg_catalog.pg_tablespace t ON t.oid = d.dattablespace WHERE d.datname = "
	"pg_catalog.current_database()",
	"SELECT format('COMMENT ON DATABASE %I IS %L;', pg_catalog.current_database(), c) FROM "
	"pg_catalog.shobj_description((SELECT oid FROM pg_catalog.pg_database WHERE datname = "
	"pg_catalog.current_database()), 'pg_database') c WHERE c IS NOT NULL",
	"SELECT format('GRANT %s ON DATABASE %I TO %s%s;', a.privilege_type, d.datname, CASE WHEN a.grantee = 0 THEN "
	"'PUBLIC' ELSE quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END, CASE WHEN a.is_grantable THEN "
	"' WITH GRANT OPTION' ELSE '' END) FROM pg_catalog.pg_database d, pg_catalog.aclexplode(d.datacl) a WHERE "
	"d.datname = pg_catalog.current_database() AND a.grantee <> d.datdba ORDER BY a.grantee, a.privilege_type",
	NULL,
};

struct ddl_kind {
	const char *kind;
	const char *const *sql;
	int nparams;
};

static const struct ddl_kind ddl_kinds[] = {
	{"database", database_sql, 0},
	{"schema", schema_sql, 1},
	{"extension", extension_sql, 1},
	{"table", table_sql, 2},
	{"view", view_sql, 2},
	{"materialized_view", matview_sql, 2},
	{"sequence", sequence_sql, 2},
	{"function", function_sql, 2},
	{"procedure", function_sql, 2},
	{"trigger_function", function_sql, 2},
	{"type", type_sql, 2},
	{"domain", domain_sql, 2},
	{"index", index_sql, 3},
	{"constraint", constraint_sql, 3},
	{"trigger", trigger_sql, 3},
	{"rule", rule_sql, 3},
	{"policy", policy_sql, 3},
	{"column", column_sql, 3},
};

const char *const *catalog_ddl_queries(const char *kind, int *nparams)
{
	for (size_t i = 0; i < sizeof(ddl_kinds) / sizeof(*ddl_kinds); i++)
		if (strcmp(ddl_kinds[i].kind, kind) == 0) {
			*nparams = ddl_kinds[i].nparams;
			return ddl_kinds[i].sql;
		}
	return NULL;
}

const char *catalog_ddl_table_statistics(int server_version)
{
	return server_version >= 140000 ? table_stats_sql : table_stats_sql_13;
}
