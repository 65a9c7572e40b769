/*
 * track.c - track_interface, vrrp_script/track_script and track_file
 * (track_file.c reads the files). Scripts run on
 * their interval through script.c (asynchronous, with a timeout); results
 * pass rise/fall before they count. Any change re-evaluates every
 * instance, which keeps sync-group FAULT sharing trivial.
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "evloop.h"
#include "instance.h"
#include "log.h"
#include "proc.h"
#include "script.h"
#include "track.h"
#include "track_file.h"
#include "track_proc.h"

struct script_rt {
	struct vrrp_track *t;
	const struct cfg_script *s; /* into the current cfg */
	bool used;
	bool up;
	unsigned rise_n, fall_n;
	struct ev_timer *timer;
	struct script_child *child;
};

struct link_rt {
	char ifname[IFNAMSIZ];
	bool up;
};

struct vrrp_track {
	struct vrrp_proc *p;
	struct script_rt *scripts; /* parallel to p->cfg->scripts */
	size_t n_scripts;
	struct link_rt *links;
	size_t n_links;
	struct vrrp_tfiles *files; /* track_file values */
	struct vrrp_tprocs *procs; /* vrrp_track_process states */
};

void vrrp_track_fold(bool up, bool weighted, int weight, bool reverse,
		     bool *fault, int *delta)
{
	/* keepalived: reverse lowers the priority while up and raises it
	 * while down; "weight 0 reverse" means FAULT while up */
	if (reverse) {
		up = !up;
		weight = -weight;
	}
	if (!weighted || !weight) {
		if (!up)
			*fault = true;
		return;
	}
	if ((weight > 0 && up) || (weight < 0 && !up))
		*delta += weight;
}

unsigned vrrp_track_priority(unsigned base, int delta)
{
	int p = (int)base + delta;

	if (base >= 255)
		return 255;
	if (p < 1)
		p = 1;
	if (p > 254)
		p = 254;
	return (unsigned)p;
}

/* ---- links ------------------------------------------------------------ */

static bool link_query(const char *ifname)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool up = false;

	if (s < 0)
		return false;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0)
		up = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
	close(s);
	return up;
}

static struct link_rt *link_find(struct vrrp_track *t, const char *ifname,
				 bool create)
{
	struct link_rt *n;
	size_t k;

	for (k = 0; k < t->n_links; k++)
		if (!strcmp(t->links[k].ifname, ifname))
			return &t->links[k];
	if (!create)
		return NULL;
	n = realloc(t->links, (t->n_links + 1) * sizeof(*n));
	if (!n)
		return NULL;
	t->links = n;
	n = &t->links[t->n_links++];
	snprintf(n->ifname, sizeof(n->ifname), "%s", ifname);
	n->up = link_query(ifname);
	return n;
}

static bool link_up(struct vrrp_track *t, const char *ifname)
{
	struct link_rt *l = link_find(t, ifname, true);

	return l ? l->up : link_query(ifname);
}

static void apply_all(struct vrrp_track *t)
{
	size_t k;

	for (k = 0; k < t->p->n_insts; k++)
		if (t->p->insts[k] && t->p->insts[k]->started)
			vrrp_track_apply(t->p->insts[k]);
}

/* a track file's value, or a tracked process's state, changed */
static void trackers_changed(void *arg)
{
	apply_all(arg);
}

void vrrp_track_link(struct vrrp_track *t, const char *ifname, bool up)
{
	struct link_rt *l;

	if (!t || !*ifname)
		return;
	l = link_find(t, ifname, false);
	if (!l || l->up == up)
		return;
	l->up = up;
	log_info("interface %s is %s", ifname, up ? "up" : "down");
	apply_all(t);
}

/* ---- scripts ---------------------------------------------------------- */

static void script_run(struct ev_loop *l, void *arg);

static void script_done(void *arg, int status)
{
	struct script_rt *r = arg;
	const struct cfg_script *s = r->s;
	bool was = r->up;

	r->child = NULL;
	if (status == 0) {
		r->fall_n = 0;
		if (!r->up && ++r->rise_n >= (s->rise ? s->rise : 1))
			r->up = true;
	} else {
		r->rise_n = 0;
		if (r->up && ++r->fall_n >= (s->fall ? s->fall : 1))
			r->up = false;
	}
	if (r->up != was) {
		log_info("VRRP_Script(%s) %s", s->name,
			 r->up ? "succeeded" : "failed");
		apply_all(r->t);
	}
}

static void script_run(struct ev_loop *l, void *arg)
{
	struct script_rt *r = arg;
	const struct cfg_script *s = r->s;
	struct script_cred cred;

	r->timer = ev_timer_add(l, ev_now_us() + s->interval_us, script_run, r);
	if (r->child)
		return; /* still running: its timeout will end it */
	if (script_cred(&s->script, &r->t->p->cfg->global, &cred) < 0) {
		script_done(r, -1);
		return;
	}
	r->child = script_start(l, s->script.cmd, NULL, 0, &cred,
				s->timeout_us ? s->timeout_us : s->interval_us,
				script_done, r);
	if (!r->child)
		script_done(r, -1);
}

