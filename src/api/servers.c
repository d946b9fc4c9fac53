/* Servers and groups: register, change, connect, browse the top of the tree. */
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api/api.h"
#include "api/server_fields.h"
#include "catalog/catalog.h"
#include "files/files.h"
#include "pg/quote.h"
#include "pg/target.h"

/* ---- JSON out ---- */

void api_json_server(json_writer *w, const store_server *sv, int64_t user_id, bool connected)
{
	jw_obj_begin(w);
	jw_fields(w, "isissnsssssssrbsbrbbb", "id", sv->id, "name", sv->name, "group_id", sv->group_id, "group",
		  sv->group_name, "host", sv->host, "port", (int64_t)sv->port, "maintenance_db", sv->maintenance_db,
		  "username", sv->username, "role", sv->role, "service", sv->service, "comment", sv->comment,
		  "bg_color", sv->bg_color, "fg_color", sv->fg_color, "db_restriction",
		  sv->db_restriction && *sv->db_restriction ? sv->db_restriction : "[]", "shared", sv->shared,
		  "shared_username", sv->shared_username, "owned", sv->user_id == user_id, "connection_params",
		  sv->connection_params && *sv->connection_params ? sv->connection_params : "{}", "has_saved_password",
		  sv->has_saved_password, "has_sslpassword", sv->has_sslpassword, "connected", connected);
	jw_fields(w, "bedededeb", "use_ssh_tunnel", sv->use_ssh_tunnel, "tunnel_host", sv->tunnel_host, "tunnel_port",
		  sv->tunnel_port, "tunnel_username", sv->tunnel_username, "tunnel_authentication",
		  sv->tunnel_authentication, "tunnel_identity_file", sv->tunnel_identity_file, "tunnel_keepalive",
		  sv->tunnel_keepalive, "tunnel_host_key", sv->tunnel_host_key, "has_tunnel_password",
		  sv->has_tunnel_password);
	jw_obj_end(w);
}

/* A server as the asking user sees it (ctx: the request). */
static void write_server(json_writer *w, const void *item, void *ctx)
{
	http_req *r = ctx;
	const store_server *sv = item;
	tusk_app *app = http_req_app(r);
	int64_t uid = api_session(r)->user.id;
	api_json_server(w, sv, uid, pgpool_is_connected(app->pool, uid, sv->id));
}

static void respond_server(http_req *r, int status, const store_server *sv)
{
	api_respond_item(r, status, "server", sv, write_server, r);
}

static void write_group(json_writer *w, const void *item, void *ctx)
{
	(void)ctx;
	const store_group *g = item;
	jw_obj_begin(w);
	jw_kv_int(w, "id", g->id);
	jw_kv_str(w, "name", g->name);
	jw_obj_end(w);
}

void api_servers_list(http_req *r)
{
	int64_t uid = api_session(r)->user.id;
	tusk_err err;
	size_t ng, ns;
	store_group *groups = store_group_list(api_store(r), uid, &ng, &err);
	store_server *servers = groups ? store_server_list(api_store(r), uid, &ns, &err) : NULL;
	if (!servers) {
		free(groups);
		api_internal_error(r, &err);
		return;
	}
	api_json j;
	json_writer *w = api_json_begin(&j);
	jw_key(w, "groups");
	jw_arr_begin(w);
	for (size_t i = 0; i < ng; i++)
		write_group(w, &groups[i], NULL);
	jw_arr_end(w);
	jw_key(w, "servers");
	jw_arr_begin(w);
	for (size_t i = 0; i < ns; i++)
		write_server(w, &servers[i], r);
	jw_arr_end(w);
	free(groups);
	store_server_list_free(servers, ns);
	api_json_send(r, 200, &j);
}

/* ---- JSON in ---- */

