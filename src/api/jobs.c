/* Background jobs over HTTP: start a backup, restore, maintenance, import or
 * export on a server; list, watch (SSE log tail), cancel, acknowledge and
 * delete them; list an archive's contents to pick what to restore. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "files/files.h"
#include "jobs/commands.h"
#include "jobs/fence.h"
#include "jobs/jobs.h"

/* Bytes under a path: a file's size, or a directory's files summed. */
static int64_t size_of(const char *path)
{
	struct stat sb;
	if (!path || lstat(path, &sb) != 0)
		return -1;
	if (!S_ISDIR(sb.st_mode))
		return (int64_t)sb.st_size;
	int64_t total = 0;
	DIR *d = opendir(path);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *child = NULL;
		if (asprintf(&child, "%s/%s", path, e->d_name) >= 0) {
			int64_t n = size_of(child);
			total += n > 0 ? n : 0;
		}
		free(child);
	}
	if (d)
		closedir(d);
	return total;
}

/* How far process pid has read the file at path: the offset of its descriptor
 * of it (/proc/<pid>/fdinfo), or -1 when it has none open. */
static int64_t read_position(pid_t pid, const char *path)
{
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	DIR *d = opendir(dir);
	struct dirent *e;
	int64_t pos = -1;
	while (d && pos < 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char link[352], target[4096];
		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, path) != 0)
			continue;
		char info[352];
		snprintf(info, sizeof(info), "/proc/%d/fdinfo/%s", (int)pid, e->d_name);
		FILE *f = fopen(info, "r");
		char line[128];
		while (f && fgets(line, sizeof(line), f))
			if (strncmp(line, "pos:", 4) == 0)
				pos = strtoll(line + 4, NULL, 10);
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return pos;
}

static void json_job(json_writer *w, const void *item, void *ctx)
{
	tusk_app *app = ctx;
	const store_job *j = item;
	int64_t out = -1;
	if (j->output_path) {
		char *abs = NULL;
		tusk_err err;
		if (files_resolve(app->cfg->data_dir, j->user_id, j->output_path, false, &abs, &err))
			out = size_of(abs);
		free(abs);
	}
	/* a restore's or import's progress: where the program's descriptor of the file stands */
	int64_t in_size = -1, in_read = -1;
	if (j->input_path) {
		char *abs = NULL;
		tusk_err err;
		if (files_resolve(app->cfg->data_dir, j->user_id, j->input_path, false, &abs, &err)) {
			in_size = size_of(abs);
			if (strcmp(j->state, "running") == 0 && j->pid > 0)
				in_read = read_position((pid_t)j->pid, abs);
		}
		free(abs);
	}
	int64_t log = size_of(j->log_path);
	int64_t end = j->ended_at ? j->ended_at : (int64_t)time(NULL);
	jw_object(w, "issssnossosooitttob", "id", j->id, "kind", j->kind, "description", j->description, "state",
		  j->state, "command", j->command, "server_id", j->server_id, "exit_code",
		  j->has_exit_code ? j->exit_code : (int64_t)-1, "reason", j->reason, "output_path", j->output_path,
		  "output_size", out, "input_path", j->input_path, "input_size", in_size, "input_read", in_read,
		  "log_size", log > 0 ? log : (int64_t)0, "created_at", j->created_at, "started_at", j->started_at,
		  "ended_at", j->ended_at, "elapsed_seconds", j->started_at ? end - j->started_at : (int64_t)-1,
		  "acknowledged", j->acknowledged);
}

static void respond_job(http_req *r, int status, const store_job *j)
{
	api_respond_item(r, status, "job", j, json_job, http_req_app(r));
}

void api_jobs_list(http_req *r)
{
	tusk_app *app = http_req_app(r);
	tusk_err err = {0};
	size_t n = 0;
	store_job *list = store_job_list(app->store, api_session(r)->user.id, &n, &err);
	api_respond_list(r, "jobs", list, n, sizeof(*list), json_job, app, &err);
	store_job_list_free(list, n);
}

/* The job of the {id} in the path, the user's own; responds 404 otherwise. */
static bool load_job(http_req *r, store_job *j)
{
	int64_t id;
	tusk_err err = {0};
	if (!api_path_id(r, "job", &id))
		return false;
	return api_found(r, store_job_get(api_store(r), api_session(r)->user.id, id, j, &err), &err, "job", id);
}

