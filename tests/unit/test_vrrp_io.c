/*
 * test_vrrp_io.c - the pure parts of the VRRP I/O edges: GARP and NA
 * frames, FIFO lines, tracker weights, command splitting, netlink event
 * parsing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "evloop.h"
#include "vrrp/garp.h"
#include "vrrp/nlmon.h"
#include "vrrp/notify.h"
#include "script.h"
#include "vrrp/track.h"
#include "vrrp/track_file.h"
#include "vrrp/track_proc.h"

static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };

static struct addr A(const char *s) {
	struct addr a;

	assert_int_equal(addr_parse(s, &a), 0);
	return a;
}

static void
test_garp_arp(void **state)
{
	static const uint8_t want[42] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* broadcast */
		0x02, 0x00, 0x5e, 0x10, 0x20, 0x30,
		0x08, 0x06, /* src, ARP */
		0x00, 0x01, 0x08, 0x00, 6,    4,
		0x00, 0x01, /* Ethernet/IPv4 req */
		0x02, 0x00, 0x5e, 0x10, 0x20, 0x30, /* sender MAC */
		192,  0,    2,	  100, /* sender IP = VIP */
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* target MAC */
		192,  0,    2,	  100, /* target IP = VIP */
	};
	uint8_t buf[VRRP_GARP_FRAME_MAX];
	struct addr vip = A("192.0.2.100");

	assert_int_equal(vrrp_garp_build_arp(buf, mac, &vip), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

/* RFC 1071 sum written independently of garp.c */
static uint16_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void check_na(bool router)
{
	uint8_t buf[VRRP_GARP_FRAME_MAX], ph[40];
	struct addr vip = A("2001:db8::100");
	const uint8_t *ip = buf + 14, *na = buf + 54;
	size_t n = vrrp_garp_build_na(buf, mac, &vip, router);

	assert_int_equal(n, 14 + 40 + 32);
	assert_memory_equal(buf, "\x33\x33\x00\x00\x00\x01", 6);
	assert_memory_equal(buf + 6, mac, 6);
	assert_int_equal(buf[12] << 8 | buf[13], 0x86dd);
	assert_int_equal(ip[0] >> 4, 6);
	assert_int_equal(ip[4] << 8 | ip[5], 32); /* payload length */
	assert_int_equal(ip[6], 58); /* ICMPv6 */
	assert_int_equal(ip[7], 255); /* hop limit */
	assert_memory_equal(ip + 8, &vip.u.v6, 16);
	assert_memory_equal(ip + 24, "\xff\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\x01",
			    16);
	assert_int_equal(na[0], 136); /* neighbour advertisement */
	assert_int_equal(na[1], 0);
	assert_int_equal(na[4], router ? 0xa0 : 0x20); /* R, S=0, O=1 */
	assert_memory_equal(na + 8, &vip.u.v6, 16);
	assert_int_equal(na[24], 2); /* target link-layer address */
	assert_int_equal(na[25], 1);
	assert_memory_equal(na + 26, mac, 6);
	/* the checksum verifies over the pseudo-header */
	memcpy(ph, ip + 8, 32);
	memset(ph + 32, 0, 8);
	ph[35] = 32;
	ph[39] = 58;
	assert_int_equal(sum16(na, 32, sum16(ph, 40, 0)), 0xffff);
}

static void test_garp_na(void **state)
{
	check_na(false);
	check_na(true);
}

static void test_notify_line(void **state)
{
	char buf[64];

	assert_int_equal(vrrp_notify_line(buf, sizeof(buf), "INSTANCE", "VI_1",
					  "MASTER", 100),
			 27);
	assert_string_equal(buf, "INSTANCE \"VI_1\" MASTER 100\n");
	assert_true(vrrp_notify_line(buf, sizeof(buf), "GROUP", "G1", "BACKUP",
				     0) > 0);
	assert_string_equal(buf, "GROUP \"G1\" BACKUP 0\n");
	assert_int_equal(
		vrrp_notify_line(buf, 10, "INSTANCE", "VI_1", "MASTER", 100),
		-1);
}

struct fold_case {
	bool up, weighted;
	int weight;
	bool reverse;
	bool fault;
	int delta;
};

static void test_track_fold(void **state)
{
	static const struct fold_case cases[] = {
		{ true, false, 0, false, false, 0 }, /* unweighted, up */
		{ false, false, 0, false, true, 0 }, /* unweighted, down */
		{ false, true, 0, false, true, 0 }, /* weight 0: FAULT */
		{ true, true, 0, true, true, 0 }, /* 0 reverse: FAULT up */
		{ false, true, 0, true, false, 0 },
		{ true, true, 10, false, false, 10 }, /* + while up */
		{ false, true, 10, false, false, 0 },
		{ true, true, -20, false, false, 0 }, /* - while down */
		{ false, true, -20, false, false, -20 },
		{ true, true, 10, true, false, -10 }, /* reverse: - while up */
		{ false, true, 10, true, false, 0 },
		{ true, true, -20, true, false, 0 }, /* reverse: + while down */
		{ false, true, -20, true, false, 20 },
	};
	size_t k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct fold_case *c = &cases[k];
		bool fault = false;
		int delta = 0;

		vrrp_track_fold(c->up, c->weighted, c->weight, c->reverse,
				&fault, &delta);
		assert_int_equal(fault, c->fault);
		assert_int_equal(delta, c->delta);
	}
}

