/*
 * packet.h - build and parse VRRP adverts (pure: no sockets, no globals,
 * no logging).
 *
 * VRRPv2 (RFC 3768, IPv4 only, interval in seconds, 8 bytes of
 * authentication data after the addresses) and VRRPv3 (RFC 5798, obsoleted
 * by RFC 9568; IPv4 and IPv6, interval in centiseconds, checksum with the
 * IP pseudo-header).
 *
 * The IPv4 send path uses IP_HDRINCL, so vrrp_pkt_build_ip4() also writes the
 * 20-byte IPv4 header. IPv4 raw sockets deliver the IP header, so
 * vrrp_pkt_parse4() parses it; IPv6 raw sockets do not, so
 * vrrp_pkt_parse6() takes the addresses and the hop limit (from the
 * IPV6_PKTINFO / IPV6_HOPLIMIT cmsgs) as inputs.
 */
#ifndef DD_VRRP_PACKET_H
#define DD_VRRP_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "addr.h"

#define VRRP_IPPROTO 112 /* IANA protocol number (RFC 5798 §5.1.1.3) */
#define VRRP_TTL 255 /* TTL / hop limit, sent and required (§5.1.1.3) */
#define VRRP_TOS 0xc0 /* IPTOS_PREC_INTERNETCONTROL, as keepalived/FRR */
#define VRRP_TYPE_ADVERT 1 /* the only VRRP message type */
#define VRRP_HDR_LEN 8 /* fixed VRRP header, v2 and v3 */
#define VRRP_AUTH_LEN 8 /* v2 authentication data after the addresses */
#define VRRP_IP4_HDR_LEN 20 /* IPv4 header we build (no options) */
#define VRRP_MAX_ADDRS 255 /* Count IPvX Addr is 8 bits */
#define VRRP_V3_MAX_INT 4095 /* Max Adver Int is 12 bits (centiseconds) */

/* v2 Auth Type (RFC 2338 §5.3.6; RFC 3768 keeps only 0) */
#define VRRP_AUTH_NONE 0
#define VRRP_AUTH_PASS 1
#define VRRP_AUTH_AH 2

/* Largest buffer vrrp_pkt_build_ip4() / vrrp_pkt_build() can need. */
#define VRRP_PKT_MAX \
	(VRRP_IP4_HDR_LEN + VRRP_HDR_LEN + VRRP_MAX_ADDRS * 16 + VRRP_AUTH_LEN)

/*
 * Why a received packet was dropped, in the order the checks run
 * (RFC 5798 §7.1, RFC 3768 §7.1). VRRP_PKT_OK means accepted. The IO layer
 * keeps one counter per reason per instance, indexed by this enum.
 */
enum vrrp_pkt_reason {
	VRRP_PKT_OK = 0,
	/* shorter than the IPv4 or VRRP header, IP total length != read */
	VRRP_PKT_TRUNCATED,
	/* IPv4 header: version, IHL, protocol */
	VRRP_PKT_BAD_IPHDR,
	/* TTL / hop limit != 255 (multicast) */
	VRRP_PKT_BAD_TTL,
	/* not the configured version (and v2 exists only over IPv4) */
	VRRP_PKT_BAD_VERSION,
	/* type != ADVERTISEMENT */
	VRRP_PKT_BAD_TYPE,
	/* length != header + count addresses (+ 8 auth bytes for v2); exact,
	 * as keepalived and FRR check it */
	VRRP_PKT_BAD_LENGTH,
	/* v2 over the message; v3 with the pseudo-header (or as v2) */
	VRRP_PKT_BAD_CHECKSUM,
	/* not our VRID */
	VRRP_PKT_BAD_VRID,
	/* we are the address owner (priority 255) */
	VRRP_PKT_OWNER,
	/* v2: Adver Int != ours */
	VRRP_PKT_BAD_INTERVAL,
	/* v2: Auth Type != ours */
	VRRP_PKT_BAD_AUTH_TYPE,
	/* v2 PASS: password mismatch */
	VRRP_PKT_BAD_AUTH,
	/* address list != ours, from a sender that is not the owner */
	VRRP_PKT_BAD_ADDRS,
	VRRP_PKT_REASON_MAX
};

/**
 * vrrp_pkt_reason_name - short stable name of a reason, for counters/JSON.
 * @r: the reason
 * Returns a static string ("ok", "truncated", "ip_header", "ttl",
 * "version", "type", "length", "checksum", "vrid", "owner", "interval",
 * "auth_type", "auth", "addr_list"), "unknown" when out of range.
 */
