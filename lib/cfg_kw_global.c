/*
 * cfg_kw_global.c - the top level of the file, global_defs { } and the
 * global SSL { } block used by SSL_GET.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cfg_int.h"

#define YEAR_S (365 * 24 * 3600)

/* ---- top level: one object per block ------------------------------------ */

static void *kw_global_defs(struct cfg_ctx *x, const struct cfg_kw *k,
			    void *obj, int argc, char **argv)
{
	return &x->c->global;
}

static void *kw_vrrp_script(struct cfg_ctx *x, const struct cfg_kw *k,
			    void *obj, int argc, char **argv)
{
	struct cfg *c = x->c;
	struct cfg_script *s;

	s = cfg_push(&c->scripts, &c->n_scripts, sizeof(*s));
	s->loc = x->loc;
	cfg_arg_name(x, "vrrp_script name", argv[0], s->name, sizeof(s->name));
	s->interval_us = 1000000;
	s->timeout_us = CFG_UNSET_US; /* = interval, at the end of the block */
	s->rise = 1;
	s->fall = 1;
	return s;
}

static void *kw_sync_group(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			   int argc, char **argv)
{
	struct cfg *c = x->c;
	struct cfg_sync_group *g;

	g = cfg_push(&c->sync_groups, &c->n_sync_groups, sizeof(*g));
	g->loc = x->loc;
	cfg_arg_name(x, "vrrp_sync_group name", argv[0], g->name,
		     sizeof(g->name));
	return g;
}

static void *kw_vsg(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		    int argc, char **argv)
{
	struct cfg *c = x->c;
	struct cfg_vsg *g;

	g = cfg_push(&c->groups, &c->n_groups, sizeof(*g));
	g->loc = x->loc;
	cfg_arg_name(x, "virtual_server_group name", argv[0], g->name,
		     sizeof(g->name));
	return g;
}

static void *kw_ssl(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		    int argc, char **argv)
{
	return &x->c->global;
}

static const struct cfg_kw root_kw[] = {
	CFG_BLK("global_defs", kw_global_defs, 0, 0, &cfg_blk_global),
	CFG_BLK("vrrp_script", kw_vrrp_script, 1, 1, &cfg_blk_script),
	CFG_BLK("vrrp_sync_group", kw_sync_group, 1, 1, &cfg_blk_sync),
	CFG_BLK("vrrp_instance", cfg_kw_vrrp_instance, 1, 1, &cfg_blk_vrrp),
	CFG_BLK("virtual_server_group", kw_vsg, 1, 1, &cfg_blk_vsg),
	CFG_BLK("virtual_server", cfg_kw_virtual_server, 1, 2, &cfg_blk_vs),
	CFG_BLK("SSL", kw_ssl, 0, 0, &cfg_blk_ssl),
	CFG_UNSUPPORTED("static_ipaddress"),
	CFG_UNSUPPORTED("static_routes"),
	CFG_UNSUPPORTED("static_rules"),
	CFG_BLK("track_file", cfg_kw_track_file, 1, 1, &cfg_blk_track_file),
	CFG_BLK("vrrp_track_file", cfg_kw_track_file, 1, 1,
		&cfg_blk_track_file),
	CFG_BLK("vrrp_track_process", cfg_kw_track_proc, 1, 1,
		&cfg_blk_track_proc),
	CFG_UNSUPPORTED("bfd_instance"),
	CFG_UNSUPPORTED("garp_group"),
	CFG_UNSUPPORTED("linkbeat_interfaces"),
	CFG_UNSUPPORTED("interface_up_down_delays"),
	CFG_UNSUPPORTED("track_group"),
	CFG_UNSUPPORTED("net_namespace"),
	CFG_UNSUPPORTED("net_namespace_ipvs"),
};

const struct cfg_block cfg_blk_root = {
	.name = "top level",
	.kw = root_kw,
	.n_kw = CFG_NELEM(root_kw),
};

/* ---- global_defs ---------------------------------------------------------- */

typedef struct cfg_global G;

static void *kw_script_user(struct cfg_ctx *x, const struct cfg_kw *k,
			    void *obj, int argc, char **argv)
{
	G *g = obj;

	cfg_set_str(&g->script_user, argv[0]);
	free(g->script_group);
	g->script_group = argc > 1 ? cfg_xstrdup(argv[1]) : NULL;
	return NULL;
}

