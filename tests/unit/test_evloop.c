/* test_evloop.c - timer order, cancellation, descriptor events, signals. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <cmocka.h>

#include "evloop.h"

#define NT 1000

static int order[NT + 8];
static int n_order;
static struct ev_timer *victim;

struct tag {
	int id;
	int stop_after; /* stop the loop once this many callbacks ran */
};

static void record(struct ev_loop *l, void *arg)
{
	const struct tag *t = arg;

	order[n_order++] = t->id;
	if (n_order >= t->stop_after)
		ev_stop(l);
}

static void test_timer_order(void **state)
{
	struct ev_loop *l = ev_loop_new();
	uint64_t now = ev_now_us();
	struct tag a = { 30, 5 }, b = { 10, 5 }, c = { 20, 5 }, d = { 21, 5 },
		   e = { 22, 5 };

	assert_non_null(l);
	n_order = 0;
	assert_non_null(ev_timer_add(l, now + 30000, record, &a));
	assert_non_null(ev_timer_add(l, now + 10000, record, &b));
	assert_non_null(ev_timer_add(l, now + 20000, record, &c));
	/* equal deadlines run in the order they were added */
	assert_non_null(ev_timer_add(l, now + 25000, record, &d));
	assert_non_null(ev_timer_add(l, now + 25000, record, &e));
	assert_int_equal(ev_run(l), 0);
	assert_int_equal(n_order, 5);
	assert_int_equal(order[0], 10);
	assert_int_equal(order[1], 20);
	assert_int_equal(order[2], 21);
	assert_int_equal(order[3], 22);
	assert_int_equal(order[4], 30);
	/* and not before their time */
	assert_true(ev_now_us() >= now + 30000);
	ev_loop_free(l);
}

/* many timers, pseudo-random deadlines, every third cancelled */
static void test_timer_heap(void **state)
{
	static struct tag tags[NT];
	static struct ev_timer *ts[NT];
	struct ev_loop *l = ev_loop_new();
	uint64_t base = ev_now_us() - 1000000;
	unsigned seed = 12345;
	int i, expected = 0;

	n_order = 0;
	for (i = 0; i < NT; i++) {
		seed = seed * 1103515245u + 12345u;
		tags[i].id = (int)((seed >> 8) % 5000);
		tags[i].stop_after = NT;
		ts[i] = ev_timer_add(l, base + (uint64_t)tags[i].id, record,
				     &tags[i]);
		assert_non_null(ts[i]);
	}
	for (i = 0; i < NT; i += 3)
		ev_timer_cancel(l, ts[i]);
	for (i = 0; i < NT; i++)
		expected += i % 3 != 0;
	for (i = 0; i < NT; i++)
		tags[i].stop_after = expected;
	assert_int_equal(ev_run(l), 0);
	assert_int_equal(n_order, expected);
	for (i = 1; i < n_order; i++)
		assert_true(order[i - 1] <= order[i]);
	ev_loop_free(l);
}

static void cancel_victim(struct ev_loop *l, void *arg)
{
	record(l, arg);
	ev_timer_cancel(l, victim);
}

static struct ev_timer *self;

static void cancel_self(struct ev_loop *l, void *arg)
{
	record(l, arg);
	ev_timer_cancel(l, self); /* running: must be a harmless no-op */
}

static void test_timer_cancel(void **state)
{
	struct ev_loop *l = ev_loop_new();
	uint64_t now = ev_now_us();
	struct tag a = { 1, 3 }, v = { 2, 3 }, s = { 3, 3 }, z = { 4, 3 },
		   gone = { 5, 3 };
	struct ev_timer *g;

	n_order = 0;
	g = ev_timer_add(l, now + 1000, record, &gone);
	ev_timer_cancel(l, g);
	ev_timer_cancel(l, NULL);
	assert_non_null(ev_timer_add(l, now + 2000, cancel_victim, &a));
	victim = ev_timer_add(l, now + 4000, record, &v);
	self = ev_timer_add(l, now + 5000, cancel_self, &s);
	assert_non_null(ev_timer_add(l, now + 6000, record, &z));
	assert_int_equal(ev_run(l), 0);
	assert_int_equal(n_order, 3);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 3);
	assert_int_equal(order[2], 4);
	ev_loop_free(l);
}

/* ---- descriptors ---------------------------------------------------- */

static int p1[2], p2[2];
static int hits1, hits2, hits3;

static void on_read(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
	char c;

	assert_true(events & EPOLLIN);
	assert_int_equal(read(fd, &c, 1), 1);
	assert_int_equal(c, 'x');
	hits1++;
	ev_stop(l);
}

static void on_write(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
	assert_true(events & EPOLLOUT);
	hits2++;
	ev_stop(l);
}

