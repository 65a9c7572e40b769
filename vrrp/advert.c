/*
 * advert.c - an instance's adverts on the wire: choosing the source
 * address, building and sending (multicast or to each unicast peer),
 * validating what arrives (packet.h), counting every drop by reason and
 * feeding accepted adverts to the state machine.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "advert.h"
#include "instance.h"
#include "log.h"
#include "proc.h"
#include "sock.h"
#include "timer.h"

#define NAME(i) ((i)->c->name)

/* ---- addresses -------------------------------------------------------- */

/* skip the VIPs of every instance when picking a source address */
static bool skip_any_vip(void *arg, const struct addr *a)
{
	const struct cfg *cfg = arg;
	size_t k;

	for (k = 0; k < cfg->n_vrrps; k++)
		if (vrrp_inst_cfg_has_vip(&cfg->vrrps[k], a))
			return true;
	return false;
}

/* the advert source: unicast_src_ip, mcast_src_ip, else the interface's
 * primary IPv4 address or IPv6 link-local address */
int vrrp_advert_pick_src(struct vrrp_inst *i)
{
	const struct cfg_vrrp *c = i->c;
	char ab[ADDR_STRLEN];

	if (c->n_peers && c->unicast_src.family) {
		i->src = c->unicast_src;
		return 0;
	}
	if (!c->n_peers && c->mcast_src.family) {
		i->src = c->mcast_src;
		return 0;
	}
	if (vrrp_sock_if_addr(c->interface, c->family, skip_any_vip, i->p->cfg,
			      &i->src) < 0) {
		memset(&i->src, 0, sizeof(i->src));
		return -1;
	}
	log_debug("(%s) advert source %s", NAME(i), addr_fmt(&i->src, ab));
	return 0;
}

/* ---- sending ---------------------------------------------------------- */

static void send_one(struct vrrp_inst *i, struct vrrp_pkt_params *pp,
		     const struct addr *dst, bool unicast)
{
	uint8_t buf[VRRP_PKT_MAX];
	ssize_t n;

	pp->dst = *dst;
	if (i->c->family == AF_INET) {
		n = vrrp_pkt_build_ip4(pp, 0, buf, sizeof(buf));
		if (n > 0 && unicast)
			buf[8] = (uint8_t)i->c->unicast_ttl; /* IP TTL */
	} else {
		n = vrrp_pkt_build(pp, buf, sizeof(buf));
	}
	if (n < 0) {
		log_err("(%s) cannot build an advert", NAME(i));
		return;
	}
	vrrp_sock_send(i->sock, buf, (size_t)n, &i->src, dst,
		       unicast ? (int)i->c->unicast_ttl : VRRP_TTL);
}

void vrrp_advert_send(struct vrrp_inst *i, unsigned prio)
{
	const struct cfg_vrrp *c = i->c;
	const struct cfg_global *g = &i->p->cfg->global;
	struct vrrp_pkt_params pp;
	size_t k;

	if (!i->src.family && vrrp_advert_pick_src(i) < 0) {
		log_err("(%s) no %s source address on %s: advert not sent",
			NAME(i), c->family == AF_INET ? "IPv4" : "link-local",
			c->interface);
		return;
	}
	memset(&pp, 0, sizeof(pp));
	pp.version = c->version;
	pp.family = c->family;
	pp.vrid = (uint8_t)c->vrid;
	pp.priority = (uint8_t)prio;
	pp.adver_int = vrrp_timer_us_to_wire(c->version, c->advert_int_us);
	if (c->version == 2 && c->auth_type == CFG_AUTH_PASS) {
		pp.auth_type = VRRP_AUTH_PASS;
		memcpy(pp.auth_pass, c->auth_pass, VRRP_AUTH_LEN);
	}
	pp.addrs = i->vaddrs;
	pp.naddr = i->n_vaddrs;
	pp.src = i->src;
	if (c->n_peers) {
		for (k = 0; k < c->n_peers; k++)
			send_one(i, &pp, &c->peers[k].addr, true);
	} else {
		send_one(i, &pp,
			 c->family == AF_INET ? &g->vrrp_mcast_group4 :
						&g->vrrp_mcast_group6,
			 false);
	}
	i->st.adverts_tx++;
	if (!prio)
		i->st.prio0_tx++;
	vrrp_proc_status_changed(i->p);
}

