/* The per-user file area. Paths are checked component by component with
 * openat(O_NOFOLLOW) from the area's root, so what is checked is what the
 * kernel walked, not a string that a symbolic link could redirect. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "files/files.h"
#include "util/str.h"

static bool mkdir_0700(const char *path, tusk_err *err)
{
	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		return true;
	err_set(err, ERR_IO_ERROR, "cannot create %s: %s", path, strerror(errno));
	return false;
}

bool files_user_root(const char *data_dir, int64_t user_id, char **root, tusk_err *err)
{
	if (user_id <= 0) {
		err_set(err, ERR_INVALID_PATH, "there is no storage area for user %" PRId64, user_id);
		return false;
	}
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/storage", data_dir);
	if (n < 0 || (size_t)n >= sizeof(path) - 32) {
		err_set(err, ERR_IO_ERROR, "the data directory path is too long");
		return false;
	}
	if (!mkdir_0700(data_dir, err) || !mkdir_0700(path, err))
		return false;
	snprintf(path + n, sizeof(path) - (size_t)n, "/%" PRId64, user_id);
	if (!mkdir_0700(path, err))
		return false;
	/* the area itself must be a real folder: a link in its place is not followed */
	struct stat st;
	if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		err_set(err, ERR_IO_ERROR, "%s is not a folder", path);
		return false;
	}
	char *real = realpath(path, NULL);
	if (!real) {
		err_set(err, ERR_IO_ERROR, "cannot resolve %s: %s", path, strerror(errno));
		return false;
	}
	*root = real;
	return true;
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	size_t n = s[0] >= 0xf5 ? 0 : s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
	if (!n)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	uint32_t cp = n == 2 ? (uint32_t)(s[0] & 0x1f) : n == 3 ? (uint32_t)(s[0] & 0x0f) : (uint32_t)(s[0] & 0x07);
	for (size_t i = 1; i < n; i++)
		cp = (cp << 6) | (s[i] & 0x3f);
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Checks rel's text and writes its normalized form (no empty or "." segments,
 * no leading or trailing '/') into out. */
static bool normalize(const char *rel, str *out, tusk_err *err)
{
	if (rel[0] == '/') {
		err_set(err, ERR_INVALID_PATH, "Paths are relative to your storage area; this one starts with '/'.");
		return false;
	}
	for (const unsigned char *p = (const unsigned char *)rel; *p;) {
		if (*p < 0x20 || *p == 0x7f) {
			err_set(err, ERR_INVALID_PATH, "The path contains a control character.");
			return false;
		}
		size_t n = utf8_len(p);
		if (!n) {
			err_set(err, ERR_INVALID_PATH, "The path is not valid UTF-8.");
			return false;
		}
		p += n;
	}
	for (const char *seg = rel; *seg;) {
		size_t len = strcspn(seg, "/");
		if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			err_set(err, ERR_INVALID_PATH, "The path must not contain '..'.");
			return false;
		}
		if (len > FILES_NAME_MAX) {
			err_set(err, ERR_INVALID_PATH, "A name in the path is longer than %d bytes.", FILES_NAME_MAX);
			return false;
		}
		if (len && !(len == 1 && seg[0] == '.')) {
			if (out->len)
				str_append_char(out, '/');
			str_append(out, seg, len);
		}
		seg += len;
		while (*seg == '/')
			seg++;
	}
	if (out->len > FILES_PATH_MAX) {
		err_set(err, ERR_INVALID_PATH, "The path is longer than %d bytes.", FILES_PATH_MAX);
		return false;
	}
	return true;
}

/* One component of the walk: `dir` holds it, `path` is the path up to and
 * including it (for messages), `last` says whether it ends the path. A folder
 * on the way is opened and replaces *dir. */
