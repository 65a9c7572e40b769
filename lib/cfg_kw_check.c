/*
 * cfg_kw_check.c - the checker blocks inside real_server { }: the options
 * they share, TCP_CHECK, PING_CHECK, HTTP_GET and SSL_GET with url { }.
 * The other checkers are in cfg_kw_probe.c.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"

typedef struct cfg_check C;

#define TIMER_MAX_S (24 * 3600)

void cfg_check_init(C *chk, enum cfg_check_type type)
{
	memset(chk, 0, sizeof(*chk));
	chk->type = type;
	chk->connect_timeout_us = CFG_UNSET_US;
	chk->delay_before_retry_us = CFG_UNSET_US;
	chk->delay_loop_us = CFG_UNSET_US;
	chk->warmup_us = CFG_UNSET_US;
	chk->retry = CFG_UNSET_U;
	chk->http_protocol = 10;
}

void *cfg_kw_check(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		   int argc, char **argv)
{
	struct cfg_rs *rs = obj;
	C *chk = cfg_push(&rs->checks, &rs->n_checks, sizeof(*chk));

	cfg_check_init(chk, (enum cfg_check_type)k->lo);
	chk->loc = x->loc;
	x->n_hosts = 0;
	return chk;
}

/* ---- options shared by the checkers ------------------------------------- */

static void *kw_addr(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		     int argc, char **argv)
{
	cfg_arg_addr(x, k->name, argv[0],
		     (struct addr *)((char *)obj + k->off));
	return NULL;
}

static void *kw_port(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		     int argc, char **argv)
{
	unsigned v;

	if (cfg_arg_uint(x, k->name, argv[0], 1, 65535, &v) == 0)
		*(uint16_t *)((char *)obj + k->off) = (uint16_t)v;
	return NULL;
}

static void *kw_bind_if(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			int argc, char **argv)
{
	cfg_arg_name(x, k->name, argv[0], ((C *)obj)->bind_if, IFNAMSIZ);
	return NULL;
}

#define ADDR(name, m)                                           \
	{                                                       \
		name, kw_addr, 1, 1, NULL, offsetof(C, m), 0, 0 \
	}
#define PORT(name, m)                                           \
	{                                                       \
		name, kw_port, 1, 1, NULL, offsetof(C, m), 0, 0 \
	}

static const struct cfg_kw timing_kw[] = {
	CFG_TIME("delay_loop", C, delay_loop_us, TIMER_MAX_S),
	CFG_TIME("warmup", C, warmup_us, TIMER_MAX_S),
	CFG_UINT("retry", C, retry, 0, 1000000),
	CFG_UINT("nb_get_retry", C, retry, 0, 1000000),
	CFG_TIME("delay_before_retry", C, delay_before_retry_us, TIMER_MAX_S),
	CFG_FLAG("alpha", C, alpha),
	CFG_FLAG("log_all_failures", C, log_all_failures),
};

const struct cfg_block cfg_blk_chk_timing = {
	.name = "checker",
	.kw = timing_kw,
	.n_kw = CFG_NELEM(timing_kw),
};

static const struct cfg_kw conn_kw[] = {
	ADDR("connect_ip", connect_ip),
	PORT("connect_port", connect_port),
	ADDR("bindto", bindto),
	PORT("bind_port", bind_port),
	CFG_KW("bind_if", kw_bind_if, 1, 1),
	CFG_UINT("fwmark", C, fwmark, 1, UINT32_MAX),
	CFG_TIME("connect_timeout", C, connect_timeout_us, TIMER_MAX_S),
};

const struct cfg_block cfg_blk_chk_conn = {
	.name = "checker",
	.kw = conn_kw,
	.n_kw = CFG_NELEM(conn_kw),
	.also = &cfg_blk_chk_timing,
};

/* SMTP_CHECK's legacy host { }: connection options only */
const struct cfg_block cfg_blk_smtp_host = {
	.name = "host",
	.kw = conn_kw,
	.n_kw = CFG_NELEM(conn_kw),
};

const struct cfg_block cfg_blk_tcp = {
	.name = "TCP_CHECK",
	.also = &cfg_blk_chk_conn,
};
const struct cfg_block cfg_blk_ping = {
	.name = "PING_CHECK",
	.also = &cfg_blk_chk_conn,
};

/* ---- HTTP_GET / SSL_GET and url { } --------------------------------------- */

static void *kw_url(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		    int argc, char **argv)
{
	C *chk = obj;
	struct cfg_url *u;

	/* the checker counts URLs in 16 bits (ten thousand checkers) */
	if (chk->n_urls >= CFG_URLS_MAX) {
		cfg_err(x, "more than %d url blocks in one checker",
			CFG_URLS_MAX);
		return NULL;
	}
	u = cfg_push(&chk->urls, &chk->n_urls, sizeof(*u));
	u->loc = x->loc;
	return u;
}

static void *kw_digest(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		       int argc, char **argv)
{
	struct cfg_url *u = obj;
	size_t i;

	for (i = 0; argv[0][i] && isxdigit((unsigned char)argv[0][i]); i++)
		;
	if (i != 32 || argv[0][i]) {
		cfg_err(x,
			"digest '%s' is not 32 hexadecimal digits (an MD5 "
			"sum)",
			argv[0]);
		return NULL;
	}
	for (i = 0; i < 32; i++)
		u->digest[i] = (char)tolower((unsigned char)argv[0][i]);
	u->digest[32] = '\0';
	u->has_digest = true;
	return NULL;
}