/* A handler's work on the job the path names (loaded, then cleared). */
typedef void job_action(http_req *r, tusk_app *app, store_job *j);

static void with_job(http_req *r, job_action *act)
{
	store_job j;
	if (!load_job(r, &j))
		return;
	act(r, http_req_app(r), &j);
	store_job_clear(&j);
}

static bool job_active(const store_job *j)
{
	return strcmp(j->state, "queued") == 0 || strcmp(j->state, "running") == 0;
}

static void get_job(http_req *r, tusk_app *app, store_job *j)
{
	(void)app;
	respond_job(r, 200, j);
}

void api_jobs_get(http_req *r)
{
	with_job(r, get_job);
}

/* the last 4 MiB of the log at most */
static void log_job(http_req *r, tusk_app *app, store_job *j)
{
	(void)app;
	int fd = open(j->log_path, O_RDONLY | O_CLOEXEC);
	str out = STR_INIT;
	char buf[65536];
	ssize_t got;
	off_t size = fd >= 0 ? lseek(fd, 0, SEEK_END) : 0;
	off_t from = size > (4 << 20) ? size - (4 << 20) : 0;
	while (fd >= 0 && (got = pread(fd, buf, sizeof(buf), from)) > 0) {
		str_append(&out, buf, (size_t)got);
		from += got;
	}
	if (fd >= 0)
		close(fd);
	http_respond(r, 200, "text/plain; charset=utf-8", out.buf ? out.buf : "", out.len);
	str_free(&out);
}

void api_jobs_log(http_req *r)
{
	with_job(r, log_job);
}

static void cancel_job(http_req *r, tusk_app *app, store_job *j)
{
	tusk_err err = {0};
	if (!job_active(j)) {
		http_respond_error(r, ERR_NOT_RUNNING, "The job has ended (%s); there is nothing to cancel.", j->state);
	} else if (!jobs_cancel(app->jobs, j->id, &err)) {
		http_respond_error_status(r, 409, err.code,
					  "This Tusk does not run the job (another replica does, or it "
					  "stopped); it cannot cancel it.");
	} else {
		static const char body[] = "{\"cancelling\":true}";
		http_respond(r, 202, "application/json; charset=utf-8", body, sizeof(body) - 1);
	}
}

void api_jobs_cancel(http_req *r)
{
	with_job(r, cancel_job);
}

static void acknowledge_job(http_req *r, tusk_app *app, store_job *j)
{
	tusk_err err = {0};
	if (!store_job_acknowledge(app->store, j->user_id, j->id, &err)) {
		api_internal_error(r, &err);
		return;
	}
	store_job_clear(j);
	if (load_job(r, j)) /* load_job leaves j empty when it fails */
		respond_job(r, 200, j);
}

void api_jobs_acknowledge(http_req *r)
{
	with_job(r, acknowledge_job);
}

static void delete_job(http_req *r, tusk_app *app, store_job *j)
{
	tusk_err err = {0};
	if (job_active(j)) {
		http_respond_error(r, ERR_RUNNING, "Cancel the job before deleting it.");
	} else if (!store_job_delete(app->store, j->user_id, j->id, &err)) {
		api_internal_error(r, &err);
	} else {
		unlink(j->log_path);
		http_respond_empty(r, 204);
	}
}

void api_jobs_delete(http_req *r)
{
	with_job(r, delete_job);
}

/* ---- the live view: log tail and state as server-sent events ---- */

struct watch {
	tusk_app *app;
	int64_t user_id, id;
	off_t offset;
	char state[16];
	int64_t output_size;
	bool sent_job, ended;
};

static void watch_free(void *cls)
{
	free(cls);
}