static void test_track_priority(void **state)
{
	assert_int_equal(vrrp_track_priority(100, 0), 100);
	assert_int_equal(vrrp_track_priority(100, 50), 150);
	assert_int_equal(vrrp_track_priority(100, 200), 254);
	assert_int_equal(vrrp_track_priority(100, -150), 1);
	assert_int_equal(vrrp_track_priority(255, -50), 255); /* owner */
}

/* keepalived reads the number with strtol (any base) and keeps the old
 * value when it does not fit */
static void test_tfile_parse(void **state)
{
	static const struct {
		const char *text;
		int rc, value;
	} cases[] = {
		{ "", 0, 0 }, /* empty: 0 */
		{ "5\n", 0, 5 }, /* as echo writes it */
		{ "  -12 junk", 0, -12 },
		{ "0x10", 0, 16 },
		{ "maintenance", 0, 0 }, /* no number: 0 */
		{ "2147483647", 0, 2147483647 },
		{ "2147483648", -1, 99 }, /* out of range: kept */
		{ "-99999999999999999999", -1, 99 },
	};
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		int v = 99;

		assert_int_equal(vrrp_tfile_parse(cases[k].text,
						  strlen(cases[k].text), &v),
				 cases[k].rc);
		assert_int_equal(v, cases[k].value);
	}
}

static void test_tfile_fold(void **state)
{
	static const struct {
		int value, weight;
		bool reverse, fault;
		int delta;
	} cases[] = {
		{ 0, 0, false, false, 0 }, /* weight 0: 0 is OK */
		{ 3, 0, false, true, 0 }, /* anything else FAULT */
		{ 0, 0, true, true, 0 }, /* reverse: 0 is FAULT */
		{ -1, 0, true, false, 0 },
		{ 2, -10, false, false, -20 },
		{ 2, -10, true, false, 20 },
		{ -3, 5, false, false, -15 },
		{ 1, 300, false, false, 253 }, /* capped at 253 */
		{ 1, -253, false, false, -253 },
		{ 1, -254, false, true, 0 }, /* -254 and below: FAULT */
		{ 2147483647, -2147483647, false, true, 0 }, /* no overflow */
	};
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		bool fault = false;
		int delta = 0;

		vrrp_tfile_fold(cases[k].value, cases[k].weight,
				cases[k].reverse, &fault, &delta);
		assert_int_equal(fault, cases[k].fault);
		assert_int_equal(delta, cases[k].delta);
	}
}

