#include "store/store.h"

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/db.h"
#include "store/internal.h"
#include "util/embed.h"
#include "util/log.h"
#include "util/str.h"

/* ---- the one way a statement runs ---- */

/* Binds args (see store_sql) to st from ap. */
static void bind_args(db_stmt *st, const char *args, va_list ap)
{
	for (int i = 1; args && args[i - 1]; i++) {
		switch (args[i - 1]) {
		case 't':
			db_bind_text(st, i, va_arg(ap, const char *));
			break;
		case 'i':
			db_bind_int(st, i, va_arg(ap, int64_t));
			break;
		case 'd':
			db_bind_int(st, i, va_arg(ap, int));
			break;
		case 'n': {
			int64_t v = va_arg(ap, int64_t);
			if (v)
				db_bind_int(st, i, v);
			else
				db_bind_null(st, i);
			break;
		}
		case 'b': {
			const void *p = va_arg(ap, const void *);
			db_bind_blob(st, i, p, va_arg(ap, size_t));
			break;
		}
		default:
			abort(); /* a letter the code itself got wrong */
		}
	}
}

/* The highest $n of sql outside quotes: the letters args must have. */
static size_t params_in(const char *sql)
{
	size_t max = 0;
	char quote = 0;
	for (const char *p = sql; *p; p++) {
		if (quote) {
			quote = *p == quote ? 0 : quote;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '$' && p[1] >= '1' && p[1] <= '9') {
			size_t n = strtoul(p + 1, NULL, 10);
			max = n > max ? n : max;
		}
	}
	return max;
}

static int64_t run(db *d, store_row_fn row, void *ctx, tusk_err *err, const char *sql, const char *args, va_list ap)
{
	if (params_in(sql) != strlen(args)) {
		err_set(err, ERR_INTERNAL, "a store statement has %zu parameters and %zu arguments", params_in(sql),
			strlen(args));
		return -1;
	}
	db_stmt *st = db_prepare(d, sql, err);
	if (!st)
		return -1;
	bind_args(st, args, ap);
	int64_t rows = 0;
	enum db_step r;
	while ((r = db_step(st, err)) == DB_ROW) {
		if (row)
			row(st, ctx);
		rows++;
	}
	db_finalize(st);
	return r == DB_DONE ? rows : -1;
}

/* A connection of the pool, locked; the main one when there is none. */
static struct store_conn *pool_conn(store *s)
{
	unsigned first = __atomic_fetch_add(&s->next, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < s->npool; i++) {
		struct store_conn *c = &s->pool[(first + (unsigned)i) % (unsigned)s->npool];
		if (pthread_mutex_trylock(&c->lock) == 0)
			return c;
	}
	struct store_conn *c = &s->pool[first % (unsigned)s->npool];
	pthread_mutex_lock(&c->lock);
	return c;
}

int64_t store_sql(store *s, enum store_how how, store_row_fn row, void *ctx, tusk_err *err, const char *sql,
		  const char *args, ...)
{
	/* SQLite has one writer; its pool only reads. PostgreSQL's pool does both. */
	bool pooled = s->npool && (how == STORE_READ || db_dialect(s->d) == DB_POSTGRES);
	struct store_conn *c = pooled ? pool_conn(s) : NULL;
	db *d = c ? c->d : store_main(s);
	va_list ap;
	va_start(ap, args);
	int64_t rows = run(d, row, ctx, err, sql, args, ap);
	va_end(ap);
	if (rows >= 0 && how == STORE_REVOKE) {
		__atomic_add_fetch(&s->auth_gen, 1, __ATOMIC_SEQ_CST);
		db_announce(d);
	}
	if (c)
		pthread_mutex_unlock(&c->lock);
	else
		store_main_end(s);
	return rows;
}

int64_t store_sql_on(db *d, store_row_fn row, void *ctx, tusk_err *err, const char *sql, const char *args, ...)
{
	va_list ap;
	va_start(ap, args);
	int64_t rows = run(d, row, ctx, err, sql, args, ap);
	va_end(ap);
	return rows;
}

