/*
 * apply.c - build the runtime (virtual servers, real servers, checkers)
 * from a configuration generation, keeping what a reload leaves in place.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evloop.h"
#include "lib/script.h"
#include "log.h"
#include "checker/notify.h"
#include "checker/probe.h"
#include "checker/proc.h"
#include "checker/script.h"
#include "checker/tls.h"

void chk_gen_put(struct chk_gen *g)
{
	if (!g || --g->refs)
		return;
	cfg_free(g->cfg);
	free(g);
	/* a generation is freed after the next one was built above it in
	 * the heap: give back the pages of the holes it leaves (for 10,000
	 * real servers about 0.3 MB a reload, kept for good otherwise) */
	malloc_trim(0);
}

static void apply_free_chk(struct chk_engine *e, struct chk *k)
{
	chk_sched_stop(e, k);
	free(k->misc_cred);
	chk_str_drop(&k->last_failure);
	free(k);
}

static void apply_free_rs(struct chk_engine *e, struct chk_rs *rs)
{
	size_t i;

	for (i = 0; i < rs->n_checks; i++)
		apply_free_chk(e, chk_rs_check(rs, i));
	if (rs->n_checks > 1)
		free(rs->checks.many);
	chk_str_drop(&rs->reason);
	free(rs);
}

void chk_engine_clear(struct chk_engine *e)
{
	size_t i, j;

	for (i = 0; i < e->n_vss; i++) {
		for (j = 0; j < e->vss[i]->n_rss; j++)
			apply_free_rs(e, e->vss[i]->rss[j]);
		free(e->vss[i]->rss);
		free(e->vss[i]);
	}
	free(e->vss);
	e->vss = NULL;
	e->n_vss = 0;
	chk_notify_close(e);
	if (e->tls)
		OSSL(SSL_CTX_free)(e->tls);
	e->tls = NULL;
	chk_gen_put(e->gen);
	e->gen = NULL;
}

static int apply_rs_cmp(const void *x, const void *y)
{
	const struct chk_rs *a = *(const struct chk_rs *const *)x;
	const struct chk_rs *b = *(const struct chk_rs *const *)y;
	int c = addr_cmp(&a->cfg->addr, &b->cfg->addr);

	if (c)
		return c;
	return (int)a->cfg->port - (int)b->cfg->port;
}

static struct chk *apply_new_chk(struct chk_engine *e, struct chk_rs *rs,
				 const struct cfg_check *cc)
{
	struct chk *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->rs = rs;
	k->cfg = cc;
	k->weight = -1;
	chk_fsm_init(&k->fsm, cc->alpha);
	return k;
}

/* resolve a MISC checker's script user once per generation, not at every
 * run: getpwnam and the enable_script_security walk may block the loop */
static void apply_misc_cred(struct chk_engine *e, struct chk *k)
{
	const struct cfg_cmd *cmd = &k->cfg->misc_path;

	free(k->misc_cred);
	k->misc_cred = NULL;
	if (k->cfg->type != CFG_CHK_MISC || !cmd->cmd)
		return;
	k->misc_cred = malloc(sizeof(*k->misc_cred));
	if (!k->misc_cred) {
		log_err("checker: MISC_CHECK %s: out of memory", cmd->cmd);
		return;
	}
	if (chk_script_cred(e->gen->cfg, cmd, k->misc_cred) < 0) {
		free(k->misc_cred); /* logged; every run fails */
		k->misc_cred = NULL;
	}
}

/* give @rs the checkers of @crs, reusing @rs's old ones by position+type;
 * a single checker stays inline in @rs, more get an array */
