/* The object kinds of a server, as data: one row per kind (catalog_kind)
 * carries how its members are listed and where they hang in the tree, the
 * grid's columns, the queries naming one member, its properties,
 * statistics and DDL, how search finds it, and the statements PostgreSQL
 * has for it (drop, rename, owner, schema, comment; grant). The rows are
 * grouped by family (kinds_server.c, kinds_database.c, kinds_relation.c,
 * kinds_routine.c, kinds_type.c) and walked by one engine (tree.c); below
 * are the SQL building blocks they share. Minimum server version 13;
 * catalog SQL is pg_catalog-qualified and takes the ancestors' names and
 * the member's as $1, $2, $3. Private to catalog/. */
#ifndef TUSK_CATALOG_KINDS_H
#define TUSK_CATALOG_KINDS_H

#include <stdbool.h>
#include <stddef.h>

/* Where a collection hangs; decides which ancestor names its SQL takes. */
enum catalog_level {
	CATALOG_AT_SERVER,	   /* the server's own: databases, roles, tablespaces */
	CATALOG_AT_DATABASE,	   /* no parameters */
	CATALOG_AT_SCHEMA,	   /* $1 schema */
	CATALOG_AT_TABLE,	   /* $1 schema, $2 table */
	CATALOG_AT_DOMAIN,	   /* $1 schema, $2 domain */
	CATALOG_AT_FDW,		   /* $1 wrapper */
	CATALOG_AT_FOREIGN_SERVER, /* $1 wrapper, $2 server */
};

/* A column of a collection's grid after the member's name: an SQL
 * expression over x (the list row: name, label, system, oid) and o (the
 * member's catalog row, when the kind names its catalog). Values go to the
 * browser as text; sizes and counts as plain numbers so they sort. */
typedef struct {
	const char *name; /* "owner", "size" */
	const char *sql;
} catalog_column;

/* How a collection lists its members. In a database: (name, label,
 * system, oid) in no order, the engine ordering, filtering or counting it;
 * `system` marks objects hidden unless asked (catalog schemas, extension
 * members...), `oid` is the member's row in `catalog`. At the server:
 * (name, label, kind, oid). */
typedef struct {
	const char *collection, *label; /* path segment ("tables") and what the tree shows ("Tables") */
	enum catalog_level level;
	const char *sql;
	const char *order;	       /* display order over x; NULL: x.name */
	const char *catalog;	       /* the members' catalog, joined as o on x.oid for the grid; NULL: none */
	const catalog_column *columns; /* the grid's columns after the name, NULL-terminated */
	const char *icon;	       /* the collection's own icon; NULL: the members' */
	bool restricted;	       /* takes the server entry's database restriction as $1 */
} catalog_listing;

/* How statements name an object of a kind (catalog_object's parts). */
enum catalog_form {
	NAMED,		   /* its names joined by dots: "schema.name", or "name" */
	ROUTINE,	   /* schema.name(argument types) */
	AGGREGATE,	   /* schema.name(argument types), or (*) without any */
	OPERATOR,	   /* schema.op (left, right), NONE for a missing side */
	CAST,		   /* (source AS target) */
	USER_MAPPING,	   /* FOR user SERVER server */
	COLUMN,		   /* a table's: schema, table, column */
	TABLE_CONSTRAINT,  /* a table's: schema, table, constraint */
	DOMAIN_CONSTRAINT, /* names: the domain's schema and name; args: the constraint */
	ON_TABLE,	   /* a trigger, policy or rule: name ON schema.table */
	USING_METHOD,	   /* an operator class or family: schema.name USING method (names: method, schema, name) */
	TRANSFORM,	   /* FOR type LANGUAGE language */
};

/* What PostgreSQL lets one do to a kind, by statement. */
enum {
	CAN_DROP = 1 << 0,
	CAN_RENAME = 1 << 1,
	CAN_COMMENT = 1 << 2,
	CAN_OWNER = 1 << 3,
	CAN_SCHEMA = 1 << 4,
	CAN_CASCADE = 1 << 5, /* its DROP takes CASCADE */
	DROP_ALONE = 1 << 6,  /* its DROP cannot run inside a transaction block */
};
#define SCHEMA_OBJECT (CAN_DROP | CAN_RENAME | CAN_COMMENT | CAN_OWNER | CAN_SCHEMA | CAN_CASCADE)
#define GLOBAL_OBJECT (CAN_DROP | CAN_RENAME | CAN_COMMENT | CAN_OWNER | CAN_CASCADE)
#define PART (CAN_DROP | CAN_RENAME | CAN_COMMENT | CAN_CASCADE)

