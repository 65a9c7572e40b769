/*
 * ipvs_msg.c - IPVS generic-netlink messages (pure). The attribute rules
 * follow the kernel's ip_vs_genl_parse_service / _parse_dest: NEW and SET
 * carry every attribute the kernel requires, ports travel in network order,
 * addresses as the full 16 bytes of union nf_inet_addr.
 */
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <string.h>
#include <sys/socket.h>

#include "ipvs_msg.h"

/* start a genl message; @flags adds to NLM_F_REQUEST */
static struct nlmsghdr *put_hdr(void *buf, size_t len, uint16_t type,
				uint16_t flags, uint32_t seq, uint8_t cmd,
				uint8_t version)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	if (!buf || len < IPVS_MSG_MAX)
		return NULL;
	nlh = buf;
	*nlh = (struct nlmsghdr){
		.nlmsg_len = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*g)),
		.nlmsg_type = type,
		.nlmsg_flags = NLM_F_REQUEST | flags,
		.nlmsg_seq = seq,
	};
	g = (struct genlmsghdr *)((char *)buf + NLMSG_HDRLEN);
	*g = (struct genlmsghdr){ .cmd = cmd, .version = version };
	return nlh;
}

/*
 * Attribute writers. A request is a few hundred bytes written once per
 * table entry: these inline the libmnl calls they replace (a full load is
 * ten thousand requests), and pad with zeros as the kernel expects.
 */
static void *put(struct nlmsghdr *nlh, uint16_t type, size_t len,
		 const void *data)
{
	struct nlattr *a = (struct nlattr *)((char *)nlh + nlh->nlmsg_len);
	size_t pad = NLA_ALIGN(NLA_HDRLEN + len) - (NLA_HDRLEN + len);

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0, pad);
	nlh->nlmsg_len += (uint32_t)NLA_ALIGN(NLA_HDRLEN + len);
	return a;
}

static void put_u8(struct nlmsghdr *nlh, uint16_t type, uint8_t v)
{
	put(nlh, type, sizeof(v), &v);
}

static void put_u16(struct nlmsghdr *nlh, uint16_t type, uint16_t v)
{
	put(nlh, type, sizeof(v), &v);
}

static void put_u32(struct nlmsghdr *nlh, uint16_t type, uint32_t v)
{
	put(nlh, type, sizeof(v), &v);
}

static void put_strz(struct nlmsghdr *nlh, uint16_t type, const char *s)
{
	put(nlh, type, strlen(s) + 1, s);
}

static struct nlattr *nest_start(struct nlmsghdr *nlh, uint16_t type)
{
	struct nlattr *n = (struct nlattr *)((char *)nlh + nlh->nlmsg_len);

	n->nla_type = type | NLA_F_NESTED;
	n->nla_len = NLA_HDRLEN;
	nlh->nlmsg_len += NLA_HDRLEN;
	return n;
}

static void nest_end(struct nlmsghdr *nlh, struct nlattr *n)
{
	n->nla_len = (uint16_t)((char *)nlh + nlh->nlmsg_len - (char *)n);
}

static size_t done(struct nlmsghdr *nlh)
{
	return NLMSG_ALIGN(nlh->nlmsg_len);
}

size_t ipvs_msg_family_req(void *buf, size_t len, uint32_t seq)
{
	struct nlmsghdr *nlh;

	nlh = put_hdr(buf, len, GENL_ID_CTRL, 0, seq, CTRL_CMD_GETFAMILY, 1);
	if (!nlh)
		return 0;
	put_strz(nlh, CTRL_ATTR_FAMILY_NAME, IPVS_GENL_NAME);
	return done(nlh);
}

