/* libFuzzer: TUSK_TRUSTED_PROXIES lists and the addresses in X-Forwarded-For. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/netaddr.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	netaddr_list l = {0};
	tusk_err err;
	bool listed = netaddr_list_parse(&l, text, &err);
	unsigned char a[16];
	if (netaddr_parse(text, a)) {
		char back[64];
		netaddr_format(a, back, sizeof(back));
		unsigned char again[16];
		/* what is formatted parses to the same address */
		if (!netaddr_parse(back, again) || memcmp(a, again, 16) != 0)
			abort();
		if (listed)
			(void)netaddr_list_contains(&l, a);
	}
	netaddr_list_free(&l);
	free(text);
	return 0;
}
