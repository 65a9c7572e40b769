/*
 * instance.c - one VRRP instance at run time: feeds the pure state machine
 * (fsm.h) with adverts and timer expiries and executes its actions in
 * order on the real socket, VIPs, GARP/NA, timers and notifications.
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "advert.h"
#include "announce.h"
#include "evloop.h"
#include "instance.h"
#include "ipc.h"
#include "log.h"
#include "notify.h"
#include "proc.h"
#include "sock.h"
#include "sync.h"
#include "timer.h"
#include "promote.h"
#include "track.h"
#include "vip.h"
#include "vmac.h"

#define NAME(i) ((i)->c->name)

/* ---- addresses -------------------------------------------------------- */

bool vrrp_inst_cfg_has_vip(const struct cfg_vrrp *c, const struct addr *a)
{
	size_t k;

	for (k = 0; k < c->n_vips; k++)
		if (addr_eq(&c->vips[k].addr, a))
			return true;
	for (k = 0; k < c->n_evips; k++)
		if (addr_eq(&c->evips[k].addr, a))
			return true;
	return false;
}

bool vrrp_inst_is_vip(const struct vrrp_inst *i, const struct addr *a)
{
	return vrrp_inst_cfg_has_vip(i->c, a);
}

static void fill_vaddrs(struct vrrp_inst *i)
{
	size_t k;

	free(i->vaddrs);
	i->n_vaddrs = 0;
	i->vaddrs = calloc(i->c->n_vips ? i->c->n_vips : 1, sizeof(*i->vaddrs));
	if (!i->vaddrs)
		return;
	for (k = 0; k < i->c->n_vips; k++)
		i->vaddrs[k] = i->c->vips[k].addr;
	i->n_vaddrs = i->c->n_vips;
}

static void fsm_cfg_from(const struct vrrp_inst *i, struct vrrp_fsm_cfg *f)
{
	const struct cfg_vrrp *c = i->c;

	memset(f, 0, sizeof(*f));
	f->version = c->version;
	f->priority = c->priority;
	f->adver_int_us = c->advert_int_us;
	f->down_timer_adverts = c->down_timer_adverts;
	f->state_master = c->state_master;
	f->nopreempt = c->nopreempt;
	f->preempt_delay_us = c->preempt_delay_us;
	f->primary = i->src;
	f->higher_prio_send_advert = c->higher_prio_send_advert;
	f->lower_prio_no_advert = c->lower_prio_no_advert;
	f->garp_master_delay_us = c->garp_master_delay_us;
	f->garp_master_repeat = c->garp_master_repeat;
	f->garp_lower_prio_delay_us = c->garp_lower_prio_delay_us;
	f->garp_lower_prio_repeat = c->garp_lower_prio_repeat;
}

/* ---- VIPs and GARP ---------------------------------------------------- */

static void vips_apply(struct vrrp_inst *i, bool add)
{
	const struct cfg_vrrp *c = i->c;
	struct mnl_socket *nl = i->p->nl;
	char ab[ADDR_STRLEN];
	size_t k;

	for (k = 0; k < c->n_vips + c->n_evips; k++) {
		const struct cfg_vip *v =
			k < c->n_vips ? &c->vips[k] : &c->evips[k - c->n_vips];
		int rc = add ? vrrp_vip_add(nl, v, i->vif) :
			       vrrp_vip_del(nl, v, i->vif);

		if (rc > 0)
			log_info("(%s) %s %s/%u %s %s", NAME(i),
				 add ? "adding" : "removing",
				 addr_fmt(&v->addr, ab), v->prefix,
				 add ? "to" : "from",
				 vrrp_vip_ifname(v, i->vif));
	}
	i->vips_up = add;
}

/* ---- timers ----------------------------------------------------------- */

static void timer_event(struct vrrp_inst *i, enum vrrp_fsm_ev_type t)
{
	struct vrrp_fsm_event ev = { .type = t };

	vrrp_inst_event(i, &ev);
}

