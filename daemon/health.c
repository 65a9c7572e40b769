/* health.c - core's copy of real-server health (see health.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "health.h"

struct core_health *health_new(const struct cfg *c)
{
	struct core_health *h = calloc(1, sizeof(*h));
	size_t i, j;

	if (!h)
		return NULL;
	h->n_vss = c->n_vss;
	if (c->n_vss) {
		h->n_rss = calloc(c->n_vss, sizeof(*h->n_rss));
		h->rs = calloc(c->n_vss, sizeof(*h->rs));
		if (!h->n_rss || !h->rs)
			goto fail;
	}
	for (i = 0; i < c->n_vss; i++) {
		h->n_rss[i] = c->vss[i].n_rss;
		if (!c->vss[i].n_rss)
			continue;
		h->rs[i] = calloc(c->vss[i].n_rss, sizeof(*h->rs[i]));
		if (!h->rs[i])
			goto fail;
		for (j = 0; j < c->vss[i].n_rss; j++)
			h->rs[i][j].weight = -1;
	}
	return h;
fail:
	health_free(h);
	return NULL;
}

void health_free(struct core_health *h)
{
	size_t i;

	if (!h)
		return;
	for (i = 0; h->rs && i < h->n_vss; i++)
		free(h->rs[i]);
	free(h->rs);
	free(h->n_rss);
	free(h);
}

struct core_rs_health *health_get(struct core_health *h, size_t vs, size_t rs)
{
	if (!h || vs >= h->n_vss || rs >= h->n_rss[vs])
		return NULL;
	return &h->rs[vs][rs];
}

static bool rs_same(const struct cfg_rs *a, const struct cfg_rs *b)
{
	return a->port == b->port && addr_eq(&a->addr, &b->addr);
}

/* the real server of @vs that is @want: the one at @hint when it is (a
 * reload mostly keeps the order, so the search is rarely needed and a
 * reload of 100 x 100 does not compare 10,000 real servers 50 times
 * each), else the first one */
static bool find_rs(const struct cfg_vs *vs, const struct cfg_rs *want,
		    size_t hint, size_t *idx)
{
	size_t j;

	if (hint < vs->n_rss && rs_same(&vs->rss[hint], want)) {
		*idx = hint;
		return true;
	}
	for (j = 0; j < vs->n_rss; j++) {
		if (rs_same(&vs->rss[j], want)) {
			*idx = j;
			return true;
		}
	}
	return false;
}

/* the virtual server of @old_cfg that is @nv of @new_cfg, looked for at
 * @hint first (see find_rs); old_cfg->n_vss when there is none */
static size_t find_vs(const struct cfg *new_cfg, const struct cfg_vs *nv,
		      const struct cfg *old_cfg, size_t hint)
{
	size_t k;

	if (hint < old_cfg->n_vss &&
	    cfg_vs_same(new_cfg, nv, old_cfg, &old_cfg->vss[hint]))
		return hint;
	for (k = 0; k < old_cfg->n_vss; k++)
		if (cfg_vs_same(new_cfg, nv, old_cfg, &old_cfg->vss[k]))
			break;
	return k;
}

bool health_translate(const struct cfg *from, size_t vs, size_t rs,
		      const struct cfg *to, size_t *to_vs, size_t *to_rs)
{
	size_t i;

	if (vs >= from->n_vss || rs >= from->vss[vs].n_rss)
		return false;
	i = find_vs(from, &from->vss[vs], to, vs);
	if (i >= to->n_vss ||
	    !find_rs(&to->vss[i], &from->vss[vs].rss[rs], rs, to_rs))
		return false;
	*to_vs = i;
	return true;
}

size_t health_carry(struct core_health *to, const struct core_health *from,
		    const struct cfg *new_cfg, const struct cfg *old_cfg)
{
	size_t i, k, j, oj, n = 0;

	if (!to || !from || !new_cfg || !old_cfg)
		return 0;
	for (i = 0; i < new_cfg->n_vss && i < to->n_vss; i++) {
		const struct cfg_vs *nv = &new_cfg->vss[i];
		const struct cfg_vs *ov;

		k = find_vs(new_cfg, nv, old_cfg, i);
		if (k >= old_cfg->n_vss || k >= from->n_vss)
			continue;
		ov = &old_cfg->vss[k];
		for (j = 0; j < nv->n_rss && j < to->n_rss[i]; j++) {
			if (!find_rs(ov, &nv->rss[j], j, &oj) ||
			    oj >= from->n_rss[k] || !from->rs[k][oj].known)
				continue;
			to->rs[i][j] = from->rs[k][oj];
			n++;
		}
	}
	return n;
}
