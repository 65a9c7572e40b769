/* test_lvs_model.c - configuration + health -> desired IPVS table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "daemon/lvs_int.h"
#include "daemon/lvs_model.h"

static struct addr A(const char *s) {
	struct addr a;

	memset(&a, 0, sizeof(a));
	assert_int_equal(addr_parse(s, &a), 0);
	return a;
}

static struct cfg_rs
RS(const char *ip, uint16_t port, int weight) {
	struct cfg_rs rs;

	memset(&rs, 0, sizeof(rs));
	rs.addr = A(ip);
	rs.port = port;
	rs.weight = weight;
	rs.fwd.method = CFG_FWD_DR;
	return rs;
}

/* one virtual_server 192.0.2.10 80 (tcp, DR, wlc) with 3 real servers */
struct fix {
	struct cfg c;
	struct cfg_vs vs;
	struct cfg_rs rss[3];
	struct lvs_rs_state rst[3];
	struct lvs_vs_state st;
	struct fwd_table t;
	struct cfg_rs_ext ext0; /* rss[0]'s settings beyond the common ones */
};

static struct fix *fix_new(void)
{
	struct fix *f = calloc(1, sizeof(*f));

	f->vs.kind = CFG_VS_ADDR;
	f->vs.addr = A("192.0.2.10");
	f->vs.family = AF_INET;
	f->vs.port = 80;
	f->vs.protocol = IPPROTO_TCP;
	strcpy(f->vs.sched, "wlc");
	f->vs.fwd.method = CFG_FWD_DR;
	f->vs.quorum = 1;
	f->rss[0] = RS("198.51.100.11", 80, 1);
	f->rss[1] = RS("198.51.100.12", 0, 3);
	f->rss[2] = RS("198.51.100.13", 8080, 2);
	f->vs.rss = f->rss;
	f->vs.n_rss = 3;
	f->c.vss = &f->vs;
	f->c.n_vss = 1;
	for (int i = 0; i < 3; i++)
		f->rst[i] = (struct lvs_rs_state){ .up = true, .weight = -1 };
	f->st.rs = f->rst;
	f->st.quorum_up = true;
	return f;
}

static void fix_free(struct fix *f)
{
	fwd_table_free(&f->t);
	free(f);
}

static const struct fwd_dest *dest(const struct fwd_entry *e, const char *ip,
				   uint16_t port)
{
	struct fwd_dest d = { .addr = A(ip), .port = port };

	return fwd_entry_find_dest(e, &d);
}

static void plain_service(void **state)
{
	struct fix *f = fix_new();
	const struct fwd_entry *e;

	(void)state;
	f->ext0.uthreshold = 100;
	f->ext0.lthreshold = 10;
	f->rss[0].ext = &f->ext0;
	assert_int_equal(lvs_model_build(&f->c, &f->st, false, &f->t), 0);
	assert_int_equal(f->t.n, 1);
	e = &f->t.entries[0];
	assert_int_equal(e->svc.af, AF_INET);
	assert_int_equal(e->svc.protocol, IPPROTO_TCP);
	assert_int_equal(e->svc.port, 80);
	assert_string_equal(e->svc.sched, "wlc");
	assert_int_equal(e->svc.flags, 0);
	assert_int_equal(e->svc.timeout, 0);
	assert_int_equal(e->svc.netmask, 0xffffffff);
	assert_int_equal(e->n_dests, 3);
	assert_int_equal(dest(e, "198.51.100.11", 80)->u_thresh, 100);
	assert_int_equal(dest(e, "198.51.100.11", 80)->l_thresh, 10);
	assert_int_equal(dest(e, "198.51.100.11", 80)->method, FWD_DROUTE);
	/* no port: the service's */
	assert_int_equal(dest(e, "198.51.100.12", 80)->weight, 3);
	/* DR forwards to the service's port: keepalived resets another */
	assert_null(dest(e, "198.51.100.13", 8080));
	assert_non_null(dest(e, "198.51.100.13", 80));
	fix_free(f);
}

