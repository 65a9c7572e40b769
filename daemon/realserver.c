/*
 * realserver.c - "directorctl realserver prepare|check": what an LVS-DR real
 * server needs (VIP on lo, arp_ignore, arp_announce), printed, applied or
 * checked. rs_plan() and rs_item_cmd() are pure; the rest reads /proc/sys,
 * getifaddrs() and talks rtnetlink.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "realserver.h"
#include "sysctl.h"

int rs_plan(const struct addr *vips, int nvips, const char *dev,
	    char ifs[][RS_IFNAMSIZ], int nifs, struct rs_item *items)
{
	static const char *const keys[] = { "arp_ignore", "arp_announce" };
	static const int wants[] = { 1, 2 };
	int n = 0;

	if (nvips < 0 || nvips > RS_MAX_VIPS || nifs < 0 || nifs > RS_MAX_IFS)
		return -1;
	memset(items, 0, sizeof(*items) * RS_MAX_ITEMS);
	/* ARP behaviour first: the VIP must never be answered for. */
	for (int k = 0; k < 2; k++) {
		for (int i = -1; i < nifs; i++) {
			struct rs_item *it = &items[n++];

			it->kind = RS_SYSCTL;
			snprintf(it->ifname, sizeof(it->ifname), "%s",
				 i < 0 ? "all" : ifs[i]);
			it->key = keys[k];
			it->want = wants[k];
		}
	}
	items[n].kind = RS_LINK_UP;
	snprintf(items[n++].ifname, RS_IFNAMSIZ, "%s", dev);
	for (int v = 0; v < nvips; v++) {
		struct rs_item *it = &items[n++];

		it->kind = RS_VIP;
		snprintf(it->ifname, sizeof(it->ifname), "%s", dev);
		it->vip = vips[v];
		it->plen = vips[v].family == AF_INET ? 32 : 128;
	}
	return n;
}

/* sysctl(8) name; an interface name with a dot needs the slash form */
static const char *sysctl_name(const struct rs_item *it, char *buf, size_t len)
{
	if (strchr(it->ifname, '.'))
		snprintf(buf, len, "net/ipv4/conf/%s/%s", it->ifname, it->key);
	else
		snprintf(buf, len, "net.ipv4.conf.%s.%s", it->ifname, it->key);
	return buf;
}

const char *rs_item_cmd(const struct rs_item *it, char *buf, size_t len)
{
	char a[ADDR_STRLEN], name[96];

	switch (it->kind) {
	case RS_LINK_UP:
		snprintf(buf, len, "ip link set dev %s up", it->ifname);
		break;
	case RS_SYSCTL:
		snprintf(buf, len, "sysctl -w %s=%d",
			 sysctl_name(it, name, sizeof(name)), it->want);
		break;
	case RS_VIP:
		snprintf(buf, len, "ip %saddr add %s/%u dev %s%s",
			 it->vip.family == AF_INET6 ? "-6 " : "",
			 addr_fmt(&it->vip, a), it->plen, it->ifname,
			 it->vip.family == AF_INET6 ? " nodad" : "");
		break;
	}
	return buf;
}

/* ---- reading the host ---- */

static int sysctl_read(const char *ifname, const char *key, int *val)
{
	char path[128];
	long v;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/%s", ifname,
		 key);
	if (sysctl_get_long(path, &v) < 0)
		return -1;
	*val = (int)v;
	return 0;
}

static int sysctl_write(const char *ifname, const char *key, int val)
{
	char path[128], buf[16];

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/%s", ifname,
		 key);
	snprintf(buf, sizeof(buf), "%d\n", val);
	return sysctl_set(path, buf);
}

static int link_is_up(const char *ifname)
{
	char path[128], buf[32];

	snprintf(path, sizeof(path), "/sys/class/net/%s/flags", ifname);
	if (sysctl_get(path, buf, sizeof(buf)) < 0)
		return -1;
	return (strtoul(buf, NULL, 16) & IFF_UP) != 0;
}

static unsigned mask_plen(const struct sockaddr *sa)
{
	const uint8_t *p;
	size_t n;
	unsigned plen = 0;

	if (!sa)
		return 0;
	if (sa->sa_family == AF_INET) {
		p = (const uint8_t *)&((const struct sockaddr_in *)sa)
			    ->sin_addr;
		n = 4;
	} else {
		p = (const uint8_t *)&((const struct sockaddr_in6 *)sa)
			    ->sin6_addr;
		n = 16;
	}
	for (size_t i = 0; i < n; i++)
		plen += (unsigned)__builtin_popcount(p[i]);
	return plen;
}

