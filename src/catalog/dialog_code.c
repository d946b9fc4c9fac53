/* The object dialogs' statements for code and its guards: functions,
 * procedures and trigger functions, types (composite, enum, range),
 * domains, triggers and row-level security policies, and the parts of
 * Alter that only these kinds have. Names and literals are quoted by libpq;
 * types, defaults, expressions and bodies are the user's SQL. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "catalog/build.h"

static const char *const VOLATILITY[] = {"VOLATILE", "STABLE", "IMMUTABLE", NULL};
static const char *const PARALLEL[] = {"UNSAFE", "RESTRICTED", "SAFE", NULL};

static bool is_kind(const struct build *b, const char *k)
{
	return strcmp(b->kind, k) == 0;
}

/* A whole number member into out; false (and why) when present but not one. */
static bool whole(struct build *b, json_t *o, const char *key, long long *out, bool *present)
{
	json_t *v = json_object_get(o, key);
	*present = v && !json_is_null(v);
	if (!*present)
		return true;
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		catalog_why(b, "'%s' must be a whole number", key);
		return false;
	}
	*out = (long long)json_integer_value(v);
	return true;
}

/* The body between dollar quotes whose tag does not occur in it. */
static void dollar_quoted(str *out, const char *body)
{
	char tag[32] = "$function$";
	for (int n = 1; strstr(body, tag); n++)
		snprintf(tag, sizeof(tag), "$function%d$", n);
	str_appendf(out, "%s%s%s%s", tag, body[0] == '\n' ? "" : "\n", body, tag);
}

/* ---- functions, procedures, trigger functions ---- */

static const char *const ARG_MODES[] = {"IN", "OUT", "INOUT", "VARIADIC", NULL};

/* "(mode name type DEFAULT x, ...)" into b->sql and the input types into sig. */
static void arguments(struct build *b, PGconn *c, str *sig)
{
	json_t *args = json_object_get(b->spec, "arguments");
	if (args && !json_is_array(args) && !json_is_null(args)) {
		catalog_why(b, "'arguments' must be a list");
		return;
	}
	str_append_char(&b->sql, '(');
	str_append_char(sig, '(');
	size_t i;
	json_t *a;
	int inputs = 0;
	json_array_foreach(args, i, a)
	{
		if (!json_is_object(a)) {
			catalog_why(b, "each argument is an object with mode, name, type and default");
			return;
		}
		const char *mode = catalog_choice(b, a, "mode", ARG_MODES, "IN"), *name = catalog_text(a, "name");
		const char *type = catalog_need(b, a, "type"), *def = catalog_text(a, "default");
		if (!mode || !type)
			return;
		if (i)
			str_append_cstr(&b->sql, ", ");
		if (strcmp(mode, "IN"))
			str_appendf(&b->sql, "%s ", mode);
		if (name) {
			catalog_ident(c, &b->sql, name);
			str_append_char(&b->sql, ' ');
		}
		str_append_cstr(&b->sql, type);
		if (def)
			str_appendf(&b->sql, " DEFAULT %s", def);
		if (strcmp(mode, "OUT")) {
			str_appendf(sig, "%s%s", inputs++ ? ", " : "", type);
		}
	}
	str_append_char(&b->sql, ')');
	str_append_char(sig, ')');
}

