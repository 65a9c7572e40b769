/*
 * http.c - HTTP_GET and SSL_GET: one URL per run, round-robin; while the
 * checker is down every URL must pass in a row before it comes back up
 * (with fast_recovery they are checked back to back, not one per
 * delay_loop).
 */
#include <stdlib.h>
#include <string.h>

#include "checker/http_parse.h"
#include "checker/probe.h"

struct http_st {
	struct chk_http_resp resp;
	const struct cfg_url *url;
};

/* p->reason is set: restart the "every URL in a row" count */
static enum chk_verdict http_failed(struct chk_probe *p)
{
	if (p->chk)
		p->chk->url_streak = 0;
	return CHK_V_FAIL;
}

static enum chk_verdict http_judge(struct chk_probe *p)
{
	struct http_st *st = p->st;
	struct chk *k = p->chk;
	char got[33];
	size_t n = p->cc->n_urls;

	if (!chk_http_status_ok(st->url, st->resp.status)) {
		chk_probe_fail(p, "HTTP status %d", st->resp.status);
		return http_failed(p);
	}
	if (st->url->has_digest) {
		chk_http_digest(&st->resp, got);
		if (strcmp(got, st->url->digest)) {
			chk_probe_fail(p, "digest mismatch (got %s)", got);
			return http_failed(p);
		}
	}
	if (!k)
		return CHK_V_OK;
	k->url_it = (uint16_t)((p->url_idx + 1) % n);
	if (k->fsm.up || n == 1) {
		k->url_streak = 0;
		return CHK_V_OK;
	}
	if (++k->url_streak < n)
		return CHK_V_PROGRESS;
	k->url_streak = 0;
	return CHK_V_OK;
}

static enum chk_verdict http_begin(struct chk_probe *p)
{
	struct http_st *st;
	const struct addr *a =
		p->cc->connect_ip.family ? &p->cc->connect_ip : &p->rs->addr;
	const char *vh;
	char host[300], req[4096];
	int n;

	if (!p->cc->n_urls)
		return chk_probe_fail(p, "no url configured");
	st = calloc(1, sizeof(*st));
	if (!st)
		return chk_probe_fail(p, "out of memory");
	p->st = st;
	st->url = &p->cc->urls[p->url_idx];
	if (chk_http_resp_init(&st->resp, st->url->has_digest,
			       CHK_HTTP_BODY_CAP) < 0)
		return chk_probe_fail(p, "%s",
				      st->resp.err[0] ? st->resp.err :
							"out of memory");
	vh = st->url->virtualhost ? st->url->virtualhost :
	     p->cc->virtualhost	  ? p->cc->virtualhost :
				    p->vs->virtualhost;
	chk_http_host(host, sizeof(host), vh, a,
		      p->cc->connect_port ? p->cc->connect_port : p->rs->port,
		      p->proto->tls);
	n = chk_http_request(req, sizeof(req), st->url->path, host,
			     p->cc->http_protocol ? p->cc->http_protocol : 10);
	if (n < 0)
		return chk_probe_fail(p, "request too long");
	if (chk_probe_send(p, req, (size_t)n) < 0)
		return chk_probe_fail(p, "out of memory");
	return CHK_V_MORE;
}

static enum chk_verdict http_input(struct chk_probe *p, const uint8_t *d,
				   size_t n)
{
	struct http_st *st = p->st;

	switch (chk_http_feed(&st->resp, d, n)) {
	case CHK_HTTP_MORE:
		return CHK_V_MORE;
	case CHK_HTTP_DONE:
		return http_judge(p);
	default:
		chk_probe_fail(p, "%s", st->resp.err);
		return http_failed(p);
	}
}

static enum chk_verdict http_eof(struct chk_probe *p)
{
	struct http_st *st = p->st;

	if (chk_http_eof(&st->resp) == CHK_HTTP_DONE)
		return http_judge(p);
	chk_probe_fail(p, "%s", st->resp.err);
	return http_failed(p);
}

static void http_release(struct chk_probe *p)
{
	struct http_st *st = p->st;

	if (!st)
		return;
	chk_http_resp_free(&st->resp);
	free(st);
	p->st = NULL;
}

const struct chk_proto chk_proto_http = {
	.client_first = true,
	.begin = http_begin,
	.input = http_input,
	.eof = http_eof,
	.release = http_release,
};

const struct chk_proto chk_proto_ssl = {
	.tls = true,
	.client_first = true,
	.begin = http_begin,
	.input = http_input,
	.eof = http_eof,
	.release = http_release,
};
