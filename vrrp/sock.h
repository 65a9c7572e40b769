/*
 * sock.h - raw VRRP sockets (IP protocol 112). One socket per (family,
 * interface), shared by every instance on that interface and demultiplexed
 * by VRID; it sends (IPv4 with IP_HDRINCL, IPv6 with IPV6_PKTINFO for the
 * link-local source) and receives (multicast group joined, bound to the
 * device, multicast loop off).
 */
#ifndef DD_VRRP_SOCK_H
#define DD_VRRP_SOCK_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct ev_loop;
struct vrrp_sock;

/* one received datagram, as handed to an instance */
struct vrrp_rx {
	const uint8_t *buf; /* IPv4: IP header + VRRP; IPv6: VRRP only */
	size_t len;
	int family;
	struct addr src; /* IPv6 only (IPv4 has it in the header) */
	struct addr dst; /* IPv6 only: from IPV6_PKTINFO */
	int hoplimit; /* IPv6 only: from IPV6_HOPLIMIT, -1 missing */
};

/* receive callback of the instance registered for a VRID */
typedef void (*vrrp_sock_rx_cb)(void *inst, const struct vrrp_rx *rx);

/**
 * vrrp_sock_get - find or open the socket for (@family, @ifname) in @pool.
 * @pool: head of the caller's socket list
 * @l: the event loop
 * @family: AF_INET or AF_INET6
 * @ifname: the interface
 * @group: multicast group to join, for a multicast instance (NULL or
 *	family 0: none; a socket shared with such an instance joins anyway)
 * Returns the socket with one more reference, or NULL (logged).
 */
struct vrrp_sock *vrrp_sock_get(struct vrrp_sock **pool, struct ev_loop *l,
				int family, const char *ifname,
				const struct addr *group);

/**
 * vrrp_sock_put - drop a reference; the last one closes the socket.
 * @pool: the list @s is on
 * @s: the socket (NULL is fine)
 */
void vrrp_sock_put(struct vrrp_sock **pool, struct vrrp_sock *s);

/**
 * vrrp_sock_attach - deliver packets for @vrid to @cb(@inst).
 * Returns 0, or -1 when another instance already has @vrid (logged).
 */
int vrrp_sock_attach(struct vrrp_sock *s, unsigned vrid, vrrp_sock_rx_cb cb,
		     void *inst);

/**
 * vrrp_sock_detach - stop delivering @vrid (only if @inst holds it).
 */
void vrrp_sock_detach(struct vrrp_sock *s, unsigned vrid, void *inst);

/**
 * vrrp_sock_unknown - packets that could not be given to an instance
 * (too short to carry a VRID, or a VRID nobody here runs).
 */
uint64_t vrrp_sock_unknown(const struct vrrp_sock *s);

/**
 * vrrp_sock_next - walk a pool: the socket after @s (NULL at the end).
 */
const struct vrrp_sock *vrrp_sock_next(const struct vrrp_sock *s);

/**
 * vrrp_sock_ifname - the interface @s is bound to.
 */
const char *vrrp_sock_ifname(const struct vrrp_sock *s);

/**
 * vrrp_sock_family - AF_INET or AF_INET6.
 */
int vrrp_sock_family(const struct vrrp_sock *s);

/**
 * vrrp_sock_send - send one advert.
 * @s: the socket
 * @pkt: IPv4: IP header + VRRP (from vrrp_pkt_build_ip4); IPv6: VRRP only
 * @len: its length
 * @src: IPv6 source (link-local) put in IPV6_PKTINFO; ignored for IPv4
 * @dst: destination (group or unicast peer)
 * @hops: IPv6 hop limit (255, or unicast_ttl); ignored for IPv4
 * Returns 0, or -1 (logged).
 */
int vrrp_sock_send(struct vrrp_sock *s, const void *pkt, size_t len,
		   const struct addr *src, const struct addr *dst, int hops);

/* predicate used to skip our own VIPs when choosing a source address */
typedef bool (*vrrp_sock_skip_fn)(void *arg, const struct addr *a);

/**
 * vrrp_sock_if_addr - the address adverts are sent from on @ifname: the
 * first IPv4 address (RFC 5798 section 5.1.1.1, primary address) or the
 * first IPv6 link-local address (section 5.1.2.1), skipping VIPs.
 * @ifname: the interface
 * @family: AF_INET or AF_INET6
 * @skip: returns true for addresses to skip (may be NULL)
 * @arg: passed to @skip
 * @out: filled on success
 * Returns 0, or -1 when the interface has no such address.
 */
int vrrp_sock_if_addr(const char *ifname, int family, vrrp_sock_skip_fn skip,
		      void *arg, struct addr *out);

#endif
