/* Object kinds, one row each: tables, views, sequences and the parts of a table. Each kind's listing, its
 * queries and its DDL come first; the rows at the end tie them together. */
#include "catalog/kinds.h"

static const char *const table_children[] = {"columns", "constraints", "indexes",    "partitions", "policies",
					     "rules",	"triggers",    "statistics", NULL};

/* a view's rules and INSTEAD OF triggers, a materialized view's indexes */
static const char *const view_children[] = {"rules", "triggers", NULL};

static const char *const materialized_view_children[] = {"indexes", NULL};

/* ---- table ---- */

/* A partition is listed under its parent, which the path names with the parent's schema: one
 * in another schema than its parent's is listed among its own schema's tables instead. */
#define SAME_SCHEMA_PARENT                                                                                             \
	"EXISTS (SELECT 1 FROM pg_catalog.pg_inherits pi JOIN pg_catalog.pg_class p ON p.oid = pi.inhparent WHERE "    \
	"pi.inhrelid = c.oid AND p.relnamespace = c.relnamespace)"

static const catalog_listing table_list =
    LISTING("tables", "Tables", CATALOG_AT_SCHEMA,
	    REL_LIST("'r', 'p'", " AND NOT (c.relispartition AND " SAME_SCHEMA_PARENT ")"), NULL, "pg_class",
	    REL_COLUMNS, NULL, false);

static const catalog_listing table_also = LISTING(
    "partitions", "Partitions", CATALOG_AT_TABLE,
    "SELECT c.relname, c.relname || ' ' || pg_catalog.pg_get_expr(c.relpartbound, c.oid), false, c.oid "
    "FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class c ON c.oid = h.inhrelid "
    "WHERE h.inhparent = " TABLE_OID " AND c.relispartition AND c.relkind IN ('r', 'p') AND " SAME_SCHEMA_PARENT,
    NULL, "pg_class", REL_COLUMNS, NULL, false);

static const char table_props[] = REL_PROPS(
    "'r','p'") ", CASE c.relkind WHEN 'p' THEN 'partitioned' ELSE 'regular' END AS table_kind, "
	       "pg_catalog.pg_get_partkeydef(c.oid) AS partition_key, c.relispartition AS is_partition, "
	       "pg_catalog.pg_get_expr(c.relpartbound, c.oid) AS partition_bound, c.relrowsecurity AS row_level_security, "
	       "c.relforcerowsecurity AS force_row_level_security, (SELECT string_agg(p.oid::regclass::text, ', ') FROM "
	       "pg_catalog.pg_inherits i JOIN pg_catalog.pg_class p ON p.oid = i.inhparent WHERE i.inhrelid = c.oid AND NOT "
	       "c.relispartition) AS inherits, (SELECT count(*) FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND "
	       "a.attnum > 0 AND NOT a.attisdropped) AS columns FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
	       "n.oid = c.relnamespace WHERE c.oid = " TBL;

static const char table_stats[] =
    "SELECT s.seq_scan, s.seq_tup_read, s.idx_scan, s.idx_tup_fetch, s.n_tup_ins AS inserted, s.n_tup_upd AS updated, "
    "s.n_tup_del AS deleted, s.n_tup_hot_upd AS hot_updated, s.n_live_tup AS live_tuples, s.n_dead_tup AS "
    "dead_tuples, s.n_mod_since_analyze AS modified_since_analyze, s.last_vacuum, s.last_autovacuum, s.last_analyze, "
    "s.last_autoanalyze, s.vacuum_count, s.autovacuum_count, s.analyze_count, s.autoanalyze_count, "
    "io.heap_blks_read, io.heap_blks_hit, io.idx_blks_read, io.idx_blks_hit, "
    "pg_catalog.pg_size_pretty(pg_catalog.pg_total_relation_size(s.relid)) AS total_size, "
    "pg_catalog.pg_size_pretty(COALESCE(pg_catalog.pg_relation_size(c.reltoastrelid), 0)) AS toast_size "
    "FROM pg_catalog.pg_stat_all_tables s JOIN pg_catalog.pg_statio_all_tables io ON io.relid = s.relid "
    "JOIN pg_catalog.pg_class c ON c.oid = s.relid WHERE s.relid = " TBL;

static const char table_search[] =
    "SELECT n.nspname, c.relname, NULL, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
    "n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND NOT (c.relispartition AND " SAME_SCHEMA_PARENT
    ") AND c.relname ILIKE $1";

/* How a table's CREATE TABLE is written, as pg_dump writes it: an inheritance child lists its
 * own columns and INHERITS its parents (INH_FORM); a partition lists every column, with every
 * CHECK, and is attached after. A child whose columns are all its own but in another order than
 * INHERITS would give them (it joined its parent with ALTER TABLE ... INHERIT) is written like a
 * partition and joins with INHERIT, keeping its order (pg_dump reorders it). A child with a
 * column or a CHECK or NOT NULL only inherited keeps INHERITS: no statement makes those but
 * INHERITS and ALTER TABLE on the parent (INHERIT wants the child's own). C is the table's
 * pg_class row. */
#define INH_FORM(c)                                                                                                    \
	"(NOT " c ".relispartition AND EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhrelid = " c ".oid) "  \
	"AND (EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = " c ".oid AND a.attnum > 0 AND NOT "  \
	"a.attisdropped AND NOT a.attislocal) OR EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE "              \
	"k.conrelid = " c ".oid AND k.contype IN ('c', 'n') AND NOT k.conislocal) OR (SELECT array_agg(a.attname "     \
	"ORDER BY a.attnum) FROM pg_catalog.pg_attribute a WHERE a.attrelid = " c ".oid AND a.attnum > 0 AND NOT "     \
	"a.attisdropped) = (SELECT array_agg(x.attname ORDER BY x.ord) FROM (SELECT "                                  \
	"a.attname, min(i.inhseqno::int8 * 100000 + a.attnum) AS ord FROM pg_catalog.pg_inherits i JOIN "              \
	"pg_catalog.pg_attribute a ON a.attrelid = i.inhparent AND a.attnum > 0 AND NOT a.attisdropped WHERE "         \
	"i.inhrelid = " c ".oid GROUP BY a.attname UNION ALL SELECT a.attname, 1000000000000 + a.attnum FROM "         \
	"pg_catalog.pg_attribute a WHERE a.attrelid = " c ".oid AND a.attnum > 0 AND NOT a.attisdropped AND "          \
	"a.attinhcount = 0) x)))"

/* A CHECK that calls a function taking the table's own row type: the function needs the
 * table and the CHECK the function, so the CHECK is added after both (the constraint's DDL). */
#define ROWTYPE_CHECK(k, c)                                                                                            \
	"EXISTS (SELECT 1 FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_depend fd ON fd.classid = "                   \
	"'pg_catalog.pg_proc'::pg_catalog.regclass AND fd.objid = d.refobjid AND fd.refclassid = "                     \
	"'pg_catalog.pg_type'::pg_catalog.regclass AND fd.refobjid = " c ".reltype WHERE d.classid = "                 \
	"'pg_catalog.pg_constraint'::pg_catalog.regclass AND d.objid = " k ".oid AND d.refclassid = "                  \
	"'pg_catalog.pg_proc'::pg_catalog.regclass)"

/* toast.* options after the table's own, as WITH (...) takes them; NULL when none */
#define WITH_OPTIONS(c, tc)                                                                                            \
	"NULLIF(array_to_string(" c ".reloptions || ARRAY(SELECT 'toast.' || o FROM unnest(" tc                        \
	".reloptions) o), ', '), '')"

/* The sequence options of an identity column a of table c (its sequence, found through pg_depend). */
#define IDENTITY_OPTIONS                                                                                                         \
	"(SELECT format(' (SEQUENCE NAME %I.%I%s START WITH %s INCREMENT BY %s MINVALUE %s MAXVALUE %s CACHE "                   \
	"%s%s)', sn.nspname, s.relname, CASE WHEN s.relpersistence = c.relpersistence OR "                                       \
	"pg_catalog.current_setting('server_version_num')::int < 150000 THEN '' WHEN s.relpersistence = 'u' THEN "               \
	"' UNLOGGED' ELSE ' LOGGED' END, q.seqstart, q.seqincrement, q.seqmin, q.seqmax, q.seqcache, CASE WHEN q.seqcycle THEN " \
	"' CYCLE' ELSE '' END) FROM pg_catalog.pg_depend dd JOIN pg_catalog.pg_class s ON s.oid = dd.objid JOIN "                \
	"pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace JOIN pg_catalog.pg_sequence q ON q.seqrelid = s.oid "             \
	"WHERE dd.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dd.refclassid = "                                     \
	"'pg_catalog.pg_class'::pg_catalog.regclass AND dd.refobjid = c.oid AND dd.refobjsubid = a.attnum AND "                  \
	"dd.deptype = 'i')"