/* SET name TO value[, ...] for each configuration parameter of the spec. */
static void settings(struct build *b, PGconn *c)
{
	json_t *set = json_object_get(b->spec, "set");
	if (!set || json_is_null(set))
		return;
	if (!json_is_object(set)) {
		catalog_why(b, "'set' maps parameter names to values");
		return;
	}
	const char *key;
	json_t *v;
	json_object_foreach(set, key, v)
	{
		bool named = *key != '\0';
		for (const char *p = key; *p; p++)
			named = named && (strchr("abcdefghijklmnopqrstuvwxyz_.0123456789", *p) != NULL);
		if (!named) {
			catalog_why(b, "'set' has a parameter name that is not one: %s", key);
			return;
		}
		str_appendf(&b->sql, "\n    SET %s TO ", key);
		if (json_is_string(v)) {
			catalog_literal(c, &b->sql, json_string_value(v));
			continue;
		}
		size_t i;
		json_t *e;
		if (!json_is_array(v) || json_array_size(v) == 0) {
			catalog_why(b, "'set.%s' is a value or a list of values", key);
			return;
		}
		json_array_foreach(v, i, e)
		{
			if (!json_is_string(e)) {
				catalog_why(b, "'set.%s' is a value or a list of values", key);
				return;
			}
			if (i)
				str_append_cstr(&b->sql, ", ");
			catalog_literal(c, &b->sql, json_string_value(e));
		}
	}
}

static void create_routine(struct build *b, PGconn *c)
{
	json_t *s = b->spec;
	bool procedure = is_kind(b, "procedure"), trigger = is_kind(b, "trigger_function");
	const char *schema = catalog_need(b, s, "schema"), *name = catalog_need(b, s, "name");
	const char *body = catalog_need(b, s, "definition");
	const char *language = catalog_text(s, "language") ? catalog_text(s, "language") : trigger ? "plpgsql" : "sql";
	const char *returns = catalog_text(s, "returns");
	if (trigger && returns && strcasecmp(returns, "trigger") && strcasecmp(returns, "event_trigger"))
		catalog_why(b, "a trigger function returns trigger or event_trigger");
	if (!procedure && !trigger && !returns)
		catalog_why(b, "'returns' is required");
	if (procedure && returns)
		catalog_why(b, "a procedure returns nothing: leave 'returns' out (use OUT or INOUT arguments)");
	const char *volatility = procedure ? NULL : catalog_choice(b, s, "volatility", VOLATILITY, NULL);
	const char *parallel = procedure ? NULL : catalog_choice(b, s, "parallel", PARALLEL, NULL);
	long long cost = 0, rows = 0;
	bool has_cost, has_rows;
	if (!whole(b, s, "cost", &cost, &has_cost) || !whole(b, s, "rows", &rows, &has_rows) || b->why[0])
		return;
	const char *what = procedure ? "PROCEDURE" : "FUNCTION";
	str target = STR_INIT, sig = STR_INIT;
	catalog_qualified(c, &target, schema, name);
	str_appendf(&b->sql, "CREATE %s%s %s", catalog_flag(s, "or_replace") ? "OR REPLACE " : "", what,
		    str_cstr(&target));
	arguments(b, c, &sig);
	str_append(&target, sig.buf, sig.len);
	str_free(&sig);
	if (!procedure)
		str_appendf(&b->sql, "\n    RETURNS %s", trigger ? (returns ? returns : "trigger") : returns);
	str_append_cstr(&b->sql, "\n    LANGUAGE ");
	catalog_ident(c, &b->sql, language);
	if (volatility && strcmp(volatility, "VOLATILE"))
		str_appendf(&b->sql, "\n    %s", volatility);
	if (!procedure && catalog_flag(s, "strict"))
		str_append_cstr(&b->sql, "\n    STRICT");
	if (catalog_flag(s, "security_definer"))
		str_append_cstr(&b->sql, "\n    SECURITY DEFINER");
	if (!procedure && catalog_flag(s, "leakproof"))
		str_append_cstr(&b->sql, "\n    LEAKPROOF");
	if (parallel && strcmp(parallel, "UNSAFE"))
		str_appendf(&b->sql, "\n    PARALLEL %s", parallel);
	if (has_cost && !procedure)
		str_appendf(&b->sql, "\n    COST %lld", cost);
	if (has_rows && !procedure)
		str_appendf(&b->sql, "\n    ROWS %lld", rows);
	settings(b, c);
	str_append_cstr(&b->sql, "\nAS ");
	dollar_quoted(&b->sql, body);
	str_append_char(&b->sql, ';');
	catalog_comment_owner(b, c, what, str_cstr(&target));
	str_free(&target);
}

