/*
 * test_cfg_snap.c - configuration snapshots: encoding round trip, every
 * malformed form refused, a load recorded then replayed with the files
 * gone gives the same configuration, and the sealed memfd transport.
 * Decoding is checked both ways: copied (cfg_snap_decode) and in place
 * (cfg_snap_adopt, as a child reads core's snapshot).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "cfg.h"
#include "cfg_snap.h"

static void add_sample(struct cfg_snap *s)
{
	cfg_snap_add(s, CFG_SNAP_FILE, "/etc/a.conf", "x {\n}\n", 6);
	cfg_snap_add(s, CFG_SNAP_GLOB, "/etc/d/*.conf", "/etc/d/1\0/etc/d/2",
		     17);
	cfg_snap_add(s, CFG_SNAP_FILE, "/etc/empty", "", 0);
}

/* decode @len bytes of @buf into @t: copied (@in_place false) or in place
 * over a copy of them that @t then owns */
static int decode_how(bool in_place, struct cfg_snap *t, const char *buf,
		      size_t len)
{
	char *own;
	int rc;

	if (!in_place)
		return cfg_snap_decode(t, buf, len);
	own = malloc(len ? len : 1);
	assert_non_null(own);
	memcpy(own, buf, len);
	rc = cfg_snap_adopt(t, own, len);
	if (rc < 0)
		free(own);
	else
		assert_ptr_equal(t->blob, own);
	return rc;
}

static void roundtrip(bool in_place)
{
	struct cfg_snap s = { 0 }, t;
	const struct cfg_snap_ent *e;
	size_t len;
	char *buf;

	add_sample(&s);
	buf = cfg_snap_encode(&s, &len);
	assert_int_equal(decode_how(in_place, &t, buf, len), 0);
	assert_int_equal(t.n, 3);
	e = cfg_snap_find(&t, CFG_SNAP_FILE, "/etc/a.conf");
	assert_non_null(e);
	assert_int_equal(e->len, 6);
	assert_memory_equal(e->data, "x {\n}\n", 7); /* and its NUL */
	assert_string_equal(e->key, "/etc/a.conf");
	e = cfg_snap_find(&t, CFG_SNAP_GLOB, "/etc/d/*.conf");
	assert_non_null(e);
	assert_int_equal(e->len, 17);
	assert_memory_equal(e->data, "/etc/d/1\0/etc/d/2", 17);
	e = cfg_snap_find(&t, CFG_SNAP_FILE, "/etc/empty");
	assert_non_null(e);
	assert_int_equal(e->len, 0);
	assert_int_equal(e->data[0], '\0');
	/* kinds are separate name spaces */
	assert_null(cfg_snap_find(&t, CFG_SNAP_GLOB, "/etc/a.conf"));
	assert_null(cfg_snap_find(&t, CFG_SNAP_FILE, "/etc/nope"));
	cfg_snap_free(&t);
	cfg_snap_free(&s);
	free(buf);
}

static void test_roundtrip(void **state)
{
	(void)state;
	roundtrip(false);
	roundtrip(true);
}

/* every prefix decodes only at an entry boundary; every single-byte
 * corruption of a header byte is refused or decodes to sane entries */
