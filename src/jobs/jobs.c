/* Background jobs: fork/exec of a client program in its own process group,
 * a thread per job that waits for it, and the store kept up to date. */
#include "jobs/jobs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "jobs/commands.h"
#include "jobs/fence.h"
#include "util/holders.h"
#include "util/log.h"
#include "util/str.h"
#include "util/thread.h"
#include "util/time.h"

extern char **environ;

enum { KILL_AFTER_MS = 5000, POLL_MS = 100 };

struct running {
	int64_t id, user_id, server_id;
	char *output; /* what it writes, or NULL */
	pid_t pid;    /* 0 until forked */
	bool cancel;
	int64_t cancel_at_ms;
	char reason[160];
	struct running *next;
};

struct jobs {
	store *st;
	char *dir, *instance;
	char *self_exe; /* this binary, for `tusk sql-client` */
	char tag[17];	/* begins this process's passfiles' names: <tag><random>.pass */
	int live_fd;	/* <tag>.live, locked while this process runs */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct running *list;
	int threads, active, max_active;
	atomic_bool stopping; /* read without the lock */
};

/* A log line about one job, with one more key/value pair. */
static void job_log(enum log_level level, const char *msg, int64_t id, const char *key, const char *value)
{
	char ids[24];
	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	log_msg(level, msg, "job", ids, key, value, NULL);
}

jobs *jobs_new(store *st, const char *data_dir, const char *instance, int max_running)
{
	jobs *j = xcalloc(1, sizeof(*j));
	j->st = st;
	j->max_active = max_running > 0 ? max_running : 1;
	str d = STR_INIT;
	str_appendf(&d, "%s/jobs", data_dir);
	j->dir = str_take(&d);
	j->instance = xstrdup(instance);
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	/* an upgraded binary shows as "<path> (deleted)": the path is the new one */
	char *deleted = n > 0 ? strstr(exe, " (deleted)") : NULL;
	if (deleted && deleted[10] == '\0')
		*deleted = '\0';
	j->self_exe = xstrdup(n > 0 ? exe : "/proc/self/exe");
	mkdir(j->dir, 0700);
	/* the lock tells a Tusk starting later (on a data directory replicas may share) that this
	 * one's passfiles belong to running jobs */
	unsigned char r[8];
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(j->tag, sizeof(j->tag), r, sizeof(r));
	str live = STR_INIT;
	str_appendf(&live, "%s/%s.live", j->dir, j->tag);
	/* locked, and still the file at that path (a replica sweeping meanwhile may have taken it for a dead one's) */
	struct stat at, held;
	j->live_fd = -1;
	for (int tries = 0; tries < 3 && j->live_fd < 0; tries++) {
		j->live_fd = open(live.buf, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (j->live_fd >= 0 && (flock(j->live_fd, LOCK_EX | LOCK_NB) != 0 || fstat(j->live_fd, &held) != 0 ||
					stat(live.buf, &at) != 0 || at.st_ino != held.st_ino)) {
			close(j->live_fd);
			j->live_fd = -1;
		}
	}
	if (j->live_fd < 0)
		log_msg(LOG_WARN,
			"jobs: could not lock this process's passfile marker (replicas sharing the data "
			"directory may take its jobs' passfiles for a dead Tusk's)",
			"error", strerror(errno), NULL);
	str_free(&live);
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->changed, NULL);
	return j;
}

void jobs_free(jobs *j)
{
	if (!j)
		return;
	while (j->list) {
		struct running *next = j->list->next;
		free(j->list->output);
		free(j->list);
		j->list = next;
	}
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->changed);
	if (j->live_fd >= 0) {
		str live = STR_INIT;
		str_appendf(&live, "%s/%s.live", j->dir, j->tag);
		unlink(live.buf);
		str_free(&live);
		close(j->live_fd);
	}
	free(j->dir);
	free(j->instance);
	free(j->self_exe);
	free(j);
}

const char *jobs_self_exe(const jobs *j)
{
	return j->self_exe;
}

bool jobs_stopping(jobs *j)
{
	return atomic_load(&j->stopping);
}

int jobs_running(jobs *j)
{
	return (int)HOLDERS_COUNT(&j->lock, &j->list, struct running);
}

/* ---- command lines ---- */

