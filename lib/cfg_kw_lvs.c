/*
 * cfg_kw_lvs.c - virtual_server_group { }, virtual_server { } and
 * real_server { }, with the checks made at the end of each virtual server.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cfg_int.h"

typedef struct cfg_vs VS;
typedef struct cfg_rs RS;

#define TIMER_MAX_S (24 * 3600)

/* ---- virtual_server_group ---------------------------------------------- */

/* "A-B": B is the last byte (IPv4, decimal) or group (IPv6, hex) of A, or a
 * whole address. "A/N": the network of A. */
static int parse_range(struct cfg_ctx *x, const char *s,
		       struct cfg_vsg_entry *e)
{
	char buf[ADDR_STRLEN + 16];
	const char *dash = strchr(s, '-');
	unsigned plen;

	if (strlen(s) >= sizeof(buf))
		goto bad;
	strcpy(buf, s);
	if (!dash) {
		if (addr_parse_prefix(buf, &e->first, &plen) < 0)
			goto bad;
		e->last = e->first;
		if (strchr(s, '/')) {
			unsigned n = addr_len(&e->first) * 8, i;

			for (i = plen; i < n; i++) {
				e->first.u.bytes[i / 8] &= ~(0x80 >> (i % 8));
				e->last.u.bytes[i / 8] |= 0x80 >> (i % 8);
			}
		}
		return 0;
	}
	buf[dash - s] = '\0';
	if (addr_parse(buf, &e->first) < 0)
		goto bad;
	e->last = e->first;
	if (strchr(dash + 1, '.') || strchr(dash + 1, ':')) {
		if (addr_parse(dash + 1, &e->last) < 0)
			goto bad;
	} else {
		char *end;
		unsigned long v = strtoul(dash + 1, &end,
					  e->first.family == AF_INET ? 10 : 16);

		if (!dash[1] || *end ||
		    v > (e->first.family == AF_INET ? 255ul : 65535ul))
			goto bad;
		if (e->first.family == AF_INET) {
			e->last.u.bytes[3] = (uint8_t)v;
		} else {
			e->last.u.bytes[14] = (uint8_t)(v >> 8);
			e->last.u.bytes[15] = (uint8_t)v;
		}
	}
	if (addr_cmp(&e->first, &e->last) > 0) {
		cfg_err(x, "address range '%s' ends before it starts", s);
		return -1;
	}
	return 0;
bad:
	cfg_err(x, "'%s' is not an address, range (A-B) or network (A/N)", s);
	return -1;
}

static void vsg_item(struct cfg_ctx *x, void *obj, int argc, char **argv)
{
	struct cfg_vsg *g = obj;
	struct cfg_vsg_entry e = { .loc = x->loc };

	if (!strcmp(argv[0], "fwmark")) {
		e.is_fwmark = true;
		e.fwmark_family = AF_INET;
		if (argc < 2 || argc > 3) {
			cfg_err(x, "expected 'fwmark N [inet|inet6]'");
			return;
		}
		if (cfg_arg_uint(x, "fwmark", argv[1], 1, UINT32_MAX,
				 &e.fwmark) < 0 ||
		    (argc == 3 &&
		     cfg_arg_family(x, argv[2], &e.fwmark_family) < 0))
			return;
	} else {
		if (argc > 2) {
			cfg_err(x, "expected 'ADDRESS[-END] [PORT]'");
			return;
		}
		if (parse_range(x, argv[0], &e) < 0 ||
		    (argc == 2 &&
		     cfg_arg_port(x, "port", argv[1], &e.port) < 0))
			return;
	}
	*(struct cfg_vsg_entry *)cfg_push(&g->entries, &g->n_entries,
					  sizeof(e)) = e;
}

const struct cfg_block cfg_blk_vsg = {
	.name = "virtual_server_group",
	.item = vsg_item,
};

/* ---- virtual_server ----------------------------------------------------- */

static void timers_unset(struct cfg_chk_timers *t)
{
	t->connect_timeout_us = CFG_UNSET_US;
	t->delay_before_retry_us = CFG_UNSET_US;
	t->warmup_us = CFG_UNSET_US;
	t->delay_loop_us = CFG_UNSET_US;
	t->retry = CFG_UNSET_U;
}

