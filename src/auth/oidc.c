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
#define LEEWAY 60		   /* seconds of clock skew taken on exp and iat */
#define META_SECONDS 3600	   /* discovery documents and key sets kept this long */
#define FAILED_SECONDS 30	   /* a failed discovery or key set is not asked again for this long */
#define MAX_RESPONSE (1024 * 1024) /* the most Tusk reads from a provider */
#define MAX_OUTBOUND 16		   /* calls to identity providers under way at once, all providers */
#define CONNECT_SECONDS 3L
#define FETCH_SECONDS 8L

struct endpoints {
	char authorize[1024], token[1024], userinfo[1024], jwks[1024], issuer[512];
};

/* What a provider published (discovery, keys), cached per provider index; a failure is kept
 * FAILED_SECONDS, and one fetch of each runs at a time (others answer at once meanwhile), so a
 * provider that hangs cannot hold Tusk's connections. */
static struct {
	json_t *meta, *jwks;
	int64_t meta_at, jwks_at, meta_failed_at, jwks_failed_at;
	bool meta_busy, jwks_busy;
} cache[MAX_PROVIDERS];
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static int outbound; /* calls under way (cache_lock) */

/* A sign-in under way: kept in the browser (sealed in OIDC_BROWSER_COOKIE), none in Tusk, so no
 * number of strangers' starts can push it out, and any replica can finish it. */
struct flow {
	char state[AUTH_TOKEN_CHARS], verifier[AUTH_TOKEN_CHARS], nonce[AUTH_TOKEN_CHARS];
	int provider;
	int64_t expires;
};
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static pthread_once_t starts_once = PTHREAD_ONCE_INIT;
static ratelimit *starts; /* sign-in starts per address */
static int starts_per_minute;

