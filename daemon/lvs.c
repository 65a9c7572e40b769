/*
 * lvs.c - the forwarding table as core drives it (lvs.h): keep the health of
 * every real server, and reconcile the kernel against configuration plus
 * health: dump, diff, apply the minimum. Failures are logged with the object
 * and errno and retried with back-off by a fresh reconcile.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "lvs_diff.h"
#include "lvs_int.h"

#define BACKOFF_MIN_US 1000000ULL
#define BACKOFF_MAX_US 60000000ULL
/* successful operations are logged one by one (debug) up to this many */
#define LVS_LOG_EACH_MAX 256

struct lvs *lvs_open(char *err, size_t errlen)
{
	struct lvs *l = calloc(1, sizeof(*l));

	if (!l) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	l->be = &fwd_ipvs;
	l->h = l->be->open(err, errlen);
	if (!l->h) {
		free(l);
		return NULL;
	}
	return l;
}

static const char *op_verb(enum fwd_op_kind k)
{
	static const char *const v[] = {
		[FWD_SVC_NEW] = "add service",
		[FWD_SVC_SET] = "edit service",
		[FWD_SVC_DEL] = "delete service",
		[FWD_DEST_NEW] = "add dest",
		[FWD_DEST_SET] = "edit dest",
		[FWD_DEST_DEL] = "delete dest",
	};

	return v[k];
}

/* "[192.0.2.10]:tcp:80" or "[192.0.2.10]:tcp:80 -> [198.51.100.11]:80" */
static const char *op_object(const struct fwd_op *op, char *buf, size_t len)
{
	char s[96], d[80];

	fwd_svc_fmt(&op->svc, s, sizeof(s));
	if (op->kind < FWD_DEST_NEW)
		snprintf(buf, len, "%s", s);
	else
		snprintf(buf, len, "%s -> %s", s,
			 fwd_dest_fmt(&op->dest, d, sizeof(d)));
	return buf;
}

/* lvs_apply_ops; @each: name every successful operation (debug) */
static int apply_ops(struct lvs *l, const struct fwd_op *ops, size_t n,
		     bool each, struct lvs_ops *c)
{
	char obj[192];
	int *res;
	int rc = 0;

	if (!n)
		return 0;
	res = calloc(n, sizeof(*res));
	if (!res) {
		log_err("IPVS: out of memory for %zu operations", n);
		c->errors++;
		return -1;
	}
	l->be->apply(l->h, ops, n, res);
	for (size_t i = 0; i < n; i++) {
		/* already gone is what a delete wants */
		if ((res[i] == -ENOENT || res[i] == -ESRCH) &&
		    (ops[i].kind == FWD_SVC_DEL || ops[i].kind == FWD_DEST_DEL))
			res[i] = 0;
		if (res[i] == -ENOENT && ops[i].kind == FWD_SVC_NEW &&
		    !strcmp(ops[i].svc.sched, LVS_DIFF_SCHED_NONE) &&
		    !l->no_sched_none) {
			log_warn("IPVS: the kernel has no \"%s\" scheduler: "
				 "schedulers are bound when services are "
				 "created",
				 LVS_DIFF_SCHED_NONE);
			l->no_sched_none = true;
		}
		if (res[i]) {
			log_err("%s: %s: %s",
				op_object(&ops[i], obj, sizeof(obj)),
				op_verb(ops[i].kind), strerror(-res[i]));
			rc = -1;
			continue;
		}
		/* a bulk load is summed up by the caller: naming each of
		 * thousands of objects would cost more than applying them */
		if (!each)
			continue;
		op_object(&ops[i], obj, sizeof(obj));
		if (ops[i].kind >= FWD_DEST_NEW &&
		    ops[i].kind != FWD_DEST_DEL) {
			log_debug("%s: %s (weight %u)", obj,
				  op_verb(ops[i].kind), ops[i].dest.weight);
		} else {
			log_debug("%s: %s", obj, op_verb(ops[i].kind));
		}
	}
	lvs_diff_count(ops, n, res, c);
	lvs_diff_count(ops, n, res, &l->total);
	free(res);
	return rc;
}

int lvs_apply_ops(struct lvs *l, const struct fwd_op *ops, size_t n,
		  struct lvs_ops *c)
{
	return apply_ops(l, ops, n, n <= LVS_LOG_EACH_MAX, c);
}

/* a reconcile's operations, applied as the diff hands them over */
struct stream {
	struct lvs *l;
	struct lvs_ops c;
	size_t n;
	int rc;
};

