/*
 * ping.c - PING_CHECK: one ICMP echo request through an unprivileged
 * SOCK_DGRAM ICMP socket (net.ipv4.ping_group_range), else a raw socket.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "checker/pkt.h"
#include "checker/probe.h"

#define PING_PAYLOAD 56

struct ping_st {
	bool raw;
	bool v6;
	uint16_t id, seq;
};

static enum chk_verdict ping_begin(struct chk_probe *p)
{
	struct sockaddr_storage ss;
	struct ping_st *st = calloc(1, sizeof(*st));
	uint8_t pkt[8 + PING_PAYLOAD];
	size_t n;
	int proto;

	if (!st)
		return chk_probe_fail(p, "out of memory");
	p->st = st;
	chk_probe_target(p->cc, p->rs, &ss);
	st->v6 = ss.ss_family == AF_INET6;
	proto = st->v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	st->id = (uint16_t)random();
	st->seq = (uint16_t)random();
	if (chk_dgram_connect(p, SOCK_DGRAM, proto) < 0) {
		if (p->fd >= 0) {
			close(p->fd);
			p->fd = -1;
		}
		st->raw = true;
		if (chk_dgram_connect(p, SOCK_RAW, proto) < 0)
			return CHK_V_FAIL;
	}
	n = chk_icmp_echo(pkt, st->v6, st->id, st->seq, PING_PAYLOAD);
	if (send(p->fd, pkt, n, 0) < 0)
		return chk_probe_fail(p, "send: %s", strerror(errno));
	return CHK_V_MORE;
}

static enum chk_verdict ping_input(struct chk_probe *p, const uint8_t *d,
				   size_t n)
{
	struct ping_st *st = p->st;

	/* DGRAM ICMP sockets rewrite the id; raw IPv4 sockets see the IP
	 * header */
	if (chk_icmp_reply(d, n, st->v6, st->raw && !st->v6,
			   st->raw ? st->id : -1, st->seq))
		return CHK_V_OK;
	return CHK_V_MORE;
}

static enum chk_verdict ping_timeout(struct chk_probe *p)
{
	return chk_probe_fail(p, "no ICMP echo reply (timeout)");
}

static void ping_release(struct chk_probe *p)
{
	free(p->st);
	p->st = NULL;
}

const struct chk_proto chk_proto_ping = {
	.dgram = true,
	.begin = ping_begin,
	.input = ping_input,
	.timeout = ping_timeout,
	.release = ping_release,
};
