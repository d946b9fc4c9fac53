/* Structured logging to stderr, text or JSON, one write per line. Callers
 * pass key/value string pairs; never pass a password, token or cookie. */
#ifndef TUSK_UTIL_LOG_H
#define TUSK_UTIL_LOG_H

#include <stdbool.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_setup(enum log_level level, bool json);
bool log_parse_level(const char *s, enum log_level *out);
bool log_enabled(enum log_level level);
/* Key/value pairs of strings, terminated by NULL: log_msg(LOG_INFO, "started", "port", "5050", NULL) */
void log_msg(enum log_level level, const char *msg, ...) __attribute__((sentinel));

#endif
