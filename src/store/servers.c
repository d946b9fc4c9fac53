/* Server groups, servers and saved (encrypted) passwords. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/internal.h"
#include "util/str.h"

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void store_server_clear(store_server *sv)
{
	char **fields[] = {&sv->group_name,     &sv->name,     &sv->host,     &sv->maintenance_db,
			   &sv->username,       &sv->role,     &sv->service,  &sv->comment,
			   &sv->bg_color,       &sv->fg_color, &sv->db_restriction, &sv->connection_params,
			   &sv->shared_username};
	for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++) {
		free(*fields[i]);
		*fields[i] = NULL;
	}
}

void store_server_list_free(store_server *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		store_server_clear(&list[i]);
	free(list);
}

/* ---- groups ---- */

static void read_group(db_stmt *st, void *elem)
{
	store_group *g = elem;
	g->id = db_col_int(st, 0);
	g->user_id = db_col_int(st, 1);
	store_copy_text(g->name, sizeof(g->name), db_col_text(st, 2));
}

store_group *store_group_list(store *s, int64_t user_id, size_t *n, tusk_err *err)
{
	return store_list_by_user(s, "SELECT id, user_id, name FROM server_groups WHERE user_id = $1 ORDER BY name",
				  user_id, sizeof(store_group), read_group, NULL, n, err);
}

/* Caller holds the lock. */
static bool group_ensure_locked(store *s, int64_t user_id, const char *name, int64_t *id, tusk_err *err)
{
	db_stmt *st = db_prepare(s->d,
				 "INSERT INTO server_groups (user_id, name) VALUES ($1, $2) "
				 "ON CONFLICT (user_id, name) DO UPDATE SET name = excluded.name RETURNING id",
				 err);
	bool ok = false;
	if (st) {
		db_bind_int(st, 1, user_id);
		db_bind_text(st, 2, name);
		if (db_step(st, err) == DB_ROW) {
			*id = db_col_int(st, 0);
			ok = true;
		}
	}
	db_finalize(st);
	return ok;
}

bool store_group_ensure(store *s, int64_t user_id, const char *name, int64_t *id, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	bool ok = group_ensure_locked(s, user_id, name, id, err);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

int store_group_get(store *s, int64_t user_id, int64_t id, store_group *g, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d, "SELECT id, user_id, name FROM server_groups WHERE id = $1 AND user_id = $2", err);
	int found = -1;
	if (st) {
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, user_id);
		enum db_step r = db_step(st, err);
		if (r == DB_ROW) {
			g->id = db_col_int(st, 0);
			g->user_id = db_col_int(st, 1);
			store_copy_text(g->name, sizeof(g->name), db_col_text(st, 2));
		}
		found = r == DB_ROW ? 1 : r == DB_DONE ? 0 : -1;
	}
	db_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return found;
}

bool store_group_rename(store *s, int64_t user_id, int64_t id, const char *name, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d, "UPDATE server_groups SET name = $3 WHERE id = $1 AND user_id = $2", err);
	bool ok = false;
	if (st) {
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, user_id);
		db_bind_text(st, 3, name);
		ok = db_run(st, err);
		if (!ok && store_is_unique_violation(err))
			err_set(err, ERR_GROUP_EXISTS, "You have a group named '%s' already.", name);
	}
	pthread_mutex_unlock(&s->lock);
	return ok;
}

bool store_group_delete(store *s, int64_t user_id, int64_t id, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	bool ok = false;
	db_stmt *st = db_prepare(s->d, "SELECT COUNT(*) FROM servers WHERE group_id = $1", err);
	if (st) {
		db_bind_int(st, 1, id);
		if (db_step(st, err) == DB_ROW) {
			if (db_col_int(st, 0) > 0)
				err_set(err, ERR_GROUP_NOT_EMPTY, "This group still has servers: move or delete them first.");
			else
				ok = true;
		}
	}
	db_finalize(st);
	if (ok) {
		st = db_prepare(s->d, "DELETE FROM server_groups WHERE id = $1 AND user_id = $2", err);
		if (st) {
			db_bind_int(st, 1, id);
			db_bind_int(st, 2, user_id);
		}
		ok = st && db_run(st, err);
	}
	pthread_mutex_unlock(&s->lock);
	return ok;
}

