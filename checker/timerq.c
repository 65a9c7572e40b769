/* timerq.c - FIFO timer queues, one per delay and callback, over the event
 * loop. */
#include <stdlib.h>

#include "evloop.h"
#include "log.h"
#include "checker/timerq.h"

/* more distinct delays and callbacks than this fall back to one loop timer
 * each (a few callbacks share each delay) */
#define TQ_MAX 64
#define TQ_SLACK_MAX_US 16000

struct chk_tq {
	struct chk_tqs *qs;
	uint64_t delay_us;
	chk_tmr_cb cb; /* of every timer in the queue */
	struct chk_tmr *head, *tail;
	struct ev_timer *ev; /* armed while the queue is not empty */
	bool firing; /* tq_fire re-arms once it is done */
};

static void tq_unlink(struct chk_tmr *t)
{
	struct chk_tq *q = t->q;

	if (t->prev)
		t->prev->next = t->next;
	else
		q->head = t->next;
	if (t->next)
		t->next->prev = t->prev;
	else
		q->tail = t->prev;
	t->prev = t->next = NULL; /* and so ev and cb */
	t->q = NULL;
}

static uint64_t tq_slack(const struct chk_tq *q)
{
	uint64_t s = q->delay_us / 64;

	return s < TQ_SLACK_MAX_US ? s : TQ_SLACK_MAX_US;
}

static void tq_fire(struct ev_loop *l, void *arg);

/* returns -1 when the loop timer cannot be allocated */
static int tq_arm_head(struct chk_tq *q)
{
	if (!q->head || q->ev || q->firing)
		return 0;
	q->ev = ev_timer_add(q->qs->loop, q->head->when_us + tq_slack(q),
			     tq_fire, q);
	return q->ev ? 0 : -1;
}

static void tq_fire(struct ev_loop *l, void *arg)
{
	struct chk_tq *q = arg;
	uint64_t now = ev_loop_now(l);
	struct chk_tmr *t;

	(void)l;
	q->ev = NULL;
	q->firing = true;
	/* entries armed from the callbacks are due after now (delay > 0) */
	while ((t = q->head) && t->when_us <= now) {
		tq_unlink(t);
		q->cb(t);
	}
	q->firing = false;
	if (tq_arm_head(q) < 0)
		log_err("checker: out of memory re-arming the %llu us timer "
			"queue; its checks stop until the next re-arm",
			(unsigned long long)q->delay_us);
}

static void tmr_fire(struct ev_loop *l, void *arg)
{
	struct chk_tmr *t = arg;
	chk_tmr_cb cb = t->cb;

	(void)l;
	t->ev = NULL;
	t->cb = NULL;
	cb(t);
}

/* free the queues nothing waits in (a burst of warmup steps leaves many) */
static void tq_reclaim(struct chk_tqs *qs)
{
	unsigned i, n = 0;

	for (i = 0; i < qs->n; i++) {
		struct chk_tq *q = qs->q[i];

		if (q->head || q->firing) {
			qs->q[n++] = q;
			continue;
		}
		ev_timer_cancel(qs->loop, q->ev); /* left by a cancel */
		free(q);
	}
	qs->n = n;
}

static struct chk_tq *tq_get(struct chk_tqs *qs, uint64_t delay_us,
			     chk_tmr_cb cb)
{
	struct chk_tq *q, **nq;
	unsigned i;

	for (i = 0; i < qs->n; i++) {
		q = qs->q[i];
		if (q->delay_us != delay_us || q->cb != cb)
			continue;
		/* the busy queues move to the front of the search */
		if (i) {
			qs->q[i] = qs->q[i - 1];
			qs->q[i - 1] = q;
		}
		return q;
	}
	if (qs->n >= TQ_MAX)
		tq_reclaim(qs);
	if (qs->n >= TQ_MAX)
		return NULL;
	nq = realloc(qs->q, (qs->n + 1) * sizeof(*nq));
	if (!nq)
		return NULL;
	qs->q = nq;
	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->qs = qs;
	q->delay_us = delay_us;
	q->cb = cb;
	qs->q[qs->n++] = q;
	return q;
}

int chk_tmr_arm(struct chk_tqs *qs, struct chk_tmr *t, uint64_t from_us,
		uint64_t delay_us, bool fifo, chk_tmr_cb cb)
{
	/* a zero delay stays with the loop, which keeps it from starving I/O */
	struct chk_tq *q = fifo && delay_us ? tq_get(qs, delay_us, cb) : NULL;

	chk_tmr_cancel(qs, t); /* re-arming moves it */
	t->when_us = from_us + delay_us;
	if (!q) {
		t->cb = cb;
		t->ev = ev_timer_add(qs->loop, t->when_us, tmr_fire, t);
		if (!t->ev) {
			t->cb = NULL;
			return -1;
		}
		return 0;
	}
	t->q = q;
	t->next = NULL;
	t->prev = q->tail;
	if (q->tail)
		q->tail->next = t;
	else
		q->head = t;
	q->tail = t;
	if (tq_arm_head(q) < 0) {
		tq_unlink(t);
		return -1;
	}
	return 0;
}

void chk_tmr_cancel(struct chk_tqs *qs, struct chk_tmr *t)
{
	if (t->q) {
		tq_unlink(t);
	} else if (t->ev) {
		ev_timer_cancel(qs->loop, t->ev);
		t->ev = NULL;
		t->cb = NULL;
	}
}

void chk_tqs_free(struct chk_tqs *qs)
{
	unsigned i;

	for (i = 0; i < qs->n; i++) {
		ev_timer_cancel(qs->loop, qs->q[i]->ev);
		free(qs->q[i]);
	}
	free(qs->q);
	qs->q = NULL;
	qs->n = 0;
}
