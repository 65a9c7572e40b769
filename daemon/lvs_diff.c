/* lvs_diff.c - kernel table vs wanted table -> minimal operations (pure). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lvs_diff.h"

bool lvs_diff_svc_same(const struct fwd_svc *a, const struct fwd_svc *b)
{
	const uint32_t mask = ~(uint32_t)FWD_SVC_F_HASHED;

	return !strcmp(a->sched, b->sched) &&
	       (a->flags & mask) == (b->flags & mask) &&
	       a->timeout == b->timeout && a->netmask == b->netmask &&
	       !strcmp(a->pe_name, b->pe_name);
}

bool lvs_diff_dest_same(const struct fwd_dest *a, const struct fwd_dest *b)
{
	/* the kernel turns a destination that is a local address into a
	 * local-node one whatever was asked: not a difference to correct */
	bool local = a->method == FWD_LOCAL || b->method == FWD_LOCAL;

	if ((a->method != b->method && !local) || a->weight != b->weight ||
	    a->u_thresh != b->u_thresh || a->l_thresh != b->l_thresh)
		return false;
	return a->method != FWD_TUNNEL || b->method != FWD_TUNNEL ||
	       (a->tun_type == b->tun_type && a->tun_port == b->tun_port &&
		a->tun_flags == b->tun_flags);
}

bool lvs_diff_sched_per_dest(const char *sched)
{
	/* the kernel schedulers with add_dest/upd_dest hooks: wrr recounts
	 * the gcd and maximum of every weight, sh and dh refill their 256
	 * buckets, mh rebuilds its lookup table */
	static const char *const per_dest[] = { "wrr", "sh", "dh", "mh" };

	for (size_t i = 0; i < sizeof(per_dest) / sizeof(per_dest[0]); i++)
		if (!strcmp(sched, per_dest[i]))
			return true;
	return false;
}

struct oplist {
	struct fwd_op *v;
	size_t n, cap;
	bool failed;
	/* streaming: a full list is handed over and emptied */
	lvs_diff_emit_fn emit;
	void *arg;
};

static void push(struct oplist *l, enum fwd_op_kind k, const struct fwd_svc *s,
		 const struct fwd_dest *d)
{
	struct fwd_op *op;

	if (l->failed)
		return;
	if (l->n == l->cap && l->emit) {
		l->emit(l->arg, l->v, l->n, false);
		l->n = 0;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct fwd_op *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			l->failed = true;
			return;
		}
		l->v = v;
		l->cap = cap;
	}
	op = &l->v[l->n++];
	memset(op, 0, sizeof(*op));
	op->kind = k;
	op->svc = *s;
	op->svc.ctr = 0; /* a dump's counters are not the operation's */
	if (d) {
		op->dest = *d;
		op->dest.ctr = 0;
	}
}

static bool owns_svc(const struct lvs_diff_in *in, const struct fwd_svc *s)
{
	if (in->own_all)
		return true;
	for (int i = 0; i < 2; i++)
		if (in->owned[i] && fwd_table_find(in->owned[i], s))
			return true;
	return false;
}

static bool owns_dest(const struct lvs_diff_in *in, const struct fwd_svc *s,
		      const struct fwd_dest *d)
{
	if (in->own_all)
		return true;
	for (int i = 0; i < 2; i++)
		if (in->owned[i] &&
		    fwd_entry_find_dest(fwd_table_find(in->owned[i], s), d))
			return true;
	return false;
}

/* destinations of one service present in both tables */
static void diff_dests(const struct lvs_diff_in *in, struct oplist *l,
		       const struct fwd_entry *k, const struct fwd_entry *w)
{
	const struct fwd_svc *s = &w->svc;

	for (size_t i = 0; i < k->n_dests; i++)
		if (!fwd_entry_find_dest(w, &k->dests[i]) &&
		    owns_dest(in, s, &k->dests[i]))
			push(l, FWD_DEST_DEL, s, &k->dests[i]);
	for (size_t i = 0; i < w->n_dests; i++) {
		const struct fwd_dest *kd =
			fwd_entry_find_dest(k, &w->dests[i]);

		if (!kd)
			push(l, FWD_DEST_NEW, s, &w->dests[i]);
		else if (!lvs_diff_dest_same(kd, &w->dests[i]))
			push(l, FWD_DEST_SET, s, &w->dests[i]);
	}
}

