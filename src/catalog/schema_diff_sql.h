/* The catalog queries of the schema diff: one inventory of a side's objects
 * with each one's owner, comment, privileges and structure, and its
 * dependencies between them. The inventory's $1 is the schema compared, or
 * NULL for every schema but the system's; $2 to $5 the options ignore_owner,
 * ignore_privileges, ignore_tablespace and ignore_whitespace. Private to
 * schema_diff.c. */
#ifndef TUSK_CATALOG_SCHEMA_DIFF_SQL_H
#define TUSK_CATALOG_SCHEMA_DIFF_SQL_H

/* schema, the compared schema ($1), or when none every schema but the system's */
#define SD_IN_SCOPE(schema)                                                                                            \
	"CASE WHEN $1::text IS NULL THEN " schema " NOT IN ('pg_catalog', 'information_schema') AND " schema           \
	" NOT LIKE 'pg\\_%' ELSE " schema " = $1 END"

/* privileges, one row a privilege of acl (i, g: the GRANT line's parts), and their aggregate: acl,
 * the parts in the catalog's order, acl_key the same sorted */
#define SD_ACL_ROWS(acl)                                                                                               \
	"(SELECT i, json_build_array(CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE "                                      \
	"quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END, a.privilege_type, a.is_grantable) AS g FROM "         \
	"pg_catalog.aclexplode(" acl ") WITH ORDINALITY AS a(grantor, grantee, privilege_type, is_grantable, i))"
#define SD_ACL_AGG "json_agg(x.g ORDER BY x.i) AS acl, string_agg(x.g::text, ',' ORDER BY x.g::text) AS acl_key"

/* privileges as {acl, acl_key} */
#define SD_ACL(acl, kind, owner)                                                                                       \
	"(SELECT json_build_object('acl', coalesce(json_agg(g ORDER BY i), '[]'), 'acl_key', "                         \
	"coalesce(string_agg(g::text, ',' ORDER BY g::text), '')) FROM " SD_ACL_ROWS(                                  \
	    "coalesce(" acl ", pg_catalog.acldefault((" kind ")::\"char\", " owner "))") " x)"

/* an object's comment, read from pg_description itself (obj_description is an SQL function:
 * an executor started for each call) */
#define SD_COMMENT(oid, catalog)                                                                                       \
	"(SELECT ds.description FROM pg_catalog.pg_description ds WHERE ds.objoid = " oid                              \
	" AND ds.classoid = 'pg_catalog." catalog "'::pg_catalog.regclass AND ds.objsubid = 0)"

/* the kind of a relation c's default privileges */
#define SD_REL_ACL_KIND "(CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END)::\"char\""

#define SD_META(acl, kind, owner, comment)                                                                             \
	"(jsonb_build_object('owner', pg_catalog.pg_get_userbyid(" owner "), 'comment', " comment                      \
	") || " SD_ACL(acl, kind, owner) "::jsonb)"

/* A table's columns and their attributes in name order (its column order is not compared: PostgreSQL
 * cannot change it in place, and sd_column_order says where it differs; the inventory's names give
 * the order back); a view's in its columns' order, which is its definition's. */
#define SD_COLUMN_ORDER "ORDER BY CASE WHEN rel.relkind IN ('v', 'm') THEN a.attnum END, a.attname COLLATE \"C\""

/* a column's privileges as [[grantee quoted or PUBLIC, privilege, grantable]] sorted (NULL: none granted) */
#define SD_COLUMN_ACL                                                                                                  \
	"CASE WHEN a.attacl IS NOT NULL THEN (SELECT json_agg(json_build_array(g.n, x.privilege_type, "                \
	"x.is_grantable) ORDER BY g.n COLLATE \"C\", x.privilege_type) FROM pg_catalog.aclexplode(a.attacl) "          \
	"x CROSS JOIN LATERAL (SELECT CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE "                                     \
	"quote_ident(pg_catalog.pg_get_userbyid(x.grantee)) END AS n) g) END"

/* a column's attributes: [name, storage, options, statistics target, privileges (acl), compression
 * (SD_COMPRESSION), its type's storage] */
