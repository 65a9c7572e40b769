/*
 * fuzz_cfg_snap.c - libFuzzer target for configuration snapshot decoding
 * (lib/cfg_snap.c), the bytes a child reads from core's memfd. The input
 * is decoded twice, copied (cfg_snap_decode) and in place
 * (cfg_snap_adopt): both must accept or refuse it alike and give the same
 * entries, each key and data ending with a NUL, and an accepted input
 * must encode back to exactly the same bytes. Not part of the automake
 * build; tests/fuzz/run.sh builds and runs it:
 *
 *   tests/fuzz/run.sh cfg_snap
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_snap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_snap a, b;
	char *own = malloc(size ? size : 1), *enc;
	size_t i, len;
	int ra, rb;

	if (!own)
		return 0;
	if (size)
		memcpy(own, data, size);
	ra = cfg_snap_decode(&a, data, size);
	rb = cfg_snap_adopt(&b, own, size);
	if (rb < 0)
		free(own);
	if (ra != rb || a.n != b.n)
		abort();
	for (i = 0; i < a.n; i++) {
		const struct cfg_snap_ent *x = &a.ents[i], *y = &b.ents[i];

		if (x->kind != y->kind || x->len != y->len ||
		    strcmp(x->key, y->key) ||
		    memcmp(x->data, y->data, x->len) || x->data[x->len] ||
		    y->data[y->len])
			abort();
	}
	if (ra == 0) {
		enc = cfg_snap_encode(&b, &len);
		if (len != size || memcmp(enc, data, size))
			abort();
		free(enc);
	}
	cfg_snap_free(&a);
	cfg_snap_free(&b);
	return 0;
}
