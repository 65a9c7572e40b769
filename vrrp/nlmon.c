/* nlmon.c - rtnetlink link/address event monitor (libmnl). */
#include "config.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "evloop.h"
#include "log.h"
#include "nlmon.h"

struct vrrp_nlmon {
	struct ev_loop *loop;
	struct mnl_socket *nl;
	const struct vrrp_nlmon_ops *ops;
	void *arg;
};

struct parse_ctx {
	const struct vrrp_nlmon_ops *ops;
	void *arg;
	int events;
};

static int link_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (type <= IFLA_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

static int addr_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (type <= IFA_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

static int link_msg(const struct nlmsghdr *nlh, struct parse_ctx *p)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	const struct ifinfomsg *ifi;
	const char *name = "";

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return MNL_CB_ERROR;
	ifi = mnl_nlmsg_get_payload(nlh);
	mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, tb);
	if (tb[IFLA_IFNAME] &&
	    mnl_attr_validate(tb[IFLA_IFNAME], MNL_TYPE_STRING) >= 0)
		name = mnl_attr_get_str(tb[IFLA_IFNAME]);
	if (p->ops->link)
		p->ops->link(p->arg, (unsigned)ifi->ifi_index, name,
			     nlh->nlmsg_type == RTM_NEWLINK &&
				     (ifi->ifi_flags & IFF_UP) &&
				     (ifi->ifi_flags & IFF_RUNNING));
	/* AF_BRIDGE DELLINKs announce a port leaving a bridge, the device
	 * itself stays */
	if (nlh->nlmsg_type == RTM_DELLINK && ifi->ifi_family != AF_BRIDGE &&
	    p->ops->link_del)
		p->ops->link_del(p->arg, (unsigned)ifi->ifi_index, name);
	p->events++;
	return MNL_CB_OK;
}

static int addr_msg(const struct nlmsghdr *nlh, struct parse_ctx *p)
{
	const struct nlattr *tb[IFA_MAX + 1] = { 0 };
	const struct ifaddrmsg *ifa;
	const struct nlattr *at;
	struct addr a;
	size_t alen;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)))
		return MNL_CB_ERROR;
	ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, tb);
	at = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	alen = ifa->ifa_family == AF_INET ? 4 : 16;
	if (!at || mnl_attr_get_payload_len(at) != alen)
		return MNL_CB_OK;
	memset(&a, 0, sizeof(a));
	a.family = ifa->ifa_family;
	memcpy(a.u.bytes, mnl_attr_get_payload(at), alen);
	if (p->ops->addr_del)
		p->ops->addr_del(p->arg, ifa->ifa_index, &a);
	p->events++;
	return MNL_CB_OK;
}

static int msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct parse_ctx *p = data;

	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		return link_msg(nlh, p);
	case RTM_DELADDR:
		return addr_msg(nlh, p);
	default:
		return MNL_CB_OK;
	}
}

int vrrp_nlmon_parse(const void *buf, size_t len,
		     const struct vrrp_nlmon_ops *ops, void *arg)
{
	struct parse_ctx p = { .ops = ops, .arg = arg };
	const struct nlmsghdr *nlh = buf;
	int rem = (int)len;

	if (len > 1 << 30)
		return -1;
	while (mnl_nlmsg_ok(nlh, rem)) {
		if (msg_cb(nlh, &p) == MNL_CB_ERROR)
			return -1;
		nlh = mnl_nlmsg_next(nlh, &rem);
	}
	/* bytes left over that do not form a message: a malformed buffer */
	return rem > 0 ? -1 : p.events;
}

static void nlmon_read(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
	struct vrrp_nlmon *m = arg;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int i;

	/* bounded: the loop must get back to its timers */
	for (i = 0; i < 64; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0) {
			if (errno == ENOBUFS)
				log_warn("netlink monitor: events lost "
					 "(receive buffer overrun)");
			else if (errno != EAGAIN && errno != EINTR)
				log_err("netlink monitor: %s", strerror(errno));
			return;
		}
		if (vrrp_nlmon_parse(buf, (size_t)n, m->ops, m->arg) < 0)
			log_warn("netlink monitor: malformed message");
	}
}

struct vrrp_nlmon *vrrp_nlmon_new(struct ev_loop *l,
				  const struct vrrp_nlmon_ops *ops, void *arg)
{
	struct vrrp_nlmon *m = calloc(1, sizeof(*m));
	unsigned groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;

	if (!m)
		return NULL;
	m->loop = l;
	m->ops = ops;
	m->arg = arg;
	m->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!m->nl || mnl_socket_bind(m->nl, groups, MNL_SOCKET_AUTOPID) < 0 ||
	    ev_fd_add(l, mnl_socket_get_fd(m->nl), EPOLLIN, nlmon_read, m) <
		    0) {
		log_err("netlink monitor: %s", strerror(errno));
		if (m->nl)
			mnl_socket_close(m->nl);
		free(m);
		return NULL;
	}
	return m;
}

void vrrp_nlmon_free(struct vrrp_nlmon *m)
{
	if (!m)
		return;
	ev_fd_del(m->loop, mnl_socket_get_fd(m->nl));
	mnl_socket_close(m->nl);
	free(m);
}