/* NOT NULL of column a, with its constraint's name where PostgreSQL 18 keeps one that is not
 * the name it would choose; one NOT VALID is added after the table */
#define NOT_NULL                                                                                                       \
	"CASE WHEN a.attnotnull THEN COALESCE((SELECT CASE WHEN k.conname <> c.relname || '_' || a.attname || "        \
	"'_not_null' THEN ' CONSTRAINT ' || quote_ident(k.conname) ELSE '' END || ' NOT NULL' || CASE WHEN "           \
	"k.connoinherit THEN ' NO INHERIT' ELSE '' END FROM pg_catalog.pg_constraint k WHERE k.conrelid = c.oid AND "  \
	"k.contype = 'n' AND k.conkey[1] = a.attnum AND k.convalidated), CASE WHEN EXISTS (SELECT 1 FROM "             \
	"pg_catalog.pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'n' AND k.conkey[1] = a.attnum) THEN '' " \
	"ELSE ' NOT NULL' END) ELSE '' END"

/* a column's definition in CREATE TABLE (typed table: its options alone) */
#define COLUMN_ITEM                                                                                                      \
	"'    ' || format('%I', a.attname) || CASE WHEN c.reloftype <> 0 THEN '' ELSE ' ' || "                           \
	"pg_catalog.format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attcollation <> 0 AND a.attcollation <> "        \
	"t.typcollation THEN ' COLLATE ' || (SELECT format('%I.%I', cn.nspname, co.collname) FROM "                      \
	"pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = "        \
	"a.attcollation) ELSE '' END END || CASE WHEN a.attgenerated = 's' THEN ' GENERATED ALWAYS AS (' || "            \
	"pg_catalog.pg_get_expr(d.adbin, d.adrelid) || ') STORED' WHEN a.attgenerated = 'v' THEN "                       \
	"' GENERATED ALWAYS AS (' || pg_catalog.pg_get_expr(d.adbin, d.adrelid) || ') VIRTUAL' WHEN d.adbin IS NOT "     \
	"NULL THEN ' DEFAULT ' || pg_catalog.pg_get_expr(d.adbin, d.adrelid) WHEN f.inh AND a.attinhcount > 0 AND "      \
	"EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_attribute pa ON pa.attrelid = i.inhparent "   \
	"AND pa.attname = a.attname JOIN pg_catalog.pg_attrdef pd ON pd.adrelid = pa.attrelid AND pd.adnum = "           \
	"pa.attnum WHERE i.inhrelid = c.oid) THEN ' DEFAULT NULL' ELSE '' END || CASE WHEN a.attidentity IN ('a', 'd') " \
	"AND NOT c.relispartition THEN ' GENERATED ' || CASE a.attidentity WHEN 'a' THEN 'ALWAYS' ELSE 'BY DEFAULT' "    \
	"END || ' AS IDENTITY' || COALESCE(" IDENTITY_OPTIONS ", '') ELSE '' END || " NOT_NULL

/* ENABLE or DISABLE of trigger t as ALTER TABLE writes it */
#define TRIGGER_STATE                                                                                                  \
	"CASE t.tgenabled WHEN 'D' THEN 'DISABLE' WHEN 'R' THEN 'ENABLE REPLICA' WHEN 'A' THEN 'ENABLE ALWAYS' ELSE "  \
	"'ENABLE' END"

/* the defaults the parents of table c have for column a */
#define PARENT_DEFAULTS                                                                                                   \
	"SELECT pg_catalog.pg_get_expr(pd.adbin, pd.adrelid) FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_attribute " \
	"pa ON pa.attrelid = i.inhparent AND pa.attname = a.attname JOIN pg_catalog.pg_attrdef pd ON pd.adrelid = "       \
	"pa.attrelid AND pd.adnum = pa.attnum WHERE i.inhrelid = c.oid"

/* Per column, after CREATE TABLE: storage other than the type's (or than the parent's, which an
 * inherited column takes), a statistics target, options (n_distinct...); an inherited column
 * the CREATE leaves out gets its own default where its parents' differ, and NOT NULL where no
 * parent gives it one. WORD is TABLE or MATERIALIZED VIEW (ONLY: " ONLY" or nothing). */

#define COLUMN_SETTINGS(word, only, kinds)                                                                                        \
	"SELECT s FROM pg_catalog.pg_class c JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 "              \
	"AND NOT a.attisdropped JOIN pg_catalog.pg_type t ON t.oid = a.atttypid, LATERAL (SELECT " INH_FORM(                      \
	    "c") " AS inh) f, LATERAL (SELECT format('ALTER " word only                                                           \
		 " %I.%I ALTER COLUMN %I SET STORAGE %s;', $1, $2, "                                                              \
		 "a.attname, CASE a.attstorage WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN 'EXTERNAL' WHEN 'm' THEN 'MAIN' ELSE "         \
		 "'EXTENDED' END) AS s, 1 AS n WHERE a.attstorage <> t.typstorage OR (f.inh AND EXISTS (SELECT 1 FROM "           \
		 "pg_catalog.pg_inherits i JOIN pg_catalog.pg_attribute pa ON pa.attrelid = i.inhparent AND pa.attname = "        \
		 "a.attname WHERE i.inhrelid = c.oid AND pa.attstorage <> a.attstorage)) UNION ALL SELECT format('ALTER " word    \
		     only " %I.%I ALTER COLUMN %I SET STATISTICS %s;', $1, $2, a.attname, a.attstattarget), 2 WHERE "             \
		 "COALESCE(a.attstattarget, -1) >= 0 UNION ALL SELECT format('ALTER " word only                                   \
		 " %I.%I ALTER COLUMN %I SET "                                                                                    \
		 "(%s);', $1, $2, a.attname, array_to_string(a.attoptions, ', ')), 2 WHERE a.attoptions IS NOT NULL UNION ALL "   \
		 "SELECT format('ALTER TABLE ONLY %I.%I ALTER COLUMN %I %s;', $1, "                                               \
		 "$2, a.attname, COALESCE('SET DEFAULT ' || pg_catalog.pg_get_expr(d.adbin, d.adrelid), 'DROP DEFAULT')), 3 "     \
		 "FROM (SELECT) one LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum WHERE f.inh "   \
		 "AND NOT a.attislocal AND a.attgenerated = '' AND a.attidentity = '' AND CASE WHEN d.adbin IS NULL THEN EXISTS " \
		 "(" PARENT_DEFAULTS ") ELSE NOT EXISTS (SELECT 1 FROM (" PARENT_DEFAULTS ") pe (e) WHERE pe.e = "                \
		 "pg_catalog.pg_get_expr(d.adbin, d.adrelid)) END UNION ALL SELECT format('ALTER TABLE "                          \
		 "ONLY %I.%I ALTER COLUMN %I SET NOT NULL;', $1, $2, a.attname), 4 WHERE f.inh AND NOT a.attislocal AND "         \
		 "a.attnotnull AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_attribute pa ON "        \
		 "pa.attrelid = i.inhparent AND pa.attname = a.attname WHERE i.inhrelid = c.oid AND pa.attnotnull)) x WHERE "     \
		 "c.oid = " REL(kinds) " ORDER BY a.attnum, x.n"

/* Privileges on single columns (GRANT SELECT (col) ...) of a relation of KINDS, per column. */
#define COLUMN_GRANTS(kinds)                                                                                                        \
	"SELECT " ACL_STATEMENT(                                                                                                    \
	    "g.what",                                                                                                               \
	    "g.owner") " FROM (SELECT a.attnum, a.attname, a.attacl, c.relowner AS "                                                \
		       "owner, format('TABLE %I.%I', $1, $2) AS what FROM pg_catalog.pg_class c JOIN pg_catalog.pg_attribute a ON " \
		       "a.attrelid = c.oid WHERE c.oid = " REL(                                                                     \
			   kinds) " AND a.attnum > 0 AND NOT a.attisdropped AND a.attacl IS NOT "                                   \
				  "NULL) g CROSS JOIN LATERAL (" ACL_DIFF(                                                          \
				      "NULL::pg_catalog.aclitem[]", "g.attacl",                                                     \
				      "format(' (%I)', g.attname)") ") x ORDER BY g.attnum, x.n, x.go"

