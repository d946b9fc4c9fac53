/* Schema Diff over HTTP: POST /api/v1/schema-diff {source: {server_id,
 * database, schema?}, target: {...}, options: {ignore_owner,
 * ignore_privileges, ignore_whitespace, ignore_tablespace}, select: [ids]}
 * answered with every object's state and DDLs and the annotated migration
 * script (catalog/schema_diff.c). */
#include <jansson.h>
#include <string.h>

#include "api/api.h"

/* {server_id, database, schema?} of a server the user may see; false after answering. */
static bool read_side(http_req *r, const api_server *s, json_t *body, const char *key, catalog_diff_side *side,
		      pgpool_ref *pg)
{
	json_t *o = json_object_get(body, key), *sid = json_object_get(o, "server_id"),
	       *schema = json_object_get(o, "schema");
	side->database = json_string_value(json_object_get(o, "database"));
	side->schema = json_is_string(schema) && *json_string_value(schema) ? json_string_value(schema) : NULL;
	if (!json_is_integer(sid) || !side->database || !*side->database ||
	    (schema && !json_is_null(schema) && !json_is_string(schema))) {
		http_respond_error(r, ERR_INVALID_SPEC,
				   "'%s' is {server_id, database, schema?} of a server you are connected to.", key);
		return false;
	}
	if (!api_server_known(r, s, json_integer_value(sid)))
		return false;
	*pg = (pgpool_ref){s->pg.pool, s->user_id, json_integer_value(sid)};
	side->pg = pg;
	return true;
}

static bool read_options(http_req *r, json_t *body, catalog_diff_options *o)
{
	json_t *opt = json_object_get(body, "options"), *sel = json_object_get(body, "select");
	if ((opt && !json_is_object(opt)) || (sel && !json_is_null(sel) && !json_is_array(sel))) {
		http_respond_error(r, ERR_INVALID_SPEC,
				   "'options' is an object of flags and 'select' a list of object ids.");
		return false;
	}
	o->ignore_owner = json_is_true(json_object_get(opt, "ignore_owner"));
	o->ignore_privileges = json_is_true(json_object_get(opt, "ignore_privileges"));
	o->ignore_whitespace = json_is_true(json_object_get(opt, "ignore_whitespace"));
	o->ignore_tablespace = json_is_true(json_object_get(opt, "ignore_tablespace"));
	o->no_table_ddl = json_is_false(json_object_get(opt, "table_ddl"));
	o->select = json_is_array(sel) ? sel : NULL;
	return true;
}

void api_schema_diff(http_req *r)
{
	api_server s = {.app = http_req_app(r), .user_id = api_session(r)->user.id};
	s.pg = (pgpool_ref){s.app->pool, s.user_id, 0};
	json_t *body = http_req_json(r);
	if (!body)
		return; /* http_req_json answered */
	catalog_diff_side src, tgt;
	pgpool_ref spg, tpg;
	catalog_diff_options opt = {0};
	if (!json_is_object(body)) {
		http_respond_error(r, ERR_INVALID_SPEC, "Give {source, target, options}.");
		return;
	}
	if (!read_side(r, &s, body, "source", &src, &spg) || !read_side(r, &s, body, "target", &tgt, &tpg) ||
	    !read_options(r, body, &opt))
		return;
	if ((src.schema == NULL) != (tgt.schema == NULL)) {
		http_respond_error(r, ERR_INVALID_SPEC,
				   "Compare a schema with a schema, or a database with a database.");
		return;
	}
	if (src.schema && strcmp(src.schema, tgt.schema)) {
		/* the script creates objects as the source's DDL names them, schema and all */
		http_respond_error(r, ERR_INVALID_SPEC,
				   "Compare schemas of the same name: the script writes the source's names.");
		return;
	}
	api_json j;
	json_writer *w = api_json_begin(&j);
	pg_error pe = {0};
	tusk_err err = {0};
	if (catalog_schema_diff(&src, &tgt, &opt, w, &pe, &err)) {
		api_json_send(r, 200, &j);
	} else {
		str_free(&j.out);
		api_respond_failure(r, &err, &pe);
	}
}
