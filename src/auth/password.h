/* Secrets: argon2id password hashes, random tokens, and the per-user data
 * key that encrypts saved server passwords (XChaCha20-Poly1305). */
#ifndef TUSK_AUTH_PASSWORD_H
#define TUSK_AUTH_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define AUTH_DATA_KEY_BYTES 32
#define AUTH_HASH_MAX 160
#define AUTH_TOKEN_CHARS 44 /* 32 random bytes, base64url, plus NUL */

bool auth_crypto_init(void) __attribute__((warn_unused_result));
/* argon2id with the parameters recorded in the hash string. */
bool auth_password_hash(const char *password, char out[AUTH_HASH_MAX]) __attribute__((warn_unused_result));
bool auth_password_verify(const char *hash, const char *password);
/* Spends the time a verification takes, for unknown e-mails. */
void auth_password_verify_dummy(const char *password);
/* Hashes the dummy once, ahead of the first unknown address (whose answer
 * would otherwise take twice as long). */
void auth_password_prepare_dummy(void);
bool auth_password_needs_rehash(const char *hash);

/* 32 random bytes as base64url (43 characters). */
void auth_random_token(char out[AUTH_TOKEN_CHARS]);
/* Hex BLAKE2b-256 of a token: what the store keeps instead of the token. */
void auth_token_hash(const char *token, char out[65]);
bool auth_token_equal(const char *a, const char *b);
/* A login session's CSRF token: derived from its session token (keyed
 * BLAKE2b), so the store keeps nothing that could be replayed. */
void auth_csrf_token(const char *session_token, char out[AUTH_TOKEN_CHARS]);

void auth_data_key_new(unsigned char key[AUTH_DATA_KEY_BYTES]);
/* Wraps key under argon2id(password, salt); writes a fresh salt. */
bool auth_data_key_wrap_password(const unsigned char key[AUTH_DATA_KEY_BYTES], const char *password,
				 unsigned char salt[16], unsigned char *out, size_t *out_len)
    __attribute__((warn_unused_result));
bool auth_data_key_unwrap_password(const unsigned char *wrapped, size_t len, const unsigned char salt[16],
				   const char *password, unsigned char key[AUTH_DATA_KEY_BYTES])
    __attribute__((warn_unused_result));
/* Wraps key under a key derived from a session token (fast: the token is random). */
void auth_data_key_wrap_token(const unsigned char key[AUTH_DATA_KEY_BYTES], const char *token, unsigned char *out,
			      size_t *out_len);
bool auth_data_key_unwrap_token(const unsigned char *wrapped, size_t len, const char *token,
				unsigned char key[AUTH_DATA_KEY_BYTES]) __attribute__((warn_unused_result));
#define AUTH_WRAPPED_BYTES (24 + AUTH_DATA_KEY_BYTES + 16)

/* Encrypts a secret (a saved server password) with a user's data key; ad binds
 * it to its place (server and user) so it cannot be moved. Returns malloc'd
 * nonce||ciphertext. */
unsigned char *auth_secret_encrypt(const unsigned char key[AUTH_DATA_KEY_BYTES], const char *secret, const char *ad,
				   size_t *out_len);
/* Returns the malloc'd NUL-terminated secret, or NULL when it does not decrypt. */
char *auth_secret_decrypt(const unsigned char key[AUTH_DATA_KEY_BYTES], const unsigned char *enc, size_t len,
			  const char *ad);

#endif
