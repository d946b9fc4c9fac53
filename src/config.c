#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "util/str.h"

enum kind { K_STR, K_INT, K_BOOL };

struct setting {
	const char *flag;   /* long flag without "--", or NULL */
	const char *env[3]; /* environment names, first wins */
	enum kind kind;
	size_t offset;
	const char *def; /* default as text; NULL = computed or empty */
	bool secret;	 /* also read from <ENV>_FILE */
	int min, max;	 /* range for K_INT */
	const char *help;
};

#define OFF(f) offsetof(config, f)

static const struct setting settings[] = {
    {"listen",
     {"TUSK_LISTEN_ADDRESS", "PGADMIN_LISTEN_ADDRESS"},
     K_STR,
     OFF(listen_address),
     NULL,
     false,
     0,
     0,
     "address to listen on; default [::] in a container, 127.0.0.1 elsewhere"},
    {"port",
     {"TUSK_PORT", "PGADMIN_LISTEN_PORT"},
     K_INT,
     OFF(port),
     NULL,
     false,
     0,
     65535,
     "TCP port (0 picks a free one); default 80 in a container, 5050 elsewhere"},
    {"data-dir",
     {"TUSK_DATA_DIR"},
     K_STR,
     OFF(data_dir),
     NULL,
     false,
     0,
     0,
     "metadata directory; default /var/lib/pgadmin when it exists, else ./data"},
    {"store-url",
     {"TUSK_STORE_URL"},
     K_STR,
     OFF(store_url),
     NULL,
     true,
     0,
     0,
     "metadata store on PostgreSQL (postgresql://... or key=value), shared by replicas; unset = SQLite in the data "
     "directory"},
    {"script-name",
     {"SCRIPT_NAME", "TUSK_SCRIPT_NAME"},
     K_STR,
     OFF(script_name),
     "",
     false,
     0,
     0,
     "serve the app under this sub-path, e.g. /pgadmin"},
    {"log-format", {"TUSK_LOG_FORMAT"}, K_STR, OFF(log_format), "text", false, 0, 0, "text or json"},
    {"log-level", {"TUSK_LOG_LEVEL"}, K_STR, OFF(log_level), "info", false, 0, 0, "debug, info, warn or error"},
    {"max-body-bytes",
     {"TUSK_MAX_BODY_BYTES"},
     K_INT,
     OFF(max_body_bytes),
     "10485760",
     false,
     1024,
     INT_MAX,
     "largest request body of the routes that take SQL scripts or imports (413 beyond)"},
    {"max-json-bytes",
     {"TUSK_MAX_JSON_BYTES"},
     K_INT,
     OFF(max_json_bytes),
     "1048576",
     false,
     1024,
     INT_MAX,
     "largest request body of every other route (login: 16 KiB; 413 beyond)"},
    {"max-connections",
     {"TUSK_MAX_CONNECTIONS"},
     K_INT,
     OFF(max_connections),
     "2048",
     false,
     16,
     100000,
     "simultaneous HTTP connections; past it 503 with Retry-After"},
    {"max-connections-per-ip",
     {"TUSK_MAX_CONNECTIONS_PER_IP"},
     K_INT,
     OFF(max_connections_per_ip),
     "0",
     false,
     0,
     100000,
     "simultaneous HTTP connections from one address, past it 503 (0 = no cap; behind a proxy every "
     "connection comes from the proxy)"},
    {"max-connections-per-user",
     {"TUSK_MAX_CONNECTIONS_PER_USER"},
     K_INT,
     OFF(max_connections_per_user),
     "64",
     false,
     0,
     100000,
     "simultaneous HTTP connections one logged-in user holds (every window, stream and request); past it "
     "429 (0 = no cap)"},
    {"max-slow-connections-per-ip",
     {"TUSK_MAX_SLOW_CONNECTIONS_PER_IP"},
     K_INT,
     OFF(max_slow_connections_per_ip),
     "16",
     false,
     0,
     100000,
     "connections from one address still sending their headers after a second without having logged in; the "
     "oldest beyond are closed (0 = no cap)"},
    {"http-timeout",
     {"TUSK_HTTP_TIMEOUT"},
     K_INT,
     OFF(http_timeout),
     "120",
     false,
     1,
     86400,
     "seconds an idle HTTP connection is kept"},
    {"http-header-timeout",
     {"TUSK_HTTP_HEADER_TIMEOUT"},
     K_INT,
     OFF(http_header_timeout),
     "10",
     false,
     1,
     3600,
     "seconds a client not logged in has to send a request's headers (also between keep-alive requests)"},
    {"http-body-timeout",
     {"TUSK_HTTP_BODY_TIMEOUT"},
     K_INT,
     OFF(http_body_timeout),
     "30",
     false,
     1,
     3600,
     "seconds a request body (but a file upload) has to arrive once its headers are in"},
    {"shutdown-timeout",
     {"TUSK_SHUTDOWN_TIMEOUT"},
     K_INT,
     OFF(shutdown_timeout),
     "10",
     false,
     0,
     3600,
     "seconds in-flight requests get to finish on SIGTERM"},
    {"allow-root",
     {"TUSK_ALLOW_ROOT"},
     K_BOOL,
     OFF(allow_root),
     "false",
     false,
     0,
     0,
     "allow running as root inside a container"},
    {"desktop",
     {"TUSK_DESKTOP"},
     K_BOOL,
     OFF(desktop),
     "false",
     false,
     0,
     0,
     "desktop mode: loopback only, no login form, one-time key in the printed URL"},
    {"server-mode",
     {"TUSK_SERVER_MODE"},
     K_BOOL,
     OFF(server_mode),
     "true",
     false,
     0,
     0,
     "require login (false is the same as --desktop)"},
    {"default-email",
     {"PGADMIN_DEFAULT_EMAIL", "TUSK_DEFAULT_EMAIL"},
     K_STR,
     OFF(default_email),
     NULL,
     false,
     0,
     0,
     "e-mail of the administrator created on first start"},
    {NULL,
     {"PGADMIN_DEFAULT_PASSWORD", "TUSK_DEFAULT_PASSWORD"},
     K_STR,
     OFF(default_password),
     NULL,
     true,
     0,
     0,
     "password of the administrator created on first start (or *_FILE)"},
    {"generate-admin-password",
     {"TUSK_GENERATE_ADMIN_PASSWORD"},
     K_BOOL,
     OFF(generate_admin_password),
     "false",
     false,
     0,
     0,
     "on first start without PGADMIN_DEFAULT_*, create admin@tusk.local with a random password (make run does)"},
    {"trusted-proxies",
     {"TUSK_TRUSTED_PROXIES"},
     K_STR,
     OFF(trusted_proxies),
     "127.0.0.0/8,::1/128",
     false,
     0,
     0,
     "addresses (CIDR, comma-separated) whose X-Forwarded-* headers are believed; set it to your ingress "
     "controller's pod network"},
    {"authentication-sources",
     {"TUSK_AUTHENTICATION_SOURCES"},
     K_STR,
     OFF(auth_sources),
     "internal",
     false,
     0,
     0,
     "where users sign in, in order, comma-separated: internal, ldap, oauth2 (providers in TUSK_OAUTH2_CONFIG), webserver"},
    {"oauth2-redirect-url",
     {"TUSK_OAUTH2_REDIRECT_URL"},
     K_STR,
     OFF(oauth2_redirect_url),
     NULL,
     false,
     0,
     0,
     "oauth2 source: the redirect URI registered at the providers (https://tusk.example.org/oauth2/authorize); "
     "when set, used instead of one built from the request's Host header"},
    {"webserver-remote-user",
     {"TUSK_WEBSERVER_REMOTE_USER"},
     K_STR,
     OFF(webserver_remote_user),
     "X-Forwarded-User",
     false,
     0,
     0,
     "webserver source: the one request header naming the user, the one the proxy sets and overwrites; believed only from TUSK_TRUSTED_PROXIES"},
    {"webserver-auto-create-user",
     {"TUSK_WEBSERVER_AUTO_CREATE_USER"},
     K_BOOL,
     OFF(webserver_auto_create_user),
     "true",
     false,
     0,
     0,
     "webserver source: create a user the proxy names on first sign-in (false: only existing users)"},
    {"two-factor",
     {"TUSK_TWO_FACTOR"},
     K_BOOL,
     OFF(two_factor),
     "true",
     false,
     0,
     0,
     "users of the internal and ldap sources may enrol an authenticator app (TOTP) for a second sign-in step (false: no enrolment and no second step)"},
    {"require-two-factor",
     {"TUSK_REQUIRE_TWO_FACTOR"},
     K_BOOL,
     OFF(require_two_factor),
     "false",
     false,
     0,
     0,
     "every user of the internal and ldap sources must enrol an authenticator app before anything else"},
    {"ldap-server-uri",
     {"TUSK_LDAP_SERVER_URI"},
     K_STR,
     OFF(ldap_server_uri),
     "",
     false,
     0,
     0,
     "ldap source: ldap://host:389 or ldaps://host:636"},
    {"ldap-username-attribute",
     {"TUSK_LDAP_USERNAME_ATTRIBUTE"},
     K_STR,
     OFF(ldap_username_attribute),
     "uid",
     false,
     0,
     0,
     "ldap source: the attribute holding the user name (uid, sAMAccountName, cn)"},
    {"ldap-search-base-dn",
     {"TUSK_LDAP_SEARCH_BASE_DN"},
     K_STR,
     OFF(ldap_search_base_dn),
     "",
     false,
     0,
     0,
     "ldap source: where users are searched (default: the base DN)"},
    {"ldap-search-filter",
     {"TUSK_LDAP_SEARCH_FILTER"},
     K_STR,
     OFF(ldap_search_filter),
     "(objectclass=*)",
     false,
     0,
     0,
     "ldap source: a filter ANDed with the user name's, e.g. (memberOf=cn=dba,ou=groups,dc=example,dc=org)"},
    {"ldap-search-scope",
     {"TUSK_LDAP_SEARCH_SCOPE"},
     K_STR,
     OFF(ldap_search_scope),
     "subtree",
     false,
     0,
     0,
     "ldap source: subtree, level or base"},
    {"ldap-bind-user",
     {"TUSK_LDAP_BIND_USER"},
     K_STR,
     OFF(ldap_bind_user),
     "",
     false,
     0,
     0,
     "ldap source: the service account's DN for search-then-bind (unset with no anonymous bind: direct bind)"},
    {NULL,
     {"TUSK_LDAP_BIND_PASSWORD"},
     K_STR,
     OFF(ldap_bind_password),
     "",
     true,
     0,
     0,
     "ldap source: the service account's password"},
    {"ldap-anonymous-bind",
     {"TUSK_LDAP_ANONYMOUS_BIND"},
     K_BOOL,
     OFF(ldap_anonymous_bind),
     "false",
     false,
     0,
     0,
     "ldap source: search anonymously, then bind as the user found"},
    {"ldap-base-dn",
     {"TUSK_LDAP_BASE_DN"},
     K_STR,
     OFF(ldap_base_dn),
     "",
     false,
     0,
     0,
     "ldap source: direct bind as <username attribute>=<name>,<base DN>; also the default search base"},
    {"ldap-use-starttls",
     {"TUSK_LDAP_USE_STARTTLS"},
     K_BOOL,
     OFF(ldap_use_starttls),
     "false",
     false,
     0,
     0,
     "ldap source: StartTLS on an ldap:// connection (required to succeed)"},
    {"ldap-ca-cert-file",
     {"TUSK_LDAP_CA_CERT_FILE"},
     K_STR,
     OFF(ldap_ca_cert_file),
     "",
     false,
     0,
     0,
     "ldap source: CA certificates (PEM) that sign the directory's certificate"},
    {"ldap-cert-file",
     {"TUSK_LDAP_CERT_FILE"},
     K_STR,
     OFF(ldap_cert_file),
     "",
     false,
     0,
     0,
     "ldap source: client certificate (PEM), when the directory asks for one"},
    {"ldap-key-file",
     {"TUSK_LDAP_KEY_FILE"},
     K_STR,
     OFF(ldap_key_file),
     "",
     false,
     0,
     0,
     "ldap source: the client certificate's key (PEM)"},
    {"ldap-auto-create-user",
     {"TUSK_LDAP_AUTO_CREATE_USER"},
     K_BOOL,
     OFF(ldap_auto_create_user),
     "true",
     false,
     0,
     0,
     "ldap source: create a user on first sign-in (false: only existing users)"},
    {"ldap-dn-case-sensitive",
     {"TUSK_LDAP_DN_CASE_SENSITIVE"},
     K_BOOL,
     OFF(ldap_dn_case_sensitive),
     "false",
     false,
     0,
     0,
     "ldap source: keep the case of user names as typed (false: names are lower-cased, so Alice and alice are one user)"},
    {"ldap-admin-group",
     {"TUSK_LDAP_ADMIN_GROUP"},
     K_STR,
     OFF(ldap_admin_group),
     "",
     false,
     0,
     0,
     "ldap source: DN of a group whose members are administrators"},
    {"ldap-user-group",
     {"TUSK_LDAP_USER_GROUP"},
     K_STR,
     OFF(ldap_user_group),
     "",
     false,
     0,
     0,
     "ldap source: DN of a group whose members are users; when set, members of neither group are refused"},
    {"ldap-connection-timeout",
     {"TUSK_LDAP_CONNECTION_TIMEOUT"},
     K_INT,
     OFF(ldap_connection_timeout),
     "30",
     false,
     1,
     3600,
     "ldap source: seconds a sign-in may wait on the directory in all (connection, TLS, every answer)"},
    {"ldap-max-sign-ins",
     {"TUSK_LDAP_MAX_SIGN_INS"},
     K_INT,
     OFF(ldap_max_sign_ins),
     "16",
     false,
     1,
     10000,
     "ldap source: sign-ins that may wait on the directory at once; past it 503 with Retry-After"},
    {"session-idle-timeout",
     {"TUSK_SESSION_IDLE_TIMEOUT"},
     K_INT,
     OFF(session_idle_timeout),
     "3600",
     false,
     2,
     INT_MAX,
     "seconds of inactivity after which a login session ends"},
    {"session-lifetime",
     {"TUSK_SESSION_LIFETIME", "PGADMIN_SESSION_EXPIRATION_TIME"},
     K_INT,
     OFF(session_lifetime),
     "86400",
     false,
     2,
     INT_MAX,
     "seconds after login at which a session ends however active"},
    {"max-login-attempts",
     {"TUSK_MAX_LOGIN_ATTEMPTS", "PGADMIN_MAX_LOGIN_ATTEMPTS"},
     K_INT,
     OFF(max_login_attempts),
     "5",
     false,
     0,
     1000,
     "wrong passwords for one e-mail address before logins to it pause (0 = never)"},
    {"login-lockout-seconds",
     {"TUSK_LOGIN_LOCKOUT_SECONDS"},
     K_INT,
     OFF(login_lockout_seconds),
     "60",
     false,
     1,
     86400,
     "first pause after too many wrong passwords; doubles with each further one"},
    {"login-lockout-max-seconds",
     {"TUSK_LOGIN_LOCKOUT_MAX_SECONDS"},
     K_INT,
     OFF(login_lockout_max_seconds),
     "3600",
     false,
     1,
     604800,
     "longest pause after wrong passwords"},
    {"session-cache-seconds",
     {"TUSK_SESSION_CACHE_SECONDS"},
     K_INT,
     OFF(session_cache_seconds),
     "10",
     false,
     0,
     300,
     "seconds a checked login session is kept in memory (logout, password change and disabling a user end "
     "it at once on every replica; 0 = ask the store on every request)"},
    {"password-min-length",
     {"TUSK_PASSWORD_MIN_LENGTH"},
     K_INT,
     OFF(password_min_length),
     "8",
     false,
     1,
     1024,
     "shortest password accepted"},
    {"login-rate-limit",
     {"TUSK_LOGIN_RATE_LIMIT"},
     K_INT,
     OFF(login_rate_limit),
     "20",
     false,
     0,
     100000,
     "login attempts per minute from one client address (0 = no limit)"},
    {"pg-max-connections-per-user",
     {"TUSK_PG_MAX_CONNECTIONS_PER_USER"},
     K_INT,
     OFF(pg_max_connections_per_user),
     "10",
     false,
     1,
     10000,
     "PostgreSQL connections one Tusk user may have open for browsing (more requests wait)"},
    {"pg-idle-timeout",
     {"TUSK_PG_IDLE_TIMEOUT"},
     K_INT,
     OFF(pg_idle_timeout),
     "300",
     false,
     1,
     86400,
     "seconds an unused pooled PostgreSQL connection stays open"},
    {"pg-statement-timeout",
     {"TUSK_PG_STATEMENT_TIMEOUT"},
     K_INT,
     OFF(pg_statement_timeout),
     "30000",
     false,
     0,
     INT_MAX,
     "statement_timeout (ms) of the browser's catalog queries (0 = none); a server that does not answer "
     "within it and 2 s more gets 504"},
    {"pg-connect-timeout",
     {"TUSK_PG_CONNECT_TIMEOUT"},
     K_INT,
     OFF(pg_connect_timeout),
     "10",
     false,
     2,
     3600,
     "seconds to establish a PostgreSQL connection (the server's own connect_timeout, if set, wins)"},
    {"pg-pool-wait",
     {"TUSK_PG_POOL_WAIT"},
     K_INT,
     OFF(pg_pool_wait),
     "10",
     false,
     0,
     3600,
     "seconds a browsing request waits for a pooled connection when the user's are all busy (then 503)"},
    {"pg-max-connections-per-server",
     {"TUSK_PG_MAX_CONNECTIONS_PER_SERVER"},
     K_INT,
     OFF(pg_max_connections_per_server),
     "20",
     false,
     1,
     10000,
     "connections one user may have open to one server: browsing and query-tool tabs together"},
    {"max-query-sessions-per-user",
     {"TUSK_MAX_QUERY_SESSIONS_PER_USER"},
     K_INT,
     OFF(max_query_sessions_per_user),
     "16",
     false,
     1,
     10000,
     "query-tool tabs one user may have open (429 beyond)"},
    {"enable-psql",
     {"TUSK_ENABLE_PSQL"},
     K_BOOL,
     OFF(enable_psql),
     "false",
     false,
     0,
     0,
     "server mode: offer the PSQL tool (psql in a bubblewrap sandbox); desktop mode always does"},
    {"max-psql-sessions-per-user",
     {"TUSK_MAX_PSQL_SESSIONS_PER_USER"},
     K_INT,
     OFF(max_psql_sessions_per_user),
     "4",
     false,
     1,
     100,
     "PSQL tool tabs one user may have open (429 beyond)"},
    {"max-jobs-per-user",
     {"TUSK_MAX_JOBS_PER_USER"},
     K_INT,
     OFF(max_jobs_per_user),
     "4",
     false,
     1,
     1000,
     "jobs one user may have queued or running (429 beyond)"},
    {"spool-dir",
     {"TUSK_SPOOL_DIR"},
     K_STR,
     OFF(spool_dir),
     NULL,
     false,
     0,
     0,
     "where query results spill to disk; default <data dir>/spool"},
    {"file-dirs",
     {"TUSK_FILE_DIRS"},
     K_STR,
     OFF(file_dirs),
     "",
     false,
     0,
     0,
     "directories (':'-separated) whose files servers may name by absolute path (passfile, sslrootcert...)"},
    {"allowed-hosts",
     {"TUSK_ALLOWED_HOSTS"},
     K_STR,
     OFF(allowed_hosts),
     "",
     false,
     0,
     0,
     "servers users may connect to (server mode): addresses, CIDR ranges, host names, *.suffix, socket directories, "
     "each with an optional :port or :low-high; unset = any TCP host, no Unix socket"},
    {"pg-service-file",
     {"TUSK_PG_SERVICE_FILE"},
     K_STR,
     OFF(pg_service_file),
     "",
     false,
     0,
     0,
     "a pg_service.conf whose services users may name with service= (server mode); unset = service= is refused"},
    {"pg-bin-dir",
     {"TUSK_PG_BIN_DIR"},
     K_STR,
     OFF(pg_bin_dir),
     NULL,
     false,
     0,
     0,
     "directories (':'-separated) of pg_dump, pg_restore, psql for jobs; default /usr/lib/postgresql/*/bin"},
    {"max-jobs",
     {"TUSK_MAX_JOBS"},
     K_INT,
     OFF(max_jobs),
     "4",
     false,
     1,
     64,
     "background jobs (backups, restores) running at once; more wait queued"},
    {"query-idle-timeout",
     {"TUSK_QUERY_IDLE_TIMEOUT"},
     K_INT,
     OFF(query_idle_timeout),
     "1800",
     false,
     1,
     604800,
     "seconds a query-tool tab's connection stays open unused"},
    {"history-max",
     {"TUSK_HISTORY_MAX"},
     K_INT,
     OFF(history_max),
     "1000",
     false,
     0,
     1000000,
     "query history entries kept per user (0 = keep none)"},
    {"audit-sql",
     {"TUSK_AUDIT_SQL"},
     K_BOOL,
     OFF(audit_sql),
     "true",
     false,
     0,
     0,
     "write the text of every statement users run to the audit log (the run itself is always recorded)"},
    {NULL,
     {"TUSK_METRICS_TOKEN"},
     K_STR,
     OFF(metrics_token),
     NULL,
     true,
     0,
     0,
     "bearer token for GET /metrics (Prometheus); unset = /metrics answers 404"},
    {"server-json-file",
     {"PGADMIN_SERVER_JSON_FILE", "TUSK_SERVER_JSON_FILE"},
     K_STR,
     OFF(server_json_file),
     NULL,
     false,
     0,
     0,
     "pgAdmin servers.json loaded for the first administrator; default /pgadmin4/servers.json when present"},
    {"replace-servers-on-startup",
     {"PGADMIN_REPLACE_SERVERS_ON_STARTUP", "TUSK_REPLACE_SERVERS_ON_STARTUP"},
     K_BOOL,
     OFF(replace_servers_on_startup),
     "false",
     false,
     0,
     0,
     "load the servers.json on every start, replacing that administrator's servers"},
    {"storage-quota-mb",
     {"TUSK_STORAGE_QUOTA_MB"},
     K_INT,
     OFF(storage_quota_mb),
     "10240",
     false,
     0,
     INT_MAX,
     "MiB each user may keep in their storage area (uploads, backups; 0 = unlimited)"},
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

const char *config_env_get(char *const *envp, const char *name)
{
	size_t n = strlen(name);
	for (char *const *e = envp; e && *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

static bool parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"1", "true", "yes", "on", "True"};
	static const char *const no[] = {"0", "false", "no", "off", "False", ""};
	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++)
		if (strcasecmp(v, yes[i]) == 0)
			return *out = true, true;
	for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++)
		if (strcasecmp(v, no[i]) == 0)
			return *out = false, true;
	return false;
}

