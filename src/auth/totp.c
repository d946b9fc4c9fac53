#include "auth/totp.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

uint32_t totp_hotp(const unsigned char *key, size_t n, uint64_t counter, int digits)
{
	unsigned char msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	for (int i = 7; i >= 0; i--, counter >>= 8)
		msg[i] = (unsigned char)(counter & 0xff);
	/* SHA-1 is what every authenticator app computes; HMAC keeps it sound here (RFC 6238 §5) */
	if (!HMAC(EVP_sha1(), key, (int)n, msg, sizeof(msg), mac, &len) || len < 20)
		return UINT32_MAX; /* never a code: at most 8 digits */
	int off = mac[len - 1] & 0x0f;
	uint32_t bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
		       ((uint32_t)mac[off + 2] << 8) | mac[off + 3];
	uint32_t mod = 1;
	for (int i = 0; i < digits; i++)
		mod *= 10;
	return bin % mod;
}

uint32_t totp_at(const unsigned char *key, size_t n, int64_t t, int digits)
{
	return totp_hotp(key, n, (uint64_t)(t / TOTP_STEP), digits);
}

int64_t totp_match(const unsigned char *key, size_t n, const char *text, int64_t now)
{
	uint32_t want = 0;
	int got = 0;
	for (const char *c = text ? text : ""; *c; c++) {
		if (*c == ' ')
			continue;
		if (!isdigit((unsigned char)*c) || ++got > TOTP_DIGITS)
			return -1;
		want = want * 10 + (uint32_t)(*c - '0');
	}
	if (got != TOTP_DIGITS)
		return -1;
	int64_t step = now / TOTP_STEP, found = -1;
	/* every candidate is computed and compared, so the time does not say which matched */
	for (int64_t d = -1; d <= 1; d++) {
		uint32_t code = totp_hotp(key, n, (uint64_t)(step + d), TOTP_DIGITS);
		if ((code ^ want) == 0 && found < 0)
			found = step + d;
	}
	return found;
}

static const char B32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void totp_base32_encode(const unsigned char *in, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	uint32_t buf = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		buf = (buf << 8) | in[i];
		bits += 8;
		while (bits >= 5 && o + 1 < cap) {
			out[o++] = B32[(buf >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0 && o + 1 < cap)
		out[o++] = B32[(buf << (5 - bits)) & 31];
	if (cap)
		out[o] = '\0';
}

long totp_base32_decode(const char *in, unsigned char *out, size_t cap)
{
	size_t o = 0;
	uint32_t buf = 0;
	int bits = 0;
	for (const char *c = in; *c; c++) {
		if (*c == ' ' || *c == '=')
			continue;
		const char *p = strchr(B32, toupper((unsigned char)*c));
		if (!p)
			return -1;
		buf = (buf << 5) | (uint32_t)(p - B32);
		bits += 5;
		if (bits >= 8) {
			if (o >= cap)
				return -1;
			out[o++] = (unsigned char)((buf >> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return (long)o;
}

/* RFC 3986 unreserved characters stay; everything else is %XX. */
static void uri_escape(str *s, const char *text)
{
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		if (isalnum(*c) || *c == '-' || *c == '.' || *c == '_' || *c == '~')
			str_appendf(s, "%c", *c);
		else
			str_appendf(s, "%%%02X", *c);
	}
}

char *totp_uri(const char *issuer, const char *account, const char *secret_b32)
{
	str s = STR_INIT;
	str_appendf(&s, "otpauth://totp/");
	uri_escape(&s, issuer);
	str_appendf(&s, ":");
	uri_escape(&s, account);
	str_appendf(&s, "?secret=%s&issuer=", secret_b32);
	uri_escape(&s, issuer);
	str_appendf(&s, "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS, TOTP_STEP);
	return str_take(&s);
}

char *totp_qr_svg(const char *text)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return NULL;
	int w = qr->width, quiet = 4, size = w + 2 * quiet;
	str s = STR_INIT;
	/* one path of unit squares on a white field: crisp at any scale, in either theme */
	str_appendf(&s,
		    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
		    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
		    size, size, size, size);
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w; x++)
			if (qr->data[y * w + x] & 1)
				str_appendf(&s, "M%d %dh1v1h-1z", x + quiet, y + quiet);
	str_appendf(&s, "\"/></svg>");
	QRcode_free(qr);
	return str_take(&s);
}