typedef struct catalog_kind {
	const char *kind; /* the tree's name for a member: "table", "column" */
	const char *icon;
	const catalog_listing *list; /* where members are listed */
	const catalog_listing *also; /* listed a second way too (a table among its parent's partitions) */
	const char *const *children; /* collections under a member, NULL-terminated; NULL: none */
	/* one member, named by $1..$nparams */
	int nparams;
	const char *identity_sql; /* (classid, objid) */
	const char *props_sql;	  /* one row: its properties, in display order */
	const char *stats_sql;	  /* one row of statistics, or NULL */
	const char *const *ddl;	  /* the statements that recreate it, each query yielding some; NULL: none yet */
	const char *(*ddl_more)(int server_version); /* a query after those on this version, or NULL */
	/* search: (schema, name, part, label) of the objects whose name matches $1 */
	int search_rank; /* the order kinds are searched in; 0: not searched */
	const char *search_sql;
	const char *search_parent; /* a part of a table: the collection its table is in */
	/* the statements Tusk writes about one (statement.c) */
	const char *identify; /* pg_identify_object_as_address's type ("table column") */
	const char *keyword;  /* DROP <keyword> ... */
	enum catalog_form form;
	unsigned can;
	const char *article; /* "a" or "an", for messages */
	/* GRANT ... ON <grant_keyword>, and the privileges it takes in the order GRANT lists them */
	const char *grant_keyword;
	const char *const *privileges;
} catalog_kind;

/* A listing and a row as the families write them: positional, in the
 * fields' order (a macro call keeps each on a few lines). */
#define LISTING(...)                                                                                                   \
	{                                                                                                              \
		__VA_ARGS__                                                                                            \
	}
#define KIND(...)                                                                                                      \
	{                                                                                                              \
		__VA_ARGS__                                                                                            \
	}

/* The families' rows, each ending with a row without a kind (kinds_*.c). */
extern const catalog_kind catalog_server_kinds[], catalog_database_kinds[], catalog_relation_kinds[],
    catalog_routine_kinds[], catalog_type_kinds[];

/* Every kind, family by family: for (k = catalog_kind_first(); k; k = catalog_kind_next(k)). */
const catalog_kind *catalog_kind_first(void);
const catalog_kind *catalog_kind_next(const catalog_kind *k);
/* The kind a tree member is ("table"), or NULL. */
const catalog_kind *catalog_kind_named(const char *kind);
/* The kind a collection lists ("tables", "partitions") and how; NULL when none does. */
const catalog_kind *catalog_kind_listing(const char *collection, const catalog_listing **list);
/* The kind PostgreSQL's address type names ("table column"), or NULL. */
const catalog_kind *catalog_kind_typed(const char *identify);
/* How many ancestor names a level's listing takes. */
int catalog_level_params(enum catalog_level level);

/* ---- the SQL building blocks the families share ---- */

#define REL(kinds)                                                                                                     \
	"(SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "           \
	"WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN (" kinds "))"

#define PROC                                                                                                           \
	"(SELECT p.oid FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "            \
	"WHERE n.nspname = $1 AND p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')' = $2)"

#define TYPE                                                                                                           \
	"(SELECT t.oid FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "            \
	"WHERE n.nspname = $1 AND t.typname = $2)"

#define TBL REL("'r', 'p'")

#define COLL                                                                                                           \
	"(SELECT o.oid FROM pg_catalog.pg_collation o JOIN pg_catalog.pg_namespace n ON n.oid = o.collnamespace "      \
	"WHERE n.nspname = $1 AND o.collname = $2 AND o.collencoding IN (-1, "                                         \
	"pg_catalog.pg_char_to_encoding(pg_catalog.getdatabaseencoding())))"

/* An operator o as the tree names it, "name(left, right)" with NONE for a
 * missing side (format_type says "-" for no type); SEP goes before the
 * parenthesis (" " in labels). */
