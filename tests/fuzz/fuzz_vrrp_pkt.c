/*
 * fuzz_vrrp_pkt.c - libFuzzer target for the VRRP advert parser.
 *
 * Not part of the automake build; tests/fuzz/run.sh (the "fuzz" layer of
 * tests/run) builds and runs it. By hand, from the source tree:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Ilib \
 *     tests/fuzz/fuzz_vrrp_pkt.c vrrp/packet.c lib/addr.c \
 *     -o /tmp/fuzz_vrrp_pkt
 *   mkdir -p /tmp/fuzz_vrrp_corpus
 *   /tmp/fuzz_vrrp_pkt -runs=100000 /tmp/fuzz_vrrp_corpus tests/fuzz/corpus_vrrp
 * (libFuzzer writes new inputs into the FIRST directory: keep the seeds
 * second so the tree stays clean.)
 *
 * Input: one byte of flags, then for IPv6 the source (16), destination (16)
 * and hop limit (1), then the bytes a raw socket delivers (IPv4: with the IP
 * header). The seeds in corpus_vrrp/ are keepalived's real adverts in this
 * format (tests/unit/vectors/pcap2hex.py writes them).
 *
 * The expected configuration mirrors the packet (version, VRID, interval,
 * password, address list) so mutations reach every check, not only the
 * first ones. Besides memory safety the target checks invariants: the
 * reason is in range, and an accepted advert is rebuilt byte for byte by
 * vrrp_pkt_build().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vrrp/packet.h"

#define F_IPV6 0x01
#define F_UNICAST 0x02
#define F_AS_V2 0x04
#define F_SKIP_ADDRS 0x08 /* skip_check_adv_addr */
#define F_FIXED_ADDRS 0x10 /* compare with a fixed list, not the packet's */
#define F_OWNER 0x20 /* local priority 255 */
#define F_OWNER_KEEPS 0x40 /* owner_keeps_adverts */
#define F_PSEUDO_GROUP 0x80 /* pseudo_dst = the multicast group */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum vrrp_pkt_reason parse(const uint8_t *pkt, size_t len, int fam,
				  const struct addr *src,
				  const struct addr *dst, int hop,
				  const struct vrrp_pkt_expect *e,
				  struct vrrp_pkt_info *info)
{
	if (fam == AF_INET)
		return vrrp_pkt_parse4(pkt, len, e, info);
	return vrrp_pkt_parse6(pkt, len, src, dst, hop, e, info);
}