/* Stores text value v into the setting's field; source names where it came from. */
static bool set_value(config *c, const struct setting *s, const char *v, const char *source, tusk_err *err)
{
	char *field = (char *)c + s->offset;
	switch (s->kind) {
	case K_STR: {
		char **p = (char **)field;
		free(*p);
		*p = xstrdup(v);
		return true;
	}
	case K_INT: {
		char *end;
		errno = 0;
		long n = strtol(v, &end, 10);
		if (errno || end == v || *end || n < s->min || n > s->max) {
			err_set(err, ERR_INVALID_SETTING, "%s: '%s' is not a whole number from %d to %d", source, v,
				s->min, s->max);
			return false;
		}
		*(int *)field = (int)n;
		return true;
	}
	case K_BOOL:
		if (!parse_bool(v, (bool *)field)) {
			err_set(err, ERR_INVALID_SETTING, "%s: '%s' is not true or false", source, v);
			return false;
		}
		return true;
	}
	return false;
}

char *config_read_secret_file(const char *path, tusk_err *err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		err_set(err, ERR_INVALID_SETTING, "cannot read secret file %s: %s", path, strerror(errno));
		return NULL;
	}
	str s = STR_INIT;
	str_init_max(&s, 64 * 1024);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		str_append(&s, buf, n);
	fclose(f);
	if (!str_ok(&s)) {
		str_free(&s);
		err_set(err, ERR_INVALID_SETTING, "secret file %s is larger than 64 KiB", path);
		return NULL;
	}
	if (s.len && s.buf[s.len - 1] == '\n')
		s.buf[--s.len] = '\0';
	if (s.len && s.buf[s.len - 1] == '\r')
		s.buf[--s.len] = '\0';
	return str_take(&s);
}

