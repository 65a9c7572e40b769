/* test_ipvs_msg.c - exact bytes of IPVS genetlink requests, reply decoding. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>

#include "daemon/ipvs_msg.h"

/* little-endian host: the byte vectors below are written for x86/arm64 */
#define U16(x) ((x) & 0xff), (((x) >> 8) & 0xff)
#define U32(x) U16((x) & 0xffff), U16(((x) >> 16) & 0xffff)
#define NLA(len, type) U16(len), U16(type)
#define NEST(len, type) U16(len), U16((type) | 0x8000)
/* nlmsghdr + genlmsghdr */
#define HDR(len, type, flags, seq, cmd)                                       \
	U32(len), U16(type), U16(flags), U32(seq), U32(0), cmd, 1, 0, 0
#define FAM 0x24
#define REQ_ACK 0x0005 /* NLM_F_REQUEST | NLM_F_ACK */
#define REQ_DUMP 0x0301

#define V4_SVC_ID                                                             \
	NLA(6, IPVS_SVC_ATTR_AF), U16(AF_INET), 0, 0,                         \
		NLA(6, IPVS_SVC_ATTR_PROTOCOL), U16(IPPROTO_TCP), 0, 0,       \
		NLA(20, IPVS_SVC_ATTR_ADDR), 192, 0, 2, 10, 0, 0, 0, 0, 0, 0, \
		0, 0, 0, 0, 0, 0, NLA(6, IPVS_SVC_ATTR_PORT), 0, 80, 0, 0

static struct fwd_svc v4svc(void)
{
	struct fwd_svc s;

	memset(&s, 0, sizeof(s));
	s.af = AF_INET;
	s.protocol = IPPROTO_TCP;
	addr_parse("192.0.2.10", &s.addr);
	s.port = 80;
	strcpy(s.sched, "sh");
	s.flags = FWD_SVC_F_PERSISTENT | FWD_SVC_F_SCHED2 | FWD_SVC_F_HASHED;
	s.timeout = 360;
	s.netmask = htonl(0xffffff00);
	return s;
}

static struct fwd_dest v4dest(void)
{
	struct fwd_dest d;

	memset(&d, 0, sizeof(d));
	addr_parse("198.51.100.11", &d.addr);
	d.port = 80;
	d.method = FWD_DROUTE;
	d.weight = 5;
	d.u_thresh = 100;
	d.l_thresh = 10;
	return d;
}

static void expect_bytes(const uint8_t *got, size_t n, const uint8_t *want,
			 size_t wn)
{
	assert_int_equal(n, wn);
	for (size_t i = 0; i < n; i++)
		if (got[i] != want[i])
			fail_msg("byte %zu: got 0x%02x want 0x%02x", i, got[i],
				 want[i]);
}

static void new_service_v4(void **state)
{
	static const uint8_t want[] = {
		HDR(104, FAM, REQ_ACK, 7, IPVS_CMD_NEW_SERVICE),
		NEST(84, IPVS_CMD_ATTR_SERVICE),
		V4_SVC_ID,
		NLA(7, IPVS_SVC_ATTR_SCHED_NAME), 's', 'h', 0, 0,
		NLA(12, IPVS_SVC_ATTR_FLAGS), U32(0x11), U32(0xffffffff),
		NLA(8, IPVS_SVC_ATTR_TIMEOUT), U32(360),
		NLA(8, IPVS_SVC_ATTR_NETMASK), 255, 255, 255, 0,
	};
	uint8_t buf[IPVS_MSG_MAX];
	struct fwd_svc s = v4svc();

	(void)state;
	expect_bytes(buf,
		     ipvs_msg_svc_req(buf, sizeof(buf), FAM, 7,
				      IPVS_CMD_NEW_SERVICE, &s),
		     want, sizeof(want));
}

