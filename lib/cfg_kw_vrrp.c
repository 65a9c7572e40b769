/*
 * cfg_kw_vrrp.c - vrrp_instance { } with authentication { },
 * virtual_ipaddress { }, virtual_ipaddress_excluded { } and unicast_peer { },
 * and the checks made at the end of each instance.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cfg_int.h"

typedef struct cfg_vrrp V;

static struct cfg_vrrp_unset *vx_of(struct cfg_ctx *x, const V *v)
{
	return &x->vx[v - x->c->vrrps];
}

void *cfg_kw_vrrp_instance(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			   int argc, char **argv)
{
	struct cfg *c = x->c;
	struct cfg_vrrp_unset *u;
	V *v;

	v = cfg_push(&c->vrrps, &c->n_vrrps, sizeof(*v));
	u = cfg_push(&x->vx, &x->n_vx, sizeof(*u));
	memset(u, -1, offsetof(struct cfg_vrrp_unset, advert_loc));
	v->loc = x->loc;
	cfg_arg_name(x, "vrrp_instance name", argv[0], v->name,
		     sizeof(v->name));
	v->priority = 100;
	v->advert_int_us = 1000000;
	v->unicast_ttl = 255;
	v->garp_master_delay_us = CFG_UNSET_US;
	v->garp_master_repeat = CFG_UNSET_U;
	v->garp_master_refresh_us = CFG_UNSET_US;
	v->garp_master_refresh_repeat = CFG_UNSET_U;
	v->garp_lower_prio_delay_us = CFG_UNSET_US;
	v->garp_lower_prio_repeat = CFG_UNSET_U;
	v->sync_group = -1;
	return v;
}

static void *kw_state(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		      int argc, char **argv)
{
	if (!strcmp(argv[0], "MASTER"))
		((V *)obj)->state_master = true;
	else if (!strcmp(argv[0], "BACKUP"))
		((V *)obj)->state_master = false;
	else
		cfg_err(x, "state '%s' is not MASTER or BACKUP", argv[0]);
	return NULL;
}

static void *kw_interface(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			  int argc, char **argv)
{
	cfg_arg_name(x, "interface", argv[0], ((V *)obj)->interface, IFNAMSIZ);
	return NULL;
}

static void *kw_advert_int(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			   int argc, char **argv)
{
	V *v = obj;

	/* the range depends on the version: checked in cfg_validate */
	if (cfg_arg_time(x, k->name, argv[0], 255000000, &v->advert_int_us) ==
	    0)
		vx_of(x, v)->advert_loc = x->loc;
	return NULL;
}

static void *kw_version(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			int argc, char **argv)
{
	unsigned ver;

	if (cfg_arg_uint(x, k->name, argv[0], 2, 3, &ver) == 0) {
		((V *)obj)->version = (int)ver;
		vx_of(x, obj)->version_set = true;
	}
	return NULL;
}

static void *kw_preempt(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			int argc, char **argv)
{
	((V *)obj)->nopreempt = false;
	return NULL;
}

static void *kw_no_vips(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			int argc, char **argv)
{
	vx_of(x, obj)->no_vips = true;
	return NULL;
}

/* Optional BOOL keywords that fall back to global_defs when absent. */
static void *kw_tristate(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			 int argc, char **argv)
{
	signed char *dst = (signed char *)vx_of(x, obj) + k->off;
	bool b;

	if (cfg_arg_optbool(x, k->name, argc, argv, &b) == 0)
		*dst = b;
	return NULL;
}

static void *kw_accept(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		       int argc, char **argv)
{
	vx_of(x, obj)->accept = !strcmp(k->name, "accept");
	return NULL;
}

static void *kw_addr(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		     int argc, char **argv)
{
	cfg_arg_addr(x, k->name, argv[0],
		     (struct addr *)((char *)obj + k->off));
	return NULL;
}

/* lvs_sync_daemon_interface: keepalived's deprecated per-instance form */
static void *kw_syncd_if(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			 int argc, char **argv)
{
	struct cfg_sync_daemon *sd = &x->c->global.lvs_sync_daemon;
	V *v = obj;

	cfg_warn(x,
		 "'%s' is deprecated, use lvs_sync_daemon %s %s in "
		 "global_defs",
		 k->name, argv[0], v->name);
	if (sd->set)
		return NULL;
	if (cfg_arg_name(x, k->name, argv[0], sd->ifname, IFNAMSIZ) < 0)
		return NULL;
	snprintf(sd->instance, sizeof(sd->instance), "%s", v->name);
	sd->set = true;
	x->sync_daemon_loc = x->loc;
	return NULL;
}

/* ---- authentication { } ------------------------------------------------ */

static void *kw_auth_type(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			  int argc, char **argv)
{
	if (!strcmp(argv[0], "PASS"))
		((V *)obj)->auth_type = CFG_AUTH_PASS;
	else if (!strcmp(argv[0], "AH"))
		cfg_err(x, "'auth_type AH' is not supported by directord yet");
	else
		cfg_err(x, "auth_type '%s' is not PASS or AH", argv[0]);
	return NULL;
}

