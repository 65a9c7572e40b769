/* addr.h - IPv4/IPv6 address value type, parse and format (pure). */
#ifndef DD_ADDR_H
#define DD_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <netinet/in.h>

/* An IPv4 or IPv6 address; family 0 means "unset". */
struct addr {
	int family; /* AF_INET, AF_INET6 or 0 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t bytes[16];
	} u;
};

/* Longest text addr_fmt() writes, including the NUL. */
#define ADDR_STRLEN 46

/**
 * addr_parse - parse a literal IPv4 or IPv6 address.
 * @s: text, e.g. "192.0.2.1" or "2001:db8::1"
 * @out: filled on success
 * Returns 0 on success, -1 if @s is not an address.
 */
int addr_parse(const char *s, struct addr *out);

/**
 * addr_parse_prefix - parse "ADDR[/LEN]".
 * @s: text
 * @out: the address
 * @plen: prefix length; set to 32 or 128 when absent
 * Returns 0 on success, -1 on a bad address or a length out of range.
 */
int addr_parse_prefix(const char *s, struct addr *out, unsigned *plen);

/**
 * addr_fmt - format an address into @buf (at least ADDR_STRLEN bytes).
 * Returns @buf; "unset" for family 0.
 */
const char *addr_fmt(const struct addr *a, char *buf);

/**
 * addr_eq - compare two addresses (family and bytes).
 * Returns true when equal.
 */
bool addr_eq(const struct addr *a, const struct addr *b);

/**
 * addr_cmp - order two addresses: family first, then bytes (network order).
 * Returns <0, 0, >0 like memcmp.
 */
int addr_cmp(const struct addr *a, const struct addr *b);

/**
 * addr_len - number of address bytes for the family (4, 16, or 0).
 */
size_t addr_len(const struct addr *a);

#endif
