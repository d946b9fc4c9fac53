#include "pg/quote.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static void quoted(str *out, char quote, const char *text, size_t n)
{
	str_append_char(out, quote);
	for (size_t i = 0; i < n; i++) {
		if (text[i] == quote)
			str_append_char(out, quote);
		str_append_char(out, text[i]);
	}
	str_append_char(out, quote);
}

void pg_quote_ident(str *out, const char *name)
{
	size_t n = 0;
	while (name[n])
		n++;
	quoted(out, '"', name, n);
}

void pg_quote_literal(str *out, const char *text, size_t n)
{
	bool backslash = false;
	for (size_t i = 0; i < n && !backslash; i++)
		backslash = text[i] == '\\';
	if (!backslash) {
		quoted(out, '\'', text, n);
		return;
	}
	/* E'...' reads the same whatever standard_conforming_strings says */
	str_append_cstr(out, "E'");
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '\'' || text[i] == '\\')
			str_append_char(out, text[i]);
		str_append_char(out, text[i]);
	}
	str_append_char(out, '\'');
}

char *pg_json_text(json_t *v)
{
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	char buf[32];
	if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
		return xstrdup(buf);
	}
	if (json_is_boolean(v))
		return xstrdup(json_is_true(v) ? "1" : "0");
	return NULL;
}

char *pg_array_literal(const char *json_array)
{
	json_t *a = json_array ? json_loads(json_array, 0, NULL) : NULL;
	if (!json_is_array(a) || json_array_size(a) == 0) {
		json_decref(a);
		return NULL;
	}
	str s = STR_INIT;
	str_append_char(&s, '{');
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v)
	{
		if (i)
			str_append_char(&s, ',');
		str_append_char(&s, '"');
		for (const char *c = json_string_value(v); c && *c; c++) {
			if (*c == '"' || *c == '\\')
				str_append_char(&s, '\\');
			str_append_char(&s, *c);
		}
		str_append_char(&s, '"');
	}
	str_append_char(&s, '}');
	json_decref(a);
	return str_take(&s);
}

char *pg_list_nth(const char *list, size_t i)
{
	if (!list)
		return xstrdup("");
	const char *p = list;
	for (size_t k = 0; k < i; k++) {
		p = strchr(p, ',');
		if (!p)
			return xstrdup("");
		p++;
	}
	const char *end = strchr(p, ',');
	char *s = xstrndup(p, end ? (size_t)(end - p) : strlen(p));
	/* libpq trims blanks around list elements */
	char *start = s;
	while (*start == ' ')
		start++;
	size_t len = strlen(start);
	while (len && start[len - 1] == ' ')
		start[--len] = '\0';
	memmove(s, start, len + 1);
	return s;
}

size_t pg_list_count(const char *list)
{
	if (!list || !*list)
		return 0;
	size_t n = 1;
	for (const char *c = list; *c; c++)
		n += *c == ',';
	return n;
}