static void adver_fire(struct ev_loop *l, void *arg)
{
	struct vrrp_inst *i = arg;

	i->t_adver = NULL;
	timer_event(i, VRRP_EV_ADVER_TIMER);
}

static void down_fire(struct ev_loop *l, void *arg)
{
	struct vrrp_inst *i = arg;

	i->t_down = NULL;
	timer_event(i, VRRP_EV_MASTER_DOWN);
}

static void preempt_fire(struct ev_loop *l, void *arg)
{
	struct vrrp_inst *i = arg;

	i->t_preempt = NULL;
	timer_event(i, VRRP_EV_PREEMPT_DELAY);
}

static void tmr_arm(struct vrrp_inst *i, struct ev_timer **slot, uint64_t us,
		    ev_timer_cb cb)
{
	ev_timer_cancel(i->p->loop, *slot);
	/* the loop's timerfd wakes it at this exact deadline (evloop.c) */
	*slot = ev_timer_add(i->p->loop, ev_now_us() + us, cb, i);
	if (!*slot)
		log_err("(%s) cannot arm a timer: out of memory", NAME(i));
}

static void tmr_cancel(struct vrrp_inst *i, struct ev_timer **slot)
{
	ev_timer_cancel(i->p->loop, *slot);
	*slot = NULL;
}

/* ---- state changes ---------------------------------------------------- */

static uint8_t ipc_state(enum vrrp_state s)
{
	switch (s) {
	case VRRP_STATE_BACKUP:
		return IPC_ST_BACKUP;
	case VRRP_STATE_MASTER:
		return IPC_ST_MASTER;
	case VRRP_STATE_FAULT:
		return IPC_ST_FAULT;
	default:
		return IPC_ST_INIT;
	}
}

static void on_state(struct vrrp_inst *i, enum vrrp_state from,
		     enum vrrp_state to)
{
	const struct cfg_vrrp *c = i->c;
	struct ipc_vrrp_state m;

	i->transitions++;
	log_info("(%s) Entering %s STATE", NAME(i), vrrp_state_name(to));
	memset(&m, 0, sizeof(m));
	snprintf(m.name, sizeof(m.name), "%s", c->name);
	m.state = ipc_state(to);
	m.prev = ipc_state(from);
	m.priority = (uint16_t)i->fsm.priority;
	m.master = i->fsm.master;
	if (ipc_send(i->p->ipc_fd, IPC_VRRP_STATE, &m, sizeof(m)) < 0)
		log_warn("(%s) state to core: %s", NAME(i), strerror(errno));
	vrrp_announce_refresh(i);
	if (to != VRRP_STATE_INIT)
		vrrp_notify_event(
			i->p, "INSTANCE", c->name, vrrp_state_name(to),
			i->fsm.priority, &c->notify_master, &c->notify_backup,
			&c->notify_fault, &c->notify_stop, &c->notify);
	vrrp_proc_status_changed(i->p);
	vrrp_sync_follow(i, from, to);
}

