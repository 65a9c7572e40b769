/*
 * status.c - the VRRP process status as JSON (json-c) for core:
 * {"generation":N,"instances":[{...}],"sync_groups":[{...}]}.
 */
#include "config.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instance.h"
#include "proc.h"
#include "sock.h"
#include "track.h"

static json_object *jaddr(const struct addr *a)
{
	char ab[ADDR_STRLEN];

	if (!a->family)
		return NULL; /* JSON null */
	return json_object_new_string(addr_fmt(a, ab));
}

static json_object *vip_list(const struct cfg_vip *v, size_t n)
{
	json_object *arr = json_object_new_array();
	char ab[ADDR_STRLEN], buf[ADDR_STRLEN + 8];
	size_t k;

	for (k = 0; k < n; k++) {
		snprintf(buf, sizeof(buf), "%s/%u", addr_fmt(&v[k].addr, ab),
			 v[k].prefix);
		json_object_array_add(arr, json_object_new_string(buf));
	}
	return arr;
}

static void add_u64(json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

/* the track files the instance follows itself, with their values now */
static json_object *files_json(const struct vrrp_inst *i)
{
	const struct cfg *cfg = i->p->cfg;
	json_object *arr = json_object_new_array();
	size_t k;

	for (k = 0; k < i->c->trk.n_files; k++) {
		const struct cfg_track_ref *t = &i->c->trk.files[k];
		json_object *o;

		if (t->def >= cfg->n_track_files)
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "name",
				       json_object_new_string(t->name));
		json_object_object_add(
			o, "file",
			json_object_new_string(cfg->track_files[t->def].path));
		json_object_object_add(
			o, "value",
			json_object_new_int(
				vrrp_track_file_value(i->p->track, t->def)));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* the processes the instance tracks itself: copies running, up */
static json_object *procs_json(const struct vrrp_inst *i)
{
	const struct cfg *cfg = i->p->cfg;
	json_object *arr = json_object_new_array();
	size_t k;

	for (k = 0; k < i->c->trk.n_procs; k++) {
		const struct cfg_track_ref *t = &i->c->trk.procs[k];
		json_object *o;
		unsigned n;
		bool up;

		if (t->def >= cfg->n_track_procs)
			continue;
		n = vrrp_track_proc_count(i->p->track, t->def, &up);
		o = json_object_new_object();
		json_object_object_add(o, "name",
				       json_object_new_string(t->name));
		json_object_object_add(o, "running",
				       json_object_new_int((int)n));
		json_object_object_add(o, "up", json_object_new_boolean(up));
		json_object_array_add(arr, o);
	}
	return arr;
}

static json_object *inst_json(const struct vrrp_inst *i)
{
	const struct cfg_vrrp *c = i->c;
	json_object *o = json_object_new_object();
	json_object *cnt = json_object_new_object();
	json_object *drops = json_object_new_object();
	int r;

	json_object_object_add(o, "name", json_object_new_string(c->name));
	json_object_object_add(o, "interface",
			       json_object_new_string(c->interface));
	if (i->vmac_up) /* use_vmac: the macvlan holding the VIPs */
		json_object_object_add(o, "vmac",
				       json_object_new_string(i->vif));
	json_object_object_add(o, "vrid", json_object_new_int((int)c->vrid));
	json_object_object_add(o, "version", json_object_new_int(c->version));
	json_object_object_add(o, "family",
			       json_object_new_string(c->family == AF_INET6 ?
							      "inet6" :
							      "inet"));
	json_object_object_add(
		o, "state",
		json_object_new_string(vrrp_state_name(i->fsm.state)));
	json_object_object_add(o, "base_priority",
			       json_object_new_int((int)c->priority));
	json_object_object_add(o, "effective_priority",
			       json_object_new_int((int)i->fsm.priority));
	json_object_object_add(o, "fault", json_object_new_boolean(i->fault));
	json_object_object_add(o, "track_files", files_json(i));
	json_object_object_add(o, "track_processes", procs_json(i));
	json_object_object_add(o, "stepped_down",
			       json_object_new_boolean(i->stepped_down));
	json_object_object_add(o, "source", jaddr(&i->src));
	json_object_object_add(o, "master",
			       i->fsm.state == VRRP_STATE_MASTER ?
				       jaddr(&i->src) :
				       jaddr(&i->fsm.master));
	json_object_object_add(
		o, "master_priority",
		json_object_new_int(i->fsm.state == VRRP_STATE_MASTER ?
					    (int)i->fsm.priority :
					    (int)i->fsm.master_priority));
	json_object_object_add(o, "vips", vip_list(c->vips, c->n_vips));
	json_object_object_add(o, "excluded_vips",
			       vip_list(c->evips, c->n_evips));
	json_object_object_add(o, "vips_installed",
			       json_object_new_boolean(i->vips_up));
	add_u64(o, "advert_int_us", c->advert_int_us);
	add_u64(o, "master_advert_int_us", i->fsm.master_adver_int_us);
	add_u64(o, "master_down_us", vrrp_fsm_master_down_us(&i->fsm));
	add_u64(o, "transitions", i->transitions);

	add_u64(cnt, "adverts_tx", i->st.adverts_tx);
	add_u64(cnt, "adverts_rx", i->st.adverts_rx);
	add_u64(cnt, "prio0_tx", i->st.prio0_tx);
	add_u64(cnt, "prio0_rx", i->st.prio0_rx);
	add_u64(cnt, "garp_tx", i->st.garp_tx);
	add_u64(cnt, "vip_restored", i->st.vip_restored);
	for (r = VRRP_PKT_OK + 1; r < VRRP_PKT_REASON_MAX; r++)
		add_u64(drops, vrrp_pkt_reason_name((enum vrrp_pkt_reason)r),
			i->st.drop[r]);
	add_u64(drops, "unicast_src", i->st.drop_unicast_src);
	add_u64(drops, "unicast_ttl", i->st.drop_ttl_range);
	json_object_object_add(cnt, "drops", drops);
	json_object_object_add(o, "counters", cnt);
	return o;
}

char *vrrp_status_json(const struct vrrp_proc *p)
{
	json_object *root = json_object_new_object();
	json_object *arr = json_object_new_array();
	json_object *groups = json_object_new_array();
	const struct vrrp_sock *s;
	char *out;
	size_t k;

	json_object_object_add(root, "generation",
			       json_object_new_int64(p->generation));
	for (k = 0; k < p->n_insts; k++)
		if (p->insts[k])
			json_object_array_add(arr, inst_json(p->insts[k]));
	json_object_object_add(root, "instances", arr);
	for (k = 0; p->cfg && k < p->cfg->n_sync_groups; k++) {
		const struct cfg_sync_group *g = &p->cfg->sync_groups[k];
		json_object *o = json_object_new_object();
		json_object *m = json_object_new_array();
		size_t j;

		json_object_object_add(o, "name",
				       json_object_new_string(g->name));
		for (j = 0; j < g->n_members; j++)
			json_object_array_add(
				m, json_object_new_string(
					   p->cfg->vrrps[g->members[j]].name));
		json_object_object_add(o, "members", m);
		json_object_object_add(
			o, "state",
			json_object_new_string(
				p->sg_state && p->sg_state[k] >= 0 ?
					vrrp_state_name((enum vrrp_state)p
								->sg_state[k]) :
					"INIT"));
		json_object_array_add(groups, o);
	}
	json_object_object_add(root, "sync_groups", groups);
	/* adverts no instance could take (too short, or a VRID not run here:
	 * RFC 5798 section 7.1) */
	arr = json_object_new_array();
	for (s = p->socks; s; s = vrrp_sock_next(s)) {
		json_object *o = json_object_new_object();

		json_object_object_add(
			o, "interface",
			json_object_new_string(vrrp_sock_ifname(s)));
		json_object_object_add(
			o, "family",
			json_object_new_string(vrrp_sock_family(s) == AF_INET6 ?
						       "inet6" :
						       "inet"));
		add_u64(o, "unknown_vrid", vrrp_sock_unknown(s));
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "sockets", arr);
	out = strdup(
		json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
	json_object_put(root);
	return out;
}
