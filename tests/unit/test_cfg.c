/*
 * test_cfg.c - the configuration loader on good files (parsed values and
 * keepalived's defaults asserted) and on bad files (file, line and message
 * asserted). Data lives in tests/unit/conf/, found through $srcdir or
 * $DD_SRCDIR (the source tree root), else next to this file. Files that
 * name other files (the SSL { } PEM files in conf/tls/) do so relative to
 * their own directory: they are loaded from there (load_here).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "cfg.h"

static char confdir[PATH_MAX / 2];

static void find_confdir(void)
{
	const char *root = getenv("srcdir");

	if (!root)
		root = getenv("DD_SRCDIR");
	if (root) {
		snprintf(confdir, sizeof(confdir), "%s/tests/unit/conf", root);
	} else {
		const char *slash = strrchr(__FILE__, '/');

		snprintf(confdir, sizeof(confdir), "%.*s/conf",
			 slash ? (int)(slash - __FILE__) : 1,
			 slash ? __FILE__ : ".");
	}
}

static const char *path(const char *rel, char *buf)
{
	if ((size_t)snprintf(buf, PATH_MAX, "%s/%s", confdir, rel) >= PATH_MAX)
		fail_msg("path too long: %s/%s", confdir, rel);
	return buf;
}

/*
 * load_here - cfg_load @rel with its own directory as the working
 * directory, so that the relative paths it names resolve next to it
 * whatever directory the test runs from; the working directory is back
 * when it returns.
 */
static struct cfg *load_here(const char *rel, const struct cfg_opts *o,
			     struct cfg_diag *d)
{
	char p[PATH_MAX], abs[PATH_MAX], dir[PATH_MAX], old[PATH_MAX];
	char *slash;
	struct cfg *c;

	assert_non_null(getcwd(old, sizeof(old)));
	if (!realpath(path(rel, p), abs))
		fail_msg("%s: %s", p, strerror(errno));
	snprintf(dir, sizeof(dir), "%s", abs);
	slash = strrchr(dir, '/');
	assert_non_null(slash);
	*slash = '\0';
	assert_int_equal(chdir(dir[0] ? dir : "/"), 0);
	c = cfg_load(abs, o, d);
	assert_int_equal(chdir(old), 0);
	return c;
}

/* Load a file that must pass; print the messages when it does not. */
static struct cfg *load_good(const char *rel, const char *id,
			     struct cfg_diag *d)
{
	struct cfg_opts o = { .config_id = id };
	char p[PATH_MAX], buf[1024];
	struct cfg *c = cfg_load(path(rel, p), &o, d);
	size_t i;

	for (i = 0; !c && i < d->n_msgs; i++)
		print_error("%s\n",
			    cfg_diag_fmt(&d->msgs[i], buf, sizeof(buf)));
	assert_non_null(c);
	return c;
}

static void assert_addr(const struct addr *a, const char *text)
{
	char buf[ADDR_STRLEN];

	assert_string_equal(addr_fmt(a, buf), text);
}

static bool has_msg(const struct cfg_diag *d, enum cfg_sev sev, const char *sub)
{
	size_t i;

	for (i = 0; i < d->n_msgs; i++)
		if (d->msgs[i].sev == sev && strstr(d->msgs[i].text, sub))
			return true;
	return false;
}

#define SEC 1000000ull

/* ---- good files --------------------------------------------------------- */

static void test_dr_pair_global(void **state)
{
	struct cfg_diag d;
	struct cfg *c = load_good("good/dr-pair.conf", NULL, &d);
	const struct cfg_global *g = &c->global;

	assert_string_equal(g->router_id, "LVS_A");
	assert_string_equal(g->script_user, "nobody");
	assert_string_equal(g->script_group, "nogroup");
	assert_true(g->enable_script_security);
	assert_int_equal(g->vrrp_garp_master_delay_us, 2 * SEC);
	assert_int_equal(g->vrrp_garp_master_repeat, 3);
	assert_int_equal(g->vrrp_garp_lower_prio_delay_us, 2 * SEC);
	assert_int_equal(g->vrrp_garp_lower_prio_repeat, 3);
	assert_true(g->vrrp_skip_check_adv_addr);
	assert_true(g->lvs_sync_daemon.set);
	assert_string_equal(g->lvs_sync_daemon.ifname, "eth0");
	assert_string_equal(g->lvs_sync_daemon.instance, "VI_WEB");
	assert_int_equal(g->lvs_sync_daemon.syncid, 7);
	assert_int_equal(g->lvs_sync_daemon.port, 8848);
	assert_int_equal(g->lvs_timeout_tcp, 900);
	assert_int_equal(g->lvs_timeout_tcpfin, 120);
	assert_int_equal(g->lvs_timeout_udp, 300);
	assert_true(g->checker_log_all_failures);
	assert_string_equal(g->ssl_cert, "/etc/ssl/certs/director.pem");
	assert_addr(&g->vrrp_mcast_group4, "224.0.0.18");
	assert_true(has_msg(&d, CFG_WARN,
			    "'notification_email' is ignored by directord"));
	assert_int_equal(d.n_errors, 0);

	/* vrrp_script with escapes in a double-quoted string */
	assert_int_equal(c->n_scripts, 1);
	assert_string_equal(c->scripts[0].name, "chk_ipvs");
	assert_string_equal(c->scripts[0].script.cmd,
			    "/usr/local/bin/chk \"ipvs\" --tab\t1");
	assert_string_equal(c->scripts[0].script.user, "root");
	assert_int_equal(c->scripts[0].interval_us, 2500000);
	assert_int_equal(c->scripts[0].timeout_us, 2500000);
	assert_int_equal(c->scripts[0].weight, -20);
	assert_int_equal(c->scripts[0].fall, 3);
	assert_int_equal(c->scripts[0].rise, 2);

	/* sync group members resolved to instance indices */
	assert_int_equal(c->n_sync_groups, 1);
	assert_int_equal(c->sync_groups[0].n_members, 2);
	assert_int_equal(c->sync_groups[0].members[0], 0);
	assert_int_equal(c->sync_groups[0].members[1], 1);
	assert_string_equal(c->sync_groups[0].notify_master.cmd,
			    "/usr/local/bin/notify master");
	assert_int_equal(c->vrrps[0].sync_group, 0);
	assert_int_equal(c->vrrps[1].sync_group, 0);
	assert_int_equal(cfg_find_vrrp(c, "VI_GW"), 1);
	assert_int_equal(cfg_find_vrrp(c, "VI_NONE"), -1);
	cfg_free(c);
	cfg_diag_free(&d);
}

