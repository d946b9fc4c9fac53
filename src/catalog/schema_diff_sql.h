/* The catalog queries of the schema diff: one inventory of a side's objects
 * with each one's owner, comment, privileges and structure, and its
 * dependencies between them. $1 is the schema compared, or NULL for every
 * schema but the system's. Private to schema_diff.c. */
#ifndef TUSK_CATALOG_SCHEMA_DIFF_SQL_H
#define TUSK_CATALOG_SCHEMA_DIFF_SQL_H

/* privileges as {acl: [GRANT lines' parts in the catalog's order], acl_key: the same sorted} */
#define SD_ACL(acl, kind, owner)                                                                                            \
	"(SELECT json_build_object('acl', coalesce(json_agg(g ORDER BY i), '[]'), 'acl_key', coalesce(string_agg(g::text, " \
	"',' ORDER BY g::text), '')) FROM (SELECT i, json_build_array(CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE "          \
	"quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END, a.privilege_type, a.is_grantable) AS g FROM "              \
	"pg_catalog.aclexplode(coalesce(" acl ", pg_catalog.acldefault((" kind ")::\"char\", " owner                        \
	"))) WITH ORDINALITY "                                                                                              \
	"AS a(grantor, grantee, privilege_type, is_grantable, i)) x)"

#define SD_META(acl, kind, owner, oid, catalog)                                                                        \
	"(jsonb_build_object('owner', pg_catalog.pg_get_userbyid(" owner                                               \
	"), 'comment', pg_catalog.obj_description(" oid ", '" catalog "')) || " SD_ACL(acl, kind, owner) "::jsonb)"

/* a relation's columns, constraints, indexes and triggers (its size is read for the tables the
 * script changes only: SD_SIZES) */
#define SD_REL                                                                                                            \
	"jsonb_build_object('viewdef', CASE WHEN c.relkind IN "                                                           \
	"('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END, 'columns', (SELECT coalesce(jsonb_agg(jsonb_build_object(" \
	"'name', a.attname, 'type', pg_catalog.format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attcollation <> "      \
	"t.typcollation AND a.attcollation <> 0 THEN ' COLLATE ' || quote_ident(cn.nspname) || '.' || "                   \
	"quote_ident(co.collname) ELSE '' END, 'default', CASE WHEN a.attgenerated = '' THEN "                            \
	"pg_catalog.pg_get_expr(d.adbin, d.adrelid) END, 'generated', CASE WHEN a.attgenerated <> '' THEN "               \
	"pg_catalog.pg_get_expr(d.adbin, d.adrelid) END, 'not_null', a.attnotnull, 'identity', CASE a.attidentity "       \
	"WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END, 'comment', pg_catalog.col_description(c.oid, "            \
	"a.attnum)) ORDER BY a.attnum), '[]') FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = "       \
	"a.atttypid LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LEFT JOIN "        \
	"pg_catalog.pg_collation co ON co.oid = a.attcollation LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = "         \
	"co.collnamespace WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), 'constraints', (SELECT "     \
	"coalesce(jsonb_agg(jsonb_build_object('name', k.conname, 'type', k.contype, 'def', "                             \
	"pg_catalog.pg_get_constraintdef(k.oid), 'valid', k.convalidated) ORDER BY k.conname), '[]') FROM "               \
	"pg_catalog.pg_constraint k WHERE k.conrelid = c.oid AND k.contype IN ('p', 'u', 'c', 'f', 'x') AND "             \
	"k.conislocal), 'indexes', (SELECT coalesce(jsonb_agg(jsonb_build_object('name', ic.relname, 'def', "             \
	"pg_catalog.pg_get_indexdef(i.indexrelid)) ORDER BY ic.relname), '[]') FROM pg_catalog.pg_index i JOIN "          \
	"pg_catalog.pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid AND NOT EXISTS (SELECT 1 FROM "         \
	"pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = c.oid AND k.contype IN ('p', "       \
	"'u', 'x'))), 'triggers', (SELECT coalesce(jsonb_agg(jsonb_build_object('name', g.tgname, 'def', "                \
	"pg_catalog.pg_get_triggerdef(g.oid)) ORDER BY g.tgname), '[]') FROM pg_catalog.pg_trigger g WHERE g.tgrelid "    \
	"= c.oid AND NOT g.tgisinternal))"

