/*
 * fault_connect.c - test tool (LD_PRELOAD), not product code: fails one
 * connect() of a TCP socket that is already bound to a port with
 * EADDRNOTAVAIL, as the kernel would if another socket held the same
 * source address and port towards that server (with DD_FAULT_ERRNO=EINVAL:
 * as it would if the bound source address were gone). The checker's
 * pooled sockets own their address and port alone (checker/sockpool.c),
 * so the kernel cannot be brought to refuse one from outside on cue; its
 * retry from a new socket is tested with this.
 * Env DD_FAULT_CONNECT=FILE: the first process to create FILE (O_EXCL)
 * injects the failure, once; FILE then names the port refused.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef int (*connect_fn)(int, const struct sockaddr *, socklen_t);

/* the errno injected: DD_FAULT_ERRNO=EINVAL, else EADDRNOTAVAIL */
static int fault_errno(void)
{
	const char *e = getenv("DD_FAULT_ERRNO");

	return e && strcmp(e, "EINVAL") == 0 ? EINVAL : EADDRNOTAVAIL;
}

/* the bound port of TCP socket @fd, 0 when unbound or not TCP */
static unsigned bound_port(int fd)
{
	struct sockaddr_storage me;
	socklen_t ml = sizeof(me);
	int type = 0;
	socklen_t tl = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0 ||
	    type != SOCK_STREAM ||
	    getsockname(fd, (struct sockaddr *)&me, &ml) < 0)
		return 0;
	if (me.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&me)->sin_port);
	if (me.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&me)->sin6_port);
	return 0;
}

int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	static connect_fn real;
	const char *mark = getenv("DD_FAULT_CONNECT");
	unsigned port;
	int m;

	if (!real)
		real = (connect_fn)dlsym(RTLD_NEXT, "connect");
	if (mark && sa && sa->sa_family != AF_UNSPEC &&
	    (port = bound_port(fd)) != 0) {
		m = open(mark, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (m >= 0) {
			dprintf(m, "%u\n", port);
			close(m);
			errno = fault_errno();
			return -1;
		}
	}
	return real(fd, sa, len);
}
