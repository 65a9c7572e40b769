/*
 * lvs_status.c - the forwarding table for "directorctl status": each
 * virtual server with its kernel services and real servers, configured and
 * current weight, health, connections and rates from the kernel's counters.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "lvs_int.h"

const char *lvs_vs_name(const struct cfg *c, size_t vs, char *buf, size_t len)
{
	const struct cfg_vs *v = &c->vss[vs];
	struct fwd_svc s;

	switch (v->kind) {
	case CFG_VS_ADDR:
		memset(&s, 0, sizeof(s));
		s.af = v->addr.family;
		s.protocol = (uint16_t)v->protocol;
		s.addr = v->addr;
		s.port = v->port;
		return fwd_svc_fmt(&s, buf, len);
	case CFG_VS_FWMARK:
		snprintf(buf, len, "fwmark %u%s", (unsigned)v->fwmark,
			 v->family == AF_INET6 ? " inet6" : "");
		return buf;
	case CFG_VS_GROUP:
		snprintf(buf, len, "group %s",
			 v->group < c->n_groups ? c->groups[v->group].name :
						  "?");
		return buf;
	}
	return buf;
}

static void ops_write(struct jw *w, const char *key, const struct lvs_ops *c)
{
	jw_obj_open(w, key);
	jw_u64(w, "svc_new", c->svc_new);
	jw_u64(w, "svc_set", c->svc_set);
	jw_u64(w, "svc_del", c->svc_del);
	jw_u64(w, "dest_new", c->dest_new);
	jw_u64(w, "dest_set", c->dest_set);
	jw_u64(w, "dest_del", c->dest_del);
	jw_u64(w, "errors", c->errors);
	jw_obj_close(w);
}

static void stats_write(struct jw *w, const struct fwd_stats *s)
{
	jw_u64(w, "conns", s->conns);
	jw_u64(w, "inpkts", s->inpkts);
	jw_u64(w, "outpkts", s->outpkts);
	jw_u64(w, "inbytes", s->inbytes);
	jw_u64(w, "outbytes", s->outbytes);
	jw_u64(w, "cps", s->cps);
	jw_u64(w, "inpps", s->inpps);
	jw_u64(w, "outpps", s->outpps);
	jw_u64(w, "inbps", s->inbps);
	jw_u64(w, "outbps", s->outbps);
}

static void stats_add(struct fwd_stats *a, const struct fwd_stats *b)
{
	a->conns += b->conns;
	a->inpkts += b->inpkts;
	a->outpkts += b->outpkts;
	a->inbytes += b->inbytes;
	a->outbytes += b->outbytes;
	a->cps += b->cps;
	a->inpps += b->inpps;
	a->outpps += b->outpps;
	a->inbps += b->inbps;
	a->outbps += b->outbps;
}

/* one destination (real or sorry server) summed over the VS's services;
 * leaves its object open for the caller's members */
static void dest_write(struct jw *w, const char *key,
		       const struct fwd_table *svcs,
		       const struct fwd_table *kern, const struct addr *a,
		       uint16_t port, const struct cfg_fwd_method *fwd)
{
	struct fwd_stats st = { 0 };
	uint64_t act = 0, inact = 0, pers = 0;
	char buf[ADDR_STRLEN];
	int64_t weight = -1;

	jw_obj_open(w, key);
	jw_str(w, "address", addr_fmt(a, buf));
	jw_u64(w, "port", port);
	jw_str(w, "method",
	       fwd->method == CFG_FWD_DR  ? "DR" :
	       fwd->method == CFG_FWD_TUN ? "TUN" :
					    "NAT");
	for (size_t i = 0; i < svcs->n; i++) {
		struct fwd_dest want = { .addr = *a };
		const struct fwd_dest *d;
		const struct fwd_counters *c;

		want.port =
			lvs_model_dest_port(&svcs->entries[i].svc, port, fwd);
		d = fwd_entry_find_dest(
			fwd_table_find(kern, &svcs->entries[i].svc), &want);
		if (!d)
			continue;
		if (weight < 0)
			weight = d->weight;
		c = fwd_table_counters(kern, d->ctr);
		if (!c)
			continue;
		act += c->active_conns;
		inact += c->inact_conns;
		pers += c->persist_conns;
		stats_add(&st, &c->stats);
	}
	if (weight < 0)
		jw_null(w, "current_weight");
	else
		jw_int(w, "current_weight", weight);
	jw_u64(w, "active_conns", act);
	jw_u64(w, "inactive_conns", inact);
	jw_u64(w, "persist_conns", pers);
	stats_write(w, &st);
}

