/*
 * test_vrrp_packet.c - VRRP advert build/parse: keepalived's real bytes
 * (tests/unit/vectors/NAME.hex, from capture.sh) and one crafted packet per
 * drop reason.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "vrrp/packet.h"

#ifndef VRRP_VECTORS_DIR
#define VRRP_VECTORS_DIR "tests/unit/vectors"
#endif

static struct addr A(const char *s) {
	struct addr a;

	if (addr_parse(s, &a) < 0)
		fail_msg("bad address in test: %s", s);
	return a;
}

/* ---- keepalived vectors ---------------------------------------------- */

struct vec_pkt {
	struct addr src, dst;
	int hoplimit;
	uint8_t bytes[VRRP_PKT_MAX];
	size_t len;
};

#define VEC_MAX 8

/* What capture.sh configured for each keepalived instance. */
struct vec_case {
	const char *file;
	int version, family;
	uint8_t vrid, priority;
	uint16_t adver_int;
	const char *pass; /* v2 PASS or NULL */
	const char *addrs[4];
	bool unicast;
};

static const struct vec_case vec_cases[] = {
	{ "ka_v2_pass",
	  2,
	  AF_INET,
	  51,
	  150,
	  1,
	  "dd-pass1",
	  { "192.0.2.100", "192.0.2.101" },
	  false },
	{ "ka_v3_ip4_1s",
	  3,
	  AF_INET,
	  52,
	  200,
	  100,
	  NULL,
	  { "192.0.2.110" },
	  false },
	{ "ka_v3_ip4_100ms",
	  3,
	  AF_INET,
	  53,
	  100,
	  10,
	  NULL,
	  { "192.0.2.120", "192.0.2.121", "192.0.2.122" },
	  false },
	{ "ka_v3_ip6_1s",
	  3,
	  AF_INET6,
	  54,
	  254,
	  100,
	  NULL,
	  { "2001:db8::100", "2001:db8::101" },
	  false },
	{ "ka_v3_ip6_100ms",
	  3,
	  AF_INET6,
	  55,
	  100,
	  10,
	  NULL,
	  { "2001:db8::110" },
	  false },
	{ "ka_v3_ip4_unicast",
	  3,
	  AF_INET,
	  56,
	  120,
	  100,
	  NULL,
	  { "192.0.2.130" },
	  true },
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Load NAME.hex: blocks of src/dst/hoplimit/hex lines. */
static size_t load_vectors(const char *name, struct vec_pkt *out, size_t max)
{
	char path[512], line[4096], arg[4000];
	struct vec_pkt cur;
	size_t n = 0, i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.hex", VRRP_VECTORS_DIR, name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	memset(&cur, 0, sizeof(cur));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "src %3999s", arg) == 1) {
			cur.src = A(arg);
		} else if (sscanf(line, "dst %3999s", arg) == 1) {
			cur.dst = A(arg);
		} else if (sscanf(line, "hoplimit %d", &cur.hoplimit) == 1) {
			continue;
		} else if (sscanf(line, "hex %3999s", arg) == 1) {
			size_t hl = strlen(arg);

			assert_true(hl % 2 == 0 && hl / 2 <= VRRP_PKT_MAX);
			for (i = 0; i < hl / 2; i++) {
				int hi = hexval(arg[2 * i]);
				int lo = hexval(arg[2 * i + 1]);

				assert_true(hi >= 0 && lo >= 0);
				cur.bytes[i] = (uint8_t)(hi << 4 | lo);
			}
			cur.len = hl / 2;
			assert_true(n < max);
			out[n++] = cur;
			memset(&cur, 0, sizeof(cur));
		}
	}
	fclose(f);
	return n;
}

static void case_addrs(const struct vec_case *c, struct addr *a, size_t *n)
{
	for (*n = 0; *n < 4 && c->addrs[*n]; (*n)++)
		a[*n] = A(c->addrs[*n]);
}

static void fill_pass(uint8_t *dst, const char *pass)
{
	memset(dst, 0, VRRP_AUTH_LEN);
	if (pass)
		memcpy(dst, pass, strnlen(pass, VRRP_AUTH_LEN));
}

static enum vrrp_pkt_reason parse_vec(const struct vec_pkt *p, int family,
				      const struct vrrp_pkt_expect *exp,
				      struct vrrp_pkt_info *info)
{
	if (family == AF_INET)
		return vrrp_pkt_parse4(p->bytes, p->len, exp, info);
	return vrrp_pkt_parse6(p->bytes, p->len, &p->src, &p->dst, p->hoplimit,
			       exp, info);
}

/* keepalived's bytes parse with the fields it was configured with, and our
 * builder reproduces them byte for byte (checksum included). */