static void new_service_v6_udp(void **state)
{
	static const uint8_t want[] = {
		HDR(104, FAM, REQ_ACK, 8, IPVS_CMD_SET_SERVICE),
		NEST(84, IPVS_CMD_ATTR_SERVICE),
		NLA(6, IPVS_SVC_ATTR_AF), U16(AF_INET6), 0, 0,
		NLA(6, IPVS_SVC_ATTR_PROTOCOL), U16(IPPROTO_UDP), 0, 0,
		NLA(20, IPVS_SVC_ATTR_ADDR), 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0x10,
		NLA(6, IPVS_SVC_ATTR_PORT), 0, 53, 0, 0,
		NLA(7, IPVS_SVC_ATTR_SCHED_NAME), 'r', 'r', 0, 0,
		NLA(12, IPVS_SVC_ATTR_FLAGS), U32(FWD_SVC_F_ONEPACKET),
		U32(0xffffffff),
		NLA(8, IPVS_SVC_ATTR_TIMEOUT), U32(0),
		NLA(8, IPVS_SVC_ATTR_NETMASK), U32(128),
	};
	uint8_t buf[IPVS_MSG_MAX];
	struct fwd_svc s;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.af = AF_INET6;
	s.protocol = IPPROTO_UDP;
	addr_parse("2001:db8::10", &s.addr);
	s.port = 53;
	strcpy(s.sched, "rr");
	s.flags = FWD_SVC_F_ONEPACKET;
	s.netmask = 128;
	expect_bytes(buf,
		     ipvs_msg_svc_req(buf, sizeof(buf), FAM, 8,
				      IPVS_CMD_SET_SERVICE, &s),
		     want, sizeof(want));
}

static void new_service_fwmark(void **state)
{
	static const uint8_t want[] = {
		HDR(76, FAM, REQ_ACK, 9, IPVS_CMD_NEW_SERVICE),
		NEST(56, IPVS_CMD_ATTR_SERVICE),
		NLA(6, IPVS_SVC_ATTR_AF), U16(AF_INET), 0, 0,
		NLA(8, IPVS_SVC_ATTR_FWMARK), U32(7),
		NLA(8, IPVS_SVC_ATTR_SCHED_NAME), 'w', 'l', 'c', 0,
		NLA(12, IPVS_SVC_ATTR_FLAGS), U32(0), U32(0xffffffff),
		NLA(8, IPVS_SVC_ATTR_TIMEOUT), U32(0),
		NLA(8, IPVS_SVC_ATTR_NETMASK), U32(0xffffffff),
	};
	uint8_t buf[IPVS_MSG_MAX];
	struct fwd_svc s;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.af = AF_INET;
	s.fwmark = 7;
	strcpy(s.sched, "wlc");
	s.netmask = 0xffffffff;
	expect_bytes(buf,
		     ipvs_msg_svc_req(buf, sizeof(buf), FAM, 9,
				      IPVS_CMD_NEW_SERVICE, &s),
		     want, sizeof(want));
}

static void del_service(void **state)
{
	static const uint8_t want[] = {
		HDR(68, FAM, REQ_ACK, 10, IPVS_CMD_DEL_SERVICE),
		NEST(48, IPVS_CMD_ATTR_SERVICE),
		V4_SVC_ID,
	};
	uint8_t buf[IPVS_MSG_MAX];
	struct fwd_svc s = v4svc();

	(void)state;
	expect_bytes(buf,
		     ipvs_msg_svc_req(buf, sizeof(buf), FAM, 10,
				      IPVS_CMD_DEL_SERVICE, &s),
		     want, sizeof(want));
}

static void new_dest_v4(void **state)
{
	static const uint8_t want[] = {
		HDR(140, FAM, REQ_ACK, 11, IPVS_CMD_NEW_DEST),
		NEST(48, IPVS_CMD_ATTR_SERVICE),
		V4_SVC_ID,
		NEST(72, IPVS_CMD_ATTR_DEST),
		NLA(20, IPVS_DEST_ATTR_ADDR), 198, 51, 100, 11, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0,
		NLA(6, IPVS_DEST_ATTR_PORT), 0, 80, 0, 0,
		NLA(6, IPVS_DEST_ATTR_ADDR_FAMILY), U16(AF_INET), 0, 0,
		NLA(8, IPVS_DEST_ATTR_FWD_METHOD), U32(3),
		NLA(8, IPVS_DEST_ATTR_WEIGHT), U32(5),
		NLA(8, IPVS_DEST_ATTR_U_THRESH), U32(100),
		NLA(8, IPVS_DEST_ATTR_L_THRESH), U32(10),
	};
	uint8_t buf[IPVS_MSG_MAX];
	struct fwd_svc s = v4svc();
	struct fwd_dest d = v4dest();

	(void)state;
	expect_bytes(buf,
		     ipvs_msg_dest_req(buf, sizeof(buf), FAM, 11,
				       IPVS_CMD_NEW_DEST, &s, &d),
		     want, sizeof(want));
}

