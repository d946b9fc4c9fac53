/* A table's Properties edits as one script: columns (add, drop, rename,
 * type with USING, default, not null, identity), constraints (add with NOT
 * VALID, drop, rename, validate) and indexes (create, drop, rename), each
 * edit one statement in the order given. They run in one transaction; an
 * index created or dropped CONCURRENTLY cannot, so it is marked to run on
 * its own after the commit: how a statement runs is data recorded as it is
 * built, never read back from its text. Names and literals are quoted by
 * libpq; types, defaults and expressions are the user's SQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/build.h"

struct edits {
	struct build *b;
	PGconn *c;
	const char *ref, *schema; /* the table and its schema, quoted */
	str later;		  /* the statements that run alone, in order */
	bool names_exist;	  /* every new name already exists in PostgreSQL (the schema diff's): no check */
	bool annotate;		  /* each statement's kind recorded (catalog_mark): a dialog's, not the schema diff's */
	bool validates;		  /* a VALIDATE CONSTRAINT is among the later ones */
	size_t at[CATALOG_ALONE_MAX], len[CATALOG_ALONE_MAX];
	int nlater;
};

/* An edit's statement builder, and what the shared builders write for it:
 * ALTER TABLE ref <what> "<edit's key>"<tail>. */
struct op {
	const char *op;
	void (*fn)(struct edits *, json_t *, const struct op *);
	const char *key, *what, *tail;
};

/* ALTER TABLE ref <what> "name", where name is the edit's member KEY. */
static const char *table_column(struct edits *e, json_t *edit, const char *key, const char *what)
{
	const char *name = catalog_need(e->b, edit, key);
	if (!name)
		return NULL;
	str_appendf(&e->b->sql, "ALTER TABLE %s %s", e->ref, what);
	catalog_ident(e->c, &e->b->sql, name);
	return name;
}

/* schema.name of an index (it lives in its table's schema). */
static void index_name(struct edits *e, str *out, const char *name)
{
	str_appendf(out, "%s.", e->schema);
	catalog_ident(e->c, out, name);
}

static void cascade(struct edits *e, json_t *edit)
{
	if (catalog_flag(edit, "cascade"))
		str_append_cstr(&e->b->sql, " CASCADE");
}

/* The forms that take nothing but the part's name: then the tail (DROP DEFAULT, SET NOT NULL...). */
static void plain(struct edits *e, json_t *edit, const struct op *o)
{
	if (table_column(e, edit, o->key, o->what))
		str_append_cstr(&e->b->sql, o->tail);
}

/* DROP COLUMN / CONSTRAINT, with CASCADE when asked. */
static void drop_part(struct edits *e, json_t *edit, const struct op *o)
{
	if (table_column(e, edit, o->key, o->what))
		cascade(e, edit);
}

/* RENAME COLUMN / CONSTRAINT ... TO "to". */
static void rename_part(struct edits *e, json_t *edit, const struct op *o)
{
	const char *to = catalog_need(e->b, edit, "to");
	if (to && table_column(e, edit, o->key, o->what)) {
		str_append_cstr(&e->b->sql, " TO ");
		catalog_ident(e->c, &e->b->sql, to);
	}
}

static void add_column(struct edits *e, json_t *edit, const struct op *o)
{
	(void)o;
	json_t *col = json_object_get(edit, "column");
	if (!json_is_object(col)) {
		catalog_why(e->b, "'add_column' needs 'column': {name, type, ...}");
		return;
	}
	str_appendf(&e->b->sql, "ALTER TABLE %s ADD COLUMN ", e->ref);
	catalog_column_def(e->b, e->c, col);
}

static void set_type(struct edits *e, json_t *edit, const struct op *o)
{
	(void)o;
	const char *type = catalog_need(e->b, edit, "type");
	if (type && table_column(e, edit, "column", "ALTER COLUMN ")) {
		str_appendf(&e->b->sql, " TYPE %s", type);
		catalog_opt_sql(e->b, edit, "using", " USING %s");
	}
}

static void set_default(struct edits *e, json_t *edit, const struct op *o)
{
	(void)o;
	const char *def = catalog_need(e->b, edit, "default");
	if (def && table_column(e, edit, "column", "ALTER COLUMN "))
		str_appendf(&e->b->sql, " SET DEFAULT %s", def);
}

