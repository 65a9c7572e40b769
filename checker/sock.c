/*
 * sock.c - non-blocking checker sockets with keepalived's source options,
 * and the pool of idle TCP sockets: a probe whose connection was made
 * gives its socket back with connect(AF_UNSPEC), which aborts the
 * connection with a RST (as the linger-0 close would) and leaves the
 * socket ready to connect again. The next probe then skips socket(),
 * setsockopt(), EPOLL_CTL_ADD and close(), most of the kernel's cost of a
 * TCP check.
 *
 * A pooled socket also keeps its source port: on its first return it is
 * bound to the port its connection had. The kernel then neither searches
 * a free port on each connect nor frees the port's bind buckets on each
 * abort (14 % of a TCP check's CPU), and other sockets' automatic ports
 * skip the bound one.
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

/* one per probe that may be in flight (the descriptor budget counts as
 * many idle sockets, chk_slots_want): at 10,000 checks a second about
 * 1,100 are in flight, and a smaller pool would close and reopen
 * hundreds of sockets a second; beyond, close */
#define SOCK_POOL_MAX CHK_SLOTS_MAX
/* sockets idle this long are closed: the pool follows the load down (fewer
 * real servers after a reload, the end of a burst) */
#define SOCK_POOL_IDLE_US (60 * 1000000ull)

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

static struct chk_sockpool *sock_pool(struct chk_engine *e, int family)
{
	return &e->pool[family == AF_INET6];
}

int chk_sock_take(struct chk_engine *e, int family)
{
	struct chk_sockpool *sp = sock_pool(e, family);

	if (!sp->n)
		return -1;
	if (--sp->n < sp->low)
		sp->low = sp->n;
	return sp->fd[sp->n];
}

/* close the @k least recently used sockets of @sp (the stack's bottom) */
static void pool_close(struct chk_engine *e, struct chk_sockpool *sp, size_t k)
{
	size_t i;

	for (i = 0; i < k; i++)
		ev_fd_close(e->loop, sp->fd[i]);
	memmove(sp->fd, sp->fd + k, (sp->n - k) * sizeof(*sp->fd));
	sp->n -= k;
	e->pool_open -= k;
}

/* close the sockets that stayed at the bottom of the stack, untouched, for
 * the whole interval */
static void sock_trim(struct ev_loop *l, void *arg)
{
	struct chk_engine *e = arg;
	size_t f;

	e->pool_trim = NULL;
	for (f = 0; f < 2; f++) {
		pool_close(e, &e->pool[f], e->pool[f].low);
		e->pool[f].low = e->pool[f].n;
	}
	if (e->pool[0].n || e->pool[1].n)
		e->pool_trim = ev_timer_add(
			l, ev_loop_now(l) + SOCK_POOL_IDLE_US, sock_trim, e);
}

/* sock_keep_port - bind @fd, just disconnected, to the port @me of its
 * connection. Without SO_REUSEADDR the bind fails while any other socket
 * has that port (it then stays unbound, as before), and succeeds as its
 * sole owner: no other socket gets the port then, so no other connection
 * can have our source address and port towards a server we check. */
static void sock_keep_port(int fd, struct sockaddr_storage *me)
{
	/* the address goes (the pool serves every destination), the port
	 * stays */
	if (me->ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)me;

		s6->sin6_addr = in6addr_any;
		s6->sin6_flowinfo = 0;
		s6->sin6_scope_id = 0;
	} else {
		((struct sockaddr_in *)me)->sin_addr.s_addr = htonl(INADDR_ANY);
	}
	if (bind(fd, (struct sockaddr *)me,
		 me->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
					     sizeof(struct sockaddr_in)) < 0 &&
	    errno != EADDRINUSE)
		log_debug("checker: a pooled socket cannot keep its port: %s",
			  strerror(errno));
}

bool chk_sock_give(struct chk_engine *e, int fd, int family, bool fresh)
{
	struct chk_sockpool *sp = sock_pool(e, family);
	struct sockaddr sa = { .sa_family = AF_UNSPEC };
	struct sockaddr_storage me;
	socklen_t ml = sizeof(me);

	if (sp->n == sp->cap) {
		size_t cap = sp->cap ? sp->cap * 2 : 16;
		int *t;

		if (sp->cap == SOCK_POOL_MAX)
			return false;
		t = realloc(sp->fd, cap * sizeof(*t));
		if (!t)
			return false;
		sp->fd = t;
		sp->cap = cap;
	}
	fresh = fresh && getsockname(fd, (struct sockaddr *)&me, &ml) == 0 &&
		me.ss_family == family;
	if (connect(fd, &sa, sizeof(sa)) < 0)
		return false;
	if (fresh)
		sock_keep_port(fd, &me);
	ev_fd_park(e->loop, fd);
	sp->fd[sp->n++] = fd;
	/* no trim timer: the pool was empty, count from now */
	if (!e->pool_trim) {
		e->pool[0].low = e->pool[0].n;
		e->pool[1].low = e->pool[1].n;
		e->pool_trim = ev_timer_add(
			e->loop, ev_loop_now(e->loop) + SOCK_POOL_IDLE_US,
			sock_trim, e);
	}
	return true;
}

bool chk_sock_pool_shed(struct chk_engine *e)
{
	struct chk_sockpool *sp = &e->pool[e->pool[1].n > e->pool[0].n];

	if (!sp->n)
		return false;
	pool_close(e, sp, 1);
	if (sp->low)
		sp->low--;
	return true;
}

void chk_sock_pool_free(struct chk_engine *e)
{
	size_t f;

	ev_timer_cancel(e->loop, e->pool_trim);
	e->pool_trim = NULL;
	for (f = 0; f < 2; f++) {
		pool_close(e, &e->pool[f], e->pool[f].n);
		free(e->pool[f].fd);
		memset(&e->pool[f], 0, sizeof(e->pool[f]));
	}
}