static void vs_write(struct jw *w, const struct lvs *l, size_t v,
		     const struct fwd_table *kern)
{
	const struct cfg_vs *vs = &l->cfg->vss[v];
	const struct lvs_vs_state *st = &l->st[v];
	struct fwd_table svcs = { 0 };
	char buf[128];

	jw_obj_open(w, NULL);
	jw_str(w, "name", lvs_vs_name(l->cfg, v, buf, sizeof(buf)));
	if (vs->loc.file) {
		jw_str(w, "file", vs->loc.file);
		jw_int(w, "line", vs->loc.line);
	}
	jw_str(w, "scheduler", vs->sched);
	jw_u64(w, "quorum", lvs_model_quorum_of(vs));
	jw_bool(w, "quorum_up", st->quorum_up);
	if (lvs_model_vs(l->cfg, v, NULL, true, &svcs) == 0)
		lvs_model_dedup(&svcs);
	jw_arr_open(w, "services");
	for (size_t i = 0; i < svcs.n; i++) {
		const struct fwd_entry *k =
			fwd_table_find(kern, &svcs.entries[i].svc);

		jw_obj_open(w, NULL);
		jw_str(w, "service",
		       fwd_svc_fmt(&svcs.entries[i].svc, buf, sizeof(buf)));
		jw_bool(w, "installed", k != NULL);
		if (k) {
			const struct fwd_counters *c =
				fwd_table_counters(kern, k->svc.ctr);
			struct fwd_stats none = { 0 };

			stats_write(w, c ? &c->stats : &none);
		}
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_arr_open(w, "real_servers");
	for (size_t r = 0; r < vs->n_rss; r++) {
		const struct cfg_rs *rs = &vs->rss[r];

		dest_write(w, NULL, &svcs, kern, &rs->addr, rs->port, &rs->fwd);
		jw_int(w, "weight", rs->weight);
		if (st->rs[r].weight >= 0)
			jw_int(w, "dynamic_weight", st->rs[r].weight);
		jw_str(w, "health", st->rs[r].up ? "up" : "down");
		jw_obj_close(w);
	}
	jw_arr_close(w);
	if (vs->has_sorry) {
		dest_write(w, "sorry_server", &svcs, kern, &vs->sorry_addr,
			   vs->sorry_port,
			   vs->sorry_has_fwd ? &vs->sorry_fwd : &vs->fwd);
		jw_bool(w, "in_use", !st->quorum_up);
		jw_obj_close(w);
	}
	fwd_table_free(&svcs);
	jw_obj_close(w);
}

void lvs_status_emit(struct jw *w, const char *key, const struct lvs *l,
		     const struct fwd_table *kern)
{
	jw_obj_open(w, key);
	jw_bool(w, "enabled", true);
	jw_str(w, "backend", l->be->name);
	ops_write(w, "last_ops", &l->last);
	ops_write(w, "total_ops", &l->total);
	jw_bool(w, "retry_pending", l->pending);
	jw_u64(w, "kernel_services", kern->n);
	if (l->sync.conf.set) {
		jw_obj_open(w, "sync_daemon");
		jw_str(w, "interface", l->sync.conf.ifname);
		jw_str(w, "instance", l->sync.conf.instance);
		jw_str(w, "state",
		       l->sync.running & FWD_SYNC_MASTER ? "master" :
		       l->sync.running & FWD_SYNC_BACKUP ? "backup" :
							   "stopped");
		jw_obj_close(w);
	}
	jw_arr_open(w, "virtual_servers");
	for (size_t v = 0; l->cfg && v < l->cfg->n_vss; v++)
		vs_write(w, l, v, kern);
	jw_arr_close(w);
	jw_obj_close(w);
}

int lvs_status_write(struct jw *w, const char *key, struct lvs *l)
{
	struct fwd_table kern;
	int err;

	err = l->be->dump(l->h, &kern, true);
	if (err) {
		log_err("IPVS: reading the table: %s", strerror(-err));
		return -1;
	}
	lvs_status_emit(w, key, l, &kern);
	fwd_table_free(&kern);
	return 0;
}