/* Environment value for a setting: NAME, then NAME_FILE for secrets. */
static bool apply_env(config *c, const struct setting *s, char *const *envp, tusk_err *err)
{
	for (int i = 0; i < 3 && s->env[i]; i++) {
		const char *v = config_env_get(envp, s->env[i]);
		if (v)
			return set_value(c, s, v, s->env[i], err);
		if (!s->secret)
			continue;
		char name[128];
		snprintf(name, sizeof(name), "%s_FILE", s->env[i]);
		const char *path = config_env_get(envp, name);
		if (path) {
			char *secret = config_read_secret_file(path, err);
			if (!secret)
				return false;
			bool ok = set_value(c, s, secret, name, err);
			free(secret);
			return ok;
		}
	}
	return true;
}

static const struct setting *find_flag(const char *name, size_t n);

bool config_python_literal(const char *in, char **out)
{
	while (*in == ' ')
		in++;
	size_t n = strlen(in);
	while (n && in[n - 1] == ' ')
		n--;
	if (n >= 2 && (in[0] == '\'' || in[0] == '"') && in[n - 1] == in[0]) {
		str s = STR_INIT;
		for (size_t i = 1; i < n - 1; i++) {
			char c = in[i];
			if (c == '\\' && i + 1 < n - 1) {
				c = in[++i];
				c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
			} else if (c == in[0]) {
				str_free(&s);
				return false; /* an unescaped quote inside: not one literal */
			}
			str_append_char(&s, c);
		}
		*out = str_take(&s);
		return true;
	}
	if (n == 4 && strncmp(in, "True", 4) == 0)
		return *out = xstrdup("true"), true;
	if (n == 5 && strncmp(in, "False", 5) == 0)
		return *out = xstrdup("false"), true;
	if (n == 4 && strncmp(in, "None", 4) == 0)
		return *out = xstrdup(""), true;
	bool number = n > 0;
	for (size_t i = 0; i < n; i++)
		number = number &&
			 (isdigit((unsigned char)in[i]) || (i == 0 && in[i] == '-') || in[i] == '.' || in[i] == '_');
	if (!number)
		return false;
	str s = STR_INIT;
	for (size_t i = 0; i < n; i++)
		if (in[i] != '_')
			str_append_char(&s, in[i]);
	*out = str_take(&s);
	return true;
}

