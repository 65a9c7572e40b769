/*
 * test_lvs_batch.c - health changes collected between flushes: the
 * operations must equal a diff of the whole virtual server before and
 * after (the reference), and the quorum must follow lvs_model_quorum.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "daemon/lvs_batch.h"
#include "daemon/lvs_diff.h"

static struct addr A(const char *s) {
	struct addr a;

	memset(&a, 0, sizeof(a));
	assert_int_equal(addr_parse(s, &a), 0);
	return a;
}

/* one virtual server of @n NAT real servers 198.51.100.X:(10000 + i / 250) */
struct fix {
	struct cfg c;
	struct cfg_vs vs;
	struct cfg_rs *rss;
	struct lvs_rs_state *rst, *snap; /* now, and at the last flush */
	struct lvs_vs_state st;
	bool snap_quorum;
	struct lvs_batch b;
	struct fwd_table owned;
	bool batch_ready;
};

static struct fix *fix_new(size_t n, bool up)
{
	struct fix *f = calloc(1, sizeof(*f));

	f->vs.kind = CFG_VS_ADDR;
	f->vs.addr = A("203.0.113.1");
	f->vs.family = AF_INET;
	f->vs.port = 80;
	f->vs.protocol = IPPROTO_TCP;
	f->vs.fwd.method = CFG_FWD_NAT;
	strcpy(f->vs.sched, "rr");
	f->vs.quorum = 1;
	f->rss = calloc(n, sizeof(*f->rss));
	f->rst = calloc(n, sizeof(*f->rst));
	f->snap = calloc(n, sizeof(*f->snap));
	for (size_t i = 0; i < n; i++) {
		char ip[32];

		snprintf(ip, sizeof(ip), "198.51.100.%zu", i % 250 + 1);
		f->rss[i].addr = A(ip);
		f->rss[i].port = (uint16_t)(10000 + i / 250);
		f->rss[i].weight = 1;
		f->rss[i].fwd.method = CFG_FWD_NAT;
		f->rst[i] = (struct lvs_rs_state){ up, -1 };
	}
	f->vs.rss = f->rss;
	f->vs.n_rss = n;
	f->st = (struct lvs_vs_state){ up, f->rst };
	f->c.vss = &f->vs;
	f->c.n_vss = 1;
	return f;
}

/* the configuration is complete: start batching from the current state */
static void fix_start(struct fix *f)
{
	f->st.quorum_up = lvs_model_quorum(&f->vs, f->rst, true);
	assert_int_equal(lvs_batch_init(&f->b, &f->vs, &f->st), 0);
	assert_int_equal(lvs_model_build(&f->c, NULL, true, &f->owned), 0);
	memcpy(f->snap, f->rst, f->vs.n_rss * sizeof(*f->snap));
	f->snap_quorum = f->st.quorum_up;
	f->batch_ready = true;
}

static void fix_free(struct fix *f)
{
	if (f->batch_ready)
		lvs_batch_free(&f->b);
	fwd_table_free(&f->owned);
	free(f->rss);
	free(f->rst);
	free(f->snap);
	free(f);
}

/* one transition, checked against the quorum computed from scratch */
static void note(struct fix *f, size_t rs, bool up, int weight)
{
	struct lvs_rs_state *copy = malloc(f->vs.n_rss * sizeof(*copy));
	bool was = f->st.quorum_up, want;
	int changed = f->rst[rs].up != up || f->rst[rs].weight != weight;

	memcpy(copy, f->rst, f->vs.n_rss * sizeof(*copy));
	copy[rs] = (struct lvs_rs_state){ up, weight };
	want = lvs_model_quorum(&f->vs, copy, was);
	free(copy);
	assert_int_equal(lvs_batch_note(&f->b, &f->vs, &f->st, rs, up, weight),
			 changed);
	assert_int_equal(f->st.quorum_up, want);
}

static int op_cmp(const void *a, const void *b)
{
	const struct fwd_op *x = a, *y = b;
	int r = x->kind - y->kind;

	return r ? r : fwd_dest_cmp(&x->dest, &y->dest);
}

/* flush: the batch's operations equal the diff of the whole virtual server
 * from the last flush to now; returns how many there were */
static size_t flush(struct fix *f)
{
	struct lvs_vs_state old = { f->snap_quorum, f->snap };
	struct fwd_table before = { 0 }, after = { 0 };
	struct lvs_diff_in in = {
		&before, &after, { &f->owned, NULL }, false, false
	};
	struct fwd_op *got = NULL, *want = NULL;
	size_t n_got = 0, n_want = 0;

	assert_int_equal(lvs_model_build(&f->c, &old, false, &before), 0);
	assert_int_equal(lvs_model_build(&f->c, &f->st, false, &after), 0);
	assert_int_equal(lvs_diff(&in, &want, &n_want), 0);
	assert_int_equal(
		lvs_batch_ops(&f->b, &f->c, 0, &f->st, &f->owned, &got, &n_got),
		0);
	assert_int_equal(n_got, n_want);
	if (n_got) { /* qsort's array must not be NULL, even when empty */
		qsort(got, n_got, sizeof(*got), op_cmp);
		qsort(want, n_want, sizeof(*want), op_cmp);
	}
	for (size_t i = 0; i < n_got; i++) {
		assert_int_equal(got[i].kind, want[i].kind);
		assert_int_equal(fwd_svc_cmp(&got[i].svc, &want[i].svc), 0);
		assert_int_equal(fwd_dest_cmp(&got[i].dest, &want[i].dest), 0);
		assert_true(lvs_diff_dest_same(&got[i].dest, &want[i].dest));
	}
	free(got);
	free(want);
	fwd_table_free(&before);
	fwd_table_free(&after);
	lvs_batch_clear(&f->b);
	memcpy(f->snap, f->rst, f->vs.n_rss * sizeof(*f->snap));
	f->snap_quorum = f->st.quorum_up;
	return n_got;
}

