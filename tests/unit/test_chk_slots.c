/* test_chk_slots.c - the queue of checks waiting for a probe slot and the
 * descriptor budget arithmetic. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "checker/engine.h"
#include "checker/slots.h"

static struct chk ks[300];

static void fifo_across_growth_and_wrap(void **s)
{
	struct chk_waitq w = { 0 };
	size_t i, next = 0;

	(void)s;
	assert_null(chk_waitq_pop(&w));
	/* fill, half drain, refill past the capacity: the ring wraps, then
	 * grows while wrapped, and the order must hold throughout */
	for (i = 0; i < 60; i++)
		assert_int_equal(chk_waitq_push(&w, &ks[i]), 0);
	for (i = 0; i < 30; i++)
		assert_ptr_equal(chk_waitq_pop(&w), &ks[next++]);
	for (i = 60; i < 300; i++)
		assert_int_equal(chk_waitq_push(&w, &ks[i]), 0);
	assert_int_equal(w.n, 270);
	assert_int_equal(w.live, 270);
	while (next < 300)
		assert_ptr_equal(chk_waitq_pop(&w), &ks[next++]);
	assert_null(chk_waitq_pop(&w));
	assert_int_equal(w.n, 0);
	chk_waitq_free(&w);
	assert_null(w.q);
}

static void removed_ones_are_skipped(void **s)
{
	struct chk_waitq w = { 0 };

	(void)s;
	chk_waitq_push(&w, &ks[0]);
	chk_waitq_push(&w, &ks[1]);
	chk_waitq_push(&w, &ks[2]);
	assert_true(chk_waitq_remove(&w, &ks[1]));
	assert_false(chk_waitq_remove(&w, &ks[1]));
	/* the hole stays in the ring, out of the count */
	assert_int_equal(w.n, 3);
	assert_int_equal(w.live, 2);
	assert_false(chk_waitq_remove(&w, &ks[7]));
	assert_true(chk_waitq_remove(&w, &ks[0]));
	/* peek drops the holes before the oldest and leaves it queued */
	assert_ptr_equal(chk_waitq_peek(&w), &ks[2]);
	assert_int_equal(w.n, 1);
	assert_ptr_equal(chk_waitq_pop(&w), &ks[2]);
	assert_null(chk_waitq_pop(&w));
	/* only holes left: empty */
	chk_waitq_push(&w, &ks[3]);
	chk_waitq_remove(&w, &ks[3]);
	assert_null(chk_waitq_peek(&w));
	assert_int_equal(w.n, 0);
	chk_waitq_free(&w);
}

static void budget(void **s)
{
	struct cfg_check tcp = { .type = CFG_CHK_TCP },
			 misc = { .type = CFG_CHK_MISC };

	(void)s;
	assert_int_equal(chk_slots_cost(&tcp), 1);
	assert_int_equal(chk_slots_cost(&misc), 3);
	/* as many probes as checkers, their pooled sockets, the reserve */
	assert_int_equal(chk_slots_want(10), 2 * 10 + CHK_SLOTS_RESERVE);
	/* ten thousand checkers need no more than the cap allows at once */
	assert_int_equal(chk_slots_want(10000),
			 2 * CHK_SLOTS_MAX + CHK_SLOTS_RESERVE);
	assert_int_equal(chk_slots_budget(1024), 1024 - CHK_SLOTS_RESERVE);
	/* a tiny limit still lets one probe run */
	assert_int_equal(chk_slots_budget(10), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fifo_across_growth_and_wrap),
		cmocka_unit_test(removed_ones_are_skipped),
		cmocka_unit_test(budget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