static void curl_start(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void oidc_startup_log(const config *cfg)
{
	if (!cfg->oauth2_redirect_url || !*cfg->oauth2_redirect_url)
		log_msg(LOG_INFO,
			"oauth2: the redirect URI is built from each request's Host header; set "
			"TUSK_OAUTH2_REDIRECT_URL to the one registered at the providers to fix it",
			NULL);
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
	pthread_mutex_lock(&cache_lock);
	bool room = outbound < MAX_OUTBOUND;
	outbound += room;
	pthread_mutex_unlock(&cache_lock);
	if (!room) {
		snprintf(why, 256, "%d calls to identity providers are under way already", MAX_OUTBOUND);
		*status = 0;
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
	curl_easy_setopt(c, CURLOPT_TIMEOUT, FETCH_SECONDS);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, CONNECT_SECONDS);
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
	pthread_mutex_lock(&cache_lock);
	outbound--;
	pthread_mutex_unlock(&cache_lock);
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
		int64_t now = time(NULL);
		bool fetch = false;
		pthread_mutex_lock(&cache_lock);
		if (cache[idx].meta && now - cache[idx].meta_at < META_SECONDS)
			meta = json_incref(cache[idx].meta);
		else if (!cache[idx].meta_busy && now - cache[idx].meta_failed_at >= FAILED_SECONDS)
			fetch = cache[idx].meta_busy = true;
		else if (cache[idx].meta) /* stale, but better than nothing while another asks */
			meta = json_incref(cache[idx].meta);
		pthread_mutex_unlock(&cache_lock);
		if (!meta && !fetch) {
			err_set(err, ERR_SIGNIN_UNAVAILABLE,
				"The identity provider %s cannot be reached just now (its discovery document did not "
				"load); try again in a minute, or ask an administrator (Tusk's log says why).",
				p->display_name);
			return false;
		}
		if (fetch) {
			char why[256];
			long status = 0;
			json_t *got = fetch_json(p, p->server_metadata_url, NULL, NULL, &status, why);
			bool ok = got && status == 200;
			if (!ok) {
				log_msg(LOG_ERROR, "oauth2 discovery failed", "provider", p->name, "why",
					got ? "not HTTP 200" : why, NULL);
				json_decref(got);
				got = NULL;
			}
			pthread_mutex_lock(&cache_lock);
			cache[idx].meta_busy = false;
			if (ok) {
				json_decref(cache[idx].meta);
				cache[idx].meta = json_incref(got);
				cache[idx].meta_at = time(NULL);
			} else
				cache[idx].meta_failed_at = time(NULL);
			pthread_mutex_unlock(&cache_lock);
			if (!ok && !meta) {
				err_set(err, ERR_SIGNIN_UNAVAILABLE,
					"The identity provider %s cannot be reached (its discovery document did not "
					"load); try again, or ask an administrator (Tusk's log says why).",
					p->display_name);
				return false;
			}
			if (ok) {
				json_decref(meta);
				meta = got;
			}
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
	int64_t now = time(NULL);
	bool fetch = false;
	pthread_mutex_lock(&cache_lock);
	/* a refresh (an unknown kid: rotation) asks again, one at a time */
	bool fresh = !refresh && cache[idx].jwks && now - cache[idx].jwks_at < META_SECONDS;
	if (fresh)
		k = json_incref(cache[idx].jwks);
	else if (*uri && !cache[idx].jwks_busy && now - cache[idx].jwks_failed_at >= FAILED_SECONDS)
		fetch = cache[idx].jwks_busy = true;
	pthread_mutex_unlock(&cache_lock);
	if (!fetch)
		return k;
	char why[256];
	long status = 0;
	k = fetch_json(p, uri, NULL, NULL, &status, why);
	bool ok = k && status == 200 && json_is_array(json_object_get(k, "keys"));
	if (!ok) {
		log_msg(LOG_ERROR, "oauth2: the provider's key set did not load", "provider", p->name, "why",
			k ? "not HTTP 200 with keys" : why, NULL);
		json_decref(k);
		k = NULL;
	}
	pthread_mutex_lock(&cache_lock);
	cache[idx].jwks_busy = false;
	if (ok) {
		json_decref(cache[idx].jwks);
		cache[idx].jwks = json_incref(k);
		cache[idx].jwks_at = time(NULL);
	} else
		cache[idx].jwks_failed_at = time(NULL);
	pthread_mutex_unlock(&cache_lock);
	return k;
}

/* ---- the flow, sealed in the browser's cookie ---- */

static bool flow_key(auth *a, unsigned char key[32], tusk_err *err)
{
	unsigned char secret[32];
	static const char purpose[] = "tusk oauth2 browser cookie v1";
	if (!auth_server_secret(a, secret, err))
		return false;
	crypto_generichash(key, 32, (const unsigned char *)purpose, sizeof(purpose) - 1, secret, sizeof(secret));
	sodium_memzero(secret, sizeof(secret));
	return true;
}

/* text sealed (XChaCha20-Poly1305 under the flow key), as base64url: malloc'd, or NULL. */
static char *seal(auth *a, const char *text, const char *ad, tusk_err *err)
{
	unsigned char key[32];
	if (!flow_key(a, key, err))
		return NULL;
	size_t n = 0;
	unsigned char *enc = auth_secret_encrypt(key, text, ad, &n);
	sodium_memzero(key, sizeof(key));
	if (!enc) {
		err_set(err, ERR_INTERNAL, "sealing the sign-in cookie failed");
		return NULL;
	}
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = xmalloc(cap);
	sodium_bin2base64(out, cap, enc, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	free(enc);
	return out;
}

/* The text a cookie seals, if it is Tusk's and unchanged: malloc'd, or NULL. */
static char *unseal(auth *a, const char *cookie, const char *ad)
{
	unsigned char enc[2048], key[32];
	size_t n = 0;
	tusk_err err;
	if (!cookie || strlen(cookie) > 2700 ||
	    sodium_base642bin(enc, sizeof(enc), cookie, strlen(cookie), NULL, &n, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    !flow_key(a, key, &err))
		return NULL;
	char *text = auth_secret_decrypt(key, enc, n, ad);
	sodium_memzero(key, sizeof(key));
	return text;
}

#define FLOW_AD "tusk oauth2 flow"
#define ERROR_AD "tusk oauth2 refusal"

/* The flow of the browser's cookie: true when it is Tusk's, alive, and its state is state. */
static bool flow_take(auth *a, const char *cookie, const char *state, struct flow *out)
{
	char *text = unseal(a, cookie, FLOW_AD);
	long long expires = 0;
	bool ok = text &&
		  sscanf(text, "%d %lld %43s %43s %43s", &out->provider, &expires, out->state, out->nonce,
			 out->verifier) == 5 &&
		  expires >= (long long)time(NULL) && state && strlen(state) == strlen(out->state) &&
		  auth_token_equal(out->state, state);
	if (text) {
		sodium_memzero(text, strlen(text));
		free(text);
	}
	out->expires = expires;
	return ok;
}

bool oidc_state_ok(auth *a, const char *cookie, const char *state)
{
	struct flow f;
	bool ok = flow_take(a, cookie, state, &f);
	sodium_memzero(&f, sizeof(f));
	return ok;
}

char *oidc_error_seal(auth *a, const char *message)
{
	char text[600];
	tusk_err err;
	snprintf(text, sizeof(text), "%lld %s", (long long)time(NULL) + OIDC_FLOW_SECONDS, message);
	return seal(a, text, ERROR_AD, &err);
}

bool oidc_error_take(auth *a, const char *cookie, char out[512])
{
	char *text = unseal(a, cookie, ERROR_AD);
	char *end = NULL;
	long long until = text ? strtoll(text, &end, 10) : 0;
	bool ok = text && end && *end == ' ' && until >= (long long)time(NULL);
	if (ok)
		snprintf(out, 512, "%s", end + 1);
	free(text);
	return ok;
}

static void append_param(str *u, const char *name, const char *value)
{
	char *e = curl_easy_escape(NULL, value, 0);
	str_appendf(u, "&%s=%s", name, e ? e : "");
	curl_free(e);
}

static void starts_init(void)
{
	starts = ratelimit_new(starts_per_minute);
}

enum oidc_start_result oidc_start(auth *a, const config_oauth2 *p, int index, const char *redirect_uri,
				  const char *client, char **url, char **cookie, int *retry_after, tusk_err *err)
{
	/* a stranger's starts cost Tusk a discovery at most and a sealed cookie: still, per address */
	starts_per_minute = a->cfg->login_rate_limit > 0 ? a->cfg->login_rate_limit * 3 : 0;
	pthread_once(&starts_once, starts_init);
	if (!ratelimit_allow(starts, client ? client : "", retry_after))
		return OIDC_START_LIMITED;
	struct endpoints ep;
	if (index < 0 || index >= MAX_PROVIDERS || !endpoints_of(p, index, &ep, err))
		return OIDC_START_FAILED;
	struct flow f = {.provider = index, .expires = time(NULL) + OIDC_FLOW_SECONDS};
	auth_random_token(f.state);
	auth_random_token(f.nonce);
	auth_random_token(f.verifier);
	char text[256];
	snprintf(text, sizeof(text), "%d %lld %s %s %s", f.provider, (long long)f.expires, f.state, f.nonce,
		 f.verifier);
	*cookie = seal(a, text, FLOW_AD, err);
	sodium_memzero(text, sizeof(text));
	if (!*cookie) {
		sodium_memzero(&f, sizeof(f));
		return OIDC_START_FAILED;
	}
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
	sodium_memzero(&f, sizeof(f));
	*url = str_take(&u);
	return OIDC_START_OK;
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
	const char *sub = json_string_value(json_object_get(c, "sub"));
	if (!*ep->issuer)
		return "the provider's discovery document names no issuer to check it against";
	if (!iss || strcmp(iss, ep->issuer) != 0)
		return "its issuer (iss) is not the provider's";
	if (!sub || !*sub)
		return "it names no subject (sub)";
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
	/* OIDC Core 5.3.2: the userinfo answer is about the ID token's subject, or is not used */
	if (!info || status != 200 || (claims && (!isub || !sub || strcmp(sub, isub) != 0))) {
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
	const json_t *verified = json_object_get(claims, "email_verified");
	/* named by e-mail: only a JSON true says it was verified ("false", "true", 0 do not). A plain
	 * OAuth2 provider (no ID token, userinfo only) may leave it out: its API has no such claim */
	if (strcmp(p->username_claim, "email") == 0 &&
	    (verified ? !json_is_true(verified) : json_object_get(claims, "iss") != NULL)) {
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
	int retry_after = 0;
	/* a flow's cookie is not single use: callbacks count with the starts of the address, so no
	 * one can make Tusk call a provider's token endpoint without bound */
	starts_per_minute = a->cfg->login_rate_limit > 0 ? a->cfg->login_rate_limit * 3 : 0;
	pthread_once(&starts_once, starts_init);
	if (!ratelimit_allow(starts, client ? client : "", &retry_after)) {
		auth_audit(a, NULL, "", "login_rate_limited", client, "oauth2 callback");
		err_set(err, ERR_RATE_LIMITED, "Too many sign-ins from this address: try again in %d s.", retry_after);
		return AUTH_DENIED;
	}
	if (!flow_take(a, browser, state, &f) || f.provider < 0 || f.provider >= (int)a->cfg->noauth2) {
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