/* pgAdmin's config keys that mean something to Tusk, as PGADMIN_CONFIG_<KEY>.
 * A setting named here is applied before TUSK_* variables, which win. */
static const struct {
	const char *key;
	const char *flag; /* the Tusk setting it sets, or NULL when only noted */
	int multiply;	  /* SESSION_EXPIRATION_TIME is in days */
	const char *note; /* why it is ignored, when it is */
} pgadmin_keys[] = {
    {"SERVER_MODE", "server-mode", 1, NULL},
    {"ENABLE_PSQL", "enable-psql", 1, NULL},
    {"MAX_LOGIN_ATTEMPTS", "max-login-attempts", 1, NULL},
    {"SESSION_EXPIRATION_TIME", "session-lifetime", 86400, NULL},
    {"PASSWORD_LENGTH_MIN", "password-min-length", 1, NULL},
    {"ENHANCED_COOKIE_PROTECTION", NULL, 0,
     "ignored: Tusk binds sessions to a random id stored hashed, with SameSite and CSRF tokens"},
    {"MASTER_PASSWORD_REQUIRED", NULL, 0,
     "ignored: saved passwords are always encrypted with a key derived from the user's login password"},
    {"UPGRADE_CHECK_ENABLED", NULL, 0, "ignored: Tusk never calls out"},
    {"CONSOLE_LOG_LEVEL", NULL, 0, "ignored: use TUSK_LOG_LEVEL"},
    {"FILE_LOG_LEVEL", NULL, 0, "ignored: Tusk logs to standard error only"},
    {"CHECK_EMAIL_DELIVERABILITY", NULL, 0, "ignored: Tusk accepts any well-formed address"},
    {"ALLOW_SAVE_PASSWORD", NULL, 0, "ignored: saving is chosen per connection"},
    {"AUTHENTICATION_SOURCES", "authentication-sources", 1, NULL},
    {"LDAP_SERVER_URI", "ldap-server-uri", 1, NULL},
    {"LDAP_USERNAME_ATTRIBUTE", "ldap-username-attribute", 1, NULL},
    {"LDAP_SEARCH_BASE_DN", "ldap-search-base-dn", 1, NULL},
    {"LDAP_SEARCH_FILTER", "ldap-search-filter", 1, NULL},
    {"LDAP_SEARCH_SCOPE", "ldap-search-scope", 1, NULL},
    {"LDAP_BIND_USER", "ldap-bind-user", 1, NULL},
    {"LDAP_ANONYMOUS_BIND", "ldap-anonymous-bind", 1, NULL},
    {"LDAP_BASE_DN", "ldap-base-dn", 1, NULL},
    {"LDAP_USE_STARTTLS", "ldap-use-starttls", 1, NULL},
    {"LDAP_CA_CERT_FILE", "ldap-ca-cert-file", 1, NULL},
    {"LDAP_CERT_FILE", "ldap-cert-file", 1, NULL},
    {"LDAP_KEY_FILE", "ldap-key-file", 1, NULL},
    {"LDAP_AUTO_CREATE_USER", "ldap-auto-create-user", 1, NULL},
    {"LDAP_DN_CASE_SENSITIVE", "ldap-dn-case-sensitive", 1, NULL},
    {"LDAP_CONNECTION_TIMEOUT", "ldap-connection-timeout", 1, NULL},
    {"WEBSERVER_AUTO_CREATE_USER", "webserver-auto-create-user", 1, NULL},
    {"WEBSERVER_REMOTE_USER", "webserver-remote-user", 1, NULL},
    {"LDAP_IGNORE_MALFORMED_SCHEMA", NULL, 0, "ignored: Tusk reads only the attributes it needs"},
    {"MFA_ENABLED", "two-factor", 1, NULL},
    {"MFA_FORCE_REGISTRATION", "require-two-factor", 1, NULL},
    {"MFA_SUPPORTED_METHODS", NULL, 0,
     "noted: Tusk offers the authenticator method (TOTP) only, never e-mail codes; TUSK_TWO_FACTOR turns it off"},
};

