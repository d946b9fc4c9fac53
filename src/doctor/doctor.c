#include "doctor/doctor.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/auth.h"
#include "auth/password.h"
#include "files/files.h"
#include "pg/target.h"
#include "store/store.h"
#include "util/str.h"

#define CONNECT_TIMEOUT_S 5

typedef struct {
	FILE *out;
	int problems;
} report;

/* Text from the store or the environment, printed on one line: control characters become '?'. */
static const char *printable(const char *s, char *buf, size_t n)
{
	size_t i = 0;
	for (; s && s[i] && i + 1 < n; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	buf[i] = '\0';
	return buf;
}

static void section(report *r, const char *title)
{
	fprintf(r->out, "%s\n", title);
}

/* One check: "  ok    text" or "  FAIL  text". The text of a failure ends with its fix. */
__attribute__((format(printf, 3, 4))) static void line(report *r, bool ok, const char *fmt, ...)
{
	char text[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	for (char *c = text; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	fprintf(r->out, "  %-4s  %s\n", ok ? "ok" : "FAIL", text);
	if (!ok)
		r->problems++;
}

/* ---- permission denied: who runs, the data volume ---- */

static void check_identity(report *r, const config *cfg)
{
	gid_t groups[64];
	int ng = getgroups(64, groups);
	str g = STR_INIT;
	for (int i = 0; i < ng; i++)
		str_appendf(&g, "%s%u", i ? "," : "", (unsigned)groups[i]);
	unsigned uid = (unsigned)geteuid(), gid = (unsigned)getegid();
	if (uid == 0 && cfg && cfg->in_container && !cfg->allow_root)
		line(r, false,
		     "process: uid 0 (root); Tusk refuses to serve as root in a container. Fix: run as uid 5050 "
		     "(Kubernetes: securityContext.runAsUser: 5050, runAsGroup: 5050)");
	else
		line(r, true, "process: uid %u gid %u, groups %s", uid, gid, g.len ? str_cstr(&g) : "none");
	str_free(&g);
}

static void check_data_dir(report *r, const config *cfg)
{
	char dir[1024];
	printable(cfg->data_dir, dir, sizeof(dir));
	unsigned uid = (unsigned)geteuid(), gid = (unsigned)getegid();
	struct stat st;
	if (stat(cfg->data_dir, &st) != 0) {
		line(r, false,
		     "data volume: %s: %s. Fix: mount the volume there (chart: persistence; pgAdmin's path is "
		     "/var/lib/pgadmin) or set TUSK_DATA_DIR to the volume's path",
		     dir, strerror(errno));
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		line(r, false, "data volume: %s is not a directory. Fix: mount a volume (a directory) there", dir);
		return;
	}
	char probe[PATH_MAX];
	snprintf(probe, sizeof(probe), "%s/.tusk-doctor-%ld", cfg->data_dir, (long)getpid());
	int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int e = fd < 0 ? errno : 0;
	if (fd >= 0) {
		close(fd);
		unlink(probe);
	}
	if (e) {
		line(r, false,
		     "data volume: %s (owner %u:%u, mode %04o) cannot be written by uid %u gid %u: %s. Fix: chown -R "
		     "%u:%u %s (Kubernetes: securityContext.fsGroup: %u, or the chart's volume-permissions init "
		     "container), or a writable volume",
		     dir, (unsigned)st.st_uid, (unsigned)st.st_gid, (unsigned)(st.st_mode & 07777), uid, gid,
		     strerror(e), uid, gid, dir, gid);
		return;
	}
	/* the store's file must be writable too: a file left by another uid is the usual trap */
	char db[PATH_MAX];
	snprintf(db, sizeof(db), "%s/tusk.db", cfg->data_dir);
	if ((!cfg->store_url || !*cfg->store_url) && access(db, F_OK) == 0 && access(db, R_OK | W_OK) != 0) {
		struct stat dst;
		bool known = stat(db, &dst) == 0;
		line(r, false,
		     "data volume: %s/tusk.db (owner %u:%u) cannot be written by uid %u: %s. Fix: chown -R %u:%u %s",
		     dir, known ? (unsigned)dst.st_uid : 0u, known ? (unsigned)dst.st_gid : 0u, uid, strerror(errno),
		     uid, gid, dir);
		return;
	}
	line(r, true, "data volume: %s (owner %u:%u, mode %04o) is writable by uid %u", dir, (unsigned)st.st_uid,
	     (unsigned)st.st_gid, (unsigned)(st.st_mode & 07777), uid);
}

/* ---- secret errors: the administrator's credentials ---- */

/* Where the administrator's password comes from, as config reads it: NAME, then NAME_FILE. */
static const char *password_source(char *const *envp, const char **file)
{
	static const char *const names[] = {"PGADMIN_DEFAULT_PASSWORD", "TUSK_DEFAULT_PASSWORD"};
	*file = NULL;
	for (size_t i = 0; i < 2; i++) {
		if (config_env_get(envp, names[i]))
			return names[i];
		char name[64];
		snprintf(name, sizeof(name), "%s_FILE", names[i]);
		if ((*file = config_env_get(envp, name)))
			return i == 0 ? "PGADMIN_DEFAULT_PASSWORD_FILE" : "TUSK_DEFAULT_PASSWORD_FILE";
	}
	return NULL;
}

static void check_secret(report *r, const config *cfg, const char *config_error, char *const *envp, int64_t users)
{
	char buf[1024];
	if (config_error)
		line(r, false,
		     "settings: %s. Fix: check that the Secret exists and has that key (kubectl get secret NAME -o "
		     "jsonpath='{.data}'), and the pod's volume that projects it (items, mountPath)",
		     printable(config_error, buf, sizeof(buf)));
	if (!cfg)
		return;
	const char *file;
	const char *source = password_source(envp, &file);
	if (cfg->default_email && *cfg->default_email) {
		char normalized[256];
		tusk_err why;
		if (!auth_email_normalize(cfg->default_email, normalized, &why))
			line(r, false, "admin e-mail: %s. Fix: set PGADMIN_DEFAULT_EMAIL to an e-mail address",
			     printable(why.msg, buf, sizeof(buf)));
		else
			line(r, true, "admin e-mail: %s", printable(normalized, buf, sizeof(buf)));
	}
	if (cfg->default_password && *cfg->default_password) {
		char where[1100] = "";
		if (file)
			snprintf(where, sizeof(where), " (%s)", printable(file, buf, sizeof(buf)));
		line(r, true, "admin Secret: the password is given by %s%s", source ? source : "a setting", where);
	} else if (users > 0) {
		line(r, true,
		     "admin Secret: none given; not needed now: the store has %lld account(s) and the Secret is "
		     "read on the first start only",
		     (long long)users);
	} else if (cfg->generate_admin_password) {
		line(r, true, "admin Secret: none given; the first start makes a password and keeps it in %s/%s",
		     printable(cfg->data_dir, buf, sizeof(buf)), AUTH_INITIAL_PASSWORD_FILE);
	} else if (users == 0) {
		line(r, false,
		     "admin Secret: no password is given and no account exists, so Tusk cannot start. Fix: create "
		     "the Secret (kubectl create secret generic NAME --from-literal=password=...) and give it as "
		     "PGADMIN_DEFAULT_PASSWORD (env valueFrom.secretKeyRef) or PGADMIN_DEFAULT_PASSWORD_FILE");
	}
}

/* ---- login failures: the administrator's account ---- */

static void check_admin_login(report *r, const config *cfg, store *st)
{
	if (!cfg->default_email || !*cfg->default_email)
		return;
	char email[256], buf[512];
	tusk_err err;
	if (!auth_email_normalize(cfg->default_email, email, &err))
		return; /* said above */
	store_user u;
	int found = store_user_by_email(st, email, &u, &err);
	if (found < 0) {
		line(r, false, "admin account: the store cannot be read: %s. Fix: see the store below",
		     printable(err.msg, buf, sizeof(buf)));
		return;
	}
	if (found == 0) {
		line(r, false,
		     "admin account: %s has no account here (the first start made the administrator from the "
		     "e-mail it was given then). Fix: log in as that administrator, or set PGADMIN_DEFAULT_EMAIL to "
		     "it",
		     email);
		return;
	}
	if (u.locked) {
		line(r, false,
		     "admin account: %s is locked after %d wrong passwords. Fix: tusk user set-password %s (through "
		     "kubectl exec -i; it unlocks the account), or another administrator unlocks it in Users",
		     email, u.failed_attempts, email);
		return;
	}
	if (!u.active) {
		line(r, false, "admin account: %s is disabled. Fix: another administrator enables it in Users", email);
		return;
	}
	const char *pw = cfg->default_password;
	if (!pw || !*pw) {
		line(r, true, "admin account: %s exists, active, not locked", email);
		return;
	}
	if (!auth_password_verify(u.password_hash, pw)) {
		line(r, false,
		     "admin account: the Secret's password does not open %s: Tusk reads the Secret on the first start "
		     "only, so a rotated Secret (or one synced after that start) changes nothing. Fix: log in with the "
		     "password of the first start, or set the Secret's password: kubectl exec -i deployment/NAME -- "
		     "tusk user set-password %s < password-file",
		     email, email);
		return;
	}
	char weak[32] = "";
	bool must_change = store_meta_get(st, AUTH_WEAK_PASSWORD_META, weak, sizeof(weak), &err) && atoll(weak) == u.id;
	line(r, true, "admin account: the Secret's password opens %s%s", email,
	     must_change ? "; it is shorter than Tusk accepts and must be changed at the next login" : "");
}

/* ---- connection and login failures: each registered server ---- */

/* A file parameter as Tusk reads it in server mode: an absolute path inside TUSK_FILE_DIRS, or
 * a file in the server owner's storage. NULL when it names neither (said in *why). */
static char *resolve_file(const config *cfg, int64_t owner, const char *value, char *why, size_t n)
{
	if (strcmp(value, "system") == 0)
		return xstrdup(value);
	if (value[0] == '/' && (!cfg->server_mode || cfg->desktop))
		return xstrdup(value);
	if (value[0] == '/') {
		char *real = realpath(value, NULL);
		for (const char *p = cfg->file_dirs; real && p && *p;) {
			const char *end = strchr(p, ':');
			size_t len = end ? (size_t)(end - p) : strlen(p);
			char *d = xstrndup(p, len);
			char *rd = len ? realpath(d, NULL) : NULL;
			size_t rn = rd ? strlen(rd) : 0;
			bool inside = rd && strncmp(real, rd, rn) == 0 && real[rn] == '/';
			free(d);
			free(rd);
			if (inside)
				return real;
			p += len + (end ? 1 : 0);
		}
		free(real);
	}
	const char *rel = value;
	while (*rel == '/')
		rel++;
	char *abs = NULL;
	tusk_err err;
	if (files_resolve(cfg->data_dir, owner, rel, true, &abs, &err))
		return abs;
	snprintf(why, n, "%.400s", err.msg);
	return NULL;
}

/* libpq's answer to a connection attempt without a password, as a verdict and its fix. */
static void judge_login(report *r, const char *name, const char *user, const char *db, PGconn *c)
{
	char buf[600];
	if (PQstatus(c) == CONNECTION_OK) {
		line(r, true, "server \"%s\" login: %s logs in to database %s (PostgreSQL %d)", name, user, db,
		     PQserverVersion(c) / 10000);
		return;
	}
	const char *msg = PQerrorMessage(c);
	printable(msg, buf, sizeof(buf));
	size_t len = strlen(buf);
	while (len && buf[len - 1] == ' ')
		buf[--len] = '\0';
	if (strstr(msg, "no password supplied"))
		line(r, true,
		     "server \"%s\" login: PostgreSQL answers and asks %s for a password (users' saved passwords are "
		     "encrypted under their own keys, so this check has none to send; a wrong one shows in the app "
		     "as 'password authentication failed')",
		     name, user);
	else if (strstr(msg, "no pg_hba.conf entry"))
		line(r, false,
		     "server \"%s\" login: %s. Fix: allow this pod's address for user %s and database %s in "
		     "pg_hba.conf (CloudNativePG: spec.postgresql.pg_hba)",
		     name, buf, user, db);
	else if (strstr(msg, "password authentication failed"))
		line(r, false,
		     "server \"%s\" login: %s. Fix: correct the password in the server's passfile, or the role's "
		     "password (CloudNativePG: the cluster's app Secret)",
		     name, buf);
	else if (strstr(msg, "does not exist"))
		line(r, false,
		     "server \"%s\" login: %s. Fix: correct the server's user name or maintenance database in Tusk, "
		     "or create them on the server",
		     name, buf);
	else if (strstr(msg, "SSL") || strstr(msg, "certificate"))
		line(r, false,
		     "server \"%s\" login: %s. Fix: match the server's sslmode to the server (require, or "
		     "verify-full with its CA as sslrootcert)",
		     name, buf);
	else
		line(r, false, "server \"%s\" login: %s. Fix: see the server's log for this connection", name, buf);
}

static void check_login(report *r, const config *cfg, const store_server *sv, const char *name)
{
	const char *kw[40], *val[40];
	int n = 0;
	char port[16], timeout[16], why[512] = "", buf[600];
	snprintf(port, sizeof(port), "%d", sv->port ? sv->port : 5432);
	snprintf(timeout, sizeof(timeout), "%d", CONNECT_TIMEOUT_S);
	const char *db = sv->maintenance_db && *sv->maintenance_db ? sv->maintenance_db : "postgres";
	const char *user = sv->username && *sv->username ? sv->username : "postgres";
	kw[n] = "host", val[n++] = sv->host;
	kw[n] = "port", val[n++] = port;
	kw[n] = "dbname", val[n++] = db;
	kw[n] = "user", val[n++] = user;
	json_t *params = sv->connection_params ? json_loads(sv->connection_params, 0, NULL) : NULL;
	char *files[8];
	int nfiles = 0;
	const char *key;
	json_t *v;
	bool usable = true;
	json_object_foreach(params, key, v)
	{
		if (!json_is_string(v) || n >= 36 || strcmp(key, "password") == 0 ||
		    strcmp(key, "connect_timeout") == 0 || strcmp(key, "application_name") == 0)
			continue;
		const char *value = json_string_value(v);
		if (pgtarget_is_file_param(key) && *value) {
			char *path = nfiles < 8 ? resolve_file(cfg, sv->user_id, value, why, sizeof(why)) : NULL;
			if (!path) {
				line(
				    r, false,
				    "server \"%s\" login: its %s '%s' is not a file Tusk can read (%s). Fix: upload it to "
				    "the owner's storage, or mount it in a directory listed in TUSK_FILE_DIRS",
				    name, key, printable(value, buf, sizeof(buf)), why);
				usable = false;
				break;
			}
			files[nfiles++] = path;
			value = path;
		}
		kw[n] = key, val[n++] = value;
	}
	if (usable) {
		kw[n] = "connect_timeout", val[n++] = timeout;
		kw[n] = "application_name", val[n++] = "tusk doctor";
		kw[n] = NULL, val[n] = NULL;
		PGconn *c = PQconnectdbParams(kw, val, 0);
		judge_login(r, name, user, db, c);
		PQfinish(c);
	}
	for (int i = 0; i < nfiles; i++)
		free(files[i]);
	json_decref(params);
}

/* A TCP connection with a deadline: 0, or the errno (ETIMEDOUT when nothing answered). */
static int tcp_connect(const struct sockaddr *sa, socklen_t len)
{
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	int e = 0;
	if (connect(fd, sa, len) != 0) {
		e = errno;
		if (e == EINPROGRESS) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			int ready = poll(&p, 1, CONNECT_TIMEOUT_S * 1000);
			socklen_t el = sizeof(e);
			if (ready == 0)
				e = ETIMEDOUT;
			else if (ready < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) != 0)
				e = errno;
		}
	}
	close(fd);
	return e;
}

static void check_server(report *r, const config *cfg, const store_server *sv)
{
	char name[160], host[300];
	printable(sv->name, name, sizeof(name));
	if (!sv->host || !*sv->host) {
		line(r, false, "server \"%s\": no host (a service file only?). Fix: give the server a host name", name);
		return;
	}
	printable(sv->host, host, sizeof(host));
	int port = sv->port ? sv->port : 5432;
	if (sv->host[0] == '/') {
		struct stat st;
		bool dir = stat(sv->host, &st) == 0 && S_ISDIR(st.st_mode);
		line(r, dir, "server \"%s\" socket: %s%s", name, host,
		     dir ? " is a socket directory"
			 : " does not exist here. Fix: mount the socket directory, or use a host name");
		if (dir)
			check_login(r, cfg, sv, name);
		return;
	}
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
	char service[16];
	snprintf(service, sizeof(service), "%d", port);
	unsigned char raw[16];
	bool literal = inet_pton(AF_INET, sv->host, raw) == 1 || inet_pton(AF_INET6, sv->host, raw) == 1;
	int gai = getaddrinfo(sv->host, service, &hints, &res);
	if (gai != 0) {
		line(r, false,
		     "server \"%s\" DNS: %s does not resolve (%s). Fix: check the Service's name and namespace "
		     "(kubectl get svc -n NAMESPACE; NAME.NAMESPACE.svc from another namespace) and that cluster DNS "
		     "answers",
		     name, host, gai_strerror(gai));
		return;
	}
	char first[INET6_ADDRSTRLEN] = "";
	getnameinfo(res->ai_addr, res->ai_addrlen, first, sizeof(first), NULL, 0, NI_NUMERICHOST);
	if (literal)
		line(r, true, "server \"%s\" DNS: %s is an address (nothing to look up)", name, host);
	else
		line(r, true, "server \"%s\" DNS: %s resolves to %s", name, host, first);
	int e = 0;
	char addr[INET6_ADDRSTRLEN] = "";
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		getnameinfo(a->ai_addr, a->ai_addrlen, addr, sizeof(addr), NULL, 0, NI_NUMERICHOST);
		if ((e = tcp_connect(a->ai_addr, a->ai_addrlen)) == 0)
			break;
	}
	freeaddrinfo(res);
	if (e == ETIMEDOUT)
		line(r, false,
		     "server \"%s\" TCP: nothing answered at %s port %d in %d s. Fix: a NetworkPolicy may drop it "
		     "(kubectl get networkpolicies -n NAMESPACE; allow egress from this pod and ingress on %d), or the "
		     "database pods are not ready (kubectl get endpoints NAME -n NAMESPACE)",
		     name, addr, port, CONNECT_TIMEOUT_S, port);
	else if (e)
		line(r, false,
		     "server \"%s\" TCP: %s port %d: %s. Fix: check that PostgreSQL listens there (kubectl get "
		     "endpoints NAME -n NAMESPACE; the Service's port) and the server's port in Tusk",
		     name, addr, port, strerror(e));
	else {
		line(r, true, "server \"%s\" TCP: %s port %d accepts connections", name, addr, port);
		check_login(r, cfg, sv, name);
	}
}

