/*
 * evloop.c - epoll for descriptors, a binary min-heap of monotonic
 * microsecond timers, signals through one signalfd.
 *
 * Descriptors live in a table indexed by fd. Each registration gets a
 * sequence number that is stored in the epoll data next to the fd, so an
 * event that belongs to a registration removed (or replaced) by an earlier
 * callback of the same batch is recognised and skipped.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include "evloop.h"
#include "log.h"

#define EV_BATCH 64
#define EV_MAX_EPOLL_ERRORS 5
#define EV_NO_INDEX ((size_t)-1)

struct ev_fdent {
	ev_fd_cb cb;
	void *arg;
	uint32_t seq; /* 0: slot free */
	uint32_t events; /* as registered with epoll */
};

struct ev_timer {
	uint64_t when_us;
	uint64_t seq; /* insertion order: equal deadlines run FIFO */
	size_t idx; /* position in the heap, EV_NO_INDEX when not queued */
	ev_timer_cb cb;
	void *arg;
};

struct ev_sigent {
	ev_signal_cb cb;
	void *arg;
};

struct ev_loop {
	int epfd;
	int sigfd; /* -1 until the first ev_signal_add */
	sigset_t sigmask;
	struct ev_sigent sigs[_NSIG];

	struct ev_fdent *fds;
	size_t n_fds; /* table size */
	uint32_t fd_seq;

	struct ev_timer **heap;
	size_t n_heap, cap_heap;
	uint64_t timer_seq;

	/* wakes epoll at the earliest timer's exact deadline: epoll's own
	 * timeout is in ms and the kernel stretches it by 0.1 % (3.6 ms on a
	 * 3.6 s Master_Down_Interval); -1 until ev_run, or if unavailable */
	int tfd;
	uint64_t tfd_armed_us; /* deadline armed, 0 when none */

	bool stop;
	/* ev_run: the time of the last wake-up, for ev_loop_now */
	bool running;
	bool dispatching; /* delivering a batch of fetched events */
	uint64_t now_us;
	uint64_t coalesce_us; /* ev_set_coalesce, 0 off */
};

uint64_t ev_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t ev_loop_now(const struct ev_loop *l)
{
	return l->running ? l->now_us : ev_now_us();
}

struct ev_loop *ev_loop_new(void)
{
	struct ev_loop *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		free(l);
		return NULL;
	}
	l->sigfd = -1;
	l->tfd = -1;
	sigemptyset(&l->sigmask);
	return l;
}

void ev_loop_free(struct ev_loop *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n_heap; i++)
		free(l->heap[i]);
	free(l->heap);
	free(l->fds);
	if (l->sigfd >= 0)
		close(l->sigfd);
	if (l->tfd >= 0)
		close(l->tfd);
	close(l->epfd);
	free(l);
}

/* ---- descriptors ---------------------------------------------------- */

static int fd_table_grow(struct ev_loop *l, int fd)
{
	size_t n = l->n_fds ? l->n_fds : 64;
	struct ev_fdent *t;

	while (n <= (size_t)fd)
		n *= 2;
	if (n == l->n_fds)
		return 0;
	t = realloc(l->fds, n * sizeof(*t));
	if (!t)
		return -1;
	memset(t + l->n_fds, 0, (n - l->n_fds) * sizeof(*t));
	l->fds = t;
	l->n_fds = n;
	return 0;
}

static uint64_t fd_data(int fd, uint32_t seq)
{
	return (uint64_t)seq << 32 | (uint32_t)fd;
}

static uint32_t fd_next_seq(struct ev_loop *l)
{
	if (++l->fd_seq == 0)
		l->fd_seq = 1;
	return l->fd_seq;
}

/* fd_own - watch @fd (@op: EPOLL_CTL_ADD, or MOD for a new owner) under a
 * new sequence number, so events fetched under the old one are skipped */
static int fd_own(struct ev_loop *l, int fd, int op, uint32_t events,
		  ev_fd_cb cb, void *arg)
{
	struct epoll_event ev = { .events = events };
	struct ev_fdent *e = &l->fds[fd];
	uint32_t seq = fd_next_seq(l);

	ev.data.u64 = fd_data(fd, seq);
	if (epoll_ctl(l->epfd, op, fd, &ev) < 0)
		return -1;
	e->cb = cb;
	e->arg = arg;
	e->seq = seq;
	e->events = events;
	return 0;
}