/* "postgresql://", "postgres://" and SQLAlchemy's "postgresql+driver://":
 * the length of the scheme and "://", or 0. */
static size_t postgres_scheme(const char *uri)
{
	const char *p = uri;
	if (strncmp(p, "postgresql", 10) == 0)
		p += 10;
	else if (strncmp(p, "postgres", 8) == 0)
		p += 8;
	else
		return 0;
	if (*p == '+')
		p += strcspn(p, ":/");
	return strncmp(p, "://", 3) == 0 ? (size_t)(p + 3 - uri) : 0;
}

/* pgAdmin's CONFIG_DATABASE_URI (SQLAlchemy's form): a PostgreSQL URI puts
 * the store there, as TUSK_STORE_URL does (which wins); anything else keeps
 * the SQLite store. The value holds a password: it is never echoed. */
static bool apply_database_uri(config *c, const char *literal, str *notes, tusk_err *err)
{
	char *uri;
	if (!config_python_literal(literal, &uri)) {
		err_set(err, ERR_INVALID_SETTING,
			"PGADMIN_CONFIG_CONFIG_DATABASE_URI is not a quoted Python string (e.g. "
			"'postgresql://user:password@host:5432/pgadmin')");
		return false;
	}
	size_t scheme = postgres_scheme(uri);
	if (scheme) {
		str u = STR_INIT;
		str_appendf(&u, "postgresql://%s", uri + scheme);
		free(c->store_url);
		c->store_url = str_take(&u);
		str_appendf(notes, "CONFIG_DATABASE_URI: applied: the metadata store is on PostgreSQL (TUSK_STORE_URL "
				   "wins when set)\n");
	} else if (!*uri) {
		str_appendf(notes, "CONFIG_DATABASE_URI: empty: the SQLite store in the data directory\n");
	} else if (strncmp(uri, "sqlite:", 7) == 0) {
		str_appendf(notes,
			    "CONFIG_DATABASE_URI: ignored: a SQLite URI; Tusk keeps its own SQLite store in the data "
			    "directory (a pgAdmin database there is left untouched)\n");
	} else {
		free(uri);
		err_set(err, ERR_INVALID_SETTING,
			"PGADMIN_CONFIG_CONFIG_DATABASE_URI: Tusk's metadata store is SQLite in the data directory or "
			"PostgreSQL (a postgresql:// URI); this URI names neither");
		return false;
	}
	free(uri);
	return true;
}

