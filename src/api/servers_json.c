/* pgAdmin's servers.json, both ways: import (API and at start) and export. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/server_fields.h"
#include "pg/quote.h"
#include "pg/target.h"
#include "util/log.h"

/* pgAdmin's legacy top-level keys that are libpq parameters. */
static const struct {
	const char *key, *param;
} legacy[] = {
    {"HostAddr", "hostaddr"},
    {"SSLMode", "sslmode"},
    {"SSLCert", "sslcert"},
    {"SSLKey", "sslkey"},
    {"SSLRootCert", "sslrootcert"},
    {"SSLCrl", "sslcrl"},
    {"SSLCompression", "sslcompression"},
    {"PassFile", "passfile"},
    {"Timeout", "connect_timeout"},
};

/* pgAdmin's SSH tunnel keys (SavePassword: Tusk saves per user when connecting). */
static const char *const tunnel_keys[] = {"TunnelHost",		  "TunnelPort",		"TunnelUsername",
					  "TunnelAuthentication", "TunnelIdentityFile", "TunnelKeepAlive",
					  "TunnelPassword",	  "SavePassword",	NULL};

static const char *const text_keys[] = {"Name",	   "Group",   "Host",		"MaintenanceDB", "Username", "Role",
					"Service", "Comment", "SharedUsername", "BGColor",	 "FGColor",  NULL};

