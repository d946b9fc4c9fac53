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

#include "catalog/build.h"
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

bool catalog_logical_status(const pgpool_ref *pg, const char *database, catalog_logical *out, pg_error *pe,
			    tusk_err *err)
{
	*out = (catalog_logical){0};
	bool ok = (out->publications = catalog_query_text(pg, database, PUBLICATIONS_SQL, 0, NULL, pe, err)) &&
		  (out->subscriptions = catalog_query_text(pg, database, SUBSCRIPTIONS_SQL, 0, NULL, pe, err)) &&
		  (out->slots = catalog_query_text(pg, database, SLOTS_SQL, 0, NULL, pe, err)) &&
		  (out->wal_level = catalog_query_text(pg, database, "SELECT pg_catalog.current_setting('wal_level')",
						       0, NULL, pe, err));
	if (!ok)
		catalog_logical_free(out);
	return ok;
}

void catalog_logical_free(catalog_logical *l)
{
	free(l->publications);
	free(l->subscriptions);
	free(l->slots);
	free(l->wal_level);
	*l = (catalog_logical){0};
}

/* ---- the publisher's connection string, for a subscription ---- */

struct source {
	pgpool_ref pg; /* the publisher's server */
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
	catalog_literal(c, shown, str_cstr(&masked));
	str_append_cstr(run, " CONNECTION ");
	catalog_literal(c, run, str_cstr(&full));
	memset(full.buf, 0, full.len);
	str_free(&full);
	str_free(&masked);
}

/* ---- steps on several connections ---- */

struct step {
	struct build *b; /* shown SQL collects every step's */
	str sql, run;	 /* this step: shown and run */
	bool in_transaction;
	bool failed;
	pg_error pe;
};

static bool run_step(void *ctx, PGconn *c, tusk_err *err)
{
	(void)err;
	struct step *s = ctx;
	struct build one = {
	    .sql = s->sql, .run_sql = s->run, .preview = s->b->preview, .in_transaction = s->in_transaction};
	catalog_execute(&one, c);
	s->failed = one.failed;
	s->pe = one.pe;
	return true;
}