static void *kw_auth_pass(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			  int argc, char **argv)
{
	V *v = obj;

	/* RFC 2338 5.3.6: 8 octets; keepalived truncates, so do we */
	if (strlen(argv[0]) > 8)
		cfg_warn(x,
			 "auth_pass longer than 8 characters, only '%.8s' "
			 "is used",
			 argv[0]);
	memset(v->auth_pass, 0, sizeof(v->auth_pass));
	strncpy(v->auth_pass, argv[0], 8);
	return NULL;
}

static void auth_end(struct cfg_ctx *x, void *obj)
{
	V *v = obj;

	if (v->auth_type == CFG_AUTH_PASS && !v->auth_pass[0])
		cfg_err(x, "(%s) auth_type PASS without auth_pass", v->name);
}

static const struct cfg_kw auth_kw[] = {
	CFG_KW("auth_type", kw_auth_type, 1, 1),
	CFG_KW("auth_pass", kw_auth_pass, 1, 1),
};

static const struct cfg_block blk_auth = {
	.name = "authentication",
	.kw = auth_kw,
	.n_kw = CFG_NELEM(auth_kw),
	.end = auth_end,
};

/* ---- end of vrrp_instance ---------------------------------------------- */

static void vrrp_end(struct cfg_ctx *x, void *obj)
{
	V *v = obj;
	char buf[ADDR_STRLEN];
	size_t i;

	if (!v->interface[0] && !v->n_peers)
		cfg_msg_at(x, CFG_ERR, &v->loc,
			   "(%s) no interface (needed unless unicast_peer is "
			   "used)",
			   v->name);
	if (!v->vrid)
		cfg_msg_at(x, CFG_ERR, &v->loc, "(%s) no virtual_router_id",
			   v->name);
	if (!v->n_vips && !vx_of(x, v)->no_vips)
		cfg_msg_at(x, CFG_WARN, &v->loc, "(%s) no virtual_ipaddress",
			   v->name);
	v->family = v->n_vips		  ? v->vips[0].addr.family :
		    v->unicast_src.family ? v->unicast_src.family :
		    v->n_peers		  ? v->peers[0].addr.family :
					    AF_INET;
	if (v->unicast_src.family && v->unicast_src.family != v->family)
		cfg_msg_at(x, CFG_ERR, &v->loc,
			   "(%s) unicast_src_ip %s is not %s like the "
			   "instance",
			   v->name, addr_fmt(&v->unicast_src, buf),
			   cfg_family_name(v->family));
	if (v->mcast_src.family && v->mcast_src.family != v->family)
		cfg_msg_at(x, CFG_ERR, &v->loc,
			   "(%s) mcast_src_ip %s is not %s like the instance",
			   v->name, addr_fmt(&v->mcast_src, buf),
			   cfg_family_name(v->family));
	for (i = 0; i < v->n_peers; i++)
		if (v->peers[i].addr.family != v->family)
			cfg_msg_at(x, CFG_ERR, &v->peers[i].loc,
				   "(%s) unicast_peer %s is not %s like the "
				   "instance",
				   v->name, addr_fmt(&v->peers[i].addr, buf),
				   cfg_family_name(v->family));
	if (v->use_vmac && !v->interface[0])
		cfg_msg_at(x, CFG_ERR, &v->loc,
			   "(%s) use_vmac needs an interface", v->name);
	if (v->vmac_xmit_base && !v->use_vmac)
		cfg_msg_at(x, CFG_WARN, &v->loc,
			   "(%s) vmac_xmit_base has no effect without use_vmac",
			   v->name);
	if (v->nopreempt && v->state_master)
		cfg_msg_at(x, CFG_WARN, &v->loc,
			   "(%s) nopreempt has no effect with state MASTER "
			   "(use state BACKUP)",
			   v->name);
}

/* use_vmac [[name] NAME]: keepalived's MAC and group options are refused */
static void *kw_use_vmac(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			 int argc, char **argv)
{
	V *v = obj;
	const char *name = NULL;

	if (argc == 1 && strcmp(argv[0], "name"))
		name = argv[0];
	else if (argc == 2 && !strcmp(argv[0], "name"))
		name = argv[1];
	else if (argc)
		cfg_err(x, "use_vmac: only 'use_vmac [[name] NAME]' is "
			   "supported (no MAC, netlink_notify_msg or group)");
	v->use_vmac = true;
	if (name &&
	    cfg_arg_name(x, "use_vmac name", name, v->vmac_name,
			 sizeof(v->vmac_name)) == 0 &&
	    strpbrk(name, "/: \t"))
		cfg_err(x, "use_vmac name '%s' is not an interface name", name);
	return NULL;
}

#define VX(name, m)                                              \
	{                                                        \
		name, kw_tristate, 0, 1, NULL,                   \
			offsetof(struct cfg_vrrp_unset, m), 0, 0 \
	}
#define ADDR(name, m)                                           \
	{                                                       \
		name, kw_addr, 1, 1, NULL, offsetof(V, m), 0, 0 \
	}

