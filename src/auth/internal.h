/* What the sign-in sources (auth.c, external.c, ldap.c) share inside auth/. */
#ifndef TUSK_AUTH_INTERNAL_H
#define TUSK_AUTH_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "auth/auth.h"
#include "auth/ratelimit.h"
#include "util/str.h"

/* A checked login session, kept for session_cache_seconds while the
 * store's auth generation stays the same: a logout, password change,
 * disabling or deletion anywhere moves it, and every entry is then stale. */
struct cached {
	store_session session;
	store_user user;
	int64_t at;   /* when checked against the store */
	uint64_t gen; /* the store's auth generation then */
	struct cached *next;
};
#define CACHE_BUCKETS 4096
#define CACHE_MAX 50000

struct auth {
	store *store;
	const config *cfg;
	ratelimit *logins;
	pthread_mutex_t desktop_lock;
	char desktop_key[AUTH_TOKEN_CHARS]; /* empty once used */
	int64_t weak_user;		    /* the account that must change its password, or 0 */
	pthread_mutex_t cache_lock;
	struct cached *cache[CACHE_BUCKETS];
	size_t ncached;
	unsigned sources;	       /* AUTH_SOURCE_* bits */
	ratelimit *second_steps;       /* per address, like logins */
	atomic_int ldap_running;       /* LDAP sign-ins waiting on the directory now */
	atomic_llong ldap_busy_logged; /* when the last "directory busy" warning was logged */
};

/* A failed sign-in, counted under key like a wrong password (the pause after too many). */
enum auth_result auth_login_wrong(auth *a, const char *key, const store_user *u, const char *client, const char *why,
				  tusk_err *err);
/* The last steps of every sign-in: last login time, the session (with data_key, which may be
 * NULL), the audit line (detail), a sweep of ended sessions. */
enum auth_result auth_sign_in(auth *a, store_user *u, const unsigned char *data_key, const char *client,
			      const char *detail, auth_session *out, tusk_err *err);

/* Who an oauth2 provider says signed in: its OAUTH2_NAME and its stable subject for the user. */
struct auth_identity {
	const char *provider, *subject;
};

/* A user of an external source (ldap, webserver, oauth2) signs in: found by name (oauth2: by
 * id, the provider and subject, then by name under the rules of docs/security.md), or created
 * when auto_create; its data key comes from the server secret. role: "admin"/"user" to set
 * (LDAP groups), or NULL to keep (a new user then gets "user"). id: NULL but for oauth2. */
enum auth_result auth_external_sign_in(auth *a, const char *source, const char *name, const char *role,
				       bool auto_create, const struct auth_identity *id, const char *client,
				       auth_session *out, tusk_err *err);

/* names.c: what wrong passwords for a typed name are counted under (its folded form, or a
 * digest when it has none); the second step's counter of u (a namespace no typed name reaches);
 * the name an audit line gives for key (a user's, else "unknown name" and a keyed digest). */
void auth_throttle_key(const char *typed, char out[264]);
void auth_second_step_key(const store_user *u, char out[264]);
void auth_audit_name(auth *a, const char *key, char out[256]);
/* At start: warns of accounts of external sources whose names are not in their folded form. */
void auth_names_check(auth *a);

/* The server secret (32 bytes) kept in the store, made by the first replica that needs it. */
bool auth_server_secret(auth *a, unsigned char out[32], tusk_err *err) __attribute__((warn_unused_result));

/* Two-factor (twofactor.c): whether u must pass the second step now (enrolled, the feature on,
 * a source it covers); if so, auth_sign_in holds the sign-in as a pending token instead. */
bool auth_two_factor_due(const auth *a, const store_user *u);
enum auth_result auth_pending_start(auth *a, const store_user *u, const unsigned char *data_key, const char *client,
				    auth_session *out, tusk_err *err);
/* auth_sign_in without the second step: the session itself. */
enum auth_result auth_sign_in_session(auth *a, store_user *u, const unsigned char *data_key, const char *client,
				      const char *detail, auth_session *out, tusk_err *err);
/* Whether the first-start administrator must still change its password. */
bool auth_must_change_password(auth *a, int64_t user_id);

/* A new data key for an external user, wrapped under the server secret (sets salt and wrapped). */
bool auth_external_new_key(auth *a, store_user *u, tusk_err *err) __attribute__((warn_unused_result));

/* LDAP (ldap.c): checks name and password against the directory; role gets "admin" or "user"
 * from the groups (or "" when no group decides), user the entry's own user name (its username
 * attribute: the account is named by it, never by the text typed). */
enum ldap_check { LDAP_CHECK_OK, LDAP_CHECK_BAD, LDAP_CHECK_DENIED, LDAP_CHECK_UNAVAILABLE };
enum ldap_check auth_ldap_check(const config *cfg, const char *name, const char *password, char role[8], char user[256],
				char why[160]);

/* RFC 4515 (filter values) and RFC 4514 (DN attribute values) escaping, appended to out. */
void auth_ldap_escape_filter(const char *in, str *out);
void auth_ldap_escape_dn(const char *in, str *out);

#endif