static bool step(int *dir, const char *name, const char *path, bool last, bool must_exist, tusk_err *err)
{
	struct stat st;
	if (fstatat(*dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		int e = errno;
		if (e != ENOENT) {
			err_set(err, ERR_IO_ERROR, "cannot look at '%s': %s", path, strerror(e));
			return false;
		}
		if (!last || must_exist) {
			err_set(err, ERR_NOT_FOUND, "'%s' does not exist in your storage.", path);
			return false;
		}
		return true;
	}
	if (S_ISLNK(st.st_mode)) {
		err_set(err, ERR_INVALID_PATH, "'%s' is a symbolic link; links are not followed in the storage area.",
			path);
		return false;
	}
	if (last)
		return true;
	if (!S_ISDIR(st.st_mode)) {
		err_set(err, ERR_INVALID_PATH, "'%s' is not a folder.", path);
		return false;
	}
	/* O_NOFOLLOW: a link swapped in since the fstatat is refused, not followed */
	int next = openat(*dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (next < 0) {
		err_set(err, errno == ELOOP ? ERR_INVALID_PATH : ERR_IO_ERROR, "cannot open '%s': %s", path,
			strerror(errno));
		return false;
	}
	close(*dir);
	*dir = next;
	return true;
}

/* Walks the normalized path from the root: every folder on the way must be a
 * real folder, the last component must not be a link (and must exist when asked). */
static bool walk(const char *root, char *path, bool must_exist, tusk_err *err)
{
	int dir = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0) {
		err_set(err, ERR_IO_ERROR, "cannot open the storage area: %s", strerror(errno));
		return false;
	}
	bool ok = true;
	for (char *seg = path; ok && *seg;) {
		char *slash = strchr(seg, '/');
		if (slash)
			*slash = '\0'; /* path now ends at this component, for the messages */
		ok = step(&dir, seg, path, slash == NULL, must_exist, err);
		if (!slash)
			break;
		*slash = '/';
		seg = slash + 1;
	}
	close(dir);
	return ok;
}

bool files_resolve(const char *data_dir, int64_t user_id, const char *rel, bool must_exist, char **abs, tusk_err *err)
{
	str norm = STR_INIT;
	if (!normalize(rel ? rel : "", &norm, err)) {
		str_free(&norm);
		return false;
	}
	char *root;
	if (!files_user_root(data_dir, user_id, &root, err)) {
		str_free(&norm);
		return false;
	}
	char *path = xstrdup(str_cstr(&norm));
	str_free(&norm);
	bool ok = walk(root, path, must_exist, err);
	if (ok) {
		str full = STR_INIT;
		str_append_cstr(&full, root);
		if (*path)
			str_appendf(&full, "/%s", path);
		if (full.len >= PATH_MAX) {
			err_set(err, ERR_INVALID_PATH, "The path is too long.");
			str_free(&full);
			ok = false;
		} else {
			*abs = str_take(&full);
		}
	}
	free(path);
	free(root);
	return ok;
}

static bool is_partial(const char *name)
{
	return strncmp(name, FILES_PARTIAL_PREFIX, strlen(FILES_PARTIAL_PREFIX)) == 0;
}

size_t files_sweep_partials(const char *data_dir, int min_age)
{
	str top = STR_INIT;
	str_appendf(&top, "%s/storage", data_dir);
	DIR *d = opendir(str_cstr(&top));
	size_t removed = 0;
	time_t before = time(NULL) - min_age;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		/* Tusk's areas are numeric; pgAdmin's folders beside them are not Tusk's to touch */
		if (!de->d_name[0] || strspn(de->d_name, "0123456789") != strlen(de->d_name))
			continue;
		str area = STR_INIT;
		str_appendf(&area, "%s/%s", str_cstr(&top), de->d_name);
		char *const paths[] = {(char *)str_cstr(&area), NULL};
		FTS *fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR | FTS_XDEV, NULL);
		FTSENT *e;
		while (fts && (e = fts_read(fts)))
			if (e->fts_info == FTS_F && is_partial(e->fts_name) && e->fts_statp->st_mtime <= before &&
			    unlink(e->fts_path) == 0)
				removed++;
		if (fts)
			fts_close(fts);
		str_free(&area);
	}
	if (d)
		closedir(d);
	str_free(&top);
	return removed;
}