/* Runs SQL (and RUN, when it differs) on a server's database, after a heading; false when it failed. */
static bool step(const pgpool_ref *pg, const char *db, struct build *b, const char *heading, str *sql, str *run,
		 bool in_transaction, tusk_err *err)
{
	if (heading)
		str_appendf(&b->sql, "%s%s\n", b->sql.len ? "\n" : "", heading);
	str_append(&b->sql, sql->buf, sql->len);
	struct step s = {.b = b, .sql = *sql, .in_transaction = in_transaction};
	if (run)
		s.run = *run;
	if (!pgpool_with_conn(pg, db, run_step, &s, err))
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

/* SELECT pg_catalog.pg_<fn>_replication_slot('slot'<more>); */
static void slot_call(PGconn *c, str *shown, const char *fn, const char *slot, const char *more)
{
	str_appendf(shown, "SELECT pg_catalog.pg_%s_replication_slot(", fn);
	catalog_literal(c, shown, slot);
	str_appendf(shown, "%s);", more);
}

static void write_slot(PGconn *c, void *ctx, str *shown, str *run)
{
	(void)run;
	slot_call(c, shown, "create_logical", ((const struct sub_spec *)ctx)->slot, ", 'pgoutput'");
}

static void write_subscription(PGconn *c, void *ctx, str *shown, str *run)
{
	const struct sub_spec *s = ctx;
	str head = STR_INIT;
	str_append_cstr(&head, "CREATE SUBSCRIPTION ");
	catalog_ident(c, &head, s->name);
	str_append(shown, head.buf, head.len);
	str_append(run, head.buf, head.len);
	connection_clause(c, shown, run, s->src);
	str tail = STR_INIT;
	str_append_cstr(&tail, " PUBLICATION ");
	catalog_ident_list(c, &tail, s->publications);
	str_appendf(&tail, " WITH (create_slot = false, slot_name = ");
	catalog_literal(c, &tail, s->slot);
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
	slot_call(c, shown, "drop", ((const struct sub_spec *)ctx)->slot, "");
}

/* Creates the slot on the publisher (a subscription in the same cluster
 * would wait for itself if CREATE SUBSCRIPTION made it), then the
 * subscription; the slot goes again when the subscription fails. */
static bool create_subscription(const pgpool_ref *pg, const char *db, const struct sub_spec *s, struct build *b,
				tusk_err *err)
{
	char heading[600];
	const struct source *src = s->src;
	if (s->create_slot) {
		str sql = STR_INIT;
		struct write_ctx w = {write_slot, (void *)s, &sql, NULL};
		bool ok = pgpool_with_conn(&src->pg, src->database, write_with, &w, err);
		snprintf(heading, sizeof(heading), "-- on the publisher (database %s):", src->database);
		ok = ok && step(&src->pg, src->database, b, heading, &sql, NULL, false, err);
		str_free(&sql);
		if (!ok)
			return false;
	}
	str shown = STR_INIT, run = STR_INIT;
	struct write_ctx w = {write_subscription, (void *)s, &shown, &run};
	bool ok = pgpool_with_conn(pg, db, write_with, &w, err);
	snprintf(heading, sizeof(heading), "-- on the subscriber (database %s):", db);
	/* create_slot = false: it may run in a transaction; it needs none */
	ok = ok && step(pg, db, b, heading, &shown, &run, false, err);
	memset(run.buf, 0, run.len);
	str_free(&shown);
	str_free(&run);
	if (!ok && b->failed && s->create_slot && !b->preview) {
		str sql = STR_INIT;
		struct write_ctx d = {write_drop_slot, (void *)s, &sql, NULL};
		struct build cleanup = {.preview = false};
		tusk_err ignored;
		if (pgpool_with_conn(&src->pg, src->database, write_with, &d, &ignored)) {
			pg_error keep = b->pe;
			(void)step(&src->pg, src->database, &cleanup, NULL, &sql, NULL, false, &ignored);
			b->pe = keep;
		}
		str_free(&cleanup.sql);
		str_free(&sql);
	}
	return ok;
}

/* How the subscriber reaches the publisher as this user connected to it. */
static bool load_source(const pgpool_ref *pg, const catalog_source *from, struct source *src, tusk_err *err)
{
	src->pg = (pgpool_ref){pg->pool, pg->user_id, from->server_id};
	src->database = from->database;
	return pgpool_client_conninfo(pg->pool, pg->user_id, from->server_id, from->database, NULL, &src->conninfo,
				      &src->password, &src->role, err);
}

/* A step's success, or a refusal PostgreSQL made (out->failed), both answered as a change. */
static bool finish(struct build *b, bool ok, catalog_change *out, tusk_err *err)
{
	return catalog_finish(b, out, err) && (ok || out->failed);
}

bool catalog_subscription_create(const pgpool_ref *pg, const catalog_subscription_spec *spec, catalog_change *out,
				 tusk_err *err)
{
	struct source src = {0};
	struct build b = {.preview = out->preview, .steps = true};
	struct sub_spec s = {.name = spec->name,
			     .slot = spec->slot && *spec->slot ? spec->slot : spec->name,
			     .publications = spec->publications,
			     .copy_data = spec->copy_data,
			     .enabled = spec->enabled,
			     .create_slot = spec->create_slot,
			     .src = &src};
	bool ok = load_source(pg, &spec->source, &src, err) && create_subscription(pg, spec->database, &s, &b, err);
	source_free(&src);
	return finish(&b, ok, out, err);
}

/* ---- subscription actions ---- */

static void write_action(PGconn *c, void *ctx, str *shown, str *run)
{
	(void)run;
	const catalog_subscription_action *a = ctx;
	if (strcmp(a->action, "drop") == 0) {
		str_append_cstr(shown, "DROP SUBSCRIPTION ");
		catalog_ident(c, shown, a->name);
		str_append_char(shown, ';');
		return;
	}
	str_append_cstr(shown, "ALTER SUBSCRIPTION ");
	catalog_ident(c, shown, a->name);
	if (strcmp(a->action, "enable") == 0)
		str_append_cstr(shown, " ENABLE;");
	else if (strcmp(a->action, "disable") == 0)
		str_append_cstr(shown, " DISABLE;");
	else if (strcmp(a->action, "refresh") == 0)
		str_appendf(shown, " REFRESH PUBLICATION WITH (copy_data = %s);", a->copy_data ? "true" : "false");
	else {
		str_append_cstr(shown, " SKIP (lsn = ");
		catalog_literal(c, shown, a->lsn);
		str_append_cstr(shown, ");");
	}
}

bool catalog_subscription_act(const pgpool_ref *pg, const catalog_subscription_action *a, catalog_change *out,
			      tusk_err *err)
{
	static const char *const actions[] = {"enable", "disable", "refresh", "skip", "drop"};
	size_t k = 0;
	while (a->action && k < 5 && strcmp(actions[k], a->action) != 0)
		k++;
	if (!a->database || !a->name || !a->action || k == 5) {
		err_set(
		    err, ERR_INVALID_SPEC,
		    "Give the database, the subscription's name and an action: enable, disable, refresh, skip or drop.");
		return false;
	}
	if (strcmp(a->action, "skip") == 0 && (!a->lsn || pgpool_server_version(pg) < 150000)) {
		err_set(err, ERR_INVALID_SPEC, "skip needs the 'lsn' of the failed transaction and PostgreSQL 15+.");
		return false;
	}
	struct build b = {.preview = out->preview};
	str sql = STR_INIT;
	struct write_ctx w = {write_action, (void *)a, &sql, NULL};
	/* REFRESH and DROP (with a slot) cannot run in a transaction block: none of them needs one */
	bool ok = pgpool_with_conn(pg, a->database, write_with, &w, err) &&
		  step(pg, a->database, &b, NULL, &sql, NULL, false, err);
	str_free(&sql);
	return finish(&b, ok, out, err);
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
	catalog_ident(c, shown, p->name);
	str_append_cstr(shown, " FOR TABLE ");
	size_t i;
	json_t *e;
	json_array_foreach(p->tables, i, e)
	{
		str_append_cstr(shown, i ? ", " : "");
		catalog_qualified(c, shown, json_string_value(json_object_get(e, "schema")),
				  json_string_value(json_object_get(e, "name")));
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
	return str_take(&s);
}

/* The publisher must write logical WAL; false with err (wal_level) otherwise. */
static bool logical_wal(const struct source *src, tusk_err *err)
{
	pg_error pe = {0};
	PGresult *wal =
	    pgpool_query(&src->pg, src->database, "SELECT pg_catalog.current_setting('wal_level')", 0, NULL, &pe, err);
	bool ok = wal && strcmp(PQgetvalue(wal, 0, 0), "logical") == 0;
	if (wal && !ok)
		err_set(
		    err, ERR_WAL_LEVEL,
		    "The publisher's wal_level is '%s': logical replication needs 'logical'. Set wal_level = logical "
		    "(ALTER SYSTEM) and restart the publisher, then try again.",
		    PQgetvalue(wal, 0, 0));
	PQclear(wal);
	return ok;
}

/* The subscriber gets the publisher's definition of a table it lacks (its
 * schema first); false with err or b->failed. */
static bool copy_table(const pgpool_ref *pg, const catalog_replication_spec *spec, const struct source *src,
		       const char *schema, const char *name, struct build *b, tusk_err *err)
{
	pg_error pe;
	char *target_path = table_path(spec->database, schema, name);
	str probe = STR_INIT;
	tusk_err perr = {0};
	bool exists = catalog_ddl(pg, target_path, &probe, &pe, &perr);
	str_free(&probe);
	free(target_path);
	if (exists)
		return true;
	if (perr.code != ERR_NOT_FOUND) {
		*err = perr;
		return false;
	}
	if (!spec->create_tables) {
		err_set(err, ERR_INVALID_SPEC,
			"The subscriber has no table %s.%s: create it, or let Tusk copy its definition.", schema, name);
		return false;
	}
	char *source_path = table_path(src->database, schema, name);
	str ddl = STR_INIT;
	bool ok = catalog_ddl(&src->pg, source_path, &ddl, &pe, err);
	free(source_path);
	if (ok) {
		char heading[600];
		snprintf(heading, sizeof(heading), "-- on the subscriber (database %s): %s.%s as the publisher has it",
			 spec->database, schema, name);
		str full = STR_INIT;
		str_append_cstr(&full, "CREATE SCHEMA IF NOT EXISTS ");
		pg_quote_ident(&full, schema);
		str_appendf(&full, ";\n%s", str_cstr(&ddl));
		ok = step(pg, spec->database, b, heading, &full, NULL, true, err);
		str_free(&full);
	}
	str_free(&ddl);
	return ok;
}

bool catalog_replication_setup(const pgpool_ref *pg, const catalog_replication_spec *spec, catalog_change *out,
			       tusk_err *err)
{
	struct source src = {0};
	struct build b = {.preview = out->preview, .steps = true};
	bool ok = load_source(pg, &spec->source, &src, err) && logical_wal(&src, err);
	size_t i;
	json_t *e;
	json_array_foreach(spec->tables, i, e)
	{
		if (!ok || b.failed)
			break;
		ok = copy_table(pg, spec, &src, json_string_value(json_object_get(e, "schema")),
				json_string_value(json_object_get(e, "name")), &b, err);
	}
	if (ok && !b.failed) {
		char heading[600];
		struct pub_spec p = {spec->publication, spec->tables};
		str sql = STR_INIT;
		struct write_ctx w = {write_publication, &p, &sql, NULL};
		snprintf(heading, sizeof(heading), "-- on the publisher (database %s):", src.database);
		ok = pgpool_with_conn(&src.pg, src.database, write_with, &w, err) &&
		     step(&src.pg, src.database, &b, heading, &sql, NULL, true, err);
		str_free(&sql);
	}
	if (ok && !b.failed) {
		json_t *pubs = json_pack("[s]", spec->publication);
		struct sub_spec s = {.name = spec->subscription,
				     .slot = spec->subscription,
				     .publications = pubs,
				     .copy_data = true,
				     .enabled = true,
				     .create_slot = true,
				     .src = &src};
		ok = create_subscription(pg, spec->database, &s, &b, err);
		json_decref(pubs);
	}
	source_free(&src);
	return finish(&b, ok, out, err);
}