/* what else a relation's DDL says, compared but not altered in place: storage, row security,
 * partitioning, inheritance, policies, rules, statistics, column options, a sequence's parameters */
#define SD_REL_MORE                                                                                                        \
	"jsonb_build_object('persistence', c.relpersistence, 'options', c.reloptions, 'rls', c.relrowsecurity, "           \
	"'force_rls', c.relforcerowsecurity, 'replica_identity', c.relreplident, 'tablespace', (SELECT s.spcname FROM "    \
	"pg_catalog.pg_tablespace s WHERE s.oid = c.reltablespace), 'partition_key', CASE WHEN c.relkind = 'p' THEN "      \
	"pg_catalog.pg_get_partkeydef(c.oid) END, 'parents', (SELECT jsonb_agg(h.inhparent::pg_catalog.regclass::text "    \
	"ORDER BY h.inhseqno) FROM pg_catalog.pg_inherits h WHERE h.inhrelid = c.oid), 'partitions', (SELECT "             \
	"jsonb_agg(jsonb_build_array(pc.relname, pg_catalog.pg_get_expr(pc.relpartbound, pc.oid)) ORDER BY "               \
	"pc.relname) FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class pc ON pc.oid = h.inhrelid WHERE "              \
	"h.inhparent = c.oid), 'policies', (SELECT jsonb_agg(jsonb_build_array(po.polname, po.polcmd, "                    \
	"po.polpermissive, (SELECT jsonb_agg(CASE WHEN r.r = 0 THEN 'PUBLIC' ELSE quote_ident(pg_catalog.pg_get_userbyid(" \
	"r.r)) END ORDER BY r.i) FROM unnest(po.polroles) WITH ORDINALITY r(r, i)), pg_catalog.pg_get_expr(po.polqual, "   \
	"po.polrelid), "                                                                                                   \
	"pg_catalog.pg_get_expr(po.polwithcheck, po.polrelid)) ORDER BY po.polname) FROM pg_catalog.pg_policy po "         \
	"WHERE po.polrelid = c.oid), 'rules', (SELECT jsonb_agg(jsonb_build_array(ru.rulename, "                           \
	"pg_catalog.pg_get_ruledef(ru.oid)) ORDER BY "                                                                     \
	"ru.rulename) FROM pg_catalog.pg_rewrite ru WHERE ru.ev_class = c.oid AND ru.rulename <> '_RETURN'), "             \
	"'statistics', (SELECT jsonb_agg(pg_catalog.pg_get_statisticsobjdef(x.oid) ORDER BY x.stxname) FROM "              \
	"pg_catalog.pg_statistic_ext x WHERE x.stxrelid = c.oid), 'triggers_enabled', (SELECT "                            \
	"jsonb_agg(jsonb_build_array(g.tgname, g.tgenabled) ORDER BY g.tgname) FROM pg_catalog.pg_trigger g WHERE "        \
	"g.tgrelid = c.oid AND NOT g.tgisinternal), 'attributes', (SELECT jsonb_agg(jsonb_build_array(a.attname, "         \
	"a.attstorage, a.attoptions, a.attstattarget, (SELECT jsonb_agg(jsonb_build_array(CASE WHEN x.grantee = 0 "        \
	"THEN 'PUBLIC' ELSE quote_ident(pg_catalog.pg_get_userbyid(x.grantee)) END, x.privilege_type, x.is_grantable) "    \
	"ORDER BY x.grantee, x.privilege_type) FROM pg_catalog.aclexplode(a.attacl) x), pg_catalog.to_jsonb(a) ->> "       \
	"'attcompression', (SELECT ty.typstorage FROM pg_catalog.pg_type ty WHERE ty.oid = a.atttypid)) ORDER BY "         \
	"a.attnum) FROM "                                                                                                  \
	"pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), 'sequence', "        \
	"(SELECT jsonb_build_object('type', pg_catalog.format_type(q.seqtypid, NULL), 'start', q.seqstart::text, "         \
	"'increment', q.seqincrement::text, 'min', q.seqmin::text, 'max', q.seqmax::text, 'cache', q.seqcache::text, "     \
	"'cycle', q.seqcycle) FROM pg_catalog.pg_sequence q WHERE q.seqrelid = c.oid))"

