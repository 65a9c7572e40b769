/*
 * promote.h - promote_secondaries: while an instance that asks for it runs,
 * net.ipv4.conf.IF.promote_secondaries is 1 on the interface holding its
 * VIPs, so that removing the primary address of a subnet (one instance's
 * VIP) promotes the others instead of deleting them (another instance's
 * VIPs in the same subnet). The value found is given back when the last
 * instance using the interface stops, as keepalived does.
 */
#ifndef DD_VRRP_PROMOTE_H
#define DD_VRRP_PROMOTE_H

/**
 * vrrp_promote_hold - set promote_secondaries on @ifname (if it is not set)
 * for one more user.
 * @ifname: the interface
 * @who: the instance's name, for messages
 * Returns 0, or -1 when the setting could not be changed (logged; the
 * instance runs without it).
 */
int vrrp_promote_hold(const char *ifname, const char *who);

/**
 * vrrp_promote_release - one user of @ifname is gone; the last one puts
 * back the value found by the first hold.
 */
void vrrp_promote_release(const char *ifname);

#endif
