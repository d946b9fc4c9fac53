/* Logical replication: a database's publications, subscriptions (with
 * their workers and each table's sync state) and replication slots (with
 * their lag); creating a subscription to a publication on another server
 * (or database) Tusk is connected to; enabling, disabling, refreshing,
 * skipping and dropping one; and the guided "replicate these tables from A
 * to B" that checks wal_level, copies missing table definitions, creates the
 * publication, the slot and the subscription. A subscription's connection
 * string holds the publisher's password: it runs, but every statement shown
 * or returned has password=********. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/dialogs.h"
#include "catalog/catalog.h"
#include "pg/quote.h"

/* ---- status ---- */

static const char PUBLICATIONS_SQL[] =
	"SELECT COALESCE(json_agg(json_build_object('name', p.pubname, 'owner', pg_catalog.pg_get_userbyid(p.pubowner), "
	"'all_tables', p.puballtables, 'publish', array_remove(ARRAY[CASE WHEN p.pubinsert THEN 'insert' END, CASE WHEN "
	"p.pubupdate THEN 'update' END, CASE WHEN p.pubdelete THEN 'delete' END, CASE WHEN p.pubtruncate THEN 'truncate' "
	"END], NULL), 'via_root', p.pubviaroot, 'tables', COALESCE((SELECT json_agg(json_build_object('schema', "
	"t.schemaname, 'name', t.tablename, 'columns', to_jsonb(t) -> 'attnames', 'row_filter', to_jsonb(t) -> "
	"'rowfilter') ORDER BY t.schemaname, t.tablename) FROM pg_catalog.pg_publication_tables t WHERE t.pubname = "
	"p.pubname), '[]')) ORDER BY p.pubname), '[]')::text FROM pg_catalog.pg_publication p";

static const char SUBSCRIPTIONS_SQL[] =
	"SELECT COALESCE(json_agg(json_build_object('name', s.subname, 'owner', pg_catalog.pg_get_userbyid(s.subowner), "
	"'enabled', s.subenabled, 'publications', s.subpublications, 'slot', s.subslotname, 'worker_pid', st.pid, "
	"'received_lsn', st.received_lsn, 'latest_end_lsn', st.latest_end_lsn, 'last_message', "
	"st.last_msg_receipt_time, 'tables', COALESCE((SELECT json_agg(json_build_object('table', "
	"r.srrelid::pg_catalog.regclass::text, 'state', CASE r.srsubstate WHEN 'i' THEN 'initializing' WHEN 'd' THEN "
	"'copying' WHEN 'f' THEN 'copied' WHEN 's' THEN 'synchronized' WHEN 'r' THEN 'ready' END) ORDER BY 1) FROM "
	"pg_catalog.pg_subscription_rel r WHERE r.srsubid = s.oid), '[]')) ORDER BY s.subname), '[]')::text FROM "
	"pg_catalog.pg_subscription s LEFT JOIN pg_catalog.pg_stat_subscription st ON st.subid = s.oid AND st.relid IS "
	"NULL WHERE s.subdbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())";

static const char SLOTS_SQL[] =
	"SELECT COALESCE(json_agg(json_build_object('name', slot_name, 'plugin', plugin, 'type', slot_type, 'database', "
	"database, 'active', active, 'restart_lsn', restart_lsn, 'confirmed_flush_lsn', confirmed_flush_lsn, "
	"'lag_bytes', CASE WHEN pg_catalog.pg_is_in_recovery() THEN NULL ELSE "
	"pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), COALESCE(confirmed_flush_lsn, restart_lsn)) END) "
	"ORDER BY slot_name), '[]')::text FROM pg_catalog.pg_replication_slots";

static const char *query_json(tusk_app *app, int64_t uid, int64_t sid, const char *db, const char *sql, PGresult **keep,
			      pg_error *pe, tusk_err *err)
{
	*keep = pgpool_query(app->pool, uid, sid, db, sql, 0, NULL, pe, err);
	return *keep ? PQgetvalue(*keep, 0, 0) : NULL;
}

