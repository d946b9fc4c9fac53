/* Object kinds of a PostgreSQL server described as data, and the engine
 * that lists a path's children for the tree. Paths look like "/",
 * "/databases", "/databases/{db}". Catalog SQL is pg_catalog-qualified and
 * takes user values only as parameters. */
#ifndef TUSK_CATALOG_CATALOG_H
#define TUSK_CATALOG_CATALOG_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "pg/pool.h"
#include "util/err.h"
#include "util/json.h"
#include "util/str.h"

typedef struct {
	char *path; /* child path, escaped segments joined by '/' */
	char *label;
	const char *kind; /* "collection", "database", "login_role", ... */
	const char *icon;
	int64_t count; /* for collections; -1 otherwise */
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
 * collections with their counts. db_restriction is the server entry's JSON
 * array of the databases it shows ('["a","b"]'), or NULL; show_system adds
 * catalog schemas and extension members. err code not_found for a path
 * that names nothing. */
bool catalog_children(const pgpool_ref *pg, const char *path, const char *db_restriction, bool show_system,
		      catalog_list *out, pg_error *pgerr, tusk_err *err) __attribute__((warn_unused_result));
void catalog_list_free(catalog_list *l);
/* Appends a name as one path segment: '/' and '%' percent-escaped, as paths have them. */
void catalog_append_segment(str *s, const char *name);

/* One page of a collection's grid (what "Properties" shows for "Tables"):
 * its members with their main catalog facts. */
typedef struct {
	const char *path;	    /* a collection: "/databases/d/schemas/s/tables", "/roles" */
	const char *db_restriction; /* as catalog_children takes it */
	bool show_system;
	const char *order; /* a column's name, or NULL for the tree's order */
	bool descending;
	int64_t offset;
	int64_t limit;
} catalog_grid_query;

typedef struct {
	int64_t total;		 /* members in the collection, not in the page */
	const char *kind, *icon; /* the members' */
	bool has_children;
	const char **columns; /* "name", then the kind's own (static strings) */
	size_t ncolumns, nrows;
	char **paths;  /* one per row */
	char **values; /* nrows * ncolumns; NULL for SQL NULL */
} catalog_grid;

/* Rows [offset, offset + limit) of the collection at q->path, ordered by
 * q->order then the tree's order. err codes: not_found for a path that is
 * not a collection, invalid_order for a column the collection lacks. */
bool catalog_collection(const pgpool_ref *pg, const catalog_grid_query *q, catalog_grid *out, pg_error *pgerr,
			tusk_err *err) __attribute__((warn_unused_result));
void catalog_grid_free(catalog_grid *g);

/* The DDL that recreates the object at path (a member), like pg_dump: its
 * CREATE plus owner, comments, privileges and, for a table, its sequences,
 * foreign keys, indexes, triggers, policies, rules and statistics. err code
 * ddl_unavailable for kinds Tusk does not write yet. */
bool catalog_ddl(const pgpool_ref *pg, const char *path, str *out, pg_error *pgerr, tusk_err *err)
    __attribute__((warn_unused_result));
/* catalog_ddl of n objects of one database (an object in another is read on its own), on one
 * connection in one read-only transaction, its queries pipelined: outs[i] the DDL of paths[i] (empty
 * strings to start), errs[i] its own error (ddl_unavailable, not_found...). False when the
 * connection or a query fails (err, pgerr): then outs and errs say nothing. */
bool catalog_ddl_many(const pgpool_ref *pg, const char *const *paths, size_t n, str *outs, tusk_err *errs,
		      pg_error *pgerr, tusk_err *err) __attribute__((warn_unused_result));

/* Properties or statistics of the object at path, as (name, value) pairs in
 * display order (value NULL for SQL NULL); or its dependencies and
 * dependents (name = the object described by PostgreSQL, value = the kind of
 * dependency). err code unavailable for kinds without that facet. */
enum catalog_facet { CATALOG_PROPERTIES, CATALOG_STATISTICS, CATALOG_IDENTITY };
typedef struct {
	char **names, **values;
	size_t n;
} catalog_pairs;
bool catalog_facet(const pgpool_ref *pg, const char *path, enum catalog_facet facet, catalog_pairs *out,
		   pg_error *pgerr, tusk_err *err) __attribute__((warn_unused_result));
bool catalog_dependencies(const pgpool_ref *pg, const char *path, bool dependents, catalog_pairs *out, pg_error *pgerr,
			  tusk_err *err) __attribute__((warn_unused_result));
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
	char *db;	/* the database it lives in; NULL: the server's (a role, a tablespace) */
	char *type;	/* pg_identify_object_as_address's type ("table", "table column",
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
bool catalog_object_at(const pgpool_ref *pg, const char *path, catalog_object *out, pg_error *pgerr, tusk_err *err)
    __attribute__((warn_unused_result));
void catalog_object_free(catalog_object *o);

/* The object as statements name it: ref is the object itself
 * ("sales.orders", "sales.total(integer, pg_catalog.text)", "sales.+
 * (integer, NONE)", "(integer AS text)") or, for a part of a table or a
 * domain (column, constraint, trigger, policy, rule), the part's own name
 * with on its table or domain; on stays empty otherwise. err code
 * unavailable when PostgreSQL addressed it in a shape Tusk does not know. */
bool catalog_object_ref(const catalog_object *o, str *ref, str *on, tusk_err *err) __attribute__((warn_unused_result));

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
bool catalog_path_relation(const char *path, char **db, char **schema, char **name, const char **kind, tusk_err *err)
    __attribute__((warn_unused_result));

/* Objects of a database whose name contains text (case-insensitive), of one
 * kind or all: nodes with their tree paths, at most limit. */
bool catalog_search(const pgpool_ref *pg, const char *db, const char *text, const char *kind, int limit,
		    catalog_list *out, pg_error *pgerr, tusk_err *err) __attribute__((warn_unused_result));

/* ---- changes: what the dialogs, the grant wizard, role and replication
 * administration build and run. Each call takes the spec the user gave
 * (as JSON), builds the statements with libpq's quoting on the connection
 * that runs them, and runs them unless out->preview. It returns false with
 * err for a spec it cannot build (invalid_spec, or the refusal's own code:
 * name_too_long, unavailable...) or a connection that failed; true
 * otherwise, with out->failed and out->pe when PostgreSQL refused. ---- */
/* A statement of a change that runs on its own, outside the transaction: where it sits in the SQL shown. */
typedef struct {
	size_t at, len;
} catalog_alone;
#define CATALOG_ALONE_MAX 16
typedef struct {
	bool preview;	  /* in: build only, run nothing */
	str sql;	  /* out: the statements as shown (a password masked) */
	bool transaction; /* out: one transaction block (false: as they are, e.g. CREATE DATABASE) */
	bool steps;	  /* out: several steps each run its own way: no one transaction */
	bool failed;	  /* out: PostgreSQL refused; pe says why */
	pg_error pe;
	/* out: statements that run alone after the transaction (its SQL: sql up to tx_len) */
	catalog_alone alone[CATALOG_ALONE_MAX];
	int nalone;
	size_t tx_len;
	/* out: each statement with its kind, lock and table (dialog.c) */
	struct catalog_annotation *notes;
	size_t nnotes;
} catalog_change;
void catalog_change_free(catalog_change *c);
/* "annotations": each statement of the change with the lock it takes, what
 * it does to its table's rows, the table's live size (a preview's) and the
 * safer way, as the schema diff's script writes them (locks.c). */
void catalog_change_annotations(json_writer *w, const catalog_change *c);

/* dialog.c: Create (kind: schema, table, column, index, view,
 * materialized_view, sequence, extension, database, function, procedure,
 * trigger_function, type, domain, trigger, policy, publication) in
 * database; Alter (rename, owner, schema, comment, and each kind's own) and
 * Drop of the object at path (force: a database's WITH (FORCE)). */
bool catalog_create(const pgpool_ref *pg, const char *database, const char *kind, json_t *spec, catalog_change *out,
		    tusk_err *err) __attribute__((warn_unused_result));
bool catalog_alter(const pgpool_ref *pg, const char *path, json_t *changes, catalog_change *out, tusk_err *err)
    __attribute__((warn_unused_result));
bool catalog_drop(const pgpool_ref *pg, const char *path, bool cascade, bool force, catalog_change *out, tusk_err *err)
    __attribute__((warn_unused_result));

/* ---- privileges.c ---- */
/* The Grant Wizard: GRANT or REVOKE the privileges (words: SELECT, USAGE,
 * ALL...) on the objects (tree paths, all in one database) to or from the
 * roles (names; "public" is PUBLIC), each kind of object getting the
 * privileges that apply to it. err not_grantable, several_databases,
 * invalid_field. */
typedef struct {
	bool grant, grant_option, cascade;
	json_t *objects, *privileges, *roles; /* lists of texts */
} catalog_grant_spec;
bool catalog_grant(const pgpool_ref *pg, const catalog_grant_spec *g, catalog_change *out, tusk_err *err)
    __attribute__((warn_unused_result));
/* ALTER DEFAULT PRIVILEGES [FOR ROLE for_role] [IN SCHEMA schema] GRANT|REVOKE
 * ... ON object_type (tables, sequences, functions, routines, types, schemas). */
typedef struct {
	const char *database, *for_role, *schema, *object_type;
	bool grant, grant_option;
	json_t *privileges, *roles;
} catalog_defaults_spec;
bool catalog_default_privileges_alter(const pgpool_ref *pg, const catalog_defaults_spec *d, catalog_change *out,
				      tusk_err *err) __attribute__((warn_unused_result));
/* What pg_default_acl holds in database, as a JSON array. */
bool catalog_default_privileges(const pgpool_ref *pg, const char *database, char **json, tusk_err *err)
    __attribute__((warn_unused_result));
/* The role's privileges on the object at path and where each comes from
 * (owner, superuser, directly, PUBLIC, a role it is a member of): json is
 * {role, owner, privileges: [{privilege, granted, via}]}. err no_privileges
 * for a kind without privileges, role_not_found. */
typedef struct {
	char *identity, *type, *json;
} catalog_effective;
bool catalog_effective_privileges(const pgpool_ref *pg, const char *path, const char *role, catalog_effective *out,
				  pg_error *pe, tusk_err *err) __attribute__((warn_unused_result));
void catalog_effective_free(catalog_effective *e);

/* ---- erd.c: schema diagrams ---- */
enum {
	CATALOG_ERD_MAX_SCHEMAS = 100,
	CATALOG_ERD_MAX_NAMES = 5000, /* tables named */
	CATALOG_NAME_MAX = 63,	      /* NAMEDATALEN - 1: a longer name cannot exist */
};
/* The tables, views and foreign tables of the schemas (a JSON array of
 * names) in db, or only those named in tables (a JSON array, or NULL),
 * with their columns and keys, written as the members "tables" and
 * "foreign_keys" of w's open object. err not_found naming what is
 * missing (a schema, a table, the database), too_many_tables past 5000;
 * PostgreSQL's refusal in pe. */
bool catalog_erd(const pgpool_ref *pg, const char *db, const char *schemas, const char *tables, json_writer *w,
		 pg_error *pe, tusk_err *err) __attribute__((warn_unused_result));

/* ---- replication.c: logical replication ---- */
/* A database's publications, subscriptions (with workers and tables' sync
 * states) and replication slots, each a JSON array, and wal_level. */
typedef struct {
	char *wal_level, *publications, *subscriptions, *slots;
} catalog_logical;
bool catalog_logical_status(const pgpool_ref *pg, const char *database, catalog_logical *out, pg_error *pe,
			    tusk_err *err) __attribute__((warn_unused_result));
void catalog_logical_free(catalog_logical *l);
/* A publisher: a server the user is connected to (the caller checked they
 * may see it), and a database there. Its connection string runs with its
 * password; every statement shown has password=********. */
typedef struct {
	int64_t server_id;
	const char *database;
} catalog_source;
/* CREATE SUBSCRIPTION in database (the subscriber's), its slot made on the
 * publisher first (and dropped again when the subscription fails). */
typedef struct {
	const char *database, *name, *slot; /* slot NULL: the subscription's name */
	json_t *publications;		    /* names */
	bool copy_data, enabled, create_slot;
	catalog_source source;
} catalog_subscription_spec;
bool catalog_subscription_create(const pgpool_ref *pg, const catalog_subscription_spec *spec, catalog_change *out,
				 tusk_err *err) __attribute__((warn_unused_result));
/* enable, disable, refresh (copy_data), skip (lsn; PostgreSQL 15+) or drop
 * a subscription; err invalid_spec. */
typedef struct {
	const char *database, *name, *action, *lsn;
	bool copy_data;
} catalog_subscription_action;
bool catalog_subscription_act(const pgpool_ref *pg, const catalog_subscription_action *a, catalog_change *out,
			      tusk_err *err) __attribute__((warn_unused_result));
/* "Replicate these tables from the source to database": checks the
 * publisher's wal_level (err wal_level), copies the definitions of tables
 * the subscriber lacks (create_tables), creates the publication, the slot
 * and the subscription, each step shown under a heading. */
typedef struct {
	const char *database, *publication, *subscription;
	json_t *tables; /* [{schema, name}] */
	bool create_tables;
	catalog_source source;
} catalog_replication_spec;
bool catalog_replication_setup(const pgpool_ref *pg, const catalog_replication_spec *spec, catalog_change *out,
			       tusk_err *err) __attribute__((warn_unused_result));

/* ---- completion.c: what the query editor completes ---- */
/* One JSON text: {"tables": {schema: {table: [columns]}}, "functions":
 * [{schema, name, args, on_search_path}]} of the database (NULL: the
 * server's maintenance database), read on a pooled connection. */
bool catalog_completion(const pgpool_ref *pg, const char *database, char **json, pg_error *pe, tusk_err *err)
    __attribute__((warn_unused_result));

/* ---- roles.c: login and group roles ---- */
/* A JSON array of the roles (pg_ ones too when system) with their
 * attributes, memberships, settings and comments. */
bool catalog_roles_list(const pgpool_ref *pg, bool system, char **json, pg_error *pe, tusk_err *err)
    __attribute__((warn_unused_result));
/* {login, current, roles}: the login (session_user), the pooled connection's role and the roles
 * the login is a member of (pg_has_role MEMBER; pg_ roles left out): what a query tab may SET ROLE to. */
bool catalog_roles_settable(const pgpool_ref *pg, char **json, pg_error *pe, tusk_err *err)
    __attribute__((warn_unused_result));
/* CREATE ROLE from {name, login, superuser..., connection_limit,
 * valid_until, password, member_of, members, config, comment,
 * security_labels}; a password goes as the verifier libpq computes and is
 * masked in out->sql. */
bool catalog_role_create(const pgpool_ref *pg, json_t *spec, catalog_change *out, tusk_err *err)
    __attribute__((warn_unused_result));
/* ALTER ROLE role with changes as above plus add_member_of,
 * remove_member_of, config_reset and a new name. */
bool catalog_role_alter(const pgpool_ref *pg, const char *role, json_t *changes, catalog_change *out, tusk_err *err)
    __attribute__((warn_unused_result));
/* DROP ROLE, after REASSIGN OWNED BY ... TO reassign_to and/or DROP OWNED
 * in every database the role has objects or privileges in (several steps). */
bool catalog_role_drop(const pgpool_ref *pg, const char *role, const char *reassign_to, bool drop_owned,
		       catalog_change *out, tusk_err *err) __attribute__((warn_unused_result));

/* ---- table.c: a table's or view's own work (path: its tree path) ---- */
/* SELECT count(*): the statement in out->sql, the count in count (out->failed: PostgreSQL refused). */
bool catalog_count(const pgpool_ref *pg, const char *path, catalog_change *out, char *count, size_t n, tusk_err *err)
    __attribute__((warn_unused_result));
/* action: truncate, truncate_cascade, truncate_restart, vacuum, vacuum_full,
 * vacuum_analyze, analyze, refresh (err invalid_field for another, or one
 * the relation's kind does not take). VACUUM and ANALYZE run outside a
 * transaction block. */
bool catalog_maintenance(const pgpool_ref *pg, const char *path, const char *action, catalog_change *out, tusk_err *err)
    __attribute__((warn_unused_result));
/* A template statement of kind select, insert, update or delete (err
 * invalid_query otherwise) over the relation's columns, appended to out. */
bool catalog_script(const pgpool_ref *pg, const char *path, const char *kind, str *out, tusk_err *err)
    __attribute__((warn_unused_result));

/* View/Edit Data: a table's or view's columns and primary key. */
typedef struct {
	char *name, *type, *def;
	bool not_null, pk, identity, generated;
} catalog_table_column;
typedef struct {
	char kind; /* pg_class.relkind */
	catalog_table_column *cols;
	int ncols;
	char **pk; /* column names in key order */
	int npk;
} catalog_table;
/* err not_found when db has no table or view schema.name. */
bool catalog_table_load(const pgpool_ref *pg, const char *db, const char *schema, const char *name, catalog_table *t,
			tusk_err *err) __attribute__((warn_unused_result));
void catalog_table_free(catalog_table *t);
/* SELECT * FROM schema.table, with the user's own WHERE clause, ORDER BY
 * [{column, desc}] and LIMIT (0: none). err invalid_field. */
bool catalog_view_sql(const char *schema, const char *table, const char *filter, json_t *order, int64_t limit, str *out,
		      tusk_err *err) __attribute__((warn_unused_result));
/* Edits [{op: insert|update|delete, values, key}] saved in one transaction
 * (by primary key; err no_primary_key without one, not_found). out->sql
 * is the transaction with its values written in (what the preview shows);
 * invalid: some change cannot be made (details say which, nothing ran);
 * failed: PostgreSQL refused one (details), nothing was kept; else rows
 * holds each change's RETURNING rows. */
typedef struct {
	bool preview; /* in */
	str sql;
	bool invalid, failed;
	json_t *details, *rows;
	int applied;
} catalog_edits;
bool catalog_edit(const pgpool_ref *pg, const char *db, const char *schema, const char *table, json_t *changes,
		  catalog_edits *out, tusk_err *err) __attribute__((warn_unused_result));
void catalog_edits_free(catalog_edits *e);

/* ---- monitor.c: live monitoring ---- */
/* Rows of named text columns (cells NULL for SQL NULL). */
typedef struct {
	char **names;
	char **cells; /* nrows * ncols */
	size_t ncols, nrows;
} catalog_rows;
void catalog_rows_free(catalog_rows *r);

enum catalog_panel {
	CATALOG_ACTIVITY,	      /* pg_stat_activity */
	CATALOG_LOCKS,		      /* pg_locks with who holds or waits */
	CATALOG_PREPARED,	      /* prepared transactions */
	CATALOG_SETTINGS,	      /* pg_settings, filtered by text in name, description or category */
	CATALOG_PROGRESS,	      /* running VACUUM, ANALYZE, CREATE INDEX, CLUSTER, BASE BACKUP */
	CATALOG_TABLE_HEALTH,	      /* a database's tables: sizes, scans, dead tuples, unused indexes */
	CATALOG_STANDBYS,	      /* pg_stat_replication */
	CATALOG_SLOTS,		      /* replication slots with what they retain */
	CATALOG_SUBSCRIPTION_WORKERS, /* pg_stat_subscription */
	CATALOG_SERVER_INFO,	      /* one row: version, uptime, recovery, the role, connections */
};
/* One panel on database (NULL: the maintenance database). err code
 * permission_denied when PostgreSQL's permission check refused the role. */
bool catalog_panel(const pgpool_ref *pg, enum catalog_panel panel, const char *database, const char *filter,
		   catalog_rows *out, tusk_err *err) __attribute__((warn_unused_result));
/* The 100 costliest statements of pg_stat_statements (a database's own
 * when database is given); err extension_missing where it is not installed. */
bool catalog_statements(const pgpool_ref *pg, const char *database, catalog_rows *out, tusk_err *err)
    __attribute__((warn_unused_result));
/* pg_cancel_backend / pg_terminate_backend; err not_found for a pid that
 * is no backend, permission_denied when the role may not. */
bool catalog_signal_backend(const pgpool_ref *pg, int pid, bool terminate, tusk_err *err)
    __attribute__((warn_unused_result));
/* A server action, as pgAdmin's server menu has them: "reload_configuration"
 * (pg_reload_conf), "restore_point" (pg_create_restore_point(name)),
 * "pause_replay" and "resume_replay" (a standby's WAL replay). *sql: what
 * ran; *result: its answer as text (the restore point's LSN), malloc'd.
 * PostgreSQL's refusal fills pe (false); err invalid_field for another
 * action or a restore point without a name. */
bool catalog_server_action(const pgpool_ref *pg, const char *action, const char *name, char **sql, char **result,
			   pg_error *pe, tusk_err *err) __attribute__((warn_unused_result));
/* COMMIT PREPARED or ROLLBACK PREPARED gid in its database; err not_found,
 * permission_denied or prepared_failed with PostgreSQL's message. */
bool catalog_finish_prepared(const pgpool_ref *pg, const char *database, const char *gid, bool commit, tusk_err *err)
    __attribute__((warn_unused_result));

/* ---- schema_diff.c: compare two databases (or one schema of each) ---- */
typedef struct {
	const pgpool_ref *pg;
	const char *database, *schema; /* schema NULL: every schema but the system's */
} catalog_diff_side;
typedef struct {
	bool ignore_owner, ignore_privileges, ignore_whitespace, ignore_tablespace;
	json_t *select;	   /* ids of the objects the script covers; NULL: every one that differs */
	bool no_table_ddl; /* leave out the DDL of tables that differ (the script alters them without it) */
} catalog_diff_options;
enum { CATALOG_DIFF_MAX_OBJECTS = 20000 };
/* Writes into w's open object: "objects" (each with id, kind, schema, name,
 * state identical / different / source_only / target_only, both DDLs),
 * "summary", "statements" (each with the lock it takes on the target, what
 * it does to the table's rows, the table's size and a safer equivalent),
 * "script" (the statements that make the target like the source, in
 * dependency order) and "warnings". err too_many_tables past the limit (objects, not only tables);
 * PostgreSQL's refusal in pe. */
bool catalog_schema_diff(const catalog_diff_side *source, const catalog_diff_side *target,
			 const catalog_diff_options *opt, json_writer *w, pg_error *pe, tusk_err *err)
    __attribute__((warn_unused_result));

/* A comparison kept (both sides read, paired and their differing DDLs read): its script for another
 * choice of objects is planned again without reading either side again. */
typedef struct catalog_diff catalog_diff;
/* What a comparison has come to: the phase ("reading" both sides' objects, "ddl" of those that differ,
 * "script") and the counts known so far (-1: not yet). */
typedef struct {
	const char *phase;
	int64_t source, target, identical, different, source_only, target_only, ddl;
} catalog_diff_progress;
typedef struct {
	void (*report)(void *cls, const catalog_diff_progress *p); /* NULL: no reports */
	void *cls;
	const _Atomic bool *cancel; /* set: the comparison stops at the next phase (err cancelled); may be NULL */
} catalog_diff_watch;
/* Reads and pairs both sides (the options copied, select ignored); NULL with err / pe on failure. */
catalog_diff *catalog_diff_compare(const catalog_diff_side *source, const catalog_diff_side *target,
				   const catalog_diff_options *opt, const catalog_diff_watch *watch, pg_error *pe,
				   tusk_err *err) __attribute__((warn_unused_result));
/* Plans the script of the objects in select (NULL: every one that differs) on a connection to the target
 * (quoting, the objects' names, the tables' live sizes) and writes into w's open object what
 * catalog_schema_diff does; full false: each object's id, state, selected and recreate only. */
bool catalog_diff_write(catalog_diff *d, json_t *select, bool full, json_writer *w, pg_error *pe, tusk_err *err)
    __attribute__((warn_unused_result));
/* The servers it compared, and an estimate of the memory it holds. */
void catalog_diff_servers(const catalog_diff *d, int64_t *source, int64_t *target);
size_t catalog_diff_bytes(const catalog_diff *d);
void catalog_diff_free(catalog_diff *d);

#endif