/* The sign-in sources: known names, each once; LDAP needs its server. */
static bool check_auth_sources(config *c, tusk_err *err)
{
	static const char *const known[] = {"internal", "ldap", "webserver", "oauth2"};
	bool seen[4] = {false};
	char *copy = xstrdup(c->auth_sources), *save = NULL;
	bool ok = true, any = false;
	for (char *t = strtok_r(copy, ", ", &save); ok && t; t = strtok_r(NULL, ", ", &save)) {
		size_t k = 0;
		while (k < 4 && strcasecmp(t, known[k]) != 0)
			k++;
		if (k == 4 || seen[k])
			err_set(err, ERR_INVALID_SETTING,
				k == 4 ? "authentication sources: '%s' is not one of internal, ldap, webserver, oauth2"
				       : "authentication sources: '%s' is named twice",
				t);
		ok = k < 4 && !seen[k];
		if (ok)
			seen[k] = any = true;
	}
	free(copy);
	if (ok && seen[3] && c->noauth2 == 0) {
		err_set(err, ERR_INVALID_SETTING,
			"the oauth2 source needs its providers: set TUSK_OAUTH2_CONFIG (JSON) or "
			"PGADMIN_CONFIG_OAUTH2_CONFIG (pgAdmin's list of OAUTH2_* dicts)");
		ok = false;
	}
	const char *ru = c->oauth2_redirect_url;
	if (ok && ru && *ru &&
	    ((strncmp(ru, "https://", 8) != 0 && strncmp(ru, "http://", 7) != 0) || strpbrk(ru, " \t\r\n#"))) {
		err_set(err, ERR_INVALID_SETTING,
			"TUSK_OAUTH2_REDIRECT_URL must be the absolute http(s) URL registered at the providers "
			"(https://host/oauth2/authorize), not '%s'",
			ru);
		ok = false;
	}
	if (ok && !any) {
		err_set(err, ERR_INVALID_SETTING,
			"authentication sources: name at least one (internal, ldap, oauth2, webserver)");
		ok = false;
	}
	if (ok && seen[1] && !*c->ldap_server_uri) {
		err_set(err, ERR_INVALID_SETTING, "the ldap source needs the LDAP server's URI (TUSK_LDAP_SERVER_URI)");
		ok = false;
	}
	/* one header: a proxy overwrites the one it sets and passes any other a client sends, so a
	 * second name Tusk read would be the client's to choose (attacker round 4) */
	const char *h = c->webserver_remote_user;
	if (ok && (!*h || strspn(h, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(h))) {
		err_set(err, ERR_INVALID_SETTING,
			"TUSK_WEBSERVER_REMOTE_USER names one header (letters, digits, - and _), the one the proxy in "
			"front sets and overwrites, not '%s'",
			h);
		ok = false;
	}
	const char *scope = c->ldap_search_scope;
	if (ok && strcasecmp(scope, "subtree") != 0 && strcasecmp(scope, "level") != 0 &&
	    strcasecmp(scope, "base") != 0) {
		err_set(err, ERR_INVALID_SETTING, "the LDAP search scope must be subtree, level or base, not '%s'",
			scope);
		ok = false;
	}
	return ok;
}

/* TUSK_STORE_URL: a libpq URI or key=value string (libpq checks the rest). */
static bool check_store_url(const config *c, tusk_err *err)
{
	const char *u = c->store_url;
	if (!u || !*u)
		return true;
	if (strncmp(u, "postgresql://", 13) == 0 || strncmp(u, "postgres://", 11) == 0 ||
	    (strchr(u, '=') && !strstr(u, "://")))
		return true;
	err_set(err, ERR_INVALID_SETTING,
		"the store URL must be a postgresql:// URI or a key=value connection string (host=... dbname=...); "
		"leave it unset for the SQLite store in the data directory");
	return false;
}

/* A Python list of strings (['ldap', 'internal']) as "ldap,internal"; false for other forms. */
static bool python_string_list(const char *in, char **out)
{
	while (*in == ' ')
		in++;
	size_t n = strlen(in);
	while (n && in[n - 1] == ' ')
		n--;
	if (n < 2 || in[0] != '[' || in[n - 1] != ']')
		return false;
	str s = STR_INIT;
	bool ok = true;
	char *body = xstrndup(in + 1, n - 2), *save = NULL;
	for (char *item = strtok_r(body, ",", &save); ok && item; item = strtok_r(NULL, ",", &save)) {
		char *text = NULL;
		ok = config_python_literal(item, &text) && !strchr(text, ',') && *text;
		if (ok)
			str_appendf(&s, "%s%s", s.len ? "," : "", text);
		free(text);
	}
	free(body);
	if (!ok) {
		str_free(&s);
		return false;
	}
	*out = s.len ? str_take(&s) : xstrdup("");
	str_free(&s);
	return true;
}

/* pgAdmin's LDAP_BIND_PASSWORD: a secret, never echoed (TUSK_LDAP_BIND_PASSWORD[_FILE] wins). */
static bool apply_bind_password(config *c, const char *literal, str *notes, tusk_err *err)
{
	char *text;
	if (!config_python_literal(literal, &text)) {
		err_set(err, ERR_INVALID_SETTING, "PGADMIN_CONFIG_LDAP_BIND_PASSWORD is not a quoted Python string");
		return false;
	}
	free(c->ldap_bind_password);
	c->ldap_bind_password = text;
	str_appendf(notes, "LDAP_BIND_PASSWORD: applied\n");
	return true;
}

/* pgAdmin's OAUTH2_CONFIG: a Python list of provider dicts (it holds client secrets: never echoed). */
static bool apply_oauth2_literal(config *c, const char *literal, str *notes, tusk_err *err)
{
	json_t *v = config_python_value(literal, strlen(literal));
	if (!v) {
		err_set(err, ERR_INVALID_SETTING,
			"PGADMIN_CONFIG_OAUTH2_CONFIG is not a Python literal Tusk reads: a list of dicts, e.g. "
			"[{'OAUTH2_NAME': 'keycloak', 'OAUTH2_CLIENT_ID': '...', ...}]");
		return false;
	}
	bool ok = config_oauth2_set(c, v, "PGADMIN_CONFIG_OAUTH2_CONFIG", err);
	json_decref(v);
	if (ok)
		str_appendf(notes, "OAUTH2_CONFIG: applied (%zu provider%s)\n", c->noauth2, c->noauth2 == 1 ? "" : "s");
	return ok;
}

/* Tusk's TUSK_OAUTH2_CONFIG (JSON), or TUSK_OAUTH2_CONFIG_FILE naming a JSON file; wins over pgAdmin's. */
static bool apply_oauth2_json(config *c, char *const *envp, tusk_err *err)
{
	const char *name = "TUSK_OAUTH2_CONFIG", *text = config_env_get(envp, name);
	char *file = NULL;
	if (!text && (text = config_env_get(envp, "TUSK_OAUTH2_CONFIG_FILE"))) {
		name = "TUSK_OAUTH2_CONFIG_FILE";
		if (!(file = config_read_secret_file(text, err)))
			return false;
		text = file;
	}
	if (!text)
		return true;
	json_error_t je;
	json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &je);
	free(file);
	if (!v) {
		err_set(err, ERR_INVALID_SETTING, "%s is not JSON: %s (line %d, column %d)", name, je.text, je.line,
			je.column);
		return false;
	}
	bool ok = config_oauth2_set(c, v, name, err);
	json_decref(v);
	return ok;
}

