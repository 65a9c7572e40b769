/*
 * lvs_model.c - configuration + health -> desired forwarding table (pure).
 * keepalived's rules: a DR or TUN destination has the service's port (the
 * kernel forwards without rewriting it; keepalived resets a different one),
 * a NAT one without a port takes the service's; a down real server is
 * removed, or kept with weight 0 under inhibit_on_failure; on quorum loss
 * the sorry server (weight 1) replaces the real servers, and stays at
 * weight 0 otherwise with sorry_server_inhibit.
 */
#define _GNU_SOURCE /* qsort_r */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lvs_model.h"

int lvs_model_rs_weight(const struct cfg_rs *rs, const struct lvs_rs_state *st)
{
	return st && st->weight >= 0 ? st->weight : rs->weight;
}

unsigned lvs_model_quorum_of(const struct cfg_vs *vs)
{
	unsigned long total = 0;

	for (size_t i = 0; i < vs->n_rss; i++)
		total += (unsigned long)(vs->rss[i].weight > 0 ?
						 vs->rss[i].weight :
						 0);
	return total < vs->quorum ? (unsigned)total : vs->quorum;
}

unsigned long lvs_model_live_weight(const struct cfg_rs *rs,
				    const struct lvs_rs_state *st)
{
	return st->up ? (unsigned long)lvs_model_rs_weight(rs, st) : 0;
}

bool lvs_model_quorum_sum(const struct cfg_vs *vs, unsigned quorum,
			  unsigned long sum, bool was_up)
{
	unsigned long lo;

	lo = quorum > vs->hysteresis ? quorum - vs->hysteresis : 0;
	if (was_up)
		return sum && sum >= lo;
	return sum && sum >= (unsigned long)quorum + vs->hysteresis;
}

bool lvs_model_quorum(const struct cfg_vs *vs, const struct lvs_rs_state *rs,
		      bool was_up)
{
	unsigned long sum = 0;

	for (size_t i = 0; i < vs->n_rss; i++)
		sum += lvs_model_live_weight(&vs->rss[i], &rs[i]);
	return lvs_model_quorum_sum(vs, lvs_model_quorum_of(vs), sum, was_up);
}

uint16_t lvs_model_dest_port(const struct fwd_svc *svc, uint16_t port,
			     const struct cfg_fwd_method *fwd)
{
	if (fwd->method != CFG_FWD_NAT)
		return svc->port;
	return port ? port : svc->port;
}

/* the persistence netmask the kernel expects: a v4 mask in network order,
 * a v6 prefix length; "all of it" when no granularity is set */
static uint32_t svc_netmask(const struct cfg_vs *vs, int af)
{
	const struct addr *g = &vs->persistence_granularity;
	uint32_t m;
	unsigned bits = 0;

	if (af == AF_INET) {
		if (g->family != AF_INET)
			return 0xffffffff;
		memcpy(&m, g->u.bytes, 4);
		return m;
	}
	if (g->family != AF_INET6)
		return 128;
	for (size_t i = 0; i < 16; i++)
		bits += (unsigned)__builtin_popcount(g->u.bytes[i]);
	return bits;
}

static struct fwd_svc svc_base(const struct cfg_vs *vs, int af)
{
	struct fwd_svc s;

	memset(&s, 0, sizeof(s));
	s.af = af;
	memcpy(s.sched, vs->sched, sizeof(s.sched) - 1);
	if (vs->persistent) {
		s.flags |= FWD_SVC_F_PERSISTENT;
		s.timeout = vs->persistence_timeout;
	}
	if (vs->ops)
		s.flags |= FWD_SVC_F_ONEPACKET;
	if (vs->sh_fallback || vs->mh_fallback)
		s.flags |= FWD_SVC_F_SCHED1;
	if (vs->sh_port || vs->mh_port)
		s.flags |= FWD_SVC_F_SCHED2;
	s.netmask = svc_netmask(vs, af);
	if (vs->persistence_engine)
		strncpy(s.pe_name, vs->persistence_engine,
			sizeof(s.pe_name) - 1);
	return s;
}

static void set_fwd(struct fwd_dest *d, const struct cfg_fwd_method *f)
{
	d->method = (enum fwd_method)f->method;
	if (f->method == CFG_FWD_TUN) {
		d->tun_type = (uint8_t)f->tun_type;
		d->tun_port = f->tun_type == CFG_TUN_GUE ? f->tun_port : 0;
		d->tun_flags = (uint16_t)f->tun_csum;
	}
}

bool lvs_model_rs_dest(const struct fwd_svc *svc, const struct cfg_vs *vs,
		       size_t r, const struct lvs_rs_state *rst, bool sorry_in,
		       bool all, struct fwd_dest *d)
{
	const struct cfg_rs *rs = &vs->rss[r];
	bool up = all || (rst->up && !sorry_in);

	if (!up && !rs->inhibit_on_failure)
		return false;
	memset(d, 0, sizeof(*d));
	d->addr = rs->addr;
	d->port = lvs_model_dest_port(svc, rs->port, &rs->fwd);
	set_fwd(d, &rs->fwd);
	d->weight = up ? (uint32_t)lvs_model_rs_weight(rs, rst) : 0;
	d->u_thresh = cfg_rs_uthreshold(rs);
	d->l_thresh = cfg_rs_lthreshold(rs);
	return true;
}

