/* test_jw.c - the streaming JSON writer: exact text, escaping checked by
 * json-c reading it back, integer limits, raw values, and the failures
 * (unbalanced, too deep) that must yield no document. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "jw.h"

static void test_document(void **state)
{
	struct jw w;
	size_t len = 0;
	char *s;

	(void)state;
	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_bool(&w, "ok", true);
	jw_bool(&w, "no", false);
	jw_null(&w, "n");
	jw_str(&w, "s", "x");
	jw_str(&w, "nul", NULL);
	jw_arr_open(&w, "a");
	jw_int(&w, NULL, 1);
	jw_int(&w, NULL, -2);
	jw_obj_open(&w, NULL);
	jw_obj_close(&w);
	jw_arr_open(&w, NULL);
	jw_arr_close(&w);
	jw_u64(&w, NULL, 3);
	jw_arr_close(&w);
	jw_raw(&w, "r", "{\"k\":[1,2]}");
	jw_raw(&w, "rn", NULL);
	jw_obj_close(&w);
	s = jw_finish(&w, &len);
	assert_non_null(s);
	assert_string_equal(s,
			    "{\"ok\":true,\"no\":false,\"n\":null,\"s\":\"x\","
			    "\"nul\":null,\"a\":[1,-2,{},[],3],"
			    "\"r\":{\"k\":[1,2]},\"rn\":null}");
	assert_int_equal(len, strlen(s));
	free(s);
	/* the writer is reusable after finish */
	jw_arr_open(&w, NULL);
	jw_arr_close(&w);
	s = jw_finish(&w, NULL);
	assert_string_equal(s, "[]");
	free(s);
}

static void test_integer_limits(void **state)
{
	struct jw w;
	char *s;

	(void)state;
	jw_init(&w);
	jw_arr_open(&w, NULL);
	jw_int(&w, NULL, INT64_MIN);
	jw_int(&w, NULL, INT64_MAX);
	jw_int(&w, NULL, 0);
	jw_u64(&w, NULL, UINT64_MAX);
	jw_u64(&w, NULL, 0);
	jw_arr_close(&w);
	s = jw_finish(&w, NULL);
	assert_string_equal(s, "[-9223372036854775808,9223372036854775807,0,"
			       "18446744073709551615,0]");
	free(s);
}

/* every ASCII byte, in a key and in a value, comes back unchanged through
 * json-c's parser; the control characters are escaped, nothing else */
static void test_escaping(void **state)
{
	char text[128], *s;
	struct json_object *o, *v;
	struct jw w;
	int i;

	(void)state;
	for (i = 1; i < 128; i++)
		text[i - 1] = (char)i;
	text[127] = '\0';
	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_str(&w, text, text);
	jw_str(&w, "utf8", "caf\xc3\xa9 \xe2\x82\xac");
	jw_obj_close(&w);
	s = jw_finish(&w, NULL);
	assert_non_null(s);
	assert_non_null(strstr(s, "\\u0001\\u0002"));
	assert_non_null(strstr(s, "\\t\\n\\u000b\\u000c\\r"));
	assert_non_null(strstr(s, " !\\\"#"));
	assert_non_null(strstr(s, "[\\\\]"));
	assert_non_null(strstr(s, "\"caf\xc3\xa9 \xe2\x82\xac\""));
	o = json_tokener_parse(s);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, text, &v));
	assert_string_equal(json_object_get_string(v), text);
	assert_true(json_object_object_get_ex(o, "utf8", &v));
	assert_string_equal(json_object_get_string(v),
			    "caf\xc3\xa9 \xe2\x82\xac");
	json_object_put(o);
	free(s);
}

/* a document far past the first buffer: json-c reads every member back */
static void test_large(void **state)
{
	struct json_object *o, *a;
	struct jw w;
	size_t len = 0, i;
	char *s, key[32];

	(void)state;
	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_arr_open(&w, "items");
	for (i = 0; i < 50000; i++) {
		snprintf(key, sizeof(key), "198.51.100.%zu", i % 256);
		jw_obj_open(&w, NULL);
		jw_str(&w, "address", key);
		jw_u64(&w, "index", i);
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_obj_close(&w);
	s = jw_finish(&w, &len);
	assert_non_null(s);
	assert_true(len > 1000000);
	o = json_tokener_parse(s);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "items", &a));
	assert_int_equal(json_object_array_length(a), 50000);
	assert_int_equal(json_object_get_int64(json_object_object_get(
				 json_object_array_get_idx(a, 49999), "index")),
			 49999);
	json_object_put(o);
	free(s);
}

/* no half documents: unbalanced or too deep gives NULL */
static void test_failures(void **state)
{
	struct jw w;
	int i;

	(void)state;
	jw_init(&w);
	jw_obj_open(&w, NULL);
	assert_null(jw_finish(&w, NULL));

	jw_init(&w);
	jw_arr_close(&w);
	assert_null(jw_finish(&w, NULL));

	jw_init(&w);
	for (i = 0; i <= JW_MAX_DEPTH; i++)
		jw_arr_open(&w, NULL);
	for (i = 0; i <= JW_MAX_DEPTH; i++)
		jw_arr_close(&w);
	assert_null(jw_finish(&w, NULL));

	/* the deepest allowed nesting is fine */
	jw_init(&w);
	for (i = 0; i < JW_MAX_DEPTH; i++)
		jw_arr_open(&w, NULL);
	for (i = 0; i < JW_MAX_DEPTH; i++)
		jw_arr_close(&w);
	{
		char *s = jw_finish(&w, NULL);

		assert_non_null(s);
		assert_int_equal(strlen(s), 2 * JW_MAX_DEPTH);
		free(s);
	}

	/* dropping an unfinished document */
	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_str(&w, "k", "v");
	jw_free(&w);
	assert_null(w.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_document),
		cmocka_unit_test(test_integer_limits),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
