/* The object tree without a server (catalog/tree.c, catalog/kinds*.c):
 * paths taken apart into a database, the ancestors' names and the kind at
 * the end, percent-escaped names kept whole; a collection's grid SQL with
 * its parameters numbered after the listing's; View Data's SELECT; and the
 * kind rows themselves, each found again by its name, its collection and
 * its PostgreSQL type, each child collection one that exists. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/kinds.h"
#include "catalog/walk.h"

static catalog_walk walked(const char *path)
{
	catalog_walk w;
	tusk_err err = {0};
	cr_assert(catalog_walk_path(path, &w, &err), "%s: %s", path, err.msg);
	return w;
}

static void refused(const char *path)
{
	catalog_walk w;
	tusk_err err = {0};
	cr_assert_not(catalog_walk_path(path, &w, &err), "%s names something", path);
	cr_assert_eq(err.code, ERR_NOT_FOUND, "%s", path);
}

Test(catalog_path, server_collections_and_members)
{
	catalog_walk w = walked("/databases");
	cr_assert_str_eq(w.kind->kind, "database");
	cr_assert_not(w.at_member);
	cr_assert_null(w.db);
	catalog_walk_free(&w);

	w = walked("/roles/alice");
	cr_assert_str_eq(w.kind->kind, "role");
	cr_assert(w.at_member);
	cr_assert_eq(w.nnames, 1);
	cr_assert_str_eq(w.names[0], "alice");
	catalog_walk_free(&w);
}

Test(catalog_path, a_database_and_what_is_under_it)
{
	catalog_walk w = walked("/databases/app/schemas/public/tables/orders/columns/id");
	cr_assert_str_eq(w.db, "app");
	cr_assert_str_eq(w.kind->kind, "column");
	cr_assert(w.at_member);
	cr_assert_eq(w.nnames, 3);
	cr_assert_str_eq(w.names[0], "public");
	cr_assert_str_eq(w.names[1], "orders");
	cr_assert_str_eq(w.names[2], "id");
	catalog_walk_free(&w);

	w = walked("/databases/app/schemas/public/tables");
	cr_assert_str_eq(w.kind->kind, "table");
	cr_assert_not(w.at_member);
	cr_assert_str_eq(w.list->collection, "tables");
	catalog_walk_free(&w);
}

/* a view's rules and triggers, a materialized view's indexes: the relation is the second ancestor */
Test(catalog_path, views_have_rules_and_triggers_materialized_views_indexes)
{
	catalog_walk w = walked("/databases/app/schemas/s/views/v/rules/r");
	cr_assert_str_eq(w.kind->kind, "rule");
	cr_assert_eq(w.nparams, 2);
	cr_assert_str_eq(w.params[0], "s");
	cr_assert_str_eq(w.params[1], "v");
	catalog_walk_free(&w);
	w = walked("/databases/app/schemas/s/views/v/triggers/t");
	cr_assert_str_eq(w.kind->kind, "trigger");
	catalog_walk_free(&w);
	w = walked("/databases/app/schemas/s/materialized_views/m/indexes/i");
	cr_assert_str_eq(w.kind->kind, "index");
	cr_assert_str_eq(w.params[1], "m");
	catalog_walk_free(&w);
	refused("/databases/app/schemas/s/views/v/columns/c");
	refused("/databases/app/schemas/s/materialized_views/m/rules/r");
}

/* default privileges under a database and under a schema, operator classes, transforms */
Test(catalog_path, new_kinds_have_their_places)
{
	catalog_walk w = walked("/databases/app/default_privileges/tables for alice");
	cr_assert_str_eq(w.kind->kind, "default_privilege");
	cr_assert_eq(w.nparams, 0);
	catalog_walk_free(&w);
	w = walked("/databases/app/schemas/s/schema_default_privileges/tables for alice");
	cr_assert_str_eq(w.kind->kind, "schema_default_privilege");
	cr_assert_eq(w.nparams, 1);
	catalog_walk_free(&w);
	w = walked("/databases/app/schemas/s/operator_classes/int4_ops (btree)");
	cr_assert_str_eq(w.kind->kind, "operator_class");
	catalog_walk_free(&w);
	w = walked("/databases/app/transforms/s.t (plpgsql)");
	cr_assert_str_eq(w.kind->kind, "transform");
	catalog_walk_free(&w);
	refused("/databases/app/schemas/s/default_privileges/x");
	refused("/databases/app/schema_default_privileges/x");
}

Test(catalog_path, escaped_names_stay_one_name)
{
	str p = STR_INIT;
	str_append_cstr(&p, "/databases/");
	catalog_append_segment(&p, "a/b%c");
	str_append_cstr(&p, "/schemas/");
	catalog_append_segment(&p, "we/ird");
	cr_assert_str_eq(str_cstr(&p), "/databases/a%2Fb%25c/schemas/we%2Fird");
	catalog_walk w = walked(str_cstr(&p));
	cr_assert_str_eq(w.db, "a/b%c");
	cr_assert_str_eq(w.kind->kind, "schema");
	cr_assert_str_eq(w.names[0], "we/ird");
	catalog_walk_free(&w);
	str_free(&p);
}

Test(catalog_path, paths_that_name_nothing)
{
	refused(NULL);
	refused("");
	refused("/");
	refused("/nothing");
	refused("/databases/");			       /* an empty name */
	refused("/databases/app/tables");	       /* tables live in schemas */
	refused("/databases/app/schemas/s/columns/c"); /* columns live in tables */
	refused("/roles/alice/more");
	refused("/databases/app/schemas/s/tables/t/");
}

