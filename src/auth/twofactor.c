/* Two-factor sign-in: TOTP enrolment (a sealed setup token, so any replica can confirm it),
 * the pending sign-in between the password and the code, recovery codes, and the rules of who
 * must pass it. The secret is kept encrypted under a key derived from the server secret and
 * bound to the user's id; it never reaches a log or the audit. */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/internal.h"
#include "auth/totp.h"
#include "util/log.h"

#define SECRET_ENC_MAX 128
#define MAX_PENDING_FAILURES 5

static bool covered_source(const store_user *u)
{
	const char *src = u->auth_source[0] ? u->auth_source : "internal";
	/* the webserver source is exempt: the proxy in front is the authority (docs/security.md) */
	return (strcmp(src, "internal") == 0 || strcmp(src, "ldap") == 0) && strcmp(u->email, AUTH_DESKTOP_EMAIL) != 0;
}

bool auth_two_factor_source_covered(const store_user *u)
{
	return covered_source(u);
}

bool auth_two_factor_covers(const auth *a, const store_user *u)
{
	return a->cfg->two_factor && !a->cfg->desktop && covered_source(u);
}

bool auth_two_factor_due(const auth *a, const store_user *u)
{
	return u->totp_enabled && auth_two_factor_covers(a, u);
}

bool auth_two_factor_setup_due(const auth *a, const store_user *u)
{
	return !u->totp_enabled && (a->cfg->require_two_factor || u->two_factor_required) &&
	       auth_two_factor_covers(a, u);
}

/* A key for one purpose, derived from the server secret. */
static bool purpose_key(auth *a, const char *purpose, unsigned char out[32], tusk_err *err)
{
	unsigned char secret[32];
	if (!auth_server_secret(a, secret, err))
		return false;
	crypto_generichash(out, 32, (const unsigned char *)purpose, strlen(purpose), secret, sizeof(secret));
	sodium_memzero(secret, sizeof(secret));
	return true;
}

/* The user's secret (raw bytes) and the last step taken: 1, 0 not enrolled, -1 error. */
static int load_secret(auth *a, const store_user *u, unsigned char raw[TOTP_SECRET_BYTES], int64_t *last, tusk_err *err)
{
	unsigned char enc[SECRET_ENC_MAX], key[32];
	size_t n = 0;
	int found = store_two_factor_get(a->store, u->id, enc, sizeof(enc), &n, last, err);
	if (found <= 0)
		return found;
	char ad[48];
	snprintf(ad, sizeof(ad), "totp:%lld", (long long)u->id);
	if (!purpose_key(a, "tusk totp secret v1", key, err))
		return -1;
	char *b32 = auth_secret_decrypt(key, enc, n, ad);
	sodium_memzero(key, sizeof(key));
	long len = b32 ? totp_base32_decode(b32, raw, TOTP_SECRET_BYTES) : -1;
	if (b32) {
		sodium_memzero(b32, strlen(b32));
		free(b32);
	}
	if (len != TOTP_SECRET_BYTES) {
		err_set(err, ERR_INTERNAL, "the two-factor secret of %s does not decrypt", u->email);
		return -1;
	}
	return 1;
}

/* ---- enrolment ---- */

