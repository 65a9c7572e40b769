/* cfg_free.c - release a configuration and everything it owns. */
#include <stdlib.h>

#include "cfg_int.h"

static void free_trackers(struct cfg_trackers *t)
{
	free(t->ifs);
	free(t->scripts);
	free(t->files);
	free(t->procs);
}

static void free_vrrp(struct cfg_vrrp *v)
{
	free(v->vips);
	free(v->evips);
	free(v->peers);
	free_trackers(&v->trk);
	cfg_cmd_free(&v->notify_master);
	cfg_cmd_free(&v->notify_backup);
	cfg_cmd_free(&v->notify_fault);
	cfg_cmd_free(&v->notify_stop);
	cfg_cmd_free(&v->notify);
}

static void free_sync_group(struct cfg_sync_group *g)
{
	free(g->members);
	cfg_cmd_free(&g->notify_master);
	cfg_cmd_free(&g->notify_backup);
	cfg_cmd_free(&g->notify_fault);
	cfg_cmd_free(&g->notify_stop);
	cfg_cmd_free(&g->notify);
	free_trackers(&g->trk);
}

static void free_vs(struct cfg_vs *vs)
{
	size_t i, j;

	for (i = 0; i < vs->n_rss; i++) {
		struct cfg_rs *rs = &vs->rss[i];

		if (!rs->checks_shared) {
			for (j = 0; j < rs->n_checks; j++)
				cfg_check_free(&rs->checks[j]);
			free(rs->checks);
		}
		if (rs->ext) {
			cfg_cmd_free(&rs->ext->notify_up);
			cfg_cmd_free(&rs->ext->notify_down);
			free(rs->ext->virtualhost);
			free(rs->ext);
		}
	}
	free(vs->rss);
	free(vs->persistence_engine);
	cfg_cmd_free(&vs->quorum_up);
	cfg_cmd_free(&vs->quorum_down);
	free(vs->virtualhost);
}

static void free_global(struct cfg_global *g)
{
	free(g->router_id);
	free(g->script_user);
	free(g->script_group);
	free(g->notify_fifo);
	cfg_cmd_free(&g->notify_fifo_script);
	free(g->vrrp_notify_fifo);
	cfg_cmd_free(&g->vrrp_notify_fifo_script);
	free(g->lvs_notify_fifo);
	cfg_cmd_free(&g->lvs_notify_fifo_script);
	free(g->ssl_ca);
	free(g->ssl_cert);
	free(g->ssl_key);
	free(g->ssl_password);
}

void cfg_free(struct cfg *c)
{
	size_t i;

	if (!c)
		return;
	free_global(&c->global);
	for (i = 0; i < c->n_scripts; i++)
		cfg_cmd_free(&c->scripts[i].script);
	free(c->scripts);
	for (i = 0; i < c->n_track_files; i++)
		free(c->track_files[i].path);
	free(c->track_files);
	for (i = 0; i < c->n_track_procs; i++)
		cfg_strv_free(c->track_procs[i].argv, c->track_procs[i].argc);
	free(c->track_procs);
	for (i = 0; i < c->n_vrrps; i++)
		free_vrrp(&c->vrrps[i]);
	free(c->vrrps);
	for (i = 0; i < c->n_sync_groups; i++)
		free_sync_group(&c->sync_groups[i]);
	free(c->sync_groups);
	for (i = 0; i < c->n_groups; i++)
		free(c->groups[i].entries);
	free(c->groups);
	for (i = 0; i < c->n_vss; i++)
		free_vs(&c->vss[i]);
	free(c->vss);
	for (i = 0; i < c->n_files; i++)
		free(c->files[i]);
	free(c->files);
	free(c->path);
	free(c);
}
