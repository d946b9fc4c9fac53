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

/* The name of the first column after sl[i] (new in the source) that the target has, or NULL: the new
 * column is then the last one anyway. */
static json_t *kept_after(json_t *sl, json_t *tl, size_t i)
{
	for (size_t j = i + 1; j < json_array_size(sl); j++) {
		json_t *n = json_object_get(json_array_get(sl, j), "name");
		if (named(tl, n))
			return n;
	}
	return NULL;
}

/* Why sl[i], new, does not land where the source has it; NULL when it does. */
static char *appended(json_t *sl, json_t *tl, size_t i)
{
	json_t *next = kept_after(sl, tl, i);
	if (!next)
		return NULL;
	str why = STR_INIT;
	str_appendf(&why,
		    "column %s goes at the end: PostgreSQL appends new columns (in the source it is column %zu of %zu, "
		    "before %s), so the column order will differ from the source's",
		    text(json_array_get(sl, i), "name"), i + 1, json_array_size(sl), json_string_value(next));
	return str_take(&why);
}

void sd_column_order(const struct sd_obj *s, const struct sd_obj *t, json_t *notes)
{
	json_t *sl = json_object_get(s->info, "columns"), *tl = json_object_get(t->info, "columns"), *e;
	size_t i;
	json_array_foreach(sl, i, e) if (!named(tl, json_object_get(e, "name")))
	{
		char *why = appended(sl, tl, i);
		if (why)
			json_array_append_new(notes, json_string(why));
		free(why);
	}
	/* the columns both have, in each side's order */
	str a = STR_INIT, b = STR_INIT;
	json_array_foreach(sl, i, e) if (named(tl, json_object_get(e, "name")))
	    str_appendf(&a, "%s%s", a.len ? ", " : "", text(e, "name"));
	json_array_foreach(tl, i, e) if (named(sl, json_object_get(e, "name")))
	    str_appendf(&b, "%s%s", b.len ? ", " : "", text(e, "name"));
	if (strcmp(str_cstr(&a), str_cstr(&b)))
		json_array_append_new(notes,
				      json_sprintf("the columns are in another order: %s in the source, %s in the "
						   "target; the script does not reorder them (that means "
						   "rebuilding the table)",
						   str_cstr(&a), str_cstr(&b)));
	str_free(&a);
	str_free(&b);
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
		size_t before = tb->sc->n;
		edit(tb, json_pack("{s:s,s:o}", "op", "add_column", "column", col), STMT_ADD_COLUMN);
		char *where = appended(sl, tl, i);
		if (where && tb->sc->n > before)
			sd_comment(tb->sc, where);
		else
			free(where);
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

/* ---- row security, policies, rules ---- */

static void table_sql(struct tbl *tb, const char *what, enum catalog_stmt stmt)
{
	str sql = STR_INIT;
	str_appendf(&sql, "ALTER TABLE %s %s;", str_cstr(&tb->ref), what);
	sd_add(tb->sc, str_take(&sql), stmt, tb->t);
}

static void row_security(struct tbl *tb)
{
	json_t *s = tb->s->info, *t = tb->t->info;
	if (!same(s, t, "rls"))
		table_sql(tb,
			  json_is_true(json_object_get(s, "rls")) ? "ENABLE ROW LEVEL SECURITY"
								  : "DISABLE ROW LEVEL SECURITY",
			  STMT_ROW_SECURITY);
	if (!same(s, t, "force_rls"))
		table_sql(tb,
			  json_is_true(json_object_get(s, "force_rls")) ? "FORCE ROW LEVEL SECURITY"
									: "NO FORCE ROW LEVEL SECURITY",
			  STMT_ROW_SECURITY);
}

/* The member of a list of [name, ...] arrays named name, or NULL. */
static json_t *first_named(json_t *list, json_t *name)
{
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) if (json_equal(json_array_get(e, 0), name)) return e;
	return NULL;
}

/* A policy is [name, cmd, permissive, [roles, quoted], using, with check]. ALTER POLICY changes its roles and
 * expressions but neither its command nor its kind, and cannot take an expression away. */
