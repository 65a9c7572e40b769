/*
 * fuzz_chk_pkt.c - libFuzzer target for the checker's datagram and SMTP
 * parsers (checker/pkt.c): chk_dns_reply (with chk_dns_query and
 * chk_dns_qtype), chk_icmp_reply (with chk_icmp_echo), chk_udp_match and
 * chk_smtp_reply.
 *
 * Not part of the automake build; tests/fuzz/run.sh builds and runs it.
 *
 * Input: byte [0] picks the parser (low 2 bits) and its flags (high bits),
 * the rest depends on the parser:
 *   DNS  [1] name length L, L bytes of name, then the reply; bits 2-4 of
 *        [0] pick the query type keyword, bits 5-6 the reason buffer size
 *   ICMP [1..2] id, [3..4] seq, then the datagram; bit 2 ICMPv6, bit 3 an
 *        IPv4 header first, bit 4 any id
 *   UDP  [1] pattern length P, P bytes of pattern, then the reply
 *   SMTP [1] a prefix length, then the bytes received
 * Every variable-length part is copied to a buffer of exactly its size, so
 * ASan sees reads past it. The seeds in corpus_chk_pkt/ (written by
 * gen_corpus.py) are valid replies for each parser.
 *
 * Invariants checked (__builtin_trap() on violation):
 * - DNS: a built query decodes back to its name, type and class; the query
 *   itself with QR set is accepted, with another id ignored; a reply is
 *   accepted only with our id, QR, RCODE 0, no TC and our question; a
 *   failure carries a reason;
 * - ICMP: an accepted reply has the type, seq (and id) asked for; an echo
 *   built with the input's id/seq/payload has a valid IPv4 checksum and,
 *   turned into a reply, is accepted (also behind an IPv4 header) while
 *   another seq is not;
 * - UDP: the hex of the reply (with X wildcards and spaces) matches it and
 *   a changed nibble does not;
 * - SMTP: a complete reply ends in '\n' within the input, its code is three
 *   digits; the verdict on a prefix holds on the whole input (1 with the
 *   same code and length, -1 stays -1).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/pkt.h"

#define DNS_ID 0xd1d0

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void *dup_exact(const uint8_t *d, size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		abort();
	if (n)
		memcpy(p, d, n);
	return p;
}

/* decode the question of @q and compare with @name, @qtype, class IN */
static void check_query(const uint8_t *q, size_t qlen, const char *name,
			uint16_t qtype)
{
	char back[300];
	size_t o = 12, b = 0;

	if (qlen < 17 || get16(q) != DNS_ID || get16(q + 4) != 1 ||
	    (q[2] & 0x80))
		__builtin_trap();
	while (o < qlen && q[o]) {
		size_t l = q[o++];

		if (l > 63 || o + l > qlen || b + l + 1 >= sizeof(back))
			__builtin_trap();
		if (b)
			back[b++] = '.';
		memcpy(back + b, q + o, l);
		b += l;
		o += l;
	}
	back[b] = '\0';
	if (o + 5 != qlen || get16(q + o + 1) != qtype || get16(q + o + 3) != 1)
		__builtin_trap();
	/* "." is the root; a final dot is optional */
	b = strlen(name);
	if (b && name[b - 1] == '.')
		b--;
	if (strlen(back) != b || memcmp(back, name, b))
		__builtin_trap();
}

static void fuzz_dns(uint8_t flags, const uint8_t *d, size_t n)
{
	static const char *const types[] = { "A",  "NS",  "CNAME", "SOA",
					     "MX", "TXT", "aaaa",  NULL };
	static const size_t whylens[] = { 1, 2, 16, 128 };
	size_t whylen = whylens[(flags >> 5) & 3], nl, rlen;
	uint8_t q[300], *r, *self;
	uint16_t qtype;
	char *name, *why;
	int qlen, v;

	if (n < 1 || (size_t)d[0] + 1 > n)
		return;
	nl = d[0];
	name = malloc(nl + 1);
	if (!name)
		abort();
	memcpy(name, d + 1, nl);
	name[nl] = '\0';
	r = dup_exact(d + 1 + nl, n - 1 - nl);
	rlen = n - 1 - nl;
	why = malloc(whylen);
	if (!why)
		abort();

	qtype = chk_dns_qtype(types[(flags >> 2) & 7]);
	if (!qtype)
		__builtin_trap();
	qlen = chk_dns_query(q, sizeof(q), DNS_ID, name, qtype);
	if (qlen >= 0) {
		check_query(q, (size_t)qlen, name, qtype);
		self = dup_exact(q, (size_t)qlen);
		self[2] |= 0x80;
		why[0] = '\0';
		if (chk_dns_reply(q, (size_t)qlen, self, (size_t)qlen, why,
				  whylen) != 1)
			__builtin_trap();
		self[0] ^= 1;
		if (chk_dns_reply(q, (size_t)qlen, self, (size_t)qlen, why,
				  whylen) != 0)
			__builtin_trap();
		free(self);
	} else {
		/* judge against a fixed query for "." so replies still reach
		 * every check */
		qlen = chk_dns_query(q, sizeof(q), DNS_ID, ".", qtype);
		if (qlen != 17)
			__builtin_trap();
	}
	memset(why, 0, whylen);
	v = chk_dns_reply(q, (size_t)qlen, r, rlen, why, whylen);
	if (v == 1 &&
	    (rlen < (size_t)qlen || get16(r) != DNS_ID || !(r[2] & 0x80) ||
	     (r[2] & 0x02) || (r[3] & 0x0f) || get16(r + 4) != 1 ||
	     memcmp(r + 12, q + 12, (size_t)qlen - 12)))
		__builtin_trap();
	if (v == -1 && whylen > 1 && !why[0])
		__builtin_trap();
	if (v < -1 || v > 1 || !memchr(why, 0, whylen))
		__builtin_trap();
	free(why);
	free(r);
	free(name);
}