static const char *const IDENTITY[] = {"always", "by default", NULL};

/* add_identity: ADD GENERATED ... AS IDENTITY; set_identity: SET GENERATED ... (keeps the sequence). */
static void identity(struct edits *e, json_t *edit, const struct op *o)
{
	bool add = strcmp(o->op, "add_identity") == 0;
	const char *how = catalog_choice(e->b, edit, "identity", IDENTITY, NULL);
	if (!how) {
		catalog_why(e->b, "'identity' must be always or by default");
		return;
	}
	if (table_column(e, edit, "column", "ALTER COLUMN "))
		str_appendf(&e->b->sql, " %s GENERATED %s%s", add ? "ADD" : "SET",
			    strcmp(how, "always") == 0 ? "ALWAYS" : "BY DEFAULT", add ? " AS IDENTITY" : "");
}

/* Where an index statement goes: in the transaction, or (CONCURRENTLY) to the statements that run alone. */
static str *index_target(struct edits *e, json_t *edit, bool *alone, bool force)
{
	*alone = force || catalog_flag(edit, "concurrently");
	if (!*alone)
		return &e->b->sql;
	if (e->nlater == CATALOG_ALONE_MAX) {
		catalog_why(e->b, "at most %d statements CONCURRENTLY in one save", CATALOG_ALONE_MAX);
		return NULL;
	}
	e->at[e->nlater] = e->later.len;
	return &e->later;
}

static void alone_done(struct edits *e, bool alone, enum catalog_stmt stmt, const char *table)
{
	if (alone) {
		str_append_char(&e->later, ';');
		if (e->annotate)
			catalog_mark_later(e->b, &e->later, e->at[e->nlater], stmt, table, NULL);
		e->len[e->nlater] = e->later.len - e->at[e->nlater];
		e->nlater++;
		str_append_char(&e->later, '\n');
	}
}

static void add_constraint(struct edits *e, json_t *edit, const struct op *o)
{
	(void)o;
	json_t *con = json_object_get(edit, "constraint");
	if (!json_is_object(con)) {
		catalog_why(e->b, "'add_constraint' needs 'constraint': {type, name, ...}");
		return;
	}
	const char *type = catalog_text(con, "type");
	bool later = catalog_flag(edit, "validate_later"), not_valid = later || catalog_flag(edit, "not_valid");
	if (not_valid && type && strcmp(type, "check") && strcmp(type, "foreign_key")) {
		catalog_why(e->b,
			    "'not_valid' applies to check and foreign key constraints only (so does 'validate_later')");
		return;
	}
	if (later && !catalog_text(con, "name")) {
		catalog_why(e->b, "'validate_later' needs the constraint's 'name': VALIDATE CONSTRAINT names it");
		return;
	}
	bool alone = false;
	if (later && !index_target(e, edit, &alone, true))
		return;
	str_appendf(&e->b->sql, "ALTER TABLE %s ADD ", e->ref);
	const char *def = catalog_text(con, "definition");
	if (def && catalog_need(e->b, con, "name")) {
		/* as pg_get_constraintdef wrote it (the schema diff's): CONSTRAINT "name" <definition> */
		str_append_cstr(&e->b->sql, "CONSTRAINT ");
		catalog_ident(e->c, &e->b->sql, catalog_text(con, "name"));
		str_appendf(&e->b->sql, " %s", def);
	} else {
		catalog_constraint_def(e->b, e->c, con);
	}
	if (not_valid)
		str_append_cstr(&e->b->sql, " NOT VALID");
	if (later) {
		/* after the commit, on its own: SHARE UPDATE EXCLUSIVE while it reads the rows, writes go on */
		str_appendf(&e->later, "ALTER TABLE %s VALIDATE CONSTRAINT ", e->ref);
		catalog_ident(e->c, &e->later, catalog_text(con, "name"));
		e->validates = true;
		alone_done(e, true, STMT_VALIDATE, e->ref);
	}
}