int ev_fd_add(struct ev_loop *l, int fd, uint32_t events, ev_fd_cb cb,
	      void *arg)
{
	if (fd < 0 || !cb) {
		errno = EINVAL;
		return -1;
	}
	if (fd_table_grow(l, fd) < 0)
		return -1;
	if (l->fds[fd].seq) {
		errno = EEXIST;
		return -1;
	}
	return fd_own(l, fd, EPOLL_CTL_ADD, events, cb, arg);
}

int ev_fd_rebind(struct ev_loop *l, int fd, uint32_t events, ev_fd_cb cb,
		 void *arg)
{
	if (fd < 0 || (size_t)fd >= l->n_fds || !l->fds[fd].seq || !cb) {
		errno = ENOENT;
		return -1;
	}
	/* between batches every fetched event has been delivered (to the
	 * parked owner) and the next fetch polls the file afresh: the same
	 * registration serves the new owner, no system call */
	if (!l->dispatching && l->fds[fd].events == events) {
		l->fds[fd].cb = cb;
		l->fds[fd].arg = arg;
		return 0;
	}
	/* a new identity: what epoll fetched for the old owner is stale */
	return fd_own(l, fd, EPOLL_CTL_MOD, events, cb, arg);
}

static void fd_parked(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
	(void)l;
	(void)fd;
	(void)events;
	(void)arg;
}

void ev_fd_park(struct ev_loop *l, int fd)
{
	if (fd < 0 || (size_t)fd >= l->n_fds || !l->fds[fd].seq)
		return;
	l->fds[fd].cb = fd_parked;
	l->fds[fd].arg = NULL;
}

int ev_fd_mod(struct ev_loop *l, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events };

	if (fd < 0 || (size_t)fd >= l->n_fds || !l->fds[fd].seq) {
		errno = ENOENT;
		return -1;
	}
	ev.data.u64 = fd_data(fd, l->fds[fd].seq);
	if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
		return -1;
	l->fds[fd].events = events;
	return 0;
}

void ev_fd_del(struct ev_loop *l, int fd)
{
	if (fd < 0 || (size_t)fd >= l->n_fds || !l->fds[fd].seq)
		return;
	/* ENOENT/EBADF only when the caller closed first; nothing to undo */
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	memset(&l->fds[fd], 0, sizeof(l->fds[fd]));
}

int ev_fd_close(struct ev_loop *l, int fd)
{
	if (fd >= 0 && (size_t)fd < l->n_fds)
		memset(&l->fds[fd], 0, sizeof(l->fds[fd]));
	return close(fd);
}

/* ---- timers: binary min-heap ordered by (when, seq) ------------------ */

static bool timer_before(const struct ev_timer *a, const struct ev_timer *b)
{
	if (a->when_us != b->when_us)
		return a->when_us < b->when_us;
	return a->seq < b->seq;
}

static void heap_set(struct ev_loop *l, size_t i, struct ev_timer *t)
{
	l->heap[i] = t;
	t->idx = i;
}

static void heap_up(struct ev_loop *l, size_t i)
{
	struct ev_timer *t = l->heap[i];

	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (!timer_before(t, l->heap[p]))
			break;
		heap_set(l, i, l->heap[p]);
		i = p;
	}
	heap_set(l, i, t);
}

static void heap_down(struct ev_loop *l, size_t i)
{
	struct ev_timer *t = l->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= l->n_heap)
			break;
		if (c + 1 < l->n_heap &&
		    timer_before(l->heap[c + 1], l->heap[c]))
			c++;
		if (!timer_before(l->heap[c], t))
			break;
		heap_set(l, i, l->heap[c]);
		i = c;
	}
	heap_set(l, i, t);
}

