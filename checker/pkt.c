/* pkt.c - pure packet helpers for DNS, ICMP, UDP_CHECK and SMTP. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dns_name.h"
#include "checker/pkt.h"

uint16_t chk_dns_qtype(const char *name)
{
	static const struct {
		const char *n;
		uint16_t t;
	} types[] = { { "A", 1 },   { "NS", 2 },   { "CNAME", 5 }, { "SOA", 6 },
		      { "MX", 15 }, { "TXT", 16 }, { "AAAA", 28 } };
	size_t i;

	if (!name)
		return 6;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcasecmp(name, types[i].n))
			return types[i].t;
	return 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int chk_dns_query(uint8_t *buf, size_t len, uint16_t id, const char *name,
		  uint16_t qtype)
{
	int n;

	if (len < 12 + 1 + 4)
		return -1;
	memset(buf, 0, 12);
	put16(buf, id);
	put16(buf + 2, 0x0100); /* RD */
	put16(buf + 4, 1); /* QDCOUNT */
	n = dns_name_encode(buf + 12, len - 12 - 4, name);
	if (n < 0)
		return -1;
	put16(buf + 12 + n, qtype);
	put16(buf + 12 + n + 2, 1); /* IN */
	return 12 + n + 4;
}

int chk_dns_reply(const uint8_t *q, size_t qlen, const uint8_t *r, size_t rlen,
		  char *why, size_t whylen)
{
	uint16_t flags;

	if (rlen < 12 || qlen < 12)
		return 0;
	if (get16(r) != get16(q) || !(r[2] & 0x80))
		return 0; /* not the answer to our query */
	flags = get16(r + 2);
	if (flags & 0x0200) {
		snprintf(why, whylen, "DNS reply truncated");
		return -1;
	}
	if (flags & 0x000f) {
		snprintf(why, whylen, "DNS rcode %u",
			 (unsigned)(flags & 0x000f));
		return -1;
	}
	/* the question must be echoed back (RFC 1035 section 4.1.2) */
	if (get16(r + 4) != 1 || rlen < qlen ||
	    memcmp(r + 12, q + 12, qlen - 12)) {
		snprintf(why, whylen, "DNS reply to another question");
		return -1;
	}
	return 1;
}

static uint16_t icmp_csum(const uint8_t *d, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(d[i] << 8 | d[i + 1]);
	if (n & 1)
		s += (uint32_t)(d[n - 1] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

size_t chk_icmp_echo(uint8_t *buf, bool v6, uint16_t id, uint16_t seq,
		     size_t plen)
{
	size_t i;

	buf[0] = v6 ? 128 : 8;
	buf[1] = 0;
	put16(buf + 2, 0);
	put16(buf + 4, id);
	put16(buf + 6, seq);
	for (i = 0; i < plen; i++)
		buf[8 + i] = (uint8_t)(0x20 + i % 64);
	if (!v6)
		put16(buf + 2, icmp_csum(buf, 8 + plen));
	return 8 + plen;
}

bool chk_icmp_reply(const uint8_t *d, size_t n, bool v6, bool ip_hdr, int id,
		    uint16_t seq)
{
	if (ip_hdr) {
		size_t hl;

		if (n < 20)
			return false;
		hl = (size_t)(d[0] & 0x0f) * 4;
		if (hl < 20 || n < hl)
			return false;
		d += hl;
		n -= hl;
	}
	if (n < 8 || d[0] != (v6 ? 129 : 0) || d[1] != 0)
		return false;
	if (id >= 0 && get16(d + 4) != (uint16_t)id)
		return false;
	return get16(d + 6) == seq;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool chk_udp_match(const char *pattern, const uint8_t *d, size_t n)
{
	size_t nib = 0;
	const char *s;

	if (!pattern)
		return true;
	for (s = pattern; *s; s++) {
		int v;
		uint8_t b;

		if (isspace((unsigned char)*s))
			continue;
		if (nib / 2 >= n)
			return false;
		b = d[nib / 2];
		b = nib % 2 ? b & 0x0f : b >> 4;
		if (*s != 'X' && *s != 'x') {
			v = hexval(*s);
			if (v < 0 || v != b)
				return false;
		}
		nib++;
	}
	return true;
}

int chk_smtp_reply(const char *d, size_t n, int *code, size_t *used)
{
	size_t o = 0;

	for (;;) {
		const char *nl = memchr(d + o, '\n', n - o);
		size_t l;

		if (n - o >= 4 &&
		    (!isdigit((unsigned char)d[o]) ||
		     !isdigit((unsigned char)d[o + 1]) ||
		     !isdigit((unsigned char)d[o + 2]) ||
		     (d[o + 3] != ' ' && d[o + 3] != '-' && d[o + 3] != '\r')))
			return -1;
		if (!nl)
			return 0;
		l = (size_t)(nl - (d + o)) + 1;
		if (l < 4)
			return -1;
		*code = (d[o] - '0') * 100 + (d[o + 1] - '0') * 10 +
			(d[o + 2] - '0');
		if (d[o + 3] != '-') {
			*used = o + l;
			return 1;
		}
		o += l;
	}
}