void api_logical_status(http_req *r)
{
	tusk_app *app = http_req_app(r);
	int64_t server_id;
	if (!api_path_id(r, "server", &server_id))
		return;
	const char *db = http_req_query(r, "database");
	if (!db || !*db) {
		http_respond_error(r, ERR_MISSING_FIELD, "Give the database.");
		return;
	}
	int64_t uid = api_session(r)->user.id;
	pg_error pe = {0};
	tusk_err err = {0};
	PGresult *p = NULL, *s = NULL, *sl = NULL, *wl = NULL;
	const char *pubs = query_json(app, uid, server_id, db, PUBLICATIONS_SQL, &p, &pe, &err);
	const char *subs = pubs ? query_json(app, uid, server_id, db, SUBSCRIPTIONS_SQL, &s, &pe, &err) : NULL;
	const char *slots = subs ? query_json(app, uid, server_id, db, SLOTS_SQL, &sl, &pe, &err) : NULL;
	const char *wal = slots ? query_json(app, uid, server_id, db, "SELECT pg_catalog.current_setting('wal_level')", &wl,
					     &pe, &err)
				: NULL;
	if (!wal) {
		if (pe.sqlstate[0])
			api_respond_pg_error(r, ERR_QUERY_FAILED, &pe, NULL);
		else
			api_respond_err(r, &err);
	} else {
		str out = STR_INIT;
		json_t *level = json_string(wal);
		char *wal_json = json_dumps(level, JSON_ENCODE_ANY);
		str_appendf(&out, "{\"wal_level\":%s,\"publications\":%s,\"subscriptions\":%s,\"slots\":%s}", wal_json, pubs, subs,
			    slots);
		free(wal_json);
		json_decref(level);
		http_respond_json(r, 200, &out);
	}
	PQclear(p);
	PQclear(s);
	PQclear(sl);
	PQclear(wl);
}

/* ---- the publisher's connection string, for a subscription ---- */

struct source {
	int64_t server_id;
	const char *database;
	char *conninfo, *password, *role;
};

static void source_free(struct source *s)
{
	free(s->conninfo);
	if (s->password) {
		memset(s->password, 0, strlen(s->password));
		free(s->password);
	}
	free(s->role);
}

/* CONNECTION '<conninfo> password=...' into run (and masked into shown). */
static void connection_clause(PGconn *c, str *shown, str *run, const struct source *src)
{
	str full = STR_INIT, masked = STR_INIT;
	str_append_cstr(&full, src->conninfo);
	str_append_cstr(&masked, src->conninfo);
	if (src->password) {
		str_append_cstr(&full, " password='");
		for (const char *p = src->password; *p; p++) {
			if (*p == '\'' || *p == '\\')
				str_append_char(&full, '\\');
			str_append_char(&full, *p);
		}
		str_append_char(&full, '\'');
		str_append_cstr(&masked, " password=********");
	}
	str_append_cstr(shown, " CONNECTION ");
	dlg_literal(c, shown, str_cstr(&masked));
	str_append_cstr(run, " CONNECTION ");
	dlg_literal(c, run, str_cstr(&full));
	memset(full.buf, 0, full.len);
	str_free(&full);
	str_free(&masked);
}

/* ---- steps on several connections ---- */

struct step {
	struct build *b;      /* shown SQL collects every step's */
	str sql, run;         /* this step: shown and run */
	bool in_transaction;
	bool failed;
	pg_error pe;
};

static bool run_step(void *ctx, PGconn *c, tusk_err *err)
{
	(void)err;
	struct step *s = ctx;
	struct build one = {.sql = s->sql, .run_sql = s->run, .preview = s->b->preview, .in_transaction = s->in_transaction};
	dlg_execute(&one, c);
	s->failed = one.failed;
	s->pe = one.pe;
	return true;
}

/* Runs SQL (and RUN, when it differs) on a server's database, after a heading; false when it failed. */
static bool step(tusk_app *app, int64_t uid, int64_t sid, const char *db, struct build *b, const char *heading, str *sql,
		 str *run, bool in_transaction, tusk_err *err)
{
	if (heading)
		str_appendf(&b->sql, "%s%s\n", b->sql.len ? "\n" : "", heading);
	str_append(&b->sql, sql->buf, sql->len);
	struct step s = {.b = b, .sql = *sql, .in_transaction = in_transaction};
	if (run)
		s.run = *run;
	if (!pgpool_with_conn(app->pool, uid, sid, db, run_step, &s, err))
		return false;
	if (s.failed) {
		b->failed = true;
		b->pe = s.pe;
	}
	return !s.failed;
}

/* Builds SQL with a borrowed connection's quoting. */
typedef void (*writer)(PGconn *c, void *ctx, str *shown, str *run);
struct write_ctx {
	writer fn;
	void *ctx;
	str *shown, *run;
};