/* add the destinations of @vs to the service @e; a duplicate (a real server
 * named twice, or the sorry server among them) is left to lvs_model_dedup,
 * which keeps the first: checking here would be quadratic */
static int add_dests(struct fwd_entry *e, const struct cfg_vs *vs,
		     const struct lvs_vs_state *st, bool all)
{
	bool sorry_in = vs->has_sorry && (all || !st->quorum_up);
	const struct cfg_fwd_method *sorry_fwd;
	struct fwd_dest d;

	for (size_t i = 0; i < vs->n_rss; i++) {
		if (!lvs_model_rs_dest(&e->svc, vs, i, st ? &st->rs[i] : NULL,
				       sorry_in, all, &d))
			continue;
		if (fwd_entry_add_dest(e, &d) < 0)
			return -1;
	}
	if (!vs->has_sorry || (!sorry_in && !vs->sorry_inhibit))
		return 0;
	memset(&d, 0, sizeof(d));
	d.addr = vs->sorry_addr;
	sorry_fwd = vs->sorry_has_fwd ? &vs->sorry_fwd : &vs->fwd;
	d.port = lvs_model_dest_port(&e->svc, vs->sorry_port, sorry_fwd);
	set_fwd(&d, sorry_fwd);
	d.weight = sorry_in ? 1 : 0;
	return fwd_entry_add_dest(e, &d);
}

/* a service of @vs, with its destinations unless @svc_only */
static int add_svc(struct fwd_table *out, const struct fwd_svc *s,
		   const struct cfg_vs *vs, const struct lvs_vs_state *st,
		   bool all, bool svc_only)
{
	struct fwd_entry *e = fwd_table_add(out, s);

	if (!e)
		return -1;
	return svc_only ? 0 : add_dests(e, vs, st, all);
}

/* the last 32 bits of an address, host order (ranges vary those) */
static uint32_t tail32(const struct addr *a)
{
	uint32_t v;

	memcpy(&v, a->u.bytes + addr_len(a) - 4, 4);
	return ntohl(v);
}

static int add_group_entry(struct fwd_table *out, const struct cfg_vs *vs,
			   const struct cfg_vsg_entry *ge,
			   const struct lvs_vs_state *st, bool all,
			   bool svc_only)
{
	struct fwd_svc s = svc_base(vs, vs->family);
	uint32_t first, last;

	if (ge->is_fwmark) {
		s.fwmark = ge->fwmark;
		return add_svc(out, &s, vs, st, all, svc_only);
	}
	if (ge->first.family != vs->family)
		return 0; /* the group's other family has its own VS */
	s.protocol = (uint16_t)vs->protocol;
	s.port = ge->port;
	s.addr = ge->first;
	first = tail32(&ge->first);
	last = ge->last.family == ge->first.family ? tail32(&ge->last) : first;
	if (last < first || last - first >= LVS_MODEL_RANGE_MAX)
		last = first;
	for (uint64_t v = first; v <= last; v++) {
		uint32_t be = htonl((uint32_t)v);

		memcpy(s.addr.u.bytes + addr_len(&s.addr) - 4, &be, 4);
		if (add_svc(out, &s, vs, st, all, svc_only) < 0)
			return -1;
	}
	return 0;
}

static int model_vs(const struct cfg *c, size_t vsi,
		    const struct lvs_vs_state *st, bool all, bool svc_only,
		    struct fwd_table *out)
{
	const struct cfg_vs *vs = &c->vss[vsi];
	const struct cfg_vsg *g;
	struct fwd_svc s;

	if (!all && !st)
		return -1;
	switch (vs->kind) {
	case CFG_VS_ADDR:
		s = svc_base(vs, vs->addr.family);
		s.protocol = (uint16_t)vs->protocol;
		s.addr = vs->addr;
		s.port = vs->port;
		return add_svc(out, &s, vs, st, all, svc_only);
	case CFG_VS_FWMARK:
		s = svc_base(vs, vs->family ? vs->family : AF_INET);
		s.fwmark = vs->fwmark;
		return add_svc(out, &s, vs, st, all, svc_only);
	case CFG_VS_GROUP:
		if (vs->group >= c->n_groups)
			return 0;
		g = &c->groups[vs->group];
		for (size_t i = 0; i < g->n_entries; i++)
			if (add_group_entry(out, vs, &g->entries[i], st, all,
					    svc_only) < 0)
				return -1;
		return 0;
	}
	return 0;
}

int lvs_model_vs(const struct cfg *c, size_t vsi, const struct lvs_vs_state *st,
		 bool all, struct fwd_table *out)
{
	return model_vs(c, vsi, st, all, false, out);
}

int lvs_model_vs_svcs(const struct cfg *c, size_t vsi, struct fwd_table *out)
{
	memset(out, 0, sizeof(*out));
	if (model_vs(c, vsi, NULL, true, true, out) < 0) {
		fwd_table_free(out);
		return -1;
	}
	lvs_model_dedup(out);
	return 0;
}

