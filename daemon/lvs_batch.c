/* lvs_batch.c - health changes between flushes -> operations (pure). */
#include <stdlib.h>
#include <string.h>

#include "lvs_batch.h"
#include "lvs_diff.h"

int lvs_batch_init(struct lvs_batch *b, const struct cfg_vs *vs,
		   const struct lvs_vs_state *st)
{
	int u = lvs_model_dests_unique(vs);

	memset(b, 0, sizeof(*b));
	b->mark = calloc(vs->n_rss ? vs->n_rss : 1, 1);
	if (!b->mark || u < 0) {
		free(b->mark);
		b->mark = NULL;
		return -1;
	}
	b->unique = u == 1;
	b->quorum = lvs_model_quorum_of(vs);
	for (size_t i = 0; i < vs->n_rss; i++)
		b->live += lvs_model_live_weight(&vs->rss[i], &st->rs[i]);
	b->old_quorum = st->quorum_up;
	return 0;
}

void lvs_batch_free(struct lvs_batch *b)
{
	free(b->rs);
	free(b->old);
	free(b->mark);
	memset(b, 0, sizeof(*b));
}

/* list @rs with its state @old; -1 when out of memory */
static int remember(struct lvs_batch *b, size_t rs,
		    const struct lvs_rs_state *old)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 16;
		size_t *r = realloc(b->rs, cap * sizeof(*r));
		struct lvs_rs_state *o;

		if (!r)
			return -1;
		b->rs = r;
		o = realloc(b->old, cap * sizeof(*o));
		if (!o)
			return -1;
		b->old = o;
		b->cap = cap;
	}
	b->rs[b->n] = rs;
	b->old[b->n++] = *old;
	b->mark[rs] = 1;
	return 0;
}

int lvs_batch_note(struct lvs_batch *b, const struct cfg_vs *vs,
		   struct lvs_vs_state *st, size_t rs, bool up, int weight)
{
	struct lvs_rs_state *s = &st->rs[rs];
	int rc = 1;

	if (s->up == up && s->weight == weight)
		return 0;
	if (!b->n)
		b->old_quorum = st->quorum_up;
	if (!b->mark[rs] && remember(b, rs, s) < 0)
		rc = -1;
	/* unsigned arithmetic: what was added is taken out exactly */
	b->live -= lvs_model_live_weight(&vs->rss[rs], s);
	*s = (struct lvs_rs_state){ up, weight };
	b->live += lvs_model_live_weight(&vs->rss[rs], s);
	st->quorum_up =
		lvs_model_quorum_sum(vs, b->quorum, b->live, st->quorum_up);
	return rc;
}

void lvs_batch_clear(struct lvs_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		b->mark[b->rs[i]] = 0;
	b->n = 0;
}

/* the whole virtual server before and after, diffed */
static int whole_diff(const struct lvs_batch *b, const struct cfg *c,
		      size_t vsi, const struct lvs_vs_state *st,
		      const struct fwd_table *owned, struct fwd_op **ops,
		      size_t *n_ops)
{
	const struct cfg_vs *vs = &c->vss[vsi];
	struct lvs_vs_state old = { b->old_quorum, NULL };
	struct fwd_table before = { 0 }, after = { 0 };
	/* a health change touches a few destinations: nothing to defer */
	struct lvs_diff_in in = { .kernel = &before,
				  .want = &after,
				  .owned = { owned, NULL } };
	int rc = -1;

	old.rs = malloc((vs->n_rss ? vs->n_rss : 1) * sizeof(*old.rs));
	if (!old.rs)
		return -1;
	memcpy(old.rs, st->rs, vs->n_rss * sizeof(*old.rs));
	for (size_t i = 0; i < b->n; i++)
		old.rs[b->rs[i]] = b->old[i];
	if (lvs_model_vs(c, vsi, &old, false, &before) == 0 &&
	    lvs_model_vs(c, vsi, st, false, &after) == 0) {
		lvs_model_dedup(&before);
		lvs_model_dedup(&after);
		rc = lvs_diff(&in, ops, n_ops);
	}
	fwd_table_free(&before);
	fwd_table_free(&after);
	free(old.rs);
	return rc;
}

static int push(struct fwd_op **v, size_t *n, size_t *cap, enum fwd_op_kind k,
		const struct fwd_svc *s, const struct fwd_dest *d)
{
	if (*n == *cap) {
		size_t nc = *cap ? 2 * *cap : 16;
		struct fwd_op *nv = realloc(*v, nc * sizeof(*nv));

		if (!nv)
			return -1;
		*v = nv;
		*cap = nc;
	}
	memset(&(*v)[*n], 0, sizeof(**v));
	(*v)[*n].kind = k;
	(*v)[*n].svc = *s;
	(*v)[(*n)++].dest = *d;
	return 0;
}

int lvs_batch_ops(const struct lvs_batch *b, const struct cfg *c, size_t vsi,
		  const struct lvs_vs_state *st, const struct fwd_table *owned,
		  struct fwd_op **ops, size_t *n_ops)
{
	const struct cfg_vs *vs = &c->vss[vsi];
	bool sorry_old = vs->has_sorry && !b->old_quorum;
	bool sorry_new = vs->has_sorry && !st->quorum_up;
	struct fwd_table svcs;
	struct fwd_op *v = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	*ops = NULL;
	*n_ops = 0;
	if (!b->n)
		return 0;
	if (sorry_old != sorry_new || !b->unique)
		return whole_diff(b, c, vsi, st, owned, ops, n_ops);
	if (lvs_model_vs_svcs(c, vsi, &svcs) < 0)
		return -1;
	for (size_t s = 0; s < svcs.n && !rc; s++) {
		const struct fwd_svc *svc = &svcs.entries[s].svc;

		for (size_t i = 0; i < b->n && !rc; i++) {
			size_t r = b->rs[i];
			struct fwd_dest was, now;
			bool had = lvs_model_rs_dest(svc, vs, r, &b->old[i],
						     sorry_old, false, &was);
			bool has = lvs_model_rs_dest(svc, vs, r, &st->rs[r],
						     sorry_new, false, &now);

			if (had && !has)
				rc = push(&v, &n, &cap, FWD_DEST_DEL, svc,
					  &was);
			else if (!had && has)
				rc = push(&v, &n, &cap, FWD_DEST_NEW, svc,
					  &now);
			else if (had && !lvs_diff_dest_same(&was, &now))
				rc = push(&v, &n, &cap, FWD_DEST_SET, svc,
					  &now);
		}
	}
	fwd_table_free(&svcs);
	if (rc < 0) {
		free(v);
		return -1;
	}
	*ops = v;
	*n_ops = n;
	return 0;
}