#define OPER_SIDE(col) "CASE WHEN o." col " = 0 THEN 'NONE' ELSE pg_catalog.format_type(o." col ", NULL) END"

#define OPER_NAME(sep) "o.oprname || '" sep "(' || " OPER_SIDE("oprleft") " || ', ' || " OPER_SIDE("oprright") " || ')'"

#define OPER                                                                                                           \
	"(SELECT o.oid FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace "        \
	"WHERE n.nspname = $1 AND " OPER_NAME("") " = $2)"

#define FTS(table, prefix)                                                                                             \
	"(SELECT o.oid FROM pg_catalog." table " o JOIN pg_catalog.pg_namespace n ON n.oid = o." prefix "namespace "   \
	"WHERE n.nspname = $1 AND o." prefix "name = $2)"

#define CAST_OID                                                                                                       \
	"(SELECT o.oid FROM pg_catalog.pg_cast o WHERE pg_catalog.format_type(o.castsource, NULL) || '->' || "         \
	"pg_catalog.format_type(o.casttarget, NULL) = $1)"

#define SRV                                                                                                            \
	"(SELECT s.oid FROM pg_catalog.pg_foreign_server s JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = "      \
	"s.srvfdw WHERE w.fdwname = $1 AND s.srvname = $2)"

/* Objects of catalog CLASS that belong to an extension: their 'e' rows in
 * pg_depend reference it, which pg_depend_reference_index finds without
 * reading the whole of pg_depend. */
#define EXTENSION_MEMBER(col, class)                                                                                    \
	col " IN (SELECT d.objid FROM pg_catalog.pg_depend d WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass " \
	    "AND d.classid = 'pg_catalog." class "'::regclass AND d.deptype = 'e')"

/* Relations of a schema by relkind; extension members count as system. */
#define REL_LIST(kinds, extra)                                                                                         \
	"SELECT c.relname, c.relname, " EXTENSION_MEMBER(                                                              \
	    "c.oid",                                                                                                   \
	    "pg_class") ", c.oid "                                                                                     \
			"FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "         \
			"WHERE n.nspname = $1 AND c.relkind IN (" kinds ")" extra

#define PROC_LIST(cond)                                                                                                \
	"SELECT p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', "                     \
	"p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', "                            \
	"(" EXTENSION_MEMBER(                                                                                          \
	    "p.oid", "pg_proc") " OR p.oid IN (SELECT d.objid FROM pg_catalog.pg_depend d "                            \
				"WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.deptype = 'i')), p.oid "       \
				"FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "  \
				"WHERE n.nspname = $1 AND " cond

#define SCHEMA_OBJ(table, namecol, nscol, extra)                                                                       \
	"SELECT o." namecol ", o." namecol ", false, o.oid FROM pg_catalog." table                                     \
	" o JOIN pg_catalog.pg_namespace n "                                                                           \
	"ON n.oid = o." nscol " WHERE n.nspname = $1" extra

#define TABLE_OID                                                                                                      \
	"(SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "           \
	"WHERE n.nspname = $1 AND c.relname = $2)"

/* Grid columns. */
#define COLUMNS(...) ((const catalog_column[]){__VA_ARGS__, {NULL, NULL}})

#define NO_COLUMNS ((const catalog_column[]){{NULL, NULL}})

#define OWNER(col)                                                                                                     \
	{                                                                                                              \
		"owner", "pg_catalog.pg_get_userbyid(o." col ")"                                                       \
	}

#define COMMENT(catalog)                                                                                               \
	{                                                                                                              \
		"comment", "pg_catalog.obj_description(x.oid, '" catalog "')"                                          \
	}

#define OWNED(catalog, col) COLUMNS(OWNER(col), COMMENT(catalog))

/* Never-analyzed tables have reltuples -1 (0 before PostgreSQL 14): unknown, not empty. */
#define ESTIMATED_ROWS                                                                                                 \
	{                                                                                                              \
		"estimated_rows", "CASE WHEN o.reltuples < 0 THEN NULL ELSE o.reltuples::int8 END"                     \
	}

#define TOTAL_SIZE                                                                                                     \
	{                                                                                                              \
		"size", "pg_catalog.pg_total_relation_size(x.oid)"                                                     \
	}

#define LANGUAGE                                                                                                       \
	{                                                                                                              \
		"language", "(SELECT l.lanname FROM pg_catalog.pg_language l WHERE l.oid = o.prolang)"                 \
	}