static void problem(json_t *details, const char *entry, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void problem(json_t *details, const char *entry, const char *key, const char *fmt, ...)
{
	char reason[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	json_array_append_new(details, json_pack("{s:s, s:s, s:s}", "entry", entry, "key", key, "reason", reason));
}

static bool truthy(json_t *v)
{
	return json_is_true(v) || (json_is_integer(v) && json_integer_value(v) != 0) ||
	       (json_is_string(v) && *json_string_value(v) && strcmp(json_string_value(v), "0") != 0);
}

static bool known_key(const char *k)
{
	static const char *const others[] = {"Port",
					     "Shared",
					     "DBRestriction",
					     "ConnectionParameters",
					     "UseSSHTunnel",
					     "KerberosAuthentication",
					     "PasswordExecCommand",
					     "PasswordExecExpiration",
					     NULL};
	for (int i = 0; text_keys[i]; i++)
		if (strcmp(k, text_keys[i]) == 0)
			return true;
	for (int i = 0; others[i]; i++)
		if (strcmp(k, others[i]) == 0)
			return true;
	for (int i = 0; tunnel_keys[i]; i++)
		if (strcmp(k, tunnel_keys[i]) == 0)
			return true;
	for (size_t i = 0; i < sizeof(legacy) / sizeof(*legacy); i++)
		if (strcmp(k, legacy[i].key) == 0)
			return true;
	return false;
}

static char *text_of(json_t *e, const char *key)
{
	json_t *v = json_object_get(e, key);
	return json_is_string(v) && *json_string_value(v) ? xstrdup(json_string_value(v)) : NULL;
}

/* "app analytics" or "app,analytics" or ["app","analytics"] -> JSON array text */
static char *restriction_of(json_t *v, json_t *details, const char *entry)
{
	json_t *list = json_array();
	if (json_is_string(v)) {
		char *copy = xstrdup(json_string_value(v)), *save = NULL;
		for (char *t = strtok_r(copy, " ,", &save); t; t = strtok_r(NULL, " ,", &save))
			json_array_append_new(list, json_string(t));
		free(copy);
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
		{
			if (json_is_string(x))
				json_array_append(list, x);
			else
				problem(details, entry, "DBRestriction", "list items must be database names");
		}
	} else if (v && !json_is_null(v)) {
		problem(details, entry, "DBRestriction", "must be database names separated by spaces");
	}
	char *text = json_dumps(list, JSON_COMPACT);
	json_decref(list);
	return text;
}

/* A whole number written as a number, a numeral or a flag; def when absent, -1 when not one. */
static int number_of(json_t *e, const char *key, int def)
{
	json_t *v = json_object_get(e, key);
	if (!v || json_is_null(v))
		return def;
	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_integer(v))
		return json_integer_value(v) >= 0 && json_integer_value(v) <= 100000 ? (int)json_integer_value(v) : -1;
	const char *t = json_is_string(v) ? json_string_value(v) : "";
	size_t n = strspn(t, "0123456789");
	return *t && !t[n] && n < 7 ? atoi(t) : -1;
}

/* pgAdmin's tunnel keys: UseSSHTunnel, TunnelHost, TunnelPort, TunnelUsername,
 * TunnelAuthentication (0 password, 1 identity file), TunnelIdentityFile,
 * TunnelKeepAlive. The host key is accepted anew on the first connect. */
static void parse_tunnel(const char *entry, json_t *e, store_server *sv, json_t *details)
{
	sv->use_ssh_tunnel = truthy(json_object_get(e, "UseSSHTunnel"));
	sv->tunnel_host = text_of(e, "TunnelHost");
	sv->tunnel_username = text_of(e, "TunnelUsername");
	sv->tunnel_identity_file = text_of(e, "TunnelIdentityFile");
	sv->tunnel_port = number_of(e, "TunnelPort", 22);
	sv->tunnel_authentication = number_of(e, "TunnelAuthentication", 0);
	sv->tunnel_keepalive = number_of(e, "TunnelKeepAlive", 0);
	const char *key, *why = server_tunnel_problem(sv, &key);
	if (why)
		problem(details, entry, key, "%s", why);
}

/* A tunnel password in the file is not kept (Tusk holds it encrypted per user). */
static void note_tunnel_passwords(json_t *doc, json_t *notes)
{
	const char *entry;
	json_t *e;
	json_object_foreach(json_object_get(doc, "Servers"), entry, e)
	{
		json_t *pw = json_object_get(e, "TunnelPassword");
		if (!json_is_string(pw) || !*json_string_value(pw))
			continue;
		str note = STR_INIT;
		json_t *name = json_object_get(e, "Name");
		str_appendf(&note,
			    "%s: its tunnel password was not imported; give it when connecting, and Tusk keeps it "
			    "encrypted for you",
			    json_is_string(name) ? json_string_value(name) : entry);
		json_array_append_new(notes, json_string(str_cstr(&note)));
		str_free(&note);
	}
}

/* Checks and converts one entry; problems go to details. */
/* Over 80 lines: one servers.json entry read key by key under pgAdmin's names, each key's
 * check written beside its key. */
static void parse_entry(const char *entry, json_t *e, bool may_share, store_server *sv, json_t *details)
{
	if (!json_is_object(e)) {
		problem(details, entry, "", "each server must be an object");
		return;
	}
	const char *k;
	json_t *v;
	json_object_foreach(e, k, v) if (!known_key(k)) problem(details, entry, k, "unknown key");
	for (int i = 0; text_keys[i]; i++) {
		json_t *x = json_object_get(e, text_keys[i]);
		if (x && !json_is_string(x) && !json_is_null(x))
			problem(details, entry, text_keys[i], "must be a string");
	}
	sv->name = text_of(e, "Name");
	if (!sv->name)
		problem(details, entry, "Name", "is required");
	sv->group_name = text_of(e, "Group");
	sv->host = text_of(e, "Host");
	sv->maintenance_db = text_of(e, "MaintenanceDB");
	sv->username = text_of(e, "Username");
	sv->role = text_of(e, "Role");
	sv->service = text_of(e, "Service");
	sv->comment = text_of(e, "Comment");
	sv->shared_username = text_of(e, "SharedUsername");
	sv->bg_color = text_of(e, "BGColor");
	sv->fg_color = text_of(e, "FGColor");
	if (!server_color_ok(sv->bg_color))
		problem(details, entry, "BGColor", "must be a colour written #rrggbb");
	if (!server_color_ok(sv->fg_color))
		problem(details, entry, "FGColor", "must be a colour written #rrggbb");
	json_t *port = json_object_get(e, "Port");
	if (port) {
		long long p = json_is_integer(port)  ? json_integer_value(port)
			      : json_is_string(port) ? atoll(json_string_value(port))
						     : -1;
		if (p < 1 || p > 65535)
			problem(details, entry, "Port", "must be a whole number from 1 to 65535");
		else
			sv->port = (int)p;
	}
	json_t *shared = json_object_get(e, "Shared");
	sv->shared = shared && truthy(shared);
	if (sv->shared && !may_share)
		problem(details, entry, "Shared", "only administrators may share servers");
	sv->db_restriction = restriction_of(json_object_get(e, "DBRestriction"), details, entry);
	if (truthy(json_object_get(e, "KerberosAuthentication")))
		problem(details, entry, "KerberosAuthentication", "Kerberos login is not supported by Tusk");
	if (truthy(json_object_get(e, "PasswordExecCommand")))
		problem(details, entry, "PasswordExecCommand", "password commands are not supported by Tusk");

	json_t *params = json_object();
	for (size_t i = 0; i < sizeof(legacy) / sizeof(*legacy); i++) {
		json_t *x = json_object_get(e, legacy[i].key);
		if (!x || json_is_null(x))
			continue;
		char *text = pg_json_text(x);
		char why[256];
		if (!text)
			problem(details, entry, legacy[i].key, "must be a string or a number");
		else if (!pgtarget_param_check(legacy[i].param, text, why, sizeof(why)))
			problem(details, entry, legacy[i].key, "%s", why);
		else
			json_object_set_new(params, legacy[i].param, json_string(text));
		free(text);
	}
	json_t *cp = json_object_get(e, "ConnectionParameters");
	if (cp && !json_is_object(cp))
		problem(details, entry, "ConnectionParameters", "must be an object");
	json_object_foreach(cp, k, v)
	{
		char *text = pg_json_text(v);
		char why[256], key[160];
		snprintf(key, sizeof(key), "ConnectionParameters.%s", k);
		if (!text)
			problem(details, entry, key, "must be a string or a number");
		else if (!pgtarget_param_check(k, text, why, sizeof(why)))
			problem(details, entry, key, "%s", why);
		else
			json_object_set_new(params, k, json_string(text));
		free(text);
	}
	if (!sv->host && !sv->service && !json_object_get(params, "hostaddr"))
		problem(details, entry, "Host", "a server needs Host, HostAddr or Service");
	parse_tunnel(entry, e, sv, details);
	sv->connection_params = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(params);
}

bool api_servers_parse_json(json_t *doc, bool may_share, store_server **out, size_t *n, json_t *details)
{
	*out = NULL;
	*n = 0;
	json_t *servers = json_object_get(doc, "Servers");
	if (!json_is_object(servers)) {
		problem(details, "", "Servers", "the file must be an object with a \"Servers\" object inside");
		return false;
	}
	size_t count = json_object_size(servers);
	store_server *list = xcalloc(count ? count : 1, sizeof(*list));
	const char *entry;
	json_t *e;
	json_object_foreach(servers, entry, e) parse_entry(entry, e, may_share, &list[(*n)++], details);
	*out = list;
	return json_array_size(details) == 0;
}

/* Secrets among the imported parameters (sslpassword) are not kept: Tusk
 * holds them encrypted per user, which an import cannot do. One note each. */
static void strip_secrets(store_server *list, size_t n, json_t *notes)
{
	for (size_t i = 0; i < n; i++) {
		json_t *params = json_loads(list[i].connection_params ? list[i].connection_params : "{}", 0, NULL);
		if (json_object_get(params, "sslpassword")) {
			json_object_del(params, "sslpassword");
			free(list[i].connection_params);
			list[i].connection_params = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);
			str note = STR_INIT;
			str_appendf(&note,
				    "%s: its sslpassword (the client key's passphrase) was not imported; give it when "
				    "connecting, and Tusk keeps it encrypted for you",
				    list[i].name ? list[i].name : "a server");
			json_array_append_new(notes, json_string(str_cstr(&note)));
			str_free(&note);
		}
		json_decref(params);
	}
}