static void set_dest_tun_gue(void **state)
{
	static const uint8_t want[] = {
		HDR(164, FAM, REQ_ACK, 12, IPVS_CMD_SET_DEST),
		NEST(48, IPVS_CMD_ATTR_SERVICE),
		V4_SVC_ID,
		NEST(96, IPVS_CMD_ATTR_DEST),
		NLA(20, IPVS_DEST_ATTR_ADDR), 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0x11,
		NLA(6, IPVS_DEST_ATTR_PORT), 0, 80, 0, 0,
		NLA(6, IPVS_DEST_ATTR_ADDR_FAMILY), U16(AF_INET6), 0, 0,
		NLA(8, IPVS_DEST_ATTR_FWD_METHOD), U32(2),
		NLA(8, IPVS_DEST_ATTR_WEIGHT), U32(0),
		NLA(8, IPVS_DEST_ATTR_U_THRESH), U32(0),
		NLA(8, IPVS_DEST_ATTR_L_THRESH), U32(0),
		NLA(5, IPVS_DEST_ATTR_TUN_TYPE), 1, 0, 0, 0,
		NLA(6, IPVS_DEST_ATTR_TUN_PORT), 0x17, 0xc0, 0, 0,
		NLA(6, IPVS_DEST_ATTR_TUN_FLAGS), U16(1), 0, 0,
	};
	uint8_t buf[IPVS_MSG_MAX];
	struct fwd_svc s = v4svc();
	struct fwd_dest d;

	(void)state;
	memset(&d, 0, sizeof(d));
	addr_parse("2001:db8::11", &d.addr);
	d.port = 80;
	d.method = FWD_TUNNEL;
	d.tun_type = 1;
	d.tun_port = 6080;
	d.tun_flags = 1;
	expect_bytes(buf,
		     ipvs_msg_dest_req(buf, sizeof(buf), FAM, 12,
				       IPVS_CMD_SET_DEST, &s, &d),
		     want, sizeof(want));
}

static void del_dest(void **state)
{
	static const uint8_t want[] = {
		HDR(108, FAM, REQ_ACK, 13, IPVS_CMD_DEL_DEST),
		NEST(48, IPVS_CMD_ATTR_SERVICE),
		V4_SVC_ID,
		NEST(40, IPVS_CMD_ATTR_DEST),
		NLA(20, IPVS_DEST_ATTR_ADDR), 198, 51, 100, 11, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0,
		NLA(6, IPVS_DEST_ATTR_PORT), 0, 80, 0, 0,
		NLA(6, IPVS_DEST_ATTR_ADDR_FAMILY), U16(AF_INET), 0, 0,
	};
	uint8_t buf[IPVS_MSG_MAX];
	struct fwd_svc s = v4svc();
	struct fwd_dest d = v4dest();

	(void)state;
	expect_bytes(buf,
		     ipvs_msg_dest_req(buf, sizeof(buf), FAM, 13,
				       IPVS_CMD_DEL_DEST, &s, &d),
		     want, sizeof(want));
}

