/* flags/env -> config -> store -> http; signals; graceful shutdown. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "auth/auth.h"
#include "cli.h"
#include "config.h"
#include "doctor/doctor.h"
#include "files/files.h"
#include "http/http.h"
#include "http/static.h"
#include "jobs/fence.h"
#include "jobs/psql_session.h"
#include "jobs/sqlclient.h"
#include "pg/allow.h"
#include "store/store.h"
#include "util/embed.h"
#include "util/log.h"
#include "util/str.h"

extern char **environ;

static int fail(int code, const char *msg)
{
	log_msg(LOG_ERROR, msg, NULL);
	return code;
}

/* mkdir -p with mode 0700 for what it creates. */
static int make_dirs(const char *path)
{
	char *p = xstrdup(path);
	int rc = 0;
	for (char *c = p + 1; *c && rc == 0; c++) {
		if (*c != '/')
			continue;
		*c = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			rc = -1;
		*c = '/';
	}
	if (rc == 0 && mkdir(p, 0700) != 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

/* Creates the data directory if needed and proves it writable. */
static bool check_data_dir(const char *dir, tusk_err *err)
{
	int e = 0;
	if (make_dirs(dir) != 0) {
		e = errno;
	} else {
		char probe[4096];
		snprintf(probe, sizeof(probe), "%s/.tusk-write-test-%ld", dir, (long)getpid());
		int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			e = errno;
		} else {
			if (write(fd, "ok", 2) != 2)
				e = errno ? errno : EIO;
			close(fd);
			unlink(probe);
		}
	}
	if (e == 0)
		return true;
	unsigned uid = (unsigned)geteuid(), gid = (unsigned)getegid();
	err_set(err, ERR_DATA_DIR_UNWRITABLE,
		"the data directory %s cannot be created or written by uid %u gid %u (%s). Fix: chown -R %u:%u %s "
		"(in Kubernetes set securityContext.fsGroup: %u), make the volume writable, or set TUSK_DATA_DIR to "
		"a writable directory",
		dir, uid, gid, strerror(e), uid, gid, dir, gid);
	return false;
}

static void print_version(void)
{
	printf("tusk %s\n", TUSK_VERSION);
}

static bool is_loopback(const char *addr)
{
	return strcmp(addr, "127.0.0.1") == 0 || strcmp(addr, "::1") == 0 || strcmp(addr, "[::1]") == 0 ||
	       strcmp(addr, "localhost") == 0;
}

/* Checks shared by serving and the command-line tools: root, data dir, store. */
static int open_store(const config *cfg, store **out)
{
	tusk_err err;
	if (geteuid() == 0 && cfg->in_container && !cfg->allow_root)
		return fail(EXIT_CONFIG,
			    "refusing to run as root inside a container: run as a non-root user (the image "
			    "uses uid 5050), or set TUSK_ALLOW_ROOT=1 if you really mean it");
	if (!check_data_dir(cfg->data_dir, &err))
		return fail(EXIT_CONFIG, err.msg);
	if (!auth_crypto_init())
		return fail(EXIT_FAILURE, "libsodium could not be initialised");
	*out = store_open(cfg->data_dir, cfg->store_url, &err);
	if (!*out)
		return fail(EXIT_CONFIG, err.msg);
	return 0;
}

/* This process among those sharing the store: host, pid and a random part
 * (a restarted container has the same host name and pid 1 again). */
static void instance_name(char *out, size_t n)
{
	char host[256] = "";
	if (gethostname(host, sizeof(host) - 1) != 0 || !host[0])
		snprintf(host, sizeof(host), "tusk");
	host[strcspn(host, ":")] = '\0';
	unsigned char r[4];
	randombytes_buf(r, sizeof(r));
	snprintf(out, n, "%s:%ld:%02x%02x%02x%02x", host, (long)getpid(), r[0], r[1], r[2], r[3]);
}

/* What runs once however many replicas start together: the first
 * administrator and the servers.json import. */
static bool startup_once(tusk_app *app, tusk_err *err)
{
	if (!store_lock_startup(app->store, err))
		return false;
	bool ok = auth_bootstrap(app->auth, err) && api_pgadmin_import(app, err) && api_servers_load_file(app, err);
	store_unlock_startup(app->store);
	return ok;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	return ftw->level > 0 ? remove(path) : 0;
}

/* The empty folder children get as HOME (see jobs_child_setup): emptied on
 * every start and left unwritable, so nothing a program leaves there
 * survives or reaches the next one. */
static bool prepare_child_home(const char *data_dir, char *home, size_t n, tusk_err *err)
{
	snprintf(home, n, "%s/child-home", data_dir);
	if (mkdir(home, 0700) != 0 && errno != EEXIST) {
		err_set(err, ERR_DATA_DIR_UNWRITABLE, "cannot create %s: %s", home, strerror(errno));
		return false;
	}
	chmod(home, 0700);
	nftw(home, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	chmod(home, 0500);
	return true;
}

/* In server mode the process's own libpq configuration is no user's to use:
 * PG* variables are dropped, Kerberos finds no ticket or keytab, and a
 * pg_service.conf is read only from the operator's TUSK_PG_SERVICE_FILE. */
static void scrub_environment(const config *cfg, const char *home)
{
	bool server = cfg->server_mode && !cfg->desktop;
	if (!server)
		return;
	str dropped = STR_INIT;
	for (;;) {
		char *name = NULL;
		for (char **e = environ; e && *e && !name; e++)
			if (strncmp(*e, "PG", 2) == 0 && strncmp(*e, "PGADMIN_", 8) != 0) {
				char *eq = strchr(*e, '=');
				name = xstrndup(*e, eq ? (size_t)(eq - *e) : strlen(*e));
				/* unsetenv drops the pointer; the value would stay in the environment block */
				if (eq)
					memset(eq + 1, 0, strlen(eq + 1));
			}
		if (!name)
			break;
		str_appendf(&dropped, "%s%s", dropped.len ? " " : "", name);
		unsetenv(name);
		free(name);
	}
	if (dropped.len)
		log_msg(LOG_WARN, "ignoring libpq environment variables in server mode", "names", str_cstr(&dropped),
			NULL);
	str_free(&dropped);
	char v[4300];
	snprintf(v, sizeof(v), "FILE:%s/krb5cc", home);
	setenv("KRB5CCNAME", v, 1);
	snprintf(v, sizeof(v), "FILE:%s/client.keytab", home);
	setenv("KRB5_CLIENT_KTNAME", v, 1);
	if (cfg->pg_service_file && *cfg->pg_service_file) {
		setenv("PGSERVICEFILE", cfg->pg_service_file, 1);
		setenv("PGSYSCONFDIR", home, 1);
	}
}

/* Files and folders Tusk made before it set its umask (an older Tusk, or a
 * volume's defaults) become private too. */
static void tighten_modes(const char *data_dir)
{
	static const char *const files[] = {"tusk.db", "tusk.db-wal", "tusk.db-shm", AUTH_INITIAL_PASSWORD_FILE, NULL};
	static const char *const dirs[] = {"jobs", "spool", "storage", NULL};
	char path[4200];
	for (size_t i = 0; files[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", data_dir, files[i]);
		chmod(path, 0600);
	}
	for (size_t i = 0; dirs[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", data_dir, dirs[i]);
		chmod(path, 0700);
	}
}

/* A query tab's connection closed: it no longer counts toward the user's cap for its server. */
static void dedicated_closed(void *pool, int64_t user_id, int64_t server_id)
{
	pgpool_dedicated_closed(pool, user_id, server_id);
}

/* Work that precedes serving and needs no store: the data directory's
 * modes, the jobs' environment, uploads a previous run left behind. */
/* Whether a user with this id exists (a store error counts as yes: nothing is moved on a doubt). */
static bool user_exists(void *ctx, int64_t id)
{
	store_user u;
	tusk_err err;
	return store_user_by_id(ctx, id, &u, &err) != 0;
}

/* The PSQL tool's sandbox shows /usr and a few /etc files whole: Tusk's own files must lie
 * elsewhere (psql_guard refuses the tool while one does not; said here at start), and a Tusk
 * run as root runs psql as the host's uid 0 (in a sandbox, without capabilities). */
static void guard_psql(const config *cfg)
{
	if (cfg->server_mode && !cfg->enable_psql)
		return;
	char why[2 * PATH_MAX];
	const char *const named[][2] = {{"Tusk's data directory (TUSK_DATA_DIR)", cfg->data_dir},
					{"TUSK_SPOOL_DIR", cfg->spool_dir},
					{"TUSK_PG_SERVICE_FILE", cfg->pg_service_file},
					{"TUSK_SERVER_JSON_FILE", cfg->server_json_file},
					{"TUSK_LDAP_KEY_FILE", cfg->ldap_key_file},
					{"TUSK_LDAP_CERT_FILE", cfg->ldap_cert_file}};
	for (size_t i = 0; i < sizeof(named) / sizeof(*named); i++)
		if (!psql_guard(named[i][0], named[i][1], why, sizeof(why)))
			log_msg(LOG_WARN,
				"the PSQL tool is refused while a file of Tusk's lies where its sandbox shows", "why",
				why, NULL);
	for (const char *p = cfg->file_dirs; p && *p;) { /* the operator's keys */
		size_t len = strcspn(p, ":");
		char dir[PATH_MAX];
		snprintf(dir, sizeof(dir), "%.*s", (int)len, p);
		if (!psql_guard("a folder of TUSK_FILE_DIRS", dir, why, sizeof(why)))
			log_msg(LOG_WARN,
				"the PSQL tool is refused while a file of Tusk's lies where its sandbox shows", "why",
				why, NULL);
		p += len + (p[len] == ':');
	}
	for (char **e = environ; *e; e++) { /* secrets read from NAME_FILE */
		const char *eq = strchr(*e, '=');
		char name[128];
		if (!eq || eq - *e < 5 || strncmp(eq - 5, "_FILE", 5) != 0 || eq[1] != '/' ||
		    (size_t)(eq - *e) >= sizeof(name) || strstr(*e, "CA_CERT") ||
		    (strncmp(*e, "TUSK_", 5) != 0 && strncmp(*e, "PGADMIN_", 8) != 0))
			continue; /* Tusk's own (a CA certificate is public) */
		snprintf(name, sizeof(name), "%.*s", (int)(eq - *e), *e);
		if (!psql_guard(name, eq + 1, why, sizeof(why)))
			log_msg(LOG_WARN,
				"the PSQL tool is refused while a file of Tusk's lies where its sandbox shows", "why",
				why, NULL);
	}
	if (geteuid() == 0)
		log_msg(
		    LOG_WARN,
		    "Tusk runs as root: the PSQL tool's psql then runs as the host's uid 0 (in its sandbox, without "
		    "capabilities, without /proc); run Tusk as an unprivileged user (see docs/security.md)",
		    NULL);
}

static bool prepare_host(const config *cfg, store *st, const pgallow *allow, char *home, size_t n, tusk_err *err)
{
	if (!prepare_child_home(cfg->data_dir, home, n, err))
		return false;
	tighten_modes(cfg->data_dir);
	if (cfg->server_mode && !cfg->desktop && !pgallow_listed(allow))
		log_msg(LOG_WARN,
			"TUSK_ALLOWED_HOSTS is not set: users may make Tusk connect to any host and port; set it to "
			"where your PostgreSQL servers are",
			NULL);
	scrub_environment(cfg, home);
	jobs_child_setup(home, cfg->pg_service_file, cfg->file_dirs);
	guard_psql(cfg);
	if (!jobs_fence_available())
		log_msg(
		    LOG_WARN,
		    "Landlock is not available here (kernel or seccomp): jobs' programs are not fenced in to the user's "
		    "own files (see docs/security.md)",
		    NULL);
	/* with SQLite this is the only Tusk: every upload in progress died with the last one */
	size_t swept = files_sweep_partials(cfg->data_dir, cfg->store_url && *cfg->store_url ? FILES_PARTIAL_STALE : 0);
	if (swept) {
		char count[24];
		snprintf(count, sizeof(count), "%zu", swept);
		log_msg(LOG_INFO, "removed uploads a previous run left unfinished", "files", count, NULL);
	}
	size_t orphans = files_set_aside_orphans(cfg->data_dir, user_exists, st);
	if (orphans) {
		char count[24];
		snprintf(count, sizeof(count), "%zu", orphans);
		log_msg(LOG_WARN, "storage areas of deleted users set aside (storage/.orphaned-*)", "areas", count,
			NULL);
	}
	return true;
}

static pgpool *open_pool(const config *cfg, const pgallow *allow, const char *none_path)
{
	pgpool_policy policy = {.server_mode = cfg->server_mode && !cfg->desktop,
				.allow = allow,
				.none_path = none_path,
				.allow_service = cfg->pg_service_file && *cfg->pg_service_file};
	return pgpool_new(&(pgpool_limits){.per_user_cap = cfg->pg_max_connections_per_user,
					   .per_server_cap = cfg->pg_max_connections_per_server,
					   .idle_seconds = cfg->pg_idle_timeout,
					   .statement_timeout_ms = cfg->pg_statement_timeout,
					   .connect_timeout_s = cfg->pg_connect_timeout,
					   .pool_wait_s = cfg->pg_pool_wait},
			  &policy);
}

/* The query tabs, the dashboards' samplers and the jobs (settling those a
 * Tusk that is gone left behind: a previous run, a replica that stopped). */
static bool open_runtime(tusk_app *app, const char *instance, tusk_err *err)
{
	const config *cfg = app->cfg;
	char spool_dir[4096];
	snprintf(spool_dir, sizeof(spool_dir), "%s", cfg->spool_dir && *cfg->spool_dir ? cfg->spool_dir : "");
	if (!spool_dir[0])
		snprintf(spool_dir, sizeof(spool_dir), "%s/spool", cfg->data_dir);
	if (make_dirs(spool_dir) != 0) {
		err_set(err, ERR_IO_ERROR, "cannot create the spool directory %s: %s", spool_dir, strerror(errno));
		return false;
	}
	/* 4 MiB of each result set stays in memory; the rest goes to unlinked files */
	app->queries = qmanager_new(spool_dir, cfg->query_idle_timeout, 4u << 20, api_history_record, app);
	qmanager_on_conn_closed(app->queries, dedicated_closed, app->pool);
	app->samplers = samplers_new(app->pool, 1000);
	app->jobs = jobs_new(app->store, cfg->data_dir, instance, cfg->max_jobs);
	api_psql_start(app);
	if (!store_instance_register(app->store, instance, err))
		return false;
	jobs_recover(app->jobs);
	return startup_once(app, err);
}

static http_server *listen_http(tusk_app *app, tusk_err *err)
{
	const config *cfg = app->cfg;
	http_static_init(embed_web, embed_web_count);
	size_t nroutes;
	const http_route *routes = api_routes(&nroutes);
	http_config hc = {
	    .listen_address = cfg->listen_address,
	    .port = cfg->port,
	    .script_name = cfg->script_name,
	    .trusted_proxies = cfg->trusted_proxies,
	    .max_body_bytes = (size_t)cfg->max_body_bytes,
	    .json_body_bytes = (size_t)cfg->max_json_bytes,
	    .small_body_bytes = 16 * 1024,
	    .max_connections = (unsigned)cfg->max_connections,
	    .max_connections_per_ip = (unsigned)cfg->max_connections_per_ip,
	    .max_connections_per_user = (unsigned)cfg->max_connections_per_user,
	    .max_slow_connections_per_ip = (unsigned)cfg->max_slow_connections_per_ip,
	    .timeout_seconds = (unsigned)cfg->http_timeout,
	    .header_timeout_seconds = (unsigned)cfg->http_header_timeout,
	    .body_timeout_seconds = (unsigned)cfg->http_body_timeout,
	    .routes = routes,
	    .nroutes = nroutes,
	    .before = api_before,
	    .fallback = http_static_serve,
	    .app = app,
	};
	return http_server_start(&hc, err);
}

static void announce_ready(tusk_app *app, const char *instance)
{
	const config *cfg = app->cfg;
	char url[512];
	const char *host = cfg->listen_address;
	if (strcmp(host, "[::]") == 0 || strcmp(host, "::") == 0 || strcmp(host, "0.0.0.0") == 0)
		host = "localhost";
	snprintf(url, sizeof(url), "http://%s:%d%s/", host, http_server_port(app->http), cfg->script_name);
	char port[16];
	snprintf(port, sizeof(port), "%d", http_server_port(app->http));
	char where[512];
	store_describe(app->store, where, sizeof(where));
	log_msg(LOG_INFO, "tusk ready", "url", url, "port", port, "version", TUSK_VERSION, "data_dir", cfg->data_dir,
		"store", where, "instance", instance, NULL);
	if (cfg->desktop) {
		/* the key rides in the fragment: browsers never send it to a server or a log */
		char key[AUTH_TOKEN_CHARS];
		auth_desktop_key_issue(app->auth, key);
		printf("\n  Open %s#key=%s\n\n", url, key);
		fflush(stdout);
	}
}

/* Until SIGTERM or SIGINT; then no new connections, running queries
 * cancelled and event streams ended so the drain can finish, jobs stopped. */
static void run_until_signal(tusk_app *app)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	int sig = 0;
	sigwait(&set, &sig);
	log_msg(LOG_INFO, "shutting down", "signal", sig == SIGTERM ? "SIGTERM" : "SIGINT", NULL);
	int ms = app->cfg->shutdown_timeout * 1000;
	http_server_quiesce(app->http);
	api_access_stop();
	qmanager_shutdown(app->queries, ms);
	samplers_shutdown(app->samplers, ms);
	jobs_shutdown(app->jobs, ms);
	api_psql_shutdown();
	api_stream_shutdown(ms);
	if (!http_server_drain(app->http, ms))
		log_msg(LOG_WARN, "requests still running at the shutdown deadline; closing them", NULL);
}

/* Serves until a signal; whatever way it ends, what was started is freed at the one label. */
static int serve(const config *cfg)
{
	tusk_err err = {0};
	tusk_app app = {.cfg = cfg, .started = time(NULL)};
	int rc = EXIT_CONFIG;
	pgallow *allow = NULL;
	char home[4200], none[4300], instance[320];
	if (cfg->desktop && !is_loopback(cfg->listen_address)) {
		err_set(&err, ERR_INVALID_SETTING,
			"desktop mode listens on loopback only: set the listen address to "
			"127.0.0.1 or ::1 (or run in server mode)");
		goto out;
	}
	if (!(allow = pgallow_new(cfg->allowed_hosts, &err)))
		goto out;
	if ((rc = open_store(cfg, &app.store)) != 0)
		goto out; /* open_store logged why */
	rc = EXIT_CONFIG;
	if (!prepare_host(cfg, app.store, allow, home, sizeof(home), &err))
		goto out;
	snprintf(none, sizeof(none), "%s/none", home);
	app.auth = auth_new(app.store, cfg);
	app.pool = open_pool(cfg, allow, none);
	instance_name(instance, sizeof(instance));
	if (!open_runtime(&app, instance, &err))
		goto out;
	if (!(app.http = listen_http(&app, &err))) {
		rc = EXIT_FAILURE;
		goto out;
	}
	api_access_start(&app);
	announce_ready(&app, instance);
	run_until_signal(&app);
	rc = 0;
out:
	if (rc != 0 && err.msg[0])
		fail(rc, err.msg);
	if (app.http)
		http_server_stop(app.http);
	api_stream_wait();
	api_psql_stop();
	api_schema_diff_stop();
	jobs_free(app.jobs);
	samplers_free(app.samplers);
	qmanager_free(app.queries);
	pgpool_free(app.pool);
	auth_free(app.auth);
	store_close(app.store);
	pgallow_free(allow);
	if (rc == 0)
		log_msg(LOG_INFO, "stopped", NULL);
	return rc;
}

/* tusk doctor [--data-dir DIR] [--store-url URL]: the runbook's checks, one line each with the
 * fix (doctor/). Exit 0 when nothing is wrong, 1 otherwise. */
static int doctor_command(int argc, char **argv)
{
	char *flags[6] = {argv[0]};
	int nflags = 1;
	for (int i = 2; i < argc; i++) {
		if ((strcmp(argv[i], "--data-dir") == 0 || strcmp(argv[i], "--store-url") == 0) && i + 1 < argc &&
		    nflags + 2 <= 6) {
			flags[nflags++] = argv[i];
			flags[nflags++] = argv[++i];
		} else {
			fprintf(stderr, "usage: tusk doctor [--data-dir DIR] [--store-url URL]\n");
			return EXIT_USAGE;
		}
	}
	config cfg;
	tusk_err err;
	char *config_error = NULL;
	bool loaded = config_load(&cfg, nflags, flags, environ, &err);
	size_t nenv = 0;
	while (environ[nenv])
		nenv++;
	char **env = xcalloc(nenv + 1, sizeof(*env));
	if (!loaded) {
		/* say why, and check the rest without the secret files that could not be read */
		config_error = xstrdup(err.msg);
		config_free(&cfg);
		size_t k = 0;
		for (size_t i = 0; i < nenv; i++) {
			const char *eq = strchr(environ[i], '=');
			if (!eq || eq - environ[i] < 5 || strncmp(eq - 5, "_FILE", 5) != 0)
				env[k++] = environ[i];
		}
		loaded = config_load(&cfg, nflags, flags, env, &err);
	} else {
		memcpy(env, environ, nenv * sizeof(*env));
	}
	if (!loaded)
		config_free(&cfg);
	/* libsodium verifies the Secret's password against the account */
	int problems = auth_crypto_init() ? doctor_run(loaded ? &cfg : NULL, config_error, env, stdout) : 1;
	if (loaded)
		config_free(&cfg);
	free(env);
	free(config_error);
	return problems ? 1 : 0;
}

/* Thousands of connections need as many descriptors: take the hard limit. */
static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		log_msg(LOG_WARN, "cannot raise the open-file limit", "detail", strerror(errno), NULL);
}

int main(int argc, char **argv)
{
	/* Block the stop signals before any thread starts so only sigwait sees them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* every file and folder Tusk makes is its own alone, whatever the caller's umask */
	umask(077);
	/* An encrypted client key opens with the connection's sslpassword or not at all: without
	 * a hook of its own, libpq leaves OpenSSL to ask for the passphrase on the terminal, and a
	 * request (or a job) would wait there for ever. libpq's default hook gives sslpassword or
	 * nothing. */
	PQsetSSLKeyPassHook_OpenSSL(PQdefaultSSLKeyPassHook_OpenSSL);

	if (argc >= 2 && strcmp(argv[1], JOBS_SQLCLIENT_COMMAND) == 0)
		return jobs_sqlclient_main(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "user") == 0)
		return cli_user(argc, argv, environ, open_store);
	if (argc >= 2 && strcmp(argv[1], "doctor") == 0)
		return doctor_command(argc, argv);
	config cfg;
	tusk_err err;
	if (!config_load(&cfg, argc, argv, environ, &err)) {
		fprintf(stderr, "tusk: %s\n", err.msg);
		config_free(&cfg);
		return err.code == ERR_INVALID_FLAG ? EXIT_USAGE : EXIT_CONFIG;
	}
	if (cfg.show_help) {
		config_print_help(stdout);
		config_free(&cfg);
		return 0;
	}
	if (cfg.show_version) {
		print_version();
		config_free(&cfg);
		return 0;
	}
	enum log_level level;
	if (!log_parse_level(cfg.log_level, &level)) {
		fprintf(stderr, "tusk: log level must be debug, info, warn or error, got '%s'\n", cfg.log_level);
		config_free(&cfg);
		return EXIT_CONFIG;
	}
	log_setup(level, strcmp(cfg.log_format, "json") == 0);
	config_wipe_secrets(environ);
	/* each PGADMIN_CONFIG_* variable is reported once: applied, or ignored and why */
	for (char *line = cfg.pgadmin_notes, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *colon = strchr(line, ':');
		if (colon)
			*colon = '\0';
		log_msg(LOG_INFO, "pgAdmin setting", "key", line, "outcome", colon ? colon + 2 : "", NULL);
	}
	raise_fd_limit();
	int rc = serve(&cfg);
	config_free(&cfg);
	return rc;
}
