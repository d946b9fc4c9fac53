#include "http/netaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool netaddr_parse(const char *text, unsigned char out[16])
{
	struct in_addr a4;
	if (inet_pton(AF_INET, text, &a4) == 1) {
		memcpy(out, v4_mapped, 12);
		memcpy(out + 12, &a4, 4);
		return true;
	}
	return inet_pton(AF_INET6, text, out) == 1;
}

bool netaddr_from_sockaddr(const struct sockaddr *sa, unsigned char out[16])
{
	if (!sa)
		return false;
	if (sa->sa_family == AF_INET) {
		memcpy(out, v4_mapped, 12);
		memcpy(out + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(out, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		return true;
	}
	return false;
}

void netaddr_format(const unsigned char addr[16], char *buf, size_t n)
{
	if (memcmp(addr, v4_mapped, 12) == 0)
		inet_ntop(AF_INET, addr + 12, buf, (socklen_t)n);
	else
		inet_ntop(AF_INET6, addr, buf, (socklen_t)n);
}

static bool parse_one(const char *entry, netaddr_cidr *out)
{
	char text[64];
	const char *slash = strchr(entry, '/');
	size_t alen = slash ? (size_t)(slash - entry) : strlen(entry);
	if (alen == 0 || alen >= sizeof(text))
		return false;
	memcpy(text, entry, alen);
	text[alen] = '\0';
	if (!netaddr_parse(text, out->addr))
		return false;
	bool v4 = strchr(text, ':') == NULL;
	int max = v4 ? 32 : 128;
	int prefix = max;
	if (slash) {
		char *end;
		long p = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end || p < 0 || p > max)
			return false;
		prefix = (int)p;
	}
	out->prefix = v4 ? prefix + 96 : prefix;
	return true;
}

bool netaddr_list_parse(netaddr_list *l, const char *spec, tusk_err *err)
{
	*l = (netaddr_list){0};
	char *copy = xstrdup(spec), *save = NULL;
	for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		netaddr_cidr c;
		if (!parse_one(tok, &c)) {
			err_set(err, ERR_INVALID_SETTING, "'%s' is not an IP address or CIDR range", tok);
			free(copy);
			netaddr_list_free(l);
			return false;
		}
		l->items = xrealloc(l->items, (l->n + 1) * sizeof(*l->items));
		l->items[l->n++] = c;
	}
	free(copy);
	return true;
}

void netaddr_list_free(netaddr_list *l)
{
	free(l->items);
	*l = (netaddr_list){0};
}

static bool in_cidr(const netaddr_cidr *c, const unsigned char a[16])
{
	int full = c->prefix / 8, rest = c->prefix % 8;
	if (memcmp(c->addr, a, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (c->addr[full] & mask) == (a[full] & mask);
}

bool netaddr_list_contains(const netaddr_list *l, const unsigned char addr[16])
{
	for (size_t i = 0; i < l->n; i++)
		if (in_cidr(&l->items[i], addr))
			return true;
	return false;
}