/* Appends up to max bytes of the log from the offset; stops before a cut UTF-8 sequence. */
static bool log_chunk(struct watch *wt, const char *path, str *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	char buf[32768];
	ssize_t got = pread(fd, buf, sizeof(buf), wt->offset);
	close(fd);
	if (got <= 0)
		return false;
	size_t n = (size_t)got;
	if (n == sizeof(buf)) {
		/* back off to the start of a UTF-8 sequence that may continue */
		size_t k = n;
		while (k > 0 && k > n - 4 && ((unsigned char)buf[k - 1] & 0xC0) == 0x80)
			k--;
		if (k > 0 && ((unsigned char)buf[k - 1] & 0x80))
			k--;
		if (k > 0)
			n = k;
	}
	wt->offset += (off_t)n;
	str json = STR_INIT;
	json_writer w;
	jw_init(&w, &json);
	jw_obj_begin(&w);
	jw_key(&w, "text");
	jw_strn(&w, buf, n);
	jw_obj_end(&w);
	str_appendf(out, "event: log\ndata: %s\n\n", str_cstr(&json));
	str_free(&json);
	return true;
}

static bool next_job_event(void *cls, str *out)
{
	struct watch *wt = cls;
	if (wt->ended)
		return false;
	for (int waited = 0; waited < 15000; waited += 200) {
		store_job j;
		tusk_err err = {0};
		if (store_job_get(wt->app->store, wt->user_id, wt->id, &j, &err) != 1) {
			str_append_cstr(out, "event: end\ndata: {\"gone\":true}\n\n");
			wt->ended = true;
			return true;
		}
		bool sent = log_chunk(wt, j.log_path, out);
		bool finished = strcmp(j.state, "queued") != 0 && strcmp(j.state, "running") != 0;
		char *abs = NULL;
		int64_t size = -1;
		if (j.output_path && files_resolve(wt->app->cfg->data_dir, j.user_id, j.output_path, false, &abs, &err))
			size = size_of(abs);
		free(abs);
		if (!wt->sent_job || strcmp(wt->state, j.state) != 0 || size != wt->output_size ||
		    (sent && !finished)) {
			str json = STR_INIT;
			json_writer w;
			jw_init(&w, &json);
			json_job(&w, &j, wt->app);
			str_appendf(out, "event: job\ndata: %s\n\n", str_cstr(&json));
			str_free(&json);
			snprintf(wt->state, sizeof(wt->state), "%s", j.state);
			wt->output_size = size;
			wt->sent_job = sent = true;
		}
		if (finished && !log_chunk(wt, j.log_path, out)) {
			str_append_cstr(out, "event: end\ndata: {}\n\n");
			wt->ended = true;
			sent = true;
		}
		store_job_clear(&j);
		if (sent)
			return true;
		if (jobs_stopping(wt->app->jobs)) {
			str_append_cstr(out, "event: end\ndata: {\"stopping\":true}\n\n");
			wt->ended = true;
			return true;
		}
		if (http_peer_gone())
			return false;
		usleep(200 * 1000);
	}
	return api_event_keepalive(out);
}

bool api_jobs_topic(http_req *r, int64_t offset, api_topic *t)
{
	store_job j;
	if (!load_job(r, &j))
		return false;
	if (offset < 0) {
		store_job_clear(&j);
		http_respond_error(r, ERR_INVALID_OFFSET, "The log offset is a byte count, 0 or more.");
		return false;
	}
	struct watch *wt = xcalloc(1, sizeof(*wt));
	wt->app = http_req_app(r);
	wt->user_id = j.user_id;
	wt->id = j.id;
	wt->output_size = -2;
	wt->offset = (off_t)offset;
	store_job_clear(&j);
	*t = (api_topic){next_job_event, wt, watch_free};
	return true;
}

void api_jobs_events(http_req *r)
{
	int64_t from;
	api_topic t;
	if (api_query_int(r, "offset", 0, 0, INT64_MAX, ERR_INVALID_QUERY, &from) && api_jobs_topic(r, from, &t))
		api_topic_respond(r, &t);
}

/* ---- starting a job ---- */

/* Creates the folders of an output path inside the storage, one at a time,
 * each checked to stay inside before it is made. */
static bool make_parents(const char *data_dir, int64_t uid, const char *rel, tusk_err *err)
{
	char *copy = xstrdup(rel);
	bool ok = true;
	for (char *slash = strchr(copy, '/'); ok && slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		char *abs = NULL;
		ok = files_resolve(data_dir, uid, copy, false, &abs, err);
		if (ok && mkdir(abs, 0700) != 0 && errno != EEXIST) {
			err_set(err, ERR_STORAGE_FAILED, "Tusk could not create the folder '%s': %s", copy,
				strerror(errno));
			ok = false;
		}
		free(abs);
		*slash = '/';
	}
	free(copy);
	return ok;
}

