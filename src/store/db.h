/* The small SQL interface the store is written against, so a PostgreSQL
 * backend can follow SQLite without touching store.c. SQL uses $1..$n
 * parameters. Private to store/. */
#ifndef TUSK_STORE_DB_H
#define TUSK_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

typedef struct db db;
typedef struct db_stmt db_stmt;

enum db_step { DB_ROW, DB_DONE, DB_ERROR };

db *db_sqlite_open(const char *path, tusk_err *err);
void db_close(db *d);
/* Runs one or more statements without parameters. */
bool db_exec(db *d, const char *sql, tusk_err *err) __attribute__((warn_unused_result));
db_stmt *db_prepare(db *d, const char *sql, tusk_err *err);
void db_bind_text(db_stmt *s, int i, const char *v); /* NULL binds NULL */
void db_bind_int(db_stmt *s, int i, int64_t v);
void db_bind_blob(db_stmt *s, int i, const void *v, size_t n);
enum db_step db_step(db_stmt *s, tusk_err *err);
bool db_col_null(db_stmt *s, int i);
const char *db_col_text(db_stmt *s, int i); /* NULL for NULL; valid until the next step */
int64_t db_col_int(db_stmt *s, int i);
const void *db_col_blob(db_stmt *s, int i, size_t *n);
/* Rows changed by the last step of s. */
int64_t db_changes(db_stmt *s);
void db_finalize(db_stmt *s);
/* Errors the metadata store met since start (for monitoring). */
unsigned long db_error_count(void);

/* Steps a statement that returns no rows and finalizes it. */
bool db_run(db_stmt *s, tusk_err *err) __attribute__((warn_unused_result));

#endif
