/* User names as keys: one form per name however it is typed (Unicode compatibility forms,
 * case, surrounding spaces, invisible characters), so a directory that matches names loosely
 * cannot give one person several Tusk accounts or several wrong-password counters; and the
 * name a refusal is logged under, which is never text a user typed unless it names a user. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "auth/internal.h"
#include "util/log.h"

#define MAX_BYTES 1000

/* Characters a name never holds: control characters anywhere (tab and newline too). */
static bool is_control(ucs4_t c)
{
	return uc_is_general_category(c, UC_CATEGORY_Cc);
}

/* Characters that do not show: format characters (soft hyphen, zero-width joiners, bidi
 * marks), default-ignorable code points, variation selectors. */
static bool is_invisible(ucs4_t c)
{
	return uc_is_general_category(c, UC_CATEGORY_Cf) || uc_is_property_default_ignorable_code_point(c) ||
	       uc_is_property_variation_selector(c);
}

/* s (n bytes of valid UTF-8) to out as a C string of at most 254 bytes. */
static bool to_out(const uint8_t *s, size_t n, char out[256])
{
	if (n == 0 || n > 254)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

/* s without its invisible characters, into out (*k bytes); false for a control character. */
static bool strip_invisible(const uint8_t *s, size_t n, uint8_t *out, size_t cap, size_t *k)
{
	*k = 0;
	for (size_t i = 0; i < n;) {
		ucs4_t c;
		int l = u8_mbtouc(&c, s + i, n - i);
		if (is_control(c))
			return false;
		if (!is_invisible(c) && *k + (size_t)l <= cap) {
			memcpy(out + *k, s + i, (size_t)l);
			*k += (size_t)l;
		}
		i += (size_t)l;
	}
	return true;
}

bool auth_name_fold(const char *in, bool keep_case, char out[256])
{
	size_t len = in ? strlen(in) : 0, n = 0, k = 0;
	if (!in || len > MAX_BYTES || u8_check((const uint8_t *)in, len))
		return false;
	/* control characters anywhere refuse the name; invisible characters go wherever they are,
	 * before the fold (a grapheme joiner between two marks kept them from being ordered, so the
	 * folded form folded again to another) and after it; spaces of any kind around it */
	uint8_t bare[MAX_BYTES], kept[MAX_BYTES * 4];
	if (!strip_invisible((const uint8_t *)in, len, bare, sizeof(bare), &k))
		return false;
	uint8_t *f = keep_case ? u8_normalize(UNINORM_NFKC, bare, k, NULL, &n)
			       : u8_casefold(bare, k, "", UNINORM_NFKC, NULL, &n);
	if (!f)
		return false;
	bool ok = strip_invisible(f, n, kept, sizeof(kept), &k);
	size_t b = 0, e = k;
	while (ok && b < e) {
		ucs4_t c;
		int l = u8_mbtouc(&c, kept + b, e - b);
		if (!uc_is_property_white_space(c))
			break;
		b += (size_t)l;
	}
	while (ok && e > b) {
		ucs4_t c;
		const uint8_t *prev = u8_prev(&c, kept + e, kept + b);
		if (!prev || !uc_is_property_white_space(c))
			break;
		e = (size_t)(prev - kept);
	}
	free(f);
	return ok && to_out(kept + b, e - b, out);
}

bool auth_name_key(const char *in, bool keep_case, char out[256])
{
	size_t len = in ? strlen(in) : 0, cn = 0, kn = 0, ln = 0;
	if (!in || !len || len > MAX_BYTES || u8_check((const uint8_t *)in, len))
		return false;
	uint8_t *c = u8_normalize(UNINORM_NFC, (const uint8_t *)in, len, NULL, &cn);
	uint8_t *k = c ? u8_normalize(UNINORM_NFKC, (const uint8_t *)in, len, NULL, &kn) : NULL;
	/* a name not in its composed form (a decomposed accent, the Kelvin or Ohm sign, whose
	 * composed form is another letter) or in a compatibility form (full-width letters,
	 * ligatures, superscripts) is another spelling of a plainer name: refused rather than
	 * taken for someone else's */
	bool ok = c && k && cn == len && memcmp(c, in, len) == 0 && cn == kn && memcmp(c, k, cn) == 0;
	for (size_t i = 0; ok && i < cn;) {
		ucs4_t ch;
		int l = u8_mbtouc(&ch, c + i, cn - i);
		/* control, format and invisible characters anywhere, spaces at either end: a name that
		 * looks like another is not taken */
		ok = !is_control(ch) && !is_invisible(ch) &&
		     !((i == 0 || i + (size_t)l == cn) && uc_is_property_white_space(ch));
		i += (size_t)l;
	}
	/* lower case as such ("Straße" is "straße", never "strasse"): two names a directory or a
	 * provider tells apart stay two accounts */
	uint8_t *low = ok && !keep_case ? u8_tolower(c, cn, "", UNINORM_NFC, NULL, &ln) : NULL;
	ok = ok && (keep_case ? to_out(c, cn, out) : low && to_out(low, ln, out));
	free(c);
	free(k);
	free(low);
	return ok;
}

void auth_throttle_key(const char *typed, char out[264])
{
	char folded[256];
	/* always case-folded: counting names a case-sensitive directory tells apart together only
	 * pauses sooner. The fold never yields an upper-case letter: see auth_second_step_key. */
	if (typed && auth_name_fold(typed, false, folded)) {
		snprintf(out, 264, "%s", folded);
		return;
	}
	/* no user has such a name; its text is not kept */
	unsigned char h[16];
	char hex[33];
	const char *t = typed ? typed : "";
	crypto_generichash(h, sizeof(h), (const unsigned char *)t, strlen(t), NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(out, 264, "#%s", hex);
}

void auth_second_step_key(const store_user *u, char out[264])
{
	/* upper case: no folded typed name is ever this, so no login name shares the counter */
	snprintf(out, 264, "2FA:%lld", (long long)u->id);
}

void auth_audit_name(auth *a, const char *key, char out[256])
{
	store_user u;
	tusk_err err;
	if (key && *key && key[0] != '#' && store_user_by_email(a->store, key, &u, &err) == 1) {
		snprintf(out, 256, "%s", u.email);
		return;
	}
	/* a name no user has may be a password typed in the wrong field: only a keyed digest is
	 * kept, which lets an administrator see that attempts repeat without reading them */
	unsigned char secret[32], h[6];
	char hex[13];
	const char *k = key ? key : "";
	if (!auth_server_secret(a, secret, &err))
		memset(secret, 0, sizeof(secret));
	crypto_generichash(h, sizeof(h), (const unsigned char *)k, strlen(k), secret, sizeof(secret));
	sodium_memzero(secret, sizeof(secret));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(out, 256, "unknown name %s", hex);
}

void auth_names_check(auth *a)
{
	size_t n = 0;
	tusk_err err;
	store_user *users = store_user_list(a->store, &n, &err);
	for (size_t i = 0; users && i < n; i++) {
		const store_user *u = &users[i];
		const char *src = u->auth_source[0] ? u->auth_source : "internal";
		char folded[256];
		bool keep_case = strcmp(src, "ldap") == 0 && a->cfg->ldap_dn_case_sensitive;
		if (strcmp(src, "internal") == 0 ||
		    (auth_name_key(u->email, keep_case, folded) && strcmp(folded, u->email) == 0))
			continue;
		/* made before names were folded: maybe a second account of someone the directory knows by
		 * another spelling (issue 19); Tusk no longer signs anyone in as it, but its sessions run */
		log_msg(
		    LOG_WARN,
		    "an account of an external source has a name Tusk no longer takes as it is: if it is another spelling of "
		    "a user's name, disable or delete it (Users)",
		    "name", u->email, "source", src, "role", u->role, NULL);
	}
	free(users);
}
