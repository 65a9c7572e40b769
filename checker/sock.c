/*
 * sock.c - non-blocking checker sockets with keepalived's source options
 * (bindto, bind_port, bind_if, fwmark). The pool of idle TCP sockets is
 * in sockpool.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "evloop.h"
#include "log.h"
#include "checker/probe.h"
#include "checker/slots.h"

static int sock_bind(int fd, const struct cfg_check *cc, int family)
{
	struct sockaddr_storage ss;
	socklen_t len;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		if (cc->bindto.family == AF_INET6)
			s6->sin6_addr = cc->bindto.u.v6;
		s6->sin6_port = htons(cc->bind_port);
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		if (cc->bindto.family == AF_INET)
			s4->sin_addr = cc->bindto.u.v4;
		s4->sin_port = htons(cc->bind_port);
		len = sizeof(*s4);
	}
	return bind(fd, (struct sockaddr *)&ss, len);
}

int chk_sock_open(const struct cfg_check *cc, int family, int type, int proto,
		  char reason[CHK_REASON_MAX])
{
	int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	int one = 1;

	if (fd < 0) {
		snprintf(reason, CHK_REASON_MAX, "socket: %s", strerror(errno));
		return -1;
	}
	if (cc->bind_if[0] &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, cc->bind_if,
		       (socklen_t)strlen(cc->bind_if)) < 0) {
		snprintf(reason, CHK_REASON_MAX, "bind_if %s: %s", cc->bind_if,
			 strerror(errno));
		goto fail;
	}
	if (cc->fwmark && setsockopt(fd, SOL_SOCKET, SO_MARK, &cc->fwmark,
				     sizeof(cc->fwmark)) < 0) {
		snprintf(reason, CHK_REASON_MAX, "fwmark %u: %s", cc->fwmark,
			 strerror(errno));
		goto fail;
	}
	if (cc->bind_port &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) {
		snprintf(reason, CHK_REASON_MAX, "SO_REUSEADDR: %s",
			 strerror(errno));
		goto fail;
	}
	if ((cc->bindto.family == family || cc->bind_port) &&
	    sock_bind(fd, cc, family) < 0) {
		snprintf(reason, CHK_REASON_MAX, "bind: %s", strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

bool chk_sock_poolable(const struct cfg_check *cc, int family)
{
	return !cc->bind_if[0] && !cc->fwmark && !cc->bind_port &&
	       cc->bindto.family != family;
}
