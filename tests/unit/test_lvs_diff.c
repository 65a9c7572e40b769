/* test_lvs_diff.c - reconcile: kernel table vs wanted -> minimal ops. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "daemon/lvs_diff.h"
#include "daemon/lvs_model.h"

static struct addr A(const char *s) {
	struct addr a;

	memset(&a, 0, sizeof(a));
	assert_int_equal(addr_parse(s, &a), 0);
	return a;
}

/* two services of 3 real servers each, built through the model */
struct fix {
	struct cfg c;
	struct cfg_vs vs[2];
	struct cfg_rs rss[2][3];
	struct lvs_rs_state rst[2][3];
	struct lvs_vs_state st[2];
	struct fwd_table kernel, want, owned;
	struct fwd_op *ops;
	size_t n;
};

static struct fix *fix_new(void)
{
	struct fix *f = calloc(1, sizeof(*f));
	const char *vip[2] = { "192.0.2.10", "192.0.2.11" };

	for (int v = 0; v < 2; v++) {
		struct cfg_vs *vs = &f->vs[v];

		vs->kind = CFG_VS_ADDR;
		vs->addr = A(vip[v]);
		vs->family = AF_INET;
		vs->port = 80;
		vs->protocol = IPPROTO_TCP;
		strcpy(vs->sched, "rr");
		vs->quorum = 1;
		for (int r = 0; r < 3; r++) {
			char ip[32];

			snprintf(ip, sizeof(ip), "198.51.100.%d",
				 10 * v + r + 1);
			f->rss[v][r].addr = A(ip);
			f->rss[v][r].port = 80;
			f->rss[v][r].weight = 1;
			f->rss[v][r].fwd.method = CFG_FWD_DR;
			f->rst[v][r] = (struct lvs_rs_state){ true, -1 };
		}
		vs->rss = f->rss[v];
		vs->n_rss = 3;
		f->st[v] = (struct lvs_vs_state){ true, f->rst[v] };
	}
	f->c.vss = f->vs;
	f->c.n_vss = 2;
	return f;
}

/* the kernel as if the configuration had been applied */
static void fix_apply(struct fix *f)
{
	fwd_table_free(&f->kernel);
	assert_int_equal(lvs_model_build(&f->c, f->st, false, &f->kernel), 0);
}

static void fix_diff(struct fix *f, bool own_all)
{
	struct lvs_diff_in in = {
		&f->kernel, &f->want, { &f->owned, NULL }, own_all, true
	};

	fwd_table_free(&f->want);
	fwd_table_free(&f->owned);
	free(f->ops);
	f->ops = NULL;
	assert_int_equal(lvs_model_build(&f->c, f->st, false, &f->want), 0);
	assert_int_equal(lvs_model_build(&f->c, NULL, true, &f->owned), 0);
	fwd_table_sort(&f->kernel);
	assert_int_equal(lvs_diff(&in, &f->ops, &f->n), 0);
}

static void fix_free(struct fix *f)
{
	fwd_table_free(&f->kernel);
	fwd_table_free(&f->want);
	fwd_table_free(&f->owned);
	free(f->ops);
	free(f);
}

static void from_empty(void **state)
{
	struct fix *f = fix_new();
	struct lvs_ops c = { 0 };

	(void)state;
	fix_diff(f, false);
	assert_int_equal(f->n, 8);
	assert_int_equal(f->ops[0].kind, FWD_SVC_NEW);
	assert_int_equal(f->ops[1].kind, FWD_DEST_NEW);
	lvs_diff_count(f->ops, f->n, NULL, &c);
	assert_int_equal(c.svc_new, 2);
	assert_int_equal(c.dest_new, 6);
	assert_int_equal(c.errors, 0);
	fix_free(f);
}

