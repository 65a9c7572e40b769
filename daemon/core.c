/*
 * core.c - the core process's life: load the configuration, open the
 * forwarding table and the control socket, start the children, serve, and
 * stop in order on SIGTERM/SIGINT.
 */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfg_snap.h"
#include "core.h"
#include "log.h"
#include "lvs.h"
#include "pidfile.h"
#include "sdnotify.h"

#define CORE_STOP_GRACE_US 1000000ull /* after SIGKILL, before giving up */

static struct core core;

static void log_diag(const struct cfg_diag *d)
{
	char buf[1024];
	size_t i;

	for (i = 0; i < d->n_msgs; i++) {
		cfg_diag_fmt(&d->msgs[i], buf, sizeof(buf));
		if (d->msgs[i].sev == CFG_ERR)
			log_err("%s", buf);
		else
			log_warn("%s", buf);
	}
}

static void on_hup(struct ev_loop *l, int signo, void *arg)
{
	reload_run(arg);
}

static void on_term(struct ev_loop *l, int signo, void *arg)
{
	struct core *c = arg;

	if (c->stopping) {
		log_info("%s again: still stopping", strsignal(signo));
		return;
	}
	log_info("%s: stopping", strsignal(signo));
	core_stop(c);
}

static void on_chld(struct ev_loop *l, int signo, void *arg)
{
	sup_reap(arg);
}

static void stop_deadline(struct ev_loop *l, void *arg)
{
	struct core *c = arg;

	c->stop_timer = NULL;
	if (!c->killed) {
		/* children's own kill timers sent SIGKILL already; give the
		 * kernel a moment to deliver and reap */
		c->killed = true;
		c->stop_timer = ev_timer_add(
			l, ev_now_us() + CORE_STOP_GRACE_US, stop_deadline, c);
		if (c->stop_timer)
			return;
	}
	log_err("children still present after SIGKILL; stopping anyway");
	core_finish_stop(c);
}

void core_stop(struct core *c)
{
	int i;

	c->stopping = true;
	sd_notify_state("STOPPING=1");
	for (i = 0; i < CORE_N_CHILDREN; i++)
		sup_stop_child(c, (enum core_child_id)i);
	if (!sup_any_running(c)) {
		core_finish_stop(c);
		return;
	}
	c->stop_timer =
		ev_timer_add(c->loop, ev_now_us() + CORE_STOP_WAIT_US + 100000,
			     stop_deadline, c);
}

void core_finish_stop(struct core *c)
{
	ev_timer_cancel(c->loop, c->stop_timer);
	c->stop_timer = NULL;
	if (c->lvs) {
		lvs_close(c->lvs, c->opts.keep_ipvs);
		c->lvs = NULL;
	}
	control_close(c->control);
	c->control = NULL;
	pidfile_remove(c->opts.pidfile);
	/* after the children: their last lines (notify_stop) are written */
	core_fifo_reader_stop(c);
	log_info("stopped");
	ev_stop(c->loop);
}

/* load_initial - the configuration at start: any error stops directord.
 * @snap receives the bytes read, sealed later by seal_initial. */
static int load_initial(struct core *c, struct cfg_snap *snap)
{
	struct cfg_opts co = { .config_id = c->opts.config_id, .record = snap };
	struct cfg_diag d = { 0 };

	c->cfg = cfg_load(c->opts.config, &co, &d);
	log_diag(&d);
	if (!c->cfg) {
		log_err("%s: configuration refused (%zu errors); not starting",
			c->opts.config, d.n_errors);
		cfg_diag_free(&d);
		return -1;
	}
	c->generation = 1;
	reload_result_from_diag(&c->last_reload, &d, true);
	cfg_diag_free(&d);
	c->health = health_new(c->cfg);
	if (!c->health) {
		log_err("out of memory");
		return -1;
	}
	return 0;
}

/* seal_initial - the bytes just validated, for the checker process to
 * parse; only the children need them, so after the forwarding table is
 * programmed (a start is timed until the table is complete) */
