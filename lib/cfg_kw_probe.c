/*
 * cfg_kw_probe.c - the checker blocks that are not connection-and-URL
 * probes: MISC_CHECK, SMTP_CHECK (with keepalived's legacy host { }
 * blocks), DNS_CHECK and UDP_CHECK.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"
#include "dns_name.h"

typedef struct cfg_check C;

#define TIMER_MAX_S (24 * 3600)

/* ---- MISC_CHECK --------------------------------------------------------- */

static void misc_end(struct cfg_ctx *x, void *obj)
{
	C *chk = obj;

	if (!chk->misc_path.cmd)
		cfg_msg_at(x, CFG_ERR, &chk->loc,
			   "MISC_CHECK has no misc_path");
}

static const struct cfg_kw misc_kw[] = {
	CFG_SCRIPT("misc_path", C, misc_path),
	CFG_TIME("misc_timeout", C, misc_timeout_us, TIMER_MAX_S),
	CFG_FLAG("misc_dynamic", C, misc_dynamic),
	CFG_USER("user", C, misc_path),
};

const struct cfg_block cfg_blk_misc = {
	.name = "MISC_CHECK",
	.kw = misc_kw,
	.n_kw = CFG_NELEM(misc_kw),
	.end = misc_end,
	.also = &cfg_blk_chk_timing,
};

/* ---- SMTP_CHECK and its legacy host { } --------------------------------- */

static void *kw_host(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		     int argc, char **argv)
{
	C *h = cfg_push(&x->hosts, &x->n_hosts, sizeof(*h));

	cfg_check_init(h, CFG_CHK_SMTP);
	return h;
}

/* Each host { } becomes an SMTP_CHECK of its own, as in keepalived. */
static void smtp_end(struct cfg_ctx *x, void *obj)
{
	struct cfg_rs *rs = x->cur_rs;
	size_t idx = (size_t)((C *)obj - rs->checks), i;
	C base = *(C *)obj;

	for (i = 0; i < x->n_hosts; i++) {
		const C *h = &x->hosts[i];
		C *dst =
			i ? cfg_push(&rs->checks, &rs->n_checks, sizeof(*dst)) :
			    &rs->checks[idx];

		*dst = base;
		if (i && base.helo_name)
			dst->helo_name = cfg_xstrdup(base.helo_name);
		if (h->connect_ip.family)
			dst->connect_ip = h->connect_ip;
		if (h->connect_port)
			dst->connect_port = h->connect_port;
		if (h->bindto.family)
			dst->bindto = h->bindto;
		if (h->bind_port)
			dst->bind_port = h->bind_port;
		if (h->bind_if[0])
			memcpy(dst->bind_if, h->bind_if, IFNAMSIZ);
		if (h->fwmark)
			dst->fwmark = h->fwmark;
		if (h->connect_timeout_us != CFG_UNSET_US)
			dst->connect_timeout_us = h->connect_timeout_us;
	}
	x->n_hosts = 0;
}

static const struct cfg_kw smtp_kw[] = {
	CFG_STR("helo_name", C, helo_name),
	CFG_BLK("host", kw_host, 0, 0, &cfg_blk_smtp_host),
};

const struct cfg_block cfg_blk_smtp = {
	.name = "SMTP_CHECK",
	.kw = smtp_kw,
	.n_kw = CFG_NELEM(smtp_kw),
	.end = smtp_end,
	.also = &cfg_blk_chk_conn,
};

/* ---- DNS_CHECK ---------------------------------------------------------- */

static void *kw_dns_type(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			 int argc, char **argv)
{
	static const char *const types[] = { "A",  "NS",  "CNAME", "SOA",
					     "MX", "TXT", "AAAA" };
	size_t i;

	for (i = 0; i < CFG_NELEM(types); i++)
		if (!strcmp(argv[0], types[i])) {
			cfg_set_str(&((C *)obj)->dns_type, types[i]);
			return NULL;
		}
	cfg_err(x, "DNS type '%s' is not A, NS, CNAME, SOA, MX, TXT or AAAA",
		argv[0]);
	return NULL;
}

/* a query name the checker can send: labels of 1-63 bytes, at most 253
 * in all, an optional final dot; "." alone is the root */
static void *kw_dns_name(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			 int argc, char **argv)
{
	uint8_t wire[DNS_NAME_WIRE_MAX];

	/* the rule the checker's query is built with */
	if (dns_name_encode(wire, sizeof(wire), argv[0]) < 0) {
		cfg_err(x,
			"DNS name '%s' is not a domain name (labels of 1 to "
			"63 characters, 253 in all)",
			argv[0]);
		return NULL;
	}
	cfg_set_str(&((C *)obj)->dns_name, argv[0]);
	return NULL;
}

static void dns_end(struct cfg_ctx *x, void *obj)
{
	C *chk = obj;

	if (!chk->dns_type)
		chk->dns_type = cfg_xstrdup("SOA");
	if (!chk->dns_name)
		chk->dns_name = cfg_xstrdup(".");
}

static const struct cfg_kw dns_kw[] = {
	CFG_KW("type", kw_dns_type, 1, 1),
	CFG_KW("name", kw_dns_name, 1, 1),
};

const struct cfg_block cfg_blk_dns = {
	.name = "DNS_CHECK",
	.kw = dns_kw,
	.n_kw = CFG_NELEM(dns_kw),
	.end = dns_end,
	.also = &cfg_blk_chk_conn,
};

/* ---- UDP_CHECK ---------------------------------------------------------- */

static int hexval(char c)
{
	return isdigit((unsigned char)c) ?
		       c - '0' :
	       isxdigit((unsigned char)c) ?
		       tolower((unsigned char)c) - 'a' + 10 :
		       -1;
}

static void *kw_payload(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			int argc, char **argv)
{
	C *chk = obj;
	size_t n = strlen(argv[0]), i;

	for (i = 0; i < n && hexval(argv[0][i]) >= 0; i++)
		;
	if (i != n || n % 2 || n > 2 * 65507) {
		cfg_err(x, "payload must be an even number of hexadecimal "
			   "digits");
		return NULL;
	}
	free(chk->payload);
	chk->payload = cfg_xcalloc(1, n / 2);
	for (i = 0; i < n; i += 2)
		chk->payload[i / 2] = (uint8_t)(hexval(argv[0][i]) * 16 +
						hexval(argv[0][i + 1]));
	chk->payload_len = n / 2;
	return NULL;
}

/* require_reply [HEX]: X or x stands for any nibble */
static void *kw_require_reply(struct cfg_ctx *x, const struct cfg_kw *k,
			      void *obj, int argc, char **argv)
{
	C *chk = obj;
	const char *p;

	if (argc) {
		for (p = argv[0]; *p; p++)
			if (hexval(*p) < 0 && *p != 'X' && *p != 'x')
				break;
		if (*p || strlen(argv[0]) % 2) {
			cfg_err(x, "require_reply pattern must be an even "
				   "number of hexadecimal digits or X");
			return NULL;
		}
		cfg_set_str(&chk->reply_pattern, argv[0]);
	}
	chk->require_reply = true;
	return NULL;
}

static const struct cfg_kw udp_kw[] = {
	CFG_KW("payload", kw_payload, 1, 1),
	CFG_KW("require_reply", kw_require_reply, 0, 1),
	CFG_UNSUPPORTED("min_reply_length"),
	CFG_UNSUPPORTED("max_reply_length"),
};

const struct cfg_block cfg_blk_udp = {
	.name = "UDP_CHECK",
	.kw = udp_kw,
	.n_kw = CFG_NELEM(udp_kw),
	.also = &cfg_blk_chk_conn,
};
