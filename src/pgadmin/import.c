/* Reading pgAdmin 4's pgadmin4.db: users (e-mail, Administrator role,
 * active) and servers with their groups, as servers.json entries. */
#include "pgadmin/import.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

/* The file as a read-only, immutable SQLite URI: nothing is written beside it. */
static char *readonly_uri(const char *path)
{
	str s = STR_INIT;
	str_append_cstr(&s, "file:");
	for (const char *c = path; *c; c++) {
		if (*c == '%' || *c == '?' || *c == '#' || (unsigned char)*c < 0x21)
			str_appendf(&s, "%%%02X", (unsigned char)*c);
		else
			str_append_char(&s, *c);
	}
	str_append_cstr(&s, "?mode=ro&immutable=1");
	return str_take(&s);
}

struct columns {
	char *names[64];
	size_t n;
};

static void columns_free(struct columns *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->names[i]);
	c->n = 0;
}

static bool has(const struct columns *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->names[i], name) == 0)
			return true;
	return false;
}

/* The columns of a table; false when it does not exist. */
static bool table_columns(sqlite3 *db, const char *table, struct columns *out)
{
	out->n = 0;
	char sql[128];
	snprintf(sql, sizeof(sql), "PRAGMA table_info(\"%s\")", table);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return false;
	while (sqlite3_step(st) == SQLITE_ROW && out->n < sizeof(out->names) / sizeof(*out->names)) {
		const unsigned char *name = sqlite3_column_text(st, 1);
		if (name)
			out->names[out->n++] = xstrdup((const char *)name);
	}
	sqlite3_finalize(st);
	return out->n > 0;
}

static const char *text_at(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);
	return v && *v ? (const char *)v : NULL;
}

/* servers.json keys from plain columns: the key, the column, and how to read it. */
static const struct {
	const char *key, *column;
	char type; /* s text, i integer, b boolean */
} PLAIN[] = {
    {"Name", "name", 's'},
    {"Host", "host", 's'},
    {"HostAddr", "hostaddr", 's'},
    {"Port", "port", 'i'},
    {"MaintenanceDB", "maintenance_db", 's'},
    {"Username", "username", 's'},
    {"Role", "role", 's'},
    {"Comment", "comment", 's'},
    {"Service", "service", 's'},
    {"BGColor", "bgcolor", 's'},
    {"FGColor", "fgcolor", 's'},
    {"DBRestriction", "db_res", 's'},
    {"Shared", "shared", 'b'},
    {"SharedUsername", "shared_username", 's'},
    {"KerberosAuthentication", "kerberos_conn", 'b'},
    /* before pgAdmin 7 the connection's options had their own columns */
    {"SSLMode", "ssl_mode", 's'},
    {"PassFile", "passfile", 's'},
    {"SSLCert", "sslcert", 's'},
    {"SSLKey", "sslkey", 's'},
    {"SSLRootCert", "sslrootcert", 's'},
    {"SSLCrl", "sslcrl", 's'},
    {"SSLCompression", "sslcompression", 'i'},
    {"Timeout", "connect_timeout", 'i'},
    /* the SSH tunnel (its password is pgAdmin's, encrypted with a key Tusk does not have) */
    {"UseSSHTunnel", "use_ssh_tunnel", 'i'},
    {"TunnelHost", "tunnel_host", 's'},
    {"TunnelPort", "tunnel_port", 'i'},
    {"TunnelUsername", "tunnel_username", 's'},
    {"TunnelAuthentication", "tunnel_authentication", 'i'},
    {"TunnelIdentityFile", "tunnel_identity_file", 's'},
    {"TunnelKeepAlive", "tunnel_keep_alive", 'i'},
};

static const char *const TUNNEL_KEYS[] = {
    "UseSSHTunnel",	    "TunnelHost",	  "TunnelPort",	     "TunnelUsername",
    "TunnelAuthentication", "TunnelIdentityFile", "TunnelKeepAlive", NULL};

/* One server row as a servers.json entry. */
static json_t *server_entry(sqlite3_stmt *st, const struct columns *cols, const char *group, bool *tunnel)
{
	json_t *e = json_object();
	for (size_t k = 0; k < sizeof(PLAIN) / sizeof(*PLAIN); k++) {
		int i = -1;
		for (size_t c = 0; c < cols->n; c++)
			if (strcmp(cols->names[c], PLAIN[k].column) == 0)
				i = (int)c;
		if (i < 0 || sqlite3_column_type(st, i) == SQLITE_NULL)
			continue;
		if (PLAIN[k].type == 's' && text_at(st, i))
			json_object_set_new(e, PLAIN[k].key, json_string(text_at(st, i)));
		else if (PLAIN[k].type == 'i')
			json_object_set_new(e, PLAIN[k].key, json_integer(sqlite3_column_int64(st, i)));
		else if (PLAIN[k].type == 'b')
			json_object_set_new(e, PLAIN[k].key, json_boolean(sqlite3_column_int64(st, i) != 0));
	}
	/* pgAdmin 7+: libpq options in one JSON column, as servers.json has them */
	for (size_t c = 0; c < cols->n; c++) {
		if (strcmp(cols->names[c], "connection_params") == 0 && text_at(st, (int)c)) {
			json_t *params = json_loads(text_at(st, (int)c), 0, NULL);
			if (json_is_object(params) && json_object_size(params) > 0)
				json_object_set(e, "ConnectionParameters", params);
			json_decref(params);
		}
	}
	/* a tunnel pgAdmin kept without its host or user cannot be made: the server comes without it */
	json_t *use = json_object_get(e, "UseSSHTunnel");
	if (json_is_integer(use) && json_integer_value(use) != 0 &&
	    (!json_object_get(e, "TunnelHost") || !json_object_get(e, "TunnelUsername"))) {
		*tunnel = true;
		for (const char *const *k = TUNNEL_KEYS; *k; k++)
			json_object_del(e, *k);
	}
	json_object_set_new(e, "Group", json_string(group && *group ? group : "Servers"));
	if (!json_object_get(e, "Username"))
		json_object_set_new(e, "Username", json_string("postgres"));
	if (!json_object_get(e, "MaintenanceDB"))
		json_object_set_new(e, "MaintenanceDB", json_string("postgres"));
	if (!json_object_get(e, "Host") && !json_object_get(e, "HostAddr") && !json_object_get(e, "Service"))
		json_object_set_new(e, "Host", json_string("localhost"));
	return e;
}

