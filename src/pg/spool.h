/* A result set's rows, appended by one writer and read in windows by many:
 * in memory up to a bound, then in an unlinked temp file with a row-offset
 * index (itself spilled), so any window costs O(window) time and memory
 * whatever the result's size. Rows are stored as, per column, a 32-bit
 * length (-1 = NULL) and the bytes. */
#ifndef TUSK_PG_SPOOL_H
#define TUSK_PG_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

typedef struct spool spool;

/* dir: where the temp files go; mem_limit: bytes kept in memory before spilling. */
spool *spool_new(const char *dir, int ncols, size_t mem_limit);
void spool_free(spool *s);
/* vals[i] NULL = SQL NULL. err on a disk failure (the spool stays readable). */
bool spool_append(spool *s, const char *const *vals, const int *lens, tusk_err *err)
    __attribute__((warn_unused_result));
uint64_t spool_rows(spool *s);
bool spool_on_disk(spool *s);

/* Called once per row of a window; vals[i] NULL = SQL NULL. Return false to stop. */
typedef bool (*spool_row_fn)(void *ctx, uint64_t row, int ncols, const char *const *vals, const int *lens);
/* Reads rows [offset, offset+limit) (clipped to what exists). */
bool spool_read(spool *s, uint64_t offset, uint64_t limit, spool_row_fn fn, void *ctx, tusk_err *err)
    __attribute__((warn_unused_result));

/* Like spool_read, with each value cut to its first cell_limit bytes: lens are
 * the bytes given, full the whole value's size (-1 for NULL). Memory stays
 * about a window of cut values however big the values are. */
typedef bool (*spool_cut_fn)(void *ctx, uint64_t row, int ncols, const char *const *vals, const int *lens,
			     const int *full);
bool spool_read_cut(spool *s, uint64_t offset, uint64_t limit, size_t cell_limit, spool_cut_fn fn, void *ctx,
		    tusk_err *err) __attribute__((warn_unused_result));

#endif