static bool write_with(void *ctx, PGconn *c, tusk_err *err)
{
	(void)err;
	struct write_ctx *w = ctx;
	w->fn(c, w->ctx, w->shown, w->run);
	return true;
}

/* ---- creating a subscription ---- */

struct sub_spec {
	const char *name, *slot;
	json_t *publications;
	bool copy_data, enabled, create_slot;
	const struct source *src;
	const char *extra; /* more WITH options, already SQL */
};

static void write_slot(PGconn *c, void *ctx, str *shown, str *run)
{
	(void)run;
	const struct sub_spec *s = ctx;
	str_append_cstr(shown, "SELECT pg_catalog.pg_create_logical_replication_slot(");
	dlg_literal(c, shown, s->slot);
	str_append_cstr(shown, ", 'pgoutput');");
}

static void write_subscription(PGconn *c, void *ctx, str *shown, str *run)
{
	const struct sub_spec *s = ctx;
	str head = STR_INIT;
	str_append_cstr(&head, "CREATE SUBSCRIPTION ");
	dlg_ident(c, &head, s->name);
	str_append(shown, head.buf, head.len);
	str_append(run, head.buf, head.len);
	connection_clause(c, shown, run, s->src);
	str tail = STR_INIT;
	str_append_cstr(&tail, " PUBLICATION ");
	size_t i;
	json_t *e;
	json_array_foreach(s->publications, i, e)
	{
		str_append_cstr(&tail, i ? ", " : "");
		dlg_ident(c, &tail, json_string_value(e));
	}
	str_appendf(&tail, " WITH (create_slot = false, slot_name = ");
	dlg_literal(c, &tail, s->slot);
	str_appendf(&tail, ", copy_data = %s, enabled = %s%s%s);", s->copy_data ? "true" : "false",
		    s->enabled ? "true" : "false", s->extra && *s->extra ? ", " : "", s->extra ? s->extra : "");
	str_append(shown, tail.buf, tail.len);
	str_append(run, tail.buf, tail.len);
	str_free(&head);
	str_free(&tail);
}

static void write_drop_slot(PGconn *c, void *ctx, str *shown, str *run)
{
	(void)run;
	const struct sub_spec *s = ctx;
	str_append_cstr(shown, "SELECT pg_catalog.pg_drop_replication_slot(");
	dlg_literal(c, shown, s->slot);
	str_append_cstr(shown, ");");
}

static bool names_array(json_t *v)
{
	size_t i;
	json_t *e;
	bool ok = json_is_array(v) && json_array_size(v) > 0;
	json_array_foreach(v, i, e) ok = ok && json_is_string(e) && *json_string_value(e);
	return ok;
}

/* Creates the slot on the publisher (a subscription in the same cluster
 * would wait for itself if CREATE SUBSCRIPTION made it), then the
 * subscription; the slot goes again when the subscription fails. */
static bool create_subscription(tusk_app *app, int64_t uid, int64_t target, const char *db, const struct sub_spec *s,
				struct build *b, tusk_err *err)
{
	char heading[600];
	if (s->create_slot) {
		str sql = STR_INIT;
		struct write_ctx w = {write_slot, (void *)s, &sql, NULL};
		bool ok = pgpool_with_conn(app->pool, uid, s->src->server_id, s->src->database, write_with, &w, err);
		snprintf(heading, sizeof(heading), "-- on the publisher (database %s):", s->src->database);
		ok = ok && step(app, uid, s->src->server_id, s->src->database, b, heading, &sql, NULL, false, err);
		str_free(&sql);
		if (!ok)
			return false;
	}
	str shown = STR_INIT, run = STR_INIT;
	struct write_ctx w = {write_subscription, (void *)s, &shown, &run};
	bool ok = pgpool_with_conn(app->pool, uid, target, db, write_with, &w, err);
	snprintf(heading, sizeof(heading), "-- on the subscriber (database %s):", db);
	/* create_slot = false: it may run in a transaction; it needs none */
	ok = ok && step(app, uid, target, db, b, heading, &shown, &run, false, err);
	memset(run.buf, 0, run.len);
	str_free(&shown);
	str_free(&run);
	if (!ok && b->failed && s->create_slot && !b->preview) {
		str sql = STR_INIT;
		struct write_ctx d = {write_drop_slot, (void *)s, &sql, NULL};
		struct build cleanup = {.preview = false};
		tusk_err ignored;
		if (pgpool_with_conn(app->pool, uid, s->src->server_id, s->src->database, write_with, &d, &ignored)) {
			pg_error keep = b->pe;
			step(app, uid, s->src->server_id, s->src->database, &cleanup, NULL, &sql, NULL, false, &ignored);
			b->pe = keep;
		}
		str_free(&cleanup.sql);
		str_free(&sql);
	}
	return ok;
}

