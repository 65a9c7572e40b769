/*
 * reload.c - SIGHUP / `directorctl reload`: parse and validate the file;
 * on any error keep the running configuration and record every error; on
 * success move to the next generation: children load the bytes core
 * validated, passed as a sealed snapshot with IPC_RELOAD (answered by
 * IPC_READY), the forwarding table reconciles,
 * children whose part appeared or disappeared start or stop.
 */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfg_snap.h"
#include "core.h"
#include "log.h"
#include "lvs.h"
#include "sdnotify.h"

static char **msgs_of(const struct cfg_diag *d, enum cfg_sev sev, size_t *n)
{
	char buf[1024], **v = calloc(d->n_msgs + 1, sizeof(*v));
	size_t i;

	*n = 0;
	if (!v)
		return NULL;
	for (i = 0; i < d->n_msgs; i++) {
		if (d->msgs[i].sev != sev)
			continue;
		v[*n] = strdup(cfg_diag_fmt(&d->msgs[i], buf, sizeof(buf)));
		if (v[*n])
			(*n)++;
	}
	return v;
}

void reload_result_free(struct core_reload_result *r)
{
	size_t i;

	for (i = 0; i < r->n_errors; i++)
		free(r->errors[i]);
	for (i = 0; i < r->n_warnings; i++)
		free(r->warnings[i]);
	free(r->errors);
	free(r->warnings);
	memset(r, 0, sizeof(*r));
}

void reload_result_from_diag(struct core_reload_result *r,
			     const struct cfg_diag *d, bool ok)
{
	reload_result_free(r);
	r->time = time(NULL);
	r->ok = ok;
	r->errors = msgs_of(d, CFG_ERR, &r->n_errors);
	r->warnings = msgs_of(d, CFG_WARN, &r->n_warnings);
	if (!ok && !r->n_errors && r->errors) {
		/* refused without a message: say so rather than nothing */
		r->errors[0] = strdup("configuration could not be loaded");
		r->n_errors = r->errors[0] ? 1 : 0;
	}
}

/* tell_child - move child @id to the new generation (or start/stop it). */
static void tell_child(struct core *c, enum core_child_id id, bool want,
		       int snapfd)
{
	struct core_child *ch = &c->child[id];
	struct ipc_reload r;

	if (!want) {
		if (ch->pid > 0 || ch->restart_timer) {
			log_info("%s process no longer needed: stopping it",
				 ch->name);
			sup_stop_child(c, id);
		}
		ch->wanted = false;
		return;
	}
	ch->wanted = true;
	if (ch->pid <= 0) {
		/* a pending restart picks up the new generation by itself */
		if (!ch->restart_timer)
			sup_start(c, id);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.generation = c->generation;
	snprintf(r.path, sizeof(r.path), "%s", c->opts.config);
	snprintf(r.config_id, sizeof(r.config_id), "%s",
		 c->opts.config_id ? c->opts.config_id : "");
	if (sup_send_fd(c, id, IPC_RELOAD, &r, sizeof(r), snapfd) < 0) {
		/* the channel is gone: the process is ending; it restarts
		 * with the new generation */
		log_warn("%s process: cannot send RELOAD; it restarts with "
			 "generation %u",
			 ch->name, c->generation);
	}
}

int reload_run(struct core *c)
{
	struct cfg_snap snap = { 0 };
	struct cfg_opts co = { .config_id = c->opts.config_id,
			       .record = &snap };
	struct cfg_diag d = { 0 };
	int snapfd = -1;
	struct core_health *h = NULL;
	struct cfg *n, *old;
	char buf[1024];
	size_t i;

	if (c->stopping)
		return -1;
	sd_notify_state("RELOADING=1");
	log_info("reloading %s", c->opts.config);
	n = cfg_load(c->opts.config, &co, &d);
	if (n &&
	    strlen(c->opts.config) >= sizeof(((struct ipc_reload *)0)->path)) {
		log_err("%s: path too long to pass to the children",
			c->opts.config);
		cfg_free(n);
		n = NULL;
	}
	if (n) {
		h = health_new(n);
		if (!h) {
			log_err("reload: out of memory");
			cfg_free(n);
			n = NULL;
		}
	}
	for (i = 0; i < d.n_msgs; i++) {
		cfg_diag_fmt(&d.msgs[i], buf, sizeof(buf));
		if (d.msgs[i].sev == CFG_ERR)
			log_err("%s", buf);
		else
			log_warn("%s", buf);
	}
	reload_result_from_diag(&c->last_reload, &d, n != NULL);
	cfg_diag_free(&d);
	if (!n) {
		cfg_snap_free(&snap);
		log_err("reload refused (%zu errors): keeping generation %u",
			c->last_reload.n_errors, c->generation);
		sd_notify_state("READY=1");
		return -1;
	}
	health_carry(h, c->health, n, c->cfg);
	old = c->cfg;
	health_free(c->health);
	c->cfg = n;
	c->health = h;
	c->generation++;
	if (c->lvs && lvs_set_config(c->lvs, c->cfg) < 0)
		log_warn("forwarding table: some operations failed; retrying");
	/* the children's copy after the table, which a reload is timed by */
	snapfd = sup_seal_snapshot(c, &snap);
	if (snapfd < 0)
		log_warn("reload: cannot seal the configuration for the "
			 "children (%s): they re-read %s",
			 strerror(errno), c->opts.config);
	for (i = 0; i < CORE_N_CHILDREN; i++)
		tell_child(c, (enum core_child_id)i,
			   sup_wanted(c, c->cfg, (enum core_child_id)i),
			   snapfd);
	if (snapfd >= 0)
		close(snapfd); /* each queued message holds its own copy */
	core_prev_cfg_drop(c);
	c->prev_cfg = old;
	/* kept until the checker runs the new generation (core_ipc.c) */
	if (!c->child[CORE_CHECKER].wanted)
		core_prev_cfg_drop(c);
	core_fifo_reader_update(c);
	log_info("configuration reloaded: generation %u", c->generation);
	sd_notify_state("READY=1");
	return 0;
}

void core_prev_cfg_drop(struct core *c)
{
	if (!c->prev_cfg)
		return;
	cfg_free(c->prev_cfg);
	c->prev_cfg = NULL;
	malloc_trim(0);
}