/* Comments on the triggers (a parent's copies too, internal before PostgreSQL 15), policies and
 * rules of a relation of KINDS. */
#define PART_COMMENTS(kinds)                                                                                                        \
	"SELECT format('COMMENT ON %s %I ON %I.%I IS %L;', x.what, x.name, $1, $2, x.d) FROM (SELECT 'TRIGGER' AS "                 \
	"what, t.tgname AS name, pg_catalog.obj_description(t.oid, 'pg_trigger') AS d FROM pg_catalog.pg_trigger t "                \
	"WHERE t.tgrelid = " REL(                                                                                                   \
	    kinds) " AND (NOT t.tgisinternal OR t.tgparentid <> 0) UNION ALL SELECT 'POLICY', "                                     \
		   "p.polname, pg_catalog.obj_description(p.oid, 'pg_policy') FROM pg_catalog.pg_policy p WHERE p.polrelid = " REL( \
		       kinds) " UNION ALL SELECT 'RULE', r.rulename, pg_catalog.obj_description(r.oid, 'pg_rewrite') FROM "         \
			      "pg_catalog.pg_rewrite r WHERE r.ev_class = " REL(                                                    \
				  kinds) " AND r.rulename <> '_RETURN') x WHERE x.d IS NOT "                                        \
					 "NULL ORDER BY x.what, x.name"

/* A table's or materialized view's access method (relation c), when it is not heap; a partitioned
 * table's whenever it has one (PostgreSQL 17 on). pg_dump sets default_table_access_method
 * instead: the outcome is the same. */
#define TABLE_AM(c)                                                                                                    \
	"(SELECT format('%I', am.amname) FROM pg_catalog.pg_am am WHERE am.oid = " c                                   \
	".relam AND (am.amname <> 'heap' "                                                                             \
	"OR " c ".relkind = 'p'))"

/* A foreign key a partition got from its parent's (the parent's copied when it was attached, or its
 * own taken over by the parent's) under another name than the parent's: the partition makes it
 * itself before it is attached, so that ATTACH takes it over and its name stays. */
#define OWN_NAMED_FK(k)                                                                                                \
	"EXISTS (SELECT 1 FROM pg_catalog.pg_constraint pk WHERE pk.oid = " k ".conparentid AND pk.conrelid <> " k     \
	".conrelid AND pk.conname <> " k ".conname)"

/* The sequences of a table's identity columns (o), their table $1.$2. */
#define IDENTITY_SEQ_FROM                                                                                              \
	"pg_catalog.pg_class o, pg_catalog.obj_description(o.oid, 'pg_class') d WHERE o.relkind = 'S' AND o.oid IN "   \
	"(SELECT dd.objid FROM pg_catalog.pg_depend dd WHERE dd.classid = 'pg_catalog.pg_class'::pg_catalog.regclass " \
	"AND dd.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dd.deptype = 'i' AND dd.refobjid = " TBL   \
	")"

/* The index a relation of KINDS is clustered on, and statistics targets of index columns. */
#define CLUSTER_ON(word, kinds)                                                                                                  \
	"SELECT format('ALTER " word " %I.%I CLUSTER ON %I;', $1, $2, ic.relname) FROM pg_catalog.pg_index i JOIN "              \
	"pg_catalog.pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = " REL(                                               \
	    kinds) " AND i.indisclustered "                                                                                      \
		   "UNION ALL SELECT format('ALTER INDEX %I.%I ALTER COLUMN %s SET STATISTICS %s;', $1, ic.relname, ia.attnum, " \
		   "ia.attstattarget) FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid JOIN "     \
		   "pg_catalog.pg_attribute ia ON ia.attrelid = ic.oid WHERE i.indrelid = " REL(                                 \
		       kinds) " AND "                                                                                            \
			      "COALESCE(ia.attstattarget, -1) >= 0"

/* A partition of KINDS joins its parent. */
#define ATTACH(kinds)                                                                                                  \
	"SELECT format('ALTER TABLE ONLY %I.%I ATTACH PARTITION %I.%I %s;', pn.nspname, p.relname, $1, $2, "           \
	"pg_catalog.pg_get_expr(c.relpartbound, c.oid)) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_inherits i ON "  \
	"i.inhrelid = c.oid JOIN pg_catalog.pg_class p ON p.oid = i.inhparent JOIN pg_catalog.pg_namespace pn ON "     \
	"pn.oid = p.relnamespace WHERE c.oid = " REL(kinds) " AND c.relispartition"