static void test_dr_pair_vrrp(void **state)
{
	struct cfg_diag d;
	struct cfg *c = load_good("good/dr-pair.conf", NULL, &d);
	const struct cfg_vrrp *v = &c->vrrps[0], *w = &c->vrrps[1];

	assert_int_equal(c->n_vrrps, 2);
	assert_string_equal(v->name, "VI_WEB");
	assert_false(v->state_master);
	assert_string_equal(v->interface, "eth0");
	assert_int_equal(v->vrid, 51);
	assert_int_equal(v->priority, 150);
	assert_int_equal(v->advert_int_us, SEC);
	assert_int_equal(v->version, 2);
	assert_int_equal(v->family, AF_INET);
	assert_true(v->nopreempt);
	assert_int_equal(v->preempt_delay_us, 30 * SEC);
	assert_int_equal(v->auth_type, CFG_AUTH_PASS);
	assert_string_equal(v->auth_pass, "s3cret");
	assert_int_equal(v->n_vips, 2);
	assert_addr(&v->vips[0].addr, "192.0.2.10");
	assert_int_equal(v->vips[0].prefix, 24);
	assert_string_equal(v->vips[0].dev, "eth0");
	assert_string_equal(v->vips[0].label, "eth0:vip");
	assert_int_equal(v->vips[0].loc.line, 52);
	assert_int_equal(v->vips[1].prefix, 32);
	assert_string_equal(v->vips[1].dev, "");
	assert_false(v->vips[1].nodad);
	assert_int_equal(v->n_evips, 1);
	assert_addr(&v->evips[0].addr, "2001:db8::10");
	assert_int_equal(v->evips[0].prefix, 64);
	assert_true(v->evips[0].nodad);
	assert_int_equal(v->trk.n_ifs, 2);
	assert_string_equal(v->trk.ifs[0].ifname, "eth1");
	assert_true(v->trk.ifs[0].weighted);
	assert_int_equal(v->trk.ifs[0].weight, -10);
	assert_false(v->trk.ifs[1].weighted);
	assert_int_equal(v->trk.n_scripts, 1);
	assert_int_equal(v->trk.scripts[0].def, 0);
	assert_true(v->trk.scripts[0].weight_set);
	assert_int_equal(v->trk.scripts[0].weight, -30);
	assert_true(v->trk.scripts[0].reverse);
	assert_string_equal(v->notify.cmd, "/usr/local/bin/notify-all");
	assert_string_equal(v->notify.user, "nobody");
	assert_null(v->notify_master.cmd);
	/* global GARP settings reach the instance unless it sets its own */
	assert_int_equal(v->garp_master_delay_us, 2 * SEC);
	assert_int_equal(v->garp_master_repeat, 3);
	assert_int_equal(v->garp_master_refresh_us, 60 * SEC);
	assert_int_equal(v->garp_master_refresh_repeat, 1);
	assert_int_equal(v->garp_lower_prio_delay_us, 2 * SEC);
	assert_int_equal(v->garp_lower_prio_repeat, 3);
	assert_true(v->skip_check_adv_addr);
	assert_true(v->accept);
	assert_int_equal(v->unicast_ttl, 64);
	assert_int_equal(v->down_timer_adverts, 3);

	assert_string_equal(w->name, "VI_GW");
	assert_int_equal(w->version, 3);
	assert_int_equal(w->advert_int_us, 250000);
	assert_addr(&w->unicast_src, "198.51.100.1");
	assert_int_equal(w->n_peers, 1);
	assert_addr(&w->peers[0].addr, "198.51.100.2");
	assert_int_equal(w->peers[0].min_ttl, 250);
	assert_int_equal(w->peers[0].max_ttl, -1);
	assert_int_equal(w->priority, 100);
	cfg_free(c);
	cfg_diag_free(&d);
}