/* ---- servers ---- */

#define SERVER_COLS                                                                                                    \
	"s.id, s.user_id, s.group_id, g.name, s.name, s.host, COALESCE(s.port, 0), s.maintenance_db, s.username, "      \
	"s.role, s.service, s.comment, s.bg_color, s.fg_color, s.db_restriction, s.shared, s.shared_username, "        \
	"s.connection_params, s.created_at, s.updated_at, "                                                            \
	"EXISTS (SELECT 1 FROM server_credentials c WHERE c.server_id = s.id AND c.user_id = $1), "                    \
	"EXISTS (SELECT 1 FROM server_secrets x WHERE x.server_id = s.id AND x.user_id = $1 AND x.name = 'sslpassword')"

/* Own groups hold own servers; a shared server of someone else shows in its owner's group name. */
#define SERVER_FROM " FROM servers s JOIN server_groups g ON g.id = s.group_id WHERE (s.user_id = $1 OR s.shared = 1)"

static void read_server(db_stmt *st, void *elem)
{
	store_server *sv = elem;
	memset(sv, 0, sizeof(*sv));
	sv->id = db_col_int(st, 0);
	sv->user_id = db_col_int(st, 1);
	sv->group_id = db_col_int(st, 2);
	sv->group_name = dup_or_null(db_col_text(st, 3));
	sv->name = dup_or_null(db_col_text(st, 4));
	sv->host = dup_or_null(db_col_text(st, 5));
	sv->port = (int)db_col_int(st, 6);
	sv->maintenance_db = dup_or_null(db_col_text(st, 7));
	sv->username = dup_or_null(db_col_text(st, 8));
	sv->role = dup_or_null(db_col_text(st, 9));
	sv->service = dup_or_null(db_col_text(st, 10));
	sv->comment = dup_or_null(db_col_text(st, 11));
	sv->bg_color = dup_or_null(db_col_text(st, 12));
	sv->fg_color = dup_or_null(db_col_text(st, 13));
	sv->db_restriction = dup_or_null(db_col_text(st, 14));
	sv->shared = db_col_int(st, 15) != 0;
	sv->shared_username = dup_or_null(db_col_text(st, 16));
	sv->connection_params = dup_or_null(db_col_text(st, 17));
	sv->created_at = db_col_int(st, 18);
	sv->updated_at = db_col_int(st, 19);
	sv->has_saved_password = db_col_int(st, 20) != 0;
	sv->has_sslpassword = db_col_int(st, 21) != 0;
}

static void server_list_free(void *list, size_t n)
{
	store_server_list_free(list, n);
}

store_server *store_server_list(store *s, int64_t user_id, size_t *n, tusk_err *err)
{
	return store_list_by_user(s, "SELECT " SERVER_COLS SERVER_FROM " ORDER BY g.name, s.name", user_id,
				  sizeof(store_server), read_server, server_list_free, n, err);
}

int store_server_get(store *s, int64_t user_id, int64_t id, store_server *sv, tusk_err *err)
{
	store_read rd = store_read_begin(s);
	db_stmt *st = db_prepare(rd.d, "SELECT " SERVER_COLS SERVER_FROM " AND s.id = $2", err);
	int found = -1;
	if (st) {
		db_bind_int(st, 1, user_id);
		db_bind_int(st, 2, id);
		enum db_step r = db_step(st, err);
		if (r == DB_ROW)
			read_server(st, sv);
		found = r == DB_ROW ? 1 : r == DB_DONE ? 0 : -1;
	}
	db_finalize(st);
	store_read_end(rd);
	return found;
}

