/*
 * fuzz_cfg.c - libFuzzer target for the configuration loader: the input is
 * written to a private temporary file and loaded with cfg_load(); whatever
 * it holds, the loader must neither crash nor leak. Not part of the automake
 * build; tests/fuzz/run.sh (the "fuzz" layer of tests/run) builds and runs
 * it. By hand, from the source tree:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     -Ilib -I. -I_build tests/fuzz/fuzz_cfg.c lib/cfg_*.c lib/addr.c \
 *     -o fuzz_cfg
 * (-I_build: a configured tree, for config.h)
 *   ./fuzz_cfg -runs=20000 tests/unit/conf/good tests/unit/conf/bad
 *
 * Includes resolve relative to the temporary file's directory (a private
 * mkdtemp directory), so "include" lines in the input find nothing there.
 *
 * The input is also lexed twice more, as it is and with every line forced
 * through the lexer's general path (tests/lib/cfg_lex_stream.h): the two
 * must give the same words and messages.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "tests/lib/cfg_lex_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], file[96];

static void cleanup(void)
{
	unlink(file);
	rmdir(dir);
}

/* the one-pass split of plain lines gives what the general path gives */
static void lex_same(const char *data, size_t size)
{
	static struct lex_sbuf forced, a, b;

	if (lex_paths_agree(data, size, "fuzz", &forced, &a, &b) < 0) {
		fprintf(stderr,
			"lexed:\n%s\nforced through the general path:\n%s\n",
			a.s, b.s);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_opts opts = { .config_id = "fuzz" };
	struct cfg_diag d;
	struct cfg *c;
	FILE *f;

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/fuzz_cfg.XXXXXX");
		if (!mkdtemp(dir))
			abort();
		snprintf(file, sizeof(file), "%s/keepalived.conf", dir);
		atexit(cleanup);
	}
	f = fopen(file, "w");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	c = cfg_load(file, &opts, &d);
	/* a configuration comes back exactly when there is no error */
	if (!c != (d.n_errors > 0))
		abort();
	cfg_free(c);
	cfg_diag_free(&d);
	lex_same((const char *)data, size);
	return 0;
}