static void script_stop(struct script_rt *r)
{
	struct ev_loop *l = r->t->p->loop;

	ev_timer_cancel(l, r->timer);
	r->timer = NULL;
	script_cancel(r->child);
	r->child = NULL;
}

/* the scripts @trk tracks are run */
static void mark_used(struct vrrp_track *t, const struct cfg_trackers *trk)
{
	const struct cfg_track_ref *ts = trk->scripts;
	size_t k;

	for (k = 0; k < trk->n_scripts; k++)
		if (ts[k].def < t->n_scripts)
			t->scripts[ts[k].def].used = true;
}

/* (re)build the runners for t->p->cfg; @old_rt/@n_old are the previous
 * runners, whose result is kept for a script of the same name and command */
static int scripts_setup(struct vrrp_track *t, struct script_rt *old_rt,
			 size_t n_old)
{
	const struct cfg *c = t->p->cfg;
	size_t k, j;

	t->n_scripts = c->n_scripts;
	t->scripts =
		calloc(c->n_scripts ? c->n_scripts : 1, sizeof(*t->scripts));
	if (!t->scripts)
		return -1;
	for (k = 0; k < cfg_n_trackers(c); k++)
		mark_used(t, cfg_trackers_at(c, k));
	for (k = 0; k < c->n_scripts; k++) {
		struct script_rt *r = &t->scripts[k];

		r->t = t;
		r->s = &c->scripts[k];
		r->up = !r->s->init_fail;
		for (j = 0; j < n_old; j++) {
			const struct cfg_script *o = old_rt[j].s;

			if (!strcmp(o->name, r->s->name) && o->script.cmd &&
			    r->s->script.cmd &&
			    !strcmp(o->script.cmd, r->s->script.cmd))
				r->up = old_rt[j].up;
		}
		if (r->used && r->s->script.cmd)
			r->timer = ev_timer_add(t->p->loop, ev_now_us(),
						script_run, r);
	}
	return 0;
}

struct vrrp_track *vrrp_track_new(struct vrrp_proc *p)
{
	struct vrrp_track *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->p = p;
	if (scripts_setup(t, NULL, 0) < 0) {
		free(t);
		return NULL;
	}
	t->files = vrrp_tfiles_new(p->loop, p->cfg, true, trackers_changed, t);
	t->procs = vrrp_tprocs_new(p->loop, p->cfg, trackers_changed, t);
	if (!t->files || !t->procs) {
		vrrp_tfiles_free(t->files);
		vrrp_tprocs_free(t->procs);
		free(t->scripts);
		free(t);
		return NULL;
	}
	return t;
}

void vrrp_track_reload(struct vrrp_track *t, const struct cfg *old)
{
	struct script_rt *prev = t->scripts;
	size_t n = t->n_scripts, k;

	for (k = 0; k < n; k++)
		script_stop(&prev[k]);
	if (scripts_setup(t, prev, n) < 0)
		log_err("track scripts: out of memory");
	free(prev);
	/* the files are read again: their values need no carrying over */
	vrrp_tfiles_free(t->files);
	t->files = vrrp_tfiles_new(t->p->loop, t->p->cfg, false,
				   trackers_changed, t);
	if (!t->files)
		log_err("track files: out of memory");
	vrrp_tprocs_free(t->procs);
	t->procs = vrrp_tprocs_new(t->p->loop, t->p->cfg, trackers_changed, t);
	if (!t->procs)
		log_err("track processes: out of memory");
	/* no evaluation here: the instances kept still point into the old
	 * configuration until vrrp_inst_reconfigure, which evaluates them */
	(void)old;
}

void vrrp_track_free(struct vrrp_track *t)
{
	size_t k;

	if (!t)
		return;
	for (k = 0; k < t->n_scripts; k++)
		script_stop(&t->scripts[k]);
	free(t->scripts);
	free(t->links);
	vrrp_tfiles_free(t->files);
	vrrp_tprocs_free(t->procs);
	free(t);
}

int vrrp_track_file_value(const struct vrrp_track *t, size_t idx)
{
	return t ? vrrp_tfiles_value(t->files, idx) : 0;
}

unsigned vrrp_track_proc_count(const struct vrrp_track *t, size_t idx, bool *up)
{
	*up = t && vrrp_tprocs_up(t->procs, idx);
	return t ? vrrp_tprocs_count(t->procs, idx) : 0;
}

/* ---- evaluation ------------------------------------------------------- */

/* the weight of line @r and, in @reverse, its direction: the line's own
 * when it sets a weight, else its definition's @def_weight/@def_reverse */
static int ref_weight(const struct cfg_track_ref *r, int def_weight,
		      bool def_reverse, bool *reverse)
{
	*reverse = r->weight_set ? r->reverse : def_reverse;
	return r->weight_set ? r->weight : def_weight;
}

