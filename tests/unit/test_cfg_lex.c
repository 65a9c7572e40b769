/*
 * test_cfg_lex.c - the lexer's one-pass split of plain lines gives exactly
 * what its general path gives. Random files are built from fragments that
 * touch every rule of the syntax (blanks, "\r", braces, comments, quotes
 * and escapes, $NAME definitions and expansions, "\" continuations, @ID
 * conditions, NUL bytes, lines that end without a newline). Each is lexed
 * as it is, and again with every line that allows it prefixed by "@X "
 * (X being the config id), which makes the general path take the line and
 * changes nothing else. The two token streams and their messages must be
 * the same.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cfg.h"
#include "cfg_int.h"
#include "cfg_snap.h"

struct sbuf {
	char *s;
	size_t len, cap;
};

static void sb_add(struct sbuf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = 2 * (b->len + n + 1);
		b->s = realloc(b->s, b->cap);
		assert_non_null(b->s);
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* every line the lexer gives for @data, with its messages, as text */
static void lex(const char *data, size_t len, struct sbuf *out)
{
	struct cfg_snap snap = { 0 };
	struct cfg_diag d = { 0 };
	struct cfg_ctx x = { 0 };
	struct cfg_line ln;
	struct cfg_lex *lx;
	char num[32];

	cfg_snap_add(&snap, CFG_SNAP_FILE, "/t.conf", data, len);
	x.c = calloc(1, sizeof(*x.c));
	assert_non_null(x.c);
	x.diag = &d;
	x.replay = &snap;
	out->len = 0;
	sb_str(out, "");
	lx = cfg_lex_open(&x, "/t.conf", "X");
	assert_non_null(lx);
	while (cfg_lex_next(lx, &ln) == 1) {
		snprintf(num, sizeof(num), "%d:", ln.line);
		sb_str(out, num);
		for (int i = 0; i < ln.ntok; i++) {
			sb_str(out, ln.quoted[i] ? "\x02" : "\x01");
			sb_str(out, ln.tok[i]);
		}
		assert_null(ln.tok[ln.ntok]);
		sb_str(out, "\n");
	}
	cfg_lex_close(lx);
	for (size_t i = 0; i < d.n_msgs; i++) {
		snprintf(num, sizeof(num), "msg %d: ", d.msgs[i].line);
		sb_str(out, num);
		sb_str(out, d.msgs[i].text);
		sb_str(out, "\n");
	}
	cfg_diag_free(&d);
	cfg_free(x.c);
	cfg_snap_free(&snap);
}

/* "" stands for a NUL byte */
static const char *const frags[] = {
	"a",
	"real_server",
	"192.0.2.1",
	"80",
	"x@y",
	"~SEQ(1,2)",
	"include",
	"nofile",
	" ",
	"\t",
	"\r",
	"  ",
	"{",
	"}",
	"#",
	"!",
	"# c {",
	"!x",
	"\"",
	"'",
	"\"q s\"",
	"'a b'",
	"\"e\\tx\\x41\\\"\"",
	"$",
	"$D",
	"${D}",
	"$D=v w",
	"$E=$D",
	"\\",
	"\\\\",
	"@X",
	"@^X",
	"@Y",
	"@",
	"",
	"$D=a \\",
	"b}",
	"{c",
	"}}",
};

static uint32_t rnd(uint32_t *st)
{
	*st = *st * 1103515245u + 12345u;
	return *st >> 8;
}

/* a random file of up to 6 lines */
static void gen(uint32_t *st, struct sbuf *f)
{
	int lines = 1 + (int)(rnd(st) % 6);

	f->len = 0;
	sb_str(f, "");
	for (int l = 0; l < lines; l++) {
		int n = (int)(rnd(st) % 7);

		for (int i = 0; i < n; i++) {
			const char *g = frags[rnd(st) %
					      (sizeof(frags) / sizeof(*frags))];

			sb_add(f, g, *g ? strlen(g) : 1);
			if (rnd(st) % 3)
				sb_str(f, " ");
		}
		if (l + 1 < lines || rnd(st) % 2)
			sb_str(f, rnd(st) % 4 ? "\n" : "\r\n");
	}
}

/* whether the line [@s, @e) ends in "\" (before one "\r") */
static bool ends_bs(const char *s, const char *e)
{
	if (e > s && e[-1] == '\r')
		e--;
	return e > s && e[-1] == '\\';
}

/* @a with "@X " before every line that is not, or does not start, a
 * continuation and does not begin with an "@" condition of its own */
static void force_general(const struct sbuf *a, struct sbuf *b)
{
	const char *p = a->s, *end = a->s + a->len;
	bool prev_bs = false;

	b->len = 0;
	sb_str(b, "");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end, *q = p;

		while (q < e && (*q == ' ' || *q == '\t'))
			q++;
		if (!prev_bs && !ends_bs(p, e) && !(q < e && *q == '@'))
			sb_str(b, "@X ");
		sb_add(b, p, (size_t)(e - p) + (nl ? 1 : 0));
		prev_bs = ends_bs(p, e);
		p = nl ? nl + 1 : end;
	}
}

static void test_plain_lines_as_general(void **state)
{
	struct sbuf a = { 0 }, b = { 0 }, la = { 0 }, lb = { 0 };
	uint32_t st = 20261127;
	int forced = 0;

	(void)state;
	for (int i = 0; i < 40000; i++) {
		gen(&st, &a);
		force_general(&a, &b);
		forced += b.len != a.len;
		lex(a.s, a.len, &la);
		lex(b.s, b.len, &lb);
		if (la.len != lb.len || memcmp(la.s, lb.s, la.len)) {
			print_error(
				"file %d differs:\n--- as is:\n%s\n--- "
				"forced:\n%s\n--- gives:\n%s\n--- and:\n%s\n",
				i, a.s, b.s, la.s, lb.s);
			fail();
		}
	}
	/* the comparison meant something: most files had lines to force */
	assert_true(forced > 30000);
	free(a.s);
	free(b.s);
	free(la.s);
	free(lb.s);
}

/* the plain lines of a typical file, split in place: words, braces at
 * the end, comments, blank and comment-only lines, no final newline */
static void test_plain_lines(void **state)
{
	static const char conf[] = "virtual_server 192.0.2.1 80 {  # the VIP\n"
				   "\tlb_algo wrr\r\n"
				   "\n"
				   "   ! nothing\n"
				   "\treal_server 198.51.100.1 80 {\n"
				   "\t\tweight 3\n"
				   "\t}\n"
				   "}";
	struct sbuf out = { 0 };

	(void)state;
	lex(conf, sizeof(conf) - 1, &out);
	assert_string_equal(out.s, "1:\x01virtual_server\x01"
				   "192.0.2.1\x01"
				   "80\x01{\n"
				   "2:\x01lb_algo\x01wrr\n"
				   "5:\x01real_server\x01"
				   "198.51.100.1\x01"
				   "80\x01{\n"
				   "6:\x01weight\x01"
				   "3\n"
				   "7:\x01}\n"
				   "8:\x01}\n");
	free(out.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_lines),
		cmocka_unit_test(test_plain_lines_as_general),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
