/*
 * proc.c - the VRRP process (vrrp_proc_run): event loop, messages from
 * core (reload, stop, step-down), instance life cycle across reloads, the
 * rate-limited status JSON.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "cfg_snap.h"
#include "evloop.h"
#include "garp.h"
#include "instance.h"
#include "ipc.h"
#include "log.h"
#include "nlmon.h"
#include "notify.h"
#include "proc.h"
#include "procsched.h"
#include "sock.h"
#include "track.h"
#include "vip.h"
#include "vmac.h"
#include "vrrp.h"

#define STATUS_MIN_GAP_US 1000000ULL /* at most one status JSON a second */
#define LINGER_MAX_US 3000000ULL /* stop: wait for notify scripts */
#define LINGER_POLL_US 50000ULL

/* ---- status ----------------------------------------------------------- */

static void status_send(struct ev_loop *l, void *arg)
{
	struct vrrp_proc *p = arg;
	char *js;
	size_t n;

	p->status_timer = NULL;
	p->status_dirty = false;
	p->status_last_us = ev_now_us();
	js = vrrp_status_json(p);
	if (!js)
		return;
	n = strlen(js);
	if (n > IPC_MAX - sizeof(struct ipc_hdr))
		log_err("status JSON too large for IPC (%zu bytes)", n);
	else if (ipc_send(p->ipc_fd, IPC_STATUS_JSON, js, (uint32_t)n) < 0)
		log_warn("status to core: %s", strerror(errno));
	free(js);
}

void vrrp_proc_status_changed(struct vrrp_proc *p)
{
	uint64_t at = p->status_last_us + STATUS_MIN_GAP_US;

	p->status_dirty = true;
	if (p->status_timer || p->stopping)
		return;
	if (at < ev_now_us())
		at = ev_now_us();
	p->status_timer = ev_timer_add(p->loop, at, status_send, p);
}

static void ready(struct vrrp_proc *p, uint32_t gen, bool ok, const char *err)
{
	struct ipc_ready r;

	memset(&r, 0, sizeof(r));
	r.generation = gen;
	r.ok = ok ? 1 : 0;
	snprintf(r.error, sizeof(r.error), "%s", err ? err : "");
	if (ipc_send(p->ipc_fd, IPC_READY, &r, sizeof(r)) < 0)
		log_warn("READY to core: %s", strerror(errno));
}

/* ---- netlink events --------------------------------------------------- */

static void on_link(void *arg, unsigned ifindex, const char *ifname, bool up)
{
	struct vrrp_proc *p = arg;

	/* a base interface back from the dead gets its macvlans first, so
	 * the trackers then find the instance able to leave FAULT */
	if (*ifname)
		vrrp_vmac_link_new(p, ifname);
	vrrp_track_link(p->track, ifname, up);
}

static void on_link_del(void *arg, unsigned ifindex, const char *ifname)
{
	vrrp_vmac_link_del(arg, ifindex, ifname);
}

static void on_addr_del(void *arg, unsigned ifindex, const struct addr *a)
{
	struct vrrp_proc *p = arg;
	size_t k;

	for (k = 0; k < p->n_insts; k++)
		if (p->insts[k] && p->insts[k]->started)
			vrrp_inst_vip_removed(p->insts[k], ifindex, a);
}

static const struct vrrp_nlmon_ops nlmon_ops = {
	.link = on_link,
	.link_del = on_link_del,
	.addr_del = on_addr_del,
};

/* ---- instances -------------------------------------------------------- */

static int *sg_alloc(const struct cfg *c, const struct cfg *old,
		     const int *old_st)
{
	int *st = calloc(c->n_sync_groups ? c->n_sync_groups : 1, sizeof(int));
	size_t k, j;

	if (!st)
		return NULL;
	for (k = 0; k < c->n_sync_groups; k++) {
		st[k] = -1;
		for (j = 0; old && old_st && j < old->n_sync_groups; j++)
			if (!strcmp(old->sync_groups[j].name,
				    c->sync_groups[k].name))
				st[k] = old_st[j];
	}
	return st;
}

static void start_new(struct vrrp_proc *p)
{
	size_t k;

	for (k = 0; k < p->n_insts; k++) {
		if (p->insts[k])
			continue;
		p->insts[k] = vrrp_inst_new(p, k);
		if (p->insts[k] && vrrp_inst_start(p->insts[k]) < 0)
			log_err("(%s) cannot start: instance disabled",
				p->cfg->vrrps[k].name);
	}
}

static void startup_delay_done(struct ev_loop *l, void *arg)
{
	start_new(arg);
}