/* ---- types ---- */

static const char *const TYPE_FORMS[] = {"composite", "enum", "range", NULL};

static void create_type(struct build *b, PGconn *c)
{
	json_t *s = b->spec;
	const char *schema = catalog_need(b, s, "schema"), *name = catalog_need(b, s, "name");
	const char *form = catalog_choice(b, s, "form", TYPE_FORMS, NULL);
	if (!form)
		catalog_why(b, "'form' is required: composite, enum or range");
	if (b->why[0])
		return;
	str target = STR_INIT;
	catalog_qualified(c, &target, schema, name);
	str_appendf(&b->sql, "CREATE TYPE %s AS ", str_cstr(&target));
	size_t i;
	json_t *e;
	if (strcmp(form, "composite") == 0) {
		json_t *attrs = json_object_get(s, "attributes");
		if (!json_is_array(attrs) || json_array_size(attrs) == 0) {
			catalog_why(b, "'attributes' must list at least one attribute");
			goto out;
		}
		str_append_char(&b->sql, '(');
		json_array_foreach(attrs, i, e)
		{
			const char *an = catalog_need(b, e, "name"), *at = catalog_need(b, e, "type");
			if (!an || !at)
				goto out;
			str_append_cstr(&b->sql, i ? ",\n    " : "\n    ");
			catalog_ident(c, &b->sql, an);
			str_appendf(&b->sql, " %s", at);
			catalog_opt_ident(b, c, e, "collation", " COLLATE ");
		}
		str_append_cstr(&b->sql, "\n)");
	} else if (strcmp(form, "enum") == 0) {
		json_t *labels = json_object_get(s, "labels");
		bool ok = json_is_array(labels);
		json_array_foreach(labels, i, e) ok = ok && json_is_string(e);
		if (!ok) {
			catalog_why(b, "'labels' must be a list of strings");
			goto out;
		}
		str_append_cstr(&b->sql, "ENUM (");
		json_array_foreach(labels, i, e)
		{
			str_append_cstr(&b->sql, i ? ", " : "");
			catalog_literal(c, &b->sql, json_string_value(e));
		}
		str_append_char(&b->sql, ')');
	} else {
		const char *subtype = catalog_need(b, s, "subtype");
		if (!subtype)
			goto out;
		str_appendf(&b->sql, "RANGE (\n    SUBTYPE = %s", subtype);
		catalog_opt_ident(b, c, s, "subtype_opclass", ",\n    SUBTYPE_OPCLASS = ");
		catalog_opt_ident(b, c, s, "collation", ",\n    COLLATION = ");
		/* function names as SQL: they may be schema-qualified */
		catalog_opt_sql(b, s, "canonical", ",\n    CANONICAL = %s");
		catalog_opt_sql(b, s, "subtype_diff", ",\n    SUBTYPE_DIFF = %s");
		if (catalog_text(s, "multirange_type_name")) {
			str_append_cstr(&b->sql, ",\n    MULTIRANGE_TYPE_NAME = ");
			catalog_qualified(c, &b->sql, schema, catalog_text(s, "multirange_type_name"));
		}
		str_append_cstr(&b->sql, "\n)");
	}
	str_append_char(&b->sql, ';');
	catalog_comment_owner(b, c, "TYPE", str_cstr(&target));
out:
	str_free(&target);
}

/* ---- domains ---- */

/* CONSTRAINT name CHECK (expr) for each of a spec's check constraints. */
static void checks(struct build *b, PGconn *c, json_t *list, const char *lead)
{
	if (!list || json_is_null(list))
		return;
	if (!json_is_array(list)) {
		catalog_why(b, "'constraints' must be a list of {name, check}");
		return;
	}
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
	{
		const char *check = catalog_need(b, e, "check");
		if (!check)
			return;
		str_append_cstr(&b->sql, lead);
		if (catalog_text(e, "name")) {
			str_append_cstr(&b->sql, "CONSTRAINT ");
			catalog_ident(c, &b->sql, catalog_text(e, "name"));
			str_append_char(&b->sql, ' ');
		}
		str_appendf(&b->sql, "CHECK (%s)", check);
		if (catalog_flag(e, "not_valid"))
			str_append_cstr(&b->sql, " NOT VALID");
	}
}