static bool take_params(http_req *r, json_t *body, store_server *sv)
{
	json_t *p = json_object_get(body, "connection_params");
	if (!p)
		return true;
	if (!json_is_object(p)) {
		http_respond_error(r, ERR_INVALID_FIELD, "The field 'connection_params' must be an object.");
		return false;
	}
	json_t *clean = json_object();
	const char *key;
	json_t *v;
	json_object_foreach(p, key, v)
	{
		char *text = pg_json_text(v);
		char why[256];
		bool ok = text && pgtarget_param_check(key, text, why, sizeof(why));
		if (!ok) {
			http_respond_error(r, ERR_INVALID_PARAMETER, "Connection parameter '%s': %s.", key,
					   text ? why : "the value must be a string or a number");
			free(text);
			json_decref(clean);
			return false;
		}
		json_object_set_new(clean, key, json_string(text));
		free(text);
	}
	free(sv->connection_params);
	sv->connection_params = json_dumps(clean, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(clean);
	return true;
}

static bool take_restriction(http_req *r, json_t *body, store_server *sv)
{
	json_t *v = json_object_get(body, "db_restriction");
	if (!v)
		return true;
	json_t *list = json_array();
	size_t i;
	json_t *item;
	bool ok = json_is_array(v) || json_is_null(v);
	if (json_is_array(v))
		json_array_foreach(v, i, item)
		{
			if (!json_is_string(item) || !*json_string_value(item)) {
				ok = false;
				break;
			}
			json_array_append(list, item);
		}
	if (!ok) {
		json_decref(list);
		http_respond_error(r, ERR_INVALID_FIELD,
				   "The field 'db_restriction' must be a list of database names.");
		return false;
	}
	free(sv->db_restriction);
	sv->db_restriction = json_dumps(list, JSON_COMPACT);
	json_decref(list);
	return true;
}

static bool same_host(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* A whole number field of the body in [min, max] into *out (absent: unchanged). */
static bool take_int(http_req *r, json_t *body, const char *key, int min, int max, int *out)
{
	json_t *v = json_object_get(body, key);
	if (!v)
		return true;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		http_respond_error(r, ERR_INVALID_FIELD, "The field '%s' must be a whole number from %d to %d.", key,
				   min, max);
		return false;
	}
	*out = (int)json_integer_value(v);
	return true;
}

/* The SSH tunnel's fields. The accepted host key only goes ("" or null
 * forgets it), or goes with a new bastion host or port; a key is accepted
 * by connecting (accept_host_key). */
static bool take_tunnel(http_req *r, json_t *body, store_server *sv)
{
	static const api_field texts[] = {
	    API_OWNED("tunnel_host", store_server, tunnel_host, 1024),
	    API_OWNED("tunnel_username", store_server, tunnel_username, 128),
	    API_OWNED("tunnel_identity_file", store_server, tunnel_identity_file, 1024),
	};
	static const api_form form = API_FORM(texts, "");
	char *old_host = sv->tunnel_host ? xstrdup(sv->tunnel_host) : NULL;
	int old_port = sv->tunnel_port ? sv->tunnel_port : 22;
	json_t *use = json_object_get(body, "use_ssh_tunnel"), *key = json_object_get(body, "tunnel_host_key");
	bool ok = api_fields(r, body, &form, sv) && take_int(r, body, "tunnel_port", 1, 65535, &sv->tunnel_port) &&
		  take_int(r, body, "tunnel_authentication", 0, 1, &sv->tunnel_authentication) &&
		  take_int(r, body, "tunnel_keepalive", 0, 86400, &sv->tunnel_keepalive);
	if (ok && ((use && !json_is_boolean(use)) || (key && !json_is_null(key) && !json_is_string(key)) ||
		   (json_is_string(key) && *json_string_value(key)))) {
		http_respond_error(r, ERR_INVALID_FIELD,
				   "'use_ssh_tunnel' is true or false; 'tunnel_host_key' can only be emptied (a host "
				   "key is accepted by connecting with accept_host_key).");
		ok = false;
	}
	if (ok && use)
		sv->use_ssh_tunnel = json_is_true(use);
	if (!sv->tunnel_port)
		sv->tunnel_port = 22;
	if (ok && (key || !same_host(old_host, sv->tunnel_host) || old_port != sv->tunnel_port)) {
		free(sv->tunnel_host_key); /* another bastion: its key is accepted anew */
		sv->tunnel_host_key = NULL;
	}
	free(old_host);
	const char *at, *why = ok ? server_tunnel_problem(sv, &at) : NULL;
	if (why) {
		http_respond_error(r, ERR_INVALID_FIELD, "SSH tunnel (%s): %s.", at, why);
		ok = false;
	}
	return ok;
}

/* Applies the body's fields to sv; responds 400/403 and returns false on a bad one. */
static bool take_fields(http_req *r, json_t *body, store_server *sv)
{
	auth_session *s = api_session(r);
	static const api_field texts[] = {
	    API_OWNED("name", store_server, name, 128),
	    API_OWNED("host", store_server, host, 1024),
	    API_OWNED("maintenance_db", store_server, maintenance_db, 128),
	    API_OWNED("username", store_server, username, 128),
	    API_OWNED("role", store_server, role, 128),
	    API_OWNED("service", store_server, service, 128),
	    API_OWNED("comment", store_server, comment, 4096),
	    API_OWNED("bg_color", store_server, bg_color, 7),
	    API_OWNED("fg_color", store_server, fg_color, 7),
	    API_OWNED("shared_username", store_server, shared_username, 128),
	};
	static const api_form form = API_FORM(texts, "");
	if (!api_fields(r, body, &form, sv))
		return false;
	if (!server_color_ok(sv->bg_color) || !server_color_ok(sv->fg_color)) {
		http_respond_error(r, ERR_INVALID_FIELD, "Colours are written #rrggbb.");
		return false;
	}
	json_t *port = json_object_get(body, "port");
	if (port && !json_is_null(port) &&
	    (!json_is_integer(port) || json_integer_value(port) < 1 || json_integer_value(port) > 65535)) {
		http_respond_error(r, ERR_INVALID_FIELD, "The field 'port' must be a whole number from 1 to 65535.");
		return false;
	}
	if (port)
		sv->port = json_is_integer(port) ? (int)json_integer_value(port) : 0;
	json_t *shared = json_object_get(body, "shared");
	if (shared && !json_is_boolean(shared)) {
		http_respond_error(r, ERR_INVALID_FIELD, "The field 'shared' must be true or false.");
		return false;
	}
	if (shared && json_is_true(shared) && !sv->shared && strcmp(s->user.role, "admin") != 0) {
		http_respond_error(r, ERR_FORBIDDEN, "Only administrators may share a server.");
		return false;
	}
	if (shared)
		sv->shared = json_is_true(shared);
	json_t *group = json_object_get(body, "group");
	if (group && (!json_is_string(group) || strlen(json_string_value(group)) > 128)) {
		http_respond_error(r, ERR_INVALID_FIELD, "The field 'group' must be a group name.");
		return false;
	}
	if (group && *json_string_value(group)) {
		tusk_err err;
		if (!store_group_ensure(api_store(r), s->user.id, json_string_value(group), &sv->group_id, &err)) {
			api_internal_error(r, &err);
			return false;
		}
	}
	if (!take_params(r, body, sv) || !take_restriction(r, body, sv) || !take_tunnel(r, body, sv))
		return false;
	if (!sv->name) {
		http_respond_error(r, ERR_INVALID_FIELD, "A server needs a name.");
		return false;
	}
	if (!sv->host && !sv->service && !strstr(sv->connection_params ? sv->connection_params : "", "\"hostaddr\"")) {
		http_respond_error(r, ERR_INVALID_FIELD, "Give a host name or address (or a service).");
		return false;
	}
	return true;
}

/* What binds a secret to its place: its server, its user and its name. */
static char *credential_ad(int64_t server_id, int64_t user_id, const char *name)
{
	str ad = STR_INIT;
	str_appendf(&ad, "tusk server %lld user %lld", (long long)server_id, (long long)user_id);
	if (strcmp(name, "password") != 0)
		str_appendf(&ad, " %s", name);
	return str_take(&ad);
}

/* Saves a secret (the password, or "sslpassword") under the session's data
 * key; an empty value forgets it. */
static bool save_secret(http_req *r, int64_t server_id, const char *name, const char *value)
{
	auth_session *s = api_session(r);
	tusk_err err;
	bool password = strcmp(name, "password") == 0;
	if (!*value) {
		bool ok = password ? store_credential_delete(api_store(r), server_id, s->user.id, &err)
				   : store_secret_delete(api_store(r), server_id, s->user.id, name, &err);
		if (!ok)
			api_internal_error(r, &err);
		return ok;
	}
	if (!s->has_data_key) {
		http_respond_error(r, ERR_NO_DATA_KEY, "Log out and in again to save passwords in this session.");
		return false;
	}
	char *ad = credential_ad(server_id, s->user.id, name);
	size_t n;
	unsigned char *enc = auth_secret_encrypt(s->data_key, value, ad, &n);
	free(ad);
	bool ok = password ? store_credential_set(api_store(r), server_id, s->user.id, enc, n, &err)
			   : store_secret_set(api_store(r), server_id, s->user.id, name, enc, n, &err);
	free(enc);
	if (!ok)
		api_internal_error(r, &err);
	return ok;
}

/* A saved secret of the session's user, decrypted (malloc'd), or NULL. */
static char *load_secret(tusk_app *app, auth_session *s, int64_t server_id, const char *name)
{
	if (!s->has_data_key)
		return NULL;
	unsigned char *enc;
	size_t n;
	tusk_err err;
	int found = strcmp(name, "password") == 0
			? store_credential_get(app->store, server_id, s->user.id, &enc, &n, &err)
			: store_secret_get(app->store, server_id, s->user.id, name, &enc, &n, &err);
	if (found != 1)
		return NULL;
	char *ad = credential_ad(server_id, s->user.id, name);
	char *value = auth_secret_decrypt(s->data_key, enc, n, ad);
	free(ad);
	free(enc);
	return value;
}

static void wipe(char *secret)
{
	if (secret) {
		sodium_memzero(secret, strlen(secret));
		free(secret);
	}
}

/* Takes a secret out of the entry's connection parameters: Tusk keeps it
 * encrypted for its user, never among the parameters it shows and exports.
 * Returns its value (malloc'd; "" to forget it) or NULL when absent. */
static char *take_secret_param(store_server *sv, const char *key)
{
	json_t *params = json_loads(sv->connection_params ? sv->connection_params : "{}", 0, NULL);
	json_t *v = json_object_get(params, key);
	char *value = json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
	if (v) {
		json_object_del(params, key);
		free(sv->connection_params);
		sv->connection_params = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);
	}
	json_decref(params);
	return value;
}

