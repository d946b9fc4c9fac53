/* Shared by the store's own files: the store object and small helpers. */
#ifndef TUSK_STORE_INTERNAL_H
#define TUSK_STORE_INTERNAL_H

#include <pthread.h>

#include "store/db.h"
#include "store/store.h"

struct store {
	db *d;
	pthread_mutex_t lock; /* one statement sequence at a time on the connection */
	int version;
};

void store_copy_text(char *dst, size_t n, const char *src);
bool store_is_unique_violation(const tusk_err *err);

#endif
