/* Streaming JSON writer into a str. Commas and nesting are tracked, strings
 * are escaped (control characters, quotes, backslash, U+2028/U+2029, and
 * invalid UTF-8 replaced by U+FFFD), so the output is always valid JSON. */
#ifndef TUSK_UTIL_JSON_H
#define TUSK_UTIL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/str.h"

#define JW_MAX_DEPTH 64

typedef struct {
	str *out;
	int depth;
	bool need_comma[JW_MAX_DEPTH];
	bool after_key;
	bool failed; /* nesting misuse */
} json_writer;

void jw_init(json_writer *w, str *out);
void jw_obj_begin(json_writer *w);
void jw_obj_end(json_writer *w);
void jw_arr_begin(json_writer *w);
void jw_arr_end(json_writer *w);
void jw_key(json_writer *w, const char *key);
void jw_str(json_writer *w, const char *s);
void jw_strn(json_writer *w, const char *s, size_t n);
void jw_int(json_writer *w, int64_t v);
void jw_double(json_writer *w, double v);
void jw_bool(json_writer *w, bool v);
void jw_null(json_writer *w);
/* Appends already-serialized JSON (trusted: produced by this writer or jansson). */
void jw_raw(json_writer *w, const char *json);
/* Convenience: key + value. A NULL string writes null. */
void jw_kv_str(json_writer *w, const char *key, const char *v);
void jw_kv_int(json_writer *w, const char *key, int64_t v);
/* KEY: V, or KEY: null when V is 0 (an absent id, port, ...) */
void jw_kv_int_or_null(json_writer *w, const char *key, int64_t v);
void jw_kv_bool(json_writer *w, const char *key, bool v);
bool jw_ok(const json_writer *w);

/* Escapes s (n bytes) as a JSON string body (no quotes) onto out. */
void jw_escape(str *out, const char *s, size_t n);

#endif