static void persistence_and_flags(void **state)
{
	struct fix *f = fix_new();
	const struct fwd_entry *e;

	(void)state;
	strcpy(f->vs.sched, "sh");
	f->vs.sh_port = true;
	f->vs.sh_fallback = true;
	f->vs.persistent = true;
	f->vs.persistence_timeout = 360;
	f->vs.persistence_granularity = A("255.255.255.0");
	assert_int_equal(lvs_model_build(&f->c, &f->st, false, &f->t), 0);
	e = &f->t.entries[0];
	assert_int_equal(e->svc.flags, FWD_SVC_F_PERSISTENT | FWD_SVC_F_SCHED1 |
					       FWD_SVC_F_SCHED2);
	assert_int_equal(e->svc.timeout, 360);
	assert_int_equal(e->svc.netmask, htonl(0xffffff00));
	fix_free(f);
}

static void ipv6_granularity_is_a_prefix(void **state)
{
	struct fix *f = fix_new();
	const struct fwd_entry *e;

	(void)state;
	f->vs.addr = A("2001:db8::10");
	f->vs.family = AF_INET6;
	f->vs.persistent = true;
	f->vs.persistence_timeout = 60;
	f->vs.ops = true;
	f->vs.protocol = IPPROTO_UDP;
	f->vs.n_rss = 1;
	f->rss[0] = RS("2001:db8:1::11", 53, 1);
	assert_int_equal(lvs_model_build(&f->c, &f->st, false, &f->t), 0);
	e = &f->t.entries[0];
	assert_int_equal(e->svc.af, AF_INET6);
	assert_int_equal(e->svc.netmask, 128);
	assert_int_equal(e->svc.flags,
			 FWD_SVC_F_PERSISTENT | FWD_SVC_F_ONEPACKET);
	fwd_table_free(&f->t);
	f->vs.persistence_granularity = A("ffff:ffff:ffff:ffff::");
	assert_int_equal(lvs_model_build(&f->c, &f->st, false, &f->t), 0);
	assert_int_equal(f->t.entries[0].svc.netmask, 64);
	fix_free(f);
}

static void tunnel_options(void **state)
{
	struct fix *f = fix_new();
	const struct fwd_dest *d;

	(void)state;
	f->rss[0].fwd = (struct cfg_fwd_method){ .method = CFG_FWD_TUN,
						 .tun_type = CFG_TUN_GUE,
						 .tun_port = 6080,
						 .tun_csum = CFG_TUN_REMCSUM };
	f->rss[1].fwd = (struct cfg_fwd_method){ .method = CFG_FWD_TUN,
						 .tun_type = CFG_TUN_GRE,
						 .tun_csum = CFG_TUN_CSUM };
	f->rss[2].fwd.method = CFG_FWD_NAT;
	assert_int_equal(lvs_model_build(&f->c, &f->st, false, &f->t), 0);
	d = dest(&f->t.entries[0], "198.51.100.11", 80);
	assert_int_equal(d->method, FWD_TUNNEL);
	assert_int_equal(d->tun_type, 1);
	assert_int_equal(d->tun_port, 6080);
	assert_int_equal(d->tun_flags, 2);
	d = dest(&f->t.entries[0], "198.51.100.12", 80);
	assert_int_equal(d->tun_type, 2);
	assert_int_equal(d->tun_port, 0);
	assert_int_equal(d->tun_flags, 1);
	assert_int_equal(dest(&f->t.entries[0], "198.51.100.13", 8080)->method,
			 FWD_MASQ);
	fix_free(f);
}

static void down_removed_or_inhibited(void **state)
{
	struct fix *f = fix_new();
	const struct fwd_entry *e;

	(void)state;
	f->rst[0].up = false;
	f->rst[1].up = false;
	f->rss[1].inhibit_on_failure = true;
	f->rst[2].weight = 9; /* misc_dynamic */
	assert_int_equal(lvs_model_build(&f->c, &f->st, false, &f->t), 0);
	e = &f->t.entries[0];
	assert_int_equal(e->n_dests, 2);
	assert_null(dest(e, "198.51.100.11", 80));
	assert_int_equal(dest(e, "198.51.100.12", 80)->weight, 0);
	assert_int_equal(dest(e, "198.51.100.13", 80)->weight, 9);
	fwd_table_free(&f->t);
	/* everything owned: health ignored */
	assert_int_equal(lvs_model_build(&f->c, NULL, true, &f->t), 0);
	assert_int_equal(f->t.entries[0].n_dests, 3);
	fix_free(f);
}