static void create_index(struct edits *e, json_t *edit, const struct op *o)
{
	(void)o;
	json_t *ix = json_object_get(edit, "index");
	bool alone;
	str *out = json_is_object(ix) ? index_target(e, edit, &alone, false) : NULL;
	if (!json_is_object(ix))
		catalog_why(e->b, "'create_index' needs 'index': {name, columns, unique, method, where}");
	if (!out)
		return;
	str_appendf(out, "CREATE %sINDEX %s", catalog_flag(ix, "unique") ? "UNIQUE " : "",
		    alone ? "CONCURRENTLY " : "");
	if (catalog_text(ix, "name")) {
		catalog_ident(e->c, out, catalog_text(ix, "name"));
		str_append_char(out, ' ');
	}
	str_appendf(out, "ON %s", e->ref);
	if (catalog_text(ix, "method")) {
		str_append_cstr(out, " USING ");
		catalog_ident(e->c, out, catalog_text(ix, "method"));
	}
	str_append_char(out, ' ');
	/* the column list and the predicate are written into b->sql by the shared helpers */
	str keep = e->b->sql;
	e->b->sql = *out;
	catalog_column_list(e->b, e->c, json_object_get(ix, "columns"), "index.columns");
	catalog_opt_sql(e->b, ix, "where", " WHERE %s");
	*out = e->b->sql;
	e->b->sql = alone ? keep : *out;
	alone_done(e, alone, STMT_CREATE_INDEX_CONCURRENTLY, e->ref);
}

static void drop_index(struct edits *e, json_t *edit, const struct op *o)
{
	(void)o;
	const char *name = catalog_need(e->b, edit, "name");
	bool alone;
	str *out = name ? index_target(e, edit, &alone, false) : NULL;
	if (!out)
		return;
	str_appendf(out, "DROP INDEX %s", alone ? "CONCURRENTLY " : "");
	index_name(e, out, name);
	if (catalog_flag(edit, "cascade"))
		str_append_cstr(out, " CASCADE");
	alone_done(e, alone, STMT_DROP_INDEX_CONCURRENTLY, e->ref);
}

static void rename_index(struct edits *e, json_t *edit, const struct op *o)
{
	(void)o;
	const char *name = catalog_need(e->b, edit, "name"), *to = catalog_need(e->b, edit, "to");
	if (!name || !to)
		return;
	str_append_cstr(&e->b->sql, "ALTER INDEX ");
	index_name(e, &e->b->sql, name);
	str_append_cstr(&e->b->sql, " RENAME TO ");
	catalog_ident(e->c, &e->b->sql, to);
}

static const struct op OPS[] = {
    {"add_column", add_column, NULL, NULL, NULL},
    {"drop_column", drop_part, "column", "DROP COLUMN ", NULL},
    {"rename_column", rename_part, "column", "RENAME COLUMN ", NULL},
    {"set_type", set_type, NULL, NULL, NULL},
    {"set_default", set_default, NULL, NULL, NULL},
    {"drop_default", plain, "column", "ALTER COLUMN ", " DROP DEFAULT"},
    {"set_not_null", plain, "column", "ALTER COLUMN ", " SET NOT NULL"},
    {"drop_not_null", plain, "column", "ALTER COLUMN ", " DROP NOT NULL"},
    {"add_identity", identity, NULL, NULL, NULL},
    {"set_identity", identity, NULL, NULL, NULL},
    {"drop_identity", plain, "column", "ALTER COLUMN ", " DROP IDENTITY"},
    {"add_constraint", add_constraint, NULL, NULL, NULL},
    {"drop_constraint", drop_part, "name", "DROP CONSTRAINT ", NULL},
    {"rename_constraint", rename_part, "name", "RENAME CONSTRAINT ", NULL},
    {"validate_constraint", plain, "name", "VALIDATE CONSTRAINT ", ""},
    {"create_index", create_index, NULL, NULL, NULL},
    {"drop_index", drop_index, NULL, NULL, NULL},
    {"rename_index", rename_index, NULL, NULL, NULL},
};

