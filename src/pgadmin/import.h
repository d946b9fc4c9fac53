/* pgAdmin 4's configuration database (pgadmin4.db, SQLite) as Tusk finds it
 * on a volume it takes over: read only (never written, no -wal or -shm
 * files made), its users (e-mail, login name, role) and each user's servers in the servers.json form
 * Tusk already imports. Columns are read by name, so pgAdmin versions with
 * more or fewer of them work alike. */
#ifndef TUSK_PGADMIN_IMPORT_H
#define TUSK_PGADMIN_IMPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

typedef struct {
	char *email;
	char *username; /* pgAdmin's login name (its storage folder's), or NULL in old files */
	bool admin, active;
	json_t *servers; /* {"Servers": {"1": {...}, ...}} */
	size_t nservers;
	size_t skipped_tunnels; /* servers whose SSH tunnel lacked its host or user (kept, without it) */
} pgadmin_user;

/* err code not_pgadmin when the file is not a pgAdmin configuration database. */
bool pgadmin_read(const char *path, pgadmin_user **users, size_t *n, tusk_err *err) __attribute__((warn_unused_result));
void pgadmin_users_free(pgadmin_user *users, size_t n);

#endif
