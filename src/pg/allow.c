/* The operator's list of servers users may reach (see allow.h). */
#include "pg/allow.h"

#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "http/netaddr.h"
#include "pg/quote.h"

enum rule_kind { RULE_CIDR, RULE_NAME, RULE_SUFFIX, RULE_ANY, RULE_SOCKET };

struct rule {
	enum rule_kind kind;
	netaddr_list cidr;    /* RULE_CIDR: one range */
	char *text;	      /* a name, ".suffix", or a socket directory */
	int port_lo, port_hi; /* 0: any port */
};

struct pgallow {
	struct rule *rules;
	size_t n;
};

static bool parse_ports(const char *s, int *lo, int *hi)
{
	char *end;
	long a = strtol(s, &end, 10), b = a;
	if (end == s)
		return false;
	if (*end == '-') {
		const char *second = end + 1;
		b = strtol(second, &end, 10);
		if (end == second)
			return false;
	}
	if (*end || a < 1 || b > 65535 || a > b)
		return false;
	*lo = (int)a;
	*hi = (int)b;
	return true;
}

/* Splits "host:ports" at its last ':' when what follows is a port or range. */
static char *split_port(const char *entry, int *lo, int *hi)
{
	const char *colon = strrchr(entry, ':');
	if (colon && parse_ports(colon + 1, lo, hi))
		return xstrndup(entry, (size_t)(colon - entry));
	*lo = *hi = 0;
	return xstrdup(entry);
}

static bool name_ok(const char *n)
{
	if (!*n)
		return false;
	for (const char *c = n; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-' ||
		      *c == '.' || *c == '_'))
			return false;
	return true;
}

static bool parse_rule(const char *entry, struct rule *r, tusk_err *err)
{
	memset(r, 0, sizeof(*r));
	char *host;
	if (entry[0] == '[') {
		/* [v6] or [v6/len], maybe :ports */
		const char *close = strchr(entry, ']');
		if (!close || (close[1] && (close[1] != ':' || !parse_ports(close + 2, &r->port_lo, &r->port_hi)))) {
			err_set(err, ERR_INVALID_SETTING, "TUSK_ALLOWED_HOSTS: '%s' is not [address]:port", entry);
			return false;
		}
		host = xstrndup(entry + 1, (size_t)(close - entry - 1));
	} else if (entry[0] != '/' && strchr(entry, ':') != strrchr(entry, ':')) {
		host = xstrdup(entry); /* a bare IPv6 address or range: no port */
	} else {
		host = split_port(entry, &r->port_lo, &r->port_hi);
	}
	bool ok = true;
	tusk_err why;
	if (host[0] == '/') {
		r->kind = RULE_SOCKET;
		size_t n = strlen(host);
		while (n > 1 && host[n - 1] == '/')
			host[--n] = '\0';
		r->text = host;
		return true;
	}
	if (strcmp(host, "*") == 0) {
		r->kind = RULE_ANY;
	} else if (strncmp(host, "*.", 2) == 0 && name_ok(host + 2)) {
		r->kind = RULE_SUFFIX;
		r->text = xstrdup(host + 1);
	} else if (netaddr_list_parse(&r->cidr, host, &why)) {
		r->kind = RULE_CIDR;
	} else if (name_ok(host) && !strchr(host, '/')) {
		r->kind = RULE_NAME;
		r->text = xstrdup(host);
	} else {
		err_set(
		    err, ERR_INVALID_SETTING,
		    "TUSK_ALLOWED_HOSTS: '%s' is not an address, a CIDR range, a host name, *.suffix, * or a socket "
		    "directory",
		    entry);
		ok = false;
	}
	free(host);
	return ok;
}

pgallow *pgallow_new(const char *spec, tusk_err *err)
{
	pgallow *a = xcalloc(1, sizeof(*a));
	if (!spec || !*spec)
		return a;
	char *copy = xstrdup(spec), *save = NULL;
	for (char *tok = strtok_r(copy, ", \t\n", &save); tok; tok = strtok_r(NULL, ", \t\n", &save)) {
		a->rules = xrealloc(a->rules, (a->n + 1) * sizeof(*a->rules));
		if (!parse_rule(tok, &a->rules[a->n], err)) {
			free(copy);
			pgallow_free(a);
			return NULL;
		}
		a->n++;
	}
	free(copy);
	return a;
}

void pgallow_free(pgallow *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++) {
		netaddr_list_free(&a->rules[i].cidr);
		free(a->rules[i].text);
	}
	free(a->rules);
	free(a);
}

bool pgallow_listed(const pgallow *a)
{
	return a && a->n > 0;
}

static bool port_in(const struct rule *r, int port)
{
	return r->port_lo == 0 || (port >= r->port_lo && port <= r->port_hi);
}

static bool addr_allowed(const pgallow *a, const unsigned char addr[16], int port)
{
	if (!pgallow_listed(a))
		return true;
	for (size_t i = 0; i < a->n; i++) {
		const struct rule *r = &a->rules[i];
		if (!port_in(r, port))
			continue;
		if (r->kind == RULE_ANY || (r->kind == RULE_CIDR && netaddr_list_contains(&r->cidr, addr)))
			return true;
	}
	return false;
}

