/* SQL text written without a connection at hand (the data editor's
 * identifiers, INSERT exports): identifiers in double quotes, quotes
 * doubled; literals in single quotes, or E'...' with backslashes doubled
 * when they hold one, so they read the same whatever
 * standard_conforming_strings says. Correct for UTF-8, which every Tusk
 * connection uses (client_encoding UTF8). Where a connection is at hand,
 * use PQescapeIdentifier/PQescapeLiteral instead. */
#ifndef TUSK_PG_QUOTE_H
#define TUSK_PG_QUOTE_H

#include <stddef.h>

#include "util/str.h"

void pg_quote_ident(str *out, const char *name);
void pg_quote_literal(str *out, const char *text, size_t n);
/* A JSON scalar (string, integer, boolean) as the text PostgreSQL and
 * libpq read, malloc'd; NULL for other types. */
struct json_t;
char *pg_json_text(struct json_t *v);
/* A JSON array text of names as a text[] literal ("{\"a\",\"b\"}"),
 * malloc'd; NULL when it is empty or no array. */
char *pg_array_literal(const char *json_array);

/* A libpq list (host, hostaddr, port: comma-separated): how many elements (0 for NULL or ""),
 * and the i-th with the blanks libpq trims around it ("" past its end), malloc'd. */
size_t pg_list_count(const char *list);
char *pg_list_nth(const char *list, size_t i);

#endif
