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

/* ---- more schema objects ---- */

/* the owner and comment of an object that is not a relation; WHAT names it in SQL */
#define OBJ_OWNER(word, what, from, ownercol)                                                                       \
	"SELECT format('ALTER " word " %s OWNER TO %I;', " what ", pg_catalog.pg_get_userbyid(o." ownercol ")) FROM " from
#define OBJ_COMMENT(word, what, from, catalog)                                                                      \
	"SELECT format('COMMENT ON " word " %s IS %L;', " what ", pg_catalog.obj_description(o.oid, '" catalog "')) "   \
	"FROM " from " AND pg_catalog.obj_description(o.oid, '" catalog "') IS NOT NULL"

/* OPTIONS (...) of an options array, or NULL when it has none */
#define OPTS(col)                                                                                                      \
	"(SELECT ' OPTIONS (' || string_agg(format('%I %L', x.option_name, x.option_value), ', ') || ')' FROM "         \
	"pg_catalog.pg_options_to_table(" col ") x)"

/* an operator as OPERATOR(schema.op), for COMMUTATOR, NEGATOR and SORTOP */
#define OPREF(oid)                                                                                                     \
	"(SELECT format('OPERATOR(%I.%s)', rn.nspname, r.oprname) FROM pg_catalog.pg_operator r JOIN "                  \
	"pg_catalog.pg_namespace rn ON rn.oid = r.oprnamespace WHERE r.oid = " oid ")"

/* a function reference, NULL for none */
#define FN(col) "NULLIF(" col ", 0)::pg_catalog.regproc::text"

#define AGG_ARGS "CASE WHEN p.pronargs = 0 THEN '*' ELSE pg_catalog.pg_get_function_identity_arguments(p.oid) END"
#define AGG_FROM "pg_catalog.pg_proc o JOIN pg_catalog.pg_proc p ON p.oid = o.oid WHERE o.oid = " PROC
#define AGG_WHAT "format('%I.%I(%s)', $1, p.proname, " AGG_ARGS ")"

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
	NULL,
};

#define COLL_FROM                                                                                                      \
	"pg_catalog.pg_collation o JOIN pg_catalog.pg_namespace n ON n.oid = o.collnamespace WHERE n.nspname = $1 "     \
	"AND o.collname = $2 AND o.collencoding IN (-1, pg_catalog.pg_char_to_encoding(pg_catalog.getdatabaseencoding()))"

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

#define OPER_FROM                                                                                                      \
	"pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace WHERE n.nspname = $1 AND "   \
	"o.oprname || '(' || COALESCE(pg_catalog.format_type(o.oprleft, NULL), 'NONE') || ', ' || "                     \
	"COALESCE(pg_catalog.format_type(o.oprright, NULL), 'NONE') || ')' = $2"
#define OPER_WHAT                                                                                                      \
	"format('%I.%s (%s, %s)', $1, o.oprname, CASE WHEN o.oprleft = 0 THEN 'NONE' ELSE "                             \
	"pg_catalog.format_type(o.oprleft, NULL) END, pg_catalog.format_type(o.oprright, NULL))"

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

#define FTS_FROM(table, prefix)                                                                                        \
	"pg_catalog." table " o JOIN pg_catalog.pg_namespace n ON n.oid = o." prefix "namespace WHERE n.nspname = $1 " \
	"AND o." prefix "name = $2"
#define QNAME "format('%I.%I', $1, $2)"

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

static const char *const fts_dictionary_sql[] = {
	"SELECT format('CREATE TEXT SEARCH DICTIONARY %I.%I (TEMPLATE = %s%s);', $1, $2, (SELECT format('%I.%I', "
	"tn.nspname, t.tmplname) FROM pg_catalog.pg_ts_template t JOIN pg_catalog.pg_namespace tn ON tn.oid = "
	"t.tmplnamespace WHERE t.oid = o.dicttemplate), COALESCE(', ' || o.dictinitoption, '')) FROM "
	FTS_FROM("pg_ts_dict", "dict"),
	OBJ_OWNER("TEXT SEARCH DICTIONARY", QNAME, FTS_FROM("pg_ts_dict", "dict"), "dictowner"),
	OBJ_COMMENT("TEXT SEARCH DICTIONARY", QNAME, FTS_FROM("pg_ts_dict", "dict"), "pg_ts_dict"),
	NULL,
};

static const char *const fts_template_sql[] = {
	"SELECT format('CREATE TEXT SEARCH TEMPLATE %I.%I (%sLEXIZE = %s);', $1, $2, COALESCE('INIT = ' || "
	FN("o.tmplinit") " || ', ', ''), o.tmpllexize::pg_catalog.regproc) FROM " FTS_FROM("pg_ts_template", "tmpl"),
	OBJ_COMMENT("TEXT SEARCH TEMPLATE", QNAME, FTS_FROM("pg_ts_template", "tmpl"), "pg_ts_template"),
	NULL,
};

