/* probe.c - start, cancel and finish one run of a checker. */
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "evloop.h"
#include "checker/probe.h"
#include "checker/tls.h"

static const struct chk_proto *probe_proto(enum cfg_check_type t)
{
	switch (t) {
	case CFG_CHK_TCP:
		return &chk_proto_tcp;
	case CFG_CHK_HTTP:
		return &chk_proto_http;
	case CFG_CHK_SSL:
		return &chk_proto_ssl;
	case CFG_CHK_SMTP:
		return &chk_proto_smtp;
	case CFG_CHK_DNS:
		return &chk_proto_dns;
	case CFG_CHK_UDP:
		return &chk_proto_udp;
	case CFG_CHK_PING:
		return &chk_proto_ping;
	case CFG_CHK_MISC:
		break;
	}
	return NULL;
}

void chk_probe_run(struct chk_engine *e, struct chk *k)
{
	if (chk_slot_take(e, k))
		chk_probe_start(e, k);
}

void chk_probe_start(struct chk_engine *e, struct chk *k)
{
	struct chk_probe *p = calloc(1, sizeof(*p));

	if (!p) {
		chk_slot_put(e, k->cfg);
		chk_sched_result(e, k, CHK_FAIL, "out of memory", -1,
				 ev_loop_now(e->loop));
		return;
	}
	p->eng = e;
	p->chk = k;
	p->gen = e->gen;
	e->gen->refs++;
	p->cc = k->cfg;
	p->rs = k->rs->cfg;
	p->vs = k->rs->vs->cfg;
	p->fd = -1;
	p->weight = -1;
	p->start_us = ev_loop_now(e->loop);
	if (p->cc->n_urls) {
		p->url_idx = (uint16_t)(k->url_it % p->cc->n_urls);
	}
	k->probe = p;
	e->probes_started++;
	p->proto = probe_proto(p->cc->type);
	if (!p->proto)
		chk_misc_start(p);
	else if (p->proto->dgram)
		chk_dgram_start(p);
	else
		chk_stream_start(p);
}

void chk_probe_cancel(struct chk_probe *p)
{
	if (p->chk)
		p->chk->probe = NULL;
	p->chk = NULL;
	if (!p->proto)
		chk_misc_cancel(p); /* freed once the script is reaped */
	else
		chk_probe_finish(p, CHK_V_FAIL);
}

void chk_probe_finish(struct chk_probe *p, enum chk_verdict v)
{
	struct chk *k = p->chk;
	enum chk_result r;
	uint64_t now;

	p->phase = CHK_PH_DONE;
	chk_tmr_cancel(&p->eng->tqs, &p->deadline);
	if (p->ssl) {
		OSSL(SSL_free)(p->ssl);
		p->ssl = NULL;
	}
	/* a failed run's socket may hold an error or a half-dead peer: only
	 * a passed one is reused */
	if (p->fd >= 0 && !(p->pool_family && p->connected && v != CHK_V_FAIL &&
			    chk_sock_give(p->eng, p->fd, p->pool_family,
					  p->pool_src, !p->reused, k))) {
		ev_fd_close(p->eng->loop, p->fd);
		if (p->pool_family)
			p->eng->pool_open--;
	}
	p->fd = -1;
	if (p->proto && p->proto->release)
		p->proto->release(p);
	if (k) {
		k->probe = NULL;
		r = v == CHK_V_OK	? CHK_OK :
		    v == CHK_V_PROGRESS ? CHK_PROGRESS :
					  CHK_FAIL;
		now = ev_loop_now(p->eng->loop);
		k->last_duration_us = (uint32_t)(now - p->start_us);
		chk_sched_result(p->eng, k, r,
				 r != CHK_FAIL		   ? NULL :
				 p->reason && p->reason[0] ? p->reason :
							     "failed",
				 p->weight, now);
	}
	chk_slot_put(p->eng, p->cc);
	chk_gen_put(p->gen);
	free(p->out);
	free(p->reason);
	free(p);
}

enum chk_verdict chk_probe_fail(struct chk_probe *p, const char *fmt, ...)
{
	va_list ap;

	if (!p->reason)
		p->reason = malloc(CHK_REASON_MAX);
	if (!p->reason)
		return CHK_V_FAIL; /* reported as "failed" */
	va_start(ap, fmt);
	vsnprintf(p->reason, CHK_REASON_MAX, fmt, ap);
	va_end(ap);
	return CHK_V_FAIL;
}

int chk_probe_send(struct chk_probe *p, const void *d, size_t n)
{
	uint8_t *nb;

	if (n > UINT32_MAX - p->out_len)
		return -1;
	nb = realloc(p->out, p->out_len + n);
	if (!nb)
		return -1;
	memcpy(nb + p->out_len, d, n);
	p->out = nb;
	p->out_len += (uint32_t)n;
	return 0;
}

socklen_t chk_probe_target(const struct cfg_check *cc, const struct cfg_rs *rs,
			   struct sockaddr_storage *ss)
{
	const struct addr *a =
		cc->connect_ip.family ? &cc->connect_ip : &rs->addr;
	uint16_t port = cc->connect_port ? cc->connect_port : rs->port;

	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = a->u.v6;
		s6->sin6_port = htons(port);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_addr = a->u.v4;
	s4->sin_port = htons(port);
	return sizeof(*s4);
}

void chk_probe_watch(struct chk_probe *p, uint32_t events, ev_fd_cb io,
		     uint64_t tmo_us, chk_tmr_cb timeout)
{
	int r = p->reused ? ev_fd_rebind(p->eng->loop, p->fd, events, io, p) :
			    ev_fd_add(p->eng->loop, p->fd, events, io, p);

	if (r < 0) {
		chk_probe_fail(p, "epoll: %s", strerror(errno));
		chk_probe_finish(p, CHK_V_FAIL); /* closes p->fd */
		return;
	}
	if (chk_tmr_arm(&p->eng->tqs, &p->deadline, p->start_us, tmo_us, true,
			timeout) < 0) {
		chk_probe_fail(p, "out of memory");
		chk_probe_finish(p, CHK_V_FAIL);
	}
}