/* Every server of every account, once each (shared ones are listed for many). */
static void check_servers(report *r, const config *cfg, store *st)
{
	tusk_err err = {0};
	char buf[512];
	size_t nu = 0;
	store_user *users = store_user_list(st, &nu, &err);
	if (!users && err.code != ERR_NONE) {
		line(r, false, "servers: the store cannot be read: %s. Fix: see the store below",
		     printable(err.msg, buf, sizeof(buf)));
		return;
	}
	int64_t *seen = NULL;
	size_t nseen = 0, total = 0;
	for (size_t i = 0; i < nu; i++) {
		size_t ns = 0;
		store_server *list = store_server_list(st, users[i].id, &ns, &err);
		for (size_t k = 0; k < ns; k++) {
			bool dup = false;
			for (size_t j = 0; j < nseen && !dup; j++)
				dup = seen[j] == list[k].id;
			if (dup)
				continue;
			seen = xrealloc(seen, (nseen + 1) * sizeof(*seen));
			seen[nseen++] = list[k].id;
			total++;
			check_server(r, cfg, &list[k]);
		}
		store_server_list_free(list, ns);
	}
	if (total == 0)
		line(r, true, "servers: none registered yet");
	free(seen);
	free(users);
}

/* ---- the store ---- */

typedef struct {
	store *st;
	bool none_yet; /* SQLite, before the first start */
	char where[PATH_MAX + 32];
	tusk_err err;
} store_state;