/* a destination's identity in every service of its virtual server: the
 * address, and the port when it is its own (NAT with a port), else 0 for
 * "the service's port" */
struct dest_key {
	struct addr addr;
	uint16_t port;
};

static int key_cmp(const void *a, const void *b)
{
	const struct dest_key *x = a, *y = b;
	int r = addr_cmp(&x->addr, &y->addr);

	return r ? r : x->port < y->port ? -1 : x->port > y->port;
}

static uint16_t key_port(uint16_t port, const struct cfg_fwd_method *f)
{
	return f->method == CFG_FWD_NAT ? port : 0;
}

int lvs_model_dests_unique(const struct cfg_vs *vs)
{
	size_t n = vs->n_rss + (vs->has_sorry ? 1 : 0);
	struct dest_key *k;
	int unique = 1;
	size_t i;

	if (n < 2)
		return 1;
	k = calloc(n, sizeof(*k));
	if (!k)
		return -1;
	for (i = 0; i < vs->n_rss; i++)
		k[i] = (struct dest_key){ vs->rss[i].addr,
					  key_port(vs->rss[i].port,
						   &vs->rss[i].fwd) };
	if (vs->has_sorry)
		k[n - 1] = (struct dest_key){
			vs->sorry_addr,
			key_port(vs->sorry_port,
				 vs->sorry_has_fwd ? &vs->sorry_fwd : &vs->fwd)
		};
	/* real servers are usually listed in order: sort only when not */
	for (i = 1; i < n && key_cmp(&k[i - 1], &k[i]) <= 0; i++)
		;
	if (i < n)
		qsort(k, n, sizeof(*k), key_cmp);
	/* equal keys collide; so does "the service's port" (sorted first)
	 * with any other port of the same address, in some service */
	for (i = 1; i < n && unique; i++)
		if (addr_eq(&k[i - 1].addr, &k[i].addr) &&
		    (!k[i - 1].port || k[i - 1].port == k[i].port))
			unique = 0;
	free(k);
	return unique;
}

struct sort_ctx {
	int (*cmp)(const void *, const void *);
};

struct sort_ref {
	const char *p;
	size_t i;
};

static int ref_cmp(const void *a, const void *b, void *arg)
{
	const struct sort_ref *x = a, *y = b;
	const struct sort_ctx *ctx = arg;
	int r = ctx->cmp(x->p, y->p);

	return r ? r : x->i < y->i ? -1 : 1;
}

/* sort @n items of @size and drop the later of equals (input order decides:
 * qsort alone is not stable); returns the new count */
static size_t sort_unique(void *base, size_t n, size_t size,
			  int (*cmp)(const void *, const void *),
			  void (*drop)(void *))
{
	struct sort_ctx ctx = { cmp };
	struct sort_ref *refs;
	char *b = base, *copy;
	size_t out = 0, k;

	if (n < 2)
		return n;
	/* already in order without equals (real servers listed in order):
	 * the sort would change nothing */
	for (k = 1; k < n && cmp(b + (k - 1) * size, b + k * size) < 0; k++)
		;
	if (k == n)
		return n;
	refs = malloc(n * sizeof(*refs));
	copy = malloc(n * size);
	if (!refs || !copy) {
		free(refs);
		free(copy);
		return n;
	}
	memcpy(copy, b, n * size);
	for (size_t i = 0; i < n; i++)
		refs[i] = (struct sort_ref){ copy + i * size, i };
	qsort_r(refs, n, sizeof(*refs), ref_cmp, &ctx);
	for (size_t i = 0; i < n; i++) {
		if (out && !cmp(b + (out - 1) * size, refs[i].p)) {
			if (drop)
				drop((void *)refs[i].p);
			continue;
		}
		memcpy(b + out++ * size, refs[i].p, size);
	}
	free(refs);
	free(copy);
	return out;
}

static int entry_cmp(const void *a, const void *b)
{
	return fwd_svc_cmp(&((const struct fwd_entry *)a)->svc,
			   &((const struct fwd_entry *)b)->svc);
}

static int dest_cmp(const void *a, const void *b)
{
	return fwd_dest_cmp(a, b);
}

static void entry_drop(void *p)
{
	free(((struct fwd_entry *)p)->dests);
}

void lvs_model_dedup(struct fwd_table *t)
{
	t->n = sort_unique(t->entries, t->n, sizeof(*t->entries), entry_cmp,
			   entry_drop);
	for (size_t i = 0; i < t->n; i++)
		t->entries[i].n_dests =
			sort_unique(t->entries[i].dests, t->entries[i].n_dests,
				    sizeof(struct fwd_dest), dest_cmp, NULL);
}

int lvs_model_build(const struct cfg *c, const struct lvs_vs_state *st,
		    bool all, struct fwd_table *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < c->n_vss; i++) {
		if (lvs_model_vs(c, i, st ? &st[i] : NULL, all, out) < 0) {
			fwd_table_free(out);
			return -1;
		}
	}
	lvs_model_dedup(out);
	return 0;
}