static void test_keepalived_vectors(void **state)
{
	struct vec_pkt pkts[VEC_MAX];
	size_t k, i, n, naddr, seen_stop;

	(void)state;
	for (k = 0; k < sizeof(vec_cases) / sizeof(vec_cases[0]); k++) {
		const struct vec_case *c = &vec_cases[k];
		struct vrrp_pkt_expect exp;
		struct addr addrs[4];

		case_addrs(c, addrs, &naddr);
		memset(&exp, 0, sizeof(exp));
		exp.version = c->version;
		exp.vrid = c->vrid;
		exp.priority = 100;
		exp.adver_int_s = (uint8_t)c->adver_int;
		exp.auth_type = c->pass ? VRRP_AUTH_PASS : VRRP_AUTH_NONE;
		fill_pass(exp.auth_pass, c->pass);
		exp.addrs = addrs;
		exp.naddr = naddr;
		exp.unicast = c->unicast;

		n = load_vectors(c->file, pkts, VEC_MAX);
		assert_true(n >= 2);
		seen_stop = 0;
		for (i = 0; i < n; i++) {
			const struct vec_pkt *p = &pkts[i];
			struct vrrp_pkt_params pp;
			struct vrrp_pkt_info info;
			uint8_t out[VRRP_PKT_MAX];
			enum vrrp_pkt_reason r;
			ssize_t len;
			size_t j;

			r = parse_vec(p, c->family, &exp, &info);
			if (r != VRRP_PKT_OK)
				fail_msg("%s #%zu: %s", c->file, i,
					 vrrp_pkt_reason_name(r));
			assert_int_equal(info.version, c->version);
			assert_int_equal(info.family, c->family);
			assert_int_equal(info.type, VRRP_TYPE_ADVERT);
			assert_int_equal(info.vrid, c->vrid);
			/* the last one is keepalived's SIGTERM advert */
			if (info.priority == 0)
				seen_stop++;
			else
				assert_int_equal(info.priority, c->priority);
			assert_int_equal(info.adver_int, c->adver_int);
			assert_int_equal(info.naddr, naddr);
			assert_int_equal(info.ttl, 255);
			assert_true(addr_eq(&info.src, &p->src));
			assert_true(addr_eq(&info.dst, &p->dst));
			assert_false(info.addr_mismatch);
			for (j = 0; j < naddr; j++) {
				struct addr a;

				assert_int_equal(vrrp_pkt_addr_at(&info, j, &a),
						 0);
				assert_true(addr_eq(&a, &addrs[j]));
			}
			if (c->pass) {
				assert_int_equal(info.auth_type,
						 VRRP_AUTH_PASS);
				assert_memory_equal(info.auth_data, c->pass,
						    VRRP_AUTH_LEN);
			}

			memset(&pp, 0, sizeof(pp));
			pp.version = c->version;
			pp.family = c->family;
			pp.vrid = c->vrid;
			pp.priority = info.priority;
			pp.adver_int = c->adver_int;
			pp.auth_type = exp.auth_type;
			fill_pass(pp.auth_pass, c->pass);
			pp.addrs = addrs;
			pp.naddr = naddr;
			pp.src = p->src;
			pp.dst = p->dst;
			if (c->family == AF_INET)
				/* keepalived leaves the IP ID to the kernel */
				len = vrrp_pkt_build_ip4(
					&pp,
					(uint16_t)(p->bytes[4] << 8 |
						   p->bytes[5]),
					out, sizeof(out));
			else
				len = vrrp_pkt_build(&pp, out, sizeof(out));
			assert_int_equal(len, p->len);
			assert_memory_equal(out, p->bytes, p->len);
		}
		assert_int_equal(seen_stop, 1);
	}
}

/* ---- crafted packets ------------------------------------------------- */

static struct addr v4_addrs[2], v6_addrs[2];

static void init_addrs(void)
{
	v4_addrs[0] = A("192.0.2.10");
	v4_addrs[1] = A("192.0.2.11");
	v6_addrs[0] = A("2001:db8::10");
	v6_addrs[1] = A("2001:db8::11");
}

/* A good v2 PASS advert (vrid 7, prio 100, 1 s) with its IPv4 header. */
static struct vrrp_pkt_params v2_params(void)
{
	struct vrrp_pkt_params p;

	init_addrs();
	memset(&p, 0, sizeof(p));
	p.version = 2;
	p.family = AF_INET;
	p.vrid = 7;
	p.priority = 100;
	p.adver_int = 1;
	p.auth_type = VRRP_AUTH_PASS;
	memcpy(p.auth_pass, "secret!!", 8);
	p.addrs = v4_addrs;
	p.naddr = 2;
	p.src = A("192.0.2.1");
	p.dst = A("224.0.0.18");
	return p;
}