void *cfg_kw_virtual_server(struct cfg_ctx *x, const struct cfg_kw *k,
			    void *obj, int argc, char **argv)
{
	struct cfg *c = x->c;
	VS *vs = cfg_push(&c->vss, &c->n_vss, sizeof(*vs));

	vs->loc = x->loc;
	strcpy(vs->sched, "wlc");
	vs->fwd.method = CFG_FWD_NAT;
	vs->delay_loop_us = 60000000;
	vs->quorum = 1;
	timers_unset(&vs->timers);
	x->cur_vs = vs;
	if (!strcmp(argv[0], "fwmark") && argc == 2) {
		vs->kind = CFG_VS_FWMARK;
		vs->protocol = IPPROTO_TCP; /* IPVS ignores it for fwmarks */
		cfg_arg_uint(x, "fwmark", argv[1], 1, UINT32_MAX, &vs->fwmark);
	} else if (!strcmp(argv[0], "group") && argc == 2) {
		struct cfg_ref *r;

		vs->kind = CFG_VS_GROUP;
		r = cfg_push(&x->vs_groups, &x->n_vs_groups, sizeof(*r));
		r->loc = x->loc;
		r->owner = c->n_vss - 1;
		cfg_arg_name(x, "virtual_server_group name", argv[1], r->name,
			     sizeof(r->name));
	} else {
		vs->kind = CFG_VS_ADDR;
		if (cfg_arg_addr(x, "virtual_server", argv[0], &vs->addr) == 0)
			vs->family = vs->addr.family;
		if (argc == 2)
			cfg_arg_port(x, "virtual_server port", argv[1],
				     &vs->port);
	}
	return vs;
}

static void *kw_sched(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		      int argc, char **argv)
{
	static const char *const names[] = { "rr",   "wrr",   "lc", "wlc",
					     "lblc", "lblcr", "dh", "sh",
					     "sed",  "nq",    "fo", "ovf",
					     "mh",   "twos" };
	size_t i;

	for (i = 0; i < CFG_NELEM(names); i++)
		if (!strcmp(argv[0], names[i])) {
			strcpy(((VS *)obj)->sched, names[i]);
			return NULL;
		}
	cfg_err(x,
		"unknown scheduler '%s' (rr wrr lc wlc lblc lblcr dh sh "
		"sed nq fo ovf mh twos)",
		argv[0]);
	return NULL;
}

static void *kw_vs_fwd(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		       int argc, char **argv)
{
	cfg_arg_fwd(x, argc, argv,
		    (struct cfg_fwd_method *)((char *)obj + k->off));
	return NULL;
}

static void *kw_protocol(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			 int argc, char **argv)
{
	VS *vs = obj;

	if (!strcmp(argv[0], "TCP"))
		vs->protocol = IPPROTO_TCP;
	else if (!strcmp(argv[0], "UDP"))
		vs->protocol = IPPROTO_UDP;
	else if (!strcmp(argv[0], "SCTP"))
		vs->protocol = IPPROTO_SCTP;
	else
		cfg_err(x, "unknown protocol '%s' (TCP, UDP or SCTP)", argv[0]);
	return NULL;
}

static void *kw_persistence(struct cfg_ctx *x, const struct cfg_kw *k,
			    void *obj, int argc, char **argv)
{
	VS *vs = obj;
	unsigned t = 360;

	if (argc && cfg_arg_uint(x, k->name, argv[0], 1, INT32_MAX, &t) < 0)
		return NULL;
	vs->persistent = true;
	vs->persistence_timeout = t;
	return NULL;
}

/* a netmask (IPv4) or a prefix length (IPv6) */
static void *kw_granularity(struct cfg_ctx *x, const struct cfg_kw *k,
			    void *obj, int argc, char **argv)
{
	VS *vs = obj;
	struct addr m = { 0 };
	unsigned plen, i;

	if (strchr(argv[0], '.') || strchr(argv[0], ':')) {
		if (cfg_arg_addr(x, k->name, argv[0], &m) < 0)
			return NULL;
	} else {
		if (cfg_arg_uint(x, k->name, argv[0], 1, 128, &plen) < 0)
			return NULL;
		m.family = AF_INET6;
		for (i = 0; i < plen; i++)
			m.u.bytes[i / 8] |= 0x80 >> (i % 8);
	}
	vs->persistence_granularity = m;
	return NULL;
}

