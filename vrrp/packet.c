/*
 * packet.c - build and parse VRRP adverts (pure).
 *
 * Wire format: RFC 3768 §5.1 (v2), RFC 5798 §5.2 / RFC 9568 §5.2 (v3).
 * Receive checks: RFC 5798 §7.1, RFC 3768 §7.1, in the order of
 * enum vrrp_pkt_reason.
 */
#include <string.h>
#include <sys/socket.h>

#include "packet.h"

/* Offsets in the fixed VRRP header. */
#define OFF_VERS_TYPE 0
#define OFF_VRID 1
#define OFF_PRIO 2
#define OFF_COUNT 3
#define OFF_AUTH_TYPE 4 /* v2 */
#define OFF_ADVER_V2 5 /* v2: 8 bits, seconds */
#define OFF_ADVER_V3 4 /* v3: rsvd(4) + 12 bits, centiseconds */
#define OFF_CSUM 6

/* Offsets in the IPv4 header. */
#define IP4_OFF_VIHL 0
#define IP4_OFF_TOS 1
#define IP4_OFF_LEN 2
#define IP4_OFF_ID 4
#define IP4_OFF_FRAG 6
#define IP4_OFF_TTL 8
#define IP4_OFF_PROTO 9
#define IP4_OFF_CSUM 10
#define IP4_OFF_SRC 12
#define IP4_OFF_DST 16

static const struct {
	const char *name;
	const char *text;
} reasons[VRRP_PKT_REASON_MAX] = {
	[VRRP_PKT_OK] = { "ok", "accepted" },
	[VRRP_PKT_TRUNCATED] = { "truncated",
				 "truncated or IP length mismatch" },
	[VRRP_PKT_BAD_IPHDR] = { "ip_header", "bad IPv4 header" },
	[VRRP_PKT_BAD_TTL] = { "ttl", "TTL/hop limit is not 255" },
	[VRRP_PKT_BAD_VERSION] = { "version", "wrong VRRP version" },
	[VRRP_PKT_BAD_TYPE] = { "type", "not an ADVERTISEMENT" },
	[VRRP_PKT_BAD_LENGTH] = { "length",
				  "length does not match address count" },
	[VRRP_PKT_BAD_CHECKSUM] = { "checksum", "bad checksum" },
	[VRRP_PKT_BAD_VRID] = { "vrid", "not our VRID" },
	[VRRP_PKT_OWNER] = { "owner", "we are the address owner" },
	[VRRP_PKT_BAD_INTERVAL] = { "interval",
				    "advert interval differs from ours" },
	[VRRP_PKT_BAD_AUTH_TYPE] = { "auth_type",
				     "authentication type mismatch" },
	[VRRP_PKT_BAD_AUTH] = { "auth", "authentication failure" },
	[VRRP_PKT_BAD_ADDRS] = { "addr_list",
				 "address list differs from ours" },
};

const char *vrrp_pkt_reason_name(enum vrrp_pkt_reason r)
{
	if ((unsigned)r >= VRRP_PKT_REASON_MAX)
		return "unknown";
	return reasons[r].name;
}

const char *vrrp_pkt_reason_text(enum vrrp_pkt_reason r)
{
	if ((unsigned)r >= VRRP_PKT_REASON_MAX)
		return "unknown reason";
	return reasons[r].text;
}

/* ---- checksums ------------------------------------------------------- */

/* Add big-endian 16-bit words of @buf to @sum (RFC 1071), unfolded. */
static uint32_t csum_add(const uint8_t *buf, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		sum += (uint32_t)(buf[i] << 8 | buf[i + 1]);
		if (sum & 0x80000000u)
			sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1)
		sum += (uint32_t)buf[len - 1] << 8;
	return sum;
}

