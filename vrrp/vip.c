/*
 * vip.c - VIPs over rtnetlink with libmnl (small, synchronous, no caches:
 * each request is acknowledged before the next, so the order of adds and
 * deletes is the order of calls).
 */
#include "config.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "vip.h"

struct mnl_socket *vrrp_vip_open(void)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);

	if (!nl) {
		log_err("vip: netlink socket: %s", strerror(errno));
		return NULL;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		log_err("vip: netlink bind: %s", strerror(errno));
		mnl_socket_close(nl);
		return NULL;
	}
	return nl;
}

void vrrp_vip_close(struct mnl_socket *nl)
{
	if (nl)
		mnl_socket_close(nl);
}

const char *vrrp_vip_ifname(const struct cfg_vip *v, const char *inst_if)
{
	return v->dev[0] ? v->dev : inst_if;
}

int vrrp_nl_talk(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		 void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned portid = mnl_socket_get_portid(nl);
	unsigned seq = nlh->nlmsg_seq;
	ssize_t n;
	int rc;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		errno = 0;
		rc = mnl_cb_run(buf, (size_t)n, seq, portid, cb, arg);
		if (rc < 0)
			return errno ? -errno : -EPROTO;
		if (rc == MNL_CB_STOP)
			return 0;
	}
}

static int vip_msg(struct mnl_socket *nl, int type, const struct cfg_vip *v,
		   const char *inst_if)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], ab[ADDR_STRLEN];
	const char *ifname = vrrp_vip_ifname(v, inst_if);
	size_t alen = addr_len(&v->addr);
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	uint32_t flags = 0;
	unsigned ifindex = if_nametoindex(ifname);
	int rc;

	if (!ifindex) {
		log_err("vip: %s: interface %s: %s", addr_fmt(&v->addr, ab),
			ifname, strerror(errno));
		return -ENODEV;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (type == RTM_NEWADDR)
		nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
	nlh->nlmsg_seq = (unsigned)time(NULL);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)v->addr.family;
	ifa->ifa_prefixlen = (uint8_t)v->prefix;
	ifa->ifa_scope = (uint8_t)v->scope;
	ifa->ifa_index = ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, alen, v->addr.u.bytes);
	mnl_attr_put(nlh, IFA_ADDRESS, alen,
		     v->peer.family ? v->peer.u.bytes : v->addr.u.bytes);
	if (type == RTM_NEWADDR) {
		if (v->brd.family == AF_INET)
			mnl_attr_put(nlh, IFA_BROADCAST, 4, &v->brd.u.v4);
		if (v->label[0] && v->addr.family == AF_INET)
			mnl_attr_put_strz(nlh, IFA_LABEL, v->label);
		if (v->addr.family == AF_INET6 && v->nodad)
			flags |= IFA_F_NODAD;
		if (v->noprefixroute)
			flags |= IFA_F_NOPREFIXROUTE;
		ifa->ifa_flags = (uint8_t)flags;
		if (flags)
			mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
		if (v->addr.family == AF_INET6 && v->prefix == 128) {
			struct ifa_cacheinfo ci = {
				.ifa_prefered = 0,
				.ifa_valid = 0xffffffffU, /* forever */
			};
			mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(ci), &ci);
		}
	}
	rc = vrrp_nl_talk(nl, nlh, NULL, NULL);
	if (type == RTM_NEWADDR && rc == -EEXIST)
		return 0;
	if (type == RTM_DELADDR && rc == -EADDRNOTAVAIL)
		return 0;
	if (rc < 0) {
		log_err("vip: %s %s/%u on %s: %s",
			type == RTM_NEWADDR ? "adding" : "removing",
			addr_fmt(&v->addr, ab), v->prefix, ifname,
			strerror(-rc));
		return -1;
	}
	return 1;
}

int vrrp_vip_add(struct mnl_socket *nl, const struct cfg_vip *v,
		 const char *inst_if)
{
	return vip_msg(nl, RTM_NEWADDR, v, inst_if);
}

int vrrp_vip_del(struct mnl_socket *nl, const struct cfg_vip *v,
		 const char *inst_if)
{
	return vip_msg(nl, RTM_DELADDR, v, inst_if);
}