/* $1..$17 in column order after id */
static void bind_server(db_stmt *st, const store_server *sv)
{
	db_bind_int(st, 1, sv->user_id);
	db_bind_int(st, 2, sv->group_id);
	db_bind_text(st, 3, sv->name);
	db_bind_text(st, 4, sv->host);
	if (sv->port)
		db_bind_int(st, 5, sv->port);
	else
		db_bind_null(st, 5);
	db_bind_text(st, 6, sv->maintenance_db ? sv->maintenance_db : "postgres");
	db_bind_text(st, 7, sv->username);
	db_bind_text(st, 8, sv->role);
	db_bind_text(st, 9, sv->service);
	db_bind_text(st, 10, sv->comment);
	db_bind_text(st, 11, sv->bg_color);
	db_bind_text(st, 12, sv->fg_color);
	db_bind_text(st, 13, sv->db_restriction);
	db_bind_int(st, 14, sv->shared);
	db_bind_text(st, 15, sv->shared_username);
	db_bind_text(st, 16, sv->connection_params ? sv->connection_params : "{}");
	db_bind_int(st, 17, sv->updated_at);
}

/* Caller holds the lock. */
static bool insert_server(store *s, store_server *sv, tusk_err *err)
{
	db_stmt *st = db_prepare(s->d,
				 "INSERT INTO servers (user_id, group_id, name, host, port, maintenance_db, username, role, "
				 "service, comment, bg_color, fg_color, db_restriction, shared, shared_username, "
				 "connection_params, updated_at, created_at) "
				 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) "
				 "RETURNING id",
				 err);
	bool ok = false;
	if (st) {
		bind_server(st, sv);
		if (db_step(st, err) == DB_ROW) {
			sv->id = db_col_int(st, 0);
			ok = true;
		}
	}
	db_finalize(st);
	return ok;
}

