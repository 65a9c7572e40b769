/* test_core.c - the pure parts of the core process: restart back-off, the
 * command line, and core's copy of real-server health across reloads. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <cmocka.h>

#include "daemon/core.h"
#include "daemon/health.h"

static void test_backoff(void **state)
{
	static const unsigned want[] = { 0, 1, 2, 4, 8, 16, 32, 60, 60, 60 };
	unsigned q = 0, i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(sup_restart_delay_s(1000000, &q), want[i]);
	/* a child that lived more than 60 s restarts at once, count reset */
	assert_int_equal(sup_restart_delay_s(61 * 1000000ull, &q), 0);
	assert_int_equal(q, 0);
	assert_int_equal(sup_restart_delay_s(0, &q), 0);
	assert_int_equal(sup_restart_delay_s(0, &q), 1);
}

static int parse(struct core_opts *o, char *err, size_t n, ...)
{
	char *argv[16];
	int argc = 0;
	va_list ap;

	argv[argc++] = "directord";
	va_start(ap, n);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	return core_opts_parse(argc, argv, o, err, n);
}

static void test_options(void **state)
{
	struct core_opts o;
	char err[256];

	assert_int_equal(parse(&o, err, sizeof(err), NULL), 0);
	assert_string_equal(o.config, CORE_DEFAULT_CONFIG);
	assert_string_equal(o.control, CORE_DEFAULT_CONTROL);
	assert_int_equal(o.facility, LOG_DAEMON);
	assert_int_equal(o.mode, CORE_MODE_ALL);

	assert_int_equal(parse(&o, err, sizeof(err), "-f", "/x.conf", "-n",
			       "-l", "-D", "-S", "3", "-p", "/p", "-i", "lb1",
			       "-I", "--control", "/c", NULL),
			 0);
	assert_string_equal(o.config, "/x.conf");
	assert_true(o.dont_fork && o.console && o.detail && o.keep_ipvs);
	assert_int_equal(o.facility, LOG_LOCAL3);
	assert_string_equal(o.pidfile, "/p");
	assert_string_equal(o.config_id, "lb1");
	assert_string_equal(o.control, "/c");

	assert_int_equal(parse(&o, err, sizeof(err), "--config-test=/t.conf",
			       "-P", NULL),
			 0);
	assert_true(o.config_test);
	assert_string_equal(o.config, "/t.conf");
	assert_int_equal(o.mode, CORE_MODE_VRRP);
	assert_int_equal(
		parse(&o, err, sizeof(err), "-C", "-S", "local7", NULL), 0);
	assert_int_equal(o.mode, CORE_MODE_CHECK);
	assert_int_equal(o.facility, LOG_LOCAL7);

	assert_int_equal(parse(&o, err, sizeof(err), "-P", "-C", NULL), -1);
	assert_non_null(strstr(err, "exclude"));
	assert_int_equal(parse(&o, err, sizeof(err), "-S", "8", NULL), -1);
	assert_non_null(strstr(err, "facility"));
	assert_int_equal(parse(&o, err, sizeof(err), "--bogus", NULL), -1);
	assert_non_null(strstr(err, "unknown option"));
	assert_int_equal(parse(&o, err, sizeof(err), "-f", NULL), -1);
	assert_non_null(strstr(err, "needs an argument"));
	assert_int_equal(parse(&o, err, sizeof(err), "extra", NULL), -1);
	assert_non_null(strstr(err, "unexpected argument"));
}

/* a configuration with virtual servers of the given real-server ports */
static struct cfg *mkcfg(const char *vs_addr, const uint16_t *ports, size_t n)
{
	struct cfg *c = calloc(1, sizeof(*c));
	struct cfg_vs *v;
	size_t i;

	c->n_vss = 1;
	c->vss = v = calloc(1, sizeof(*v));
	v->kind = CFG_VS_ADDR;
	v->family = AF_INET;
	v->protocol = 6;
	addr_parse(vs_addr, &v->addr);
	v->port = 80;
	v->n_rss = n;
	v->rss = calloc(n, sizeof(*v->rss));
	for (i = 0; i < n; i++) {
		addr_parse("192.0.2.10", &v->rss[i].addr);
		v->rss[i].port = ports[i];
	}
	return c;
}

static void freecfg(struct cfg *c)
{
	free(c->vss[0].rss);
	free(c->vss);
	free(c);
}

