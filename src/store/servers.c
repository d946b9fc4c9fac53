/* Server groups, servers and saved (encrypted) passwords. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/internal.h"
#include "util/str.h"

void store_server_clear(store_server *sv)
{
	char **fields[] = {&sv->group_name,
			   &sv->name,
			   &sv->host,
			   &sv->maintenance_db,
			   &sv->username,
			   &sv->role,
			   &sv->service,
			   &sv->comment,
			   &sv->bg_color,
			   &sv->fg_color,
			   &sv->db_restriction,
			   &sv->connection_params,
			   &sv->shared_username,
			   &sv->tunnel_host,
			   &sv->tunnel_username,
			   &sv->tunnel_identity_file,
			   &sv->tunnel_host_key};
	for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++) {
		free(*fields[i]);
		*fields[i] = NULL;
	}
}

STORE_LIST_FREE(store_server_list_free, store_server, store_server_clear)

/* ---- groups ---- */

static void read_group(db_stmt *st, void *elem)
{
	store_group *g = elem;
	store_cols(st, "iic", &g->id, &g->user_id, g->name, sizeof(g->name));
}

store_group *store_group_list(store *s, int64_t user_id, size_t *n, tusk_err *err)
{
	store_list l = {.size = sizeof(store_group), .read = read_group};
	bool ok = store_sql(s, STORE_READ, store_list_row, &l, err,
			    "SELECT id, user_id, name FROM server_groups WHERE user_id = $1 ORDER BY name", "i",
			    user_id) >= 0;
	return store_list_done(&l, ok, n, NULL);
}

#define GROUP_ENSURE                                                                                                   \
	"INSERT INTO server_groups (user_id, name) VALUES ($1, $2) "                                                   \
	"ON CONFLICT (user_id, name) DO UPDATE SET name = excluded.name RETURNING id"

bool store_group_ensure(store *s, int64_t user_id, const char *name, int64_t *id, tusk_err *err)
{
	return store_sql(s, STORE_WRITE, store_row_int, id, err, GROUP_ENSURE, "it", user_id, name) == 1;
}

int store_group_get(store *s, int64_t user_id, int64_t id, store_group *g, tusk_err *err)
{
	return (int)store_sql(s, STORE_READ, read_group, g, err,
			      "SELECT id, user_id, name FROM server_groups WHERE id = $1 AND user_id = $2", "ii", id,
			      user_id);
}

bool store_group_rename(store *s, int64_t user_id, int64_t id, const char *name, tusk_err *err)
{
	if (store_exec(s, err, "UPDATE server_groups SET name = $3 WHERE id = $1 AND user_id = $2", "iit", id, user_id,
		       name))
		return true;
	if (store_is_unique_violation(err))
		err_set(err, ERR_GROUP_EXISTS, "You have a group named '%s' already.", name);
	return false;
}

bool store_group_delete(store *s, int64_t user_id, int64_t id, tusk_err *err)
{
	/* one statement: a server added meanwhile keeps the group */
	int64_t deleted = store_sql(s, STORE_WRITE, NULL, NULL, err,
				    "DELETE FROM server_groups WHERE id = $1 AND user_id = $2 AND NOT EXISTS "
				    "(SELECT 1 FROM servers WHERE group_id = $1) RETURNING id",
				    "ii", id, user_id);
	if (deleted != 0)
		return deleted > 0;
	int64_t servers = 0;
	if (store_sql(s, STORE_READ, store_row_int, &servers, err, "SELECT COUNT(*) FROM servers WHERE group_id = $1",
		      "i", id) != 1)
		return false;
	if (servers > 0) {
		err_set(err, ERR_GROUP_NOT_EMPTY, "This group still has servers: move or delete them first.");
		return false;
	}
	return true; /* no such group of the user's: nothing to delete */
}

/* ---- servers ---- */

#define SERVER_COLS                                                                                                        \
	"s.id, s.user_id, s.group_id, g.name, s.name, s.host, COALESCE(s.port, 0), s.maintenance_db, s.username, "         \
	"s.role, s.service, s.comment, s.bg_color, s.fg_color, s.db_restriction, s.shared, s.shared_username, "            \
	"s.connection_params, s.created_at, s.updated_at, "                                                                \
	"EXISTS (SELECT 1 FROM server_credentials c WHERE c.server_id = s.id AND c.user_id = $1), "                        \
	"EXISTS (SELECT 1 FROM server_secrets x WHERE x.server_id = s.id AND x.user_id = $1 AND x.name = 'sslpassword'), " \
	"s.use_ssh_tunnel, s.tunnel_host, s.tunnel_port, s.tunnel_username, s.tunnel_authentication, "                     \
	"s.tunnel_identity_file, s.tunnel_keepalive, s.tunnel_host_key, "                                                  \
	"EXISTS (SELECT 1 FROM server_secrets x WHERE x.server_id = s.id AND x.user_id = $1 "                              \
	"AND x.name = 'tunnel_password')"