/* An accepted advert must come out of the builder unchanged. */
static void check_rebuild(const struct vrrp_pkt_info *in,
			  const struct vrrp_pkt_expect *e, const uint8_t *vrrp)
{
	static const uint8_t zero[VRRP_AUTH_LEN];
	struct addr addrs[VRRP_MAX_ADDRS];
	struct vrrp_pkt_params p;
	uint8_t out[VRRP_PKT_MAX];
	ssize_t n;
	size_t i;

	/* fields the builder cannot express: reserved bits, AH, auth data
	 * with auth type NONE */
	if (in->version == 3 && (vrrp[4] & 0xf0))
		return;
	if (in->version == 2 && (in->auth_type > VRRP_AUTH_PASS ||
				 (in->auth_type == VRRP_AUTH_NONE &&
				  memcmp(in->auth_data, zero, VRRP_AUTH_LEN))))
		return;
	memset(&p, 0, sizeof(p));
	p.version = in->version;
	p.family = in->family;
	p.vrid = in->vrid;
	p.priority = in->priority;
	p.adver_int = in->adver_int;
	p.auth_type = in->auth_type;
	memcpy(p.auth_pass, in->auth_data, VRRP_AUTH_LEN);
	for (i = 0; i < in->naddr; i++)
		if (vrrp_pkt_addr_at(in, i, &addrs[i]) < 0)
			abort();
	p.addrs = addrs;
	p.naddr = in->naddr;
	p.src = in->src;
	p.dst = e->pseudo_dst ? *e->pseudo_dst : in->dst;
	p.v3_checksum_as_v2 = e->v3_checksum_as_v2;
	n = vrrp_pkt_build(&p, out, sizeof(out));
	if (n < 0 || (size_t)n != in->len)
		abort();
	/* one's complement has two zeros (RFC 1071): where we write 0x0000
	 * the peer may have written 0xffff, and both check */
	if (!out[6] && !out[7] && vrrp[6] == 0xff && vrrp[7] == 0xff)
		out[6] = out[7] = 0xff;
	if (memcmp(out, vrrp, in->len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct addr fixed = { .family = AF_INET6 };
	struct addr src, dst, group, addrs[VRRP_MAX_ADDRS];
	struct vrrp_pkt_expect e;
	struct vrrp_pkt_info info;
	enum vrrp_pkt_reason r;
	const uint8_t *pkt;
	uint8_t flags;
	size_t len, i;
	int fam, hop = -1, vrid;

	if (size < 1)
		return 0;
	flags = data[0];
	pkt = data + 1;
	len = size - 1;
	fam = flags & F_IPV6 ? AF_INET6 : AF_INET;
	memset(&src, 0, sizeof(src));
	memset(&dst, 0, sizeof(dst));
	memset(&group, 0, sizeof(group));
	if (fam == AF_INET6) {
		if (len < 33)
			return 0;
		src.family = dst.family = group.family = AF_INET6;
		memcpy(src.u.bytes, pkt, 16);
		memcpy(dst.u.bytes, pkt + 16, 16);
		hop = pkt[32];
		pkt += 33;
		len -= 33;
		group.u.bytes[0] = 0xff;
		group.u.bytes[1] = 0x02;
		group.u.bytes[15] = 0x12;
	} else {
		group.family = AF_INET;
		group.u.bytes[0] = 224;
		group.u.bytes[3] = 18;
	}

	/* first pass, lenient, to learn what the packet claims */
	memset(&e, 0, sizeof(e));
	e.version = 3;
	e.skip_check_adv_addr = true;
	e.unicast = flags & F_UNICAST;
	e.v3_checksum_as_v2 = flags & F_AS_V2;
	e.pseudo_dst = flags & F_PSEUDO_GROUP ? &group : NULL;
	vrid = vrrp_pkt_peek_vrid(pkt, len, fam);
	e.vrid = vrid < 0 ? 1 : (uint8_t)vrid;
	r = parse(pkt, len, fam, &src, &dst, hop, &e, &info);
	if ((unsigned)r >= VRRP_PKT_REASON_MAX)
		abort();
	if (r == VRRP_PKT_BAD_VERSION && info.version == 2) {
		/* again as v2, to read the auth data */
		e.version = 2;
		parse(pkt, len, fam, &src, &dst, hop, &e, &info);
	}

	/* second pass: our configuration mirrors the packet */
	e.priority = flags & F_OWNER ? 255 : 100;
	e.owner_keeps_adverts = flags & F_OWNER_KEEPS;
	e.adver_int_s = (uint8_t)info.adver_int;
	e.auth_type = info.auth_type;
	memcpy(e.auth_pass, info.auth_data, VRRP_AUTH_LEN);
	e.skip_check_adv_addr = flags & F_SKIP_ADDRS;
	if (flags & F_FIXED_ADDRS) {
		e.addrs = &fixed;
		e.naddr = 1;
	} else if (info.addrs) {
		for (i = 0; i < info.naddr; i++)
			vrrp_pkt_addr_at(&info, i, &addrs[i]);
		e.addrs = addrs;
		e.naddr = info.naddr;
	}
	r = parse(pkt, len, fam, &src, &dst, hop, &e, &info);
	if ((unsigned)r >= VRRP_PKT_REASON_MAX ||
	    !strcmp(vrrp_pkt_reason_name(r), "unknown"))
		abort();
	if (r == VRRP_PKT_OK)
		check_rebuild(&info, &e, pkt + (len - info.len));
	return 0;
}
