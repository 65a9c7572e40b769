/* test_ipc.c - the IPC message table: every malformed case, and round trips
 * over a real socketpair. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "ipc.h"

/* a packet assembled by hand: header + payload */
static union {
	struct ipc_msg m;
	uint8_t bytes[IPC_MAX + 64];
} pkt;

static size_t build(uint16_t version, uint16_t type, uint32_t len_field,
		    const void *payload, size_t plen)
{
	pkt.m.hdr.version = version;
	pkt.m.hdr.type = type;
	pkt.m.hdr.len = len_field;
	if (plen)
		memcpy(pkt.bytes + sizeof(struct ipc_hdr), payload, plen);
	return sizeof(struct ipc_hdr) + plen;
}

static void expect_bad(size_t n, const char *what)
{
	const char *why = NULL;

	assert_int_equal(ipc_validate(pkt.bytes, n, &why), -1);
	assert_non_null(why);
	assert_non_null(strstr(why, what));
}

static void expect_good(size_t n)
{
	const char *why = NULL;

	assert_int_equal(ipc_validate(pkt.bytes, n, &why), 0);
}

static void test_valid_every_type(void **state)
{
	struct ipc_reload rl = { .generation = 3, .path = "/etc/x.conf" };
	struct ipc_ready rd = { .generation = 3, .ok = 1 };
	struct ipc_name nm = { .name = "VI_1" };
	struct ipc_vrrp_state vs = { .name = "VI_1", .state = IPC_ST_MASTER };
	struct ipc_rs_health rh = { .vs = 1, .rs = 2, .up = 1, .weight = -1 };
	static char json[IPC_MAX - sizeof(struct ipc_hdr)];

	expect_good(
		build(IPC_VERSION, IPC_RELOAD, sizeof(rl), &rl, sizeof(rl)));
	expect_good(build(IPC_VERSION, IPC_READY, sizeof(rd), &rd, sizeof(rd)));
	expect_good(
		build(IPC_VERSION, IPC_STEPDOWN, sizeof(nm), &nm, sizeof(nm)));
	expect_good(build(IPC_VERSION, IPC_VRRP_STATE, sizeof(vs), &vs,
			  sizeof(vs)));
	expect_good(
		build(IPC_VERSION, IPC_RS_HEALTH, sizeof(rh), &rh, sizeof(rh)));
	expect_good(build(IPC_VERSION, IPC_STOP, 0, NULL, 0));
	expect_good(build(IPC_VERSION, IPC_STATUS_JSON, 2, "{}", 2));
	memset(json, ' ', sizeof(json));
	expect_good(build(IPC_VERSION, IPC_STATUS_JSON, sizeof(json), json,
			  sizeof(json)));
}

static void test_bad_header(void **state)
{
	struct ipc_name nm = { .name = "VI_1" };

	expect_bad(0, "shorter");
	expect_bad(sizeof(struct ipc_hdr) - 1, "shorter");
	expect_bad(build(IPC_VERSION + 1, IPC_STOP, 0, NULL, 0), "version");
	expect_bad(build(0, IPC_STOP, 0, NULL, 0), "version");
	expect_bad(build(IPC_VERSION, 0, 0, NULL, 0), "unknown type");
	expect_bad(build(IPC_VERSION, IPC_TYPE_MAX, 0, NULL, 0),
		   "unknown type");
	expect_bad(build(IPC_VERSION, 0xffff, 0, NULL, 0), "unknown type");
	/* len field larger and smaller than what arrived */
	expect_bad(build(IPC_VERSION, IPC_STEPDOWN, sizeof(nm) + 1, &nm,
			 sizeof(nm)),
		   "length field");
	expect_bad(build(IPC_VERSION, IPC_STEPDOWN, sizeof(nm) - 1, &nm,
			 sizeof(nm)),
		   "length field");
	expect_bad(IPC_MAX + 1, "longer");
}