static bool is_output_kind(const char *kind)
{
	return strcmp(kind, "backup") == 0 || strcmp(kind, "backup_server") == 0 || strcmp(kind, "export") == 0;
}

static bool is_input_kind(const char *kind)
{
	return strcmp(kind, "restore") == 0 || strcmp(kind, "import") == 0;
}

/* The one-line summary a job is listed with. */
static char *describe(const char *kind, const char *db, json_t *spec, const char *file)
{
	str s = STR_INIT;
	const char *schema = json_string_value(json_object_get(spec, "schema"));
	const char *table = json_string_value(json_object_get(spec, "table"));
	const char *format = json_string_value(json_object_get(spec, "format"));
	const char *mode = json_string_value(json_object_get(spec, "mode"));
	if (strcmp(kind, "backup") == 0)
		str_appendf(&s, "Backup of %s (%s) to %s", db, format && *format ? format : "custom", file);
	else if (strcmp(kind, "backup_server") == 0)
		str_appendf(&s, "Backup of the server (%s) to %s", mode && *mode ? mode : "full", file);
	else if (strcmp(kind, "restore") == 0)
		str_appendf(&s, "Restore of %s into %s", file, db);
	else if (strcmp(kind, "import") == 0)
		str_appendf(&s, "Import of %s into %s.%s", file, schema ? schema : "?", table ? table : "?");
	else
		str_appendf(&s, "Export of %s.%s to %s", schema ? schema : "?", table ? table : "?", file);
	return str_take(&s);
}

/* A user's jobs queued or running (in any replica) stay under the cap;
 * otherwise answers 429 and returns false. */
static bool below_job_cap(http_req *r, int64_t uid)
{
	tusk_app *app = http_req_app(r);
	tusk_err err;
	size_t n;
	store_job *list = store_job_list(app->store, uid, &n, &err);
	if (!list) {
		api_internal_error(r, &err);
		return false;
	}
	int active = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i].state, "queued") == 0 || strcmp(list[i].state, "running") == 0)
			active++;
	store_job_list_free(list, n);
	if (active < app->cfg->max_jobs_per_user)
		return true;
	http_respond_error(
	    r, ERR_TOO_MANY_JOBS,
	    "You have %d jobs queued or running, the most allowed (TUSK_MAX_JOBS_PER_USER): wait for one "
	    "to finish or cancel one.",
	    active);
	return false;
}

struct start_in {
	const char *kind, *db;
	json_t *spec;
};
static const api_field start_fields[] = {
    API_FIELD("kind", API_TEXT, struct start_in, kind, API_REQUIRED),
    API_FIELD("database", API_TEXT, struct start_in, db, 0),
    API_FIELD("spec", API_OBJECT, struct start_in, spec, 0),
};
static const api_form start_form = API_FORM(start_fields, "Give the kind and the spec (an object).");

/* The job's file in the user's storage, for a kind that reads or writes one:
 * its absolute path in *out_abs or *in_abs, and for an output how much it may
 * write under the quota (0: no limit). False once it has answered. */
