/*
 * fuzz_http.c - libFuzzer target for the checker's incremental HTTP response
 * parser (checker/http_parse.c).
 *
 * Not part of the automake build; tests/fuzz/run.sh builds and runs it.
 *
 * Input: a 6-byte prefix, then the bytes the server sends.
 *   [0] flags: F_DIGEST (want_digest), F_STATUS (a status_code list),
 *       F_SMALL_CAP (body cap [2] * 4 instead of CHK_HTTP_BODY_CAP),
 *       F_EOF (the server closes after the last byte)
 *   [1] chunking: 0 feeds everything at once, N > 0 feeds pseudo-random
 *       chunks of 0..N bytes (zero-length feeds included)
 *   [2] the small body cap / 4
 *   [3..5] the status_code list: lo = 100 + [3] * 2, hi = lo + [4], and
 *       the single code 200 + [5]
 * The seeds in corpus_http/ (written by gen_corpus.py) are plain, chunked,
 * read-to-close, 204 and malformed responses.
 *
 * Invariants checked (__builtin_trap() on violation):
 * - the verdict, status, framing, body length and digest do not depend on
 *   how the stream is split into feeds (compared with one single feed);
 * - the body never exceeds the cap, nor a Content-Length; a DONE with a
 *   Content-Length and no cap read exactly that many bytes;
 * - DONE is final: more bytes and then EOF still give DONE, unchanged;
 * - an ERR carries a reason; a DONE carries a status 100..599;
 * - the digest of a Content-Length or read-to-close body is the MD5 of
 *   exactly the bytes after the header block;
 * - chk_http_status_ok agrees with the documented rule.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checker/http_parse.h"
#include "checker/tls.h"

#define F_DIGEST 0x01
#define F_STATUS 0x02
#define F_SMALL_CAP 0x04
#define F_EOF 0x08
#define PREFIX 6

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
	enum chk_http_st st;
	struct chk_http_resp r;
	char digest[33];
};

static void check_invariants(const struct chk_http_resp *r, enum chk_http_st st)
{
	if (st != CHK_HTTP_MORE && st != CHK_HTTP_DONE && st != CHK_HTTP_ERR)
		__builtin_trap();
	if (r->body_len > r->cap)
		__builtin_trap();
	if (r->has_len && !r->chunked && r->body_len > r->content_len)
		__builtin_trap();
	if (st == CHK_HTTP_ERR &&
	    (!r->err[0] || !memchr(r->err, '\0', sizeof(r->err))))
		__builtin_trap();
	if (st == CHK_HTTP_DONE && (r->status < 100 || r->status > 599))
		__builtin_trap();
	if (r->capped && r->want_digest)
		__builtin_trap();
	if (r->hdr && (r->hdr_len >= r->hdr_cap || r->hdr[r->hdr_len]))
		__builtin_trap();
}

/* a small LCG: the chunk sizes only need to vary, not be random */
static uint32_t next(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 16;
}

/*
 * Parse @d in chunks chosen by @split (0: one feed) and return the verdict
 * after the last byte (and EOF with @eof). Stops at the first verdict, as
 * the checker and genhash do.
 */
static int parse(struct run *run, const uint8_t *d, size_t n, uint8_t split,
		 bool digest, uint64_t cap, bool eof)
{
	uint32_t seed = split;
	size_t off = 0, feeds = 0;

	if (chk_http_resp_init(&run->r, digest, cap) < 0)
		return -1;
	run->st = CHK_HTTP_MORE;
	run->digest[0] = '\0';
	if (!split) {
		run->st = chk_http_feed(&run->r, d, n);
		check_invariants(&run->r, run->st);
		off = n;
	}
	while (off < n && run->st == CHK_HTTP_MORE) {
		size_t take = next(&seed) % ((size_t)split + 1);

		/* bound the zero-length feeds */
		if (++feeds > 4 * n + 16)
			take = n - off;
		if (take > n - off)
			take = n - off;
		run->st = chk_http_feed(&run->r, d + off, take);
		check_invariants(&run->r, run->st);
		off += take;
	}
	if (run->st == CHK_HTTP_MORE && eof) {
		run->st = chk_http_eof(&run->r);
		check_invariants(&run->r, run->st);
	}
	if (run->st == CHK_HTTP_DONE && digest)
		chk_http_digest(&run->r, run->digest);
	return 0;
}