/* a type's or domain's definition */
#define SD_TYPE_MORE                                                                                                   \
	"jsonb_build_object('attributes', (SELECT jsonb_agg(jsonb_build_array(a.attname, "                             \
	"pg_catalog.format_type(a.atttypid, a.atttypmod), a.attcollation) ORDER BY a.attnum) FROM "                    \
	"pg_catalog.pg_attribute a WHERE a.attrelid = t.typrelid AND t.typrelid <> 0 AND a.attnum > 0 AND NOT "        \
	"a.attisdropped), 'range', (SELECT jsonb_build_array(r.rngsubtype::pg_catalog.regtype::text, r.rngsubopc, "    \
	"r.rngcollation, r.rngcanonical::text, r.rngsubdiff::text) FROM pg_catalog.pg_range r WHERE r.rngtypid = "     \
	"t.oid), 'base', CASE WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) END, "      \
	"'default', t.typdefault, 'not_null', t.typnotnull, 'collation', t.typcollation, 'checks', (SELECT "           \
	"jsonb_agg(jsonb_build_array(k.conname, pg_catalog.pg_get_constraintdef(k.oid)) ORDER BY k.conname) FROM "     \
	"pg_catalog.pg_constraint k WHERE k.contypid = t.oid))"

#define SD_NOT_MEMBER(oid, catalog)                                                                                    \
	"NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog." catalog "'::regclass AND "   \
	"e.objid = " oid " AND e.deptype = 'e')"

static const char SD_INVENTORY[] =
    "SELECT x.kind, x.schema, x.name, x.key, x.info::text FROM ("
    "SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized_view' WHEN 'S' THEN 'sequence' ELSE "
    "'table' END, n.nspname, c.relname, 'c' || c.oid, " SD_META(
	"c.relacl", "CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END", "c.relowner", "c.oid",
	"pg_class") " || " SD_REL " || " SD_REL_MORE
		    " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', "
		    "'p', 'v', 'm', 'S') AND NOT c.relispartition AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE "
		    "e.classid = 'pg_catalog.pg_class'::regclass AND e.objid = c.oid AND e.deptype IN ('a', 'i', 'e')) "
		    "UNION ALL SELECT CASE WHEN p.prokind = 'p' THEN 'procedure' WHEN p.prorettype = 'pg_catalog.trigger'::regtype "
		    "THEN 'trigger_function' ELSE 'function' END, n.nspname, p.proname || '(' || "
		    "pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', 'p' || p.oid, " SD_META(
			"p.proacl", "'f'", "p.proowner", "p.oid",
			"pg_proc") " || jsonb_build_object('result', pg_catalog.pg_get_function_result(p.oid), 'def', pg_catalog.pg_get_functiondef(p.oid)) FROM pg_catalog.pg_proc p "
				   "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind IN ('f', 'p') AND "
				   "p.prorettype <> 'pg_catalog.event_trigger'::regtype AND " SD_NOT_MEMBER("p.oid", "pg_proc") " UNION ALL SELECT CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END, n.nspname, t.typname, 't' || t.oid, " SD_META(
				       "t.typacl", "'T'", "t.typowner", "t.oid",
				       "pg_type") " || " SD_TYPE_MORE
						  " || jsonb_build_object('labels', (SELECT jsonb_agg(l.enumlabel ORDER BY l.enumsortorder) FROM "
						  "pg_catalog.pg_enum l WHERE l.enumtypid = t.oid)) FROM pg_catalog.pg_type t JOIN "
						  "pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE (t.typtype IN ('e', 'r', 'd') OR "
						  "(t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_catalog.pg_class r WHERE r.oid = t.typrelid AND "
						  "r.relkind = 'c'))) AND " SD_NOT_MEMBER("t.oid", "pg_type") " UNION ALL SELECT 'schema', n.nspname, n.nspname, 'n' || n.oid, " SD_META(
						      "n.nspacl", "'n'", "n.nspowner", "n.oid",
						      "pg_namespace") " FROM pg_catalog.pg_namespace n WHERE $1::text IS NULL AND n.nspname <> 'public' AND " SD_NOT_MEMBER("n.oid",
																					    "pg_namespace") ") x(kind, schema, name, key, info) "
																							    "WHERE CASE WHEN $1::text IS NULL THEN x.schema NOT IN ('pg_catalog', 'information_schema') AND x.schema NOT "
																							    "LIKE 'pg\\_%' ELSE x.schema = $1 END ORDER BY x.kind COLLATE \"C\", x.schema COLLATE \"C\", x.name COLLATE \"C\"";