static void run_actions(struct vrrp_inst *i, const struct vrrp_fsm_out *o)
{
	char ab[ADDR_STRLEN];
	size_t k;

	for (k = 0; k < o->n; k++) {
		const struct vrrp_fsm_action *a = &o->act[k];

		switch (a->type) {
		case VRRP_ACT_SEND_ADVERT:
			/* none while a recreated macvlan has no socket yet
			 * (vmac_watch.c); the instance is in FAULT then */
			if (i->sock)
				vrrp_advert_send(i, a->priority);
			break;
		case VRRP_ACT_ADD_VIPS:
			vips_apply(i, true);
			break;
		case VRRP_ACT_DEL_VIPS:
			vips_apply(i, false);
			break;
		case VRRP_ACT_GARP:
			if (a->us)
				vrrp_announce_later(i, a->us, a->count);
			else
				vrrp_announce_burst(i, a->count);
			break;
		case VRRP_ACT_GARP_CANCEL:
			vrrp_announce_cancel(i);
			break;
		case VRRP_ACT_MASTER_DOWN_ARM:
			tmr_arm(i, &i->t_down, a->us, down_fire);
			break;
		case VRRP_ACT_MASTER_DOWN_CANCEL:
			tmr_cancel(i, &i->t_down);
			break;
		case VRRP_ACT_ADVER_ARM:
			tmr_arm(i, &i->t_adver, a->us, adver_fire);
			break;
		case VRRP_ACT_ADVER_CANCEL:
			tmr_cancel(i, &i->t_adver);
			break;
		case VRRP_ACT_PREEMPT_ARM:
			tmr_arm(i, &i->t_preempt, a->us, preempt_fire);
			break;
		case VRRP_ACT_PREEMPT_CANCEL:
			tmr_cancel(i, &i->t_preempt);
			break;
		case VRRP_ACT_LEARN_INTERVAL:
			if (a->us != i->learned_int_us)
				log_debug("(%s) Master_Adver_Interval %llu us",
					  NAME(i), (unsigned long long)a->us);
			i->learned_int_us = a->us;
			break;
		case VRRP_ACT_SET_MASTER:
			if (!addr_eq(&a->addr, &i->fsm.master) ||
			    a->addr.family)
				log_debug("(%s) master is %s", NAME(i),
					  addr_fmt(&a->addr, ab));
			vrrp_proc_status_changed(i->p);
			break;
		case VRRP_ACT_STATE:
			on_state(i, a->from, a->to);
			break;
		case VRRP_ACT_MAX:
			break;
		}
	}
}

void vrrp_inst_event(struct vrrp_inst *i, const struct vrrp_fsm_event *ev)
{
	struct vrrp_fsm_out out;

	vrrp_fsm_handle(&i->fsm, ev, &out);
	run_actions(i, &out);
}

/* ---- life cycle ------------------------------------------------------- */

/* the interface adverts use: with use_vmac the macvlan, so they leave
 * with the virtual MAC and are heard (the kernel hands a multicast frame
 * whose source MAC is one of its own macvlans' to that macvlan only, never
 * to the base); with vmac_xmit_base or unicast peers the base (a unicast
 * advert is addressed to the peer's base MAC, and ARP for the peer from a
 * macvlan would reach only the peer's own macvlan) */
static const char *adv_ifname(const struct vrrp_inst *i)
{
	const struct cfg_vrrp *c = i->c;

	return c->use_vmac && !c->vmac_xmit_base && !c->n_peers ? i->vif :
								  c->interface;
}

static void vmac_stop(struct vrrp_inst *i)
{
	if (i->vmac_up)
		vrrp_vmac_delete(i->p->nl, i->vif, i->c->interface);
	i->vmac_up = false;
}

struct vrrp_inst *vrrp_inst_new(struct vrrp_proc *p, size_t idx)
{
	struct vrrp_inst *i = calloc(1, sizeof(*i));

	if (!i)
		return NULL;
	i->p = p;
	i->idx = idx;
	i->c = &p->cfg->vrrps[idx];
	fill_vaddrs(i);
	snprintf(i->vif, sizeof(i->vif), "%s", i->c->interface);
	if (i->c->use_vmac && vrrp_vmac_name(i->c->vmac_name, i->c->family,
					     i->c->vrid, i->vif) < 0) {
		log_err("(%s) use_vmac: the name for VRID %u does not fit",
			NAME(i), i->c->vrid);
		vrrp_inst_free(i);
		return NULL;
	}
	return i;
}

const struct addr *vrrp_inst_group(const struct vrrp_inst *i)
{
	const struct cfg_global *g = &i->p->cfg->global;

	/* unicast, or unicast_fault_no_peer without peers (FAULT, silent) */
	if (i->c->n_peers || i->c->unicast_fault_no_peer)
		return NULL;
	return i->c->family == AF_INET ? &g->vrrp_mcast_group4 :
					 &g->vrrp_mcast_group6;
}