static void noop_is_zero_ops(void **state)
{
	struct fix *f = fix_new();

	(void)state;
	fix_apply(f);
	/* the kernel reports HASHED and counters; neither is a change */
	f->kernel.entries[0].svc.flags |= FWD_SVC_F_HASHED;
	f->kernel.entries[0].svc.ctr = fwd_table_add_counters(
		&f->kernel, &(struct fwd_counters){ .stats.conns = 42 });
	f->kernel.entries[0].dests[0].ctr = fwd_table_add_counters(
		&f->kernel, &(struct fwd_counters){ .active_conns = 3 });
	assert_int_equal(f->kernel.entries[0].dests[0].ctr, 2);
	assert_int_equal(
		fwd_table_counters(&f->kernel, f->kernel.entries[0].svc.ctr)
			->stats.conns,
		42);
	assert_null(fwd_table_counters(&f->kernel, 0));
	assert_null(fwd_table_counters(&f->kernel, 3));
	fix_diff(f, false);
	assert_int_equal(f->n, 0);
	assert_null(f->ops);
	fix_free(f);
}

static void local_node_is_not_a_change(void **state)
{
	struct fix *f = fix_new();

	(void)state;
	fix_apply(f);
	f->kernel.entries[0].dests[1].method = FWD_LOCAL;
	fix_diff(f, false);
	assert_int_equal(f->n, 0);
	fix_free(f);
}

static void one_weight_is_one_set(void **state)
{
	struct fix *f = fix_new();

	(void)state;
	fix_apply(f);
	f->rss[1][2].weight = 5;
	fix_diff(f, false);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->ops[0].kind, FWD_DEST_SET);
	assert_true(addr_eq(&f->ops[0].svc.addr, &f->vs[1].addr));
	assert_true(addr_eq(&f->ops[0].dest.addr, &f->rss[1][2].addr));
	assert_int_equal(f->ops[0].dest.weight, 5);
	fix_free(f);
}

static void removed_rs_is_one_del(void **state)
{
	struct fix *f = fix_new();
	struct fwd_table old_owned = { 0 };
	struct lvs_diff_in in;

	(void)state;
	fix_apply(f);
	assert_int_equal(lvs_model_build(&f->c, NULL, true, &old_owned), 0);
	f->vs[0].n_rss = 2; /* drop 198.51.100.3 from the configuration */
	/* as a dump leaves it: the operation must not carry the counters */
	f->kernel.entries[0].dests[2].ctr = fwd_table_add_counters(
		&f->kernel, &(struct fwd_counters){ .active_conns = 1 });
	fix_diff(f, false);
	/* the new configuration alone does not own it any more */
	assert_int_equal(f->n, 0);
	in = (struct lvs_diff_in){
		&f->kernel, &f->want, { &f->owned, &old_owned }, false, true
	};
	free(f->ops);
	assert_int_equal(lvs_diff(&in, &f->ops, &f->n), 0);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->ops[0].kind, FWD_DEST_DEL);
	assert_true(addr_eq(&f->ops[0].dest.addr, &f->rss[0][2].addr));
	assert_int_equal(f->ops[0].dest.ctr, 0);
	fwd_table_free(&old_owned);
	fix_free(f);
}

static void foreign_entries_untouched(void **state)
{
	struct fix *f = fix_new();
	struct fwd_svc s;
	struct fwd_dest d;
	struct fwd_entry *e;

	(void)state;
	fix_apply(f);
	/* a service added by hand with ipvsadm */
	memset(&s, 0, sizeof(s));
	s.af = AF_INET;
	s.protocol = IPPROTO_UDP;
	s.addr = A("192.0.2.99");
	s.port = 53;
	strcpy(s.sched, "wlc");
	e = fwd_table_add(&f->kernel, &s);
	memset(&d, 0, sizeof(d));
	d.addr = A("198.51.100.99");
	d.port = 53;
	d.weight = 1;
	assert_int_equal(fwd_entry_add_dest(e, &d), 0);
	/* and a destination added by hand to one of ours */
	assert_int_equal(fwd_entry_add_dest(&f->kernel.entries[0], &d), 0);
	fix_diff(f, false);
	assert_int_equal(f->n, 0);
	/* lvs_flush: everything in the kernel is ours */
	fix_diff(f, true);
	assert_int_equal(f->n, 2);
	assert_int_equal(f->ops[0].kind, FWD_DEST_DEL);
	assert_int_equal(f->ops[1].kind, FWD_SVC_DEL);
	assert_int_equal(f->ops[1].svc.port, 53);
	fix_free(f);
}

