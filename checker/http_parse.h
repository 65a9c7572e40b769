/*
 * http_parse.h - HTTP/1.x health-check request and incremental response
 * parser (pure): status line, Content-Length, chunked bodies, read-to-close,
 * an MD5 of the body (OpenSSL EVP) and a body size cap.
 */
#ifndef DD_CHK_HTTP_PARSE_H
#define DD_CHK_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"

#define CHK_HTTP_HDR_MAX 16384
#define CHK_HTTP_BODY_CAP (1024 * 1024)

enum chk_http_st { CHK_HTTP_MORE, CHK_HTTP_DONE, CHK_HTTP_ERR };

typedef struct evp_md_ctx_st EVP_MD_CTX;

struct chk_http_resp {
	int state;
	char *hdr; /* status line and headers, NUL-terminated; NULL until
		    * the first byte */
	size_t hdr_len, hdr_cap;
	int status;
	bool chunked;
	bool has_len;
	uint64_t content_len;
	uint64_t body_len;
	uint64_t cap;
	bool want_digest;
	bool capped; /* stopped reading at the cap (no digest asked) */
	EVP_MD_CTX *md;
	uint64_t chunk_left;
	char line[80]; /* a chunk-size or trailer line */
	size_t line_len;
	char err[96];
};

/**
 * chk_http_request - build keepalived's GET request.
 * @buf: output
 * @len: size of @buf
 * @path: the URL path
 * @host: the Host header value
 * @proto: 10 (HTTP/1.0), 100 (1.0 with "Connection: close"), 11 (HTTP/1.1)
 * Returns the request length, or -1 when it does not fit.
 */
int chk_http_request(char *buf, size_t len, const char *path, const char *host,
		     int proto);

/**
 * chk_http_host - the Host header for a check: the virtualhost, else the
 * address (IPv6 in brackets) with ":port" unless the scheme's default.
 * @buf: output
 * @len: size of @buf
 * @vhost: the configured virtualhost or NULL
 * @a: the address connected to
 * @port: the port
 * @tls: true for https (default port 443, else 80)
 * Returns @buf.
 */
const char *chk_http_host(char *buf, size_t len, const char *vhost,
			  const struct addr *a, uint16_t port, bool tls);

/**
 * chk_http_resp_init - prepare a parser.
 * @r: the parser
 * @want_digest: compute the MD5 of the body (a body over @cap then fails)
 * @cap: the largest body read
 * Returns 0, or -1 on allocation failure or when libcrypto cannot be loaded
 * for the digest (@r->err then says why).
 */
int chk_http_resp_init(struct chk_http_resp *r, bool want_digest, uint64_t cap);

/**
 * chk_http_resp_free - release the parser's buffers.
 */
void chk_http_resp_free(struct chk_http_resp *r);

/**
 * chk_http_feed - feed received bytes.
 * Returns CHK_HTTP_MORE, CHK_HTTP_DONE (complete: r->status is valid), or
 * CHK_HTTP_ERR with the reason in r->err.
 */
enum chk_http_st chk_http_feed(struct chk_http_resp *r, const uint8_t *d,
			       size_t n);

/**
 * chk_http_eof - the server closed the connection.
 * Returns CHK_HTTP_DONE when the body was delimited by the close, else
 * CHK_HTTP_ERR with the reason in r->err.
 */
enum chk_http_st chk_http_eof(struct chk_http_resp *r);

/**
 * chk_http_digest - the lower-case hex MD5 of the body read.
 * @r: a parser that reached CHK_HTTP_DONE with want_digest
 * @out: 33 bytes
 */
void chk_http_digest(struct chk_http_resp *r, char out[33]);

/**
 * chk_http_status_ok - is @status accepted by @u's status_code list
 * (200-299 when the list is empty)?
 */
bool chk_http_status_ok(const struct cfg_url *u, int status);

#endif