static int family_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(a, MNL_TYPE_U16) == 0)
		*(int *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

int ipvs_msg_family_parse(const struct nlmsghdr *nlh, uint16_t *id)
{
	int v = -1;

	if (nlh->nlmsg_type != GENL_ID_CTRL ||
	    mnl_attr_parse(nlh, GENL_HDRLEN, family_cb, &v) != MNL_CB_OK ||
	    v <= 0)
		return -1;
	*id = (uint16_t)v;
	return 0;
}

static void put_addr(struct nlmsghdr *nlh, uint16_t type, const struct addr *a)
{
	uint8_t b[16] = { 0 };

	memcpy(b, a->u.bytes, addr_len(a));
	put(nlh, type, sizeof(b), b);
}

/* the service identity nest: af + fwmark, or af + protocol + addr + port */
static int put_svc_id(struct nlmsghdr *nlh, const struct fwd_svc *s)
{
	if (s->af != AF_INET && s->af != AF_INET6)
		return -1;
	if (!s->fwmark && s->addr.family != s->af)
		return -1;
	put_u16(nlh, IPVS_SVC_ATTR_AF, (uint16_t)s->af);
	if (s->fwmark) {
		put_u32(nlh, IPVS_SVC_ATTR_FWMARK, s->fwmark);
	} else {
		put_u16(nlh, IPVS_SVC_ATTR_PROTOCOL, s->protocol);
		put_addr(nlh, IPVS_SVC_ATTR_ADDR, &s->addr);
		put_u16(nlh, IPVS_SVC_ATTR_PORT, htons(s->port));
	}
	return 0;
}

static int put_svc_nest(struct nlmsghdr *nlh, const struct fwd_svc *s, int full)
{
	struct nlattr *n = nest_start(nlh, IPVS_CMD_ATTR_SERVICE);
	struct ip_vs_flags fl;

	if (put_svc_id(nlh, s) < 0)
		return -1;
	if (full) {
		if (!s->sched[0] ||
		    memchr(s->sched, 0, sizeof(s->sched)) == NULL)
			return -1;
		put_strz(nlh, IPVS_SVC_ATTR_SCHED_NAME, s->sched);
		/* HASHED is the kernel's own bookkeeping, never ours */
		fl.flags = s->flags & ~(uint32_t)FWD_SVC_F_HASHED;
		fl.mask = ~0U;
		put(nlh, IPVS_SVC_ATTR_FLAGS, sizeof(fl), &fl);
		put_u32(nlh, IPVS_SVC_ATTR_TIMEOUT, s->timeout);
		put_u32(nlh, IPVS_SVC_ATTR_NETMASK, s->netmask);
		if (s->pe_name[0] &&
		    memchr(s->pe_name, 0, sizeof(s->pe_name)) != NULL)
			put_strz(nlh, IPVS_SVC_ATTR_PE_NAME, s->pe_name);
	}
	nest_end(nlh, n);
	return 0;
}

size_t ipvs_msg_svc_req(void *buf, size_t len, uint16_t family, uint32_t seq,
			uint8_t cmd, const struct fwd_svc *s)
{
	struct nlmsghdr *nlh;

	if (cmd != IPVS_CMD_NEW_SERVICE && cmd != IPVS_CMD_SET_SERVICE &&
	    cmd != IPVS_CMD_DEL_SERVICE)
		return 0;
	nlh = put_hdr(buf, len, family, NLM_F_ACK, seq, cmd, IPVS_GENL_VERSION);
	if (!nlh || put_svc_nest(nlh, s, cmd != IPVS_CMD_DEL_SERVICE) < 0)
		return 0;
	return done(nlh);
}

size_t ipvs_msg_dest_req(void *buf, size_t len, uint16_t family, uint32_t seq,
			 uint8_t cmd, const struct fwd_svc *s,
			 const struct fwd_dest *d)
{
	struct nlmsghdr *nlh;
	struct nlattr *n;

	if (cmd != IPVS_CMD_NEW_DEST && cmd != IPVS_CMD_SET_DEST &&
	    cmd != IPVS_CMD_DEL_DEST)
		return 0;
	if (d->addr.family != AF_INET && d->addr.family != AF_INET6)
		return 0;
	nlh = put_hdr(buf, len, family, NLM_F_ACK, seq, cmd, IPVS_GENL_VERSION);
	if (!nlh || put_svc_nest(nlh, s, 0) < 0)
		return 0;
	n = nest_start(nlh, IPVS_CMD_ATTR_DEST);
	put_addr(nlh, IPVS_DEST_ATTR_ADDR, &d->addr);
	put_u16(nlh, IPVS_DEST_ATTR_PORT, htons(d->port));
	put_u16(nlh, IPVS_DEST_ATTR_ADDR_FAMILY, (uint16_t)d->addr.family);
	if (cmd != IPVS_CMD_DEL_DEST) {
		put_u32(nlh, IPVS_DEST_ATTR_FWD_METHOD, d->method);
		put_u32(nlh, IPVS_DEST_ATTR_WEIGHT, d->weight);
		put_u32(nlh, IPVS_DEST_ATTR_U_THRESH, d->u_thresh);
		put_u32(nlh, IPVS_DEST_ATTR_L_THRESH, d->l_thresh);
		/* tunnel attributes exist since Linux 5.2: send them only
		 * where they mean something */
		if (d->method == FWD_TUNNEL) {
			put_u8(nlh, IPVS_DEST_ATTR_TUN_TYPE, d->tun_type);
			put_u16(nlh, IPVS_DEST_ATTR_TUN_PORT,
				htons(d->tun_port));
			put_u16(nlh, IPVS_DEST_ATTR_TUN_FLAGS, d->tun_flags);
		}
	}
	nest_end(nlh, n);
	return done(nlh);
}

size_t ipvs_msg_svc_dump_req(void *buf, size_t len, uint16_t family,
			     uint32_t seq)
{
	struct nlmsghdr *nlh = put_hdr(buf, len, family, NLM_F_DUMP, seq,
				       IPVS_CMD_GET_SERVICE, IPVS_GENL_VERSION);

	return nlh ? done(nlh) : 0;
}

size_t ipvs_msg_dest_dump_req(void *buf, size_t len, uint16_t family,
			      uint32_t seq, const struct fwd_svc *s)
{
	struct nlmsghdr *nlh = put_hdr(buf, len, family, NLM_F_DUMP, seq,
				       IPVS_CMD_GET_DEST, IPVS_GENL_VERSION);

	if (!nlh || put_svc_nest(nlh, s, 0) < 0)
		return 0;
	return done(nlh);
}

size_t ipvs_msg_daemon_req(void *buf, size_t len, uint16_t family, uint32_t seq,
			   uint8_t cmd, const struct fwd_sync *sync)
{
	struct nlmsghdr *nlh;
	struct nlattr *n;

	if (cmd != IPVS_CMD_NEW_DAEMON && cmd != IPVS_CMD_DEL_DAEMON)
		return 0;
	if (cmd == IPVS_CMD_NEW_DAEMON &&
	    (!sync->ifname[0] ||
	     !memchr(sync->ifname, 0, sizeof(sync->ifname))))
		return 0;
	nlh = put_hdr(buf, len, family, NLM_F_ACK, seq, cmd, IPVS_GENL_VERSION);
	if (!nlh)
		return 0;
	n = nest_start(nlh, IPVS_CMD_ATTR_DAEMON);
	put_u32(nlh, IPVS_DAEMON_ATTR_STATE, sync->state);
	if (cmd == IPVS_CMD_NEW_DAEMON) {
		put_strz(nlh, IPVS_DAEMON_ATTR_MCAST_IFN, sync->ifname);
		put_u32(nlh, IPVS_DAEMON_ATTR_SYNC_ID, sync->syncid);
		if (sync->maxlen)
			put_u16(nlh, IPVS_DAEMON_ATTR_SYNC_MAXLEN,
				sync->maxlen);
		if (sync->group.family == AF_INET)
			put(nlh, IPVS_DAEMON_ATTR_MCAST_GROUP, 4,
			    sync->group.u.bytes);
		else if (sync->group.family == AF_INET6)
			put(nlh, IPVS_DAEMON_ATTR_MCAST_GROUP6, 16,
			    sync->group.u.bytes);
		/* the kernel reads the port in host order here */
		if (sync->port)
			put_u16(nlh, IPVS_DAEMON_ATTR_MCAST_PORT, sync->port);
		if (sync->ttl)
			put_u8(nlh, IPVS_DAEMON_ATTR_MCAST_TTL, sync->ttl);
	}
	nest_end(nlh, n);
	return done(nlh);
}

size_t ipvs_msg_timeouts_req(void *buf, size_t len, uint16_t family,
			     uint32_t seq, const struct fwd_timeouts *t)
{
	struct nlmsghdr *nlh;

	if (!t->tcp && !t->tcp_fin && !t->udp)
		return 0;
	nlh = put_hdr(buf, len, family, NLM_F_ACK, seq, IPVS_CMD_SET_CONFIG,
		      IPVS_GENL_VERSION);
	if (!nlh)
		return 0;
	if (t->tcp)
		put_u32(nlh, IPVS_CMD_ATTR_TIMEOUT_TCP, t->tcp);
	if (t->tcp_fin)
		put_u32(nlh, IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, t->tcp_fin);
	if (t->udp)
		put_u32(nlh, IPVS_CMD_ATTR_TIMEOUT_UDP, t->udp);
	return done(nlh);
}

size_t ipvs_msg_flush_req(void *buf, size_t len, uint16_t family, uint32_t seq)
{
	struct nlmsghdr *nlh = put_hdr(buf, len, family, NLM_F_ACK, seq,
				       IPVS_CMD_FLUSH, IPVS_GENL_VERSION);

	return nlh ? done(nlh) : 0;
}

/* ---- decoding ---------------------------------------------------------- */

/* collect attributes up to @max into @tb (tb[0] holds @max) */
struct attrs {
	int max;
	const struct nlattr *tb[IPVS_DEST_ATTR_MAX + 16];
};

static int collect_cb(const struct nlattr *a, void *data)
{
	struct attrs *at = data;
	int type = mnl_attr_get_type(a);

	if (type > 0 && type <= at->max)
		at->tb[type] = a;
	return MNL_CB_OK;
}

static int parse_nest(const struct nlattr *nest, int max, struct attrs *at)
{
	memset(at, 0, sizeof(*at));
	at->max = max;
	if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0)
		return -1;
	return mnl_attr_parse_nested(nest, collect_cb, at) == MNL_CB_OK ? 0 :
									  -1;
}