static struct vrrp_pkt_expect v2_expect(void)
{
	struct vrrp_pkt_expect e;

	init_addrs();
	memset(&e, 0, sizeof(e));
	e.version = 2;
	e.vrid = 7;
	e.priority = 50;
	e.adver_int_s = 1;
	e.auth_type = VRRP_AUTH_PASS;
	memcpy(e.auth_pass, "secret!!", 8);
	e.addrs = v4_addrs;
	e.naddr = 2;
	return e;
}

static struct vrrp_pkt_params v3_params(int family)
{
	struct vrrp_pkt_params p;

	init_addrs();
	memset(&p, 0, sizeof(p));
	p.version = 3;
	p.family = family;
	p.vrid = 9;
	p.priority = 100;
	p.adver_int = 10;
	p.addrs = family == AF_INET ? v4_addrs : v6_addrs;
	p.naddr = 2;
	p.src = A(family == AF_INET ? "192.0.2.1" : "fe80::1");
	p.dst = A(family == AF_INET ? "224.0.0.18" : "ff02::12");
	return p;
}

static struct vrrp_pkt_expect v3_expect(int family)
{
	struct vrrp_pkt_expect e;

	init_addrs();
	memset(&e, 0, sizeof(e));
	e.version = 3;
	e.vrid = 9;
	e.priority = 50;
	e.addrs = family == AF_INET ? v4_addrs : v6_addrs;
	e.naddr = 2;
	return e;
}

static size_t build4(const struct vrrp_pkt_params *p, uint8_t *buf)
{
	ssize_t n = vrrp_pkt_build_ip4(p, 0, buf, VRRP_PKT_MAX);

	assert_true(n > 0);
	return (size_t)n;
}

static size_t build6(const struct vrrp_pkt_params *p, uint8_t *buf)
{
	ssize_t n = vrrp_pkt_build(p, buf, VRRP_PKT_MAX);

	assert_true(n > 0);
	return (size_t)n;
}

static enum vrrp_pkt_reason parse4(const uint8_t *b, size_t n,
				   const struct vrrp_pkt_expect *e)
{
	struct vrrp_pkt_info info;

	return vrrp_pkt_parse4(b, n, e, &info);
}

static enum vrrp_pkt_reason parse6(const uint8_t *b, size_t n, int hop,
				   const struct vrrp_pkt_expect *e)
{
	struct vrrp_pkt_info info;
	struct addr s = A("fe80::1"), d = A("ff02::12");

	return vrrp_pkt_parse6(b, n, &s, &d, hop, e, &info);
}

static void test_v2_layout(void **state)
{
	struct vrrp_pkt_params p = v2_params();
	struct vrrp_pkt_expect e = v2_expect();
	struct vrrp_pkt_info info;
	uint8_t b[VRRP_PKT_MAX];
	size_t n;

	(void)state;
	n = build4(&p, b);
	/* 20 IP + 8 header + 2 * 4 addresses + 8 auth */
	assert_int_equal(n, 44);
	assert_int_equal(vrrp_pkt_len(2, AF_INET, 2), 24);
	assert_int_equal(b[0], 0x45);
	assert_int_equal(b[1], 0xc0); /* ToS internetwork control */
	assert_int_equal(b[2] << 8 | b[3], 44);
	assert_int_equal(b[8], 255); /* TTL */
	assert_int_equal(b[9], 112); /* protocol */
	assert_int_equal(vrrp_pkt_csum(b, 20, 0), 0); /* IP header checksum */
	assert_int_equal(b[20], 0x21); /* version 2, type 1 */
	assert_int_equal(b[21], 7);
	assert_int_equal(b[22], 100);
	assert_int_equal(b[23], 2);
	assert_int_equal(b[24], VRRP_AUTH_PASS);
	assert_int_equal(b[25], 1);
	assert_memory_equal(b + 36, "secret!!", 8);
	/* v2 checksum: the VRRP message alone (RFC 3768 §5.3.8) */
	assert_int_equal(vrrp_pkt_csum(b + 20, 24, 0), 0);

	assert_int_equal(vrrp_pkt_parse4(b, n, &e, &info), VRRP_PKT_OK);
	assert_int_equal(info.len, 24);
	assert_int_equal(info.priority, 100);
	assert_int_equal(vrrp_pkt_peek_vrid(b, n, AF_INET), 7);
	/* unicast_ttl */
	p.ttl = 64;
	n = build4(&p, b);
	assert_int_equal(b[8], 64);
	assert_int_equal(vrrp_pkt_csum(b, 20, 0), 0);
	assert_int_equal(vrrp_pkt_parse4(b, n, &e, &info), VRRP_PKT_BAD_TTL);
}