/* A column's compression: pg_attribute has it from PostgreSQL 14 on (the inventory's query for an older
 * server is SD_INVENTORY_13, where it is NULL). Not read through to_jsonb(a), which would not fail
 * before 14 but cost 150 ms a side on 5,000 tables (32,000 rows of pg_attribute made json). */
#define SD_COMPRESSION "a.attcompression::text"

#define SD_ATTRIBUTE(acl)                                                                                              \
	"json_build_array(a.attname, a.attstorage, a.attoptions, a.attstattarget, " acl ", " SD_COMPRESSION            \
	", t.typstorage)"

/* The relations compared (rel: their oids and kinds), and what the inventory says of them read set by set,
 * one join a catalog for all of them, not one subquery a relation: columns and column attributes
 * (cols; names, a table's columns in their order), constraints (cons), indexes no constraint made (idx),
 * triggers (trg), parents (par), partitions (prt), policies (pol), rules (rul), statistics (stx) and
 * privileges, those granted (acl) and the defaults, once an owner (dacl). As json, which is built faster
 * than jsonb (its keys are in the query's order, the same on both sides). $1: the schema. A relation
 * that belongs to another object (pg_depend) is that object's; a partitioned table's internal
 * dependency on its own partition key's columns is not one (it left them all out). A partitioned
 * table's index is defined as its partitions take it (pg_get_indexdef's ON ONLY would leave them
 * out); its partitions (prt) are its whole tree: [name, bound, partition key when partitioned
 * again, parent's name (NULL: the table), schema (NULL: the table's)], parents first. */