static void quorum_hysteresis(void **state)
{
	struct fix *f = fix_new();

	(void)state;
	/* weights 1 + 3 + 2 = 6; quorum 5, hysteresis 1: lost below 4,
	 * regained at 6 */
	f->vs.quorum = 5;
	f->vs.hysteresis = 1;
	assert_true(lvs_model_quorum(&f->vs, f->rst, true));
	f->rst[2].up = false; /* 4 */
	assert_true(lvs_model_quorum(&f->vs, f->rst, true));
	f->rst[0].up = false; /* 3 */
	assert_false(lvs_model_quorum(&f->vs, f->rst, true));
	f->rst[0].up = true; /* 4: not yet regained */
	assert_false(lvs_model_quorum(&f->vs, f->rst, false));
	f->rst[2].up = true; /* 6 */
	assert_true(lvs_model_quorum(&f->vs, f->rst, false));
	/* a quorum above the total weight (6) is reduced to it */
	f->vs.quorum = 10;
	f->vs.hysteresis = 0;
	assert_int_equal(lvs_model_quorum_of(&f->vs), 6);
	assert_true(lvs_model_quorum(&f->vs, f->rst, false));
	/* a zero sum always loses */
	f->vs.quorum = 0;
	f->vs.hysteresis = 0;
	for (int i = 0; i < 3; i++)
		f->rst[i].up = false;
	assert_false(lvs_model_quorum(&f->vs, f->rst, true));
	fix_free(f);
}

static void sorry_server_swap(void **state)
{
	struct fix *f = fix_new();
	const struct fwd_entry *e;

	(void)state;
	f->vs.has_sorry = true;
	f->vs.sorry_addr = A("203.0.113.9");
	f->vs.sorry_has_fwd = true;
	f->vs.sorry_fwd.method = CFG_FWD_NAT;
	f->rss[2].inhibit_on_failure = true;
	/* quorum up, no sorry_server_inhibit: no sorry server */
	assert_int_equal(lvs_model_build(&f->c, &f->st, false, &f->t), 0);
	assert_null(dest(&f->t.entries[0], "203.0.113.9", 80));
	fwd_table_free(&f->t);
	/* quorum lost: sorry in, live real servers out (inhibited: 0) */
	f->st.quorum_up = false;
	assert_int_equal(lvs_model_build(&f->c, &f->st, false, &f->t), 0);
	e = &f->t.entries[0];
	assert_int_equal(e->n_dests, 2);
	assert_int_equal(dest(e, "203.0.113.9", 80)->weight, 1);
	assert_int_equal(dest(e, "203.0.113.9", 80)->method, FWD_MASQ);
	assert_int_equal(dest(e, "198.51.100.13", 80)->weight, 0);
	fwd_table_free(&f->t);
	/* sorry_server_inhibit: kept at weight 0 while quorum is up */
	f->st.quorum_up = true;
	f->vs.sorry_inhibit = true;
	assert_int_equal(lvs_model_build(&f->c, &f->st, false, &f->t), 0);
	e = &f->t.entries[0];
	assert_int_equal(e->n_dests, 4);
	assert_int_equal(dest(e, "203.0.113.9", 80)->weight, 0);
	assert_int_equal(dest(e, "198.51.100.13", 80)->weight, 2);
	fix_free(f);
}