#define REL_COLUMNS COLUMNS(OWNER("relowner"), ESTIMATED_ROWS, TOTAL_SIZE, COMMENT("pg_class"))

#define REL_PROPS(kinds)                                                                                               \
	"SELECT c.relname AS name, n.nspname AS schema, pg_catalog.pg_get_userbyid(c.relowner) AS owner, "             \
	"c.oid::text AS oid, c.relacl::text AS privileges, pg_catalog.obj_description(c.oid, 'pg_class') AS comment, " \
	"array_to_string(c.reloptions, ', ') AS options, COALESCE((SELECT spcname FROM pg_catalog.pg_tablespace "      \
	"WHERE oid = c.reltablespace), 'pg_default') AS tablespace, CASE c.relpersistence WHEN 'u' THEN 'unlogged' "   \
	"WHEN 't' THEN 'temporary' ELSE 'permanent' END AS persistence, c.reltuples::bigint AS estimated_rows, "       \
	"pg_catalog.pg_size_pretty(pg_catalog.pg_total_relation_size(c.oid)) AS total_size, "                          \
	"pg_catalog.pg_size_pretty(pg_catalog.pg_relation_size(c.oid)) AS data_size, "                                 \
	"pg_catalog.pg_size_pretty(pg_catalog.pg_indexes_size(c.oid)) AS indexes_size"

/* owner, comment and privileges of any pg_class relation; %s is the object word */
#define REL_OWNER(word)                                                                                                \
	"SELECT format('ALTER " word " %I.%I OWNER TO %I;', n.nspname, c.relname, "                                    \
	"pg_catalog.pg_get_userbyid(c.relowner)) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "           \
	"ON n.oid = c.relnamespace WHERE c.oid = " REL("'r', 'p', 'v', 'm', 'S', 'f'")

#define REL_COMMENT(word)                                                                                              \
	"SELECT format('COMMENT ON " word " %I.%I IS %L;', $1, $2, d) FROM "                                           \
	"pg_catalog.obj_description(" REL("'r', 'p', 'v', 'm', 'S', 'f'") ", 'pg_class') d WHERE d IS NOT NULL"

#define REL_GRANTS(word)                                                                                               \
	GRANTS("'" word "'", "CASE WHEN o.relkind = 'S' THEN 's' ELSE 'r' END", QNAME,                                 \
	       "pg_catalog.pg_class o WHERE o.oid = " REL("'r', 'p', 'v', 'm', 'S', 'f'"), "relacl", "relowner",       \
	       "pg_class")

/* Sequences a table owns through a serial column (not identity columns). */
#define OWNED_SEQ                                                                                                         \
	" FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S' "                 \
	"JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace JOIN pg_catalog.pg_sequence q ON q.seqrelid = s.oid " \
	"JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "                         \
	"WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass "           \
	"AND d.deptype = 'a' AND d.refobjid = " TBL

/* the owner and comment of an object that is not a relation; WHAT names it in SQL */
#define OBJ_OWNER(word, what, from, ownercol)                                                                          \
	"SELECT format('ALTER " word " %s OWNER TO %I;', " what ", pg_catalog.pg_get_userbyid(o." ownercol             \
	")) FROM " from

#define OBJ_COMMENT(word, what, from, catalog)                                                                         \
	"SELECT format('COMMENT ON " word " %s IS %L;', " what ", pg_catalog.obj_description(o.oid, '" catalog "')) "  \
	"FROM " from " AND pg_catalog.obj_description(o.oid, '" catalog "') IS NOT NULL"

/* OPTIONS (...) of an options array, or NULL when it has none */
#define OPTS(col)                                                                                                      \
	"(SELECT ' OPTIONS (' || string_agg(format('%I %L', x.option_name, x.option_value), ', ') || ')' FROM "        \
	"pg_catalog.pg_options_to_table(" col ") x)"

/* an operator as OPERATOR(schema.op), for COMMUTATOR, NEGATOR and SORTOP */
#define OPREF(oid)                                                                                                     \
	"(SELECT format('OPERATOR(%I.%s)', rn.nspname, r.oprname) FROM pg_catalog.pg_operator r JOIN "                 \
	"pg_catalog.pg_namespace rn ON rn.oid = r.oprnamespace WHERE r.oid = " oid ")"