#define SD_RELS                                                                                                                                             \
	"rel AS MATERIALIZED (SELECT c.oid, c.relkind FROM pg_catalog.pg_class c JOIN "                                                                     \
	"pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') "                                                 \
	"AND NOT c.relispartition AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = "                                                  \
	"'pg_catalog.pg_class'::regclass AND e.objid = c.oid AND e.deptype IN ('a', 'i', 'e') AND NOT "                                                     \
	"(e.refclassid = 'pg_catalog.pg_class'::regclass AND e.refobjid = c.oid)) AND " SD_IN_SCOPE(                                                        \
	    "n.nspname") "), cols AS (SELECT a.attrelid AS oid, json_agg(json_build_object('name', a.attname, 'type', "                                     \
			 "pg_catalog.format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attcollation <> t.typcollation AND "                               \
			 "a.attcollation <> 0 THEN ' COLLATE ' || quote_ident(cn.nspname) || '.' || quote_ident(co.collname) "                              \
			 "ELSE '' END, 'default', CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(d.adbin, "                                      \
			 "d.adrelid) END, 'generated', CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(d.adbin, "                                \
			 "d.adrelid) END, 'not_null', a.attnotnull, 'identity', CASE a.attidentity WHEN 'a' THEN 'always' "                                 \
			 "WHEN 'd' THEN 'by default' END, 'comment', ds.description) " SD_COLUMN_ORDER                                                      \
			 ") AS columns, json_agg(" SD_ATTRIBUTE(SD_COLUMN_ACL) " " SD_COLUMN_ORDER ") AS attributes, json_agg(" SD_ATTRIBUTE(               \
			     "NULL") " " SD_COLUMN_ORDER                                                                                                    \
				     ") FILTER (WHERE $3::boolean) AS attributes_noacl, json_agg(a.attname ORDER BY a.attnum) FILTER "                      \
				     "(WHERE rel.relkind IN ('r', 'p')) AS names FROM rel JOIN pg_catalog.pg_attribute a ON a.attrelid = "                  \
				     "rel.oid JOIN pg_catalog.pg_type t ON t.oid = a.atttypid LEFT JOIN pg_catalog.pg_attrdef d ON "                        \
				     "d.adrelid = a.attrelid AND d.adnum = a.attnum LEFT JOIN pg_catalog.pg_collation co ON co.oid = "                      \
				     "a.attcollation LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace LEFT JOIN "                          \
				     "pg_catalog.pg_description ds ON ds.objoid = a.attrelid AND ds.classoid = "                                            \
				     "'pg_catalog.pg_class'::pg_catalog.regclass AND ds.objsubid = a.attnum WHERE a.attnum > 0 AND NOT "                    \
				     "a.attisdropped GROUP BY a.attrelid), cons AS (SELECT k.conrelid AS oid, "                                             \
				     "json_agg(json_build_object('name', k.conname, 'type', k.contype, 'def', "                                             \
				     "pg_catalog.pg_get_constraintdef(k.oid), 'valid', k.convalidated) ORDER BY k.conname) AS j FROM rel "                  \
				     "JOIN pg_catalog.pg_constraint k ON k.conrelid = rel.oid WHERE k.contype IN ('p', 'u', 'c', 'f', "                     \
				     "'x') AND k.conislocal GROUP BY k.conrelid), idx AS (SELECT i.indrelid AS oid, "                                       \
				     "json_agg(json_build_object('name', ic.relname, 'def', CASE WHEN rel.relkind = 'p' AND position(x.o "                  \
				     "IN x.d) > 0 THEN overlay(x.d PLACING 'INDEX ' || quote_ident(ic.relname) || ' ON ' FROM "                             \
				     "position(x.o IN x.d) FOR length(x.o)) ELSE x.d END) ORDER BY ic.relname) AS j FROM rel JOIN "                         \
				     "pg_catalog.pg_index i ON i.indrelid = rel.oid JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "                  \
				     "CROSS JOIN LATERAL (SELECT pg_catalog.pg_get_indexdef(i.indexrelid) AS d, 'INDEX ' || "                               \
				     "quote_ident(ic.relname) || ' ON ONLY ' AS o) x WHERE NOT EXISTS (SELECT 1 FROM "                                      \
				     "pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND "                          \
				     "k.contype IN ('p', 'u', 'x')) GROUP BY i.indrelid), trg AS (SELECT g.tgrelid AS oid, "                                \
				     "json_agg(json_build_object('name', g.tgname, 'def', pg_catalog.pg_get_triggerdef(g.oid)) ORDER BY "                   \
				     "g.tgname) AS j, json_agg(json_build_array(g.tgname, g.tgenabled) ORDER BY g.tgname) AS enabled FROM "                 \
				     "rel JOIN pg_catalog.pg_trigger g ON g.tgrelid = rel.oid WHERE NOT g.tgisinternal GROUP BY "                           \
				     "g.tgrelid), par AS (SELECT h.inhrelid AS oid, json_agg(h.inhparent::pg_catalog.regclass::text ORDER "                 \
				     "BY h.inhseqno) AS j FROM rel JOIN pg_catalog.pg_inherits h ON h.inhrelid = rel.oid GROUP BY "                         \
				     "h.inhrelid), prt AS (SELECT rel.oid, json_agg(json_build_array(pc.relname, "                                          \
				     "pg_catalog.pg_get_expr(pc.relpartbound, pc.oid), CASE WHEN pc.relkind = 'p' THEN "                                    \
				     "pg_catalog.pg_get_partkeydef(pc.oid) END, CASE WHEN pt.level > 1 THEN pp.relname END, CASE WHEN "                     \
				     "pc.relnamespace <> pr.relnamespace THEN pn.nspname END) ORDER BY pt.level, pc.relname COLLATE "                       \
				     "\"C\") AS j FROM rel JOIN pg_catalog.pg_class pr ON pr.oid = rel.oid CROSS JOIN LATERAL "                             \
				     "pg_catalog.pg_partition_tree(rel.oid) pt JOIN pg_catalog.pg_class pc ON pc.oid = pt.relid JOIN "                      \
				     "pg_catalog.pg_class pp ON pp.oid = pt.parentrelid JOIN pg_catalog.pg_namespace pn ON pn.oid = "                       \
				     "pc.relnamespace WHERE rel.relkind = 'p' AND pt.level > 0 GROUP BY rel.oid), pol AS (SELECT "                          \
				     "po.polrelid AS oid, json_agg(json_build_array(po.polname, po.polcmd, po.polpermissive, (SELECT "                      \
				     "json_agg(CASE WHEN r.r = 0 THEN 'PUBLIC' ELSE quote_ident(pg_catalog.pg_get_userbyid(r.r)) END "                      \
				     "ORDER BY r.i) FROM unnest(po.polroles) WITH ORDINALITY r(r, i)), pg_catalog.pg_get_expr(po.polqual, "                 \
				     "po.polrelid), pg_catalog.pg_get_expr(po.polwithcheck, po.polrelid)) ORDER BY po.polname) AS j FROM "                  \
				     "rel JOIN pg_catalog.pg_policy po ON po.polrelid = rel.oid GROUP BY po.polrelid), rul AS (SELECT "                     \
				     "ru.ev_class AS oid, json_agg(json_build_array(ru.rulename, pg_catalog.pg_get_ruledef(ru.oid)) ORDER "                 \
				     "BY ru.rulename) AS j FROM rel JOIN pg_catalog.pg_rewrite ru ON ru.ev_class = rel.oid WHERE "                          \
				     "ru.rulename <> '_RETURN' GROUP BY ru.ev_class), stx AS (SELECT x.stxrelid AS oid, "                                   \
				     "json_agg(pg_catalog.pg_get_statisticsobjdef(x.oid) ORDER BY x.stxname) AS j FROM rel JOIN "                           \
				     "pg_catalog.pg_statistic_ext x ON x.stxrelid = rel.oid GROUP BY x.stxrelid), acl AS (SELECT c.oid, " SD_ACL_AGG        \
				     " FROM rel JOIN pg_catalog.pg_class c ON c.oid = rel.oid CROSS JOIN LATERAL " SD_ACL_ROWS(                             \
					 "c.relacl") " x GROUP BY c.oid), dacl AS (SELECT d.kind, d.owner, " SD_ACL_AGG                                     \
						     " FROM (SELECT DISTINCT " SD_REL_ACL_KIND                                                              \
						     " AS kind, c.relowner AS owner FROM rel JOIN pg_catalog.pg_class c ON c.oid = rel.oid WHERE c.relacl " \
						     "IS NULL) d CROSS JOIN LATERAL " SD_ACL_ROWS(                                                          \
							 "pg_catalog.acldefault(d.kind, d.owner)") " x GROUP BY d.kind, d.owner)"