static void apply_piece(void *arg, const struct fwd_op *ops, size_t n,
			bool last)
{
	struct stream *s = arg;

	/* the whole list in one piece: small enough to name each */
	if (apply_ops(s->l, ops, n, !s->n && last, &s->c) < 0)
		s->rc = -1;
	s->n += n;
}

/* build l->owned for l->cfg if it is still pending */
static int owned_ensure(struct lvs *l)
{
	if (!l->owned_pending)
		return 0;
	if (lvs_model_build(l->cfg, NULL, true, &l->owned) < 0) {
		log_err("IPVS: out of memory listing the entries the "
			"configuration owns");
		return -1;
	}
	l->owned_pending = false;
	return 0;
}

/* dump, diff against configuration + health, apply */
static int reconcile(struct lvs *l, bool own_all)
{
	struct fwd_table kern, want = { 0 };
	struct lvs_diff_in in;
	struct stream st = { .l = l };
	struct fwd_op *buf;
	uint64_t t0 = ev_now_us(), t_dump, t_model;
	int err;

	err = l->be->dump(l->h, &kern, false);
	t_dump = ev_now_us();
	if (err) {
		log_err("IPVS: reading the table: %s", strerror(-err));
		l->last = (struct lvs_ops){ .errors = 1 };
		return -1;
	}
	/* ownership only decides about entries already in the kernel */
	if ((kern.n && owned_ensure(l) < 0) ||
	    lvs_model_build(l->cfg, l->st, false, &want) < 0 ||
	    !(buf = malloc(LVS_LOG_EACH_MAX * sizeof(*buf)))) {
		fwd_table_free(&kern);
		fwd_table_free(&want);
		log_err("IPVS: out of memory building the table");
		l->last = (struct lvs_ops){ .errors = 1 };
		return -1;
	}
	t_model = ev_now_us();
	in = (struct lvs_diff_in){ .kernel = &kern,
				   .want = &want,
				   .owned = { &l->owned, &l->prev_owned },
				   .own_all = own_all,
				   .defer_sched = !l->no_sched_none };
	/* applied in pieces as the diff goes: a full load of thousands of
	 * destinations never lists them all at once */
	lvs_diff_stream(&in, buf, LVS_LOG_EACH_MAX, apply_piece, &st);
	l->last = st.c;
	/* the phases, to see where a slow reconcile spends its time */
	log_msg(st.n ? LOG_INFO : LOG_DEBUG,
		"IPVS reconcile: services +%u ~%u -%u, destinations +%u ~%u "
		"-%u, %u failed, in %llu ms (dump %llu, model %llu, diff and "
		"apply %llu)",
		st.c.svc_new, st.c.svc_set, st.c.svc_del, st.c.dest_new,
		st.c.dest_set, st.c.dest_del, st.c.errors,
		(unsigned long long)(ev_now_us() - t0) / 1000,
		(unsigned long long)(t_dump - t0) / 1000,
		(unsigned long long)(t_model - t_dump) / 1000,
		(unsigned long long)(ev_now_us() - t_model) / 1000);
	free(buf);
	fwd_table_free(&kern);
	fwd_table_free(&want);
	if (st.rc == 0)
		fwd_table_free(&l->prev_owned);
	return st.rc;
}

static int apply_timeouts(struct lvs *l)
{
	const struct cfg_global *g = &l->cfg->global;
	struct fwd_timeouts t = { g->lvs_timeout_tcp, g->lvs_timeout_tcpfin,
				  g->lvs_timeout_udp };
	int err;

	if (!memcmp(&t, &l->timeouts, sizeof(t)) ||
	    (!t.tcp && !t.tcp_fin && !t.udp))
		return 0;
	err = l->be->set_timeouts(l->h, &t);
	if (err) {
		log_err("IPVS: lvs_timeouts tcp %u tcpfin %u udp %u: %s", t.tcp,
			t.tcp_fin, t.udp, strerror(-err));
		return -1;
	}
	l->timeouts = t;
	return 0;
}

/* bring the kernel in line with everything we know */
static void schedule_retry(struct lvs *l);

