/*
 * garp.c - gratuitous ARP and unsolicited NA over AF_PACKET. The frames are
 * built by hand so that the Ethernet source is the interface MAC and the
 * kernel's neighbour code plays no part (keepalived does the same).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <netinet/if_ether.h>
#include <netinet/ip6.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "garp.h"
#include "log.h"
#include "sysctl.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

size_t vrrp_garp_build_arp(uint8_t *buf, const uint8_t mac[6],
			   const struct addr *vip)
{
	uint8_t *a = buf + 14;

	memset(buf, 0, 42);
	memset(buf, 0xff, 6); /* broadcast */
	memcpy(buf + 6, mac, 6);
	put16(buf + 12, ETH_P_ARP);
	put16(a, ARPHRD_ETHER);
	put16(a + 2, ETH_P_IP);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, ARPOP_REQUEST);
	memcpy(a + 8, mac, 6); /* sender MAC */
	memcpy(a + 14, &vip->u.v4, 4); /* sender IP */
	memset(a + 18, 0xff, 6); /* target MAC, as keepalived sends */
	memcpy(a + 24, &vip->u.v4, 4); /* target IP = sender IP */
	return 42;
}

/* one's-complement sum helper for the ICMPv6 checksum */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t vrrp_garp_build_na(uint8_t *buf, const uint8_t mac[6],
			  const struct addr *vip, bool router)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
	uint8_t *ip = buf + 14, *na = ip + 40;
	const size_t na_len = 24 + 8; /* NA + target link-layer option */
	uint8_t pseudo[40];
	uint32_t sum;

	memset(buf, 0, 14 + 40 + na_len);
	/* Ethernet: 33:33 + low 32 bits of ff02::1 (RFC 2464 section 7) */
	buf[0] = buf[1] = 0x33;
	buf[5] = 0x01;
	memcpy(buf + 6, mac, 6);
	put16(buf + 12, ETH_P_IPV6);

	ip[0] = 0x60;
	put16(ip + 4, na_len);
	ip[6] = IPPROTO_ICMPV6;
	ip[7] = 255; /* RFC 4861 section 7.1.2: hop limit 255 */
	memcpy(ip + 8, &vip->u.v6, 16);
	memcpy(ip + 24, all_nodes, 16);

	na[0] = ND_NEIGHBOR_ADVERT;
	na[4] = (router ? 0x80 : 0) | 0x20; /* R, O; S=0 (unsolicited) */
	memcpy(na + 8, &vip->u.v6, 16);
	na[24] = ND_OPT_TARGET_LINKADDR;
	na[25] = 1; /* units of 8 bytes */
	memcpy(na + 26, mac, 6);

	/* RFC 4443 section 2.3: checksum over the RFC 8200 pseudo-header */
	memcpy(pseudo, ip + 8, 32);
	memset(pseudo + 32, 0, 8);
	pseudo[35] = na_len;
	pseudo[39] = IPPROTO_ICMPV6;
	sum = csum_add(0, pseudo, sizeof(pseudo));
	sum = csum_add(sum, na, na_len);
	put16(na + 2, csum_fold(sum));
	return 14 + 40 + na_len;
}

int vrrp_garp_open(void)
{
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		log_err("garp: socket(AF_PACKET): %s", strerror(errno));
	return fd;
}

/* true when IPv6 forwarding is on for @ifname (then NA carries R=1) */
static bool if_forwards6(const char *ifname)
{
	char path[128];
	long v;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/forwarding",
		 ifname);
	return sysctl_get_long(path, &v) == 0 && v == 1;
}

int vrrp_garp_send(int fd, const char *ifname, const struct addr *vip)
{
	uint8_t frame[VRRP_GARP_FRAME_MAX], mac[6];
	struct sockaddr_ll sll;
	struct ifreq ifr;
	char ab[ADDR_STRLEN];
	unsigned ifindex;
	size_t len;
	int s, rc;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		log_err("garp: socket: %s", strerror(errno));
		return -1;
	}
	rc = ioctl(s, SIOCGIFFLAGS, &ifr);
	if (rc == 0 && (ifr.ifr_flags & IFF_NOARP)) {
		close(s);
		return 0;
	}
	if (rc == 0)
		rc = ioctl(s, SIOCGIFHWADDR, &ifr);
	close(s);
	ifindex = if_nametoindex(ifname);
	if (rc < 0 || !ifindex) {
		log_err("garp: %s: %s", ifname, strerror(errno));
		return -1;
	}
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)ifindex;
	sll.sll_halen = 6;
	if (vip->family == AF_INET) {
		len = vrrp_garp_build_arp(frame, mac, vip);
		sll.sll_protocol = htons(ETH_P_ARP);
	} else {
		len = vrrp_garp_build_na(frame, mac, vip, if_forwards6(ifname));
		sll.sll_protocol = htons(ETH_P_IPV6);
	}
	memcpy(sll.sll_addr, frame, 6);
	if (sendto(fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll)) <
	    0) {
		log_err("garp: %s on %s: %s", addr_fmt(vip, ab), ifname,
			strerror(errno));
		return -1;
	}
	log_debug("Sending gratuitous %s on %s for %s",
		  vip->family == AF_INET ? "ARP" : "NA", ifname,
		  addr_fmt(vip, ab));
	return 1;
}
