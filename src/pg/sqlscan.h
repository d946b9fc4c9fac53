/* Splits SQL text into statements the way psql does, one line at a time:
 * comments, quoted strings (standard and E'' strings, with the server's
 * standard_conforming_strings), quoted identifiers, dollar quotes, and
 * parentheses and BEGIN ... END bodies of SQL-standard functions, in which a
 * ';' does not end the statement. A backslash outside all of them starts a
 * psql meta-command, which the scanner reports (name and the rest of the
 * line) and never interprets. Knows no connection: the caller says whether
 * standard_conforming_strings is on. */
#ifndef TUSK_PG_SQLSCAN_H
#define TUSK_PG_SQLSCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "util/str.h"

enum sqlscan_state {
	SQLSCAN_CODE,
	SQLSCAN_BLOCK_COMMENT,
	SQLSCAN_QUOTE,
	SQLSCAN_EQUOTE,
	SQLSCAN_IDENT,
	SQLSCAN_DOLLAR
};

typedef struct {
	bool std_strings; /* standard_conforming_strings: '...' takes no backslash escapes */
	/* carried from line to line */
	enum sqlscan_state state;
	int comment_depth;
	int paren_depth, begin_depth;
	char dollar_tag[64]; /* "$tag$" of the open dollar quote */
	/* the statement being collected */
	str stmt;
	bool has_code;	     /* stmt holds more than whitespace and comments */
	char words[4];	     /* first letters of CREATE [OR REPLACE] FUNCTION|PROCEDURE */
	int word_count;	     /* identifiers (keywords) seen in the statement */
	char first_word[16]; /* the statement's first keyword, lower case */
	bool prev_from;	     /* the last keyword was FROM */
	bool from_stdin;     /* FROM STDIN occurred */
	/* the meta-command found by the last call (SQLSCAN_META) */
	char meta_name[32];
	str meta_args;
} sqlscan;

enum sqlscan_event {
	SQLSCAN_MORE,	   /* the line is used up; the statement goes on */
	SQLSCAN_STATEMENT, /* a statement ended (';' at the top level): take it with sqlscan_take */
	SQLSCAN_META,	   /* a backslash command: meta_name, meta_args (the rest of the line) */
};

void sqlscan_init(sqlscan *s, bool std_strings);
void sqlscan_free(sqlscan *s);
/* Scans line[*pos..len) (a line with its newline, or the last one without)
 * up to the next event; *pos moves past what was used. */
enum sqlscan_event sqlscan_feed(sqlscan *s, const char *line, size_t len, size_t *pos);
/* Whether the statement collected so far holds any SQL (not only blanks and comments). */
bool sqlscan_pending(const sqlscan *s);
/* Moves the collected statement into out (reset first) and starts the next;
 * *copy_from_stdin tells that it was COPY ... FROM STDIN (data lines follow). */
void sqlscan_take(sqlscan *s, str *out, bool *copy_from_stdin);
/* True while inside a comment, quote or body at the end of the last line. */
bool sqlscan_in_literal(const sqlscan *s);

/* A copy of sql (NUL-terminated, malloc'd) with secrets replaced by
 * '********': the string after PASSWORD (CREATE/ALTER ROLE/USER, and
 * OPTIONS (password '...') of user mappings and foreign servers), and
 * password=... inside any quoted conninfo (CREATE SUBSCRIPTION, dblink).
 * *redacted tells whether anything was replaced. */
char *sqlscan_redact(const char *sql, bool *redacted);

#endif