/* a service the kernel lacks, with its destinations; its scheduler bound
 * after them when that saves the kernel a recount per destination */
static void new_service(const struct lvs_diff_in *in, struct oplist *l,
			const struct fwd_entry *w)
{
	bool defer = in->defer_sched && w->n_dests >= LVS_DIFF_DEFER_MIN &&
		     lvs_diff_sched_per_dest(w->svc.sched);
	struct fwd_svc bare = w->svc;

	if (defer)
		snprintf(bare.sched, sizeof(bare.sched), "%s",
			 LVS_DIFF_SCHED_NONE);
	push(l, FWD_SVC_NEW, &bare, NULL);
	for (size_t j = 0; j < w->n_dests; j++)
		push(l, FWD_DEST_NEW, &w->svc, &w->dests[j]);
	if (defer) {
		push(l, FWD_SVC_SET, &w->svc, NULL);
		if (!l->failed)
			l->v[l->n - 1].bind = true;
	}
}

/* the most operations a diff can produce: every service and destination of
 * both tables (allocated once: growing a list of thousands copies it) */
static size_t ops_bound(const struct lvs_diff_in *in)
{
	size_t n = 0;

	for (size_t i = 0; i < in->want->n; i++)
		n += 2 + in->want->entries[i].n_dests; /* + a bind */
	for (size_t i = 0; i < in->kernel->n; i++)
		n += 1 + in->kernel->entries[i].n_dests;
	return n;
}

static void diff_all(const struct lvs_diff_in *in, struct oplist *l)
{
	for (size_t i = 0; i < in->want->n; i++) {
		const struct fwd_entry *w = &in->want->entries[i];
		const struct fwd_entry *k = fwd_table_find(in->kernel, &w->svc);

		if (!k) {
			new_service(in, l, w);
			continue;
		}
		if (!lvs_diff_svc_same(&k->svc, &w->svc))
			push(l, FWD_SVC_SET, &w->svc, NULL);
		diff_dests(in, l, k, w);
	}
	for (size_t i = 0; i < in->kernel->n; i++) {
		const struct fwd_svc *s = &in->kernel->entries[i].svc;

		if (!fwd_table_find(in->want, s) && owns_svc(in, s))
			push(l, FWD_SVC_DEL, s, NULL);
	}
}

void lvs_diff_stream(const struct lvs_diff_in *in, struct fwd_op *buf,
		     size_t cap, lvs_diff_emit_fn emit, void *arg)
{
	struct oplist l = { .v = buf, .cap = cap, .emit = emit, .arg = arg };

	diff_all(in, &l);
	if (l.n)
		emit(arg, l.v, l.n, true);
}

int lvs_diff(const struct lvs_diff_in *in, struct fwd_op **ops, size_t *n_ops)
{
	struct oplist l = { 0 };

	l.cap = ops_bound(in);
	if (l.cap && !(l.v = malloc(l.cap * sizeof(*l.v))))
		return -1;
	diff_all(in, &l);
	if (l.failed) {
		free(l.v);
		return -1;
	}
	if (!l.n) {
		free(l.v);
		l.v = NULL;
	}
	*ops = l.v;
	*n_ops = l.n;
	return 0;
}

void lvs_diff_count(const struct fwd_op *ops, size_t n, const int *res,
		    struct lvs_ops *c)
{
	for (size_t i = 0; i < n; i++) {
		if (res && res[i]) {
			c->errors++;
			continue;
		}
		switch (ops[i].kind) {
		case FWD_SVC_NEW:
			c->svc_new++;
			break;
		case FWD_SVC_SET:
			c->svc_set += !ops[i].bind;
			break;
		case FWD_SVC_DEL:
			c->svc_del++;
			break;
		case FWD_DEST_NEW:
			c->dest_new++;
			break;
		case FWD_DEST_SET:
			c->dest_set++;
			break;
		case FWD_DEST_DEL:
			c->dest_del++;
			break;
		}
	}
}
