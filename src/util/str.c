#include "util/str.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(void)
{
	fputs("tusk: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

char *str_like_contains(const char *text, char escape)
{
	str p = STR_INIT;
	str_append_char(&p, '%');
	for (const char *c = text; *c; c++) {
		if (*c == '%' || *c == '_' || *c == escape)
			str_append_char(&p, escape);
		str_append_char(&p, *c);
	}
	str_append_char(&p, '%');
	return str_take(&p);
}

void free_each(void *const *ptrs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ptrs[i]);
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

slice slice_cstr(const char *s)
{
	return (slice){s, s ? strlen(s) : 0};
}

bool slice_eq(slice a, slice b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool slice_eq_cstr(slice a, const char *s)
{
	return slice_eq(a, slice_cstr(s));
}

bool slice_starts_with(slice s, const char *prefix)
{
	size_t n = strlen(prefix);
	return s.len >= n && memcmp(s.ptr, prefix, n) == 0;
}

void str_init_max(str *s, size_t max)
{
	*s = (str){0};
	s->max = max;
}

/* Makes room for n more bytes plus a NUL; false (and sticky failure) past max. */
static bool str_reserve(str *s, size_t n)
{
	if (s->failed)
		return false;
	if (n > SIZE_MAX / 2 - s->len || (s->max && s->len + n > s->max)) {
		s->failed = true;
		return false;
	}
	size_t need = s->len + n + 1;
	if (need <= s->cap)
		return true;
	size_t cap = s->cap ? s->cap : 64;
	while (cap < need)
		cap *= 2;
	s->buf = xrealloc(s->buf, cap);
	s->cap = cap;
	return true;
}

void str_append(str *s, const void *data, size_t n)
{
	if (!str_reserve(s, n))
		return;
	if (n)
		memcpy(s->buf + s->len, data, n);
	s->len += n;
	s->buf[s->len] = '\0';
}

void str_append_cstr(str *s, const char *c)
{
	str_append(s, c, strlen(c));
}

void str_append_char(str *s, char c)
{
	str_append(s, &c, 1);
}

void str_vappendf(str *s, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0 || !str_reserve(s, (size_t)n))
		return;
	vsnprintf(s->buf + s->len, (size_t)n + 1, fmt, ap);
	s->len += (size_t)n;
}

void str_appendf(str *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	str_vappendf(s, fmt, ap);
	va_end(ap);
}

void str_reset(str *s)
{
	s->len = 0;
	s->failed = false;
	if (s->buf)
		s->buf[0] = '\0';
}

bool str_ok(const str *s)
{
	return !s->failed;
}

const char *str_cstr(str *s)
{
	return s->buf ? s->buf : "";
}

char *str_take(str *s)
{
	char *p = s->buf ? s->buf : xstrdup("");
	size_t max = s->max;
	*s = (str){0};
	s->max = max;
	return p;
}

void str_free(str *s)
{
	free(s->buf);
	size_t max = s->max;
	*s = (str){0};
	s->max = max;
}