/* A secret about to be saved needs the session's data key: 409 first, before anything changes. */
static bool can_keep(http_req *r, const char *secret)
{
	if (!secret || !*secret || api_session(r)->has_data_key)
		return true;
	http_respond_error(r, ERR_NO_DATA_KEY, "Log out and in again to save passwords in this session.");
	return false;
}

/* A password (and whether to save it) that a create or a connect may bring. */
struct connect_in {
	const char *password, *sslpassword;
	bool save;
	const char *tunnel_password; /* the SSH password, or the identity file's passphrase */
	const char *accept_host_key; /* the SSH host key's fingerprint the owner accepts */
};
static const api_field connect_fields[] = {
    API_FIELD("password", API_TEXT, struct connect_in, password, 0),
    API_FIELD("save_password", API_BOOL, struct connect_in, save, 0),
    API_FIELD("sslpassword", API_TEXT, struct connect_in, sslpassword, 0),
    API_FIELD("tunnel_password", API_TEXT, struct connect_in, tunnel_password, 0),
    API_FIELD("accept_host_key", API_TEXT, struct connect_in, accept_host_key, 0),
};
static const api_form connect_form = {connect_fields, 5, "", ERR_NONE, true};

void api_servers_create(http_req *r)
{
	json_t *body = http_req_json(r);
	if (!body)
		return;
	auth_session *s = api_session(r);
	store_server sv = {.user_id = s->user.id, .maintenance_db = xstrdup("postgres")};
	tusk_err err;
	bool ok = take_fields(r, body, &sv);
	char *sslpassword = ok ? take_secret_param(&sv, "sslpassword") : NULL;
	ok = ok && can_keep(r, sslpassword);
	if (ok && !sv.group_id && !store_group_ensure(api_store(r), s->user.id, "Servers", &sv.group_id, &err)) {
		api_internal_error(r, &err);
		ok = false;
	}
	struct connect_in in = {0};
	ok = ok && api_fields(r, body, &connect_form, &in) && can_keep(r, in.tunnel_password);
	if (ok && !store_server_create(api_store(r), &sv, &err)) {
		api_internal_error(r, &err);
		ok = false;
	}
	if (ok && (!in.save || !in.password || save_secret(r, sv.id, "password", in.password)) &&
	    (!sslpassword || save_secret(r, sv.id, "sslpassword", sslpassword)) &&
	    (!in.tunnel_password || save_secret(r, sv.id, "tunnel_password", in.tunnel_password))) {
		store_server_clear(&sv);
		store_server_get(api_store(r), s->user.id, sv.id, &sv, &err) == 1 ? respond_server(r, 201, &sv)
										  : api_internal_error(r, &err);
	}
	wipe(sslpassword);
	store_server_clear(&sv);
}

