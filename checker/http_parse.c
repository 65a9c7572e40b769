/* http_parse.c - HTTP/1.x health-check request and response parser (pure). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checker/http_parse.h"
#include "checker/tls.h"

#define HP_HDR_FIRST 256 /* a typical status line and headers fit */

enum {
	HP_HEAD,
	HP_BODY,
	HP_CHUNK_SIZE,
	HP_CHUNK_DATA,
	HP_CHUNK_CRLF,
	HP_TRAILER,
	HP_DONE,
};

/* text appended to a fixed buffer; a request is built for every probe, so
 * plain copies rather than printf (a tenth of a probe's user time) */
struct hp_out {
	char *buf;
	size_t len, n;
	bool over; /* something did not fit */
};

static void out_put(struct hp_out *o, const char *s, size_t n)
{
	if (o->over || n >= o->len - o->n) {
		o->over = true;
		return;
	}
	memcpy(o->buf + o->n, s, n);
	o->n += n;
	o->buf[o->n] = '\0';
}

static void out_str(struct hp_out *o, const char *s)
{
	out_put(o, s, strlen(s));
}

int chk_http_request(char *buf, size_t len, const char *path, const char *host,
		     int proto)
{
	struct hp_out o = { buf, len, 0, len == 0 };

	out_put(&o, "GET ", 4);
	out_str(&o, path);
	out_str(&o, proto == 11 ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n");
	out_str(&o, "User-Agent: KeepAliveClient\r\nHost: ");
	out_str(&o, host);
	out_str(&o, proto == 10 ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n");
	return o.over ? -1 : (int)o.n;
}

const char *chk_http_host(char *buf, size_t len, const char *vhost,
			  const struct addr *a, uint16_t port, bool tls)
{
	struct hp_out o = { buf, len, 0, len == 0 };
	char s[ADDR_STRLEN], d[8], *p = d + sizeof(d);
	bool v6 = a->family == AF_INET6;

	if (len)
		buf[0] = '\0';
	if (vhost) {
		snprintf(buf, len, "%s", vhost);
		return buf;
	}
	addr_fmt(a, s);
	out_str(&o, v6 ? "[" : "");
	out_str(&o, s);
	out_str(&o, v6 ? "]" : "");
	if (port != (tls ? 443 : 80)) {
		*--p = '\0';
		do
			*--p = (char)('0' + port % 10);
		while (port /= 10);
		*--p = ':';
		out_str(&o, p);
	}
	return buf;
}

int chk_http_resp_init(struct chk_http_resp *r, bool want_digest, uint64_t cap)
{
	memset(r, 0, sizeof(*r));
	r->state = HP_HEAD;
	r->cap = cap;
	r->want_digest = want_digest;
	/* the header buffer comes with the first byte: most of a probe's life
	 * is waiting for it, and thousands wait at once */
	if (!want_digest)
		return 0;
	/* libcrypto is loaded on the first digest asked for */
	if (chk_ossl_load(false, r->err, sizeof(r->err)) < 0)
		return -1;
	r->md = OSSL(EVP_MD_CTX_new)();
	if (!r->md ||
	    OSSL(EVP_DigestInit_ex)(r->md, OSSL(EVP_md5)(), NULL) != 1)
		return -1;
	return 0;
}

void chk_http_resp_free(struct chk_http_resp *r)
{
	if (r->md)
		OSSL(EVP_MD_CTX_free)(r->md);
	r->md = NULL;
	free(r->hdr);
	r->hdr = NULL;
}

static enum chk_http_st hp_err(struct chk_http_resp *r, const char *why)
{
	snprintf(r->err, sizeof(r->err), "%s", why);
	return CHK_HTTP_ERR;
}

/* "HTTP/1.x NNN": the part received so far may still be a prefix */
static enum chk_http_st hp_status_line(struct chk_http_resp *r, bool full)
{
	static const char pfx[] = "HTTP/1.";
	size_t n = r->hdr_len < 12 ? r->hdr_len : 12, i;
	const char *h = r->hdr;

	for (i = 0; i < n; i++) {
		bool ok;

		if (i < 7)
			ok = h[i] == pfx[i];
		else if (i == 7)
			ok = isdigit((unsigned char)h[i]);
		else if (i == 8)
			ok = h[i] == ' ';
		else
			ok = isdigit((unsigned char)h[i]);
		if (!ok)
			return hp_err(r, "no HTTP status line");
	}
	if (full && n < 12)
		return hp_err(r, "no HTTP status line");
	if (n == 12) {
		r->status =
			(h[9] - '0') * 100 + (h[10] - '0') * 10 + (h[11] - '0');
		if (r->status < 100 || r->status > 599)
			return hp_err(r, "bad HTTP status code");
	}
	return CHK_HTTP_MORE;
}

/* header field @name (case-insensitive) in the block, or NULL */
static const char *hp_field(const char *block, const char *name)
{
	size_t nl = strlen(name);
	const char *l = strchr(block, '\n');

	while (l && l[1]) {
		l++;
		if (!strncasecmp(l, name, nl) && l[nl] == ':') {
			l += nl + 1;
			while (*l == ' ' || *l == '\t')
				l++;
			return l;
		}
		l = strchr(l, '\n');
	}
	return NULL;
}

static enum chk_http_st hp_headers_done(struct chk_http_resp *r)
{
	const char *v;

	if (hp_status_line(r, true) != CHK_HTTP_MORE)
		return CHK_HTTP_ERR;
	v = hp_field(r->hdr, "Transfer-Encoding");
	if (v && !strncasecmp(v, "chunked", 7)) {
		r->chunked = true;
		r->state = HP_CHUNK_SIZE;
		return CHK_HTTP_MORE;
	}
	v = hp_field(r->hdr, "Content-Length");
	if (v) {
		char *end;
		unsigned long long cl = strtoull(v, &end, 10);

		if (end == v || (*end != '\r' && *end != '\n' && *end != ' '))
			return hp_err(r, "bad Content-Length");
		r->has_len = true;
		r->content_len = cl;
	}
	if (r->status == 204 || r->status == 304 ||
	    (r->has_len && r->content_len == 0)) {
		r->state = HP_DONE;
		return CHK_HTTP_DONE;
	}
	if (r->has_len && r->content_len > r->cap && r->want_digest)
		return hp_err(r, "body too large");
	r->state = HP_BODY;
	return CHK_HTTP_MORE;
}

/* account @n body bytes; may finish at the cap */
static enum chk_http_st hp_body(struct chk_http_resp *r, const uint8_t *d,
				size_t n)
{
	if (r->body_len + n > r->cap) {
		if (r->want_digest)
			return hp_err(r, "body too large");
		r->capped = true;
		r->state = HP_DONE;
		return CHK_HTTP_DONE;
	}
	if (r->md && n && OSSL(EVP_DigestUpdate)(r->md, d, n) != 1)
		return hp_err(r, "digest failed");
	r->body_len += n;
	return CHK_HTTP_MORE;
}

/* collect one CRLF-terminated line into r->line; returns 1 when complete */
static int hp_line(struct chk_http_resp *r, uint8_t c)
{
	if (c == '\n') {
		r->line[r->line_len] = '\0';
		if (r->line_len && r->line[r->line_len - 1] == '\r')
			r->line[r->line_len - 1] = '\0';
		r->line_len = 0;
		return 1;
	}
	if (r->line_len + 1 < sizeof(r->line))
		r->line[r->line_len++] = (char)c;
	return 0;
}

static enum chk_http_st hp_chunked(struct chk_http_resp *r, const uint8_t *d,
				   size_t n)
{
	size_t i = 0;

	while (i < n) {
		switch (r->state) {
		case HP_CHUNK_SIZE: {
			char *end;

			if (!hp_line(r, d[i++]))
				break;
			r->chunk_left = strtoull(r->line, &end, 16);
			if (end == r->line)
				return hp_err(r, "bad chunk size");
			r->state = r->chunk_left ? HP_CHUNK_DATA : HP_TRAILER;
			break;
		}
		case HP_CHUNK_DATA: {
			size_t take = n - i;
			enum chk_http_st st;

			if (take > r->chunk_left)
				take = (size_t)r->chunk_left;
			st = hp_body(r, d + i, take);
			if (st != CHK_HTTP_MORE)
				return st;
			i += take;
			r->chunk_left -= take;
			if (!r->chunk_left)
				r->state = HP_CHUNK_CRLF;
			break;
		}
		case HP_CHUNK_CRLF:
			if (!hp_line(r, d[i++]))
				break;
			if (r->line[0])
				return hp_err(r, "bad chunk framing");
			r->state = HP_CHUNK_SIZE;
			break;
		case HP_TRAILER:
			if (!hp_line(r, d[i++]))
				break;
			if (!r->line[0]) {
				r->state = HP_DONE;
				return CHK_HTTP_DONE;
			}
			break;
		default:
			return CHK_HTTP_DONE;
		}
	}
	return CHK_HTTP_MORE;
}

static enum chk_http_st hp_rest(struct chk_http_resp *r, const uint8_t *d,
				size_t n)
{
	enum chk_http_st st;

	if (r->state == HP_DONE)
		return CHK_HTTP_DONE;
	if (r->chunked)
		return hp_chunked(r, d, n);
	if (r->has_len && n > r->content_len - r->body_len)
		n = (size_t)(r->content_len - r->body_len);
	st = hp_body(r, d, n);
	if (st != CHK_HTTP_MORE)
		return st;
	if (r->has_len && r->body_len == r->content_len) {
		r->state = HP_DONE;
		return CHK_HTTP_DONE;
	}
	return CHK_HTTP_MORE;
}

enum chk_http_st chk_http_feed(struct chk_http_resp *r, const uint8_t *d,
			       size_t n)
{
	size_t i;

	if (r->state != HP_HEAD)
		return hp_rest(r, d, n);
	for (i = 0; i < n; i++) {
		if (r->hdr_len >= CHK_HTTP_HDR_MAX)
			return hp_err(r, "HTTP headers too large");
		if (r->hdr_len + 2 > r->hdr_cap) {
			size_t cap = r->hdr_cap ? r->hdr_cap * 2 : HP_HDR_FIRST;
			char *nh = realloc(r->hdr, cap);

			if (!nh)
				return hp_err(r, "out of memory");
			r->hdr = nh;
			r->hdr_cap = cap;
		}
		r->hdr[r->hdr_len++] = (char)d[i];
		r->hdr[r->hdr_len] = '\0';
		if (r->hdr_len <= 12 &&
		    hp_status_line(r, false) != CHK_HTTP_MORE)
			return CHK_HTTP_ERR;
		if (d[i] != '\n' || r->hdr_len < 2)
			continue;
		if (r->hdr[r->hdr_len - 2] == '\n' ||
		    (r->hdr_len >= 4 &&
		     !memcmp(r->hdr + r->hdr_len - 4, "\r\n\r\n", 4))) {
			enum chk_http_st st = hp_headers_done(r);

			if (st != CHK_HTTP_MORE)
				return st;
			return hp_rest(r, d + i + 1, n - i - 1);
		}
	}
	return CHK_HTTP_MORE;
}

enum chk_http_st chk_http_eof(struct chk_http_resp *r)
{
	if (r->state == HP_DONE)
		return CHK_HTTP_DONE;
	if (r->state == HP_HEAD)
		return hp_err(r, r->hdr_len ? "connection closed in headers" :
					      "connection closed before "
					      "response");
	if (r->chunked || r->has_len)
		return hp_err(r, "connection closed mid-body");
	r->state = HP_DONE;
	return CHK_HTTP_DONE;
}

void chk_http_digest(struct chk_http_resp *r, char out[33])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	out[0] = '\0';
	if (!r->md || OSSL(EVP_DigestFinal_ex)(r->md, md, &len) != 1 ||
	    len != 16)
		return;
	for (i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

bool chk_http_status_ok(const struct cfg_url *u, int status)
{
	size_t i;

	if (!u || !u->n_status)
		return status >= 200 && status <= 299;
	for (i = 0; i < u->n_status; i++)
		if (status >= (int)u->status[i].lo &&
		    status <= (int)u->status[i].hi)
			return true;
	return false;
}
