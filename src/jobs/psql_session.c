/* PSQL tool sessions: psql in a pseudo-terminal inside bubblewrap (see psql_session.h). */
#include "jobs/psql_session.h"

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "jobs/commands.h"
#include "jobs/jobs.h"
#include "jobs/psql_relay.h"
#include "pg/target.h"
#include "util/thread.h"
#include "util/time.h"

#define BWRAP "/usr/bin/bwrap"
#define SANDBOX_HOME "/home/psql"
#define SANDBOX_ETC "/run/tusk" /* PGSYSCONFDIR: the session's pg_service.conf */

enum {
	ARGS_FD = 3,	       /* bwrap's options (--args): its command line shows none of them */
	PASS_FD = 4,	       /* the passfile's text (--file) */
	SERVICE_FD = 5,	       /* the conninfo as a service file (--file): psql's command line shows none of it */
	CHILD_FDS = 3,	       /* the three above */
	CTL_FD = 6,	       /* the child's socket to Tusk (its listeners, or why it failed) until it runs bwrap */
	INPUT_STALL_MS = 2000, /* an input gives up after psql read none of it for this long */
	INPUT_SLICE_MS = 50,   /* how often a waiting input looks whether the session closed */
};

struct psql_sess {
	psql_sess *next;
	psql_hub *h;
	char id[PSQL_ID_CHARS];
	char owner[80];
	int64_t user_id, server_id;
	char *database;
	char *conninfo; /* the pool's, as the session started (when the hub has no route) */
	int nhosts;	/* listeners in the sandbox: 127.0.0.1:5432... */
	psql_relays *relays;
	char start_error[1200];
	int fds[CHILD_FDS]; /* memfds the child reads (ARGS_FD...) until it has started; -1: none */
	int refs;	    /* under h->lock: the hub's list, the thread, each psql_get */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int master;
	pid_t pid;
	unsigned char *ring;
	uint64_t end; /* bytes psql wrote so far; the ring holds the last PSQL_RING */
	bool started, start_failed, exited, closed, listed;
	bool writing; /* an input is being delivered (one at a time) */
	int code;
	int readers;
	int64_t idle_since; /* monotonic ms when the last reader left */
	char why[120];	    /* why it was closed (audited) */
	strv argv;
	char **env;
	struct winsize ws;
};

struct psql_hub {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	psql_sess *all;
	int grace_ms;
	bool stop;
	int threads; /* session threads still running */
	pthread_t reaper;
	psql_end_fn on_end;
	psql_route_cb route;
	void *ctx;
};

/* The terminal's descriptor closes only here, with the last reference:
 * psql_input and psql_resize use it outside the lock, holding one. */
static void sess_free(psql_sess *s)
{
	if (s->master >= 0)
		close(s->master);
	strv_free(&s->argv);
	for (size_t i = 0; s->env && s->env[i]; i++)
		free(s->env[i]);
	free(s->env);
	free(s->database);
	free(s->conninfo);
	for (int i = 0; i < CHILD_FDS; i++)
		if (s->fds[i] >= 0)
			close(s->fds[i]);
	free(s->ring);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
	free(s);
}

void psql_release(psql_sess *s)
{
	if (!s)
		return;
	psql_hub *h = s->h;
	pthread_mutex_lock(&h->lock);
	bool last = --s->refs == 0;
	pthread_mutex_unlock(&h->lock);
	if (last)
		sess_free(s);
}

/* ---- the sandbox's command line ---- */

static void push_all(strv *a, const char *const *args)
{
	for (size_t i = 0; args[i]; i++)
		strv_push(a, args[i]);
}

/* The host's folders and files the sandbox shows besides psql's own and the
 * connection's: /usr, the /lib, /bin... folders (or their links into /usr),
 * and the few /etc files a client needs; /etc/ssl only for its public
 * certificates (never /etc/ssl/private). No file of Tusk's may lie under one
 * (psql_guard, fixed_binds_ok). */
static const char *const system_binds[] = {"/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin", NULL};
static const char *const etc_binds[] = {"/etc/ssl/certs",	"/etc/ssl/openssl.cnf", "/etc/ssl/cert.pem",
					"/etc/ca-certificates", "/etc/hosts",		"/etc/services",
					"/etc/inputrc",		"/etc/terminfo",	"/etc/localtime",
					"/etc/passwd",		"/etc/group",		NULL};

/* /lib, /bin...: the link a merged-/usr system has, or the folder read-only. */
static void system_dir(strv *a, const char *dir)
{
	char target[256];
	ssize_t n = readlink(dir, target, sizeof(target) - 1);
	struct stat st;
	if (n > 0) {
		target[n] = 0;
		push_all(a, (const char *const[]){"--symlink", target, dir, NULL});
	} else if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
		push_all(a, (const char *const[]){"--ro-bind", dir, dir, NULL});
	}
}

/* The sandbox before the program: a root of its own with the system's
 * programs and libraries, the few /etc files a client needs (certificates,
 * terminal and locale data), empty HOME and /tmp. Its network namespace is
 * the one the child made (spawn_sandbox): --share-net keeps it. No /proc:
 * psql needs none, and a container's masked /proc forbids mounting another.
 * No --hostname: the UTS namespace is its own, but container runtimes'
 * default seccomp profiles refuse sethostname (podman's does). */
static void sandbox_args(strv *a)
{
	static const char *const head[] = {BWRAP,
					   "--unshare-all",
					   "--share-net",
					   "--unshare-user",
					   "--uid",
					   "65534",
					   "--gid",
					   "65534",
					   "--die-with-parent",
					   "--cap-drop",
					   "ALL",
					   "--ro-bind",
					   "/usr",
					   "/usr",
					   NULL};
	push_all(a, head);
	for (size_t i = 1; system_binds[i]; i++)
		system_dir(a, system_binds[i]);
	for (size_t i = 0; etc_binds[i]; i++)
		push_all(a, (const char *const[]){"--ro-bind-try", etc_binds[i], etc_binds[i], NULL});
	static const char *const tail[] = {"--dev",   "/dev",	    "--size",	"67108864", "--tmpfs",
					   "/tmp",    "--size",	    "67108864", "--tmpfs",  SANDBOX_HOME,
					   "--chdir", SANDBOX_HOME, NULL};
	push_all(a, tail);
}

/* Whether dir is / or holds (or is) path. */
static bool holds(const char *dir, const char *path)
{
	size_t n = strlen(dir);
	return strcmp(dir, "/") == 0 || (path[0] && strncmp(dir, path, n) == 0 && (path[n] == '/' || path[n] == '\0'));
}

/* Tusk's own folders, by their real paths: what no bound path may hold. */
typedef struct {
	char data[PATH_MAX], tmp[PATH_MAX];
} tusk_dirs;

