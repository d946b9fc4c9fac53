/* Shared by the store's own files: the store object and small helpers. */
#ifndef TUSK_STORE_INTERNAL_H
#define TUSK_STORE_INTERNAL_H

#include <pthread.h>

#include "store/db.h"
#include "store/store.h"

/* SQLite: a few more connections for reads outside any transaction (WAL
 * lets them read while the main connection writes), so busy reads do not
 * queue behind one lock. */
#define STORE_READERS 4
struct store_reader {
	pthread_mutex_t lock;
	db *d;
};

struct store {
	db *d;
	pthread_mutex_t lock; /* one statement sequence at a time on the connection */
	int version;
	uint64_t auth_gen; /* atomic: this process's changes to sessions and users */
	struct store_reader readers[STORE_READERS];
	int nreaders;
	unsigned next_reader; /* atomic */
};

/* A connection for one read outside any transaction, locked: a reader on
 * SQLite, the main connection on PostgreSQL. Give it back with store_read_end. */
typedef struct {
	db *d;
	pthread_mutex_t *lock;
} store_read;
store_read store_read_begin(store *s);
void store_read_end(store_read r);

/* Caller holds the lock, after a change that may end a login session. */
void store_auth_changed(store *s);

void store_copy_text(char *dst, size_t n, const char *src);
/* Runs a statement that returns no rows with two whole-number parameters ($1, $2). */
bool store_run2(store *s, const char *sql, int64_t a, int64_t b, tusk_err *err) __attribute__((warn_unused_result));
/* A text column as a malloc'd copy, NULL for NULL. */
char *store_col_dup(db_stmt *st, int i);
bool store_is_unique_violation(const tusk_err *err);
/* "%text%" for `lower(col) LIKE lower($n) ESCAPE '!'` (a portable "contains"):
 * text's %, _ and ! escaped; NULL for NULL or "" (no filter). free() it. */
char *store_like_pattern(const char *text);

/* The rows of SQL (with $1 = user_id) as an array of elements of SIZE bytes,
 * each filled by READ; *n is their count. On an error: NULL, after FREE_LIST
 * (which may be NULL for plain elements) has released what was read. */
void *store_list_by_user(store *s, const char *sql, int64_t user_id, size_t size,
			 void (*read)(db_stmt *st, void *elem), void (*free_list)(void *list, size_t n), size_t *n,
			 tusk_err *err);

#endif
