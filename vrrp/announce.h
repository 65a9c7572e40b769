/*
 * announce.h - when a Master announces its VIPs (GARP / unsolicited NA):
 * bursts of garp_master_repeat now and after garp_master_delay, the
 * garp_master_refresh timer, the lower-priority re-announcements, paced by
 * vrrp_garp_interval (IPv4) / vrrp_gna_interval (IPv6) when they are set.
 * Frames themselves come from garp.h.
 */
#ifndef DD_VRRP_ANNOUNCE_H
#define DD_VRRP_ANNOUNCE_H

#include <stdint.h>

#include "cfg.h"

struct vrrp_inst;

/**
 * vrrp_announce_burst - announce every VIP (and excluded VIP) @count times,
 * if @i is Master with its VIPs installed.
 * @i: the instance
 * @count: messages per VIP
 */
void vrrp_announce_burst(struct vrrp_inst *i, unsigned count);

/**
 * vrrp_announce_vip - announce one VIP @count times (a VIP restored or added
 * by a reload).
 * @i: the instance
 * @v: one of its VIPs
 * @count: messages
 */
void vrrp_announce_vip(struct vrrp_inst *i, const struct cfg_vip *v,
		       unsigned count);

/**
 * vrrp_announce_later - run vrrp_announce_burst(@i, @count) in @us.
 * @i: the instance
 * @us: delay in microseconds
 * @count: messages per VIP
 */
void vrrp_announce_later(struct vrrp_inst *i, uint64_t us, unsigned count);

/**
 * vrrp_announce_refresh - start the garp_master_refresh timer (if set).
 * @i: the instance, just become Master
 */
void vrrp_announce_refresh(struct vrrp_inst *i);

/**
 * vrrp_announce_cancel - drop delayed bursts, paced frames and the refresh.
 * @i: the instance
 */
void vrrp_announce_cancel(struct vrrp_inst *i);

#endif
