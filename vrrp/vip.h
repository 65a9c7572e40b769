/*
 * vip.h - add and remove virtual IP addresses over rtnetlink (libmnl), the
 * way `ip addr add/del` does: one RTM_NEWADDR / RTM_DELADDR per address,
 * acknowledged before returning.
 */
#ifndef DD_VRRP_VIP_H
#define DD_VRRP_VIP_H

#include <stdbool.h>
#include <libmnl/libmnl.h>

#include "cfg.h"

struct mnl_socket;

/**
 * vrrp_vip_open - open the rtnetlink socket used for address requests.
 * Returns the socket or NULL (logged).
 */
struct mnl_socket *vrrp_vip_open(void);

/**
 * vrrp_vip_close - close a socket from vrrp_vip_open (NULL is fine).
 */
void vrrp_vip_close(struct mnl_socket *nl);

/**
 * vrrp_nl_talk - send one rtnetlink request and read until its answer ends.
 * @nl: a socket from vrrp_vip_open
 * @nlh: the request (with NLM_F_ACK so that an acknowledgement ends it)
 * @cb: run on each answer message (NULL: only errors and the ACK matter)
 * @arg: passed to @cb
 * Returns 0, or -errno (the kernel's error, or -EPROTO).
 */
int vrrp_nl_talk(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		 void *arg);

/**
 * vrrp_vip_ifname - the interface a VIP lives on.
 * @v: the VIP
 * @inst_if: the instance's interface (used when the VIP has no `dev`)
 * Returns @v->dev or @inst_if.
 */
const char *vrrp_vip_ifname(const struct cfg_vip *v, const char *inst_if);

/**
 * vrrp_vip_add - add @v with its prefix, broadcast, label, scope and, for
 * IPv6, IFA_F_NODAD (and preferred lifetime 0 for /128, so the kernel does
 * not pick the VIP as a source address).
 * @nl: from vrrp_vip_open
 * @v: the VIP
 * @inst_if: the instance's interface
 * Returns 1 when added, 0 when it was already there, -1 on error (logged).
 */
int vrrp_vip_add(struct mnl_socket *nl, const struct cfg_vip *v,
		 const char *inst_if);

/**
 * vrrp_vip_del - remove @v.
 * @nl: from vrrp_vip_open
 * @v: the VIP
 * @inst_if: the instance's interface
 * Returns 1 when removed, 0 when it was not there, -1 on error (logged).
 */
int vrrp_vip_del(struct mnl_socket *nl, const struct cfg_vip *v,
		 const char *inst_if);

#endif
