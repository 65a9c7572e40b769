/* smtp.c - SMTP_CHECK: 220 banner, HELO, 250, QUIT (RFC 5321 4.1.1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checker/pkt.h"
#include "checker/probe.h"

#define SMTP_BUF 1024

enum { SMTP_BANNER, SMTP_HELO, SMTP_QUIT };

struct smtp_st {
	int stage;
	size_t len;
	char buf[SMTP_BUF];
};

static enum chk_verdict smtp_begin(struct chk_probe *p)
{
	p->st = calloc(1, sizeof(struct smtp_st));
	return p->st ? CHK_V_MORE : chk_probe_fail(p, "out of memory");
}

static enum chk_verdict smtp_step(struct chk_probe *p, int code)
{
	struct smtp_st *st = p->st;
	char line[300], host[256];

	switch (st->stage) {
	case SMTP_BANNER:
		if (code != 220)
			return chk_probe_fail(p, "SMTP banner %d", code);
		if (p->cc->helo_name)
			snprintf(host, sizeof(host), "%s", p->cc->helo_name);
		else if (gethostname(host, sizeof(host)) < 0)
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = '\0';
		snprintf(line, sizeof(line), "HELO %s\r\n", host);
		st->stage = SMTP_HELO;
		if (chk_probe_send(p, line, strlen(line)) < 0)
			return chk_probe_fail(p, "out of memory");
		return CHK_V_MORE;
	case SMTP_HELO:
		if (code != 250)
			return chk_probe_fail(p, "SMTP HELO answered %d", code);
		st->stage = SMTP_QUIT;
		if (chk_probe_send(p, "QUIT\r\n", 6) < 0)
			return chk_probe_fail(p, "out of memory");
		return CHK_V_MORE;
	default:
		return CHK_V_OK; /* the server answered QUIT */
	}
}

static enum chk_verdict smtp_input(struct chk_probe *p, const uint8_t *d,
				   size_t n)
{
	struct smtp_st *st = p->st;
	int code, r;
	size_t used;

	if (n > SMTP_BUF - st->len)
		return chk_probe_fail(p, "SMTP reply too long");
	memcpy(st->buf + st->len, d, n);
	st->len += n;
	for (;;) {
		enum chk_verdict v;

		r = chk_smtp_reply(st->buf, st->len, &code, &used);
		if (r < 0)
			return chk_probe_fail(p, "not an SMTP reply");
		if (r == 0)
			return CHK_V_MORE;
		memmove(st->buf, st->buf + used, st->len - used);
		st->len -= used;
		v = smtp_step(p, code);
		if (v != CHK_V_MORE)
			return v;
	}
}

static enum chk_verdict smtp_eof(struct chk_probe *p)
{
	struct smtp_st *st = p->st;

	if (st->stage == SMTP_QUIT)
		return CHK_V_OK;
	return chk_probe_fail(p, st->stage == SMTP_BANNER ?
					 "connection closed before banner" :
					 "connection closed after HELO");
}

static void smtp_release(struct chk_probe *p)
{
	free(p->st);
	p->st = NULL;
}

const struct chk_proto chk_proto_smtp = {
	.begin = smtp_begin,
	.input = smtp_input,
	.eof = smtp_eof,
	.release = smtp_release,
};
