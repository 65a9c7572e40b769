/* test_chk_pkt.c - DNS, ICMP, UDP pattern and SMTP reply helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "checker/pkt.h"

static void dns_types(void **s)
{
	(void)s;
	assert_int_equal(chk_dns_qtype(NULL), 6);
	assert_int_equal(chk_dns_qtype("a"), 1);
	assert_int_equal(chk_dns_qtype("AAAA"), 28);
	assert_int_equal(chk_dns_qtype("MX"), 15);
	assert_int_equal(chk_dns_qtype("PTR"), 0);
}

static void dns_query_bytes(void **s)
{
	static const uint8_t want[] = {
		0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 7,	  'e',	'x',  'a',  'm',  'p',	'l',  'e',
		3,    'o',  'r',  'g',	0,    0x00, 0x01, 0x00, 0x01,
	};
	uint8_t b[300];

	(void)s;
	assert_int_equal(chk_dns_query(b, sizeof(b), 0x1234, "example.org.", 1),
			 sizeof(want));
	assert_memory_equal(b, want, sizeof(want));
	/* the root: one zero label */
	assert_int_equal(chk_dns_query(b, sizeof(b), 1, ".", 6), 17);
	assert_int_equal(b[12], 0);
	assert_int_equal(chk_dns_query(b, sizeof(b), 1, "a..b", 1), -1);
	/* an empty last label is no root (found by fuzz/chk_pkt) */
	assert_int_equal(chk_dns_query(b, sizeof(b), 1, "a..", 1), -1);
	assert_int_equal(chk_dns_query(b, sizeof(b), 1, "..", 1), -1);
	assert_int_equal(chk_dns_query(b, sizeof(b), 1, "", 1), 17);
	assert_int_equal(chk_dns_query(b, 16, 1, "example.org", 1), -1);
}

static void dns_replies(void **s)
{
	uint8_t q[300], r[300];
	char why[64];
	int n;

	(void)s;
	n = chk_dns_query(q, sizeof(q), 0xbeef, "example.org", 1);
	memcpy(r, q, (size_t)n);
	/* the query itself (QR clear) is not a reply */
	assert_int_equal(
		chk_dns_reply(q, (size_t)n, r, (size_t)n, why, sizeof(why)), 0);
	r[2] |= 0x80;
	assert_int_equal(
		chk_dns_reply(q, (size_t)n, r, (size_t)n, why, sizeof(why)), 1);
	r[3] = 0x83; /* RA, NXDOMAIN */
	assert_int_equal(
		chk_dns_reply(q, (size_t)n, r, (size_t)n, why, sizeof(why)),
		-1);
	assert_string_equal(why, "DNS rcode 3");
	r[3] = 0x80;
	r[0] ^= 1; /* another id */
	assert_int_equal(
		chk_dns_reply(q, (size_t)n, r, (size_t)n, why, sizeof(why)), 0);
	r[0] ^= 1;
	r[14] = 'X'; /* another question */
	assert_int_equal(
		chk_dns_reply(q, (size_t)n, r, (size_t)n, why, sizeof(why)),
		-1);
	assert_int_equal(chk_dns_reply(q, (size_t)n, r, 5, why, sizeof(why)),
			 0);
}

static void icmp_echo(void **s)
{
	uint8_t b[64 + 20], ip[84];
	size_t n;
	uint32_t sum = 0;
	size_t i;

	(void)s;
	n = chk_icmp_echo(b, false, 0x1111, 7, 56);
	assert_int_equal(n, 64);
	assert_int_equal(b[0], 8);
	for (i = 0; i < n; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	assert_int_equal(sum, 0xffff); /* RFC 1071: checksum verifies */
	b[0] = 0;
	assert_true(chk_icmp_reply(b, n, false, false, 0x1111, 7));
	assert_true(chk_icmp_reply(b, n, false, false, -1, 7));
	assert_false(chk_icmp_reply(b, n, false, false, 0x2222, 7));
	assert_false(chk_icmp_reply(b, n, false, false, -1, 8));
	memset(ip, 0, 20);
	ip[0] = 0x45;
	memcpy(ip + 20, b, n);
	assert_true(chk_icmp_reply(ip, n + 20, false, true, 0x1111, 7));
	n = chk_icmp_echo(b, true, 1, 2, 8);
	assert_int_equal(b[0], 128);
	b[0] = 129;
	assert_true(chk_icmp_reply(b, n, true, false, -1, 2));
}

static void udp_patterns(void **s)
{
	static const uint8_t d[] = { 0xde, 0xad, 0xbe, 0xef };

	(void)s;
	assert_true(chk_udp_match(NULL, d, 4));
	assert_true(chk_udp_match("dead", d, 4));
	assert_true(chk_udp_match("DEADBEEF", d, 4));
	assert_true(chk_udp_match("dXaX bXXf", d, 4));
	assert_false(chk_udp_match("deaf", d, 4));
	assert_false(chk_udp_match("deadbeef00", d, 4));
}

static void smtp_replies(void **s)
{
	int code = 0;
	size_t used = 0;
	const char *m = "250-mx.example.org\r\n250-SIZE 1000\r\n250 OK\r\nX";

	(void)s;
	assert_int_equal(chk_smtp_reply("220 mx ESMTP\r\n", 14, &code, &used),
			 1);
	assert_int_equal(code, 220);
	assert_int_equal(used, 14);
	assert_int_equal(chk_smtp_reply(m, strlen(m), &code, &used), 1);
	assert_int_equal(code, 250);
	assert_int_equal(used, strlen(m) - 1);
	assert_int_equal(chk_smtp_reply("250-a\r\n25", 9, &code, &used), 0);
	assert_int_equal(chk_smtp_reply("22", 2, &code, &used), 0);
	assert_int_equal(chk_smtp_reply("HTTP/1.0 400\r\n", 14, &code, &used),
			 -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dns_types),
		cmocka_unit_test(dns_query_bytes),
		cmocka_unit_test(dns_replies),
		cmocka_unit_test(icmp_echo),
		cmocka_unit_test(udp_patterns),
		cmocka_unit_test(smtp_replies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
