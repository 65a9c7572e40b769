/*
 * wake.h - exact wake-ups for the VRRP timers. The event loop sleeps in
 * epoll_wait(), whose timeout the kernel may stretch by 0.1 % (3.6 ms on a
 * 3.6 s Master_Down_Interval). A timerfd armed at the same absolute
 * deadline as the loop timer wakes the loop on time; the loop timer then
 * runs as usual. Without the timerfd (creation failed) timers still run,
 * only with epoll's slack.
 */
#ifndef DD_VRRP_WAKE_H
#define DD_VRRP_WAKE_H

#include <stdint.h>

struct ev_loop;
struct vrrp_wake;

#define VRRP_WAKE_SLOTS 3 /* advert, master down, preempt delay */

/**
 * vrrp_wake_new - a timerfd registered with the loop.
 * @l: the event loop
 * @name: for log lines (the instance name)
 * Returns the wake-up source, or NULL when it cannot be had (logged; the
 * caller goes on without it).
 */
struct vrrp_wake *vrrp_wake_new(struct ev_loop *l, const char *name);

/**
 * vrrp_wake_set - wake the loop at @when_us for @slot.
 * @w: the wake-up source (NULL is fine: nothing happens)
 * @slot: 0 .. VRRP_WAKE_SLOTS-1; a new deadline replaces the slot's old one
 * @when_us: absolute deadline on ev_now_us()'s clock (CLOCK_MONOTONIC)
 */
void vrrp_wake_set(struct vrrp_wake *w, unsigned slot, uint64_t when_us);

/**
 * vrrp_wake_clear - forget the deadline of @slot.
 * @w: the wake-up source (NULL is fine)
 * @slot: 0 .. VRRP_WAKE_SLOTS-1
 */
void vrrp_wake_clear(struct vrrp_wake *w, unsigned slot);

/**
 * vrrp_wake_next - the earliest deadline still to come (pure helper).
 * @when: deadlines, 0 for none
 * @n: their count
 * @now_us: the current time
 * Returns the smallest deadline greater than @now_us, or 0 when none.
 */
uint64_t vrrp_wake_next(const uint64_t *when, unsigned n, uint64_t now_us);

/**
 * vrrp_wake_free - unregister and close (NULL is fine).
 */
void vrrp_wake_free(struct vrrp_wake *w);

#endif