static void create_domain(struct build *b, PGconn *c)
{
	json_t *s = b->spec;
	const char *schema = catalog_need(b, s, "schema"), *name = catalog_need(b, s, "name"),
		   *type = catalog_need(b, s, "type");
	if (b->why[0])
		return;
	str target = STR_INIT;
	catalog_qualified(c, &target, schema, name);
	str_appendf(&b->sql, "CREATE DOMAIN %s AS %s", str_cstr(&target), type);
	catalog_opt_ident(b, c, s, "collation", "\n    COLLATE ");
	catalog_opt_sql(b, s, "default", "\n    DEFAULT %s");
	if (catalog_flag(s, "not_null"))
		str_append_cstr(&b->sql, "\n    NOT NULL");
	json_t *list = json_object_get(s, "constraints");
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) if (catalog_flag(e, "not_valid"))
	{
		catalog_why(b, "a new domain's constraints are always validated: 'not_valid' is for Alter");
		break;
	}
	checks(b, c, list, "\n    ");
	str_append_char(&b->sql, ';');
	catalog_comment_owner(b, c, "DOMAIN", str_cstr(&target));
	str_free(&target);
}

/* ---- triggers ---- */

static const char *const TIMINGS[] = {"BEFORE", "AFTER", "INSTEAD OF", NULL};
static const char *const EVENTS[] = {"INSERT", "UPDATE", "DELETE", "TRUNCATE", NULL};
static const char *const LEVELS[] = {"ROW", "STATEMENT", NULL};

static void create_trigger(struct build *b, PGconn *c)
{
	json_t *s = b->spec;
	const char *schema = catalog_need(b, s, "schema"), *table = catalog_need(b, s, "table"),
		   *name = catalog_need(b, s, "name");
	const char *timing = catalog_choice(b, s, "timing", TIMINGS, NULL),
		   *level = catalog_choice(b, s, "for_each", LEVELS, "STATEMENT");
	const char *function = catalog_need(b, s, "function");
	json_t *events = json_object_get(s, "events"), *columns = catalog_names(b, s, "update_columns");
	json_t *args = json_object_get(s, "arguments");
	bool constraint = catalog_flag(s, "constraint");
	if (!timing)
		catalog_why(b, "'timing' is required: BEFORE, AFTER or INSTEAD OF");
	if (!json_is_array(events) || json_array_size(events) == 0)
		catalog_why(b, "'events' must list at least one of INSERT, UPDATE, DELETE, TRUNCATE");
	if (args && !json_is_null(args) && !json_is_array(args))
		catalog_why(b, "'arguments' must be a list of strings");
	if (b->why[0])
		return;
	str table_sql = STR_INIT;
	catalog_qualified(c, &table_sql, schema, table);
	str_appendf(&b->sql, "CREATE %sTRIGGER ", constraint ? "CONSTRAINT " : "");
	catalog_ident(c, &b->sql, name);
	str_appendf(&b->sql, "\n    %s ", timing);
	size_t i;
	json_t *e;
	json_array_foreach(events, i, e)
	{
		json_t *holder = json_pack("{s:O}", "events", e);
		const char *ev = catalog_choice(b, holder, "events", EVENTS, NULL);
		json_decref(holder);
		if (!ev) {
			catalog_why(b, "'events' must be INSERT, UPDATE, DELETE or TRUNCATE");
			goto out;
		}
		str_appendf(&b->sql, "%s%s", i ? " OR " : "", ev);
		if (strcmp(ev, "UPDATE") == 0 && columns && json_array_size(columns)) {
			str_append_cstr(&b->sql, " OF ");
			catalog_ident_list(c, &b->sql, columns);
		}
	}
	str_appendf(&b->sql, "\n    ON %s", str_cstr(&table_sql));
	if (constraint) {
		if (catalog_flag(s, "deferrable"))
			str_appendf(&b->sql, "\n    DEFERRABLE INITIALLY %s",
				    catalog_flag(s, "initially_deferred") ? "DEFERRED" : "IMMEDIATE");
		else
			str_append_cstr(&b->sql, "\n    NOT DEFERRABLE");
	}
	const char *old_table = catalog_text(s, "old_table"), *new_table = catalog_text(s, "new_table");
	if (old_table || new_table) {
		str_append_cstr(&b->sql, "\n    REFERENCING");
		if (old_table) {
			str_append_cstr(&b->sql, " OLD TABLE AS ");
			catalog_ident(c, &b->sql, old_table);
		}
		if (new_table) {
			str_append_cstr(&b->sql, " NEW TABLE AS ");
			catalog_ident(c, &b->sql, new_table);
		}
	}
	str_appendf(&b->sql, "\n    FOR EACH %s", level);
	catalog_opt_sql(b, s, "when", "\n    WHEN (%s)");
	str_append_cstr(&b->sql, "\n    EXECUTE FUNCTION ");
	catalog_qualified(c, &b->sql, catalog_text(s, "function_schema"), function);
	str_append_char(&b->sql, '(');
	json_array_foreach(args, i, e)
	{
		if (!json_is_string(e)) {
			catalog_why(b, "'arguments' must be a list of strings");
			goto out;
		}
		str_append_cstr(&b->sql, i ? ", " : "");
		catalog_literal(c, &b->sql, json_string_value(e));
	}
	str_append_cstr(&b->sql, ");");
	catalog_mark(b, 0, STMT_CREATE_TRIGGER, str_cstr(&table_sql), NULL);
	catalog_comment_on_table(b, c, "TRIGGER", name, str_cstr(&table_sql));
out:
	str_free(&table_sql);
}