static void test_v3_layout(void **state)
{
	struct vrrp_pkt_params p = v3_params(AF_INET6);
	struct vrrp_pkt_expect e = v3_expect(AF_INET6);
	uint8_t b[VRRP_PKT_MAX];
	size_t n;

	(void)state;
	p.adver_int = 4095; /* 12 bits, reserved nibble stays 0 */
	n = build6(&p, b);
	assert_int_equal(n, 8 + 2 * 16);
	assert_int_equal(b[0], 0x31);
	assert_int_equal(b[4], 0x0f);
	assert_int_equal(b[5], 0xff);
	assert_int_equal(parse6(b, n, 255, &e), VRRP_PKT_OK);
	assert_int_equal(vrrp_pkt_peek_vrid(b, n, AF_INET6), 9);
	assert_int_equal(vrrp_pkt_peek_vrid(b, 1, AF_INET6), -1);

	p = v3_params(AF_INET);
	e = v3_expect(AF_INET);
	n = build4(&p, b);
	assert_int_equal(n, 20 + 8 + 2 * 4);
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_OK);
}

/* Partial sum of the RFC 8200 §8.1 pseudo-header, written independently of
 * packet.c: src, dst, 32-bit length, 3 zero bytes, next header 112. */
static uint32_t ref_pseudo6(const struct addr *s, const struct addr *d,
			    size_t len)
{
	uint8_t ph[40];
	uint32_t sum = 0;
	size_t i;

	memcpy(ph, s->u.bytes, 16);
	memcpy(ph + 16, d->u.bytes, 16);
	memset(ph + 32, 0, 8);
	ph[34] = (uint8_t)(len >> 8);
	ph[35] = (uint8_t)len;
	ph[39] = 112;
	for (i = 0; i < 40; i += 2)
		sum += (uint32_t)(ph[i] << 8 | ph[i + 1]);
	return sum;
}

/* Reserved bits of Max Adver Int are ignored on receive (RFC 5798 §5.2.6);
 * the checksum is the RFC 8200 one. */
static void test_v3_reserved_bits(void **state)
{
	struct vrrp_pkt_params p = v3_params(AF_INET6);
	struct vrrp_pkt_expect e = v3_expect(AF_INET6);
	struct vrrp_pkt_info info;
	uint8_t b[VRRP_PKT_MAX];
	uint16_t c;
	size_t n;

	(void)state;
	n = build6(&p, b);
	assert_int_equal(vrrp_pkt_csum(b, n, ref_pseudo6(&p.src, &p.dst, n)),
			 0);
	b[4] |= 0xf0;
	b[6] = b[7] = 0;
	c = vrrp_pkt_csum(b, n, ref_pseudo6(&p.src, &p.dst, n));
	b[6] = (uint8_t)(c >> 8);
	b[7] = (uint8_t)c;
	assert_int_equal(vrrp_pkt_parse6(b, n, &p.src, &p.dst, 255, &e, &info),
			 VRRP_PKT_OK);
	assert_int_equal(info.adver_int, 10);
}

static void test_build_errors(void **state)
{
	struct vrrp_pkt_params p;
	uint8_t b[VRRP_PKT_MAX];
	struct addr many[256];
	size_t i;

	(void)state;
	p = v2_params();
	p.family = AF_INET6; /* v2 is IPv4 only */
	p.addrs = v6_addrs;
	assert_int_equal(vrrp_pkt_build(&p, b, sizeof(b)), -1);

	p = v2_params();
	p.adver_int = 256;
	assert_int_equal(vrrp_pkt_build(&p, b, sizeof(b)), -1);

	p = v2_params();
	p.auth_type = VRRP_AUTH_AH;
	assert_int_equal(vrrp_pkt_build(&p, b, sizeof(b)), -1);

	p = v3_params(AF_INET);
	p.adver_int = 4096;
	assert_int_equal(vrrp_pkt_build(&p, b, sizeof(b)), -1);

	p = v3_params(AF_INET);
	p.addrs = v6_addrs; /* family mismatch */
	assert_int_equal(vrrp_pkt_build(&p, b, sizeof(b)), -1);

	p = v3_params(AF_INET6);
	p.src.family = 0; /* no pseudo-header source */
	assert_int_equal(vrrp_pkt_build(&p, b, sizeof(b)), -1);

	p = v3_params(AF_INET);
	for (i = 0; i < 256; i++) {
		many[i] = A("192.0.2.50");
	}
	p.addrs = many;
	p.naddr = 256;
	assert_int_equal(vrrp_pkt_build(&p, b, sizeof(b)), -1);
	p.naddr = 255;
	assert_int_equal(vrrp_pkt_build(&p, b, sizeof(b)), 8 + 255 * 4);

	p = v3_params(AF_INET);
	assert_int_equal(vrrp_pkt_build(&p, b, 15), -1); /* too small */
	assert_int_equal(vrrp_pkt_build_ip4(&p, 0, b, 35), -1);
	p = v3_params(AF_INET6);
	assert_int_equal(vrrp_pkt_build_ip4(&p, 0, b, sizeof(b)), -1);

	p = v3_params(AF_INET);
	p.version = 4;
	assert_int_equal(vrrp_pkt_build(&p, b, sizeof(b)), -1);
	assert_int_equal(vrrp_pkt_len(4, AF_INET, 1), 0);
	assert_int_equal(vrrp_pkt_len(2, AF_INET6, 1), 0);
}