const char *vrrp_pkt_reason_name(enum vrrp_pkt_reason r);

/**
 * vrrp_pkt_reason_text - one-line human description of a reason, for logs.
 * @r: the reason
 * Returns a static string, e.g. "TTL/hop limit is not 255".
 */
const char *vrrp_pkt_reason_text(enum vrrp_pkt_reason r);

/* What to put in an advert (vrrp_pkt_build, vrrp_pkt_build_ip4). */
struct vrrp_pkt_params {
	int version; /* 2 or 3 */
	int family; /* AF_INET or AF_INET6 (v2: AF_INET only) */
	uint8_t vrid; /* 1..255 */
	uint8_t priority; /* 0..255; 0 = stepping down */
	/* on-wire unit: v2 seconds 1..255, v3 centiseconds 1..4095
	 * (vrrp_timer_us_to_wire) */
	uint16_t adver_int;
	uint8_t auth_type; /* v2: VRRP_AUTH_NONE or VRRP_AUTH_PASS */
	uint8_t auth_pass[VRRP_AUTH_LEN]; /* v2 PASS: NUL padded */
	const struct addr *addrs; /* advertised addresses, all @family */
	size_t naddr; /* 0..255 */
	struct addr src; /* IP source: v3 pseudo-header, IPv4 header */
	struct addr dst; /* IP destination (group or unicast peer) */
	/* keepalived interop: IPv4 v3 checksum without the pseudo-header */
	bool v3_checksum_as_v2;
	/* vrrp_pkt_build_ip4: IPv4 TTL; 0 means 255 (set unicast_ttl here
	 * for unicast peers) */
	uint8_t ttl;
};

/**
 * vrrp_pkt_len - length of a VRRP message (no IP header).
 * @version: 2 or 3
 * @family: AF_INET or AF_INET6
 * @naddr: address count
 * Returns 8 + naddr * (4|16) (+ 8 for v2), or 0 for a bad version/family.
 */
size_t vrrp_pkt_len(int version, int family, size_t naddr);

/**
 * vrrp_pkt_build - write a VRRP advert (no IP header) with its checksum.
 * @p: fields; for v3 @p->src and @p->dst feed the pseudo-header
 * @buf: output
 * @size: room in @buf
 * Returns the length written, or -1 if @p is invalid (version/family
 * combination, address family, naddr > 255, v3 interval > 4095, v2
 * interval > 255) or @buf is too small.
 */
ssize_t vrrp_pkt_build(const struct vrrp_pkt_params *p, uint8_t *buf,
		       size_t size);

/**
 * vrrp_pkt_build_ip4 - write a 20-byte IPv4 header followed by the advert.
 * @p: fields (family must be AF_INET; @p->src / @p->dst fill the header)
 * @ip_id: IPv4 identification (the caller counts; 0 lets the kernel fill it)
 * @buf: output
 * @size: room in @buf
 * The header has ToS 0xc0, no fragmentation flags, TTL @p->ttl (255 when
 * 0), protocol 112 and a correct header checksum (the kernel recomputes it
 * anyway).
 * Returns the total length written, or -1 as for vrrp_pkt_build().
 */
ssize_t vrrp_pkt_build_ip4(const struct vrrp_pkt_params *p, uint16_t ip_id,
			   uint8_t *buf, size_t size);

/* What this instance expects: the receive-side configuration. */
struct vrrp_pkt_expect {
	int version; /* 2 or 3 */
	uint8_t vrid; /* our VRID */
	uint8_t priority; /* our base priority; 255 = address owner */
	uint8_t adver_int_s; /* v2: our Advertisement_Interval in seconds */
	uint8_t auth_type; /* v2: VRRP_AUTH_NONE or VRRP_AUTH_PASS */
	uint8_t auth_pass[VRRP_AUTH_LEN]; /* v2 PASS: NUL padded */
	const struct addr *addrs; /* our virtual_ipaddress list */
	size_t naddr;
	bool skip_check_adv_addr; /* do not compare the address list */
	/* IPv4 v3: the checksum is computed without the pseudo-header
	 * (keepalived interop); only that form is accepted */
	bool v3_checksum_as_v2;
	/* unicast peer: TTL is not required to be 255 (the IO layer applies
	 * the peer's min_ttl/max_ttl) */
	bool unicast;
	/* keepalived's default: an owner does not drop adverts (RFC 5798
	 * §7.1 says it MUST); false gives the RFC behaviour */
	bool owner_keeps_adverts;
	/* v3: destination used in the pseudo-header instead of the packet's
	 * own (keepalived old_unicast_checksum uses the group); NULL =
	 * packet's */
	const struct addr *pseudo_dst;
};