static void dump_requests(void **state)
{
	static const uint8_t want_svc[] = {
		HDR(20, FAM, REQ_DUMP, 14, IPVS_CMD_GET_SERVICE),
	};
	static const uint8_t want_dest[] = {
		HDR(40, FAM, REQ_DUMP, 15, IPVS_CMD_GET_DEST),
		NEST(20, IPVS_CMD_ATTR_SERVICE),
		NLA(6, IPVS_SVC_ATTR_AF), U16(AF_INET6), 0, 0,
		NLA(8, IPVS_SVC_ATTR_FWMARK), U32(9),
	};
	uint8_t buf[IPVS_MSG_MAX];
	struct fwd_svc s;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.af = AF_INET6;
	s.fwmark = 9;
	expect_bytes(buf, ipvs_msg_svc_dump_req(buf, sizeof(buf), FAM, 14),
		     want_svc, sizeof(want_svc));
	expect_bytes(buf,
		     ipvs_msg_dest_dump_req(buf, sizeof(buf), FAM, 15, &s),
		     want_dest, sizeof(want_dest));
}

static void family_request(void **state)
{
	static const uint8_t want[] = {
		HDR(32, GENL_ID_CTRL, 0x0001, 1, CTRL_CMD_GETFAMILY),
		NLA(9, CTRL_ATTR_FAMILY_NAME), 'I', 'P', 'V', 'S', 0, 0, 0, 0,
	};
	uint8_t buf[IPVS_MSG_MAX];

	(void)state;
	expect_bytes(buf, ipvs_msg_family_req(buf, sizeof(buf), 1), want,
		     sizeof(want));
}

static void daemon_requests(void **state)
{
	static const uint8_t want_new[] = {
		HDR(84, FAM, REQ_ACK, 16, IPVS_CMD_NEW_DAEMON),
		NEST(64, IPVS_CMD_ATTR_DAEMON),
		NLA(8, IPVS_DAEMON_ATTR_STATE), U32(1),
		NLA(9, IPVS_DAEMON_ATTR_MCAST_IFN), 'e', 't', 'h', '1', 0, 0,
		0, 0,
		NLA(8, IPVS_DAEMON_ATTR_SYNC_ID), U32(4),
		NLA(6, IPVS_DAEMON_ATTR_SYNC_MAXLEN), U16(1400), 0, 0,
		NLA(8, IPVS_DAEMON_ATTR_MCAST_GROUP), 239, 0, 2, 1,
		NLA(6, IPVS_DAEMON_ATTR_MCAST_PORT), U16(8849), 0, 0,
		NLA(5, IPVS_DAEMON_ATTR_MCAST_TTL), 2, 0, 0, 0,
	};
	static const uint8_t want_del[] = {
		HDR(32, FAM, REQ_ACK, 17, IPVS_CMD_DEL_DAEMON),
		NEST(12, IPVS_CMD_ATTR_DAEMON),
		NLA(8, IPVS_DAEMON_ATTR_STATE), U32(2),
	};
	uint8_t buf[IPVS_MSG_MAX];
	struct fwd_sync s;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.state = FWD_SYNC_MASTER;
	strcpy(s.ifname, "eth1");
	s.syncid = 4;
	s.maxlen = 1400;
	addr_parse("239.0.2.1", &s.group);
	s.port = 8849;
	s.ttl = 2;
	expect_bytes(buf,
		     ipvs_msg_daemon_req(buf, sizeof(buf), FAM, 16,
					 IPVS_CMD_NEW_DAEMON, &s),
		     want_new, sizeof(want_new));
	s.state = FWD_SYNC_BACKUP;
	expect_bytes(buf,
		     ipvs_msg_daemon_req(buf, sizeof(buf), FAM, 17,
					 IPVS_CMD_DEL_DAEMON, &s),
		     want_del, sizeof(want_del));
}

static void timeouts_and_flush(void **state)
{
	static const uint8_t want_t[] = {
		HDR(36, FAM, REQ_ACK, 18, IPVS_CMD_SET_CONFIG),
		NLA(8, IPVS_CMD_ATTR_TIMEOUT_TCP), U32(900),
		NLA(8, IPVS_CMD_ATTR_TIMEOUT_UDP), U32(300),
	};
	static const uint8_t want_f[] = {
		HDR(20, FAM, REQ_ACK, 19, IPVS_CMD_FLUSH),
	};
	struct fwd_timeouts t = { .tcp = 900, .udp = 300 };
	struct fwd_timeouts none = { 0 };
	uint8_t buf[IPVS_MSG_MAX];

	(void)state;
	expect_bytes(buf, ipvs_msg_timeouts_req(buf, sizeof(buf), FAM, 18, &t),
		     want_t, sizeof(want_t));
	assert_int_equal(
		ipvs_msg_timeouts_req(buf, sizeof(buf), FAM, 18, &none), 0);
	expect_bytes(buf, ipvs_msg_flush_req(buf, sizeof(buf), FAM, 19),
		     want_f, sizeof(want_f));
}

