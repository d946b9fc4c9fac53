#include "store/store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/db.h"
#include "store/internal.h"
#include "util/embed.h"
#include "util/log.h"
#include "util/str.h"

int store_latest_version(void)
{
	return (int)embed_migrations_sqlite_count;
}

/* The migrations of d's dialect: the same numbers and names for both. */
static const embedded_file *migrations(const db *d)
{
	return db_dialect(d) == DB_POSTGRES ? embed_migrations_postgres : embed_migrations_sqlite;
}

static int current_version(db *d, tusk_err *err)
{
	if (!db_exec(d,
		     "CREATE TABLE IF NOT EXISTS tusk_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
		     "applied_at BIGINT NOT NULL)",
		     err))
		return -1;
	db_stmt *s = db_prepare(d, "SELECT COALESCE(MAX(version), 0) FROM tusk_migrations", err);
	if (!s)
		return -1;
	int v = db_step(s, err) == DB_ROW ? (int)db_col_int(s, 0) : -1;
	db_finalize(s);
	return v;
}

/* 1 when migration version is recorded, 0 when not, -1 on an error. */
static int applied(db *d, int version, tusk_err *err)
{
	db_stmt *s = db_prepare(d, "SELECT 1 FROM tusk_migrations WHERE version = $1", err);
	if (!s)
		return -1;
	db_bind_int(s, 1, version);
	enum db_step r = db_step(s, err);
	db_finalize(s);
	return r == DB_ROW ? 1 : r == DB_DONE ? 0 : -1;
}

/* Applies migration number version (1-based) in one transaction, unless
 * another process sharing the store did so meanwhile (*skipped). */
static bool apply(db *d, int version, bool *skipped, tusk_err *err)
{
	const embedded_file *f = &migrations(d)[version - 1];
	size_t n = (size_t)(f->end - f->start);
	char *sql = xstrndup((const char *)f->start, n);
	bool ok = db_begin(d, err);
	int done = ok ? applied(d, version, err) : -1;
	*skipped = done == 1;
	if (done != 0) {
		free(sql);
		tusk_err ignored;
		if (ok && !db_exec(d, "ROLLBACK", &ignored))
			log_msg(LOG_WARN, "store rollback failed", "detail", ignored.msg, NULL);
		return done == 1;
	}
	if (!db_exec(d, sql, err)) {
		ok = false;
		tusk_err ignored;
		if (!db_exec(d, "ROLLBACK", &ignored))
			log_msg(LOG_WARN, "store rollback failed", "detail", ignored.msg, NULL);
	}
	free(sql);
	if (ok) {
		db_stmt *s = db_prepare(d, "INSERT INTO tusk_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
					err);
		if (s) {
			db_bind_int(s, 1, version);
			db_bind_text(s, 2, f->name);
			db_bind_int(s, 3, (int64_t)time(NULL));
		}
		ok = s && db_run(s, err) && db_exec(d, "COMMIT", err);
		tusk_err ignored;
		if (!ok && !db_exec(d, "ROLLBACK", &ignored))
			log_msg(LOG_WARN, "store rollback failed", "detail", ignored.msg, NULL);
	}
	if (!ok) {
		char msg[sizeof(err->msg)];
		snprintf(msg, sizeof(msg), "%s", err->msg);
		err_set(err, ERR_STORE_ERROR, "migration %s failed: %s", f->name, msg);
	}
	return ok;
}

/* Brings the schema to this build's version. Replicas starting together
 * take turns: the first migrates, the others then find nothing to do. */
static bool migrate(store *st, const char *where, tusk_err *err)
{
	if (!db_lock(st->d, "migrate", err))
		return false;
	int v = current_version(st->d, err);
	int latest = store_latest_version();
	bool ok = v >= 0;
	if (ok && v > latest) {
		err_set(err, ERR_STORE_TOO_NEW,
			"the metadata store %s was written by a newer Tusk (schema version %d; this Tusk knows up to %d): "
			"run that newer Tusk, or restore a backup of the store",
			where, v, latest);
		ok = false;
	}
	for (int k = v + 1; ok && k <= latest; k++) {
		bool skipped;
		ok = apply(st->d, k, &skipped, err);
		if (ok && !skipped)
			log_msg(LOG_INFO, "store migrated", "migration", migrations(st->d)[k - 1].name, NULL);
	}
	db_unlock(st->d, "migrate");
	if (ok)
		st->version = latest;
	return ok;
}