static void test_dr_pair_lvs(void **state)
{
	struct cfg_diag d;
	struct cfg *c = load_good("good/dr-pair.conf", NULL, &d);
	const struct cfg_vs *vs = &c->vss[0], *fw = &c->vss[1];
	const struct cfg_rs *rs;
	const struct cfg_check *chk;

	assert_int_equal(c->n_vss, 2);
	assert_int_equal(vs->kind, CFG_VS_ADDR);
	assert_addr(&vs->addr, "192.0.2.10");
	assert_int_equal(vs->port, 80);
	assert_int_equal(vs->family, AF_INET);
	assert_int_equal(vs->protocol, IPPROTO_TCP);
	assert_string_equal(vs->sched, "wrr"); /* lb_algo */
	assert_int_equal(vs->fwd.method, CFG_FWD_DR); /* lb_kind */
	assert_true(vs->persistent);
	assert_int_equal(vs->persistence_timeout, 360); /* bare */
	assert_int_equal(vs->delay_loop_us, 10 * SEC);
	assert_true(vs->has_sorry);
	assert_addr(&vs->sorry_addr, "192.0.2.99");
	assert_int_equal(vs->sorry_port, 8080);
	assert_int_equal(vs->quorum, 1);
	assert_int_equal(vs->n_rss, 2);

	rs = &vs->rss[0];
	assert_addr(&rs->addr, "192.0.2.21");
	assert_int_equal(rs->weight, 3);
	assert_int_equal(rs->fwd.method, CFG_FWD_DR); /* from the VS */
	assert_true(rs->inhibit_on_failure); /* from the VS */
	assert_int_equal(rs->n_checks, 2);
	chk = &rs->checks[0];
	assert_int_equal(chk->type, CFG_CHK_HTTP);
	assert_int_equal(chk->n_urls, 2);
	assert_string_equal(chk->urls[0].path, "/health");
	assert_true(chk->urls[0].has_digest);
	assert_string_equal(chk->urls[0].digest,
			    "0123456789abcdef0123456789abcdef");
	assert_int_equal(chk->urls[0].n_status, 2);
	assert_int_equal(chk->urls[0].status[0].lo, 200);
	assert_int_equal(chk->urls[0].status[0].hi, 200);
	assert_int_equal(chk->urls[0].status[1].lo, 300);
	assert_int_equal(chk->urls[0].status[1].hi, 302);
	assert_int_equal(chk->urls[1].n_status, 0); /* 200-299 */
	assert_int_equal(chk->retry, 2); /* nb_get_retry */
	assert_int_equal(chk->http_protocol, 11);
	assert_int_equal(chk->connect_timeout_us, 4 * SEC); /* VS */
	assert_int_equal(chk->delay_before_retry_us, 3 * SEC);
	assert_int_equal(chk->delay_loop_us, 10 * SEC);
	assert_int_equal(chk->warmup_us, 10 * SEC);
	assert_string_equal(chk->virtualhost, "www.example.com");
	assert_true(chk->log_all_failures);
	chk = &rs->checks[1];
	assert_int_equal(chk->type, CFG_CHK_TCP);
	assert_int_equal(chk->connect_port, 8080);
	assert_int_equal(chk->retry, 5); /* real_server */
	assert_int_equal(chk->delay_before_retry_us, 2 * SEC);
	assert_int_equal(chk->connect_timeout_us, 4 * SEC);
	assert_null(chk->virtualhost);

	rs = &vs->rss[1];
	assert_int_equal(rs->weight, 1);
	assert_int_equal(rs->port, 80);
	assert_true(rs->fwd_set);
	assert_int_equal(rs->fwd.method, CFG_FWD_NAT);
	chk = &rs->checks[0];
	assert_int_equal(chk->type, CFG_CHK_MISC);
	assert_string_equal(chk->misc_path.cmd,
			    "/usr/local/bin/probe 192.0.2.22");
	assert_string_equal(chk->misc_path.user, "nobody");
	assert_int_equal(chk->misc_timeout_us, 5 * SEC);
	assert_true(chk->misc_dynamic);
	assert_int_equal(chk->retry, 0);
	assert_int_equal(chk->delay_before_retry_us, SEC);

	assert_int_equal(fw->kind, CFG_VS_FWMARK);
	assert_int_equal(fw->fwmark, 7);
	assert_string_equal(fw->sched, "rr"); /* lvs_sched */
	assert_int_equal(fw->fwd.method, CFG_FWD_TUN);
	assert_int_equal(fw->fwd.tun_type, CFG_TUN_GUE);
	assert_int_equal(fw->fwd.tun_port, 6080);
	assert_int_equal(fw->fwd.tun_csum, CFG_TUN_CSUM);
	assert_int_equal(fw->family, AF_INET6);
	assert_int_equal(fw->rss[0].port, 0);
	assert_int_equal(fw->rss[0].checks[0].type, CFG_CHK_PING);
	assert_int_equal(fw->rss[0].checks[0].delay_loop_us, 60 * SEC);
	cfg_free(c);
	cfg_diag_free(&d);
}

/* include with a sorted glob, $NAME / ${NAME}, multi-line values, @ID */
static void test_includes_and_definitions(void **state)
{
	struct cfg_diag d;
	struct cfg *c = load_good("good/main.conf", "nodeA", &d);
	const struct cfg_vrrp *v = &c->vrrps[0];

	assert_int_equal(c->n_vrrps, 1);
	assert_string_equal(v->name, "VI_A");
	assert_string_equal(v->interface, "eth0");
	assert_int_equal(v->vrid, 60);
	assert_int_equal(v->priority, 101);
	assert_int_equal(v->n_vips, 2);
	assert_addr(&v->vips[0].addr, "192.0.2.50");
	assert_addr(&v->vips[1].addr, "192.0.2.51");
	assert_int_equal(c->n_scripts, 2);
	assert_string_equal(c->scripts[0].name, "chk_first");
	assert_string_equal(c->scripts[0].script.cmd,
			    "/bin/first \"single quoted\" \\n");
	assert_int_equal(c->scripts[0].timeout_us, 3 * SEC);
	assert_int_equal(c->scripts[0].interval_us, SEC);
	assert_non_null(strstr(c->scripts[0].loc.file, "inc.d/10-first.conf"));
	assert_int_equal(c->scripts[0].loc.line, 1);
	assert_string_equal(c->scripts[1].script.cmd, "/bin/second --quick");
	assert_int_equal(v->trk.scripts[0].def, 0);
	assert_int_equal(v->trk.scripts[1].def, 1);
	assert_int_equal(c->n_files, 4);
	assert_true(has_msg(&d, CFG_WARN,
			    "include 'nomatch.d/*.conf' matches no file"));
	cfg_free(c);
	cfg_diag_free(&d);

	c = load_good("good/main.conf", "nodeB", &d);
	assert_string_equal(c->vrrps[0].name, "VI_B");
	assert_int_equal(c->vrrps[0].vrid, 61);
	cfg_free(c);
	cfg_diag_free(&d);
}

/* comments, quotes and escapes, glued braces, CRLF, "\" continuation */
static void test_syntax(void **state)
{
	struct cfg_diag d;
	struct cfg *c = load_good("good/syntax.conf", NULL, &d);

	assert_int_equal(d.n_msgs, 0);
	assert_string_equal(c->global.router_id, "A B");
	assert_int_equal(c->n_scripts, 3);
	assert_string_equal(c->scripts[0].script.cmd, "/bin/x A\"q\"");
	assert_int_equal(c->scripts[0].interval_us, 1500000);
	assert_int_equal(c->scripts[0].loc.line, 3);
	assert_string_equal(c->scripts[1].script.cmd, "/bin/y \\n");
	assert_string_equal(c->scripts[2].script.cmd, "/bin/long --arg");
	assert_int_equal(c->scripts[2].timeout_us, 1);
	assert_int_equal(c->scripts[2].loc.line, 8);
	cfg_free(c);
	cfg_diag_free(&d);
}