static void malformed(bool in_place)
{
	struct cfg_snap s = { 0 }, t;
	size_t len, i, bounds[4], nb = 0, off;
	char *buf, *copy;

	add_sample(&s);
	buf = cfg_snap_encode(&s, &len);
	off = 6;
	bounds[nb++] = off;
	for (i = 0; i < s.n; i++) {
		off += 9 + strlen(s.ents[i].key) + s.ents[i].len;
		bounds[nb++] = off;
	}
	assert_int_equal(off, len);
	for (i = 0; i <= len; i++) {
		int rc = decode_how(in_place, &t, buf, i);
		size_t k;
		int boundary = 0;

		for (k = 0; k < nb; k++)
			boundary |= bounds[k] == i;
		assert_int_equal(rc, boundary ? 0 : -1);
		if (rc < 0)
			assert_int_equal(t.n, 0);
		cfg_snap_free(&t);
	}
	copy = malloc(len);
	assert_non_null(copy);
	/* wrong magic, unknown kind, empty key, key with a NUL, huge length */
	memcpy(copy, buf, len);
	copy[0] = 'X';
	assert_int_equal(decode_how(in_place, &t, copy, len), -1);
	memcpy(copy, buf, len);
	copy[6] = 9;
	assert_int_equal(decode_how(in_place, &t, copy, len), -1);
	memcpy(copy, buf, len);
	memset(copy + 7, 0, 4);
	assert_int_equal(decode_how(in_place, &t, copy, len), -1);
	memcpy(copy, buf, len);
	copy[6 + 9 + 3] = '\0';
	assert_int_equal(decode_how(in_place, &t, copy, len), -1);
	memcpy(copy, buf, len);
	memset(copy + 11, 0xff, 4);
	assert_int_equal(decode_how(in_place, &t, copy, len), -1);
	free(copy);
	cfg_snap_free(&s);
	free(buf);
}

static void test_malformed(void **state)
{
	(void)state;
	malformed(false);
	malformed(true);
}

/* ---- record and replay through the loader ------------------------------ */

static char tmpdir[64];

static void put(const char *rel, const char *text)
{
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", tmpdir, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void rm_tree(void)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/inc.d/10-a.conf", tmpdir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/inc.d/20-b.conf", tmpdir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/inc.d", tmpdir);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/main.conf", tmpdir);
	unlink(p);
	rmdir(tmpdir);
}

static int has_msg(const struct cfg_diag *d, const char *text)
{
	size_t i;

	for (i = 0; i < d->n_msgs; i++)
		if (strstr(d->msgs[i].text, text))
			return 1;
	return 0;
}

static void make_tree(void)
{
	char p[PATH_MAX];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/dd-snap.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(p, sizeof(p), "%s/inc.d", tmpdir);
	assert_int_equal(mkdir(p, 0700), 0);
	put("main.conf", "global_defs { router_id snap }\n"
			 "include inc.d/*.conf\n"
			 "include none.d/*.conf\n"
			 "vrrp_instance VI_1 {\n"
			 " interface eth0\n virtual_router_id 51\n"
			 " priority 150\n"
			 " track_script { chk_a\n chk_b }\n"
			 " virtual_ipaddress { 192.0.2.10/32 }\n}\n");
	put("inc.d/20-b.conf", "vrrp_script chk_b { script /bin/b }\n");
	put("inc.d/10-a.conf", "vrrp_script chk_a { script /bin/a }\n");
}

static void test_record_replay(void **state)
{
	struct cfg_snap rec = { 0 }, again;
	struct cfg_opts o = { .config_id = "x", .record = &rec };
	struct cfg_diag d;
	char top[PATH_MAX], *buf;
	struct cfg *c;
	size_t len;

	(void)state;
	make_tree();
	snprintf(top, sizeof(top), "%s/main.conf", tmpdir);
	c = cfg_load(top, &o, &d);
	assert_non_null(c);
	assert_int_equal(c->n_scripts, 2);
	cfg_free(c);
	cfg_diag_free(&d);
	/* 3 files and 2 include patterns (one that matched nothing) */
	assert_int_equal(rec.n, 5);
	buf = cfg_snap_encode(&rec, &len);
	assert_int_equal(cfg_snap_decode(&again, buf, len), 0);
	free(buf);
	cfg_snap_free(&rec);

	/* the files are gone: the replay needs only the snapshot */
	rm_tree();
	o.record = NULL;
	o.replay = &again;
	c = cfg_load(top, &o, &d);
	assert_non_null(c);
	assert_int_equal(c->n_scripts, 2);
	assert_string_equal(c->scripts[0].name, "chk_a");
	assert_string_equal(c->scripts[1].name, "chk_b");
	assert_string_equal(c->scripts[1].script.cmd, "/bin/b");
	assert_non_null(strstr(c->scripts[0].loc.file, "inc.d/10-a.conf"));
	assert_int_equal(c->vrrps[0].priority, 150);
	assert_int_equal(c->n_files, 3);
	assert_true(has_msg(&d, "include 'none.d/*.conf' matches no file"));
	cfg_free(c);
	cfg_diag_free(&d);

	/* a file the snapshot lacks is an error naming it */
	cfg_snap_free(&again);
	memset(&again, 0, sizeof(again));
	c = cfg_load(top, &o, &d);
	assert_null(c);
	assert_true(has_msg(&d, "not in the validated snapshot"));
	cfg_diag_free(&d);
}