static int sync_all(struct lvs *l, bool own_all)
{
	int rc;

	/* the reconcile starts from the current state: it covers them */
	for (size_t i = 0; i < l->n_dirty; i++)
		lvs_batch_clear(&l->batch[l->dirty[i]]);
	l->n_dirty = 0;
	rc = reconcile(l, own_all);

	if (apply_timeouts(l) < 0)
		rc = -1;
	if (lvs_sync_config(l, &l->cfg->global.lvs_sync_daemon) < 0)
		rc = -1;
	l->pending = rc < 0;
	if (l->pending)
		schedule_retry(l);
	else
		l->backoff_us = 0;
	return rc;
}

static void retry_cb(struct ev_loop *loop, void *arg)
{
	struct lvs *l = arg;

	(void)loop;
	l->timer = NULL;
	if (l->pending && l->cfg) {
		log_info("IPVS: retrying after earlier failures");
		sync_all(l, false);
	}
}

static void schedule_retry(struct lvs *l)
{
	l->backoff_us = l->backoff_us ? 2 * l->backoff_us : BACKOFF_MIN_US;
	if (l->backoff_us > BACKOFF_MAX_US)
		l->backoff_us = BACKOFF_MAX_US;
	if (!l->loop || l->timer)
		return;
	l->timer =
		ev_timer_add(l->loop, ev_now_us() + l->backoff_us, retry_cb, l);
}

void lvs_retry_later(struct lvs *l)
{
	l->pending = true;
	schedule_retry(l);
}

static int flush(struct lvs *l);

void lvs_set_loop(struct lvs *l, struct ev_loop *loop)
{
	if (l->timer)
		ev_timer_cancel(l->loop, l->timer);
	l->timer = NULL;
	/* what the old loop would have flushed goes now */
	if (l->flush_timer) {
		ev_timer_cancel(l->loop, l->flush_timer);
		l->flush_timer = NULL;
		flush(l);
	}
	l->loop = loop;
	if (loop && l->pending)
		schedule_retry(l);
}

/* whether two virtual servers are the same service (for carrying health) */
static bool vs_same(const struct cfg *ca, const struct cfg_vs *a,
		    const struct cfg *cb, const struct cfg_vs *b)
{
	if (a->kind != b->kind || a->family != b->family)
		return false;
	switch (a->kind) {
	case CFG_VS_ADDR:
		return a->protocol == b->protocol && a->port == b->port &&
		       addr_eq(&a->addr, &b->addr);
	case CFG_VS_FWMARK:
		return a->fwmark == b->fwmark;
	case CFG_VS_GROUP:
		return a->protocol == b->protocol && a->group < ca->n_groups &&
		       b->group < cb->n_groups &&
		       !strcmp(ca->groups[a->group].name,
			       cb->groups[b->group].name);
	}
	return false;
}

/* health for @c: carried for surviving real servers (matched at the same
 * position when they are there, else the first match), else initial */
static struct lvs_vs_state *states_for(const struct lvs *l, const struct cfg *c)
{
	struct lvs_vs_state *st = calloc(c->n_vss ? c->n_vss : 1, sizeof(*st));

	if (!st)
		return NULL;
	for (size_t v = 0; v < c->n_vss; v++) {
		const struct cfg_vs *vs = &c->vss[v];
		const struct cfg_vs *ovs = NULL;
		const struct lvs_vs_state *ost = NULL;

		st[v].rs = calloc(vs->n_rss ? vs->n_rss : 1, sizeof(*st[v].rs));
		if (!st[v].rs)
			goto fail;
		/* the same position first: an unchanged configuration
		 * then costs one comparison per object, not a search */
		for (size_t k = 0; l->cfg && k <= l->cfg->n_vss && !ovs; k++) {
			size_t o = k ? k - 1 : v;

			if (o < l->cfg->n_vss && (k == 0 || o != v) &&
			    vs_same(c, vs, l->cfg, &l->cfg->vss[o])) {
				ovs = &l->cfg->vss[o];
				ost = &l->st[o];
			}
		}
		for (size_t r = 0; r < vs->n_rss; r++) {
			const struct cfg_rs *rs = &vs->rss[r];
			bool carried = false;

			for (size_t k = 0; ovs && k <= ovs->n_rss; k++) {
				size_t o = k ? k - 1 : r;

				if (o < ovs->n_rss && (k == 0 || o != r) &&
				    addr_eq(&rs->addr, &ovs->rss[o].addr) &&
				    rs->port == ovs->rss[o].port) {
					st[v].rs[r] = ost->rs[o];
					carried = true;
					break;
				}
			}
			if (carried)
				continue;
			/* keepalived: up before the first check, unless
			 * alpha; a real server without checkers stays up */
			st[v].rs[r].up =
				!(rs->n_checks && (rs->alpha || vs->alpha));
			st[v].rs[r].weight = -1;
		}
		/* a new virtual server starts with its quorum only when the
		 * live weight reaches quorum + hysteresis, as keepalived's
		 * set_quorum_states() decides */
		st[v].quorum_up = lvs_model_quorum(
			vs, st[v].rs, ost ? ost->quorum_up : false);
	}
	return st;
fail:
	for (size_t v = 0; v < c->n_vss; v++)
		free(st[v].rs);
	free(st);
	return NULL;
}

