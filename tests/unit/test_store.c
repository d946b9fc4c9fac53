/* The metadata store through its one interface, on both backends: every
 * test runs on SQLite in a directory of its own and on PostgreSQL in a
 * schema of its own in the database TEST_STORE_URL names (a key=value
 * conninfo; scripts/test.sh creates a database per run). Without
 * TEST_STORE_URL the PostgreSQL runs are skipped, saying so. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <libpq-fe.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "util/embed.h"
#include "util/log.h"
#include "util/str.h"

enum { SQLITE, POSTGRES };
static int backends[] = {SQLITE, POSTGRES};

/* What the running test opened, for the suite's cleanup. */
static struct {
	int backend;
	char dir[PATH_MAX]; /* SQLite: the data directory */
	char schema[64];    /* PostgreSQL: the schema */
	char url[2048];	    /* PostgreSQL: conninfo with that schema first on the search_path */
	store *stores[4];
	int nstores;
} t;

static void quiet(void *arg, const char *msg)
{
	(void)arg, (void)msg; /* DROP SCHEMA ... CASCADE lists every table */
}

static PGconn *admin_conn(void)
{
	PGconn *c = PQconnectdb(getenv("TEST_STORE_URL"));
	cr_assert_eq(PQstatus(c), CONNECTION_OK, "TEST_STORE_URL: %s", PQerrorMessage(c));
	PQsetNoticeProcessor(c, quiet, NULL);
	return c;
}