/* every fixed-size type refuses one byte more and one byte less */
static void test_bad_sizes(void **state)
{
	static const size_t sizes[IPC_TYPE_MAX] = {
		[IPC_RELOAD] = sizeof(struct ipc_reload),
		[IPC_READY] = sizeof(struct ipc_ready),
		[IPC_STEPDOWN] = sizeof(struct ipc_name),
		[IPC_VRRP_STATE] = sizeof(struct ipc_vrrp_state),
	};
	static uint8_t zero[1024];
	uint16_t t;

	for (t = IPC_RELOAD; t < IPC_TYPE_MAX; t++) {
		if (!sizes[t])
			continue;
		expect_bad(
			build(IPC_VERSION, t, sizes[t] + 1, zero, sizes[t] + 1),
			"wrong payload size");
		expect_bad(
			build(IPC_VERSION, t, sizes[t] - 1, zero, sizes[t] - 1),
			"wrong payload size");
		expect_bad(build(IPC_VERSION, t, 0, NULL, 0),
			   "wrong payload size");
	}
	expect_bad(build(IPC_VERSION, IPC_STOP, 1, zero, 1),
		   "wrong payload size");
	/* RS_HEALTH: from its fields and an empty reason to the whole array */
	t = (uint16_t)offsetof(struct ipc_rs_health, reason);
	expect_bad(build(IPC_VERSION, IPC_RS_HEALTH, t, zero, t),
		   "wrong payload size");
	expect_good(build(IPC_VERSION, IPC_RS_HEALTH, t + 1, zero, t + 1));
	t = sizeof(struct ipc_rs_health) + 1;
	expect_bad(build(IPC_VERSION, IPC_RS_HEALTH, t, zero, t),
		   "wrong payload size");
	expect_bad(build(IPC_VERSION, IPC_STATUS_JSON, 0, NULL, 0),
		   "wrong payload size");
}

static void test_bad_fields(void **state)
{
	struct ipc_reload rl = { .generation = 1 };
	struct ipc_ready rd = { .ok = 1 };
	struct ipc_name nm;
	struct ipc_vrrp_state vs = { .name = "VI_1" };
	struct ipc_rs_health rh = { .up = 1 };

	memset(rl.path, 'a', sizeof(rl.path));
	expect_bad(build(IPC_VERSION, IPC_RELOAD, sizeof(rl), &rl, sizeof(rl)),
		   "unterminated");
	memset(rl.path, 0, sizeof(rl.path));
	memset(rl.config_id, 'b', sizeof(rl.config_id));
	expect_bad(build(IPC_VERSION, IPC_RELOAD, sizeof(rl), &rl, sizeof(rl)),
		   "unterminated");

	memset(rd.error, 'e', sizeof(rd.error));
	expect_bad(build(IPC_VERSION, IPC_READY, sizeof(rd), &rd, sizeof(rd)),
		   "unterminated");
	rd.error[0] = '\0';
	rd.ok = 2;
	expect_bad(build(IPC_VERSION, IPC_READY, sizeof(rd), &rd, sizeof(rd)),
		   "ok");

	memset(nm.name, 'n', sizeof(nm.name));
	expect_bad(
		build(IPC_VERSION, IPC_STEPDOWN, sizeof(nm), &nm, sizeof(nm)),
		"unterminated");

	vs.state = IPC_ST_FAULT + 1;
	expect_bad(
		build(IPC_VERSION, IPC_VRRP_STATE, sizeof(vs), &vs, sizeof(vs)),
		"state");
	vs.state = IPC_ST_BACKUP;
	vs.prev = 200;
	expect_bad(
		build(IPC_VERSION, IPC_VRRP_STATE, sizeof(vs), &vs, sizeof(vs)),
		"state");
	vs.prev = IPC_ST_INIT;
	memset(vs.name, 'v', sizeof(vs.name));
	expect_bad(
		build(IPC_VERSION, IPC_VRRP_STATE, sizeof(vs), &vs, sizeof(vs)),
		"unterminated");

	/* a short RS_HEALTH: its reason must end within what was sent */
	strcpy(rh.reason, "connect timeout");
	expect_good(build(IPC_VERSION, IPC_RS_HEALTH, ipc_rs_health_len(&rh),
			  &rh, ipc_rs_health_len(&rh)));
	assert_int_equal(ipc_rs_health_len(&rh),
			 offsetof(struct ipc_rs_health, reason) + 16);
	expect_bad(build(IPC_VERSION, IPC_RS_HEALTH, ipc_rs_health_len(&rh) - 1,
			 &rh, ipc_rs_health_len(&rh) - 1),
		   "unterminated");
	memset(rh.reason, 0, sizeof(rh.reason));

	rh.up = 2;
	expect_bad(
		build(IPC_VERSION, IPC_RS_HEALTH, sizeof(rh), &rh, sizeof(rh)),
		"up");
	rh.up = 0;
	memset(rh.reason, 'r', sizeof(rh.reason));
	expect_bad(
		build(IPC_VERSION, IPC_RS_HEALTH, sizeof(rh), &rh, sizeof(rh)),
		"unterminated");
}