/* ---- policies ---- */

static const char *const COMMANDS[] = {"ALL", "SELECT", "INSERT", "UPDATE", "DELETE", NULL};
static const char *const POLICY_AS[] = {"PERMISSIVE", "RESTRICTIVE", NULL};

/* TO role, ... with PUBLIC and the CURRENT_/SESSION_ keywords as keywords. */
static void role_list(struct build *b, PGconn *c, json_t *roles)
{
	static const char *const keywords[] = {"PUBLIC", "CURRENT_USER", "SESSION_USER", "CURRENT_ROLE"};
	size_t i;
	json_t *e;
	str_append_cstr(&b->sql, " TO ");
	json_array_foreach(roles, i, e)
	{
		const char *role = json_string_value(e);
		str_append_cstr(&b->sql, i ? ", " : "");
		size_t k = 0;
		while (k < 4 && strcasecmp(role, keywords[k]) != 0)
			k++;
		if (k < 4)
			str_append_cstr(&b->sql, keywords[k]);
		else
			catalog_ident(c, &b->sql, role);
	}
}

static void create_policy(struct build *b, PGconn *c)
{
	json_t *s = b->spec;
	const char *schema = catalog_need(b, s, "schema"), *table = catalog_need(b, s, "table"),
		   *name = catalog_need(b, s, "name");
	const char *command = catalog_choice(b, s, "command", COMMANDS, "ALL");
	const char *as = catalog_choice(b, s, "as", POLICY_AS, "PERMISSIVE");
	json_t *roles = catalog_names(b, s, "roles");
	const char *using = catalog_text(s, "using"), *check = catalog_text(s, "check");
	if (b->why[0])
		return;
	if (check && (strcmp(command, "SELECT") == 0 || strcmp(command, "DELETE") == 0)) {
		catalog_why(b, "a %s policy has no WITH CHECK expression", command);
		return;
	}
	if (using && strcmp(command, "INSERT") == 0) {
		catalog_why(b, "an INSERT policy has no USING expression");
		return;
	}
	str table_sql = STR_INIT;
	catalog_qualified(c, &table_sql, schema, table);
	if (catalog_flag(s, "enable_rls")) {
		str_appendf(&b->sql, "ALTER TABLE %s ENABLE ROW LEVEL SECURITY;\n", str_cstr(&table_sql));
		catalog_mark(b, 0, STMT_ROW_SECURITY, str_cstr(&table_sql), NULL);
	}
	size_t at = b->sql.len;
	str_append_cstr(&b->sql, "CREATE POLICY ");
	catalog_ident(c, &b->sql, name);
	str_appendf(&b->sql, " ON %s", str_cstr(&table_sql));
	if (strcmp(as, "PERMISSIVE"))
		str_appendf(&b->sql, "\n    AS %s", as);
	if (strcmp(command, "ALL"))
		str_appendf(&b->sql, "\n    FOR %s", command);
	if (roles && json_array_size(roles)) {
		str_append_cstr(&b->sql, "\n   ");
		role_list(b, c, roles);
	}
	if (using)
		str_appendf(&b->sql, "\n    USING (%s)", using);
	if (check)
		str_appendf(&b->sql, "\n    WITH CHECK (%s)", check);
	str_append_char(&b->sql, ';');
	catalog_mark(b, at, STMT_POLICY, str_cstr(&table_sql), NULL);
	catalog_comment_on_table(b, c, "POLICY", name, str_cstr(&table_sql));
	str_free(&table_sql);
}