static void removed_vs_and_changed_sched(void **state)
{
	struct fix *f = fix_new();
	struct fwd_table old_owned = { 0 };
	struct lvs_diff_in in;

	(void)state;
	fix_apply(f);
	assert_int_equal(lvs_model_build(&f->c, NULL, true, &old_owned), 0);
	strcpy(f->vs[0].sched, "wlc");
	f->c.n_vss = 1;
	fix_diff(f, false);
	in = (struct lvs_diff_in){
		&f->kernel, &f->want, { &f->owned, &old_owned }, false, true
	};
	free(f->ops);
	assert_int_equal(lvs_diff(&in, &f->ops, &f->n), 0);
	assert_int_equal(f->n, 2);
	assert_int_equal(f->ops[0].kind, FWD_SVC_SET);
	assert_string_equal(f->ops[0].svc.sched, "wlc");
	assert_int_equal(f->ops[1].kind, FWD_SVC_DEL);
	assert_true(addr_eq(&f->ops[1].svc.addr, &f->vs[1].addr));
	fwd_table_free(&old_owned);
	fix_free(f);
}

static void quorum_loss_swaps_in_sorry(void **state)
{
	struct fix *f = fix_new();
	struct lvs_ops c = { 0 };

	(void)state;
	f->vs[0].has_sorry = true;
	f->vs[0].sorry_addr = A("203.0.113.9");
	f->vs[0].sorry_port = 8080;
	f->vs[0].quorum = 2;
	fix_apply(f);
	f->rst[0][0].up = false;
	f->rst[0][1].up = false;
	f->st[0].quorum_up = lvs_model_quorum(&f->vs[0], f->rst[0], true);
	assert_false(f->st[0].quorum_up);
	fix_diff(f, false);
	lvs_diff_count(f->ops, f->n, NULL, &c);
	/* all three real servers out, the sorry server in */
	assert_int_equal(f->n, 4);
	assert_int_equal(c.dest_del, 3);
	assert_int_equal(c.dest_new, 1);
	for (size_t i = 0; i < f->n; i++)
		if (f->ops[i].kind == FWD_DEST_NEW) {
			assert_true(addr_eq(&f->ops[i].dest.addr,
					    &f->vs[0].sorry_addr));
			assert_int_equal(f->ops[i].dest.port, 8080);
			assert_int_equal(f->ops[i].dest.weight, 1);
		}
	fix_free(f);
}

static void failed_ops_are_counted_as_errors(void **state)
{
	struct fix *f = fix_new();
	struct lvs_ops c = { 0 };
	int res[8] = { 0, -17, 0, 0, -3, 0, 0, 0 };

	(void)state;
	fix_diff(f, false);
	assert_int_equal(f->n, 8);
	lvs_diff_count(f->ops, f->n, res, &c);
	assert_int_equal(c.errors, 2);
	assert_int_equal(c.svc_new + c.dest_new, 6);
	fix_free(f);
}

/* a service with destinations 198.51.100.X:(10000 + i / 250) for i in
 * [first, first + n), weight 1 */
static void big_entry(struct fwd_table *t, const struct fwd_svc *s,
		      unsigned first, unsigned n)
{
	struct fwd_entry *e = fwd_table_add(t, s);

	assert_non_null(e);
	for (unsigned i = first; i < first + n; i++) {
		struct fwd_dest d;
		char ip[32];

		memset(&d, 0, sizeof(d));
		snprintf(ip, sizeof(ip), "198.51.100.%u", i % 250 + 1);
		d.addr = A(ip);
		d.port = (uint16_t)(10000 + i / 250);
		d.method = FWD_MASQ;
		d.weight = 1;
		assert_int_equal(fwd_entry_add_dest(e, &d), 0);
	}
}

/* a new wrr/sh/dh/mh service of LVS_DIFF_DEFER_MIN destinations or more
 * is created with no scheduler, which is bound after its destinations */
