/* test_ctl_print.c - directorctl's summary: the tables it prints from a
 * status object (the IPVS table compared whole), and no crash on missing
 * or mistyped members. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/ctl_print.h"

/* render_at - the summary of @json at @now_ms as a string (caller frees) */
static char *render_at(const char *json, int64_t now_ms)
{
	struct json_object *o = json_tokener_parse(json);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (now_ms < 0)
		ctl_print_status(f, o);
	else
		ctl_print_status_at(f, o, now_ms);
	assert_int_equal(fclose(f), 0);
	json_object_put(o);
	return buf;
}

/* render - the summary of @json, ages from the clock (caller frees) */
static char *render(const char *json)
{
	return render_at(json, -1);
}

/* assert_tail - the summary of @json at @now_ms, from its forwarding table
 * line on, is exactly @want */
static void assert_tail(const char *json, int64_t now_ms, const char *want)
{
	char *s = render_at(json, now_ms);
	const char *t = strstr(s, "\nforwarding table");

	if (!t)
		fail_msg("no forwarding table in:\n%s", s);
	assert_string_equal(t + 1, want);
	free(s);
}

static void test_full(void **state)
{
	char *s = render(
		"{\"daemon\":{\"pid\":42,\"uptime\":3725,\"version\":\"0.1.0\","
		"\"config\":{\"path\":\"/etc/k.conf\",\"generation\":3,"
		"\"last_reload\":{\"time\":0,\"ok\":false,"
		"\"errors\":[\"/etc/k.conf:7: error: unknown keyword 'x'\"],"
		"\"warnings\":[]}}},"
		"\"processes\":[{\"name\":\"core\",\"pid\":42,\"uptime\":3725,"
		"\"restarts\":0,\"last_exit\":null,\"generation\":3},"
		"{\"name\":\"checker\",\"pid\":null,\"uptime\":null,"
		"\"restarts\":2,\"last_exit\":\"killed by signal 9 (Killed)\","
		"\"generation\":3}],"
		"\"vrrp\":{\"instances\":[{\"name\":\"VI_1\",\"interface\":"
		"\"eth0\",\"vrid\":51,\"state\":\"MASTER\",\"base_priority\":"
		"100,"
		"\"effective_priority\":90,\"master\":\"192.0.2.2\","
		"\"vips\":[\"192.0.2.100/24\"]}]},"
		"\"checker\":{\"virtual_servers\":[{\"name\":"
		"\"[192.0.2.100]:tcp:80\",\"quorum_up\":true,\"real_servers\":"
		"[{\"name\":\"[192.0.2.10]:tcp:80\",\"up\":false,\"weight\":-1,"
		"\"reason\":\"connection refused\"}]}]},"
		"\"lvs\":{\"enabled\":false,\"reason\":\"no IPVS\"}}");

	assert_non_null(strstr(s, "pid 42, up 1h02m"));
	assert_non_null(strstr(s, "generation 3"));
	assert_non_null(strstr(s, "REFUSED, 1 errors"));
	assert_non_null(strstr(s, "/etc/k.conf:7: error: unknown keyword"));
	assert_non_null(strstr(s, "killed by signal 9"));
	assert_non_null(strstr(s, "VI_1"));
	assert_non_null(strstr(s, "90/100"));
	assert_non_null(strstr(s, "DOWN"));
	assert_non_null(strstr(s, "connection refused"));
	assert_non_null(strstr(s, "forwarding table: disabled (no IPVS)"));
	free(s);
}

/* the IPVS table: health and reason joined from the checker by index and
 * address, rates in at most 5 characters, the sorry server, services not
 * in the kernel, the last reconcile */
