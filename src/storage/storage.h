/* Each user's file area in the data dir (storage/<user id>/): backups land
 * there, restores and imports read from there. Paths are relative to the
 * area and never leave it. */
#ifndef TUSK_STORAGE_STORAGE_H
#define TUSK_STORAGE_STORAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

/* The area's absolute path (created 0700 when missing); free() it. */
bool storage_user_root(const char *data_dir, int64_t user_id, char **root, tusk_err *err);
/* A path relative to the area ("" is the area) as an absolute path inside it.
 * err code invalid_path for absolute paths, ".." and control characters;
 * not_found when must_exist and it does not (a new file's folder must). */
bool storage_resolve(const char *data_dir, int64_t user_id, const char *rel, bool must_exist, char **abs,
		     tusk_err *err);

#endif