int vrrp_inst_start(struct vrrp_inst *i)
{
	const struct cfg_vrrp *c = i->c;
	struct vrrp_fsm_cfg fc;
	struct vrrp_fsm_event ev = { .type = VRRP_EV_STARTUP };

	if (c->use_vmac) {
		if (vrrp_vmac_create(i->p->nl, i->vif, c->interface, c->family,
				     c->vrid) < 0)
			return -1;
		i->vmac_up = true;
	}
	i->sock = vrrp_sock_get(&i->p->socks, i->p->loop, c->family,
				adv_ifname(i), vrrp_inst_group(i));
	if (!i->sock) {
		vmac_stop(i);
		return -1;
	}
	if (vrrp_sock_attach(i->sock, c->vrid, vrrp_advert_rx, i) < 0) {
		vrrp_sock_put(&i->p->socks, i->sock);
		i->sock = NULL;
		vmac_stop(i);
		return -1;
	}
	if (c->promote_secondaries && c->family == AF_INET) {
		const char *ifn = i->vmac_up ? i->vif : c->interface;

		if (vrrp_promote_hold(ifn, NAME(i)) == 0)
			snprintf(i->promote_if, sizeof(i->promote_if), "%s",
				 ifn);
	}
	/* leftovers of a previous run (crash, kill -9): a new instance starts
	 * without its VIPs, as keepalived's remove_residual_vips() */
	vips_apply(i, false);
	if (vrrp_advert_pick_src(i) < 0)
		log_warn("(%s) no %s address on %s yet", NAME(i),
			 c->family == AF_INET ? "IPv4" : "link-local",
			 c->interface);
	else if (i->vmac_up && c->family == AF_INET6)
		vrrp_vmac_add_ll(i->p->nl, i->vif, &i->src);
	if (c->unicast_fault_no_peer && !c->n_peers)
		log_warn(
			"(%s) unicast_fault_no_peer and no unicast_peer: FAULT",
			NAME(i));
	fsm_cfg_from(i, &fc);
	vrrp_fsm_init(&i->fsm, &fc);
	i->learned_int_us = c->advert_int_us;
	i->started = true;
	vrrp_track_apply(i);
	vrrp_inst_event(i, &ev);
	vrrp_proc_status_changed(i->p);
	return 0;
}

bool vrrp_inst_same(const struct cfg_vrrp *a, const struct cfg_vrrp *b)
{
	return !strcmp(a->name, b->name) &&
	       !strcmp(a->interface, b->interface) && a->vrid == b->vrid &&
	       a->family == b->family && a->version == b->version &&
	       a->use_vmac == b->use_vmac &&
	       !strcmp(a->vmac_name, b->vmac_name) &&
	       a->vmac_xmit_base == b->vmac_xmit_base;
}

static bool vip_in(const struct cfg_vip *v, size_t n, const struct addr *a)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (addr_eq(&v[k].addr, a))
			return true;
	return false;
}

/* apply VIP list edits to a Master: remove dropped, add (and announce) new */
static void vips_diff(struct vrrp_inst *i, const struct cfg_vip *ov, size_t on,
		      const struct cfg_vip *nv, size_t nn)
{
	const char *ifn = i->vif;
	size_t k;

	for (k = 0; k < on; k++)
		if (!vip_in(nv, nn, &ov[k].addr))
			vrrp_vip_del(i->p->nl, &ov[k], ifn);
	for (k = 0; k < nn; k++) {
		if (vip_in(ov, on, &nv[k].addr))
			continue;
		if (vrrp_vip_add(i->p->nl, &nv[k], ifn) >= 0)
			vrrp_announce_vip(i, &nv[k], i->c->garp_master_repeat);
	}
}

