/* Accounts' secrets and the login door (auth/password.c, auth/auth.c,
 * auth/ratelimit.c): argon2id hashes that verify only their password, a
 * CSRF token derived from the session token (never the token, never its
 * stored hash), data keys that unwrap only with what wrapped them, saved
 * passwords bound to their place, e-mail addresses as Tusk keeps them,
 * and the per-address login window. */
#include <criterion/criterion.h>
#include <string.h>

#include "auth/auth.h"
#include "auth/password.h"
#include "auth/ratelimit.h"

static void init(void)
{
	cr_assert(auth_crypto_init());
}

TestSuite(auth_secrets, .init = init);

static bool urlsafe(const char *s)
{
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", *s))
			return false;
	return true;
}

Test(auth_secrets, a_password_hash_verifies_its_password_only)
{
	char h1[AUTH_HASH_MAX], h2[AUTH_HASH_MAX];
	cr_assert(auth_password_hash("correct horse battery", h1));
	cr_assert(auth_password_hash("correct horse battery", h2));
	cr_assert_eq(strncmp(h1, "$argon2id$", 10), 0, "%s", h1);
	cr_assert_str_neq(h1, h2, "each hash has its own salt");
	cr_assert(auth_password_verify(h1, "correct horse battery"));
	cr_assert(auth_password_verify(h2, "correct horse battery"));
	cr_assert_not(auth_password_verify(h1, "correct horse batterY"));
	cr_assert_not(auth_password_verify(h1, ""));
	cr_assert_not(auth_password_verify("not a hash", "correct horse battery"));
	cr_assert_not(auth_password_needs_rehash(h1));
}

Test(auth_secrets, tokens_and_what_the_store_keeps)
{
	char a[AUTH_TOKEN_CHARS], b[AUTH_TOKEN_CHARS];
	auth_random_token(a);
	auth_random_token(b);
	cr_assert_eq(strlen(a), 43);
	cr_assert(urlsafe(a), "%s", a);
	cr_assert_str_neq(a, b);
	char ha[65], ha2[65];
	auth_token_hash(a, ha);
	auth_token_hash(a, ha2);
	cr_assert_eq(strlen(ha), 64);
	cr_assert_str_eq(ha, ha2);
	cr_assert(auth_token_equal(a, a));
	cr_assert_not(auth_token_equal(a, b));
	cr_assert_not(auth_token_equal(a, ""));
}

Test(auth_secrets, the_csrf_token_is_derived_not_stored)
{
	char session[AUTH_TOKEN_CHARS], other[AUTH_TOKEN_CHARS];
	auth_random_token(session);
	auth_random_token(other);
	char c1[AUTH_TOKEN_CHARS], c2[AUTH_TOKEN_CHARS], c3[AUTH_TOKEN_CHARS], stored[65];
	auth_csrf_token(session, c1);
	auth_csrf_token(session, c2);
	auth_csrf_token(other, c3);
	cr_assert_str_eq(c1, c2, "the same session gives the same token");
	cr_assert_str_neq(c1, c3, "another session gives another");
	cr_assert_str_neq(c1, session, "it is not the session token");
	auth_token_hash(session, stored);
	cr_assert_null(strstr(stored, c1));
	cr_assert_eq(strlen(c1), 43);
	cr_assert(urlsafe(c1), "%s", c1);
}

Test(auth_secrets, data_keys_unwrap_only_with_what_wrapped_them)
{
	unsigned char key[AUTH_DATA_KEY_BYTES], back[AUTH_DATA_KEY_BYTES], salt[16];
	unsigned char wrapped[AUTH_WRAPPED_BYTES];
	size_t n = 0;
	auth_data_key_new(key);
	cr_assert(auth_data_key_wrap_password(key, "a long password", salt, wrapped, &n));
	cr_assert_eq(n, AUTH_WRAPPED_BYTES);
	cr_assert(auth_data_key_unwrap_password(wrapped, n, salt, "a long password", back));
	cr_assert_eq(memcmp(key, back, sizeof(key)), 0);
	cr_assert_not(auth_data_key_unwrap_password(wrapped, n, salt, "a long passworD", back));

	char token[AUTH_TOKEN_CHARS], other[AUTH_TOKEN_CHARS];
	auth_random_token(token);
	auth_random_token(other);
	auth_data_key_wrap_token(key, token, wrapped, &n);
	cr_assert(auth_data_key_unwrap_token(wrapped, n, token, back));
	cr_assert_eq(memcmp(key, back, sizeof(key)), 0);
	cr_assert_not(auth_data_key_unwrap_token(wrapped, n, other, back));
	wrapped[n - 1] ^= 1;
	cr_assert_not(auth_data_key_unwrap_token(wrapped, n, token, back), "a changed byte is refused");
}