db *store_main(store *s)
{
	pthread_mutex_lock(&s->lock);
	return s->d;
}

void store_main_end(store *s)
{
	pthread_mutex_unlock(&s->lock);
}

bool store_tx_begin(store *s, tusk_err *err)
{
	db *d = store_main(s);
	if (db_begin(d, err))
		return true;
	store_main_end(s);
	return false;
}

bool store_tx_end(store *s, bool ok, tusk_err *err)
{
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
	store_main_end(s);
	return ok;
}

void store_list_row(db_stmt *st, void *ctx)
{
	store_list *l = ctx;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->items = xrealloc(l->items, l->cap * l->size);
	}
	char *elem = l->items + l->n++ * l->size;
	memset(elem, 0, l->size);
	l->read(st, elem);
}

void *store_list_done(store_list *l, bool ok, size_t *n, void (*free_list)(void *list, size_t n))
{
	*n = ok ? l->n : 0;
	if (!ok) {
		if (free_list)
			free_list(l->items, l->n);
		else
			free(l->items);
		return NULL;
	}
	return l->items ? l->items : xcalloc(1, l->size);
}

void store_row_int(db_stmt *st, void *ctx)
{
	*(int64_t *)ctx = db_col_int(st, 0);
}

/* ---- migrations ---- */

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
	int64_t v = -1;
	return store_sql_on(d, store_row_int, &v, err, "SELECT COALESCE(MAX(version), 0) FROM tusk_migrations", "") == 1
		   ? (int)v
		   : -1;
}

static void rollback(db *d)
{
	tusk_err ignored;
	if (!db_exec(d, "ROLLBACK", &ignored))
		log_msg(LOG_WARN, "store rollback failed", "detail", ignored.msg, NULL);
}

/* ---- SQLite: ids never handed out twice ----
 * A SQLite table whose key is a plain INTEGER PRIMARY KEY gives a new row
 * the largest id plus one, so deleting the newest row handed its id to the
 * next one (a new user then owned the deleted user's storage area). A
 * migration holding the line "-- tusk:autoincrement TABLE ..." rebuilds
 * each TABLE from its own stored definition (with every column a later
 * ALTER added) as AUTOINCREMENT, keeping its rows, indexes and triggers.
 * PostgreSQL's identity columns never reuse a value. */

static void add_text(db_stmt *st, void *ctx)
{
	str *out = ctx;
	const char *t = db_col_text(st, 0);
	if (t)
		str_appendf(out, "%s;\n", t);
}

static bool rebuild_autoincrement(db *d, const char *table, tusk_err *err)
{
	static const char key_def[] = "id INTEGER PRIMARY KEY";
	str def = STR_INIT, again = STR_INIT, sql = STR_INIT;
	char head[96];
	snprintf(head, sizeof(head), "CREATE TABLE %s (", table);
	bool ok = store_sql_on(d, add_text, &def, err,
			       "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = $1", "t", table) == 1;
	const char *key = ok ? strstr(def.buf, key_def) : NULL;
	if (ok && (!key || strncmp(def.buf, head, strlen(head)) != 0)) {
		err_set(err, ERR_STORE_ERROR, "the table %s has no plain integer id to keep", table);
		ok = false;
	}
	bool done = ok && strstr(def.buf, "AUTOINCREMENT") != NULL;
	/* its indexes and triggers, made again on the new table */
	ok = ok && (done || store_sql_on(d, add_text, &again, err,
					 "SELECT sql FROM sqlite_master WHERE tbl_name = $1 AND type IN ('index', "
					 "'trigger') AND sql IS NOT NULL",
					 "t", table) >= 0);
	if (ok && !done) {
		const char *rest = key + strlen(key_def);
		str_appendf(&sql, "CREATE TABLE %s_keep (%.*s AUTOINCREMENT%s", table,
			    (int)(rest - def.buf - (ptrdiff_t)strlen(head)), def.buf + strlen(head), rest);
		str_appendf(
		    &sql,
		    "INSERT INTO %s_keep SELECT * FROM %s;\nDROP TABLE %s;\nALTER TABLE %s_keep RENAME TO %s;\n%s",
		    table, table, table, table, table, again.len ? again.buf : "");
		ok = db_exec(d, sql.buf, err);
	}
	str_free(&def);
	str_free(&again);
	str_free(&sql);
	return ok;
}