static void eval_files(struct vrrp_track *t, const struct cfg_trackers *trk,
		       bool *fault, int *delta)
{
	const struct cfg *c = t->p->cfg;
	const struct cfg_track_ref *tf = trk->files;
	size_t k;

	for (k = 0; k < trk->n_files; k++) {
		const struct cfg_file_def *d;
		bool rev;
		int w;

		if (tf[k].def >= c->n_track_files)
			continue;
		d = &c->track_files[tf[k].def];
		w = ref_weight(&tf[k], d->weight, d->weight_reverse, &rev);
		vrrp_tfile_fold(vrrp_tfiles_value(t->files, tf[k].def), w, rev,
				fault, delta);
	}
}

static void eval_procs(struct vrrp_track *t, const struct cfg_trackers *trk,
		       bool *fault, int *delta)
{
	const struct cfg *c = t->p->cfg;
	const struct cfg_track_ref *tp = trk->procs;
	size_t k;

	for (k = 0; k < trk->n_procs; k++) {
		const struct cfg_proc_def *d;
		bool rev;
		int w;

		if (tp[k].def >= c->n_track_procs)
			continue;
		d = &c->track_procs[tp[k].def];
		w = ref_weight(&tp[k], d->weight, d->weight_reverse, &rev);
		vrrp_track_fold(vrrp_tprocs_up(t->procs, tp[k].def), w != 0, w,
				rev, fault, delta);
	}
}

static void eval_list(struct vrrp_track *t, const struct cfg_trackers *trk,
		      bool *fault, int *delta)
{
	const struct cfg_track_if *ti = trk->ifs;
	const struct cfg_track_ref *ts = trk->scripts;
	size_t k;

	for (k = 0; k < trk->n_ifs; k++)
		vrrp_track_fold(link_up(t, ti[k].ifname), ti[k].weighted,
				ti[k].weight, ti[k].reverse, fault, delta);
	for (k = 0; k < trk->n_scripts; k++) {
		const struct script_rt *r;
		bool rev;
		int w;

		if (ts[k].def >= t->n_scripts)
			continue;
		r = &t->scripts[ts[k].def];
		w = ref_weight(&ts[k], r->s->weight, r->s->weight_reverse,
			       &rev);
		vrrp_track_fold(r->up, w != 0, w, rev, fault, delta);
	}
}

/* fold every line of @trk, an instance's or a sync group's */
static void eval_trackers(struct vrrp_track *t, const struct cfg_trackers *trk,
			  bool *fault, int *delta)
{
	eval_list(t, trk, fault, delta);
	eval_files(t, trk, fault, delta);
	eval_procs(t, trk, fault, delta);
}

/* the instance's own trackers (and its group's), without other members */
static void eval_inst(struct vrrp_track *t, const struct cfg_vrrp *c,
		      bool *fault, int *delta)
{
	const struct cfg *cfg = t->p->cfg;

	*fault = false;
	*delta = 0;
	if (!c->dont_track_primary && !link_up(t, c->interface))
		*fault = true;
	if (c->unicast_fault_no_peer && !c->n_peers)
		*fault = true; /* keepalived: no multicast fallback */
	eval_trackers(t, &c->trk, fault, delta);
	if (c->sync_group >= 0 && (size_t)c->sync_group < cfg->n_sync_groups)
		eval_trackers(t, &cfg->sync_groups[c->sync_group].trk, fault,
			      delta);
}

void vrrp_track_apply(struct vrrp_inst *i)
{
	struct vrrp_track *t = i->p->track;
	const struct cfg *cfg = i->p->cfg;
	const struct cfg_vrrp *c = i->c;
	struct vrrp_fsm_event ev = { 0 };
	unsigned prio;
	bool fault, f2;
	int delta, d2;
	size_t k;

	if (!t)
		return;
	eval_inst(t, c, &fault, &delta);
	/* sync group: a member in FAULT puts every member in FAULT */
	if (!fault && c->sync_group >= 0 &&
	    (size_t)c->sync_group < cfg->n_sync_groups) {
		const struct cfg_sync_group *g =
			&cfg->sync_groups[c->sync_group];

		for (k = 0; k < g->n_members && !fault; k++) {
			if (g->members[k] == i->idx)
				continue;
			eval_inst(t, &cfg->vrrps[g->members[k]], &f2, &d2);
			fault = f2;
		}
	}
	/* a missing macvlan (vmac_watch.c) is this instance's own FAULT,
	 * not a tracker its sync group shares */
	fault = fault || i->vmac_missing;
	prio = vrrp_track_priority(c->priority, delta);
	if (prio != i->fsm.priority) {
		log_info("(%s) effective priority %u -> %u", c->name,
			 i->fsm.priority, prio);
		ev.type = VRRP_EV_PRIORITY;
		ev.priority = prio;
		vrrp_inst_event(i, &ev);
	}
	if (fault != i->fault) {
		i->fault = fault;
		ev.type = fault ? VRRP_EV_FAULT_ON : VRRP_EV_FAULT_OFF;
		vrrp_inst_event(i, &ev);
	}
}
