/* The metadata store: Tusk's own data (users, sessions, audit, servers...).
 * The one interface callers use; SQLite now, PostgreSQL for several replicas.
 * Every function is safe to call from any thread. */
#ifndef TUSK_STORE_STORE_H
#define TUSK_STORE_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

typedef struct store store;

/* Opens (creating when new) the SQLite store in data_dir and applies pending
 * migrations; refuses a store written by a newer Tusk. */
store *store_open(const char *data_dir, tusk_err *err);
void store_close(store *s);
bool store_ping(store *s, tusk_err *err) __attribute__((warn_unused_result));
int store_schema_version(store *s);
/* The newest schema version this build knows. */
int store_latest_version(void);

#endif