static void tusk_dirs_of(const char *data_dir, tusk_dirs *d)
{
	const char *tmp = getenv("TMPDIR");
	if (!data_dir || !realpath(data_dir, d->data))
		snprintf(d->data, sizeof(d->data), "%s", data_dir ? data_dir : "");
	if (!realpath(tmp && *tmp ? tmp : "/tmp", d->tmp))
		snprintf(d->tmp, sizeof(d->tmp), "/tmp");
}

/* False with err when real (a path to bind) is / or holds Tusk's data directory or TMPDIR. */
static bool bind_allowed(const tusk_dirs *d, const char *real, const char *what, tusk_err *err)
{
	if (!holds(real, d->data) && !holds(real, d->tmp))
		return true;
	err_set(err, ERR_FORBIDDEN,
		"The PSQL tool does not run here: %s, %s, would show psql's sandbox %s. Install the client "
		"programs apart from Tusk's data directory and TMPDIR (TUSK_PG_BIN_DIR).",
		what, real,
		strcmp(real, "/") == 0 ? "the whole file system" : "a folder of Tusk's (its data directory or TMPDIR)");
	return false;
}

/* The folder or file of the system's the sandbox shows that holds real (a real path), or NULL. */
static const char *system_bind_holding(const char *real)
{
	for (size_t i = 0; system_binds[i]; i++) {
		struct stat st; /* a link (/lib -> usr/lib) shows what /usr does */
		if (lstat(system_binds[i], &st) == 0 && S_ISDIR(st.st_mode) && holds(system_binds[i], real))
			return system_binds[i];
	}
	for (size_t i = 0; etc_binds[i]; i++) {
		char bound[PATH_MAX];
		if (holds(etc_binds[i], real) || (realpath(etc_binds[i], bound) && holds(bound, real)))
			return etc_binds[i];
	}
	return NULL;
}

static struct {
	char *what, *path;
} guarded[24]; /* Tusk's own files and folders (psql_guard), as named; set at start */
static size_t nguarded;

/* False with why when path (what: a file or folder of Tusk's) lies in a folder the sandbox shows. */
static bool not_shown(const char *what, const char *path, char *why, size_t n)
{
	char real[PATH_MAX];
	const char *bind;
	if (!path || !*path || !realpath(path, real) || !(bind = system_bind_holding(real)))
		return true;
	snprintf(why, n, "%s, %s, lies in %s, which psql's sandbox shows", what, real, bind);
	return false;
}

bool psql_guard(const char *what, const char *path, char *why, size_t n)
{
	if (path && *path && nguarded < sizeof(guarded) / sizeof(*guarded)) {
		guarded[nguarded].what = xstrdup(what);
		guarded[nguarded++].path = xstrdup(path);
	}
	return not_shown(what, path, why, n);
}

/* False with err when Tusk's data directory, TMPDIR or a file of Tusk's lies in what the sandbox shows. */
static bool fixed_binds_ok(const tusk_dirs *d, tusk_err *err)
{
	char why[2 * PATH_MAX];
	bool ok = not_shown("Tusk's data directory", d->data, why, sizeof(why)) &&
		  not_shown("TMPDIR", d->tmp, why, sizeof(why));
	for (size_t i = 0; ok && i < nguarded; i++)
		ok = not_shown(guarded[i].what, guarded[i].path, why, sizeof(why));
	if (!ok)
		err_set(err, ERR_FORBIDDEN,
			"The PSQL tool does not run here: %.700s. The operator moves it out of the system's folders "
			"(/usr, /etc/ssl/certs...).",
			why);
	return ok;
}

/* Whether the file at real holds certificates or CRLs (PEM) and nothing else: no
 * private key, no other block, nothing binary. */
static bool certs_only(const char *real)
{
	static const char *const labels[] = {"CERTIFICATE-----", "TRUSTED CERTIFICATE-----", "X509 CERTIFICATE-----",
					     "X509 CRL-----", NULL};
	int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	enum { MAX = 1 << 20 };
	char *text = xmalloc(MAX + 1);
	size_t len = 0;
	ssize_t got;
	while (len < MAX && ((got = read(fd, text + len, MAX - len)) > 0 || (got < 0 && errno == EINTR)))
		len += got > 0 ? (size_t)got : 0;
	bool ok = len < MAX && got == 0 && memchr(text, 0, len) == NULL;
	close(fd);
	text[len] = 0;
	int blocks = 0;
	for (const char *b = text; ok && (b = strstr(b, "-----BEGIN ")); b++, blocks++) {
		ok = false;
		for (size_t i = 0; labels[i] && !ok; i++)
			ok = strncmp(b + 11, labels[i], strlen(labels[i])) == 0;
	}
	ok = ok && blocks > 0 && !strstr(text, "PRIVATE KEY");
	sodium_memzero(text, len);
	free(text);
	return ok;
}

/* The files the connection names (a client certificate and key, a root
 * certificate, a CRL), each bound read-only at a fixed path of the sandbox's
 * (/run/tusk/<parameter>), which *out (the conninfo psql gets) names; an
 * unset or missing one names /run/tusk/none. A file is the user's by its
 * origin: under <data>/storage/<their id>/ only, theirs to read. Any other
 * (the operator's TUSK_FILE_DIRS: the pool checked the paths) is bound only
 * as a root certificate, client certificate or CRL holding certificates or
 * CRLs alone; a key, a folder or a file with a key in it is refused: users
 * may have Tusk use it, but psql's shell (\!) would read it. */
static bool conninfo_files(strv *a, const char *conninfo, const tusk_dirs *d, int64_t user_id, str *out, tusk_err *err)
{
	char mine[PATH_MAX + 32], mine_real[PATH_MAX];
	snprintf(mine, sizeof(mine), "%s/storage/%lld", d->data, (long long)user_id);
	if (realpath(mine, mine_real))
		snprintf(mine, sizeof(mine), "%s", mine_real);
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
	bool ok = opts != NULL;
	for (PQconninfoOption *o = opts; ok && o && o->keyword; o++) {
		if (!o->val)
			continue;
		char real[PATH_MAX], inside[64];
		struct stat st;
		const char *val = o->val;
		bool file = o->val[0] == '/' && pgtarget_is_file_param(o->keyword) &&
			    strcmp(o->val, PSQL_SANDBOX_PASSFILE) != 0;
		if (file)
			val = SANDBOX_ETC "/none"; /* a missing file stays missing (psql says so) */
		if (file && strcmp(o->keyword, "passfile") != 0 && realpath(o->val, real) && stat(real, &st) == 0) {
			bool users = d->data[0] && strcmp(real, mine) != 0 && holds(mine, real);
			bool cert = strcmp(o->keyword, "sslrootcert") == 0 || strcmp(o->keyword, "sslcert") == 0 ||
				    strcmp(o->keyword, "sslcrl") == 0;
			if (!users && !(cert && S_ISREG(st.st_mode) && certs_only(real))) {
				err_set(
				    err, ERR_FORBIDDEN,
				    "The PSQL tool does not use this server entry's %s %s: it is one of the operator's "
				    "files (TUSK_FILE_DIRS) and %s, which Tusk uses for you without showing it; psql's "
				    "shell (\\!) could read it. Upload a file of your own to your storage and name it "
				    "instead, or use the query tool.",
				    strcmp(o->keyword, "sslkey") == 0 ? "client key (sslkey)" : o->keyword, o->val,
				    strcmp(o->keyword, "sslkey") == 0 ? "a key"
				    : S_ISDIR(st.st_mode)	      ? "a folder"
								      : "not a certificate or CRL alone");
				ok = false;
			} else if ((ok = bind_allowed(d, real, o->keyword, err))) {
				snprintf(inside, sizeof(inside), "%s/%s", SANDBOX_ETC, o->keyword);
				push_all(a, (const char *const[]){"--ro-bind", real, inside, NULL});
				val = inside;
			}
		}
		str_appendf(out, "%s%s='", out->len ? " " : "", o->keyword);
		for (const char *c = val; *c; c++)
			str_appendf(out, "%s%c", *c == '\'' || *c == '\\' ? "\\" : "", *c);
		str_append_cstr(out, "'");
	}
	PQconninfoFree(opts);
	return ok;
}

