/*
 * cfg.h - the typed configuration model that the loader fills from a
 * keepalived-style file. Every consumer (core, vrrp, checker) reads this; the
 * loader is the only writer. Times are microseconds (uint64_t, *_us).
 * Values inherited along virtual_server -> real_server -> checker are resolved
 * by the loader: consumers read the effective values in struct cfg_check.
 */
#ifndef DD_CFG_H
#define DD_CFG_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <net/if.h>

#include "addr.h"

#define CFG_NAME_MAX 64
/* url { } blocks in one HTTP_GET/SSL_GET */
#define CFG_URLS_MAX 65535

/* "Not written in this block" markers for values inherited by checkers. */
#define CFG_UNSET_US UINT64_MAX
#define CFG_UNSET_U UINT32_MAX

/* Where an object was defined, for messages. @file points into cfg->files. */
struct cfg_loc {
	const char *file;
	int line;
};

/* A command with an optional user/group, as in notify_* and script keywords. */
struct cfg_cmd {
	char *cmd;   /* NULL when not configured */
	char *user;  /* NULL: global script_user */
	char *group; /* NULL: the user's group */
};

/* ---- global_defs ----------------------------------------------------- */

struct cfg_sync_daemon {
	bool set;
	char ifname[IFNAMSIZ];
	char instance[CFG_NAME_MAX]; /* vrrp_instance name */
	uint32_t syncid;	     /* id N, default 0 */
	uint32_t maxlen;	     /* 0 = kernel default */
	uint16_t port;		     /* 0 = kernel default (8848) */
	uint8_t ttl;		     /* 0 = kernel default (1) */
	struct addr group;	     /* family 0 = kernel default */
};

/* vrrp_* / checker_* settings of a child process, applied when it starts */
#define CFG_CPU_MAX 1024
struct cfg_sched {
	bool nice_set;
	int nice;	      /* -20..19 */
	unsigned rt_priority; /* SCHED_RR 1..99; 0: none */
	unsigned rlimit_rttime_us; /* with rt_priority; 0: 10000 */
	bool no_swap;	      /* mlockall */
	bool cpus_set;
	uint64_t cpus[CFG_CPU_MAX / 64]; /* affinity: a bit per CPU */
};

struct cfg_global {
	char *router_id;
	char *script_user;
	char *script_group;
	bool enable_script_security;
	struct cfg_sched vrrp_sched, checker_sched;
	int vrrp_version; /* default 2 */
	bool vrrp_strict;
	bool vrrp_skip_check_adv_addr;
	bool vrrp_check_unicast_src;
	uint64_t vrrp_garp_master_delay_us;	   /* 5 s */
	unsigned vrrp_garp_master_repeat;	   /* 5 */
	uint64_t vrrp_garp_master_refresh_us;	   /* 0 = off */
	unsigned vrrp_garp_master_refresh_repeat;  /* 1 */
	uint64_t vrrp_garp_lower_prio_delay_us;	   /* = master delay */
	unsigned vrrp_garp_lower_prio_repeat;	   /* = master repeat */
	uint64_t vrrp_garp_interval_us;		   /* 0 */
	uint64_t vrrp_gna_interval_us;		   /* 0 */
	bool vrrp_higher_prio_send_advert;
	bool vrrp_lower_prio_no_advert;
	struct addr vrrp_mcast_group4; /* 224.0.0.18 */
	struct addr vrrp_mcast_group6; /* ff02::12 */
	/* FIFO paths (NULL unset) and the optional reader scripts */
	char *notify_fifo;
	struct cfg_cmd notify_fifo_script;
	char *vrrp_notify_fifo;
	struct cfg_cmd vrrp_notify_fifo_script;
	char *lvs_notify_fifo;
	struct cfg_cmd lvs_notify_fifo_script;
	struct cfg_sync_daemon lvs_sync_daemon;
	uint32_t lvs_timeout_tcp, lvs_timeout_tcpfin, lvs_timeout_udp; /* 0 = unset */
	bool lvs_flush;
	bool lvs_flush_on_stop; /* bare form: flush all at stop ("VS": own only) */
	bool checker_log_all_failures;
	/* global SSL { } block for SSL_GET */
	char *ssl_ca, *ssl_cert, *ssl_key, *ssl_password;
	uint64_t vrrp_startup_delay_us;
	unsigned vrrp_down_timer_adverts; /* 3 */
};

/* ---- VRRP ------------------------------------------------------------ */