static void seal_initial(struct core *c, struct cfg_snap *snap)
{
	int snapfd = sup_seal_snapshot(c, snap);

	if (snapfd < 0)
		log_warn("cannot seal the configuration (%s): the checker "
			 "process is forked with core's memory",
			 strerror(errno));
	else
		close(snapfd);
}

static int setup_signals(struct core *c)
{
	if (ev_signal_add(c->loop, SIGHUP, on_hup, c) < 0 ||
	    ev_signal_add(c->loop, SIGTERM, on_term, c) < 0 ||
	    ev_signal_add(c->loop, SIGINT, on_term, c) < 0 ||
	    ev_signal_add(c->loop, SIGCHLD, on_chld, c) < 0) {
		log_err("signals: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void open_lvs(struct core *c)
{
	c->lvs = lvs_open(c->lvs_reason, sizeof(c->lvs_reason));
	if (!c->lvs) {
		if (!c->lvs_reason[0])
			snprintf(c->lvs_reason, sizeof(c->lvs_reason),
				 "unknown reason");
		log_warn("forwarding table disabled: %s", c->lvs_reason);
		return;
	}
	lvs_set_loop(c->lvs, c->loop); /* its own retry timer */
	if (lvs_set_config(c->lvs, c->cfg) < 0)
		log_warn("forwarding table: some operations failed; retrying");
}

static void release(struct core *c)
{
	int i;

	for (i = 0; i < CORE_N_CHILDREN; i++) {
		sup_close_channel(c, (enum core_child_id)i);
		free(c->child[i].status);
		c->child[i].status = NULL;
	}
	reload_result_free(&c->last_reload);
	health_free(c->health);
	cfg_free(c->prev_cfg);
	cfg_free(c->cfg);
	ev_loop_free(c->loop);
}

static void tell_parent(struct core *c, char status)
{
	if (c->opts.ready_fd < 0)
		return;
	if (write(c->opts.ready_fd, &status, 1) != 1)
		log_debug("the waiting parent is gone");
	close(c->opts.ready_fd);
	c->opts.ready_fd = -1;
}

int core_run(const struct core_opts *o)
{
	struct core *c = &core;
	struct cfg_snap snap = { 0 };
	int i, rc = 1;

	memset(c, 0, sizeof(*c));
	c->opts = *o;
	c->pid = getpid();
	c->start_us = ev_now_us();
	sup_init(c);
	c->loop = ev_loop_new();
	if (!c->loop) {
		log_err("event loop: %s", strerror(errno));
		return 1;
	}
	if (setup_signals(c) < 0 || load_initial(c, &snap) < 0)
		goto out;
	if (pidfile_write(c->opts.pidfile) < 0)
		goto out;
	c->control = control_open(c, c->opts.control);
	if (!c->control) {
		pidfile_remove(c->opts.pidfile);
		goto out;
	}
	open_lvs(c);
	seal_initial(c, &snap);
	/* the load's buffers (the files, their snapshot) are freed: give
	 * their pages back before vrrp is forked with a copy of this heap */
	malloc_trim(0);
	/* before the children, so the FIFO exists when they open it */
	core_fifo_reader_update(c);
	for (i = 0; i < CORE_N_CHILDREN; i++)
		if (sup_wanted(c, c->cfg, (enum core_child_id)i))
			sup_start(c, (enum core_child_id)i);
	log_info("directord %s started: %s, generation %u, control %s",
		 PACKAGE_VERSION, c->opts.config, c->generation,
		 c->opts.control);
	sd_notify_state("READY=1");
	tell_parent(c, 0);
	rc = ev_run(c->loop) < 0 ? 1 : 0;
	if (rc) {
		/* the loop broke: do not leave children behind */
		for (i = 0; i < CORE_N_CHILDREN; i++)
			if (c->child[i].pid > 0)
				kill(c->child[i].pid, SIGKILL);
		if (c->lvs)
			lvs_close(c->lvs, c->opts.keep_ipvs);
		control_close(c->control);
		pidfile_remove(c->opts.pidfile);
	}
out:
	cfg_snap_free(&snap);
	tell_parent(c, 1);
	release(c);
	return rc;
}