/* Whether every name the edit gives PostgreSQL to keep fits: PostgreSQL would cut a longer one without an error. */
static bool new_names_fit(struct edits *e, json_t *edit)
{
	static const char *const holders[] = {"column", "constraint", "index"};
	const char *names[4] = {catalog_text(edit, "to")};
	for (size_t i = 0; i < 3; i++)
		names[i + 1] = json_is_object(json_object_get(edit, holders[i]))
				   ? catalog_text(json_object_get(edit, holders[i]), "name")
				   : NULL;
	tusk_err why = {0};
	for (size_t i = 0; i < 4; i++)
		if (names[i] && !catalog_name_fits(e->c, names[i], &why)) {
			catalog_why_err(e->b, &why);
			return false;
		}
	return true;
}

/* The kind of statement an edit that runs in the transaction makes, and the safer form the preview can switch to. */
static enum catalog_stmt edit_kind(const char *op, json_t *edit, const char **safer_switch)
{
	static const struct {
		const char *op;
		enum catalog_stmt stmt;
	} kinds[] = {
	    {"add_column", STMT_ADD_COLUMN},	 {"drop_column", STMT_DROP_COLUMN},
	    {"rename_column", STMT_RENAME},	 {"set_type", STMT_SET_TYPE},
	    {"set_default", STMT_SET_DEFAULT},	 {"drop_default", STMT_SET_DEFAULT},
	    {"set_not_null", STMT_SET_NOT_NULL}, {"drop_not_null", STMT_DROP_NOT_NULL},
	    {"add_identity", STMT_IDENTITY},	 {"set_identity", STMT_IDENTITY},
	    {"drop_identity", STMT_IDENTITY},	 {"drop_constraint", STMT_DROP_CONSTRAINT},
	    {"rename_constraint", STMT_RENAME},	 {"validate_constraint", STMT_VALIDATE},
	    {"create_index", STMT_CREATE_INDEX}, {"drop_index", STMT_DROP_INDEX},
	    {"rename_index", STMT_RENAME_INDEX},
	};
	*safer_switch = NULL;
	if (strcmp(op, "add_constraint") == 0) {
		json_t *con = json_object_get(edit, "constraint");
		const char *type = catalog_text(con, "type");
		bool not_valid = catalog_flag(edit, "not_valid") || catalog_flag(edit, "validate_later");
		bool fk = type && strcmp(type, "foreign_key") == 0, check = type && strcmp(type, "check") == 0;
		if (fk || check)
			*safer_switch = not_valid ? NULL : "validate_later";
		return fk      ? (not_valid ? STMT_ADD_FK_NOT_VALID : STMT_ADD_FOREIGN_KEY)
		       : check ? (not_valid ? STMT_ADD_NOT_VALID : STMT_ADD_CHECK)
		       : type && (strcmp(type, "primary_key") == 0 || strcmp(type, "unique") == 0) ? STMT_ADD_KEY
												   : STMT_ADD_CHECK;
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(op, kinds[i].op) == 0) {
			if (kinds[i].stmt == STMT_CREATE_INDEX || kinds[i].stmt == STMT_DROP_INDEX)
				*safer_switch = "concurrently";
			return kinds[i].stmt;
		}
	return STMT_OTHER;
}

/* The statement an edit wrote into the transaction, with its kind and its table (an index's rename: the index). */
static void mark_edit(struct edits *e, json_t *edit, const char *op, size_t at)
{
	const char *safer_switch;
	enum catalog_stmt stmt = edit_kind(op, edit, &safer_switch);
	str index = STR_INIT;
	if (stmt == STMT_RENAME_INDEX)
		index_name(e, &index, catalog_text(edit, "name"));
	catalog_mark(e->b, at, stmt, index.len ? str_cstr(&index) : e->ref, safer_switch);
	str_free(&index);
}

/* One edit: its statement on a line of its own (in the transaction), or to the later ones. */
static void edit_one(struct edits *e, json_t *edit, size_t n)
{
	const char *op = json_is_object(edit) ? catalog_text(edit, "op") : NULL;
	for (size_t i = 0; op && i < sizeof(OPS) / sizeof(OPS[0]); i++) {
		if (strcmp(op, OPS[i].op))
			continue;
		size_t before = e->b->sql.len;
		if (!e->names_exist && !new_names_fit(e, edit))
			return;
		e->b->edit = e->annotate ? (int)n + 1 : 0;
		OPS[i].fn(e, edit, &OPS[i]);
		if (e->b->sql.len != before) {
			str_append_cstr(&e->b->sql, ";\n");
			if (e->annotate && !e->b->why[0])
				mark_edit(e, edit, op, before);
		}
		e->b->edit = 0;
		return;
	}
	catalog_why(e->b,
		    "edit %zu: 'op' must be one of add_column, drop_column, rename_column, set_type, set_default, "
		    "drop_default, set_not_null, drop_not_null, add_identity, set_identity, drop_identity, "
		    "add_constraint, drop_constraint, rename_constraint, validate_constraint, create_index, "
		    "drop_index or rename_index",
		    n + 1);
}

