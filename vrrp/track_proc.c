/*
 * track_proc.c - vrrp_track_process by reading /proc once a second (one
 * pass counts every tracked process). keepalived listens to the kernel's
 * process events instead; those only reach the initial network namespace,
 * while a count works wherever directord runs, at the cost of up to a
 * second before a change is seen.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evloop.h"
#include "log.h"
#include "track_proc.h"

#define TPROC_INTERVAL_US 1000000
#define TPROC_COMM_MAX 15 /* TASK_COMM_LEN - 1 */
#define TPROC_CMDLINE_MAX 4096

struct tproc_rt {
	const struct cfg_proc_def *d; /* into the watcher's cfg */
	bool used;
	bool up;
	unsigned count;
	uint64_t pending_us; /* when the count last crossed the quorum, 0 */
};

struct vrrp_tprocs {
	struct ev_loop *loop;
	struct ev_timer *timer;
	struct tproc_rt *p; /* parallel to cfg->track_procs */
	size_t n;
	void (*changed)(void *);
	void *arg;
};

/* the @i-th NUL-terminated word of @s (@len bytes), or NULL */
static const char *word_at(const char *s, size_t len, size_t i)
{
	size_t off = 0;

	while (i--) {
		const char *z = memchr(s + off, '\0', len - off);

		if (!z)
			return NULL;
		off = (size_t)(z - s) + 1;
		if (off >= len)
			return NULL;
	}
	return off < len ? s + off : NULL;
}

static size_t word_count(const char *s, size_t len)
{
	size_t n = 0;

	while (word_at(s, len, n))
		n++;
	return n;
}

bool vrrp_tproc_match(const struct cfg_proc_def *d, const char *comm,
		      const char *cmdline, size_t len)
{
	size_t np = d->argc ? d->argc - 1 : 0, m, k;
	bool params = np || d->param_match_set;
	const char *w;

	if (!d->argc)
		return false;
	if (d->full_command || np) {
		w = word_at(cmdline, len, 0);
		if (!w || strcmp(w, d->argv[0]))
			return false;
	} else if (strncmp(comm, d->argv[0], TPROC_COMM_MAX) ||
		   (strlen(d->argv[0]) < TPROC_COMM_MAX &&
		    strlen(comm) != strlen(d->argv[0]))) {
		return false;
	}
	if (!params)
		return true;
	m = word_count(cmdline, len);
	m = m ? m - 1 : 0;
	if (!np) /* "param_match" alone: no parameters at all */
		return m == 0;
	if (m < np || (d->param_match == CFG_PARAM_EXACT && m != np))
		return false;
	for (k = 0; k < np; k++) {
		w = word_at(cmdline, len, k + 1);
		if (d->param_match == CFG_PARAM_INITIAL && k == np - 1) {
			if (strncmp(w, d->argv[k + 1], strlen(d->argv[k + 1])))
				return false;
		} else if (strcmp(w, d->argv[k + 1])) {
			return false;
		}
	}
	return true;
}

/* ---- counting ----------------------------------------------------------- */

static bool tproc_needs_cmdline(const struct cfg_proc_def *d)
{
	return d->full_command || d->argc > 1 || d->param_match_set;
}

/* @path's content (at most @size - 1 bytes, NUL-terminated); -1 if none */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

static void count_all(struct vrrp_tprocs *w)
{
	char path[300], comm[32], cmd[TPROC_CMDLINE_MAX];
	struct dirent *de;
	DIR *dir = opendir("/proc");
	size_t k;

	for (k = 0; k < w->n; k++)
		w->p[k].count = 0;
	if (!dir) {
		log_err("track_process: cannot read /proc: %s",
			strerror(errno));
		return;
	}
	while ((de = readdir(dir))) {
		ssize_t cl = -2, n;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		n = read_small(path, comm, sizeof(comm));
		if (n < 0)
			continue; /* gone meanwhile */
		if (n && comm[n - 1] == '\n')
			comm[n - 1] = '\0';
		for (k = 0; k < w->n; k++) {
			struct tproc_rt *r = &w->p[k];

			if (!r->used)
				continue;
			if (cl == -2 && tproc_needs_cmdline(r->d)) {
				/* the command line once, if some block needs it */
				snprintf(path, sizeof(path), "/proc/%s/cmdline",
					 de->d_name);
				cl = read_small(path, cmd, sizeof(cmd));
			}
			if (vrrp_tproc_match(r->d, comm, cl > 0 ? cmd : "",
					     cl > 0 ? (size_t)cl : 0))
				r->count++;
		}
	}
	closedir(dir);
}