static bool sa_is(const struct sockaddr *sa, const struct addr *a)
{
	if (!sa || sa->sa_family != a->family)
		return false;
	if (a->family == AF_INET)
		return !memcmp(&((const struct sockaddr_in *)sa)->sin_addr,
			       &a->u.v4, 4);
	return !memcmp(&((const struct sockaddr_in6 *)sa)->sin6_addr, &a->u.v6,
		       16);
}

/*
 * Where the VIP is: *on_dev gets its prefix length on @dev (0: absent);
 * @other gets the name of another interface holding it ("" if none).
 */
static int vip_where(const struct addr *vip, const char *dev, unsigned *on_dev,
		     char *other, size_t olen)
{
	struct ifaddrs *ifa, *i;

	*on_dev = 0;
	other[0] = 0;
	if (getifaddrs(&ifa) < 0)
		return -1;
	for (i = ifa; i; i = i->ifa_next) {
		if (!sa_is(i->ifa_addr, vip))
			continue;
		if (!strcmp(i->ifa_name, dev))
			*on_dev = mask_plen(i->ifa_netmask);
		else
			snprintf(other, olen, "%s", i->ifa_name);
	}
	freeifaddrs(ifa);
	return 0;
}

/* ---- rtnetlink ---- */

/* send one request and wait for its acknowledgement; returns 0 or -errno */
static int nl_request(struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	unsigned portid;
	int ret;

	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = (unsigned)time(NULL);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	ret = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (ret < 0) {
		ret = -errno;
		goto out;
	}
	ret = mnl_cb_run(buf, (size_t)ret, nlh->nlmsg_seq, portid, NULL, NULL);
	ret = ret < 0 ? -errno : 0;
out:
	mnl_socket_close(nl);
	return ret;
}

static int nl_link_up(const char *ifname)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	unsigned idx = if_nametoindex(ifname);

	if (!idx)
		return -errno;
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)idx;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	return nl_request(nlh);
}

static int nl_addr_add(const struct rs_item *it)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	unsigned idx = if_nametoindex(it->ifname);

	if (!idx)
		return -errno;
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)it->vip.family;
	ifa->ifa_prefixlen = (uint8_t)it->plen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = idx;
	/* no duplicate address detection: every real server owns the VIP */
	if (it->vip.family == AF_INET6)
		ifa->ifa_flags = IFA_F_NODAD;
	mnl_attr_put(nlh, IFA_LOCAL, addr_len(&it->vip), it->vip.u.bytes);
	mnl_attr_put(nlh, IFA_ADDRESS, addr_len(&it->vip), it->vip.u.bytes);
	return nl_request(nlh);
}

/* ---- check and apply ---- */

/*
 * Is @it in place? @effective: judge an interface's ARP sysctl as the
 * kernel does (the larger of "all" and the interface's own value).
 * Fills @why with what is wrong; may replace the suggested @fix.
 */
static bool item_ok(const struct rs_item *it, bool effective, char *why,
		    size_t len, char *fix, size_t fixlen)
{
	char a[ADDR_STRLEN], name[96], other[RS_IFNAMSIZ];
	int v, all = 0;
	unsigned plen;

	why[0] = 0;
	switch (it->kind) {
	case RS_LINK_UP:
		v = link_is_up(it->ifname);
		if (v < 0)
			snprintf(why, len, "no device %s", it->ifname);
		else if (!v)
			snprintf(why, len, "%s is down", it->ifname);
		return v == 1;
	case RS_SYSCTL:
		sysctl_name(it, name, sizeof(name));
		if (sysctl_read(it->ifname, it->key, &v) < 0) {
			snprintf(why, len, "cannot read %s: %s", name,
				 strerror(errno));
			return false;
		}
		if (effective && strcmp(it->ifname, "all") &&
		    !sysctl_read("all", it->key, &all) && all > v)
			v = all;
		if (v >= it->want)
			return true;
		snprintf(why, len, "%s is %d, want %d", name, v, it->want);
		return false;
	case RS_VIP:
		addr_fmt(&it->vip, a);
		if (vip_where(&it->vip, it->ifname, &plen, other,
			      sizeof(other)) < 0) {
			snprintf(why, len, "getifaddrs: %s", strerror(errno));
			return false;
		}
		if (other[0]) {
			snprintf(why, len,
				 "%s is also on %s: this host would answer "
				 "ARP for the VIP",
				 a, other);
			snprintf(fix, fixlen, "ip addr del %s dev %s", a,
				 other);
		} else if (!plen)
			snprintf(why, len, "%s is not on %s", a, it->ifname);
		else if (plen != it->plen)
			snprintf(why, len,
				 "%s/%u on %s: want /%u (a shorter prefix on "
				 "%s swallows its whole subnet)",
				 a, plen, it->ifname, it->plen, it->ifname);
		return !why[0];
	}
	return false;
}