static const struct cfg_kw vrrp_kw[] = {
	CFG_KW("state", kw_state, 1, 1),
	CFG_KW("interface", kw_interface, 1, 1),
	CFG_UINT("virtual_router_id", V, vrid, 1, 255),
	CFG_UINT("priority", V, priority, 1, 255),
	CFG_KW("advert_int", kw_advert_int, 1, 1),
	CFG_KW("version", kw_version, 1, 1),
	CFG_BLK("authentication", cfg_h_self, 0, 0, &blk_auth),
	CFG_BLK("virtual_ipaddress", cfg_h_self, 0, 0, &cfg_blk_vip),
	CFG_BLK("virtual_ipaddress_excluded", cfg_h_self, 0, 0, &cfg_blk_evip),
	CFG_KW("no_virtual_ipaddress", kw_no_vips, 0, 0),
	CFG_FLAG("nopreempt", V, nopreempt),
	CFG_KW("preempt", kw_preempt, 0, 0),
	CFG_TIME("preempt_delay", V, preempt_delay_us, 1000),
	ADDR("unicast_src_ip", unicast_src),
	CFG_BLK("unicast_peer", cfg_h_self, 0, 0, &cfg_blk_peer),
	CFG_UINT("unicast_ttl", V, unicast_ttl, 1, 255),
	VX("check_unicast_src", check_unicast_src),
	ADDR("mcast_src_ip", mcast_src),
	CFG_SUB("track_interface", V, trk, &cfg_blk_trk_if),
	CFG_SUB("track_script", V, trk, &cfg_blk_trk_script),
	CFG_SUB("track_file", V, trk, &cfg_blk_trk_file),
	CFG_SUB("track_process", V, trk, &cfg_blk_trk_proc),
	CFG_FLAG("dont_track_primary", V, dont_track_primary),
	CFG_FLAG("promote_secondaries", V, promote_secondaries),
	CFG_FLAG("unicast_fault_no_peer", V, unicast_fault_no_peer),
	CFG_CMD("notify_master", V, notify_master),
	CFG_CMD("notify_backup", V, notify_backup),
	CFG_CMD("notify_fault", V, notify_fault),
	CFG_CMD("notify_stop", V, notify_stop),
	CFG_CMD("notify", V, notify),
	CFG_TIME("garp_master_delay", V, garp_master_delay_us, 255),
	CFG_UINT("garp_master_repeat", V, garp_master_repeat, 0, 255),
	CFG_TIME("garp_master_refresh", V, garp_master_refresh_us, 86400),
	CFG_UINT("garp_master_refresh_repeat", V, garp_master_refresh_repeat, 1,
		 255),
	CFG_TIME("garp_lower_prio_delay", V, garp_lower_prio_delay_us, 255),
	CFG_UINT("garp_lower_prio_repeat", V, garp_lower_prio_repeat, 0, 255),
	VX("lower_prio_no_advert", lower_prio_no_advert),
	VX("higher_prio_send_advert", higher_prio_send_advert),
	CFG_KW("accept", kw_accept, 0, 0),
	CFG_KW("no_accept", kw_accept, 0, 0),
	VX("strict_mode", strict),
	VX("skip_check_adv_addr", skip_check_adv_addr),
	CFG_UINT("down_timer_adverts", V, down_timer_adverts, 1, 100),
	CFG_KW("lvs_sync_daemon_interface", kw_syncd_if, 1, 1),
	CFG_IGNORED("smtp_alert"),
	CFG_IGNORED("debug"),
	CFG_IGNORED("notify_deleted"),
	CFG_IGNORED("notify_master_rx_lower_pri"),
	CFG_IGNORED("notify_priority_changes"),
	CFG_IGNORED("kernel_rx_buf_size"),
	CFG_IGNORED("native_ipv6"),
	CFG_KW("use_vmac", kw_use_vmac, 0, 4),
	CFG_FLAG("vmac_xmit_base", V, vmac_xmit_base),
	CFG_UNSUPPORTED("use_vmac_addr"),
	CFG_UNSUPPORTED("use_ipvlan"),
	CFG_UNSUPPORTED("auth_hmac"),
	CFG_UNSUPPORTED("track_bfd"),
	CFG_UNSUPPORTED("virtual_routes"),
	CFG_UNSUPPORTED("virtual_rules"),
	CFG_UNSUPPORTED("mcast_dst_ip"),
	CFG_UNSUPPORTED("track_src_ip"),
	CFG_UNSUPPORTED("vrf"),
	CFG_UNSUPPORTED("old_unicast_checksum"),
	CFG_UNSUPPORTED("garp_extra_if"),
	CFG_UNSUPPORTED("vmac_garp_intvl"),
	CFG_UNSUPPORTED("timer_expired_backup"),
	CFG_UNSUPPORTED("thread_timer_expired"),
	CFG_UNSUPPORTED("owner_ignore_adverts"),
	CFG_UNSUPPORTED("linkbeat_use_polling"),
};

const struct cfg_block cfg_blk_vrrp = {
	.name = "vrrp_instance",
	.kw = vrrp_kw,
	.n_kw = CFG_NELEM(vrrp_kw),
	.end = vrrp_end,
};
