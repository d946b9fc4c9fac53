/* The libpq keywords and values that reach a server as one user sees it:
 * the entry's host, port, user and service, its connection parameters, and
 * Tusk's defaults for what it leaves out. A parameter naming a file on
 * Tusk's host resolves in the user's own file area (or the operator's
 * TUSK_FILE_DIRS), never anywhere else (docs/security.md). */
#include "pg/target.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "files/files.h"
#include "util/str.h"

void pgtarget_clear(pgtarget *t)
{
	json_decref(t->params);
	for (int i = 0; i < t->npaths; i++)
		free(t->paths[i]);
}

bool pgtarget_is_file_param(const char *key)
{
	static const char *const files[] = {"passfile", "sslcert", "sslkey", "sslrootcert", "sslcrl", "sslcrldir"};
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++)
		if (strcmp(key, files[i]) == 0)
			return true;
	return false;
}

/* Whether dir (a real path) holds real. */
static bool dir_holds(const char *dir, const char *real)
{
	size_t n = strlen(dir);
	return n && strncmp(real, dir, n) == 0 && (real[n] == '/' || real[n] == '\0' || n == 1);
}

/* Whether the absolute path names an existing file inside one of the
 * operator's TUSK_FILE_DIRS (links resolved first); *out is then its real path.
 * Nothing in Tusk's data directory is the operator's, whatever the folders
 * (config refuses such a folder at start): it is Tusk's or a user's. */
static bool file_in_dirs(const char *dirs, const char *data_dir, const char *path, pgtarget *t, const char **out)
{
	if (!dirs || !*dirs || t->npaths == (int)(sizeof(t->paths) / sizeof(*t->paths)))
		return false;
	char *real = realpath(path, NULL);
	char *data = data_dir ? realpath(data_dir, NULL) : NULL;
	struct stat st;
	bool in_data = real && data && dir_holds(data, real);
	free(data);
	if (!real || in_data || stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
		free(real);
		return false;
	}
	for (const char *p = dirs; *p;) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *dir = xstrndup(p, n);
		char *real_dir = n ? realpath(dir, NULL) : NULL;
		size_t rn = real_dir ? strlen(real_dir) : 0;
		bool inside =
		    real_dir && strncmp(real, real_dir, rn) == 0 && (real[rn] == '/' || (rn == 1 && real[0] == '/'));
		free(dir);
		free(real_dir);
		if (inside) {
			t->paths[t->npaths++] = real;
			*out = real;
			return true;
		}
		p += n + (end ? 1 : 0);
	}
	free(real);
	return false;
}

/* In server mode a file parameter names a file in the connecting user's
 * storage, as in pgAdmin (a leading '/' is the storage's root), or by its
 * absolute path a file in a directory the operator lists in TUSK_FILE_DIRS
 * (mounted certificates): users cannot make Tusk read its own files or
 * another user's. "system" (libpq's own CA store for sslrootcert) stays as
 * it is. Desktop mode takes absolute paths as given. */
static bool resolve_file_param(const pgtarget_files *cfg, int64_t user_id, const char *key, const char *value,
			       pgtarget *t, const char **out, tusk_err *err)
{
	*out = value;
	if (!value || !*value || (strcmp(key, "sslrootcert") == 0 && strcmp(value, "system") == 0))
		return true;
	if (cfg->desktop && value[0] == '/')
		return true; /* the one user's own machine: an absolute path is theirs to name */
	/* libpq reads an sslkey "engine:key" as an OpenSSL engine to load: a library of the
	 * user's choosing in Tusk's process. No file a user names may hold a ':' */
	if (strchr(value, ':')) {
		err_set(err, ERR_FILE_NOT_FOUND,
			"%s '%s' holds a ':', which libpq would read as an OpenSSL engine; name a file without one.",
			key, value);
		return false;
	}
	if (value[0] == '/' && file_in_dirs(cfg->file_dirs, cfg->data_dir, value, t, out)) {
		if (!strchr(*out, ':'))
			return true;
		err_set(err, ERR_FILE_NOT_FOUND,
			"%s resolves to a path holding a ':', which libpq would read as an OpenSSL engine.", key);
		return false;
	}
	const char *rel = value;
	while (*rel == '/' || *rel == '\\')
		rel++;
	char *abs = NULL;
	tusk_err why;
	if (!files_resolve(cfg->data_dir, user_id, rel, true, &abs, &why)) {
		err_set(err, ERR_FILE_NOT_FOUND,
			"%s '%s' is not a file in your storage (%s). Upload it in Storage, or change the server's %s.",
			key, value, why.msg, key);
		return false;
	}
	if (t->npaths == (int)(sizeof(t->paths) / sizeof(*t->paths)) || strchr(abs, ':')) {
		err_set(err, strchr(abs, ':') ? ERR_FILE_NOT_FOUND : ERR_INVALID_SERVER, "%s",
			strchr(abs, ':')
			    ? "the storage folder's path holds a ':', which libpq would read as an OpenSSL engine"
			    : "too many file parameters");
		free(abs);
		return false;
	}
	t->paths[t->npaths++] = abs;
	*out = abs;
	return true;
}

static void part(pgtarget *t, const char *k, const char *v)
{
	if (v && *v && t->n < 47) {
		t->kw[t->n] = k;
		t->val[t->n++] = v;
	}
}

bool pgtarget_build(pgtarget *t, const pgtarget_server *sv, const pgtarget_files *files, int64_t user_id, tusk_err *err)
{
	memset(t, 0, sizeof(*t));
	part(t, "sslpassword", sv->sslpassword);
	part(t, "host", sv->host);
	if (sv->port) {
		snprintf(t->port, sizeof(t->port), "%d", sv->port);
		part(t, "port", t->port);
	}
	part(t, "user", sv->user);
	part(t, "service", sv->service);
	t->params = json_loads(sv->params_json ? sv->params_json : "{}", 0, NULL);
	if (!json_object_get(t->params, "application_name"))
		part(t, "application_name", sv->app_name ? sv->app_name : "tusk");
	if (!json_object_get(t->params, "connect_timeout"))
		part(t, "connect_timeout", "10");
	/* Tusk speaks UTF-8 to the browser and quotes identifiers itself for the data editor */
	if (!json_object_get(t->params, "client_encoding"))
		part(t, "client_encoding", "UTF8");
	const char *key;
	json_t *v;
	json_object_foreach(t->params, key, v)
	{
		const char *value = json_string_value(v);
		if (pgtarget_is_file_param(key) && !resolve_file_param(files, user_id, key, value, t, &value, err))
			return false;
		part(t, key, value);
	}
	t->kw[t->n] = NULL;
	t->val[t->n] = NULL;
	if (sv->tunnel) {
		t->tunnel = *sv->tunnel;
		t->has_tunnel = true;
		if (t->tunnel.identity_file &&
		    !resolve_file_param(files, user_id, "TunnelIdentityFile", sv->tunnel->identity_file, t,
					&t->tunnel.identity_file, err))
			return false;
	}
	return true;
}

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

bool pgtarget_param_check(const char *key, const char *value, char *why, size_t n)
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
