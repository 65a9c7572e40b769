/* test_vrrp_timer.c - Skew_Time / Master_Down_Interval as keepalived. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vrrp/timer.h"

struct timer_case {
	int version;
	unsigned prio;
	uint64_t adver_us;
	unsigned adverts;
	uint64_t skew_us;
	uint64_t down_us;
};

/*
 * Expected values worked out by hand from RFC 5798 §6.1 with keepalived's
 * integer arithmetic (v2: (256-p)*1e6/256; v3: (256-p)*cs*625/16).
 */
static const struct timer_case cases[] = {
	/* v2, advert_int 1 s: the documented examples */
	{ 2, 100, 1000000, 3, 609375, 3609375 },
	{ 2, 200, 1000000, 3, 218750, 3218750 },
	{ 2, 254, 1000000, 3, 7812, 3007812 },
	{ 2, 1, 1000000, 3, 996093, 3996093 },
	{ 2, 255, 1000000, 3, 3906, 3003906 },
	/* v2: the skew does not scale with the interval */
	{ 2, 100, 3000000, 3, 609375, 9609375 },
	/* v3, 100 cs: the same numbers as v2 at 1 s */
	{ 3, 100, 1000000, 3, 609375, 3609375 },
	{ 3, 200, 1000000, 3, 218750, 3218750 },
	{ 3, 254, 1000000, 3, 7812, 3007812 },
	/* v3, 10 cs: skew scales with Master_Adver_Interval */
	{ 3, 100, 100000, 3, 60937, 360937 },
	{ 3, 200, 100000, 3, 21875, 321875 },
	{ 3, 254, 100000, 3, 781, 300781 },
	/* v3, 1 cs (the minimum) and 4095 cs (the maximum) */
	{ 3, 100, 10000, 3, 6093, 36093 },
	{ 3, 1, 40950000, 3, 40790039, 163640039 },
	/* v3: the interval is truncated to centiseconds for the skew only */
	{ 3, 100, 1234567, 3, 749531, 4453232 },
	/* down_timer_adverts: 0 means 3, 1 is keepalived's fast mode */
	{ 3, 100, 1000000, 0, 609375, 3609375 },
	{ 3, 100, 1000000, 1, 609375, 1609375 },
	{ 2, 100, 1000000, 10, 609375, 10609375 },
	/* priority above 255 is read as 255 */
	{ 2, 300, 1000000, 3, 3906, 3003906 },
};

static void test_skew_and_master_down(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct timer_case *c = &cases[i];
		uint64_t skew =
			vrrp_timer_skew_us(c->version, c->prio, c->adver_us);
		uint64_t down = vrrp_timer_master_down_us(
			c->version, c->prio, c->adver_us, c->adverts);

		if (skew != c->skew_us || down != c->down_us)
			fail_msg(
				"case %zu (v%d prio %u int %llu us): skew %llu "
				"down %llu, want %llu %llu",
				i, c->version, c->prio,
				(unsigned long long)c->adver_us,
				(unsigned long long)skew,
				(unsigned long long)down,
				(unsigned long long)c->skew_us,
				(unsigned long long)c->down_us);
	}
}

static void test_us_to_cs(void **state)
{
	(void)state;
	assert_int_equal(vrrp_timer_us_to_cs(1000000), 100);
	assert_int_equal(vrrp_timer_us_to_cs(10000), 1);
	assert_int_equal(vrrp_timer_us_to_cs(1234567), 123);
	assert_int_equal(vrrp_timer_us_to_cs(5000), 1); /* clamp up */
	assert_int_equal(vrrp_timer_us_to_cs(0), 1);
	assert_int_equal(vrrp_timer_us_to_cs(40950000), 4095);
	assert_int_equal(vrrp_timer_us_to_cs(50000000), 4095); /* 12 bits */
}

static void test_us_to_s(void **state)
{
	(void)state;
	assert_int_equal(vrrp_timer_us_to_s(1000000), 1);
	assert_int_equal(vrrp_timer_us_to_s(2500000), 2);
	assert_int_equal(vrrp_timer_us_to_s(0), 1);
	assert_int_equal(vrrp_timer_us_to_s(255000000), 255);
	assert_int_equal(vrrp_timer_us_to_s(300000000), 255); /* 8 bits */
}

static void test_wire(void **state)
{
	(void)state;
	assert_int_equal(vrrp_timer_us_to_wire(3, 100000), 10);
	assert_int_equal(vrrp_timer_us_to_wire(2, 3000000), 3);
	assert_int_equal(vrrp_timer_wire_to_us(3, 100), 1000000);
	assert_int_equal(vrrp_timer_wire_to_us(3, 10), 100000);
	/* reserved bits are not part of the interval */
	assert_int_equal(vrrp_timer_wire_to_us(3, 0xf064), 1000000);
	/* a zero interval never gives a zero timer */
	assert_int_equal(vrrp_timer_wire_to_us(3, 0), 10000);
	assert_int_equal(vrrp_timer_wire_to_us(2, 0), 1000000);
	assert_int_equal(vrrp_timer_wire_to_us(2, 5), 5000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skew_and_master_down),
		cmocka_unit_test(test_us_to_cs),
		cmocka_unit_test(test_us_to_s),
		cmocka_unit_test(test_wire),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