static void *kw_vrrp_version(struct cfg_ctx *x, const struct cfg_kw *k,
			     void *obj, int argc, char **argv)
{
	unsigned v;

	if (cfg_arg_uint(x, k->name, argv[0], 2, 3, &v) == 0)
		((G *)obj)->vrrp_version = (int)v;
	return NULL;
}

static void *kw_mcast_group(struct cfg_ctx *x, const struct cfg_kw *k,
			    void *obj, int argc, char **argv)
{
	G *g = obj;
	bool v6 = !strcmp(k->name, "vrrp_mcast_group6");
	struct addr a;

	if (cfg_arg_addr(x, k->name, argv[0], &a) < 0)
		return NULL;
	if (a.family != (v6 ? AF_INET6 : AF_INET) ||
	    (v6 ? a.u.bytes[0] != 0xff : (a.u.bytes[0] & 0xf0) != 0xe0)) {
		cfg_err(x, "%s '%s' is not an %s multicast address", k->name,
			argv[0], v6 ? "IPv6" : "IPv4");
		return NULL;
	}
	if (v6)
		g->vrrp_mcast_group6 = a;
	else
		g->vrrp_mcast_group4 = a;
	return NULL;
}

/* notify_fifo FIFO [user [group]]: directord creates the FIFO itself */
static void *kw_fifo(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		     int argc, char **argv)
{
	cfg_set_str((char **)((char *)obj + k->off), argv[0]);
	return NULL;
}

#define FIFO(name, m)                                           \
	{                                                       \
		name, kw_fifo, 1, 3, NULL, offsetof(G, m), 0, 0 \
	}

static void *kw_sync_daemon(struct cfg_ctx *x, const struct cfg_kw *k,
			    void *obj, int argc, char **argv)
{
	struct cfg_sync_daemon sd = { .set = true };
	unsigned v;
	int i;

	if (cfg_arg_name(x, "lvs_sync_daemon interface", argv[0], sd.ifname,
			 sizeof(sd.ifname)) < 0 ||
	    cfg_arg_name(x, "lvs_sync_daemon instance", argv[1], sd.instance,
			 sizeof(sd.instance)) < 0)
		return NULL;
	for (i = 2; i < argc; i += 2) {
		const char *o = argv[i];

		if (i + 1 >= argc) {
			cfg_err(x, "lvs_sync_daemon option '%s' needs a value",
				o);
			return NULL;
		}
		if (!strcmp(o, "id")) {
			if (cfg_arg_uint(x, "lvs_sync_daemon id", argv[i + 1],
					 0, 255, &sd.syncid) < 0)
				return NULL;
		} else if (!strcmp(o, "maxlen")) {
			if (cfg_arg_uint(x, "lvs_sync_daemon maxlen",
					 argv[i + 1], 1, 65507, &sd.maxlen) < 0)
				return NULL;
		} else if (!strcmp(o, "port")) {
			if (cfg_arg_uint(x, "lvs_sync_daemon port", argv[i + 1],
					 1, 65535, &v) < 0)
				return NULL;
			sd.port = (uint16_t)v;
		} else if (!strcmp(o, "ttl")) {
			if (cfg_arg_uint(x, "lvs_sync_daemon ttl", argv[i + 1],
					 1, 255, &v) < 0)
				return NULL;
			sd.ttl = (uint8_t)v;
		} else if (!strcmp(o, "group")) {
			if (cfg_arg_addr(x, "lvs_sync_daemon group",
					 argv[i + 1], &sd.group) < 0)
				return NULL;
		} else {
			cfg_err(x,
				"unknown lvs_sync_daemon option '%s' (id, "
				"maxlen, port, ttl or group)",
				o);
			return NULL;
		}
	}
	((G *)obj)->lvs_sync_daemon = sd;
	x->sync_daemon_loc = x->loc;
	return NULL;
}

