/*
 * cfg_validate.c - checks that need the whole file: names resolved to
 * indices (track_script, sync group members, virtual_server_group,
 * lvs_sync_daemon), duplicate names and VRIDs, per-version advert_int
 * ranges, and the global SSL files. Lookups sort once and binary-search, so
 * large configurations stay O(n log n).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg_int.h"
#include "cfg_tls.h"

struct name_idx {
	const char *name;
	size_t idx;
};

static int name_cmp(const void *a, const void *b)
{
	const struct name_idx *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	if (r)
		return r;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Sort @n names (each @stride bytes apart, starting at @base), report the
 * duplicates, and return the index for lookups (caller frees). */
static struct name_idx *index_names(struct cfg_ctx *x, const char *what,
				    const void *base, size_t n, size_t stride,
				    size_t loc_off)
{
	struct name_idx *v = cfg_xcalloc(n, sizeof(*v));
	size_t i;

	for (i = 0; i < n; i++) {
		v[i].name = (const char *)base + i * stride;
		v[i].idx = i;
	}
	qsort(v, n, sizeof(*v), name_cmp);
	for (i = 1; i < n; i++)
		if (!strcmp(v[i].name, v[i - 1].name) && v[i].name[0])
			cfg_msg_at(x, CFG_ERR,
				   (const struct cfg_loc *)((const char *)base +
							    v[i].idx * stride +
							    loc_off),
				   "duplicate %s '%s'", what, v[i].name);
	return v;
}

static long lookup(const struct name_idx *v, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = strcmp(v[mid].name, name);

		if (!r)
			return (long)v[mid].idx;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

#define INDEX(x, what, arr, n, T) \
	index_names(x, what, arr, n, sizeof(T), offsetof(T, loc))

/* point each of the @n lines @r of a @line block at the @block its name
 * names in @idx (@n_idx names), or report it */
static void resolve_refs(struct cfg_ctx *x, const char *line, const char *block,
			 const struct name_idx *idx, size_t n_idx,
			 struct cfg_track_ref *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		long b = lookup(idx, n_idx, r[i].name);

		if (b < 0)
			cfg_msg_at(x, CFG_ERR, &r[i].loc, "%s '%s' names no %s",
				   line, r[i].name, block);
		else
			r[i].def = (size_t)b;
	}
}

static void resolve_members(struct cfg_ctx *x, const struct name_idx *vrrps)
{
	struct cfg *c = x->c;
	size_t i;

	for (i = 0; i < x->n_members; i++) {
		const struct cfg_ref *r = &x->members[i];
		struct cfg_sync_group *g = &c->sync_groups[r->owner];
		long v = lookup(vrrps, c->n_vrrps, r->name);

		if (v < 0 && r->bare) {
			x->loc = r->loc;
			cfg_unknown_kw(x, &cfg_blk_sync, r->name);
			continue;
		}
		if (v < 0) {
			cfg_msg_at(x, CFG_ERR, &r->loc,
				   "vrrp_sync_group %s: no vrrp_instance '%s'",
				   g->name, r->name);
			continue;
		}
		if (r->bare)
			cfg_msg_at(x, CFG_WARN, &r->loc,
				   "vrrp_sync_group %s: member '%s' outside "
				   "group { } (keepalived ignores this line; "
				   "directord takes it as a member)",
				   g->name, r->name);
		if (c->vrrps[v].sync_group >= 0) {
			cfg_msg_at(x, CFG_ERR, &r->loc,
				   "vrrp_instance %s is already in "
				   "vrrp_sync_group %s",
				   r->name,
				   c->sync_groups[c->vrrps[v].sync_group].name);
			continue;
		}
		c->vrrps[v].sync_group = (int)r->owner;
		*(size_t *)cfg_push(&g->members, &g->n_members,
				    sizeof(size_t)) = (size_t)v;
	}
}

