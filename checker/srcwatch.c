/*
 * srcwatch.c - tell the socket pools when routing may pick other source
 * addresses. Pooled sockets are bound to the source address their first
 * connection had (sockpool.c); a new or removed address, route, rule or
 * a link going up or down may change the address the kernel would choose
 * for a real server, as keepalived's checker would get it. Any such
 * message from rtnetlink resets the pools: the contents do not matter,
 * changes are rare, and a reset costs one new socket per checker.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "evloop.h"
#include "log.h"
#include "checker/probe.h"

/* RTNLGRP_* to the bind() group mask (groups 1-32) */
#define SRCWATCH_GRP(g) (1u << ((g)-1))

static void srcwatch_io(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
	struct chk_engine *e = arg;
	char buf[8192];
	bool changed = false;
	ssize_t n;

	(void)l;
	(void)events;
	/* drain: one reset for a burst of messages */
	for (;;) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		/* ENOBUFS: messages were lost, something changed */
		if (n > 0 || (n < 0 && errno == ENOBUFS))
			changed = true;
		else if (!(n < 0 && errno == EINTR))
			break;
	}
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
		log_warn("checker: routing watch failed (%s); pooled sockets "
			 "keep only their port from now on",
			 strerror(errno));
		chk_srcwatch_stop(e);
		changed = true;
	}
	if (changed)
		chk_sock_pool_reset(e);
}

int chk_srcwatch_start(struct chk_engine *e)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd;

	sa.nl_groups = SRCWATCH_GRP(RTNLGRP_LINK) |
		       SRCWATCH_GRP(RTNLGRP_IPV4_IFADDR) |
		       SRCWATCH_GRP(RTNLGRP_IPV4_ROUTE) |
		       SRCWATCH_GRP(RTNLGRP_IPV4_RULE) |
		       SRCWATCH_GRP(RTNLGRP_IPV6_IFADDR) |
		       SRCWATCH_GRP(RTNLGRP_IPV6_ROUTE) |
		       SRCWATCH_GRP(RTNLGRP_IPV6_RULE);
	e->srcwatch_fd = -1;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    NETLINK_ROUTE);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    ev_fd_add(e->loop, fd, EPOLLIN, srcwatch_io, e) < 0) {
		log_warn("checker: cannot watch routing (%s); pooled sockets "
			 "keep only their port",
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	e->srcwatch_fd = fd;
	return 0;
}

void chk_srcwatch_stop(struct chk_engine *e)
{
	if (e->srcwatch_fd < 0)
		return;
	ev_fd_close(e->loop, e->srcwatch_fd);
	e->srcwatch_fd = -1;
}