static void test_fd_event(void **state)
{
	struct ev_loop *l = ev_loop_new();

	assert_int_equal(pipe(p1), 0);
	hits1 = 0;
	assert_int_equal(ev_fd_add(l, p1[0], EPOLLIN, on_read, NULL), 0);
	assert_int_equal(ev_fd_add(l, p1[0], EPOLLIN, on_read, NULL), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(write(p1[1], "x", 1), 1);
	assert_int_equal(ev_run(l), 0);
	assert_int_equal(hits1, 1);
	ev_fd_del(l, p1[0]);
	assert_int_equal(ev_fd_mod(l, p1[0], EPOLLOUT), -1);
	/* the write end: nothing for EPOLLIN, then writable after ev_fd_mod */
	hits2 = 0;
	assert_int_equal(ev_fd_add(l, p1[1], EPOLLIN, on_write, NULL), 0);
	assert_int_equal(ev_fd_mod(l, p1[1], EPOLLOUT), 0);
	assert_int_equal(ev_run(l), 0);
	assert_int_equal(hits2, 1);
	ev_loop_free(l);
	close(p1[0]);
	close(p1[1]);
}

static int timer_ran;

static void mark(struct ev_loop *l, void *arg)
{
	timer_ran = 1;
}

/* runs for the re-added fd: only in a later batch, after the timers ran */
static void third(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
	assert_int_equal(timer_ran, 1);
	hits3++;
	ev_stop(l);
}

/* whichever of the two runs first hands the other's fd to another callback
 * (@rebind: park and rebind it, as a pooled socket reused in the same
 * batch; else remove and re-add it), and drops its own: the event fetched
 * for the old owner in this batch must be skipped */
static bool rebind;

static void handover(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
	int other = fd == p1[0] ? p2[0] : p1[0];

	if (fd == p1[0])
		hits1++;
	else
		hits2++;
	if (rebind) {
		ev_fd_park(l, other);
		assert_int_equal(ev_fd_rebind(l, other, EPOLLIN, third, NULL),
				 0);
		ev_fd_park(l, fd); /* stays readable, delivered nowhere */
	} else {
		ev_fd_del(l, other);
		assert_int_equal(ev_fd_add(l, other, EPOLLIN, third, NULL), 0);
		ev_fd_del(l, fd);
	}
	assert_non_null(ev_timer_add(l, 0, mark, NULL));
}

static void fd_handover_in_batch(bool by_rebind)
{
	struct ev_loop *l = ev_loop_new();

	rebind = by_rebind;
	assert_int_equal(pipe(p1), 0);
	assert_int_equal(pipe(p2), 0);
	hits1 = hits2 = hits3 = timer_ran = 0;
	assert_int_equal(ev_fd_rebind(l, p1[0], EPOLLIN, third, NULL), -1);
	assert_int_equal(ev_fd_add(l, p1[0], EPOLLIN, handover, NULL), 0);
	assert_int_equal(ev_fd_add(l, p2[0], EPOLLIN, handover, NULL), 0);
	assert_int_equal(write(p1[1], "x", 1), 1);
	assert_int_equal(write(p2[1], "x", 1), 1);
	assert_int_equal(ev_run(l), 0);
	assert_int_equal(hits1 + hits2, 1);
	assert_int_equal(hits3, 1);
	ev_loop_free(l);
	close(p1[0]);
	close(p1[1]);
	close(p2[0]);
	close(p2[1]);
}

static void test_fd_removed_in_batch(void **state)
{
	fd_handover_in_batch(false);
}

static void test_fd_rebind_in_batch(void **state)
{
	fd_handover_in_batch(true);
}

/* a parked descriptor given a new owner from a timer (between batches,
 * the registration kept) delivers what comes next to the new owner */
static void new_owner(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
	char c;

	assert_int_equal(read(fd, &c, 1), 1);
	hits3++;
	ev_stop(l);
}

static void rebind_from_timer(struct ev_loop *l, void *arg)
{
	assert_int_equal(ev_fd_rebind(l, p1[0], EPOLLIN, new_owner, NULL), 0);
	assert_int_equal(write(p1[1], "x", 1), 1);
}

static void test_fd_rebind_between_batches(void **state)
{
	struct ev_loop *l = ev_loop_new();

	assert_int_equal(pipe(p1), 0);
	hits1 = hits3 = 0;
	assert_int_equal(ev_fd_add(l, p1[0], EPOLLIN, on_read, NULL), 0);
	ev_fd_park(l, p1[0]);
	assert_non_null(ev_timer_add(l, 0, rebind_from_timer, NULL));
	assert_int_equal(ev_run(l), 0);
	assert_int_equal(hits1, 0);
	assert_int_equal(hits3, 1);
	ev_loop_free(l);
	close(p1[0]);
	close(p1[1]);
}

/* a timer that re-arms itself at "now" must not starve descriptors */
static int rearms;

static void rearm(struct ev_loop *l, void *arg)
{
	if (++rearms > 100000) {
		ev_stop(l);
		return;
	}
	assert_non_null(ev_timer_add(l, ev_now_us(), rearm, NULL));
}

static void test_no_starvation(void **state)
{
	struct ev_loop *l = ev_loop_new();

	assert_int_equal(pipe(p1), 0);
	hits1 = rearms = 0;
	assert_non_null(ev_timer_add(l, ev_now_us(), rearm, NULL));
	assert_int_equal(ev_fd_add(l, p1[0], EPOLLIN, on_read, NULL), 0);
	assert_int_equal(write(p1[1], "x", 1), 1);
	assert_int_equal(ev_run(l), 0);
	assert_int_equal(hits1, 1);
	assert_true(rearms < 100);
	ev_loop_free(l);
	close(p1[0]);
	close(p1[1]);
}

/* ---- signals -------------------------------------------------------- */

static int got_sig[2];

static void on_signal(struct ev_loop *l, int signo, void *arg)
{
	got_sig[signo == SIGUSR1 ? 0 : 1]++;
	if (got_sig[0] && got_sig[1])
		ev_stop(l);
}

static void test_signals(void **state)
{
	struct ev_loop *l = ev_loop_new();

	assert_int_equal(ev_signal_add(l, SIGUSR1, on_signal, NULL), 0);
	assert_int_equal(ev_signal_add(l, SIGUSR2, on_signal, NULL), 0);
	assert_int_equal(ev_signal_add(l, 0, on_signal, NULL), -1);
	assert_int_equal(kill(getpid(), SIGUSR1), 0);
	assert_int_equal(kill(getpid(), SIGUSR2), 0);
	assert_int_equal(ev_run(l), 0);
	assert_int_equal(got_sig[0], 1);
	assert_int_equal(got_sig[1], 1);
	ev_loop_free(l);
}

/* ev_set_coalesce: a busy loop (woke again within twice the interval)
 * sleeps one interval before polling; a quiet one never sleeps */
static void test_coalesce_rule(void **state)
{
	(void)state;
	assert_int_equal(ev_coalesce_sleep_us(0, 0), 0);
	assert_int_equal(ev_coalesce_sleep_us(UINT64_MAX, 0), 0);
	assert_int_equal(ev_coalesce_sleep_us(10, 1000), 1000);
	/* slept 1 ms and found events at once: still busy */
	assert_int_equal(ev_coalesce_sleep_us(1100, 1000), 1000);
	assert_int_equal(ev_coalesce_sleep_us(1999, 1000), 1000);
	assert_int_equal(ev_coalesce_sleep_us(2000, 1000), 0);
	assert_int_equal(ev_coalesce_sleep_us(UINT64_MAX, 1000), 0);
}

struct chain {
	int left;
	uint64_t due_us;
	bool early;
};

static void chain_step(struct ev_loop *l, void *arg)
{
	struct chain *c = arg;

	if (ev_now_us() < c->due_us)
		c->early = true;
	if (--c->left == 0) {
		ev_stop(l);
		return;
	}
	c->due_us = ev_loop_now(l) + 100;
	assert_non_null(ev_timer_add(l, c->due_us, chain_step, c));
}

static void fd_ready_stop(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
	char b;

	(void)events;
	(void)arg;
	assert_int_equal(read(fd, &b, 1), 1);
	n_order++;
	ev_stop(l);
}

/* a gathering loop still runs every timer of a fast chain, none early, and
 * delivers descriptor events */
static void test_coalesce_loop(void **state)
{
	struct ev_loop *l = ev_loop_new();
	struct chain c = { 200, 0, false };
	int p[2];

	(void)state;
	assert_non_null(l);
	ev_set_coalesce(l, 1000);
	c.due_us = ev_now_us() + 100;
	assert_non_null(ev_timer_add(l, c.due_us, chain_step, &c));
	assert_int_equal(ev_run(l), 0);
	assert_int_equal(c.left, 0);
	assert_false(c.early);
	/* a descriptor made ready while the loop is busy */
	assert_int_equal(pipe(p), 0);
	n_order = 0;
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(ev_fd_add(l, p[0], EPOLLIN, fd_ready_stop, NULL), 0);
	assert_int_equal(ev_run(l), 0);
	assert_int_equal(n_order, 1);
	ev_fd_close(l, p[0]);
	close(p[1]);
	ev_loop_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_order),
		cmocka_unit_test(test_timer_heap),
		cmocka_unit_test(test_timer_cancel),
		cmocka_unit_test(test_fd_event),
		cmocka_unit_test(test_fd_removed_in_batch),
		cmocka_unit_test(test_fd_rebind_in_batch),
		cmocka_unit_test(test_fd_rebind_between_batches),
		cmocka_unit_test(test_no_starvation),
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_coalesce_rule),
		cmocka_unit_test(test_coalesce_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