static uint16_t csum(const uint8_t *d, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += i & 1 ? d[i] : (uint32_t)d[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void fuzz_icmp(uint8_t flags, const uint8_t *d, size_t n)
{
	bool v6 = flags & 0x04, ip = flags & 0x08;
	uint8_t echo[20 + 8 + 64], *p;
	uint16_t id, seq;
	int want_id;
	size_t plen, len, off;

	if (n < 4)
		return;
	id = get16(d);
	seq = get16(d + 2);
	want_id = flags & 0x10 ? -1 : id;
	p = dup_exact(d + 4, n - 4);
	if (chk_icmp_reply(p, n - 4, v6, ip, want_id, seq)) {
		off = 0;
		if (ip) {
			off = (size_t)(p[0] & 0x0f) * 4;
			if (off < 20)
				__builtin_trap();
		}
		if (n - 4 < off + 8 || p[off] != (v6 ? 129 : 0) || p[off + 1] ||
		    get16(p + off + 6) != seq ||
		    (want_id >= 0 && get16(p + off + 4) != id))
			__builtin_trap();
	}
	free(p);

	/* an echo we built, answered */
	plen = (n - 4) % 65;
	memset(echo, 0, sizeof(echo));
	off = ip && !v6 ? 20 : 0;
	echo[0] = 0x45;
	len = chk_icmp_echo(echo + off, v6, id, seq, plen);
	if (len != 8 + plen || echo[off] != (v6 ? 128 : 8))
		__builtin_trap();
	if (!v6 && csum(echo + off, len) != 0xffff)
		__builtin_trap();
	echo[off] = v6 ? 129 : 0;
	p = dup_exact(echo, off + len);
	if (!chk_icmp_reply(p, off + len, v6, off, want_id, seq) ||
	    chk_icmp_reply(p, off + len, v6, off, want_id, (uint16_t)(seq + 1)))
		__builtin_trap();
	free(p);
}

static void fuzz_udp(const uint8_t *d, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *pat, *own;
	uint8_t *r;
	size_t pl, rlen, i, o;

	if (n < 1 || (size_t)d[0] + 1 > n)
		return;
	pl = d[0];
	pat = malloc(pl + 1);
	if (!pat)
		abort();
	memcpy(pat, d + 1, pl);
	pat[pl] = '\0';
	rlen = n - 1 - pl;
	r = dup_exact(d + 1 + pl, rlen);
	chk_udp_match(pat, r, rlen);
	if (!chk_udp_match(NULL, r, rlen) || !chk_udp_match("", r, rlen) ||
	    !chk_udp_match(" ", r, rlen))
		__builtin_trap();

	/* the reply's own hex, with some wildcards and spaces from the
	 * pattern bytes, must match it */
	own = malloc(3 * rlen + 1);
	if (!own)
		abort();
	for (i = 0, o = 0; i < rlen; i++) {
		uint8_t m = pl ? (uint8_t)pat[i % pl] : 0;

		own[o++] = m & 1 ? 'X' : hex[r[i] >> 4];
		own[o++] =
			m & 2 ? 'x' :
				(m & 4 ? "0123456789ABCDEF" : hex)[r[i] & 15];
		if (m & 8)
			own[o++] = ' ';
	}
	own[o] = '\0';
	if (!chk_udp_match(own, r, rlen))
		__builtin_trap();
	/* one nibble more than the reply has never matches */
	if (o < 3 * rlen) {
		own[o] = '0';
		own[o + 1] = '\0';
		if (chk_udp_match(own, r, rlen))
			__builtin_trap();
	}
	/* a changed first nibble does not match */
	if (rlen) {
		own[0] = hex[(r[0] >> 4) ^ 1];
		own[1] = '\0';
		if (chk_udp_match(own, r, rlen))
			__builtin_trap();
	}
	free(own);
	free(r);
	free(pat);
}

static void fuzz_smtp(const uint8_t *d, size_t n)
{
	size_t k, used = 0, kused = 0;
	int code = -1, kcode = -1, v, kv;
	char *full, *pre;

	if (n < 1)
		return;
	k = d[0] % n;
	full = dup_exact(d + 1, n - 1);
	pre = dup_exact(d + 1, k);
	v = chk_smtp_reply(full, n - 1, &code, &used);
	kv = chk_smtp_reply(pre, k, &kcode, &kused);
	if (v < -1 || v > 1 || kv < -1 || kv > 1)
		__builtin_trap();
	if (v == 1 && (used < 4 || used > n - 1 || full[used - 1] != '\n' ||
		       code < 0 || code > 999))
		__builtin_trap();
	if (kv == 1 && (v != 1 || kcode != code || kused != used))
		__builtin_trap();
	if (kv == -1 && v != -1)
		__builtin_trap();
	free(pre);
	free(full);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] & 3) {
	case 0:
		fuzz_dns(data[0], data + 1, size - 1);
		break;
	case 1:
		fuzz_icmp(data[0], data + 1, size - 1);
		break;
	case 2:
		fuzz_udp(data + 1, size - 1);
		break;
	default:
		fuzz_smtp(data + 1, size - 1);
		break;
	}
	return 0;
}