/* ---- one crafted packet per drop reason ------------------------------- */

static void test_drop_truncated(void **state)
{
	struct vrrp_pkt_params p = v2_params();
	struct vrrp_pkt_expect e = v2_expect();
	uint8_t b[VRRP_PKT_MAX];
	size_t n;

	(void)state;
	n = build4(&p, b);
	assert_int_equal(parse4(b, 19, &e), VRRP_PKT_TRUNCATED);
	assert_int_equal(parse4(b, 27, &e), VRRP_PKT_TRUNCATED);
	/* IP total length says more than we read */
	assert_int_equal(parse4(b, n - 1, &e), VRRP_PKT_TRUNCATED);
	/* IHL pointing past the data */
	b[0] = 0x4f;
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_TRUNCATED);

	p = v3_params(AF_INET6);
	e = v3_expect(AF_INET6);
	n = build6(&p, b);
	assert_int_equal(parse6(b, 7, 255, &e), VRRP_PKT_TRUNCATED);
	assert_int_equal(parse6(b, 0, 255, &e), VRRP_PKT_TRUNCATED);
}

static void test_drop_ip_header(void **state)
{
	struct vrrp_pkt_params p = v2_params();
	struct vrrp_pkt_expect e = v2_expect();
	uint8_t b[VRRP_PKT_MAX];
	size_t n;

	(void)state;
	n = build4(&p, b);
	b[9] = 6; /* not VRRP */
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_IPHDR);
	n = build4(&p, b);
	b[0] = 0x65; /* IP version 6 */
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_IPHDR);
	b[0] = 0x44; /* IHL 4 */
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_IPHDR);
}

static void test_drop_ttl(void **state)
{
	struct vrrp_pkt_params p = v2_params();
	struct vrrp_pkt_expect e = v2_expect();
	struct vrrp_pkt_info info;
	uint8_t b[VRRP_PKT_MAX];
	size_t n;

	(void)state;
	n = build4(&p, b);
	b[8] = 254;
	assert_int_equal(vrrp_pkt_parse4(b, n, &e, &info), VRRP_PKT_BAD_TTL);
	/* the sender is known even for a dropped packet, for the log */
	assert_true(addr_eq(&info.src, &p.src));
	assert_int_equal(info.ttl, 254);
	/* unicast: the TTL is the IO layer's business (min/max_ttl) */
	e.unicast = true;
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_OK);

	p = v3_params(AF_INET6);
	e = v3_expect(AF_INET6);
	n = build6(&p, b);
	assert_int_equal(parse6(b, n, 254, &e), VRRP_PKT_BAD_TTL);
	assert_int_equal(parse6(b, n, -1, &e), VRRP_PKT_BAD_TTL); /* no cmsg */
	e.unicast = true;
	assert_int_equal(parse6(b, n, 64, &e), VRRP_PKT_OK);
}

static void test_drop_version(void **state)
{
	struct vrrp_pkt_params p = v2_params();
	struct vrrp_pkt_expect e = v3_expect(AF_INET);
	uint8_t b[VRRP_PKT_MAX];
	size_t n;

	(void)state;
	/* a v2 advert to a v3 instance */
	n = build4(&p, b);
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_VERSION);
	/* version 4 does not exist */
	e = v2_expect();
	b[20] = 0x41;
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_VERSION);
	/* v2 over IPv6 does not exist either */
	p = v3_params(AF_INET6);
	n = build6(&p, b);
	b[0] = 0x21;
	e.version = 2;
	assert_int_equal(parse6(b, n, 255, &e), VRRP_PKT_BAD_VERSION);
}

static void test_drop_type(void **state)
{
	struct vrrp_pkt_params p = v3_params(AF_INET);
	struct vrrp_pkt_expect e = v3_expect(AF_INET);
	uint8_t b[VRRP_PKT_MAX];
	size_t n;

	(void)state;
	n = build4(&p, b);
	b[20] = 0x32;
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_TYPE);
}

