/*
 * realserver.h - "directorctl realserver": prepare and check an LVS-DR real
 * server. In direct routing the director rewrites only the destination MAC,
 * so each real server must own the VIP (on lo, /32 or /128) without
 * answering ARP for it: net.ipv4.conf.{all,IF}.arp_ignore=1 (reply only for
 * addresses of the receiving interface) and arp_announce=2 (never use the
 * VIP as ARP source address).
 */
#ifndef DD_REALSERVER_H
#define DD_REALSERVER_H

#include "addr.h"

#define RS_MAX_VIPS 16
#define RS_MAX_IFS 32
#define RS_MAX_ITEMS (2 + RS_MAX_VIPS + 2 * (RS_MAX_IFS + 1))
#define RS_IFNAMSIZ 16

enum rs_kind {
	RS_LINK_UP, /* dev must be up */
	RS_SYSCTL, /* /proc/sys/net/ipv4/conf/IF/KEY >= want */
	RS_VIP, /* addr/plen on dev */
};

/* one thing a DR real server needs */
struct rs_item {
	enum rs_kind kind;
	char ifname[RS_IFNAMSIZ]; /* dev, sysctl interface or "all" */
	const char *key; /* RS_SYSCTL: "arp_ignore" / "arp_announce" */
	int want; /* RS_SYSCTL: wanted value */
	struct addr vip; /* RS_VIP */
	unsigned plen; /* RS_VIP: 32 or 128 */
};

/**
 * rs_plan - list what a DR real server needs, in the order to apply it
 * (sysctls before the VIP, so the host never answers ARP for the VIP).
 * Pure: no I/O.
 * @vips: the virtual addresses
 * @nvips: number of @vips
 * @dev: device that carries the VIPs ("lo")
 * @ifs: interfaces that receive traffic (sysctls are set on each and "all")
 * @nifs: number of @ifs
 * @items: receives the plan, at least RS_MAX_ITEMS entries
 * Returns the number of items, or -1 when a count exceeds its maximum.
 */
int rs_plan(const struct addr *vips, int nvips, const char *dev,
	    char ifs[][RS_IFNAMSIZ], int nifs, struct rs_item *items);

/**
 * rs_item_cmd - the shell command that applies @it (for printing).
 * @it: the item
 * @buf: output buffer
 * @len: size of @buf
 * Returns @buf.
 */
const char *rs_item_cmd(const struct rs_item *it, char *buf, size_t len);

/**
 * ctl_realserver_main - "directorctl realserver prepare|check".
 *   prepare --vip ADDR [--vip ADDR...] [--dev lo] [--iface IF...] [--apply]
 *   check   --vip ADDR [--vip ADDR...] [--dev lo] [--iface IF...]
 * Without --iface, every interface except loopback is used.
 * @argc: argument count, argv[0] is "realserver"
 * @argv: arguments
 * Returns the exit status: 0 ok, 1 something missing (check) or failed
 * (prepare --apply), 2 usage error.
 */
int ctl_realserver_main(int argc, char **argv);

#endif
