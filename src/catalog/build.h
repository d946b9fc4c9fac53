/* Shared by catalog/'s statement builders (dialog.c, dialog_code.c,
 * privileges.c, roles.c, replication.c): the statement under construction
 * for one change, and the quoting and spec-reading helpers. Names and
 * literals are quoted by libpq on the connection that runs them; types,
 * defaults, expressions and bodies are the user's own SQL and go in as
 * written. Private to catalog/. */
#ifndef TUSK_CATALOG_BUILD_H
#define TUSK_CATALOG_BUILD_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "catalog/catalog.h"
#include "catalog/locks.h"
#include "util/str.h"

/* One statement of a change as the preview shows it: where it sits in the
 * SQL, its kind as it was built (locks.h), the table it locks (quoted SQL),
 * the table's edit it comes from, and the safer form the preview can switch
 * to. Recorded as each statement is written, never read back from the SQL. */
struct catalog_annotation {
	size_t at, len;
	enum catalog_stmt stmt;
	char *table;		  /* quoted schema.name, or NULL */
	int edit;		  /* index in changes.edits, or -1 */
	const char *safer_switch; /* "concurrently", "validate_later", "lock_timeout"; NULL: none */
	bool later;		  /* at counts in the statements that run alone, until they join sql */
	bool alone;		  /* runs on its own, outside a transaction block */
	bool covered;		  /* its safer way (lock_timeout) is taken already */
	char *schema, *name;	  /* the table as pg_class names it (a preview's), or NULL */
	long long size;		  /* pg_total_relation_size; -1: unknown */
};

struct build {
	json_t *spec;
	const char *kind;
	bool alter;
	str sql;
	str run_sql;	   /* when set, what runs instead of sql (which masks a secret) */
	char why[512];	   /* a bad spec: the field and the reason */
	err_code why_code; /* its error code when not invalid_spec (name_too_long, unavailable) */
	bool preview, failed;
	bool in_transaction; /* runs in one transaction block; false: as it is (CREATE DATABASE) */
	bool steps;	     /* the SQL shown is several steps, each run its own way: no one "transaction" */
	pg_error pe;
	int version; /* the server's server_version_num, where a kind needs it */
	/* statements that must run on their own, after the transaction commits
	 * (CREATE/DROP INDEX CONCURRENTLY): where each sits in sql, which ends
	 * with them; the transaction runs sql up to tx_len */
	catalog_alone alone[CATALOG_ALONE_MAX];
	int nalone;
	size_t tx_len;
	/* each statement with its kind, as built (catalog_mark) */
	struct catalog_annotation *notes;
	size_t nnotes, capnotes;
	int edit; /* the table's edit being built, counted from 1; 0: none */
};

/* An identifier / a literal, quoted by libpq on this connection. */
void catalog_ident(PGconn *c, str *out, const char *name);
void catalog_literal(PGconn *c, str *out, const char *v);
/* schema.name with both quoted; schema may be NULL. */
void catalog_qualified(PGconn *c, str *out, const char *schema, const char *name);
/* The names of a JSON list, each quoted, comma-separated. */
void catalog_ident_list(PGconn *c, str *out, json_t *names);
/* A non-empty string member, or NULL. */
const char *catalog_text(json_t *o, const char *key);
bool catalog_flag(json_t *o, const char *key);
/* An optional member: lead and its value quoted as an identifier / its
 * value as SQL in place of fmt's one %s (an expression, a function name), when
 * o has the key as a non-empty text; nothing otherwise. */
void catalog_opt_ident(struct build *b, PGconn *c, json_t *o, const char *key, const char *lead);
void catalog_opt_sql(struct build *b, json_t *o, const char *key, const char *fmt);
/* A required text member; records why when missing. */
const char *catalog_need(struct build *b, json_t *o, const char *key);
/* One of the choices (compared without case), the default when absent;
 * NULL and why recorded when it is something else. Returns the choice as listed. */
const char *catalog_choice(struct build *b, json_t *o, const char *key, const char *const *choices, const char *def);
/* A list member that must be an array of non-empty strings (absent: NULL). */
json_t *catalog_names(struct build *b, json_t *o, const char *key);
/* COMMENT ON <what> <target> IS … and ALTER <what> <target> OWNER TO … from
 * the spec's comment and owner; target is already quoted SQL. */
