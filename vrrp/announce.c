/*
 * announce.c - scheduling of GARP / unsolicited NA for an instance's VIPs.
 * Without vrrp_garp_interval / vrrp_gna_interval a burst goes out at once
 * (keepalived's default); with them every frame waits its interval in a
 * per-instance queue of VIP indices, so a big VIP set does not flood the
 * segment.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "announce.h"
#include "evloop.h"
#include "garp.h"
#include "instance.h"
#include "log.h"
#include "proc.h"
#include "vip.h"

static size_t n_all(const struct vrrp_inst *i)
{
	return i->c->n_vips + i->c->n_evips;
}

/* VIP @k of vips followed by evips, NULL past the end (after a reload) */
static const struct cfg_vip *vip_at(const struct vrrp_inst *i, size_t k)
{
	const struct cfg_vrrp *c = i->c;

	if (k < c->n_vips)
		return &c->vips[k];
	k -= c->n_vips;
	return k < c->n_evips ? &c->evips[k] : NULL;
}

static uint64_t pace_us(const struct vrrp_inst *i, const struct cfg_vip *v)
{
	const struct cfg_global *g = &i->p->cfg->global;

	return v->addr.family == AF_INET6 ? g->vrrp_gna_interval_us :
					    g->vrrp_garp_interval_us;
}

static void send_frame(struct vrrp_inst *i, const struct cfg_vip *v)
{
	if (vrrp_garp_send(i->p->garp_fd, vrrp_vip_ifname(v, i->vif),
			   &v->addr) > 0)
		i->st.garp_tx++;
}

static void pace_fire(struct ev_loop *l, void *arg)
{
	struct vrrp_inst *i = arg;
	const struct cfg_vip *v;

	i->t_pace = NULL;
	while (i->pq_len) {
		v = vip_at(i, i->pq[i->pq_head]);
		i->pq_head = (i->pq_head + 1) % i->pq_cap;
		i->pq_len--;
		if (!v)
			continue;
		send_frame(i, v);
		if (i->pq_len)
			i->t_pace = ev_timer_add(l, ev_now_us() + pace_us(i, v),
						 pace_fire, i);
		break;
	}
	vrrp_proc_status_changed(i->p);
}

/* queue VIP @k for a paced send; returns -1 on allocation failure */
static int pace_push(struct vrrp_inst *i, uint32_t k)
{
	if (i->pq_len == i->pq_cap) {
		size_t cap = i->pq_cap ? i->pq_cap * 2 : 16, n;
		uint32_t *q = malloc(cap * sizeof(*q));

		if (!q)
			return -1;
		for (n = 0; n < i->pq_len; n++)
			q[n] = i->pq[(i->pq_head + n) % i->pq_cap];
		free(i->pq);
		i->pq = q;
		i->pq_cap = cap;
		i->pq_head = 0;
	}
	i->pq[(i->pq_head + i->pq_len) % i->pq_cap] = k;
	i->pq_len++;
	return 0;
}

static void announce(struct vrrp_inst *i, size_t k, unsigned count)
{
	const struct cfg_vip *v = vip_at(i, k);
	unsigned n;

	for (n = 0; v && n < count; n++) {
		if (!pace_us(i, v)) {
			send_frame(i, v);
		} else if (pace_push(i, (uint32_t)k) < 0) {
			log_err("(%s) GARP queue: out of memory", i->c->name);
			return;
		}
	}
}

static void kick(struct vrrp_inst *i)
{
	if (i->pq_len && !i->t_pace)
		pace_fire(i->p->loop, i);
	vrrp_proc_status_changed(i->p);
}

void vrrp_announce_burst(struct vrrp_inst *i, unsigned count)
{
	size_t k;

	if (i->fsm.state != VRRP_STATE_MASTER || !i->vips_up)
		return;
	/* rounds over the VIPs, so pacing spreads each VIP's messages */
	for (; count; count--)
		for (k = 0; k < n_all(i); k++)
			announce(i, k, 1);
	kick(i);
}

void vrrp_announce_vip(struct vrrp_inst *i, const struct cfg_vip *v,
		       unsigned count)
{
	size_t k;

	for (k = 0; k < n_all(i); k++)
		if (vip_at(i, k) == v)
			announce(i, k, count);
	kick(i);
}

static void later_fire(struct ev_loop *l, void *arg)
{
	struct vrrp_garp_job *j = arg;

	j->timer = NULL;
	vrrp_announce_burst(j->inst, j->count);
}

void vrrp_announce_later(struct vrrp_inst *i, uint64_t us, unsigned count)
{
	size_t k;

	for (k = 0; k < VRRP_GARP_JOBS; k++) {
		struct vrrp_garp_job *j = &i->garp[k];

		if (j->timer)
			continue;
		j->inst = i;
		j->count = count;
		j->timer = ev_timer_add(i->p->loop, ev_now_us() + us,
					later_fire, j);
		return;
	}
	log_warn("(%s) too many pending GARP bursts; one dropped", i->c->name);
}

static void refresh_fire(struct ev_loop *l, void *arg)
{
	struct vrrp_inst *i = arg;

	i->t_refresh = NULL;
	vrrp_announce_burst(i, i->c->garp_master_refresh_repeat);
	vrrp_announce_refresh(i);
}

void vrrp_announce_refresh(struct vrrp_inst *i)
{
	ev_timer_cancel(i->p->loop, i->t_refresh);
	i->t_refresh = NULL;
	if (i->fsm.state == VRRP_STATE_MASTER && i->c->garp_master_refresh_us)
		i->t_refresh = ev_timer_add(
			i->p->loop, ev_now_us() + i->c->garp_master_refresh_us,
			refresh_fire, i);
}

void vrrp_announce_cancel(struct vrrp_inst *i)
{
	size_t k;

	for (k = 0; k < VRRP_GARP_JOBS; k++) {
		ev_timer_cancel(i->p->loop, i->garp[k].timer);
		i->garp[k].timer = NULL;
	}
	ev_timer_cancel(i->p->loop, i->t_refresh);
	i->t_refresh = NULL;
	ev_timer_cancel(i->p->loop, i->t_pace);
	i->t_pace = NULL;
	i->pq_len = 0;
}