static void group_with_range_and_fwmark(void **state)
{
	struct fix *f = fix_new();
	struct cfg_vsg g;
	struct cfg_vsg_entry ge[3];
	struct fwd_svc s;

	(void)state;
	memset(&g, 0, sizeof(g));
	memset(ge, 0, sizeof(ge));
	strcpy(g.name, "web");
	ge[0].first = A("192.0.2.20");
	ge[0].last = A("192.0.2.22");
	ge[0].port = 443;
	ge[1].is_fwmark = true;
	ge[1].fwmark = 7;
	ge[2].first = ge[2].last = A("2001:db8::1"); /* the inet6 VS's */
	ge[2].port = 80;
	g.entries = ge;
	g.n_entries = 3;
	f->c.groups = &g;
	f->c.n_groups = 1;
	f->vs.kind = CFG_VS_GROUP;
	f->vs.group = 0;
	memset(&f->vs.addr, 0, sizeof(f->vs.addr));
	f->vs.port = 0;
	assert_int_equal(lvs_model_build(&f->c, &f->st, false, &f->t), 0);
	assert_int_equal(f->t.n, 4);
	memset(&s, 0, sizeof(s));
	s.af = AF_INET;
	s.protocol = IPPROTO_TCP;
	s.port = 443;
	s.addr = A("192.0.2.20");
	assert_non_null(fwd_table_find(&f->t, &s));
	s.addr = A("192.0.2.21");
	assert_non_null(fwd_table_find(&f->t, &s));
	s.addr = A("192.0.2.22");
	/* real server without a port takes the entry's */
	assert_non_null(dest(fwd_table_find(&f->t, &s), "198.51.100.12", 443));
	memset(&s, 0, sizeof(s));
	s.af = AF_INET;
	s.fwmark = 7;
	assert_int_equal(fwd_table_find(&f->t, &s)->n_dests, 3);
	/* DR into a fwmark service: port 0, whatever was configured */
	assert_non_null(dest(fwd_table_find(&f->t, &s), "198.51.100.11", 0));
	fix_free(f);
}

static void duplicates_first_wins(void **state)
{
	struct fix *f = fix_new();
	struct cfg_vs two[2];

	(void)state;
	two[0] = f->vs;
	two[1] = f->vs;
	strcpy(two[1].sched, "rr");
	f->c.vss = two;
	f->c.n_vss = 2;
	/* a sorry server that is also a real server: listed once */
	two[0].has_sorry = true;
	two[0].sorry_inhibit = true;
	two[0].sorry_addr = A("198.51.100.11");
	assert_int_equal(
		lvs_model_build(&f->c, (struct lvs_vs_state[]){ f->st, f->st },
				false, &f->t),
		0);
	assert_int_equal(f->t.n, 1);
	assert_string_equal(f->t.entries[0].svc.sched, "wlc");
	assert_int_equal(f->t.entries[0].n_dests, 3);
	assert_int_equal(dest(&f->t.entries[0], "198.51.100.11", 80)->weight,
			 1);
	fix_free(f);
}

/* the status object: weights and counters from the kernel's table, summed
 * per real server; a removed one has no current weight; a dynamic weight
 * and the health come from the state */
