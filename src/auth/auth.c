#include "auth/auth.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/internal.h"
#include "auth/oidc.h"
#include "auth/ratelimit.h"
#include "util/log.h"
#include "util/str.h"

auth *auth_new(store *s, const config *cfg)
{
	auth *a = xcalloc(1, sizeof(*a));
	a->store = s;
	a->cfg = cfg;
	a->logins = ratelimit_new(cfg->login_rate_limit);
	a->second_steps = ratelimit_new(cfg->login_rate_limit);
	pthread_mutex_init(&a->desktop_lock, NULL);
	pthread_mutex_init(&a->cache_lock, NULL);
	auth_password_prepare_dummy();
	if (auth_source_on(a, "webserver"))
		log_msg(
		    LOG_INFO,
		    "webserver sign-in: the user-name header is believed only from these addresses; keep them to the "
		    "proxy in front",
		    "trusted_proxies", cfg->trusted_proxies, "headers", cfg->webserver_remote_user, NULL);
	if (auth_source_on(a, "oauth2"))
		oidc_startup_log(cfg);
	return a;
}

/* Caller holds cache_lock. */
static void cache_clear(auth *a)
{
	for (size_t i = 0; i < CACHE_BUCKETS; i++)
		while (a->cache[i]) {
			struct cached *next = a->cache[i]->next;
			sodium_memzero(a->cache[i], sizeof(*a->cache[i]));
			free(a->cache[i]);
			a->cache[i] = next;
		}
	a->ncached = 0;
}

static size_t cache_bucket(const char *hash)
{
	/* the key is a SHA-256 in hex: its first digits spread well */
	char head[9];
	memcpy(head, hash, 8);
	head[8] = '\0';
	return (size_t)strtoul(head, NULL, 16) % CACHE_BUCKETS;
}

/* Caller holds cache_lock: the entry for hash, unlinked when stale. */
static struct cached *cache_find(auth *a, const char *hash, int64_t now, uint64_t gen)
{
	struct cached **pp = &a->cache[cache_bucket(hash)];
	while (*pp && strcmp((*pp)->session.id_hash, hash) != 0)
		pp = &(*pp)->next;
	struct cached *c = *pp;
	if (c && (c->gen != gen || now - c->at >= a->cfg->session_cache_seconds)) {
		*pp = c->next;
		sodium_memzero(c, sizeof(*c));
		free(c);
		a->ncached--;
		return NULL;
	}
	return c;
}

static void cache_put(auth *a, const store_session *ss, const store_user *u, int64_t now, uint64_t gen)
{
	pthread_mutex_lock(&a->cache_lock);
	if (!cache_find(a, ss->id_hash, now, gen)) {
		if (a->ncached >= CACHE_MAX)
			cache_clear(a);
		struct cached *c = xcalloc(1, sizeof(*c));
		c->session = *ss;
		c->user = *u;
		c->at = now;
		c->gen = gen;
		size_t b = cache_bucket(ss->id_hash);
		c->next = a->cache[b];
		a->cache[b] = c;
		a->ncached++;
	}
	pthread_mutex_unlock(&a->cache_lock);
}

void auth_free(auth *a)
{
	if (!a)
		return;
	ratelimit_free(a->logins);
	ratelimit_free(a->second_steps);
	pthread_mutex_destroy(&a->desktop_lock);
	cache_clear(a);
	pthread_mutex_destroy(&a->cache_lock);
	sodium_memzero(a->desktop_key, sizeof(a->desktop_key));
	free(a);
}

static bool create_first_admin(auth *a, tusk_err *err);
static void password_now_acceptable(auth *a, const store_user *u);

void auth_audit(auth *a, const store_user *u, const char *email, const char *event, const char *client,
		const char *detail)
{
	store_audit e = {.time = time(NULL), .user_id = u ? u->id : 0};
	snprintf(e.user_email, sizeof(e.user_email), "%s", u ? u->email : email ? email : "");
	snprintf(e.event, sizeof(e.event), "%s", event);
	snprintf(e.client_addr, sizeof(e.client_addr), "%s", client ? client : "");
	snprintf(e.detail, sizeof(e.detail), "%s", detail ? detail : "");
	tusk_err err;
	if (!store_audit_add(a->store, &e, &err))
		log_msg(LOG_ERROR, "audit log write failed", "event", event, "detail", err.msg, NULL);
}

/* Accepts what mail systems accept, including single-label and .local
 * domains (admin@pgadmin.local, admin@localhost); lower-cases it. */
