/*
 * pkt.h - pure builders and parsers for the datagram checks and SMTP:
 * DNS query/reply (RFC 1035 section 4.1), ICMP echo (RFC 792, RFC 4443),
 * UDP_CHECK reply patterns, SMTP replies (RFC 5321 section 4.2).
 */
#ifndef DD_CHK_PKT_H
#define DD_CHK_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * chk_dns_qtype - the numeric type of a DNS_CHECK "type" keyword.
 * @name: A, NS, CNAME, SOA, MX, TXT or AAAA (case-insensitive); NULL = SOA
 * Returns the type, or 0 for an unknown name.
 */
uint16_t chk_dns_qtype(const char *name);

/**
 * chk_dns_query - build a recursive query for @name/@qtype, class IN.
 * @buf: output
 * @len: size of @buf
 * @id: the query id
 * @name: the domain name ("." or "example.org", a final dot optional)
 * @qtype: the type
 * Returns the length, or -1 for a bad name or a short buffer.
 */
int chk_dns_query(uint8_t *buf, size_t len, uint16_t id, const char *name,
		  uint16_t qtype);

/**
 * chk_dns_reply - judge a reply to a query built by chk_dns_query.
 * @q: the query sent
 * @qlen: its length
 * @r: the reply
 * @rlen: its length
 * @why: receives the reason when it is not a good answer
 * @whylen: size of @why
 * Returns 1 for a matching reply with RCODE 0 (NOERROR), 0 for a reply to
 * ignore (another id, not a response: keep waiting), -1 for a failure.
 */
int chk_dns_reply(const uint8_t *q, size_t qlen, const uint8_t *r, size_t rlen,
		  char *why, size_t whylen);

/**
 * chk_icmp_echo - build an echo request (checksum filled for IPv4).
 * @buf: output, at least 8 + @plen bytes
 * @v6: ICMPv6 (type 128; the kernel fills the checksum)
 * @id: identifier
 * @seq: sequence number
 * @plen: payload bytes (a fixed pattern)
 * Returns the length.
 */
size_t chk_icmp_echo(uint8_t *buf, bool v6, uint16_t id, uint16_t seq,
		     size_t plen);

/**
 * chk_icmp_reply - is @d an echo reply with @seq (and @id unless the kernel
 * rewrites ids, as on SOCK_DGRAM ICMP sockets)?
 * @d: the datagram (an IPv4 header first when @ip_hdr)
 * @n: its length
 * @v6: ICMPv6
 * @ip_hdr: a raw IPv4 socket: skip the IP header
 * @id: expected id, or -1 to accept any
 * @seq: expected sequence number
 * Returns true on a match.
 */
bool chk_icmp_reply(const uint8_t *d, size_t n, bool v6, bool ip_hdr, int id,
		    uint16_t seq);

/**
 * chk_udp_match - does @d start with @pattern (hex digits, X or x for any
 * nibble, spaces ignored)?
 * Returns true on a match; a NULL or empty pattern matches any reply.
 */
bool chk_udp_match(const char *pattern, const uint8_t *d, size_t n);

/**
 * chk_smtp_reply - find one complete SMTP reply (possibly multi-line,
 * "250-..." lines then "250 ...") at the start of @d.
 * @d: bytes received
 * @n: their count
 * @code: set to the reply code
 * @used: set to the bytes the reply spans
 * Returns 1 for a complete reply, 0 when more bytes are needed, -1 for a
 * line that is not an SMTP reply.
 */
int chk_smtp_reply(const char *d, size_t n, int *code, size_t *used);

#endif
