/* flags/env -> config -> store -> http; signals; graceful shutdown. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "config.h"
#include "http/http.h"
#include "http/static.h"
#include "store/store.h"
#include "util/embed.h"
#include "util/log.h"
#include "util/str.h"

extern char **environ;

enum { EXIT_USAGE = 64, EXIT_CONFIG = 78 };

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
	err_set(err, "data_dir_unwritable",
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

static int serve(const config *cfg)
{
	tusk_err err;
	if (geteuid() == 0 && cfg->in_container && !cfg->allow_root)
		return fail(EXIT_CONFIG, "refusing to run as root inside a container: run as a non-root user (the image "
					 "uses uid 5050), or set TUSK_ALLOW_ROOT=1 if you really mean it");
	if (!check_data_dir(cfg->data_dir, &err))
		return fail(EXIT_CONFIG, err.msg);
	store *st = store_open(cfg->data_dir, &err);
	if (!st)
		return fail(EXIT_CONFIG, err.msg);

	tusk_app app = {.cfg = cfg, .store = st, .started = time(NULL)};
	http_static_init(embed_web, embed_web_count);
	size_t nroutes;
	const http_route *routes = api_routes(&nroutes);
	http_config hc = {
		.listen_address = cfg->listen_address,
		.port = cfg->port,
		.script_name = cfg->script_name,
		.trusted_proxies = cfg->trusted_proxies,
		.max_body_bytes = (size_t)cfg->max_body_bytes,
		.max_connections = (unsigned)cfg->max_connections,
		.max_connections_per_ip = (unsigned)cfg->max_connections_per_ip,
		.timeout_seconds = (unsigned)cfg->http_timeout,
		.routes = routes,
		.nroutes = nroutes,
		.before = api_before,
		.fallback = http_static_serve,
		.app = &app,
	};
	http_server *srv = http_server_start(&hc, &err);
	if (!srv) {
		store_close(st);
		return fail(EXIT_FAILURE, err.msg);
	}
	char url[512];
	const char *host = cfg->listen_address;
	if (strcmp(host, "[::]") == 0 || strcmp(host, "::") == 0 || strcmp(host, "0.0.0.0") == 0)
		host = "localhost";
	snprintf(url, sizeof(url), "http://%s:%d%s/", host, http_server_port(srv), cfg->script_name);
	char port[16];
	snprintf(port, sizeof(port), "%d", http_server_port(srv));
	log_msg(LOG_INFO, "tusk ready", "url", url, "port", port, "version", TUSK_VERSION, "data_dir", cfg->data_dir,
		NULL);

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	int sig = 0;
	sigwait(&set, &sig);
	log_msg(LOG_INFO, "shutting down", "signal", sig == SIGTERM ? "SIGTERM" : "SIGINT", NULL);
	http_server_quiesce(srv);
	if (!http_server_drain(srv, cfg->shutdown_timeout * 1000))
		log_msg(LOG_WARN, "requests still running at the shutdown deadline; closing them", NULL);
	http_server_stop(srv);
	store_close(st);
	log_msg(LOG_INFO, "stopped", NULL);
	return 0;
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

	config cfg;
	tusk_err err;
	if (!config_load(&cfg, argc, argv, environ, &err)) {
		fprintf(stderr, "tusk: %s\n", err.msg);
		config_free(&cfg);
		return strcmp(err.code, "invalid_flag") == 0 ? EXIT_USAGE : EXIT_CONFIG;
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
	int rc = serve(&cfg);
	config_free(&cfg);
	return rc;
}