Test(auth_secrets, a_saved_password_is_bound_to_its_place)
{
	unsigned char key[AUTH_DATA_KEY_BYTES], other[AUTH_DATA_KEY_BYTES];
	auth_data_key_new(key);
	auth_data_key_new(other);
	size_t n = 0;
	unsigned char *enc = auth_secret_encrypt(key, "s3cret", "server 1 user 2", &n);
	cr_assert_not_null(enc);
	cr_assert_null(memmem(enc, n, "s3cret", 6), "the secret is not in the clear");
	char *plain = auth_secret_decrypt(key, enc, n, "server 1 user 2");
	cr_assert_str_eq(plain, "s3cret");
	free(plain);
	cr_assert_null(auth_secret_decrypt(key, enc, n, "server 1 user 3"), "moved to another user");
	cr_assert_null(auth_secret_decrypt(other, enc, n, "server 1 user 2"), "another user's key");
	cr_assert_null(auth_secret_decrypt(key, enc, n - 1, "server 1 user 2"), "cut short");
	free(enc);
}

Test(auth_email, kept_lower_case_and_checked)
{
	char out[256];
	tusk_err err = {0};
	cr_assert(auth_email_normalize("Alice.Smith@Example.COM", out, &err));
	cr_assert_str_eq(out, "alice.smith@example.com");
	cr_assert(auth_email_normalize("a@b", out, &err));
	static const char *const bad[] = {"",
					  "alice",
					  "@example.com",
					  "alice@",
					  "alice@.com",
					  "alice@example..com",
					  "alice@example.com.",
					  "al ice@example.com",
					  "alice@exa_mple.com",
					  "<alice>@example.com",
					  "alice@example.com\n",
					  "a\"b@example.com"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		cr_assert_not(auth_email_normalize(bad[i], out, &err), "'%s' passed", bad[i]);
		cr_assert_eq(err.code, ERR_INVALID_EMAIL);
	}
	cr_assert_not(auth_email_normalize(NULL, out, &err));
}

Test(auth_ratelimit, a_window_per_address)
{
	ratelimit *rl = ratelimit_new(3);
	int retry = -1;
	for (int i = 0; i < 3; i++)
		cr_assert(ratelimit_allow(rl, "192.0.2.1", &retry), "attempt %d", i + 1);
	cr_assert_not(ratelimit_allow(rl, "192.0.2.1", &retry));
	cr_assert(retry > 0 && retry <= 60, "retry after %d s", retry);
	cr_assert(ratelimit_allow(rl, "192.0.2.2", &retry), "another address has its own window");
	ratelimit_free(rl);
}

Test(auth_ratelimit, an_ipv6_64_is_one_client)
{
	ratelimit *rl = ratelimit_new(2);
	int retry = 0;
	cr_assert(ratelimit_allow(rl, "2001:db8:1:2::1", &retry));
	cr_assert(ratelimit_allow(rl, "2001:db8:1:2:ffff:ffff:ffff:ffff", &retry));
	cr_assert_not(ratelimit_allow(rl, "2001:0db8:0001:0002::abcd", &retry), "the same /64, written otherwise");
	cr_assert(ratelimit_allow(rl, "2001:db8:1:3::1", &retry), "the next /64 is another client");
	/* an IPv4-mapped address is its IPv4 address */
	cr_assert(ratelimit_allow(rl, "192.0.2.9", &retry));
	cr_assert(ratelimit_allow(rl, "::ffff:192.0.2.9", &retry));
	cr_assert_not(ratelimit_allow(rl, "192.0.2.9", &retry));
	ratelimit_free(rl);
}

Test(auth_ratelimit, bounded_however_many_addresses_knock)
{
	ratelimit *rl = ratelimit_new(2);
	int retry = 0;
	char addr[64];
	for (int i = 0; i < 20000; i++) {
		snprintf(addr, sizeof(addr), "2001:db8:%x::1", i); /* each in its own /64 */
		cr_assert(ratelimit_allow(rl, addr, &retry), "%s", addr);
	}
	/* a full table reuses the oldest slot: a new address still gets in */
	cr_assert(ratelimit_allow(rl, "198.51.100.7", &retry));
	ratelimit_free(rl);

	rl = ratelimit_new(0); /* 0: no limit */
	for (int i = 0; i < 100; i++)
		cr_assert(ratelimit_allow(rl, "192.0.2.1", &retry));
	ratelimit_free(rl);
}