/* Applies PGADMIN_CONFIG_* variables, collecting notes for the log. */
static bool apply_pgadmin_config(config *c, char *const *envp, tusk_err *err)
{
	str notes = STR_INIT;
	bool ok = true;
	for (char *const *e = envp; ok && e && *e; e++) {
		if (strncmp(*e, "PGADMIN_CONFIG_", 15) != 0)
			continue;
		const char *eq = strchr(*e, '=');
		if (!eq)
			continue;
		char key[128];
		snprintf(key, sizeof(key), "%.*s", (int)(eq - *e - 15), *e + 15);
		size_t k = 0;
		while (k < sizeof(pgadmin_keys) / sizeof(*pgadmin_keys) && strcmp(pgadmin_keys[k].key, key) != 0)
			k++;
		if (strcmp(key, "CONFIG_DATABASE_URI") == 0) {
			ok = apply_database_uri(c, eq + 1, &notes, err);
			continue;
		}
		if (strcmp(key, "LDAP_BIND_PASSWORD") == 0) {
			ok = apply_bind_password(c, eq + 1, &notes, err);
			continue;
		}
		if (strcmp(key, "OAUTH2_CONFIG") == 0) {
			ok = apply_oauth2_literal(c, eq + 1, &notes, err);
			continue;
		}
		if (k == sizeof(pgadmin_keys) / sizeof(*pgadmin_keys)) {
			str_appendf(&notes, "%s: ignored (not a setting Tusk knows)\n", key);
			continue;
		}
		if (!pgadmin_keys[k].flag) {
			str_appendf(&notes, "%s: %s\n", key, pgadmin_keys[k].note);
			continue;
		}
		char *text;
		bool list = strcmp(key, "AUTHENTICATION_SOURCES") == 0; /* pgAdmin's one list Tusk reads */
		if (list ? !python_string_list(eq + 1, &text) : !config_python_literal(eq + 1, &text)) {
			err_set(err, ERR_INVALID_SETTING, "PGADMIN_CONFIG_%s: '%s' is not a Python literal Tusk reads",
				key, eq + 1);
			ok = false;
			break;
		}
		if (pgadmin_keys[k].multiply > 1) {
			char *end;
			double v = strtod(text, &end);
			free(text);
			char buf[32];
			snprintf(buf, sizeof(buf), "%.0f", v * pgadmin_keys[k].multiply);
			text = xstrdup(buf);
		}
		const struct setting *s = find_flag(pgadmin_keys[k].flag, strlen(pgadmin_keys[k].flag));
		char source[160];
		snprintf(source, sizeof(source), "PGADMIN_CONFIG_%s", key);
		ok = set_value(c, s, text, source, err);
		free(text);
		str_appendf(&notes, "%s: applied\n", key);
	}
	c->pgadmin_notes = notes.len ? str_take(&notes) : NULL;
	str_free(&notes);
	return ok;
}

static const struct setting *find_flag(const char *name, size_t n)
{
	for (size_t i = 0; i < NSETTINGS; i++)
		if (settings[i].flag && strlen(settings[i].flag) == n && strncmp(settings[i].flag, name, n) == 0)
			return &settings[i];
	return NULL;
}

static bool detect_container(char *const *envp)
{
	return access("/.dockerenv", F_OK) == 0 || access("/run/.containerenv", F_OK) == 0 ||
	       config_env_get(envp, "container") != NULL || config_env_get(envp, "KUBERNETES_SERVICE_HOST") != NULL;
}

static bool apply_flags(config *c, int argc, char **argv, tusk_err *err)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			c->show_help = true;
			continue;
		}
		if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
			c->show_version = true;
			continue;
		}
		if (strncmp(a, "--", 2) != 0) {
			err_set(err, ERR_INVALID_FLAG, "unexpected argument '%s' (see tusk --help)", a);
			return false;
		}
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t n = eq ? (size_t)(eq - name) : strlen(name);
		const struct setting *s = find_flag(name, n);
		if (!s) {
			err_set(err, ERR_INVALID_FLAG, "unknown flag '%.*s' (see tusk --help)", (int)(n + 2), a);
			return false;
		}
		const char *v = eq ? eq + 1 : NULL;
		if (!v && s->kind == K_BOOL)
			v = "true";
		else if (!v && i + 1 < argc)
			v = argv[++i];
		if (!v) {
			err_set(err, ERR_INVALID_FLAG, "flag --%s needs a value", s->flag);
			return false;
		}
		char source[80];
		snprintf(source, sizeof(source), "--%s", s->flag);
		if (!set_value(c, s, v, source, err))
			return false;
	}
	return true;
}

/* "/pgadmin/" -> "/pgadmin"; "" and "/" -> "" */
static bool normalize_script_name(config *c, tusk_err *err)
{
	char *p = c->script_name;
	size_t n = strlen(p);
	while (n && p[n - 1] == '/')
		p[--n] = '\0';
	if (n && p[0] != '/') {
		err_set(err, ERR_INVALID_SETTING, "SCRIPT_NAME must start with '/', got '%s'", p);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];
		if (ch <= ' ' || ch == '"' || ch == '<' || ch == '>' || ch == '\\' || ch == '?' || ch == '#' ||
		    ch >= 0x7f) {
			err_set(err, ERR_INVALID_SETTING,
				"SCRIPT_NAME holds a character that is not allowed in a path");
			return false;
		}
	}
	return true;
}

