#include "util/json.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void jw_init(json_writer *w, str *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
}

/* Emits the separator a new value needs in the current container. */
static void value_prefix(json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (w->need_comma[w->depth - 1])
			str_append_char(w->out, ',');
		w->need_comma[w->depth - 1] = true;
	}
}

static void container_open(json_writer *w, char c)
{
	value_prefix(w);
	if (w->depth >= JW_MAX_DEPTH) {
		w->failed = true;
		return;
	}
	w->need_comma[w->depth++] = false;
	str_append_char(w->out, c);
}

static void container_close(json_writer *w, char c)
{
	if (w->depth == 0) {
		w->failed = true;
		return;
	}
	w->depth--;
	str_append_char(w->out, c);
}

void jw_obj_begin(json_writer *w)
{
	container_open(w, '{');
}
void jw_obj_end(json_writer *w)
{
	container_close(w, '}');
}
void jw_arr_begin(json_writer *w)
{
	container_open(w, '[');
}
void jw_arr_end(json_writer *w)
{
	container_close(w, ']');
}

void jw_key(json_writer *w, const char *key)
{
	value_prefix(w);
	str_append_char(w->out, '"');
	jw_escape(w->out, key, strlen(key));
	str_append(w->out, "\":", 2);
	w->after_key = true;
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void jw_escape(str *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0; /* run: start of bytes copied verbatim */
	while (i < n) {
		unsigned char c = p[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			i++; /* the common case: printable ASCII, as it is */
			continue;
		}
		/* the short escapes, each at its character's place in shorts */
		static const char shorts[] = "\"\\\n\r\t\b\f";
		static const char *const short_esc[] = {"\\\"", "\\\\", "\\n", "\\r", "\\t", "\\b", "\\f"};
		const char *esc = NULL, *at = c ? strchr(shorts, c) : NULL;
		char buf[8];
		size_t adv = 1;
		if (at)
			esc = short_esc[at - shorts];
		else if (c < 0x20 || c == 0x7f) {
			snprintf(buf, sizeof(buf), "\\u%04x", c);
			esc = buf;
		} else if (c >= 0x80) {
			adv = utf8_seq(p + i, n - i);
			if (adv == 0) {
				esc = "\\ufffd";
				adv = 1;
			} else if (adv == 3 && c == 0xe2 && p[i + 1] == 0x80 &&
				   (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) {
				/* U+2028/2029 are valid JSON but break JavaScript source */
				esc = p[i + 2] == 0xa8 ? "\\u2028" : "\\u2029";
			}
		}
		if (esc) {
			str_append(out, p + run, i - run);
			str_append_cstr(out, esc);
			run = i + adv;
		}
		i += adv;
	}
	str_append(out, p + run, n - run);
}

void jw_strn(json_writer *w, const char *s, size_t n)
{
	value_prefix(w);
	str_append_char(w->out, '"');
	jw_escape(w->out, s, n);
	str_append_char(w->out, '"');
}

void jw_str(json_writer *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	jw_strn(w, s, strlen(s));
}

void jw_int(json_writer *w, int64_t v)
{
	value_prefix(w);
	str_appendf(w->out, "%lld", (long long)v);
}

void jw_double(json_writer *w, double v)
{
	if (!isfinite(v)) {
		jw_null(w);
		return;
	}
	value_prefix(w);
	str_appendf(w->out, "%.17g", v);
}

void jw_bool(json_writer *w, bool v)
{
	value_prefix(w);
	str_append_cstr(w->out, v ? "true" : "false");
}

void jw_null(json_writer *w)
{
	value_prefix(w);
	str_append(w->out, "null", 4);
}

void jw_raw(json_writer *w, const char *json)
{
	value_prefix(w);
	str_append_cstr(w->out, json);
}

void jw_kv_str(json_writer *w, const char *key, const char *v)
{
	jw_key(w, key);
	jw_str(w, v);
}

void jw_kv_int(json_writer *w, const char *key, int64_t v)
{
	jw_key(w, key);
	jw_int(w, v);
}

void jw_kv_int_or_null(json_writer *w, const char *key, int64_t v)
{
	jw_key(w, key);
	if (v)
		jw_int(w, v);
	else
		jw_null(w);
}

static void time_value(json_writer *w, int64_t t)
{
	if (!t) {
		jw_null(w);
		return;
	}
	char buf[32];
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	jw_str(w, buf);
}

void jw_fields_n(json_writer *w, const char *spec, ...)
{
	va_list ap;
	va_start(ap, spec);
	for (const char *c = spec; *c; c++) {
		jw_key(w, va_arg(ap, const char *));
		switch (*c) {
		case 's':
			jw_str(w, va_arg(ap, const char *));
			break;
		case 'e': {
			const char *v = va_arg(ap, const char *);
			jw_str(w, v && *v ? v : NULL);
			break;
		}
		case 'i':
			jw_int(w, va_arg(ap, int64_t));
			break;
		case 'n': {
			int64_t v = va_arg(ap, int64_t);
			if (v)
				jw_int(w, v);
			else
				jw_null(w);
			break;
		}
		case 'o': {
			int64_t v = va_arg(ap, int64_t);
			if (v >= 0)
				jw_int(w, v);
			else
				jw_null(w);
			break;
		}
		case 'd':
			jw_int(w, va_arg(ap, int));
			break;
		case 'b':
			jw_bool(w, va_arg(ap, int) != 0);
			break;
		case 't':
			time_value(w, va_arg(ap, int64_t));
			break;
		case 'r':
			jw_raw(w, va_arg(ap, const char *));
			break;
		default:
			abort(); /* a letter the code itself got wrong */
		}
	}
	va_end(ap);
}

void jw_kv_bool(json_writer *w, const char *key, bool v)
{
	jw_key(w, key);
	jw_bool(w, v);
}

bool jw_ok(const json_writer *w)
{
	return !w->failed && w->depth == 0 && !w->after_key && str_ok(w->out);
}
