/* The statements Tusk writes about one object of the tree (drop, rename,
 * comment, owner, schema), assembled from the object's structured names
 * (catalog_object: pg_identify_object_as_address's parts, each quoted by
 * PostgreSQL's quote_ident), never by taking PostgreSQL's identity text
 * apart: a trigger named "a on b" or a column named "x.y" is one part like
 * any other. Names the user gives (a new name, an owner, a schema) and
 * comments are quoted by libpq. What each kind's statements look like, and
 * which of them PostgreSQL has, is in the kind's row (kinds.h). Also: the run of a statement
 * inside or outside a transaction block, as the statement says, and the
 * check that PostgreSQL keeps a new name whole. */
#include "catalog/catalog.h"
#include "catalog/kinds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const catalog_kind *kind_of(const catalog_object *o, tusk_err *err)
{
	const catalog_kind *k = catalog_kind_typed(o->type);
	if (!k || !k->keyword)
		err_set(err, ERR_UNAVAILABLE, "Tusk has no statements for a %s.", o->type);
	return k && k->keyword ? k : NULL;
}

/* Whether the parts PostgreSQL gave fit the kind's form (a newer
 * PostgreSQL could address a kind differently: refuse, never guess). */
static bool parts_fit(const catalog_object *o, enum catalog_form f)
{
	switch (f) {
	case NAMED:
		return o->nnames >= 1 && o->nnames <= 2 && o->nargs == 0;
	case ROUTINE:
	case AGGREGATE:
		return o->nnames == 2;
	case OPERATOR:
		return o->nnames == 2 && (o->nargs == 2 || (o->nargs == 1 && (o->oprkind == 'l' || o->oprkind == 'r')));
	case CAST:
	case USER_MAPPING:
	case TRANSFORM:
		return o->nnames == 1 && o->nargs == 1;
	case USING_METHOD:
	case COLUMN:
	case TABLE_CONSTRAINT:
	case ON_TABLE:
		return o->nnames == 3 && o->nargs == 0;
	case DOMAIN_CONSTRAINT:
		return o->nnames == 2 && o->nargs == 1;
	}
	return false;
}

/* The kind of o, when its parts are whole and fit the kind's form. */
static const catalog_kind *well_formed(const catalog_object *o, tusk_err *err)
{
	const catalog_kind *k = kind_of(o, err);
	if (!k)
		return NULL;
	for (size_t i = 0; i < o->nnames + o->nargs; i++) {
		const catalog_part *p = i < o->nnames ? &o->names[i] : &o->args[i - o->nnames];
		/* an operator's missing side is no part at all: a NULL part is an object PostgreSQL half lost */
		if (!p->raw || !p->quoted) {
			err_set(err, ERR_UNAVAILABLE, "PostgreSQL named this %s with a part missing.", o->type);
			return NULL;
		}
	}
	if (!parts_fit(o, k->form)) {
		err_set(err, ERR_UNAVAILABLE, "PostgreSQL named this %s in a way Tusk does not know.", o->type);
		return NULL;
	}
	return k;
}

/* The kind of o, if it can take the statement (one CAN_ bit). */
static const catalog_kind *able(const catalog_object *o, unsigned can, const char *verb, tusk_err *err)
{
	const catalog_kind *k = well_formed(o, err);
	if (!k)
		return NULL;
	if (strcmp(k->kind, "database") == 0) {
		err_set(err, ERR_UNAVAILABLE,
			"Tusk cannot change or drop the database it is connected to from the tree: "
			"use the query tool on another database.");
		return NULL;
	}
	if (!(k->can & can)) {
		err_set(err, ERR_UNAVAILABLE, "PostgreSQL cannot %s %s %s.", verb, k->article, o->type);
		return NULL;
	}
	return k;
}

static void join_quoted(str *out, const catalog_part *parts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			str_append_char(out, '.');
		str_append_cstr(out, parts[i].quoted);
	}
}

/* Type names as PostgreSQL formatted them (schema-qualified where needed):
 * SQL as they are. */
static void type_list(str *out, const catalog_part *args, size_t n)
{
	for (size_t i = 0; i < n; i++)
		str_appendf(out, "%s%s", i ? ", " : "", args[i].raw);
}

