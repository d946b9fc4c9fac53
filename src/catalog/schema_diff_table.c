/* The schema diff's changes in place: a table's columns, constraints,
 * indexes and triggers as the edits table Properties builds
 * (dialog_table.c), a view replaced when its columns are only appended to,
 * and any object's owner, comment and privileges. */
#include <stdlib.h>
#include <string.h>

#include "catalog/build.h"
#include "catalog/schema_diff.h"

/* COMMENT ON / ALTER ... OWNER TO's word for a kind, and GRANT ... ON's. */
static void keywords(const char *kind, const char **what, const char **grant)
{
	static const char *const map[][3] = {
	    {"table", "TABLE", "TABLE"},
	    {"view", "VIEW", "TABLE"},
	    {"materialized_view", "MATERIALIZED VIEW", "TABLE"},
	    {"sequence", "SEQUENCE", "SEQUENCE"},
	    {"function", "FUNCTION", "FUNCTION"},
	    {"trigger_function", "FUNCTION", "FUNCTION"},
	    {"procedure", "PROCEDURE", "PROCEDURE"},
	    {"type", "TYPE", "TYPE"},
	    {"domain", "DOMAIN", "DOMAIN"},
	    {"schema", "SCHEMA", "SCHEMA"},
	};
	*what = *grant = NULL;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i][0], kind) == 0)
			*what = map[i][1], *grant = map[i][2];
}

static bool relation(const struct sd_obj *o)
{
	return strcmp(o->kind, "table") == 0 || strcmp(o->kind, "view") == 0 ||
	       strcmp(o->kind, "materialized_view") == 0;
}

/* REVOKE everything the target grants, then GRANT what the source does, in its order. */
static void privileges(struct sd_script *sc, const struct sd_obj *s, const struct sd_obj *t, const char *grant,
		       const char *ref)
{
	json_t *ta = json_object_get(t->info, "acl"), *sa = json_object_get(s->info, "acl"), *seen = json_object();
	size_t i;
	json_t *e;
	json_array_foreach(ta, i, e)
	{
		const char *who = json_string_value(json_array_get(e, 0));
		if (!who || json_object_get(seen, who))
			continue;
		json_object_set_new(seen, who, json_true());
		str sql = STR_INIT;
		str_appendf(&sql, "REVOKE ALL ON %s %s FROM %s;", grant, ref, who);
		sd_add(sc, str_take(&sql), STMT_GRANT, relation(t) ? t : NULL);
	}
	json_decref(seen);
	json_array_foreach(sa, i, e)
	{
		str sql = STR_INIT;
		str_appendf(&sql, "GRANT %s ON %s %s TO %s%s;", json_string_value(json_array_get(e, 1)), grant, ref,
			    json_string_value(json_array_get(e, 0)),
			    json_is_true(json_array_get(e, 2)) ? " WITH GRANT OPTION" : "");
		sd_add(sc, str_take(&sql), STMT_GRANT, relation(t) ? t : NULL);
	}
}

void sd_meta(struct sd_script *sc, const struct sd_obj *s, const struct sd_obj *t, const char *ref)
{
	const char *what, *grant;
	keywords(s->kind, &what, &grant);
	if (!what)
		return;
	const char *so = json_string_value(json_object_get(s->info, "owner")),
		   *sc_ = json_string_value(json_object_get(s->info, "comment"));
	if (!sc->opt->ignore_owner && so &&
	    !json_equal(json_object_get(s->info, "owner"), json_object_get(t->info, "owner"))) {
		str sql = STR_INIT;
		str_appendf(&sql, "ALTER %s %s OWNER TO ", what, ref);
		catalog_ident(sc->c, &sql, so);
		str_append_char(&sql, ';');
		sd_add(sc, str_take(&sql), relation(t) ? STMT_OWNER_TABLE : STMT_OTHER, relation(t) ? t : NULL);
	}
	if (!json_equal(json_object_get(s->info, "comment"), json_object_get(t->info, "comment"))) {
		str sql = STR_INIT;
		str_appendf(&sql, "COMMENT ON %s %s IS ", what, ref);
		if (sc_)
			catalog_literal(sc->c, &sql, sc_);
		else
			str_append_cstr(&sql, "NULL");
		str_append_char(&sql, ';');
		sd_add(sc, str_take(&sql), relation(t) ? STMT_COMMENT_TABLE : STMT_OTHER, relation(t) ? t : NULL);
	}
	if (!sc->opt->ignore_privileges &&
	    !json_equal(json_object_get(s->info, "acl_key"), json_object_get(t->info, "acl_key")))
		privileges(sc, s, t, grant, ref);
}