store *store_open(const char *data_dir, const char *url, tusk_err *err)
{
	char where[4096];
	db *d;
	if (url && *url) {
		snprintf(where, sizeof(where), "on PostgreSQL");
		d = db_pg_open(url, err);
	} else {
		snprintf(where, sizeof(where), "%s/tusk.db", data_dir);
		d = db_sqlite_open(where, err);
	}
	if (!d)
		return NULL;
	store *st = xcalloc(1, sizeof(*st));
	st->d = d;
	pthread_mutex_init(&st->lock, NULL);
	if (!migrate(st, where, err)) {
		store_close(st);
		return NULL;
	}
	/* readers open once the schema is current */
	for (int i = 0; db_dialect(d) == DB_SQLITE && i < STORE_READERS; i++) {
		tusk_err ignored;
		db *r = db_sqlite_open(where, &ignored);
		if (!r)
			break;
		pthread_mutex_init(&st->readers[i].lock, NULL);
		st->readers[i].d = r;
		st->nreaders++;
	}
	return st;
}

void store_close(store *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->nreaders; i++) {
		db_close(s->readers[i].d);
		pthread_mutex_destroy(&s->readers[i].lock);
	}
	db_close(s->d);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

void store_describe(store *s, char *out, size_t n)
{
	pthread_mutex_lock(&s->lock);
	db_describe(s->d, out, n);
	pthread_mutex_unlock(&s->lock);
}

bool store_shared(store *s)
{
	return db_dialect(s->d) == DB_POSTGRES;
}