/* The tables a migration's "-- tusk:autoincrement" line names, rebuilt. */
static bool keep_ids(db *d, const char *migration, tusk_err *err)
{
	static const char directive[] = "-- tusk:autoincrement ";
	const char *line = strstr(migration, directive);
	if (!line || db_dialect(d) != DB_SQLITE)
		return true;
	line += strlen(directive);
	char *names = xstrndup(line, strcspn(line, "\n"));
	bool ok = true;
	for (char *save = NULL, *t = strtok_r(names, " ", &save); ok && t; t = strtok_r(NULL, " ", &save))
		ok = rebuild_autoincrement(d, t, err);
	free(names);
	return ok;
}

/* Foreign keys off while a SQLite migration runs (dropping a rebuilt table
 * would otherwise delete every row that refers to it), checked before the
 * commit. Nothing on PostgreSQL. */
static bool foreign_keys(db *d, bool on, tusk_err *err)
{
	return db_dialect(d) != DB_SQLITE || db_exec(d, on ? "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF", err);
}

static void fk_broken(db_stmt *st, void *ctx)
{
	str *out = ctx;
	if (!out->len)
		str_appendf(out, "a row of %s refers to a missing row of %s", db_col_text(st, 0), db_col_text(st, 2));
}

static bool foreign_keys_hold(db *d, tusk_err *err)
{
	if (db_dialect(d) != DB_SQLITE)
		return true;
	str broken = STR_INIT;
	bool ok = store_sql_on(d, fk_broken, &broken, err, "PRAGMA foreign_key_check", "") >= 0;
	if (ok && broken.len) {
		err_set(err, ERR_STORE_ERROR, "%s", broken.buf);
		ok = false;
	}
	str_free(&broken);
	return ok;
}

static bool apply_in_transaction(db *d, const embedded_file *f, int version, bool *skipped, tusk_err *err)
{
	if (!db_begin(d, err))
		return false;
	int64_t done =
	    store_sql_on(d, NULL, NULL, err, "SELECT 1 FROM tusk_migrations WHERE version = $1", "d", version);
	*skipped = done == 1;
	if (done != 0) {
		rollback(d);
		return done == 1;
	}
	char *sql = xstrndup((const char *)f->start, (size_t)(f->end - f->start));
	bool ok = db_exec(d, sql, err) && keep_ids(d, sql, err) && foreign_keys_hold(d, err) &&
		  store_sql_on(d, NULL, NULL, err,
			       "INSERT INTO tusk_migrations (version, name, applied_at) VALUES ($1, $2, $3)", "dti",
			       version, f->name, (int64_t)time(NULL)) >= 0 &&
		  db_exec(d, "COMMIT", err);
	free(sql);
	if (!ok) {
		rollback(d);
		char msg[sizeof(err->msg)];
		snprintf(msg, sizeof(msg), "%s", err->msg);
		err_set(err, ERR_STORE_ERROR, "migration %s failed: %s", f->name, msg);
	}
	return ok;
}

/* Applies migration number version (1-based) in one transaction, unless
 * another process sharing the store did so meanwhile (*skipped). */