static bool job_files(http_req *r, tusk_app *app, int64_t uid, const char *kind, json_t *spec, char **out_abs,
		      char **in_abs, uint64_t *output_limit)
{
	const char *file = json_string_value(json_object_get(spec, "file"));
	tusk_err err = {0};
	if (!is_output_kind(kind) && !is_input_kind(kind))
		return true;
	if (!file || !*file) {
		http_respond_error(r, ERR_INVALID_SPEC, "'file' is required: a path in your storage.");
		return false;
	}
	char **target = is_output_kind(kind) ? out_abs : in_abs;
	bool resolved = files_resolve(app->cfg->data_dir, uid, file, is_input_kind(kind), target, &err);
	/* an output's missing folders are made, once the path itself is known to be fine */
	if (!resolved && is_output_kind(kind) && err.code == ERR_NOT_FOUND)
		resolved = make_parents(app->cfg->data_dir, uid, file, &err) &&
			   files_resolve(app->cfg->data_dir, uid, file, false, target, &err);
	if (!resolved) {
		api_respond_err(r, &err);
		return false;
	}
	if (!is_output_kind(kind))
		return true;
	if (!files_quota_check(app->cfg->data_dir, uid, (uint64_t)app->cfg->storage_quota_mb << 20, 0, &err)) {
		api_respond_err(r, &err);
		return false;
	}
	if (app->cfg->storage_quota_mb > 0) {
		/* the output may take what the quota leaves (the file it replaces is freed first) */
		uint64_t used = 0, quota = (uint64_t)app->cfg->storage_quota_mb << 20;
		struct stat old;
		if (!files_usage(app->cfg->data_dir, uid, &used, &err)) {
			api_respond_err(r, &err);
			return false;
		}
		if (*out_abs && lstat(*out_abs, &old) == 0 && S_ISREG(old.st_mode))
			used -= (uint64_t)old.st_size < used ? (uint64_t)old.st_size : used;
		*output_limit = quota > used ? quota - used : 1;
	}
	if (*out_abs && jobs_writing(app->jobs, *out_abs)) {
		http_respond_error(r, ERR_IN_USE, "A running job writes '%s'; cancel it or wait until it ends.", file);
		return false;
	}
	struct stat sb;
	const char *format = json_string_value(json_object_get(spec, "format"));
	bool directory = format && strcasecmp(format, "directory") == 0;
	if (*out_abs && lstat(*out_abs, &sb) == 0 &&
	    (directory || S_ISDIR(sb.st_mode) || !json_is_true(json_object_get(spec, "overwrite")))) {
		http_respond_error(r, ERR_FILE_EXISTS, "'%s' exists in your storage: choose another name%s.", file,
				   directory || S_ISDIR(sb.st_mode) ? "" : " or allow overwriting it");
		return false;
	}
	return true;
}

/* A directory archive's table of contents names the files pg_restore opens:
 * without a fence it could name any file of Tusk's (../../tusk.db). False
 * once it has answered. */
static bool restore_fenced(http_req *r, tusk_app *app, const char *kind, const char *in_abs)
{
	struct stat in_st;
	if (in_abs && strcmp(kind, "restore") == 0 && app->cfg->server_mode && !app->cfg->desktop &&
	    !jobs_fence_available() && stat(in_abs, &in_st) == 0 && S_ISDIR(in_st.st_mode)) {
		http_respond_error(
		    r, ERR_UNFENCED,
		    "Restoring a directory backup needs Linux Landlock, which this host does not offer: its "
		    "table of contents could make pg_restore read files of Tusk's. Restore a custom or tar "
		    "backup instead, or run Tusk on a kernel with Landlock.");
		return false;
	}
	return true;
}

/* Over 80 lines: a job's start in the order it must happen (the server, its connection, the
 * files, the fence, the argument vector, the replaced output, the start), each step answering
 * its own refusal; the file and fence checks are functions of their own. */
