/* What the query editor completes: the tables' columns and the functions
 * of one database, read on a pooled connection (never in the user's query
 * tab, so it lands in no history and no audit log). */
#include "catalog/build.h"

/* {"tables": {schema: {table: [column, ...]}}, "functions": [{schema, name,
 * args, on_search_path}]}; the same caps the editor always had (20,000
 * columns, 3,000 functions), pg_catalog and information_schema left out. */
static const char COMPLETION_SQL[] =
    "SELECT json_build_object('tables', (SELECT COALESCE(json_object_agg(s.schema, s.tables), '{}') FROM (SELECT "
    "t.schema, json_object_agg(t.name, t.columns) AS tables FROM (SELECT c.schema, c.name, json_agg(c.column_name "
    "ORDER BY c.ordinal_position) AS columns FROM (SELECT table_schema::text AS schema, table_name::text AS name, "
    "column_name::text AS column_name, ordinal_position FROM information_schema.columns WHERE table_schema NOT IN "
    "('pg_catalog', 'information_schema') ORDER BY table_schema, table_name, ordinal_position LIMIT 20000) c GROUP "
    "BY 1, 2) t GROUP BY 1) s), 'functions', (SELECT COALESCE(json_agg(json_build_object('schema', f.schema, 'name', "
    "f.name, 'args', f.args, 'on_search_path', f.on_path) ORDER BY f.schema, f.name), '[]') FROM (SELECT "
    "n.nspname::text AS schema, p.proname::text AS name, pg_catalog.pg_get_function_identity_arguments(p.oid) AS "
    "args, n.nspname = ANY (pg_catalog.current_schemas(false)) AS on_path FROM pg_catalog.pg_proc p JOIN "
    "pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND n.nspname NOT LIKE 'pg\\_toast%' ORDER BY n.nspname, p.proname LIMIT 3000) f))::text";

bool catalog_completion(const pgpool_ref *pg, const char *database, char **json, pg_error *pe, tusk_err *err)
{
	return (*json = catalog_query_text(pg, database, COMPLETION_SQL, 0, NULL, pe, err)) != NULL;
}
