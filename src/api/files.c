/* The user's file area over HTTP: list, create folders, rename or move,
 * delete, download (sendfile, constant memory) and upload (the body streams
 * into a temporary file beside the target, renamed into place at the end; a
 * refused or broken upload leaves nothing). Paths are files/ paths (files/files.h): relative
 * to the user's area, confined to it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "files/files.h"

/* A listing stops here (and says it was cut) rather than grow without bound. */
#define MAX_ENTRIES 10000

static int64_t user_id(http_req *r)
{
	return api_session(r)->user.id;
}

static const char *data_dir(http_req *r)
{
	return ((tusk_app *)http_req_app(r))->cfg->data_dir;
}

static uint64_t quota_bytes(http_req *r)
{
	return (uint64_t)((tusk_app *)http_req_app(r))->cfg->storage_quota_mb * 1048576u;
}

/* The path a query parameter names; NULL after responding (absent when required, or holding a NUL). */
static const char *query_path(http_req *r, const char *name, bool required)
{
	size_t len = 0;
	const char *v = http_req_query_n(r, name, &len);
	if (v && strlen(v) != len) {
		http_respond_error(r, ERR_INVALID_PATH, "The path contains a NUL character.");
		return NULL;
	}
	if (!v || !*v) {
		if (!required)
			return "";
		http_respond_error(r, ERR_INVALID_PATH, "Say which file: the '%s' parameter is missing.", name);
		return NULL;
	}
	return v;
}

/* Resolves rel in the user's area into an arena string; false after responding. */
static bool resolve(http_req *r, const char *rel, bool must_exist, char **abs)
{
	tusk_err err;
	char *path;
	if (!files_resolve(data_dir(r), user_id(r), rel, must_exist, &path, &err)) {
		api_respond_err(r, &err);
		return false;
	}
	*abs = arena_strdup(http_req_arena(r), path);
	free(path);
	return true;
}

/* The ?path= parameter resolved (see query_path and resolve); false after responding. */
static bool query_resolve(http_req *r, bool required, bool must_exist, char **abs)
{
	const char *rel = query_path(r, "path", required);
	return rel && resolve(r, rel, must_exist, abs);
}

/* abs as the user sees it: relative to the area, "" for the area itself. */
static const char *relative(http_req *r, const char *abs)
{
	tusk_err err;
	char *root;
	if (!files_user_root(data_dir(r), user_id(r), &root, &err))
		return abs;
	size_t n = strlen(root);
	free(root);
	return strlen(abs) > n ? abs + n + 1 : "";
}

static bool is_root(http_req *r, const char *abs)
{
	return !*relative(r, abs);
}

/* A new name must not look like an upload in progress (those are hidden and cleaned). */
static bool name_allowed(http_req *r, const char *abs)
{
	const char *slash = strrchr(abs, '/');
	const char *name = slash ? slash + 1 : abs;
	if (strncmp(name, FILES_PARTIAL_PREFIX, strlen(FILES_PARTIAL_PREFIX)) != 0)
		return true;
	http_respond_error(r, ERR_INVALID_PATH, "Names starting with %s are kept for uploads in progress.",
			   FILES_PARTIAL_PREFIX);
	return false;
}

static void respond_path(http_req *r, int status, const char *abs, int64_t size)
{
	api_json j;
	jw_kv_str(api_json_begin(&j), "path", relative(r, abs));
	if (size >= 0)
		jw_kv_int(&j.w, "size", size);
	api_json_send(r, status, &j);
}

/* ---- listing ---- */

struct entry {
	const char *name;
	bool dir;
	int64_t size, mtime;
};

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->dir != y->dir)
		return x->dir ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Folders and regular files of dir, folders first; links and other kinds are left out. */
static struct entry *read_entries(http_req *r, int fd, size_t *n, bool *truncated)
{
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return NULL;
	}
	size_t cap = 64;
	struct entry *list = xmalloc(cap * sizeof(*list));
	*n = 0;
	*truncated = false;
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *name = de->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
		    strncmp(name, FILES_PARTIAL_PREFIX, strlen(FILES_PARTIAL_PREFIX)) == 0)
			continue;
		struct stat st;
		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !(S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)))
			continue;
		if (*n == MAX_ENTRIES) {
			*truncated = true;
			break;
		}
		if (*n == cap)
			list = xrealloc(list, (cap *= 2) * sizeof(*list));
		list[(*n)++] = (struct entry){arena_strdup(http_req_arena(r), name), S_ISDIR(st.st_mode),
					      S_ISDIR(st.st_mode) ? 0 : (int64_t)st.st_size, (int64_t)st.st_mtime};
	}
	closedir(d);
	qsort(list, *n, sizeof(*list), entry_cmp);
	return list;
}