static void test_drop_length(void **state)
{
	struct vrrp_pkt_params p = v2_params();
	struct vrrp_pkt_expect e = v2_expect();
	uint8_t b[VRRP_PKT_MAX];
	size_t n;

	(void)state;
	/* more addresses than the length holds */
	n = build4(&p, b);
	b[23] = 3;
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_LENGTH);
	b[23] = 255;
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_LENGTH);
	/* v2 without its 8 auth bytes: IP length consistent, VRRP short */
	n = build4(&p, b) - 8;
	b[2] = (uint8_t)(n >> 8);
	b[3] = (uint8_t)n;
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_LENGTH);

	/* v3 IPv6: a count of 3 with two addresses, and trailing junk */
	p = v3_params(AF_INET6);
	e = v3_expect(AF_INET6);
	n = build6(&p, b);
	b[3] = 3;
	assert_int_equal(parse6(b, n, 255, &e), VRRP_PKT_BAD_LENGTH);
	n = build6(&p, b);
	b[n] = 0;
	assert_int_equal(parse6(b, n + 1, 255, &e), VRRP_PKT_BAD_LENGTH);
}

static void test_drop_checksum(void **state)
{
	struct vrrp_pkt_params p = v2_params();
	struct vrrp_pkt_expect e = v2_expect();
	uint8_t b[VRRP_PKT_MAX];
	size_t n;

	(void)state;
	n = build4(&p, b);
	b[27] ^= 0x01;
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_CHECKSUM);
	/* a flipped bit in the auth data is also covered (v2) */
	n = build4(&p, b);
	b[43] ^= 0x80;
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_CHECKSUM);

	p = v3_params(AF_INET6);
	e = v3_expect(AF_INET6);
	n = build6(&p, b);
	b[6] ^= 0xff;
	assert_int_equal(parse6(b, n, 255, &e), VRRP_PKT_BAD_CHECKSUM);
	/* v3 over IPv6: the pseudo-header binds the source address */
	n = build6(&p, b);
	{
		struct vrrp_pkt_info info;
		struct addr s = A("fe80::2"), d = A("ff02::12");

		assert_int_equal(vrrp_pkt_parse6(b, n, &s, &d, 255, &e, &info),
				 VRRP_PKT_BAD_CHECKSUM);
	}
}

/* One's complement has two zeros (RFC 1071): an advert whose sum comes to
 * 0x0000 is sent by us with 0x0000 in the checksum field, and one carrying
 * 0xffff there is just as valid (keepalived and the kernel take both). */
static void test_checksum_both_zeros(void **state)
{
	struct vrrp_pkt_params p = v3_params(AF_INET6);
	struct vrrp_pkt_expect e = v3_expect(AF_INET6);
	uint8_t b[VRRP_PKT_MAX];
	size_t n = 0;
	unsigned prio, adv;

	(void)state;
	/* priority and interval together reach every 16-bit sum */
	for (prio = 0; prio < 256 && !n; prio++)
		for (adv = 1; adv <= VRRP_V3_MAX_INT && !n; adv++) {
			p.priority = (uint8_t)prio;
			p.adver_int = (uint16_t)adv;
			n = build6(&p, b);
			if (b[6] || b[7])
				n = 0;
		}
	assert_true(n > 0);
	assert_int_equal(parse6(b, n, 255, &e), VRRP_PKT_OK);
	b[6] = b[7] = 0xff;
	assert_int_equal(parse6(b, n, 255, &e), VRRP_PKT_OK);
}

/* keepalived's v3_checksum_as_v2: IPv4 v3 without the pseudo-header. */
static void test_checksum_as_v2(void **state)
{
	struct vrrp_pkt_params p = v3_params(AF_INET);
	struct vrrp_pkt_expect e = v3_expect(AF_INET);
	struct vrrp_pkt_info info;
	uint8_t b[VRRP_PKT_MAX];
	size_t n;

	(void)state;
	p.v3_checksum_as_v2 = true;
	n = build4(&p, b);
	assert_int_equal(vrrp_pkt_csum(b + 20, n - 20, 0), 0);
	/* a peer with the knob, we without: dropped, and we say why */
	assert_int_equal(vrrp_pkt_parse4(b, n, &e, &info),
			 VRRP_PKT_BAD_CHECKSUM);
	assert_true(info.checksum_other_form);
	e.v3_checksum_as_v2 = true;
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_OK);

	/* and the other way round */
	p.v3_checksum_as_v2 = false;
	n = build4(&p, b);
	assert_int_equal(vrrp_pkt_parse4(b, n, &e, &info),
			 VRRP_PKT_BAD_CHECKSUM);
	assert_true(info.checksum_other_form);
	/* a plain corruption is not the other form */
	e.v3_checksum_as_v2 = false;
	b[27] ^= 0x10;
	assert_int_equal(vrrp_pkt_parse4(b, n, &e, &info),
			 VRRP_PKT_BAD_CHECKSUM);
	assert_false(info.checksum_other_form);

	/* the knob has no meaning over IPv6 */
	p = v3_params(AF_INET6);
	p.v3_checksum_as_v2 = true;
	n = build6(&p, b);
	e = v3_expect(AF_INET6);
	assert_int_equal(parse6(b, n, 255, &e), VRRP_PKT_OK);
}