char *jobs_command_line(char *const *argv)
{
	str s = STR_INIT;
	for (size_t i = 0; argv[i]; i++) {
		const char *a = argv[i];
		bool plain = *a != '\0';
		for (const char *c = a; *c && plain; c++)
			plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=./:,@%+",
				       *c) != NULL;
		if (i)
			str_append_char(&s, ' ');
		if (plain) {
			str_append_cstr(&s, a);
			continue;
		}
		str_append_char(&s, '\'');
		for (const char *c = a; *c; c++) {
			if (*c == '\'')
				str_append_cstr(&s, "'\\''");
			else
				str_append_char(&s, *c);
		}
		str_append_char(&s, '\'');
	}
	return str_take(&s);
}

/* ---- the child ---- */

static void free_env(char **env)
{
	for (size_t i = 0; env[i]; i++)
		free(env[i]);
	free(env);
}

void jobs_passfile_text(str *out, const char *password)
{
	str_append_cstr(out, "*:*:*:*:");
	for (const char *c = password; *c; c++) {
		if (*c == ':' || *c == '\\')
			str_append_char(out, '\\');
		str_append_char(out, *c);
	}
	str_append_char(out, '\n');
}

static bool write_passfile(const char *path, const char *password)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	str s = STR_INIT;
	jobs_passfile_text(&s, password);
	bool ok = write(fd, s.buf, s.len) == (ssize_t)s.len;
	sodium_memzero(s.buf, s.len);
	str_free(&s);
	return close(fd) == 0 && ok;
}

/* The environment of every child program: what finding programs and
 * locales needs (PATH, LANG, LC_*, TZ), HOME an empty folder of Tusk's, and
 * Kerberos' default credential cache and client keytab pointed into it, so
 * that libpq in the child finds none of the Tusk process's own credentials
 * (~/.pgpass, ~/.pg_service.conf, ~/.postgresql/, a ticket cache), and
 * TMPDIR a folder of the job's own (pg_dump's tar format stages table data
 * there). Nothing else of
 * Tusk's environment (PG*, TUSK_*, PGADMIN_*, secrets) is passed on;
 * PGSERVICEFILE (with PGSYSCONFDIR at the empty home) only when the
 * operator named one (TUSK_PG_SERVICE_FILE). */
static char *child_home;
static char *child_service_file;
static char *child_file_dirs[8]; /* the operator's TUSK_FILE_DIRS: readable through the fence */

void jobs_child_setup(const char *home, const char *service_file, const char *file_dirs)
{
	free(child_home);
	free(child_service_file);
	child_home = home ? xstrdup(home) : NULL;
	child_service_file = service_file && *service_file ? xstrdup(service_file) : NULL;
	for (size_t i = 0; i < sizeof(child_file_dirs) / sizeof(*child_file_dirs); i++) {
		free(child_file_dirs[i]);
		child_file_dirs[i] = NULL;
	}
	size_t k = 0;
	for (const char *p = file_dirs; p && *p && k < sizeof(child_file_dirs) / sizeof(*child_file_dirs);) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n)
			child_file_dirs[k++] = xstrndup(p, n);
		p += n + (end ? 1 : 0);
	}
}

/* The fence every program starts from: its own folder, the empty home, the
 * operator's service file and certificate folders. */
static void fence_base(jobs_fence *f, const char *program_dir)
{
	jobs_fence_read(f, program_dir);
	jobs_fence_read(f, child_home);
	jobs_fence_read(f, child_service_file);
	for (size_t i = 0; i < sizeof(child_file_dirs) / sizeof(*child_file_dirs); i++)
		jobs_fence_read(f, child_file_dirs[i]);
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash && slash != path ? xstrndup(path, (size_t)(slash - path)) : xstrdup("/");
}

static bool passed_on(const char *var)
{
	static const char *const exact[] = {"PATH=", "LANG=", "LANGUAGE=", "TZ=", NULL};
	for (size_t i = 0; exact[i]; i++)
		if (strncmp(var, exact[i], strlen(exact[i])) == 0)
			return true;
	return strncmp(var, "LC_", 3) == 0;
}

static char **child_env(const char *tmpdir)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = xcalloc(n + 8, sizeof(char *));
	size_t k = 0;
	bool path = false;
	for (size_t i = 0; i < n; i++)
		if (passed_on(environ[i])) {
			path |= strncmp(environ[i], "PATH=", 5) == 0;
			env[k++] = xstrdup(environ[i]);
		}
	if (!path)
		env[k++] = xstrdup("PATH=/usr/local/bin:/usr/bin:/bin");
	const char *home = child_home ? child_home : "/nonexistent";
	str s = STR_INIT;
	str_appendf(&s, "HOME=%s", home);
	env[k++] = str_take(&s);
	str_appendf(&s, "KRB5CCNAME=FILE:%s/krb5cc", home);
	env[k++] = str_take(&s);
	str_appendf(&s, "KRB5_CLIENT_KTNAME=FILE:%s/client.keytab", home);
	env[k++] = str_take(&s);
	if (tmpdir) {
		str_appendf(&s, "TMPDIR=%s", tmpdir);
		env[k++] = str_take(&s);
	}
	if (child_service_file) {
		/* the operator's service file, and no other (sysconfdir's pg_service.conf is the host's) */
		str_appendf(&s, "PGSERVICEFILE=%s", child_service_file);
		env[k++] = str_take(&s);
		str_appendf(&s, "PGSYSCONFDIR=%s", home);
		env[k++] = str_take(&s);
	}
	env[k] = NULL;
	return env;
}

