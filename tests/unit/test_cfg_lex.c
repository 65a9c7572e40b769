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

#include "tests/lib/cfg_lex_stream.h"

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
static void gen(uint32_t *st, struct lex_sbuf *f)
{
	int lines = 1 + (int)(rnd(st) % 6);

	f->len = 0;
	lex_sb_str(f, "");
	for (int l = 0; l < lines; l++) {
		int n = (int)(rnd(st) % 7);

		for (int i = 0; i < n; i++) {
			const char *g = frags[rnd(st) %
					      (sizeof(frags) / sizeof(*frags))];

			lex_sb_add(f, g, *g ? strlen(g) : 1);
			if (rnd(st) % 3)
				lex_sb_str(f, " ");
		}
		if (l + 1 < lines || rnd(st) % 2)
			lex_sb_str(f, rnd(st) % 4 ? "\n" : "\r\n");
	}
}

static void test_plain_lines_as_general(void **state)
{
	struct lex_sbuf a = { 0 }, b = { 0 }, la = { 0 }, lb = { 0 };
	uint32_t st = 20261127;
	int forced = 0, n;

	(void)state;
	for (int i = 0; i < 40000; i++) {
		gen(&st, &a);
		n = lex_paths_agree(a.s, a.len, "X", &b, &la, &lb);
		forced += n > 0;
		if (n < 0) {
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
	struct lex_sbuf out = { 0 };

	(void)state;
	lex_stream(conf, sizeof(conf) - 1, "X", &out);
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