/* status_code 200 300-399 ... (RFC 9110 section 15: 100 to 599) */
static void *kw_status(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		       int argc, char **argv)
{
	struct cfg_url *u = obj;
	int i;

	for (i = 0; i < argc; i++) {
		struct cfg_status_range r;
		char lo[16], *dash = strchr(argv[i], '-');

		if (dash && (size_t)(dash - argv[i]) < sizeof(lo)) {
			memcpy(lo, argv[i], (size_t)(dash - argv[i]));
			lo[dash - argv[i]] = '\0';
		}
		if (dash ? (size_t)(dash - argv[i]) >= sizeof(lo) ||
				    cfg_arg_uint(x, "status_code", lo, 100, 599,
						 &r.lo) < 0 ||
				    cfg_arg_uint(x, "status_code", dash + 1,
						 100, 599, &r.hi) < 0 :
			   cfg_arg_uint(x, "status_code", argv[i], 100, 599,
					&r.lo) < 0)
			return NULL;
		if (!dash)
			r.hi = r.lo;
		if (r.lo > r.hi) {
			cfg_err(x,
				"status_code range '%s' ends before it "
				"starts",
				argv[i]);
			return NULL;
		}
		*(struct cfg_status_range *)cfg_push(&u->status, &u->n_status,
						     sizeof(r)) = r;
	}
	return NULL;
}

static void url_end(struct cfg_ctx *x, void *obj)
{
	struct cfg_url *u = obj;

	if (!u->path)
		cfg_msg_at(x, CFG_ERR, &u->loc, "url has no path");
}

static const struct cfg_kw url_kw[] = {
	CFG_STR("path", struct cfg_url, path),
	CFG_KW("digest", kw_digest, 1, 1),
	CFG_KW("status_code", kw_status, 1, CFG_ARGS_ANY),
	CFG_STR("virtualhost", struct cfg_url, virtualhost),
	CFG_UNSUPPORTED("regex"),
	CFG_UNSUPPORTED("regex_no_match"),
	CFG_UNSUPPORTED("regex_options"),
	CFG_UNSUPPORTED("regex_stack"),
	CFG_UNSUPPORTED("regex_min_offset"),
	CFG_UNSUPPORTED("regex_max_offset"),
};

static const struct cfg_block blk_url = {
	.name = "url",
	.kw = url_kw,
	.n_kw = CFG_NELEM(url_kw),
	.end = url_end,
};

static void *kw_http_protocol(struct cfg_ctx *x, const struct cfg_kw *k,
			      void *obj, int argc, char **argv)
{
	C *chk = obj;

	if (!strcmp(argv[0], "1.0"))
		chk->http_protocol = 10;
	else if (!strcmp(argv[0], "1.1"))
		chk->http_protocol = 11;
	else if (!strcmp(argv[0], "1.0C"))
		chk->http_protocol = 100;
	else
		cfg_err(x, "http_protocol '%s' is not 1.0, 1.0C or 1.1",
			argv[0]);
	return NULL;
}

static void http_end(struct cfg_ctx *x, void *obj)
{
	C *chk = obj;

	if (!chk->n_urls)
		cfg_msg_at(x, CFG_ERR, &chk->loc, "%s has no url { }",
			   chk->type == CFG_CHK_SSL ? "SSL_GET" : "HTTP_GET");
}

#define HTTP_KW                                                  \
	CFG_BLK("url", kw_url, 0, 0, &blk_url),                  \
		CFG_KW("http_protocol", kw_http_protocol, 1, 1), \
		CFG_STR("virtualhost", C, virtualhost),          \
		CFG_FLAG("fast_recovery", C, fast_recovery)

static const struct cfg_kw http_kw[] = { HTTP_KW };
static const struct cfg_kw ssl_kw[] = {
	HTTP_KW,
	CFG_FLAG("enable_sni", C, enable_sni),
	CFG_STR("sni_name", C, sni_name),
	CFG_IGNORED("tls_compliant"),
};

const struct cfg_block cfg_blk_http = {
	.name = "HTTP_GET",
	.kw = http_kw,
	.n_kw = CFG_NELEM(http_kw),
	.end = http_end,
	.also = &cfg_blk_chk_conn,
};
const struct cfg_block cfg_blk_ssl_get = {
	.name = "SSL_GET",
	.kw = ssl_kw,
	.n_kw = CFG_NELEM(ssl_kw),
	.end = http_end,
	.also = &cfg_blk_chk_conn,
};

/* ---- release ------------------------------------------------------------ */

void cfg_check_free(C *chk)
{
	size_t i;

	for (i = 0; i < chk->n_urls; i++) {
		free(chk->urls[i].path);
		free(chk->urls[i].status);
		free(chk->urls[i].virtualhost);
	}
	free(chk->urls);
	free(chk->virtualhost);
	free(chk->sni_name);
	cfg_cmd_free(&chk->misc_path);
	free(chk->helo_name);
	free(chk->dns_type);
	free(chk->dns_name);
	free(chk->payload);
	free(chk->reply_pattern);
}