/* a relation's columns, constraints, indexes and triggers (its size is read for the tables the
 * script changes only: SD_SIZES), as json_build_object's keys and values */
#define SD_REL                                                                                                         \
	"'viewdef', CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END, 'columns', "          \
	"coalesce(cols.columns, '[]'), 'constraints', coalesce(cons.j, '[]'), 'indexes', coalesce(idx.j, "             \
	"'[]'), 'triggers', coalesce(trg.j, '[]')"

/* what else a relation's DDL says, compared but not altered in place: storage, row security,
 * partitioning, inheritance, policies, rules, statistics, column options, a sequence's parameters
 * (keys and values, as SD_REL; tablespace and attributes as given, the options' to hide) */
#define SD_REL_MORE(tablespace, attributes)                                                                            \
	"'persistence', c.relpersistence, 'options', c.reloptions, 'rls', c.relrowsecurity, 'force_rls', "             \
	"c.relforcerowsecurity, 'replica_identity', c.relreplident, 'tablespace', " tablespace                         \
	", 'partition_key', CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END, "                  \
	"'parents', par.j, 'partitions', prt.j, 'policies', pol.j, 'rules', rul.j, 'statistics', stx.j, "              \
	"'triggers_enabled', trg.enabled, 'attributes', " attributes                                                   \
	", 'sequence', CASE WHEN q.seqrelid IS NOT NULL THEN json_build_object('type', "                               \
	"pg_catalog.format_type(q.seqtypid, NULL), 'start', q.seqstart::text, 'increment', "                           \
	"q.seqincrement::text, 'min', q.seqmin::text, 'max', q.seqmax::text, 'cache', q.seqcache::text, "              \
	"'cycle', q.seqcycle) END"