static void ref(const catalog_object *o, enum catalog_form f, str *name, str *on)
{
	switch (f) {
	case NAMED:
		join_quoted(name, o->names, o->nnames);
		break;
	case ROUTINE:
	case AGGREGATE:
		join_quoted(name, o->names, 2);
		str_append_char(name, '(');
		if (f == AGGREGATE && o->nargs == 0)
			str_append_char(name, '*');
		type_list(name, o->args, o->nargs);
		str_append_char(name, ')');
		break;
	case OPERATOR:
		/* the operator itself is symbols, written bare: OPERATOR's syntax takes no quotes */
		str_appendf(name, "%s.%s (", o->names[0].quoted, o->names[1].raw);
		if (o->nargs == 2)
			type_list(name, o->args, 2);
		else
			str_appendf(name, o->oprkind == 'l' ? "NONE, %s" : "%s, NONE", o->args[0].raw);
		str_append_char(name, ')');
		break;
	case CAST:
		str_appendf(name, "(%s AS %s)", o->names[0].raw, o->args[0].raw);
		break;
	case USER_MAPPING:
		/* a mapping for PUBLIC is addressed as "public", a name no role may have */
		str_appendf(name, "FOR %s SERVER %s",
			    strcmp(o->names[0].raw, "public") == 0 ? "PUBLIC" : o->names[0].quoted, o->args[0].quoted);
		break;
	case COLUMN:
	case TABLE_CONSTRAINT:
	case ON_TABLE:
		str_append_cstr(name, o->names[2].quoted);
		join_quoted(on, o->names, 2);
		break;
	case DOMAIN_CONSTRAINT:
		str_append_cstr(name, o->args[0].quoted);
		join_quoted(on, o->names, 2);
		break;
	case USING_METHOD:
		join_quoted(name, o->names + 1, 2);
		str_appendf(name, " USING %s", o->names[0].quoted);
		break;
	case TRANSFORM:
		str_appendf(name, "FOR %s LANGUAGE %s", o->names[0].raw, o->args[0].quoted);
		break;
	}
}

bool catalog_object_ref(const catalog_object *o, str *name, str *on, tusk_err *err)
{
	const catalog_kind *k = well_formed(o, err);
	if (!k)
		return false;
	ref(o, k->form, name, on);
	return true;
}

/* The statement up to where a kind's forms part: "ALTER TABLE s.t RENAME
 * COLUMN c", "ALTER TRIGGER t ON s.t", "ALTER FUNCTION s.f(integer)".
 * part_verb is what a part of a table or domain takes after its parent
 * ("RENAME", "DROP"), or NULL when the statement cannot name parts. */
static void lead(str *out, const catalog_object *o, const catalog_kind *k, const char *verb, const char *part_verb)
{
	str name = STR_INIT, on = STR_INIT;
	ref(o, k->form, &name, &on);
	switch (k->form) {
	case COLUMN:
	case TABLE_CONSTRAINT:
		str_appendf(out, "ALTER TABLE %s %s %s %s", str_cstr(&on), part_verb, k->keyword, str_cstr(&name));
		break;
	case DOMAIN_CONSTRAINT:
		str_appendf(out, "ALTER DOMAIN %s %s %s %s", str_cstr(&on), part_verb, k->keyword, str_cstr(&name));
		break;
	case ON_TABLE:
		str_appendf(out, "%s %s %s ON %s", verb, k->keyword, str_cstr(&name), str_cstr(&on));
		break;
	default:
		str_appendf(out, "%s %s %s", verb, k->keyword, str_cstr(&name));
	}
	str_free(&name);
	str_free(&on);
}

bool catalog_sql_drop(const catalog_object *o, bool cascade, str *out, bool *transaction, tusk_err *err)
{
	const catalog_kind *k = able(o, CAN_DROP, "drop", err);
	if (!k)
		return false;
	if (cascade && !(k->can & CAN_CASCADE)) {
		err_set(err, ERR_NO_CASCADE, "%s %s cannot be dropped with CASCADE: %s.",
			strcmp(k->article, "an") == 0 ? "An" : "A", o->type,
			strcmp(o->type, "role") == 0	     ? "drop or reassign what it owns and its privileges first"
			: strcmp(o->type, "tablespace") == 0 ? "drop or move what is stored in it first"
							     : "nothing depends on it");
		return false;
	}
	lead(out, o, k, "DROP", "DROP");
	str_append_cstr(out, cascade ? " CASCADE;" : ";");
	*transaction = !(k->can & DROP_ALONE);
	return true;
}