static void refuses_bad_requests(void **state)
{
	uint8_t buf[IPVS_MSG_MAX];
	struct fwd_svc s = v4svc();
	struct fwd_dest d = v4dest();

	(void)state;
	/* too small a buffer */
	assert_int_equal(ipvs_msg_svc_req(buf, IPVS_MSG_MAX - 1, FAM, 1,
					  IPVS_CMD_NEW_SERVICE, &s),
			 0);
	/* a dest command through the service encoder */
	assert_int_equal(ipvs_msg_svc_req(buf, sizeof(buf), FAM, 1,
					  IPVS_CMD_NEW_DEST, &s),
			 0);
	/* NEW without a scheduler would be -EINVAL in the kernel */
	s.sched[0] = '\0';
	assert_int_equal(ipvs_msg_svc_req(buf, sizeof(buf), FAM, 1,
					  IPVS_CMD_NEW_SERVICE, &s),
			 0);
	/* service address of the wrong family */
	s = v4svc();
	s.af = AF_INET6;
	assert_int_equal(ipvs_msg_dest_req(buf, sizeof(buf), FAM, 1,
					   IPVS_CMD_NEW_DEST, &s, &d),
			 0);
}

/* ---- replies, built here the way the kernel's ip_vs_genl_fill_* do ---- */

static struct nlmsghdr *reply_hdr(uint8_t *buf, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	nlh->nlmsg_type = FAM;
	nlh->nlmsg_flags = NLM_F_MULTI;
	g->cmd = cmd;
	g->version = 1;
	return nlh;
}

static void put_stats64(struct nlmsghdr *nlh, uint16_t type)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, type);

	for (uint16_t i = IPVS_STATS_ATTR_CONNS; i <= IPVS_STATS_ATTR_OUTBPS;
	     i++)
		mnl_attr_put_u64(nlh, i, 1000 + i);
	mnl_attr_nest_end(nlh, n);
}

static void parse_service_reply(void **state)
{
	uint8_t buf[1024] = { 0 };
	struct nlmsghdr *nlh = reply_hdr(buf, IPVS_CMD_NEW_SERVICE);
	struct ip_vs_flags fl = { .flags = 0x13, .mask = ~0U };
	uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };
	struct nlattr *n;
	struct fwd_svc s;
	struct fwd_counters c;

	(void)state;
	n = mnl_attr_nest_start(nlh, IPVS_CMD_ATTR_SERVICE);
	mnl_attr_put_u16(nlh, IPVS_SVC_ATTR_AF, AF_INET6);
	mnl_attr_put_u16(nlh, IPVS_SVC_ATTR_PROTOCOL, IPPROTO_SCTP);
	mnl_attr_put(nlh, IPVS_SVC_ATTR_ADDR, 16, a);
	mnl_attr_put_u16(nlh, IPVS_SVC_ATTR_PORT, htons(443));
	mnl_attr_put_strz(nlh, IPVS_SVC_ATTR_SCHED_NAME, "mh");
	mnl_attr_put(nlh, IPVS_SVC_ATTR_FLAGS, sizeof(fl), &fl);
	mnl_attr_put_u32(nlh, IPVS_SVC_ATTR_TIMEOUT, 300);
	mnl_attr_put_u32(nlh, IPVS_SVC_ATTR_NETMASK, 64);
	put_stats64(nlh, IPVS_SVC_ATTR_STATS64);
	mnl_attr_nest_end(nlh, n);

	assert_int_equal(ipvs_msg_svc_parse(nlh, &s, &c), 0);
	assert_int_equal(s.af, AF_INET6);
	assert_int_equal(s.protocol, IPPROTO_SCTP);
	assert_int_equal(s.addr.family, AF_INET6);
	assert_memory_equal(s.addr.u.bytes, a, 16);
	assert_int_equal(s.port, 443);
	assert_int_equal(s.fwmark, 0);
	assert_string_equal(s.sched, "mh");
	assert_int_equal(s.flags, 0x13);
	assert_int_equal(s.timeout, 300);
	assert_int_equal(s.netmask, 64);
	assert_int_equal(c.stats.conns, 1001);
	assert_int_equal(c.stats.outbps, 1010);
	assert_int_equal(c.active_conns, 0);

	/* a dest message is not a service */
	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd =
		IPVS_CMD_NEW_DEST;
	assert_int_equal(ipvs_msg_svc_parse(nlh, &s, NULL), -1);
}

