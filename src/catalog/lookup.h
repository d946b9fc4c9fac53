/* Finding one catalog object by the names in its tree path, as SQL
 * subqueries that yield its oid: $1, $2 are the ancestors' names and the
 * member's, as the DDL and properties queries take them. Shared by
 * catalog/ddl.c and catalog/props.c; kinds.c lists operators by OPER_NAME. */
#ifndef TUSK_CATALOG_LOOKUP_H
#define TUSK_CATALOG_LOOKUP_H

#define REL(kinds)                                                                                                     \
	"(SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "            \
	"WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN (" kinds "))"
#define PROC                                                                                                           \
	"(SELECT p.oid FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "             \
	"WHERE n.nspname = $1 AND p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')' = $2)"
#define TYPE                                                                                                           \
	"(SELECT t.oid FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "             \
	"WHERE n.nspname = $1 AND t.typname = $2)"
#define TBL REL("'r', 'p'")
#define COLL                                                                                                           \
	"(SELECT o.oid FROM pg_catalog.pg_collation o JOIN pg_catalog.pg_namespace n ON n.oid = o.collnamespace "       \
	"WHERE n.nspname = $1 AND o.collname = $2 AND o.collencoding IN (-1, "                                          \
	"pg_catalog.pg_char_to_encoding(pg_catalog.getdatabaseencoding())))"
/* An operator o as the tree names it, "name(left, right)" with NONE for a
 * missing side (format_type says "-" for no type); SEP goes before the
 * parenthesis (" " in labels). */
#define OPER_SIDE(col) "CASE WHEN o." col " = 0 THEN 'NONE' ELSE pg_catalog.format_type(o." col ", NULL) END"
#define OPER_NAME(sep) "o.oprname || '" sep "(' || " OPER_SIDE("oprleft") " || ', ' || " OPER_SIDE("oprright") " || ')'"
#define OPER                                                                                                           \
	"(SELECT o.oid FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace "         \
	"WHERE n.nspname = $1 AND " OPER_NAME("") " = $2)"
#define FTS(table, prefix)                                                                                             \
	"(SELECT o.oid FROM pg_catalog." table " o JOIN pg_catalog.pg_namespace n ON n.oid = o." prefix "namespace "    \
	"WHERE n.nspname = $1 AND o." prefix "name = $2)"
#define CAST_OID                                                                                                       \
	"(SELECT o.oid FROM pg_catalog.pg_cast o WHERE pg_catalog.format_type(o.castsource, NULL) || '->' || "          \
	"pg_catalog.format_type(o.casttarget, NULL) = $1)"
#define SRV                                                                                                            \
	"(SELECT s.oid FROM pg_catalog.pg_foreign_server s JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = "       \
	"s.srvfdw WHERE w.fdwname = $1 AND s.srvname = $2)"

#endif
