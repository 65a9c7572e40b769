/*
 * test_vrrp_vmac.c - use_vmac without root: names, virtual MACs, the
 * RTM_NEWLINK request read back by the link parser, the recreation
 * back-off, the monitor's link deletion events, and the use_vmac /
 * vmac_xmit_base keywords through the real configuration loader.
 */
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "cfg.h"
#include "vrrp/nlmon.h"
#include "vrrp/vmac.h"

static void test_name(void **state)
{
	char n[IFNAMSIZ];

	(void)state;
	assert_int_equal(vrrp_vmac_name("", AF_INET, 51, n), 0);
	assert_string_equal(n, "vrrp.51");
	assert_int_equal(vrrp_vmac_name(NULL, AF_INET6, 255, n), 0);
	assert_string_equal(n, "vrrp6.255");
	assert_int_equal(vrrp_vmac_name("vmac-web", AF_INET, 1, n), 0);
	assert_string_equal(n, "vmac-web");
	assert_int_equal(vrrp_vmac_name("0123456789abcdef", AF_INET, 1, n), -1);
}

static void test_mac(void **state)
{
	static const uint8_t v4[6] = { 0, 0, 0x5e, 0, 1, 51 };
	static const uint8_t v6[6] = { 0, 0, 0x5e, 0, 2, 255 };
	uint8_t m[6];

	(void)state;
	vrrp_vmac_mac(AF_INET, 51, m);
	assert_memory_equal(m, v4, 6);
	vrrp_vmac_mac(AF_INET6, 255, m);
	assert_memory_equal(m, v6, 6);
}

/* mode inside IFLA_LINKINFO / IFLA_INFO_DATA, -1 when absent */
static int find_mode(const struct nlmsghdr *nlh)
{
	const struct nlattr *a, *b, *c;

	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg))
	{
		if (mnl_attr_get_type(a) != IFLA_LINKINFO)
			continue;
		mnl_attr_for_each_nested(b, a)
		{
			if (mnl_attr_get_type(b) != IFLA_INFO_DATA)
				continue;
			mnl_attr_for_each_nested(c, b)
			{
				if (mnl_attr_get_type(c) == IFLA_MACVLAN_MODE)
					return (int)mnl_attr_get_u32(c);
			}
		}
	}
	return -1;
}

static void test_create_msg(void **state)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint8_t mac[6];
	struct nlmsghdr *nlh;
	struct vrrp_vmac_link l;

	(void)state;
	vrrp_vmac_mac(AF_INET, 7, mac);
	nlh = vrrp_vmac_build_create(buf, "vrrp.7", 3, mac, 42);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWLINK);
	assert_int_equal(nlh->nlmsg_seq, 42);
	assert_true(nlh->nlmsg_flags & NLM_F_CREATE);
	assert_true(nlh->nlmsg_flags & NLM_F_EXCL);
	assert_true(nlh->nlmsg_flags & NLM_F_ACK);
	/* created down: sysctls first, then up */
	assert_int_equal(
		((struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_flags, 0);
	assert_int_equal(find_mode(nlh), MACVLAN_MODE_PRIVATE);
	assert_int_equal(vrrp_vmac_parse_link(nlh, &l), 0);
	assert_string_equal(l.name, "vrrp.7");
	assert_int_equal(l.link, 3);
	assert_true(l.macvlan);
	assert_true(l.has_mac);
	assert_memory_equal(l.mac, mac, 6);
}

static void test_parse_other_kind(void **state)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	struct nlattr *info;
	struct vrrp_vmac_link l;

	(void)state;
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = 9;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "vrrp.9");
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "dummy");
	mnl_attr_nest_end(nlh, info);
	assert_int_equal(vrrp_vmac_parse_link(nlh, &l), 0);
	assert_int_equal(l.ifindex, 9);
	assert_false(l.macvlan); /* someone else's interface: left alone */
	assert_int_equal(l.link, 0);
	nlh->nlmsg_type = RTM_DELLINK;
	assert_int_equal(vrrp_vmac_parse_link(nlh, &l), -1);
}

/* ---- recreation -------------------------------------------------------- */

static void test_backoff(void **state)
{
	static const uint64_t want[VRRP_VMAC_TRIES] = {
		0, 100000, 200000, 400000, 800000, 1600000, 3200000, 6400000,
	};
	uint64_t d, total = 0;
	unsigned k;

	(void)state;
	for (k = 0; k < VRRP_VMAC_TRIES; k++) {
		d = 12345;
		assert_true(vrrp_vmac_backoff(k, &d));
		assert_int_equal(d, want[k]);
		total += d;
	}
	/* bounded: the attempts are over in well under a minute */
	assert_true(total < 15000000);
	d = 12345;
	assert_false(vrrp_vmac_backoff(VRRP_VMAC_TRIES, &d));
	assert_false(vrrp_vmac_backoff(1000, &d));
	assert_int_equal(d, 12345); /* untouched when giving up */
	/* nothing was created here, so nothing is held in FAULT */
	assert_false(vrrp_vmac_fault_held("vrrp.51"));
}

struct dels {
	unsigned links, dels;
	unsigned ifindex;
	char name[IFNAMSIZ];
};

static void dels_link(void *arg, unsigned ifindex, const char *ifname, bool up)
{
	struct dels *d = arg;

	d->links++;
	assert_false(up);
}

static void dels_del(void *arg, unsigned ifindex, const char *ifname)
{
	struct dels *d = arg;

	d->dels++;
	d->ifindex = ifindex;
	snprintf(d->name, sizeof(d->name), "%s", ifname);
}

