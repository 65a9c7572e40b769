/*
 * track_file.c - track_file: one inotify descriptor watches the directory
 * of every tracked file (a file replaced by rename, or created later, is
 * seen too); a write, a rename into place or a removal re-reads the value
 * and re-evaluates the instances.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "evloop.h"
#include "log.h"
#include "track_file.h"

#define TFILE_READ_MAX 127 /* as keepalived: the number is at the start */
#define TFILE_EVENTS (IN_CLOSE_WRITE | IN_DELETE | IN_MOVE | IN_ONLYDIR)

struct tfile_rt {
	const struct cfg_file_def *d; /* into the watcher's cfg */
	const char *base; /* the name within its directory */
	bool used;
	int value;
	int wd; /* -1: not watched */
};

struct vrrp_tfiles {
	struct ev_loop *loop;
	int fd;
	struct tfile_rt *f; /* parallel to cfg->track_files */
	size_t n;
	void (*changed)(void *);
	void *arg;
};

int vrrp_tfile_parse(const char *buf, size_t len, int *out)
{
	char s[TFILE_READ_MAX + 1];
	long v;

	if (len > TFILE_READ_MAX)
		len = TFILE_READ_MAX;
	memcpy(s, buf, len);
	s[len] = '\0';
	errno = 0;
	v = strtol(s, NULL, 0);
	if (errno || v < INT_MIN || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

void vrrp_tfile_fold(int value, int weight, bool reverse, bool *fault,
		     int *delta)
{
	long long p;

	if (!weight) {
		if ((value != 0) != reverse)
			*fault = true;
		return;
	}
	p = (long long)value * weight * (reverse ? -1 : 1);
	/* keepalived's limits for an instance: -254 or less is FAULT */
	if (p <= -254)
		*fault = true;
	else
		*delta += p > 253 ? 253 : (int)p;
}

/* ---- files ------------------------------------------------------------ */

/* the file's value now: a missing file reads 0 */
static void tfile_read(struct tfile_rt *r)
{
	char buf[TFILE_READ_MAX];
	ssize_t n;
	int fd, v = 0, e;

	fd = open(r->d->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			log_warn("track_file %s: cannot open %s: %s (reads 0)",
				 r->d->name, r->d->path, strerror(errno));
		r->value = 0;
		return;
	}
	n = read(fd, buf, sizeof(buf));
	e = errno;
	close(fd);
	if (n < 0) {
		log_warn("track_file %s: cannot read %s: %s (reads 0)",
			 r->d->name, r->d->path, strerror(e));
		r->value = 0;
		return;
	}
	if (vrrp_tfile_parse(buf, (size_t)n, &v) < 0) {
		log_warn("track_file %s: %s holds a number out of range; "
			 "the value stays %d",
			 r->d->name, r->d->path, r->value);
		return;
	}
	r->value = v;
}

/* init_file: write the initial value where asked */
static void tfile_init(const struct tfile_rt *r, bool start)
{
	const struct cfg_file_def *d = r->d;
	char buf[16];
	int fd, len;

	if (!d->init ||
	    (!(start && d->init_overwrite) && access(d->path, F_OK) == 0))
		return;
	len = snprintf(buf, sizeof(buf), "%d\n", d->init_value);
	fd = open(d->path,
		  O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, buf, (size_t)len) != len) {
		log_err("track_file %s: cannot write %s: %s", d->name, d->path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	if (close(fd) < 0)
		log_err("track_file %s: cannot write %s: %s", d->name, d->path,
			strerror(errno));
}

static void tfile_watch(struct vrrp_tfiles *w, struct tfile_rt *r)
{
	const char *slash = strrchr(r->d->path, '/');
	char dir[PATH_MAX];
	size_t dlen;

	r->wd = -1;
	if (!slash || w->fd < 0)
		return;
	r->base = slash + 1;
	dlen = (size_t)(slash - r->d->path);
	if (dlen >= sizeof(dir))
		return;
	memcpy(dir, r->d->path, dlen);
	dir[dlen] = '\0';
	if (!dlen)
		strcpy(dir, "/");
	r->wd = inotify_add_watch(w->fd, dir, TFILE_EVENTS);
	if (r->wd < 0)
		log_err("track_file %s: cannot watch directory %s: %s; "
			"changes to %s are not seen",
			r->d->name, dir, strerror(errno), r->d->path);
}

/* ---- inotify ---------------------------------------------------------- */

/* one event; returns whether a value changed */
static bool tfile_event(struct vrrp_tfiles *w, const struct inotify_event *ev)
{
	bool changed = false;
	size_t k;

	for (k = 0; k < w->n; k++) {
		struct tfile_rt *r = &w->f[k];
		int was = r->value;

		if (!r->used || r->wd < 0)
			continue;
		if (ev->mask & IN_Q_OVERFLOW) {
			tfile_read(r); /* events were lost: read them all */
		} else if (ev->wd == r->wd && (ev->mask & IN_IGNORED)) {
			log_warn("track_file %s: its directory is gone; "
				 "changes to %s are no longer seen",
				 r->d->name, r->d->path);
			r->wd = -1;
			continue;
		} else if (ev->wd != r->wd || !ev->len ||
			   strcmp(ev->name, r->base)) {
			continue;
		} else if (ev->mask & (IN_DELETE | IN_MOVED_FROM)) {
			r->value = 0; /* gone: as keepalived, reads 0 */
		} else {
			tfile_read(r);
		}
		if (r->value != was) {
			log_info("track_file %s: value %d -> %d", r->d->name,
				 was, r->value);
			changed = true;
		}
	}
	return changed;
}

static void tfiles_readable(struct ev_loop *l, int fd, uint32_t events,
			    void *arg)
{
	struct vrrp_tfiles *w = arg;
	char buf[4096]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	bool changed = false;
	ssize_t n;

	(void)l;
	(void)events;
	for (;;) {
		const char *p;

		n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				log_err("track_file: inotify read: %s",
					strerror(errno));
			break;
		}
		if (n == 0)
			break;
		for (p = buf; p + sizeof(struct inotify_event) <= buf + n;) {
			const struct inotify_event *ev = (const void *)p;

			if (!(ev->mask & IN_ISDIR) && tfile_event(w, ev))
				changed = true;
			p += sizeof(*ev) + ev->len;
		}
	}
	if (changed && w->changed)
		w->changed(w->arg);
}

/* ---- the watcher ------------------------------------------------------ */

/* the files @trk tracks are watched */
static void mark_used(struct vrrp_tfiles *w, const struct cfg_trackers *trk)
{
	const struct cfg_track_ref *t = trk->files;
	size_t k;

	for (k = 0; k < trk->n_files; k++)
		if (t[k].def < w->n)
			w->f[t[k].def].used = true;
}

struct vrrp_tfiles *vrrp_tfiles_new(struct ev_loop *l, const struct cfg *c,
				    bool start, void (*changed)(void *),
				    void *arg)
{
	struct vrrp_tfiles *w = calloc(1, sizeof(*w));
	bool any = false;
	size_t k;

	if (!w)
		return NULL;
	w->loop = l;
	w->fd = -1;
	w->changed = changed;
	w->arg = arg;
	w->n = c->n_track_files;
	w->f = calloc(w->n ? w->n : 1, sizeof(*w->f));
	if (!w->f) {
		free(w);
		return NULL;
	}
	for (k = 0; k < w->n; k++) {
		w->f[k].d = &c->track_files[k];
		w->f[k].wd = -1;
	}
	for (k = 0; k < cfg_n_trackers(c); k++)
		mark_used(w, cfg_trackers_at(c, k));
	for (k = 0; k < w->n; k++)
		any = any || w->f[k].used;
	if (!any)
		return w;
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0 || ev_fd_add(l, w->fd, EPOLLIN, tfiles_readable, w) < 0) {
		log_err("track_file: cannot watch files: %s; their values "
			"are read once",
			strerror(errno));
		if (w->fd >= 0)
			close(w->fd);
		w->fd = -1;
	}
	for (k = 0; k < w->n; k++) {
		struct tfile_rt *r = &w->f[k];

		if (!r->used)
			continue;
		tfile_init(r, start);
		/* watch before reading: a write in between is not lost */
		tfile_watch(w, r);
		tfile_read(r);
		log_info("track_file %s: %s reads %d", r->d->name, r->d->path,
			 r->value);
	}
	return w;
}

int vrrp_tfiles_value(const struct vrrp_tfiles *w, size_t idx)
{
	if (!w || idx >= w->n)
		return 0;
	return w->f[idx].value;
}

void vrrp_tfiles_free(struct vrrp_tfiles *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		ev_fd_close(w->loop, w->fd);
	free(w->f);
	free(w);
}