/* count, and move each process's state once its delay has passed;
 * returns whether a state changed */
static bool update(struct vrrp_tprocs *w, bool first)
{
	uint64_t now = ev_now_us();
	bool changed = false;
	size_t k;

	count_all(w);
	for (k = 0; k < w->n; k++) {
		struct tproc_rt *r = &w->p[k];
		bool want = r->count >= r->d->quorum &&
			    r->count <= r->d->quorum_max;
		uint64_t delay =
			want ? r->d->fork_delay_us : r->d->terminate_delay_us;

		if (!r->used)
			continue;
		if (first || want == r->up) {
			r->up = want;
			r->pending_us = 0;
			continue;
		}
		if (!r->pending_us)
			r->pending_us = now;
		if (now - r->pending_us < delay)
			continue;
		r->up = want;
		r->pending_us = 0;
		changed = true;
		log_info("VRRP_Track_Process(%s) %s (%u running)", r->d->name,
			 want ? "up" : "down", r->count);
	}
	return changed;
}

static void tick(struct ev_loop *l, void *arg)
{
	struct vrrp_tprocs *w = arg;

	w->timer = ev_timer_add(l, ev_now_us() + TPROC_INTERVAL_US, tick, w);
	if (update(w, false) && w->changed)
		w->changed(w->arg);
}

/* ---- the watcher -------------------------------------------------------- */

/* the processes @trk tracks are counted */
static void mark_used(struct vrrp_tprocs *w, const struct cfg_trackers *trk)
{
	const struct cfg_track_ref *t = trk->procs;
	size_t k;

	for (k = 0; k < trk->n_procs; k++)
		if (t[k].def < w->n)
			w->p[t[k].def].used = true;
}

struct vrrp_tprocs *vrrp_tprocs_new(struct ev_loop *l, const struct cfg *c,
				    void (*changed)(void *), void *arg)
{
	struct vrrp_tprocs *w = calloc(1, sizeof(*w));
	bool any = false;
	size_t k;

	if (!w)
		return NULL;
	w->loop = l;
	w->changed = changed;
	w->arg = arg;
	w->n = c->n_track_procs;
	w->p = calloc(w->n ? w->n : 1, sizeof(*w->p));
	if (!w->p) {
		free(w);
		return NULL;
	}
	for (k = 0; k < w->n; k++)
		w->p[k].d = &c->track_procs[k];
	for (k = 0; k < cfg_n_trackers(c); k++)
		mark_used(w, cfg_trackers_at(c, k));
	for (k = 0; k < w->n; k++)
		any = any || w->p[k].used;
	if (!any)
		return w;
	update(w, true);
	for (k = 0; k < w->n; k++)
		if (w->p[k].used)
			log_info("VRRP_Track_Process(%s) %s (%u running)",
				 w->p[k].d->name, w->p[k].up ? "up" : "down",
				 w->p[k].count);
	w->timer = ev_timer_add(l, ev_now_us() + TPROC_INTERVAL_US, tick, w);
	if (!w->timer)
		log_err("track_process: out of memory: counts stop");
	return w;
}

bool vrrp_tprocs_up(const struct vrrp_tprocs *w, size_t idx)
{
	return w && idx < w->n && w->p[idx].up;
}

unsigned vrrp_tprocs_count(const struct vrrp_tprocs *w, size_t idx)
{
	return w && idx < w->n ? w->p[idx].count : 0;
}

void vrrp_tprocs_free(struct vrrp_tprocs *w)
{
	if (!w)
		return;
	ev_timer_cancel(w->loop, w->timer);
	free(w->p);
	free(w);
}
