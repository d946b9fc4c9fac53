/* files/: each user's file area (named files/ so it cannot be confused with store/,
 * the metadata store): <data_dir>/storage/<user_id>/, created 0700 on
 * demand. Backups land there, restores and imports read from there, and the
 * file manager (api/files.c) shows it. Every path a user names is relative to
 * the area and confined to it: absolute paths, ".." segments, control
 * characters, invalid UTF-8 and symbolic links anywhere on the way are refused
 * (a link is refused even when it points inside, so no check can be raced by
 * retargeting one). Knows nothing of HTTP. */
#ifndef TUSK_FILES_FILES_H
#define TUSK_FILES_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* Longest path a user may name (bytes, after normalization) and longest name in it. */
#define FILES_PATH_MAX 1024
#define FILES_NAME_MAX 255

/* Names starting with this are uploads in progress: hidden from listings. */
#define FILES_PARTIAL_PREFIX ".tusk-upload-"
/* An upload not written to for this long is a dead one's leftover (seconds). */
#define FILES_PARTIAL_STALE 3600

/* The user's area as an absolute path without a trailing slash (malloc'd),
 * created with its parents (0700) when missing. */
bool files_user_root(const char *data_dir, int64_t user_id, char **root, tusk_err *err)
    __attribute__((warn_unused_result));

/* Maps a user-relative path ("backups/app.dump"; "" or "." for the area itself;
 * empty and "." segments and a trailing '/' are ignored) to the absolute path
 * inside the area (malloc'd). With must_exist false the last component may be
 * missing (a file about to be written), but its folder must exist.
 * Error codes: "invalid_path" (refused: the message says why), "not_found"
 * (a component does not exist), "io_error". */
bool files_resolve(const char *data_dir, int64_t user_id, const char *rel, bool must_exist, char **abs, tusk_err *err)
    __attribute__((warn_unused_result));

/* Removes uploads in progress not written to for min_age seconds, in every
 * user's area (at start: a crash leaves them); returns how many. */
size_t files_sweep_partials(const char *data_dir, int min_age);

/* Removes a deleted user's storage area and everything in it (true when
 * there was none). */
bool files_remove_user_area(const char *data_dir, int64_t user_id, tusk_err *err) __attribute__((warn_unused_result));

/* At start: areas whose user no longer exists (deleted by an older Tusk,
 * which left them, or a crash between the delete and the removal) are
 * moved to storage/.orphaned-ID-TIME, where no user's path reaches, so a
 * later user can never find them in their own area; returns how many. */
size_t files_set_aside_orphans(const char *data_dir, bool (*exists)(void *ctx, int64_t user_id), void *ctx);

/* Bytes held by the user's regular files (apparent sizes, uploads in progress
 * included; a dead upload's leftover, older than FILES_PARTIAL_STALE, is not). */
bool files_usage(const char *data_dir, int64_t user_id, uint64_t *bytes, tusk_err *err)
    __attribute__((warn_unused_result));

/* Whether adding `adding` bytes keeps the user within quota_bytes (0 = unlimited).
 * False with code "quota_exceeded" (and a message giving use and quota) when not,
 * or "io_error". */
bool files_quota_check(const char *data_dir, int64_t user_id, uint64_t quota_bytes, uint64_t adding, tusk_err *err)
    __attribute__((warn_unused_result));

/* Removes a file, or a folder and everything in it (links inside are removed,
 * never followed). abs must come from files_resolve. */
bool files_remove_tree(const char *abs, tusk_err *err) __attribute__((warn_unused_result));

/* What files_import_tree brought: files, and entries left behind (links,
 * special files, names the area refuses, names already taken there). */
typedef struct {
	size_t files, skipped;
} files_import_counts;

/* Makes the regular files under the folder src (pgAdmin's storage of a
 * user) appear in the user's area at the same relative paths: hard links
 * (no space used, src untouched; a copy across file systems). Links in src
 * are never followed; a file already in the area is kept. */
bool files_import_tree(const char *data_dir, int64_t user_id, const char *src, files_import_counts *counts,
		       tusk_err *err) __attribute__((warn_unused_result));

#endif