struct cfg_script {
	char name[CFG_NAME_MAX];
	struct cfg_loc loc;
	struct cfg_cmd script;
	uint64_t interval_us; /* 1 s */
	uint64_t timeout_us;  /* = interval */
	int weight;	      /* 0: failure => FAULT */
	bool weight_reverse;
	unsigned rise, fall; /* 1, 1 */
	bool init_fail;
};

struct cfg_vip {
	struct cfg_loc loc;
	struct addr addr;
	unsigned prefix; /* default 32 / 128 */
	struct addr brd; /* family 0: none */
	struct addr peer;
	char dev[IFNAMSIZ]; /* "" = instance interface */
	char label[IFNAMSIZ];
	int scope; /* RT_SCOPE_*, default RT_SCOPE_UNIVERSE (0) */
	bool nodad; /* IPv6: default true (keepalived sets NODAD) */
	bool no_track;
	bool noprefixroute;
};

struct cfg_peer {
	struct cfg_loc loc;
	struct addr addr;
	int min_ttl, max_ttl; /* -1 unset */
};

struct cfg_track_if {
	char ifname[IFNAMSIZ];
	bool weighted;
	int weight;
	bool reverse;
};

/*
 * A named tracker line of an instance or sync group: one line of its
 * track_script, track_file or track_process { } block. @def is the index,
 * resolved by the loader, into cfg->scripts, cfg->track_files or
 * cfg->track_procs (by the struct cfg_trackers array holding the line).
 */
struct cfg_track_ref {
	struct cfg_loc loc;
	char name[CFG_NAME_MAX];
	size_t def;
	bool weight_set;
	int weight; /* overrides the definition's weight when set */
	bool reverse;
};

/* track_file NAME { file; weight; init_file } (alias vrrp_track_file) */
struct cfg_file_def {
	char name[CFG_NAME_MAX];
	struct cfg_loc loc;
	char *path;
	int weight; /* 1 */
	bool weight_reverse;
	bool init;	     /* init_file: create the file if it is missing */
	int init_value;	     /* 0 */
	bool init_overwrite; /* write it at start even if the file exists */
};

/* vrrp_track_process NAME { process ...; param_match; weight; quorum; ... } */
enum cfg_param_match {
	CFG_PARAM_EXACT = 0, /* every parameter, no more */
	CFG_PARAM_PARTIAL,   /* the first ones, more allowed */
	CFG_PARAM_INITIAL,   /* as partial; the last may be longer */
};

struct cfg_proc_def {
	char name[CFG_NAME_MAX];
	struct cfg_loc loc;
	char **argv; /* process and parameters; argc 0: none given */
	size_t argc;
	bool param_match_set;
	enum cfg_param_match param_match;
	int weight; /* 1 */
	bool weight_reverse;
	unsigned quorum;     /* 1 (0 when quorum_max is 0) */
	unsigned quorum_max; /* UINT_MAX: no limit */
	uint64_t fork_delay_us, terminate_delay_us;
	bool full_command; /* match the command line, not the name */
};

/*
 * The tracker lines of one vrrp_instance or vrrp_sync_group: the
 * track_interface, track_script, track_file and track_process blocks.
 * Instances and sync groups read, resolve and evaluate them the same way.
 */
struct cfg_trackers {
	struct cfg_track_if *ifs;
	size_t n_ifs;
	struct cfg_track_ref *scripts; /* def: into cfg->scripts */
	size_t n_scripts;
	struct cfg_track_ref *files; /* def: into cfg->track_files */
	size_t n_files;
	struct cfg_track_ref *procs; /* def: into cfg->track_procs */
	size_t n_procs;
};

enum cfg_auth { CFG_AUTH_NONE = 0, CFG_AUTH_PASS = 1, CFG_AUTH_AH = 2 };

struct cfg_vrrp {
	char name[CFG_NAME_MAX];
	struct cfg_loc loc;
	bool state_master; /* "state MASTER" */
	char interface[IFNAMSIZ];
	unsigned vrid;	   /* 1..255 */
	unsigned priority; /* 1..255, default 100 */
	uint64_t advert_int_us; /* 1 s; v3 down to 10 ms */
	int version;		/* 2 or 3 (global vrrp_version) */
	int family;		/* AF_INET / AF_INET6, from the VIPs */
	enum cfg_auth auth_type;
	char auth_pass[9]; /* 8 chars max, NUL padded */

	struct cfg_vip *vips;
	size_t n_vips;
	struct cfg_vip *evips; /* virtual_ipaddress_excluded */
	size_t n_evips;

