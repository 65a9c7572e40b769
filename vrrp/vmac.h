/*
 * vmac.h - keepalived's `use_vmac`: a macvlan interface (private mode) on
 * the instance interface carrying the VRRP virtual MAC (RFC 5798 section
 * 7.3), so the VIPs keep one MAC whichever router is Master and neighbours
 * need no ARP/ND update on failover. Names, MACs and the netlink messages
 * are built by pure functions (unit-tested); create/delete are the I/O
 * edge, done over rtnetlink with libmnl like vip.c (vmac.c), the sysctls
 * in vmac_sysctl.c. A macvlan of ours deleted behind our back is recreated
 * (vrrp_vmac_link_del, vmac_watch.c), with a bounded back-off when that
 * keeps failing.
 */
#ifndef DD_VRRP_VMAC_H
#define DD_VRRP_VMAC_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct mnl_socket;
struct nlmsghdr;
struct vrrp_proc;

/* what vrrp_vmac_parse_link found in an RTM_NEWLINK message */
struct vrrp_vmac_link {
	unsigned ifindex;
	unsigned link; /* IFLA_LINK: the lower interface, 0 if none */
	bool macvlan; /* IFLA_INFO_KIND is "macvlan" */
	uint8_t mac[6];
	bool has_mac;
	char name[IFNAMSIZ];
};

/**
 * vrrp_vmac_name - the macvlan's name: @cfg_name when set, else
 * "vrrp.<VRID>" (IPv4) or "vrrp6.<VRID>" (IPv6), as keepalived.
 * @cfg_name: the `use_vmac NAME` argument, "" for the default
 * @family: AF_INET or AF_INET6
 * @vrid: 1..255
 * @out: receives the name
 * Returns 0, or -1 when the name does not fit IFNAMSIZ.
 */
int vrrp_vmac_name(const char *cfg_name, int family, unsigned vrid,
		   char out[IFNAMSIZ]);

/**
 * vrrp_vmac_mac - the VRRP virtual MAC: 00:00:5e:00:01:<VRID> for IPv4,
 * 00:00:5e:00:02:<VRID> for IPv6 (RFC 5798 section 7.3).
 * @family: AF_INET or AF_INET6
 * @vrid: 1..255
 * @mac: receives the address
 */
void vrrp_vmac_mac(int family, unsigned vrid, uint8_t mac[6]);

/**
 * vrrp_vmac_build_create - build the RTM_NEWLINK request that creates the
 * macvlan (kind macvlan, mode private, lower @base_ifindex, MAC @mac),
 * down, so its sysctls (and for IPv6 the address generation mode) are set
 * before it comes up.
 * @buf: at least MNL_SOCKET_BUFFER_SIZE bytes
 * @name: the interface name
 * @base_ifindex: the instance interface
 * @mac: the virtual MAC
 * @seq: netlink sequence number
 * Returns the message (inside @buf).
 */
struct nlmsghdr *vrrp_vmac_build_create(void *buf, const char *name,
					unsigned base_ifindex,
					const uint8_t mac[6], unsigned seq);

/**
 * vrrp_vmac_parse_link - read the index, name, MAC, lower link and kind
 * out of an RTM_NEWLINK message (a GETLINK answer).
 * @nlh: the message
 * @out: filled
 * Returns 0, or -1 when it is not a well-formed RTM_NEWLINK.
 */
int vrrp_vmac_parse_link(const struct nlmsghdr *nlh,
			 struct vrrp_vmac_link *out);