static void *kw_sorry(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		      int argc, char **argv)
{
	VS *vs = obj;

	if (cfg_arg_addr(x, k->name, argv[0], &vs->sorry_addr) < 0 ||
	    (argc == 2 && cfg_arg_port(x, "sorry_server port", argv[1],
				       &vs->sorry_port) < 0))
		return NULL;
	vs->has_sorry = true;
	return NULL;
}

static void *kw_sorry_fwd(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			  int argc, char **argv)
{
	VS *vs = obj;

	if (cfg_arg_fwd(x, argc, argv, &vs->sorry_fwd) == 0)
		vs->sorry_has_fwd = true;
	return NULL;
}

static void *kw_ip_family(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			  int argc, char **argv)
{
	VS *vs = obj;
	int fam;

	if (cfg_arg_family(x, argv[0], &fam) < 0)
		return NULL;
	if (vs->kind == CFG_VS_ADDR && vs->family && fam != vs->family)
		cfg_err(x, "ip_family %s does not match the %s virtual server",
			argv[0], cfg_family_name(vs->family));
	else
		vs->family = fam;
	return NULL;
}

static void *kw_real_server(struct cfg_ctx *x, const struct cfg_kw *k,
			    void *obj, int argc, char **argv)
{
	VS *vs = obj;
	RS *rs = cfg_push(&vs->rss, &vs->n_rss, sizeof(*rs));

	rs->loc = x->loc;
	rs->weight = 1;
	rs->port = vs->port;
	x->cur_rs = rs;
	/* on a bad address the block is still parsed, for more messages */
	cfg_arg_addr(x, "real_server", argv[0], &rs->addr);
	if (argc == 2)
		cfg_arg_port(x, "real_server port", argv[1], &rs->port);
	return rs;
}

static void vs_end(struct cfg_ctx *x, void *obj)
{
	VS *vs = obj;
	char buf[ADDR_STRLEN];
	size_t i;

	if (!vs->protocol)
		cfg_msg_at(x, CFG_ERR, &vs->loc,
			   "virtual_server has no protocol (TCP, UDP or SCTP)");
	if (!vs->n_rss)
		cfg_msg_at(x, CFG_ERR, &vs->loc,
			   "virtual_server has no "
			   "real_server");
	if (vs->kind == CFG_VS_ADDR && !vs->port && !vs->persistent)
		cfg_msg_at(x, CFG_ERR, &vs->loc,
			   "virtual_server with port 0 needs "
			   "persistence_timeout");
	if (vs->kind == CFG_VS_FWMARK && !vs->family)
		vs->family = vs->n_rss ? vs->rss[0].addr.family : AF_INET;
	for (i = 0; i < vs->n_rss && vs->family; i++) {
		const RS *rs = &vs->rss[i];
		enum cfg_fwd m = rs->fwd_set ? rs->fwd.method : vs->fwd.method;

		if (rs->addr.family && rs->addr.family != vs->family &&
		    m != CFG_FWD_TUN)
			cfg_msg_at(x, CFG_ERR, &rs->loc,
				   "real_server %s is %s but the virtual "
				   "server is %s (only TUN can mix families)",
				   addr_fmt(&rs->addr, buf),
				   cfg_family_name(rs->addr.family),
				   cfg_family_name(vs->family));
	}
	if (vs->has_sorry && vs->family &&
	    vs->sorry_addr.family != vs->family &&
	    (vs->sorry_has_fwd ? vs->sorry_fwd.method : vs->fwd.method) !=
		    CFG_FWD_TUN)
		cfg_msg_at(x, CFG_ERR, &vs->loc,
			   "sorry_server %s is not %s like the virtual server",
			   addr_fmt(&vs->sorry_addr, buf),
			   cfg_family_name(vs->family));
	/* the block is closed, no real server is pushed after it: give back
	 * what cfg_push's doubling left unused (up to half of the array) */
	if (vs->n_rss & (vs->n_rss - 1)) {
		RS *r = realloc(vs->rss, vs->n_rss * sizeof(*r));

		if (r)
			vs->rss = r;
	}
	x->cur_vs = NULL;
}

#define FWD(name, T, m)                                           \
	{                                                         \
		name, kw_vs_fwd, 1, 6, NULL, offsetof(T, m), 0, 0 \
	}

