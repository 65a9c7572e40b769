/* addr.c - IPv4/IPv6 address value type, parse and format (pure). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"

/* A dotted quad exactly as inet_pton reads one: four decimal parts of at
 * most 255 with no leading zero. Anything else is left to inet_pton, so
 * this only has to be right when it says yes (glibc's inet_pton was a
 * tenth of the parse of a configuration with thousands of real servers). */
static bool v4_quad(const char *s, struct in_addr *out)
{
	uint8_t b[4];

	for (int i = 0; i < 4; i++) {
		unsigned v = 0, n = 0;

		for (; *s >= '0' && *s <= '9' && n < 4; s++, n++)
			v = v * 10 + (unsigned)(*s - '0');
		if (!n || v > 255 || (n > 1 && s[-(int)n] == '0'))
			return false;
		b[i] = (uint8_t)v;
		if (*s != (i < 3 ? '.' : '\0'))
			return false;
		s += i < 3;
	}
	memcpy(out, b, sizeof(b));
	return true;
}

int addr_parse(const char *s, struct addr *out)
{
	struct addr a;

	memset(&a, 0, sizeof(a));
	if (!s || !*s)
		return -1;
	if (v4_quad(s, &a.u.v4) || inet_pton(AF_INET, s, &a.u.v4) == 1) {
		a.family = AF_INET;
	} else if (inet_pton(AF_INET6, s, &a.u.v6) == 1) {
		a.family = AF_INET6;
	} else {
		return -1;
	}
	*out = a;
	return 0;
}

int addr_parse_prefix(const char *s, struct addr *out, unsigned *plen)
{
	char buf[ADDR_STRLEN + 8];
	const char *slash;
	struct addr a;
	unsigned long len;
	unsigned max;
	char *end;
	size_t n;

	if (!s)
		return -1;
	slash = strchr(s, '/');
	n = slash ? (size_t)(slash - s) : strlen(s);
	if (n >= ADDR_STRLEN)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (addr_parse(buf, &a) < 0)
		return -1;
	max = a.family == AF_INET ? 32 : 128;
	len = max;
	if (slash) {
		/* digits only: strtoul alone would accept " 24", "+24", "-1" */
		if (slash[1] < '0' || slash[1] > '9')
			return -1;
		errno = 0;
		len = strtoul(slash + 1, &end, 10);
		if (errno || *end || len > max)
			return -1;
	}
	*out = a;
	if (plen)
		*plen = (unsigned)len;
	return 0;
}

/* dotted quad by hand: glibc's inet_ntop formats IPv4 with sprintf, and an
 * HTTP check formats its Host header on every run */
static void fmt_v4(const uint8_t *b, char *p)
{
	for (int i = 0; i < 4; i++) {
		unsigned v = b[i];

		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = i < 3 ? '.' : '\0';
	}
}

const char *addr_fmt(const struct addr *a, char *buf)
{
	if (a && a->family == AF_INET) {
		fmt_v4(a->u.bytes, buf);
		return buf;
	}
	if (!a || (a->family != AF_INET && a->family != AF_INET6) ||
	    !inet_ntop(a->family, a->u.bytes, buf, ADDR_STRLEN))
		strcpy(buf, "unset");
	return buf;
}

size_t addr_len(const struct addr *a)
{
	if (a->family == AF_INET)
		return 4;
	if (a->family == AF_INET6)
		return 16;
	return 0;
}

bool addr_eq(const struct addr *a, const struct addr *b)
{
	return addr_cmp(a, b) == 0;
}

int addr_cmp(const struct addr *a, const struct addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->u.bytes, b->u.bytes, addr_len(a));
}