/* a function reference, NULL for none */
#define FN(col) "NULLIF(" col ", 0)::pg_catalog.regproc::text"

#define AGG_ARGS "CASE WHEN p.pronargs = 0 THEN '*' ELSE pg_catalog.pg_get_function_identity_arguments(p.oid) END"

#define AGG_FROM "pg_catalog.pg_proc o JOIN pg_catalog.pg_proc p ON p.oid = o.oid WHERE o.oid = " PROC

#define AGG_WHAT "format('%I.%I(%s)', $1, p.proname, " AGG_ARGS ")"

#define COLL_FROM "pg_catalog.pg_collation o WHERE o.oid = " COLL

#define OPER_FROM "pg_catalog.pg_operator o WHERE o.oid = " OPER

#define OPER_WHAT                                                                                                      \
	"format('%I.%s (%s, %s)', $1, o.oprname, CASE WHEN o.oprleft = 0 THEN 'NONE' ELSE "                            \
	"pg_catalog.format_type(o.oprleft, NULL) END, pg_catalog.format_type(o.oprright, NULL))"

#define FTS_FROM(table, prefix) "pg_catalog." table " o WHERE o.oid = " FTS(table, prefix)

#define QNAME "format('%I.%I', $1, $2)"

/* The GRANTs and REVOKEs that turn the privileges an object starts with into the ones it has:
 * it starts with pg_init_privs' (an object initdb or an extension made: schema public) or else
 * acldefault's for its owner (EXECUTE to PUBLIC on a function, USAGE on a type...), so
 * privileges revoked from PUBLIC or from the owner, or from pg_database_owner, come out as
 * REVOKE, and a grant option taken back from a grantee that keeps the privilege as REVOKE
 * GRANT OPTION FOR. Privileges are grouped as pg_dump groups them, one statement per grantee
 * and grantor (with grant option or without); a grant made by another role than the owner is
 * made as that role (SET SESSION AUTHORIZATION ... RESET, as pg_dump writes it on every
 * version: GRANTED BY takes only the current user). WORD is an SQL expression giving the
 * object's keyword ('SCHEMA'), TYPE one giving acldefault's letter, WHAT names the object in
 * SQL (over o and $n), FROM a catalog row o ("pg_catalog.pg_proc o WHERE ..."), CATALOG its
 * catalog. A NULL acl is the default: nothing to write. */
#define GRANTS(word, type, what, from, aclcol, ownercol, catalog)                                                      \
	"SELECT " ACL_STATEMENT(                                                                                       \
	    "g.what", "g.owner") " FROM (SELECT o.oid, o." aclcol " AS acl, o." ownercol " AS owner, " word            \
				 " || ' ' || " what                                                                    \
				 " AS what, COALESCE((SELECT i.initprivs FROM pg_catalog.pg_init_privs "               \
				 "i WHERE i.objoid = o.oid AND i.classoid = 'pg_catalog." catalog                      \
				 "'::pg_catalog.regclass AND i.objsubid = "                                            \
				 "0), pg_catalog.acldefault((" type ")::\"char\", o." ownercol                         \
				 ")) AS start FROM " from ") g CROSS JOIN LATERAL (" ACL_DIFF(                         \
				     "g.start", "g.acl", "''") ") x WHERE g.acl IS NOT NULL ORDER BY g.what, "         \
							       "x.revoke DESC, x.n, x.go"

/* One statement of ACL_DIFF's row x on object WHAT (SQL text: "TABLE s.t") whose owner is OWNER. */
#define ACL_STATEMENT(what, owner)                                                                                       \
	"CASE WHEN x.revoke THEN format('REVOKE %s%s ON %s FROM %s;', CASE WHEN x.option_only THEN 'GRANT OPTION FOR ' " \
	"ELSE '' END, x.privs, " what                                                                                    \
	", x.who) ELSE format('%sGRANT %s ON %s TO %s%s;%s', CASE WHEN x.grantor <> " owner                              \
	" THEN format(E'SET SESSION AUTHORIZATION %I;\\n', pg_catalog.pg_get_userbyid(x.grantor)) ELSE '' END, "         \
	"x.privs, " what                                                                                                 \
	", x.who, CASE WHEN x.go THEN ' WITH GRANT OPTION' ELSE '' END, CASE WHEN x.grantor <> " owner                   \
	" THEN E'\\nRESET SESSION AUTHORIZATION;' ELSE '' END) END"

