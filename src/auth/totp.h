/* Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA-1, 30-second steps,
 * the codes an authenticator app shows; the otpauth:// URI and its QR code for enrolment. */
#ifndef TUSK_AUTH_TOTP_H
#define TUSK_AUTH_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOTP_STEP 30
#define TOTP_DIGITS 6
#define TOTP_SECRET_BYTES 20 /* 160 bits, RFC 4226's recommendation */
#define TOTP_SECRET_CHARS 33 /* 20 bytes in base32 (32 characters), plus NUL */

/* RFC 4226's HOTP value of counter, truncated to digits (6 to 8) decimal digits. */
uint32_t totp_hotp(const unsigned char *key, size_t n, uint64_t counter, int digits);
/* The code for unix time t: HOTP of t / TOTP_STEP. */
uint32_t totp_at(const unsigned char *key, size_t n, int64_t t, int digits);
/* The time step (t / TOTP_STEP) whose 6-digit code is text, trying now's step and one either side;
 * -1 when none matches or text is not 6 digits (spaces allowed). */
int64_t totp_match(const unsigned char *key, size_t n, const char *text, int64_t now);

/* RFC 4648 base32 without padding: out holds 8 characters per 5 bytes, plus NUL. */
void totp_base32_encode(const unsigned char *in, size_t n, char *out, size_t cap);
/* Decodes (upper or lower case, spaces and '=' skipped); the bytes written, -1 when bad or too long. */
long totp_base32_decode(const char *in, unsigned char *out, size_t cap);

/* otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30; malloc'd. */
char *totp_uri(const char *issuer, const char *account, const char *secret_b32);
/* text as a QR code in an SVG document (libqrencode, error correction M); malloc'd, NULL on failure. */
char *totp_qr_svg(const char *text);

#endif