void api_files_list(http_req *r)
{
	char *abs;
	if (!query_resolve(r, false, true, &abs))
		return;
	int fd = open(abs, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOTDIR)
			http_respond_error(r, ERR_NOT_A_FOLDER, "'%s' is a file, not a folder.", relative(r, abs));
		else
			http_respond_error(r, ERR_IO_ERROR, "The folder cannot be read: %s.", strerror(errno));
		return;
	}
	size_t n;
	bool truncated;
	struct entry *list = read_entries(r, fd, &n, &truncated);
	uint64_t used = 0;
	tusk_err err;
	if (!list || !files_usage(data_dir(r), user_id(r), &used, &err)) {
		free(list);
		http_respond_error(r, ERR_IO_ERROR, "The folder cannot be read.");
		return;
	}
	api_json j;
	json_writer *w = api_json_begin(&j);
	jw_kv_str(w, "path", relative(r, abs));
	jw_key(w, "entries");
	jw_arr_begin(w);
	for (size_t i = 0; i < n; i++)
		jw_object(w, "ssit", "name", list[i].name, "type", list[i].dir ? "dir" : "file", "size",
			  (int64_t)list[i].size, "mtime", (int64_t)list[i].mtime);
	jw_arr_end(w);
	jw_fields(w, "bii", "truncated", truncated, "usage_bytes", (int64_t)used, "quota_bytes",
		  (int64_t)quota_bytes(r));
	free(list);
	api_json_send(r, 200, &j);
}

/* ---- folders, moves, deletes ---- */

/* The paths a body names: each must name one in the user's area. */
struct paths_in {
	const char *path, *from, *to;
};
#define PATH_FIELD(key, member) API_FIELD(key, API_TEXT, struct paths_in, member, API_REQUIRED | API_NONEMPTY)
static const api_field mkdir_fields[] = {PATH_FIELD("path", path)};
static const api_field move_fields[] = {PATH_FIELD("from", from), PATH_FIELD("to", to)};
static const api_form mkdir_form = {mkdir_fields, 1, "The field 'path' must name a path in your storage area.",
				    ERR_INVALID_PATH, false};
static const api_form move_form = {move_fields, 2, "The fields 'from' and 'to' must name paths in your storage area.",
				   ERR_INVALID_PATH, false};

void api_files_mkdir(http_req *r)
{
	struct paths_in in;
	char *abs;
	if (!api_body(r, &mkdir_form, &in, NULL) || !resolve(r, in.path, false, &abs) || !name_allowed(r, abs))
		return;
	int e = is_root(r, abs) ? EEXIST : mkdir(abs, 0700) == 0 ? 0 : errno;
	if (e == EEXIST) {
		http_respond_error(r, ERR_EXISTS, "'%s' already exists.", relative(r, abs));
		return;
	}
	if (e) {
		http_respond_error(r, ERR_IO_ERROR, "The folder cannot be created: %s.", strerror(e));
		return;
	}
	respond_path(r, 201, abs, -1);
}

/* A file a running job writes (or a folder holding one) stays where it is until the job ends. */
static bool busy(http_req *r, const char *abs)
{
	if (!jobs_writing(((tusk_app *)http_req_app(r))->jobs, abs))
		return false;
	http_respond_error(r, ERR_IN_USE, "A running job writes '%s'; cancel it or wait until it ends.",
			   relative(r, abs));
	return true;
}

void api_files_move(http_req *r)
{
	struct paths_in in;
	char *from, *to;
	if (!api_body(r, &move_form, &in, NULL) || !resolve(r, in.from, true, &from) ||
	    !resolve(r, in.to, false, &to) || !name_allowed(r, to))
		return;
	if (is_root(r, from) || is_root(r, to)) {
		http_respond_error(r, ERR_INVALID_PATH, "The storage area itself cannot be moved or replaced.");
		return;
	}
	if (busy(r, from))
		return;
	/* never replaces: a name taken is the user's to delete first */
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) != 0) {
		int e = errno;
		if (e == EEXIST)
			http_respond_error(r, ERR_EXISTS, "'%s' already exists.", relative(r, to));
		else if (e == EINVAL)
			http_respond_error(r, ERR_INVALID_PATH, "A folder cannot be moved into itself.");
		else
			http_respond_error(r, ERR_IO_ERROR, "The move failed: %s.", strerror(e));
		return;
	}
	respond_path(r, 200, to, -1);
}