uint16_t vrrp_pkt_csum(const void *buf, size_t len, uint32_t sum)
{
	sum = csum_add(buf, len, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * Partial sum of the pseudo-header for a VRRP message of @len bytes:
 * IPv4 (src, dst, zero, protocol, 16-bit length; RFC 5798 §5.2.8 as read
 * by keepalived and FRR) or IPv6 (RFC 8200 §8.1: src, dst, 32-bit length,
 * zeros, next header).
 */
static uint32_t pseudo_sum(const struct addr *src, const struct addr *dst,
			   size_t len)
{
	uint8_t tail[8];
	uint32_t sum;
	size_t alen = addr_len(src);

	sum = csum_add(src->u.bytes, alen, 0);
	sum = csum_add(dst->u.bytes, alen, sum);
	if (src->family == AF_INET) {
		tail[0] = 0;
		tail[1] = VRRP_IPPROTO;
		tail[2] = (uint8_t)(len >> 8);
		tail[3] = (uint8_t)len;
		return csum_add(tail, 4, sum);
	}
	tail[0] = (uint8_t)(len >> 24);
	tail[1] = (uint8_t)(len >> 16);
	tail[2] = (uint8_t)(len >> 8);
	tail[3] = (uint8_t)len;
	tail[4] = tail[5] = tail[6] = 0;
	tail[7] = VRRP_IPPROTO;
	return csum_add(tail, 8, sum);
}

/* ---- build ----------------------------------------------------------- */

static size_t family_addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

size_t vrrp_pkt_len(int version, int family, size_t naddr)
{
	size_t alen = family_addr_len(family);

	if (!alen || (version != 2 && version != 3) ||
	    (version == 2 && family != AF_INET))
		return 0;
	return VRRP_HDR_LEN + naddr * alen + (version == 2 ? VRRP_AUTH_LEN : 0);
}

/* Does v3 on this family sum a pseudo-header (keepalived's as-v2 knob)? */
static bool uses_pseudo(int version, int family, bool as_v2)
{
	return version == 3 && !(family == AF_INET && as_v2);
}

static bool params_ok(const struct vrrp_pkt_params *p)
{
	size_t i;

	if (!vrrp_pkt_len(p->version, p->family, 0) ||
	    p->naddr > VRRP_MAX_ADDRS || (p->naddr && !p->addrs))
		return false;
	if (p->version == 2 &&
	    (p->adver_int > 255 || (p->auth_type != VRRP_AUTH_NONE &&
				    p->auth_type != VRRP_AUTH_PASS)))
		return false;
	if (p->version == 3 && p->adver_int > VRRP_V3_MAX_INT)
		return false;
	for (i = 0; i < p->naddr; i++)
		if (p->addrs[i].family != p->family)
			return false;
	if (uses_pseudo(p->version, p->family, p->v3_checksum_as_v2) &&
	    (p->src.family != p->family || p->dst.family != p->family))
		return false;
	return true;
}

ssize_t vrrp_pkt_build(const struct vrrp_pkt_params *p, uint8_t *buf,
		       size_t size)
{
	size_t len, alen, i;
	uint8_t *a;
	uint32_t sum = 0;
	uint16_t csum;

	if (!params_ok(p))
		return -1;
	len = vrrp_pkt_len(p->version, p->family, p->naddr);
	if (size < len)
		return -1;
	alen = family_addr_len(p->family);

	memset(buf, 0, len);
	buf[OFF_VERS_TYPE] = (uint8_t)(p->version << 4 | VRRP_TYPE_ADVERT);
	buf[OFF_VRID] = p->vrid;
	buf[OFF_PRIO] = p->priority;
	buf[OFF_COUNT] = (uint8_t)p->naddr;
	if (p->version == 2) {
		buf[OFF_AUTH_TYPE] = p->auth_type;
		buf[OFF_ADVER_V2] = (uint8_t)p->adver_int;
	} else {
		buf[OFF_ADVER_V3] = (uint8_t)(p->adver_int >> 8); /* rsvd 0 */
		buf[OFF_ADVER_V3 + 1] = (uint8_t)p->adver_int;
	}
	a = buf + VRRP_HDR_LEN;
	for (i = 0; i < p->naddr; i++, a += alen)
		memcpy(a, p->addrs[i].u.bytes, alen);
	if (p->version == 2 && p->auth_type == VRRP_AUTH_PASS)
		memcpy(a, p->auth_pass, VRRP_AUTH_LEN);

	if (uses_pseudo(p->version, p->family, p->v3_checksum_as_v2))
		sum = pseudo_sum(&p->src, &p->dst, len);
	csum = vrrp_pkt_csum(buf, len, sum);
	buf[OFF_CSUM] = (uint8_t)(csum >> 8);
	buf[OFF_CSUM + 1] = (uint8_t)csum;
	return (ssize_t)len;
}

ssize_t vrrp_pkt_build_ip4(const struct vrrp_pkt_params *p, uint16_t ip_id,
			   uint8_t *buf, size_t size)
{
	ssize_t vlen;
	size_t tot;
	uint16_t csum;

	if (p->family != AF_INET || p->src.family != AF_INET ||
	    p->dst.family != AF_INET || size < VRRP_IP4_HDR_LEN)
		return -1;
	vlen = vrrp_pkt_build(p, buf + VRRP_IP4_HDR_LEN,
			      size - VRRP_IP4_HDR_LEN);
	if (vlen < 0)
		return -1;
	tot = VRRP_IP4_HDR_LEN + (size_t)vlen;

	memset(buf, 0, VRRP_IP4_HDR_LEN);
	buf[IP4_OFF_VIHL] = 0x45;
	buf[IP4_OFF_TOS] = VRRP_TOS;
	buf[IP4_OFF_LEN] = (uint8_t)(tot >> 8);
	buf[IP4_OFF_LEN + 1] = (uint8_t)tot;
	buf[IP4_OFF_ID] = (uint8_t)(ip_id >> 8);
	buf[IP4_OFF_ID + 1] = (uint8_t)ip_id;
	buf[IP4_OFF_TTL] = p->ttl ? p->ttl : VRRP_TTL;
	buf[IP4_OFF_PROTO] = VRRP_IPPROTO;
	memcpy(buf + IP4_OFF_SRC, &p->src.u.v4, 4);
	memcpy(buf + IP4_OFF_DST, &p->dst.u.v4, 4);
	csum = vrrp_pkt_csum(buf, VRRP_IP4_HDR_LEN, 0);
	buf[IP4_OFF_CSUM] = (uint8_t)(csum >> 8);
	buf[IP4_OFF_CSUM + 1] = (uint8_t)csum;
	return (ssize_t)tot;
}

/* ---- parse ----------------------------------------------------------- */

/* Is the @alen-byte address @a among the @n raw addresses at @raw? */
static bool addr_in_raw(const uint8_t *a, size_t alen, const uint8_t *raw,
			size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, raw += alen)
		if (!memcmp(a, raw, alen))
			return true;
	return false;
}

/* RFC 5798 §7.1 MAY-check (as keepalived): same count, each of ours sent. */
static bool addrs_match(const struct vrrp_pkt_info *in,
			const struct vrrp_pkt_expect *exp)
{
	size_t alen = family_addr_len(in->family), i;

	if (in->naddr != exp->naddr)
		return false;
	for (i = 0; i < exp->naddr; i++)
		if (exp->addrs[i].family != in->family ||
		    !addr_in_raw(exp->addrs[i].u.bytes, alen, in->addrs,
				 in->naddr))
			return false;
	return true;
}

/* Checksum check; sets out->checksum_other_form on a v3 IPv4 mismatch. */
static bool checksum_ok(const uint8_t *v, size_t len,
			const struct vrrp_pkt_expect *exp,
			struct vrrp_pkt_info *out)
{
	const struct addr *dst = exp->pseudo_dst ? exp->pseudo_dst : &out->dst;
	bool pseudo =
		uses_pseudo(out->version, out->family, exp->v3_checksum_as_v2);
	uint32_t psum = 0;

	if (out->version == 3 &&
	    (out->src.family != out->family || dst->family != out->family))
		return false;
	if (out->version == 3)
		psum = pseudo_sum(&out->src, dst, len);
	if (vrrp_pkt_csum(v, len, pseudo ? psum : 0) == 0)
		return true;
	/* Tell the caller when the peer uses the other v3 IPv4 form: the
	 * known interop trap (keepalived v3_checksum_as_v2, RFC 9568). */
	if (out->version == 3 && out->family == AF_INET)
		out->checksum_other_form =
			vrrp_pkt_csum(v, len, pseudo ? 0 : psum) == 0;
	return false;
}

/* The checks shared by IPv4 and IPv6 after the IP layer and TTL. */
static enum vrrp_pkt_reason parse_vrrp(const uint8_t *v, size_t len,
				       const struct vrrp_pkt_expect *exp,
				       struct vrrp_pkt_info *out)
{
	size_t want;

	out->version = v[OFF_VERS_TYPE] >> 4;
	out->type = v[OFF_VERS_TYPE] & 0x0f;
	out->vrid = v[OFF_VRID];
	out->priority = v[OFF_PRIO];
	out->naddr = v[OFF_COUNT];
	out->checksum = (uint16_t)(v[OFF_CSUM] << 8 | v[OFF_CSUM + 1]);
	if (out->version == 2) {
		out->auth_type = v[OFF_AUTH_TYPE];
		out->adver_int = v[OFF_ADVER_V2];
	} else {
		out->adver_int = (uint16_t)((v[OFF_ADVER_V3] & 0x0f) << 8 |
					    v[OFF_ADVER_V3 + 1]);
	}

	if (out->version != exp->version ||
	    !vrrp_pkt_len(out->version, out->family, 0))
		return VRRP_PKT_BAD_VERSION;
	if (out->type != VRRP_TYPE_ADVERT)
		return VRRP_PKT_BAD_TYPE;
	/* exact, as keepalived and FRR: a longer message is not ours */
	want = vrrp_pkt_len(out->version, out->family, out->naddr);
	if (len != want)
		return VRRP_PKT_BAD_LENGTH;
	out->addrs = v + VRRP_HDR_LEN;
	if (out->version == 2)
		memcpy(out->auth_data, v + len - VRRP_AUTH_LEN, VRRP_AUTH_LEN);
	if (!checksum_ok(v, len, exp, out))
		return VRRP_PKT_BAD_CHECKSUM;
	if (out->vrid != exp->vrid)
		return VRRP_PKT_BAD_VRID;
	if (exp->priority == 255 && !exp->owner_keeps_adverts)
		return VRRP_PKT_OWNER;
	if (out->version == 2) {
		if (out->adver_int != exp->adver_int_s)
			return VRRP_PKT_BAD_INTERVAL;
		if (out->auth_type != exp->auth_type)
			return VRRP_PKT_BAD_AUTH_TYPE;
		if (exp->auth_type == VRRP_AUTH_PASS &&
		    memcmp(out->auth_data, exp->auth_pass, VRRP_AUTH_LEN))
			return VRRP_PKT_BAD_AUTH;
	}
	if (!exp->skip_check_adv_addr && !addrs_match(out, exp)) {
		/* RFC 5798 §7.1: drop unless the sender is the owner */
		if (out->priority != 255)
			return VRRP_PKT_BAD_ADDRS;
		out->addr_mismatch = true;
	}
	return VRRP_PKT_OK;
}

static bool ttl_ok(int ttl, const struct vrrp_pkt_expect *exp)
{
	return exp->unicast || ttl == VRRP_TTL;
}

enum vrrp_pkt_reason vrrp_pkt_parse4(const uint8_t *buf, size_t len,
				     const struct vrrp_pkt_expect *exp,
				     struct vrrp_pkt_info *out)
{
	size_t ihl;

	memset(out, 0, sizeof(*out));
	out->family = AF_INET;
	if (len < VRRP_IP4_HDR_LEN)
		return VRRP_PKT_TRUNCATED;
	ihl = (size_t)(buf[IP4_OFF_VIHL] & 0x0f) * 4;
	if (buf[IP4_OFF_VIHL] >> 4 != 4 || ihl < VRRP_IP4_HDR_LEN)
		return VRRP_PKT_BAD_IPHDR;
	out->src.family = out->dst.family = AF_INET;
	memcpy(&out->src.u.v4, buf + IP4_OFF_SRC, 4);
	memcpy(&out->dst.u.v4, buf + IP4_OFF_DST, 4);
	out->ttl = buf[IP4_OFF_TTL];
	if (len < ihl + VRRP_HDR_LEN ||
	    (size_t)(buf[IP4_OFF_LEN] << 8 | buf[IP4_OFF_LEN + 1]) != len)
		return VRRP_PKT_TRUNCATED;
	if (buf[IP4_OFF_PROTO] != VRRP_IPPROTO)
		return VRRP_PKT_BAD_IPHDR;
	if (!ttl_ok(out->ttl, exp))
		return VRRP_PKT_BAD_TTL;
	out->len = len - ihl;
	return parse_vrrp(buf + ihl, len - ihl, exp, out);
}

enum vrrp_pkt_reason vrrp_pkt_parse6(const uint8_t *buf, size_t len,
				     const struct addr *src,
				     const struct addr *dst, int hoplimit,
				     const struct vrrp_pkt_expect *exp,
				     struct vrrp_pkt_info *out)
{
	memset(out, 0, sizeof(*out));
	out->family = AF_INET6;
	if (src)
		out->src = *src;
	if (dst)
		out->dst = *dst;
	out->ttl = hoplimit >= 0 && hoplimit <= 255 ? (uint8_t)hoplimit : 0;
	if (len < VRRP_HDR_LEN)
		return VRRP_PKT_TRUNCATED;
	if (!ttl_ok(hoplimit, exp))
		return VRRP_PKT_BAD_TTL;
	out->len = len;
	return parse_vrrp(buf, len, exp, out);
}

int vrrp_pkt_peek_vrid(const uint8_t *buf, size_t len, int family)
{
	size_t off = 0;

	if (family == AF_INET) {
		if (len < 1)
			return -1;
		off = (size_t)(buf[IP4_OFF_VIHL] & 0x0f) * 4;
	} else if (family != AF_INET6) {
		return -1;
	}
	if (len < off + OFF_VRID + 1)
		return -1;
	return buf[off + OFF_VRID];
}

int vrrp_pkt_addr_at(const struct vrrp_pkt_info *info, size_t i,
		     struct addr *out)
{
	size_t alen = family_addr_len(info->family);

	if (i >= info->naddr || !info->addrs || !alen)
		return -1;
	memset(out, 0, sizeof(*out));
	out->family = info->family;
	memcpy(out->u.bytes, info->addrs + i * alen, alen);
	return 0;
}