/* what a dependency's object belongs to, as the inventory's keys */
#define SD_OWNER(cls, id)                                                                                                 \
	"CASE " cls                                                                                                       \
	" WHEN 'pg_catalog.pg_class'::regclass THEN (SELECT CASE WHEN c.relkind IN ('i', 'I') THEN 'c' || "               \
	"(SELECT i.indrelid FROM pg_catalog.pg_index i WHERE i.indexrelid = c.oid) WHEN c.relkind = 'c' THEN 't' || "     \
	"c.reltype ELSE 'c' || c.oid END FROM pg_catalog.pg_class c WHERE c.oid = " id ") WHEN "                          \
	"'pg_catalog.pg_rewrite'::regclass THEN (SELECT 'c' || r.ev_class FROM pg_catalog.pg_rewrite r WHERE r.oid = " id \
	") WHEN 'pg_catalog.pg_attrdef'::regclass THEN (SELECT 'c' || a.adrelid FROM pg_catalog.pg_attrdef a WHERE "      \
	"a.oid = " id                                                                                                     \
	") WHEN 'pg_catalog.pg_constraint'::regclass THEN (SELECT CASE WHEN k.conrelid <> 0 THEN 'c' || "                 \
	"k.conrelid ELSE 't' || k.contypid END FROM pg_catalog.pg_constraint k WHERE k.oid = " id ") WHEN "               \
	"'pg_catalog.pg_trigger'::regclass THEN (SELECT 'c' || g.tgrelid FROM pg_catalog.pg_trigger g WHERE g.oid = " id  \
	") WHEN 'pg_catalog.pg_type'::regclass THEN (SELECT CASE WHEN t.typrelid <> 0 AND (SELECT r.relkind FROM "        \
	"pg_catalog.pg_class r WHERE r.oid = t.typrelid) <> 'c' THEN 'c' || t.typrelid WHEN t.typcategory = 'A' AND "     \
	"t.typelem <> 0 THEN 't' || t.typelem ELSE 't' || t.oid END FROM pg_catalog.pg_type t WHERE t.oid = " id ") "     \
	"WHEN 'pg_catalog.pg_proc'::regclass THEN 'p' || " id                                                             \
	" WHEN 'pg_catalog.pg_namespace'::regclass THEN 'n' || " id " END"

/* $1: the tables' oids as '{...}' */
static const char SD_SIZES[] =
    "SELECT DISTINCT o::text, pg_catalog.pg_total_relation_size(o) FROM unnest($1::pg_catalog.oid[]) o";

static const char SD_DEPENDS[] =
    "SELECT DISTINCT a.k, b.k FROM pg_catalog.pg_depend d CROSS JOIN LATERAL (SELECT " SD_OWNER(
	"d.classid",
	"d.objid") " AS k) a CROSS JOIN LATERAL (SELECT " SD_OWNER("d.refclassid",
								   "d.refobjid") " AS k) b "
										 "WHERE d.deptype IN ('n', 'a') AND d.objid >= 16384 AND d.refobjid >= 16384 AND a.k <> b.k";

#endif