void api_jobs_start(http_req *r)
{
	struct start_in in;
	api_server s;
	if (!api_body(r, &start_form, &in, NULL) || !api_server_ref(r, &s))
		return;
	tusk_app *app = s.app;
	int64_t server_id = s.server_id, uid = s.user_id;
	const char *kind = in.kind, *db = in.db;
	json_t *spec = in.spec;
	if (!below_job_cap(r, uid))
		return;
	json_t *empty = json_object();
	if (!spec)
		spec = empty;
	store_server sv;
	tusk_err err = {0};
	char *conninfo = NULL, *password = NULL, *role = NULL, *out_abs = NULL, *in_abs = NULL;
	char *description = NULL, *summary = NULL, *passfile = jobs_passfile_path(app->jobs);
	strv argv = {0};
	uint64_t output_limit = 0;
	if (!api_found(r, store_server_get(app->store, uid, server_id, &sv, &err), &err, "server", server_id))
		goto out_noserver;
	bool server_wide = strcmp(kind, "backup_server") == 0;
	if (!db && !server_wide) {
		http_respond_error(r, ERR_MISSING_FIELD, "Give the database the job works on.");
		goto out;
	}
	if (!pgpool_client_conninfo(app->pool, uid, server_id, server_wide ? NULL : db, passfile, &conninfo, &password,
				    &role, &err)) {
		api_respond_err_status(r, 409, &err);
		goto out;
	}
	const char *file = json_string_value(json_object_get(spec, "file"));
	if (!job_files(r, app, uid, kind, spec, &out_abs, &in_abs, &output_limit) ||
	    !restore_fenced(r, app, kind, in_abs))
		goto out;
	job_ctx ctx = {.self_exe = jobs_self_exe(app->jobs),
		       .bin_dirs = app->cfg->pg_bin_dir,
		       .server_version = pgpool_server_version(&s.pg),
		       .conninfo = conninfo,
		       .role = role,
		       .output = out_abs,
		       .input = in_abs};
	char why[512];
	if (!jobs_build(kind, spec, &ctx, &argv, &summary, why, sizeof(why), &err)) {
		api_respond_err_status(r, 422, &err);
		goto out;
	}
	if (why[0]) {
		http_respond_error(r, ERR_INVALID_SPEC, "%s", why);
		goto out;
	}
	/* the job writes a new file: one overwritten is replaced, never written through (a file
	 * brought from pgAdmin's storage is a hard link whose other name must stay as it was) */
	struct stat ob;
	if (out_abs && lstat(out_abs, &ob) == 0 && S_ISREG(ob.st_mode) && unlink(out_abs) != 0) {
		http_respond_error(r, ERR_IO_ERROR, "'%s' could not be replaced: %s", file, strerror(errno));
		goto out;
	}
	if (summary) {
		description = xstrdup(summary);
	} else {
		description = describe(kind, db ? db : "", spec, file ? file : "");
	}
	job_spec js = {.user_id = uid,
		       .server_id = server_id,
		       .kind = kind,
		       .description = description,
		       .argv = argv.v,
		       .password = password,
		       .passfile = passfile,
		       .output_abs = out_abs,
		       .output_rel = is_output_kind(kind) ? file : NULL,
		       .input_rel = is_input_kind(kind) ? file : NULL,
		       .output_limit = output_limit};
	char *area = NULL;
	if (!files_user_root(app->cfg->data_dir, uid, &area, &err)) {
		api_respond_err(r, &err);
		goto out;
	}
	js.user_area = area;
	const char *format = json_string_value(json_object_get(spec, "format"));
	js.system_tmp = strcmp(kind, "backup") == 0 && format && strcasecmp(format, "tar") == 0;
	int64_t id;
	bool started = jobs_start(app->jobs, &js, &id, &err);
	free(area);
	if (!started) {
		api_respond_err(r, &err);
		goto out;
	}
	store_job j;
	if (store_job_get(app->store, uid, id, &j, &err) == 1) {
		respond_job(r, 201, &j);
		store_job_clear(&j);
	} else {
		api_internal_error(r, &err);
	}
out:
	store_server_clear(&sv);
out_noserver:
	if (password) {
		sodium_memzero(password, strlen(password));
		free(password);
	}
	FREE_ALL(conninfo, role, out_abs, in_abs, description, summary, passfile);
	strv_free(&argv);
	json_decref(empty);
}

/* ---- an archive's contents: pg_restore --list ---- */

/* One line of pg_restore --list as {id, type, schema, name, owner, line};
 * false for a line it cannot read. */
