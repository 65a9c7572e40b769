/*
 * test_cfg_tables.c - the loader's keyword tables: reachable from the top
 * level, no keyword twice in one block, sane argument counts, and every
 * keyword documented in doc/compat.md (found through $srcdir or
 * $DD_SRCDIR, else relative to this file).
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cfg_int.h"

#define MAX_BLOCKS 64

static const struct cfg_block *blocks[MAX_BLOCKS];
static size_t n_blocks;

/* every block reachable from the top level, each once */
static void collect(const struct cfg_block *b)
{
	const struct cfg_block *t;
	size_t i;

	for (i = 0; i < n_blocks; i++)
		if (blocks[i] == b)
			return;
	assert_true(n_blocks < MAX_BLOCKS);
	blocks[n_blocks++] = b;
	for (t = b; t; t = t->also)
		for (i = 0; i < t->n_kw; i++)
			if (t->kw[i].sub)
				collect(t->kw[i].sub);
}

static char *read_compat(void)
{
	const char *root = getenv("srcdir");
	char path[PATH_MAX];
	char *buf;
	FILE *f;
	long n;

	if (!root)
		root = getenv("DD_SRCDIR");
	if (root) {
		snprintf(path, sizeof(path), "%s/doc/compat.md", root);
	} else {
		const char *slash = strrchr(__FILE__, '/');

		snprintf(path, sizeof(path), "%.*s/../../doc/compat.md",
			 slash ? (int)(slash - __FILE__) : 1,
			 slash ? __FILE__ : ".");
	}
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

static void test_tables_sane(void **state)
{
	size_t i, j, k;

	n_blocks = 0;
	collect(&cfg_blk_root);
	assert_true(n_blocks > 15);
	for (i = 0; i < n_blocks; i++) {
		const struct cfg_block *b = blocks[i], *t, *u;

		assert_true(b->kw || b->item || b->also);
		for (t = b; t; t = t->also)
			for (j = 0; j < t->n_kw; j++) {
				const struct cfg_kw *kw = &t->kw[j];

				assert_non_null(kw->fn);
				assert_true(kw->min <= kw->max);
				/* same name later in this block or its "also" */
				for (u = t; u; u = u->also)
					for (k = u == t ? j + 1 : 0;
					     k < u->n_kw; k++)
						if (!strcmp(kw->name,
							    u->kw[k].name))
							fail_msg(
								"'%s' twice in "
								"%s",
								kw->name,
								b->name);
			}
	}
}

static void test_tables_documented(void **state)
{
	char *doc = read_compat(), want[128];
	size_t i, j;

	n_blocks = 0;
	collect(&cfg_blk_root);
	for (i = 0; i < n_blocks; i++) {
		const struct cfg_block *t;

		for (t = blocks[i]; t; t = t->also)
			for (j = 0; j < t->n_kw; j++) {
				snprintf(want, sizeof(want), "`%s`",
					 t->kw[j].name);
				if (!strstr(doc, want))
					fail_msg("%s (%s) is not in "
						 "doc/compat.md",
						 want, blocks[i]->name);
			}
	}
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_sane),
		cmocka_unit_test(test_tables_documented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