/* Own groups hold own servers; a shared server of someone else shows in its owner's group name. */
#define SERVER_FROM " FROM servers s JOIN server_groups g ON g.id = s.group_id WHERE (s.user_id = $1 OR s.shared = 1)"

static void read_server(db_stmt *st, void *elem)
{
	store_server *sv = elem;
	memset(sv, 0, sizeof(*sv));
	store_cols(st, "iiitttdttttttttbttiibbbtdtdtdtb", &sv->id, &sv->user_id, &sv->group_id, &sv->group_name,
		   &sv->name, &sv->host, &sv->port, &sv->maintenance_db, &sv->username, &sv->role, &sv->service,
		   &sv->comment, &sv->bg_color, &sv->fg_color, &sv->db_restriction, &sv->shared, &sv->shared_username,
		   &sv->connection_params, &sv->created_at, &sv->updated_at, &sv->has_saved_password,
		   &sv->has_sslpassword, &sv->use_ssh_tunnel, &sv->tunnel_host, &sv->tunnel_port, &sv->tunnel_username,
		   &sv->tunnel_authentication, &sv->tunnel_identity_file, &sv->tunnel_keepalive, &sv->tunnel_host_key,
		   &sv->has_tunnel_password);
}

static void free_servers(void *list, size_t n)
{
	store_server_list_free(list, n);
}

store_server *store_server_list(store *s, int64_t user_id, size_t *n, tusk_err *err)
{
	store_list l = {.size = sizeof(store_server), .read = read_server};
	bool ok = store_sql(s, STORE_READ, store_list_row, &l, err,
			    "SELECT " SERVER_COLS SERVER_FROM " ORDER BY g.name, s.name", "i", user_id) >= 0;
	return store_list_done(&l, ok, n, free_servers);
}

int store_server_get(store *s, int64_t user_id, int64_t id, store_server *sv, tusk_err *err)
{
	return (int)store_sql(s, STORE_READ, read_server, sv, err, "SELECT " SERVER_COLS SERVER_FROM " AND s.id = $2",
			      "ii", user_id, id);
}

/* $1..$25 in column order after id */
#define SERVER_ARGS "iittnttttttttdttidtdtdtdt"
#define SERVER_VALUES(sv, at)                                                                                          \
	(sv)->user_id, (sv)->group_id, (sv)->name, (sv)->host, (int64_t)(sv)->port,                                    \
	    (sv)->maintenance_db ? (sv)->maintenance_db : "postgres", (sv)->username, (sv)->role, (sv)->service,       \
	    (sv)->comment, (sv)->bg_color, (sv)->fg_color, (sv)->db_restriction, (int)(sv)->shared,                    \
	    (sv)->shared_username, (sv)->connection_params ? (sv)->connection_params : "{}", (int64_t)(at),            \
	    (int)(sv)->use_ssh_tunnel, (sv)->tunnel_host, (sv)->tunnel_port ? (sv)->tunnel_port : 22,                  \
	    (sv)->tunnel_username, (sv)->tunnel_authentication, (sv)->tunnel_identity_file, (sv)->tunnel_keepalive,    \
	    (sv)->tunnel_host_key

#define INSERT_SERVER                                                                                                  \
	"INSERT INTO servers (user_id, group_id, name, host, port, maintenance_db, username, role, service, comment, " \
	"bg_color, fg_color, db_restriction, shared, shared_username, connection_params, updated_at, created_at, "     \
	"use_ssh_tunnel, tunnel_host, tunnel_port, tunnel_username, tunnel_authentication, tunnel_identity_file, "     \
	"tunnel_keepalive, tunnel_host_key) "                                                                          \
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18, $19, $20, "     \
	"$21, $22, $23, $24, $25) RETURNING id"

bool store_server_create(store *s, store_server *sv, tusk_err *err)
{
	sv->created_at = sv->updated_at = time(NULL);
	return store_sql(s, STORE_WRITE, store_row_int, &sv->id, err, INSERT_SERVER, SERVER_ARGS,
			 SERVER_VALUES(sv, sv->updated_at)) == 1;
}

bool store_server_update(store *s, const store_server *sv, tusk_err *err)
{
	return store_exec(
	    s, err,
	    "UPDATE servers SET user_id = $1, group_id = $2, name = $3, host = $4, port = $5, "
	    "maintenance_db = $6, username = $7, role = $8, service = $9, comment = $10, bg_color = $11, "
	    "fg_color = $12, db_restriction = $13, shared = $14, shared_username = $15, connection_params = $16, "
	    "updated_at = $17, use_ssh_tunnel = $18, tunnel_host = $19, tunnel_port = $20, tunnel_username = $21, "
	    "tunnel_authentication = $22, tunnel_identity_file = $23, tunnel_keepalive = $24, tunnel_host_key = $25 "
	    "WHERE id = $26",
	    SERVER_ARGS "i", SERVER_VALUES(sv, time(NULL)), sv->id);
}

