/* IP addresses and CIDR lists, for deciding which proxies to believe. */
#ifndef TUSK_HTTP_NETADDR_H
#define TUSK_HTTP_NETADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "util/err.h"

typedef struct {
	unsigned char addr[16]; /* IPv4 stored as IPv4-mapped IPv6 */
	int prefix;		/* 0..128 */
} netaddr_cidr;

typedef struct {
	netaddr_cidr *items;
	size_t n;
} netaddr_list;

/* Parses "10.0.0.0/8,::1/128,192.168.1.7"; false with err on a bad entry. */
bool netaddr_list_parse(netaddr_list *l, const char *spec, tusk_err *err) __attribute__((warn_unused_result));
void netaddr_list_free(netaddr_list *l);
bool netaddr_parse(const char *text, unsigned char out[16]);
bool netaddr_from_sockaddr(const struct sockaddr *sa, unsigned char out[16]);
bool netaddr_list_contains(const netaddr_list *l, const unsigned char addr[16]);
/* Text form (IPv4 for mapped addresses) into buf of at least 46 bytes. */
void netaddr_format(const unsigned char addr[16], char *buf, size_t n);

#endif