/* The fields of an accepted (or partly parsed) advert. */
struct vrrp_pkt_info {
	int version;
	int family;
	uint8_t type;
	uint8_t vrid;
	uint8_t priority;
	uint8_t naddr;
	/* on-wire unit: v2 seconds, v3 centiseconds (the 12 bits; reserved
	 * bits dropped) */
	uint16_t adver_int;
	uint16_t checksum; /* as received (host order) */
	uint8_t auth_type; /* v2 */
	uint8_t auth_data[VRRP_AUTH_LEN]; /* v2 */
	uint8_t ttl; /* TTL / hop limit */
	struct addr src; /* IP source */
	struct addr dst; /* IP destination */
	/* naddr addresses of 4 (IPv4) or 16 (IPv6) bytes, pointing into the
	 * parsed buffer */
	const uint8_t *addrs;
	size_t len; /* VRRP message length (no IP header) */
	/* list differs from ours but was accepted because the sender is the
	 * owner (255) */
	bool addr_mismatch;
	/* VRRP_PKT_BAD_CHECKSUM on v3 IPv4 only: the checksum is right in
	 * the other form (with/without pseudo-header): the peer's
	 * v3_checksum_as_v2 differs from ours */
	bool checksum_other_form;
};

/**
 * vrrp_pkt_parse4 - validate an IPv4 datagram as read from a raw socket.
 * @buf: IPv4 header + VRRP message
 * @len: bytes read
 * @exp: our configuration
 * @out: filled with every field parsed before the failing check (so a
 *       caller can log the sender of a dropped packet); complete on OK
 * Checks, in order: IP header and length, TTL 255, version, type, length vs
 * count (and v2 auth bytes), checksum, VRID, owner, v2 interval, v2 auth
 * type, v2 PASS, address list (RFC 5798 §7.1: a mismatch drops only when
 * the sender's priority != 255).
 * Returns VRRP_PKT_OK or the reason for the drop.
 */
enum vrrp_pkt_reason vrrp_pkt_parse4(const uint8_t *buf, size_t len,
				     const struct vrrp_pkt_expect *exp,
				     struct vrrp_pkt_info *out);

/**
 * vrrp_pkt_parse6 - validate a VRRPv3 IPv6 message (no IP header).
 * @buf: VRRP message as read from an AF_INET6 raw socket
 * @len: bytes read
 * @src: IPv6 source (from recvmsg's name)
 * @dst: IPv6 destination (from the IPV6_PKTINFO cmsg)
 * @hoplimit: from the IPV6_HOPLIMIT cmsg; -1 if it was missing (dropped as
 *            VRRP_PKT_BAD_TTL unless @exp->unicast)
 * @exp: our configuration
 * @out: as for vrrp_pkt_parse4()
 * Same order of checks as vrrp_pkt_parse4() minus the IPv4 header.
 * Returns VRRP_PKT_OK or the reason for the drop.
 */
enum vrrp_pkt_reason vrrp_pkt_parse6(const uint8_t *buf, size_t len,
				     const struct addr *src,
				     const struct addr *dst, int hoplimit,
				     const struct vrrp_pkt_expect *exp,
				     struct vrrp_pkt_info *out);

/**
 * vrrp_pkt_peek_vrid - VRID of a received packet, to demultiplex one socket
 * between several instances before the full validation.
 * @buf: as read (IPv4: with the IP header)
 * @len: bytes read
 * @family: AF_INET or AF_INET6
 * Returns the VRID (0..255), or -1 if the packet is too short to hold one.
 */
int vrrp_pkt_peek_vrid(const uint8_t *buf, size_t len, int family);

/**
 * vrrp_pkt_addr_at - copy the @i-th advertised address out of @info.
 * @info: a parsed advert
 * @i: index < info->naddr
 * @out: filled with family and bytes
 * Returns 0, or -1 if @i is out of range.
 */
int vrrp_pkt_addr_at(const struct vrrp_pkt_info *info, size_t i,
		     struct addr *out);

/**
 * vrrp_pkt_csum - Internet checksum (RFC 1071) of a buffer.
 * @buf: data, summed as big-endian 16-bit words
 * @len: length (odd lengths padded with a zero byte)
 * @sum: initial partial sum (0, or a pseudo-header's partial sum)
 * Returns the one's complement of the folded sum as a host integer, to be
 * stored big-endian; 0 when run over a message whose checksum is right.
 */
uint16_t vrrp_pkt_csum(const void *buf, size_t len, uint32_t sum);

#endif