/* Loads the {id} server the user may see; responds 404 otherwise. */
static bool load_server(http_req *r, store_server *sv)
{
	int64_t id;
	tusk_err err;
	return api_path_id(r, "server", &id) &&
	       api_found(r, store_server_get(api_store(r), api_session(r)->user.id, id, sv, &err), &err, "server", id);
}

static bool owns(http_req *r, const store_server *sv)
{
	if (sv->user_id == api_session(r)->user.id)
		return true;
	http_respond_error(r, ERR_FORBIDDEN, "Only the owner of a shared server can change or delete it.");
	return false;
}

/* A handler's work on the server the path names (loaded, then cleared). */
typedef void server_action(http_req *r, tusk_app *app, store_server *sv);

static void with_server(http_req *r, server_action *act)
{
	store_server sv;
	if (load_server(r, &sv)) {
		act(r, http_req_app(r), &sv);
		store_server_clear(&sv);
	}
}

static void get_server(http_req *r, tusk_app *app, store_server *sv)
{
	(void)app;
	respond_server(r, 200, sv);
}

void api_servers_get(http_req *r)
{
	with_server(r, get_server);
}

/* Where a server's saved passwords go: its address, the TLS settings that
 * decide whom they reach, and the SSH tunnel in between. */
static char *target_of(const store_server *sv)
{
	static const char *const params[] = {"hostaddr",    "sslmode",	       "sslrootcert", "sslcrl",	   "sslcrldir",
					     "requirepeer", "channel_binding", "gssencmode",  "krbsrvname"};
	str t = STR_INIT;
	str_appendf(&t, "%s|%d|%s|%d|%s|%d|%s", sv->host ? sv->host : "", sv->port, sv->service ? sv->service : "",
		    sv->use_ssh_tunnel, sv->tunnel_host ? sv->tunnel_host : "", sv->tunnel_port,
		    sv->tunnel_username ? sv->tunnel_username : "");
	json_t *p = sv->connection_params ? json_loads(sv->connection_params, 0, NULL) : NULL;
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		json_t *v = json_object_get(p, params[i]);
		str_appendf(&t, "|%s", json_is_string(v) ? json_string_value(v) : "");
	}
	json_decref(p);
	return str_take(&t);
}