static int item_apply(const struct rs_item *it)
{
	switch (it->kind) {
	case RS_LINK_UP:
		return nl_link_up(it->ifname);
	case RS_SYSCTL:
		return sysctl_write(it->ifname, it->key, it->want) < 0 ?
			       -errno :
			       0;
	case RS_VIP:
		return nl_addr_add(it);
	}
	return -EINVAL;
}

static int run(const char *cmd, struct rs_item *items, int n, bool apply)
{
	char line[160], why[200];
	int bad = 0;
	bool check = !strcmp(cmd, "check");

	for (int i = 0; i < n; i++) {
		const struct rs_item *it = &items[i];
		int err;

		rs_item_cmd(it, line, sizeof(line));
		if (!check && !apply) {
			printf("%s\n", line);
			continue;
		}
		if (item_ok(it, check, why, sizeof(why), line, sizeof(line))) {
			printf("ok: %s%s\n", check ? "" : "already: ", line);
			continue;
		}
		if (check) {
			printf("missing: %s (fix: %s)\n", why, line);
			bad = 1;
			continue;
		}
		rs_item_cmd(it, line, sizeof(line));
		err = item_apply(it);
		if (err && err != -EEXIST) {
			fprintf(stderr, "realserver: %s: %s\n", line,
				strerror(-err));
			bad = 1;
		} else {
			printf("applied: %s\n", line);
		}
	}
	return bad;
}

/* every interface but loopback that has IPv4 ARP settings */
static int list_ifs(char ifs[][RS_IFNAMSIZ])
{
	struct if_nameindex *ni = if_nameindex(), *p;
	int n = 0, v;

	if (!ni)
		return -1;
	for (p = ni; p->if_index && n < RS_MAX_IFS; p++) {
		if (!strcmp(p->if_name, "lo") ||
		    sysctl_read(p->if_name, "arp_ignore", &v) < 0)
			continue;
		snprintf(ifs[n++], RS_IFNAMSIZ, "%s", p->if_name);
	}
	if_freenameindex(ni);
	return n;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: directorctl realserver prepare --vip ADDR [--vip ADDR]"
		" [--dev lo] [--iface IF] [--apply]\n"
		"       directorctl realserver check --vip ADDR [--vip ADDR]"
		" [--dev lo] [--iface IF]\n");
	return 2;
}

int ctl_realserver_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vip", required_argument, NULL, 'v' },
		{ "dev", required_argument, NULL, 'd' },
		{ "iface", required_argument, NULL, 'i' },
		{ "apply", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct rs_item items[RS_MAX_ITEMS];
	static char ifs[RS_MAX_IFS][RS_IFNAMSIZ];
	struct addr vips[RS_MAX_VIPS];
	const char *cmd, *dev = "lo";
	int nvips = 0, nifs = 0, n, c;
	bool apply = false;

	if (argc < 2)
		return usage();
	cmd = argv[1];
	if (strcmp(cmd, "prepare") && strcmp(cmd, "check"))
		return usage();
	optind =
		0; /* glibc: a full reset, directorctl parsed its own options */
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			if (nvips == RS_MAX_VIPS ||
			    addr_parse(optarg, &vips[nvips]) < 0) {
				fprintf(stderr, "realserver: bad --vip '%s'\n",
					optarg);
				return 2;
			}
			nvips++;
			break;
		case 'd':
		case 'i':
			if (strlen(optarg) >= RS_IFNAMSIZ ||
			    (c == 'i' && nifs == RS_MAX_IFS)) {
				fprintf(stderr,
					"realserver: bad interface "
					"'%s'\n",
					optarg);
				return 2;
			}
			if (c == 'd')
				dev = optarg;
			else
				snprintf(ifs[nifs++], RS_IFNAMSIZ, "%s",
					 optarg);
			break;
		case 'a':
			apply = true;
			break;
		default:
			return usage();
		}
	}
	if (optind != argc - 1 || !nvips || (apply && strcmp(cmd, "prepare")))
		return usage();
	if (!nifs && (nifs = list_ifs(ifs)) < 0) {
		fprintf(stderr, "realserver: if_nameindex: %s\n",
			strerror(errno));
		return 1;
	}
	n = rs_plan(vips, nvips, dev, ifs, nifs, items);
	if (n < 0)
		return usage();
	return run(cmd, items, n, apply);
}
