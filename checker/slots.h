/*
 * slots.h - how many probes may be in flight at once. Every probe holds a
 * descriptor (a script three), so the checker raises its RLIMIT_NOFILE to
 * what its configuration needs and never starts more probes than the limit
 * leaves room for: past it, socket() fails with EMFILE and healthy real
 * servers would be reported down. A probe past the budget, or past
 * CHK_SLOTS_MAX (memory: each probe in flight is a few hundred bytes of
 * user and kernel state), waits in a FIFO queue and starts as soon as a
 * running one ends; its check is late, never failed.
 */
#ifndef DD_CHK_SLOTS_H
#define DD_CHK_SLOTS_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"

struct chk;
struct chk_engine;

/* probes in flight at most, whatever the descriptor limit */
#define CHK_SLOTS_MAX 2048
/* descriptors kept for everything else: IPC, epoll, timers, signals,
 * FIFOs, the log */
#define CHK_SLOTS_RESERVE 64

/* checks waiting for a slot, oldest first: a ring of pointers */
struct chk_waitq {
	struct chk **q;
	size_t head, n, cap; /* n counts removed entries (holes) too */
	size_t live; /* checks waiting: n less the holes */
};

/**
 * chk_waitq_push - append @k.
 * Returns 0, or -1 when out of memory.
 */
int chk_waitq_push(struct chk_waitq *w, struct chk *k);

/**
 * chk_waitq_peek - the oldest waiting check, left in the queue (removed
 * entries before it are dropped).
 * Returns it, or NULL when none waits.
 */
struct chk *chk_waitq_peek(struct chk_waitq *w);

/**
 * chk_waitq_pop - take the oldest waiting check.
 * Returns it, or NULL when none waits (removed entries are skipped).
 */
struct chk *chk_waitq_pop(struct chk_waitq *w);

/**
 * chk_waitq_remove - take @k out of the queue (a checker going away).
 * Returns true when it was queued.
 */
bool chk_waitq_remove(struct chk_waitq *w, const struct chk *k);

/**
 * chk_waitq_free - free the queue's memory; it becomes empty.
 */
void chk_waitq_free(struct chk_waitq *w);

/**
 * chk_slots_cost - descriptors one probe of @cc holds (script: pidfd and
 * its output pipe, with a spare).
 */
static inline unsigned chk_slots_cost(const struct cfg_check *cc)
{
	return cc->type == CFG_CHK_MISC ? 3 : 1;
}

/**
 * chk_slots_want - the descriptor limit a configuration needs.
 * @cost: the sum of chk_slots_cost over its checkers
 * Returns room for the probes that may run at once (at most
 * CHK_SLOTS_MAX), as many pooled idle sockets, and the reserve.
 */
static inline unsigned long chk_slots_want(unsigned long cost)
{
	unsigned long run = cost < CHK_SLOTS_MAX ? cost : CHK_SLOTS_MAX;

	return 2 * run + CHK_SLOTS_RESERVE;
}

/**
 * chk_slots_budget - the descriptors probes and the socket pool may hold
 * under the limit @nofile (the soft RLIMIT_NOFILE).
 * Returns @nofile less the reserve (at least 1).
 */
static inline unsigned long chk_slots_budget(unsigned long nofile)
{
	return nofile > CHK_SLOTS_RESERVE + 1 ? nofile - CHK_SLOTS_RESERVE : 1;
}

/**
 * chk_slots_setup - raise the descriptor limit for a configuration.
 * @e: the engine; its budget is set from the limit in force afterwards
 * @cost: the sum of chk_slots_cost over the configuration's checkers
 * Raises the soft limit towards chk_slots_want (the hard one too while
 * privileged); a limit that stays lower only means fewer probes at once
 * (logged).
 */
void chk_slots_setup(struct chk_engine *e, unsigned long cost);

/**
 * chk_slot_take - whether checker @k may start a probe now.
 * @e: the engine
 * @k: the checker
 * Returns true with its slot counted; false when @k was queued instead
 * (or, out of memory, left to its next run: logged).
 */
bool chk_slot_take(struct chk_engine *e, struct chk *k);

/**
 * chk_slot_put - a probe of @cc ended: free its slot and start waiting
 * checks from the loop's next turn.
 */
void chk_slot_put(struct chk_engine *e, const struct cfg_check *cc);

/**
 * chk_slot_forget - take @k out of the queue (stopped or freed).
 * Returns true when it was waiting.
 */
bool chk_slot_forget(struct chk_engine *e, struct chk *k);

/**
 * chk_slots_free - empty the queue and cancel the start of waiting ones.
 */
void chk_slots_free(struct chk_engine *e);

#endif