bool auth_email_normalize(const char *in, char out[256], tusk_err *err)
{
	size_t n = in ? strlen(in) : 0;
	const char *at = in ? strrchr(in, '@') : NULL;
	bool ok = n > 0 && n < 255 && at && at != in && at[1] != '\0' && (size_t)(at - in) <= 64;
	for (size_t i = 0; ok && i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"' || c == ',' || c == ';' || c == '\\')
			ok = false;
	}
	for (const char *d = at ? at + 1 : NULL; ok && *d; d++) {
		unsigned char c = (unsigned char)*d;
		if (!(isalnum(c) || c == '-' || c == '.' || c >= 0x80) || (c == '.' && (d[1] == '.' || d[1] == '\0')))
			ok = false;
	}
	if (ok && at[1] == '.')
		ok = false;
	if (!ok) {
		err_set(err, ERR_INVALID_EMAIL, "'%s' is not a valid e-mail address.", in ? in : "");
		return false;
	}
	for (size_t i = 0; i <= n; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	return true;
}

bool auth_password_acceptable(const auth *a, const char *password, tusk_err *err)
{
	size_t n = password ? strlen(password) : 0;
	if (n < (size_t)a->cfg->password_min_length) {
		err_set(err, ERR_WEAK_PASSWORD, "The password must have at least %d characters.",
			a->cfg->password_min_length);
		return false;
	}
	if (n > 1024) {
		err_set(err, ERR_WEAK_PASSWORD, "The password must have at most 1024 characters.");
		return false;
	}
	return true;
}

/* Fills the password hash and a freshly wrapped data key. */
static bool set_credentials(store_user *u, const char *password, const unsigned char key[AUTH_DATA_KEY_BYTES],
			    tusk_err *err)
{
	if (!auth_password_hash(password, u->password_hash) ||
	    !auth_data_key_wrap_password(key, password, u->data_key_salt, u->data_key_wrapped,
					 &u->data_key_wrapped_len)) {
		err_set(err, ERR_INTERNAL, "Hashing the password failed.");
		return false;
	}
	return true;
}

/* Stores u (email, role and active set) with the password and a new data key; *out (may be NULL) the user. */
static bool insert_user(auth *a, store_user *u, const char *password, store_user *out, tusk_err *err)
{
	u->created_at = u->updated_at = time(NULL);
	unsigned char key[AUTH_DATA_KEY_BYTES];
	auth_data_key_new(key);
	bool ok = set_credentials(u, password, key, err) && store_user_create(a->store, u, err);
	sodium_memzero(key, sizeof(key));
	if (ok && out)
		*out = *u;
	return ok;
}

bool auth_user_create(auth *a, const char *email, const char *password, const char *role, bool active, store_user *out,
		      tusk_err *err)
{
	store_user u = {0};
	if (!auth_email_normalize(email, u.email, err) || !auth_password_acceptable(a, password, err))
		return false;
	if (strcmp(role, "admin") != 0 && strcmp(role, "user") != 0) {
		err_set(err, ERR_INVALID_ROLE, "The role must be admin or user, not '%s'.", role);
		return false;
	}
	snprintf(u.role, sizeof(u.role), "%s", role);
	u.active = active;
	return insert_user(a, &u, password, out, err);
}

bool auth_user_create_unset(auth *a, const char *email, const char *role, bool active, store_user *out, tusk_err *err)
{
	/* a random password no one knows, then a hash no password matches */
	unsigned char raw[24];
	char secret[64];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(secret, sizeof(secret), raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	store_user u;
	bool ok = auth_user_create(a, email, secret, role, active, &u, err);
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(raw, sizeof(raw));
	if (!ok)
		return false;
	snprintf(u.password_hash, sizeof(u.password_hash), "%s", AUTH_PASSWORD_UNSET_HASH);
	ok = store_user_update(a->store, &u, err);
	if (ok && out)
		*out = u;
	return ok;
}

bool auth_user_reset_password(auth *a, store_user *u, const char *password, tusk_err *err)
{
	if (u->auth_source[0] && strcmp(u->auth_source, "internal") != 0) {
		/* its data key is wrapped under the server secret: a password would strand it */
		err_set(err, ERR_INVALID_FIELD, "%s signs in through the %s source: Tusk keeps no password for it.",
			u->email, u->auth_source);
		return false;
	}
	if (!auth_password_acceptable(a, password, err))
		return false;
	unsigned char key[AUTH_DATA_KEY_BYTES];
	auth_data_key_new(key);
	bool ok = set_credentials(u, password, key, err);
	sodium_memzero(key, sizeof(key));
	u->locked = false;
	u->locked_until = 0;
	u->failed_attempts = 0;
	u->updated_at = time(NULL);
	/* passwords saved under the old data key can no longer be read */
	ok = ok && store_user_update(a->store, u, err) && store_session_delete_user(a->store, u->id, NULL, err) &&
	     store_credential_delete_user(a->store, u->id, err) && store_login_clear(a->store, u->email, err);
	if (ok)
		password_now_acceptable(a, u);
	return ok;
}

bool auth_unlock(auth *a, store_user *u, const char *client, tusk_err *err)
{
	char second[264], key[264];
	auth_second_step_key(u, second); /* wrong two-factor codes (twofactor.c) */
	auth_throttle_key(u->email, key);
	if (!store_login_clear(a->store, u->email, err) || !store_login_clear(a->store, key, err) ||
	    !store_login_clear(a->store, second, err))
		return false;
	u->locked = false;
	u->locked_until = 0;
	u->failed_attempts = 0;
	auth_audit(a, u, NULL, "user_unlocked", client, "the pause after wrong passwords was lifted");
	return true;
}

/* ---- first start ---- */

static bool write_initial_password(const char *dir, const char *password, tusk_err *err)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, AUTH_INITIAL_PASSWORD_FILE);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t n = strlen(password);
	bool ok = fd >= 0 && write(fd, password, n) == (ssize_t)n && write(fd, "\n", 1) == 1;
	if (fd >= 0)
		close(fd);
	if (!ok)
		err_set(err, ERR_BOOTSTRAP_FAILED, "cannot write %s: %s", path, strerror(errno));
	return ok;
}

