/* test_chk_timerq.c - the checker's FIFO timer queues on a real loop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "evloop.h"
#include "checker/timerq.h"

struct rec {
	struct ev_loop *loop;
	struct chk_tqs *qs;
	int order[16];
	uint64_t at[16];
	int n, stop_at;
};

struct item {
	struct rec *r;
	struct chk_tmr t;
	int id;
	int rearm; /* times to re-arm itself from the callback */
};

static void fired(struct chk_tmr *t)
{
	struct item *it = chk_tmr_owner(t, struct item, t);
	struct rec *r = it->r;

	r->at[r->n] = ev_now_us();
	r->order[r->n++] = it->id;
	if (it->rearm > 0) {
		it->rearm--;
		assert_int_equal(chk_tmr_arm(r->qs, &it->t, ev_now_us(), 2000,
					     true, fired),
				 0);
	}
	if (r->n >= r->stop_at)
		ev_stop(r->loop);
}

/* a guard so that a broken queue fails the test instead of hanging it */
static void guard(struct ev_loop *l, void *arg)
{
	(void)arg;
	ev_stop(l);
}

static void fifo_order_cancel_and_rearm(void **s)
{
	struct ev_loop *l = ev_loop_new();
	struct chk_tqs qs = { .loop = l };
	struct rec r = { .loop = l, .qs = &qs, .stop_at = 5 };
	struct item it[4];
	uint64_t t0 = ev_now_us();
	int i;

	(void)s;
	assert_non_null(l);
	for (i = 0; i < 4; i++) {
		it[i] = (struct item){ .r = &r, .id = i };
		/* 0..2 share one delay: they fire in the order they were armed */
		assert_int_equal(chk_tmr_arm(&qs, &it[i].t, t0,
					     i == 3 ? 1000 : 3000, i != 3,
					     fired),
				 0);
		assert_true(chk_tmr_armed(&it[i].t));
	}
	chk_tmr_cancel(&qs, &it[1].t);
	assert_false(chk_tmr_armed(&it[1].t));
	it[2].rearm = 2;
	assert_non_null(ev_timer_add(l, t0 + 2000000, guard, NULL));
	ev_run(l);
	/* 3 (1 ms, one-off), 0, 2 (3 ms), then 2 twice more (2 ms each) */
	assert_int_equal(r.n, 5);
	assert_int_equal(r.order[0], 3);
	assert_int_equal(r.order[1], 0);
	assert_int_equal(r.order[2], 2);
	assert_int_equal(r.order[3], 2);
	assert_int_equal(r.order[4], 2);
	/* never early; late by at most the slack plus scheduling */
	assert_true(r.at[1] - t0 >= 3000);
	assert_true(r.at[4] - t0 >= 7000);
	assert_true(r.at[4] - t0 < 500000);
	for (i = 0; i < 4; i++)
		assert_false(chk_tmr_armed(&it[i].t));
	chk_tqs_free(&qs);
	ev_loop_free(l);
}

static void rearm_moves_timer(void **s)
{
	struct ev_loop *l = ev_loop_new();
	struct chk_tqs qs = { .loop = l };
	struct rec r = { .loop = l, .qs = &qs, .stop_at = 2 };
	struct item a = { .r = &r, .id = 1 }, b = { .r = &r, .id = 2 };

	(void)s;
	assert_int_equal(chk_tmr_arm(&qs, &a.t, ev_now_us(), 1000, true, fired),
			 0);
	assert_int_equal(chk_tmr_arm(&qs, &b.t, ev_now_us(), 2000, true, fired),
			 0);
	/* arming an armed timer moves it: a now fires after b, once */
	assert_int_equal(chk_tmr_arm(&qs, &a.t, ev_now_us(), 5000, true, fired),
			 0);
	assert_non_null(ev_timer_add(l, ev_now_us() + 2000000, guard, NULL));
	ev_run(l);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.order[0], 2);
	assert_int_equal(r.order[1], 1);
	chk_tqs_free(&qs);
	ev_loop_free(l);
}

/* a second callback with the same delay: its own queue, each timer gets
 * its own callback; a one-off timer cancelled and moved into a queue */
static void fired_other(struct chk_tmr *t)
{
	struct item *it = chk_tmr_owner(t, struct item, t);

	it->id += 100;
	fired(t);
}

static void callbacks_per_timer(void **s)
{
	struct ev_loop *l = ev_loop_new();
	struct chk_tqs qs = { .loop = l };
	struct rec r = { .loop = l, .qs = &qs, .stop_at = 3 };
	struct item a = { .r = &r, .id = 1 }, b = { .r = &r, .id = 2 },
		    c = { .r = &r, .id = 3 };
	uint64_t t0 = ev_now_us();

	(void)s;
	assert_int_equal(chk_tmr_arm(&qs, &a.t, t0, 2000, true, fired), 0);
	assert_int_equal(chk_tmr_arm(&qs, &b.t, t0, 2000, true, fired_other),
			 0);
	assert_int_equal(chk_tmr_arm(&qs, &c.t, t0, 500, false, fired_other),
			 0);
	assert_true(chk_tmr_armed(&c.t));
	chk_tmr_cancel(&qs, &c.t);
	assert_false(chk_tmr_armed(&c.t));
	assert_int_equal(chk_tmr_arm(&qs, &c.t, t0, 3000, true, fired), 0);
	assert_int_equal(qs.n, 3);
	assert_non_null(ev_timer_add(l, t0 + 2000000, guard, NULL));
	ev_run(l);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.order[0] + r.order[1], 1 + 102);
	assert_int_equal(r.order[2], 3);
	assert_false(chk_tmr_armed(&a.t));
	assert_false(chk_tmr_armed(&b.t));
	assert_false(chk_tmr_armed(&c.t));
	chk_tqs_free(&qs);
	ev_loop_free(l);
}

/* more delays than queues: the extra ones get loop timers of their own;
 * once their timers are gone, the empty queues make room for new delays */
static void empty_queues_reclaimed(void **s)
{
	struct ev_loop *l = ev_loop_new();
	struct chk_tqs qs = { .loop = l };
	struct rec r = { .loop = l, .qs = &qs, .stop_at = 1 };
	struct item it[80], last = { .r = &r, .id = 99 };
	uint64_t t0 = ev_now_us();
	unsigned i, queued = 0;

	(void)s;
	assert_non_null(l);
	for (i = 0; i < 80; i++) {
		it[i] = (struct item){ .r = &r, .id = (int)i };
		assert_int_equal(chk_tmr_arm(&qs, &it[i].t, t0,
					     1000000 + i * 1000, true, fired),
				 0);
		queued += it[i].t.q != NULL;
	}
	assert_int_equal(qs.n, queued);
	assert_true(queued >= 32 && queued < 80);
	for (i = 0; i < 80; i++)
		chk_tmr_cancel(&qs, &it[i].t);
	/* a new delay: queued again, the others reclaimed */
	assert_int_equal(chk_tmr_arm(&qs, &last.t, t0, 3000, true, fired), 0);
	assert_non_null(last.t.q);
	assert_int_equal(qs.n, 1);
	assert_non_null(ev_timer_add(l, t0 + 2000000, guard, NULL));
	ev_run(l);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.order[0], 99);
	chk_tqs_free(&qs);
	ev_loop_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fifo_order_cancel_and_rearm),
		cmocka_unit_test(rearm_moves_timer),
		cmocka_unit_test(callbacks_per_timer),
		cmocka_unit_test(empty_queues_reclaimed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