/* In the child between fork and exec (async-signal-safe calls only): its
 * own session and process group (no terminal to prompt on), default signals,
 * no descriptor of Tusk's but 0, 1 and 2. */
static void child_prepare(int in, int out)
{
	setsid();
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	/* Tusk blocks and ignores signals the program needs: undo both */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	struct sigaction dfl;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGPIPE, &dfl, NULL);
	sigaction(SIGTERM, &dfl, NULL);
	sigaction(SIGINT, &dfl, NULL);
	if (in >= 0)
		dup2(in, 0);
	dup2(out, 1);
	dup2(out, 2);
	if (close_range(3, ~0U, 0) != 0) {
		/* an old kernel: close what there is, one by one */
		for (int fd = 3; fd < 65536; fd++)
			close(fd);
	}
	umask(077);
}

bool jobs_capture(char *const *argv, const char *readable, size_t max_bytes, int timeout_ms, str *out, int *status,
		  tusk_err *err)
{
	jobs_fence fence = {0};
	char *program_dir = dir_of(argv[0]);
	fence_base(&fence, program_dir);
	jobs_fence_read(&fence, readable);
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) != 0) {
		err_set(err, ERR_JOB_FAILED, "Tusk could not start %s: %s", argv[0], strerror(errno));
		free(program_dir);
		return false;
	}
	char **env = child_env(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		child_prepare(in, pipefd[1]);
		if (jobs_fence_apply(&fence) < 0)
			_exit(126);
		execve(argv[0], argv, env);
		_exit(127);
	}
	free_env(env);
	free(program_dir);
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		err_set(err, ERR_JOB_FAILED, "Tusk could not start %s: %s", argv[0], strerror(errno));
		return false;
	}
	int64_t deadline = time_mono_ms() + timeout_ms;
	bool timed_out = false;
	char buf[4096];
	for (;;) {
		int left = (int)(deadline - time_mono_ms());
		if (left <= 0) {
			timed_out = true;
			break;
		}
		struct pollfd p = {.fd = pipefd[0], .events = POLLIN};
		int ready = poll(&p, 1, left);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0) {
			timed_out = ready == 0;
			break;
		}
		ssize_t n = read(pipefd[0], buf, sizeof(buf));
		if (n <= 0)
			break;
		if (out->len < max_bytes)
			str_append(out, buf, (size_t)n < max_bytes - out->len ? (size_t)n : max_bytes - out->len);
	}
	close(pipefd[0]);
	if (timed_out)
		kill(-pid, SIGKILL);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
	}
	kill(-pid, SIGKILL); /* whatever it left in its group */
	if (timed_out) {
		err_set(err, ERR_JOB_FAILED, "%s did not answer within %d seconds", argv[0], timeout_ms / 1000);
		return false;
	}
	*status = st;
	return true;
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes a partial output (a file or a directory backup); true when there was one. */
static bool remove_output(const char *path)
{
	struct stat sb;
	if (!path || lstat(path, &sb) != 0)
		return false;
	if (S_ISDIR(sb.st_mode))
		return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) == 0;
	return unlink(path) == 0;
}

static uint64_t tree_bytes;

static int add_size(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (flag == FTW_F && S_ISREG(sb->st_mode))
		tree_bytes += (uint64_t)sb->st_size;
	return 0;
}

/* Bytes of an output: a file, or all the files of a directory backup. */
static uint64_t output_size(const char *path)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* nftw's callback has no context */
	struct stat sb;
	if (!path || lstat(path, &sb) != 0)
		return 0;
	if (!S_ISDIR(sb.st_mode))
		return (uint64_t)sb.st_size;
	pthread_mutex_lock(&lock);
	tree_bytes = 0;
	nftw(path, add_size, 16, FTW_PHYS);
	uint64_t n = tree_bytes;
	pthread_mutex_unlock(&lock);
	return n;
}

