/*
 * garp.h - gratuitous ARP (IPv4) and unsolicited neighbour advertisements
 * (IPv6) for VIPs, sent over one AF_PACKET socket. Frame building is pure
 * (vrrp_garp_build_arp, vrrp_garp_build_na) so it is unit-tested.
 */
#ifndef DD_VRRP_GARP_H
#define DD_VRRP_GARP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/* Ethernet + ARP = 42 bytes; Ethernet + IPv6 + NA + target LL option = 86 */
#define VRRP_GARP_FRAME_MAX 128

/**
 * vrrp_garp_build_arp - build an ARP announcement (RFC 5227 section 2.3):
 * an ARP request broadcast with sender IP = target IP = @vip.
 * @buf: at least VRRP_GARP_FRAME_MAX bytes
 * @mac: the sending interface's MAC (Ethernet source and sender MAC)
 * @vip: an IPv4 address
 * Returns the frame length.
 */
size_t vrrp_garp_build_arp(uint8_t *buf, const uint8_t mac[6],
			   const struct addr *vip);

/**
 * vrrp_garp_build_na - build an unsolicited neighbour advertisement
 * (RFC 4861 section 7.2.6, RFC 5798 section 6.4.1) for @vip, sent from @vip
 * to ff02::1 with hop limit 255, Override set, Router set when @router, and
 * a target link-layer address option carrying @mac.
 * @buf: at least VRRP_GARP_FRAME_MAX bytes
 * @mac: the sending interface's MAC
 * @vip: an IPv6 address
 * @router: true when the interface forwards IPv6
 * Returns the frame length.
 */
size_t vrrp_garp_build_na(uint8_t *buf, const uint8_t mac[6],
			  const struct addr *vip, bool router);

/**
 * vrrp_garp_open - open the AF_PACKET socket used for every announcement.
 * Returns the descriptor or -1 (logged).
 */
int vrrp_garp_open(void);

/**
 * vrrp_garp_send - announce @vip on @ifname: ARP for IPv4, NA for IPv6.
 * Interfaces with IFF_NOARP are skipped (returns 0, nothing sent).
 * @fd: from vrrp_garp_open
 * @ifname: the interface that holds the VIP
 * @vip: the address
 * Returns 1 when a frame was sent, 0 when skipped, -1 on error (logged).
 */
int vrrp_garp_send(int fd, const char *ifname, const struct addr *vip);

#endif
