/*
 * advert.h - sending and receiving one instance's VRRP adverts.
 */
#ifndef DD_VRRP_ADVERT_H
#define DD_VRRP_ADVERT_H

struct vrrp_inst;
struct vrrp_rx;

/**
 * vrrp_advert_pick_src - choose the advert source address (also the FSM's
 * tie-break address): unicast_src_ip with unicast peers, mcast_src_ip
 * otherwise, else the interface's first IPv4 address (RFC 5798 section
 * 5.1.1.1) or its IPv6 link-local address (section 5.1.2.1), never a VIP.
 * @i: the instance; i->src is set (zeroed when none is found)
 * Returns 0, or -1 when the interface has no usable address.
 */
int vrrp_advert_pick_src(struct vrrp_inst *i);

/**
 * vrrp_advert_send - send one advert with @prio to the group or to every
 * unicast peer, and count it.
 * @i: the instance
 * @prio: the priority to advertise (0: stepping down)
 */
void vrrp_advert_send(struct vrrp_inst *i, unsigned prio);

/**
 * vrrp_advert_rx - receive callback (vrrp_sock_rx_cb): validate, count,
 * check unicast peers, feed the FSM.
 * @inst: the instance
 * @rx: the datagram
 */
void vrrp_advert_rx(void *inst, const struct vrrp_rx *rx);

#endif