static void states_free(struct lvs_vs_state *st, size_t n)
{
	for (size_t v = 0; st && v < n; v++)
		free(st[v].rs);
	free(st);
}

static void batches_free(struct lvs_batch *b, size_t n)
{
	for (size_t v = 0; b && v < n; v++)
		lvs_batch_free(&b[v]);
	free(b);
}

/* an empty batch per virtual server of @c in states @st */
static struct lvs_batch *batches_for(const struct cfg *c,
				     const struct lvs_vs_state *st)
{
	struct lvs_batch *b = calloc(c->n_vss ? c->n_vss : 1, sizeof(*b));

	for (size_t v = 0; b && v < c->n_vss; v++) {
		if (lvs_batch_init(&b[v], &c->vss[v], &st[v]) < 0) {
			batches_free(b, v);
			return NULL;
		}
	}
	return b;
}

/* add the services and destinations of @src to @dst */
static void merge_into(struct fwd_table *dst, const struct fwd_table *src)
{
	for (size_t i = 0; i < src->n; i++) {
		const struct fwd_entry *s = &src->entries[i];
		struct fwd_entry *e = fwd_table_add(dst, &s->svc);

		for (size_t j = 0; e && j < s->n_dests; j++)
			fwd_entry_add_dest(e, &s->dests[j]);
	}
	lvs_model_dedup(dst);
}

int lvs_set_config(struct lvs *l, const struct cfg *c)
{
	struct lvs_vs_state *st = states_for(l, c);
	struct lvs_batch *batch = st ? batches_for(c, st) : NULL;
	size_t *dirty = calloc(c->n_vss ? c->n_vss : 1, sizeof(*dirty));
	bool own_all;
	int rc;

	if (!st || !batch || !dirty || owned_ensure(l) < 0) {
		states_free(st, c->n_vss);
		batches_free(batch, batch ? c->n_vss : 0);
		free(dirty);
		log_err("IPVS: out of memory adopting the configuration");
		return -1;
	}
	/* what the old configuration installed stays ours until deleted; an
	 * earlier reload that never completed adds to it */
	if (l->configured) {
		merge_into(&l->prev_owned, &l->owned);
		fwd_table_free(&l->owned);
	}
	states_free(l->st, l->cfg ? l->cfg->n_vss : 0);
	batches_free(l->batch, l->cfg ? l->cfg->n_vss : 0);
	free(l->dirty);
	l->st = st;
	l->batch = batch;
	l->dirty = dirty;
	l->n_dirty = 0;
	l->owned_pending = true;
	l->cfg = c;
	own_all = !l->configured && c->global.lvs_flush;
	l->configured = true;
	lvs_sysctl_advise(l, c);
	rc = sync_all(l, own_all);
	/* health changes and the stop need it from now on */
	if (owned_ensure(l) < 0)
		rc = -1;
	return rc;
}

/* apply the health changes of every dirty virtual server; after a failure
 * the kernel may differ from what we last wanted: a full reconcile instead,
 * once for all the changes */
static int flush(struct lvs *l)
{
	char name[96];
	int rc = 0;

	if (l->pending)
		return sync_all(l, false);
	if (owned_ensure(l) < 0)
		return -1; /* the changes stay queued */
	for (size_t i = 0; i < l->n_dirty; i++) {
		size_t v = l->dirty[i];
		struct lvs_ops c = { 0 };
		struct fwd_op *ops = NULL;
		size_t n = 0;

		if (lvs_batch_ops(&l->batch[v], l->cfg, v, &l->st[v], &l->owned,
				  &ops, &n) < 0) {
			log_err("%s: out of memory applying health changes",
				lvs_vs_name(l->cfg, v, name, sizeof(name)));
			rc = -1;
		} else if (lvs_apply_ops(l, ops, n, &c) < 0) {
			rc = -1;
		}
		/* a bulk change is summed up (lvs_apply_ops names the
		 * operations of small ones) */
		if (n > LVS_LOG_EACH_MAX)
			log_info("%s: health of %zu real servers: "
				 "destinations +%u ~%u -%u, %u failed",
				 lvs_vs_name(l->cfg, v, name, sizeof(name)),
				 l->batch[v].n, c.dest_new, c.dest_set,
				 c.dest_del, c.errors);
		free(ops);
		lvs_batch_clear(&l->batch[v]);
	}
	l->n_dirty = 0;
	if (rc < 0) {
		l->pending = true;
		schedule_retry(l);
	}
	return rc;
}