static void respond_invalid(http_req *r, json_t *details)
{
	json_t *body = json_pack("{s:{s:s, s:s, s:O}}", "error", "code", "invalid_import", "message",
				 "The servers file has problems; nothing was imported.", "details", details);
	char *text = json_dumps(body, JSON_COMPACT);
	http_respond(r, 400, "application/json; charset=utf-8", text, strlen(text));
	free(text);
	json_decref(body);
}

void api_servers_import(http_req *r)
{
	json_t *doc = http_req_json(r);
	if (!doc)
		return;
	auth_session *s = api_session(r);
	json_t *details = json_array();
	store_server *list;
	size_t n;
	bool ok = api_servers_parse_json(doc, strcmp(s->user.role, "admin") == 0, &list, &n, details);
	tusk_err err;
	if (!ok) {
		respond_invalid(r, details);
	} else {
		json_t *notes = json_array();
		strip_secrets(list, n, notes);
		note_tunnel_passwords(doc, notes);
		if (!store_server_import(api_store(r), s->user.id, list, n, false, &err)) {
			api_internal_error(r, &err);
		} else {
			json_t *answer = json_pack("{s:I, s:O}", "imported", (json_int_t)n, "notes", notes);
			char *text = json_dumps(answer, JSON_COMPACT);
			http_respond(r, 200, "application/json; charset=utf-8", text, strlen(text));
			free(text);
			json_decref(answer);
		}
		json_decref(notes);
	}
	json_decref(details);
	store_server_list_free(list, n);
}

