/* The object kinds of a database, as data (kinds.c). */
#ifndef TUSK_CATALOG_KINDS_H
#define TUSK_CATALOG_KINDS_H

/* Where a collection hangs; decides which ancestor names its SQL takes. */
enum catalog_level {
	CATALOG_AT_DATABASE,       /* no parameters */
	CATALOG_AT_SCHEMA,         /* $1 schema */
	CATALOG_AT_TABLE,          /* $1 schema, $2 table */
	CATALOG_AT_DOMAIN,         /* $1 schema, $2 domain */
	CATALOG_AT_FDW,            /* $1 wrapper */
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

typedef struct {
	const char *collection; /* path segment, e.g. "tables" */
	const char *label;      /* "Tables" */
	const char *kind;       /* member kind, e.g. "table" */
	const char *icon;
	enum catalog_level level;
	const char *const *children; /* collections under a member */
	const char *list_sql;        /* (name, label, system, oid), in no order */
	const char *order;           /* display order over x; NULL: x.name */
	const char *catalog;         /* the members' catalog, joined as o on x.oid for the grid; NULL: none */
	const catalog_column *columns; /* the grid's columns after the name, NULL-terminated */
} catalog_kind;

extern const catalog_kind catalog_kinds[];
const catalog_kind *catalog_kind_find(const char *collection);
/* Collections under a member of this kind (NULL-terminated; empty for leaves). */
const char *const *catalog_children_of(const char *member_kind);

#endif
