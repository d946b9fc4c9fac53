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
	/* two-factor is required of this user and not enrolled yet: until it is, this session may
	 * only enrol, ask who it is, or log out */
	bool two_factor_setup_required;
	/* AUTH_SECOND_STEP: the pending sign-in's token (not a session) and when it ends */
	char pending[AUTH_TOKEN_CHARS];
	int64_t pending_expires_at;
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
	AUTH_SECOND_STEP, /* the password was right; the sign-in waits for a code (out->pending) */
	AUTH_BUSY,	  /* TUSK_LDAP_MAX_SIGN_INS sign-ins wait on the directory already (*retry_after) */
};

/* The stored hash of a user of an external source (ldap, webserver): no Tusk password. */
#define AUTH_PASSWORD_EXTERNAL_HASH "!external"

/* Whether a sign-in source ("internal", "ldap", "webserver") is among the configured ones. */
bool auth_source_on(const auth *a, const char *name);

/* The webserver source: a trusted proxy (the caller checked the TCP peer) named the user. */
enum auth_result auth_webserver_login(auth *a, const char *name, const char *client, auth_session *out, tusk_err *err);

/* An administrator creates a user of the ldap, webserver or oauth2 source ahead of its first
 * sign-in. provider: the oauth2 provider's OAUTH2_NAME it signs in through (NULL: the only one
 * configured; required when there are several); NULL for the other sources. */
bool auth_user_create_external(auth *a, const char *source, const char *name, const char *role, const char *provider,
			       bool active, store_user *out, tusk_err *err) __attribute__((warn_unused_result));
/* An operator names the oauth2 provider u signs in through (NULL: the only one configured); the
 * subject is forgotten, and the next sign-in through that provider with u's name binds it. */
bool auth_user_set_provider(auth *a, store_user *u, const char *provider, tusk_err *err)
    __attribute__((warn_unused_result));

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
/* A user name in its one form (auth/names.c): Unicode NFKC with case folding (NFKC only when
 * keep_case), surrounding spaces and invisible characters removed. False when nothing is left,
 * it is not UTF-8, longer than 254 bytes, or holds control characters. */
bool auth_name_fold(const char *in, bool keep_case, char out[256]) __attribute__((warn_unused_result));
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

/* ---- two-factor (auth/twofactor.c): TOTP for users of the internal and ldap sources ---- */
#define AUTH_RECOVERY_CODES 10
#define AUTH_RECOVERY_CHARS 20 /* XXXX-XXXX-XXXX-XXXX and NUL */
#define AUTH_PENDING_SECONDS 300

/* Whether u must enrol before anything else (required for all or for u, not enrolled, covered). */
bool auth_two_factor_setup_due(const auth *a, const store_user *u);
/* Whether u's sign-in source is one two-factor covers (internal, ldap; not the desktop user). */
bool auth_two_factor_source_covered(const store_user *u);
/* Whether the feature covers u at all (on, internal or ldap source, not the desktop user). */
bool auth_two_factor_covers(const auth *a, const store_user *u);
/* A new secret for u: its base32 text, the otpauth:// URI, the QR code (SVG) and a setup token
 * (the secret sealed for u, valid AUTH_PENDING_SECONDS) that confirm takes back; all malloc'd. */
bool auth_two_factor_begin(auth *a, const store_user *u, char **secret, char **uri, char **svg, char **setup_token,
			   tusk_err *err) __attribute__((warn_unused_result));
/* What proves the holder of a session holds the second factor too, before it is replaced or
 * removed: a code of the current authenticator or a recovery code, or (internal users) the
 * password. Either may be NULL. */
struct auth_proof {
	const char *code, *password;
};
/* Enrols the sealed secret when code is its current code; codes gets the new recovery codes
 * (shown once: the store keeps their hashes). err code invalid_code on a wrong code. When an
 * authenticator is enrolled already, proof must show it (err reauthentication_required without
 * one; invalid_code / wrong_password when wrong, counted like wrong codes at sign-in;
 * login_paused with *retry_after after too many). */
bool auth_two_factor_confirm(auth *a, auth_session *s, const char *setup_token, const char *code,
			     const struct auth_proof *proof, const char *client,
			     char codes[AUTH_RECOVERY_CODES][AUTH_RECOVERY_CHARS], int *retry_after, tusk_err *err)
    __attribute__((warn_unused_result));
/* The user turns its own two-factor off, with proof as for confirm; refused (forbidden) while
 * two-factor is required of it. */
bool auth_two_factor_disable(auth *a, auth_session *s, const struct auth_proof *proof, const char *client,
			     int *retry_after, tusk_err *err) __attribute__((warn_unused_result));
/* The second step: the pending token and a code (or a recovery code). AUTH_OK signs in (out);
 * AUTH_BAD_CREDENTIALS a wrong or used code; AUTH_LOCKED / AUTH_RATE_LIMITED (*retry_after) as
 * for passwords; AUTH_DENIED (err) when the pending sign-in is unknown, used or expired. */
enum auth_result auth_second_step(auth *a, const char *pending, const char *code, const char *client, auth_session *out,
				  int *retry_after, tusk_err *err);
/* An administrator removes u's authenticator and recovery codes (audited by the caller). */
bool auth_two_factor_reset(auth *a, const store_user *u, tusk_err *err) __attribute__((warn_unused_result));
/* Recovery codes u has left, -1 on error. */
int64_t auth_two_factor_codes_left(auth *a, const store_user *u);

/* Desktop mode: a one-time key printed in the URL signs the browser in. */
void auth_desktop_key_issue(auth *a, char out[AUTH_TOKEN_CHARS]);
enum auth_result auth_desktop_login(auth *a, const char *key, const char *client, auth_session *out, tusk_err *err);

#endif
