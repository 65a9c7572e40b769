/* slots.c - the budget of probes in flight and the queue of checks waiting
 * for a slot (see slots.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "evloop.h"
#include "log.h"
#include "checker/probe.h"
#include "checker/slots.h"

void chk_slots_setup(struct chk_engine *e, unsigned long cost)
{
	unsigned long want = chk_slots_want(cost);
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		log_err("checker: getrlimit(RLIMIT_NOFILE): %s",
			strerror(errno));
		rl.rlim_cur = rl.rlim_max = 1024; /* the usual default */
	} else if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		struct rlimit nl = rl;

		nl.rlim_cur = want;
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want)
			nl.rlim_max = want; /* works while privileged */
		if (setrlimit(RLIMIT_NOFILE, &nl) < 0) {
			nl.rlim_cur = nl.rlim_max = rl.rlim_max;
			if (setrlimit(RLIMIT_NOFILE, &nl) < 0)
				nl = rl;
		}
		if (nl.rlim_cur < want)
			log_warn("checker: open files limited to %lu, %lu "
				 "wanted: at most %lu probes at once",
				 (unsigned long)nl.rlim_cur, want,
				 chk_slots_budget(nl.rlim_cur));
		rl = nl;
	}
	e->slots_budget = rl.rlim_cur == RLIM_INFINITY ?
				  ~0ul :
				  chk_slots_budget((unsigned long)rl.rlim_cur);
}

/* whether a probe costing @cost fits, shedding idle pooled sockets to make
 * room under the descriptor budget */
static bool slot_fits(struct chk_engine *e, unsigned cost)
{
	if (e->slots_used + cost > CHK_SLOTS_MAX && e->slots_used)
		return false;
	while (e->slots_used + cost + e->pool_idle > e->slots_budget)
		if (!chk_sock_pool_shed(e))
			return e->slots_used == 0; /* one always runs */
	return true;
}

bool chk_slot_take(struct chk_engine *e, struct chk *k)
{
	unsigned cost = chk_slots_cost(k->cfg);

	/* first come, first served: none overtakes a waiting check */
	if (!chk_waitq_peek(&e->waitq) && slot_fits(e, cost)) {
		e->slots_used += cost;
		return true;
	}
	if (chk_waitq_push(&e->waitq, k) < 0) {
		log_err("checker: out of memory queueing a check; it runs "
			"at its next turn");
		return false;
	}
	k->waiting = true;
	e->slots_deferred++;
	return false;
}

static void slots_drain(struct ev_loop *l, void *arg)
{
	struct chk_engine *e = arg;
	struct chk *k;

	(void)l;
	e->slots_drain = NULL;
	while ((k = chk_waitq_peek(&e->waitq))) {
		unsigned cost = chk_slots_cost(k->cfg);

		if (!slot_fits(e, cost))
			break;
		chk_waitq_pop(&e->waitq);
		k->waiting = false;
		e->slots_used += cost;
		chk_probe_start(e, k);
	}
}

void chk_slot_put(struct chk_engine *e, const struct cfg_check *cc)
{
	unsigned cost = chk_slots_cost(cc);

	e->slots_used = e->slots_used > cost ? e->slots_used - cost : 0;
	/* not from here: the probe that ended may be deep in a callback */
	if (chk_waitq_peek(&e->waitq) && !e->slots_drain) {
		e->slots_drain = ev_timer_add(e->loop, ev_loop_now(e->loop),
					      slots_drain, e);
		if (!e->slots_drain)
			log_err("checker: out of memory starting waiting "
				"checks; they start when the next probe ends");
	}
}

bool chk_slot_forget(struct chk_engine *e, struct chk *k)
{
	if (!k->waiting)
		return false;
	k->waiting = false;
	return chk_waitq_remove(&e->waitq, k);
}

void chk_slots_free(struct chk_engine *e)
{
	struct chk *k;

	while ((k = chk_waitq_pop(&e->waitq)))
		k->waiting = false;
	chk_waitq_free(&e->waitq);
	ev_timer_cancel(e->loop, e->slots_drain);
	e->slots_drain = NULL;
}
