/* Server fields shared by the servers API and the pgAdmin servers.json
 * import (the libpq parameters are pg/target's to check). */
#ifndef TUSK_API_SERVER_FIELDS_H
#define TUSK_API_SERVER_FIELDS_H

#include <stdbool.h>

#include "store/store.h"

/* "#rrggbb" or empty */
bool server_color_ok(const char *c);
/* NULL when sv's SSH tunnel fields hold together, else why not, with the
 * pgAdmin key at fault in *key. */
const char *server_tunnel_problem(const store_server *sv, const char **key);

#endif