static bool write_toc_line(json_writer *w, char *buf)
{
	/* "123; 2615 16385 SCHEMA - app owner" */
	int id = 0, consumed = 0;
	if (sscanf(buf, "%d; %*u %*u %n", &id, &consumed) < 1 || consumed == 0)
		return false;
	const char *rest = buf + consumed;
	static const char *const types[] = {"TABLE DATA",
					    "SEQUENCE SET",
					    "DEFAULT ACL",
					    "FK CONSTRAINT",
					    "MATERIALIZED VIEW DATA",
					    "MATERIALIZED VIEW",
					    "FOREIGN TABLE",
					    "TRIGGER",
					    "INDEX",
					    "TABLE",
					    "SEQUENCE",
					    "VIEW",
					    "FUNCTION",
					    "PROCEDURE",
					    "SCHEMA",
					    "EXTENSION",
					    "COMMENT",
					    "ACL",
					    "CONSTRAINT",
					    "TYPE",
					    "DOMAIN",
					    "DEFAULT",
					    "POLICY",
					    "RULE",
					    "AGGREGATE",
					    "SEQUENCE OWNED BY",
					    "DATABASE",
					    "ENCODING",
					    "STDSTRINGS",
					    "SEARCHPATH",
					    NULL};
	const char *type = NULL;
	for (size_t k = 0; types[k] && !type; k++) {
		size_t tl = strlen(types[k]);
		if (strncmp(rest, types[k], tl) == 0 && rest[tl] == ' ')
			type = types[k];
	}
	jw_obj_begin(w);
	jw_fields(w, "is", "id", (int64_t)id, "type", type);
	if (type) {
		/* "<schema> <name> <owner>": the name may hold spaces */
		const char *p = rest + strlen(type) + 1;
		const char *sp = strchr(p, ' ');
		const char *last = strrchr(p, ' ');
		if (sp) {
			jw_key(w, "schema");
			if (sp - p == 1 && *p == '-')
				jw_null(w);
			else
				jw_strn(w, p, (size_t)(sp - p));
			jw_key(w, "name");
			jw_strn(w, sp + 1, last > sp ? (size_t)(last - sp - 1) : strlen(sp + 1));
			jw_kv_str(w, "owner", last > sp ? last + 1 : NULL);
		}
	}
	jw_kv_str(w, "line", buf);
	jw_obj_end(w);
	return true;
}

/* {entries: [...]} from pg_restore --list's output; the lines it could not read go to errors. */
static void write_toc(json_writer *w, str *listing, str *errors)
{
	jw_key(w, "entries");
	jw_arr_begin(w);
	char *save = NULL;
	for (char *buf = strtok_r((char *)str_cstr(listing), "\n", &save); buf; buf = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(buf);
		while (n && buf[n - 1] == '\r')
			buf[--n] = '\0';
		if (buf[0] != ';' && n && !write_toc_line(w, buf))
			str_appendf(errors, "%s\n", buf);
	}
	jw_arr_end(w);
}

/* The archive the ?path= names, in the user's storage (a malloc'd absolute
 * path), and the pg_restore for the server's version; false after answering. */
static bool archive_and_program(http_req *r, const api_server *s, char **abs, char **program)
{
	const char *file = http_req_query(r, "path");
	tusk_err err = {0};
	*abs = *program = NULL;
	if (!file || !*file) {
		http_respond_error(r, ERR_MISSING_FIELD, "Give the path of the archive in your storage.");
		return false;
	}
	if (!files_resolve(s->app->cfg->data_dir, s->user_id, file, true, abs, &err)) {
		api_respond_err(r, &err);
		return false;
	}
	if (!jobs_is_archive(*abs)) {
		http_respond_error(r, ERR_NOT_AN_ARCHIVE,
				   "'%s' is a plain SQL script, not an archive: it is restored as a whole with psql.",
				   file);
		return false;
	}
	int version = pgpool_server_version(&s->pg);
	if (!jobs_find_program(s->app->cfg->pg_bin_dir, "pg_restore", version > 0 ? version : 100000, program, &err)) {
		api_respond_err_status(r, 422, &err);
		return false;
	}
	return true;
}

void api_jobs_archive(http_req *r)
{
	api_server s;
	char *abs = NULL, *program = NULL;
	if (api_server_ref(r, &s) && archive_and_program(r, &s, &abs, &program)) {
		char *argv[] = {program, "--list", abs, NULL};
		str listing = STR_INIT, errors = STR_INIT;
		int status = 0;
		tusk_err err = {0};
		bool ran = jobs_capture(argv, abs, 64u << 20, 30000, &listing, &status, &err);
		api_json j;
		if (ran)
			write_toc(api_json_begin(&j), &listing, &errors);
		if (!ran || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			if (ran)
				str_free(&j.out);
			http_respond_error(r, ERR_ARCHIVE_UNREADABLE, "pg_restore could not read '%s': %s",
					   http_req_query(r, "path"),
					   !ran		? err.msg
					   : errors.len ? str_cstr(&errors)
							: "it failed");
		} else {
			api_json_send(r, 200, &j);
		}
		str_free(&errors);
		str_free(&listing);
	}
	free(program);
	free(abs);
}
