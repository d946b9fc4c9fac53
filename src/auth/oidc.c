/* The oauth2 sign-in source (auth/oidc.h): discovery, the authorization-code flow with PKCE,
 * the token exchange and userinfo over libcurl, the ID token checked with auth/jwt.h, then a
 * sign-in as the other external sources make (auth_external_sign_in). */
#include "auth/oidc.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/internal.h"
#include "auth/jwt.h"
#include "util/log.h"

#define MAX_PROVIDERS 32
#define FLOWS 1024
#define LEEWAY 60		   /* seconds of clock skew taken on exp and iat */
#define META_SECONDS 3600	   /* discovery documents and key sets kept this long */
#define MAX_RESPONSE (1024 * 1024) /* the most Tusk reads from a provider */

struct endpoints {
	char authorize[1024], token[1024], userinfo[1024], jwks[1024], issuer[512];
};

/* What a provider published (discovery, keys), cached per provider index. */
static struct {
	json_t *meta, *jwks;
	int64_t meta_at, jwks_at;
} cache[MAX_PROVIDERS];
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

/* A sign-in under way, or a refusal waiting for its login page (error set, state empty). */
struct flow {
	char state[AUTH_TOKEN_CHARS], verifier[AUTH_TOKEN_CHARS], nonce[AUTH_TOKEN_CHARS];
	char browser[65]; /* hash of the browser's cookie */
	int provider;
	int64_t expires;
	char error[512];
};
static struct flow flows[FLOWS];
static pthread_mutex_t flow_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_start(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void oidc_startup_log(const config *cfg)
{
	for (size_t i = 0; i < cfg->noauth2; i++) {
		const config_oauth2 *p = &cfg->oauth2[i];
		log_msg(LOG_INFO, "oauth2 sign-in provider", "name", p->name, "discovery",
			p->server_metadata_url ? p->server_metadata_url : "(none)", NULL);
		if (!p->ssl_cert_verification)
			log_msg(
			    LOG_WARN,
			    "OAUTH2_SSL_CERT_VERIFICATION is False: Tusk does NOT check this identity provider's TLS "
			    "certificate, so anyone on the network path can impersonate it and sign in as anyone. "
			    "Use only for a test provider; give its CA instead",
			    "provider", p->name, NULL);
	}
}

static size_t on_data(char *ptr, size_t size, size_t n, void *cls)
{
	str *s = cls;
	str_append(s, ptr, size * n);
	return str_ok(s) ? size * n : 0;
}

/* GET (form NULL) or POST a form to url; the answer as a JSON object, with *status. NULL with why
 * when the provider cannot be reached or does not answer JSON. */
static json_t *fetch_json(const config_oauth2 *p, const char *url, const char *form, const char *bearer, long *status,
			  char why[256])
{
	pthread_once(&curl_once, curl_start);
	for (const char *b = bearer; b && *b; b++)
		if ((unsigned char)*b <= ' ' || (unsigned char)*b >= 0x7f) {
			snprintf(why, 256, "the provider's access token holds characters a header cannot carry");
			return NULL;
		}
	CURL *c = curl_easy_init();
	str body = STR_INIT;
	str_init_max(&body, MAX_RESPONSE);
	struct curl_slist *h = curl_slist_append(NULL, "Accept: application/json");
	char bearer_h[4200];
	if (bearer) {
		snprintf(bearer_h, sizeof(bearer_h), "Authorization: Bearer %s", bearer);
		h = curl_slist_append(h, bearer_h);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 15L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "Tusk/" TUSK_VERSION);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, p->ssl_cert_verification ? 1L : 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, p->ssl_cert_verification ? 2L : 0L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	if (form)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
	CURLcode rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	json_t *v = NULL;
	if (rc != CURLE_OK)
		snprintf(why, 256, "%s: %s", url, curl_easy_strerror(rc));
	else if (!(v = json_loadb(body.buf ? body.buf : "", body.len, 0, NULL)) || !json_is_object(v))
		snprintf(why, 256, "%s answered HTTP %ld without a JSON object", url, *status);
	if (v && !json_is_object(v)) {
		json_decref(v);
		v = NULL;
	}
	if (bearer)
		sodium_memzero(bearer_h, sizeof(bearer_h));
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	str_free(&body);
	return v;
}

static void copy_member(char *out, size_t n, const json_t *meta, const char *key, const char *configured)
{
	const char *v = configured && *configured ? configured : json_string_value(json_object_get(meta, key));
	snprintf(out, n, "%s", v ? v : "");
}

/* The provider's endpoints: its discovery document (cached), with the configured URLs winning. */
static bool endpoints_of(const config_oauth2 *p, int idx, struct endpoints *ep, tusk_err *err)
{
	json_t *meta = NULL;
	if (p->server_metadata_url && *p->server_metadata_url) {
		pthread_mutex_lock(&cache_lock);
		if (cache[idx].meta && time(NULL) - cache[idx].meta_at < META_SECONDS)
			meta = json_incref(cache[idx].meta);
		pthread_mutex_unlock(&cache_lock);
		if (!meta) {
			char why[256];
			long status = 0;
			meta = fetch_json(p, p->server_metadata_url, NULL, NULL, &status, why);
			if (!meta || status != 200) {
				log_msg(LOG_ERROR, "oauth2 discovery failed", "provider", p->name, "why",
					meta ? "not HTTP 200" : why, NULL);
				json_decref(meta);
				err_set(err, ERR_SIGNIN_UNAVAILABLE,
					"The identity provider %s cannot be reached (its discovery document did not "
					"load); try again, or ask an administrator (Tusk's log says why).",
					p->display_name);
				return false;
			}
			pthread_mutex_lock(&cache_lock);
			json_decref(cache[idx].meta);
			cache[idx].meta = json_incref(meta);
			cache[idx].meta_at = time(NULL);
			pthread_mutex_unlock(&cache_lock);
		}
	}
	copy_member(ep->authorize, sizeof(ep->authorize), meta, "authorization_endpoint", p->authorization_url);
	copy_member(ep->token, sizeof(ep->token), meta, "token_endpoint", p->token_url);
	copy_member(ep->jwks, sizeof(ep->jwks), meta, "jwks_uri", NULL);
	copy_member(ep->issuer, sizeof(ep->issuer), meta, "issuer", NULL);
	const char *ui = p->userinfo_endpoint;
	if (ui && *ui && strncmp(ui, "http", 4) != 0 && p->api_base_url && *p->api_base_url) {
		size_t n = strlen(p->api_base_url);
		snprintf(ep->userinfo, sizeof(ep->userinfo), "%s%s%s", p->api_base_url,
			 p->api_base_url[n - 1] == '/' || ui[0] == '/' ? "" : "/", ui);
	} else
		copy_member(ep->userinfo, sizeof(ep->userinfo), meta, "userinfo_endpoint", ui);
	json_decref(meta);
	if (!*ep->authorize || !*ep->token) {
		err_set(err, ERR_SIGNIN_UNAVAILABLE,
			"The identity provider %s names no authorization or token endpoint.", p->display_name);
		return false;
	}
	return true;
}

/* The provider's keys (cached); refresh fetches them again (a kid Tusk does not know: rotation). */
static json_t *keys_of(const config_oauth2 *p, int idx, const char *uri, bool refresh)
{
	json_t *k = NULL;
	pthread_mutex_lock(&cache_lock);
	if (!refresh && cache[idx].jwks && time(NULL) - cache[idx].jwks_at < META_SECONDS)
		k = json_incref(cache[idx].jwks);
	pthread_mutex_unlock(&cache_lock);
	if (k || !*uri)
		return k;
	char why[256];
	long status = 0;
	k = fetch_json(p, uri, NULL, NULL, &status, why);
	if (!k || status != 200 || !json_is_array(json_object_get(k, "keys"))) {
		log_msg(LOG_ERROR, "oauth2: the provider's key set did not load", "provider", p->name, "why",
			k ? "not HTTP 200 with keys" : why, NULL);
		json_decref(k);
		return NULL;
	}
	pthread_mutex_lock(&cache_lock);
	json_decref(cache[idx].jwks);
	cache[idx].jwks = json_incref(k);
	cache[idx].jwks_at = time(NULL);
	pthread_mutex_unlock(&cache_lock);
	return k;
}

static void flow_free_slot_locked(struct flow **slot)
{
	int64_t now = time(NULL);
	*slot = &flows[0];
	for (size_t i = 0; i < FLOWS; i++) {
		if (flows[i].expires < now) {
			*slot = &flows[i];
			return;
		}
		if (flows[i].expires < (*slot)->expires)
			*slot = &flows[i];
	}
}

static void append_param(str *u, const char *name, const char *value)
{
	char *e = curl_easy_escape(NULL, value, 0);
	str_appendf(u, "&%s=%s", name, e ? e : "");
	curl_free(e);
}

bool oidc_start(const config_oauth2 *p, int index, const char *redirect_uri, char **url, char browser[AUTH_TOKEN_CHARS],
		tusk_err *err)
{
	struct endpoints ep;
	if (index < 0 || index >= MAX_PROVIDERS || !endpoints_of(p, index, &ep, err))
		return false;
	struct flow f = {.provider = index, .expires = time(NULL) + OIDC_FLOW_SECONDS};
	auth_random_token(browser);
	auth_random_token(f.state);
	auth_random_token(f.nonce);
	auth_random_token(f.verifier);
	auth_token_hash(browser, f.browser);
	unsigned char digest[crypto_hash_sha256_BYTES];
	char challenge[AUTH_TOKEN_CHARS];
	crypto_hash_sha256(digest, (const unsigned char *)f.verifier, strlen(f.verifier));
	sodium_bin2base64(challenge, sizeof(challenge), digest, sizeof(digest),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	str u = STR_INIT;
	str_appendf(&u, "%s%sresponse_type=code", ep.authorize, strchr(ep.authorize, '?') ? "&" : "?");
	append_param(&u, "client_id", p->client_id);
	append_param(&u, "redirect_uri", redirect_uri);
	append_param(&u, "scope", p->scope);
	append_param(&u, "state", f.state);
	append_param(&u, "nonce", f.nonce);
	append_param(&u, "code_challenge", challenge);
	append_param(&u, "code_challenge_method", "S256");
	pthread_mutex_lock(&flow_lock);
	struct flow *slot;
	flow_free_slot_locked(&slot);
	*slot = f;
	pthread_mutex_unlock(&flow_lock);
	sodium_memzero(&f, sizeof(f));
	*url = str_take(&u);
	return true;
}

/* Takes the flow of state (single use): true when it is alive and this browser's. */
static bool flow_take(const char *browser, const char *state, struct flow *out)
{
	char bh[65];
	auth_token_hash(browser ? browser : "", bh);
	bool ok = false;
	int64_t now = time(NULL);
	pthread_mutex_lock(&flow_lock);
	for (size_t i = 0; state && *state && i < FLOWS; i++) {
		struct flow *f = &flows[i];
		if (!f->state[0] || f->expires < now || !auth_token_equal(f->state, state))
			continue;
		ok = browser && auth_token_equal(f->browser, bh);
		*out = *f;
		memset(f, 0, sizeof(*f));
	}
	pthread_mutex_unlock(&flow_lock);
	return ok;
}

void oidc_error_keep(const char *browser, const char *message)
{
	if (!browser || !*browser)
		return;
	pthread_mutex_lock(&flow_lock);
	struct flow *slot;
	flow_free_slot_locked(&slot);
	memset(slot, 0, sizeof(*slot));
	auth_token_hash(browser, slot->browser);
	slot->expires = time(NULL) + OIDC_FLOW_SECONDS;
	snprintf(slot->error, sizeof(slot->error), "%s", message);
	pthread_mutex_unlock(&flow_lock);
}

bool oidc_error_take(const char *browser, char out[512])
{
	char bh[65];
	bool found = false;
	if (!browser || !*browser)
		return false;
	auth_token_hash(browser, bh);
	int64_t now = time(NULL);
	pthread_mutex_lock(&flow_lock);
	for (size_t i = 0; i < FLOWS && !found; i++) {
		struct flow *f = &flows[i];
		if (f->error[0] && f->expires >= now && auth_token_equal(f->browser, bh)) {
			snprintf(out, 512, "%s", f->error);
			memset(f, 0, sizeof(*f));
			found = true;
		}
	}
	pthread_mutex_unlock(&flow_lock);
	return found;
}

/* The code for tokens (RFC 6749 4.1.3 with RFC 7636's verifier); the answer, or NULL with err. */
static json_t *exchange(const config_oauth2 *p, const struct endpoints *ep, const char *code, const char *redirect_uri,
			const char *verifier, tusk_err *err)
{
	str form = STR_INIT;
	str_append_cstr(&form, "grant_type=authorization_code");
	append_param(&form, "code", code);
	append_param(&form, "redirect_uri", redirect_uri);
	append_param(&form, "client_id", p->client_id);
	if (p->client_secret && *p->client_secret)
		append_param(&form, "client_secret", p->client_secret);
	if (verifier)
		append_param(&form, "code_verifier", verifier);
	char why[256];
	long status = 0;
	json_t *t = fetch_json(p, ep->token, str_cstr(&form), NULL, &status, why);
	sodium_memzero(form.buf, form.len);
	str_free(&form);
	const char *access = json_string_value(json_object_get(t, "access_token"));
	if (t && status == 200 && access)
		return t;
	const char *e = json_string_value(json_object_get(t, "error"));
	const char *d = json_string_value(json_object_get(t, "error_description"));
	log_msg(LOG_WARN, "oauth2: the token exchange failed", "provider", p->name, "why",
		t ? (e ? e : "no access_token") : why, "description", d ? d : "", NULL);
	err_set(err, ERR_PERMISSION_DENIED, "%s did not give Tusk a token for this sign-in (%s%s%s). Sign in again.",
		p->display_name,
		e   ? e
		: t ? "no access token"
		    : "the provider cannot be reached",
		d ? ": " : "", d ? d : "");
	json_decref(t);
	return NULL;
}

static bool aud_ok(const json_t *claims, const char *client_id)
{
	const json_t *aud = json_object_get(claims, "aud");
	const char *azp = json_string_value(json_object_get(claims, "azp"));
	if (azp && strcmp(azp, client_id) != 0)
		return false;
	if (json_is_string(aud))
		return strcmp(json_string_value(aud), client_id) == 0;
	size_t i;
	json_t *x;
	bool found = false;
	json_array_foreach(aud, i, x) found =
	    found || (json_is_string(x) && strcmp(json_string_value(x), client_id) == 0);
	/* more than one audience: the token must say it was issued to Tusk (OIDC Core 3.1.3.7) */
	return found && (json_array_size(aud) == 1 || azp);
}

/* Why the ID token's claims are refused, or NULL (OIDC Core 3.1.3.7). */
static const char *claims_refusal(const json_t *c, const config_oauth2 *p, const struct endpoints *ep,
				  const char *nonce)
{
	int64_t now = time(NULL);
	const char *iss = json_string_value(json_object_get(c, "iss"));
	const char *n = json_string_value(json_object_get(c, "nonce"));
	json_t *exp = json_object_get(c, "exp"), *iat = json_object_get(c, "iat");
	if (!iss || (*ep->issuer && strcmp(iss, ep->issuer) != 0))
		return "its issuer (iss) is not the provider's";
	if (!aud_ok(c, p->client_id))
		return "it was issued to another client (aud/azp)";
	if (!json_is_number(exp) || json_number_value(exp) + LEEWAY < (double)now)
		return "it has expired (exp)";
	if (json_is_number(iat) && json_number_value(iat) > (double)(now + LEEWAY))
		return "it was issued in the future (iat)";
	if (!n || !auth_token_equal(n, nonce))
		return "its nonce is not the one of this sign-in";
	return NULL;
}

/* The ID token checked: signature (keys fetched again once for an unknown kid), then claims. */
static json_t *id_token_claims(const config_oauth2 *p, int idx, const struct endpoints *ep, const char *token,
			       const char *nonce, tusk_err *err)
{
	json_t *claims = NULL, *keys = keys_of(p, idx, ep->jwks, false);
	enum jwt_result r = keys ? jwt_verify(token, keys, &claims) : JWT_UNKNOWN_KID;
	json_decref(keys);
	if (r == JWT_UNKNOWN_KID && (keys = keys_of(p, idx, ep->jwks, true))) {
		r = jwt_verify(token, keys, &claims);
		json_decref(keys);
	}
	static const char *const why[] = {
	    "", "it is not a well-formed JWT", "it is signed with an algorithm Tusk does not take (RS256, ES256)",
	    "no key of the provider's key set signed it", "its signature does not verify"};
	const char *bad = r != JWT_OK ? why[r] : claims_refusal(claims, p, ep, nonce);
	if (!bad)
		return claims;
	json_decref(claims);
	log_msg(LOG_WARN, "oauth2: ID token refused", "provider", p->name, "why", bad, NULL);
	err_set(err, ERR_PERMISSION_DENIED,
		"Tusk refused the ID token from %s: %s. Sign in again, or ask an administrator.", p->display_name, bad);
	return NULL;
}

/* Whether the value of claim (a string or a list of strings) holds one of want's values. */
static bool claim_has(const json_t *claim, const json_t *want)
{
	size_t i, j;
	json_t *w, *v;
	json_t *wants = json_is_string(want) ? json_pack("[O]", want) : json_incref((json_t *)want);
	bool found = false;
	json_array_foreach(wants, i, w)
	{
		if (json_is_string(claim))
			found = found || json_equal((json_t *)claim, w);
		json_array_foreach(claim, j, v) found = found || json_equal(v, w);
	}
	json_decref(wants);
	return found;
}

/* pgAdmin's rule for OAUTH2_ADDITIONAL_CLAIMS: any claim named holding one of its values. */
static bool claims_match(const char *map_json, const json_t *claims)
{
	json_t *map = json_loads(map_json, 0, NULL);
	const char *k;
	json_t *want;
	bool any = false;
	json_object_foreach(map, k, want) any = any || claim_has(json_object_get(claims, k), want);
	json_decref(map);
	return any;
}

/* The claims of this sign-in: the ID token's (checked), with the userinfo endpoint's added when
 * the provider has one (plain OAuth2 providers such as GitHub have only that). */
static json_t *claims_of(const config_oauth2 *p, int idx, const struct endpoints *ep, json_t *tokens, const char *nonce,
			 tusk_err *err)
{
	const char *id_token = json_string_value(json_object_get(tokens, "id_token"));
	json_t *claims = NULL;
	if (id_token && !(claims = id_token_claims(p, idx, ep, id_token, nonce, err)))
		return NULL;
	if (!id_token && *ep->jwks) {
		err_set(err, ERR_PERMISSION_DENIED,
			"%s gave no ID token: check that OAUTH2_SCOPE holds openid. Sign in again.", p->display_name);
		return NULL;
	}
	if (!*ep->userinfo) {
		if (!claims)
			err_set(err, ERR_PERMISSION_DENIED,
				"%s gave no ID token and Tusk knows no userinfo endpoint (OAUTH2_USERINFO_ENDPOINT).",
				p->display_name);
		return claims;
	}
	char why[256];
	long status = 0;
	json_t *info =
	    fetch_json(p, ep->userinfo, NULL, json_string_value(json_object_get(tokens, "access_token")), &status, why);
	const char *sub = json_string_value(json_object_get(claims, "sub"));
	const char *isub = json_string_value(json_object_get(info, "sub"));
	if (!info || status != 200 || (sub && isub && strcmp(sub, isub) != 0)) {
		log_msg(LOG_WARN, "oauth2: userinfo refused", "provider", p->name, "why", info ? "status or sub" : why,
			NULL);
		json_decref(info);
		json_decref(claims);
		err_set(err, ERR_PERMISSION_DENIED, "%s did not say who signed in (its userinfo endpoint failed).",
			p->display_name);
		return NULL;
	}
	if (!claims)
		return info;
	json_object_update_missing(claims, info);
	json_decref(info);
	return claims;
}

/* The user name from the configured claim (a string, or a number as GitHub's id is). */
static bool username_of(const config_oauth2 *p, const json_t *claims, char out[256], tusk_err *err)
{
	const json_t *v = json_object_get(claims, p->username_claim);
	if (strcmp(p->username_claim, "email") == 0 && json_is_false(json_object_get(claims, "email_verified"))) {
		err_set(err, ERR_PERMISSION_DENIED,
			"%s says your e-mail address is not verified, and Tusk names its users by it: verify it at "
			"the provider and sign in again.",
			p->display_name);
		return false;
	}
	if (json_is_string(v) && json_string_length(v) < 256)
		snprintf(out, 256, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(out, 256, "%lld", (long long)json_integer_value(v));
	else {
		err_set(err, ERR_PERMISSION_DENIED,
			"%s did not give the claim '%s' that names Tusk's users (OAUTH2_USERNAME_CLAIM): ask an "
			"administrator.",
			p->display_name, p->username_claim);
		return false;
	}
	return true;
}

/* The provider's stable id for the user: OpenID Connect's `sub`, or, from a plain OAuth2
 * provider's userinfo without one, its `id` (GitHub's number): never a name the user chooses. */
static bool subject_of(const config_oauth2 *p, const json_t *claims, char out[256], tusk_err *err)
{
	const json_t *v = json_object_get(claims, "sub");
	if (!v)
		v = json_object_get(claims, "id");
	if (json_is_string(v) && json_string_length(v) > 0 && json_string_length(v) < 256)
		snprintf(out, 256, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(out, 256, "%lld", (long long)json_integer_value(v));
	else {
		err_set(
		    err, ERR_PERMISSION_DENIED,
		    "%s did not say which of its accounts signed in (no sub or id claim), and Tusk keys its users by "
		    "it: ask an administrator.",
		    p->display_name);
		return false;
	}
	return true;
}

enum auth_result oidc_callback(auth *a, const char *browser, const char *state, const char *code,
			       const char *redirect_uri, const char *client, auth_session *out, tusk_err *err)
{
	struct flow f;
	if (!flow_take(browser, state, &f) || f.provider >= (int)a->cfg->noauth2) {
		auth_audit(a, NULL, "", "login_failed", client, "oauth2: unknown, used, expired or foreign state");
		err_set(err, ERR_PERMISSION_DENIED,
			"This sign-in was used already, is too old, or was started in another browser: sign in again.");
		return AUTH_DENIED;
	}
	const config_oauth2 *p = &a->cfg->oauth2[f.provider];
	struct endpoints ep;
	json_t *tokens = NULL, *claims = NULL;
	char name[256], subject[256];
	enum auth_result res = AUTH_DENIED;
	bool asked = false; /* auth_external_sign_in audits its own refusals */
	if (!code || !*code)
		err_set(err, ERR_PERMISSION_DENIED, "%s sent no authorization code back. Sign in again.",
			p->display_name);
	else if (endpoints_of(p, f.provider, &ep, err) &&
		 (tokens = exchange(p, &ep, code, redirect_uri, f.verifier, err)) &&
		 (claims = claims_of(p, f.provider, &ep, tokens, f.nonce, err)) && username_of(p, claims, name, err) &&
		 subject_of(p, claims, subject, err)) {
		if (p->additional_claims && !claims_match(p->additional_claims, claims))
			err_set(err, ERR_PERMISSION_DENIED,
				"%s signed you in as %s, but Tusk admits only users with the claims its administrator "
				"named (OAUTH2_ADDITIONAL_CLAIMS): ask an administrator.",
				p->display_name, name);
		else {
			const char *role = !p->admin_claims			   ? NULL
					   : claims_match(p->admin_claims, claims) ? "admin"
										   : "user";
			struct auth_identity id = {.provider = p->name, .subject = subject};
			asked = true;
			res =
			    auth_external_sign_in(a, "oauth2", name, role, p->auto_create_user, &id, client, out, err);
		}
	}
	if (res == AUTH_DENIED && !asked)
		auth_audit(a, NULL, "", "login_failed", client, err->msg);
	json_decref(tokens);
	json_decref(claims);
	sodium_memzero(&f, sizeof(f));
	return res;
}
