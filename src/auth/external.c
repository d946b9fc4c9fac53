/* Users of the external sign-in sources (ldap, webserver): no Tusk password; found by name
 * or created on first sign-in; their data key is wrapped under a key derived from a server
 * secret kept in the store (docs/security.md says what that changes). */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "auth/internal.h"
#include "util/log.h"

#define SECRET_META "external_users_key"

bool auth_source_on(const auth *a, const char *name)
{
	size_t len = strlen(name);
	for (const char *p = a->cfg->auth_sources; p && *p;) {
		size_t n = strcspn(p, ", ");
		if (n == len && strncasecmp(p, name, n) == 0)
			return true;
		p += n;
		p += strspn(p, ", ");
	}
	return false;
}

/* The server secret (32 bytes), made by the first replica that needs it. */
bool auth_server_secret(auth *a, unsigned char out[32], tusk_err *err)
{
	char text[128];
	if (!store_meta_get(a->store, SECRET_META, text, sizeof(text), err))
		return false;
	if (!text[0]) {
		unsigned char raw[32];
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2base64(text, sizeof(text), raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		sodium_memzero(raw, sizeof(raw));
		/* two replicas may race: the first written wins, and both read it back */
		if (!store_meta_add(a->store, SECRET_META, text, err) ||
		    !store_meta_get(a->store, SECRET_META, text, sizeof(text), err))
			return false;
	}
	size_t n = 0;
	bool ok = sodium_base642bin(out, 32, text, strlen(text), NULL, &n, NULL,
				    sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
		  n == 32;
	sodium_memzero(text, sizeof(text));
	if (!ok)
		err_set(err, ERR_INTERNAL, "the store's key for external users is damaged");
	return ok;
}

/* The text that wraps a user's data key: keyed BLAKE2b of the user's salt under the secret. */
static bool user_wrap_text(auth *a, const unsigned char salt[16], char out[AUTH_TOKEN_CHARS], tusk_err *err)
{
	unsigned char secret[32], k[32];
	static const char ctx[] = "tusk external user data key v1";
	if (!auth_server_secret(a, secret, err))
		return false;
	crypto_generichash_state st;
	crypto_generichash_init(&st, secret, sizeof(secret), sizeof(k));
	crypto_generichash_update(&st, (const unsigned char *)ctx, sizeof(ctx));
	crypto_generichash_update(&st, salt, 16);
	crypto_generichash_final(&st, k, sizeof(k));
	sodium_bin2base64(out, AUTH_TOKEN_CHARS, k, sizeof(k), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(k, sizeof(k));
	return true;
}

/* A name from a directory entry, a proxy or a provider, as the user's key (auth_name_key): the
 * name itself in lower case; names that look like other names are refused, never merged. */
static bool external_name(const char *in, bool keep_case, char out[256])
{
	return auth_name_key(in, keep_case, out) && strcmp(out, AUTH_DESKTOP_EMAIL) != 0;
}

/* The key an account made before names were folded has (bytes lower-cased as ASCII only). */
static bool legacy_name(const char *in, bool keep_case, char out[256])
{
	size_t n = in ? strlen(in) : 0;
	if (n == 0 || n > 255 || in[0] == ' ' || in[n - 1] == ' ')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c < 0x20 || c == 0x7f)
			return false;
		out[i] = keep_case ? (char)c : (char)tolower(c);
	}
	out[n] = '\0';
	return true;
}

/* An account made before folding keeps signing in under its old key, as long as no account
 * has the folded one (names with non-ASCII capitals, say). */
static void prefer_existing(auth *a, const char *name, bool keep_case, char norm[256])
{
	char old[256];
	store_user u;
	tusk_err err;
	if (legacy_name(name, keep_case, old) && strcmp(old, norm) != 0 &&
	    store_user_by_email(a->store, norm, &u, &err) == 0 && store_user_by_email(a->store, old, &u, &err) == 1)
		snprintf(norm, 256, "%s", old);
}

static bool create_external(auth *a, const char *source, const char *name, const char *role,
			    const struct auth_identity *id, store_user *u, tusk_err *err)
{
	memset(u, 0, sizeof(*u));
	snprintf(u->email, sizeof(u->email), "%s", name);
	snprintf(u->role, sizeof(u->role), "%s", role ? role : "user");
	snprintf(u->auth_source, sizeof(u->auth_source), "%s", source);
	snprintf(u->password_hash, sizeof(u->password_hash), "%s", AUTH_PASSWORD_EXTERNAL_HASH);
	if (id && id->provider)
		snprintf(u->oauth2_provider, sizeof(u->oauth2_provider), "%s", id->provider);
	if (id && id->subject)
		snprintf(u->oauth2_subject, sizeof(u->oauth2_subject), "%s", id->subject);
	u->active = true;
	u->created_at = u->updated_at = time(NULL);
	return auth_external_new_key(a, u, err) && store_user_create(a->store, u, err);
}

bool auth_external_new_key(auth *a, store_user *u, tusk_err *err)
{
	unsigned char key[AUTH_DATA_KEY_BYTES];
	char text[AUTH_TOKEN_CHARS];
	auth_data_key_new(key);
	randombytes_buf(u->data_key_salt, sizeof(u->data_key_salt));
	bool ok = user_wrap_text(a, u->data_key_salt, text, err);
	if (ok)
		auth_data_key_wrap_token(key, text, u->data_key_wrapped, &u->data_key_wrapped_len);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(text, sizeof(text));
	return ok;
}

/* A refusal of a sign-in whose name is another account's: the message for the user, an audit
 * line an administrator can search for (identity_conflict), 0 for find_or_create. */
static int conflict(auth *a, const store_user *u, const char *client, const char *source, const char *who,
		    const char *why, tusk_err *err)
{
	str detail = STR_INIT;
	str_appendf(&detail, "%s (%s) was refused the Tusk user %s: %s", who, source, u->email, why);
	auth_audit(a, u, NULL, "identity_conflict", client, str_cstr(&detail));
	str_free(&detail);
	err_set(err, ERR_PERMISSION_DENIED,
		"The Tusk user '%s' belongs to someone else (%s), so Tusk did not sign you in as it. Ask an "
		"administrator.",
		u->email, why);
	return 0;
}

/* Whether a user of the oauth2 source that some identity does not open may be bound to id:
 * 1 bound (u updated), 0 refused (err, audited), -1 store error. A user with a subject is another
 * person's; one with a provider recorded binds to that provider only; one with neither (made
 * before subjects were kept) binds only when a single provider is configured, the one that made
 * it. */
static int bind_oauth2(auth *a, store_user *u, const struct auth_identity *id, const char *client, tusk_err *err)
{
	char who[400];
	snprintf(who, sizeof(who), "subject %.255s of provider %.63s", id->subject, id->provider);
	if (u->oauth2_subject[0])
		return conflict(a, u, client, "oauth2", who,
				strcmp(u->oauth2_provider, id->provider) == 0
				    ? "the provider names another of its accounts by that name now"
				    : "it signs in through another identity provider",
				err);
	if (u->oauth2_provider[0] && strcmp(u->oauth2_provider, id->provider) != 0)
		return conflict(a, u, client, "oauth2", who, "it signs in through another identity provider", err);
	if (!u->oauth2_provider[0] && a->cfg->noauth2 != 1)
		return conflict(a, u, client, "oauth2", who,
				"it was made before Tusk kept which provider each user signs in through, and several "
				"are configured: an administrator names its provider (tusk user set-provider)",
				err);
	int bound = store_user_bind_oauth2(a->store, u->id, id->provider, id->subject, err);
	if (bound <= 0)
		return bound < 0 ? -1 : conflict(a, u, client, "oauth2", who, "another sign-in bound it first", err);
	snprintf(u->oauth2_provider, sizeof(u->oauth2_provider), "%s", id->provider);
	snprintf(u->oauth2_subject, sizeof(u->oauth2_subject), "%s", id->subject);
	char detail[420];
	snprintf(detail, sizeof(detail), "bound to %s", who);
	auth_audit(a, u, NULL, "user_bound", client, detail);
	return 1;
}

/* The user an identity names: by provider and subject for oauth2, else by name. 1 found, 0
 * not found, -1 error; *by_name says a found user still needs checking against the identity. */
static int find_user(auth *a, const char *name, const struct auth_identity *id, store_user *u, bool *by_name,
		     tusk_err *err)
{
	*by_name = true;
	if (id) {
		int found = store_user_by_oauth2(a->store, id->provider, id->subject, u, err);
		if (found != 0) {
			*by_name = false;
			return found;
		}
	}
	int found = store_user_by_email(a->store, name, u, err);
	/* another sign-in of this identity made the user between the two reads: it is this one */
	if (found == 1 && id && strcmp(u->oauth2_provider, id->provider) == 0 &&
	    strcmp(u->oauth2_subject, id->subject) == 0)
		*by_name = false;
	return found;
}

/* Found, or created when allowed: 1, 0 refused (err says why), -1 store error. */
static int find_or_create(auth *a, const char *source, const char *name, const char *role, bool auto_create,
			  const struct auth_identity *id, const char *client, store_user *u, tusk_err *err)
{
	bool by_name;
	int found = find_user(a, name, id, u, &by_name, err);
	if (found < 0)
		return -1;
	if (found == 0 && !auto_create) {
		err_set(
		    err, ERR_PERMISSION_DENIED,
		    "There is no Tusk user '%s', and users of this sign-in source are not created on first sign-in: "
		    "ask an administrator to create it.",
		    name);
		return 0;
	}
	if (found == 0) {
		if (create_external(a, source, name, role, id, u, err)) {
			auth_audit(a, u, NULL, "user_created", client, source);
			return 1;
		}
		/* another first sign-in made the user meanwhile (this identity's, or the name's): the
		 * checks below decide as if it had been there */
		if (err->code != ERR_EMAIL_TAKEN || find_user(a, name, id, u, &by_name, err) != 1)
			return -1;
	}
	const char *has = u->auth_source[0] ? u->auth_source : "internal";
	if (strcmp(has, source) != 0) {
		char who[400];
		if (id)
			snprintf(who, sizeof(who), "subject %.255s of provider %.63s", id->subject, id->provider);
		else
			snprintf(who, sizeof(who), "a user of the %s source", source);
		conflict(a, u, client, source, who, "it signs in through another source", err);
		err_set(err, ERR_PERMISSION_DENIED,
			"The Tusk user '%s' signs in through the %s source, not %s: ask an administrator.", name, has,
			source);
		return 0;
	}
	if (id && by_name) {
		int bound = bind_oauth2(a, u, id, client, err);
		if (bound <= 0)
			return bound;
	}
	if (role && strcmp(u->role, role) != 0) {
		char detail[64];
		snprintf(detail, sizeof(detail), "role %s from the directory's groups", role);
		snprintf(u->role, sizeof(u->role), "%s", role);
		auth_audit(a, u, NULL, "user_role_changed", client, detail);
	}
	return 1;
}

enum auth_result auth_external_sign_in(auth *a, const char *source, const char *name, const char *role,
				       bool auto_create, const struct auth_identity *id, const char *client,
				       auth_session *out, tusk_err *err)
{
	char norm[256];
	bool keep_case = strcmp(source, "ldap") == 0 && a->cfg->ldap_dn_case_sensitive;
	if (!external_name(name, keep_case, norm)) {
		auth_audit(a, NULL, "", "login_failed", client, "a user name Tusk does not take");
		err_set(
		    err, ERR_PERMISSION_DENIED,
		    "The user name is empty, too long, not composed (NFC), or holds control, invisible or compatibility characters (full-width letters, ligatures).");
		return AUTH_DENIED;
	}
	prefer_existing(a, name, keep_case, norm);
	store_user u;
	int ok = find_or_create(a, source, norm, role, auto_create, id, client, &u, err);
	if (ok <= 0) {
		if (ok == 0)
			auth_audit(a, NULL, norm, "login_failed", client, err->msg);
		return ok == 0 ? AUTH_DENIED : AUTH_ERROR;
	}
	if (!u.active) {
		auth_audit(a, &u, NULL, "login_failed", client, "account disabled");
		return AUTH_DISABLED;
	}
	/* the role the source decided is saved now: the second step reads the user again */
	if (role && auth_two_factor_due(a, &u) && !store_user_update(a->store, &u, err))
		return AUTH_ERROR;
	unsigned char dk[AUTH_DATA_KEY_BYTES];
	char text[AUTH_TOKEN_CHARS];
	bool have_key = user_wrap_text(a, u.data_key_salt, text, err) &&
			auth_data_key_unwrap_token(u.data_key_wrapped, u.data_key_wrapped_len, text, dk);
	sodium_memzero(text, sizeof(text));
	if (!have_key)
		log_msg(LOG_ERROR, "data key could not be unwrapped", "email", u.email, NULL);
	enum auth_result res = auth_sign_in(a, &u, have_key ? dk : NULL, client, source, out, err);
	sodium_memzero(dk, sizeof(dk));
	return res;
}

enum auth_result auth_webserver_login(auth *a, const char *name, const char *client, auth_session *out, tusk_err *err)
{
	return auth_external_sign_in(a, "webserver", name, NULL, a->cfg->webserver_auto_create_user, NULL, client, out,
				     err);
}

/* The provider a new oauth2 user signs in through: the one asked for (it must be configured),
 * or the only one configured. */
static bool provider_for(const auth *a, const char *asked, const char **out, tusk_err *err)
{
	for (size_t i = 0; asked && *asked && i < a->cfg->noauth2; i++)
		if (strcmp(a->cfg->oauth2[i].name, asked) == 0) {
			*out = a->cfg->oauth2[i].name;
			return true;
		}
	if (asked && *asked) {
		err_set(err, ERR_INVALID_FIELD, "There is no oauth2 sign-in provider '%s' (OAUTH2_NAME).", asked);
		return false;
	}
	if (a->cfg->noauth2 == 1) {
		*out = a->cfg->oauth2[0].name;
		return true;
	}
	err_set(err, ERR_MISSING_FIELD,
		a->cfg->noauth2 ? "Several oauth2 providers are configured: say which one this user signs in through "
				  "(oauth2_provider), so no other provider's user of that name can take it."
				: "No oauth2 provider is configured (OAUTH2_CONFIG).");
	return false;
}

bool auth_user_create_external(auth *a, const char *source, const char *name, const char *role, const char *provider,
			       bool active, store_user *out, tusk_err *err)
{
	if (strcmp(source, "ldap") != 0 && strcmp(source, "webserver") != 0 && strcmp(source, "oauth2") != 0) {
		err_set(err, ERR_INVALID_FIELD,
			"The sign-in source must be internal, ldap, oauth2 or webserver, not '%s'.", source);
		return false;
	}
	if (strcmp(role, "admin") != 0 && strcmp(role, "user") != 0) {
		err_set(err, ERR_INVALID_ROLE, "The role must be admin or user, not '%s'.", role);
		return false;
	}
	bool oauth2 = strcmp(source, "oauth2") == 0;
	if (!oauth2 && provider && *provider) {
		err_set(err, ERR_INVALID_FIELD, "Only users of the oauth2 source have a provider (oauth2_provider).");
		return false;
	}
	struct auth_identity id = {0};
	if (oauth2 && !provider_for(a, provider, &id.provider, err))
		return false;
	char norm[256];
	bool keep_case = strcmp(source, "ldap") == 0 && a->cfg->ldap_dn_case_sensitive;
	if (!external_name(name, keep_case, norm)) {
		err_set(
		    err, ERR_INVALID_NAME,
		    "The user name is empty, too long, not composed (NFC), or holds control, invisible or compatibility characters (full-width letters, ligatures).");
		return false;
	}
	if (!create_external(a, source, norm, role, oauth2 ? &id : NULL, out, err))
		return false;
	out->active = active;
	return active || store_user_update(a->store, out, err);
}

bool auth_user_set_provider(auth *a, store_user *u, const char *provider, tusk_err *err)
{
	const char *has = u->auth_source[0] ? u->auth_source : "internal";
	if (strcmp(has, "oauth2") != 0) {
		err_set(err, ERR_INVALID_FIELD, "%s signs in through the %s source, not oauth2: it has no provider.",
			u->email, has);
		return false;
	}
	const char *name = NULL;
	if (!provider_for(a, provider, &name, err) || !store_user_set_oauth2(a->store, u->id, name, err))
		return false;
	snprintf(u->oauth2_provider, sizeof(u->oauth2_provider), "%s", name);
	u->oauth2_subject[0] = '\0';
	return true;
}
