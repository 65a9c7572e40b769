/* test_chk_strpool.c - interned reason strings: shared, counted, freed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "checker/strpool.h"

static void shared_and_counted(void **s)
{
	const char *a = NULL, *b = NULL, *c = NULL;
	char buf[32];

	(void)s;
	chk_str_set(&a, "connect timeout");
	strcpy(buf, "connect timeout"); /* another copy of the same text */
	chk_str_set(&b, buf);
	assert_ptr_equal(a, b);
	assert_int_equal(chk_str_pool_count(), 1);
	chk_str_set(&c, "connection refused");
	assert_string_equal(c, "connection refused");
	assert_int_equal(chk_str_pool_count(), 2);
	/* setting the same text again keeps the reference */
	chk_str_set(&a, "connect timeout");
	assert_ptr_equal(a, b);
	/* a moves on: b still holds the first string */
	chk_str_set(&a, "connection refused");
	assert_ptr_equal(a, c);
	assert_string_equal(b, "connect timeout");
	chk_str_drop(&b);
	assert_null(b);
	assert_int_equal(chk_str_pool_count(), 1);
	/* "" and NULL clear */
	chk_str_set(&a, "");
	assert_null(a);
	chk_str_set(&c, NULL);
	assert_null(c);
	assert_int_equal(chk_str_pool_count(), 0);
	chk_str_drop(&c); /* NULL: nothing */
}

/* many distinct strings: the table grows, every one is found again */
static void many_strings(void **s)
{
	static const char *v[600];
	char buf[32];
	unsigned i;

	(void)s;
	for (i = 0; i < 600; i++) {
		snprintf(buf, sizeof(buf), "HTTP status %u", i);
		chk_str_set(&v[i], buf);
	}
	assert_int_equal(chk_str_pool_count(), 600);
	for (i = 0; i < 600; i++) {
		const char *again = NULL;

		snprintf(buf, sizeof(buf), "HTTP status %u", i);
		chk_str_set(&again, buf);
		assert_ptr_equal(again, v[i]);
		chk_str_drop(&again);
	}
	for (i = 0; i < 600; i++)
		chk_str_drop(&v[i]);
	assert_int_equal(chk_str_pool_count(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shared_and_counted),
		cmocka_unit_test(many_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