void catalog_comment_owner(struct build *b, PGconn *c, const char *what, const char *target);
/* COMMENT ON <what> name ON <table> IS … from the spec's comment (a
 * trigger's, a policy's); table is already quoted SQL. */
void catalog_comment_on_table(struct build *b, PGconn *c, const char *what, const char *name, const char *table);
/* Records a bad spec (the first reason wins). */
void catalog_why(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Records a refusal from another catalog function with its code (the first reason wins). */
void catalog_why_err(struct build *b, const tusk_err *err);

/* Records the statement written into b->sql from at (blanks around it
 * left out) as of kind stmt on table (quoted SQL, or NULL); safer_switch
 * names the form the preview can switch to (NULL: none). The statements of
 * a change that no call records are shown as they are, without a cost. */
void catalog_mark(struct build *b, size_t at, enum catalog_stmt stmt, const char *table, const char *safer_switch);
/* The same for a statement written into later (the ones that run alone,
 * appended to b->sql afterwards at base: catalog_marks_join). */
void catalog_mark_later(struct build *b, const str *later, size_t at, enum catalog_stmt stmt, const char *table,
			const char *safer_switch);
void catalog_marks_join(struct build *b, size_t base);

/* The one text value of sql's one row (a json_agg, a setting), malloc'd;
 * NULL with pe (may be NULL) and err when the query failed. */
char *catalog_query_text(const pgpool_ref *pg, const char *db, const char *sql, int nparams, const char *const *params,
			 pg_error *pe, tusk_err *err);

/* Runs the statement (unless previewing or the spec was bad) in a
 * transaction block or alone, as b->in_transaction says (catalog_run: a
 * name PostgreSQL would cut fails it too); PostgreSQL's refusal lands in
 * b->failed and b->pe. */
void catalog_execute(struct build *b, PGconn *c);
/* Hands what b built to out (false with err for a bad spec: invalid_spec
 * or the refusal's own code) and frees b. */
bool catalog_finish(struct build *b, catalog_change *out, tusk_err *err);

/* dialog.c: a column as CREATE TABLE and ADD COLUMN write it (name, type,
 * identity or generated or default, not_null, primary_key, unique); a table
 * constraint (type primary_key, unique, check, foreign_key; name); a
 * parenthesized list of column names (why names FIELD when it is not one). */
void catalog_column_def(struct build *b, PGconn *c, json_t *col);
void catalog_constraint_def(struct build *b, PGconn *c, json_t *con);
void catalog_column_list(struct build *b, PGconn *c, json_t *cols, const char *field);

/* dialog_table.c: a table's Properties edits (changes.edits: columns,
 * constraints, indexes), appended to b->sql; ref is the table, schema its
 * schema, both quoted. Statements that must run outside the transaction
 * are marked in b->alone. */
void catalog_alter_table_edits(struct build *b, PGconn *c, const char *ref, const char *schema);
/* One edit (not CONCURRENTLY) whose new names are PostgreSQL's own already (the schema diff's,
 * read from the source's catalog), so they are not checked against max_identifier_length. */
void catalog_table_edit_existing(struct build *b, PGconn *c, const char *ref, const char *schema, json_t *edit);
/* Runs what b built: the transaction, then each statement marked to run
 * alone (an error's position counted in the whole of b->sql). */
void catalog_execute_parts(struct build *b, PGconn *c);

/* dialog_code.c: CREATE for function, procedure, trigger_function, type,
 * domain, trigger, policy and publication; false when the kind is not one of them. */
bool catalog_create_code(struct build *b, PGconn *c);
/* The kind-specific part of an alter (policy USING/CHECK/roles, domain
 * default/not null, enum values, trigger enabled, routine attributes),
 * appended to b->sql; type is catalog_object's type, ref and on the object
 * as catalog_object_ref names it (on: a trigger's or policy's table). */
void catalog_alter_code(struct build *b, PGconn *c, const char *type, const char *ref, const char *on);

#endif
