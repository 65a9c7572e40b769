/* test_chk_fsm.c - checker state machine, quorum and MISC verdicts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "checker/fsm.h"

static void start_up_first_failure_down(void **s)
{
	struct chk_fsm f;
	struct chk_fsm_out o;

	(void)s;
	chk_fsm_init(&f, false);
	assert_true(f.up);
	o = chk_fsm_step(&f, CHK_FAIL, 3);
	assert_int_equal(o.trans, CHK_T_DOWN);
	assert_int_equal(o.next, CHK_NEXT_LOOP);
	assert_false(f.up);
}

static void alpha_starts_down_and_comes_up(void **s)
{
	struct chk_fsm f;
	struct chk_fsm_out o;

	(void)s;
	chk_fsm_init(&f, true);
	assert_false(f.up);
	o = chk_fsm_step(&f, CHK_FAIL, 1);
	assert_int_equal(o.trans, CHK_T_NONE);
	assert_int_equal(f.fails, 1);
	o = chk_fsm_step(&f, CHK_OK, 1);
	assert_int_equal(o.trans, CHK_T_UP);
	assert_true(f.up);
	assert_int_equal(f.fails, 0);
}

static void up_goes_down_after_retry_plus_one(void **s)
{
	struct chk_fsm f;
	struct chk_fsm_out o;
	int i;

	(void)s;
	chk_fsm_init(&f, false);
	assert_int_equal(chk_fsm_step(&f, CHK_OK, 2).trans, CHK_T_NONE);
	for (i = 0; i < 2; i++) {
		o = chk_fsm_step(&f, CHK_FAIL, 2);
		assert_int_equal(o.trans, CHK_T_NONE);
		assert_int_equal(o.next, CHK_NEXT_RETRY);
	}
	o = chk_fsm_step(&f, CHK_FAIL, 2);
	assert_int_equal(o.trans, CHK_T_DOWN);
	assert_int_equal(o.next, CHK_NEXT_LOOP);
	assert_int_equal(f.fails, 3);
}

static void success_resets_retries(void **s)
{
	struct chk_fsm f;

	(void)s;
	chk_fsm_init(&f, false);
	chk_fsm_step(&f, CHK_OK, 1);
	assert_int_equal(chk_fsm_step(&f, CHK_FAIL, 1).next, CHK_NEXT_RETRY);
	assert_int_equal(chk_fsm_step(&f, CHK_OK, 1).trans, CHK_T_NONE);
	/* a new streak gets its retries again */
	assert_int_equal(chk_fsm_step(&f, CHK_FAIL, 1).next, CHK_NEXT_RETRY);
	assert_int_equal(chk_fsm_step(&f, CHK_FAIL, 1).trans, CHK_T_DOWN);
}

static void retry_zero_goes_down_at_once(void **s)
{
	struct chk_fsm f;

	(void)s;
	chk_fsm_init(&f, false);
	chk_fsm_step(&f, CHK_OK, 0);
	assert_int_equal(chk_fsm_step(&f, CHK_FAIL, 0).trans, CHK_T_DOWN);
}

static void progress_does_not_bring_up(void **s)
{
	struct chk_fsm f;

	(void)s;
	chk_fsm_init(&f, true);
	assert_int_equal(chk_fsm_step(&f, CHK_PROGRESS, 1).trans, CHK_T_NONE);
	assert_false(f.up);
	assert_int_equal(chk_fsm_step(&f, CHK_OK, 1).trans, CHK_T_UP);
}

static void resume_uses_retries(void **s)
{
	struct chk_fsm f;

	(void)s;
	chk_fsm_init(&f, true);
	chk_fsm_resume(&f, true);
	assert_true(f.up);
	/* resumed state counts as having run: a failure is retried */
	assert_int_equal(chk_fsm_step(&f, CHK_FAIL, 1).next, CHK_NEXT_RETRY);
}

static void quorum_hysteresis(void **s)
{
	(void)s;
	assert_true(chk_quorum_eval(true, 3, 3, 1));
	assert_true(chk_quorum_eval(true, 2, 3, 1)); /* 2 >= 3-1 */
	assert_false(chk_quorum_eval(true, 1, 3, 1)); /* lost */
	assert_false(chk_quorum_eval(false, 3, 3, 1));
	assert_true(chk_quorum_eval(false, 4, 3, 1)); /* 4 >= 3+1 */
	assert_false(chk_quorum_eval(true, 0, 1, 0));
	assert_true(chk_quorum_eval(false, 1, 1, 0));
	/* hysteresis >= quorum: an empty pool still loses it */
	assert_false(chk_quorum_eval(true, 0, 2, 5));
	assert_true(chk_quorum_eval(true, 1, 2, 5));
}

/* keepalived lowers a quorum above the total weight to that total */
static void quorum_capped_at_total_weight(void **s)
{
	(void)s;
	assert_int_equal(chk_quorum_cap(10, 3), 3);
	assert_int_equal(chk_quorum_cap(3, 3), 3);
	assert_int_equal(chk_quorum_cap(2, 7), 2);
	assert_int_equal(chk_quorum_cap(1, 0), 0);
	/* quorum 10 over weights 2 + 1: all up keeps the quorum */
	assert_true(chk_quorum_eval(false, 3, chk_quorum_cap(10, 3), 0));
	assert_false(chk_quorum_eval(true, 2, chk_quorum_cap(10, 3), 0));
}

static void misc_exit_codes(void **s)
{
	char why[64];
	int w;

	(void)s;
	assert_true(chk_misc_verdict(0 << 8, false, &w, why, sizeof(why)));
	assert_int_equal(w, -1);
	assert_false(chk_misc_verdict(1 << 8, true, &w, why, sizeof(why)));
	assert_string_equal(why, "script exit 1");
	assert_true(chk_misc_verdict(12 << 8, true, &w, why, sizeof(why)));
	assert_int_equal(w, 10);
	assert_true(chk_misc_verdict(255 << 8, true, &w, why, sizeof(why)));
	assert_int_equal(w, 253);
	assert_false(chk_misc_verdict(12 << 8, false, &w, why, sizeof(why)));
	assert_string_equal(why, "script exit 12");
	assert_false(chk_misc_verdict(9, false, &w, why, sizeof(why)));
	assert_string_equal(why, "script killed by signal 9");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(start_up_first_failure_down),
		cmocka_unit_test(alpha_starts_down_and_comes_up),
		cmocka_unit_test(up_goes_down_after_retry_plus_one),
		cmocka_unit_test(success_resets_retries),
		cmocka_unit_test(retry_zero_goes_down_at_once),
		cmocka_unit_test(progress_does_not_bring_up),
		cmocka_unit_test(resume_uses_retries),
		cmocka_unit_test(quorum_hysteresis),
		cmocka_unit_test(quorum_capped_at_total_weight),
		cmocka_unit_test(misc_exit_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
