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
/* Members of the open object, a (key, value) pair of arguments each, the
 * value's kind by one letter of spec: s text (NULL writes null), e text
 * written as null when empty, i int64_t, n int64_t written as null when 0,
 * o int64_t written as null when negative (an unknown size),
 * d int, b bool (passed as int), t unix seconds (int64_t) as an ISO-8601
 * UTC time, null for 0, r already-serialized JSON. */
void jw_fields_n(json_writer *w, const char *spec, ...);
/* spec must be a literal: its letters and the arguments are counted when
 * the code compiles (up to 32 members). */
#define jw_fields(w, spec, ...)                                                                                        \
	do {                                                                                                           \
		_Static_assert(2 * (sizeof(spec) - 1) == JW_NARG(__VA_ARGS__),                                         \
			       "jw_fields: letters and arguments differ");                                             \
		jw_fields_n(w, spec, __VA_ARGS__);                                                                     \
	} while (0)
/* An object of those members: {jw_fields...}. */
#define jw_object(w, spec, ...)                                                                                        \
	do {                                                                                                           \
		jw_obj_begin(w);                                                                                       \
		jw_fields(w, spec, __VA_ARGS__);                                                                       \
		jw_obj_end(w);                                                                                         \
	} while (0)
#define JW_NARG(...)                                                                                                   \
	JW_NARG_(__VA_ARGS__, 64, 63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43,  \
		 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18,   \
		 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)
#define JW_NARG_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18, _19, _20, _21, _22,  \
		 _23, _24, _25, _26, _27, _28, _29, _30, _31, _32, _33, _34, _35, _36, _37, _38, _39, _40, _41, _42,   \
		 _43, _44, _45, _46, _47, _48, _49, _50, _51, _52, _53, _54, _55, _56, _57, _58, _59, _60, _61, _62,   \
		 _63, _64, n, ...)                                                                                     \
	n
bool jw_ok(const json_writer *w);

/* Escapes s (n bytes) as a JSON string body (no quotes) onto out. */
void jw_escape(str *out, const char *s, size_t n);

#endif