/* keepalived's matching: the name exactly, or the command line's words */
static void test_tproc_match(void **state)
{
	char *hap[] = { "haproxy" }, *full[] = { "/usr/sbin/haproxy" },
	     *withp[] = { "/usr/sbin/haproxy", "-f", "/etc/haproxy" },
	     *longn[] = { "a-very-long-process-name" };
	struct cfg_proc_def d = { .argv = hap, .argc = 1 };
	static const char cmd[] = "/usr/sbin/haproxy\0-f\0/etc/haproxy.cfg";
	size_t len = sizeof(cmd);

	(void)state;
	/* the name, exactly (pgrep "^haproxy$") */
	assert_true(vrrp_tproc_match(&d, "haproxy", cmd, len));
	assert_false(vrrp_tproc_match(&d, "haproxy2", cmd, len));
	assert_false(vrrp_tproc_match(&d, "hapr", cmd, len));
	/* the kernel keeps 15 characters of a name */
	d.argv = longn;
	assert_true(vrrp_tproc_match(&d, "a-very-long-pro", "", 0));
	/* full_command: the command's first word */
	d.argv = full;
	d.full_command = true;
	assert_true(vrrp_tproc_match(&d, "haproxy", cmd, len));
	assert_false(vrrp_tproc_match(&d, "haproxy", "haproxy", 8));
	/* parameters: every one and no more by default */
	d.full_command = false;
	d.argv = withp;
	d.argc = 3;
	assert_false(vrrp_tproc_match(&d, "haproxy", cmd, len));
	d.param_match_set = true;
	d.param_match = CFG_PARAM_INITIAL; /* the last may be longer */
	assert_true(vrrp_tproc_match(&d, "haproxy", cmd, len));
	d.param_match = CFG_PARAM_PARTIAL; /* the first ones, exactly */
	assert_false(vrrp_tproc_match(&d, "haproxy", cmd, len));
	d.argc = 2;
	assert_true(vrrp_tproc_match(&d, "haproxy", cmd, len));
	d.param_match = CFG_PARAM_EXACT;
	d.param_match_set = false;
	assert_false(vrrp_tproc_match(&d, "haproxy", cmd, len));
	/* "param_match" and no parameters: the command has none */
	d.argc = 1;
	d.argv = hap;
	d.param_match_set = true;
	assert_false(vrrp_tproc_match(&d, "haproxy", cmd, len));
	assert_true(vrrp_tproc_match(&d, "haproxy", "/usr/sbin/haproxy", 18));
}

static void test_script_split(void **state)
{
	size_t n;
	char **v = script_split("/bin/echo \"a b\" 'c d' e\\ f  g", &n);

	assert_non_null(v);
	assert_int_equal(n, 5);
	assert_string_equal(v[0], "/bin/echo");
	assert_string_equal(v[1], "a b");
	assert_string_equal(v[2], "c d");
	assert_string_equal(v[3], "e f");
	assert_string_equal(v[4], "g");
	assert_null(v[5]);
	free(v);
	assert_null(script_split("   ", &n));
	v = script_split("x ''", &n);
	assert_non_null(v);
	assert_int_equal(n, 2);
	assert_string_equal(v[1], "");
	free(v);
}

static void test_script_path_safe(void **state)
{
	char dir[] = "/tmp/dd-vrrp-io.XXXXXX", file[64];
	FILE *f;

	/* root-owned system paths (only meaningful when they are) */
	if (getuid() == 0)
		assert_int_equal(script_path_safe("/bin/sh -c true"), 1);
	assert_int_equal(script_path_safe("sh -c true"),
			 script_path_safe("/bin/sh"));
	assert_int_equal(script_path_safe("/nonexistent/x arg"), -1);
	assert_int_equal(script_path_safe("no-such-program-dd"), -1);
	/* anything under the world-writable /tmp is not safe */
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/s.sh", dir);
	f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(script_path_safe(file), 0);
	unlink(file);
	rmdir(dir);
}

struct seen {
	int links, dels;
	unsigned ifindex;
	char ifname[IFNAMSIZ];
	bool up;
	struct addr a;
};

static void seen_link(void *arg, unsigned ifindex, const char *ifname, bool up)
{
	struct seen *s = arg;

	s->links++;
	s->ifindex = ifindex;
	strncpy(s->ifname, ifname, sizeof(s->ifname) - 1);
	s->up = up;
}

static void seen_del(void *arg, unsigned ifindex, const struct addr *a)
{
	struct seen *s = arg;

	s->dels++;
	s->ifindex = ifindex;
	s->a = *a;
}

