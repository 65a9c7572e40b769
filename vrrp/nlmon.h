/*
 * nlmon.h - rtnetlink event monitor for the VRRP process: link up/down (for
 * track_interface), address removals (to notice a VIP deleted behind our
 * back) and link deletions (a use_vmac macvlan deleted behind our back).
 * Parsing is separate from the socket so it is unit-tested.
 */
#ifndef DD_VRRP_NLMON_H
#define DD_VRRP_NLMON_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"

struct ev_loop;
struct vrrp_nlmon;

/* what the monitor reports */
struct vrrp_nlmon_ops {
	/* an interface changed; @up is IFF_UP && IFF_RUNNING */
	void (*link)(void *arg, unsigned ifindex, const char *ifname, bool up);
	/* an address was removed from @ifindex */
	void (*addr_del)(void *arg, unsigned ifindex, const struct addr *a);
	/* an interface was deleted (after ->link reported it down); not
	 * called for AF_BRIDGE port removals, which delete nothing */
	void (*link_del)(void *arg, unsigned ifindex, const char *ifname);
};

/**
 * vrrp_nlmon_parse - decode one buffer of rtnetlink messages and call @ops.
 * @buf: bytes read from the socket
 * @len: their count
 * @ops: callbacks
 * @arg: passed to the callbacks
 * Returns the number of events reported, or -1 on a malformed buffer.
 */
int vrrp_nlmon_parse(const void *buf, size_t len,
		     const struct vrrp_nlmon_ops *ops, void *arg);

/**
 * vrrp_nlmon_new - subscribe to link and address events.
 * @l: the event loop
 * @ops: callbacks (kept by pointer)
 * @arg: passed to the callbacks
 * Returns the monitor or NULL (logged).
 */
struct vrrp_nlmon *vrrp_nlmon_new(struct ev_loop *l,
				  const struct vrrp_nlmon_ops *ops, void *arg);

/**
 * vrrp_nlmon_free - stop and release a monitor (NULL is fine).
 */
void vrrp_nlmon_free(struct vrrp_nlmon *m);

#endif
