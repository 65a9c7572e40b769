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

static void add_u64(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

static struct json_object *ops_json(const struct lvs_ops *c)
{
	struct json_object *o = json_object_new_object();

	add_u64(o, "svc_new", c->svc_new);
	add_u64(o, "svc_set", c->svc_set);
	add_u64(o, "svc_del", c->svc_del);
	add_u64(o, "dest_new", c->dest_new);
	add_u64(o, "dest_set", c->dest_set);
	add_u64(o, "dest_del", c->dest_del);
	add_u64(o, "errors", c->errors);
	return o;
}

static void stats_json(struct json_object *o, const struct fwd_stats *s)
{
	add_u64(o, "conns", s->conns);
	add_u64(o, "inpkts", s->inpkts);
	add_u64(o, "outpkts", s->outpkts);
	add_u64(o, "inbytes", s->inbytes);
	add_u64(o, "outbytes", s->outbytes);
	add_u64(o, "cps", s->cps);
	add_u64(o, "inpps", s->inpps);
	add_u64(o, "outpps", s->outpps);
	add_u64(o, "inbps", s->inbps);
	add_u64(o, "outbps", s->outbps);
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

/* one destination (real or sorry server) summed over the VS's services */
static struct json_object *dest_json(const struct fwd_table *svcs,
				     const struct fwd_table *kern,
				     const struct addr *a, uint16_t port,
				     const struct cfg_fwd_method *fwd)
{
	struct json_object *o = json_object_new_object();
	struct fwd_stats st = { 0 };
	uint64_t act = 0, inact = 0, pers = 0;
	char buf[ADDR_STRLEN];
	int64_t weight = -1;

	json_object_object_add(o, "address",
			       json_object_new_string(addr_fmt(a, buf)));
	json_object_object_add(o, "port", json_object_new_int(port));
	json_object_object_add(
		o, "method",
		json_object_new_string(fwd->method == CFG_FWD_DR  ? "DR" :
				       fwd->method == CFG_FWD_TUN ? "TUN" :
								    "NAT"));
	for (size_t i = 0; i < svcs->n; i++) {
		struct fwd_dest key = { .addr = *a };
		const struct fwd_dest *d;
		const struct fwd_counters *c;

		key.port =
			lvs_model_dest_port(&svcs->entries[i].svc, port, fwd);
		d = fwd_entry_find_dest(
			fwd_table_find(kern, &svcs->entries[i].svc), &key);
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
	json_object_object_add(o, "current_weight",
			       weight < 0 ? NULL :
					    json_object_new_int64(weight));
	add_u64(o, "active_conns", act);
	add_u64(o, "inactive_conns", inact);
	add_u64(o, "persist_conns", pers);
	stats_json(o, &st);
	return o;
}

static struct json_object *vs_json(struct lvs *l, size_t v,
				   const struct fwd_table *kern)
{
	const struct cfg_vs *vs = &l->cfg->vss[v];
	const struct lvs_vs_state *st = &l->st[v];
	struct json_object *o = json_object_new_object();
	struct json_object *sa = json_object_new_array();
	struct json_object *ra = json_object_new_array();
	struct fwd_table svcs = { 0 };
	char buf[128];

	json_object_object_add(o, "name",
			       json_object_new_string(lvs_vs_name(
				       l->cfg, v, buf, sizeof(buf))));
	if (vs->loc.file) {
		json_object_object_add(o, "file",
				       json_object_new_string(vs->loc.file));
		json_object_object_add(o, "line",
				       json_object_new_int(vs->loc.line));
	}
	json_object_object_add(o, "scheduler",
			       json_object_new_string(vs->sched));
	add_u64(o, "quorum", lvs_model_quorum_of(vs));
	json_object_object_add(o, "quorum_up",
			       json_object_new_boolean(st->quorum_up));
	if (lvs_model_vs(l->cfg, v, NULL, true, &svcs) == 0)
		lvs_model_dedup(&svcs);
	for (size_t i = 0; i < svcs.n; i++) {
		const struct fwd_entry *k =
			fwd_table_find(kern, &svcs.entries[i].svc);
		struct json_object *so = json_object_new_object();

		json_object_object_add(
			so, "service",
			json_object_new_string(fwd_svc_fmt(&svcs.entries[i].svc,
							   buf, sizeof(buf))));
		json_object_object_add(so, "installed",
				       json_object_new_boolean(k != NULL));
		if (k) {
			const struct fwd_counters *c =
				fwd_table_counters(kern, k->svc.ctr);
			struct fwd_stats none = { 0 };

			stats_json(so, c ? &c->stats : &none);
		}
		json_object_array_add(sa, so);
	}
	for (size_t r = 0; r < vs->n_rss; r++) {
		const struct cfg_rs *rs = &vs->rss[r];
		struct json_object *ro =
			dest_json(&svcs, kern, &rs->addr, rs->port, &rs->fwd);

		json_object_object_add(ro, "weight",
				       json_object_new_int(rs->weight));
		if (st->rs[r].weight >= 0)
			json_object_object_add(
				ro, "dynamic_weight",
				json_object_new_int(st->rs[r].weight));
		json_object_object_add(
			ro, "health",
			json_object_new_string(st->rs[r].up ? "up" : "down"));
		json_object_array_add(ra, ro);
	}
	json_object_object_add(o, "services", sa);
	json_object_object_add(o, "real_servers", ra);
	if (vs->has_sorry) {
		struct json_object *so = dest_json(
			&svcs, kern, &vs->sorry_addr, vs->sorry_port,
			vs->sorry_has_fwd ? &vs->sorry_fwd : &vs->fwd);

		json_object_object_add(so, "in_use",
				       json_object_new_boolean(!st->quorum_up));
		json_object_object_add(o, "sorry_server", so);
	}
	fwd_table_free(&svcs);
	return o;
}

struct json_object *lvs_status(struct lvs *l)
{
	struct json_object *o, *a;
	struct fwd_table kern;
	int err;

	err = l->be->dump(l->h, &kern, true);
	if (err) {
		log_err("IPVS: reading the table: %s", strerror(-err));
		return NULL;
	}
	o = json_object_new_object();
	json_object_object_add(o, "enabled", json_object_new_boolean(1));
	json_object_object_add(o, "backend",
			       json_object_new_string(l->be->name));
	json_object_object_add(o, "last_ops", ops_json(&l->last));
	json_object_object_add(o, "total_ops", ops_json(&l->total));
	json_object_object_add(o, "retry_pending",
			       json_object_new_boolean(l->pending));
	add_u64(o, "kernel_services", kern.n);
	if (l->sync.conf.set) {
		struct json_object *s = json_object_new_object();

		json_object_object_add(
			s, "interface",
			json_object_new_string(l->sync.conf.ifname));
		json_object_object_add(
			s, "instance",
			json_object_new_string(l->sync.conf.instance));
		json_object_object_add(
			s, "state",
			json_object_new_string(
				l->sync.running & FWD_SYNC_MASTER ? "master" :
				l->sync.running & FWD_SYNC_BACKUP ? "backup" :
								    "stopped"));
		json_object_object_add(o, "sync_daemon", s);
	}
	a = json_object_new_array();
	for (size_t v = 0; l->cfg && v < l->cfg->n_vss; v++)
		json_object_array_add(a, vs_json(l, v, &kern));
	json_object_object_add(o, "virtual_servers", a);
	fwd_table_free(&kern);
	return o;
}