static void defer_sched_binds_after_dests(void **state)
{
	struct fwd_table kernel = { 0 }, want = { 0 };
	struct lvs_diff_in in = { &kernel, &want, { NULL, NULL }, false, true };
	const struct {
		const char *sched;
		size_t n;
		bool defer;
	} cases[] = {
		{ "wrr", LVS_DIFF_DEFER_MIN, true },
		{ "mh", 100, true },
		{ "sh", 20, true },
		{ "dh", 20, true },
		{ "wrr", LVS_DIFF_DEFER_MIN - 1, false },
		{ "rr", 100, false },
		{ "wlc", 100, false },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct fwd_svc s;
		struct fwd_op *ops = NULL;
		struct lvs_ops c = { 0 };
		size_t n = 0, nd = cases[k].n;

		memset(&s, 0, sizeof(s));
		s.af = AF_INET;
		s.protocol = IPPROTO_TCP;
		s.addr = A("203.0.113.1");
		s.port = 80;
		s.timeout = 300;
		strcpy(s.sched, cases[k].sched);
		big_entry(&want, &s, 0, nd);
		fwd_table_sort(&want);
		for (int pass = 0; pass < 2; pass++) {
			bool defer = pass == 0 && cases[k].defer;

			in.defer_sched = pass == 0;
			assert_int_equal(lvs_diff(&in, &ops, &n), 0);
			assert_int_equal(n, 1 + nd + defer);
			assert_int_equal(ops[0].kind, FWD_SVC_NEW);
			assert_string_equal(ops[0].svc.sched,
					    defer ? LVS_DIFF_SCHED_NONE :
						    cases[k].sched);
			/* everything else of the service from the start */
			assert_int_equal(ops[0].svc.timeout, 300);
			for (size_t i = 1; i <= nd; i++)
				assert_int_equal(ops[i].kind, FWD_DEST_NEW);
			if (defer) {
				assert_int_equal(ops[n - 1].kind, FWD_SVC_SET);
				assert_true(ops[n - 1].bind);
				assert_string_equal(ops[n - 1].svc.sched,
						    cases[k].sched);
				assert_true(
					lvs_diff_svc_same(&ops[n - 1].svc, &s));
			}
			/* the bind counts with the new service */
			memset(&c, 0, sizeof(c));
			lvs_diff_count(ops, n, NULL, &c);
			assert_int_equal(c.svc_new, 1);
			assert_int_equal(c.svc_set, 0);
			assert_int_equal(c.dest_new, nd);
			free(ops);
		}
		fwd_table_free(&want);
		memset(&want, 0, sizeof(want));
	}
	assert_false(lvs_diff_sched_per_dest("rr"));
	assert_true(lvs_diff_sched_per_dest("wrr"));
}

/* two services of 10,000 destinations that overlap by half, a tenth of the
 * shared ones with a new weight: every difference found, nothing more */
static void ten_thousand_dests(void **state)
{
	struct fwd_table kernel = { 0 }, want = { 0 };
	struct lvs_diff_in in = { &kernel, &want, { NULL, NULL }, true, true };
	struct fwd_svc s;
	struct fwd_op *ops = NULL;
	struct lvs_ops c = { 0 };
	size_t n = 0;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.af = AF_INET;
	s.protocol = IPPROTO_TCP;
	s.addr = A("203.0.113.1");
	s.port = 80;
	strcpy(s.sched, "rr");
	big_entry(&kernel, &s, 0, 10000);
	big_entry(&want, &s, 5000, 10000);
	/* the dumped order is the kernel's, not ours */
	for (size_t i = 0; i < 5000; i += 2) {
		struct fwd_dest t = kernel.entries[0].dests[i];

		kernel.entries[0].dests[i] = kernel.entries[0].dests[9999 - i];
		kernel.entries[0].dests[9999 - i] = t;
	}
	for (size_t i = 0; i < 5000; i += 10)
		want.entries[0].dests[i].weight = 7;
	fwd_table_sort(&kernel);
	fwd_table_sort(&want);
	assert_int_equal(lvs_diff(&in, &ops, &n), 0);
	lvs_diff_count(ops, n, NULL, &c);
	assert_int_equal(c.dest_del, 5000);
	assert_int_equal(c.dest_new, 5000);
	assert_int_equal(c.dest_set, 500);
	assert_int_equal(c.svc_new + c.svc_set + c.svc_del, 0);
	assert_int_equal(n, 10500);
	for (size_t i = 0; i < n; i++) {
		unsigned idx = (ops[i].dest.port - 10000) * 250 +
			       (ops[i].dest.addr.u.bytes[3] - 1);

		if (ops[i].kind == FWD_DEST_DEL)
			assert_true(idx < 5000);
		else if (ops[i].kind == FWD_DEST_NEW)
			assert_true(idx >= 10000);
		else
			assert_int_equal(ops[i].dest.weight, 7);
	}
	free(ops);
	fwd_table_free(&kernel);
	fwd_table_free(&want);
}