/* Unicast: the pseudo-header carries the unicast destination; keepalived's
 * old_unicast_checksum used the group instead (pseudo_dst). */
static void test_checksum_unicast(void **state)
{
	struct vrrp_pkt_params p = v3_params(AF_INET);
	struct vrrp_pkt_expect e = v3_expect(AF_INET);
	struct addr group = A("224.0.0.18");
	uint8_t b[VRRP_PKT_MAX];
	size_t n;

	(void)state;
	p.dst = A("192.0.2.2");
	e.unicast = true;
	n = build4(&p, b);
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_OK);
	e.pseudo_dst = &group;
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_CHECKSUM);

	/* an old keepalived: checksum over the group, sent to the peer */
	p.dst = group;
	n = build4(&p, b);
	memcpy(b + 16, &(struct in_addr){ htonl(0xc0000202) }, 4);
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_OK);
	e.pseudo_dst = NULL;
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_CHECKSUM);
}

static void test_drop_vrid(void **state)
{
	struct vrrp_pkt_params p = v2_params();
	struct vrrp_pkt_expect e = v2_expect();
	uint8_t b[VRRP_PKT_MAX];
	size_t n;

	(void)state;
	p.vrid = 8;
	n = build4(&p, b);
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_VRID);
}

static void test_drop_owner(void **state)
{
	struct vrrp_pkt_params p = v3_params(AF_INET);
	struct vrrp_pkt_expect e = v3_expect(AF_INET);
	uint8_t b[VRRP_PKT_MAX];
	size_t n;

	(void)state;
	n = build4(&p, b);
	e.priority = 255; /* RFC 5798 §7.1: the owner discards */
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_OWNER);
	e.owner_keeps_adverts = true; /* keepalived's default */
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_OK);
}

static void test_drop_interval(void **state)
{
	struct vrrp_pkt_params p = v2_params();
	struct vrrp_pkt_expect e = v2_expect();
	uint8_t b[VRRP_PKT_MAX];
	size_t n;

	(void)state;
	p.adver_int = 2;
	n = build4(&p, b);
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_INTERVAL);

	/* v3 learns the interval instead (§6.4.2): not a drop */
	p = v3_params(AF_INET);
	p.adver_int = 50;
	n = build4(&p, b);
	e = v3_expect(AF_INET);
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_OK);
}

static void test_drop_auth(void **state)
{
	struct vrrp_pkt_params p = v2_params();
	struct vrrp_pkt_expect e = v2_expect();
	uint8_t b[VRRP_PKT_MAX];
	size_t n;

	(void)state;
	memcpy(p.auth_pass, "wrong!!!", 8);
	n = build4(&p, b);
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_AUTH);

	/* no authentication at the sender, PASS here */
	p = v2_params();
	p.auth_type = VRRP_AUTH_NONE;
	n = build4(&p, b);
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_AUTH_TYPE);
	/* and the other way round */
	e.auth_type = VRRP_AUTH_NONE;
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_OK);
	p = v2_params();
	n = build4(&p, b);
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_AUTH_TYPE);
}

static void test_drop_addr_list(void **state)
{
	struct vrrp_pkt_params p = v3_params(AF_INET);
	struct vrrp_pkt_expect e = v3_expect(AF_INET);
	struct vrrp_pkt_info info;
	struct addr other[2];
	uint8_t b[VRRP_PKT_MAX];
	size_t n;

	(void)state;
	other[0] = v4_addrs[0];
	other[1] = A("192.0.2.99");
	p.addrs = other;
	n = build4(&p, b);
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_ADDRS);
	/* RFC 5798 §7.1: from the owner a mismatch is logged, not dropped */
	p.priority = 255;
	n = build4(&p, b);
	assert_int_equal(vrrp_pkt_parse4(b, n, &e, &info), VRRP_PKT_OK);
	assert_true(info.addr_mismatch);
	/* skip_check_adv_addr */
	p.priority = 100;
	n = build4(&p, b);
	e.skip_check_adv_addr = true;
	assert_int_equal(vrrp_pkt_parse4(b, n, &e, &info), VRRP_PKT_OK);
	assert_false(info.addr_mismatch);

	/* a different count */
	e = v3_expect(AF_INET);
	p = v3_params(AF_INET);
	p.naddr = 1;
	n = build4(&p, b);
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_ADDRS);
	/* the same set in another order is the same list */
	other[0] = v4_addrs[1];
	other[1] = v4_addrs[0];
	p = v3_params(AF_INET);
	p.addrs = other;
	n = build4(&p, b);
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_OK);
}