static void test_defaults(void **state)
{
	struct cfg_diag d;
	struct cfg *c = load_good("good/defaults.conf", NULL, &d);
	const struct cfg_vrrp *v4 = &c->vrrps[0], *v6 = &c->vrrps[1];
	const struct cfg_vs *vs = &c->vss[0];
	const struct cfg_rs *rs = &vs->rss[0];
	const struct cfg_check *ssl = &rs->checks[0], *misc = &rs->checks[1],
			       *dns = &rs->checks[2], *tcp = &rs->checks[3];

	assert_int_equal(d.n_msgs, 0);
	assert_int_equal(c->global.vrrp_version, 2);
	assert_false(v4->state_master);
	assert_int_equal(v4->priority, 100);
	assert_int_equal(v4->advert_int_us, SEC);
	assert_int_equal(v4->version, 2);
	assert_int_equal(v4->garp_master_delay_us, 5 * SEC);
	assert_int_equal(v4->garp_master_repeat, 5);
	assert_int_equal(v4->garp_master_refresh_us, 0);
	assert_int_equal(v4->garp_master_refresh_repeat, 1);
	assert_int_equal(v4->garp_lower_prio_delay_us, 5 * SEC);
	assert_int_equal(v4->garp_lower_prio_repeat, 5);
	assert_int_equal(v4->down_timer_adverts, 3);
	assert_int_equal(v4->unicast_ttl, 255);
	assert_true(v4->accept);
	assert_false(v4->strict);
	assert_false(v4->nopreempt);
	assert_int_equal(v4->sync_group, -1);
	assert_int_equal(v4->vips[0].prefix, 32);
	assert_false(v4->vips[0].nodad);
	/* an IPv6 instance is VRRPv3 (RFC 5798); same VRID, other family */
	assert_int_equal(v6->family, AF_INET6);
	assert_int_equal(v6->version, 3);
	assert_int_equal(v6->vips[0].prefix, 128);
	assert_true(v6->vips[0].nodad);

	assert_int_equal(c->scripts[0].interval_us, SEC);
	assert_int_equal(c->scripts[0].timeout_us, SEC);
	assert_int_equal(c->scripts[0].rise, 1);
	assert_int_equal(c->scripts[0].fall, 1);
	assert_int_equal(c->scripts[0].weight, 0);

	assert_string_equal(vs->sched, "wlc");
	assert_int_equal(vs->fwd.method, CFG_FWD_NAT);
	assert_int_equal(vs->delay_loop_us, 60 * SEC);
	assert_int_equal(vs->quorum, 1);
	assert_false(vs->persistent);
	assert_int_equal(rs->weight, 1);
	assert_int_equal(rs->port, 443);
	assert_int_equal(ssl->type, CFG_CHK_SSL);
	assert_int_equal(ssl->retry, 1);
	assert_int_equal(ssl->connect_timeout_us, 5 * SEC);
	assert_int_equal(ssl->delay_before_retry_us, 3 * SEC);
	assert_int_equal(ssl->delay_loop_us, 60 * SEC);
	assert_int_equal(ssl->warmup_us, 60 * SEC);
	assert_int_equal(ssl->http_protocol, 10);
	assert_int_equal(ssl->urls[0].n_status, 0);
	assert_int_equal(misc->retry, 0);
	assert_int_equal(misc->delay_before_retry_us, SEC);
	assert_int_equal(dns->retry, 3);
	assert_string_equal(dns->dns_type, "SOA");
	assert_string_equal(dns->dns_name, ".");
	assert_int_equal(tcp->retry, 1);
	assert_int_equal(tcp->connect_port, 0);
	cfg_free(c);
	cfg_diag_free(&d);
}

/* identical neighbours share one checker array; what inheritance makes
 * different (a real server's connect_timeout, a virtual server's
 * delay_loop) or any url detail keeps its own */
/* addr_fmt writes IPv4 by hand: the same text as inet_ntop for every
 * octet value in every position */
static void test_addr_fmt_v4(void **state)
{
	struct addr a = { .family = AF_INET };
	char got[ADDR_STRLEN], want[INET_ADDRSTRLEN];

	(void)state;
	for (unsigned v = 0; v < 256; v++) {
		for (unsigned pos = 0; pos < 4; pos++) {
			memset(a.u.bytes, 0, sizeof(a.u.bytes));
			a.u.bytes[pos] = (uint8_t)v;
			a.u.bytes[(pos + 1) % 4] = (uint8_t)(255 - v);
			assert_non_null(inet_ntop(AF_INET, a.u.bytes, want,
						  sizeof(want)));
			assert_string_equal(addr_fmt(&a, got), want);
		}
	}
	memset(a.u.bytes, 255, 4);
	assert_string_equal(addr_fmt(&a, got), "255.255.255.255");
	assert_int_equal(strlen(got) + 1, INET_ADDRSTRLEN);
}

/* addr_parse reads dotted quads by hand: it must take exactly what
 * inet_pton takes, with the same bytes (leading zeros, parts above 255,
 * too few or too many parts, trailing bytes) */
static void test_addr_parse_like_inet_pton(void **state)
{
	static const char *const part[] = { "0",   "00",  "01",	  "1",	  "9",
					    "10",  "99",  "100",  "199",  "255",
					    "256", "999", "0255", "1000", "" };
	static const char *const tail[] = { "", ".", " ", ".1", "x" };
	const size_t np = sizeof(part) / sizeof(part[0]);
	char str[64];
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < np * np * np * np; i++) {
		for (size_t t = 0; t < sizeof(tail) / sizeof(tail[0]); t++) {
			struct in_addr want;
			struct addr got;
			int ok;

			snprintf(str, sizeof(str), "%s.%s.%s.%s%s",
				 part[i % np], part[i / np % np],
				 part[i / np / np % np], part[i / np / np / np],
				 tail[t]);
			ok = inet_pton(AF_INET, str, &want) == 1;
			assert_int_equal(addr_parse(str, &got) == 0, ok);
			if (ok) {
				assert_int_equal(got.family, AF_INET);
				assert_memory_equal(&got.u.v4, &want, 4);
				n++;
			}
		}
	}
	/* the accepting side too: 8 valid parts, only with no tail */
	assert_int_equal(n, 8 * 8 * 8 * 8);
}

