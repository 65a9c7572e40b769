/*
 * timerq.h - the checker's timers. Thousands of checkers re-arm with the
 * same few delays (delay_loop, delay_before_retry, connect_timeout), and
 * timers armed with one delay expire in the order they were armed: one
 * FIFO list per delay and callback, with one loop timer for its head,
 * replaces a heap operation and an allocation per timer with a list
 * append/unlink.
 */
#ifndef DD_CHK_TIMERQ_H
#define DD_CHK_TIMERQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct ev_timer;
struct chk_tq;
struct chk_tmr;

/* the callback finds its owner with chk_tmr_owner: no argument pointer in
 * each of thousands of timers */
typedef void (*chk_tmr_cb)(struct chk_tmr *t);

/**
 * chk_tmr_owner - the object of type @type whose member @member is the
 * timer @t.
 */
#define chk_tmr_owner(t, type, member) \
	((type *)(void *)((char *)(t)-offsetof(type, member)))

/* one timer, embedded in its owner; zero-initialised means "not armed".
 * Queued (q set), its queue holds the callback; otherwise it may wait on a
 * loop timer of its own (ev set) and keeps its callback itself. */
struct chk_tmr {
	struct chk_tq *q; /* the queue it waits in, or NULL */
	union {
		struct {
			struct chk_tmr *prev, *next; /* in q */
		};
		struct {
			struct ev_timer *ev; /* while q is NULL, or NULL */
			chk_tmr_cb cb;
		};
	};
	uint64_t when_us;
};

/* the queues of one loop */
struct chk_tqs {
	struct ev_loop *loop;
	struct chk_tq **q;
	unsigned n;
};

/**
 * chk_tmr_armed - whether @t is waiting to fire.
 */
static inline bool chk_tmr_armed(const struct chk_tmr *t)
{
	return t->q || t->ev; /* ev overlaps prev: only read without q */
}

/**
 * chk_tmr_arm - run @cb(@t) once, @delay_us after @from_us.
 * @qs: the queues
 * @t: the timer (an armed one is moved)
 * @from_us: a recent ev_now_us() of the caller's (a clock read is a
 *           system call in some VMs)
 * @delay_us: the delay
 * @fifo: true when @delay_us is one of the few delays used over and over
 *        (queued, may fire up to 1/64 of the delay, at most 16 ms, late
 *        so that neighbours are served in one wake-up; queues left empty
 *        are reclaimed when more are needed); false for one-off delays
 * @cb: the callback; @t is disarmed when it runs and may be re-armed
 * Returns 0, or -1 when out of memory.
 */
int chk_tmr_arm(struct chk_tqs *qs, struct chk_tmr *t, uint64_t from_us,
		uint64_t delay_us, bool fifo, chk_tmr_cb cb);

/**
 * chk_tmr_cancel - disarm @t (fine when not armed).
 */
void chk_tmr_cancel(struct chk_tqs *qs, struct chk_tmr *t);

/**
 * chk_tqs_free - free the queues (their timers must be disarmed).
 */
void chk_tqs_free(struct chk_tqs *qs);

#endif