static const char lvs_full[] =
	"{\"checker\":{\"virtual_servers\":[{\"index\":0,"
	"\"name\":\"[192.0.2.100]:tcp:80\",\"quorum_up\":true,"
	"\"real_servers\":[{\"index\":0,\"name\":\"[192.0.2.10]:tcp:80\","
	"\"up\":true,\"reason\":\"\",\"last_check\":1700000000000,"
	"\"duration_ms\":1.234},"
	"{\"index\":1,\"name\":\"[192.0.2.11]:tcp:80\",\"up\":false,"
	"\"reason\":\"connection refused\",\"last_check\":1700000002500,"
	"\"duration_ms\":0.321}]}]},"
	"\"lvs\":{\"enabled\":true,\"backend\":\"netlink\","
	"\"kernel_services\":2,\"retry_pending\":true,"
	"\"sync_daemon\":{\"interface\":\"eth1\",\"instance\":\"VI_1\","
	"\"state\":\"master\"},"
	"\"last_ops\":{\"svc_new\":2,\"svc_set\":0,\"svc_del\":0,"
	"\"dest_new\":3,\"dest_set\":1,\"dest_del\":0,\"errors\":1},"
	"\"virtual_servers\":[{\"name\":\"[192.0.2.100]:tcp:80\","
	"\"scheduler\":\"wlc\",\"quorum_up\":true,\"services\":[{"
	"\"installed\":true,\"cps\":12,\"inpps\":9999,\"outpps\":10000,"
	"\"inbps\":999499,\"outbps\":1234567890123}],"
	"\"real_servers\":[{\"address\":\"192.0.2.10\",\"port\":80,"
	"\"method\":\"NAT\",\"weight\":5,\"current_weight\":3,"
	"\"health\":\"up\",\"active_conns\":3,\"inactive_conns\":10,"
	"\"cps\":12,\"inpps\":9999,\"outpps\":10000,\"inbps\":999500,"
	"\"outbps\":98765432},"
	"{\"address\":\"192.0.2.11\",\"port\":80,\"method\":\"NAT\","
	"\"weight\":1,\"current_weight\":null,\"health\":\"down\","
	"\"active_conns\":0,\"inactive_conns\":2,\"cps\":0,\"inpps\":0,"
	"\"outpps\":0,\"inbps\":0,\"outbps\":0}],"
	"\"sorry_server\":{\"address\":\"192.0.2.99\",\"port\":8080,"
	"\"current_weight\":1,\"active_conns\":1,\"inactive_conns\":0,"
	"\"in_use\":true}},"
	"{\"name\":\"fwmark 7\",\"scheduler\":\"rr\",\"quorum_up\":false,"
	"\"services\":[{\"installed\":false}],\"real_servers\":[]}]}}";

static void test_lvs_table(void **state)
{
	assert_tail(
		lvs_full, 1700000005000,
		"forwarding table: enabled (netlink, 2 kernel services), sync "
		"daemon master on eth1 for VI_1\n"
		"last reconcile: services 2 added, 0 changed, 0 removed; real "
		"servers 3 added, 1 changed, 0 removed; 1 errors (retry "
		"pending)\n"
		"\n"
		"VIRTUAL SERVER / REAL SERVER     SCHED/FWD WEIGHT    ACTCONN "
		"INACTCONN   CPS INPPS OUTPPS INBPS OUTBPS  HEALTH\n"
		"[192.0.2.100]:tcp:80             wlc                       4 "
		"       12    12  9999    10k  999k   1.2T  quorum up\n"
		"  -> [192.0.2.10]:80             NAT       5/3             3 "
		"       10    12  9999    10k  1.0M    99M  up, checked 5s ago "
		"in 1.23 ms\n"
		"  -> [192.0.2.11]:80             NAT       1/-             0 "
		"        2     0     0      0     0      0  DOWN: connection "
		"refused, checked 2s ago in 0.32 ms\n"
		"  sorry [192.0.2.99]:8080        -         -/1             1 "
		"        0     -     -      -     -      -  in use\n"
		"fwmark 7                         rr                        0 "
		"        0     -     -      -     -      -  QUORUM DOWN, 1 of "
		"1 "
		"services not in the kernel\n");
}

/* missing members print as "-"; zero rates as 0; without the checker
 * (or with a checker entry for another address) no reason and no check
 * time; no last_ops, no reconcile line */