/* ---- publications ---- */

static const char *const PUBLISH[] = {"insert", "update", "delete", "truncate", NULL};

/* Over 80 lines: the publication's grammar (FOR ALL TABLES, TABLES IN SCHEMA, tables with
 * column lists and row filters, WITH options) in the order it is written. */
static void create_publication(struct build *b, PGconn *c)
{
	json_t *s = b->spec;
	const char *name = catalog_need(b, s, "name");
	json_t *tables = json_object_get(s, "tables"), *schemas = catalog_names(b, s, "schemas");
	bool all = catalog_flag(s, "all_tables");
	if (!name || b->why[0])
		return;
	if (b->version && b->version < 150000) {
		size_t k;
		json_t *t;
		bool newer = schemas && json_array_size(schemas);
		json_array_foreach(tables, k, t) newer =
		    newer || json_object_get(t, "columns") || json_object_get(t, "where");
		if (newer) {
			catalog_why(
			    b, "column lists, row filters and schemas in a publication need PostgreSQL 15 or newer");
			return;
		}
	}
	if (all && ((json_is_array(tables) && json_array_size(tables)) || (schemas && json_array_size(schemas)))) {
		catalog_why(b, "a publication of all tables lists no tables or schemas");
		return;
	}
	str_append_cstr(&b->sql, "CREATE PUBLICATION ");
	catalog_ident(c, &b->sql, name);
	if (all)
		str_append_cstr(&b->sql, " FOR ALL TABLES");
	size_t i;
	json_t *e;
	int items = 0;
	json_array_foreach(tables, i, e)
	{
		const char *schema = catalog_need(b, e, "schema"), *table = catalog_need(b, e, "name");
		if (!schema || !table)
			return;
		str_append_cstr(&b->sql, items++ ? ", " : " FOR TABLE ");
		catalog_qualified(c, &b->sql, schema, table);
		json_t *columns = catalog_names(b, e, "columns");
		if (columns && json_array_size(columns)) {
			str_append_cstr(&b->sql, " (");
			catalog_ident_list(c, &b->sql, columns);
			str_append_char(&b->sql, ')');
		}
		catalog_opt_sql(b, e, "where", " WHERE (%s)");
	}
	json_array_foreach(schemas, i, e)
	{
		str_append_cstr(&b->sql, items++ ? ", " : " FOR ");
		str_append_cstr(&b->sql, "TABLES IN SCHEMA ");
		catalog_ident(c, &b->sql, json_string_value(e));
	}
	json_t *publish = json_object_get(s, "publish");
	str opts = STR_INIT;
	if (publish && !json_is_null(publish)) {
		str list = STR_INIT;
		json_array_foreach(publish, i, e)
		{
			json_t *one = json_pack("{s:O}", "publish", e);
			const char *op = catalog_choice(b, one, "publish", PUBLISH, NULL);
			json_decref(one);
			if (!op)
				break;
			str_appendf(&list, "%s%s", list.len ? ", " : "", op);
		}
		if (!json_is_array(publish))
			catalog_why(b, "'publish' lists insert, update, delete and truncate");
		str_append_cstr(&opts, "publish = ");
		catalog_literal(c, &opts, str_cstr(&list));
		str_free(&list);
	}
	if (catalog_flag(s, "via_root"))
		str_appendf(&opts, "%spublish_via_partition_root = true", opts.len ? ", " : "");
	if (opts.len)
		str_appendf(&b->sql, " WITH (%s)", str_cstr(&opts));
	str_free(&opts);
	str_append_char(&b->sql, ';');
	if (catalog_text(s, "comment")) {
		str_append_cstr(&b->sql, "\nCOMMENT ON PUBLICATION ");
		catalog_ident(c, &b->sql, name);
		str_append_cstr(&b->sql, " IS ");
		catalog_literal(c, &b->sql, catalog_text(s, "comment"));
		str_append_char(&b->sql, ';');
	}
}