static void resolve_vs_groups(struct cfg_ctx *x)
{
	struct cfg *c = x->c;
	struct name_idx *groups;
	size_t i;

	groups = INDEX(x, "virtual_server_group", c->groups, c->n_groups,
		       struct cfg_vsg);
	for (i = 0; i < x->n_vs_groups; i++) {
		const struct cfg_ref *r = &x->vs_groups[i];
		struct cfg_vs *vs = &c->vss[r->owner];
		long g = lookup(groups, c->n_groups, r->name);
		const struct cfg_vsg *vsg;
		size_t j;

		if (g < 0) {
			cfg_msg_at(x, CFG_ERR, &r->loc,
				   "no virtual_server_group '%s'", r->name);
			continue;
		}
		vs->group = (size_t)g;
		vsg = &c->groups[g];
		for (j = 0; j < vsg->n_entries && !vs->family; j++)
			vs->family = vsg->entries[j].is_fwmark ?
					     vsg->entries[j].fwmark_family :
					     vsg->entries[j].first.family;
		if (!vs->family)
			vs->family = AF_INET;
	}
	free(groups);
}

/* Key for duplicate VRIDs: keepalived allows one VRID per interface and
 * family (RFC 5798 section 7.3 demultiplexes by VRID on a LAN). */
struct vrid_key {
	const char *ifname;
	int family;
	unsigned vrid;
	size_t idx;
};