/* a type's or domain's definition */
#define SD_TYPE_MORE                                                                                                   \
	"jsonb_build_object('attributes', (SELECT jsonb_agg(jsonb_build_array(a.attname, "                             \
	"pg_catalog.format_type(a.atttypid, a.atttypmod), a.attcollation) ORDER BY a.attnum) FROM "                    \
	"pg_catalog.pg_attribute a WHERE a.attrelid = t.typrelid AND t.typrelid <> 0 AND a.attnum > 0 AND "            \
	"NOT a.attisdropped), 'range', (SELECT jsonb_build_array(r.rngsubtype::pg_catalog.regtype::text, "             \
	"r.rngsubopc, r.rngcollation, r.rngcanonical::text, r.rngsubdiff::text) FROM pg_catalog.pg_range r "           \
	"WHERE r.rngtypid = t.oid), 'base', CASE WHEN t.typtype = 'd' THEN "                                           \
	"pg_catalog.format_type(t.typbasetype, t.typtypmod) END, 'default', t.typdefault, 'not_null', "                \
	"t.typnotnull, 'collation', t.typcollation, 'checks', (SELECT jsonb_agg(jsonb_build_array(k.conname, "         \
	"pg_catalog.pg_get_constraintdef(k.oid)) ORDER BY k.conname) FROM pg_catalog.pg_constraint k WHERE "           \
	"k.contypid = t.oid))"

#define SD_NOT_MEMBER(oid, catalog)                                                                                    \
	"NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog." catalog                      \
	"'::regclass AND e.objid = " oid " AND e.deptype = 'e')"

/* An option ($2 ignore_owner, $3 ignore_privileges, $4 ignore_tablespace): NULL for what it hides. */
#define SD_UNLESS(opt, value) "CASE WHEN " opt "::boolean THEN NULL ELSE " value " END"
#define SD_ANY_OPTION "($2::boolean OR $3::boolean OR $4::boolean OR $5::boolean)"

/* a relation's owner, comment and privileges sorted, as json_build_object's keys and values */
#define SD_REL_META(owner, acl_key) "'owner', " owner ", 'comment', dc.description, 'acl_key', " acl_key
#define SD_REL_OWNER "pg_catalog.pg_get_userbyid(c.relowner)"
#define SD_REL_ACL_KEY "coalesce(acl.acl_key, dacl.acl_key, '')"

/* a relation's info, and what it is compared by when an option hides a part */
#define SD_REL_INFO                                                                                                    \
	"json_build_object(" SD_REL_META(SD_REL_OWNER, SD_REL_ACL_KEY) ", " SD_REL ", " SD_REL_MORE(                   \
	    "sp.spcname", "cols.attributes") ")"
#define SD_REL_CMP                                                                                                     \
	"json_build_object(" SD_REL_META(                                                                              \
	    SD_UNLESS("$2", SD_REL_OWNER),                                                                             \
	    SD_UNLESS("$3", SD_REL_ACL_KEY)) ", " SD_REL ", " SD_REL_MORE(SD_UNLESS("$4", "sp.spcname"),               \
									  SD_REL_ATTRIBUTES_CMP) ")"
#define SD_REL_ATTRIBUTES_CMP "CASE WHEN $3::boolean THEN cols.attributes_noacl ELSE cols.attributes END"

#define SD_REL_FROM                                                                                                    \
	"rel JOIN pg_catalog.pg_class c ON c.oid = rel.oid JOIN pg_catalog.pg_namespace n ON n.oid = "                 \
	"c.relnamespace LEFT JOIN cols ON cols.oid = c.oid LEFT JOIN cons ON cons.oid = c.oid LEFT JOIN idx "          \
	"ON idx.oid = c.oid LEFT JOIN trg ON trg.oid = c.oid LEFT JOIN par ON par.oid = c.oid LEFT JOIN prt "          \
	"ON prt.oid = c.oid LEFT JOIN pol ON pol.oid = c.oid LEFT JOIN rul ON rul.oid = c.oid LEFT JOIN stx "          \
	"ON stx.oid = c.oid LEFT JOIN pg_catalog.pg_description dc ON dc.objoid = c.oid AND dc.classoid = "            \
	"'pg_catalog.pg_class'::pg_catalog.regclass AND dc.objsubid = 0 LEFT JOIN pg_catalog.pg_tablespace "           \
	"sp ON sp.oid = c.reltablespace LEFT JOIN pg_catalog.pg_sequence q ON q.seqrelid = c.oid LEFT JOIN "           \
	"acl ON acl.oid = c.oid LEFT JOIN dacl ON c.relacl IS NULL AND dacl.owner = c.relowner AND dacl.kind "         \
	"= " SD_REL_ACL_KIND