/* (n, revoke, option_only, grantor, who, privs, go): what turns acl START into acl HAVE, a row
 * per statement. First the privileges of START that HAVE lacks (revoke), or whose grant option
 * it lacks (option_only), then those HAVE has beyond START, with their grant option (go); per
 * grantor and grantee. who is the grantee as SQL (PUBLIC or a quoted role), privs the
 * privileges in ACL order, each followed by SUFFIX (SQL text: a column, or ''); n orders
 * them as the ACLs do (newer grants last). */
#define ACL_DIFF(start, have, suffix)                                                                                  \
	"SELECT min(e.k) AS n, e.revoke, e.option_only, e.grantor, CASE WHEN e.grantee = 0 THEN 'PUBLIC' ELSE "        \
	"pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(e.grantee)) END AS who, string_agg(e.p || " suffix          \
	", ', ' ORDER BY e.k) AS privs, e.go FROM (SELECT true AS revoke, h.grantee IS NOT NULL AS option_only, "      \
	"s.grantor, s.grantee, s.p, false AS go, s.k FROM pg_catalog.aclexplode(" start                                \
	") WITH ORDINALITY s (grantor, "                                                                               \
	"grantee, p, go, k) LEFT JOIN pg_catalog.aclexplode(" have ") h ON h.grantor = s.grantor AND h.grantee = "     \
	"s.grantee AND h.privilege_type = s.p WHERE h.grantee IS NULL OR (s.go AND NOT h.is_grantable) UNION ALL "     \
	"SELECT false, false, h.grantor, h.grantee, h.p, h.go, h.k FROM pg_catalog.aclexplode(" have ") WITH "         \
	"ORDINALITY h (grantor, grantee, p, go, k) LEFT JOIN pg_catalog.aclexplode(" start ") s ON s.grantor = "       \
	"h.grantor AND s.grantee = h.grantee AND s.privilege_type = h.p WHERE s.grantee IS NULL OR (h.go AND NOT "     \
	"s.is_grantable)) e GROUP BY e.revoke, e.option_only, e.grantor, e.grantee, e.go"

/* the extension an object belongs to, for objects an extension creates */
#define EXT_OF(catalog)                                                                                                \
	"(SELECT x.extname FROM pg_catalog.pg_depend dep JOIN pg_catalog.pg_extension x ON x.oid = dep.refobjid "      \
	"WHERE dep.classid = '" catalog "'::pg_catalog.regclass AND dep.objid = o.oid AND dep.refclassid = "           \
	"'pg_catalog.pg_extension'::pg_catalog.regclass AND dep.deptype = 'e')"

#define NOT_EXT(catalog) " AND " EXT_OF(catalog) " IS NULL"

#define EXT_LINE(catalog)                                                                                              \
	"SELECT format(E'-- %s is created by extension %s\\nCREATE EXTENSION IF NOT EXISTS %I;', $1, e, e) FROM "      \
	"(SELECT " EXT_OF(catalog) " AS e FROM "

#define CAST_FROM "pg_catalog.pg_cast o WHERE o.oid = " CAST_OID

#define CAST_WHAT                                                                                                      \
	"format('(%s AS %s)', pg_catalog.format_type(o.castsource, NULL), pg_catalog.format_type(o.casttarget, NULL))"

#define EVT_FROM "pg_catalog.pg_event_trigger o WHERE o.evtname = $1"

#define LAN_FROM "pg_catalog.pg_language o WHERE o.lanname = $1"

#define FDW_FROM "pg_catalog.pg_foreign_data_wrapper o WHERE o.fdwname = $1"

/* a foreign server: $1 is its wrapper, $2 the server */
#define SRV_FROM "pg_catalog.pg_foreign_server o WHERE o.oid = " SRV

#define PUB_FROM "pg_catalog.pg_publication o WHERE o.pubname = $1"

#define SUB_FROM                                                                                                       \
	"pg_catalog.pg_subscription o WHERE o.subname = $1 AND o.subdbid = (SELECT oid FROM pg_catalog.pg_database "   \
	"WHERE datname = pg_catalog.current_database())"

#endif