/* heap_remove - take @t out of the heap; it stays allocated. */
static void heap_remove(struct ev_loop *l, struct ev_timer *t)
{
	size_t i = t->idx;
	struct ev_timer *last = l->heap[--l->n_heap];

	t->idx = EV_NO_INDEX;
	if (last == t)
		return;
	heap_set(l, i, last);
	if (i > 0 && timer_before(last, l->heap[(i - 1) / 2]))
		heap_up(l, i);
	else
		heap_down(l, i);
}

struct ev_timer *ev_timer_add(struct ev_loop *l, uint64_t when_us,
			      ev_timer_cb cb, void *arg)
{
	struct ev_timer *t;

	if (l->n_heap == l->cap_heap) {
		size_t cap = l->cap_heap ? 2 * l->cap_heap : 64;
		struct ev_timer **h = realloc(l->heap, cap * sizeof(*h));

		if (!h)
			return NULL;
		l->heap = h;
		l->cap_heap = cap;
	}
	t = malloc(sizeof(*t));
	if (!t)
		return NULL;
	t->when_us = when_us;
	t->seq = l->timer_seq++;
	t->cb = cb;
	t->arg = arg;
	l->heap[l->n_heap] = t;
	t->idx = l->n_heap++;
	heap_up(l, t->idx);
	return t;
}

void ev_timer_cancel(struct ev_loop *l, struct ev_timer *t)
{
	if (!t)
		return;
	/* a timer whose callback is running is freed by ev_run afterwards */
	if (t->idx == EV_NO_INDEX)
		return;
	heap_remove(l, t);
	free(t);
}

/*
 * run_timers - run every timer that was due at @now and was queued before
 * this pass began, so a callback that re-arms at "now" cannot starve I/O.
 */
static void run_timers(struct ev_loop *l, uint64_t now)
{
	uint64_t limit = l->timer_seq;

	while (l->n_heap && !l->stop) {
		struct ev_timer *t = l->heap[0];

		if (t->when_us > now || t->seq >= limit)
			break;
		heap_remove(l, t);
		t->cb(l, t->arg);
		free(t);
	}
}

/* next_timeout_ms - epoll timeout until the earliest timer (-1: none). */
static int next_timeout_ms(const struct ev_loop *l, uint64_t now)
{
	uint64_t d;

	if (!l->n_heap)
		return -1;
	if (l->heap[0]->when_us <= now)
		return 0;
	/* round up: waking early would only spin */
	d = (l->heap[0]->when_us - now + 999) / 1000;
	return d > 60000 ? 60000 : (int)d;
}

/* edge-triggered: every expiry is an edge, and re-arming clears the count,
 * so the expiry count need not be read (a system call per timer wake-up) */
static void tfd_ready(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	l->tfd_armed_us = 0; /* expired: the timers run after dispatch */
}

