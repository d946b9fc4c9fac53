/* Object kinds of a PostgreSQL server described as data, and the engine
 * that lists a path's children for the tree. Paths look like "/",
 * "/databases", "/databases/{db}". Catalog SQL is pg_catalog-qualified and
 * takes user values only as parameters. */
#ifndef TUSK_CATALOG_CATALOG_H
#define TUSK_CATALOG_CATALOG_H

#include <stdbool.h>
#include <stdint.h>

#include "pg/pool.h"
#include "util/err.h"
#include "util/str.h"

typedef struct {
	char *path;  /* child path, escaped segments joined by '/' */
	char *label;
	const char *kind; /* "collection", "database", "login_role", ... */
	const char *icon;
	int64_t count;    /* for collections; -1 otherwise */
	bool has_children;
} catalog_node;

typedef struct {
	catalog_node *nodes;
	size_t n;
	/* the members of one collection: one kind, icon and has_children, and
	 * each path is the listed path, '/', and the member's escaped name */
	bool members;
} catalog_list;

/* Lists the children of path: a collection's members, or a member's
 * collections with their counts. db_restriction is a PostgreSQL text-array
 * literal ("{a,b}") limiting the databases shown, or NULL; show_system adds
 * catalog schemas and extension members. err code not_found for a path
 * that names nothing. */
bool catalog_children(pgpool *pool, int64_t user_id, int64_t server_id, const char *path, const char *db_restriction,
		      bool show_system, catalog_list *out, pg_error *pgerr, tusk_err *err)
	__attribute__((warn_unused_result));
void catalog_list_free(catalog_list *l);
/* Appends a name as one path segment: '/' and '%' percent-escaped, as paths have them. */
void catalog_append_segment(str *s, const char *name);

/* One page of a collection's grid (what "Properties" shows for "Tables"):
 * its members with their main catalog facts. */
typedef struct {
	const char *path; /* a collection: "/databases/d/schemas/s/tables", "/roles" */
	const char *db_restriction;
	bool show_system;
	const char *order; /* a column's name, or NULL for the tree's order */
	bool descending;
	int64_t offset;
	int64_t limit;
} catalog_grid_query;

typedef struct {
	int64_t total;                   /* members in the collection, not in the page */
	const char *kind, *icon;         /* the members' */
	bool has_children;
	const char **columns;            /* "name", then the kind's own (static strings) */
	size_t ncolumns, nrows;
	char **paths;                    /* one per row */
	char **values;                   /* nrows * ncolumns; NULL for SQL NULL */
} catalog_grid;

/* Rows [offset, offset + limit) of the collection at q->path, ordered by
 * q->order then the tree's order. err codes: not_found for a path that is
 * not a collection, invalid_order for a column the collection lacks. */
bool catalog_collection(pgpool *pool, int64_t user_id, int64_t server_id, const catalog_grid_query *q,
			catalog_grid *out, pg_error *pgerr, tusk_err *err) __attribute__((warn_unused_result));
void catalog_grid_free(catalog_grid *g);

/* The DDL that recreates the object at path (a member), like pg_dump: its
 * CREATE plus owner, comments, privileges and, for a table, its sequences,
 * foreign keys, indexes, triggers, policies, rules and statistics. err code
 * ddl_unavailable for kinds Tusk does not write yet. */
bool catalog_ddl(pgpool *pool, int64_t user_id, int64_t server_id, const char *path, str *out, pg_error *pgerr,
		 tusk_err *err) __attribute__((warn_unused_result));

/* Properties or statistics of the object at path, as (name, value) pairs in
 * display order (value NULL for SQL NULL); or its dependencies and
 * dependents (name = the object described by PostgreSQL, value = the kind of
 * dependency). err code unavailable for kinds without that facet. */
enum catalog_facet { CATALOG_PROPERTIES, CATALOG_STATISTICS, CATALOG_IDENTITY };
typedef struct {
	char **names, **values;
	size_t n;
} catalog_pairs;
bool catalog_facet(pgpool *pool, int64_t user_id, int64_t server_id, const char *path, enum catalog_facet facet,
		   catalog_pairs *out, pg_error *pgerr, tusk_err *err) __attribute__((warn_unused_result));
bool catalog_dependencies(pgpool *pool, int64_t user_id, int64_t server_id, const char *path, bool dependents,
			  catalog_pairs *out, pg_error *pgerr, tusk_err *err) __attribute__((warn_unused_result));
void catalog_pairs_free(catalog_pairs *p);

/* The statement that drops the object at path (DROP ... [CASCADE], or ALTER
 * TABLE ... DROP for a table's parts), with names quoted by PostgreSQL.
 * err code unavailable for what cannot be dropped here (databases). */
bool catalog_drop_sql(pgpool *pool, int64_t user_id, int64_t server_id, const char *path, bool cascade, str *out,
		      char **dbname, pg_error *pgerr, tusk_err *err) __attribute__((warn_unused_result));

/* PostgreSQL's own description of the object at path (pg_identify_object):
 * its type ("table", "table column", "function"...) and its quoted identity
 * ("cat.parent", "cat.parent.code", "cat.add(integer,integer)"); malloc'd. */
bool catalog_identify(pgpool *pool, int64_t user_id, int64_t server_id, const char *path, char **db, char **type,
		      char **identity, pg_error *pgerr, tusk_err *err) __attribute__((warn_unused_result));

/* The database, schema and name of the relation at path (a table, view or
 * materialized view), malloc'd; *kind is its member kind. */
bool catalog_path_relation(const char *path, char **db, char **schema, char **name, const char **kind,
			   tusk_err *err) __attribute__((warn_unused_result));

/* Objects of a database whose name contains text (case-insensitive), of one
 * kind or all: nodes with their tree paths, at most limit. */
bool catalog_search(pgpool *pool, int64_t user_id, int64_t server_id, const char *db, const char *text,
		    const char *kind, int limit, catalog_list *out, pg_error *pgerr, tusk_err *err)
	__attribute__((warn_unused_result));

/* props.c */
const char *catalog_props_query(const char *kind, enum catalog_facet facet, int *nparams);

/* ddl.c */
const char *const *catalog_ddl_queries(const char *kind, int *nparams);
/* A query that follows KIND's queries on this server version (NULL for none). */
const char *catalog_ddl_extra(const char *kind, int server_version);

#endif
