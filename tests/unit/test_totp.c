/* TOTP (RFC 6238) against the RFC's own test vectors, the ±1 step window, base32, the URI and QR. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/totp.h"

static const unsigned char SEED[] = "12345678901234567890"; /* Appendix B, SHA-1 */

Test(totp, rfc6238_appendix_b_sha1_vectors)
{
	const struct {
		int64_t t;
		uint32_t code;
	} v[] = {{59, 94287082u},	  {1111111109, 7081804u},  {1111111111, 14050471u},
		 {1234567890, 89005924u}, {2000000000, 69279037u}, {20000000000LL, 65353130u}};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		cr_expect_eq(totp_at(SEED, 20, v[i].t, 8), v[i].code, "t=%lld: %u", (long long)v[i].t,
			     totp_at(SEED, 20, v[i].t, 8));
}

Test(totp, rfc4226_hotp_vectors)
{
	const uint32_t want[] = {755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489};
	for (uint64_t c = 0; c < 10; c++)
		cr_expect_eq(totp_hotp(SEED, 20, c, 6), want[c]);
}

static void code_text(int64_t t, char out[8])
{
	snprintf(out, 8, "%06u", totp_at(SEED, 20, t, 6));
}

Test(totp, accepts_one_step_either_side_and_no_further)
{
	int64_t now = 1111111111, step = now / 30;
	char c[8];
	code_text(now, c);
	cr_expect_eq(totp_match(SEED, 20, c, now), step);
	code_text(now - 30, c);
	cr_expect_eq(totp_match(SEED, 20, c, now), step - 1);
	code_text(now + 30, c);
	cr_expect_eq(totp_match(SEED, 20, c, now), step + 1);
	code_text(now - 60, c);
	cr_expect_eq(totp_match(SEED, 20, c, now), -1);
	code_text(now + 60, c);
	cr_expect_eq(totp_match(SEED, 20, c, now), -1);
}

Test(totp, refuses_what_is_not_six_digits)
{
	int64_t now = 59;
	char c[8];
	code_text(now, c);
	char spaced[9] = {c[0], c[1], c[2], ' ', c[3], c[4], c[5], '\0'};
	cr_expect_eq(totp_match(SEED, 20, spaced, now), 1);
	const char *bad[] = {"", "12345", "1234567", "12a456", "-12345", NULL};
	for (int i = 0; bad[i]; i++)
		cr_expect_eq(totp_match(SEED, 20, bad[i], now), -1, "%s", bad[i]);
	cr_expect_eq(totp_match(SEED, 20, NULL, now), -1);
}

Test(totp, base32_round_trip_and_rfc4648_vector)
{
	char out[64];
	totp_base32_encode((const unsigned char *)"foobar", 6, out, sizeof(out));
	cr_expect_str_eq(out, "MZXW6YTBOI"); /* RFC 4648 §10, without padding */
	totp_base32_encode(SEED, 20, out, sizeof(out));
	cr_expect_str_eq(out, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	unsigned char back[32];
	cr_expect_eq(totp_base32_decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq", back, sizeof(back)), 20);
	cr_expect(memcmp(back, SEED, 20) == 0);
	cr_expect_eq(totp_base32_decode("GEZ1", back, sizeof(back)), -1);
	cr_expect_eq(totp_base32_decode("GEZDGNBVGY3TQOJQ", back, 4), -1);
}

Test(totp, uri_escapes_issuer_and_account)
{
	char *u = totp_uri("Tusk", "a&b@x.org", "ABC");
	cr_expect_str_eq(u,
			 "otpauth://totp/Tusk:a%26b%40x.org?secret=ABC&issuer=Tusk&algorithm=SHA1&digits=6&period=30");
	free(u);
}

Test(totp, qr_is_an_svg_with_modules)
{
	char *svg = totp_qr_svg("otpauth://totp/Tusk:a?secret=ABC");
	cr_assert(svg);
	cr_expect(strncmp(svg, "<svg ", 5) == 0);
	cr_expect(strstr(svg, "M4 4h1v1h-1z") != NULL); /* a finder pattern's corner inside the quiet zone */
	free(svg);
}