static const char *const table_sql[] = {
    /* the sequences of its serial columns, objects of their own too: made here unless their own DDL made
     * them first (IF NOT EXISTS), so that the table's DDL stands alone and the schema's applies each once */
    "SELECT format('CREATE %sSEQUENCE IF NOT EXISTS %I.%I AS %s START WITH %s INCREMENT BY %s MINVALUE %s "
    "MAXVALUE %s CACHE %s%s;', CASE s.relpersistence WHEN 'u' THEN 'UNLOGGED ' ELSE '' END, sn.nspname, s.relname, "
    "pg_catalog.format_type(q.seqtypid, NULL), q.seqstart, q.seqincrement, q.seqmin, q.seqmax, q.seqcache, "
    "CASE WHEN q.seqcycle THEN ' CYCLE' ELSE '' END)" OWNED_SEQ " ORDER BY 1",
    /* the table: its columns and CHECKs (other constraints follow, so that two alike all stay) */
    "SELECT 'CREATE ' || CASE c.relpersistence WHEN 'u' THEN 'UNLOGGED ' ELSE '' END || 'TABLE ' || "
    "format('%I.%I', n.nspname, c.relname) || CASE WHEN c.reloftype <> 0 THEN ' OF ' || "
    "pg_catalog.format_type(c.reloftype, NULL) ELSE '' END || COALESCE(E' (\\n' || (SELECT string_agg(item, "
    "E',\\n' ORDER BY ord) FROM (SELECT a.attnum AS ord, " COLUMN_ITEM " AS item FROM pg_catalog.pg_attribute a "
    "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid "
    "AND d.adnum = a.attnum WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND (a.attislocal OR "
    "NOT f.inh) AND (c.reloftype = 0 OR d.adbin IS NOT NULL OR a.attnotnull OR a.attidentity <> '') UNION ALL "
    "SELECT 100000 + row_number() OVER (ORDER BY k.conname), '    CONSTRAINT ' || format('%I', k.conname) || ' ' "
    "|| pg_catalog.pg_get_constraintdef(k.oid) FROM pg_catalog.pg_constraint k WHERE k.conrelid = c.oid AND "
    "k.contype = 'c' AND k.convalidated AND (k.conislocal OR NOT f.inh) AND NOT " ROWTYPE_CHECK(
	"k",
	"c") ") items) || E'\\n)', CASE WHEN c.reloftype <> 0 THEN '' ELSE E' (\\n)' END) || CASE WHEN f.inh THEN "
	     "(SELECT E'\\nINHERITS (' || string_agg(format('%I.%I', pn.nspname, p.relname), ', ' ORDER BY i.inhseqno) || "
	     "')' FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class p ON p.oid = i.inhparent JOIN "
	     "pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace WHERE i.inhrelid = c.oid) ELSE '' END || CASE WHEN "
	     "c.relkind = 'p' THEN E'\\nPARTITION BY ' || pg_catalog.pg_get_partkeydef(c.oid) ELSE '' END || "
	     "COALESCE(E'\\nUSING ' || " TABLE_AM(
		 "c") ", '') || "
		      "COALESCE(E'\\nWITH (' || " WITH_OPTIONS(
			  "c",
			  "tc") " || ')', '') || COALESCE(E'\\nTABLESPACE ' || (SELECT "
				"format('%I', spcname) FROM pg_catalog.pg_tablespace WHERE oid = c.reltablespace), '') || ';' FROM "
				"pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_catalog.pg_class "
				"tc ON tc.oid = c.reltoastrelid, LATERAL (SELECT " INH_FORM(
				    "c") " AS inh) f WHERE c.oid = " TBL,
    COLUMN_SETTINGS("TABLE", " ONLY", "'r', 'p'"),
    "SELECT format('ALTER SEQUENCE %I.%I OWNED BY %I.%I.%I;', sn.nspname, s.relname, $1, $2, a.attname)" OWNED_SEQ
    " ORDER BY 1",
    /* primary keys, unique and exclusion constraints, CHECKs and NOT NULLs added NOT VALID; a partition's
     * before it is attached, so that its parent's take them over */
    "SELECT format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s;', $1, $2, k.conname, "
    "pg_catalog.pg_get_constraintdef(k.oid)) FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = "
    "k.conrelid, LATERAL (SELECT " INH_FORM(
	"c") " AS inh) f WHERE k.conrelid = " TBL " AND (k.contype IN ('p', "
	     "'u', 'x') OR (k.contype IN ('c', 'n') AND NOT k.convalidated AND (k.conislocal OR NOT f.inh) AND NOT " ROWTYPE_CHECK(
		 "k", "c") ")) ORDER BY k.contype <> 'p', k.conname",
    "SELECT format('-- CHECK %I calls a function of this table''s rows: the constraint''s own DDL adds it after "
    "that function', k.conname) FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid "
    "WHERE k.conrelid = " TBL " AND k.contype = 'c' AND " ROWTYPE_CHECK("k", "c") " ORDER BY k.conname",
    "SELECT format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s;', $1, $2, k.conname, "
    "pg_catalog.pg_get_constraintdef(k.oid)) FROM pg_catalog.pg_constraint k WHERE k.conrelid = " TBL
    " AND k.contype = 'f' AND (k.conparentid = 0 OR " OWN_NAMED_FK("k") ") ORDER BY k.conname",
    /* indexes that no constraint made; a partition's too where its parent's index made them */
    "SELECT pg_catalog.pg_get_indexdef(i.indexrelid) || ';' FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic "
    "ON ic.oid = i.indexrelid JOIN pg_catalog.pg_class c ON c.oid = i.indrelid WHERE i.indrelid = " TBL " AND NOT "
    "EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conrelid = i.indrelid AND k.conindid = "
    "i.indexrelid) AND (c.relispartition OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = "
    "i.indexrelid)) ORDER BY ic.relname",
    /* a partition joins its parent; a child whose columns INHERITS would reorder joins its parents */
    ATTACH("'r', 'p'"),
    "SELECT format('ALTER TABLE ONLY %I.%I INHERIT %I.%I;', $1, $2, pn.nspname, p.relname) FROM "
    "pg_catalog.pg_class c JOIN pg_catalog.pg_inherits i ON i.inhrelid = c.oid JOIN pg_catalog.pg_class p ON p.oid "
    "= i.inhparent JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace, LATERAL (SELECT " INH_FORM(
	"c") " AS inh) f WHERE c.oid = " TBL " AND NOT c.relispartition AND NOT f.inh ORDER BY i.inhseqno",
    "SELECT format('ALTER TABLE %I.%I REPLICA IDENTITY %s;', $1, $2, CASE c.relreplident WHEN 'n' THEN 'NOTHING' "
    "WHEN 'f' THEN 'FULL' ELSE 'USING INDEX ' || (SELECT format('%I', ic.relname) FROM pg_catalog.pg_index i JOIN "
    "pg_catalog.pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid AND i.indisreplident) END) FROM "
    "pg_catalog.pg_class c WHERE c.oid = " TBL " AND c.relreplident IN ('n', 'f', 'i')",
    CLUSTER_ON("TABLE", "'r', 'p'"),
    REL_OWNER("TABLE"),
    REL_COMMENT("TABLE"),
    "SELECT format('COMMENT ON COLUMN %I.%I.%I IS %L;', $1, $2, a.attname, d) FROM pg_catalog.pg_attribute a, "
    "pg_catalog.col_description(a.attrelid, a.attnum) d WHERE a.attrelid = " TBL " AND a.attnum > 0 AND "
    "NOT a.attisdropped AND d IS NOT NULL ORDER BY a.attnum",
    "SELECT format('COMMENT ON CONSTRAINT %I ON %I.%I IS %L;', k.conname, $1, $2, d) FROM pg_catalog.pg_constraint k, "
    "pg_catalog.obj_description(k.oid, 'pg_constraint') d WHERE k.conrelid = " TBL " AND d IS NOT NULL ORDER BY 1",
    REL_GRANTS("TABLE"),
    COLUMN_GRANTS("'r', 'p'"),
    /* its identity columns' sequences: their own comments and privileges */
    "SELECT format('COMMENT ON SEQUENCE %s.%I IS %L;', o.relnamespace::pg_catalog.regnamespace, o.relname, d) "
    "FROM " IDENTITY_SEQ_FROM " AND d IS NOT NULL",
    GRANTS("'SEQUENCE'", "'s'", "format('%s.%I', o.relnamespace::pg_catalog.regnamespace, o.relname)",
	   IDENTITY_SEQ_FROM, "relacl", "relowner", "pg_class"),
    "SELECT format('COMMENT ON INDEX %I.%I IS %L;', $1, ic.relname, d) FROM pg_catalog.pg_index i JOIN "
    "pg_catalog.pg_class ic ON ic.oid = i.indexrelid, pg_catalog.obj_description(i.indexrelid, 'pg_class') d "
    "WHERE i.indrelid = " TBL " AND d IS NOT NULL ORDER BY 1",
    /* its own triggers; those a parent's made come with ATTACH, and keep their own state */
    "SELECT pg_catalog.pg_get_triggerdef(t.oid) || ';' || CASE WHEN t.tgenabled <> 'O' THEN format(E'\\nALTER "
    "TABLE %I.%I %s TRIGGER %I;', $1, $2, " TRIGGER_STATE ", t.tgname) ELSE '' END FROM pg_catalog.pg_trigger t "
    "WHERE t.tgrelid = " TBL " AND NOT t.tgisinternal AND t.tgparentid = 0 ORDER BY t.tgname",
    "SELECT format('ALTER TABLE ONLY %I.%I %s TRIGGER %I;', $1, $2, " TRIGGER_STATE ", t.tgname) FROM "
    "pg_catalog.pg_trigger t JOIN pg_catalog.pg_trigger pt ON pt.oid = t.tgparentid WHERE t.tgrelid = " TBL
    " AND (t.tgenabled <> pt.tgenabled OR t.tgenabled <> 'O') ORDER BY t.tgname",
    "SELECT format('ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY;', $1, $2) FROM pg_catalog.pg_class c WHERE c.oid = " TBL
    " AND c.relrowsecurity UNION ALL SELECT format('ALTER TABLE %I.%I FORCE ROW LEVEL SECURITY;', $1, $2) FROM "
    "pg_catalog.pg_class c WHERE c.oid = " TBL " AND c.relforcerowsecurity",
    "SELECT format('CREATE POLICY %I ON %I.%I AS %s FOR %s TO %s%s%s;', p.policyname, $1, $2, p.permissive, p.cmd, "
    "(SELECT string_agg(CASE WHEN r = 'public' THEN 'PUBLIC' ELSE quote_ident(r) END, ', ') FROM unnest(p.roles) r), "
    "COALESCE(' USING (' || p.qual || ')', ''), COALESCE(' WITH CHECK (' || p.with_check || ')', '')) FROM "
    "pg_catalog.pg_policies p WHERE p.schemaname = $1 AND p.tablename = $2 ORDER BY p.policyname",
    "SELECT pg_catalog.pg_get_ruledef(r.oid) FROM pg_catalog.pg_rewrite r WHERE r.ev_class = " TBL
    " AND r.rulename <> '_RETURN' ORDER BY r.rulename",
    "SELECT format('ALTER TABLE %I.%I %s RULE %I;', $1, $2, CASE r.ev_enabled WHEN 'D' THEN 'DISABLE' WHEN 'R' THEN "
    "'ENABLE REPLICA' ELSE 'ENABLE ALWAYS' END, r.rulename) FROM pg_catalog.pg_rewrite r WHERE r.ev_class = " TBL
    " AND r.rulename <> '_RETURN' AND r.ev_enabled <> 'O' ORDER BY r.rulename",
    PART_COMMENTS("'r', 'p'"),
    NULL,
};

/* Extended statistics: pg_get_statisticsobjdef exists from PostgreSQL 14 (and knows
 * expression statistics); 13 gets the statement built from pg_statistic_ext. */
#define TABLE_STATS_SQL                                                                                                      \
	"SELECT pg_catalog.pg_get_statisticsobjdef(s.oid) || ';' FROM pg_catalog.pg_statistic_ext s WHERE s.stxrelid = " TBL \
	" ORDER BY s.stxname"

/* Column compression (attcompression, PostgreSQL 14 on): a method other than the default, or
 * than the parent's, which an inherited column takes. */
