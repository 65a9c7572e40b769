/* test_chk_http.c - HTTP request building and response parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "checker/http_parse.h"

static enum chk_http_st feed_str(struct chk_http_resp *r, const char *s)
{
	return chk_http_feed(r, (const uint8_t *)s, strlen(s));
}

/* feed one byte at a time: the parser must not depend on read sizes */
static enum chk_http_st feed_bytes(struct chk_http_resp *r, const char *s)
{
	enum chk_http_st st = CHK_HTTP_MORE;

	while (*s && st == CHK_HTTP_MORE)
		st = chk_http_feed(r, (const uint8_t *)s++, 1);
	return st;
}

static void request_formats(void **s)
{
	char b[512];
	int n;

	(void)s;
	n = chk_http_request(b, sizeof(b), "/x", "h", 10);
	assert_int_equal(n, (int)strlen(b));
	assert_string_equal(b, "GET /x HTTP/1.0\r\nUser-Agent: KeepAliveClient"
			       "\r\nHost: h\r\n\r\n");
	chk_http_request(b, sizeof(b), "/", "h:8080", 100);
	assert_string_equal(b, "GET / HTTP/1.0\r\nUser-Agent: KeepAliveClient"
			       "\r\nHost: h:8080\r\nConnection: close\r\n\r\n");
	chk_http_request(b, sizeof(b), "/", "h", 11);
	assert_string_equal(b, "GET / HTTP/1.1\r\nUser-Agent: KeepAliveClient"
			       "\r\nHost: h\r\nConnection: close\r\n\r\n");
	assert_int_equal(chk_http_request(b, 10, "/", "h", 11), -1);
	/* exactly the request and its NUL fit; one byte less does not */
	n = chk_http_request(b, sizeof(b), "/x", "h", 10);
	assert_int_equal(chk_http_request(b, (size_t)n + 1, "/x", "h", 10), n);
	assert_int_equal(strlen(b), (size_t)n);
	assert_int_equal(chk_http_request(b, (size_t)n, "/x", "h", 10), -1);
	assert_int_equal(chk_http_request(b, 0, "/x", "h", 10), -1);
}

static void host_header(void **s)
{
	struct addr a4, a6;
	char b[128];

	(void)s;
	addr_parse("192.0.2.21", &a4);
	addr_parse("2001:db8::21", &a6);
	assert_string_equal(chk_http_host(b, sizeof(b), NULL, &a4, 80, false),
			    "192.0.2.21");
	assert_string_equal(chk_http_host(b, sizeof(b), NULL, &a4, 8080, false),
			    "192.0.2.21:8080");
	assert_string_equal(chk_http_host(b, sizeof(b), NULL, &a4, 443, true),
			    "192.0.2.21");
	assert_string_equal(chk_http_host(b, sizeof(b), NULL, &a6, 81, false),
			    "[2001:db8::21]:81");
	assert_string_equal(
		chk_http_host(b, sizeof(b), "www.example.org", &a4, 81, false),
		"www.example.org");
	assert_string_equal(chk_http_host(b, sizeof(b), NULL, &a6, 443, true),
			    "[2001:db8::21]");
	assert_string_equal(chk_http_host(b, sizeof(b), NULL, &a4, 1, false),
			    "192.0.2.21:1");
	assert_string_equal(
		chk_http_host(b, sizeof(b), NULL, &a4, 65535, false),
		"192.0.2.21:65535");
}

static void content_length_and_digest(void **s)
{
	struct chk_http_resp r;
	char md5[33];

	(void)s;
	assert_int_equal(chk_http_resp_init(&r, true, CHK_HTTP_BODY_CAP), 0);
	assert_int_equal(feed_bytes(&r, "HTTP/1.1 200 OK\r\nContent-Length: "
					"5\r\nServer: x\r\n\r\nhello"),
			 CHK_HTTP_DONE);
	assert_int_equal(r.status, 200);
	chk_http_digest(&r, md5);
	assert_string_equal(md5, "5d41402abc4b2a76b9719d911017c592");
	chk_http_resp_free(&r);
}

static void read_to_close(void **s)
{
	struct chk_http_resp r;
	char md5[33];

	(void)s;
	chk_http_resp_init(&r, true, CHK_HTTP_BODY_CAP);
	assert_int_equal(feed_str(&r, "HTTP/1.0 503 Busy\r\n\r\nhel"),
			 CHK_HTTP_MORE);
	assert_int_equal(feed_str(&r, "lo"), CHK_HTTP_MORE);
	assert_int_equal(chk_http_eof(&r), CHK_HTTP_DONE);
	assert_int_equal(r.status, 503);
	chk_http_digest(&r, md5);
	assert_string_equal(md5, "5d41402abc4b2a76b9719d911017c592");
	chk_http_resp_free(&r);
}

static void chunked(void **s)
{
	struct chk_http_resp r;
	char md5[33];

	(void)s;
	chk_http_resp_init(&r, true, CHK_HTTP_BODY_CAP);
	assert_int_equal(feed_bytes(&r, "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
					"chunked\r\n\r\n3\r\nhel\r\n2;x=y\r\n"
					"lo\r\n0\r\nTrailer: 1\r\n\r\n"),
			 CHK_HTTP_DONE);
	chk_http_digest(&r, md5);
	assert_string_equal(md5, "5d41402abc4b2a76b9719d911017c592");
	chk_http_resp_free(&r);
}

