/* The user's file area: path confinement. */
#include "storage/storage.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/str.h"

bool storage_user_root(const char *data_dir, int64_t user_id, char **root, tusk_err *err)
{
	str s = STR_INIT;
	str_appendf(&s, "%s/storage", data_dir);
	mkdir(str_cstr(&s), 0700);
	str_appendf(&s, "/%lld", (long long)user_id);
	if (mkdir(str_cstr(&s), 0700) != 0 && errno != EEXIST) {
		err_set(err, "storage_failed", "Tusk could not create %s: %s", str_cstr(&s), strerror(errno));
		str_free(&s);
		return false;
	}
	*root = xstrdup(str_cstr(&s));
	str_free(&s);
	return true;
}

bool storage_resolve(const char *data_dir, int64_t user_id, const char *rel, bool must_exist, char **abs,
		     tusk_err *err)
{
	*abs = NULL;
	if (!rel || rel[0] == '/') {
		err_set(err, "invalid_path", "Give a path inside your storage, not an absolute one.");
		return false;
	}
	for (const char *c = rel; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			err_set(err, "invalid_path", "A path cannot contain control characters.");
			return false;
		}
	for (const char *seg = rel; *seg;) {
		const char *end = strchr(seg, '/');
		size_t n = end ? (size_t)(end - seg) : strlen(seg);
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			err_set(err, "invalid_path", "A path cannot go up with '..'.");
			return false;
		}
		seg += n + (end ? 1 : 0);
	}
	char *root;
	if (!storage_user_root(data_dir, user_id, &root, err))
		return false;
	str s = STR_INIT;
	str_appendf(&s, "%s/%s", root, rel);
	while (s.len > strlen(root) + 1 && s.buf[s.len - 1] == '/')
		s.buf[--s.len] = '\0';
	/* every existing component must stay inside the area (no symlink out) */
	char *real_root = realpath(root, NULL);
	char *parent = xstrdup(str_cstr(&s));
	char *slash = strrchr(parent, '/');
	if (slash && slash > parent)
		*slash = '\0';
	struct stat sb;
	bool exists = lstat(str_cstr(&s), &sb) == 0;
	char *real = realpath(exists ? str_cstr(&s) : parent, NULL);
	bool inside = real_root && real && strncmp(real, real_root, strlen(real_root)) == 0 &&
		      (real[strlen(real_root)] == '\0' || real[strlen(real_root)] == '/');
	bool ok = true;
	if (exists && S_ISLNK(sb.st_mode))
		inside = false;
	if (!real) {
		err_set(err, "not_found", "There is no folder '%s' in your storage.", rel);
		ok = false;
	} else if (!inside) {
		err_set(err, "invalid_path", "'%s' leads outside your storage.", rel);
		ok = false;
	} else if (must_exist && !exists) {
		err_set(err, "not_found", "There is no '%s' in your storage.", rel);
		ok = false;
	}
	if (ok)
		*abs = xstrdup(str_cstr(&s));
	free(real_root);
	free(real);
	free(parent);
	free(root);
	str_free(&s);
	return ok;
}
