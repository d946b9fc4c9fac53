#include <criterion/criterion.h>

#include "http/netaddr.h"

static bool contains(const char *spec, const char *addr)
{
	netaddr_list l;
	tusk_err err;
	cr_assert(netaddr_list_parse(&l, spec, &err), "%s", err.msg);
	unsigned char a[16];
	cr_assert(netaddr_parse(addr, a), "parse %s", addr);
	bool r = netaddr_list_contains(&l, a);
	netaddr_list_free(&l);
	return r;
}

Test(netaddr, ipv4_ranges)
{
	cr_assert(contains("10.0.0.0/8", "10.1.2.3"));
	cr_assert_not(contains("10.0.0.0/8", "11.1.2.3"));
	cr_assert(contains("172.16.0.0/12", "172.31.255.255"));
	cr_assert_not(contains("172.16.0.0/12", "172.32.0.1"));
	cr_assert(contains("192.168.1.7", "192.168.1.7"));
	cr_assert_not(contains("192.168.1.7", "192.168.1.8"));
	cr_assert(contains("0.0.0.0/0", "8.8.8.8"));
}

Test(netaddr, ipv6_ranges_and_mixed_lists)
{
	cr_assert(contains("::1/128", "::1"));
	cr_assert(contains("fc00::/7", "fd12:3456::1"));
	cr_assert_not(contains("fc00::/7", "fe80::1"));
	cr_assert(contains("127.0.0.0/8, ::1", "127.0.0.1"));
	cr_assert_not(contains("127.0.0.0/8", "::1"));
}

Test(netaddr, bad_entries_are_rejected_by_name)
{
	netaddr_list l;
	tusk_err err = {0};
	cr_assert_not(netaddr_list_parse(&l, "10.0.0.0/8,bogus", &err));
	cr_assert(strstr(err.msg, "'bogus'") != NULL);
	cr_assert_not(netaddr_list_parse(&l, "10.0.0.0/33", &err));
}

Test(netaddr, format_shows_mapped_addresses_as_ipv4)
{
	unsigned char a[16];
	char buf[64];
	cr_assert(netaddr_parse("10.2.3.4", a));
	netaddr_format(a, buf, sizeof(buf));
	cr_assert_str_eq(buf, "10.2.3.4");
}