/* lvs_diff_stream hands over what lvs_diff lists, in the same order, in
 * pieces of at most cap, and only the final piece is marked last */
struct pieces {
	struct fwd_op *v;
	size_t n, calls, cap;
	bool saw_last;
};

static void take_piece(void *arg, const struct fwd_op *ops, size_t n, bool last)
{
	struct pieces *p = arg;

	assert_false(p->saw_last);
	assert_true(n > 0 && n <= p->cap);
	/* a piece not marked last is full */
	if (!last)
		assert_int_equal(n, p->cap);
	p->v = realloc(p->v, (p->n + n) * sizeof(*p->v));
	memcpy(p->v + p->n, ops, n * sizeof(*ops));
	p->n += n;
	p->calls++;
	p->saw_last = last;
}

static void stream_equals_list(void **state)
{
	struct fwd_table kernel = { 0 }, want = { 0 };
	struct lvs_diff_in in = { &kernel, &want, { NULL, NULL }, true, true };
	struct fwd_svc s[3];
	struct fwd_op *ops = NULL;
	size_t n = 0;

	(void)state;
	for (int i = 0; i < 3; i++) {
		memset(&s[i], 0, sizeof(s[i]));
		s[i].af = AF_INET;
		s[i].protocol = IPPROTO_TCP;
		s[i].addr = A("203.0.113.1");
		s[i].port = (uint16_t)(80 + i);
		strcpy(s[i].sched, i ? "wrr" : "rr");
	}
	/* a service to change, one to create (deferred scheduler), one to
	 * delete */
	big_entry(&kernel, &s[0], 0, 300);
	big_entry(&want, &s[0], 100, 300);
	big_entry(&want, &s[1], 0, 50);
	big_entry(&kernel, &s[2], 0, 20);
	fwd_table_sort(&kernel);
	fwd_table_sort(&want);
	assert_int_equal(lvs_diff(&in, &ops, &n), 0);
	assert_int_equal(n, 100 + 100 + 1 + 50 + 1 + 1);
	for (size_t cap = 1; cap <= n + 1; cap += cap < 8 ? 1 : 37) {
		struct fwd_op *buf = calloc(cap, sizeof(*buf));
		struct pieces p = { .cap = cap };

		lvs_diff_stream(&in, buf, cap, take_piece, &p);
		assert_int_equal(p.n, n);
		assert_true(p.saw_last);
		assert_int_equal(p.calls, (n + cap - 1) / cap);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(p.v[i].kind, ops[i].kind);
			assert_int_equal(p.v[i].bind, ops[i].bind);
			assert_memory_equal(&p.v[i].svc, &ops[i].svc,
					    sizeof(ops[i].svc));
			assert_memory_equal(&p.v[i].dest, &ops[i].dest,
					    sizeof(ops[i].dest));
		}
		free(p.v);
		free(buf);
	}
	/* nothing to do: no call */
	{
		struct fwd_op buf[4];
		struct pieces p = { .cap = 4 };

		in.kernel = &want;
		lvs_diff_stream(&in, buf, 4, take_piece, &p);
		assert_int_equal(p.calls, 0);
	}
	free(ops);
	fwd_table_free(&kernel);
	fwd_table_free(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(from_empty),
		cmocka_unit_test(noop_is_zero_ops),
		cmocka_unit_test(local_node_is_not_a_change),
		cmocka_unit_test(one_weight_is_one_set),
		cmocka_unit_test(removed_rs_is_one_del),
		cmocka_unit_test(foreign_entries_untouched),
		cmocka_unit_test(removed_vs_and_changed_sched),
		cmocka_unit_test(quorum_loss_swaps_in_sorry),
		cmocka_unit_test(failed_ops_are_counted_as_errors),
		cmocka_unit_test(ten_thousand_dests),
		cmocka_unit_test(defer_sched_binds_after_dests),
		cmocka_unit_test(stream_equals_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