static const struct vrrp_nlmon_ops dels_ops = {
	.link = dels_link,
	.link_del = dels_del,
};

/* one link message of @type and @family for index 12, "vrrp.51" */
static size_t put_link(char *buf, int type, int family, unsigned flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = (uint16_t)type;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = (uint8_t)family;
	ifi->ifi_index = 12;
	ifi->ifi_flags = flags;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "vrrp.51");
	return nlh->nlmsg_len;
}

static void test_nlmon_link_del(void **state)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct dels d = { 0 };
	size_t n;

	(void)state;
	/* a deletion: reported down, then deleted, with index and name */
	n = put_link(buf, RTM_DELLINK, AF_UNSPEC, 0);
	assert_int_equal(vrrp_nlmon_parse(buf, n, &dels_ops, &d), 1);
	assert_int_equal(d.links, 1);
	assert_int_equal(d.dels, 1);
	assert_int_equal(d.ifindex, 12);
	assert_string_equal(d.name, "vrrp.51");
	/* a bridge port leaving its bridge deletes no interface */
	n = put_link(buf, RTM_DELLINK, AF_BRIDGE, 0);
	assert_int_equal(vrrp_nlmon_parse(buf, n, &dels_ops, &d), 1);
	assert_int_equal(d.dels, 1);
	/* a link going down is no deletion either */
	n = put_link(buf, RTM_NEWLINK, AF_UNSPEC, IFF_UP);
	assert_int_equal(vrrp_nlmon_parse(buf, n, &dels_ops, &d), 1);
	assert_int_equal(d.links, 3);
	assert_int_equal(d.dels, 1);
}

/* ---- configuration ----------------------------------------------------- */

/* load @body (a vrrp_instance's lines) from a temporary file */
static struct cfg *load(const char *body, struct cfg_diag *d)
{
	char p[] = "/tmp/dd-vmac-cfg-XXXXXX";
	int fd = mkstemp(p);
	FILE *f;
	struct cfg *c;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fprintf(f,
		"vrrp_instance VI_1 {\n"
		"\tvirtual_router_id 51\n"
		"%s"
		"\tvirtual_ipaddress {\n\t\t192.0.2.10\n\t}\n"
		"}\n",
		body);
	fclose(f);
	c = cfg_load(p, NULL, d);
	unlink(p);
	return c;
}

/* the error on line @line mentions @sub */
static void assert_err(const struct cfg_diag *d, int line, const char *sub)
{
	size_t i;

	for (i = 0; i < d->n_msgs; i++)
		if (d->msgs[i].sev == CFG_ERR && d->msgs[i].line == line &&
		    strstr(d->msgs[i].text, sub))
			return;
	fail_msg("no error on line %d with '%s' (%zu messages)", line, sub,
		 d->n_msgs);
}

static void test_cfg_default(void **state)
{
	struct cfg_diag d;
	struct cfg *c = load("\tinterface eth0\n\tuse_vmac\n", &d);

	(void)state;
	assert_non_null(c);
	assert_true(c->vrrps[0].use_vmac);
	assert_string_equal(c->vrrps[0].vmac_name, "");
	assert_false(c->vrrps[0].vmac_xmit_base);
	cfg_free(c);
	cfg_diag_free(&d);
}

static void test_cfg_named(void **state)
{
	struct cfg_diag d;
	struct cfg *c = load("\tinterface eth0\n\tuse_vmac vmweb\n"
			     "\tvmac_xmit_base\n",
			     &d);

	(void)state;
	assert_non_null(c);
	assert_true(c->vrrps[0].use_vmac);
	assert_string_equal(c->vrrps[0].vmac_name, "vmweb");
	assert_true(c->vrrps[0].vmac_xmit_base);
	cfg_free(c);
	cfg_diag_free(&d);
	c = load("\tinterface eth0\n\tuse_vmac name vmweb2\n", &d);
	assert_non_null(c);
	assert_string_equal(c->vrrps[0].vmac_name, "vmweb2");
	cfg_free(c);
	cfg_diag_free(&d);
	c = load("\tinterface eth0\n", &d);
	assert_non_null(c);
	assert_false(c->vrrps[0].use_vmac);
	cfg_free(c);
	cfg_diag_free(&d);
}

static void test_cfg_bad(void **state)
{
	struct cfg_diag d;

	(void)state;
	assert_null(load("\tinterface eth0\n"
			 "\tuse_vmac vrrp.51 00:00:5e:00:01:99\n",
			 &d));
	assert_err(&d, 4, "only 'use_vmac [[name] NAME]'");
	cfg_diag_free(&d);
	assert_null(load("\tinterface eth0\n\tuse_vmac a/b\n", &d));
	assert_err(&d, 4, "not an interface name");
	cfg_diag_free(&d);
	assert_null(
		load("\tinterface eth0\n\tuse_vmac 0123456789abcdef\n", &d));
	assert_err(&d, 4, "use_vmac name");
	cfg_diag_free(&d);
	assert_null(load("\tinterface eth0\n\tuse_ipvlan\n", &d));
	assert_err(&d, 4, "'use_ipvlan' is not supported");
	cfg_diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_create_msg),
		cmocka_unit_test(test_parse_other_kind),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_nlmon_link_del),
		cmocka_unit_test(test_cfg_default),
		cmocka_unit_test(test_cfg_named),
		cmocka_unit_test(test_cfg_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
