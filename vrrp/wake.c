/*
 * wake.c - one timerfd per instance, armed at the earliest of its timer
 * deadlines (see wake.h for why).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "evloop.h"
#include "log.h"
#include "wake.h"

struct vrrp_wake {
	struct ev_loop *loop;
	int fd;
	uint64_t when[VRRP_WAKE_SLOTS]; /* 0: none */
	uint64_t armed; /* deadline the timerfd holds, 0: disarmed */
	char name[64];
};

uint64_t vrrp_wake_next(const uint64_t *when, unsigned n, uint64_t now_us)
{
	uint64_t best = 0;
	unsigned k;

	for (k = 0; k < n; k++)
		if (when[k] > now_us && (!best || when[k] < best))
			best = when[k];
	return best;
}

static void arm(struct vrrp_wake *w)
{
	uint64_t next = vrrp_wake_next(w->when, VRRP_WAKE_SLOTS, ev_now_us());
	struct itimerspec its;

	if (next == w->armed)
		return;
	memset(&its, 0, sizeof(its)); /* all zero: disarm */
	its.it_value.tv_sec = (time_t)(next / 1000000u);
	its.it_value.tv_nsec = (long)(next % 1000000u) * 1000;
	if (timerfd_settime(w->fd, TFD_TIMER_ABSTIME, &its, NULL) < 0) {
		/* the loop timer still fires, with epoll's slack */
		log_warn("(%s) exact timer: timerfd_settime: %s", w->name,
			 strerror(errno));
		w->armed = 0;
		return;
	}
	w->armed = next;
}

static void fired(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
	struct vrrp_wake *w = arg;
	uint64_t n;

	/* nothing to do but wake: the loop runs its due timers next */
	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_warn("(%s) exact timer: read: %s", w->name,
			 strerror(errno));
	w->armed = 0;
	arm(w);
}

struct vrrp_wake *vrrp_wake_new(struct ev_loop *l, const char *name)
{
	struct vrrp_wake *w = calloc(1, sizeof(*w));

	if (!w) {
		log_warn("(%s) exact timer: out of memory", name);
		return NULL;
	}
	w->loop = l;
	snprintf(w->name, sizeof(w->name), "%s", name);
	w->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (w->fd < 0 || ev_fd_add(l, w->fd, EPOLLIN, fired, w) < 0) {
		log_warn("(%s) exact timer unavailable (%s): timers keep "
			 "epoll's slack",
			 name, strerror(errno));
		if (w->fd >= 0)
			close(w->fd);
		free(w);
		return NULL;
	}
	return w;
}

void vrrp_wake_set(struct vrrp_wake *w, unsigned slot, uint64_t when_us)
{
	if (!w || slot >= VRRP_WAKE_SLOTS)
		return;
	w->when[slot] = when_us;
	arm(w);
}

void vrrp_wake_clear(struct vrrp_wake *w, unsigned slot)
{
	if (!w || slot >= VRRP_WAKE_SLOTS)
		return;
	w->when[slot] = 0;
	arm(w);
}

void vrrp_wake_free(struct vrrp_wake *w)
{
	if (!w)
		return;
	ev_fd_del(w->loop, w->fd);
	close(w->fd);
	free(w);
}