/* a small deterministic generator: the same sequence on every run */
static unsigned next(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) & 0x7fff;
}

/* random transitions flushed at random points */
static void random_rounds(struct fix *f, unsigned seed, int rounds)
{
	size_t total = 0;

	for (int r = 0; r < rounds; r++) {
		unsigned k = next(&seed) % 20 + 1;

		for (unsigned i = 0; i < k; i++) {
			size_t rs = next(&seed) % f->vs.n_rss;
			unsigned w = next(&seed) % 4;

			note(f, rs, next(&seed) % 3 != 0, w == 3 ? -1 : (int)w);
		}
		total += flush(f);
	}
	assert_true(total > 0);
}

static void burst_of_ten_thousand_is_one_flush(void **state)
{
	struct fix *f = fix_new(10000, false);

	(void)state;
	fix_start(f);
	assert_false(f->st.quorum_up);
	for (size_t i = 0; i < 10000; i++)
		note(f, i, true, -1);
	assert_true(f->st.quorum_up);
	assert_true(f->b.unique);
	assert_int_equal(flush(f), 10000);
	/* nothing left; the same state again is no change */
	assert_int_equal(flush(f), 0);
	note(f, 17, true, -1);
	assert_int_equal(flush(f), 0);
	fix_free(f);
}

static void up_then_down_is_nothing(void **state)
{
	struct fix *f = fix_new(10, true);

	(void)state;
	fix_start(f);
	note(f, 3, false, -1);
	note(f, 3, true, -1);
	note(f, 4, true, 5);
	note(f, 4, true, -1);
	assert_int_equal(flush(f), 0);
	fix_free(f);
}

static void random_changes_match_whole_diff(void **state)
{
	struct fix *f = fix_new(300, true);

	(void)state;
	for (size_t i = 0; i < 300; i += 7)
		f->rss[i].inhibit_on_failure = true;
	fix_start(f);
	assert_true(f->b.unique);
	random_rounds(f, 1, 200);
	fix_free(f);
}

static void sorry_server_and_hysteresis(void **state)
{
	struct fix *f = fix_new(40, true);

	(void)state;
	f->vs.has_sorry = true;
	f->vs.sorry_addr = A("192.0.2.99");
	f->vs.sorry_port = 8080;
	f->vs.quorum = 30;
	f->vs.hysteresis = 5;
	fix_start(f);
	assert_true(f->b.unique);
	/* down to 24 live: below quorum - hysteresis, the sorry server
	 * replaces all 40 that were in */
	for (size_t i = 0; i < 16; i++)
		note(f, i, false, -1);
	assert_false(f->st.quorum_up);
	assert_int_equal(flush(f), 40 + 1);
	/* back to 34: not yet quorum + hysteresis */
	for (size_t i = 0; i < 10; i++)
		note(f, i, true, -1);
	assert_false(f->st.quorum_up);
	assert_int_equal(flush(f), 0);
	note(f, 10, true, -1);
	assert_true(f->st.quorum_up);
	assert_int_equal(flush(f), 35 + 1);
	random_rounds(f, 7, 200);
	f->vs.sorry_inhibit = true;
	random_rounds(f, 9, 100);
	fix_free(f);
}

static void colliding_dests_use_the_whole_diff(void **state)
{
	struct fix *f = fix_new(50, true);

	(void)state;
	/* the same address and port twice: the first one named wins */
	f->rss[20].addr = f->rss[10].addr;
	f->rss[20].port = f->rss[10].port;
	f->rss[20].weight = 3;
	/* a DR one takes the service's port: may meet any NAT one */
	f->rss[30].addr = f->rss[31].addr;
	f->rss[30].fwd.method = CFG_FWD_DR;
	fix_start(f);
	assert_false(f->b.unique);
	note(f, 10, false, -1);
	/* the second one's destination takes over */
	assert_int_equal(flush(f), 1);
	random_rounds(f, 3, 200);
	fix_free(f);
}

static void same_address_other_ports_are_unique(void **state)
{
	struct fix *f = fix_new(30, true);
	struct cfg_vs vs;

	(void)state;
	for (size_t i = 0; i < 30; i++) {
		f->rss[i].addr = f->rss[0].addr;
		f->rss[i].port = (uint16_t)(20000 + i);
	}
	assert_int_equal(lvs_model_dests_unique(&f->vs), 1);
	vs = f->vs;
	vs.has_sorry = true;
	vs.sorry_addr = f->rss[0].addr;
	vs.sorry_port = 20005;
	assert_int_equal(lvs_model_dests_unique(&vs), 0);
	vs.sorry_port = 80;
	assert_int_equal(lvs_model_dests_unique(&vs), 1);
	fix_start(f);
	random_rounds(f, 5, 50);
	fix_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(burst_of_ten_thousand_is_one_flush),
		cmocka_unit_test(up_then_down_is_nothing),
		cmocka_unit_test(random_changes_match_whole_diff),
		cmocka_unit_test(sorry_server_and_hysteresis),
		cmocka_unit_test(colliding_dests_use_the_whole_diff),
		cmocka_unit_test(same_address_other_ports_are_unique),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
