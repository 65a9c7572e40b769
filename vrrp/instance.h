/*
 * instance.h - per-instance runtime: binds the pure state machine (fsm.h)
 * to the raw socket, the VIPs, GARP/NA, timers, notifications and core.
 */
#ifndef DD_VRRP_INSTANCE_H
#define DD_VRRP_INSTANCE_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"
#include "fsm.h"
#include "packet.h"

struct ev_timer;
struct vrrp_proc;
struct vrrp_sock;

#define VRRP_GARP_JOBS 4 /* pending delayed GARP bursts per instance */

struct vrrp_inst_stats {
	uint64_t adverts_tx, adverts_rx;
	uint64_t prio0_tx, prio0_rx;
	uint64_t garp_tx;
	uint64_t drop[VRRP_PKT_REASON_MAX]; /* by enum vrrp_pkt_reason */
	uint64_t drop_unicast_src; /* check_unicast_src */
	uint64_t drop_ttl_range; /* unicast_peer min/max_ttl */
	uint64_t vip_restored; /* VIPs re-added after removal */
};

struct vrrp_garp_job {
	struct vrrp_inst *inst;
	struct ev_timer *timer;
	unsigned count;
};

struct vrrp_inst {
	struct vrrp_proc *p;
	const struct cfg_vrrp *c; /* points into p->cfg */
	size_t idx; /* index in p->cfg->vrrps */
	struct vrrp_fsm fsm;
	struct vrrp_sock *sock;
	char vif[IFNAMSIZ]; /* where VIPs without `dev` go (use_vmac: the
			     * macvlan) */
	bool vmac_up; /* we created the macvlan */
	/* the interface whose promote_secondaries we hold ("": none) */
	char promote_if[IFNAMSIZ];
	bool vmac_missing; /* the macvlan was deleted and is not back yet:
			    * one more FAULT input (track.c) */
	struct addr src; /* advert source; FSM tie-break address */
	struct addr *vaddrs; /* c->vips addresses, for adverts */
	size_t n_vaddrs;
	struct ev_timer *t_adver, *t_down, *t_preempt, *t_refresh;
	struct vrrp_garp_job garp[VRRP_GARP_JOBS]; /* delayed bursts */
	/* paced GARP/NA: a ring of VIP indices (announce.c) */
	uint32_t *pq;
	size_t pq_head, pq_len, pq_cap;
	struct ev_timer *t_pace;
	bool started; /* vrrp_inst_start succeeded, not stopped since */
	bool vips_up; /* we added the VIPs */
	bool fault; /* trackers say FAULT (fed to the FSM) */
	bool stepped_down;
	uint64_t learned_int_us; /* Master_Adver_Interval in force */
	uint64_t transitions;
	uint16_t ip_id;
	struct vrrp_inst_stats st;
};

/**
 * vrrp_inst_new - create the runtime of one configured instance (Initialize).
 * @p: the process context
 * @idx: index into p->cfg->vrrps
 * Returns the instance or NULL (logged).
 */
struct vrrp_inst *vrrp_inst_new(struct vrrp_proc *p, size_t idx);

/**
 * vrrp_inst_group - the multicast group the instance's socket joins.
 * @i: the instance
 * Returns vrrp_mcast_group4/6, or NULL for an instance with unicast peers
 * (it joins nothing, as keepalived).
 */
const struct addr *vrrp_inst_group(const struct vrrp_inst *i);

/**
 * vrrp_inst_start - open the socket, remove leftover VIPs and feed Startup.
 * @i: the instance
 * Returns 0, or -1 when the socket cannot be opened (logged).
 */
int vrrp_inst_start(struct vrrp_inst *i);

/**
 * vrrp_inst_same - whether a reloaded instance is the same instance: same
 * name, interface, VRID, family and version (it then keeps its state).
 * @a: the running configuration
 * @b: the reloaded one
 * Returns true when @b can take over @a's runtime.
 */
bool vrrp_inst_same(const struct cfg_vrrp *a, const struct cfg_vrrp *b);

/**
 * vrrp_inst_reconfigure - point @i at its reloaded configuration without a
 * flap: the state and VIPs are kept, no extra GARP; a changed priority or
 * interval goes out in the next advert; VIPs added to or removed from the
 * list are added/removed when Master.
 * @i: the instance
 * @idx: its index in the new p->cfg
 * @old: its previous configuration (still valid during the call)
 */
void vrrp_inst_reconfigure(struct vrrp_inst *i, size_t idx,
			   const struct cfg_vrrp *old);

/**
 * vrrp_inst_event - feed one FSM event and run the resulting actions.
 * @i: the instance
 * @ev: the event
 */
void vrrp_inst_event(struct vrrp_inst *i, const struct vrrp_fsm_event *ev);

/**
 * vrrp_inst_vmac_back - the use_vmac macvlan was recreated: a Master
 * sends an advert, adds its VIPs again and announces them as after a
 * transition; any other state needs nothing.
 * @i: the instance
 */
void vrrp_inst_vmac_back(struct vrrp_inst *i);

/**
 * vrrp_inst_stepdown - planned handover: send priority 0, go Backup and do
 * not preempt back until the next reload.
 * @i: the instance
 * Returns 0, or -1 when the instance is not Master.
 */
int vrrp_inst_stepdown(struct vrrp_inst *i);

/**
 * vrrp_inst_vip_removed - an address was removed from an interface; if it
 * is one of our VIPs and we are Master, put it back and announce it.
 * @i: the instance
 * @ifindex: where it was removed
 * @a: the address
 */
void vrrp_inst_vip_removed(struct vrrp_inst *i, unsigned ifindex,
			   const struct addr *a);

/**
 * vrrp_inst_cfg_has_vip - whether @a is one of @c's VIPs or excluded VIPs.
 */
bool vrrp_inst_cfg_has_vip(const struct cfg_vrrp *c, const struct addr *a);

/**
 * vrrp_inst_is_vip - whether @a is one of @i's VIPs or excluded VIPs.
 */
bool vrrp_inst_is_vip(const struct vrrp_inst *i, const struct addr *a);

/**
 * vrrp_inst_stop - Shutdown: a Master sends priority 0 and removes its
 * VIPs; notify_stop runs; timers and the socket are released.
 * @i: the instance
 */
void vrrp_inst_stop(struct vrrp_inst *i);

/**
 * vrrp_inst_free - release a stopped instance (NULL is fine).
 */
void vrrp_inst_free(struct vrrp_inst *i);

#endif
