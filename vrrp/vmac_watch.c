/*
 * vmac_watch.c - the record of the macvlans this process created, and
 * their recreation when one is deleted behind our back (RTM_DELLINK from
 * the monitor): same name, MAC, mode, sysctls and base, the instance kept
 * in its role, with a bounded back-off (FAULT meanwhile) when that fails.
 */
#include "config.h"

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "advert.h"
#include "evloop.h"
#include "instance.h"
#include "log.h"
#include "proc.h"
#include "sock.h"
#include "track.h"
#include "vmac.h"
#include "vmac_int.h"

/* a macvlan that lived this long since its last recreation is stable
 * again: the next deletion starts the back-off from the beginning */
#define VMAC_STABLE_US 30000000ULL
#define VMAC_RETRY_FIRST_US 100000ULL
#define VMAC_RETRY_MAX_US 10000000ULL

/* what we keep of every macvlan we created: enough to recreate it, and
 * the recreation state after a deletion behind our back */
struct vmac_rec {
	struct vmac_rec *next;
	char name[IFNAMSIZ], base[IFNAMSIZ];
	int family;
	unsigned vrid;
	unsigned ifindex; /* 0 while it is missing */
	unsigned tries; /* recreations since it was last stable */
	uint64_t made_us; /* when it was last (re)created */
	bool wait_base; /* the base is gone: retry when it reappears */
	struct vrrp_proc *p; /* set once it was lost (for the timer) */
	struct ev_timer *retry;
};

static struct vmac_rec *recs;

static struct vmac_rec *rec_by_name(const char *name)
{
	struct vmac_rec *r;

	for (r = recs; r; r = r->next)
		if (!strcmp(r->name, name))
			return r;
	return NULL;
}

static struct vmac_rec *rec_by_index(unsigned ifindex)
{
	struct vmac_rec *r;

	for (r = recs; r && ifindex; r = r->next)
		if (r->ifindex == ifindex)
			return r;
	return NULL;
}

int vmac_rec_add(const char *name, const char *base, int family, unsigned vrid,
		 unsigned ifindex)
{
	struct vmac_rec *r = rec_by_name(name);

	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r) {
			log_err("vmac: %s: out of memory", name);
			return -1;
		}
		r->next = recs;
		recs = r;
	}
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->base, sizeof(r->base), "%s", base);
	r->family = family;
	r->vrid = vrid;
	r->ifindex = ifindex;
	r->made_us = ev_now_us();
	return 0;
}

int vmac_rec_del(const char *name)
{
	struct vmac_rec **pp, *r;
	int family;

	for (pp = &recs; *pp; pp = &(*pp)->next) {
		if (strcmp((*pp)->name, name))
			continue;
		r = *pp;
		*pp = r->next;
		if (r->retry && r->p)
			ev_timer_cancel(r->p->loop, r->retry);
		family = r->family;
		free(r);
		return family;
	}
	return 0;
}

/* ---- recreation after a deletion behind our back ---------------------- */

bool vrrp_vmac_backoff(unsigned tries, uint64_t *delay_us)
{
	uint64_t d = VMAC_RETRY_FIRST_US;
	unsigned k;

	if (tries >= VRRP_VMAC_TRIES)
		return false;
	if (!tries) {
		*delay_us = 0;
		return true;
	}
	for (k = 1; k < tries && d < VMAC_RETRY_MAX_US; k++)
		d *= 2;
	*delay_us = d < VMAC_RETRY_MAX_US ? d : VMAC_RETRY_MAX_US;
	return true;
}

/* the running instance whose macvlan @r is (NULL: none, or stopping) */
static struct vrrp_inst *rec_owner(const struct vmac_rec *r)
{
	struct vrrp_proc *p = r->p;
	size_t k;

	if (!p || p->stopping)
		return NULL;
	for (k = 0; k < p->n_insts; k++) {
		struct vrrp_inst *i = p->insts[k];

		if (i && i->vmac_up && !strcmp(i->vif, r->name))
			return i;
	}
	return NULL;
}

bool vrrp_vmac_fault_held(const char *name)
{
	const struct vmac_rec *r = rec_by_name(name);
	const struct vrrp_inst *i = r ? rec_owner(r) : NULL;

	return i && i->vmac_missing;
}

/* hold @i in FAULT while its macvlan is missing: a Master cannot serve
 * VIPs that have no interface, so the peer must take over */
static void hold_fault(struct vrrp_inst *i)
{
	if (i->vmac_missing)
		return;
	i->vmac_missing = true;
	vrrp_track_apply(i);
	vrrp_proc_status_changed(i->p);
}

/* adverts leave from the macvlan unless vmac_xmit_base or unicast peers
 * send them from the base (instance.c, adv_ifname) */
static bool adverts_on_vmac(const struct cfg_vrrp *c)
{
	return c->use_vmac && !c->vmac_xmit_base && !c->n_peers;
}

/* the advert socket was bound to the deleted interface: open one on the
 * new one (the pool finds sockets by name, so the old one goes first) */
static int sock_reopen(struct vmac_rec *r, struct vrrp_inst *i)
{
	const struct cfg_vrrp *c = i->c;
	struct vrrp_sock *s;

	if (i->sock) {
		vrrp_sock_detach(i->sock, c->vrid, i);
		vrrp_sock_put(&i->p->socks, i->sock);
		i->sock = NULL;
	}
	s = vrrp_sock_get(&i->p->socks, i->p->loop, c->family, r->name,
			  vrrp_inst_group(i));
	if (!s)
		return -1;
	if (vrrp_sock_attach(s, c->vrid, vrrp_advert_rx, i) < 0) {
		vrrp_sock_put(&i->p->socks, s);
		return -1;
	}
	i->sock = s;
	return 0;
}