bool files_remove_user_area(const char *data_dir, int64_t user_id, tusk_err *err)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/storage/%" PRId64, data_dir, user_id);
	if (user_id <= 0 || n < 0 || (size_t)n >= sizeof(path)) {
		err_set(err, ERR_INVALID_PATH, "there is no storage area for user %" PRId64, user_id);
		return false;
	}
	struct stat st;
	if (lstat(path, &st) != 0 && errno == ENOENT)
		return true;
	return files_remove_tree(path, err);
}

size_t files_set_aside_orphans(const char *data_dir, bool (*exists)(void *ctx, int64_t user_id), void *ctx)
{
	str top = STR_INIT;
	str_appendf(&top, "%s/storage", data_dir);
	DIR *d = opendir(str_cstr(&top));
	size_t moved = 0;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (!de->d_name[0] || strspn(de->d_name, "0123456789") != strlen(de->d_name) || strlen(de->d_name) > 18)
			continue;
		int64_t id = strtoll(de->d_name, NULL, 10);
		if (exists(ctx, id))
			continue;
		str from = STR_INIT, to = STR_INIT;
		str_appendf(&from, "%s/%s", str_cstr(&top), de->d_name);
		str_appendf(&to, "%s/.orphaned-%s-%lld", str_cstr(&top), de->d_name, (long long)time(NULL));
		if (rename(str_cstr(&from), str_cstr(&to)) == 0)
			moved++;
		str_free(&from);
		str_free(&to);
	}
	if (d)
		closedir(d);
	str_free(&top);
	return moved;
}

bool files_usage(const char *data_dir, int64_t user_id, uint64_t *bytes, tusk_err *err)
{
	char *root;
	if (!files_user_root(data_dir, user_id, &root, err))
		return false;
	char *const paths[] = {root, NULL};
	/* fts keeps no descriptor per level, so a deep tree cannot exhaust them */
	FTS *fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR | FTS_XDEV, NULL);
	if (!fts) {
		err_set(err, ERR_IO_ERROR, "cannot read the storage area: %s", strerror(errno));
		free(root);
		return false;
	}
	uint64_t total = 0;
	FTSENT *e;
	time_t stale = time(NULL) - FILES_PARTIAL_STALE;
	while ((e = fts_read(fts)))
		if (e->fts_info == FTS_F &&
		    !(is_partial(e->fts_name) && e->fts_statp->st_mtime < stale)) /* a dead upload's leftover */
			total += (uint64_t)e->fts_statp->st_size;
	bool ok = errno == 0;
	if (!ok)
		err_set(err, ERR_IO_ERROR, "cannot read the storage area: %s", strerror(errno));
	fts_close(fts);
	free(root);
	*bytes = total;
	return ok;
}

bool files_quota_check(const char *data_dir, int64_t user_id, uint64_t quota_bytes, uint64_t adding, tusk_err *err)
{
	if (quota_bytes == 0)
		return true;
	uint64_t used;
	if (!files_usage(data_dir, user_id, &used, err))
		return false;
	if (used <= quota_bytes && adding <= quota_bytes - used)
		return true;
	err_set(
	    err, ERR_QUOTA_EXCEEDED,
	    "This would pass your storage quota: %.1f MiB used of %.1f MiB, %.1f MiB more asked for. Delete files to "
	    "make room.",
	    (double)used / 1048576.0, (double)quota_bytes / 1048576.0, (double)adding / 1048576.0);
	return false;
}