bool store_server_set_host_key(store *s, int64_t id, const char *fingerprint, tusk_err *err)
{
	return store_exec(s, err, "UPDATE servers SET tunnel_host_key = $2 WHERE id = $1", "it", id, fingerprint);
}

bool store_server_delete(store *s, int64_t id, tusk_err *err)
{
	return store_exec(s, err, "DELETE FROM servers WHERE id = $1", "i", id);
}

bool store_server_import(store *s, int64_t user_id, store_server *list, size_t n, bool replace, tusk_err *err)
{
	if (!store_tx_begin(s, err))
		return false;
	bool ok = !replace ||
		  store_sql_on(s->d, NULL, NULL, err, "DELETE FROM servers WHERE user_id = $1", "i", user_id) >= 0;
	int64_t now = time(NULL);
	for (size_t i = 0; ok && i < n; i++) {
		store_server *sv = &list[i];
		sv->user_id = user_id;
		sv->created_at = sv->updated_at = now;
		ok = store_sql_on(s->d, store_row_int, &sv->group_id, err, GROUP_ENSURE, "it", user_id,
				  sv->group_name ? sv->group_name : "Servers") == 1 &&
		     store_sql_on(s->d, store_row_int, &sv->id, err, INSERT_SERVER, SERVER_ARGS,
				  SERVER_VALUES(sv, now)) == 1;
	}
	return store_tx_end(s, ok, err);
}

/* ---- saved passwords, and other secrets by name (sslpassword) ---- */

struct blob_out {
	unsigned char **out;
	size_t *n;
};

static void read_blob(db_stmt *st, void *ctx)
{
	struct blob_out *b = ctx;
	const void *v = db_col_blob(st, 0, b->n);
	*b->out = xmalloc(*b->n ? *b->n : 1);
	memcpy(*b->out, v, *b->n);
}

bool store_credential_set(store *s, int64_t server_id, int64_t user_id, const void *enc, size_t n, tusk_err *err)
{
	return store_exec(s, err,
			  "INSERT INTO server_credentials (server_id, user_id, password_enc) VALUES ($1, $2, $3) "
			  "ON CONFLICT (server_id, user_id) DO UPDATE SET password_enc = excluded.password_enc",
			  "iib", server_id, user_id, enc, n);
}

int store_credential_get(store *s, int64_t server_id, int64_t user_id, unsigned char **out, size_t *n, tusk_err *err)
{
	struct blob_out b = {out, n};
	return (int)store_sql(s, STORE_READ, read_blob, &b, err,
			      "SELECT password_enc FROM server_credentials WHERE server_id = $1 AND user_id = $2", "ii",
			      server_id, user_id);
}

bool store_credential_delete(store *s, int64_t server_id, int64_t user_id, tusk_err *err)
{
	return store_exec(s, err, "DELETE FROM server_credentials WHERE server_id = $1 AND user_id = $2", "ii",
			  server_id, user_id);
}

bool store_credential_delete_user(store *s, int64_t user_id, tusk_err *err)
{
	return store_exec(s, err, "DELETE FROM server_credentials WHERE user_id = $1", "i", user_id) &&
	       store_exec(s, err, "DELETE FROM server_secrets WHERE user_id = $1", "i", user_id);
}

bool store_credential_delete_server(store *s, int64_t server_id, tusk_err *err)
{
	return store_exec(s, err, "DELETE FROM server_credentials WHERE server_id = $1", "i", server_id) &&
	       store_exec(s, err, "DELETE FROM server_secrets WHERE server_id = $1", "i", server_id);
}

bool store_secret_set(store *s, int64_t server_id, int64_t user_id, const char *name, const void *enc, size_t n,
		      tusk_err *err)
{
	return store_exec(s, err,
			  "INSERT INTO server_secrets (server_id, user_id, name, value_enc) VALUES ($1, $2, $3, $4) "
			  "ON CONFLICT (server_id, user_id, name) DO UPDATE SET value_enc = excluded.value_enc",
			  "iitb", server_id, user_id, name, enc, n);
}

int store_secret_get(store *s, int64_t server_id, int64_t user_id, const char *name, unsigned char **out, size_t *n,
		     tusk_err *err)
{
	struct blob_out b = {out, n};
	return (int)store_sql(
	    s, STORE_READ, read_blob, &b, err,
	    "SELECT value_enc FROM server_secrets WHERE server_id = $1 AND user_id = $2 AND name = $3", "iit",
	    server_id, user_id, name);
}

bool store_secret_delete(store *s, int64_t server_id, int64_t user_id, const char *name, tusk_err *err)
{
	return store_exec(s, err, "DELETE FROM server_secrets WHERE server_id = $1 AND user_id = $2 AND name = $3",
			  "iit", server_id, user_id, name);
}