static int parse_top(const struct nlmsghdr *nlh, uint8_t cmd, struct attrs *at)
{
	const struct genlmsghdr *g;

	memset(at, 0, sizeof(*at));
	at->max = IPVS_CMD_ATTR_MAX;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return -1;
	g = mnl_nlmsg_get_payload(nlh);
	if (g->cmd != cmd)
		return -1;
	return mnl_attr_parse(nlh, GENL_HDRLEN, collect_cb, at) == MNL_CB_OK ?
		       0 :
		       -1;
}

static int ok(const struct nlattr *a, enum mnl_attr_data_type t)
{
	return a && mnl_attr_validate(a, t) == 0;
}

static uint64_t get_num(const struct nlattr *a)
{
	switch (mnl_attr_get_payload_len(a)) {
	case 8:
		return mnl_attr_get_u64(a);
	case 4:
		return mnl_attr_get_u32(a);
	default:
		return 0;
	}
}

/* STATS64 (all u64) when present, else the older STATS (u32 + u64 bytes) */
static void parse_stats(const struct nlattr *s64, const struct nlattr *s32,
			struct fwd_stats *st)
{
	const struct nlattr *n = s64 ? s64 : s32;
	struct attrs at;
	uint64_t *f[] = {
		NULL,	      &st->conns,    &st->inpkts, &st->outpkts,
		&st->inbytes, &st->outbytes, &st->cps,	  &st->inpps,
		&st->outpps,  &st->inbps,    &st->outbps,
	};