/* open the wake-up timerfd once; without it, timers keep epoll's slack */
static void tfd_open(struct ev_loop *l)
{
	int fd;

	if (l->tfd >= 0)
		return;
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0 ||
	    ev_fd_add(l, fd, EPOLLIN | EPOLLET, tfd_ready, NULL) < 0) {
		log_warn("evloop: no timerfd (%s): timers may fire a few ms "
			 "late",
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	l->tfd = fd;
}

/* wait_timeout_ms - epoll's timeout, with the timerfd armed at the exact
 * deadline (epoll's own timeout then only backs it up). */
static int wait_timeout_ms(struct ev_loop *l, uint64_t now)
{
	int ms = next_timeout_ms(l, now);
	uint64_t when;

	if (ms <= 0 || l->tfd < 0)
		return ms;
	when = l->heap[0]->when_us;
	if (when != l->tfd_armed_us) {
		struct itimerspec its = { 0 };

		its.it_value.tv_sec = (time_t)(when / 1000000u);
		its.it_value.tv_nsec = (long)(when % 1000000u) * 1000;
		if (timerfd_settime(l->tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
			return ms;
		l->tfd_armed_us = when;
	}
	return ms < 60000 ? ms + 1 : ms;
}

/* ---- signals -------------------------------------------------------- */

static void sig_ready(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
	struct signalfd_siginfo si;
	ssize_t n;

	while (!l->stop) {
		n = read(fd, &si, sizeof(si));
		if (n != (ssize_t)sizeof(si)) {
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				log_err("evloop: signalfd read: %s",
					strerror(errno));
			return;
		}
		if (si.ssi_signo < _NSIG && l->sigs[si.ssi_signo].cb)
			l->sigs[si.ssi_signo].cb(l, (int)si.ssi_signo,
						 l->sigs[si.ssi_signo].arg);
	}
}

int ev_signal_add(struct ev_loop *l, int signo, ev_signal_cb cb, void *arg)
{
	sigset_t one;
	int fd;

	if (signo <= 0 || signo >= _NSIG || !cb) {
		errno = EINVAL;
		return -1;
	}
	sigemptyset(&one);
	sigaddset(&one, signo);
	if (sigprocmask(SIG_BLOCK, &one, NULL) < 0)
		return -1;
	sigaddset(&l->sigmask, signo);
	fd = signalfd(l->sigfd, &l->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (l->sigfd < 0) {
		if (ev_fd_add(l, fd, EPOLLIN, sig_ready, NULL) < 0) {
			close(fd);
			return -1;
		}
		l->sigfd = fd;
	}
	l->sigs[signo].cb = cb;
	l->sigs[signo].arg = arg;
	return 0;
}

/* ---- dispatch ------------------------------------------------------- */

static void dispatch_fds(struct ev_loop *l, struct epoll_event *evs, int n)
{
	int i;

	l->dispatching = true;
	for (i = 0; i < n && !l->stop; i++) {
		int fd = (int)(uint32_t)evs[i].data.u64;
		uint32_t seq = (uint32_t)(evs[i].data.u64 >> 32);
		struct ev_fdent *e;

		/* removed or replaced by an earlier callback of this batch */
		if ((size_t)fd >= l->n_fds || l->fds[fd].seq != seq)
			continue;
		e = &l->fds[fd];
		e->cb(l, fd, evs[i].events, e->arg);
	}
	l->dispatching = false;
}

void ev_set_coalesce(struct ev_loop *l, uint64_t us)
{
	l->coalesce_us = us;
}

uint64_t ev_coalesce_sleep_us(uint64_t gap_us, uint64_t coalesce_us)
{
	/* twice the interval: a loop that slept and found events at once
	 * wakes again about one interval later, and is still busy */
	return coalesce_us && gap_us < 2 * coalesce_us ? coalesce_us : 0;
}

/* a busy loop's pause before polling (ev_set_coalesce) */
static void coalesce(struct ev_loop *l, uint64_t gap_us)
{
	uint64_t us = ev_coalesce_sleep_us(gap_us, l->coalesce_us);
	struct timespec ts = { (time_t)(us / 1000000),
			       (long)(us % 1000000) * 1000 };

	/* EINTR: a signal cut the pause short, which is only earlier */
	if (us)
		nanosleep(&ts, NULL);
}

int ev_run(struct ev_loop *l)
{
	struct epoll_event evs[EV_BATCH];
	uint64_t gap_us = UINT64_MAX;
	int errors = 0, n;

	l->stop = false;
	tfd_open(l);
	l->now_us = ev_now_us();
	l->running = true;
	while (!l->stop) {
		uint64_t prev_us;

		coalesce(l, gap_us);
		prev_us = l->now_us;
		/* with the timerfd armed at the exact deadline, the time of
		 * the last wake-up serves for epoll's (backup) timeout: one
		 * clock read per wake-up, which counts where the clock is
		 * slow to read (an emulated HPET in a VM) */
		n = epoll_wait(l->epfd, evs, EV_BATCH,
			       wait_timeout_ms(l, l->tfd >= 0 ? l->now_us :
								ev_now_us()));

		l->now_us = ev_now_us();
		gap_us = l->now_us - prev_us;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_err("evloop: epoll_wait: %s", strerror(errno));
			if (++errors >= EV_MAX_EPOLL_ERRORS) {
				l->running = false;
				return -1;
			}
			continue;
		}
		errors = 0;
		dispatch_fds(l, evs, n);
		run_timers(l, l->now_us);
	}
	l->running = false;
	return 0;
}

void ev_stop(struct ev_loop *l)
{
	l->stop = true;
}