static const struct vrrp_nlmon_ops seen_ops = { seen_link, seen_del, NULL };

static void test_nlmon_parse(void **state)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct ifaddrmsg *ifa;
	struct seen s = { 0 };
	struct addr v6 = A("2001:db8::100");
	size_t len;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = 7;
	ifi->ifi_flags = IFF_UP | IFF_RUNNING;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth0");
	len = nlh->nlmsg_len;
	nlh = (struct nlmsghdr *)(buf + len);
	nlh = mnl_nlmsg_put_header(nlh);
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = 7;
	ifi->ifi_flags = IFF_UP; /* no carrier */
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth0");
	len += nlh->nlmsg_len;
	assert_int_equal(vrrp_nlmon_parse(buf, len, &seen_ops, &s), 2);
	assert_int_equal(s.links, 2);
	assert_int_equal(s.ifindex, 7);
	assert_string_equal(s.ifname, "eth0");
	assert_false(s.up);

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_DELADDR;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET6;
	ifa->ifa_prefixlen = 128;
	ifa->ifa_index = 3;
	mnl_attr_put(nlh, IFA_ADDRESS, 16, &v6.u.v6);
	assert_int_equal(vrrp_nlmon_parse(buf, nlh->nlmsg_len, &seen_ops, &s),
			 1);
	assert_int_equal(s.dels, 1);
	assert_int_equal(s.ifindex, 3);
	assert_true(addr_eq(&s.a, &v6));

	/* a truncated buffer is refused, not read past its end */
	assert_int_equal(vrrp_nlmon_parse(buf, 10, &seen_ops, &s), -1);
}

struct run_ctx {
	struct ev_loop *loop;
	int status;
	bool done;
};

static void run_done(void *arg, int status)
{
	struct run_ctx *r = arg;

	r->status = status;
	r->done = true;
	ev_stop(r->loop);
}

static void run_guard(struct ev_loop *l, void *arg)
{
	ev_stop(l);
}

/* run CMD with a timeout on a real loop; returns its status */
static int run_script(const char *cmd, uint64_t timeout_us)
{
	struct script_cred cred = { .uid = 0, .gid = 0 };
	struct run_ctx r = { .status = -2 };
	struct ev_timer *guard;

	r.loop = ev_loop_new();
	assert_non_null(r.loop);
	assert_non_null(script_start(r.loop, cmd, NULL, 0, &cred, timeout_us,
				     run_done, &r));
	guard = ev_timer_add(r.loop, ev_now_us() + 10000000, run_guard, NULL);
	assert_non_null(guard);
	ev_run(r.loop);
	assert_true(r.done); /* the guard did not fire */
	ev_timer_cancel(r.loop, guard);
	ev_loop_free(r.loop);
	return r.status;
}

/* whether PID is gone or a zombie (killed, not yet reaped by init) */
static bool pid_dead(long pid)
{
	char path[64], st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	if (fscanf(f, "%*d (%*[^)]) %c", &st) != 1)
		st = 0;
	fclose(f);
	return st == 'Z' || st == 'X';
}

/* a hung script (notify scripts get VRRP_NOTIFY_TIMEOUT_US) is killed at
 * its timeout with what it started; one that ends in time reports its
 * exit status */
static void test_script_timeout(void **state)
{
	char dir[] = "/tmp/dd-vrrp-io.XXXXXX", cmd[256], path[64];
	uint64_t t0;
	long pid = 0;
	FILE *f;
	int i;

	assert_true(VRRP_NOTIFY_TIMEOUT_US > 0);
	assert_int_equal(run_script("sh -c 'exit 3'", 5000000), 3);

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/pid", dir);
	snprintf(cmd, sizeof(cmd),
		 "sh -c 'sleep 30 & echo $! > %s.t; mv %s.t %s; wait'", path,
		 path, path);
	t0 = ev_now_us();
	assert_int_equal(run_script(cmd, 300000), -1);
	assert_true(ev_now_us() - t0 < 5000000);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%ld", &pid), 1);
	fclose(f);
	assert_true(pid > 1);
	for (i = 0; i < 100 && !pid_dead(pid); i++)
		usleep(10000);
	assert_true(pid_dead(pid));
	unlink(path);
	rmdir(dir);
}