/* The statements that run alone go last, under a comment that says why; their places are kept. */
static void append_later(struct edits *e)
{
	struct build *b = e->b;
	if (catalog_text(b->spec, "name") || catalog_text(b->spec, "schema")) {
		catalog_why(
		    b, "CONCURRENTLY and validate_later run after the rest commits: rename or move the table in a save "
		       "of its own");
		return;
	}
	b->tx_len = b->sql.len;
	while (b->tx_len && b->sql.buf[b->tx_len - 1] == '\n')
		b->tx_len--;
	str_append_cstr(&b->sql, b->sql.len ? "-- after COMMIT, each on its own" : "-- each on its own");
	str_append_cstr(&b->sql, e->validates ? " (CONCURRENTLY cannot run in a transaction block; VALIDATE "
						"CONSTRAINT then holds only SHARE UPDATE EXCLUSIVE):\n"
					      : " (CONCURRENTLY cannot run in a transaction block):\n");
	size_t base = b->sql.len;
	str_append(&b->sql, e->later.buf, e->later.len);
	catalog_marks_join(b, base);
	for (int i = 0; i < e->nlater; i++)
		b->alone[i] = (catalog_alone){base + e->at[i], e->len[i]};
	b->nalone = e->nlater;
}

void catalog_alter_table_edits(struct build *b, PGconn *c, const char *ref, const char *schema)
{
	json_t *list = json_object_get(b->spec, "edits");
	if (!list || json_is_null(list))
		return;
	if (!json_is_array(list)) {
		catalog_why(b, "'edits' must be a list of {op, ...}");
		return;
	}
	struct edits e = {.b = b, .c = c, .ref = ref, .schema = schema, .later = STR_INIT, .annotate = true};
	size_t i;
	json_t *edit;
	json_array_foreach(list, i, edit)
	{
		edit_one(&e, edit, i);
		if (b->why[0])
			break;
	}
	if (!b->why[0] && e.nlater)
		append_later(&e);
	str_free(&e.later);
}

void catalog_table_edit_existing(struct build *b, PGconn *c, const char *ref, const char *schema, json_t *edit)
{
	struct edits e = {.b = b, .c = c, .ref = ref, .schema = schema, .later = STR_INIT, .names_exist = true};
	edit_one(&e, edit, 0);
	str_free(&e.later);
}

/* Characters (not bytes) in the first n bytes of UTF-8 text: PostgreSQL counts positions in characters. */
static int characters(const char *s, size_t n)
{
	int chars = 0;
	for (size_t i = 0; i < n; i++)
		chars += ((unsigned char)s[i] & 0xC0) != 0x80;
	return chars;
}

void catalog_execute_parts(struct build *b, PGconn *c)
{
	if (b->tx_len) {
		char *tx = xstrndup(b->sql.buf, b->tx_len);
		b->failed = !catalog_run(c, tx, true, &b->pe);
		free(tx);
	}
	for (int i = 0; i < b->nalone && !b->failed; i++) {
		char *one = xstrndup(b->sql.buf + b->alone[i].at, b->alone[i].len);
		b->failed = !catalog_run(c, one, false, &b->pe);
		free(one);
		if (b->failed && b->pe.position)
			b->pe.position += characters(b->sql.buf, b->alone[i].at);
		/* say so without hiding what PostgreSQL said */
		char *note = !b->failed || !(b->tx_len || i) ? NULL
			     : !b->pe.detail[0]		     ? b->pe.detail
			     : !b->pe.hint[0]		     ? b->pe.hint
							     : NULL;
		if (note)
			snprintf(note, note == b->pe.hint ? sizeof(b->pe.hint) : sizeof(b->pe.detail),
				 "The statements before this one ran and were committed.");
	}
}