/* The line of the log's end that says what went wrong: the last error
 * PostgreSQL or the program reported (ERROR:, FATAL:, "pg_dump: error:"),
 * else the last non-empty line. */
static void last_line(const char *log_path, char *out, size_t n)
{
	out[0] = '\0';
	int fd = open(log_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	char buf[4096];
	off_t size = lseek(fd, 0, SEEK_END);
	off_t from = size > (off_t)sizeof(buf) - 1 ? size - (off_t)sizeof(buf) + 1 : 0;
	ssize_t got = pread(fd, buf, sizeof(buf) - 1, from);
	close(fd);
	if (got <= 0)
		return;
	buf[got] = '\0';
	const char *pick = NULL, *last = NULL;
	for (char *line = buf, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		size_t len = strlen(line);
		while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
			line[--len] = '\0';
		if (!len || (line == buf && from > 0)) /* a line cut by the window is not whole */
			continue;
		last = line;
		if (strstr(line, "ERROR:") || strstr(line, "FATAL:") || strstr(line, ": error:"))
			pick = line;
	}
	const char *src = pick ? pick : last ? last : "";
	size_t len = strlen(src) < n - 1 ? strlen(src) : n - 1;
	memcpy(out, src, len);
	out[len] = '\0';
}

struct job_run {
	jobs *j;
	struct running *r;
	int64_t id;
	char **argv, **env;
	char *log_path, *passfile, *output;
	char *password;				/* for the passfile, written only while the program runs */
	char *program;				/* the program's name, for messages */
	char *program_dir, *user_area, *tmpdir; /* what the fence lets it reach */
	jobs_fence fence;
	uint64_t output_limit; /* 0: none */
	int log_fd;
};

static void run_free(struct job_run *run)
{
	for (size_t i = 0; run->argv[i]; i++)
		free(run->argv[i]);
	free(run->argv);
	free_env(run->env);
	if (run->password) {
		sodium_memzero(run->password, strlen(run->password));
		free(run->password);
	}
	FREE_ALL(run->log_path, run->passfile, run->output, run->program, run->program_dir, run->user_area);
	if (run->tmpdir) {
		nftw(run->tmpdir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
		free(run->tmpdir);
	}
	free(run);
}

static void unlist(jobs *j, struct running *r)
{
	pthread_mutex_lock(&j->lock);
	for (struct running **p = &j->list; *p; p = &(*p)->next)
		if (*p == r) {
			*p = r->next;
			break;
		}
	free(r->output);
	free(r);
	j->threads--;
	pthread_cond_broadcast(&j->changed);
	pthread_mutex_unlock(&j->lock);
}

static bool cancel_locked(jobs *j, struct running *r, const char *reason);

/* How a job ended, as the store records it. */
struct outcome {
	const char *state; /* succeeded, failed, cancelled */
	char reason[640];
	int64_t code;
	bool has_code;
};

/* Waits for a free slot (the job is queued meanwhile); false when it was cancelled first. */
static bool take_slot(jobs *j, struct job_run *run)
{
	pthread_mutex_lock(&j->lock);
	while (j->active >= j->max_active && !run->r->cancel)
		pthread_cond_wait(&j->changed, &j->lock);
	bool cancelled = run->r->cancel;
	if (!cancelled)
		j->active++;
	pthread_mutex_unlock(&j->lock);
	return !cancelled;
}

static void release_slot(jobs *j)
{
	pthread_mutex_lock(&j->lock);
	j->active--;
	pthread_cond_broadcast(&j->changed);
	pthread_mutex_unlock(&j->lock);
}

/* Forks the program: in the child only async-signal-safe calls until exec. */
static pid_t spawn(struct job_run *run)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	int in = open("/dev/null", O_RDONLY);
	child_prepare(in, run->log_fd);
	if (jobs_fence_apply(&run->fence) < 0) {
		static const char fenced[] = "tusk: could not fence the program in (Landlock)\n";
		ssize_t ignored = write(2, fenced, sizeof(fenced) - 1);
		(void)ignored;
		_exit(126);
	}
	execve(run->argv[0], run->argv, run->env);
	static const char msg[] = "tusk: could not start the program\n";
	ssize_t ignored = write(2, msg, sizeof(msg) - 1);
	(void)ignored;
	_exit(127);
}

/* Waits for the program to end, stopping it at the user's storage quota and
 * killing its group once a cancel has had KILL_AFTER_MS; true when the
 * output passed the quota. */
static bool watch(jobs *j, struct job_run *run, pid_t pid, int *status)
{
	bool killed = false, over_quota = false;
	for (;;) {
		pid_t w = waitpid(pid, status, WNOHANG);
		if (w == pid || (w < 0 && errno != EINTR))
			break;
		if (run->output_limit && !over_quota && output_size(run->output) > run->output_limit) {
			over_quota = true;
			pthread_mutex_lock(&j->lock);
			cancel_locked(j, run->r, "");
			pthread_mutex_unlock(&j->lock);
		}
		pthread_mutex_lock(&j->lock);
		bool escalate = run->r->cancel && !killed && time_mono_ms() - run->r->cancel_at_ms > KILL_AFTER_MS;
		pthread_mutex_unlock(&j->lock);
		if (escalate) {
			kill(-pid, SIGKILL);
			killed = true;
		}
		usleep((run->output_limit ? POLL_MS / 2 : POLL_MS) * 1000);
	}
	/* whatever the program left in its group goes too */
	kill(-pid, SIGKILL);
	/* a program that wrote its last bytes between two looks */
	return over_quota || (run->output_limit && output_size(run->output) > run->output_limit);
}

static void append_reason(struct outcome *o, const char *text)
{
	size_t n = strlen(o->reason);
	snprintf(o->reason + n, sizeof(o->reason) - n, "%s%s", n ? "; " : "", text);
}

/* A newer pg_restore into a server before 17 fails only its SET
 * transaction_timeout: the restore succeeded, and its log says so. */
static bool restore_noise(struct job_run *run, int status)
{
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 1 || strcmp(run->program, "pg_restore") != 0 ||
	    !jobs_restore_noise_only(run->log_path))
		return false;
	static const char note[] = "tusk: the one error above is pg_restore's SET transaction_timeout, which this "
				   "server's version does not know; everything else was restored\n";
	int fd = open(run->log_path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t ignored = write(fd, note, sizeof(note) - 1);
		(void)ignored;
		close(fd);
	}
	return true;
}