static void *kw_lvs_timeouts(struct cfg_ctx *x, const struct cfg_kw *k,
			     void *obj, int argc, char **argv)
{
	G *g = obj;
	int i;

	for (i = 0; i + 1 < argc; i += 2) {
		uint32_t *dst =
			!strcmp(argv[i], "tcp")	   ? &g->lvs_timeout_tcp :
			!strcmp(argv[i], "tcpfin") ? &g->lvs_timeout_tcpfin :
			!strcmp(argv[i], "udp")	   ? &g->lvs_timeout_udp :
						     NULL;
		if (!dst) {
			cfg_err(x,
				"unknown lvs_timeouts option '%s' (tcp, "
				"tcpfin or udp)",
				argv[i]);
			return NULL;
		}
		if (cfg_arg_uint(x, argv[i], argv[i + 1], 1, 86400 * 365, dst) <
		    0)
			return NULL;
	}
	if (i != argc)
		cfg_err(x, "lvs_timeouts option '%s' needs a value", argv[i]);
	return NULL;
}

static void *kw_flush_on_stop(struct cfg_ctx *x, const struct cfg_kw *k,
			      void *obj, int argc, char **argv)
{
	if (argc && strcmp(argv[0], "VS")) {
		cfg_err(x, "lvs_flush_on_stop takes no argument or 'VS'");
		return NULL;
	}
	/* keepalived's "VS" form deletes only the virtual servers it
	 * configured (one request each), which is what directord does on
	 * stop anyway; only the bare form flushes the whole table */
	((G *)obj)->lvs_flush_on_stop = !argc;
	return NULL;
}