/* path made absolute (its real path when it exists) into out. */
static void absolute(const char *path, char *out, size_t n)
{
	char real[PATH_MAX], cwd[PATH_MAX];
	if (realpath(path, real))
		snprintf(out, n, "%s", real);
	else if (path[0] != '/' && getcwd(cwd, sizeof(cwd))) {
		/* a path too long for out is cut: compared as a prefix only, never opened */
		int w = snprintf(out, n, "%s/", cwd);
		if (w > 0 && (size_t)w < n)
			snprintf(out + w, n - (size_t)w, "%s", path);
	} else
		snprintf(out, n, "%s", path);
}

/* A TUSK_FILE_DIRS folder holds the operator's files; inside the data directory (or holding it)
 * it would make Tusk's own files and users' storage the operator's, usable by any user. */
static bool check_file_dirs(const config *c, tusk_err *err)
{
	char data[PATH_MAX];
	absolute(c->data_dir, data, sizeof(data));
	size_t dn = strlen(data);
	for (const char *p = c->file_dirs; c->server_mode && p && *p;) {
		size_t len = strcspn(p, ":");
		char given[PATH_MAX], dir[PATH_MAX];
		snprintf(given, sizeof(given), "%.*s", (int)len, p);
		p += len + (p[len] == ':');
		if (!given[0])
			continue;
		absolute(given, dir, sizeof(dir));
		size_t fn = strlen(dir);
		bool inside = strncmp(dir, data, dn) == 0 && (dir[dn] == '/' || dir[dn] == '\0');
		bool holding = strncmp(data, dir, fn) == 0 && (data[fn] == '/' || data[fn] == '\0' || fn == 1);
		if (inside || holding) {
			err_set(
			    err, ERR_INVALID_SETTING,
			    "TUSK_FILE_DIRS folder %s %s Tusk's data directory %s: the operator's files must lie "
			    "apart from it (Tusk's own files and users' storage are no operator's files); mount them "
			    "elsewhere (e.g. /etc/tusk/certs)",
			    given, inside ? "lies in" : "holds", data);
			return false;
		}
	}
	return true;
}

bool config_load(config *c, int argc, char **argv, char *const *envp, tusk_err *err)
{
	memset(c, 0, sizeof(*c));
	c->in_container = detect_container(envp);
	for (size_t i = 0; i < NSETTINGS; i++) {
		const struct setting *s = &settings[i];
		if (s->def && !set_value(c, s, s->def, "default", err))
			return false;
	}
	c->listen_address = xstrdup(c->in_container ? "[::]" : "127.0.0.1");
	c->port = c->in_container ? 80 : 5050;
	struct stat st;
	c->data_dir = xstrdup(stat("/var/lib/pgadmin", &st) == 0 && S_ISDIR(st.st_mode) ? "/var/lib/pgadmin" : "data");
	c->server_json_file = xstrdup(stat("/pgadmin4/servers.json", &st) == 0 ? "/pgadmin4/servers.json" : "");
	if (!apply_pgadmin_config(c, envp, err))
		return false;
	for (size_t i = 0; i < NSETTINGS; i++)
		if (!apply_env(c, &settings[i], envp, err))
			return false;
	if (!apply_oauth2_json(c, envp, err))
		return false;
	if (!apply_flags(c, argc, argv, err))
		return false;
	if (strcmp(c->log_format, "text") != 0 && strcmp(c->log_format, "json") != 0) {
		err_set(err, ERR_INVALID_SETTING, "log format must be text or json, got '%s'", c->log_format);
		return false;
	}
	if (!*c->data_dir) {
		err_set(err, ERR_INVALID_SETTING, "the data directory must not be empty");
		return false;
	}
	if (!check_store_url(c, err) || !check_auth_sources(c, err) || !check_file_dirs(c, err))
		return false;
	if (!c->server_mode)
		c->desktop = true;
	return normalize_script_name(c, err);
}

void config_wipe_secrets(char **envp)
{
	static const char *const whole[] = {
	    "PGADMIN_CONFIG_LDAP_BIND_PASSWORD=", "PGADMIN_CONFIG_OAUTH2_CONFIG=", "TUSK_OAUTH2_CONFIG="};
	for (char **e = envp; e && *e; e++)
		for (size_t k = 0; k < sizeof(whole) / sizeof(*whole); k++)
			if (strncmp(*e, whole[k], strlen(whole[k])) == 0)
				memset(*e + strlen(whole[k]), 0, strlen(*e + strlen(whole[k])));
	for (size_t i = 0; i < NSETTINGS; i++) {
		if (!settings[i].secret)
			continue;
		for (size_t k = 0; k < 3 && settings[i].env[k]; k++) {
			size_t n = strlen(settings[i].env[k]);
			for (char **e = envp; e && *e; e++)
				if (strncmp(*e, settings[i].env[k], n) == 0 && (*e)[n] == '=')
					memset(*e + n + 1, 0, strlen(*e + n + 1));
		}
	}
}

void config_free(config *c)
{
	free(c->pgadmin_notes);
	c->pgadmin_notes = NULL;
	config_oauth2_free(c);
	for (size_t i = 0; i < NSETTINGS; i++) {
		if (settings[i].kind == K_STR) {
			char **p = (char **)((char *)c + settings[i].offset);
			free(*p);
			*p = NULL;
		}
	}
}

void config_print_help(FILE *out)
{
	fputs(
	    "Usage: tusk [FLAGS]\n"
	    "       tusk user set-password EMAIL [--password-file FILE]   (password from stdin otherwise)\n"
	    "       tusk doctor [--data-dir DIR] [--store-url URL]        (volume, Secret, servers, store: one line each)\n\n"
	    "Tusk: web-based administration for PostgreSQL.\n\n"
	    "Settings (flag > environment > default; secrets also from NAME_FILE):\n",
	    out);
	for (size_t i = 0; i < NSETTINGS; i++) {
		const struct setting *s = &settings[i];
		char left[160];
		int n = 0;
		if (s->flag)
			n = snprintf(left, sizeof(left), "  --%s%s", s->flag, s->kind == K_BOOL ? "" : " VALUE");
		else
			n = snprintf(left, sizeof(left), "  (no flag)");
		fprintf(out, "%-34s %s\n", left, s->help);
		(void)n;
		fputs("                                     env:", out);
		for (int k = 0; k < 3 && s->env[k]; k++)
			fprintf(out, " %s%s", s->env[k], s->secret ? " (or _FILE)" : "");
		if (s->def && *s->def)
			fprintf(out, "; default %s", s->def);
		fputc('\n', out);
	}
	fputs("\n  pgAdmin's PGADMIN_CONFIG_<KEY> variables are read too (see docs/configuration.md).\n"
	      "\n  --help, --version\n",
	      out);
}
