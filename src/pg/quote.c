#include "pg/quote.h"

#include <stdbool.h>

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
