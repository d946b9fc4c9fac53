#include "api/server_fields.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

/* The libpq connection parameters a server may carry, with allowed values
 * where libpq takes a fixed set ("#" = a whole number). host, port, dbname,
 * user, password and service have their own fields. */
static const struct {
	const char *key;
	const char *values;
} params[] = {
	{"hostaddr", NULL},
	{"passfile", NULL},
	{"channel_binding", "disable prefer require"},
	{"connect_timeout", "#"},
	{"client_encoding", NULL},
	{"options", NULL},
	{"application_name", NULL},
	{"fallback_application_name", NULL},
	{"keepalives", "0 1"},
	{"keepalives_idle", "#"},
	{"keepalives_interval", "#"},
	{"keepalives_count", "#"},
	{"tcp_user_timeout", "#"},
	{"sslmode", "disable allow prefer require verify-ca verify-full"},
	{"sslcompression", "0 1"},
	{"sslcert", NULL},
	{"sslkey", NULL},
	{"sslpassword", NULL},
	{"sslrootcert", NULL},
	{"sslcrl", NULL},
	{"sslcrldir", NULL},
	{"sslsni", "0 1"},
	{"requirepeer", NULL},
	{"ssl_min_protocol_version", "TLSv1 TLSv1.1 TLSv1.2 TLSv1.3"},
	{"ssl_max_protocol_version", "TLSv1 TLSv1.1 TLSv1.2 TLSv1.3"},
	{"gssencmode", "disable prefer require"},
	{"krbsrvname", NULL},
	{"gsslib", "gssapi sspi"},
	{"target_session_attrs", "any read-write read-only primary standby prefer-standby"},
	{"load_balance_hosts", "disable random"},
	{"require_auth", NULL},
};

static bool in_set(const char *value, const char *set)
{
	size_t n = strlen(value);
	for (const char *p = set; *p;) {
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && strncmp(p, value, n) == 0)
			return true;
		p += len + (end ? 1 : 0);
	}
	return false;
}

bool server_param_check(const char *key, const char *value, char *why, size_t n)
{
	for (size_t i = 0; i < sizeof(params) / sizeof(*params); i++) {
		if (strcmp(params[i].key, key) != 0)
			continue;
		const char *set = params[i].values;
		if (strlen(value) > 4096) {
			snprintf(why, n, "the value is longer than 4096 characters");
			return false;
		}
		if (!set)
			return true;
		if (strcmp(set, "#") == 0) {
			bool digits = *value != '\0';
			for (const char *c = value; *c; c++)
				digits = digits && isdigit((unsigned char)*c);
			if (!digits)
				snprintf(why, n, "'%s' is not a whole number", value);
			return digits;
		}
		if (!in_set(value, set)) {
			snprintf(why, n, "'%s' is not one of: %s", value, set);
			return false;
		}
		return true;
	}
	snprintf(why, n, "'%s' is not a libpq connection parameter Tusk accepts", key);
	return false;
}

char *server_param_text(json_t *v)
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

bool server_color_ok(const char *c)
{
	if (!c || !*c)
		return true;
	if (strlen(c) != 7 || c[0] != '#')
		return false;
	for (int i = 1; i < 7; i++)
		if (!isxdigit((unsigned char)c[i]))
			return false;
	return true;
}

char *server_restriction_literal(const char *json_array)
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