bool auth_two_factor_begin(auth *a, const store_user *u, char **secret, char **uri, char **svg, char **setup_token,
			   tusk_err *err)
{
	if (!auth_two_factor_covers(a, u)) {
		err_set(err, ERR_FORBIDDEN,
			a->cfg->two_factor ? "Two-factor sign-in covers users of the internal and ldap sources only; "
					     "you sign in through the proxy in front, which decides."
					   : "Two-factor sign-in is turned off on this Tusk (TUSK_TWO_FACTOR).");
		return false;
	}
	unsigned char raw[TOTP_SECRET_BYTES], key[32];
	char b32[TOTP_SECRET_CHARS], sealed[96];
	randombytes_buf(raw, sizeof(raw));
	totp_base32_encode(raw, sizeof(raw), b32, sizeof(b32));
	sodium_memzero(raw, sizeof(raw));
	if (!purpose_key(a, "tusk totp setup v1", key, err))
		return false;
	/* the secret and its deadline, sealed for this user: confirm needs no state kept here */
	snprintf(sealed, sizeof(sealed), "%s %lld", b32, (long long)time(NULL) + AUTH_PENDING_SECONDS);
	char ad[48];
	snprintf(ad, sizeof(ad), "totp-setup:%lld", (long long)u->id);
	size_t n = 0;
	unsigned char *enc = auth_secret_encrypt(key, sealed, ad, &n);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(sealed, sizeof(sealed));
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	*setup_token = xmalloc(cap);
	sodium_bin2base64(*setup_token, cap, enc, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	free(enc);
	*secret = xstrdup(b32);
	*uri = totp_uri("Tusk", u->email, b32);
	*svg = totp_qr_svg(*uri);
	sodium_memzero(b32, sizeof(b32));
	return true;
}

/* The secret the setup token seals for u, if it is u's and not expired. */
static bool unseal(auth *a, const store_user *u, const char *token, char b32[TOTP_SECRET_CHARS], tusk_err *err)
{
	unsigned char enc[256], key[32];
	size_t n = 0;
	if (!token || sodium_base642bin(enc, sizeof(enc), token, strlen(token), NULL, &n, NULL,
					sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
		err_set(err, ERR_INVALID_FIELD, "The setup token is not one Tusk gave: start the enrolment again.");
		return false;
	}
	if (!purpose_key(a, "tusk totp setup v1", key, err))
		return false;
	char ad[48];
	snprintf(ad, sizeof(ad), "totp-setup:%lld", (long long)u->id);
	char *plain = auth_secret_decrypt(key, enc, n, ad);
	sodium_memzero(key, sizeof(key));
	long long until = 0;
	bool ok = plain && sscanf(plain, "%32s %lld", b32, &until) == 2 && strlen(b32) == 32;
	if (plain) {
		sodium_memzero(plain, strlen(plain));
		free(plain);
	}
	if (!ok || until <= (long long)time(NULL)) {
		err_set(err, ERR_INVALID_FIELD,
			ok ? "This enrolment is older than %d minutes: start it again."
			   : "The setup token is not one Tusk gave you: start the enrolment again.",
			AUTH_PENDING_SECONDS / 60);
		return false;
	}
	return true;
}

/* Keyed BLAKE2b of a recovery code (upper-cased, dashes and spaces dropped) for user id. */
static bool recovery_hash(auth *a, int64_t user_id, const char *code, char out[65], tusk_err *err)
{
	char norm[AUTH_RECOVERY_CHARS + 8];
	size_t k = 0;
	for (const char *c = code; *c && k + 1 < sizeof(norm); c++)
		if (*c != '-' && *c != ' ')
			norm[k++] = (char)toupper((unsigned char)*c);
	norm[k] = '\0';
	unsigned char key[32], h[32];
	if (!purpose_key(a, "tusk recovery code v1", key, err))
		return false;
	char msg[64];
	snprintf(msg, sizeof(msg), "%lld:%s", (long long)user_id, norm);
	crypto_generichash(h, sizeof(h), (const unsigned char *)msg, strlen(msg), key, sizeof(key));
	sodium_bin2hex(out, 65, h, sizeof(h));
	sodium_memzero(key, sizeof(key));
	sodium_memzero(msg, sizeof(msg));
	return true;
}

/* Ten codes of 80 random bits each, as XXXX-XXXX-XXXX-XXXX, and their hashes. */
static bool new_recovery_codes(auth *a, int64_t user_id, char codes[AUTH_RECOVERY_CODES][AUTH_RECOVERY_CHARS],
			       char hashes[AUTH_RECOVERY_CODES][65], tusk_err *err)
{
	for (int i = 0; i < AUTH_RECOVERY_CODES; i++) {
		unsigned char raw[10];
		char b32[17];
		randombytes_buf(raw, sizeof(raw));
		totp_base32_encode(raw, sizeof(raw), b32, sizeof(b32));
		snprintf(codes[i], AUTH_RECOVERY_CHARS, "%.4s-%.4s-%.4s-%.4s", b32, b32 + 4, b32 + 8, b32 + 12);
		if (!recovery_hash(a, user_id, codes[i], hashes[i], err))
			return false;
	}
	return true;
}

static int check_code(auth *a, const store_user *u, const char *code, const char **why, const char **how,
		      tusk_err *err);

/* Proof that whoever holds this session also holds the second factor, before it is replaced or
 * removed (a stolen session cookie must not take it over): a code of the enrolled authenticator,
 * a recovery code (used up), or, for users of the internal source, the password. Wrong proofs
 * count with wrong codes at sign-in (the same per-user pause). u is read again from the store. */
static bool prove_holder(auth *a, store_user *u, const struct auth_proof *proof, const char *client, int *retry_after,
			 tusk_err *err)
{
	char key[264];
	snprintf(key, sizeof(key), "2fa:%s", u->email);
	bool internal = !u->auth_source[0] || strcmp(u->auth_source, "internal") == 0;
	const char *code = proof && proof->code && *proof->code ? proof->code : NULL;
	const char *password = proof && proof->password && *proof->password ? proof->password : NULL;
	if (!code && !(password && internal)) {
		err_set(err, ERR_REAUTHENTICATION_REQUIRED,
			internal
			    ? "Two-factor is on for your account: give a code from your current authenticator app, "
			      "a recovery code, or your password to change it."
			    : "Two-factor is on for your account: give a code from your current authenticator app "
			      "or a recovery code to change it.");
		return false;
	}
	int64_t now = time(NULL), until = store_login_paused_until(a->store, key, err);
	if (until < 0)
		return false;
	if (until > now) {
		*retry_after = (int)(until - now);
		auth_audit(a, u, NULL, "two_factor_change_failed", client, "paused after wrong codes");
		err_set(err, ERR_LOGIN_PAUSED, "Too many wrong codes: try again in %d seconds.", *retry_after);
		return false;
	}
	const char *why = "wrong password", *how = "password";
	int ok = code ? check_code(a, u, code, &why, &how, err) : auth_password_verify(u->password_hash, password);
	if (ok < 0)
		return false;
	if (ok == 0) {
		enum auth_result res = auth_login_wrong(a, key, u, client, why, err);
		if (res == AUTH_ERROR)
			return false;
		auth_audit(a, u, NULL, "two_factor_change_failed", client, why);
		err_set(err, code ? ERR_INVALID_CODE : ERR_WRONG_PASSWORD,
			code ? "That is not a code of your current authenticator app (or a recovery code left): "
			       "nothing changed."
			     : "That is not your password: nothing changed.");
		return false;
	}
	return store_login_clear(a->store, key, err);
}

/* The signed-in user as the store has it now (the session's copy may be a cache's). */
static bool fresh_user(auth *a, const auth_session *s, store_user *u, tusk_err *err)
{
	int found = store_user_by_id(a->store, s->user.id, u, err);
	if (found == 0)
		err_set(err, ERR_UNAUTHENTICATED, "Your account no longer exists.");
	return found == 1;
}

bool auth_two_factor_confirm(auth *a, auth_session *s, const char *setup_token, const char *code,
			     const struct auth_proof *proof, const char *client,
			     char codes[AUTH_RECOVERY_CODES][AUTH_RECOVERY_CHARS], int *retry_after, tusk_err *err)
{
	store_user *u = &s->user;
	char b32[TOTP_SECRET_CHARS];
	unsigned char raw[TOTP_SECRET_BYTES], key[32];
	if (!auth_two_factor_covers(a, u)) {
		err_set(err, ERR_FORBIDDEN, "Two-factor sign-in does not cover your account.");
		return false;
	}
	if (!unseal(a, u, setup_token, b32, err))
		return false;
	/* replacing an authenticator: the new one's code first (nothing used up on a typo), then
	 * the proof of holding the current one */
	store_user now;
	if (!fresh_user(a, s, &now, err)) {
		sodium_memzero(b32, sizeof(b32));
		return false;
	}
	bool replacing = now.totp_enabled;
	long len = totp_base32_decode(b32, raw, sizeof(raw));
	int64_t step = len == TOTP_SECRET_BYTES ? totp_match(raw, sizeof(raw), code, time(NULL)) : -1;
	sodium_memzero(raw, sizeof(raw));
	if (step < 0) {
		sodium_memzero(b32, sizeof(b32));
		auth_audit(a, u, NULL, "two_factor_enrol_failed", client, "wrong code");
		err_set(err, ERR_INVALID_CODE,
			"That code is not the one your authenticator shows now: check the phone's clock and try the "
			"next code.");
		return false;
	}
	if (replacing && !prove_holder(a, &now, proof, client, retry_after, err)) {
		sodium_memzero(b32, sizeof(b32));
		return false;
	}
	char hashes[AUTH_RECOVERY_CODES][65], ad[48];
	snprintf(ad, sizeof(ad), "totp:%lld", (long long)u->id);
	size_t n = 0;
	unsigned char *enc = NULL;
	bool ok = purpose_key(a, "tusk totp secret v1", key, err) &&
		  (enc = auth_secret_encrypt(key, b32, ad, &n)) != NULL &&
		  new_recovery_codes(a, u->id, codes, hashes, err) &&
		  store_two_factor_set(a->store, u->id, enc, n, step, hashes, AUTH_RECOVERY_CODES, err);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(b32, sizeof(b32));
	free(enc);
	if (!ok)
		return false;
	u->totp_enabled = true;
	s->two_factor_setup_required = false;
	auth_audit(a, u, NULL, "two_factor_enabled", client,
		   replacing ? "authenticator app replaced (the current one proven); 10 new recovery codes issued"
			     : "authenticator app enrolled; 10 recovery codes issued");
	return true;
}

bool auth_two_factor_disable(auth *a, auth_session *s, const struct auth_proof *proof, const char *client,
			     int *retry_after, tusk_err *err)
{
	store_user u;
	if (!fresh_user(a, s, &u, err))
		return false;
	if (!u.totp_enabled) {
		err_set(err, ERR_INVALID_CHANGE, "Two-factor is off for your account already.");
		return false;
	}
	if (a->cfg->require_two_factor || u.two_factor_required) {
		err_set(err, ERR_FORBIDDEN,
			"Two-factor is required for your account: replace the authenticator app instead, or ask an "
			"administrator.");
		return false;
	}
	if (!prove_holder(a, &u, proof, client, retry_after, err) || !auth_two_factor_reset(a, &u, err))
		return false;
	s->user.totp_enabled = false;
	auth_audit(a, &u, NULL, "two_factor_disabled", client, "turned off by the user (the current factor proven)");
	return true;
}

bool auth_two_factor_reset(auth *a, const store_user *u, tusk_err *err)
{
	char key[264];
	auth_second_step_key(u, key); /* the pause after wrong codes ends too */
	return store_two_factor_set(a->store, u->id, NULL, 0, 0, NULL, 0, err) &&
	       store_login_clear(a->store, key, err) && store_pending_purge(a->store, time(NULL), err);
}

int64_t auth_two_factor_codes_left(auth *a, const store_user *u)
{
	tusk_err err;
	return u->totp_enabled ? store_two_factor_codes_left(a->store, u->id, &err) : 0;
}

/* ---- the second step ---- */

enum auth_result auth_pending_start(auth *a, const store_user *u, const unsigned char *data_key, const char *client,
				    auth_session *out, tusk_err *err)
{
	memset(out, 0, sizeof(*out));
	store_pending p = {.user_id = u->id};
	auth_random_token(out->pending);
	auth_token_hash(out->pending, p.id_hash);
	p.expires_at = out->pending_expires_at = time(NULL) + AUTH_PENDING_SECONDS;
	if (data_key)
		auth_data_key_wrap_token(data_key, out->pending, p.data_key_wrapped, &p.data_key_wrapped_len);
	tusk_err ignored;
	if (!store_pending_purge(a->store, time(NULL), &ignored))
		log_msg(LOG_WARN, "pending sign-in purge failed", "detail", ignored.msg, NULL);
	if (!store_pending_create(a->store, &p, err))
		return AUTH_ERROR;
	auth_audit(a, u, NULL, "login_second_step", client, "password right; waiting for the two-factor code");
	return AUTH_SECOND_STEP;
}

/* Checks code (6 digits: the authenticator; else a recovery code): 1 right, 0 wrong or used
 * (*why), -1 error. *how says which kind opened it. */
static int check_code(auth *a, const store_user *u, const char *code, const char **why, const char **how, tusk_err *err)
{
	size_t digits = 0, len = strlen(code);
	for (const char *c = code; *c; c++)
		digits += isdigit((unsigned char)*c) != 0;
	if (digits == TOTP_DIGITS && len <= TOTP_DIGITS + 2) {
		unsigned char raw[TOTP_SECRET_BYTES];
		int64_t last = 0;
		int found = load_secret(a, u, raw, &last, err);
		if (found <= 0)
			return found < 0 ? -1 : 0;
		int64_t step = totp_match(raw, sizeof(raw), code, time(NULL));
		sodium_memzero(raw, sizeof(raw));
		*how = "authenticator code";
		*why = "wrong two-factor code";
		if (step < 0)
			return 0;
		int taken = store_two_factor_use_step(a->store, u->id, step, err);
		if (taken == 0)
			*why = "two-factor code used already (replay refused)";
		return taken;
	}
	char hash[65];
	if (!recovery_hash(a, u->id, code, hash, err))
		return -1;
	*how = "recovery code";
	*why = "wrong recovery code";
	return store_two_factor_use_code(a->store, u->id, hash, err);
}

/* The pending sign-in of token, its user and throttle key: 1, 0 unknown/expired (err), -1 error. */
static int pending_user(auth *a, const char *token, store_pending *p, store_user *u, char key[264], tusk_err *err)
{
	char hash[65];
	int found = 0;
	if (token && strlen(token) == AUTH_TOKEN_CHARS - 1) {
		auth_token_hash(token, hash);
		found = store_pending_get(a->store, hash, time(NULL), p, err);
		if (found == 1)
			found = store_user_by_id(a->store, p->user_id, u, err);
	}
	if (found == 0)
		err_set(err, ERR_SECOND_STEP_ENDED,
			"This sign-in ended (it lasts %d minutes, takes %d wrong codes, and is used once): sign in "
			"again.",
			AUTH_PENDING_SECONDS / 60, MAX_PENDING_FAILURES);
	/* wrong codes count apart from wrong passwords: a right password must not reset them */
	if (found == 1)
		auth_second_step_key(u, key);
	else
		snprintf(key, 264, "2FA:");
	return found;
}

/* A wrong code: counted on the pending sign-in (ended after a few) and as a failure of the
 * user's second step, which pauses like wrong passwords. */
static enum auth_result second_step_wrong(auth *a, const store_pending *p, const store_user *u, const char *key,
					  const char *client, const char *why, tusk_err *err)
{
	int n = store_pending_failed(a->store, p->id_hash, err);
	if (n < 0 || (n >= MAX_PENDING_FAILURES && store_pending_take(a->store, p->id_hash, err) < 0))
		return AUTH_ERROR;
	enum auth_result res = auth_login_wrong(a, key, u, client, why, err);
	if (res == AUTH_BAD_CREDENTIALS)
		err_set(err, ERR_INVALID_CODE,
			n >= MAX_PENDING_FAILURES
			    ? "That code is not right, and this sign-in took too many: sign in again."
			    : "That code is not right (or was used already): type the one your authenticator shows "
			      "now, or a recovery code.");
	return res;
}

enum auth_result auth_second_step(auth *a, const char *pending, const char *code, const char *client, auth_session *out,
				  int *retry_after, tusk_err *err)
{
	memset(out, 0, sizeof(*out));
	if (!ratelimit_allow(a->second_steps, client ? client : "", retry_after)) {
		auth_audit(a, NULL, "", "login_rate_limited", client, "two-factor step");
		return AUTH_RATE_LIMITED;
	}
	store_pending p;
	store_user u;
	char key[264];
	int found = pending_user(a, pending, &p, &u, key, err);
	if (found <= 0)
		return found < 0 ? AUTH_ERROR : AUTH_DENIED;
	int64_t now = time(NULL), until = store_login_paused_until(a->store, key, err);
	if (until < 0)
		return AUTH_ERROR;
	if (until > now) {
		*retry_after = (int)(until - now);
		auth_audit(a, &u, NULL, "login_failed", client, "two-factor step paused after wrong codes");
		return AUTH_LOCKED;
	}
	if (!u.active) {
		auth_audit(a, &u, NULL, "login_failed", client, "account disabled");
		return AUTH_DISABLED;
	}
	const char *why = "", *how = "";
	int ok = check_code(a, &u, code ? code : "", &why, &how, err);
	if (ok < 0)
		return AUTH_ERROR;
	if (ok == 0)
		return second_step_wrong(a, &p, &u, key, client, why, err);
	/* taken once: of two requests with the pending token, one signs in */
	int taken = store_pending_take(a->store, p.id_hash, err);
	if (taken <= 0) {
		if (taken == 0)
			pending_user(a, NULL, &p, &u, key, err);
		return taken < 0 ? AUTH_ERROR : AUTH_DENIED;
	}
	if (!store_login_clear(a->store, key, err))
		return AUTH_ERROR;
	unsigned char dk[AUTH_DATA_KEY_BYTES];
	bool have_key = p.data_key_wrapped_len &&
			auth_data_key_unwrap_token(p.data_key_wrapped, p.data_key_wrapped_len, pending, dk);
	char detail[64];
	snprintf(detail, sizeof(detail), "two-factor: %s", how);
	enum auth_result res = auth_sign_in_session(a, &u, have_key ? dk : NULL, client, detail, out, err);
	sodium_memzero(dk, sizeof(dk));
	out->password_change_required = res == AUTH_OK && auth_must_change_password(a, u.id);
	return res;
}
