/*
 * evloop.h - the one event loop every process runs: epoll for descriptors,
 * a min-heap of monotonic microsecond timers, signals through signalfd.
 * Single-threaded; callbacks run one at a time.
 */
#ifndef DD_EVLOOP_H
#define DD_EVLOOP_H

#include <stdint.h>
#include <stdbool.h>

struct ev_loop;
struct ev_timer;

typedef void (*ev_fd_cb)(struct ev_loop *l, int fd, uint32_t events, void *arg);
typedef void (*ev_timer_cb)(struct ev_loop *l, void *arg);
typedef void (*ev_signal_cb)(struct ev_loop *l, int signo, void *arg);

/**
 * ev_now_us - CLOCK_MONOTONIC now, in microseconds.
 */
uint64_t ev_now_us(void);

/**
 * ev_loop_now - the time @l last woke up (CLOCK_MONOTONIC, microseconds),
 * read once per wake-up: callbacks that only need "about now" save a clock
 * read each. Outside ev_run it is ev_now_us().
 */
uint64_t ev_loop_now(const struct ev_loop *l);

/**
 * ev_loop_new - create a loop.
 * Returns the loop or NULL (errno set).
 */
struct ev_loop *ev_loop_new(void);

/**
 * ev_loop_free - release a loop; its descriptors are not closed.
 */
void ev_loop_free(struct ev_loop *l);

/**
 * ev_fd_add - watch @fd for @events (EPOLLIN/EPOLLOUT...).
 * Returns 0 or -1 (errno set).
 */
int ev_fd_add(struct ev_loop *l, int fd, uint32_t events, ev_fd_cb cb,
	      void *arg);

/**
 * ev_fd_mod - change the events watched on @fd.
 * Returns 0 or -1.
 */
int ev_fd_mod(struct ev_loop *l, int fd, uint32_t events);

/**
 * ev_fd_rebind - give a watched @fd a new owner without closing it.
 * @l: the loop
 * @fd: a descriptor added with ev_fd_add (possibly parked)
 * @events: the events to watch now
 * @cb: the new callback
 * @arg: its argument
 * Events fetched before the call are not delivered to @cb: called while a
 * batch is being delivered, or with other @events, the descriptor gets a
 * new identity (one EPOLL_CTL_MOD); between batches (from a timer) nothing
 * fetched is pending and the next fetch polls the file afresh, so it keeps
 * its registration (no system call).
 * Returns 0 or -1 (errno set).
 */
int ev_fd_rebind(struct ev_loop *l, int fd, uint32_t events, ev_fd_cb cb,
		 void *arg);

/**
 * ev_fd_park - keep @fd watched but deliver its events nowhere, until
 * ev_fd_rebind gives it an owner again (no system call).
 */
void ev_fd_park(struct ev_loop *l, int fd);

/**
 * ev_fd_del - stop watching @fd (call before close()). Events of @fd already
 * fetched in the current batch are not delivered.
 */
void ev_fd_del(struct ev_loop *l, int fd);

/**
 * ev_fd_close - stop watching @fd and close it, without the EPOLL_CTL_DEL
 * system call: closing a file's last descriptor takes it out of epoll (a
 * copy held for a moment by a forked child only delivers events that the
 * loop recognises as stale and skips).
 * Returns close()'s result.
 */
int ev_fd_close(struct ev_loop *l, int fd);

/**
 * ev_timer_add - run @cb once at monotonic time @when_us.
 * Returns a handle for ev_timer_cancel, or NULL on allocation failure.
 */
struct ev_timer *ev_timer_add(struct ev_loop *l, uint64_t when_us,
			      ev_timer_cb cb, void *arg);

/**
 * ev_timer_cancel - cancel a pending timer (NULL is fine). Do not call it on
 * a timer whose callback has already run; from inside the timer's own
 * callback it is a harmless no-op (the loop frees the timer afterwards).
 */
void ev_timer_cancel(struct ev_loop *l, struct ev_timer *t);

/**
 * ev_signal_add - deliver @signo through the loop (blocks it, uses signalfd).
 * Returns 0 or -1.
 */
int ev_signal_add(struct ev_loop *l, int signo, ev_signal_cb cb, void *arg);

/**
 * ev_set_coalesce - let a busy loop gather events instead of waking for each.
 * While the loop wakes again less than 2 * @us after its previous wake-up,
 * it sleeps @us before it polls: one wake-up (a context switch and a clock
 * read) then serves every event of that interval, at the price of up to
 * @us of delay for descriptors and timers. A quiet loop never sleeps.
 * @l: the loop
 * @us: the interval; 0 (the default) wakes for every event
 */
void ev_set_coalesce(struct ev_loop *l, uint64_t us);

/**
 * ev_coalesce_sleep_us - the sleep ev_run takes before polling (pure).
 * @gap_us: time between the last two wake-ups
 * @coalesce_us: the interval of ev_set_coalesce
 * Returns @coalesce_us while the loop is busy, else 0.
 */
uint64_t ev_coalesce_sleep_us(uint64_t gap_us, uint64_t coalesce_us);

/**
 * ev_run - dispatch until ev_stop() is called.
 * Returns 0, or -1 after repeated epoll failures.
 */
int ev_run(struct ev_loop *l);

/**
 * ev_stop - make ev_run return after the current callback.
 */
void ev_stop(struct ev_loop *l);

#endif