void vrrp_inst_reconfigure(struct vrrp_inst *i, size_t idx,
			   const struct cfg_vrrp *old)
{
	struct vrrp_fsm_event ev = { .type = VRRP_EV_RESUME };
	struct vrrp_fsm_cfg fc;
	struct vrrp_fsm_out out;

	i->idx = idx;
	i->c = &i->p->cfg->vrrps[idx];
	fill_vaddrs(i);
	if (i->fsm.state == VRRP_STATE_MASTER && i->vips_up) {
		vips_diff(i, old->vips, old->n_vips, i->c->vips, i->c->n_vips);
		vips_diff(i, old->evips, old->n_evips, i->c->evips,
			  i->c->n_evips);
	}
	vrrp_advert_pick_src(i);
	fsm_cfg_from(i, &fc);
	vrrp_fsm_reconfigure(&i->fsm, &fc, &out);
	run_actions(i, &out);
	if (i->stepped_down) {
		i->stepped_down = false;
		vrrp_inst_event(i, &ev);
	}
	vrrp_track_apply(i);
	vrrp_proc_status_changed(i->p);
}

void vrrp_inst_vmac_back(struct vrrp_inst *i)
{
	const struct cfg_vrrp *c = i->c;

	if (i->fsm.state != VRRP_STATE_MASTER || !i->vips_up)
		return;
	vrrp_advert_send(i, i->fsm.priority);
	vips_apply(i, true);
	vrrp_announce_burst(i, c->garp_master_repeat);
	if (c->garp_master_delay_us)
		vrrp_announce_later(i, c->garp_master_delay_us,
				    c->garp_master_repeat);
}

int vrrp_inst_stepdown(struct vrrp_inst *i)
{
	struct vrrp_fsm_event ev = { .type = VRRP_EV_STEPDOWN };

	if (i->fsm.state != VRRP_STATE_MASTER)
		return -1;
	log_info("(%s) stepping down on request (planned handover)", NAME(i));
	i->stepped_down = true;
	vrrp_inst_event(i, &ev);
	return 0;
}

void vrrp_inst_vip_removed(struct vrrp_inst *i, unsigned ifindex,
			   const struct addr *a)
{
	const struct cfg_vrrp *c = i->c;
	char ab[ADDR_STRLEN];
	size_t k;

	if (i->fsm.state != VRRP_STATE_MASTER || !i->vips_up)
		return;
	for (k = 0; k < c->n_vips + c->n_evips; k++) {
		const struct cfg_vip *v =
			k < c->n_vips ? &c->vips[k] : &c->evips[k - c->n_vips];
		const char *ifn = vrrp_vip_ifname(v, i->vif);

		if (v->no_track || !addr_eq(&v->addr, a) ||
		    if_nametoindex(ifn) != ifindex)
			continue;
		log_warn("(%s) VIP %s was removed from %s behind our back: "
			 "restoring it",
			 NAME(i), addr_fmt(a, ab), ifn);
		if (vrrp_vip_add(i->p->nl, v, i->vif) >= 0) {
			i->st.vip_restored++;
			vrrp_announce_vip(i, v, c->garp_master_repeat);
		}
		vrrp_proc_status_changed(i->p);
	}
}

void vrrp_inst_stop(struct vrrp_inst *i)
{
	const struct cfg_vrrp *c = i->c;
	struct vrrp_fsm_event ev = { .type = VRRP_EV_SHUTDOWN };

	if (i->started) {
		i->started = false;
		vrrp_inst_event(i, &ev);
		if (i->vips_up)
			vips_apply(i, false);
		vrrp_notify_event(i->p, "INSTANCE", c->name, "STOP",
				  i->fsm.priority, NULL, NULL, NULL,
				  &c->notify_stop, &c->notify);
	}
	tmr_cancel(i, &i->t_adver);
	tmr_cancel(i, &i->t_down);
	tmr_cancel(i, &i->t_preempt);
	vrrp_announce_cancel(i);
	if (i->sock) {
		vrrp_sock_detach(i->sock, c->vrid, i);
		vrrp_sock_put(&i->p->socks, i->sock);
		i->sock = NULL;
	}
	if (i->promote_if[0]) {
		vrrp_promote_release(i->promote_if);
		i->promote_if[0] = '\0';
	}
	vmac_stop(i);
}

void vrrp_inst_free(struct vrrp_inst *i)
{
	if (!i)
		return;
	free(i->vaddrs);
	free(i->pq);
	free(i);
}