static bool policy_alterable(json_t *s, json_t *t)
{
	for (size_t k = 4; k <= 5; k++)
		if (!json_is_null(json_array_get(t, k)) && json_is_null(json_array_get(s, k)))
			return false;
	return json_equal(json_array_get(s, 1), json_array_get(t, 1)) &&
	       json_equal(json_array_get(s, 2), json_array_get(t, 2));
}

static void policy_sql(struct tbl *tb, json_t *p, bool alter)
{
	static const char *const cmds[][2] = {
	    {"*", "ALL"}, {"r", "SELECT"}, {"a", "INSERT"}, {"w", "UPDATE"}, {"d", "DELETE"}};
	const char *cmd = json_string_value(json_array_get(p, 1)), *word = "ALL";
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (cmd && strcmp(cmds[i][0], cmd) == 0)
			word = cmds[i][1];
	str sql = STR_INIT;
	str_append_cstr(&sql, alter ? "ALTER POLICY " : "CREATE POLICY ");
	catalog_ident(tb->sc->c, &sql, json_string_value(json_array_get(p, 0)));
	str_appendf(&sql, " ON %s", str_cstr(&tb->ref));
	if (!alter)
		str_appendf(&sql, " AS %s FOR %s", json_is_true(json_array_get(p, 2)) ? "PERMISSIVE" : "RESTRICTIVE",
			    word);
	str_append_cstr(&sql, " TO ");
	size_t i;
	json_t *r;
	/* role names as quote_ident wrote them, PUBLIC for everyone */
	json_array_foreach(json_array_get(p, 3), i, r) str_appendf(&sql, "%s%s", i ? ", " : "", json_string_value(r));
	if (json_is_string(json_array_get(p, 4)))
		str_appendf(&sql, " USING (%s)", json_string_value(json_array_get(p, 4)));
	if (json_is_string(json_array_get(p, 5)))
		str_appendf(&sql, " WITH CHECK (%s)", json_string_value(json_array_get(p, 5)));
	str_append_char(&sql, ';');
	sd_add(tb->sc, str_take(&sql), STMT_POLICY, tb->t);
}

/* ---- partitions ---- */

/* A partitioned table's partitions are its whole tree, parents first: [name, bound, partition key when
 * partitioned again, parent's name (NULL: the table itself), schema (NULL: the table's)]. */

/* Whether partition p of list stands in other as it is, and its parents with it. */
static bool partition_kept(json_t *list, json_t *p, json_t *other)
{
	for (size_t depth = 0; p && depth <= json_array_size(list); depth++) {
		if (!json_equal(first_named(other, json_array_get(p, 0)), p))
			return false;
		if (json_is_null(json_array_get(p, 3)))
			return true;
		p = first_named(list, json_array_get(p, 3));
	}
	return false;
}

/* partition p of list (NULL: table itself), schema-qualified */
static void partition_ref(struct sd_script *sc, str *sql, const struct sd_obj *table, json_t *p)
{
	if (!p) {
		catalog_qualified(sc->c, sql, table->schema, table->name);
		return;
	}
	json_t *schema = json_array_get(p, 4);
	catalog_qualified(sc->c, sql, json_is_string(schema) ? json_string_value(schema) : table->schema,
			  json_string_value(json_array_get(p, 0)));
}

/* The source's partitions the target lacks (t NULL: all of them, for a new table), made as the source
 * has them: CREATE TABLE ... PARTITION OF with its bound (and its own partition key). Their columns,
 * constraints and indexes are the partitioned table's. */