/* The relations' rows of the inventory (SD_INVENTORY's columns) */
#define SD_REL_ROWS                                                                                                    \
	"SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized_view' WHEN 'S' THEN "                  \
	"'sequence' ELSE 'table' END, n.nspname, c.relname, 'c' || c.oid, " SD_REL_INFO                                \
	"::text, coalesce(acl.acl, dacl.acl, '[]')::text, CASE WHEN " SD_ANY_OPTION " THEN " SD_REL_CMP                \
	"::text END, " SD_REL_OWNER ", dc.description, " SD_REL_ACL_KEY ", cols.names::text FROM " SD_REL_FROM

/* routines, types and domains, and schemas (kind, schema, name, key, j: their info as jsonb) */
#define SD_PROC_ROWS                                                                                                             \
	"SELECT CASE WHEN p.prokind = 'p' THEN 'procedure' WHEN p.prorettype = 'pg_catalog.trigger'::regtype "                   \
	"THEN 'trigger_function' ELSE 'function' END, n.nspname, p.proname || '(' || "                                           \
	"pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', 'p' || p.oid, " SD_META(                                   \
	    "p.proacl", "'f'", "p.proowner",                                                                                     \
	    SD_COMMENT(                                                                                                          \
		"p.oid",                                                                                                         \
		"pg_proc")) " || jsonb_build_object('result', pg_catalog.pg_get_function_result(p.oid), 'def', "                 \
			    "pg_catalog.pg_get_functiondef(p.oid)) FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON " \
			    "n.oid = p.pronamespace WHERE p.prokind IN ('f', 'p') AND p.prorettype <> "                          \
			    "'pg_catalog.event_trigger'::regtype AND " SD_NOT_MEMBER("p.oid", "pg_proc")
#define SD_TYPE_ROWS                                                                                                         \
	"SELECT CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END, n.nspname, t.typname, 't' || t.oid, " SD_META(        \
	    "t.typacl", "'T'", "t.typowner",                                                                                 \
	    SD_COMMENT(                                                                                                      \
		"t.oid",                                                                                                     \
		"pg_type")) " || " SD_TYPE_MORE                                                                              \
			    " || jsonb_build_object('labels', (SELECT jsonb_agg(l.enumlabel ORDER BY l.enumsortorder) FROM " \
			    "pg_catalog.pg_enum l WHERE l.enumtypid = t.oid)) FROM pg_catalog.pg_type t JOIN "               \
			    "pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE (t.typtype IN ('e', 'r', 'd') OR "    \
			    "(t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_catalog.pg_class r WHERE r.oid = t.typrelid AND " \
			    "r.relkind = 'c'))) AND " SD_NOT_MEMBER("t.oid", "pg_type")
#define SD_SCHEMA_ROWS                                                                                                                          \
	"SELECT 'schema', n.nspname, n.nspname, 'n' || n.oid, " SD_META(                                                                        \
	    "n.nspacl", "'n'", "n.nspowner",                                                                                                    \
	    SD_COMMENT(                                                                                                                         \
		"n.oid",                                                                                                                        \
		"pg_namespace")) " FROM pg_catalog.pg_namespace n WHERE $1::text IS NULL AND n.nspname <> 'public' AND " SD_NOT_MEMBER("n.oid", \
																       "pg_namespace")

/* a routine's definition with each run of blanks and line breaks one space, when $5 (ignore_whitespace) */
#define SD_DEF_AS_COMPARED                                                                                             \
	"CASE WHEN $5::boolean AND jsonb_typeof(y.j->'def') = 'string' THEN jsonb_build_object('def', "                \
	"btrim(regexp_replace(y.j->>'def', '[ ' || chr(9) || chr(13) || chr(10) || ']+', ' ', 'g'), ' ')) "            \
	"ELSE '{}' END"