static void flush_cb(struct ev_loop *loop, void *arg)
{
	struct lvs *l = arg;

	(void)loop;
	l->flush_timer = NULL;
	if (l->cfg && (l->n_dirty || l->pending))
		flush(l);
}

int lvs_set_health(struct lvs *l, size_t vs, size_t rs, bool up, int weight)
{
	struct lvs_vs_state *st;
	struct lvs_batch *b;
	char name[96];
	bool was_quorum, was_dirty;
	int r;

	if (!l->cfg || vs >= l->cfg->n_vss || rs >= l->cfg->vss[vs].n_rss)
		return -1;
	st = &l->st[vs];
	b = &l->batch[vs];
	was_quorum = st->quorum_up;
	was_dirty = b->n > 0;
	r = lvs_batch_note(b, &l->cfg->vss[vs], st, rs, up, weight);
	if (r == 0) /* without a loop, retries ride on health events */
		return l->pending && !l->loop ? flush(l) : 0;
	if (st->quorum_up != was_quorum)
		log_info("%s: quorum %s",
			 lvs_vs_name(l->cfg, vs, name, sizeof(name)),
			 st->quorum_up ? "regained" : "lost");
	if (r < 0) {
		log_err("%s: out of memory recording a health change; "
			"reconciling in full",
			lvs_vs_name(l->cfg, vs, name, sizeof(name)));
		l->pending = true;
	} else if (!was_dirty) {
		l->dirty[l->n_dirty++] = vs;
	}
	if (l->loop && !l->flush_timer)
		l->flush_timer =
			ev_timer_add(l->loop, ev_now_us(), flush_cb, l);
	return l->flush_timer ? 0 : flush(l);
}

const struct lvs_ops *lvs_last_ops(const struct lvs *l)
{
	return &l->last;
}

/* delete the services we own (or everything with lvs_flush_on_stop) */
static void release(struct lvs *l)
{
	struct fwd_table kern;
	struct fwd_op *ops;
	struct lvs_ops c = { 0 };
	size_t n = 0;
	int err;

	if (l->cfg->global.lvs_flush_on_stop) {
		err = l->be->flush(l->h);
		if (err)
			log_err("IPVS: flush: %s", strerror(-err));
		return;
	}
	err = l->be->dump(l->h, &kern, false);
	if (err) {
		log_err("IPVS: reading the table: %s", strerror(-err));
		return;
	}
	if (owned_ensure(l) < 0) {
		fwd_table_free(&kern);
		return;
	}
	ops = calloc(kern.n ? kern.n : 1, sizeof(*ops));
	for (size_t i = 0; ops && i < kern.n; i++) {
		const struct fwd_svc *s = &kern.entries[i].svc;

		if (fwd_table_find(&l->owned, s) ||
		    fwd_table_find(&l->prev_owned, s))
			ops[n++] = (struct fwd_op){ .kind = FWD_SVC_DEL,
						    .svc = *s };
	}
	lvs_apply_ops(l, ops, n, &c);
	if (n)
		log_info("IPVS: removed %u services", c.svc_del);
	free(ops);
	fwd_table_free(&kern);
}

void lvs_close(struct lvs *l, bool keep)
{
	if (!l)
		return;
	if (l->timer)
		ev_timer_cancel(l->loop, l->timer);
	if (l->flush_timer)
		ev_timer_cancel(l->loop, l->flush_timer);
	if (!keep && l->cfg) {
		lvs_sync_stop_all(l);
		release(l);
	}
	l->be->close(l->h);
	states_free(l->st, l->cfg ? l->cfg->n_vss : 0);
	batches_free(l->batch, l->cfg ? l->cfg->n_vss : 0);
	free(l->dirty);
	fwd_table_free(&l->owned);
	fwd_table_free(&l->prev_owned);
	free(l);
}