void api_files_delete(http_req *r)
{
	char *abs;
	bool recursive;
	if (!api_query_flag(r, "recursive", &recursive) || !query_resolve(r, true, true, &abs))
		return;
	if (is_root(r, abs)) {
		http_respond_error(r, ERR_INVALID_PATH, "The storage area itself cannot be deleted.");
		return;
	}
	if (busy(r, abs))
		return;
	struct stat st;
	tusk_err err;
	bool folder = lstat(abs, &st) == 0 && S_ISDIR(st.st_mode);
	if (folder && !recursive) {
		if (rmdir(abs) != 0) {
			if (errno == ENOTEMPTY || errno == EEXIST)
				http_respond_error(
				    r, ERR_NOT_EMPTY,
				    "The folder '%s' is not empty; delete it with recursive=true to remove "
				    "everything in it.",
				    relative(r, abs));
			else
				http_respond_error(r, ERR_IO_ERROR, "The folder cannot be deleted: %s.",
						   strerror(errno));
			return;
		}
	} else if (!files_remove_tree(abs, &err)) {
		api_respond_err(r, &err);
		return;
	}
	http_respond_empty(r, 204);
}

/* ---- download ---- */

/* attachment; filename="plain ASCII"; filename*=UTF-8''percent-encoded (RFC 6266). */
static const char *content_disposition(http_req *r, const char *name)
{
	str s = STR_INIT;
	str_append_cstr(&s, "attachment; filename=\"");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		str_append_char(&s, *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\' ? (char)*p : '_');
	str_append_cstr(&s, "\"; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("!#$&+-.^_`|~", *p))
			str_append_char(&s, (char)*p);
		else
			str_appendf(&s, "%%%02X", *p);
	}
	const char *out = arena_strdup(http_req_arena(r), str_cstr(&s));
	str_free(&s);
	return out;
}

void api_files_download(http_req *r)
{
	char *abs;
	if (!query_resolve(r, true, true, &abs))
		return;
	int fd = open(abs, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		bool dir = fd >= 0 && S_ISDIR(st.st_mode);
		if (fd >= 0)
			close(fd);
		if (dir)
			http_respond_error(r, ERR_NOT_A_FILE, "'%s' is a folder; only files can be downloaded.",
					   relative(r, abs));
		else
			http_respond_error(r, fd < 0 ? ERR_IO_ERROR : ERR_NOT_A_FILE, "'%s' cannot be downloaded.",
					   relative(r, abs));
		return;
	}
	/* O_NONBLOCK only kept a FIFO swapped in from blocking the open */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	const char *slash = strrchr(abs, '/');
	http_add_header(r, "Content-Disposition", content_disposition(r, slash ? slash + 1 : abs));
	http_respond_file(r, 200, "application/octet-stream", fd, (uint64_t)st.st_size);
}

/* ---- upload ---- */

struct upload {
	int fd;
	char *tmp, *target;
	bool overwrite;
	bool committed;
	uint64_t written;
	uint64_t room; /* bytes the quota still allows; UINT64_MAX when unlimited */
};

/* Drops the temporary file at once, so a refused upload leaves nothing while the rest is drained. */
static void upload_discard(struct upload *u)
{
	if (u->fd >= 0) {
		close(u->fd);
		u->fd = -1;
		unlink(u->tmp);
	}
}

static bool upload_chunk(http_req *r, void *cls, const char *data, size_t len)
{
	struct upload *u = cls;
	if (len > u->room - u->written) {
		upload_discard(u);
		tusk_err err;
		err_set(&err, ERR_QUOTA_EXCEEDED, "The upload passes your storage quota of %.1f MiB; nothing was kept.",
			(double)quota_bytes(r) / 1048576.0);
		api_respond_err(r, &err);
		return false;
	}
	while (len > 0) {
		ssize_t n = write(u->fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			upload_discard(u);
			if (e == ENOSPC || e == EDQUOT)
				http_respond_error(r, ERR_DISK_FULL,
						   "The disk holding the storage area is full; nothing "
						   "was kept.");
			else
				http_respond_error(r, ERR_IO_ERROR, "The upload could not be written: %s.",
						   strerror(e));
			return false;
		}
		data += n;
		len -= (size_t)n;
		u->written += (uint64_t)n;
	}
	return true;
}

static void upload_end(http_req *r, void *cls)
{
	struct upload *u = cls;
	int e = 0;
	if (fsync(u->fd) != 0 || close(u->fd) != 0)
		e = errno;
	u->fd = -1;
	if (!e && renameat2(AT_FDCWD, u->tmp, AT_FDCWD, u->target, u->overwrite ? 0 : RENAME_NOREPLACE) != 0)
		e = errno;
	if (e) {
		unlink(u->tmp);
		if (e == EEXIST)
			http_respond_error(r, ERR_EXISTS, "'%s' was created while uploading; nothing was replaced.",
					   relative(r, u->target));
		else
			http_respond_error(r, ERR_IO_ERROR, "The upload could not be stored: %s.", strerror(e));
		return;
	}
	u->committed = true;
	respond_path(r, 201, u->target, (int64_t)u->written);
}

static void upload_done(void *cls)
{
	struct upload *u = cls;
	if (u->fd >= 0)
		close(u->fd);
	if (!u->committed)
		unlink(u->tmp); /* a client gone mid-body, a refusal: nothing is left */
}

static const http_body_sink upload_sink = {upload_chunk, upload_end, upload_done};

/* Room the quota leaves for a file replacing `replaced` bytes; false after responding. */
static bool upload_room(http_req *r, uint64_t declared, uint64_t replaced, uint64_t *room)
{
	uint64_t quota = quota_bytes(r), used;
	tusk_err err;
	*room = UINT64_MAX;
	if (!quota)
		return true;
	if (!files_usage(data_dir(r), user_id(r), &used, &err)) {
		api_respond_err(r, &err);
		return false;
	}
	used = used > replaced ? used - replaced : 0;
	*room = used < quota ? quota - used : 0;
	if (declared <= *room)
		return true;
	err_set(&err, ERR_QUOTA_EXCEEDED,
		"This upload (%.1f MiB) does not fit in your storage quota: %.1f MiB of %.1f MiB used. Delete files to "
		"make room.",
		(double)declared / 1048576.0, (double)used / 1048576.0, (double)quota / 1048576.0);
	api_respond_err(r, &err);
	return false;
}

void api_files_upload(http_req *r)
{
	char *abs;
	bool overwrite;
	if (!api_query_flag(r, "overwrite", &overwrite) || !query_resolve(r, true, false, &abs) ||
	    !name_allowed(r, abs))
		return;
	if (is_root(r, abs)) {
		http_respond_error(r, ERR_INVALID_PATH, "Name the file to upload, not the storage area.");
		return;
	}
	struct stat st;
	bool exists = lstat(abs, &st) == 0;
	if (exists && busy(r, abs))
		return;
	if (exists && S_ISDIR(st.st_mode)) {
		http_respond_error(r, ERR_EXISTS, "'%s' is a folder.", relative(r, abs));
		return;
	}
	if (exists && !overwrite) {
		http_respond_error(r, ERR_EXISTS, "'%s' already exists; upload with overwrite=true to replace it.",
				   relative(r, abs));
		return;
	}
	uint64_t replaced = exists ? (uint64_t)st.st_size : 0;
	const char *cl = http_req_header(r, "Content-Length");
	uint64_t declared = cl ? strtoull(cl, NULL, 10) : 0;
	struct upload *u = arena_alloc(http_req_arena(r), sizeof(*u));
	*u = (struct upload){.fd = -1, .target = abs, .overwrite = overwrite};
	if (!upload_room(r, declared, replaced, &u->room))
		return;
	/* beside the target, so the final rename is atomic and on the same disk */
	const char *slash = strrchr(abs, '/');
	u->tmp = arena_printf(http_req_arena(r), "%.*s/%sXXXXXX", (int)(slash - abs), abs, FILES_PARTIAL_PREFIX);
	u->fd = mkostemp(u->tmp, O_CLOEXEC);
	if (u->fd < 0) {
		http_respond_error(r, ERR_IO_ERROR, "The upload cannot start: %s.", strerror(errno));
		return;
	}
	http_req_body_sink(r, &upload_sink, u);
}
