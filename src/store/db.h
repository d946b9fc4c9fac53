/* The small SQL interface the store is written against: SQLite (sqlite.c)
 * and PostgreSQL (pg.c) implement it, and store.c stays the same for both.
 * SQL uses $1..$n parameters and the dialect both understand; where they
 * differ, the store asks db_dialect. Private to store/. */
#ifndef TUSK_STORE_DB_H
#define TUSK_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

typedef struct db db;
typedef struct db_stmt db_stmt;

enum db_step { DB_ROW, DB_DONE, DB_ERROR };
enum db_dialect { DB_SQLITE, DB_POSTGRES };

/* Errors carry code "store_unique" for a unique or primary key violation,
 * "store_error" otherwise. */
db *db_sqlite_open(const char *path, tusk_err *err);
/* conninfo: a postgresql:// URI or key=value pairs; never put in a message.
 * listen: this connection also learns of other processes' db_announce (a
 * second connection and a thread); the store's main connection does. */
db *db_pg_open(const char *conninfo, bool listen, tusk_err *err);
void db_close(db *d);
enum db_dialect db_dialect(const db *d);
/* Where the store is, for the log: a path, or user@host:port/dbname (never a password). */
void db_describe(db *d, char *out, size_t n);
/* Runs one or more statements without parameters. */
bool db_exec(db *d, const char *sql, tusk_err *err) __attribute__((warn_unused_result));
/* Begins a write transaction, one at a time over every process sharing the
 * store (SQLite's BEGIN IMMEDIATE; on PostgreSQL, BEGIN and a
 * transaction-scoped advisory lock). End it with db_exec COMMIT or ROLLBACK. */
bool db_begin(db *d, tusk_err *err) __attribute__((warn_unused_result));
/* A named lock this connection holds until db_unlock, taken again after a
 * reconnect; waits while another process holds it. PostgreSQL: a session
 * advisory lock in the class DB_LOCK_CLASS keyed by hashtext(name). SQLite:
 * nothing to do, one process owns the file. */
#define DB_LOCK_CLASS 1953854315 /* "tusk" */
bool db_lock(db *d, const char *name, tusk_err *err) __attribute__((warn_unused_result));
void db_unlock(db *d, const char *name);

db_stmt *db_prepare(db *d, const char *sql, tusk_err *err);
void db_bind_text(db_stmt *s, int i, const char *v); /* NULL binds a NULL text */
void db_bind_null(db_stmt *s, int i);		     /* NULL of the type its place needs */
void db_bind_int(db_stmt *s, int i, int64_t v);
void db_bind_blob(db_stmt *s, int i, const void *v, size_t n);
enum db_step db_step(db_stmt *s, tusk_err *err);
bool db_col_null(db_stmt *s, int i);
const char *db_col_text(db_stmt *s, int i);	       /* NULL for NULL; valid until the next step */
int64_t db_col_int(db_stmt *s, int i);		       /* a boolean reads as 0 or 1 */
const void *db_col_blob(db_stmt *s, int i, size_t *n); /* valid until the next step */
/* Rows changed by the last step of s. */
int64_t db_changes(db_stmt *s);
void db_finalize(db_stmt *s);
/* Errors the metadata store met since start (for monitoring). */
unsigned long db_error_count(void);
void db_count_error(void);

/* What other processes sharing the store changed, for caches: *gen moves
 * when another process may have committed a change that it announced
 * (PostgreSQL: db_announce's NOTIFY, read through a listening connection
 * after a round trip that began after this call) or any change at all
 * (SQLite: PRAGMA data_version). False when that cannot be told now.
 * SQLite's runs on the connection: call it under the store's lock. */
bool db_changes_seen(db *d, uint64_t *gen) __attribute__((warn_unused_result));
/* Tells the other processes of a change (PostgreSQL: NOTIFY, delivered at
 * commit; SQLite: nothing to do, data_version shows every change). */
void db_announce(db *d);

/* Steps a statement that returns no rows and finalizes it. */
bool db_run(db_stmt *s, tusk_err *err) __attribute__((warn_unused_result));

#endif