bool store_server_create(store *s, store_server *sv, tusk_err *err)
{
	sv->created_at = sv->updated_at = time(NULL);
	pthread_mutex_lock(&s->lock);
	bool ok = insert_server(s, sv, err);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

bool store_server_update(store *s, const store_server *sv, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d,
				 "UPDATE servers SET user_id = $1, group_id = $2, name = $3, host = $4, port = $5, "
				 "maintenance_db = $6, username = $7, role = $8, service = $9, comment = $10, "
				 "bg_color = $11, fg_color = $12, db_restriction = $13, shared = $14, "
				 "shared_username = $15, connection_params = $16, updated_at = $17 WHERE id = $18",
				 err);
	if (st) {
		bind_server(st, sv);
		db_bind_int(st, 17, time(NULL));
		db_bind_int(st, 18, sv->id);
	}
	bool ok = st && db_run(st, err);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

bool store_server_delete(store *s, int64_t id, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d, "DELETE FROM servers WHERE id = $1", err);
	if (st)
		db_bind_int(st, 1, id);
	bool ok = st && db_run(st, err);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

bool store_server_import(store *s, int64_t user_id, store_server *list, size_t n, bool replace, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	bool ok = db_begin(s->d, err);
	if (ok && replace) {
		db_stmt *st = db_prepare(s->d, "DELETE FROM servers WHERE user_id = $1", err);
		if (st)
			db_bind_int(st, 1, user_id);
		ok = st && db_run(st, err);
	}
	int64_t now = time(NULL);
	for (size_t i = 0; ok && i < n; i++) {
		list[i].user_id = user_id;
		list[i].created_at = list[i].updated_at = now;
		ok = group_ensure_locked(s, user_id, list[i].group_name ? list[i].group_name : "Servers",
					 &list[i].group_id, err) &&
		     insert_server(s, &list[i], err);
	}
	if (ok) {
		ok = db_exec(s->d, "COMMIT", err);
	} else {
		tusk_err ignored;
		if (!db_exec(s->d, "ROLLBACK", &ignored)) {
			char msg[sizeof(err->msg)];
			snprintf(msg, sizeof(msg), "%s", err->msg);
			err_set(err, ERR_STORE_ERROR, "%s (and the rollback failed: %s)", msg, ignored.msg);
		}
	}
	pthread_mutex_unlock(&s->lock);
	return ok;
}

/* ---- saved passwords ---- */

bool store_credential_set(store *s, int64_t server_id, int64_t user_id, const void *enc, size_t n, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d,
				 "INSERT INTO server_credentials (server_id, user_id, password_enc) VALUES ($1, $2, $3) "
				 "ON CONFLICT (server_id, user_id) DO UPDATE SET password_enc = excluded.password_enc",
				 err);
	if (st) {
		db_bind_int(st, 1, server_id);
		db_bind_int(st, 2, user_id);
		db_bind_blob(st, 3, enc, n);
	}
	bool ok = st && db_run(st, err);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

int store_credential_get(store *s, int64_t server_id, int64_t user_id, unsigned char **out, size_t *n, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st =
		db_prepare(s->d, "SELECT password_enc FROM server_credentials WHERE server_id = $1 AND user_id = $2", err);
	int found = -1;
	if (st) {
		db_bind_int(st, 1, server_id);
		db_bind_int(st, 2, user_id);
		enum db_step r = db_step(st, err);
		if (r == DB_ROW) {
			const void *b = db_col_blob(st, 0, n);
			*out = xmalloc(*n ? *n : 1);
			memcpy(*out, b, *n);
		}
		found = r == DB_ROW ? 1 : r == DB_DONE ? 0 : -1;
	}
	db_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return found;
}

static bool delete_credentials(store *s, const char *sql, int64_t a, int64_t b, bool two, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d, sql, err);
	if (st) {
		db_bind_int(st, 1, a);
		if (two)
			db_bind_int(st, 2, b);
	}
	bool ok = st && db_run(st, err);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

bool store_credential_delete(store *s, int64_t server_id, int64_t user_id, tusk_err *err)
{
	return delete_credentials(s, "DELETE FROM server_credentials WHERE server_id = $1 AND user_id = $2", server_id,
				  user_id, true, err);
}

bool store_credential_delete_user(store *s, int64_t user_id, tusk_err *err)
{
	return delete_credentials(s, "DELETE FROM server_credentials WHERE user_id = $1", user_id, 0, false, err) &&
	       delete_credentials(s, "DELETE FROM server_secrets WHERE user_id = $1", user_id, 0, false, err);
}

/* ---- other secrets (sslpassword) ---- */

bool store_secret_set(store *s, int64_t server_id, int64_t user_id, const char *name, const void *enc, size_t n,
		      tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d,
				 "INSERT INTO server_secrets (server_id, user_id, name, value_enc) VALUES ($1, $2, $3, $4) "
				 "ON CONFLICT (server_id, user_id, name) DO UPDATE SET value_enc = excluded.value_enc",
				 err);
	if (st) {
		db_bind_int(st, 1, server_id);
		db_bind_int(st, 2, user_id);
		db_bind_text(st, 3, name);
		db_bind_blob(st, 4, enc, n);
	}
	bool ok = st && db_run(st, err);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

int store_secret_get(store *s, int64_t server_id, int64_t user_id, const char *name, unsigned char **out, size_t *n,
		     tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(
		s->d, "SELECT value_enc FROM server_secrets WHERE server_id = $1 AND user_id = $2 AND name = $3", err);
	int found = -1;
	if (st) {
		db_bind_int(st, 1, server_id);
		db_bind_int(st, 2, user_id);
		db_bind_text(st, 3, name);
		enum db_step r = db_step(st, err);
		if (r == DB_ROW) {
			const void *b = db_col_blob(st, 0, n);
			*out = xmalloc(*n ? *n : 1);
			memcpy(*out, b, *n);
		}
		found = r == DB_ROW ? 1 : r == DB_DONE ? 0 : -1;
	}
	db_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return found;
}

bool store_secret_delete(store *s, int64_t server_id, int64_t user_id, const char *name, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st =
		db_prepare(s->d, "DELETE FROM server_secrets WHERE server_id = $1 AND user_id = $2 AND name = $3", err);
	if (st) {
		db_bind_int(st, 1, server_id);
		db_bind_int(st, 2, user_id);
		db_bind_text(st, 3, name);
	}
	bool ok = st && db_run(st, err);
	pthread_mutex_unlock(&s->lock);
	return ok;
}