static void set_text(json_t *o, const char *key, const char *v)
{
	if (v && *v)
		json_object_set_new(o, key, json_string(v));
}

static void export_tunnel(json_t *e, const store_server *sv)
{
	if (!sv->use_ssh_tunnel && !sv->tunnel_host)
		return;
	json_object_set_new(e, "UseSSHTunnel", json_integer(sv->use_ssh_tunnel));
	set_text(e, "TunnelHost", sv->tunnel_host);
	json_object_set_new(e, "TunnelPort", json_integer(sv->tunnel_port));
	set_text(e, "TunnelUsername", sv->tunnel_username);
	json_object_set_new(e, "TunnelAuthentication", json_integer(sv->tunnel_authentication));
	set_text(e, "TunnelIdentityFile", sv->tunnel_identity_file);
	json_object_set_new(e, "TunnelKeepAlive", json_integer(sv->tunnel_keepalive));
}

void api_servers_export(http_req *r)
{
	int64_t uid = api_session(r)->user.id;
	tusk_err err;
	size_t n;
	store_server *list = store_server_list(api_store(r), uid, &n, &err);
	if (!list) {
		api_internal_error(r, &err);
		return;
	}
	json_t *servers = json_object();
	int k = 0;
	for (size_t i = 0; i < n; i++) {
		const store_server *sv = &list[i];
		if (sv->user_id != uid)
			continue; /* shared servers of others stay theirs */
		json_t *e = json_object();
		set_text(e, "Name", sv->name);
		set_text(e, "Group", sv->group_name);
		set_text(e, "Host", sv->host);
		if (sv->port)
			json_object_set_new(e, "Port", json_integer(sv->port));
		set_text(e, "MaintenanceDB", sv->maintenance_db);
		set_text(e, "Username", sv->username);
		set_text(e, "Role", sv->role);
		set_text(e, "Service", sv->service);
		set_text(e, "Comment", sv->comment);
		if (sv->shared)
			json_object_set_new(e, "Shared", json_true());
		set_text(e, "SharedUsername", sv->shared_username);
		set_text(e, "BGColor", sv->bg_color);
		set_text(e, "FGColor", sv->fg_color);
		json_t *dbs = json_loads(sv->db_restriction ? sv->db_restriction : "[]", 0, NULL);
		if (json_array_size(dbs)) {
			str joined = STR_INIT;
			size_t j;
			json_t *d;
			json_array_foreach(dbs, j, d) str_appendf(&joined, "%s%s", j ? " " : "", json_string_value(d));
			json_object_set_new(e, "DBRestriction", json_string(str_cstr(&joined)));
			str_free(&joined);
		}
		json_decref(dbs);
		json_t *params = json_loads(sv->connection_params ? sv->connection_params : "{}", 0, NULL);
		if (json_object_size(params))
			json_object_set(e, "ConnectionParameters", params);
		json_decref(params);
		export_tunnel(e, sv);
		char id[16];
		snprintf(id, sizeof(id), "%d", ++k);
		json_object_set_new(servers, id, e);
	}
	store_server_list_free(list, n);
	json_t *doc = json_pack("{s:o}", "Servers", servers);
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	http_add_header(r, "Content-Disposition", "attachment; filename=\"servers.json\"");
	http_respond(r, 200, "application/json; charset=utf-8", text, strlen(text));
	free(text);
}

