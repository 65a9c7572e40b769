/*
 * sockpool.c - the pools of idle TCP sockets. A probe whose connection was
 * made gives its socket back with connect(AF_UNSPEC), which aborts the
 * connection with a RST (as the linger-0 close would) and leaves the
 * socket ready to connect again. The next probe then skips socket(),
 * setsockopt(), EPOLL_CTL_ADD and close(), most of the kernel's cost of a
 * TCP check.
 *
 * A pooled socket also keeps the source address and port of its first
 * connection: it is bound to them when it comes back. The kernel then
 * neither searches a free port on each connect nor frees the port's bind
 * buckets on each abort (14 % of a TCP check's CPU), nor moves the socket
 * in its bind hash from the wildcard address to the source address and
 * back (__inet_bhash2_update_saddr, 13 %). Other sockets' automatic ports
 * skip the bound one.
 *
 * A socket bound to an address may only serve the real servers that the
 * routing reaches from that address: each checker learns the source
 * address of its connections (chk.src) and takes its sockets from that
 * address's pool. A change of addresses, routes, rules or links
 * (srcwatch.c), and every new generation, forget what was learned and
 * close the idle sockets; a socket lent to a probe then is closed when it
 * comes back. Without the watch, sockets keep only their port.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "evloop.h"
#include "log.h"
#include "checker/probe.h"

/* one per probe that may be in flight (the descriptor budget counts as
 * many idle sockets, chk_slots_want): at 10,000 checks a second about
 * 1,100 are in flight, and a smaller pool would close and reopen
 * hundreds of sockets a second; beyond, close */
#define SOCK_POOL_MAX CHK_SLOTS_MAX
/* sockets idle this long are closed: the pool follows the load down (fewer
 * real servers after a reload, the end of a burst) */
#define SOCK_POOL_IDLE_US (60 * 1000000ull)

uint8_t chk_sock_pool_any(int family)
{
	return family == AF_INET6;
}

/* whether @a and @b, of the same family, are the same source address */
static bool src_same(const struct sockaddr_storage *a, const struct sockaddr *b)
{
	if (a->ss_family != b->sa_family)
		return false;
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a,
					  *y = (const void *)b;

		return IN6_ARE_ADDR_EQUAL(&x->sin6_addr, &y->sin6_addr) &&
		       x->sin6_scope_id == y->sin6_scope_id;
	}
	return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
	       ((const struct sockaddr_in *)(const void *)b)->sin_addr.s_addr;
}

/* the pool of source address @me, taken when new; 0 when all are taken.
 * Pools are only released all at once (chk_sock_pool_reset), so the used
 * ones come first. */
static uint8_t src_pool(struct chk_engine *e, const struct sockaddr_storage *me)
{
	size_t i;

	for (i = CHK_POOL_SRC; i < CHK_POOLS; i++) {
		struct chk_sockpool *sp = &e->pool[i];

		if (!sp->src.sa.sa_family) {
			memset(&sp->src, 0, sizeof(sp->src));
			if (me->ss_family == AF_INET6) {
				sp->src.v6 = *(const struct sockaddr_in6 *)me;
				sp->src.v6.sin6_port = 0;
				sp->src.v6.sin6_flowinfo = 0;
			} else {
				sp->src.v4 = *(const struct sockaddr_in *)me;
				sp->src.v4.sin_port = 0;
			}
			return (uint8_t)i;
		}
		if (src_same(me, &sp->src.sa))
			return (uint8_t)i;
	}
	return 0;
}

int chk_sock_take(struct chk_engine *e, int family, uint8_t src, uint8_t *from)
{
	struct chk_sockpool *sp = &e->pool[src];

	/* the learned source's pool first (pools of no address have no
	 * family); a socket bound to no address serves any destination */
	if (sp->src.sa.sa_family != family || !sp->n)
		sp = &e->pool[chk_sock_pool_any(family)];
	*from = (uint8_t)(sp - e->pool);
	if (!sp->n)
		return -1;
	if (--sp->n < sp->low)
		sp->low = sp->n;
	e->pool_idle--;
	return sp->fd[sp->n];
}

/* close the @k least recently used sockets of @sp (the stack's bottom) */
static void pool_close(struct chk_engine *e, struct chk_sockpool *sp, size_t k)
{
	size_t i;

	if (!k)
		return; /* sp->fd may be NULL: memmove must not see it */
	for (i = 0; i < k; i++)
		ev_fd_close(e->loop, sp->fd[i]);
	memmove(sp->fd, sp->fd + k, (sp->n - k) * sizeof(*sp->fd));
	sp->n -= k;
	e->pool_open -= k;
	e->pool_idle -= k;
}

/* close the sockets that stayed at the bottom of the stack, untouched, for
 * the whole interval */
static void sock_trim(struct ev_loop *l, void *arg)
{
	struct chk_engine *e = arg;
	size_t f;

	e->pool_trim = NULL;
	for (f = 0; f < CHK_POOLS; f++) {
		pool_close(e, &e->pool[f], e->pool[f].low);
		e->pool[f].low = e->pool[f].n;
	}
	if (e->pool_idle)
		e->pool_trim = ev_timer_add(
			l, ev_loop_now(l) + SOCK_POOL_IDLE_US, sock_trim, e);
}

