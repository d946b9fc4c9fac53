/* A psql-compatible statement scanner (see sqlscan.h). It follows psql's
 * rules where they decide where a statement ends: '--' and nested block
 * comments, '...' (backslash escapes only without standard_conforming_strings),
 * E'...', "...", $tag$...$tag$, parentheses, and BEGIN ... END (with CASE
 * inside) after CREATE [OR REPLACE] FUNCTION|PROCEDURE. */
#include "pg/sqlscan.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool ident_char(unsigned char c)
{
	return ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

void sqlscan_init(sqlscan *s, bool std_strings)
{
	memset(s, 0, sizeof(*s));
	s->std_strings = std_strings;
	s->state = SQLSCAN_CODE;
	s->stmt = (str)STR_INIT;
	s->meta_args = (str)STR_INIT;
}

void sqlscan_free(sqlscan *s)
{
	str_free(&s->stmt);
	str_free(&s->meta_args);
}

bool sqlscan_pending(const sqlscan *s)
{
	return s->has_code;
}

bool sqlscan_in_literal(const sqlscan *s)
{
	return s->state != SQLSCAN_CODE || s->paren_depth > 0 || s->begin_depth > 0;
}

/* A "$tag$" or "$$" starting at p (p[0] == '$'); its length or 0. */
static size_t dollar_tag_len(const char *p, size_t avail)
{
	size_t i = 1;
	if (i < avail && p[i] == '$')
		return 2;
	if (i >= avail || !ident_start((unsigned char)p[i]))
		return 0;
	while (i < avail && p[i] != '$') {
		unsigned char c = (unsigned char)p[i];
		if (!(ident_start(c) || (c >= '0' && c <= '9')))
			return 0;
		i++;
	}
	return i < avail ? i + 1 : 0;
}

/* psql's heuristic for SQL-standard function bodies: a statement that
 * starts CREATE [OR REPLACE] FUNCTION|PROCEDURE counts BEGIN/CASE ... END. */
static void keyword(sqlscan *s, const char *w, size_t n)
{
	char lower[16];
	size_t k = n < sizeof(lower) - 1 ? n : sizeof(lower) - 1;
	for (size_t i = 0; i < k; i++)
		lower[i] = (char)tolower((unsigned char)w[i]);
	lower[k] = '\0';
	bool exact = n == k;
	if (s->word_count == 0)
		snprintf(s->first_word, sizeof(s->first_word), "%s", exact ? lower : "");
	if (exact && (strcmp(lower, "create") == 0 || strcmp(lower, "function") == 0 ||
		      strcmp(lower, "procedure") == 0 || strcmp(lower, "or") == 0 || strcmp(lower, "replace") == 0)) {
		if (s->word_count < (int)sizeof(s->words))
			s->words[s->word_count] = lower[0];
	}
	s->word_count++;
	const char *m = s->words;
	if (m[0] == 'c' &&
	    (m[1] == 'f' || m[1] == 'p' || (m[1] == 'o' && m[2] == 'r' && (m[3] == 'f' || m[3] == 'p'))) &&
	    s->paren_depth == 0 && exact) {
		if (strcmp(lower, "begin") == 0)
			s->begin_depth++;
		else if (strcmp(lower, "case") == 0 && s->begin_depth >= 1)
			s->begin_depth++;
		else if (strcmp(lower, "end") == 0 && s->begin_depth > 0)
			s->begin_depth--;
	}
	if (exact && s->prev_from && strcmp(lower, "stdin") == 0)
		s->from_stdin = true;
	s->prev_from = exact && strcmp(lower, "from") == 0;
}

/* One scanner step, as psql's lexer: a single loop over the line's bytes
 * whose branches are the scanner's states (quotes, dollar quotes, comments,
 * parentheses, COPY data, backslash commands). It stays one function, over
 * 80 lines, so that every state and every way out of it read side by side. */
enum sqlscan_event sqlscan_feed(sqlscan *s, const char *line, size_t len, size_t *pos)
{
	size_t i = *pos;
	while (i < len) {
		unsigned char c = (unsigned char)line[i];
		switch (s->state) {
		case SQLSCAN_BLOCK_COMMENT:
			if (c == '/' && i + 1 < len && line[i + 1] == '*') {
				s->comment_depth++;
				if (s->has_code)
					str_append(&s->stmt, line + i, 2);
				i += 2;
			} else if (c == '*' && i + 1 < len && line[i + 1] == '/') {
				if (s->has_code)
					str_append(&s->stmt, line + i, 2);
				i += 2;
				if (--s->comment_depth == 0)
					s->state = SQLSCAN_CODE;
			} else {
				if (s->has_code)
					str_append_char(&s->stmt, (char)c);
				i++;
			}
			continue;
		case SQLSCAN_QUOTE:
		case SQLSCAN_EQUOTE: {
			bool backslash = s->state == SQLSCAN_EQUOTE || !s->std_strings;
			if (backslash && c == '\\' && i + 1 < len) {
				str_append(&s->stmt, line + i, 2);
				i += 2;
			} else if (c == '\'' && i + 1 < len && line[i + 1] == '\'') {
				str_append(&s->stmt, line + i, 2);
				i += 2;
			} else {
				str_append_char(&s->stmt, (char)c);
				i++;
				if (c == '\'')
					s->state = SQLSCAN_CODE;
			}
			continue;
		}
		case SQLSCAN_IDENT:
			str_append_char(&s->stmt, (char)c);
			i++;
			if (c == '"') {
				if (i < len && line[i] == '"') {
					str_append_char(&s->stmt, '"');
					i++;
				} else {
					s->state = SQLSCAN_CODE;
				}
			}
			continue;
		case SQLSCAN_DOLLAR: {
			size_t tl = strlen(s->dollar_tag);
			if (c == '$' && i + tl <= len && memcmp(line + i, s->dollar_tag, tl) == 0) {
				str_append(&s->stmt, line + i, tl);
				i += tl;
				s->state = SQLSCAN_CODE;
			} else {
				str_append_char(&s->stmt, (char)c);
				i++;
			}
			continue;
		}
		case SQLSCAN_CODE:
			break;
		}
		/* code */
		if (c == '-' && i + 1 < len && line[i + 1] == '-') {
			/* a comment to the end of the line */
			size_t end = i;
			while (end < len && line[end] != '\n')
				end++;
			if (s->has_code)
				str_append(&s->stmt, line + i, end - i);
			i = end;
			continue;
		}
		if (c == '/' && i + 1 < len && line[i + 1] == '*') {
			s->state = SQLSCAN_BLOCK_COMMENT;
			s->comment_depth = 1;
			if (s->has_code)
				str_append(&s->stmt, line + i, 2);
			i += 2;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			if (s->has_code)
				str_append_char(&s->stmt, (char)c);
			i++;
			continue;
		}
		if (c == '\\') {
			/* a psql meta-command: its name runs to a blank or a backslash */
			size_t n = i + 1, k = 0;
			while (n < len && !strchr(" \t\r\n\f\v\\", line[n])) {
				if (k < sizeof(s->meta_name) - 1)
					s->meta_name[k++] = line[n];
				n++;
			}
			s->meta_name[k] = '\0';
			size_t end = len;
			while (end > n && (line[end - 1] == '\n' || line[end - 1] == '\r'))
				end--;
			str_reset(&s->meta_args);
			while (n < end && (line[n] == ' ' || line[n] == '\t'))
				n++;
			str_append(&s->meta_args, line + n, end - n);
			*pos = len;
			return SQLSCAN_META;
		}
		s->has_code = true;
		if (c == ';' && s->paren_depth == 0 && s->begin_depth == 0) {
			str_append_char(&s->stmt, ';');
			*pos = i + 1;
			return SQLSCAN_STATEMENT;
		}
		if (c == '\'' || c == '"') {
			s->state = c == '\'' ? SQLSCAN_QUOTE : SQLSCAN_IDENT;
			s->prev_from = false;
			str_append_char(&s->stmt, c);
			i++;
			continue;
		}
		if (c == '$') {
			size_t tl = dollar_tag_len(line + i, len - i);
			if (tl && tl < sizeof(s->dollar_tag)) {
				memcpy(s->dollar_tag, line + i, tl);
				s->dollar_tag[tl] = '\0';
				s->state = SQLSCAN_DOLLAR;
				str_append(&s->stmt, line + i, tl);
				i += tl;
				continue;
			}
			/* a parameter ($1) or a stray '$' */
			size_t n = i + 1;
			while (n < len && line[n] >= '0' && line[n] <= '9')
				n++;
			str_append(&s->stmt, line + i, n - i);
			i = n;
			continue;
		}
		if (ident_start(c)) {
			size_t n = i;
			while (n < len && ident_char((unsigned char)line[n]))
				n++;
			str_append(&s->stmt, line + i, n - i);
			/* E'...' takes backslash escapes whatever the setting */
			if (n - i == 1 && (c == 'e' || c == 'E') && n < len && line[n] == '\'') {
				s->state = SQLSCAN_EQUOTE;
				str_append_char(&s->stmt, '\'');
				i = n + 1;
				continue;
			}
			keyword(s, line + i, n - i);
			i = n;
			continue;
		}
		if (c >= '0' && c <= '9') {
			/* a number, which may run into letters (1e5, 0x1F): not a keyword */
			size_t n = i;
			while (n < len && ident_char((unsigned char)line[n]))
				n++;
			str_append(&s->stmt, line + i, n - i);
			i = n;
			continue;
		}
		if (c == '(')
			s->paren_depth++;
		else if (c == ')' && s->paren_depth > 0)
			s->paren_depth--;
		str_append_char(&s->stmt, (char)c);
		i++;
	}
	*pos = len;
	return SQLSCAN_MORE;
}

void sqlscan_take(sqlscan *s, str *out, bool *copy_from_stdin)
{
	str_reset(out);
	str_append(out, s->stmt.buf ? s->stmt.buf : "", s->stmt.len);
	if (copy_from_stdin)
		*copy_from_stdin = strcmp(s->first_word, "copy") == 0 && s->from_stdin;
	str_reset(&s->stmt);
	s->has_code = false;
	memset(s->words, 0, sizeof(s->words));
	s->word_count = 0;
	s->first_word[0] = '\0';
	s->prev_from = s->from_stdin = false;
	s->paren_depth = s->begin_depth = 0;
}

/* ---- redaction ---- */

#define REDACTED "<redacted>"

/* Inside a quoted conninfo or URI (the literal's text between its quotes):
 * the value of password=... and the password of scheme://user:password@. */
static bool redact_conninfo(str *out, const char *lit, size_t n)
{
	bool any = false;
	size_t i = 0;
	while (i < n) {
		bool at_word = i == 0 || !ident_char((unsigned char)lit[i - 1]);
		if (at_word && n - i > 8 && strncasecmp(lit + i, "password", 8) == 0) {
			size_t k = i + 8;
			while (k < n && lit[k] == ' ')
				k++;
			if (k < n && lit[k] == '=') {
				k++;
				while (k < n && lit[k] == ' ')
					k++;
				str_append(out, lit + i, k - i);
				/* a value in the literal's own '' quoting, a conninfo '...', or a plain word */
				size_t end = k;
				if (end + 1 < n && lit[end] == '\'' && lit[end + 1] == '\'') {
					end += 2;
					while (end < n && !(end + 1 < n && lit[end] == '\'' && lit[end + 1] == '\''))
						end++;
					end = end < n ? end + 2 : n;
				} else {
					while (end < n && lit[end] != ' ' && lit[end] != '&')
						end++;
				}
				str_append_cstr(out, REDACTED);
				any = true;
				i = end;
				continue;
			}
		}
		if (n - i > 3 && memcmp(lit + i, "://", 3) == 0) {
			/* scheme://user:password@host */
			size_t k = i + 3, colon = 0, at = 0;
			while (k < n && lit[k] != '/' && lit[k] != ' ' && lit[k] != '?') {
				if (lit[k] == ':' && !colon)
					colon = k;
				if (lit[k] == '@')
					at = k;
				k++;
			}
			if (colon && at > colon) {
				str_append(out, lit + i, colon + 1 - i);
				str_append_cstr(out, REDACTED);
				any = true;
				i = at;
				continue;
			}
		}
		str_append_char(out, lit[i]);
		i++;
	}
	return any;
}

/* Over 80 lines: one pass over the statement's tokens that keeps quoting
 * state and the keyword context (PASSWORD, ENCRYPTED, CONNECTION,
 * USER MAPPING OPTIONS) together, so no quoted text is mistaken for a
 * keyword and no secret survives a split in the middle. */
char *sqlscan_redact(const char *sql, bool *redacted)
{
	*redacted = false;
	str out = STR_INIT;
	size_t len = strlen(sql), i = 0;
	char prev[16] = ""; /* the last keyword, lower case, when it came right before */
	while (i < len) {
		unsigned char c = (unsigned char)sql[i];
		if (c == '-' && i + 1 < len && sql[i + 1] == '-') {
			size_t end = i;
			while (end < len && sql[end] != '\n')
				end++;
			str_append(&out, sql + i, end - i);
			i = end;
			continue;
		}
		if (c == '/' && i + 1 < len && sql[i + 1] == '*') {
			int depth = 0;
			size_t k = i;
			do {
				if (k + 1 < len && sql[k] == '/' && sql[k + 1] == '*') {
					depth++;
					k += 2;
				} else if (k + 1 < len && sql[k] == '*' && sql[k + 1] == '/') {
					depth--;
					k += 2;
				} else {
					k++;
				}
			} while (k < len && depth > 0);
			str_append(&out, sql + i, k - i);
			i = k;
			continue;
		}
		if (isspace(c) || c == '=') {
			/* "PASSWORD 'x'", "password = 'x'": the keyword still counts */
			str_append_char(&out, (char)c);
			i++;
			continue;
		}
		bool estring = (c == 'e' || c == 'E') && i + 1 < len && sql[i + 1] == '\'' &&
			       (i == 0 || !ident_char((unsigned char)sql[i - 1]));
		if (c == '\'' || estring) {
			size_t start = i + (estring ? 2 : 1), k = start;
			while (k < len) {
				if (estring && sql[k] == '\\' && k + 1 < len) {
					k += 2;
				} else if (sql[k] == '\'' && k + 1 < len && sql[k + 1] == '\'') {
					k += 2;
				} else if (sql[k] == '\'') {
					break;
				} else {
					k++;
				}
			}
			size_t end = k < len ? k + 1 : len; /* past the closing quote */
			if (strcmp(prev, "password") == 0) {
				str_append_cstr(&out, REDACTED);
				*redacted = true;
			} else {
				str_append(&out, sql + i, start - i);
				*redacted |= redact_conninfo(&out, sql + start, k - start);
				str_append(&out, sql + k, end - k);
			}
			i = end;
			prev[0] = '\0';
			continue;
		}
		if (c == '$') {
			size_t tl = dollar_tag_len(sql + i, len - i);
			if (tl && (i == 0 || !ident_char((unsigned char)sql[i - 1]))) {
				const char *close = NULL;
				for (size_t k = i + tl; k + tl <= len && !close; k++)
					if (memcmp(sql + k, sql + i, tl) == 0)
						close = sql + k;
				size_t end = close ? (size_t)(close - sql) + tl : len;
				if (strcmp(prev, "password") == 0) {
					str_append_cstr(&out, REDACTED);
					*redacted = true;
				} else {
					str_append(&out, sql + i, end - i);
				}
				i = end;
				prev[0] = '\0';
				continue;
			}
		}
		if (c == '"') {
			size_t k = i + 1;
			while (k < len && !(sql[k] == '"' && !(k + 1 < len && sql[k + 1] == '"')))
				k += sql[k] == '"' ? 2 : 1;
			size_t end = k < len ? k + 1 : len;
			str_append(&out, sql + i, end - i);
			i = end;
			prev[0] = '\0';
			continue;
		}
		if (ident_start(c)) {
			size_t k = i;
			while (k < len && ident_char((unsigned char)sql[k]))
				k++;
			size_t n = k - i;
			if (n < sizeof(prev)) {
				for (size_t j = 0; j < n; j++)
					prev[j] = (char)tolower((unsigned char)sql[i + j]);
				prev[n] = '\0';
			} else {
				prev[0] = '\0';
			}
			str_append(&out, sql + i, n);
			i = k;
			continue;
		}
		str_append_char(&out, (char)c);
		prev[0] = '\0';
		i++;
	}
	return str_take(&out);
}