bool catalog_create_code(struct build *b, PGconn *c)
{
	if (is_kind(b, "function") || is_kind(b, "procedure") || is_kind(b, "trigger_function"))
		create_routine(b, c);
	else if (is_kind(b, "type"))
		create_type(b, c);
	else if (is_kind(b, "domain"))
		create_domain(b, c);
	else if (is_kind(b, "trigger"))
		create_trigger(b, c);
	else if (is_kind(b, "policy"))
		create_policy(b, c);
	else if (is_kind(b, "publication"))
		create_publication(b, c);
	else
		return false;
	return true;
}

/* ---- alter ---- */

/* Over 80 lines: each kind's own ALTER changes (policy, domain, enum, trigger, routine), one
 * branch per kind, so a kind's whole alter reads in one place. */
void catalog_alter_code(struct build *b, PGconn *c, const char *type, const char *ref, const char *on)
{
	json_t *s = b->spec;
	if (strcmp(type, "policy") == 0) {
		json_t *roles = catalog_names(b, s, "roles");
		const char *using = catalog_text(s, "using"), *check = catalog_text(s, "check");
		if (!roles && !using && !check)
			return;
		size_t at = b->sql.len;
		str_appendf(&b->sql, "ALTER POLICY %s ON %s", ref, on);
		if (roles && json_array_size(roles))
			role_list(b, c, roles);
		else if (roles)
			str_append_cstr(&b->sql, " TO PUBLIC");
		if (using)
			str_appendf(&b->sql, " USING (%s)", using);
		if (check)
			str_appendf(&b->sql, " WITH CHECK (%s)", check);
		str_append_cstr(&b->sql, ";\n");
		catalog_mark(b, at, STMT_POLICY, on, NULL);
	} else if (strcmp(type, "domain") == 0) {
		json_t *def = json_object_get(s, "default"), *not_null = json_object_get(s, "not_null");
		if (def && json_is_string(def) && *json_string_value(def))
			str_appendf(&b->sql, "ALTER DOMAIN %s SET DEFAULT %s;\n", ref, json_string_value(def));
		else if (def && (json_is_null(def) || json_is_string(def)))
			str_appendf(&b->sql, "ALTER DOMAIN %s DROP DEFAULT;\n", ref);
		else if (def)
			catalog_why(b, "'default' is an SQL expression, or null to drop it");
		if (not_null && !json_is_boolean(not_null))
			catalog_why(b, "'not_null' is true or false");
		else if (not_null)
			str_appendf(&b->sql, "ALTER DOMAIN %s %s NOT NULL;\n", ref,
				    json_is_true(not_null) ? "SET" : "DROP");
		json_t *add = json_object_get(s, "add_constraints");
		size_t i;
		json_t *e;
		json_array_foreach(add, i, e)
		{
			str_appendf(&b->sql, "ALTER DOMAIN %s ADD ", ref);
			json_t *one = json_pack("[O]", e);
			checks(b, c, one, "");
			json_decref(one);
			str_append_cstr(&b->sql, ";\n");
		}
	} else if (strcmp(type, "type") == 0) {
		json_t *values = catalog_names(b, s, "add_values");
		size_t i;
		json_t *e;
		json_array_foreach(values, i, e)
		{
			size_t at = b->sql.len;
			str_appendf(&b->sql, "ALTER TYPE %s ADD VALUE IF NOT EXISTS ", ref);
			catalog_literal(c, &b->sql, json_string_value(e));
			str_append_cstr(&b->sql, ";\n");
			catalog_mark(b, at, STMT_ENUM_ADD_VALUE, NULL, NULL);
		}
	} else if (strcmp(type, "table") == 0) {
		json_t *rls = json_object_get(s, "rls"), *force = json_object_get(s, "force_rls");
		if ((rls && !json_is_boolean(rls)) || (force && !json_is_boolean(force))) {
			catalog_why(b, "'rls' and 'force_rls' are true or false");
			return;
		}
		size_t at = b->sql.len;
		if (rls)
			str_appendf(&b->sql, "ALTER TABLE %s %s ROW LEVEL SECURITY;\n", ref,
				    json_is_true(rls) ? "ENABLE" : "DISABLE");
		catalog_mark(b, at, STMT_ROW_SECURITY, ref, NULL);
		at = b->sql.len;
		if (force)
			str_appendf(&b->sql, "ALTER TABLE %s %sFORCE ROW LEVEL SECURITY;\n", ref,
				    json_is_true(force) ? "" : "NO ");
		catalog_mark(b, at, STMT_ROW_SECURITY, ref, NULL);
	} else if (strcmp(type, "trigger") == 0) {
		json_t *enabled = json_object_get(s, "enabled");
		if (enabled && !json_is_boolean(enabled))
			catalog_why(b, "'enabled' is true or false");
		else if (enabled) {
			size_t at = b->sql.len;
			str_appendf(&b->sql, "ALTER TABLE %s %s TRIGGER %s;\n", on,
				    json_is_true(enabled) ? "ENABLE" : "DISABLE", ref);
			catalog_mark(b, at, STMT_TRIGGER_ENABLE, on, NULL);
		}
	} else if (strcmp(type, "function") == 0 || strcmp(type, "procedure") == 0) {
		bool procedure = strcmp(type, "procedure") == 0;
		const char *volatility = procedure ? NULL : catalog_choice(b, s, "volatility", VOLATILITY, NULL);
		json_t *strict = json_object_get(s, "strict"), *definer = json_object_get(s, "security_definer");
		long long cost = 0;
		bool has_cost;
		if (!whole(b, s, "cost", &cost, &has_cost))
			return;
		if ((strict && !json_is_boolean(strict)) || (definer && !json_is_boolean(definer))) {
			catalog_why(b, "'strict' and 'security_definer' are true or false");
			return;
		}
		if (!volatility && !strict && !definer && !has_cost)
			return;
		str_appendf(&b->sql, "ALTER %s %s", procedure ? "PROCEDURE" : "FUNCTION", ref);
		if (volatility)
			str_appendf(&b->sql, " %s", volatility);
		if (strict && !procedure)
			str_append_cstr(&b->sql, json_is_true(strict) ? " STRICT" : " CALLED ON NULL INPUT");
		if (definer)
			str_append_cstr(&b->sql, json_is_true(definer) ? " SECURITY DEFINER" : " SECURITY INVOKER");
		if (has_cost && !procedure)
			str_appendf(&b->sql, " COST %lld", cost);
		str_append_cstr(&b->sql, ";\n");
	}
}