static void parse_fwmark_reply_needs_af(void **state)
{
	uint8_t buf[512] = { 0 };
	struct nlmsghdr *nlh = reply_hdr(buf, IPVS_CMD_NEW_SERVICE);
	struct nlattr *n;
	struct fwd_svc s;

	(void)state;
	n = mnl_attr_nest_start(nlh, IPVS_CMD_ATTR_SERVICE);
	mnl_attr_put_u32(nlh, IPVS_SVC_ATTR_FWMARK, 5);
	mnl_attr_nest_end(nlh, n);
	assert_int_equal(ipvs_msg_svc_parse(nlh, &s, NULL), -1);

	nlh = reply_hdr(buf, IPVS_CMD_NEW_SERVICE);
	n = mnl_attr_nest_start(nlh, IPVS_CMD_ATTR_SERVICE);
	mnl_attr_put_u16(nlh, IPVS_SVC_ATTR_AF, AF_INET);
	mnl_attr_put_u32(nlh, IPVS_SVC_ATTR_FWMARK, 5);
	mnl_attr_put_strz(nlh, IPVS_SVC_ATTR_SCHED_NAME, "rr");
	mnl_attr_nest_end(nlh, n);
	assert_int_equal(ipvs_msg_svc_parse(nlh, &s, NULL), 0);
	assert_int_equal(s.fwmark, 5);
	assert_int_equal(s.addr.family, 0);
}

static void parse_dest_reply(void **state)
{
	uint8_t buf[1024] = { 0 };
	struct nlmsghdr *nlh = reply_hdr(buf, IPVS_CMD_NEW_DEST);
	uint8_t a[16] = { 198, 51, 100, 12 };
	struct nlattr *n;
	struct fwd_dest d;
	struct fwd_counters c;

	(void)state;
	n = mnl_attr_nest_start(nlh, IPVS_CMD_ATTR_DEST);
	mnl_attr_put(nlh, IPVS_DEST_ATTR_ADDR, 16, a);
	mnl_attr_put_u16(nlh, IPVS_DEST_ATTR_PORT, htons(8080));
	/* the kernel reports conn_flags & FWD_MASK; extra bits are ignored */
	mnl_attr_put_u32(nlh, IPVS_DEST_ATTR_FWD_METHOD, 0x100 | 2);
	mnl_attr_put_u32(nlh, IPVS_DEST_ATTR_WEIGHT, 7);
	mnl_attr_put_u32(nlh, IPVS_DEST_ATTR_U_THRESH, 50);
	mnl_attr_put_u32(nlh, IPVS_DEST_ATTR_L_THRESH, 5);
	mnl_attr_put_u32(nlh, IPVS_DEST_ATTR_ACTIVE_CONNS, 3);
	mnl_attr_put_u32(nlh, IPVS_DEST_ATTR_INACT_CONNS, 4);
	mnl_attr_put_u32(nlh, IPVS_DEST_ATTR_PERSIST_CONNS, 1);
	mnl_attr_put_u16(nlh, IPVS_DEST_ATTR_ADDR_FAMILY, AF_INET);
	put_stats64(nlh, IPVS_DEST_ATTR_STATS64);
	mnl_attr_put_u8(nlh, IPVS_DEST_ATTR_TUN_TYPE, 2);
	mnl_attr_put_u16(nlh, IPVS_DEST_ATTR_TUN_PORT, htons(0));
	mnl_attr_put_u16(nlh, IPVS_DEST_ATTR_TUN_FLAGS, 2);
	mnl_attr_nest_end(nlh, n);

	assert_int_equal(ipvs_msg_dest_parse(nlh, AF_INET6, &d, &c), 0);
	assert_int_equal(d.addr.family, AF_INET);
	assert_memory_equal(d.addr.u.bytes, a, 4);
	assert_int_equal(d.port, 8080);
	assert_int_equal(d.method, FWD_TUNNEL);
	assert_int_equal(d.weight, 7);
	assert_int_equal(d.u_thresh, 50);
	assert_int_equal(d.l_thresh, 5);
	assert_int_equal(c.active_conns, 3);
	assert_int_equal(c.inact_conns, 4);
	assert_int_equal(c.persist_conns, 1);
	assert_int_equal(d.tun_type, 2);
	assert_int_equal(d.tun_flags, 2);
	assert_int_equal(c.stats.inpkts, 1002);
	/* the counters are optional */
	assert_int_equal(ipvs_msg_dest_parse(nlh, AF_INET6, &d, NULL), 0);
	assert_int_equal(d.weight, 7);
}

