/* User names as keys: one form per name however it is typed (Unicode compatibility forms,
 * case, surrounding spaces, invisible characters), so a directory that matches names loosely
 * cannot give one person several Tusk accounts or several wrong-password counters; and the
 * name a refusal is logged under, which is never text a user typed unless it names a user. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "auth/internal.h"
#include "util/log.h"

#define MAX_UNITS 1024

bool auth_name_fold(const char *in, bool keep_case, char out[256])
{
	UErrorCode st = U_ZERO_ERROR;
	const UNormalizer2 *nf = keep_case ? unorm2_getNFKCInstance(&st) : unorm2_getNFKCCasefoldInstance(&st);
	UChar src[MAX_UNITS], dst[MAX_UNITS];
	int32_t n = 0, m = 0, outlen = 0;
	if (!in || U_FAILURE(st) || strlen(in) > 1000)
		return false;
	u_strFromUTF8(src, MAX_UNITS, &n, in, -1, &st);
	if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING)
		return false;
	m = unorm2_normalize(nf, src, n, dst, MAX_UNITS, &st);
	if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING)
		return false;
	/* control characters anywhere (tab and newline too) refuse the name; spaces of any kind and
	 * invisible characters around it go */
	for (int32_t i = 0; i < m; i++)
		if (u_iscntrl(dst[i]))
			return false;
	int32_t b = 0, e = m;
	while (b < e && (u_isUWhiteSpace(dst[b]) || u_hasBinaryProperty(dst[b], UCHAR_DEFAULT_IGNORABLE_CODE_POINT)))
		b++;
	while (e > b &&
	       (u_isUWhiteSpace(dst[e - 1]) || u_hasBinaryProperty(dst[e - 1], UCHAR_DEFAULT_IGNORABLE_CODE_POINT)))
		e--;
	if (b == e)
		return false;
	u_strToUTF8(out, 255, &outlen, dst + b, e - b, &st);
	if (U_FAILURE(st) || outlen <= 0 || outlen > 254)
		return false;
	out[outlen] = '\0';
	return true;
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
		if (strcmp(src, "internal") == 0 ||
		    (auth_name_fold(u->email, false, folded) && strcmp(folded, u->email) == 0))
			continue;
		/* made before names were folded: maybe a second account of someone the directory knows by
		 * another spelling (issue 19); Tusk no longer signs anyone in as it, but its sessions run */
		log_msg(LOG_WARN,
			"an account of an external source has a name in no folded form: if it is another spelling of "
			"a user's name, disable or delete it (Users)",
			"name", u->email, "source", src, "role", u->role, NULL);
	}
	free(users);
}