static int apply_rs_checks(struct chk_engine *e, struct chk_rs *rs,
			   const struct cfg_rs *crs, bool *changed)
{
	size_t n = crs->n_checks, i;
	struct chk *one = NULL;
	struct chk **nk = n > 1 ? calloc(n, sizeof(*nk)) : &one;
	struct chk **ok = rs->n_checks > 1 ? rs->checks.many : &rs->checks.one;

	if (!nk || n > UINT32_MAX) {
		if (nk != &one)
			free(nk);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const struct cfg_check *cc = &crs->checks[i];

		if (i < rs->n_checks && ok[i]->cfg->type == cc->type) {
			nk[i] = ok[i];
			ok[i] = NULL;
			nk[i]->cfg = cc;
		} else {
			nk[i] = apply_new_chk(e, rs, cc);
			if (!nk[i]) {
				if (nk != &one)
					free(nk);
				return -1;
			}
			*changed = true;
		}
		apply_misc_cred(e, nk[i]);
	}
	for (i = 0; i < rs->n_checks; i++) {
		if (ok[i]) {
			apply_free_chk(e, ok[i]);
			*changed = true;
		}
	}
	if (rs->n_checks > 1)
		free(rs->checks.many);
	if (n > 1)
		rs->checks.many = nk;
	else
		rs->checks.one = one;
	rs->n_checks = (uint32_t)n;
	return 0;
}

static struct chk_rs *apply_find_rs(struct chk_rs **sorted, size_t n,
				    const struct cfg_rs *crs)
{
	struct chk_rs key = { .cfg = crs };
	struct chk_rs *kp = &key, **hit;

	if (!n)
		return NULL;
	hit = bsearch(&kp, sorted, n, sizeof(*sorted), apply_rs_cmp);
	return hit ? *hit : NULL;
}

/* whether @c has SSL_GET checks; *@cost: the descriptors its probes
 * would hold all at once (chk_slots_cost) */
static bool apply_scan(const struct cfg *c, unsigned long *cost)
{
	bool tls = false;
	size_t i, j, k;

	*cost = 0;
	for (i = 0; i < c->n_vss; i++)
		for (j = 0; j < c->vss[i].n_rss; j++)
			for (k = 0; k < c->vss[i].rss[j].n_checks; k++) {
				const struct cfg_check *cc =
					&c->vss[i].rss[j].checks[k];

				tls = tls || cc->type == CFG_CHK_SSL;
				*cost += chk_slots_cost(cc);
			}
	return tls;
}

/* the quorum @cv can reach: keepalived caps it at the total weight */
static unsigned apply_quorum(const struct cfg *c, const struct cfg_vs *cv)
{
	unsigned long total = 0;
	unsigned q;
	size_t i;

	for (i = 0; i < cv->n_rss; i++)
		total += (unsigned long)(cv->rss[i].weight > 0 ?
						 cv->rss[i].weight :
						 0);
	q = chk_quorum_cap(cv->quorum, total);
	if (q != cv->quorum) {
		char name[CHK_NAME_MAX];

		log_warn("VS %s: quorum %u exceeds the total weight %lu of its "
			 "real servers; using %u",
			 chk_fmt_vs(c, cv, name), cv->quorum, total, q);
	}
	return q;
}