/* The first failing check wins: the order is part of the contract. */
static void test_check_order(void **state)
{
	struct vrrp_pkt_params p = v2_params();
	struct vrrp_pkt_expect e = v2_expect();
	uint8_t b[VRRP_PKT_MAX];
	size_t n;

	(void)state;
	p.vrid = 8;
	p.adver_int = 3;
	memcpy(p.auth_pass, "xxxxxxxx", 8);
	n = build4(&p, b);
	b[27] ^= 1; /* checksum */
	b[8] = 1; /* TTL */
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_TTL);
	b[8] = 255;
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_CHECKSUM);
	b[27] ^= 1;
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_VRID);
	e.vrid = 8;
	e.priority = 255;
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_OWNER);
	e.priority = 1;
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_INTERVAL);
	e.adver_int_s = 3;
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_BAD_AUTH);
	memcpy(e.auth_pass, "xxxxxxxx", 8);
	assert_int_equal(parse4(b, n, &e), VRRP_PKT_OK);
}

static void test_reason_names(void **state)
{
	int r, q;

	(void)state;
	for (r = 0; r < VRRP_PKT_REASON_MAX; r++) {
		assert_non_null(vrrp_pkt_reason_name(r));
		assert_non_null(vrrp_pkt_reason_text(r));
		assert_string_not_equal(vrrp_pkt_reason_name(r), "unknown");
		for (q = 0; q < r; q++)
			assert_string_not_equal(vrrp_pkt_reason_name(r),
						vrrp_pkt_reason_name(q));
	}
	assert_string_equal(vrrp_pkt_reason_name(VRRP_PKT_OK), "ok");
	assert_string_equal(vrrp_pkt_reason_name(VRRP_PKT_BAD_TTL), "ttl");
	assert_string_equal(vrrp_pkt_reason_name(VRRP_PKT_REASON_MAX),
			    "unknown");
}

static void test_addr_at(void **state)
{
	struct vrrp_pkt_params p = v3_params(AF_INET6);
	struct vrrp_pkt_expect e = v3_expect(AF_INET6);
	struct vrrp_pkt_info info;
	struct addr s = A("fe80::1"), d = A("ff02::12"), a;
	uint8_t b[VRRP_PKT_MAX];
	size_t n;

	(void)state;
	n = build6(&p, b);
	assert_int_equal(vrrp_pkt_parse6(b, n, &s, &d, 255, &e, &info),
			 VRRP_PKT_OK);
	assert_int_equal(vrrp_pkt_addr_at(&info, 1, &a), 0);
	assert_true(addr_eq(&a, &v6_addrs[1]));
	assert_int_equal(vrrp_pkt_addr_at(&info, 2, &a), -1);
}

/* RFC 1071 example bytes: 0001 f203 f4f5 f6f7 -> sum ddf2, csum 220d. */
static void test_csum_rfc1071(void **state)
{
	static const uint8_t d[] = { 0x00, 0x01, 0xf2, 0x03,
				     0xf4, 0xf5, 0xf6, 0xf7 };
	static const uint8_t odd[] = { 0x01 };

	(void)state;
	assert_int_equal(vrrp_pkt_csum(d, sizeof(d), 0), 0x220d);
	assert_int_equal(vrrp_pkt_csum(odd, 1, 0), (uint16_t)~0x0100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keepalived_vectors),
		cmocka_unit_test(test_v2_layout),
		cmocka_unit_test(test_v3_layout),
		cmocka_unit_test(test_v3_reserved_bits),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_drop_truncated),
		cmocka_unit_test(test_drop_ip_header),
		cmocka_unit_test(test_drop_ttl),
		cmocka_unit_test(test_drop_version),
		cmocka_unit_test(test_drop_type),
		cmocka_unit_test(test_drop_length),
		cmocka_unit_test(test_drop_checksum),
		cmocka_unit_test(test_checksum_both_zeros),
		cmocka_unit_test(test_checksum_as_v2),
		cmocka_unit_test(test_checksum_unicast),
		cmocka_unit_test(test_drop_vrid),
		cmocka_unit_test(test_drop_owner),
		cmocka_unit_test(test_drop_interval),
		cmocka_unit_test(test_drop_auth),
		cmocka_unit_test(test_drop_addr_list),
		cmocka_unit_test(test_check_order),
		cmocka_unit_test(test_reason_names),
		cmocka_unit_test(test_addr_at),
		cmocka_unit_test(test_csum_rfc1071),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
