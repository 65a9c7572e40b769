/*
 * cfg_inherit.c - values that come from elsewhere when a block leaves them
 * out: global_defs -> vrrp_instance, and virtual_server -> real_server ->
 * checker, with keepalived's defaults at the end of each chain.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cfg_int.h"

#define SEC 1000000ull

static void pick_us(uint64_t *v, uint64_t dflt)
{
	if (*v == CFG_UNSET_US)
		*v = dflt;
}

static void pick_u(unsigned *v, unsigned dflt)
{
	if (*v == CFG_UNSET_U)
		*v = dflt;
}

static bool tri(signed char v, bool dflt)
{
	return v >= 0 ? v : dflt;
}

/* advert_int: RFC 3768 5.3.7 whole seconds 1-255; RFC 5798 5.2.7
 * centiseconds, 1-4095. */
static void check_advert(struct cfg_ctx *x, const struct cfg_vrrp *v,
			 const struct cfg_loc *at)
{
	uint64_t us = v->advert_int_us;

	if (v->version == 2 && (us < SEC || us % SEC))
		cfg_msg_at(x, CFG_ERR, at,
			   "(%s) advert_int must be whole seconds from 1 to "
			   "255 with VRRP version 2",
			   v->name);
	else if (v->version == 3 && (us < 10000 || us > 40950000 || us % 10000))
		cfg_msg_at(x, CFG_ERR, at,
			   "(%s) advert_int must be from 0.01 to 40.95 "
			   "seconds in steps of 0.01 with VRRP version 3",
			   v->name);
}

void cfg_vrrp_defaults(struct cfg_ctx *x)
{
	struct cfg_global *g = &x->c->global;
	size_t i;

	pick_us(&g->vrrp_garp_lower_prio_delay_us,
		g->vrrp_garp_master_delay_us);
	pick_u(&g->vrrp_garp_lower_prio_repeat, g->vrrp_garp_master_repeat);
	for (i = 0; i < x->c->n_vrrps; i++) {
		struct cfg_vrrp *v = &x->c->vrrps[i];
		const struct cfg_vrrp_unset *u = &x->vx[i];

		if (!u->version_set)
			v->version =
				v->family == AF_INET6 ? 3 : g->vrrp_version;
		else if (v->version == 2 && v->family == AF_INET6)
			cfg_msg_at(x, CFG_ERR, &v->loc,
				   "(%s) VRRP version 2 is IPv4 only (RFC "
				   "3768); use version 3",
				   v->name);
		check_advert(x, v,
			     u->advert_loc.file ? &u->advert_loc : &v->loc);
		pick_us(&v->garp_master_delay_us, g->vrrp_garp_master_delay_us);
		pick_u(&v->garp_master_repeat, g->vrrp_garp_master_repeat);
		pick_us(&v->garp_master_refresh_us,
			g->vrrp_garp_master_refresh_us);
		pick_u(&v->garp_master_refresh_repeat,
		       g->vrrp_garp_master_refresh_repeat);
		pick_us(&v->garp_lower_prio_delay_us,
			g->vrrp_garp_lower_prio_delay_us);
		pick_u(&v->garp_lower_prio_repeat,
		       g->vrrp_garp_lower_prio_repeat);
		if (!v->down_timer_adverts)
			v->down_timer_adverts = g->vrrp_down_timer_adverts;
		v->strict = tri(u->strict, g->vrrp_strict);
		v->skip_check_adv_addr = tri(u->skip_check_adv_addr,
					     g->vrrp_skip_check_adv_addr);
		v->check_unicast_src =
			tri(u->check_unicast_src, g->vrrp_check_unicast_src);
		v->lower_prio_no_advert = tri(u->lower_prio_no_advert,
					      g->vrrp_lower_prio_no_advert);
		v->higher_prio_send_advert =
			tri(u->higher_prio_send_advert,
			    g->vrrp_higher_prio_send_advert);
		v->accept = tri(u->accept, !v->strict);
		if (v->strict && v->auth_type != CFG_AUTH_NONE)
			cfg_msg_at(x, CFG_ERR, &v->loc,
				   "(%s) strict mode does not allow "
				   "authentication (RFC 5798 has none)",
				   v->name);
		if (!v->strict && v->version == 3 &&
		    v->auth_type != CFG_AUTH_NONE) {
			/* keepalived drops it too */
			cfg_msg_at(x, CFG_WARN, &v->loc,
				   "(%s) authentication is ignored with VRRP "
				   "version 3 (RFC 5798 has none)",
				   v->name);
			v->auth_type = CFG_AUTH_NONE;
		}
		if (v->strict && v->n_peers)
			cfg_msg_at(x, CFG_ERR, &v->loc,
				   "(%s) strict mode does not allow "
				   "unicast_peer",
				   v->name);
	}
}

/* takes from @rs only its timers, alpha and virtualhost: cfg_share_last_rs
 * compares exactly those */
static void inherit_check(const struct cfg_global *g, const struct cfg_vs *vs,
			  const struct cfg_rs *rs, struct cfg_check *chk)
{
	const struct cfg_chk_timers *r = cfg_rs_timers(rs), *v = &vs->timers;
	bool http = chk->type == CFG_CHK_HTTP || chk->type == CFG_CHK_SSL;
	unsigned retry = chk->type == CFG_CHK_MISC ? 0 :
			 chk->type == CFG_CHK_DNS  ? 3 :
						     1;
	const char *vhost;

	pick_us(&chk->connect_timeout_us, r->connect_timeout_us);
	pick_us(&chk->connect_timeout_us, v->connect_timeout_us);
	pick_us(&chk->connect_timeout_us, 5 * SEC);
	pick_u(&chk->retry, r->retry);
	pick_u(&chk->retry, v->retry);
	pick_u(&chk->retry, retry);
	pick_us(&chk->delay_before_retry_us, r->delay_before_retry_us);
	pick_us(&chk->delay_before_retry_us, v->delay_before_retry_us);
	pick_us(&chk->delay_before_retry_us, http ? 3 * SEC : SEC);
	pick_us(&chk->delay_loop_us, r->delay_loop_us);
	pick_us(&chk->delay_loop_us, vs->delay_loop_us);
	pick_us(&chk->warmup_us, r->warmup_us);
	pick_us(&chk->warmup_us, v->warmup_us);
	pick_us(&chk->warmup_us, chk->delay_loop_us);
	chk->alpha = chk->alpha || rs->alpha || vs->alpha;
	chk->log_all_failures =
		chk->log_all_failures || g->checker_log_all_failures;
	vhost = cfg_rs_virtualhost(rs);
	if (!vhost)
		vhost = vs->virtualhost;
	if (http && !chk->virtualhost && vhost)
		chk->virtualhost = cfg_xstrdup(vhost);
}

void cfg_inherit_vs(const struct cfg_global *g, struct cfg_vs *vs)
{
	size_t i, j;

	for (i = 0; i < vs->n_rss; i++) {
		struct cfg_rs *rs = &vs->rss[i];

		if (!rs->fwd_set)
			rs->fwd = vs->fwd;
		rs->inhibit_on_failure =
			rs->inhibit_on_failure || vs->inhibit_on_failure;
		/* a shared array was resolved with its owner, from the same
		 * inputs (cfg_share_last_rs) */
		for (j = 0; j < rs->n_checks && !rs->checks_shared; j++)
			inherit_check(g, vs, rs, &rs->checks[j]);
	}
}