static const struct cfg_kw vs_kw[] = {
	CFG_KW("lb_algo", kw_sched, 1, 1),
	CFG_KW("lvs_sched", kw_sched, 1, 1),
	FWD("lb_kind", VS, fwd),
	FWD("lvs_method", VS, fwd),
	CFG_KW("protocol", kw_protocol, 1, 1),
	CFG_KW("persistence_timeout", kw_persistence, 0, 1),
	CFG_KW("persistence_granularity", kw_granularity, 1, 1),
	CFG_FLAG("ops", VS, ops),
	CFG_FLAG("hashed", VS, hashed),
	CFG_FLAG("sh-port", VS, sh_port),
	CFG_FLAG("sh-fallback", VS, sh_fallback),
	CFG_FLAG("mh-port", VS, mh_port),
	CFG_FLAG("mh-fallback", VS, mh_fallback),
	CFG_FLAG("flag-1", VS, sh_fallback), /* IP_VS_SVC_F_SCHED1 */
	CFG_FLAG("flag-2", VS, sh_port), /* IP_VS_SVC_F_SCHED2 */
	CFG_TIME("delay_loop", VS, delay_loop_us, TIMER_MAX_S),
	CFG_TIME("connect_timeout", VS, timers.connect_timeout_us, TIMER_MAX_S),
	CFG_UINT("retry", VS, timers.retry, 0, 1000000),
	CFG_UINT("nb_get_retry", VS, timers.retry, 0, 1000000),
	CFG_TIME("delay_before_retry", VS, timers.delay_before_retry_us,
		 TIMER_MAX_S),
	CFG_TIME("warmup", VS, timers.warmup_us, TIMER_MAX_S),
	CFG_KW("sorry_server", kw_sorry, 1, 2),
	CFG_FLAG("sorry_server_inhibit", VS, sorry_inhibit),
	CFG_KW("sorry_server_lvs_method", kw_sorry_fwd, 1, 6),
	CFG_UINT("quorum", VS, quorum, 1, UINT32_MAX - 1),
	CFG_UINT("hysteresis", VS, hysteresis, 0, UINT32_MAX - 1),
	CFG_CMD("quorum_up", VS, quorum_up),
	CFG_CMD("quorum_down", VS, quorum_down),
	CFG_FLAG("alpha", VS, alpha),
	CFG_FLAG("omega", VS, omega),
	CFG_FLAG("inhibit_on_failure", VS, inhibit_on_failure),
	CFG_FLAG("ha_suspend", VS, ha_suspend),
	CFG_STR("virtualhost", VS, virtualhost),
	CFG_KW("ip_family", kw_ip_family, 1, 1),
	CFG_BLK("real_server", kw_real_server, 1, 2, &cfg_blk_rs),
	CFG_IGNORED("smtp_alert"),
	CFG_IGNORED("snmp_name"),
	CFG_IGNORED("weight"),
	CFG_IGNORED("flag-3"),
	CFG_UNSUPPORTED("persistence_engine"),
};

const struct cfg_block cfg_blk_vs = {
	.name = "virtual_server",
	.kw = vs_kw,
	.n_kw = CFG_NELEM(vs_kw),
	.end = vs_end,
};

/* ---- real_server -------------------------------------------------------- */

static void *kw_rs_fwd(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		       int argc, char **argv)
{
	RS *rs = obj;

	if (cfg_arg_fwd(x, argc, argv, &rs->fwd) == 0)
		rs->fwd_set = true;
	return NULL;
}

static void *kw_rs_weight(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			  int argc, char **argv)
{
	cfg_arg_int(x, k->name, argv[0], 0, 65535, &((RS *)obj)->weight);
	return NULL;
}

static void rs_end(struct cfg_ctx *x, void *obj)
{
	const struct cfg_rs *rs = obj;

	/* the kernel refuses the destination otherwise (ERANGE), 0 included */
	if (cfg_rs_lthreshold(rs) > cfg_rs_uthreshold(rs))
		cfg_msg_at(x, CFG_ERR, &rs->loc,
			   "lthreshold %u is above uthreshold %u (0: no "
			   "limit), which IPVS refuses",
			   cfg_rs_lthreshold(rs), cfg_rs_uthreshold(rs));
	if (x->cur_vs) /* @rs is its last real server */
		cfg_share_last_rs(x->cur_vs);
	x->cur_rs = NULL;
}

