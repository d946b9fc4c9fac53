/* SQL text written without a connection at hand (the data editor's SELECT,
 * exports): identifiers in double quotes and literals in single quotes,
 * quotes doubled. Correct for UTF-8, which every Tusk connection uses
 * (client_encoding UTF8), with standard_conforming_strings on. Where a
 * connection is at hand, use PQescapeIdentifier/PQescapeLiteral instead. */
#ifndef TUSK_PG_QUOTE_H
#define TUSK_PG_QUOTE_H

#include <stddef.h>

#include "util/str.h"

void pg_quote_ident(str *out, const char *name);
void pg_quote_literal(str *out, const char *text, size_t n);

#endif