static void add_partitions(struct sd_script *sc, const struct sd_obj *s, const struct sd_obj *t)
{
	json_t *sl = json_object_get(s->info, "partitions"), *tl = t ? json_object_get(t->info, "partitions") : NULL,
	       *e;
	size_t i;
	json_array_foreach(sl, i, e)
	{
		if (t && partition_kept(sl, e, tl))
			continue;
		json_t *parent = json_array_get(e, 3);
		str sql = STR_INIT;
		str_append_cstr(&sql, "CREATE TABLE ");
		partition_ref(sc, &sql, t ? t : s, e);
		str_append_cstr(&sql, " PARTITION OF ");
		partition_ref(sc, &sql, t ? t : s, json_is_null(parent) ? NULL : first_named(sl, parent));
		str_appendf(&sql, " %s", json_string_value(json_array_get(e, 1)));
		if (json_is_string(json_array_get(e, 2)))
			str_appendf(&sql, " PARTITION BY %s", json_string_value(json_array_get(e, 2)));
		str_append_char(&sql, ';');
		sd_add(sc, str_take(&sql), t ? STMT_PARTITION : STMT_CREATE, t);
	}
}

void sd_partitions(struct sd_script *sc, const struct sd_obj *s)
{
	add_partitions(sc, s, NULL);
}

/* The target's partitions the source has not, or bounds otherwise (each goes with its rows; one whose
 * parent goes goes with it). */
static void drop_partitions(struct tbl *tb)
{
	json_t *sl = json_object_get(tb->s->info, "partitions"), *tl = json_object_get(tb->t->info, "partitions"), *e;
	size_t i;
	json_array_foreach(tl, i, e)
	{
		json_t *parent = json_array_get(e, 3);
		if (partition_kept(tl, e, sl) ||
		    (!json_is_null(parent) && !partition_kept(tl, first_named(tl, parent), sl)))
			continue;
		str sql = STR_INIT;
		str_append_cstr(&sql, "DROP TABLE ");
		partition_ref(tb->sc, &sql, tb->t, e);
		str_append_char(&sql, ';');
		sd_add(tb->sc, str_take(&sql), STMT_DROP_TABLE, tb->t);
	}
}

/* Policies and rules the target has and the source has not, or has otherwise (and cannot alter to). */
static void drop_policies_rules(struct tbl *tb)
{
	json_t *sl = json_object_get(tb->s->info, "policies"), *tl = json_object_get(tb->t->info, "policies"), *e;
	size_t i;
	json_array_foreach(tl, i, e)
	{
		json_t *s = first_named(sl, json_array_get(e, 0));
		if (s && (json_equal(s, e) || policy_alterable(s, e)))
			continue;
		str sql = STR_INIT;
		str_append_cstr(&sql, "DROP POLICY ");
		catalog_ident(tb->sc->c, &sql, json_string_value(json_array_get(e, 0)));
		str_appendf(&sql, " ON %s;", str_cstr(&tb->ref));
		sd_add(tb->sc, str_take(&sql), STMT_POLICY, tb->t);
	}
	sl = json_object_get(tb->s->info, "rules"), tl = json_object_get(tb->t->info, "rules");
	json_array_foreach(tl, i, e)
	{
		json_t *s = first_named(sl, json_array_get(e, 0));
		if (s && json_equal(s, e))
			continue;
		str sql = STR_INIT;
		str_append_cstr(&sql, "DROP RULE ");
		catalog_ident(tb->sc->c, &sql, json_string_value(json_array_get(e, 0)));
		str_appendf(&sql, " ON %s;", str_cstr(&tb->ref));
		sd_add(tb->sc, str_take(&sql), STMT_RULE, tb->t);
	}
}

static void add_policies_rules(struct tbl *tb)
{
	json_t *sl = json_object_get(tb->s->info, "policies"), *tl = json_object_get(tb->t->info, "policies"), *e;
	size_t i;
	json_array_foreach(sl, i, e)
	{
		json_t *t = first_named(tl, json_array_get(e, 0));
		if (!t || !json_equal(t, e))
			policy_sql(tb, e, t && policy_alterable(e, t));
	}
	sl = json_object_get(tb->s->info, "rules"), tl = json_object_get(tb->t->info, "rules");
	json_array_foreach(sl, i, e)
	{
		json_t *t = first_named(tl, json_array_get(e, 0));
		if (!t || !json_equal(t, e)) /* pg_get_ruledef's CREATE RULE, ';' and all */
			sd_add(tb->sc, xstrdup(json_string_value(json_array_get(e, 1))), STMT_RULE, tb->t);
	}
}