static bool load_source(tusk_app *app, int64_t uid, json_t *o, struct source *src, tusk_err *err)
{
	json_t *sid = json_object_get(o, "server_id");
	src->database = json_string_value(json_object_get(o, "database"));
	if (!json_is_integer(sid) || !src->database || !*src->database) {
		err_set(err, ERR_INVALID_SPEC, "'source' is {server_id, database} of a server you are connected to");
		return false;
	}
	src->server_id = json_integer_value(sid);
	store_server sv;
	int found = store_server_get(app->store, uid, src->server_id, &sv, err);
	if (found != 1) {
		if (found == 0)
			err_set(err, ERR_NOT_FOUND, "There is no server %lld.", (long long)src->server_id);
		return false;
	}
	store_server_clear(&sv);
	return pgpool_client_conninfo(app->pool, uid, src->server_id, src->database, NULL, &src->conninfo, &src->password,
				      &src->role, err);
}

/* The name of a slot: the subscription's unless given. */
static const char *slot_name(json_t *spec, const char *name)
{
	const char *slot = json_string_value(json_object_get(spec, "slot_name"));
	return slot && *slot ? slot : name;
}

void api_subscriptions_create(http_req *r)
{
	tusk_app *app = http_req_app(r);
	json_t *body = http_req_json(r);
	int64_t server_id;
	if (!body || !api_path_id(r, "server", &server_id))
		return;
	bool bad = false;
	const char *db = api_json_str(r, body, "database", &bad);
	bool preview = api_json_bool(r, body, "preview", false, &bad);
	json_t *spec = json_object_get(body, "spec");
	if (bad)
		return;
	const char *name = json_string_value(json_object_get(spec, "name"));
	json_t *pubs = json_object_get(spec, "publications");
	if (!db || !json_is_object(spec) || !name || !*name || !names_array(pubs)) {
		http_respond_error(r, ERR_INVALID_SPEC,
				   "Give the database and a spec with name, source {server_id, database} and publications.");
		return;
	}
	int64_t uid = api_session(r)->user.id;
	struct source src = {0};
	tusk_err err = {0};
	if (!load_source(app, uid, json_object_get(spec, "source"), &src, &err)) {
		api_respond_err(r, &err);
		source_free(&src);
		return;
	}
	json_t *copy = json_object_get(spec, "copy_data"), *enabled = json_object_get(spec, "enabled"),
	       *create_slot = json_object_get(spec, "create_slot");
	struct sub_spec s = {.name = name,
			     .slot = slot_name(spec, name),
			     .publications = pubs,
			     .copy_data = !json_is_false(copy),
			     .enabled = !json_is_false(enabled),
			     .create_slot = !json_is_false(create_slot),
			     .src = &src};
	struct build b = {.preview = preview, .steps = true};
	if (!create_subscription(app, uid, server_id, db, &s, &b, &err) && !b.failed)
		api_respond_err(r, &err);
	else
		dlg_respond(r, &b);
	str_free(&b.sql);
	source_free(&src);
}

/* ---- subscription actions ---- */

struct action {
	const char *name, *action, *lsn;
	bool copy_data;
};

static void write_action(PGconn *c, void *ctx, str *shown, str *run)
{
	(void)run;
	struct action *a = ctx;
	if (strcmp(a->action, "drop") == 0) {
		str_append_cstr(shown, "DROP SUBSCRIPTION ");
		dlg_ident(c, shown, a->name);
		str_append_char(shown, ';');
		return;
	}
	str_append_cstr(shown, "ALTER SUBSCRIPTION ");
	dlg_ident(c, shown, a->name);
	if (strcmp(a->action, "enable") == 0)
		str_append_cstr(shown, " ENABLE;");
	else if (strcmp(a->action, "disable") == 0)
		str_append_cstr(shown, " DISABLE;");
	else if (strcmp(a->action, "refresh") == 0)
		str_appendf(shown, " REFRESH PUBLICATION WITH (copy_data = %s);", a->copy_data ? "true" : "false");
	else {
		str_append_cstr(shown, " SKIP (lsn = ");
		dlg_literal(c, shown, a->lsn);
		str_append_cstr(shown, ");");
	}
}