bool catalog_sql_comment(PGconn *c, const catalog_object *o, const char *comment, str *out, tusk_err *err)
{
	const catalog_kind *k = able(o, CAN_COMMENT, "comment on", err);
	if (!k)
		return false;
	str name = STR_INIT, on = STR_INIT;
	ref(o, k->form, &name, &on);
	switch (k->form) {
	case COLUMN:
		str_appendf(out, "COMMENT ON COLUMN %s.%s", str_cstr(&on), str_cstr(&name));
		break;
	case TABLE_CONSTRAINT:
		str_appendf(out, "COMMENT ON CONSTRAINT %s ON %s", str_cstr(&name), str_cstr(&on));
		break;
	case DOMAIN_CONSTRAINT:
		str_appendf(out, "COMMENT ON CONSTRAINT %s ON DOMAIN %s", str_cstr(&name), str_cstr(&on));
		break;
	case ON_TABLE:
		str_appendf(out, "COMMENT ON %s %s ON %s", k->keyword, str_cstr(&name), str_cstr(&on));
		break;
	default:
		str_appendf(out, "COMMENT ON %s %s", k->keyword, str_cstr(&name));
	}
	str_free(&name);
	str_free(&on);
	str_append_cstr(out, " IS ");
	if (comment) {
		char *q = PQescapeLiteral(c, comment, strlen(comment));
		if (!q) {
			err_set(err, ERR_INVALID_SPEC, "The comment is not valid text: %s", PQerrorMessage(c));
			return false;
		}
		str_append_cstr(out, q);
		PQfreemem(q);
	} else {
		str_append_cstr(out, "NULL");
	}
	str_append_char(out, ';');
	return true;
}

/* A name the user gives, quoted by libpq; false (err) when libpq refuses it. */
static char *quote_user_name(PGconn *c, const char *name, tusk_err *err)
{
	char *q = PQescapeIdentifier(c, name, strlen(name));
	if (!q)
		err_set(err, ERR_INVALID_SPEC, "'%s' is not a valid name: %s", name, PQerrorMessage(c));
	return q;
}

/* ALTER <object> <clause> <name>; onto out, for a kind that can; returns
 * the name as quoted (PQfreemem it), or NULL with err. */
static char *alter_to(PGconn *c, const catalog_object *o, unsigned can, const char *what, const char *clause,
		      const char *name, str *out, tusk_err *err)
{
	const catalog_kind *k = able(o, can, what, err);
	char *q = k ? quote_user_name(c, name, err) : NULL;
	if (q) {
		lead(out, o, k, "ALTER", NULL);
		str_appendf(out, " %s %s;", clause, q);
	}
	return q;
}

bool catalog_sql_owner(PGconn *c, const catalog_object *o, const char *role, str *out, tusk_err *err)
{
	char *q = alter_to(c, o, CAN_OWNER, "change the owner of", "OWNER TO", role, out, err);
	PQfreemem(q);
	return q != NULL;
}

/* Replaces a part with a name the user gave (quoted by libpq). */
static void set_part(catalog_part *p, const char *raw, const char *quoted)
{
	free(p->raw);
	free(p->quoted);
	p->raw = xstrdup(raw);
	p->quoted = xstrdup(quoted);
}

bool catalog_sql_rename(PGconn *c, catalog_object *o, const char *name, str *out, tusk_err *err)
{
	const catalog_kind *k = able(o, CAN_RENAME, "rename", err);
	if (!k || !catalog_name_fits(c, name, err))
		return false;
	char *q = quote_user_name(c, name, err);
	if (!q)
		return false;
	lead(out, o, k, "ALTER", "RENAME");
	str_appendf(out, "%s TO %s;",
		    k->form == COLUMN || k->form == TABLE_CONSTRAINT || k->form == DOMAIN_CONSTRAINT ? "" : " RENAME",
		    q);
	/* the object's own name is the last of its names but for a domain constraint's, an arg */
	catalog_part *own = k->form == DOMAIN_CONSTRAINT		 ? &o->args[0]
			    : k->form == ROUTINE || k->form == AGGREGATE ? &o->names[1]
									 : &o->names[o->nnames - 1];
	set_part(own, name, q);
	PQfreemem(q);
	return true;
}

bool catalog_sql_set_schema(PGconn *c, catalog_object *o, const char *schema, str *out, tusk_err *err)
{
	char *q = alter_to(c, o, CAN_SCHEMA, "move to another schema", "SET SCHEMA", schema, out, err);
	if (!q)
		return false;
	/* an extension's one name is its own; it is not addressed by its schema */
	const catalog_kind *k = catalog_kind_typed(o->type);
	if (o->nnames == 2)
		set_part(&o->names[0], schema, q);
	else if (k && k->form == USING_METHOD)
		set_part(&o->names[1], schema, q);
	PQfreemem(q);
	return true;
}

