/*
 * cfg_lex_stream.h - test support, shared by tests/unit/test_cfg_lex.c and
 * tests/fuzz/fuzz_cfg.c: what the configuration lexer makes of some bytes,
 * as one string, and the same bytes rewritten so that the lexer's general
 * path takes every line. The two must lex alike: the one-pass split of
 * plain lines is only a shortcut.
 */
#ifndef DD_TESTS_CFG_LEX_STREAM_H
#define DD_TESTS_CFG_LEX_STREAM_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "cfg_int.h"
#include "cfg_snap.h"

struct lex_sbuf {
	char *s;
	size_t len, cap;
};

static void lex_sb_add(struct lex_sbuf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = 2 * (b->len + n + 1);
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void lex_sb_str(struct lex_sbuf *b, const char *s)
{
	lex_sb_add(b, s, strlen(s));
}

/*
 * lex_stream - every line the lexer gives for @len bytes of @data (read
 * as one file, @id the config id), then its messages, into @out: per line
 * its number, then each word after \x01 (\x02 when quoted). Aborts if the
 * lexer cannot start or breaks its own contract (tok[ntok] NULL).
 */
static void lex_stream(const char *data, size_t len, const char *id,
		       struct lex_sbuf *out)
{
	struct cfg_snap snap = { 0 };
	struct cfg_diag d = { 0 };
	struct cfg_ctx x = { 0 };
	struct cfg_line ln;
	struct cfg_lex *lx;
	char num[32];

	cfg_snap_add(&snap, CFG_SNAP_FILE, "/t.conf", data, len);
	x.c = calloc(1, sizeof(*x.c));
	if (!x.c)
		abort();
	x.diag = &d;
	x.replay = &snap;
	out->len = 0;
	lex_sb_str(out, "");
	lx = cfg_lex_open(&x, "/t.conf", id);
	if (!lx)
		abort();
	while (cfg_lex_next(lx, &ln) == 1) {
		snprintf(num, sizeof(num), "%d:", ln.line);
		lex_sb_str(out, num);
		for (int i = 0; i < ln.ntok; i++) {
			lex_sb_str(out, ln.quoted[i] ? "\x02" : "\x01");
			lex_sb_str(out, ln.tok[i]);
		}
		if (ln.tok[ln.ntok])
			abort();
		lex_sb_str(out, "\n");
	}
	cfg_lex_close(lx);
	for (size_t i = 0; i < d.n_msgs; i++) {
		snprintf(num, sizeof(num), "msg %d: ", d.msgs[i].line);
		lex_sb_str(out, num);
		lex_sb_str(out, d.msgs[i].text);
		lex_sb_str(out, "\n");
	}
	cfg_diag_free(&d);
	cfg_free(x.c);
	cfg_snap_free(&snap);
}

/* whether the line [@s, @e) ends in "\" (before one "\r") */
static bool lex_ends_bs(const char *s, const char *e)
{
	if (e > s && e[-1] == '\r')
		e--;
	return e > s && e[-1] == '\\';
}

/*
 * lex_force_general - @len bytes of @data into @out with "@ID " (@id the
 * config id) before every line that is not, and does not start, a
 * continuation and does not begin with an "@" condition of its own: the
 * condition holds, so only the path the lexer takes changes. Returns the
 * number of lines changed.
 */
static int lex_force_general(const char *data, size_t len, const char *id,
			     struct lex_sbuf *out)
{
	const char *p = data, *end = data + len;
	bool prev_bs = false;
	int n = 0;

	out->len = 0;
	lex_sb_str(out, "");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end, *q = p;

		while (q < e && (*q == ' ' || *q == '\t'))
			q++;
		if (!prev_bs && !lex_ends_bs(p, e) && !(q < e && *q == '@')) {
			lex_sb_str(out, "@");
			lex_sb_str(out, id);
			lex_sb_str(out, " ");
			n++;
		}
		lex_sb_add(out, p, (size_t)(e - p) + (nl ? 1 : 0));
		prev_bs = lex_ends_bs(p, e);
		p = nl ? nl + 1 : end;
	}
	return n;
}

/*
 * lex_paths_agree - lex @len bytes of @data as they are into @a, and
 * rewritten by lex_force_general (into @forced) into @b.
 * Returns the number of lines forced (0: nothing lexed, nothing to
 * compare), or -1 when the two streams differ.
 */
static int lex_paths_agree(const char *data, size_t len, const char *id,
			   struct lex_sbuf *forced, struct lex_sbuf *a,
			   struct lex_sbuf *b)
{
	int n = lex_force_general(data, len, id, forced);

	if (!n)
		return 0;
	lex_stream(data, len, id, a);
	lex_stream(forced->s, forced->len, id, b);
	return a->len == b->len && !memcmp(a->s, b->s, a->len) ? n : -1;
}

#endif