	bool nopreempt;
	uint64_t preempt_delay_us;

	struct addr unicast_src;
	struct cfg_peer *peers; /* unicast_peer */
	size_t n_peers;
	unsigned unicast_ttl; /* 255 */
	bool unicast_fault_no_peer; /* no peers: FAULT, not multicast */
	struct addr mcast_src;
	bool check_unicast_src;

	struct cfg_trackers trk;
	bool dont_track_primary;
	bool promote_secondaries; /* IPv4: set on the VIPs' interface */

	struct cfg_cmd notify_master, notify_backup, notify_fault, notify_stop,
		notify;

	uint64_t garp_master_delay_us;
	unsigned garp_master_repeat;
	uint64_t garp_master_refresh_us;
	unsigned garp_master_refresh_repeat;
	uint64_t garp_lower_prio_delay_us;
	unsigned garp_lower_prio_repeat;
	bool lower_prio_no_advert;
	bool higher_prio_send_advert;

	bool skip_check_adv_addr;
	bool strict;
	bool accept; /* default true unless strict */
	unsigned down_timer_adverts; /* 3 */
	int sync_group; /* index into cfg->sync_groups, -1 none */
	bool use_vmac; /* VIPs on a macvlan with the virtual MAC */
	char vmac_name[IFNAMSIZ]; /* "" = vrrp.<VRID> / vrrp6.<VRID> */
	bool vmac_xmit_base; /* adverts leave from the base interface */
};

struct cfg_sync_group {
	char name[CFG_NAME_MAX];
	struct cfg_loc loc;
	size_t *members; /* indices into cfg->vrrps */
	size_t n_members;
	struct cfg_cmd notify_master, notify_backup, notify_fault, notify_stop,
		notify;
	struct cfg_trackers trk; /* they count for every member */
};

/* ---- LVS ------------------------------------------------------------- */

enum cfg_fwd { CFG_FWD_NAT = 0, CFG_FWD_DR = 3, CFG_FWD_TUN = 2 }; /* kernel values */
enum cfg_tun_type { CFG_TUN_IPIP = 0, CFG_TUN_GUE = 1, CFG_TUN_GRE = 2 };
enum cfg_tun_csum { CFG_TUN_NOCSUM = 0, CFG_TUN_CSUM = 1, CFG_TUN_REMCSUM = 2 };

/* 8 bytes: one in every real server */
struct cfg_fwd_method {
	enum cfg_fwd method : 8;
	enum cfg_tun_type tun_type : 8;
	enum cfg_tun_csum tun_csum : 8;
	uint16_t tun_port;
};

enum cfg_check_type {
	CFG_CHK_TCP,
	CFG_CHK_HTTP,
	CFG_CHK_SSL,
	CFG_CHK_MISC,
	CFG_CHK_SMTP,
	CFG_CHK_DNS,
	CFG_CHK_UDP,
	CFG_CHK_PING,
};

struct cfg_status_range {
	unsigned lo, hi; /* inclusive, 100..599 */
};

struct cfg_url {
	struct cfg_loc loc;
	char *path;
	bool has_digest;
	char digest[33]; /* lower-case hex MD5 */
	struct cfg_status_range *status; /* none => 200-299 */
	size_t n_status;
	char *virtualhost;
};

struct cfg_check {
	enum cfg_check_type type;
	struct cfg_loc loc;
	/* connection options (effective values) */
	struct addr connect_ip; /* family 0: the real server's address */
	uint16_t connect_port;	/* 0: the real server's port */
	struct addr bindto;
	uint16_t bind_port;
	char bind_if[IFNAMSIZ];
	uint32_t fwmark;
	uint64_t connect_timeout_us;
	unsigned retry;
	uint64_t delay_before_retry_us;
	uint64_t delay_loop_us;
	uint64_t warmup_us;
	bool alpha;
	bool log_all_failures;
	/* HTTP_GET / SSL_GET */
	struct cfg_url *urls;
	size_t n_urls; /* at most CFG_URLS_MAX */
	int http_protocol; /* 10, 11, or 100 for "1.0C" */
	char *virtualhost; /* effective: checker, real_server or virtual_server;
			    * a url's own virtualhost overrides it */
	bool fast_recovery;
	bool enable_sni;
	char *sni_name;
	/* MISC_CHECK */
	struct cfg_cmd misc_path;
	uint64_t misc_timeout_us; /* 0: not given */
	bool misc_dynamic;
	/* SMTP_CHECK */
	char *helo_name;
	/* DNS_CHECK */
	char *dns_type; /* "SOA" default */
	char *dns_name; /* "." default */
	/* UDP_CHECK */
	uint8_t *payload;
	size_t payload_len;
	bool require_reply;
	char *reply_pattern; /* hex with X nibble wildcards */
};

