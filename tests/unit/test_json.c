#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "util/json.h"

static char *write_string(const char *s, size_t n)
{
	str out = STR_INIT;
	json_writer w;
	jw_init(&w, &out);
	jw_strn(&w, s, n);
	cr_assert(jw_ok(&w));
	return str_take(&out);
}

Test(json, escapes_quotes_backslash_and_short_controls)
{
	char *j = write_string("a\"b\\c\n\r\t\b\f", 10);
	cr_assert_str_eq(j, "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\"");
	free(j);
}

Test(json, escapes_every_other_control_character_as_u00xx)
{
	for (int c = 0; c < 0x20; c++) {
		char in[1] = {(char)c};
		char *j = write_string(in, 1);
		if (strchr("\n\r\t\b\f", c) == NULL || c == 0) {
			char want[16];
			snprintf(want, sizeof(want), "\"\\u%04x\"", c);
			cr_assert_str_eq(j, want, "control 0x%02x", c);
		}
		json_error_t e;
		json_t *back = json_loads(j, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
		cr_assert_not_null(back, "0x%02x: %s", c, e.text);
		cr_assert_eq(json_string_length(back), 1);
		cr_assert_eq((unsigned char)json_string_value(back)[0], c);
		json_decref(back);
		free(j);
	}
}

Test(json, every_code_point_round_trips_through_a_parser)
{
	/* encode every Unicode scalar value as UTF-8, write it, parse it back */
	for (uint32_t cp = 0x20; cp <= 0x10ffff; cp += (cp < 0x3000 ? 1 : 97)) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		unsigned char u[4];
		size_t n;
		if (cp < 0x80) {
			u[0] = (unsigned char)cp;
			n = 1;
		} else if (cp < 0x800) {
			u[0] = (unsigned char)(0xc0 | (cp >> 6));
			u[1] = (unsigned char)(0x80 | (cp & 0x3f));
			n = 2;
		} else if (cp < 0x10000) {
			u[0] = (unsigned char)(0xe0 | (cp >> 12));
			u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
			u[2] = (unsigned char)(0x80 | (cp & 0x3f));
			n = 3;
		} else {
			u[0] = (unsigned char)(0xf0 | (cp >> 18));
			u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
			u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
			u[3] = (unsigned char)(0x80 | (cp & 0x3f));
			n = 4;
		}
		char *j = write_string((const char *)u, n);
		json_error_t e;
		json_t *back = json_loads(j, JSON_DECODE_ANY, &e);
		cr_assert_not_null(back, "U+%04X: %s (%s)", cp, e.text, j);
		cr_assert_eq(json_string_length(back), n, "U+%04X", cp);
		cr_assert(memcmp(json_string_value(back), u, n) == 0, "U+%04X", cp);
		json_decref(back);
		free(j);
	}
}

Test(json, line_and_paragraph_separators_are_escaped_for_javascript)
{
	char *j = write_string("\xe2\x80\xa8x\xe2\x80\xa9", 7);
	cr_assert_str_eq(j, "\"\\u2028x\\u2029\"");
	free(j);
}

Test(json, invalid_utf8_becomes_replacement_character)
{
	/* lone continuation, overlong '/', surrogate, truncated sequence, 0xff */
	const char *bad[] = {"\x80", "\xc0\xaf", "\xed\xa0\x80", "\xe2\x82", "\xff"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char *j = write_string(bad[i], strlen(bad[i]));
		json_error_t e;
		json_t *back = json_loads(j, JSON_DECODE_ANY, &e);
		cr_assert_not_null(back, "case %zu: %s", i, j);
		cr_assert(strstr(json_string_value(back), "\xef\xbf\xbd") != NULL, "case %zu: %s", i, j);
		json_decref(back);
		free(j);
	}
}

Test(json, nested_structures_get_commas_right)
{
	str out = STR_INIT;
	json_writer w;
	jw_init(&w, &out);
	jw_obj_begin(&w);
	jw_kv_str(&w, "a", "x");
	jw_kv_int(&w, "b", -42);
	jw_key(&w, "c");
	jw_arr_begin(&w);
	jw_int(&w, 1);
	jw_null(&w);
	jw_bool(&w, true);
	jw_obj_begin(&w);
	jw_obj_end(&w);
	jw_arr_begin(&w);
	jw_arr_end(&w);
	jw_arr_end(&w);
	jw_kv_str(&w, "d", NULL);
	jw_key(&w, "e");
	jw_double(&w, 1.5);
	jw_obj_end(&w);
	cr_assert(jw_ok(&w));
	cr_assert_str_eq(str_cstr(&out), "{\"a\":\"x\",\"b\":-42,\"c\":[1,null,true,{},[]],\"d\":null,\"e\":1.5}");
	str_free(&out);
}

Test(json, unbalanced_use_is_reported)
{
	str out = STR_INIT;
	json_writer w;
	jw_init(&w, &out);
	jw_obj_begin(&w);
	cr_assert_not(jw_ok(&w));
	jw_obj_end(&w);
	cr_assert(jw_ok(&w));
	jw_arr_end(&w);
	cr_assert_not(jw_ok(&w));
	str_free(&out);
}

Test(json, non_finite_doubles_are_null)
{
	str out = STR_INIT;
	json_writer w;
	jw_init(&w, &out);
	jw_arr_begin(&w);
	jw_double(&w, 1.0 / 0.0);
	jw_arr_end(&w);
	cr_assert_str_eq(str_cstr(&out), "[null]");
	str_free(&out);
}

Test(json, zero_ids_are_null)
{
	str out = STR_INIT;
	json_writer w;
	jw_init(&w, &out);
	jw_obj_begin(&w);
	jw_kv_int_or_null(&w, "a", 0);
	jw_kv_int_or_null(&w, "b", 7);
	jw_obj_end(&w);
	cr_assert_str_eq(str_cstr(&out), "{\"a\":null,\"b\":7}");
	str_free(&out);
}

Test(json, fields_by_letter)
{
	str out = STR_INIT;
	json_writer w;
	jw_init(&w, &out);
	jw_object(&w, "seinodbtr", "s", "x\"y", "e", "", "i", (int64_t)-5, "n", (int64_t)0, "o", (int64_t)-1, "d", 7,
		  "b", true, "t", (int64_t)86400, "r", "[1,2]");
	cr_assert(jw_ok(&w));
	cr_assert_str_eq(str_cstr(&out),
			 "{\"s\":\"x\\\"y\",\"e\":null,\"i\":-5,\"n\":null,\"o\":null,\"d\":7,\"b\":true,"
			 "\"t\":\"1970-01-02T00:00:00Z\",\"r\":[1,2]}");
	str_free(&out);

	jw_init(&w, &out);
	jw_object(&w, "stnoe", "s", (const char *)NULL, "t", (int64_t)0, "n", (int64_t)3, "o", (int64_t)0, "e", "z");
	cr_assert_str_eq(str_cstr(&out), "{\"s\":null,\"t\":null,\"n\":3,\"o\":0,\"e\":\"z\"}");
	str_free(&out);
}