/* Opened first (the other checks read it), reported last. */
static void open_store(const config *cfg, store_state *s)
{
	memset(s, 0, sizeof(*s));
	if (!cfg->store_url || !*cfg->store_url) {
		snprintf(s->where, sizeof(s->where), "%s/tusk.db", cfg->data_dir);
		if (access(s->where, F_OK) != 0) {
			s->none_yet = true;
			return;
		}
	}
	s->st = store_open(cfg->data_dir, cfg->store_url, &s->err);
}

static void check_store(report *r, const config *cfg, store_state *s)
{
	char buf[1024];
	if (s->none_yet) {
		line(r, true, "store: none yet at %s (Tusk makes it at its first start)",
		     printable(s->where, buf, sizeof(buf)));
		return;
	}
	if (!s->st) {
		line(
		    r, false, "store: %s. Fix: %s", printable(s->err.msg, buf, sizeof(buf)),
		    !cfg->store_url || !*cfg->store_url
			? "see the data volume above"
			: "check TUSK_STORE_URL (its Secret), that the PostgreSQL store accepts this pod, and that its "
			  "database exists");
		return;
	}
	tusk_err err = {0};
	char where[512];
	store_describe(s->st, where, sizeof(where));
	if (!store_ping(s->st, &err)) {
		line(r, false, "store: %s does not answer: %s. Fix: check that it is reachable from this pod", where,
		     printable(err.msg, buf, sizeof(buf)));
		return;
	}
	int64_t users = store_user_count(s->st, &err);
	line(r, true, "store: %s, schema %d of %d, %lld account(s)", where, store_schema_version(s->st),
	     store_latest_version(), (long long)users);
}

int doctor_run(const config *cfg, const char *config_error, char *const *envp, FILE *out)
{
	report r = {.out = out};
	store_state s = {0};
	if (cfg)
		open_store(cfg, &s);
	tusk_err err = {0};
	int64_t users = s.st ? store_user_count(s.st, &err) : 0;

	section(&r, "Permission denied (the data volume)");
	check_identity(&r, cfg);
	if (cfg)
		check_data_dir(&r, cfg);
	section(&r, "Secret errors (the administrator's password)");
	check_secret(&r, cfg, config_error, envp, users);
	if (s.st) {
		section(&r, "Connection and login failures (each registered server: DNS, TCP, PostgreSQL login)");
		check_servers(&r, cfg, s.st);
		section(&r, "Login failures (the administrator's account in Tusk)");
		check_admin_login(&r, cfg, s.st);
	}
	if (cfg) {
		section(&r, "The store");
		check_store(&r, cfg, &s);
	}
	if (s.st)
		store_close(s.st);
	fprintf(out, "%d problem%s found\n", r.problems, r.problems == 1 ? "" : "s");
	return r.problems;
}