/*
 * Checker timing as written in a virtual_server or real_server block
 * (CFG_UNSET_* when absent). The loader resolves them into the effective
 * fields of each struct cfg_check; consumers need not read these.
 */
struct cfg_chk_timers {
	uint64_t connect_timeout_us;
	uint64_t delay_before_retry_us;
	uint64_t warmup_us;
	uint64_t delay_loop_us; /* real_server only; the VS uses delay_loop_us */
	unsigned retry;
};

/* Real server settings few configurations give: apart, so a real server
 * without them costs one pointer (tens of thousands may be loaded, in core
 * and in the checker). */
struct cfg_rs_ext {
	struct cfg_chk_timers timers; /* inherited by its checkers */
	struct cfg_cmd notify_up, notify_down;
	char *virtualhost; /* NULL: the virtual server's */
	uint32_t uthreshold, lthreshold; /* 0: none */
};

struct cfg_rs {
	/* ordered to leave no holes: thousands of these may be loaded */
	struct cfg_loc loc;
	struct addr addr;
	uint16_t port; /* the virtual server's port when not given */
	bool fwd_set;  /* lvs_method given in this real_server */
	/* checks is an earlier real server's identical array, owned there
	 * (cfg_share_last_rs): read it, never free or change it */
	bool checks_shared;
	int weight; /* 1, 0..65535 */
	struct cfg_fwd_method fwd; /* effective: VS method unless overridden */
	bool inhibit_on_failure;
	bool alpha;
	struct cfg_rs_ext *ext; /* NULL: none of its settings given */
	struct cfg_check *checks;
	size_t n_checks;
};
_Static_assert(sizeof(struct cfg_rs) <= 80, "struct cfg_rs outgrew 80 B");

/* cfg_rs_timers - @rs's own checker timers (all unset without an ext). */
const struct cfg_chk_timers *cfg_rs_timers(const struct cfg_rs *rs);

/* cfg_rs_notify - @rs's notify_up (@up) or notify_down; never NULL (an
 * empty command, cmd NULL, when not given). */
const struct cfg_cmd *cfg_rs_notify(const struct cfg_rs *rs, bool up);

/* cfg_rs_virtualhost - @rs's own virtualhost, NULL when not given. */
const char *cfg_rs_virtualhost(const struct cfg_rs *rs);

/* cfg_rs_uthreshold - @rs's upper connection threshold, 0 when not given. */
static inline uint32_t cfg_rs_uthreshold(const struct cfg_rs *rs)
{
	return rs->ext ? rs->ext->uthreshold : 0;
}

/* cfg_rs_lthreshold - @rs's lower connection threshold, 0 when not given. */
static inline uint32_t cfg_rs_lthreshold(const struct cfg_rs *rs)
{
	return rs->ext ? rs->ext->lthreshold : 0;
}

enum cfg_vs_kind { CFG_VS_ADDR, CFG_VS_FWMARK, CFG_VS_GROUP };

struct cfg_vsg_entry {
	struct cfg_loc loc;
	bool is_fwmark;
	uint32_t fwmark;
	int fwmark_family; /* AF_INET unless "fwmark N inet6" */
	struct addr first, last; /* a range; first == last for one address */
	uint16_t port;
};

struct cfg_vsg {
	char name[CFG_NAME_MAX];
	struct cfg_loc loc;
	struct cfg_vsg_entry *entries;
	size_t n_entries;
};

struct cfg_vs {
	struct cfg_loc loc;
	enum cfg_vs_kind kind;
	struct addr addr;
	uint16_t port;
	uint32_t fwmark;
	size_t group; /* index into cfg->groups when kind == CFG_VS_GROUP */
	int family;   /* AF_INET / AF_INET6 (fwmark: ip_family, default inet) */
	int protocol; /* IPPROTO_TCP / UDP / SCTP (fwmark: TCP unless given) */
	char sched[16]; /* default "wlc" */
	struct cfg_fwd_method fwd; /* default NAT as keepalived */
	bool persistent;
	uint32_t persistence_timeout; /* seconds; 360 when given bare */
	struct addr persistence_granularity; /* family 0: unset */
	bool ops, hashed;
	bool sh_port, sh_fallback, mh_port, mh_fallback;
	char *persistence_engine;
	uint64_t delay_loop_us; /* 60 s */
	struct cfg_chk_timers timers;
	bool inhibit_on_failure;
	bool alpha, omega;
	unsigned quorum; /* 1 */
	unsigned hysteresis;
	struct cfg_cmd quorum_up, quorum_down;
	bool has_sorry;
	struct addr sorry_addr;
	uint16_t sorry_port;
	bool sorry_inhibit;
	bool sorry_has_fwd;
	struct cfg_fwd_method sorry_fwd;
	char *virtualhost;
	bool ha_suspend;
	struct cfg_rs *rss;
	size_t n_rss;
};