/* recreate the link and what hangs on it; -1 (logged) on failure */
static int rebuild(struct vmac_rec *r, struct vrrp_inst *i)
{
	struct mnl_socket *nl = i->p->nl;
	unsigned base_idx = if_nametoindex(r->base);
	int idx;

	/* from here on a deletion of that index is our own doing (a
	 * half-made macvlan of a failed attempt is replaced below) */
	r->ifindex = 0;
	if (!base_idx)
		return -1;
	/* whatever took the name meanwhile: ours is replaced, anything
	 * else is left alone (and this attempt fails) */
	if (vmac_remove_ours(nl, r->name, base_idx, r->base) < 0)
		return -1;
	if (vmac_base_reapply(r->base) < 0)
		return -1;
	idx = vmac_make_link(nl, r->name, r->base, base_idx, r->family,
			     r->vrid);
	if (idx < 0)
		return -1;
	r->ifindex = (unsigned)idx;
	r->made_us = ev_now_us();
	if (adverts_on_vmac(i->c) && sock_reopen(r, i) < 0) {
		log_err("(%s) %s: no advert socket on the recreated macvlan",
			i->c->name, r->name);
		return -1;
	}
	if (r->family == AF_INET6 && i->src.family == AF_INET6 &&
	    vrrp_vmac_add_ll(nl, r->name, &i->src) < 0)
		return -1;
	return 0;
}

/* back: an instance held in FAULT leaves it (trackers permitting); a
 * Master recreated at once re-adds its VIPs and announces them */
static void restored(struct vmac_rec *r, struct vrrp_inst *i)
{
	r->wait_base = false;
	log_info("(%s) macvlan %s recreated on %s (index %u)", i->c->name,
		 r->name, r->base, r->ifindex);
	if (i->vmac_missing) {
		i->vmac_missing = false;
		vrrp_track_apply(i);
	} else {
		vrrp_inst_vmac_back(i);
	}
	vrrp_proc_status_changed(i->p);
}

static void attempt(struct vmac_rec *r, struct vrrp_inst *i);

static void retry_fire(struct ev_loop *l, void *arg)
{
	struct vmac_rec *r = arg;
	struct vrrp_inst *i;

	r->retry = NULL;
	i = rec_owner(r);
	if (i)
		attempt(r, i);
}

/* the next attempt, now or after the back-off, or give up */
static void schedule(struct vmac_rec *r, struct vrrp_inst *i)
{
	uint64_t d;

	if (!vrrp_vmac_backoff(r->tries, &d)) {
		log_err("(%s) giving up recreating macvlan %s after %u "
			"attempts: FAULT until directord is restarted",
			i->c->name, r->name, r->tries);
		hold_fault(i);
		return;
	}
	r->tries++;
	if (!d) {
		attempt(r, i);
		return;
	}
	/* no Master without its VIPs' interface while waiting: FAULT
	 * makes it step aside for the peer (its own Master_Down) */
	hold_fault(i);
	r->retry = ev_timer_add(i->p->loop, ev_now_us() + d, retry_fire, r);
	if (!r->retry) {
		log_err("(%s) %s: cannot arm the retry timer: out of memory",
			i->c->name, r->name);
		return;
	}
	log_info("(%s) retrying macvlan %s in %llu ms (attempt %u of %u)",
		 i->c->name, r->name, (unsigned long long)d / 1000, r->tries,
		 VRRP_VMAC_TRIES);
}

static void attempt(struct vmac_rec *r, struct vrrp_inst *i)
{
	if (!if_nametoindex(r->base)) {
		log_warn("(%s) base interface %s of macvlan %s is gone: "
			 "FAULT until it is back",
			 i->c->name, r->base, r->name);
		r->wait_base = true;
		hold_fault(i);
		return;
	}
	r->wait_base = false;
	if (rebuild(r, i) == 0) {
		restored(r, i);
		return;
	}
	log_warn("(%s) recreating macvlan %s on %s failed", i->c->name, r->name,
		 r->base);
	/* tries >= 1 here, so schedule() holds the FAULT: it retries
	 * later or gives up, never at once */
	schedule(r, i);
}

void vrrp_vmac_link_del(struct vrrp_proc *p, unsigned ifindex,
			const char *ifname)
{
	struct vmac_rec *r = rec_by_index(ifindex);
	struct vrrp_inst *i;

	if (!r)
		return;
	r->p = p;
	i = rec_owner(r);
	if (!i)
		return;
	r->ifindex = 0;
	if (ev_now_us() - r->made_us >= VMAC_STABLE_US)
		r->tries = 0;
	log_warn("(%s) macvlan %s (index %u) was deleted behind our back: "
		 "recreating it",
		 i->c->name, ifname[0] ? ifname : r->name, ifindex);
	/* an attempt that made the link but failed after (advert socket,
	 * link-local address) left a retry armed: this deletion replaces it */
	if (r->retry)
		ev_timer_cancel(p->loop, r->retry);
	r->retry = NULL;
	schedule(r, i);
}

void vrrp_vmac_link_new(struct vrrp_proc *p, const char *ifname)
{
	struct vmac_rec *r;
	struct vrrp_inst *i;

	for (r = recs; r; r = r->next) {
		/* the DELLINK of the base itself comes through here too */
		if (!r->wait_base || r->retry || strcmp(r->base, ifname) ||
		    !if_nametoindex(ifname))
			continue;
		r->p = p;
		i = rec_owner(r);
		if (!i)
			continue;
		log_info("(%s) base interface %s is back: recreating macvlan "
			 "%s",
			 i->c->name, r->base, r->name);
		r->tries = 0;
		schedule(r, i);
	}
}