/* A server's address changed: every user's saved secrets for it were given
 * for the old one and are forgotten, so an owner cannot point a shared
 * server at a host of theirs and collect the passwords others saved. */
static bool forget_if_moved(http_req *r, tusk_app *app, const store_server *sv, const char *before)
{
	char *after = target_of(sv);
	bool moved = strcmp(before, after) != 0;
	free(after);
	tusk_err err;
	if (!moved)
		return true;
	if (!store_credential_delete_server(app->store, sv->id, &err)) {
		api_internal_error(r, &err);
		return false;
	}
	char detail[200];
	snprintf(detail, sizeof(detail), "server %lld: its address changed; saved passwords forgotten",
		 (long long)sv->id);
	auth_audit(app->auth, &api_session(r)->user, NULL, "server_moved", http_req_client_ip(r), detail);
	return true;
}

void api_servers_update(http_req *r)
{
	tusk_app *app = http_req_app(r);
	json_t *body = http_req_json(r);
	store_server sv;
	if (!body || !load_server(r, &sv))
		return;
	tusk_err err;
	char *sslpassword = NULL;
	char *before = target_of(&sv);
	struct connect_in in = {0};
	if (owns(r, &sv) && take_fields(r, body, &sv) &&
	    can_keep(r, sslpassword = take_secret_param(&sv, "sslpassword")) &&
	    api_fields(r, body, &connect_form, &in) && can_keep(r, in.tunnel_password)) {
		if (!store_server_update(app->store, &sv, &err)) {
			api_internal_error(r, &err);
		} else if (!forget_if_moved(r, app, &sv, before)) {
			/* answered */
		} else if ((sslpassword && !save_secret(r, sv.id, "sslpassword", sslpassword)) ||
			   (in.tunnel_password && !save_secret(r, sv.id, "tunnel_password", in.tunnel_password))) {
			/* answered */
		} else {
			/* connections made with the old settings must not outlive them */
			pgpool_forget_server(app->pool, sv.id);
			api_access_sweep(app); /* unshared: others' tabs, dashboards and jobs on it end */
			int64_t id = sv.id;
			store_server_clear(&sv);
			store_server_get(app->store, api_session(r)->user.id, id, &sv, &err) == 1
			    ? respond_server(r, 200, &sv)
			    : api_internal_error(r, &err);
		}
	}
	wipe(sslpassword);
	free(before);
	store_server_clear(&sv);
}