static const char *const fts_parser_sql[] = {
	"SELECT format('CREATE TEXT SEARCH PARSER %I.%I (START = %s, GETTOKEN = %s, END = %s, LEXTYPES = %s%s);', $1, $2, "
	"o.prsstart::pg_catalog.regproc, o.prstoken::pg_catalog.regproc, o.prsend::pg_catalog.regproc, "
	"o.prslextype::pg_catalog.regproc, COALESCE(', HEADLINE = ' || " FN("o.prsheadline") ", '')) FROM "
	FTS_FROM("pg_ts_parser", "prs"),
	OBJ_COMMENT("TEXT SEARCH PARSER", QNAME, FTS_FROM("pg_ts_parser", "prs"), "pg_ts_parser"),
	NULL,
};

static const char *const foreign_table_sql[] = {
	"SELECT format(E'CREATE FOREIGN TABLE %I.%I (\\n%s\\n) SERVER %I%s;', $1, $2, COALESCE((SELECT "
	"string_agg('    ' || format('%I', a.attname) || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod) || "
	"COALESCE(" OPTS("a.attfdwoptions") ", '') || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END || "
	"COALESCE(' DEFAULT ' || pg_catalog.pg_get_expr(d.adbin, d.adrelid), ''), E',\\n' ORDER BY a.attnum) FROM "
	"pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
	"WHERE a.attrelid = ft.ftrelid AND a.attnum > 0 AND NOT a.attisdropped), ''), s.srvname, COALESCE("
	OPTS("ft.ftoptions") ", '')) FROM pg_catalog.pg_foreign_table ft JOIN pg_catalog.pg_foreign_server s "
	"ON s.oid = ft.ftserver WHERE ft.ftrelid = " REL("'f'"),
	REL_OWNER("FOREIGN TABLE"),
	REL_COMMENT("FOREIGN TABLE"),
	"SELECT format('COMMENT ON COLUMN %I.%I.%I IS %L;', $1, $2, a.attname, d) FROM pg_catalog.pg_attribute a, "
	"pg_catalog.col_description(a.attrelid, a.attnum) d WHERE a.attrelid = " REL("'f'") " AND a.attnum > 0 AND "
	"NOT a.attisdropped AND d IS NOT NULL ORDER BY a.attnum",
	REL_GRANTS("TABLE"),
	NULL,
};

/* ---- objects of a database ---- */

#define GRANTS(word, what, from, aclcol, ownercol)                                                                    \
	"SELECT format('GRANT %s ON " word " %s TO %s%s;', a.privilege_type, " what ", CASE WHEN a.grantee = 0 THEN "   \
	"'PUBLIC' ELSE quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END, CASE WHEN a.is_grantable THEN "          \
	"' WITH GRANT OPTION' ELSE '' END) FROM (SELECT o." aclcol " AS acl, o." ownercol " AS owner FROM " from ") g, "  \
	"pg_catalog.aclexplode(g.acl) a WHERE a.grantee <> g.owner ORDER BY a.grantee, a.privilege_type"

/* the extension an object belongs to, for objects an extension creates */
#define EXT_OF(catalog)                                                                                                \
	"(SELECT x.extname FROM pg_catalog.pg_depend dep JOIN pg_catalog.pg_extension x ON x.oid = dep.refobjid "      \
	"WHERE dep.classid = '" catalog "'::pg_catalog.regclass AND dep.objid = o.oid AND dep.refclassid = "            \
	"'pg_catalog.pg_extension'::pg_catalog.regclass AND dep.deptype = 'e')"
#define NOT_EXT(catalog) " AND " EXT_OF(catalog) " IS NULL"
#define EXT_LINE(catalog)                                                                                              \
	"SELECT format(E'-- %s is created by extension %s\\nCREATE EXTENSION IF NOT EXISTS %I;', $1, e, e) FROM "      \
	"(SELECT " EXT_OF(catalog) " AS e FROM "

#define CAST_FROM                                                                                                      \
	"pg_catalog.pg_cast o WHERE pg_catalog.format_type(o.castsource, NULL) || '->' || "                             \
	"pg_catalog.format_type(o.casttarget, NULL) = $1"
#define CAST_WHAT                                                                                                      \
	"format('(%s AS %s)', pg_catalog.format_type(o.castsource, NULL), pg_catalog.format_type(o.casttarget, NULL))"