#define COMPRESSION(word, only, kinds)                                                                                              \
	"SELECT format('ALTER " word only " %I.%I ALTER COLUMN %I SET COMPRESSION %s;', $1, $2, a.attname, CASE "                   \
	"a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' ELSE 'default' END) FROM pg_catalog.pg_attribute a "             \
	"WHERE a.attrelid = " REL(                                                                                                  \
	    kinds) " AND a.attnum > 0 AND NOT a.attisdropped AND (a.attcompression <> '' OR "                                       \
		   "EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_attribute pa ON pa.attrelid = i.inhparent "   \
		   "AND pa.attname = a.attname WHERE i.inhrelid = a.attrelid AND pa.attcompression <> a.attcompression)) ORDER BY " \
		   "a.attnum"

static const char *const table_more_14 =
    "(" COMPRESSION("TABLE", " ONLY", "'r', 'p'") ") UNION ALL (" TABLE_STATS_SQL ")";

static const char *const table_stats_sql_13 =
    "SELECT format('CREATE STATISTICS %I.%I%s ON %s FROM %I.%I;', sn.nspname, s.stxname, CASE WHEN s.stxkind @> "
    "'{d,f,m}'::\"char\"[] THEN '' ELSE ' (' || array_to_string(ARRAY(SELECT CASE k WHEN 'd' THEN 'ndistinct' WHEN "
    "'f' THEN 'dependencies' WHEN 'm' THEN 'mcv' END FROM unnest(s.stxkind) k), ', ') || ')' END, (SELECT "
    "string_agg(quote_ident(a.attname), ', ' ORDER BY k.n) FROM unnest(s.stxkeys) WITH ORDINALITY k (att, n) JOIN "
    "pg_catalog.pg_attribute a ON a.attrelid = s.stxrelid AND a.attnum = k.att), n.nspname, c.relname) FROM "
    "pg_catalog.pg_statistic_ext s JOIN pg_catalog.pg_namespace sn ON sn.oid = s.stxnamespace JOIN pg_catalog.pg_class "
    "c ON c.oid = s.stxrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE s.stxrelid = " TBL
    " ORDER BY s.stxname";

/* Column compression and extended statistics, as the version has them. */
static const char *table_ddl_more(int server_version)
{
	return server_version >= 140000 ? table_more_14 : table_stats_sql_13;
}

static const char *const table_privileges[] = {"SELECT",     "INSERT",	"UPDATE",   "DELETE", "TRUNCATE",
					       "REFERENCES", "TRIGGER", "MAINTAIN", NULL};

/* ---- view ---- */

static const catalog_listing view_list = LISTING("views", "Views", CATALOG_AT_SCHEMA, REL_LIST("'v'", ""), NULL,
						 "pg_class", OWNED("pg_class", "relowner"), NULL, false);

static const char view_props[] =
    "SELECT c.relname AS name, n.nspname AS schema, pg_catalog.pg_get_userbyid(c.relowner) AS owner, c.oid::text AS "
    "oid, c.relacl::text AS privileges, pg_catalog.obj_description(c.oid, 'pg_class') AS comment, "
    "array_to_string(c.reloptions, ', ') AS options, pg_catalog.pg_get_viewdef(c.oid, true) AS definition "
    "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = " REL("'v'");

static const char view_search[] =
    "SELECT n.nspname, c.relname, NULL, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
    "n.oid = c.relnamespace WHERE c.relkind = 'v' AND c.relname ILIKE $1";

static const char *const view_sql[] = {
    "SELECT format(E'CREATE VIEW %I.%I%s AS\\n', $1, $2, COALESCE(' WITH (' || array_to_string(c.reloptions, ', ') "
    "|| ')', '')) || rtrim(pg_catalog.pg_get_viewdef(c.oid, true), ';') || ';' FROM pg_catalog.pg_class c WHERE "
    "c.oid = " REL("'v'"),
    REL_OWNER("VIEW"),
    REL_COMMENT("VIEW"),
    REL_GRANTS("TABLE"),
    /* its rules and (INSTEAD OF) triggers, as a table's DDL carries them */
    "SELECT pg_catalog.pg_get_ruledef(r.oid) FROM pg_catalog.pg_rewrite r WHERE r.ev_class = " REL(
	"'v'") " AND r.rulename <> '_RETURN' ORDER BY r.rulename",
    "SELECT pg_catalog.pg_get_triggerdef(t.oid) || ';' FROM pg_catalog.pg_trigger t WHERE t.tgrelid = " REL(
	"'v'") " ORDER BY t.tgname",
    PART_COMMENTS("'v'"),
    NULL,
};

static const char *const view_privileges[] = {"SELECT",	    "INSERT",  "UPDATE",   "DELETE", "TRUNCATE",
					      "REFERENCES", "TRIGGER", "MAINTAIN", NULL};

/* ---- materialized_view ---- */

static const catalog_listing materialized_view_list =
    LISTING("materialized_views", "Materialized Views", CATALOG_AT_SCHEMA, REL_LIST("'m'", ""), NULL, "pg_class",
	    REL_COLUMNS, NULL, false);

static const char materialized_view_props[] = REL_PROPS(
    "'m'") ", c.relispopulated AS populated, pg_catalog.pg_get_viewdef(c.oid, true) AS definition "
	   "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = " REL(
	       "'m'");

static const char materialized_view_search[] =
    "SELECT n.nspname, c.relname, NULL, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
    "n.oid = c.relnamespace WHERE c.relkind = 'm' AND c.relname ILIKE $1";

static const char *const matview_sql[] = {
    "SELECT format(E'CREATE MATERIALIZED VIEW %I.%I%s%s%s AS\\n', $1, $2, COALESCE(' USING ' || " TABLE_AM("c") ", ''), COALESCE(' WITH (' || " WITH_OPTIONS(
	"c",
	"tc") " || ')', ''), COALESCE(' TABLESPACE ' || (SELECT format('%I', spcname) FROM pg_catalog.pg_tablespace WHERE oid "
	      "= c.reltablespace), '')) || rtrim(pg_catalog.pg_get_viewdef(c.oid, true), ';') || E'\\nWITH ' || CASE WHEN "
	      "c.relispopulated THEN 'DATA' ELSE 'NO DATA' END || ';' FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_class "
	      "tc ON tc.oid = c.reltoastrelid WHERE c.oid = " REL("'m'"),
    COLUMN_SETTINGS("MATERIALIZED VIEW", "", "'m'"),
    "SELECT pg_catalog.pg_get_indexdef(i.indexrelid) || ';' FROM pg_catalog.pg_index i WHERE i.indrelid = " REL(
	"'m'") " ORDER BY 1",
    CLUSTER_ON("MATERIALIZED VIEW", "'m'"),
    REL_OWNER("MATERIALIZED VIEW"),
    REL_COMMENT("MATERIALIZED VIEW"),
    REL_GRANTS("TABLE"),
    COLUMN_GRANTS("'m'"),
    NULL,
};

/* Column compression from PostgreSQL 14 on. */
static const char *matview_ddl_more(int server_version)
{
	return server_version >= 140000 ? COMPRESSION("MATERIALIZED VIEW", "", "'m'") : NULL;
}

static const char *const materialized_view_privileges[] = {"SELECT", "REFERENCES", "MAINTAIN", NULL};

/* ---- foreign_table ---- */

static const catalog_listing foreign_table_list =
    LISTING("foreign_tables", "Foreign Tables", CATALOG_AT_SCHEMA, REL_LIST("'f'", ""), NULL, "pg_class",
	    OWNED("pg_class", "relowner"), NULL, false);

static const char foreign_table_props[] = REL_PROPS(
    "'f'") ", (SELECT srvname FROM pg_catalog.pg_foreign_server WHERE oid = ft.ftserver) AS server, "
	   "array_to_string(ft.ftoptions, ', ') AS foreign_options FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace "
	   "n ON n.oid = c.relnamespace JOIN pg_catalog.pg_foreign_table ft ON ft.ftrelid = c.oid WHERE c.oid = " REL(
	       "'f'");

