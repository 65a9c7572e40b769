/*
 * vmac_int.h - internals of use_vmac shared by its files: vmac.c (the
 * link: create, configure, delete), vmac_sysctl.c (the sysctls of the
 * macvlan, its base and net.ipv4.conf.all.rp_filter) and vmac_watch.c
 * (the record of our macvlans and their recreation). Not for other users:
 * vmac.h is the interface.
 */
#ifndef DD_VRRP_VMAC_INT_H
#define DD_VRRP_VMAC_INT_H

struct mnl_socket;

/* ---- vmac.c: the link ------------------------------------------------- */

/**
 * vmac_remove_ours - remove the interface @name when it is a macvlan on
 * @base (a leftover of a crashed run, or a half-made one of ours).
 * @nl: from vrrp_vip_open
 * @name: the macvlan
 * @base_ifindex: the index of @base
 * @base: the base interface (for the logs)
 * Returns 1 when removed, 0 when there is no @name, -1 when @name is
 * something else (left alone) or on error (logged).
 */
int vmac_remove_ours(struct mnl_socket *nl, const char *name,
		     unsigned base_ifindex, const char *base);

/**
 * vmac_make_link - create the macvlan (down), set its own sysctls
 * (vmac_link_sysctls; IPv6: address generation "none"), bring it up.
 * The base's sysctls and the record are the caller's.
 * @nl: from vrrp_vip_open
 * @name: the macvlan
 * @base: the base interface
 * @base_idx: its index
 * @family: AF_INET or AF_INET6
 * @vrid: 1..255 (the virtual MAC)
 * Returns the new interface index, or -1 (logged; nothing left behind).
 */
int vmac_make_link(struct mnl_socket *nl, const char *name, const char *base,
		   unsigned base_idx, int family, unsigned vrid);

/* ---- vmac_sysctl.c: sysctls ------------------------------------------- */

/**
 * vmac_base_hold - take a reference on the base interface @name: the
 * first one saves its arp_ignore, arp_filter and arp_announce and sets
 * them to 1, 1, 2 (the base neither answers ARP for the VIPs nor sends
 * requests from them with its own MAC).
 * @name: the base interface
 * Returns 0, or -1 (logged).
 */
int vmac_base_hold(const char *name);

/**
 * vmac_base_release - drop a reference taken by vmac_base_hold; the last
 * one restores the saved values.
 * @name: the base interface
 */
void vmac_base_release(const char *name);

/**
 * vmac_base_reapply - set the base's values again (a base deleted and
 * created again has fresh sysctls), keeping the saved originals.
 * @name: the base interface
 * Returns 0, or -1 (logged).
 */
int vmac_base_reapply(const char *name);

/**
 * vmac_link_sysctls - the macvlan's own sysctls: arp_ignore=1,
 * arp_filter=0, rp_filter 0 (2 while all.rp_filter is still on, with a
 * warning for IPv4: its Backup cannot hear adverts); IPv6: accept_dad=0.
 * @name: the macvlan (down, just created)
 * @family: AF_INET or AF_INET6
 * Returns 0, or -1 (logged).
 */
int vmac_link_sysctls(const char *name, int family);

/**
 * vmac_rpf_hold - take a reference for an IPv4 macvlan about to be
 * created. With the first, when net.ipv4.conf.all.rp_filter is above 0,
 * every interface's own rp_filter below it and default's are raised to
 * it (their effective value max(all, own) stays), then all. is set to 0,
 * so that the macvlan (no IPv4 address on a Backup) can have rp_filter 0
 * and hear the Master's adverts; logged once. The originals are kept in
 * memory only: after a crash the values stay as set, the next run finds
 * all. at 0 and changes nothing. Failing (logged) leaves everything as it
 * was; the macvlan then gets loose rp_filter and a warning.
 */
void vmac_rpf_hold(void);

/**
 * vmac_rpf_release - drop a reference taken by vmac_rpf_hold (an IPv4
 * macvlan removed). The last one sets all. back, then gives each raised
 * entry its own value back unless it was changed meanwhile (or is a new
 * interface of the same name); logged.
 */
void vmac_rpf_release(void);

/* ---- vmac_watch.c: the record ----------------------------------------- */

/**
 * vmac_rec_add - remember a macvlan we created (or update the record of
 * that name), so that its deletion behind our back can be told apart and
 * it can be recreated.
 * @name: the macvlan
 * @base: its base interface
 * @family: AF_INET or AF_INET6
 * @vrid: 1..255
 * @ifindex: its index
 * Returns 0, or -1 (logged) when out of memory.
 */
int vmac_rec_add(const char *name, const char *base, int family, unsigned vrid,
		 unsigned ifindex);

/**
 * vmac_rec_del - forget the macvlan @name (its pending retry cancelled).
 * @name: the macvlan
 * Returns its family (AF_INET or AF_INET6), 0 when it was not recorded.
 */
int vmac_rec_del(const char *name);

#endif