static void admin_exec(const char *sql)
{
	PGconn *c = admin_conn();
	PGresult *r = PQexec(c, sql);
	cr_assert(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK, "%s: %s", sql,
		  PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

/* A place for a new store: a temporary directory or an empty schema. */
static void prepare(int backend)
{
	log_setup(LOG_WARN, false); /* not every migration applied */
	t.backend = backend;
	if (backend == SQLITE) {
		const char *tmp = getenv("TMPDIR");
		snprintf(t.dir, sizeof(t.dir), "%s/tusk-store-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		cr_assert(mkdtemp(t.dir), "mkdtemp");
		return;
	}
	const char *base = getenv("TEST_STORE_URL");
	if (!base || !*base)
		cr_skip_test("TEST_STORE_URL is not set (scripts/test.sh sets it): the PostgreSQL store is not tested");
	snprintf(t.dir, sizeof(t.dir), "%s", "/nonexistent");
	unsigned r;
	FILE *f = fopen("/dev/urandom", "r");
	cr_assert(f && fread(&r, sizeof(r), 1, f) == 1);
	fclose(f);
	snprintf(t.schema, sizeof(t.schema), "store_test_%ld_%08x", (long)getpid(), r);
	char sql[128];
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", t.schema);
	admin_exec(sql);
	/* the application name lets a test find this store's own connection */
	snprintf(t.url, sizeof(t.url), "%s options='-c search_path=%s' application_name=%s", base, t.schema, t.schema);
}

static store *open_again(void)
{
	tusk_err err = {0};
	store *s = store_open(t.dir, t.backend == POSTGRES ? t.url : NULL, &err);
	cr_assert(s, "store_open: %s", err.msg);
	cr_assert_lt(t.nstores, 4);
	t.stores[t.nstores++] = s;
	return s;
}

static store *open_store(int backend)
{
	prepare(backend);
	return open_again();
}

static void close_store(store *s)
{
	for (int i = 0; i < t.nstores; i++)
		if (t.stores[i] == s) {
			t.stores[i] = t.stores[--t.nstores];
			break;
		}
	store_close(s);
}

static void cleanup(void)
{
	while (t.nstores)
		store_close(t.stores[--t.nstores]);
	if (t.schema[0]) {
		char sql[128];
		snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", t.schema);
		admin_exec(sql);
	} else if (t.dir[0]) {
		char cmd[PATH_MAX + 16];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t.dir);
		cr_assert_eq(system(cmd), 0);
	}
}

TestSuite(store, .fini = cleanup);

#define STORE_TEST(name)                                                                                               \
	ParameterizedTestParameters(store, name)                                                                       \
	{                                                                                                              \
		return cr_make_param_array(int, backends, 2);                                                          \
	}                                                                                                              \
	ParameterizedTest(int *backend, store, name)

/* Runs SQL on the store's own database, outside the store (to arrange what
 * the interface cannot: a newer schema version). */
static void raw_exec(const char *sql)
{
	if (t.backend == POSTGRES) {
		PGconn *c = PQconnectdb(t.url);
		cr_assert_eq(PQstatus(c), CONNECTION_OK);
		PGresult *r = PQexec(c, sql);
		cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
		PQclear(r);
		PQfinish(c);
		return;
	}
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/tusk.db", t.dir);
	sqlite3 *db;
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
	sqlite3_close(db);
}

static int64_t make_user(store *s, const char *email, const char *role)
{
	store_user u = {0};
	snprintf(u.email, sizeof(u.email), "%s", email);
	snprintf(u.role, sizeof(u.role), "%s", role);
	snprintf(u.password_hash, sizeof(u.password_hash), "$argon2id$hash-of-%s", email);
	u.active = true;
	/* bytes a text column would mangle: NUL, high bytes, a trailing zero */
	for (size_t i = 0; i < 72; i++)
		u.data_key_wrapped[i] = (unsigned char)(i * 37);
	u.data_key_wrapped_len = 72;
	memset(u.data_key_salt, 0xff, sizeof(u.data_key_salt));
	u.data_key_salt[3] = 0;
	u.created_at = u.updated_at = 1700000000;
	tusk_err err;
	cr_assert(store_user_create(s, &u, &err), "%s", err.msg);
	cr_assert_gt(u.id, 0);
	return u.id;
}

Test(store, both_backends_have_the_same_migrations)
{
	cr_assert_eq(embed_migrations_sqlite_count, embed_migrations_postgres_count);
	for (size_t i = 0; i < embed_migrations_sqlite_count; i++)
		cr_assert_str_eq(embed_migrations_sqlite[i].name, embed_migrations_postgres[i].name);
	cr_assert_eq(store_latest_version(), (int)embed_migrations_sqlite_count);
}

STORE_TEST(migrates_once_and_refuses_a_newer_schema)
{
	store *s = open_store(*backend);
	cr_assert_eq(store_schema_version(s), store_latest_version());
	cr_assert_eq(store_shared(s), *backend == POSTGRES);
	tusk_err err;
	cr_assert(store_ping(s, &err), "%s", err.msg);
	close_store(s);
	s = open_again(); /* nothing left to apply */
	cr_assert_eq(store_schema_version(s), store_latest_version());
	close_store(s);
	raw_exec("INSERT INTO tusk_migrations (version, name, applied_at) VALUES (999, '999_future.sql', 0)");
	store *newer = store_open(t.dir, *backend == POSTGRES ? t.url : NULL, &err);
	cr_assert_null(newer);
	cr_assert_str_eq(err_name(err.code), "store_too_new");
	cr_assert(strstr(err.msg, "newer Tusk") != NULL, "%s", err.msg);
}

struct opener {
	store *s;
	tusk_err err;
};

static void *open_thread(void *arg)
{
	struct opener *o = arg;
	o->s = store_open(t.dir, t.url, &o->err);
	return NULL;
}

/* Two replicas starting on an empty store at once: one migrates, both run. */
STORE_TEST(replicas_starting_together_migrate_once)
{
	if (*backend == SQLITE)
		cr_skip_test("one process owns a SQLite store");
	prepare(*backend);
	struct opener o[2] = {0};
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		cr_assert_eq(pthread_create(&th[i], NULL, open_thread, &o[i]), 0);
	for (int i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		cr_assert(o[i].s, "replica %d: %s", i, o[i].err.msg);
		t.stores[t.nstores++] = o[i].s;
		cr_assert_eq(store_schema_version(o[i].s), store_latest_version());
	}
}

STORE_TEST(users_round_trip_and_unique_emails)
{
	store *s = open_store(*backend);
	tusk_err err;
	int64_t id = make_user(s, "alice@tusk.local", "admin");
	make_user(s, "bob@tusk.local", "user");
	store_user u;
	cr_assert_eq(store_user_by_email(s, "alice@tusk.local", &u, &err), 1, "%s", err.msg);
	cr_assert_eq(u.id, id);
	cr_assert_str_eq(u.role, "admin");
	cr_assert(u.active && !u.locked);
	cr_assert_eq(u.data_key_wrapped_len, 72);
	for (size_t i = 0; i < 72; i++)
		cr_assert_eq(u.data_key_wrapped[i], (unsigned char)(i * 37), "byte %zu", i);
	cr_assert_eq(u.data_key_salt[3], 0);
	cr_assert_eq(u.data_key_salt[4], 0xff);
	cr_assert_eq(u.last_login_at, 0, "NULL reads as never");
	cr_assert_eq(store_user_by_email(s, "nobody@tusk.local", &u, &err), 0);
	cr_assert_eq(store_user_count(s, &err), 2);
	cr_assert_eq(store_admin_count(s, &err), 1);

	store_user dup = u;
	cr_assert_not(store_user_create(s, &dup, &err));
	cr_assert_str_eq(err_name(err.code), "email_taken");

	cr_assert_eq(store_user_by_id(s, id, &u, &err), 1);
	u.last_login_at = 1700000100;
	snprintf(u.email, sizeof(u.email), "bob@tusk.local");
	cr_assert_not(store_user_update(s, &u, &err));
	cr_assert_str_eq(err_name(err.code), "email_taken");
	snprintf(u.email, sizeof(u.email), "alice@example.org");
	cr_assert(store_user_update(s, &u, &err), "%s", err.msg);
	cr_assert_eq(store_user_by_id(s, id, &u, &err), 1);
	cr_assert_str_eq(u.email, "alice@example.org");
	cr_assert_eq(u.last_login_at, 1700000100);

	/* wrong passwords count per address, whether a user has it or not */
	int64_t now = time(NULL);
	int failures;
	for (int i = 1; i <= 3; i++) {
		cr_assert(store_login_failed(s, "alice@example.org", now, 86400, &failures, &err), "%s", err.msg);
		cr_assert_eq(failures, i);
	}
	cr_assert(store_login_failed(s, "nobody@example.org", now, 86400, &failures, &err), "%s", err.msg);
	cr_assert_eq(failures, 1);
	cr_assert_eq(store_login_paused_until(s, "alice@example.org", &err), 0);
	cr_assert(store_login_pause(s, "alice@example.org", now + 60, &err), "%s", err.msg);
	cr_assert_eq(store_login_paused_until(s, "alice@example.org", &err), now + 60);
	size_t n;
	store_user *list = store_user_list(s, &n, &err);
	cr_assert(list);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(list[0].email, "alice@example.org", "ordered by e-mail");
	cr_assert(list[0].locked);
	cr_assert_eq(list[0].failed_attempts, 3);
	cr_assert_eq(list[0].locked_until, now + 60);
	free(list);
	/* an old count starts again */
	cr_assert(store_login_failed(s, "nobody@example.org", now + 90000, 86400, &failures, &err), "%s", err.msg);
	cr_assert_eq(failures, 1);
	cr_assert(store_login_clear(s, "alice@example.org", &err));
	cr_assert_eq(store_login_paused_until(s, "alice@example.org", &err), 0);
	for (int i = 1; i <= 2; i++)
		cr_assert(store_login_failed(s, "carol@example.org", now, 86400, &failures, &err), "%s", err.msg);
	cr_assert_eq(failures, 2);
	cr_assert(store_login_purge(s, now + 1, &err));
	cr_assert(store_login_failed(s, "carol@example.org", now, 86400, &failures, &err), "%s", err.msg);
	cr_assert_eq(failures, 1, "purged: counting starts again");

	/* the auth generation moves with every change that may end a session */
	uint64_t g0, g1;
	cr_assert(store_auth_generation(s, &g0));
	cr_assert(store_auth_generation(s, &g1));
	cr_assert_eq(g0, g1, "nothing changed");
	cr_assert(store_user_update(s, &u, &err));
	cr_assert(store_auth_generation(s, &g1));
	cr_assert_neq(g0, g1, "a user update moves it");
	cr_assert(store_user_delete(s, id, &err));
	cr_assert_eq(store_user_count(s, &err), 1);
}

STORE_TEST(sessions_and_meta)
{
	store *s = open_store(*backend);
	tusk_err err;
	int64_t uid = make_user(s, "carol@tusk.local", "user");
	store_session ss = {.user_id = uid, .created_at = 100, .last_seen_at = 100, .expires_at = 1000};
	snprintf(ss.id_hash, sizeof(ss.id_hash), "%064d", 1);
	snprintf(ss.csrf_token, sizeof(ss.csrf_token), "csrf-1");
	snprintf(ss.client_addr, sizeof(ss.client_addr), "10.0.0.1");
	ss.data_key_wrapped[0] = 0;
	ss.data_key_wrapped[1] = 200;
	ss.data_key_wrapped_len = 2;
	cr_assert(store_session_create(s, &ss, &err), "%s", err.msg);
	store_session other = ss;
	snprintf(other.id_hash, sizeof(other.id_hash), "%064d", 2);
	other.data_key_wrapped_len = 0;
	cr_assert(store_session_create(s, &other, &err), "%s", err.msg);

	store_session got;
	cr_assert_eq(store_session_get(s, ss.id_hash, &got, &err), 1, "%s", err.msg);
	cr_assert_eq(got.user_id, uid);
	cr_assert_str_eq(got.csrf_token, "csrf-1");
	cr_assert_str_eq(got.client_addr, "10.0.0.1");
	cr_assert_eq(got.data_key_wrapped_len, 2);
	cr_assert_eq(got.data_key_wrapped[1], 200);
	cr_assert(store_session_touch(s, ss.id_hash, 500, &err));
	cr_assert_eq(store_session_get(s, ss.id_hash, &got, &err), 1);
	cr_assert_eq(got.last_seen_at, 500);

	/* idle 300 s: the untouched one (seen at 100) goes at 400, the touched one stays */
	cr_assert(store_session_purge(s, 400, 300, &err), "%s", err.msg);
	cr_assert_eq(store_session_get(s, other.id_hash, &got, &err), 0);
	cr_assert_eq(store_session_get(s, ss.id_hash, &got, &err), 1);
	cr_assert(store_session_create(s, &other, &err));
	cr_assert(store_session_delete_user(s, uid, ss.id_hash, &err), "%s", err.msg);
	cr_assert_eq(store_session_get(s, other.id_hash, &got, &err), 0);
	cr_assert_eq(store_session_get(s, ss.id_hash, &got, &err), 1, "the kept one stays");
	cr_assert(store_session_delete(s, ss.id_hash, &err));
	cr_assert_eq(store_session_get(s, ss.id_hash, &got, &err), 0);
	cr_assert(store_session_create(s, &ss, &err));
	cr_assert(store_user_delete(s, uid, &err));
	cr_assert_eq(store_session_get(s, ss.id_hash, &got, &err), 0, "a user's sessions go with it");

	char v[64];
	cr_assert(store_meta_get(s, "k", v, sizeof(v), &err));
	cr_assert_str_eq(v, "");
	cr_assert(store_meta_set(s, "k", "one", &err));
	cr_assert(store_meta_set(s, "k", "two", &err), "%s", err.msg);
	cr_assert(store_meta_get(s, "k", v, sizeof(v), &err));
	cr_assert_str_eq(v, "two");
	cr_assert(store_meta_set(s, "k", NULL, &err));
	cr_assert(store_meta_get(s, "k", v, sizeof(v), &err));
	cr_assert_str_eq(v, "");
}

static void audit(store *s, int64_t time, int64_t uid, const char *email, const char *event, const char *detail)
{
	store_audit a = {.time = time, .user_id = uid};
	snprintf(a.user_email, sizeof(a.user_email), "%s", email);
	snprintf(a.event, sizeof(a.event), "%s", event);
	snprintf(a.client_addr, sizeof(a.client_addr), "127.0.0.1");
	snprintf(a.detail, sizeof(a.detail), "%s", detail);
	tusk_err err;
	cr_assert(store_audit_add(s, &a, &err), "%s", err.msg);
}

STORE_TEST(audit_log_filters_treat_the_text_literally)
{
	store *s = open_store(*backend);
	tusk_err err;
	int64_t uid = make_user(s, "dave@tusk.local", "admin");
	audit(s, 1, uid, "dave@tusk.local", "login", "from Firefox");
	audit(s, 2, 0, "", "login_failed", "unknown e-mail");
	audit(s, 3, uid, "dave@tusk.local", "query", "SELECT 100% OF x_y");
	audit(s, 4, uid, "dave@tusk.local", "query", "SELECT 1000 OF xay");
	size_t n;
	int64_t total;
	store_audit_filter f = {.limit = 10};
	store_audit *list = store_audit_list(s, &f, &n, &total, &err);
	cr_assert(list, "%s", err.msg);
	cr_assert_eq(total, 4);
	cr_assert_eq(n, 4);
	cr_assert_eq(list[0].time, 4, "newest first");
	cr_assert_eq(list[2].user_id, 0, "no user reads as 0");
	free(list);

	f = (store_audit_filter){.text = "100%", .limit = 10};
	list = store_audit_list(s, &f, &n, &total, &err);
	cr_assert(list, "%s", err.msg);
	cr_assert_eq(total, 1, "%% is a character, not a wildcard");
	free(list);
	f = (store_audit_filter){.text = "X_Y", .limit = 10};
	list = store_audit_list(s, &f, &n, &total, &err);
	cr_assert_eq(total, 1, "_ is a character, and case does not matter");
	free(list);
	f = (store_audit_filter){.event = "query", .user_id = uid, .limit = 1, .offset = 1};
	list = store_audit_list(s, &f, &n, &total, &err);
	cr_assert_eq(total, 2);
	cr_assert_eq(n, 1);
	cr_assert_eq(list[0].time, 3);
	free(list);
	f = (store_audit_filter){.text = "FIREFOX", .limit = 10};
	list = store_audit_list(s, &f, &n, &total, &err);
	cr_assert_eq(total, 1);
	cr_assert_str_eq(list[0].event, "login");
	free(list);
}

static int64_t make_server(store *s, int64_t uid, int64_t gid, const char *name, bool shared)
{
	store_server sv = {.user_id = uid, .group_id = gid, .port = 5432, .shared = shared};
	sv.name = (char *)name;
	sv.host = (char *)"db.example";
	sv.username = (char *)"postgres";
	tusk_err err;
	cr_assert(store_server_create(s, &sv, &err), "%s", err.msg);
	return sv.id;
}

STORE_TEST(groups_servers_and_saved_passwords)
{
	store *s = open_store(*backend);
	tusk_err err;
	int64_t alice = make_user(s, "alice@tusk.local", "admin"), bob = make_user(s, "bob@tusk.local", "user");
	int64_t g1, g2, again;
	cr_assert(store_group_ensure(s, alice, "Production", &g1, &err), "%s", err.msg);
	cr_assert(store_group_ensure(s, alice, "Production", &again, &err), "%s", err.msg);
	cr_assert_eq(again, g1, "a group is found again by name");
	cr_assert(store_group_ensure(s, alice, "Dev", &g2, &err));
	cr_assert_not(store_group_rename(s, alice, g2, "Production", &err));
	cr_assert_str_eq(err_name(err.code), "group_exists");
	cr_assert(store_group_rename(s, alice, g2, "Development", &err), "%s", err.msg);
	size_t n;
	store_group *groups = store_group_list(s, alice, &n, &err);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(groups[0].name, "Development");
	free(groups);

	int64_t own = make_server(s, alice, g1, "primary", false);
	int64_t shared = make_server(s, alice, g1, "shared one", true);
	cr_assert_not(store_group_delete(s, alice, g1, &err));
	cr_assert_str_eq(err_name(err.code), "group_not_empty");

	store_server sv;
	cr_assert_eq(store_server_get(s, bob, own, &sv, &err), 0, "another user's own server is invisible");
	cr_assert_eq(store_server_get(s, bob, shared, &sv, &err), 1, "%s", err.msg);
	cr_assert_str_eq(sv.group_name, "Production");
	cr_assert_eq(sv.port, 5432);
	cr_assert_str_eq(sv.maintenance_db, "postgres");
	cr_assert_str_eq(sv.connection_params, "{}");
	cr_assert_null(sv.role);
	cr_assert_not(sv.has_saved_password);
	store_server_clear(&sv);

	unsigned char enc[40];
	for (size_t i = 0; i < sizeof(enc); i++)
		enc[i] = (unsigned char)(255 - i);
	enc[7] = 0;
	cr_assert(store_credential_set(s, shared, bob, enc, sizeof(enc), &err), "%s", err.msg);
	cr_assert(store_credential_set(s, shared, bob, enc, 20, &err), "%s", err.msg);
	unsigned char *out;
	size_t len;
	cr_assert_eq(store_credential_get(s, shared, bob, &out, &len, &err), 1, "%s", err.msg);
	cr_assert_eq(len, 20, "a second save replaces the first");
	cr_assert_eq(memcmp(out, enc, 20), 0);
	free(out);
	cr_assert_eq(store_server_get(s, bob, shared, &sv, &err), 1);
	cr_assert(sv.has_saved_password);
	store_server_clear(&sv);
	cr_assert_eq(store_server_get(s, alice, shared, &sv, &err), 1);
	cr_assert_not(sv.has_saved_password, "saved passwords are per user");
	free(sv.host);
	sv.host = strdup("db2.example");
	sv.port = 0;
	cr_assert(store_server_update(s, &sv, &err), "%s", err.msg);
	store_server_clear(&sv);
	cr_assert_eq(store_server_get(s, alice, shared, &sv, &err), 1);
	cr_assert_str_eq(sv.host, "db2.example");
	cr_assert_eq(sv.port, 0, "no port reads as 0");
	store_server_clear(&sv);

	store_server *list = store_server_list(s, bob, &n, &err);
	cr_assert_eq(n, 1, "bob sees the shared server only");
	store_server_list_free(list, n);
	list = store_server_list(s, alice, &n, &err);
	cr_assert_eq(n, 2);
	store_server_list_free(list, n);

	cr_assert(store_credential_delete(s, shared, bob, &err));
	cr_assert_eq(store_credential_get(s, shared, bob, &out, &len, &err), 0);
	cr_assert(store_credential_set(s, shared, bob, enc, 8, &err));
	cr_assert(store_credential_delete_user(s, bob, &err));
	cr_assert_eq(store_credential_get(s, shared, bob, &out, &len, &err), 0);
	cr_assert(store_server_delete(s, own, &err));
	cr_assert(store_server_delete(s, shared, &err));
	cr_assert(store_group_delete(s, alice, g1, &err), "%s", err.msg);
}

STORE_TEST(server_import_is_all_or_nothing_and_replaces)
{
	store *s = open_store(*backend);
	tusk_err err;
	int64_t uid = make_user(s, "erin@tusk.local", "admin");
	store_server list[3] = {
	    {.name = "a", .host = "h1", .group_name = "Imported"},
	    {.name = "b", .host = "h2"},
	    {.name = NULL, .host = "h3"}, /* no name: the store refuses it */
	};
	cr_assert_not(store_server_import(s, uid, list, 3, false, &err));
	size_t n;
	store_server *got = store_server_list(s, uid, &n, &err);
	cr_assert_eq(n, 0, "nothing of a failed import stays");
	store_server_list_free(got, n);
	cr_assert(store_server_import(s, uid, list, 2, false, &err), "%s", err.msg);
	cr_assert(store_server_import(s, uid, list, 2, false, &err), "%s", err.msg);
	got = store_server_list(s, uid, &n, &err);
	cr_assert_eq(n, 4);
	store_server_list_free(got, n);
	cr_assert(store_server_import(s, uid, list, 2, true, &err), "%s", err.msg);
	got = store_server_list(s, uid, &n, &err);
	cr_assert_eq(n, 2, "replace leaves the file's servers only");
	cr_assert_str_eq(got[0].group_name, "Imported");
	cr_assert_str_eq(got[1].group_name, "Servers");
	store_server_list_free(got, n);
}

STORE_TEST(history_snippets_and_workspace)
{
	store *s = open_store(*backend);
	tusk_err err;
	int64_t uid = make_user(s, "fay@tusk.local", "user");
	int64_t gid;
	cr_assert(store_group_ensure(s, uid, "Servers", &gid, &err));
	int64_t sid = make_server(s, uid, gid, "db", false);
	const char *sqls[] = {"SELECT 1", "select 50% off", "SELECT 500 off", "UPDATE t SET a_b = 1", "SELECT 'ß'"};
	for (int i = 0; i < 5; i++) {
		store_history h = {.user_id = uid,
				   .server_id = i < 4 ? sid : 0,
				   .started_at = 1000 + i,
				   .duration_ms = 5,
				   .row_count = i,
				   .status = "done"};
		h.database = (char *)"postgres";
		h.sql = (char *)sqls[i];
		cr_assert(store_history_add(s, &h, 4, &err), "%s", err.msg);
	}
	size_t n;
	int64_t total;
	store_history *list = store_history_list(s, uid, 0, NULL, 10, 0, &n, &total, &err);
	cr_assert(list, "%s", err.msg);
	cr_assert_eq(total, 4, "only the newest `keep` stay");
	cr_assert_str_eq(list[0].sql, "SELECT 'ß'");
	cr_assert_eq(list[0].server_id, 0);
	store_history_list_free(list, n);
	list = store_history_list(s, uid, 0, "50%", 10, 0, &n, &total, &err);
	cr_assert_eq(total, 1, "%% is literal");
	cr_assert_str_eq(list[0].sql, "select 50% off");
	store_history_list_free(list, n);
	list = store_history_list(s, uid, 0, "A_B", 10, 0, &n, &total, &err);
	cr_assert_eq(total, 1);
	store_history_list_free(list, n);
	list = store_history_list(s, uid, sid, NULL, 1, 1, &n, &total, &err);
	cr_assert_eq(total, 3);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(list[0].sql, "SELECT 500 off");
	store_history_list_free(list, n);
	cr_assert(store_server_delete(s, sid, &err));
	list = store_history_list(s, uid, 0, NULL, 10, 0, &n, &total, &err);
	cr_assert_eq(total, 4, "history outlives its server");
	cr_assert_eq(list[1].server_id, 0);
	store_history_list_free(list, n);
	cr_assert(store_history_delete_user(s, uid, &err));
	list = store_history_list(s, uid, 0, NULL, 10, 0, &n, &total, &err);
	cr_assert_eq(total, 0);
	store_history_list_free(list, n);

	store_snippet q = {.user_id = uid, .name = "count", .sql = "SELECT count(*) FROM t"};
	cr_assert(store_snippet_save(s, &q, &err), "%s", err.msg);
	int64_t first = q.id;
	store_snippet q2 = {.user_id = uid, .name = "count", .sql = "x"};
	cr_assert_not(store_snippet_save(s, &q2, &err));
	cr_assert_str_eq(err_name(err.code), "name_taken");
	q.sql = "SELECT 2";
	cr_assert(store_snippet_save(s, &q, &err), "%s", err.msg);
	cr_assert_eq(q.id, first);
	store_snippet got;
	cr_assert_eq(store_snippet_get(s, uid, first, &got, &err), 1);
	cr_assert_str_eq(got.sql, "SELECT 2");
	store_snippet_clear(&got);
	store_snippet missing = {.id = first + 100, .user_id = uid, .name = "n", .sql = "s"};
	cr_assert_not(store_snippet_save(s, &missing, &err));
	cr_assert_str_eq(err_name(err.code), "not_found");
	store_snippet *snips = store_snippet_list(s, uid, &n, &err);
	cr_assert_eq(n, 1);
	store_snippet_list_free(snips, n);
	cr_assert(store_snippet_delete(s, uid, first, &err));
	cr_assert_eq(store_snippet_get(s, uid, first, &got, &err), 0);

	char *state;
	cr_assert(store_workspace_get(s, uid, &state, &err));
	cr_assert_null(state);
	cr_assert(store_workspace_put(s, uid, "{\"tabs\":[1]}", &err));
	cr_assert(store_workspace_put(s, uid, "{\"tabs\":[2]}", &err), "%s", err.msg);
	cr_assert(store_workspace_get(s, uid, &state, &err));
	cr_assert_str_eq(state, "{\"tabs\":[2]}");
	free(state);
}

static int64_t make_job(store *s, int64_t uid, const char *instance)
{
	store_job j = {.user_id = uid,
		       .kind = "backup",
		       .description = "Back up db",
		       .state = "queued",
		       .command = "pg_dump db",
		       .log_path = "/tmp/x.log",
		       .created_at = 10};
	j.instance = (char *)instance;
	tusk_err err;
	cr_assert(store_job_create(s, &j, &err), "%s", err.msg);
	return j.id;
}

STORE_TEST(jobs_lifecycle)
{
	store *s = open_store(*backend);
	tusk_err err;
	int64_t uid = make_user(s, "gus@tusk.local", "user");
	int64_t id = make_job(s, uid, "me");
	cr_assert(store_job_set_log(s, id, "/data/jobs/1.log", &err));
	cr_assert(store_job_started(s, id, 4242, 11, &err));
	store_job j;
	cr_assert_eq(store_job_get(s, 0, id, &j, &err), 1, "user 0 finds anyone's");
	cr_assert_str_eq(j.state, "running");
	cr_assert_eq(j.pid, 4242);
	cr_assert_not(j.has_exit_code);
	cr_assert_str_eq(j.log_path, "/data/jobs/1.log");
	store_job_clear(&j);
	cr_assert(store_job_delete(s, uid, id, &err), "%s", err.msg);
	cr_assert_eq(store_job_get(s, uid, id, &j, &err), 1, "a running job is not deleted");
	store_job_clear(&j);
	int64_t code = 0;
	cr_assert(store_job_finished(s, id, "succeeded", &code, NULL, 12, &err));
	cr_assert(store_job_finished(s, id, "failed", NULL, "late", 13, &err));
	cr_assert_eq(store_job_get(s, uid, id, &j, &err), 1);
	cr_assert_str_eq(j.state, "succeeded", "a finished job stays as it ended");
	cr_assert(j.has_exit_code);
	cr_assert_eq(j.exit_code, 0);
	cr_assert_eq(j.ended_at, 12);
	store_job_clear(&j);
	cr_assert(store_job_acknowledge(s, uid, id, &err));
	size_t n;
	store_job *list = store_job_list(s, uid, &n, &err);
	cr_assert_eq(n, 1);
	cr_assert(list[0].acknowledged);
	store_job_list_free(list, n);
	cr_assert(store_job_delete(s, uid, id, &err));
	cr_assert_eq(store_job_get(s, uid, id, &j, &err), 0);
}

/* The jobs a restarted Tusk settles: never its own, never a live replica's. */
STORE_TEST(unfinished_jobs_of_processes_that_are_gone)
{
	store *a = open_store(*backend);
	tusk_err err;
	cr_assert(store_instance_register(a, "host-a:1:aaaa", &err), "%s", err.msg);
	int64_t uid = make_user(a, "hal@tusk.local", "user");
	make_job(a, uid, "host-a:1:aaaa");
	int64_t old = make_job(a, uid, "host-a:0:dead");
	size_t n;
	store_job *list = store_job_unfinished(a, "host-a:1:aaaa", &n, &err);
	cr_assert(list, "%s", err.msg);
	cr_assert_eq(n, 1, "own jobs are not settled");
	cr_assert_eq(list[0].id, old);
	store_job_list_free(list, n);
	if (*backend == SQLITE)
		return; /* one process: every other instance is a previous run */

	store *b = open_again();
	cr_assert(store_instance_register(b, "host-b:1:bbbb", &err), "%s", err.msg);
	int64_t live = make_job(b, uid, "host-b:1:bbbb");
	list = store_job_unfinished(a, "host-a:1:aaaa", &n, &err);
	cr_assert_eq(n, 1, "a live replica's job is left alone");
	store_job_list_free(list, n);
	close_store(b);
	/* the server lets the lock go when that backend has ended, a moment after the close */
	PGconn *c = admin_conn();
	bool freed = false;
	for (int i = 0; i < 1000 && !freed; i++) {
		PGresult *r = PQexec(c, "SELECT pg_try_advisory_lock(1953854315, hashtext('instance:host-b:1:bbbb'))");
		freed = PQresultStatus(r) == PGRES_TUPLES_OK && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
		PQclear(r);
		if (!freed)
			usleep(10000);
	}
	PQclear(PQexec(c, "SELECT pg_advisory_unlock(1953854315, hashtext('instance:host-b:1:bbbb'))"));
	PQfinish(c);
	cr_assert(freed, "the closed store's lock was released");
	list = store_job_unfinished(a, "host-a:1:aaaa", &n, &err);
	cr_assert(list, "%s", err.msg);
	cr_assert_eq(n, 2, "once that replica is gone, its job is settled too");
	cr_assert_eq(list[1].id, live);
	store_job_list_free(list, n);
}

/* PostgreSQL: a connection that broke is made again, locks and all. */
STORE_TEST(a_broken_connection_is_made_again)
{
	if (*backend == SQLITE)
		cr_skip_test("SQLite has no connection to lose");
	store *s = open_store(*backend);
	tusk_err err;
	cr_assert(store_instance_register(s, "host-r:1:rrrr", &err), "%s", err.msg);
	make_user(s, "ivy@tusk.local", "user");
	char where[256];
	store_describe(s, where, sizeof(where));
	cr_assert(strncmp(where, "postgresql://", 13) == 0, "%s", where);
	const char *pw = strstr(getenv("TEST_STORE_URL"), "password=");
	if (pw) {
		char secret[64];
		snprintf(secret, sizeof(secret), "%s", pw + 9);
		secret[strcspn(secret, " ")] = '\0';
		cr_assert(strstr(where, secret) == NULL, "the description names no password");
	}

	char sql[256];
	snprintf(sql, sizeof(sql),
		 "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '%s'", t.schema);
	admin_exec(sql);
	cr_assert_eq(store_user_count(s, &err), 1, "the next call works: %s", err.msg);
	cr_assert(store_ping(s, &err), "%s", err.msg);
	/* the instance lock is held again: another connection cannot take it */
	PGconn *c = admin_conn();
	PGresult *r = PQexec(c, "SELECT pg_try_advisory_lock(1953854315, hashtext('instance:host-r:1:rrrr'))");
	cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK);
	cr_assert_str_eq(PQgetvalue(r, 0, 0), "f");
	PQclear(r);
	PQfinish(c);
}

/* A deleted user's id is never given to the next one (SQLite gave the
 * largest id plus one: the next user received the deleted user's storage
 * area). */
STORE_TEST(ids_are_never_handed_out_twice)
{
	store *s = open_store(*backend);
	make_user(s, "first@tusk.local", "user");
	int64_t newest = make_user(s, "newest@tusk.local", "user");
	tusk_err err;
	cr_assert(store_user_delete(s, newest, &err), "%s", err.msg);
	int64_t next = make_user(s, "next@tusk.local", "user");
	cr_assert_gt(next, newest);
	close_store(s);
	s = open_again(); /* and after a restart */
	cr_assert(store_user_delete(s, next, &err), "%s", err.msg);
	cr_assert_gt(make_user(s, "after@tusk.local", "user"), next);
}

static int count_rows(void *ctx, int n, char **values, char **names)
{
	(void)n, (void)names;
	*(long *)ctx = values[0] ? atol(values[0]) : -1;
	return 0;
}

static long sqlite_value(sqlite3 *db, const char *sql)
{
	long v = -2;
	char *why = NULL;
	cr_assert_eq(sqlite3_exec(db, sql, count_rows, &v, &why), SQLITE_OK, "%s: %s", sql, why ? why : "");
	return v;
}

/* A store written before the id migration: its rows, the rows that refer to
 * them, its indexes and its foreign keys all survive the tables' rebuild. */
Test(store, the_id_migration_keeps_rows_and_references, .fini = cleanup)
{
	prepare(SQLITE);
	size_t keep = 0;
	while (keep < embed_migrations_sqlite_count && !strstr(embed_migrations_sqlite[keep].name, "_keep_ids"))
		keep++;
	cr_assert_lt(keep, embed_migrations_sqlite_count, "a keep_ids migration exists");
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/tusk.db", t.dir);
	sqlite3 *db;
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db,
				  "CREATE TABLE tusk_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
				  "applied_at BIGINT NOT NULL)",
				  NULL, NULL, NULL),
		     SQLITE_OK);
	for (size_t i = 0; i < keep; i++) {
		char *sql = xstrndup((const char *)embed_migrations_sqlite[i].start,
				     (size_t)(embed_migrations_sqlite[i].end - embed_migrations_sqlite[i].start));
		cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s: %s",
			     embed_migrations_sqlite[i].name, sqlite3_errmsg(db));
		free(sql);
		char row[256];
		snprintf(row, sizeof(row), "INSERT INTO tusk_migrations VALUES (%zu, '%s', 0)", i + 1,
			 embed_migrations_sqlite[i].name);
		cr_assert_eq(sqlite3_exec(db, row, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
	}
	cr_assert_eq(
	    sqlite3_exec(
		db,
		"PRAGMA foreign_keys=ON;"
		"INSERT INTO users (id, email, role, password_hash, data_key_wrapped, data_key_salt, created_at, "
		"updated_at) VALUES (1, 'a@tusk.local', 'admin', 'h', x'00', x'00', 0, 0), "
		"(3, 'c@tusk.local', 'user', 'h', x'00', x'00', 0, 0);"
		"INSERT INTO server_groups (id, user_id, name) VALUES (7, 3, 'Servers');"
		"INSERT INTO servers (id, user_id, group_id, name, created_at, updated_at) VALUES (9, 3, 7, 's', "
		"0, 0);"
		"INSERT INTO server_credentials (server_id, user_id, password_enc) VALUES (9, 3, x'01');",
		NULL, NULL, NULL),
	    SQLITE_OK, "%s", sqlite3_errmsg(db));
	sqlite3_close(db);

	store *s = open_again(); /* applies keep_ids and what follows */
	cr_assert_eq(store_schema_version(s), store_latest_version());
	close_store(s);
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite_value(db, "SELECT count(*) FROM users"), 2);
	cr_assert_eq(sqlite_value(db, "SELECT count(*) FROM server_credentials WHERE server_id = 9 AND user_id = 3"),
		     1);
	cr_assert_eq(sqlite_value(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('users', 'server_groups', "
				      "'servers', 'jobs', 'audit_log') AND sql LIKE '%AUTOINCREMENT%'"),
		     5);
	cr_assert_eq(sqlite_value(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
				      "('servers_user', 'jobs_user', 'jobs_state', 'audit_log_time')"),
		     4);
	cr_assert_eq(sqlite_value(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	sqlite3_close(db);

	/* the references still cascade, and the next id is past every one given */
	s = open_again();
	tusk_err err;
	cr_assert(store_user_delete(s, 3, &err), "%s", err.msg);
	cr_assert_eq(make_user(s, "d@tusk.local", "user"), 4);
	close_store(s);
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite_value(db, "SELECT count(*) FROM servers"), 0);
	cr_assert_eq(sqlite_value(db, "SELECT count(*) FROM server_credentials"), 0);
	sqlite3_close(db);
}
