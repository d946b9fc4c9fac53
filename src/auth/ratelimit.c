#include "auth/ratelimit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/str.h"

/* A bounded table: when full, the slot with the oldest window is reused,
 * so memory stays constant however many addresses knock. */
#define SLOTS 4096
#define WINDOW 60

struct slot {
	char addr[64];
	time_t window_start;
	int count;
};

struct ratelimit {
	pthread_mutex_t lock;
	int per_minute;
	struct slot slots[SLOTS];
};

ratelimit *ratelimit_new(int per_minute)
{
	ratelimit *rl = xcalloc(1, sizeof(*rl));
	pthread_mutex_init(&rl->lock, NULL);
	rl->per_minute = per_minute;
	return rl;
}

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The unit one client is counted as: an IPv4 address, or the /64 of an IPv6 one (a single
 * host is commonly given a whole /64, so counting each address would multiply the limit by
 * 2^64); an IPv4-mapped IPv6 address counts as its IPv4 address. */
static void client_unit(const char *addr, char out[64])
{
	struct in6_addr a6;
	if (!strchr(addr, ':') || inet_pton(AF_INET6, addr, &a6) != 1) {
		snprintf(out, 64, "%s", addr);
		return;
	}
	if (IN6_IS_ADDR_V4MAPPED(&a6)) {
		inet_ntop(AF_INET, &a6.s6_addr[12], out, 64);
		return;
	}
	memset(&a6.s6_addr[8], 0, 8);
	char text[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, &a6, text, sizeof(text));
	snprintf(out, 64, "%s/64", text);
}

bool ratelimit_allow(ratelimit *rl, const char *client, int *retry_after)
{
	if (rl->per_minute <= 0)
		return true;
	char addr[64];
	client_unit(client, addr);
	time_t now = time(NULL);
	pthread_mutex_lock(&rl->lock);
	/* open addressing over a short probe run */
	unsigned start = hash(addr) % SLOTS;
	struct slot *found = NULL, *oldest = NULL;
	for (unsigned i = 0; i < 16 && !found; i++) {
		struct slot *s = &rl->slots[(start + i) % SLOTS];
		if (strcmp(s->addr, addr) == 0)
			found = s;
		else if (!oldest || s->window_start < oldest->window_start)
			oldest = s;
	}
	if (!found) {
		found = oldest;
		snprintf(found->addr, sizeof(found->addr), "%s", addr);
		found->window_start = now;
		found->count = 0;
	}
	if (now - found->window_start >= WINDOW) {
		found->window_start = now;
		found->count = 0;
	}
	bool ok = found->count < rl->per_minute;
	if (ok)
		found->count++;
	else
		*retry_after = (int)(WINDOW - (now - found->window_start));
	pthread_mutex_unlock(&rl->lock);
	return ok;
}

void ratelimit_free(ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}
