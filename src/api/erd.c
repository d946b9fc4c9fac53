/* Schema diagrams over HTTP: ?database=&schema=&tables= (comma-separated
 * names, "\," and "\\" escaping a comma and a backslash) answered with
 * the tables, their columns and keys and the foreign keys between them
 * (catalog/erd.c). */
#include <string.h>

#include "api/api.h"

/* Parses a comma-separated list of names ("\," and "\\" escape a comma and a
 * backslash) into a JSON array of strings. False after responding 400. */
static bool parse_names(http_req *r, const char *param, size_t max, bool required, str *json, size_t *count)
{
	size_t len = 0;
	const char *v = http_req_query_n(r, param, &len);
	*count = 0;
	if (!v || !*v) {
		if (required)
			http_respond_error(r, ERR_MISSING_FIELD, "Say what to draw: the '%s' parameter is missing.",
					   param);
		return !required;
	}
	if (strlen(v) != len) {
		http_respond_error(r, ERR_INVALID_NAME, "The '%s' parameter contains a NUL character.", param);
		return false;
	}
	json_writer w;
	jw_init(&w, json);
	jw_arr_begin(&w);
	str name = STR_INIT;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && v[i] == '\\' && i + 1 < len && (v[i + 1] == ',' || v[i + 1] == '\\')) {
			str_append_char(&name, v[++i]);
			continue;
		}
		if (i < len && v[i] != ',') {
			str_append_char(&name, v[i]);
			continue;
		}
		if (name.len == 0 || name.len > CATALOG_NAME_MAX || ++*count > max) {
			http_respond_error(
			    r, ERR_INVALID_NAME,
			    name.len == 0 ? "The '%s' parameter has an empty name (two commas in a row?)."
			    : name.len > CATALOG_NAME_MAX ? "A name in '%s' is longer than PostgreSQL's 63 bytes."
							  : "The '%s' parameter names too many objects.",
			    param);
			str_free(&name);
			return false;
		}
		jw_strn(&w, name.buf, name.len);
		str_reset(&name);
	}
	str_free(&name);
	jw_arr_end(&w);
	return true;
}

void api_erd(http_req *r)
{
	api_server s;
	if (!api_server_checked(r, &s))
		return;
	size_t dblen = 0;
	const char *db = http_req_query_n(r, "database", &dblen);
	if (!db || !*db || strlen(db) != dblen) {
		http_respond_error(r, ERR_MISSING_FIELD, "Name the database whose schema to draw.");
		return;
	}
	str schemas = STR_INIT, tables = STR_INIT;
	size_t nschemas, ntables;
	if (parse_names(r, "schema", CATALOG_ERD_MAX_SCHEMAS, true, &schemas, &nschemas) &&
	    parse_names(r, "tables", CATALOG_ERD_MAX_NAMES, false, &tables, &ntables)) {
		api_json j;
		json_writer *w = api_json_begin(&j);
		jw_kv_str(w, "database", db);
		jw_key(w, "schemas");
		jw_raw(w, str_cstr(&schemas)); /* written by parse_names with this writer */
		pg_error pe = {0};
		tusk_err err = {0};
		if (catalog_erd(&s.pg, db, str_cstr(&schemas), ntables ? str_cstr(&tables) : NULL, w, &pe, &err)) {
			api_json_send(r, 200, &j);
		} else {
			str_free(&j.out);
			api_respond_failure(r, &err, &pe);
		}
	}
	str_free(&schemas);
	str_free(&tables);
}
