/*
 * udp.c - UDP_CHECK: send the payload; with require_reply a matching reply
 * passes, without it silence until the deadline passes and an ICMP error
 * (port unreachable) fails.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "checker/pkt.h"
#include "checker/probe.h"

static enum chk_verdict udp_begin(struct chk_probe *p)
{
	static const uint8_t empty[1];

	if (chk_dgram_connect(p, SOCK_DGRAM, 0) < 0)
		return CHK_V_FAIL;
	if (send(p->fd, p->cc->payload ? p->cc->payload : empty,
		 p->cc->payload_len, 0) < 0)
		return chk_probe_fail(p, "send: %s", strerror(errno));
	return CHK_V_MORE;
}

static enum chk_verdict udp_input(struct chk_probe *p, const uint8_t *d,
				  size_t n)
{
	if (!p->cc->require_reply || chk_udp_match(p->cc->reply_pattern, d, n))
		return CHK_V_OK;
	return chk_probe_fail(p, "UDP reply does not match");
}

static enum chk_verdict udp_timeout(struct chk_probe *p)
{
	if (p->cc->require_reply)
		return chk_probe_fail(p, "no UDP reply (timeout)");
	return CHK_V_OK;
}

const struct chk_proto chk_proto_udp = {
	.dgram = true,
	.begin = udp_begin,
	.input = udp_input,
	.timeout = udp_timeout,
};