static const char *const foreign_table_sql[] = {
    "SELECT format(E'CREATE FOREIGN TABLE %I.%I (\\n%s\\n) SERVER %I%s;', $1, $2, COALESCE((SELECT "
    "string_agg('    ' || format('%I', a.attname) || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod) || "
    "COALESCE(" OPTS(
	"a.attfdwoptions") ", '') || " NOT_NULL " || "
			   "COALESCE(' DEFAULT ' || pg_catalog.pg_get_expr(d.adbin, d.adrelid), ''), E',\\n' ORDER BY a.attnum) FROM "
			   "pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid LEFT JOIN pg_catalog.pg_attrdef d "
			   "ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
			   "WHERE a.attrelid = ft.ftrelid AND a.attnum > 0 AND NOT a.attisdropped), ''), s.srvname, COALESCE(" OPTS(
			       "ft.ftoptions") ", '')) FROM pg_catalog.pg_foreign_table ft JOIN pg_catalog.pg_foreign_server s "
					       "ON s.oid = ft.ftserver WHERE ft.ftrelid = " REL("'f'"),
    ATTACH("'f'"),
    REL_OWNER("FOREIGN TABLE"),
    REL_COMMENT("FOREIGN TABLE"),
    "SELECT format('COMMENT ON COLUMN %I.%I.%I IS %L;', $1, $2, a.attname, d) FROM pg_catalog.pg_attribute a, "
    "pg_catalog.col_description(a.attrelid, a.attnum) d WHERE a.attrelid = " REL(
	"'f'") " AND a.attnum > 0 AND "
	       "NOT a.attisdropped AND d IS NOT NULL ORDER BY a.attnum",
    REL_GRANTS("TABLE"),
    NULL,
};

static const char *const foreign_table_privileges[] = {"SELECT",   "INSERT",	 "UPDATE",  "DELETE",
						       "TRUNCATE", "REFERENCES", "TRIGGER", NULL};

/* ---- sequence ---- */

/* An identity column's sequence is the column's, not a sequence of the schema's. */
#define NOT_IDENTITY_SEQ                                                                                               \
	" AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass AND " \
	"d.objid = c.oid AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype = 'i')"

static const catalog_listing sequence_list =
    LISTING("sequences", "Sequences", CATALOG_AT_SCHEMA, REL_LIST("'S'", NOT_IDENTITY_SEQ), NULL, "pg_class",
	    OWNED("pg_class", "relowner"), NULL, false);

static const char sequence_props[] =
    "SELECT s.sequencename AS name, s.schemaname AS schema, s.sequenceowner AS owner, s.data_type::text AS "
    "data_type, s.start_value, s.min_value, s.max_value, s.increment_by, s.cycle, s.cache_size, s.last_value, "
    "pg_catalog.obj_description(" REL("'S'") ", 'pg_class') AS comment FROM pg_catalog.pg_sequences s "
					     "WHERE s.schemaname = $1 AND s.sequencename = $2";

static const char sequence_search[] =
    "SELECT n.nspname, c.relname, NULL, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
    "n.oid = c.relnamespace WHERE c.relkind = 'S' AND c.relname ILIKE $1" NOT_IDENTITY_SEQ;

static const char *const sequence_sql[] = {
    "SELECT format('CREATE %sSEQUENCE %I.%I AS %s START WITH %s INCREMENT BY %s MINVALUE %s MAXVALUE %s CACHE "
    "%s%s;', CASE c.relpersistence WHEN 'u' THEN 'UNLOGGED ' ELSE '' END, $1, $2, pg_catalog.format_type(q.seqtypid, "
    "NULL), q.seqstart, q.seqincrement, q.seqmin, q.seqmax, q.seqcache, CASE WHEN q.seqcycle THEN ' CYCLE' ELSE '' "
    "END) FROM pg_catalog.pg_sequence q JOIN pg_catalog.pg_class c ON c.oid = q.seqrelid WHERE q.seqrelid = " REL(
	"'S'"),
    REL_OWNER("SEQUENCE"),
    REL_COMMENT("SEQUENCE"),
    REL_GRANTS("SEQUENCE"),
    /* a serial column's: its table's DDL, which comes after, makes it the column's (as pg_dump) */
    "SELECT format('-- owned by %I.%I.%I: the table''s DDL makes it so (ALTER SEQUENCE ... OWNED BY) and makes "
    "the sequence itself if this has not', tn.nspname, "
    "t.relname, a.attname) FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class t ON t.oid = d.refobjid JOIN "
    "pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND "
    "a.attnum = d.refobjsubid WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = " REL(
	"'S'") " AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype = 'a'",
    NULL,
};

static const char *const sequence_privileges[] = {"USAGE", "SELECT", "UPDATE", NULL};

/* ---- column ---- */

static const catalog_listing column_list =
    LISTING("columns", "Columns", CATALOG_AT_TABLE,
	    "SELECT a.attname, a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod) || "
	    "CASE WHEN a.attnotnull THEN ' not null' ELSE '' END, false, a.attrelid, a.attnum, "
	    "pg_catalog.format_type(a.atttypid, a.atttypmod) AS data_type, a.attnotnull AS not_null "
	    "FROM pg_catalog.pg_attribute a WHERE a.attrelid = " TABLE_OID " AND a.attnum > 0 AND NOT a.attisdropped",
	    "x.attnum", NULL,
	    COLUMNS({"data_type", "x.data_type"}, {"not_null", "x.not_null"},
		    {"default_value", "(SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attrdef d "
				      "WHERE d.adrelid = x.oid AND d.adnum = x.attnum)"},
		    {"comment", "pg_catalog.col_description(x.oid, x.attnum)"}),
	    NULL, false);

static const char column_props[] =
    "SELECT a.attname AS name, a.attnum AS position, pg_catalog.format_type(a.atttypid, a.atttypmod) AS data_type, "
    "a.attnotnull AS not_null, pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS default_value, CASE a.attidentity WHEN "
    "'a' THEN 'always' WHEN 'd' THEN 'by default' END AS identity, CASE a.attgenerated WHEN 's' THEN 'stored' END AS "
    "generated, (SELECT collname FROM pg_catalog.pg_collation WHERE oid = a.attcollation AND a.attcollation <> 0) AS "
    "collation, a.attstattarget AS statistics_target, a.attacl::text AS privileges, "
    "pg_catalog.col_description(a.attrelid, a.attnum) AS comment FROM pg_catalog.pg_attribute a LEFT JOIN "
    "pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = " TBL
    " AND a.attname = $3";

static const char column_stats[] =
    "SELECT s.null_frac, s.avg_width, s.n_distinct, s.most_common_vals::text AS most_common_values, s.correlation "
    "FROM pg_catalog.pg_stats s WHERE s.schemaname = $1 AND s.tablename = $2 AND s.attname = $3";

static const char column_search[] =
    "SELECT n.nspname, c.relname, a.attname, c.relname || '.' || a.attname FROM pg_catalog.pg_attribute a JOIN "
    "pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE "
    "c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND a.attname ILIKE $1";

static const char *const column_sql[] = {
    /* the column as its table's CREATE TABLE writes it */
    "SELECT format('ALTER TABLE %I.%I ADD COLUMN %s;', $1, $2, ltrim(" COLUMN_ITEM ")) FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid JOIN pg_catalog.pg_type t ON t.oid = a.atttypid LEFT JOIN "
    "pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum, LATERAL (SELECT false AS inh) f "
    "WHERE c.oid = " TBL " AND a.attname = $3",
    NULL,
};

/* ---- constraint ---- */

static const catalog_listing constraint_list = LISTING(
    "constraints", "Constraints", CATALOG_AT_TABLE,
    "SELECT c.conname, c.conname || CASE c.contype WHEN 'p' THEN ' (primary key)' WHEN 'u' THEN ' (unique)' "
    "WHEN 'f' THEN ' (foreign key)' WHEN 'c' THEN ' (check)' WHEN 'x' THEN ' (exclusion)' ELSE '' END, false, "
    "c.oid FROM pg_catalog.pg_constraint c WHERE c.conrelid = " TABLE_OID " AND c.contype IN ('p', 'u', 'f', 'c', 'x')",
    NULL, "pg_constraint", COLUMNS({"definition", "pg_catalog.pg_get_constraintdef(x.oid)"}, COMMENT("pg_constraint")),
    NULL, false);

static const char constraint_props[] =
    "SELECT k.conname AS name, CASE k.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique' WHEN 'f' THEN "
    "'foreign key' WHEN 'c' THEN 'check' WHEN 'x' THEN 'exclusion' END AS constraint_type, "
    "pg_catalog.pg_get_constraintdef(k.oid) AS definition, k.condeferrable AS deferrable, k.condeferred AS deferred, "
    "k.convalidated AS validated, k.confrelid::regclass::text AS references, pg_catalog.obj_description(k.oid, "
    "'pg_constraint') AS comment FROM pg_catalog.pg_constraint k WHERE k.conrelid = " TBL " AND k.conname = $3";

