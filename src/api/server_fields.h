/* Server fields shared by the servers API and the pgAdmin servers.json
 * import (the libpq parameters are pg/target's to check). */
#ifndef TUSK_API_SERVER_FIELDS_H
#define TUSK_API_SERVER_FIELDS_H

#include <stdbool.h>

/* "#rrggbb" or empty */
bool server_color_ok(const char *c);

#endif