static void delete_server(http_req *r, tusk_app *app, store_server *sv)
{
	tusk_err err;
	if (!owns(r, sv))
		return;
	pgpool_forget_server(app->pool, sv->id);
	bool ok = store_server_delete(app->store, sv->id, &err);
	if (ok)
		api_access_sweep(app); /* what anyone had open on it ends */
	api_respond_done(r, ok, &err);
}

void api_servers_delete(http_req *r)
{
	with_server(r, delete_server);
}

/* ---- groups ---- */

void api_groups_list(http_req *r)
{
	tusk_err err;
	size_t n = 0;
	store_group *g = store_group_list(api_store(r), api_session(r)->user.id, &n, &err);
	api_respond_list(r, "groups", g, n, sizeof(*g), write_group, NULL, &err);
	free(g);
}

/* The body's group name; NULL after answering 400. */
static const char *group_name(http_req *r)
{
	struct group_in {
		const char *name;
	} in;
	static const api_field fields[] = {API_FIELD("name", API_TEXT, struct group_in, name, 0)};
	static const api_form form = API_FORM(fields, "");
	if (!api_body(r, &form, &in, NULL))
		return NULL;
	if (!in.name || !*in.name || strlen(in.name) > 127) {
		http_respond_error(r, ERR_INVALID_FIELD, "A group needs a name of 1 to 127 characters.");
		return NULL;
	}
	return in.name;
}