/* the raw wait status tells an exit code from a signal, which the
 * 0..255 / 128+signal status of the callback cannot (MISC_CHECK's
 * misc_dynamic takes exit 143 as weight 141, a SIGTERM as a failure) */
struct ws_ctx {
	struct ev_loop *loop;
	struct script_child *c;
	int status, ws;
};

static void ws_done(void *arg, int status)
{
	struct ws_ctx *w = arg;

	w->status = status;
	w->ws = script_wait_status(w->c);
	ev_stop(w->loop);
}

static void run_ws(const char *cmd, uint64_t timeout_us, int *status, int *ws)
{
	struct script_cred cred = { .uid = 0, .gid = 0 };
	struct ws_ctx w = { .status = -2, .ws = -2 };
	struct ev_timer *guard;

	w.loop = ev_loop_new();
	assert_non_null(w.loop);
	w.c = script_start(w.loop, cmd, NULL, 0, &cred, timeout_us, ws_done,
			   &w);
	assert_non_null(w.c);
	guard = ev_timer_add(w.loop, ev_now_us() + 10000000, run_guard, NULL);
	assert_non_null(guard);
	ev_run(w.loop);
	ev_timer_cancel(w.loop, guard);
	ev_loop_free(w.loop);
	*status = w.status;
	*ws = w.ws;
}

static void test_script_wait_status(void **state)
{
	int status, ws;

	run_ws("sh -c 'exit 143'", 5000000, &status, &ws);
	assert_int_equal(status, 143);
	assert_true(WIFEXITED(ws));
	assert_int_equal(WEXITSTATUS(ws), 143);
	run_ws("sh -c 'kill -TERM $$'", 5000000, &status, &ws);
	assert_int_equal(status, 143);
	assert_true(WIFSIGNALED(ws));
	assert_int_equal(WTERMSIG(ws), SIGTERM);
	/* a timeout has no wait status to show */
	run_ws("sleep 30", 100000, &status, &ws);
	assert_int_equal(status, -1);
	assert_int_equal(ws, -1);
}

/* SCRIPT_QUIET puts stdout on /dev/null, as the checker wants */
static void test_script_quiet(void **state)
{
	char dir[] = "/tmp/dd-vrrp-io.XXXXXX", cmd[256], out[64] = "";
	struct script_cred cred = { .uid = 0, .gid = 0 };
	struct run_ctx r = { .status = -2 };
	const char *extra;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	/* the shell's own stdout (dash redirects a simple command's in
	 * place, so the file is written by a later stage of a pipe) */
	snprintf(cmd, sizeof(cmd), "readlink /proc/$$/fd/1 | cat > %s/fd1",
		 dir);
	extra = cmd;
	r.loop = ev_loop_new();
	assert_non_null(r.loop);
	assert_non_null(script_start_flags(r.loop, "sh -c", &extra, 1, &cred,
					   5000000, run_done, &r,
					   SCRIPT_QUIET));
	ev_run(r.loop);
	ev_loop_free(r.loop);
	assert_int_equal(r.status, 0);
	snprintf(cmd, sizeof(cmd), "%s/fd1", dir);
	f = fopen(cmd, "r");
	assert_non_null(f);
	assert_non_null(fgets(out, sizeof(out), f));
	fclose(f);
	assert_string_equal(out, "/dev/null\n");
	unlink(cmd);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_garp_arp),
		cmocka_unit_test(test_garp_na),
		cmocka_unit_test(test_notify_line),
		cmocka_unit_test(test_track_fold),
		cmocka_unit_test(test_track_priority),
		cmocka_unit_test(test_script_split),
		cmocka_unit_test(test_script_path_safe),
		cmocka_unit_test(test_nlmon_parse),
		cmocka_unit_test(test_tfile_parse),
		cmocka_unit_test(test_tfile_fold),
		cmocka_unit_test(test_tproc_match),
		cmocka_unit_test(test_script_timeout),
		cmocka_unit_test(test_script_wait_status),
		cmocka_unit_test(test_script_quiet),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