static bool apply(db *d, int version, bool *skipped, tusk_err *err)
{
	if (!foreign_keys(d, false, err))
		return false;
	bool ok = apply_in_transaction(d, &migrations(d)[version - 1], version, skipped, err);
	tusk_err again;
	if (!foreign_keys(d, true, &again)) {
		if (ok)
			*err = again;
		return false;
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
		err_set(
		    err, ERR_STORE_TOO_NEW,
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

/* ---- opening and closing ---- */

/* One more connection to the same store: a reader on SQLite, a plain
 * connection (no listener) on PostgreSQL. */
static db *open_another(const char *where, const char *url)
{
	tusk_err ignored;
	return url && *url ? db_pg_open(url, false, &ignored) : db_sqlite_open(where, &ignored);
}

store *store_open(const char *data_dir, const char *url, tusk_err *err)
{
	char where[4096];
	db *d;
	if (url && *url) {
		snprintf(where, sizeof(where), "on PostgreSQL");
		d = db_pg_open(url, true, err);
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
	/* the pool opens once the schema is current */
	for (int i = 0; i < STORE_POOL; i++) {
		db *c = open_another(where, url);
		if (!c)
			break;
		pthread_mutex_init(&st->pool[i].lock, NULL);
		st->pool[i].d = c;
		st->npool++;
	}
	return st;
}

void store_close(store *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->npool; i++) {
		db_close(s->pool[i].d);
		pthread_mutex_destroy(&s->pool[i].lock);
	}
	db_close(s->d);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

void store_describe(store *s, char *out, size_t n)
{
	db_describe(store_main(s), out, n);
	store_main_end(s);
}

bool store_shared(store *s)
{
	return db_dialect(s->d) == DB_POSTGRES;
}

/* A named lock on the main connection, which keeps it until the process ends or unlocks. */
static bool lock_named(store *s, const char *name, tusk_err *err)
{
	bool ok = db_lock(store_main(s), name, err);
	store_main_end(s);
	return ok;
}

bool store_lock_startup(store *s, tusk_err *err)
{
	return lock_named(s, "startup", err);
}

void store_unlock_startup(store *s)
{
	db_unlock(store_main(s), "startup");
	store_main_end(s);
}

bool store_instance_register(store *s, const char *instance, tusk_err *err)
{
	char name[300];
	snprintf(name, sizeof(name), "instance:%s", instance);
	return lock_named(s, name, err);
}

/* The main connection too: it holds the named locks, and a round trip on
 * it makes a broken one again, locks and all. */
bool store_ping(store *s, tusk_err *err)
{
	bool ok = store_sql_on(store_main(s), NULL, NULL, err, "SELECT 1", "") == 1;
	store_main_end(s);
	return ok && store_sql(s, STORE_READ, NULL, NULL, err, "SELECT 1", "") == 1;
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

char *store_col_dup(db_stmt *st, int i)
{
	const char *v = db_col_text(st, i);
	return v ? xstrdup(v) : NULL;
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

void store_cols_n(db_stmt *st, const char *spec, int nargs, ...)
{
	int need = 0;
	for (const char *c = spec; *c; c++)
		need += *c == 'c' ? 2 : *c == 'k' ? 3 : 1;
	if (need != nargs)
		abort(); /* letters and pointers differ */
	va_list ap;
	va_start(ap, nargs);
	int col = 0;
	for (const char *c = spec; *c; c++) {
		switch (*c) {
		case 'i':
			*va_arg(ap, int64_t *) = db_col_int(st, col++);
			break;
		case 'd':
			*va_arg(ap, int *) = (int)db_col_int(st, col++);
			break;
		case 'b':
			*va_arg(ap, bool *) = db_col_int(st, col++) != 0;
			break;
		case 't':
			*va_arg(ap, char **) = store_col_dup(st, col++);
			break;
		case 'c': {
			char *dst = va_arg(ap, char *);
			size_t n = va_arg(ap, size_t);
			store_copy_text(dst, n, db_col_text(st, col++));
			break;
		}
		case 'k': {
			unsigned char *dst = va_arg(ap, unsigned char *);
			size_t cap = va_arg(ap, size_t), n;
			size_t *len = va_arg(ap, size_t *);
			const void *b = db_col_blob(st, col++, &n);
			copy_blob(dst, cap, len, b, n);
			break;
		}
		case 'n':
			*va_arg(ap, bool *) = !db_col_null(st, col);
			break;
		default:
			abort(); /* a letter the code itself got wrong */
		}
	}
	va_end(ap);
}

char *store_like_pattern(const char *text)
{
	return text && *text ? str_like_contains(text, '!') : NULL;
}

bool store_is_unique_violation(const tusk_err *err)
{
	return err->code == ERR_STORE_UNIQUE;
}

/* ---- meta ---- */

struct text_out {
	char *out;
	size_t n;
};

static void read_text(db_stmt *st, void *ctx)
{
	struct text_out *t = ctx;
	store_copy_text(t->out, t->n, db_col_text(st, 0));
}

bool store_meta_get(store *s, const char *key, char *out, size_t n, tusk_err *err)
{
	struct text_out t = {out, n};
	store_copy_text(out, n, "");
	return store_sql(s, STORE_READ, read_text, &t, err, "SELECT value FROM meta WHERE key = $1", "t", key) >= 0;
}

bool store_meta_set(store *s, const char *key, const char *value, tusk_err *err)
{
	if (!value)
		return store_exec(s, err, "DELETE FROM meta WHERE key = $1", "t", key);
	return store_exec(
	    s, err,
	    "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	    "tt", key, value);
}

bool store_meta_add(store *s, const char *key, const char *value, tusk_err *err)
{
	return store_exec(s, err, "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", "tt",
			  key, value);
}

/* ---- users ---- */

/* A user with the pause after wrong passwords that applies to its e-mail. */
#define USER_SELECT                                                                                                    \
	"SELECT users.id, users.email, role, password_hash, active, COALESCE(t.locked_until, 0), "                     \
	"COALESCE(t.failures, 0), data_key_wrapped, data_key_salt, created_at, users.updated_at, "                     \
	"COALESCE(last_login_at, 0), auth_source, totp_secret IS NOT NULL, two_factor_required, "                      \
	"COALESCE(oauth2_provider, ''), COALESCE(oauth2_subject, '') "                                                 \
	"FROM users LEFT JOIN login_throttle t ON t.email = users.email"

static void read_user(db_stmt *st, void *elem)
{
	store_user *u = elem;
	memset(u, 0, sizeof(*u));
	store_cols(st, "icccbidkkiiicbbcc", &u->id, u->email, sizeof(u->email), u->role, sizeof(u->role),
		   u->password_hash, sizeof(u->password_hash), &u->active, &u->locked_until, &u->failed_attempts,
		   u->data_key_wrapped, sizeof(u->data_key_wrapped), &u->data_key_wrapped_len, u->data_key_salt,
		   sizeof(u->data_key_salt), (size_t *)NULL, &u->created_at, &u->updated_at, &u->last_login_at,
		   u->auth_source, sizeof(u->auth_source), &u->totp_enabled, &u->two_factor_required,
		   u->oauth2_provider, sizeof(u->oauth2_provider), u->oauth2_subject, sizeof(u->oauth2_subject));
	u->locked = u->locked_until > (int64_t)time(NULL);
}

static int64_t count(store *s, const char *sql, tusk_err *err)
{
	int64_t n = -1;
	return store_sql(s, STORE_READ, store_row_int, &n, err, sql, "") == 1 ? n : -1;
}

int64_t store_user_count(store *s, tusk_err *err)
{
	return count(s, "SELECT COUNT(*) FROM users", err);
}

int64_t store_admin_count(store *s, tusk_err *err)
{
	return count(s, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1", err);
}

/* The writable user fields as $1..$10 (without id): "ttt" "d" "bb" "i" "i" "n" "t". */
#define USER_ARGS(u)                                                                                                   \
	(u)->email, (u)->role, (u)->password_hash, (int)(u)->active, (const void *)(u)->data_key_wrapped,              \
	    (u)->data_key_wrapped_len, (const void *)(u)->data_key_salt, sizeof((u)->data_key_salt), (u)->created_at,  \
	    (u)->updated_at, (u)->last_login_at, (u)->auth_source[0] ? (u)->auth_source : "internal"

static bool email_taken(const store_user *u, tusk_err *err)
{
	if (store_is_unique_violation(err))
		err_set(err, ERR_EMAIL_TAKEN, "A user with the e-mail %s exists already.", u->email);
	return false;
}

bool store_user_create(store *s, store_user *u, tusk_err *err)
{
	return store_sql(
		   s, STORE_WRITE, store_row_int, &u->id, err,
		   "INSERT INTO users (email, role, password_hash, active, data_key_wrapped, data_key_salt, created_at, "
		   "updated_at, last_login_at, auth_source, oauth2_provider, oauth2_subject) "
		   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
		   "tttdbbiinttt", USER_ARGS(u), u->oauth2_provider[0] ? u->oauth2_provider : NULL,
		   u->oauth2_subject[0] ? u->oauth2_subject : NULL) == 1 ||
	       email_taken(u, err);
}

int store_user_by_email(store *s, const char *email, store_user *u, tusk_err *err)
{
	return (int)store_sql(s, STORE_READ, read_user, u, err, USER_SELECT " WHERE users.email = $1", "t", email);
}

int store_user_by_id(store *s, int64_t id, store_user *u, tusk_err *err)
{
	return (int)store_sql(s, STORE_READ, read_user, u, err, USER_SELECT " WHERE users.id = $1", "i", id);
}

bool store_user_update(store *s, const store_user *u, tusk_err *err)
{
	return store_sql(
		   s, STORE_REVOKE, NULL, NULL, err,
		   "UPDATE users SET email = $1, role = $2, password_hash = $3, active = $4, data_key_wrapped = $5, "
		   "data_key_salt = $6, created_at = $7, updated_at = $8, last_login_at = $9, auth_source = $10 WHERE id = $11",
		   "tttdbbiinti", USER_ARGS(u), u->id) >= 0 ||
	       email_taken(u, err);
}

bool store_user_delete(store *s, int64_t id, tusk_err *err)
{
	return store_sql(s, STORE_REVOKE, NULL, NULL, err, "DELETE FROM users WHERE id = $1", "i", id) >= 0;
}

int store_user_by_oauth2(store *s, const char *provider, const char *subject, store_user *u, tusk_err *err)
{
	return (int)store_sql(s, STORE_READ, read_user, u, err,
			      USER_SELECT " WHERE users.oauth2_provider = $1 AND users.oauth2_subject = $2", "tt",
			      provider, subject);
}

int store_user_bind_oauth2(store *s, int64_t id, const char *provider, const char *subject, tusk_err *err)
{
	int64_t bound = 0;
	int n =
	    (int)store_sql(s, STORE_WRITE, store_row_int, &bound, err,
			   "UPDATE users SET oauth2_provider = $2, oauth2_subject = $3 WHERE id = $1 AND "
			   "oauth2_subject IS NULL AND (oauth2_provider IS NULL OR oauth2_provider = $2) RETURNING id",
			   "itt", id, provider, subject);
	/* another user holds this identity already (the unique index): not bound */
	if (n < 0 && store_is_unique_violation(err))
		return 0;
	return n;
}

bool store_user_set_oauth2(store *s, int64_t id, const char *provider, tusk_err *err)
{
	return store_sql(s, STORE_REVOKE, NULL, NULL, err,
			 "UPDATE users SET oauth2_provider = $2, oauth2_subject = NULL WHERE id = $1", "it", id,
			 provider) >= 0;
}

store_user *store_user_list(store *s, size_t *n, tusk_err *err)
{
	store_list l = {.size = sizeof(store_user), .read = read_user};
	bool ok = store_sql(s, STORE_READ, store_list_row, &l, err, USER_SELECT " ORDER BY users.email", "") >= 0;
	return store_list_done(&l, ok, n, NULL);
}

/* ---- the pause after wrong passwords, per e-mail address ---- */

bool store_login_failed(store *s, const char *email, int64_t now, int forget_after, int *failures, tusk_err *err)
{
	int64_t n = 0;
	bool ok =
	    store_sql(s, STORE_WRITE, store_row_int, &n, err,
		      "INSERT INTO login_throttle (email, failures, locked_until, updated_at) VALUES ($1, 1, 0, $2) "
		      "ON CONFLICT (email) DO UPDATE SET failures = CASE WHEN login_throttle.updated_at < $3 "
		      "THEN 1 ELSE login_throttle.failures + 1 END, updated_at = $2 RETURNING failures",
		      "tii", email, now, now - forget_after) == 1;
	*failures = (int)n;
	return ok;
}

bool store_login_pause(store *s, const char *email, int64_t until, tusk_err *err)
{
	return store_exec(s, err, "UPDATE login_throttle SET locked_until = $2 WHERE email = $1", "ti", email, until);
}

int64_t store_login_paused_until(store *s, const char *email, tusk_err *err)
{
	int64_t until = 0;
	return store_sql(s, STORE_READ, store_row_int, &until, err,
			 "SELECT locked_until FROM login_throttle WHERE email = $1", "t", email) < 0
		   ? -1
		   : until;
}

bool store_login_clear(store *s, const char *email, tusk_err *err)
{
	return store_exec(s, err, "DELETE FROM login_throttle WHERE email = $1", "t", email);
}

int store_login_hold(store *s, const char *email, int64_t now, int64_t until, tusk_err *err)
{
	int64_t n = 0;
	return store_sql(s, STORE_WRITE, store_row_int, &n, err,
			 "UPDATE login_throttle SET locked_until = $2 WHERE email = $1 AND locked_until <= $3 "
			 "RETURNING failures",
			 "tii", email, until, now);
}

bool store_login_release(store *s, const char *email, bool held, tusk_err *err)
{
	return store_exec(s, err,
			  "UPDATE login_throttle SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END, "
			  "locked_until = CASE WHEN $2 = 1 THEN 0 ELSE locked_until END WHERE email = $1",
			  "ti", email, (int64_t)(held ? 1 : 0));
}

bool store_login_purge(store *s, int64_t before, tusk_err *err)
{
	return store_exec(s, err, "DELETE FROM login_throttle WHERE updated_at < $1 AND locked_until < $1", "i",
			  before);
}

/* ---- login sessions ---- */

bool store_session_create(store *s, const store_session *ss, tusk_err *err)
{
	return store_exec(
	    s, err,
	    "INSERT INTO sessions (id_hash, user_id, csrf_token, data_key_wrapped, created_at, last_seen_at, "
	    "expires_at, client_addr) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
	    "titbiiit", ss->id_hash, ss->user_id, ss->csrf_token, (const void *)ss->data_key_wrapped,
	    ss->data_key_wrapped_len, ss->created_at, ss->last_seen_at, ss->expires_at, ss->client_addr);
}

static void read_session(db_stmt *st, void *elem)
{
	store_session *ss = elem;
	memset(ss, 0, sizeof(*ss));
	store_cols(st, "cickiiic", ss->id_hash, sizeof(ss->id_hash), &ss->user_id, ss->csrf_token,
		   sizeof(ss->csrf_token), ss->data_key_wrapped, sizeof(ss->data_key_wrapped),
		   &ss->data_key_wrapped_len, &ss->created_at, &ss->last_seen_at, &ss->expires_at, ss->client_addr,
		   sizeof(ss->client_addr));
}

int store_session_get(store *s, const char *id_hash, store_session *ss, tusk_err *err)
{
	return (int)store_sql(
	    s, STORE_READ, read_session, ss, err,
	    "SELECT id_hash, user_id, csrf_token, data_key_wrapped, created_at, last_seen_at, expires_at, "
	    "COALESCE(client_addr, '') FROM sessions WHERE id_hash = $1",
	    "t", id_hash);
}

bool store_auth_generation(store *s, uint64_t *gen)
{
	uint64_t theirs = 0;
	bool ok;
	if (db_dialect(s->d) == DB_SQLITE) {
		/* data_version is the connection's own: ask the one that writes */
		ok = db_changes_seen(store_main(s), &theirs);
		store_main_end(s);
	} else {
		ok = db_changes_seen(s->d, &theirs);
	}
	*gen = (theirs << 32) + (__atomic_load_n(&s->auth_gen, __ATOMIC_SEQ_CST) & 0xffffffffu);
	return ok;
}

bool store_session_touch(store *s, const char *id_hash, int64_t now, tusk_err *err)
{
	return store_exec(s, err, "UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1", "ti", id_hash, now);
}

bool store_session_delete(store *s, const char *id_hash, tusk_err *err)
{
	return store_sql(s, STORE_REVOKE, NULL, NULL, err, "DELETE FROM sessions WHERE id_hash = $1", "t", id_hash) >=
	       0;
}

bool store_session_delete_user(store *s, int64_t user_id, const char *keep_hash, tusk_err *err)
{
	return store_sql(s, STORE_REVOKE, NULL, NULL, err,
			 "DELETE FROM sessions WHERE user_id = $2 AND id_hash <> COALESCE($1, '')", "ti", keep_hash,
			 user_id) >= 0;
}

bool store_session_purge(store *s, int64_t now, int idle_seconds, tusk_err *err)
{
	return store_exec(s, err, "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at + $2 <= $1", "id", now,
			  idle_seconds);
}

/* ---- audit log ---- */

bool store_audit_add(store *s, const store_audit *a, tusk_err *err)
{
	return store_exec(s, err,
			  "INSERT INTO audit_log (time, user_id, user_email, event, client_addr, detail) "
			  "VALUES ($1, $2, $3, $4, $5, $6)",
			  "inttt"
			  "t",
			  a->time, a->user_id, a->user_email[0] ? a->user_email : NULL, a->event,
			  a->client_addr[0] ? a->client_addr : NULL, a->detail[0] ? a->detail : NULL);
}

static void read_audit(db_stmt *st, void *elem)
{
	store_audit *a = elem;
	store_cols(st, "iiicccc", &a->id, &a->time, &a->user_id, a->user_email, sizeof(a->user_email), a->event,
		   sizeof(a->event), a->client_addr, sizeof(a->client_addr), a->detail, sizeof(a->detail));
}

#define AUDIT_WHERE                                                                                                    \
	" FROM audit_log WHERE ($1 IS NULL OR event = $1) AND ($3 = 0 OR user_id = $3) AND ($2 IS NULL OR "            \
	"lower(COALESCE(user_email, '') || ' ' || COALESCE(client_addr, '') || ' ' || COALESCE(detail, '')) "          \
	"LIKE lower($2) ESCAPE '!')"

store_audit *store_audit_list(store *s, const store_audit_filter *f, size_t *n, int64_t *total, tusk_err *err)
{
	*n = 0;
	*total = 0;
	char *pattern = store_like_pattern(f->text);
	const char *event = f->event && *f->event ? f->event : NULL;
	store_list l = {.size = sizeof(store_audit), .read = read_audit};
	bool ok = store_sql(s, STORE_READ, store_row_int, total, err, "SELECT COUNT(*)" AUDIT_WHERE, "tti", event,
			    pattern, f->user_id) == 1 &&
		  store_sql(s, STORE_READ, store_list_row, &l, err,
			    "SELECT id, time, COALESCE(user_id, 0), COALESCE(user_email, ''), event, "
			    "COALESCE(client_addr, ''), COALESCE(detail, '')" AUDIT_WHERE
			    " ORDER BY id DESC LIMIT $4 OFFSET $5",
			    "ttiii", event, pattern, f->user_id, f->limit, f->offset) >= 0;
	free(pattern);
	return store_list_done(&l, ok, n, NULL);
}
