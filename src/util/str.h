/* Growable string buffer with a sticky error flag and a size cap, and a
 * non-owning slice. Append freely, check str_ok() once at the end. */
#ifndef TUSK_UTIL_STR_H
#define TUSK_UTIL_STR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
	const char *ptr;
	size_t len;
} slice;

#define SLICE_LIT(s) ((slice){(s), sizeof(s) - 1})
slice slice_cstr(const char *s);
bool slice_eq(slice a, slice b);
bool slice_eq_cstr(slice a, const char *s);
bool slice_starts_with(slice s, const char *prefix);

typedef struct {
	char *buf;
	size_t len;
	size_t cap;
	size_t max;  /* 0 = unlimited */
	bool failed; /* set when an append would pass max */
} str;

#define STR_INIT                                                                                                       \
	{                                                                                                              \
		0                                                                                                      \
	}
void str_init_max(str *s, size_t max);
void str_append(str *s, const void *data, size_t n);
void str_append_cstr(str *s, const char *c);
void str_append_char(str *s, char c);
void str_appendf(str *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void str_vappendf(str *s, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void str_reset(str *s);
bool str_ok(const str *s);
/* NUL-terminated contents; never NULL (empty string for an empty buffer). */
const char *str_cstr(str *s);
/* Hands the buffer to the caller (free() it) and resets s. */
char *str_take(str *s);
/* "%text%": a LIKE pattern for "contains text", text's %, _ and the escape
 * character escaped with it (ESCAPE 'escape' in the query); free() it. */
char *str_like_contains(const char *text, char escape);
void str_free(str *s);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Frees each of the n pointers (NULL ones too); FREE_ALL(a, b, ...) counts them. */
void free_each(void *const *ptrs, size_t n);
#define FREE_ALL(...) free_each((void *const[]){__VA_ARGS__}, sizeof((void *const[]){__VA_ARGS__}) / sizeof(void *))

#endif