static void garbage_fails_fast(void **s)
{
	struct chk_http_resp r;

	(void)s;
	chk_http_resp_init(&r, false, CHK_HTTP_BODY_CAP);
	assert_int_equal(feed_str(&r, "SSH-2.0-OpenSSH\r\n"), CHK_HTTP_ERR);
	assert_string_equal(r.err, "no HTTP status line");
	chk_http_resp_free(&r);
	chk_http_resp_init(&r, false, CHK_HTTP_BODY_CAP);
	assert_int_equal(feed_str(&r, "HTTP/1.1 2x0 OK\r\n"), CHK_HTTP_ERR);
	chk_http_resp_free(&r);
	chk_http_resp_init(&r, false, CHK_HTTP_BODY_CAP);
	assert_int_equal(feed_str(&r, "HTTP/1.1 200\n"), CHK_HTTP_MORE);
	chk_http_resp_free(&r);
}

static void closes_early(void **s)
{
	struct chk_http_resp r;

	(void)s;
	chk_http_resp_init(&r, false, CHK_HTTP_BODY_CAP);
	assert_int_equal(chk_http_eof(&r), CHK_HTTP_ERR);
	assert_string_equal(r.err, "connection closed before response");
	chk_http_resp_free(&r);
	chk_http_resp_init(&r, false, CHK_HTTP_BODY_CAP);
	feed_str(&r, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
	assert_int_equal(chk_http_eof(&r), CHK_HTTP_ERR);
	assert_string_equal(r.err, "connection closed mid-body");
	chk_http_resp_free(&r);
}

static void body_cap(void **s)
{
	struct chk_http_resp r;
	size_t n = 3 * 1024 * 1024, i;
	uint8_t *big = malloc(n);
	enum chk_http_st st = CHK_HTTP_MORE;

	(void)s;
	assert_non_null(big);
	memset(big, 'x', n);
	/* with a digest a body over the cap fails */
	chk_http_resp_init(&r, true, CHK_HTTP_BODY_CAP);
	feed_str(&r, "HTTP/1.0 200 OK\r\n\r\n");
	for (i = 0; i < n && st == CHK_HTTP_MORE; i += 65536)
		st = chk_http_feed(&r, big + i, 65536);
	assert_int_equal(st, CHK_HTTP_ERR);
	assert_string_equal(r.err, "body too large");
	chk_http_resp_free(&r);
	/* a declared length over the cap fails at once */
	chk_http_resp_init(&r, true, CHK_HTTP_BODY_CAP);
	assert_int_equal(feed_str(&r, "HTTP/1.0 200 OK\r\nContent-Length: "
				      "10485760\r\n\r\n"),
			 CHK_HTTP_ERR);
	chk_http_resp_free(&r);
	/* without a digest reading stops at the cap and the status decides */
	chk_http_resp_init(&r, false, CHK_HTTP_BODY_CAP);
	feed_str(&r, "HTTP/1.0 200 OK\r\n\r\n");
	st = CHK_HTTP_MORE;
	for (i = 0; i < n && st == CHK_HTTP_MORE; i += 65536)
		st = chk_http_feed(&r, big + i, 65536);
	assert_int_equal(st, CHK_HTTP_DONE);
	assert_true(r.capped);
	assert_int_equal(r.status, 200);
	chk_http_resp_free(&r);
	free(big);
}

static void headers_too_large(void **s)
{
	struct chk_http_resp r;
	char line[128];
	enum chk_http_st st;
	int i;

	(void)s;
	chk_http_resp_init(&r, false, CHK_HTTP_BODY_CAP);
	st = feed_str(&r, "HTTP/1.0 200 OK\r\n");
	memset(line, 'a', sizeof(line) - 3);
	memcpy(line + sizeof(line) - 3, "\r\n", 3);
	for (i = 0; i < 1000 && st == CHK_HTTP_MORE; i++)
		st = feed_str(&r, line);
	assert_int_equal(st, CHK_HTTP_ERR);
	assert_string_equal(r.err, "HTTP headers too large");
	chk_http_resp_free(&r);
}

static void no_body_statuses(void **s)
{
	struct chk_http_resp r;

	(void)s;
	chk_http_resp_init(&r, false, CHK_HTTP_BODY_CAP);
	assert_int_equal(feed_str(&r, "HTTP/1.1 204 No Content\r\n\r\n"),
			 CHK_HTTP_DONE);
	chk_http_resp_free(&r);
}

static void status_lists(void **s)
{
	struct cfg_status_range rg[] = { { 200, 200 }, { 300, 399 } };
	struct cfg_url u = { .status = rg, .n_status = 2 };

	(void)s;
	assert_true(chk_http_status_ok(NULL, 204));
	assert_false(chk_http_status_ok(NULL, 301));
	assert_true(chk_http_status_ok(&u, 200));
	assert_false(chk_http_status_ok(&u, 201));
	assert_true(chk_http_status_ok(&u, 302));
	assert_false(chk_http_status_ok(&u, 503));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request_formats),
		cmocka_unit_test(host_header),
		cmocka_unit_test(content_length_and_digest),
		cmocka_unit_test(read_to_close),
		cmocka_unit_test(chunked),
		cmocka_unit_test(garbage_fails_fast),
		cmocka_unit_test(closes_early),
		cmocka_unit_test(body_cap),
		cmocka_unit_test(headers_too_large),
		cmocka_unit_test(no_body_statuses),
		cmocka_unit_test(status_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
