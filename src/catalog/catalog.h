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

/* ---- one object of the tree as PostgreSQL addresses it (catalog.c), and
 * the statements Tusk writes about it (statement.c): built from its
 * structured names, never by taking PostgreSQL's identity text apart ---- */

/* One part of an object's name: as the catalog holds it, and as
 * PostgreSQL's quote_ident writes it. raw is NULL for an absent part. */
typedef struct {
	char *raw, *quoted;
} catalog_part;

typedef struct {
	char *db;       /* the database it lives in; NULL: the server's (a role, a tablespace) */
	char *type;     /* pg_identify_object_as_address's type ("table", "table column",
			 * "trigger"...), and "domain" for a domain (PostgreSQL says "type") */
	char *identity; /* pg_identify_object's identity: to show, never to take apart */
	/* pg_identify_object_as_address's object_names and object_args, except
	 * that a type, and the domain of a domain constraint, come as
	 * (schema, name) from pg_type rather than as one type name */
	catalog_part *names, *args;
	size_t nnames, nargs;
	char oprkind; /* an operator's: 'b' infix, 'l' prefix, 'r' postfix (before PostgreSQL 14) */
} catalog_object;

/* The object at path (a member, a database, a role or a tablespace). err
 * code not_found for a path that names nothing. */
bool catalog_object_at(pgpool *pool, int64_t user_id, int64_t server_id, const char *path, catalog_object *out,
		       pg_error *pgerr, tusk_err *err) __attribute__((warn_unused_result));
void catalog_object_free(catalog_object *o);

/* The object as statements name it: ref is the object itself
 * ("sales.orders", "sales.total(integer, pg_catalog.text)", "sales.+
 * (integer, NONE)", "(integer AS text)") or, for a part of a table or a
 * domain (column, constraint, trigger, policy, rule), the part's own name
 * with on its table or domain; on stays empty otherwise. err code
 * unavailable when PostgreSQL addressed it in a shape Tusk does not know. */
bool catalog_object_ref(const catalog_object *o, str *ref, str *on, tusk_err *err)
	__attribute__((warn_unused_result));

/* Each appends one statement about o, ending in ';'. err code unavailable
 * when PostgreSQL has no such statement for the kind (a cast has no owner,
 * a database is not dropped from its own connection), no_cascade when the
 * kind's DROP takes no CASCADE, name_too_long for a new name PostgreSQL
 * would cut (see catalog_name_fits). User names are quoted by libpq on c. */
/* DROP; *transaction is false when PostgreSQL runs it only outside a
 * transaction block (DROP TABLESPACE, DROP SUBSCRIPTION). */
bool catalog_sql_drop(const catalog_object *o, bool cascade, str *out, bool *transaction, tusk_err *err)
	__attribute__((warn_unused_result));
/* COMMENT ON ... IS comment (NULL removes it). */
bool catalog_sql_comment(PGconn *c, const catalog_object *o, const char *comment, str *out, tusk_err *err)
	__attribute__((warn_unused_result));
bool catalog_sql_owner(PGconn *c, const catalog_object *o, const char *role, str *out, tusk_err *err)
	__attribute__((warn_unused_result));
/* RENAME, then o names the renamed object (for the statements after it). */
bool catalog_sql_rename(PGconn *c, catalog_object *o, const char *name, str *out, tusk_err *err)
	__attribute__((warn_unused_result));
/* SET SCHEMA, then o names the moved object. */
bool catalog_sql_set_schema(PGconn *c, catalog_object *o, const char *schema, str *out, tusk_err *err)
	__attribute__((warn_unused_result));

/* Whether PostgreSQL keeps name as it is: false, with err code
 * name_too_long saying what it would become, for a name longer than the
 * server's max_identifier_length (63 bytes unless built otherwise), which
 * PostgreSQL cuts without an error. Asks the server (text to name). */
bool catalog_name_fits(PGconn *c, const char *name, tusk_err *err) __attribute__((warn_unused_result));

/* Runs sql on c: inside one transaction block when transaction is true
 * (rolled back on any error), else as it is, as PostgreSQL requires for
 * DROP TABLESPACE or CREATE DATABASE. A name PostgreSQL cuts to
 * max_identifier_length (its NOTICE 42622) fails the run like an error:
 * inside a transaction nothing is kept; outside one the statement has run
 * and pe's detail says so. false with pe filled on failure. */
bool catalog_run(PGconn *c, const char *sql, bool transaction, pg_error *pe) __attribute__((warn_unused_result));

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
