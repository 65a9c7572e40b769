/*
 * dgram.c - the datagram probe driver (UDP, DNS, ICMP echo): the protocol
 * sends in its begin hook, replies and ICMP errors arrive here, and the
 * deadline (connect_timeout) ends the wait.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "evloop.h"
#include "checker/probe.h"

int chk_dgram_connect(struct chk_probe *p, int type, int proto)
{
	struct sockaddr_storage ss;
	socklen_t sl = chk_probe_target(p->cc, p->rs, &ss);
	char why[CHK_REASON_MAX];

	p->fd = chk_sock_open(p->cc, ss.ss_family, type, proto, why);
	if (p->fd < 0) {
		chk_probe_fail(p, "%s", why);
		return -1;
	}
	if (connect(p->fd, (struct sockaddr *)&ss, sl) < 0) {
		chk_probe_fail(p, "connect: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static const char *dgram_errstr(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return "ICMP port unreachable";
	case EHOSTUNREACH:
		return "ICMP host unreachable";
	case ENETUNREACH:
		return "ICMP network unreachable";
	default:
		return strerror(err);
	}
}

static void dgram_io(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
	struct chk_probe *p = arg;
	uint8_t buf[4096];
	int i;

	(void)l;
	(void)events;
	for (i = 0; i < 16; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		enum chk_verdict v;

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			chk_probe_fail(p, "%s", dgram_errstr(errno));
			chk_probe_finish(p, CHK_V_FAIL);
			return;
		}
		v = p->proto->input(p, buf, (size_t)n);
		if (v != CHK_V_MORE) {
			chk_probe_finish(p, v);
			return;
		}
	}
}

static void dgram_timeout(struct chk_tmr *t)
{
	struct chk_probe *p = chk_tmr_owner(t, struct chk_probe, deadline);
	enum chk_verdict v;

	v = p->proto->timeout ? p->proto->timeout(p) :
				chk_probe_fail(p, "no reply (timeout)");
	chk_probe_finish(p, v == CHK_V_MORE ? CHK_V_FAIL : v);
}

void chk_dgram_start(struct chk_probe *p)
{
	uint64_t tmo =
		p->cc->connect_timeout_us ? p->cc->connect_timeout_us : 5000000;
	enum chk_verdict v;

	p->phase = CHK_PH_IO;
	v = p->proto->begin(p);
	if (v != CHK_V_MORE) {
		chk_probe_finish(p, v);
		return;
	}
	chk_probe_watch(p, EPOLLIN, dgram_io, tmo, dgram_timeout);
}