static int vrid_cmp(const void *a, const void *b)
{
	const struct vrid_key *x = a, *y = b;
	int r = strcmp(x->ifname, y->ifname);

	if (r)
		return r;
	if (x->family != y->family)
		return x->family - y->family;
	if (x->vrid != y->vrid)
		return x->vrid < y->vrid ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void check_vrids(struct cfg_ctx *x)
{
	struct cfg *c = x->c;
	struct vrid_key *k = cfg_xcalloc(c->n_vrrps, sizeof(*k));
	size_t i, n = 0;

	for (i = 0; i < c->n_vrrps; i++) {
		const struct cfg_vrrp *v = &c->vrrps[i];

		/* unicast instances are told apart by their peers */
		if (!v->vrid || v->n_peers)
			continue;
		k[n++] = (struct vrid_key){ v->interface, v->family, v->vrid,
					    i };
	}
	qsort(k, n, sizeof(*k), vrid_cmp);
	for (i = 1; i < n; i++)
		if (k[i].vrid == k[i - 1].vrid &&
		    k[i].family == k[i - 1].family &&
		    !strcmp(k[i].ifname, k[i - 1].ifname))
			cfg_msg_at(x, CFG_ERR, &c->vrrps[k[i].idx].loc,
				   "(%s) virtual_router_id %u is already used "
				   "on %s for %s by %s",
				   c->vrrps[k[i].idx].name, k[i].vrid,
				   k[i].ifname, cfg_family_name(k[i].family),
				   c->vrrps[k[i - 1].idx].name);
	free(k);
}

static bool has_ssl_get(const struct cfg *c)
{
	size_t i, j, k;

	for (i = 0; i < c->n_vss; i++)
		for (j = 0; j < c->vss[i].n_rss; j++)
			for (k = 0; k < c->vss[i].rss[j].n_checks; k++)
				if (c->vss[i].rss[j].checks[k].type ==
				    CFG_CHK_SSL)
					return true;
	return false;
}

/*
 * ssl_report - the result of one SSL { } file check: an error at the
 * keyword's line, or one warning when libcrypto cannot be loaded (the
 * checker would not run SSL_GET either, and says so itself).
 */
static void ssl_report(struct cfg_ctx *x, int res, const struct cfg_loc *loc,
		       const char *kw, const char *file, const char *why,
		       bool *warned)
{
	if (res == CFG_TLS_BAD)
		cfg_msg_at(x, CFG_ERR, loc, "SSL %s '%s' %s", kw, file, why);
	else if (res == CFG_TLS_NOLIB && !*warned) {
		cfg_msg_at(x, CFG_WARN, loc, "SSL files not checked: %s", why);
		*warned = true;
	}
}

/*
 * check_ssl - the SSL { } files load as the checker will load them, so
 * that a bad one refuses the configuration rather than failing every
 * SSL_GET at run time. Only with an SSL_GET check (nothing else uses
 * them). A child replaying core's snapshot checks only that the CA is
 * readable, as it always did: core checked the contents when it loaded
 * that configuration, and a child must not refuse what core adopted
 * because a file changed since (nor map libcrypto for it).
 */
static void check_ssl(struct cfg_ctx *x)
{
	const struct cfg_global *g = &x->c->global;
	bool warned = false, cert_ok = true;
	char why[512];
	int res;

	if ((!g->ssl_ca && !g->ssl_cert && !g->ssl_key) || !has_ssl_get(x->c))
		return;
	if (x->replay) {
		if (g->ssl_ca && access(g->ssl_ca, R_OK))
			cfg_msg_at(x, CFG_ERR, &x->ssl_ca_loc,
				   "SSL ca '%s' cannot be read: %s", g->ssl_ca,
				   strerror(errno));
		return;
	}
	if (g->ssl_ca) {
		res = cfg_tls_check_certs(g->ssl_ca, why, sizeof(why));
		ssl_report(x, res, &x->ssl_ca_loc, "ca", g->ssl_ca, why,
			   &warned);
	}
	if (g->ssl_cert) {
		res = cfg_tls_check_certs(g->ssl_cert, why, sizeof(why));
		ssl_report(x, res, &x->ssl_cert_loc, "certificate", g->ssl_cert,
			   why, &warned);
		cert_ok = res == CFG_TLS_OK;
	}
	if (g->ssl_key) {
		res = cfg_tls_check_key(g->ssl_key, g->ssl_password,
					cert_ok ? g->ssl_cert : NULL, why,
					sizeof(why));
		ssl_report(x, res, &x->ssl_key_loc, "key", g->ssl_key, why,
			   &warned);
	}
}

void cfg_validate(struct cfg_ctx *x)
{
	struct cfg *c = x->c;
	struct name_idx *scripts, *files, *procs, *vrrps;
	size_t i;

	cfg_vrrp_defaults(x);
	scripts = INDEX(x, "vrrp_script", c->scripts, c->n_scripts,
			struct cfg_script);
	files = INDEX(x, "track_file", c->track_files, c->n_track_files,
		      struct cfg_file_def);
	procs = INDEX(x, "vrrp_track_process", c->track_procs, c->n_track_procs,
		      struct cfg_proc_def);
	vrrps = INDEX(x, "vrrp_instance", c->vrrps, c->n_vrrps,
		      struct cfg_vrrp);
	free(INDEX(x, "vrrp_sync_group", c->sync_groups, c->n_sync_groups,
		   struct cfg_sync_group));
	/* every instance's lines, then every group's */
	for (i = 0; i < cfg_n_trackers(c); i++) {
		struct cfg_trackers *t = cfg_trackers_at(c, i);

		resolve_refs(x, "track_script", "vrrp_script", scripts,
			     c->n_scripts, t->scripts, t->n_scripts);
		resolve_refs(x, "track_file", "track_file block", files,
			     c->n_track_files, t->files, t->n_files);
		resolve_refs(x, "track_process", "vrrp_track_process", procs,
			     c->n_track_procs, t->procs, t->n_procs);
	}
	resolve_members(x, vrrps);
	if (c->global.lvs_sync_daemon.set &&
	    lookup(vrrps, c->n_vrrps, c->global.lvs_sync_daemon.instance) < 0)
		cfg_msg_at(x, CFG_ERR, &x->sync_daemon_loc,
			   "lvs_sync_daemon names no vrrp_instance '%s'",
			   c->global.lvs_sync_daemon.instance);
	free(scripts);
	free(files);
	free(procs);
	free(vrrps);
	check_vrids(x);
	resolve_vs_groups(x);
	check_ssl(x);
	for (i = 0; i < c->n_vss; i++)
		cfg_inherit_vs(&c->global, &c->vss[i]);
}
