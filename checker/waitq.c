/* waitq.c - the ring of checks waiting for a probe slot (see slots.h). */
#include <stdlib.h>
#include <string.h>

#include "checker/slots.h"

int chk_waitq_push(struct chk_waitq *w, struct chk *k)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64, i;
		struct chk **q = malloc(cap * sizeof(*q));

		if (!q)
			return -1;
		/* unroll the ring: the oldest first */
		for (i = 0; i < w->n; i++)
			q[i] = w->q[(w->head + i) % w->cap];
		free(w->q);
		w->q = q;
		w->cap = cap;
		w->head = 0;
	}
	w->q[(w->head + w->n) % w->cap] = k;
	w->n++;
	w->live++;
	return 0;
}

struct chk *chk_waitq_peek(struct chk_waitq *w)
{
	while (w->n && !w->q[w->head]) {
		w->head = (w->head + 1) % w->cap;
		w->n--;
	}
	return w->n ? w->q[w->head] : NULL;
}

struct chk *chk_waitq_pop(struct chk_waitq *w)
{
	while (w->n) {
		struct chk *k = w->q[w->head];

		w->head = (w->head + 1) % w->cap;
		w->n--;
		if (k) {
			w->live--;
			return k;
		}
	}
	return NULL;
}

bool chk_waitq_remove(struct chk_waitq *w, const struct chk *k)
{
	size_t i;

	/* a hole, skipped by pop: removals are rare (reload, stop) */
	for (i = 0; i < w->n; i++) {
		struct chk **s = &w->q[(w->head + i) % w->cap];

		if (*s == k) {
			*s = NULL;
			w->live--;
			return true;
		}
	}
	return false;
}

void chk_waitq_free(struct chk_waitq *w)
{
	free(w->q);
	memset(w, 0, sizeof(*w));
}
