/* Accounts: first-start administrator, login with lockout and rate limit,
 * login sessions, password changes, users, the audit log, desktop key. */
#ifndef TUSK_AUTH_AUTH_H
#define TUSK_AUTH_AUTH_H

#include <stdbool.h>

#include "auth/password.h"
#include "config.h"
#include "store/store.h"
#include "util/err.h"

typedef struct auth auth;

typedef struct {
	store_user user;
	store_session session;
	char token[AUTH_TOKEN_CHARS]; /* the cookie value; set by login only */
	unsigned char data_key[AUTH_DATA_KEY_BYTES];
	bool has_data_key;
	/* the first-start administrator's password was shorter than the minimum: until it is
	 * changed, this session may only change it, ask who it is, or log out */
	bool password_change_required;
} auth_session;

enum auth_result {
	AUTH_OK,
	AUTH_BAD_CREDENTIALS,
	AUTH_LOCKED, /* logins to the address pause after wrong passwords (*retry_after) */
	AUTH_DISABLED,
	AUTH_RATE_LIMITED,
	AUTH_DENIED,	  /* the source knows the user but refuses it (LDAP groups, no auto-create) */
	AUTH_UNAVAILABLE, /* the source cannot be asked (LDAP directory down) */
	AUTH_ERROR,
};

/* The stored hash of a user of an external source (ldap, webserver): no Tusk password. */
#define AUTH_PASSWORD_EXTERNAL_HASH "!external"

/* Whether a sign-in source ("internal", "ldap", "webserver") is among the configured ones. */
bool auth_source_on(const auth *a, const char *name);

/* The webserver source: a trusted proxy (the caller checked the TCP peer) named the user. */
enum auth_result auth_webserver_login(auth *a, const char *name, const char *client, auth_session *out, tusk_err *err);

/* An administrator creates a user of the ldap or webserver source ahead of its first sign-in. */
bool auth_user_create_external(auth *a, const char *source, const char *name, const char *role, bool active,
			       store_user *out, tusk_err *err) __attribute__((warn_unused_result));

/* The stored hash of an account no password opens until an administrator sets one. */
#define AUTH_PASSWORD_UNSET_HASH "!unset"

#define AUTH_DESKTOP_EMAIL "desktop@tusk.local"
#define AUTH_INITIAL_PASSWORD_FILE "initial-admin-password"

auth *auth_new(store *s, const config *cfg);
void auth_free(auth *a);

/* The store's meta key naming the account whose password must change at its next login. */
#define AUTH_WEAK_PASSWORD_META "password_change_required_user"

/* Creates the first administrator when the store has no user (see config). A password
 * shorter than the minimum is accepted there, as pgAdmin's container accepts it, logged as
 * weak, and that account must change it at its first login. */
bool auth_bootstrap(auth *a, tusk_err *err) __attribute__((warn_unused_result));

enum auth_result auth_login(auth *a, const char *email, const char *password, const char *client, auth_session *out,
			    int *retry_after, tusk_err *err);
/* 1 valid (and touched), 0 missing/expired/revoked, -1 store error. */
int auth_session_load(auth *a, const char *token, auth_session *out, tusk_err *err);
bool auth_logout(auth *a, const auth_session *s, const char *client, tusk_err *err) __attribute__((warn_unused_result));
/* err code wrong_password or weak_password on refusal. */
bool auth_change_password(auth *a, auth_session *s, const char *current, const char *next, const char *client,
			  tusk_err *err) __attribute__((warn_unused_result));

bool auth_email_normalize(const char *in, char out[256], tusk_err *err) __attribute__((warn_unused_result));
bool auth_password_acceptable(const auth *a, const char *password, tusk_err *err) __attribute__((warn_unused_result));
bool auth_user_create(auth *a, const char *email, const char *password, const char *role, bool active, store_user *out,
		      tusk_err *err) __attribute__((warn_unused_result));
/* An account without a password (imported from pgAdmin): no login until an
 * administrator sets one with auth_user_reset_password. */
bool auth_user_create_unset(auth *a, const char *email, const char *role, bool active, store_user *out, tusk_err *err)
    __attribute__((warn_unused_result));
/* An administrator's reset: new password, new data key (saved server
 * passwords can no longer be read and are discarded), sessions ended, unlocked. */
bool auth_user_reset_password(auth *a, store_user *u, const char *password, tusk_err *err)
    __attribute__((warn_unused_result));

/* Lifts the pause after wrong passwords for u's e-mail; nothing else changes
 * (password, data key, saved server passwords, sessions). */
bool auth_unlock(auth *a, store_user *u, const char *client, tusk_err *err) __attribute__((warn_unused_result));

void auth_audit(auth *a, const store_user *u, const char *email, const char *event, const char *client,
		const char *detail);

/* Desktop mode: a one-time key printed in the URL signs the browser in. */
void auth_desktop_key_issue(auth *a, char out[AUTH_TOKEN_CHARS]);
enum auth_result auth_desktop_login(auth *a, const char *key, const char *client, auth_session *out, tusk_err *err);

#endif