/* psql itself when /usr does not hold it: the program at its real path
 * (what the sandbox runs, *run) and the lib/ beside its bin/ (the libpq of
 * a client built apart), never their whole folder: a client installed
 * beside Tusk's data (/opt/tusk/bin, /opt/tusk/data) would show it all. */
static bool program_files(strv *a, const char *program, const tusk_dirs *d, char **run, tusk_err *err)
{
	char real[PATH_MAX], lib[PATH_MAX + 8], lib_real[PATH_MAX];
	if (!realpath(program, real)) {
		err_set(err, ERR_JOB_FAILED, "Tusk could not find psql at %s: %s", program, strerror(errno));
		return false;
	}
	/* under /usr, bound whole, by the name it was found by (Debian's /usr/bin/psql is a wrapper
	 * that goes by its name) */
	bool usr = strncmp(real, "/usr/", 5) == 0;
	*run = xstrdup(usr && strncmp(program, "/usr/", 5) == 0 ? program : real);
	if (usr)
		return true;
	if (!bind_allowed(d, real, "psql", err))
		return false;
	push_all(a, (const char *const[]){"--ro-bind", real, real, NULL});
	snprintf(lib, sizeof(lib), "%s", real);
	for (int up = 0; up < 2; up++) {
		char *slash = strrchr(lib, '/');
		if (slash)
			*slash = 0;
	}
	if (!lib[0]) /* psql right below / (its lib/ would be /lib, the system's) */
		return true;
	strcat(lib, "/lib");
	struct stat st;
	if (!realpath(lib, lib_real) || stat(lib_real, &st) != 0 || !S_ISDIR(st.st_mode))
		return true;
	if (!bind_allowed(d, lib_real, "psql's lib/ folder", err))
		return false;
	push_all(a, (const char *const[]){"--ro-bind", lib_real, lib, NULL});
	return true;
}

static char **sandbox_env(void)
{
	static const char *const vars[] = {"PATH=/usr/bin:/bin",
					   "HOME=" SANDBOX_HOME,
					   "TERM=xterm-256color",
					   "COLORTERM=truecolor",
					   "LANG=C.UTF-8",
					   "PSQL_HISTORY=" SANDBOX_HOME "/.psql_history",
					   "PGSYSCONFDIR=" SANDBOX_ETC,
					   NULL};
	size_t n = sizeof(vars) / sizeof(*vars);
	char **env = xcalloc(n, sizeof(char *));
	for (size_t i = 0; vars[i]; i++)
		env[i] = xstrdup(vars[i]);
	return env;
}

static void env_free(char **env)
{
	for (size_t i = 0; env && env[i]; i++)
		free(env[i]);
	free(env);
}

/* ---- starting the sandbox: limits, a user and network namespace, the listeners ---- */

/* What the child did not manage, sent to the parent (step 0: all went well). */
enum step { STEP_OK, STEP_LIMITS, STEP_USERNS, STEP_MAPS, STEP_LOOPBACK, STEP_LISTEN, STEP_SEND };
struct report {
	int step, err;
};

struct spawn_plan {
	char *const *argv, *const *env;
	int in, out, errfd; /* the child's 0, 1 and 2 */
	const int *fds;	    /* CHILD_FDS descriptors for ARGS_FD... (-1: none), or NULL */
	bool tty;	    /* in is a terminal: make it the controlling one */
	int nlisteners;
	bool nproc; /* RLIMIT_NPROC counts the namespace's own processes (kernel >= 5.14) */
	char uid_map[32], gid_map[32];
};

static bool write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	size_t n = strlen(text);
	bool ok = write(fd, text, n) == (ssize_t)n;
	return close(fd) == 0 && ok;
}

static void child_report(int ctl, int step, int err)
{
	struct report r = {step, err};
	ssize_t rc = send(ctl, &r, sizeof(r), MSG_NOSIGNAL);
	(void)rc;
	_exit(126);
}

/* soft v, hard v + slack (the soft limit of CPU time sends SIGXCPU, the hard one SIGKILL) */
static bool set_limit_slack(int which, rlim_t v, rlim_t slack)
{
	struct rlimit rl = {v, v + slack};
	struct rlimit cur;
	if (getrlimit(which, &cur) == 0 && cur.rlim_max != RLIM_INFINITY && cur.rlim_max < v)
		rl.rlim_cur = rl.rlim_max = cur.rlim_max; /* lower already: kept */
	return setrlimit(which, &rl) == 0;
}

static bool set_limit(int which, rlim_t v)
{
	return set_limit_slack(which, v, 0);
}

/* In the child (async-signal-safe calls only): descriptors, signals and
 * limits; a user namespace (its own uid mapped to itself) with a network
 * namespace that has loopback only, where it listens on 127.0.0.1:5432...
 * and hands the listeners to the parent over ctl; then bwrap, which takes
 * that network namespace (--share-net) and nests its own user namespace. */