/* ---- the whole file --------------------------------------------------- */

struct cfg {
	char *path;	   /* the top file */
	char **files;	   /* every file read (owns the strings in cfg_loc) */
	size_t n_files;
	struct cfg_global global;
	struct cfg_script *scripts;
	size_t n_scripts;
	struct cfg_file_def *track_files;
	size_t n_track_files;
	struct cfg_proc_def *track_procs;
	size_t n_track_procs;
	struct cfg_vrrp *vrrps;
	size_t n_vrrps;
	struct cfg_sync_group *sync_groups;
	size_t n_sync_groups;
	struct cfg_vsg *groups;
	size_t n_groups;
	struct cfg_vs *vss;
	size_t n_vss;
};

/* ---- diagnostics ------------------------------------------------------ */

enum cfg_sev { CFG_WARN, CFG_ERR };

struct cfg_msg {
	enum cfg_sev sev;
	char *file; /* NULL for messages without a place */
	int line;
	char *text; /* the message, with a hint where one helps */
};

struct cfg_diag {
	struct cfg_msg *msgs;
	size_t n_msgs;
	size_t n_errors;
};

struct cfg_snap;

struct cfg_opts {
	const char *config_id; /* for @ID lines; NULL: short hostname */
	/* when set, every file read and include expanded is added here */
	struct cfg_snap *record;
	/* when set, files and includes come from here, never from disk */
	struct cfg_snap *replay;
};

/*
 * cfg_vs_same - whether @va of @a and @vb of @b are the same service (kind,
 * family, protocol, then address and port, fwmark or group name): how a
 * reload tells a kept virtual server from a new one.
 */
bool cfg_vs_same(const struct cfg *a, const struct cfg_vs *va,
		 const struct cfg *b, const struct cfg_vs *vb);

/**
 * cfg_load - read, parse and validate a keepalived-style configuration.
 * @path: the top file
 * @opts: loader options (may be NULL)
 * @diag: receives every warning and error: those found while reading, in
 *        file order, then those of the checks across objects
 * Returns the configuration, or NULL when @diag holds at least one error.
 * The returned configuration has every default and inherited value filled
 * in (no CFG_UNSET_* left in struct cfg_check or struct cfg_vrrp).
 */
struct cfg *cfg_load(const char *path, const struct cfg_opts *opts,
		     struct cfg_diag *diag);

/**
 * cfg_free - release a configuration returned by cfg_load (NULL is fine).
 */
void cfg_free(struct cfg *c);

/**
 * cfg_diag_free - release the messages held in @d and zero it.
 */
void cfg_diag_free(struct cfg_diag *d);

/**
 * cfg_diag_fmt - format one message as "file:line: error: text".
 * @m: the message
 * @buf: output
 * @len: size of @buf
 * Returns @buf.
 */
const char *cfg_diag_fmt(const struct cfg_msg *m, char *buf, size_t len);

/**
 * cfg_find_vrrp - find a vrrp_instance by name.
 * Returns its index or -1.
 */
int cfg_find_vrrp(const struct cfg *c, const char *name);

/**
 * cfg_n_trackers - how many tracker sets @c holds: one per vrrp_instance,
 * then one per vrrp_sync_group (see cfg_trackers_at).
 */
static inline size_t cfg_n_trackers(const struct cfg *c)
{
	return c->n_vrrps + c->n_sync_groups;
}

/**
 * cfg_trackers_at - tracker set @k of @c (@k < cfg_n_trackers(@c)):
 * instance @k's, or sync group (@k - n_vrrps)'s. Lets code that treats
 * every tracker line alike (marking what is used, resolving names) walk
 * instances and groups in one loop.
 */
static inline struct cfg_trackers *cfg_trackers_at(const struct cfg *c,
						   size_t k)
{
	return k < c->n_vrrps ? &c->vrrps[k].trk :
				&c->sync_groups[k - c->n_vrrps].trk;
}

#endif