static const char *const constraint_sql[] = {
    "SELECT format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s;', $1, $2, k.conname, "
    "pg_catalog.pg_get_constraintdef(k.oid)) FROM pg_catalog.pg_constraint k WHERE k.conrelid = " TBL
    " AND k.conname = $3",
    NULL,
};

/* ---- index ---- */

static const catalog_listing index_list =
    LISTING("indexes", "Indexes", CATALOG_AT_TABLE,
	    "SELECT ic.relname, ic.relname, false, ic.oid FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic "
	    "ON ic.oid = i.indexrelid WHERE i.indrelid = " TABLE_OID,
	    NULL, "pg_class",
	    COLUMNS({"definition", "pg_catalog.pg_get_indexdef(x.oid)"}, {"size", "pg_catalog.pg_relation_size(x.oid)"},
		    COMMENT("pg_class")),
	    NULL, false);

static const char index_props[] =
    "SELECT ic.relname AS name, am.amname AS method, i.indisunique AS unique, i.indisprimary AS primary, "
    "i.indisvalid AS valid, i.indisclustered AS clustered, pg_catalog.pg_get_indexdef(i.indexrelid) AS definition, "
    "pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS predicate, pg_catalog.pg_size_pretty("
    "pg_catalog.pg_relation_size(i.indexrelid)) AS size, pg_catalog.obj_description(i.indexrelid, 'pg_class') AS "
    "comment FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid JOIN pg_catalog.pg_am am "
    "ON am.oid = ic.relam WHERE i.indrelid = " TABLE_OID " AND ic.relname = $3";

static const char index_stats[] =
    "SELECT s.idx_scan, s.idx_tup_read, s.idx_tup_fetch, io.idx_blks_read, io.idx_blks_hit FROM "
    "pg_catalog.pg_stat_all_indexes s JOIN pg_catalog.pg_statio_all_indexes io ON io.indexrelid = s.indexrelid "
    "WHERE s.relid = " TABLE_OID " AND s.indexrelname = $3";

static const char index_search[] =
    "SELECT n.nspname, t.relname, ic.relname, ic.relname || ' on ' || t.relname FROM pg_catalog.pg_index i JOIN "
    "pg_catalog.pg_class ic ON ic.oid = i.indexrelid JOIN pg_catalog.pg_class t ON t.oid = i.indrelid JOIN "
    "pg_catalog.pg_namespace n ON n.oid = t.relnamespace WHERE t.relkind IN ('r', 'p') AND ic.relname ILIKE $1";

/* Parts of a table, the table's schema and name as $1, $2 and the part as $3. */
static const char *const index_sql[] = {
    "SELECT pg_catalog.pg_get_indexdef(i.indexrelid) || ';' FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic "
    "ON ic.oid = i.indexrelid WHERE i.indrelid = " TABLE_OID " AND ic.relname = $3",
    NULL,
};

/* ---- policy ---- */

static const catalog_listing policy_list =
    LISTING("policies", "RLS Policies", CATALOG_AT_TABLE,
	    "SELECT p.polname, p.polname, false, p.oid FROM pg_catalog.pg_policy p WHERE p.polrelid = " TABLE_OID, NULL,
	    "pg_policy",
	    COLUMNS({"command", "CASE o.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' "
				"WHEN 'd' THEN 'DELETE' ELSE 'ALL' END"},
		    COMMENT("pg_policy")),
	    NULL, false);

static const char policy_props[] =
    "SELECT p.policyname AS name, p.permissive, p.cmd AS command, array_to_string(p.roles, ', ') AS roles, p.qual AS "
    "using_expression, p.with_check AS check_expression FROM pg_catalog.pg_policies p WHERE p.schemaname = $1 AND "
    "p.tablename = $2 AND p.policyname = $3";

static const char *const policy_sql[] = {
    "SELECT format('CREATE POLICY %I ON %I.%I AS %s FOR %s TO %s%s%s;', p.policyname, $1, $2, p.permissive, p.cmd, "
    "(SELECT string_agg(CASE WHEN r = 'public' THEN 'PUBLIC' ELSE quote_ident(r) END, ', ') FROM unnest(p.roles) r), "
    "COALESCE(' USING (' || p.qual || ')', ''), COALESCE(' WITH CHECK (' || p.with_check || ')', '')) FROM "
    "pg_catalog.pg_policies p WHERE p.schemaname = $1 AND p.tablename = $2 AND p.policyname = $3",
    NULL,
};

/* ---- rule ---- */

static const catalog_listing rule_list =
    LISTING("rules", "Rules", CATALOG_AT_TABLE,
	    "SELECT r.rulename, r.rulename, false, r.oid FROM pg_catalog.pg_rewrite r WHERE r.ev_class = " TABLE_OID
	    " AND r.rulename <> '_RETURN'",
	    NULL, "pg_rewrite", COLUMNS(COMMENT("pg_rewrite")), NULL, false);

static const char rule_props[] =
    "SELECT r.rulename AS name, r.oid::text AS oid, CASE r.ev_type WHEN '1' THEN 'SELECT' WHEN '2' THEN 'UPDATE' "
    "WHEN '3' THEN 'INSERT' ELSE 'DELETE' END AS event, r.is_instead AS instead, CASE r.ev_enabled WHEN 'D' THEN "
    "'disabled' WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' ELSE 'enabled' END AS enabled, "
    "pg_catalog.pg_get_ruledef(r.oid) AS definition, pg_catalog.obj_description(r.oid, 'pg_rewrite') AS comment "
    "FROM pg_catalog.pg_rewrite r WHERE r.ev_class = " TABLE_OID " AND r.rulename = $3";

/* a rule with its state and comment (a view's rules are always enabled) */
static const char *const rule_sql[] = {
    "SELECT pg_catalog.pg_get_ruledef(r.oid) FROM pg_catalog.pg_rewrite r WHERE r.ev_class = " TABLE_OID
    " AND r.rulename = $3",
    "SELECT format('ALTER TABLE %I.%I %s RULE %I;', $1, $2, CASE r.ev_enabled WHEN 'D' THEN 'DISABLE' WHEN 'R' THEN "
    "'ENABLE REPLICA' ELSE 'ENABLE ALWAYS' END, r.rulename) FROM pg_catalog.pg_rewrite r WHERE r.ev_class = " TABLE_OID
    " AND r.rulename = $3 AND r.ev_enabled <> 'O'",
    "SELECT format('COMMENT ON RULE %I ON %I.%I IS %L;', $3, $1, $2, d) FROM pg_catalog.pg_rewrite r, "
    "pg_catalog.obj_description(r.oid, 'pg_rewrite') d WHERE r.ev_class = " TABLE_OID
    " AND r.rulename = $3 AND d IS NOT NULL",
    NULL,
};

/* ---- trigger ---- */

static const catalog_listing trigger_list = LISTING(
    "triggers", "Triggers", CATALOG_AT_TABLE,
    "SELECT t.tgname, t.tgname, t.tgisinternal, t.oid FROM pg_catalog.pg_trigger t WHERE t.tgrelid = " TABLE_OID, NULL,
    "pg_trigger", COLUMNS({"enabled", "o.tgenabled <> 'D'"}, COMMENT("pg_trigger")), NULL, false);

static const char trigger_props[] =
    "SELECT t.tgname AS name, pg_catalog.pg_get_triggerdef(t.oid) AS definition, t.tgfoid::regproc::text AS "
    "function, CASE t.tgenabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' ELSE "
    "'enabled' END AS enabled, pg_catalog.obj_description(t.oid, 'pg_trigger') AS comment FROM pg_catalog.pg_trigger "
    "t WHERE t.tgrelid = " TABLE_OID " AND t.tgname = $3";

/* a trigger with its state and comment */
static const char *const trigger_sql[] = {
    "SELECT pg_catalog.pg_get_triggerdef(t.oid) || ';' FROM pg_catalog.pg_trigger t WHERE t.tgrelid = " TABLE_OID
    " AND t.tgname = $3",
    "SELECT format('ALTER TABLE %I.%I %s TRIGGER %I;', $1, $2, " TRIGGER_STATE ", t.tgname) FROM "
    "pg_catalog.pg_trigger t WHERE t.tgrelid = " TABLE_OID " AND t.tgname = $3 AND t.tgenabled <> 'O'",
    "SELECT format('COMMENT ON TRIGGER %I ON %I.%I IS %L;', $3, $1, $2, d) FROM pg_catalog.pg_trigger t, "
    "pg_catalog.obj_description(t.oid, 'pg_trigger') d WHERE t.tgrelid = " TABLE_OID " AND t.tgname = $3 AND d IS "
    "NOT NULL",
    NULL,
};