/* the settings kept in struct cfg_rs_ext, written by the generic handlers;
 * rs_kw names them with RS_EXT */
typedef struct cfg_rs_ext RSX;
static const struct cfg_kw rs_ext_kw[] = {
	CFG_CMD("notify_up", RSX, notify_up),
	CFG_CMD("notify_down", RSX, notify_down),
	CFG_TIME("delay_loop", RSX, timers.delay_loop_us, TIMER_MAX_S),
	CFG_TIME("connect_timeout", RSX, timers.connect_timeout_us,
		 TIMER_MAX_S),
	CFG_UINT("retry", RSX, timers.retry, 0, 1000000),
	CFG_UINT("nb_get_retry", RSX, timers.retry, 0, 1000000),
	CFG_TIME("delay_before_retry", RSX, timers.delay_before_retry_us,
		 TIMER_MAX_S),
	CFG_TIME("warmup", RSX, timers.warmup_us, TIMER_MAX_S),
	CFG_STR("virtualhost", RSX, virtualhost),
	CFG_UINT("uthreshold", RSX, uthreshold, 0, UINT32_MAX),
	CFG_UINT("lthreshold", RSX, lthreshold, 0, UINT32_MAX),
};

/* a setting of struct cfg_rs_ext: the real server gets one on its first */
static void *kw_rs_ext(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		       int argc, char **argv)
{
	const struct cfg_kw *g = rs_ext_kw;
	RS *rs = obj;

	while (strcmp(g->name, k->name))
		g++; /* every RS_EXT name is in rs_ext_kw */
	if (!rs->ext) {
		rs->ext = cfg_xcalloc(1, sizeof(*rs->ext));
		timers_unset(&rs->ext->timers);
	}
	return g->fn(x, g, rs->ext, argc, argv);
}

#define RS_EXT(name, min, max)                           \
	{                                                \
		name, kw_rs_ext, min, max, NULL, 0, 0, 0 \
	}

/* the checker type travels in the entry's lo field */
#define CHECK(name, type, blk)                             \
	{                                                  \
		name, cfg_kw_check, 0, 0, &blk, 0, type, 0 \
	}

static const struct cfg_kw rs_kw[] = {
	CFG_KW("weight", kw_rs_weight, 1, 1),
	CFG_KW("lvs_method", kw_rs_fwd, 1, 6),
	CFG_KW("lb_kind", kw_rs_fwd, 1, 6),
	RS_EXT("notify_up", 1, 3),
	RS_EXT("notify_down", 1, 3),
	RS_EXT("uthreshold", 1, 1),
	RS_EXT("lthreshold", 1, 1),
	CFG_FLAG("inhibit_on_failure", RS, inhibit_on_failure),
	CFG_FLAG("alpha", RS, alpha),
	RS_EXT("delay_loop", 1, 1),
	RS_EXT("connect_timeout", 1, 1),
	RS_EXT("retry", 1, 1),
	RS_EXT("nb_get_retry", 1, 1),
	RS_EXT("delay_before_retry", 1, 1),
	RS_EXT("warmup", 1, 1),
	RS_EXT("virtualhost", 1, 1),
	CHECK("TCP_CHECK", CFG_CHK_TCP, cfg_blk_tcp),
	CHECK("HTTP_GET", CFG_CHK_HTTP, cfg_blk_http),
	CHECK("SSL_GET", CFG_CHK_SSL, cfg_blk_ssl_get),
	CHECK("MISC_CHECK", CFG_CHK_MISC, cfg_blk_misc),
	CHECK("SMTP_CHECK", CFG_CHK_SMTP, cfg_blk_smtp),
	CHECK("DNS_CHECK", CFG_CHK_DNS, cfg_blk_dns),
	CHECK("UDP_CHECK", CFG_CHK_UDP, cfg_blk_udp),
	CHECK("PING_CHECK", CFG_CHK_PING, cfg_blk_ping),
	CFG_IGNORED("smtp_alert"),
	CFG_IGNORED("snmp_name"),
	CFG_UNSUPPORTED("FILE_CHECK"),
	CFG_UNSUPPORTED("BFD_CHECK"),
};

const struct cfg_block cfg_blk_rs = {
	.name = "real_server",
	.kw = rs_kw,
	.n_kw = CFG_NELEM(rs_kw),
	.end = rs_end,
};
