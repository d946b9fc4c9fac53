/* Logical replication over HTTP: a database's status, creating a
 * subscription to a publication on a server the user is connected to,
 * acting on one, and the guided "replicate these tables from A to B"
 * (catalog/replication.c). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

void api_logical_status(http_req *r)
{
	api_server s;
	const char *db;
	if (!api_server_ref(r, &s) || !(db = api_query_need(r, "database", "Give the database.")))
		return;
	catalog_logical l;
	pg_error pe = {0};
	tusk_err err = {0};
	if (!catalog_logical_status(&s.pg, db, &l, &pe, &err)) {
		api_respond_failure(r, &err, &pe);
		return;
	}
	api_json j;
	json_writer *w = api_json_begin(&j);
	/* the lists are PostgreSQL's json_agg */
	jw_fields(w, "srrr", "wal_level", l.wal_level, "publications", l.publications, "subscriptions", l.subscriptions,
		  "slots", l.slots);
	api_json_send(r, 200, &j);
	catalog_logical_free(&l);
}

/* {server_id, database} of a server the user may see; false after answering. */
static bool read_source(http_req *r, const api_server *s, json_t *o, catalog_source *src)
{
	json_t *sid = json_object_get(o, "server_id");
	src->database = json_string_value(json_object_get(o, "database"));
	if (!json_is_integer(sid) || !src->database || !*src->database) {
		http_respond_error(r, ERR_INVALID_SPEC,
				   "'source' is {server_id, database} of a server you are connected to");
		return false;
	}
	src->server_id = json_integer_value(sid);
	return api_server_known(r, s, src->server_id);
}

struct replication_in {
	const char *database, *name, *action, *lsn, *publication, *subscription;
	bool preview, copy_data, create_tables;
	json_t *spec, *tables, *source;
};

static const api_field subscription_fields[] = {
    API_FIELD("database", API_TEXT, struct replication_in, database, API_REQUIRED),
    API_FIELD("preview", API_BOOL, struct replication_in, preview, 0),
    API_FIELD("spec", API_OBJECT, struct replication_in, spec, API_REQUIRED),
};
static const api_form subscription_form = {
    subscription_fields, 3, "Give the database and a spec with name, source {server_id, database} and publications.",
    ERR_INVALID_SPEC, false};

void api_subscriptions_create(http_req *r)
{
	struct replication_in in;
	api_change ch;
	if (!api_change_begin(r, &subscription_form, &in, &ch))
		return;
	catalog_subscription_spec spec = {
	    .database = in.database,
	    .name = json_string_value(json_object_get(in.spec, "name")),
	    .slot = json_string_value(json_object_get(in.spec, "slot_name")),
	    .publications = json_object_get(in.spec, "publications"),
	    .copy_data = !json_is_false(json_object_get(in.spec, "copy_data")),
	    .enabled = !json_is_false(json_object_get(in.spec, "enabled")),
	    .create_slot = !json_is_false(json_object_get(in.spec, "create_slot")),
	};
	if (!spec.name || !*spec.name || !api_is_names(spec.publications)) {
		http_respond_error(r, ERR_INVALID_SPEC, "%s", subscription_form.missing);
		return;
	}
	if (read_source(r, &ch.s, json_object_get(in.spec, "source"), &spec.source))
		api_change_end(r, &ch, catalog_subscription_create(&ch.s.pg, &spec, &ch.c, &ch.err));
}

static const api_field action_fields[] = {
    API_FIELD("database", API_TEXT, struct replication_in, database, 0),
    API_FIELD("name", API_TEXT, struct replication_in, name, 0),
    API_FIELD("action", API_TEXT, struct replication_in, action, 0),
    API_FIELD("lsn", API_TEXT, struct replication_in, lsn, 0),
    API_FIELD("copy_data", API_BOOL, struct replication_in, copy_data, API_DEFAULT_TRUE),
    API_FIELD("preview", API_BOOL, struct replication_in, preview, 0),
};
static const api_form action_form = API_FORM(action_fields, "");

void api_subscriptions_action(http_req *r)
{
	struct replication_in in;
	api_change ch;
	if (!api_change_begin(r, &action_form, &in, &ch))
		return;
	catalog_subscription_action a = {in.database, in.name, in.action, in.lsn, in.copy_data};
	api_change_end(r, &ch, catalog_subscription_act(&ch.s.pg, &a, &ch.c, &ch.err));
}

static const api_field setup_fields[] = {
    API_FIELD("database", API_TEXT, struct replication_in, database, API_REQUIRED),
    API_FIELD("publication", API_TEXT, struct replication_in, publication, API_REQUIRED | API_NONEMPTY),
    API_FIELD("subscription", API_TEXT, struct replication_in, subscription, API_REQUIRED | API_NONEMPTY),
    API_FIELD("preview", API_BOOL, struct replication_in, preview, 0),
    API_FIELD("create_tables", API_BOOL, struct replication_in, create_tables, API_DEFAULT_TRUE),
    API_FIELD("tables", API_ARRAY, struct replication_in, tables, API_REQUIRED),
    API_FIELD("source", API_ANY, struct replication_in, source, 0),
};
static const api_form setup_form = {setup_fields, sizeof(setup_fields) / sizeof(*setup_fields),
				    "Give the database (the subscriber's), source {server_id, database}, tables "
				    "[{schema, name}], publication and subscription names.",
				    ERR_INVALID_SPEC, false};

/* [{schema, name}, ...], not empty. */
static bool tables_ok(json_t *tables)
{
	size_t i;
	json_t *e;
	bool ok = json_array_size(tables) > 0;
	json_array_foreach(tables, i, e) ok =
	    ok && json_is_string(json_object_get(e, "schema")) && json_is_string(json_object_get(e, "name"));
	return ok;
}

void api_replication_setup(http_req *r)
{
	struct replication_in in;
	api_change ch;
	if (!api_change_begin(r, &setup_form, &in, &ch))
		return;
	if (!tables_ok(in.tables)) {
		http_respond_error(r, ERR_INVALID_SPEC, "%s", setup_form.missing);
		return;
	}
	catalog_replication_spec spec = {.database = in.database,
					 .publication = in.publication,
					 .subscription = in.subscription,
					 .tables = in.tables,
					 .create_tables = in.create_tables};
	if (read_source(r, &ch.s, in.source, &spec.source))
		api_change_end(r, &ch, catalog_replication_setup(&ch.s.pg, &spec, &ch.c, &ch.err));
}