bool catalog_name_fits(PGconn *c, const char *name, tusk_err *err)
{
	const char *params[1] = {name};
	/* text to name cuts as PostgreSQL cuts every identifier it reads (whole characters) */
	PGresult *r =
	    PQexecParams(c, "SELECT $1::pg_catalog.name::text, pg_catalog.current_setting('max_identifier_length')", 1,
			 NULL, params, NULL, NULL, 0);
	bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	if (!ok)
		err_set(err, ERR_QUERY_FAILED, "%s", PQerrorMessage(c));
	else if (strcmp(PQgetvalue(r, 0, 0), name) != 0) {
		err_set(
		    err, ERR_NAME_TOO_LONG,
		    "The name '%s' is %zu bytes long; PostgreSQL keeps names of at most %s bytes and would cut it to "
		    "'%s'. Choose a shorter name.",
		    name, strlen(name), PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 0));
		ok = false;
	}
	PQclear(r);
	return ok;
}

/* ---- running ---- */

/* What the notice receiver saw: the first name PostgreSQL cut. */
struct cut {
	bool seen;
	char message[512];
};

static void on_notice(void *arg, const PGresult *r)
{
	struct cut *cut = arg;
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	/* 42622 name_too_long: "identifier ... will be truncated to ..." */
	if (cut->seen || !state || strcmp(state, "42622") != 0)
		return;
	const char *m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	snprintf(cut->message, sizeof(cut->message), "%s", m ? m : "a name was truncated");
	cut->seen = true;
}

/* One command; false with pe filled when PostgreSQL refused it. */
static bool command(PGconn *c, const char *sql, pg_error *pe)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
	if (!ok)
		pg_error_fill(pe, r, c);
	PQclear(r);
	return ok;
}

/* The session's client_min_messages, to put back after a run outside a
 * transaction block (inside one, SET LOCAL ends with it). */
static char *min_messages(PGconn *c)
{
	PGresult *r = PQexec(c, "SELECT pg_catalog.current_setting('client_min_messages')");
	char *v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? xstrdup(PQgetvalue(r, 0, 0)) : NULL;
	PQclear(r);
	return v;
}

bool catalog_run(PGconn *c, const char *sql, bool transaction, pg_error *pe)
{
	memset(pe, 0, sizeof(*pe));
	struct cut cut = {0};
	/* pooled connections keep libpq's own receiver, whose argument is NULL: it is put back as it was */
	PQnoticeReceiver before = PQsetNoticeReceiver(c, on_notice, &cut);
	char *was = transaction ? NULL : min_messages(c);
	/* the notice must reach us whatever client_min_messages the role or database sets */
	bool ok = transaction ? command(c, "BEGIN", pe) && command(c, "SET LOCAL client_min_messages TO notice", pe)
			      : was && command(c, "SET client_min_messages TO notice", pe);
	if (!ok && !transaction && !pe->message[0])
		snprintf(pe->message, sizeof(pe->message), "%s", PQerrorMessage(c));
	ok = ok && command(c, sql, pe);
	if (ok && cut.seen) {
		ok = false;
		snprintf(pe->sqlstate, sizeof(pe->sqlstate), "42622");
		snprintf(pe->message, sizeof(pe->message), "%s", cut.message);
		snprintf(pe->detail, sizeof(pe->detail), "%s",
			 transaction
			     ? "PostgreSQL keeps names of at most max_identifier_length bytes. Nothing was changed: "
			       "choose a shorter name."
			     : "PostgreSQL keeps names of at most max_identifier_length bytes. The statement could "
			       "not run in a transaction and has run with the shortened name.");
	}
	pg_error ignored;
	if (transaction && !ok)
		(void)command(c, "ROLLBACK", &ignored);
	else if (transaction && !command(c, "COMMIT", pe)) /* a deferred constraint fails here */
		ok = false;
	if (was) {
		const char *params[1] = {was};
		PQclear(PQexecParams(c, "SELECT pg_catalog.set_config('client_min_messages', $1, false)", 1, NULL,
				     params, NULL, NULL, 0));
		free(was);
	}
	PQsetNoticeReceiver(c, before, NULL);
	return ok;
}