bool store_lock_startup(store *s, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	bool ok = db_lock(s->d, "startup", err);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

void store_unlock_startup(store *s)
{
	pthread_mutex_lock(&s->lock);
	db_unlock(s->d, "startup");
	pthread_mutex_unlock(&s->lock);
}

bool store_instance_register(store *s, const char *instance, tusk_err *err)
{
	char name[300];
	snprintf(name, sizeof(name), "instance:%s", instance);
	pthread_mutex_lock(&s->lock);
	bool ok = db_lock(s->d, name, err);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

bool store_ping(store *s, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d, "SELECT 1", err);
	bool ok = st && db_step(st, err) == DB_ROW;
	db_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

unsigned long store_error_count(void)
{
	return db_error_count();
}

int store_schema_version(store *s)
{
	return s->version;
}

/* ---- helpers ---- */

void store_copy_text(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

bool store_run2(store *s, const char *sql, int64_t a, int64_t b, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d, sql, err);
	if (st) {
		db_bind_int(st, 1, a);
		db_bind_int(st, 2, b);
	}
	bool ok = st && db_run(st, err);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

char *store_col_dup(db_stmt *st, int i)
{
	const char *v = db_col_text(st, i);
	return v ? xstrdup(v) : NULL;
}

store_read store_read_begin(store *s)
{
	if (!s->nreaders) {
		pthread_mutex_lock(&s->lock);
		return (store_read){s->d, &s->lock};
	}
	unsigned first = __atomic_fetch_add(&s->next_reader, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < s->nreaders; i++) {
		struct store_reader *r = &s->readers[(first + (unsigned)i) % (unsigned)s->nreaders];
		if (pthread_mutex_trylock(&r->lock) == 0)
			return (store_read){r->d, &r->lock};
	}
	struct store_reader *r = &s->readers[first % (unsigned)s->nreaders];
	pthread_mutex_lock(&r->lock);
	return (store_read){r->d, &r->lock};
}

void store_read_end(store_read r)
{
	pthread_mutex_unlock(r.lock);
}

void *store_list_by_user(store *s, const char *sql, int64_t user_id, size_t size,
			 void (*read)(db_stmt *st, void *elem), void (*free_list)(void *list, size_t n), size_t *n,
			 tusk_err *err)
{
	*n = 0;
	store_read rd = store_read_begin(s);
	db_stmt *st = db_prepare(rd.d, sql, err);
	size_t cap = 1;
	char *list = xcalloc(cap, size);
	enum db_step r = DB_ERROR;
	if (st) {
		db_bind_int(st, 1, user_id);
		while ((r = db_step(st, err)) == DB_ROW) {
			if (*n == cap) {
				list = xrealloc(list, (cap *= 2) * size);
				memset(list + *n * size, 0, (cap - *n) * size);
			}
			read(st, list + (*n)++ * size);
		}
	}
	db_finalize(st);
	store_read_end(rd);
	if (r == DB_ERROR) {
		if (free_list)
			free_list(list, *n);
		else
			free(list);
		*n = 0;
		return NULL;
	}
	return list;
}

static void copy_blob(unsigned char *dst, size_t cap, size_t *len, const void *src, size_t n)
{
	if (n > cap)
		n = cap;
	if (n)
		memcpy(dst, src, n);
	if (len)
		*len = n;
}

char *store_like_pattern(const char *text)
{
	if (!text || !*text)
		return NULL;
	str p = STR_INIT;
	str_append_char(&p, '%');
	for (const char *c = text; *c; c++) {
		if (*c == '%' || *c == '_' || *c == '!')
			str_append_char(&p, '!');
		str_append_char(&p, *c);
	}
	str_append_char(&p, '%');
	return str_take(&p);
}

bool store_is_unique_violation(const tusk_err *err)
{
	return err->code == ERR_STORE_UNIQUE;
}

/* Runs a statement with a single integer result. */
static int64_t scalar(store *s, const char *sql, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d, sql, err);
	int64_t v = -1;
	if (st && db_step(st, err) == DB_ROW)
		v = db_col_int(st, 0);
	db_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return v;
}

bool store_meta_get(store *s, const char *key, char *out, size_t n, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d, "SELECT value FROM meta WHERE key = $1", err);
	bool ok = false;
	if (st) {
		db_bind_text(st, 1, key);
		enum db_step r = db_step(st, err);
		ok = r != DB_ERROR;
		store_copy_text(out, n, r == DB_ROW ? db_col_text(st, 0) : "");
	}
	db_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

bool store_meta_set(store *s, const char *key, const char *value, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = value ? db_prepare(s->d,
					 "INSERT INTO meta (key, value) VALUES ($1, $2) "
					 "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
					 err)
			    : db_prepare(s->d, "DELETE FROM meta WHERE key = $1", err);
	if (st) {
		db_bind_text(st, 1, key);
		if (value)
			db_bind_text(st, 2, value);
	}
	bool ok = st && db_run(st, err);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

/* ---- users ---- */

/* A user with the pause after wrong passwords that applies to its e-mail. */
#define USER_SELECT                                                                                                    \
	"SELECT users.id, users.email, role, password_hash, active, COALESCE(t.locked_until, 0), "                      \
	"COALESCE(t.failures, 0), data_key_wrapped, data_key_salt, created_at, users.updated_at, "                      \
	"COALESCE(last_login_at, 0) FROM users LEFT JOIN login_throttle t ON t.email = users.email"

static void read_user(db_stmt *st, store_user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = db_col_int(st, 0);
	store_copy_text(u->email, sizeof(u->email), db_col_text(st, 1));
	store_copy_text(u->role, sizeof(u->role), db_col_text(st, 2));
	store_copy_text(u->password_hash, sizeof(u->password_hash), db_col_text(st, 3));
	u->active = db_col_int(st, 4) != 0;
	u->locked_until = db_col_int(st, 5);
	u->locked = u->locked_until > (int64_t)time(NULL);
	u->failed_attempts = (int)db_col_int(st, 6);
	size_t n;
	const void *b = db_col_blob(st, 7, &n);
	copy_blob(u->data_key_wrapped, sizeof(u->data_key_wrapped), &u->data_key_wrapped_len, b, n);
	b = db_col_blob(st, 8, &n);
	copy_blob(u->data_key_salt, sizeof(u->data_key_salt), NULL, b, n);
	u->created_at = db_col_int(st, 9);
	u->updated_at = db_col_int(st, 10);
	u->last_login_at = db_col_int(st, 11);
}

int64_t store_user_count(store *s, tusk_err *err)
{
	return scalar(s, "SELECT COUNT(*) FROM users", err);
}

int64_t store_admin_count(store *s, tusk_err *err)
{
	return scalar(s, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1", err);
}

/* Binds the writable user fields as $1..$9 (without id). */
static void bind_user(db_stmt *st, const store_user *u)
{
	db_bind_text(st, 1, u->email);
	db_bind_text(st, 2, u->role);
	db_bind_text(st, 3, u->password_hash);
	db_bind_int(st, 4, u->active);
	db_bind_blob(st, 5, u->data_key_wrapped, u->data_key_wrapped_len);
	db_bind_blob(st, 6, u->data_key_salt, sizeof(u->data_key_salt));
	db_bind_int(st, 7, u->created_at);
	db_bind_int(st, 8, u->updated_at);
	if (u->last_login_at)
		db_bind_int(st, 9, u->last_login_at);
	else
		db_bind_null(st, 9);
}

bool store_user_create(store *s, store_user *u, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d,
				 "INSERT INTO users (email, role, password_hash, active, data_key_wrapped, "
				 "data_key_salt, created_at, updated_at, last_login_at) "
				 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
				 err);
	bool ok = false;
	if (st) {
		bind_user(st, u);
		if (db_step(st, err) == DB_ROW) {
			u->id = db_col_int(st, 0);
			ok = true;
		} else if (store_is_unique_violation(err)) {
			err_set(err, ERR_EMAIL_TAKEN, "A user with the e-mail %s exists already.", u->email);
		}
	}
	db_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

static int user_by(store *s, const char *sql, const char *text, int64_t id, store_user *u, tusk_err *err)
{
	store_read rd = store_read_begin(s);
	db_stmt *st = db_prepare(rd.d, sql, err);
	int found = -1;
	if (st) {
		if (text)
			db_bind_text(st, 1, text);
		else
			db_bind_int(st, 1, id);
		enum db_step r = db_step(st, err);
		if (r == DB_ROW)
			read_user(st, u);
		found = r == DB_ROW ? 1 : r == DB_DONE ? 0 : -1;
	}
	db_finalize(st);
	store_read_end(rd);
	return found;
}

int store_user_by_email(store *s, const char *email, store_user *u, tusk_err *err)
{
	return user_by(s, USER_SELECT " WHERE users.email = $1", email, 0, u, err);
}

int store_user_by_id(store *s, int64_t id, store_user *u, tusk_err *err)
{
	return user_by(s, USER_SELECT " WHERE users.id = $1", NULL, id, u, err);
}

bool store_user_update(store *s, const store_user *u, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d,
				 "UPDATE users SET email = $1, role = $2, password_hash = $3, active = $4, "
				 "data_key_wrapped = $5, data_key_salt = $6, created_at = $7, updated_at = $8, "
				 "last_login_at = $9 WHERE id = $10",
				 err);
	bool ok = false;
	if (st) {
		bind_user(st, u);
		db_bind_int(st, 10, u->id);
		ok = db_run(st, err);
		if (!ok && store_is_unique_violation(err))
			err_set(err, ERR_EMAIL_TAKEN, "A user with the e-mail %s exists already.", u->email);
	}
	if (ok)
		store_auth_changed(s);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

bool store_user_delete(store *s, int64_t id, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d, "DELETE FROM users WHERE id = $1", err);
	if (st)
		db_bind_int(st, 1, id);
	bool ok = st && db_run(st, err);
	if (ok)
		store_auth_changed(s);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

/* ---- the pause after wrong passwords, per e-mail address ---- */

bool store_login_failed(store *s, const char *email, int64_t now, int forget_after, int *failures, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d,
				 "INSERT INTO login_throttle (email, failures, locked_until, updated_at) VALUES ($1, 1, 0, $2) "
				 "ON CONFLICT (email) DO UPDATE SET failures = CASE WHEN login_throttle.updated_at < $3 "
				 "THEN 1 ELSE login_throttle.failures + 1 END, updated_at = $2 RETURNING failures",
				 err);
	bool ok = false;
	if (st) {
		db_bind_text(st, 1, email);
		db_bind_int(st, 2, now);
		db_bind_int(st, 3, now - forget_after);
		if (db_step(st, err) == DB_ROW) {
			*failures = (int)db_col_int(st, 0);
			ok = true;
		}
	}
	db_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

bool store_login_pause(store *s, const char *email, int64_t until, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d, "UPDATE login_throttle SET locked_until = $2 WHERE email = $1", err);
	if (st) {
		db_bind_text(st, 1, email);
		db_bind_int(st, 2, until);
	}
	bool ok = st && db_run(st, err);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

int64_t store_login_paused_until(store *s, const char *email, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d, "SELECT locked_until FROM login_throttle WHERE email = $1", err);
	int64_t until = -1;
	if (st) {
		db_bind_text(st, 1, email);
		enum db_step r = db_step(st, err);
		until = r == DB_ROW ? db_col_int(st, 0) : r == DB_DONE ? 0 : -1;
	}
	db_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return until;
}

bool store_login_clear(store *s, const char *email, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d, "DELETE FROM login_throttle WHERE email = $1", err);
	if (st)
		db_bind_text(st, 1, email);
	bool ok = st && db_run(st, err);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

bool store_login_purge(store *s, int64_t before, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d, "DELETE FROM login_throttle WHERE updated_at < $1 AND locked_until < $1", err);
	if (st)
		db_bind_int(st, 1, before);
	bool ok = st && db_run(st, err);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

store_user *store_user_list(store *s, size_t *n, tusk_err *err)
{
	*n = 0;
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d, USER_SELECT " ORDER BY users.email", err);
	store_user *list = NULL;
	size_t cap = 0;
	enum db_step r = DB_ERROR;
	while (st && (r = db_step(st, err)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			list = xrealloc(list, cap * sizeof(*list));
		}
		read_user(st, &list[(*n)++]);
	}
	db_finalize(st);
	pthread_mutex_unlock(&s->lock);
	if (r == DB_ERROR) {
		free(list);
		*n = 0;
		return NULL;
	}
	return list ? list : xcalloc(1, sizeof(*list));
}

/* ---- login sessions ---- */

bool store_session_create(store *s, const store_session *ss, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d,
				 "INSERT INTO sessions (id_hash, user_id, csrf_token, data_key_wrapped, created_at, "
				 "last_seen_at, expires_at, client_addr) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
				 err);
	if (st) {
		db_bind_text(st, 1, ss->id_hash);
		db_bind_int(st, 2, ss->user_id);
		db_bind_text(st, 3, ss->csrf_token);
		db_bind_blob(st, 4, ss->data_key_wrapped, ss->data_key_wrapped_len);
		db_bind_int(st, 5, ss->created_at);
		db_bind_int(st, 6, ss->last_seen_at);
		db_bind_int(st, 7, ss->expires_at);
		db_bind_text(st, 8, ss->client_addr);
	}
	bool ok = st && db_run(st, err);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

int store_session_get(store *s, const char *id_hash, store_session *ss, tusk_err *err)
{
	store_read rd = store_read_begin(s);
	db_stmt *st = db_prepare(rd.d,
				 "SELECT id_hash, user_id, csrf_token, data_key_wrapped, created_at, last_seen_at, "
				 "expires_at, COALESCE(client_addr, '') FROM sessions WHERE id_hash = $1",
				 err);
	int found = -1;
	if (st) {
		db_bind_text(st, 1, id_hash);
		enum db_step r = db_step(st, err);
		if (r == DB_ROW) {
			memset(ss, 0, sizeof(*ss));
			store_copy_text(ss->id_hash, sizeof(ss->id_hash), db_col_text(st, 0));
			ss->user_id = db_col_int(st, 1);
			store_copy_text(ss->csrf_token, sizeof(ss->csrf_token), db_col_text(st, 2));
			size_t n;
			const void *b = db_col_blob(st, 3, &n);
			copy_blob(ss->data_key_wrapped, sizeof(ss->data_key_wrapped), &ss->data_key_wrapped_len, b, n);
			ss->created_at = db_col_int(st, 4);
			ss->last_seen_at = db_col_int(st, 5);
			ss->expires_at = db_col_int(st, 6);
			store_copy_text(ss->client_addr, sizeof(ss->client_addr), db_col_text(st, 7));
		}
		found = r == DB_ROW ? 1 : r == DB_DONE ? 0 : -1;
	}
	db_finalize(st);
	store_read_end(rd);
	return found;
}

/* Runs sql with $1 text and optional $2 integer/text; revoking: it may end sessions. */
static bool exec_text_int(store *s, const char *sql, const char *text, int64_t num, bool has_num, bool revoking,
			  tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d, sql, err);
	if (st) {
		db_bind_text(st, 1, text);
		if (has_num)
			db_bind_int(st, 2, num);
	}
	bool ok = st && db_run(st, err);
	if (ok && revoking)
		store_auth_changed(s);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

void store_auth_changed(store *s)
{
	__atomic_add_fetch(&s->auth_gen, 1, __ATOMIC_SEQ_CST);
	db_announce(s->d);
}

bool store_auth_generation(store *s, uint64_t *gen)
{
	uint64_t theirs = 0;
	bool ok;
	if (db_dialect(s->d) == DB_SQLITE) {
		pthread_mutex_lock(&s->lock);
		ok = db_changes_seen(s->d, &theirs);
		pthread_mutex_unlock(&s->lock);
	} else {
		ok = db_changes_seen(s->d, &theirs);
	}
	*gen = (theirs << 32) + (__atomic_load_n(&s->auth_gen, __ATOMIC_SEQ_CST) & 0xffffffffu);
	return ok;
}

bool store_session_touch(store *s, const char *id_hash, int64_t now, tusk_err *err)
{
	return exec_text_int(s, "UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1", id_hash, now, true, false,
			     err);
}

bool store_session_delete(store *s, const char *id_hash, tusk_err *err)
{
	return exec_text_int(s, "DELETE FROM sessions WHERE id_hash = $1", id_hash, 0, false, true, err);
}

bool store_session_delete_user(store *s, int64_t user_id, const char *keep_hash, tusk_err *err)
{
	return exec_text_int(s, "DELETE FROM sessions WHERE user_id = $2 AND id_hash <> COALESCE($1, '')", keep_hash,
			     user_id, true, true, err);
}

bool store_session_purge(store *s, int64_t now, int idle_seconds, tusk_err *err)
{
	return store_run2(s, "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at + $2 <= $1", now, idle_seconds, err);
}

/* ---- audit log ---- */

bool store_audit_add(store *s, const store_audit *a, tusk_err *err)
{
	pthread_mutex_lock(&s->lock);
	db_stmt *st = db_prepare(s->d,
				 "INSERT INTO audit_log (time, user_id, user_email, event, client_addr, detail) "
				 "VALUES ($1, $2, $3, $4, $5, $6)",
				 err);
	if (st) {
		db_bind_int(st, 1, a->time);
		if (a->user_id)
			db_bind_int(st, 2, a->user_id);
		else
			db_bind_null(st, 2);
		db_bind_text(st, 3, a->user_email[0] ? a->user_email : NULL);
		db_bind_text(st, 4, a->event);
		db_bind_text(st, 5, a->client_addr[0] ? a->client_addr : NULL);
		db_bind_text(st, 6, a->detail[0] ? a->detail : NULL);
	}
	bool ok = st && db_run(st, err);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

#define AUDIT_WHERE                                                                                                    \
	" FROM audit_log WHERE ($1 IS NULL OR event = $1) AND ($3 = 0 OR user_id = $3) AND ($2 IS NULL OR "           \
	"lower(COALESCE(user_email, '') || ' ' || COALESCE(client_addr, '') || ' ' || COALESCE(detail, '')) "        \
	"LIKE lower($2) ESCAPE '!')"

static void bind_audit_filter(db_stmt *st, const store_audit_filter *f, const char *pattern)
{
	db_bind_text(st, 1, f->event && *f->event ? f->event : NULL);
	db_bind_text(st, 2, pattern);
	db_bind_int(st, 3, f->user_id);
}

store_audit *store_audit_list(store *s, const store_audit_filter *f, size_t *n, int64_t *total, tusk_err *err)
{
	*n = 0;
	*total = 0;
	char *pattern = store_like_pattern(f->text);
	pthread_mutex_lock(&s->lock);
	store_audit *list = NULL;
	bool ok = false;
	db_stmt *st = db_prepare(s->d, "SELECT COUNT(*)" AUDIT_WHERE, err);
	if (st) {
		bind_audit_filter(st, f, pattern);
		if (db_step(st, err) == DB_ROW) {
			*total = db_col_int(st, 0);
			ok = true;
		}
	}
	db_finalize(st);
	st = ok ? db_prepare(s->d,
			     "SELECT id, time, COALESCE(user_id, 0), COALESCE(user_email, ''), event, "
			     "COALESCE(client_addr, ''), COALESCE(detail, '')" AUDIT_WHERE
			     " ORDER BY id DESC LIMIT $4 OFFSET $5",
			     err)
		: NULL;
	ok = false;
	if (st) {
		bind_audit_filter(st, f, pattern);
		db_bind_int(st, 4, f->limit);
		db_bind_int(st, 5, f->offset);
		list = xcalloc((size_t)(f->limit > 0 ? f->limit : 1), sizeof(*list));
		enum db_step r;
		while ((r = db_step(st, err)) == DB_ROW && *n < (size_t)f->limit) {
			store_audit *a = &list[(*n)++];
			a->id = db_col_int(st, 0);
			a->time = db_col_int(st, 1);
			a->user_id = db_col_int(st, 2);
			store_copy_text(a->user_email, sizeof(a->user_email), db_col_text(st, 3));
			store_copy_text(a->event, sizeof(a->event), db_col_text(st, 4));
			store_copy_text(a->client_addr, sizeof(a->client_addr), db_col_text(st, 5));
			store_copy_text(a->detail, sizeof(a->detail), db_col_text(st, 6));
		}
		ok = r != DB_ERROR;
	}
	db_finalize(st);
	pthread_mutex_unlock(&s->lock);
	free(pattern);
	if (!ok) {
		free(list);
		*n = 0;
		return NULL;
	}
	return list;
}
