/* Fixed-window counter per client (an IPv4 address, or an IPv6 /64), for the sign-in endpoints. */
#ifndef TUSK_AUTH_RATELIMIT_H
#define TUSK_AUTH_RATELIMIT_H

#include <stdbool.h>

typedef struct ratelimit ratelimit;

ratelimit *ratelimit_new(int per_minute);
/* True when the address may proceed; otherwise *retry_after is the seconds to wait. */
bool ratelimit_allow(ratelimit *rl, const char *addr, int *retry_after);
void ratelimit_free(ratelimit *rl);

#endif