static void test_type_names(void **state)
{
	assert_string_equal(ipc_type_name(IPC_RS_HEALTH), "RS_HEALTH");
	assert_string_equal(ipc_type_name(0), "UNKNOWN");
	assert_string_equal(ipc_type_name(IPC_TYPE_MAX), "UNKNOWN");
}

/* ---- over a socketpair ---------------------------------------------- */

static void test_roundtrip(void **state)
{
	struct ipc_rs_health rh = { .generation = 7,
				    .vs = 2,
				    .rs = 5,
				    .up = 1,
				    .weight = -1,
				    .reason = "HTTP 200" };
	static struct ipc_msg m;
	int sv[2];

	assert_int_equal(ipc_pair(sv), 0);
	assert_int_equal(ipc_recv(sv[1], &m), 0); /* nothing waiting */
	assert_int_equal(ipc_send(sv[0], IPC_RS_HEALTH, &rh, sizeof(rh)), 0);
	assert_int_equal(ipc_send(sv[0], IPC_STOP, NULL, 0), 0);
	assert_int_equal(ipc_send(sv[0], IPC_STATUS_JSON, "{\"a\":1}", 7), 0);

	assert_int_equal(ipc_recv(sv[1], &m), 1);
	assert_int_equal(m.hdr.type, IPC_RS_HEALTH);
	assert_int_equal(m.u.rs_health.rs, 5);
	assert_string_equal(m.u.rs_health.reason, "HTTP 200");
	assert_int_equal(ipc_recv(sv[1], &m), 1);
	assert_int_equal(m.hdr.type, IPC_STOP);
	assert_int_equal(m.hdr.len, 0);
	assert_int_equal(ipc_recv(sv[1], &m), 1);
	assert_int_equal(m.hdr.type, IPC_STATUS_JSON);
	assert_int_equal(m.hdr.len, 7);
	assert_memory_equal(m.u.raw, "{\"a\":1}", 7);
	assert_int_equal(ipc_recv(sv[1], &m), 0);
	close(sv[0]);
	close(sv[1]);
}