	memset(st, 0, sizeof(*st));
	if (!n || parse_nest(n, IPVS_STATS_ATTR_OUTBPS, &at) < 0)
		return;
	for (int i = 1; i <= IPVS_STATS_ATTR_OUTBPS; i++)
		if (at.tb[i])
			*f[i] = get_num(at.tb[i]);
}

static void get_addr(const struct nlattr *a, int af, struct addr *out)
{
	size_t n = af == AF_INET ? 4 : 16;

	memset(out, 0, sizeof(*out));
	out->family = af;
	memcpy(out->u.bytes, mnl_attr_get_payload(a), n);
}

static void get_str(const struct nlattr *a, char *out, size_t len)
{
	size_t n = mnl_attr_get_payload_len(a);

	if (n >= len)
		n = len - 1;
	memcpy(out, mnl_attr_get_payload(a), n);
	out[n] = '\0';
}

int ipvs_msg_svc_parse(const struct nlmsghdr *nlh, struct fwd_svc *s,
		       struct fwd_counters *c)
{
	struct attrs top, at;
	const struct nlattr **tb = at.tb;
	struct ip_vs_flags fl;

	if (parse_top(nlh, IPVS_CMD_NEW_SERVICE, &top) < 0 ||
	    !top.tb[IPVS_CMD_ATTR_SERVICE] ||
	    parse_nest(top.tb[IPVS_CMD_ATTR_SERVICE], IPVS_SVC_ATTR_MAX, &at) <
		    0)
		return -1;
	memset(s, 0, sizeof(*s));
	if (!ok(tb[IPVS_SVC_ATTR_AF], MNL_TYPE_U16))
		return -1;
	s->af = mnl_attr_get_u16(tb[IPVS_SVC_ATTR_AF]);
	if (s->af != AF_INET && s->af != AF_INET6)
		return -1;
	if (ok(tb[IPVS_SVC_ATTR_FWMARK], MNL_TYPE_U32))
		s->fwmark = mnl_attr_get_u32(tb[IPVS_SVC_ATTR_FWMARK]);
	if (!s->fwmark) {
		if (!ok(tb[IPVS_SVC_ATTR_PROTOCOL], MNL_TYPE_U16) ||
		    !ok(tb[IPVS_SVC_ATTR_PORT], MNL_TYPE_U16) ||
		    !tb[IPVS_SVC_ATTR_ADDR] ||
		    mnl_attr_get_payload_len(tb[IPVS_SVC_ATTR_ADDR]) <
			    (s->af == AF_INET ? 4u : 16u))
			return -1;
		s->protocol = mnl_attr_get_u16(tb[IPVS_SVC_ATTR_PROTOCOL]);
		s->port = ntohs(mnl_attr_get_u16(tb[IPVS_SVC_ATTR_PORT]));
		get_addr(tb[IPVS_SVC_ATTR_ADDR], s->af, &s->addr);
	}
	if (ok(tb[IPVS_SVC_ATTR_SCHED_NAME], MNL_TYPE_STRING))
		get_str(tb[IPVS_SVC_ATTR_SCHED_NAME], s->sched,
			sizeof(s->sched));
	if (ok(tb[IPVS_SVC_ATTR_PE_NAME], MNL_TYPE_STRING))
		get_str(tb[IPVS_SVC_ATTR_PE_NAME], s->pe_name,
			sizeof(s->pe_name));
	if (tb[IPVS_SVC_ATTR_FLAGS] &&
	    mnl_attr_get_payload_len(tb[IPVS_SVC_ATTR_FLAGS]) >= sizeof(fl)) {
		memcpy(&fl, mnl_attr_get_payload(tb[IPVS_SVC_ATTR_FLAGS]),
		       sizeof(fl));
		s->flags = fl.flags & fl.mask;
	}
	if (ok(tb[IPVS_SVC_ATTR_TIMEOUT], MNL_TYPE_U32))
		s->timeout = mnl_attr_get_u32(tb[IPVS_SVC_ATTR_TIMEOUT]);
	if (ok(tb[IPVS_SVC_ATTR_NETMASK], MNL_TYPE_U32))
		s->netmask = mnl_attr_get_u32(tb[IPVS_SVC_ATTR_NETMASK]);
	if (c) {
		memset(c, 0, sizeof(*c));
		parse_stats(tb[IPVS_SVC_ATTR_STATS64], tb[IPVS_SVC_ATTR_STATS],
			    &c->stats);
	}
	return 0;
}