static int setup(struct vrrp_proc *p)
{
	/* at start only, as keepalived: a change needs a restart */
	procsched_apply(&p->cfg->global.vrrp_sched, "vrrp");
	p->n_insts = p->cfg->n_vrrps;
	p->insts = calloc(p->n_insts ? p->n_insts : 1, sizeof(*p->insts));
	p->sg_state = sg_alloc(p->cfg, NULL, NULL);
	p->track = vrrp_track_new(p);
	p->notify = vrrp_notify_new(p);
	if (!p->insts || !p->sg_state || !p->track || !p->notify)
		return -1;
	if (p->cfg->global.vrrp_startup_delay_us) {
		log_info("VRRP startup delayed by %llu ms",
			 (unsigned long long)
					 p->cfg->global.vrrp_startup_delay_us /
				 1000);
		ev_timer_add(p->loop,
			     ev_now_us() + p->cfg->global.vrrp_startup_delay_us,
			     startup_delay_done, p);
	} else {
		start_new(p);
	}
	return 0;
}

static bool fifo_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* switch to @nc: stop removed or changed instances, keep the others */
static int apply(struct vrrp_proc *p, struct cfg *nc)
{
	struct cfg *old = p->cfg;
	struct vrrp_inst **ni;
	size_t *old_idx, k;
	int *sg;

	ni = calloc(nc->n_vrrps ? nc->n_vrrps : 1, sizeof(*ni));
	old_idx = calloc(nc->n_vrrps ? nc->n_vrrps : 1, sizeof(*old_idx));
	sg = sg_alloc(nc, old, p->sg_state);
	if (!ni || !old_idx || !sg) {
		free(ni);
		free(old_idx);
		free(sg);
		return -1;
	}
	for (k = 0; k < p->n_insts; k++) {
		struct vrrp_inst *i = p->insts[k];
		int j;

		if (!i)
			continue;
		j = cfg_find_vrrp(nc, i->c->name);
		if (j >= 0 && vrrp_inst_same(i->c, &nc->vrrps[j])) {
			ni[j] = i;
			old_idx[j] = k;
			continue;
		}
		log_info("(%s) %s by the reload", i->c->name,
			 j < 0 ? "removed" : "changed identity");
		vrrp_inst_stop(i);
		vrrp_inst_free(i);
		p->insts[k] = NULL;
	}
	free(p->insts);
	p->insts = ni;
	p->n_insts = nc->n_vrrps;
	free(p->sg_state);
	p->sg_state = sg;
	p->cfg = nc;
	vrrp_track_reload(p->track, old);
	if (!fifo_same(old->global.notify_fifo, nc->global.notify_fifo) ||
	    !fifo_same(old->global.vrrp_notify_fifo,
		       nc->global.vrrp_notify_fifo)) {
		vrrp_notify_free(p->notify);
		p->notify = vrrp_notify_new(p);
	}
	for (k = 0; k < p->n_insts; k++)
		if (p->insts[k])
			vrrp_inst_reconfigure(p->insts[k], k,
					      &old->vrrps[old_idx[k]]);
	start_new(p);
	free(old_idx);
	cfg_free(old);
	/* the old generation was freed under the new one: give its pages
	 * back rather than keep them for good */
	malloc_trim(0);
	return 0;
}

static void do_reload(struct vrrp_proc *p, const struct ipc_reload *r,
		      int snapfd)
{
	struct cfg_diag d = { 0 };
	char err[256] = "";
	struct cfg *nc;

	if (p->stopping) {
		ready(p, r->generation, false, "the VRRP process is stopping");
		return;
	}
	/* the snapshot core validated, so an edit since cannot slip in */
	nc = cfg_load_snapfd(r->path, r->config_id[0] ? r->config_id : NULL,
			     snapfd, &d);
	if (!nc) {
		size_t k;

		for (k = 0; k < d.n_msgs; k++)
			if (d.msgs[k].sev == CFG_ERR) {
				cfg_diag_fmt(&d.msgs[k], err, sizeof(err));
				break;
			}
		log_err("reload of generation %u refused: %s", r->generation,
			err);
		cfg_diag_free(&d);
		ready(p, r->generation, false, err[0] ? err : "load failed");
		return;
	}
	cfg_diag_free(&d);
	if (apply(p, nc) < 0) {
		cfg_free(nc);
		ready(p, r->generation, false, "out of memory");
		return;
	}
	p->generation = r->generation;
	log_info("generation %u applied", r->generation);
	ready(p, r->generation, true, NULL);
	vrrp_proc_status_changed(p);
}

/* stop: give running notify scripts (notify_stop...) a bounded time to
 * finish; they would otherwise die with us (PR_SET_PDEATHSIG) */
static void linger(struct ev_loop *l, void *arg)
{
	struct vrrp_proc *p = arg;

	p->linger_timer = NULL;
	if (p->notify_running && ev_now_us() < p->linger_until_us) {
		p->linger_timer = ev_timer_add(l, ev_now_us() + LINGER_POLL_US,
					       linger, p);
		if (p->linger_timer)
			return;
	}
	if (p->notify_running)
		log_warn("%u notify script(s) still running at exit",
			 p->notify_running);
	ev_stop(l);
}