static void respond_group(http_req *r, int status, int64_t id, const char *name)
{
	store_group g = {.id = id};
	snprintf(g.name, sizeof(g.name), "%s", name);
	api_respond_item(r, status, "group", &g, write_group, NULL);
}

void api_groups_create(http_req *r)
{
	const char *name = group_name(r);
	if (!name)
		return;
	int64_t id;
	tusk_err err;
	if (!store_group_ensure(api_store(r), api_session(r)->user.id, name, &id, &err)) {
		api_internal_error(r, &err);
		return;
	}
	respond_group(r, 201, id, name);
}

static bool load_group(http_req *r, store_group *g)
{
	int64_t id;
	tusk_err err;
	return api_path_id(r, "group", &id) &&
	       api_found(r, store_group_get(api_store(r), api_session(r)->user.id, id, g, &err), &err, "group", id);
}

void api_groups_update(http_req *r)
{
	store_group g;
	const char *name;
	tusk_err err;
	if (!(name = group_name(r)) || !load_group(r, &g))
		return;
	if (store_group_rename(api_store(r), g.user_id, g.id, name, &err))
		respond_group(r, 200, g.id, name);
	else
		api_respond_err(r, &err);
}

void api_groups_delete(http_req *r)
{
	store_group g;
	tusk_err err;
	if (load_group(r, &g))
		api_respond_done(r, store_group_delete(api_store(r), g.user_id, g.id, &err), &err);
}

/* ---- connect ---- */

/* Connects to sv with what was typed, else what is saved for the user. */
static bool connect_server(http_req *r, const store_server *sv, const struct connect_in *in, pg_connect_info *info,
			   tusk_err *err)
{
	tusk_app *app = http_req_app(r);
	auth_session *s = api_session(r);
	char *saved = in->password ? NULL : load_secret(app, s, sv->id, "password");
	char *saved_ssl = in->sslpassword ? NULL : load_secret(app, s, sv->id, "sslpassword");
	char *saved_tunnel =
	    in->tunnel_password || !sv->use_ssh_tunnel ? NULL : load_secret(app, s, sv->id, "tunnel_password");
	bool other_user = sv->user_id != s->user.id;
	pgtunnel_spec tunnel = {
	    .host = sv->tunnel_host,
	    .port = sv->tunnel_port,
	    .username = sv->tunnel_username,
	    .identity_file = sv->tunnel_authentication == 1 ? sv->tunnel_identity_file : NULL,
	    .secret = in->tunnel_password ? in->tunnel_password : saved_tunnel,
	    /* trust on first use: the owner accepts the key the first connect showed */
	    .known_key = sv->tunnel_host_key ? sv->tunnel_host_key : in->accept_host_key,
	    .keepalive_s = sv->tunnel_keepalive,
	};
	/* the tree's and the dashboards' pooled connections say so in pg_stat_activity, and whose */
	char app_name[300];
	snprintf(app_name, sizeof(app_name), "Tusk - Object Explorer - %s", s->user.email);
	pgtarget_server ts = {.host = sv->host,
			      .user = other_user && sv->shared_username ? sv->shared_username : sv->username,
			      .service = sv->service,
			      .port = sv->port,
			      .params_json = sv->connection_params,
			      .sslpassword = in->sslpassword ? in->sslpassword : saved_ssl,
			      .app_name = app_name,
			      .tunnel = sv->use_ssh_tunnel ? &tunnel : NULL};
	pgtarget_files files = {.desktop = !app->cfg->server_mode || app->cfg->desktop,
				.file_dirs = app->cfg->file_dirs,
				.data_dir = app->cfg->data_dir};
	pgtarget tp;
	bool ok = pgtarget_build(&tp, &ts, &files, s->user.id, err);
	if (ok) {
		pg_target t = {tp.kw,
			       tp.val,
			       sv->maintenance_db,
			       in->password ? in->password : saved,
			       sv->role,
			       tp.has_tunnel ? &tp.tunnel : NULL};
		ok = pgpool_connect(app->pool, s->user.id, sv->id, &t, info, err);
	}
	pgtarget_clear(&tp);
	wipe(saved);
	wipe(saved_ssl);
	wipe(saved_tunnel);
	return ok;
}