static const struct cfg_kw global_kw[] = {
	CFG_STR("router_id", G, router_id),
	CFG_KW("script_user", kw_script_user, 1, 2),
	CFG_FLAG("enable_script_security", G, enable_script_security),
	CFG_KW("vrrp_version", kw_vrrp_version, 1, 1),
	CFG_FLAG("vrrp_strict", G, vrrp_strict),
	CFG_FLAG("vrrp_skip_check_adv_addr", G, vrrp_skip_check_adv_addr),
	CFG_FLAG("vrrp_check_unicast_src", G, vrrp_check_unicast_src),
	CFG_TIME("vrrp_garp_master_delay", G, vrrp_garp_master_delay_us, 255),
	CFG_UINT("vrrp_garp_master_repeat", G, vrrp_garp_master_repeat, 0, 255),
	CFG_TIME("vrrp_garp_master_refresh", G, vrrp_garp_master_refresh_us,
		 YEAR_S),
	CFG_UINT("vrrp_garp_master_refresh_repeat", G,
		 vrrp_garp_master_refresh_repeat, 1, 255),
	CFG_TIME("vrrp_garp_lower_prio_delay", G, vrrp_garp_lower_prio_delay_us,
		 255),
	CFG_UINT("vrrp_garp_lower_prio_repeat", G, vrrp_garp_lower_prio_repeat,
		 0, 255),
	CFG_TIME("vrrp_garp_interval", G, vrrp_garp_interval_us, 1),
	CFG_TIME("vrrp_gna_interval", G, vrrp_gna_interval_us, 1),
	CFG_FLAG("vrrp_higher_prio_send_advert", G,
		 vrrp_higher_prio_send_advert),
	CFG_FLAG("vrrp_lower_prio_no_advert", G, vrrp_lower_prio_no_advert),
	CFG_KW("vrrp_mcast_group4", kw_mcast_group, 1, 1),
	CFG_KW("vrrp_mcast_group6", kw_mcast_group, 1, 1),
	CFG_UINT("vrrp_down_timer_adverts", G, vrrp_down_timer_adverts, 1, 100),
	CFG_TIME("vrrp_startup_delay", G, vrrp_startup_delay_us, 3600),
	FIFO("notify_fifo", notify_fifo),
	CFG_CMD("notify_fifo_script", G, notify_fifo_script),
	FIFO("vrrp_notify_fifo", vrrp_notify_fifo),
	CFG_CMD("vrrp_notify_fifo_script", G, vrrp_notify_fifo_script),
	FIFO("lvs_notify_fifo", lvs_notify_fifo),
	CFG_CMD("lvs_notify_fifo_script", G, lvs_notify_fifo_script),
	CFG_KW("lvs_sync_daemon", kw_sync_daemon, 2, 12),
	CFG_KW("lvs_timeouts", kw_lvs_timeouts, 2, 6),
	CFG_FLAG("lvs_flush", G, lvs_flush),
	CFG_KW("lvs_flush_on_stop", kw_flush_on_stop, 0, 1),
	CFG_FLAG("checker_log_all_failures", G, checker_log_all_failures),
	/* cannot change failover or forwarding: warnings */
	CFG_IGNORED("notification_email"),
	CFG_IGNORED("notification_email_from"),
	CFG_IGNORED("smtp_server"),
	CFG_IGNORED("smtp_connect_timeout"),
	CFG_IGNORED("smtp_helo_name"),
	CFG_IGNORED("smtp_alert"),
	CFG_IGNORED("smtp_alert_vrrp"),
	CFG_IGNORED("smtp_alert_checker"),
	CFG_IGNORED("no_email_faults"),
	CFG_IGNORED("no_checker_emails"),
	CFG_IGNORED("enable_snmp_vrrp"),
	CFG_IGNORED("enable_snmp_checker"),
	CFG_IGNORED("enable_snmp_rfc"),
	CFG_IGNORED("enable_snmp_rfcv2"),
	CFG_IGNORED("enable_snmp_rfcv3"),
	CFG_IGNORED("enable_snmp_keepalived"),
	CFG_IGNORED("enable_traps"),
	CFG_IGNORED("snmp_socket"),
	CFG_IGNORED("snmp_vs_stats_update_interval"),
	CFG_IGNORED("snmp_rs_stats_update_interval"),
	CFG_IGNORED("enable_dbus"),
	CFG_IGNORED("dbus_service_name"),
	CFG_IGNORED("dbus_no_interface_name"),
	CFG_IGNORED("lvs_id"),
	CFG_IGNORED("debug"),
	CFG_IGNORED("instance"),
	CFG_IGNORED("use_pid_dir"),
	CFG_IGNORED("process_names"),
	CFG_IGNORED("process_name"),
	CFG_IGNORED("vrrp_process_name"),
	CFG_IGNORED("checker_process_name"),
	CFG_IGNORED("bfd_process_name"),
	CFG_IGNORED("bfd_priority"),
	CFG_IGNORED("bfd_rt_priority"),
	CFG_IGNORED("bfd_no_swap"),
	CFG_IGNORED("bfd_cpu_affinity"),
	CFG_IGNORED("bfd_rlimit_rttime"),
	CFG_IGNORED("max_auto_priority"),
	CFG_IGNORED("min_auto_priority_delay"),
	CFG_IGNORED("vrrp_netlink_cmd_rcv_bufs"),
	CFG_IGNORED("vrrp_netlink_cmd_rcv_bufs_force"),
	CFG_IGNORED("vrrp_netlink_monitor_rcv_bufs"),
	CFG_IGNORED("vrrp_netlink_monitor_rcv_bufs_force"),
	CFG_IGNORED("lvs_netlink_cmd_rcv_bufs"),
	CFG_IGNORED("lvs_netlink_cmd_rcv_bufs_force"),
	CFG_IGNORED("lvs_netlink_monitor_rcv_bufs"),
	CFG_IGNORED("lvs_netlink_monitor_rcv_bufs_force"),
	CFG_IGNORED("process_monitor_rcv_bufs"),
	CFG_IGNORED("process_monitor_rcv_bufs_force"),
	CFG_IGNORED("vrrp_rx_bufs_policy"),
	CFG_IGNORED("vrrp_rx_bufs_multiplier"),
	CFG_IGNORED("state_dump_file"),
	CFG_IGNORED("stats_dump_file"),
	CFG_IGNORED("json_dump_file"),
	CFG_IGNORED("data_use_instance"),
	CFG_IGNORED("json_version"),
	CFG_IGNORED("set_supplementary_groups"),
	CFG_IGNORED("use_symlink_paths"),
	CFG_IGNORED("umask"),
	CFG_IGNORED("random_seed"),
	CFG_IGNORED("log_unknown_vrids"),
	CFG_IGNORED("fifo_write_vrrp_states_on_reload"),
	CFG_IGNORED("vrrp_notify_priority_changes"),
	CFG_IGNORED("reload_check_config"),
	CFG_IGNORED("reload_file"),
	CFG_IGNORED("reload_time_file"),
	CFG_IGNORED("reload_repeat"),
	CFG_IGNORED("config_save_dir"),
	CFG_IGNORED("tmp_config_directory"),
	CFG_IGNORED("include_check"),
	CFG_IGNORED("child_wait_time"),
	CFG_IGNORED("rs_init_notifies"),
	CFG_IGNORED("default_interface"),
	CFG_IGNORED("disable_local_igmp"),
	CFG_IGNORED("iproute_usr_dir"),
	CFG_IGNORED("iproute_etc_dir"),
	/* would change failover or forwarding: errors */
	CFG_UNSUPPORTED("dynamic_interfaces"),
	CFG_UNSUPPORTED("linkbeat_use_polling"),
	CFG_UNSUPPORTED("vrrp_owner_ignore_adverts"),
	CFG_UNSUPPORTED("v3_checksum_as_v2"),
	CFG_UNSUPPORTED("vrrp_min_garp"),
	CFG_UNSUPPORTED("vrrp_garp_extra_if"),
	CFG_UNSUPPORTED("vrrp_vmac_garp_intvl"),
	CFG_UNSUPPORTED("vrrp_delay_after_boot"),
	CFG_UNSUPPORTED("vmac_prefix"),
	CFG_UNSUPPORTED("vmac_addr_prefix"),
	CFG_UNSUPPORTED("vrrp_iptables"),
	CFG_UNSUPPORTED("vrrp_ipsets"),
	CFG_UNSUPPORTED("nftables"),
	CFG_UNSUPPORTED("nftables_priority"),
	CFG_UNSUPPORTED("nftables_counters"),
	CFG_UNSUPPORTED("nftables_ifindex"),
	CFG_UNSUPPORTED("nftables_ipvs"),
	CFG_UNSUPPORTED("nftables_ipvs_priority"),
	CFG_UNSUPPORTED("nftables_ipvs_start_fwmark"),
	CFG_UNSUPPORTED("net_namespace"),
	CFG_UNSUPPORTED("net_namespace_ipvs"),
	CFG_UNSUPPORTED("namespace_with_ipsets"),
	CFG_UNSUPPORTED("startup_script"),
	CFG_UNSUPPORTED("startup_script_timeout"),
	CFG_UNSUPPORTED("shutdown_script"),
	CFG_UNSUPPORTED("shutdown_script_timeout"),
};