/* ---- a column's storage, compression, statistics, options and privileges ---- */

/* An attribute is [name, storage, options, statistics target, privileges, compression, the type's storage]. */
static void column_sql(struct tbl *tb, const char *col, const char *what, enum catalog_stmt stmt)
{
	str sql = STR_INIT;
	str_appendf(&sql, "ALTER TABLE %s ALTER COLUMN ", str_cstr(&tb->ref));
	catalog_ident(tb->sc->c, &sql, col);
	str_appendf(&sql, " %s;", what);
	sd_add(tb->sc, str_take(&sql), stmt, tb->t);
}

static const char *storage_word(const char *c)
{
	return !c	   ? NULL
	       : *c == 'p' ? "PLAIN"
	       : *c == 'e' ? "EXTERNAL"
	       : *c == 'm' ? "MAIN"
	       : *c == 'x' ? "EXTENDED"
			   : NULL;
}

/* -1 (or null, PostgreSQL 17's) is the default target */
static json_int_t stat_target(json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 0 ? json_integer_value(v) : -1;
}

/* "name=value" options: true when o (an option of the other side) has its name in list, with the same value
 * when exact. */
static bool has_option(json_t *list, const char *o, bool exact)
{
	size_t i, n = strcspn(o, "=");
	json_t *e;
	json_array_foreach(list, i, e)
	{
		const char *x = json_string_value(e);
		if (x && (exact ? strcmp(x, o) == 0 : strncmp(x, o, n) == 0 && x[n] == '='))
			return true;
	}
	return false;
}

static bool option_name_ok(const char *o, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((o[i] >= 'a' && o[i] <= 'z') || o[i] == '_' || (o[i] >= '0' && o[i] <= '9')))
			return false;
	return n > 0;
}

static void column_options(struct tbl *tb, const char *col, json_t *so, json_t *to)
{
	str reset = STR_INIT, set = STR_INIT;
	size_t i;
	json_t *e;
	json_array_foreach(to, i, e) if (json_is_string(e) && !has_option(so, json_string_value(e), false))
	{
		const char *o = json_string_value(e);
		size_t n = strcspn(o, "=");
		if (option_name_ok(o, n))
			str_appendf(&reset, "%s%.*s", reset.len ? ", " : "RESET (", (int)n, o);
	}
	json_array_foreach(so, i, e) if (json_is_string(e) && !has_option(to, json_string_value(e), true))
	{
		const char *o = json_string_value(e);
		size_t n = strcspn(o, "=");
		if (!option_name_ok(o, n) || !o[n])
			continue;
		str_appendf(&set, "%s%.*s = ", set.len ? ", " : "SET (", (int)n, o);
		catalog_literal(tb->sc->c, &set, o + n + 1);
	}
	if (reset.len) {
		str_append_char(&reset, ')');
		column_sql(tb, col, str_cstr(&reset), STMT_SET_COLUMN_OPTIONS);
	}
	if (set.len) {
		str_append_char(&set, ')');
		column_sql(tb, col, str_cstr(&set), STMT_SET_COLUMN_OPTIONS);
	}
	str_free(&reset);
	str_free(&set);
}

/* A column's grants made the source's: REVOKE from each grantee the target has, then GRANT the source's. */
static void column_privileges(struct tbl *tb, const char *col, json_t *sp, json_t *tp)
{
	json_t *seen = json_object(), *e;
	size_t i;
	str name = STR_INIT;
	catalog_ident(tb->sc->c, &name, col);
	json_array_foreach(tp, i, e)
	{
		const char *who = json_string_value(json_array_get(e, 0));
		if (!who || json_object_get(seen, who))
			continue;
		json_object_set_new(seen, who, json_true());
		str sql = STR_INIT;
		str_appendf(&sql, "REVOKE ALL (%s) ON TABLE %s FROM %s;", str_cstr(&name), str_cstr(&tb->ref), who);
		sd_add(tb->sc, str_take(&sql), STMT_GRANT, tb->t);
	}
	json_array_foreach(sp, i, e)
	{
		str sql = STR_INIT;
		str_appendf(&sql, "GRANT %s (%s) ON TABLE %s TO %s%s;", json_string_value(json_array_get(e, 1)),
			    str_cstr(&name), str_cstr(&tb->ref), json_string_value(json_array_get(e, 0)),
			    json_is_true(json_array_get(e, 2)) ? " WITH GRANT OPTION" : "");
		sd_add(tb->sc, str_take(&sql), STMT_GRANT, tb->t);
	}
	json_decref(seen);
	str_free(&name);
}