/* ---- receiving -------------------------------------------------------- */

static const struct cfg_peer *find_peer(const struct cfg_vrrp *c,
					const struct addr *a)
{
	size_t k;

	for (k = 0; k < c->n_peers; k++)
		if (addr_eq(&c->peers[k].addr, a))
			return &c->peers[k];
	return NULL;
}

/* log the 1st, 2nd, 4th, 8th... drop of each reason: visible, bounded */
static bool log_this(uint64_t n)
{
	return (n & (n - 1)) == 0;
}

void vrrp_advert_rx(void *arg, const struct vrrp_rx *rx)
{
	struct vrrp_inst *i = arg;
	const struct cfg_vrrp *c = i->c;
	const struct cfg_peer *peer;
	struct vrrp_pkt_expect exp;
	struct vrrp_pkt_info info;
	struct vrrp_fsm_event ev;
	enum vrrp_pkt_reason r;
	char ab[ADDR_STRLEN];

	memset(&exp, 0, sizeof(exp));
	exp.version = c->version;
	exp.vrid = (uint8_t)c->vrid;
	exp.priority = (uint8_t)c->priority;
	exp.adver_int_s = vrrp_timer_us_to_s(c->advert_int_us);
	if (c->auth_type == CFG_AUTH_PASS) {
		exp.auth_type = VRRP_AUTH_PASS;
		memcpy(exp.auth_pass, c->auth_pass, VRRP_AUTH_LEN);
	}
	exp.addrs = i->vaddrs;
	exp.naddr = i->n_vaddrs;
	exp.skip_check_adv_addr = c->skip_check_adv_addr;
	exp.unicast = c->n_peers > 0;
	exp.owner_keeps_adverts = true;
	memset(&info, 0, sizeof(info));
	if (rx->family == AF_INET)
		r = vrrp_pkt_parse4(rx->buf, rx->len, &exp, &info);
	else
		r = vrrp_pkt_parse6(rx->buf, rx->len, &rx->src, &rx->dst,
				    rx->hoplimit, &exp, &info);
	if (r != VRRP_PKT_OK) {
		i->st.drop[r]++;
		if (log_this(i->st.drop[r]))
			log_warn("(%s) dropped advert from %s: %s (%llu so "
				 "far)",
				 NAME(i), addr_fmt(&info.src, ab),
				 vrrp_pkt_reason_text(r),
				 (unsigned long long)i->st.drop[r]);
		vrrp_proc_status_changed(i->p);
		return;
	}
	if (c->n_peers && c->check_unicast_src) {
		peer = find_peer(c, &info.src);
		if (!peer) {
			i->st.drop_unicast_src++;
			if (log_this(i->st.drop_unicast_src))
				log_warn("(%s) dropped advert from %s: not a "
					 "unicast_peer",
					 NAME(i), addr_fmt(&info.src, ab));
			vrrp_proc_status_changed(i->p);
			return;
		}
		if ((peer->min_ttl >= 0 && info.ttl < peer->min_ttl) ||
		    (peer->max_ttl >= 0 && info.ttl > peer->max_ttl)) {
			i->st.drop_ttl_range++;
			vrrp_proc_status_changed(i->p);
			return;
		}
	}
	i->st.adverts_rx++;
	if (!info.priority)
		i->st.prio0_rx++;
	memset(&ev, 0, sizeof(ev));
	ev.type = VRRP_EV_ADVERT;
	ev.priority = info.priority;
	ev.src = info.src;
	ev.adver_int_us = vrrp_timer_wire_to_us(c->version, info.adver_int);
	vrrp_inst_event(i, &ev);
	vrrp_proc_status_changed(i->p);
}