static const char *const cast_sql[] = {
	"SELECT format('CREATE CAST %s %s%s;', " CAST_WHAT ", CASE o.castmethod WHEN 'f' THEN 'WITH FUNCTION ' || "
	"o.castfunc::pg_catalog.regprocedure WHEN 'i' THEN 'WITH INOUT' ELSE 'WITHOUT FUNCTION' END, CASE "
	"o.castcontext WHEN 'a' THEN ' AS ASSIGNMENT' WHEN 'i' THEN ' AS IMPLICIT' ELSE '' END) FROM " CAST_FROM,
	OBJ_COMMENT("CAST", CAST_WHAT, CAST_FROM, "pg_cast"),
	NULL,
};

#define EVT_FROM "pg_catalog.pg_event_trigger o WHERE o.evtname = $1"
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

#define LAN_FROM "pg_catalog.pg_language o WHERE o.lanname = $1"
static const char *const language_sql[] = {
	EXT_LINE("pg_catalog.pg_language") LAN_FROM ") q WHERE e IS NOT NULL",
	"SELECT format('-- %s is built into PostgreSQL', $1) FROM " LAN_FROM " AND o.lanplcallfoid = 0",
	"SELECT format('CREATE %sPROCEDURAL LANGUAGE %I HANDLER %s%s%s;', CASE WHEN o.lanpltrusted THEN 'TRUSTED ' "
	"ELSE '' END, o.lanname, o.lanplcallfoid::pg_catalog.regproc, COALESCE(' INLINE ' || " FN("o.laninline")
	", ''), COALESCE(' VALIDATOR ' || " FN("o.lanvalidator") ", '')) FROM " LAN_FROM
	" AND o.lanplcallfoid <> 0" NOT_EXT("pg_catalog.pg_language"),
	OBJ_OWNER("LANGUAGE", "format('%I', $1)", LAN_FROM " AND o.lanplcallfoid <> 0" NOT_EXT("pg_catalog.pg_language"),
		  "lanowner"),
	OBJ_COMMENT("LANGUAGE", "format('%I', $1)", LAN_FROM NOT_EXT("pg_catalog.pg_language"), "pg_language"),
	GRANTS("LANGUAGE", "format('%I', $1)", LAN_FROM " AND o.lanplcallfoid <> 0" NOT_EXT("pg_catalog.pg_language"),
	       "lanacl", "lanowner"),
	NULL,
};

#define FDW_FROM "pg_catalog.pg_foreign_data_wrapper o WHERE o.fdwname = $1"
static const char *const fdw_sql[] = {
	EXT_LINE("pg_catalog.pg_foreign_data_wrapper") FDW_FROM ") q WHERE e IS NOT NULL",
	"SELECT format('CREATE FOREIGN DATA WRAPPER %I%s%s%s;', o.fdwname, COALESCE(' HANDLER ' || " FN("o.fdwhandler")
	", ''), COALESCE(' VALIDATOR ' || " FN("o.fdwvalidator") ", ''), COALESCE(" OPTS("o.fdwoptions") ", '')) FROM "
	FDW_FROM NOT_EXT("pg_catalog.pg_foreign_data_wrapper"),
	OBJ_OWNER("FOREIGN DATA WRAPPER", "format('%I', $1)", FDW_FROM NOT_EXT("pg_catalog.pg_foreign_data_wrapper"),
		  "fdwowner"),
	OBJ_COMMENT("FOREIGN DATA WRAPPER", "format('%I', $1)", FDW_FROM, "pg_foreign_data_wrapper"),
	GRANTS("FOREIGN DATA WRAPPER", "format('%I', $1)", FDW_FROM NOT_EXT("pg_catalog.pg_foreign_data_wrapper"),
	       "fdwacl", "fdwowner"),
	NULL,
};

/* a foreign server: $1 is its wrapper, $2 the server */
#define SRV_FROM                                                                                                       \
	"pg_catalog.pg_foreign_server o JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = o.srvfdw "                 \
	"WHERE w.fdwname = $1 AND o.srvname = $2"
static const char *const foreign_server_sql[] = {
	"SELECT format('CREATE SERVER %I%s%s FOREIGN DATA WRAPPER %I%s;', o.srvname, COALESCE(' TYPE ' || "
	"quote_literal(o.srvtype), ''), COALESCE(' VERSION ' || quote_literal(o.srvversion), ''), w.fdwname, "
	"COALESCE(" OPTS("o.srvoptions") ", '')) FROM " SRV_FROM,
	OBJ_OWNER("SERVER", "format('%I', $2)", SRV_FROM, "srvowner"),
	OBJ_COMMENT("SERVER", "format('%I', $2)", SRV_FROM, "pg_foreign_server"),
	GRANTS("FOREIGN SERVER", "format('%I', $2)", SRV_FROM, "srvacl", "srvowner"),
	NULL,
};