/* ---- a table ---- */

struct tbl {
	struct sd_script *sc;
	const struct sd_obj *s, *t;
	str ref, schema; /* the target table, quoted */
};

/* One edit as table Properties builds it, one statement. */
static void edit(struct tbl *tb, json_t *e, enum catalog_stmt stmt)
{
	struct build b = {.sql = STR_INIT};
	catalog_table_edit_existing(&b, tb->sc->c, str_cstr(&tb->ref), str_cstr(&tb->schema), e);
	while (b.sql.len && b.sql.buf[b.sql.len - 1] == '\n')
		b.sql.len--;
	if (b.why[0])
		json_array_append_new(tb->sc->warnings, json_sprintf("%s: %s", tb->sc->object, b.why));
	else if (b.sql.len)
		sd_add(tb->sc, xstrndup(b.sql.buf, b.sql.len), stmt, tb->t);
	json_decref(e);
	str_free(&b.sql);
	str_free(&b.run_sql);
}

/* The member of list named name, or NULL. */
static json_t *named(json_t *list, json_t *name)
{
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) if (json_equal(json_object_get(e, "name"), name)) return e;
	return NULL;
}

static const char *text(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static bool same(json_t *a, json_t *b, const char *key)
{
	return json_equal(json_object_get(a, key), json_object_get(b, key));
}

/* Parts (constraints, indexes, triggers) the target has and the source has not, or defines otherwise. */
static bool gone(json_t *part, json_t *other_list)
{
	json_t *o = named(other_list, json_object_get(part, "name"));
	return !o || !same(part, o, "def");
}

static void drop_parts(struct tbl *tb)
{
	json_t *sl, *tl, *e;
	size_t i;
	tl = json_object_get(tb->t->info, "triggers"), sl = json_object_get(tb->s->info, "triggers");
	json_array_foreach(tl, i, e) if (gone(e, sl))
	{
		str sql = STR_INIT;
		str_append_cstr(&sql, "DROP TRIGGER ");
		catalog_ident(tb->sc->c, &sql, text(e, "name"));
		str_appendf(&sql, " ON %s;", str_cstr(&tb->ref));
		sd_add(tb->sc, str_take(&sql), STMT_DROP_TRIGGER, tb->t);
	}
	tl = json_object_get(tb->t->info, "indexes"), sl = json_object_get(tb->s->info, "indexes");
	json_array_foreach(tl, i, e) if (gone(e, sl))
	    edit(tb, json_pack("{s:s,s:O}", "op", "drop_index", "name", json_object_get(e, "name")), STMT_DROP_INDEX);
	tl = json_object_get(tb->t->info, "constraints"), sl = json_object_get(tb->s->info, "constraints");
	/* foreign keys first: a key they reference may go too */
	for (int fk = 1; fk >= 0; fk--)
		json_array_foreach(tl, i, e) if (gone(e, sl) && (strcmp(text(e, "type"), "f") == 0) == fk)
		    edit(tb, json_pack("{s:s,s:O}", "op", "drop_constraint", "name", json_object_get(e, "name")),
			 STMT_DROP_CONSTRAINT);
	tl = json_object_get(tb->t->info, "columns"), sl = json_object_get(tb->s->info, "columns");
	json_array_foreach(tl, i, e) if (!named(sl, json_object_get(e, "name"))) edit(
	    tb, json_pack("{s:s,s:O}", "op", "drop_column", "column", json_object_get(e, "name")), STMT_DROP_COLUMN);
}

static json_t *col_edit(const char *op, json_t *name)
{
	return json_pack("{s:s,s:O}", "op", op, "column", name);
}

/* An existing column: default dropped before a new type, the rest after it. */
static void alter_column(struct tbl *tb, json_t *sc, json_t *tc)
{
	json_t *name = json_object_get(sc, "name");
	bool def_same = same(sc, tc, "default"), type_same = same(sc, tc, "type");
	if (!same(sc, tc, "generated"))
		json_array_append_new(tb->sc->warnings,
				      json_sprintf("%s: column %s is generated otherwise; change it by hand",
						   tb->sc->object, json_string_value(name)));
	if (json_is_string(json_object_get(tc, "default")) && (!def_same || !type_same))
		edit(tb, col_edit("drop_default", name), STMT_SET_DEFAULT);
	if (!type_same) {
		str using = STR_INIT;
		catalog_ident(tb->sc->c, &using, json_string_value(name));
		str_appendf(&using, "::%s", text(sc, "type"));
		json_t *e = col_edit("set_type", name);
		json_object_set_new(e, "type", json_string(text(sc, "type")));
		json_object_set_new(e, "using", json_string(str_cstr(&using)));
		str_free(&using);
		edit(tb, e, STMT_SET_TYPE);
	}
	if (json_is_string(json_object_get(sc, "default")) && (!def_same || !type_same)) {
		json_t *e = col_edit("set_default", name);
		json_object_set(e, "default", json_object_get(sc, "default"));
		edit(tb, e, STMT_SET_DEFAULT);
	}
	bool si = json_is_string(json_object_get(sc, "identity")), ti = json_is_string(json_object_get(tc, "identity"));
	if (ti && !si)
		edit(tb, col_edit("drop_identity", name), STMT_IDENTITY);
	if (!same(sc, tc, "not_null"))
		edit(tb,
		     col_edit(json_is_true(json_object_get(sc, "not_null")) ? "set_not_null" : "drop_not_null", name),
		     json_is_true(json_object_get(sc, "not_null")) ? STMT_SET_NOT_NULL : STMT_DROP_NOT_NULL);
	if (si && !same(sc, tc, "identity")) {
		json_t *e = col_edit(ti ? "set_identity" : "add_identity", name);
		json_object_set(e, "identity", json_object_get(sc, "identity"));
		edit(tb, e, STMT_IDENTITY);
	}
}

static void columns(struct tbl *tb)
{
	json_t *sl = json_object_get(tb->s->info, "columns"), *tl = json_object_get(tb->t->info, "columns"), *e;
	size_t i;
	json_array_foreach(sl, i, e)
	{
		json_t *tc = named(tl, json_object_get(e, "name"));
		if (tc) {
			alter_column(tb, e, tc);
			continue;
		}
		json_t *col = json_deep_copy(e);
		json_object_del(col, "comment");
		edit(tb, json_pack("{s:s,s:o}", "op", "add_column", "column", col), STMT_ADD_COLUMN);
	}
}

static enum catalog_stmt constraint_stmt(json_t *k)
{
	const char *type = text(k, "type");
	if (!json_is_true(json_object_get(k, "valid")))
		return strcmp(type, "f") == 0 ? STMT_ADD_FK_NOT_VALID : STMT_ADD_NOT_VALID;
	return strcmp(type, "c") == 0 ? STMT_ADD_CHECK : strcmp(type, "f") == 0 ? STMT_ADD_FOREIGN_KEY : STMT_ADD_KEY;
}

/* Constraints, indexes and triggers the source has and the target has not (or defines otherwise). */
static void add_parts(struct tbl *tb)
{
	json_t *sl, *tl, *e;
	size_t i;
	sl = json_object_get(tb->s->info, "constraints"), tl = json_object_get(tb->t->info, "constraints");
	json_array_foreach(sl, i, e) if (gone(e, tl))
	{
		json_t *k =
		    json_pack("{s:O,s:O}", "name", json_object_get(e, "name"), "definition", json_object_get(e, "def"));
		edit(tb, json_pack("{s:s,s:o}", "op", "add_constraint", "constraint", k), constraint_stmt(e));
	}
	sl = json_object_get(tb->s->info, "indexes"), tl = json_object_get(tb->t->info, "indexes");
	json_array_foreach(sl, i, e) if (gone(e, tl))
	{
		str sql = STR_INIT;
		str_appendf(&sql, "%s;", text(e, "def"));
		sd_add(tb->sc, str_take(&sql), STMT_CREATE_INDEX, tb->t);
	}
	sl = json_object_get(tb->s->info, "triggers"), tl = json_object_get(tb->t->info, "triggers");
	json_array_foreach(sl, i, e) if (gone(e, tl))
	{
		str sql = STR_INIT;
		str_appendf(&sql, "%s;", text(e, "def"));
		sd_add(tb->sc, str_take(&sql), STMT_CREATE_TRIGGER, tb->t);
	}
}

static void column_comments(struct tbl *tb)
{
	json_t *sl = json_object_get(tb->s->info, "columns"), *tl = json_object_get(tb->t->info, "columns"), *e;
	size_t i;
	json_array_foreach(sl, i, e)
	{
		json_t *tc = named(tl, json_object_get(e, "name"));
		if ((tc && same(e, tc, "comment")) || (!tc && !json_is_string(json_object_get(e, "comment"))))
			continue;
		str sql = STR_INIT;
		str_appendf(&sql, "COMMENT ON COLUMN %s.", str_cstr(&tb->ref));
		catalog_ident(tb->sc->c, &sql, text(e, "name"));
		str_append_cstr(&sql, " IS ");
		if (text(e, "comment"))
			catalog_literal(tb->sc->c, &sql, text(e, "comment"));
		else
			str_append_cstr(&sql, "NULL");
		str_append_char(&sql, ';');
		sd_add(tb->sc, str_take(&sql), STMT_COMMENT_TABLE, tb->t);
	}
}

bool sd_table(struct sd_script *sc, const struct sd_obj *s, const struct sd_obj *t)
{
	struct tbl tb = {sc, s, t, STR_INIT, STR_INIT};
	catalog_qualified(sc->c, &tb.ref, t->schema, t->name);
	catalog_ident(sc->c, &tb.schema, t->schema);
	size_t before = sc->n;
	drop_parts(&tb);
	columns(&tb);
	add_parts(&tb);
	column_comments(&tb);
	sd_meta(sc, s, t, str_cstr(&tb.ref));
	str_free(&tb.ref);
	str_free(&tb.schema);
	return sc->n > before;
}

bool sd_view(struct sd_script *sc, const struct sd_obj *s, const struct sd_obj *t)
{
	if (json_equal(json_object_get(s->info, "viewdef"), json_object_get(t->info, "viewdef")))
		return false;
	str sql = STR_INIT;
	str_append_cstr(&sql, "CREATE OR REPLACE VIEW ");
	catalog_qualified(sc->c, &sql, t->schema, t->name);
	str_appendf(&sql, " AS\n%s", text(s->info, "viewdef"));
	sd_add(sc, str_take(&sql), STMT_REPLACE_VIEW, t);
	return true;
}

bool sd_sequence(struct sd_script *sc, const struct sd_obj *s, const struct sd_obj *t, const char *ref)
{
	json_t *a = json_object_get(s->info, "sequence"), *b = json_object_get(t->info, "sequence");
	if (!json_is_object(a) || json_equal(a, b))
		return false;
	str sql = STR_INIT;
	/* numbers are PostgreSQL's own int8 text, the type format_type's */
	str_appendf(&sql,
		    "ALTER SEQUENCE %s AS %s INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s CACHE %s %sCYCLE;",
		    ref, text(a, "type"), text(a, "increment"), text(a, "min"), text(a, "max"), text(a, "start"),
		    text(a, "cache"), json_is_true(json_object_get(a, "cycle")) ? "" : "NO ");
	sd_add(sc, str_take(&sql), STMT_ALTER_SEQUENCE, NULL);
	return true;
}