static bool read_servers(sqlite3 *db, int64_t user_id, pgadmin_user *u)
{
	struct columns cols;
	if (!table_columns(db, "server", &cols))
		return true;
	str sql = STR_INIT;
	str_append_cstr(&sql, "SELECT ");
	for (size_t i = 0; i < cols.n; i++)
		str_appendf(&sql, "%ss.\"%s\"", i ? ", " : "", cols.names[i]);
	str_append_cstr(&sql, ", g.name FROM server s LEFT JOIN servergroup g ON g.id = s.servergroup_id WHERE "
			      "s.user_id = ? ORDER BY s.id");
	sqlite3_stmt *st = NULL;
	bool ok = sqlite3_prepare_v2(db, str_cstr(&sql), -1, &st, NULL) == SQLITE_OK;
	str_free(&sql);
	if (ok) {
		sqlite3_bind_int64(st, 1, user_id);
		json_t *servers = json_object_get(u->servers, "Servers");
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			bool tunnel = false;
			json_t *e = server_entry(st, &cols, text_at(st, (int)cols.n), &tunnel);
			char key[24];
			snprintf(key, sizeof(key), "%zu", ++u->nservers);
			json_object_set_new(servers, key, e);
			if (tunnel)
				u->skipped_tunnels++;
		}
		/* a damaged file ends in an error, not in the last row: say so rather than go on */
		ok = rc == SQLITE_DONE;
	}
	sqlite3_finalize(st);
	columns_free(&cols);
	return ok;
}

bool pgadmin_read(const char *path, pgadmin_user **users, size_t *n, tusk_err *err)
{
	*users = NULL;
	*n = 0;
	char *uri = readonly_uri(path);
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	free(uri);
	struct columns ucols = {0};
	if (rc != SQLITE_OK || !table_columns(db, "user", &ucols) || !has(&ucols, "email")) {
		err_set(err, ERR_NOT_PGADMIN, "%s is not a pgAdmin configuration database: %s", path,
			db ? sqlite3_errmsg(db) : "it cannot be opened");
		columns_free(&ucols);
		sqlite3_close(db);
		return false;
	}
	bool active_col = has(&ucols, "active");
	const char *username = has(&ucols, "username") ? "u.username" : "NULL";
	columns_free(&ucols);
	char sql[640];
	snprintf(sql, sizeof(sql),
		 "SELECT u.id, u.email, %s, EXISTS (SELECT 1 FROM roles_users ru JOIN role r ON r.id = ru.role_id "
		 "WHERE ru.user_id = u.id AND r.name = 'Administrator'), %s FROM \"user\" u ORDER BY u.id",
		 active_col ? "u.active" : "1", username);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		/* an old file without roles: everyone is a user */
		snprintf(sql, sizeof(sql), "SELECT u.id, u.email, %s, 0, %s FROM \"user\" u ORDER BY u.id",
			 active_col ? "u.active" : "1", username);
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
			err_set(err, ERR_NOT_PGADMIN, "pgAdmin's users could not be read from %s: %s", path,
				sqlite3_errmsg(db));
			sqlite3_close(db);
			return false;
		}
	}
	size_t cap = 8;
	pgadmin_user *list = xcalloc(cap, sizeof(*list));
	bool ok = true;
	rc = SQLITE_DONE;
	while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *email = text_at(st, 1);
		if (!email)
			continue;
		if (*n == cap) {
			list = xrealloc(list, (cap *= 2) * sizeof(*list));
			memset(list + *n, 0, (cap - *n) * sizeof(*list));
		}
		pgadmin_user *u = &list[(*n)++];
		u->email = xstrdup(email);
		const char *login = text_at(st, 4);
		u->username = login ? xstrdup(login) : NULL;
		u->active = sqlite3_column_int64(st, 2) != 0;
		u->admin = sqlite3_column_int64(st, 3) != 0;
		u->servers = json_pack("{s:{}}", "Servers");
		ok = read_servers(db, sqlite3_column_int64(st, 0), u);
	}
	if (ok && rc != SQLITE_DONE)
		ok = false;
	sqlite3_finalize(st);
	if (!ok)
		err_set(err, ERR_NOT_PGADMIN, "pgAdmin's servers could not be read from %s: %s", path,
			sqlite3_errmsg(db));
	sqlite3_close(db);
	if (!ok) {
		pgadmin_users_free(list, *n);
		*n = 0;
		return false;
	}
	*users = list;
	return true;
}

void pgadmin_users_free(pgadmin_user *users, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(users[i].email);
		free(users[i].username);
		json_decref(users[i].servers);
	}
	free(users);
}