static void do_stop(struct vrrp_proc *p)
{
	size_t k;

	if (p->stopping)
		return;
	log_info("stopping: masters hand over (priority 0) and release VIPs");
	vrrp_track_free(p->track);
	p->track = NULL;
	for (k = 0; k < p->n_insts; k++)
		if (p->insts[k])
			vrrp_inst_stop(p->insts[k]);
	p->stopping = true;
	if (p->status_timer)
		ev_timer_cancel(p->loop, p->status_timer);
	p->status_timer = NULL;
	status_send(p->loop, p);
	p->linger_until_us = ev_now_us() + LINGER_MAX_US;
	linger(p->loop, p);
}

static void do_stepdown(struct vrrp_proc *p, const struct ipc_name *n)
{
	int k = cfg_find_vrrp(p->cfg, n->name);

	if (k < 0 || !p->insts[k]) {
		log_warn("step-down: no instance %s", n->name);
		return;
	}
	if (vrrp_inst_stepdown(p->insts[k]) < 0)
		log_warn("(%s) step-down ignored: not MASTER", n->name);
	vrrp_proc_status_changed(p);
}

static void ipc_read(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
	struct vrrp_proc *p = arg;
	static struct ipc_msg m;
	int i, rc, snapfd;

	for (i = 0; i < 16; i++) {
		rc = ipc_recv_fd(fd, &m, &snapfd);
		if (rc == 0)
			return;
		if (rc == -2)
			continue;
		if (rc < 0) {
			log_err("lost core (%s): stopping", strerror(errno));
			do_stop(p);
			return;
		}
		switch (m.hdr.type) {
		case IPC_RELOAD:
			do_reload(p, &m.u.reload, snapfd);
			break;
		case IPC_STOP:
			if (snapfd >= 0)
				close(snapfd);
			do_stop(p);
			return;
		case IPC_STEPDOWN:
			do_stepdown(p, &m.u.name);
			break;
		default:
			log_err("core sent %s, which the VRRP process does "
				"not take (bug); dropped",
				ipc_type_name(m.hdr.type));
			break;
		}
		if (snapfd >= 0)
			close(snapfd);
	}
}

static void on_signal(struct ev_loop *l, int signo, void *arg)
{
	struct vrrp_proc *p = arg;

	if (signo == SIGHUP) {
		log_info("SIGHUP ignored: reloads come from core");
		return;
	}
	do_stop(p);
}

/* ---- entry ------------------------------------------------------------ */

static void teardown(struct vrrp_proc *p)
{
	size_t k;

	for (k = 0; k < p->n_insts; k++)
		vrrp_inst_free(p->insts[k]);
	free(p->insts);
	free(p->sg_state);
	vrrp_track_free(p->track);
	vrrp_notify_free(p->notify);
	vrrp_nlmon_free(p->mon);
	vrrp_vip_close(p->nl);
	if (p->garp_fd >= 0)
		close(p->garp_fd);
	if (p->loop) {
		ev_fd_del(p->loop, p->ipc_fd);
		ev_loop_free(p->loop);
	}
}

int vrrp_proc_run(struct cfg *c, uint32_t generation, int ipc_fd)
{
	struct vrrp_proc p;
	int rc = 1;

	memset(&p, 0, sizeof(p));
	p.ipc_fd = ipc_fd;
	p.cfg = c;
	p.generation = generation;
	p.garp_fd = -1;
	signal(SIGPIPE, SIG_IGN);
	fcntl(ipc_fd, F_SETFL, fcntl(ipc_fd, F_GETFL) | O_NONBLOCK);
	p.loop = ev_loop_new();
	if (!p.loop || ev_signal_add(p.loop, SIGTERM, on_signal, &p) < 0 ||
	    ev_signal_add(p.loop, SIGINT, on_signal, &p) < 0 ||
	    ev_signal_add(p.loop, SIGHUP, on_signal, &p) < 0 ||
	    ev_fd_add(p.loop, ipc_fd, EPOLLIN, ipc_read, &p) < 0) {
		log_err("VRRP process: event loop: %s", strerror(errno));
		goto out;
	}
	p.nl = vrrp_vip_open();
	p.garp_fd = vrrp_garp_open();
	p.mon = vrrp_nlmon_new(p.loop, &nlmon_ops, &p);
	if (!p.nl || p.garp_fd < 0 || !p.mon)
		goto out;
	if (setup(&p) < 0) {
		log_err("VRRP process: out of memory");
		goto out;
	}
	ready(&p, generation, true, NULL);
	if (ev_run(p.loop) == 0)
		rc = 0;
out:
	if (rc)
		ready(&p, generation, false, "VRRP process failed to start");
	teardown(&p);
	cfg_free(p.cfg);
	return rc;
}