/**
 * vrrp_vmac_create - create (or recreate) the macvlan @name on @base with
 * the virtual MAC of (@family, @vrid), set its sysctls (arp_ignore=1,
 * arp_filter=0, rp_filter=0; IPv6: accept_dad=0 and address generation
 * "none", as both routers share the MAC) and the base's (arp_ignore=1,
 * arp_filter=1, arp_announce=2, so the base neither answers ARP for the
 * VIPs nor sends ARP requests from them with its own MAC; originals
 * restored by the last vrrp_vmac_delete on that base), and bring it up.
 * For IPv4, when net.ipv4.conf.all.rp_filter is on, the first macvlan
 * sets it to 0 after raising every interface's own rp_filter (and
 * default's) to it, so that no interface's effective value changes and
 * the Backup's address-less macvlan hears adverts; the last
 * vrrp_vmac_delete of an IPv4 macvlan restores them (a crashed process
 * leaves them, all. at 0, and the next run has nothing to restore). A
 * macvlan of that name on @base left by a crashed run is deleted and
 * recreated; any other interface of that name is left alone and is an
 * error. The macvlan is remembered (name,
 * base, index) so that vrrp_vmac_link_del() can tell it from others.
 * @nl: from vrrp_vip_open
 * @name: from vrrp_vmac_name
 * @base: the instance interface
 * @family: AF_INET or AF_INET6
 * @vrid: 1..255
 * Returns the new interface index, or -1 (logged).
 */
int vrrp_vmac_create(struct mnl_socket *nl, const char *name, const char *base,
		     int family, unsigned vrid);

/**
 * vrrp_vmac_add_ll - put @ll (the base's IPv6 link-local, the advert
 * source) on the macvlan too, without DAD, so adverts can leave from it.
 * @nl: from vrrp_vip_open
 * @name: the macvlan
 * @ll: a link-local address
 * Returns 0, or -1 (logged).
 */
int vrrp_vmac_add_ll(struct mnl_socket *nl, const char *name,
		     const struct addr *ll);

/**
 * vrrp_vmac_delete - remove the macvlan @name if it is a macvlan on
 * @base (its addresses go with it) and restore @base's sysctls when no
 * other macvlan of ours uses it; the last IPv4 one gives back the
 * rp_filter values vrrp_vmac_create changed. It is forgotten first (its own
 * RTM_DELLINK is then no deletion behind our back; a pending recreation
 * retry is cancelled).
 * @nl: from vrrp_vip_open
 * @name: the macvlan
 * @base: the instance interface
 * Returns 1 when removed, 0 when it was not there, -1 on error (logged).
 */
int vrrp_vmac_delete(struct mnl_socket *nl, const char *name, const char *base);

/* recreation attempts after a deletion behind our back before giving up */
#define VRRP_VMAC_TRIES 8

/**
 * vrrp_vmac_backoff - the delay before recreation attempt @tries (0 for
 * the first after a deletion, counting up while they fail or the macvlan
 * keeps being deleted): 0 for the first, then 100 ms doubling up to 10 s.
 * @tries: attempts already made since the macvlan was last stable
 * @delay_us: receives the delay
 * Returns true, or false once VRRP_VMAC_TRIES attempts were made (give up).
 */
bool vrrp_vmac_backoff(unsigned tries, uint64_t *delay_us);

/**
 * vrrp_vmac_link_del - an interface was deleted (RTM_DELLINK). When it is
 * a macvlan this process created (same index) for a running instance and
 * the process is not stopping, recreate it with the same name, MAC, mode,
 * sysctls and base; a Master gets its VIPs back, an advert and its
 * gratuitous ARP/NA burst, a Backup nothing. When recreation fails the
 * instance is held in FAULT and it is retried with vrrp_vmac_backoff();
 * when the base interface is gone too it waits for the base to come back
 * (vrrp_vmac_link_new). Everything is logged with the instance name.
 * @p: the process context
 * @ifindex: the deleted interface
 * @ifname: its name (may be "")
 */
void vrrp_vmac_link_del(struct vrrp_proc *p, unsigned ifindex,
			const char *ifname);

/**
 * vrrp_vmac_link_new - an interface appeared or changed (RTM_NEWLINK):
 * when it is the base of a macvlan waiting for its base to come back,
 * recreate that macvlan now.
 * @p: the process context
 * @ifname: the interface
 */
void vrrp_vmac_link_new(struct vrrp_proc *p, const char *ifname);

/**
 * vrrp_vmac_fault_held - whether the macvlan @name is missing and its
 * instance is held in FAULT until it is recreated (trackers coming back
 * must not lift that FAULT).
 * @name: the macvlan (the instance's vif)
 * Returns true while held.
 */
bool vrrp_vmac_fault_held(const char *name);

#endif