/* room for one more socket in @sp; false when it holds the most */
static bool pool_room(struct chk_sockpool *sp)
{
	size_t cap = sp->cap ? sp->cap * 2 : 16;
	int *t;

	if (sp->n < sp->cap)
		return true;
	if (sp->cap == SOCK_POOL_MAX)
		return false;
	t = realloc(sp->fd, cap * sizeof(*t));
	if (!t)
		return false;
	sp->fd = t;
	sp->cap = cap;
	return true;
}

/* sock_keep - bind @fd, just disconnected, to the source address of pool
 * @to and the port @me of its connection; to the port alone when @to
 * holds no address. Without SO_REUSEADDR the bind fails while any other
 * socket has that port (@fd then stays unbound, as before), and succeeds
 * as its sole owner: no other socket gets the port then, so no other
 * connection can have our source address and port towards a server we
 * check. Returns whether @fd is bound. */
static bool sock_keep(int fd, uint8_t to, struct sockaddr_storage *me)
{
	socklen_t len = me->ss_family == AF_INET6 ?
				sizeof(struct sockaddr_in6) :
				sizeof(struct sockaddr_in);

	if (to < CHK_POOL_SRC) {
		if (me->ss_family == AF_INET6) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)me;

			s6->sin6_addr = in6addr_any;
			s6->sin6_scope_id = 0;
		} else {
			((struct sockaddr_in *)me)->sin_addr.s_addr =
				htonl(INADDR_ANY);
		}
	}
	if (me->ss_family == AF_INET6)
		((struct sockaddr_in6 *)me)->sin6_flowinfo = 0;
	if (bind(fd, (struct sockaddr *)me, len) == 0)
		return true;
	if (errno != EADDRINUSE)
		log_debug("checker: a pooled socket cannot keep its source: %s",
			  strerror(errno));
	return false;
}

bool chk_sock_give(struct chk_engine *e, int fd, int family, uint8_t from,
		   bool fresh, struct chk *k)
{
	struct sockaddr sa = { .sa_family = AF_UNSPEC };
	struct sockaddr_storage me;
	socklen_t ml = sizeof(me);
	uint8_t to = from;
	struct chk_sockpool *sp;

	if (from == CHK_POOL_STALE)
		return false; /* sources changed while it was lent */
	/* a new socket learns its source: the pool it joins, and its
	 * checker's (the watch tells when routing may choose another) */
	fresh = fresh && getsockname(fd, (struct sockaddr *)&me, &ml) == 0 &&
		me.ss_family == family;
	if (fresh && e->srcwatch_fd >= 0) {
		to = src_pool(e, &me);
		if (k)
			k->src = to;
		if (!to)
			to = from;
	}
	sp = &e->pool[to];
	if (!pool_room(sp) || connect(fd, &sa, sizeof(sa)) < 0)
		return false;
	if (fresh && !sock_keep(fd, to, &me) && to != from) {
		/* unbound: it serves any destination */
		to = from;
		sp = &e->pool[to];
		if (!pool_room(sp))
			return false;
	}
	ev_fd_park(e->loop, fd);
	sp->fd[sp->n++] = fd;
	e->pool_idle++;
	/* no trim timer: the pools were empty, count from now */
	if (!e->pool_trim) {
		size_t i;

		for (i = 0; i < CHK_POOLS; i++)
			e->pool[i].low = e->pool[i].n;
		e->pool_trim = ev_timer_add(
			e->loop, ev_loop_now(e->loop) + SOCK_POOL_IDLE_US,
			sock_trim, e);
	}
	return true;
}

bool chk_sock_pool_shed(struct chk_engine *e)
{
	struct chk_sockpool *sp = &e->pool[0];
	size_t i;

	for (i = 1; i < CHK_POOLS; i++)
		if (e->pool[i].n > sp->n)
			sp = &e->pool[i];
	if (!sp->n)
		return false;
	pool_close(e, sp, 1);
	if (sp->low)
		sp->low--;
	return true;
}

/* close every idle socket and forget the source addresses */
static void pool_close_all(struct chk_engine *e)
{
	size_t i;

	for (i = 0; i < CHK_POOLS; i++) {
		pool_close(e, &e->pool[i], e->pool[i].n);
		e->pool[i].low = 0;
		memset(&e->pool[i].src, 0, sizeof(e->pool[i].src));
	}
}

size_t chk_sock_pool_sources(const struct chk_engine *e)
{
	size_t i;

	/* used pools come first (src_pool) */
	for (i = CHK_POOL_SRC; i < CHK_POOLS; i++)
		if (!e->pool[i].src.sa.sa_family)
			break;
	return i - CHK_POOL_SRC;
}

void chk_sock_pool_reset(struct chk_engine *e)
{
	size_t i, j, c;

	pool_close_all(e);
	for (i = 0; i < e->n_vss; i++)
		for (j = 0; j < e->vss[i]->n_rss; j++) {
			const struct chk_rs *rs = e->vss[i]->rss[j];

			for (c = 0; c < rs->n_checks; c++) {
				struct chk *k = chk_rs_check(rs, c);

				k->src = 0;
				if (k->probe)
					k->probe->pool_src = CHK_POOL_STALE;
			}
		}
}

void chk_sock_pool_free(struct chk_engine *e)
{
	size_t i;

	ev_timer_cancel(e->loop, e->pool_trim);
	e->pool_trim = NULL;
	pool_close_all(e);
	for (i = 0; i < CHK_POOLS; i++) {
		free(e->pool[i].fd);
		memset(&e->pool[i], 0, sizeof(e->pool[i]));
	}
}