void api_subscriptions_action(http_req *r)
{
	tusk_app *app = http_req_app(r);
	json_t *body = http_req_json(r);
	int64_t server_id;
	if (!body || !api_path_id(r, "server", &server_id))
		return;
	bool bad = false;
	struct action a = {0};
	const char *db = api_json_str(r, body, "database", &bad);
	a.name = api_json_str(r, body, "name", &bad);
	a.action = api_json_str(r, body, "action", &bad);
	a.lsn = api_json_str(r, body, "lsn", &bad);
	a.copy_data = api_json_bool(r, body, "copy_data", true, &bad);
	bool preview = api_json_bool(r, body, "preview", false, &bad);
	if (bad)
		return;
	static const char *const actions[] = {"enable", "disable", "refresh", "skip", "drop"};
	size_t k = 0;
	while (a.action && k < 5 && strcmp(actions[k], a.action) != 0)
		k++;
	if (!db || !a.name || !a.action || k == 5) {
		http_respond_error(r, ERR_INVALID_SPEC,
				   "Give the database, the subscription's name and an action: enable, disable, refresh, skip "
				   "or drop.");
		return;
	}
	int64_t uid = api_session(r)->user.id;
	if (strcmp(a.action, "skip") == 0 && (!a.lsn || pgpool_server_version(app->pool, uid, server_id) < 150000)) {
		http_respond_error(r, ERR_INVALID_SPEC, "skip needs the 'lsn' of the failed transaction and PostgreSQL 15+.");
		return;
	}
	struct build b = {.preview = preview};
	str sql = STR_INIT;
	tusk_err err = {0};
	struct write_ctx w = {write_action, &a, &sql, NULL};
	/* REFRESH and DROP (with a slot) cannot run in a transaction block: none of them needs one */
	bool ok = pgpool_with_conn(app->pool, uid, server_id, db, write_with, &w, &err) &&
		  step(app, uid, server_id, db, &b, NULL, &sql, NULL, false, &err);
	if (!ok && !b.failed)
		api_respond_err(r, &err);
	else
		dlg_respond(r, &b);
	str_free(&sql);
	str_free(&b.sql);
}

/* ---- replicate these tables from A to B ---- */

struct pub_spec {
	const char *name;
	json_t *tables;
};

static void write_publication(PGconn *c, void *ctx, str *shown, str *run)
{
	(void)run;
	struct pub_spec *p = ctx;
	str_append_cstr(shown, "CREATE PUBLICATION ");
	dlg_ident(c, shown, p->name);
	str_append_cstr(shown, " FOR TABLE ");
	size_t i;
	json_t *e;
	json_array_foreach(p->tables, i, e)
	{
		str_append_cstr(shown, i ? ", " : "");
		dlg_qualified(c, shown, json_string_value(json_object_get(e, "schema")), json_string_value(json_object_get(e, "name")));
	}
	str_append_char(shown, ';');
}

/* "/databases/{db}/schemas/{schema}/tables/{name}" with each name escaped as the tree does. */
static char *table_path(const char *db, const char *schema, const char *name)
{
	str s = STR_INIT;
	str_append_cstr(&s, "/databases/");
	catalog_append_segment(&s, db);
	str_append_cstr(&s, "/schemas/");
	catalog_append_segment(&s, schema);
	str_append_cstr(&s, "/tables/");
	catalog_append_segment(&s, name);
	char *p = xstrdup(str_cstr(&s));
	str_free(&s);
	return p;
}