/* What the program's wait status, a cancel and the quota make of the job. */
static void judge(jobs *j, struct job_run *run, int status, bool over_quota, struct outcome *o)
{
	pthread_mutex_lock(&j->lock);
	bool cancelled = run->r->cancel;
	char cancel_reason[160];
	snprintf(cancel_reason, sizeof(cancel_reason), "%s", run->r->reason);
	pthread_mutex_unlock(&j->lock);
	if (over_quota) {
		o->state = "failed";
		snprintf(o->reason, sizeof(o->reason),
			 "stopped at your storage quota: the output passed the %.1f MiB left of it",
			 (double)run->output_limit / 1048576.0);
		if (remove_output(run->output))
			append_reason(o, "the partial output was removed");
		return;
	}
	if (!cancelled && WIFEXITED(status) && (WEXITSTATUS(status) == 0 || restore_noise(run, status))) {
		o->state = "succeeded";
		o->code = WEXITSTATUS(status);
		o->has_code = true;
		return;
	}
	o->state = cancelled ? "cancelled" : "failed";
	char last[400];
	last_line(run->log_path, last, sizeof(last));
	if (cancelled) {
		snprintf(o->reason, sizeof(o->reason), "%s", cancel_reason);
	} else if (WIFEXITED(status)) {
		o->code = WEXITSTATUS(status);
		o->has_code = true;
		snprintf(o->reason, sizeof(o->reason), "%s exited with code %lld%s%s", run->program, (long long)o->code,
			 last[0] ? ": " : "", last);
	} else if (WIFSIGNALED(status)) {
		snprintf(o->reason, sizeof(o->reason), "%s was stopped by signal %d (%s)", run->program,
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	}
	if (remove_output(run->output))
		append_reason(o, "the partial output was removed");
}

/* A job from its slot to its end; every way out records the end and frees
 * the run at the one label. */
static void *job_thread(void *arg)
{
	struct job_run *run = arg;
	jobs *j = run->j;
	tusk_err err = {0};
	struct outcome o = {.state = "cancelled"};
	int64_t started = 0;
	bool slot = take_slot(j, run);
	if (!slot) {
		close(run->log_fd);
		snprintf(o.reason, sizeof(o.reason), "%s", run->r->reason);
		goto end;
	}
	/* the password is on disk only while the program runs: not while the job is queued */
	if (run->password && !write_passfile(run->passfile, run->password)) {
		close(run->log_fd);
		o.state = "failed";
		snprintf(o.reason, sizeof(o.reason), "Tusk could not write the job's password file in %s: %s", j->dir,
			 strerror(errno));
		goto end;
	}
	pid_t pid = spawn(run);
	close(run->log_fd);
	started = (int64_t)time(NULL);
	if (pid < 0) {
		o.state = "failed";
		snprintf(o.reason, sizeof(o.reason), "Tusk could not start %s: %s", run->program, strerror(errno));
		goto end;
	}
	pthread_mutex_lock(&j->lock);
	run->r->pid = pid;
	pthread_mutex_unlock(&j->lock);
	if (!store_job_started(j->st, run->id, pid, started, &err))
		job_log(LOG_ERROR, "jobs: could not record a job's start", run->id, "error", err.msg);
	job_log(LOG_INFO, "job started", run->id, "program", run->program);
	int status = 0;
	bool over_quota = watch(j, run, pid, &status);
	judge(j, run, status, over_quota, &o);
	started = 0;
end:
	if (run->passfile)
		unlink(run->passfile);
	if (slot)
		release_slot(j);
	if (!store_job_finished(j->st, run->id, o.state, o.has_code ? &o.code : NULL, o.reason[0] ? o.reason : NULL,
				started ? started : (int64_t)time(NULL), &err))
		job_log(LOG_ERROR, "jobs: could not record a job's end", run->id, "error", err.msg);
	job_log(LOG_INFO, "job ended", run->id, "state", o.state);
	unlist(j, run->r);
	run_free(run);
	return NULL;
}

static char *path_in(const jobs *j, int64_t id, const char *ext)
{
	str s = STR_INIT;
	str_appendf(&s, "%s/%lld.%s", j->dir, (long long)id, ext);
	return str_take(&s);
}

char *jobs_passfile_path(jobs *j)
{
	unsigned char r[12];
	randombytes_buf(r, sizeof(r));
	char hex[sizeof(r) * 2 + 1];
	sodium_bin2hex(hex, sizeof(hex), r, sizeof(r));
	str s = STR_INIT;
	str_appendf(&s, "%s/%s%s.pass", j->dir, j->tag, hex);
	return str_take(&s);
}

/* The run's files before it starts: its log (headed by the command line),
 * its passfile and its temporary folder. False with err set when one
 * cannot be made. */
static bool run_files(jobs *j, struct job_run *run, const job_spec *spec, tusk_err *err)
{
	bool ok = store_job_set_log(j->st, run->id, run->log_path, err);
	run->log_fd = ok ? open(run->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600) : -1;
	if (ok && run->log_fd < 0) {
		err_set(err, ERR_JOB_FAILED, "Tusk could not write the job's log %s: %s", run->log_path,
			strerror(errno));
		ok = false;
	}
	if (ok && spec->password && spec->passfile) {
		run->passfile = xstrdup(spec->passfile);
		run->password = xstrdup(spec->password);
	}
	if (ok) {
		char *line = jobs_command_line(run->argv);
		str head = STR_INIT;
		str_appendf(&head, "$ %s\n", line);
		free(line);
		ok = write(run->log_fd, head.buf, head.len) == (ssize_t)head.len;
		str_free(&head);
		if (!ok)
			err_set(err, ERR_JOB_FAILED, "Tusk could not write the job's log: %s", strerror(errno));
	}
	if (ok) {
		run->tmpdir = path_in(j, run->id, "tmp");
		if (mkdir(run->tmpdir, 0700) != 0 && errno != EEXIST) {
			err_set(err, ERR_JOB_FAILED, "Tusk could not make the job's temporary folder: %s",
				strerror(errno));
			ok = false;
		}
	}
	return ok;
}

/* A run that never started: recorded as failed with err's message, its log
 * closed, its passfile removed, freed. */
static void run_abandon(struct job_run *run, const tusk_err *err)
{
	tusk_err ignored;
	if (!store_job_finished(run->j->st, run->id, "failed", NULL, err->msg, (int64_t)time(NULL), &ignored))
		log_msg(LOG_ERROR, "jobs: could not record a job's end", "error", ignored.msg, NULL);
	if (run->log_fd >= 0)
		close(run->log_fd);
	if (run->passfile)
		unlink(run->passfile);
	run_free(run);
}

bool jobs_start(jobs *j, const job_spec *spec, int64_t *id, tusk_err *err)
{
	pthread_mutex_lock(&j->lock);
	bool stopping = j->stopping;
	pthread_mutex_unlock(&j->lock);
	if (stopping) {
		err_set(err, ERR_STOPPING, "Tusk is stopping; start the job again in a moment.");
		return false;
	}
	mkdir(j->dir, 0700);
	char *command = jobs_command_line(spec->argv);
	store_job job = {.user_id = spec->user_id,
			 .server_id = spec->server_id,
			 .kind = (char *)spec->kind,
			 .description = (char *)spec->description,
			 .state = "queued",
			 .command = command,
			 .log_path = "",
			 .output_path = (char *)spec->output_rel,
			 .input_path = (char *)spec->input_rel,
			 .created_at = (int64_t)time(NULL),
			 .instance = j->instance};
	bool ok = store_job_create(j->st, &job, err);
	free(command);
	if (!ok)
		return false;
	*id = job.id;
	struct job_run *run = xcalloc(1, sizeof(*run));
	run->j = j;
	run->id = job.id;
	run->log_path = path_in(j, job.id, "log");
	run->output = spec->output_abs ? xstrdup(spec->output_abs) : NULL;
	const char *base = strrchr(spec->argv[0], '/');
	base = base ? base + 1 : spec->argv[0];
	/* Tusk's own client is named by its subcommand */
	run->program =
	    spec->argv[1] && strcmp(spec->argv[1], "sql-client") == 0 ? xstrdup("tusk sql-client") : xstrdup(base);
	size_t argc = 0;
	while (spec->argv[argc])
		argc++;
	run->argv = xcalloc(argc + 1, sizeof(char *));
	for (size_t i = 0; i < argc; i++)
		run->argv[i] = xstrdup(spec->argv[i]);
	run->output_limit = spec->output_limit;
	ok = run_files(j, run, spec, err);
	run->program_dir = dir_of(run->argv[0]);
	run->user_area = spec->user_area ? xstrdup(spec->user_area) : NULL;
	fence_base(&run->fence, run->program_dir);
	jobs_fence_read(&run->fence, run->passfile);
	jobs_fence_write(&run->fence, run->user_area);
	jobs_fence_write(&run->fence, run->tmpdir);
	if (spec->system_tmp)
		jobs_fence_write(&run->fence, "/tmp"); /* glibc's tmpfile() knows no TMPDIR */
	run->env = child_env(run->tmpdir);
	if (!ok) {
		run_abandon(run, err);
		return false;
	}
	struct running *r = xcalloc(1, sizeof(*r));
	r->id = job.id;
	r->user_id = spec->user_id;
	r->server_id = spec->server_id;
	r->output = spec->output_abs ? xstrdup(spec->output_abs) : NULL;
	run->r = r;
	pthread_mutex_lock(&j->lock);
	r->next = j->list;
	j->list = r;
	j->threads++;
	pthread_mutex_unlock(&j->lock);
	if (!thread_detached(job_thread, run)) {
		err_set(err, ERR_JOB_FAILED, "Tusk could not start a thread for the job.");
		unlist(j, r);
		run_abandon(run, err);
		return false;
	}
	return true;
}

static bool cancel_locked(jobs *j, struct running *r, const char *reason)
{
	if (r->cancel)
		return true;
	r->cancel = true;
	r->cancel_at_ms = time_mono_ms();
	snprintf(r->reason, sizeof(r->reason), "%s", reason);
	if (r->pid > 0)
		kill(-r->pid, SIGTERM);
	pthread_cond_broadcast(&j->changed); /* a queued job stops waiting */
	return true;
}

bool jobs_cancel(jobs *j, int64_t id, tusk_err *err)
{
	pthread_mutex_lock(&j->lock);
	struct running *r = j->list;
	while (r && r->id != id)
		r = r->next;
	if (r)
		cancel_locked(j, r, "Cancelled by the user");
	pthread_mutex_unlock(&j->lock);
	if (!r)
		err_set(err, ERR_NOT_RUNNING, "The job is not running.");
	return r != NULL;
}

int jobs_cancel_for(jobs *j, int64_t user_id, int64_t server_id, const char *reason)
{
	int n = 0;
	pthread_mutex_lock(&j->lock);
	for (struct running *r = j->list; r; r = r->next)
		if (r->user_id == user_id && (!server_id || r->server_id == server_id) && !r->cancel) {
			cancel_locked(j, r, reason);
			n++;
		}
	pthread_mutex_unlock(&j->lock);
	return n;
}

bool jobs_writing(jobs *j, const char *abs)
{
	size_t n = strlen(abs);
	bool busy = false;
	pthread_mutex_lock(&j->lock);
	for (struct running *r = j->list; r && !busy; r = r->next)
		busy = r->output && strncmp(r->output, abs, n) == 0 && (r->output[n] == '\0' || r->output[n] == '/');
	pthread_mutex_unlock(&j->lock);
	return busy;
}

size_t jobs_holders(jobs *j, int64_t **pairs)
{
	return HOLDERS(&j->lock, &j->list, struct running, pairs);
}

void jobs_shutdown(jobs *j, int timeout_ms)
{
	pthread_mutex_lock(&j->lock);
	j->stopping = true;
	for (struct running *r = j->list; r; r = r->next)
		cancel_locked(j, r, "Tusk stopped while the job ran");
	/* the threads escalate to SIGKILL after 5 s */
	struct timespec deadline = time_after_ms(CLOCK_REALTIME, (int64_t)timeout_ms + 6000);
	thread_wait_zero(&j->changed, &j->lock, &j->threads, &deadline);
	pthread_mutex_unlock(&j->lock);
}

/* Whether the Tusk that tagged a passfile is gone: its <tag>.live is not
 * locked, or not there (its marker goes with it). */
static bool tag_gone(const jobs *j, const char *tag)
{
	str live = STR_INIT;
	str_appendf(&live, "%s/%.16s.live", j->dir, tag);
	int fd = open(live.buf, O_RDWR | O_CLOEXEC);
	bool gone = fd < 0 ? errno == ENOENT : flock(fd, LOCK_EX | LOCK_NB) == 0;
	if (fd >= 0 && gone)
		unlink(live.buf);
	if (fd >= 0)
		close(fd);
	str_free(&live);
	return gone;
}

/* Passfiles (passwords in clear) that a Tusk which was killed before its
 * jobs ended left behind: removed at start. Those of a Tusk still running
 * (replicas may share the data directory) stay; a file of the older naming
 * (no tag, before this release) goes unless the store is shared and it is
 * younger than a day. */
static void sweep_passfiles(jobs *j)
{
	DIR *d = opendir(j->dir);
	if (!d)
		return;
	size_t removed = 0;
	time_t day_ago = time(NULL) - 86400;
	for (struct dirent *e; (e = readdir(d));) {
		const char *name = e->d_name;
		size_t len = strlen(name);
		bool pass = len > 5 && strcmp(name + len - 5, ".pass") == 0,
		     live = len > 5 && strcmp(name + len - 5, ".live") == 0;
		bool tagged = len == 16 + 24 + 5; /* <tag><random>.pass; an older release's were <random>.pass */
		if ((!pass && !live) || strncmp(name, j->tag, 16) == 0)
			continue;
		if (live) {
			tag_gone(j, name); /* a dead process's marker goes */
			continue;
		}
		str path = STR_INIT;
		str_appendf(&path, "%s/%s", j->dir, name);
		struct stat st;
		bool gone;
		if (tagged)
			gone = tag_gone(j, name);
		else
			gone = !store_shared(j->st) || (lstat(path.buf, &st) == 0 && st.st_mtime < day_ago);
		if (gone && unlink(path.buf) == 0)
			removed++;
		str_free(&path);
	}
	closedir(d);
	if (removed) {
		char count[24];
		snprintf(count, sizeof(count), "%zu", removed);
		log_msg(LOG_WARN, "jobs: removed passfiles a Tusk that was killed left behind", "files", count, NULL);
	}
}

void jobs_recover(jobs *j)
{
	sweep_passfiles(j);
	size_t n = 0;
	tusk_err err = {0};
	store_job *list = store_job_unfinished(j->st, j->instance, &n, &err);
	for (size_t i = 0; list && i < n; i++) {
		const store_job *job = &list[i];
		/* instances are "host:pid:random": a pid means something on its own host only */
		const char *colon = strchr(j->instance, ':');
		size_t host_len = colon ? (size_t)(colon - j->instance) : strlen(j->instance);
		bool here = job->instance && strncmp(job->instance, j->instance, host_len) == 0 &&
			    (job->instance[host_len] == ':' || job->instance[host_len] == '\0');
		bool alive = here && job->pid > 0 && kill((pid_t)job->pid, 0) == 0;
		if (alive)
			kill(-(pid_t)job->pid, SIGKILL);
		const char *reason = job->pid <= 0 ? "Tusk stopped before the job started"
				     : alive	   ? "Tusk restarted while the job ran; its process was stopped"
				     : here ? "Tusk restarted while the job ran and its process had vanished; the "
					      "result is unknown"
					    : "the Tusk replica that ran the job stopped; the result is unknown";
		if (!store_job_finished(j->st, job->id, "failed", NULL, reason, (int64_t)time(NULL), &err))
			job_log(LOG_ERROR, "jobs: could not settle a job", job->id, "error", err.msg);
		else
			job_log(LOG_WARN, "job settled after a restart", job->id, "reason", reason);
	}
	store_job_list_free(list, n);
}