static bool bootstrap_desktop(auth *a, tusk_err *err)
{
	store_user u;
	int found = store_user_by_email(a->store, AUTH_DESKTOP_EMAIL, &u, err);
	if (found != 0)
		return found == 1;
	/* nobody types this password: the desktop key signs in. It only wraps the data key. */
	char secret[AUTH_TOKEN_CHARS];
	auth_random_token(secret);
	char path[4096];
	snprintf(path, sizeof(path), "%s/desktop-secret", a->cfg->data_dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool ok = fd >= 0 && write(fd, secret, strlen(secret)) == (ssize_t)strlen(secret);
	if (fd >= 0)
		close(fd);
	if (!ok) {
		err_set(err, ERR_BOOTSTRAP_FAILED, "cannot write %s: %s", path, strerror(errno));
		return false;
	}
	ok = auth_user_create(a, AUTH_DESKTOP_EMAIL, secret, "admin", true, &u, err);
	sodium_memzero(secret, sizeof(secret));
	if (ok)
		auth_audit(a, &u, NULL, "user_created", NULL, "desktop-mode user");
	return ok;
}

/* The first administrator with a password below the minimum length (auth_bootstrap only). */
static bool create_weak_admin(auth *a, const char *email, const char *password, store_user *out, tusk_err *err)
{
	store_user u = {0};
	if (!auth_email_normalize(email, u.email, err))
		return false;
	if (!*password || strlen(password) > 1024) {
		err_set(err, ERR_BOOTSTRAP_FAILED, "PGADMIN_DEFAULT_PASSWORD must have 1 to 1024 characters.");
		return false;
	}
	snprintf(u.role, sizeof(u.role), "admin");
	u.active = true;
	return insert_user(a, &u, password, out, err);
}

/* Whether the account must change its password before anything else (the store says so, so
 * every replica agrees; the question is asked of the store only for that one account). */
static bool must_change_password(auth *a, int64_t user_id)
{
	if (__atomic_load_n(&a->weak_user, __ATOMIC_RELAXED) != user_id)
		return false;
	char id[32];
	tusk_err err;
	if (!store_meta_get(a->store, AUTH_WEAK_PASSWORD_META, id, sizeof(id), &err))
		return true; /* cannot tell: keep asking for the change */
	if (atoll(id) == user_id)
		return true;
	__atomic_store_n(&a->weak_user, (int64_t)0, __ATOMIC_RELAXED);
	return false;
}

/* The account changed its password (or an administrator set one): no change is asked any more. */
static void password_now_acceptable(auth *a, const store_user *u)
{
	/* the store, not this process's view: `tusk user set-password` never bootstrapped */
	char id[32];
	tusk_err err;
	if (!store_meta_get(a->store, AUTH_WEAK_PASSWORD_META, id, sizeof(id), &err) || atoll(id) != u->id)
		return;
	if (!store_meta_set(a->store, AUTH_WEAK_PASSWORD_META, NULL, &err))
		log_msg(LOG_WARN, "store", "detail", err.msg, NULL);
	else
		__atomic_store_n(&a->weak_user, (int64_t)0, __ATOMIC_RELAXED);
}

/* Every replica learns the account that must change its password after the first start. */
static bool load_weak_user(auth *a, tusk_err *err)
{
	char id[32];
	if (!store_meta_get(a->store, AUTH_WEAK_PASSWORD_META, id, sizeof(id), err))
		return false;
	__atomic_store_n(&a->weak_user, (int64_t)atoll(id), __ATOMIC_RELAXED);
	return true;
}

bool auth_bootstrap(auth *a, tusk_err *err)
{
	if (!create_first_admin(a, err) || !load_weak_user(a, err))
		return false;
	auth_names_check(a);
	return true;
}

static bool create_first_admin(auth *a, tusk_err *err)
{
	const config *cfg = a->cfg;
	if (cfg->desktop)
		return bootstrap_desktop(a, err);
	int64_t n = store_user_count(a->store, err);
	if (n < 0)
		return false;
	if (n > 0)
		return true; /* never overwrite an existing administrator */
	const char *email = cfg->default_email && *cfg->default_email ? cfg->default_email : NULL;
	const char *password = cfg->default_password && *cfg->default_password ? cfg->default_password : NULL;
	char generated[AUTH_TOKEN_CHARS] = "";
	if (!email && cfg->generate_admin_password)
		email = "admin@tusk.local";
	if (!password && cfg->generate_admin_password) {
		auth_random_token(generated);
		generated[20] = '\0';
		password = generated;
	}
	if (!email || !password) {
		err_set(err, ERR_BOOTSTRAP_FAILED,
			"no administrator exists yet: set PGADMIN_DEFAULT_EMAIL and PGADMIN_DEFAULT_PASSWORD (or "
			"PGADMIN_DEFAULT_PASSWORD_FILE) for the first start");
		return false;
	}
	char normalized[256];
	tusk_err why;
	if (!auth_email_normalize(email, normalized, &why)) {
		err_set(err, ERR_BOOTSTRAP_FAILED, "PGADMIN_DEFAULT_EMAIL: %s", why.msg);
		return false;
	}
	/* pgAdmin's container takes any password here; so does Tusk, once, and has it changed */
	bool weak = strlen(password) < (size_t)cfg->password_min_length;
	if (!weak && !auth_password_acceptable(a, password, &why)) {
		err_set(err, ERR_BOOTSTRAP_FAILED, "PGADMIN_DEFAULT_PASSWORD: %s", why.msg);
		return false;
	}
	store_user u;
	if (!(weak ? create_weak_admin(a, email, password, &u, err)
		   : auth_user_create(a, email, password, "admin", true, &u, err)))
		return false;
	auth_audit(a, &u, NULL, "user_created", NULL,
		   weak ? "first-start administrator; its password is weak and must be changed at first login"
			: "first-start administrator");
	char id[32];
	snprintf(id, sizeof(id), "%lld", (long long)u.id);
	if (!store_meta_set(a->store, "bootstrap_admin_user", id, err))
		return false;
	if (weak) {
		if (!store_meta_set(a->store, AUTH_WEAK_PASSWORD_META, id, err))
			return false;
		char min[16];
		snprintf(min, sizeof(min), "%d", cfg->password_min_length);
		log_msg(LOG_WARN,
			"WEAK ADMINISTRATOR PASSWORD: PGADMIN_DEFAULT_PASSWORD is shorter than the minimum; accepted "
			"for this first start as pgAdmin accepts it, but the account must change it at its first "
			"login. Fix: put a longer password in the Secret (it is read on the first start only) or log "
			"in and change it now",
			"email", u.email, "min_length", min, NULL);
	}
	if (generated[0]) {
		if (!write_initial_password(cfg->data_dir, generated, err) ||
		    !store_meta_set(a->store, "initial_admin_user", id, err))
			return false;
		/* once, on the console, not in the log */
		printf("\n  First start: log in as %s with password %s\n"
		       "  (kept in %s/%s until you change it)\n\n",
		       u.email, generated, cfg->data_dir, AUTH_INITIAL_PASSWORD_FILE);
		fflush(stdout);
	}
	log_msg(LOG_INFO, "administrator created", "email", u.email, NULL);
	return true;
}

/* ---- sessions ---- */

static bool auth_start_session(auth *a, const store_user *u, const unsigned char *data_key, const char *client,
			       auth_session *out, tusk_err *err)
{
	memset(out, 0, sizeof(*out));
	out->user = *u;
	auth_random_token(out->token);
	store_session *ss = &out->session;
	auth_token_hash(out->token, ss->id_hash);
	ss->user_id = u->id;
	ss->csrf_token[0] = '\0'; /* derived from the token when needed, never stored */
	ss->created_at = ss->last_seen_at = time(NULL);
	ss->expires_at = ss->created_at + a->cfg->session_lifetime;
	snprintf(ss->client_addr, sizeof(ss->client_addr), "%s", client ? client : "");
	if (data_key) {
		auth_data_key_wrap_token(data_key, out->token, ss->data_key_wrapped, &ss->data_key_wrapped_len);
		memcpy(out->data_key, data_key, AUTH_DATA_KEY_BYTES);
		out->has_data_key = true;
	}
	if (!store_session_create(a->store, ss, err))
		return false;
	auth_csrf_token(out->token, ss->csrf_token);
	return true;
}

/* The pause after `failures` wrong passwords (max or more), doubling from the configured one. */
static int64_t pause_after(const auth *a, int failures)
{
	int64_t pause = a->cfg->login_lockout_seconds;
	for (int i = a->cfg->max_login_attempts; i < failures && pause < a->cfg->login_lockout_max_seconds; i++)
		pause *= 2;
	return pause > a->cfg->login_lockout_max_seconds ? a->cfg->login_lockout_max_seconds : pause;
}

/* A failed attempt already counted (failures with it): the audit, and the pause from max on. */
static enum auth_result login_counted_wrong(auth *a, const char *key, const store_user *u, const char *client,
					    const char *why, int failures, tusk_err *err)
{
	int64_t now = time(NULL);
	char shown[256];
	if (!u)
		auth_audit_name(a, key, shown);
	auth_audit(a, u, u ? NULL : shown, "login_failed", client, why);
	int max = a->cfg->max_login_attempts;
	if (max > 0 && failures >= max) {
		int64_t pause = pause_after(a, failures);
		if (!store_login_pause(a->store, key, now + pause, err))
			return AUTH_ERROR;
		char detail[128];
		snprintf(detail, sizeof(detail), "logins pause for %lld s after %d wrong passwords", (long long)pause,
			 failures);
		auth_audit(a, u, u ? NULL : shown, "lockout", client, detail);
		log_msg(LOG_WARN, "logins paused after wrong passwords", "name", u ? u->email : shown, "client", client,
			NULL);
	}
	return AUTH_BAD_CREDENTIALS;
}

/* A wrong password, an unknown address or an account without a password:
 * the same count, the same pause, the same answer. */
enum auth_result auth_login_wrong(auth *a, const char *key, const store_user *u, const char *client, const char *why,
				  tusk_err *err)
{
	int failures = 0;
	if (!store_login_failed(a->store, key, time(NULL), 86400, &failures, err))
		return AUTH_ERROR;
	return login_counted_wrong(a, key, u, client, why, failures, err);
}

/* The internal source: a Tusk password. AUTH_BAD_CREDENTIALS with *why when it does not
 * open; *u_out is the account found (for the audit), if any. */
static enum auth_result login_internal(auth *a, const char *normalized, const char *password, const char *client,
				       store_user *u, bool *found_out, const char **why, auth_session *out,
				       tusk_err *err)
{
	int found = normalized[0] && password ? store_user_by_email(a->store, normalized, u, err) : 0;
	if (found < 0)
		return AUTH_ERROR;
	*found_out = found == 1 && strcmp(u->email, AUTH_DESKTOP_EMAIL) != 0;
	const char *src = u->auth_source[0] ? u->auth_source : "internal";
	if (!*found_out || strcmp(src, "internal") != 0 || strcmp(u->password_hash, AUTH_PASSWORD_UNSET_HASH) == 0) {
		/* the same work and answer as a wrong password */
		auth_password_verify_dummy(password ? password : "");
		*why = !*found_out		      ? "unknown user"
		       : strcmp(src, "internal") != 0 ? "signs in through another source"
						      : "no password set";
		return AUTH_BAD_CREDENTIALS;
	}
	if (!auth_password_verify(u->password_hash, password)) {
		*why = "wrong password";
		return AUTH_BAD_CREDENTIALS;
	}
	if (!u->active) {
		auth_audit(a, u, NULL, "login_failed", client, "account disabled");
		return AUTH_DISABLED;
	}
	unsigned char dk[AUTH_DATA_KEY_BYTES];
	bool have_key =
	    auth_data_key_unwrap_password(u->data_key_wrapped, u->data_key_wrapped_len, u->data_key_salt, password, dk);
	if (!have_key)
		log_msg(LOG_ERROR, "data key could not be unwrapped", "email", u->email, NULL);
	if (auth_password_needs_rehash(u->password_hash) && !auth_password_hash(password, u->password_hash))
		log_msg(LOG_WARN, "password rehash failed", "email", u->email, NULL);
	bool change = must_change_password(a, u->id);
	enum auth_result res =
	    auth_sign_in(a, u, have_key ? dk : NULL, client, change ? "password change required" : NULL, out, err);
	sodium_memzero(dk, sizeof(dk));
	out->password_change_required = res == AUTH_OK && change;
	return res;
}

bool auth_must_change_password(auth *a, int64_t user_id)
{
	return must_change_password(a, user_id);
}

enum auth_result auth_sign_in(auth *a, store_user *u, const unsigned char *data_key, const char *client,
			      const char *detail, auth_session *out, tusk_err *err)
{
	if (auth_two_factor_due(a, u))
		return auth_pending_start(a, u, data_key, client, out, err);
	return auth_sign_in_session(a, u, data_key, client, detail, out, err);
}

enum auth_result auth_sign_in_session(auth *a, store_user *u, const unsigned char *data_key, const char *client,
				      const char *detail, auth_session *out, tusk_err *err)
{
	u->last_login_at = time(NULL);
	if (!store_user_update(a->store, u, err) || !auth_start_session(a, u, data_key, client, out, err))
		return AUTH_ERROR;
	out->two_factor_setup_required = auth_two_factor_setup_due(a, u);
	auth_audit(a, u, NULL, "login", client, detail);
	/* a login is a fine moment to sweep sessions that ended and quiet pauses */
	tusk_err ignored_err;
	int64_t now = time(NULL);
	if (!store_session_purge(a->store, now, a->cfg->session_idle_timeout, &ignored_err) ||
	    !store_login_purge(a->store, now - 86400, &ignored_err))
		log_msg(LOG_WARN, "session purge failed", "detail", ignored_err.msg, NULL);
	return AUTH_OK;
}

/* A place among the LDAP sign-ins that may wait on the directory at once (a slow or black-holed
 * directory holds each for up to LDAP_CONNECTION_TIMEOUT): false when all are taken. */
static bool ldap_slot_take(auth *a)
{
	if (atomic_fetch_add(&a->ldap_running, 1) < a->cfg->ldap_max_sign_ins)
		return true;
	atomic_fetch_sub(&a->ldap_running, 1);
	long long now = (long long)time(NULL), last = atomic_load(&a->ldap_busy_logged);
	/* one line per ten seconds of a storm, not one per refused request */
	if (now - last >= 10 && atomic_compare_exchange_strong(&a->ldap_busy_logged, &last, now))
		log_msg(
		    LOG_WARN,
		    "LDAP sign-ins refused: TUSK_LDAP_MAX_SIGN_INS of them wait on the directory already (is it slow "
		    "or unreachable?)",
		    NULL);
	return false;
}

/* The LDAP source: the directory checks the password; the user is found or created. */
static enum auth_result login_ldap(auth *a, const char *name, const char *password, const char *client,
				   const char **why, auth_session *out, tusk_err *err)
{
	char role[8] = "", reason[160] = "", entry[256] = "";
	if (!ldap_slot_take(a))
		return AUTH_BUSY;
	enum ldap_check checked = auth_ldap_check(a->cfg, name, password, role, entry, reason);
	atomic_fetch_sub(&a->ldap_running, 1);
	switch (checked) {
	case LDAP_CHECK_OK:
		/* named by the directory's entry, not by what was typed (which the directory matched
		 * loosely: case, Unicode compatibility forms, spaces) */
		return auth_external_sign_in(a, "ldap", entry, role[0] ? role : NULL, a->cfg->ldap_auto_create_user,
					     NULL, client, out, err);
	case LDAP_CHECK_DENIED:
		auth_audit(a, NULL, entry[0] ? entry : "(directory user)", "login_failed", client, reason);
		err_set(err, ERR_PERMISSION_DENIED,
			"Your directory account is in none of the groups allowed to use Tusk: ask an administrator.");
		return AUTH_DENIED;
	case LDAP_CHECK_UNAVAILABLE:
		auth_audit(a, NULL, entry[0] ? entry : "(unchecked name)", "login_failed", client, reason);
		log_msg(LOG_ERROR, "LDAP directory unavailable", "detail", reason, NULL);
		return AUTH_UNAVAILABLE;
	case LDAP_CHECK_BAD:
		break;
	}
	*why = "ldap: wrong user name or password";
	return AUTH_BAD_CREDENTIALS;
}

/* Counts the attempt before any password is checked, so concurrent guesses cannot all be checked
 * before the pause lands: up to max at once, and from the max-th on one at a time, each holding
 * the pause while its password is checked (a right one lifts it). 1 go on (*held), 0 refused
 * (*retry_after), -1 error. */
static int login_reserve(auth *a, const char *key, int *failures, bool *held, int *retry_after, tusk_err *err)
{
	int64_t now = time(NULL);
	*held = false;
	if (!store_login_failed(a->store, key, now, 86400, failures, err))
		return -1;
	int max = a->cfg->max_login_attempts;
	if (max <= 0 || *failures < max)
		return 1;
	int64_t pause = pause_after(a, *failures);
	int took = store_login_hold(a->store, key, now, now + pause, err);
	if (took < 0)
		return -1;
	*held = took > 0;
	if (*held)
		return 1;
	/* another attempt holds the pause: this one is not checked, and counts no further */
	tusk_err ignored;
	if (!store_login_release(a->store, key, false, &ignored))
		log_msg(LOG_WARN, "store", "detail", ignored.msg, NULL);
	int64_t until = store_login_paused_until(a->store, key, err);
	*retry_after = until > now ? (int)(until - now) : 1;
	return 0;
}

enum auth_result auth_login(auth *a, const char *email, const char *password, const char *client, auth_session *out,
			    int *retry_after, tusk_err *err)
{
	/* wrong passwords count under the typed name's one form: case, Unicode compatibility forms
	 * and spaces (which a directory ignores) make no new counter */
	char normalized[256] = "", key[264], shown[256];
	auth_throttle_key(email, key);
	if (!ratelimit_allow(a->logins, client ? client : "", retry_after)) {
		auth_audit_name(a, key, shown);
		auth_audit(a, NULL, shown, "login_rate_limited", client, NULL);
		return AUTH_RATE_LIMITED;
	}
	tusk_err ignored;
	if (!auth_email_normalize(email, normalized, &ignored))
		normalized[0] = '\0';
	int64_t now = time(NULL);
	int64_t until = store_login_paused_until(a->store, key, err);
	if (until < 0)
		return AUTH_ERROR;
	if (until > now) {
		/* known or not, the same answer; not even the right password opens it */
		*retry_after = (int)(until - now);
		auth_audit_name(a, key, shown);
		auth_audit(a, NULL, shown, "login_failed", client, "logins to this address are paused");
		return AUTH_LOCKED;
	}
	int failures = 0;
	bool held = false;
	int go = login_reserve(a, key, &failures, &held, retry_after, err);
	if (go <= 0) {
		if (go == 0) {
			auth_audit_name(a, key, shown);
			auth_audit(a, NULL, shown, "login_failed", client,
				   "another attempt for this name is being checked");
		}
		return go < 0 ? AUTH_ERROR : AUTH_LOCKED;
	}
	store_user u;
	bool found = false;
	const char *why = "no sign-in source takes passwords";
	enum auth_result res = AUTH_BAD_CREDENTIALS;
	bool unavailable = false, busy = false;
	/* the sources in their order; the first that says yes signs in. A directory that cannot
	 * be asked passes to the next source (an administrator of the internal one still gets in);
	 * when none says yes, that is the answer, and no wrong password is counted. */
	for (const char *p = a->cfg->auth_sources; res == AUTH_BAD_CREDENTIALS && p && *p;) {
		size_t n = strcspn(p, ", ");
		if (n == 8 && strncasecmp(p, "internal", 8) == 0)
			res = login_internal(a, normalized, password, client, &u, &found, &why, out, err);
		else if (n == 4 && strncasecmp(p, "ldap", 4) == 0 && email && *email && password && *password)
			res = login_ldap(a, email, password, client, &why, out, err);
		if (res == AUTH_UNAVAILABLE || res == AUTH_BUSY) {
			unavailable = unavailable || res == AUTH_UNAVAILABLE;
			busy = busy || res == AUTH_BUSY;
			res = AUTH_BAD_CREDENTIALS;
		}
		p += n;
		p += strspn(p, ", ");
	}
	if (res == AUTH_BAD_CREDENTIALS && !unavailable && !busy)
		return login_counted_wrong(a, key, found ? &u : NULL, client, why, failures, err);
	if (res == AUTH_OK || res == AUTH_SECOND_STEP)
		return store_login_clear(a->store, key, err) ? res : AUTH_ERROR;
	/* no password was found wrong (directory down or busy, refused by groups, disabled): not counted */
	tusk_err release_err;
	if (!store_login_release(a->store, key, held, &release_err))
		log_msg(LOG_WARN, "store", "detail", release_err.msg, NULL);
	if (res == AUTH_BAD_CREDENTIALS && busy && !unavailable) {
		*retry_after = a->cfg->ldap_connection_timeout;
		return AUTH_BUSY;
	}
	return res == AUTH_BAD_CREDENTIALS ? AUTH_UNAVAILABLE : res;
}

/* The session of hash and its user, from the cache or the store (then
 * cached): 1, 0 missing/expired/disabled, -1 store error. */
static int session_lookup(auth *a, const char *hash, int64_t now, auth_session *out, tusk_err *err)
{
	uint64_t gen = 0;
	bool cacheable = a->cfg->session_cache_seconds > 0 && store_auth_generation(a->store, &gen);
	if (cacheable) {
		pthread_mutex_lock(&a->cache_lock);
		struct cached *c = cache_find(a, hash, now, gen);
		if (c) {
			out->session = c->session;
			out->user = c->user;
		}
		pthread_mutex_unlock(&a->cache_lock);
		if (c)
			return 1;
	}
	int found = store_session_get(a->store, hash, &out->session, err);
	if (found <= 0)
		return found;
	found = store_user_by_id(a->store, out->session.user_id, &out->user, err);
	if (found <= 0)
		return found;
	if (!out->user.active) {
		if (!store_session_delete_user(a->store, out->user.id, NULL, err))
			return -1;
		return 0;
	}
	if (cacheable)
		cache_put(a, &out->session, &out->user, now, gen);
	return 1;
}

/* Caller holds cache_lock: the cached copy learns the new last_seen_at. */
static void cache_touch(auth *a, const char *hash, int64_t seen)
{
	struct cached *c = a->cache[cache_bucket(hash)];
	while (c && strcmp(c->session.id_hash, hash) != 0)
		c = c->next;
	if (c)
		c->session.last_seen_at = seen;
}

int auth_session_load(auth *a, const char *token, auth_session *out, tusk_err *err)
{
	if (!token || strlen(token) != AUTH_TOKEN_CHARS - 1)
		return 0;
	memset(out, 0, sizeof(*out));
	char hash[65];
	auth_token_hash(token, hash);
	int64_t now = time(NULL);
	int found = session_lookup(a, hash, now, out, err);
	if (found <= 0)
		return found;
	store_session *ss = &out->session;
	int idle = a->cfg->session_idle_timeout;
	if (ss->expires_at <= now || ss->last_seen_at + idle <= now) {
		if (!store_session_delete(a->store, hash, err))
			return -1;
		return 0;
	}
	/* write last_seen_at at most every few seconds, not on every request */
	int64_t every = idle / 4 < 15 ? idle / 4 : 15;
	if (now - ss->last_seen_at >= every) {
		if (!store_session_touch(a->store, hash, now, err))
			return -1;
		ss->last_seen_at = now;
		pthread_mutex_lock(&a->cache_lock);
		cache_touch(a, hash, now);
		pthread_mutex_unlock(&a->cache_lock);
	}
	out->has_data_key =
	    ss->data_key_wrapped_len &&
	    auth_data_key_unwrap_token(ss->data_key_wrapped, ss->data_key_wrapped_len, token, out->data_key);
	snprintf(out->token, sizeof(out->token), "%s", token);
	auth_csrf_token(token, ss->csrf_token);
	out->password_change_required = must_change_password(a, out->user.id);
	out->two_factor_setup_required = auth_two_factor_setup_due(a, &out->user);
	return 1;
}

bool auth_logout(auth *a, const auth_session *s, const char *client, tusk_err *err)
{
	if (!store_session_delete(a->store, s->session.id_hash, err))
		return false;
	auth_audit(a, &s->user, NULL, "logout", client, NULL);
	return true;
}

static void forget_initial_password(auth *a, const store_user *u)
{
	char id[32];
	tusk_err err;
	if (!store_meta_get(a->store, "initial_admin_user", id, sizeof(id), &err) || atoll(id) != u->id)
		return;
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", a->cfg->data_dir, AUTH_INITIAL_PASSWORD_FILE);
	if (unlink(path) != 0 && errno != ENOENT)
		log_msg(LOG_WARN, "cannot remove the initial password file", "path", path, "detail", strerror(errno),
			NULL);
	if (!store_meta_set(a->store, "initial_admin_user", NULL, &err))
		log_msg(LOG_WARN, "store", "detail", err.msg, NULL);
}

bool auth_change_password(auth *a, auth_session *s, const char *current, const char *next, const char *client,
			  tusk_err *err)
{
	store_user u;
	int found = store_user_by_id(a->store, s->user.id, &u, err);
	if (found <= 0) {
		if (found == 0)
			err_set(err, ERR_NOT_FOUND, "Your account no longer exists.");
		return false;
	}
	if (u.auth_source[0] && strcmp(u.auth_source, "internal") != 0) {
		err_set(err, ERR_FORBIDDEN,
			"You sign in through the %s source: Tusk keeps no password of yours to change.", u.auth_source);
		return false;
	}
	if (!current || !auth_password_verify(u.password_hash, current)) {
		auth_audit(a, &u, NULL, "password_change_failed", client, "wrong current password");
		err_set(err, ERR_WRONG_PASSWORD, "The current password is not right.");
		return false;
	}
	if (!auth_password_acceptable(a, next, err))
		return false;
	/* the data key survives a change: unwrap with the old password, wrap with the new */
	unsigned char key[AUTH_DATA_KEY_BYTES];
	if (!auth_data_key_unwrap_password(u.data_key_wrapped, u.data_key_wrapped_len, u.data_key_salt, current, key)) {
		log_msg(LOG_ERROR, "data key could not be unwrapped; a new one is made", "email", u.email, NULL);
		auth_data_key_new(key);
	}
	bool ok = set_credentials(&u, next, key, err);
	u.updated_at = time(NULL);
	ok = ok && store_user_update(a->store, &u, err) &&
	     store_session_delete_user(a->store, u.id, s->session.id_hash, err);
	if (ok) {
		/* the current session keeps its key, re-wrapped under its own token */
		auth_data_key_wrap_token(key, s->token, s->session.data_key_wrapped, &s->session.data_key_wrapped_len);
		s->user = u;
		auth_audit(a, &u, NULL, "password_changed", client, NULL);
		forget_initial_password(a, &u);
		password_now_acceptable(a, &u);
		s->password_change_required = false;
	}
	sodium_memzero(key, sizeof(key));
	return ok;
}

/* ---- desktop mode ---- */

void auth_desktop_key_issue(auth *a, char out[AUTH_TOKEN_CHARS])
{
	pthread_mutex_lock(&a->desktop_lock);
	auth_random_token(a->desktop_key);
	memcpy(out, a->desktop_key, AUTH_TOKEN_CHARS);
	pthread_mutex_unlock(&a->desktop_lock);
}

enum auth_result auth_desktop_login(auth *a, const char *key, const char *client, auth_session *out, tusk_err *err)
{
	pthread_mutex_lock(&a->desktop_lock);
	bool ok = a->desktop_key[0] && key && auth_token_equal(a->desktop_key, key);
	if (ok)
		sodium_memzero(a->desktop_key, sizeof(a->desktop_key)); /* one use */
	pthread_mutex_unlock(&a->desktop_lock);
	if (!ok) {
		auth_audit(a, NULL, AUTH_DESKTOP_EMAIL, "login_failed", client, "wrong or used desktop key");
		return AUTH_BAD_CREDENTIALS;
	}
	store_user u;
	int found = store_user_by_email(a->store, AUTH_DESKTOP_EMAIL, &u, err);
	if (found <= 0)
		return AUTH_ERROR;
	char path[4096], secret[AUTH_TOKEN_CHARS] = "";
	snprintf(path, sizeof(path), "%s/desktop-secret", a->cfg->data_dir);
	FILE *f = fopen(path, "r");
	if (f) {
		if (!fgets(secret, sizeof(secret), f))
			secret[0] = '\0';
		fclose(f);
	}
	unsigned char dk[AUTH_DATA_KEY_BYTES];
	bool have_key = secret[0] && auth_data_key_unwrap_password(u.data_key_wrapped, u.data_key_wrapped_len,
								   u.data_key_salt, secret, dk);
	sodium_memzero(secret, sizeof(secret));
	enum auth_result res = auth_sign_in(a, &u, have_key ? dk : NULL, client, "desktop key", out, err);
	sodium_memzero(dk, sizeof(dk));
	return res;
}