const struct cfg_block cfg_blk_global = {
	.name = "global_defs",
	.kw = global_kw,
	.n_kw = CFG_NELEM(global_kw),
	.also = &cfg_blk_global_sched,
};

/* ---- SSL { } ----------------------------------------------------------- */

/* ca, certificate, key: the file and where it was given (cfg_validate
 * loads them and reports at that line) */
static void *kw_ssl_file(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			 int argc, char **argv)
{
	G *g = obj;
	bool ca = !strcmp(k->name, "ca");
	bool cert = !strcmp(k->name, "certificate");

	cfg_set_str(ca	 ? &g->ssl_ca :
		    cert ? &g->ssl_cert :
			   &g->ssl_key,
		    argv[0]);
	*(ca   ? &x->ssl_ca_loc :
	  cert ? &x->ssl_cert_loc :
		 &x->ssl_key_loc) = x->loc;
	return NULL;
}

static const struct cfg_kw ssl_kw[] = {
	CFG_STR("password", G, ssl_password),
	CFG_KW("ca", kw_ssl_file, 1, 1),
	CFG_KW("certificate", kw_ssl_file, 1, 1),
	CFG_KW("key", kw_ssl_file, 1, 1),
};

const struct cfg_block cfg_blk_ssl = {
	.name = "SSL",
	.kw = ssl_kw,
	.n_kw = CFG_NELEM(ssl_kw),
};

/* ---- every block, for "it belongs in" hints ------------------------------ */

const struct cfg_block *const cfg_all_blocks[] = {
	&cfg_blk_root,	     &cfg_blk_global, &cfg_blk_vrrp,
	&cfg_blk_script,     &cfg_blk_sync,   &cfg_blk_vs,
	&cfg_blk_rs,	     &cfg_blk_http,   &cfg_blk_ssl_get,
	&cfg_blk_misc,	     &cfg_blk_smtp,   &cfg_blk_dns,
	&cfg_blk_udp,	     &cfg_blk_ssl,    &cfg_blk_track_file,
	&cfg_blk_track_proc,
};
const size_t cfg_n_all_blocks = CFG_NELEM(cfg_all_blocks);