static void strip_and_log(json_t *doc, store_server *list, size_t n, const char *path)
{
	json_t *notes = json_array();
	strip_secrets(list, n, notes);
	note_tunnel_passwords(doc, notes);
	size_t i;
	json_t *note;
	json_array_foreach(notes, i, note)
	    log_msg(LOG_WARN, "servers file entry", "path", path, "note", json_string_value(note), NULL);
	json_decref(notes);
}

bool api_servers_load_file(tusk_app *app, tusk_err *err)
{
	const config *cfg = app->cfg;
	if (!cfg->server_json_file || !*cfg->server_json_file || cfg->desktop)
		return true;
	char owner[32], loaded[8];
	if (!store_meta_get(app->store, "bootstrap_admin_user", owner, sizeof(owner), err) ||
	    !store_meta_get(app->store, "servers_json_loaded", loaded, sizeof(loaded), err))
		return false;
	if (!owner[0] || (loaded[0] && !cfg->replace_servers_on_startup))
		return true;
	json_error_t je;
	json_t *doc = json_load_file(cfg->server_json_file, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		log_msg(LOG_ERROR, "servers file not loaded", "path", cfg->server_json_file, "detail", je.text, NULL);
		return true;
	}
	json_t *details = json_array();
	store_server *list;
	size_t n;
	bool ok = api_servers_parse_json(doc, true, &list, &n, details);
	if (!ok) {
		/* like pgAdmin, a bad file does not stop Tusk: it is reported and nothing is loaded */
		size_t i;
		json_t *d;
		json_array_foreach(details, i, d)
		{
			char where[160];
			snprintf(where, sizeof(where), "%s %s", json_string_value(json_object_get(d, "entry")),
				 json_string_value(json_object_get(d, "key")));
			log_msg(LOG_ERROR, "servers file entry refused", "path", cfg->server_json_file, "entry", where,
				"reason", json_string_value(json_object_get(d, "reason")), NULL);
		}
	} else if ((strip_and_log(doc, list, n, cfg->server_json_file), true) &&
		   store_server_import(app->store, atoll(owner), list, n, cfg->replace_servers_on_startup, err) &&
		   store_meta_set(app->store, "servers_json_loaded", "1", err)) {
		char count[16];
		snprintf(count, sizeof(count), "%zu", n);
		log_msg(LOG_INFO, "servers file loaded", "path", cfg->server_json_file, "servers", count, NULL);
	} else {
		ok = false;
		json_decref(details);
		json_decref(doc);
		store_server_list_free(list, n);
		return false;
	}
	json_decref(details);
	json_decref(doc);
	store_server_list_free(list, n);
	return true;
}