Test(catalog_grid, parameters_follow_the_listing)
{
	catalog_grid_query q = {.path = "/databases/app/schemas/public/tables", .limit = 10};
	str sql = STR_INIT;
	char *db = NULL;
	tusk_err err = {0};
	cr_assert(catalog_grid_sql(&q, &sql, &db, &err), "%s", err.msg);
	cr_assert_str_eq(db, "app");
	/* the schema is $1: the page's limit and offset come after it */
	cr_assert(strstr(str_cstr(&sql), "LIMIT $2::int8 OFFSET $3::int8"), "%s", str_cstr(&sql));
	cr_assert(strstr(str_cstr(&sql), "NOT x.system"), "system objects are left out by default");
	free(db);
	str_free(&sql);

	q = (catalog_grid_query){.path = "/databases/app/schemas/public/tables/t/columns", .show_system = true};
	cr_assert(catalog_grid_sql(&q, &sql, &db, &err), "%s", err.msg);
	cr_assert(strstr(str_cstr(&sql), "LIMIT $3::int8 OFFSET $4::int8"), "%s", str_cstr(&sql));
	cr_assert_null(strstr(str_cstr(&sql), "NOT x.system"));
	free(db);
	str_free(&sql);
}

Test(catalog_grid, ordered_by_a_column_it_has)
{
	catalog_grid_query q = {.path = "/databases/app/schemas/public/tables", .order = "owner", .descending = true};
	str sql = STR_INIT;
	char *db = NULL;
	tusk_err err = {0};
	cr_assert(catalog_grid_sql(&q, &sql, &db, &err), "%s", err.msg);
	cr_assert(strstr(str_cstr(&sql), "_k DESC NULLS LAST"), "%s", str_cstr(&sql));
	free(db);
	str_free(&sql);

	q.order = "owner; DROP TABLE x";
	cr_assert_not(catalog_grid_sql(&q, &sql, &db, &err));
	cr_assert_eq(err.code, ERR_INVALID_ORDER);
	str_free(&sql);
}

Test(catalog_grid, only_collections_have_grids)
{
	str sql = STR_INIT;
	char *db = NULL;
	tusk_err err = {0};
	catalog_grid_query q = {.path = "/databases/app/schemas/public"};
	cr_assert_not(catalog_grid_sql(&q, &sql, &db, &err));
	cr_assert_eq(err.code, ERR_NOT_FOUND);
	q.path = "/databases/app/schemas/public/tables/../../x";
	cr_assert_not(catalog_grid_sql(&q, &sql, &db, &err));
	str_free(&sql);
}

Test(catalog_view, select_with_filter_order_and_limit)
{
	str sql = STR_INIT;
	tusk_err err = {0};
	json_t *order = json_pack("[{s:s, s:b}, {s:s}]", "column", "we\"ird", "desc", 1, "column", "id");
	cr_assert(catalog_view_sql("app", "or\"ders", "id > 3", order, 100, &sql, &err), "%s", err.msg);
	cr_assert_str_eq(
	    str_cstr(&sql),
	    "SELECT * FROM \"app\".\"or\"\"ders\"\nWHERE id > 3\nORDER BY \"we\"\"ird\" DESC, \"id\"\nLIMIT 100");
	str_free(&sql);
	json_decref(order);

	order = json_pack("[{s:i}]", "column", 3);
	cr_assert_not(catalog_view_sql("app", "t", NULL, order, 0, &sql, &err));
	cr_assert_eq(err.code, ERR_INVALID_FIELD);
	str_free(&sql);
	json_decref(order);
}

Test(catalog_relation, tables_views_and_materialized_views)
{
	char *db, *schema, *name;
	const char *kind;
	tusk_err err = {0};
	cr_assert(catalog_path_relation("/databases/d/schemas/s%2Fx/views/v", &db, &schema, &name, &kind, &err), "%s",
		  err.msg);
	cr_assert_str_eq(db, "d");
	cr_assert_str_eq(schema, "s/x");
	cr_assert_str_eq(name, "v");
	cr_assert_str_eq(kind, "view");
	free(db);
	free(schema);
	free(name);
	cr_assert_not(catalog_path_relation("/databases/d/schemas/s/sequences/q", &db, &schema, &name, &kind, &err));
}

/* Every row is found again the ways the engine looks kinds up. */
Test(catalog_kinds, each_row_is_whole)
{
	int n = 0;
	for (const catalog_kind *k = catalog_kind_first(); k; k = catalog_kind_next(k), n++) {
		cr_assert_eq(catalog_kind_named(k->kind), k, "%s", k->kind);
		cr_assert_not_null(k->icon, "%s", k->kind);
		if (k->list) {
			const catalog_listing *l = NULL;
			cr_assert_eq(catalog_kind_listing(k->list->collection, &l), k, "%s", k->kind);
			cr_assert_eq(l, k->list);
			cr_assert_not_null(l->sql, "%s", k->kind);
		}
		if (k->identify)
			cr_assert_eq(catalog_kind_typed(k->identify), k, "%s", k->kind);
		for (const char *const *c = k->children; c && *c; c++) {
			const catalog_listing *l = NULL;
			cr_assert_not_null(catalog_kind_listing(*c, &l), "%s: child collection %s", k->kind, *c);
		}
		if (k->search_rank)
			cr_assert_not_null(k->search_sql, "%s", k->kind);
	}
	cr_assert_gt(n, 30, "the tree's kinds: %d", n);
	cr_assert_null(catalog_kind_named("no such kind"));
}