static const char *const user_mapping_sql[] = {
	"SELECT format('CREATE USER MAPPING FOR %s SERVER %I%s;', CASE WHEN m.umuser = 0 THEN 'PUBLIC' ELSE "
	"quote_ident(m.usename) END, m.srvname, COALESCE(" OPTS("m.umoptions") ", '')) FROM pg_catalog.pg_user_mappings "
	"m JOIN pg_catalog.pg_foreign_server s ON s.oid = m.srvid JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = "
	"s.srvfdw WHERE w.fdwname = $1 AND m.srvname = $2 AND m.usename = $3",
	NULL,
};

#define PUB_FROM "pg_catalog.pg_publication o WHERE o.pubname = $1"
static const char *const publication_sql[] = {
	"SELECT format('CREATE PUBLICATION %I%s WITH (publish = %L%s);', o.pubname, CASE WHEN o.puballtables THEN "
	"' FOR ALL TABLES' ELSE '' END, array_to_string(ARRAY[CASE WHEN o.pubinsert THEN 'insert' END, CASE WHEN "
	"o.pubupdate THEN 'update' END, CASE WHEN o.pubdelete THEN 'delete' END, CASE WHEN o.pubtruncate THEN "
	"'truncate' END], ', '), CASE WHEN o.pubviaroot THEN ', publish_via_partition_root = true' ELSE '' END) FROM "
	PUB_FROM,
	/* column lists and row filters exist from 15: read them through to_jsonb and the view */
	"SELECT format('ALTER PUBLICATION %I ADD TABLE ONLY %I.%I%s%s;', $1, n.nspname, c.relname, CASE WHEN "
	"pg_catalog.to_jsonb(pr) ->> 'prattrs' IS NOT NULL THEN ' (' || (SELECT string_agg(quote_ident(a.attname), ', ' "
	"ORDER BY a.attnum) FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum = ANY "
	"(string_to_array(pg_catalog.to_jsonb(pr) ->> 'prattrs', ' ')::int2[])) || ')' ELSE '' END, COALESCE((SELECT "
	"' WHERE (' || (pg_catalog.to_jsonb(pt) ->> 'rowfilter') || ')' FROM pg_catalog.pg_publication_tables pt WHERE "
	"pt.pubname = $1 AND pt.schemaname = n.nspname AND pt.tablename = c.relname), '')) FROM "
	"pg_catalog.pg_publication_rel pr JOIN pg_catalog.pg_publication o ON o.oid = pr.prpubid JOIN "
	"pg_catalog.pg_class c ON c.oid = pr.prrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE "
	"o.pubname = $1 ORDER BY n.nspname, c.relname",
	OBJ_OWNER("PUBLICATION", "format('%I', $1)", PUB_FROM, "pubowner"),
	OBJ_COMMENT("PUBLICATION", "format('%I', $1)", PUB_FROM, "pg_publication"),
	NULL,
};
/* whole schemas in a publication: from PostgreSQL 15 */
static const char *const publication_schemas_sql =
	"SELECT format('ALTER PUBLICATION %I ADD TABLES IN SCHEMA %I;', $1, n.nspname) FROM "
	"pg_catalog.pg_publication_namespace pn JOIN pg_catalog.pg_publication o ON o.oid = pn.pnpubid JOIN "
	"pg_catalog.pg_namespace n ON n.oid = pn.pnnspid WHERE o.pubname = $1 ORDER BY 1";

#define SUB_FROM                                                                                                       \
	"pg_catalog.pg_subscription o WHERE o.subname = $1 AND o.subdbid = (SELECT oid FROM pg_catalog.pg_database "    \
	"WHERE datname = pg_catalog.current_database())"
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
	{"aggregate", aggregate_sql, 2},
	{"collation", collation_sql, 2},
	{"operator", operator_sql, 2},
	{"fts_configuration", fts_configuration_sql, 2},
	{"fts_dictionary", fts_dictionary_sql, 2},
	{"fts_template", fts_template_sql, 2},
	{"fts_parser", fts_parser_sql, 2},
	{"foreign_table", foreign_table_sql, 2},
	{"cast", cast_sql, 1},
	{"event_trigger", event_trigger_sql, 1},
	{"language", language_sql, 1},
	{"foreign_data_wrapper", fdw_sql, 1},
	{"foreign_server", foreign_server_sql, 2},
	{"user_mapping", user_mapping_sql, 3},
	{"publication", publication_sql, 1},
	{"subscription", subscription_sql, 1},
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

const char *catalog_ddl_extra(const char *kind, int server_version)
{
	if (strcmp(kind, "table") == 0)
		return server_version >= 140000 ? table_stats_sql : table_stats_sql_13;
	if (strcmp(kind, "publication") == 0 && server_version >= 150000)
		return publication_schemas_sql;
	return NULL;
}
