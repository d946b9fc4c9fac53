#include "auth/password.h"

#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

/* OWASP's argon2id baseline: 19 MiB, 2 passes. At most two hashes run at
 * once so a burst of logins cannot exhaust a small container's memory. */
#define PW_OPSLIMIT 2
#define PW_MEMLIMIT (19u * 1024 * 1024)
#define MAX_CONCURRENT_HASHES 2

static sem_t hash_slots;
static char dummy_hash[AUTH_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

bool auth_crypto_init(void)
{
	if (sodium_init() < 0)
		return false;
	sem_init(&hash_slots, 0, MAX_CONCURRENT_HASHES);
	return true;
}

/* Made on first use, not at start: start-up stays fast. */
static void make_dummy_hash(void)
{
	if (!auth_password_hash("tusk dummy password for unknown users", dummy_hash))
		dummy_hash[0] = '\0';
}

void auth_password_prepare_dummy(void)
{
	pthread_once(&dummy_once, make_dummy_hash);
}

static void slot_take(void)
{
	while (sem_wait(&hash_slots) != 0)
		;
}

static void slot_give(void)
{
	sem_post(&hash_slots);
}

bool auth_password_hash(const char *password, char out[AUTH_HASH_MAX])
{
	_Static_assert(crypto_pwhash_STRBYTES <= AUTH_HASH_MAX, "hash buffer");
	slot_take();
	int rc = crypto_pwhash_str_alg(out, password, strlen(password), PW_OPSLIMIT, PW_MEMLIMIT,
				       crypto_pwhash_ALG_ARGON2ID13);
	slot_give();
	return rc == 0;
}

bool auth_password_verify(const char *hash, const char *password)
{
	slot_take();
	int rc = crypto_pwhash_str_verify(hash, password, strlen(password));
	slot_give();
	return rc == 0;
}

void auth_password_verify_dummy(const char *password)
{
	auth_password_prepare_dummy();
	if (dummy_hash[0])
		(void)auth_password_verify(dummy_hash, password);
}

bool auth_password_needs_rehash(const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash, PW_OPSLIMIT, PW_MEMLIMIT) != 0;
}

void auth_random_token(char out[AUTH_TOKEN_CHARS])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, AUTH_TOKEN_CHARS, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void auth_token_hash(const char *token, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

void auth_csrf_token(const char *session_token, char out[AUTH_TOKEN_CHARS])
{
	static const char purpose[] = "tusk csrf token v1";
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)purpose, sizeof(purpose) - 1,
			   (const unsigned char *)session_token, strlen(session_token));
	sodium_bin2base64(out, AUTH_TOKEN_CHARS, h, sizeof(h), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(h, sizeof(h));
}

bool auth_token_equal(const char *a, const char *b)
{
	size_t n = strlen(a);
	return n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

void auth_data_key_new(unsigned char key[AUTH_DATA_KEY_BYTES])
{
	crypto_aead_xchacha20poly1305_ietf_keygen(key);
}

/* nonce || ciphertext+tag */
static void seal(const unsigned char key[AUTH_DATA_KEY_BYTES], const unsigned char kek[32], unsigned char *out,
		 size_t *out_len)
{
	unsigned char *nonce = out;
	randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	unsigned long long clen;
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen, key,
						   AUTH_DATA_KEY_BYTES, NULL, 0, NULL, nonce, kek);
	*out_len = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + (size_t)clen;
}

static bool open_sealed(const unsigned char *wrapped, size_t len, const unsigned char kek[32],
			unsigned char key[AUTH_DATA_KEY_BYTES])
{
	if (len != AUTH_WRAPPED_BYTES)
		return false;
	unsigned long long klen;
	return crypto_aead_xchacha20poly1305_ietf_decrypt(
		   key, &klen, NULL, wrapped + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
		   len - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, NULL, 0, wrapped, kek) == 0 &&
	       klen == AUTH_DATA_KEY_BYTES;
}

static bool password_kek(const char *password, const unsigned char salt[16], unsigned char kek[32])
{
	_Static_assert(crypto_pwhash_SALTBYTES == 16, "salt size");
	slot_take();
	int rc = crypto_pwhash(kek, 32, password, strlen(password), salt, PW_OPSLIMIT, PW_MEMLIMIT,
			       crypto_pwhash_ALG_ARGON2ID13);
	slot_give();
	return rc == 0;
}

bool auth_data_key_wrap_password(const unsigned char key[AUTH_DATA_KEY_BYTES], const char *password,
				 unsigned char salt[16], unsigned char *out, size_t *out_len)
{
	unsigned char kek[32];
	randombytes_buf(salt, 16);
	if (!password_kek(password, salt, kek))
		return false;
	seal(key, kek, out, out_len);
	sodium_memzero(kek, sizeof(kek));
	return true;
}

bool auth_data_key_unwrap_password(const unsigned char *wrapped, size_t len, const unsigned char salt[16],
				   const char *password, unsigned char key[AUTH_DATA_KEY_BYTES])
{
	unsigned char kek[32];
	if (!password_kek(password, salt, kek))
		return false;
	bool ok = open_sealed(wrapped, len, kek, key);
	sodium_memzero(kek, sizeof(kek));
	return ok;
}

static void token_kek(const char *token, unsigned char kek[32])
{
	static const unsigned char context[] = "tusk session data key v1";
	crypto_generichash(kek, 32, (const unsigned char *)token, strlen(token), context, sizeof(context) - 1);
}

void auth_data_key_wrap_token(const unsigned char key[AUTH_DATA_KEY_BYTES], const char *token, unsigned char *out,
			      size_t *out_len)
{
	unsigned char kek[32];
	token_kek(token, kek);
	seal(key, kek, out, out_len);
	sodium_memzero(kek, sizeof(kek));
}

bool auth_data_key_unwrap_token(const unsigned char *wrapped, size_t len, const char *token,
				unsigned char key[AUTH_DATA_KEY_BYTES])
{
	unsigned char kek[32];
	token_kek(token, kek);
	bool ok = open_sealed(wrapped, len, kek, key);
	sodium_memzero(kek, sizeof(kek));
	return ok;
}

unsigned char *auth_secret_encrypt(const unsigned char key[AUTH_DATA_KEY_BYTES], const char *secret, const char *ad,
				   size_t *out_len)
{
	size_t n = strlen(secret);
	size_t total = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + n + crypto_aead_xchacha20poly1305_ietf_ABYTES;
	unsigned char *out = xmalloc(total);
	randombytes_buf(out, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	unsigned long long clen;
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen,
						   (const unsigned char *)secret, n, (const unsigned char *)ad,
						   strlen(ad), NULL, out, key);
	*out_len = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + (size_t)clen;
	return out;
}

char *auth_secret_decrypt(const unsigned char key[AUTH_DATA_KEY_BYTES], const unsigned char *enc, size_t len,
			  const char *ad)
{
	size_t overhead = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES;
	if (len < overhead)
		return NULL;
	char *out = xmalloc(len - overhead + 1);
	unsigned long long n;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)out, &n, NULL,
						       enc + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
						       len - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
						       (const unsigned char *)ad, strlen(ad), enc, key) != 0) {
		free(out);
		return NULL;
	}
	out[n] = '\0';
	return out;
}