static void child_run(const struct spawn_plan *pl, int ctl)
{
	setsid();
	if (pl->tty)
		ioctl(pl->in, TIOCSCTTY, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	struct sigaction dfl;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (int sig = 1; sig < 32; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &dfl, NULL);
	/* a file past the size limit is an error psql reports (EFBIG), not a kill; the
	 * terminal's ^C, ^\ and ^Z reach bwrap too (it shares psql's process group): it
	 * ignores them, psql sets its own SIGINT handler (a cancel request) */
	dfl.sa_handler = SIG_IGN;
	static const int ignored[] = {SIGXFSZ, SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU};
	for (size_t i = 0; i < sizeof(ignored) / sizeof(*ignored); i++)
		sigaction(ignored[i], &dfl, NULL);
	/* 0-2, bwrap's options, the passfile and the service file at ARGS_FD, PASS_FD and
	 * SERVICE_FD, the parent's socket at CTL_FD; first all above them, so that none
	 * overwrites another (dup2 leaves the copies open across exec) */
	ctl = fcntl(ctl, F_DUPFD_CLOEXEC, CTL_FD + 1);
	int above[CHILD_FDS];
	for (int i = 0; i < CHILD_FDS; i++)
		above[i] = pl->fds && pl->fds[i] >= 0 ? fcntl(pl->fds[i], F_DUPFD, CTL_FD + 1) : -1;
	dup2(pl->in, 0);
	dup2(pl->out, 1);
	dup2(pl->errfd, 2);
	for (int i = 0; i < CHILD_FDS; i++)
		if (above[i] < 0 || dup2(above[i], ARGS_FD + i) < 0)
			close(ARGS_FD + i);
	dup2(ctl, CTL_FD);
	ctl = CTL_FD;
	if (close_range(CTL_FD + 1, ~0U, 0) != 0)
		for (int fd = CTL_FD + 1; fd < 65536; fd++)
			close(fd);
	umask(077);
	if (!set_limit(RLIMIT_AS, PSQL_LIMIT_MEMORY) || !set_limit_slack(RLIMIT_CPU, PSQL_LIMIT_CPU_S, 5) ||
	    !set_limit(RLIMIT_FSIZE, PSQL_LIMIT_FILE) || !set_limit(RLIMIT_NOFILE, PSQL_LIMIT_FILES) ||
	    !set_limit(RLIMIT_CORE, 0))
		child_report(ctl, STEP_LIMITS, errno);
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0)
		child_report(ctl, STEP_USERNS, errno);
	if (!write_file("/proc/self/setgroups", "deny") || !write_file("/proc/self/uid_map", pl->uid_map) ||
	    !write_file("/proc/self/gid_map", pl->gid_map))
		child_report(ctl, STEP_MAPS, errno);
	/* counted in this namespace: the sandbox's own processes, not Tusk's threads */
	if (pl->nproc && !set_limit(RLIMIT_NPROC, PSQL_LIMIT_PROCS))
		child_report(ctl, STEP_LIMITS, errno);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, "lo", 3);
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) != 0)
		child_report(ctl, STEP_LOOPBACK, errno);
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
		child_report(ctl, STEP_LOOPBACK, errno);
	close(fd);
	int ls[PSQL_MAX_HOSTS];
	for (int i = 0; i < pl->nlisteners; i++) {
		ls[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct sockaddr_in in = {.sin_family = AF_INET,
					 .sin_port = htons((uint16_t)(PSQL_INNER_PORT + i)),
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		if (ls[i] < 0 || bind(ls[i], (struct sockaddr *)&in, sizeof(in)) != 0 || listen(ls[i], 16) != 0)
			child_report(ctl, STEP_LISTEN, errno);
	}
	struct report ok = {STEP_OK, 0};
	struct iovec iov = {.iov_base = &ok, .iov_len = sizeof(ok)};
	union {
		char buf[CMSG_SPACE(sizeof(int) * PSQL_MAX_HOSTS)];
		struct cmsghdr align;
	} cm;
	memset(&cm, 0, sizeof(cm));
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	if (pl->nlisteners > 0) {
		m.msg_control = cm.buf;
		m.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)pl->nlisteners);
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)pl->nlisteners);
		memcpy(CMSG_DATA(c), ls, sizeof(int) * (size_t)pl->nlisteners);
	}
	if (sendmsg(ctl, &m, MSG_NOSIGNAL) != (ssize_t)sizeof(ok))
		child_report(ctl, STEP_SEND, errno);
	for (int i = 0; i < pl->nlisteners; i++)
		close(ls[i]);
	close(ctl);
	execve(BWRAP, pl->argv, pl->env);
	static const char msg[] = "tusk: could not run bubblewrap (" BWRAP ")\r\n";
	ssize_t rc = write(2, msg, sizeof(msg) - 1);
	(void)rc;
	_exit(127);
}

static const char *const OPERATOR_HINT =
    " In a container, the pod needs a seccomp profile that allows user namespaces (Kubernetes: "
    "securityContext.seccompProfile.type Unconfined, or a Localhost profile that allows unshare and clone "
    "with CLONE_NEWUSER), no AppArmor profile that forbids mounting (appArmorProfile Unconfined on such "
    "nodes), and a node whose kernel allows unprivileged user namespaces (user.max_user_namespaces above 0, "
    "kernel.unprivileged_userns_clone 1, kernel.apparmor_restrict_unprivileged_userns 0); see "
    "docs/deployment.md, \"The PSQL tool\".";

/* Why the child stopped at r, for the operator. */
static void describe(const struct report *r, char *why, size_t n)
{
	const char *what = "";
	bool hint = false;
	switch (r->step) {
	case STEP_LIMITS:
		what = "could not set the sandbox's resource limits";
		break;
	case STEP_USERNS:
		what = r->err == ENOSPC || r->err == EUSERS
			   ? "could not create a user namespace: the host's limit (user.max_user_namespaces) is reached"
			   : "could not create a user namespace for the sandbox: the kernel or the container runtime "
			     "refuses it";
		hint = true;
		break;
	case STEP_MAPS:
		what = "could not map its user into the sandbox's user namespace";
		hint = true;
		break;
	case STEP_LOOPBACK:
		what = "could not bring up the sandbox network's loopback interface";
		break;
	case STEP_LISTEN:
		what = "could not listen in the sandbox's network";
		break;
	default:
		what = "could not hand the sandbox's listeners over";
	}
	snprintf(why, n, "Tusk %s (%s).%s", what, strerror(r->err), hint ? OPERATOR_HINT : "");
}

/* Forks the sandbox's first process (child_run) and takes its listeners;
 * its pid, or -1 with why. */
