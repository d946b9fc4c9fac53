/* Bump allocator for per-request memory: everything is freed at once. */
#ifndef TUSK_UTIL_ARENA_H
#define TUSK_UTIL_ARENA_H

#include <stddef.h>

typedef struct arena arena;

arena *arena_new(void);
void *arena_alloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(arena *a);

#endif
