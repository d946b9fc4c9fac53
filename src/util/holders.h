/* Who holds what: the (user, server) pairs of a module's live list (pool
 * entries, dashboard samplers, running jobs), which the revocation sweep
 * (api/access.c) checks against the store. */
#ifndef TUSK_UTIL_HOLDERS_H
#define TUSK_UTIL_HOLDERS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* Under lock, walks the list *head whose nodes hold their next pointer at
 * next_at and two int64_t, the user's id and then the server's, at
 * user_at; *pairs: a malloc'd array of user, server, user, server...
 * (never NULL). Returns the number of nodes. Use HOLDERS below. */
size_t holders_collect(pthread_mutex_t *lock, void *const *head, size_t next_at, size_t user_at, int64_t **pairs);
/* Under lock, the number of nodes of the list *head (next pointer at next_at). */
size_t holders_count(pthread_mutex_t *lock, void *const *head, size_t next_at);
#define HOLDERS_COUNT(lock, head, type) holders_count(lock, (void *const *)(head), offsetof(type, next))
#define HOLDERS(lock, head, type, pairs)                                                                               \
	((void)sizeof(char[offsetof(type, server_id) == offsetof(type, user_id) + sizeof(int64_t) ? 1 : -1]),          \
	 holders_collect(lock, (void *const *)(head), offsetof(type, next), offsetof(type, user_id), pairs))

#endif
