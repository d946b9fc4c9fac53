#include "util/holders.h"

#include <string.h>

#include "util/str.h"

static void *next_of(const void *node, size_t next_at)
{
	void *next;
	memcpy(&next, (const char *)node + next_at, sizeof(next));
	return next;
}

static size_t count(void *const *head, size_t next_at)
{
	size_t n = 0;
	for (const void *e = *head; e; e = next_of(e, next_at))
		n++;
	return n;
}

size_t holders_count(pthread_mutex_t *lock, void *const *head, size_t next_at)
{
	pthread_mutex_lock(lock);
	size_t n = count(head, next_at);
	pthread_mutex_unlock(lock);
	return n;
}

size_t holders_collect(pthread_mutex_t *lock, void *const *head, size_t next_at, size_t user_at, int64_t **pairs)
{
	pthread_mutex_lock(lock);
	size_t n = count(head, next_at);
	int64_t *v = xcalloc(n ? 2 * n : 1, sizeof(*v));
	size_t k = 0;
	for (const void *e = *head; e; e = next_of(e, next_at), k += 2)
		memcpy(&v[k], (const char *)e + user_at, 2 * sizeof(*v));
	pthread_mutex_unlock(lock);
	*pairs = v;
	return n;
}