static void test_lvs_missing(void **state)
{
	assert_tail(
		"{\"checker\":{\"virtual_servers\":[{\"index\":0,"
		"\"real_servers\":[{\"index\":0,\"name\":\"[192.0.2.77]:tcp:"
		"80\","
		"\"up\":false,\"reason\":\"timeout\",\"last_check\":5}]}]},"
		"\"lvs\":{\"enabled\":true,\"virtual_servers\":[{"
		"\"services\":[{\"installed\":true,\"cps\":0,\"inpps\":0,"
		"\"outpps\":0,\"inbps\":0,\"outbps\":0}],"
		"\"real_servers\":[{\"address\":\"192.0.2.10\",\"port\":80,"
		"\"health\":\"down\"},{}]}]}}",
		1000,
		"forwarding table: enabled\n"
		"\n"
		"VIRTUAL SERVER / REAL SERVER     SCHED/FWD WEIGHT    ACTCONN "
		"INACTCONN   CPS INPPS OUTPPS INBPS OUTBPS  HEALTH\n"
		"-                                -                         0 "
		"        0     0     0      0     0      0  -\n"
		"  -> [192.0.2.10]:80             -         -/-             - "
		"        -     -     -      -     -      -  DOWN\n"
		"  -> [-]:-                       -         -/-             - "
		"        -     -     -      -     -      -  -\n");
}

/* the checker's health when core has none; a check in the future (clock
 * stepped back) is 0s ago */
static void test_lvs_checker_health(void **state)
{
	char *s = render_at(
		"{\"checker\":{\"virtual_servers\":[{\"real_servers\":[{"
		"\"name\":\"[2001:db8::10]:tcp:443\",\"up\":false,"
		"\"reason\":\"TLS handshake failed\",\"last_check\":9000,"
		"\"duration_ms\":12}]}]},"
		"\"lvs\":{\"enabled\":true,\"virtual_servers\":[{"
		"\"name\":\"[2001:db8::100]:tcp:443\",\"real_servers\":[{"
		"\"address\":\"2001:db8::10\",\"port\":443}]}]}}",
		5000);

	assert_non_null(strstr(s, "  -> [2001:db8::10]:443 "));
	assert_non_null(strstr(s, "  DOWN: TLS handshake failed, checked 0s "
				  "ago in 12.00 ms\n"));
	/* the IPVS table replaces the checker's own */
	assert_null(strstr(s, "DYN.W"));
	free(s);
}

/* enabled but no virtual server: the checker's table is shown instead */
static void test_lvs_empty(void **state)
{
	char *s = render_at(
		"{\"checker\":{\"virtual_servers\":[{\"name\":"
		"\"[192.0.2.100]:tcp:80\",\"quorum_up\":true,\"real_servers\":"
		"[]}]},\"lvs\":{\"enabled\":true,\"virtual_servers\":[]}}",
		0);

	assert_non_null(strstr(s, "forwarding table: enabled\n"));
	assert_non_null(strstr(s, "DYN.W"));
	assert_null(strstr(s, "ACTCONN"));
	free(s);
}

/* wrong or missing members print as "-", never crash */
static void test_tolerant(void **state)
{
	static const char *const cases[] = {
		"{}",
		"null",
		"[]",
		"{\"daemon\":7,\"processes\":{},\"vrrp\":[],\"checker\":\"x\"}",
		"{\"processes\":[1,null,{\"name\":[]}],"
		"\"vrrp\":{\"instances\":[null,3,{\"vips\":5}]},"
		"\"checker\":{\"virtual_servers\":[{\"real_servers\":[7]}]},"
		"\"daemon\":{\"config\":{\"last_reload\":{\"errors\":5}}}}",
		"{\"lvs\":{\"enabled\":\"x\",\"last_ops\":5,\"sync_daemon\":[],"
		"\"virtual_servers\":[null,7,{\"services\":{},"
		"\"real_servers\":[null,3,{\"address\":[],\"port\":{},"
		"\"current_weight\":\"x\",\"active_conns\":\"y\","
		"\"health\":5}],\"sorry_server\":4},"
		"{\"services\":[null,{\"cps\":[]}],\"sorry_server\":{}}]},"
		"\"checker\":{\"virtual_servers\":[{\"index\":\"0\","
		"\"real_servers\":[{\"name\":7,\"last_check\":\"z\"}]}]}}",
		"{\"lvs\":{\"virtual_servers\":{}},\"checker\":[]}",
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		free(render(cases[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_lvs_table),
		cmocka_unit_test(test_lvs_missing),
		cmocka_unit_test(test_lvs_checker_health),
		cmocka_unit_test(test_lvs_empty),
		cmocka_unit_test(test_tolerant),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
