/* JWS compact tokens (RS256, ES256) verified with OpenSSL against a JWKS (RFC 7515, 7517, 7518). */
#include "auth/jwt.h"

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PART (64 * 1024)

long jwt_b64url_decode(const char *in, size_t n, unsigned char *out, size_t max)
{
	size_t len = 0;
	if (sodium_base642bin(out, max, in, n, NULL, &len, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	return (long)len;
}

/* A base64url member of a JWK as a big number. */
static BIGNUM *jwk_bn(const json_t *k, const char *name)
{
	const char *v = json_string_value(json_object_get(k, name));
	unsigned char buf[1024];
	long n = v ? jwt_b64url_decode(v, strlen(v), buf, sizeof(buf)) : -1;
	return n > 0 ? BN_bin2bn(buf, (int)n, NULL) : NULL;
}

static EVP_PKEY *from_params(const char *type, OSSL_PARAM_BLD *bld)
{
	EVP_PKEY *pkey = NULL;
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = params ? EVP_PKEY_CTX_new_from_name(NULL, type, NULL) : NULL;
	if (!ctx || EVP_PKEY_fromdata_init(ctx) != 1 || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return pkey;
}

static EVP_PKEY *rsa_key(const json_t *k)
{
	BIGNUM *n = jwk_bn(k, "n"), *e = jwk_bn(k, "e");
	EVP_PKEY *pkey = NULL;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	if (n && e && bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
		pkey = from_params("RSA", bld);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	if (pkey && EVP_PKEY_get_bits(pkey) < 2048) { /* RFC 7518 3.3 */
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	return pkey;
}

static EVP_PKEY *ec_key(const json_t *k)
{
	const char *crv = json_string_value(json_object_get(k, "crv"));
	const char *x = json_string_value(json_object_get(k, "x")), *y = json_string_value(json_object_get(k, "y"));
	unsigned char pub[65] = {0x04};
	if (!crv || strcmp(crv, "P-256") != 0 || !x || !y || jwt_b64url_decode(x, strlen(x), pub + 1, 32) != 32 ||
	    jwt_b64url_decode(y, strlen(y), pub + 33, 32) != 32)
		return NULL;
	EVP_PKEY *pkey = NULL;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	if (bld && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof(pub)))
		pkey = from_params("EC", bld); /* OpenSSL checks the point is on the curve */
	OSSL_PARAM_BLD_free(bld);
	return pkey;
}

/* JWS's ES256 signature is r||s (32 bytes each); OpenSSL verifies DER. */
static unsigned char *es256_der(const unsigned char *sig, size_t len, size_t *der_len)
{
	if (len != 64)
		return NULL;
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, 32, NULL), *ss = BN_bin2bn(sig + 32, 32, NULL);
	unsigned char *der = NULL;
	if (s && r && ss && ECDSA_SIG_set0(s, r, ss) == 1) {
		r = ss = NULL;
		int n = i2d_ECDSA_SIG(s, &der);
		*der_len = n > 0 ? (size_t)n : 0;
	}
	BN_free(r);
	BN_free(ss);
	ECDSA_SIG_free(s);
	return der;
}

static bool verify_with(EVP_PKEY *pkey, bool ec, const char *signed_part, size_t signed_len, const unsigned char *sig,
			size_t sig_len)
{
	size_t der_len = 0;
	unsigned char *der = ec ? es256_der(sig, sig_len, &der_len) : NULL;
	if (ec && !der)
		return false;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	bool ok = md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pkey) == 1 &&
		  EVP_DigestVerify(md, ec ? der : sig, ec ? der_len : sig_len, (const unsigned char *)signed_part,
				   signed_len) == 1;
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	return ok;
}

/* Whether JWK k may verify a token with this alg and kid (NULL: any kid). */
static bool key_fits(const json_t *k, bool ec, const char *kid)
{
	const char *kty = json_string_value(json_object_get(k, "kty"));
	const char *use = json_string_value(json_object_get(k, "use"));
	const char *kalg = json_string_value(json_object_get(k, "alg"));
	const char *kkid = json_string_value(json_object_get(k, "kid"));
	return kty && strcmp(kty, ec ? "EC" : "RSA") == 0 && (!use || strcmp(use, "sig") == 0) &&
	       (!kalg || strcmp(kalg, ec ? "ES256" : "RS256") == 0) && (!kid || (kkid && strcmp(kid, kkid) == 0));
}

static json_t *part_json(const char *p, size_t n)
{
	if (n > MAX_PART)
		return NULL;
	unsigned char *buf = malloc(n + 1);
	long len = buf ? jwt_b64url_decode(p, n, buf, n) : -1;
	json_t *v = len >= 0 ? json_loadb((const char *)buf, (size_t)len, JSON_REJECT_DUPLICATES, NULL) : NULL;
	free(buf);
	if (v && !json_is_object(v)) {
		json_decref(v);
		v = NULL;
	}
	return v;
}

enum jwt_result jwt_verify(const char *token, const json_t *jwks, json_t **claims)
{
	const char *d1 = strchr(token, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	if (!d1 || !d2 || strchr(d2 + 1, '.') || strlen(d2 + 1) > MAX_PART)
		return JWT_MALFORMED;
	json_t *header = part_json(token, (size_t)(d1 - token));
	json_t *payload = header ? part_json(d1 + 1, (size_t)(d2 - d1 - 1)) : NULL;
	unsigned char sig[1024];
	long sig_len = jwt_b64url_decode(d2 + 1, strlen(d2 + 1), sig, sizeof(sig));
	const char *alg = json_string_value(json_object_get(header, "alg"));
	const char *kid = json_string_value(json_object_get(header, "kid"));
	enum jwt_result res = !payload || sig_len <= 0				       ? JWT_MALFORMED
			      : !alg || (strcmp(alg, "RS256") && strcmp(alg, "ES256")) ? JWT_BAD_ALG
										       : JWT_UNKNOWN_KID;
	bool ec = alg && strcmp(alg, "ES256") == 0;
	size_t i;
	json_t *k;
	json_array_foreach(json_object_get(jwks, "keys"), i, k)
	{
		if (res == JWT_OK || res == JWT_MALFORMED || res == JWT_BAD_ALG || !key_fits(k, ec, kid))
			continue;
		EVP_PKEY *pkey = ec ? ec_key(k) : rsa_key(k);
		if (!pkey)
			continue;
		res = verify_with(pkey, ec, token, (size_t)(d2 - token), sig, (size_t)sig_len) ? JWT_OK
											       : JWT_BAD_SIGNATURE;
		EVP_PKEY_free(pkey);
	}
	json_decref(header);
	if (res == JWT_OK)
		*claims = payload;
	else
		json_decref(payload);
	return res;
}