/* After the columns were added and the table's privileges set (a table REVOKE takes its column grants too). */
static void column_settings(struct tbl *tb, bool table_privileges)
{
	json_t *sl = json_object_get(tb->s->info, "attributes"), *tl = json_object_get(tb->t->info, "attributes"), *sa;
	size_t i;
	json_array_foreach(sl, i, sa)
	{
		json_t *ta = first_named(tl, json_array_get(sa, 0));
		const char *col = json_string_value(json_array_get(sa, 0));
		/* a new column has its type's storage, no compression, options, target or grants */
		const char *ss = json_string_value(json_array_get(sa, 1)),
			   *ts = json_string_value(json_array_get(ta ? ta : sa, ta ? 1 : 6));
		if (ss && ts && strcmp(ss, ts) && storage_word(ss)) {
			char what[32];
			snprintf(what, sizeof(what), "SET STORAGE %s", storage_word(ss));
			column_sql(tb, col, what, STMT_SET_STORAGE);
		}
		const char *sz = json_string_value(json_array_get(sa, 5)),
			   *tz = ta ? json_string_value(json_array_get(ta, 5)) : "";
		if (sz && tz && strcmp(sz, tz)) {
			const char *how = *sz == 'p' ? "pglz" : *sz == 'l' ? "lz4" : "DEFAULT";
			char what[40];
			snprintf(what, sizeof(what), "SET COMPRESSION %s", how);
			column_sql(tb, col, what, STMT_SET_COMPRESSION);
		}
		json_int_t st = stat_target(json_array_get(sa, 3)), tt = ta ? stat_target(json_array_get(ta, 3)) : -1;
		if (st != tt) {
			char what[40];
			snprintf(what, sizeof(what), "SET STATISTICS %lld", (long long)st);
			column_sql(tb, col, what, STMT_SET_STATISTICS);
		}
		if (!json_equal(json_array_get(sa, 2), ta ? json_array_get(ta, 2) : json_null()))
			column_options(tb, col, json_array_get(sa, 2), ta ? json_array_get(ta, 2) : NULL);
		json_t *sp = json_array_get(sa, 4), *tp = ta ? json_array_get(ta, 4) : NULL;
		if (!tb->sc->opt->ignore_privileges && (table_privileges ? json_array_size(sp) || json_array_size(tp)
									 : !json_equal(sp, tp ? tp : json_null())))
			column_privileges(tb, col, sp, tp);
	}
}

bool sd_table(struct sd_script *sc, const struct sd_obj *s, const struct sd_obj *t)
{
	struct tbl tb = {sc, s, t, STR_INIT, STR_INIT};
	catalog_qualified(sc->c, &tb.ref, t->schema, t->name);
	catalog_ident(sc->c, &tb.schema, t->schema);
	size_t before = sc->n;
	drop_policies_rules(&tb);
	drop_parts(&tb);
	drop_partitions(&tb);
	columns(&tb);
	add_parts(&tb);
	add_partitions(sc, s, t);
	column_comments(&tb);
	row_security(&tb);
	add_policies_rules(&tb);
	size_t meta = sc->n;
	sd_meta(sc, s, t, str_cstr(&tb.ref));
	bool table_privileges = false;
	for (size_t i = meta; i < sc->n; i++)
		table_privileges |= sc->s[i].stmt == STMT_GRANT;
	column_settings(&tb, table_privileges);
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
