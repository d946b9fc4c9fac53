/* Shared by the store's own files: the store object and small helpers. */
#ifndef TUSK_STORE_INTERNAL_H
#define TUSK_STORE_INTERNAL_H

#include <pthread.h>

#include "store/db.h"
#include "store/store.h"
#include "util/json.h" /* JW_NARG */

/* A few more connections beside the main one: on SQLite for reads
 * outside any transaction (WAL lets them read while the main connection
 * writes); on PostgreSQL for every statement that is not part of a
 * transaction, reads and writes alike, so requests do not queue behind
 * one connection. The main connection keeps transactions and the named
 * locks (migrate, startup, an instance). */
#define STORE_POOL 4
struct store_conn {
	pthread_mutex_t lock;
	db *d;
};

struct store {
	db *d;
	pthread_mutex_t lock; /* one statement sequence at a time on the main connection */
	int version;
	uint64_t auth_gen; /* atomic: this process's changes to sessions and users */
	struct store_conn pool[STORE_POOL];
	int npool;
	unsigned next; /* atomic */
};

/* How a statement reaches the store. */
enum store_how {
	STORE_READ,   /* a read outside any transaction */
	STORE_WRITE,  /* one statement that changes something */
	STORE_REVOKE, /* a change that may end login sessions: caches here and elsewhere hear of it */
};

/* What store_sql calls for each row. */
typedef void (*store_row_fn)(db_stmt *st, void *ctx);

/* The one way a statement runs: a connection for how (the main one under
 * its lock, or one of the pool), prepare, bind the arguments, step every
 * row through row (may be NULL), finalize. args has a letter per $n, in
 * order: t text (const char *, NULL binds NULL), i int64_t, d int (or a
 * bool), n int64_t with 0 bound as NULL, b a blob (const void *, size_t).
 * Returns the rows seen, -1 on an error (err says why). */
int64_t store_sql(store *s, enum store_how how, store_row_fn row, void *ctx, tusk_err *err, const char *sql,
		  const char *args, ...);
/* The same on a connection the caller holds (inside a transaction). */
int64_t store_sql_on(db *d, store_row_fn row, void *ctx, tusk_err *err, const char *sql, const char *args, ...);
#define store_exec(s, err, sql, ...) (store_sql((s), STORE_WRITE, NULL, NULL, (err), (sql), __VA_ARGS__) >= 0)

/* The main connection, locked, for statements that must share it (a
 * transaction); give it back with store_main_end. */
db *store_main(store *s);
void store_main_end(store *s);
/* A write transaction on the main connection (one at a time over every
 * process sharing the store); end commits when ok, else rolls back, and
 * returns whether all of it holds. */
bool store_tx_begin(store *s, tusk_err *err) __attribute__((warn_unused_result));
bool store_tx_end(store *s, bool ok, tusk_err *err);

/* Rows read into a growing array of elements of size bytes, each filled by
 * read: the row function store_list_row goes with it. */
typedef struct {
	char *items;
	size_t n, cap, size;
	void (*read)(db_stmt *st, void *elem);
} store_list;
void store_list_row(db_stmt *st, void *ctx);
/* Defines the public name(type *list, size_t n): clear each, free the array. */
#define STORE_LIST_FREE(name, type, clear)                                                                             \
	void name(type *list, size_t n)                                                                                \
	{                                                                                                              \
		for (size_t i = 0; i < n; i++)                                                                         \
			clear(&list[i]);                                                                               \
		free(list);                                                                                            \
	}
/* The array read (never NULL when ok: an empty one), or NULL after
 * free_list (NULL: free) released what was read; *n its length. */
void *store_list_done(store_list *l, bool ok, size_t *n, void (*free_list)(void *list, size_t n));

/* The row's columns, in order, into the pointers after spec, one letter
 * each: i int64_t *, d int *, b bool * (non-zero), t char ** (a malloc'd
 * copy, NULL for NULL), c char *, size_t (a text into a buffer of that
 * size), k unsigned char *, size_t, size_t * (a blob into a buffer of that
 * size, its length, or NULL), n bool * (whether the next column is not
 * NULL: it reads no column). The arguments are counted against spec (a
 * mismatch aborts: the code itself is wrong). */
void store_cols_n(db_stmt *st, const char *spec, int nargs, ...);
#define store_cols(st, spec, ...) store_cols_n(st, spec, JW_NARG(__VA_ARGS__), __VA_ARGS__)
void store_copy_text(char *dst, size_t n, const char *src);
/* A text column as a malloc'd copy, NULL for NULL. */
char *store_col_dup(db_stmt *st, int i);
bool store_is_unique_violation(const tusk_err *err);
/* "%text%" for `lower(col) LIKE lower($n) ESCAPE '!'` (a portable "contains"):
 * text's %, _ and ! escaped; NULL for NULL or "" (no filter). free() it. */
char *store_like_pattern(const char *text);

/* An int64_t column into *ctx (the row function of a one-number query). */
void store_row_int(db_stmt *st, void *ctx);

#endif