static bool name_allowed(const pgallow *a, const char *name, int port)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < a->n; i++) {
		const struct rule *r = &a->rules[i];
		if (!port_in(r, port))
			continue;
		if (r->kind == RULE_ANY || (r->kind == RULE_NAME && strcasecmp(r->text, name) == 0))
			return true;
		size_t sl = r->text ? strlen(r->text) : 0;
		if (r->kind == RULE_SUFFIX && n > sl && strcasecmp(name + n - sl, r->text) == 0)
			return true;
	}
	return false;
}

static bool socket_allowed(const pgallow *a, const char *dir, int port)
{
	char *d = xstrdup(dir);
	size_t n = strlen(d);
	while (n > 1 && d[n - 1] == '/')
		d[--n] = '\0';
	bool ok = false;
	for (size_t i = 0; a && i < a->n && !ok; i++)
		ok = a->rules[i].kind == RULE_SOCKET && port_in(&a->rules[i], port) && strcmp(a->rules[i].text, d) == 0;
	free(d);
	return ok;
}

/* One host of the list: allowed or not, and the address to pin (or ""). */
static bool check_one(const pgallow *a, const char *host, const char *hostaddr, int port, str *pin, tusk_err *err)
{
	unsigned char addr[16];
	if (*hostaddr) {
		if (!netaddr_parse(hostaddr, addr)) {
			err_set(err, ERR_HOST_NOT_ALLOWED, "hostaddr '%s' is not an IP address.", hostaddr);
			return false;
		}
		if (!addr_allowed(a, addr, port)) {
			err_set(
			    err, ERR_HOST_NOT_ALLOWED,
			    "%s port %d is not among the servers this Tusk may connect to (TUSK_ALLOWED_HOSTS); ask "
			    "the operator to allow it.",
			    hostaddr, port);
			return false;
		}
		str_append_cstr(pin, hostaddr);
		return true;
	}
	if (host[0] == '/' || host[0] == '@') {
		if (socket_allowed(a, host, port))
			return true;
		err_set(err, ERR_HOST_NOT_ALLOWED,
			"Tusk connects through the Unix socket directory %s only when the operator lists it in "
			"TUSK_ALLOWED_HOSTS; give the server's host name or address instead.",
			host);
		return false;
	}
	if (!*host) {
		err_set(err, ERR_HOST_NOT_ALLOWED,
			"Give the server's host name or address: Tusk does not connect through its own host's default "
			"socket.");
		return false;
	}
	if (!pgallow_listed(a) || name_allowed(a, host, port))
		return true;
	/* a name (or address) the list does not name itself: where it leads decides, pinned */
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
	int rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0) {
		err_set(err, ERR_CONNECTION_FAILED, "could not translate host name \"%s\" to address: %s", host,
			gai_strerror(rc));
		return false;
	}
	bool ok = false;
	for (struct addrinfo *ai = res; ai && !ok; ai = ai->ai_next) {
		if (!netaddr_from_sockaddr(ai->ai_addr, addr) || !addr_allowed(a, addr, port))
			continue;
		char text[64];
		netaddr_format(addr, text, sizeof(text));
		str_append_cstr(pin, text);
		ok = true;
	}
	freeaddrinfo(res);
	if (!ok)
		err_set(err, ERR_HOST_NOT_ALLOWED,
			"%s port %d is not among the servers this Tusk may connect to (TUSK_ALLOWED_HOSTS); ask the "
			"operator to allow it.",
			host, port);
	return ok;
}

bool pgallow_check(const pgallow *a, const char *host, const char *hostaddr, const char *port, char **pinned,
		   tusk_err *err)
{
	*pinned = NULL;
	size_t nh = pg_list_count(host), na = pg_list_count(hostaddr), np = pg_list_count(port);
	size_t n = nh > na ? nh : na;
	if (n == 0)
		n = 1; /* no host at all: libpq's default socket */
	if (np > 1 && np != n) {
		err_set(err, ERR_INVALID_SERVER, "give one port, or one port per host");
		return false;
	}
	str pin = STR_INIT;
	bool any_pin = false, ok = true;
	for (size_t i = 0; i < n && ok; i++) {
		char *h = pg_list_nth(host, i), *ha = pg_list_nth(hostaddr, i), *p = pg_list_nth(port, np > 1 ? i : 0);
		int portnum = 5432;
		int lo, hi;
		if (*p && (!parse_ports(p, &lo, &hi) || lo != hi)) {
			err_set(err, ERR_INVALID_SERVER, "port '%s' is not a port number", p);
			ok = false;
		} else if (*p) {
			portnum = lo;
		}
		if (i)
			str_append_char(&pin, ',');
		size_t before = pin.len;
		ok = ok && check_one(a, h, ha, portnum, &pin, err);
		any_pin |= pin.len > before;
		free(h);
		free(ha);
		free(p);
	}
	if (ok && any_pin)
		*pinned = str_take(&pin);
	str_free(&pin);
	return ok;
}