/* a replay that consumes the snapshot (a child's one load) hands each read
 * of a file its own recorded entry, in place; a third read of a file
 * recorded twice finds nothing */
static void test_consume(void **state)
{
	static const char top[] = "include /v/a.conf\ninclude /v/a.conf\n"
				  "global_defs { router_id c }\n";
	struct cfg_snap s = { 0 };
	struct cfg_opts o = { .replay = &s };
	struct cfg_diag d;
	struct cfg *c;

	(void)state;
	cfg_snap_add(&s, CFG_SNAP_FILE, "/v/top.conf", top, strlen(top));
	cfg_snap_add(&s, CFG_SNAP_GLOB, "/v/a.conf", "/v/a.conf", 10);
	cfg_snap_add(&s, CFG_SNAP_FILE, "/v/a.conf", "# one\n", 6);
	cfg_snap_add(&s, CFG_SNAP_FILE, "/v/a.conf", "# two\n", 6);
	s.consume = true;
	c = cfg_load("/v/top.conf", &o, &d);
	assert_non_null(c);
	assert_string_equal(c->global.router_id, "c");
	cfg_free(c);
	cfg_diag_free(&d);
	assert_true(s.ents[0].taken && s.ents[2].taken && s.ents[3].taken);
	assert_false(s.ents[1].taken); /* include patterns are not taken */
	/* taken: the next load of the same snapshot finds no file */
	assert_null(cfg_snap_take(&s, "/v/a.conf"));
	c = cfg_load("/v/top.conf", &o, &d);
	assert_null(c);
	assert_true(has_msg(&d, "not in the validated snapshot"));
	cfg_diag_free(&d);
	cfg_snap_free(&s);
}

static void test_memfd(void **state)
{
	struct cfg_snap s = { 0 }, t;
	struct cfg_diag d;
	struct cfg *c;
	int fd;

	(void)state;
	cfg_snap_add(&s, CFG_SNAP_FILE, "/virtual/top.conf",
		     "global_defs { router_id m }\n", 28);
	fd = cfg_snap_memfd(&s);
	assert_true(fd >= 0);
	/* sealed: neither written nor grown */
	errno = 0;
	assert_int_equal(pwrite(fd, "z", 1, 0), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(cfg_snap_read_fd(fd, &t), 0);
	assert_int_equal(t.n, 1);
	cfg_snap_free(&t);
	c = cfg_load_snapfd("/virtual/top.conf", NULL, fd, &d);
	assert_non_null(c);
	assert_string_equal(c->global.router_id, "m");
	cfg_free(c);
	cfg_diag_free(&d);
	close(fd);
	cfg_snap_free(&s);

	/* not a snapshot: an error, not a crash */
	fd = open("/dev/null", O_RDONLY);
	assert_true(fd >= 0);
	c = cfg_load_snapfd("/virtual/top.conf", NULL, fd, &d);
	assert_null(c);
	assert_true(has_msg(&d, "cannot read the configuration snapshot"));
	cfg_diag_free(&d);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_record_replay),
		cmocka_unit_test(test_consume),
		cmocka_unit_test(test_memfd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