static void test_shared_checks(void **state)
{
	struct cfg_diag d;
	struct cfg *c = load_good("good/shared_checks.conf", NULL, &d);
	const struct cfg_rs *r = c->vss[0].rss, *r2 = c->vss[1].rss;

	assert_int_equal(c->vss[0].n_rss, 5);
	assert_false(r[0].checks_shared);
	assert_true(r[1].checks_shared);
	assert_ptr_equal(r[1].checks, r[0].checks);
	assert_int_equal(r[1].n_checks, 2);
	assert_false(r[2].checks_shared); /* status_code 300-303 */
	assert_false(r[3].checks_shared); /* connect_timeout 2 */
	assert_int_equal(r[3].checks[0].connect_timeout_us, 2 * SEC);
	/* a real server's own timers live in its ext, made on demand */
	assert_null(r[0].ext);
	assert_int_equal(cfg_rs_timers(&r[0])->connect_timeout_us,
			 CFG_UNSET_US);
	assert_null(cfg_rs_notify(&r[0], true)->cmd);
	assert_non_null(r[3].ext);
	assert_int_equal(cfg_rs_timers(&r[3])->connect_timeout_us, 2 * SEC);
	assert_int_equal(cfg_rs_timers(&r[3])->retry, CFG_UNSET_U);
	assert_true(r[4].checks_shared);
	assert_ptr_equal(r[4].checks, r[3].checks);
	assert_false(r2[0].checks_shared); /* delay_loop 6 */
	assert_int_equal(r2[0].checks[1].delay_loop_us, 6 * SEC);
	assert_int_equal(r[4].checks[1].connect_port, 8080);
	cfg_free(c);
	cfg_diag_free(&d);
}

static void test_smtp_hosts(void **state)
{
	struct cfg_diag d;
	struct cfg *c = load_good("good/smtp-hosts.conf", NULL, &d);
	const struct cfg_rs *rs = &c->vss[0].rss[0];

	assert_int_equal(rs->n_checks, 2);
	assert_addr(&rs->checks[0].connect_ip, "192.0.2.31");
	assert_int_equal(rs->checks[0].connect_port, 587);
	assert_addr(&rs->checks[1].connect_ip, "192.0.2.32");
	assert_addr(&rs->checks[1].bindto, "192.0.2.2");
	assert_int_equal(rs->checks[1].connect_port, 0);
	assert_string_equal(rs->checks[1].helo_name, "mx.example.com");
	assert_int_equal(rs->checks[1].connect_timeout_us, 7 * SEC);
	cfg_free(c);
	cfg_diag_free(&d);
}

static void test_legacy_forms(void **state)
{
	struct cfg_diag d;
	struct cfg *c = load_good("good/legacy.conf", NULL, &d);

	assert_int_equal(c->sync_groups[0].n_members, 1);
	assert_int_equal(c->sync_groups[0].members[0], 1);
	assert_int_equal(c->vrrps[1].sync_group, 0);
	assert_int_equal(c->vrrps[0].sync_group, -1);
	assert_true(has_msg(&d, CFG_WARN, "member 'VI_2' outside group { }"));
	assert_true(c->global.lvs_sync_daemon.set);
	assert_string_equal(c->global.lvs_sync_daemon.ifname, "eth1");
	assert_string_equal(c->global.lvs_sync_daemon.instance, "VI_1");
	assert_true(has_msg(&d, CFG_WARN,
			    "'lvs_sync_daemon_interface' is deprecated"));
	cfg_free(c);
	cfg_diag_free(&d);
}

static void test_track_file(void **state)
{
	struct cfg_diag d;
	struct cfg *c = load_good("good/track-file.conf", NULL, &d);
	const struct cfg_vrrp *v = &c->vrrps[0];
	const struct cfg_sync_group *g = &c->sync_groups[0];

	(void)state;
	assert_int_equal(c->n_track_files, 2);
	assert_string_equal(c->track_files[0].name, "maint");
	assert_string_equal(c->track_files[0].path, "/run/directord/maint");
	assert_int_equal(c->track_files[0].weight, -10);
	assert_true(c->track_files[0].weight_reverse);
	assert_true(c->track_files[0].init);
	assert_int_equal(c->track_files[0].init_value, 5);
	assert_true(c->track_files[0].init_overwrite);
	/* the synonym, with keepalived's defaults: weight 1, no init */
	assert_string_equal(c->track_files[1].name, "plain");
	assert_int_equal(c->track_files[1].weight, 1);
	assert_false(c->track_files[1].weight_reverse);
	assert_false(c->track_files[1].init);

	assert_true(v->promote_secondaries);
	assert_true(v->unicast_fault_no_peer);
	assert_int_equal(v->trk.n_files, 2);
	assert_int_equal(v->trk.files[0].def, 0);
	assert_false(v->trk.files[0].weight_set);
	assert_int_equal(v->trk.files[1].def, 1);
	assert_true(v->trk.files[1].weight_set);
	assert_int_equal(v->trk.files[1].weight, 0);
	assert_true(v->trk.files[1].reverse);
	assert_int_equal(g->trk.n_files, 1);
	assert_int_equal(g->trk.files[0].def, 1);
	assert_int_equal(g->trk.files[0].weight, -254);
	cfg_free(c);
	cfg_diag_free(&d);
}