bool files_remove_tree(const char *abs, tusk_err *err)
{
	struct stat st;
	if (lstat(abs, &st) != 0) {
		err_set(err, errno == ENOENT ? ERR_NOT_FOUND : ERR_IO_ERROR, "cannot remove: %s", strerror(errno));
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(abs) == 0)
			return true;
		err_set(err, ERR_IO_ERROR, "cannot remove: %s", strerror(errno));
		return false;
	}
	char *const paths[] = {(char *)abs, NULL};
	FTS *fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR | FTS_XDEV, NULL);
	if (!fts) {
		err_set(err, ERR_IO_ERROR, "cannot remove: %s", strerror(errno));
		return false;
	}
	bool ok = true;
	FTSENT *e;
	while (ok && (e = fts_read(fts))) {
		int rc = 0;
		switch (e->fts_info) {
		case FTS_D:
			continue; /* removed on the way back up */
		case FTS_DP:
			rc = rmdir(e->fts_accpath);
			break;
		case FTS_DNR:
		case FTS_ERR:
		case FTS_NS:
			errno = e->fts_errno;
			rc = -1;
			break;
		default: /* files, links (not followed), anything else */
			rc = unlink(e->fts_accpath);
			break;
		}
		if (rc != 0) {
			err_set(err, ERR_IO_ERROR, "cannot remove '%s': %s", e->fts_name, strerror(errno));
			ok = false;
		}
	}
	fts_close(fts);
	return ok;
}

/* Copies a file the kernel would not let us link (another file system). */
static bool copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return false;
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		close(in);
		return false;
	}
	char buf[65536];
	ssize_t n;
	bool ok = true;
	while (ok && (n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			ok = errno == EINTR;
			continue;
		}
		for (ssize_t done = 0; ok && done < n;) {
			ssize_t w = write(out, buf + done, (size_t)(n - done));
			if (w < 0 && errno == EINTR)
				continue;
			ok = w > 0;
			done += w > 0 ? w : 0;
		}
	}
	ok = close(out) == 0 && ok;
	close(in);
	if (!ok)
		unlink(to);
	return ok;
}

bool files_import_tree(const char *data_dir, int64_t user_id, const char *src, files_import_counts *counts,
		       tusk_err *err)
{
	memset(counts, 0, sizeof(*counts));
	struct stat st;
	if (lstat(src, &st) != 0 || !S_ISDIR(st.st_mode)) {
		err_set(err, ERR_NOT_FOUND, "%s is not a folder", src);
		return false;
	}
	char *root;
	if (!files_user_root(data_dir, user_id, &root, err))
		return false;
	char *const paths[] = {(char *)src, NULL};
	FTS *fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR | FTS_XDEV, NULL);
	if (!fts) {
		err_set(err, ERR_IO_ERROR, "cannot read %s: %s", src, strerror(errno));
		free(root);
		return false;
	}
	size_t skip = strlen(src);
	FTSENT *e;
	while ((e = fts_read(fts))) {
		if (e->fts_level == 0 || e->fts_info == FTS_DP)
			continue;
		const char *rel = e->fts_path + skip + 1;
		str norm = STR_INIT;
		tusk_err why;
		bool usable = normalize(rel, &norm, &why) &&
			      strncmp(e->fts_name, FILES_PARTIAL_PREFIX, strlen(FILES_PARTIAL_PREFIX)) != 0;
		char to[PATH_MAX];
		int n = snprintf(to, sizeof(to), "%s/%s", root, str_cstr(&norm));
		str_free(&norm);
		usable = usable && n > 0 && (size_t)n < sizeof(to);
		if (e->fts_info == FTS_D) {
			if (!usable || (mkdir(to, 0700) != 0 && errno != EEXIST)) {
				counts->skipped++;
				fts_set(fts, e, FTS_SKIP); /* nothing under a folder that cannot come */
			}
		} else if (e->fts_info == FTS_F && usable) {
			if (link(e->fts_accpath, to) == 0 || (errno != EEXIST && copy_file(e->fts_accpath, to)))
				counts->files++;
			else
				counts->skipped++; /* a file of that name is there already: it stays */
		} else {
			counts->skipped++; /* links, devices, sockets, unusable names */
		}
	}
	fts_close(fts);
	free(root);
	return true;
}