static pid_t spawn_sandbox(const struct spawn_plan *pl, int *listeners, char *why, size_t n)
{
	int ctl[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl) != 0) {
		snprintf(why, n, "Tusk could not start the sandbox: %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(ctl[0]);
		child_run(pl, ctl[1]);
	}
	int e = errno;
	close(ctl[1]);
	if (pid < 0) {
		close(ctl[0]);
		snprintf(why, n, "Tusk could not start the sandbox: %s", strerror(e));
		return -1;
	}
	struct timeval tv = {.tv_sec = 20};
	setsockopt(ctl[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	struct report r = {STEP_SEND, EPIPE};
	struct iovec iov = {.iov_base = &r, .iov_len = sizeof(r)};
	union {
		char buf[CMSG_SPACE(sizeof(int) * PSQL_MAX_HOSTS)];
		struct cmsghdr align;
	} cm;
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.buf, .msg_controllen = sizeof(cm.buf)};
	ssize_t got;
	while ((got = recvmsg(ctl[0], &m, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	close(ctl[0]);
	int nfds = 0;
	for (struct cmsghdr *c = got > 0 ? CMSG_FIRSTHDR(&m) : NULL; c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			for (int i = 0; i < k && nfds < PSQL_MAX_HOSTS; i++)
				memcpy(&listeners[nfds++], CMSG_DATA(c) + (size_t)i * sizeof(int), sizeof(int));
		}
	if (got == (ssize_t)sizeof(r) && r.step == STEP_OK && nfds == pl->nlisteners)
		return pid;
	for (int i = 0; i < nfds; i++)
		close(listeners[i]);
	if (got != (ssize_t)sizeof(r))
		r = (struct report){STEP_SEND, got < 0 ? errno : EPIPE};
	describe(&r, why, n);
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return -1;
}

/* RLIMIT_NPROC counts per user namespace from Linux 5.14 on; before, all of Tusk's uid's. */
static bool nproc_per_namespace(void)
{
	struct utsname u;
	int major = 0, minor = 0;
	if (uname(&u) != 0 || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return false;
	return major > 5 || (major == 5 && minor >= 14);
}

static void plan_ids(struct spawn_plan *pl)
{
	snprintf(pl->uid_map, sizeof(pl->uid_map), "%u %u 1", (unsigned)getuid(), (unsigned)getuid());
	snprintf(pl->gid_map, sizeof(pl->gid_map), "%u %u 1", (unsigned)getgid(), (unsigned)getgid());
	pl->nproc = nproc_per_namespace();
}

/* ---- the sandbox check ---- */

static pthread_mutex_t check_lock = PTHREAD_MUTEX_INITIALIZER;
static int check_state; /* 0 unknown, 1 works, -1 does not */
static char check_why[1200];

/* Runs the sandbox (with a listener, as a session has) around /usr/bin/true;
 * why it failed (the child's step, or bwrap's own error) into why. */
static bool sandbox_runs(char *why, size_t n)
{
	if (access(BWRAP, X_OK) != 0) {
		snprintf(why, n,
			 "bubblewrap (%s) is not installed: install Debian's bubblewrap package (the container image "
			 "has it).",
			 BWRAP);
		return false;
	}
	strv a = {0};
	sandbox_args(&a);
	strv_push(&a, "/usr/bin/true");
	char **env = sandbox_env();
	int fds[2], null = open("/dev/null", O_RDWR | O_CLOEXEC);
	bool ok = false;
	if (null >= 0 && pipe2(fds, O_CLOEXEC) == 0) {
		struct spawn_plan pl = {
		    .argv = a.v, .env = env, .in = null, .out = null, .errfd = fds[1], .nlisteners = 1};
		plan_ids(&pl);
		int listener = -1;
		pid_t pid = spawn_sandbox(&pl, &listener, why, n);
		close(fds[1]);
		if (pid > 0) {
			close(listener);
			char err[400];
			ssize_t got = read(fds[0], err, sizeof(err) - 1);
			err[got > 0 ? got : 0] = 0;
			err[strcspn(err, "\r\n")] = 0;
			int status = 0;
			ok = waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
			if (!ok)
				snprintf(why, n, "bubblewrap could not build the sandbox: %s.%s",
					 err[0] ? err : "it ended without saying why", OPERATOR_HINT);
		}
		close(fds[0]);
	}
	if (null >= 0)
		close(null);
	env_free(env);
	strv_free(&a);
	return ok;
}

bool psql_sandbox_check(char *why, size_t n)
{
	pthread_mutex_lock(&check_lock);
	if (check_state == 0)
		check_state = sandbox_runs(check_why, sizeof(check_why)) ? 1 : -1;
	bool ok = check_state > 0;
	snprintf(why, n, "%s", ok ? "" : check_why);
	pthread_mutex_unlock(&check_lock);
	return ok;
}

/* ---- the session's thread: start the sandbox in the pty, copy output, relay ---- */

/* A pty pair (both close-on-exec) sized ws; false when none could be had.
 * The master does not block: psql_input waits for psql only so long. */
static bool open_pty(const struct winsize *ws, int *master, int *slave)
{
	*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (*master < 0)
		return false;
	char name[64];
	if (grantpt(*master) != 0 || unlockpt(*master) != 0 || ptsname_r(*master, name, sizeof(name)) != 0 ||
	    (*slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		close(*master);
		*master = -1;
		return false;
	}
	ioctl(*master, TIOCSWINSZ, ws);
	return true;
}

static void append_ring(psql_sess *s, const unsigned char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		s->ring[(s->end + i) % PSQL_RING] = buf[i];
	s->end += n;
}

static void announce(psql_sess *s, const char *text)
{
	pthread_mutex_lock(&s->lock);
	append_ring(s, (const unsigned char *)text, strlen(text));
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

/* Where the session's server is now: the hub asks Tusk (the pool), as for each connection. */
static bool sess_route(void *ctx, char **conninfo, tusk_err *err)
{
	psql_sess *s = ctx;
	if (s->h->route)
		return s->h->route(s->h->ctx, s->user_id, s->server_id, s->database, conninfo, err);
	*conninfo = xstrdup(s->conninfo);
	return true;
}

static bool sess_ending(void *ctx)
{
	psql_sess *s = ctx;
	pthread_mutex_lock(&s->lock);
	bool closed = s->closed;
	pthread_mutex_unlock(&s->lock);
	return closed;
}

static void sess_notice(void *ctx, const char *text)
{
	psql_sess *s = ctx;
	str line = STR_INIT;
	str_appendf(&line, "\r\n\x1b[2m[%s]\x1b[0m\r\n", text);
	announce(s, str_cstr(&line));
	str_free(&line);
}

/* Copies psql's output into the ring, at most PSQL_RATE bytes a second after
 * a burst of PSQL_BURST (what psql writes meanwhile waits in the terminal,
 * and psql with it), and relays psql's connections, until psql ends or the
 * session closes. */
static void pump(psql_sess *s)
{
	unsigned char buf[16384];
	double tokens = PSQL_BURST;
	int64_t last = time_mono_ms();
	struct pollfd p[1 + PSQL_MAX_HOSTS + 2 * PSQL_MAX_RELAYS];
	for (;;) {
		pthread_mutex_lock(&s->lock);
		bool closed = s->closed;
		pthread_mutex_unlock(&s->lock);
		if (closed) {
			kill(-s->pid, SIGKILL);
			return;
		}
		int64_t now = time_mono_ms();
		tokens += (double)(now - last) * PSQL_RATE / 1000.0;
		if (tokens > PSQL_BURST)
			tokens = PSQL_BURST;
		last = now;
		bool may_read = tokens >= 1;
		int wait = 250;
		if (!may_read) {
			wait = (int)((1 - tokens) * 1000.0 / PSQL_RATE) + 1;
			if (wait > 250)
				wait = 250;
		}
		p[0] = (struct pollfd){.fd = may_read ? s->master : -1, .events = POLLIN};
		size_t n = 1 + psql_relays_poll(s->relays, p + 1, sizeof(p) / sizeof(*p) - 1);
		int rc = poll(p, n, wait);
		if (rc < 0 && errno != EINTR)
			return;
		if (rc <= 0)
			continue;
		psql_relays_run(s->relays, p + 1, n - 1);
		if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		size_t room = tokens < (double)sizeof(buf) ? (size_t)tokens : sizeof(buf);
		ssize_t got = read(s->master, buf, room);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0)
			return; /* EIO: every holder of the terminal's other end has gone */
		tokens -= (double)got;
		pthread_mutex_lock(&s->lock);
		append_ring(s, buf, (size_t)got);
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->lock);
	}
}

/* Whether the ring's last bytes say psql ran out of memory. */
static bool said_out_of_memory(psql_sess *s)
{
	char tail[512];
	pthread_mutex_lock(&s->lock);
	size_t n = s->end < sizeof(tail) - 1 ? (size_t)s->end : sizeof(tail) - 1;
	for (size_t i = 0; i < n; i++)
		tail[i] = (char)s->ring[(s->end - n + i) % PSQL_RING];
	pthread_mutex_unlock(&s->lock);
	tail[n] = 0;
	return memmem(tail, n, "out of memory", 13) != NULL;
}

/* The line the terminal shows when psql ended: its code, and why when a limit ended it. */
static void exit_line(psql_sess *s, int code, char *line, size_t n)
{
	const char *why = NULL;
	char more[200] = "";
	if (code == 128 + SIGXCPU) {
		snprintf(more, sizeof(more), "it used the %ld seconds of CPU time a PSQL session may use",
			 (long)PSQL_LIMIT_CPU_S);
		why = more;
	} else if (code == 128 + SIGKILL) {
		snprintf(more, sizeof(more), "killed: past its CPU time limit (%ld s), or the system ran out of memory",
			 (long)PSQL_LIMIT_CPU_S);
		why = more;
	}
	if (!why && code != 0 && said_out_of_memory(s)) {
		snprintf(more, sizeof(more), "psql ran out of the %ld MiB of memory a PSQL session may use",
			 (long)(PSQL_LIMIT_MEMORY / (1024 * 1024)));
		why = more;
	}
	if (why)
		snprintf(line, n, "\r\n\x1b[2m[psql exited with code %d: %s]\x1b[0m\r\n", code, why);
	else
		snprintf(line, n, "\r\n\x1b[2m[psql exited with code %d]\x1b[0m\r\n", code);
}

static void finish(psql_sess *s)
{
	int status = 0, code;
	kill(-s->pid, SIGKILL); /* what \! left running dies with psql */
	while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
		;
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	psql_relays_free(s->relays);
	s->relays = NULL;
	pthread_mutex_lock(&s->lock);
	bool closed = s->closed;
	pthread_mutex_unlock(&s->lock);
	if (!closed) {
		char line[300];
		exit_line(s, code, line, sizeof(line));
		announce(s, line);
	}
	pthread_mutex_lock(&s->lock);
	s->exited = true;
	s->code = code;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	if (s->h->on_end)
		s->h->on_end(s->h->ctx, s->user_id, s->server_id, s->database, code, closed ? s->why : "psql exited");
}

static void *session_main(void *arg)
{
	psql_sess *s = arg;
	int slave = -1;
	bool ok = open_pty(&s->ws, &s->master, &slave);
	if (!ok)
		snprintf(s->start_error, sizeof(s->start_error), "Tusk could not open a terminal: %s", strerror(errno));
	if (ok) {
		struct spawn_plan pl = {.argv = s->argv.v,
					.env = s->env,
					.in = slave,
					.out = slave,
					.errfd = slave,
					.tty = true,
					.fds = s->fds,
					.nlisteners = s->nhosts};
		plan_ids(&pl);
		int listeners[PSQL_MAX_HOSTS];
		s->pid = spawn_sandbox(&pl, listeners, s->start_error, sizeof(s->start_error));
		close(slave);
		ok = s->pid > 0;
		if (ok)
			s->relays = psql_relays_new(listeners, s->nhosts, sess_route, sess_notice, sess_ending, s);
	}
	/* the child has its copies: the password leaves Tusk's descriptors */
	for (int i = 0; i < CHILD_FDS; i++) {
		if (s->fds[i] >= 0)
			close(s->fds[i]);
		s->fds[i] = -1;
	}
	pthread_mutex_lock(&s->lock);
	s->started = true;
	s->start_failed = !ok;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	if (ok) {
		pump(s);
		finish(s);
	}
	psql_hub *h = s->h;
	psql_release(s);
	pthread_mutex_lock(&h->lock);
	h->threads--;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

/* ---- the hub ---- */

static void unlist_locked(psql_hub *h, psql_sess *s)
{
	for (psql_sess **p = &h->all; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			s->listed = false;
			s->refs--;
			return;
		}
}

static void close_locked(psql_hub *h, psql_sess *s, const char *why)
{
	pthread_mutex_lock(&s->lock);
	if (!s->closed) {
		s->closed = true;
		snprintf(s->why, sizeof(s->why), "%s", why);
	}
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	unlist_locked(h, s);
}

void psql_close(psql_hub *h, psql_sess *s, const char *why)
{
	pthread_mutex_lock(&h->lock);
	psql_sess *keep = s;
	s->refs++; /* unlisting may drop the hub's reference */
	close_locked(h, s, why);
	pthread_mutex_unlock(&h->lock);
	psql_release(keep);
}

/* Ends the sessions nobody has read for the grace period. */
static void *reaper_main(void *arg)
{
	psql_hub *h = arg;
	pthread_mutex_lock(&h->lock);
	while (thread_nap(&h->cond, &h->lock, &h->stop, 1000)) {
		int64_t now = time_mono_ms();
		for (psql_sess *s = h->all, *next; s; s = next) {
			next = s->next;
			pthread_mutex_lock(&s->lock);
			bool idle = s->readers == 0 && now - s->idle_since > h->grace_ms;
			pthread_mutex_unlock(&s->lock);
			if (idle) {
				s->refs++;
				close_locked(h, s, "no window showed it for the grace period");
				pthread_mutex_unlock(&h->lock);
				psql_release(s);
				pthread_mutex_lock(&h->lock);
				next = h->all; /* the list may have changed meanwhile */
			}
		}
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

psql_hub *psql_hub_new(int grace_seconds, psql_end_fn on_end, psql_route_cb route, void *ctx)
{
	psql_hub *h = xcalloc(1, sizeof(*h));
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);
	h->grace_ms = grace_seconds * 1000;
	h->on_end = on_end;
	h->route = route;
	h->ctx = ctx;
	if (pthread_create(&h->reaper, NULL, reaper_main, h) != 0)
		abort();
	return h;
}

void psql_hub_shutdown(psql_hub *h)
{
	if (!h || h->stop)
		return;
	thread_stop(h->reaper, &h->lock, &h->cond, &h->stop);
	pthread_mutex_lock(&h->lock);
	while (h->all)
		close_locked(h, h->all, "Tusk stopped");
	struct timespec deadline = time_after_ms(CLOCK_REALTIME, 5000);
	thread_wait_zero(&h->cond, &h->lock, &h->threads, &deadline);
	pthread_mutex_unlock(&h->lock);
}

void psql_hub_free(psql_hub *h)
{
	if (!h)
		return;
	psql_hub_shutdown(h);
	/* a thread still running (it never should) keeps the hub: leak it rather than free under it */
	if (h->threads == 0)
		free(h);
}

/* ---- sessions ---- */

/* A descriptor (a memfd, close-on-exec) to read n bytes of data from; -1 when none could be had. */
static int memfd_of(const char *name, const char *data, size_t n)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	for (size_t done = 0; fd >= 0 && done < n;) {
		ssize_t put = write(fd, data + done, n - done);
		if (put < 0 && errno == EINTR)
			continue;
		if (put <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)put;
	}
	if (fd >= 0 && lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* bwrap's options (a[1] up to "--") into a descriptor it reads (--args),
 * and its command line the rest: other users of the host read a process's
 * command line in /proc, but not its descriptors. */
static bool args_through_fd(psql_sess *s, strv *a)
{
	str opts = STR_INIT;
	size_t i = 1;
	for (; i < a->n && strcmp(a->v[i], "--") != 0; i++)
		str_append(&opts, a->v[i], strlen(a->v[i]) + 1);
	s->fds[0] = memfd_of("bwrap-args", opts.buf, opts.len);
	str_free(&opts);
	char fd[16];
	snprintf(fd, sizeof(fd), "%d", ARGS_FD);
	push_all(&s->argv, (const char *const[]){BWRAP, "--args", fd, NULL});
	for (; i < a->n; i++)
		strv_push(&s->argv, a->v[i]);
	return s->fds[0] >= 0;
}

/* The conninfo as the service file "tusk" that psql reads in the sandbox
 * (PGSYSCONFDIR), so that its command line, which other users of the host
 * may read, says "service=tusk" only. False when a value cannot be written
 * so (a line break, trailing blanks, a line too long for an older libpq, a
 * service of its own): the conninfo then stays on the command line. */
static bool service_text(const char *conninfo, str *out)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
	bool ok = opts != NULL;
	str_append_cstr(out, "[tusk]\n");
	for (PQconninfoOption *o = opts; ok && o && o->keyword; o++) {
		if (!o->val)
			continue;
		size_t n = strlen(o->val);
		/* libpq before 14 reads lines of 255 bytes at most */
		ok = strcmp(o->keyword, "service") != 0 && !strpbrk(o->val, "\r\n") &&
		     (n == 0 || !strchr(" \t\f\v", o->val[n - 1])) && strlen(o->keyword) + n + 2 < 255;
		str_appendf(out, "%s=%s\n", o->keyword, o->val);
	}
	PQconninfoFree(opts);
	return ok;
}

/* The session, not yet started; NULL with err when psql may not run so. */
static psql_sess *sess_new(psql_hub *h, const psql_spec *spec, const char *sandbox_conninfo, int nhosts, tusk_err *err)
{
	psql_sess *s = xcalloc(1, sizeof(*s));
	s->h = h;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	s->master = -1;
	for (int i = 0; i < CHILD_FDS; i++)
		s->fds[i] = -1;
	s->ring = xmalloc(PSQL_RING);
	unsigned char r[16];
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(s->id, sizeof(s->id), r, sizeof(r));
	snprintf(s->owner, sizeof(s->owner), "%s", spec->owner);
	s->user_id = spec->user_id;
	s->server_id = spec->server_id;
	s->database = xstrdup(spec->database ? spec->database : "");
	s->conninfo = xstrdup(spec->conninfo);
	s->nhosts = nhosts;
	s->ws = (struct winsize){.ws_col = (unsigned short)(spec->cols > 0 ? spec->cols : 80),
				 .ws_row = (unsigned short)(spec->rows > 0 ? spec->rows : 24)};
	s->idle_since = time_mono_ms();
	s->env = sandbox_env();
	tusk_dirs dirs;
	tusk_dirs_of(spec->data_dir, &dirs);
	strv a = {0};
	char *run = NULL;
	sandbox_args(&a);
	str sandboxed = STR_INIT; /* sandbox_conninfo with the sandbox's own paths of its files */
	bool ok = fixed_binds_ok(&dirs, err) && program_files(&a, spec->program, &dirs, &run, err) &&
		  conninfo_files(&a, sandbox_conninfo, &dirs, spec->user_id, &sandboxed, err);
	if (ok && spec->password) {
		/* written by bwrap into the sandbox's own memory: never a file on the host's disk */
		str text = STR_INIT;
		jobs_passfile_text(&text, spec->password);
		s->fds[PASS_FD - ARGS_FD] = memfd_of("pgpass", text.buf, text.len);
		sodium_memzero(text.buf, text.len);
		str_free(&text);
		char fd[16];
		snprintf(fd, sizeof(fd), "%d", PASS_FD);
		push_all(&a, (const char *const[]){"--perms", "0600", "--file", fd, PSQL_SANDBOX_PASSFILE, NULL});
	}
	str service = STR_INIT;
	const char *target = str_cstr(&sandboxed);
	if (ok && service_text(target, &service) &&
	    (s->fds[SERVICE_FD - ARGS_FD] = memfd_of("pg_service", service.buf, service.len)) >= 0) {
		char fd[16];
		snprintf(fd, sizeof(fd), "%d", SERVICE_FD);
		push_all(&a,
			 (const char *const[]){"--perms", "0600", "--file", fd, SANDBOX_ETC "/pg_service.conf", NULL});
		target = "service=tusk";
	}
	str_free(&service);
	/* psql itself: no pager (the tab scrolls), the connection as its one database argument */
	if (ok)
		push_all(&a, (const char *const[]){"--", run, "-P", "pager=off", "-d", target, NULL});
	if (ok && (!args_through_fd(s, &a) || (spec->password && s->fds[PASS_FD - ARGS_FD] < 0))) {
		err_set(err, ERR_IO_ERROR, "Tusk could not hand psql's sandbox its settings: %s", strerror(errno));
		ok = false;
	}
	strv_free(&a);
	free(run);
	str_free(&sandboxed);
	if (!ok) {
		sess_free(s);
		return NULL;
	}
	return s;
}

bool psql_start(psql_hub *h, const psql_spec *spec, char id[PSQL_ID_CHARS], tusk_err *err)
{
	char *inner = NULL;
	int nhosts = 0;
	if (!psql_sandbox_conninfo(spec->conninfo, &inner, &nhosts, err))
		return false;
	psql_sess *s = sess_new(h, spec, inner, nhosts, err);
	free(inner);
	if (!s)
		return false;
	pthread_mutex_lock(&h->lock);
	s->refs = 2; /* the list's and the thread's */
	s->listed = true;
	s->next = h->all;
	h->all = s;
	h->threads++;
	pthread_mutex_unlock(&h->lock);
	if (!thread_detached(session_main, s)) {
		pthread_mutex_lock(&h->lock);
		h->threads--;
		s->refs--; /* the thread's */
		unlist_locked(h, s);
		pthread_mutex_unlock(&h->lock);
		sess_free(s);
		err_set(err, ERR_JOB_FAILED, "Tusk could not start the PSQL tool's thread.");
		return false;
	}
	pthread_mutex_lock(&s->lock);
	while (!s->started)
		pthread_cond_wait(&s->cond, &s->lock);
	bool failed = s->start_failed;
	pthread_mutex_unlock(&s->lock);
	if (failed) {
		err_set(err, ERR_JOB_FAILED, "Tusk could not start psql in its sandbox: %s", s->start_error);
		psql_close(h, s, "could not start");
		return false;
	}
	memcpy(id, s->id, PSQL_ID_CHARS);
	return true;
}

psql_sess *psql_get(psql_hub *h, const char *id, const char *owner)
{
	pthread_mutex_lock(&h->lock);
	psql_sess *found = NULL;
	for (psql_sess *s = h->all; s && !found; s = s->next)
		if (id && strcmp(s->id, id) == 0 && strcmp(s->owner, owner) == 0)
			found = s;
	if (found)
		found->refs++;
	pthread_mutex_unlock(&h->lock);
	return found;
}

int64_t psql_server_id(const psql_sess *s)
{
	return s->server_id;
}

/* The terminal's master does not block: when psql does not read its input
 * (stopped, or running a command that reads nothing), the input gives up
 * after INPUT_STALL_MS without progress instead of holding its HTTP
 * connection (and thread) for ever, and at once when the session closes.
 * One input at a time per session: the others are answered BUSY. */
psql_input_result psql_input(psql_sess *s, const char *data, size_t n, size_t *done)
{
	*done = 0;
	pthread_mutex_lock(&s->lock);
	bool live = !s->exited && !s->closed && s->master >= 0, busy = live && s->writing;
	if (live && !busy)
		s->writing = true;
	pthread_mutex_unlock(&s->lock);
	if (!live || busy)
		return live ? PSQL_INPUT_BUSY : PSQL_INPUT_ENDED;
	psql_input_result res = PSQL_INPUT_OK;
	int64_t progress = time_mono_ms();
	while (n > 0) {
		ssize_t put = write(s->master, data, n);
		if (put > 0) {
			data += put;
			n -= (size_t)put;
			*done += (size_t)put;
			progress = time_mono_ms();
			continue;
		}
		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0 && errno != EAGAIN) {
			res = PSQL_INPUT_ENDED;
			break;
		}
		pthread_mutex_lock(&s->lock);
		bool gone = s->exited || s->closed;
		pthread_mutex_unlock(&s->lock);
		if (gone || time_mono_ms() - progress >= INPUT_STALL_MS) {
			res = gone ? PSQL_INPUT_ENDED : PSQL_INPUT_STALLED;
			break;
		}
		struct pollfd p = {.fd = s->master, .events = POLLOUT};
		poll(&p, 1, INPUT_SLICE_MS);
	}
	pthread_mutex_lock(&s->lock);
	s->writing = false;
	pthread_mutex_unlock(&s->lock);
	return res;
}

bool psql_resize(psql_sess *s, int cols, int rows)
{
	pthread_mutex_lock(&s->lock);
	bool live = !s->exited && !s->closed && s->master >= 0;
	s->ws.ws_col = (unsigned short)cols;
	s->ws.ws_row = (unsigned short)rows;
	if (live)
		ioctl(s->master, TIOCSWINSZ, &s->ws); /* the kernel tells psql (SIGWINCH) */
	pthread_mutex_unlock(&s->lock);
	return live;
}

void psql_attach(psql_sess *s)
{
	pthread_mutex_lock(&s->lock);
	s->readers++;
	pthread_mutex_unlock(&s->lock);
}

void psql_detach(psql_sess *s)
{
	pthread_mutex_lock(&s->lock);
	if (--s->readers == 0)
		s->idle_since = time_mono_ms();
	pthread_mutex_unlock(&s->lock);
}

void psql_read_from(psql_sess *s, uint64_t from, size_t max, int wait_ms, str *out, psql_read *res)
{
	struct timespec deadline = time_after_ms(CLOCK_REALTIME, wait_ms);
	pthread_mutex_lock(&s->lock);
	while (from >= s->end && !s->exited && !s->closed)
		if (pthread_cond_timedwait(&s->cond, &s->lock, &deadline) == ETIMEDOUT)
			break;
	uint64_t start = from > s->end ? s->end : from;
	if (s->end - start > PSQL_RING)
		start = s->end - PSQL_RING; /* older output left the ring */
	uint64_t stop = s->end - start > max ? start + max : s->end;
	for (uint64_t i = start; i < stop;) {
		size_t at = (size_t)(i % PSQL_RING), n = (size_t)(stop - i);
		if (n > PSQL_RING - at)
			n = PSQL_RING - at;
		str_append(out, s->ring + at, n);
		i += n;
	}
	*res = (psql_read){.start = start, .end = stop, .exited = s->exited, .code = s->code, .closed = s->closed};
	pthread_mutex_unlock(&s->lock);
}

int psql_count_user(psql_hub *h, int64_t user_id)
{
	int n = 0;
	pthread_mutex_lock(&h->lock);
	for (psql_sess *s = h->all; s; s = s->next)
		n += s->user_id == user_id;
	pthread_mutex_unlock(&h->lock);
	return n;
}

int psql_close_for(psql_hub *h, int64_t user_id, int64_t server_id, const char *owner, const char *why)
{
	int n = 0;
	pthread_mutex_lock(&h->lock);
	for (psql_sess *s = h->all, *next; s; s = next) {
		next = s->next;
		if (s->user_id != user_id || (server_id && s->server_id != server_id) ||
		    (owner && strcmp(owner, s->owner) != 0))
			continue;
		s->refs++;
		close_locked(h, s, why);
		pthread_mutex_unlock(&h->lock);
		psql_release(s);
		pthread_mutex_lock(&h->lock);
		next = h->all;
		n++;
	}
	pthread_mutex_unlock(&h->lock);
	return n;
}

size_t psql_holders(psql_hub *h, psql_holder **out)
{
	pthread_mutex_lock(&h->lock);
	size_t n = 0;
	for (psql_sess *s = h->all; s; s = s->next)
		n++;
	*out = xcalloc(n + 1, sizeof(**out));
	size_t k = 0;
	for (psql_sess *s = h->all; s; s = s->next, k++) {
		(*out)[k].user_id = s->user_id;
		(*out)[k].server_id = s->server_id;
		memcpy((*out)[k].owner, s->owner, sizeof(s->owner));
	}
	pthread_mutex_unlock(&h->lock);
	return n;
}