/* the same stream must give the same result however it was split */
static void compare(const struct run *a, const struct run *b)
{
	if (a->st != b->st)
		__builtin_trap();
	if (a->st == CHK_HTTP_ERR) {
		if (strcmp(a->r.err, b->r.err))
			__builtin_trap();
		return;
	}
	if (a->r.status != b->r.status || a->r.chunked != b->r.chunked ||
	    a->r.has_len != b->r.has_len ||
	    a->r.content_len != b->r.content_len ||
	    a->r.capped != b->r.capped || a->r.hdr_len != b->r.hdr_len)
		__builtin_trap();
	/* at the cap the last feed is not counted, and feeds differ */
	if (!a->r.capped && a->r.body_len != b->r.body_len)
		__builtin_trap();
	if (strcmp(a->digest, b->digest))
		__builtin_trap();
}

/* DONE is final: later bytes and the close change nothing */
static void check_final(struct run *run)
{
	static const uint8_t more[] = "HTTP/1.1 500 X\r\n\r\n0\r\n\r\nzz";
	int status = run->r.status;
	uint64_t body = run->r.body_len;

	if (chk_http_feed(&run->r, more, sizeof(more) - 1) != CHK_HTTP_DONE ||
	    chk_http_eof(&run->r) != CHK_HTTP_DONE || run->r.status != status ||
	    run->r.body_len != body)
		__builtin_trap();
}

/* the digest covers exactly the body: the bytes after the header block */
static void check_digest(const struct run *run, const uint8_t *d, size_t n)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;
	char hex[33];
	EVP_MD_CTX *c;

	if (run->st != CHK_HTTP_DONE || !run->r.want_digest || run->r.chunked ||
	    run->r.hdr_len + run->r.body_len > n)
		return;
	c = OSSL(EVP_MD_CTX_new)();
	if (!c)
		return;
	if (OSSL(EVP_DigestInit_ex)(c, OSSL(EVP_md5)(), NULL) != 1 ||
	    OSSL(EVP_DigestUpdate)(c, d + run->r.hdr_len,
				   (size_t)run->r.body_len) != 1 ||
	    OSSL(EVP_DigestFinal_ex)(c, md, &len) != 1 || len != 16) {
		OSSL(EVP_MD_CTX_free)(c);
		return;
	}
	OSSL(EVP_MD_CTX_free)(c);
	for (i = 0; i < 16; i++) {
		static const char x[] = "0123456789abcdef";

		hex[2 * i] = x[md[i] >> 4];
		hex[2 * i + 1] = x[md[i] & 15];
	}
	hex[32] = '\0';
	if (strcmp(hex, run->digest))
		__builtin_trap();
}

static void check_status_list(const uint8_t *p, int status)
{
	struct cfg_status_range rs[2];
	struct cfg_url u;
	bool want;

	memset(&u, 0, sizeof(u));
	rs[0].lo = 100 + p[0] * 2u;
	rs[0].hi = rs[0].lo + p[1];
	rs[1].lo = rs[1].hi = 200 + p[2];
	u.status = rs;
	u.n_status = 2;
	want = (status >= (int)rs[0].lo && status <= (int)rs[0].hi) ||
	       status == (int)rs[1].lo;
	if (chk_http_status_ok(&u, status) != want)
		__builtin_trap();
	want = status >= 200 && status <= 299;
	u.n_status = 0;
	if (chk_http_status_ok(&u, status) != want ||
	    chk_http_status_ok(NULL, status) != want)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run whole, split;
	const uint8_t *d;
	uint64_t cap;
	bool digest, eof;
	size_t n;

	if (size < PREFIX)
		return 0;
	d = data + PREFIX;
	n = size - PREFIX;
	digest = data[0] & F_DIGEST;
	eof = data[0] & F_EOF;
	cap = data[0] & F_SMALL_CAP ? data[2] * 4u : CHK_HTTP_BODY_CAP;

	if (parse(&whole, d, n, 0, digest, cap, eof) < 0) {
		/* only the digest needs libcrypto, loaded at run time */
		if (!digest)
			__builtin_trap();
		chk_http_resp_free(&whole.r);
		return 0;
	}
	if (parse(&split, d, n, data[1], digest, cap, eof) < 0)
		__builtin_trap();
	compare(&whole, &split);
	check_digest(&whole, d, n);
	if (whole.st == CHK_HTTP_DONE) {
		if (whole.r.has_len && !whole.r.capped && !whole.r.chunked &&
		    whole.r.status != 204 && whole.r.status != 304 &&
		    whole.r.body_len != whole.r.content_len)
			__builtin_trap();
		if (data[0] & F_STATUS)
			check_status_list(data + 3, whole.r.status);
		check_final(&split);
	}
	chk_http_resp_free(&whole.r);
	chk_http_resp_free(&split.r);
	return 0;
}