static void test_track_process(void **state)
{
	struct cfg_diag d;
	struct cfg *c = load_good("good/track-process.conf", NULL, &d);
	const struct cfg_proc_def *p = &c->track_procs[0];
	const struct cfg_vrrp *v = &c->vrrps[0];

	(void)state;
	assert_int_equal(c->n_track_procs, 2);
	assert_int_equal(p->argc, 3);
	assert_string_equal(p->argv[0], "/usr/sbin/haproxy");
	assert_string_equal(p->argv[2], "/etc/haproxy/haproxy.cfg");
	assert_true(p->param_match_set);
	assert_int_equal(p->param_match, CFG_PARAM_INITIAL);
	assert_int_equal(p->weight, -20);
	assert_true(p->weight_reverse);
	assert_int_equal(p->quorum, 2);
	assert_int_equal(p->quorum_max, 4);
	assert_int_equal(p->fork_delay_us, 500000);
	assert_int_equal(p->terminate_delay_us, 2000000);
	assert_true(p->full_command);
	/* keepalived's defaults; quorum_max 0 alone lowers the quorum */
	p = &c->track_procs[1];
	assert_int_equal(p->weight, 1);
	assert_int_equal(p->quorum, 0);
	assert_int_equal(p->quorum_max, 0);
	assert_false(p->param_match_set);
	assert_int_equal(v->trk.n_procs, 2);
	assert_int_equal(v->trk.procs[1].def, 1);
	assert_true(v->trk.procs[1].weight_set);
	assert_int_equal(v->trk.procs[1].weight, 10);
	assert_int_equal(c->sync_groups[0].trk.n_procs, 1);
	assert_int_equal(c->sync_groups[0].trk.procs[0].weight, 0);
	cfg_free(c);
	cfg_diag_free(&d);
}

static void test_sched(void **state)
{
	struct cfg_diag d;
	struct cfg *c = load_good("good/sched.conf", NULL, &d);
	const struct cfg_sched *v = &c->global.vrrp_sched;
	const struct cfg_sched *k = &c->global.checker_sched;

	(void)state;
	assert_true(v->nice_set);
	assert_int_equal(v->nice, -5);
	assert_int_equal(v->rt_priority, 20);
	assert_int_equal(v->rlimit_rttime_us, 5000);
	assert_true(v->no_swap);
	assert_true(v->cpus_set);
	assert_true(v->cpus[0] == (1ULL << 0 | 1ULL << 2));
	assert_true(v->cpus[1] == 1ULL << 1);
	assert_true(k->nice_set);
	assert_int_equal(k->nice, 10);
	assert_int_equal(k->rt_priority, 0);
	assert_false(k->no_swap);
	assert_false(k->cpus_set);
	assert_int_equal(d.n_msgs, 0); /* none ignored any more */
	cfg_free(c);
	cfg_diag_free(&d);
}

static void test_flush_on_stop_vs(void **state)
{
	struct cfg_diag d;
	struct cfg *c = load_good("good/flush-on-stop-vs.conf", NULL, &d);

	/* the VS form must not flush services directord does not own */
	assert_false(c->global.lvs_flush_on_stop);
	cfg_free(c);
	cfg_diag_free(&d);
}

static void test_warnings(void **state)
{
	struct cfg_diag d;
	struct cfg *c = load_good("good/warnings.conf", NULL, &d);

	assert_int_equal(d.n_errors, 0);
	assert_true(
		has_msg(&d, CFG_WARN, "'smtp_server' is ignored by directord"));
	assert_true(has_msg(&d, CFG_WARN,
			    "(VI_1) nopreempt has no effect "
			    "with state MASTER"));
	assert_true(has_msg(&d, CFG_WARN,
			    "(VI_3) authentication is ignored with VRRP "
			    "version 3"));
	assert_int_equal(c->vrrps[1].auth_type, CFG_AUTH_NONE);
	cfg_free(c);
	cfg_diag_free(&d);
}

/* the SSL { } files load: the key decrypts and matches the certificate */
static void test_ssl_files(void **state)
{
	struct cfg_diag d;
	struct cfg *c = load_here("good/ssl-files.conf", NULL, &d);
	size_t i;
	char buf[1024];

	for (i = 0; !c && i < d.n_msgs; i++)
		print_error("%s\n", cfg_diag_fmt(&d.msgs[i], buf, sizeof(buf)));
	assert_non_null(c);
	assert_int_equal(d.n_msgs, 0);
	assert_string_equal(c->global.ssl_password, "right");
	cfg_free(c);
	cfg_diag_free(&d);
}

static void test_diag_fmt(void **state)
{
	struct cfg_msg m = { CFG_ERR, "a.conf", 12, "bad thing" };
	char buf[64];

	assert_string_equal(cfg_diag_fmt(&m, buf, sizeof(buf)),
			    "a.conf:12: error: bad thing");
	m.sev = CFG_WARN;
	m.file = NULL;
	assert_string_equal(cfg_diag_fmt(&m, buf, sizeof(buf)),
			    "warning: bad thing");
}

static void test_missing_file(void **state)
{
	struct cfg_diag d;
	char p[PATH_MAX];

	assert_null(cfg_load(path("good/no-such.conf", p), NULL, &d));
	assert_int_equal(d.n_errors, 1);
	assert_non_null(strstr(d.msgs[0].text, "cannot open"));
	cfg_diag_free(&d);
	assert_int_equal(d.n_msgs, 0);
}

/* ---- bad files ---------------------------------------------------------- */

struct bad_case {
	const char *file; /* under conf/bad/ */
	const char *where; /* file named in the message */
	int line;
	const char *message; /* substring of the error */
};

