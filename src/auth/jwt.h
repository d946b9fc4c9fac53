/* JSON Web Tokens signed with RS256 or ES256, checked against a JSON Web Key Set: the crypto is
 * OpenSSL's (EVP), the JSON jansson's, base64url libsodium's. Claims are the caller's to check. */
#ifndef TUSK_AUTH_JWT_H
#define TUSK_AUTH_JWT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum jwt_result {
	JWT_OK,
	JWT_MALFORMED,	  /* not three base64url parts of JSON */
	JWT_BAD_ALG,	  /* an algorithm other than RS256/ES256 (none, HS256...) */
	JWT_UNKNOWN_KID,  /* no key of the set fits the token's kid and alg */
	JWT_BAD_SIGNATURE /* a key fits, the signature does not verify */
};

/* Checks token's signature against the keys of jwks ({"keys":[...]}); *claims gets the payload
 * (a new reference) on JWT_OK. */
enum jwt_result jwt_verify(const char *token, const json_t *jwks, json_t **claims);

/* base64url without padding into out (at most max bytes): the length, or -1. */
long jwt_b64url_decode(const char *in, size_t n, unsigned char *out, size_t max);

#endif
