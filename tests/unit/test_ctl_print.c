/* test_ctl_print.c - directorctl's summary: the tables it prints from a
 * status object, and no crash on missing or mistyped members. */
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

/* render - the summary of @json as a string (caller frees). */
static char *render(const char *json)
{
	struct json_object *o = json_tokener_parse(json);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	ctl_print_status(f, o);
	fclose(f);
	json_object_put(o);
	return buf;
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
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		free(render(cases[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_tolerant),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