/* build new vs @nv from @cv, moving matching real servers out of @ov */
static int apply_vs(struct chk_engine *e, struct chk_vs *nv,
		    const struct cfg_vs *cv, struct chk_vs *ov)
{
	struct chk_rs **sorted = NULL;
	size_t n_old = ov ? ov->n_rss : 0, i, j;

	if (n_old) {
		sorted = malloc(n_old * sizeof(*sorted));
		if (!sorted)
			return -1;
		memcpy(sorted, ov->rss, n_old * sizeof(*sorted));
		qsort(sorted, n_old, sizeof(*sorted), apply_rs_cmp);
	}
	nv->rss = calloc(cv->n_rss ? cv->n_rss : 1, sizeof(*nv->rss));
	if (!nv->rss) {
		free(sorted);
		return -1;
	}
	for (i = 0; i < cv->n_rss; i++) {
		const struct cfg_rs *crs = &cv->rss[i];
		struct chk_rs *rs = apply_find_rs(sorted, n_old, crs);
		bool changed = false, fresh = !rs;

		/* a real server already moved (a duplicate entry) is not reused;
		 * the moved ones are told apart from the removed ones by rs->vs */
		if (!rs || rs->vs != ov) {
			rs = calloc(1, sizeof(*rs));
			if (!rs)
				goto oom;
			rs->weight = -1;
			fresh = true;
		}
		rs->vs = nv;
		rs->cfg = crs;
		rs->idx = (uint32_t)i;
		nv->rss[i] = rs;
		nv->n_rss = i + 1;
		if (apply_rs_checks(e, rs, crs, &changed) < 0)
			goto oom;
		if (fresh) {
			rs->up = true;
			for (j = 0; j < rs->n_checks; j++)
				rs->up = rs->up && chk_rs_check(rs, j)->fsm.up;
			chk_str_set(&rs->reason,
				    rs->up ? NULL : "not checked yet (alpha)");
			rs->since_wall_ms = chk_wall_ms();
		}
		for (j = 0; j < rs->n_checks; j++) {
			struct chk *k = chk_rs_check(rs, j);

			if (!chk_tmr_armed(&k->timer) && !k->probe &&
			    !k->waiting)
				chk_sched_start(e, k);
		}
		if (changed && !fresh)
			chk_rs_update(e, rs, "checkers changed by reload");
	}
	free(sorted);
	return 0;
oom:
	free(sorted);
	return -1;
}

int chk_engine_apply(struct chk_engine *e, struct chk_gen *g, char *err,
		     size_t errlen)
{
	struct chk_vs **nvss;
	const struct cfg *c = g->cfg;
	struct chk_gen *old = e->gen;
	unsigned long cost;
	size_t i, j;

	nvss = calloc(c->n_vss ? c->n_vss : 1, sizeof(*nvss));
	if (!nvss) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	g->refs++;
	e->gen = g;
	for (i = 0; i < c->n_vss; i++) {
		struct chk_vs *ov = NULL;

		for (j = 0; j < e->n_vss && old; j++) {
			if (e->vss[j] && cfg_vs_same(old->cfg, e->vss[j]->cfg,
						     c, &c->vss[i])) {
				ov = e->vss[j];
				break;
			}
		}
		nvss[i] = calloc(1, sizeof(**nvss));
		if (nvss[i]) {
			nvss[i]->eng = e;
			nvss[i]->cfg = &c->vss[i];
			nvss[i]->idx = i;
			nvss[i]->quorum = apply_quorum(c, &c->vss[i]);
			nvss[i]->quorum_up = ov ? ov->quorum_up : true;
		}
		if (!nvss[i] || apply_vs(e, nvss[i], &c->vss[i], ov) < 0) {
			/* a half-built runtime cannot be undone: stop */
			log_err("checker: out of memory applying generation "
				"%u",
				g->generation);
			abort();
		}
		if (!ov)
			chk_quorum_init(nvss[i]);
		else /* real servers may have come or gone */
			chk_quorum_update(e, nvss[i]);
	}
	/* what is left in the old runtime was removed from the config */
	for (j = 0; j < e->n_vss; j++) {
		for (i = 0; i < e->vss[j]->n_rss; i++)
			if (e->vss[j]->rss[i]->vs == e->vss[j])
				apply_free_rs(e, e->vss[j]->rss[i]);
		free(e->vss[j]->rss);
		free(e->vss[j]);
	}
	free(e->vss);
	e->vss = nvss;
	e->n_vss = c->n_vss;
	chk_gen_put(old);

	if (e->tls)
		OSSL(SSL_CTX_free)(e->tls);
	e->tls = NULL;
	/* OpenSSL's first context costs megabytes: only for SSL_GET */
	if (apply_scan(c, &cost)) {
		e->tls = chk_tls_ctx_new(&c->global, err, errlen);
		if (!e->tls)
			log_err("checker: SSL_GET checks will fail: %s", err);
	}
	chk_slots_setup(e, cost);
	/* checkers may connect elsewhere now: they learn their sources
	 * again */
	chk_sock_pool_reset(e);
	chk_notify_open(e);
	chk_status_changed(e);
	return 0;
}
