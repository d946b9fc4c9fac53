#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "util/json.h"
#include "util/str.h"

static enum log_level min_level = LOG_INFO;
static bool as_json;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_setup(enum log_level level, bool json)
{
	min_level = level;
	as_json = json;
}

bool log_parse_level(const char *s, enum log_level *out)
{
	for (int i = 0; i < 4; i++) {
		if (strcasecmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return true;
		}
	}
	if (strcasecmp(s, "warning") == 0) {
		*out = LOG_WARN;
		return true;
	}
	return false;
}

bool log_enabled(enum log_level level)
{
	return level >= min_level;
}

static void timestamp(char *buf, size_t n)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t k = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + k, n - k, ".%03ldZ", ts.tv_nsec / 1000000);
}

/* Text values are quoted when they hold spaces, quotes or control characters. */
static void text_value(str *out, const char *v)
{
	bool plain = *v != '\0';
	for (const char *p = v; *p; p++) {
		if ((unsigned char)*p <= ' ' || *p == '"' || *p == '=' || *p == 0x7f) {
			plain = false;
			break;
		}
	}
	if (plain) {
		str_append_cstr(out, v);
		return;
	}
	str_append_char(out, '"');
	jw_escape(out, v, strlen(v));
	str_append_char(out, '"');
}

void log_msg(enum log_level level, const char *msg, ...)
{
	if (!log_enabled(level))
		return;
	char ts[40];
	timestamp(ts, sizeof(ts));
	str line = STR_INIT;
	str_init_max(&line, 64 * 1024);
	json_writer w;
	va_list ap;
	va_start(ap, msg);
	if (as_json) {
		jw_init(&w, &line);
		jw_obj_begin(&w);
		jw_kv_str(&w, "time", ts);
		jw_kv_str(&w, "level", level_names[level]);
		jw_kv_str(&w, "msg", msg);
	} else {
		str_appendf(&line, "%s %-5s %s", ts, level_names[level], msg);
	}
	const char *k;
	while ((k = va_arg(ap, const char *)) != NULL) {
		const char *v = va_arg(ap, const char *);
		if (as_json) {
			jw_kv_str(&w, k, v);
		} else {
			str_appendf(&line, " %s=", k);
			text_value(&line, v ? v : "");
		}
	}
	va_end(ap);
	if (as_json)
		jw_obj_end(&w);
	str_append_char(&line, '\n');
	if (str_ok(&line)) {
		ssize_t r = write(STDERR_FILENO, line.buf, line.len);
		(void)r;
	}
	str_free(&line);
}