/* number of open descriptors of this process */
static int open_fds(void)
{
	int n = 0, fd;

	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

/* a descriptor travels with its message; one sent to a receiver that did
 * not ask for it is closed, not leaked */
static void test_fd_passing(void **state)
{
	struct ipc_reload rl = { .generation = 3, .path = "/x" };
	static struct ipc_msg m;
	int sv[2], pfd[2], got = 7, base;
	char c = 0;

	assert_int_equal(ipc_pair(sv), 0);
	assert_int_equal(pipe(pfd), 0);
	assert_int_equal(
		ipc_send_fd(sv[0], IPC_RELOAD, &rl, sizeof(rl), pfd[1]), 0);
	assert_int_equal(ipc_send(sv[0], IPC_STOP, NULL, 0), 0);
	assert_int_equal(ipc_recv_fd(sv[1], &m, &got), 1);
	assert_int_equal(m.hdr.type, IPC_RELOAD);
	assert_int_equal(m.u.reload.generation, 3);
	assert_true(got >= 0 && got != pfd[1]);
	assert_true(fcntl(got, F_GETFD) & FD_CLOEXEC);
	/* the same pipe: a byte written through it arrives at our end */
	assert_int_equal(write(got, "z", 1), 1);
	assert_int_equal(read(pfd[0], &c, 1), 1);
	assert_int_equal(c, 'z');
	close(got);
	assert_int_equal(ipc_recv_fd(sv[1], &m, &got), 1);
	assert_int_equal(m.hdr.type, IPC_STOP);
	assert_int_equal(got, -1);

	base = open_fds();
	assert_int_equal(
		ipc_send_fd(sv[0], IPC_RELOAD, &rl, sizeof(rl), pfd[1]), 0);
	assert_int_equal(ipc_recv(sv[1], &m), 1);
	assert_int_equal(open_fds(), base);
	close(pfd[0]);
	close(pfd[1]);
	close(sv[0]);
	close(sv[1]);
}

static void test_send_refuses_bad(void **state)
{
	struct ipc_name nm = { .name = "VI_1" };
	int sv[2];

	assert_int_equal(ipc_pair(sv), 0);
	errno = 0;
	assert_int_equal(ipc_send(sv[0], IPC_STEPDOWN, &nm, sizeof(nm) - 1),
			 -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(ipc_send(sv[0], 99, NULL, 0), -1);
	assert_int_equal(ipc_send(sv[0], IPC_STEPDOWN, NULL, sizeof(nm)), -1);
	assert_int_equal(ipc_send(sv[0], IPC_STATUS_JSON, "x", IPC_MAX), -1);
	close(sv[0]);
	close(sv[1]);
}

/* garbage is dropped with -2 and the channel keeps working */
static void test_recv_malformed(void **state)
{
	static uint8_t big[IPC_MAX + 100];
	static struct ipc_msg m;
	struct ipc_hdr h = { .version = IPC_VERSION,
			     .type = IPC_STOP,
			     .len = 5 };
	int sv[2];

	assert_int_equal(ipc_pair(sv), 0);
	assert_int_equal(send(sv[0], "xy", 2, 0), 2);
	assert_int_equal(send(sv[0], &h, sizeof(h), 0), (ssize_t)sizeof(h));
	big[0] = IPC_VERSION;
	big[2] = IPC_STATUS_JSON;
	assert_int_equal(send(sv[0], big, sizeof(big), 0),
			 (ssize_t)sizeof(big));
	assert_int_equal(ipc_send(sv[0], IPC_STOP, NULL, 0), 0);

	assert_int_equal(ipc_recv(sv[1], &m), -2);
	assert_int_equal(ipc_recv(sv[1], &m), -2);
	assert_int_equal(ipc_recv(sv[1], &m), -2);
	assert_int_equal(ipc_recv(sv[1], &m), 1);
	assert_int_equal(m.hdr.type, IPC_STOP);
	close(sv[0]);
	close(sv[1]);
}

static void test_recv_closed_peer(void **state)
{
	static struct ipc_msg m;
	int sv[2];

	assert_int_equal(ipc_pair(sv), 0);
	close(sv[0]);
	errno = 0;
	assert_int_equal(ipc_recv(sv[1], &m), -1);
	assert_int_equal(errno, EPIPE);
	/* and sending to a closed peer fails without SIGPIPE */
	assert_int_equal(ipc_send(sv[1], IPC_STOP, NULL, 0), -1);
	assert_int_equal(errno, EPIPE);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_every_type),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_bad_sizes),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_fd_passing),
		cmocka_unit_test(test_send_refuses_bad),
		cmocka_unit_test(test_recv_malformed),
		cmocka_unit_test(test_recv_closed_peer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