static const struct bad_case bad_cases[] = {
	{ "continued.conf", "continued.conf", 2,
	  "'interface' takes 1 argument, not 2" },
	{ "unknown_kw.conf", "unknown_kw.conf", 4,
	  "unknown keyword 'virtual_routr_id' in vrrp_instance (did you mean "
	  "'virtual_router_id'?)" },
	{ "misplaced_kw.conf", "misplaced_kw.conf", 3,
	  "keyword 'priority' is not valid in virtual_server (it belongs in "
	  "vrrp_instance)" },
	{ "argc.conf", "argc.conf", 4, "'priority' takes 1 argument, not 0" },
	{ "argc_many.conf", "argc_many.conf", 4,
	  "'state' takes 1 argument, not 2" },
	{ "bad_value.conf", "bad_value.conf", 4,
	  "priority 'high' is not an integer from 1 to 255" },
	{ "range_vrid.conf", "range_vrid.conf", 3,
	  "virtual_router_id '256' is not an integer from 1 to 255" },
	{ "unterminated.conf", "unterminated.conf", 4,
	  "unterminated block 'vrrp_instance' (missing '}')" },
	{ "missing_include.conf", "missing_include.conf", 3,
	  "cannot open include file" },
	{ "include_error.conf", "include_error.inc", 4,
	  "priority '0' is not an integer from 1 to 255" },
	{ "vip_family.conf", "vip_family.conf", 6,
	  "IPv6 address 2001:db8::10 in an instance whose first "
	  "virtual_ipaddress is IPv4" },
	{ "dup_vrid.conf", "dup_vrid.conf", 8,
	  "(VI_2) virtual_router_id 51 is already used on eth0 for IPv4 by "
	  "VI_1" },
	{ "no_interface.conf", "no_interface.conf", 1, "(VI_1) no interface" },
	{ "no_vrid.conf", "no_vrid.conf", 1, "(VI_1) no virtual_router_id" },
	{ "no_protocol.conf", "no_protocol.conf", 1,
	  "virtual_server has no protocol" },
	{ "no_rs.conf", "no_rs.conf", 1, "virtual_server has no real_server" },
	{ "bad_digest.conf", "bad_digest.conf", 7,
	  "digest '0123abcd' is not 32 hexadecimal digits" },
	{ "status_700.conf", "status_700.conf", 7,
	  "status_code '700' is not an integer from 100 to 599" },
	{ "status_range.conf", "status_range.conf", 7,
	  "status_code range '299-200' ends before it starts" },
	{ "no_misc_path.conf", "no_misc_path.conf", 4,
	  "MISC_CHECK has no misc_path" },
	{ "thresholds.conf", "thresholds.conf", 3,
	  "lthreshold 20 is above uthreshold 10" },
	{ "dns_name.conf", "dns_name.conf", 5,
	  "DNS name 'example.org..' is not a domain name" },
	{ "tun_on_dr.conf", "tun_on_dr.conf", 3,
	  "tunnel option 'type' is only valid with TUN" },
	{ "unsupported.conf", "unsupported.conf", 4,
	  "'use_ipvlan' is not supported by directord yet" },
	{ "unsupported_block.conf", "unsupported_block.conf", 1,
	  "'static_routes' is not supported by directord yet" },
	{ "bad_sched.conf", "bad_sched.conf", 3,
	  "unknown scheduler 'fastest'" },
	{ "bad_kind.conf", "bad_kind.conf", 3,
	  "unknown forwarding method 'DSR' (NAT, DR or TUN)" },
	{ "bad_bool.conf", "bad_bool.conf", 2,
	  "vrrp_strict 'maybe' is not a boolean" },
	{ "bad_prefix.conf", "bad_prefix.conf", 5,
	  "virtual address '192.0.2.10/33' is not ADDRESS[/PREFIX]" },
	{ "advert_v2.conf", "advert_v2.conf", 4,
	  "(VI_1) advert_int must be whole seconds from 1 to 255 with VRRP "
	  "version 2" },
	{ "advert_v3.conf", "advert_v3.conf", 5,
	  "(VI_1) advert_int must be from 0.01 to 40.95 seconds" },
	{ "unknown_track_script.conf", "unknown_track_script.conf", 5,
	  "track_script 'chk_nope' names no vrrp_script" },
	{ "sync_unknown.conf", "sync_unknown.conf", 4,
	  "vrrp_sync_group G: no vrrp_instance 'VI_9'" },
	{ "sync_bare_typo.conf", "sync_bare_typo.conf", 2,
	  "unknown keyword 'nofity_master' in vrrp_sync_group (did you mean "
	  "'notify_master'?)" },
	{ "syncd_unknown.conf", "syncd_unknown.conf", 2,
	  "lvs_sync_daemon names no vrrp_instance 'VI_9'" },
	{ "rs_family.conf", "rs_family.conf", 3,
	  "real_server 2001:db8::21 is IPv6 but the virtual server is IPv4" },
	{ "peer_family.conf", "peer_family.conf", 5,
	  "(VI_1) unicast_peer 2001:db8::2 is not IPv4 like the instance" },
	{ "unterminated_quote.conf", "unterminated_quote.conf", 2,
	  "unterminated quoted string" },
	{ "stray_brace.conf", "stray_brace.conf", 3,
	  "unexpected '}' at the top level" },
	{ "rs_weight.conf", "rs_weight.conf", 4,
	  "weight '70000' is not an integer from 0 to 65535" },
	{ "track_weight.conf", "track_weight.conf", 5,
	  "weight '300' is not an integer from -253 to 253" },
	/* numbers read by hand: one past ULONG_MAX, one below LONG_MIN */
	{ "number_overflow.conf", "number_overflow.conf", 4,
	  "weight '18446744073709551616' is not an integer from 0 to 65535" },
	{ "int_overflow.conf", "int_overflow.conf", 5,
	  "weight '-9223372036854775809' is not an integer from -253 to "
	  "253" },
	/* dotted quads the fast reader refuses, and inet_pton too */
	{ "addr_leading_zero.conf", "addr_leading_zero.conf", 3,
	  "real_server '192.0.2.021' is not an IPv4 or IPv6 address" },
	{ "addr_three_parts.conf", "addr_three_parts.conf", 3,
	  "real_server '192.0.2' is not an IPv4 or IPv6 address" },
	{ "ssl_ca.conf", "ssl_ca.conf", 2,
	  "SSL ca '/nonexistent/ca.pem' cannot be read" },
	{ "ssl_ca_garbage.conf", "ssl_ca_garbage.conf", 2,
	  "SSL ca '../tls/garbage.pem' is not PEM (no '-----BEGIN' line)" },
	{ "ssl_ca_nocert.conf", "ssl_ca_nocert.conf", 3,
	  "SSL ca '../tls/other_key.pem' holds no PEM certificate" },
	{ "ssl_key_mismatch.conf", "ssl_key_mismatch.conf", 4,
	  "SSL key '../tls/other_key.pem' does not match the certificate "
	  "'../tls/cert.pem'" },
	{ "ssl_key_password.conf", "ssl_key_password.conf", 3,
	  "SSL key '../tls/key_enc.pem' cannot be decrypted with the given "
	  "password" },
	{ "needs_block.conf", "needs_block.conf", 4,
	  "'authentication' needs a { } block" },
	{ "http_no_url.conf", "http_no_url.conf", 4,
	  "HTTP_GET has no url { }" },
	{ "bad_addr.conf", "bad_addr.conf", 1,
	  "virtual_server '192.0.2.300' is not an IPv4 or IPv6 address" },
	{ "generator.conf", "generator.conf", 1,
	  "'~SEQ' generators are not supported by directord yet" },
	{ "auth_ah.conf", "auth_ah.conf", 5,
	  "'auth_type AH' is not supported by directord yet" },
	{ "vsg_unknown.conf", "vsg_unknown.conf", 1,
	  "no virtual_server_group 'NOPE'" },
	{ "dup_instance.conf", "dup_instance.conf", 8,
	  "duplicate vrrp_instance 'VI_1'" },
	{ "top_level_kw.conf", "top_level_kw.conf", 1,
	  "keyword 'router_id' is not valid at the top level (it belongs in "
	  "global_defs)" },
	{ "port0.conf", "port0.conf", 1,
	  "virtual_server with port 0 needs persistence_timeout" },
	{ "strict_auth.conf", "strict_auth.conf", 4,
	  "(VI_1) strict mode does not allow authentication" },
	{ "bad_time.conf", "bad_time.conf", 3,
	  "delay_loop '5s' is not a time in seconds" },
	{ "track_proc_quorum.conf", "track_proc_quorum.conf", 1,
	  "vrrp_track_process p: quorum 3 exceeds quorum_max 2" },
	{ "track_proc_noproc.conf", "track_proc_noproc.conf", 1,
	  "vrrp_track_process p has no process" },
	{ "sched_rt.conf", "sched_rt.conf", 2,
	  "checker_rt_priority '0' is not an integer from 1 to 99" },
	{ "track_file_nofile.conf", "track_file_nofile.conf", 1,
	  "track_file maint has no file" },
	{ "track_file_relative.conf", "track_file_relative.conf", 1,
	  "track_file maint: file 'run/maint' is not an absolute path" },
	{ "track_file_init.conf", "track_file_init.conf", 3,
	  "expected 'init_file [VALUE] [overwrite]'" },
	{ "track_file_unknown.conf", "track_file_unknown.conf", 8,
	  "track_file 'maint' names no track_file block" },
};