static void status_from_kernel_table(void **state)
{
	static const struct fwd_backend be = { .name = "test" };
	struct fix *f = fix_new();
	struct fwd_counters sc = { .stats.conns = 11 };
	struct fwd_counters dc = { .active_conns = 5,
				   .inact_conns = 2,
				   .stats = { .conns = 9, .inbytes = 1234 } };
	struct fwd_table kern = { 0 };
	struct json_object *o, *vs, *rs, *v;
	struct fwd_entry *e;
	struct fwd_dest d;
	struct lvs l;
	struct jw w;
	char *s;

	(void)state;
	f->rst[1].up = false;
	f->rst[2].weight = 7;
	assert_int_equal(lvs_model_vs(&f->c, 0, NULL, true, &f->t), 0);
	e = fwd_table_add(&kern, &f->t.entries[0].svc);
	assert_non_null(e);
	e->svc.ctr = fwd_table_add_counters(&kern, &sc);
	d = *dest(&f->t.entries[0], "198.51.100.11", 80);
	d.weight = 1;
	d.ctr = fwd_table_add_counters(&kern, &dc);
	assert_int_equal(fwd_entry_add_dest(&kern.entries[0], &d), 0);
	d = *dest(&f->t.entries[0], "198.51.100.13", 80);
	d.weight = 7;
	d.ctr = 0;
	assert_int_equal(fwd_entry_add_dest(&kern.entries[0], &d), 0);
	fwd_table_sort(&kern);

	memset(&l, 0, sizeof(l));
	l.be = &be;
	l.cfg = &f->c;
	l.st = &f->st;
	l.last.dest_set = 1;
	l.total.dest_new = 3;
	l.pending = true;
	jw_init(&w);
	lvs_status_emit(&w, NULL, &l, &kern);
	s = jw_finish(&w, NULL);
	assert_non_null(s);
	o = json_tokener_parse(s);
	assert_non_null(o);
#define GET(obj, path) json_object_object_get(obj, path)
	assert_true(json_object_get_boolean(GET(o, "enabled")));
	assert_string_equal(json_object_get_string(GET(o, "backend")), "test");
	assert_int_equal(
		json_object_get_int(GET(GET(o, "last_ops"), "dest_set")), 1);
	assert_int_equal(
		json_object_get_int(GET(GET(o, "total_ops"), "dest_new")), 3);
	assert_true(json_object_get_boolean(GET(o, "retry_pending")));
	assert_int_equal(json_object_get_int(GET(o, "kernel_services")), 1);
	assert_null(GET(o, "sync_daemon"));
	vs = json_object_array_get_idx(GET(o, "virtual_servers"), 0);
	assert_non_null(vs);
	assert_string_equal(json_object_get_string(GET(vs, "scheduler")),
			    "wlc");
	assert_true(json_object_get_boolean(GET(vs, "quorum_up")));
	assert_null(GET(vs, "sorry_server"));
	v = json_object_array_get_idx(GET(vs, "services"), 0);
	assert_true(json_object_get_boolean(GET(v, "installed")));
	assert_int_equal(json_object_get_int(GET(v, "conns")), 11);
	assert_int_equal(json_object_array_length(GET(vs, "real_servers")), 3);

	rs = json_object_array_get_idx(GET(vs, "real_servers"), 0);
	assert_string_equal(json_object_get_string(GET(rs, "address")),
			    "198.51.100.11");
	assert_string_equal(json_object_get_string(GET(rs, "method")), "DR");
	assert_int_equal(json_object_get_int(GET(rs, "current_weight")), 1);
	assert_int_equal(json_object_get_int(GET(rs, "weight")), 1);
	assert_int_equal(json_object_get_int(GET(rs, "active_conns")), 5);
	assert_int_equal(json_object_get_int(GET(rs, "inactive_conns")), 2);
	assert_int_equal(json_object_get_int(GET(rs, "conns")), 9);
	assert_int_equal(json_object_get_int(GET(rs, "inbytes")), 1234);
	assert_null(GET(rs, "dynamic_weight"));
	assert_string_equal(json_object_get_string(GET(rs, "health")), "up");

	rs = json_object_array_get_idx(GET(vs, "real_servers"), 1);
	assert_true(json_object_object_get_ex(rs, "current_weight", &v));
	assert_null(v);
	assert_int_equal(json_object_get_int(GET(rs, "active_conns")), 0);
	assert_string_equal(json_object_get_string(GET(rs, "health")), "down");

	rs = json_object_array_get_idx(GET(vs, "real_servers"), 2);
	assert_int_equal(json_object_get_int(GET(rs, "port")), 8080);
	assert_int_equal(json_object_get_int(GET(rs, "current_weight")), 7);
	assert_int_equal(json_object_get_int(GET(rs, "dynamic_weight")), 7);
	assert_int_equal(json_object_get_int(GET(rs, "weight")), 2);
	assert_int_equal(json_object_get_int(GET(rs, "conns")), 0);
#undef GET
	json_object_put(o);
	free(s);
	fwd_table_free(&kern);
	fix_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_service),
		cmocka_unit_test(persistence_and_flags),
		cmocka_unit_test(ipv6_granularity_is_a_prefix),
		cmocka_unit_test(tunnel_options),
		cmocka_unit_test(down_removed_or_inhibited),
		cmocka_unit_test(quorum_hysteresis),
		cmocka_unit_test(sorry_server_swap),
		cmocka_unit_test(group_with_range_and_fwmark),
		cmocka_unit_test(duplicates_first_wins),
		cmocka_unit_test(status_from_kernel_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