static void test_health_carry(void **state)
{
	static const uint16_t old_ports[] = { 80, 81, 82 };
	static const uint16_t new_ports[] = { 83, 82, 80 };
	struct cfg *o = mkcfg("192.0.2.100", old_ports, 3);
	struct cfg *n = mkcfg("192.0.2.100", new_ports, 3);
	struct cfg *other = mkcfg("192.0.2.101", old_ports, 3);
	struct core_health *ho = health_new(o), *hn = health_new(n),
			   *hx = health_new(other);

	assert_non_null(ho);
	assert_null(health_get(ho, 0, 3));
	assert_null(health_get(ho, 1, 0));
	health_get(ho, 0, 0)->known = true; /* :80 up, weight 7 */
	health_get(ho, 0, 0)->up = true;
	health_get(ho, 0, 0)->weight = 7;
	health_get(ho, 0, 2)->known = true; /* :82 down */
	health_get(ho, 0, 1)->up = true; /* :81 never reported */

	assert_int_equal(health_carry(hn, ho, n, o), 2);
	assert_false(health_get(hn, 0, 0)->known); /* :83 is new */
	assert_int_equal(health_get(hn, 0, 0)->weight, -1);
	assert_true(health_get(hn, 0, 1)->known); /* :82 */
	assert_false(health_get(hn, 0, 1)->up);
	assert_true(health_get(hn, 0, 2)->known); /* :80 */
	assert_true(health_get(hn, 0, 2)->up);
	assert_int_equal(health_get(hn, 0, 2)->weight, 7);
	/* another virtual server shares nothing */
	assert_int_equal(health_carry(hx, ho, other, o), 0);

	/* a report indexed in the old configuration, placed in the new one */
	size_t vs = 9, rs = 9;

	assert_true(health_translate(o, 0, 0, n, &vs, &rs)); /* :80 */
	assert_int_equal(vs, 0);
	assert_int_equal(rs, 2);
	assert_true(health_translate(o, 0, 2, n, &vs, &rs)); /* :82 */
	assert_int_equal(rs, 1);
	assert_false(health_translate(o, 0, 1, n, &vs, &rs)); /* :81 gone */
	assert_false(health_translate(o, 0, 3, n, &vs, &rs)); /* no index */
	assert_false(health_translate(o, 1, 0, n, &vs, &rs));
	assert_false(health_translate(o, 0, 0, other, &vs, &rs));

	health_free(ho);
	health_free(hn);
	health_free(hx);
	freecfg(o);
	freecfg(n);
	freecfg(other);
}

/* a real server named twice keeps its own health: matched at its own
 * position first, then at the first entry with its identity */
static void test_health_carry_twice(void **state)
{
	static const uint16_t old_ports[] = { 80, 80, 81 };
	static const uint16_t new_ports[] = { 80, 80 };
	static const uint16_t moved_ports[] = { 81, 81, 80 };
	struct cfg *o = mkcfg("192.0.2.100", old_ports, 3);
	struct cfg *n = mkcfg("192.0.2.100", new_ports, 2);
	struct cfg *m = mkcfg("192.0.2.100", moved_ports, 3);
	struct core_health *ho = health_new(o), *hn = health_new(n),
			   *hm = health_new(m);
	size_t vs = 9, rs = 9;

	health_get(ho, 0, 0)->known = true; /* first :80 up, weight 3 */
	health_get(ho, 0, 0)->up = true;
	health_get(ho, 0, 0)->weight = 3;
	health_get(ho, 0, 1)->known = true; /* second :80 down */
	assert_int_equal(health_carry(hn, ho, n, o), 2);
	assert_true(health_get(hn, 0, 0)->up);
	assert_int_equal(health_get(hn, 0, 0)->weight, 3);
	assert_true(health_get(hn, 0, 1)->known);
	assert_false(health_get(hn, 0, 1)->up);
	assert_true(health_translate(o, 0, 1, n, &vs, &rs));
	assert_int_equal(rs, 1);
	/* out of place: the first :80 */
	assert_int_equal(health_carry(hm, ho, m, o), 1);
	assert_true(health_get(hm, 0, 2)->up);
	assert_int_equal(health_get(hm, 0, 2)->weight, 3);
	assert_false(health_get(hm, 0, 0)->known);
	assert_true(health_translate(o, 0, 1, m, &vs, &rs));
	assert_int_equal(rs, 2);

	health_free(ho);
	health_free(hn);
	health_free(hm);
	freecfg(o);
	freecfg(n);
	freecfg(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_health_carry),
		cmocka_unit_test(test_health_carry_twice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