/* their rows of the inventory */
#define SD_OTHER_ROWS                                                                                                  \
	"SELECT y.kind, y.schema, y.name, y.key, (y.j - 'acl')::text, (y.j->'acl')::text, CASE WHEN " SD_ANY_OPTION    \
	" THEN (y.j - ARRAY['acl', CASE WHEN $2::boolean THEN 'owner' END, CASE WHEN $3::boolean THEN "                \
	"'acl_key' END, CASE WHEN $4::boolean THEN 'tablespace' END] || " SD_DEF_AS_COMPARED                           \
	")::text END, y.j->>'owner', y.j->>'comment', y.j->>'acl_key', NULL FROM (" SD_PROC_ROWS                       \
	" UNION ALL " SD_TYPE_ROWS " UNION ALL " SD_SCHEMA_ROWS ") y(kind, schema, name, key, j)"

/* Each object: kind, schema, name and key (the side's own); info, everything read of it as a JSON
 * object but its privileges in the catalog's order (acl: acl_key holds them sorted); cmp, what it
 * is compared by when an option hides a part (NULL: info); owner, comment and acl_key; names, a
 * table's column names in their order (its info lists them by name). A relation's
 * info is json with its keys in the query's order, which is the same on both sides: the texts
 * compare. In no order (sorting the wide rows cost more than sorting them in C). */
#define SD_INVENTORY_SQL                                                                                               \
	"WITH " SD_RELS                                                                                                \
	" SELECT x.kind, x.schema, x.name, x.key, x.info, x.acl, x.cmp, x.owner, x.comment, x.acl_key, "               \
	"x.names FROM (" SD_REL_ROWS " UNION ALL " SD_OTHER_ROWS                                                       \
	") x(kind, schema, name, key, info, acl, cmp, owner, "                                                         \
	"comment, acl_key, names) WHERE " SD_IN_SCOPE("x.schema")
static const char SD_INVENTORY[] = SD_INVENTORY_SQL;
#undef SD_COMPRESSION
#define SD_COMPRESSION "NULL::text"
static const char SD_INVENTORY_13[] = SD_INVENTORY_SQL;
#undef SD_COMPRESSION

/* what a dependency's object belongs to, as the inventory's keys */
#define SD_OWNER(cls, id)                                                                                              \
	"CASE " cls                                                                                                    \
	" WHEN 'pg_catalog.pg_class'::regclass THEN (SELECT CASE WHEN c.relkind IN ('i', 'I') THEN 'c' || "            \
	"(SELECT i.indrelid FROM pg_catalog.pg_index i WHERE i.indexrelid = c.oid) WHEN c.relkind = 'c' THEN "         \
	"'t' || c.reltype ELSE 'c' || c.oid END FROM pg_catalog.pg_class c WHERE c.oid = " id                          \
	") WHEN 'pg_catalog.pg_rewrite'::regclass THEN (SELECT 'c' || r.ev_class FROM pg_catalog.pg_rewrite "          \
	"r WHERE r.oid = " id                                                                                          \
	") WHEN 'pg_catalog.pg_attrdef'::regclass THEN (SELECT 'c' || a.adrelid FROM pg_catalog.pg_attrdef a "         \
	"WHERE a.oid = " id                                                                                            \
	") WHEN 'pg_catalog.pg_constraint'::regclass THEN (SELECT CASE WHEN k.conrelid <> 0 THEN 'c' || "              \
	"k.conrelid ELSE 't' || k.contypid END FROM pg_catalog.pg_constraint k WHERE k.oid = " id                      \
	") WHEN 'pg_catalog.pg_trigger'::regclass THEN (SELECT 'c' || g.tgrelid FROM pg_catalog.pg_trigger g "         \
	"WHERE g.oid = " id                                                                                            \
	") WHEN 'pg_catalog.pg_type'::regclass THEN (SELECT CASE WHEN t.typrelid <> 0 AND (SELECT r.relkind "          \
	"FROM pg_catalog.pg_class r WHERE r.oid = t.typrelid) <> 'c' THEN 'c' || t.typrelid WHEN "                     \
	"t.typcategory = 'A' AND t.typelem <> 0 THEN 't' || t.typelem ELSE 't' || t.oid END FROM "                     \
	"pg_catalog.pg_type t WHERE t.oid = " id ") WHEN 'pg_catalog.pg_proc'::regclass THEN 'p' || " id               \
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