static void parse_dest_truncated(void **state)
{
	uint8_t buf[512] = { 0 };
	struct nlmsghdr *nlh = reply_hdr(buf, IPVS_CMD_NEW_DEST);
	uint8_t a[4] = { 198, 51, 100, 12 };
	struct nlattr *n;
	struct fwd_dest d;

	(void)state;
	/* a 4-byte address under an inet6 service is not enough */
	n = mnl_attr_nest_start(nlh, IPVS_CMD_ATTR_DEST);
	mnl_attr_put(nlh, IPVS_DEST_ATTR_ADDR, 4, a);
	mnl_attr_put_u16(nlh, IPVS_DEST_ATTR_PORT, htons(80));
	mnl_attr_nest_end(nlh, n);
	assert_int_equal(ipvs_msg_dest_parse(nlh, AF_INET6, &d, NULL), -1);
	assert_int_equal(ipvs_msg_dest_parse(nlh, AF_INET, &d, NULL), 0);
	assert_int_equal(d.port, 80);
}

static void parse_ack_and_family(void **state)
{
	uint8_t buf[512] = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *e;
	struct genlmsghdr *g;
	uint16_t id = 0;
	int err = 1;

	(void)state;
	nlh->nlmsg_type = NLMSG_ERROR;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = -17;
	assert_int_equal(ipvs_msg_ack(nlh, &err), 1);
	assert_int_equal(err, -17);
	e->error = 0;
	assert_int_equal(ipvs_msg_ack(nlh, &err), 1);
	assert_int_equal(err, 0);

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_NEWFAMILY;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "IPVS");
	assert_int_equal(ipvs_msg_family_parse(nlh, &id), -1);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x1d);
	assert_int_equal(ipvs_msg_ack(nlh, &err), 0);
	assert_int_equal(ipvs_msg_family_parse(nlh, &id), 0);
	assert_int_equal(id, 0x1d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(new_service_v4),
		cmocka_unit_test(new_service_v6_udp),
		cmocka_unit_test(new_service_fwmark),
		cmocka_unit_test(del_service),
		cmocka_unit_test(new_dest_v4),
		cmocka_unit_test(set_dest_tun_gue),
		cmocka_unit_test(del_dest),
		cmocka_unit_test(dump_requests),
		cmocka_unit_test(family_request),
		cmocka_unit_test(daemon_requests),
		cmocka_unit_test(timeouts_and_flush),
		cmocka_unit_test(refuses_bad_requests),
		cmocka_unit_test(parse_service_reply),
		cmocka_unit_test(parse_fwmark_reply_needs_af),
		cmocka_unit_test(parse_dest_reply),
		cmocka_unit_test(parse_dest_truncated),
		cmocka_unit_test(parse_ack_and_family),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