/* ---- statistics ---- */

static const catalog_listing statistics_list = LISTING(
    "statistics", "Extended Statistics", CATALOG_AT_TABLE,
    "SELECT s.stxname, s.stxname, false, s.oid FROM pg_catalog.pg_statistic_ext s WHERE s.stxrelid = " TABLE_OID, NULL,
    "pg_statistic_ext", OWNED("pg_statistic_ext", "stxowner"), NULL, false);

static const char statistics_props[] =
    "SELECT s.stxname AS name, (SELECT nspname FROM pg_catalog.pg_namespace WHERE oid = s.stxnamespace) AS schema, "
    "pg_catalog.pg_get_userbyid(s.stxowner) AS owner, s.oid::text AS oid, array_to_string(ARRAY(SELECT CASE k WHEN "
    "'d' THEN 'ndistinct' WHEN 'f' THEN 'dependencies' WHEN 'm' THEN 'mcv' WHEN 'e' THEN 'expressions' END FROM "
    "unnest(s.stxkind) k), ', ') AS kinds, (SELECT string_agg(a.attname, ', ' ORDER BY a.attnum) FROM "
    "pg_catalog.pg_attribute a WHERE a.attrelid = s.stxrelid AND a.attnum = ANY (s.stxkeys)) AS columns, "
    "pg_catalog.obj_description(s.oid, 'pg_statistic_ext') AS comment FROM pg_catalog.pg_statistic_ext s WHERE "
    "s.stxrelid = " TBL " AND s.stxname = $3";

/* An extended statistics object on its own, named in its own schema (which
 * may not be its table's); its statistics target from 13 on (-1, or NULL
 * from 17, is the default). */
#define STX_FROM                                                                                                       \
	"pg_catalog.pg_statistic_ext o JOIN pg_catalog.pg_namespace n ON n.oid = o.stxnamespace "                      \
	"WHERE o.stxrelid = " TBL " AND o.stxname = $3"

static const char *const statistics_sql[] = {
    "SELECT pg_catalog.pg_get_statisticsobjdef(o.oid) || ';' FROM " STX_FROM,
    "SELECT format('ALTER STATISTICS %I.%I SET STATISTICS %s;', n.nspname, o.stxname, o.stxstattarget) FROM " STX_FROM
    " AND o.stxstattarget <> -1",
    "SELECT format('ALTER STATISTICS %I.%I OWNER TO %I;', n.nspname, o.stxname, "
    "pg_catalog.pg_get_userbyid(o.stxowner)) FROM " STX_FROM,
    "SELECT format('COMMENT ON STATISTICS %I.%I IS %L;', n.nspname, o.stxname, "
    "pg_catalog.obj_description(o.oid, 'pg_statistic_ext')) FROM " STX_FROM
    " AND pg_catalog.obj_description(o.oid, 'pg_statistic_ext') IS NOT NULL",
    NULL,
};

/* kind, icon, listing, second listing, children, parameters, identity, properties, statistics,
 * DDL, DDL by version, search: order, query, parent; statements: address type, keyword, form,
 * what PostgreSQL has, article; GRANT keyword, privileges */
const catalog_kind catalog_relation_kinds[] = {
    KIND("table", "table", &table_list, &table_also, table_children, 2,
	 "SELECT 'pg_catalog.pg_class'::regclass::oid, " TBL, table_props, table_stats, table_sql, table_ddl_more, 1,
	 table_search, NULL, "table", "TABLE", NAMED, SCHEMA_OBJECT, "a", "TABLE", table_privileges),
    KIND("view", "view", &view_list, NULL, view_children, 2, "SELECT 'pg_catalog.pg_class'::regclass::oid, " REL("'v'"),
	 view_props, NULL, view_sql, NULL, 2, view_search, NULL, "view", "VIEW", NAMED, SCHEMA_OBJECT, "a", "TABLE",
	 view_privileges),
    KIND("materialized_view", "materialized_view", &materialized_view_list, NULL, materialized_view_children, 2,
	 "SELECT 'pg_catalog.pg_class'::regclass::oid, " REL("'m'"), materialized_view_props, NULL, matview_sql,
	 matview_ddl_more, 3, materialized_view_search, NULL, "materialized view", "MATERIALIZED VIEW", NAMED,
	 SCHEMA_OBJECT, "a", "TABLE", materialized_view_privileges),
    KIND("foreign_table", "foreign_table", &foreign_table_list, NULL, NULL, 2,
	 "SELECT 'pg_catalog.pg_class'::regclass::oid, " REL("'f'"), foreign_table_props, NULL, foreign_table_sql, NULL,
	 0, NULL, NULL, "foreign table", "FOREIGN TABLE", NAMED, SCHEMA_OBJECT, "a", "TABLE", foreign_table_privileges),
    KIND("sequence", "sequence", &sequence_list, NULL, NULL, 2,
	 "SELECT 'pg_catalog.pg_class'::regclass::oid, " REL("'S'"), sequence_props, NULL, sequence_sql, NULL, 4,
	 sequence_search, NULL, "sequence", "SEQUENCE", NAMED, SCHEMA_OBJECT, "a", "SEQUENCE", sequence_privileges),
    KIND("column", "column", &column_list, NULL, NULL, 3, "SELECT 'pg_catalog.pg_class'::regclass::oid, " TBL,
	 column_props, column_stats, column_sql, NULL, 7, column_search, "tables", "table column", "COLUMN", COLUMN,
	 PART, "a", NULL, NULL),
    KIND(
	"constraint", "constraint", &constraint_list, NULL, NULL, 3,
	"SELECT 'pg_catalog.pg_constraint'::regclass::oid, k.oid FROM pg_catalog.pg_constraint k WHERE k.conrelid = " TBL
	" AND k.conname = $3",
	constraint_props, NULL, constraint_sql, NULL, 0, NULL, NULL, "table constraint", "CONSTRAINT", TABLE_CONSTRAINT,
	PART, "a", NULL, NULL),
    KIND(
	"index", "index", &index_list, NULL, NULL, 3,
	"SELECT 'pg_catalog.pg_class'::regclass::oid, i.indexrelid FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic "
	"ON ic.oid = i.indexrelid WHERE i.indrelid = " TABLE_OID " AND ic.relname = $3",
	index_props, index_stats, index_sql, NULL, 8, index_search, "tables", "index", "INDEX", NAMED, PART, "an", NULL,
	NULL),
    KIND("policy", "policy", &policy_list, NULL, NULL, 3,
	 "SELECT 'pg_catalog.pg_policy'::regclass::oid, p.oid FROM pg_catalog.pg_policy p WHERE p.polrelid = " TBL
	 " AND p.polname = $3",
	 policy_props, NULL, policy_sql, NULL, 0, NULL, NULL, "policy", "POLICY", ON_TABLE, PART, "a", NULL, NULL),
    KIND(
	"rule", "rule", &rule_list, NULL, NULL, 3,
	"SELECT 'pg_catalog.pg_rewrite'::regclass::oid, r.oid FROM pg_catalog.pg_rewrite r WHERE r.ev_class = " TABLE_OID
	" AND r.rulename = $3",
	rule_props, NULL, rule_sql, NULL, 0, NULL, NULL, "rule", "RULE", ON_TABLE, PART, "a", NULL, NULL),
    KIND(
	"trigger", "trigger", &trigger_list, NULL, NULL, 3,
	"SELECT 'pg_catalog.pg_trigger'::regclass::oid, t.oid FROM pg_catalog.pg_trigger t WHERE t.tgrelid = " TABLE_OID
	" AND t.tgname = $3",
	trigger_props, NULL, trigger_sql, NULL, 0, NULL, NULL, "trigger", "TRIGGER", ON_TABLE, PART, "a", NULL, NULL),
    KIND(
	"statistics", "statistics", &statistics_list, NULL, NULL, 3,
	"SELECT 'pg_catalog.pg_statistic_ext'::regclass::oid, s.oid FROM pg_catalog.pg_statistic_ext s WHERE s.stxrelid = " TBL
	" AND s.stxname = $3",
	statistics_props, NULL, statistics_sql, NULL, 0, NULL, NULL, "statistics object", "STATISTICS", NAMED,
	SCHEMA_OBJECT, "a", NULL, NULL),
    {0},
};
