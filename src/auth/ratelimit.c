#include "auth/ratelimit.h"

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

bool ratelimit_allow(ratelimit *rl, const char *addr, int *retry_after)
{
	if (rl->per_minute <= 0)
		return true;
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
