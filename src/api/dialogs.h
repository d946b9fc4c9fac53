/* Shared by the object dialogs' statement builders (dialogs.c for tables
 * and relations, dialogs_code.c for routines, types, domains, triggers and
 * policies): the statement under construction and the quoting helpers. */
#ifndef TUSK_API_DIALOGS_H
#define TUSK_API_DIALOGS_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "http/http.h"
#include "pg/pool.h"
#include "util/str.h"

struct build {
	json_t *spec;
	const char *kind;
	const char *identity_path; /* for alter */
	str sql;
	str run_sql;       /* when set, what runs instead of sql (which masks a secret) */
	char why[512];     /* a bad spec: the field and the reason */
	err_code why_code; /* its error code when not invalid_spec (name_too_long, unavailable) */
	bool preview, failed;
	bool in_transaction; /* runs in one transaction block; false: as it is (CREATE DATABASE) */
	bool steps;          /* the SQL shown is several steps, each run its own way: no one "transaction" */
	pg_error pe;
	int version; /* the server's server_version_num, where a kind needs it */
};

/* An identifier / a literal, quoted by libpq on this connection. */
void dlg_ident(PGconn *c, str *out, const char *name);
void dlg_literal(PGconn *c, str *out, const char *v);
/* schema.name with both quoted; schema may be NULL. */
void dlg_qualified(PGconn *c, str *out, const char *schema, const char *name);
/* A non-empty string member, or NULL. */
const char *dlg_text(json_t *o, const char *key);
bool dlg_flag(json_t *o, const char *key);
/* A required text member; records why when missing. */
const char *dlg_need(struct build *b, json_t *o, const char *key);
/* One of the choices (compared without case), the default when absent;
 * NULL and why recorded when it is something else. Returns the choice as listed. */
const char *dlg_choice(struct build *b, json_t *o, const char *key, const char *const *choices, const char *def);
/* COMMENT ON <what> <target> IS … and ALTER <what> <target> OWNER TO … from
 * the spec's comment and owner; target is already quoted SQL. */
void dlg_comment_owner(struct build *b, PGconn *c, const char *what, const char *target);
/* Records a bad spec (the first reason wins). */
void dlg_why(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Records a refusal from catalog/ with its code (the first reason wins). */
void dlg_why_err(struct build *b, const tusk_err *err);

/* Runs the statement (unless previewing or the spec was bad) in a
 * transaction block or alone, as b->in_transaction says (catalog_run: a
 * name PostgreSQL would cut fails it too); PostgreSQL's refusal lands in
 * b->failed and b->pe. */
void dlg_execute(struct build *b, PGconn *c);
/* 200 {sql, done, transaction (unless b->steps)}, 400 invalid_spec (or the refusal's own
 * code: name_too_long, unavailable) or 409 ddl_failed with PostgreSQL's fields. */
void dlg_respond(http_req *r, struct build *b);

/* dialogs_code.c: CREATE for function, procedure, trigger_function, type,
 * domain, trigger and policy; false when the kind is not one of them. */
bool dlg_create_code(struct build *b, PGconn *c);
/* The kind-specific part of an alter (policy USING/CHECK/roles, domain
 * default/not null, enum values, trigger enabled, routine attributes),
 * appended to b->sql; type is catalog_object's type, ref and on the object
 * as catalog_object_ref names it (on: a trigger's or policy's table). */
void dlg_alter_code(struct build *b, PGconn *c, const char *type, const char *ref, const char *on);

#endif