static void test_bad(void **state)
{
	const struct bad_case *bc = *state;
	char rel[256], buf[1024];
	struct cfg_diag d;
	struct cfg *c;
	size_t i, wl = strlen(bc->where);
	bool found = false;

	snprintf(rel, sizeof(rel), "bad/%s", bc->file);
	c = load_here(rel, NULL, &d);
	assert_null(c);
	assert_true(d.n_errors > 0);
	for (i = 0; i < d.n_msgs && !found; i++) {
		const struct cfg_msg *m = &d.msgs[i];
		size_t fl = m->file ? strlen(m->file) : 0;

		found = m->sev == CFG_ERR && fl >= wl &&
			!strcmp(m->file + fl - wl, bc->where) &&
			m->line == bc->line && strstr(m->text, bc->message);
	}
	if (!found) {
		print_error("%s: expected %s:%d: %s\n", bc->file, bc->where,
			    bc->line, bc->message);
		for (i = 0; i < d.n_msgs; i++)
			print_error("  got %s\n",
				    cfg_diag_fmt(&d.msgs[i], buf, sizeof(buf)));
	}
	assert_true(found);
	cfg_diag_free(&d);
}

/* url blocks past CFG_URLS_MAX (the checker counts them in 16 bits): an
 * error at the first one too many, not a silent wrap */
static void test_url_cap(void **state)
{
	char path[] = "/tmp/dd-test-urls.XXXXXX";
	int fd = mkstemp(path), i;
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	struct cfg_diag d;
	struct cfg *c;
	bool found = false;
	size_t k;

	(void)state;
	assert_non_null(f);
	fprintf(f, "virtual_server 192.0.2.1 80 {\nprotocol TCP\n"
		   "real_server 192.0.2.2 80 {\nHTTP_GET {\n");
	for (i = 0; i <= CFG_URLS_MAX; i++)
		fprintf(f, "url {\npath /\n}\n");
	fprintf(f, "}\n}\n}\n");
	fclose(f);
	c = cfg_load(path, NULL, &d);
	unlink(path);
	assert_null(c);
	for (k = 0; k < d.n_msgs && !found; k++)
		/* the file's lines 1-4 open the blocks, 3 per url block */
		found = d.msgs[k].sev == CFG_ERR &&
			d.msgs[k].line == 5 + 3 * CFG_URLS_MAX &&
			strstr(d.msgs[k].text, "more than 65535 url blocks");
	assert_true(found);
	cfg_diag_free(&d);
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_dr_pair_global),
		cmocka_unit_test(test_dr_pair_vrrp),
		cmocka_unit_test(test_dr_pair_lvs),
		cmocka_unit_test(test_addr_fmt_v4),
		cmocka_unit_test(test_addr_parse_like_inet_pton),
		cmocka_unit_test(test_shared_checks),
		cmocka_unit_test(test_includes_and_definitions),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_smtp_hosts),
		cmocka_unit_test(test_legacy_forms),
		cmocka_unit_test(test_flush_on_stop_vs),
		cmocka_unit_test(test_track_file),
		cmocka_unit_test(test_sched),
		cmocka_unit_test(test_track_process),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_ssl_files),
		cmocka_unit_test(test_diag_fmt),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_url_cap),
	};
	struct CMUnitTest tests[NELEM(fixed) + NELEM(bad_cases)];
	size_t n = NELEM(fixed), i;

	find_confdir();
	memcpy(tests, fixed, sizeof(fixed));
	for (i = 0; i < NELEM(bad_cases); i++) {
		struct CMUnitTest t = { bad_cases[i].file, test_bad, NULL, NULL,
					(void *)&bad_cases[i] };

		tests[n++] = t;
	}
	return _cmocka_run_group_tests("cfg", tests, n, NULL, NULL);
}
