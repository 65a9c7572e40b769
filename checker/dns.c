/* dns.c - DNS_CHECK: one UDP query, a NOERROR reply to it passes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "checker/pkt.h"
#include "checker/probe.h"

struct dns_st {
	size_t len;
	uint8_t q[300];
};

static enum chk_verdict dns_begin(struct chk_probe *p)
{
	struct dns_st *st = calloc(1, sizeof(*st));
	uint16_t qt = chk_dns_qtype(p->cc->dns_type);
	int n;

	if (!st)
		return chk_probe_fail(p, "out of memory");
	p->st = st;
	if (!qt)
		return chk_probe_fail(p, "unknown DNS type %s",
				      p->cc->dns_type);
	n = chk_dns_query(st->q, sizeof(st->q), (uint16_t)random(),
			  p->cc->dns_name ? p->cc->dns_name : ".", qt);
	if (n < 0)
		return chk_probe_fail(p, "bad DNS name");
	st->len = (size_t)n;
	if (chk_dgram_connect(p, SOCK_DGRAM, 0) < 0)
		return CHK_V_FAIL;
	if (send(p->fd, st->q, st->len, 0) < 0)
		return chk_probe_fail(p, "send: %s", strerror(errno));
	return CHK_V_MORE;
}

static enum chk_verdict dns_input(struct chk_probe *p, const uint8_t *d,
				  size_t n)
{
	struct dns_st *st = p->st;
	char why[CHK_REASON_MAX];
	int r = chk_dns_reply(st->q, st->len, d, n, why, sizeof(why));

	if (r < 0)
		return chk_probe_fail(p, "%s", why);
	return r > 0 ? CHK_V_OK : CHK_V_MORE;
}

static enum chk_verdict dns_timeout(struct chk_probe *p)
{
	return chk_probe_fail(p, "no DNS reply (timeout)");
}

static void dns_release(struct chk_probe *p)
{
	free(p->st);
	p->st = NULL;
}

const struct chk_proto chk_proto_dns = {
	.dgram = true,
	.begin = dns_begin,
	.input = dns_input,
	.timeout = dns_timeout,
	.release = dns_release,
};
