/* The oauth2 sign-in source's providers: pgAdmin's OAUTH2_CONFIG (a Python literal list of dicts,
 * PGADMIN_CONFIG_OAUTH2_CONFIG) or Tusk's JSON form (TUSK_OAUTH2_CONFIG, or a file with
 * TUSK_OAUTH2_CONFIG_FILE), with the same keys. Bad values stop the start with a clear message. */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "util/str.h"

#define MAX_DEPTH 8
#define MAX_INPUT (256 * 1024)
#define MAX_PROVIDERS 32

struct pyp {
	const char *p, *end;
	int depth;
};

static void py_space(struct pyp *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static json_t *py_value(struct pyp *s);

/* 'text' or "text" with Python's common escapes; an unknown escape keeps its backslash. */
static json_t *py_string(struct pyp *s)
{
	char q = *s->p++;
	str out = STR_INIT;
	str_init_max(&out, MAX_INPUT);
	while (s->p < s->end && *s->p != q && *s->p != '\n' && *s->p) { /* no NUL: JSON text cannot hold one */
		char c = *s->p++;
		if (c == '\\' && s->p < s->end) {
			if (!*s->p) /* a backslash before a NUL: still no NUL in the text */
				break;
			char e = *s->p++;
			static const char from[] = "ntr\\'\"", to[] = "\n\t\r\\'\"";
			const char *k = strchr(from, e);
			if (e && k)
				c = to[k - from];
			else
				str_append_char(&out, '\\'), c = e;
		}
		str_append_char(&out, c);
	}
	if (s->p >= s->end || *s->p != q || !str_ok(&out)) {
		str_free(&out);
		return NULL;
	}
	s->p++;
	json_t *v = json_stringn(out.buf ? out.buf : "", out.len);
	str_free(&out);
	return v;
}

static json_t *py_word(struct pyp *s)
{
	const char *b = s->p;
	while (s->p < s->end && (isalnum((unsigned char)*s->p) || strchr("._-+", *s->p)))
		s->p++;
	size_t n = (size_t)(s->p - b);
	if (n == 4 && strncmp(b, "True", 4) == 0)
		return json_true();
	if (n == 5 && strncmp(b, "False", 5) == 0)
		return json_false();
	if (n == 4 && strncmp(b, "None", 4) == 0)
		return json_null();
	if (n == 0 || n > 40)
		return NULL;
	char num[48];
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (b[i] != '_')
			num[k++] = b[i];
	num[k] = '\0';
	char *e;
	errno = 0;
	long long i = strtoll(num, &e, 10);
	if (!*e && !errno && k)
		return json_integer(i);
	double d = strtod(num, &e);
	return !*e && !errno && k ? json_real(d) : NULL;
}

/* [a, b,] or {k: v,}: items until close, a trailing comma allowed as Python allows it. */
static json_t *py_container(struct pyp *s, char close)
{
	json_t *c = close == ']' ? json_array() : json_object();
	s->p++;
	for (;;) {
		py_space(s);
		if (s->p < s->end && *s->p == close) {
			s->p++;
			return c;
		}
		json_t *k = NULL, *v = NULL;
		if (close == '}') {
			k = py_value(s);
			py_space(s);
			if (!json_is_string(k) || s->p >= s->end || *s->p != ':') {
				json_decref(k);
				goto fail;
			}
			s->p++;
		}
		v = py_value(s);
		bool ok = v && (close == ']' ? json_array_append(c, v) == 0
					     : json_object_set(c, json_string_value(k), v) == 0);
		json_decref(k);
		json_decref(v);
		if (!ok)
			goto fail;
		py_space(s);
		if (s->p < s->end && *s->p == ',')
			s->p++;
		else if (s->p >= s->end || *s->p != close)
			goto fail;
	}
fail:
	json_decref(c);
	return NULL;
}

static json_t *py_value(struct pyp *s)
{
	py_space(s);
	if (s->p >= s->end || s->depth >= MAX_DEPTH)
		return NULL;
	char c = *s->p;
	if (c == '\'' || c == '"')
		return py_string(s);
	if (c != '[' && c != '{')
		return py_word(s);
	s->depth++;
	json_t *v = py_container(s, c == '[' ? ']' : '}');
	s->depth--;
	return v;
}

json_t *config_python_value(const char *in, size_t n)
{
	if (n > MAX_INPUT)
		return NULL;
	struct pyp s = {in, in + n, 0};
	json_t *v = py_value(&s);
	py_space(&s);
	if (v && s.p != s.end) {
		json_decref(v);
		return NULL;
	}
	return v;
}

static const char *const string_keys[] = {
    "OAUTH2_NAME",
    "OAUTH2_DISPLAY_NAME",
    "OAUTH2_CLIENT_ID",
    "OAUTH2_CLIENT_SECRET",
    "OAUTH2_TOKEN_URL",
    "OAUTH2_AUTHORIZATION_URL",
    "OAUTH2_SERVER_METADATA_URL",
    "OAUTH2_API_BASE_URL",
    "OAUTH2_USERINFO_ENDPOINT",
    "OAUTH2_SCOPE",
    "OAUTH2_ICON",
    "OAUTH2_BUTTON_COLOR",
    "OAUTH2_USERNAME_CLAIM",
    "OAUTH2_CLIENT_SECRET_FILE",
};

static char **string_field(config_oauth2 *p, size_t k)
{
	char **f[] = {&p->name,
		      &p->display_name,
		      &p->client_id,
		      &p->client_secret,
		      &p->token_url,
		      &p->authorization_url,
		      &p->server_metadata_url,
		      &p->api_base_url,
		      &p->userinfo_endpoint,
		      &p->scope,
		      &p->icon,
		      &p->button_color,
		      &p->username_claim,
		      NULL};
	return f[k];
}

static bool is_url(const char *u)
{
	return u && (strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0) && !strpbrk(u, " \t\r\n\"<>");
}

/* {"claim": ["value", ...]} or {"claim": "value"}: kept as JSON text. */
static bool claims_map(json_t *v, char **out)
{
	if (!json_is_object(v))
		return false;
	const char *k;
	json_t *x;
	json_object_foreach(v, k, x)
	{
		if (json_is_string(x))
			continue;
		if (!json_is_array(x) || json_array_size(x) == 0)
			return false;
		size_t i;
		json_t *e;
		json_array_foreach(x, i, e) if (!json_is_string(e)) return false;
	}
	*out = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	return *out != NULL;
}

/* One key of a provider dict into p; false with err set. */
static bool provider_key(config_oauth2 *p, const char *key, json_t *v, const char *where, tusk_err *err)
{
	for (size_t k = 0; k < sizeof(string_keys) / sizeof(*string_keys); k++) {
		if (strcmp(key, string_keys[k]) != 0)
			continue;
		if (json_is_null(v))
			return true;
		if (!json_is_string(v)) {
			err_set(err, ERR_INVALID_SETTING, "%s: %s must be a string", where, key);
			return false;
		}
		if (strcmp(key, "OAUTH2_CLIENT_SECRET_FILE") == 0) {
			char *secret = config_read_secret_file(json_string_value(v), err);
			if (!secret)
				return false;
			free(p->client_secret);
			p->client_secret = secret;
			return true;
		}
		char **f = string_field(p, k);
		free(*f);
		*f = xstrdup(json_string_value(v));
		return true;
	}
	bool *flag = strcmp(key, "OAUTH2_AUTO_CREATE_USER") == 0	? &p->auto_create_user
		     : strcmp(key, "OAUTH2_SSL_CERT_VERIFICATION") == 0 ? &p->ssl_cert_verification
									: NULL;
	if (flag) {
		if (!json_is_boolean(v)) {
			err_set(err, ERR_INVALID_SETTING, "%s: %s must be True or False", where, key);
			return false;
		}
		*flag = json_is_true(v);
		return true;
	}
	char **map = strcmp(key, "OAUTH2_ADDITIONAL_CLAIMS") == 0 ? &p->additional_claims
		     : strcmp(key, "OAUTH2_ADMIN_CLAIMS") == 0	  ? &p->admin_claims
								  : NULL;
	if (map) {
		free(*map);
		*map = NULL;
		if (json_is_null(v) || claims_map(v, map))
			return true;
		err_set(err, ERR_INVALID_SETTING,
			"%s: %s must map claim names to a value or a list of values, e.g. {'groups': ['dba']}", where,
			key);
		return false;
	}
	err_set(err, ERR_INVALID_SETTING, "%s: '%s' is not a key Tusk knows (a typo?)", where, key);
	return false;
}

/* Defaults, then checks what a provider needs. */
static bool provider_check(config_oauth2 *p, const char *where, tusk_err *err)
{
	const char *n = p->name ? p->name : "";
	bool name_ok = *n && strlen(n) <= 64;
	for (const char *c = n; *c; c++)
		name_ok = name_ok && (isalnum((unsigned char)*c) || *c == '-' || *c == '_' || *c == '.');
	if (!name_ok) {
		err_set(
		    err, ERR_INVALID_SETTING,
		    "%s: OAUTH2_NAME must be 1 to 64 letters, digits, '-', '_' or '.' (it names the provider in URLs)",
		    where);
		return false;
	}
	if (!p->client_id || !*p->client_id) {
		err_set(err, ERR_INVALID_SETTING, "%s (%s): OAUTH2_CLIENT_ID is missing", where, n);
		return false;
	}
	bool discovery = p->server_metadata_url && *p->server_metadata_url;
	const char *bad = discovery && !is_url(p->server_metadata_url)	? "OAUTH2_SERVER_METADATA_URL"
			  : !discovery && !is_url(p->authorization_url) ? "OAUTH2_AUTHORIZATION_URL"
			  : !discovery && !is_url(p->token_url)		? "OAUTH2_TOKEN_URL"
			  : p->api_base_url && *p->api_base_url && !is_url(p->api_base_url) ? "OAUTH2_API_BASE_URL"
											    : NULL;
	if (bad) {
		err_set(err, ERR_INVALID_SETTING,
			"%s (%s): %s must be an http:// or https:// URL (give OAUTH2_SERVER_METADATA_URL for OpenID "
			"Connect discovery, or OAUTH2_AUTHORIZATION_URL and OAUTH2_TOKEN_URL)",
			where, n, bad);
		return false;
	}
	if (!discovery && (!p->userinfo_endpoint || !*p->userinfo_endpoint) && p->scope &&
	    !strstr(p->scope, "openid")) {
		err_set(err, ERR_INVALID_SETTING,
			"%s (%s): without OpenID Connect discovery or the openid scope, Tusk needs "
			"OAUTH2_USERINFO_ENDPOINT to learn who signed in",
			where, n);
		return false;
	}
	if (!p->display_name || !*p->display_name)
		free(p->display_name), p->display_name = xstrdup(n);
	if (!p->scope || !*p->scope)
		free(p->scope), p->scope = xstrdup("openid email profile");
	if (!p->username_claim || !*p->username_claim)
		free(p->username_claim), p->username_claim = xstrdup("email");
	return true;
}

void config_oauth2_free(config *c)
{
	for (size_t i = 0; i < c->noauth2; i++) {
		config_oauth2 *p = &c->oauth2[i];
		for (size_t k = 0; string_field(p, k); k++)
			free(*string_field(p, k));
		free(p->additional_claims);
		free(p->admin_claims);
	}
	free(c->oauth2);
	c->oauth2 = NULL;
	c->noauth2 = 0;
}

static bool provider_from(config_oauth2 *p, json_t *d, const char *where, tusk_err *err)
{
	memset(p, 0, sizeof(*p));
	p->auto_create_user = true;
	p->ssl_cert_verification = true;
	if (!json_is_object(d)) {
		err_set(err, ERR_INVALID_SETTING, "%s: each provider is a dict of OAUTH2_* keys", where);
		return false;
	}
	const char *k;
	json_t *v;
	json_object_foreach(d, k, v) if (!provider_key(p, k, v, where, err)) return false;
	return provider_check(p, where, err);
}

bool config_oauth2_set(config *c, json_t *list, const char *source, tusk_err *err)
{
	config_oauth2_free(c);
	if (!json_is_array(list) || json_array_size(list) > MAX_PROVIDERS) {
		err_set(err, ERR_INVALID_SETTING, "%s: give a list of at most %d provider dicts", source,
			MAX_PROVIDERS);
		return false;
	}
	size_t n = json_array_size(list);
	c->oauth2 = xcalloc(n ? n : 1, sizeof(*c->oauth2));
	for (size_t i = 0; i < n; i++) {
		char where[160];
		snprintf(where, sizeof(where), "%s, provider %zu", source, i + 1);
		bool ok = provider_from(&c->oauth2[i], json_array_get(list, i), where, err);
		c->noauth2 = i + 1;
		for (size_t j = 0; ok && j < i; j++)
			if (strcmp(c->oauth2[j].name, c->oauth2[i].name) == 0) {
				err_set(err, ERR_INVALID_SETTING, "%s: OAUTH2_NAME '%s' is used twice", source,
					c->oauth2[i].name);
				ok = false;
			}
		if (!ok)
			return false;
	}
	return true;
}

const config_oauth2 *config_oauth2_find(const config *c, const char *name)
{
	for (size_t i = 0; name && i < c->noauth2; i++)
		if (strcmp(c->oauth2[i].name, name) == 0)
			return &c->oauth2[i];
	return NULL;
}