int ipvs_msg_dest_parse(const struct nlmsghdr *nlh, int svc_af,
			struct fwd_dest *d, struct fwd_counters *c)
{
	struct attrs top, at;
	const struct nlattr **tb = at.tb;
	int af = svc_af;

	if (parse_top(nlh, IPVS_CMD_NEW_DEST, &top) < 0 ||
	    !top.tb[IPVS_CMD_ATTR_DEST] ||
	    parse_nest(top.tb[IPVS_CMD_ATTR_DEST], IPVS_DEST_ATTR_MAX, &at) < 0)
		return -1;
	memset(d, 0, sizeof(*d));
	if (ok(tb[IPVS_DEST_ATTR_ADDR_FAMILY], MNL_TYPE_U16))
		af = mnl_attr_get_u16(tb[IPVS_DEST_ATTR_ADDR_FAMILY]);
	if ((af != AF_INET && af != AF_INET6) || !tb[IPVS_DEST_ATTR_ADDR] ||
	    mnl_attr_get_payload_len(tb[IPVS_DEST_ATTR_ADDR]) <
		    (af == AF_INET ? 4u : 16u) ||
	    !ok(tb[IPVS_DEST_ATTR_PORT], MNL_TYPE_U16))
		return -1;
	get_addr(tb[IPVS_DEST_ATTR_ADDR], af, &d->addr);
	d->port = ntohs(mnl_attr_get_u16(tb[IPVS_DEST_ATTR_PORT]));
	if (ok(tb[IPVS_DEST_ATTR_FWD_METHOD], MNL_TYPE_U32))
		d->method = mnl_attr_get_u32(tb[IPVS_DEST_ATTR_FWD_METHOD]) &
			    IP_VS_CONN_F_FWD_MASK;
	if (ok(tb[IPVS_DEST_ATTR_WEIGHT], MNL_TYPE_U32))
		d->weight = mnl_attr_get_u32(tb[IPVS_DEST_ATTR_WEIGHT]);
	if (ok(tb[IPVS_DEST_ATTR_U_THRESH], MNL_TYPE_U32))
		d->u_thresh = mnl_attr_get_u32(tb[IPVS_DEST_ATTR_U_THRESH]);
	if (ok(tb[IPVS_DEST_ATTR_L_THRESH], MNL_TYPE_U32))
		d->l_thresh = mnl_attr_get_u32(tb[IPVS_DEST_ATTR_L_THRESH]);
	if (ok(tb[IPVS_DEST_ATTR_TUN_TYPE], MNL_TYPE_U8))
		d->tun_type = mnl_attr_get_u8(tb[IPVS_DEST_ATTR_TUN_TYPE]);
	if (ok(tb[IPVS_DEST_ATTR_TUN_PORT], MNL_TYPE_U16))
		d->tun_port =
			ntohs(mnl_attr_get_u16(tb[IPVS_DEST_ATTR_TUN_PORT]));
	if (ok(tb[IPVS_DEST_ATTR_TUN_FLAGS], MNL_TYPE_U16))
		d->tun_flags = mnl_attr_get_u16(tb[IPVS_DEST_ATTR_TUN_FLAGS]);
	if (!c)
		return 0;
	memset(c, 0, sizeof(*c));
	if (ok(tb[IPVS_DEST_ATTR_ACTIVE_CONNS], MNL_TYPE_U32))
		c->active_conns =
			mnl_attr_get_u32(tb[IPVS_DEST_ATTR_ACTIVE_CONNS]);
	if (ok(tb[IPVS_DEST_ATTR_INACT_CONNS], MNL_TYPE_U32))
		c->inact_conns =
			mnl_attr_get_u32(tb[IPVS_DEST_ATTR_INACT_CONNS]);
	if (ok(tb[IPVS_DEST_ATTR_PERSIST_CONNS], MNL_TYPE_U32))
		c->persist_conns =
			mnl_attr_get_u32(tb[IPVS_DEST_ATTR_PERSIST_CONNS]);
	parse_stats(tb[IPVS_DEST_ATTR_STATS64], tb[IPVS_DEST_ATTR_STATS],
		    &c->stats);
	return 0;
}

int ipvs_msg_ack(const struct nlmsghdr *nlh, int *err)
{
	const struct nlmsgerr *e;

	if (nlh->nlmsg_type != NLMSG_ERROR ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(e->error))
		return 0;
	e = mnl_nlmsg_get_payload(nlh);
	*err = e->error > 0 ? -e->error : e->error;
	return 1;
}
