/* libFuzzer: user names (src/auth/names.c, libunistring), as LDAP entries, proxies' headers,
 * providers' claims and typed login names give them: folded to the counters' one form, and
 * taken as an account's name (auth_name_key), which decides whose account a sign-in opens. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "auth/internal.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = xstrndup((const char *)data, size);
	char out[256], again[256], key[264];
	for (int keep_case = 0; keep_case < 2; keep_case++) {
		if (!auth_name_fold(in, keep_case, out))
			continue;
		size_t n = strlen(out);
		if (n == 0 || n > 254 || out[0] == ' ' || out[n - 1] == ' ')
			abort(); /* a folded name is 1 to 254 bytes with no space around it */
		/* folding is idempotent: the one form folds to itself */
		if (!auth_name_fold(out, keep_case, again) || strcmp(out, again) != 0)
			abort();
	}
	for (int keep_case = 0; keep_case < 2; keep_case++) {
		if (!auth_name_key(in, keep_case, out))
			continue;
		size_t n = strlen(out);
		if (n == 0 || n > 254 || out[0] == ' ' || out[n - 1] == ' ')
			abort(); /* an account name is 1 to 254 bytes with no space around it */
		/* keep_case takes the name exactly as given, or not at all */
		if (keep_case && strcmp(out, in) != 0)
			abort();
	}
	auth_throttle_key(in, key);
	if (strlen(key) > 263 || (key[0] != '#' && strpbrk(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")))
		abort(); /* never reaches the second step's 2FA:<id> namespace */
	free(in);
	return 0;
}