/* A refused connect; an unknown SSH host key's answer carries its fingerprint to accept. */
static void respond_connect_error(http_req *r, const tusk_err *err)
{
	const char *fp = err->code == ERR_SSH_HOST_KEY_UNKNOWN ? pgtunnel_fingerprint_in(err->msg) : NULL;
	if (!fp) {
		http_respond_error_status(r, err_status(err->code, true), err->code, "%s", err->msg);
		return;
	}
	http_error_body b;
	json_writer *w = http_error_begin(&b, err->code, err->msg);
	jw_kv_str(w, "fingerprint", fp);
	http_error_send(r, err_status(err->code, true), &b);
}

/* Only the owner of an entry accepts its SSH host key, and only when none is kept. */
static bool may_accept(http_req *r, const store_server *sv, const char *key)
{
	if (!key || sv->tunnel_host_key)
		return true;
	if (sv->user_id == api_session(r)->user.id)
		return true;
	http_respond_error(r, ERR_FORBIDDEN, "Only the owner of a shared server can accept its SSH host key.");
	return false;
}

/* The host key a first connect through the tunnel was accepted with. */
static bool keep_host_key(http_req *r, const store_server *sv, const char *key)
{
	tusk_err err;
	if (!sv->use_ssh_tunnel || !key || sv->tunnel_host_key)
		return true;
	if (store_server_set_host_key(api_store(r), sv->id, key, &err))
		return true;
	api_internal_error(r, &err);
	return false;
}

void api_servers_connect(http_req *r)
{
	auth_session *s = api_session(r);
	struct connect_in in;
	store_server sv;
	if (!api_body(r, &connect_form, &in, NULL) || !load_server(r, &sv))
		return;
	tusk_err err = {0};
	pg_connect_info info;
	if (in.password && in.save && !s->has_data_key) {
		http_respond_error(r, ERR_NO_DATA_KEY, "Log out and in again to save passwords in this session.");
	} else if (in.save && (!can_keep(r, in.sslpassword) || !can_keep(r, in.tunnel_password))) {
		/* answered */
	} else if (!may_accept(r, &sv, in.accept_host_key)) {
		/* answered */
	} else if (!connect_server(r, &sv, &in, &info, &err)) {
		respond_connect_error(r, &err);
	} else if ((!in.password || !in.save || save_secret(r, sv.id, "password", in.password)) &&
		   (!in.sslpassword || !in.save || save_secret(r, sv.id, "sslpassword", in.sslpassword)) &&
		   (!in.tunnel_password || !in.save || save_secret(r, sv.id, "tunnel_password", in.tunnel_password)) &&
		   keep_host_key(r, &sv, in.accept_host_key)) {
		api_json j;
		json_writer *w = api_json_begin(&j);
		jw_kv_bool(w, "connected", true);
		jw_kv_str(w, "server_version", info.server_version);
		jw_kv_int(w, "server_version_num", info.server_version_num);
		api_json_send(r, 200, &j);
	}
	store_server_clear(&sv);
}

static void disconnect_server(http_req *r, tusk_app *app, store_server *sv)
{
	pgpool_disconnect(app->pool, api_session(r)->user.id, sv->id);
	http_respond(r, 200, "application/json", "{}", 2);
}

void api_servers_disconnect(http_req *r)
{
	with_server(r, disconnect_server);
}