void api_replication_setup(http_req *r)
{
	tusk_app *app = http_req_app(r);
	json_t *body = http_req_json(r);
	int64_t server_id;
	if (!body || !api_path_id(r, "server", &server_id))
		return;
	bool bad = false;
	const char *db = api_json_str(r, body, "database", &bad);
	const char *pub = api_json_str(r, body, "publication", &bad), *sub = api_json_str(r, body, "subscription", &bad);
	bool preview = api_json_bool(r, body, "preview", false, &bad);
	bool create_tables = api_json_bool(r, body, "create_tables", true, &bad);
	json_t *tables = json_object_get(body, "tables");
	if (bad)
		return;
	size_t i;
	json_t *e;
	bool tables_ok = json_is_array(tables) && json_array_size(tables) > 0;
	json_array_foreach(tables, i, e) tables_ok = tables_ok && json_is_string(json_object_get(e, "schema")) &&
						     json_is_string(json_object_get(e, "name"));
	if (!db || !pub || !*pub || !sub || !*sub || !tables_ok) {
		http_respond_error(r, ERR_INVALID_SPEC,
				   "Give the database (the subscriber's), source {server_id, database}, tables [{schema, "
				   "name}], publication and subscription names.");
		return;
	}
	int64_t uid = api_session(r)->user.id;
	struct source src = {0};
	tusk_err err = {0};
	pg_error pe = {0};
	struct build b = {.preview = preview, .steps = true};
	char heading[600];
	bool ok = load_source(app, uid, json_object_get(body, "source"), &src, &err);
	/* the publisher must write logical WAL */
	PGresult *wal = ok ? pgpool_query(app->pool, uid, src.server_id, src.database,
					  "SELECT pg_catalog.current_setting('wal_level')", 0, NULL, &pe, &err)
			   : NULL;
	if (ok && !wal) {
		ok = false;
	} else if (ok && strcmp(PQgetvalue(wal, 0, 0), "logical") != 0) {
		http_respond_error(r, ERR_WAL_LEVEL,
				   "The publisher's wal_level is '%s': logical replication needs 'logical'. Set wal_level = "
				   "logical (ALTER SYSTEM) and restart the publisher, then try again.",
				   PQgetvalue(wal, 0, 0));
		PQclear(wal);
		source_free(&src);
		return;
	}
	PQclear(wal);
	/* tables the subscriber lacks get the publisher's definition */
	json_array_foreach(tables, i, e)
	{
		if (!ok || b.failed)
			break;
		const char *schema = json_string_value(json_object_get(e, "schema")), *name = json_string_value(json_object_get(e, "name"));
		char *target_path = table_path(db, schema, name);
		str probe = STR_INIT;
		tusk_err perr = {0};
		bool exists = catalog_ddl(app->pool, uid, server_id, target_path, &probe, &pe, &perr);
		str_free(&probe);
		free(target_path);
		if (exists)
			continue;
		if (perr.code != ERR_NOT_FOUND) {
			err = perr;
			ok = false;
			break;
		}
		if (!create_tables) {
			err_set(&err, ERR_INVALID_SPEC, "The subscriber has no table %s.%s: create it, or let Tusk copy its definition.",
				schema, name);
			ok = false;
			break;
		}
		char *source_path = table_path(src.database, schema, name);
		str ddl = STR_INIT;
		ok = catalog_ddl(app->pool, uid, src.server_id, source_path, &ddl, &pe, &err);
		free(source_path);
		snprintf(heading, sizeof(heading), "-- on the subscriber (database %s): %s.%s as the publisher has it", db,
			 schema, name);
		/* a schema the subscriber lacks comes first */
		if (ok) {
			str full = STR_INIT;
			str_append_cstr(&full, "CREATE SCHEMA IF NOT EXISTS ");
			pg_quote_ident(&full, schema);
			str_appendf(&full, ";\n%s", str_cstr(&ddl));
			ok = step(app, uid, server_id, db, &b, heading, &full, NULL, true, &err);
			str_free(&full);
		}
		str_free(&ddl);
	}
	if (ok && !b.failed) {
		struct pub_spec p = {pub, tables};
		str sql = STR_INIT;
		struct write_ctx w = {write_publication, &p, &sql, NULL};
		snprintf(heading, sizeof(heading), "-- on the publisher (database %s):", src.database);
		ok = pgpool_with_conn(app->pool, uid, src.server_id, src.database, write_with, &w, &err) &&
		     step(app, uid, src.server_id, src.database, &b, heading, &sql, NULL, true, &err);
		str_free(&sql);
	}
	if (ok && !b.failed) {
		json_t *pubs = json_pack("[s]", pub);
		struct sub_spec s = {.name = sub,
				     .slot = sub,
				     .publications = pubs,
				     .copy_data = true,
				     .enabled = true,
				     .create_slot = true,
				     .src = &src};
		ok = create_subscription(app, uid, server_id, db, &s, &b, &err);
		json_decref(pubs);
	}
	if (!ok && !b.failed)
		api_respond_err(r, &err);
	else
		dlg_respond(r, &b);
	str_free(&b.sql);
	source_free(&src);
}
